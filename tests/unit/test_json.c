#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "core/json.h"
#include "core/pool.h"

static struct json_object *parse(const char *s)
{
    char err[128];
    return json_parse_strict(s, strlen(s), err, sizeof(err));
}

static void strict(void **state)
{
    (void)state;
    struct json_object *o = parse(" {\"a\": [1, 2, {\"b\": \"\\u0431\"}]}\n");
    assert_non_null(o);
    assert_true(json_object_is_type(o, json_type_object));
    json_object_put(o);

    assert_null(parse(""));
    assert_null(parse("{\"a\":1} x")); /* trailing garbage */
    assert_null(parse("{\"a\":1}{\"b\":2}"));
    assert_null(parse("{\"a\":1")); /* unterminated */
    assert_null(parse("{'a':1}"));
    assert_null(parse("{\"a\":1,}")); /* trailing comma */
    assert_null(parse("{\"a\":\"\xff\"}")); /* broken UTF-8 */
    assert_null(parse("[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]")); /* too deep */
    char err[128];
    assert_null(json_parse_strict("{\"a\":1}\0x", 9, err, sizeof(err))); /* NUL inside */
}

/* RFC 8259: no NaN or Infinity, no raw control characters in strings (json-c 0.16 takes both). */
static void rfc8259(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "NaN",
        "Infinity",
        "-Infinity",
        "[NaN]",
        "[1,NaN]",
        "{\"a\":Infinity}",
        "{\"a\":-Infinity}",
        "[ -Infinity ]",
        "{\"a\":[NaN]}",
        "[nan]",
        "[inf]",
        "[-inf]",
        "[1.]",
        "[-]",
        "[1.e5]",
        "\"a\tb\"",
        "{\"a\":\"x\ny\"}",
        "{\"a\":\"x\ry\"}",
        "[\"\x01\"]",
        "[\"\x1f\"]",
        "{\"k\x02\":1}",
        "[\"\\\"\x1f\"]",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        struct json_object *o = parse(bad[i]);
        if (o != NULL)
            fail_msg("accepted %s", bad[i]);
    }
    char err[128];
    assert_null(json_parse_strict("Infinity", 8, err, sizeof(err)));
    assert_non_null(strstr(err, "not valid JSON"));
    assert_null(json_parse_strict("\"a\x01\"", 4, err, sizeof(err)));
    assert_non_null(strstr(err, "control character"));

    /* What looks like them inside strings, or escaped, is fine; and whitespace between tokens. */
    static const char *const good[] = {
        "[\"NaN\", \"Infinity\", \"-Infinity\"]",
        "{\"NaN\":\"\\t\\n\\u0001\"}",
        "[true,false,null]",
        "\t[ 1.5e3 ,\r\n-0.25E-2, 0 ]\n",
        "{\"a\":\"\\\"\"}",
        "\"тест\u0431\"",
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
        struct json_object *o = parse(good[i]);
        if (o == NULL)
            fail_msg("refused %s", good[i]);
        json_object_put(o);
    }
}

static void unknown_members(void **state)
{
    (void)state;
    static const char *const allowed[] = {"a", "b", NULL};
    struct json_object *o = parse("{\"a\":1,\"b\":2}");
    assert_null(json_unknown_member(o, allowed));
    json_object_put(o);
    o = parse("{\"a\":1,\"c\":2}");
    assert_string_equal(json_unknown_member(o, allowed), "c");
    json_object_put(o);
}

static void quote(void **state)
{
    (void)state;
    struct pool *p = pool_create();
    assert_string_equal(json_quote(p, ""), "\"\"");
    assert_string_equal(json_quote(p, "А. Б."), "\"А. Б.\"");
    assert_string_equal(json_quote(p, "a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\u000a\\u0001\"");
    /* What it makes parses back to what it was given. */
    char err[64];
    const char *q = json_quote(p, "x\"\\\t\x1fy");
    struct json_object *o = json_parse_strict(q, strlen(q), err, sizeof(err));
    assert_non_null(o);
    assert_string_equal(json_object_get_string(o), "x\"\\\t\x1fy");
    json_object_put(o);
    pool_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(strict),
        cmocka_unit_test(rfc8259),
        cmocka_unit_test(unknown_members),
        cmocka_unit_test(quote),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
