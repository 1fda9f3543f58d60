-- The contests of the scheduled parliamentary election of 2027-01-24
-- (elections.id 202701, from elections.sql): 14 invented parties, the
-- party-list contest (54 seats) with each party's list, and the 36
-- single-member district contests with their candidates in ballot order.
-- DOMAIN.md, "Candidates and parties".
--
--   psql -v ON_ERROR_STOP=1 --single-transaction -f sql/demo/contests.sql
--
-- Deterministic (every choice is a hash of fixed text: md5, never random())
-- and idempotent (the same rows come out every time and go in ON CONFLICT DO
-- NOTHING), so it can run again on a loaded database.  Needs the districts
-- (gen.c) and the election (elections.sql).  Does not depend on the scale.
--
-- Ids: parties 1..14; contests 20270100 (list) and 20270101..20270136
-- (district n = 20270100 + n); candidates from 1, the list candidates first
-- (party by party, in list order), then the district candidates.
--
-- The lists keep DOMAIN.md's rules, by construction:
--   * sexes: the list is a series of units "a run of 1-3 of the leading sex,
--     then a run of 1-2 of the other (2 after a run of 3)", cut at the list's
--     length: no run longer than 3, and no sex above 70%;
--   * 17-24% of each list under 35 on election day (born after 1992-01-24),
--     16-25% of other ethnicity (Uzbek or Russian names), 2 or 3 persons
--     with disabilities; the leader (number 1) is none of these;
--   * everybody at least 25 on election day and with higher education;
--   * withdrawn candidates (1 or 2 in some lists, numbers not refilled) are
--     of the list's majority sex, in none of the quota groups, and stand
--     between two candidates of different sexes (or last), so the rules still
--     hold for the candidates who remain.
-- District ballots: 3 to 7 candidates, at most one per party, some
-- self-nominated, listed alphabetically; a few list candidates also stand in
-- a district (at most one district each); a few district candidates withdrew.
--
-- PINs: sex digit, birth date DDMMYYYY, serial 00090-00099.  No voter can
-- have one of these: gen.c gives ordinary PINs serials 00100 and up (at most
-- about 89,100) and the irregular PINs of the old registers 90000-99999; the
-- fixed demo people have 00011-00088 (multiples of 11).

SET client_min_messages = warning;   -- no notice when there is nothing to drop
DROP TABLE IF EXISTS pg_temp.demo_names, pg_temp.demo_parties, pg_temp.demo_slots,
    pg_temp.demo_seats, pg_temp.demo_people;

-- 0 .. 2^28-1 from any text.
CREATE OR REPLACE FUNCTION pg_temp.demo_h(key text) RETURNS integer
    LANGUAGE sql IMMUTABLE AS $$ SELECT ('x' || substr(md5(key), 1, 7))::bit(28)::integer $$;

-- Иванов -> Иванова, Ковальский -> Ковальская, Ким -> Ким.
CREATE OR REPLACE FUNCTION pg_temp.demo_female_surname(m text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN m ~ '(ов|ев|ин|ын)$' THEN m || 'а'
                WHEN m ~ '(ий|ой)$' THEN left(m, -2) || 'ая'
                ELSE m END $$;

-- Бакыт -> Бакытович/Бакытовна, Атай -> Атаевич, Абдылда -> Абдылдаевич.
CREATE OR REPLACE FUNCTION pg_temp.demo_patronymic(father text, female boolean) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN father ~ 'й$' THEN left(father, -1) || 'ев'
                WHEN father ~ '[жшчщцаоеыиуэ]$' THEN father || 'ев'
                ELSE father || 'ов' END
        || CASE WHEN female THEN 'на' ELSE 'ич' END $$;

-- Name pools (a part of gen.c's).
CREATE TEMP TABLE demo_names (pool text, n integer, name text, PRIMARY KEY (pool, n));
INSERT INTO demo_names
SELECT pool, n, name FROM (VALUES
    ('ky_m', ARRAY['Бакыт', 'Нурлан', 'Азамат', 'Эрмек', 'Айбек', 'Нурбек', 'Талант', 'Улан', 'Мирлан',
        'Алмаз', 'Канат', 'Мирбек', 'Руслан', 'Асан', 'Жумабек', 'Адилет', 'Эрлан', 'Данияр', 'Бектур',
        'Элдияр', 'Нурсултан', 'Темирлан', 'Чынгыз', 'Кубаныч', 'Алмазбек', 'Болот', 'Маратбек', 'Медер',
        'Нурдин', 'Самат', 'Санжар', 'Тилек', 'Улукбек', 'Эркин', 'Жаныбек', 'Жыргалбек', 'Кайрат',
        'Курманбек', 'Назарбек', 'Өмүрбек', 'Райымбек', 'Сагын', 'Тынчтык', 'Үсөн', 'Айдар', 'Бактыбек',
        'Садыр', 'Арген', 'Атай', 'Бекболот', 'Канатбек', 'Эсен', 'Мелис', 'Бакай', 'Жолдош', 'Асылбек',
        'Абдылда', 'Кенжебек', 'Осмон', 'Турдубек', 'Сыдык', 'Мамыт', 'Орозбек', 'Токтосун', 'Бекжан',
        'Дүйшөн', 'Алтынбек', 'Жапар', 'Ысмайыл', 'Максат', 'Марат', 'Женишбек', 'Акылбек', 'Урмат',
        'Эрнис']),
    ('ky_f', ARRAY['Айгерим', 'Жылдыз', 'Гүлнара', 'Айпери', 'Айжан', 'Айнура', 'Бермет', 'Гүлзат',
        'Динара', 'Жазгүл', 'Жаркынай', 'Замира', 'Мээрим', 'Нургүл', 'Нуриза', 'Салтанат', 'Чолпон',
        'Элмира', 'Асель', 'Аида', 'Айсулуу', 'Алтынай', 'Бегимай', 'Бурул', 'Гүлмира', 'Жаныл', 'Канышай',
        'Керемет', 'Сезим', 'Толгонай', 'Акылай', 'Айдана', 'Адина', 'Аруузат', 'Назира', 'Нурайым',
        'Рахат', 'Анара', 'Айзада', 'Мира', 'Чынара', 'Эльвира', 'Айтолкун', 'Бактыгүл', 'Зуура', 'Кымбат',
        'Сайкал', 'Бүбүсара', 'Айымкан', 'Калыйман', 'Венера', 'Уулкан', 'Перизат']),
    ('ky_s', ARRAY['Асанов', 'Жумабеков', 'Токтогулов', 'Сыдыков', 'Осмонов', 'Абдыкадыров', 'Бакиров',
        'Мамытов', 'Алымкулов', 'Бекмуратов', 'Исаков', 'Кадыров', 'Мамбетов', 'Сагынбаев', 'Турдубаев',
        'Садыков', 'Иманалиев', 'Абдраимов', 'Орозбеков', 'Султанов', 'Чотонов', 'Эсенов', 'Абдылдаев',
        'Бейшеналиев', 'Жолдошев', 'Касымов', 'Кубанычбеков', 'Мамыров', 'Молдокулов', 'Медетбеков',
        'Муканбетов', 'Назаралиев', 'Өмүрбеков', 'Рысбеков', 'Сатыбалдиев', 'Тологонов', 'Усенов',
        'Үсөнбаев', 'Шаршеналиев', 'Эргешов', 'Жусупов', 'Абдыкеримов', 'Акматов', 'Алиев', 'Арстанбеков',
        'Аширбеков', 'Байтемиров', 'Бообеков', 'Дуйшеев', 'Дүйшөнбиев', 'Жакыпов', 'Жунусов', 'Калыков',
        'Кенжебаев', 'Көчөров', 'Мырзабеков', 'Нуралиев', 'Оморов', 'Осмоналиев', 'Садыров', 'Сарыбаев',
        'Токоев', 'Урматов', 'Абдиев', 'Бекташев', 'Зулпуев', 'Кочкоров', 'Мурзаканов', 'Сооронбаев',
        'Темиров', 'Тыныбеков', 'Чыныбаев', 'Эшимбеков', 'Карабеков', 'Кулуев', 'Маматов',
        'Нурманбетов', 'Рахманбердиев', 'Таштанов', 'Токтосунов', 'Ыбыкеев']),
    ('uz_m', ARRAY['Азиз', 'Алишер', 'Бахтиёр', 'Жахонгир', 'Ильхом', 'Рустам', 'Фаррух', 'Шухрат',
        'Улугбек', 'Ботир', 'Дилшод', 'Зафар', 'Равшан', 'Шерзод', 'Абдулла', 'Мухаммад', 'Анвар', 'Одил',
        'Хуршид', 'Акмал', 'Абдурашид', 'Турсун', 'Рахим', 'Карим', 'Юсуф', 'Хасан', 'Умар', 'Баходир',
        'Нодир', 'Отабек', 'Дилмурод', 'Фуркат', 'Икром', 'Мансур', 'Шавкат']),
    ('uz_f', ARRAY['Дилноза', 'Гулноза', 'Зарина', 'Малика', 'Нилуфар', 'Феруза', 'Шахноза', 'Мохира',
        'Севара', 'Дилфуза', 'Мунира', 'Камола', 'Гулчехра', 'Зульфия', 'Нодира', 'Хуршида', 'Мадина',
        'Дилором', 'Гулбахор', 'Махлиё', 'Нигора', 'Умида', 'Шахло', 'Барно', 'Гавхар', 'Лола', 'Дильбар']),
    ('uz_s', ARRAY['Юсупов', 'Каримов', 'Рахимов', 'Ахмедов', 'Мамажанов', 'Абдуллаев', 'Хасанов',
        'Турсунов', 'Эргашев', 'Исламов', 'Умаров', 'Рахманов', 'Абдурахманов', 'Мирзаев', 'Хамидов',
        'Холматов', 'Шарипов', 'Назаров', 'Маматкулов', 'Ташматов', 'Алимов', 'Юлдашев', 'Азимов',
        'Абдувалиев', 'Рашидов', 'Тажибаев', 'Усманов', 'Саидов', 'Джураев', 'Мамадалиев', 'Рузиев',
        'Исмаилов', 'Курбанов', 'Содиков', 'Тешабаев', 'Хайдаров', 'Абдукаримов', 'Мадаминов', 'Нематов']),
    ('ru_m', ARRAY['Александр', 'Сергей', 'Андрей', 'Дмитрий', 'Алексей', 'Владимир', 'Николай',
        'Евгений', 'Игорь', 'Виктор', 'Михаил', 'Юрий', 'Олег', 'Иван', 'Павел', 'Максим', 'Денис', 'Роман',
        'Артем', 'Константин', 'Василий', 'Геннадий', 'Анатолий', 'Валерий', 'Вячеслав', 'Петр', 'Илья',
        'Никита', 'Кирилл', 'Владислав']),
    ('ru_f', ARRAY['Елена', 'Ольга', 'Наталья', 'Татьяна', 'Ирина', 'Светлана', 'Анна', 'Марина',
        'Людмила', 'Галина', 'Екатерина', 'Юлия', 'Надежда', 'Валентина', 'Оксана', 'Любовь', 'Мария',
        'Анастасия', 'Виктория', 'Нина', 'Лариса', 'Вера', 'Тамара', 'Алина', 'Дарья', 'Ксения',
        'Евгения', 'Полина']),
    -- male forms; the female form ends in -на instead of -ич
    ('ru_p', ARRAY['Александрович', 'Сергеевич', 'Андреевич', 'Дмитриевич', 'Алексеевич',
        'Владимирович', 'Николаевич', 'Евгеньевич', 'Игоревич', 'Викторович', 'Михайлович', 'Юрьевич',
        'Олегович', 'Иванович', 'Павлович', 'Петрович', 'Васильевич', 'Геннадьевич', 'Анатольевич',
        'Валерьевич', 'Борисович', 'Федорович', 'Григорьевич', 'Константинович', 'Вячеславович',
        'Леонидович', 'Степанович', 'Владиславович']),
    ('ru_s', ARRAY['Иванов', 'Смирнов', 'Кузнецов', 'Попов', 'Соколов', 'Лебедев', 'Козлов', 'Новиков',
        'Морозов', 'Петров', 'Волков', 'Соловьев', 'Васильев', 'Зайцев', 'Павлов', 'Семенов', 'Голубев',
        'Виноградов', 'Богданов', 'Воробьев', 'Федоров', 'Михайлов', 'Беляев', 'Тарасов', 'Белов',
        'Комаров', 'Орлов', 'Киселев', 'Макаров', 'Андреев', 'Ковалев', 'Ильин', 'Гусев', 'Титов',
        'Кузьмин', 'Баранов', 'Куликов', 'Степанов', 'Яковлев', 'Сорокин', 'Романов', 'Захаров',
        'Борисов', 'Шевченко', 'Бондаренко', 'Ткаченко', 'Ким', 'Пак', 'Цой', 'Шмидт', 'Ковальский'])
) AS p (pool, names), unnest(p.names) WITH ORDINALITY AS u (name, n);

-- A name of the pool chosen by key.
CREATE OR REPLACE FUNCTION pg_temp.demo_pick(pool text, key text) RETURNS text
    LANGUAGE sql STABLE AS $$
    SELECT name FROM pg_temp.demo_names
     WHERE demo_names.pool = demo_pick.pool
       AND n = 1 + pg_temp.demo_h(key) % (SELECT count(*) FROM pg_temp.demo_names x WHERE x.pool = demo_pick.pool) $$;

-- The parties, the length of their lists and the sex of their leaders.
CREATE TEMP TABLE demo_parties (id integer PRIMARY KEY, name_ru text, name_ky text, short_name text,
                                size integer, lead char(1));
INSERT INTO demo_parties VALUES
    (1, 'Политическая партия «Ала-Тоо Ынтымагы»', '«Ала-Тоо Ынтымагы» саясий партиясы',
        'Ала-Тоо Ынтымагы', 54, 'M'),
    (2, 'Политическая партия «Мекен Үнү»', '«Мекен Үнү» саясий партиясы', 'Мекен Үнү', 54, 'M'),
    (3, 'Политическая партия «Замандаштар Биримдиги»', '«Замандаштар Биримдиги» саясий партиясы',
        'Замандаштар Биримдиги', 47, 'M'),
    (4, 'Политическая партия «Бирге Алга»', '«Бирге Алга» саясий партиясы', 'Бирге Алга', 54, 'F'),
    (5, 'Политическая партия «Эл Дөөлөтү»', '«Эл Дөөлөтү» саясий партиясы', 'Эл Дөөлөтү', 38, 'M'),
    (6, 'Экологическая партия «Жашыл Өрөөн»', '«Жашыл Өрөөн» экологиялык партиясы', 'Жашыл Өрөөн', 29, 'F'),
    (7, 'Политическая партия «Санарип Кыргызстан»', '«Санарип Кыргызстан» саясий партиясы',
        'Санарип Кыргызстан', 54, 'M'),
    (8, 'Аграрная партия «Айыл Келечеги»', '«Айыл Келечеги» агрардык партиясы', 'Айыл Келечеги', 33, 'M'),
    (9, 'Политическая партия «Тоолуу Мекен»', '«Тоолуу Мекен» саясий партиясы', 'Тоолуу Мекен', 24, 'M'),
    (10, 'Политическая партия «Жаштар Демилгеси»', '«Жаштар Демилгеси» саясий партиясы',
        'Жаштар Демилгеси', 42, 'M'),
    (11, 'Политическая партия «Адилет Жолу»', '«Адилет Жолу» саясий партиясы', 'Адилет Жолу', 21, 'M'),
    (12, 'Партия труда «Эмгек Күчү»', '«Эмгек Күчү» эмгек партиясы', 'Эмгек Күчү', 36, 'M'),
    (13, 'Политическая партия «Эркин Доор»', '«Эркин Доор» саясий партиясы', 'Эркин Доор', 20, 'F'),
    (14, 'Политическая партия «Согласие и Развитие»', '«Макулдашуу жана Өнүгүү» саясий партиясы',
        'Согласие и Развитие', 27, 'M');

-- The lists, one row per number: sex from the runs, then the quota groups.
CREATE TEMP TABLE demo_slots AS
WITH units AS (
    SELECT p.id AS party, u, 1 + pg_temp.demo_h('lead run ' || p.id || '/' || u) % 3 AS a
      FROM demo_parties p, generate_series(1, 54) u
), units2 AS (
    SELECT party, u, a,
           CASE WHEN a = 3 THEN 2 ELSE 1 + pg_temp.demo_h('other run ' || party || '/' || u) % 2 END AS b
      FROM units
), runs AS (
    SELECT party, u, a, b, sum(a + b) OVER (PARTITION BY party ORDER BY u) - (a + b) AS start
      FROM units2
)
SELECT r.party, (r.start + k)::integer AS position,
       CASE WHEN (k <= r.a) = (p.lead = 'M') THEN 'M' ELSE 'F' END AS sex
  FROM runs r JOIN demo_parties p ON p.id = r.party, generate_series(1, r.a + r.b) k
 WHERE r.start + k <= p.size;

ALTER TABLE demo_slots ADD young boolean NOT NULL DEFAULT false, ADD other boolean NOT NULL DEFAULT false,
    ADD disability boolean NOT NULL DEFAULT false, ADD withdrawn boolean NOT NULL DEFAULT false;

UPDATE demo_slots s SET young = true FROM (
    SELECT x.party, x.position, row_number() OVER (PARTITION BY x.party
               ORDER BY md5('young ' || x.party || '/' || x.position)) AS rank,
           ceil(p.size * (17 + pg_temp.demo_h('young ' || p.id) % 8) / 100.0) AS k
      FROM demo_slots x JOIN demo_parties p ON p.id = x.party WHERE x.position > 1
) q WHERE q.party = s.party AND q.position = s.position AND q.rank <= q.k;

UPDATE demo_slots s SET other = true FROM (
    SELECT x.party, x.position, row_number() OVER (PARTITION BY x.party
               ORDER BY md5('other ' || x.party || '/' || x.position)) AS rank,
           ceil(p.size * (16 + pg_temp.demo_h('other ' || p.id) % 10) / 100.0) AS k
      FROM demo_slots x JOIN demo_parties p ON p.id = x.party WHERE x.position > 1
) q WHERE q.party = s.party AND q.position = s.position AND q.rank <= q.k;

UPDATE demo_slots s SET disability = true FROM (
    SELECT x.party, x.position, row_number() OVER (PARTITION BY x.party
               ORDER BY md5('disability ' || x.party || '/' || x.position)) AS rank,
           2 + CASE WHEN p.size >= 45 THEN pg_temp.demo_h('disability ' || p.id) % 2 ELSE 0 END AS k
      FROM demo_slots x JOIN demo_parties p ON p.id = x.party WHERE x.position > 1
) q WHERE q.party = s.party AND q.position = s.position AND q.rank <= q.k;

-- Withdrawals: none, 1 or 2 per list (from a hash of the party); candidates
-- of the majority sex in no quota group, whose neighbours differ in sex (or
-- who are last), never two neighbours.
UPDATE demo_slots s SET withdrawn = true FROM (
    WITH majority AS (
        SELECT party, CASE WHEN count(*) FILTER (WHERE sex = 'F') > count(*) FILTER (WHERE sex = 'M')
                           THEN 'F' ELSE 'M' END AS sex
          FROM demo_slots GROUP BY party
    ), eligible AS (
        SELECT x.party, x.position,
               row_number() OVER (PARTITION BY x.party
                                  ORDER BY md5('withdrawn ' || x.party || '/' || x.position)) AS rank
          FROM demo_slots x
          JOIN majority m ON m.party = x.party AND m.sex = x.sex
          LEFT JOIN demo_slots before ON before.party = x.party AND before.position = x.position - 1
          LEFT JOIN demo_slots after ON after.party = x.party AND after.position = x.position + 1
         WHERE x.position >= 3 AND NOT (x.young OR x.other OR x.disability)
           AND (after.sex IS NULL OR after.sex <> before.sex)
    ), wanted AS (
        SELECT id AS party, CASE pg_temp.demo_h('withdrawals ' || id) % 5 WHEN 0 THEN 1 WHEN 1 THEN 1
                                                                         WHEN 2 THEN 2 ELSE 0 END AS k
          FROM demo_parties
    ), first AS (
        SELECT e.party, e.position FROM eligible e JOIN wanted w ON w.party = e.party
         WHERE e.rank = 1 AND w.k >= 1
    ), second AS (
        SELECT DISTINCT ON (e.party) e.party, e.position
          FROM eligible e JOIN wanted w ON w.party = e.party JOIN first f ON f.party = e.party
         WHERE w.k = 2 AND abs(e.position - f.position) > 1
         ORDER BY e.party, e.rank
    )
    SELECT party, position FROM first UNION ALL SELECT party, position FROM second
) q WHERE q.party = s.party AND q.position = s.position;

-- The district ballots, one row per candidate: a party's nominee or a
-- self-nominated candidate; 3 to 7 per district, at least 2 nominated by
-- parties; parties with longer lists nominate in more districts.
CREATE TEMP TABLE demo_seats AS
WITH d AS (
    SELECT number AS district, region_id AS region,
           3 + pg_temp.demo_h('candidates ' || number) % 5 AS n,
           pg_temp.demo_h('self-nominated ' || number) % 3 AS s
      FROM districts WHERE number BETWEEN 1 AND 36
), nominees AS (
    SELECT d.district, d.region, p.id AS party,
           row_number() OVER (PARTITION BY d.district
               ORDER BY pg_temp.demo_h('nominee ' || d.district || '/' || p.id) % 1000 / p.size::numeric,
                        p.id) AS rank,
           d.n - least(d.s, d.n - 2) AS k
      FROM d CROSS JOIN demo_parties p
)
SELECT district, region, party, rank::integer AS slot FROM nominees WHERE rank <= k
UNION ALL
SELECT d.district, d.region, NULL, (d.n - least(d.s, d.n - 2) + j)::integer
  FROM d, generate_series(1, least(d.s, d.n - 2)) j;

ALTER TABLE demo_seats ADD list_position integer, ADD withdrawn boolean NOT NULL DEFAULT false,
    ADD candidate integer;

-- A few party nominees are the party's list candidates (numbers 2, 3, ...
-- of those who did not withdraw, one district each).
UPDATE demo_seats s SET list_position = q.position FROM (
    WITH chosen AS (
        SELECT district, party, row_number() OVER (PARTITION BY party ORDER BY district) AS k
          FROM demo_seats
         WHERE party IS NOT NULL AND pg_temp.demo_h('also on the list ' || district || '/' || party) % 30 = 0
    ), listed AS (
        SELECT party, position, row_number() OVER (PARTITION BY party ORDER BY position) AS k
          FROM demo_slots WHERE position >= 2 AND NOT withdrawn
    )
    SELECT c.district, c.party, l.position FROM chosen c JOIN listed l ON l.party = c.party AND l.k = c.k
) q WHERE q.district = s.district AND q.party = s.party;

-- One withdrawal in some districts with 4 candidates or more.
UPDATE demo_seats s SET withdrawn = true FROM (
    SELECT district, 1 + pg_temp.demo_h('district withdrawal ' || district) % count(*) AS slot
      FROM demo_seats GROUP BY district
    HAVING count(*) >= 4 AND pg_temp.demo_h('district withdrawn ' || district) % 5 = 0
) q WHERE q.district = s.district AND q.slot = s.slot;

-- Everybody, with ids: the list candidates, then the district candidates
-- who are on no list.
CREATE TEMP TABLE demo_people AS
SELECT row_number() OVER (ORDER BY party, position)::integer AS id,
       'list ' || party || '/' || position AS key, sex, young, other, disability,
       position = 1 AS leader, NULL::smallint AS region
  FROM demo_slots;

INSERT INTO demo_people
SELECT (SELECT count(*) FROM demo_slots) + row_number() OVER (ORDER BY district, slot),
       'district ' || district || '/' || slot,
       CASE WHEN pg_temp.demo_h('sex district ' || district || '/' || slot) % 100 < 22 THEN 'F' ELSE 'M' END,
       false, false, false, false, region
  FROM demo_seats WHERE list_position IS NULL;

UPDATE demo_seats s SET candidate = p.id
  FROM demo_people p WHERE s.list_position IS NULL AND p.key = 'district ' || s.district || '/' || s.slot;
UPDATE demo_seats s SET candidate = p.id
  FROM demo_people p WHERE p.key = 'list ' || s.party || '/' || s.list_position;

-- Ethnicity (the list's quota group; in a district, by the region: more
-- Uzbeks in the south, Russians in Bishkek and Chüy), birth date, name.
ALTER TABLE demo_people ADD ethnicity text, ADD birth_date date, ADD last_name text, ADD first_name text,
    ADD patronymic text, ADD pin text;

UPDATE demo_people SET
    ethnicity = CASE
        WHEN region IS NULL AND other THEN
            CASE WHEN pg_temp.demo_h('ethnicity ' || key) % 5 < 3 THEN 'uz' ELSE 'ru' END
        WHEN region IN (2, 3, 4, 7) AND pg_temp.demo_h('ethnicity ' || key) % 100 < 18 THEN 'uz'
        WHEN region IN (1, 9) AND pg_temp.demo_h('ethnicity ' || key) % 100 < 14 THEN 'ru'
        WHEN region IN (1, 9) AND pg_temp.demo_h('ethnicity ' || key) % 100 < 17 THEN 'uz'
        ELSE 'ky' END,
    -- under 35 on 2027-01-24: born 1992-02-01 .. 2001-12-19 (25 to 34);
    -- list leaders 45 to 66; the others 35 to 70
    birth_date = CASE
        WHEN young THEN date '1992-02-01' + pg_temp.demo_h('born ' || key) % 3610
        WHEN leader THEN date '1960-09-01' + pg_temp.demo_h('born ' || key) % 7300
        WHEN region IS NOT NULL THEN date '1957-03-01' + pg_temp.demo_h('born ' || key) % 12700
        ELSE date '1956-06-01' + pg_temp.demo_h('born ' || key) % 12900 END;

UPDATE demo_people p SET other = (ethnicity <> 'ky') WHERE region IS NOT NULL;

-- Names in the forms of the sex: Kyrgyz and Uzbek patronymics from the
-- father's name, a few Kyrgyz in the traditional form «Бакыт уулу Нурлан»
-- (no surname, no patronymic).
UPDATE demo_people SET
    first_name = pg_temp.demo_pick(ethnicity || CASE sex WHEN 'F' THEN '_f' ELSE '_m' END, 'first ' || key),
    last_name = CASE
        WHEN ethnicity = 'ky' AND pg_temp.demo_h('traditional ' || key) % 25 = 0 THEN
            pg_temp.demo_pick('ky_m', 'father ' || key) || CASE sex WHEN 'F' THEN ' кызы' ELSE ' уулу' END
        WHEN sex = 'F' THEN pg_temp.demo_female_surname(pg_temp.demo_pick(ethnicity || '_s', 'last ' || key))
        ELSE pg_temp.demo_pick(ethnicity || '_s', 'last ' || key) END,
    patronymic = CASE
        WHEN ethnicity = 'ky' AND pg_temp.demo_h('traditional ' || key) % 25 = 0 THEN NULL
        WHEN ethnicity = 'ru' AND sex = 'F' THEN left(pg_temp.demo_pick('ru_p', 'father ' || key), -2) || 'на'
        WHEN ethnicity = 'ru' THEN pg_temp.demo_pick('ru_p', 'father ' || key)
        ELSE pg_temp.demo_patronymic(pg_temp.demo_pick(ethnicity || '_m', 'father ' || key), sex = 'F') END;

-- PIN: 1 female / 2 male, DDMMYYYY, serial 00090 + the number among those
-- of the same sex and birth day.
UPDATE demo_people p SET pin = CASE p.sex WHEN 'F' THEN '1' ELSE '2' END || to_char(p.birth_date, 'DDMMYYYY')
       || lpad((89 + q.k)::text, 5, '0')
  FROM (SELECT id, row_number() OVER (PARTITION BY sex, birth_date ORDER BY id) AS k FROM demo_people) q
 WHERE q.id = p.id;

-- Fails rather than make a PIN outside 00090-00099.
ALTER TABLE demo_people ADD CHECK (pin ~ '^[12][0-9]{8}0009[0-9]$');

INSERT INTO parties (id, name_ru, name_ky, short_name)
SELECT id, name_ru, name_ky, short_name FROM demo_parties ORDER BY id
ON CONFLICT DO NOTHING;

INSERT INTO candidates (id, pin, last_name, first_name, patronymic, sex, birth_date, other_ethnicity,
                        disability, higher_education)
SELECT id, pin, last_name, first_name, patronymic, sex, birth_date, other, disability, true
  FROM demo_people ORDER BY id
ON CONFLICT DO NOTHING;

INSERT INTO contests (id, election_id, kind, district_number, seats)
SELECT 20270100, 202701, 'list', NULL, 54
UNION ALL
SELECT 20270100 + number, 202701, 'district', number, 1 FROM districts WHERE number BETWEEN 1 AND 36
ON CONFLICT DO NOTHING;

-- The parties' numbers in the legal-entity register (Ministry of Justice),
-- which the register's stand-in (tests/fakes/tunduk.mjs) answers for.
UPDATE parties SET registration_number = lpad((1000 + 37 * id)::text, 6, '0') || '-3301-PP'
 WHERE id BETWEEN 1 AND 14 AND registration_number IS NULL;

-- The campaign in Talapker: every party and candidate below nominated,
-- checked, reviewed and registered through the application's own functions,
-- which put them on the ballots in the order below (talapker.sql).  The
-- inserts that follow then find every entry there; they make the ballot
-- alone only when the demo's documents are not at hand (talapker.sql skipped).
\ir talapker.sql

-- The list ballot: the parties in an order drawn by lot (a hash).
INSERT INTO contest_entries (contest_id, ballot_position, party_id, candidate_id, withdrawn)
SELECT 20270100, row_number() OVER (ORDER BY md5('ballot 202701 party ' || id)), id, NULL, false
  FROM demo_parties
ON CONFLICT DO NOTHING;

INSERT INTO list_candidates (contest_id, party_id, position, candidate_id, withdrawn)
SELECT 20270100, s.party, s.position, p.id, s.withdrawn
  FROM demo_slots s JOIN demo_people p ON p.key = 'list ' || s.party || '/' || s.position
 ORDER BY s.party, s.position
ON CONFLICT DO NOTHING;

-- The district ballots: candidates in alphabetical order (Ё, Ң, Ө, Ү next
-- to Е, Н, О, У).
INSERT INTO contest_entries (contest_id, ballot_position, party_id, candidate_id, withdrawn)
SELECT 20270100 + s.district,
       row_number() OVER (PARTITION BY s.district
           ORDER BY translate(c.last_name || ' ' || c.first_name || ' ' || coalesce(c.patronymic, ''),
                              'ЁҢӨҮёңөү', 'ЕНОУеноу') COLLATE "C", c.id),
       s.party, s.candidate, s.withdrawn
  FROM demo_seats s JOIN demo_people c ON c.id = s.candidate
ON CONFLICT DO NOTHING;

DROP TABLE demo_names, demo_parties, demo_slots, demo_seats, demo_people;
DROP FUNCTION pg_temp.demo_pick(text, text), pg_temp.demo_patronymic(text, boolean),
    pg_temp.demo_female_surname(text), pg_temp.demo_h(text);
RESET client_min_messages;

-- The results' sums start at zero for every area (sql/migrations/010_results.sql).
SELECT results_prepare(202701);
