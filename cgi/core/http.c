#include "http.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int http_url_decode(char *s, bool plus_space)
{
    char *out = s;
    for (; *s != '\0'; s++) {
        if (*s == '%') {
            int hi = hexval((unsigned char)s[1]);
            int lo = hi < 0 ? -1 : hexval((unsigned char)s[2]);
            if (hi < 0 || lo < 0)
                return -1;
            int c = hi * 16 + lo;
            if (c == 0)
                return -1;
            *out++ = (char)c;
            s += 2;
        } else if (*s == '+' && plus_space) {
            *out++ = ' ';
        } else {
            *out++ = *s;
        }
    }
    *out = '\0';
    return 0;
}

bool http_utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        size_t n;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (len - i <= n)
            return false;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n + 1;
    }
    return true;
}

size_t http_utf8_prefix(const char *s, size_t max)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strnlen(s, max);
    /* The last character's first byte: at most three continuation bytes back. */
    size_t lead = n;
    while (lead > 0 && n - lead < 4 && (u[lead - 1] & 0xC0) == 0x80)
        lead--;
    if (lead == 0 || n - lead >= 4)
        return lead == 0 ? 0 : n; /* only continuation bytes: nothing whole to keep */
    unsigned c = u[lead - 1];
    size_t want = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return n - (lead - 1) >= want ? n : lead - 1;
}

char *http_utf8_trim(char *s)
{
    s[http_utf8_prefix(s, strlen(s))] = '\0';
    return s;
}

/* Length of the digit at s: 1 for '0'..'9', 3 for %30..%39, else 0. */
static size_t digit_at(const char *s)
{
    if (*s >= '0' && *s <= '9')
        return 1;
    if (s[0] == '%' && s[1] == '3' && s[2] >= '0' && s[2] <= '9')
        return 3;
    return 0;
}

#define MASK_MIN_DIGITS 10

void http_mask_digit_runs(const char *in, char *out, size_t size)
{
    size_t o = 0;
    if (size == 0)
        return;
    while (*in != '\0' && o + 1 < size) {
        /* The run of digits starting here: its digits and its bytes. */
        size_t digits = 0, bytes = 0, d;
        while ((d = digit_at(in + bytes)) > 0) {
            digits++;
            bytes += d;
        }
        if (digits >= MASK_MIN_DIGITS) {
            for (size_t i = 0; i < digits && o + 1 < size; i++)
                out[o++] = '*';
            in += bytes;
        } else if (bytes > 0) {
            for (size_t i = 0; i < bytes && o + 1 < size; i++)
                out[o++] = in[i];
            in += bytes;
        } else {
            unsigned char c = (unsigned char)*in++;
            out[o++] = c < 0x20 || c == 0x7F ? '?' : (char)c;
        }
    }
    out[o] = '\0';
}

size_t http_utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s != '\0'; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

int http_parse_query(struct http_request *req, const char *qs, const char **err)
{
    req->nquery = 0;
    if (qs == NULL || *qs == '\0')
        return 0;
    if (strlen(qs) > HTTP_MAX_QUERY) {
        *err = "the query string is too long";
        return -1;
    }
    char *copy = pool_strdup(req->pool, qs);
    char *save = NULL;
    for (char *pair = strtok_r(copy, "&", &save); pair != NULL; pair = strtok_r(NULL, "&", &save)) {
        if (req->nquery == HTTP_MAX_PARAMS) {
            *err = "too many query parameters";
            return -1;
        }
        char *eq = strchr(pair, '=');
        char *value = pair + strlen(pair); /* "flag" alone: an empty value */
        if (eq != NULL) {
            *eq = '\0';
            value = eq + 1;
        }
        if (http_url_decode(pair, true) < 0 || http_url_decode(value, true) < 0) {
            *err = "the query string has a malformed %-escape";
            return -1;
        }
        if (!http_utf8_valid(pair, strlen(pair)) || !http_utf8_valid(value, strlen(value))) {
            *err = "the query string is not valid UTF-8";
            return -1;
        }
        req->query[req->nquery].name = pair;
        req->query[req->nquery].value = value;
        req->nquery++;
    }
    return 0;
}

/* YYYY-MM-DD of a real day of the years min..max (Gregorian). */
static bool date_valid(const char *s, long min, long max)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return false;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return y >= min && y <= max && m >= 1 && m <= 12 && d >= 1 &&
        d <= days[m - 1] + (m == 2 && leap);
}

const char *http_field_check(const struct field *f, const char *v, struct field_value *out)
{
    size_t len = strlen(v);
    out->present = true;
    out->s = v;
    out->i = 0;
    switch (f->type) {
    case FIELD_INT: {
        if (len == 0 || len > 18)
            return "must be a whole number";
        for (size_t i = 0; i < len; i++)
            if (!isdigit((unsigned char)v[i]) && !(i == 0 && v[i] == '-' && len > 1))
                return "must be a whole number";
        errno = 0;
        long x = strtol(v, NULL, 10);
        if (errno != 0 || x < f->min || x > f->max)
            return "is out of range";
        out->i = x;
        return NULL;
    }
    case FIELD_DIGITS:
        for (size_t i = 0; i < len; i++)
            if (!isdigit((unsigned char)v[i]))
                return "must consist of digits only";
        if ((long)len < f->min || (long)len > f->max)
            return "has the wrong number of digits";
        return NULL;
    case FIELD_DATE:
        if (!date_valid(v, f->min, f->max))
            return "must be a date YYYY-MM-DD";
        return NULL;
    case FIELD_BOOL:
        if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
            return "must be true or false";
        out->i = v[0] == 't';
        return NULL;
    case FIELD_TEXT:
        if (!http_utf8_valid(v, len))
            return "is not valid UTF-8";
        for (size_t i = 0; i < len; i++)
            if ((unsigned char)v[i] < 0x20 || v[i] == 0x7F)
                return "contains control characters";
        if ((long)http_utf8_length(v) > f->max)
            return "is too long";
        return NULL;
    }
    return "has an unknown type";
}

int http_fields_parse(struct http_request *req, const struct field *spec, size_t n,
                      struct field_value *out)
{
    if (n > 0)
        memset(out, 0, n * sizeof(*out));
    for (size_t q = 0; q < req->nquery; q++) {
        const struct http_param *p = &req->query[q];
        size_t i;
        for (i = 0; i < n; i++)
            if (strcmp(spec[i].name, p->name) == 0)
                break;
        if (i == n) {
            /* The name is echoed (cut at a whole character in the message),
             * but never a personal number sent as a name. */
            size_t size = strlen(p->name) + 1;
            char *name = pool_alloc(req->pool, size), msg[160];
            http_mask_digit_runs(p->name, name, size);
            snprintf(msg, sizeof(msg), "unknown query parameter \"%.*s\"",
                     (int)http_utf8_prefix(name, 64), name);
            http_error(req, 400, "unknown_parameter", msg, name);
            return -1;
        }
        if (out[i].present) {
            http_error(req, 400, "repeated_parameter", "a query parameter is given more than once",
                       p->name);
            return -1;
        }
        /* An empty value is the same as an absent one (forms send "q="). */
        if (p->value[0] == '\0') {
            out[i].present = false;
            continue;
        }
        const char *why = http_field_check(&spec[i], p->value, &out[i]);
        if (why != NULL) {
            char msg[160];
            snprintf(msg, sizeof(msg), "parameter \"%s\" %s", spec[i].name, why);
            http_error(req, 400, spec[i].code != NULL ? spec[i].code : "invalid_parameter", msg,
                       spec[i].name);
            return -1;
        }
    }
    return 0;
}

const char *http_header(struct http_request *req, const char *name)
{
    char var[128] = "HTTP_";
    size_t i = 5;
    for (; *name != '\0' && i < sizeof(var) - 1; name++, i++)
        var[i] = *name == '-' ? '_' : (char)toupper((unsigned char)*name);
    var[i] = '\0';
    return req->getenv(req->getenv_ctx, var);
}

const char *http_path_param(struct http_request *req, const char *name)
{
    for (size_t i = 0; i < req->npath_params; i++)
        if (strcmp(req->path_params[i].name, name) == 0)
            return req->path_params[i].value;
    return NULL;
}

const struct field_value *http_arg(struct http_request *req, const char *name)
{
    static const struct field_value absent;
    for (size_t i = 0; i < req->nargs; i++)
        if (strcmp(req->arg_spec[i]->name, name) == 0)
            return &req->args[i];
    fprintf(stderr, "shailoo: %s: the route declares no field \"%s\"\n", req->path, name);
    return &absent;
}

const char *http_arg_text(struct http_request *req, const char *name)
{
    const struct field_value *v = http_arg(req, name);
    return v->present ? v->s : NULL;
}

const char *http_cookie(struct http_request *req, const char *name)
{
    const char *h = http_header(req, "Cookie");
    size_t nlen = strlen(name);
    if (h == NULL || nlen == 0)
        return NULL;
    for (const char *p = h; *p != '\0';) {
        while (*p == ' ' || *p == ';')
            p++;
        size_t len = strcspn(p, ";");
        if (len > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
            const char *v = p + nlen + 1;
            size_t vlen = len - nlen - 1;
            while (vlen > 0 && v[vlen - 1] == ' ')
                vlen--;
            if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
                v++;
                vlen -= 2;
            }
            if (vlen > HTTP_MAX_COOKIE)
                return NULL;
            /* RFC 6265 cookie-octets only. */
            for (size_t i = 0; i < vlen; i++) {
                unsigned char c = (unsigned char)v[i];
                if (c < 0x21 || c > 0x7E || c == '"' || c == ',' || c == '\\')
                    return NULL;
            }
            return pool_strndup(req->pool, v, vlen);
        }
        p += len;
    }
    return NULL;
}

void http_etag(const char *data, size_t len, char *buf)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)data[i];
        h *= 0x100000001b3ULL;
    }
    snprintf(buf, 19, "\"%016llx\"", (unsigned long long)h);
}

static const char *status_text(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 409:
        return "Conflict";
    case 413:
        return "Payload Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Entity";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Unknown";
    }
}

/* Security headers of every API answer, in one place. */
static const char security_headers[] =
    "X-Content-Type-Options: nosniff\r\n"
    "X-Frame-Options: DENY\r\n"
    "Referrer-Policy: no-referrer\r\n"
    "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"
    "Cross-Origin-Resource-Policy: same-origin\r\n";

void http_add_header(struct http_request *req, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(line) || strpbrk(line, "\r\n") != NULL)
        return; /* never split a header: a caller's bug, not a way in */
    size_t old = req->headers != NULL ? strlen(req->headers) : 0;
    char *h = pool_alloc(req->pool, old + (size_t)n + 3);
    if (old > 0)
        memcpy(h, req->headers, old);
    memcpy(h + old, line, (size_t)n);
    memcpy(h + old + (size_t)n, "\r\n", 3);
    req->headers = h;
}

static void send_typed(struct http_request *req, int status, const char *type,
                       const char *extra_headers, const char *body, size_t len)
{
    if (req->sent)
        return;
    req->sent = true;
    req->status = status;
    char head[4096];
    int n = snprintf(head, sizeof(head),
                     "Status: %d %s\r\n"
                     "Content-Type: %s\r\n"
                     "%s%s%s"
                     "X-Request-Id: %s\r\n"
                     "Content-Length: %zu\r\n\r\n",
                     status, status_text(status), type, security_headers,
                     extra_headers != NULL ? extra_headers : "",
                     req->headers != NULL ? req->headers : "", req->request_id,
                     status == 304 ? (size_t)0 : len);
    if (n < 0 || (size_t)n >= sizeof(head))
        n = snprintf(head, sizeof(head), "Status: 500 Internal Server Error\r\n\r\n");
    req->write(req->write_ctx, head, (size_t)n);
    if (!req->head && status != 304 && len > 0)
        req->write(req->write_ctx, body, len);
}

static void send_response(struct http_request *req, int status, const char *extra_headers,
                          const char *body, size_t len)
{
    send_typed(req, status, "application/json; charset=utf-8", extra_headers, body, len);
}

void http_redirect(struct http_request *req, int status, const char *location)
{
    if (strpbrk(location, "\r\n") != NULL) {
        http_error(req, 500, "internal", "bad redirect", NULL);
        return;
    }
    size_t size = strlen(location) + 64;
    char *h = pool_alloc(req->pool, size);
    snprintf(h, size, "Location: %s\r\nCache-Control: no-store\r\n", location);
    send_typed(req, status, "text/plain; charset=utf-8", h, "", 0);
}

static void html_escape(const char *s, char *out, size_t size)
{
    size_t o = 0;
    for (; *s != '\0' && o + 7 < size; s++) {
        const char *e = *s == '<' ? "&lt;"
            : *s == '>'           ? "&gt;"
            : *s == '&'           ? "&amp;"
            : *s == '"'           ? "&quot;"
                                  : NULL;
        if (e != NULL) {
            memcpy(out + o, e, strlen(e));
            o += strlen(e);
        } else {
            out[o++] = *s;
        }
    }
    out[o] = '\0';
    http_utf8_trim(out); /* a long text stops at a whole character */
}

void http_html_error(struct http_request *req, int status, const char *title, const char *text)
{
    char t[256], x[1024], body[2048];
    html_escape(title, t, sizeof(t));
    html_escape(text, x, sizeof(x));
    int n = snprintf(body, sizeof(body),
                     "<!doctype html><html lang=\"ru\"><meta charset=\"utf-8\">"
                     "<meta name=\"viewport\" content=\"width=device-width\">"
                     "<title>%s</title><h1>%s</h1><p>%s</p><p><a href=\"/\">Шайлоо</a></p></html>",
                     t, t, x);
    send_typed(req, status, "text/html; charset=utf-8", "Cache-Control: no-store\r\n", body,
               n > 0 ? (size_t)n : 0);
}

bool http_is_tls(struct http_request *req)
{
    const char *https = req->getenv(req->getenv_ctx, "HTTPS");
    return https != NULL && strcmp(https, "on") == 0;
}

static bool etag_matches(const char *header, const char *etag)
{
    if (header == NULL)
        return false;
    /* A list of tags, possibly weak ("W/"): weak comparison is right for GET. */
    size_t elen = strlen(etag);
    const char *p = header;
    for (;;) {
        while (*p == ' ' || *p == ',')
            p++;
        if (*p == '\0')
            return false;
        if (*p == '*')
            return true;
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        if (strncmp(p, etag, elen) == 0 && (p[elen] == '\0' || p[elen] == ',' || p[elen] == ' '))
            return true;
        p = strchr(p, ',');
        if (p == NULL)
            return false;
    }
}

void http_json(struct http_request *req, int status, const char *json, size_t len,
               enum http_cache cache)
{
    char headers[256];
    char etag[20];
    if (cache == CACHE_NONE || status != 200) {
        snprintf(headers, sizeof(headers), "Cache-Control: no-store\r\n");
        send_response(req, status, headers, json, len);
        return;
    }
    http_etag(json, len, etag);
    snprintf(headers, sizeof(headers), "Cache-Control: public, max-age=%d\r\nETag: %s\r\n",
             cache == CACHE_LIVE        ? 1
                 : cache == CACHE_SHORT ? 30
                                        : 300,
             etag);
    if (etag_matches(http_header(req, "If-None-Match"), etag))
        status = 304;
    send_response(req, status, headers, json, len);
}

void http_send(struct http_request *req, int status, const char *type, const char *cache_control,
               const char *body, size_t len)
{
    char headers[256];
    if (strpbrk(type, "\r\n") != NULL || strpbrk(cache_control, "\r\n") != NULL)
        return;
    snprintf(headers, sizeof(headers), "Cache-Control: %s\r\n", cache_control);
    send_typed(req, status, type, headers, body, len);
}

void http_error(struct http_request *req, int status, const char *code, const char *message,
                const char *field)
{
    struct json_object *root = json_object_new_object();
    struct json_object *err = json_object_new_object();
    json_object_object_add(err, "code", json_object_new_string(code));
    json_object_object_add(err, "message", json_object_new_string(message));
    if (field != NULL)
        json_object_object_add(err, "field", json_object_new_string(field));
    json_object_object_add(root, "error", err);
    size_t len;
    const char *s = json_object_to_json_string_length(
        root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    send_response(req, status, "Cache-Control: no-store\r\n", s, len);
    json_object_put(root);
}

void http_method_not_allowed(struct http_request *req, const char *allow)
{
    char headers[128];
    snprintf(headers, sizeof(headers), "Allow: %s\r\n", allow);
    if (req->sent)
        return;
    /* Built by hand so the Allow header travels with the standard error body. */
    char body[160];
    int n = snprintf(body, sizeof(body),
                     "{\"error\":{\"code\":\"method_not_allowed\",\"message\":\"this resource "
                     "allows only %s\"}}",
                     allow);
    send_response(req, 405, headers, body, (size_t)n);
}
