-- Talapker's records take their times from shailoo_now() (sql/functions/000_clock.sql):
-- now(), except in the demo, which replays a campaign on its own dates.
ALTER TABLE party_participations ALTER COLUMN notified_at SET DEFAULT shailoo_now();
ALTER TABLE party_reps ALTER COLUMN granted_at SET DEFAULT shailoo_now();
ALTER TABLE party_events ALTER COLUMN at SET DEFAULT shailoo_now();
ALTER TABLE nominations ALTER COLUMN created_at SET DEFAULT shailoo_now(),
                        ALTER COLUMN updated_at SET DEFAULT shailoo_now();
ALTER TABLE nomination_candidates ALTER COLUMN added_at SET DEFAULT shailoo_now();
ALTER TABLE nomination_events ALTER COLUMN at SET DEFAULT shailoo_now();
ALTER TABLE candidacy_checks ALTER COLUMN checked_at SET DEFAULT shailoo_now();
ALTER TABLE document_reviews ALTER COLUMN at SET DEFAULT shailoo_now();
ALTER TABLE documents ALTER COLUMN uploaded_at SET DEFAULT shailoo_now();
ALTER TABLE tunduk_calls ALTER COLUMN at SET DEFAULT shailoo_now();

-- A registered (or refused) nomination has its decision's time, which stays
-- when a registered one is withdrawn later.
ALTER TABLE nominations DROP CONSTRAINT nominations_check4;
ALTER TABLE nominations ADD CONSTRAINT nominations_decided_check
    CHECK (status NOT IN ('registered', 'refused') OR decided_at IS NOT NULL);
