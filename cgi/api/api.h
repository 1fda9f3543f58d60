#ifndef SHAILOO_API_H
#define SHAILOO_API_H

#include "../core/db.h"
#include "../core/http.h"
#include "../core/route.h"
#include "../ext/tunduk.h"

struct json_object;

#include "../rules/limits.h"

/*
 * A part of the mission, as main.c knows it: its routes (with what each
 * accepts, core/route.h), its prepared statements (named once: the part's
 * enum indexes its table, and call sites pass &table[X]), and what it does
 * once at start, before the workers fork (reading its configuration).
 */
struct api_module {
    const char *name;
    const struct route *routes;
    size_t nroutes;
    const struct db_statement *statements;
    size_t nstatements;
    void (*init)(void);
};

extern const struct api_module addresses_module, tizme_module, places_module, elections_module,
    auth_module, registry_module, cabinet_module, biometrics_module, asu_module, results_module,
    documents_module, document_kinds_module, openapi_module, talapker_module,
    talapker_review_module, talapker_public_module, funds_module, common_module, complaints_module,
    protocols_module, outcome_module, open_data_module, xroad_module, registries_module,
    maps_module;

/*
 * A plain read: the route's fields (path, then query; absent ones NULL) are
 * the statement's parameters (then the signed-in person's PIN if mine), and its one row and column the answer's JSON.
 * A route entry says API_READ(statement, cache class, fresh, 404 code, 404
 * message): fresh answers come through the worker's cache (api_fresh_ms).
 */
struct api_read {
    const struct db_statement *statement;
    enum http_cache cache;
    bool fresh;
    const char *not_found_code;
    const char *not_found_message;
    bool mine; /* the signed-in person's PIN follows the fields (a personal read) */
    bool csv; /* the value is CSV text (sent as text/csv, public for a few seconds), not JSON */
};
void api_read(struct http_request *req);
#define API_READ(...)                                                                              \
    .handler = api_read, .data = &(const struct api_read)                                          \
    {                                                                                              \
        __VA_ARGS__                                                                                \
    }

/*
 * Takes a device out of service: revoke's one row and column is the answer
 * (200); no row, exists says whether it was revoked already (409) or is
 * unknown (404).  Both take the path's first field.  route->data.
 */
struct api_revoke {
    const struct db_statement *revoke, *exists;
};
void api_revoke(struct http_request *req);

/*
 * How old an answer of the busy public aggregates may be when a worker sends
 * it again from its own cache: 250 ms, or SHAILOO_RESULTS_CACHE_MS (0: none).
 */
long api_fresh_ms(void);

/* Fields many routes declare (their bounds from rules/limits.h). */
#define FIELD_ELECTION(name)                                                                       \
    {                                                                                              \
        name, FIELD_INT, 1, ID_MAX, .about = "an election's id"                                    \
    }
#define FIELD_STATION(name)                                                                        \
    {                                                                                              \
        name, FIELD_INT, STATION_MIN, STATION_MAX, .about = "a polling station's number"           \
    }
#define FIELD_DISTRICT(name)                                                                       \
    {                                                                                              \
        name, FIELD_INT, DISTRICT_MIN, DISTRICT_MAX, .about = "a single-member district's number"  \
    }
#define FIELD_REGION(name)                                                                         \
    {                                                                                              \
        name, FIELD_INT, REGION_MIN, REGION_MAX, .about = "a region's id"                          \
    }
#define FIELD_RECORD(name)                                                                         \
    {                                                                                              \
        name, FIELD_INT, 1, BIG_ID_MAX, .about = "a record's id"                                   \
    }
#define FIELD_DEVICE(name)                                                                         \
    {                                                                                              \
        name, FIELD_DIGITS, DEVICE_ID_DIGITS, DEVICE_ID_DIGITS, .about = "a device's 20-digit id"  \
    }
#define FIELD_PIN(name)                                                                            \
    {                                                                                              \
        name, FIELD_DIGITS, PIN_DIGITS, PIN_DIGITS, .about = "a person's PIN"                      \
    }
#define FIELD_AFTER(name)                                                                          \
    {                                                                                              \
        name, FIELD_INT, 0, ID_MAX, .def = "0", .about = "the last id seen (paging)"               \
    }

/* The route descriptions of every module (api/openapi.c), given once by main. */
void openapi_set_modules(const struct api_module *const *modules, size_t n);

/*
 * The publisher (api/published.c, core/publish.h): the lanes it runs, its
 * configuration (register_statements: the workers' statements, whose
 * handlers it runs), and the main of one lane's process.
 */
int published_lanes(void);
void published_configure(const char *dir, const char *conninfo, const struct route_table *routes,
                         size_t nroutes, void (*register_statements)(void));
int published_run(int lane);

/*
 * The registries read on a schedule (api/registries.c): whether the reader
 * process runs (Tunduk configured, an interval set), and its main (after the
 * fork: registers the statements, connects, reads until SIGTERM).  A read
 * now: the summary as JSON text (malloc'd), or NULL (the feed's last_error
 * says why).
 */
bool registries_scheduled(void);
int registries_run(const char *conninfo, void (*register_statements)(void));
char *registries_read_civil(void);
char *registries_read_disability(void);

/* Who may use a route (struct route's access bits); any one bit the user has suffices. */
enum {
    ACCESS_VOTER = 1 << 0, /* any signed-in citizen */
    ACCESS_OPERATOR = 1 << 1, /* biometric identification operator, of a commission */
    ACCESS_TEC_ADMIN = 1 << 2, /* a territorial commission's system administrator */
    ACCESS_CEC_ADMIN = 1 << 3,
    ACCESS_COMPLAINTS = 1 << 4, /* a commission's complaint reviewer (of any commission) */
    ACCESS_SECRETARY = 1 << 5, /* a precinct commission's secretary (of one station) */
    ACCESS_SIGNED_IN = ACCESS_VOTER | ACCESS_OPERATOR | ACCESS_TEC_ADMIN | ACCESS_CEC_ADMIN |
        ACCESS_COMPLAINTS | ACCESS_SECRETARY,
};

#define USER_MAX_ROLES 8

/* The signed-in person of a request (req->user), set by auth_guard; lives in req->pool. */
struct user {
    char pin[16];
    const char *name;
    char sid[48];
    char csrf[48];
    long long expires;
    unsigned access; /* ACCESS_VOTER plus the bits of the roles below */
    struct {
        unsigned access;
        long commission_id; /* 0 for the CEC's administrators */
        long station; /* a secretary's station, else 0 */
    } roles[USER_MAX_ROLES];
    size_t nroles;
};

/*
 * The state registers through Tunduk (api/registry.c), each an X-Road
 * service whose id an environment variable may set (SHAILOO_TUNDUK_POPULATION,
 * _LEGAL_ENTITIES, _TREASURY, _CONVICTIONS, _CITIZENSHIP, _DISABILITY).
 */
enum registry_service {
    REGISTRY_POPULATION, /* a person by PIN */
    REGISTRY_LEGAL_ENTITIES, /* an entity by registration number (Ministry of Justice) */
    REGISTRY_TREASURY, /* a payment by reference */
    REGISTRY_CONVICTIONS, /* a person's unexpunged convictions by PIN */
    REGISTRY_CITIZENSHIP, /* a person's citizenships by PIN */
    REGISTRY_DISABILITY, /* a person's disability by PIN */
    REGISTRY__SERVICES
};
enum registry_status { REGISTRY_OK, REGISTRY_NOT_FOUND, REGISTRY_UNAVAILABLE };
/*
 * Asks register which about key (GET service/key; user: X-Road-UserId, who
 * asks; issue: X-Road-Issue, the case the call serves, or NULL).  On
 * REGISTRY_OK *found is a new json-c object the caller puts.  resp is
 * filled (the caller frees it and records the call with registry_log_call).
 */
enum registry_status registry_ask(struct http_request *req, enum registry_service which,
                                  const char *key, const char *user, const char *issue,
                                  struct json_object **found, struct tunduk_response *resp);
/* The population registry about pin, asked on pin's own behalf. */
enum registry_status registry_person(struct http_request *req, const char *pin, const char *issue,
                                     struct json_object **person, struct tunduk_response *resp);
/*
 * registry_ask with the call recorded (its tunduk_calls id into *call if call
 * is not NULL): the answer as JSON text in req->pool, or NULL unless *rs is
 * REGISTRY_OK.
 */
const char *registry_text(struct http_request *req, enum registry_service which, const char *key,
                          const char *user, const char *issue, enum registry_status *rs,
                          long *call);
/* Records the call (naming the application it served, or NULL): its tunduk_calls id, 0 if not recorded. */
long registry_log_call(const struct tunduk_response *r, const char *application_id);

/* The route guard: session cookie, revocation, roles, CSRF, renewal. */
int auth_guard(struct http_request *req, unsigned access);
/* The name of one ACCESS_* bit as roles are named ("operator", "complaints_reviewer"...). */
const char *auth_role_name(unsigned bit);

/*
 * Runs a statement whose one row and column is the response's JSON text and
 * sends it.  No row (or NULL): answers 404 with not_found_code/message.
 * Database down: 503; a failed query: 500, logged with the request id.
 */
void api_send_query(struct http_request *req, const struct db_statement *stmt, int nparams,
                    const char *const *params, enum http_cache cache, const char *not_found_code,
                    const char *not_found_message);

/*
 * api_send_query through this worker's cache (core/cache.h): an answer at
 * most max_age_ms old is sent again without asking the database.  For public
 * answers that many ask for and that may be a fraction of a second old.
 */
void api_send_cached(struct http_request *req, long max_age_ms, const struct db_statement *stmt,
                     int nparams, const char *const *params, enum http_cache cache,
                     const char *not_found_code, const char *not_found_message);

/*
 * A whole-number setting from the environment: def if unset, or (logged) if
 * it is not a whole number in [min, max].  Callers read it once and keep it.
 */
long api_setting(const char *name, long def, long min, long max);

/*
 * The end of a write handler's transaction: rc 0 sends body (JSON, not
 * cached) with status; rc -2 rolls back and answers the database's failure
 * st; rc -1 was answered already.
 */
void api_write_end(struct http_request *req, int rc, enum db_status st, int status,
                   const char *body);

/*
 * The end of a write that made a record, in its transaction: stmt's one
 * value (the record's JSON), the commit, and 201 with Location.  DB_OK
 * having answered; else the failure, unanswered (the caller rolls back).
 */
enum db_status api_created(struct http_request *req, const struct db_statement *stmt, int nparams,
                           const char *const *params, const char *location);

/* Answers 503/500 for a database failure, logging it; for handlers that run their own queries. */
void api_db_failure(struct http_request *req, enum db_status st);

/*
 * The public JSON of a station (station_json() in SQL), from this worker's
 * cache, at most PLACES_STATION_TTL seconds old.  Borrowed: valid until the
 * next call.  NULL with *st == DB_OK when there is no such station.
 */
#define PLACES_STATION_TTL 60
const char *places_station_json(long number, size_t *len, enum db_status *st);

/*
 * The request's JSON object body, members limited to allowed (NULL-terminated;
 * NULL: the parse function checks them): a new object the caller puts, or
 * NULL having answered 415/400 itself.  The body then becomes a plain struct
 * through the part's parse_...() function, built on core/json.h's reader.
 */
struct json_object *api_json_body(struct http_request *req, const char *const *allowed);
/* Answers 400 for a fault of the reader: unknown_field or invalid_field, naming the field. */
struct json_fault;
void api_json_refuse(struct http_request *req, const struct json_fault *f);

/*
 * A write that is one call of an SQL function (api/call.c): the route's path
 * and query fields, then the body's members declared here (absent: NULL), then the
 * signed-in person's PIN are its arguments; its one value the answer's JSON
 * (status, 200 if 0).  The function refuses with an SH-class SQLSTATE
 * (api_db_failure): SH404, SH409, SH422..., DETAIL the code, HINT the field.
 */
#define API_BODY_MAX_FIELDS 8
#define API_BODY_READ_MAX 24 /* api_body_read's members (a complaint has 17) */
struct api_call {
    const struct db_statement *statement;
    struct field body[API_BODY_MAX_FIELDS]; /* the JSON body's members (name NULL: no more) */
    int status;
};
void api_call(struct http_request *req);
#define API_CALL(...)                                                                              \
    .handler = api_call, .data = &(const struct api_call)                                          \
    {                                                                                              \
        __VA_ARGS__                                                                                \
    }

/*
 * Reads a JSON object body whose members are spec's (up to API_BODY_READ_MAX,
 * name NULL ends), checked as path and query fields are (a BOOL is a JSON
 * boolean, an INT a JSON number, the rest JSON strings).  out[i] for spec[i];
 * the count, or -1 having answered 400/415.  Values live in req->pool.
 */
int api_body_read(struct http_request *req, const struct field *spec, struct field_value *out);

/*
 * A party's list as the list rules take it (rules/list_rules.h), from a
 * result whose columns are: election day, party, position, sex, birth date,
 * other ethnicity, disability, higher education, withdrawn, district
 * nominations (a row with a NULL position is a list with nobody yet).  Into c
 * (the first LIST_MAX_CANDIDATES); the number of candidates, or -1 if a row
 * is not one.  api/elections.c.
 */
struct list_candidate;
struct list_date;
struct list_violation;
long api_list_rows(PGresult *res, struct list_candidate *c, struct list_date *day);
/* The violations as a JSON array of {rule, positions, message}: a new object the caller puts. */
struct json_object *api_list_violations_json(const struct list_violation *v, size_t nv);

/*
 * A person's limit on actions that call out (migration 015's counter,
 * person_rate_take): at most limit in window seconds, counted in the
 * database so every worker shares it.  0 to go on; else answered (429 with
 * Retry-After saying what, or the database's failure) and -1.
 */
int api_person_rate(struct http_request *req, const char *action, long limit, long window,
                    const char *what);

/*
 * Runs stmt (a write that is one statement) and sends its one JSON value
 * with status; no value: 404; a refusal or failure answered as such.
 */
void api_send_value(struct http_request *req, const struct db_statement *stmt, int nparams,
                    const char *const *params, int status);

/*
 * Answers status in the standard error's shape with one more member: key,
 * a JSON array (taken) listing the faults, e.g. a list's broken rules or a
 * file's bad rows.
 */
void api_refuse_listing(struct http_request *req, int status, const char *code, const char *message,
                        const char *key, struct json_object *list);

/*
 * A key of another register (a party's registration number, a payment's
 * reference, a company's number): 3 to 32 letters, digits and hyphens, as
 * the schema's CHECKs say; safe in an X-Road path and an SQL array literal.
 */
bool api_register_key_valid(const char *s);

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#endif
