/* Election funds: the law's limits and forbidden sources (finance.h). */
#include "finance.h"

#include <stdio.h>
#include <string.h>

/*
 * The rules with the articles they come from: the Constitutional Law "On
 * elections of the President and of deputies of the Jogorku Kenesh",
 * article 41 (election funds), as this system reads it; each limit's amount
 * is the election's (finance_limits).
 */
static const struct {
    const char *code, *article;
} rules[FIN_RULE__MAX] = {
    [FIN_RULE_AMOUNT] = {"amount", "art. 41: a fund's lines are sums of money"},
    [FIN_RULE_DATE] = {"date", "art. 41: a fund takes and spends money during the campaign"},
    [FIN_RULE_FORBIDDEN] = {"forbidden_source",
                            "art. 41: no donations from foreign states, citizens or entities, "
                            "international organisations, state or local bodies and enterprises, "
                            "religious or charitable organisations"},
    [FIN_RULE_DONOR] = {"anonymous_donor", "art. 41: anonymous donations are forbidden"},
    [FIN_RULE_CITIZEN_MAX] = {"citizen_max", "art. 41: the limit of one citizen's donations"},
    [FIN_RULE_LEGAL_ENTITY_MAX] = {"legal_entity_max",
                                   "art. 41: the limit of one legal entity's donations"},
    [FIN_RULE_FUND_MAX] = {"fund_max", "art. 41: the limit of a fund's income"},
    [FIN_RULE_OVERSPEND] = {"overspend", "art. 41: a fund spends only what it has"},
};

static const char *const source_names[SOURCE__MAX] = {
    [SOURCE_OWN] = "own",         [SOURCE_PARTY] = "party",
    [SOURCE_CITIZEN] = "citizen", [SOURCE_LEGAL_ENTITY] = "legal_entity",
    [SOURCE_FOREIGN] = "foreign", [SOURCE_INTERNATIONAL] = "international",
    [SOURCE_STATE] = "state",     [SOURCE_RELIGIOUS] = "religious",
    [SOURCE_CHARITY] = "charity", [SOURCE_ANONYMOUS] = "anonymous",
};

static const char *const item_names[ITEM__MAX] = {
    [ITEM_MEDIA] = "media", [ITEM_PRINT] = "print",         [ITEM_EVENTS] = "events",
    [ITEM_STAFF] = "staff", [ITEM_TRANSPORT] = "transport", [ITEM_OTHER] = "other",
};

const char *finance_rule_code(enum finance_rule r)
{
    return r < FIN_RULE__MAX ? rules[r].code : "unknown";
}

const char *finance_rule_article(enum finance_rule r)
{
    return r < FIN_RULE__MAX ? rules[r].article : "";
}

static int find(const char *const *names, int n, const char *name)
{
    for (int i = 0; name != NULL && i < n; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

int finance_source_parse(const char *name)
{
    return find(source_names, SOURCE__MAX, name);
}

const char *finance_source_name(enum finance_source s)
{
    return s < SOURCE__MAX ? source_names[s] : "unknown";
}

int finance_item_parse(const char *name)
{
    return find(item_names, ITEM__MAX, name);
}

const char *finance_item_name(enum finance_item i)
{
    return i < ITEM__MAX ? item_names[i] : "unknown";
}

/* Som with tyiyn for a message: "1 000 000.00". */
static void som(long long tyiyn, char *out, size_t size)
{
    char digits[32];
    snprintf(digits, sizeof(digits), "%lld", tyiyn / 100);
    size_t n = strlen(digits), k = 0;
    for (size_t i = 0; i < n && k + 2 < size; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            out[k++] = ' ';
        out[k++] = digits[i];
    }
    snprintf(out + k, size - k, ".%02lld", tyiyn % 100);
}

static size_t add(struct finance_violation *out, size_t max, size_t n, enum finance_rule r,
                  const char *message)
{
    if (n < max) {
        out[n].rule = r;
        snprintf(out[n].message, sizeof(out[n].message), "%s", message);
    }
    return n + 1;
}

static bool forbidden(int source)
{
    return source == SOURCE_FOREIGN || source == SOURCE_INTERNATIONAL || source == SOURCE_STATE ||
        source == SOURCE_RELIGIOUS || source == SOURCE_CHARITY;
}

size_t finance_check(const struct finance_line *l, const struct finance_state *s,
                     const struct finance_limits *lim, struct finance_violation *out, size_t max)
{
    size_t n = 0;
    char m[200], a[40], b[40];
    if (l->amount <= 0)
        n = add(out, max, n, FIN_RULE_AMOUNT, "the amount must be more than zero");
    if (!s->date_in_campaign)
        n = add(out, max, n, FIN_RULE_DATE,
                "the date is outside the campaign (from the nomination to the final report)");
    if (l->direction == FINANCE_EXPENSE) {
        if (l->amount > 0 && s->expenses + l->amount > s->income) {
            som(s->income - s->expenses, a, sizeof(a));
            snprintf(m, sizeof(m), "the fund has %s som left to spend", a);
            n = add(out, max, n, FIN_RULE_OVERSPEND, m);
        }
        return n;
    }
    if (forbidden(l->category)) {
        snprintf(m, sizeof(m), "a donation from a %s source is forbidden",
                 finance_source_name((enum finance_source)l->category));
        n = add(out, max, n, FIN_RULE_FORBIDDEN, m);
    }
    bool donor_source = l->category == SOURCE_CITIZEN || l->category == SOURCE_LEGAL_ENTITY;
    if (l->category == SOURCE_ANONYMOUS || (donor_source && !l->has_donor))
        n = add(out, max, n, FIN_RULE_DONOR, "a donation must name its donor");
    if (l->category == SOURCE_CITIZEN && s->donor_given + l->amount > lim->citizen_max) {
        som(lim->citizen_max, a, sizeof(a));
        som(s->donor_given, b, sizeof(b));
        snprintf(m, sizeof(m), "one citizen may give at most %s som (given before: %s)", a, b);
        n = add(out, max, n, FIN_RULE_CITIZEN_MAX, m);
    }
    if (l->category == SOURCE_LEGAL_ENTITY && s->donor_given + l->amount > lim->legal_entity_max) {
        som(lim->legal_entity_max, a, sizeof(a));
        som(s->donor_given, b, sizeof(b));
        snprintf(m, sizeof(m), "one legal entity may give at most %s som (given before: %s)", a, b);
        n = add(out, max, n, FIN_RULE_LEGAL_ENTITY_MAX, m);
    }
    if (s->income + l->amount > lim->fund_max) {
        som(lim->fund_max, a, sizeof(a));
        snprintf(m, sizeof(m), "the fund may take at most %s som in all", a);
        n = add(out, max, n, FIN_RULE_FUND_MAX, m);
    }
    return n;
}

void finance_apply(const struct finance_line *l, struct finance_state *s)
{
    if (l->direction == FINANCE_EXPENSE) {
        s->expenses += l->amount;
    } else {
        s->income += l->amount;
        if (l->has_donor)
            s->donor_given += l->amount;
    }
}

long long finance_amount_parse(const char *text)
{
    long long whole = 0;
    int decimals = -1;
    size_t n = 0;
    const char *p = text;
    if (p == NULL || *p == '\0')
        return -1;
    for (; *p != '\0'; p++) {
        if (*p == '.' && decimals < 0 && n > 0) {
            decimals = 0;
            continue;
        }
        if (*p < '0' || *p > '9' || decimals == 2 || ++n > 13)
            return -1;
        whole = whole * 10 + (*p - '0');
        if (decimals >= 0)
            decimals++;
    }
    if (decimals == 0)
        return -1; /* "12." */
    for (int d = decimals < 0 ? 0 : decimals; d < 2; d++)
        whole *= 10;
    return whole;
}
