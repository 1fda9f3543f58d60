-- More registries through Tunduk (issue 13, part 2; migration 032): the
-- civil registry's feed of changes, the disability registry's persons who
-- need an accessible station, and the stations' accessibility.

-- The voter a PIN names: the list's own key, or the PIN the civil registry
-- changed it to (voter_pins).  NULL if none.
CREATE OR REPLACE FUNCTION voter_pin_resolve(p text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT v.pin FROM voters v WHERE v.pin = p),
                    (SELECT a.voter_pin FROM voter_pins a WHERE a.pin = p))
$$;

-- One change of the feed, checked: the registry's shape or a refusal naming the fault.
CREATE OR REPLACE FUNCTION civil_change_check(c jsonb) RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF jsonb_typeof(c) IS DISTINCT FROM 'object' THEN
        PERFORM shailoo_refuse(422, 'bad_change', 'a change of the civil registry is not an object');
    END IF;
    IF NOT coalesce(c->>'id' ~ '^[A-Za-z0-9._-]{1,100}$', false) THEN
        PERFORM shailoo_refuse(422, 'bad_change', 'a change without a valid id', 'id');
    END IF;
    IF NOT coalesce(c->>'kind' IN ('death', 'pin_change'), false) THEN
        PERFORM shailoo_refuse(422, 'bad_change', format('change %s: unknown kind', c->>'id'), 'kind');
    END IF;
    IF NOT coalesce(c->>'pin' ~ '^[0-9]{14}$', false) THEN
        PERFORM shailoo_refuse(422, 'bad_change', format('change %s: pin is not 14 digits', c->>'id'), 'pin');
    END IF;
    IF (c->>'kind' = 'pin_change') <> coalesce(c->>'new_pin' ~ '^[0-9]{14}$' AND c->>'new_pin' <> c->>'pin', false) THEN
        PERFORM shailoo_refuse(422, 'bad_change', format('change %s: new_pin', c->>'id'), 'new_pin');
    END IF;
    IF NOT coalesce(c->>'date' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', false) THEN
        PERFORM shailoo_refuse(422, 'bad_change', format('change %s: date is not YYYY-MM-DD', c->>'id'), 'date');
    END IF;
END $$;

-- Applies one change (checked, not yet recorded): its outcome and voter.
CREATE OR REPLACE FUNCTION civil_change_apply(c jsonb, OUT outcome text, OUT voter text)
LANGUAGE plpgsql AS $$
DECLARE
    v voters;
BEGIN
    voter := voter_pin_resolve(c->>'pin');
    IF voter IS NULL THEN
        outcome := 'unknown_pin';
        RETURN;
    END IF;
    SELECT * INTO v FROM voters WHERE pin = voter FOR UPDATE;
    IF c->>'kind' = 'pin_change' THEN
        IF voter_pin_resolve(c->>'new_pin') IS NOT NULL THEN
            outcome := 'pin_taken';
        ELSE
            outcome := 'pin_recorded';
        END IF;
        RETURN;
    END IF;
    IF v.status <> 'active' THEN
        outcome := 'already_removed';
        RETURN;
    END IF;
    -- The voters' trigger takes the voter off the station's count and the statistics.
    UPDATE voters SET status = 'removed', updated_at = now() WHERE pin = voter;
    UPDATE station_access_needs n SET voters = n.voters - 1
     WHERE n.station_number = v.station_number AND n.voters > 0
       AND (EXISTS (SELECT 1 FROM access_needs a WHERE a.pin = voter)
            OR EXISTS (SELECT 1 FROM access_needs a JOIN voter_pins p ON p.pin = a.pin
                        WHERE p.voter_pin = voter));
    outcome := 'applied';
END $$;

-- A batch of the civil registry's feed, read from cursor `since`, in one
-- transaction: each change recorded once by its id (delivered again: counted
-- as a duplicate, nothing done), a death takes that voter off the list with
-- the registry's change as evidence, a PIN change makes the new PIN lead to
-- the voter.  The cursor moves to next only if no other read moved it
-- meanwhile (the changes are applied either way: they are idempotent).
CREATE OR REPLACE FUNCTION civil_feed_apply(since text, changes jsonb, next text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    f registry_feeds;
    c jsonb;
    r record;
    n_new integer := 0;
    n_dup integer := 0;
    counts jsonb := '{}';
BEGIN
    SELECT * INTO f FROM registry_feeds WHERE name = 'civil' FOR UPDATE;
    IF jsonb_typeof(changes) IS DISTINCT FROM 'array' THEN
        PERFORM shailoo_refuse(422, 'bad_feed', 'the civil registry''s changes are not an array', 'changes');
    END IF;
    IF next IS NOT NULL AND next !~ '^[A-Za-z0-9._-]{0,100}$' THEN
        PERFORM shailoo_refuse(422, 'bad_feed', 'the civil registry''s cursor is not one', 'next');
    END IF;
    FOR c IN SELECT value FROM jsonb_array_elements(changes) LOOP
        PERFORM civil_change_check(c);
        IF EXISTS (SELECT 1 FROM civil_changes WHERE id = c->>'id') THEN
            n_dup := n_dup + 1;
            CONTINUE;
        END IF;
        SELECT * INTO r FROM civil_change_apply(c);
        INSERT INTO civil_changes (id, kind, pin, new_pin, date, outcome, voter_pin, evidence)
        VALUES (c->>'id', c->>'kind', c->>'pin', c->>'new_pin', (c->>'date')::date, r.outcome,
                r.voter, c);
        IF r.outcome = 'applied' THEN
            INSERT INTO voter_removals (pin, station_number, reason, source_id, evidence)
            SELECT v.pin, v.station_number, 'death', c->>'id', c FROM voters v WHERE v.pin = r.voter;
        ELSIF r.outcome = 'pin_recorded' THEN
            INSERT INTO voter_pins (pin, voter_pin, change_id) VALUES (c->>'new_pin', r.voter, c->>'id');
        END IF;
        n_new := n_new + 1;
        counts := jsonb_set(counts, ARRAY[r.outcome], to_jsonb(coalesce((counts->>r.outcome)::integer, 0) + 1));
    END LOOP;
    UPDATE registry_feeds SET
        cursor = CASE WHEN next IS NOT NULL AND f.cursor = coalesce(since, '') THEN next ELSE f.cursor END,
        last_read = now(), last_try = now(), last_error = NULL,
        reads = reads + 1, received = received + n_new + n_dup
     WHERE name = 'civil';
    RETURN json_build_object('received', n_new + n_dup, 'new', n_new, 'duplicates', n_dup,
                             'outcomes', counts,
                             'cursor', (SELECT cursor FROM registry_feeds WHERE name = 'civil'));
END $$;

-- A read that did not reach the registry or could not be applied.
CREATE OR REPLACE FUNCTION registry_feed_failed(feed text, error text) RETURNS void
LANGUAGE sql AS $$
    UPDATE registry_feeds SET last_try = now(), last_error = left(error, 500) WHERE name = feed
$$;

-- The disability registry's whole list of persons needing an accessible
-- station ([{pin, group}]), in one transaction: replaces the last read's and
-- counts them per station (active voters, by the list's PIN or a changed one).
CREATE OR REPLACE FUNCTION disability_apply(persons jsonb) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    n integer;
BEGIN
    PERFORM 1 FROM registry_feeds WHERE name = 'disability' FOR UPDATE;
    IF jsonb_typeof(persons) IS DISTINCT FROM 'array' THEN
        PERFORM shailoo_refuse(422, 'bad_feed', 'the disability registry''s persons are not an array', 'persons');
    END IF;
    IF EXISTS (SELECT 1 FROM jsonb_array_elements(persons) p
                WHERE NOT coalesce(p->>'pin' ~ '^[0-9]{14}$', false)
                   OR (p->>'group' IS NOT NULL AND p->>'group' NOT IN ('I', 'II', 'III', 'child'))) THEN
        PERFORM shailoo_refuse(422, 'bad_feed', 'a person of the disability registry without a PIN or with an unknown group', 'pin');
    END IF;
    DELETE FROM access_needs;
    INSERT INTO access_needs (pin, grp)
    SELECT p->>'pin', p->>'group' FROM jsonb_array_elements(persons) p
    ON CONFLICT (pin) DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    DELETE FROM station_access_needs;
    INSERT INTO station_access_needs (station_number, voters, as_of)
    SELECT v.station_number, count(DISTINCT v.pin), now()
      FROM access_needs a
      JOIN voters v ON v.pin = coalesce((SELECT p.voter_pin FROM voter_pins p WHERE p.pin = a.pin), a.pin)
     WHERE v.status = 'active'
     GROUP BY v.station_number;
    UPDATE registry_feeds SET last_read = now(), last_try = now(), last_error = NULL,
                              reads = reads + 1, received = received + n
     WHERE name = 'disability';
    RETURN json_build_object('persons', n,
                             'stations', (SELECT count(*) FROM station_access_needs),
                             'voters', (SELECT coalesce(sum(voters), 0) FROM station_access_needs));
END $$;

-- A feed's state for the CEC's administrators.
CREATE OR REPLACE FUNCTION registry_feed_json(feed text) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('feed', f.name, 'cursor', f.cursor, 'last_read', f.last_read,
        'last_try', f.last_try, 'last_error', f.last_error, 'reads', f.reads, 'received', f.received,
        'outcomes', CASE WHEN f.name = 'civil' THEN
            (SELECT coalesce(json_object_agg(outcome, n), '{}')
               FROM (SELECT outcome, count(*) AS n FROM civil_changes GROUP BY outcome) o) END,
        'recent', CASE WHEN f.name = 'civil' THEN
            (SELECT coalesce(json_agg(json_build_object('id', c.id, 'kind', c.kind, 'date', c.date,
                        'received_at', c.received_at, 'outcome', c.outcome) ORDER BY c.received_at DESC, c.id), '[]')
               FROM (SELECT * FROM civil_changes ORDER BY received_at DESC, id LIMIT 20) c) END,
        'persons', CASE WHEN f.name = 'disability' THEN (SELECT count(*) FROM access_needs) END,
        'stations', CASE WHEN f.name = 'disability' THEN (SELECT count(*) FROM station_access_needs) END)
      FROM registry_feeds f WHERE f.name = feed
$$;

-- A station's accessibility as the public answer shows it.
CREATE OR REPLACE FUNCTION station_access_json(s stations) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('accessible', s.accessible, 'note', s.accessible_note,
        'voters_needing_access',
            CASE WHEN (SELECT last_read FROM registry_feeds WHERE name = 'disability') IS NULL THEN NULL
                 ELSE coalesce((SELECT n.voters FROM station_access_needs n WHERE n.station_number = s.number), 0) END,
        'as_of', (SELECT last_read FROM registry_feeds WHERE name = 'disability'))
$$;

-- The station's territorial commission (or the CEC) says whether it is accessible.
CREATE OR REPLACE FUNCTION station_access_set(n integer, accessible boolean, note text, actor text)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    s stations;
BEGIN
    PERFORM station_admin_role(n, actor);
    IF note IS NOT NULL AND length(note) > 300 THEN
        PERFORM shailoo_refuse(422, 'invalid', 'note is at most 300 characters', 'note');
    END IF;
    UPDATE stations t SET accessible = station_access_set.accessible, accessible_note = nullif(note, ''),
                          accessible_by = actor, accessible_at = now()
     WHERE t.number = n RETURNING * INTO s;
    RETURN json_build_object('station', n, 'access', station_access_json(s),
                             'by', s.accessible_by, 'at', s.accessible_at);
END $$;
