#include "json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "http.h"
#include "pool.h"

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}
static bool is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * What json-c 0.16 takes even with JSON_TOKENER_STRICT but RFC 8259 does
 * not: 'single-quoted' strings, the bare words NaN, Infinity and -Infinity,
 * raw control characters (U+0000..U+001F) inside strings, and "1." (a
 * fraction without digits).  NULL if none is there, else why (static text).
 * The rest of the grammar is json-c's to check.
 */
static const char *beyond_rfc8259(const char *buf, size_t len)
{
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        char c = buf[i];
        if (in_string) {
            if ((unsigned char)c < 0x20)
                return "a control character inside a string (escape it)";
            if (c == '\\' && ++i < len && (unsigned char)buf[i] < 0x20)
                return "a control character inside a string (escape it)";
            if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '\'') {
            return "single quotes";
        } else if (c == '.') {
            if (i == 0 || !is_digit(buf[i - 1]) || i + 1 == len || !is_digit(buf[i + 1]))
                return "a number's fraction needs digits on both sides of the point";
        } else if (is_letter(c)) {
            /* Other bare words are json-c's to refuse (with its own message). */
            size_t n = 1;
            while (i + n < len && is_letter(buf[i + n]))
                n++;
            if ((n >= 3 && memcmp(buf + i, "NaN", 3) == 0) ||
                (n >= 8 && memcmp(buf + i, "Infinity", 8) == 0))
                return "NaN and Infinity are not JSON numbers";
            i += n - 1;
        }
    }
    return NULL;
}

struct json_object *json_parse_strict(const char *buf, size_t len, char *err, size_t errsize)
{
    if (len == 0) {
        snprintf(err, errsize, "the body is empty");
        return NULL;
    }
    if (!http_utf8_valid(buf, len) || memchr(buf, '\0', len) != NULL) {
        snprintf(err, errsize, "the body is not valid UTF-8");
        return NULL;
    }
    const char *why = beyond_rfc8259(buf, len);
    if (why != NULL) {
        snprintf(err, errsize, "the body is not valid JSON: %s", why);
        return NULL;
    }
    struct json_tokener *tok = json_tokener_new_ex(JSON_MAX_DEPTH);
    if (tok == NULL) {
        snprintf(err, errsize, "out of memory");
        return NULL;
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    struct json_object *obj = json_tokener_parse_ex(tok, buf, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    if (obj == NULL || jerr != json_tokener_success) {
        snprintf(err, errsize, "the body is not valid JSON: %s",
                 jerr == json_tokener_continue ? "unexpected end" : json_tokener_error_desc(jerr));
        json_object_put(obj);
        obj = NULL;
    } else {
        while (end < len && strchr(" \t\r\n", buf[end]) != NULL)
            end++;
        if (end != len) {
            snprintf(err, errsize, "the body has data after the JSON value");
            json_object_put(obj);
            obj = NULL;
        }
    }
    json_tokener_free(tok);
    return obj;
}

const char *json_unknown_member(struct json_object *obj, const char *const *allowed)
{
    json_object_object_foreach(obj, key, val)
    {
        (void)val;
        const char *const *a;
        for (a = allowed; *a != NULL; a++)
            if (strcmp(*a, key) == 0)
                break;
        if (*a == NULL)
            return key;
    }
    return NULL;
}

char *json_quote(struct pool *pool, const char *s)
{
    size_t n = 2;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
        n += *p == '"' || *p == '\\' ? 2 : *p < 0x20 ? 6 : 1;
    char *out = pool_alloc(pool, n + 1), *o = out;
    *o++ = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\') {
            *o++ = '\\';
            *o++ = (char)*p;
        } else if (*p < 0x20) {
            o += snprintf(o, 7, "\\u%04x", *p);
        } else {
            *o++ = (char)*p;
        }
    }
    *o++ = '"';
    *o = '\0';
    return out;
}

/* ---- The reader -------------------------------------------------------- */

int json_fault(struct json_fault *f, const char *code, const char *field, const char *fmt, ...)
{
    va_list ap;
    f->code = code;
    /* A member's name is the sender's text: never cut in the middle of a character. */
    snprintf(f->field, sizeof(f->field), "%.*s", (int)http_utf8_prefix(field, sizeof(f->field) - 1),
             field);
    va_start(ap, fmt);
    vsnprintf(f->message, sizeof(f->message), fmt, ap);
    va_end(ap);
    http_utf8_trim(f->message);
    return -1;
}

const char *json_path_key(char *out, size_t size, const char *path, const char *key)
{
    snprintf(out, size, "%s%s%s", path, *path != '\0' ? "." : "", key);
    return out;
}

const char *json_path_index(char *out, size_t size, const char *path, size_t i)
{
    snprintf(out, size, "%s[%zu]", path, i);
    return out;
}

static const char *type_words(enum json_type t)
{
    switch (t) {
    case json_type_int:
        return "a whole number";
    case json_type_string:
        return "a string";
    case json_type_boolean:
        return "true or false";
    case json_type_array:
        return "an array";
    case json_type_object:
        return "an object";
    case json_type_double:
        return "a number";
    case json_type_null:
        return "null";
    }
    return "something else";
}

/*
 * Member key of o: 1 with *v of type, 0 if absent (or null) and not
 * required, -1 with the fault.  field receives the member's path.
 */
static int member(struct json_object *o, const char *path, const char *key, bool required,
                  enum json_type type, struct json_object **v, char *field, size_t size,
                  struct json_fault *f)
{
    json_path_key(field, size, path, key);
    if (!json_object_object_get_ex(o, key, v) || json_object_is_type(*v, json_type_null)) {
        *v = NULL;
        return required ? json_fault(f, "missing", field, "%s is required", field) : 0;
    }
    if (!json_object_is_type(*v, type))
        return json_fault(f, "wrong_type", field, "%s must be %s", field, type_words(type));
    return 1;
}

int json_read_object(struct json_object *o, const char *path, const char *const *allowed,
                     struct json_fault *f)
{
    char field[256];
    if (o == NULL || !json_object_is_type(o, json_type_object))
        return json_fault(f, "wrong_type", path, "%s must be an object",
                          *path ? path : "the document");
    const char *unknown = json_unknown_member(o, allowed);
    if (unknown != NULL)
        return json_fault(f, "unknown_member", json_path_key(field, sizeof(field), path, unknown),
                          "unknown member \"%.*s\"", (int)http_utf8_prefix(unknown, 40), unknown);
    return 1;
}

int json_read_int(struct json_object *o, const char *path, const char *key, bool required,
                  long long min, long long max, long long *out, struct json_fault *f)
{
    char field[256];
    struct json_object *v;
    int rc = member(o, path, key, required, json_type_int, &v, field, sizeof(field), f);
    if (rc <= 0)
        return rc;
    errno = 0;
    int64_t x = json_object_get_int64(v);
    if (errno != 0 || x < min || x > max)
        return json_fault(f, "out_of_range", field, "%s must be a whole number from %lld to %lld",
                          field, min, max);
    *out = (long long)x;
    return 1;
}

int json_read_string(struct json_object *o, const char *path, const char *key, bool required,
                     size_t max, const char **out, struct json_fault *f)
{
    char field[256];
    struct json_object *v;
    int rc = member(o, path, key, required, json_type_string, &v, field, sizeof(field), f);
    if (rc <= 0)
        return rc;
    const char *s = json_object_get_string(v);
    size_t len = (size_t)json_object_get_string_len(v);
    if (strlen(s) != len || !http_utf8_valid(s, len))
        return json_fault(f, "invalid", field, "%s must be text", field);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 && s[i] != '\n' && s[i] != '\t')
            return json_fault(f, "invalid", field, "%s contains control characters", field);
    if (http_utf8_length(s) > max)
        return json_fault(f, "too_long", field, "%s is longer than %zu characters", field, max);
    *out = s;
    return 1;
}

int json_read_digits(struct json_object *o, const char *path, const char *key, bool required,
                     size_t n, const char **out, struct json_fault *f)
{
    char field[256];
    struct json_object *v;
    int rc = member(o, path, key, required, json_type_string, &v, field, sizeof(field), f);
    if (rc <= 0)
        return rc;
    const char *s = json_object_get_string(v);
    if (strlen(s) != n || strspn(s, "0123456789") != n)
        return json_fault(f, "invalid", field, "%s must be %zu digits", field, n);
    *out = s;
    return 1;
}

int json_read_choice(struct json_object *o, const char *path, const char *key, bool required,
                     const char *const *choices, int *out, struct json_fault *f)
{
    char field[256], words[160];
    struct json_object *v;
    int rc = member(o, path, key, required, json_type_string, &v, field, sizeof(field), f);
    if (rc < 0 || (rc == 0 && !required))
        return rc;
    const char *s = json_object_get_string(v);
    size_t n = 0;
    for (int i = 0; choices[i] != NULL; i++) {
        if (strcmp(s, choices[i]) == 0) {
            *out = i;
            return 1;
        }
        int w = snprintf(words + n, sizeof(words) - n, "%s\"%s\"", i > 0 ? ", " : "", choices[i]);
        if (w > 0 && (size_t)w < sizeof(words) - n)
            n += (size_t)w;
    }
    return json_fault(f, "invalid", field, "%s must be one of %s", field, words);
}

int json_read_bool(struct json_object *o, const char *path, const char *key, bool required,
                   bool *out, struct json_fault *f)
{
    char field[256];
    struct json_object *v;
    int rc = member(o, path, key, required, json_type_boolean, &v, field, sizeof(field), f);
    if (rc <= 0)
        return rc;
    *out = json_object_get_boolean(v);
    return 1;
}

int json_read_array(struct json_object *o, const char *path, const char *key, bool required,
                    size_t min, size_t max, enum json_type type, struct json_object **arr,
                    size_t *n, struct json_fault *f)
{
    char field[256], item[288];
    int rc = member(o, path, key, required, json_type_array, arr, field, sizeof(field), f);
    *n = 0;
    if (rc <= 0)
        return rc;
    size_t len = json_object_array_length(*arr);
    if (len > max)
        return json_fault(f, "too_many", field, "%s has more than %zu entries", field, max);
    if (len < min)
        return json_fault(f, "too_few", field, "%s needs at least %zu entries", field, min);
    for (size_t i = 0; type != json_type_null && i < len; i++)
        if (!json_object_is_type(json_object_array_get_idx(*arr, i), type))
            return json_fault(f, "wrong_type", json_path_index(item, sizeof(item), field, i),
                              "%s must be %s", item, type_words(type));
    *n = len;
    return 1;
}

int json_read_ints(struct json_object *arr, const char *path, long long min, long long max,
                   int64_t *out, struct json_fault *f)
{
    char item[288];
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        struct json_object *v = json_object_array_get_idx(arr, i);
        errno = 0;
        int64_t x = json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : 0;
        if (!json_object_is_type(v, json_type_int) || errno != 0 || x < min || x > max)
            return json_fault(f, "out_of_range", json_path_index(item, sizeof(item), path, i),
                              "%s must be a whole number from %lld to %lld", item, min, max);
        out[i] = x;
    }
    return 1;
}
