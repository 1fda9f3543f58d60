-- Who may do what: staff roles granted to citizens' PINs, ESIA logins in
-- flight, and our sessions (signed tokens, revocable here).

CREATE TABLE staff_roles (
    pin           text NOT NULL CHECK (pin ~ '^[0-9]{14}$'),
    role          text NOT NULL CHECK (role IN ('operator', 'tec_admin', 'cec_admin')),
    commission_id integer REFERENCES commissions,
    granted_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pin, role),
    -- Operators and TEC administrators act for one commission; the CEC's for all.
    CHECK ((role = 'cec_admin') = (commission_id IS NULL))
);

-- An ESIA login between our redirect and ESIA's callback: used once, within 10 minutes.
CREATE TABLE esia_logins (
    state         text PRIMARY KEY CHECK (length(state) BETWEEN 32 AND 128),
    nonce         text NOT NULL,
    code_verifier text NOT NULL,
    next_path     text NOT NULL CHECK (next_path ~ '^/[^/\\]' OR next_path = '/'),
    created_at    timestamptz NOT NULL DEFAULT now(),
    used_at       timestamptz
);
CREATE INDEX esia_logins_created ON esia_logins (created_at);

CREATE TABLE sessions (
    id         text PRIMARY KEY CHECK (length(id) BETWEEN 32 AND 128),
    pin        text NOT NULL CHECK (pin ~ '^[0-9]{14}$'),
    name       text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    CHECK (expires_at > created_at)
);
CREATE INDEX sessions_pin ON sessions (pin);
