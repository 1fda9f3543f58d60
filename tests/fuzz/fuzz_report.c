/*
 * libFuzzer: an ASU report's whole path in C, without the database
 * (cgi/api/asu.c's report_post: jws_parse, the protected header, the ES256
 * signature, the strict payload, protocol_check; asu_accept's verdict
 * turned into the answer), plus base64url and protocol_valid_time alone.
 *
 *   make build/fuzz/fuzz_report && build/fuzz/fuzz_report -max_total_time=30 -max_len=4096
 *
 * The first byte of an input picks what the rest is:
 *   0  the request body as sent (any text: most is refused before the key lookup);
 *   1  a payload, signed here with the device's key under {"alg":"ES256","kid":KID}:
 *      the payload path past the signature;
 *   2  a protected header, a newline, a payload: signed here, so header_kid's
 *      checks meet valid signatures;
 *   3  a base64url text: decoded, it must encode back to the same text; and a
 *      time: protocol_valid_time must not read past it.
 *
 * The database is a stub: device KID is registered for station 1001 of
 * election 202701; asu_accept answers a verdict picked by the payload's hash.
 * REPORT_FUZZ_VERBOSE=1 in the environment prints each answer.
 * Oracles: every request gets exactly one answer with a status of the
 * README's table (never 500 but for a verdict the stub made up on purpose),
 * and asu_accept is reached only with a payload of the device's own station
 * and election that keeps the control relations (checked again here).
 */
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jws.h"
#include "rules/protocol.h"
#include "../unit/fake_request.h"

/* The handlers are linked (api/asu.c, asu_report.c, common.c: see the Makefile); no libpq. */
#include "api/api.h"
#include "api/asu_report.h"
#include "core/log.h"

#define KID "20270100000000001001"

static EVP_PKEY *device_key;
static char device_pem[1024];

/* ---- the database, stubbed ---------------------------------------------------- */

struct pg_result {
    int ntuples;
    const char *values[3];
};

static struct pg_result empty_row, device_row, verdict_row;
static int accept_calls;
static unsigned verdict_pick;

static const char *const verdicts[] = {
    "{\"status\":\"accepted\",\"report\":{\"id\":1},\"log\":{\"seq\":1}}",
    "{\"status\":\"duplicate\",\"report\":{\"id\":1}}",
    "{\"status\":\"conflict\"}",
    "{\"status\":\"unknown_device\"}",
    "{\"status\":\"election_closed\"}",
    "{\"status\":\"ballot_mismatch\",\"message\":\"the list ballot has 14 entries\"}",
    "{\"status\":\"ballot_mismatch\"}",
    "{\"status\":\"bad_hour\",\"hours\":[10,12]}",
};
#define NVERDICTS (sizeof(verdicts) / sizeof(verdicts[0]))

/* A report the handler passed on: it must be the device's, and keep the relations. */
static void check_accepted_payload(const char *payload)
{
    char err[160];
    struct json_object *o = json_parse_strict(payload, strlen(payload), err, sizeof(err));
    if (o == NULL) {
        fprintf(stderr, "asu_accept reached with a payload that is not JSON: %s\n", err);
        abort();
    }
    struct protocol_report *r = calloc(1, sizeof(*r));
    struct json_fault bad;
    struct protocol_failure f;
    if (r == NULL)
        abort();
    if (asu_report_parse(o, r, &bad) < 0 || strcmp(r->device_id, KID) != 0 ||
        r->election_id != 202701 || r->station != 1001 || protocol_check(r, &f) < 0) {
        fprintf(stderr, "asu_accept reached with a report that should have been refused\n");
        abort();
    }
    free(r);
    json_object_put(o);
}

enum db_status db_exec(const struct db_statement *stmt, int nparams, const char *const *params,
                       PGresult **res)
{
    const char *name = stmt->name;
    (void)nparams;
    *res = &empty_row;
    if (strcmp(name, "asu_device_key") == 0) {
        if (strcmp(params[0], KID) == 0)
            *res = &device_row;
    } else if (strcmp(name, "asu_accept") == 0) {
        accept_calls++;
        if (strcmp(params[0], KID) != 0) {
            fprintf(stderr, "asu_accept reached for device %s\n", params[0]);
            abort();
        }
        check_accepted_payload(params[2]);
        verdict_row.values[0] = verdicts[verdict_pick % NVERDICTS];
        *res = &verdict_row;
    } else if (strcmp(name, "asu_incident") != 0) {
        fprintf(stderr, "unexpected statement %s\n", name);
        abort();
    }
    return DB_OK;
}

const char *db_sqlstate(void)
{
    return "00000";
}
void db_rollback(void)
{
}
enum db_status db_commit(void)
{
    return DB_OK;
}
const char *db_error(void)
{
    return "stub";
}
const char *db_error_primary(void)
{
    return "stub";
}
const char *db_error_detail(void)
{
    return "";
}
const char *db_error_hint(void)
{
    return "";
}
const char *db_value(PGresult *res)
{
    return res != NULL && res->ntuples == 1 ? res->values[0] : NULL;
}
int PQntuples(const PGresult *res)
{
    return res->ntuples;
}
char *PQgetvalue(const PGresult *res, int row, int col)
{
    if (row >= res->ntuples || col < 0 || col > 2)
        abort();
    return (char *)res->values[col];
}
int PQgetisnull(const PGresult *res, int row, int col)
{
    return PQgetvalue(res, row, col) == NULL;
}
void PQclear(PGresult *res)
{
    (void)res;
}

/* The POST /api/v1/asu/reports route of asu_module, as the dispatcher runs it. */
static struct route_table reports;

/* ---- the harness ------------------------------------------------------------- */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    device_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    BIO *b = BIO_new(BIO_s_mem());
    if (device_key == NULL || b == NULL || PEM_write_bio_PUBKEY(b, device_key) != 1)
        abort();
    char *data;
    long n = BIO_get_mem_data(b, &data);
    if (n <= 0 || (size_t)n >= sizeof(device_pem))
        abort();
    memcpy(device_pem, data, (size_t)n);
    BIO_free(b);
    device_row.ntuples = 1;
    device_row.values[0] = device_pem;
    device_row.values[1] = "202701";
    device_row.values[2] = "1001";
    verdict_row.ntuples = 1;
    for (size_t i = 0; i < asu_module.nroutes; i++)
        if (strcmp(asu_module.routes[i].pattern, "/api/v1/asu/reports") == 0)
            reports = (struct route_table){&asu_module.routes[i], 1};
    if (reports.routes == NULL)
        abort();
    return 0;
}

static const int allowed[] = {200, 201, 400, 401, 409, 415, 422};

static void post(const char *body, size_t len, unsigned pick)
{
    static const char *const env[] = {"CONTENT_TYPE", "application/jose", NULL};
    struct pool *pool = pool_create();
    struct http_request req;
    struct fake f;
    if (pool == NULL)
        abort();
    fake_init(&req, &f, pool, "POST", "/api/v1/asu/reports");
    f.env = env;
    req.body = pool_strndup(pool, body, len);
    req.body_len = len;
    verdict_pick = pick;
    accept_calls = 0;
    route_dispatch(&reports, 1, &req);
    if (!req.sent) {
        fprintf(stderr, "no answer\n");
        abort();
    }
    bool ok = false;
    for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
        ok = ok || req.status == allowed[i];
    if (!ok) {
        fprintf(stderr, "answered %d: %s\n", req.status, fake_body(&f));
        abort();
    }
    if (getenv("REPORT_FUZZ_VERBOSE") != NULL)
        fprintf(stderr, "%d %s\n", req.status, fake_body(&f));
    /* 200/201 only through asu_accept's verdict. */
    if ((req.status == 200 || req.status == 201) && accept_calls != 1)
        abort();
    pool_destroy(pool);
}

static void signed_post(const char *header, const char *payload, size_t payload_len, unsigned pick)
{
    char *text = jws_sign_es256(header, payload, payload_len, device_key);
    if (text == NULL)
        abort();
    post(text, strlen(text), pick);
    free(text);
}

static unsigned hash(const uint8_t *d, size_t n)
{
    unsigned h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ d[i]) * 16777619u;
    return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *rest = (const char *)data + 1;
    size_t n = size - 1;
    unsigned pick = hash(data, size);
    switch (data[0] % 4) {
    case 0:
        post(rest, n, pick);
        break;
    case 1: {
        char *payload = malloc(n + 1);
        if (payload == NULL)
            abort();
        memcpy(payload, rest, n);
        payload[n] = '\0';
        signed_post("{\"alg\":\"ES256\",\"kid\":\"" KID "\"}", payload, n, pick);
        free(payload);
        break;
    }
    case 2: {
        const char *nl = memchr(rest, '\n', n);
        if (nl == NULL)
            break;
        size_t hlen = (size_t)(nl - rest);
        char *header = malloc(hlen + 1), *payload = malloc(n - hlen);
        if (header == NULL || payload == NULL)
            abort();
        memcpy(header, rest, hlen);
        header[hlen] = '\0';
        memcpy(payload, nl + 1, n - hlen - 1);
        payload[n - hlen - 1] = '\0';
        /* The header is signed as a C string: a NUL inside would cut it short. */
        if (strlen(header) == hlen)
            signed_post(header, payload, n - hlen - 1, pick);
        free(header);
        free(payload);
        break;
    }
    default: {
        unsigned char *out = malloc(3 * (n / 4) + 3);
        char *again = malloc(4 * ((n + 2) / 3) + 1 + 4);
        if (out == NULL || again == NULL)
            abort();
        long len = jws_base64url_decode(rest, n, out);
        if (len >= 0) {
            if ((size_t)len != n * 3 / 4)
                abort();
            jws_base64url_encode(out, (size_t)len, again);
            if (strlen(again) != n || memcmp(again, rest, n) != 0)
                abort(); /* two texts for one value */
        }
        free(out);
        free(again);
        char *t = malloc(n + 1);
        if (t == NULL)
            abort();
        memcpy(t, rest, n);
        t[n] = '\0';
        (void)protocol_valid_time(t);
        free(t);
        break;
    }
    }
    return 0;
}
