/*
 * Shailoo as an X-Road (Tunduk) service provider (issue 13; DOMAIN.md,
 * "Tunduk and ESIA"): other agencies' information systems call our services
 * through their security server and ours, which reaches us over mutual TLS
 * (nginx/xroad.conf.in: only /xroad/ paths, a client certificate from the
 * CA we trust, a rate per X-Road-Client).  Each service is described by its
 * own OpenAPI document (static/xroad/openapi/).
 *
 * At the door, in this order: the TLS client was verified (nginx says so),
 * the X-Road headers (X-Road-Client, X-Road-Service naming our subsystem and
 * this path's service code, X-Road-Id a UUID; X-Road-UserId and
 * X-Road-Issue if given), the key (a PIN, an id), then the access table
 * (xroad_access, kept by the CEC's administrators), the answer and its
 * record, in one statement (xroad_serve).  Every call that reaches us,
 * answered or refused, is recorded in xroad_calls with its identifiers and
 * the SHA-256 of the body sent; a call whose record fails is not answered
 * (ServiceFailed).
 *
 * Refusals are in X-Road's shape (header X-Road-Error: type, body
 * {"type","message","detail"}; detail: our request id), never our
 * {"error":{...}}: Client.* with 400, Server.* with 500, as PR-REST says.
 * An unknown complaint or election is the service's own 404 in the same
 * body shape but without X-Road-Error (it is not X-Road failing).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/json.h"
#include "../core/jws.h"
#include "../core/log.h"
#include "../rules/pin.h"
#include "api.h"

enum {
    XROAD_SERVE,
    XROAD_RECORD,
    XROAD_ACCESS_LIST,
    XROAD_ACCESS_GRANT,
    XROAD_ACCESS_REVOKE,
    XROAD_CALLS,
    XROAD__MAX
};

static const struct db_statement statements[XROAD__MAX] = {
    /* The access table, the answer and (for an answer) its record: one statement, one transaction. */
    [XROAD_SERVE] = {"xroad_serve",
                     "SELECT allowed, answer FROM xroad_serve($1, $2, $3, $4::uuid, $5, $6, $7, $8,"
                     "                                        $9, $10, $11::integer, $12, $13)"},
    [XROAD_RECORD] = {"xroad_record",
                      "INSERT INTO xroad_calls (xroad_id, client, service, service_code, user_id,"
                      " issue, method, path, subject_sha256, status, error_type, answer_sha256,"
                      " duration_ms, cert_sha1, request_id)"
                      " VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8, $9, $10::integer, $11, $12,"
                      "         $13::integer, $14, $15)"},
    [XROAD_ACCESS_LIST] = {"xroad_access_list", "SELECT xroad_access_list($1::boolean)::text"},
    [XROAD_ACCESS_GRANT] = {"xroad_access_grant", "SELECT xroad_access_grant($1, $2, $3)::text"},
    [XROAD_ACCESS_REVOKE] = {"xroad_access_revoke",
                             "SELECT xroad_access_revoke($1::bigint, $2)::text"},
    [XROAD_CALLS] = {"xroad_calls", "SELECT xroad_calls_json($1::bigint, $2)::text"},
};

enum key_kind { KEY_PIN, KEY_ID };

/* A service: its code (the last part of X-Road-Service), its key and the key's bound. */
struct xroad_service {
    const char *code;
    enum key_kind key;
    long long max; /* an id's largest value */
    const char *not_found; /* the 404's message when the answer is NULL */
};

/* Our subsystem (instance/class/member/subsystem): SHAILOO_XROAD_SUBSYSTEM. */
static const char *subsystem = "central-server/GOV/70000001/shailoo";

static void xroad_init(void)
{
    const char *s = getenv("SHAILOO_XROAD_SUBSYSTEM");
    if (s == NULL || *s == '\0')
        s = getenv("SHAILOO_TUNDUK_CLIENT");
    if (s != NULL && *s != '\0') {
        if (tunduk_identifier_valid(s))
            subsystem = s;
        else
            log_error(NULL, "SHAILOO_XROAD_SUBSYSTEM is not an X-Road identifier: using %s",
                      subsystem);
    }
}

/* One call as it will be recorded; the strings are the request's (NULL: absent or malformed). */
struct xroad_call {
    struct timespec start;
    const struct xroad_service *service;
    const char *xroad_id, *client, *service_header, *user_id, *issue, *cert_sha1;
    char subject[65]; /* the SHA-256 of the PIN asked about, or "" */
};

/* Exactly 40 hexadecimal digits (a certificate's SHA-1, as nginx gives it). */
static bool sha1_hex(const char *s)
{
    if (s == NULL || strlen(s) != 40)
        return false;
    for (int i = 0; i < 40; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

static long elapsed_ms(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    long ms = (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
    return ms < 0 ? 0 : ms;
}

/* The request's path as recorded: digit runs masked, at most 300 bytes. */
static const char *masked_path(struct http_request *req)
{
    char *path = pool_alloc(req->pool, 301);
    http_mask_digit_runs(req->path, path, 301);
    return http_utf8_trim(path);
}

/*
 * Records the call with the body about to be sent; -1 if it could not be
 * (logged): the caller then answers ServiceFailed instead.
 */
static int record(struct http_request *req, const struct xroad_call *c, int status,
                  const char *error_type, const char *body, size_t len)
{
    char hash[65], status_text[8], duration[24];
    jws_sha256_hex(body, len, hash);
    snprintf(status_text, sizeof(status_text), "%d", status);
    snprintf(duration, sizeof(duration), "%ld", elapsed_ms(&c->start));
    const char *path = masked_path(req);
    const char *params[] = {
        c->xroad_id,      c->client,    c->service_header,
        c->service->code, c->user_id,   c->issue,
        req->method,      path,         c->subject[0] != '\0' ? c->subject : NULL,
        status_text,      error_type,   hash,
        duration,         c->cert_sha1, req->request_id};
    PGresult *res = NULL;
    enum db_status st = db_exec(&statements[XROAD_RECORD], NELEM(params), params, &res);
    PQclear(res);
    if (st != DB_OK) {
        log_error(req->request_id, "xroad: the call could not be recorded: %s", db_error());
        return -1;
    }
    return 0;
}

static void send_body(struct http_request *req, const struct xroad_call *c, int status,
                      const char *body, size_t len)
{
    if (c->xroad_id != NULL)
        http_add_header(req, "X-Road-Id: %s", c->xroad_id);
    http_send(req, status, "application/json; charset=utf-8", "no-store", body, len);
}

/*
 * A refusal in X-Road's shape: status, type (X-Road-Error unless header is
 * false: a service's own 404), message; recorded, then sent.
 */
static void refuse_as(struct http_request *req, const struct xroad_call *c, int status,
                      const char *type, const char *message, bool header)
{
    const char *qtype = json_quote(req->pool, type), *qmessage = json_quote(req->pool, message),
               *qdetail = json_quote(req->pool, req->request_id);
    size_t size = strlen(qtype) + strlen(qmessage) + strlen(qdetail) + 160;
    char *body = pool_alloc(req->pool, size);
    int n = snprintf(body, size, "{\"type\":%s,\"message\":%s,\"detail\":%s}", qtype, qmessage,
                     qdetail);
    if (record(req, c, status, type, body, (size_t)n) < 0) {
        type = "Server.ServerProxy.ServiceFailed";
        status = 500;
        n = snprintf(body, size,
                     "{\"type\":\"%s\",\"message\":\"the service failed; it has been "
                     "logged\",\"detail\":%s}",
                     type, qdetail);
        header = true;
    }
    if (header)
        http_add_header(req, "X-Road-Error: %s", type);
    send_body(req, c, status, body, (size_t)n);
}

static void refuse(struct http_request *req, const struct xroad_call *c, const char *type,
                   const char *message)
{
    refuse_as(req, c, strncmp(type, "Client.", 7) == 0 ? 400 : 500, type, message, true);
}

/* The X-Road headers and the TLS client into c; 0, or -1 having refused. */
static int read_headers(struct http_request *req, struct xroad_call *c)
{
    const char *verify = req->getenv(req->getenv_ctx, "SSL_CLIENT_VERIFY");
    const char *cert = req->getenv(req->getenv_ctx, "SSL_CLIENT_FINGERPRINT");
    c->cert_sha1 = sha1_hex(cert) ? cert : NULL;
    const char *id = http_header(req, "X-Road-Id");
    c->xroad_id = tunduk_uuid_valid(id) ? id : NULL;
    const char *client = http_header(req, "X-Road-Client");
    c->client = tunduk_subsystem_valid(client) ? client : NULL;
    const char *service = http_header(req, "X-Road-Service");
    c->service_header = tunduk_identifier_valid(service) ? service : NULL;
    const char *user = http_header(req, "X-Road-UserId");
    c->user_id = tunduk_text_valid(user) ? user : NULL;
    const char *issue = http_header(req, "X-Road-Issue");
    c->issue = tunduk_text_valid(issue) ? issue : NULL;

    /* nginx's X-Road server verified the certificate; anything else did not come through it. */
    if (verify == NULL || strcmp(verify, "SUCCESS") != 0) {
        refuse(req, c, "Server.ServerProxy.SslAuthenticationFailed",
               "the security server did not present a certificate we trust");
        return -1;
    }
    if (client == NULL || c->client == NULL) {
        refuse(req, c, "Client.BadRequest",
               client == NULL ? "X-Road-Client is required"
                              : "X-Road-Client must be instance/class/member/subsystem in "
                                "X-Road's identifier characters");
        return -1;
    }
    if (id == NULL || c->xroad_id == NULL) {
        refuse(req, c, "Client.BadRequest",
               id == NULL ? "X-Road-Id is required" : "X-Road-Id must be a UUID");
        return -1;
    }
    if (service == NULL || c->service_header == NULL) {
        refuse(req, c, "Client.BadRequest",
               service == NULL ? "X-Road-Service is required"
                               : "X-Road-Service is not an X-Road identifier");
        return -1;
    }
    if ((user != NULL && c->user_id == NULL) || (issue != NULL && c->issue == NULL)) {
        refuse(req, c, "Client.BadRequest",
               c->user_id == NULL && user != NULL
                   ? "X-Road-UserId must be 1 to 255 printable characters"
                   : "X-Road-Issue must be 1 to 255 printable characters");
        return -1;
    }
    size_t n = strlen(subsystem);
    if (strncmp(service, subsystem, n) != 0 || service[n] != '/' ||
        strcmp(service + n + 1, c->service->code) != 0) {
        char msg[400];
        snprintf(msg, sizeof(msg), "this path is the service %s/%s", subsystem, c->service->code);
        refuse(req, c, "Server.ServerProxy.UnknownService", msg);
        return -1;
    }
    return 0;
}

/* The path's key checked: a PIN (its hash kept for the record) or a positive id. */
static int read_key(struct http_request *req, struct xroad_call *c, const char *key)
{
    if (c->service->key == KEY_PIN) {
        if (!pin_valid(key)) {
            refuse(req, c, "Client.BadRequest", "the PIN must be 14 digits");
            return -1;
        }
        jws_sha256_hex(key, strlen(key), c->subject);
        return 0;
    }
    size_t n = strlen(key);
    bool digits = n >= 1 && n <= 18 && key[0] != '0';
    for (size_t i = 0; digits && i < n; i++)
        digits = key[i] >= '0' && key[i] <= '9';
    long long v = digits ? strtoll(key, NULL, 10) : 0;
    if (!digits || v < 1 || v > c->service->max) {
        refuse(req, c, "Client.BadRequest", "the id must be a positive whole number");
        return -1;
    }
    return 0;
}

static void serve(struct http_request *req, const struct xroad_service *svc, const char *key)
{
    struct xroad_call c = {.service = svc};
    clock_gettime(CLOCK_MONOTONIC, &c.start);
    if (read_headers(req, &c) < 0 || read_key(req, &c, key) < 0)
        return;
    char ms[24];
    snprintf(ms, sizeof(ms), "%ld", elapsed_ms(&c.start));
    const char *params[] = {svc->code,
                            c.client,
                            key,
                            c.xroad_id,
                            c.service_header,
                            c.user_id,
                            c.issue,
                            req->method,
                            masked_path(req),
                            c.subject[0] != '\0' ? c.subject : NULL,
                            ms,
                            c.cert_sha1,
                            req->request_id};
    PGresult *res = NULL;
    enum db_status st = db_exec(&statements[XROAD_SERVE], NELEM(params), params, &res);
    if (st != DB_OK || PQntuples(res) != 1) {
        log_error(req->request_id, "xroad %s: %s", svc->code,
                  st == DB_UNAVAILABLE ? "database unavailable" : db_error());
        PQclear(res);
        refuse(req, &c, "Server.ServerProxy.ServiceFailed",
               "the service failed; try again shortly");
        return;
    }
    if (strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
        PQclear(res);
        char msg[400];
        snprintf(msg, sizeof(msg), "%s may not call %s/%s", c.client, subsystem, svc->code);
        refuse(req, &c, "Server.ServerProxy.AccessDenied", msg);
        return;
    }
    if (PQgetisnull(res, 0, 1)) {
        PQclear(res);
        refuse_as(req, &c, 404, "NotFound", svc->not_found, false);
        return;
    }
    /* Recorded by xroad_serve with the SHA-256 of these bytes, in its transaction. */
    size_t len = (size_t)PQgetlength(res, 0, 1);
    char *body = pool_alloc(req->pool, len + 1);
    memcpy(body, PQgetvalue(res, 0, 1), len + 1);
    PQclear(res);
    send_body(req, &c, 200, body, len);
}

enum { SERVICE_VOTER, SERVICE_CANDIDATE, SERVICE_COMPLAINT, SERVICE_RESULTS, SERVICE__MAX };
static const struct xroad_service services[SERVICE__MAX] = {
    [SERVICE_VOTER] = {"voter-status", KEY_PIN, 0, NULL},
    [SERVICE_CANDIDATE] = {"candidate-status", KEY_PIN, 0, NULL},
    [SERVICE_COMPLAINT] = {"complaint-status", KEY_ID, BIG_ID_MAX,
                           "there is no complaint with this id"},
    [SERVICE_RESULTS] = {"election-results", KEY_ID, ID_MAX, "there is no election with this id"},
};

static void voter_status(struct http_request *req)
{
    serve(req, &services[SERVICE_VOTER], http_arg_text(req, "pin"));
}

static void candidate_status(struct http_request *req)
{
    serve(req, &services[SERVICE_CANDIDATE], http_arg_text(req, "pin"));
}

static void complaint_status(struct http_request *req)
{
    serve(req, &services[SERVICE_COMPLAINT], http_arg_text(req, "id"));
}

static void election_results(struct http_request *req)
{
    serve(req, &services[SERVICE_RESULTS], http_arg_text(req, "id"));
}

/*
 * The key is checked by the handler, not the dispatcher, so that a bad one
 * is refused in X-Road's shape (nginx lets only [A-Za-z0-9._-] through).
 */
#define FIELD_XROAD_KEY(name, what)                                                                \
    {                                                                                              \
        name, FIELD_TEXT, 0, 200, .about = what                                                    \
    }

static const struct route routes[] = {
    {"GET", "/xroad/v1/voters/{pin}", voter_status,
     .path = {FIELD_XROAD_KEY("pin", "a person's PIN (14 digits)")},
     .summary = "X-Road service voter-status: is the PIN on the voter list, its status and "
                "station (mTLS, X-Road headers, the access table)"},
    {"GET", "/xroad/v1/candidates/{pin}", candidate_status,
     .path = {FIELD_XROAD_KEY("pin", "a person's PIN (14 digits)")},
     .summary = "X-Road service candidate-status: a person's candidacies and their registration"},
    {"GET", "/xroad/v1/complaints/{id}", complaint_status,
     .path = {FIELD_XROAD_KEY("id", "a complaint's id")},
     .summary = "X-Road service complaint-status: a complaint's status and decision"},
    {"GET", "/xroad/v1/elections/{id}/results", election_results,
     .path = {FIELD_XROAD_KEY("id", "an election's id")},
     .summary = "X-Road service election-results: an election's official results"},
    {"GET", "/api/v1/xroad/access",
     API_READ(&statements[XROAD_ACCESS_LIST], CACHE_NONE, false, "not_found", "no grants"),
     .access = ACCESS_CEC_ADMIN,
     .query = {{"all", FIELD_BOOL, .def = "false", .about = "with the revoked grants"}},
     .summary = "Which client subsystems may call which of our X-Road services"},
    {"POST", "/api/v1/xroad/access",
     API_CALL(&statements[XROAD_ACCESS_GRANT],
              {{"client", FIELD_TEXT, 1, 255, true,
                .about = "the client subsystem: instance/class/member/subsystem"},
               {"service", FIELD_TEXT, 1, 40, true,
                .about = "voter-status, candidate-status, complaint-status or election-results"}},
              201),
     .access = ACCESS_CEC_ADMIN, .body = "application/json",
     .summary = "The CEC lets a client subsystem call one of our X-Road services"},
    {"DELETE", "/api/v1/xroad/access/{id}", API_CALL(&statements[XROAD_ACCESS_REVOKE]),
     .access = ACCESS_CEC_ADMIN, .path = {FIELD_RECORD("id")},
     .summary = "The CEC revokes a grant (kept, with who revoked it and when)"},
    {"GET", "/api/v1/xroad/calls",
     API_READ(&statements[XROAD_CALLS], CACHE_NONE, false, "not_found", "no calls"),
     .access = ACCESS_CEC_ADMIN,
     .query = {FIELD_AFTER("before"),
               {"client", FIELD_TEXT, 1, 255, .about = "only this client subsystem's calls"}},
     .summary = "The evidence of calls to our X-Road services, newest first (200 at most)"},
};

const struct api_module xroad_module = {"xroad",    routes,     NELEM(routes),
                                        statements, XROAD__MAX, xroad_init};
