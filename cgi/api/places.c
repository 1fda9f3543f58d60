/* The country's geography: regions, districts and polling stations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"

#define STATIONS_PER_PAGE 20

const struct db_statement places_statements[] = {
    {"places_regions",
     "SELECT json_build_object('items', json_agg(json_build_object("
     "  'id', r.id, 'code', r.code, 'name_ru', r.name_ru, 'name_ky', r.name_ky,"
     "  'lat', r.lat, 'lon', r.lon, 'stations', coalesce(c.n, 0), 'voters', coalesce(c.v, 0))"
     "  ORDER BY r.id))::text"
     "  FROM regions r LEFT JOIN (SELECT region_id, count(*) AS n, sum(voters) AS v"
     "                              FROM stations GROUP BY region_id) c ON c.region_id = r.id"},
    {"places_districts",
     "SELECT json_build_object('items', coalesce(json_agg(json_build_object("
     "  'number', d.number, 'region_id', d.region_id, 'name_ru', d.name_ru, 'name_ky', d.name_ky,"
     "  'stations', coalesce(c.n, 0), 'voters', coalesce(c.v, 0)) ORDER BY d.number), '[]'))::text"
     "  FROM districts d LEFT JOIN (SELECT district_number, count(*) AS n, sum(voters) AS v"
     "                               FROM stations GROUP BY district_number) c"
     "    ON c.district_number = d.number"
     " WHERE $1::smallint IS NULL OR d.region_id = $1::smallint"},
    {"places_station_json", "SELECT station_json(s)::text FROM stations s WHERE s.number = $1::integer"},
    {"places_station",
     "SELECT json_build_object('station',"
     "  (station_json(s)::jsonb || jsonb_build_object('boundary', s.boundary)))::text"
     "  FROM stations s WHERE s.number = $1::integer"},
    /* Every word of q must appear in the station's number, settlement, address or name. */
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
const size_t places_nstatements = NELEM(places_statements);

/*
 * Station numbers run from 1001 to 10999 (the schema's CHECK).  The cache is
 * this worker's own: each JSON text is owned by its slot.
 */
#define STATION_MIN 1001
#define STATION_MAX 10999

static struct {
    char *json;
    size_t len;
    time_t at;
} station_cache[STATION_MAX - STATION_MIN + 1];

const char *places_station_json(long number, size_t *len, enum db_status *st)
{
    *st = DB_OK;
    if (number < STATION_MIN || number > STATION_MAX)
        return NULL;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    size_t i = (size_t)(number - STATION_MIN);
    if (station_cache[i].json != NULL && now.tv_sec - station_cache[i].at < PLACES_STATION_TTL) {
        *len = station_cache[i].len;
        return station_cache[i].json;
    }
    char num[24];
    snprintf(num, sizeof(num), "%ld", number);
    const char *params[] = {num};
    PGresult *res = NULL;
    *st = db_exec("places_station_json", 1, params, &res);
    if (*st != DB_OK)
        return NULL;
    const char *v = db_value(res);
    free(station_cache[i].json);
    station_cache[i].json = v != NULL ? strdup(v) : NULL;
    station_cache[i].len = v != NULL ? strlen(v) : 0;
    station_cache[i].at = now.tv_sec;
    PQclear(res);
    *len = station_cache[i].len;
    return station_cache[i].json;
}

static void regions_get(struct http_request *req)
{
    if (http_fields_parse(req, NULL, 0, NULL) < 0)
        return;
    api_send_query(req, "places_regions", 0, NULL, CACHE_LONG, "not_found", "no regions");
}

static const struct field district_fields[] = {
    {"region", FIELD_INT, 1, 9},
};

static void districts_get(struct http_request *req)
{
    struct field_value v[NELEM(district_fields)];
    if (http_fields_parse(req, district_fields, NELEM(district_fields), v) < 0)
        return;
    char region[24];
    snprintf(region, sizeof(region), "%ld", v[0].i);
    const char *params[] = {v[0].present ? region : NULL};
    api_send_query(req, "places_districts", 1, params, CACHE_LONG, "not_found", "no districts");
}

enum { F_Q, F_REGION, F_DISTRICT, F_PAGE, F__MAX };
static const struct field station_fields[F__MAX] = {
    [F_Q] = {"q", FIELD_TEXT, 0, 100},
    [F_REGION] = {"region", FIELD_INT, 1, 9},
    [F_DISTRICT] = {"district", FIELD_INT, 1, 36},
    [F_PAGE] = {"page", FIELD_INT, 1, 10000},
};

static void stations_get(struct http_request *req)
{
    struct field_value v[F__MAX];
    if (http_fields_parse(req, station_fields, F__MAX, v) < 0)
        return;
    char region[24], district[24], page[24];
    snprintf(region, sizeof(region), "%ld", v[F_REGION].i);
    snprintf(district, sizeof(district), "%ld", v[F_DISTRICT].i);
    snprintf(page, sizeof(page), "%ld", v[F_PAGE].present ? v[F_PAGE].i : 1);
    const char *params[] = {
        v[F_Q].present ? v[F_Q].s : NULL,
        v[F_REGION].present ? region : NULL,
        v[F_DISTRICT].present ? district : NULL,
        page,
    };
    api_send_query(req, "places_stations", 4, params, CACHE_LONG, "not_found", "no stations");
}

static const struct field number_field = {"number", FIELD_INT, 1, 99999};

static void station_get(struct http_request *req)
{
    struct field_value v;
    const char *number = api_path_field(req, &number_field, &v);
    if (number == NULL)
        return;
    if (http_fields_parse(req, NULL, 0, NULL) < 0)
        return;
    const char *params[] = {number};
    api_send_query(req, "places_station", 1, params, CACHE_LONG, "station_not_found",
                   "there is no polling station with this number");
}

static const struct route routes[] = {
    {"GET", "/api/v1/regions", regions_get, 0},
    {"GET", "/api/v1/districts", districts_get, 0},
    {"GET", "/api/v1/stations", stations_get, 0},
    {"GET", "/api/v1/stations/{number}", station_get, 0},
};
const struct route_table places_routes = {routes, NELEM(routes)};
