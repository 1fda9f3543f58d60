#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "core/json.h"

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
    assert_null(parse("{\"a\":1} x"));            /* trailing garbage */
    assert_null(parse("{\"a\":1}{\"b\":2}"));
    assert_null(parse("{\"a\":1"));               /* unterminated */
    assert_null(parse("{'a':1}"));
    assert_null(parse("{\"a\":1,}"));              /* trailing comma */
    assert_null(parse("{\"a\":\"\xff\"}"));        /* broken UTF-8 */
    assert_null(parse("[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]"));  /* too deep */
    char err[128];
    assert_null(json_parse_strict("{\"a\":1}\0x", 9, err, sizeof(err)));   /* NUL inside */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(strict),
        cmocka_unit_test(unknown_members),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
