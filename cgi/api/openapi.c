/*
 * GET /api/v1/openapi.json: the API described in OpenAPI 3.1, made from the
 * route tables themselves (paths, methods, declared fields with their
 * bounds, access, bodies, the error shape), so it cannot drift from them.
 * Built once per worker at the first request and kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api.h"

static const struct api_module *const *modules;
static size_t nmodules;

void openapi_set_modules(const struct api_module *const *m, size_t n)
{
    modules = m;
    nmodules = n;
}

static struct json_object *str(const char *s)
{
    return json_object_new_string(s);
}

/* The JSON Schema of a declared field. */
static struct json_object *field_schema(const struct field *f)
{
    struct json_object *o = json_object_new_object();
    char pattern[48];
    switch (f->type) {
    case FIELD_INT:
        json_object_object_add(o, "type", str("integer"));
        json_object_object_add(o, "minimum", json_object_new_int64(f->min));
        json_object_object_add(o, "maximum", json_object_new_int64(f->max));
        break;
    case FIELD_DIGITS:
        json_object_object_add(o, "type", str("string"));
        snprintf(pattern, sizeof(pattern), "^[0-9]{%ld,%ld}$", f->min, f->max);
        json_object_object_add(o, "pattern", str(pattern));
        break;
    case FIELD_DATE:
        json_object_object_add(o, "type", str("string"));
        json_object_object_add(o, "format", str("date"));
        break;
    case FIELD_TEXT:
        json_object_object_add(o, "type", str("string"));
        json_object_object_add(o, "maxLength", json_object_new_int64(f->max));
        break;
    case FIELD_BOOL:
        json_object_object_add(o, "type", str("boolean"));
        break;
    }
    if (f->def != NULL)
        json_object_object_add(o, "default",
                               f->type == FIELD_INT ? json_object_new_int64(atoll(f->def))
                                   : f->type == FIELD_BOOL
                                   ? json_object_new_boolean(f->def[0] == 't')
                                   : str(f->def));
    return o;
}

static struct json_object *parameter(const struct field *f, const char *in)
{
    struct json_object *p = json_object_new_object();
    json_object_object_add(p, "name", str(f->name));
    json_object_object_add(p, "in", str(in));
    json_object_object_add(p, "required",
                           json_object_new_boolean(strcmp(in, "path") == 0 || f->required));
    if (f->about != NULL)
        json_object_object_add(p, "description", str(f->about));
    json_object_object_add(p, "schema", field_schema(f));
    return p;
}

static struct json_object *error_response(const char *description)
{
    struct json_object *r = json_object_new_object(), *c = json_object_new_object(),
                       *m = json_object_new_object(), *ref = json_object_new_object();
    json_object_object_add(r, "description", str(description));
    json_object_object_add(ref, "$ref", str("#/components/schemas/Error"));
    json_object_object_add(m, "schema", ref);
    json_object_object_add(c, "application/json", m);
    json_object_object_add(r, "content", c);
    return r;
}

static struct json_object *success_response(const struct route *r)
{
    struct json_object *o = json_object_new_object(), *c = json_object_new_object();
    if (r->answer != NULL && strcmp(r->answer, "redirect") == 0) {
        json_object_object_add(o, "description", str("a redirect (Location)"));
        json_object_put(c);
        return o;
    }
    json_object_object_add(o, "description", str(r->summary != NULL ? r->summary : "the answer"));
    json_object_object_add(c, r->answer != NULL ? r->answer : "application/json",
                           json_object_new_object());
    json_object_object_add(o, "content", c);
    return o;
}

/* "GET /api/v1/stations/{number}" -> "get_api_v1_stations_number" */
static void operation_id(const struct route *r, char *out, size_t size)
{
    size_t n = 0;
    for (const char *m = r->method; *m != '\0' && n + 1 < size; m++)
        out[n++] = (char)(*m - 'A' + 'a');
    for (const char *p = r->pattern; *p != '\0' && n + 1 < size; p++) {
        if (*p == '{' || *p == '}')
            continue;
        bool word = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9');
        if (!word && n > 0 && out[n - 1] == '_')
            continue;
        out[n++] = word ? *p : '_';
    }
    while (n > 0 && out[n - 1] == '_')
        n--;
    out[n] = '\0';
}

static struct json_object *operation(const struct api_module *m, const struct route *r)
{
    struct json_object *op = json_object_new_object(), *params = json_object_new_array();
    struct json_object *responses = json_object_new_object(), *tags = json_object_new_array();
    char id[160];
    operation_id(r, id, sizeof(id));
    json_object_object_add(op, "operationId", str(id));
    json_object_array_add(tags, str(m->name));
    json_object_object_add(op, "tags", tags);
    if (r->summary != NULL)
        json_object_object_add(op, "summary", str(r->summary));
    for (size_t i = 0; i < route_npath(r); i++)
        json_object_array_add(params, parameter(&r->path[i], "path"));
    for (size_t i = 0; i < route_nquery(r); i++)
        json_object_array_add(params, parameter(&r->query[i], "query"));
    json_object_object_add(op, "parameters", params);
    if (r->body != NULL) {
        struct json_object *b = json_object_new_object(), *c = json_object_new_object();
        json_object_object_add(c, r->body, json_object_new_object());
        json_object_object_add(b, "required", json_object_new_boolean(1));
        json_object_object_add(b, "content", c);
        json_object_object_add(op, "requestBody", b);
    }
    bool redirect = r->answer != NULL && strcmp(r->answer, "redirect") == 0;
    json_object_object_add(responses,
                           redirect                            ? "302"
                               : strcmp(r->method, "GET") == 0 ? "200"
                                                               : "2XX",
                           success_response(r));
    json_object_object_add(responses, "400",
                           error_response("a parameter or the body is not valid"));
    if (r->access != 0) {
        struct json_object *x = json_object_new_array(), *sec = json_object_new_array(),
                           *s = json_object_new_object();
        for (unsigned bit = 1; bit != 0 && bit <= r->access; bit <<= 1)
            if (r->access & bit)
                json_object_array_add(x, str(auth_role_name(bit)));
        json_object_object_add(op, "x-access", x);
        json_object_object_add(s, "session", json_object_new_array());
        json_object_array_add(sec, s);
        json_object_object_add(op, "security", sec);
        json_object_object_add(responses, "401", error_response("not signed in"));
        json_object_object_add(responses, "403",
                               error_response("no role that allows it, or no CSRF token"));
    }
    json_object_object_add(responses, "404", error_response("no such resource"));
    json_object_object_add(responses, "default",
                           error_response("any other refusal, in the same shape"));
    json_object_object_add(op, "responses", responses);
    return op;
}

static struct json_object *components(void)
{
    static const char error_schema[] =
        "{\"type\":\"object\",\"required\":[\"error\"],\"additionalProperties\":false,"
        "\"properties\":{\"error\":{\"type\":\"object\",\"required\":[\"code\",\"message\"],"
        "\"properties\":{\"code\":{\"type\":\"string\",\"pattern\":\"^[a-z0-9_]+$\"},"
        "\"message\":{\"type\":\"string\"},\"field\":{\"type\":[\"string\",\"null\"]}}}}}";
    static const char security[] =
        "{\"session\":{\"type\":\"apiKey\",\"in\":\"cookie\",\"name\":\"shailoo_session\","
        "\"description\":\"The session cookie set by /auth/esia/callback; every POST also sends "
        "the session's CSRF token (GET /api/v1/me) in X-CSRF-Token.\"}}";
    struct json_object *c = json_object_new_object(), *schemas = json_object_new_object();
    json_object_object_add(schemas, "Error", json_tokener_parse(error_schema));
    json_object_object_add(c, "schemas", schemas);
    json_object_object_add(c, "securitySchemes", json_tokener_parse(security));
    return c;
}

static struct json_object *document(void)
{
    struct json_object *doc = json_object_new_object(), *info = json_object_new_object();
    struct json_object *paths = json_object_new_object(), *tags = json_object_new_array();
    json_object_object_add(doc, "openapi", str("3.1.0"));
    json_object_object_add(info, "title", str("Shailoo"));
    json_object_object_add(info, "version", str("1"));
    json_object_object_add(info, "description",
                           str("The election information system's API, made from its route tables. "
                               "Every refusal is a JSON error (components/schemas/Error); GET also "
                               "answers HEAD."));
    json_object_object_add(doc, "info", info);
    for (size_t i = 0; i < nmodules; i++) {
        const struct api_module *m = modules[i];
        if (m->nroutes > 0) {
            struct json_object *t = json_object_new_object();
            json_object_object_add(t, "name", str(m->name));
            json_object_array_add(tags, t);
        }
        for (size_t k = 0; k < m->nroutes; k++) {
            const struct route *r = &m->routes[k];
            struct json_object *item;
            if (!json_object_object_get_ex(paths, r->pattern, &item)) {
                item = json_object_new_object();
                json_object_object_add(paths, r->pattern, item);
            }
            char method[8];
            size_t n = 0;
            for (; r->method[n] != '\0' && n + 1 < sizeof(method); n++)
                method[n] = (char)(r->method[n] - 'A' + 'a');
            method[n] = '\0';
            json_object_object_add(item, method, operation(m, r));
        }
    }
    json_object_object_add(doc, "tags", tags);
    json_object_object_add(doc, "paths", paths);
    json_object_object_add(doc, "components", components());
    return doc;
}

static void openapi_get(struct http_request *req)
{
    static char *text;
    static size_t len;
    if (text == NULL) {
        struct json_object *doc = document();
        const char *s = json_object_to_json_string_length(
            doc, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
        text = strdup(s);
        json_object_put(doc);
        if (text == NULL) {
            http_error(req, 500, "internal", "out of memory", NULL);
            return;
        }
    }
    http_json(req, 200, text, len, CACHE_LONG);
}

static const struct route routes[] = {
    {"GET", "/api/v1/openapi.json", openapi_get,
     .summary = "This description: OpenAPI 3.1, made from the route tables"},
};

const struct api_module openapi_module = {"openapi", routes, NELEM(routes), NULL, 0, NULL};
