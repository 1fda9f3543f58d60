-- Run after the generated script (sql/demo/gen.c): recounts the statistics
-- the disabled trigger did not keep, and makes two years of monthly
-- snapshots of the list so that its dynamics have something to show.
--
--   psql -v ON_ERROR_STOP=1 --single-transaction -f sql/demo/finish.sql
--
-- The current month comes from refresh_voter_stats().  The 23 months before
-- it are computed from the voters as they are now, deterministically:
--   * ages on the first of that month; who was under 18 then is left out;
--   * about 0.1% of the voters per month joined the list later (moved back,
--     got their biometric registration): a voter is counted k months ago only
--     if hashtext(pin) mod 1000 >= k;
--   * voters now 'removed' were on the list until their removal, 1 to 24
--     months ago (from another hash of the PIN).
-- One scan of voters, grouped to what decides those three things.

SELECT refresh_voter_stats(current_date);

DELETE FROM voter_list_snapshots
 WHERE month >= (date_trunc('month', current_date) - interval '23 months')::date
   AND month < date_trunc('month', current_date)::date;

WITH months AS (
    SELECT k AS ago, (date_trunc('month', current_date) - make_interval(months => k))::date AS month
      FROM generate_series(1, 23) k
),
v AS (
    SELECT coalesce(s.region_id, 10)::smallint AS area,
           v.sex,
           -- the age on any first of a month is the same for every birth day
           -- from the 2nd to the end of a month, so keep just day 1 or 2
           (date_trunc('month', v.birth_date)::date
            + (extract(day FROM v.birth_date) > 1)::int) AS born,
           CASE WHEN v.status = 'active' THEN 1
                ELSE 1 + ((hashtext(v.pin || 'removed') % 24) + 24) % 24 END AS first_ago,
           least(((hashtext(v.pin) % 1000) + 1000) % 1000, 23) AS last_ago,
           count(*) AS n
      FROM voters v JOIN stations s ON s.number = v.station_number
     GROUP BY 1, 2, 3, 4, 5
),
ages AS MATERIALIZED (   -- age_group() once per (birth month, month), not per voter
    SELECT b.born, m.month, m.ago, age_group(b.born, m.month) AS age_group
      FROM (SELECT DISTINCT born FROM v) b CROSS JOIN months m
)
INSERT INTO voter_list_snapshots (month, region_id, sex, age_group, voters)
SELECT a.month, v.area, v.sex, a.age_group, sum(v.n)
  FROM v JOIN ages a ON a.born = v.born AND a.ago BETWEEN v.first_ago AND v.last_ago
 WHERE a.age_group > 0
 GROUP BY 1, 2, 3, 4;

ANALYZE voters;
ANALYZE stations;
ANALYZE voter_list_snapshots;
