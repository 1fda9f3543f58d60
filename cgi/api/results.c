/*
 * Election results as they arrive: the sums of every area kept by the
 * reports' own transactions (asu_accept(), 010_results.sql), read here with
 * one statement each; seats allocated from those sums by the same code as
 * bin/shailoo-seats; the public log of signed reports; CSV and JSON export;
 * and a stream of Server-Sent Events.  JSON shapes: 011_results_views.sql.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/json.h"
#include "../core/log.h"
#include "api.h"
#include "seats_json.h"

#define RESULTS_LOG_PAGE 100         /* log entries a page, by default */
#define RESULTS_LOG_PAGE_MAX 1000
#define RESULTS_EVENTS_MAX 500       /* events in one answer of the stream */
#define RESULTS_RETRY_MS 1000        /* the browser asks again after this */

const struct db_statement results_statements[] = {
    {"results_summary", "SELECT results_summary($1::integer)::text"},
    {"results_regions", "SELECT results_regions($1::integer)::text"},
    {"results_region", "SELECT results_region($1::integer, $2::smallint)::text"},
    {"results_district", "SELECT results_district($1::integer, $2::smallint)::text"},
    {"results_station", "SELECT results_station($1::integer, $2::integer)::text"},
    {"results_turnout", "SELECT results_turnout($1::integer)::text"},
    {"results_log", "SELECT results_log_page($1::integer, $2::bigint, $3::integer)::text"},
    {"results_export", "SELECT results_export($1::integer)::text"},
    {"results_csv", "SELECT results_csv($1::integer, $2) FROM elections WHERE id = $1::integer"},
    {"results_seats_input", "SELECT results_seats_input($1::integer)::text FROM elections WHERE id = $1::integer"},
    {"results_events",
     "SELECT seq, data FROM results_events($1::integer, $2::bigint, $3::integer)"},
    {"results_head",
     "SELECT coalesce((SELECT seq FROM results_log_head WHERE election_id = e.id), 0)"
     "  FROM elections e WHERE e.id = $1::integer"},
};
const size_t results_nstatements = NELEM(results_statements);

static const struct field election_field = {"id", FIELD_INT, 1, 2147483647L};
static const struct field region_field = {"region", FIELD_INT, 1, 10};
static const struct field district_field = {"district", FIELD_INT, 1, 36};
static const struct field station_field = {"station", FIELD_INT, 1001, 10999};

static const char no_election[] = "there is no such election";

/* The election id of the path, no query parameters: NULL having answered 400. */
static const char *election_id(struct http_request *req)
{
    struct field_value v;
    const char *id = api_path_field(req, &election_field, &v);
    if (id == NULL || http_fields_parse(req, NULL, 0, NULL) < 0)
        return NULL;
    return id;
}

static void summary_get(struct http_request *req)
{
    const char *id = election_id(req);
    if (id != NULL)
        api_send_query(req, "results_summary", 1, (const char *const[]){id}, CACHE_LIVE,
                       "election_not_found", no_election);
}

static void regions_get(struct http_request *req)
{
    const char *id = election_id(req);
    if (id != NULL)
        api_send_query(req, "results_regions", 1, (const char *const[]){id}, CACHE_LIVE,
                       "election_not_found", no_election);
}

static void turnout_get(struct http_request *req)
{
    const char *id = election_id(req);
    if (id != NULL)
        api_send_query(req, "results_turnout", 1, (const char *const[]){id}, CACHE_LIVE,
                       "election_not_found", no_election);
}

/* An area of the election named by the path's second parameter. */
static void area_get(struct http_request *req, const struct field *f, const char *stmt,
                     const char *message)
{
    struct field_value v, w;
    const char *id = api_path_field(req, &election_field, &v);
    const char *n = id != NULL ? api_path_field(req, f, &w) : NULL;
    if (n == NULL || http_fields_parse(req, NULL, 0, NULL) < 0)
        return;
    api_send_query(req, stmt, 2, (const char *const[]){id, n}, CACHE_LIVE, "not_found", message);
}

static void region_get(struct http_request *req)
{
    area_get(req, &region_field, "results_region",
             "no results for this election and region (1..9, 10: abroad)");
}

static void district_get(struct http_request *req)
{
    area_get(req, &district_field, "results_district", "no such election or district");
}

static void station_get(struct http_request *req)
{
    area_get(req, &station_field, "results_station", "no such election or station");
}

enum { L_AFTER, L_LIMIT, L__MAX };
static const struct field log_fields[L__MAX] = {
    [L_AFTER] = {"after", FIELD_INT, 0, 2147483647L},
    [L_LIMIT] = {"limit", FIELD_INT, 1, RESULTS_LOG_PAGE_MAX},
};

static void log_get(struct http_request *req)
{
    struct field_value v, q[L__MAX];
    const char *id = api_path_field(req, &election_field, &v);
    if (id == NULL || http_fields_parse(req, log_fields, L__MAX, q) < 0)
        return;
    char limit[16];
    snprintf(limit, sizeof(limit), "%d", RESULTS_LOG_PAGE);
    const char *params[] = {id, q[L_AFTER].present ? q[L_AFTER].s : "0",
                            q[L_LIMIT].present ? q[L_LIMIT].s : limit};
    api_send_query(req, "results_log", 3, params, CACHE_LIVE, "election_not_found", no_election);
}

static void export_json_get(struct http_request *req)
{
    const char *id = election_id(req);
    if (id != NULL)
        api_send_query(req, "results_export", 1, (const char *const[]){id}, CACHE_LIVE,
                       "election_not_found", no_election);
}

static void export_csv(struct http_request *req, const char *kind)
{
    const char *id = election_id(req);
    if (id == NULL)
        return;
    PGresult *res = NULL;
    enum db_status st = db_exec("results_csv", 2, (const char *const[]){id, kind}, &res);
    if (st != DB_OK) {
        api_db_failure(req, st);
        return;
    }
    const char *csv = db_value(res);
    if (csv == NULL)
        http_error(req, 404, "election_not_found", no_election, NULL);
    else
        http_send(req, 200, "text/csv; charset=utf-8", "public, max-age=1", csv, strlen(csv));
    PQclear(res);
}

static void export_list_csv_get(struct http_request *req) { export_csv(req, "list"); }
static void export_districts_csv_get(struct http_request *req) { export_csv(req, "district"); }

/* ---- Seats --------------------------------------------------------------- */

/* Reported stations of an input's "stations" member (absent: some). */
static long long reported(struct json_object *stations)
{
    struct json_object *v;
    return stations != NULL && json_object_object_get_ex(stations, "reported", &v)
               ? json_object_get_int64(v) : 1;
}

/* Allocates one contest's input; the result or {"error":...} (the input not allocatable yet). */
static struct json_object *allocate(struct json_object *input, struct json_object *stations)
{
    struct seats_json_error err;
    if (reported(stations) == 0) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "outcome", json_object_new_string("awaiting_results"));
        return o;
    }
    struct json_object *r = seats_json_allocate(input, &err);
    if (r != NULL)
        return r;
    struct json_object *o = json_object_new_object(), *e = json_object_new_object();
    json_object_object_add(e, "code", json_object_new_string(err.code != NULL ? err.code : "invalid"));
    json_object_object_add(e, "message", json_object_new_string(err.message));
    json_object_object_add(o, "error", e);
    return o;
}

static void seats_answer(struct http_request *req, bool input_only)
{
    const char *id = election_id(req);
    if (id == NULL)
        return;
    PGresult *res = NULL;
    struct json_object *in = NULL, *out = NULL, *v = NULL, *list, *districts;
    enum db_status st = db_exec("results_seats_input", 1, (const char *const[]){id}, &res);
    if (st != DB_OK) {
        api_db_failure(req, st);
        return;
    }
    const char *text = db_value(res);
    if (text == NULL) {
        http_error(req, 404, "election_not_found", no_election, NULL);
        goto out;
    }
    if (input_only) {
        http_json(req, 200, text, strlen(text), CACHE_LIVE);
        goto out;
    }
    char err[160];
    if ((in = json_parse_strict(text, strlen(text), err, sizeof(err))) == NULL) {
        log_error(req->request_id, "seats input: %s", err);
        http_error(req, 500, "internal", "internal error; it has been logged", NULL);
        goto out;
    }
    out = json_object_new_object();
    json_object_object_add(out, "election_id", json_object_new_int64(atoll(id)));
    if (json_object_object_get_ex(in, "stations", &v))
        json_object_object_add(out, "stations", json_object_get(v));
    /* The ASU's count is preliminary; the commissions' protocols are the result. */
    json_object_object_add(out, "preliminary",
                           json_object_new_boolean(!json_object_object_get_ex(in, "completed", &v) ||
                                                   !json_object_get_boolean(v)));
    json_object_object_get_ex(in, "stations", &v);
    if (json_object_object_get_ex(in, "list", &list) && json_object_is_type(list, json_type_object))
        json_object_object_add(out, "list", allocate(list, v));
    else
        json_object_object_add(out, "list", NULL);
    struct json_object *darr = json_object_new_array();
    if (json_object_object_get_ex(in, "districts", &districts) &&
        json_object_is_type(districts, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(districts); i++) {
            struct json_object *d = json_object_array_get_idx(districts, i), *stations = NULL;
            if (json_object_object_get_ex(d, "stations", &stations))
                json_object_get(stations);
            json_object_object_del(d, "stations");   /* not a member of the tool's input */
            struct json_object *r = allocate(d, stations);
            struct json_object *num;
            if (json_object_object_get_ex(d, "district", &num))
                json_object_object_add(r, "district", json_object_get(num));
            if (stations != NULL)
                json_object_object_add(r, "stations", stations);
            json_object_array_add(darr, r);
        }
    }
    json_object_object_add(out, "districts", darr);
    size_t len;
    const char *s = json_object_to_json_string_length(
        out, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    http_json(req, 200, s, len, CACHE_LIVE);
out:
    json_object_put(out);
    json_object_put(in);
    PQclear(res);
}

static void seats_get(struct http_request *req) { seats_answer(req, false); }
static void seats_input_get(struct http_request *req) { seats_answer(req, true); }

/* ---- Live updates ----------------------------------------------------------- */

/*
 * Server-Sent Events: every log entry after Last-Event-ID (or ?after=) as
 * an event "report" whose id is the log's seq; then the answer ends, and the
 * browser's EventSource comes back after `retry` with the last id it saw.  A
 * worker is never held by an idle stream, and identical questions (the same
 * last id) are answered once a second by nginx's microcache.  Without a last
 * id the stream starts at the log's head ("head" event).
 */
enum { E_AFTER, E__MAX };
static const struct field events_fields[E__MAX] = {
    [E_AFTER] = {"after", FIELD_INT, 0, 2147483647L},
};

static void events_get(struct http_request *req)
{
    struct field_value v, q[E__MAX], last;
    const char *id = api_path_field(req, &election_field, &v);
    if (id == NULL || http_fields_parse(req, events_fields, E__MAX, q) < 0)
        return;
    const char *after = q[E_AFTER].present ? q[E_AFTER].s : NULL;
    const char *header = http_header(req, "Last-Event-ID");
    static const struct field last_field = {"Last-Event-ID", FIELD_INT, 0, 2147483647L};
    if (header != NULL && *header != '\0') {
        const char *why = http_field_check(&last_field, header, &last);
        if (why != NULL) {
            http_error(req, 400, "invalid_parameter", "Last-Event-ID must be a log sequence number",
                       "Last-Event-ID");
            return;
        }
        after = header;
    }
    PGresult *res = NULL;
    char limit[16];
    snprintf(limit, sizeof(limit), "%d", RESULTS_EVENTS_MAX);
    enum db_status st = db_exec("results_head", 1, (const char *const[]){id}, &res);
    if (st != DB_OK) {
        api_db_failure(req, st);
        return;
    }
    if (PQntuples(res) != 1) {
        http_error(req, 404, "election_not_found", no_election, NULL);
        PQclear(res);
        return;
    }
    long long head = atoll(PQgetvalue(res, 0, 0));
    PQclear(res);
    res = NULL;
    size_t cap = 4096, n = 0;
    char *buf = pool_alloc(req->pool, cap);
    n += (size_t)snprintf(buf, cap, "retry: %d\n\n", RESULTS_RETRY_MS);
    if (after == NULL) {
        n += (size_t)snprintf(buf + n, cap - n, "id: %lld\nevent: head\ndata: {\"log_seq\":%lld}\n\n",
                              head, head);
    } else {
        st = db_exec("results_events", 3, (const char *const[]){id, after, limit}, &res);
        if (st != DB_OK) {
            api_db_failure(req, st);
            return;
        }
        for (int i = 0; i < PQntuples(res); i++) {
            const char *seq = PQgetvalue(res, i, 0), *data = PQgetvalue(res, i, 1);
            size_t need = strlen(seq) + strlen(data) + 40;
            if (n + need >= cap) {
                size_t bigger = (cap + need) * 2;
                char *b = pool_alloc(req->pool, bigger);
                memcpy(b, buf, n);
                buf = b;
                cap = bigger;
            }
            n += (size_t)snprintf(buf + n, cap - n, "id: %s\nevent: report\ndata: %s\n\n", seq, data);
        }
        if (PQntuples(res) == 0)
            n += (size_t)snprintf(buf + n, cap - n, ": nothing new after %s\n\n", after);
        PQclear(res);
    }
    http_send(req, 200, "text/event-stream; charset=utf-8", "no-cache", buf, n);
}

static const struct route routes[] = {
    {"GET", "/api/v1/results/elections/{id}/summary", summary_get, 0},
    {"GET", "/api/v1/results/elections/{id}/regions", regions_get, 0},
    {"GET", "/api/v1/results/elections/{id}/regions/{region}", region_get, 0},
    {"GET", "/api/v1/results/elections/{id}/districts/{district}", district_get, 0},
    {"GET", "/api/v1/results/elections/{id}/stations/{station}", station_get, 0},
    {"GET", "/api/v1/results/elections/{id}/turnout", turnout_get, 0},
    {"GET", "/api/v1/results/elections/{id}/seats", seats_get, 0},
    {"GET", "/api/v1/results/elections/{id}/seats/input", seats_input_get, 0},
    {"GET", "/api/v1/results/elections/{id}/log", log_get, 0},
    {"GET", "/api/v1/results/elections/{id}/events", events_get, 0},
    {"GET", "/api/v1/results/elections/{id}/export/stations.json", export_json_get, 0},
    {"GET", "/api/v1/results/elections/{id}/export/list.csv", export_list_csv_get, 0},
    {"GET", "/api/v1/results/elections/{id}/export/districts.csv", export_districts_csv_get, 0},
};
const struct route_table results_routes = {routes, NELEM(routes)};
