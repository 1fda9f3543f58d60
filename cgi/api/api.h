#ifndef SHAILOO_API_H
#define SHAILOO_API_H

#include "../core/db.h"
#include "../core/http.h"
#include "../core/route.h"
#include "../ext/tunduk.h"

struct json_object;

/* Each part of the mission: its route table and its prepared statements. */
extern const struct route_table tizme_routes, places_routes, elections_routes, auth_routes,
    cabinet_routes, biometrics_routes, asu_routes, results_routes, documents_routes;
extern const struct db_statement tizme_statements[], places_statements[],
    elections_statements[], auth_statements[], cabinet_statements[],
    biometrics_statements[], asu_statements[], results_statements[], documents_statements[];
extern const size_t tizme_nstatements, places_nstatements, elections_nstatements,
    auth_nstatements, cabinet_nstatements, biometrics_nstatements, asu_nstatements,
    results_nstatements, documents_nstatements;

/*
 * The publisher (api/published.c, core/publish.h): the lanes it runs, its
 * configuration (register_statements: the workers' statements, whose
 * handlers it runs), and the main of one lane's process.
 */
int published_lanes(void);
void published_configure(const char *dir, const char *conninfo, const struct route_table *routes,
                         size_t nroutes, void (*register_statements)(void));
int published_run(int lane);

/* Who may use a route (struct route's access bits); any one bit the user has suffices. */
enum {
    ACCESS_VOTER = 1 << 0,       /* any signed-in citizen */
    ACCESS_OPERATOR = 1 << 1,    /* biometric identification operator, of a commission */
    ACCESS_TEC_ADMIN = 1 << 2,   /* a territorial commission's system administrator */
    ACCESS_CEC_ADMIN = 1 << 3,
    ACCESS_SIGNED_IN = ACCESS_VOTER | ACCESS_OPERATOR | ACCESS_TEC_ADMIN | ACCESS_CEC_ADMIN,
};

#define USER_MAX_ROLES 8

/* The signed-in person of a request (req->user), set by auth_guard; lives in req->pool. */
struct user {
    char pin[16];
    const char *name;
    char sid[48];
    char csrf[48];
    long long expires;
    unsigned access;             /* ACCESS_VOTER plus the bits of the roles below */
    struct {
        unsigned access;
        long commission_id;      /* 0 for the CEC's administrators */
    } roles[USER_MAX_ROLES];
    size_t nroles;
};

/* The population registry through Tunduk (api/registry.c). */
enum registry_status { REGISTRY_OK, REGISTRY_NOT_FOUND, REGISTRY_UNAVAILABLE };
extern const struct db_statement registry_statements[];
extern const size_t registry_nstatements;
void registry_set_service(const char *service);
/*
 * Asks the registry for a person (issue: the X-Road-Issue, the case the call
 * serves, or NULL); on REGISTRY_OK *person is a new json-c object the caller
 * puts.  resp is filled (the caller frees it and records the call with
 * registry_log_call, naming the application it served).
 */
enum registry_status registry_person(struct http_request *req, const char *pin, const char *issue,
                                     struct json_object **person, struct tunduk_response *resp);
void registry_log_call(const struct tunduk_response *r, const char *application_id);

/* The route guard: session cookie, revocation, roles, CSRF, renewal. */
int auth_guard(struct http_request *req, unsigned access);

/*
 * Runs a statement whose one row and column is the response's JSON text and
 * sends it.  No row (or NULL): answers 404 with not_found_code/message.
 * Database down: 503; a failed query: 500, logged with the request id.
 */
void api_send_query(struct http_request *req, const char *stmt, int nparams,
                    const char *const *params, enum http_cache cache, const char *not_found_code,
                    const char *not_found_message);

/*
 * api_send_query through this worker's cache (core/cache.h): an answer at
 * most max_age_ms old is sent again without asking the database.  For public
 * answers that many ask for and that may be a fraction of a second old.
 */
void api_send_cached(struct http_request *req, long max_age_ms, const char *stmt, int nparams,
                     const char *const *params, enum http_cache cache, const char *not_found_code,
                     const char *not_found_message);

/*
 * A whole-number setting from the environment: def if unset, or (logged) if
 * it is not a whole number in [min, max].  Callers read it once and keep it.
 */
long api_setting(const char *name, long def, long min, long max);

/* Answers 503/500 for a database failure, logging it; for handlers that run their own queries. */
void api_db_failure(struct http_request *req, enum db_status st);

/* Checks a path parameter against a field spec; answers 400 itself and returns NULL on failure. */
const char *api_path_field(struct http_request *req, const struct field *f,
                           struct field_value *out);

/*
 * The public JSON of a station (station_json() in SQL), from this worker's
 * cache, at most PLACES_STATION_TTL seconds old.  Borrowed: valid until the
 * next call.  NULL with *st == DB_OK when there is no such station.
 */
#define PLACES_STATION_TTL 60
const char *places_station_json(long number, size_t *len, enum db_status *st);

/*
 * The request's JSON object body, members limited to allowed (NULL-terminated):
 * a new object the caller puts, or NULL having answered 415/400 itself.
 */
struct json_object *api_json_body(struct http_request *req, const char *const *allowed);
/* Member name of o as a whole number in [min, max]: true and *out; false if absent,
 * null, of another type or out of range. */
bool api_json_int(struct json_object *o, const char *name, long long min, long long max,
                  long long *out);
/* Member name of o if it is a string of exactly n ASCII digits (borrowed from o), else NULL. */
const char *api_json_digits(struct json_object *o, const char *name, size_t n);
/* YYYY-MM-DD of a real day. */
bool api_valid_date(const char *s);

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#endif
