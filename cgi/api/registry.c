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
         "         $9::integer, $10::bigint, $11)"
         " RETURNING id"},
};

/*
 * The registers we ask, each an X-Road service: its default id and the
 * environment variable that overrides it (the ids of a real deployment).
 */
static struct {
    const char *what, *env, *service;
} services[REGISTRY__SERVICES] = {
    [REGISTRY_POPULATION] = {"population registry", "SHAILOO_TUNDUK_POPULATION",
                             "central-server/GOV/70000003/population/person"},
    [REGISTRY_LEGAL_ENTITIES] = {"legal-entity register", "SHAILOO_TUNDUK_LEGAL_ENTITIES",
                                 "central-server/GOV/70000005/legal-entities/entity"},
    [REGISTRY_TREASURY] = {"treasury", "SHAILOO_TUNDUK_TREASURY",
                           "central-server/GOV/70000013/treasury/payment"},
    [REGISTRY_CONVICTIONS] = {"register of convictions", "SHAILOO_TUNDUK_CONVICTIONS",
                              "central-server/GOV/70000007/criminal-records/record"},
    [REGISTRY_CITIZENSHIP] = {"citizenship register", "SHAILOO_TUNDUK_CITIZENSHIP",
                              "central-server/GOV/70000009/citizenship/status"},
    [REGISTRY_DISABILITY] = {"disability register", "SHAILOO_TUNDUK_DISABILITY",
                             "central-server/GOV/70000011/disability/status"},
};

/* The services' X-Road ids from the environment, where given. */
static void init(void)
{
    for (size_t i = 0; i < REGISTRY__SERVICES; i++) {
        const char *service = getenv(services[i].env);
        if (service != NULL && *service != '\0')
            services[i].service = service;
    }
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

long registry_log_call(const struct tunduk_response *r, const char *application_id)
{
    char status[16], duration[24], attempts[16];
    snprintf(status, sizeof(status), "%ld", r->status);
    snprintf(duration, sizeof(duration), "%ld", r->duration_ms);
    snprintf(attempts, sizeof(attempts), "%d", r->attempts > 0 ? r->attempts : 1);
    const char *params[] = {r->method[0] != '\0' ? r->method : "GET",
                            r->service[0] != '\0' ? r->service : services[0].service,
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
    long id = 0;
    if (db_exec(&statements[REGISTRY_LOG], 11, params, &res) != DB_OK)
        log_error(NULL, "cannot record a Tunduk call: %s", db_error());
    else
        id = strtol(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return id;
}

enum registry_status registry_ask(struct http_request *req, enum registry_service which,
                                  const char *key, const char *user, const char *issue,
                                  struct json_object **found, struct tunduk_response *resp)
{
    char path[80];
    snprintf(path, sizeof(path), "/%s", key);
    struct tunduk_request rq = {
        .method = "GET",
        .service = services[which].service,
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
        log_error(req->request_id, "%s: %s (%ld, X-Road-Id %s)", services[which].what,
                  resp->error_type[0] != '\0' ? resp->error_type : "failed", resp->status,
                  resp->xroad_id);
        return REGISTRY_UNAVAILABLE;
    }
    char err[128];
    struct json_object *o =
        resp->body != NULL ? json_parse_strict(resp->body, resp->body_len, err, sizeof(err)) : NULL;
    if (o == NULL || !json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        log_error(req->request_id, "%s: an answer that is not a JSON object", services[which].what);
        return REGISTRY_UNAVAILABLE;
    }
    *found = o;
    return REGISTRY_OK;
}

const char *registry_text(struct http_request *req, enum registry_service which, const char *key,
                          const char *user, const char *issue, enum registry_status *rs, long *call)
{
    struct json_object *o = NULL;
    struct tunduk_response tr;
    *rs = registry_ask(req, which, key, user, issue, &o, &tr);
    long id = registry_log_call(&tr, NULL);
    if (call != NULL)
        *call = id;
    tunduk_response_free(&tr);
    const char *text = o != NULL
        ? pool_strdup(req->pool, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN))
        : NULL;
    json_object_put(o);
    return text;
}

enum registry_status registry_person(struct http_request *req, const char *pin, const char *issue,
                                     struct json_object **person, struct tunduk_response *resp)
{
    return registry_ask(req, REGISTRY_POPULATION, pin, pin, issue, person, resp);
}

const struct api_module registry_module = {"registry", NULL, 0, statements, REGISTRY__MAX, init};
