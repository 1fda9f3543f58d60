-- One area numbering everywhere (as the results have had it since 010):
--   0 the country; 1..9 a region; 10 the stations abroad (voters abroad);
--   100 + n district n (results only).
-- The voter list's statistics counted the voters abroad under 0: now 10.
ALTER TABLE voter_stats DROP CONSTRAINT voter_stats_region_id_check;
ALTER TABLE voter_list_snapshots DROP CONSTRAINT voter_list_snapshots_region_id_check;
UPDATE voter_stats SET region_id = 10 WHERE region_id = 0;
UPDATE voter_list_snapshots SET region_id = 10 WHERE region_id = 0;
ALTER TABLE voter_stats ADD CONSTRAINT voter_stats_region_id_check CHECK (region_id BETWEEN 1 AND 10);
ALTER TABLE voter_list_snapshots ADD CONSTRAINT voter_list_snapshots_region_id_check
    CHECK (region_id BETWEEN 1 AND 10);
