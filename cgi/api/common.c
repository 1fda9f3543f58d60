#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/cache.h"
#include "../core/json.h"
#include "../core/log.h"

long api_setting(const char *name, long def, long min, long max)
{
    const char *v = getenv(name);
    char *end;
    long x = v != NULL && *v != '\0' ? strtol(v, &end, 10) : def;
    if (v != NULL && *v != '\0' && (*end != '\0' || x < min || x > max)) {
        log_error(NULL, "%s=%s is not a whole number from %ld to %ld: %ld used", name, v, min, max,
                  def);
        x = def;
    }
    return x;
}

/*
 * A refusal raised by one of our SQL functions (sql/functions/): SQLSTATE
 * class SH, its last three characters the HTTP status (SH404, SH409, SH422),
 * the DETAIL the error's code, the primary message its words, the HINT the
 * field.  As PostgreSQL reports errors: the database function that knows
 * why says so, and the HTTP status is chosen here, in one place.
 */
static bool refused_by_database(struct http_request *req)
{
    const char *state = db_sqlstate();
    if (strncmp(state, "SH", 2) != 0 || strlen(state) != 5)
        return false;
    int status = atoi(state + 2);
    if (status < 400 || status > 499)
        return false;
    const char *code = db_error_detail();
    db_rollback();
    http_error(req, status, *code != '\0' ? code : "refused", db_error_primary(),
               *db_error_hint() != '\0' ? db_error_hint() : NULL);
    return true;
}

void api_db_failure(struct http_request *req, enum db_status st)
{
    if (st == DB_FAILED && refused_by_database(req))
        return;
    if (st == DB_UNAVAILABLE) {
        log_error(req->request_id, "database unavailable: %s", db_error());
        http_error(req, 503, "database_unavailable",
                   "the database is not available right now; try again shortly", NULL);
    } else {
        log_error(req->request_id, "query failed: %s %s", db_sqlstate(), db_error());
        http_error(req, 500, "internal", "internal error; it has been logged", NULL);
    }
}

long api_fresh_ms(void)
{
    static long ms = -1;
    if (ms < 0)
        ms = api_setting("SHAILOO_RESULTS_CACHE_MS", 250, 0, 60000);
    return ms;
}

static struct cache *answers;

/*
 * Runs stmt and answers with its one value: JSON with status (stored under
 * key when key is not NULL), or CSV text when csv; no value: 404.
 */
static void send_query(struct http_request *req, const char *key, const struct db_statement *stmt,
                       int nparams, const char *const *params, int status, enum http_cache cache,
                       bool csv, const char *not_found_code, const char *not_found_message)
{
    PGresult *res = NULL;
    enum db_status st = db_exec(stmt, nparams, params, &res);
    if (st != DB_OK) {
        api_db_failure(req, st);
        return;
    }
    const char *value = db_value(res);
    if (value == NULL) {
        http_error(req, 404, not_found_code, not_found_message, NULL);
    } else if (csv) {
        http_send(req, status, "text/csv; charset=utf-8", "public, max-age=5", value,
                  strlen(value));
    } else {
        if (key != NULL)
            cache_put(answers, key, value, strlen(value));
        http_json(req, status, value, strlen(value), cache);
    }
    PQclear(res);
}

void api_send_query(struct http_request *req, const struct db_statement *stmt, int nparams,
                    const char *const *params, enum http_cache cache, const char *not_found_code,
                    const char *not_found_message)
{
    send_query(req, NULL, stmt, nparams, params, 200, cache, false, not_found_code,
               not_found_message);
}

void api_send_value(struct http_request *req, const struct db_statement *stmt, int nparams,
                    const char *const *params, int status)
{
    send_query(req, NULL, stmt, nparams, params, status, CACHE_NONE, false, "not_found",
               "there is no such record");
}

#define ANSWER_SLOTS 256
#define ANSWER_MAX_KEY 256

void api_send_cached(struct http_request *req, long max_age_ms, const struct db_statement *stmt,
                     int nparams, const char *const *params, enum http_cache cache,
                     const char *not_found_code, const char *not_found_message)
{
    char key[ANSWER_MAX_KEY];
    size_t n = (size_t)snprintf(key, sizeof(key), "%s", stmt->name), len;
    for (int i = 0; i < nparams && n < sizeof(key); i++)
        n += (size_t)snprintf(key + n, sizeof(key) - n, "|%s",
                              params[i] != NULL ? params[i] : "\\N");
    if (n >= sizeof(key)) {
        api_send_query(req, stmt, nparams, params, cache, not_found_code, not_found_message);
        return;
    }
    if (answers == NULL)
        answers = cache_create(ANSWER_SLOTS);
    const char *body = cache_get(answers, key, max_age_ms, &len);
    if (body != NULL)
        http_json(req, 200, body, len, cache);
    else
        send_query(req, key, stmt, nparams, params, 200, cache, false, not_found_code,
                   not_found_message);
}

void api_read(struct http_request *req)
{
    const struct api_read *r = req->route->data;
    const char *params[HTTP_MAX_ARGS + 1];
    size_t n = 0;
    for (; n < req->nargs; n++)
        params[n] = req->args[n].present ? req->args[n].s : NULL;
    if (r->mine) {
        const struct user *u = req->user;
        if (u == NULL) { /* a personal read on a public route: the table is wrong */
            http_error(req, 500, "internal", "internal error; it has been logged", NULL);
            return;
        }
        params[n++] = u->pin;
    }
    if (r->csv)
        send_query(req, NULL, r->statement, (int)n, params, 200, r->cache, true, r->not_found_code,
                   r->not_found_message);
    else if (r->fresh)
        api_send_cached(req, api_fresh_ms(), r->statement, (int)n, params, r->cache,
                        r->not_found_code, r->not_found_message);
    else
        api_send_query(req, r->statement, (int)n, params, r->cache, r->not_found_code,
                       r->not_found_message);
}

struct json_object *api_json_body(struct http_request *req, const char *const *allowed)
{
    char err[160];
    const char *type = req->getenv(req->getenv_ctx, "CONTENT_TYPE");
    size_t tlen = strlen("application/json");
    if (type == NULL || strncmp(type, "application/json", tlen) != 0 ||
        (type[tlen] != '\0' && type[tlen] != ';' && type[tlen] != ' ')) {
        http_error(req, 415, "unsupported_media_type", "send application/json", NULL);
        return NULL;
    }
    struct json_object *o =
        json_parse_strict(req->body != NULL ? req->body : "", req->body_len, err, sizeof(err));
    if (o == NULL) {
        http_error(req, 400, "invalid_json", err, NULL);
        return NULL;
    }
    if (!json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        http_error(req, 400, "invalid_json", "the body must be a JSON object", NULL);
        return NULL;
    }
    const char *unknown = allowed != NULL ? json_unknown_member(o, allowed) : NULL;
    if (unknown != NULL) {
        http_error(req, 400, "unknown_field", "the body has a field this request does not take",
                   unknown);
        json_object_put(o);
        return NULL;
    }
    return o;
}

void api_json_refuse(struct http_request *req, const struct json_fault *f)
{
    http_error(req, 400, strcmp(f->code, "unknown_member") == 0 ? "unknown_field" : "invalid_field",
               f->message, f->field);
}

void api_revoke(struct http_request *req)
{
    const struct api_revoke *r = req->route->data;
    const char *params[] = {req->args[0].s};
    PGresult *res = NULL;
    enum db_status st = db_exec(r->revoke, 1, params, &res);
    if (st == DB_OK && PQntuples(res) == 1) {
        const char *json = PQgetvalue(res, 0, 0);
        http_json(req, 200, json, strlen(json), CACHE_NONE);
        PQclear(res);
        return;
    }
    PQclear(res);
    res = NULL;
    if (st == DB_OK)
        st = db_exec(r->exists, 1, params, &res);
    if (st != DB_OK)
        api_db_failure(req, st);
    else if (PQntuples(res) == 1)
        http_error(req, 409, "already_revoked", "this device is out of service already", NULL);
    else
        http_error(req, 404, "device_not_found", "there is no such device", NULL);
    PQclear(res);
}

void api_write_end(struct http_request *req, int rc, enum db_status st, int status,
                   const char *body)
{
    if (rc == 0) {
        http_json(req, status, body, strlen(body), CACHE_NONE);
    } else if (rc == -2) {
        db_rollback();
        api_db_failure(req, st);
    }
}

enum db_status api_created(struct http_request *req, const struct db_statement *stmt, int nparams,
                           const char *const *params, const char *location)
{
    PGresult *res = NULL;
    enum db_status st = db_exec(stmt, nparams, params, &res);
    if (st != DB_OK)
        return st;
    char *body = pool_strdup(req->pool, db_value(res) != NULL ? db_value(res) : "{}");
    PQclear(res);
    if ((st = db_commit()) != DB_OK)
        return st;
    http_add_header(req, "Location: %s", location);
    http_json(req, 201, body, strlen(body), CACHE_NONE);
    return DB_OK;
}

enum { COMMON_RATE, COMMON__MAX };

static const struct db_statement statements[COMMON__MAX] = {
    /* Per-person limits (migration 015): 0, or the seconds to wait. */
    [COMMON_RATE] = {"common_rate", "SELECT person_rate_take($1, $2, $3::integer, $4::integer)"},
};

/* The statements of the helpers above (no routes of its own). */
const struct api_module common_module = {"common", NULL, 0, statements, COMMON__MAX, NULL};

int api_person_rate(struct http_request *req, const char *action, long limit, long window,
                    const char *what)
{
    const struct db_statement *take = &statements[COMMON_RATE];
    const struct user *u = req->user;
    char max[24], win[24];
    snprintf(max, sizeof(max), "%ld", limit);
    snprintf(win, sizeof(win), "%ld", window);
    PGresult *res = NULL;
    enum db_status st = db_exec(take, 4, (const char *const[]){u->pin, action, max, win}, &res);
    if (st != DB_OK) {
        api_db_failure(req, st);
        return -1;
    }
    long wait = strtol(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    if (wait <= 0)
        return 0;
    char m[160];
    snprintf(m, sizeof(m), "too many %s in a short time; try again later", what);
    http_add_header(req, "Retry-After: %ld", wait);
    http_error(req, 429, "too_many_requests", m, NULL);
    return -1;
}

void api_refuse_listing(struct http_request *req, int status, const char *code, const char *message,
                        const char *key, struct json_object *list)
{
    struct json_object *o = json_object_new_object(), *e = json_object_new_object();
    json_object_object_add(e, "code", json_object_new_string(code));
    json_object_object_add(e, "message", json_object_new_string(message));
    json_object_object_add(e, key, list);
    json_object_object_add(o, "error", e);
    size_t len;
    const char *s = json_object_to_json_string_length(
        o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    http_json(req, status, s, len, CACHE_NONE);
    json_object_put(o);
}

bool api_register_key_valid(const char *s)
{
    size_t n = strlen(s);
    return n >= 3 && n <= 32 &&
        strspn(s, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-") == n;
}
