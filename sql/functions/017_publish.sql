-- Publish, don't serve: the publisher (cgi/core/publish.c, cgi/api/published.c)
-- writes the answers everyone reads as files, and is told here what changed,
-- on the channel shailoo_publish, at the commit of the change (a rolled back
-- change tells nothing).  Not the night's reports: a transaction that
-- notifies takes a database-wide lock until its commit is flushed, which
-- made the finals commit one at a time (half the reports a second); the
-- publisher reads the public log's new entries instead.  Payloads:
--   'e E'     election E as a whole (its status, a drawing of lots)
--   'E E'     everything of election E (its night prepared, reset or dropped)
--   's E N'   station N of election E (a scan of its count: 028_protocols.sql)
--   'stats'   the voter list's statistics
--   '*'       everything (a TRUNCATE)
-- Identical payloads of one transaction arrive once.

CREATE OR REPLACE FUNCTION publish_election() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('shailoo_publish', 'e ' || NEW.id);
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER elections_publish AFTER UPDATE ON elections
    FOR EACH ROW EXECUTE FUNCTION publish_election();

CREATE OR REPLACE FUNCTION publish_lot() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('shailoo_publish', 'e ' || election_id) FROM contests WHERE id = NEW.contest_id;
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER results_lots_publish AFTER INSERT OR UPDATE ON results_lots
    FOR EACH ROW EXECUTE FUNCTION publish_lot();

-- Whole elections: the rows a statement added or removed, by election.
CREATE OR REPLACE FUNCTION publish_elections_of_reports() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('shailoo_publish', 'E ' || e) FROM (SELECT DISTINCT election_id AS e FROM changed) x;
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER asu_reports_publish_gone AFTER DELETE ON asu_reports
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION publish_elections_of_reports();

CREATE OR REPLACE FUNCTION publish_elections_of_contests() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('shailoo_publish', 'E ' || e)
       FROM (SELECT DISTINCT k.election_id AS e FROM changed c JOIN contests k ON k.id = c.contest_id) x;
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER area_results_publish_new AFTER INSERT ON area_results
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION publish_elections_of_contests();
CREATE OR REPLACE TRIGGER area_results_publish_gone AFTER DELETE ON area_results
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION publish_elections_of_contests();

-- A ballot changed (an entry added, withdrawn, removed): its rows name their contest too.
CREATE OR REPLACE TRIGGER contest_entries_publish_new AFTER INSERT ON contest_entries
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION publish_elections_of_contests();
CREATE OR REPLACE TRIGGER contest_entries_publish_changed AFTER UPDATE ON contest_entries
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION publish_elections_of_contests();
CREATE OR REPLACE TRIGGER contest_entries_publish_gone AFTER DELETE ON contest_entries
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION publish_elections_of_contests();

CREATE OR REPLACE FUNCTION publish_everything() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('shailoo_publish', '*');
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER asu_reports_publish_truncate AFTER TRUNCATE ON asu_reports
    FOR EACH STATEMENT EXECUTE FUNCTION publish_everything();
CREATE OR REPLACE TRIGGER area_results_publish_truncate AFTER TRUNCATE ON area_results
    FOR EACH STATEMENT EXECUTE FUNCTION publish_everything();
CREATE OR REPLACE TRIGGER station_results_publish_truncate AFTER TRUNCATE ON station_results
    FOR EACH STATEMENT EXECUTE FUNCTION publish_everything();
-- Names of parties and candidates show in every election's answers (rarely changed).
CREATE OR REPLACE TRIGGER parties_publish AFTER UPDATE OR DELETE ON parties
    FOR EACH STATEMENT EXECUTE FUNCTION publish_everything();
CREATE OR REPLACE TRIGGER candidates_publish AFTER UPDATE OR DELETE ON candidates
    FOR EACH STATEMENT EXECUTE FUNCTION publish_everything();

-- The voter list's statistics (kept by the voters' trigger, refreshed monthly).
CREATE OR REPLACE FUNCTION publish_stats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('shailoo_publish', 'stats');
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER voter_stats_publish AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON voter_stats
    FOR EACH STATEMENT EXECUTE FUNCTION publish_stats();
CREATE OR REPLACE TRIGGER voter_stats_asof_publish AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON voter_stats_asof
    FOR EACH STATEMENT EXECUTE FUNCTION publish_stats();
CREATE OR REPLACE TRIGGER voter_list_snapshots_publish AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON voter_list_snapshots
    FOR EACH STATEMENT EXECUTE FUNCTION publish_stats();

-- An answer about an area or a station shows, as its election's "log", the
-- log entry of the latest report it includes (of its stations), not the
-- head: it changes only when a report of its own comes, so a published
-- file stays the application's very answer until then.  Answers about the
-- whole election show the head, as before.
CREATE OR REPLACE FUNCTION results_stations_last_seq(e integer, numbers integer[]) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT greatest((SELECT max(l.seq) FROM asu_reports r JOIN results_log l ON l.report_id = r.id
                      WHERE r.election_id = e AND r.station_number = ANY (numbers)),
                    (SELECT max(l.seq) FROM protocol_versions v JOIN results_log l ON l.protocol_id = v.id
                      WHERE v.election_id = e AND v.station_number = ANY (numbers)))
$$;

CREATE OR REPLACE FUNCTION results_election_json(e elections, log_seq bigint) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', e.id, 'date', e.date, 'name_ru', e.name_ru, 'name_ky', e.name_ky,
        'type', e.type, 'status', e.status, 'turnout_hours', e.turnout_hours,
        'log', (SELECT json_build_object('seq', l.seq, 'hash', encode(l.hash, 'hex'))
                  FROM results_log l WHERE l.election_id = e.id AND l.seq = log_seq))
$$;
