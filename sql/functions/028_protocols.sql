-- The manual count (028_protocols.sql's tables; cgi/api/protocols.c): a
-- station's counts in each election, its secretaries, the versions of its
-- protocol, the official sums, and what the public reads of them.

-- The official rows are held to what station_results is (013_results_checks.sql): the ballot's
-- shape, each party's preference votes within its votes, the station in the contest.
CREATE OR REPLACE TRIGGER station_official_check BEFORE INSERT OR UPDATE ON station_official
    FOR EACH ROW EXECUTE FUNCTION station_results_check();

-- ---- Counts: a station in an election ---------------------------------------

-- Every station of an election with contests has its count (the owner of its scans).
CREATE OR REPLACE FUNCTION station_counts_of_contests() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO station_counts (election_id, station_number)
    SELECT e, s.number FROM (SELECT DISTINCT election_id AS e FROM changed) x CROSS JOIN stations s
     ORDER BY 1, 2
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER contests_station_counts AFTER INSERT ON contests
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION station_counts_of_contests();

CREATE OR REPLACE FUNCTION station_counts_of_stations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO station_counts (election_id, station_number)
    SELECT DISTINCT k.election_id, s.number FROM changed s CROSS JOIN contests k
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER stations_station_counts AFTER INSERT ON stations
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION station_counts_of_stations();

-- Who may act on count id's protocol and scans: the person's role for it
-- ('station_secretary', 'tec_admin', 'cec_admin' or NULL), with the
-- election's status (cgi/api/document_kinds.c, cgi/api/protocols.c).
CREATE OR REPLACE FUNCTION count_access(count_id bigint, actor text)
RETURNS TABLE (role text, election_id integer, station_number integer, status text)
LANGUAGE sql STABLE AS $$
    SELECT (SELECT r.role FROM staff_roles r
             WHERE r.pin = actor
               AND ((r.role = 'station_secretary' AND r.station_number = s.number)
                    OR (r.role = 'tec_admin' AND r.commission_id = s.commission_id)
                    OR r.role = 'cec_admin')
             ORDER BY r.role = 'station_secretary' DESC, r.role = 'tec_admin' DESC LIMIT 1),
           c.election_id, c.station_number, e.status
      FROM station_counts c JOIN stations s ON s.number = c.station_number
      JOIN elections e ON e.id = c.election_id
     WHERE c.id = count_id
$$;

-- ---- Secretaries --------------------------------------------------------------

-- How actor may administer station n: 'cec_admin', 'tec_admin' (of the
-- station's commission); refused otherwise (404: no such station).
CREATE OR REPLACE FUNCTION station_admin_role(n integer, actor text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    commission integer;
    role text;
BEGIN
    SELECT s.commission_id INTO commission FROM stations s WHERE s.number = n;
    IF NOT FOUND THEN
        PERFORM shailoo_refuse(404, 'station_not_found', 'there is no polling station with this number', 'station');
    END IF;
    SELECT r.role INTO role FROM staff_roles r
     WHERE r.pin = actor AND (r.role = 'cec_admin' OR (r.role = 'tec_admin' AND r.commission_id = commission))
     ORDER BY r.role LIMIT 1;
    IF role IS NULL THEN
        PERFORM shailoo_refuse(403, 'outside_scope', 'this station is another territorial commission''s');
    END IF;
    RETURN role;
END $$;

CREATE OR REPLACE FUNCTION station_secretaries(n integer, actor text) RETURNS json
LANGUAGE plpgsql STABLE AS $$
BEGIN
    PERFORM station_admin_role(n, actor);
    RETURN (SELECT json_build_object('station', n, 'items', coalesce(json_agg(json_build_object(
                'pin', r.pin, 'granted_at', r.granted_at) ORDER BY r.granted_at, r.pin), '[]'))
              FROM staff_roles r WHERE r.role = 'station_secretary' AND r.station_number = n);
END $$;

-- The station's territorial commission (or the CEC) makes pin its
-- secretary: one station a person; again for the same station is no change.
CREATE OR REPLACE FUNCTION station_secretary_add(n integer, pin text, actor text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    other integer;
BEGIN
    PERFORM station_admin_role(n, actor);
    SELECT r.station_number INTO other FROM staff_roles r
     WHERE r.pin = station_secretary_add.pin AND r.role = 'station_secretary' FOR UPDATE;
    IF FOUND AND other <> n THEN
        PERFORM shailoo_refuse(409, 'secretary_elsewhere',
            format('this person is the secretary of station %s: that commission revokes it first', other), 'pin');
    END IF;
    INSERT INTO staff_roles (pin, role, commission_id, station_number, granted_by)
    SELECT station_secretary_add.pin, 'station_secretary', s.commission_id, n, actor
      FROM stations s WHERE s.number = n
    ON CONFLICT ON CONSTRAINT staff_roles_pkey DO NOTHING;
    RETURN station_secretaries(n, actor);
END $$;

CREATE OR REPLACE FUNCTION station_secretary_remove(n integer, pin text, actor text) RETURNS json
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM station_admin_role(n, actor);
    DELETE FROM staff_roles r
     WHERE r.pin = station_secretary_remove.pin AND r.role = 'station_secretary' AND r.station_number = n;
    IF NOT FOUND THEN
        PERFORM shailoo_refuse(404, 'not_found', 'this person is not a secretary of this station', 'pin');
    END IF;
    RETURN station_secretaries(n, actor);
END $$;

-- ---- Versions -----------------------------------------------------------------

-- The lines of a station's figures in a contest, one row each: the
-- protocol's lines, each entry's votes, each list place's preference votes
-- (entry: the ballot position, place: the position on the party's list).
-- (PL/pgSQL: inlined as SQL into a lateral join, PostgreSQL 15's planner
-- fails on its whole-row arguments: "variable not found in subplan target list".)
CREATE OR REPLACE FUNCTION results_row_lines(r station_results, k contests)
RETURNS TABLE (line text, entry integer, place integer, value bigint)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF r.contest_id IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
    SELECT x.line, NULL::integer, NULL::integer, x.value::bigint
      FROM (VALUES ('voters', r.voters), ('received', r.received), ('issued', r.issued),
                   ('cancelled', r.cancelled), ('in_boxes', r.in_boxes), ('invalid', r.invalid),
                   ('valid', r.valid), ('against_all', r.against_all)) x(line, value)
    UNION ALL
    SELECT 'votes', i, NULL, r.votes[i]::bigint FROM generate_subscripts(r.votes, 1) i
    UNION ALL
    SELECT 'preferences', p.entry::integer, p.place, r.preferences[p.i]::bigint
      FROM (SELECT row_number() OVER (ORDER BY e.entry, g.place) AS i, e.entry, g.place
              FROM unnest(results_list_shape(k.id)) WITH ORDINALITY e(len, entry),
                   generate_series(1, e.len) g(place)) p
     WHERE k.kind = 'list' AND cardinality(r.preferences) > 0;
END $$;

-- A station's row of contest k as a report's contest (the inverse of
-- results_contest_row): {kind, district | question | council, the lines,
-- votes, and for the list contest each party's preference votes}.
CREATE OR REPLACE FUNCTION results_row_json(r station_results, k contests) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object('kind', k.kind, 'district', k.district_number,
               'question', k.question, 'council', k.council_id))
        || jsonb_build_object('voters', r.voters, 'received', r.received, 'issued', r.issued,
               'cancelled', r.cancelled, 'in_boxes', r.in_boxes, 'invalid', r.invalid, 'valid', r.valid,
               'against_all', r.against_all, 'votes', to_jsonb(r.votes))
        || CASE WHEN k.kind = 'list' THEN jsonb_build_object('preferences',
               (SELECT coalesce(jsonb_agg(to_jsonb(r.preferences[p.first + 1 : p.first + p.len]) ORDER BY p.entry), '[]')
                  FROM (SELECT e.entry, e.len, coalesce(sum(e.len) OVER (ORDER BY e.entry ROWS BETWEEN UNBOUNDED PRECEDING
                                                                              AND 1 PRECEDING), 0)::integer AS first
                          FROM unnest(results_list_shape(k.id)) WITH ORDINALITY e(len, entry)) p))
                ELSE '{}'::jsonb END
$$;

-- A station's ASU figures of every contest of an election, as a protocol's contests (the demo copies them).
CREATE OR REPLACE FUNCTION results_station_contests_json(e integer, n integer) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_agg(results_row_json(r, k) ORDER BY k.id)
      FROM contests k JOIN station_results r ON r.contest_id = k.id AND r.station_number = n
     WHERE k.election_id = e
$$;

-- The figures of a version (or any contests' array) as station rows of contest k (NULL if absent).
CREATE OR REPLACE FUNCTION protocol_contest_row(figures jsonb, k contests, st stations) RETURNS station_results
LANGUAGE sql STABLE AS $$
    SELECT (results_contest_row(k, st, c, NULL, 0)).r
      FROM jsonb_array_elements(figures) c
     WHERE contest_matches(k, c)
$$;

-- What changed from one version's figures to the next: every line that differs.
CREATE OR REPLACE FUNCTION protocol_changes_json(e integer, n integer, before jsonb, after jsonb) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT coalesce(json_agg(json_build_object('contest_id', k.id, 'kind', k.kind,
                                               'district', k.district_number, 'line', a.line,
                                               'entry', a.entry, 'place', a.place,
                                               'from', b.value, 'to', a.value)
                             ORDER BY k.id, a.line = 'preferences', a.line = 'votes', a.entry, a.place), '[]')
      FROM stations st JOIN contests k ON k.election_id = e AND contest_has_station(k, st)
      CROSS JOIN LATERAL results_row_lines(protocol_contest_row(after, k, st), k) a
      LEFT JOIN LATERAL results_row_lines(protocol_contest_row(before, k, st), k) b
        ON b.line = a.line AND b.entry IS NOT DISTINCT FROM a.entry AND b.place IS NOT DISTINCT FROM a.place
     WHERE st.number = n AND b.value IS DISTINCT FROM a.value
$$;

CREATE OR REPLACE FUNCTION protocol_version_json(v protocol_versions) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', v.id, 'election_id', v.election_id, 'station', v.station_number,
        'version', v.version, 'entered_at', v.entered_at, 'entered_by', v.entered_name,
        'role', v.entered_role, 'reason', v.reason,
        'complaint', (SELECT json_build_object('id', c.id, 'number', c.number, 'status', c.status,
                                               'outcome', c.outcome)
                        FROM complaints c WHERE c.id = v.complaint_id),
        'sha256', encode(v.sha256, 'hex'),
        'log_seq', (SELECT l.seq FROM results_log l WHERE l.protocol_id = v.id),
        'contests', v.figures,
        'changes', CASE WHEN v.version > 1 THEN
            protocol_changes_json(v.election_id, v.station_number,
                (SELECT p.figures FROM protocol_versions p WHERE p.election_id = v.election_id
                    AND p.station_number = v.station_number AND p.version = v.version - 1), v.figures) END)
$$;

-- The areas' official sums of contest k, recomputed from the stations'
-- official rows for the areas named (a protocol changes a few areas, at
-- the pace of people: re-summing is simpler than keeping deltas).
CREATE OR REPLACE FUNCTION official_resum(k contests, areas smallint[]) RETURNS void LANGUAGE sql AS $$
    UPDATE area_official a SET
        stations_reported = s.n, voters = s.voters, received = s.received, issued = s.issued,
        cancelled = s.cancelled, in_boxes = s.in_boxes, invalid = s.invalid, valid = s.valid,
        against_all = s.against_all, votes = s.votes,
        preferences = coalesce(s.preferences, a.preferences), updated_at = clock_timestamp()
      FROM (SELECT x.area, count(*) AS n, sum(r.voters) AS voters, sum(r.received) AS received,
                   sum(r.issued) AS issued, sum(r.cancelled) AS cancelled, sum(r.in_boxes) AS in_boxes,
                   sum(r.invalid) AS invalid, sum(r.valid) AS valid, sum(r.against_all) AS against_all,
                   int_array_sum_agg(r.votes) AS votes,
                   int_array_sum_agg(r.preferences) FILTER (WHERE k.kind = 'list' AND x.area <= 10) AS preferences
              FROM station_official r JOIN stations st ON st.number = r.station_number
              CROSS JOIN LATERAL unnest(results_station_areas(st, k.kind)) AS x(area)
             WHERE r.contest_id = k.id AND x.area = ANY (areas)
             GROUP BY x.area) s
     WHERE a.contest_id = k.id AND a.area = s.area
$$;

-- Enters a version of station n's manual-count protocol in election e
-- (figures: the contests as the ASU's final gives them, control relations
-- checked by the application), in the caller's transaction: the version,
-- the station's official rows, the areas' official sums and the log entry.
-- Answers {"status": ...}: accepted (with the version), ballot_mismatch
-- (with a message), no_change (the same figures as the latest version),
-- reason_required, complaint_not_found, station_not_found.
-- at: the version's time (NULL: now); resum false leaves the areas' official
-- sums to the caller's results_rebuild() (the demo's whole nights at once).
DROP FUNCTION IF EXISTS protocol_enter(integer, integer, text, text, text, jsonb, text, bigint);
CREATE OR REPLACE FUNCTION protocol_enter(e_id integer, n integer, pin text, name text, role text,
                                          figures jsonb, reason text, complaint bigint,
                                          at timestamptz DEFAULT NULL, resum boolean DEFAULT true) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    e elections;
    st stations;
    latest protocol_versions;
    v protocol_versions;
    res record;
    sr station_results;
    k contests;
    t timestamptz := coalesce(at, clock_timestamp());
BEGIN
    SELECT * INTO e FROM elections WHERE id = e_id;
    SELECT * INTO st FROM stations WHERE number = n;
    -- One version of a station at a time.
    PERFORM 1 FROM station_counts c WHERE c.election_id = e_id AND c.station_number = n FOR UPDATE;
    IF NOT FOUND OR e.id IS NULL OR st.number IS NULL THEN
        RETURN json_build_object('status', 'station_not_found');
    END IF;
    SELECT * INTO res FROM results_final_rows(e, st, figures, 0);
    IF res.why IS NOT NULL THEN
        RETURN json_build_object('status', 'ballot_mismatch', 'message', res.why);
    END IF;
    SELECT * INTO latest FROM protocol_versions p
     WHERE p.election_id = e_id AND p.station_number = n ORDER BY p.version DESC LIMIT 1;
    IF latest.id IS NOT NULL AND latest.figures = figures THEN
        RETURN json_build_object('status', 'no_change', 'version', protocol_version_json(latest));
    END IF;
    IF latest.id IS NOT NULL AND reason IS NULL THEN
        RETURN json_build_object('status', 'reason_required');
    END IF;
    IF complaint IS NOT NULL AND NOT EXISTS (SELECT 1 FROM complaints c WHERE c.id = complaint
                                                AND c.election_id = e_id) THEN
        RETURN json_build_object('status', 'complaint_not_found');
    END IF;
    v.election_id := e_id;
    v.station_number := n;
    v.version := coalesce(latest.version, 0) + 1;
    v.entered_by := pin;
    v.entered_name := name;
    v.entered_role := role;
    v.entered_at := t;
    v.reason := CASE WHEN latest.id IS NOT NULL THEN reason END;
    v.complaint_id := CASE WHEN latest.id IS NOT NULL THEN complaint END;
    v.figures := figures;
    -- What the log's hash covers: everything public about the version.
    v.body := jsonb_build_object('election_id', e_id, 'station', n, 'version', v.version,
                                 'entered_at', results_log_time(t), 'entered_by', name, 'role', role,
                                 'reason', v.reason, 'complaint_id', v.complaint_id,
                                 'contests', figures)::text;
    v.sha256 := sha256(convert_to(v.body, 'UTF8'));
    INSERT INTO protocol_versions (election_id, station_number, version, entered_by, entered_name,
                                   entered_role, entered_at, reason, complaint_id, figures, body, sha256)
    VALUES (v.election_id, v.station_number, v.version, v.entered_by, v.entered_name, v.entered_role,
            v.entered_at, v.reason, v.complaint_id, v.figures, v.body, v.sha256)
    RETURNING id INTO v.id;
    FOR sr IN SELECT (x).* FROM unnest(res.rows) x ORDER BY (x).contest_id LOOP
        DELETE FROM station_official o WHERE o.contest_id = sr.contest_id AND o.station_number = n;
        sr.report_id := v.id;
        sr.report_seq := v.version;
        INSERT INTO station_official SELECT sr.*;
        SELECT * INTO STRICT k FROM contests WHERE id = sr.contest_id;
        IF resum THEN
            PERFORM official_resum(k, results_station_areas(st, k.kind));
        END IF;
    END LOOP;
    PERFORM results_log_append(e_id, NULL, v.id, v.sha256);
    RETURN json_build_object('status', 'accepted', 'version', protocol_version_json(v));
END $$;

-- ---- What the public reads -------------------------------------------------------

-- The country's official sums of a contest: the ten regional rows (as area_results_all).
CREATE OR REPLACE VIEW area_official_all AS
    SELECT * FROM area_official
    UNION ALL
    SELECT contest_id, 0::smallint, sum(stations_total)::integer, sum(stations_reported)::integer,
           sum(voters)::bigint, sum(received)::bigint, sum(issued)::bigint, sum(cancelled)::bigint,
           sum(in_boxes)::bigint, sum(invalid)::bigint, sum(valid)::bigint, sum(against_all)::bigint,
           int_array_sum_agg(votes), int_array_sum_agg(preferences), max(updated_at)
      FROM area_official WHERE area BETWEEN 1 AND 10
     GROUP BY contest_id;

-- An area's official row, as an area_results row (the same columns), or NULL.
-- (The country's row through the view, any other straight from the table:
-- through the view every contest's regions are summed first.)
CREATE OR REPLACE FUNCTION results_official(contest integer, area smallint) RETURNS area_results
LANGUAGE plpgsql STABLE AS $$
DECLARE
    r area_results;
BEGIN
    IF area = 0 THEN
        SELECT a.* INTO r FROM area_official_all a WHERE a.contest_id = contest AND a.area = 0;
    ELSE
        SELECT a.* INTO r FROM area_official a WHERE a.contest_id = contest AND a.area = results_official.area;
    END IF;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    RETURN r;
END $$;

-- A station's identification figures (first report and the close) with the method totals.
CREATE OR REPLACE FUNCTION station_identification_json(i station_identification) RETURNS json
LANGUAGE sql STABLE STRICT AS $$
    SELECT json_build_object('stage', i.stage, 'voters', i.voters, 'face', i.face,
        'fingerprint', i.fingerprint, 'document', i.document,
        'identified', i.face + i.fingerprint + i.document,
        'turnout', results_pct(i.face + i.fingerprint + i.document, i.voters),
        'report_id', i.report_id, 'report_seq', i.report_seq)
$$;

-- ---- Discrepancies -----------------------------------------------------------------

-- Whether a station's official row and its ASU's row of a contest differ in any figure.
CREATE OR REPLACE FUNCTION results_figures_differ(o station_official, r station_results) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT (o.voters, o.received, o.issued, o.cancelled, o.in_boxes, o.invalid, o.valid, o.against_all,
            o.votes, o.preferences)
           IS DISTINCT FROM (r.voters, r.received, r.issued, r.cancelled, r.in_boxes, r.invalid,
                             r.valid, r.against_all, r.votes, r.preferences)
$$;

-- The stations whose identified voters (the device's report at the close)
-- and ballots issued (the official count's, else the ASU's) differ by
-- more than the election's tolerance, as results_discrepancies' rows.
CREATE OR REPLACE FUNCTION results_identification_flags(e integer, station integer)
RETURNS TABLE (station_number integer, region_id smallint, district smallint, kind text,
               contest_id integer, contest_kind text, line text, entry integer, place integer,
               asu bigint, manual bigint, difference bigint)
LANGUAGE sql STABLE AS $$
    SELECT st.number, st.region_id, st.district_number, 'identification', k.id, k.kind,
           'identified', NULL::integer, NULL::integer, coalesce(o.issued, r.issued)::bigint,
           (i.face + i.fingerprint + i.document)::bigint,
           (i.face + i.fingerprint + i.document - coalesce(o.issued, r.issued))::bigint
      FROM elections el
      JOIN contests k ON k.election_id = el.id AND k.kind = 'list'
      JOIN station_identification i ON i.election_id = el.id AND i.stage = 'final'
      JOIN stations st ON st.number = i.station_number
      LEFT JOIN station_results r ON r.contest_id = k.id AND r.station_number = i.station_number
      LEFT JOIN station_official o ON o.contest_id = k.id AND o.station_number = i.station_number
     -- (A range, not "station IS NULL OR ...": the plan kept for either case still uses the index.)
     WHERE el.id = e AND i.station_number BETWEEN coalesce(station, 0) AND coalesce(station, 2147483647)
       AND coalesce(o.issued, r.issued) IS NOT NULL
       AND abs(i.face + i.fingerprint + i.document - coalesce(o.issued, r.issued))
           > greatest(el.flag_tolerance_ballots, coalesce(o.issued, r.issued) * el.flag_tolerance_permille / 1000)
$$;

-- Every line of an election where a station's manual count and its ASU
-- differ, and every station whose identified voters and ballots issued
-- (the official count's, else the ASU's) differ by more than the
-- election's tolerance.  One row a flag, largest first.  station NULL: all.
CREATE OR REPLACE FUNCTION results_discrepancies(e integer, station integer DEFAULT NULL)
RETURNS TABLE (station_number integer, region_id smallint, district smallint, kind text,
               contest_id integer, contest_kind text, line text, entry integer, place integer,
               asu bigint, manual bigint, difference bigint)
LANGUAGE sql STABLE AS $$
    SELECT * FROM (
        SELECT st.number, st.region_id, st.district_number, 'count'::text, k.id, k.kind,
               a.line, a.entry, a.place, a.value, m.value, m.value - a.value
          FROM contests k
          JOIN station_official o ON o.contest_id = k.id
          JOIN station_results r ON r.contest_id = k.id AND r.station_number = o.station_number
          JOIN stations st ON st.number = o.station_number
          CROSS JOIN LATERAL results_row_lines(r, k) a
          JOIN LATERAL results_row_lines(ROW(o.*)::station_results, k) m
            ON m.line = a.line AND m.entry IS NOT DISTINCT FROM a.entry AND m.place IS NOT DISTINCT FROM a.place
         WHERE k.election_id = e AND o.station_number BETWEEN coalesce(station, 0) AND coalesce(station, 2147483647)
           AND results_figures_differ(o, r)
           AND m.value <> a.value
        UNION ALL
        SELECT * FROM results_identification_flags(e, station)
    ) d(station_number, region_id, district, kind, contest_id, contest_kind, line, entry, place, asu, manual, difference)
    ORDER BY abs(d.difference) DESC, d.station_number, d.contest_id, d.line, d.entry, d.place
$$;

-- The national list: every flag, largest first, each station's documents at hand.
CREATE OR REPLACE FUNCTION results_discrepancies_json(e integer) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('election', results_election_json(el),
        'tolerance', json_build_object('ballots', el.flag_tolerance_ballots,
                                       'permille', el.flag_tolerance_permille),
        'stations', (SELECT count(DISTINCT d.station_number) FROM results_discrepancies(el.id) d),
        'items', (SELECT coalesce(json_agg(json_build_object('station', d.station_number,
                      'region_id', d.region_id, 'district', d.district, 'kind', d.kind,
                      'contest_id', d.contest_id, 'contest_kind', d.contest_kind, 'line', d.line,
                      'entry', d.entry, 'place', d.place, 'asu', d.asu, 'manual', d.manual,
                      'difference', d.difference,
                      'documents', (SELECT complaint_documents_json('counts', c.id, false)
                                      FROM station_counts c
                                     WHERE c.election_id = el.id AND c.station_number = d.station_number))
                    ORDER BY abs(d.difference) DESC, d.station_number, d.contest_id, d.line, d.entry, d.place), '[]')
                    FROM results_discrepancies(el.id) d))
      FROM elections el WHERE el.id = e
$$;

CREATE OR REPLACE FUNCTION results_discrepancies_csv(e integer) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT 'station,region_id,district,kind,contest_id,contest_kind,line,entry,place,asu,manual,difference' || E'\n'
        || coalesce(string_agg(concat_ws(',', d.station_number, d.region_id, d.district, d.kind, d.contest_id,
                                         d.contest_kind, d.line, coalesce(d.entry::text, ''),
                                         coalesce(d.place::text, ''), d.asu, d.manual, d.difference) || E'\n',
                               '' ORDER BY abs(d.difference) DESC, d.station_number, d.contest_id, d.line,
                               d.entry, d.place), '')
      FROM results_discrepancies(e) d
$$;

-- The stations flagged in an election (cheaply: rows that differ at all,
-- identification beyond the tolerance), for the areas' counts of states.
-- numbers: only among these stations (an area's), NULL: all.  (Joined by
-- station, not filtered by "numbers IS NULL OR ...": an area's few hundred
-- stations are found by the indexes, not by reading every station's rows.)
DROP FUNCTION IF EXISTS results_flagged(integer);
CREATE OR REPLACE FUNCTION results_flagged(e integer, numbers integer[] DEFAULT NULL) RETURNS TABLE (station_number integer)
LANGUAGE sql STABLE AS $$
    WITH n AS (SELECT unnest(coalesce(numbers, ARRAY(SELECT s.number FROM stations s))) AS number)
    SELECT o.station_number FROM n
      JOIN contests k ON k.election_id = e
      JOIN station_official o ON o.contest_id = k.id AND o.station_number = n.number
      JOIN station_results r ON r.contest_id = o.contest_id AND r.station_number = o.station_number
     WHERE results_figures_differ(o, r)
    UNION
    SELECT f.station_number FROM n
      JOIN station_identification i ON i.election_id = e AND i.stage = 'final' AND i.station_number = n.number
      CROSS JOIN LATERAL results_identification_flags(e, n.number) f
$$;

-- An area's identification figures, at the first report and at the close
-- (area as in results: 0 the country, 1..9 a region, 10 abroad, 100 + n
-- district n), beside the ASU's ballots issued at its stations.  Summed per
-- read: a few thousand rows, read from the published files.
CREATE OR REPLACE FUNCTION results_identification_area_json(e integer, area smallint) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT coalesce(json_agg(json_build_object('stage', x.stage, 'stations', x.n, 'voters', x.voters,
                    'face', x.face, 'fingerprint', x.fingerprint, 'document', x.document,
                    'identified', x.identified, 'turnout', results_pct(x.identified, x.voters))
                    ORDER BY x.stage DESC), '[]')
      FROM (SELECT i.stage, count(*) AS n, sum(i.voters) AS voters, sum(i.face) AS face,
                   sum(i.fingerprint) AS fingerprint, sum(i.document) AS document,
                   sum(i.face + i.fingerprint + i.document) AS identified
              FROM station_identification i JOIN stations s ON s.number = i.station_number
             WHERE i.election_id = e
               AND (results_identification_area_json.area = 0
                    OR (results_identification_area_json.area = 10 AND s.abroad)
                    OR s.region_id = results_identification_area_json.area
                    OR s.district_number = results_identification_area_json.area - 100)
             GROUP BY i.stage) x
$$;

-- The API's entry of a version (cgi/api/protocols.c): who may (the
-- station's secretary, its commission's administrator, the CEC's) and when
-- (until the election is completed or annulled); protocol_enter's refusals
-- raised as the API answers them.  The version's JSON.
CREATE OR REPLACE FUNCTION protocol_submit(e_id integer, n integer, figures jsonb, reason text,
                                           complaint bigint, actor text, actor_name text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    a record;
    r json;
BEGIN
    SELECT x.* INTO a FROM station_counts c, count_access(c.id, actor) x
     WHERE c.election_id = e_id AND c.station_number = n;
    IF NOT FOUND THEN
        PERFORM shailoo_refuse(404, 'not_found', 'no such election or station, or the election has no contests');
    END IF;
    IF a.role IS NULL THEN
        PERFORM shailoo_refuse(403, 'outside_scope',
            'only the station''s secretary or an administrator of its commission enters its protocol');
    END IF;
    IF a.status NOT IN ('scheduled', 'open', 'counting') THEN
        PERFORM shailoo_refuse(422, 'election_closed',
            format('the election is %s: its protocols take no more versions', a.status));
    END IF;
    IF reason IS NOT NULL AND NOT EXISTS (SELECT 1 FROM protocol_versions p
                                            WHERE p.election_id = e_id AND p.station_number = n) THEN
        PERFORM shailoo_refuse(422, 'reason_not_allowed',
            'the first version is the count itself: a reason belongs to a correction', 'reason');
    END IF;
    -- The name is public with the version; a session without one (ESIA gave none) names the role.
    r := protocol_enter(e_id, n, actor,
                        coalesce(nullif(btrim(actor_name), ''),
                                 CASE a.role WHEN 'station_secretary' THEN 'Секретарь УИК №' || n
                                             WHEN 'tec_admin' THEN 'Администратор ТИК' ELSE 'Администратор ЦИК' END),
                        a.role, figures, reason, complaint);
    CASE r->>'status'
    WHEN 'accepted' THEN
        RETURN r->'version';
    WHEN 'ballot_mismatch' THEN
        PERFORM shailoo_refuse(422, 'ballot_mismatch', r->>'message', 'contests');
    WHEN 'no_change' THEN
        PERFORM shailoo_refuse(409, 'no_change',
            format('these are the figures of version %s already', r->'version'->>'version'), 'contests');
    WHEN 'reason_required' THEN
        PERFORM shailoo_refuse(422, 'reason_required',
            'a correction says why (10 to 2000 characters): a recount, a decision, an error found', 'reason');
    WHEN 'complaint_not_found' THEN
        PERFORM shailoo_refuse(422, 'complaint_not_found', 'there is no such complaint in this election',
                               'complaint_id');
    ELSE
        PERFORM shailoo_refuse(404, 'not_found', 'no such election or station');
    END CASE;
    RETURN NULL;
END $$;

-- A scan of a station's count changes its station's published answer (and
-- the discrepancies' list, which names the documents at hand): 's E N'.
CREATE OR REPLACE FUNCTION publish_count_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('shailoo_publish', 's ' || c.election_id || ' ' || c.station_number)
       FROM station_counts c WHERE c.id = NEW.owner_id;
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER documents_publish_counts AFTER INSERT ON documents
    FOR EACH ROW WHEN (NEW.owner_type = 'counts') EXECUTE FUNCTION publish_count_document();

-- The CEC sets when identification and the ballots issued are flagged (PUT
-- /api/v1/elections/{id}/flag-tolerance, cgi/api/protocols.c): more than
-- max(ballots, permille of the ballots issued) apart.
CREATE OR REPLACE FUNCTION election_flag_tolerance_set(e integer, ballots integer, permille integer, actor text)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    el elections;
BEGIN
    UPDATE elections x SET flag_tolerance_ballots = election_flag_tolerance_set.ballots,
                           flag_tolerance_permille = election_flag_tolerance_set.permille
     WHERE x.id = e RETURNING * INTO el;
    IF NOT FOUND THEN
        PERFORM shailoo_refuse(404, 'election_not_found', 'there is no such election');
    END IF;
    RETURN json_build_object('election_id', el.id, 'tolerance',
        json_build_object('ballots', el.flag_tolerance_ballots, 'permille', el.flag_tolerance_permille),
        'set_by', CASE WHEN actor IS NOT NULL THEN 'cec_admin' END);
END $$;
