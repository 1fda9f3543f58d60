-- Talapker's package, deposit, checks and review (migration 022).  As in
-- 021_talapker.sql: one function per write, refusals of class SH.

-- The commission that acts as a single-member district's election
-- commission: the territorial commission of the district's first station.
CREATE OR REPLACE FUNCTION district_commission(district integer) RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT s.commission_id FROM stations s WHERE s.district_number = district ORDER BY s.number LIMIT 1
$$;

-- The package (DOMAIN.md): which kinds each owner of a nomination takes, for
-- which nominations, whether required, and whether public once registered.
-- The kinds themselves (types, sizes) are cgi/api/document_kinds.c's.
-- applies: list, district (any district nomination), district_party, district_self.
CREATE OR REPLACE FUNCTION document_requirements()
RETURNS TABLE (owner_type text, kind text, applies text, required boolean, public_on_registration boolean,
               title text)
LANGUAGE sql IMMUTABLE AS $$
    VALUES
    ('nominations', 'congress_decision', 'list', true, false, 'Decision of the party congress, signed and sealed'),
    ('nominations', 'party_program', 'list', false, true, 'The party''s program'),
    ('nominations', 'deposit_proof', 'list', true, false, 'Proof of the deposit'),
    ('nominations', 'deposit_proof', 'district', true, false, 'Proof of the deposit'),
    ('candidacies', 'nomination_decision', 'district_party', true, false, 'The party''s decision to nominate'),
    ('candidacies', 'self_nomination_statement', 'district_self', true, false, 'Statement of self-nomination'),
    ('candidacies', 'biography', 'all', true, true, 'Information form (biography)'),
    ('candidacies', 'photo', 'all', false, true, 'Photograph'),
    ('candidacies', 'program', 'district', false, true, 'The candidate''s program'),
    ('candidacies', 'passport_copy', 'all', true, false, 'Copy of the passport'),
    ('candidacies', 'work_certificate', 'all', true, false, 'Certificate from the place of work or study'),
    ('candidacies', 'citizenship_statement', 'all', true, false, 'Statement on citizenship, past ones included'),
    ('candidacies', 'criminal_record_info', 'all', true, false, 'Criminal-record information'),
    ('candidacies', 'personal_data_consent', 'all', true, false, 'Consent to processing of personal data'),
    ('candidacies', 'diploma', 'all', true, false, 'Diploma of higher education')
$$;

CREATE OR REPLACE FUNCTION document_applies(applies text, n nominations) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE applies
        WHEN 'all' THEN true
        WHEN 'list' THEN n.kind = 'list'
        WHEN 'district' THEN n.kind = 'district'
        WHEN 'district_party' THEN n.kind = 'district' AND n.party_id IS NOT NULL
        WHEN 'district_self' THEN n.kind = 'district' AND n.party_id IS NULL
        ELSE false END
$$;

-- Is actor a reviewer of n: the CEC's administrators for every nomination,
-- the administrators of the district's commission for a district's.
CREATE OR REPLACE FUNCTION nomination_reviewer(n nominations, actor text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM staff_roles r WHERE r.pin = actor
                      AND (r.role = 'cec_admin'
                           OR (r.role = 'tec_admin' AND n.kind = 'district'
                               AND r.commission_id = district_commission(n.district_number))))
$$;

-- Who may do what with the documents of a nomination or a candidacy
-- (cgi/api/document_kinds.c): actor's role ('head', 'rep', 'candidate' or
-- 'reviewer', NULL: none), the nomination's status and kind.  The candidate
-- of a candidacy may see and add their own documents.
CREATE OR REPLACE FUNCTION nomination_document_access(owner text, id bigint, actor text)
RETURNS TABLE (role text, status text, kind text)
LANGUAGE sql STABLE AS $$
    SELECT coalesce(nomination_role(n, actor),
                    CASE WHEN owner = 'candidacies' AND k.pin = actor THEN 'candidate' END,
                    CASE WHEN nomination_reviewer(n, actor) THEN 'reviewer' END),
           n.status, n.kind
      FROM nominations n
      LEFT JOIN nomination_candidates c ON owner = 'candidacies' AND c.id = nomination_document_access.id
      LEFT JOIN candidates k ON k.id = c.candidate_id
     WHERE n.id = CASE WHEN owner = 'nominations' THEN nomination_document_access.id ELSE c.nomination_id END
$$;

-- The latest version of each kind of an owner's documents, with the latest review of that version.
-- (Parameters named apart from the columns: in an SQL function a column wins.)
DROP FUNCTION IF EXISTS owner_documents(text, bigint);
CREATE FUNCTION owner_documents(owner_kind text, owner_number bigint)
RETURNS TABLE (kind text, document_id bigint, version integer, sha256 text, visibility text,
               uploaded_at timestamptz, verdict text, comment text)
LANGUAGE sql STABLE AS $$
    SELECT DISTINCT ON (d.kind) d.kind, d.id, d.version, d.sha256, d.visibility, d.uploaded_at,
           r.verdict, r.comment
      FROM documents d
      LEFT JOIN LATERAL (SELECT x.verdict, x.comment FROM document_reviews x
                          WHERE x.document_id = d.id ORDER BY x.id DESC LIMIT 1) r ON true
     WHERE d.owner_type = owner_kind AND d.owner_id = owner_number
     ORDER BY d.kind, d.version DESC
$$;

-- The package of a nomination: every kind it and its candidates take, what
-- is there (the latest version and its review) and what is missing.
CREATE OR REPLACE FUNCTION nomination_package(n nominations) RETURNS json
LANGUAGE sql STABLE AS $$
    WITH owners AS (
        SELECT 'nominations'::text AS owner_type, n.id AS owner_id, NULL::smallint AS position, NULL::text AS name
        UNION ALL
        SELECT 'candidacies', c.id, c.position, concat_ws(' ', k.last_name, k.first_name, k.patronymic)
          FROM nomination_candidates c JOIN candidates k ON k.id = c.candidate_id
         WHERE c.nomination_id = n.id AND c.withdrawn_at IS NULL),
    items AS (
        SELECT o.*, q.kind, q.required, q.public_on_registration, q.title,
               d.document_id, d.version, d.sha256, d.verdict, d.comment
          FROM owners o
          JOIN document_requirements() q ON q.owner_type = o.owner_type AND document_applies(q.applies, n)
          LEFT JOIN owner_documents(o.owner_type, o.owner_id) d ON d.kind = q.kind)
    SELECT json_build_object(
        'complete', NOT EXISTS (SELECT 1 FROM items WHERE required AND document_id IS NULL),
        'missing', (SELECT count(*) FROM items WHERE required AND document_id IS NULL),
        'deficient', (SELECT count(*) FROM items WHERE verdict = 'deficient'),
        'items', coalesce(json_agg(json_build_object(
            'owner', owner_type, 'owner_id', owner_id, 'position', position, 'candidate', name,
            'kind', kind, 'title', title, 'required', required,
            'public_on_registration', public_on_registration,
            'document', CASE WHEN document_id IS NOT NULL THEN json_build_object(
                'id', document_id, 'version', version, 'sha256', sha256,
                'review', verdict, 'comment', comment) END)
            ORDER BY position NULLS FIRST, required DESC, kind), '[]'))
      FROM items
$$;

-- The documents of the package as the receipt lists them: kind, owner, version, SHA-256.
-- (It takes the package, not the nomination: submission has it in hand.)
DROP FUNCTION IF EXISTS nomination_receipt_documents(nominations);
CREATE OR REPLACE FUNCTION nomination_receipt_documents(package json) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object('owner', i ->> 'owner', 'position', (i ->> 'position')::integer,
                                                 'kind', i ->> 'kind', 'document_id', (i #>> '{document,id}')::bigint,
                                                 'version', (i #>> '{document,version}')::integer,
                                                 'sha256', i #>> '{document,sha256}')), '[]')
      FROM json_array_elements(package -> 'items') i
     WHERE i -> 'document' IS NOT NULL AND json_typeof(i -> 'document') = 'object'
$$;

-- The deposit the law asks (som): 1,000,000 a list, 100,000 a district candidate.
CREATE OR REPLACE FUNCTION nomination_deposit_due(n nominations) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$ SELECT CASE n.kind WHEN 'list' THEN 1000000 ELSE 100000 END::bigint $$;

/*
 * The deposit of a nomination, as the treasury confirmed the payment (asked
 * through Tunduk by the caller): at least the law's amount, paid to the
 * CEC's deposit account, not used by another nomination.
 */
CREATE OR REPLACE FUNCTION nomination_deposit(nomination bigint, reference text, payment jsonb, actor text)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    n nominations := nomination_for_change(nomination, actor, '{draft,deficiencies}',
                                           'its deposit can no longer change');
    due bigint := nomination_deposit_due(n);
BEGIN
    IF payment ->> 'reference' IS DISTINCT FROM reference THEN
        RAISE EXCEPTION 'the treasury answered for % instead of %', payment ->> 'reference', reference;
    END IF;
    IF payment ->> 'status' IS DISTINCT FROM 'completed' THEN
        PERFORM shailoo_refuse(422, 'payment_not_completed', format('the treasury says payment %s is %s',
            reference, coalesce(payment ->> 'status', 'unknown')), 'payment_reference');
    END IF;
    IF payment ->> 'purpose' IS DISTINCT FROM 'election_deposit' THEN
        PERFORM shailoo_refuse(422, 'payment_not_deposit',
            'this payment was not made to the commission''s deposit account', 'payment_reference');
    END IF;
    IF (payment ->> 'amount')::numeric < due THEN
        PERFORM shailoo_refuse(422, 'deposit_too_small', format(
            'the payment is %s som; the deposit is %s som', payment ->> 'amount', due), 'payment_reference');
    END IF;
    IF EXISTS (SELECT 1 FROM nominations o WHERE o.deposit ->> 'reference' = reference AND o.id <> n.id
                  AND o.status <> 'withdrawn') THEN
        PERFORM shailoo_refuse(409, 'payment_used', 'this payment is the deposit of another nomination',
            'payment_reference');
    END IF;
    UPDATE nominations SET deposit = jsonb_build_object('reference', reference, 'amount', (payment ->> 'amount')::numeric,
                               'due', due, 'payer', payment ->> 'payer', 'paid_at', payment ->> 'paid_at',
                               'checked_at', shailoo_now(), 'checked_by', actor),
                           updated_at = shailoo_now()
     WHERE id = n.id RETURNING * INTO n;
    INSERT INTO nomination_events (nomination_id, actor_pin, actor_role, action, comment)
    VALUES (n.id, actor, nomination_role(n, actor), 'deposit_confirmed',
            format('payment %s, %s som, confirmed by the treasury', reference, payment ->> 'amount'));
    RETURN json_build_object('nomination', nomination_json(n), 'your_role', nomination_role(n, actor));
END $$;

-- ---------------------------------------------------------------- the checks through Tunduk

-- The candidates to check: each on the nomination, not withdrawn.
CREATE OR REPLACE FUNCTION nomination_check_targets(nomination bigint)
RETURNS TABLE (candidacy_id bigint, pin text, disability boolean)
LANGUAGE sql STABLE AS $$
    SELECT c.id, k.pin, k.disability
      FROM nomination_candidates c JOIN candidates k ON k.id = c.candidate_id
     WHERE c.nomination_id = nomination AND c.withdrawn_at IS NULL ORDER BY c.position
$$;

/*
 * Records what the registers said about one candidate (population: the
 * person, or NULL if not found; criminal, citizenship, disability: their
 * answers, NULL if the register did not answer; calls: the tunduk_calls ids
 * of the four calls, NULL where none was made), as one row per check.
 */
CREATE OR REPLACE FUNCTION candidacy_checks_record(candidacy bigint, population jsonb, population_status text,
                                                   criminal jsonb, citizenship jsonb, disability jsonb,
                                                   calls bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    c nomination_candidates;
    k candidates;
    e elections;
    convictions integer;
    others text;
BEGIN
    SELECT * INTO STRICT c FROM nomination_candidates WHERE id = candidacy;
    SELECT * INTO STRICT k FROM candidates WHERE id = c.candidate_id;
    SELECT e2.* INTO STRICT e FROM elections e2 JOIN nominations n ON n.election_id = e2.id WHERE n.id = c.nomination_id;
    -- identity, age and address: the population register
    IF population_status = 'unavailable' THEN
        INSERT INTO candidacy_checks (candidacy_id, check_name, outcome, detail, tunduk_call_id)
        SELECT candidacy, x, 'unavailable', 'the population register did not answer', calls[1]
          FROM unnest(ARRAY['identity', 'age', 'address']) x;
    ELSIF population IS NULL THEN
        INSERT INTO candidacy_checks (candidacy_id, check_name, outcome, detail, tunduk_call_id)
        VALUES (candidacy, 'identity', 'failed', 'the population register has no person with this PIN', calls[1]);
    ELSE
        INSERT INTO candidacy_checks (candidacy_id, check_name, outcome, detail, tunduk_call_id) VALUES
        (candidacy, 'identity',
         CASE WHEN population ->> 'last_name' = k.last_name AND coalesce(population ->> 'deceased', 'false') = 'false'
              THEN 'passed' ELSE 'failed' END,
         CASE WHEN coalesce(population ->> 'deceased', 'false') <> 'false' THEN 'the register records this person as deceased'
              WHEN population ->> 'last_name' = k.last_name THEN 'the person the register knows'
              ELSE format('the register names the person %s', population ->> 'last_name') END, calls[1]),
        (candidacy, 'age',
         CASE WHEN age(e.date, (population ->> 'birth_date')::date) >= interval '25 years' THEN 'passed' ELSE 'failed' END,
         format('born %s: %s on election day', population ->> 'birth_date',
                extract(year FROM age(e.date, (population ->> 'birth_date')::date))), calls[1]),
        (candidacy, 'address',
         CASE WHEN population -> 'registered_address' IS NOT NULL THEN 'passed' ELSE 'failed' END,
         coalesce(concat_ws(', ', population #>> '{registered_address,region}', population #>> '{registered_address,settlement}'),
                  'no registered address'), calls[1]);
    END IF;
    -- criminal record
    IF criminal IS NULL THEN
        INSERT INTO candidacy_checks (candidacy_id, check_name, outcome, detail, tunduk_call_id)
        VALUES (candidacy, 'criminal_record', 'unavailable', 'the register of convictions did not answer', calls[2]);
    ELSE
        convictions := coalesce(json_array_length((criminal -> 'convictions')::json), 0);
        INSERT INTO candidacy_checks (candidacy_id, check_name, outcome, detail, tunduk_call_id)
        VALUES (candidacy, 'criminal_record', CASE WHEN convictions = 0 THEN 'passed' ELSE 'failed' END,
                CASE WHEN convictions = 0 THEN 'no unexpunged conviction'
                     ELSE format('%s unexpunged conviction(s): %s', convictions,
                                 (SELECT string_agg(concat_ws(' ', x ->> 'article', x ->> 'date'), '; ')
                                    FROM jsonb_array_elements(criminal -> 'convictions') x)) END, calls[2]);
    END IF;
    -- other citizenship
    IF citizenship IS NULL THEN
        INSERT INTO candidacy_checks (candidacy_id, check_name, outcome, detail, tunduk_call_id)
        VALUES (candidacy, 'citizenship', 'unavailable', 'the citizenship register did not answer', calls[3]);
    ELSE
        SELECT string_agg(x, ', ') INTO others FROM jsonb_array_elements_text(citizenship -> 'citizenships') x WHERE x <> 'KG';
        INSERT INTO candidacy_checks (candidacy_id, check_name, outcome, detail, tunduk_call_id)
        VALUES (candidacy, 'citizenship', CASE WHEN others IS NULL THEN 'passed' ELSE 'failed' END,
                CASE WHEN others IS NULL THEN 'a citizen of the Kyrgyz Republic only'
                     ELSE 'also a citizen of ' || others END, calls[3]);
    END IF;
    -- disability, where claimed
    IF k.disability THEN
        INSERT INTO candidacy_checks (candidacy_id, check_name, outcome, detail, tunduk_call_id)
        VALUES (candidacy, 'disability',
                CASE WHEN disability IS NULL THEN 'unavailable'
                     WHEN (disability ->> 'disabled')::boolean THEN 'passed' ELSE 'failed' END,
                CASE WHEN disability IS NULL THEN 'the disability register did not answer'
                     WHEN (disability ->> 'disabled')::boolean THEN 'disability group ' || coalesce(disability ->> 'group', '?')
                     ELSE 'the register records no disability, which the nomination claims' END, calls[4]);
    END IF;
END $$;

CREATE OR REPLACE FUNCTION nomination_checks_done(nomination bigint, actor text, role text) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO nomination_events (nomination_id, actor_pin, actor_role, action, comment)
    SELECT nomination, actor, coalesce(role, (SELECT nomination_role(n, actor) FROM nominations n WHERE n.id = nomination),
                                       'commission'), 'checks_run',
           format('%s checks: %s passed, %s failed, %s unanswered', count(*),
                  count(*) FILTER (WHERE x ->> 'outcome' = 'passed'), count(*) FILTER (WHERE x ->> 'outcome' = 'failed'),
                  count(*) FILTER (WHERE x ->> 'outcome' = 'unavailable'))
      FROM json_array_elements(nomination_checks_json(nomination)) x
$$;

-- The latest result of each check of each candidate of a nomination.
CREATE OR REPLACE FUNCTION nomination_checks_json(nomination bigint) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT coalesce(json_agg(json_build_object(
        'position', c.position, 'candidacy_id', c.id, 'check', x.check_name, 'outcome', x.outcome,
        'detail', x.detail, 'checked_at', x.checked_at,
        'evidence', (SELECT json_build_object('x_road_id', t.xroad_id, 'service', t.service,
                                              'request_hash', t.request_hash, 'status', t.status,
                                              'issue', t.issue, 'at', t.at)
                       FROM tunduk_calls t WHERE t.id = x.tunduk_call_id))
        ORDER BY c.position, x.check_name), '[]')
      FROM nomination_candidates c
      JOIN LATERAL (SELECT DISTINCT ON (y.check_name) y.* FROM candidacy_checks y
                     WHERE y.candidacy_id = c.id ORDER BY y.check_name, y.id DESC) x ON true
     WHERE c.nomination_id = nomination AND c.withdrawn_at IS NULL
$$;

-- ---------------------------------------------------------------- the review

CREATE OR REPLACE FUNCTION review_deadline(n nominations) RETURNS timestamptz
LANGUAGE sql IMMUTABLE AS $$ SELECT n.submitted_at + interval '10 days' $$;

-- A nomination actor reviews, locked, in one of states; or a refusal.
CREATE OR REPLACE FUNCTION review_for_change(nomination bigint, actor text, states text[], what text)
RETURNS nominations LANGUAGE plpgsql AS $$
DECLARE
    n nominations;
BEGIN
    SELECT * INTO n FROM nominations WHERE id = nomination FOR UPDATE;
    IF NOT FOUND OR n.status = 'draft' OR NOT nomination_reviewer(n, actor) THEN
        PERFORM shailoo_refuse(404, 'nomination_not_found', 'no nomination with this number is yours to review', 'id');
    END IF;
    IF NOT n.status = ANY (states) THEN
        PERFORM shailoo_refuse(409, 'nomination_' || n.status, format('the nomination is %s: %s',
            replace(n.status, '_', ' '), what), NULL);
    END IF;
    RETURN n;
END $$;

-- The reviewer's queue: what actor reviews, open first, by deadline.
CREATE OR REPLACE FUNCTION review_queue_json(election integer, actor text) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('items', coalesce(json_agg(json_build_object(
        'id', n.id, 'election_id', n.election_id, 'kind', n.kind, 'district', n.district_number,
        'party', (SELECT json_build_object('id', p.id, 'short_name', p.short_name) FROM parties p WHERE p.id = n.party_id),
        'candidate', CASE WHEN n.kind = 'district' THEN (SELECT concat_ws(' ', k.last_name, k.first_name, k.patronymic)
                       FROM nomination_candidates c JOIN candidates k ON k.id = c.candidate_id
                      WHERE c.nomination_id = n.id AND c.position = 1) END,
        'status', n.status, 'submitted_at', n.submitted_at, 'review_deadline', review_deadline(n),
        'deficiencies_due', n.deficiencies_due,
        'overdue', n.status IN ('submitted', 'under_review', 'deficiencies') AND shailoo_now() > review_deadline(n),
        'candidates', (SELECT count(*) FROM nomination_candidates c WHERE c.nomination_id = n.id AND c.withdrawn_at IS NULL),
        'missing_documents', (nomination_package(n) ->> 'missing')::integer,
        'failed_checks', (SELECT count(*) FROM json_array_elements(nomination_checks_json(n.id)) x
                           WHERE x ->> 'outcome' <> 'passed'))
        ORDER BY n.status IN ('registered', 'refused', 'withdrawn'), review_deadline(n), n.id), '[]'))
      FROM nominations n
     WHERE n.status <> 'draft' AND (election IS NULL OR n.election_id = election) AND nomination_reviewer(n, actor)
$$;

-- A nomination as its reviewer sees it: the nomination, the package, the checks, the reviews.
CREATE OR REPLACE FUNCTION review_get(nomination bigint, actor text) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('nomination', nomination_json(n), 'your_role', 'reviewer',
        'checks', nomination_checks_json(n.id),
        'reviews', (SELECT coalesce(json_agg(json_build_object('document_id', r.document_id, 'verdict', r.verdict,
                       'comment', r.comment, 'by', r.reviewer_pin, 'at', r.at) ORDER BY r.id), '[]')
                      FROM document_reviews r WHERE r.nomination_id = n.id))
      FROM nominations n
     WHERE n.id = nomination AND n.status <> 'draft' AND nomination_reviewer(n, actor)
$$;

CREATE OR REPLACE FUNCTION review_answer(n nominations) RETURNS json
LANGUAGE sql STABLE AS $$ SELECT review_get(n.id, n.reviewer_pin) $$;

CREATE OR REPLACE FUNCTION review_start(nomination bigint, actor text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    n nominations := review_for_change(nomination, actor, '{submitted}', 'its review has begun already');
BEGIN
    UPDATE nominations SET status = 'under_review', review_started_at = shailoo_now(), reviewer_pin = actor,
                           updated_at = shailoo_now()
     WHERE id = n.id RETURNING * INTO n;
    INSERT INTO nomination_events (nomination_id, actor_pin, actor_role, action)
    VALUES (n.id, actor, 'commission', 'review_started');
    RETURN review_get(n.id, actor);
END $$;

-- The reviewer's verdict on a document of a nomination under review.
CREATE OR REPLACE FUNCTION review_document(document bigint, verdict text, comment text, actor text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    d documents;
    nid bigint;
    n nominations;
BEGIN
    SELECT * INTO d FROM documents WHERE id = document;
    IF FOUND THEN
        nid := CASE d.owner_type WHEN 'nominations' THEN d.owner_id
                   WHEN 'candidacies' THEN (SELECT c.nomination_id FROM nomination_candidates c WHERE c.id = d.owner_id) END;
    END IF;
    IF nid IS NULL THEN
        PERFORM shailoo_refuse(404, 'document_not_found', 'no document of a nomination has this number', 'id');
    END IF;
    n := review_for_change(nid, actor, '{under_review}', 'documents are reviewed while it is under review');
    IF verdict NOT IN ('accepted', 'deficient') THEN
        PERFORM shailoo_refuse(422, 'verdict', 'the verdict is accepted or deficient', 'verdict');
    END IF;
    IF verdict = 'deficient' AND coalesce(comment, '') = '' THEN
        PERFORM shailoo_refuse(422, 'comment_required', 'say what is wrong with the document', 'comment');
    END IF;
    IF EXISTS (SELECT 1 FROM documents x WHERE x.replaces = d.id) THEN
        PERFORM shailoo_refuse(409, 'document_replaced', 'a newer version of this document exists: review that', 'id');
    END IF;
    INSERT INTO document_reviews (document_id, nomination_id, verdict, comment, reviewer_pin)
    VALUES (d.id, n.id, verdict, coalesce(comment, ''), actor);
    INSERT INTO nomination_events (nomination_id, actor_pin, actor_role, action, comment)
    VALUES (n.id, actor, 'commission', CASE verdict WHEN 'accepted' THEN 'document_accepted' ELSE 'document_deficient' END,
            concat_ws(': ', d.kind || ' v' || d.version, nullif(comment, '')));
    -- (A verdict is one of many in a sitting: the answer is the verdict, not the whole nomination.)
    RETURN json_build_object('document_id', d.id, 'kind', d.kind, 'version', d.version, 'verdict', verdict,
                             'comment', coalesce(comment, ''), 'nomination_id', n.id, 'status', n.status);
END $$;

-- The deficiencies go to the party, to be corrected within three days (before the review's deadline).
CREATE OR REPLACE FUNCTION review_send_deficiencies(nomination bigint, actor text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    n nominations := review_for_change(nomination, actor, '{under_review}', 'deficiencies are sent during the review');
    k integer;
BEGIN
    SELECT (nomination_package(n) ->> 'deficient')::integer INTO k;
    IF k = 0 THEN
        PERFORM shailoo_refuse(422, 'no_deficiencies', 'record a deficiency of a document first', NULL);
    END IF;
    UPDATE nominations SET status = 'deficiencies', updated_at = shailoo_now(),
                           deficiencies_due = least(shailoo_now() + interval '3 days', review_deadline(n))
     WHERE id = n.id RETURNING * INTO n;
    INSERT INTO nomination_events (nomination_id, actor_pin, actor_role, action, comment)
    VALUES (n.id, actor, 'commission', 'deficiencies_sent',
            format('%s document(s) to correct by %s', k, to_char(n.deficiencies_due, 'YYYY-MM-DD HH24:MI')));
    RETURN review_get(n.id, actor);
END $$;

-- The party has corrected every deficient document (a new version of each): back to review.
CREATE OR REPLACE FUNCTION nomination_resubmit(nomination bigint, actor text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    n nominations := nomination_for_change(nomination, actor, '{deficiencies}', 'there is nothing to correct');
    left_ integer;
BEGIN
    IF shailoo_now() > n.deficiencies_due THEN
        PERFORM shailoo_refuse(422, 'corrections_closed', format('corrections were due by %s',
            to_char(n.deficiencies_due, 'YYYY-MM-DD HH24:MI')), NULL);
    END IF;
    SELECT (nomination_package(n) ->> 'deficient')::integer INTO left_;
    IF left_ > 0 THEN
        PERFORM shailoo_refuse(422, 'deficiencies_left', format(
            '%s deficient document(s) have no corrected version yet', left_), NULL);
    END IF;
    UPDATE nominations SET status = 'under_review', updated_at = shailoo_now() WHERE id = n.id RETURNING * INTO n;
    INSERT INTO nomination_events (nomination_id, actor_pin, actor_role, action)
    VALUES (n.id, actor, nomination_role(n, actor), 'corrected');
    RETURN json_build_object('nomination', nomination_json(n), 'your_role', nomination_role(n, actor));
END $$;

-- A registered nomination on the ballot: the contest (made if absent), the entry, the list.
CREATE OR REPLACE FUNCTION nomination_to_ballot(n nominations) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    contest integer;
    pos integer;
BEGIN
    SELECT id INTO contest FROM contests WHERE election_id = n.election_id AND kind = n.kind
       AND district_number IS NOT DISTINCT FROM n.district_number;
    IF NOT FOUND THEN
        contest := n.election_id * 100 + coalesce(n.district_number, 0);
        INSERT INTO contests (id, election_id, kind, district_number, seats)
        VALUES (contest, n.election_id, n.kind, n.district_number, CASE n.kind WHEN 'list' THEN 54 ELSE 1 END);
    END IF;
    PERFORM 1 FROM contests WHERE id = contest FOR UPDATE;
    SELECT coalesce(max(ballot_position), 0) + 1 INTO pos FROM contest_entries WHERE contest_id = contest;
    -- Registering again finds the entry there (the ballot is printed once).
    IF n.kind = 'list' THEN
        IF NOT EXISTS (SELECT 1 FROM contest_entries WHERE contest_id = contest AND party_id = n.party_id) THEN
            INSERT INTO contest_entries (contest_id, ballot_position, party_id) VALUES (contest, pos, n.party_id);
        END IF;
        INSERT INTO list_candidates (contest_id, party_id, position, candidate_id, withdrawn)
        SELECT contest, n.party_id, c.position, c.candidate_id, c.withdrawn_at IS NOT NULL
          FROM nomination_candidates c WHERE c.nomination_id = n.id
        ON CONFLICT DO NOTHING;
    ELSE
        INSERT INTO contest_entries (contest_id, ballot_position, party_id, candidate_id)
        SELECT contest, pos, n.party_id, c.candidate_id FROM nomination_candidates c
         WHERE c.nomination_id = n.id AND c.position = 1
           AND NOT EXISTS (SELECT 1 FROM contest_entries x WHERE x.contest_id = contest
                              AND x.candidate_id = c.candidate_id);
    END IF;
    -- The biography, program and photo become public.
    UPDATE documents d SET visibility = 'public'
      FROM document_requirements() q
     WHERE q.public_on_registration AND d.kind = q.kind AND d.owner_type = q.owner_type AND d.visibility = 'private'
       AND ((d.owner_type = 'nominations' AND d.owner_id = n.id)
            OR (d.owner_type = 'candidacies' AND d.owner_id IN (SELECT c.id FROM nomination_candidates c
                                                                 WHERE c.nomination_id = n.id)));
END $$;

/*
 * The commission registers or refuses (with reasons).  Registration asks a
 * complete package, every document's latest version accepted, the deposit,
 * and every check passed; it puts the nomination on the ballot.
 */
CREATE OR REPLACE FUNCTION review_decide(nomination bigint, decision text, reason text, actor text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    n nominations := review_for_change(nomination, actor, '{under_review}', 'it is decided under review');
    pkg json := nomination_package(n);
    unreviewed integer;
    failed text;
BEGIN
    IF decision NOT IN ('registered', 'refused') THEN
        PERFORM shailoo_refuse(422, 'decision', 'the decision is registered or refused', 'decision');
    END IF;
    IF decision = 'refused' AND coalesce(reason, '') = '' THEN
        PERFORM shailoo_refuse(422, 'reason_required', 'a refusal states its reasons', 'reason');
    END IF;
    IF decision = 'registered' THEN
        IF NOT (pkg ->> 'complete')::boolean THEN
            PERFORM shailoo_refuse(422, 'package_incomplete', format('%s required document(s) are missing', pkg ->> 'missing'), NULL);
        END IF;
        SELECT count(*) INTO unreviewed FROM json_array_elements(pkg -> 'items') i
         WHERE json_typeof(i -> 'document') = 'object' AND (i #>> '{document,review}') IS DISTINCT FROM 'accepted';
        IF unreviewed > 0 THEN
            PERFORM shailoo_refuse(422, 'documents_not_accepted', format(
                '%s document(s) are not accepted yet', unreviewed), NULL);
        END IF;
        IF n.deposit IS NULL THEN
            PERFORM shailoo_refuse(422, 'deposit_missing', 'the deposit is not confirmed', NULL);
        END IF;
        SELECT string_agg(format('%s at %s (%s)', x ->> 'check', x ->> 'position', x ->> 'outcome'), '; ') INTO failed
          FROM json_array_elements(nomination_checks_json(n.id)) x WHERE x ->> 'outcome' <> 'passed';
        IF failed IS NOT NULL THEN
            PERFORM shailoo_refuse(422, 'checks_not_passed', 'checks not passed: ' || failed, NULL);
        END IF;
        IF NOT EXISTS (SELECT 1 FROM json_array_elements(nomination_checks_json(n.id))) THEN
            PERFORM shailoo_refuse(422, 'checks_not_run', 'the registers have not been asked yet', NULL);
        END IF;
    END IF;
    UPDATE nominations SET status = decision, decided_at = shailoo_now(), decision_reason = nullif(reason, ''),
                           updated_at = shailoo_now()
     WHERE id = n.id RETURNING * INTO n;
    INSERT INTO nomination_events (nomination_id, actor_pin, actor_role, action, comment)
    VALUES (n.id, actor, 'commission', decision, coalesce(reason, ''));
    IF decision = 'registered' THEN
        PERFORM nomination_to_ballot(n);
    END IF;
    RETURN review_get(n.id, actor);
END $$;

-- The CEC's overview of an election: nominations by stage, reviews near or past their deadline.
CREATE OR REPLACE FUNCTION review_overview_json(election integer, actor text) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('election_id', election,
        'by_status', (SELECT coalesce(json_object_agg(status, k), '{}') FROM
                        (SELECT status, count(*) AS k FROM nominations WHERE election_id = election GROUP BY status) s),
        'by_kind', (SELECT coalesce(json_object_agg(kind, k), '{}') FROM
                        (SELECT kind, count(*) AS k FROM nominations WHERE election_id = election AND status <> 'draft'
                          GROUP BY kind) s),
        'near_deadline', (SELECT coalesce(json_agg(json_build_object('id', n.id, 'kind', n.kind,
                              'district', n.district_number, 'status', n.status, 'review_deadline', review_deadline(n))
                              ORDER BY review_deadline(n)), '[]')
                            FROM nominations n WHERE n.election_id = election
                             AND n.status IN ('submitted', 'under_review', 'deficiencies')
                             AND review_deadline(n) BETWEEN shailoo_now() AND shailoo_now() + interval '2 days'),
        'overdue', (SELECT coalesce(json_agg(json_build_object('id', n.id, 'kind', n.kind,
                        'district', n.district_number, 'status', n.status, 'review_deadline', review_deadline(n))
                        ORDER BY review_deadline(n)), '[]')
                      FROM nominations n WHERE n.election_id = election
                       AND n.status IN ('submitted', 'under_review', 'deficiencies') AND review_deadline(n) < shailoo_now()))
     WHERE EXISTS (SELECT 1 FROM staff_roles WHERE pin = actor AND role = 'cec_admin')
$$;

-- A new version of a public-on-registration document of a registered nomination is public at once.
CREATE OR REPLACE FUNCTION documents_public_on_registration() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.owner_type IN ('nominations', 'candidacies') AND NEW.visibility = 'private'
       AND EXISTS (SELECT 1 FROM document_requirements() q WHERE q.owner_type = NEW.owner_type
                      AND q.kind = NEW.kind AND q.public_on_registration)
       AND EXISTS (SELECT 1 FROM nominations n WHERE n.status = 'registered'
                      AND n.id = CASE NEW.owner_type WHEN 'nominations' THEN NEW.owner_id
                                 ELSE (SELECT c.nomination_id FROM nomination_candidates c WHERE c.id = NEW.owner_id) END) THEN
        NEW.visibility := 'public';
    END IF;
    RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER documents_public_on_registration BEFORE INSERT ON documents
    FOR EACH ROW EXECUTE FUNCTION documents_public_on_registration();
