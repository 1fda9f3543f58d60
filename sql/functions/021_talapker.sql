-- Talapker's writes and private views (migration 021).  Each write is one
-- function, called as one statement (so one transaction) by cgi/api/talapker.c
-- and by the demo alike; the signed-in person's PIN comes last.  A refusal is
-- raised as SQLSTATE class SH (SH403, SH404, SH409, SH422): DETAIL is the
-- error's code, the message its words, HINT the field (cgi/api/common.c).

CREATE OR REPLACE FUNCTION shailoo_refuse(status integer, code text, message text, field text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'SH' || status::text, MESSAGE = message, DETAIL = code,
                          HINT = coalesce(field, '');
END $$;

-- The law's calendar of nominations for an election: submissions until 18:00
-- (Bishkek) 40 days before voting; withdrawals until 18:00 five days before
-- (our rule: "shortly before voting"); a review takes at most 10 days.
CREATE OR REPLACE FUNCTION nomination_calendar(e elections) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'submission_closes', ((e.date - 40) + time '18:00') AT TIME ZONE 'Asia/Bishkek',
        'withdrawal_closes', ((e.date - 5) + time '18:00') AT TIME ZONE 'Asia/Bishkek',
        'review_days', 10,
        'submission_open', e.status IN ('scheduled', 'open')
                           AND shailoo_now() < ((e.date - 40) + time '18:00') AT TIME ZONE 'Asia/Bishkek')
$$;

CREATE OR REPLACE FUNCTION nomination_submission_open(e elections) RETURNS boolean
LANGUAGE sql STABLE AS $$ SELECT (nomination_calendar(e) ->> 'submission_open')::boolean $$;

-- An election that takes nominations now, locked against a change of date; or a refusal.
CREATE OR REPLACE FUNCTION nomination_election(election integer) RETURNS elections
LANGUAGE plpgsql AS $$
DECLARE
    e elections;
BEGIN
    SELECT * INTO e FROM elections WHERE id = election FOR SHARE;
    IF NOT FOUND THEN
        PERFORM shailoo_refuse(404, 'election_not_found', 'there is no such election', 'election_id');
    END IF;
    IF e.type <> 'parliamentary' THEN
        PERFORM shailoo_refuse(422, 'not_parliamentary',
            'Talapker takes nominations for parliamentary elections only', 'election_id');
    END IF;
    IF NOT nomination_submission_open(e) THEN
        PERFORM shailoo_refuse(422, 'submission_closed', format(
            'nominations for this election closed at 18:00 on %s (40 days before voting)',
            to_char(e.date - 40, 'YYYY-MM-DD')), 'election_id');
    END IF;
    RETURN e;
END $$;

-- What actor is to the party in the election: 'head', 'rep' or NULL.
CREATE OR REPLACE FUNCTION party_role(election integer, party integer, actor text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN EXISTS (SELECT 1 FROM party_participations
                      WHERE election_id = election AND party_id = party AND head_pin = actor) THEN 'head'
        WHEN EXISTS (SELECT 1 FROM party_reps WHERE election_id = election AND party_id = party
                        AND pin = actor AND withdrawn_at IS NULL) THEN 'rep'
    END
$$;

-- The party's role of actor, or a refusal: someone else's party is as absent as none.
CREATE OR REPLACE FUNCTION party_role_required(election integer, party integer, actor text,
                                               head_only boolean DEFAULT false) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    r text := party_role(election, party, actor);
BEGIN
    IF r IS NULL THEN
        PERFORM shailoo_refuse(404, 'party_not_found',
            'you are neither the head nor a representative of this party in this election', 'party');
    END IF;
    IF head_only AND r <> 'head' THEN
        PERFORM shailoo_refuse(403, 'not_party_head', 'only the party''s head may do this', NULL);
    END IF;
    RETURN r;
END $$;

-- ---------------------------------------------------------------- parties

-- The party's office as its head and representatives see it.
CREATE OR REPLACE FUNCTION party_office_json(election integer, party integer, actor text) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'election_id', pp.election_id,
        'party', json_build_object('id', p.id, 'name_ru', p.name_ru, 'name_ky', p.name_ky,
                                   'short_name', p.short_name, 'registration_number', p.registration_number),
        'your_role', party_role(election, party, actor),
        'head', json_build_object('pin', pp.head_pin, 'name', pp.head_name),
        'notified_at', pp.notified_at,
        'calendar', nomination_calendar(e),
        'representatives', (SELECT coalesce(json_agg(json_build_object(
                'pin', r.pin, 'name', r.name, 'granted_at', r.granted_at, 'granted_by', r.granted_by,
                'withdrawn_at', r.withdrawn_at, 'withdrawn_by', r.withdrawn_by,
                'active', r.withdrawn_at IS NULL) ORDER BY r.id), '[]')
              FROM party_reps r WHERE r.election_id = pp.election_id AND r.party_id = pp.party_id),
        'nominations', (SELECT coalesce(json_agg(json_build_object(
                'id', n.id, 'kind', n.kind, 'district', n.district_number, 'status', n.status,
                'candidates', (SELECT count(*) FROM nomination_candidates c
                                WHERE c.nomination_id = n.id AND c.withdrawn_at IS NULL),
                'submitted_at', n.submitted_at) ORDER BY n.kind DESC, n.district_number, n.id), '[]')
              FROM nominations n WHERE n.election_id = pp.election_id AND n.party_id = pp.party_id),
        'history', (SELECT coalesce(json_agg(json_build_object(
                'at', v.at, 'action', v.action, 'by', v.actor_pin, 'subject', v.subject_pin,
                'comment', v.comment) ORDER BY v.id), '[]')
              FROM party_events v WHERE v.election_id = pp.election_id AND v.party_id = pp.party_id))
      FROM party_participations pp
      JOIN parties p ON p.id = pp.party_id
      JOIN elections e ON e.id = pp.election_id
     WHERE pp.election_id = election AND pp.party_id = party
       AND party_role(election, party, actor) IS NOT NULL
$$;

-- The parties of an election whose head or representative actor is.
CREATE OR REPLACE FUNCTION my_parties_json(actor text) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('items', coalesce(json_agg(json_build_object(
        'election_id', pp.election_id, 'party_id', p.id, 'short_name', p.short_name,
        'name_ru', p.name_ru, 'role', party_role(pp.election_id, pp.party_id, actor))
        ORDER BY pp.election_id DESC, p.short_name), '[]'))
      FROM party_participations pp JOIN parties p ON p.id = pp.party_id
     WHERE party_role(pp.election_id, pp.party_id, actor) IS NOT NULL
$$;

/*
 * A party notifies the CEC that it takes part in election: entity is what the
 * legal-entity register answered for registration_number (asked through
 * Tunduk by the caller); only the head it names may notify.  A party new to
 * us is added from the register.
 */
CREATE OR REPLACE FUNCTION party_notify(election integer, registration_number text, entity jsonb,
                                        actor text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    e elections := nomination_election(election);
    party integer;
    reg text := registration_number;
    head_name text;
BEGIN
    IF entity ->> 'registration_number' IS DISTINCT FROM reg THEN
        RAISE EXCEPTION 'the register answered for % instead of %', entity ->> 'registration_number', reg;
    END IF;
    IF entity ->> 'legal_form' IS DISTINCT FROM 'political_party' THEN
        PERFORM shailoo_refuse(422, 'not_a_party', format(
            'the legal-entity register knows %s as %s, not as a political party',
            reg, coalesce(entity ->> 'legal_form', 'another kind of entity')), 'registration_number');
    END IF;
    IF entity ->> 'status' IS DISTINCT FROM 'active' THEN
        PERFORM shailoo_refuse(422, 'party_not_active', format(
            'the legal-entity register says party %s is %s', reg, coalesce(entity ->> 'status', 'not active')),
            'registration_number');
    END IF;
    IF entity #>> '{head,pin}' IS DISTINCT FROM actor THEN
        PERFORM shailoo_refuse(403, 'not_party_head',
            'the legal-entity register names another person as this party''s head', 'registration_number');
    END IF;
    head_name := concat_ws(' ', entity #>> '{head,last_name}', entity #>> '{head,first_name}',
                           entity #>> '{head,patronymic}');
    SELECT p.id INTO party FROM parties p WHERE p.registration_number = reg FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO parties (name_ru, name_ky, short_name, registration_number)
        VALUES (entity ->> 'name', coalesce(entity ->> 'name_ky', entity ->> 'name'),
                left(coalesce(entity ->> 'short_name', entity ->> 'name'), 40), reg)
        RETURNING id INTO party;
    END IF;
    IF EXISTS (SELECT 1 FROM party_participations WHERE election_id = e.id AND party_id = party) THEN
        PERFORM shailoo_refuse(409, 'already_notified',
            'this party has notified the commission of this election already', 'registration_number');
    END IF;
    INSERT INTO party_participations (election_id, party_id, head_pin, head_name, register)
    VALUES (e.id, party, actor, CASE WHEN head_name = '' THEN actor ELSE head_name END, entity);
    INSERT INTO party_events (election_id, party_id, actor_pin, action, comment)
    VALUES (e.id, party, actor, 'notified', 'checked with the legal-entity register');
    RETURN party_office_json(e.id, party, actor);
END $$;

-- The head names a representative (name: what the population register says, or '').
CREATE OR REPLACE FUNCTION party_rep_name(election integer, party integer, pin text, name text,
                                          actor text) RETURNS json
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM party_role_required(election, party, actor, true);
    PERFORM 1 FROM party_participations WHERE election_id = election AND party_id = party FOR UPDATE;
    IF pin = actor THEN
        PERFORM shailoo_refuse(422, 'head_is_not_rep', 'the head acts for the party already', 'pin');
    END IF;
    IF EXISTS (SELECT 1 FROM party_reps r WHERE r.election_id = election AND r.party_id = party
                  AND r.pin = party_rep_name.pin AND r.withdrawn_at IS NULL) THEN
        PERFORM shailoo_refuse(409, 'already_representative', 'this person represents the party already', 'pin');
    END IF;
    INSERT INTO party_reps (election_id, party_id, pin, name, granted_by)
    VALUES (election, party, pin, coalesce(name, ''), actor);
    INSERT INTO party_events (election_id, party_id, actor_pin, action, subject_pin)
    VALUES (election, party, actor, 'rep_named', pin);
    RETURN party_office_json(election, party, actor);
END $$;

CREATE OR REPLACE FUNCTION party_rep_withdraw(election integer, party integer, pin text, actor text)
RETURNS json LANGUAGE plpgsql AS $$
BEGIN
    PERFORM party_role_required(election, party, actor, true);
    UPDATE party_reps r SET withdrawn_at = shailoo_now(), withdrawn_by = actor
     WHERE r.election_id = election AND r.party_id = party AND r.pin = party_rep_withdraw.pin
       AND r.withdrawn_at IS NULL;
    IF NOT FOUND THEN
        PERFORM shailoo_refuse(404, 'representative_not_found',
            'this person is not a representative of the party', 'pin');
    END IF;
    INSERT INTO party_events (election_id, party_id, actor_pin, action, subject_pin)
    VALUES (election, party, actor, 'rep_withdrawn', pin);
    RETURN party_office_json(election, party, actor);
END $$;

-- ---------------------------------------------------------------- nominations

-- A candidate stands on one list and in one district of an election (a
-- withdrawn candidacy or nomination aside): the schema says so, whoever writes.
CREATE OR REPLACE FUNCTION nomination_candidates_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n nominations;
BEGIN
    SELECT * INTO STRICT n FROM nominations WHERE id = NEW.nomination_id;
    IF n.kind = 'district' AND NEW.position <> 1 THEN
        RAISE EXCEPTION 'a district nomination has one candidate' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.withdrawn_at IS NULL AND n.status <> 'withdrawn' THEN
        PERFORM 1 FROM candidates WHERE id = NEW.candidate_id FOR UPDATE;
        IF EXISTS (SELECT 1 FROM nomination_candidates c JOIN nominations o ON o.id = c.nomination_id
                    WHERE c.candidate_id = NEW.candidate_id AND c.withdrawn_at IS NULL
                      AND o.status NOT IN ('withdrawn', 'refused') AND o.election_id = n.election_id
                      AND o.kind = n.kind AND o.id <> n.id) THEN
            PERFORM shailoo_refuse(422, CASE n.kind WHEN 'list' THEN 'on_another_list' ELSE 'in_another_district' END,
                CASE n.kind WHEN 'list' THEN 'this person is on another list of this election already'
                     ELSE 'this person is nominated in another district of this election already' END, 'pin');
        END IF;
    END IF;
    RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER nomination_candidates_check BEFORE INSERT OR UPDATE ON nomination_candidates
    FOR EACH ROW EXECUTE FUNCTION nomination_candidates_check();

-- A nomination as its party (or its self-nominated candidate) sees it.
CREATE OR REPLACE FUNCTION nomination_json(n nominations) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', n.id, 'election_id', n.election_id, 'kind', n.kind, 'district', n.district_number,
        'party', (SELECT json_build_object('id', p.id, 'short_name', p.short_name, 'name_ru', p.name_ru)
                    FROM parties p WHERE p.id = n.party_id),
        'status', n.status, 'created_at', n.created_at, 'updated_at', n.updated_at,
        'submitted_at', n.submitted_at, 'receipt', n.receipt,
        'review_deadline', n.submitted_at + interval '10 days',
        'decided_at', n.decided_at, 'decision_reason', n.decision_reason,
        'deficiencies_due', n.deficiencies_due,
        'calendar', nomination_calendar(e),
        'deposit', n.deposit, 'deposit_due', nomination_deposit_due(n),
        'deposit_refund', nomination_deposit_refund(n),
        'package', nomination_package(n),
        'candidates', (SELECT coalesce(json_agg(json_build_object(
                'position', c.position, 'candidate_id', k.id, 'pin', k.pin,
                'name', concat_ws(' ', k.last_name, k.first_name, k.patronymic),
                'sex', k.sex, 'birth_date', k.birth_date, 'age_on_election_day',
                extract(year FROM age(e.date, k.birth_date))::integer,
                'other_ethnicity', k.other_ethnicity, 'disability', k.disability,
                'higher_education', k.higher_education,
                'consent', CASE WHEN c.consent_at IS NOT NULL THEN 'given'
                                WHEN c.declined_at IS NOT NULL THEN 'declined' ELSE 'awaited' END,
                'consent_at', coalesce(c.consent_at, c.declined_at),
                'withdrawn', c.withdrawn_at IS NOT NULL, 'withdrawn_at', c.withdrawn_at,
                'withdrawn_reason', c.withdrawn_reason) ORDER BY c.position), '[]')
              FROM nomination_candidates c JOIN candidates k ON k.id = c.candidate_id
             WHERE c.nomination_id = n.id),
        'history', (SELECT coalesce(json_agg(json_build_object(
                'at', v.at, 'action', v.action, 'by', v.actor_pin, 'role', v.actor_role,
                'position', v.position, 'comment', v.comment) ORDER BY v.id), '[]')
              FROM nomination_events v WHERE v.nomination_id = n.id))
      FROM elections e WHERE e.id = n.election_id
$$;

-- Who actor is to the nomination: the party's 'head' or 'rep', the 'candidate'
-- of a self-nomination, or NULL.
CREATE OR REPLACE FUNCTION nomination_role(n nominations, actor text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN n.party_id IS NOT NULL THEN party_role(n.election_id, n.party_id, actor)
                WHEN n.created_by = actor THEN 'candidate' END
$$;

-- The nomination locked for a change by actor, or a refusal.  states: where it may be.
CREATE OR REPLACE FUNCTION nomination_for_change(nomination bigint, actor text, states text[],
                                                 what text) RETURNS nominations
LANGUAGE plpgsql AS $$
DECLARE
    n nominations;
BEGIN
    SELECT * INTO n FROM nominations WHERE id = nomination FOR UPDATE;
    IF NOT FOUND OR nomination_role(n, actor) IS NULL THEN
        PERFORM shailoo_refuse(404, 'nomination_not_found', 'you have no nomination with this number', 'id');
    END IF;
    IF NOT n.status = ANY (states) THEN
        PERFORM shailoo_refuse(409, 'nomination_' || n.status, format(
            'the nomination is %s: %s', replace(n.status, '_', ' '), what), NULL);
    END IF;
    RETURN n;
END $$;

CREATE OR REPLACE FUNCTION nomination_get(nomination bigint, actor text) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('nomination', nomination_json(n), 'your_role', nomination_role(n, actor))
      FROM nominations n WHERE n.id = nomination AND nomination_role(n, actor) IS NOT NULL
$$;

-- The person of the population register's answer as a candidate row (kept
-- up to date with the register and the party's declarations); its id.
CREATE OR REPLACE FUNCTION candidate_from_registry(person jsonb, other_ethnicity boolean,
                                                   disability boolean, higher_education boolean)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    id integer;
BEGIN
    IF person ->> 'pin' !~ '^[0-9]{14}$' OR person ->> 'sex' NOT IN ('F', 'M')
       OR person ->> 'birth_date' IS NULL OR coalesce(person ->> 'last_name', '') = '' THEN
        RAISE EXCEPTION 'the population register''s answer is not a person: %', person;
    END IF;
    INSERT INTO candidates AS k (pin, last_name, first_name, patronymic, sex, birth_date,
                                 other_ethnicity, disability, higher_education)
    VALUES (person ->> 'pin', person ->> 'last_name', coalesce(nullif(person ->> 'first_name', ''), '-'),
            nullif(person ->> 'patronymic', ''), person ->> 'sex', (person ->> 'birth_date')::date,
            coalesce(other_ethnicity, false), coalesce(disability, false), coalesce(higher_education, false))
    ON CONFLICT (pin) DO UPDATE SET
        last_name = excluded.last_name, first_name = excluded.first_name,
        patronymic = excluded.patronymic, sex = excluded.sex, birth_date = excluded.birth_date,
        other_ethnicity = coalesce(candidate_from_registry.other_ethnicity, k.other_ethnicity),
        disability = coalesce(candidate_from_registry.disability, k.disability),
        higher_education = coalesce(candidate_from_registry.higher_education, k.higher_education)
    RETURNING k.id INTO id;
    RETURN id;
END $$;

-- The candidate checks that need one person only: 25 on election day, higher education.
CREATE OR REPLACE FUNCTION candidate_eligible(k candidates, e elections) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF age(e.date, k.birth_date) < interval '25 years' THEN
        PERFORM shailoo_refuse(422, 'age', format(
            '%s %s is %s on election day (%s); a candidate must be at least 25',
            k.last_name, k.first_name, extract(year FROM age(e.date, k.birth_date)), e.date), 'pin');
    END IF;
    IF NOT k.higher_education THEN
        PERFORM shailoo_refuse(422, 'education', format(
            '%s %s has no higher education; a candidate must have it', k.last_name, k.first_name),
            'higher_education');
    END IF;
END $$;

-- A party's list, started empty (head or representative).
CREATE OR REPLACE FUNCTION nomination_create_list(election integer, party integer, actor text)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    e elections := nomination_election(election);
    r text := party_role_required(election, party, actor);
    n nominations;
BEGIN
    PERFORM 1 FROM party_participations WHERE election_id = election AND party_id = party FOR UPDATE;
    IF EXISTS (SELECT 1 FROM nominations WHERE election_id = e.id AND party_id = party
                  AND kind = 'list' AND status <> 'withdrawn') THEN
        PERFORM shailoo_refuse(409, 'list_exists', 'the party has a list in this election already', 'party');
    END IF;
    INSERT INTO nominations (election_id, kind, party_id, created_by)
    VALUES (e.id, 'list', party, actor) RETURNING * INTO n;
    INSERT INTO nomination_events (nomination_id, actor_pin, actor_role, action)
    VALUES (n.id, actor, r, 'created');
    RETURN json_build_object('nomination', nomination_json(n), 'your_role', r);
END $$;

/*
 * A district candidate: a party's (party given, head or representative) or a
 * self-nomination (party NULL: person is actor, who consents by nominating).
 * person is the population register's answer about the candidate.
 */
CREATE OR REPLACE FUNCTION nomination_create_district(election integer, district integer, party integer,
                                                      person jsonb, other_ethnicity boolean,
                                                      disability boolean, higher_education boolean,
                                                      actor text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    e elections := nomination_election(election);
    r text;
    n nominations;
    k candidates;
    cid integer;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM districts WHERE number = district) THEN
        PERFORM shailoo_refuse(422, 'district_not_found', 'there is no such district', 'district');
    END IF;
    IF party IS NULL THEN
        IF person ->> 'pin' IS DISTINCT FROM actor THEN
            PERFORM shailoo_refuse(422, 'self_nomination', 'a citizen nominates themself only', 'pin');
        END IF;
        r := 'candidate';
    ELSE
        r := party_role_required(election, party, actor);
        PERFORM 1 FROM party_participations WHERE election_id = election AND party_id = party FOR UPDATE;
        IF EXISTS (SELECT 1 FROM nominations WHERE election_id = e.id AND party_id = party
                      AND kind = 'district' AND district_number = district AND status <> 'withdrawn') THEN
            PERFORM shailoo_refuse(409, 'district_taken',
                'the party has a candidate in this district already', 'district');
        END IF;
    END IF;
    cid := candidate_from_registry(person, nomination_create_district.other_ethnicity,
                                   nomination_create_district.disability,
                                   nomination_create_district.higher_education);
    SELECT * INTO k FROM candidates WHERE id = cid;
    PERFORM candidate_eligible(k, e);
    INSERT INTO nominations (election_id, kind, party_id, district_number, created_by)
    VALUES (e.id, 'district', party, district, actor) RETURNING * INTO n;
    INSERT INTO nomination_candidates (nomination_id, position, candidate_id, added_by, registry, consent_at)
    VALUES (n.id, 1, k.id, actor, person, CASE WHEN party IS NULL THEN shailoo_now() END);
    INSERT INTO nomination_events (nomination_id, actor_pin, actor_role, action, position, candidate_id, comment)
    VALUES (n.id, actor, r, 'created', 1, k.id,
            CASE WHEN party IS NULL THEN 'self-nominated; consent given by nominating' ELSE '' END);
    RETURN json_build_object('nomination', nomination_json(n), 'your_role', r);
END $$;

-- Appends a candidate to a draft list (person: the population register's answer).
CREATE OR REPLACE FUNCTION nomination_add_candidate(nomination bigint, person jsonb, other_ethnicity boolean,
                                                    disability boolean, higher_education boolean,
                                                    actor text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    n nominations := nomination_for_change(nomination, actor, '{draft}', 'its list can no longer change');
    e elections := nomination_election(n.election_id);
    k candidates;
    cid integer;
    pos integer;
BEGIN
    IF n.kind <> 'list' THEN
        PERFORM shailoo_refuse(409, 'not_a_list', 'a district nomination has its one candidate', NULL);
    END IF;
    SELECT coalesce(max(position), 0) + 1 INTO pos FROM nomination_candidates WHERE nomination_id = n.id;
    IF pos > 54 THEN
        PERFORM shailoo_refuse(422, 'size', 'a list has at most 54 candidates', NULL);
    END IF;
    cid := candidate_from_registry(person, nomination_add_candidate.other_ethnicity,
                                   nomination_add_candidate.disability,
                                   nomination_add_candidate.higher_education);
    SELECT * INTO k FROM candidates WHERE id = cid;
    IF EXISTS (SELECT 1 FROM nomination_candidates WHERE nomination_id = n.id AND candidate_id = k.id) THEN
        PERFORM shailoo_refuse(409, 'already_on_list', 'this person is on the list already', 'pin');
    END IF;
    PERFORM candidate_eligible(k, e);
    INSERT INTO nomination_candidates (nomination_id, position, candidate_id, added_by, registry)
    VALUES (n.id, pos, k.id, actor, person);
    INSERT INTO nomination_events (nomination_id, actor_pin, actor_role, action, position, candidate_id)
    VALUES (n.id, actor, nomination_role(n, actor), 'candidate_added', pos, k.id);
    UPDATE nominations SET updated_at = shailoo_now() WHERE id = n.id RETURNING * INTO n;
    RETURN json_build_object('nomination', nomination_json(n), 'your_role', nomination_role(n, actor));
END $$;

-- Withdrawals close at 18:00 five days before voting (nomination_calendar).
CREATE OR REPLACE FUNCTION nomination_withdrawal_open(n nominations) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    e elections;
BEGIN
    SELECT * INTO e FROM elections WHERE id = n.election_id;
    IF shailoo_now() >= (nomination_calendar(e) ->> 'withdrawal_closes')::timestamptz THEN
        PERFORM shailoo_refuse(422, 'withdrawal_closed', 'withdrawals closed at 18:00 five days before voting', NULL);
    END IF;
END $$;

-- A candidate of a submitted list withdrawn (by the party or by themself): the number stays, on the ballot too.
CREATE OR REPLACE FUNCTION nomination_candidate_withdraw(n nominations, c nomination_candidates, reason text,
                                                         actor text, role text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nomination_withdrawal_open(n);
    IF c.withdrawn_at IS NOT NULL THEN
        PERFORM shailoo_refuse(409, 'withdrawn_already', 'this candidate is withdrawn already', 'pin');
    END IF;
    UPDATE nomination_candidates SET withdrawn_at = shailoo_now(), withdrawn_by = actor,
                                     withdrawn_reason = coalesce(reason, '')
     WHERE id = c.id;
    INSERT INTO nomination_events (nomination_id, actor_pin, actor_role, action, position, candidate_id, comment)
    VALUES (n.id, actor, role, 'candidate_withdrawn', c.position, c.candidate_id, coalesce(reason, ''));
    IF n.status = 'registered' THEN   -- off the ballot too, the number kept
        UPDATE list_candidates l SET withdrawn = true FROM contests k
         WHERE k.id = l.contest_id AND k.election_id = n.election_id AND k.kind = 'list'
           AND l.party_id = n.party_id AND l.candidate_id = c.candidate_id;
    END IF;
    UPDATE nominations SET updated_at = shailoo_now() WHERE id = n.id;
END $$;

-- A whole nomination withdrawn (by its party, its self-nominated candidate, or its district candidate).
CREATE OR REPLACE FUNCTION nomination_take_back(n nominations, reason text, actor text, role text) RETURNS nominations
LANGUAGE plpgsql AS $$
BEGIN
    IF n.status <> 'draft' THEN
        PERFORM nomination_withdrawal_open(n);
    END IF;
    IF n.status = 'registered' THEN   -- off the ballot too
        UPDATE contest_entries x SET withdrawn = true FROM contests k
         WHERE k.id = x.contest_id AND k.election_id = n.election_id AND k.kind = n.kind
           AND k.district_number IS NOT DISTINCT FROM n.district_number
           AND CASE n.kind WHEN 'list' THEN x.party_id = n.party_id
                ELSE x.candidate_id = (SELECT c.candidate_id FROM nomination_candidates c
                                        WHERE c.nomination_id = n.id AND c.position = 1) END;
    END IF;
    UPDATE nominations SET status = 'withdrawn', updated_at = shailoo_now() WHERE id = n.id RETURNING * INTO n;
    INSERT INTO nomination_events (nomination_id, actor_pin, actor_role, action, comment)
    VALUES (n.id, actor, role, 'withdrawn', coalesce(reason, ''));
    RETURN n;
END $$;

-- Takes a candidate off a draft list (the numbers after close up), or, once
-- submitted, withdraws them (the number stays, never refilled), until the
-- withdrawal deadline.
CREATE OR REPLACE FUNCTION nomination_remove_candidate(nomination bigint, pin text, reason text, actor text)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    n nominations := nomination_for_change(nomination, actor,
        '{draft,submitted,under_review,deficiencies,registered}', 'nobody can be withdrawn from it');
    e elections;
    c nomination_candidates;
BEGIN
    SELECT x.* INTO c FROM nomination_candidates x JOIN candidates k ON k.id = x.candidate_id
     WHERE x.nomination_id = n.id AND k.pin = nomination_remove_candidate.pin;
    IF NOT FOUND THEN
        PERFORM shailoo_refuse(404, 'candidate_not_found', 'this person is not on the nomination', 'pin');
    END IF;
    IF n.kind = 'district' THEN
        PERFORM shailoo_refuse(409, 'not_a_list', 'withdraw the district nomination itself', NULL);
    END IF;
    IF n.status = 'draft' THEN
        DELETE FROM nomination_candidates WHERE id = c.id;
        UPDATE nomination_candidates SET position = position - 1
         WHERE nomination_id = n.id AND position > c.position;
        INSERT INTO nomination_events (nomination_id, actor_pin, actor_role, action, position, candidate_id)
        VALUES (n.id, actor, nomination_role(n, actor), 'candidate_removed', c.position, c.candidate_id);
    ELSE
        PERFORM nomination_candidate_withdraw(n, c, reason, actor, nomination_role(n, actor));
    END IF;
    UPDATE nominations SET updated_at = shailoo_now() WHERE id = n.id RETURNING * INTO n;
    RETURN json_build_object('nomination', nomination_json(n), 'your_role', nomination_role(n, actor));
END $$;

-- A draft list's new order: pins, every candidate of the list once.
CREATE OR REPLACE FUNCTION nomination_reorder(nomination bigint, pins text[], actor text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    n nominations := nomination_for_change(nomination, actor, '{draft}', 'its order is frozen');
BEGIN
    IF (SELECT count(*) FROM nomination_candidates WHERE nomination_id = n.id) <> coalesce(cardinality(pins), 0)
       OR (SELECT count(DISTINCT p) FROM unnest(pins) p) <> cardinality(pins)
       OR EXISTS (SELECT 1 FROM nomination_candidates c JOIN candidates k ON k.id = c.candidate_id
                   WHERE c.nomination_id = n.id AND k.pin <> ALL (pins)) THEN
        PERFORM shailoo_refuse(422, 'order', 'name every candidate of the list once, in the new order', 'pins');
    END IF;
    UPDATE nomination_candidates c SET position = o.i
      FROM candidates k, unnest(pins) WITH ORDINALITY AS o(pin, i)
     WHERE c.nomination_id = n.id AND k.id = c.candidate_id AND k.pin = o.pin AND c.position <> o.i;
    INSERT INTO nomination_events (nomination_id, actor_pin, actor_role, action)
    VALUES (n.id, actor, nomination_role(n, actor), 'reordered');
    UPDATE nominations SET updated_at = shailoo_now() WHERE id = n.id RETURNING * INTO n;
    RETURN json_build_object('nomination', nomination_json(n), 'your_role', nomination_role(n, actor));
END $$;

-- The rows the list rules (cgi/rules/list_rules.c) take: the draft locked
-- for its submission by actor, or any nomination actor may see.
-- (A table function's columns cannot change in place: made afresh on every migrate.)
DROP FUNCTION IF EXISTS nomination_rule_rows(bigint, text, boolean);
CREATE FUNCTION nomination_rule_rows(nomination bigint, actor text, lock boolean)
RETURNS TABLE (election_date text, list_position smallint, sex char(1), birth_date text,
               other_ethnicity boolean, disability boolean, higher_education boolean,
               withdrawn boolean, districts bigint, kind text)
LANGUAGE plpgsql AS $$
DECLARE
    n nominations;
BEGIN
    IF lock THEN
        n := nomination_for_change(nomination, actor, '{draft}', 'it was submitted already');
        PERFORM nomination_election(n.election_id);
    ELSE
        SELECT * INTO n FROM nominations x WHERE x.id = nomination AND nomination_role(x, actor) IS NOT NULL;
        IF NOT FOUND THEN
            PERFORM shailoo_refuse(404, 'nomination_not_found', 'you have no nomination with this number', 'id');
        END IF;
    END IF;
    RETURN QUERY
    SELECT e.date::text, c.position, k.sex, k.birth_date::text, k.other_ethnicity, k.disability,
           k.higher_education, c.withdrawn_at IS NOT NULL,
           (SELECT count(*) FROM nomination_candidates d JOIN nominations o ON o.id = d.nomination_id
             WHERE d.candidate_id = k.id AND d.withdrawn_at IS NULL AND o.kind = 'district'
               AND o.election_id = n.election_id AND o.status NOT IN ('withdrawn', 'refused')),
           n.kind
      FROM elections e
      LEFT JOIN nomination_candidates c ON c.nomination_id = n.id
      LEFT JOIN candidates k ON k.id = c.candidate_id
     WHERE e.id = n.election_id
     ORDER BY c.position;
END $$;

/*
 * Submits a draft (the list rules were checked by the caller in the same
 * transaction, on the rows nomination_rule_rows locked): every candidate's
 * consent is needed; the list is frozen and a receipt issued.
 */
CREATE OR REPLACE FUNCTION nomination_submit(nomination bigint, actor text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    n nominations := nomination_for_change(nomination, actor, '{draft}', 'it was submitted already');
    e elections := nomination_election(n.election_id);
    missing text;
    pkg json;
    slip jsonb;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM nomination_candidates WHERE nomination_id = n.id AND withdrawn_at IS NULL) THEN
        PERFORM shailoo_refuse(422, 'size', 'the list has no candidates', NULL);
    END IF;
    SELECT string_agg(c.position::text, ', ' ORDER BY c.position) INTO missing
      FROM nomination_candidates c
     WHERE c.nomination_id = n.id AND c.withdrawn_at IS NULL AND c.consent_at IS NULL;
    IF missing IS NOT NULL THEN
        PERFORM shailoo_refuse(422, 'consent_missing', format(
            'candidates at %s have not confirmed their nomination in their cabinets yet', missing), NULL);
    END IF;
    IF n.deposit IS NULL THEN
        PERFORM shailoo_refuse(422, 'deposit_missing', format(
            'the deposit of %s som is not confirmed: give the treasury''s payment reference', nomination_deposit_due(n)), NULL);
    END IF;
    pkg := nomination_package(n);
    SELECT string_agg(coalesce('number ' || (i ->> 'position') || ': ', '') || (i ->> 'kind'), ', ') INTO missing
      FROM json_array_elements(pkg -> 'items') i
     WHERE (i ->> 'required')::boolean AND json_typeof(i -> 'document') IS DISTINCT FROM 'object';
    IF missing IS NOT NULL THEN
        PERFORM shailoo_refuse(422, 'documents_missing', 'the package lacks required documents: ' || missing, NULL);
    END IF;
    slip := jsonb_build_object(
        'number', format('%s-%s-%s', e.id, CASE n.kind WHEN 'list' THEN 'L' ELSE 'D' END, lpad(n.id::text, 6, '0')),
        'issued_at', shailoo_now(),
        'issued_by', 'Central Election Commission',
        'election_id', e.id, 'kind', n.kind, 'district', n.district_number,
        'party', (SELECT p.short_name FROM parties p WHERE p.id = n.party_id),
        'candidates', (SELECT jsonb_agg(jsonb_build_object('position', c.position,
                'name', concat_ws(' ', k.last_name, k.first_name, k.patronymic),
                'consent_at', c.consent_at) ORDER BY c.position)
              FROM nomination_candidates c JOIN candidates k ON k.id = c.candidate_id
             WHERE c.nomination_id = n.id AND c.withdrawn_at IS NULL),
        'deposit', n.deposit,
        'documents', nomination_receipt_documents(pkg));
    UPDATE nominations SET status = 'submitted', submitted_at = shailoo_now(), receipt = slip,
                           updated_at = shailoo_now()
     WHERE id = n.id RETURNING * INTO n;
    INSERT INTO nomination_events (nomination_id, actor_pin, actor_role, action, comment)
    VALUES (n.id, actor, nomination_role(n, actor), 'submitted', 'receipt ' || (slip ->> 'number'));
    RETURN json_build_object('nomination', nomination_json(n), 'your_role', nomination_role(n, actor));
END $$;

-- The whole nomination withdrawn by its party (or its self-nominated candidate).
CREATE OR REPLACE FUNCTION nomination_withdraw(nomination bigint, reason text, actor text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    n nominations := nomination_for_change(nomination, actor,
        '{draft,submitted,under_review,deficiencies,registered}', 'it cannot be withdrawn');
BEGIN
    n := nomination_take_back(n, reason, actor, nomination_role(n, actor));
    RETURN json_build_object('nomination', nomination_json(n), 'your_role', nomination_role(n, actor));
END $$;

-- ---------------------------------------------------------------- the candidate's cabinet

-- The nominations naming actor as a candidate, with their consent.
CREATE OR REPLACE FUNCTION my_nominations_json(actor text) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('items', coalesce(json_agg(json_build_object(
        'nomination_id', n.id, 'election_id', n.election_id, 'election', e.name_ru, 'election_date', e.date,
        'kind', n.kind, 'district', n.district_number, 'position', c.position, 'status', n.status,
        'party', (SELECT json_build_object('id', p.id, 'short_name', p.short_name, 'name_ru', p.name_ru)
                    FROM parties p WHERE p.id = n.party_id),
        'self_nominated', n.party_id IS NULL,
        'consent', CASE WHEN c.consent_at IS NOT NULL THEN 'given'
                        WHEN c.declined_at IS NOT NULL THEN 'declined' ELSE 'awaited' END,
        'consent_at', coalesce(c.consent_at, c.declined_at),
        'withdrawn', c.withdrawn_at IS NOT NULL) ORDER BY e.date DESC, n.id), '[]'))
      FROM candidates k JOIN nomination_candidates c ON c.candidate_id = k.id
      JOIN nominations n ON n.id = c.nomination_id JOIN elections e ON e.id = n.election_id
     WHERE k.pin = actor
$$;

-- The candidate confirms (or declines) their nomination: the consent form, online.
CREATE OR REPLACE FUNCTION candidate_consent(nomination bigint, consent boolean, actor text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    n nominations;
    c nomination_candidates;
BEGIN
    SELECT x.* INTO c FROM nomination_candidates x JOIN candidates k ON k.id = x.candidate_id
     WHERE x.nomination_id = nomination AND k.pin = actor FOR UPDATE OF x;
    IF NOT FOUND THEN
        PERFORM shailoo_refuse(404, 'nomination_not_found', 'no nomination with this number names you', 'id');
    END IF;
    SELECT * INTO n FROM nominations WHERE id = nomination;
    IF n.status <> 'draft' THEN
        PERFORM shailoo_refuse(409, 'nomination_' || n.status, format(
            'the nomination is %s: consent is given before submission', replace(n.status, '_', ' ')), NULL);
    END IF;
    IF c.withdrawn_at IS NOT NULL THEN
        PERFORM shailoo_refuse(409, 'withdrawn', 'you were withdrawn from this nomination', NULL);
    END IF;
    IF consent AND c.consent_at IS NOT NULL OR NOT consent AND c.declined_at IS NOT NULL THEN
        PERFORM shailoo_refuse(409, 'consent_recorded', 'your answer is recorded already', 'consent');
    END IF;
    UPDATE nomination_candidates SET consent_at = CASE WHEN consent THEN shailoo_now() END,
                                     declined_at = CASE WHEN consent THEN NULL ELSE shailoo_now() END
     WHERE id = c.id;
    INSERT INTO nomination_events (nomination_id, actor_pin, actor_role, action, position, candidate_id)
    VALUES (n.id, actor, 'candidate', CASE WHEN consent THEN 'consented' ELSE 'declined' END,
            c.position, c.candidate_id);
    RETURN my_nominations_json(actor);
END $$;

-- A candidate withdraws themself from a submitted nomination, until the
-- withdrawal deadline: from a list (the number stays), or their district
-- nomination whole.  (Before submission a candidate declines instead.)
CREATE OR REPLACE FUNCTION candidate_withdraw_self(nomination bigint, reason text, actor text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    n nominations;
    c nomination_candidates;
BEGIN
    SELECT x.* INTO c FROM nomination_candidates x JOIN candidates k ON k.id = x.candidate_id
     WHERE x.nomination_id = nomination AND k.pin = actor FOR UPDATE OF x;
    IF NOT FOUND THEN
        PERFORM shailoo_refuse(404, 'nomination_not_found', 'no nomination with this number names you', 'id');
    END IF;
    SELECT * INTO n FROM nominations WHERE id = nomination FOR UPDATE;
    IF n.status NOT IN ('submitted', 'under_review', 'deficiencies', 'registered') THEN
        PERFORM shailoo_refuse(409, 'nomination_' || n.status, format(
            'the nomination is %s: %s', replace(n.status, '_', ' '),
            CASE n.status WHEN 'draft' THEN 'decline it instead' ELSE 'there is nothing to withdraw from' END), NULL);
    END IF;
    IF n.kind = 'district' THEN
        PERFORM nomination_take_back(n, reason, actor, 'candidate');
    ELSE
        PERFORM nomination_candidate_withdraw(n, c, reason, actor, 'candidate');
    END IF;
    RETURN my_nominations_json(actor);
END $$;
