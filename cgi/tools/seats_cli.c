/*
 * shailoo-seats: one contest's votes as JSON on stdin, its seat allocation
 * as JSON on stdout (the formats: tests/seats/README.md).
 *
 * Exit 0 with a result, whatever it says (seats allocated, the contest
 * failed, a lot still to be drawn); 2 with {"error":{...}} on stderr when
 * the input is not a valid contest; 1 when we ourselves fail (memory,
 * output).  The input becomes plain C structs in parse_...() functions and
 * the rules (cgi/rules/seats.c) decide; this file only translates.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/json.h"
#include "api/seats_json.h"

#define CLI_MAX_INPUT (4 * 1024 * 1024)

enum { EXIT_RESULT = 0, EXIT_OURS = 1, EXIT_BAD_INPUT = 2 };

#define bad seats_json_error

#define refuse seats_json_refuse

static void add(struct json_object *obj, const char *key, struct json_object *val)
{
    json_object_object_add(obj, key, val);
}

static bool scalar(struct json_object *v)
{
    return !json_object_is_type(v, json_type_array) && !json_object_is_type(v, json_type_object);
}

/* A scalar, an array of scalars, or a short object of those: fits on one line. */
static bool one_line(struct json_object *v, int flags)
{
    if (scalar(v))
        return true;
    if (json_object_is_type(v, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(v); i++)
            if (!scalar(json_object_array_get_idx(v, i)))
                return false;
        return true;
    }
    json_object_object_foreach(v, key, val)
    {
        (void)key;
        if (!scalar(val) && !(json_object_is_type(val, json_type_array) && one_line(val, flags)))
            return false;
    }
    return strlen(json_object_to_json_string_ext(v, flags)) <= 120;
}

/*
 * JSON for people and for diff: a member per line, except that what fits
 * on one line (a candidate, a lot, a list of ids) stays there.  Our keys
 * are plain ASCII; values are escaped by json-c.
 */
static void print_json(FILE *f, struct json_object *v, int indent)
{
    const int flags = JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE;
    if (one_line(v, flags)) {
        fputs(json_object_to_json_string_ext(v, flags), f);
        return;
    }
    bool array = json_object_is_type(v, json_type_array), first = true;
    fputs(array ? "[" : "{", f);
    if (array) {
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            fprintf(f, "%s\n%*s", i ? "," : "", indent + 2, "");
            print_json(f, json_object_array_get_idx(v, i), indent + 2);
        }
    } else {
        json_object_object_foreach(v, key, val)
        {
            fprintf(f, "%s\n%*s\"%s\": ", first ? "" : ",", indent + 2, "", key);
            print_json(f, val, indent + 2);
            first = false;
        }
    }
    fprintf(f, "\n%*s%s", indent, "", array ? "]" : "}");
}

/* ---- Main --------------------------------------------------------------- */

static void print_error(const struct bad *b)
{
    struct json_object *o = json_object_new_object(), *e = json_object_new_object();
    add(e, "code", json_object_new_string(b->code));
    add(e, "message", json_object_new_string(b->message));
    add(e, "field", b->field[0] ? json_object_new_string(b->field) : NULL);
    add(o, "error", e);
    fprintf(stderr, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    json_object_put(o);
}

/* All of stdin into a new buffer the caller frees; -1 with b set when too large or unreadable. */
static int read_all(char **out, size_t *len, struct bad *b)
{
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    if (buf == NULL)
        return refuse(b, "out_of_memory", "", "out of memory");
    for (;;) {
        size_t got = fread(buf + n, 1, cap - n, stdin);
        n += got;
        if (got == 0)
            break;
        if (n == cap) {
            if (cap >= CLI_MAX_INPUT) {
                free(buf);
                return refuse(b, "too_large", "", "the input is larger than %d bytes",
                              CLI_MAX_INPUT);
            }
            char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf);
                return refuse(b, "out_of_memory", "", "out of memory");
            }
            buf = bigger;
            cap *= 2;
        }
    }
    if (ferror(stdin)) {
        free(buf);
        return refuse(b, "unreadable", "", "stdin could not be read");
    }
    *out = buf;
    *len = n;
    return 0;
}

int main(int argc, char **argv)
{
    struct bad b = {NULL, "", "", false};
    struct json_object *root = NULL, *result = NULL;
    char *buf = NULL, err[160];
    size_t len = 0;
    int rc = EXIT_BAD_INPUT;

    if (argc > 1) {
        fprintf(stderr, "usage: %s < contest.json  (see tests/seats/README.md)\n", argv[0]);
        return EXIT_BAD_INPUT;
    }
    if (read_all(&buf, &len, &b) < 0)
        goto out;
    if ((root = json_parse_strict(buf, len, err, sizeof err)) == NULL) {
        refuse(&b, "bad_json", "", "%s", err);
        goto out;
    }
    if ((result = seats_json_allocate(root, &b)) == NULL) {
        if (b.ours)
            rc = EXIT_OURS;
        goto out;
    }
    print_json(stdout, result, 0);
    if (putchar('\n') == EOF || fflush(stdout) != 0 || ferror(stdout)) {
        rc = EXIT_OURS;
        refuse(&b, "output_failed", "", "stdout could not be written");
        goto out;
    }
    rc = EXIT_RESULT;

out:
    if (rc != EXIT_RESULT)
        print_error(&b);
    json_object_put(result);
    json_object_put(root);
    free(buf);
    return rc;
}
