-- The public shapes of the results (JSON and CSV), defined once, read from
-- the sums that asu_accept() keeps (010_results.sql): nothing here adds up
-- stations per request (the country is the sum of its ten regional rows).
-- Percentages are of the ballots found in the boxes (the participants, the
-- base of the thresholds); turnout is ballots issued over voters on the list
-- of the stations that have reported.

CREATE OR REPLACE FUNCTION results_pct(part numeric, whole numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$ SELECT round(part * 100.0 / nullif(whole, 0), 2) $$;

-- An entry of a ballot: a party of the list contest, a district candidate, a referendum's answer.
CREATE OR REPLACE FUNCTION results_entry_json(x contest_entries) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN x.answer IS NOT NULL THEN
        json_build_object('ballot_position', x.ballot_position, 'answer', x.answer, 'withdrawn', x.withdrawn)
    WHEN x.candidate_id IS NULL THEN
        (SELECT json_build_object('ballot_position', x.ballot_position, 'party_id', p.id,
                'short_name', p.short_name, 'name_ru', p.name_ru, 'name_ky', p.name_ky,
                'withdrawn', x.withdrawn)
           FROM parties p WHERE p.id = x.party_id)
    ELSE
        (SELECT json_build_object('ballot_position', x.ballot_position, 'candidate_id', c.id,
                'name', concat_ws(' ', c.last_name, c.first_name, c.patronymic), 'sex', c.sex,
                'party', (SELECT json_build_object('id', p.id, 'short_name', p.short_name)
                            FROM parties p WHERE p.id = x.party_id),
                'withdrawn', x.withdrawn)
           FROM candidates c WHERE c.id = x.candidate_id)
    END
$$;

-- The entries of a contest with their votes (by ballot position) and shares.
CREATE OR REPLACE FUNCTION results_entries_json(contest integer, votes bigint[], base bigint) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT coalesce(json_agg(
               (results_entry_json(x)::jsonb
                || jsonb_build_object('votes', coalesce(votes[x.ballot_position], 0),
                                      'percent', results_pct(coalesce(votes[x.ballot_position], 0), base)))
               ORDER BY x.ballot_position), '[]')
      FROM contest_entries x WHERE x.contest_id = contest
$$;

-- An area's figures in a contest.  entries: with each entry's votes, or
-- without (brief); official: with the official count's beside (the manual
-- protocols' sums, 028_protocols.sql), the same shape.
DROP FUNCTION IF EXISTS results_area_figures_json(area_results, boolean);
CREATE OR REPLACE FUNCTION results_area_figures_json(a area_results, entries boolean,
                                                     official boolean DEFAULT true) RETURNS json
LANGUAGE sql STABLE STRICT AS $$
    SELECT json_build_object(
        'area', results_area_json(a.area), 'contest_id', a.contest_id,
        'stations', json_build_object('total', a.stations_total, 'reported', a.stations_reported,
                                      'percent', results_pct(a.stations_reported, a.stations_total)),
        'voters', a.voters, 'received', a.received, 'issued', a.issued, 'cancelled', a.cancelled,
        'in_boxes', a.in_boxes, 'invalid', a.invalid, 'valid', a.valid,
        'turnout', results_pct(a.issued, a.voters),
        'against_all', json_build_object('votes', a.against_all, 'percent', results_pct(a.against_all, a.in_boxes)),
        'leader', (SELECT results_entry_json(x)::jsonb || jsonb_build_object('votes', a.votes[i],
                          'percent', results_pct(a.votes[i], a.in_boxes))
                     FROM generate_subscripts(a.votes, 1) i
                     JOIN contest_entries x ON x.contest_id = a.contest_id AND x.ballot_position = i
                    WHERE a.votes[i] > 0 ORDER BY a.votes[i] DESC, i LIMIT 1),
        'entries', CASE WHEN entries THEN results_entries_json(a.contest_id, a.votes, a.in_boxes) END,
        'official', CASE WHEN official
                         THEN results_area_figures_json(results_official(a.contest_id, a.area), entries, false) END,
        'updated_at', a.updated_at)
$$;

CREATE OR REPLACE FUNCTION results_contest(e integer, kind text, district smallint DEFAULT NULL) RETURNS contests
LANGUAGE sql STABLE AS $$
    SELECT * FROM contests k WHERE k.election_id = e AND k.kind = results_contest.kind
       AND (results_contest.kind = 'list' OR k.district_number = results_contest.district)
$$;

CREATE OR REPLACE FUNCTION results_area(contest integer, area smallint) RETURNS area_results
LANGUAGE sql STABLE AS $$ SELECT * FROM area_results a WHERE a.contest_id = contest AND a.area = results_area.area $$;

-- The country's row of a contest (area 0): the sum of its ten regional rows
-- (the view area_results_all), for one contest only.  Reads of any other area
-- go to the table itself: through the view, every contest's regions are summed.
CREATE OR REPLACE FUNCTION results_country(contest integer) RETURNS area_results
LANGUAGE sql STABLE STRICT AS $$
    SELECT * FROM area_results_all v WHERE v.contest_id = contest AND v.area = 0
$$;

CREATE OR REPLACE FUNCTION results_election_json(e elections) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', e.id, 'date', e.date, 'name_ru', e.name_ru, 'name_ky', e.name_ky,
        'type', e.type, 'status', e.status, 'turnout_hours', e.turnout_hours,
        'log', (SELECT json_build_object('seq', h.seq, 'hash', encode(h.hash, 'hex'))
                  FROM results_log_head h WHERE h.election_id = e.id))
$$;

-- A station's or an area's turnout through the day.
CREATE OR REPLACE FUNCTION results_turnout_series(e integer, area smallint) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT coalesce(json_agg(json_build_object('hour', t.hour, 'stations_reported', t.stations_reported,
                'voters', t.voters, 'voted', t.voted, 'percent', results_pct(t.voted, t.voters))
                ORDER BY t.hour), '[]')
      FROM area_turnout_all t WHERE t.election_id = e AND t.area = results_turnout_series.area
$$;

-- Results of a district contest in brief: who leads, and whether the contest fails.
CREATE OR REPLACE FUNCTION results_district_brief(k contests) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('district', k.district_number, 'contest_id', k.id,
        'area', results_area_json((100 + k.district_number)::smallint),
        'figures', results_area_figures_json(a, false))
      FROM area_results a WHERE a.contest_id = k.id AND a.area = 100 + k.district_number
$$;

CREATE OR REPLACE FUNCTION results_summary(e integer) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'election', results_election_json(el),
        -- Today's 54-seat lists (the 120-seat lists of 2007-2020 are among 'contests').
        'list', CASE WHEN (results_contest(el.id, 'list')).seats = 54
                     THEN results_area_figures_json(results_country((results_contest(el.id, 'list')).id), true) END,
        'opened', (SELECT json_build_object('stations', t.stations_reported)
                     FROM area_turnout_all t WHERE t.election_id = el.id AND t.area = 0 AND t.hour = 8),
        'turnout', results_turnout_series(el.id, 0::smallint),
        'identification', results_identification_area_json(el.id, 0::smallint),
        'flagged', (SELECT count(*) FROM results_flagged(el.id)),
        -- The presidency, a referendum's questions, the councils: each in its own area (030_outcome.sql).
        'contests', (SELECT coalesce(json_agg(json_build_object('contest_id', k.id, 'kind', k.kind,
                             'question', k.question, 'question_ru', k.question_ru, 'question_ky', k.question_ky,
                             'council', (SELECT json_build_object('id', c.id, 'region_id', c.region_id,
                                                'name_ru', c.name_ru, 'name_ky', c.name_ky)
                                           FROM councils c WHERE c.id = k.council_id),
                             'seats', k.seats, 'threshold_permille', k.threshold_permille,
                             'figures', results_area_figures_json(CASE WHEN contest_area(k) = 0 THEN results_country(k.id)
                                                                       ELSE results_area(k.id, contest_area(k)) END, true))
                           ORDER BY k.id), '[]')
                       FROM contests k WHERE k.election_id = el.id
                        AND (k.kind IN ('president', 'question', 'council') OR (k.kind = 'list' AND k.seats <> 54))),
        'districts', (SELECT coalesce(json_agg(results_district_brief(k) ORDER BY k.district_number), '[]')
                        FROM contests k WHERE k.election_id = el.id AND k.kind = 'district'))
      FROM elections el WHERE el.id = e
$$;

-- The contest an election's areas are shown by: the party lists, else the
-- presidency, else the referendum's first question, else a council's lists.
-- (region: a council's contest only for its own region.)
DROP FUNCTION IF EXISTS results_main_contest(integer);
CREATE OR REPLACE FUNCTION results_main_contest(e integer, region smallint DEFAULT NULL) RETURNS contests
LANGUAGE sql STABLE AS $$
    SELECT * FROM contests k WHERE k.election_id = e
       AND (k.kind <> 'council' OR region IS NULL
            OR (SELECT c.region_id FROM councils c WHERE c.id = k.council_id) = region)
     ORDER BY CASE k.kind WHEN 'list' THEN 0 WHEN 'president' THEN 1 WHEN 'question' THEN 2
                          WHEN 'council' THEN 3 ELSE 4 END, k.question, k.id
     LIMIT 1
$$;

CREATE OR REPLACE FUNCTION results_regions(e integer) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('election', results_election_json(el),
        'items', (SELECT coalesce(json_agg(results_area_figures_json(a, true) ORDER BY a.area), '[]')
                    FROM area_results a
                   WHERE a.contest_id = (results_main_contest(el.id)).id AND a.area BETWEEN 1 AND 10))
      FROM elections el WHERE el.id = e
$$;

-- A station in an area's list (k: the contest the area is shown by): reported by its ASU, counted by
-- hand, flagged (flagged: the area's flagged stations).
DROP FUNCTION IF EXISTS results_station_brief(integer, stations);
DROP FUNCTION IF EXISTS results_station_brief(integer, stations, integer[]);
CREATE OR REPLACE FUNCTION results_station_brief(k integer, s stations, flagged integer[]) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('number', s.number, 'name', s.name, 'settlement', s.settlement,
        'district', s.district_number, 'lat', s.lat, 'lon', s.lon,
        'reported', r.station_number IS NOT NULL, 'voters', r.voters, 'issued', r.issued,
        'in_boxes', r.in_boxes, 'turnout', results_pct(r.issued, r.voters),
        'counted', o.station_number IS NOT NULL, 'official_issued', o.issued,
        'flagged', s.number = ANY (flagged))
      FROM (SELECT 1) one
      LEFT JOIN station_results r ON r.contest_id = k AND r.station_number = s.number
      LEFT JOIN station_official o ON o.contest_id = k AND o.station_number = s.number
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
        'identification', results_identification_area_json(el.id, region),
        'stations', (SELECT coalesce(json_agg(results_station_brief(a.contest_id, s, f.flagged) ORDER BY s.number), '[]')
                       FROM stations s,
                            (SELECT coalesce(array_agg(station_number), '{}') AS flagged
                               FROM results_flagged(el.id, ARRAY(SELECT s2.number FROM stations s2
                                                                  WHERE (region = 10 AND s2.abroad) OR s2.region_id = region))) f
                      WHERE (region = 10 AND s.abroad) OR s.region_id = region))
      FROM elections el, area_results a
     WHERE el.id = e AND a.contest_id = (results_main_contest(el.id, region)).id AND a.area = region
       AND region BETWEEN 1 AND 10
$$;

CREATE OR REPLACE FUNCTION results_district(e integer, n smallint) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('election', results_election_json(el, results_stations_last_seq(el.id,
            ARRAY(SELECT s.number FROM stations s WHERE s.district_number = n))),
        'district', results_area_json((100 + n)::smallint),
        'contest', (SELECT results_area_figures_json(a, true) FROM area_results a
                     WHERE a.contest_id = (results_contest(el.id, 'district', n)).id AND a.area = 100 + n),
        'list', (SELECT results_area_figures_json(a, true) FROM area_results a
                  WHERE a.contest_id = (results_main_contest(el.id)).id AND a.area = 100 + n),
        'turnout', results_turnout_series(el.id, (100 + n)::smallint),
        'identification', results_identification_area_json(el.id, (100 + n)::smallint),
        'stations', (SELECT coalesce(json_agg(results_station_brief(m.id, s, f.flagged) ORDER BY s.number), '[]')
                       FROM stations s,
                            -- (the contest the district's region is shown by, found once)
                            (SELECT (results_main_contest(el.id, d.region_id)).id FROM districts d WHERE d.number = n) m,
                            (SELECT coalesce(array_agg(station_number), '{}') AS flagged
                               FROM results_flagged(el.id, ARRAY(SELECT s2.number FROM stations s2 WHERE s2.district_number = n))) f
                      WHERE s.district_number = n))
      FROM elections el WHERE el.id = e AND n BETWEEN 1 AND 36
$$;

-- A station's figures in a contest (r: its ASU's or its protocol's row, NULL: none yet).
CREATE OR REPLACE FUNCTION results_station_figures_json(r station_results, k contests) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('reported', r.station_number IS NOT NULL,
        'voters', r.voters, 'received', r.received, 'issued', r.issued, 'cancelled', r.cancelled,
        'in_boxes', r.in_boxes, 'invalid', r.invalid, 'valid', r.valid,
        'turnout', results_pct(r.issued, r.voters),
        'against_all', json_build_object('votes', r.against_all, 'percent', results_pct(r.against_all, r.in_boxes)),
        'entries', CASE WHEN r.station_number IS NOT NULL THEN results_entries_json(k.id, r.votes, r.in_boxes) END,
        'updated_at', r.updated_at)
$$;

-- A station's night: each contest's ASU figures (preliminary) beside its
-- manual count's (official, the latest version), every version of the
-- protocol with what it changed, the scans, the identification device's
-- figures, the flags, the devices and their reports.
-- (PL/pgSQL, so that its plan is kept between calls: planning this query
-- took most of an SQL function's 4 ms, paid by the publisher per station.)
DROP FUNCTION IF EXISTS results_station(integer, integer);
CREATE OR REPLACE FUNCTION results_station(e integer, n integer) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT json_build_object('election', results_election_json(el, results_stations_last_seq(el.id, ARRAY[n])),
        'station', station_json(s),
        'count_id', (SELECT c.id FROM station_counts c WHERE c.election_id = el.id AND c.station_number = s.number),
        'contests', (SELECT coalesce(json_agg((json_build_object(
                'contest_id', k.id, 'kind', k.kind, 'district', k.district_number,
                'question', k.question, 'question_ru', k.question_ru, 'question_ky', k.question_ky,
                'council', (SELECT json_build_object('id', c.id, 'name_ru', c.name_ru, 'name_ky', c.name_ky)
                              FROM councils c WHERE c.id = k.council_id),
                'report_id', r.report_id, 'report_seq', r.report_seq,
                'official', CASE WHEN o.station_number IS NOT NULL THEN
                    (results_station_figures_json(ROW(o.*)::station_results, k)::jsonb
                     || jsonb_build_object('protocol_id', o.protocol_id, 'version', o.version)) END)::jsonb
                || results_station_figures_json(r, k)::jsonb) ORDER BY k.id), '[]')
              FROM contests k
              LEFT JOIN station_results r ON r.contest_id = k.id AND r.station_number = s.number
              LEFT JOIN station_official o ON o.contest_id = k.id AND o.station_number = s.number
             WHERE k.election_id = el.id AND contest_has_station(k, s)),
        'versions', (SELECT coalesce(json_agg(protocol_version_json(v) ORDER BY v.version), '[]')
                       FROM protocol_versions v WHERE v.election_id = el.id AND v.station_number = s.number),
        'documents', (SELECT complaint_documents_json('counts', c.id, false)
                        FROM station_counts c WHERE c.election_id = el.id AND c.station_number = s.number),
        'identification', (SELECT coalesce(json_agg(station_identification_json(i) ORDER BY i.stage DESC), '[]')
                             FROM station_identification i
                            WHERE i.election_id = el.id AND i.station_number = s.number),
        -- (Only a station counted by hand or identified can be flagged: the night's stations are not asked.)
        'flags', CASE WHEN EXISTS (SELECT 1 FROM protocol_versions v WHERE v.election_id = el.id AND v.station_number = s.number)
                        OR EXISTS (SELECT 1 FROM station_identification i WHERE i.election_id = el.id AND i.station_number = s.number)
                 THEN (SELECT coalesce(json_agg(json_build_object('kind', d.kind, 'contest_id', d.contest_id,
                         'contest_kind', d.contest_kind, 'line', d.line, 'entry', d.entry, 'place', d.place,
                         'asu', d.asu, 'manual', d.manual, 'difference', d.difference)), '[]')
                    FROM results_discrepancies(el.id, s.number) d)
                 ELSE '[]' END,
        'turnout', (SELECT coalesce(json_agg(json_build_object('hour', t.hour, 'voters', t.voters,
                        'voted', t.voted, 'percent', results_pct(t.voted, t.voters)) ORDER BY t.hour), '[]')
                      FROM station_turnout t WHERE t.election_id = el.id AND t.station_number = s.number),
        'reports', (SELECT coalesce(json_agg(asu_report_json(r) ORDER BY r.seq), '[]')
                      FROM asu_reports r WHERE r.election_id = el.id AND r.station_number = s.number),
        'devices', (SELECT coalesce(json_agg(json_build_object('device_id', d.device_id, 'kind', d.kind,
                        'registered_at', d.registered_at, 'revoked_at', d.revoked_at) ORDER BY d.registered_at), '[]')
                      FROM asu_devices d WHERE d.election_id = el.id AND d.station_number = s.number))
      FROM elections el, stations s WHERE el.id = e AND s.number = n);
END $$;

CREATE OR REPLACE FUNCTION results_turnout(e integer) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('election', results_election_json(el),
        'hours', (SELECT array_agg(h ORDER BY h) FROM (SELECT 8 AS h UNION SELECT unnest(el.turnout_hours)
                                                        UNION SELECT 20) q),
        'areas', (SELECT json_agg(json_build_object('area', results_area_json(a), 'series',
                          results_turnout_series(el.id, a)) ORDER BY a)
                    FROM unnest('{0,1,2,3,4,5,6,7,8,9,10}'::smallint[]) a))
      FROM elections el WHERE el.id = e
$$;

-- The public log, a page at a time, with the signed reports themselves.
CREATE OR REPLACE FUNCTION results_log_page(e integer, after bigint, n integer) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('election_id', el.id,
        'head', (SELECT json_build_object('seq', h.seq, 'hash', encode(h.hash, 'hex'))
                   FROM results_log_head h WHERE h.election_id = el.id),
        -- A device's report (its JWS), or a protocol's version (its text, "body").
        'items', coalesce((SELECT json_agg(json_strip_nulls(json_build_object('seq', l.seq,
                        'time', results_log_time(l.logged_at),
                        'sha256', encode(l.report_sha256, 'hex'), 'prev_hash', encode(l.prev_hash, 'hex'),
                        'hash', encode(l.hash, 'hex'), 'report_id', r.id, 'device_id', r.device_id,
                        'protocol_id', v.id, 'version', v.version,
                        'station', coalesce(r.station_number, v.station_number),
                        'kind', coalesce(r.kind, 'protocol'), 'seq_of_device', r.seq,
                        'applied', coalesce(r.applied, true), 'jws', r.jws, 'body', v.body)) ORDER BY l.seq)
                     FROM (SELECT * FROM results_log l WHERE l.election_id = el.id AND l.seq > after
                            ORDER BY l.seq LIMIT n) l
                     LEFT JOIN asu_reports r ON r.id = l.report_id
                     LEFT JOIN protocol_versions v ON v.id = l.protocol_id), '[]'),
        'next_after', (SELECT last FROM (SELECT max(seq) AS last FROM (SELECT l.seq FROM results_log l
                                WHERE l.election_id = el.id AND l.seq > after ORDER BY l.seq LIMIT n) q) m
                        WHERE EXISTS (SELECT 1 FROM results_log l2 WHERE l2.election_id = el.id
                                        AND l2.seq > m.last)))
      FROM elections el WHERE el.id = e
$$;

-- The events after a log entry, for the live stream: what changed where.
CREATE OR REPLACE FUNCTION results_events(e integer, after bigint, n integer) RETURNS TABLE (seq bigint, data text)
LANGUAGE sql STABLE AS $$
    SELECT l.seq, json_build_object('log_seq', l.seq, 'station', s.number, 'kind', coalesce(r.kind, 'protocol'),
               'applied', coalesce(r.applied, true), 'region', s.region_id, 'district', s.district_number,
               'abroad', s.abroad, 'time', results_log_time(l.logged_at))::text
      FROM results_log l LEFT JOIN asu_reports r ON r.id = l.report_id
      LEFT JOIN protocol_versions v ON v.id = l.protocol_id
      JOIN stations s ON s.number = coalesce(r.station_number, v.station_number)
     WHERE l.election_id = e AND l.seq > after
     ORDER BY l.seq LIMIT n
$$;-- Issue 8 (an outside security review): CSV cells that cannot become
-- formulas, and drawings of lots accepted only for a tie that exists.

-- A CSV cell.  A text a spreadsheet would read as a formula (starting with
-- =, +, -, @, a tab or a carriage return) gets a leading single quote, as
-- OWASP's "CSV Injection" advises; then RFC 4180 quoting as before.  The
-- exports' only text cells are names (results_csv); numbers never pass here.
CREATE OR REPLACE FUNCTION results_csv_field(s text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN t ~ '[",\r\n]' THEN '"' || replace(t, '"', '""') || '"' ELSE t END
      FROM (SELECT CASE WHEN s ~ '^[-=+@\t\r]' THEN '''' || s ELSE coalesce(s, '') END AS t) x
$$;

-- Every station's figures of one kind of contest as CSV: the protocol lines,
-- then one column per entry of the ballot (the list: the parties by short
-- name; districts: entry_1..entry_n in ballot order, see the contests API).
CREATE OR REPLACE FUNCTION results_csv(e integer, kind text) RETURNS text LANGUAGE sql STABLE AS $$
    WITH n AS (SELECT coalesce(max(c), 0)::integer AS entries
                 FROM (SELECT count(*) AS c FROM contest_entries x JOIN contests k ON k.id = x.contest_id
                        WHERE k.election_id = e AND k.kind = results_csv.kind GROUP BY k.id) q)
    SELECT 'station,region_id,district,abroad,reported,voters,received,issued,cancelled,in_boxes,invalid,valid,against_all'
        || CASE WHEN kind = 'list' THEN
               (SELECT coalesce(string_agg(',' || results_csv_field(p.short_name), '' ORDER BY x.ballot_position), '')
                  FROM contest_entries x JOIN parties p ON p.id = x.party_id
                 WHERE x.contest_id = (results_contest(e, 'list')).id)
           ELSE
               (SELECT coalesce(string_agg(',entry_' || i, '' ORDER BY i), '')
                  FROM generate_series(1, (SELECT entries FROM n)) i)
           END || E'\n'
        || coalesce((SELECT string_agg(array_to_string(ARRAY[s.number, s.region_id, s.district_number,
                         s.abroad::int, (r.station_number IS NOT NULL)::int, r.voters, r.received, r.issued,
                         r.cancelled, r.in_boxes, r.invalid, r.valid, r.against_all]::bigint[]
                         || ARRAY(SELECT r.votes[i] FROM generate_series(1, (SELECT entries FROM n)) i)::bigint[],
                         ',', '') || E'\n', '' ORDER BY s.number)
                       FROM contests k JOIN stations s ON contest_has_station(k, s)
                       LEFT JOIN station_results r ON r.contest_id = k.id AND r.station_number = s.number
                      WHERE k.election_id = e AND k.kind = results_csv.kind), '')
$$;

-- Every station's figures as one JSON document, the ballots given once.
CREATE OR REPLACE FUNCTION results_export(e integer) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('election', results_election_json(el),
        'contests', (SELECT coalesce(json_agg(json_build_object('contest_id', k.id, 'kind', k.kind,
                            'district', k.district_number,
                            'entries', (SELECT json_agg(results_entry_json(x) ORDER BY x.ballot_position)
                                          FROM contest_entries x WHERE x.contest_id = k.id),
                            'list_lengths', CASE WHEN k.kind = 'list' THEN results_list_shape(k.id) END)
                          ORDER BY k.id), '[]') FROM contests k WHERE k.election_id = el.id),
        'stations', (SELECT coalesce(json_agg(json_build_object('number', s.number, 'region_id', s.region_id,
                            'district', s.district_number, 'abroad', s.abroad,
                            'results', (SELECT coalesce(json_agg(json_build_object('contest_id', r.contest_id,
                                   'report_id', r.report_id, 'voters', r.voters, 'received', r.received,
                                   'issued', r.issued, 'cancelled', r.cancelled, 'in_boxes', r.in_boxes,
                                   'invalid', r.invalid, 'valid', r.valid, 'against_all', r.against_all,
                                   'votes', r.votes, 'preferences', r.preferences) ORDER BY r.contest_id), '[]')
                                 FROM station_results r JOIN contests k ON k.id = r.contest_id
                                WHERE k.election_id = el.id AND r.station_number = s.number))
                          ORDER BY s.number), '[]') FROM stations s))
      FROM elections el WHERE el.id = e
$$;

-- The seat allocation's input from the sums, in bin/shailoo-seats's format
-- (tests/seats/README.md): the list contest, and each district.  The API
-- runs the same code as the tool on it; GET .../seats/input gives it out so
-- that anyone can run the tool and compare.
CREATE OR REPLACE FUNCTION results_seats_input(e integer) RETURNS json LANGUAGE sql STABLE AS $$
    WITH k AS (SELECT * FROM contests WHERE election_id = e AND kind = 'list' AND seats = 54),
         -- A constant contest id, so that only its regional rows are summed.
         a AS (SELECT r.* FROM results_country((SELECT id FROM contests WHERE election_id = e AND kind = 'list')) r
                WHERE r.contest_id IS NOT NULL),
         shape AS (SELECT results_list_shape(k.id) AS s FROM k)
    SELECT json_build_object(
        'completed', (SELECT status = 'completed' FROM elections WHERE id = e),
        'stations', (SELECT json_build_object('total', a.stations_total, 'reported', a.stations_reported) FROM a),
        'list', (SELECT json_build_object('seats', k.seats, 'cap', 27, 'participants', a.in_boxes,
                    'regions', (SELECT json_agg(json_build_object('id', r.id,
                                    'participants', coalesce(ra.in_boxes, 0)) ORDER BY r.id)
                                  FROM regions r LEFT JOIN area_results ra ON ra.contest_id = k.id AND ra.area = r.id),
                    'against_all', a.against_all,
                    'parties', (SELECT coalesce(json_agg(json_build_object('id', x.party_id, 'name', p.short_name,
                                    'votes', coalesce(a.votes[x.ballot_position], 0),
                                    'region_votes', (SELECT json_agg(coalesce(ra.votes[x.ballot_position], 0) ORDER BY r.id)
                                                       FROM regions r LEFT JOIN area_results ra
                                                         ON ra.contest_id = k.id AND ra.area = r.id),
                                    'candidates', (SELECT coalesce(json_agg(json_build_object('position', l.position,
                                                       'name', concat_ws(' ', c.last_name, c.first_name, c.patronymic),
                                                       'sex', c.sex,
                                                       'preference_votes', coalesce(a.preferences[
                                                           (SELECT coalesce(sum(v), 0) FROM unnest((SELECT s FROM shape)[1:x.ballot_position - 1]) v)
                                                           + l.position], 0),
                                                       'withdrawn', l.withdrawn) ORDER BY l.position), '[]')
                                                     FROM list_candidates l JOIN candidates c ON c.id = l.candidate_id
                                                    WHERE l.contest_id = k.id AND l.party_id = x.party_id))
                                  ORDER BY x.ballot_position), '[]')
                                  FROM contest_entries x JOIN parties p ON p.id = x.party_id
                                 WHERE x.contest_id = k.id))
                   FROM k, a),
        'districts', (SELECT coalesce(json_agg(json_build_object('district', d.district_number,
                          'against_all', da.against_all,
                          'candidates', (SELECT coalesce(json_agg(json_build_object('id', x.candidate_id,
                                             'name', concat_ws(' ', c.last_name, c.first_name, c.patronymic),
                                             'votes', coalesce(da.votes[x.ballot_position], 0)) ORDER BY x.ballot_position), '[]')
                                           FROM contest_entries x JOIN candidates c ON c.id = x.candidate_id
                                          WHERE x.contest_id = d.id AND NOT x.withdrawn),
                          'stations', json_build_object('total', da.stations_total, 'reported', da.stations_reported))
                        ORDER BY d.district_number), '[]')
                        FROM contests d JOIN area_results da ON da.contest_id = d.id AND da.area = 100 + d.district_number
                       WHERE d.election_id = e AND d.kind = 'district'))
$$;
