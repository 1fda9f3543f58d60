/* The party list's rules (cgi/rules/list_rules.c), on worked examples. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "rules/list_rules.h"

static const struct list_date DAY = {2027, 1, 24}; /* election day */

/* A list of n that keeps every rule: M F M F ..., every fifth under 35, of other
 * ethnicity every fifth, two with disabilities, all 40 and educated. */
static void good_list(struct list_candidate *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        c[i] = (struct list_candidate){
            .position = (int)i + 1,
            .sex = i % 2 == 0 ? 'M' : 'F',
            .birth = {1986, 6, 1},
            .other_ethnicity = i % 5 == 1,
            .disability = i == 2 || i == 3,
            .higher_education = true,
            .district_nominations = i == 0 ? 1 : 0,
        };
        if (i % 5 == 4)
            c[i].birth = (struct list_date){1995, 3, 3}; /* 31 on election day */
    }
}

static size_t check(const struct list_candidate *c, size_t n, struct list_violation *v)
{
    return list_rules_check(c, n, DAY, v, 16);
}

/* The only violation is rule, naming exactly positions (npos of them, -1 ends). */
static void only(const struct list_candidate *c, size_t n, enum list_rule rule,
                 const int *positions)
{
    struct list_violation v[16];
    size_t k = check(c, n, v);
    if (k != 1)
        fail_msg("%zu violations, the first %s: %s", k, k ? list_rule_code(v[0].rule) : "-",
                 k ? v[0].message : "");
    assert_int_equal(v[0].rule, rule);
    size_t np = 0;
    while (positions != NULL && positions[np] > 0)
        np++;
    assert_int_equal(v[0].npositions, np);
    for (size_t i = 0; i < np; i++)
        assert_int_equal(v[0].positions[i], positions[i]);
    assert_true(strlen(v[0].message) > 10);
}

static void ages(void **state)
{
    (void)state;
    assert_int_equal(list_age_on((struct list_date){2002, 1, 24}, DAY),
                     25); /* the birthday itself */
    assert_int_equal(list_age_on((struct list_date){2002, 1, 25}, DAY), 24);
    assert_int_equal(list_age_on((struct list_date){2000, 2, 29}, (struct list_date){2025, 2, 28}),
                     24);
    assert_int_equal(list_age_on((struct list_date){2000, 2, 29}, (struct list_date){2025, 3, 1}),
                     25);
}

static void a_good_list(void **state)
{
    (void)state;
    struct list_candidate c[54];
    struct list_violation v[16];
    for (size_t n = 10; n <= 54; n += 11) {
        good_list(c, n);
        assert_int_equal(check(c, n, v), 0);
    }
    good_list(c, 54);
    assert_int_equal(check(c, 54, v), 0);
}

static void size_and_order(void **state)
{
    (void)state;
    struct list_candidate c[60];
    struct list_violation v[16];
    good_list(c, 55);
    assert_int_equal(check(c, 55, v), 1);
    assert_int_equal(v[0].rule, LIST_RULE_SIZE);
    assert_int_equal(check(c, 0, v), 1);
    good_list(c, 10);
    c[3].position = 3; /* 3 twice, 4 missing */
    only(c, 10, LIST_RULE_ORDER, (const int[]){3, -1});
    good_list(c, 10);
    c[9].position = 11;
    only(c, 10, LIST_RULE_ORDER, (const int[]){11, -1});
}

static void sexes(void **state)
{
    (void)state;
    struct list_candidate c[20];
    good_list(c, 10);
    /* 4 men in a row: numbers 3..6 (3 and 5 men already; 4 and 6 become men). */
    c[3].sex = 'M';
    c[5].sex = 'M';
    only(c, 10, LIST_RULE_SEX_RUN, (const int[]){3, 4, 5, 6, 7, -1});
    /* Three in a row is allowed. */
    good_list(c, 10);
    c[3].sex = 'M';
    struct list_violation v[16];
    assert_int_equal(check(c, 10, v), 0);
    /* A withdrawn woman between them does not break a run: she is not on the ballot. */
    good_list(c, 10);
    c[3].withdrawn = true; /* position 4 (a woman) withdrawn: 3 M, 5 M ... */
    c[5].sex = 'M'; /* 3, 5, 6, 7 men in a row on the ballot */
    c[3].disability = false;
    c[7].disability = true;
    only(c, 10, LIST_RULE_SEX_RUN, (const int[]){3, 5, 6, 7, -1});
    /* 8 of 10 women: over 70%. */
    good_list(c, 10);
    for (int i = 0; i < 8; i++)
        c[i].sex = i % 4 == 3 ? 'M' : 'F';
    c[8].sex = 'F';
    c[9].sex = 'F'; /* F F F M F F F M F F: 8 women, no run over 3 */
    struct list_violation w[16];
    size_t k = check(c, 10, w);
    assert_true(k >= 1);
    assert_int_equal(w[0].rule, LIST_RULE_SEX_SHARE);
    assert_int_equal(w[0].npositions, 8);
    /* Exactly 70% is allowed: 7 of 10. */
    good_list(c, 10);
    const char sexes7[] = "FFMFFMFFMF";
    for (int i = 0; i < 10; i++)
        c[i].sex = sexes7[i];
    assert_int_equal(check(c, 10, w), 0);
}

static void quotas(void **state)
{
    (void)state;
    struct list_candidate c[54];
    good_list(c, 20); /* 4 under 35 of 20: 20% */
    c[4].birth = c[9].birth = (struct list_date){1980, 1, 1}; /* 2 of 20 left: 10% < 15% */
    only(c, 20, LIST_RULE_YOUNG, NULL);
    good_list(c, 20); /* 4 of other ethnicity of 20 */
    c[1].other_ethnicity = c[6].other_ethnicity = false; /* 2: 10% */
    only(c, 20, LIST_RULE_ETHNICITY, NULL);
    good_list(c, 20);
    c[2].disability = false; /* 1 left */
    only(c, 20, LIST_RULE_DISABILITY, NULL);
    /* 15% rounds up: 3 of 20 suffice, of 21 it takes 4. */
    good_list(c, 21);
    c[4].birth = (struct list_date){1980, 1, 1}; /* under 35: positions 10, 15, 20 left = 3 of 21 */
    struct list_violation v[16];
    assert_int_equal(check(c, 21, v), 1);
    assert_int_equal(v[0].rule, LIST_RULE_YOUNG);
    assert_non_null(strstr(v[0].message, "at least 4"));
}

static void each_candidate(void **state)
{
    (void)state;
    struct list_candidate c[10];
    good_list(c, 10);
    c[6].birth = (struct list_date){2002, 1, 25}; /* 24 on election day */
    c[6].other_ethnicity = false;
    c[1].other_ethnicity = c[2].other_ethnicity = true;
    only(c, 10, LIST_RULE_AGE, (const int[]){7, -1});
    good_list(c, 10);
    c[2].higher_education = c[8].higher_education = false;
    only(c, 10, LIST_RULE_EDUCATION, (const int[]){3, 9, -1});
    good_list(c, 10);
    c[5].district_nominations = 2;
    only(c, 10, LIST_RULE_DISTRICTS, (const int[]){6, -1});
    /* A withdrawn candidate counts for none of them. */
    good_list(c, 10);
    c[5].district_nominations = 2;
    c[5].higher_education = false;
    c[5].withdrawn = true;
    c[5].sex = 'M'; /* 5, 6?, 7: but 6 is not on the ballot */
    struct list_violation v[16];
    assert_int_equal(check(c, 10, v), 0);
}

static void every_violation_counted(void **state)
{
    (void)state;
    struct list_candidate c[30];
    good_list(c, 30);
    for (int i = 0; i < 30; i++) {
        c[i].sex = 'F';
        c[i].higher_education = false;
        c[i].disability = false;
        c[i].other_ethnicity = false;
        c[i].birth = (struct list_date){1950, 1, 1};
    }
    struct list_violation v[2];
    size_t k = list_rules_check(c, 30, DAY, v, 2); /* room for 2, there are more */
    assert_int_equal(k, 6); /* share, run, young, ethnicity, disability, education */
    assert_int_equal(v[0].rule, LIST_RULE_SEX_SHARE);
    assert_int_equal(v[1].rule, LIST_RULE_SEX_RUN);
    assert_string_equal(list_rule_code(LIST_RULE_SEX_RUN), "sex_run");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ages),
        cmocka_unit_test(a_good_list),
        cmocka_unit_test(size_and_order),
        cmocka_unit_test(sexes),
        cmocka_unit_test(quotas),
        cmocka_unit_test(each_candidate),
        cmocka_unit_test(every_violation_counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
