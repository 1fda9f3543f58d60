-- The automatic ballot-counting boxes (ASU): each station's device has its
-- own ES256 key pair; the CEC registers the public key for a station and an
-- election, and publishes it so anyone can verify the device's reports.

CREATE TABLE asu_devices (
    device_id      text PRIMARY KEY CHECK (device_id ~ '^[0-9]{20}$'),
    election_id    integer NOT NULL REFERENCES elections,
    station_number integer NOT NULL REFERENCES stations,
    public_key     text NOT NULL CHECK (public_key LIKE '-----BEGIN PUBLIC KEY-----%'
                                        AND length(public_key) <= 1024),
    registered_by  text NOT NULL,
    registered_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at     timestamptz
);
-- One working device per station and election; a broken one is revoked, then replaced.
CREATE UNIQUE INDEX asu_devices_one_per_station ON asu_devices (election_id, station_number)
    WHERE revoked_at IS NULL;
