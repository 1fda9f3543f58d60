-- Talapker, the package and the review (DOMAIN.md, "Candidates and parties"):
-- a nomination's documents and each candidate's in the document store, the
-- deposit checked with the treasury, the checks through Tunduk run at
-- submission, the commission's review of each document, deficiencies and the
-- decision.  The writes are the functions of sql/functions/022_*.sql.

-- Documents of a nomination (the congress decision, the deposit's proof...)
-- and of a candidacy (a row of nomination_candidates: passport, biography...).
ALTER TABLE documents DROP CONSTRAINT documents_owner_type_check;
ALTER TABLE documents ADD CONSTRAINT documents_owner_type_check
    CHECK (owner_type IN ('stations', 'applications', 'nominations', 'candidacies'));

-- The deposit: the payment as the treasury confirmed it, and by whom.
ALTER TABLE nominations
    ADD COLUMN deposit jsonb,                     -- {reference, amount, payer, paid_at, checked_at}
    ADD COLUMN review_started_at timestamptz,
    ADD COLUMN deficiencies_due timestamptz,      -- corrections due by then
    ADD COLUMN reviewer_pin text CHECK (reviewer_pin ~ '^[0-9]{14}$');

ALTER TABLE nomination_events DROP CONSTRAINT nomination_events_action_check;
ALTER TABLE nomination_events ADD CONSTRAINT nomination_events_action_check
    CHECK (action IN ('created', 'candidate_added', 'candidate_removed', 'reordered', 'consented',
                      'declined', 'submitted', 'candidate_withdrawn', 'withdrawn', 'deposit_confirmed',
                      'checks_run', 'review_started', 'document_accepted', 'document_deficient',
                      'deficiencies_sent', 'corrected', 'registered', 'refused'));

-- What a state register said about a candidate, one row per check per run,
-- with the X-Road call that is its evidence.
CREATE TABLE candidacy_checks (
    id             bigserial PRIMARY KEY,
    candidacy_id   bigint NOT NULL REFERENCES nomination_candidates,
    check_name     text NOT NULL CHECK (check_name IN ('identity', 'age', 'address', 'criminal_record',
                                                      'citizenship', 'disability')),
    outcome        text NOT NULL CHECK (outcome IN ('passed', 'failed', 'unavailable')),
    detail         text NOT NULL DEFAULT '' CHECK (length(detail) <= 1000),
    tunduk_call_id bigint REFERENCES tunduk_calls,
    checked_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX candidacy_checks_candidacy ON candidacy_checks (candidacy_id, check_name, id);

-- The reviewer's verdict on one version of a document (a new version needs its own).
CREATE TABLE document_reviews (
    id            bigserial PRIMARY KEY,
    document_id   bigint NOT NULL REFERENCES documents,
    nomination_id bigint NOT NULL REFERENCES nominations,
    verdict       text NOT NULL CHECK (verdict IN ('accepted', 'deficient')),
    comment       text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
    reviewer_pin  text NOT NULL CHECK (reviewer_pin ~ '^[0-9]{14}$'),
    at            timestamptz NOT NULL DEFAULT now(),
    CHECK (verdict = 'accepted' OR comment <> '')
);
CREATE INDEX document_reviews_document ON document_reviews (document_id, id);
CREATE INDEX document_reviews_nomination ON document_reviews (nomination_id, id);
