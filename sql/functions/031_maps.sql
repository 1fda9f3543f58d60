-- Maps (issue 13): a region's station boundaries as GeoJSON, simplified for
-- the zoom level the map shows, and the publisher told when they change.
--
-- Three levels, each simplified to about a pixel at the deepest zoom it
-- serves (a pixel is 360 / (256 * 2^zoom) degrees of longitude), with as many
-- decimals as that needs:
--   zoom 0..8    'region'    tolerance 0.005   (~500 m)  3 decimals
--   zoom 9..11   'district'  tolerance 0.0007  (~70 m)   4 decimals
--   zoom 12..20  'street'    tolerance 0.00005 (~5 m)    5 decimals
-- Each area is simplified on its own (ST_SimplifyPreserveTopology: PostGIS
-- 3.3 has no ST_CoverageSimplify), so neighbours may gap or overlap by about
-- the tolerance: a pixel at the zooms the level serves.  nginx serves the
-- published file of a level for every zoom of it (shailoo.conf.in), so the
-- answer names its level, never the zoom asked.

-- The level of a zoom: its name, tolerance and decimals (the table above, once).
CREATE OR REPLACE FUNCTION maps_zoom(zoom integer, OUT level text, OUT tolerance double precision,
                                     OUT digits integer)
LANGUAGE sql IMMUTABLE AS $$
    SELECT v.level, v.tolerance, v.digits
      FROM (VALUES (8, 'region', 0.005::double precision, 3), (11, 'district', 0.0007, 4),
                   (NULL, 'street', 0.00005, 5)) AS v(upto, level, tolerance, digits)
     WHERE v.upto IS NULL OR zoom <= v.upto
     ORDER BY v.upto NULLS LAST LIMIT 1
$$;
DROP FUNCTION IF EXISTS maps_level(integer);
DROP FUNCTION IF EXISTS maps_tolerance(integer);
DROP FUNCTION IF EXISTS maps_digits(integer);

-- A region's stations (none abroad) as a GeoJSON FeatureCollection: each a
-- Feature with its area simplified for the zoom (null geometry if it has no
-- area yet) and, as properties, its number, name, address, district, voters
-- and its centre (the polling place: lat, lon).  No row for an unknown region.
CREATE OR REPLACE FUNCTION maps_region_stations(region integer, zoom integer) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'type', 'FeatureCollection',
        'region', json_build_object('id', r.id, 'iso_code', r.iso_code, 'name_ru', r.name_ru, 'name_ky', r.name_ky),
        'level', z.level,
        'tolerance', z.tolerance,
        'features', (SELECT coalesce(json_agg(json_build_object(
                         'type', 'Feature',
                         'id', s.number,
                         'geometry', CASE WHEN s.area IS NULL THEN NULL
                                          ELSE ST_AsGeoJSON(ST_SimplifyPreserveTopology(s.area, z.tolerance),
                                                            z.digits)::json END,
                         'properties', json_build_object(
                             'number', s.number, 'name', s.name, 'address', s.address,
                             'settlement', s.settlement, 'district', s.district_number,
                             'voters', s.voters, 'lat', s.lat, 'lon', s.lon))
                         ORDER BY s.number), '[]')
                       FROM stations s WHERE s.region_id = r.id AND NOT s.abroad))
      FROM regions r, maps_zoom(zoom) z WHERE r.id = region
$$;

-- The publisher (cgi/api/published.c) rewrites a region's files when a
-- station's area, name, place or region changes: 'maps R' on shailoo_publish.
-- (Voters' counts follow the statistics' notification, less often.)
CREATE OR REPLACE FUNCTION publish_station_map() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.region_id IS NOT NULL THEN
        PERFORM pg_notify('shailoo_publish', 'maps ' || OLD.region_id);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.region_id IS NOT NULL THEN
        PERFORM pg_notify('shailoo_publish', 'maps ' || NEW.region_id);
    END IF;
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER stations_map_publish AFTER UPDATE ON stations FOR EACH ROW
    WHEN (OLD.area IS DISTINCT FROM NEW.area OR OLD.name IS DISTINCT FROM NEW.name
          OR OLD.address IS DISTINCT FROM NEW.address OR OLD.settlement IS DISTINCT FROM NEW.settlement
          OR OLD.lat IS DISTINCT FROM NEW.lat OR OLD.lon IS DISTINCT FROM NEW.lon
          OR OLD.region_id IS DISTINCT FROM NEW.region_id
          OR OLD.district_number IS DISTINCT FROM NEW.district_number)
    EXECUTE FUNCTION publish_station_map();
CREATE OR REPLACE TRIGGER stations_map_publish_rows AFTER INSERT OR DELETE ON stations FOR EACH ROW
    EXECUTE FUNCTION publish_station_map();
