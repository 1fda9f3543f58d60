-- More registries through Tunduk (issue 13, part 2).
--
-- The civil registry's changes (deaths, PIN changes) arrive as a feed read
-- on a schedule from a saved cursor: each change is recorded once, by the
-- registry's own id, with what it did to the list.  The disability registry
-- lists the persons who need an accessible polling station: counted per
-- station at each read.  Stations carry their accessibility, set by their
-- territorial commission or the CEC.

-- Every change the civil registry delivered, once (a change delivered twice
-- is the same id: applied once).  outcome says what it did:
--   applied          a death: the voter left the list (voter_removals)
--   already_removed  a death of a voter no longer on the list: nothing
--   unknown_pin      no voter with this PIN: recorded, nothing changed
--   pin_recorded     a PIN change: the new PIN leads to the voter (voter_pins)
--   pin_taken        a PIN change whose new PIN is another voter's: for a human
CREATE TABLE civil_changes (
    id          text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9._-]{1,100}$'),
    kind        text NOT NULL CHECK (kind IN ('death', 'pin_change')),
    pin         text NOT NULL CHECK (pin ~ '^[0-9]{14}$'),
    new_pin     text CHECK (new_pin ~ '^[0-9]{14}$'),
    date        date NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    outcome     text NOT NULL CHECK (outcome IN ('applied', 'already_removed', 'unknown_pin',
                                                 'pin_recorded', 'pin_taken')),
    voter_pin   text REFERENCES voters,  -- the voter it concerned, if any
    evidence    jsonb NOT NULL,          -- the registry's record (act number, office...)
    CHECK ((kind = 'pin_change') = (new_pin IS NOT NULL)),
    CHECK (new_pin IS NULL OR new_pin <> pin)
);
CREATE INDEX civil_changes_received ON civil_changes (received_at);

-- A voter's PIN as the civil registry changed it: the list keeps the voter
-- under the PIN it knew (applications, moves and removals point to it), and
-- the new PIN leads there.
CREATE TABLE voter_pins (
    pin        text PRIMARY KEY CHECK (pin ~ '^[0-9]{14}$'),   -- the new PIN
    voter_pin  text NOT NULL REFERENCES voters,                -- the list's key
    change_id  text NOT NULL UNIQUE REFERENCES civil_changes,
    CHECK (pin <> voter_pin)
);
CREATE INDEX voter_pins_voter ON voter_pins (voter_pin);

-- The registries read on a schedule: where each read got to and how it went.
CREATE TABLE registry_feeds (
    name        text PRIMARY KEY CHECK (name IN ('civil', 'disability')),
    cursor      text NOT NULL DEFAULT '' CHECK (cursor ~ '^[A-Za-z0-9._-]{0,100}$'),
    last_read   timestamptz,            -- the last read that reached the registry and was applied
    last_try    timestamptz,            -- the last attempt, whatever came of it
    last_error  text,                   -- the last attempt's failure, NULL once one succeeds
    reads       bigint NOT NULL DEFAULT 0 CHECK (reads >= 0),
    received    bigint NOT NULL DEFAULT 0 CHECK (received >= 0)  -- changes (or persons) received
);
INSERT INTO registry_feeds (name) VALUES ('civil'), ('disability');

-- The disability registry's persons who need an accessible polling station,
-- as of its last read (the whole list is replaced at each read).
CREATE TABLE access_needs (
    pin   text PRIMARY KEY CHECK (pin ~ '^[0-9]{14}$'),
    grp   text CHECK (grp IN ('I', 'II', 'III', 'child'))
);

-- Per station: the active voters who need an accessible station, counted
-- at the registry's read and kept by deaths (the civil feed) in between.
CREATE TABLE station_access_needs (
    station_number integer PRIMARY KEY REFERENCES stations,
    voters         integer NOT NULL CHECK (voters >= 0),
    as_of          timestamptz NOT NULL
);

-- A station's accessibility, as its territorial commission (or the CEC) says.
ALTER TABLE stations ADD COLUMN accessible boolean;   -- NULL: not yet said
ALTER TABLE stations ADD COLUMN accessible_note text CHECK (length(accessible_note) <= 300);
ALTER TABLE stations ADD COLUMN accessible_by text CHECK (accessible_by ~ '^[0-9]{14}$');
ALTER TABLE stations ADD COLUMN accessible_at timestamptz;
