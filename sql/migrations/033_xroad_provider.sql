-- Shailoo as an X-Road (Tunduk) service provider (issue 13): other
-- agencies' information systems call our services through their security
-- server and ours (cgi/api/xroad.c, nginx/xroad.conf.in).
--
-- xroad_access: which client subsystem may call which of our services,
-- granted and revoked by the CEC's administrators (a revoked grant stays,
-- so the evidence of old calls still has the grant they were made under).
CREATE TABLE xroad_access (
    id         bigserial PRIMARY KEY,
    -- instance/class/member/subsystem, X-Road's identifier characters only.
    client     text NOT NULL CHECK (client ~ '^[A-Za-z0-9''()+,.=?-]+(/[A-Za-z0-9''()+,.=?-]+){3}$'
                                    AND length(client) <= 255),
    service    text NOT NULL CHECK (service IN ('voter-status', 'candidate-status',
                                                'complaint-status', 'election-results')),
    granted_by text NOT NULL CHECK (granted_by ~ '^[0-9]{14}$'),
    granted_at timestamptz NOT NULL DEFAULT now(),
    revoked_by text CHECK (revoked_by ~ '^[0-9]{14}$'),
    revoked_at timestamptz,
    CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);
-- One live grant of a service to a client.
CREATE UNIQUE INDEX xroad_access_live ON xroad_access (client, service) WHERE revoked_at IS NULL;

-- The evidence: every call that reached the application, allowed or not,
-- with its X-Road identifiers (as received when they were well-formed,
-- else NULL) and the SHA-256 of the answer's body as it was sent.  No PIN
-- in clear: the path is kept with its long digit runs masked, and the
-- PIN asked about as a SHA-256 (subject_sha256), so that "who asked about
-- this person" can still be answered by hashing the person's PIN.
CREATE TABLE xroad_calls (
    id             bigserial PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT now(),
    xroad_id       uuid,
    client         text CHECK (length(client) <= 255),
    service        text CHECK (length(service) <= 255),  -- the X-Road-Service header
    service_code   text CHECK (service_code IN ('voter-status', 'candidate-status',
                                                'complaint-status', 'election-results')),
    user_id        text CHECK (length(user_id) <= 255),
    issue          text CHECK (length(issue) <= 255),
    method         text NOT NULL CHECK (length(method) <= 10),
    path           text NOT NULL CHECK (length(path) <= 300),  -- digit runs masked
    subject_sha256 text CHECK (subject_sha256 ~ '^[0-9a-f]{64}$'),
    status         integer NOT NULL CHECK (status BETWEEN 100 AND 599),
    error_type     text CHECK (length(error_type) <= 100),   -- X-Road-Error, if any
    answer_sha256  text NOT NULL CHECK (answer_sha256 ~ '^[0-9a-f]{64}$'),
    duration_ms    integer NOT NULL CHECK (duration_ms >= 0),
    cert_sha1      text CHECK (cert_sha1 ~ '^[0-9a-f]{40}$'),  -- the security server's certificate
    request_id     text CHECK (length(request_id) <= 64)
);
CREATE INDEX xroad_calls_at ON xroad_calls (at);
CREATE INDEX xroad_calls_client ON xroad_calls (client, id);
CREATE INDEX xroad_calls_xroad_id ON xroad_calls (xroad_id);
CREATE INDEX xroad_calls_subject ON xroad_calls (subject_sha256) WHERE subject_sha256 IS NOT NULL;
