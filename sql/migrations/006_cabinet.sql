-- The voter cabinet: applications to change one's polling station, their
-- biometric identification, the registers sent to territorial commissions,
-- the commissions' decisions, the history of station moves, and every call
-- made to Tunduk.

CREATE TABLE tunduk_calls (
    id             bigserial PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT now(),
    method         text NOT NULL,
    service        text NOT NULL,
    xroad_id       uuid NOT NULL,
    request_hash   text,
    status         integer CHECK (status BETWEEN 0 AND 599),
    outcome        text NOT NULL CHECK (outcome IN ('ok', 'not_found', 'refused', 'xroad_error', 'unavailable')),
    error_type     text,
    duration_ms    integer NOT NULL CHECK (duration_ms >= 0),
    attempts       integer NOT NULL CHECK (attempts >= 1),
    application_id bigint          -- the application the call served, if any
);
CREATE INDEX tunduk_calls_at ON tunduk_calls (at);

CREATE TABLE applications (
    id              bigserial PRIMARY KEY,
    pin             text NOT NULL REFERENCES voters,
    election_id     integer NOT NULL REFERENCES elections,
    kind            text NOT NULL CHECK (kind IN ('move_home', 'move_abroad', 'correction')),
    station_from    integer NOT NULL REFERENCES stations,
    station_to      integer REFERENCES stations,
    reason          text NOT NULL DEFAULT '' CHECK (length(reason) <= 1000),
    status          text NOT NULL DEFAULT 'awaiting_identification'
                    CHECK (status IN ('awaiting_identification', 'identified', 'in_register',
                                      'approved', 'rejected')),
    commission_id   integer NOT NULL REFERENCES commissions,  -- the TEC that decides
    registry        jsonb,           -- what the population registry said, if it answered
    registry_status text NOT NULL CHECK (registry_status IN ('ok', 'not_found', 'unavailable')),
    decision_reason text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'correction') = (station_to IS NULL)),
    CHECK (station_to IS DISTINCT FROM station_from),
    CHECK (status <> 'rejected' OR decision_reason IS NOT NULL)
);
-- One pending application per voter.
CREATE UNIQUE INDEX applications_one_pending ON applications (pin)
    WHERE status IN ('awaiting_identification', 'identified', 'in_register');
CREATE INDEX applications_commission ON applications (commission_id, status);

-- Every change of an application's status: what, when, who (role), which commission.
CREATE TABLE application_events (
    id             bigserial PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES applications,
    at             timestamptz NOT NULL DEFAULT now(),
    status         text NOT NULL,
    actor_role     text NOT NULL CHECK (actor_role IN ('voter', 'operator', 'tec_admin', 'cec_admin')),
    actor_pin      text NOT NULL,
    commission_id  integer REFERENCES commissions,
    comment        text NOT NULL DEFAULT ''
);
CREATE INDEX application_events_app ON application_events (application_id, at);

-- A summary register of identified applications, formed by an operator and
-- sent to the territorial commission's administrator.
CREATE TABLE registers (
    id            bigserial PRIMARY KEY,
    commission_id integer NOT NULL REFERENCES commissions,
    formed_by     text NOT NULL,
    formed_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE identifications (
    id             bigserial PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES applications,
    device_id      text NOT NULL CHECK (device_id ~ '^[0-9]{20}$'),
    at             timestamptz NOT NULL,
    matched        boolean NOT NULL,
    operator_pin   text NOT NULL,
    commission_id  integer NOT NULL REFERENCES commissions,
    register_id    bigint REFERENCES registers
);
CREATE INDEX identifications_day ON identifications (commission_id, at);

CREATE TABLE station_moves (
    id             bigserial PRIMARY KEY,
    pin            text NOT NULL REFERENCES voters,
    from_station   integer NOT NULL REFERENCES stations,
    to_station     integer NOT NULL REFERENCES stations,
    application_id bigint NOT NULL UNIQUE REFERENCES applications,  -- never approved twice
    at             timestamptz NOT NULL DEFAULT now(),
    CHECK (from_station <> to_station)
);
CREATE INDEX station_moves_pin ON station_moves (pin, at);
