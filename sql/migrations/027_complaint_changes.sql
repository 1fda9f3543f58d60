-- What a complaint's decision changed (issue 11): a station's protocol (the
-- station's number), a nomination or a voter's application, named with the
-- decision that ordered a recount, a correction or a cancelled registration,
-- so the registry links the decision to it.
ALTER TABLE complaints ADD COLUMN changed text CHECK (changed IN ('protocol', 'nomination', 'application'));
ALTER TABLE complaints ADD COLUMN changed_id bigint CHECK (changed_id > 0);
ALTER TABLE complaints ADD CONSTRAINT complaints_changed_order_check
    CHECK ((changed IS NULL) = (changed_id IS NULL) AND (changed IS NULL OR ordered IS NOT NULL));
CREATE INDEX complaints_station ON complaints (station_number) WHERE station_number IS NOT NULL;
