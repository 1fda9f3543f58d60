/*
 * The address register and the stations' boundaries (issue 13): a
 * commission's boundary change, which moves the voters of the addresses it
 * moves in one transaction (sql/functions/031_addresses.sql, boundary_change);
 * the public account of who came to and left a station, and why; an address
 * of the register with its station.
 */
#include <string.h>

#include "../core/http.h"
#include "../core/json.h"
#include "../core/session.h"
#include "../rules/limits.h"
#include "api.h"

enum {
    ADDRESSES_BOUNDARY_CHANGE,
    ADDRESSES_BOUNDARY_PREVIEW,
    ADDRESSES_NEIGHBOURS,
    ADDRESSES_BOUNDARY_CHANGE_GET,
    ADDRESSES_FLOWS,
    ADDRESSES_ADDRESS,
    ADDRESSES__MAX
};

static const struct db_statement statements[ADDRESSES__MAX] = {
    [ADDRESSES_BOUNDARY_CHANGE] = {"addresses_boundary_change",
                                   "SELECT boundary_change($1::jsonb, $2, $3)::text"},
    [ADDRESSES_BOUNDARY_PREVIEW] = {"addresses_boundary_preview",
                                    "SELECT boundary_change_preview($1::jsonb, $2, $3)::text"},
    [ADDRESSES_NEIGHBOURS] = {"addresses_neighbours",
                              "SELECT station_neighbours_json($1::integer)::text"},
    [ADDRESSES_BOUNDARY_CHANGE_GET] = {"addresses_boundary_change_get",
                                       "SELECT boundary_change_json($1::bigint)::text"},
    [ADDRESSES_FLOWS] = {"addresses_flows", "SELECT station_flows_json($1::integer)::text"},
    [ADDRESSES_ADDRESS] = {"addresses_address",
                           "SELECT json_build_object('address', address_json(a))::text"
                           "  FROM addresses a WHERE a.id = $1::bigint"},
};

#define BOUNDARY_STATIONS_MAX 200
#define BOUNDARY_REASON_MAX 1000

/*
 * PUT /api/v1/tec/boundaries: {"reason": "...", "stations": [{"number": N,
 * "area": GeoJSON Polygon|MultiPolygon}]}.  The shape is checked here; the
 * geometry, the scope and the addresses by the database, which knows them.
 */
static int parse_boundaries(struct json_object *o, const char **reason,
                            struct json_object **stations, struct json_fault *f)
{
    static const char *const members[] = {"reason", "stations", NULL};
    static const char *const station_members[] = {"number", "area", NULL};
    size_t n = 0;
    if (json_read_object(o, "", members, f) < 0 ||
        json_read_string(o, "", "reason", true, BOUNDARY_REASON_MAX, reason, f) < 0 ||
        json_read_array(o, "", "stations", true, 1, BOUNDARY_STATIONS_MAX, json_type_object,
                        stations, &n, f) < 0)
        return -1;
    if (strlen(*reason) < 10)
        return json_fault(f, "invalid", "reason",
                          "reason says why the boundaries change, in 10 to 1000 characters");
    for (size_t i = 0; i < n; i++) {
        struct json_object *s = json_object_array_get_idx(*stations, i), *area = NULL;
        char path[64];
        long long number;
        json_path_index(path, sizeof(path), "stations", i);
        if (json_read_object(s, path, station_members, f) < 0 ||
            json_read_int(s, path, "number", true, STATION_MIN, STATION_MAX, &number, f) < 0)
            return -1;
        if (!json_object_object_get_ex(s, "area", &area) ||
            !json_object_is_type(area, json_type_object)) {
            char field[96];
            return json_fault(f, "invalid_field", json_path_key(field, sizeof(field), path, "area"),
                              "area is a GeoJSON Polygon or MultiPolygon");
        }
    }
    return 0;
}

/* The change (PUT) or its preview (POST .../preview): the route's data is the statement. */
static void boundaries_send(struct http_request *req)
{
    struct json_object *o = api_json_body(req, NULL), *stations = NULL;
    if (o == NULL)
        return;
    const char *reason = NULL;
    struct json_fault f;
    if (parse_boundaries(o, &reason, &stations, &f) < 0) {
        api_json_refuse(req, &f);
        goto out;
    }
    const struct user *u = req->user;
    const char *params[] = {json_object_to_json_string_ext(
                                stations, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
                            reason, u->pin};
    api_send_value(req, req->route->data, NELEM(params), params, 200);
out:
    json_object_put(o);
}

static const struct route routes[] = {
    {"PUT", "/api/v1/tec/boundaries", boundaries_send, ACCESS_TEC_ADMIN | ACCESS_CEC_ADMIN,
     .data = &statements[ADDRESSES_BOUNDARY_CHANGE], .body = "application/json",
     .summary = "A commission changes station boundaries: the voters of the addresses that change "
                "station move with them, in one transaction"},
    {"POST", "/api/v1/tec/boundaries/preview", boundaries_send, ACCESS_TEC_ADMIN | ACCESS_CEC_ADMIN,
     .data = &statements[ADDRESSES_BOUNDARY_PREVIEW], .body = "application/json",
     .summary = "What a boundary change would do (stations, addresses and voters moved), undone"},
    {"GET", "/api/v1/stations/{number}/neighbours",
     API_READ(&statements[ADDRESSES_NEIGHBOURS], CACHE_SHORT, false, "station_not_found",
              "there is no polling station with this number"),
     .path = {FIELD_STATION("number")},
     .summary = "A station and the stations whose areas touch it, with their areas"},
    {"GET", "/api/v1/boundary-changes/{id}",
     API_READ(&statements[ADDRESSES_BOUNDARY_CHANGE_GET], CACHE_SHORT, false, "not_found",
              "there is no such boundary change"),
     .path = {FIELD_RECORD("id")},
     .summary = "A boundary change: who, why, and per station how many voters came in and left"},
    {"GET", "/api/v1/stations/{number}/flows",
     API_READ(&statements[ADDRESSES_FLOWS], CACHE_SHORT, false, "station_not_found",
              "there is no polling station with this number"),
     .path = {FIELD_STATION("number")},
     .summary = "Who came to and left a station, and why (an application, a boundary change, a "
                "death), month by month"},
    {"GET", "/api/v1/addresses/{id}",
     API_READ(&statements[ADDRESSES_ADDRESS], CACHE_SHORT, false, "not_found",
              "the register has no such address"),
     .path = {FIELD_RECORD("id")}, .summary = "An address of the register, with its station"},
};

const struct api_module addresses_module = {"addresses", routes,         NELEM(routes),
                                            statements,  ADDRESSES__MAX, NULL};
