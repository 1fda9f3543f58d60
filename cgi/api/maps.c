/*
 * Maps: a region's station boundaries as GeoJSON, simplified for the zoom
 * level of the map that asks (three levels: 031_maps.sql).  The publisher
 * writes each region's three levels as files (published.c), rewritten when
 * a station's area changes; nginx serves a level's file for every zoom of
 * it.  The regions' own shapes are the geodata's file, served by nginx
 * (/vendor/geodata/), not by us.
 */
#include "api.h"

enum { MAPS_REGION_STATIONS, MAPS__MAX };

static const struct db_statement statements[MAPS__MAX] = {
    [MAPS_REGION_STATIONS] = {"maps_region_stations",
                              "SELECT maps_region_stations($1::integer, $2::integer)::text"},
};

static const struct route routes[] = {
    {"GET", "/api/v1/maps/regions/{region}/stations.geojson",
     API_READ(&statements[MAPS_REGION_STATIONS], CACHE_LONG, false, "region_not_found",
              "there is no region with this id"),
     /* Not FIELD_REGION: an id past the regions is a region we do not have (404). */
     .path = {{"region", FIELD_INT, 1, 99, .about = "a region's id (1..9)"}},
     .query = {{"zoom", FIELD_INT, 0, 20, .required = true,
                .about = "the map's zoom: 0..8, 9..11 and 12..20 are three levels of detail"}},
     .summary = "A region's polling stations as GeoJSON: each station's boundary simplified "
                "for the zoom, with its number, name, address, voters and centre"},
};

const struct api_module maps_module = {"maps", routes, NELEM(routes), statements, MAPS__MAX, NULL};
