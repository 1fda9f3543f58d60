-- An approved application moves the voter (cgi/api/biometrics.c, decision_move and
-- decision_record: the same statements): the voter on one station only, the move
-- recorded, the statistics following, the application's JSON saying so.  Rolled back.
BEGIN;
SET client_min_messages = warning;
CREATE TEMP TABLE st AS
SELECT (SELECT min(number) FROM stations WHERE region_id = 3) AS home,
       (SELECT min(number) FROM stations WHERE region_id = 4) AS away;
INSERT INTO voters (pin, last_name, first_name, birth_date, sex, address, station_number)
SELECT '99999999990003', 'Проба', 'Нурлан', (SELECT asof FROM voter_stats_asof) - interval '40 years', 'M', 'ул. Проба, 3', home FROM st;
CREATE TEMP TABLE before AS SELECT * FROM voter_stats;
CREATE TEMP TABLE before_st AS SELECT number, voters FROM stations;
INSERT INTO applications (id, pin, election_id, kind, station_from, station_to, reason, status, commission_id, registry_status)
SELECT 999999000001, '99999999990003', 202701, 'move_home', home, away, 'работа', 'in_register',
       (SELECT min(id) FROM commissions), 'ok' FROM st;
-- The decision's transaction, as the TEC's administrator approves (statements of biometrics.c).
SELECT station_number = (SELECT home FROM st) AS at_home FROM voters WHERE pin = '99999999990003' FOR UPDATE;
UPDATE voters SET station_number = (SELECT away FROM st), updated_at = now() WHERE pin = '99999999990003';
INSERT INTO station_moves (pin, from_station, to_station, application_id)
SELECT '99999999990003', home, away, 999999000001 FROM st;
UPDATE applications SET status = 'approved', decision_reason = NULL, updated_at = now() WHERE id = 999999000001;
-- The voter is on the new station only; the move is on record.
SELECT count(*) AS rows_of_voter, bool_and(station_number = (SELECT away FROM st)) AS moved
  FROM voters WHERE pin = '99999999990003';
SELECT from_station = home AS from_home, to_station = away AS to_away, application_id
  FROM station_moves, st WHERE pin = '99999999990003';
-- The statistics followed: area 3 lost a man of group 3, area 4 gained one; the stations too.
SELECT a.region_id, a.sex, a.age_group, a.voters - coalesce(b.voters, 0) AS delta
  FROM voter_stats a LEFT JOIN before b USING (region_id, sex, age_group)
 WHERE a.voters <> coalesce(b.voters, 0) ORDER BY 1, 2, 3;
SELECT s.number = (SELECT home FROM st) AS home, s.voters - b.voters AS delta
  FROM stations s JOIN before_st b USING (number) WHERE s.voters <> b.voters ORDER BY 1;
-- The application as the voter's cabinet shows it.
SELECT j->>'status' AS status, (j->>'station_to')::integer = (SELECT away FROM st) AS to_away
  FROM (SELECT application_json(a)::jsonb AS j FROM applications a WHERE id = 999999000001) x;
-- A second move of the same voter while one is on record is not refused by the schema,
-- but a voter can never be on two stations: the list has one row per PIN.
INSERT INTO voters (pin, last_name, first_name, birth_date, sex, address, station_number)
SELECT '99999999990003', 'Проба', 'Нурлан', '1980-01-01', 'M', 'ул. Проба, 3', home FROM st;
ROLLBACK;
