-- Election funds (DOMAIN.md, "Candidates and parties"; cgi/rules/finance.c):
-- every nomination has a fund (a list's is the party's, a district
-- nomination's the candidate's); its lines of income by source and of
-- expenses by item, kept as they came (a mistake is corrected by a new line,
-- never by changing one); totals kept by the writes; the reports filed 10
-- days before and 10 days after voting.  Amounts in tyiyn (1/100 som).

-- The law's amounts of an election (tyiyn), set by the CEC.
CREATE TABLE fund_limits (
    election_id       integer PRIMARY KEY REFERENCES elections,
    citizen_max       bigint NOT NULL CHECK (citizen_max > 0),
    legal_entity_max  bigint NOT NULL CHECK (legal_entity_max > 0),
    list_fund_max     bigint NOT NULL CHECK (list_fund_max > 0),
    district_fund_max bigint NOT NULL CHECK (district_fund_max > 0)
);

CREATE TABLE fund_lines (
    id            bigserial PRIMARY KEY,
    nomination_id bigint NOT NULL REFERENCES nominations,
    direction     text NOT NULL CHECK (direction IN ('income', 'expense')),
    category      text NOT NULL,
    counterparty  text NOT NULL DEFAULT '' CHECK (length(counterparty) <= 300),  -- donor or payee
    donor_id      text CHECK (donor_id ~ '^[0-9A-Za-z-]{3,32}$'),   -- a citizen's PIN or an entity's number: never public
    amount        bigint NOT NULL CHECK (amount > 0),
    line_date     date NOT NULL,
    description   text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    batch         text CHECK (length(batch) <= 100),               -- the CSV upload it came in, if any
    created_by    text NOT NULL CHECK (created_by ~ '^[0-9]{14}$'),
    created_at    timestamptz NOT NULL DEFAULT shailoo_now(),
    -- Only the lawful sources ever get in (cgi/rules/finance.c refuses the others).
    CHECK ((direction = 'income' AND category IN ('own', 'party', 'citizen', 'legal_entity'))
        OR (direction = 'expense' AND category IN ('media', 'print', 'events', 'staff', 'transport', 'other'))),
    -- A donation names its donor and the donor's PIN or registration number (the per-donor limits).
    CHECK (category NOT IN ('citizen', 'legal_entity') OR (counterparty <> '' AND donor_id IS NOT NULL))
);
CREATE INDEX fund_lines_nomination ON fund_lines (nomination_id, id);

-- Kept by fund_lines' trigger: a fund's totals per category, and what each donor gave it.
CREATE TABLE fund_totals (
    nomination_id bigint NOT NULL REFERENCES nominations,
    direction     text NOT NULL,
    category      text NOT NULL,
    amount        bigint NOT NULL DEFAULT 0,
    lines         integer NOT NULL DEFAULT 0,
    PRIMARY KEY (nomination_id, direction, category)
);
CREATE TABLE fund_donors (
    nomination_id bigint NOT NULL REFERENCES nominations,
    donor_key     text NOT NULL,
    given         bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (nomination_id, donor_key)
);

-- The reports: a snapshot of the fund when filed; late if after its day.
CREATE TABLE fund_reports (
    id            bigserial PRIMARY KEY,
    nomination_id bigint NOT NULL REFERENCES nominations,
    kind          text NOT NULL CHECK (kind IN ('interim', 'final')),
    due_at        timestamptz NOT NULL,
    filed_at      timestamptz NOT NULL DEFAULT shailoo_now(),
    filed_by      text NOT NULL CHECK (filed_by ~ '^[0-9]{14}$'),
    income        bigint NOT NULL,
    expenses      bigint NOT NULL,
    lines         integer NOT NULL,
    last_line_id  bigint,
    UNIQUE (nomination_id, kind)
);
