-- The address register (GISAR) and the stations' boundaries (issue 13).
--
-- Addresses are points with the register's identifiers; a station's area is
-- a polygon.  Every address belongs to the station whose area covers it, and
-- a voter's station follows their registered address, unless they applied to
-- vote elsewhere (a voter whose station is not their address's is left alone
-- when boundaries change).  Every voter who comes to or leaves a station is
-- recorded with the reason: an application, a boundary change, a death.

CREATE EXTENSION IF NOT EXISTS postgis;

-- The regions' shapes (from @amcharts/amcharts4-geodata's kyrgyzstanHigh,
-- loaded by scripts/region-shapes.mjs) with their ISO 3166-2 codes.  Cities
-- of republican significance are cut out of the regions around them, and the
-- foreign enclaves out of the regions they lie in, so shapes never overlap.
ALTER TABLE regions ADD COLUMN iso_code text UNIQUE CHECK (iso_code ~ '^KG-[A-Z]{1,2}$');

CREATE TABLE region_shapes (
    region_id smallint PRIMARY KEY REFERENCES regions,
    geom      geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
    source    text NOT NULL CHECK (source <> '')
);
CREATE INDEX region_shapes_geom ON region_shapes USING gist (geom);

-- A station's area replaces the GeoJSON text it never had (stations.boundary).
ALTER TABLE stations DROP COLUMN boundary;
ALTER TABLE stations ADD COLUMN area geometry(MultiPolygon, 4326)
    CHECK (area IS NULL OR (ST_IsValid(area) AND NOT ST_IsEmpty(area)));
ALTER TABLE stations ADD CONSTRAINT stations_area_home CHECK (area IS NULL OR NOT abroad);
CREATE INDEX stations_area ON stations USING gist (area);

-- The register's addresses: a house (or a plot) with its point.  station_number
-- is the station whose area covers the point, kept by addresses_assign (NULL
-- only while no station's area covers it).
CREATE TABLE addresses (
    id             bigint PRIMARY KEY CHECK (id > 0),   -- the register's identifier
    region_id      smallint NOT NULL REFERENCES regions,
    settlement     text NOT NULL CHECK (settlement <> '' AND length(settlement) <= 200),
    street         text NOT NULL CHECK (length(street) <= 200),
    house          text NOT NULL CHECK (house <> '' AND length(house) <= 40),
    point          geometry(Point, 4326) NOT NULL CHECK (ST_IsValid(point)),
    station_number integer REFERENCES stations,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX addresses_point ON addresses USING gist (point);
CREATE INDEX addresses_station ON addresses (station_number);

-- A voter's registered address (NULL abroad, and for voters the register has
-- not placed yet).
ALTER TABLE voters ADD COLUMN address_id bigint REFERENCES addresses;
CREATE INDEX voters_address ON voters (address_id) WHERE address_id IS NOT NULL;

-- A TEC's (or the CEC's) change of station boundaries: who, why, which
-- stations, their areas before and after, and how many addresses and voters
-- it moved.
CREATE TABLE boundary_changes (
    id              bigserial PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),
    commission_id   integer REFERENCES commissions,      -- NULL: the CEC
    by_pin          text NOT NULL CHECK (by_pin ~ '^[0-9]{14}$'),
    by_role         text NOT NULL CHECK (by_role IN ('tec_admin', 'cec_admin', 'system')),
    reason          text NOT NULL CHECK (reason <> '' AND length(reason) <= 1000),
    addresses_moved integer NOT NULL DEFAULT 0 CHECK (addresses_moved >= 0),
    voters_moved    integer NOT NULL DEFAULT 0 CHECK (voters_moved >= 0)
);
CREATE TABLE boundary_change_areas (
    change_id      bigint NOT NULL REFERENCES boundary_changes,
    station_number integer NOT NULL REFERENCES stations,
    old_area       geometry(MultiPolygon, 4326),
    new_area       geometry(MultiPolygon, 4326) NOT NULL,
    PRIMARY KEY (change_id, station_number)
);
CREATE INDEX boundary_change_areas_station ON boundary_change_areas (station_number, change_id);

-- Station moves now have a reason: an approved application (as before) or a
-- boundary change (the voter's address fell into another station's area).
ALTER TABLE station_moves ALTER COLUMN application_id DROP NOT NULL;
ALTER TABLE station_moves
    ADD COLUMN reason text NOT NULL DEFAULT 'application' CHECK (reason IN ('application', 'boundary')),
    ADD COLUMN boundary_change_id bigint REFERENCES boundary_changes,
    ADD CONSTRAINT station_moves_why CHECK (
        (reason = 'application') = (application_id IS NOT NULL)
        AND (reason = 'boundary') = (boundary_change_id IS NOT NULL));
CREATE INDEX station_moves_to ON station_moves (to_station, at);
CREATE INDEX station_moves_from ON station_moves (from_station, at);

-- A voter who leaves the list (a death reported by the civil registry), with
-- the registry's evidence.  source_id is the registry's identifier of the
-- change, so a change delivered twice is applied once.
CREATE TABLE voter_removals (
    id             bigserial PRIMARY KEY,
    pin            text NOT NULL REFERENCES voters,
    station_number integer NOT NULL REFERENCES stations,
    reason         text NOT NULL CHECK (reason IN ('death')),
    at             timestamptz NOT NULL DEFAULT now(),
    source_id      text NOT NULL UNIQUE CHECK (source_id <> '' AND length(source_id) <= 100),
    evidence       jsonb NOT NULL
);
CREATE INDEX voter_removals_station ON voter_removals (station_number, at);
CREATE INDEX voter_removals_pin ON voter_removals (pin);
