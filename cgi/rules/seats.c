#include "seats.h"

#include <stdarg.h>
#include <stdio.h> /* vsnprintf into the caller's result only */
#include <string.h>

/*
 * All arithmetic is exact int64: counts are at most SEATS_MAX_VOTES (1e8),
 * so sums of 64 parties stay under 7e9 and the largest product,
 * seats held * V, under 54 * 7e9 = 4e11.
 */

static const struct {
    const char *code, *message;
} errors[SEATS_ERROR__MAX] = {
    [SEATS_OK] = {"ok", "the input is valid"},
    [SEATS_E_ARG] = {"missing_argument", "a required argument is missing"},
    [SEATS_E_SEATS] = {"bad_seats", "the number of seats or the cap is out of range"},
    [SEATS_E_COUNT] = {"bad_count", "a count is negative or too large"},
    [SEATS_E_EMPTY] = {"no_participants", "nobody took part: there is nothing to allocate"},
    [SEATS_E_TOO_MANY] = {"too_many", "more entries than the law or the system allows"},
    [SEATS_E_ID] = {"bad_id", "an id is not positive or is repeated"},
    [SEATS_E_SUM] = {"sum_mismatch", "the parts add up to more than their whole"},
    [SEATS_E_POSITION] = {"bad_position", "a list position is outside 1..54 or repeated"},
    [SEATS_E_SEX] = {"bad_sex", "the sex is neither F nor M"},
    [SEATS_E_LOT] = {"bad_lot", "the lot names an unknown id or names one twice"},
    [SEATS_E_DISTRICT] = {"bad_district", "the district number is outside 1..36"},
};

static const char *const stages[SEATS_STAGE__MAX] = {
    [SEATS_STAGE_REMAINDER] = "remainder",
    [SEATS_STAGE_CAP] = "cap",
    [SEATS_STAGE_DISTRICT] = "district",
};

static const char *const list_outcomes[SEATS_LIST_OUTCOME__MAX] = {
    [SEATS_LIST_ALLOCATED] = "allocated",
    [SEATS_LIST_FAILED_AGAINST_ALL] = "failed_against_all",
    [SEATS_LIST_NO_PARTY_QUALIFIED] = "no_party_qualified",
    [SEATS_LIST_LOT_REQUIRED] = "lot_required",
};

static const char *const elected_by[SEATS_BY__MAX] = {
    [SEATS_BY_PREFERENCE] = "preference",
    [SEATS_BY_WOMEN_QUOTA] = "women_quota",
};

static const char *const district_outcomes[SEATS_DISTRICT_OUTCOME__MAX] = {
    [SEATS_DISTRICT_ELECTED] = "elected",
    [SEATS_DISTRICT_FAILED_AGAINST_ALL] = "failed_against_all",
    [SEATS_DISTRICT_FAILED_NO_VOTES] = "failed_no_votes",
    [SEATS_DISTRICT_LOT_REQUIRED] = "lot_required",
};

static unsigned error_index(int err)
{
    unsigned e = err < 0 ? 0u - (unsigned)err : (unsigned)err;
    return e < SEATS_ERROR__MAX ? e : SEATS_ERROR__MAX;
}

const char *seats_error_code(int err)
{
    unsigned e = error_index(err);
    return e < SEATS_ERROR__MAX ? errors[e].code : "invalid";
}

const char *seats_error_message(int err)
{
    unsigned e = error_index(err);
    return e < SEATS_ERROR__MAX ? errors[e].message : "invalid";
}

const char *seats_stage_name(enum seats_stage s)
{
    return (unsigned)s < SEATS_STAGE__MAX ? stages[s] : "unknown";
}

const char *seats_list_outcome_name(enum seats_list_outcome o)
{
    return (unsigned)o < SEATS_LIST_OUTCOME__MAX ? list_outcomes[o] : "unknown";
}

const char *seats_elected_by_name(enum seats_elected_by b)
{
    return (unsigned)b < SEATS_BY__MAX ? elected_by[b] : "unknown";
}

const char *seats_district_outcome_name(enum seats_district_outcome o)
{
    return (unsigned)o < SEATS_DISTRICT_OUTCOME__MAX ? district_outcomes[o] : "unknown";
}

/* Records where the input is wrong (and why, if reason is not NULL); returns -err. */
__attribute__((format(printf, 4, 0))) static int vrefuse(struct seats_invalid *inv,
                                                         enum seats_error err, const char *reason,
                                                         const char *fmt, va_list ap)
{
    vsnprintf(inv->field, sizeof inv->field, fmt, ap);
    inv->reason = reason;
    return -(int)err;
}

__attribute__((format(printf, 3, 4))) static int refuse(struct seats_invalid *inv,
                                                        enum seats_error err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vrefuse(inv, err, NULL, fmt, ap);
    va_end(ap);
    return rc;
}

__attribute__((format(printf, 4, 5))) static int refuse_because(struct seats_invalid *inv,
                                                                enum seats_error err,
                                                                const char *reason, const char *fmt,
                                                                ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vrefuse(inv, err, reason, fmt, ap);
    va_end(ap);
    return rc;
}

static bool count_ok(int64_t v)
{
    return v >= 0 && v <= SEATS_MAX_VOTES;
}

/* votes >= permille / 1000 of participants, exactly. */
static bool reaches(int64_t votes, int64_t participants, int permille)
{
    return votes * 1000 >= participants * permille;
}

/* Position of id in the lot, or -1. */
static int lot_rank(const struct seats_lot *lot, int64_t id)
{
    for (size_t i = 0; lot != NULL && i < lot->n; i++)
        if (lot->ids[i] == id)
            return (int)i;
    return -1;
}

/*
 * Puts tied[] (with ids[] alongside) in the lot's order; false, leaving
 * both untouched, if the lot misses any of them.
 */
static bool sort_by_lot(const struct seats_lot *lot, size_t *tied, int64_t *ids, size_t k)
{
    int rank[SEATS_MAX_TIED];
    for (size_t j = 0; j < k; j++)
        if ((rank[j] = lot_rank(lot, ids[j])) < 0)
            return false;
    for (size_t j = 1; j < k; j++)
        for (size_t m = j; m > 0 && rank[m - 1] > rank[m]; m--) {
            int r = rank[m];
            rank[m] = rank[m - 1];
            rank[m - 1] = r;
            size_t t = tied[m];
            tied[m] = tied[m - 1];
            tied[m - 1] = t;
            int64_t id = ids[m];
            ids[m] = ids[m - 1];
            ids[m - 1] = id;
        }
    return true;
}

/* The lot names known ids (known[0..n)), each once. */
static int check_lot(const struct seats_lot *lot, const int64_t *known, size_t n,
                     struct seats_invalid *inv)
{
    if (lot == NULL)
        return 0;
    if (lot->n > SEATS_MAX_LOT)
        return refuse(inv, SEATS_E_TOO_MANY, "lot");
    for (size_t i = 0; i < lot->n; i++) {
        size_t k = 0;
        while (k < n && known[k] != lot->ids[i])
            k++;
        if (k == n || lot_rank(lot, lot->ids[i]) != (int)i)
            return refuse(inv, SEATS_E_LOT, "lot[%zu]", i);
    }
    return 0;
}

/*
 * A party's list: at most 54 candidates at distinct positions 1..54, sex F
 * or M, preference votes adding up to no more than the party's votes.
 * prefix is "parties[i]." in the contest, "" for a party alone.
 */
static int check_candidates(const struct seats_party *p, const char *prefix,
                            struct seats_invalid *inv)
{
    bool taken[SEATS_MAX_CANDIDATES + 1] = {false};
    int64_t sum = 0;
    if (!count_ok(p->votes))
        return refuse(inv, SEATS_E_COUNT, "%svotes", prefix);
    if (p->ncandidates > SEATS_MAX_CANDIDATES)
        return refuse(inv, SEATS_E_TOO_MANY, "%scandidates", prefix);
    for (size_t i = 0; i < p->ncandidates; i++) {
        const struct seats_candidate *c = &p->candidates[i];
        if (c->position < 1 || c->position > SEATS_MAX_CANDIDATES || taken[c->position])
            return refuse(inv, SEATS_E_POSITION, "%scandidates[%zu].position", prefix, i);
        taken[c->position] = true;
        if (c->sex != 'F' && c->sex != 'M')
            return refuse(inv, SEATS_E_SEX, "%scandidates[%zu].sex", prefix, i);
        if (!count_ok(c->preference_votes))
            return refuse(inv, SEATS_E_COUNT, "%scandidates[%zu].preference_votes", prefix, i);
        sum += c->preference_votes;
    }
    if (sum > p->votes)
        return refuse_because(inv, SEATS_E_SUM,
                              "the preference votes add up to more than the party's votes",
                              "%scandidates", prefix);
    return 0;
}

/*
 * The control relations we can check from these numbers (DOMAIN.md,
 * "Voting, counting and results"): votes for parties plus "against all"
 * are valid ballots, at most the participants; the regions' participants
 * add up to at most the national figure (the rest voted abroad); a party's
 * region votes add up to at most its votes, and all parties' votes in a
 * region to at most the region's participants.
 */
static int check_list(const struct seats_list_contest *in, const struct seats_lot *lot,
                      int max_seats, struct seats_invalid *inv)
{
    int64_t ids[SEATS_MAX_PARTIES], sum = 0, region_sum[SEATS_REGIONS] = {0};
    char prefix[32];
    int err;

    if (in->seats < 1 || in->seats > max_seats)
        return refuse(inv, SEATS_E_SEATS, "seats");
    if (in->cap < 1)
        return refuse(inv, SEATS_E_SEATS, "cap");
    if (!count_ok(in->participants))
        return refuse(inv, SEATS_E_COUNT, "participants");
    if (in->participants == 0)
        return refuse(inv, SEATS_E_EMPTY, "participants");
    for (int r = 0; r < SEATS_REGIONS; r++) {
        if (!count_ok(in->region_participants[r]))
            return refuse(inv, SEATS_E_COUNT, "regions[%d].participants", r);
        sum += in->region_participants[r];
    }
    if (sum > in->participants)
        return refuse_because(inv, SEATS_E_SUM,
                              "the regions' participants add up to more than the participants",
                              "regions");
    if (!count_ok(in->against_all))
        return refuse(inv, SEATS_E_COUNT, "against_all");
    if (in->nparties > SEATS_MAX_PARTIES)
        return refuse(inv, SEATS_E_TOO_MANY, "parties");

    sum = in->against_all;
    for (size_t i = 0; i < in->nparties; i++) {
        const struct seats_party *p = &in->parties[i];
        int64_t in_regions = 0;
        ids[i] = p->id;
        for (size_t j = 0; j < i; j++)
            if (ids[j] == p->id)
                return refuse(inv, SEATS_E_ID, "parties[%zu].id", i);
        if (p->id <= 0)
            return refuse(inv, SEATS_E_ID, "parties[%zu].id", i);
        if (!count_ok(p->votes))
            return refuse(inv, SEATS_E_COUNT, "parties[%zu].votes", i);
        for (int r = 0; r < SEATS_REGIONS; r++) {
            if (!count_ok(p->region_votes[r]))
                return refuse(inv, SEATS_E_COUNT, "parties[%zu].region_votes[%d]", i, r);
            in_regions += p->region_votes[r];
            region_sum[r] += p->region_votes[r];
            if (region_sum[r] > in->region_participants[r])
                return refuse_because(inv, SEATS_E_SUM,
                                      "the parties' votes in this region add up to more than "
                                      "its participants",
                                      "parties[%zu].region_votes[%d]", i, r);
        }
        if (in_regions > p->votes)
            return refuse_because(inv, SEATS_E_SUM,
                                  "the party's votes in the regions add up to more than its votes",
                                  "parties[%zu].region_votes", i);
        snprintf(prefix, sizeof prefix, "parties[%zu].", i);
        if ((err = check_candidates(p, prefix, inv)) < 0)
            return err;
        sum += p->votes;
        if (sum > in->participants)
            return refuse_because(inv, SEATS_E_SUM,
                                  "votes for the parties and against all add up to more than "
                                  "the participants",
                                  "parties[%zu].votes", i);
    }
    return check_lot(lot, ids, in->nparties, inv);
}

/*
 * What is left of a party's entitlement once its seats are counted: the
 * numerator of votes * seats / V - held, over the common denominator V.
 * Before any leftover seat it is the Hare remainder; a party that got a
 * seat for its remainder drops below every party that did not.
 */
static int64_t claim(const struct seats_list_contest *in, const struct seats_list_result *out,
                     size_t i)
{
    int64_t held = out->parties[i].seats;
    return in->parties[i].votes * in->seats - held * out->qualifying_votes;
}

static void give(struct seats_list_result *out, size_t i, enum seats_stage stage)
{
    out->parties[i].seats++;
    if (stage == SEATS_STAGE_REMAINDER)
        out->parties[i].remainder_seats++;
    else
        out->parties[i].cap_added++;
}

/*
 * Hands out m seats one at a time, each to the qualifying party with the
 * largest claim (at the cap stage: among parties below the cap).  Parties
 * with equal largest claims each get one when there are seats enough for
 * all of them (their order cannot change the result); otherwise the lot
 * picks which of them get the remaining seats, and the draw is recorded.
 * Seats nobody can take are counted as unfilled.  Returns 0, or 1 when the
 * lot does not cover the tie (out->lot_needed says which parties).
 */
static int hand_out(const struct seats_list_contest *in, const struct seats_lot *lot,
                    struct seats_list_result *out, enum seats_stage stage, int m)
{
    while (m > 0) {
        size_t tied[SEATS_MAX_TIED], k = 0;
        int64_t ids[SEATS_MAX_TIED], best = 0;
        for (size_t i = 0; i < in->nparties; i++) {
            if (!out->parties[i].qualified)
                continue;
            if (stage == SEATS_STAGE_CAP && out->parties[i].seats >= in->cap)
                continue;
            int64_t c = claim(in, out, i);
            if (k == 0 || c > best) {
                best = c;
                k = 0;
            }
            if (c == best) {
                ids[k] = in->parties[i].id;
                tied[k++] = i;
            }
        }
        if (k == 0) {
            out->unfilled += m;
            return 0;
        }
        if (k <= (size_t)m) {
            for (size_t j = 0; j < k; j++)
                give(out, tied[j], stage);
            m -= (int)k;
            continue;
        }
        struct seats_draw d = {stage, m, best, k, {0}};
        memcpy(d.tied, tied, k * sizeof tied[0]);
        if (!sort_by_lot(lot, d.tied, ids, k)) {
            out->lot_needed = d;
            return 1;
        }
        for (int j = 0; j < m; j++)
            give(out, d.tied[j], stage);
        out->draws[out->ndraws++] = d;
        m = 0;
    }
    return 0;
}

/* The list contest's allocation with the given thresholds (permille of the participants). */
static int allocate_lists(const struct seats_list_contest *in, const struct seats_lot *lot,
                          int national_permille, int region_permille, int max_seats,
                          struct seats_list_result *out)
{
    int given = 0, err;

    if (out == NULL)
        return -SEATS_E_ARG;
    memset(out, 0, sizeof *out);
    if (in == NULL)
        return refuse(&out->invalid, SEATS_E_ARG, "contest");
    if ((err = check_list(in, lot, max_seats, &out->invalid)) < 0)
        return err;

    for (size_t i = 0; i < in->nparties; i++) {
        const struct seats_party *p = &in->parties[i];
        struct seats_party_result *r = &out->parties[i];
        if (p->votes > out->leader_votes)
            out->leader_votes = p->votes;
        r->national_ok = reaches(p->votes, in->participants, national_permille);
        /* 0.5% of participants in a region: the party's votes cast in that
         * region against the ballots found in that region's boxes. */
        for (int g = 0; g < SEATS_REGIONS; g++)
            if (!reaches(p->region_votes[g], in->region_participants[g], region_permille))
                r->regions_below |= 1u << g;
        r->qualified = r->national_ok && r->regions_below == 0;
        if (r->qualified) {
            out->nqualified++;
            out->qualifying_votes += p->votes;
        }
    }
    /* "Fewer votes than against all": a leader level with it does not fail. */
    if (out->leader_votes < in->against_all) {
        out->outcome = SEATS_LIST_FAILED_AGAINST_ALL;
        return 0;
    }
    if (out->nqualified == 0) {
        out->outcome = SEATS_LIST_NO_PARTY_QUALIFIED;
        return 0;
    }

    /* Hare: quota V / seats; whole part and remainder of votes / quota. V > 0
     * here: a qualifying party has at least 5% of participants > 0. */
    for (size_t i = 0; i < in->nparties; i++) {
        struct seats_party_result *r = &out->parties[i];
        if (!r->qualified)
            continue;
        int64_t n = in->parties[i].votes * in->seats;
        r->whole = (int)(n / out->qualifying_votes);
        r->remainder = n % out->qualifying_votes;
        r->seats = r->whole;
        given += r->whole;
    }
    out->leftover = in->seats - given;
    if (hand_out(in, lot, out, SEATS_STAGE_REMAINDER, out->leftover) != 0)
        goto lot_required;

    for (size_t i = 0; i < in->nparties; i++) {
        struct seats_party_result *r = &out->parties[i];
        if (r->qualified && r->seats > in->cap) {
            r->cap_removed = r->seats - in->cap;
            r->seats = in->cap;
            out->excess += r->cap_removed;
        }
    }
    if (hand_out(in, lot, out, SEATS_STAGE_CAP, out->excess) != 0)
        goto lot_required;
    out->outcome = SEATS_LIST_ALLOCATED;
    return 0;

lot_required:
    out->outcome = SEATS_LIST_LOT_REQUIRED;
    return 0;
}

int seats_allocate_lists(const struct seats_list_contest *in, const struct seats_lot *lot,
                         struct seats_list_result *out)
{
    return allocate_lists(in, lot, SEATS_NATIONAL_PERMILLE, SEATS_REGION_PERMILLE, SEATS_LIST_SEATS,
                          out);
}

int seats_allocate_council(const struct seats_list_contest *in, const struct seats_lot *lot,
                           int threshold_permille, struct seats_list_result *out)
{
    if (out != NULL && (threshold_permille < 0 || threshold_permille > 1000)) {
        memset(out, 0, sizeof *out);
        return refuse(&out->invalid, SEATS_E_SEATS, "threshold_permille");
    }
    /* no regional rule in a council: 0 permille of a region is always reached */
    return allocate_lists(in, lot, threshold_permille, 0, SEATS_COUNCIL_MAX_SEATS, out);
}

int seats_fill_list(const struct seats_party *party, int seats, struct seats_fill_result *out)
{
    size_t rank[SEATS_MAX_CANDIDATES], n = 0, top;
    bool elected[SEATS_MAX_CANDIDATES] = {false}, by_quota[SEATS_MAX_CANDIDATES] = {false};
    int women_top = 0, women_all = 0, need, err;

    if (out == NULL)
        return -SEATS_E_ARG;
    memset(out, 0, sizeof *out);
    if (party == NULL)
        return refuse(&out->invalid, SEATS_E_ARG, "party");
    if (seats < 0 || seats > SEATS_MAX_CANDIDATES)
        return refuse(&out->invalid, SEATS_E_SEATS, "seats");
    if ((err = check_candidates(party, "", &out->invalid)) < 0)
        return err;

    /* The ranking: most preference votes first, then list order. */
    for (size_t i = 0; i < party->ncandidates; i++) {
        const struct seats_candidate *c = &party->candidates[i];
        if (c->withdrawn)
            continue;
        size_t j = n++;
        for (; j > 0; j--) {
            const struct seats_candidate *b = &party->candidates[rank[j - 1]];
            if (b->preference_votes > c->preference_votes ||
                (b->preference_votes == c->preference_votes && b->position < c->position))
                break;
            rank[j] = rank[j - 1];
        }
        rank[j] = i;
    }

    out->seats = seats;
    out->women_quota = (seats * SEATS_WOMEN_PERCENT + 99) / 100;
    top = (size_t)seats < n ? (size_t)seats : n;
    out->unfilled = seats - (int)top;
    for (size_t j = 0; j < n; j++) {
        bool woman = party->candidates[rank[j]].sex == 'F';
        women_all += woman;
        women_top += woman && j < top;
        elected[j] = j < top;
    }
    /* Women short of the quota replace the lowest-ranked men; the top has
     * men enough, since the quota is at most `seats` and, when the list is
     * shorter than the seats, every woman is already in. */
    need = (out->women_quota < women_all ? out->women_quota : women_all) - women_top;
    for (size_t j = top, d = 0; j-- > 0 && (int)d < need;)
        if (party->candidates[rank[j]].sex == 'M') {
            elected[j] = false;
            d++;
        }
    for (size_t j = top, d = 0; j < n && (int)d < need; j++)
        if (party->candidates[rank[j]].sex == 'F') {
            elected[j] = by_quota[j] = true;
            d++;
        }

    for (size_t j = 0; j < n; j++) {
        if (!elected[j])
            continue;
        struct seats_elected *e = &out->elected[out->nelected++];
        e->candidate = rank[j];
        e->rank = (int)j + 1;
        e->by = by_quota[j] ? SEATS_BY_WOMEN_QUOTA : SEATS_BY_PREFERENCE;
        out->women_elected += party->candidates[rank[j]].sex == 'F';
    }
    return 0;
}

int seats_district_winner(const struct seats_district *in, const struct seats_lot *lot,
                          struct seats_district_result *out)
{
    int64_t ids[SEATS_MAX_DISTRICT_CANDIDATES], tied_ids[SEATS_MAX_TIED];
    struct seats_draw *d;
    int err;

    if (out == NULL)
        return -SEATS_E_ARG;
    memset(out, 0, sizeof *out);
    if (in == NULL)
        return refuse(&out->invalid, SEATS_E_ARG, "district");
    if (in->district < 1 || in->district > SEATS_DISTRICTS)
        return refuse(&out->invalid, SEATS_E_DISTRICT, "district");
    if (!count_ok(in->against_all))
        return refuse(&out->invalid, SEATS_E_COUNT, "against_all");
    if (in->ncandidates > SEATS_MAX_DISTRICT_CANDIDATES)
        return refuse(&out->invalid, SEATS_E_TOO_MANY, "candidates");
    for (size_t i = 0; i < in->ncandidates; i++) {
        ids[i] = in->candidates[i].id;
        for (size_t j = 0; j < i; j++)
            if (ids[j] == ids[i])
                return refuse(&out->invalid, SEATS_E_ID, "candidates[%zu].id", i);
        if (ids[i] <= 0)
            return refuse(&out->invalid, SEATS_E_ID, "candidates[%zu].id", i);
        if (!count_ok(in->candidates[i].votes))
            return refuse(&out->invalid, SEATS_E_COUNT, "candidates[%zu].votes", i);
        if (in->candidates[i].votes > out->leader_votes)
            out->leader_votes = in->candidates[i].votes;
    }
    if ((err = check_lot(lot, ids, in->ncandidates, &out->invalid)) < 0)
        return err;

    /* "More votes than the leader": against all level with the leader does not fail. */
    if (in->against_all > out->leader_votes) {
        out->outcome = SEATS_DISTRICT_FAILED_AGAINST_ALL;
        return 0;
    }
    /* (our rule) Nobody is elected by lot among candidates without a vote. */
    if (out->leader_votes == 0) {
        out->outcome = SEATS_DISTRICT_FAILED_NO_VOTES;
        return 0;
    }
    d = &out->draw;
    d->stage = SEATS_STAGE_DISTRICT;
    d->seats = 1;
    d->at = out->leader_votes;
    for (size_t i = 0; i < in->ncandidates; i++)
        if (in->candidates[i].votes == out->leader_votes) {
            tied_ids[d->ntied] = ids[i];
            d->tied[d->ntied++] = i;
        }
    if (d->ntied > 1) {
        if (!sort_by_lot(lot, d->tied, tied_ids, d->ntied)) {
            out->outcome = SEATS_DISTRICT_LOT_REQUIRED;
            return 0;
        }
        out->lot_used = true;
    }
    out->winner = d->tied[0];
    out->outcome = SEATS_DISTRICT_ELECTED;
    return 0;
}
