-- Complaints' writes and views (migration 026).  Each write is one function,
-- one statement, called by cgi/api/complaints.c and by the demo alike.  The
-- law's clock is computed by cgi/rules/complaints.c and given to the writes
-- (received/arrived, review_due, appeal_due); the writes check who acts, the
-- state, and what the complaint names, and refuse as SQLSTATE class SH
-- (shailoo_refuse, sql/functions/021_talapker.sql).

-- Every single-member district has its commission, made with the district.
CREATE OR REPLACE FUNCTION districts_commission() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO commissions (id, region_id, name_ru, name_ky, kind, district_number)
    VALUES (3000 + NEW.number, NEW.region_id,
            'Окружная избирательная комиссия одномандатного округа № ' || NEW.number,
            NEW.number || '-бир мандаттуу округдун округдук шайлоо комиссиясы', 'district', NEW.number)
    ON CONFLICT (district_number) DO NOTHING;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS districts_commission ON districts;
CREATE TRIGGER districts_commission AFTER INSERT ON districts FOR EACH ROW EXECUTE FUNCTION districts_commission();

CREATE OR REPLACE FUNCTION commission_json(id integer) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', k.id, 'kind', k.kind, 'name_ru', k.name_ru, 'name_ky', k.name_ky,
                             'district', k.district_number)
      FROM commissions k WHERE k.id = commission_json.id
$$;

-- True if actor reviews complaints at this commission.
CREATE OR REPLACE FUNCTION complaint_reviewer(commission integer, actor text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM staff_roles r WHERE r.pin = actor AND r.role = 'complaints_reviewer'
                      AND r.commission_id = commission)
$$;

-- The commission of a level for a complaint at a station and/or in a district; or a refusal.
CREATE OR REPLACE FUNCTION complaint_commission(level text, station integer, district integer) RETURNS integer
LANGUAGE plpgsql STABLE AS $$
DECLARE
    chosen integer;
BEGIN
    IF level = 'territorial' THEN
        SELECT s.commission_id INTO chosen FROM stations s WHERE s.number = station;
        IF chosen IS NULL THEN
            PERFORM shailoo_refuse(422, 'station_required',
                'a complaint for a territorial commission names the station it concerns', 'station');
        END IF;
    ELSIF level = 'district' THEN
        SELECT k.id INTO chosen FROM commissions k
         WHERE k.district_number = coalesce(district, (SELECT s.district_number FROM stations s WHERE s.number = station));
        IF chosen IS NULL THEN
            PERFORM shailoo_refuse(422, 'district_required',
                'a complaint about a district''s contest names the district (or a station in it)', 'district');
        END IF;
    ELSIF level = 'central' THEN
        SELECT k.id INTO chosen FROM commissions k WHERE k.kind = 'central';
    ELSE
        PERFORM shailoo_refuse(422, 'goes_to_court',
            'a complaint about the CEC, or an appeal of its decision, goes to a court, not to a commission', 'subject');
    END IF;
    RETURN chosen;
END $$;

-- Files a complaint (or an appeal: appeal names the decided complaint). level: where
-- cgi/rules/complaints.c routes it; received and due: its clock.
CREATE OR REPLACE FUNCTION complaint_file(election integer, actor text, actor_name text, as_kind text, party integer,
                                          org text, subj text, subj_commission integer, subj_candidate integer,
                                          subj_party integer, subj_official text, station integer, district integer,
                                          in_district boolean, about text, about_id bigint, happened timestamptz,
                                          summary_text text, level text, received timestamptz, due timestamptz,
                                          appeal bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    e elections;
    original complaints;
    commission integer;
    new_id bigint;
    station_district smallint;
BEGIN
    org := nullif(btrim(org), '');
    subj_official := nullif(btrim(subj_official), '');
    SELECT * INTO e FROM elections x WHERE x.id = election;
    IF NOT FOUND THEN
        PERFORM shailoo_refuse(404, 'election_not_found', 'there is no such election', 'election_id');
    END IF;
    IF length(btrim(summary_text)) < 10 THEN
        PERFORM shailoo_refuse(422, 'summary_too_short', 'say what happened, in at least 10 characters', 'summary');
    END IF;
    IF subj_commission IS NOT NULL AND subj NOT IN ('territorial', 'district', 'central')
       OR subj_candidate IS NOT NULL AND subj <> 'candidate'
       OR subj_party IS NOT NULL AND subj <> 'party'
       OR subj_official IS NOT NULL AND subj <> 'official' THEN
        PERFORM shailoo_refuse(422, 'subject_mismatch', 'name only the one the subject says (a commission, a candidate, a party or an official)', 'subject');
    END IF;
    IF subj = 'official' AND subj_official IS NULL THEN
        PERFORM shailoo_refuse(422, 'official_required', 'name the official: name and post', 'subject_official');
    END IF;
    IF happened > received THEN
        PERFORM shailoo_refuse(422, 'happened_in_future', 'what happened cannot be later than the complaint', 'happened_at');
    END IF;
    -- Who files: the roles the complainant says are checked.
    IF as_kind = 'voter' AND NOT EXISTS (SELECT 1 FROM voters v WHERE v.pin = actor) THEN
        PERFORM shailoo_refuse(422, 'not_a_voter', 'you are not on the voters'' list', 'complainant_kind');
    ELSIF as_kind = 'candidate' AND NOT EXISTS (
            SELECT 1 FROM candidates k JOIN nomination_candidates c ON c.candidate_id = k.id
              JOIN nominations n ON n.id = c.nomination_id
             WHERE k.pin = actor AND n.election_id = election AND n.status <> 'draft') THEN
        PERFORM shailoo_refuse(422, 'not_a_candidate', 'you are not a candidate in this election', 'complainant_kind');
    ELSIF as_kind = 'party' AND (party IS NULL OR party_role(election, party, actor) IS NULL) THEN
        PERFORM shailoo_refuse(422, 'not_party_representative',
            'you are neither the head nor a representative of this party in this election', 'party_id');
    ELSIF as_kind IN ('observer', 'ngo') AND org IS NULL THEN
        PERFORM shailoo_refuse(422, 'organisation_required', 'an observer or an NGO names its organisation', 'organisation');
    END IF;
    -- What it is about.
    IF station IS NOT NULL THEN
        SELECT s.district_number INTO station_district FROM stations s WHERE s.number = station;
        IF NOT FOUND THEN
            PERFORM shailoo_refuse(422, 'station_not_found', 'there is no station with this number', 'station');
        END IF;
        IF district IS NOT NULL AND station_district IS DISTINCT FROM district THEN
            PERFORM shailoo_refuse(422, 'station_not_in_district', 'this station is not in this district', 'district');
        END IF;
    END IF;
    IF district IS NOT NULL AND NOT EXISTS (SELECT 1 FROM districts d WHERE d.number = district) THEN
        PERFORM shailoo_refuse(422, 'district_not_found', 'there is no district with this number', 'district');
    END IF;
    IF subj IN ('territorial', 'district', 'central')
       AND NOT EXISTS (SELECT 1 FROM commissions k WHERE k.id = subj_commission AND k.kind = subj) THEN
        PERFORM shailoo_refuse(422, 'commission_not_found', 'there is no such commission of this kind', 'subject_commission');
    ELSIF subj = 'candidate' AND NOT EXISTS (
            SELECT 1 FROM nomination_candidates c JOIN nominations n ON n.id = c.nomination_id
             WHERE c.candidate_id = subj_candidate AND n.election_id = election AND n.status <> 'draft') THEN
        PERFORM shailoo_refuse(422, 'candidate_not_found', 'there is no such candidate in this election', 'subject_candidate');
    ELSIF subj = 'party' AND NOT EXISTS (
            SELECT 1 FROM party_participations p WHERE p.party_id = subj_party AND p.election_id = election) THEN
        PERFORM shailoo_refuse(422, 'party_not_found', 'this party does not take part in this election', 'subject_party');
    ELSIF subj = 'station' AND station IS NULL THEN
        PERFORM shailoo_refuse(422, 'station_required', 'a complaint about a precinct commission names its station', 'station');
    END IF;
    IF about IS NOT NULL AND NOT complaint_target_exists(election, about, about_id) THEN
        PERFORM shailoo_refuse(422, 'concerns_not_found', 'what the complaint concerns is not in this election', 'concerns_id');
    END IF;
    IF appeal IS NOT NULL THEN
        SELECT * INTO original FROM complaints c WHERE c.id = appeal FOR UPDATE;
        IF NOT FOUND OR original.complainant_pin <> actor THEN
            PERFORM shailoo_refuse(404, 'complaint_not_found', 'you filed no complaint with this number', 'appeal_of');
        END IF;
        IF original.status <> 'decided' THEN
            PERFORM shailoo_refuse(409, 'not_decided', 'this complaint has no decision to appeal yet', 'appeal_of');
        END IF;
        IF received > original.appeal_due THEN
            PERFORM shailoo_refuse(422, 'appeal_closed', 'the appeal was due within 3 calendar days of the decision', 'appeal_of');
        END IF;
    END IF;
    commission := complaint_commission(level, station, district);
    INSERT INTO complaints (number, election_id, complainant_pin, complainant_name, complainant_kind,
                            complainant_party, complainant_org, subject, subject_commission, subject_candidate,
                            subject_party, subject_official, station_number, district_number, district_contest,
                            concerns, concerns_id, happened_at, summary, received_at, commission_id, arrived_at,
                            review_due, appeal_of)
    VALUES ('Ж-' || election || '-' || lpad(nextval('complaint_numbers')::text, 5, '0'), election, actor, actor_name,
            as_kind, CASE WHEN as_kind = 'party' THEN party END, CASE WHEN as_kind IN ('observer', 'ngo') THEN org END,
            subj, subj_commission, subj_candidate, subj_party, subj_official, station,
            coalesce(district, station_district), in_district, about, about_id, happened, summary_text,
            received, commission, received, due, appeal)
    RETURNING id INTO new_id;
    INSERT INTO complaint_events (complaint_id, at, action, actor_pin, commission_id)
    VALUES (new_id, received, 'filed', actor, commission);
    IF appeal IS NOT NULL THEN
        INSERT INTO complaint_events (complaint_id, at, action, actor_pin, commission_id, comment)
        VALUES (appeal, received, 'appealed', actor, commission,
                (SELECT c.number FROM complaints c WHERE c.id = new_id));
    END IF;
    RETURN new_id;
END $$;

-- The complaint locked for a reviewer's act; or a refusal.  Another commission's is as absent as none.
CREATE OR REPLACE FUNCTION complaint_for_review(complaint bigint, actor text) RETURNS complaints
LANGUAGE plpgsql AS $$
DECLARE
    c complaints;
BEGIN
    SELECT * INTO c FROM complaints x WHERE x.id = complaint FOR UPDATE;
    IF NOT FOUND OR NOT complaint_reviewer(c.commission_id, actor) THEN
        PERFORM shailoo_refuse(404, 'complaint_not_found', 'no complaint with this number is before your commission', 'id');
    END IF;
    IF c.status = 'decided' THEN
        PERFORM shailoo_refuse(409, 'decided', 'this complaint is decided; an appeal is a new complaint', NULL);
    END IF;
    RETURN c;
END $$;

-- A commission sends the complaint to another (with the reason); the clock starts again there.
CREATE OR REPLACE FUNCTION complaint_forward(complaint bigint, actor text, target integer, reason text,
                                             arrived timestamptz, due timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    c complaints := complaint_for_review(complaint, actor);
BEGIN
    IF btrim(reason) = '' THEN
        PERFORM shailoo_refuse(422, 'reason_required', 'say why the complaint goes to another commission', 'reason');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM commissions k WHERE k.id = target) THEN
        PERFORM shailoo_refuse(422, 'commission_not_found', 'there is no such commission', 'commission_id');
    END IF;
    IF target = c.commission_id THEN
        PERFORM shailoo_refuse(422, 'same_commission', 'the complaint is before this commission already', 'commission_id');
    END IF;
    UPDATE complaints x SET commission_id = target, arrived_at = arrived, review_due = due, status = 'received',
                            hearing_at = NULL, hearing_place = NULL
     WHERE x.id = c.id;
    INSERT INTO complaint_events (complaint_id, at, action, actor_pin, commission_id, to_commission, in_time, comment)
    VALUES (c.id, arrived, 'forwarded', actor, c.commission_id, target, arrived <= c.review_due, reason);
END $$;

-- The hearing: when and where; the complainant and the people it concerns see it in their cabinets.
CREATE OR REPLACE FUNCTION complaint_hearing(complaint bigint, actor text, hearing timestamptz, place text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    c complaints := complaint_for_review(complaint, actor);
BEGIN
    IF btrim(place) = '' THEN
        PERFORM shailoo_refuse(422, 'place_required', 'say where the hearing is', 'place');
    END IF;
    IF hearing < c.arrived_at THEN
        PERFORM shailoo_refuse(422, 'hearing_in_past', 'the hearing cannot be before the complaint arrived', 'at');
    END IF;
    UPDATE complaints x SET status = 'hearing_set', hearing_at = hearing, hearing_place = place WHERE x.id = c.id;
    INSERT INTO complaint_events (complaint_id, at, action, actor_pin, commission_id, comment)
    VALUES (c.id, shailoo_now(), 'hearing_set', actor, c.commission_id,
            to_char(hearing AT TIME ZONE 'Asia/Bishkek', 'YYYY-MM-DD HH24:MI') || ', ' || place);
END $$;

-- True if what names exists in the election: a station's protocol (its number), a nomination, an application.
CREATE OR REPLACE FUNCTION complaint_target_exists(election integer, what text, what_id bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT CASE what
        WHEN 'protocol' THEN EXISTS (SELECT 1 FROM stations s WHERE s.number = what_id)
        WHEN 'nomination' THEN EXISTS (SELECT 1 FROM nominations n WHERE n.id = what_id AND n.election_id = election)
        WHEN 'application' THEN EXISTS (SELECT 1 FROM applications a WHERE a.id = what_id AND a.election_id = election)
        ELSE false END
$$;

-- The decision; decided after the due moment is recorded as late, never hidden.  An order
-- (a recount, a correction...) may name what it changed, which the registry links to.
DROP FUNCTION IF EXISTS complaint_decide(bigint, text, text, text, text, text, timestamptz, timestamptz);
CREATE OR REPLACE FUNCTION complaint_decide(complaint bigint, actor text, result text, decision text,
                                            orders text, orders_note text, decided timestamptz,
                                            appeal_until timestamptz, what text DEFAULT NULL,
                                            what_id bigint DEFAULT NULL) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    c complaints := complaint_for_review(complaint, actor);
BEGIN
    IF btrim(decision) = '' THEN
        PERFORM shailoo_refuse(422, 'text_required', 'a decision says what was decided and why', 'text');
    END IF;
    IF decided < c.arrived_at THEN
        PERFORM shailoo_refuse(422, 'decided_too_early', 'a decision cannot precede the complaint''s arrival', NULL);
    END IF;
    IF what IS NOT NULL AND orders IS NULL THEN
        PERFORM shailoo_refuse(422, 'order_required', 'what a decision changed goes with what it ordered', 'ordered');
    END IF;
    IF what IS NOT NULL AND NOT complaint_target_exists(c.election_id, what, what_id) THEN
        PERFORM shailoo_refuse(422, 'changed_not_found', 'what the decision changed is not in this election', 'changed_id');
    END IF;
    UPDATE complaints x SET status = 'decided', outcome = result, decision_text = decision, ordered = orders,
                            ordered_note = orders_note, changed = what, changed_id = what_id,
                            decided_at = decided, decided_by = actor,
                            decided_in_time = decided <= c.review_due, appeal_due = appeal_until
     WHERE x.id = c.id;
    INSERT INTO complaint_events (complaint_id, at, action, actor_pin, commission_id, in_time, comment)
    VALUES (c.id, decided, 'decided', actor, c.commission_id, decided <= c.review_due, result);
END $$;

-- A court's ruling on a complaint (recorded by the CEC's complaint reviewers).
CREATE OR REPLACE FUNCTION complaint_court_ruling(complaint bigint, actor text, court_name text, level text,
                                                  ruled date, result text, note text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    c complaints;
    new_id bigint;
BEGIN
    SELECT * INTO c FROM complaints x WHERE x.id = complaint FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM shailoo_refuse(404, 'complaint_not_found', 'there is no complaint with this number', 'id');
    END IF;
    IF NOT complaint_reviewer((SELECT k.id FROM commissions k WHERE k.kind = 'central'), actor) THEN
        PERFORM shailoo_refuse(403, 'not_cec_reviewer', 'courts'' rulings are recorded by the CEC''s complaint reviewers', NULL);
    END IF;
    IF length(btrim(court_name)) < 2 THEN
        PERFORM shailoo_refuse(422, 'court_required', 'name the court', 'court');
    END IF;
    IF ruled > shailoo_now()::date THEN
        PERFORM shailoo_refuse(422, 'ruled_in_future', 'a ruling cannot be dated in the future', 'ruled_on');
    END IF;
    IF EXISTS (SELECT 1 FROM court_rulings r WHERE r.complaint_id = c.id AND r.instance = level) THEN
        PERFORM shailoo_refuse(409, 'ruling_exists', 'this court instance''s ruling is recorded already', 'instance');
    END IF;
    INSERT INTO court_rulings (complaint_id, court, instance, ruled_on, outcome, summary, recorded_by, recorded_at)
    VALUES (c.id, court_name, level, ruled, result, coalesce(note, ''), actor, shailoo_now())
    RETURNING id INTO new_id;
    INSERT INTO complaint_events (complaint_id, at, action, actor_pin, comment)
    VALUES (c.id, shailoo_now(), 'court_ruling', actor, court_name || ': ' || result);
    RETURN new_id;
END $$;

-- ---------------------------------------------------------------- views

-- Where a complaint's clock stands: met, missed (decided late), overdue (open past due), open.
CREATE OR REPLACE FUNCTION complaint_deadline(c complaints) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN c.status = 'decided' THEN CASE WHEN c.decided_in_time THEN 'met' ELSE 'missed' END
                WHEN shailoo_now() > c.review_due THEN 'overdue' ELSE 'open' END
$$;

-- A complaint in public: the complainant masked (only their kind), no PIN anywhere.
CREATE OR REPLACE FUNCTION complaint_public_json(c complaints) RETURNS json
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN json_build_object(
        'id', c.id, 'number', c.number, 'election_id', c.election_id, 'received_at', c.received_at,
        'complainant', json_build_object('kind', c.complainant_kind,
                                         'party', (SELECT json_build_object('id', p.id, 'short_name', p.short_name)
                                                     FROM parties p WHERE p.id = c.complainant_party)),
        'subject', json_build_object('kind', c.subject,
            'commission', CASE WHEN c.subject_commission IS NOT NULL THEN commission_json(c.subject_commission) END,
            'candidate', (SELECT json_build_object('id', k.id, 'name', concat_ws(' ', k.last_name, k.first_name, k.patronymic))
                            FROM candidates k WHERE k.id = c.subject_candidate),
            'party', (SELECT json_build_object('id', p.id, 'short_name', p.short_name) FROM parties p WHERE p.id = c.subject_party),
            'official', c.subject_official),
        'station', c.station_number, 'district', c.district_number, 'district_contest', c.district_contest,
        'concerns', CASE WHEN c.concerns IS NOT NULL THEN json_build_object('kind', c.concerns, 'id', c.concerns_id) END,
        'happened_at', c.happened_at, 'summary', c.summary,
        'commission', commission_json(c.commission_id), 'arrived_at', c.arrived_at, 'review_due', c.review_due,
        'status', c.status, 'deadline', complaint_deadline(c),
        'hearing', CASE WHEN c.hearing_at IS NOT NULL THEN json_build_object('at', c.hearing_at, 'place', c.hearing_place) END,
        'decision', CASE WHEN c.status = 'decided' THEN json_build_object('outcome', c.outcome, 'text', c.decision_text,
            'decided_at', c.decided_at, 'in_time', c.decided_in_time, 'appeal_due', c.appeal_due,
            'ordered', c.ordered, 'ordered_note', c.ordered_note,
            'changed', CASE WHEN c.changed IS NOT NULL THEN json_build_object('kind', c.changed, 'id', c.changed_id) END) END,
        'appeal_of', (SELECT json_build_object('id', a.id, 'number', a.number) FROM complaints a WHERE a.id = c.appeal_of),
        'appeals', (SELECT coalesce(json_agg(json_build_object('id', a.id, 'number', a.number, 'status', a.status,
                                                               'commission', commission_json(a.commission_id)) ORDER BY a.id), '[]')
                      FROM complaints a WHERE a.appeal_of = c.id),
        'court_rulings', (SELECT coalesce(json_agg(json_build_object('id', r.id, 'court', r.court, 'instance', r.instance,
                                 'ruled_on', r.ruled_on, 'outcome', r.outcome, 'summary', r.summary)
                                 ORDER BY r.ruled_on, r.id), '[]')
                            FROM court_rulings r WHERE r.complaint_id = c.id),
        'documents', complaint_documents_json('complaints', c.id, false),
        'history', (SELECT coalesce(json_agg(json_build_object('at', v.at, 'action', v.action,
                                  'commission', CASE WHEN v.commission_id IS NOT NULL THEN commission_json(v.commission_id) END,
                                  'to_commission', CASE WHEN v.to_commission IS NOT NULL THEN commission_json(v.to_commission) END,
                                  'in_time', v.in_time, 'comment', v.comment) ORDER BY v.id), '[]')
                      FROM complaint_events v WHERE v.complaint_id = c.id));
END $$;

-- The latest version of each document of a complaint (or a ruling); private ones only when asked.
CREATE OR REPLACE FUNCTION complaint_documents_json(owner_kind text, owner_number bigint, with_private boolean)
RETURNS json LANGUAGE sql STABLE AS $$
    SELECT coalesce(json_agg(json_build_object('id', d.document_id, 'kind', d.kind, 'version', d.version,
                                               'sha256', d.sha256, 'visibility', d.visibility,
                                               'uploaded_at', d.uploaded_at) ORDER BY d.kind), '[]')
      FROM owner_documents(owner_kind, owner_number) d
     WHERE with_private OR d.visibility = 'public'
$$;

-- How someone sees a complaint: 'complainant', 'reviewer' (of its commission now or before), or NULL.
CREATE OR REPLACE FUNCTION complaint_role(c complaints, actor text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN c.complainant_pin = actor THEN 'complainant'
                WHEN complaint_reviewer(c.commission_id, actor)
                  OR EXISTS (SELECT 1 FROM complaint_events v WHERE v.complaint_id = c.id AND v.action = 'forwarded'
                                AND complaint_reviewer(v.commission_id, actor)) THEN 'reviewer'
                WHEN c.subject_candidate IS NOT NULL
                 AND EXISTS (SELECT 1 FROM candidates k WHERE k.id = c.subject_candidate AND k.pin = actor) THEN 'concerned'
                WHEN c.subject_party IS NOT NULL AND party_role(c.election_id, c.subject_party, actor) IS NOT NULL THEN 'concerned'
           END
$$;

-- A complaint as the complainant, a reviewer or the person it concerns sees it; NULL for anyone else.
CREATE OR REPLACE FUNCTION complaint_private_json(complaint bigint, actor text) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
    c complaints;
    r text;
BEGIN
    SELECT * INTO c FROM complaints x WHERE x.id = complaint;
    r := complaint_role(c, actor);
    IF r IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN (SELECT json_object_agg(key, value) FROM (
        SELECT key, value FROM json_each(complaint_public_json(c)) WHERE key <> 'complainant'
        UNION ALL SELECT 'your_role', to_json(r)
        UNION ALL SELECT 'may_act', to_json(r = 'reviewer' AND c.status <> 'decided'
                                              AND complaint_reviewer(c.commission_id, actor))
        UNION ALL SELECT 'complainant', json_build_object('kind', c.complainant_kind,
                          'name', CASE WHEN r <> 'concerned' THEN c.complainant_name END,
                          'organisation', c.complainant_org,
                          'party', (SELECT json_build_object('id', p.id, 'short_name', p.short_name)
                                      FROM parties p WHERE p.id = c.complainant_party))
        UNION ALL SELECT 'attachments', CASE WHEN r <> 'concerned'
                                             THEN complaint_documents_json('complaints', c.id, true) ELSE '[]' END
    ) f);
END $$;

-- The cabinet: the complaints someone filed, and those about them (a candidate, a party's people).
CREATE OR REPLACE FUNCTION cabinet_complaints_json(actor text) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('items', coalesce(json_agg(json_build_object('id', c.id, 'number', c.number,
               'election_id', c.election_id, 'received_at', c.received_at, 'summary', left(c.summary, 200),
               'commission', commission_json(c.commission_id), 'status', c.status, 'review_due', c.review_due,
               'deadline', complaint_deadline(c), 'outcome', c.outcome, 'appeal_due', c.appeal_due,
               'hearing', CASE WHEN c.hearing_at IS NOT NULL THEN json_build_object('at', c.hearing_at, 'place', c.hearing_place) END,
               'your_role', complaint_role(c, actor)) ORDER BY c.received_at DESC, c.id DESC), '[]'))
      FROM complaints c
     WHERE c.complainant_pin = actor
        OR c.subject_candidate IN (SELECT k.id FROM candidates k WHERE k.pin = actor)
        OR (c.subject_party IS NOT NULL AND party_role(c.election_id, c.subject_party, actor) IS NOT NULL)
$$;

-- The queue of a reviewer's commissions: open ones first, by deadline.
CREATE OR REPLACE FUNCTION complaints_queue_json(actor text, election integer) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('items', coalesce(json_agg(json_build_object('id', c.id, 'number', c.number,
               'election_id', c.election_id, 'received_at', c.received_at, 'arrived_at', c.arrived_at,
               'summary', left(c.summary, 200), 'subject', c.subject, 'station', c.station_number,
               'district', c.district_number, 'commission', commission_json(c.commission_id), 'status', c.status,
               'review_due', c.review_due, 'deadline', complaint_deadline(c), 'outcome', c.outcome,
               'hearing', CASE WHEN c.hearing_at IS NOT NULL THEN json_build_object('at', c.hearing_at, 'place', c.hearing_place) END)
               ORDER BY c.status = 'decided', c.review_due, c.id), '[]'))
      FROM complaints c JOIN staff_roles r ON r.commission_id = c.commission_id
     WHERE r.pin = actor AND r.role = 'complaints_reviewer' AND (election IS NULL OR c.election_id = election)
$$;

-- The public registry: filters, search in the number and the words, a page after a complaint (keyset, newest first).
DROP FUNCTION IF EXISTS complaints_public_json(integer, integer, text, text, text, text, bigint, integer);
CREATE OR REPLACE FUNCTION complaints_public_json(election integer, commission integer, wanted text, result text,
                                                  clock text, q text, before bigint, lim integer,
                                                  station integer DEFAULT NULL) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    items json;
    more boolean;
    last_id bigint;
    total bigint;
BEGIN
    WITH hits AS (
        SELECT c.id FROM complaints c
         WHERE (election IS NULL OR c.election_id = election)
           AND (commission IS NULL OR c.commission_id = commission)
           AND (wanted IS NULL OR c.status = wanted)
           AND (result IS NULL OR c.outcome = result)
           AND (clock IS NULL OR complaint_deadline(c) = clock)
           AND (station IS NULL OR c.station_number = station
                OR (c.concerns = 'protocol' AND c.concerns_id = station)
                OR (c.changed = 'protocol' AND c.changed_id = station))
           AND (q IS NULL OR c.number || ' ' || c.summary
                ILIKE '%' || replace(replace(replace(q, '\', '\\'), '%', '\%'), '_', '\_') || '%')),
    page AS (SELECT h.id FROM hits h WHERE before IS NULL OR h.id < before ORDER BY h.id DESC LIMIT lim + 1),
    shown AS (SELECT p.id FROM page p ORDER BY p.id DESC LIMIT lim)
    SELECT (SELECT count(*) FROM hits),
           (SELECT json_agg(complaint_public_json(c) ORDER BY c.id DESC) FROM complaints c
             WHERE c.id IN (SELECT id FROM shown)),
           (SELECT count(*) > lim FROM page),
           (SELECT min(id) FROM shown)
      INTO total, items, more, last_id;
    RETURN json_build_object('total', total, 'items', coalesce(items, '[]'),
                             'next', CASE WHEN more THEN last_id END)::text;
END $$;

-- A moment as Bishkek's local time, "2027-01-13T23:59:59" (NULL stays NULL).
CREATE OR REPLACE FUNCTION local_time_text(t timestamptz) RETURNS text
LANGUAGE sql STABLE AS $$ SELECT to_char(t AT TIME ZONE 'Asia/Bishkek', 'YYYY-MM-DD"T"HH24:MI:SS') $$;

-- Every complaint of an election as CSV, the complainant masked (empty fields for what is not there).
CREATE OR REPLACE FUNCTION complaints_public_csv(election integer) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT 'number,received_at,complainant_kind,subject,station,district,commission_id,commission,status,review_due,'
           || 'deadline,outcome,decided_at,appeal_of,court_rulings,summary' || E'\n'
           || coalesce(string_agg(array_to_string(ARRAY[c.number, local_time_text(c.received_at),
                  c.complainant_kind, c.subject, c.station_number::text, c.district_number::text, c.commission_id::text,
                  csv_field(k.name_ru), c.status, local_time_text(c.review_due), complaint_deadline(c),
                  c.outcome, local_time_text(c.decided_at),
                  (SELECT a.number FROM complaints a WHERE a.id = c.appeal_of),
                  (SELECT count(*) FROM court_rulings r WHERE r.complaint_id = c.id)::text,
                  csv_field(replace(c.summary, E'\r', ''))], ',', ''), E'\n' ORDER BY c.id) || E'\n', '')
      FROM complaints c JOIN commissions k ON k.id = c.commission_id
     WHERE c.election_id = election
$$;

-- An election's dashboard: received, decided in time, late, overdue, by outcome, per commission, per day;
-- and the complaints still open (the CEC sees them before it approves the results).
CREATE OR REPLACE FUNCTION complaints_dashboard_json(election integer, commission integer) RETURNS json
LANGUAGE sql STABLE AS $$
    WITH c AS (SELECT x.*, complaint_deadline(x) AS clock FROM complaints x
                WHERE x.election_id = election AND (commission IS NULL OR x.commission_id = commission))
    SELECT json_build_object(
        'election_id', election, 'commission', CASE WHEN commission IS NOT NULL THEN commission_json(commission) END,
        'received', (SELECT count(*) FROM c),
        'decided', (SELECT count(*) FROM c WHERE status = 'decided'),
        'decided_in_time', (SELECT count(*) FROM c WHERE clock = 'met'),
        'decided_late', (SELECT count(*) FROM c WHERE clock = 'missed'),
        'open', (SELECT count(*) FROM c WHERE status <> 'decided'),
        'overdue', (SELECT count(*) FROM c WHERE clock = 'overdue'),
        'by_outcome', (SELECT coalesce(json_object_agg(outcome, n), '{}')
                         FROM (SELECT outcome, count(*) AS n FROM c WHERE outcome IS NOT NULL GROUP BY outcome) o),
        'by_commission', (SELECT coalesce(json_agg(json_build_object('commission', commission_json(k.commission_id),
                              'received', k.received, 'open', k.open, 'overdue', k.overdue, 'late', k.late)
                              ORDER BY k.received DESC, k.commission_id), '[]')
                            FROM (SELECT commission_id, count(*) AS received, count(*) FILTER (WHERE status <> 'decided') AS open,
                                         count(*) FILTER (WHERE clock = 'overdue') AS overdue,
                                         count(*) FILTER (WHERE clock = 'missed') AS late
                                    FROM c GROUP BY commission_id) k),
        'by_day', (SELECT coalesce(json_agg(json_build_object('day', d.day, 'received', d.n) ORDER BY d.day), '[]')
                     FROM (SELECT (received_at AT TIME ZONE 'Asia/Bishkek')::date AS day, count(*) AS n FROM c GROUP BY 1) d),
        'still_open', (SELECT coalesce(json_agg(json_build_object('id', id, 'number', number, 'status', status,
                           'review_due', review_due, 'deadline', clock, 'commission', commission_json(commission_id))
                           ORDER BY review_due, id), '[]') FROM c WHERE status <> 'decided'))
$$;

-- What cgi/api/complaints.c needs to route an appeal: the decided complaint's commission's kind.
CREATE OR REPLACE FUNCTION complaint_appeal_source(complaint bigint, actor text)
RETURNS TABLE (election_id integer, commission_id integer, kind text, station_number integer,
               district_number smallint)
LANGUAGE sql STABLE AS $$
    SELECT c.election_id, c.commission_id, k.kind, c.station_number, c.district_number
      FROM complaints c JOIN commissions k ON k.id = c.commission_id
     WHERE c.id = complaint AND c.complainant_pin = actor
$$;

-- Who may do what to a complaint's documents (cgi/api/document_kinds.c): the person's role, the
-- complaint's status, and whether they act on it now (its commission's reviewer, or the CEC's).
CREATE OR REPLACE FUNCTION complaint_document_access(complaint bigint, actor text)
RETURNS TABLE (role text, status text, acting boolean)
LANGUAGE sql STABLE AS $$
    SELECT complaint_role(c, actor), c.status,
           complaint_reviewer(c.commission_id, actor)
           OR complaint_reviewer((SELECT k.id FROM commissions k WHERE k.kind = 'central'), actor)
      FROM complaints c WHERE c.id = complaint
$$;
