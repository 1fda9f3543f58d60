#ifndef SHAILOO_FINANCE_H
#define SHAILOO_FINANCE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Election funds (DOMAIN.md, "Candidates and parties"): a party's or a
 * candidate's fund takes income by source and spends by item; the law limits
 * what one donor may give, what a fund may hold, and forbids some sources.
 * One rule set, each rule with the article it comes from, the amounts per
 * election (struct finance_limits, from the database).  Pure code: the caller
 * gives the line and what the fund and the donor had before it.
 *
 * Amounts are in tyiyn (1/100 som), whole numbers.
 */

enum finance_direction { FINANCE_INCOME, FINANCE_EXPENSE };

/* Where income comes from: the four lawful sources, then the forbidden ones. */
enum finance_source {
    SOURCE_OWN, /* the candidate's or party's own money */
    SOURCE_PARTY, /* the nominating party (to a candidate's fund) */
    SOURCE_CITIZEN, /* a citizen of the Kyrgyz Republic */
    SOURCE_LEGAL_ENTITY, /* a Kyrgyz legal entity */
    SOURCE_FOREIGN, /* a foreign state, citizen or entity, a stateless person */
    SOURCE_INTERNATIONAL, /* an international organisation */
    SOURCE_STATE, /* a state or local body, a state or municipal enterprise */
    SOURCE_RELIGIOUS, /* a religious organisation */
    SOURCE_CHARITY, /* a charitable organisation */
    SOURCE_ANONYMOUS, /* a donor who does not say who they are */
    SOURCE__MAX
};

enum finance_item {
    ITEM_MEDIA,
    ITEM_PRINT,
    ITEM_EVENTS,
    ITEM_STAFF,
    ITEM_TRANSPORT,
    ITEM_OTHER,
    ITEM__MAX
};

/* The amounts of one election (tyiyn). */
struct finance_limits {
    long long citizen_max; /* all of one citizen's donations to one fund */
    long long legal_entity_max; /* all of one legal entity's donations to one fund */
    long long fund_max; /* all the income of one fund (a list's or a candidate's) */
};

struct finance_line {
    enum finance_direction direction;
    int category; /* enum finance_source or enum finance_item */
    long long amount; /* tyiyn, > 0 */
    bool has_donor; /* a donor named (income from a citizen or a legal entity) */
};

/* What the fund (and the donor) had before the line, and the line's own date checks. */
struct finance_state {
    long long income; /* the fund's income so far */
    long long expenses; /* its expenses so far */
    long long donor_given; /* this donor's donations to this fund so far */
    bool date_in_campaign; /* the line's date is within the campaign (caller's check) */
};

enum finance_rule {
    FIN_RULE_AMOUNT, /* not a positive amount */
    FIN_RULE_DATE, /* outside the campaign */
    FIN_RULE_FORBIDDEN, /* a forbidden source */
    FIN_RULE_DONOR, /* a citizen's or entity's donation without the donor */
    FIN_RULE_CITIZEN_MAX, /* one citizen gives more than the limit */
    FIN_RULE_LEGAL_ENTITY_MAX, /* one legal entity gives more than the limit */
    FIN_RULE_FUND_MAX, /* the fund would hold more than the limit */
    FIN_RULE_OVERSPEND, /* expenses beyond the income */
    FIN_RULE__MAX
};

struct finance_violation {
    enum finance_rule rule;
    char message[200];
};

/* The rule's snake_case code ("citizen_max") and the article it comes from. */
const char *finance_rule_code(enum finance_rule r);
const char *finance_rule_article(enum finance_rule r);

/* Names (as in the API and CSV) to enums, and back; -1 for an unknown name. */
int finance_source_parse(const char *name);
const char *finance_source_name(enum finance_source s);
int finance_item_parse(const char *name);
const char *finance_item_name(enum finance_item i);

/*
 * Every rule the line breaks, given the state before it: up to max into out;
 * the number of violations (0: lawful).  Then finance_apply to go on.
 */
size_t finance_check(const struct finance_line *l, const struct finance_state *s,
                     const struct finance_limits *lim, struct finance_violation *out, size_t max);
/* The state after a lawful line (donor_given grows by a donation). */
void finance_apply(const struct finance_line *l, struct finance_state *s);

/* "1234.56" (som, at most two decimals, no sign) into tyiyn; -1 if it is not one. */
long long finance_amount_parse(const char *text);

#endif
