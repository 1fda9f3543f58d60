-- Open data: an election's counts in bulk (cgi/api/open_data.c), public.
--
--   counts.json   every station: each contest's ASU figures (preliminary) and
--                 manual-count figures (official, the latest version) side by
--                 side, every version of its protocol, its identification
--                 device's figures, its scans (kind, version, SHA-256)
--   counts.csv    one row a station and contest: asu_* and manual_* columns
--                 for every protocol line, entry and list place; the station's
--                 identification figures
--   versions.csv  one row a protocol version and contest: who, when, why, the
--                 hash, and the version's figures in the same columns
--   scans.csv     one row a scan's version: station, kind, SHA-256, size
--   nist.json     the results as NIST SP 1500-100 v2 (Election Results
--                 Reporting Common Data Format), JSON
--
-- Entries are by ballot position (entry_1 is the ballot's first line: the
-- contests of counts.json, or GET /api/v1/elections/{id} and its contests, name
-- them); preference votes are pref_E_P: entry E's list place P.
--
-- NIST mapping (the schema: shared/standards/NIST_V2_election_results_reporting.json):
--   GpUnit         ReportingUnits: the country (Type country), the regions
--                  (other/region), the stations abroad (other/abroad), the
--                  single-member districts (other/single-member-district),
--                  the stations (precinct, Number = the station's number);
--                  ComposingGpUnitIds: country > regions and abroad >
--                  districts > stations (abroad > its stations)
--   Party          the parties of the ballots and lists
--   Candidate      district and presidential candidates (PartyId: the
--                  nominating party) and list candidates (PartyId: the list's,
--                  ExternalIdentifier other/list-position)
--   Contest        the national party lists and a council's: PartyContest
--                  (PartySelection a party); a district, the presidency:
--                  CandidateContest (CandidateSelection, EndorsementPartyIds
--                  the nominating party); a referendum's question:
--                  BallotMeasureContest (yes, no).  "Against all" is a
--                  BallotMeasureSelection (the one selection of the schema
--                  named by a text, not a party or a candidate), last.
--                  Preference votes within a list have no place in the
--                  format: they are in counts.json and counts.csv.
--   VoteCounts     every selection's votes in every area (the country, the
--                  regions, abroad, the districts) and every station that has
--                  the count, twice:
--                    the manual count (official, the legal result):
--                      Type "total", Device.Type "manual-count"
--                    the ASU's count (preliminary):
--                      Type "other", OtherType "preliminary-asu",
--                      Device.Type "opscan-precinct"
--                  so that whoever sums Type "total" sums the legal count only.
--   SummaryCounts  per contest, area and station, the same two ways:
--                  BallotsCast = ballots found in the boxes, BallotsRejected =
--                  invalid ballots (the other protocol lines have no place:
--                  counts.json has them)
--   CountStatus    of the election, each contest and each station: "total"
--                  and "preliminary-asu", each not-processed, in-process or
--                  completed by the stations that have the count
--   Status         pre-election (scheduled, open); certified (completed);
--                  else unofficial-complete once every station's manual count
--                  is in, unofficial-partial before.
--   Election       Type general (parliament, presidency), runoff (a
--                  presidential second round), other/referendum, other/local
--   names          a plain string (Name) is in Russian; an InternationalizedText
--                  (an election's or a party's name, a question, a ballot's
--                  title) in Kyrgyz ("ky") and Russian ("ru")
--   @id            ru-country, ru-region-N, ru-abroad, ru-district-N,
--                  ru-station-N, party-N, cand-N (our ids), contest-N,
--                  sel-CONTEST-POSITION, sel-CONTEST-against-all

-- ---- counts.json ------------------------------------------------------------

-- A station's figures in a contest (r: its ASU's row, or its official row
-- as one; NULL: none yet), with the two columns that say where they come from.
CREATE OR REPLACE FUNCTION open_data_figures_json(r station_results, id_key text, seq_key text)
RETURNS json LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN r.contest_id IS NOT NULL THEN
        json_build_object(id_key, r.report_id, seq_key, r.report_seq,
            'voters', r.voters, 'received', r.received, 'issued', r.issued, 'cancelled', r.cancelled,
            'in_boxes', r.in_boxes, 'invalid', r.invalid, 'valid', r.valid, 'against_all', r.against_all,
            'votes', r.votes, 'preferences', r.preferences, 'updated_at', r.updated_at) END
$$;

-- A version of a station's protocol as open data: its figures as entered
-- (the contests of a report), sha256 of its text in the public log (log_seq).
CREATE OR REPLACE FUNCTION open_data_version_json(v protocol_versions) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', v.id, 'version', v.version, 'entered_at', results_log_time(v.entered_at),
        'entered_by', v.entered_name, 'role', v.entered_role, 'reason', v.reason,
        'complaint', (SELECT json_build_object('id', c.id, 'number', c.number)
                        FROM complaints c WHERE c.id = v.complaint_id),
        'sha256', encode(v.sha256, 'hex'),
        'log_seq', (SELECT l.seq FROM results_log l WHERE l.protocol_id = v.id),
        'contests', v.figures)
$$;

-- A public scan of a station's count (every version, the file's address).
CREATE OR REPLACE FUNCTION open_data_scan_json(d documents) RETURNS json LANGUAGE sql IMMUTABLE AS $$
    SELECT json_build_object('id', d.id, 'kind', d.kind, 'version', d.version, 'replaces', d.replaces,
        'sha256', d.sha256, 'content_type', d.content_type, 'size', d.size, 'pages', d.pages,
        'uploaded_at', d.uploaded_at, 'file', '/api/v1/documents/' || d.id || '/file')
$$;

-- The contests of an election with their ballots (and each party's list length).
CREATE OR REPLACE FUNCTION open_data_contests_json(e integer) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT coalesce(json_agg(json_build_object('contest_id', k.id, 'kind', k.kind, 'district', k.district_number,
                'question', k.question, 'council', k.council_id, 'seats', k.seats,
                'entries', (SELECT coalesce(json_agg(results_entry_json(x) ORDER BY x.ballot_position), '[]')
                              FROM contest_entries x WHERE x.contest_id = k.id),
                'list_lengths', CASE WHEN k.kind = 'list' THEN results_list_shape(k.id) END)
             ORDER BY k.id), '[]')
      FROM contests k WHERE k.election_id = e
$$;

-- Every station of an election with a contest: both counts, the versions,
-- the identification, the scans.  NULL when there is no such election.
CREATE OR REPLACE FUNCTION open_data_counts_json(e integer) RETURNS json LANGUAGE sql STABLE AS $$
    WITH figures AS (
        SELECT s.number, json_agg(json_build_object('contest_id', k.id, 'kind', k.kind,
                   'asu', open_data_figures_json(r, 'report_id', 'report_seq'),
                   'manual', open_data_figures_json(ROW(o.*)::station_results, 'protocol_id', 'version'))
                   ORDER BY k.id) AS contests
          FROM contests k JOIN stations s ON contest_has_station(k, s)
          LEFT JOIN station_results r ON r.contest_id = k.id AND r.station_number = s.number
          LEFT JOIN station_official o ON o.contest_id = k.id AND o.station_number = s.number
         WHERE k.election_id = e
         GROUP BY s.number),
    versions AS (
        SELECT v.station_number AS number, json_agg(open_data_version_json(v) ORDER BY v.version) AS items
          FROM protocol_versions v WHERE v.election_id = e GROUP BY 1),
    identification AS (
        SELECT i.station_number AS number, json_agg(station_identification_json(i) ORDER BY i.stage DESC) AS items
          FROM station_identification i WHERE i.election_id = e GROUP BY 1),
    scans AS (
        SELECT c.station_number AS number, c.id AS count_id,
               coalesce(json_agg(open_data_scan_json(d) ORDER BY d.kind, d.version) FILTER (WHERE d.id IS NOT NULL),
                        '[]') AS items
          FROM station_counts c
          LEFT JOIN documents d ON d.owner_type = 'counts' AND d.owner_id = c.id AND d.visibility = 'public'
         WHERE c.election_id = e
         GROUP BY c.station_number, c.id)
    SELECT json_build_object('election', results_election_json(el),
        'contests', open_data_contests_json(el.id),
        'stations', (SELECT coalesce(json_agg(json_build_object('number', s.number, 'region_id', s.region_id,
                                'district', s.district_number, 'abroad', s.abroad, 'count_id', sc.count_id,
                                'contests', f.contests, 'versions', coalesce(v.items, '[]'),
                                'identification', coalesce(i.items, '[]'), 'documents', coalesce(sc.items, '[]'))
                              ORDER BY s.number), '[]')
                       FROM figures f JOIN stations s ON s.number = f.number
                       LEFT JOIN versions v ON v.number = s.number
                       LEFT JOIN identification i ON i.number = s.number
                       LEFT JOIN scans sc ON sc.number = s.number))
      FROM elections el WHERE el.id = e
$$;

-- ---- CSV --------------------------------------------------------------------

-- The header cells of one count's figures: prefix_reported, the lines, n
-- entries, and the preference votes of the list's shape (pref_E_P).
CREATE OR REPLACE FUNCTION open_data_csv_header(prefix text, n integer, shape integer[]) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT (SELECT string_agg(prefix || '_' || line, ',' ORDER BY i)
              FROM unnest(ARRAY['reported', 'voters', 'received', 'issued', 'cancelled', 'in_boxes', 'invalid',
                                'valid', 'against_all']) WITH ORDINALITY l(line, i))
        || (SELECT coalesce(string_agg(',' || prefix || '_entry_' || i, '' ORDER BY i), '') FROM generate_series(1, n) i)
        || (SELECT coalesce(string_agg(',' || prefix || '_pref_' || e.entry || '_' || p, '' ORDER BY e.entry, p), '')
              FROM unnest(shape) WITH ORDINALITY e(len, entry), generate_series(1, e.len) p)
$$;

-- The cells of a station's figures in a contest (r NULL: reported 0, the rest
-- empty): the lines, n entries' votes, np list places' preference votes (the
-- list contest's only).
CREATE OR REPLACE FUNCTION open_data_csv_cells(r station_results, n integer, np integer) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT array_to_string(ARRAY[(r.contest_id IS NOT NULL)::integer, r.voters, r.received, r.issued, r.cancelled,
                                 r.in_boxes, r.invalid, r.valid, r.against_all]::bigint[]
               || ARRAY(SELECT r.votes[i] FROM generate_series(1, n) i)::bigint[]
               || ARRAY(SELECT r.preferences[i] FROM generate_series(1, np) i)::bigint[], ',', '')
$$;

-- The shape of an election's CSV rows: the most entries of its contests, and its list contest's lists.
CREATE OR REPLACE FUNCTION open_data_csv_shape(e integer, OUT entries integer, OUT shape integer[])
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT max(c) FROM (SELECT count(*)::integer AS c FROM contest_entries x
                                           JOIN contests k ON k.id = x.contest_id
                                          WHERE k.election_id = e GROUP BY k.id) q), 0),
           coalesce((SELECT results_list_shape(k.id) FROM contests k WHERE k.election_id = e AND k.kind = 'list'), '{}')
$$;

-- Every station and contest: the ASU's figures beside the manual count's, and
-- the station's identification figures (first report and the close).
CREATE OR REPLACE FUNCTION open_data_counts_csv(e integer) RETURNS text LANGUAGE sql STABLE AS $$
    WITH sh AS (SELECT entries, shape, coalesce(int_array_sum(shape), 0)::integer AS np FROM open_data_csv_shape(e))
    SELECT 'station,region_id,district,abroad,contest_id,contest_kind,contest_district,question,council,'
        || open_data_csv_header('asu', sh.entries, sh.shape) || ',asu_report_seq,'
        || open_data_csv_header('manual', sh.entries, sh.shape) || ',manual_version,'
        || 'id_first_voters,id_first_face,id_first_fingerprint,id_first_document,'
        || 'id_final_voters,id_final_face,id_final_fingerprint,id_final_document' || E'\n'
        || coalesce((SELECT string_agg(array_to_string(ARRAY[s.number, s.region_id, s.district_number, s.abroad::integer,
                             k.id]::bigint[], ',', '')
                         || ',' || k.kind || ',' || array_to_string(ARRAY[k.district_number, k.question, k.council_id], ',', '')
                         || ',' || open_data_csv_cells(r, sh.entries, CASE WHEN k.kind = 'list' THEN sh.np ELSE 0 END)
                         || repeat(',', CASE WHEN k.kind = 'list' THEN 0 ELSE sh.np END)
                         || ',' || coalesce(r.report_seq::text, '')
                         || ',' || open_data_csv_cells(ROW(o.*)::station_results, sh.entries,
                                                       CASE WHEN k.kind = 'list' THEN sh.np ELSE 0 END)
                         || repeat(',', CASE WHEN k.kind = 'list' THEN 0 ELSE sh.np END)
                         || ',' || coalesce(o.version::text, '')
                         || ',' || array_to_string(ARRAY[i1.voters, i1.face, i1.fingerprint, i1.document,
                                                         i2.voters, i2.face, i2.fingerprint, i2.document], ',', '')
                         || E'\n', '' ORDER BY s.number, k.id)
                       FROM contests k JOIN stations s ON contest_has_station(k, s)
                       LEFT JOIN station_results r ON r.contest_id = k.id AND r.station_number = s.number
                       LEFT JOIN station_official o ON o.contest_id = k.id AND o.station_number = s.number
                       LEFT JOIN station_identification i1
                              ON i1.election_id = e AND i1.station_number = s.number AND i1.stage = 'first'
                       LEFT JOIN station_identification i2
                              ON i2.election_id = e AND i2.station_number = s.number AND i2.stage = 'final'
                      WHERE k.election_id = e), '')
      FROM sh, elections el WHERE el.id = e
$$;

-- Every version of every station's protocol, a row per contest it gives.
CREATE OR REPLACE FUNCTION open_data_versions_csv(e integer) RETURNS text LANGUAGE sql STABLE AS $$
    WITH sh AS (SELECT entries, shape, coalesce(int_array_sum(shape), 0)::integer AS np FROM open_data_csv_shape(e))
    SELECT 'station,version,protocol_id,entered_at,entered_by,role,reason,complaint_id,complaint_number,sha256,log_seq,'
        || 'contest_id,contest_kind,contest_district,question,council,'
        || open_data_csv_header('manual', sh.entries, sh.shape) || E'\n'
        || coalesce((SELECT string_agg(concat_ws(',', v.station_number, v.version, v.id, results_log_time(v.entered_at),
                             results_csv_field(v.entered_name), v.entered_role, results_csv_field(v.reason),
                             coalesce(v.complaint_id::text, ''), results_csv_field(c.number), encode(v.sha256, 'hex'),
                             coalesce(l.seq::text, ''), k.id, k.kind,
                             array_to_string(ARRAY[k.district_number, k.question, k.council_id], ',', ''),
                             open_data_csv_cells(protocol_contest_row(v.figures, k, s), sh.entries,
                                                 CASE WHEN k.kind = 'list' THEN sh.np ELSE 0 END)
                             || repeat(',', CASE WHEN k.kind = 'list' THEN 0 ELSE sh.np END))
                         || E'\n', '' ORDER BY v.station_number, v.version, k.id)
                       FROM protocol_versions v JOIN stations s ON s.number = v.station_number
                       JOIN contests k ON k.election_id = e AND contest_has_station(k, s)
                       LEFT JOIN complaints c ON c.id = v.complaint_id
                       LEFT JOIN results_log l ON l.protocol_id = v.id
                      WHERE v.election_id = e), '')
      FROM sh, elections el WHERE el.id = e
$$;

-- Every public scan of every station's count, each version.
CREATE OR REPLACE FUNCTION open_data_scans_csv(e integer) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT 'station,count_id,document_id,kind,version,replaces,sha256,content_type,size,pages,uploaded_at,file' || E'\n'
        || coalesce((SELECT string_agg(concat_ws(',', c.station_number, c.id, d.id, d.kind, d.version,
                             coalesce(d.replaces::text, ''), d.sha256, d.content_type, d.size, coalesce(d.pages::text, ''),
                             results_log_time(d.uploaded_at), '/api/v1/documents/' || d.id || '/file') || E'\n', ''
                             ORDER BY c.station_number, d.kind, d.version)
                       FROM station_counts c
                       JOIN documents d ON d.owner_type = 'counts' AND d.owner_id = c.id AND d.visibility = 'public'
                      WHERE c.election_id = e), '')
      FROM elections el WHERE el.id = e
$$;

-- ---- NIST SP 1500-100 v2 ----------------------------------------------------

CREATE OR REPLACE FUNCTION open_data_nist_text(ky text, ru text) RETURNS json LANGUAGE sql IMMUTABLE AS $$
    SELECT json_build_object('@type', 'ElectionResults.InternationalizedText', 'Text', json_build_array(
        json_build_object('@type', 'ElectionResults.LanguageString', 'Language', 'ky', 'Content', ky),
        json_build_object('@type', 'ElectionResults.LanguageString', 'Language', 'ru', 'Content', ru)))
$$;

-- The ReportingUnit of an area (0 the country, 1..9 a region, 10 abroad, 100 + n district n).
CREATE OR REPLACE FUNCTION open_data_nist_area(area smallint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN area = 0 THEN 'ru-country' WHEN area = 10 THEN 'ru-abroad'
                WHEN area < 10 THEN 'ru-region-' || area ELSE 'ru-district-' || (area - 100) END
$$;

-- A count of a GpUnit as the header says: the manual count's ("total", by
-- hand) or the ASU's ("preliminary-asu", a precinct scanner).  what:
-- 'VoteCounts' (n votes) or 'SummaryCounts' (n ballots cast, rejected
-- invalid).  (Each member written out: the most numerous objects of the
-- report are these, and nulls to strip would double their cost.)
CREATE OR REPLACE FUNCTION open_data_nist_count(what text, official boolean, gpu text, n bigint,
                                                rejected bigint DEFAULT NULL) RETURNS json
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN what = 'VoteCounts' AND official THEN
                json_build_object('@type', 'ElectionResults.VoteCounts', 'GpUnitId', gpu, 'Type', 'total',
                    'Device', json_build_object('@type', 'ElectionResults.Device', 'Type', 'manual-count'), 'Count', n)
           WHEN what = 'VoteCounts' THEN
                json_build_object('@type', 'ElectionResults.VoteCounts', 'GpUnitId', gpu, 'Type', 'other',
                    'OtherType', 'preliminary-asu',
                    'Device', json_build_object('@type', 'ElectionResults.Device', 'Type', 'opscan-precinct'), 'Count', n)
           WHEN official THEN
                json_build_object('@type', 'ElectionResults.SummaryCounts', 'GpUnitId', gpu, 'Type', 'total',
                    'Device', json_build_object('@type', 'ElectionResults.Device', 'Type', 'manual-count'),
                    'BallotsCast', n, 'BallotsRejected', rejected)
           ELSE json_build_object('@type', 'ElectionResults.SummaryCounts', 'GpUnitId', gpu, 'Type', 'other',
                    'OtherType', 'preliminary-asu',
                    'Device', json_build_object('@type', 'ElectionResults.Device', 'Type', 'opscan-precinct'),
                    'BallotsCast', n, 'BallotsRejected', rejected) END
$$;

-- The two CountStatus of a count's progress: reported of total stations, manual and ASU.
CREATE OR REPLACE FUNCTION open_data_nist_status(official bigint, asu bigint, total bigint) RETURNS json
LANGUAGE sql IMMUTABLE AS $$
    SELECT json_build_array(
        json_build_object('@type', 'ElectionResults.CountStatus', 'Type', 'total',
            'Status', CASE WHEN coalesce(official, 0) = 0 THEN 'not-processed'
                           WHEN official < total THEN 'in-process' ELSE 'completed' END),
        json_build_object('@type', 'ElectionResults.CountStatus', 'Type', 'other', 'OtherType', 'preliminary-asu',
            'Status', CASE WHEN coalesce(asu, 0) = 0 THEN 'not-processed'
                           WHEN asu < total THEN 'in-process' ELSE 'completed' END))
$$;

-- Every count of contest k in a GpUnit that has one: its areas' sums (the
-- country's: the sum of the ten regional rows) and its stations' rows;
-- ord orders the GpUnits (the areas by number, then the stations).
-- (PL/pgSQL: contest_area is 030_outcome.sql's, made after this file.)
CREATE OR REPLACE FUNCTION open_data_nist_rows(k contests)
RETURNS TABLE (ord integer, gpu text, official boolean, in_boxes bigint, invalid bigint, against_all bigint,
               votes bigint[])
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    SELECT a.area::integer, open_data_nist_area(a.area), a.official, a.in_boxes, a.invalid, a.against_all, a.votes
      FROM (SELECT false AS official, x.* FROM area_results x WHERE x.contest_id = k.id
            UNION ALL
            SELECT true, x.* FROM area_official x WHERE x.contest_id = k.id
            UNION ALL
            SELECT false, x.* FROM results_country(k.id) x WHERE contest_area(k) = 0
            UNION ALL
            SELECT true, x.* FROM results_official(k.id, 0::smallint) x WHERE contest_area(k) = 0) a
     WHERE a.stations_reported > 0
    UNION ALL
    SELECT 1000000 + r.station_number, 'ru-station-' || r.station_number, false, r.in_boxes::bigint,
           r.invalid::bigint, r.against_all::bigint, r.votes::bigint[]
      FROM station_results r WHERE r.contest_id = k.id
    UNION ALL
    SELECT 1000000 + r.station_number, 'ru-station-' || r.station_number, true, r.in_boxes::bigint,
           r.invalid::bigint, r.against_all::bigint, r.votes::bigint[]
      FROM station_official r WHERE r.contest_id = k.id;
END $$;

-- A contest of the report (the header says which type for which kind), with
-- its selections' counts and its ballots' in every GpUnit that has them, the
-- manual count before the ASU's in each.  (PL/pgSQL: contest_area.)
CREATE OR REPLACE FUNCTION open_data_nist_contest(k contests) RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
    area smallint := contest_area(k);
    kind text := CASE WHEN k.kind IN ('list', 'council') THEN 'PartyContest'
                      WHEN k.kind = 'question' THEN 'BallotMeasureContest' ELSE 'CandidateContest' END;
BEGIN
    RETURN (
        WITH q AS MATERIALIZED (SELECT * FROM open_data_nist_rows(k)),
        -- Each selection's counts: pos its ballot position, 0 "against all".
        counts AS (
            SELECT u.pos, json_agg(open_data_nist_count('VoteCounts', q.official, q.gpu, u.v)
                                   ORDER BY q.ord, q.official DESC) AS items
              FROM q CROSS JOIN LATERAL (SELECT t.i::integer AS pos, t.v FROM unnest(q.votes) WITH ORDINALITY t(v, i)
                                         UNION ALL SELECT 0, q.against_all) u
             GROUP BY u.pos),
        selections AS (
            SELECT x.ballot_position AS o, json_build_object(
                       '@type', 'ElectionResults.' || CASE WHEN x.answer IS NOT NULL THEN 'BallotMeasureSelection'
                                                           WHEN x.candidate_id IS NULL THEN 'PartySelection'
                                                           ELSE 'CandidateSelection' END,
                       '@id', 'sel-' || k.id || '-' || x.ballot_position, 'SequenceOrder', x.ballot_position,
                       'Selection', CASE x.answer WHEN 'yes' THEN open_data_nist_text('Ооба', 'Да')
                                                  WHEN 'no' THEN open_data_nist_text('Жок', 'Нет') END,
                       'PartyIds', CASE WHEN x.answer IS NULL AND x.candidate_id IS NULL
                                        THEN json_build_array('party-' || x.party_id) END,
                       'CandidateIds', CASE WHEN x.candidate_id IS NOT NULL
                                            THEN json_build_array('cand-' || x.candidate_id) END,
                       'EndorsementPartyIds', CASE WHEN x.candidate_id IS NOT NULL AND x.party_id IS NOT NULL
                                                   THEN json_build_array('party-' || x.party_id) END,
                       'VoteCounts', coalesce(c.items, '[]')) AS s
              FROM contest_entries x LEFT JOIN counts c ON c.pos = x.ballot_position
             WHERE x.contest_id = k.id
            UNION ALL
            -- "Against all", last (a referendum's ballot has none).
            SELECT 32767, json_build_object('@type', 'ElectionResults.BallotMeasureSelection',
                       '@id', 'sel-' || k.id || '-against-all',
                       'SequenceOrder', (SELECT count(*) + 1 FROM contest_entries x WHERE x.contest_id = k.id),
                       'Selection', open_data_nist_text('Баарына каршы', 'Против всех'),
                       'VoteCounts', coalesce((SELECT c.items FROM counts c WHERE c.pos = 0), '[]'))
             WHERE k.kind <> 'question'),
        stations AS (
            SELECT count(*) AS total,
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM station_official o
                                                   WHERE o.contest_id = k.id AND o.station_number = s.number)) AS official,
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM station_results r
                                                   WHERE r.contest_id = k.id AND r.station_number = s.number)) AS asu
              FROM stations s WHERE contest_has_station(k, s))
        SELECT json_build_object('@type', 'ElectionResults.' || kind, '@id', 'contest-' || k.id,
            'Name', CASE k.kind WHEN 'list' THEN 'Партийные списки, мандатов: ' || k.seats
                                WHEN 'district' THEN d.name_ru
                                WHEN 'president' THEN 'Президент Кыргызской Республики'
                                WHEN 'question' THEN 'Вопрос референдума №' || k.question
                                ELSE c.name_ru || ', мандатов: ' || k.seats END,
            'BallotTitle', CASE k.kind WHEN 'district' THEN open_data_nist_text(d.name_ky, d.name_ru)
                                       WHEN 'council' THEN open_data_nist_text(c.name_ky, c.name_ru) END,
            'Type', CASE WHEN k.kind = 'question' THEN 'referendum' END,
            'FullText', CASE WHEN k.kind = 'question' THEN open_data_nist_text(k.question_ky, k.question_ru) END,
            'ElectoralDistrictId', open_data_nist_area(area), 'SequenceOrder', k.id,
            'VotesAllowed', CASE WHEN kind = 'CandidateContest' THEN 1 END,
            'NumberElected', CASE WHEN kind = 'CandidateContest' THEN k.seats END,
            'VoteVariation', CASE k.kind WHEN 'president' THEN 'majority' WHEN 'district' THEN 'plurality'
                                         WHEN 'question' THEN NULL ELSE 'proportional' END,
            'TotalSubUnits', st.total, 'CountStatus', open_data_nist_status(st.official, st.asu, st.total),
            'SummaryCounts', (SELECT coalesce(json_agg(open_data_nist_count('SummaryCounts', q.official, q.gpu,
                                                                             q.in_boxes, q.invalid)
                                                       ORDER BY q.ord, q.official DESC), '[]') FROM q),
            'BallotSelection', (SELECT json_agg(s ORDER BY o) FROM selections))
          FROM stations st
          LEFT JOIN districts d ON d.number = k.district_number
          LEFT JOIN councils c ON c.id = k.council_id);
END $$;

-- The GpUnits: the country, its regions, abroad, the districts, the stations
-- (each station's CountStatus: of the contests it votes in in election e).
CREATE OR REPLACE FUNCTION open_data_nist_units(e integer) RETURNS json LANGUAGE sql STABLE AS $$
    WITH k AS (SELECT * FROM contests WHERE election_id = e),
    st AS (SELECT s.*, (SELECT count(*) FROM k WHERE contest_has_station(k, s)) AS contests,
                  (SELECT count(*) FROM station_official o JOIN k ON k.id = o.contest_id
                    WHERE o.station_number = s.number) AS official,
                  (SELECT count(*) FROM station_results r JOIN k ON k.id = r.contest_id
                    WHERE r.station_number = s.number) AS asu
             FROM stations s),
    units AS (
        SELECT 0 AS o, 'ru-country' AS id, 'country' AS type, NULL AS other, NULL AS number,
               'Кыргызская Республика' AS name, NULL::json AS ext,
               (SELECT json_agg(g ORDER BY i)
                  FROM (SELECT r.id AS i, 'ru-region-' || r.id AS g FROM regions r
                        UNION ALL
                        SELECT 10, 'ru-abroad' WHERE EXISTS (SELECT 1 FROM st WHERE st.abroad)) q) AS parts,
               NULL::json AS contact, NULL::json AS status
        UNION ALL
        SELECT r.id, 'ru-region-' || r.id, 'other', 'region', NULL, r.name_ru,
               json_build_array(json_build_object('@type', 'ElectionResults.ExternalIdentifier',
                                                  'Type', 'national-level', 'Label', 'region', 'Value', r.code)),
               (SELECT json_agg('ru-district-' || d.number ORDER BY d.number) FROM districts d WHERE d.region_id = r.id),
               NULL, NULL
          FROM regions r
        UNION ALL
        SELECT 10, 'ru-abroad', 'other', 'abroad', NULL, 'За рубежом', NULL,
               json_agg('ru-station-' || st.number ORDER BY st.number), NULL, NULL
          FROM st WHERE st.abroad HAVING count(*) > 0
        UNION ALL
        SELECT 100 + d.number, 'ru-district-' || d.number, 'other', 'single-member-district', d.number::text,
               d.name_ru, NULL,
               (SELECT json_agg('ru-station-' || st.number ORDER BY st.number) FROM st WHERE st.district_number = d.number),
               NULL, NULL
          FROM districts d
        UNION ALL
        SELECT 1000000 + st.number, 'ru-station-' || st.number, 'precinct', NULL, st.number::text, st.name, NULL, NULL,
               json_build_object('@type', 'ElectionResults.ContactInformation', 'AddressLine', json_build_array(st.address),
                   'LatLng', CASE WHEN st.lat IS NOT NULL THEN json_build_object('@type', 'ElectionResults.LatLng',
                                                                                 'Latitude', st.lat, 'Longitude', st.lon) END),
               CASE WHEN st.contests > 0 THEN open_data_nist_status(st.official, st.asu, st.contests) END
          FROM st)
    SELECT json_agg(json_build_object('@type', 'ElectionResults.ReportingUnit', '@id', u.id, 'Type', u.type,
                        'OtherType', u.other, 'Number', u.number, 'Name', u.name, 'ExternalIdentifier', u.ext,
                        'ComposingGpUnitIds', u.parts, 'ContactInformation', u.contact, 'CountStatus', u.status)
                    ORDER BY u.o)
      FROM units u
$$;

-- The parties of an election's ballots and lists.
CREATE OR REPLACE FUNCTION open_data_nist_parties(e integer) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_agg(json_build_object('@type', 'ElectionResults.Party', '@id', 'party-' || p.id,
                                      'Name', open_data_nist_text(p.name_ky, p.name_ru), 'Abbreviation', p.short_name)
                    ORDER BY p.id)
      FROM parties p
     WHERE p.id IN (SELECT x.party_id FROM contest_entries x JOIN contests k ON k.id = x.contest_id WHERE k.election_id = e
                    UNION
                    SELECT l.party_id FROM list_candidates l JOIN contests k ON k.id = l.contest_id WHERE k.election_id = e)
$$;

-- The candidates of an election's ballots and lists, each once: the party
-- that nominated them (in a district) or whose list has them; a list place.
CREATE OR REPLACE FUNCTION open_data_nist_candidates(e integer) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_agg(json_build_object('@type', 'ElectionResults.Candidate', '@id', 'cand-' || c.id,
               'BallotName', open_data_nist_text(n.name, n.name), 'PartyId', 'party-' || q.party_id,
               'PreElectionStatus', CASE WHEN q.withdrawn THEN 'withdrawn' ELSE 'qualified' END,
               'ExternalIdentifier', CASE WHEN q.position IS NOT NULL THEN
                   json_build_array(json_build_object('@type', 'ElectionResults.ExternalIdentifier', 'Type', 'other',
                                                      'OtherType', 'list-position', 'Value', q.position::text)) END)
             ORDER BY c.id)
      FROM (SELECT u.candidate_id, (array_agg(u.party_id ORDER BY u.o) FILTER (WHERE u.party_id IS NOT NULL))[1] AS party_id,
                   min(u.position) AS position, bool_and(u.withdrawn) AS withdrawn
              FROM (SELECT x.candidate_id, x.party_id, NULL::smallint AS position, x.withdrawn, 1 AS o
                      FROM contest_entries x JOIN contests k ON k.id = x.contest_id
                     WHERE k.election_id = e AND x.candidate_id IS NOT NULL
                    UNION ALL
                    SELECT l.candidate_id, l.party_id, l.position, l.withdrawn, 2
                      FROM list_candidates l JOIN contests k ON k.id = l.contest_id WHERE k.election_id = e) u
             GROUP BY u.candidate_id) q
      JOIN candidates c ON c.id = q.candidate_id
      CROSS JOIN LATERAL (SELECT concat_ws(' ', c.last_name, c.first_name, c.patronymic) AS name) n
$$;

-- An election's results as an ElectionReport (NULL: no such election).
-- Members that do not apply are built null and stripped here, once.
-- (PL/pgSQL, so that its plan is kept between calls.)
CREATE OR REPLACE FUNCTION open_data_nist_json(e integer) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        WITH k AS (SELECT * FROM contests WHERE election_id = e),
        pairs AS (  -- each station and contest it votes in: with a manual count, an ASU's
            SELECT count(*) AS total, count(o.station_number) AS official, count(r.station_number) AS asu
              FROM k JOIN stations s ON contest_has_station(k, s)
              LEFT JOIN station_official o ON o.contest_id = k.id AND o.station_number = s.number
              LEFT JOIN station_results r ON r.contest_id = k.id AND r.station_number = s.number)
        SELECT json_strip_nulls(json_build_object('@type', 'ElectionResults.ElectionReport',
            'Format', 'precinct-level',
            'GeneratedDate', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
            'Issuer', 'Central Commission for Elections and Referenda of the Kyrgyz Republic',
            'IssuerAbbreviation', 'CEC', 'VendorApplicationId', 'Shailoo',
            'SequenceStart', 1, 'SequenceEnd', 1,
            'Status', CASE WHEN el.status IN ('scheduled', 'open') THEN 'pre-election'
                           WHEN el.status = 'completed' THEN 'certified'
                           WHEN p.total > 0 AND p.official = p.total THEN 'unofficial-complete'
                           ELSE 'unofficial-partial' END,
            'Notes', 'Two counts of every station: the manual count of its commission, the legal result '
                     '(VoteCounts and SummaryCounts of Type "total", Device "manual-count"), and its ASU''s '
                     'preliminary count (Type "other", OtherType "preliminary-asu", Device "opscan-precinct"). '
                     'Preference votes within the party lists, the protocols'' other lines and every version '
                     'of each protocol: /api/v1/results/elections/' || el.id || '/export/counts.json.'
                     || CASE WHEN el.status = 'annulled' THEN ' The election was annulled.' ELSE '' END,
            'Election', json_build_array(json_build_object('@type', 'ElectionResults.Election',
                'Name', open_data_nist_text(el.name_ky, el.name_ru), 'StartDate', el.date, 'EndDate', el.date,
                'Type', CASE WHEN el.type IN ('parliamentary', 'presidential') AND el.first_round IS NULL THEN 'general'
                             WHEN el.type = 'presidential' THEN 'runoff' ELSE 'other' END,
                'OtherType', CASE WHEN el.type IN ('referendum', 'local') THEN el.type END,
                'ElectionScopeId', 'ru-country',
                'ExternalIdentifier', json_build_array(json_build_object('@type', 'ElectionResults.ExternalIdentifier',
                    'Type', 'national-level', 'Label', 'election', 'Value', el.id::text)),
                'CountStatus', open_data_nist_status(p.official, p.asu, p.total),
                'Candidate', open_data_nist_candidates(el.id),
                'Contest', (SELECT json_agg(open_data_nist_contest(k) ORDER BY k.id) FROM k))),
            'GpUnit', open_data_nist_units(el.id),
            'Party', open_data_nist_parties(el.id)))
          FROM elections el, pairs p WHERE el.id = e);
END $$;
