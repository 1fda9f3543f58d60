#include "json.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "http.h"
#include "pool.h"

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

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
    json_object_object_foreach(obj, key, val) {
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
