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

-- Per-person rate limits: a fixed window per (person, action), one row
-- each, shared by every worker and host.
CREATE TABLE person_rate_limits (
    pin          text NOT NULL,
    action       text NOT NULL CHECK (action ~ '^[a-z_]{1,32}$'),
    window_start timestamptz NOT NULL,
    hits         integer NOT NULL CHECK (hits >= 1),
    PRIMARY KEY (pin, action)
);

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
