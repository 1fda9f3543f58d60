/* Referendums and the presidential election (majority.h): pure, no I/O, no allocation. */
#include "majority.h"

#include <string.h>

static const char *const codes[MAJORITY_ERROR__MAX] = {
    [MAJORITY_OK] = "ok",
    [MAJORITY_E_ARG] = "invalid_argument",
    [MAJORITY_E_COUNT] = "invalid_count",
    [MAJORITY_E_SUM] = "parts_exceed_whole",
    [MAJORITY_E_TOO_MANY] = "candidates_count",
    [MAJORITY_E_ID] = "invalid_id",
    [MAJORITY_E_LOT] = "invalid_lot",
};

const char *majority_error_code(int err)
{
    if (err < 0)
        err = -err;
    return err < MAJORITY_ERROR__MAX ? codes[err] : "invalid";
}

static int count_ok(int64_t x)
{
    return x >= 0 && x <= MAJORITY_MAX_VOTES;
}

int majority_referendum(const struct majority_referendum *in,
                        struct majority_referendum_result *out)
{
    if (in == NULL || out == NULL)
        return -MAJORITY_E_ARG;
    memset(out, 0, sizeof(*out));
    if (!count_ok(in->voters) || in->voters == 0 || !count_ok(in->participants) ||
        !count_ok(in->yes) || !count_ok(in->no))
        return -MAJORITY_E_COUNT;
    if (in->participants > in->voters || in->yes + in->no > in->participants)
        return -MAJORITY_E_SUM;
    out->turnout_permille = in->participants * 1000 / in->voters;
    out->yes_permille = in->participants > 0 ? in->yes * 1000 / in->participants : 0;
    /* "more than 30%": compared in whole numbers, never rounded */
    if (in->participants * 1000 <= (int64_t)MAJORITY_REFERENDUM_TURNOUT_PERMILLE * in->voters)
        out->outcome = REFERENDUM_VOID;
    else
        out->outcome = 2 * in->yes > in->participants ? REFERENDUM_ADOPTED : REFERENDUM_REJECTED;
    return 0;
}

static int validate_round(const struct majority_round *in, int second)
{
    if (in->n == 0 || in->n > MAJORITY_MAX_CANDIDATES || (second && in->n != 2))
        return -MAJORITY_E_TOO_MANY;
    if (!count_ok(in->participants) || !count_ok(in->against_all))
        return -MAJORITY_E_COUNT;
    int64_t sum = in->against_all;
    for (size_t i = 0; i < in->n; i++) {
        const struct majority_candidate *c = &in->candidates[i];
        if (!count_ok(c->votes))
            return -MAJORITY_E_COUNT;
        if (c->id <= 0)
            return -MAJORITY_E_ID;
        for (size_t k = 0; k < i; k++)
            if (in->candidates[k].id == c->id)
                return -MAJORITY_E_ID;
        sum += c->votes;
    }
    if (sum > in->participants)
        return -MAJORITY_E_SUM;
    if (in->nlot > MAJORITY_MAX_CANDIDATES)
        return -MAJORITY_E_LOT;
    for (size_t i = 0; i < in->nlot; i++) {
        int known = 0;
        for (size_t k = 0; k < in->n; k++)
            known |= in->candidates[k].id == in->lot[i];
        for (size_t k = 0; k < i; k++)
            known &= in->lot[k] != in->lot[i];
        if (!known)
            return -MAJORITY_E_LOT;
    }
    return 0;
}

/* The candidates with exactly `votes`, into ids (their count). */
static size_t with_votes(const struct majority_round *in, int64_t votes, int64_t *ids)
{
    size_t n = 0;
    for (size_t i = 0; i < in->n; i++)
        if (in->candidates[i].votes == votes)
            ids[n++] = in->candidates[i].id;
    return n;
}

/* The most votes below `below` (INT64_MAX: the most of all); -1 if none. */
static int64_t most_below(const struct majority_round *in, int64_t below)
{
    int64_t best = -1;
    for (size_t i = 0; i < in->n; i++)
        if (in->candidates[i].votes < below && in->candidates[i].votes > best)
            best = in->candidates[i].votes;
    return best;
}

/*
 * k places among the tied ids: the lot's order decides, if it names every
 * one of them; else the result says a lot is required.  The chosen into
 * chosen[]; 0, or -1 when a lot is required (out filled).
 */
static int by_lot(const struct majority_round *in, const int64_t *tied, size_t ntied, size_t k,
                  int64_t *chosen, struct majority_round_result *out)
{
    size_t found = 0;
    for (size_t i = 0; i < in->nlot; i++)
        for (size_t t = 0; t < ntied; t++)
            if (in->lot[i] == tied[t]) {
                if (found < k)
                    chosen[found] = tied[t];
                found++;
            }
    if (found < ntied) {
        out->outcome = ROUND_LOT_REQUIRED;
        out->ntied = ntied;
        memcpy(out->tied, tied, ntied * sizeof(*tied));
        return -1;
    }
    return 0;
}

int majority_president(const struct majority_round *in, int second,
                       struct majority_round_result *out)
{
    if (in == NULL || out == NULL)
        return -MAJORITY_E_ARG;
    memset(out, 0, sizeof(*out));
    int rc = validate_round(in, second);
    if (rc < 0)
        return rc;
    int64_t top = most_below(in, INT64_MAX);
    out->leader_permille = in->participants > 0 ? top * 1000 / in->participants : 0;
    if (top == 0 || in->against_all > top) {
        out->outcome = ROUND_FAILED;
        return 0;
    }
    int64_t first[MAJORITY_MAX_CANDIDATES], next[MAJORITY_MAX_CANDIDATES], pick[2];
    size_t nfirst = with_votes(in, top, first);
    if (second || 2 * top > in->participants) {
        /* the winner: the one with the most votes (a majority in the first round) */
        if (nfirst > 1 && by_lot(in, first, nfirst, 1, pick, out) < 0)
            return 0;
        out->outcome = ROUND_ELECTED;
        out->winner = nfirst > 1 ? pick[0] : first[0];
        return 0;
    }
    /* no majority: the two with the most votes go to a second round */
    if (nfirst >= 2) {
        if (nfirst > 2 && by_lot(in, first, nfirst, 2, pick, out) < 0)
            return 0;
        out->outcome = ROUND_SECOND_ROUND;
        out->runoff[0] = nfirst > 2 ? pick[0] : first[0];
        out->runoff[1] = nfirst > 2 ? pick[1] : first[1];
        return 0;
    }
    int64_t runner = most_below(in, top);
    if (runner <= 0) { /* nobody else has a vote: no second round to hold (our rule) */
        out->outcome = ROUND_FAILED;
        return 0;
    }
    size_t nnext = with_votes(in, runner, next);
    if (nnext > 1 && by_lot(in, next, nnext, 1, pick, out) < 0)
        return 0;
    out->outcome = ROUND_SECOND_ROUND;
    out->runoff[0] = first[0];
    out->runoff[1] = nnext > 1 ? pick[0] : next[0];
    return 0;
}
