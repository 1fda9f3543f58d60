-- asu_accept(): a station's reports as the night brings them (sql/functions/010_results.sql).
-- A fixture election of its own (990901, the demo's ballots of 202701), all rolled back.
BEGIN;
SET client_min_messages = warning;
INSERT INTO elections (id, date, name_ru, name_ky, type, status)
SELECT 990901, date, name_ru || ' (проба)', name_ky || ' (проба)', type, 'open' FROM elections WHERE id = 202701;
INSERT INTO contests (id, election_id, kind, district_number, seats)
SELECT 99090100 + coalesce(district_number, 0), 990901, kind, district_number, seats FROM contests WHERE election_id = 202701;
INSERT INTO contest_entries (contest_id, ballot_position, party_id, candidate_id, withdrawn)
SELECT 99090100 + coalesce(k.district_number, 0), x.ballot_position, x.party_id, x.candidate_id, x.withdrawn
  FROM contest_entries x JOIN contests k ON k.id = x.contest_id WHERE k.election_id = 202701;
INSERT INTO list_candidates (contest_id, party_id, position, candidate_id, withdrawn)
SELECT 99090100, l.party_id, l.position, l.candidate_id, l.withdrawn
  FROM list_candidates l JOIN contests k ON k.id = l.contest_id WHERE k.election_id = 202701;
INSERT INTO asu_devices (device_id, election_id, station_number, public_key, registered_by)
SELECT '99090100000000001001', 990901, 1001, public_key, 'tests/sql' FROM asu_devices
 WHERE election_id = 202701 AND station_number = 1001 AND revoked_at IS NULL;

-- A final of station 1001 (region 1, district 1): every party gets base votes, the first `first`.
CREATE FUNCTION pg_temp.final(seq integer, base integer, first integer) RETURNS text LANGUAGE sql AS $$
    WITH shape AS (SELECT k.kind, results_list_shape(k.id) AS s FROM contests k
                    WHERE k.election_id = 990901 AND (k.kind = 'list' OR k.district_number = 1)),
    c AS (SELECT kind, s, cardinality(s) AS n,
                 (SELECT jsonb_agg(CASE WHEN i = 1 THEN first ELSE base END ORDER BY i)
                    FROM generate_series(1, cardinality(s)) i) AS votes,
                 first + base * (cardinality(s) - 1) AS valid FROM shape)
    SELECT jsonb_build_object('kind', 'final', 'device_id', '99090100000000001001', 'election_id', 990901,
        'station', 1001, 'seq', seq, 'time', '2027-01-24T20:05:00+06:00',
        'contests', jsonb_agg(jsonb_build_object('kind', kind, 'voters', 366, 'received', 400, 'issued', 300,
            'cancelled', 100, 'in_boxes', 300, 'invalid', 300 - valid, 'valid', valid, 'against_all', 0,
            'votes', votes) || CASE WHEN kind = 'district' THEN '{"district": 1}'::jsonb ELSE '{}' END
            ORDER BY kind DESC))::text FROM c
$$;
CREATE FUNCTION pg_temp.accept(tag integer, payload text) RETURNS text LANGUAGE sql AS $$
    SELECT asu_accept('99090100000000001001', 'jws-' || tag || '-' || md5(payload), payload)::jsonb->>'status'
$$;
-- The list's sums: the station's region, the country (the sum of regions), the party first on the ballot.
CREATE FUNCTION pg_temp.sums() RETURNS TABLE (area smallint, stations integer, valid bigint, first_party bigint)
LANGUAGE sql AS $$
    SELECT a.area, a.stations_reported, a.valid, a.votes[1] FROM area_results_all a
     WHERE a.contest_id = 99090100 AND a.area IN (0, 1) ORDER BY a.area
$$;

\set opening '{"kind":"opening","device_id":"99090100000000001001","election_id":990901,"station":1001,"seq":1,"time":"2027-01-24T08:00:00+06:00","voters":366,"voted":0}'
-- 1. An opening is accepted and enters the log.
SELECT pg_temp.accept(1, :'opening');
SELECT seq, (SELECT kind FROM asu_reports WHERE id = report_id) FROM results_log WHERE election_id = 990901;
-- 2. The same report again: a duplicate, counted once.
SELECT pg_temp.accept(1, :'opening');
SELECT count(*) AS reports FROM asu_reports WHERE election_id = 990901;
-- 3. Other figures under a used number: a conflict, kept as an incident, not counted.
SELECT pg_temp.accept(1, replace(:'opening', '"voters":366', '"voters":365'));
SELECT kind, code FROM asu_incidents WHERE election_id = 990901;
-- 4. A final: the region and the country count it.
SELECT pg_temp.accept(2, pg_temp.final(2, 10, 50));
SELECT * FROM pg_temp.sums();
-- 5. A replacement (a later number): it replaces the station's figures, never adds to them.
SELECT pg_temp.accept(3, pg_temp.final(3, 10, 70));
SELECT * FROM pg_temp.sums();
-- 6. A final numbered 5, then a late older one numbered 4 (other figures): kept and logged, not applied.
SELECT pg_temp.accept(4, pg_temp.final(5, 10, 90));
SELECT pg_temp.accept(5, pg_temp.final(4, 10, 20));
SELECT seq, applied FROM asu_reports WHERE election_id = 990901 ORDER BY seq;
SELECT * FROM pg_temp.sums();
-- 7. A ballot of the wrong size, an unknown device, a closed election.
SELECT pg_temp.accept(6, replace(pg_temp.final(6, 10, 20), '"votes": [20, ', '"votes": ['));
SELECT asu_accept('99999999999999999999', 'x', :'opening')::jsonb->>'status' AS unknown;
UPDATE elections SET status = 'annulled', voters = 366 WHERE id = 990901;
SELECT pg_temp.accept(7, replace(:'opening', '"seq":1', '"seq":7'));
SELECT count(*) AS log_entries, count(DISTINCT hash) AS distinct_hashes FROM results_log WHERE election_id = 990901;
ROLLBACK;
