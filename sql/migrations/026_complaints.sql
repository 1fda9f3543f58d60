-- Complaints (DOMAIN.md, "Complaints"; cgi/rules/complaints.h): filed
-- online, reviewed by the commission the law names on the law's clock,
-- forwarded, heard, decided, appealed, ruled on by courts; a public registry
-- with the complainant masked.

-- Every commission of the chain, not only the territorial ones: each
-- single-member district's commission (made with its district, by the
-- trigger of sql/functions/026_complaints.sql) and the CEC.  Stations stay
-- with territorial commissions.
ALTER TABLE commissions ADD COLUMN kind text NOT NULL DEFAULT 'territorial'
    CHECK (kind IN ('territorial', 'district', 'central'));
ALTER TABLE commissions ADD COLUMN district_number smallint UNIQUE REFERENCES districts;
ALTER TABLE commissions ADD CONSTRAINT commissions_district_check
    CHECK ((kind = 'district') = (district_number IS NOT NULL));
CREATE UNIQUE INDEX commissions_one_central ON commissions (kind) WHERE kind = 'central';
INSERT INTO commissions (id, region_id, name_ru, name_ky, kind)
VALUES (9000, NULL, 'Центральная комиссия по выборам и проведению референдумов',
        'Шайлоо жана референдум өткөрүү боюнча борбордук комиссия', 'central');
INSERT INTO commissions (id, region_id, name_ru, name_ky, kind, district_number)
SELECT 3000 + d.number, d.region_id,
       'Окружная избирательная комиссия одномандатного округа № ' || d.number,
       d.number || '-бир мандаттуу округдун округдук шайлоо комиссиясы', 'district', d.number
  FROM districts d;

-- Who reviews complaints: a commission's member, granted for one commission of any kind.
ALTER TABLE staff_roles DROP CONSTRAINT staff_roles_role_check;
ALTER TABLE staff_roles ADD CONSTRAINT staff_roles_role_check
    CHECK (role IN ('operator', 'tec_admin', 'cec_admin', 'complaints_reviewer'));

CREATE TABLE complaints (
    id                bigserial PRIMARY KEY,
    number            text NOT NULL UNIQUE CHECK (number ~ '^Ж-[0-9]{4,6}-[0-9]{5,}$'),
    election_id       integer NOT NULL REFERENCES elections,
    -- Never public: the registry shows only the complainant's kind.
    complainant_pin   text NOT NULL CHECK (complainant_pin ~ '^[0-9]{14}$'),
    complainant_name  text NOT NULL CHECK (length(complainant_name) BETWEEN 1 AND 300),   -- as ESIA gave it
    complainant_kind  text NOT NULL CHECK (complainant_kind IN ('voter', 'candidate', 'party', 'observer', 'ngo')),
    complainant_party integer REFERENCES parties,      -- for a party's representative
    complainant_org   text CHECK (length(complainant_org) BETWEEN 1 AND 300),   -- an NGO's or observers' organisation
    subject           text NOT NULL CHECK (subject IN ('station', 'territorial', 'district', 'central',
                                                       'candidate', 'party', 'official')),
    subject_commission integer REFERENCES commissions,
    subject_candidate  integer REFERENCES candidates,
    subject_party      integer REFERENCES parties,
    subject_official   text CHECK (length(subject_official) BETWEEN 1 AND 300),
    station_number    integer REFERENCES stations,
    district_number   smallint REFERENCES districts,
    district_contest  boolean NOT NULL DEFAULT false,
    -- What it concerns, if anything the system holds: a station's protocol, a nomination, a voter's application.
    concerns          text CHECK (concerns IN ('protocol', 'nomination', 'application')),
    concerns_id       bigint CHECK (concerns_id > 0),
    happened_at       timestamptz NOT NULL,
    summary           text NOT NULL CHECK (length(summary) BETWEEN 10 AND 4000),
    received_at       timestamptz NOT NULL,
    -- Where it is now and its clock there (cgi/rules/complaints.c computes review_due).
    commission_id     integer NOT NULL REFERENCES commissions,
    arrived_at        timestamptz NOT NULL,
    review_due        timestamptz NOT NULL,
    status            text NOT NULL DEFAULT 'received'
                      CHECK (status IN ('received', 'hearing_set', 'decided')),
    hearing_at        timestamptz,
    hearing_place     text CHECK (length(hearing_place) BETWEEN 1 AND 300),
    outcome           text CHECK (outcome IN ('upheld', 'partly_upheld', 'rejected', 'not_considered')),
    decision_text     text CHECK (length(decision_text) BETWEEN 1 AND 4000),
    decided_at        timestamptz,
    decided_by        text CHECK (decided_by ~ '^[0-9]{14}$'),
    decided_in_time   boolean,
    appeal_due        timestamptz,
    -- What the decision ordered, and what it changed (a recount, a correction, a registration cancelled).
    ordered           text CHECK (ordered IN ('recount', 'correction', 'cancel_registration', 'other')),
    ordered_note      text CHECK (length(ordered_note) BETWEEN 1 AND 1000),
    -- An appeal names the complaint whose decision it appeals.
    appeal_of         bigint REFERENCES complaints,
    CHECK ((subject IN ('territorial', 'district', 'central')) = (subject_commission IS NOT NULL)),
    CHECK ((subject = 'candidate') = (subject_candidate IS NOT NULL)),
    CHECK ((subject = 'party') = (subject_party IS NOT NULL)),
    CHECK ((subject = 'official') = (subject_official IS NOT NULL)),
    CHECK (subject <> 'station' OR station_number IS NOT NULL),
    CHECK ((concerns IS NULL) = (concerns_id IS NULL)),
    CHECK ((complainant_kind = 'party') = (complainant_party IS NOT NULL)),
    CHECK (review_due > arrived_at AND arrived_at >= received_at),
    CHECK ((status = 'hearing_set') <= (hearing_at IS NOT NULL AND hearing_place IS NOT NULL)),
    CHECK ((status = 'decided') = (outcome IS NOT NULL AND decided_at IS NOT NULL AND decided_by IS NOT NULL
                                   AND decided_in_time IS NOT NULL AND appeal_due IS NOT NULL
                                   AND decision_text IS NOT NULL)),
    CHECK (ordered_note IS NULL OR ordered IS NOT NULL)
);
CREATE INDEX complaints_election ON complaints (election_id, received_at, id);
CREATE INDEX complaints_commission ON complaints (commission_id, status, review_due);
CREATE INDEX complaints_complainant ON complaints (complainant_pin, received_at);
CREATE INDEX complaints_appeal ON complaints (appeal_of) WHERE appeal_of IS NOT NULL;

-- A complaint's history: filed, forwarded (from, to, why, and whether in time), heard, decided, appealed, ruled on.
CREATE TABLE complaint_events (
    id            bigserial PRIMARY KEY,
    complaint_id  bigint NOT NULL REFERENCES complaints,
    at            timestamptz NOT NULL,
    action        text NOT NULL CHECK (action IN ('filed', 'forwarded', 'hearing_set', 'decided', 'appealed',
                                                  'court_ruling', 'document_added')),
    actor_pin     text CHECK (actor_pin ~ '^[0-9]{14}$'),   -- never public
    commission_id integer REFERENCES commissions,
    to_commission integer REFERENCES commissions,
    in_time       boolean,
    comment       text NOT NULL DEFAULT '' CHECK (length(comment) <= 4000)
);
CREATE INDEX complaint_events_complaint ON complaint_events (complaint_id, id);

-- Courts' rulings on a complaint, through to the Supreme Court.
CREATE TABLE court_rulings (
    id           bigserial PRIMARY KEY,
    complaint_id bigint NOT NULL REFERENCES complaints,
    court        text NOT NULL CHECK (length(court) BETWEEN 2 AND 300),
    instance     text NOT NULL CHECK (instance IN ('first', 'appeal', 'supreme')),
    ruled_on     date NOT NULL,
    outcome      text NOT NULL CHECK (outcome IN ('upheld', 'overturned', 'partly_overturned', 'dismissed', 'returned')),
    summary      text NOT NULL DEFAULT '' CHECK (length(summary) <= 4000),
    recorded_by  text NOT NULL CHECK (recorded_by ~ '^[0-9]{14}$'),
    recorded_at  timestamptz NOT NULL,
    UNIQUE (complaint_id, instance)
);

-- Receipts' numbers: Ж-<election>-<sequence>.
CREATE SEQUENCE complaint_numbers;

-- Documents: a complaint's attachments (private: they may name the complainant), its decision (public)
-- and a court's ruling (public).
ALTER TABLE documents DROP CONSTRAINT documents_owner_type_check;
ALTER TABLE documents ADD CONSTRAINT documents_owner_type_check
    CHECK (owner_type IN ('stations', 'applications', 'nominations', 'candidacies', 'complaints'));
