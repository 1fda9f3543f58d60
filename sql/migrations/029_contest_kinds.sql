-- Issue 12: every kind of election.  Besides the national party lists and
-- the single-member districts, a contest is the presidency (a nationwide
-- candidate contest), a referendum's question (its ballot: yes, no), or a
-- local council's party lists (its own seats and threshold; its stations
-- are its region's).  A presidential second round is an election of its
-- own that names the first.

CREATE TABLE councils (
    id        integer PRIMARY KEY CHECK (id BETWEEN 1 AND 999999),
    region_id smallint NOT NULL REFERENCES regions,
    name_ru   text NOT NULL CHECK (name_ru <> ''),
    name_ky   text NOT NULL CHECK (name_ky <> '')
);

ALTER TABLE contests DROP CONSTRAINT contests_kind_check;
ALTER TABLE contests ADD CONSTRAINT contests_kind_check
    CHECK (kind IN ('list', 'district', 'president', 'question', 'council'));
ALTER TABLE contests DROP CONSTRAINT contests_check;      -- (kind = 'list') = (district_number IS NULL)
ALTER TABLE contests DROP CONSTRAINT contests_check1;     -- kind = 'district' OR seats = 54
ALTER TABLE contests DROP CONSTRAINT contests_check2;     -- kind = 'list' OR seats = 1
ALTER TABLE contests ADD COLUMN question    smallint CHECK (question BETWEEN 1 AND 8);
ALTER TABLE contests ADD COLUMN question_ru text CHECK (length(question_ru) BETWEEN 1 AND 2000);
ALTER TABLE contests ADD COLUMN question_ky text CHECK (length(question_ky) BETWEEN 1 AND 2000);
ALTER TABLE contests ADD COLUMN council_id  integer REFERENCES councils;
ALTER TABLE contests ADD COLUMN threshold_permille smallint CHECK (threshold_permille BETWEEN 0 AND 1000);
ALTER TABLE contests ADD CONSTRAINT contests_district_kind CHECK ((kind = 'district') = (district_number IS NOT NULL));
ALTER TABLE contests ADD CONSTRAINT contests_question_kind
    CHECK ((kind = 'question') = (question IS NOT NULL AND question_ru IS NOT NULL AND question_ky IS NOT NULL));
ALTER TABLE contests ADD CONSTRAINT contests_council_kind
    CHECK ((kind = 'council') = (council_id IS NOT NULL AND threshold_permille IS NOT NULL));
-- The national lists fill 54 seats; a district, the presidency and a question one; a council its own.
ALTER TABLE contests ADD CONSTRAINT contests_seats_of_kind
    CHECK (CASE kind WHEN 'list' THEN seats = 54 WHEN 'council' THEN true ELSE seats = 1 END);
CREATE UNIQUE INDEX contests_one_president ON contests (election_id) WHERE kind = 'president';
CREATE UNIQUE INDEX contests_one_per_question ON contests (election_id, question) WHERE kind = 'question';
CREATE UNIQUE INDEX contests_one_per_council ON contests (election_id, council_id) WHERE kind = 'council';

-- A referendum's ballot: yes and no.
ALTER TABLE contest_entries ADD COLUMN answer text CHECK (answer IN ('yes', 'no'));
ALTER TABLE contest_entries DROP CONSTRAINT contest_entries_check;
ALTER TABLE contest_entries ADD CONSTRAINT contest_entries_one_of
    CHECK (answer IS NOT NULL OR party_id IS NOT NULL OR candidate_id IS NOT NULL);
ALTER TABLE contest_entries ADD CONSTRAINT contest_entries_answer_alone
    CHECK (answer IS NULL OR (party_id IS NULL AND candidate_id IS NULL));
ALTER TABLE contest_entries ADD CONSTRAINT contest_entries_one_answer UNIQUE (contest_id, answer);

-- A presidential second round names its first.
ALTER TABLE elections ADD COLUMN first_round integer REFERENCES elections;
ALTER TABLE elections ADD CONSTRAINT elections_round_check
    CHECK (first_round IS NULL OR (type = 'presidential' AND first_round <> id));
