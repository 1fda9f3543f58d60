/* The population registry through Tunduk, every call recorded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/json.h"
#include "../core/log.h"
#include "api.h"

enum { REGISTRY_LOG, REGISTRY__MAX };

static const struct db_statement statements[REGISTRY__MAX] = {
    [REGISTRY_LOG] =
        {"registry_log",
         "INSERT INTO tunduk_calls (method, service, xroad_id, request_hash, status, outcome,"
         "                          error_type, duration_ms, attempts, application_id)"
         " VALUES ($1, $2, $3::uuid, nullif($4, ''), $5::integer, $6, nullif($7, ''), $8::integer,"
         "         $9::integer, $10::bigint)"},
};

static const char *population_service = "central-server/GOV/70000003/population/person";

/* The population service's X-Road id: SHAILOO_TUNDUK_POPULATION, else the default above. */
static void init(void)
{
    const char *service = getenv("SHAILOO_TUNDUK_POPULATION");
    if (service != NULL && *service != '\0')
        population_service = service;
}

static const char *outcome_name(enum tunduk_outcome o)
{
    switch (o) {
    case TUNDUK_OK:
        return "ok";
    case TUNDUK_NOT_FOUND:
        return "not_found";
    case TUNDUK_REFUSED:
        return "refused";
    case TUNDUK_XROAD_ERROR:
        return "xroad_error";
    case TUNDUK_UNAVAILABLE:
        return "unavailable";
    }
    return "unavailable";
}

void registry_log_call(const struct tunduk_response *r, const char *application_id)
{
    char status[16], duration[24], attempts[16];
    snprintf(status, sizeof(status), "%ld", r->status);
    snprintf(duration, sizeof(duration), "%ld", r->duration_ms);
    snprintf(attempts, sizeof(attempts), "%d", r->attempts > 0 ? r->attempts : 1);
    /* The one call registry_person makes: GET on the population service. */
    const char *params[] = {"GET",         population_service,
                            r->xroad_id,   r->request_hash,
                            status,        outcome_name(r->outcome),
                            r->error_type, duration,
                            attempts,      application_id};
    PGresult *res = NULL;
    if (db_exec(&statements[REGISTRY_LOG], 10, params, &res) != DB_OK)
        log_error(NULL, "cannot record a Tunduk call: %s", db_error());
    PQclear(res);
}

enum registry_status registry_person(struct http_request *req, const char *pin, const char *issue,
                                     struct json_object **person, struct tunduk_response *resp)
{
    char path[32];
    snprintf(path, sizeof(path), "/%s", pin);
    struct tunduk_request rq = {
        .method = "GET",
        .service = population_service,
        .path = path,
        .user_id = pin,
        .issue = issue,
        .idempotent = true,
    };
    *person = NULL;
    tunduk_call(&rq, resp);
    if (resp->outcome == TUNDUK_NOT_FOUND)
        return REGISTRY_NOT_FOUND;
    if (resp->outcome != TUNDUK_OK) {
        log_error(req->request_id, "population registry: %s (%ld, X-Road-Id %s)",
                  resp->error_type[0] != '\0' ? resp->error_type : "failed", resp->status,
                  resp->xroad_id);
        return REGISTRY_UNAVAILABLE;
    }
    char err[128];
    struct json_object *o =
        resp->body != NULL ? json_parse_strict(resp->body, resp->body_len, err, sizeof(err)) : NULL;
    if (o == NULL || !json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        log_error(req->request_id, "population registry: an answer that is not a JSON object");
        return REGISTRY_UNAVAILABLE;
    }
    *person = o;
    return REGISTRY_OK;
}

const struct api_module registry_module = {"registry", NULL, 0, statements, REGISTRY__MAX, init};
