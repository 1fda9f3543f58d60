-- Issue 8: the registered biometric identification devices of each
-- commission; per-person rate limits shared by every worker; the population
-- registry's last answer about a person, kept a few minutes.

-- A commission's identification devices, registered by the CEC.  An
-- identification names a working device of its own commission: the foreign
-- key below and the trigger see to it even if the C code does not.
CREATE TABLE biometric_devices (
    device_id     text PRIMARY KEY CHECK (device_id ~ '^[0-9]{20}$'),
    commission_id integer NOT NULL REFERENCES commissions,
    registered_by text NOT NULL,
    registered_at timestamptz NOT NULL DEFAULT now(),
    revoked_at    timestamptz,
    UNIQUE (device_id, commission_id),     -- the target of identifications' foreign key
    CHECK (revoked_at IS NULL OR revoked_at >= registered_at)
);
CREATE INDEX biometric_devices_commission ON biometric_devices (commission_id, registered_at);

-- Identifications recorded before devices were registered: their devices
-- are registered as revoked (by 'migration 015'), so the history stays and
-- nothing new can use them.  A device that served several commissions goes
-- to the first; such old rows (if any) keep the constraint NOT VALID.
INSERT INTO biometric_devices (device_id, commission_id, registered_by, registered_at, revoked_at)
SELECT DISTINCT ON (device_id) device_id, commission_id, 'migration 015', min(at) OVER w, now()
  FROM identifications
WINDOW w AS (PARTITION BY device_id)
 ORDER BY device_id, at, id
ON CONFLICT DO NOTHING;

ALTER TABLE identifications ADD CONSTRAINT identifications_device
    FOREIGN KEY (device_id, commission_id) REFERENCES biometric_devices (device_id, commission_id)
    NOT VALID;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM identifications i WHERE NOT EXISTS (
                       SELECT 1 FROM biometric_devices d
                        WHERE d.device_id = i.device_id AND d.commission_id = i.commission_id)) THEN
        ALTER TABLE identifications VALIDATE CONSTRAINT identifications_device;
    END IF;
END $$;

-- A revoked device identifies no one.  FOR SHARE: a revocation committing
-- at the same moment waits for this identification, or this one sees it.
CREATE FUNCTION identifications_device_working() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER identifications_device_working
    BEFORE INSERT OR UPDATE OF device_id, commission_id ON identifications
    FOR EACH ROW EXECUTE FUNCTION identifications_device_working();

CREATE FUNCTION biometric_device_json(d biometric_devices) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'device_id', d.device_id,
        'commission', (SELECT json_build_object('id', c.id, 'name_ru', c.name_ru, 'name_ky', c.name_ky)
                         FROM commissions c WHERE c.id = d.commission_id),
        'registered_at', d.registered_at, 'revoked_at', d.revoked_at)
$$;

-- Per-person rate limits: a fixed window per (person, action), one row
-- each, shared by every worker and host.
CREATE TABLE person_rate_limits (
    pin          text NOT NULL,
    action       text NOT NULL CHECK (action ~ '^[a-z_]{1,32}$'),
    window_start timestamptz NOT NULL,
    hits         integer NOT NULL CHECK (hits >= 1),
    PRIMARY KEY (pin, action)
);

-- Counts one attempt of pin at action: 0 if it is within max_hits in the
-- window of window_s seconds, else the whole seconds until the window ends
-- (at least 1).  One statement: two workers at once cannot both slip through.
-- Attempts over the limit are not counted further (hits stops at max + 1).
CREATE FUNCTION person_rate_take(p_pin text, p_action text, max_hits integer, window_s integer)
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

-- The population registry's last answer about a person (ok or not_found;
-- an outage is not kept), so that the cabinet does not ask Tunduk on every
-- view.  An application asks afresh and refreshes it (cgi/api/cabinet.c).
CREATE TABLE registry_answers (
    pin        text PRIMARY KEY CHECK (pin ~ '^[0-9]{14}$'),
    status     text NOT NULL CHECK (status IN ('ok', 'not_found')),
    person     jsonb,
    checked_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'ok') = (person IS NOT NULL))
);
