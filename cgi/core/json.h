#ifndef SHAILOO_JSON_H
#define SHAILOO_JSON_H

#include <stddef.h>

#include <json-c/json.h>

#define JSON_MAX_DEPTH 16

/*
 * Strict JSON (RFC 8259): the whole buffer is one JSON value (trailing
 * garbage, invalid UTF-8, NaN, Infinity and raw control characters in
 * strings refused), at most JSON_MAX_DEPTH deep.  Returns a new
 * object the caller json_object_put()s, or NULL with a message in err.
 */
struct json_object *json_parse_strict(const char *buf, size_t len, char *err, size_t errsize);

/*
 * Refuses members of obj not named in allowed (NULL-terminated): returns the
 * first unknown name, or NULL if every member is known.
 */
const char *json_unknown_member(struct json_object *obj, const char *const *allowed);

/* s as a quoted JSON string (escaped), allocated from pool. */
struct pool;
char *json_quote(struct pool *pool, const char *s);

#endif
