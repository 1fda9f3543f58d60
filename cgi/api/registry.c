/* The state registers through Tunduk (population, legal entities), every call recorded. */
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
         "                          error_type, duration_ms, attempts, application_id, issue)"
         " VALUES ($1, $2, $3::uuid, nullif($4, ''), $5::integer, $6, nullif($7, ''), $8::integer,"
         "         $9::integer, $10::bigint, $11)"},
};

static const char *population_service = "central-server/GOV/70000003/population/person";
static const char *entities_service = "central-server/GOV/70000005/legal-entities/entity";

/*
 * The services' X-Road ids: SHAILOO_TUNDUK_POPULATION and
 * SHAILOO_TUNDUK_LEGAL_ENTITIES, else the defaults above.
 */
static void init(void)
{
    const char *service = getenv("SHAILOO_TUNDUK_POPULATION");
    if (service != NULL && *service != '\0')
        population_service = service;
    service = getenv("SHAILOO_TUNDUK_LEGAL_ENTITIES");
    if (service != NULL && *service != '\0')
        entities_service = service;
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
    const char *params[] = {r->method[0] != '\0' ? r->method : "GET",
                            r->service[0] != '\0' ? r->service : population_service,
                            r->xroad_id,
                            r->request_hash,
                            status,
                            outcome_name(r->outcome),
                            r->error_type,
                            duration,
                            attempts,
                            application_id,
                            r->issue[0] != '\0' ? r->issue : NULL};
    PGresult *res = NULL;
    if (db_exec(&statements[REGISTRY_LOG], 11, params, &res) != DB_OK)
        log_error(NULL, "cannot record a Tunduk call: %s", db_error());
    PQclear(res);
}

/* GET service/key (user: X-Road-UserId); a JSON object answer into *found. */
static enum registry_status registry_get(struct http_request *req, const char *what,
                                         const char *service, const char *key, const char *user,
                                         const char *issue, struct json_object **found,
                                         struct tunduk_response *resp)
{
    char path[80];
    snprintf(path, sizeof(path), "/%s", key);
    struct tunduk_request rq = {
        .method = "GET",
        .service = service,
        .path = path,
        .user_id = user,
        .issue = issue,
        .idempotent = true,
    };
    *found = NULL;
    tunduk_call(&rq, resp);
    if (resp->outcome == TUNDUK_NOT_FOUND)
        return REGISTRY_NOT_FOUND;
    if (resp->outcome != TUNDUK_OK) {
        log_error(req->request_id, "%s: %s (%ld, X-Road-Id %s)", what,
                  resp->error_type[0] != '\0' ? resp->error_type : "failed", resp->status,
                  resp->xroad_id);
        return REGISTRY_UNAVAILABLE;
    }
    char err[128];
    struct json_object *o =
        resp->body != NULL ? json_parse_strict(resp->body, resp->body_len, err, sizeof(err)) : NULL;
    if (o == NULL || !json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        log_error(req->request_id, "%s: an answer that is not a JSON object", what);
        return REGISTRY_UNAVAILABLE;
    }
    *found = o;
    return REGISTRY_OK;
}

enum registry_status registry_person(struct http_request *req, const char *pin, const char *issue,
                                     struct json_object **person, struct tunduk_response *resp)
{
    return registry_get(req, "population registry", population_service, pin, pin, issue, person,
                        resp);
}

enum registry_status registry_entity(struct http_request *req, const char *registration_number,
                                     const char *user, const char *issue,
                                     struct json_object **entity, struct tunduk_response *resp)
{
    return registry_get(req, "legal-entity register", entities_service, registration_number, user,
                        issue, entity, resp);
}

const struct api_module registry_module = {"registry", NULL, 0, statements, REGISTRY__MAX, init};
