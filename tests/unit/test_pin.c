#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "rules/pin.h"

static void valid_form(void **state)
{
    (void)state;
    assert_true(pin_valid("21505199000011"));
    assert_true(pin_valid("00000000000000"));
    assert_false(pin_valid(NULL));
    assert_false(pin_valid(""));
    assert_false(pin_valid("2150519900001")); /* 13 */
    assert_false(pin_valid("215051990000111")); /* 15 */
    assert_false(pin_valid("2150519900001a"));
    assert_false(pin_valid(" 2150519900001"));
    assert_false(pin_valid("21505199000011 "));
    assert_false(pin_valid("2150519900001\xd9"));
}

static void decodes_sex_and_date(void **state)
{
    (void)state;
    struct pin_info info;
    assert_int_equal(pin_decode("21505199000011", &info), 0);
    assert_int_equal(info.sex, 'M');
    assert_int_equal(info.day, 15);
    assert_int_equal(info.month, 5);
    assert_int_equal(info.year, 1990);
    assert_int_equal(info.warnings, 0);
    assert_true(pin_agrees(&info, 'M', 1990, 5, 15));
    assert_false(pin_agrees(&info, 'F', 1990, 5, 15));
    assert_false(pin_agrees(&info, 'M', 1990, 5, 16));

    assert_int_equal(pin_decode("10803198500022", &info), 0);
    assert_int_equal(info.sex, 'F');
    assert_int_equal(info.year, 1985);
}

static void irregular_is_a_warning(void **state)
{
    (void)state;
    struct pin_info info;
    /* Sex digit 3: decoded, warned. */
    assert_int_equal(pin_decode("31505199000011", &info), 0);
    assert_int_equal(info.sex, 0);
    assert_int_equal(info.warnings, PIN_WARN_SEX);
    /* 31 February. */
    assert_int_equal(pin_decode("23102199000011", &info), 0);
    assert_int_equal(info.warnings, PIN_WARN_DATE);
    assert_int_equal(info.year, 0);
    /* 29 February: a leap year is fine, 1900 and 2001 are not. */
    assert_int_equal(pin_decode("12902200000011", &info), 0);
    assert_int_equal(info.warnings, 0);
    assert_int_equal(pin_decode("12902190000011", &info), 0);
    assert_int_equal(info.warnings, PIN_WARN_DATE);
    assert_int_equal(pin_decode("12902200100011", &info), 0);
    assert_int_equal(info.warnings, PIN_WARN_DATE);
    /* Month 13, day 0. */
    assert_int_equal(pin_decode("10113199000011", &info), 0);
    assert_int_equal(info.warnings, PIN_WARN_DATE);
    assert_int_equal(pin_decode("10001199000011", &info), 0);
    assert_int_equal(info.warnings, PIN_WARN_DATE);
    assert_false(pin_agrees(&info, 'F', 1990, 1, 0));
}

static void invalid_is_refused(void **state)
{
    (void)state;
    struct pin_info info;
    assert_int_equal(pin_decode("123", &info), -1);
    assert_int_equal(info.sex, 0);
    assert_int_equal(info.warnings, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_form),
        cmocka_unit_test(decodes_sex_and_date),
        cmocka_unit_test(irregular_is_a_warning),
        cmocka_unit_test(invalid_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
