-- Talapker, the e-candidate system (DOMAIN.md, "Candidates and parties"):
-- a party's notification of an election and its representatives, the
-- nominations (a party's list; a district candidate, by a party or by
-- themself) with their candidates, consents, statuses and histories.  The
-- ballot (contests, contest_entries, list_candidates: migration 008) is what
-- registration makes of a nomination; a nomination is the way there.
-- The writes are the functions of sql/functions/021_talapker.sql.

-- A party as the legal-entity register knows it (Tunduk); new parties get
-- ids from 1000 (the demo's are 1..14).
ALTER TABLE parties ADD COLUMN registration_number text UNIQUE
    CHECK (registration_number ~ '^[0-9A-Za-z-]{3,32}$');
CREATE SEQUENCE parties_id_seq START 1000 OWNED BY parties.id;
ALTER TABLE parties ALTER COLUMN id SET DEFAULT nextval('parties_id_seq');

-- A person nominated: the population register's name, sex and birth date,
-- the party's declarations (ethnicity, disability, education).  New
-- candidates get ids from 100000 (the demo's are below).
CREATE SEQUENCE candidates_id_seq START 100000 OWNED BY candidates.id;
ALTER TABLE candidates ALTER COLUMN id SET DEFAULT nextval('candidates_id_seq');

-- The party's notification that it takes part: from the head the register names.
CREATE TABLE party_participations (
    election_id integer NOT NULL REFERENCES elections,
    party_id    integer NOT NULL REFERENCES parties,
    head_pin    text NOT NULL CHECK (head_pin ~ '^[0-9]{14}$'),
    head_name   text NOT NULL CHECK (head_name <> ''),
    register    jsonb NOT NULL,               -- what the legal-entity register said
    notified_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (election_id, party_id)
);
CREATE INDEX party_participations_head ON party_participations (head_pin);

-- Representatives the head names (the party_rep role, scoped to the party
-- and the election); a withdrawal closes the grant, which stays.
CREATE TABLE party_reps (
    id           bigserial PRIMARY KEY,
    election_id  integer NOT NULL,
    party_id     integer NOT NULL,
    pin          text NOT NULL CHECK (pin ~ '^[0-9]{14}$'),
    name         text NOT NULL DEFAULT '',
    granted_by   text NOT NULL CHECK (granted_by ~ '^[0-9]{14}$'),
    granted_at   timestamptz NOT NULL DEFAULT now(),
    withdrawn_by text CHECK (withdrawn_by ~ '^[0-9]{14}$'),
    withdrawn_at timestamptz,
    FOREIGN KEY (election_id, party_id) REFERENCES party_participations,
    CHECK ((withdrawn_by IS NULL) = (withdrawn_at IS NULL)),
    CHECK (withdrawn_at IS NULL OR withdrawn_at >= granted_at)
);
CREATE UNIQUE INDEX party_reps_active ON party_reps (election_id, party_id, pin) WHERE withdrawn_at IS NULL;
CREATE INDEX party_reps_pin ON party_reps (pin) WHERE withdrawn_at IS NULL;

-- Everything that happened to a party in an election.
CREATE TABLE party_events (
    id          bigserial PRIMARY KEY,
    election_id integer NOT NULL,
    party_id    integer NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_pin   text NOT NULL CHECK (actor_pin ~ '^[0-9]{14}$'),
    action      text NOT NULL CHECK (action IN ('notified', 'rep_named', 'rep_withdrawn')),
    subject_pin text CHECK (subject_pin ~ '^[0-9]{14}$'),
    comment     text NOT NULL DEFAULT '' CHECK (length(comment) <= 1000),
    FOREIGN KEY (election_id, party_id) REFERENCES party_participations
);
CREATE INDEX party_events_party ON party_events (election_id, party_id, id);

-- A nomination: a party's list, or one district candidate (a party's, or
-- self-nominated: party_id NULL).  Statuses: draft -> submitted -> under
-- review -> deficiencies -> registered or refused; withdrawn.
CREATE TABLE nominations (
    id              bigserial PRIMARY KEY,
    election_id     integer NOT NULL REFERENCES elections,
    kind            text NOT NULL CHECK (kind IN ('list', 'district')),
    party_id        integer,
    district_number smallint REFERENCES districts,
    status          text NOT NULL DEFAULT 'draft'
                    CHECK (status IN ('draft', 'submitted', 'under_review', 'deficiencies',
                                      'registered', 'refused', 'withdrawn')),
    created_by      text NOT NULL CHECK (created_by ~ '^[0-9]{14}$'),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    submitted_at    timestamptz,
    receipt         jsonb,                   -- the commission's receipt, issued at submission
    decided_at      timestamptz,
    decision_reason text CHECK (length(decision_reason) <= 4000),
    FOREIGN KEY (election_id, party_id) REFERENCES party_participations,
    CHECK ((kind = 'list') = (district_number IS NULL)),
    CHECK (kind = 'district' OR party_id IS NOT NULL),
    CHECK ((submitted_at IS NULL) = (receipt IS NULL)),
    CHECK (status IN ('draft', 'withdrawn') OR submitted_at IS NOT NULL),
    CHECK ((status IN ('registered', 'refused')) = (decided_at IS NOT NULL))
);
-- One list per party, one candidate per party per district (a withdrawn one aside).
CREATE UNIQUE INDEX nominations_one_list ON nominations (election_id, party_id)
    WHERE kind = 'list' AND status <> 'withdrawn';
CREATE UNIQUE INDEX nominations_one_per_party_district ON nominations (election_id, party_id, district_number)
    WHERE kind = 'district' AND party_id IS NOT NULL AND status <> 'withdrawn';
CREATE INDEX nominations_election ON nominations (election_id, status);

-- The candidates of a nomination in order (a district nomination has one, at
-- 1).  The position is the list's number: a withdrawn candidate keeps it.
CREATE TABLE nomination_candidates (
    id              bigserial PRIMARY KEY,
    nomination_id   bigint NOT NULL REFERENCES nominations,
    position        smallint NOT NULL CHECK (position BETWEEN 1 AND 54),
    candidate_id    integer NOT NULL REFERENCES candidates,
    added_by        text NOT NULL CHECK (added_by ~ '^[0-9]{14}$'),
    added_at        timestamptz NOT NULL DEFAULT now(),
    registry        jsonb,                   -- the population register's answer when added
    consent_at      timestamptz,             -- the candidate confirmed in their cabinet
    declined_at     timestamptz,             -- ... or declined
    withdrawn_at    timestamptz,
    withdrawn_by    text CHECK (withdrawn_by ~ '^[0-9]{14}$'),
    withdrawn_reason text CHECK (length(withdrawn_reason) <= 1000),
    -- Positions are renumbered while a draft is reordered: checked at the end of the statement.
    UNIQUE (nomination_id, position) DEFERRABLE INITIALLY IMMEDIATE,
    UNIQUE (nomination_id, candidate_id),
    CHECK (consent_at IS NULL OR declined_at IS NULL),
    CHECK ((withdrawn_at IS NULL) = (withdrawn_by IS NULL))
);
CREATE INDEX nomination_candidates_candidate ON nomination_candidates (candidate_id);

-- Everything that happened to a nomination.
CREATE TABLE nomination_events (
    id            bigserial PRIMARY KEY,
    nomination_id bigint NOT NULL REFERENCES nominations,
    at            timestamptz NOT NULL DEFAULT now(),
    actor_pin     text NOT NULL CHECK (actor_pin ~ '^[0-9]{14}$'),
    actor_role    text NOT NULL CHECK (actor_role IN ('head', 'rep', 'candidate', 'commission')),
    action        text NOT NULL CHECK (action IN ('created', 'candidate_added', 'candidate_removed',
                                                  'reordered', 'consented', 'declined', 'submitted',
                                                  'candidate_withdrawn', 'withdrawn')),
    position      smallint,
    candidate_id  integer REFERENCES candidates,
    comment       text NOT NULL DEFAULT '' CHECK (length(comment) <= 1000)
);
CREATE INDEX nomination_events_nomination ON nomination_events (nomination_id, id);

-- Every registry call names the case it served (X-Road-Issue): an
-- application, a party's notification, a nomination's check.
ALTER TABLE tunduk_calls ADD COLUMN issue text CHECK (length(issue) <= 200);
CREATE INDEX tunduk_calls_issue ON tunduk_calls (issue) WHERE issue IS NOT NULL;
