/* A party list's rules (list_rules.h): pure, no I/O, no allocation. */
#include "list_rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const codes[LIST_RULE__MAX] = {
    [LIST_RULE_SIZE] = "list_size",
    [LIST_RULE_ORDER] = "list_order",
    [LIST_RULE_SEX_SHARE] = "sex_share",
    [LIST_RULE_SEX_RUN] = "sex_run",
    [LIST_RULE_YOUNG] = "young_share",
    [LIST_RULE_ETHNICITY] = "ethnicity_share",
    [LIST_RULE_DISABILITY] = "disability_count",
    [LIST_RULE_AGE] = "candidate_age",
    [LIST_RULE_EDUCATION] = "higher_education",
    [LIST_RULE_DISTRICTS] = "one_district",
};

const char *list_rule_code(enum list_rule r)
{
    return r < LIST_RULE__MAX ? codes[r] : "unknown";
}

int list_age_on(struct list_date birth, struct list_date day)
{
    int age = day.y - birth.y;
    if (day.m < birth.m || (day.m == birth.m && day.d < birth.d))
        age--;
    return age;
}

/* The violations found so far: written while there is room, counted always. */
struct found {
    struct list_violation *out;
    size_t max, n;
};

__attribute__((format(printf, 5, 6))) static struct list_violation *add(struct found *f,
                                                                        enum list_rule rule,
                                                                        const int *positions,
                                                                        size_t npositions,
                                                                        const char *fmt, ...)
{
    struct list_violation *v = f->n < f->max ? &f->out[f->n] : NULL;
    f->n++;
    if (v == NULL)
        return NULL;
    v->rule = rule;
    v->npositions = npositions < LIST_MAX_POSITIONS ? npositions : LIST_MAX_POSITIONS;
    if (v->npositions > 0)
        memcpy(v->positions, positions, v->npositions * sizeof(*positions));
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->message, sizeof(v->message), fmt, ap);
    va_end(ap);
    return v;
}

/* Positions 1..n, each once: the list in order into by_pos (index position - 1). */
static bool in_order(const struct list_candidate *c, size_t n, const struct list_candidate **by_pos,
                     struct found *f)
{
    int bad[LIST_MAX_POSITIONS];
    size_t nbad = 0;
    memset(by_pos, 0, n * sizeof(*by_pos));
    for (size_t i = 0; i < n; i++) {
        int p = c[i].position;
        if (p < 1 || (size_t)p > n || by_pos[p - 1] != NULL) {
            if (nbad < LIST_MAX_POSITIONS)
                bad[nbad++] = p;
            continue;
        }
        by_pos[p - 1] = &c[i];
    }
    if (nbad > 0)
        add(f, LIST_RULE_ORDER, bad, nbad,
            "the list's numbers must run from 1 to %zu, each once: these are out of place or repeated",
            n);
    return nbad == 0;
}

/* At most 70% of one sex, among the candidates on the ballot (m of them). */
static void sex_share(const struct list_candidate *const *by_pos, size_t n, size_t m,
                      struct found *f)
{
    for (int s = 0; s < 2; s++) {
        char sex = s == 0 ? 'F' : 'M';
        int pos[LIST_MAX_POSITIONS];
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (!by_pos[i]->withdrawn && by_pos[i]->sex == sex)
                pos[k++] = by_pos[i]->position;
        if (100 * k > (size_t)LIST_MAX_SEX_PERCENT * m)
            add(f, LIST_RULE_SEX_SHARE, pos, k,
                "%zu of the %zu candidates are %s: at most %d%% of a list may be of one sex", k, m,
                sex == 'F' ? "women" : "men", LIST_MAX_SEX_PERCENT);
    }
}

/* No more than three in a row of one sex (withdrawn candidates are skipped: not on the ballot). */
static void sex_runs(const struct list_candidate *const *by_pos, size_t n, struct found *f)
{
    int run[LIST_MAX_POSITIONS];
    size_t len = 0;
    char sex = 0;
    for (size_t i = 0; i <= n; i++) {
        const struct list_candidate *c = i < n ? by_pos[i] : NULL;
        if (c != NULL && c->withdrawn)
            continue;
        if (c != NULL && c->sex == sex) {
            run[len++] = c->position;
            continue;
        }
        if (len > LIST_MAX_SEX_RUN)
            add(f, LIST_RULE_SEX_RUN, run, len,
                "numbers %d to %d are %zu %s in a row: no more than %d of one sex may follow each other",
                run[0], run[len - 1], len, sex == 'F' ? "women" : "men", LIST_MAX_SEX_RUN);
        len = 0;
        if (c != NULL) {
            sex = c->sex;
            run[len++] = c->position;
        }
    }
}

/* At least percent% of the m on the ballot (or at least min) have the quality. */
static void at_least(struct found *f, enum list_rule rule, size_t have, size_t m, int percent,
                     int min, const char *who)
{
    size_t need = percent > 0 ? ((size_t)percent * m + 99) / 100 : (size_t)min;
    if (have < need)
        add(f, rule, NULL, 0, "the list has %zu %s; it needs at least %zu (%s%d%s)", have, who,
            need, percent > 0 ? "" : "", percent > 0 ? percent : min,
            percent > 0 ? "% of the list" : " in all");
}

/* Each candidate: 25 on election day, higher education, at most one district. */
static void each_candidate(const struct list_candidate *const *by_pos, size_t n,
                           struct list_date day, struct found *f)
{
    int young[LIST_MAX_POSITIONS], uneducated[LIST_MAX_POSITIONS], districts[LIST_MAX_POSITIONS];
    size_t ny = 0, nu = 0, nd = 0;
    for (size_t i = 0; i < n; i++) {
        const struct list_candidate *c = by_pos[i];
        if (c->withdrawn)
            continue;
        if (list_age_on(c->birth, day) < LIST_MIN_AGE)
            young[ny++] = c->position;
        if (!c->higher_education)
            uneducated[nu++] = c->position;
        if (c->district_nominations > 1)
            districts[nd++] = c->position;
    }
    if (ny > 0)
        add(f, LIST_RULE_AGE, young, ny, "%zu candidate%s will be under %d on election day", ny,
            ny == 1 ? "" : "s", LIST_MIN_AGE);
    if (nu > 0)
        add(f, LIST_RULE_EDUCATION, uneducated, nu, "%zu candidate%s %s no higher education", nu,
            nu == 1 ? "" : "s", nu == 1 ? "has" : "have");
    if (nd > 0)
        add(f, LIST_RULE_DISTRICTS, districts, nd,
            "%zu candidate%s %s nominated in more than one single-member district of this election",
            nd, nd == 1 ? "" : "s", nd == 1 ? "is" : "are");
}

size_t list_rules_check(const struct list_candidate *c, size_t n, struct list_date election_day,
                        struct list_violation *out, size_t max)
{
    struct found f = {out, max, 0};
    if (n == 0 || n > LIST_MAX_CANDIDATES) {
        add(&f, LIST_RULE_SIZE, NULL, 0, "a list has 1 to %d candidates, not %zu",
            LIST_MAX_CANDIDATES, n);
        return f.n;
    }
    const struct list_candidate *by_pos[LIST_MAX_CANDIDATES];
    if (!in_order(c, n, by_pos, &f))
        return f.n;
    size_t m = 0, young = 0, other = 0, disabled = 0;
    for (size_t i = 0; i < n; i++) {
        if (by_pos[i]->withdrawn)
            continue;
        m++;
        young += list_age_on(by_pos[i]->birth, election_day) < LIST_YOUNG_BELOW_AGE;
        other += by_pos[i]->other_ethnicity;
        disabled += by_pos[i]->disability;
    }
    sex_share(by_pos, n, m, &f);
    sex_runs(by_pos, n, &f);
    at_least(&f, LIST_RULE_YOUNG, young, m, LIST_MIN_YOUNG_PERCENT, 0, "candidates under 35");
    at_least(&f, LIST_RULE_ETHNICITY, other, m, LIST_MIN_OTHER_ETHNICITY_PERCENT, 0,
             "candidates of other ethnicity");
    at_least(&f, LIST_RULE_DISABILITY, disabled, m, 0, LIST_MIN_DISABILITIES,
             "candidates with disabilities");
    each_candidate(by_pos, n, election_day, &f);
    return f.n;
}
