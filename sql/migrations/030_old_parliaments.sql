-- The parliament of 2007-2021 was elected on party lists alone: 120 seats,
-- the list's own threshold (threshold_permille), no single-member
-- districts.  The demo's elections of 2010, 2015 and 2020 hold such a
-- contest (sql/demo/results_past.sql); their seats are decided by the
-- council's rules with that threshold (cgi/api/outcome.c), not by the 54-seat
-- rules of today's lists.
ALTER TABLE contests DROP CONSTRAINT contests_seats_check;
ALTER TABLE contests ADD CONSTRAINT contests_seats_check CHECK (seats BETWEEN 1 AND 120);
ALTER TABLE contests DROP CONSTRAINT contests_seats_of_kind;
ALTER TABLE contests ADD CONSTRAINT contests_seats_of_kind
    CHECK (CASE kind WHEN 'list' THEN seats = 54 OR (seats = 120 AND threshold_permille IS NOT NULL)
                     WHEN 'council' THEN true ELSE seats = 1 END);
ALTER TABLE contests DROP CONSTRAINT contests_council_kind;
ALTER TABLE contests ADD CONSTRAINT contests_council_kind CHECK ((kind = 'council') = (council_id IS NOT NULL));
ALTER TABLE contests ADD CONSTRAINT contests_threshold_of_kind
    CHECK (CASE kind WHEN 'council' THEN threshold_permille IS NOT NULL WHEN 'list' THEN true
                     ELSE threshold_permille IS NULL END);
