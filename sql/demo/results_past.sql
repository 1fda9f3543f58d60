-- The results of the demo's other past elections (sql/demo/elections.sql),
-- so that every election in the list opens to its results, and the manual
-- count of every past election beside its ASU figures (issue 12):
--
--   * referendums 201001, 201601, 202102, 202103: one question each (yes/no),
--     the shares of yes and no as the CEC reported them;
--   * presidential elections 201101, 201701, 202101: six candidates each
--     (synthetic people of the demo's candidates, drawn by lot), the winner's
--     share as reported, "against all" about 1%;
--   * a local election (202402, 2024-11-17): the city councils of Bishkek and
--     Osh, 45 seats each with a 5% threshold, the demo's parties;
--   * the parliaments of 2010, 2015 and 2020 (annulled): 120 seats on party
--     lists alone, 5% then 7%, ten of the demo's parties;
--   * the parliamentary election of 2021 (202104, results_2021.sql) gets its
--     manual count too.
--
-- Each station's ASU figures follow its voters (stations.voters), the
-- election's turnout (elections.ballots / voters) and the shares, with a
-- spread by region and by station; deterministic (every choice a hash of
-- fixed text) and idempotent (only what is missing is made).  The manual
-- count of every station goes in through protocol_enter() (the API's
-- path, without HTTP), as version 1 on the night after the vote: the ASU's
-- figures, except at about 3% of the stations where one or two votes moved
-- between the first two entries; at a third of those a correction (version
-- 2, with its reason) put the ASU's figures back.  Then results_rebuild()
-- makes every area's sums.  The elections rows keep the CEC's figures.
--
--   psql -v ON_ERROR_STOP=1 --single-transaction -f sql/demo/results_past.sql

SET client_min_messages = warning;
\ir moved_votes.sql

CREATE OR REPLACE FUNCTION pg_temp.rp_u(key text) RETURNS double precision
    LANGUAGE sql IMMUTABLE AS $$ SELECT ('x' || substr(md5(key), 1, 7))::bit(28)::integer / 268435456.0 $$;

-- ---- the local election and its councils ------------------------------------

INSERT INTO councils (id, region_id, name_ru, name_ky) VALUES
    (1, 1, 'Бишкекский городской кенеш', 'Бишкек шаардык кеңеши'),
    (2, 2, 'Ошский городской кенеш', 'Ош шаардык кеңеши')
ON CONFLICT DO NOTHING;

INSERT INTO elections (id, date, name_ru, name_ky, type, status, voters, ballots)
SELECT 202402, '2024-11-17', 'Выборы депутатов Бишкекского и Ошского городских кенешей',
       'Бишкек жана Ош шаардык кеңештеринин депутаттарын шайлоо', 'local', 'completed',
       sum(voters), round(sum(voters) * 0.31)
  FROM stations WHERE region_id IN (1, 2)
ON CONFLICT DO NOTHING;

-- ---- the ballots ------------------------------------------------------------

-- Every entry of every contest with its national weight (a share of the
-- valid votes, in percent); position 0 is "against all".
CREATE TEMP TABLE rp_entries (election integer, contest integer, kind text, question smallint,
                              question_ru text, question_ky text, council integer, seats smallint,
                              threshold smallint, pos smallint, answer text, party integer,
                              candidate integer, weight double precision);

-- Referendums: yes and no (the rest of the participants' ballots invalid).
INSERT INTO rp_entries
SELECT q.e, q.e * 100 + 1, 'question', 1, q.ru, q.ky, NULL, 1, NULL, p.pos,
       CASE p.pos WHEN 1 THEN 'yes' ELSE 'no' END, NULL, NULL,
       CASE p.pos WHEN 1 THEN q.yes ELSE q.no END
  FROM (VALUES
    (201001, 'Принимаете ли Вы Конституцию Кыргызской Республики, вынесенную на референдум?',
             'Референдумга чыгарылган Кыргыз Республикасынын Конституциясын кабыл аласызбы?', 90.6, 8.0),
    (201601, 'Принимаете ли Вы Закон Кыргызской Республики «О внесении изменений в Конституцию Кыргызской Республики»?',
             '«Кыргыз Республикасынын Конституциясына өзгөртүүлөрдү киргизүү жөнүндө» Кыргыз Республикасынын Мыйзамын кабыл аласызбы?', 79.6, 15.4),
    (202102, 'Поддерживаете ли Вы президентскую форму правления Кыргызской Республики?',
             'Кыргыз Республикасынын башкаруунун президенттик формасын колдойсузбу?', 81.3, 10.9),
    (202103, 'Принимаете ли Вы проект Конституции Кыргызской Республики, вынесенный на референдум?',
             'Референдумга чыгарылган Кыргыз Республикасынын Конституциясынын долбоорун кабыл аласызбы?', 79.3, 13.6)
  ) q (e, ru, ky, yes, no), (VALUES (1), (2)) p (pos);

-- Presidential elections: six of the demo's candidates each, by lot; "against all".
INSERT INTO rp_entries
SELECT p.e, p.e * 100, 'president', NULL, NULL, NULL, NULL, 1, NULL, w.pos, NULL, NULL,
       CASE WHEN w.pos = 0 THEN NULL
            ELSE (SELECT c.id FROM candidates c WHERE c.birth_date < date '1975-01-01'
                   ORDER BY md5('president ' || p.e || ' ' || c.id) LIMIT 1 OFFSET w.pos - 1) END,
       w.share
  FROM (VALUES (201101, ARRAY[1.0, 63.2, 14.7, 14.3, 2.1, 1.0, 0.9]),
               (201701, ARRAY[0.9, 54.7, 33.5, 6.5, 1.1, 0.6, 0.5]),
               (202101, ARRAY[1.0, 79.2, 6.8, 4.5, 2.0, 1.8, 1.2])) p (e, shares),
       unnest(p.shares) WITH ORDINALITY w0 (share, i),
       LATERAL (SELECT (w0.i - 1)::smallint AS pos, w0.share) w;

-- The local councils: the demo's first eight parties; "against all".
INSERT INTO rp_entries
SELECT 202402, 202402 * 100 + c.id, 'council', NULL, NULL, NULL, c.id, 45, 50, w.pos, NULL,
       CASE WHEN w.pos = 0 THEN NULL ELSE (SELECT id FROM parties ORDER BY id LIMIT 1 OFFSET w.pos - 1) END,
       NULL, w.share
  FROM (VALUES (1, ARRAY[2.5, 24, 18, 15, 12, 9, 6, 4, 3]),
               (2, ARRAY[2.0, 12, 8, 26, 9, 21, 4, 6, 3])) c (id, shares),
       unnest(c.shares) WITH ORDINALITY w0 (share, i),
       LATERAL (SELECT (w0.i - 1)::smallint AS pos, w0.share) w;

-- The parliaments of 2010, 2015 and 2020 (annulled): 120 seats on party
-- lists alone, with the law's threshold of the time (5%, then 7%; our
-- reading: of the participants), ten of the demo's parties.
INSERT INTO rp_entries
SELECT p.e, p.e * 100, 'list', NULL, NULL, NULL, NULL, 120, p.threshold, w.pos, NULL,
       CASE WHEN w.pos = 0 THEN NULL ELSE (SELECT id FROM parties ORDER BY id LIMIT 1 OFFSET w.pos - 1) END,
       NULL, w.share
  FROM (VALUES (201002, 50, ARRAY[1.0, 8.9, 7.8, 7.6, 7.2, 5.6, 4.8, 4.2, 3.9, 3.5, 3.0]),
               (201501, 70, ARRAY[1.2, 27.6, 20.0, 12.8, 8.5, 7.7, 7.2, 4.3, 3.9, 3.2, 2.6]),
               (202001, 70, ARRAY[1.0, 24.9, 23.9, 8.8, 7.1, 6.9, 3.4, 3.3, 3.2, 3.0, 2.9])) p (e, threshold, shares),
       unnest(p.shares) WITH ORDINALITY w0 (share, i),
       LATERAL (SELECT (w0.i - 1)::smallint AS pos, w0.share) w;

INSERT INTO contests (id, election_id, kind, seats, question, question_ru, question_ky, council_id, threshold_permille)
SELECT DISTINCT contest, election, kind, seats, question, question_ru, question_ky, council, threshold
  FROM rp_entries
ON CONFLICT DO NOTHING;

INSERT INTO contest_entries (contest_id, ballot_position, party_id, candidate_id, answer)
SELECT contest, pos, party, candidate, answer FROM rp_entries WHERE pos > 0
ON CONFLICT DO NOTHING;

-- ---- the ASU's figures ---------------------------------------------------------

-- Each station of each contest still without figures: its ballots.
CREATE TEMP TABLE rp_station AS
SELECT k.id AS contest, k.election_id AS election, s.number, s.region_id, s.voters,
       least(s.voters, round(s.voters * (el.ballots::double precision / el.voters)
             * (0.7 + 0.6 * pg_temp.rp_u('turnout ' || k.election_id || ' ' || s.number))
             * (0.85 + 0.3 * pg_temp.rp_u('region turnout ' || k.election_id || ' ' || coalesce(s.region_id, 10))))::integer) AS issued
  FROM contests k JOIN elections el ON el.id = k.election_id
  JOIN stations s ON contest_has_station(k, s)
 WHERE k.id IN (SELECT contest FROM rp_entries) AND s.voters > 0
   AND NOT EXISTS (SELECT 1 FROM station_results r WHERE r.contest_id = k.id AND r.station_number = s.number);

ALTER TABLE rp_station ADD COLUMN in_boxes integer, ADD COLUMN invalid integer, ADD COLUMN valid integer;
UPDATE rp_station SET in_boxes = issued - CASE WHEN issued > 0 AND pg_temp.rp_u('lost ' || contest || ' ' || number) < 0.3 THEN 1 ELSE 0 END;
-- A referendum's invalid ballots are the participants who answered neither yes nor no.
UPDATE rp_station st SET invalid = round(st.in_boxes * CASE WHEN q.kind = 'question' THEN (100 - q.yes_no) / 100.0
                                                           ELSE 0.015 + 0.025 * pg_temp.rp_u('invalid ' || st.contest || ' ' || st.number) END)
  FROM (SELECT contest, min(kind) AS kind, sum(weight) AS yes_no FROM rp_entries GROUP BY contest) q
 WHERE q.contest = st.contest;
UPDATE rp_station SET valid = in_boxes - invalid;

-- The valid votes split by the entries' weights (spread by region and by
-- station), floors first, what is left to the strongest entry.
CREATE TEMP TABLE rp_votes AS
WITH w AS (
    SELECT st.contest, st.number, st.valid, x.pos,
           x.weight * (0.75 + 0.5 * pg_temp.rp_u('region ' || x.contest || ' ' || x.pos || ' ' || coalesce(st.region_id, 10)))
                    * (0.8 + 0.4 * pg_temp.rp_u('station ' || x.contest || ' ' || x.pos || ' ' || st.number)) AS w
      FROM rp_station st JOIN rp_entries x ON x.contest = st.contest
), s AS (
    SELECT w.*, floor(w.valid * w.w / sum(w.w) OVER (PARTITION BY w.contest, w.number))::integer AS v,
           row_number() OVER (PARTITION BY w.contest, w.number ORDER BY w.w DESC, w.pos) AS strongest
      FROM w
)
SELECT contest, number, pos,
       v + CASE WHEN strongest = 1 THEN valid - sum(v) OVER (PARTITION BY contest, number) ELSE 0 END AS v
  FROM s;

INSERT INTO station_results (contest_id, station_number, report_id, report_seq, voters, received, issued,
                             cancelled, in_boxes, invalid, valid, against_all, votes, preferences)
SELECT st.contest, st.number, NULL, NULL, st.voters, st.voters, st.issued, st.voters - st.issued,
       st.in_boxes, st.invalid, st.valid,
       coalesce((SELECT v FROM rp_votes v WHERE v.contest = st.contest AND v.number = st.number AND v.pos = 0), 0),
       ARRAY(SELECT v FROM rp_votes v WHERE v.contest = st.contest AND v.number = st.number AND v.pos > 0 ORDER BY v.pos),
       '{}'
  FROM rp_station st;

-- ---- the manual count ------------------------------------------------------------

-- The elections whose stations' protocols are entered here, and when.
CREATE TEMP TABLE rp_counted AS
SELECT e.id AS election, (e.date + 1 + time '06:00') AT TIME ZONE 'Asia/Bishkek' AS at
  FROM elections e WHERE e.id IN (SELECT election FROM rp_entries UNION SELECT 202104)
   AND EXISTS (SELECT 1 FROM contests k JOIN station_results r ON r.contest_id = k.id WHERE k.election_id = e.id);

CREATE TEMP TABLE rp_touched (election integer PRIMARY KEY);

DO $$
DECLARE
    x record;
BEGIN
    FOR x IN SELECT c.election, c.at, n.number,
                    pg_temp.rp_u('manual ' || c.election || ' ' || n.number) AS u
               FROM rp_counted c
               CROSS JOIN LATERAL (SELECT DISTINCT r.station_number AS number FROM station_results r
                                     JOIN contests k ON k.id = r.contest_id WHERE k.election_id = c.election) n
              WHERE NOT EXISTS (SELECT 1 FROM protocol_versions v WHERE v.election_id = c.election
                                   AND v.station_number = n.number)
              ORDER BY c.election, n.number LOOP
        -- At about 3% of the stations the commission counted one or two votes otherwise; a third of
        -- them corrected after a recount.
        PERFORM pg_temp.demo_manual_count(x.election, x.number,
            CASE WHEN x.u < 0.03 THEN 1 + (x.u * 1000)::integer % 2 ELSE 0 END, x.u < 0.01, x.at, false,
            'Пересчёт по решению территориальной комиссии: голоса отнесены не к тому кандидату');
        INSERT INTO rp_touched VALUES (x.election) ON CONFLICT DO NOTHING;
    END LOOP;
END $$;

-- Every area's sums, the ASU's and the official (only where figures went in).
SELECT count(results_rebuild(e)) AS rebuilt
  FROM (SELECT DISTINCT election AS e FROM rp_station UNION SELECT election FROM rp_touched) x;
