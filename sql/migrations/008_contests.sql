-- An election's contests (DOMAIN.md, "Candidates and parties", "Seat
-- allocation"): the national party-list contest (54 seats) and one contest
-- per single-member district (36), each with its parties or candidates in
-- ballot order; list candidates with position, sex, birth date and the quota
-- attributes.

CREATE TABLE parties (
    id         integer PRIMARY KEY,
    name_ru    text NOT NULL UNIQUE CHECK (name_ru <> ''),
    name_ky    text NOT NULL CHECK (name_ky <> ''),
    short_name text NOT NULL CHECK (short_name <> '' AND length(short_name) <= 40)
);

CREATE TABLE candidates (
    id                integer PRIMARY KEY,
    pin               text NOT NULL UNIQUE CHECK (pin ~ '^[0-9]{14}$'),
    last_name         text NOT NULL CHECK (last_name <> ''),
    first_name        text NOT NULL CHECK (first_name <> ''),
    patronymic        text,
    sex               char(1) NOT NULL CHECK (sex IN ('F', 'M')),
    birth_date        date NOT NULL,
    other_ethnicity   boolean NOT NULL DEFAULT false,   -- for the 15% quota of lists
    disability        boolean NOT NULL DEFAULT false,   -- at least 2 per list
    higher_education  boolean NOT NULL                -- no default: the submission says
);

CREATE TABLE contests (
    id              integer PRIMARY KEY,
    election_id     integer NOT NULL REFERENCES elections,
    kind            text NOT NULL CHECK (kind IN ('list', 'district')),
    district_number smallint REFERENCES districts,
    seats           smallint NOT NULL CHECK (seats BETWEEN 1 AND 90),
    CHECK ((kind = 'list') = (district_number IS NULL)),
    CHECK (kind = 'district' OR seats = 54),
    CHECK (kind = 'list' OR seats = 1)
);
CREATE UNIQUE INDEX contests_one_list ON contests (election_id) WHERE kind = 'list';
CREATE UNIQUE INDEX contests_one_per_district ON contests (election_id, district_number)
    WHERE kind = 'district';

-- The ballot of a contest: parties (list contest) or candidates (district),
-- in ballot order; a district candidate is nominated by a party or by themself.
CREATE TABLE contest_entries (
    contest_id      integer NOT NULL REFERENCES contests,
    ballot_position smallint NOT NULL CHECK (ballot_position >= 1),
    party_id        integer REFERENCES parties,
    candidate_id    integer REFERENCES candidates,
    withdrawn       boolean NOT NULL DEFAULT false,
    PRIMARY KEY (contest_id, ballot_position),
    UNIQUE (contest_id, party_id),
    UNIQUE (contest_id, candidate_id),
    CHECK (party_id IS NOT NULL OR candidate_id IS NOT NULL)
);

-- A party's list in the list contest: at most 54, frozen order; a withdrawn
-- candidate's number is not refilled.
CREATE TABLE list_candidates (
    contest_id   integer NOT NULL REFERENCES contests,
    party_id     integer NOT NULL REFERENCES parties,
    position     smallint NOT NULL CHECK (position BETWEEN 1 AND 54),
    candidate_id integer NOT NULL REFERENCES candidates,
    withdrawn    boolean NOT NULL DEFAULT false,
    PRIMARY KEY (contest_id, party_id, position),
    UNIQUE (contest_id, candidate_id),
    FOREIGN KEY (contest_id, party_id) REFERENCES contest_entries (contest_id, party_id)
);
