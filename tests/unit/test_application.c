#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "rules/application.h"

static struct application_facts home(long days, long to)
{
    struct application_facts f = {APP_MOVE_HOME, true, days, true, false, to, 1001};
    return f;
}

static void deadlines(void **state)
{
    (void)state;
    struct application_facts f = home(15, 1002);
    assert_int_equal(application_check(&f), APP_ACCEPTED); /* the last day */
    f = home(14, 1002);
    assert_int_equal(application_check(&f), APP_DEADLINE_PASSED);
    f = home(70, 1002);
    assert_int_equal(application_check(&f), APP_ACCEPTED); /* the first day */
    f = home(71, 1002);
    assert_int_equal(application_check(&f), APP_NOT_YET_OPEN);
    f = home(-1, 1002);
    assert_int_equal(application_check(&f), APP_ELECTION_NOT_OPEN);
    f = home(30, 1002);
    f.election_accepting = false;
    assert_int_equal(application_check(&f), APP_ELECTION_NOT_OPEN);
}

static void stations(void **state)
{
    (void)state;
    struct application_facts f = home(30, 1001);
    assert_int_equal(application_check(&f), APP_SAME_STATION);
    f = home(30, 10001);
    f.station_abroad = true;
    assert_int_equal(application_check(&f), APP_WRONG_STATION_KIND);
    f.kind = APP_MOVE_ABROAD;
    assert_int_equal(application_check(&f), APP_ACCEPTED);
    f.station_abroad = false;
    assert_int_equal(application_check(&f), APP_WRONG_STATION_KIND);
    f = home(30, 0);
    f.has_station = false;
    assert_int_equal(application_check(&f), APP_STATION_REQUIRED);
    f.kind = APP_CORRECTION;
    assert_int_equal(application_check(&f), APP_ACCEPTED);
    f.has_station = true;
    assert_int_equal(application_check(&f), APP_STATION_NOT_ALLOWED);
}

static void names(void **state)
{
    (void)state;
    assert_int_equal(application_kind_parse("move_home"), APP_MOVE_HOME);
    assert_int_equal(application_kind_parse("move_abroad"), APP_MOVE_ABROAD);
    assert_int_equal(application_kind_parse("correction"), APP_CORRECTION);
    assert_int_equal(application_kind_parse("Move_home"), -1);
    assert_int_equal(application_kind_parse(NULL), -1);
    assert_string_equal(application_kind_name(APP_MOVE_ABROAD), "move_abroad");
    for (int r = 0; r < APP_REFUSAL__MAX; r++) {
        assert_non_null(application_refusal_code((enum application_refusal)r));
        assert_non_null(application_refusal_message((enum application_refusal)r));
    }
    assert_string_equal(application_refusal_code(APP_DEADLINE_PASSED), "deadline_passed");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deadlines),
        cmocka_unit_test(stations),
        cmocka_unit_test(names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
