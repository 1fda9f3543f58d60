/*
 * Talapker's review: the checks of candidates through Tunduk, the
 * commission's queue (the CEC for lists, the district's commission for
 * district candidates), a verdict on each document, deficiencies, the
 * decision that puts a nomination on the ballot, and the CEC's overview.
 * The writes are sql/functions/022_talapker_review.sql's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/json.h"
#include "../core/log.h"
#include "talapker.h"

enum {
    REVIEW_TARGETS,
    REVIEW_RECORD,
    REVIEW_CHECKS_DONE,
    REVIEW_QUEUE,
    REVIEW_GET,
    REVIEW_START,
    REVIEW_RECHECK,
    REVIEW_DOCUMENT,
    REVIEW_DEFICIENCIES,
    REVIEW_DECIDE,
    REVIEW_OVERVIEW,
    REVIEW__MAX
};

static const struct db_statement statements[REVIEW__MAX] = {
    [REVIEW_TARGETS] =
        {"review_targets",
         "SELECT candidacy_id, pin, disability FROM nomination_check_targets($1::bigint)"},
    [REVIEW_RECORD] =
        {"review_record",
         "SELECT candidacy_checks_record($1::bigint, $2::jsonb, $3, $4::jsonb, $5::jsonb,"
         " $6::jsonb, $7::bigint[])"},
    [REVIEW_CHECKS_DONE] = {"review_checks_done",
                            "SELECT nomination_checks_done($1::bigint, $2, $3)"},
    [REVIEW_QUEUE] = {"review_queue", "SELECT review_queue_json($1::integer, $2)::text"},
    [REVIEW_GET] = {"review_get", "SELECT review_get($1::bigint, $2)::text"},
    [REVIEW_START] = {"review_start", "SELECT review_start($1::bigint, $2)::text"},
    /* A nomination the person reviews, open: its checks may run again. */
    [REVIEW_RECHECK] = {"review_recheck",
                        "SELECT (review_for_change($1::bigint, $2, '{submitted,under_review}',"
                        " 'its checks are closed')).id"},
    [REVIEW_DOCUMENT] = {"review_document", "SELECT review_document($1::bigint, $2, $3, $4)::text"},
    [REVIEW_DEFICIENCIES] = {"review_deficiencies",
                             "SELECT review_send_deficiencies($1::bigint, $2)::text"},
    [REVIEW_DECIDE] = {"review_decide", "SELECT review_decide($1::bigint, $2, $3, $4)::text"},
    [REVIEW_OVERVIEW] = {"review_overview", "SELECT review_overview_json($1::integer, $2)::text"},
};

enum db_status talapker_run_checks(struct http_request *req, const char *nomination,
                                   const char *role)
{
    const struct user *u = req->user;
    PGresult *targets = NULL;
    enum db_status st =
        db_exec(&statements[REVIEW_TARGETS], 1, (const char *const[]){nomination}, &targets);
    if (st != DB_OK)
        return st;
    char issue[64];
    snprintf(issue, sizeof(issue), "shailoo-nomination-%s", nomination);
    for (int i = 0; i < PQntuples(targets) && st == DB_OK; i++) {
        const char *pin = PQgetvalue(targets, i, 1);
        bool claimed = PQgetvalue(targets, i, 2)[0] == 't';
        enum registry_status rs[4] = {REGISTRY_UNAVAILABLE, REGISTRY_UNAVAILABLE,
                                      REGISTRY_UNAVAILABLE, REGISTRY_UNAVAILABLE};
        long calls[4] = {0, 0, 0, 0};
        const char *person =
            registry_text(req, REGISTRY_POPULATION, pin, u->pin, issue, &rs[0], &calls[0]);
        const char *criminal =
            registry_text(req, REGISTRY_CONVICTIONS, pin, u->pin, issue, &rs[1], &calls[1]);
        const char *citizenship =
            registry_text(req, REGISTRY_CITIZENSHIP, pin, u->pin, issue, &rs[2], &calls[2]);
        const char *disability = claimed
            ? registry_text(req, REGISTRY_DISABILITY, pin, u->pin, issue, &rs[3], &calls[3])
            : NULL;
        char array[128]; /* the calls' ids as an SQL array */
        int n = snprintf(array, sizeof(array), "{");
        for (int k = 0; k < 4; k++) {
            char id[24];
            snprintf(id, sizeof(id), "%ld", calls[k]);
            n += snprintf(array + n, sizeof(array) - (size_t)n, "%s%s", k > 0 ? "," : "",
                          calls[k] > 0 ? id : "NULL");
        }
        snprintf(array + n, sizeof(array) - (size_t)n, "}");
        const char *params[] = {PQgetvalue(targets, i, 0),
                                rs[0] == REGISTRY_OK ? person : NULL,
                                rs[0] == REGISTRY_OK              ? "ok"
                                    : rs[0] == REGISTRY_NOT_FOUND ? "not_found"
                                                                  : "unavailable",
                                rs[1] == REGISTRY_OK ? criminal : NULL,
                                rs[2] == REGISTRY_OK ? citizenship : NULL,
                                rs[3] == REGISTRY_OK ? disability : NULL,
                                array};
        PGresult *res = NULL;
        st = db_exec(&statements[REVIEW_RECORD], 7, params, &res);
        PQclear(res);
    }
    PQclear(targets);
    if (st == DB_OK) {
        PGresult *res = NULL;
        st = db_exec(&statements[REVIEW_CHECKS_DONE], 3,
                     (const char *const[]){nomination, u->pin, role}, &res);
        PQclear(res);
    }
    return st;
}

/* The reviewer asks the registers again (one did not answer, or time has passed). */
static void recheck_post(struct http_request *req)
{
    const struct user *u = req->user;
    const char *id = http_arg(req, "id")->s;
    PGresult *res = NULL;
    enum db_status st =
        db_exec(&statements[REVIEW_RECHECK], 2, (const char *const[]){id, u->pin}, &res);
    PQclear(res);
    if (st == DB_OK)
        st = talapker_run_checks(req, id, "commission");
    if (st != DB_OK) {
        api_db_failure(req, st);
        return;
    }
    api_send_query(req, &statements[REVIEW_GET], 2, (const char *const[]){id, u->pin}, CACHE_NONE,
                   "nomination_not_found", "no nomination with this number is yours to review");
}

#define REVIEWERS (ACCESS_TEC_ADMIN | ACCESS_CEC_ADMIN)
#define FIELD_NOMINATION(name)                                                                     \
    {                                                                                              \
        name, FIELD_INT, 1, BIG_ID_MAX, .about = "a nomination's number"                           \
    }

static const struct route routes[] = {
    {"GET", "/api/v1/review/nominations",
     API_READ(&statements[REVIEW_QUEUE], CACHE_NONE, false, "not_found", "nothing", .mine = true),
     .access = REVIEWERS,
     .query = {{"election", FIELD_INT, 1, ID_MAX, .about = "only this election's"}},
     .summary = "The reviewer's queue: nominations to review, by deadline"},
    {"GET", "/api/v1/review/nominations/{id}",
     API_READ(&statements[REVIEW_GET], CACHE_NONE, false, "nomination_not_found",
              "no nomination with this number is yours to review", .mine = true),
     .access = REVIEWERS, .path = {FIELD_NOMINATION("id")},
     .summary = "A nomination under review: package, checks with their evidence, reviews, history"},
    {"POST", "/api/v1/review/nominations/{id}/start", API_CALL(&statements[REVIEW_START]),
     .access = REVIEWERS, .path = {FIELD_NOMINATION("id")},
     .summary = "The reviewer takes a submitted nomination under review"},
    {"POST", "/api/v1/review/nominations/{id}/checks", recheck_post, REVIEWERS,
     .path = {FIELD_NOMINATION("id")}, .summary = "Asks the registers about every candidate again"},
    {"POST", "/api/v1/review/documents/{id}",
     API_CALL(&statements[REVIEW_DOCUMENT],
              {{"verdict", FIELD_TEXT, 0, 16, true, .about = "accepted or deficient"},
               {"comment", FIELD_TEXT, 0, 2000, .about = "what is wrong (required if deficient)"}}),
     .access = REVIEWERS, .body = "application/json",
     .path = {{"id", FIELD_INT, 1, BIG_ID_MAX, .about = "a document (version) number"}},
     .summary = "The reviewer's verdict on one version of a document"},
    {"POST", "/api/v1/review/nominations/{id}/deficiencies",
     API_CALL(&statements[REVIEW_DEFICIENCIES]), .access = REVIEWERS,
     .path = {FIELD_NOMINATION("id")},
     .summary = "Sends the deficiencies to the party, to be corrected within three days"},
    {"POST", "/api/v1/review/nominations/{id}/decision",
     API_CALL(&statements[REVIEW_DECIDE],
              {{"decision", FIELD_TEXT, 0, 16, true, .about = "registered or refused"},
               {"reason", FIELD_TEXT, 0, 4000, .about = "the reasons (required for a refusal)"}}),
     .access = REVIEWERS, .body = "application/json", .path = {FIELD_NOMINATION("id")},
     .summary = "The commission registers the nomination (it goes on the ballot) or refuses it"},
    {"GET", "/api/v1/review/elections/{id}/overview",
     API_READ(&statements[REVIEW_OVERVIEW], CACHE_NONE, false, "not_found",
              "the overview is the CEC's", .mine = true),
     .access = ACCESS_CEC_ADMIN, .path = {FIELD_ELECTION("id")},
     .summary = "The CEC's overview: nominations by stage, reviews near or past their deadline"},
};

const struct api_module talapker_review_module = {"talapker_review", routes,      NELEM(routes),
                                                  statements,        REVIEW__MAX, NULL};
