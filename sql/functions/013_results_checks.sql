-- What a row of station_results must be, whoever writes it (a report through
-- asu_accept, or figures entered in bulk): its arrays follow the contest's
-- ballot, each party's preference votes stay within its votes (DOMAIN.md,
-- the control relations), and the station takes part in the contest.
CREATE OR REPLACE FUNCTION station_results_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k contests;
    st stations;
    shape integer[];
    off integer := 0;
BEGIN
    SELECT * INTO STRICT k FROM contests WHERE id = NEW.contest_id;
    SELECT * INTO STRICT st FROM stations WHERE number = NEW.station_number;
    IF NOT contest_has_station(k, st) THEN
        RAISE EXCEPTION 'station % does not vote in contest % (%)', st.number, k.id, k.kind
            USING ERRCODE = 'check_violation';
    END IF;
    shape := results_list_shape(k.id);
    IF cardinality(NEW.votes) <> cardinality(shape) THEN
        RAISE EXCEPTION 'contest % has % entries, the row % votes', k.id, cardinality(shape),
            cardinality(NEW.votes) USING ERRCODE = 'check_violation';
    END IF;
    IF k.kind <> 'list' THEN
        IF cardinality(NEW.preferences) <> 0 THEN
            RAISE EXCEPTION 'only the list contest has preference votes' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF cardinality(NEW.preferences) <> int_array_sum(shape) THEN
        RAISE EXCEPTION 'the lists of contest % have % places, the row % preference counts', k.id,
            int_array_sum(shape), cardinality(NEW.preferences) USING ERRCODE = 'check_violation';
    END IF;
    FOR i IN 1 .. cardinality(shape) LOOP
        IF int_array_sum(NEW.preferences[off + 1 : off + shape[i]]) > NEW.votes[i] THEN
            RAISE EXCEPTION 'party % of contest %: preference votes above its votes', i, k.id
                USING ERRCODE = 'check_violation';
        END IF;
        off := off + shape[i];
    END LOOP;
    RETURN NEW;
END $$;

CREATE OR REPLACE TRIGGER station_results_check BEFORE INSERT OR UPDATE ON station_results
    FOR EACH ROW EXECUTE FUNCTION station_results_check();
