#include "protocol.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const kind_names[PROTOCOL_KIND__MAX] = {
    [PROTOCOL_OPENING] = "opening",
    [PROTOCOL_TURNOUT] = "turnout",
    [PROTOCOL_FINAL] = "final",
    [PROTOCOL_IDENTIFICATION] = "identification",
};

static const char *const contest_kind_names[CONTEST_KIND__MAX] = {
    [CONTEST_LIST] = "list",           [CONTEST_DISTRICT] = "district",
    [CONTEST_PRESIDENT] = "president", [CONTEST_QUESTION] = "question",
    [CONTEST_COUNCIL] = "council",
};

const char *protocol_contest_kind_name(enum protocol_contest_kind k)
{
    return (unsigned)k < CONTEST_KIND__MAX ? contest_kind_names[k] : "unknown";
}

const char *protocol_kind_name(enum protocol_kind k)
{
    return (unsigned)k < PROTOCOL_KIND__MAX ? kind_names[k] : "unknown";
}

int protocol_kind_parse(const char *s)
{
    for (int k = 0; k < PROTOCOL_KIND__MAX; k++)
        if (s != NULL && strcmp(s, kind_names[k]) == 0)
            return k;
    return -1;
}

__attribute__((format(printf, 4, 5))) static int fail(struct protocol_failure *f, const char *code,
                                                      const char *field, const char *fmt, ...)
{
    f->code = code;
    snprintf(f->field, sizeof(f->field), "%s", field);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->message, sizeof(f->message), fmt, ap);
    va_end(ap);
    return -1;
}

static int check_contest(const struct protocol_contest *c, size_t i, struct protocol_failure *f)
{
    char field[64];
#define AT(member) (snprintf(field, sizeof(field), "contests[%u].%s", (unsigned)i, member), field)
    if (c->received != c->issued + c->cancelled)
        return fail(f, "received_mismatch", AT("received"),
                    "ballots received (%lld) must equal issued + cancelled (%lld)",
                    (long long)c->received, (long long)(c->issued + c->cancelled));
    if (c->in_boxes != c->valid + c->invalid)
        return fail(f, "in_boxes_mismatch", AT("in_boxes"),
                    "ballots in the boxes (%lld) must equal valid + invalid (%lld)",
                    (long long)c->in_boxes, (long long)(c->valid + c->invalid));
    int64_t sum = c->against_all;
    for (size_t k = 0; k < c->nvotes; k++)
        sum += c->votes[k];
    if (c->valid != sum)
        return fail(
            f, "valid_mismatch", AT("valid"),
            "valid ballots (%lld) must equal the votes for every entry and against all (%lld)",
            (long long)c->valid, (long long)sum);
    if (c->in_boxes > c->issued)
        return fail(f, "in_boxes_above_issued", AT("in_boxes"),
                    "ballots in the boxes (%lld) cannot exceed ballots issued (%lld)",
                    (long long)c->in_boxes, (long long)c->issued);
    if (c->issued > c->voters)
        return fail(f, "issued_above_voters", AT("issued"),
                    "ballots issued (%lld) cannot exceed voters on the list (%lld)",
                    (long long)c->issued, (long long)c->voters);
    if (c->kind != CONTEST_LIST && c->npreferences > 0)
        return fail(f, "preferences_not_allowed", AT("preferences"),
                    "only the party-list contest has preference votes");
    if (c->kind == CONTEST_LIST && c->npreferences != 0 && c->npreferences != c->nvotes)
        return fail(f, "preferences_shape", AT("preferences"),
                    "preference votes are given for %lld parties, the ballot has %lld",
                    (long long)c->npreferences, (long long)c->nvotes);
    for (size_t p = 0; p < c->npreferences; p++) {
        int64_t pref = 0;
        for (size_t k = 0; k < c->preference_len[p]; k++)
            pref += c->preferences[p][k];
        if (pref > c->votes[p]) {
            snprintf(field, sizeof(field), "contests[%u].preferences[%u]", (unsigned)i,
                     (unsigned)p);
            return fail(f, "preferences_above_votes", field,
                        "preference votes (%lld) cannot exceed the party's votes (%lld)",
                        (long long)pref, (long long)c->votes[p]);
        }
    }
#undef AT
    return 0;
}

/* A final report is of one kind of election (protocol_check's comment). */
static int contests_shape(const struct protocol_report *r, struct protocol_failure *f)
{
    size_t n[CONTEST_KIND__MAX] = {0};
    bool asked[PROTOCOL_MAX_QUESTIONS + 1] = {false};
    for (size_t i = 0; i < r->ncontests; i++) {
        const struct protocol_contest *c = &r->contests[i];
        if ((unsigned)c->kind >= CONTEST_KIND__MAX)
            return fail(f, "contests_shape", "contests", "unknown contest kind");
        n[c->kind]++;
        if (c->kind == CONTEST_QUESTION) {
            if (c->number < 1 || c->number > PROTOCOL_MAX_QUESTIONS || asked[c->number])
                return fail(f, "contests_shape", "contests",
                            "a referendum's questions are numbered 1 to %d, each once",
                            PROTOCOL_MAX_QUESTIONS);
            asked[c->number] = true;
            if (c->against_all != 0)
                return fail(f, "contests_shape", "contests",
                            "a referendum's ballot has no \"against all\"");
        }
    }
    size_t others = r->ncontests - n[CONTEST_LIST] - n[CONTEST_DISTRICT];
    bool parliamentary = n[CONTEST_LIST] == 1 && n[CONTEST_DISTRICT] <= 1 && others == 0;
    bool presidential = n[CONTEST_PRESIDENT] == 1 && r->ncontests == 1;
    bool referendum = n[CONTEST_QUESTION] >= 1 && n[CONTEST_QUESTION] == r->ncontests;
    bool local = n[CONTEST_COUNCIL] == 1 && r->ncontests == 1;
    if (parliamentary || presidential || referendum || local)
        return 0;
    return fail(f, "contests_shape", "contests",
                "a final report has one list contest and at most one district contest, "
                "or the presidential contest, or a referendum's questions, or one council's "
                "contest (not %lld lists and %lld districts, %lld others)",
                (long long)n[CONTEST_LIST], (long long)n[CONTEST_DISTRICT], (long long)others);
}

int protocol_check(const struct protocol_report *r, struct protocol_failure *f)
{
    memset(f, 0, sizeof(*f));
    switch (r->kind) {
    case PROTOCOL_OPENING:
        if (r->voted != 0)
            return fail(f, "opening_not_zero", "voted",
                        "an opening report is a zero count, not %lld", (long long)r->voted);
        return 0;
    case PROTOCOL_TURNOUT:
        if (r->voted > r->voters)
            return fail(f, "voted_above_voters", "voted",
                        "voters so far (%lld) cannot exceed voters on the list (%lld)",
                        (long long)r->voted, (long long)r->voters);
        return 0;
    case PROTOCOL_IDENTIFICATION:
        if (r->face + r->fingerprint + r->document > r->voters)
            return fail(f, "identified_above_voters", "identified",
                        "voters identified (%lld) cannot exceed voters on the list (%lld)",
                        (long long)(r->face + r->fingerprint + r->document), (long long)r->voters);
        return 0;
    case PROTOCOL_FINAL:
        break;
    default:
        return fail(f, "unknown_kind", "kind", "unknown report kind");
    }
    if (contests_shape(r, f) < 0)
        return -1;
    for (size_t i = 0; i < r->ncontests; i++)
        if (check_contest(&r->contests[i], i, f) < 0)
            return -1;
    return 0;
}

static bool digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

bool protocol_valid_time(const char *s)
{
    /* YYYY-MM-DDTHH:MM:SS */
    if (strlen(s) < 20 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
        !digits(s + 8, 2) || s[10] != 'T' || !digits(s + 11, 2) || s[13] != ':' ||
        !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
        return false;
    int mo = num(s + 5, 2), d = num(s + 8, 2), h = num(s + 11, 2), mi = num(s + 14, 2),
        sec = num(s + 17, 2), y = num(s, 4);
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 2000 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 ||
        sec > 59)
        return false;
    if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        return false;
    const char *p = s + 19;
    if (*p == '.') {
        int n = 0;
        for (p++; *p >= '0' && *p <= '9'; p++)
            n++;
        if (n == 0 || n > 6)
            return false;
    }
    if (strcmp(p, "Z") == 0)
        return true;
    return (p[0] == '+' || p[0] == '-') && strlen(p) == 6 && digits(p + 1, 2) && p[3] == ':' &&
        digits(p + 4, 2) && num(p + 1, 2) <= 14 && num(p + 4, 2) <= 59;
}
