/* Calendar days and moments (cgi/rules/calendar.c): worked values, checked with date(1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "rules/calendar.h"

static long long parsed(const char *s)
{
    long long t = -123456789;
    assert_int_equal(calendar_parse_moment(s, &t), 0);
    return t;
}

static void refused(const char *s)
{
    long long t = 42;
    assert_int_equal(calendar_parse_moment(s, &t), -1);
    assert_int_equal(t, 42); /* untouched */
}

static void days(void **state)
{
    (void)state;
    assert_int_equal(calendar_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(calendar_days_from_civil(1969, 12, 31), -1);
    /* date -u -d '2028-02-29' +%s = 1835395200 = 21243 days */
    assert_int_equal(calendar_days_from_civil(2028, 2, 29), 21243);
    assert_int_equal(calendar_days_from_civil(2028, 3, 1) - calendar_days_from_civil(2028, 2, 28),
                     2);
    assert_int_equal(calendar_days_from_civil(2027, 3, 1) - calendar_days_from_civil(2027, 2, 28),
                     1);
    assert_int_equal(calendar_days_from_civil(2000, 3, 1) - calendar_days_from_civil(2000, 2, 28),
                     2);
    assert_int_equal(calendar_days_from_civil(2100, 3, 1) - calendar_days_from_civil(2100, 2, 28),
                     1);
}

static void moments(void **state)
{
    (void)state;
    /* Bishkek time when no offset is given: 14:30 local is 08:30 UTC (date -u -d '2027-01-17 08:30' +%s). */
    assert_int_equal(parsed("2027-01-17T14:30"), 1800174600);
    assert_int_equal(parsed("2027-01-17 14:30"), 1800174600);
    assert_int_equal(parsed("2027-01-17T14:30:05"), 1800174605);
    assert_int_equal(parsed("2027-01-17T14:30:00Z"), 1800196200);
    assert_int_equal(parsed("2027-01-17T14:30+00:00"), 1800196200);
    assert_int_equal(parsed("2027-01-17T14:30+06:00"), 1800174600);
    assert_int_equal(parsed("2027-01-17T09:00-03:00"), 1800187200); /* 12:00 UTC */
    /* Local midnight of 1 January 2027 is 18:00 UTC on 31 December 2026. */
    assert_int_equal(parsed("2027-01-01T00:00"), 1798740000);
    assert_int_equal(parsed("1970-01-01T00:00"), -21600);
    assert_int_equal(parsed("2028-02-29T06:00"), 1835395200);
}

static void not_moments(void **state)
{
    (void)state;
    const char *bad[] = {"",
                         "yesterday",
                         "2027-01-17",
                         "2027-01-17T",
                         "2027-01-17T14",
                         "2027-1-17T14:30",
                         "2027-02-29T10:00",
                         "2027-13-01T10:00",
                         "2027-01-32T10:00",
                         "2027-01-17T24:00",
                         "2027-01-17T23:60",
                         "2027-01-17T10:00:60",
                         "2027-01-17T10:00 ",
                         "2027-01-17T10:00+6",
                         "2027-01-17T10:00+15:00",
                         "2027-01-17T10:00Zulu",
                         "1899-12-31T10:00",
                         "2200-01-01T00:00",
                         "２027-01-17T10:00",
                         "2027-01-17x10:00"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        refused(bad[i]);
    long long t;
    assert_int_equal(calendar_parse_moment(NULL, &t), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(days),
        cmocka_unit_test(moments),
        cmocka_unit_test(not_moments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
