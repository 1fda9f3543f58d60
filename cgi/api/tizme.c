/* Tizme, the public voter-list portal: is this person on the list, and statistics. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/json.h"

#include "../rules/pin.h"
#include "api.h"

const struct db_statement tizme_statements[] = {
    /* The station's JSON comes from the worker's cache: the hot path is one index probe. */
    {"tizme_voter",
     "SELECT voter_initials(v.last_name, v.first_name, v.patronymic), v.status, v.station_number"
     "  FROM voters v"
     " WHERE v.pin = $1 AND v.status = 'active'"},
    {"tizme_stats", "SELECT voter_stats_json($1::smallint)::text"},
    {"tizme_dynamics",
     "SELECT json_build_object("
     "  'region', CASE WHEN $1::smallint IS NULL THEN NULL ELSE area_json($1::smallint) END,"
     "  'series', coalesce(json_agg(json_build_object('month', month, 'female', f, 'male', m,"
     "                                                'total', f + m) ORDER BY month), '[]'))::text"
     "  FROM (SELECT month, coalesce(sum(voters) FILTER (WHERE sex = 'F'), 0) AS f,"
     "               coalesce(sum(voters) FILTER (WHERE sex = 'M'), 0) AS m"
     "          FROM voter_list_snapshots"
     "         WHERE $1::smallint IS NULL OR region_id = $1::smallint"
     "         GROUP BY month) x"},
};
const size_t tizme_nstatements = NELEM(tizme_statements);

static void voter_get(struct http_request *req)
{
    const char *pin = http_path_param(req, "pin");
    if (http_fields_parse(req, NULL, 0, NULL) < 0)
        return;
    if (!pin_valid(pin)) {
        http_error(req, 400, "invalid_pin", "a PIN is exactly 14 digits", "pin");
        return;
    }
    const char *params[] = {pin};
    PGresult *res = NULL;
    enum db_status st = db_exec("tizme_voter", 1, params, &res);
    if (st != DB_OK) {
        api_db_failure(req, st);
        return;
    }
    if (PQntuples(res) != 1) {
        PQclear(res);
        http_error(req, 404, "not_on_list", "this PIN is not on the voter list", NULL);
        return;
    }
    const char *initials = json_quote(req->pool, PQgetvalue(res, 0, 0));
    const char *status = json_quote(req->pool, PQgetvalue(res, 0, 1));
    long number = strtol(PQgetvalue(res, 0, 2), NULL, 10);
    PQclear(res);

    size_t slen = 0;
    const char *station = places_station_json(number, &slen, &st);
    if (station == NULL) {
        if (st == DB_OK)
            st = DB_FAILED;  /* a voter's station must exist: the schema says so */
        api_db_failure(req, st);
        return;
    }
    size_t size = strlen(initials) + strlen(status) + slen + 64;
    char *body = pool_alloc(req->pool, size);
    int n = snprintf(body, size, "{\"voter\":{\"initials\":%s,\"status\":%s,\"station\":%s}}",
                     initials, status, station);
    /* Personal: never cached by nginx or the browser. */
    http_json(req, 200, body, (size_t)n, CACHE_NONE);
}

static const struct field region_fields[] = {
    {"region", FIELD_INT, 0, 9},  /* 1..9 a region, 0 the voters abroad */
};

static void stats_query(struct http_request *req, const char *stmt)
{
    struct field_value v[NELEM(region_fields)];
    if (http_fields_parse(req, region_fields, NELEM(region_fields), v) < 0)
        return;
    char region[24];
    snprintf(region, sizeof(region), "%ld", v[0].i);
    const char *params[] = {v[0].present ? region : NULL};
    api_send_query(req, stmt, 1, params, CACHE_SHORT, "not_found", "no statistics");
}

static void stats_get(struct http_request *req)
{
    stats_query(req, "tizme_stats");
}

static void dynamics_get(struct http_request *req)
{
    stats_query(req, "tizme_dynamics");
}

static const struct route routes[] = {
    {"GET", "/api/v1/tizme/voters/{pin}", voter_get, 0},
    {"GET", "/api/v1/tizme/stats", stats_get, 0},
    {"GET", "/api/v1/tizme/stats/dynamics", dynamics_get, 0},
};
const struct route_table tizme_routes = {routes, NELEM(routes)};
