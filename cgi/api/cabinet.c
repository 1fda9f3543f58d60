/*
 * The voter cabinet: my profile (from the population registry), my station,
 * upcoming elections; applications to change my station and their history.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/json.h"
#include "../core/log.h"
#include "../rules/application.h"
#include "api.h"

#define PENDING "('awaiting_identification', 'identified', 'in_register')"

enum {
    CABINET_VOTER,
    CABINET_ELECTIONS,
    CABINET_ELECTION,
    CABINET_STATION,
    CABINET_VOTER_STATION,
    CABINET_VOTER_LOCK,
    CABINET_REGISTRY_KEPT,
    CABINET_REGISTRY_KEEP,
    CABINET_PENDING,
    CABINET_NEXT_ID,
    CABINET_INSERT,
    CABINET_EVENT,
    CABINET_APPLICATION,
    CABINET_APPLICATIONS,
    CABINET_HISTORY,
    CABINET__MAX
};

static const struct db_statement statements[CABINET__MAX] = {
    [CABINET_VOTER] = {"cabinet_voter", "SELECT station_number, status FROM voters WHERE pin = $1"},
    [CABINET_ELECTIONS] =
        {"cabinet_elections",
         "SELECT coalesce(json_agg(json_build_object("
         "  'id', id, 'date', date, 'name_ru', name_ru, 'name_ky', name_ky, 'type', type,"
         "  'status', status, 'application_deadline', date - 15,"
         "  'applications_open', status IN ('scheduled', 'open') AND date - current_date BETWEEN 15 AND 70)"
         "  ORDER BY date), '[]')::text"
         "  FROM elections WHERE status IN ('scheduled', 'open') AND date >= current_date"},
    [CABINET_ELECTION] =
        {"cabinet_election",
         "SELECT status IN ('scheduled', 'open'), date - current_date FROM elections WHERE id = $1::integer"},
    [CABINET_STATION] = {"cabinet_station",
                         "SELECT abroad, commission_id FROM stations WHERE number = $1::integer"},
    /* The voter's station and commission: read first, then again locked in the write. */
    [CABINET_VOTER_STATION] =
        {"cabinet_voter_station",
         "SELECT v.station_number, s.commission_id FROM voters v JOIN stations s ON s.number = v.station_number"
         " WHERE v.pin = $1 AND v.status = 'active'"},
    [CABINET_VOTER_LOCK] =
        {"cabinet_voter_lock",
         "SELECT v.station_number, s.commission_id FROM voters v JOIN stations s ON s.number = v.station_number"
         " WHERE v.pin = $1 AND v.status = 'active' FOR UPDATE OF v"},
    /* The registry's answer kept for the cabinet (migration 015), if younger than $2 seconds. */
    [CABINET_REGISTRY_KEPT] =
        {"cabinet_registry_kept",
         "SELECT status, person::text, to_json(checked_at) #>> '{}',"
         "       floor(extract(epoch FROM now() - checked_at))::integer"
         "  FROM registry_answers WHERE pin = $1 AND checked_at > now() - make_interval(secs => $2::integer)"},
    [CABINET_REGISTRY_KEEP] =
        {"cabinet_registry_keep",
         "INSERT INTO registry_answers (pin, status, person, checked_at) VALUES ($1, $2, $3::jsonb, now())"
         " ON CONFLICT (pin) DO UPDATE SET status = excluded.status, person = excluded.person,"
         "                                 checked_at = excluded.checked_at"
         " RETURNING to_json(checked_at) #>> '{}'"},
    [CABINET_PENDING] = {"cabinet_pending",
                         "SELECT id FROM applications WHERE pin = $1 AND status IN " PENDING},
    /* The number is taken first, so the registry call can name the application it serves. */
    [CABINET_NEXT_ID] = {"cabinet_next_id", "SELECT nextval('applications_id_seq')"},
    [CABINET_INSERT] =
        {"cabinet_insert",
         "INSERT INTO applications (id, pin, election_id, kind, station_from, station_to, reason,"
         "                          commission_id, registry, registry_status)"
         " VALUES ($10::bigint, $1, $2::integer, $3, $4::integer, $5::integer, $6, $7::integer,"
         "         $8::jsonb, $9)"
         " RETURNING id"},
    [CABINET_EVENT] =
        {"cabinet_event",
         "INSERT INTO application_events (application_id, status, actor_role, actor_pin,"
         "                                commission_id, comment)"
         " VALUES ($1::bigint, $2, $3, $4, $5::integer, $6)"},
    [CABINET_APPLICATION] = {"cabinet_application",
                             "SELECT json_build_object('application', application_json(a))::text"
                             "  FROM applications a WHERE a.id = $1::bigint AND a.pin = $2"},
    [CABINET_APPLICATIONS] =
        {"cabinet_applications",
         "SELECT json_build_object('items', coalesce(json_agg(application_json(a)"
         "                                   ORDER BY a.created_at DESC, a.id DESC), '[]'))::text"
         "  FROM applications a WHERE a.pin = $1"},
    [CABINET_HISTORY] =
        {"cabinet_history",
         "SELECT json_build_object('items', coalesce(json_agg(json_build_object("
         "  'at', m.at, 'from_station', m.from_station, 'to_station', m.to_station,"
         "  'application_id', m.application_id, 'reason', m.reason,"
         "  'boundary_change', CASE WHEN c.id IS NOT NULL THEN json_build_object("
         "    'id', c.id, 'at', c.at, 'reason', c.reason, 'commission_id', c.commission_id) END)"
         "  ORDER BY m.at DESC, m.id DESC), '[]'))::text"
         "  FROM station_moves m LEFT JOIN boundary_changes c ON c.id = m.boundary_change_id"
         " WHERE m.pin = $1"},
};

static const char *registry_status_name(enum registry_status s)
{
    return s == REGISTRY_OK ? "ok" : s == REGISTRY_NOT_FOUND ? "not_found" : "unavailable";
}

/*
 * Applications per person: at most SHAILOO_APPLY_LIMIT (10) in a window of
 * SHAILOO_APPLY_WINDOW_S seconds (600), counted in the database so every
 * worker and host shares the count.  A person applies once or twice a year;
 * ten tries in ten minutes leave room for typing mistakes, not for a script.
 */
static long apply_limit(void)
{
    static long n = -1;
    if (n < 0)
        n = api_setting("SHAILOO_APPLY_LIMIT", 10, 1, 1000000);
    return n;
}

static long apply_window_s(void)
{
    static long n = -1;
    if (n < 0)
        n = api_setting("SHAILOO_APPLY_WINDOW_S", 600, 1, 86400);
    return n;
}

/*
 * How long the cabinet shows a person's registry answer before asking again:
 * SHAILOO_REGISTRY_TTL_S seconds (300; 0: ask on every view).  The registry
 * changes rarely (a name, an address) and a view shows the answer's age; an
 * application always asks afresh (application_post).
 */
static long registry_ttl_s(void)
{
    static long n = -1;
    if (n < 0)
        n = api_setting("SHAILOO_REGISTRY_TTL_S", 300, 0, 86400);
    return n;
}

/* Adds the JSON text json under key (parsed; null if it does not parse). */
static void add_json_text(struct json_object *o, const char *key, const char *json)
{
    json_object_object_add(o, key, json != NULL ? json_tokener_parse(json) : NULL);
}

static void send_object(struct http_request *req, int status, struct json_object *o)
{
    size_t len;
    const char *s = json_object_to_json_string_length(
        o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    http_json(req, status, s, len, CACHE_NONE);
}

/*
 * Keeps the registry's answer about pin (ok or not_found; an outage is not
 * kept).  Returns its checked_at in the pool, or NULL (not kept: logged).
 */
static const char *registry_keep(struct http_request *req, const char *pin, enum registry_status rs,
                                 const char *person)
{
    if (rs == REGISTRY_UNAVAILABLE)
        return NULL;
    PGresult *res = NULL;
    const char *params[] = {pin, registry_status_name(rs), rs == REGISTRY_OK ? person : NULL};
    const char *at = NULL;
    if (db_exec(&statements[CABINET_REGISTRY_KEEP], 3, params, &res) == DB_OK)
        at = pool_strdup(req->pool, PQgetvalue(res, 0, 0));
    else
        log_error(req->request_id, "cannot keep the registry's answer: %s", db_error());
    PQclear(res);
    return at;
}

/*
 * The registry's answer for the cabinet: kept if younger than the TTL, else
 * asked afresh (and kept).  Adds registry_status, registry, registry_checked_at
 * and registry_age_s (null when the registry did not answer) to profile.
 */
static void profile_registry(struct http_request *req, struct json_object *profile)
{
    const struct user *u = req->user;
    struct json_object *person = NULL;
    const char *status = NULL, *checked_at = NULL;
    long age = 0;
    PGresult *res = NULL;
    char ttl[24];
    snprintf(ttl, sizeof(ttl), "%ld", registry_ttl_s());
    if (registry_ttl_s() > 0 &&
        db_exec(&statements[CABINET_REGISTRY_KEPT], 2, (const char *const[]){u->pin, ttl}, &res) ==
            DB_OK &&
        PQntuples(res) == 1) {
        status = strcmp(PQgetvalue(res, 0, 0), "ok") == 0 ? "ok" : "not_found";
        if (!PQgetisnull(res, 0, 1))
            person = json_tokener_parse(PQgetvalue(res, 0, 1));
        checked_at = pool_strdup(req->pool, PQgetvalue(res, 0, 2));
        age = strtol(PQgetvalue(res, 0, 3), NULL, 10);
    }
    PQclear(res);
    if (status == NULL) {
        /* Not kept (or too old): ask.  If Tunduk is down the cabinet still works from our data. */
        struct tunduk_response tr;
        enum registry_status rs = registry_person(req, u->pin, NULL, &person, &tr);
        registry_log_call(&tr, NULL);
        tunduk_response_free(&tr);
        status = registry_status_name(rs);
        checked_at = registry_keep(
            req, u->pin, rs,
            person != NULL ? json_object_to_json_string_ext(person, JSON_C_TO_STRING_PLAIN) : NULL);
    }
    json_object_object_add(profile, "registry_status", json_object_new_string(status));
    json_object_object_add(profile, "registry", person);
    json_object_object_add(profile, "registry_checked_at",
                           checked_at != NULL ? json_object_new_string(checked_at) : NULL);
    json_object_object_add(profile, "registry_age_s",
                           checked_at != NULL ? json_object_new_int64(age) : NULL);
}

static void cabinet_get(struct http_request *req)
{
    const struct user *u = req->user;
    struct json_object *root = json_object_new_object();
    PGresult *res = NULL;

    struct json_object *profile = json_object_new_object();
    json_object_object_add(profile, "name", json_object_new_string(u->name));
    profile_registry(req, profile);
    json_object_object_add(root, "profile", profile);

    enum db_status st = db_exec(&statements[CABINET_VOTER], 1, (const char *const[]){u->pin}, &res);
    if (st != DB_OK)
        goto db_failed;
    struct json_object *voter = NULL;
    if (PQntuples(res) == 1) {
        voter = json_object_new_object();
        json_object_object_add(voter, "status", json_object_new_string(PQgetvalue(res, 0, 1)));
        size_t slen;
        const char *station =
            places_station_json(strtol(PQgetvalue(res, 0, 0), NULL, 10), &slen, &st);
        if (st != DB_OK) {
            json_object_put(voter);
            goto db_failed;
        }
        add_json_text(voter, "station", station);
    }
    json_object_object_add(root, "voter", voter);
    PQclear(res);
    res = NULL;

    st = db_exec(&statements[CABINET_ELECTIONS], 0, NULL, &res);
    if (st != DB_OK)
        goto db_failed;
    add_json_text(root, "elections", db_value(res));
    PQclear(res);
    send_object(req, 200, root);
    json_object_put(root);
    return;
db_failed:
    PQclear(res);
    json_object_put(root);
    api_db_failure(req, st);
}

/* ---- applying ------------------------------------------------------------ */

struct application_input {
    long election_id;
    int kind;
    bool has_station;
    long station;
    const char *reason;
};

static int read_application(struct json_object *o, struct application_input *in,
                            struct json_fault *f)
{
    static const char *const members[] = {"election_id", "kind", "station_number", "reason", NULL};
    long long election = 0, station = 0;
    const char *kind = NULL;
    int rc;
    if (json_read_object(o, "", members, f) < 0 ||
        json_read_int(o, "", "election_id", true, 1, ID_MAX, &election, f) < 0 ||
        json_read_string(o, "", "kind", true, 32, &kind, f) < 0 ||
        (rc = json_read_int(o, "", "station_number", false, STATION_MIN, STATION_MAX, &station,
                            f)) < 0 ||
        json_read_string(o, "", "reason", false, 1000, &in->reason, f) < 0)
        return -1;
    if ((in->kind = application_kind_parse(kind)) < 0)
        return json_fault(f, "invalid", "kind",
                          "kind must be one of move_home, move_abroad, correction");
    in->election_id = (long)election;
    in->has_station = rc > 0;
    in->station = rc > 0 ? (long)station : 0;
    return 0;
}

/* The body into a plain struct; answers 400 itself and returns -1 on bad input. */
static int parse_application(struct http_request *req, struct application_input *in)
{
    memset(in, 0, sizeof(*in));
    in->reason = "";
    struct json_object *o = api_json_body(req, NULL);
    if (o == NULL)
        return -1;
    struct json_fault f;
    int rc = read_application(o, in, &f);
    if (rc < 0)
        api_json_refuse(req, &f);
    else
        in->reason = pool_strdup(req->pool, in->reason); /* the body dies here */
    json_object_put(o);
    return rc;
}

static void refuse(struct http_request *req, const char *code, const char *message,
                   const char *field)
{
    db_rollback();
    http_error(req, 422, code, message, field);
}

/*
 * The person's limit on applications (apply_limit): 0 if this one may go on,
 * else answered (429 with Retry-After, or the database's failure) and -1.
 */
static int apply_rate_check(struct http_request *req)
{
    return api_person_rate(req, "apply", apply_limit(), apply_window_s(), "applications");
}

/* What the checks of an application found: the voter's station and the deciding commission. */
struct application_place {
    long station_from;
    char from[24];
    char commission[24];
};

/*
 * Every check of an application that needs no registry, in order: on the
 * list, the election, the station, the rules (rules/application.c), no
 * pending application.  lock: inside the write's transaction, with the
 * voter's row locked.  Returns 0 if it may be filed; 1 if refused (answered
 * 422, rolled back); -1 on a database failure (*st, nothing answered).
 */
static int check_application(struct http_request *req, const struct application_input *in,
                             bool lock, struct application_place *p, enum db_status *st)
{
    const struct user *u = req->user;
    char election[24], station[24];
    snprintf(election, sizeof(election), "%ld", in->election_id);
    snprintf(station, sizeof(station), "%ld", in->station);
    PGresult *res = NULL;
    *st = db_exec(&statements[lock ? CABINET_VOTER_LOCK : CABINET_VOTER_STATION], 1,
                  (const char *const[]){u->pin}, &res);
    if (*st != DB_OK)
        return -1;
    if (PQntuples(res) != 1) {
        PQclear(res);
        refuse(req, "not_on_list", "you are not on the voter list", NULL);
        return 1;
    }
    p->station_from = strtol(PQgetvalue(res, 0, 0), NULL, 10);
    snprintf(p->from, sizeof(p->from), "%ld", p->station_from);
    snprintf(p->commission, sizeof(p->commission), "%s", PQgetvalue(res, 0, 1));
    PQclear(res);

    if ((*st = db_exec(&statements[CABINET_ELECTION], 1, (const char *const[]){election}, &res)) !=
        DB_OK)
        return -1;
    if (PQntuples(res) != 1) {
        PQclear(res);
        refuse(req, "election_not_found", "there is no such election", "election_id");
        return 1;
    }
    struct application_facts f = {
        .kind = (enum application_kind)in->kind,
        .election_accepting = strcmp(PQgetvalue(res, 0, 0), "t") == 0,
        .days_to_election = strtol(PQgetvalue(res, 0, 1), NULL, 10),
        .has_station = false,
        .station_to = in->station,
        .station_from = p->station_from,
    };
    PQclear(res);

    if (in->has_station) {
        if ((*st = db_exec(&statements[CABINET_STATION], 1, (const char *const[]){station},
                           &res)) != DB_OK)
            return -1;
        if (PQntuples(res) != 1) {
            PQclear(res);
            refuse(req, "station_not_found", "there is no polling station with this number",
                   "station_number");
            return 1;
        }
        f.has_station = true;
        f.station_abroad = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
        /* A move is decided by the commission of the station moved to. */
        snprintf(p->commission, sizeof(p->commission), "%s", PQgetvalue(res, 0, 1));
        PQclear(res);
    }
    enum application_refusal why = application_check(&f);
    if (why != APP_ACCEPTED) {
        refuse(req, application_refusal_code(why), application_refusal_message(why),
               why == APP_STATION_REQUIRED || why == APP_STATION_NOT_ALLOWED ||
                       why == APP_WRONG_STATION_KIND || why == APP_SAME_STATION
                   ? "station_number"
                   : "election_id");
        return 1;
    }
    if ((*st = db_exec(&statements[CABINET_PENDING], 1, (const char *const[]){u->pin}, &res)) !=
        DB_OK)
        return -1;
    bool pending = PQntuples(res) > 0;
    PQclear(res);
    if (pending) {
        refuse(req, "application_pending", "you already have an application being processed", NULL);
        return 1;
    }
    return 0;
}

/*
 * The application's number, taken first so the registry call names it
 * (X-Road-Issue), and the population registry's answer about the person,
 * kept (registry_keep) and as JSON text in req->pool (or NULL).  tr is
 * filled when DB_OK (the caller records and frees it).
 */
static enum db_status ask_registry(struct http_request *req, char *next_id, size_t size,
                                   enum registry_status *rs, const char **registry,
                                   struct tunduk_response *tr)
{
    const struct user *u = req->user;
    struct json_object *person = NULL;
    PGresult *res = NULL;
    char issue[64];
    enum db_status st = db_exec(&statements[CABINET_NEXT_ID], 0, NULL, &res);
    if (st != DB_OK)
        return st;
    snprintf(next_id, size, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    snprintf(issue, sizeof(issue), "shailoo-application-%s", next_id);
    *rs = registry_person(req, u->pin, issue, &person, tr);
    *registry = person != NULL
        ? pool_strdup(req->pool, json_object_to_json_string_ext(person, JSON_C_TO_STRING_PLAIN))
        : NULL;
    json_object_put(person);
    registry_keep(req, u->pin, *rs, *registry);
    return DB_OK;
}

/*
 * Cheap checks first (DESIGN.md): the person's rate limit, the body, every
 * check our own database can answer; only then the population registry,
 * always asked afresh (the answer is recorded with the application as the
 * legal check, and refreshes the cabinet's kept answer); then the same
 * checks again in the write's transaction, the voter's row locked, since
 * anything may have changed while the registry answered.
 */
static void application_post(struct http_request *req)
{
    const struct user *u = req->user;
    struct application_input in;
    if (apply_rate_check(req) < 0 || parse_application(req, &in) < 0)
        return;

    char election[24], station[24], id[24];
    snprintf(election, sizeof(election), "%ld", in.election_id);
    snprintf(station, sizeof(station), "%ld", in.station);
    struct application_place place;
    PGresult *res = NULL;
    enum db_status st;
    int rc = check_application(req, &in, false, &place, &st);
    if (rc != 0) {
        if (rc < 0)
            api_db_failure(req, st);
        return;
    }

    /* What the registry says is recorded with the application (asked outside the transaction). */
    struct tunduk_response tr;
    char next_id[24];
    enum registry_status rs;
    const char *registry = NULL;
    if ((st = ask_registry(req, next_id, sizeof(next_id), &rs, &registry, &tr)) != DB_OK) {
        api_db_failure(req, st);
        return;
    }
    bool logged = false; /* the call is recorded with the application, or alone after a refusal */

    if ((st = db_begin()) != DB_OK)
        goto failed;
    if ((rc = check_application(req, &in, true, &place, &st)) != 0) {
        if (rc < 0)
            goto failed;
        goto out;
    }
    const char *ip[] = {u->pin,
                        election,
                        application_kind_name((enum application_kind)in.kind),
                        place.from,
                        in.has_station ? station : NULL,
                        in.reason,
                        place.commission,
                        registry,
                        registry_status_name(rs),
                        next_id};
    st = db_exec(&statements[CABINET_INSERT], 10, ip, &res);
    if (st == DB_FAILED && strcmp(db_sqlstate(), "23505") == 0) {
        /* Two submissions at once: the unique index keeps one. */
        refuse(req, "application_pending", "you already have an application being processed", NULL);
        goto out;
    }
    if (st != DB_OK)
        goto failed;
    snprintf(id, sizeof(id), "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    res = NULL;
    const char *ep[] = {id,     "awaiting_identification", "voter",
                        u->pin, place.commission,          "submitted online"};
    if ((st = db_exec(&statements[CABINET_EVENT], 6, ep, &res)) != DB_OK)
        goto failed;
    PQclear(res);
    res = NULL;
    registry_log_call(&tr, id);
    logged = true;
    char location[64];
    snprintf(location, sizeof(location), "/api/v1/cabinet/applications/%s", id);
    if ((st = api_created(req, &statements[CABINET_APPLICATION], 2,
                          (const char *const[]){id, u->pin}, location)) != DB_OK)
        goto failed;
    goto out;
failed:
    PQclear(res);
    db_rollback();
    logged = false; /* rolled back with the rest */
    api_db_failure(req, st);
out:
    if (!logged)
        registry_log_call(&tr, NULL);
    tunduk_response_free(&tr);
}

#define MINE(stmt, code, message)                                                                  \
    API_READ(&statements[stmt], CACHE_NONE, false, code, message, .mine = true),                   \
        .access = ACCESS_SIGNED_IN

static const struct route routes[] = {
    {"GET", "/api/v1/cabinet", cabinet_get, ACCESS_SIGNED_IN,
     .summary = "The voter's cabinet: profile, station, registry check, open elections"},
    {"GET", "/api/v1/cabinet/applications",
     MINE(CABINET_APPLICATIONS, "not_found", "no applications"),
     .summary = "The voter's applications to vote at another station"},
    {"POST", "/api/v1/cabinet/applications", application_post, ACCESS_SIGNED_IN,
     .body = "application/json",
     .summary = "Apply to vote at another station (checked with the population registry)"},
    {"GET", "/api/v1/cabinet/applications/{id}",
     /* Someone else's application is as absent as a nonexistent one. */
     MINE(CABINET_APPLICATION, "application_not_found", "you have no application with this number"),
     .path = {FIELD_RECORD("id")}, .summary = "One of the voter's applications, with its history"},
    {"GET", "/api/v1/cabinet/history", MINE(CABINET_HISTORY, "not_found", "no history"),
     .summary = "Everything that happened to the voter's applications"},
};

const struct api_module cabinet_module = {"cabinet",  routes,       NELEM(routes),
                                          statements, CABINET__MAX, NULL};
