/*
 * The biometric identification register (operators) and the territorial
 * commissions' decisions (TEC administrators).  Each acts only within its
 * own commission.  The CEC registers each commission's identification
 * devices; an identification names a working device of its own commission.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/json.h"
#include "../rules/pin.h"
#include "api.h"

/* An application with the voter's name and PIN, for the staff who process it. */
#define STAFF_APP_JSON                                                                        \
    "(application_json(a)::jsonb || jsonb_build_object('voter', jsonb_build_object("          \
    "  'pin', a.pin, 'name', concat_ws(' ', v.last_name, v.first_name, v.patronymic))))"

const struct db_statement biometrics_statements[] = {
    {"bio_find",
     "SELECT json_build_object('items', coalesce(json_agg(" STAFF_APP_JSON " ORDER BY a.id), '[]'))::text"
     "  FROM applications a JOIN voters v ON v.pin = a.pin"
     " WHERE a.commission_id = $1::integer AND a.status = 'awaiting_identification'"
     "   AND ($2::text IS NULL OR a.pin = $2) AND ($3::bigint IS NULL OR a.id = $3::bigint)"},
    {"bio_lock",
     "SELECT status, commission_id = $2::integer FROM applications WHERE id = $1::bigint FOR UPDATE"},
    {"tec_register_scope", "SELECT commission_id = $2::integer FROM registers WHERE id = $1::bigint"},
    /* The device of an identification: FOR SHARE, so that it is not revoked meanwhile. */
    {"bio_device",
     "SELECT commission_id = $2::integer, revoked_at IS NULL FROM biometric_devices"
     " WHERE device_id = $1 FOR SHARE"},
    {"bio_identify",
     "INSERT INTO identifications (application_id, device_id, at, matched, operator_pin, commission_id)"
     " VALUES ($1::bigint, $2, now(), $3::boolean, $4, $5::integer)"
     " RETURNING json_build_object('id', id, 'device_id', device_id, 'at', at, 'matched', matched)::text"},
    {"bio_status",
     "UPDATE applications SET status = $2, updated_at = now() WHERE id = $1::bigint"},
    {"bio_event",
     "INSERT INTO application_events (application_id, status, actor_role, actor_pin, commission_id, comment)"
     " VALUES ($1::bigint, $2, $3, $4, $5::integer, $6)"},
    {"bio_application", "SELECT application_json(a)::text FROM applications a WHERE a.id = $1::bigint"},
    /* The day's register: name, photo, identifier, date and time, status (DOMAIN.md). */
    {"bio_register_day",
     "SELECT json_build_object('date', coalesce($2::date, current_date), 'commission_id', $1::integer,"
     "  'items', coalesce(json_agg(json_build_object("
     "    'application_id', a.id, 'name', concat_ws(' ', v.last_name, v.first_name, v.patronymic),"
     "    'photo', NULL, 'device_id', i.device_id, 'at', i.at, 'matched', i.matched,"
     "    'status', CASE WHEN a.status IN ('approved', 'rejected') THEN a.status"
     "                   WHEN i.register_id IS NOT NULL THEN 'in_register'"
     "                   ELSE 'not_processed' END) ORDER BY i.at, i.id), '[]'))::text"
     "  FROM identifications i JOIN applications a ON a.id = i.application_id"
     "  JOIN voters v ON v.pin = a.pin"
     " WHERE i.commission_id = $1::integer"
     "   AND i.at >= coalesce($2::date, current_date) AND i.at < coalesce($2::date, current_date) + 1"},
    {"bio_register_new",
     "INSERT INTO registers (commission_id, formed_by) VALUES ($1::integer, $2)"
     " RETURNING id, to_json(formed_at) #>> '{}'"},
    /* Identified applications of the commission not yet sent, into the register. */
    {"bio_register_fill",
     "WITH sent AS ("
     "  UPDATE applications a SET status = 'in_register', updated_at = now()"
     "   WHERE a.commission_id = $1::integer AND a.status = 'identified' RETURNING a.id),"
     " marked AS ("
     "  UPDATE identifications i SET register_id = $2::bigint"
     "   WHERE i.application_id IN (SELECT id FROM sent) AND i.matched AND i.register_id IS NULL),"
     " ev AS ("
     "  INSERT INTO application_events (application_id, status, actor_role, actor_pin, commission_id, comment)"
     "  SELECT id, 'in_register', 'operator', $3, $1::integer, 'register ' || $2 FROM sent)"
     "SELECT coalesce(json_agg(id ORDER BY id), '[]')::text FROM sent"},
    {"tec_registers",
     "SELECT json_build_object('items', coalesce(json_agg(json_build_object("
     "  'id', r.id, 'formed_at', r.formed_at, 'applications', c.n, 'pending', c.pending)"
     "  ORDER BY r.formed_at DESC, r.id DESC), '[]'))::text"
     "  FROM registers r CROSS JOIN LATERAL ("
     "    SELECT count(DISTINCT a.id) AS n,"
     "           count(DISTINCT a.id) FILTER (WHERE a.status = 'in_register') AS pending"
     "      FROM identifications i JOIN applications a ON a.id = i.application_id"
     "     WHERE i.register_id = r.id) c"
     " WHERE r.commission_id = $1::integer"},
    {"tec_register",
     "SELECT json_build_object('register', json_build_object('id', r.id, 'commission_id', r.commission_id,"
     "  'formed_at', r.formed_at, 'applications', (SELECT coalesce(json_agg(" STAFF_APP_JSON
     "    ORDER BY a.id), '[]') FROM applications a JOIN voters v ON v.pin = a.pin"
     "    WHERE a.id IN (SELECT application_id FROM identifications WHERE register_id = r.id))))::text"
     "  FROM registers r WHERE r.id = $1::bigint AND r.commission_id = $2::integer"},
    {"tec_lock",
     "SELECT a.status, a.kind, a.pin, a.station_from, a.station_to, a.commission_id = $2::integer"
     "  FROM applications a WHERE a.id = $1::bigint FOR UPDATE"},
    {"tec_voter_lock", "SELECT station_number FROM voters WHERE pin = $1 FOR UPDATE"},
    {"tec_move", "UPDATE voters SET station_number = $2::integer, updated_at = now() WHERE pin = $1"},
    {"tec_move_record",
     "INSERT INTO station_moves (pin, from_station, to_station, application_id)"
     " VALUES ($1, $2::integer, $3::integer, $4::bigint)"},
    {"tec_decide",
     "UPDATE applications SET status = $2, decision_reason = $3, updated_at = now() WHERE id = $1::bigint"},
    /* The identification devices (CEC administrators; a TEC administrator lists its own). */
    {"bio_device_new",
     "INSERT INTO biometric_devices (device_id, commission_id, registered_by)"
     " SELECT $1, c.id, $3 FROM commissions c WHERE c.id = $2::integer"
     " RETURNING json_build_object('device', biometric_device_json(biometric_devices))::text"},
    {"bio_devices",
     "SELECT json_build_object('items', coalesce(json_agg(biometric_device_json(d)"
     "  ORDER BY d.commission_id, d.registered_at, d.device_id), '[]'))::text"
     "  FROM biometric_devices d WHERE $1::integer IS NULL OR d.commission_id = $1::integer"},
    {"bio_device_revoke",
     "UPDATE biometric_devices SET revoked_at = now() WHERE device_id = $1 AND revoked_at IS NULL"
     " RETURNING json_build_object('device', biometric_device_json(biometric_devices))::text"},
    {"bio_device_exists", "SELECT 1 FROM biometric_devices WHERE device_id = $1"},
};
const size_t biometrics_nstatements = NELEM(biometrics_statements);

/* The commission a user acts for in a role (its first grant), or 0. */
static long commission_of(const struct user *u, unsigned role)
{
    for (size_t i = 0; i < u->nroles; i++)
        if (u->roles[i].access == role && u->roles[i].commission_id > 0)
            return u->roles[i].commission_id;
    return 0;
}

static int staff_commission(struct http_request *req, unsigned role, char *out, size_t size)
{
    long c = commission_of(req->user, role);
    if (c == 0) {
        http_error(req, 403, "forbidden", "your role is not tied to a commission", NULL);
        return -1;
    }
    snprintf(out, size, "%ld", c);
    return 0;
}

/* ---- operator ------------------------------------------------------------ */

enum { B_PIN, B_ID, B__MAX };
static const struct field find_fields[B__MAX] = {
    [B_PIN] = {"pin", FIELD_DIGITS, 14, 14},
    [B_ID] = {"id", FIELD_INT, 1, 999999999999L},
};

static void find_get(struct http_request *req)
{
    struct field_value v[B__MAX];
    char commission[24];
    if (http_fields_parse(req, find_fields, B__MAX, v) < 0 ||
        staff_commission(req, ACCESS_OPERATOR, commission, sizeof(commission)) < 0)
        return;
    if (!v[B_PIN].present && !v[B_ID].present) {
        http_error(req, 400, "missing_parameter", "give pin or id", "pin");
        return;
    }
    const char *params[] = {commission, v[B_PIN].present ? v[B_PIN].s : NULL,
                            v[B_ID].present ? v[B_ID].s : NULL};
    api_send_query(req, "bio_find", 3, params, CACHE_NONE, "not_found", "nothing found");
}

static const char *const identify_members[] = {"application_id", "device_id", "matched", NULL};

static void identify_post(struct http_request *req)
{
    char commission[24], app[24];
    if (http_fields_parse(req, NULL, 0, NULL) < 0 ||
        staff_commission(req, ACCESS_OPERATOR, commission, sizeof(commission)) < 0)
        return;
    struct json_object *o = api_json_body(req, identify_members), *v;
    if (o == NULL)
        return;
    const struct user *u = req->user;
    PGresult *res = NULL;
    enum db_status st = DB_OK;
    long long app_id;
    if (!api_json_int(o, "application_id", 1, INT64_MAX, &app_id)) {
        http_error(req, 400, "invalid_field", "application_id must be a positive whole number",
                   "application_id");
        goto out;
    }
    snprintf(app, sizeof(app), "%lld", app_id);
    const char *device = api_json_digits(o, "device_id", 20);
    if (device == NULL) {
        http_error(req, 400, "invalid_field", "device_id is the device's 20-digit identifier",
                   "device_id");
        goto out;
    }
    if (!json_object_object_get_ex(o, "matched", &v) || !json_object_is_type(v, json_type_boolean)) {
        http_error(req, 400, "invalid_field", "matched must be true or false", "matched");
        goto out;
    }
    bool matched = json_object_get_boolean(v);
    if ((st = db_begin()) != DB_OK)
        goto failed;
    if ((st = db_exec("bio_lock", 2, (const char *const[]){app, commission}, &res)) != DB_OK)
        goto failed;
    if (PQntuples(res) != 1) {
        db_rollback();
        http_error(req, 404, "application_not_found", "no application with this number",
                   "application_id");
        goto out;
    }
    if (strcmp(PQgetvalue(res, 0, 1), "t") != 0) {
        db_rollback();
        http_error(req, 403, "outside_scope", "this application belongs to another commission",
                   "application_id");
        goto out;
    }
    if (strcmp(PQgetvalue(res, 0, 0), "awaiting_identification") != 0) {
        db_rollback();
        http_error(req, 409, "not_awaiting_identification",
                   "this application is not waiting for identification", "application_id");
        goto out;
    }
    PQclear(res);
    res = NULL;
    if ((st = db_exec("bio_device", 2, (const char *const[]){device, commission}, &res)) != DB_OK)
        goto failed;
    /* The device: registered, of this commission, in service (refused before any write). */
    const char *bad = NULL, *why = NULL;
    if (PQntuples(res) != 1)
        bad = "unknown_device", why = "this device is not registered";
    else if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
        bad = "device_of_another_commission", why = "this device is registered to another commission";
    else if (strcmp(PQgetvalue(res, 0, 1), "t") != 0)
        bad = "device_revoked", why = "this device has been taken out of service";
    PQclear(res);
    res = NULL;
    if (bad != NULL) {
        db_rollback();
        http_error(req, 422, bad, why, "device_id");
        goto out;
    }
    const char *ip[] = {app, device, matched ? "true" : "false", u->pin, commission};
    st = db_exec("bio_identify", 5, ip, &res);
    if (st == DB_FAILED && strcmp(db_sqlstate(), "23503") == 0) {
        /* The schema's own check (migration 015): a device revoked at this very moment. */
        PQclear(res);
        db_rollback();
        http_error(req, 422, "device_revoked", "this device has been taken out of service",
                   "device_id");
        goto out;
    }
    if (st != DB_OK)
        goto failed;
    char *ident = pool_strdup(req->pool, PQgetvalue(res, 0, 0));
    PQclear(res);
    res = NULL;
    if (matched) {
        if ((st = db_exec("bio_status", 2, (const char *const[]){app, "identified"}, &res)) != DB_OK)
            goto failed;
        PQclear(res);
        res = NULL;
    }
    const char *ep[] = {app, matched ? "identified" : "awaiting_identification", "operator", u->pin,
                        commission, matched ? "identified by biometrics" : "biometrics did not match"};
    if ((st = db_exec("bio_event", 6, ep, &res)) != DB_OK)
        goto failed;
    PQclear(res);
    res = NULL;
    if ((st = db_exec("bio_application", 1, (const char *const[]){app}, &res)) != DB_OK)
        goto failed;
    size_t size = strlen(ident) + strlen(PQgetvalue(res, 0, 0)) + 64;
    char *body = pool_alloc(req->pool, size);
    int n = snprintf(body, size, "{\"identification\":%s,\"application\":%s}", ident,
                     PQgetvalue(res, 0, 0));
    PQclear(res);
    res = NULL;
    if ((st = db_commit()) != DB_OK)
        goto failed;
    http_json(req, 201, body, (size_t)n, CACHE_NONE);
    goto out;
failed:
    PQclear(res);
    db_rollback();
    api_db_failure(req, st);
out:
    json_object_put(o);
}

static const struct field date_field = {"date", FIELD_TEXT, 0, 10};

static void register_day_get(struct http_request *req)
{
    struct field_value v;
    char commission[24];
    if (http_fields_parse(req, &date_field, 1, &v) < 0 ||
        staff_commission(req, ACCESS_OPERATOR, commission, sizeof(commission)) < 0)
        return;
    const char *date = v.present ? v.s : NULL;
    if (date != NULL && !api_valid_date(date)) {
        http_error(req, 400, "invalid_parameter", "date is a real day, YYYY-MM-DD", "date");
        return;
    }
    api_send_query(req, "bio_register_day", 2, (const char *const[]){commission, date}, CACHE_NONE,
                   "not_found", "no register");
}

static void register_post(struct http_request *req)
{
    static const char *const none[] = {NULL};
    char commission[24], reg[24];
    if (http_fields_parse(req, NULL, 0, NULL) < 0 ||
        staff_commission(req, ACCESS_OPERATOR, commission, sizeof(commission)) < 0)
        return;
    struct json_object *o = api_json_body(req, none);
    if (o == NULL)
        return;
    json_object_put(o);
    const struct user *u = req->user;
    PGresult *res = NULL;
    enum db_status st;
    if ((st = db_begin()) != DB_OK)
        goto failed;
    if ((st = db_exec("bio_register_new", 2, (const char *const[]){commission, u->pin}, &res)) != DB_OK)
        goto failed;
    snprintf(reg, sizeof(reg), "%s", PQgetvalue(res, 0, 0));
    char *formed = pool_strdup(req->pool, PQgetvalue(res, 0, 1));
    PQclear(res);
    res = NULL;
    if ((st = db_exec("bio_register_fill", 3, (const char *const[]){commission, reg, u->pin}, &res)) != DB_OK)
        goto failed;
    if (strcmp(PQgetvalue(res, 0, 0), "[]") == 0) {
        PQclear(res);
        db_rollback();
        http_error(req, 422, "nothing_to_send", "no identified applications wait to be sent", NULL);
        return;
    }
    size_t size = strlen(PQgetvalue(res, 0, 0)) + 256;
    char *body = pool_alloc(req->pool, size);
    int n = snprintf(body, size,
                     "{\"register\":{\"id\":%s,\"commission_id\":%s,\"formed_at\":%s,\"applications\":%s}}",
                     reg, commission, json_quote(req->pool, formed), PQgetvalue(res, 0, 0));
    PQclear(res);
    res = NULL;
    if ((st = db_commit()) != DB_OK)
        goto failed;
    http_json(req, 201, body, (size_t)n, CACHE_NONE);
    return;
failed:
    PQclear(res);
    db_rollback();
    api_db_failure(req, st);
}

/* ---- territorial commission ---------------------------------------------- */

static void registers_get(struct http_request *req)
{
    char commission[24];
    if (http_fields_parse(req, NULL, 0, NULL) < 0 ||
        staff_commission(req, ACCESS_TEC_ADMIN, commission, sizeof(commission)) < 0)
        return;
    api_send_query(req, "tec_registers", 1, (const char *const[]){commission}, CACHE_NONE,
                   "not_found", "no registers");
}

static const struct field id_field = {"id", FIELD_INT, 1, 999999999999L};

static void register_get(struct http_request *req)
{
    struct field_value v;
    char commission[24];
    const char *id = api_path_field(req, &id_field, &v);
    if (id == NULL || http_fields_parse(req, NULL, 0, NULL) < 0 ||
        staff_commission(req, ACCESS_TEC_ADMIN, commission, sizeof(commission)) < 0)
        return;
    PGresult *res = NULL;
    enum db_status st = db_exec("tec_register_scope", 2, (const char *const[]){id, commission}, &res);
    if (st != DB_OK) {
        api_db_failure(req, st);
        return;
    }
    bool found = PQntuples(res) == 1, mine = found && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    PQclear(res);
    if (!found) {
        http_error(req, 404, "register_not_found", "no register with this number", NULL);
        return;
    }
    if (!mine) {
        http_error(req, 403, "outside_scope", "this register was sent to another commission", NULL);
        return;
    }
    api_send_query(req, "tec_register", 2, (const char *const[]){id, commission}, CACHE_NONE,
                   "register_not_found", "no register with this number");
}

static const char *const decision_members[] = {"approve", "reason", NULL};

static void decision_post(struct http_request *req)
{
    struct field_value fv;
    char commission[24];
    const char *id = api_path_field(req, &id_field, &fv);
    if (id == NULL || http_fields_parse(req, NULL, 0, NULL) < 0 ||
        staff_commission(req, ACCESS_TEC_ADMIN, commission, sizeof(commission)) < 0)
        return;
    struct json_object *o = api_json_body(req, decision_members), *v;
    if (o == NULL)
        return;
    const struct user *u = req->user;
    PGresult *res = NULL;
    enum db_status st = DB_OK;
    if (!json_object_object_get_ex(o, "approve", &v) || !json_object_is_type(v, json_type_boolean)) {
        http_error(req, 400, "invalid_field", "approve must be true or false", "approve");
        goto out;
    }
    bool approve = json_object_get_boolean(v);
    const char *reason = json_object_object_get_ex(o, "reason", &v) &&
                                 json_object_is_type(v, json_type_string)
                             ? json_object_get_string(v)
                             : NULL;
    if (reason != NULL && (http_utf8_length(reason) > 1000 ||
                           strlen(reason) != (size_t)json_object_get_string_len(v))) {
        http_error(req, 400, "invalid_field", "reason is text of at most 1000 characters", "reason");
        goto out;
    }
    if (!approve && (reason == NULL || *reason == '\0')) {
        http_error(req, 400, "reason_required", "a rejection needs its reason", "reason");
        goto out;
    }
    if ((st = db_begin()) != DB_OK)
        goto failed;
    if ((st = db_exec("tec_lock", 2, (const char *const[]){id, commission}, &res)) != DB_OK)
        goto failed;
    if (PQntuples(res) != 1) {
        db_rollback();
        http_error(req, 404, "application_not_found", "no application with this number", NULL);
        goto out;
    }
    if (strcmp(PQgetvalue(res, 0, 5), "t") != 0) {
        db_rollback();
        http_error(req, 403, "outside_scope", "this application belongs to another commission", NULL);
        goto out;
    }
    const char *status = PQgetvalue(res, 0, 0);
    if (strcmp(status, "approved") == 0 || strcmp(status, "rejected") == 0) {
        db_rollback();
        http_error(req, 409, "already_decided", "this application has been decided already", NULL);
        goto out;
    }
    if (strcmp(status, "in_register") != 0) {
        db_rollback();
        http_error(req, 409, "not_in_register",
                   "only applications sent in a register can be decided", NULL);
        goto out;
    }
    bool move = strcmp(PQgetvalue(res, 0, 1), "correction") != 0;
    char *pin = pool_strdup(req->pool, PQgetvalue(res, 0, 2));
    char *to = pool_strdup(req->pool, PQgetvalue(res, 0, 4));
    PQclear(res);
    res = NULL;
    if (approve && move) {
        /* The voter moves at once, with history: never on two stations. */
        if ((st = db_exec("tec_voter_lock", 1, (const char *const[]){pin}, &res)) != DB_OK)
            goto failed;
        char *from = pool_strdup(req->pool, PQgetvalue(res, 0, 0));
        PQclear(res);
        res = NULL;
        if ((st = db_exec("tec_move", 2, (const char *const[]){pin, to}, &res)) != DB_OK)
            goto failed;
        PQclear(res);
        res = NULL;
        if ((st = db_exec("tec_move_record", 4, (const char *const[]){pin, from, to, id}, &res)) != DB_OK)
            goto failed;
        PQclear(res);
        res = NULL;
    }
    const char *new_status = approve ? "approved" : "rejected";
    const char *dp[] = {id, new_status, reason != NULL && *reason != '\0' ? reason : NULL};
    if ((st = db_exec("tec_decide", 3, dp, &res)) != DB_OK)
        goto failed;
    PQclear(res);
    res = NULL;
    const char *ep[] = {id, new_status, "tec_admin", u->pin, commission, reason != NULL ? reason : ""};
    if ((st = db_exec("bio_event", 6, ep, &res)) != DB_OK)
        goto failed;
    PQclear(res);
    res = NULL;
    if ((st = db_exec("bio_application", 1, (const char *const[]){id}, &res)) != DB_OK)
        goto failed;
    size_t size = strlen(PQgetvalue(res, 0, 0)) + 32;
    char *body = pool_alloc(req->pool, size);
    int n = snprintf(body, size, "{\"application\":%s}", PQgetvalue(res, 0, 0));
    PQclear(res);
    res = NULL;
    if ((st = db_commit()) != DB_OK)
        goto failed;
    http_json(req, 200, body, (size_t)n, CACHE_NONE);
    goto out;
failed:
    PQclear(res);
    db_rollback();
    api_db_failure(req, st);
out:
    json_object_put(o);
}

/* ---- identification devices (CEC administrators) -------------------------- */

static const char *const device_members[] = {"device_id", "commission_id", NULL};

static void device_post(struct http_request *req)
{
    if (http_fields_parse(req, NULL, 0, NULL) < 0)
        return;
    struct json_object *o = api_json_body(req, device_members);
    if (o == NULL)
        return;
    PGresult *res = NULL;
    char commission[24];
    long long x;
    const char *device = api_json_digits(o, "device_id", 20);
    if (device == NULL) {
        http_error(req, 400, "invalid_field", "device_id is the device's 20-digit identifier",
                   "device_id");
        goto out;
    }
    if (!api_json_int(o, "commission_id", 1, 2147483647, &x)) {
        http_error(req, 400, "invalid_field", "commission_id must be a positive whole number",
                   "commission_id");
        goto out;
    }
    snprintf(commission, sizeof(commission), "%lld", x);
    const struct user *u = req->user;
    const char *params[] = {device, commission, u->pin};
    enum db_status st = db_exec("bio_device_new", 3, params, &res);
    if (st == DB_FAILED && strcmp(db_sqlstate(), "23505") == 0) {
        http_error(req, 409, "device_conflict", "this device is registered already", "device_id");
        goto out;
    }
    if (st != DB_OK) {
        api_db_failure(req, st);
        goto out;
    }
    if (PQntuples(res) == 1) {
        const char *json = PQgetvalue(res, 0, 0);
        http_json(req, 201, json, strlen(json), CACHE_NONE);
    } else {
        http_error(req, 422, "commission_not_found", "there is no such commission", "commission_id");
    }
out:
    PQclear(res);
    json_object_put(o);
}

static const struct field commission_field = {"commission", FIELD_INT, 1, 2147483647L};

/* All devices or a commission's (CEC); a TEC administrator sees its own commission's. */
static void devices_get(struct http_request *req)
{
    struct field_value v;
    char own[24];
    if (http_fields_parse(req, &commission_field, 1, &v) < 0)
        return;
    const char *commission = v.present ? v.s : NULL;
    const struct user *u = req->user;
    if (!(u->access & ACCESS_CEC_ADMIN)) {
        if (staff_commission(req, ACCESS_TEC_ADMIN, own, sizeof(own)) < 0)
            return;
        if (commission != NULL && strtol(commission, NULL, 10) != strtol(own, NULL, 10)) {
            http_error(req, 403, "outside_scope", "you may list your own commission's devices only",
                       "commission");
            return;
        }
        commission = own;
    }
    api_send_query(req, "bio_devices", 1, (const char *const[]){commission}, CACHE_NONE,
                   "not_found", "no devices");
}

/* Takes a lost or broken device out of service: it identifies no one from now on. */
static void device_revoke_post(struct http_request *req)
{
    static const struct field device_field = {"device", FIELD_DIGITS, 20, 20};
    struct field_value v;
    const char *device = api_path_field(req, &device_field, &v);
    if (device == NULL || http_fields_parse(req, NULL, 0, NULL) < 0)
        return;
    PGresult *res = NULL;
    enum db_status st = db_exec("bio_device_revoke", 1, (const char *const[]){device}, &res);
    if (st == DB_OK && PQntuples(res) == 1) {
        const char *json = PQgetvalue(res, 0, 0);
        http_json(req, 200, json, strlen(json), CACHE_NONE);
        PQclear(res);
        return;
    }
    PQclear(res);
    res = NULL;
    if (st == DB_OK)
        st = db_exec("bio_device_exists", 1, (const char *const[]){device}, &res);
    if (st != DB_OK)
        api_db_failure(req, st);
    else if (PQntuples(res) == 1)
        http_error(req, 409, "already_revoked", "this device is out of service already", NULL);
    else
        http_error(req, 404, "device_not_found", "there is no such device", NULL);
    PQclear(res);
}

static const struct route routes[] = {
    {"GET", "/api/v1/biometrics/applications", find_get, ACCESS_OPERATOR},
    {"POST", "/api/v1/biometrics/identifications", identify_post, ACCESS_OPERATOR},
    {"GET", "/api/v1/biometrics/register", register_day_get, ACCESS_OPERATOR},
    {"POST", "/api/v1/biometrics/registers", register_post, ACCESS_OPERATOR},
    {"POST", "/api/v1/biometrics/devices/{device}/revoke", device_revoke_post, ACCESS_CEC_ADMIN},
    {"POST", "/api/v1/biometrics/devices", device_post, ACCESS_CEC_ADMIN},
    {"GET", "/api/v1/biometrics/devices", devices_get, ACCESS_CEC_ADMIN | ACCESS_TEC_ADMIN},
    {"GET", "/api/v1/tec/registers", registers_get, ACCESS_TEC_ADMIN},
    {"GET", "/api/v1/tec/registers/{id}", register_get, ACCESS_TEC_ADMIN},
    {"POST", "/api/v1/tec/applications/{id}/decision", decision_post, ACCESS_TEC_ADMIN},
};
const struct route_table biometrics_routes = {routes, NELEM(routes)};
