/*
 * The manual count (issue 12; DOMAIN.md, "Voting, counting and results"):
 * a precinct commission's secretary, granted by the station's territorial
 * commission, enters the protocol's figures: the same lines as the ASU's
 * final, checked by the same control relations (rules/protocol.c) and the
 * same ballot shapes (results_final_rows()).  A correction is a new version
 * with a reason and, when it follows one, the complaint whose decision
 * ordered it; nothing is overwritten, and every version enters the
 * election's public log (sql/functions/028_protocols.sql).
 */
#include <stdio.h>
#include <string.h>

#include "../core/json.h"
#include "../rules/protocol.h"
#include "api.h"
#include "asu_report.h"

enum {
    PROTOCOLS_SUBMIT,
    PROTOCOLS_SECRETARIES,
    PROTOCOLS_SECRETARY_ADD,
    PROTOCOLS_SECRETARY_REMOVE,
    PROTOCOLS_TOLERANCE,
    PROTOCOLS__MAX
};

static const struct db_statement statements[PROTOCOLS__MAX] = {
    [PROTOCOLS_SUBMIT] = {"protocols_submit",
                          "SELECT protocol_submit($1::integer, $2::integer, $3::jsonb, $4,"
                          "                       $5::bigint, $6, $7)::text"},
    [PROTOCOLS_SECRETARIES] = {"protocols_secretaries",
                               "SELECT station_secretaries($1::integer, $2)::text"},
    [PROTOCOLS_SECRETARY_ADD] = {"protocols_secretary_add",
                                 "SELECT station_secretary_add($1::integer, $2, $3)::text"},
    [PROTOCOLS_SECRETARY_REMOVE] = {"protocols_secretary_remove",
                                    "SELECT station_secretary_remove($1::integer, $2, $3)::text"},
    [PROTOCOLS_TOLERANCE] =
        {"protocols_tolerance",
         "SELECT election_flag_tolerance_set($1::integer, $2::integer, $3::integer, $4)::text"},
};

/* A version of a protocol: POST .../protocols/elections/{id}/stations/{station}. */
struct protocol_input {
    struct protocol_report report; /* kind FINAL: the contests */
    struct json_object *contests; /* borrowed from the body */
    const char *reason; /* NULL: none (the first version) */
    char complaint[24]; /* "" if none */
};

static int parse_protocol(struct json_object *o, struct protocol_input *in, struct json_fault *f)
{
    static const char *const members[] = {"contests", "reason", "complaint_id", NULL};
    long long complaint = 0;
    memset(&in->report, 0, sizeof(in->report));
    in->report.kind = PROTOCOL_FINAL;
    in->reason = NULL;
    in->complaint[0] = '\0';
    if (json_read_object(o, "", members, f) < 0 ||
        asu_report_read_contests(o, "contests", &in->report, f) < 0 ||
        json_read_string(o, "", "reason", false, 2000, &in->reason, f) < 0 ||
        json_read_int(o, "", "complaint_id", false, 1, BIG_ID_MAX, &complaint, f) < 0)
        return -1;
    json_object_object_get_ex(o, "contests", &in->contests);
    if (in->reason != NULL && strlen(in->reason) < 10)
        return json_fault(f, "invalid", "reason",
                          "reason says why the figures change, in 10 to 2000 characters");
    if (complaint > 0)
        snprintf(in->complaint, sizeof(in->complaint), "%lld", complaint);
    /* The list contest's preference votes are required, as of the ASU (the official seats need them). */
    return 0;
}

static void protocol_post(struct http_request *req)
{
    struct json_object *o = api_json_body(req, NULL);
    if (o == NULL)
        return;
    struct protocol_input *in = pool_alloc(req->pool, sizeof(*in));
    struct json_fault f;
    struct protocol_failure bad;
    if (parse_protocol(o, in, &f) < 0) {
        api_json_refuse(req, &f);
        goto out;
    }
    if (protocol_check(&in->report, &bad) < 0) {
        http_error(req, 422, bad.code, bad.message, bad.field);
        goto out;
    }
    const char *figures = json_object_to_json_string_ext(
        in->contests, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    const struct user *u = req->user;
    const char *params[] = {http_arg_text(req, "id"),
                            http_arg_text(req, "station"),
                            figures,
                            in->reason,
                            in->complaint[0] != '\0' ? in->complaint : NULL,
                            u->pin,
                            u->name};
    api_send_value(req, &statements[PROTOCOLS_SUBMIT], NELEM(params), params, 201);
out:
    json_object_put(o);
}

#define FIELD_PIN_BODY                                                                             \
    {                                                                                              \
        {"pin", FIELD_DIGITS, PIN_DIGITS, PIN_DIGITS, true, .about = "the secretary's PIN"},       \
    }

static const struct route routes[] = {
    {"POST", "/api/v1/protocols/elections/{id}/stations/{station}", protocol_post,
     ACCESS_SECRETARY | ACCESS_TEC_ADMIN | ACCESS_CEC_ADMIN,
     .path = {FIELD_ELECTION("id"), FIELD_STATION("station")}, .body = "application/json",
     .summary = "The precinct commission's manual count: a new version of the station's protocol "
                "(a correction says why)"},
    {"GET", "/api/v1/tec/stations/{station}/secretaries",
     API_READ(&statements[PROTOCOLS_SECRETARIES], CACHE_NONE, false, "station_not_found",
              "there is no polling station with this number", .mine = true),
     .access = ACCESS_TEC_ADMIN | ACCESS_CEC_ADMIN, .path = {FIELD_STATION("station")},
     .summary = "The secretaries of a station's precinct commission"},
    {"POST", "/api/v1/tec/stations/{station}/secretaries",
     API_CALL(&statements[PROTOCOLS_SECRETARY_ADD], FIELD_PIN_BODY, 201),
     .access = ACCESS_TEC_ADMIN | ACCESS_CEC_ADMIN, .path = {FIELD_STATION("station")},
     .body = "application/json",
     .summary = "The station's territorial commission makes a person its secretary"},
    {"DELETE", "/api/v1/tec/stations/{station}/secretaries/{pin}",
     API_CALL(&statements[PROTOCOLS_SECRETARY_REMOVE]),
     .access = ACCESS_TEC_ADMIN | ACCESS_CEC_ADMIN,
     .path = {FIELD_STATION("station"), FIELD_PIN("pin")},
     .summary = "Takes the secretary's role away"},
    {"PUT", "/api/v1/elections/{id}/flag-tolerance",
     API_CALL(
         &statements[PROTOCOLS_TOLERANCE],
         {{"ballots", FIELD_INT, 0, 1000, true, .about = "ballots apart that are never flagged"},
          {"permille", FIELD_INT, 0, 1000, true,
           .about = "or this many per thousand of the ballots issued, whichever is more"}}),
     .access = ACCESS_CEC_ADMIN, .path = {FIELD_ELECTION("id")}, .body = "application/json",
     .summary = "The CEC sets when a station's identified voters and ballots issued are flagged"},
};

const struct api_module protocols_module = {"protocols", routes,         NELEM(routes),
                                            statements,  PROTOCOLS__MAX, NULL};
