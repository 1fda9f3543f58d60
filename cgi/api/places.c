/* The country's geography: regions, districts and polling stations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/cache.h"
#include "api.h"

#define STATIONS_PER_PAGE 20

enum {
    PLACES_REGIONS,
    PLACES_DISTRICTS,
    PLACES_STATION_JSON,
    PLACES_STATION,
    PLACES_STATIONS,
    PLACES__MAX
};

static const struct db_statement statements[PLACES__MAX] = {
    [PLACES_REGIONS] =
        {"places_regions",
         "SELECT json_build_object('items', json_agg(json_build_object("
         "  'id', r.id, 'code', r.code, 'iso_code', r.iso_code, 'name_ru', r.name_ru, 'name_ky', r.name_ky,"
         "  'lat', r.lat, 'lon', r.lon, 'stations', coalesce(c.n, 0), 'voters', coalesce(c.v, 0))"
         "  ORDER BY r.id))::text"
         "  FROM regions r LEFT JOIN (SELECT region_id, count(*) AS n, sum(voters) AS v"
         "                              FROM stations GROUP BY region_id) c ON c.region_id = r.id"},
    [PLACES_DISTRICTS] =
        {"places_districts",
         "SELECT json_build_object('items', coalesce(json_agg(json_build_object("
         "  'number', d.number, 'region_id', d.region_id, 'name_ru', d.name_ru, 'name_ky', d.name_ky,"
         "  'stations', coalesce(c.n, 0), 'voters', coalesce(c.v, 0)) ORDER BY d.number), '[]'))::text"
         "  FROM districts d LEFT JOIN (SELECT district_number, count(*) AS n, sum(voters) AS v"
         "                               FROM stations GROUP BY district_number) c"
         "    ON c.district_number = d.number"
         " WHERE $1::smallint IS NULL OR d.region_id = $1::smallint"},
    [PLACES_STATION_JSON] =
        {"places_station_json",
         "SELECT station_json(s)::text FROM stations s WHERE s.number = $1::integer"},
    [PLACES_STATION] =
        {"places_station",
         "SELECT json_build_object('station',"
         "  (station_json(s)::jsonb || jsonb_build_object('boundary', station_area_geojson(s))"
         "   || jsonb_build_object('access', station_access_json(s))))::text"
         "  FROM stations s WHERE s.number = $1::integer"},
    /* Every word of q must appear in the station's number, settlement, address or name. */
    [PLACES_STATIONS] =
        {"places_stations",
         "WITH words AS ("
         "  SELECT replace(replace(replace(w, '\\', '\\\\'), '%', '\\%'), '_', '\\_') AS w"
         "    FROM unnest(regexp_split_to_array(lower(trim($1::text)), '\\s+')) w WHERE w <> ''),"
         " m AS ("
         "  SELECT s.number FROM stations s"
         "   WHERE ($2::smallint IS NULL OR s.region_id = $2::smallint)"
         "     AND ($3::smallint IS NULL OR s.district_number = $3::smallint)"
         "     AND NOT EXISTS (SELECT 1 FROM words"
         "          WHERE NOT (s.number::text = w OR lower(s.settlement || ' ' || s.address || ' '"
         "                     || s.name || ' ' || coalesce(s.country, '')) LIKE '%' || w || '%'))),"
         " p AS (SELECT number FROM m ORDER BY number LIMIT 20 OFFSET ($4::integer - 1) * 20)"
         "SELECT json_build_object("
         "  'items', coalesce((SELECT json_agg(station_json(s) ORDER BY s.number)"
         "                       FROM stations s JOIN p USING (number)), '[]'),"
         "  'page', $4::integer, 'per_page', 20, 'total', (SELECT count(*) FROM m))::text"},
};

/* This worker's own, by number (rules/limits.h has the numbers' range). */
static struct cache *station_cache;

const char *places_station_json(long number, size_t *len, enum db_status *st)
{
    *st = DB_OK;
    if (number < STATION_MIN || number > STATION_MAX)
        return NULL;
    char num[24];
    snprintf(num, sizeof(num), "%ld", number);
    if (station_cache == NULL)
        station_cache = cache_create(2 * (STATION_MAX - STATION_MIN + 1));
    const char *hit = cache_get(station_cache, num, PLACES_STATION_TTL * 1000L, len);
    if (hit != NULL)
        return *len > 0 ? hit : NULL;
    PGresult *res = NULL;
    *st = db_exec(&statements[PLACES_STATION_JSON], 1, (const char *const[]){num}, &res);
    if (*st != DB_OK)
        return NULL;
    const char *v = db_value(res);
    /* No such station is kept too, as an empty text. */
    cache_put(station_cache, num, v != NULL ? v : "", v != NULL ? strlen(v) : 0);
    PQclear(res);
    hit = cache_get(station_cache, num, -1, len);
    return hit != NULL && *len > 0 ? hit : NULL;
}

static const struct route routes[] = {
    {"GET", "/api/v1/regions",
     API_READ(&statements[PLACES_REGIONS], CACHE_LONG, false, "not_found", "no regions"),
     .summary = "The regions: names, centres, stations and voters"},
    {"GET", "/api/v1/districts",
     API_READ(&statements[PLACES_DISTRICTS], CACHE_LONG, false, "not_found", "no districts"),
     .query = {FIELD_REGION("region")},
     .summary = "The single-member districts, of a region or all"},
    {"GET", "/api/v1/stations",
     API_READ(&statements[PLACES_STATIONS], CACHE_LONG, false, "not_found", "no stations"),
     .query = {{"q", FIELD_TEXT, 0, 100,
                .about = "words each found in the number, settlement, address or name"},
               FIELD_REGION("region"),
               FIELD_DISTRICT("district"),
               {"page", FIELD_INT, 1, 10000, .def = "1", .about = "20 stations a page"}},
     .summary = "Polling stations found by words, region and district, a page at a time"},
    {"GET", "/api/v1/stations/{number}",
     API_READ(&statements[PLACES_STATION], CACHE_LONG, false, "station_not_found",
              "there is no polling station with this number"),
     .path = {FIELD_STATION("number")},
     .summary = "One polling station, with its boundary and accessibility"},
};

const struct api_module places_module = {"places",   routes,      NELEM(routes),
                                         statements, PLACES__MAX, NULL};
