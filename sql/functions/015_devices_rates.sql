-- A revoked device identifies no one.  FOR SHARE: a revocation committing
-- at the same moment waits for this identification, or this one sees it.
CREATE OR REPLACE FUNCTION identifications_device_working() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM biometric_devices d
      WHERE d.device_id = NEW.device_id AND d.commission_id = NEW.commission_id
        AND d.revoked_at IS NULL
        FOR SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'device % is not a working device of commission %', NEW.device_id, NEW.commission_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER identifications_device_working
    BEFORE INSERT OR UPDATE OF device_id, commission_id ON identifications
    FOR EACH ROW EXECUTE FUNCTION identifications_device_working();

CREATE OR REPLACE FUNCTION biometric_device_json(d biometric_devices) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'device_id', d.device_id,
        'commission', (SELECT json_build_object('id', c.id, 'name_ru', c.name_ru, 'name_ky', c.name_ky)
                         FROM commissions c WHERE c.id = d.commission_id),
        'registered_at', d.registered_at, 'revoked_at', d.revoked_at)
$$;

-- Counts one attempt of pin at action: 0 if it is within max_hits in the
-- window of window_s seconds, else the whole seconds until the window ends
-- (at least 1).  One statement: two workers at once cannot both slip through.
-- Attempts over the limit are not counted further (hits stops at max + 1).
CREATE OR REPLACE FUNCTION person_rate_take(p_pin text, p_action text, max_hits integer, window_s integer)
RETURNS integer LANGUAGE sql VOLATILE AS $$
    INSERT INTO person_rate_limits AS r (pin, action, window_start, hits)
    VALUES (p_pin, p_action, now(), 1)
    ON CONFLICT (pin, action) DO UPDATE SET
        window_start = CASE WHEN r.window_start <= now() - make_interval(secs => window_s)
                            THEN now() ELSE r.window_start END,
        hits = CASE WHEN r.window_start <= now() - make_interval(secs => window_s)
                    THEN 1 ELSE least(r.hits + 1, max_hits + 1) END
    RETURNING CASE WHEN hits <= max_hits THEN 0
                   ELSE greatest(1, ceil(extract(epoch FROM
                            window_start + make_interval(secs => window_s) - now())))::integer END
$$;
