/*
 * The ASU devices of an election and their reports.  The CEC registers each
 * station's device and its public key (ES256); the keys are public, so anyone
 * can verify reports.  A device sends each report as a compact JWS: verified
 * here with the registered key, its control relations checked by
 * rules/protocol.c, and accepted whole by the database's asu_accept() (the
 * report, the station's figures, the areas' sums and the public log in one
 * transaction).  Format and answers: README.md, "Election night".
 */
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/json.h"
#include "../core/jws.h"
#include "../core/keys.h"
#include "../core/log.h"
#include "../rules/protocol.h"
#include "api.h"
#include "asu_report.h"

enum {
    ASU_DEVICE_NEW,
    ASU_DEVICE_WHY,
    ASU_DEVICES,
    ASU_DEVICE_REVOKE,
    ASU_DEVICE_EXISTS,
    ASU_INCIDENTS,
    ASU_DEVICE_KEY,
    ASU_ACCEPT,
    ASU_INCIDENT,
    ASU__MAX
};

static const struct db_statement statements[ASU__MAX] = {
    [ASU_DEVICE_NEW] =
        {"asu_device_new",
         "INSERT INTO asu_devices (device_id, election_id, station_number, public_key, registered_by,"
         "                         kind)"
         " SELECT $1, e.id, s.number, $4, $5, $6 FROM elections e, stations s"
         "  WHERE e.id = $2::integer AND s.number = $3::integer"
         "    AND e.status IN ('scheduled', 'open', 'counting')"
         " RETURNING json_build_object('device', asu_device_json(asu_devices))::text"},
    [ASU_DEVICE_WHY] = {"asu_device_why",
                        "SELECT (SELECT status FROM elections WHERE id = $1::integer),"
                        "       EXISTS (SELECT 1 FROM stations WHERE number = $2::integer)"},
    [ASU_DEVICES] = {"asu_devices",
                     "SELECT json_build_object('items', coalesce(json_agg(asu_device_json(d)"
                     "  ORDER BY d.station_number, d.registered_at), '[]'))::text"
                     "  FROM asu_devices d WHERE d.election_id = $1::integer"
                     "   AND ($2::integer IS NULL OR d.station_number = $2::integer)"},
    [ASU_DEVICE_REVOKE] =
        {"asu_device_revoke",
         "UPDATE asu_devices SET revoked_at = now() WHERE device_id = $1 AND revoked_at IS NULL"
         " RETURNING json_build_object('device', asu_device_json(asu_devices))::text"},
    [ASU_DEVICE_EXISTS] = {"asu_device_exists", "SELECT 1 FROM asu_devices WHERE device_id = $1"},
    [ASU_INCIDENTS] =
        {"asu_incidents",
         "SELECT json_build_object('items', coalesce(json_agg(json_build_object("
         "  'id', i.id, 'received_at', i.received_at, 'station_number', i.station_number,"
         "  'device_id', i.device_id, 'seq', i.seq, 'kind', i.kind, 'code', i.code, 'detail', i.detail,"
         "  'sha256', encode(i.sha256, 'hex'), 'jws', i.jws) ORDER BY i.id), '[]'),"
         "  'next_after', CASE WHEN count(*) = $3::integer THEN max(i.id) END)::text"
         "  FROM (SELECT * FROM asu_incidents WHERE election_id = $1::integer AND id > $2::bigint"
         "         ORDER BY id LIMIT $3::integer) i"},
    [ASU_DEVICE_KEY] = {"asu_device_key",
                        "SELECT public_key, election_id, station_number FROM asu_devices"
                        " WHERE device_id = $1 AND revoked_at IS NULL"},
    [ASU_ACCEPT] = {"asu_accept", "SELECT asu_accept($1, $2, $3)::text"},
    [ASU_INCIDENT] =
        {"asu_incident",
         "SELECT asu_incident(d, $2::integer, $3, $4, $5, $6) FROM asu_devices d WHERE d.device_id = $1"},
};

/* A device to register: POST /api/v1/asu/devices. */
struct device_input {
    const char *device, *key; /* borrowed from the body */
    char election[24], station[24];
    const char *kind; /* "asu" (the default) or "identification" */
};

static int parse_device(struct json_object *o, struct device_input *in, struct json_fault *f)
{
    static const char *const members[] = {"device_id",  "election_id", "station_number",
                                          "public_key", "kind",        NULL};
    static const char *const kinds[] = {"asu", "identification", NULL};
    long long election, station;
    int kind = 0;
    if (json_read_object(o, "", members, f) < 0 ||
        json_read_choice(o, "", "kind", false, kinds, &kind, f) < 0 ||
        json_read_digits(o, "", "device_id", true, DEVICE_ID_DIGITS, &in->device, f) < 0 ||
        json_read_int(o, "", "election_id", true, 1, ID_MAX, &election, f) < 0 ||
        json_read_int(o, "", "station_number", true, STATION_MIN, STATION_MAX, &station, f) < 0 ||
        json_read_string(o, "", "public_key", true, 1024, &in->key, f) < 0)
        return -1;
    snprintf(in->election, sizeof(in->election), "%lld", election);
    snprintf(in->station, sizeof(in->station), "%lld", station);
    in->kind = kinds[kind];
    return 0;
}

static void device_post(struct http_request *req)
{
    struct json_object *o = api_json_body(req, NULL);
    if (o == NULL)
        return;
    const struct user *u = req->user;
    struct device_input in;
    struct json_fault f;
    PGresult *res = NULL;
    if (parse_device(o, &in, &f) < 0) {
        api_json_refuse(req, &f);
        goto out;
    }
    if (!keys_is_p256_public_pem(in.key, strlen(in.key))) {
        http_error(req, 400, "invalid_key",
                   "public_key must be an EC P-256 public key in PEM (ES256)", "public_key");
        goto out;
    }
    const char *election = in.election, *station = in.station;
    const char *params[] = {in.device, election, station, in.key, u->pin, in.kind};
    enum db_status st = db_exec(&statements[ASU_DEVICE_NEW], 6, params, &res);
    if (st == DB_FAILED && strcmp(db_sqlstate(), "23505") == 0) {
        http_error(req, 409, "device_conflict",
                   "this device is registered already, or the station has a working device", NULL);
        goto out;
    }
    if (st != DB_OK) {
        api_db_failure(req, st);
        goto out;
    }
    if (PQntuples(res) == 1) {
        const char *json = PQgetvalue(res, 0, 0);
        http_json(req, 201, json, strlen(json), CACHE_NONE);
        goto out;
    }
    /* Nothing inserted: say which of election or station is wrong. */
    PQclear(res);
    res = NULL;
    if ((st = db_exec(&statements[ASU_DEVICE_WHY], 2, (const char *const[]){election, station},
                      &res)) != DB_OK) {
        api_db_failure(req, st);
        goto out;
    }
    if (PQgetisnull(res, 0, 0))
        http_error(req, 422, "election_not_found", "there is no such election", "election_id");
    else if (strcmp(PQgetvalue(res, 0, 1), "t") != 0)
        http_error(req, 422, "station_not_found", "there is no polling station with this number",
                   "station_number");
    else
        http_error(req, 422, "election_closed", "this election takes no more devices",
                   "election_id");
out:
    PQclear(res);
    json_object_put(o);
}

/* ---- Reports ----------------------------------------------------------- */

static void record_incident(struct http_request *req, const char *jws, const char *device,
                            int64_t seq, const char *kind, const char *code, const char *detail)
{
    char seqs[24];
    snprintf(seqs, sizeof(seqs), "%lld", (long long)seq);
    const char *params[] = {device, seqs, kind, code, detail, jws};
    PGresult *res = NULL;
    enum db_status st = db_exec(&statements[ASU_INCIDENT], 6, params, &res);
    if (st != DB_OK)
        log_error(req->request_id, "incident not recorded: %s", db_error());
    PQclear(res);
}

/* The answer to asu_accept()'s verdict (json: {"status":...}), by the table of asu_report.c. */
static void answer(struct http_request *req, const char *json)
{
    char err[64];
    struct json_object *o =
        json != NULL ? json_parse_strict(json, strlen(json), err, sizeof(err)) : NULL;
    const char *status = "", *message = NULL;
    struct json_fault f;
    if (json_read_string(o, "", "status", true, 64, &status, &f) < 0 ||
        json_read_string(o, "", "message", false, 500, &message, &f) < 0)
        status = "";
    const struct asu_verdict *v = asu_verdict_find(status);
    if (v == NULL) {
        log_error(req->request_id, "asu_accept answered %s", json != NULL ? json : "nothing");
        http_error(req, 500, "internal", "internal error; it has been logged", NULL);
    } else if (v->code == NULL) {
        http_json(req, v->http, json, strlen(json), CACHE_NONE);
    } else {
        /* ballot_mismatch says which ballot and how. */
        http_error(req, v->http, v->code,
                   message != NULL &&
                           (strcmp(v->status, "ballot_mismatch") == 0 ||
                            strcmp(v->status, "wrong_device_kind") == 0)
                       ? message
                       : v->message,
                   v->field);
    }
    json_object_put(o);
}

static bool is_jose(const char *type)
{
    size_t n = strlen("application/jose");
    return type != NULL && strncasecmp(type, "application/jose", n) == 0 &&
        (type[n] == '\0' || type[n] == ';' || type[n] == ' ');
}

/* The device a report names, as registered: its election and station. */
struct sender {
    char kid[DEVICE_ID_DIGITS + 1];
    long election, station;
};

/*
 * The compact JWS text (j parsed from it, freed by the caller): its header,
 * its device's registered key and the signature.  0, or -1 having answered.
 */
static int verify_report(struct http_request *req, const char *text, struct jws *j,
                         struct sender *d)
{
    bool alg_ok;
    PGresult *res = NULL;
    EVP_PKEY *key = NULL;
    int rc = -1;
    if (!asu_report_header(j, d->kid, &alg_ok)) {
        http_error(req, 400, "malformed_jws",
                   "the protected header must be {\"alg\":\"ES256\",\"kid\":\"<device id>\"}",
                   NULL);
        return -1;
    }
    if (!alg_ok) {
        http_error(req, 401, "bad_signature", "reports are signed with ES256 only", NULL);
        return -1;
    }
    enum db_status st =
        db_exec(&statements[ASU_DEVICE_KEY], 1, (const char *const[]){d->kid}, &res);
    if (st != DB_OK) {
        api_db_failure(req, st);
        return -1;
    }
    if (PQntuples(res) != 1) {
        http_error(req, 401, "unknown_device", "no working device has this key id", NULL);
        goto out;
    }
    const char *pem = PQgetvalue(res, 0, 0);
    d->election = atol(PQgetvalue(res, 0, 1));
    d->station = atol(PQgetvalue(res, 0, 2));
    if ((key = jws_public_key(pem, strlen(pem))) == NULL) {
        log_error(req->request_id, "device %s has an unreadable public key", d->kid);
        http_error(req, 500, "internal", "internal error; it has been logged", NULL);
    } else if (!jws_verify_es256(text, j, key)) {
        http_error(req, 401, "bad_signature", "the signature does not verify with the device's key",
                   NULL);
    } else {
        rc = 0;
    }
out:
    PQclear(res);
    jws_key_free(key);
    return rc;
}

/*
 * The verified payload r: the device's own station and election, and the
 * control relations.  0, or -1 having answered (and kept it as an incident).
 */
static int check_report(struct http_request *req, const char *text, const struct sender *d,
                        const struct protocol_report *r)
{
    char msg[160];
    struct protocol_failure f;
    if (strcmp(r->device_id, d->kid) != 0 || r->election_id != d->election ||
        r->station != d->station) {
        snprintf(msg, sizeof(msg), "device %s is registered for station %ld in election %ld",
                 d->kid, d->station, d->election);
        record_incident(req, text, d->kid, r->seq, "wrong_station", "wrong_station", msg);
        http_error(req, 422, "wrong_station", msg, "station");
        return -1;
    }
    if (protocol_check(r, &f) < 0) {
        record_incident(req, text, d->kid, r->seq, "control_failed", f.code, f.message);
        http_error(req, 422, "control_failed", f.message, f.field);
        return -1;
    }
    return 0;
}

static void report_post(struct http_request *req)
{
    if (!is_jose(req->getenv(req->getenv_ctx, "CONTENT_TYPE"))) {
        http_error(req, 415, "unsupported_media_type",
                   "send the report as a compact JWS with Content-Type: application/jose", NULL);
        return;
    }
    struct jws j;
    struct sender d;
    const char *why;
    PGresult *res = NULL;
    struct json_object *payload = NULL;
    size_t len = req->body_len;
    while (len > 0 && (req->body[len - 1] == '\n' || req->body[len - 1] == '\r'))
        len--;
    if (req->body == NULL || len == 0) {
        http_error(req, 400, "malformed_jws", "the body must be a compact JWS", NULL);
        return;
    }
    const char *text = pool_strndup(req->pool, req->body, len);
    if (jws_parse(text, len, &j, &why) < 0) {
        http_error(req, 400, "malformed_jws", why, NULL);
        return;
    }
    if (verify_report(req, text, &j, &d) < 0)
        goto out;
    char err[160];
    payload = json_parse_strict(j.payload, j.payload_len, err, sizeof(err));
    if (payload == NULL) {
        http_error(req, 400, "invalid_json", err, NULL);
        goto out;
    }
    struct protocol_report *r = pool_alloc(req->pool, sizeof(*r));
    memset(r, 0, sizeof(*r));
    struct json_fault bad;
    if (asu_report_parse(payload, r, &bad) < 0) {
        /* The devices' contract (README, "Election night"): every fault of a payload is invalid_field. */
        http_error(req, 400, "invalid_field", bad.message, bad.field);
        goto out;
    }
    if (check_report(req, text, &d, r) < 0)
        goto out;
    const char *signed_payload = pool_strndup(req->pool, j.payload, j.payload_len);
    enum db_status st = db_exec(&statements[ASU_ACCEPT], 3,
                                (const char *const[]){d.kid, text, signed_payload}, &res);
    if (st != DB_OK)
        api_db_failure(req, st);
    else
        answer(req, db_value(res));
out:
    PQclear(res);
    json_object_put(payload);
    jws_free(&j);
}

static const struct route routes[] = {
    {"POST", "/api/v1/asu/reports", report_post, .body = "application/jose",
     .summary =
         "A station's ASU sends a signed report (compact JWS, ES256): opening, turnout or final;"
         " its identification device, the voters identified"},
    {"POST", "/api/v1/asu/devices/{device}/revoke", api_revoke, ACCESS_CEC_ADMIN,
     .data =
         &(const struct api_revoke){&statements[ASU_DEVICE_REVOKE], &statements[ASU_DEVICE_EXISTS]},
     .path = {FIELD_DEVICE("device")},
     .summary = "Take a broken or lost ASU out of service; its station may get another"},
    {"GET", "/api/v1/asu/incidents",
     API_READ(&statements[ASU_INCIDENTS], CACHE_NONE, false, "not_found", "no incidents"),
     .access = ACCESS_CEC_ADMIN,
     .query = {{"election", FIELD_INT, 1, ID_MAX, .required = true, .about = "an election's id"},
               FIELD_AFTER("after"),
               {"limit", FIELD_INT, 1, 1000, .def = "100", .about = "incidents a page"}},
     .summary = "Reports refused, for the CEC to look into, a page at a time"},
    {"POST", "/api/v1/asu/devices", device_post, ACCESS_CEC_ADMIN, .body = "application/json",
     .summary = "Register a station's ASU (or identification device) and its public key (ES256)"},
    {"GET", "/api/v1/asu/devices",
     API_READ(&statements[ASU_DEVICES], CACHE_SHORT, false, "not_found", "no devices"),
     .query = {{"election", FIELD_INT, 1, ID_MAX, .required = true, .about = "an election's id"},
               FIELD_STATION("station")},
     .summary = "The ASU devices of an election and their public keys (anyone may verify reports)"},
};

const struct api_module asu_module = {"asu", routes, NELEM(routes), statements, ASU__MAX, NULL};
