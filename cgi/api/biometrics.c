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
#define STAFF_APP_JSON                                                                             \
    "(application_json(a)::jsonb || jsonb_build_object('voter', jsonb_build_object("               \
    "  'pin', a.pin, 'name', concat_ws(' ', v.last_name, v.first_name, v.patronymic))))"

enum {
    BIO_FIND,
    BIO_LOCK,
    TEC_REGISTER_SCOPE,
    BIO_DEVICE,
    BIO_IDENTIFY,
    BIO_STATUS,
    BIO_EVENT,
    BIO_APPLICATION,
    BIO_REGISTER_DAY,
    BIO_REGISTER_NEW,
    BIO_REGISTER_FILL,
    TEC_REGISTERS,
    TEC_REGISTER,
    TEC_LOCK,
    TEC_VOTER_LOCK,
    TEC_MOVE,
    TEC_MOVE_RECORD,
    TEC_DECIDE,
    BIO_DEVICE_NEW,
    BIO_DEVICES,
    BIO_DEVICE_REVOKE,
    BIO_DEVICE_EXISTS,
    BIOMETRICS__MAX
};

static const struct db_statement statements[BIOMETRICS__MAX] = {
    [BIO_FIND] =
        {"bio_find",
         "SELECT json_build_object('items', coalesce(json_agg(" STAFF_APP_JSON
         " ORDER BY a.id), '[]'))::text"
         "  FROM applications a JOIN voters v ON v.pin = a.pin"
         " WHERE a.commission_id = $1::integer AND a.status = 'awaiting_identification'"
         "   AND ($2::text IS NULL OR a.pin = $2) AND ($3::bigint IS NULL OR a.id = $3::bigint)"},
    [BIO_LOCK] =
        {"bio_lock",
         "SELECT status, commission_id = $2::integer FROM applications WHERE id = $1::bigint FOR UPDATE"},
    [TEC_REGISTER_SCOPE] =
        {"tec_register_scope",
         "SELECT commission_id = $2::integer FROM registers WHERE id = $1::bigint"},
    /* The device of an identification: FOR SHARE, so that it is not revoked meanwhile. */
    [BIO_DEVICE] = {"bio_device",
                    "SELECT commission_id = $2::integer, revoked_at IS NULL FROM biometric_devices"
                    " WHERE device_id = $1 FOR SHARE"},
    [BIO_IDENTIFY] =
        {"bio_identify",
         "INSERT INTO identifications (application_id, device_id, at, matched, operator_pin, commission_id)"
         " VALUES ($1::bigint, $2, now(), $3::boolean, $4, $5::integer)"
         " RETURNING json_build_object('id', id, 'device_id', device_id, 'at', at, 'matched', matched)::text"},
    [BIO_STATUS] =
        {"bio_status",
         "UPDATE applications SET status = $2, updated_at = now() WHERE id = $1::bigint"},
    [BIO_EVENT] =
        {"bio_event",
         "INSERT INTO application_events (application_id, status, actor_role, actor_pin, commission_id, comment)"
         " VALUES ($1::bigint, $2, $3, $4, $5::integer, $6)"},
    [BIO_APPLICATION] =
        {"bio_application",
         "SELECT application_json(a)::text FROM applications a WHERE a.id = $1::bigint"},
    /* The day's register: name, photo, identifier, date and time, status (DOMAIN.md). */
    [BIO_REGISTER_DAY] =
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
    [BIO_REGISTER_NEW] =
        {"bio_register_new",
         "INSERT INTO registers (commission_id, formed_by) VALUES ($1::integer, $2)"
         " RETURNING id, to_json(formed_at) #>> '{}'"},
    /* Identified applications of the commission not yet sent, into the register. */
    [BIO_REGISTER_FILL] =
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
    [TEC_REGISTERS] =
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
    [TEC_REGISTER] =
        {"tec_register",
         "SELECT json_build_object('register', json_build_object('id', r.id, 'commission_id', r.commission_id,"
         "  'formed_at', r.formed_at, 'applications', (SELECT coalesce(json_agg(" STAFF_APP_JSON
         "    ORDER BY a.id), '[]') FROM applications a JOIN voters v ON v.pin = a.pin"
         "    WHERE a.id IN (SELECT application_id FROM identifications WHERE register_id = r.id))))::text"
         "  FROM registers r WHERE r.id = $1::bigint AND r.commission_id = $2::integer"},
    [TEC_LOCK] =
        {"tec_lock",
         "SELECT a.status, a.kind, a.pin, a.station_from, a.station_to, a.commission_id = $2::integer"
         "  FROM applications a WHERE a.id = $1::bigint FOR UPDATE"},
    [TEC_VOTER_LOCK] = {"tec_voter_lock",
                        "SELECT station_number FROM voters WHERE pin = $1 FOR UPDATE"},
    [TEC_MOVE] =
        {"tec_move",
         "UPDATE voters SET station_number = $2::integer, updated_at = now() WHERE pin = $1"},
    [TEC_MOVE_RECORD] = {"tec_move_record",
                         "INSERT INTO station_moves (pin, from_station, to_station, application_id)"
                         " VALUES ($1, $2::integer, $3::integer, $4::bigint)"},
    [TEC_DECIDE] =
        {"tec_decide",
         "UPDATE applications SET status = $2, decision_reason = $3, updated_at = now() WHERE id = $1::bigint"},
    /* The identification devices (CEC administrators; a TEC administrator lists its own). */
    [BIO_DEVICE_NEW] =
        {"bio_device_new",
         "INSERT INTO biometric_devices (device_id, commission_id, registered_by)"
         " SELECT $1, c.id, $3 FROM commissions c WHERE c.id = $2::integer"
         " RETURNING json_build_object('device', biometric_device_json(biometric_devices))::text"},
    [BIO_DEVICES] =
        {"bio_devices",
         "SELECT json_build_object('items', coalesce(json_agg(biometric_device_json(d)"
         "  ORDER BY d.commission_id, d.registered_at, d.device_id), '[]'))::text"
         "  FROM biometric_devices d WHERE $1::integer IS NULL OR d.commission_id = $1::integer"},
    [BIO_DEVICE_REVOKE] =
        {"bio_device_revoke",
         "UPDATE biometric_devices SET revoked_at = now() WHERE device_id = $1 AND revoked_at IS NULL"
         " RETURNING json_build_object('device', biometric_device_json(biometric_devices))::text"},
    [BIO_DEVICE_EXISTS] = {"bio_device_exists",
                           "SELECT 1 FROM biometric_devices WHERE device_id = $1"},
};

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

static void find_get(struct http_request *req)
{
    char commission[24];
    const char *pin = http_arg_text(req, "pin"), *id = http_arg_text(req, "id");
    if (staff_commission(req, ACCESS_OPERATOR, commission, sizeof(commission)) < 0)
        return;
    if (pin == NULL && id == NULL) {
        http_error(req, 400, "missing_parameter", "give pin or id", "pin");
        return;
    }
    const char *params[] = {commission, pin, id};
    api_send_query(req, &statements[BIO_FIND], 3, params, CACHE_NONE, "not_found", "nothing found");
}

/* An identification: POST /api/v1/biometrics/identifications. */
struct identification {
    char app[24];
    const char *device; /* borrowed from the body */
    bool matched;
};

static int parse_identification(struct json_object *o, struct identification *in,
                                struct json_fault *f)
{
    static const char *const members[] = {"application_id", "device_id", "matched", NULL};
    long long app;
    if (json_read_object(o, "", members, f) < 0 ||
        json_read_int(o, "", "application_id", true, 1, BIG_ID_MAX, &app, f) < 0 ||
        json_read_digits(o, "", "device_id", true, DEVICE_ID_DIGITS, &in->device, f) < 0 ||
        json_read_bool(o, "", "matched", true, &in->matched, f) < 0)
        return -1;
    snprintf(in->app, sizeof(in->app), "%lld", app);
    return 0;
}

/*
 * Inside the transaction: the application (locked) waits for identification
 * at this commission, and the device is this commission's and in service.
 * 0; -1 refused (answered, rolled back); -2 the database failed (*st).
 */
static int identify_check(struct http_request *req, const struct identification *in,
                          const char *commission, enum db_status *st)
{
    PGresult *res = NULL;
    int status = 0;
    const char *code = NULL, *why = NULL, *field = "application_id";
    if ((*st = db_exec(&statements[BIO_LOCK], 2, (const char *const[]){in->app, commission},
                       &res)) != DB_OK)
        return -2;
    if (PQntuples(res) != 1)
        status = 404, code = "application_not_found", why = "no application with this number";
    else if (strcmp(PQgetvalue(res, 0, 1), "t") != 0)
        status = 403, code = "outside_scope",
        why = "this application belongs to another commission";
    else if (strcmp(PQgetvalue(res, 0, 0), "awaiting_identification") != 0)
        status = 409, code = "not_awaiting_identification",
        why = "this application is not waiting for identification";
    PQclear(res);
    res = NULL;
    if (code == NULL) {
        if ((*st = db_exec(&statements[BIO_DEVICE], 2,
                           (const char *const[]){in->device, commission}, &res)) != DB_OK)
            return -2;
        status = 422, field = "device_id";
        if (PQntuples(res) != 1)
            code = "unknown_device", why = "this device is not registered";
        else if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
            code = "device_of_another_commission",
            why = "this device is registered to another commission";
        else if (strcmp(PQgetvalue(res, 0, 1), "t") != 0)
            code = "device_revoked", why = "this device has been taken out of service";
        PQclear(res);
    }
    if (code == NULL)
        return 0;
    db_rollback();
    http_error(req, status, code, why, field);
    return -1;
}

/*
 * Inside the transaction: the identification, the application's status and
 * event.  0 with *body (the answer, in req->pool); -1 refused (answered,
 * rolled back); -2 the database failed (*st).
 */
static int identify_record(struct http_request *req, const struct identification *in,
                           const char *commission, const char **body, enum db_status *st)
{
    const struct user *u = req->user;
    PGresult *res = NULL;
    const char *app = in->app;
    const char *ip[] = {app, in->device, in->matched ? "true" : "false", u->pin, commission};
    *st = db_exec(&statements[BIO_IDENTIFY], 5, ip, &res);
    if (*st == DB_FAILED && strcmp(db_sqlstate(), "23503") == 0) {
        /* The schema's own check (migration 015): a device revoked at this very moment. */
        db_rollback();
        http_error(req, 422, "device_revoked", "this device has been taken out of service",
                   "device_id");
        return -1;
    }
    if (*st != DB_OK)
        return -2;
    char *ident = pool_strdup(req->pool, PQgetvalue(res, 0, 0));
    PQclear(res);
    if (in->matched) {
        if ((*st = db_exec(&statements[BIO_STATUS], 2, (const char *const[]){app, "identified"},
                           &res)) != DB_OK)
            return -2;
        PQclear(res);
    }
    const char *ep[] = {
        app,        in->matched ? "identified" : "awaiting_identification",
        "operator", u->pin,
        commission, in->matched ? "identified by biometrics" : "biometrics did not match"};
    if ((*st = db_exec(&statements[BIO_EVENT], 6, ep, &res)) != DB_OK)
        return -2;
    PQclear(res);
    if ((*st = db_exec(&statements[BIO_APPLICATION], 1, (const char *const[]){app}, &res)) != DB_OK)
        return -2;
    size_t size = strlen(ident) + strlen(PQgetvalue(res, 0, 0)) + 64;
    char *text = pool_alloc(req->pool, size);
    snprintf(text, size, "{\"identification\":%s,\"application\":%s}", ident,
             PQgetvalue(res, 0, 0));
    PQclear(res);
    *body = text;
    return 0;
}

static void identify_post(struct http_request *req)
{
    char commission[24];
    if (staff_commission(req, ACCESS_OPERATOR, commission, sizeof(commission)) < 0)
        return;
    struct json_object *o = api_json_body(req, NULL);
    if (o == NULL)
        return;
    struct identification in;
    struct json_fault f;
    const char *body = NULL;
    enum db_status st = DB_OK;
    int rc = parse_identification(o, &in, &f);
    if (rc < 0)
        api_json_refuse(req, &f);
    else if ((st = db_begin()) != DB_OK)
        rc = -2;
    else if ((rc = identify_check(req, &in, commission, &st)) == 0 &&
             (rc = identify_record(req, &in, commission, &body, &st)) == 0 &&
             (st = db_commit()) != DB_OK)
        rc = -2;
    api_write_end(req, rc, st, 201, body);
    json_object_put(o);
}

static void register_day_get(struct http_request *req)
{
    char commission[24];
    const char *date = http_arg_text(req, "date");
    if (staff_commission(req, ACCESS_OPERATOR, commission, sizeof(commission)) < 0)
        return;
    api_send_query(req, &statements[BIO_REGISTER_DAY], 2, (const char *const[]){commission, date},
                   CACHE_NONE, "not_found", "no register");
}

static void register_post(struct http_request *req)
{
    static const char *const none[] = {NULL};
    char commission[24], reg[24];
    if (staff_commission(req, ACCESS_OPERATOR, commission, sizeof(commission)) < 0)
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
    if ((st = db_exec(&statements[BIO_REGISTER_NEW], 2, (const char *const[]){commission, u->pin},
                      &res)) != DB_OK)
        goto failed;
    snprintf(reg, sizeof(reg), "%s", PQgetvalue(res, 0, 0));
    char *formed = pool_strdup(req->pool, PQgetvalue(res, 0, 1));
    PQclear(res);
    res = NULL;
    if ((st = db_exec(&statements[BIO_REGISTER_FILL], 3,
                      (const char *const[]){commission, reg, u->pin}, &res)) != DB_OK)
        goto failed;
    if (strcmp(PQgetvalue(res, 0, 0), "[]") == 0) {
        PQclear(res);
        db_rollback();
        http_error(req, 422, "nothing_to_send", "no identified applications wait to be sent", NULL);
        return;
    }
    size_t size = strlen(PQgetvalue(res, 0, 0)) + 256;
    char *body = pool_alloc(req->pool, size);
    int n = snprintf(
        body, size,
        "{\"register\":{\"id\":%s,\"commission_id\":%s,\"formed_at\":%s,\"applications\":%s}}", reg,
        commission, json_quote(req->pool, formed), PQgetvalue(res, 0, 0));
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
    if (staff_commission(req, ACCESS_TEC_ADMIN, commission, sizeof(commission)) < 0)
        return;
    api_send_query(req, &statements[TEC_REGISTERS], 1, (const char *const[]){commission},
                   CACHE_NONE, "not_found", "no registers");
}

static void register_get(struct http_request *req)
{
    char commission[24];
    const char *id = http_arg_text(req, "id");
    if (staff_commission(req, ACCESS_TEC_ADMIN, commission, sizeof(commission)) < 0)
        return;
    PGresult *res = NULL;
    enum db_status st =
        db_exec(&statements[TEC_REGISTER_SCOPE], 2, (const char *const[]){id, commission}, &res);
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
    api_send_query(req, &statements[TEC_REGISTER], 2, (const char *const[]){id, commission},
                   CACHE_NONE, "register_not_found", "no register with this number");
}

/* A territorial commission's decision: POST /api/v1/tec/applications/{id}/decision. */
struct decision {
    bool approve;
    const char *reason; /* borrowed from the body, or NULL */
};

static int parse_decision(struct json_object *o, struct decision *in, struct json_fault *f)
{
    static const char *const members[] = {"approve", "reason", NULL};
    in->reason = NULL;
    if (json_read_object(o, "", members, f) < 0 ||
        json_read_bool(o, "", "approve", true, &in->approve, f) < 0 ||
        json_read_string(o, "", "reason", false, 1000, &in->reason, f) < 0)
        return -1;
    return 0;
}

/* The application a decision is about, locked: what the decision needs of it. */
struct decided {
    bool move; /* a move (not a correction): the voter changes station */
    const char *pin, *to; /* in req->pool */
};

/* Inside the transaction: 0 with *d; -1 refused (answered, rolled back); -2 the database failed. */
static int decision_check(struct http_request *req, const char *id, const char *commission,
                          struct decided *d, enum db_status *st)
{
    PGresult *res = NULL;
    int status = 0;
    const char *code = NULL, *why = NULL;
    if ((*st = db_exec(&statements[TEC_LOCK], 2, (const char *const[]){id, commission}, &res)) !=
        DB_OK)
        return -2;
    const char *now = PQntuples(res) == 1 ? PQgetvalue(res, 0, 0) : "";
    if (PQntuples(res) != 1)
        status = 404, code = "application_not_found", why = "no application with this number";
    else if (strcmp(PQgetvalue(res, 0, 5), "t") != 0)
        status = 403, code = "outside_scope",
        why = "this application belongs to another commission";
    else if (strcmp(now, "approved") == 0 || strcmp(now, "rejected") == 0)
        status = 409, code = "already_decided", why = "this application has been decided already";
    else if (strcmp(now, "in_register") != 0)
        status = 409, code = "not_in_register",
        why = "only applications sent in a register can be decided";
    if (code == NULL) {
        d->move = strcmp(PQgetvalue(res, 0, 1), "correction") != 0;
        d->pin = pool_strdup(req->pool, PQgetvalue(res, 0, 2));
        d->to = pool_strdup(req->pool, PQgetvalue(res, 0, 4));
    }
    PQclear(res);
    if (code == NULL)
        return 0;
    db_rollback();
    http_error(req, status, code, why, NULL);
    return -1;
}

/* The voter moves at once, with history: never on two stations.  DB_OK or the failure. */
static enum db_status decision_move(struct http_request *req, const char *id,
                                    const struct decided *d)
{
    PGresult *res = NULL;
    enum db_status st;
    if ((st = db_exec(&statements[TEC_VOTER_LOCK], 1, (const char *const[]){d->pin}, &res)) !=
        DB_OK)
        return st;
    char *from = pool_strdup(req->pool, PQgetvalue(res, 0, 0));
    PQclear(res);
    if ((st = db_exec(&statements[TEC_MOVE], 2, (const char *const[]){d->pin, d->to}, &res)) !=
        DB_OK)
        return st;
    PQclear(res);
    st = db_exec(&statements[TEC_MOVE_RECORD], 4, (const char *const[]){d->pin, from, d->to, id},
                 &res);
    PQclear(res);
    return st;
}

/* The decision and its event; *body the application as it now is (req->pool).  DB_OK or the failure. */
static enum db_status decision_record(struct http_request *req, const char *id,
                                      const char *commission, const struct decision *in,
                                      const char **body)
{
    const struct user *u = req->user;
    PGresult *res = NULL;
    enum db_status st;
    const char *new_status = in->approve ? "approved" : "rejected";
    const char *reason = in->reason != NULL && *in->reason != '\0' ? in->reason : NULL;
    const char *dp[] = {id, new_status, reason};
    if ((st = db_exec(&statements[TEC_DECIDE], 3, dp, &res)) != DB_OK)
        return st;
    PQclear(res);
    const char *ep[] = {id,     new_status, "tec_admin",
                        u->pin, commission, reason != NULL ? reason : ""};
    if ((st = db_exec(&statements[BIO_EVENT], 6, ep, &res)) != DB_OK)
        return st;
    PQclear(res);
    if ((st = db_exec(&statements[BIO_APPLICATION], 1, (const char *const[]){id}, &res)) != DB_OK)
        return st;
    size_t size = strlen(PQgetvalue(res, 0, 0)) + 32;
    char *text = pool_alloc(req->pool, size);
    snprintf(text, size, "{\"application\":%s}", PQgetvalue(res, 0, 0));
    PQclear(res);
    *body = text;
    return DB_OK;
}

static void decision_post(struct http_request *req)
{
    char commission[24];
    const char *id = http_arg_text(req, "id"), *body = NULL;
    if (staff_commission(req, ACCESS_TEC_ADMIN, commission, sizeof(commission)) < 0)
        return;
    struct json_object *o = api_json_body(req, NULL);
    if (o == NULL)
        return;
    struct decision in;
    struct decided d;
    struct json_fault f;
    enum db_status st = DB_OK;
    int rc = -1;
    if (parse_decision(o, &in, &f) < 0)
        api_json_refuse(req, &f);
    else if (!in.approve && (in.reason == NULL || *in.reason == '\0'))
        http_error(req, 400, "reason_required", "a rejection needs its reason", "reason");
    else if ((st = db_begin()) != DB_OK)
        rc = -2;
    else if ((rc = decision_check(req, id, commission, &d, &st)) == 0 &&
             ((in.approve && d.move && (st = decision_move(req, id, &d)) != DB_OK) ||
              (st = decision_record(req, id, commission, &in, &body)) != DB_OK ||
              (st = db_commit()) != DB_OK))
        rc = -2;
    api_write_end(req, rc, st, 200, body);
    json_object_put(o);
}

/* ---- identification devices (CEC administrators) -------------------------- */

static void device_post(struct http_request *req)
{
    static const char *const members[] = {"device_id", "commission_id", NULL};
    struct json_object *o = api_json_body(req, NULL);
    if (o == NULL)
        return;
    PGresult *res = NULL;
    char commission[24];
    long long x;
    const char *device;
    struct json_fault f;
    if (json_read_object(o, "", members, &f) < 0 ||
        json_read_digits(o, "", "device_id", true, DEVICE_ID_DIGITS, &device, &f) < 0 ||
        json_read_int(o, "", "commission_id", true, 1, ID_MAX, &x, &f) < 0) {
        api_json_refuse(req, &f);
        goto out;
    }
    snprintf(commission, sizeof(commission), "%lld", x);
    const struct user *u = req->user;
    const char *params[] = {device, commission, u->pin};
    enum db_status st = db_exec(&statements[BIO_DEVICE_NEW], 3, params, &res);
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
        http_error(req, 422, "commission_not_found", "there is no such commission",
                   "commission_id");
    }
out:
    PQclear(res);
    json_object_put(o);
}

/* All devices or a commission's (CEC); a TEC administrator sees its own commission's. */
static void devices_get(struct http_request *req)
{
    char own[24];
    const char *commission = http_arg_text(req, "commission");
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
    api_send_query(req, &statements[BIO_DEVICES], 1, (const char *const[]){commission}, CACHE_NONE,
                   "not_found", "no devices");
}

static const struct route routes[] = {
    {"GET", "/api/v1/biometrics/applications", find_get, ACCESS_OPERATOR,
     .query = {{"pin", FIELD_DIGITS, PIN_DIGITS, PIN_DIGITS, .about = "the applicant's PIN"},
               FIELD_RECORD("id")},
     .summary =
         "Find an application to identify, by the applicant's PIN or its number (pin or id)"},
    {"POST", "/api/v1/biometrics/identifications", identify_post, ACCESS_OPERATOR,
     .body = "application/json",
     .summary = "Record an identification (matched or not) made with a registered device"},
    {"GET", "/api/v1/biometrics/register", register_day_get, ACCESS_OPERATOR,
     .query = {{"date", FIELD_DATE, 1900, 2200, .about = "the day (default: today)"}},
     .summary = "The commission's register of identified applications of a day"},
    {"POST", "/api/v1/biometrics/registers", register_post, ACCESS_OPERATOR,
     .body = "application/json",
     .summary = "Send the identified applications to the territorial commission as a register"},
    {"POST", "/api/v1/biometrics/devices/{device}/revoke", api_revoke, ACCESS_CEC_ADMIN,
     .data =
         &(const struct api_revoke){&statements[BIO_DEVICE_REVOKE], &statements[BIO_DEVICE_EXISTS]},
     .path = {FIELD_DEVICE("device")}, .summary = "Take an identification device out of service"},
    {"POST", "/api/v1/biometrics/devices", device_post, ACCESS_CEC_ADMIN,
     .body = "application/json", .summary = "Register a commission's identification device"},
    {"GET", "/api/v1/biometrics/devices", devices_get, ACCESS_CEC_ADMIN | ACCESS_TEC_ADMIN,
     .query = {{"commission", FIELD_INT, 1, ID_MAX, .about = "a commission's id (a TEC: its own)"}},
     .summary = "Identification devices, all or a commission's"},
    {"GET", "/api/v1/tec/registers", registers_get, ACCESS_TEC_ADMIN,
     .summary = "The registers sent to this territorial commission"},
    {"GET", "/api/v1/tec/registers/{id}", register_get, ACCESS_TEC_ADMIN,
     .path = {FIELD_RECORD("id")}, .summary = "One register and its applications"},
    {"POST", "/api/v1/tec/applications/{id}/decision", decision_post, ACCESS_TEC_ADMIN,
     .path = {FIELD_RECORD("id")}, .body = "application/json",
     .summary = "Approve or refuse an identified application (a refusal gives the reason)"},
};

const struct api_module biometrics_module = {"biometrics", routes,          NELEM(routes),
                                             statements,   BIOMETRICS__MAX, NULL};
