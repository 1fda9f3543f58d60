/* The CSV reader (cgi/core/csv.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "core/csv.h"

static int next(struct csv_reader *r, char **f)
{
    static char buf[256];
    return csv_next(r, f, 8, buf, sizeof(buf));
}

static void records(void **state)
{
    (void)state;
    const char *text = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\n\"two\nlines\",2\nlast";
    struct csv_reader r;
    char *f[8];
    csv_init(&r, text, strlen(text));
    assert_int_equal(next(&r, f), 3);
    assert_string_equal(f[2], "c");
    assert_int_equal(r.line, 1);
    assert_int_equal(next(&r, f), 3);
    assert_string_equal(f[0], "x, y");
    assert_string_equal(f[1], "say \"hi\"");
    assert_string_equal(f[2], "");
    assert_int_equal(r.line, 2);
    assert_int_equal(next(&r, f), 2);
    assert_string_equal(f[0], "two\nlines");
    assert_int_equal(r.line, 3);
    assert_int_equal(next(&r, f), 1);
    assert_string_equal(f[0], "last");
    assert_int_equal(r.line, 5); /* the quoted line break counted */
    assert_int_equal(next(&r, f), 0);
}

static void malformed(void **state)
{
    (void)state;
    const char *bad[] = {"\"open", "\"a\"b,c", "a\"b"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct csv_reader r;
        char *f[8];
        csv_init(&r, bad[i], strlen(bad[i]));
        assert_int_equal(next(&r, f), -1);
    }
    char small[4], *f[2];
    struct csv_reader r;
    csv_init(&r, "abcdef", 6);
    assert_int_equal(csv_next(&r, f, 2, small, sizeof(small)), -1);
    csv_init(&r, "1,2,3", 5);
    char buf[16];
    assert_int_equal(csv_next(&r, f, 2, buf, sizeof(buf)), 3); /* counted, two kept */
    assert_string_equal(f[1], "2");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(records), cmocka_unit_test(malformed)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
