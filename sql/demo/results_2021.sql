-- The parliamentary election of 2021-11-28 (elections.id 202104, from
-- elections.sql), completed, with full results: its contests and, for every
-- polling station, the commission's protocol figures and the turnout through
-- the day.  DOMAIN.md, "Voting, counting and results", "Seat allocation".
--
--   psql -v ON_ERROR_STOP=1 --single-transaction -f sql/demo/results_2021.sql
--
-- Run after contests.sql: it reuses the demo parties and candidates.
-- Deterministic (every choice is a hash of fixed text: md5, never random())
-- and idempotent (the same rows come out every time and go in ON CONFLICT DO
-- NOTHING; only the stations that lack rows are computed, and the areas'
-- sums are rebuilt only when figures went in or the sums do not count every
-- station), so it runs again on a loaded database at no cost and changing
-- nothing.  Works at any scale: the figures follow each station's voters
-- (stations.voters).  About 3 s at scale 1, 0.2 s at 0.01.
--
-- Contests: 20210400 (list, 54 seats) and 20210401..20210436 (district n =
-- 20210400 + n).
--   * 10 of the 14 demo parties (not 7, 10, 11 and 13, founded later), in a
--     ballot order drawn by lot (a hash).  A party's list: the people of its
--     2027 list who were at least 25 on 2021-11-28, the 2027 leader first,
--     each sex in about its 2027 order; where they fall short of a quota
--     group (2 with disabilities, 15% under 35 = born after 1986-11-28, 15%
--     of other ethnicity), people of the four later parties' 2027 lists make
--     up the lack.  The less numerous sex is spread evenly over the list:
--     the lists are 41-59% women, with no run of one sex longer than 2.
--   * District ballots: the 2027 district candidates who are on no list, each
--     in one district of the region they stand in in 2027, 3 to 7 per
--     district, some self-nominated, the others nominated by a 2021 party
--     (stronger parties in more districts), listed alphabetically.
--
-- Figures (station_results with report_id NULL: entered from the protocol):
--   * turnout by region (Bishkek lowest, Naryn and Talas highest, abroad
--     low), each station off by up to 30%, then scaled so that the country's
--     ballots issued come to 1,281,383 / 3,703,420 = 34.6% of its voters;
--     ballots received = voters on the list, cancelled = the rest; a few
--     ballots issued do not reach the boxes; 1.2-4.2% invalid;
--   * list votes: each party's share of the valid votes by region (the table
--     below), each station off by up to 40%, split exactly by largest
--     remainder; 5 parties qualify, 2 more pass 5% nationally but miss 0.5%
--     in two regions each (Эл Дөөлөтү in Naryn and Talas, Согласие и
--     Развитие in Batken and Naryn), 3 fail 5%; "against all" 3-4%;
--   * preference votes: 65-90% of a party's voters mark one of its
--     candidates, the leader most, some candidates far more popular than
--     others and more so in their home region;
--   * district votes: the nominating party's strength in the region plus the
--     candidate's own; in two districts (1 in Bishkek and 6 in Osh city, by a
--     draw among those of 4 candidates or more) "against all" beats
--     everybody and the election there fails;
--   * turnout at 8 (0), 10, 12, 14, 16, 18 and 20 (the list contest's
--     ballots issued).
-- Then results_rebuild(202104) makes the areas' sums.  The elections row
-- keeps the CEC's published figures.

SET client_min_messages = warning;   -- no notice when there is nothing to drop
DROP TABLE IF EXISTS pg_temp.r21_shares, pg_temp.r21_pool, pg_temp.r21_lists, pg_temp.r21_seats,
    pg_temp.r21_stations, pg_temp.r21_list_votes, pg_temp.r21_district_votes, pg_temp.r21_pref_weights,
    pg_temp.r21_done;

-- 0 .. 2^28-1 from any text, and [0, 1).
CREATE OR REPLACE FUNCTION pg_temp.r21_h(key text) RETURNS integer
    LANGUAGE sql IMMUTABLE AS $$ SELECT ('x' || substr(md5(key), 1, 7))::bit(28)::integer $$;
CREATE OR REPLACE FUNCTION pg_temp.r21_u(key text) RETURNS double precision
    LANGUAGE sql IMMUTABLE AS $$ SELECT pg_temp.r21_h(key) / 268435456.0 $$;

-- Rows inserted by this run (the areas' sums are rebuilt if any).
CREATE TEMP TABLE r21_done (what text, n bigint);

-- The parties of 2021 and "against all" (0): their weight in the valid
-- votes of each area (1..9 the regions, 10 abroad), before the stations'
-- spread.  Every area's weights sum to about 76-93; a party's share is its
-- weight over that sum.
CREATE TEMP TABLE r21_shares (entry integer, area smallint, share double precision, PRIMARY KEY (entry, area));
INSERT INTO r21_shares
SELECT p.entry, a.area, a.share
  FROM (VALUES
    --        Bishkek Osh Batken J-Abad I-Kul Naryn Osh-ob Talas Chüy abroad
    (1,  ARRAY[13,    21,  23,    20,    14,   13,   24,    13,   14,  19]),
    (2,  ARRAY[11,     6,   8,     9,    19,   20,    7,    24,   16,  12]),
    (4,  ARRAY[ 9,    12,  13,    17,     8,    8,   12,     7,    9,  10]),
    (3,  ARRAY[14,    11,   6,     6,     7,    5,    5,     6,   10,  14]),
    (8,  ARRAY[ 1.5,   1.2, 7,     9,    12,   15,    8,    12,    8,   2]),
    (5,  ARRAY[ 3,    13,  12,    10,     0.7,  0.25, 15,    0.2,  2,   6]),    -- the south
    (14, ARRAY[20,     6,   0.2,   1.2,   9,    0.2,  0.8,   0.7, 18,  10]),    -- Bishkek and Chüy
    (9,  ARRAY[ 2.5,   2,   3.5,   3,     4.5,  8,    2.5,   6.5,  3.5, 2.5]),
    (6,  ARRAY[ 7,     2,   1.5,   2,     5,    2,    1.5,   2,    4,   4]),
    (12, ARRAY[ 3,     4,   2.5,   3,     3,    2,    2.5,   2,    4,   6]),
    (0,  ARRAY[ 4,     3,   2.5,   3,     3.5,  3,    2.5,   3,    4,   3])
  ) AS p (entry, shares), unnest(p.shares::double precision[]) WITH ORDINALITY AS a (share, area);

INSERT INTO contests (id, election_id, kind, district_number, seats)
SELECT 20210400, 202104, 'list', NULL, 54
UNION ALL
SELECT 20210400 + number, 202104, 'district', number, 1 FROM districts WHERE number BETWEEN 1 AND 36
ON CONFLICT DO NOTHING;

-- The list ballot: the parties in an order drawn by lot.
INSERT INTO contest_entries (contest_id, ballot_position, party_id, candidate_id, withdrawn)
SELECT 20210400, row_number() OVER (ORDER BY md5('ballot 202104 party ' || entry)), entry, NULL, false
  FROM r21_shares WHERE entry > 0 AND area = 1
ON CONFLICT DO NOTHING;

-- The lists.  A party's candidates are the people of its 2027 list who were
-- at least 25 on 2021-11-28 (born on 1996-11-28 or before).  Where they fall
-- short of a quota group (2 persons with disabilities; 15% under 35, that is
-- born after 1986-11-28, and 15% of other ethnicity: aimed at 18%), people
-- of the 2027 lists of the parties not on the 2021 ballot make up the lack
-- (they stood for another party then), drawn by lot.
CREATE TEMP TABLE r21_pool (party integer NOT NULL, candidate integer PRIMARY KEY, sex char(1) NOT NULL,
                            leader boolean NOT NULL, rank_key integer NOT NULL);
INSERT INTO r21_pool
SELECT l.party_id, c.id, c.sex, l.position = 1, l.position + pg_temp.r21_h('2021 order ' || c.id) % 12
  FROM list_candidates l JOIN candidates c ON c.id = l.candidate_id
 WHERE l.contest_id = 20270100 AND c.birth_date <= date '1996-11-28'
   AND l.party_id IN (SELECT party_id FROM contest_entries WHERE contest_id = 20210400);

CREATE OR REPLACE PROCEDURE pg_temp.r21_fill(grp text) LANGUAGE sql AS $$
    WITH member AS (
        SELECT c.id, CASE grp WHEN 'disability' THEN c.disability
                              WHEN 'young' THEN c.birth_date > date '1986-11-28'
                              ELSE c.other_ethnicity END AS yes
          FROM candidates c
    ), need AS (
        SELECT p.party, CASE grp WHEN 'disability' THEN 2 - count(*) FILTER (WHERE m.yes)
                                 ELSE ceil((0.18 * count(*) - count(*) FILTER (WHERE m.yes)) / 0.82) END AS k
          FROM pg_temp.r21_pool p JOIN member m ON m.id = p.candidate
         GROUP BY p.party
    ), slots AS (
        SELECT party, row_number() OVER (ORDER BY j, md5('2021 lack ' || grp || ' ' || party)) AS slot
          FROM need, generate_series(1, k::integer) j
    ), spares AS (
        SELECT l.candidate_id, l.position,
               row_number() OVER (ORDER BY md5('2021 spare ' || grp || ' ' || l.candidate_id)) AS slot
          FROM list_candidates l JOIN candidates c ON c.id = l.candidate_id JOIN member m ON m.id = c.id
         WHERE l.contest_id = 20270100 AND m.yes AND c.birth_date <= date '1996-11-28'
           AND l.party_id NOT IN (SELECT party_id FROM contest_entries WHERE contest_id = 20210400)
           AND NOT EXISTS (SELECT 1 FROM pg_temp.r21_pool p WHERE p.candidate = l.candidate_id)
    )
    INSERT INTO pg_temp.r21_pool
    SELECT s.party, c.id, c.sex, false, x.position + pg_temp.r21_h('2021 order ' || c.id) % 12
      FROM slots s JOIN spares x ON x.slot = s.slot JOIN candidates c ON c.id = x.candidate_id
$$;
CALL pg_temp.r21_fill('disability');
CALL pg_temp.r21_fill('young');
CALL pg_temp.r21_fill('other');

-- The order: the 2027 leader first, then each sex's candidates in about
-- their 2027 order.  The less numerous sex of the rest (b of n) is spread
-- evenly over numbers 2..n+1 (number i+1 takes it when floor(i b / n + phi)
-- steps up, phi from 1/2 to 1): no run of one sex is longer than 3 while
-- neither sex is above 70%.
CREATE TEMP TABLE r21_lists AS
WITH p AS (
    SELECT party, count(*) - 1 AS n, max(sex) FILTER (WHERE leader) AS lead,
           count(*) FILTER (WHERE sex = 'F' AND NOT leader) AS nf,
           count(*) FILTER (WHERE sex = 'M' AND NOT leader) AS nm
      FROM r21_pool GROUP BY party
), shape AS (
    SELECT party, n, CASE WHEN nf < nm OR (nf = nm AND lead = 'M') THEN 'F' ELSE 'M' END AS y,
           least(nf, nm) AS b, (0.5 + 0.5 * pg_temp.r21_u('2021 phase ' || party))::numeric AS phi
      FROM p
), slots AS (
    SELECT s.party, i + 1 AS position,
           CASE WHEN floor(i * s.b / s.n::numeric + s.phi) > floor((i - 1) * s.b / s.n::numeric + s.phi)
                THEN s.y WHEN s.y = 'F' THEN 'M' ELSE 'F' END AS sex
      FROM shape s, generate_series(1, s.n::integer) i
), numbered AS (
    SELECT party, position, sex, row_number() OVER (PARTITION BY party, sex ORDER BY position) AS k
      FROM slots
), queue AS (
    SELECT party, candidate, sex, row_number() OVER (PARTITION BY party, sex ORDER BY rank_key, candidate) AS k
      FROM r21_pool WHERE NOT leader
)
SELECT party, 1 AS position, candidate FROM r21_pool WHERE leader
UNION ALL
SELECT n.party, n.position, q.candidate FROM numbered n JOIN queue q USING (party, sex, k);

INSERT INTO list_candidates (contest_id, party_id, position, candidate_id, withdrawn)
SELECT 20210400, party, position, candidate, false FROM r21_lists ORDER BY party, position
ON CONFLICT DO NOTHING;

-- The district ballots.  Each region's 2027 district candidates who are on
-- no list, in an order drawn by lot, dealt round the region's districts; a
-- district keeps 3 to 7 of them.  Of these, 0-2 are self-nominated, the
-- others nominated by the parties that come first in a draw weighted by
-- their strength in the region.
CREATE TEMP TABLE r21_seats AS
WITH pool AS (
    SELECT d.region_id AS region, x.candidate_id AS candidate,
           row_number() OVER (PARTITION BY d.region_id ORDER BY md5('2021 district ' || x.candidate_id)) AS r
      FROM contest_entries x
      JOIN contests k ON k.id = x.contest_id AND k.election_id = 202701 AND k.kind = 'district'
      JOIN districts d ON d.number = k.district_number
     WHERE NOT EXISTS (SELECT 1 FROM list_candidates l
                        WHERE l.contest_id = 20270100 AND l.candidate_id = x.candidate_id)
), ds AS (
    SELECT number AS district, region_id AS region,
           row_number() OVER (PARTITION BY region_id ORDER BY number) - 1 AS i,
           count(*) OVER (PARTITION BY region_id) AS m,
           3 + pg_temp.r21_h('2021 candidates ' || number) % 5 AS n
      FROM districts WHERE number BETWEEN 1 AND 36
), dealt AS (
    SELECT ds.district, ds.region, p.candidate, (p.r - 1) / ds.m + 1 AS slot
      FROM pool p JOIN ds ON ds.region = p.region AND (p.r - 1) % ds.m = ds.i
     WHERE (p.r - 1) / ds.m + 1 <= ds.n
), sizes AS (
    SELECT district, region, count(*) AS n, pg_temp.r21_h('2021 self-nominated ' || district) % 3 AS s
      FROM dealt GROUP BY district, region
), nominees AS (
    SELECT z.district, x.party_id AS party,
           row_number() OVER (PARTITION BY z.district
               ORDER BY pg_temp.r21_h('2021 nominee ' || z.district || '/' || x.party_id) % 1000 / w.share,
                        x.party_id) AS slot
      FROM sizes z
      JOIN contest_entries x ON x.contest_id = 20210400
      JOIN r21_shares w ON w.entry = x.party_id AND w.area = z.region
)
SELECT d.district, d.region, d.candidate, d.slot, n.party
  FROM dealt d JOIN sizes z ON z.district = d.district
  LEFT JOIN nominees n ON n.district = d.district AND n.slot = d.slot AND d.slot <= z.n - least(z.s, z.n - 2);

INSERT INTO contest_entries (contest_id, ballot_position, party_id, candidate_id, withdrawn)
SELECT 20210400 + s.district,
       row_number() OVER (PARTITION BY s.district
           ORDER BY translate(c.last_name || ' ' || c.first_name || ' ' || coalesce(c.patronymic, ''),
                              'ЁҢӨҮёңөү', 'ЕНОУеноу') COLLATE "C", c.id),
       s.party, s.candidate, false
  FROM r21_seats s JOIN candidates c ON c.id = s.candidate
ON CONFLICT DO NOTHING;

-- The stations' ballots: issued (turnout), in the boxes, invalid, valid.
-- A station's figures depend on nothing but the station (and the country's
-- voters, for the turnout's scale), so only the stations that lack some of
-- their rows (todo) go on: a second run has nothing to compute.
CREATE TEMP TABLE r21_stations AS
WITH base AS (
    SELECT s.number, coalesce(s.region_id, 10)::smallint AS area, s.district_number AS district, s.voters,
           (ARRAY[0.26, 0.30, 0.41, 0.37, 0.34, 0.46, 0.39, 0.45, 0.30, 0.12])[coalesce(s.region_id, 10)]
               * (0.7 + 0.6 * pg_temp.r21_u('2021 turnout ' || s.number)::numeric) AS raw,
           NOT EXISTS (SELECT 1 FROM station_results r WHERE r.contest_id = 20210400 AND r.station_number = s.number)
           OR (NOT s.abroad AND NOT EXISTS (SELECT 1 FROM station_results r
                                             WHERE r.contest_id = 20210400 + s.district_number
                                               AND r.station_number = s.number))
           OR (SELECT count(*) FROM station_turnout t WHERE t.election_id = 202104 AND t.station_number = s.number)
              < 7 AS todo
      FROM stations s
), scaled AS (
    SELECT b.*, least(b.voters, round(b.voters * b.raw
               * (1281383.0 / 3703420) * (SELECT sum(voters) FROM base)
               / nullif((SELECT sum(voters * raw) FROM base), 0)))::integer AS issued
      FROM base b
), boxes AS (
    SELECT s.*, s.issued - round(s.issued * 0.004 * pg_temp.r21_u('2021 not in the box ' || s.number))::integer
               AS in_boxes,
           -- the district ballot: a few voters took only the list's
           s.issued - floor(s.issued * 0.004 * pg_temp.r21_u('2021 list only ' || s.number))::integer AS d_issued
      FROM scaled s
), invalid AS (
    SELECT b.*, round(b.in_boxes * (0.012 + 0.03 * pg_temp.r21_u('2021 invalid ' || b.number)))::integer
               AS invalid,
           b.d_issued - round(b.d_issued * 0.004 * pg_temp.r21_u('2021 district not in the box ' || b.number))::integer
               AS d_in_boxes
      FROM boxes b
)
SELECT i.*, i.in_boxes - i.invalid AS valid,
       round(i.d_in_boxes * (0.012 + 0.03 * pg_temp.r21_u('2021 district invalid ' || i.number)))::integer
           AS d_invalid
  FROM invalid i;
ALTER TABLE r21_stations ADD PRIMARY KEY (number);

-- List votes: the valid votes of a station split by the weights (position 0
-- is "against all") by largest remainder, so that they add up exactly.
CREATE TEMP TABLE r21_list_votes AS
WITH w AS (
    SELECT s.number, s.valid, coalesce(x.ballot_position, 0) AS pos, coalesce(x.party_id, 0) AS party,
           (sh.share * (0.6 + 0.8 * pg_temp.r21_u('2021 list ' || s.number || '/' || sh.entry)))::numeric AS w
      FROM r21_stations s
      JOIN r21_shares sh ON sh.area = s.area
      LEFT JOIN contest_entries x ON x.contest_id = 20210400 AND x.party_id = sh.entry
     WHERE s.todo
), q AS (
    SELECT number, valid, pos, party, valid * w / sum(w) OVER (PARTITION BY number) AS q FROM w
), f AS (
    SELECT number, valid, pos, party, floor(q)::integer AS f,
           row_number() OVER (PARTITION BY number ORDER BY q - floor(q) DESC, pos) AS rank,
           valid - sum(floor(q)) OVER (PARTITION BY number) AS rest
      FROM q
)
SELECT number, pos, party, f + (rank <= rest)::integer AS votes FROM f;
ALTER TABLE r21_list_votes ADD PRIMARY KEY (number, pos);

-- District votes: a candidate's weight is the nominating party's share in
-- the region and the candidate's own standing (self-nominated: only their
-- own); "against all" 3-6%.  In the two districts of 4 candidates or more
-- that come first in a draw, the candidates are alike and "against all"
-- gets a third of the votes: the election there fails.
CREATE TEMP TABLE r21_district_votes AS
WITH failed AS (
    SELECT district FROM r21_seats GROUP BY district HAVING count(*) >= 4
     ORDER BY md5('2021 failed district ' || district) LIMIT 2
), cand AS (
    SELECT s.district, x.ballot_position AS pos,
           (CASE WHEN s.district IN (SELECT district FROM failed)
                 THEN 0.85 + 0.3 * pg_temp.r21_u('2021 standing ' || s.candidate)
                 WHEN s.party IS NULL THEN 4 + 30 * pg_temp.r21_u('2021 standing ' || s.candidate) ^ 2
                 ELSE sh.share + 20 * pg_temp.r21_u('2021 standing ' || s.candidate) ^ 2 END)::numeric AS w
      FROM r21_seats s
      JOIN contest_entries x ON x.contest_id = 20210400 + s.district AND x.candidate_id = s.candidate
      LEFT JOIN r21_shares sh ON sh.entry = s.party AND sh.area = s.region
), ballot AS (
    SELECT district, pos, w FROM cand
    UNION ALL
    SELECT district, 0, CASE WHEN district IN (SELECT district FROM failed) THEN 0.5 * sum(w)
                             ELSE sum(w) * (0.03 + 0.03 * pg_temp.r21_u('2021 against all ' || district)::numeric)
                                  / (0.97 - 0.03 * pg_temp.r21_u('2021 against all ' || district)::numeric) END
      FROM cand GROUP BY district
), w AS (
    SELECT s.number, s.district, s.d_in_boxes - s.d_invalid AS valid, b.pos,
           b.w * (0.6 + 0.8 * pg_temp.r21_u('2021 district ' || s.number || '/' || b.pos)::numeric) AS w
      FROM r21_stations s JOIN ballot b ON b.district = s.district
     WHERE s.todo
), q AS (
    SELECT number, district, valid, pos, valid * w / sum(w) OVER (PARTITION BY number) AS q FROM w
), f AS (
    SELECT number, district, pos, floor(q)::integer AS f,
           row_number() OVER (PARTITION BY number ORDER BY q - floor(q) DESC, pos) AS rank,
           valid - sum(floor(q)) OVER (PARTITION BY number) AS rest
      FROM q
)
SELECT number, district, pos, f + (rank <= rest)::integer AS votes FROM f;

-- Preference votes: a candidate's weight in an area (1..9, 10 abroad): the
-- leader far ahead, then less down the list, times the candidate's own
-- popularity, three times more in their home region.  (Sums of weights are
-- numeric, so that they do not depend on the order of the rows; the
-- stations' many preference figures below are done in double precision,
-- where each is one product and the sums are of whole numbers: exact.)
CREATE TEMP TABLE r21_pref_weights AS
WITH w AS (
    SELECT l.party_id AS party, l.position, a.area,
           (CASE WHEN l.position = 1 THEN 6 ELSE 1 / l.position ^ 0.7 END
           * (0.15 + 1.7 * pg_temp.r21_u('2021 popular ' || l.candidate_id) ^ 2)
           * CASE WHEN a.area = 1 + pg_temp.r21_h('2021 home ' || l.candidate_id) % 9 THEN 3 ELSE 1 END)::numeric AS w
      FROM list_candidates l, generate_series(1, 10) a (area)
     WHERE l.contest_id = 20210400
)
SELECT w.party, w.position, w.area::smallint,
       (w.w / sum(w.w) OVER (PARTITION BY w.party, w.area))::double precision AS w,
       0.65 + 0.25 * pg_temp.r21_u('2021 preference rate ' || w.party) AS rate
  FROM w;

-- The list contest at every station.
WITH marks AS (
    -- the party's voters who marked a candidate, split by largest remainder
    SELECT v.number, v.pos, p.position, floor(v.votes * p.rate)::integer AS m,
           floor(v.votes * p.rate) * p.w AS q
      FROM r21_list_votes v JOIN r21_stations s ON s.number = v.number
      JOIN r21_pref_weights p ON p.party = v.party AND p.area = s.area
), f AS (
    SELECT number, pos, position, floor(q)::integer AS f,
           row_number() OVER (PARTITION BY number, pos ORDER BY q - floor(q) DESC, position) AS rank,
           m - sum(floor(q)) OVER (PARTITION BY number, pos) AS rest
      FROM marks
), prefs AS (
    SELECT number, array_agg(f + (rank <= rest)::integer ORDER BY pos, position) AS preferences
      FROM f GROUP BY number
), votes AS (
    SELECT number, max(votes) FILTER (WHERE pos = 0) AS against_all,
           array_agg(votes ORDER BY pos) FILTER (WHERE pos > 0) AS votes
      FROM r21_list_votes GROUP BY number
), ins AS (
    INSERT INTO station_results (contest_id, station_number, report_id, report_seq, voters, received, issued,
                                 cancelled, in_boxes, invalid, valid, against_all, votes, preferences,
                                 updated_at)
    SELECT 20210400, s.number, NULL, NULL, s.voters, s.voters, s.issued, s.voters - s.issued, s.in_boxes,
           s.invalid, s.valid, v.against_all, v.votes, coalesce(p.preferences, '{}'),
           timestamptz '2021-11-28 21:30:00+06'
               + pg_temp.r21_h('2021 protocol ' || s.number) % 480 * interval '1 minute'
      FROM r21_stations s JOIN votes v ON v.number = s.number LEFT JOIN prefs p ON p.number = s.number
     ORDER BY s.number
    ON CONFLICT DO NOTHING
    RETURNING 1
)
INSERT INTO r21_done SELECT 'list results', count(*) FROM ins;

-- The district contest at every station at home.
WITH votes AS (
    SELECT number, max(votes) FILTER (WHERE pos = 0) AS against_all,
           array_agg(votes ORDER BY pos) FILTER (WHERE pos > 0) AS votes
      FROM r21_district_votes GROUP BY number
), ins AS (
    INSERT INTO station_results (contest_id, station_number, report_id, report_seq, voters, received, issued,
                                 cancelled, in_boxes, invalid, valid, against_all, votes, preferences,
                                 updated_at)
    SELECT 20210400 + s.district, s.number, NULL, NULL, s.voters, s.voters, s.d_issued,
           s.voters - s.d_issued, s.d_in_boxes, s.d_invalid, s.d_in_boxes - s.d_invalid, v.against_all,
           v.votes, '{}',
           timestamptz '2021-11-28 21:30:00+06'
               + pg_temp.r21_h('2021 protocol ' || s.number) % 480 * interval '1 minute'
      FROM r21_stations s JOIN votes v ON v.number = s.number
     WHERE s.district IS NOT NULL
     ORDER BY s.number
    ON CONFLICT DO NOTHING
    RETURNING 1
)
INSERT INTO r21_done SELECT 'district results', count(*) FROM ins;

-- Turnout through the day: the share of the day's voters who had come by
-- each hour, from six two-hour spells of varying weight (more in the
-- morning and the afternoon than at the close); 20:00 is the list
-- contest's ballots issued.
WITH spells AS (
    SELECT s.number, h.hour,
           (ARRAY[12, 21, 19, 18, 17, 13])[h.k]
               * (0.6 + 0.8 * pg_temp.r21_u('2021 spell ' || s.number || '/' || h.hour))::numeric AS w
      FROM r21_stations s, unnest('{10,12,14,16,18,20}'::smallint[]) WITH ORDINALITY AS h (hour, k)
     WHERE s.todo
), cum AS (
    SELECT number, hour, sum(w) OVER (PARTITION BY number ORDER BY hour) / sum(w) OVER (PARTITION BY number)
               AS share
      FROM spells
), ins AS (
    INSERT INTO station_turnout (election_id, station_number, hour, voters, voted)   -- report_id NULL
    SELECT 202104, s.number, 8, s.voters, 0
      FROM r21_stations s WHERE s.todo
    UNION ALL
    SELECT 202104, s.number, c.hour, s.voters,
           CASE WHEN c.hour = 20 THEN s.issued ELSE floor(s.issued * c.share)::integer END
      FROM r21_stations s JOIN cum c ON c.number = s.number
     ORDER BY 2, 3
    ON CONFLICT DO NOTHING
    RETURNING 1
)
INSERT INTO r21_done SELECT 'turnout', count(*) FROM ins;

-- The areas' sums: when figures went in now, or if they do not count every
-- station (the regions and abroad make the country).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM r21_done WHERE n > 0)
       OR (SELECT coalesce(sum(stations_reported), 0) FROM area_results
            WHERE contest_id = 20210400 AND area BETWEEN 1 AND 10) <> (SELECT count(*) FROM stations)
       OR (SELECT coalesce(sum(a.stations_reported), 0) FROM area_results a
             JOIN contests k ON k.id = a.contest_id AND k.election_id = 202104 AND k.kind = 'district')
          <> (SELECT count(*) FROM stations WHERE NOT abroad)
       OR (SELECT coalesce(sum(stations_reported), 0) FROM area_turnout
            WHERE election_id = 202104 AND area BETWEEN 1 AND 10 AND hour = 20) <> (SELECT count(*) FROM stations)
    THEN
        PERFORM results_rebuild(202104);
    END IF;
END $$;

DROP TABLE r21_shares, r21_pool, r21_lists, r21_seats, r21_stations, r21_list_votes, r21_district_votes,
    r21_pref_weights, r21_done;
DROP PROCEDURE pg_temp.r21_fill(text);
DROP FUNCTION pg_temp.r21_u(text), pg_temp.r21_h(text);
RESET client_min_messages;
