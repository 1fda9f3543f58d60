-- The address register and the stations' boundaries (migration 031): which
-- station an address belongs to, a boundary change that moves the voters of
-- the addresses it moves (one statement, so one transaction), and the public
-- account of who came to and left a station, and why.

-- The station whose area covers a point (the lowest number where two touch).
CREATE OR REPLACE FUNCTION address_station(p geometry) RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT s.number FROM stations s WHERE s.area && p AND ST_Covers(s.area, p) ORDER BY s.number LIMIT 1
$$;

-- Puts every address inside `within` (every address, if NULL) at the station
-- whose area covers it; returns the addresses whose station changed (new_station
-- NULL: no station's area covers it any more; with within NULL such an
-- address keeps its station, and is not returned).  Station by station, so
-- that PostGIS prepares each area once for all its points (one join of every
-- address with every area took minutes for the whole country), in descending
-- order, so that where two areas touch the lower number wins, as in
-- address_station.
CREATE OR REPLACE FUNCTION addresses_assign(within geometry)
RETURNS TABLE (address_id bigint, old_station integer, new_station integer)
LANGUAGE plpgsql AS $$
DECLARE
    s record;
BEGIN
    CREATE TEMP TABLE IF NOT EXISTS addresses_assigned (
        id bigint PRIMARY KEY, old integer, new integer) ON COMMIT DROP;
    TRUNCATE addresses_assigned;
    FOR s IN SELECT st.number, st.area FROM stations st
              WHERE st.area IS NOT NULL AND (within IS NULL OR st.area && within)
              ORDER BY st.number DESC LOOP
        WITH c AS (
            SELECT a.id, a.station_number AS old FROM addresses a
             WHERE a.point && s.area AND ST_Covers(s.area, a.point)
               AND a.station_number IS DISTINCT FROM s.number
               AND (within IS NULL OR (a.point && within AND ST_Covers(within, a.point)))
        ), moved AS (
            UPDATE addresses a SET station_number = s.number, updated_at = now()
              FROM c WHERE a.id = c.id
            RETURNING a.id, c.old
        )
        -- An address two areas cover (on their common edge) keeps its first old station.
        INSERT INTO addresses_assigned AS x (id, old, new)
        SELECT m.id, m.old, s.number FROM moved m
        ON CONFLICT (id) DO UPDATE SET new = excluded.new;
    END LOOP;
    IF within IS NOT NULL THEN
        -- Addresses of the touched areas that no area covers any more.
        WITH lost AS (
            UPDATE addresses a SET station_number = NULL, updated_at = now()
              FROM stations st
             WHERE a.point && within AND ST_Covers(within, a.point)
               AND st.number = a.station_number AND NOT ST_Covers(st.area, a.point)
               AND NOT EXISTS (SELECT 1 FROM addresses_assigned x WHERE x.id = a.id)
            RETURNING a.id, st.number
        )
        INSERT INTO addresses_assigned (id, old, new) SELECT l.id, l.number, NULL FROM lost l;
    END IF;
    RETURN QUERY SELECT x.id, x.old, x.new FROM addresses_assigned x WHERE x.old IS DISTINCT FROM x.new;
END $$;

-- Voters registered at moved addresses follow them, unless their station was
-- not their address's (they applied to vote elsewhere): each move recorded
-- with the boundary change that caused it.  Returns how many moved.
CREATE OR REPLACE FUNCTION voters_follow_addresses(change bigint, moved_ids bigint[], moved_old integer[],
                                                   moved_new integer[])
RETURNS integer LANGUAGE sql AS $$
    WITH m AS (
        SELECT * FROM unnest(moved_ids, moved_old, moved_new) AS m(address_id, old_station, new_station)
         WHERE m.old_station IS NOT NULL AND m.new_station IS NOT NULL
    ), v AS (
        UPDATE voters v SET station_number = m.new_station, updated_at = now()
          FROM m
         -- (address_id IS NOT NULL lets the planner use the partial index voters_address: without it,
         -- each address was looked for among its old station's voters: 14 s for a district)
         WHERE v.address_id = m.address_id AND v.address_id IS NOT NULL
           AND v.station_number = m.old_station AND v.status = 'active'
        RETURNING v.pin, m.old_station, m.new_station
    ), ins AS (
        INSERT INTO station_moves (pin, from_station, to_station, reason, boundary_change_id)
        SELECT v.pin, v.old_station, v.new_station, 'boundary', change FROM v
        RETURNING 1
    )
    SELECT count(*)::integer FROM ins
$$;

-- A geometry from a request's GeoJSON (Polygon or MultiPolygon, WGS 84), valid;
-- or a refusal naming the station.
CREATE OR REPLACE FUNCTION boundary_area(geojson jsonb, n integer) RETURNS geometry
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    g geometry;
BEGIN
    IF jsonb_typeof(geojson) <> 'object' OR geojson ->> 'type' NOT IN ('Polygon', 'MultiPolygon') THEN
        PERFORM shailoo_refuse(422, 'invalid_area',
            format('the area of station %s must be a GeoJSON Polygon or MultiPolygon', n), 'stations');
    END IF;
    BEGIN
        g := ST_SetSRID(ST_GeomFromGeoJSON(geojson), 4326);
    EXCEPTION WHEN OTHERS THEN
        PERFORM shailoo_refuse(422, 'invalid_area',
            format('the area of station %s is not valid GeoJSON: %s', n, SQLERRM), 'stations');
    END;
    IF ST_IsEmpty(g) THEN
        PERFORM shailoo_refuse(422, 'invalid_area', format('the area of station %s is empty', n), 'stations');
    END IF;
    IF NOT ST_IsValid(g) THEN
        PERFORM shailoo_refuse(422, 'invalid_area',
            format('the area of station %s is not a valid polygon: %s', n, ST_IsValidReason(g)), 'stations');
    END IF;
    IF NOT ST_CoveredBy(g, ST_MakeEnvelope(-180, -90, 180, 90, 4326)) THEN
        PERFORM shailoo_refuse(422, 'invalid_area',
            format('the area of station %s is not in longitude and latitude', n), 'stations');
    END IF;
    RETURN ST_Multi(g);
END $$;

-- Areas overlapping by less than this (square degrees: about 10 m²) are taken
-- to touch: the GeoJSON a page sends back rounds shared edges.
CREATE OR REPLACE FUNCTION boundary_overlap_min() RETURNS double precision
LANGUAGE sql IMMUTABLE AS $$ SELECT 1e-9::double precision $$;

-- The polygons of a geometry, as a MultiPolygon (NULL if none is left, or
-- only slivers smaller than boundary_overlap_min), on a 1e-9° grid without
-- corners closer than 1e-8° (about a millimetre): unions and differences
-- leave such near-twins, which editors take for self-intersections.
CREATE OR REPLACE FUNCTION boundary_polygons(g geometry) RETURNS geometry
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN x IS NULL OR ST_IsEmpty(x) OR ST_Area(x) <= boundary_overlap_min() THEN NULL ELSE ST_Multi(x) END
      FROM (SELECT ST_CollectionExtract(ST_MakeValid(ST_RemoveRepeatedPoints(ST_SnapToGrid(g, 1e-9), 1e-8)), 3) AS x) t
$$;

-- A change of station boundaries by a territorial commission's administrator
-- (their own stations) or the CEC's.  areas: [{"number": N, "area": GeoJSON}].
-- Each new area is cut to its region's shape; the neighbours of the same
-- region lose what the new areas take (and must be the actor's too); every
-- address of the touched areas goes to the station now covering it, and its
-- voters with it.  Refused if an address would be left outside every
-- station.  Returns the change: stations, addresses and voters moved.
CREATE OR REPLACE FUNCTION boundary_change(areas jsonb, reason text, actor text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    role text;
    actor_commission integer;
    change bigint;
    item jsonb;
    n integer;
    s stations;
    g geometry;
    shape geometry;
    numbers integer[] := '{}';
    affected geometry;
    taken geometry;
    ids bigint[];
    olds integer[];
    news integer[];
    uncovered integer;
    moved_voters integer;
BEGIN
    IF jsonb_typeof(areas) <> 'array' OR jsonb_array_length(areas) = 0 OR jsonb_array_length(areas) > 200 THEN
        PERFORM shailoo_refuse(422, 'invalid_field', 'stations: 1 to 200 stations with their new areas', 'stations');
    END IF;
    IF reason IS NULL OR btrim(reason) = '' THEN
        PERFORM shailoo_refuse(422, 'reason_required', 'a boundary change needs its reason', 'reason');
    END IF;
    SELECT r.role, r.commission_id INTO role, actor_commission FROM staff_roles r
     WHERE r.pin = actor AND r.role IN ('cec_admin', 'tec_admin') ORDER BY r.role LIMIT 1;
    IF role IS NULL THEN
        PERFORM shailoo_refuse(403, 'forbidden', 'only a commission''s administrator changes boundaries');
    END IF;
    INSERT INTO boundary_changes (commission_id, by_pin, by_role, reason)
    VALUES (CASE WHEN role = 'tec_admin' THEN actor_commission END, actor, role, btrim(reason))
    RETURNING id INTO change;

    -- The new areas, each cut to its region's shape.
    FOR item IN SELECT * FROM jsonb_array_elements(areas) LOOP
        IF jsonb_typeof(item) <> 'object' OR jsonb_typeof(item -> 'number') <> 'number'
           OR (SELECT count(*) FROM jsonb_object_keys(item) k WHERE k NOT IN ('number', 'area')) > 0 THEN
            PERFORM shailoo_refuse(422, 'invalid_field', 'each station is {"number": N, "area": GeoJSON}', 'stations');
        END IF;
        n := (item ->> 'number')::numeric::integer;
        IF n = ANY (numbers) THEN
            PERFORM shailoo_refuse(422, 'duplicate_station', format('station %s is named twice', n), 'stations');
        END IF;
        SELECT * INTO s FROM stations WHERE number = n FOR UPDATE;
        IF NOT FOUND THEN
            PERFORM shailoo_refuse(404, 'station_not_found', format('there is no polling station %s', n), 'stations');
        END IF;
        IF s.abroad THEN
            PERFORM shailoo_refuse(422, 'station_abroad', format('station %s is abroad: it has no area', n), 'stations');
        END IF;
        IF role = 'tec_admin' AND s.commission_id <> actor_commission THEN
            PERFORM shailoo_refuse(403, 'outside_scope', format('station %s is another territorial commission''s', n));
        END IF;
        g := boundary_area(item -> 'area', n);
        SELECT rs.geom INTO shape FROM region_shapes rs WHERE rs.region_id = s.region_id;
        IF shape IS NOT NULL THEN
            g := boundary_polygons(ST_Intersection(g, shape));
            IF g IS NULL THEN
                PERFORM shailoo_refuse(422, 'area_outside_region',
                    format('the area of station %s lies outside its region', n), 'stations');
            END IF;
        END IF;
        numbers := numbers || n;
        INSERT INTO boundary_change_areas (change_id, station_number, old_area, new_area)
        VALUES (change, n, s.area, g);
    END LOOP;
    -- The new areas must not overlap one another.
    SELECT a.station_number INTO n FROM boundary_change_areas a JOIN boundary_change_areas b
        ON b.change_id = a.change_id AND b.station_number > a.station_number
     WHERE a.change_id = change AND a.new_area && b.new_area
       AND ST_Area(ST_Intersection(a.new_area, b.new_area)) > boundary_overlap_min() LIMIT 1;
    IF FOUND THEN
        PERFORM shailoo_refuse(422, 'areas_overlap', format('the new area of station %s overlaps another new area', n), 'stations');
    END IF;
    -- Slivers along shared edges (a page's rounding) are trimmed off the new
    -- areas, so a neighbour that was not meant to change does not.
    UPDATE boundary_change_areas a
       SET new_area = coalesce(boundary_polygons(ST_Difference(a.new_area, x.slivers)), a.new_area)
      FROM (SELECT b.station_number, ST_Union(st.area) AS slivers
              FROM boundary_change_areas b JOIN stations st
                ON st.area && b.new_area AND NOT st.number = ANY (numbers) AND ST_Intersects(st.area, b.new_area)
             WHERE b.change_id = change
               AND ST_Area(ST_Intersection(b.new_area, st.area)) <= boundary_overlap_min()
             GROUP BY b.station_number) x
     WHERE a.change_id = change AND a.station_number = x.station_number;
    -- Neighbours lose what the new areas take (their union made once: the
    -- rows the loop adds are the neighbours' remains, not what was taken).
    SELECT ST_Union(a.new_area) INTO taken FROM boundary_change_areas a WHERE a.change_id = change;
    FOR s IN SELECT st.* FROM stations st
              WHERE st.area IS NOT NULL AND NOT st.number = ANY (numbers)
                AND EXISTS (SELECT 1 FROM boundary_change_areas a
                             WHERE a.change_id = change AND a.new_area && st.area
                               AND ST_Area(ST_Intersection(a.new_area, st.area)) > boundary_overlap_min())
              ORDER BY st.number FOR UPDATE LOOP
        IF role = 'tec_admin' AND s.commission_id <> actor_commission THEN
            PERFORM shailoo_refuse(403, 'outside_scope',
                format('the new areas take part of station %s, another territorial commission''s', s.number), 'stations');
        END IF;
        g := boundary_polygons(ST_Difference(s.area, taken));
        IF g IS NULL THEN
            PERFORM shailoo_refuse(422, 'station_left_without_area',
                format('the new areas take all of station %s: name its new area too', s.number), 'stations');
        END IF;
        numbers := numbers || s.number;
        INSERT INTO boundary_change_areas (change_id, station_number, old_area, new_area)
        VALUES (change, s.number, s.area, g);
    END LOOP;

    SELECT ST_Union(ST_Collect(coalesce(a.old_area, a.new_area), a.new_area)) INTO affected
      FROM boundary_change_areas a WHERE a.change_id = change;
    UPDATE stations st SET area = a.new_area
      FROM boundary_change_areas a WHERE a.change_id = change AND st.number = a.station_number;

    SELECT array_agg(m.address_id), array_agg(m.old_station), array_agg(m.new_station),
           count(*) FILTER (WHERE m.new_station IS NULL)
      INTO ids, olds, news, uncovered
      FROM addresses_assign(affected) m;
    IF uncovered > 0 THEN
        PERFORM shailoo_refuse(422, 'addresses_uncovered',
            format('%s addresses would be in no station''s area: the new areas must cover them', uncovered), 'stations');
    END IF;
    moved_voters := CASE WHEN ids IS NULL THEN 0 ELSE voters_follow_addresses(change, ids, olds, news) END;
    UPDATE boundary_changes c SET addresses_moved = coalesce(cardinality(ids), 0), voters_moved = moved_voters
     WHERE c.id = change;
    RETURN boundary_change_json(change);
END $$;

-- A boundary change as the public sees it: who (role and commission), why,
-- and per station how many voters came in and left.
CREATE OR REPLACE FUNCTION boundary_change_json(change bigint) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', c.id, 'at', c.at, 'commission_id', c.commission_id, 'by_role', c.by_role,
        'reason', c.reason, 'addresses_moved', c.addresses_moved, 'voters_moved', c.voters_moved,
        'stations', (SELECT coalesce(json_agg(json_build_object(
                         'number', a.station_number,
                         'came_in', (SELECT count(*) FROM station_moves m
                                      WHERE m.boundary_change_id = c.id AND m.to_station = a.station_number),
                         'left', (SELECT count(*) FROM station_moves m
                                   WHERE m.boundary_change_id = c.id AND m.from_station = a.station_number))
                         ORDER BY a.station_number), '[]')
                       FROM boundary_change_areas a WHERE a.change_id = c.id))
      FROM boundary_changes c WHERE c.id = change
$$;

-- Who came to and left a station, and why, month by month: approved
-- applications, boundary changes, deaths; and the boundary changes that touched it.
CREATE OR REPLACE FUNCTION station_flows_json(n integer) RETURNS json
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM stations WHERE number = n) THEN
        PERFORM shailoo_refuse(404, 'station_not_found', 'there is no polling station with this number', 'number');
    END IF;
    RETURN (
    WITH events AS (
        SELECT date_trunc('month', m.at AT TIME ZONE 'Asia/Bishkek')::date AS month,
               'came_in' AS way, m.reason AS why
          FROM station_moves m WHERE m.to_station = n
        UNION ALL
        SELECT date_trunc('month', m.at AT TIME ZONE 'Asia/Bishkek')::date, 'left', m.reason
          FROM station_moves m WHERE m.from_station = n
        UNION ALL
        SELECT date_trunc('month', r.at AT TIME ZONE 'Asia/Bishkek')::date, 'left', r.reason
          FROM voter_removals r WHERE r.station_number = n
    ), months AS (
        SELECT e.month,
               count(*) FILTER (WHERE way = 'came_in' AND why = 'application') AS in_application,
               count(*) FILTER (WHERE way = 'came_in' AND why = 'boundary') AS in_boundary,
               count(*) FILTER (WHERE way = 'left' AND why = 'application') AS out_application,
               count(*) FILTER (WHERE way = 'left' AND why = 'boundary') AS out_boundary,
               count(*) FILTER (WHERE way = 'left' AND why = 'death') AS out_death
          FROM events e GROUP BY e.month
    )
    SELECT json_build_object(
        'station', n,
        'voters', (SELECT s.voters FROM stations s WHERE s.number = n),
        'came_in', json_build_object('application', coalesce(sum(in_application), 0),
                                     'boundary', coalesce(sum(in_boundary), 0)),
        'left', json_build_object('application', coalesce(sum(out_application), 0),
                                  'boundary', coalesce(sum(out_boundary), 0),
                                  'death', coalesce(sum(out_death), 0)),
        'months', coalesce(json_agg(json_build_object(
            'month', to_char(month, 'YYYY-MM'),
            'came_in', json_build_object('application', in_application, 'boundary', in_boundary),
            'left', json_build_object('application', out_application, 'boundary', out_boundary, 'death', out_death))
            ORDER BY month), '[]'),
        'boundary_changes', (SELECT coalesce(json_agg(json_build_object(
                                 'id', c.id, 'at', c.at, 'reason', c.reason, 'by_role', c.by_role,
                                 'commission_id', c.commission_id,
                                 'came_in', (SELECT count(*) FROM station_moves m
                                              WHERE m.boundary_change_id = c.id AND m.to_station = n),
                                 'left', (SELECT count(*) FROM station_moves m
                                           WHERE m.boundary_change_id = c.id AND m.from_station = n))
                                 ORDER BY c.at DESC, c.id DESC), '[]')
                               FROM boundary_changes c
                              WHERE c.id IN (SELECT a.change_id FROM boundary_change_areas a WHERE a.station_number = n)))
      FROM months);
END $$;

-- An address of the register as the public sees it: its words, its point, its station.
CREATE OR REPLACE FUNCTION address_json(a addresses) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', a.id, 'region_id', a.region_id, 'settlement', a.settlement,
                             'street', a.street, 'house', a.house,
                             'lat', round(ST_Y(a.point)::numeric, 6), 'lon', round(ST_X(a.point)::numeric, 6),
                             'station_number', a.station_number)
$$;

-- A station's area as GeoJSON (6 decimals: about 10 cm), or NULL.
CREATE OR REPLACE FUNCTION station_area_geojson(s stations) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN s.area IS NULL THEN NULL ELSE ST_AsGeoJSON(s.area, 6)::jsonb END
$$;

-- What a boundary change would do, done and undone: the same answer as
-- boundary_change with "preview": true, or the same refusal; nothing stays
-- (the change's id is spent).
CREATE OR REPLACE FUNCTION boundary_change_preview(areas jsonb, reason text, actor text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    result json;
BEGIN
    BEGIN
        result := boundary_change(areas, reason, actor);
        RAISE EXCEPTION USING ERRCODE = 'SH299', MESSAGE = 'preview: undone';
    EXCEPTION WHEN SQLSTATE 'SH299' THEN  -- (not SH000: a code ending in 000 names its whole class)
        NULL;   -- the block's subtransaction is rolled back; result, a variable, stays
    END;
    RETURN (result::jsonb || '{"preview": true}')::json;
END $$;

-- A station and the stations whose areas touch it, with their areas (9
-- decimals: what a page sends back keeps the shared edges) and voters: what a
-- commission redraws together.
CREATE OR REPLACE FUNCTION station_neighbours_json(n integer) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
    s stations;
BEGIN
    SELECT * INTO s FROM stations WHERE number = n;
    IF NOT FOUND THEN
        PERFORM shailoo_refuse(404, 'station_not_found', 'there is no polling station with this number', 'number');
    END IF;
    RETURN (SELECT json_build_object('station', n, 'items', coalesce(json_agg(json_build_object(
                'number', o.number, 'name', o.name, 'commission_id', o.commission_id, 'voters', o.voters,
                'addresses', (SELECT count(*) FROM addresses a WHERE a.station_number = o.number),
                'lat', o.lat, 'lon', o.lon,
                'area', CASE WHEN o.area IS NOT NULL THEN ST_AsGeoJSON(o.area, 9)::jsonb END)
                ORDER BY o.number <> n, o.number), '[]'))
              FROM stations o
             WHERE o.number = n OR (s.area IS NOT NULL AND o.area && s.area AND ST_Intersects(o.area, s.area)));
END $$;
