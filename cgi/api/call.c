/*
 * Writes that are one call of an SQL function (sql/functions/): the route's
 * path and query fields and the body's declared members are its arguments,
 * the signed-in person's PIN the last; the function checks what only the
 * database can know (who may act, the state, the deadlines), writes in its
 * one statement's transaction, and returns the record's JSON, or refuses
 * with an SH-class error that api_db_failure turns into a 4xx.
 */
#include <stdio.h>
#include <string.h>

#include "../core/json.h"
#include "api.h"

int api_body_read(struct http_request *req, const struct field *spec, struct field_value *out)
{
    size_t n = 0;
    const char *names[API_BODY_READ_MAX + 1];
    while (n < API_BODY_READ_MAX && spec[n].name != NULL) {
        names[n] = spec[n].name;
        n++;
    }
    names[n] = NULL;
    struct json_object *o = api_json_body(req, names);
    if (o == NULL)
        return -1;
    struct json_fault f;
    memset(out, 0, n * sizeof(*out));
    for (size_t i = 0; i < n; i++) {
        const struct field *s = &spec[i];
        struct field_value *v = &out[i];
        int rc;
        if (s->type == FIELD_INT) {
            long long x = 0;
            rc = json_read_int(o, "", s->name, s->required, s->min, s->max, &x, &f);
            if (rc > 0) {
                v->present = true;
                v->i = (long)x;
                char num[24];
                snprintf(num, sizeof(num), "%lld", x);
                v->s = pool_strdup(req->pool, num);
            }
        } else if (s->type == FIELD_BOOL) {
            bool b = false;
            rc = json_read_bool(o, "", s->name, s->required, &b, &f);
            if (rc > 0) {
                v->present = true;
                v->i = b;
                v->s = b ? "true" : "false";
            }
        } else {
            const char *text = NULL;
            rc = json_read_string(o, "", s->name, s->required, 100000, &text, &f);
            if (rc > 0) {
                const char *why = http_field_check(s, text, v);
                if (why != NULL) {
                    json_fault(&f, "invalid", s->name, "%s %s", s->name, why);
                    rc = -1;
                } else {
                    v->s = pool_strdup(req->pool, text); /* the body dies here */
                }
            }
        }
        if (rc < 0) {
            api_json_refuse(req, &f);
            json_object_put(o);
            return -1;
        }
        if (rc == 0 && s->def != NULL)
            http_field_check(s, s->def, v);
    }
    json_object_put(o);
    return (int)n;
}

void api_call(struct http_request *req)
{
    const struct api_call *c = req->route->data;
    const struct user *u = req->user;
    struct field_value body[API_BODY_MAX_FIELDS];
    const char *params[ROUTE_MAX_PATH + ROUTE_MAX_QUERY + API_BODY_MAX_FIELDS + 1];
    int n = 0, nbody = 0;
    if (c->body[0].name != NULL && (nbody = api_body_read(req, c->body, body)) < 0)
        return;
    size_t nargs = route_npath(req->route) + route_nquery(req->route);
    for (size_t i = 0; i < nargs; i++)
        params[n++] = req->args[i].present ? req->args[i].s : NULL;
    for (int i = 0; i < nbody; i++)
        params[n++] = body[i].present ? body[i].s : NULL;
    if (u != NULL)
        params[n++] = u->pin;
    api_send_value(req, c->statement, n, params, c->status != 0 ? c->status : 200);
}
