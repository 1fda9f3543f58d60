-- Issue 12: the legal count beside the ASU's.  Each station's count in an
-- election is a row of its own (the owner of its scans and of its
-- protocol's versions); the precinct commission's secretary enters the
-- manual count, a correction is a new version with who, when and why, and
-- every version enters the election's public log beside the devices'
-- reports.  The manual count is the official figure: its sums are kept
-- beside the ASU's (area_official beside area_results).  The station's
-- identification device reports like the ASU, with its own key.

-- A station's count in one election: made for every station of an election
-- that has contests (triggers of sql/functions/028_protocols.sql).
CREATE TABLE station_counts (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    election_id    integer NOT NULL REFERENCES elections,
    station_number integer NOT NULL REFERENCES stations,
    UNIQUE (election_id, station_number)
);
INSERT INTO station_counts (election_id, station_number)
SELECT e.id, s.number FROM elections e CROSS JOIN stations s
 WHERE EXISTS (SELECT 1 FROM contests k WHERE k.election_id = e.id)
 ORDER BY e.id, s.number;

-- The precinct commission's secretary: one station, granted by its
-- territorial commission's administrator (commission_id: the station's).
ALTER TABLE staff_roles ADD COLUMN station_number integer REFERENCES stations;
ALTER TABLE staff_roles DROP CONSTRAINT staff_roles_role_check;
ALTER TABLE staff_roles ADD CONSTRAINT staff_roles_role_check
    CHECK (role IN ('operator', 'tec_admin', 'cec_admin', 'complaints_reviewer', 'station_secretary'));
ALTER TABLE staff_roles ADD CONSTRAINT staff_roles_station_check
    CHECK ((role = 'station_secretary') = (station_number IS NOT NULL));
ALTER TABLE staff_roles ADD COLUMN granted_by text CHECK (granted_by ~ '^[0-9]{14}$');

-- A station's scans are its count's: the same station in two elections has two sets.
ALTER TABLE documents DROP CONSTRAINT documents_owner_type_check;
ALTER TABLE documents ADD CONSTRAINT documents_owner_type_check
    CHECK (owner_type IN ('stations', 'applications', 'nominations', 'candidacies', 'complaints',
                          'counts'));

-- Every version of a station's manual-count protocol, never changed: the
-- figures (the contests as the ASU's final gives them), who entered them
-- (the PIN is not public; the name and role are), the reason of a
-- correction and the complaint whose decision it follows.  body is the
-- version as the public log's hash covers it (canonical JSON: jsonb's text).
CREATE TABLE protocol_versions (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    election_id    integer NOT NULL,
    station_number integer NOT NULL,
    version        integer NOT NULL CHECK (version BETWEEN 1 AND 1000),
    entered_by     text NOT NULL CHECK (entered_by ~ '^[0-9]{14}$'),
    entered_name   text NOT NULL CHECK (length(entered_name) BETWEEN 1 AND 300),
    entered_role   text NOT NULL CHECK (entered_role IN ('station_secretary', 'tec_admin', 'cec_admin')),
    entered_at     timestamptz NOT NULL,
    reason         text CHECK (length(reason) BETWEEN 10 AND 2000),
    complaint_id   bigint REFERENCES complaints,
    figures        jsonb NOT NULL CHECK (jsonb_typeof(figures) = 'array'),
    body           text NOT NULL,
    sha256         bytea NOT NULL UNIQUE CHECK (length(sha256) = 32),
    UNIQUE (election_id, station_number, version),
    FOREIGN KEY (election_id, station_number) REFERENCES station_counts (election_id, station_number),
    -- The first version is the count; every later one is a correction and says why.
    CHECK ((version = 1) = (reason IS NULL)),
    CHECK (version > 1 OR complaint_id IS NULL)
);

-- The public log holds the devices' reports and the protocols' versions.
ALTER TABLE results_log ALTER COLUMN report_id DROP NOT NULL;
ALTER TABLE results_log ADD COLUMN protocol_id bigint UNIQUE REFERENCES protocol_versions;
ALTER TABLE results_log ADD CONSTRAINT results_log_one_entry CHECK (num_nonnulls(report_id, protocol_id) = 1);

-- A station's official figures in a contest: its latest protocol version.
CREATE TABLE station_official (LIKE station_results INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE station_official RENAME COLUMN report_id TO protocol_id;
ALTER TABLE station_official RENAME COLUMN report_seq TO version;
ALTER TABLE station_official ALTER COLUMN protocol_id SET NOT NULL, ALTER COLUMN version SET NOT NULL;
ALTER TABLE station_official ADD PRIMARY KEY (contest_id, station_number),
    ADD FOREIGN KEY (contest_id) REFERENCES contests,
    ADD FOREIGN KEY (station_number) REFERENCES stations,
    ADD FOREIGN KEY (protocol_id) REFERENCES protocol_versions;

-- The sums of the official figures, area by area (the same areas and shape as area_results).
CREATE TABLE area_official (LIKE area_results INCLUDING ALL);
ALTER TABLE area_official ADD FOREIGN KEY (contest_id) REFERENCES contests;

-- The station's identification device: registered like the ASU (its own
-- key), reporting how many voters were identified, by method, at its first
-- report of the day and at the close.
ALTER TABLE asu_devices ADD COLUMN kind text NOT NULL DEFAULT 'asu' CHECK (kind IN ('asu', 'identification'));
DROP INDEX asu_devices_one_per_station;
CREATE UNIQUE INDEX asu_devices_one_per_station ON asu_devices (election_id, station_number, kind)
    WHERE revoked_at IS NULL;
ALTER TABLE asu_reports DROP CONSTRAINT asu_reports_kind_check;
ALTER TABLE asu_reports ADD CONSTRAINT asu_reports_kind_check
    CHECK (kind IN ('opening', 'turnout', 'final', 'identification'));

CREATE TABLE station_identification (
    election_id    integer NOT NULL REFERENCES elections,
    station_number integer NOT NULL REFERENCES stations,
    stage          text NOT NULL CHECK (stage IN ('first', 'final')),
    voters         integer NOT NULL CHECK (voters >= 0),
    face           integer NOT NULL CHECK (face >= 0),
    fingerprint    integer NOT NULL CHECK (fingerprint >= 0),
    document       integer NOT NULL CHECK (document >= 0),
    report_id      bigint NOT NULL REFERENCES asu_reports,
    report_seq     integer NOT NULL,
    PRIMARY KEY (election_id, station_number, stage),
    CHECK (face + fingerprint + document <= voters)
);

-- When identification and the ballots issued disagree enough to flag:
-- more than max(ballots, permille of the ballots issued) apart.
ALTER TABLE elections ADD COLUMN flag_tolerance_ballots integer NOT NULL DEFAULT 3
    CHECK (flag_tolerance_ballots BETWEEN 0 AND 1000);
ALTER TABLE elections ADD COLUMN flag_tolerance_permille integer NOT NULL DEFAULT 10
    CHECK (flag_tolerance_permille BETWEEN 0 AND 1000);
