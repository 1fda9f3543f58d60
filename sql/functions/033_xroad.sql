-- Shailoo's X-Road services for other agencies (migration 033,
-- cgi/api/xroad.c): each service's answer, the access table's grants, and
-- the evidence of calls.  The shapes are the services' OpenAPI documents'
-- (static/xroad/openapi/*.json).

-- Whether client may call service now (a live grant).
CREATE OR REPLACE FUNCTION xroad_allowed(client text, service text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM xroad_access a
                    WHERE a.client = xroad_allowed.client AND a.service = xroad_allowed.service
                      AND a.revoked_at IS NULL)
$$;

-- voter-status: is this PIN on the list, its status and station.  A PIN the
-- list never had is {"on_list": false, "status": null, "station": null}.
CREATE OR REPLACE FUNCTION xroad_voter_status(pin text) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        (SELECT json_build_object('on_list', v.status = 'active', 'status', v.status,
                    'station', CASE WHEN v.status = 'active' THEN
                        (SELECT json_build_object('number', s.number, 'name', s.name, 'address', s.address,
                                    'settlement', s.settlement, 'abroad', s.abroad, 'country', s.country,
                                    'region_id', s.region_id, 'district', s.district_number)
                           FROM stations s WHERE s.number = v.station_number) END,
                    'updated_at', v.updated_at)
           FROM voters v WHERE v.pin = xroad_voter_status.pin),
        json_build_object('on_list', false, 'status', null, 'station', null, 'updated_at', null))
$$;

-- candidate-status: a person's candidacies across elections, from
-- Talapker's nominations (status of the nomination and of the person on it)
-- and the ballots (contest entries).  Never the person's PIN.
CREATE OR REPLACE FUNCTION xroad_candidate_status(pin text) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'candidate', (SELECT json_build_object('id', k.id,
                              'name', concat_ws(' ', k.last_name, k.first_name, k.patronymic))
                        FROM candidates k WHERE k.pin = xroad_candidate_status.pin),
        'nominations', coalesce((SELECT json_agg(json_build_object(
                'election', json_build_object('id', e.id, 'date', e.date, 'name_ru', e.name_ru,
                                              'name_ky', e.name_ky, 'status', e.status),
                'nomination_id', n.id, 'kind', n.kind, 'district', n.district_number,
                'party', (SELECT json_build_object('id', p.id, 'short_name', p.short_name)
                            FROM parties p WHERE p.id = n.party_id),
                'position', c.position, 'nomination_status', n.status,
                'decided_at', n.decided_at,
                'candidate_status', CASE WHEN c.withdrawn_at IS NOT NULL THEN 'withdrawn'
                                         WHEN c.declined_at IS NOT NULL THEN 'declined'
                                         WHEN n.status = 'registered' THEN 'registered'
                                         WHEN n.status = 'refused' THEN 'refused'
                                         WHEN c.consent_at IS NOT NULL THEN 'consented'
                                         ELSE 'nominated' END,
                'registered', n.status = 'registered' AND c.withdrawn_at IS NULL AND c.declined_at IS NULL)
              ORDER BY e.date DESC, n.id)
              FROM candidates k JOIN nomination_candidates c ON c.candidate_id = k.id
                   JOIN nominations n ON n.id = c.nomination_id JOIN elections e ON e.id = n.election_id
             WHERE k.pin = xroad_candidate_status.pin), '[]'),
        'ballots', coalesce((SELECT json_agg(json_build_object(
                'election', json_build_object('id', e.id, 'date', e.date, 'name_ru', e.name_ru,
                                              'name_ky', e.name_ky, 'status', e.status),
                'contest_id', t.id, 'kind', t.kind, 'district', t.district_number,
                'ballot_position', x.ballot_position, 'withdrawn', x.withdrawn)
              ORDER BY e.date DESC, t.id)
              FROM candidates k JOIN contest_entries x ON x.candidate_id = k.id
                   JOIN contests t ON t.id = x.contest_id JOIN elections e ON e.id = t.election_id
             WHERE k.pin = xroad_candidate_status.pin), '[]'))
$$;

-- complaint-status: where a complaint is and its decision (the registry's
-- public facts: the complainant only by kind).  NULL: no such complaint.
CREATE OR REPLACE FUNCTION xroad_complaint_status(complaint bigint) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', c.id, 'number', c.number, 'election_id', c.election_id,
               'received_at', c.received_at, 'complainant_kind', c.complainant_kind,
               'subject', c.subject, 'commission', commission_json(c.commission_id),
               'status', c.status, 'deadline', complaint_deadline(c), 'review_due', c.review_due,
               'hearing', CASE WHEN c.hearing_at IS NOT NULL
                               THEN json_build_object('at', c.hearing_at, 'place', c.hearing_place) END,
               'decision', CASE WHEN c.status = 'decided' THEN json_build_object('outcome', c.outcome,
                               'text', c.decision_text, 'decided_at', c.decided_at, 'in_time', c.decided_in_time,
                               'appeal_due', c.appeal_due, 'ordered', c.ordered) END,
               'appeal_of', c.appeal_of)
      FROM complaints c WHERE c.id = complaint
$$;

-- election-results: an election's official results (the commissions'
-- protocols, results_official), each contest in its own area; a contest
-- with no official count yet has "official": null.  NULL: no such election.
CREATE OR REPLACE FUNCTION xroad_election_results(e integer) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'election', json_build_object('id', el.id, 'date', el.date, 'name_ru', el.name_ru,
                                      'name_ky', el.name_ky, 'type', el.type, 'status', el.status),
        'contests', (SELECT coalesce(json_agg(json_build_object('contest_id', k.id, 'kind', k.kind,
                             'district', k.district_number, 'seats', k.seats,
                             'official', (SELECT json_build_object(
                                     'stations', json_build_object('total', a.stations_total,
                                                                   'reported', a.stations_reported),
                                     'voters', a.voters, 'participants', a.in_boxes, 'invalid', a.invalid,
                                     'valid', a.valid, 'against_all', a.against_all, 'updated_at', a.updated_at,
                                     'entries', (SELECT coalesce(json_agg(json_build_object(
                                                     'entry', results_entry_json(x),
                                                     'votes', coalesce(a.votes[x.ballot_position], 0))
                                                   ORDER BY x.ballot_position), '[]')
                                                  FROM contest_entries x WHERE x.contest_id = k.id))
                                   FROM results_official(k.id, contest_area(k)) a
                                  WHERE a.contest_id IS NOT NULL))
                           ORDER BY k.id), '[]')
                       FROM contests k WHERE k.election_id = el.id))
      FROM elections el WHERE el.id = e
$$;

-- ---- The access table (the CEC's administrators) ----------------------------

CREATE OR REPLACE FUNCTION xroad_access_json(a xroad_access) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', a.id, 'client', a.client, 'service', a.service,
                             'granted_by', a.granted_by, 'granted_at', a.granted_at,
                             'revoked_by', a.revoked_by, 'revoked_at', a.revoked_at)
$$;

-- The grants, live ones first (with revoked ones: all).
CREATE OR REPLACE FUNCTION xroad_access_list(with_revoked boolean) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('items', coalesce(json_agg(xroad_access_json(a)
                                 ORDER BY a.revoked_at IS NOT NULL, a.client, a.service, a.id), '[]'))
      FROM xroad_access a WHERE with_revoked OR a.revoked_at IS NULL
$$;

CREATE OR REPLACE FUNCTION xroad_access_grant(who text, what text, actor text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    a xroad_access;
BEGIN
    IF who !~ '^[A-Za-z0-9''()+,.=?-]+(/[A-Za-z0-9''()+,.=?-]+){3}$' OR length(who) > 255 THEN
        PERFORM shailoo_refuse(400, 'invalid_field',
            'client is an X-Road subsystem: instance/class/member/subsystem, in X-Road''s identifier characters', 'client');
    END IF;
    IF what NOT IN ('voter-status', 'candidate-status', 'complaint-status', 'election-results') THEN
        PERFORM shailoo_refuse(400, 'invalid_field',
            'service is one of voter-status, candidate-status, complaint-status, election-results', 'service');
    END IF;
    INSERT INTO xroad_access (client, service, granted_by)
    VALUES (who, what, actor)
    ON CONFLICT (client, service) WHERE revoked_at IS NULL DO NOTHING
    RETURNING * INTO a;
    IF NOT FOUND THEN
        PERFORM shailoo_refuse(409, 'already_granted', 'this client may call this service already', 'service');
    END IF;
    RETURN xroad_access_json(a);
END $$;

CREATE OR REPLACE FUNCTION xroad_access_revoke(grant_id bigint, actor text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    a xroad_access;
BEGIN
    UPDATE xroad_access SET revoked_at = now(), revoked_by = actor
     WHERE id = grant_id AND revoked_at IS NULL
    RETURNING * INTO a;
    IF NOT FOUND THEN
        PERFORM shailoo_refuse(404, 'not_found', 'there is no live grant with this id', NULL);
    END IF;
    RETURN xroad_access_json(a);
END $$;

-- ---- The evidence -------------------------------------------------------------

-- The calls before id "before" (0: the latest), newest first, at most 200;
-- of one client if given.
CREATE OR REPLACE FUNCTION xroad_calls_json(before bigint, client text) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('items', coalesce(json_agg(json_build_object(
               'id', c.id, 'at', c.at, 'xroad_id', c.xroad_id, 'client', c.client, 'service', c.service,
               'service_code', c.service_code, 'user_id', c.user_id, 'issue', c.issue,
               'method', c.method, 'path', c.path, 'subject_sha256', c.subject_sha256,
               'status', c.status, 'error_type', c.error_type, 'answer_sha256', c.answer_sha256,
               'duration_ms', c.duration_ms, 'cert_sha1', c.cert_sha1, 'request_id', c.request_id)
             ORDER BY c.id DESC), '[]'))
      FROM (SELECT * FROM xroad_calls x
             WHERE (before = 0 OR x.id < before) AND (xroad_calls_json.client IS NULL OR x.client = xroad_calls_json.client)
             ORDER BY x.id DESC LIMIT 200) c
$$;

-- ---- One call, in one statement ---------------------------------------------

-- The service code's answer for a key the application checked (NULL: none).
CREATE OR REPLACE FUNCTION xroad_answer(code text, key text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE code WHEN 'voter-status' THEN xroad_voter_status(key)::text
                     WHEN 'candidate-status' THEN xroad_candidate_status(key)::text
                     WHEN 'complaint-status' THEN xroad_complaint_status(key::bigint)::text
                     WHEN 'election-results' THEN xroad_election_results(key::integer)::text END
$$;

-- A call of service code by client (the application checked the X-Road
-- headers and the key): whether the access table lets it, and the answer.
-- An answer is recorded here, in the same transaction, with the SHA-256 of
-- its text as sent (the application sends these very bytes); a refusal or a
-- missing answer is recorded by the application with the body it sends.
-- ms: the time the call took before this statement.
CREATE OR REPLACE FUNCTION xroad_serve(code text, client text, key text, xroad_id uuid, service text,
                                       user_id text, issue text, method text, path text,
                                       subject text, ms integer, cert text, request_id text)
RETURNS TABLE (allowed boolean, answer text) LANGUAGE plpgsql AS $$
DECLARE
    body text;
BEGIN
    IF NOT xroad_allowed(client, code) THEN
        RETURN QUERY SELECT false, NULL::text;
        RETURN;
    END IF;
    body := xroad_answer(code, key);
    IF body IS NOT NULL THEN
        INSERT INTO xroad_calls (xroad_id, client, service, service_code, user_id, issue, method, path,
                                 subject_sha256, status, answer_sha256, duration_ms, cert_sha1, request_id)
        VALUES (xroad_serve.xroad_id, xroad_serve.client, xroad_serve.service, code, xroad_serve.user_id,
                xroad_serve.issue, xroad_serve.method, xroad_serve.path, subject, 200,
                encode(sha256(convert_to(body, 'UTF8')), 'hex'),
                ms + (extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)::integer,
                cert, xroad_serve.request_id);
    END IF;
    RETURN QUERY SELECT true, body;
END $$;
