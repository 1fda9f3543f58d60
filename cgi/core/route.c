#include "route.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Matches one template against a path; fills req->path_params on success. */
static bool pattern_match(const char *pat, const char *path, struct http_request *req)
{
    size_t nparams = 0;
    while (*pat != '\0' && *path != '\0') {
        if (*pat == '{') {
            const char *close = strchr(pat, '}');
            if (close == NULL)
                return false;
            size_t seg = strcspn(path, "/");
            if (seg == 0 || nparams == sizeof(req->path_params) / sizeof(req->path_params[0]))
                return false;
            req->path_params[nparams].name =
                pool_strndup(req->pool, pat + 1, (size_t)(close - pat - 1));
            req->path_params[nparams].value = pool_strndup(req->pool, path, seg);
            nparams++;
            pat = close + 1;
            path += seg;
        } else {
            if (*pat != *path)
                return false;
            pat++;
            path++;
        }
    }
    if (*pat != '\0' || *path != '\0')
        return false;
    req->npath_params = nparams;
    return true;
}

static bool method_matches(const char *route_method, const char *method)
{
    return strcmp(route_method, method) == 0 ||
        (strcmp(route_method, "GET") == 0 && strcmp(method, "HEAD") == 0);
}

enum route_result route_match(const struct route_table *tables, size_t ntables,
                              struct http_request *req, const struct route **found, char *allow,
                              size_t allow_size)
{
    bool path_known = false;
    size_t used = 0;
    allow[0] = '\0';
    for (size_t t = 0; t < ntables; t++) {
        for (size_t i = 0; i < tables[t].n; i++) {
            const struct route *r = &tables[t].routes[i];
            if (!pattern_match(r->pattern, req->path, req))
                continue;
            if (method_matches(r->method, req->method)) {
                *found = r;
                return ROUTE_FOUND;
            }
            path_known = true;
            int n = snprintf(allow + used, allow_size - used, "%s%s%s", used ? ", " : "", r->method,
                             strcmp(r->method, "GET") == 0 ? ", HEAD" : "");
            if (n > 0 && (size_t)n < allow_size - used)
                used += (size_t)n;
        }
    }
    req->npath_params = 0;
    return path_known ? ROUTE_METHOD_NOT_ALLOWED : ROUTE_NOT_FOUND;
}

size_t route_npath(const struct route *r)
{
    size_t n = 0;
    while (n < ROUTE_MAX_PATH && r->path[n].name != NULL)
        n++;
    return n;
}

size_t route_nquery(const struct route *r)
{
    size_t n = 0;
    while (n < ROUTE_MAX_QUERY && r->query[n].name != NULL)
        n++;
    return n;
}

/* The path's and the query's values checked against the route's fields into req->args. */
static int check_args(struct http_request *req, const struct route *r)
{
    size_t np = route_npath(r), nq = route_nquery(r);
    req->route = r;
    req->nargs = 0;
    for (size_t i = 0; i < np; i++) {
        const char *v = http_path_param(req, r->path[i].name);
        const char *why =
            v != NULL ? http_field_check(&r->path[i], v, &req->args[i]) : "is missing";
        if (why != NULL) {
            char msg[160];
            snprintf(msg, sizeof(msg), "\"%s\" %s", r->path[i].name, why);
            http_error(req, 400, r->path[i].code != NULL ? r->path[i].code : "invalid_parameter",
                       msg, r->path[i].name);
            return -1;
        }
        req->arg_spec[i] = &r->path[i];
    }
    struct field_value *q = &req->args[np];
    if (http_fields_parse(req, r->query, nq, q) < 0)
        return -1;
    for (size_t i = 0; i < nq; i++) {
        const struct field *f = &r->query[i];
        req->arg_spec[np + i] = f;
        if (q[i].present)
            continue;
        if (f->required) {
            char msg[160];
            snprintf(msg, sizeof(msg), "parameter \"%s\" is required", f->name);
            http_error(req, 400, "missing_parameter", msg, f->name);
            return -1;
        }
        /* Defaults are checked by route_check, so this cannot fail. */
        if (f->def != NULL && http_field_check(f, f->def, &q[i]) != NULL)
            q[i].present = false;
    }
    req->nargs = np + nq;
    return 0;
}

/* The {name}s of pattern against the declared path fields; NULL if they agree. */
static const char *check_pattern(const struct route *r)
{
    size_t n = 0, np = route_npath(r);
    for (const char *p = strchr(r->pattern, '{'); p != NULL; p = strchr(p + 1, '{')) {
        const char *close = strchr(p, '}');
        if (close == NULL)
            return "has an unclosed {";
        if (n == np)
            return "has a path parameter it does not declare";
        size_t len = (size_t)(close - p - 1);
        if (strlen(r->path[n].name) != len || strncmp(r->path[n].name, p + 1, len) != 0)
            return "declares its path parameters in another order or under other names";
        n++;
    }
    return n == np ? NULL : "declares a path parameter its pattern does not have";
}

int route_check(const struct route_table *tables, size_t ntables, char *why, size_t why_size)
{
    for (size_t t = 0; t < ntables; t++) {
        for (size_t i = 0; i < tables[t].n; i++) {
            const struct route *r = &tables[t].routes[i];
            const char *bad = r->handler == NULL ? "has no handler" : check_pattern(r);
            for (size_t k = 0; bad == NULL && k < route_nquery(r); k++) {
                struct field_value v;
                const struct field *f = &r->query[k];
                if (f->def != NULL && http_field_check(f, f->def, &v) != NULL)
                    bad = "has a query field whose default is not valid";
                if (route_npath(r) + k + 1 > HTTP_MAX_ARGS)
                    bad = "declares more fields than a request holds";
            }
            for (size_t u = 0; bad == NULL && u <= t; u++)
                for (size_t j = 0; j < (u == t ? i : tables[u].n); j++)
                    if (strcmp(tables[u].routes[j].pattern, r->pattern) == 0 &&
                        strcmp(tables[u].routes[j].method, r->method) == 0)
                        bad = "is declared twice";
            if (bad != NULL) {
                snprintf(why, why_size, "route %s %s %s", r->method, r->pattern, bad);
                return -1;
            }
        }
    }
    return 0;
}

static route_guard_fn guard;

void route_set_guard(route_guard_fn g)
{
    guard = g;
}

void route_dispatch(const struct route_table *tables, size_t ntables, struct http_request *req)
{
    const struct route *r = NULL;
    char allow[128];
    switch (route_match(tables, ntables, req, &r, allow, sizeof(allow))) {
    case ROUTE_FOUND:
        if (r->access != 0) {
            /* No guard configured: a protected route stays closed. */
            if (guard == NULL) {
                http_error(req, 403, "forbidden", "this resource is not open", NULL);
                break;
            }
            if (guard(req, r->access) < 0)
                break;
        }
        if (check_args(req, r) < 0)
            break;
        r->handler(req);
        if (!req->sent)
            http_error(req, 500, "internal", "the handler gave no answer", NULL);
        break;
    case ROUTE_METHOD_NOT_ALLOWED:
        http_method_not_allowed(req, allow);
        break;
    case ROUTE_NOT_FOUND:
        http_error(req, 404, "not_found", "no such resource", NULL);
        break;
    }
}
