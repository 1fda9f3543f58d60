/*
 * Complaints (DOMAIN.md, "Complaints"): a signed-in person files one (a
 * receipt with a number) and follows it in the cabinet; the commission the
 * law names (rules/complaints.c) reviews it on the law's clock: forwards it,
 * sets the hearing, decides; an appeal is a new complaint naming the
 * decision; courts' rulings are recorded; the public registry shows every
 * complaint with the complainant masked, as JSON and CSV, and a dashboard.
 * The writes are sql/functions/026_complaints.sql; the clock is computed
 * here, from the election's voting day, and stored with each write.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../rules/calendar.h"
#include "../rules/complaints.h"
#include "api.h"

enum {
    COMPLAINTS_VOTING_DAY,
    COMPLAINTS_APPEAL_SOURCE,
    COMPLAINTS_FILE,
    COMPLAINTS_PRIVATE,
    COMPLAINTS_CABINET,
    COMPLAINTS_QUEUE,
    COMPLAINTS_OF_COMPLAINT,
    COMPLAINTS_FORWARD,
    COMPLAINTS_HEARING,
    COMPLAINTS_DECIDE,
    COMPLAINTS_RULING,
    COMPLAINTS_PUBLIC,
    COMPLAINTS_ONE,
    COMPLAINTS_CSV,
    COMPLAINTS_DASHBOARD,
    COMPLAINTS_COMMISSIONS,
    COMPLAINTS__MAX
};

static const struct db_statement statements[COMPLAINTS__MAX] = {
    [COMPLAINTS_VOTING_DAY] =
        {"complaints_voting_day",
         "SELECT to_char(date, 'YYYY-MM-DD') FROM elections WHERE id = $1::integer"},
    [COMPLAINTS_APPEAL_SOURCE] =
        {"complaints_appeal_source",
         "SELECT election_id, commission_id, kind, station_number,"
         "       district_number FROM complaint_appeal_source($1::bigint, $2)"},
    [COMPLAINTS_FILE] =
        {"complaints_file",
         "SELECT complaint_file($1::integer, $2, $3, $4, $5::integer, $6, $7, $8::integer,"
         " $9::integer, $10::integer, $11, $12::integer, $13::integer, $14::boolean, $15,"
         " $16::bigint, $17::timestamptz, $18, $19, $20::timestamptz, $21::timestamptz, $22::bigint)"},
    [COMPLAINTS_PRIVATE] = {"complaints_private",
                            "SELECT complaint_private_json($1::bigint, $2)::text"},
    [COMPLAINTS_CABINET] = {"complaints_cabinet", "SELECT cabinet_complaints_json($1)::text"},
    [COMPLAINTS_QUEUE] = {"complaints_queue",
                          "SELECT complaints_queue_json($2, $1::integer)::text"},
    /* A complaint's voting day, for the clock of an act on it. */
    [COMPLAINTS_OF_COMPLAINT] =
        {"complaints_of_complaint",
         "SELECT to_char(e.date, 'YYYY-MM-DD') FROM complaints c"
         "  JOIN elections e ON e.id = c.election_id WHERE c.id = $1::bigint"},
    [COMPLAINTS_FORWARD] = {"complaints_forward",
                            "SELECT complaint_forward($1::bigint, $2, $3::integer, $4,"
                            " $5::timestamptz, $6::timestamptz)"},
    [COMPLAINTS_HEARING] = {"complaints_hearing",
                            "SELECT complaint_hearing($1::bigint, $2, $3::timestamptz, $4)"},
    [COMPLAINTS_DECIDE] = {"complaints_decide",
                           "SELECT complaint_decide($1::bigint, $2, $3, $4, $5, $6,"
                           " $7::timestamptz, $8::timestamptz, $9, $10::bigint)"},
    [COMPLAINTS_RULING] =
        {"complaints_ruling",
         "SELECT complaint_court_ruling($1::bigint, $7, $2, $3, $4::date, $5, $6)"},
    [COMPLAINTS_PUBLIC] = {"complaints_public",
                           "SELECT complaints_public_json($1::integer, $2::integer, $3, $4, $5, $6,"
                           " $7::bigint, $8::integer, $9::integer)"},
    [COMPLAINTS_ONE] = {"complaints_one",
                        "SELECT complaint_public_json(c)::text FROM complaints c"
                        " WHERE c.id = $1::bigint"},
    [COMPLAINTS_CSV] = {"complaints_csv",
                        "SELECT complaints_public_csv(id) FROM elections WHERE id = $1::integer"},
    [COMPLAINTS_DASHBOARD] = {"complaints_dashboard",
                              "SELECT complaints_dashboard_json(id, $2::integer)::text"
                              "  FROM elections WHERE id = $1::integer"},
    [COMPLAINTS_COMMISSIONS] = {"complaints_commissions",
                                "SELECT json_build_object('items', coalesce(json_agg("
                                " commission_json(k.id) ORDER BY k.kind = 'central' DESC,"
                                " k.district_number, k.id), '[]'))::text FROM commissions k"
                                " WHERE $1::text IS NULL OR k.kind = $1"},
};

/* The signed-in person's PIN (the guard has let only the signed-in through). */
static const char *me(struct http_request *req)
{
    const struct user *u = req->user;
    return u->pin;
}

/* One of names (NULL-terminated), or NULL. */
static const char *one_of(const char *s, const char *const *names)
{
    for (size_t i = 0; s != NULL && names[i] != NULL; i++)
        if (strcmp(s, names[i]) == 0)
            return names[i];
    return NULL;
}

static const char *const complainant_kinds[] = {"voter",    "candidate", "party",
                                                "observer", "ngo",       NULL};
static const char *const concerns_kinds[] = {"protocol", "nomination", "application", NULL};
static const char *const outcomes[] = {"upheld", "partly_upheld", "rejected", "not_considered",
                                       NULL};
static const char *const orders[] = {"recount", "correction", "cancel_registration", "other", NULL};
static const char *const instances[] = {"first", "appeal", "supreme", NULL};
static const char *const rulings[] = {"upheld",    "overturned", "partly_overturned",
                                      "dismissed", "returned",   NULL};
static const char *const statuses[] = {"received", "hearing_set", "decided", NULL};
static const char *const deadlines[] = {"met", "missed", "overdue", "open", NULL};
static const char *const commission_kinds[] = {"territorial", "district", "central", NULL};

/* A voting day "YYYY-MM-DD" as the rules take it. */
static struct complaints_day day_of(const char *s)
{
    struct complaints_day d = {0, 0, 0};
    if (s != NULL && sscanf(s, "%4d-%2d-%2d", &d.y, &d.m, &d.d) != 3)
        d = (struct complaints_day){0, 0, 0};
    return d;
}

static const char *moment(struct http_request *req, long long t)
{
    char buf[40];
    return pool_strdup(req->pool, complaints_format(t, buf, sizeof(buf)));
}

/* 400 naming the field, for a value of a closed list or a moment that is not one. */
static int refuse_field(struct http_request *req, const char *field, const char *message)
{
    http_error(req, 400, "invalid_field", message, field);
    return -1;
}

/* The voting day of statement's one row (an election, or a complaint's); 404 if none. */
static int voting_day(struct http_request *req, enum db_status *st, int which, const char *key,
                      const char *missing, struct complaints_day *day)
{
    PGresult *res = NULL;
    if ((*st = db_exec(&statements[which], 1, (const char *const[]){key}, &res)) != DB_OK) {
        api_db_failure(req, *st);
        return -1;
    }
    if (PQntuples(res) != 1) {
        PQclear(res);
        http_error(req, 404,
                   which == COMPLAINTS_VOTING_DAY ? "election_not_found" : "complaint_not_found",
                   missing, NULL);
        return -1;
    }
    *day = day_of(PQgetvalue(res, 0, 0));
    PQclear(res);
    return 0;
}

/* The body of a complaint. */
enum {
    F_ELECTION,
    F_KIND,
    F_PARTY,
    F_ORG,
    F_SUBJECT,
    F_SUBJECT_COMMISSION,
    F_SUBJECT_CANDIDATE,
    F_SUBJECT_PARTY,
    F_SUBJECT_OFFICIAL,
    F_STATION,
    F_DISTRICT,
    F_DISTRICT_CONTEST,
    F_CONCERNS,
    F_CONCERNS_ID,
    F_HAPPENED,
    F_SUMMARY,
    F_APPEAL_OF,
    F__MAX
};

static const struct field complaint_body[F__MAX + 1] = {
    [F_ELECTION] = {"election_id", FIELD_INT, 1, ID_MAX, .about = "the election"},
    [F_KIND] = {"complainant_kind", FIELD_TEXT, 0, 16, true,
                .about = "voter, candidate, party, observer or ngo (checked against your roles)"},
    [F_PARTY] = {"party_id", FIELD_INT, 1, ID_MAX, .about = "the party you represent (party)"},
    [F_ORG] = {"organisation", FIELD_TEXT, 0, 300, .about = "your organisation (observer, ngo)"},
    [F_SUBJECT] = {"subject", FIELD_TEXT, 0, 16,
                   .about =
                       "station, territorial, district, central, candidate, party or official"},
    [F_SUBJECT_COMMISSION] = {"subject_commission", FIELD_INT, 1, ID_MAX,
                              .about = "the commission complained of"},
    [F_SUBJECT_CANDIDATE] = {"subject_candidate", FIELD_INT, 1, ID_MAX,
                             .about = "the candidate complained of"},
    [F_SUBJECT_PARTY] = {"subject_party", FIELD_INT, 1, ID_MAX, .about = "the party complained of"},
    [F_SUBJECT_OFFICIAL] = {"subject_official", FIELD_TEXT, 0, 300,
                            .about = "the official complained of: name and post"},
    [F_STATION] = {"station", FIELD_INT, STATION_MIN, STATION_MAX, .about = "the station"},
    [F_DISTRICT] = {"district", FIELD_INT, 1, DISTRICT_MAX, .about = "the single-member district"},
    [F_DISTRICT_CONTEST] = {"district_contest", FIELD_BOOL,
                            .about = "it concerns the district's contest (not the party lists)"},
    [F_CONCERNS] = {"concerns", FIELD_TEXT, 0, 16,
                    .about = "protocol, nomination or application: what it concerns"},
    [F_CONCERNS_ID] = {"concerns_id", FIELD_INT, 1, BIG_ID_MAX,
                       .about = "its number (a station's, a nomination's, an application's)"},
    [F_HAPPENED] = {"happened_at", FIELD_TEXT, 0, 32, true,
                    .about = "when it happened: 2027-01-17T14:30 (Bishkek) or with an offset"},
    [F_SUMMARY] = {"summary", FIELD_TEXT, 0, 4000, true, .about = "what happened (public)"},
    [F_APPEAL_OF] = {"appeal_of", FIELD_INT, 1, BIG_ID_MAX,
                     .about = "the complaint whose decision this appeals"},
    [F__MAX] = {NULL},
};

/*
 * An appeal: its subject is the commission that decided, its level the
 * next one up, and it keeps the station and the district of the original.
 */
static int appeal_route(struct http_request *req, struct field_value *v, const char **level,
                        const char **subject)
{
    const struct user *u = req->user;
    PGresult *res = NULL;
    enum db_status st = db_exec(&statements[COMPLAINTS_APPEAL_SOURCE], 2,
                                (const char *const[]){v[F_APPEAL_OF].s, u->pin}, &res);
    if (st != DB_OK) {
        api_db_failure(req, st);
        return -1;
    }
    if (PQntuples(res) != 1) {
        PQclear(res);
        http_error(req, 404, "complaint_not_found", "you filed no complaint with this number",
                   "appeal_of");
        return -1;
    }
    const char *kind = PQgetvalue(res, 0, 2);
    int s = complaints_subject_parse(kind);
    *subject = complaints_subject_name((enum complaints_subject)(s < 0 ? SUBJECT_CENTRAL : s));
    enum complaints_level from = strcmp(kind, "territorial") == 0 ? LEVEL_TERRITORIAL
        : strcmp(kind, "district") == 0                           ? LEVEL_DISTRICT
                                                                  : LEVEL_CENTRAL;
    *level = complaints_level_name(complaints_appeal_level(from));
    v[F_ELECTION] = (struct field_value){true, atol(PQgetvalue(res, 0, 0)),
                                         pool_strdup(req->pool, PQgetvalue(res, 0, 0))};
    v[F_SUBJECT_COMMISSION] = (struct field_value){true, atol(PQgetvalue(res, 0, 1)),
                                                   pool_strdup(req->pool, PQgetvalue(res, 0, 1))};
    if (!v[F_STATION].present && !PQgetisnull(res, 0, 3))
        v[F_STATION] = (struct field_value){true, atol(PQgetvalue(res, 0, 3)),
                                            pool_strdup(req->pool, PQgetvalue(res, 0, 3))};
    if (!v[F_DISTRICT].present && !PQgetisnull(res, 0, 4))
        v[F_DISTRICT] = (struct field_value){true, atol(PQgetvalue(res, 0, 4)),
                                             pool_strdup(req->pool, PQgetvalue(res, 0, 4))};
    PQclear(res);
    return 0;
}

/* POST /api/v1/complaints: cheap checks, the route and the clock, then the one write. */
static void complaint_post(struct http_request *req)
{
    const struct user *u = req->user;
    struct field_value v[F__MAX];
    if (api_body_read(req, complaint_body, v) < 0)
        return;
    const char *kind = one_of(v[F_KIND].s, complainant_kinds);
    if (kind == NULL) {
        refuse_field(req, "complainant_kind",
                     "complainant_kind is one of voter, candidate, party, observer, ngo");
        return;
    }
    if (v[F_CONCERNS].present && one_of(v[F_CONCERNS].s, concerns_kinds) == NULL) {
        refuse_field(req, "concerns", "concerns is one of protocol, nomination, application");
        return;
    }
    if (v[F_CONCERNS].present != v[F_CONCERNS_ID].present) {
        refuse_field(req, v[F_CONCERNS].present ? "concerns_id" : "concerns",
                     "concerns and concerns_id go together");
        return;
    }
    long long happened = 0;
    if (calendar_parse_moment(v[F_HAPPENED].s, &happened) < 0) {
        refuse_field(req, "happened_at",
                     "happened_at is a moment: 2027-01-17T14:30 (Bishkek time) or with an offset");
        return;
    }
    const char *level = NULL, *subject = NULL;
    if (v[F_APPEAL_OF].present) {
        if (appeal_route(req, v, &level, &subject) < 0)
            return;
    } else {
        int s = complaints_subject_parse(v[F_SUBJECT].s);
        if (s < 0 || !v[F_ELECTION].present) {
            refuse_field(req, s < 0 ? "subject" : "election_id",
                         s < 0 ? "subject is one of station, territorial, district, central, "
                                 "candidate, party, official"
                               : "election_id is required");
            return;
        }
        subject = complaints_subject_name((enum complaints_subject)s);
        level = complaints_level_name(complaints_route(
            (enum complaints_subject)s, v[F_DISTRICT_CONTEST].i != 0, v[F_STATION].present));
    }
    enum db_status st;
    struct complaints_day day;
    if (voting_day(req, &st, COMPLAINTS_VOTING_DAY, v[F_ELECTION].s, "there is no such election",
                   &day) < 0)
        return;
    long long now = (long long)time(NULL);
    const char *params[] = {v[F_ELECTION].s,
                            u->pin,
                            u->name != NULL && *u->name != '\0' ? u->name : u->pin,
                            kind,
                            v[F_PARTY].s,
                            v[F_ORG].s,
                            subject,
                            v[F_SUBJECT_COMMISSION].s,
                            v[F_SUBJECT_CANDIDATE].s,
                            v[F_SUBJECT_PARTY].s,
                            v[F_SUBJECT_OFFICIAL].s,
                            v[F_STATION].s,
                            v[F_DISTRICT].s,
                            v[F_DISTRICT_CONTEST].i != 0 ? "true" : "false",
                            v[F_CONCERNS].s,
                            v[F_CONCERNS_ID].s,
                            moment(req, happened),
                            v[F_SUMMARY].s,
                            level,
                            moment(req, now),
                            moment(req, complaints_review_due(now, day)),
                            v[F_APPEAL_OF].s};
    PGresult *res = NULL;
    if ((st = db_begin()) != DB_OK ||
        (st = db_exec(&statements[COMPLAINTS_FILE], 22, params, &res)) != DB_OK) {
        db_rollback();
        api_db_failure(req, st);
        return;
    }
    const char *id = pool_strdup(req->pool, db_value(res));
    PQclear(res);
    char location[64];
    snprintf(location, sizeof(location), "/api/v1/cabinet/complaints/%s", id);
    if ((st = api_created(req, &statements[COMPLAINTS_PRIVATE], 2,
                          (const char *const[]){id, u->pin}, location)) != DB_OK) {
        db_rollback();
        api_db_failure(req, st);
    }
}

static void private_get(struct http_request *req)
{
    api_send_query(req, &statements[COMPLAINTS_PRIVATE], 2,
                   (const char *const[]){http_arg(req, "id")->s, me(req)}, CACHE_NONE,
                   "complaint_not_found", "no complaint with this number is yours to see");
}

/* After a reviewer's act: the complaint as the reviewer sees it now. */
static void act_done(struct http_request *req, enum db_status st, PGresult *res)
{
    PQclear(res);
    if (st != DB_OK) {
        api_db_failure(req, st);
        return;
    }
    private_get(req);
}

static void forward_post(struct http_request *req)
{
    static const struct field body[] = {
        {"commission_id", FIELD_INT, 1, ID_MAX, true, .about = "the commission it goes to"},
        {"reason", FIELD_TEXT, 0, 2000, true, .about = "why (public)"},
        {NULL}};
    struct field_value v[2];
    if (api_body_read(req, body, v) < 0)
        return;
    const char *id = http_arg(req, "id")->s;
    enum db_status st;
    struct complaints_day day;
    if (voting_day(req, &st, COMPLAINTS_OF_COMPLAINT, id,
                   "no complaint with this number is before your commission", &day) < 0)
        return;
    long long now = (long long)time(NULL);
    PGresult *res = NULL;
    st = db_exec(&statements[COMPLAINTS_FORWARD], 6,
                 (const char *const[]){id, me(req), v[0].s, v[1].s, moment(req, now),
                                       moment(req, complaints_review_due(now, day))},
                 &res);
    act_done(req, st, res);
}

static void hearing_post(struct http_request *req)
{
    static const struct field body[] = {
        {"at", FIELD_TEXT, 0, 32, true, .about = "when: 2027-01-17T14:30 (Bishkek)"},
        {"place", FIELD_TEXT, 0, 300, true, .about = "where"},
        {NULL}};
    struct field_value v[2];
    if (api_body_read(req, body, v) < 0)
        return;
    long long at = 0;
    if (calendar_parse_moment(v[0].s, &at) < 0) {
        refuse_field(req, "at", "at is a moment: 2027-01-17T14:30 (Bishkek time)");
        return;
    }
    PGresult *res = NULL;
    enum db_status st = db_exec(
        &statements[COMPLAINTS_HEARING], 4,
        (const char *const[]){http_arg(req, "id")->s, me(req), moment(req, at), v[1].s}, &res);
    act_done(req, st, res);
}

static void decision_post(struct http_request *req)
{
    static const struct field body[] = {
        {"outcome", FIELD_TEXT, 0, 16, true,
         .about = "upheld, partly_upheld, rejected or not_considered"},
        {"text", FIELD_TEXT, 0, 4000, true, .about = "the decision (public)"},
        {"ordered", FIELD_TEXT, 0, 24,
         .about = "what it orders: recount, correction, cancel_registration, other"},
        {"ordered_note", FIELD_TEXT, 0, 1000, .about = "what it changed, and where"},
        {"changed", FIELD_TEXT, 0, 16,
         .about = "what the order changed: protocol, nomination or application (linked to)"},
        {"changed_id", FIELD_INT, 1, BIG_ID_MAX,
         .about = "its number: a station's (protocol), a nomination's, an application's"},
        {NULL}};
    struct field_value v[6];
    if (api_body_read(req, body, v) < 0)
        return;
    if (one_of(v[0].s, outcomes) == NULL) {
        refuse_field(req, "outcome",
                     "outcome is one of upheld, partly_upheld, rejected, not_considered "
                     "(forwarding is its own act)");
        return;
    }
    if (v[2].present && one_of(v[2].s, orders) == NULL) {
        refuse_field(req, "ordered",
                     "ordered is one of recount, correction, cancel_registration, other");
        return;
    }
    if ((v[3].present || v[4].present) && !v[2].present) {
        refuse_field(req, "ordered", "what an order changed goes with the order: name it");
        return;
    }
    if (v[4].present != v[5].present || (v[4].present && one_of(v[4].s, concerns_kinds) == NULL)) {
        refuse_field(req, v[4].present ? "changed" : "changed_id",
                     "changed is one of protocol, nomination, application, with its changed_id");
        return;
    }
    const char *id = http_arg(req, "id")->s;
    long long now = (long long)time(NULL);
    PGresult *res = NULL;
    enum db_status st =
        db_exec(&statements[COMPLAINTS_DECIDE], 10,
                (const char *const[]){id, me(req), v[0].s, v[1].s, v[2].s, v[3].s, moment(req, now),
                                      moment(req, complaints_appeal_due(now)), v[4].s, v[5].s},
                &res);
    act_done(req, st, res);
}

static void ruling_post(struct http_request *req)
{
    static const struct field body[] = {
        {"court", FIELD_TEXT, 0, 300, true, .about = "the court"},
        {"instance", FIELD_TEXT, 0, 16, true, .about = "first, appeal or supreme"},
        {"ruled_on", FIELD_DATE, 2000, 2100, true, .about = "the ruling's date"},
        {"outcome", FIELD_TEXT, 0, 24, true,
         .about = "upheld, overturned, partly_overturned, dismissed or returned"},
        {"summary", FIELD_TEXT, 0, 4000, .about = "what the court said (public)"},
        {NULL}};
    struct field_value v[5];
    if (api_body_read(req, body, v) < 0)
        return;
    if (one_of(v[1].s, instances) == NULL || one_of(v[3].s, rulings) == NULL) {
        refuse_field(req, one_of(v[1].s, instances) == NULL ? "instance" : "outcome",
                     one_of(v[1].s, instances) == NULL
                         ? "instance is one of first, appeal, supreme"
                         : "outcome is one of upheld, overturned, partly_overturned, dismissed, "
                           "returned");
        return;
    }
    PGresult *res = NULL;
    enum db_status st = db_exec(&statements[COMPLAINTS_RULING], 7,
                                (const char *const[]){http_arg(req, "id")->s, v[0].s, v[1].s,
                                                      v[2].s, v[3].s, v[4].s, me(req)},
                                &res);
    act_done(req, st, res);
}

/* The registry's filters: closed lists checked here (the dispatcher checks lengths). */
static void registry_get(struct http_request *req)
{
    const char *status = http_arg_text(req, "status"), *outcome = http_arg_text(req, "outcome"),
               *deadline = http_arg_text(req, "deadline");
    if ((status != NULL && one_of(status, statuses) == NULL) ||
        (outcome != NULL && one_of(outcome, outcomes) == NULL) ||
        (deadline != NULL && one_of(deadline, deadlines) == NULL)) {
        http_error(req, 400, "invalid_parameter",
                   "status: received, hearing_set, decided; outcome: upheld, partly_upheld, "
                   "rejected, not_considered; deadline: met, missed, overdue, open",
                   status != NULL && one_of(status, statuses) == NULL         ? "status"
                       : outcome != NULL && one_of(outcome, outcomes) == NULL ? "outcome"
                                                                              : "deadline");
        return;
    }
    api_send_query(req, &statements[COMPLAINTS_PUBLIC], 9,
                   (const char *const[]){
                       http_arg_text(req, "election"), http_arg_text(req, "commission"), status,
                       outcome, deadline, http_arg_text(req, "q"), http_arg_text(req, "before"),
                       http_arg(req, "limit")->s, http_arg_text(req, "station")},
                   CACHE_SHORT, "not_found", "nothing");
}

static void commissions_get(struct http_request *req)
{
    const char *kind = http_arg_text(req, "kind");
    if (kind != NULL && one_of(kind, commission_kinds) == NULL) {
        http_error(req, 400, "invalid_parameter", "kind is one of territorial, district, central",
                   "kind");
        return;
    }
    api_send_query(req, &statements[COMPLAINTS_COMMISSIONS], 1, (const char *const[]){kind},
                   CACHE_LONG, "not_found", "nothing");
}

#define FIELD_COMPLAINT(name)                                                                      \
    {                                                                                              \
        name, FIELD_INT, 1, BIG_ID_MAX, .about = "a complaint's id"                                \
    }

static const struct route routes[] = {
    {"POST", "/api/v1/complaints", complaint_post, ACCESS_SIGNED_IN, .body = "application/json",
     .summary = "Files a complaint (or an appeal of a decision): a receipt with its number"},
    {"GET", "/api/v1/cabinet/complaints",
     API_READ(&statements[COMPLAINTS_CABINET], CACHE_NONE, false, "not_found", "nothing",
              .mine = true),
     .access = ACCESS_SIGNED_IN,
     .summary = "The complaints you filed, and those about you (as a candidate, a party's)"},
    {"GET", "/api/v1/cabinet/complaints/{id}", private_get, ACCESS_SIGNED_IN,
     .path = {FIELD_COMPLAINT("id")},
     .summary = "A complaint as its complainant, its reviewers or the people it concerns see it"},
    {"GET", "/api/v1/review/complaints",
     API_READ(&statements[COMPLAINTS_QUEUE], CACHE_NONE, false, "not_found", "nothing",
              .mine = true),
     .access = ACCESS_COMPLAINTS,
     .query = {{"election", FIELD_INT, 1, ID_MAX, .about = "only this election's"}},
     .summary = "The complaints before your commission, open first, by deadline"},
    {"POST", "/api/v1/review/complaints/{id}/forward", forward_post, ACCESS_COMPLAINTS,
     .path = {FIELD_COMPLAINT("id")}, .body = "application/json",
     .summary = "Sends the complaint to another commission, with the reason (the clock restarts)"},
    {"POST", "/api/v1/review/complaints/{id}/hearing", hearing_post, ACCESS_COMPLAINTS,
     .path = {FIELD_COMPLAINT("id")}, .body = "application/json",
     .summary = "Sets the hearing's time and place (the parties see it in their cabinets)"},
    {"POST", "/api/v1/review/complaints/{id}/decision", decision_post, ACCESS_COMPLAINTS,
     .path = {FIELD_COMPLAINT("id")}, .body = "application/json",
     .summary = "Decides the complaint (late decisions are recorded as late)"},
    {"POST", "/api/v1/review/complaints/{id}/court-rulings", ruling_post, ACCESS_COMPLAINTS,
     .path = {FIELD_COMPLAINT("id")}, .body = "application/json",
     .summary = "Records a court's ruling on the complaint (the CEC's reviewers)"},
    {"GET", "/api/v1/complaints", registry_get, 0,
     .query = {{"election", FIELD_INT, 1, ID_MAX, .about = "only this election's"},
               {"commission", FIELD_INT, 1, ID_MAX, .about = "only before this commission"},
               {"status", FIELD_TEXT, 0, 16, .about = "received, hearing_set or decided"},
               {"outcome", FIELD_TEXT, 0, 16, .about = "the decision's outcome"},
               {"deadline", FIELD_TEXT, 0, 16, .about = "met, missed, overdue or open"},
               {"q", FIELD_TEXT, 0, 100, .about = "words of the number or the complaint"},
               {"before", FIELD_INT, 1, BIG_ID_MAX, .about = "the last complaint seen (keyset)"},
               {"limit", FIELD_INT, 1, 200, .def = "50", .about = "at most this many"},
               {"station", FIELD_INT, STATION_MIN, STATION_MAX,
                .about = "at this station, about its protocol, or changing it"}},
     .summary = "The public registry: every complaint, newest first, the complainant masked"},
    {"GET", "/api/v1/complaints/{id}",
     API_READ(&statements[COMPLAINTS_ONE], CACHE_SHORT, false, "complaint_not_found",
              "there is no complaint with this number"),
     .path = {FIELD_COMPLAINT("id")},
     .summary = "A complaint in public: clock, decision, appeals, rulings, documents, history"},
    {"GET", "/api/v1/elections/{id}/complaints.csv",
     API_READ(&statements[COMPLAINTS_CSV], CACHE_SHORT, false, "election_not_found",
              "there is no such election", .csv = true),
     .path = {FIELD_ELECTION("id")}, .answer = "text/csv",
     .summary = "Every complaint of an election (CSV, the complainant masked)"},
    {"GET", "/api/v1/elections/{id}/complaints/dashboard",
     API_READ(&statements[COMPLAINTS_DASHBOARD], CACHE_SHORT, false, "election_not_found",
              "there is no such election"),
     .path = {FIELD_ELECTION("id")},
     .query = {{"commission", FIELD_INT, 1, ID_MAX, .about = "only this commission's"}},
     .summary = "Received, decided in time, late, overdue, by outcome, per commission and day; "
                "the complaints still open"},
    {"GET", "/api/v1/commissions", commissions_get, 0,
     .query = {{"kind", FIELD_TEXT, 0, 16, .about = "territorial, district or central"}},
     .summary = "The commissions: territorial, the districts', the CEC"},
};

const struct api_module complaints_module = {"complaints", routes,          NELEM(routes),
                                             statements,   COMPLAINTS__MAX, NULL};
