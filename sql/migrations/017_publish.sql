-- Publish, don't serve: the publisher (cgi/core/publish.c, cgi/api/published.c)
-- writes the answers everyone reads as files, and is told here what changed,
-- on the channel shailoo_publish, at the commit of the change (a rolled back
-- change tells nothing).  Not the night's reports: a transaction that
-- notifies takes a database-wide lock until its commit is flushed, which
-- made the finals commit one at a time (half the reports a second); the
-- publisher reads the public log's new entries instead.  Payloads:
--   'e E'     election E as a whole (its status, a drawing of lots)
--   'E E'     everything of election E (its night prepared, reset or dropped)
--   'stats'   the voter list's statistics
--   '*'       everything (a TRUNCATE)
-- Identical payloads of one transaction arrive once.

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

-- A ballot changed (an entry added, withdrawn, removed): its rows name their contest too.
CREATE TRIGGER contest_entries_publish_new AFTER INSERT ON contest_entries
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION publish_elections_of_contests();
CREATE TRIGGER contest_entries_publish_changed AFTER UPDATE ON contest_entries
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION publish_elections_of_contests();
CREATE TRIGGER contest_entries_publish_gone AFTER DELETE ON contest_entries
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
-- Names of parties and candidates show in every election's answers (rarely changed).
CREATE TRIGGER parties_publish AFTER UPDATE OR DELETE ON parties
    FOR EACH STATEMENT EXECUTE FUNCTION publish_everything();
CREATE TRIGGER candidates_publish AFTER UPDATE OR DELETE ON candidates
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

-- An answer about an area or a station shows, as its election's "log", the
-- log entry of the latest report it includes (of its stations), not the
-- head: it changes only when a report of its own comes, so a published
-- file stays the application's very answer until then.  Answers about the
-- whole election show the head, as before.
CREATE FUNCTION results_stations_last_seq(e integer, numbers integer[]) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT max(l.seq) FROM asu_reports r JOIN results_log l ON l.report_id = r.id
     WHERE r.election_id = e AND r.station_number = ANY (numbers)
$$;

CREATE FUNCTION results_election_json(e elections, log_seq bigint) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', e.id, 'date', e.date, 'name_ru', e.name_ru, 'name_ky', e.name_ky,
        'type', e.type, 'status', e.status, 'turnout_hours', e.turnout_hours,
        'log', (SELECT json_build_object('seq', l.seq, 'hash', encode(l.hash, 'hex'))
                  FROM results_log l WHERE l.election_id = e.id AND l.seq = log_seq))
$$;

CREATE OR REPLACE FUNCTION results_region(e integer, region smallint) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('election', results_election_json(el, results_stations_last_seq(el.id,
            ARRAY(SELECT s.number FROM stations s WHERE (region = 10 AND s.abroad) OR s.region_id = region))),
        'region', results_area_figures_json(a, true),
        'turnout', results_turnout_series(el.id, region),
        'districts', (SELECT coalesce(json_agg(json_build_object(
                            'district', d.number, 'name_ru', d.name_ru, 'name_ky', d.name_ky,
                            'list', results_area_figures_json(results_area(a.contest_id, (100 + d.number)::smallint), false),
                            'contest', results_district_brief(results_contest(el.id, 'district', d.number)))
                          ORDER BY d.number), '[]')
                        FROM districts d WHERE d.region_id = region),
        'stations', (SELECT coalesce(json_agg(results_station_brief(el.id, s) ORDER BY s.number), '[]')
                       FROM stations s
                      WHERE (region = 10 AND s.abroad) OR s.region_id = region))
      FROM elections el, area_results a
     WHERE el.id = e AND a.contest_id = (results_contest(el.id, 'list')).id AND a.area = region
       AND region BETWEEN 1 AND 10
$$;

CREATE OR REPLACE FUNCTION results_district(e integer, n smallint) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('election', results_election_json(el, results_stations_last_seq(el.id,
            ARRAY(SELECT s.number FROM stations s WHERE s.district_number = n))),
        'district', results_area_json((100 + n)::smallint),
        'contest', (SELECT results_area_figures_json(a, true) FROM area_results a
                     WHERE a.contest_id = (results_contest(el.id, 'district', n)).id AND a.area = 100 + n),
        'list', (SELECT results_area_figures_json(a, true) FROM area_results a
                  WHERE a.contest_id = (results_contest(el.id, 'list')).id AND a.area = 100 + n),
        'turnout', results_turnout_series(el.id, (100 + n)::smallint),
        'stations', (SELECT coalesce(json_agg(results_station_brief(el.id, s) ORDER BY s.number), '[]')
                       FROM stations s WHERE s.district_number = n))
      FROM elections el WHERE el.id = e AND n BETWEEN 1 AND 36
$$;

CREATE OR REPLACE FUNCTION results_station(e integer, n integer) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('election', results_election_json(el, results_stations_last_seq(el.id, ARRAY[n])),
        'station', station_json(s),
        'contests', (SELECT coalesce(json_agg(json_build_object(
                'contest_id', k.id, 'kind', k.kind, 'district', k.district_number,
                'reported', r.station_number IS NOT NULL, 'report_id', r.report_id, 'report_seq', r.report_seq,
                'voters', r.voters, 'received', r.received, 'issued', r.issued, 'cancelled', r.cancelled,
                'in_boxes', r.in_boxes, 'invalid', r.invalid, 'valid', r.valid,
                'turnout', results_pct(r.issued, r.voters),
                'against_all', json_build_object('votes', r.against_all, 'percent', results_pct(r.against_all, r.in_boxes)),
                'entries', CASE WHEN r.station_number IS NOT NULL
                                THEN results_entries_json(k.id, r.votes, r.in_boxes) END,
                'updated_at', r.updated_at) ORDER BY k.id), '[]')
              FROM contests k
              LEFT JOIN station_results r ON r.contest_id = k.id AND r.station_number = s.number
             WHERE k.election_id = el.id AND (k.kind = 'list' OR k.district_number = s.district_number)),
        'turnout', (SELECT coalesce(json_agg(json_build_object('hour', t.hour, 'voters', t.voters,
                        'voted', t.voted, 'percent', results_pct(t.voted, t.voters)) ORDER BY t.hour), '[]')
                      FROM station_turnout t WHERE t.election_id = el.id AND t.station_number = s.number),
        'reports', (SELECT coalesce(json_agg(asu_report_json(r) ORDER BY r.seq), '[]')
                      FROM asu_reports r WHERE r.election_id = el.id AND r.station_number = s.number),
        'devices', (SELECT coalesce(json_agg(json_build_object('device_id', d.device_id,
                        'registered_at', d.registered_at, 'revoked_at', d.revoked_at) ORDER BY d.registered_at), '[]')
                      FROM asu_devices d WHERE d.election_id = el.id AND d.station_number = s.number))
      FROM elections el, stations s WHERE el.id = e AND s.number = n
$$;
