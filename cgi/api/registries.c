/*
 * More registries through Tunduk (issue 13, part 2): the civil registry's
 * feed of changes (deaths, PIN changes) and the disability registry's
 * persons who need an accessible polling station, read on a schedule by a
 * process of their own (registries_run, a sibling of the publishers) and on
 * demand by the CEC's administrators; the stations' accessibility, said by
 * their territorial commission.  Every call to Tunduk is recorded
 * (registry_log_call); every batch is applied in one transaction by the SQL
 * functions of sql/functions/032_registries.sql, which make a change
 * delivered twice count once.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../core/json.h"
#include "../core/log.h"
#include "../core/server.h"
#include "api.h"

enum {
    REG_CIVIL_CURSOR,
    REG_CIVIL_APPLY,
    REG_DISABILITY_APPLY,
    REG_FAILED,
    REG_CIVIL_STATE,
    REG_DISABILITY_STATE,
    REG_ACCESS_SET,
    REG__MAX
};

static const struct db_statement statements[REG__MAX] = {
    [REG_CIVIL_CURSOR] = {"reg_civil_cursor",
                          "SELECT cursor FROM registry_feeds WHERE name = 'civil'"},
    [REG_CIVIL_APPLY] = {"reg_civil_apply", "SELECT civil_feed_apply($1, $2::jsonb, $3)::text"},
    [REG_DISABILITY_APPLY] = {"reg_disability_apply", "SELECT disability_apply($1::jsonb)::text"},
    [REG_FAILED] = {"reg_failed", "SELECT registry_feed_failed($1, $2)"},
    [REG_CIVIL_STATE] = {"reg_civil_state", "SELECT registry_feed_json('civil')::text"},
    [REG_DISABILITY_STATE] = {"reg_disability_state",
                              "SELECT registry_feed_json('disability')::text"},
    [REG_ACCESS_SET] = {"reg_access_set",
                        "SELECT station_access_set($1::integer, $2::boolean, $3, $4)::text"},
};

/* The services (X-Road ids; a real deployment's from the environment) and the schedule. */
static const char *civil_service = "central-server/GOV/70000015/civil-registry/changes";
static const char *disability_service = "central-server/GOV/70000011/disability/persons";
static long civil_ms, disability_ms;

#define CIVIL_PAGE 100
#define CIVIL_PAGES_MAX 100 /* a read takes at most this many batches; the next goes on */
#define DISABILITY_PAGE 1000
#define DISABILITY_PAGES_MAX 10000

static void init(void)
{
    const char *s = getenv("SHAILOO_TUNDUK_CIVIL");
    if (s != NULL && *s != '\0')
        civil_service = s;
    s = getenv("SHAILOO_TUNDUK_DISABILITY_PERSONS");
    if (s != NULL && *s != '\0')
        disability_service = s;
    civil_ms = api_setting("SHAILOO_REGISTRIES_INTERVAL_MS", 60000, 0, 86400000);
    disability_ms = api_setting("SHAILOO_REGISTRIES_DISABILITY_MS", 3600000, 0, 604800000);
}

/* A cursor safe in a URL's query: [A-Za-z0-9._-], at most 100. */
static bool cursor_valid(const char *s)
{
    size_t n = strlen(s);
    if (n > 100)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
              (s[i] >= '0' && s[i] <= '9') || strchr("._-", s[i]) != NULL))
            return false;
    return true;
}

/* Records a failed read of feed (its last_error), outside any transaction. */
static void feed_failed(const char *feed, const char *why)
{
    const char *params[] = {feed, why};
    PGresult *res = NULL;
    db_rollback();
    if (db_exec(&statements[REG_FAILED], 2, params, &res) != DB_OK)
        log_error(NULL, "registries: cannot record the failure of the %s feed: %s", feed,
                  db_error());
    PQclear(res);
    log_error(NULL, "registries: %s: %s", feed, why);
}

/*
 * GET service?query through Tunduk, recorded: the answer's JSON object (the
 * caller puts it), or NULL with why filled.
 */
static struct json_object *ask(const char *service, const char *query, char *why, size_t n)
{
    struct tunduk_request rq = {
        .method = "GET", .service = service, .path = query, .idempotent = true};
    struct tunduk_response tr;
    tunduk_call(&rq, &tr);
    registry_log_call(&tr, NULL);
    struct json_object *o = NULL;
    if (tr.outcome != TUNDUK_OK) {
        snprintf(why, n, "%s: %s (status %ld, X-Road-Id %s)", service,
                 tr.error_type[0] != '\0' ? tr.error_type : "failed", tr.status, tr.xroad_id);
    } else {
        char err[128];
        o = tr.body != NULL ? json_parse_strict(tr.body, tr.body_len, err, sizeof(err)) : NULL;
        if (o == NULL || !json_object_is_type(o, json_type_object)) {
            json_object_put(o);
            o = NULL;
            snprintf(why, n, "%s: an answer that is not a JSON object", service);
        }
    }
    tunduk_response_free(&tr);
    return o;
}

/* Runs stmt in its own transaction: its one value (malloc'd), or NULL with why filled. */
static char *apply(const struct db_statement *stmt, int nparams, const char *const *params,
                   char *why, size_t n)
{
    PGresult *res = NULL;
    char *out = NULL;
    enum db_status st = db_begin();
    if (st == DB_OK)
        st = db_exec(stmt, nparams, params, &res);
    if (st == DB_OK && db_value(res) != NULL)
        out = strdup(db_value(res));
    PQclear(res);
    if (out != NULL && db_commit() != DB_OK) {
        free(out);
        out = NULL;
    }
    if (out == NULL) {
        snprintf(why, n, "not applied: %s", db_error()[0] != '\0' ? db_error() : "no answer");
        db_rollback();
    }
    return out;
}

/* Adds a batch's summary (civil_feed_apply's answer) into the read's total. */
static void add_summary(struct json_object *total, const char *batch)
{
    char err[64];
    struct json_object *b = json_parse_strict(batch, strlen(batch), err, sizeof(err));
    if (b == NULL)
        return;
    json_object_object_foreach(b, key, val)
    {
        struct json_object *have = NULL;
        if (json_object_is_type(val, json_type_int)) {
            long long sum = json_object_object_get_ex(total, key, &have)
                ? json_object_get_int64(have) + json_object_get_int64(val)
                : json_object_get_int64(val);
            json_object_object_add(total, key, json_object_new_int64(sum));
        } else if (json_object_is_type(val, json_type_object)) {
            if (!json_object_object_get_ex(total, key, &have)) {
                have = json_object_new_object();
                json_object_object_add(total, key, have);
            }
            add_summary(have, json_object_to_json_string(val));
        } else {
            json_object_object_add(total, key, json_object_get(val));
        }
    }
    json_object_put(b);
}

/*
 * Reads the civil registry's feed from the saved cursor to its end (at most
 * CIVIL_PAGES_MAX batches), each batch applied in one transaction.  The
 * read's summary as JSON text (malloc'd), or NULL having recorded why.
 */
char *registries_read_civil(void)
{
    char why[600] = "";
    struct json_object *total = json_object_new_object();
    char *out = NULL;
    int batches = 0;
    for (int page = 0; page < CIVIL_PAGES_MAX; page++) {
        PGresult *res = NULL;
        if (db_exec(&statements[REG_CIVIL_CURSOR], 0, NULL, &res) != DB_OK) {
            snprintf(why, sizeof(why), "no cursor: %s", db_error());
            PQclear(res);
            goto fail;
        }
        char cursor[128];
        snprintf(cursor, sizeof(cursor), "%s", db_value(res) != NULL ? db_value(res) : "");
        PQclear(res);
        if (!cursor_valid(cursor)) {
            snprintf(why, sizeof(why), "the saved cursor is not one");
            goto fail;
        }
        char query[200];
        snprintf(query, sizeof(query), "?after=%s&limit=%d", cursor, CIVIL_PAGE);
        struct json_object *o = ask(civil_service, query, why, sizeof(why));
        if (o == NULL)
            goto fail;
        struct json_object *changes = NULL, *next = NULL;
        if (!json_object_object_get_ex(o, "changes", &changes) ||
            !json_object_is_type(changes, json_type_array) ||
            (json_object_object_get_ex(o, "next", &next) && next != NULL &&
             !json_object_is_type(next, json_type_string))) {
            json_object_put(o);
            snprintf(why, sizeof(why), "%s: an answer without changes", civil_service);
            goto fail;
        }
        size_t n = json_object_array_length(changes);
        const char *params[] = {cursor,
                                json_object_to_json_string_ext(changes, JSON_C_TO_STRING_PLAIN),
                                next != NULL ? json_object_get_string(next) : NULL};
        char *done = apply(&statements[REG_CIVIL_APPLY], 3, params, why, sizeof(why));
        bool same = next == NULL || strcmp(json_object_get_string(next), cursor) == 0;
        json_object_put(o);
        if (done == NULL)
            goto fail;
        add_summary(total, done);
        free(done);
        batches++;
        if (n == 0 || same)
            break;
    }
    json_object_object_add(total, "batches", json_object_new_int(batches));
    out = strdup(json_object_to_json_string_ext(total, JSON_C_TO_STRING_PLAIN));
    json_object_put(total);
    return out;
fail:
    json_object_put(total);
    feed_failed("civil", why);
    return NULL;
}

/* Appends a page's persons to all; 0, or -1 if the page is not one. */
static int take_persons(struct json_object *o, struct json_object *all, const char **next)
{
    struct json_object *persons = NULL, *nx = NULL;
    if (!json_object_object_get_ex(o, "persons", &persons) ||
        !json_object_is_type(persons, json_type_array))
        return -1;
    for (size_t i = 0; i < json_object_array_length(persons); i++) {
        struct json_object *p = json_object_array_get_idx(persons, i);
        if (!json_object_is_type(p, json_type_object))
            return -1;
        json_object_array_add(all, json_object_get(p));
    }
    *next = NULL;
    if (json_object_object_get_ex(o, "next", &nx) && nx != NULL) {
        if (!json_object_is_type(nx, json_type_string))
            return -1;
        *next = json_object_get_string(nx);
    }
    return 0;
}

/*
 * Reads the disability registry's whole list of persons who need an
 * accessible station, page by page, and applies it in one transaction.
 * The summary as JSON text (malloc'd), or NULL having recorded why.
 */
char *registries_read_disability(void)
{
    char why[600] = "";
    char after[32] = "";
    struct json_object *all = json_object_new_array();
    for (int page = 0;; page++) {
        if (page >= DISABILITY_PAGES_MAX) {
            snprintf(why, sizeof(why), "more than %d pages", DISABILITY_PAGES_MAX);
            goto fail;
        }
        char query[80];
        snprintf(query, sizeof(query), "?after=%s&limit=%d", after, DISABILITY_PAGE);
        struct json_object *o = ask(disability_service, query, why, sizeof(why));
        if (o == NULL)
            goto fail;
        const char *next = NULL;
        if (take_persons(o, all, &next) < 0 ||
            (next != NULL &&
             (strlen(next) != PIN_DIGITS || !cursor_valid(next) || strcmp(next, after) <= 0))) {
            json_object_put(o);
            snprintf(why, sizeof(why), "%s: a page that is not one", disability_service);
            goto fail;
        }
        if (next == NULL) {
            json_object_put(o);
            break;
        }
        snprintf(after, sizeof(after), "%s", next);
        json_object_put(o);
    }
    const char *params[] = {json_object_to_json_string_ext(all, JSON_C_TO_STRING_PLAIN)};
    char *done = apply(&statements[REG_DISABILITY_APPLY], 1, params, why, sizeof(why));
    json_object_put(all);
    if (done == NULL)
        feed_failed("disability", why);
    return done;
fail:
    json_object_put(all);
    feed_failed("disability", why);
    return NULL;
}

/* ---- the scheduled reader ----------------------------------------------------- */

static volatile sig_atomic_t stopping;

static void on_term(int sig)
{
    (void)sig;
    stopping = 1;
}

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

bool registries_scheduled(void)
{
    return tunduk_ready() && (civil_ms > 0 || disability_ms > 0);
}

int registries_run(const char *conninfo, void (*register_statements)(void))
{
    server_child_signals(on_term);

    register_statements();
    db_connect(conninfo);
    log_info("registries: the civil registry every %ld ms, the disability registry every %ld ms",
             civil_ms, disability_ms);
    long long civil_at = now_ms() + (civil_ms > 1000 ? 1000 : civil_ms), disability_at = civil_at;
    while (!stopping) {
        long long now = now_ms();
        if (civil_ms > 0 && now >= civil_at) {
            free(registries_read_civil());
            civil_at = now_ms() + civil_ms;
        }
        if (!stopping && disability_ms > 0 && now >= disability_at) {
            free(registries_read_disability());
            disability_at = now_ms() + disability_ms;
        }
        struct timespec pause = {0, 100 * 1000000L};
        nanosleep(&pause, NULL);
    }
    db_disconnect();
    return 0;
}

/* ---- the routes ----------------------------------------------------------------- */

/* POST .../registries/{civil,disability}/read: reads now, answers the summary and the state. */
static void read_now(struct http_request *req)
{
    bool civil = strstr(req->path, "/civil/") != NULL;
    /* It calls out: limited per administrator, like every route that does. */
    if (api_person_rate(req, "registries_read", 120, 600, "registry reads") < 0)
        return;
    char *summary = civil ? registries_read_civil() : registries_read_disability();
    PGresult *res = NULL;
    enum db_status st =
        db_exec(&statements[civil ? REG_CIVIL_STATE : REG_DISABILITY_STATE], 0, NULL, &res);
    if (st != DB_OK || db_value(res) == NULL) {
        PQclear(res);
        free(summary);
        api_db_failure(req, st != DB_OK ? st : DB_FAILED);
        return;
    }
    if (summary == NULL) {
        PQclear(res);
        http_error(req, 503, "registry_unavailable",
                   civil ? "the civil registry's feed could not be read now: see its last_error"
                         : "the disability registry could not be read now: see its last_error",
                   NULL);
        return;
    }
    size_t len = strlen(summary) + strlen(db_value(res)) + 32;
    char *body = pool_alloc(req->pool, len);
    snprintf(body, len, "{\"read\":%s,\"feed\":%s}", summary, db_value(res));
    free(summary);
    PQclear(res);
    http_json(req, 200, body, strlen(body), CACHE_NONE);
}

static const struct route routes[] = {
    {"GET", "/api/v1/registries/civil",
     API_READ(&statements[REG_CIVIL_STATE], CACHE_NONE, false, "not_found", "no such feed"),
     .access = ACCESS_CEC_ADMIN,
     .summary =
         "The civil registry's feed: cursor, last read, last error, outcomes, recent changes"},
    {"POST", "/api/v1/registries/civil/read", read_now, ACCESS_CEC_ADMIN,
     .summary = "Reads the civil registry's feed now (it is read on a schedule anyway)"},
    {"GET", "/api/v1/registries/disability",
     API_READ(&statements[REG_DISABILITY_STATE], CACHE_NONE, false, "not_found", "no such feed"),
     .access = ACCESS_CEC_ADMIN,
     .summary = "The disability registry's last read: persons and stations with needs"},
    {"POST", "/api/v1/registries/disability/read", read_now, ACCESS_CEC_ADMIN,
     .summary = "Reads the disability registry now (it is read on a schedule anyway)"},
    {"PUT", "/api/v1/tec/stations/{station}/accessibility",
     API_CALL(
         &statements[REG_ACCESS_SET],
         {{"accessible", FIELD_BOOL, 0, 1, true,
           .about = "whether a voter in a wheelchair can vote there unaided"},
          {"note", FIELD_TEXT, 0, 300, .about = "what makes it so (a ramp, the ground floor)"}}),
     .access = ACCESS_TEC_ADMIN | ACCESS_CEC_ADMIN, .path = {FIELD_STATION("station")},
     .body = "application/json",
     .summary = "The station's territorial commission says whether the station is accessible"},
};

const struct api_module registries_module = {"registries", routes,   NELEM(routes),
                                             statements,   REG__MAX, init};
