/* The file names of published answers (core/publish.c); nginx's map must agree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/publish.h"

static void names(void **state)
{
    (void)state;
    char out[PUBLISH_MAX_URI + 8];
    assert_int_equal(
        publish_file_name("/api/v1/results/elections/202701/summary", out, sizeof(out)), 0);
    assert_string_equal(out, "api/v1/results/elections/202701/summary@");
    /* A file and a folder of the same name can both exist. */
    assert_int_equal(
        publish_file_name("/api/v1/results/elections/202701/regions", out, sizeof(out)), 0);
    assert_string_equal(out, "api/v1/results/elections/202701/regions@");
    assert_int_equal(
        publish_file_name("/api/v1/results/elections/202701/regions/4", out, sizeof(out)), 0);
    assert_string_equal(out, "api/v1/results/elections/202701/regions/4@");
    assert_int_equal(
        publish_file_name("/api/v1/results/elections/1/export/list.csv", out, sizeof(out)), 0);
    assert_string_equal(out, "api/v1/results/elections/1/export/list.csv@");
    /* The query is part of the name. */
    assert_int_equal(publish_file_name("/api/v1/tizme/stats?region=4", out, sizeof(out)), 0);
    assert_string_equal(out, "api/v1/tizme/stats@region=4");
    assert_int_equal(
        publish_file_name("/api/v1/tizme/stats/dynamics?region=0&x=1", out, sizeof(out)), 0);
    assert_string_equal(out, "api/v1/tizme/stats/dynamics@region=0&x=1");
}

static void refused(void **state)
{
    (void)state;
    char out[PUBLISH_MAX_URI + 8];
    const char *bad[] = {
        "",
        "api/v1/x",
        "/api/../etc/passwd",
        "/api/v1/..",
        "/api//v1",
        "/api/v1/x y",
        "/api/v1/%2e%2e",
        "/api/v1/x?a=/b",
        "/api/v1/x?a?b",
        "/api/v1/\xd0\x96",
        "/api/v1/x\n",
        "/api/v1/x;rm",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(publish_file_name(bad[i], out, sizeof(out)), -1);
    /* Too long for the buffer. */
    char small[8];
    assert_int_equal(publish_file_name("/api/v1/results", small, sizeof(small)), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names),
        cmocka_unit_test(refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
