#ifndef SHAILOO_JSON_H
#define SHAILOO_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/*
 * The one reader of JSON bodies: every parse_...() function of every part
 * reads its document through these, so every refusal names the field by its
 * path ("contests[1].votes[3]") and says what it must be.  A JSON null is
 * the same as an absent member.  Each reader returns 1 when the member was
 * read, 0 when it is absent and not required (*out untouched), or -1 with
 * *f filled: the first fault wins.
 */
struct json_fault {
    const char *code; /* missing, wrong_type, out_of_range, too_many, unknown_member, invalid */
    char field[256]; /* the path of the member at fault ("" for the document) */
    char message[256];
};

/* Fills *f (the field cut at a whole character) and returns -1. */
__attribute__((format(printf, 4, 5))) int json_fault(struct json_fault *f, const char *code,
                                                     const char *field, const char *fmt, ...);

/* path.key (key alone at the top, path "") and path[i], into out; returns out. */
const char *json_path_key(char *out, size_t size, const char *path, const char *key);
const char *json_path_index(char *out, size_t size, const char *path, size_t i);

/* o itself (at path) is an object whose members are all in allowed (NULL-terminated). */
int json_read_object(struct json_object *o, const char *path, const char *const *allowed,
                     struct json_fault *f);
/* Member key of o as a whole number in [min, max]. */
int json_read_int(struct json_object *o, const char *path, const char *key, bool required,
                  long long min, long long max, long long *out, struct json_fault *f);
/* A string of at most max characters without control characters (borrowed from o). */
int json_read_string(struct json_object *o, const char *path, const char *key, bool required,
                     size_t max, const char **out, struct json_fault *f);
/* A string of exactly n ASCII digits (borrowed from o). */
int json_read_digits(struct json_object *o, const char *path, const char *key, bool required,
                     size_t n, const char **out, struct json_fault *f);
/* One of choices (NULL-terminated): *out its index. */
int json_read_choice(struct json_object *o, const char *path, const char *key, bool required,
                     const char *const *choices, int *out, struct json_fault *f);
int json_read_bool(struct json_object *o, const char *path, const char *key, bool required,
                   bool *out, struct json_fault *f);
/*
 * An array of min..max elements (borrowed from o), each of type (json_type_null:
 * any type).  *n its length.
 */
int json_read_array(struct json_object *o, const char *path, const char *key, bool required,
                    size_t min, size_t max, enum json_type type, struct json_object **arr,
                    size_t *n, struct json_fault *f);
/* Every element of arr (at path; an array of integers) within [min, max] into out. */
int json_read_ints(struct json_object *arr, const char *path, long long min, long long max,
                   int64_t *out, struct json_fault *f);

/* s as a quoted JSON string (escaped), allocated from pool. */
struct pool;
char *json_quote(struct pool *pool, const char *s);

#endif
