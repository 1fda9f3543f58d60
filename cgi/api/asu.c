/*
 * The ASU devices of an election: the CEC registers each station's device and
 * its public key (ES256); the keys are public, so anyone can verify reports.
 */
#include <stdio.h>
#include <string.h>

#include "../core/json.h"
#include "../core/keys.h"
#include "api.h"

const struct db_statement asu_statements[] = {
    {"asu_device_new",
     "INSERT INTO asu_devices (device_id, election_id, station_number, public_key, registered_by)"
     " SELECT $1, e.id, s.number, $4, $5 FROM elections e, stations s"
     "  WHERE e.id = $2::integer AND s.number = $3::integer"
     "    AND e.status IN ('scheduled', 'open', 'counting')"
     " RETURNING json_build_object('device', json_build_object('device_id', device_id,"
     "   'election_id', election_id, 'station_number', station_number, 'public_key', public_key,"
     "   'registered_at', registered_at, 'revoked_at', revoked_at))::text"},
    {"asu_device_why",
     "SELECT (SELECT status FROM elections WHERE id = $1::integer),"
     "       EXISTS (SELECT 1 FROM stations WHERE number = $2::integer)"},
    {"asu_devices",
     "SELECT json_build_object('items', coalesce(json_agg(json_build_object("
     "  'device_id', d.device_id, 'election_id', d.election_id, 'station_number', d.station_number,"
     "  'public_key', d.public_key, 'registered_at', d.registered_at, 'revoked_at', d.revoked_at)"
     "  ORDER BY d.station_number, d.registered_at), '[]'))::text"
     "  FROM asu_devices d WHERE d.election_id = $1::integer"
     "   AND ($2::integer IS NULL OR d.station_number = $2::integer)"},
};
const size_t asu_nstatements = NELEM(asu_statements);

static const char *const device_members[] = {"device_id", "election_id", "station_number",
                                             "public_key", NULL};

static void device_post(struct http_request *req)
{
    if (http_fields_parse(req, NULL, 0, NULL) < 0)
        return;
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
    enum db_status st = db_exec("asu_device_new", 5, params, &res);
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
    if ((st = db_exec("asu_device_why", 2, (const char *const[]){election, station}, &res)) != DB_OK) {
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

enum { D_ELECTION, D_STATION, D__MAX };
static const struct field list_fields[D__MAX] = {
    [D_ELECTION] = {"election", FIELD_INT, 1, 2147483647L},
    [D_STATION] = {"station", FIELD_INT, 1, 99999},
};

static void devices_get(struct http_request *req)
{
    struct field_value v[D__MAX];
    if (http_fields_parse(req, list_fields, D__MAX, v) < 0)
        return;
    if (!v[D_ELECTION].present) {
        http_error(req, 400, "missing_parameter", "give the election", "election");
        return;
    }
    const char *params[] = {v[D_ELECTION].s, v[D_STATION].present ? v[D_STATION].s : NULL};
    api_send_query(req, "asu_devices", 2, params, CACHE_SHORT, "not_found", "no devices");
}

static const struct route routes[] = {
    {"POST", "/api/v1/asu/devices", device_post, ACCESS_CEC_ADMIN},
    {"GET", "/api/v1/asu/devices", devices_get, 0},
};
const struct route_table asu_routes = {routes, NELEM(routes)};
