/*
 * Complaints' routing and clock (cgi/rules/complaints.c), on worked dates.
 * Every epoch value was computed with date(1), e.g. `date -u -d '2027-01-13
 * 17:59:59' +%s`; local time is UTC+6, so 23:59:59 local is 17:59:59 UTC.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "rules/complaints.h"

static const struct complaints_day VOTING = {2027, 1, 17};
static const struct complaints_day FAR = {2027, 6, 1}; /* a voting day far from the dates below */

static void ordinary_days(void **state)
{
    (void)state;
    /* 2027-01-10 10:00 local (04:00 UTC): by the end of the 13th, local. */
    assert_int_equal(complaints_review_due(1799553600, VOTING), 1799863199);
    /* Across a month end: the 30th of January, by the 2nd of February. */
    assert_int_equal(complaints_review_due(1801281600, FAR), 1801591199);
    /* February of a common year (28 days): the 27th, by the 2nd of March... */
    assert_int_equal(complaints_review_due(1803700800, FAR), 1804010399);
    /* ...and of a leap year (29 days): the 27th, by the 1st of March. */
    assert_int_equal(complaints_review_due(1835236800, FAR), 1835546399);
    /* Across the year end: the 30th of December 2026, by the 2nd of January 2027. */
    assert_int_equal(complaints_review_due(1798603200, FAR), 1798912799);
}

static void local_days_count(void **state)
{
    (void)state;
    /* 2027-01-10 00:10 local is 2027-01-09 18:10 UTC: the 10th counts, by the end of the 13th. */
    assert_int_equal(complaints_review_due(1799518200, FAR), 1799863199);
    struct complaints_day d = complaints_local_day(1799518200);
    assert_int_equal(d.y, 2027);
    assert_int_equal(d.m, 1);
    assert_int_equal(d.d, 10);
    /* 2027-01-10 23:30 local (17:30 UTC): still the 10th. */
    assert_int_equal(complaints_review_due(1799602200, FAR), 1799863199);
    /* 2027-01-09 23:59:59 local is the 9th: by the end of the 12th. */
    assert_int_equal(complaints_review_due(1799518200 - 601, FAR), 1799776799);
    d = complaints_local_day(-1); /* 1970-01-01 05:59:59 local */
    assert_int_equal(d.y, 1970);
    assert_int_equal(d.d, 1);
    d = complaints_local_day(-21601); /* 1969-12-31 23:59:59 local */
    assert_int_equal(d.y, 1969);
    assert_int_equal(d.m, 12);
    assert_int_equal(d.d, 31);
}

static void voting_day_and_eve(void **state)
{
    (void)state;
    /* The eve, 2027-01-16 15:00 local: at once, within 24 hours (the 17th, 15:00 local). */
    assert_true(complaints_at_once(1800090000, VOTING));
    assert_int_equal(complaints_review_due(1800090000, VOTING), 1800090000 + 86400);
    assert_int_equal(1800090000 + 86400, 1800176400);
    /* Voting day itself, 10:00 local. */
    assert_true(complaints_at_once(1800158400, VOTING));
    assert_int_equal(complaints_review_due(1800158400, VOTING), 1800244800);
    /* The day after voting day is ordinary again: the 18th, by the end of the 21st. */
    assert_false(complaints_at_once(1800244800, VOTING));
    assert_int_equal(complaints_review_due(1800244800, VOTING), 1800554399);
    /* Two days before the eve (the 14th) is ordinary, though its 3 days run past voting day. */
    assert_false(complaints_at_once(1799899200, VOTING));
    assert_int_equal(complaints_review_due(1799899200, VOTING), 1800208799);
    /* The eve across a month end: voting on 1 March 2027, the eve is 28 February. */
    struct complaints_day march = {2027, 3, 1};
    assert_true(complaints_at_once(1803787200, march));
    assert_true(complaints_at_once(1803873600, march));
    assert_false(complaints_at_once(1803700800, march)); /* the 27th */
    /* ...in a leap year the eve is 29 February; the 28th is not. */
    struct complaints_day march28 = {2028, 3, 1};
    assert_true(complaints_at_once(1835395200 + 3600, march28)); /* 2028-02-29 07:00 local */
    assert_false(complaints_at_once(1835236800 + 86400, march28)); /* 2028-02-28 10:00 local */
    /* ...and across a year end: voting on 1 January 2027, the eve is 31 December 2026. */
    struct complaints_day newyear = {2027, 1, 1};
    assert_true(complaints_at_once(1798603200 + 86400, newyear)); /* 2026-12-31 10:00 local */
    assert_false(complaints_at_once(1798603200, newyear)); /* the 30th */
}

static void appeals(void **state)
{
    (void)state;
    /* Decided 2027-01-30 10:00 local: appeal by the end of 2 February. */
    assert_int_equal(complaints_appeal_due(1801281600), 1801591199);
    /* Decided 2028-02-27: by the end of 1 March (a leap year). */
    assert_int_equal(complaints_appeal_due(1835236800), 1835546399);
    /* Decided at 23:30 local on the 10th: the 10th counts. */
    assert_int_equal(complaints_appeal_due(1799602200), 1799863199);
    assert_int_equal(complaints_appeal_level(LEVEL_STATION), LEVEL_TERRITORIAL);
    assert_int_equal(complaints_appeal_level(LEVEL_TERRITORIAL), LEVEL_CENTRAL);
    assert_int_equal(complaints_appeal_level(LEVEL_DISTRICT), LEVEL_CENTRAL);
    assert_int_equal(complaints_appeal_level(LEVEL_CENTRAL), LEVEL_COURT);
    assert_int_equal(complaints_appeal_level(LEVEL_COURT), LEVEL_COURT);
}

static void routing(void **state)
{
    (void)state;
    /* subject, district contest, at a station -> level */
    static const struct {
        enum complaints_subject s;
        bool district, station;
        enum complaints_level want;
    } cases[] = {
        {SUBJECT_STATION, false, true, LEVEL_TERRITORIAL},
        {SUBJECT_STATION, true, true, LEVEL_DISTRICT},
        {SUBJECT_TERRITORIAL, false, false, LEVEL_CENTRAL},
        {SUBJECT_TERRITORIAL, true, true, LEVEL_CENTRAL},
        {SUBJECT_DISTRICT, true, false, LEVEL_CENTRAL},
        {SUBJECT_CENTRAL, false, false, LEVEL_COURT},
        {SUBJECT_CENTRAL, true, true, LEVEL_COURT},
        {SUBJECT_CANDIDATE, true, false, LEVEL_DISTRICT},
        {SUBJECT_CANDIDATE, false, false, LEVEL_CENTRAL},
        {SUBJECT_CANDIDATE, false, true, LEVEL_CENTRAL},
        {SUBJECT_PARTY, true, true, LEVEL_CENTRAL},
        {SUBJECT_PARTY, false, false, LEVEL_CENTRAL},
        {SUBJECT_OFFICIAL, false, true, LEVEL_TERRITORIAL},
        {SUBJECT_OFFICIAL, true, false, LEVEL_DISTRICT},
        {SUBJECT_OFFICIAL, false, false, LEVEL_CENTRAL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_int_equal(complaints_route(cases[i].s, cases[i].district, cases[i].station),
                         cases[i].want);
    assert_int_equal(complaints_route((enum complaints_subject)99, false, false), LEVEL_CENTRAL);
}

static void names(void **state)
{
    (void)state;
    static const char *const subjects[] = {"station",   "territorial", "district", "central",
                                           "candidate", "party",       "official"};
    for (int i = 0; i < SUBJECT__MAX; i++) {
        assert_string_equal(complaints_subject_name((enum complaints_subject)i), subjects[i]);
        assert_int_equal(complaints_subject_parse(subjects[i]), i);
    }
    assert_int_equal(complaints_subject_parse("weather"), -1);
    assert_int_equal(complaints_subject_parse("Station"), -1);
    assert_int_equal(complaints_subject_parse(""), -1);
    assert_int_equal(complaints_subject_parse(NULL), -1);
    assert_null(complaints_subject_name(SUBJECT__MAX));
    assert_string_equal(complaints_level_name(LEVEL_STATION), "station");
    assert_string_equal(complaints_level_name(LEVEL_COURT), "court");
    assert_null(complaints_level_name(LEVEL__MAX));
}

static void formatting(void **state)
{
    (void)state;
    char buf[40];
    assert_string_equal(complaints_format(1799863199, buf, sizeof(buf)),
                        "2027-01-13T23:59:59+06:00");
    assert_string_equal(complaints_format(1799518200, buf, sizeof(buf)),
                        "2027-01-10T00:10:00+06:00");
    assert_string_equal(complaints_format(0, buf, sizeof(buf)), "1970-01-01T06:00:00+06:00");
    assert_string_equal(complaints_format(-21601, buf, sizeof(buf)), "1969-12-31T23:59:59+06:00");
    assert_string_equal(complaints_format(1835395200, buf, sizeof(buf)),
                        "2028-02-29T06:00:00+06:00");
    char small[11];
    assert_string_equal(complaints_format(1799863199, small, sizeof(small)), "2027-01-13");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ordinary_days),
        cmocka_unit_test(local_days_count),
        cmocka_unit_test(voting_day_and_eve),
        cmocka_unit_test(appeals),
        cmocka_unit_test(routing),
        cmocka_unit_test(names),
        cmocka_unit_test(formatting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
