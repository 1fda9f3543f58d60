-- After election night (make election-night: the demo's ASU devices sent the
-- night's reports), the precinct commissions' manual count of the scheduled
-- election (psql variable e, 202701 by default): every station whose ASU
-- sent its final gets its protocol as version 1 through protocol_enter()
-- (the API's path, without HTTP), the ASU's figures except at about 5% of the
-- stations where one to three votes moved between the first two entries; at
-- a third of those a correction (version 2, with its reason) puts the ASU's
-- figures back, so that some flags stay and some are cleared.  Each counted
-- station gets the scans of its protocol and of the ASU's final report
-- (psql variable demo_files: the stored demo files, scripts/instance.sh).
-- Deterministic and idempotent: stations counted already are left alone.
--
--   scripts/instance.sh demo-protocols      (make election-night runs it)

\if :{?e}
\else
\set e 202701
\endif

SET client_min_messages = warning;
\ir moved_votes.sql
SELECT set_config('shailoo.night_election', :'e', false) \gset

CREATE TEMP TABLE night_counted (station integer PRIMARY KEY);

DO $$
DECLARE
    x record;
    e integer := current_setting('shailoo.night_election')::integer;
BEGIN
    FOR x IN SELECT r.station_number AS number,
                    ('x' || substr(md5('night manual ' || e || ' ' || r.station_number), 1, 7))::bit(28)::integer
                        / 268435456.0 AS u
               FROM station_results r JOIN contests k ON k.id = r.contest_id
              WHERE k.election_id = e AND k.kind = 'list' AND r.report_id IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM protocol_versions v WHERE v.election_id = e
                                   AND v.station_number = r.station_number)
              ORDER BY r.station_number LOOP
        PERFORM pg_temp.demo_manual_count(e, x.number,
            CASE WHEN x.u < 0.05 THEN 1 + (x.u * 10000)::integer % 3 ELSE 0 END, x.u < 0.0167, NULL, true,
            'Пересчёт по решению территориальной комиссии: голоса отнесены не к той партии');
        INSERT INTO night_counted VALUES (x.number);
    END LOOP;
END $$;

-- The scans of each station counted by hand (those it lacks).
\if :{?demo_files}
CREATE TEMP TABLE night_files (kind text PRIMARY KEY, sha256 text, size bigint, mime text, pages integer);
\set night_copy '\\copy night_files FROM ' :'demo_files'
:night_copy
INSERT INTO documents (owner_type, owner_id, kind, visibility, sha256, size, content_type, pages, uploaded_by, version)
SELECT 'counts', c.id, f.kind, 'public', f.sha256, f.size, f.mime, f.pages,
       lpad((90000000000000 + c.station_number)::text, 14, '0'), 1
  FROM station_counts c
  JOIN night_files f ON f.kind IN ('manual_count_protocol', 'asu_final_report', 'identification_final_report')
 WHERE c.election_id = current_setting('shailoo.night_election')::integer
   AND EXISTS (SELECT 1 FROM protocol_versions v WHERE v.election_id = c.election_id AND v.station_number = c.station_number)
   AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.owner_type = 'counts' AND d.owner_id = c.id AND d.kind = f.kind);
\endif

SELECT count(*) || ' stations counted by hand' FROM night_counted;
