#ifndef SHAILOO_ROUTE_H
#define SHAILOO_ROUTE_H

#include "http.h"

/*
 * The route table: method + path template -> handler, with what the route
 * accepts.  A template segment "{name}" matches one non-empty path segment;
 * the route declares it in .path (type, bounds) and every query field it
 * takes in .query, as kcgi's key tables do.  The dispatcher checks them
 * all before the handler runs (400 naming the field; an undeclared query
 * field is refused), so a handler reads checked values (http_arg) only.
 */
typedef void (*route_handler)(struct http_request *req);

#define ROUTE_MAX_PATH 3
#define ROUTE_MAX_QUERY 10

struct route {
    const char *method; /* "GET", "POST"... (GET also answers HEAD) */
    const char *pattern; /* "/api/v1/stations/{number}" */
    route_handler handler;
    unsigned access; /* 0: public; else the app's bits, checked by the guard */
    struct field path[ROUTE_MAX_PATH]; /* the pattern's {name}s, in order */
    struct field query[ROUTE_MAX_QUERY]; /* the query fields it takes (name NULL: no more) */
    const void *data; /* the handler's own constant, e.g. a plain read's statement */
    const char *summary; /* one line for the API's description */
    const char *body; /* the media type of the request body it takes, or NULL */
    const char *answer; /* the media type of its answer (NULL: JSON; "redirect": a 302) */
};

/*
 * Called before a handler whose route has access bits: returns 0 to let it
 * run (having set req->user), or answers 401/403 itself and returns -1.
 * The application sets it once at start; the framework knows no roles.
 */
typedef int (*route_guard_fn)(struct http_request *req, unsigned access);
void route_set_guard(route_guard_fn guard);

struct route_table {
    const struct route *routes;
    size_t n;
};

enum route_result {
    ROUTE_FOUND,
    ROUTE_NOT_FOUND,
    ROUTE_METHOD_NOT_ALLOWED,
};

/*
 * Finds the route for req->method and req->path among the tables; fills
 * req->path_params (pointing into req->pool) and *found.  For
 * ROUTE_METHOD_NOT_ALLOWED, allow receives the methods that would match,
 * comma separated.
 */
enum route_result route_match(const struct route_table *tables, size_t ntables,
                              struct http_request *req, const struct route **found, char *allow,
                              size_t allow_size);

/*
 * Finds the route, asks the guard, checks the declared fields into
 * req->args and runs the handler; or answers 404/405/400 in the standard
 * error format.
 */
void route_dispatch(const struct route_table *tables, size_t ntables, struct http_request *req);

/* The number of declared path and query fields of r. */
size_t route_npath(const struct route *r);
size_t route_nquery(const struct route *r);

/*
 * Checks the tables themselves: every {name} of a pattern declared in .path
 * in the same order, every default valid for its field, no method and
 * pattern twice.  0, or -1 with a message naming the route in why.
 * main() refuses to start with a bad table; the unit tests run it too.
 */
int route_check(const struct route_table *tables, size_t ntables, char *why, size_t why_size);

#endif
