#ifndef SHAILOO_ROUTE_H
#define SHAILOO_ROUTE_H

#include "http.h"

/*
 * The route table: method + path template -> handler.  A template segment
 * "{name}" matches one non-empty path segment and is stored as a path
 * parameter; "{name:int}" also requires digits only (else no match).
 * Each part of the application exports one const table.
 */
typedef void (*route_handler)(struct http_request *req);

struct route {
    const char *method;      /* "GET", "POST"... (GET also answers HEAD) */
    const char *pattern;     /* "/api/v1/stations/{number:int}" */
    route_handler handler;
    unsigned access;         /* 0: public; else the app's bits, checked by the guard */
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
                              struct http_request *req, const struct route **found,
                              char *allow, size_t allow_size);

/* Finds and runs the handler, or answers 404/405 in the standard error format. */
void route_dispatch(const struct route_table *tables, size_t ntables, struct http_request *req);

#endif
