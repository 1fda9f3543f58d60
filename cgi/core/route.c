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
            const char *colon = memchr(pat, ':', (size_t)(close - pat));
            const char *name_end = colon != NULL ? colon : close;
            bool digits = colon != NULL && strncmp(colon, ":int}", 5) == 0;
            size_t seg = strcspn(path, "/");
            if (seg == 0 || nparams == sizeof(req->path_params) / sizeof(req->path_params[0]))
                return false;
            if (digits) {
                if (seg > 9)
                    return false;
                for (size_t i = 0; i < seg; i++)
                    if (!isdigit((unsigned char)path[i]))
                        return false;
            }
            req->path_params[nparams].name = pool_strndup(req->pool, pat + 1, (size_t)(name_end - pat - 1));
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
                              struct http_request *req, const struct route **found,
                              char *allow, size_t allow_size)
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
            int n = snprintf(allow + used, allow_size - used, "%s%s%s", used ? ", " : "",
                             r->method, strcmp(r->method, "GET") == 0 ? ", HEAD" : "");
            if (n > 0 && (size_t)n < allow_size - used)
                used += (size_t)n;
        }
    }
    req->npath_params = 0;
    return path_known ? ROUTE_METHOD_NOT_ALLOWED : ROUTE_NOT_FOUND;
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
