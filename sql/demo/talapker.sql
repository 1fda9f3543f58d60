-- The campaign of the demo election 202701 in Talapker (DOMAIN.md, "Candidates
-- and parties"), replayed through the same functions the application calls
-- (sql/functions/021_talapker.sql, 022_talapker_review.sql) on the campaign's
-- own dates (shailoo.now, sql/functions/000_clock.sql): every party notifies
-- the CEC, builds its list, its candidates consent, the deposit is paid, the
-- package uploaded, the list submitted, the candidates checked, the commission
-- reviews (a deficiency here and there, corrected), registers; district
-- candidates the same way; withdrawals after registration; and a few
-- self-nominated people who never reach the ballot (refused on a register's
-- answer, or still under review).  Registration puts each nomination on the
-- ballot, in the order contests.sql drew: this file is included by
-- contests.sql, whose temporary tables (demo_parties, demo_slots, demo_seats,
-- demo_people) say who stands where.
--
-- Needs the demo's documents stored (psql variable demo_files: a TSV of
-- "kind sha256 size type pages", scripts/instance.sh); without it, or when
-- the election has nominations already, it does nothing.
--
-- What the application asks the registers through Tunduk, the demo writes as
-- their stand-ins answer (tests/fakes/tunduk.mjs, demo-registers.json), with
-- no X-Road call as evidence: the checks of the demo say so.

\if :{?demo_files}
CREATE TEMP TABLE demo_files (kind text PRIMARY KEY, sha256 text, size bigint, mime text, pages integer);
\set demo_copy '\\copy demo_files FROM ' :'demo_files'
:demo_copy
\set demo_registers `cat tests/fakes/demo-registers.json`
CREATE TEMP TABLE demo_registers AS SELECT :'demo_registers'::jsonb AS j;
\else
CREATE TEMP TABLE demo_files (kind text PRIMARY KEY, sha256 text, size bigint, mime text, pages integer);
CREATE TEMP TABLE demo_registers AS SELECT '{}'::jsonb AS j;
\endif

-- The clock of the next writes.
CREATE FUNCTION pg_temp.demo_at(t timestamptz) RETURNS void LANGUAGE sql AS $$
    SELECT set_config('shailoo.now', t::text, true) $$;

-- A person as the population register answers (the stand-in's form).
CREATE FUNCTION pg_temp.demo_person(k candidates) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('pin', k.pin, 'last_name', k.last_name, 'first_name', k.first_name,
        'patronymic', k.patronymic, 'birth_date', to_char(k.birth_date, 'YYYY-MM-DD'), 'sex', k.sex,
        'registered_address', jsonb_build_object('region', 'город Бишкек', 'settlement', 'Бишкек',
                                                 'street_address', 'ул. Чуй, ' || (k.id % 200 + 1)),
        'deceased', false) $$;

-- Uploads every document of the package not there yet (and the photo), as by whom.
CREATE FUNCTION pg_temp.demo_package(nomination bigint, whom text) RETURNS void LANGUAGE sql AS $$
    SELECT count(document_add(i ->> 'owner', (i ->> 'owner_id')::bigint, i ->> 'kind', 'private', f.sha256,
                              f.size, f.mime, nullif(f.pages, 0), whom, NULL, 1))
      FROM nominations n CROSS JOIN LATERAL json_array_elements(nomination_package(n) -> 'items') i
      JOIN demo_files f ON f.kind = i ->> 'kind'
     WHERE n.id = nomination AND json_typeof(i -> 'document') <> 'object'
       AND ((i ->> 'required')::boolean OR i ->> 'kind' IN ('photo', 'party_program')
            OR (i ->> 'kind' = 'program' AND n.id % 3 = 0))
$$;

-- Every candidate checked, as the registers' stand-ins answer.
CREATE FUNCTION pg_temp.demo_checks(nomination bigint, whom text) RETURNS void LANGUAGE sql AS $$
    SELECT count(candidacy_checks_record(t.candidacy_id, pg_temp.demo_person(k), 'ok',
               jsonb_build_object('convictions', coalesce(r.j #> ARRAY['convictions', k.pin], '[]')),
               jsonb_build_object('citizenships', coalesce(r.j #> ARRAY['citizenships', k.pin], '["KG"]')),
               CASE WHEN t.disability THEN jsonb_build_object('disabled', k.id < 100000 AND k.disability,
                                                              'group', 'II') END,
               ARRAY[NULL, NULL, NULL, NULL]::bigint[]))
      FROM nomination_check_targets(nomination) t JOIN candidates k ON k.pin = t.pin, demo_registers r;
    SELECT nomination_checks_done(nomination, whom, NULL);
$$;

-- The commission's review: every document accepted (one deficient first
-- where asked, corrected by the party), then the decision.
CREATE FUNCTION pg_temp.demo_review(nomination bigint, reviewer text, party_actor text, at timestamptz,
                                    deficient boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    d record;
    bio bigint;
BEGIN
    PERFORM pg_temp.demo_at(at);
    PERFORM review_start(nomination, reviewer);
    IF deficient THEN
        SELECT (i #>> '{document,id}')::bigint INTO bio
          FROM nominations n, json_array_elements(nomination_package(n) -> 'items') i
         WHERE n.id = nomination AND i ->> 'kind' = 'biography' ORDER BY (i ->> 'position')::integer LIMIT 1;
        PERFORM pg_temp.demo_at(at + interval '2 hours');
        PERFORM review_document(bio, 'deficient', 'нет подписи кандидата на информационном листе', reviewer);
        PERFORM review_send_deficiencies(nomination, reviewer);
        PERFORM pg_temp.demo_at(at + interval '1 day');
        PERFORM document_add(x.owner_type, x.owner_id, x.kind, x.visibility, f.sha256, f.size, f.mime,
                             nullif(f.pages, 0), party_actor, x.id, x.version + 1)
           FROM documents x, demo_files f WHERE x.id = bio AND f.kind = 'biography_v2';
        PERFORM nomination_resubmit(nomination, party_actor);
    END IF;
    PERFORM pg_temp.demo_at(at + interval '2 days');
    FOR d IN SELECT (i #>> '{document,id}')::bigint AS id
               FROM nominations n, json_array_elements(nomination_package(n) -> 'items') i
              WHERE n.id = nomination AND json_typeof(i -> 'document') = 'object'
                AND (i #>> '{document,review}') IS DISTINCT FROM 'accepted' LOOP
        PERFORM review_document(d.id, 'accepted', '', reviewer);
    END LOOP;
    PERFORM pg_temp.demo_at(at + interval '3 days');
    PERFORM review_decide(nomination, 'registered', '', reviewer);
END $$;

DO $$
DECLARE
    e constant integer := 202701;
    cec constant text := '21111197000066';          -- the CEC's administrator (sql/demo/staff.sql)
    rep constant text := '22504198800044';          -- party 1's representative (tests/fakes/demo-people.json)
    p record;
    c record;
    s record;
    kc candidates;
    n bigint;
    head text;
    at timestamptz;
BEGIN
    IF EXISTS (SELECT 1 FROM nominations WHERE election_id = e) OR NOT EXISTS (SELECT 1 FROM demo_files) THEN
        RETURN;
    END IF;

    -- The parties notify the CEC (their heads: number 1 of each list).
    FOR p IN SELECT x.*, k.pin AS head_pin, k.last_name, k.first_name, k.patronymic
               FROM demo_parties dp JOIN parties x ON x.id = dp.id
               JOIN demo_people k ON k.key = 'list ' || dp.id || '/1'
              ORDER BY dp.id LOOP
        PERFORM pg_temp.demo_at(timestamptz '2026-10-26 10:00+06' + p.id * interval '37 minutes');
        PERFORM party_notify(e, p.registration_number, jsonb_build_object(
            'registration_number', p.registration_number, 'name', p.name_ru, 'name_ky', p.name_ky,
            'short_name', p.short_name, 'legal_form', 'political_party', 'status', 'active',
            'head', jsonb_build_object('pin', p.head_pin, 'last_name', p.last_name,
                                       'first_name', p.first_name, 'patronymic', p.patronymic)), p.head_pin);
    END LOOP;
    SELECT head_pin INTO head FROM party_participations WHERE election_id = e AND party_id = 1;
    PERFORM pg_temp.demo_at('2026-10-27 11:00+06');
    PERFORM party_rep_name(e, 1, rep, 'Абдыкадырова Жибек Муратовна', head);

    -- The lists, in the order the lot gave the list ballot (registration puts them on it in turn).
    FOR p IN SELECT dp.id, pp.head_pin, row_number() OVER (ORDER BY md5('ballot 202701 party ' || dp.id)) AS lot
               FROM demo_parties dp JOIN party_participations pp ON pp.election_id = e AND pp.party_id = dp.id
              ORDER BY md5('ballot 202701 party ' || dp.id) LOOP
        head := CASE WHEN p.id = 1 THEN rep ELSE p.head_pin END;   -- party 1's representative does the work
        at := timestamptz '2026-11-02 09:00+06' + p.lot * interval '1 day 1 hour';
        PERFORM pg_temp.demo_at(at);
        n := (nomination_create_list(e, p.id, head) #>> '{nomination,id}')::bigint;
        FOR kc IN SELECT k.* FROM demo_slots x JOIN demo_people d ON d.key = 'list ' || x.party || '/' || x.position
                    JOIN candidates k ON k.id = d.id
                   WHERE x.party = p.id ORDER BY x.position LOOP
            PERFORM nomination_add_candidate(n, pg_temp.demo_person(kc), kc.other_ethnicity, kc.disability,
                                             kc.higher_education, head);
        END LOOP;
        PERFORM pg_temp.demo_at(at + interval '2 days');
        FOR c IN SELECT k.pin FROM nomination_candidates x JOIN candidates k ON k.id = x.candidate_id
                  WHERE x.nomination_id = n ORDER BY x.position LOOP
            PERFORM candidate_consent(n, true, c.pin);
        END LOOP;
        PERFORM pg_temp.demo_at(at + interval '3 days');
        PERFORM nomination_deposit(n, 'TRE-1000000-202701-L' || p.id, jsonb_build_object(
            'reference', 'TRE-1000000-202701-L' || p.id, 'amount', 1000000, 'currency', 'KGS',
            'purpose', 'election_deposit', 'payer', 'demo payer', 'status', 'completed',
            'paid_at', '2026-11-20T10:00:00+06:00'), head);
        PERFORM pg_temp.demo_package(n, head);
        PERFORM pg_temp.demo_at(at + interval '4 days');
        PERFORM nomination_submit(n, head);
        PERFORM pg_temp.demo_checks(n, head);
        PERFORM pg_temp.demo_review(n, cec, head, at + interval '6 days', p.id IN (3, 8));
    END LOOP;

    -- The district candidates: each district's in the ballot's alphabetical order.
    FOR s IN SELECT ds.*, k.pin, pp.head_pin,
                    row_number() OVER (ORDER BY ds.district,
                        translate(k.last_name || ' ' || k.first_name || ' ' || coalesce(k.patronymic, ''),
                                  'ЁҢӨҮёңөү', 'ЕНОУеноу') COLLATE "C", k.id) AS k
               FROM demo_seats ds JOIN candidates k ON k.id = ds.candidate
               LEFT JOIN party_participations pp ON pp.election_id = e AND pp.party_id = ds.party
              ORDER BY k LOOP
        head := coalesce(CASE WHEN s.party = 1 THEN rep END, s.head_pin, s.pin);
        at := timestamptz '2026-11-03 10:00+06' + s.k * interval '97 minutes';
        PERFORM pg_temp.demo_at(at);
        SELECT * INTO kc FROM candidates WHERE id = s.candidate;
        n := (nomination_create_district(e, s.district, s.party, pg_temp.demo_person(kc),
                                         kc.other_ethnicity, kc.disability, kc.higher_education, head)
              #>> '{nomination,id}')::bigint;
        IF s.party IS NOT NULL THEN
            PERFORM pg_temp.demo_at(at + interval '1 day');
            PERFORM candidate_consent(n, true, s.pin);
        END IF;
        PERFORM pg_temp.demo_at(at + interval '2 days');
        PERFORM nomination_deposit(n, 'TRE-100000-202701-D' || s.candidate, jsonb_build_object(
            'reference', 'TRE-100000-202701-D' || s.candidate, 'amount', 100000, 'currency', 'KGS',
            'purpose', 'election_deposit', 'payer', 'demo payer', 'status', 'completed',
            'paid_at', '2026-11-20T10:00:00+06:00'), head);
        PERFORM pg_temp.demo_package(n, head);
        PERFORM pg_temp.demo_at(at + interval '3 days');
        PERFORM nomination_submit(n, head);
        PERFORM pg_temp.demo_checks(n, head);
        PERFORM pg_temp.demo_review(n, cec, head, at + interval '5 days', s.k % 17 = 0);
    END LOOP;

    -- Withdrawals after registration: the numbers stay on the list; a district candidate's name stays on the ballot.
    PERFORM pg_temp.demo_at('2026-11-29 15:00+06');
    FOR c IN SELECT x.id AS nomination, k.pin,
                    CASE WHEN x.party_id = 1 THEN rep ELSE pp.head_pin END AS actor
               FROM demo_slots ds JOIN demo_people d ON d.key = 'list ' || ds.party || '/' || ds.position
               JOIN candidates k ON k.id = d.id
               JOIN nominations x ON x.election_id = e AND x.kind = 'list' AND x.party_id = ds.party
               JOIN party_participations pp ON pp.election_id = e AND pp.party_id = ds.party
              WHERE ds.withdrawn ORDER BY ds.party, ds.position LOOP
        PERFORM nomination_remove_candidate(c.nomination, c.pin, 'по собственному заявлению', c.actor);
    END LOOP;
    FOR c IN SELECT x.id AS nomination, coalesce(CASE WHEN x.party_id = 1 THEN rep END, pp.head_pin, k.pin) AS actor
               FROM demo_seats ds JOIN candidates k ON k.id = ds.candidate
               JOIN nomination_candidates nc ON nc.candidate_id = k.id
               JOIN nominations x ON x.id = nc.nomination_id AND x.election_id = e AND x.kind = 'district'
               LEFT JOIN party_participations pp ON pp.election_id = e AND pp.party_id = ds.party
              WHERE ds.withdrawn ORDER BY ds.district LOOP
        PERFORM nomination_withdraw(c.nomination, 'по собственному заявлению', c.actor);
    END LOOP;

    -- The funds of every registered nomination: own money, citizens' and
    -- companies' donations (within the law's limits), a party's transfer to
    -- its district candidate, and expenses by item, in November.  The
    -- reports are due 10 days before and after voting: none filed yet.
    FOR c IN SELECT x.id, x.kind, x.party_id, coalesce(CASE WHEN x.party_id = 1 THEN rep END, pp.head_pin, x.created_by) AS actor
               FROM nominations x LEFT JOIN party_participations pp ON pp.election_id = x.election_id AND pp.party_id = x.party_id
              WHERE x.election_id = e AND x.status IN ('registered', 'withdrawn') AND x.submitted_at IS NOT NULL
              ORDER BY x.id LOOP
        PERFORM pg_temp.demo_at('2026-11-30 17:00+06');
        PERFORM fund_add_lines(c.id, (
            SELECT jsonb_agg(l ORDER BY l ->> 'date', l ->> 'category') FROM (
                SELECT jsonb_build_object('direction', 'income', 'category', 'own', 'amount',
                           CASE c.kind WHEN 'list' THEN 500000000 ELSE 30000000 END + pg_temp.demo_h('own ' || c.id) % 1000000 * 100,
                           'date', '2026-11-20', 'description', 'собственные средства') AS l
                UNION ALL
                SELECT jsonb_build_object('direction', 'income', 'category', 'party', 'amount', 20000000,
                           'date', '2026-11-21', 'description', 'перечисление партии')
                 WHERE c.kind = 'district' AND c.party_id IS NOT NULL
                UNION ALL
                SELECT jsonb_build_object('direction', 'income', 'category', 'citizen',
                           'counterparty', 'Жертвователь ' || c.id || '-' || g, 'donor_id',
                           lpad((20000000000000 + c.id * 100 + g)::text, 14, '0'),
                           'amount', (1000000 + pg_temp.demo_h('gift ' || c.id || '/' || g) % 40000000),
                           'date', to_char(date '2026-11-21' + g, 'YYYY-MM-DD'), 'description', 'пожертвование')
                  FROM generate_series(1, 3 + pg_temp.demo_h('donors ' || c.id) % 6) g
                UNION ALL
                SELECT jsonb_build_object('direction', 'income', 'category', 'legal_entity',
                           'counterparty', 'ОсОО «Демо-' || c.id || '-' || g || '»', 'donor_id', 'DEMO-' || c.id || '-' || g,
                           'amount', (50000000 + pg_temp.demo_h('company ' || c.id || '/' || g) % 400000000),
                           'date', to_char(date '2026-11-22' + g, 'YYYY-MM-DD'), 'description', 'пожертвование организации')
                  FROM generate_series(1, CASE c.kind WHEN 'list' THEN 3 ELSE pg_temp.demo_h('companies ' || c.id) % 2 END) g
                UNION ALL
                SELECT jsonb_build_object('direction', 'expense', 'category', item,
                           'counterparty', CASE item WHEN 'media' THEN 'Телеканал «Демо»' WHEN 'print' THEN 'Типография «Демо»'
                                                     ELSE 'Поставщик «Демо»' END,
                           'amount', (CASE c.kind WHEN 'list' THEN 20000000 ELSE 1000000 END
                                      + pg_temp.demo_h(item || ' ' || c.id) % CASE c.kind WHEN 'list' THEN 5000000 ELSE 3000000 END),
                           'date', to_char(date '2026-11-25' + k::integer, 'YYYY-MM-DD'), 'description', 'расходы кампании')
                  FROM unnest(ARRAY['media', 'print', 'events', 'staff', 'transport', 'other']) WITH ORDINALITY u(item, k)
            ) q), 'demo', c.actor);
    END LOOP;

    -- Self-nominated people who never reach the ballot: two refused on a
    -- register's answer (demo-registers.json), one withdrawn, and three in
    -- review (submitted, under review, with deficiencies to correct).
    FOR s IN SELECT * FROM (VALUES
            (1, '21203197800081', 'Жумалиев', 'Кубанычбек', 'Асанович', 'M', date '1978-03-12', 5, 'refused'),
            (2, '10907198100082', 'Сатыбалдиева', 'Нургүл', 'Токтобековна', 'F', date '1981-07-09', 12, 'refused'),
            (3, '10204198700086', 'Исакова', 'Бермет', 'Сапаровна', 'F', date '1987-04-02', 30, 'withdrawn'),
            (4, '21506198500083', 'Абдыраимов', 'Тилек', 'Маратович', 'M', date '1985-06-15', 20, 'submitted'),
            (5, '10311199000084', 'Кадырова', 'Айзада', 'Бекболотовна', 'F', date '1990-11-03', 1, 'under_review'),
            (6, '22708197500085', 'Мамытов', 'Эрлан', 'Жолдошевич', 'M', date '1975-08-27', 7, 'deficiencies'))
            v(i, pin, last_name, first_name, patronymic, sex, birth_date, district, fate) ORDER BY i LOOP
        at := timestamptz '2026-11-24 10:00+06' + s.i * interval '1 day 2 hours';
        PERFORM pg_temp.demo_at(at);
        n := (nomination_create_district(e, s.district, NULL, jsonb_build_object('pin', s.pin,
                  'last_name', s.last_name, 'first_name', s.first_name, 'patronymic', s.patronymic,
                  'sex', s.sex, 'birth_date', s.birth_date, 'deceased', false,
                  'registered_address', jsonb_build_object('region', 'город Бишкек', 'settlement', 'Бишкек')),
                  false, false, true, s.pin) #>> '{nomination,id}')::bigint;
        PERFORM nomination_deposit(n, 'TRE-100000-202701-S' || s.i, jsonb_build_object(
            'reference', 'TRE-100000-202701-S' || s.i, 'amount', 100000, 'currency', 'KGS',
            'purpose', 'election_deposit', 'payer', s.last_name, 'status', 'completed',
            'paid_at', '2026-11-30T10:00:00+06:00'), s.pin);
        PERFORM pg_temp.demo_package(n, s.pin);
        PERFORM pg_temp.demo_at(at + interval '1 hour');
        PERFORM nomination_submit(n, s.pin);
        PERFORM pg_temp.demo_checks(n, s.pin);
        PERFORM pg_temp.demo_at(at + interval '1 day');
        IF s.fate = 'withdrawn' THEN
            PERFORM nomination_withdraw(n, 'снимаю свою кандидатуру', s.pin);
        ELSIF s.fate <> 'submitted' THEN
            PERFORM review_start(n, cec);
        END IF;
        IF s.fate = 'refused' THEN
            PERFORM pg_temp.demo_at(at + interval '2 days');
            PERFORM review_decide(n, 'refused', CASE s.i
                WHEN 1 THEN 'У кандидата непогашенная судимость (реестр судимостей, ст. 209 УК КР)'
                ELSE 'Кандидат имеет гражданство другого государства (реестр гражданства: RU)' END, cec);
        ELSIF s.fate = 'deficiencies' THEN
            PERFORM review_document((SELECT d.id FROM documents d JOIN nomination_candidates x ON x.id = d.owner_id
                                      WHERE d.owner_type = 'candidacies' AND x.nomination_id = n
                                        AND d.kind = 'diploma'), 'deficient',
                                    'копия диплома не заверена', cec);
            PERFORM review_send_deficiencies(n, cec);
        END IF;
    END LOOP;
END $$;

DROP FUNCTION pg_temp.demo_review(bigint, text, text, timestamptz, boolean), pg_temp.demo_checks(bigint, text),
    pg_temp.demo_package(bigint, text), pg_temp.demo_person(candidates), pg_temp.demo_at(timestamptz);
DROP TABLE demo_files, demo_registers;
SELECT set_config('shailoo.now', '', true);
