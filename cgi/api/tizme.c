/* Tizme, the public voter-list portal: is this person on the list, and statistics. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/json.h"

#include "api.h"

enum { TIZME_VOTER, TIZME_STATS, TIZME_DYNAMICS, TIZME__MAX };

static const struct db_statement statements[TIZME__MAX] = {
    /* The station's JSON comes from the worker's cache: the hot path is one index probe. */
    [TIZME_VOTER] =
        {"tizme_voter",
         "SELECT voter_initials(v.last_name, v.first_name, v.patronymic), v.status, v.station_number"
         "  FROM voters v"
         " WHERE v.pin = $1 AND v.status = 'active'"},
    [TIZME_STATS] = {"tizme_stats", "SELECT voter_stats_json($1::smallint)::text"},
    [TIZME_DYNAMICS] =
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

static void voter_get(struct http_request *req)
{
    const char *pin = http_arg_text(req, "pin"); /* 14 digits, checked at the door */
    const char *params[] = {pin};
    PGresult *res = NULL;
    enum db_status st = db_exec(&statements[TIZME_VOTER], 1, params, &res);
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
            st = DB_FAILED; /* a voter's station must exist: the schema says so */
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

/* 1..9 a region, 10 the voters abroad (rules/limits.h); absent: the country. */
#define FIELD_STATS_REGION                                                                         \
    {                                                                                              \
        "region", FIELD_INT, REGION_MIN, AREA_ABROAD,                                              \
            .about = "a region, or 10: the voters abroad; absent: the country"                     \
    }

static const struct route routes[] = {
    {"GET", "/api/v1/tizme/voters/{pin}", voter_get,
     .path = {{"pin", FIELD_DIGITS, PIN_DIGITS, PIN_DIGITS, .about = "a voter's personal number",
               .code = "invalid_pin"}},
     .summary =
         "Is this PIN on the voter list: initials, status and polling station (never cached)"},
    {"GET", "/api/v1/tizme/stats",
     API_READ(&statements[TIZME_STATS], CACHE_SHORT, false, "not_found", "no statistics"),
     .query = {FIELD_STATS_REGION}, .summary = "Voters by sex and age, of the country or a region"},
    {"GET", "/api/v1/tizme/stats/dynamics",
     API_READ(&statements[TIZME_DYNAMICS], CACHE_SHORT, false, "not_found", "no statistics"),
     .query = {FIELD_STATS_REGION}, .summary = "The list's size month by month"},
};

const struct api_module tizme_module = {"tizme",    routes,     NELEM(routes),
                                        statements, TIZME__MAX, NULL};
