-- Talapker in public (/candidates/, DOMAIN.md "Candidates and parties"):
-- every nomination once submitted (a draft is the party's own), its
-- candidates with their status, the parties taking part, summary reports.
-- No PIN and no private document ever appears here; a person's age on
-- election day stands for the birth date.

-- One row per candidate of a submitted nomination.
CREATE OR REPLACE VIEW public_candidacies AS
SELECT c.id AS candidacy_id, n.id AS nomination_id, n.election_id, n.kind, n.district_number,
       n.party_id, n.party_id IS NULL AS self_nominated, c.position, k.id AS candidate_id,
       concat_ws(' ', k.last_name, k.first_name, k.patronymic) AS name, k.sex,
       extract(year FROM age(e.date, k.birth_date))::integer AS age,
       k.other_ethnicity, k.disability, k.higher_education,
       CASE WHEN c.withdrawn_at IS NOT NULL THEN 'withdrawn' ELSE n.status END AS status,
       n.status AS nomination_status, n.decision_reason, n.submitted_at, n.decided_at
  FROM nominations n
  JOIN elections e ON e.id = n.election_id
  JOIN nomination_candidates c ON c.nomination_id = n.id
  JOIN candidates k ON k.id = c.candidate_id
 WHERE n.status <> 'draft';

-- A candidacy's public documents (registered: biography, photo, program), latest versions.
CREATE OR REPLACE FUNCTION candidacy_public_documents(candidacy bigint) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT coalesce(json_object_agg(d.kind, d.id), '{}')
      FROM (SELECT DISTINCT ON (kind) kind, id FROM documents
             WHERE owner_type = 'candidacies' AND owner_id = candidacy AND visibility = 'public'
             ORDER BY kind, version DESC) d
$$;

CREATE OR REPLACE FUNCTION public_candidacy_json(p public_candidacies) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'candidate_id', p.candidate_id, 'name', p.name, 'sex', p.sex, 'age', p.age,
        'other_ethnicity', p.other_ethnicity, 'disability', p.disability,
        'higher_education', p.higher_education,
        'election_id', p.election_id, 'kind', p.kind, 'district', p.district_number,
        'party', (SELECT json_build_object('id', x.id, 'short_name', x.short_name, 'name_ru', x.name_ru,
                                           'name_ky', x.name_ky) FROM parties x WHERE x.id = p.party_id),
        'self_nominated', p.self_nominated, 'position', CASE WHEN p.kind = 'list' THEN p.position END,
        'nomination_id', p.nomination_id, 'status', p.status,
        'refusal_reason', CASE WHEN p.status = 'refused' THEN p.decision_reason END,
        'documents', candidacy_public_documents(p.candidacy_id))
$$;

/*
 * The candidates of an election, filtered (party, district, status, a part
 * of the name), in a stable order (list by party and number, then
 * districts), a page of at most lim after the row numbered after.
 */
-- (Parameters named apart from the view's columns: in an SQL function a column wins.
-- Made afresh on every migrate: a parameter cannot be renamed in place.)
DROP FUNCTION IF EXISTS public_candidates_json(integer, integer, integer, text, text, integer, integer);
CREATE FUNCTION public_candidates_json(election integer, party integer, district integer,
                                                  wanted text, q text, after integer, lim integer)
RETURNS json LANGUAGE sql STABLE AS $$
    WITH rows AS (
        SELECT p, row_number() OVER (ORDER BY p.kind DESC, p.party_id NULLS LAST, p.district_number,
                                              p.position, p.name, p.candidacy_id) AS n
          FROM public_candidacies p
         WHERE p.election_id = election
           AND (party IS NULL OR p.party_id = party)
           AND (district IS NULL OR p.district_number = district)
           AND (wanted IS NULL OR p.status = wanted)
           AND (q IS NULL OR p.name ILIKE '%' || replace(replace(replace(q, '\', '\\'), '%', '\%'), '_', '\_') || '%'))
    SELECT json_build_object(
        'election_id', election,
        'total', (SELECT count(*) FROM rows),
        'items', coalesce((SELECT json_agg(public_candidacy_json(r.p) ORDER BY r.n)
                             FROM rows r WHERE r.n > after AND r.n <= after + lim), '[]'),
        'next', CASE WHEN (SELECT count(*) FROM rows) > after + lim THEN after + lim END)
      FROM elections e WHERE e.id = election
$$;

-- Every candidate of an election as CSV (one line each, a header first).
CREATE OR REPLACE FUNCTION public_candidates_csv(election integer) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT 'candidate_id,name,sex,age,party,kind,district,position,self_nominated,status,other_ethnicity,'
           || 'disability,higher_education,refusal_reason' || E'\n'
           || coalesce(string_agg(concat_ws(',', p.candidate_id, csv_field(p.name), p.sex, p.age,
                  csv_field(coalesce(x.short_name, '')), p.kind, coalesce(p.district_number::text, ''),
                  CASE WHEN p.kind = 'list' THEN p.position::text ELSE '' END, p.self_nominated, p.status,
                  p.other_ethnicity, p.disability, p.higher_education,
                  csv_field(CASE WHEN p.status = 'refused' THEN coalesce(p.decision_reason, '') ELSE '' END)),
                  E'\n' ORDER BY p.kind DESC, p.party_id NULLS LAST, p.district_number, p.position, p.name)
                  || E'\n', '')
      FROM public_candidacies p LEFT JOIN parties x ON x.id = p.party_id
     WHERE p.election_id = election
$$;

-- A value as a CSV field: quoted when it holds a comma, a quote or a line break.
CREATE OR REPLACE FUNCTION csv_field(v text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN v ~ '[",\n\r]' THEN '"' || replace(v, '"', '""') || '"' ELSE v END
$$;

-- The parties taking part in an election, with their list and its count.
CREATE OR REPLACE FUNCTION public_parties_json(election integer) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('election_id', election, 'items', coalesce(json_agg(json_build_object(
        'id', p.id, 'name_ru', p.name_ru, 'name_ky', p.name_ky, 'short_name', p.short_name,
        'registration_number', p.registration_number, 'notified_at', pp.notified_at,
        'list', (SELECT json_build_object('nomination_id', n.id, 'status', n.status, 'submitted_at', n.submitted_at,
                        'candidates', (SELECT count(*) FROM nomination_candidates c
                                        WHERE c.nomination_id = n.id AND c.withdrawn_at IS NULL),
                        'program', (SELECT d.id FROM documents d WHERE d.owner_type = 'nominations'
                                       AND d.owner_id = n.id AND d.kind = 'party_program' AND d.visibility = 'public'
                                     ORDER BY d.version DESC LIMIT 1))
                   FROM nominations n WHERE n.election_id = pp.election_id AND n.party_id = p.id
                    AND n.kind = 'list' AND n.status <> 'draft' ORDER BY n.id DESC LIMIT 1),
        'district_candidates', (SELECT count(*) FROM nominations n WHERE n.election_id = pp.election_id
                                   AND n.party_id = p.id AND n.kind = 'district'
                                   AND n.status NOT IN ('draft', 'withdrawn')))
        ORDER BY p.short_name) FILTER (WHERE p.id IS NOT NULL), '[]'))
      FROM elections e
      LEFT JOIN party_participations pp ON pp.election_id = e.id
      LEFT JOIN parties p ON p.id = pp.party_id
     WHERE e.id = election
     GROUP BY e.id
$$;

-- A candidate's public card: who, and every submitted nomination naming them.
CREATE OR REPLACE FUNCTION public_candidate_json(candidate integer) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('candidate_id', candidate,
        'name', (SELECT p.name FROM public_candidacies p WHERE p.candidate_id = candidate LIMIT 1),
        'nominations', json_agg(public_candidacy_json(p) ORDER BY p.election_id DESC, p.kind DESC))
      FROM public_candidacies p WHERE p.candidate_id = candidate
    HAVING count(*) > 0
$$;

-- The summary reports of an election: candidates by status and by each attribute, per party and district.
CREATE OR REPLACE FUNCTION public_candidates_summary_json(election integer) RETURNS json
LANGUAGE sql STABLE AS $$
    WITH c AS (SELECT p.*, CASE WHEN p.age < 35 THEN '25-34' WHEN p.age < 45 THEN '35-44'
                                WHEN p.age < 55 THEN '45-54' WHEN p.age < 65 THEN '55-64' ELSE '65+' END AS age_group
                 FROM public_candidacies p WHERE p.election_id = election),
    counts AS (
        SELECT grp, key, count(*) AS n,
               count(*) FILTER (WHERE status = 'registered') AS registered,
               count(*) FILTER (WHERE status = 'refused') AS refused
          FROM c CROSS JOIN LATERAL (VALUES
               ('status', status), ('sex', sex), ('age_group', age_group),
               ('other_ethnicity', other_ethnicity::text), ('higher_education', higher_education::text),
               ('disability', disability::text), ('kind', kind),
               ('party', coalesce(party_id::text, 'self')), ('district', district_number::text)) v(grp, key)
         WHERE key IS NOT NULL
         GROUP BY grp, key)
    SELECT json_build_object('election_id', election,
        'total', (SELECT count(*) FROM c),
        'groups', (SELECT coalesce(json_object_agg(grp, items), '{}') FROM
                     (SELECT grp, json_agg(json_build_object('key', key, 'candidates', n, 'registered', registered,
                                                             'refused', refused) ORDER BY key) AS items
                        FROM counts GROUP BY grp) g),
        'refusals', (SELECT coalesce(json_agg(json_build_object('nomination_id', x.id, 'kind', x.kind,
                            'district', x.district_number, 'party_id', x.party_id, 'reason', x.decision_reason,
                            'decided_at', x.decided_at) ORDER BY x.decided_at), '[]')
                       FROM nominations x WHERE x.election_id = election AND x.status = 'refused'))
      FROM elections e WHERE e.id = election
$$;
