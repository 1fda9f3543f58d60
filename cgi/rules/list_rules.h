#ifndef SHAILOO_LIST_RULES_H
#define SHAILOO_LIST_RULES_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A party list's rules (DOMAIN.md, "Candidates and parties"): at most 54
 * candidates; at most 70% of one sex and no more than three in a row of one
 * sex; at least 15% under 35 and at least 15% of other ethnicity; at least 2
 * persons with disabilities; every candidate 25 on election day with higher
 * education; a candidate in at most one district of the election.  Pure
 * code: the caller gives the list as it stands, the rules say every way it
 * breaks them, each with the positions involved.  A withdrawn candidate
 * keeps the number and counts for none of the rules (no longer on the ballot).
 */
#define LIST_MAX_CANDIDATES 54
#define LIST_MAX_SEX_PERCENT 70
#define LIST_MAX_SEX_RUN 3
#define LIST_MIN_YOUNG_PERCENT 15
#define LIST_YOUNG_BELOW_AGE 35
#define LIST_MIN_OTHER_ETHNICITY_PERCENT 15
#define LIST_MIN_DISABILITIES 2
#define LIST_MIN_AGE 25

struct list_date {
    int y, m, d;
};

struct list_candidate {
    int position; /* 1..54, the list's order */
    char sex; /* 'F' or 'M' */
    struct list_date birth;
    bool other_ethnicity;
    bool disability;
    bool higher_education;
    bool withdrawn;
    int district_nominations; /* single-member districts of the same election naming them */
};

enum list_rule {
    LIST_RULE_SIZE, /* empty, or more than 54 */
    LIST_RULE_ORDER, /* positions not 1..n, each once */
    LIST_RULE_SEX_SHARE, /* more than 70% of one sex */
    LIST_RULE_SEX_RUN, /* four or more in a row of one sex */
    LIST_RULE_YOUNG, /* fewer than 15% under 35 */
    LIST_RULE_ETHNICITY, /* fewer than 15% of other ethnicity */
    LIST_RULE_DISABILITY, /* fewer than 2 persons with disabilities */
    LIST_RULE_AGE, /* under 25 on election day */
    LIST_RULE_EDUCATION, /* no higher education */
    LIST_RULE_DISTRICTS, /* nominated in more than one district */
    LIST_RULE__MAX
};

#define LIST_MAX_POSITIONS LIST_MAX_CANDIDATES

/* One way the list breaks a rule: the rule, the positions involved, the words for a party's clerk. */
struct list_violation {
    enum list_rule rule;
    int positions[LIST_MAX_POSITIONS];
    size_t npositions;
    char message[256];
};

/* The rule's snake_case code ("sex_run"). */
const char *list_rule_code(enum list_rule r);

/* Whole years from birth to day (a birthday on day counts). */
int list_age_on(struct list_date birth, struct list_date day);

/*
 * Checks the n candidates (in any order; positions say the list's order)
 * against every rule for an election on election_day.  Writes at most max
 * violations to out and returns how many there are in all (0: the list keeps
 * every rule).  No I/O, no allocation.
 */
size_t list_rules_check(const struct list_candidate *c, size_t n, struct list_date election_day,
                        struct list_violation *out, size_t max);

#endif
