-- A contest's entries follow its kind, and a candidate stands in one district
-- of an election (DOMAIN.md, "Candidates and parties"): the schema says so, so
-- that no code path can write it otherwise.  The candidate's row is locked, so
-- two nominations in two districts at once are told apart.
CREATE OR REPLACE FUNCTION contest_entries_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k contests;
BEGIN
    SELECT * INTO STRICT k FROM contests WHERE id = NEW.contest_id;
    IF k.kind = 'list' AND (NEW.party_id IS NULL OR NEW.candidate_id IS NOT NULL) THEN
        RAISE EXCEPTION 'an entry of a party-list contest is a party, and names no candidate'
            USING ERRCODE = 'check_violation';
    END IF;
    IF k.kind = 'district' AND NEW.candidate_id IS NULL THEN
        RAISE EXCEPTION 'an entry of a district contest is a candidate'
            USING ERRCODE = 'check_violation';
    END IF;
    IF k.kind = 'district' AND NOT NEW.withdrawn THEN
        PERFORM 1 FROM candidates WHERE id = NEW.candidate_id FOR UPDATE;
        IF EXISTS (SELECT 1 FROM contest_entries x JOIN contests d ON d.id = x.contest_id
                    WHERE x.candidate_id = NEW.candidate_id AND NOT x.withdrawn
                      AND d.election_id = k.election_id AND d.kind = 'district' AND d.id <> k.id) THEN
            RAISE EXCEPTION 'candidate % stands in another district of election % already',
                NEW.candidate_id, k.election_id USING ERRCODE = 'unique_violation';
        END IF;
    END IF;
    RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER contest_entries_check BEFORE INSERT OR UPDATE ON contest_entries
    FOR EACH ROW EXECUTE FUNCTION contest_entries_check();
