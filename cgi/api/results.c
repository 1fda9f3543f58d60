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

#include "../core/cache.h"
#include "../core/json.h"
#include "../core/pool.h"
#include "../core/log.h"
#include "api.h"
#include "seats_json.h"

#define RESULTS_LOG_PAGE_MAX 1000
#define RESULTS_EVENTS_MAX 500 /* events in one answer of the stream */
#define RESULTS_RETRY_MS 1000 /* the browser asks again after this */

enum {
    RESULTS_SUMMARY,
    RESULTS_REGIONS,
    RESULTS_REGION,
    RESULTS_DISTRICT,
    RESULTS_STATION,
    RESULTS_TURNOUT,
    RESULTS_LOG,
    RESULTS_EXPORT,
    RESULTS_CSV,
    RESULTS_SEATS_INPUT,
    RESULTS_LOTS,
    RESULTS_LOT_LOCK,
    RESULTS_LOT_NEW,
    RESULTS_EVENTS,
    RESULTS_HEAD,
    RESULTS_DISCREPANCIES,
    RESULTS_DISCREPANCIES_CSV,
    RESULTS__MAX
};

static const struct db_statement statements[RESULTS__MAX] = {
    [RESULTS_SUMMARY] = {"results_summary", "SELECT results_summary($1::integer)::text"},
    [RESULTS_REGIONS] = {"results_regions", "SELECT results_regions($1::integer)::text"},
    [RESULTS_REGION] = {"results_region", "SELECT results_region($1::integer, $2::smallint)::text"},
    [RESULTS_DISTRICT] = {"results_district",
                          "SELECT results_district($1::integer, $2::smallint)::text"},
    [RESULTS_STATION] = {"results_station",
                         "SELECT results_station($1::integer, $2::integer)::text"},
    [RESULTS_TURNOUT] = {"results_turnout", "SELECT results_turnout($1::integer)::text"},
    [RESULTS_LOG] = {"results_log",
                     "SELECT results_log_page($1::integer, $2::bigint, $3::integer)::text"},
    [RESULTS_EXPORT] = {"results_export", "SELECT results_export($1::integer)::text"},
    [RESULTS_CSV] = {"results_csv",
                     "SELECT results_csv($1::integer, $2) FROM elections WHERE id = $1::integer"},
    [RESULTS_SEATS_INPUT] =
        {"results_seats_input",
         "SELECT results_seats_input_with_lots($1::integer)::text FROM elections WHERE id = $1::integer"},
    [RESULTS_LOTS] =
        {"results_lots",
         "SELECT results_lots_json($1::integer)::text FROM elections WHERE id = $1::integer"},
    /* A drawing is checked against the tie and recorded with the election locked (lot_post). */
    [RESULTS_LOT_LOCK] = {"results_lot_lock",
                          "SELECT status FROM elections WHERE id = $1::integer FOR UPDATE"},
    [RESULTS_LOT_NEW] =
        {"results_lot_new",
         "SELECT results_record_lot($1::integer, $2::smallint, $3::integer[], $4, $5)::text"},
    [RESULTS_EVENTS] =
        {"results_events",
         "SELECT seq, data FROM results_events($1::integer, $2::bigint, $3::integer)"},
    [RESULTS_HEAD] =
        {"results_head",
         "SELECT coalesce((SELECT seq FROM results_log_head WHERE election_id = e.id), 0)"
         "  FROM elections e WHERE e.id = $1::integer"},
    [RESULTS_DISCREPANCIES] = {"results_discrepancies",
                               "SELECT results_discrepancies_json($1::integer)::text"},
    [RESULTS_DISCREPANCIES_CSV] =
        {"results_discrepancies_csv",
         "SELECT results_discrepancies_csv(e.id) FROM elections e WHERE e.id = $1::integer"},
};

static const char no_election[] = "there is no such election";

/* A CSV export: route->data names the contests' kind ("list" or "district"). */
static void export_csv_get(struct http_request *req)
{
    const char *id = http_arg_text(req, "id"), *kind = req->route->data;
    PGresult *res = NULL;
    enum db_status st = db_exec(&statements[RESULTS_CSV], 2, (const char *const[]){id, kind}, &res);
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

/* ---- Seats --------------------------------------------------------------- */

static struct cache *seats_cache;

static void seats_answer(struct http_request *req, bool input_only)
{
    const char *id = http_arg_text(req, "id");
    PGresult *res = NULL;
    struct json_object *in = NULL, *out = NULL, *v = NULL, *list, *districts;
    char key[64];
    size_t clen;
    snprintf(key, sizeof(key), "seats|%d|%s", input_only, id);
    if (seats_cache == NULL)
        seats_cache = cache_create(16);
    const char *cached = cache_get(seats_cache, key, api_fresh_ms(), &clen);
    if (cached != NULL) {
        http_json(req, 200, cached, clen, CACHE_LIVE);
        return;
    }
    enum db_status st =
        db_exec(&statements[RESULTS_SEATS_INPUT], 1, (const char *const[]){id}, &res);
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
        cache_put(seats_cache, key, text, strlen(text));
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
    json_object_object_add(
        out, "preliminary",
        json_object_new_boolean(!json_object_object_get_ex(in, "completed", &v) ||
                                !json_object_get_boolean(v)));
    if (!json_object_object_get_ex(in, "stations", &v))
        v = NULL;
    if (json_object_object_get_ex(in, "list", &list) && json_object_is_type(list, json_type_object))
        json_object_object_add(out, "list", seats_json_answer(list, v));
    else
        json_object_object_add(out, "list", NULL);
    struct json_object *darr = json_object_new_array();
    if (json_object_object_get_ex(in, "districts", &districts) &&
        json_object_is_type(districts, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(districts); i++) {
            struct json_object *d = json_object_array_get_idx(districts, i), *stations = NULL;
            if (json_object_object_get_ex(d, "stations", &stations))
                json_object_get(stations);
            json_object_object_del(d, "stations"); /* not a member of the tool's input */
            struct json_object *r = seats_json_answer(d, stations);
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
    cache_put(seats_cache, key, s, len);
    http_json(req, 200, s, len, CACHE_LIVE);
out:
    json_object_put(out);
    json_object_put(in);
    PQclear(res);
}

static void seats_get(struct http_request *req)
{
    seats_answer(req, false);
}
static void seats_input_get(struct http_request *req)
{
    seats_answer(req, true);
}

/* ---- Drawings of lots -------------------------------------------------------- */

#define LOT_MAX 64

/*
 * One contest's allocation as /seats computes it (seats_answer): the list
 * (district 0) or a district's contest of the seat input in (borrowed; a
 * district's "stations" member is taken out, as seats_answer does).  A new
 * object the caller puts, or NULL when the election has no such contest.
 */
static struct json_object *contest_allocation(struct json_object *in, long long district)
{
    struct json_object *v, *stations = NULL, *districts;
    if (district == 0) {
        if (!json_object_object_get_ex(in, "list", &v) || !json_object_is_type(v, json_type_object))
            return NULL;
        return seats_json_answer(
            v, json_object_object_get_ex(in, "stations", &stations) ? stations : NULL);
    }
    if (!json_object_object_get_ex(in, "districts", &districts) ||
        !json_object_is_type(districts, json_type_array))
        return NULL;
    for (size_t i = 0; i < json_object_array_length(districts); i++) {
        struct json_object *d = json_object_array_get_idx(districts, i);
        if (!json_object_object_get_ex(d, "district", &v) || json_object_get_int64(v) != district)
            continue;
        if (json_object_object_get_ex(d, "stations", &stations))
            json_object_get(stations);
        json_object_object_del(d, "stations");
        struct json_object *r = seats_json_answer(d, stations);
        json_object_put(stations);
        return r;
    }
    return NULL;
}

/*
 * Whether drawn (n ids) is the tie the allocation r waits on: the same ids,
 * each once, in any order.  0 if so; else a 422 answered and -1.
 */
static int check_tie(struct http_request *req, struct json_object *r, const int64_t *drawn,
                     size_t n)
{
    struct json_object *v, *lot, *tied;
    const char *outcome =
        json_object_object_get_ex(r, "outcome", &v) && json_object_is_type(v, json_type_string)
        ? json_object_get_string(v)
        : "invalid";
    if (strcmp(outcome, "lot_required") != 0 ||
        !json_object_object_get_ex(r, "lot_required", &lot) ||
        !json_object_object_get_ex(lot, "tied", &tied) ||
        !json_object_is_type(tied, json_type_array)) {
        char msg[160];
        snprintf(msg, sizeof(msg),
                 "this contest has no tie waiting for a drawing of lots (outcome: %s)", outcome);
        http_error(req, 422, "no_lot_required", msg, NULL);
        return -1;
    }
    size_t ntied = json_object_array_length(tied);
    bool same = ntied == n;
    for (size_t i = 0; same && i < n; i++) {
        size_t k = 0;
        while (k < ntied && json_object_get_int64(json_object_array_get_idx(tied, k)) != drawn[i])
            k++;
        same = k < ntied;
        for (size_t j = 0; same && j < i; j++)
            same = drawn[j] != drawn[i];
    }
    if (same)
        return 0;
    char msg[1024];
    size_t len = (size_t)snprintf(
        msg, sizeof(msg),
        "drawn_order must name each tied party or candidate once, in the order drawn: ");
    for (size_t k = 0; k < ntied && len < sizeof(msg) - 24; k++)
        len +=
            (size_t)snprintf(msg + len, sizeof(msg) - len, "%s%lld", k > 0 ? ", " : "",
                             (long long)json_object_get_int64(json_object_array_get_idx(tied, k)));
    http_error(req, 422, "lot_mismatch", msg, "drawn_order");
    return -1;
}

/*
 * Records a drawing after checking it against the tie, in one transaction
 * that holds the election's row: a report (its asu_reports row references
 * the election) or another drawing waits until this one is in, so the tie
 * checked is the tie recorded against.  0, or -1 having answered.
 */
static int record_lot(struct http_request *req, const char *id, long long district,
                      const int64_t *drawn, size_t n, const char *const *params)
{
    PGresult *res = NULL;
    struct json_object *in = NULL, *r = NULL;
    char err[160];
    int rc = -1;
    enum db_status st;
    if ((st = db_begin()) != DB_OK ||
        (st = db_exec(&statements[RESULTS_LOT_LOCK], 1, (const char *const[]){id}, &res)) != DB_OK)
        goto failed;
    if (PQntuples(res) != 1) {
        http_error(req, 404, "election_not_found", no_election, NULL);
        goto out;
    }
    const char *status = PQgetvalue(res, 0, 0);
    if (strcmp(status, "completed") == 0 || strcmp(status, "annulled") == 0) {
        char msg[128];
        snprintf(msg, sizeof(msg), "the election is %s: its results take no more drawings of lots",
                 status);
        http_error(req, 422, "election_closed", msg, NULL);
        goto out;
    }
    PQclear(res);
    res = NULL;
    if ((st = db_exec(&statements[RESULTS_SEATS_INPUT], 1, (const char *const[]){id}, &res)) !=
        DB_OK)
        goto failed;
    const char *text = db_value(res);
    if (text == NULL || (in = json_parse_strict(text, strlen(text), err, sizeof(err))) == NULL) {
        log_error(req->request_id, "lot: seats input: %s", text == NULL ? "none" : err);
        http_error(req, 500, "internal", "internal error; it has been logged", NULL);
        goto out;
    }
    if ((r = contest_allocation(in, district)) == NULL) {
        http_error(req, 404, "contest_not_found", "the election has no such contest", "district");
        goto out;
    }
    if (check_tie(req, r, drawn, n) < 0)
        goto out;
    PQclear(res);
    res = NULL;
    if ((st = db_exec(&statements[RESULTS_LOT_NEW], 5, params, &res)) != DB_OK)
        goto failed;
    const char *json = db_value(res);
    if (json == NULL) {
        http_error(req, 422, "lot_mismatch",
                   "the ids are not all different entries of that contest of this election",
                   "drawn_order");
        goto out;
    }
    if ((st = db_commit()) != DB_OK)
        goto failed;
    http_json(req, 201, json, strlen(json), CACHE_NONE);
    rc = 0;
    goto out;
failed:
    api_db_failure(req, st);
out:
    if (rc != 0)
        db_rollback();
    json_object_put(r);
    json_object_put(in);
    PQclear(res);
    return rc;
}

/*
 * A CEC administrator records a drawing: {"district": n or null, "drawn_order":
 * [ids of the tied parties or candidates, first drawn first], "note": "..."}.
 * Only while the contest's allocation waits on exactly that tie (its
 * "lot_required"), and never once the election is completed or annulled: a
 * drawing made in advance would otherwise settle a later tie silently.
 */
/* A drawing of lots: POST .../lots. */
struct lot_input {
    long long district; /* 0: the party lists */
    int64_t drawn[LOT_MAX];
    size_t n;
    const char *note; /* borrowed from the body */
};

static int parse_lot(struct json_object *o, struct lot_input *in, struct json_fault *f)
{
    static const char *const members[] = {"district", "drawn_order", "note", NULL};
    struct json_object *arr;
    in->district = 0;
    if (json_read_object(o, "", members, f) < 0 ||
        json_read_int(o, "", "district", false, DISTRICT_MIN, DISTRICT_MAX, &in->district, f) < 0 ||
        json_read_array(o, "", "drawn_order", true, 2, LOT_MAX, json_type_int, &arr, &in->n, f) <
            0 ||
        json_read_ints(arr, "drawn_order", 1, ID_MAX, in->drawn, f) < 0 ||
        json_read_string(o, "", "note", true, 500, &in->note, f) < 0)
        return -1;
    if (*in->note == '\0')
        return json_fault(f, "invalid", "note",
                          "note says where and how the lots were drawn (1-500 characters)");
    return 0;
}

static void lot_post(struct http_request *req)
{
    const char *id = http_arg_text(req, "id");
    struct json_object *o = api_json_body(req, NULL);
    if (o == NULL)
        return;
    const struct user *u = req->user;
    char district[24] = "", *ids = NULL;
    struct lot_input in;
    struct json_fault f;
    if (parse_lot(o, &in, &f) < 0) {
        api_json_refuse(req, &f);
        goto out;
    }
    if (in.district > 0)
        snprintf(district, sizeof(district), "%lld", in.district);
    ids = pool_alloc(req->pool, in.n * 12 + 3);
    size_t len = 0;
    ids[len++] = '{';
    for (size_t i = 0; i < in.n; i++)
        len += (size_t)snprintf(ids + len, 13, "%s%lld", i > 0 ? "," : "", (long long)in.drawn[i]);
    ids[len++] = '}';
    ids[len] = '\0';
    const char *note = in.note;
    int64_t *drawn = in.drawn;
    size_t n = in.n;
    long long x = in.district;
    const char *params[] = {id, district[0] != '\0' ? district : NULL, ids, note, u->pin};
    record_lot(req, id, x, drawn, n, params);
out:
    json_object_put(o);
}

/* ---- Live updates ----------------------------------------------------------- */

/*
 * Server-Sent Events: every log entry after Last-Event-ID (or ?after=) as
 * an event "report" whose id is the log's seq; then the answer ends, and the
 * browser's EventSource comes back after `retry` with the last id it saw.  A
 * worker is never held by an idle stream, and identical questions (the same
 * last id) are answered once a second by nginx's microcache.  Without a last
 * id the stream starts at the log's head ("head" event).
 */
static void events_get(struct http_request *req)
{
    struct field_value last;
    const char *id = http_arg_text(req, "id"), *after = http_arg_text(req, "after");
    const char *header = http_header(req, "Last-Event-ID");
    static const struct field last_field = {"Last-Event-ID", FIELD_INT, 0, ID_MAX};
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
    enum db_status st = db_exec(&statements[RESULTS_HEAD], 1, (const char *const[]){id}, &res);
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
        n += (size_t)snprintf(buf + n, cap - n,
                              "id: %lld\nevent: head\ndata: {\"log_seq\":%lld}\n\n", head, head);
    } else {
        st = db_exec(&statements[RESULTS_EVENTS], 3, (const char *const[]){id, after, limit}, &res);
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
            n += (size_t)snprintf(buf + n, cap - n, "id: %s\nevent: report\ndata: %s\n\n", seq,
                                  data);
        }
        if (PQntuples(res) == 0)
            n += (size_t)snprintf(buf + n, cap - n, ": nothing new after %s\n\n", after);
        PQclear(res);
    }
    http_send(req, 200, "text/event-stream; charset=utf-8", "no-cache", buf, n);
}

#define ELECTION_PATH "/api/v1/results/elections/{id}"
#define ELECTION_READ(stmt, fresh)                                                                 \
    API_READ(&statements[stmt], CACHE_LIVE, fresh, "election_not_found", no_election)
/* The results' areas: 1..9 a region, 10 the stations abroad. */
#define FIELD_RESULTS_REGION                                                                       \
    {                                                                                              \
        "region", FIELD_INT, REGION_MIN, AREA_ABROAD,                                              \
            .about = "a region (1..9), or 10: the stations abroad"                                 \
    }

/*
 * A station's results are read rarely each (2,500 stations): not worth a
 * place in the worker's cache.  The election-wide answers are.
 */
static const struct route routes[] = {
    {"GET", ELECTION_PATH "/summary", ELECTION_READ(RESULTS_SUMMARY, true),
     .path = {FIELD_ELECTION("id")},
     .summary = "The country's results: turnout, votes, stations reported"},
    {"GET", ELECTION_PATH "/regions", ELECTION_READ(RESULTS_REGIONS, true),
     .path = {FIELD_ELECTION("id")}, .summary = "Every region's results"},
    {"GET", ELECTION_PATH "/regions/{region}",
     API_READ(&statements[RESULTS_REGION], CACHE_LIVE, true, "not_found",
              "no results for this election and region (1..9, 10: abroad)"),
     .path = {FIELD_ELECTION("id"), FIELD_RESULTS_REGION},
     .summary = "One region's results, by district"},
    {"GET", ELECTION_PATH "/districts/{district}",
     API_READ(&statements[RESULTS_DISTRICT], CACHE_LIVE, true, "not_found",
              "no such election or district"),
     .path = {FIELD_ELECTION("id"), FIELD_DISTRICT("district")},
     .summary = "One district's results: the list and the district's own contest"},
    {"GET", ELECTION_PATH "/stations/{station}",
     API_READ(&statements[RESULTS_STATION], CACHE_LIVE, false, "not_found",
              "no such election or station"),
     .path = {FIELD_ELECTION("id"), FIELD_STATION("station")},
     .summary = "One station's reports and figures"},
    {"GET", ELECTION_PATH "/turnout", ELECTION_READ(RESULTS_TURNOUT, true),
     .path = {FIELD_ELECTION("id")},
     .summary = "Turnout hour by hour, of the country and each region"},
    {"GET", ELECTION_PATH "/seats", seats_get, .path = {FIELD_ELECTION("id")},
     .summary = "The seats: 54 by party list, 36 by district, as the count stands"},
    {"GET", ELECTION_PATH "/seats/input", seats_input_get, .path = {FIELD_ELECTION("id")},
     .summary = "The seat allocation's input (for bin/shailoo-seats)"},
    {"GET", ELECTION_PATH "/log", ELECTION_READ(RESULTS_LOG, false), .path = {FIELD_ELECTION("id")},
     .query = {FIELD_AFTER("after"),
               {"limit", FIELD_INT, 1, RESULTS_LOG_PAGE_MAX, .def = "100",
                .about = "entries a page"}},
     .summary = "The public hash-chained log of signed reports, a page at a time"},
    {"GET", ELECTION_PATH "/lots", ELECTION_READ(RESULTS_LOTS, false),
     .path = {FIELD_ELECTION("id")}, .summary = "The drawings of lots recorded"},
    {"POST", ELECTION_PATH "/lots", lot_post, ACCESS_CEC_ADMIN, .path = {FIELD_ELECTION("id")},
     .body = "application/json", .summary = "Record a drawing of lots that settles a tie"},
    {"GET", ELECTION_PATH "/events", events_get, .path = {FIELD_ELECTION("id")},
     .query = {{"after", FIELD_INT, 0, ID_MAX,
                .about = "the last log sequence seen (or Last-Event-ID)"}},
     .answer = "text/event-stream",
     .summary = "Server-Sent Events: each report as it enters the log"},
    {"GET", ELECTION_PATH "/discrepancies", ELECTION_READ(RESULTS_DISCREPANCIES, true),
     .path = {FIELD_ELECTION("id")},
     .summary = "Every line where a station's manual count and its ASU differ, and every station "
                "whose identified voters and ballots issued differ beyond the tolerance, largest "
                "first"},
    {"GET", ELECTION_PATH "/discrepancies.csv",
     API_READ(&statements[RESULTS_DISCREPANCIES_CSV], CACHE_LIVE, true, "election_not_found",
              no_election, .csv = true),
     .path = {FIELD_ELECTION("id")}, .answer = "text/csv", .summary = "The discrepancies as CSV"},
    {"GET", ELECTION_PATH "/export/stations.json", ELECTION_READ(RESULTS_EXPORT, true),
     .path = {FIELD_ELECTION("id")}, .summary = "Every station's figures (JSON)"},
    {"GET", ELECTION_PATH "/export/list.csv", export_csv_get, .path = {FIELD_ELECTION("id")},
     .data = "list", .answer = "text/csv", .summary = "Every station's party-list figures (CSV)"},
    {"GET", ELECTION_PATH "/export/districts.csv", export_csv_get, .path = {FIELD_ELECTION("id")},
     .data = "district", .answer = "text/csv", .summary = "Every station's district figures (CSV)"},
};

const struct api_module results_module = {"results",  routes,       NELEM(routes),
                                          statements, RESULTS__MAX, NULL};
