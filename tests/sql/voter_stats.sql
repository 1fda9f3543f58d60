-- The voters_count trigger (sql/functions/002_voters.sql) keeps voter_stats (area x sex x
-- age group) and stations.voters in step with every write to voters.  Deltas only, so the
-- output does not depend on the demo's size.  All rolled back.
BEGIN;
SET client_min_messages = warning;
CREATE TEMP TABLE st AS
SELECT (SELECT min(number) FROM stations WHERE region_id = 1) AS home,
       (SELECT min(number) FROM stations WHERE region_id = 2) AS other,
       (SELECT min(number) FROM stations WHERE abroad) AS abroad;
CREATE TEMP TABLE before AS SELECT * FROM voter_stats;
CREATE TEMP TABLE before_st AS SELECT number, voters FROM stations;
-- What changed since the snapshot: (area, sex, age group, +/-) and the stations' (which, +/-).
CREATE FUNCTION pg_temp.changes() RETURNS TABLE (what text, delta bigint) LANGUAGE sql AS $$
    SELECT format('area %s %s group %s', coalesce(a.region_id, b.region_id), coalesce(a.sex, b.sex),
                  coalesce(a.age_group, b.age_group)),
           coalesce(a.voters, 0)::bigint - coalesce(b.voters, 0)
      FROM voter_stats a FULL JOIN before b USING (region_id, sex, age_group)
     WHERE coalesce(a.voters, 0) <> coalesce(b.voters, 0)
    UNION ALL
    SELECT CASE s.number WHEN (SELECT home FROM st) THEN 'station home' WHEN (SELECT other FROM st) THEN 'station other'
                         WHEN (SELECT abroad FROM st) THEN 'station abroad' ELSE 'station ' || s.number END,
           s.voters::bigint - b.voters
      FROM stations s JOIN before_st b USING (number) WHERE s.voters <> b.voters
     ORDER BY 1
$$;
CREATE FUNCTION pg_temp.snapshot() RETURNS void LANGUAGE sql AS $$
    DELETE FROM before; INSERT INTO before SELECT * FROM voter_stats;
    DELETE FROM before_st; INSERT INTO before_st SELECT number, voters FROM stations;
$$;
-- 1. Two voters join the list at home: a woman of 30 (group 2), a man of 70 (group 6).
INSERT INTO voters (pin, last_name, first_name, birth_date, sex, address, station_number)
SELECT '99999999990001', 'Проба', 'Айгуль', (SELECT asof FROM voter_stats_asof) - interval '30 years', 'F', 'ул. Проба, 1', home FROM st
UNION ALL
SELECT '99999999990002', 'Проба', 'Бакыт', (SELECT asof FROM voter_stats_asof) - interval '70 years', 'M', 'ул. Проба, 1', home FROM st;
SELECT * FROM pg_temp.changes();
SELECT pg_temp.snapshot();
-- 2. The woman moves to a station of another region, the man abroad (area 10).
UPDATE voters SET station_number = (SELECT other FROM st) WHERE pin = '99999999990001';
UPDATE voters SET station_number = (SELECT abroad FROM st) WHERE pin = '99999999990002';
SELECT * FROM pg_temp.changes();
SELECT pg_temp.snapshot();
-- 3. Removed from the list (status), and a correction of sex: counted where they are now.
UPDATE voters SET status = 'removed' WHERE pin = '99999999990002';
UPDATE voters SET sex = 'M' WHERE pin = '99999999990001';
SELECT * FROM pg_temp.changes();
SELECT pg_temp.snapshot();
-- 4. Deleted outright: nothing of them is left in the figures.
DELETE FROM voters WHERE pin IN ('99999999990001', '99999999990002');
SELECT * FROM pg_temp.changes();
ROLLBACK;
