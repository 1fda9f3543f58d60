-- Geography of the country: regions, single-member districts, territorial
-- commissions and polling stations.  Constraints live here so that bad data
-- cannot exist even if the C code is wrong.

CREATE TABLE regions (
    id             smallint PRIMARY KEY CHECK (id BETWEEN 1 AND 9),
    code           text NOT NULL UNIQUE CHECK (code ~ '^[a-z_]+$'),
    name_ru        text NOT NULL CHECK (name_ru <> ''),
    name_ky        text NOT NULL CHECK (name_ky <> ''),
    station_prefix smallint NOT NULL UNIQUE CHECK (station_prefix BETWEEN 1 AND 9),
    lat            double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon            double precision NOT NULL CHECK (lon BETWEEN -180 AND 180)
);

CREATE TABLE districts (
    number    smallint PRIMARY KEY CHECK (number BETWEEN 1 AND 36),
    region_id smallint NOT NULL REFERENCES regions,
    name_ru   text NOT NULL CHECK (name_ru <> ''),
    name_ky   text NOT NULL CHECK (name_ky <> ''),
    UNIQUE (number, region_id)
);
CREATE INDEX districts_region ON districts (region_id);

-- Territorial commissions (TEC).  Voters abroad are served by a TEC with
-- region_id NULL (the CEC's own commission for stations abroad).
CREATE TABLE commissions (
    id        integer PRIMARY KEY,
    region_id smallint REFERENCES regions,
    name_ru   text NOT NULL CHECK (name_ru <> ''),
    name_ky   text NOT NULL CHECK (name_ky <> ''),
    UNIQUE (id, region_id)
);

-- Station numbers: region prefix * 1000 + sequence inside the region
-- (1001..9999); stations abroad are numbered from 10001.
CREATE TABLE stations (
    number          integer PRIMARY KEY CHECK (number BETWEEN 1001 AND 10999),
    name            text NOT NULL CHECK (name <> '' AND length(name) <= 300),
    address         text NOT NULL CHECK (address <> '' AND length(address) <= 300),
    settlement      text NOT NULL CHECK (settlement <> ''),
    abroad          boolean NOT NULL,
    country         text,               -- abroad only: the host country (Russian)
    region_id       smallint REFERENCES regions,
    district_number smallint REFERENCES districts,
    commission_id   integer NOT NULL REFERENCES commissions,
    lat             double precision CHECK (lat BETWEEN -90 AND 90),
    lon             double precision CHECK (lon BETWEEN -180 AND 180),
    boundary        jsonb,              -- GeoJSON geometry of the station's area, if known
    voters          integer NOT NULL DEFAULT 0 CHECK (voters >= 0),  -- kept by trigger
    CHECK (abroad = (number > 10000)),
    CHECK (abroad OR (region_id IS NOT NULL AND district_number IS NOT NULL AND country IS NULL
                      AND number / 1000 = region_id)),
    CHECK (NOT abroad OR (region_id IS NULL AND district_number IS NULL AND country IS NOT NULL)),
    CHECK ((lat IS NULL) = (lon IS NULL)),
    -- A station's district and commission are of its own region.
    FOREIGN KEY (district_number, region_id) REFERENCES districts (number, region_id),
    FOREIGN KEY (commission_id, region_id) REFERENCES commissions (id, region_id)
);
CREATE INDEX stations_region ON stations (region_id, number);
CREATE INDEX stations_district ON stations (district_number, number);
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX stations_search ON stations
    USING gin ((lower(settlement || ' ' || address || ' ' || name)) gin_trgm_ops);
