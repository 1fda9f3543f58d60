-- Election night (DOMAIN.md, "Voting, counting and results"): the signed
-- reports of the ASU devices, the public hash-chained log of every accepted
-- report, each station's figures and the aggregates of every area, kept up
-- to date by the same transaction that accepts a report (never recomputed
-- per request).
--
-- Areas of the results, as one smallint:
--   0 the country; 1..9 a region; 10 the stations abroad; 100 + n district n.
-- A station counts in its region (or abroad) and its district for the list
-- contest, and in its district for the district contest.  The country is
-- not a row of its own: it is the sum of the ten rows 1..10 (the views
-- area_results_all, area_turnout_all), so that no single row is locked by
-- every report of the night (one such row made every report wait for the
-- one before, and deadlocks were possible).

-- The hours (local time) at which stations report turnout through the day.
ALTER TABLE elections ADD COLUMN turnout_hours smallint[] NOT NULL DEFAULT '{10,12,14,16,18}'
    CHECK (turnout_hours <@ '{8,9,10,11,12,13,14,15,16,17,18,19}'::smallint[]);

CREATE TABLE asu_reports (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    election_id    integer NOT NULL REFERENCES elections,
    station_number integer NOT NULL REFERENCES stations,
    device_id      text NOT NULL REFERENCES asu_devices,
    seq            integer NOT NULL CHECK (seq BETWEEN 1 AND 1000000),
    kind           text NOT NULL CHECK (kind IN ('opening', 'turnout', 'final')),
    signed_at      timestamptz NOT NULL,        -- the device's clock, as signed
    received_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    jws            text NOT NULL,
    sha256         bytea NOT NULL UNIQUE CHECK (length(sha256) = 32),   -- of the JWS text
    payload_sha256 bytea NOT NULL CHECK (length(payload_sha256) = 32),  -- of the signed payload
    payload        jsonb NOT NULL,
    applied        boolean NOT NULL,            -- false: a later report of the device had the same figures' place
    UNIQUE (device_id, seq)
);
CREATE INDEX asu_reports_station ON asu_reports (election_id, station_number, seq);
-- A JWS is base64url and a payload mostly digits: compressing them costs more
-- time on election night than the space it saves (about 8% more reports a second).
ALTER TABLE asu_reports ALTER jws SET STORAGE EXTERNAL, ALTER payload SET STORAGE EXTERNAL;

-- Reports refused for a reason the CEC must look into: a sequence number
-- reused with other figures, control relations broken, a ballot that is not
-- the contest's, a device reporting for another station.
CREATE TABLE asu_incidents (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    election_id    integer NOT NULL REFERENCES elections,
    station_number integer NOT NULL REFERENCES stations,
    device_id      text NOT NULL REFERENCES asu_devices,
    seq            integer,
    kind           text NOT NULL CHECK (kind IN ('sequence_conflict', 'control_failed',
                                                 'ballot_mismatch', 'wrong_station')),
    code           text NOT NULL,
    detail         text NOT NULL,
    jws            text NOT NULL,
    sha256         bytea NOT NULL CHECK (length(sha256) = 32),
    UNIQUE (sha256, kind)                       -- the same bad report sent again is one incident
);
CREATE INDEX asu_incidents_election ON asu_incidents (election_id, id);

-- The public log: every accepted report, in order, each entry chained to
-- the one before.  hash = SHA-256 of the text
--   seq|time|sha256|prev_hash
-- (seq in decimal, time as YYYY-MM-DDTHH:MM:SS.ffffffZ in UTC, the two
-- hashes in lowercase hex; the first entry's prev_hash is 64 zeros).
CREATE TABLE results_log (
    election_id    integer NOT NULL REFERENCES elections,
    seq            bigint NOT NULL CHECK (seq >= 1),
    logged_at      timestamptz NOT NULL,
    report_id      bigint NOT NULL UNIQUE REFERENCES asu_reports,
    report_sha256  bytea NOT NULL CHECK (length(report_sha256) = 32),
    prev_hash      bytea NOT NULL CHECK (length(prev_hash) = 32),
    hash           bytea NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (election_id, seq)
);
CREATE TABLE results_log_head (
    election_id integer PRIMARY KEY REFERENCES elections,
    seq         bigint NOT NULL,
    hash        bytea NOT NULL
);

-- A station's current figures in a contest: from its device's latest final
-- report (report_id), or entered from the commission's protocol (NULL).
CREATE TABLE station_results (
    contest_id     integer NOT NULL REFERENCES contests,
    station_number integer NOT NULL REFERENCES stations,
    report_id      bigint REFERENCES asu_reports,
    report_seq     integer,
    voters         integer NOT NULL CHECK (voters >= 0),
    received       integer NOT NULL CHECK (received >= 0),
    issued         integer NOT NULL CHECK (issued >= 0),
    cancelled      integer NOT NULL CHECK (cancelled >= 0),
    in_boxes       integer NOT NULL CHECK (in_boxes >= 0),
    invalid        integer NOT NULL CHECK (invalid >= 0),
    valid          integer NOT NULL CHECK (valid >= 0),
    against_all    integer NOT NULL CHECK (against_all >= 0),
    votes          integer[] NOT NULL CHECK (int_array_min(votes) >= 0),   -- by ballot position
    preferences    integer[] NOT NULL DEFAULT '{}'                         -- list contest: party by party
                   CHECK (int_array_min(preferences) >= 0),
    updated_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (contest_id, station_number),
    -- The control relations (DOMAIN.md): bad figures cannot exist.
    CHECK (received = issued + cancelled),
    CHECK (in_boxes = valid + invalid),
    CHECK (valid = against_all + int_array_sum(votes)),
    CHECK (in_boxes <= issued AND issued <= voters)
);

-- The sums of an area's reported stations in a contest.
CREATE TABLE area_results (
    contest_id        integer NOT NULL REFERENCES contests,
    area              smallint NOT NULL,
    stations_total    integer NOT NULL CHECK (stations_total >= 0),
    stations_reported integer NOT NULL DEFAULT 0,
    voters            bigint NOT NULL DEFAULT 0,
    received          bigint NOT NULL DEFAULT 0,
    issued            bigint NOT NULL DEFAULT 0,
    cancelled         bigint NOT NULL DEFAULT 0,
    in_boxes          bigint NOT NULL DEFAULT 0,
    invalid           bigint NOT NULL DEFAULT 0,
    valid             bigint NOT NULL DEFAULT 0,
    against_all       bigint NOT NULL DEFAULT 0,
    votes             bigint[] NOT NULL,
    preferences       bigint[] NOT NULL DEFAULT '{}',    -- list contest: regions and abroad
    updated_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (contest_id, area),
    CHECK (stations_reported BETWEEN 0 AND stations_total),
    CHECK (valid = against_all + int_array_sum(votes))
);

-- Turnout through the day: each station's count at each hour (8: the
-- opening's zero count, 20: the final's ballots issued), and their sums.
CREATE TABLE station_turnout (
    election_id    integer NOT NULL REFERENCES elections,
    station_number integer NOT NULL REFERENCES stations,
    hour           smallint NOT NULL CHECK (hour BETWEEN 8 AND 20),
    voters         integer NOT NULL CHECK (voters >= 0),
    voted          integer NOT NULL CHECK (voted BETWEEN 0 AND voters),
    report_id      bigint REFERENCES asu_reports,
    report_seq     integer,
    PRIMARY KEY (election_id, station_number, hour)
);
CREATE TABLE area_turnout (
    election_id       integer NOT NULL REFERENCES elections,
    area              smallint NOT NULL,
    hour              smallint NOT NULL CHECK (hour BETWEEN 8 AND 20),
    stations_reported integer NOT NULL,
    voters            bigint NOT NULL,
    voted             bigint NOT NULL,
    PRIMARY KEY (election_id, area, hour)
);
