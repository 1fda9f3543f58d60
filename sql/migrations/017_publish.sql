-- Publish, don't serve: the publisher (cgi/core/publish.c, cgi/api/published.c)
-- writes the answers everyone reads as files, and is told here what changed,
-- on the channel shailoo_publish, at the commit of the change (a rolled back
-- change tells nothing).  Payloads:
--   's E N K' station N of election E has a new report of kind K (opening,
--             turnout, final): its figures, its areas
--   'e E'     election E as a whole (its status, a drawing of lots)
--   'E E'     everything of election E (its night prepared, reset or dropped)
--   'stats'   the voter list's statistics
--   '*'       everything (a TRUNCATE)
-- Identical payloads of one transaction arrive once.

CREATE FUNCTION publish_report() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('shailoo_publish', 's ' || NEW.election_id || ' ' || NEW.station_number || ' ' || NEW.kind);
    RETURN NULL;
END $$;
CREATE TRIGGER asu_reports_publish AFTER INSERT ON asu_reports
    FOR EACH ROW EXECUTE FUNCTION publish_report();

CREATE FUNCTION publish_election() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('shailoo_publish', 'e ' || NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER elections_publish AFTER UPDATE ON elections
    FOR EACH ROW EXECUTE FUNCTION publish_election();

CREATE FUNCTION publish_lot() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('shailoo_publish', 'e ' || election_id) FROM contests WHERE id = NEW.contest_id;
    RETURN NULL;
END $$;
CREATE TRIGGER results_lots_publish AFTER INSERT OR UPDATE ON results_lots
    FOR EACH ROW EXECUTE FUNCTION publish_lot();

-- Whole elections: the rows a statement added or removed, by election.
CREATE FUNCTION publish_elections_of_reports() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('shailoo_publish', 'E ' || e) FROM (SELECT DISTINCT election_id AS e FROM changed) x;
    RETURN NULL;
END $$;
CREATE TRIGGER asu_reports_publish_gone AFTER DELETE ON asu_reports
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION publish_elections_of_reports();

CREATE FUNCTION publish_elections_of_contests() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('shailoo_publish', 'E ' || e)
       FROM (SELECT DISTINCT k.election_id AS e FROM changed c JOIN contests k ON k.id = c.contest_id) x;
    RETURN NULL;
END $$;
CREATE TRIGGER area_results_publish_new AFTER INSERT ON area_results
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION publish_elections_of_contests();
CREATE TRIGGER area_results_publish_gone AFTER DELETE ON area_results
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION publish_elections_of_contests();

CREATE FUNCTION publish_everything() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('shailoo_publish', '*');
    RETURN NULL;
END $$;
CREATE TRIGGER asu_reports_publish_truncate AFTER TRUNCATE ON asu_reports
    FOR EACH STATEMENT EXECUTE FUNCTION publish_everything();
CREATE TRIGGER area_results_publish_truncate AFTER TRUNCATE ON area_results
    FOR EACH STATEMENT EXECUTE FUNCTION publish_everything();
CREATE TRIGGER station_results_publish_truncate AFTER TRUNCATE ON station_results
    FOR EACH STATEMENT EXECUTE FUNCTION publish_everything();

-- The voter list's statistics (kept by the voters' trigger, refreshed monthly).
CREATE FUNCTION publish_stats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('shailoo_publish', 'stats');
    RETURN NULL;
END $$;
CREATE TRIGGER voter_stats_publish AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON voter_stats
    FOR EACH STATEMENT EXECUTE FUNCTION publish_stats();
CREATE TRIGGER voter_stats_asof_publish AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON voter_stats_asof
    FOR EACH STATEMENT EXECUTE FUNCTION publish_stats();
CREATE TRIGGER voter_list_snapshots_publish AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON voter_list_snapshots
    FOR EACH STATEMENT EXECUTE FUNCTION publish_stats();
