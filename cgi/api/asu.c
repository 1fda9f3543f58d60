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

enum {
    ASU_DEVICE_NEW, ASU_DEVICE_WHY, ASU_DEVICES, ASU_DEVICE_REVOKE, ASU_DEVICE_EXISTS, ASU_INCIDENTS, ASU_DEVICE_KEY, ASU_ACCEPT, ASU_INCIDENT, ASU__MAX
};

static const struct db_statement statements[ASU__MAX] = {
    [ASU_DEVICE_NEW] = {"asu_device_new",
     "INSERT INTO asu_devices (device_id, election_id, station_number, public_key, registered_by)"
     " SELECT $1, e.id, s.number, $4, $5 FROM elections e, stations s"
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
    [ASU_DEVICE_REVOKE] = {"asu_device_revoke",
     "UPDATE asu_devices SET revoked_at = now() WHERE device_id = $1 AND revoked_at IS NULL"
     " RETURNING json_build_object('device', asu_device_json(asu_devices))::text"},
    [ASU_DEVICE_EXISTS] = {"asu_device_exists", "SELECT 1 FROM asu_devices WHERE device_id = $1"},
    [ASU_INCIDENTS] = {"asu_incidents",
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
    [ASU_INCIDENT] = {"asu_incident",
     "SELECT asu_incident(d, $2::integer, $3, $4, $5, $6) FROM asu_devices d WHERE d.device_id = $1"},
};

static const char *const device_members[] = {"device_id", "election_id", "station_number",
                                             "public_key", NULL};

static void device_post(struct http_request *req)
{
    struct json_object *o = api_json_body(req, device_members), *v;
    if (o == NULL)
        return;
    const struct user *u = req->user;
    char election[24], station[24];
    const char *key = NULL;
    long long x;
    PGresult *res = NULL;
    const char *device = api_json_digits(o, "device_id", 20);
    if (device == NULL) {
        http_error(req, 400, "invalid_field", "device_id is the device's 20-digit identifier",
                   "device_id");
        goto out;
    }
    if (!api_json_int(o, "election_id", 1, 2147483647, &x)) {
        http_error(req, 400, "invalid_field", "election_id must be a positive whole number",
                   "election_id");
        goto out;
    }
    snprintf(election, sizeof(election), "%lld", x);
    if (!api_json_int(o, "station_number", 1, 99999, &x)) {
        http_error(req, 400, "invalid_field", "station_number must be a station's number",
                   "station_number");
        goto out;
    }
    snprintf(station, sizeof(station), "%lld", x);
    if (json_object_object_get_ex(o, "public_key", &v) && json_object_is_type(v, json_type_string))
        key = json_object_get_string(v);
    if (key == NULL || !keys_is_p256_public_pem(key, (size_t)json_object_get_string_len(v))) {
        http_error(req, 400, "invalid_key", "public_key must be an EC P-256 public key in PEM (ES256)",
                   "public_key");
        goto out;
    }
    const char *params[] = {device, election, station, key, u->pin};
    enum db_status st = db_exec(&statements[ASU_DEVICE_NEW], 5, params, &res);
    if (st == DB_FAILED && strcmp(db_sqlstate(), "23505") == 0) {
        http_error(req, 409, "device_conflict",
                   "this device is registered already, or the station has a working device",
                   NULL);
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
    if ((st = db_exec(&statements[ASU_DEVICE_WHY], 2, (const char *const[]){election, station}, &res)) != DB_OK) {
        api_db_failure(req, st);
        goto out;
    }
    if (PQgetisnull(res, 0, 0))
        http_error(req, 422, "election_not_found", "there is no such election", "election_id");
    else if (strcmp(PQgetvalue(res, 0, 1), "t") != 0)
        http_error(req, 422, "station_not_found", "there is no polling station with this number",
                   "station_number");
    else
        http_error(req, 422, "election_closed", "this election takes no more devices", "election_id");
out:
    PQclear(res);
    json_object_put(o);
}

/* ---- Reports ----------------------------------------------------------- */

/* Why a payload is not a report: a message and the member at fault. */
struct bad_payload {
    char message[160];
    char field[64];
};

__attribute__((format(printf, 3, 4)))
static int refuse(struct bad_payload *b, const char *field, const char *fmt, ...)
{
    /* A member's name is the sender's text: never cut in the middle of a character. */
    snprintf(b->field, sizeof(b->field), "%.*s", (int)http_utf8_prefix(field, sizeof(b->field) - 1),
             field);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->message, sizeof(b->message), fmt, ap);
    va_end(ap);
    http_utf8_trim(b->message);
    return -1;
}

static int get_count(struct json_object *o, const char *name, const char *path, int64_t *out,
                     struct bad_payload *b)
{
    long long x;
    char field[64];
    snprintf(field, sizeof(field), "%s%s", path, name);
    if (!api_json_int(o, name, 0, PROTOCOL_MAX_COUNT, &x))
        return refuse(b, field, "%s must be a whole number from 0 to %d", field, PROTOCOL_MAX_COUNT);
    *out = x;
    return 0;
}

/* An array of counts (at most max) into out[]; *n its length. */
static int get_counts(struct json_object *arr, const char *field, int64_t *out, size_t max,
                      size_t *n, struct bad_payload *b)
{
    if (arr == NULL || !json_object_is_type(arr, json_type_array))
        return refuse(b, field, "%s must be an array of counts", field);
    size_t len = json_object_array_length(arr);
    if (len == 0 || len > max)
        return refuse(b, field, "%s must have 1 to %zu counts", field, max);
    for (size_t i = 0; i < len; i++) {
        struct json_object *v = json_object_array_get_idx(arr, i);
        int64_t x = json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : -1;
        if (x < 0 || x > PROTOCOL_MAX_COUNT)
            return refuse(b, field, "%s[%zu] must be a whole number from 0 to %d", field, i,
                          PROTOCOL_MAX_COUNT);
        out[i] = x;
    }
    *n = len;
    return 0;
}

static const char *const contest_members[] = {
    "kind", "district", "voters", "received", "issued", "cancelled", "in_boxes", "invalid",
    "valid", "votes", "against_all", "preferences", NULL};
static const char *const contest_lines[] = {"voters", "received", "issued", "cancelled",
                                            "in_boxes", "invalid", "valid", "against_all"};

static int parse_contest(struct json_object *o, size_t i, struct protocol_contest *c,
                         struct bad_payload *b)
{
    char path[32], field[96];
    snprintf(path, sizeof(path), "contests[%zu].", i);
    if (!json_object_is_type(o, json_type_object))
        return refuse(b, "contests", "contests[%zu] must be an object", i);
    const char *unknown = json_unknown_member(o, contest_members);
    if (unknown != NULL)
        return refuse(b, "contests", "contests[%zu] has an unknown member \"%.*s\"", i,
                      (int)http_utf8_prefix(unknown, 40), unknown);
    struct json_object *v;
    const char *kind = json_object_object_get_ex(o, "kind", &v) &&
                               json_object_is_type(v, json_type_string)
                           ? json_object_get_string(v) : "";
    snprintf(field, sizeof(field), "%skind", path);
    if (strcmp(kind, "list") != 0 && strcmp(kind, "district") != 0)
        return refuse(b, field, "%s must be \"list\" or \"district\"", field);
    c->list = kind[0] == 'l';
    long long d = 0;
    snprintf(field, sizeof(field), "%sdistrict", path);
    if (c->list) {
        if (json_object_object_get_ex(o, "district", NULL))
            return refuse(b, field, "the list contest has no district");
    } else if (!api_json_int(o, "district", 1, 36, &d)) {
        return refuse(b, field, "%s must be a district number 1..36", field);
    }
    c->district = (int)d;
    int64_t *lines[] = {&c->voters, &c->received, &c->issued, &c->cancelled,
                        &c->in_boxes, &c->invalid, &c->valid, &c->against_all};
    for (size_t k = 0; k < NELEM(contest_lines); k++)
        if (get_count(o, contest_lines[k], path, lines[k], b) < 0)
            return -1;
    snprintf(field, sizeof(field), "%svotes", path);
    if (get_counts(json_object_object_get_ex(o, "votes", &v) ? v : NULL, field, c->votes,
                   PROTOCOL_MAX_ENTRIES, &c->nvotes, b) < 0)
        return -1;
    c->npreferences = 0;
    snprintf(field, sizeof(field), "%spreferences", path);
    if (!json_object_object_get_ex(o, "preferences", &v))
        return c->list ? refuse(b, field, "%s is required in the list contest", field) : 0;
    if (!c->list)
        return refuse(b, field, "only the list contest has preference votes");
    if (!json_object_is_type(v, json_type_array) ||
        json_object_array_length(v) > PROTOCOL_MAX_ENTRIES)
        return refuse(b, field, "%s must be an array of each party's preference votes", field);
    c->npreferences = json_object_array_length(v);
    for (size_t p = 0; p < c->npreferences; p++) {
        snprintf(field, sizeof(field), "%spreferences[%zu]", path, p);
        if (get_counts(json_object_array_get_idx(v, p), field, c->preferences[p],
                       PROTOCOL_MAX_LIST, &c->preference_len[p], b) < 0)
            return -1;
    }
    return 0;
}

static const char *const report_members[PROTOCOL_KIND__MAX][10] = {
    [PROTOCOL_OPENING] = {"kind", "device_id", "election_id", "station", "seq", "time", "voters",
                          "voted", NULL},
    [PROTOCOL_TURNOUT] = {"kind", "device_id", "election_id", "station", "seq", "time", "voters",
                          "voted", "hour", NULL},
    [PROTOCOL_FINAL] = {"kind", "device_id", "election_id", "station", "seq", "time", "contests",
                        NULL},
};

/* The payload's JSON into *r: 0, or -1 with *b saying what is wrong. */
static int parse_report(struct json_object *o, struct protocol_report *r, struct bad_payload *b)
{
    struct json_object *v;
    long long x;
    if (!json_object_is_type(o, json_type_object))
        return refuse(b, "", "the payload must be a JSON object");
    int kind = json_object_object_get_ex(o, "kind", &v) && json_object_is_type(v, json_type_string)
                   ? protocol_kind_parse(json_object_get_string(v)) : -1;
    if (kind < 0)
        return refuse(b, "kind", "kind must be \"opening\", \"turnout\" or \"final\"");
    r->kind = (enum protocol_kind)kind;
    const char *unknown = json_unknown_member(o, report_members[kind]);
    if (unknown != NULL)
        return refuse(b, unknown, "a %s report has no member \"%.*s\"", protocol_kind_name(r->kind),
                      (int)http_utf8_prefix(unknown, 40), unknown);
    const char *dev = api_json_digits(o, "device_id", 20);
    if (dev == NULL)
        return refuse(b, "device_id", "device_id must be the device's 20 digits");
    memcpy(r->device_id, dev, 21);
    if (!api_json_int(o, "election_id", 1, 2147483647, &x))
        return refuse(b, "election_id", "election_id must be a positive whole number");
    r->election_id = x;
    if (!api_json_int(o, "station", 1, 99999, &x))
        return refuse(b, "station", "station must be a station number");
    r->station = x;
    if (!api_json_int(o, "seq", 1, 1000000, &x))
        return refuse(b, "seq", "seq must be a whole number from 1 to 1000000");
    r->seq = x;
    const char *t = json_object_object_get_ex(o, "time", &v) && json_object_is_type(v, json_type_string)
                        ? json_object_get_string(v) : "";
    if (strlen(t) >= sizeof(r->time) || !protocol_valid_time(t))
        return refuse(b, "time", "time must be an RFC 3339 date-time with an offset");
    memcpy(r->time, t, strlen(t) + 1);
    if (r->kind != PROTOCOL_FINAL) {
        if (get_count(o, "voters", "", &r->voters, b) < 0 || get_count(o, "voted", "", &r->voted, b) < 0)
            return -1;
        if (r->kind == PROTOCOL_TURNOUT) {
            if (!api_json_int(o, "hour", 0, 23, &x))
                return refuse(b, "hour", "hour must be the hour of the count, 0..23");
            r->hour = (int)x;
        }
        return 0;
    }
    if (!json_object_object_get_ex(o, "contests", &v) || !json_object_is_type(v, json_type_array) ||
        json_object_array_length(v) < 1 || json_object_array_length(v) > PROTOCOL_MAX_CONTESTS)
        return refuse(b, "contests", "contests must be an array of 1 or 2 contests");
    r->ncontests = json_object_array_length(v);
    for (size_t i = 0; i < r->ncontests; i++)
        if (parse_contest(json_object_array_get_idx(v, i), i, &r->contests[i], b) < 0)
            return -1;
    return 0;
}

/* The protected header: {"alg":"ES256","kid":"<20 digits>"} and optionally "typ". */
static const char *header_kid(const struct jws *j, bool *alg_ok)
{
    static const char *const members[] = {"alg", "kid", "typ", NULL};
    char err[64], *kid = NULL;
    *alg_ok = false;
    struct json_object *o = json_parse_strict(j->header, j->header_len, err, sizeof(err)), *v;
    if (o == NULL || !json_object_is_type(o, json_type_object) ||
        json_unknown_member(o, members) != NULL ||
        (json_object_object_get_ex(o, "typ", &v) && !json_object_is_type(v, json_type_string)))
        goto out;
    *alg_ok = json_object_object_get_ex(o, "alg", &v) && json_object_is_type(v, json_type_string) &&
              strcmp(json_object_get_string(v), "ES256") == 0;
    static char buf[24];
    const char *k = api_json_digits(o, "kid", 20);
    if (k != NULL) {
        memcpy(buf, k, 21);
        kid = buf;
    }
out:
    json_object_put(o);
    return kid;
}

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

/* The answer to asu_accept()'s verdict (json: {"status":...}). */
static void answer(struct http_request *req, const char *json)
{
    char err[64];
    struct json_object *o = json != NULL ? json_parse_strict(json, strlen(json), err, sizeof(err)) : NULL;
    struct json_object *v;
    const char *status = o != NULL && json_object_object_get_ex(o, "status", &v) &&
                                 json_object_is_type(v, json_type_string)
                             ? json_object_get_string(v) : "";
    const char *msg = o != NULL && json_object_object_get_ex(o, "message", &v) &&
                              json_object_is_type(v, json_type_string)
                          ? json_object_get_string(v) : "the report does not fit the contest's ballot";
    if (strcmp(status, "accepted") == 0)
        http_json(req, 201, json, strlen(json), CACHE_NONE);
    else if (strcmp(status, "duplicate") == 0)
        http_json(req, 200, json, strlen(json), CACHE_NONE);
    else if (strcmp(status, "conflict") == 0)
        http_error(req, 409, "sequence_conflict",
                   "this sequence number was used by a report with other figures; "
                   "the CEC has been told", "seq");
    else if (strcmp(status, "unknown_device") == 0)
        http_error(req, 401, "unknown_device", "no working device has this key id", NULL);
    else if (strcmp(status, "election_closed") == 0)
        http_error(req, 422, "election_closed", "this election takes no more reports", "election_id");
    else if (strcmp(status, "ballot_mismatch") == 0)
        http_error(req, 422, "ballot_mismatch", msg, "contests");
    else if (strcmp(status, "bad_hour") == 0)
        http_error(req, 422, "bad_hour", "turnout is counted only at the election's turnout hours",
                   "hour");
    else {
        log_error(req->request_id, "asu_accept answered %s", json != NULL ? json : "nothing");
        http_error(req, 500, "internal", "internal error; it has been logged", NULL);
    }
    json_object_put(o);
}

static bool is_jose(const char *type)
{
    size_t n = strlen("application/jose");
    return type != NULL && strncasecmp(type, "application/jose", n) == 0 &&
           (type[n] == '\0' || type[n] == ';' || type[n] == ' ');
}

static void report_post(struct http_request *req)
{
    if (!is_jose(req->getenv(req->getenv_ctx, "CONTENT_TYPE"))) {
        http_error(req, 415, "unsupported_media_type",
                   "send the report as a compact JWS with Content-Type: application/jose", NULL);
        return;
    }
    struct jws j;
    const char *why;
    PGresult *res = NULL;
    EVP_PKEY *key = NULL;
    struct json_object *payload = NULL;
    bool alg_ok;
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
    const char *kid = header_kid(&j, &alg_ok);
    if (kid == NULL) {
        http_error(req, 400, "malformed_jws",
                   "the protected header must be {\"alg\":\"ES256\",\"kid\":\"<device id>\"}", NULL);
        goto out;
    }
    if (!alg_ok) {
        http_error(req, 401, "bad_signature", "reports are signed with ES256 only", NULL);
        goto out;
    }
    enum db_status st = db_exec(&statements[ASU_DEVICE_KEY], 1, (const char *const[]){kid}, &res);
    if (st != DB_OK) {
        api_db_failure(req, st);
        goto out;
    }
    if (PQntuples(res) != 1) {
        http_error(req, 401, "unknown_device", "no working device has this key id", NULL);
        goto out;
    }
    const char *pem = PQgetvalue(res, 0, 0);
    long dev_election = atol(PQgetvalue(res, 0, 1)), dev_station = atol(PQgetvalue(res, 0, 2));
    key = jws_public_key(pem, strlen(pem));
    if (key == NULL) {
        log_error(req->request_id, "device %s has an unreadable public key", kid);
        http_error(req, 500, "internal", "internal error; it has been logged", NULL);
        goto out;
    }
    if (!jws_verify_es256(text, &j, key)) {
        http_error(req, 401, "bad_signature", "the signature does not verify with the device's key",
                   NULL);
        goto out;
    }
    char err[160];
    payload = json_parse_strict(j.payload, j.payload_len, err, sizeof(err));
    if (payload == NULL) {
        http_error(req, 400, "invalid_json", err, NULL);
        goto out;
    }
    struct protocol_report *r = pool_alloc(req->pool, sizeof(*r));
    memset(r, 0, sizeof(*r));
    struct bad_payload bad;
    if (parse_report(payload, r, &bad) < 0) {
        http_error(req, 400, "invalid_field", bad.message, bad.field);
        goto out;
    }
    if (strcmp(r->device_id, kid) != 0 || r->election_id != dev_election || r->station != dev_station) {
        char msg[160];
        snprintf(msg, sizeof(msg), "device %s is registered for station %ld in election %ld", kid,
                 dev_station, dev_election);
        record_incident(req, text, kid, r->seq, "wrong_station", "wrong_station", msg);
        http_error(req, 422, "wrong_station", msg, "station");
        goto out;
    }
    struct protocol_failure f;
    if (protocol_check(r, &f) < 0) {
        record_incident(req, text, kid, r->seq, "control_failed", f.code, f.message);
        http_error(req, 422, "control_failed", f.message, f.field);
        goto out;
    }
    PQclear(res);
    res = NULL;
    const char *signed_payload = pool_strndup(req->pool, j.payload, j.payload_len);
    st = db_exec(&statements[ASU_ACCEPT], 3, (const char *const[]){kid, text, signed_payload}, &res);
    if (st != DB_OK) {
        api_db_failure(req, st);
        goto out;
    }
    answer(req, db_value(res));
out:
    PQclear(res);
    jws_key_free(key);
    json_object_put(payload);
    jws_free(&j);
}

static const struct route routes[] = {
    {"POST", "/api/v1/asu/reports", report_post, .body = "application/jose",
     .summary = "A station's ASU sends a signed report (compact JWS, ES256): opening, turnout or final"},
    {"POST", "/api/v1/asu/devices/{device}/revoke", api_revoke, ACCESS_CEC_ADMIN,
     .data = &(const struct api_revoke){&statements[ASU_DEVICE_REVOKE], &statements[ASU_DEVICE_EXISTS]},
     .path = {FIELD_DEVICE("device")}, .summary = "Take a broken or lost ASU out of service; its station may get another"},
    {"GET", "/api/v1/asu/incidents", API_READ(&statements[ASU_INCIDENTS], CACHE_NONE, false, "not_found", "no incidents"),
     .access = ACCESS_CEC_ADMIN,
     .query = {{"election", FIELD_INT, 1, ID_MAX, .required = true, .about = "an election's id"},
               FIELD_AFTER("after"), {"limit", FIELD_INT, 1, 1000, .def = "100", .about = "incidents a page"}},
     .summary = "Reports refused, for the CEC to look into, a page at a time"},
    {"POST", "/api/v1/asu/devices", device_post, ACCESS_CEC_ADMIN, .body = "application/json",
     .summary = "Register a station's ASU and its public key (ES256) for an election"},
    {"GET", "/api/v1/asu/devices", API_READ(&statements[ASU_DEVICES], CACHE_SHORT, false, "not_found", "no devices"),
     .query = {{"election", FIELD_INT, 1, ID_MAX, .required = true, .about = "an election's id"},
               FIELD_STATION("station")},
     .summary = "The ASU devices of an election and their public keys (anyone may verify reports)"},
};

const struct api_module asu_module = {"asu", routes, NELEM(routes), statements, ASU__MAX, NULL};
