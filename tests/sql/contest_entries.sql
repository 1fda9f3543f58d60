-- contest_entries_check (sql/functions/008_contests.sql): a contest's entries follow its kind,
-- and a candidate stands in one district of an election.  A fixture election, rolled back.
BEGIN;
SET client_min_messages = warning;
INSERT INTO elections (id, date, name_ru, name_ky, type, status)
VALUES (990902, '2027-01-24', 'Проба', 'Сыноо', 'parliamentary', 'scheduled');
INSERT INTO contests (id, election_id, kind, district_number, seats) VALUES
    (99090200, 990902, 'list', NULL, 54), (99090201, 990902, 'district', 1, 1), (99090202, 990902, 'district', 2, 1);
CREATE TEMP TABLE pick AS
SELECT (SELECT min(id) FROM parties) AS party, (SELECT min(id) FROM candidates) AS cand,
       (SELECT min(id) FROM candidates WHERE id > (SELECT min(id) FROM candidates)) AS cand2;
-- A party on the list ballot, a candidate in district 1: fine.
INSERT INTO contest_entries (contest_id, ballot_position, party_id) SELECT 99090200, 1, party FROM pick;
INSERT INTO contest_entries (contest_id, ballot_position, candidate_id) SELECT 99090201, 1, cand FROM pick;
SAVEPOINT s;
-- A candidate as an entry of the list contest: refused.
INSERT INTO contest_entries (contest_id, ballot_position, party_id, candidate_id) SELECT 99090200, 2, party, cand2 FROM pick;
ROLLBACK TO s;
-- A party alone in a district contest: refused.
INSERT INTO contest_entries (contest_id, ballot_position, party_id) SELECT 99090202, 1, party FROM pick;
ROLLBACK TO s;
-- The same candidate in district 2 of the same election: refused.
INSERT INTO contest_entries (contest_id, ballot_position, candidate_id) SELECT 99090202, 1, cand FROM pick;
ROLLBACK TO s;
-- Once withdrawn from district 1, the candidate may stand in district 2.
UPDATE contest_entries SET withdrawn = true WHERE contest_id = 99090201;
INSERT INTO contest_entries (contest_id, ballot_position, candidate_id) SELECT 99090202, 1, cand FROM pick;
SELECT d.district_number, x.withdrawn FROM contest_entries x JOIN contests d ON d.id = x.contest_id
 WHERE d.election_id = 990902 AND d.kind = 'district' ORDER BY 1;
-- And may not come back to district 1 while standing in district 2.
UPDATE contest_entries SET withdrawn = false WHERE contest_id = 99090201;
ROLLBACK;
