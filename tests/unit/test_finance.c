/* Election funds' rules (cgi/rules/finance.c), on worked examples. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "rules/finance.h"

#define SOM 100LL /* tyiyn */

static const struct finance_limits LIMITS = {
    .citizen_max = 1000000 * SOM,
    .legal_entity_max = 10000000 * SOM,
    .fund_max = 300000000 * SOM,
};

static struct finance_line donation(int source, long long som, bool donor)
{
    return (struct finance_line){FINANCE_INCOME, source, som * SOM, donor};
}

static void amounts(void **state)
{
    (void)state;
    assert_int_equal(finance_amount_parse("1000"), 100000);
    assert_int_equal(finance_amount_parse("1000.5"), 100050);
    assert_int_equal(finance_amount_parse("1000.05"), 100005);
    assert_int_equal(finance_amount_parse("0.01"), 1);
    assert_int_equal(finance_amount_parse("1000.001"), -1); /* tyiyn are the smallest */
    assert_int_equal(finance_amount_parse("12."), -1);
    assert_int_equal(finance_amount_parse(".5"), -1);
    assert_int_equal(finance_amount_parse("-5"), -1);
    assert_int_equal(finance_amount_parse("1 000"), -1);
    assert_int_equal(finance_amount_parse("1,5"), -1);
    assert_int_equal(finance_amount_parse(""), -1);
    assert_int_equal(finance_amount_parse("12345678901234"), -1); /* too many digits */
    assert_int_equal(finance_amount_parse("9999999999999"), 999999999999900LL);
}

static void names(void **state)
{
    (void)state;
    assert_int_equal(finance_source_parse("legal_entity"), SOURCE_LEGAL_ENTITY);
    assert_int_equal(finance_source_parse("Legal_entity"), -1);
    assert_int_equal(finance_item_parse("transport"), ITEM_TRANSPORT);
    assert_int_equal(finance_item_parse("food"), -1);
    assert_string_equal(finance_source_name(SOURCE_CHARITY), "charity");
    for (int r = 0; r < FIN_RULE__MAX; r++) {
        assert_true(strlen(finance_rule_code((enum finance_rule)r)) > 0);
        assert_non_null(strstr(finance_rule_article((enum finance_rule)r), "art. 41"));
    }
}

static void lawful(void **state)
{
    (void)state;
    struct finance_state s = {.date_in_campaign = true};
    struct finance_violation v[8];
    struct finance_line own = donation(SOURCE_OWN, 5000000, false);
    assert_int_equal(finance_check(&own, &s, &LIMITS, v, 8), 0);
    finance_apply(&own, &s);
    struct finance_line gift = donation(SOURCE_CITIZEN, 1000000, true); /* exactly the limit */
    assert_int_equal(finance_check(&gift, &s, &LIMITS, v, 8), 0);
    finance_apply(&gift, &s);
    assert_int_equal(s.income, 6000000 * SOM);
    assert_int_equal(s.donor_given, 1000000 * SOM);
    struct finance_line spend = {FINANCE_EXPENSE, ITEM_MEDIA, 6000000 * SOM, false}; /* all of it */
    assert_int_equal(finance_check(&spend, &s, &LIMITS, v, 8), 0);
}

static void limits(void **state)
{
    (void)state;
    struct finance_violation v[8];
    /* A citizen who gave 999,999.99 som may give one tyiyn more, not two. */
    struct finance_state s = {.donor_given = 1000000 * SOM - 1, .date_in_campaign = true};
    struct finance_line one = {FINANCE_INCOME, SOURCE_CITIZEN, 1, true};
    assert_int_equal(finance_check(&one, &s, &LIMITS, v, 8), 0);
    one.amount = 2;
    assert_int_equal(finance_check(&one, &s, &LIMITS, v, 8), 1);
    assert_int_equal(v[0].rule, FIN_RULE_CITIZEN_MAX);
    assert_non_null(strstr(v[0].message, "1 000 000.00 som"));
    /* A legal entity's limit, and the fund's. */
    s = (struct finance_state){.income = 299000000 * SOM, .date_in_campaign = true};
    struct finance_line big = donation(SOURCE_LEGAL_ENTITY, 10000001, true);
    assert_int_equal(finance_check(&big, &s, &LIMITS, v, 8), 2);
    assert_int_equal(v[0].rule, FIN_RULE_LEGAL_ENTITY_MAX);
    assert_int_equal(v[1].rule, FIN_RULE_FUND_MAX);
    assert_non_null(strstr(v[1].message, "300 000 000.00"));
}

static void forbidden_and_anonymous(void **state)
{
    (void)state;
    struct finance_state s = {.date_in_campaign = true};
    struct finance_violation v[8];
    int bad[] = {SOURCE_FOREIGN, SOURCE_INTERNATIONAL, SOURCE_STATE, SOURCE_RELIGIOUS,
                 SOURCE_CHARITY};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct finance_line l = donation(bad[i], 10, true);
        assert_int_equal(finance_check(&l, &s, &LIMITS, v, 8), 1);
        assert_int_equal(v[0].rule, FIN_RULE_FORBIDDEN);
    }
    struct finance_line anon = donation(SOURCE_ANONYMOUS, 10, false);
    assert_int_equal(finance_check(&anon, &s, &LIMITS, v, 8), 1);
    assert_int_equal(v[0].rule, FIN_RULE_DONOR);
    struct finance_line nameless = donation(SOURCE_CITIZEN, 10, false);
    assert_int_equal(finance_check(&nameless, &s, &LIMITS, v, 8), 1);
    assert_int_equal(v[0].rule, FIN_RULE_DONOR);
}

static void expenses_and_dates(void **state)
{
    (void)state;
    struct finance_state s = {.income = 100 * SOM, .expenses = 60 * SOM, .date_in_campaign = false};
    struct finance_violation v[8];
    struct finance_line spend = {FINANCE_EXPENSE, ITEM_PRINT, 41 * SOM, false};
    assert_int_equal(finance_check(&spend, &s, &LIMITS, v, 8), 2);
    assert_int_equal(v[0].rule, FIN_RULE_DATE);
    assert_int_equal(v[1].rule, FIN_RULE_OVERSPEND);
    assert_non_null(strstr(v[1].message, "40.00 som left"));
    struct finance_line zero = {FINANCE_EXPENSE, ITEM_PRINT, 0, false};
    s.date_in_campaign = true;
    assert_int_equal(finance_check(&zero, &s, &LIMITS, v, 1), 1);
    assert_int_equal(v[0].rule, FIN_RULE_AMOUNT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(amounts),
        cmocka_unit_test(names),
        cmocka_unit_test(lawful),
        cmocka_unit_test(limits),
        cmocka_unit_test(forbidden_and_anonymous),
        cmocka_unit_test(expenses_and_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
