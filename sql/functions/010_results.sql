
-- The areas a station counts in, for a contest of this kind.
-- (A council's contest counts in its region only; the presidency and a
-- referendum's questions everywhere, as the party lists.)
CREATE OR REPLACE FUNCTION results_station_areas(st stations, contest_kind text) RETURNS smallint[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN contest_kind = 'district' THEN ARRAY[100 + st.district_number]::smallint[]
                WHEN contest_kind = 'council' THEN ARRAY[st.region_id]::smallint[]
                WHEN st.abroad THEN '{10}'::smallint[]
                ELSE ARRAY[st.region_id, 100 + st.district_number]::smallint[] END
$$;

-- Whether station st votes in contest k: a district's stations, a council's
-- region's (never abroad), every station for the others.
CREATE OR REPLACE FUNCTION contest_has_station(k contests, st stations) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT CASE k.kind WHEN 'district' THEN st.district_number IS NOT DISTINCT FROM k.district_number
                       WHEN 'council' THEN NOT st.abroad
                                           AND st.region_id = (SELECT c.region_id FROM councils c WHERE c.id = k.council_id)
                       ELSE true END
$$;

-- Whether a contest of a report (c: its JSON, {kind, district | question | council}) is contest k.
CREATE OR REPLACE FUNCTION contest_matches(k contests, c jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT k.kind = c->>'kind'
       AND CASE k.kind WHEN 'district' THEN k.district_number = (c->>'district')::integer
                       WHEN 'question' THEN k.question = (c->>'question')::integer
                       WHEN 'council' THEN k.council_id = (c->>'council')::integer
                       ELSE true END
$$;

CREATE OR REPLACE FUNCTION results_area_json(area smallint) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN area = 0 THEN json_build_object('kind', 'country', 'area', area)
                WHEN area = 10 THEN json_build_object('kind', 'abroad', 'area', area,
                    'name_ru', 'За рубежом', 'name_ky', 'Чет өлкөдө')
                WHEN area < 10 THEN (SELECT json_build_object('kind', 'region', 'area', area,
                    'id', r.id, 'code', r.code, 'name_ru', r.name_ru, 'name_ky', r.name_ky)
                    FROM regions r WHERE r.id = area)
                ELSE (SELECT json_build_object('kind', 'district', 'area', area,
                    'number', d.number, 'region_id', d.region_id, 'name_ru', d.name_ru,
                    'name_ky', d.name_ky) FROM districts d WHERE d.number = area - 100) END
$$;

-- The ballot of a contest as the reports must follow it: the number of
-- entries, and for the list contest each party's list length (positions
-- 1..n, withdrawn candidates included: numbers are never refilled).
CREATE OR REPLACE FUNCTION results_list_shape(contest integer) RETURNS integer[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(coalesce((SELECT max(l.position) FROM list_candidates l
                                         WHERE l.contest_id = x.contest_id AND l.party_id = x.party_id), 0)
                              ORDER BY x.ballot_position), '{}')
      FROM contest_entries x WHERE x.contest_id = contest
$$;

-- A device as the API shows it (registration, revocation, the public list).
CREATE OR REPLACE FUNCTION asu_device_json(d asu_devices) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('device_id', d.device_id, 'election_id', d.election_id,
        'station_number', d.station_number, 'kind', d.kind, 'public_key', d.public_key,
        'registered_at', d.registered_at, 'revoked_at', d.revoked_at)
$$;

CREATE OR REPLACE FUNCTION results_log_time(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') $$;

CREATE OR REPLACE FUNCTION results_log_hash(seq bigint, t timestamptz, report_sha256 bytea, prev bytea)
RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
    SELECT sha256(convert_to(seq || '|' || results_log_time(t) || '|' || encode(report_sha256, 'hex')
                             || '|' || encode(prev, 'hex'), 'UTF8'))
$$;

-- Zero rows for every area of every contest of an election (idempotent).
-- The list contest's preference votes are summed by region (and abroad).
CREATE OR REPLACE FUNCTION results_prepare(e integer) RETURNS void LANGUAGE sql AS $$
    INSERT INTO area_results (contest_id, area, stations_total, votes, preferences)
    SELECT k.id, a.area, count(*),
           array_fill(0, ARRAY[(SELECT count(*)::integer FROM contest_entries x WHERE x.contest_id = k.id)]),
           CASE WHEN k.kind = 'list' AND a.area <= 10
                THEN array_fill(0, ARRAY[int_array_sum(results_list_shape(k.id))::integer])
                ELSE '{}' END
      FROM contests k
      JOIN stations s ON contest_has_station(k, s)
      CROSS JOIN LATERAL unnest(results_station_areas(s, k.kind)) AS a(area)
     WHERE k.election_id = e
     GROUP BY k.id, k.kind, a.area
    ON CONFLICT DO NOTHING;
    -- The official count's sums (028_protocols.sql): the same areas, from zero.
    INSERT INTO area_official (contest_id, area, stations_total, votes, preferences)
    SELECT a.contest_id, a.area, a.stations_total, array_fill(0, ARRAY[cardinality(a.votes)]),
           array_fill(0, ARRAY[cardinality(a.preferences)])
      FROM area_results a JOIN contests k ON k.id = a.contest_id
     WHERE k.election_id = e
    ON CONFLICT DO NOTHING
$$;

-- Adds (sign 1) or takes away (sign -1) a station's figures in a contest
-- (st: the station, kind: the contest's kind)
-- from the sums of its areas.  Rows are locked in (contest, area) order, the
-- same in every transaction, so that concurrent reports never deadlock
-- (asu_accept calls this for its contests in id order, after every other
-- write of the report: the rows others wait for are held the least time).
CREATE OR REPLACE FUNCTION results_add(r station_results, st stations, kind text, sign integer,
                            new_station boolean) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    x smallint;
BEGIN
    -- One row at a time in ascending area order (an UPDATE of several rows
    -- locks them in the order it finds them, which changes as rows move).
    FOREACH x IN ARRAY results_station_areas(st, kind) LOOP
        UPDATE area_results a SET
            stations_reported = a.stations_reported + CASE WHEN new_station THEN sign ELSE 0 END,
            voters = a.voters + sign * r.voters, received = a.received + sign * r.received,
            issued = a.issued + sign * r.issued, cancelled = a.cancelled + sign * r.cancelled,
            in_boxes = a.in_boxes + sign * r.in_boxes, invalid = a.invalid + sign * r.invalid,
            valid = a.valid + sign * r.valid, against_all = a.against_all + sign * r.against_all,
            votes = int_array_add(a.votes, r.votes, sign),
            preferences = CASE WHEN a.area <= 10 AND kind = 'list'
                               THEN int_array_add(a.preferences, r.preferences, sign) ELSE a.preferences END,
            updated_at = clock_timestamp()
         WHERE a.contest_id = r.contest_id AND a.area = x;
    END LOOP;
END $$;

-- Sets a station's turnout at an hour: the row it replaces (the hour still
-- NULL when there was none), or NULL when a later report of the same device
-- counted this hour already.  The areas follow with results_add_turnout.
CREATE OR REPLACE FUNCTION results_set_turnout(e integer, st stations, h smallint, n_voters integer,
                                    n_voted integer, rid bigint, rseq integer) RETURNS station_turnout
LANGUAGE plpgsql AS $$
DECLARE
    old station_turnout;
BEGIN
    SELECT * INTO old FROM station_turnout
     WHERE election_id = e AND station_number = st.number AND hour = h FOR UPDATE;
    IF FOUND AND old.report_seq > rseq
       AND (SELECT device_id FROM asu_reports WHERE id = old.report_id)
           = (SELECT device_id FROM asu_reports WHERE id = rid) THEN
        RETURN NULL;            -- a later report of the same device counted this hour
    END IF;
    INSERT INTO station_turnout AS t VALUES (e, st.number, h, n_voters, n_voted, rid, rseq)
    ON CONFLICT (election_id, station_number, hour) DO UPDATE
        SET voters = EXCLUDED.voters, voted = EXCLUDED.voted, report_id = EXCLUDED.report_id,
            report_seq = EXCLUDED.report_seq;
    IF old.hour IS NULL THEN
        old.election_id := e;
        old.station_number := st.number;
    END IF;
    RETURN old;
END $$;

-- The areas' turnout sums follow a station's new figures at an hour (old: what
-- results_set_turnout replaced).  Ascending area order: the lock order.
CREATE OR REPLACE FUNCTION results_add_turnout(st stations, h smallint, old station_turnout, n_voters integer,
                                    n_voted integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    x smallint;
BEGIN
    FOREACH x IN ARRAY results_station_areas(st, 'list') LOOP
        INSERT INTO area_turnout AS a
        VALUES (old.election_id, x, h, CASE WHEN old.hour IS NULL THEN 1 ELSE 0 END,
                n_voters - coalesce(old.voters, 0), n_voted - coalesce(old.voted, 0))
        ON CONFLICT (election_id, area, hour) DO UPDATE
            SET stations_reported = a.stations_reported + EXCLUDED.stations_reported,
                voters = a.voters + EXCLUDED.voters, voted = a.voted + EXCLUDED.voted;
    END LOOP;
END $$;

-- The station's figures of one contest of a final report, after the ballot's
-- shape is checked: NULL and *why when the report does not fit the ballot.
CREATE OR REPLACE FUNCTION results_contest_row(k contests, st stations, c jsonb, rid bigint, rseq integer,
                                    OUT r station_results, OUT why text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    shape integer[] := results_list_shape(k.id);
    prefs jsonb := c->'preferences';
BEGIN
    IF jsonb_array_length(c->'votes') <> coalesce(array_length(shape, 1), 0) THEN
        why := format('the %s ballot has %s entries, the report gives %s votes',
                      k.kind, coalesce(array_length(shape, 1), 0), jsonb_array_length(c->'votes'));
        RETURN;
    END IF;
    IF k.kind = 'list' AND prefs IS NOT NULL THEN
        IF EXISTS (SELECT 1 FROM jsonb_array_elements(prefs) WITH ORDINALITY p(arr, i)
                    WHERE jsonb_array_length(arr) <> shape[i]) THEN
            why := 'the preference votes do not follow the parties'' lists';
            RETURN;
        END IF;
    END IF;
    r.contest_id := k.id;
    r.station_number := st.number;
    r.report_id := rid;
    r.report_seq := rseq;
    r.voters := (c->>'voters')::integer;
    r.received := (c->>'received')::integer;
    r.issued := (c->>'issued')::integer;
    r.cancelled := (c->>'cancelled')::integer;
    r.in_boxes := (c->>'in_boxes')::integer;
    r.invalid := (c->>'invalid')::integer;
    r.valid := (c->>'valid')::integer;
    r.against_all := (c->>'against_all')::integer;
    r.votes := ARRAY(SELECT v::integer FROM jsonb_array_elements_text(c->'votes') WITH ORDINALITY t(v, i)
                     ORDER BY i);
    IF k.kind = 'list' THEN
        IF prefs IS NULL THEN
            r.preferences := array_fill(0, ARRAY[int_array_sum(shape)::integer]);
        ELSE
            r.preferences := ARRAY(SELECT v::integer
                                     FROM jsonb_array_elements(prefs) WITH ORDINALITY p(arr, i),
                                          jsonb_array_elements_text(arr) WITH ORDINALITY q(v, j)
                                    ORDER BY i, j);
        END IF;
    ELSE
        r.preferences := '{}';
    END IF;
    r.updated_at := clock_timestamp();
END $$;

CREATE OR REPLACE FUNCTION asu_incident(d asu_devices, seq integer, kind text, code text, detail text,
                             jws text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO asu_incidents (election_id, station_number, device_id, seq, kind, code, detail, jws, sha256)
    VALUES (d.election_id, d.station_number, d.device_id, seq, kind, code, detail, jws,
            sha256(convert_to(jws, 'UTF8')))
    ON CONFLICT (sha256, kind) DO NOTHING
$$;

-- The station's rows of a final count's contests (c: the contests as the
-- ASU's final and the manual protocol give them), each fitted to its
-- ballot; NULL rows and why when they do not fit (a contest missing or
-- not the station's, an entry too many).  The areas' rows of the
-- election are made here at the first final that needs them.
CREATE OR REPLACE FUNCTION results_final_rows(e elections, st stations, contests jsonb, seq integer,
                                              OUT rows station_results[], OUT why text)
LANGUAGE plpgsql AS $$
DECLARE
    k contests;
    c jsonb;
    res record;
    ids integer[] := '{}';
BEGIN
    rows := '{}';
    PERFORM results_prepare(e.id)
      WHERE EXISTS (SELECT 1 FROM contests k2
                     WHERE k2.election_id = e.id AND contest_has_station(k2, st)
                       AND (NOT EXISTS (SELECT 1 FROM area_results a WHERE a.contest_id = k2.id)
                            OR NOT EXISTS (SELECT 1 FROM area_official a WHERE a.contest_id = k2.id)));
    FOR c IN SELECT x FROM jsonb_array_elements(contests) x LOOP
        k := NULL;
        SELECT * INTO k FROM contests k3 WHERE k3.election_id = e.id AND contest_matches(k3, c);
        IF k.id IS NULL THEN
            why := format('the election has no %s contest %s', c->>'kind',
                          coalesce(c->>'district', c->>'question', c->>'council', ''));
        ELSIF NOT contest_has_station(k, st) THEN
            why := CASE WHEN k.kind = 'district'
                        THEN format('station %s is in district %s, not %s', st.number,
                                    coalesce(st.district_number::text, 'none (abroad)'), c->>'district')
                        ELSE format('station %s does not vote in that %s contest', st.number, k.kind) END;
        ELSIF k.id = ANY (ids) THEN
            why := format('the %s contest is given twice', k.kind);
        END IF;
        EXIT WHEN why IS NOT NULL;
        ids := ids || k.id;
        SELECT * INTO res FROM results_contest_row(k, st, c, NULL, seq);
        why := res.why;
        EXIT WHEN why IS NOT NULL;
        rows := rows || res.r;
    END LOOP;
    -- Every contest the station votes in, none missing.
    IF why IS NULL AND EXISTS (SELECT 1 FROM contests k4 WHERE k4.election_id = e.id AND contest_has_station(k4, st)
                                  AND k4.id <> ALL (ids)) THEN
        why := CASE WHEN st.abroad THEN 'a station abroad takes part in the list contest only'
                    WHEN (SELECT bool_and(k5.kind IN ('list', 'district')) FROM contests k5 WHERE k5.election_id = e.id)
                    THEN 'a station at home reports the list contest and its district''s contest'
                    ELSE format('station %s reports every contest it votes in: %s', st.number,
                                (SELECT string_agg(k6.kind || coalesce(' ' || coalesce(k6.district_number, k6.question, k6.council_id), ''), ', ' ORDER BY k6.id)
                                   FROM contests k6 WHERE k6.election_id = e.id AND contest_has_station(k6, st))) END;
    END IF;
    IF why IS NOT NULL THEN
        rows := NULL;
    END IF;
END $$;

-- Appends an entry to election e's public log: a device's report (rid) or
-- a protocol's version (pid), sha: the SHA-256 of its text.  The head row
-- serializes the chain of an election and is held to the commit: the
-- caller does nothing after this but answer.
CREATE OR REPLACE FUNCTION results_log_append(e integer, rid bigint, pid bigint, sha bytea,
                                              OUT seq bigint, OUT logged_at timestamptz, OUT hash bytea)
LANGUAGE plpgsql AS $$
DECLARE
    prev_hash bytea;
BEGIN
    UPDATE results_log_head h SET seq = h.seq + 1 WHERE h.election_id = e
    RETURNING h.seq, h.hash INTO results_log_append.seq, prev_hash;
    IF NOT FOUND THEN
        INSERT INTO results_log_head VALUES (e, 0, '\x0000000000000000000000000000000000000000000000000000000000000000')
        ON CONFLICT DO NOTHING;
        UPDATE results_log_head h SET seq = h.seq + 1 WHERE h.election_id = e
        RETURNING h.seq, h.hash INTO results_log_append.seq, prev_hash;
    END IF;
    logged_at := clock_timestamp();
    hash := results_log_hash(results_log_append.seq, logged_at, sha, prev_hash);
    UPDATE results_log_head h SET hash = results_log_append.hash WHERE h.election_id = e;
    INSERT INTO results_log (election_id, seq, logged_at, report_id, protocol_id, report_sha256, prev_hash, hash)
    VALUES (e, results_log_append.seq, logged_at, rid, pid, sha, prev_hash, results_log_append.hash);
END $$;

-- A station's identification figures at a stage ("first" or "final") from
-- its device's report p; false when a later report of the same device
-- counted this stage already.
CREATE OR REPLACE FUNCTION results_set_identification(e integer, n integer, p jsonb, rid bigint,
                                                      rseq integer) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    old station_identification;
BEGIN
    SELECT * INTO old FROM station_identification i
     WHERE i.election_id = e AND i.station_number = n AND i.stage = p->>'stage' FOR UPDATE;
    IF FOUND AND old.report_seq > rseq
       AND (SELECT device_id FROM asu_reports WHERE id = old.report_id)
           = (SELECT device_id FROM asu_reports WHERE id = rid) THEN
        RETURN false;
    END IF;
    INSERT INTO station_identification AS i
    VALUES (e, n, p->>'stage', (p->>'voters')::integer, (p->'identified'->>'face')::integer,
            (p->'identified'->>'fingerprint')::integer, (p->'identified'->>'document')::integer, rid, rseq)
    ON CONFLICT (election_id, station_number, stage) DO UPDATE
        SET voters = EXCLUDED.voters, face = EXCLUDED.face, fingerprint = EXCLUDED.fingerprint,
            document = EXCLUDED.document, report_id = EXCLUDED.report_id, report_seq = EXCLUDED.report_seq;
    RETURN true;
END $$;

-- Accepts one report whose signature the application has verified with the
-- device's registered key and whose control relations it has checked: the
-- report, its figures, the areas' sums and the log entry, in the caller's
-- one transaction.  Answers {"status": ...}: accepted, duplicate (the same
-- figures under the same sequence number: nothing counted twice), conflict
-- (other figures under a used number: an incident), unknown_device,
-- election_closed, ballot_mismatch or bad_hour (incidents too).
CREATE OR REPLACE FUNCTION asu_accept(p_device text, p_jws text, p_payload text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    d asu_devices;
    e elections;
    st stations;
    p jsonb := p_payload::jsonb;
    r_kind text := p->>'kind';
    r_seq integer := (p->>'seq')::integer;
    psha bytea := sha256(convert_to(p_payload, 'UTF8'));
    jsha bytea := sha256(convert_to(p_jws, 'UTF8'));
    prev asu_reports;
    rid bigint;
    applied boolean := true;
    sr station_results;
    old station_results;
    res record;
    why text;
    srs station_results[] := '{}';
    olds station_results[] := '{}';
    news station_results[] := '{}';
    kinds text[] := '{}';                  -- the contests' kinds, as news
    oldt station_turnout;
    rj jsonb;
    tv integer;
    ti integer;
    h smallint;
    n bigint;
    t timestamptz;
    lh bytea;
BEGIN
    -- One report of a device at a time: its sequence numbers are checked in order.
    SELECT * INTO d FROM asu_devices WHERE device_id = p_device AND revoked_at IS NULL
       FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RETURN json_build_object('status', 'unknown_device');
    END IF;
    SELECT * INTO STRICT e FROM elections WHERE id = d.election_id;
    SELECT * INTO STRICT st FROM stations WHERE number = d.station_number;
    SELECT * INTO prev FROM asu_reports r WHERE r.device_id = d.device_id AND r.seq = r_seq;
    IF FOUND THEN
        IF prev.payload_sha256 = psha THEN
            RETURN json_build_object('status', 'duplicate', 'report', asu_report_json(prev));
        END IF;
        PERFORM asu_incident(d, r_seq, 'sequence_conflict', 'sequence_conflict',
                             format('sequence number %s was used by report %s with other figures',
                                    r_seq, prev.id), p_jws);
        RETURN json_build_object('status', 'conflict', 'report', asu_report_json(prev));
    END IF;
    IF e.status NOT IN ('scheduled', 'open', 'counting') THEN
        RETURN json_build_object('status', 'election_closed');
    END IF;
    -- An ASU counts; an identification device counts the voters it identified.
    IF (d.kind = 'identification') <> (r_kind = 'identification') THEN
        why := format('device %s is an %s device: it does not send %s reports', d.device_id,
                      CASE WHEN d.kind = 'asu' THEN 'ASU' ELSE d.kind END, r_kind);
        PERFORM asu_incident(d, r_seq, 'ballot_mismatch', 'wrong_device_kind', why, p_jws);
        RETURN json_build_object('status', 'wrong_device_kind', 'message', why);
    END IF;

    IF r_kind = 'turnout' THEN
        h := (p->>'hour')::smallint;
        IF NOT h = ANY (e.turnout_hours) THEN
            PERFORM asu_incident(d, r_seq, 'ballot_mismatch', 'bad_hour',
                                 format('turnout is reported at %s, not at %s', e.turnout_hours, h), p_jws);
            RETURN json_build_object('status', 'bad_hour', 'hours', e.turnout_hours);
        END IF;
    ELSIF r_kind = 'final' THEN
        SELECT * INTO res FROM results_final_rows(e, st, p->'contests', r_seq);
        why := res.why;
        srs := res.rows;
        IF why IS NOT NULL THEN
            PERFORM asu_incident(d, r_seq, 'ballot_mismatch', 'ballot_mismatch', why, p_jws);
            RETURN json_build_object('status', 'ballot_mismatch', 'message', why);
        END IF;
    END IF;

    INSERT INTO asu_reports (election_id, station_number, device_id, seq, kind, signed_at, jws,
                             sha256, payload_sha256, payload, applied)
    VALUES (e.id, st.number, d.device_id, r_seq, r_kind, (p->>'time')::timestamptz, p_jws, jsha, psha, p,
            true)
    RETURNING id INTO rid;

    -- First the station's own rows (nobody else waits for them), then the
    -- areas' sums, then the log: the rows every report needs are held last
    -- and least.
    IF r_kind IN ('opening', 'turnout') THEN
        h := CASE WHEN r_kind = 'opening' THEN 8 ELSE (p->>'hour')::smallint END;
        oldt := results_set_turnout(e.id, st, h, (p->>'voters')::integer,
                                    coalesce((p->>'voted')::integer, 0), rid, r_seq);
        applied := oldt.election_id IS NOT NULL;   -- (a row IS NOT NULL only if every field is)
        IF applied THEN
            PERFORM results_add_turnout(st, h, oldt, (p->>'voters')::integer,
                                        coalesce((p->>'voted')::integer, 0));
        END IF;
    ELSIF r_kind = 'identification' THEN
        applied := results_set_identification(e.id, st.number, p, rid, r_seq);
    ELSE
        -- A later final of this device in force wins over this one (a
        -- replacement device starts its numbers again: its reports replace).
        applied := NOT EXISTS (SELECT 1 FROM station_results x JOIN asu_reports ar ON ar.id = x.report_id,
                                      unnest(srs) y
                                WHERE x.contest_id = y.contest_id AND x.station_number = st.number
                                  AND ar.device_id = d.device_id AND x.report_seq > r_seq);
        IF applied THEN
            -- Contests in id order (the list contest first): the lock order of results_add.
            FOR sr IN SELECT (x).* FROM unnest(srs) AS x ORDER BY (x).contest_id LOOP
                sr.report_id := rid;
                SELECT * INTO old FROM station_results
                 WHERE contest_id = sr.contest_id AND station_number = st.number FOR UPDATE;
                IF FOUND THEN
                    olds := olds || old;
                    DELETE FROM station_results WHERE contest_id = sr.contest_id AND station_number = st.number;
                END IF;
                INSERT INTO station_results SELECT sr.*;
                news := news || sr;
                kinds := kinds || (SELECT contests.kind FROM contests WHERE id = sr.contest_id);
                IF kinds[cardinality(kinds)] = 'list' THEN
                    oldt := results_set_turnout(e.id, st, 20::smallint, sr.voters, sr.issued, rid, r_seq);
                    tv := sr.voters;
                    ti := sr.issued;
                END IF;
            END LOOP;
            FOR i IN 1 .. coalesce(array_length(news, 1), 0) LOOP
                old := (SELECT o FROM unnest(olds) o WHERE (o).contest_id = news[i].contest_id);
                IF old.contest_id IS NOT NULL THEN
                    PERFORM results_add(old, st, kinds[i], -1, false);
                END IF;
                PERFORM results_add(news[i], st, kinds[i], 1, old.contest_id IS NULL);
            END LOOP;
            IF oldt.election_id IS NOT NULL THEN
                PERFORM results_add_turnout(st, 20::smallint, oldt, tv, ti);
            END IF;
        END IF;
    END IF;
    IF NOT applied THEN
        UPDATE asu_reports SET applied = false WHERE id = rid;
    END IF;

    SELECT * INTO prev FROM asu_reports WHERE id = rid;
    rj := asu_report_json(prev)::jsonb;
    -- The log: held from here to the commit, so nothing else is done after it.
    SELECT * INTO res FROM results_log_append(e.id, rid, NULL, jsha);
    n := res.seq;
    t := res.logged_at;
    lh := res.hash;
    RETURN json_build_object('status', 'accepted', 'report', rj || jsonb_build_object('log_seq', n),
                             'log', json_build_object('seq', n, 'time', results_log_time(t),
                                                      'hash', encode(lh, 'hex')));
END $$;

CREATE OR REPLACE FUNCTION asu_report_json(r asu_reports) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', r.id, 'device_id', r.device_id, 'election_id', r.election_id,
        'station_number', r.station_number, 'kind', r.kind, 'seq', r.seq, 'signed_at', r.signed_at,
        'received_at', r.received_at, 'sha256', encode(r.sha256, 'hex'), 'applied', r.applied,
        'log_seq', (SELECT l.seq FROM results_log l WHERE l.report_id = r.id))
$$;

-- Recomputes every sum of an election from its stations' figures: for
-- results entered in bulk (the demo's past election), and to check the sums
-- kept by the reports (they must come out the same).
CREATE OR REPLACE FUNCTION results_rebuild(e integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM area_results WHERE contest_id IN (SELECT id FROM contests WHERE election_id = e);
    DELETE FROM area_official WHERE contest_id IN (SELECT id FROM contests WHERE election_id = e);
    DELETE FROM area_turnout WHERE election_id = e;
    PERFORM results_prepare(e);
    PERFORM official_resum(k, ARRAY(SELECT a.area FROM area_official a WHERE a.contest_id = k.id))
       FROM contests k WHERE k.election_id = e;
    -- One pass over the stations' rows, each counted in each of its areas.
    UPDATE area_results a SET
        stations_reported = s.n, voters = s.voters, received = s.received, issued = s.issued,
        cancelled = s.cancelled, in_boxes = s.in_boxes, invalid = s.invalid, valid = s.valid,
        against_all = s.against_all, votes = s.votes,
        preferences = coalesce(s.preferences, a.preferences), updated_at = clock_timestamp()
      FROM (SELECT r.contest_id, x.area, count(*) AS n, sum(r.voters) AS voters,
                   sum(r.received) AS received, sum(r.issued) AS issued, sum(r.cancelled) AS cancelled,
                   sum(r.in_boxes) AS in_boxes, sum(r.invalid) AS invalid, sum(r.valid) AS valid,
                   sum(r.against_all) AS against_all, int_array_sum_agg(r.votes) AS votes,
                   int_array_sum_agg(r.preferences) FILTER (WHERE k.kind = 'list' AND x.area <= 10)
                       AS preferences
              FROM station_results r JOIN contests k ON k.id = r.contest_id
              JOIN stations st ON st.number = r.station_number
              CROSS JOIN LATERAL unnest(results_station_areas(st, k.kind)) AS x(area)
             WHERE k.election_id = e
             GROUP BY r.contest_id, x.area) s
     WHERE a.contest_id = s.contest_id AND a.area = s.area;
    INSERT INTO area_turnout
    SELECT e, x.area, t.hour, count(*), sum(t.voters), sum(t.voted)
      FROM station_turnout t JOIN stations st ON st.number = t.station_number
      CROSS JOIN LATERAL unnest(results_station_areas(st, 'list')) AS x(area)
     WHERE t.election_id = e
     GROUP BY x.area, t.hour;
END $$;

-- The country (area 0): the sum of the regions and abroad, read, never kept.
CREATE OR REPLACE VIEW area_results_all AS
    SELECT * FROM area_results
    UNION ALL
    SELECT contest_id, 0::smallint, sum(stations_total)::integer, sum(stations_reported)::integer,
           sum(voters)::bigint, sum(received)::bigint, sum(issued)::bigint, sum(cancelled)::bigint,
           sum(in_boxes)::bigint, sum(invalid)::bigint, sum(valid)::bigint, sum(against_all)::bigint,
           int_array_sum_agg(votes), int_array_sum_agg(preferences), max(updated_at)
      FROM area_results WHERE area BETWEEN 1 AND 10
     GROUP BY contest_id;

CREATE OR REPLACE VIEW area_turnout_all AS
    SELECT * FROM area_turnout
    UNION ALL
    SELECT election_id, 0::smallint, hour, sum(stations_reported)::integer, sum(voters)::bigint,
           sum(voted)::bigint
      FROM area_turnout WHERE area BETWEEN 1 AND 10
     GROUP BY election_id, hour;
