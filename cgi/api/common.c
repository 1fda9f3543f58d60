#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/cache.h"
#include "../core/json.h"
#include "../rules/calendar.h"
#include "../core/log.h"

long api_setting(const char *name, long def, long min, long max)
{
    const char *v = getenv(name);
    char *end;
    long x = v != NULL && *v != '\0' ? strtol(v, &end, 10) : def;
    if (v != NULL && *v != '\0' && (*end != '\0' || x < min || x > max)) {
        log_error(NULL, "%s=%s is not a whole number from %ld to %ld: %ld used", name, v, min, max, def);
        x = def;
    }
    return x;
}

void api_db_failure(struct http_request *req, enum db_status st)
{
    if (st == DB_UNAVAILABLE) {
        log_error(req->request_id, "database unavailable: %s", db_error());
        http_error(req, 503, "database_unavailable",
                   "the database is not available right now; try again shortly", NULL);
    } else {
        log_error(req->request_id, "query failed: %s %s", db_sqlstate(), db_error());
        http_error(req, 500, "internal", "internal error; it has been logged", NULL);
    }
}

/* Runs stmt and answers with its JSON (stored under key when key is not NULL). */
static void send_query(struct http_request *req, const char *key, const char *stmt, int nparams,
                       const char *const *params, enum http_cache cache, const char *not_found_code,
                       const char *not_found_message)
{
    PGresult *res = NULL;
    enum db_status st = db_exec(stmt, nparams, params, &res);
    if (st != DB_OK) {
        api_db_failure(req, st);
        return;
    }
    const char *json = db_value(res);
    if (json == NULL) {
        http_error(req, 404, not_found_code, not_found_message, NULL);
    } else {
        if (key != NULL)
            cache_put(key, json, strlen(json));
        http_json(req, 200, json, strlen(json), cache);
    }
    PQclear(res);
}

void api_send_query(struct http_request *req, const char *stmt, int nparams,
                    const char *const *params, enum http_cache cache, const char *not_found_code,
                    const char *not_found_message)
{
    send_query(req, NULL, stmt, nparams, params, cache, not_found_code, not_found_message);
}

void api_send_cached(struct http_request *req, long max_age_ms, const char *stmt, int nparams,
                     const char *const *params, enum http_cache cache, const char *not_found_code,
                     const char *not_found_message)
{
    char key[CACHE_MAX_KEY];
    size_t n = (size_t)snprintf(key, sizeof(key), "%s", stmt), len;
    for (int i = 0; i < nparams && n < sizeof(key); i++)
        n += (size_t)snprintf(key + n, sizeof(key) - n, "|%s", params[i] != NULL ? params[i] : "\\N");
    if (n >= sizeof(key)) {
        send_query(req, NULL, stmt, nparams, params, cache, not_found_code, not_found_message);
        return;
    }
    const char *body = cache_get(key, max_age_ms, &len);
    if (body != NULL)
        http_json(req, 200, body, len, cache);
    else
        send_query(req, key, stmt, nparams, params, cache, not_found_code, not_found_message);
}

const char *api_path_field(struct http_request *req, const struct field *f,
                           struct field_value *out)
{
    const char *v = http_path_param(req, f->name);
    const char *why = v != NULL ? http_field_check(f, v, out) : "is missing";
    if (why != NULL) {
        char msg[160];
        snprintf(msg, sizeof(msg), "\"%s\" %s", f->name, why);
        http_error(req, 400, "invalid_parameter", msg, f->name);
        return NULL;
    }
    return v;
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
    struct json_object *o = json_parse_strict(req->body != NULL ? req->body : "", req->body_len,
                                              err, sizeof(err));
    if (o == NULL) {
        http_error(req, 400, "invalid_json", err, NULL);
        return NULL;
    }
    if (!json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        http_error(req, 400, "invalid_json", "the body must be a JSON object", NULL);
        return NULL;
    }
    const char *unknown = json_unknown_member(o, allowed);
    if (unknown != NULL) {
        http_error(req, 400, "unknown_field", "the body has a field this request does not take",
                   unknown);
        json_object_put(o);
        return NULL;
    }
    return o;
}

bool api_json_int(struct json_object *o, const char *name, long long min, long long max,
                  long long *out)
{
    struct json_object *v;
    if (!json_object_object_get_ex(o, name, &v) || !json_object_is_type(v, json_type_int))
        return false;
    int64_t x = json_object_get_int64(v);
    if (x < min || x > max)
        return false;
    *out = (long long)x;
    return true;
}

const char *api_json_digits(struct json_object *o, const char *name, size_t n)
{
    struct json_object *v;
    if (!json_object_object_get_ex(o, name, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    const char *s = json_object_get_string(v);
    return strlen(s) == n && strspn(s, "0123456789") == n ? s : NULL;
}

bool api_valid_date(const char *s)
{
    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    return y >= 1900 && y <= 2200 && calendar_valid_date(y, m, d);
}
