#include "api.h"

#include <stdio.h>
#include <string.h>

#include "../core/log.h"

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

void api_send_query(struct http_request *req, const char *stmt, int nparams,
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
    if (json == NULL)
        http_error(req, 404, not_found_code, not_found_message, NULL);
    else
        http_json(req, 200, json, strlen(json), cache);
    PQclear(res);
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
