-- The demo's address register and station areas (issue 13), after the
-- regions' shapes (scripts/region-shapes.mjs) and the voters (gen.c):
--   1. a station whose point lies outside its region's shape is moved just
--      inside it (the demo's regions are circles around real centres);
--   2. station areas: the Voronoi cells of the stations' points, region by
--      region, cut to the region's shape;
--   3. the register's addresses: every house the demo's voters live in (their
--      address without the flat), a random point in their station's area;
--   4. every address goes to the station whose area covers it
--      (addresses_assign, the code a boundary change runs), and every voter to
--      their address's station.
-- Runs once (only while the register is empty); deterministic (fixed seeds).
-- Abroad there is no register: those voters keep their station.

SELECT NOT EXISTS (SELECT 1 FROM addresses) AND EXISTS (SELECT 1 FROM region_shapes) AS demo_addresses \gset
\if :demo_addresses

-- 1. Points inside the shapes, 300 m from the edge where the shape allows.
UPDATE stations s SET lat = ST_Y(q.p), lon = ST_X(q.p)
  FROM (SELECT st.number,
               ST_ClosestPoint(coalesce(nullif(ST_Buffer(rs.geom, -0.003), 'SRID=4326;POLYGON EMPTY'::geometry), rs.geom),
                               ST_SetSRID(ST_MakePoint(coalesce(st.lon, ST_X(ST_PointOnSurface(rs.geom))),
                                                       coalesce(st.lat, ST_Y(ST_PointOnSurface(rs.geom)))), 4326)) AS p
          FROM stations st JOIN region_shapes rs ON rs.region_id = st.region_id
         WHERE NOT st.abroad
           AND (st.lat IS NULL OR NOT ST_Covers(rs.geom, ST_SetSRID(ST_MakePoint(st.lon, st.lat), 4326)))) q
 WHERE s.number = q.number;
-- Two stations on one point would share a cell: the later one steps 20 m east.
UPDATE stations s SET lon = s.lon + 0.00025 * d.k
  FROM (SELECT number, row_number() OVER (PARTITION BY lat, lon ORDER BY number) - 1 AS k
          FROM stations WHERE NOT abroad) d
 WHERE s.number = d.number AND d.k > 0;

-- 2. Areas: Voronoi cells, region by region, cut to the region.
WITH cells AS (
    SELECT rs.region_id, rs.geom AS shape,
           (ST_Dump(ST_VoronoiPolygons(ST_Collect(ST_SetSRID(ST_MakePoint(st.lon, st.lat), 4326)), 0,
                                       ST_Expand(rs.geom, 0.1)))).geom AS cell
      FROM stations st JOIN region_shapes rs ON rs.region_id = st.region_id
     WHERE NOT st.abroad
     GROUP BY rs.region_id, rs.geom
)
UPDATE stations s SET area = boundary_polygons(ST_Intersection(c.cell, c.shape))
  FROM cells c
 WHERE s.region_id = c.region_id AND NOT s.abroad
   AND ST_Covers(c.cell, ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326));

-- 3. The houses, with the register's identifiers.  (ST_GeneratePoints may
-- give one point fewer than asked: a few more are asked, the rest unused.)
CREATE TEMP TABLE demo_house ON COMMIT DROP AS
SELECT v.pin, v.station_number, regexp_replace(v.address, ', кв\. [0-9]+$', '') AS house_text
  FROM voters v JOIN stations s ON s.number = v.station_number
 WHERE NOT s.abroad AND s.area IS NOT NULL;
CREATE TEMP TABLE demo_address ON COMMIT DROP AS
SELECT 1000000 + row_number() OVER (ORDER BY station_number, house_text) AS id, station_number, house_text,
       row_number() OVER (PARTITION BY station_number ORDER BY house_text) AS k
  FROM (SELECT DISTINCT station_number, house_text FROM demo_house) h;
CREATE INDEX ON demo_address (station_number, k);

INSERT INTO addresses (id, region_id, settlement, street, house, point, station_number)
SELECT a.id, s.region_id, s.settlement,
       coalesce((string_to_array(a.house_text, ', '))[cardinality(string_to_array(a.house_text, ', ')) - 1], ''),
       regexp_replace((string_to_array(a.house_text, ', '))[cardinality(string_to_array(a.house_text, ', '))],
                      '^д\. ', ''),
       p.geom, a.station_number
  FROM demo_address a
  JOIN stations s ON s.number = a.station_number
  JOIN (SELECT st.number, d.geom, d.path[1] AS k
          FROM (SELECT station_number, max(k)::integer AS n FROM demo_address GROUP BY station_number) c
          JOIN stations st ON st.number = c.station_number,
               LATERAL ST_Dump(ST_GeneratePoints(st.area, c.n + 16, st.number)) d) p
    ON p.number = a.station_number AND p.k = a.k;

ANALYZE addresses;

-- The address changes no count: the counting trigger is spared 3.7 million rows.
ALTER TABLE voters DISABLE TRIGGER voters_count_update;
UPDATE voters v SET address_id = a.id
  FROM demo_house h JOIN demo_address a USING (station_number, house_text)
 WHERE v.pin = h.pin;
ALTER TABLE voters ENABLE TRIGGER voters_count_update;

-- 4. The same code a boundary change runs: addresses to stations (each was
-- made inside its station's area, so this confirms rather than moves: moving
-- 3 million points from no station rewrote their spatial index for minutes),
-- voters to their address's.
SELECT count(*) AS addresses_placed FROM addresses_assign(NULL) \gset
UPDATE voters v SET station_number = a.station_number
  FROM addresses a
 WHERE v.address_id = a.id AND a.station_number IS NOT NULL AND v.station_number <> a.station_number;
ANALYZE stations;
ANALYZE voters; -- the planner must know address_id now: a boundary change finds voters by it

\endif
