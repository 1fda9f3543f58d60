#ifndef SHAILOO_HTTP_H
#define SHAILOO_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "pool.h"

/*
 * One HTTP request and its response.  The framework turns the FastCGI
 * parameters into this struct, a handler validates its input into plain C
 * values with http_fields_parse() and answers with http_json() or
 * http_error().  Everything hangs off req->pool and dies with the request.
 */

#define HTTP_MAX_PATH 1024
#define HTTP_MAX_QUERY 2048
#define HTTP_MAX_PARAMS 32
#define HTTP_MAX_BODY (1024 * 1024)

struct http_param {
    const char *name;
    const char *value;
};

/* Writes response bytes; the FastCGI stream in production, a buffer in tests. */
typedef int (*http_write_fn)(void *ctx, const char *data, size_t len);
/* Looks up a request variable (CGI style: REQUEST_METHOD, HTTP_IF_NONE_MATCH...). */
typedef const char *(*http_getenv_fn)(void *ctx, const char *name);

/* Input validation, after kcgi's keys: a table of fields per handler. */
enum field_type {
    FIELD_INT, /* decimal integer within [min, max] */
    FIELD_TEXT, /* valid UTF-8, no control characters, max characters */
    FIELD_DIGITS, /* exactly min..max ASCII digits */
    FIELD_DATE, /* YYYY-MM-DD, a real day of the years min..max */
    FIELD_BOOL, /* true or false (i: 1 or 0) */
};

struct field {
    const char *name;
    enum field_type type;
    long min, max; /* INT: value range; TEXT: max chars; DIGITS: length range; DATE: years */
    bool required; /* a query field that must be given (path fields always are) */
    const char *def; /* the value an absent query field takes, or NULL */
    const char *about; /* one line for the API's description, or NULL */
    const char *code; /* the error code when it is not valid (NULL: "invalid_parameter") */
};

struct field_value {
    bool present;
    long i;
    const char *s; /* the text as received (decoded), owned by the request pool */
};

struct route;

#define HTTP_MAX_ARGS 14

struct http_request {
    struct pool *pool;
    const char *method; /* GET, HEAD, POST... */
    const char *path; /* decoded, without the query */
    const char *request_id;
    struct http_param query[HTTP_MAX_PARAMS];
    size_t nquery;
    struct http_param path_params[8];
    size_t npath_params;
    /*
     * The route's declared fields (path ones first, then query ones), checked
     * by the dispatcher before the handler runs: handlers read these only.
     */
    const struct route *route;
    const struct field *arg_spec[HTTP_MAX_ARGS];
    struct field_value args[HTTP_MAX_ARGS];
    size_t nargs;
    const char *body; /* NUL-terminated copy, or NULL */
    size_t body_len;
    const char *body_file; /* an upload's body as a file nginx wrote (then body is NULL), or NULL */

    http_getenv_fn getenv;
    void *getenv_ctx;
    http_write_fn write;
    void *write_ctx;

    char *headers; /* extra response headers ("Name: value\r\n"...), in pool */
    void *user; /* who is asking, set by the route guard (the app's struct) */

    int status; /* of the response, once sent */
    bool sent;
    bool head; /* HEAD: headers only */
};

/* Pure helpers (no I/O), unit-tested. */
/* Decodes %XX and (if plus_space) '+' in place; returns -1 on a bad escape or a NUL byte. */
int http_url_decode(char *s, bool plus_space);
/* Strict UTF-8 (no overlongs, surrogates or code points over U+10FFFF). */
bool http_utf8_valid(const char *s, size_t len);
/*
 * The byte length of the longest prefix of s, at most max bytes, that does
 * not end inside a character: what "%.*s" may print of user text without
 * cutting a UTF-8 sequence in half (and what a buffer snprintf truncated
 * may keep).  s is NUL-terminated UTF-8, valid but perhaps cut short.
 */
size_t http_utf8_prefix(const char *s, size_t max);
/* Cuts s (NUL-terminated, in place) after its last whole character; returns s. */
char *http_utf8_trim(char *s);
/*
 * Copies in to out (size bytes, always terminated) with every run of 10 or
 * more digits replaced by as many '*': such runs are personal numbers (or
 * could be), and logs and error messages must not keep them.  A digit written
 * as a %-escape (%30..%39) counts as a digit and is masked too, "%32%31..."
 * being the same number once decoded.  Control bytes become '?', so text
 * chosen by a client cannot forge a log line.
 */
void http_mask_digit_runs(const char *in, char *out, size_t size);
/* Number of code points of valid UTF-8. */
size_t http_utf8_length(const char *s);
/* Splits and decodes a query string into req->query.  0, or -1 with *err set. */
int http_parse_query(struct http_request *req, const char *qs, const char **err);

/*
 * Checks the query parameters against spec: unknown, repeated, malformed or
 * out-of-range ones get a 400 answer and -1.  On 0, out[i] holds spec[i].
 */
int http_fields_parse(struct http_request *req, const struct field *spec, size_t n,
                      struct field_value *out);
/* One path or query value checked against one field spec; NULL if fine, else a message. */
const char *http_field_check(const struct field *f, const char *value, struct field_value *out);

/* A request header, e.g. "If-None-Match" (NULL if absent). */
const char *http_header(struct http_request *req, const char *name);
const char *http_path_param(struct http_request *req, const char *name);
/*
 * A declared field's checked value (route.h): present with .i (INT) and .s
 * (the text, in req->pool); an absent one with a default is present with it.
 * A name the route does not declare is a programming error: logged, absent.
 */
const struct field_value *http_arg(struct http_request *req, const char *name);
/* http_arg(req, name)->s, NULL if absent. */
const char *http_arg_text(struct http_request *req, const char *name);
/*
 * The value of cookie name from the Cookie header, copied into req->pool;
 * NULL if absent, malformed, or longer than HTTP_MAX_COOKIE.
 */
#define HTTP_MAX_COOKIE 4096
const char *http_cookie(struct http_request *req, const char *name);

/* Responses.  Each sends the whole response once; later calls are ignored. */
enum http_cache {
    CACHE_NONE, /* personal data: no-store */
    CACHE_SHORT, /* public, changes quickly (statistics): 30 s */
    CACHE_LONG, /* public, rarely changes (stations, regions): 300 s */
    CACHE_LIVE, /* public, changes by the second (election night): 1 s */
};
/* Sends a JSON text with an ETag; answers 304 when If-None-Match matches. */
void http_json(struct http_request *req, int status, const char *json, size_t len,
               enum http_cache cache);
/* Sends any other body (CSV, an event stream) with this Content-Type and Cache-Control value. */
void http_send(struct http_request *req, int status, const char *type, const char *cache_control,
               const char *body, size_t len);
/* The one error format: {"error":{"code":..., "message":..., "field":...}} */
void http_error(struct http_request *req, int status, const char *code, const char *message,
                const char *field);
void http_method_not_allowed(struct http_request *req, const char *allow);
/* Adds a response header line (without CRLF) to the next answer; copied. */
void http_add_header(struct http_request *req, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* 302/303 to a location (a path or absolute URL; must not contain CR or LF). */
void http_redirect(struct http_request *req, int status, const char *location);
/* A small HTML page (for browser flows such as a failed login); text is escaped. */
void http_html_error(struct http_request *req, int status, const char *title, const char *text);
/* True if the request came over TLS (nginx's HTTPS parameter). */
bool http_is_tls(struct http_request *req);

/* FNV-1a 64 of the body, as a quoted strong ETag into buf (at least 19 bytes). */
void http_etag(const char *data, size_t len, char *buf);

#endif
