#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>

#include "rules/seats.h"

/*
 * Hand-worked seat allocations.  V is the qualifying parties' votes; a
 * party's whole part and remainder are votes * seats / V and
 * votes * seats mod V; its "claim" after seats are handed out is
 * votes * seats - held * V (all over V).
 */

static struct seats_list_contest contest;
static struct seats_list_result result;
static struct seats_lot lot;

/* participants spread evenly over the 9 regions (the rest abroad). */
static void new_contest(int seats, int cap, int64_t participants, int64_t against_all)
{
    memset(&contest, 0, sizeof contest);
    memset(&lot, 0, sizeof lot);
    contest.seats = seats;
    contest.cap = cap;
    contest.participants = participants;
    contest.against_all = against_all;
    for (int r = 0; r < SEATS_REGIONS; r++)
        contest.region_participants[r] = participants / SEATS_REGIONS;
}

/* A party whose votes are spread evenly over the regions (the rest abroad). */
static struct seats_party *add_party(int64_t id, int64_t votes)
{
    struct seats_party *p = &contest.parties[contest.nparties++];
    p->id = id;
    p->votes = votes;
    for (int r = 0; r < SEATS_REGIONS; r++)
        p->region_votes[r] = votes / SEATS_REGIONS;
    return p;
}

static void set_lot(size_t n, const int64_t *ids)
{
    lot.n = n;
    memcpy(lot.ids, ids, n * sizeof ids[0]);
}

static int allocate(void)
{
    return seats_allocate_lists(&contest, &lot, &result);
}

/*
 * A city council (kenesh) of 45 seats, no cap, its own threshold and no
 * regional rule.  100,000 took part; A 40,000, B 30,000, C 20,000, D 6,000,
 * E 4,000.  At 5% (50 permille) E is out: V = 96,000; whole parts
 * 40000*45/96000 = 18 (rem 0.75), B 14 (0.0625), C 9 (0.375), D 2 (0.8125):
 * 43, the 2 left to D and A: 19, 14, 9, 3.  At 7% D is out too: V = 90,000,
 * 20, 15, 10 exactly.  A council has no regional rule: the regions' figures are not read.
 */
static void council_threshold_and_no_regions(void **state)
{
    (void)state;
    static const int64_t votes[] = {40000, 30000, 20000, 6000, 4000};
    static const int want5[] = {19, 14, 9, 3, 0}, want7[] = {20, 15, 10, 0, 0};
    for (int run = 0; run < 2; run++) {
        memset(&contest, 0, sizeof contest);
        contest.seats = 45;
        contest.cap = 45;
        contest.participants = 100000;
        /* Ballots in the regions but no party's votes counted there: the regional rule would fail them all. */
        for (int r = 0; r < SEATS_REGIONS; r++)
            contest.region_participants[r] = 100000 / SEATS_REGIONS;
        for (int i = 0; i < 5; i++) {
            struct seats_party *p = &contest.parties[contest.nparties++];
            p->id = i + 1;
            p->votes = votes[i];
        }
        assert_int_equal(seats_allocate_council(&contest, NULL, run == 0 ? 50 : 70, &result), 0);
        assert_int_equal(result.outcome, SEATS_LIST_ALLOCATED);
        for (int i = 0; i < 5; i++) {
            assert_int_equal(result.parties[i].seats, (run == 0 ? want5 : want7)[i]);
            assert_int_equal(result.parties[i].regions_below, 0);
        }
        /* The parliament's rules on the same figures: every party below 0.5% in every region. */
        assert_int_equal(seats_allocate_lists(&contest, NULL, &result), 0);
        assert_int_equal(result.nqualified, 0);
    }
    assert_int_equal(seats_allocate_council(&contest, NULL, 1001, &result), -SEATS_E_SEATS);
    assert_string_equal(result.invalid.field, "threshold_permille");
    /*
     * The 120-seat parliament of 2007-2020 (lists alone, 7%, a cap of 65):
     * the same figures, D and E out, V = 90,000: 53.33, 40, 26.67 -> 53, 40, 26
     * and the one left to C (0.67 > 0.33): 53, 40, 27.  With 65 as the cap, A's
     * 53 stands; with a cap of 50, A gives 3 to the others, one at a time to the
     * largest remaining fraction.  More than 120 seats is refused.
     */
    contest.seats = 120;
    contest.cap = 65;
    static const int want120[] = {53, 40, 27, 0, 0};
    assert_int_equal(seats_allocate_council(&contest, NULL, 70, &result), 0);
    for (int i = 0; i < 5; i++)
        assert_int_equal(result.parties[i].seats, want120[i]);
    contest.cap = 50;
    assert_int_equal(seats_allocate_council(&contest, NULL, 70, &result), 0);
    assert_int_equal(result.parties[0].seats, 50);
    assert_int_equal(result.parties[0].seats + result.parties[1].seats + result.parties[2].seats,
                     120);
    contest.seats = 121;
    assert_int_equal(seats_allocate_council(&contest, NULL, 70, &result), -SEATS_E_SEATS);
    assert_string_equal(result.invalid.field, "seats");
}

static void national_threshold_uses_participants(void **state)
{
    (void)state;
    /* 900,000 took part; only 599,999 valid votes (the rest invalid).
     * 5% of participants = 45,000.  A: 45,000 * 1000 = 45e6 >= 900,000 * 50 =
     * 45e6, just met.  B: 44,999,000 < 45e6, just missed, although it has
     * 7.5% of the valid votes (44,999 / 599,999). */
    new_contest(54, 27, 900000, 10000);
    add_party(1, 45000);
    add_party(2, 44999);
    add_party(3, 260000);
    add_party(4, 240000);
    assert_int_equal(allocate(), 0);
    assert_int_equal(result.outcome, SEATS_LIST_ALLOCATED);
    assert_true(result.parties[0].national_ok);
    assert_true(result.parties[0].qualified);
    assert_false(result.parties[1].national_ok);
    assert_false(result.parties[1].qualified);
    assert_int_equal(result.parties[1].regions_below, 0);
    assert_int_equal(result.nqualified, 3);
    /* V = 45,000 + 260,000 + 240,000 = 545,000.
     * A: 2,430,000 / 545,000 = 4 r 250,000
     * C: 14,040,000 / 545,000 = 25 r 415,000
     * D: 12,960,000 / 545,000 = 23 r 425,000
     * whole 52, 2 left: D (425,000), C (415,000); A's 250,000 misses. */
    assert_int_equal(result.qualifying_votes, 545000);
    assert_int_equal(result.leftover, 2);
    assert_int_equal(result.parties[0].whole, 4);
    assert_int_equal(result.parties[0].remainder, 250000);
    assert_int_equal(result.parties[0].seats, 4);
    assert_int_equal(result.parties[1].seats, 0);
    assert_int_equal(result.parties[2].remainder, 415000);
    assert_int_equal(result.parties[2].remainder_seats, 1);
    assert_int_equal(result.parties[2].seats, 26);
    assert_int_equal(result.parties[3].remainder, 425000);
    assert_int_equal(result.parties[3].seats, 24);
    assert_int_equal(result.ndraws, 0);
    assert_int_equal(result.unfilled, 0);
}

static void region_threshold(void **state)
{
    (void)state;
    /* 9 regions of 100,000 participants: 0.5% is 500 votes in each. */
    new_contest(54, 27, 900000, 0);
    add_party(1, 400000);
    struct seats_party *p = add_party(2, 100000);
    for (int r = 0; r < SEATS_REGIONS; r++)
        p->region_votes[r] = 11000;
    p->region_votes[4] = 499; /* 499 * 1000 < 100,000 * 5 */
    assert_int_equal(allocate(), 0);
    assert_true(result.parties[1].national_ok);
    assert_int_equal(result.parties[1].regions_below, 1u << 4);
    assert_false(result.parties[1].qualified);
    assert_int_equal(result.parties[0].seats, 27); /* alone, at the cap */
    assert_int_equal(result.unfilled, 27);

    p->region_votes[4] = 500; /* 500,000 >= 500,000: just met */
    assert_int_equal(allocate(), 0);
    assert_true(result.parties[1].qualified);
    assert_int_equal(result.parties[1].regions_below, 0);

    /* The base is the region's own participants: a region of 10,000 needs
     * only 50 votes there. */
    contest.region_participants[4] = 10000;
    contest.parties[0].region_votes[4] = 5000;
    p->region_votes[4] = 50;
    assert_int_equal(allocate(), 0);
    assert_true(result.parties[1].qualified);
    p->region_votes[4] = 49;
    assert_int_equal(allocate(), 0);
    assert_int_equal(result.parties[1].regions_below, 1u << 4);
}

static void remainders_decide_last_seats(void **state)
{
    (void)state;
    /* 200,000 took part: 5% = 10,000.  E (9,999) is out.  V = 100,000.
     * A 41,000: 2,214,000 = 22 r 14,000
     * B 29,000: 1,566,000 = 15 r 66,000
     * C 17,500:   945,000 =  9 r 45,000
     * D 12,500:   675,000 =  6 r 75,000
     * whole 52: the 2 left go to D (0.75) and B (0.66), not C or A. */
    new_contest(54, 27, 200000, 1000);
    add_party(1, 41000);
    add_party(2, 29000);
    add_party(3, 17500);
    add_party(4, 12500);
    add_party(5, 9999);
    assert_int_equal(allocate(), 0);
    assert_int_equal(result.outcome, SEATS_LIST_ALLOCATED);
    assert_int_equal(result.qualifying_votes, 100000);
    assert_false(result.parties[4].qualified);
    const int whole[] = {22, 15, 9, 6, 0}, extra[] = {0, 1, 0, 1, 0}, seats[] = {22, 16, 9, 7, 0};
    const int64_t rem[] = {14000, 66000, 45000, 75000, 0};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(result.parties[i].whole, whole[i]);
        assert_int_equal(result.parties[i].remainder, rem[i]);
        assert_int_equal(result.parties[i].remainder_seats, extra[i]);
        assert_int_equal(result.parties[i].seats, seats[i]);
    }
    assert_int_equal(result.leftover, 2);
    assert_int_equal(result.excess, 0);
}

static void exact_tie_broken_by_lot(void **state)
{
    (void)state;
    /* V = 100,000.  A 50,000: 2,700,000 = 27 r 0 (at the cap, not above).
     * B and C 25,000: 1,350,000 = 13 r 50,000 each.  Whole 53: one seat for
     * two equal remainders. */
    new_contest(54, 27, 200000, 0);
    add_party(1, 50000);
    add_party(2, 25000);
    add_party(3, 25000);

    /* No lot: nothing is decided, the tie is named. */
    assert_int_equal(seats_allocate_lists(&contest, NULL, &result), 0);
    assert_int_equal(result.outcome, SEATS_LIST_LOT_REQUIRED);
    assert_int_equal(result.ndraws, 0);
    assert_int_equal(result.lot_needed.stage, SEATS_STAGE_REMAINDER);
    assert_int_equal(result.lot_needed.seats, 1);
    assert_int_equal(result.lot_needed.at, 50000);
    assert_int_equal(result.lot_needed.ntied, 2);
    assert_int_equal(result.lot_needed.tied[0], 1);
    assert_int_equal(result.lot_needed.tied[1], 2);

    /* A lot that misses one of them is not enough. */
    set_lot(2, (const int64_t[]){3, 1});
    assert_int_equal(allocate(), 0);
    assert_int_equal(result.outcome, SEATS_LIST_LOT_REQUIRED);

    /* C was drawn first. */
    set_lot(3, (const int64_t[]){3, 1, 2});
    assert_int_equal(allocate(), 0);
    assert_int_equal(result.outcome, SEATS_LIST_ALLOCATED);
    assert_int_equal(result.parties[0].seats, 27);
    assert_int_equal(result.parties[1].seats, 13);
    assert_int_equal(result.parties[2].seats, 14);
    assert_int_equal(result.ndraws, 1);
    assert_int_equal(result.draws[0].stage, SEATS_STAGE_REMAINDER);
    assert_int_equal(result.draws[0].seats, 1);
    assert_int_equal(result.draws[0].ntied, 2);
    assert_int_equal(result.draws[0].tied[0], 2); /* C won */
    assert_int_equal(result.draws[0].tied[1], 1);
}

static void cap_redistributes_by_remainder(void **state)
{
    (void)state;
    /* V = 100,000.
     * A 60,000: 3,240,000 = 32 r 40,000
     * B 25,000: 1,350,000 = 13 r 50,000
     * C 15,000:   810,000 =  8 r 10,000
     * whole 53, the last seat to B: A 32, B 14, C 8.
     * A is 5 above 27.  Claims then: B 1,350,000 - 14 * 100,000 = -50,000,
     * C 810,000 - 800,000 = 10,000, one seat at a time, each lowering the
     * taker's claim by 100,000:
     *   C (10,000), B (-50,000), C (-90,000), B (-150,000), C (-190,000).
     * A 27, B 16, C 11. */
    new_contest(54, 27, 200000, 0);
    add_party(1, 60000);
    add_party(2, 25000);
    add_party(3, 15000);
    assert_int_equal(allocate(), 0);
    assert_int_equal(result.outcome, SEATS_LIST_ALLOCATED);
    assert_int_equal(result.parties[0].whole, 32);
    assert_int_equal(result.parties[0].cap_removed, 5);
    assert_int_equal(result.parties[0].seats, 27);
    assert_int_equal(result.parties[1].remainder_seats, 1);
    assert_int_equal(result.parties[1].cap_added, 2);
    assert_int_equal(result.parties[1].seats, 16);
    assert_int_equal(result.parties[2].remainder_seats, 0);
    assert_int_equal(result.parties[2].cap_added, 3);
    assert_int_equal(result.parties[2].seats, 11);
    assert_int_equal(result.excess, 5);
    assert_int_equal(result.unfilled, 0);
}

static void cap_reached_while_redistributing(void **state)
{
    (void)state;
    /* 10 seats, cap 3, V = participants = 100,000.
     * A 70,000: 7 r 0;  B 20,000: 2 r 0;  C 10,000: 1 r 0.  Nothing left over.
     * A gives up 4.  Claims B 0, C 0: one each (B 3, at the cap; C 2).
     * Then B and C both claim -100,000, but B is at the cap: C 3.  The last
     * seat has nobody below the cap: unfilled. */
    new_contest(10, 3, 100000, 0);
    add_party(1, 70000);
    add_party(2, 20000);
    add_party(3, 10000);
    assert_int_equal(allocate(), 0);
    assert_int_equal(result.outcome, SEATS_LIST_ALLOCATED);
    assert_int_equal(result.parties[0].cap_removed, 4);
    assert_int_equal(result.parties[1].cap_added, 1);
    assert_int_equal(result.parties[2].cap_added, 2);
    for (int i = 0; i < 3; i++)
        assert_int_equal(result.parties[i].seats, 3);
    assert_int_equal(result.excess, 4);
    assert_int_equal(result.unfilled, 1);
    assert_int_equal(result.ndraws, 0); /* equal claims, seats for both */
}

static void cap_skips_capped_party(void **state)
{
    (void)state;
    /* 10 seats, cap 3, V = participants = 100,000.
     * A 60,000: 6 r 0;  B 26,000: 2 r 60,000;  C 9,000: 0 r 90,000;
     * D 5,000: 0 r 50,000.  Whole 8; the 2 left to C and B: B 3 (the cap).
     * A gives up 3.  Below the cap: C -10,000, D 50,000 (B, at -40,000,
     * would beat D's second turn but is at the cap):
     *   D (50,000), C (-10,000), D (-50,000).  A 3, B 3, C 2, D 2. */
    new_contest(10, 3, 100000, 0);
    add_party(1, 60000);
    add_party(2, 26000);
    add_party(3, 9000);
    add_party(4, 5000);
    assert_int_equal(allocate(), 0);
    const int seats[] = {3, 3, 2, 2}, added[] = {0, 0, 1, 2};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(result.parties[i].seats, seats[i]);
        assert_int_equal(result.parties[i].cap_added, added[i]);
    }
}

static void tie_at_the_cap_stage(void **state)
{
    (void)state;
    /* V = 100,000.  A 60,000: 32 r 40,000; B and C 20,000: 10 r 80,000.
     * Whole 52, 2 left for B and C tied: one each, no lot needed.
     * A gives up 5; B and C claim 1,080,000 - 1,100,000 = -20,000 each:
     * a seat each (twice), then one seat for two equal claims of -220,000. */
    new_contest(54, 27, 200000, 0);
    add_party(1, 60000);
    add_party(2, 20000);
    add_party(3, 20000);
    assert_int_equal(seats_allocate_lists(&contest, NULL, &result), 0);
    assert_int_equal(result.outcome, SEATS_LIST_LOT_REQUIRED);
    assert_int_equal(result.lot_needed.stage, SEATS_STAGE_CAP);
    assert_int_equal(result.lot_needed.at, -220000);

    set_lot(3, (const int64_t[]){2, 3, 1});
    assert_int_equal(allocate(), 0);
    assert_int_equal(result.outcome, SEATS_LIST_ALLOCATED);
    assert_int_equal(result.parties[0].seats, 27);
    assert_int_equal(result.parties[1].seats, 14);
    assert_int_equal(result.parties[2].seats, 13);
    assert_int_equal(result.ndraws, 1);
    assert_int_equal(result.draws[0].stage, SEATS_STAGE_CAP);
    assert_int_equal(result.draws[0].tied[0], 1);
}

static void list_contest_fails(void **state)
{
    (void)state;
    new_contest(54, 27, 1000000, 300001);
    add_party(1, 300000);
    add_party(2, 200000);
    assert_int_equal(allocate(), 0);
    assert_int_equal(result.outcome, SEATS_LIST_FAILED_AGAINST_ALL);
    assert_int_equal(result.leader_votes, 300000);
    assert_int_equal(result.parties[0].seats, 0);
    /* Level with against all: not fewer, so not failed. */
    contest.against_all = 300000;
    assert_int_equal(allocate(), 0);
    assert_int_equal(result.outcome, SEATS_LIST_ALLOCATED);
}

static void no_party_qualifies(void **state)
{
    (void)state;
    /* 5% of 1,000,000 is 50,000. */
    new_contest(54, 27, 1000000, 1000);
    add_party(1, 49999);
    add_party(2, 40000);
    assert_int_equal(allocate(), 0);
    assert_int_equal(result.outcome, SEATS_LIST_NO_PARTY_QUALIFIED);
    assert_int_equal(result.nqualified, 0);
    new_contest(54, 27, 1000000, 0); /* no parties at all */
    assert_int_equal(allocate(), 0);
    assert_int_equal(result.outcome, SEATS_LIST_NO_PARTY_QUALIFIED);
}

static void invalid_lists(void **state)
{
    (void)state;
    struct seats_party *p;

    new_contest(54, 27, 100000, 0);
    p = add_party(1, -1);
    assert_int_equal(allocate(), -SEATS_E_COUNT);
    assert_string_equal(result.invalid.field, "parties[0].votes");
    assert_null(result.invalid.reason); /* seats_error_message() says it */
    p->votes = SEATS_MAX_VOTES + 1;
    assert_int_equal(allocate(), -SEATS_E_COUNT);

    /* More votes than participants. */
    new_contest(54, 27, 100000, 1);
    add_party(1, 50000);
    add_party(2, 50000);
    assert_int_equal(allocate(), -SEATS_E_SUM);
    assert_string_equal(result.invalid.field, "parties[1].votes");
    assert_string_equal(result.invalid.reason,
                        "votes for the parties and against all add up to "
                        "more than the participants");

    /* Regions adding up to more than the nation. */
    new_contest(54, 27, 100000, 0);
    contest.region_participants[8] += 10;
    assert_int_equal(allocate(), -SEATS_E_SUM);
    assert_string_equal(result.invalid.field, "regions");

    /* A party's region votes above its votes, and above the region's participants. */
    new_contest(54, 27, 900000, 0);
    p = add_party(1, 9000);
    p->region_votes[3] = 2000;
    assert_int_equal(allocate(), -SEATS_E_SUM);
    assert_string_equal(result.invalid.field, "parties[0].region_votes");
    p->votes = 200000;
    p->region_votes[3] = 100001;
    assert_int_equal(allocate(), -SEATS_E_SUM);
    assert_string_equal(result.invalid.field, "parties[0].region_votes[3]");

    /* Ids. */
    new_contest(54, 27, 100000, 0);
    add_party(1, 10000);
    add_party(1, 10000);
    assert_int_equal(allocate(), -SEATS_E_ID);
    assert_string_equal(result.invalid.field, "parties[1].id");
    contest.parties[1].id = 0;
    assert_int_equal(allocate(), -SEATS_E_ID);

    /* Lots naming strangers or a party twice. */
    new_contest(54, 27, 100000, 0);
    add_party(1, 10000);
    add_party(2, 10000);
    set_lot(2, (const int64_t[]){2, 9});
    assert_int_equal(allocate(), -SEATS_E_LOT);
    assert_string_equal(result.invalid.field, "lot[1]");
    set_lot(3, (const int64_t[]){2, 1, 2});
    assert_int_equal(allocate(), -SEATS_E_LOT);
    assert_string_equal(result.invalid.field, "lot[2]");

    /* Seats, cap, participants, counts. */
    new_contest(0, 27, 100000, 0);
    assert_int_equal(allocate(), -SEATS_E_SEATS);
    new_contest(55, 27, 100000, 0);
    assert_int_equal(allocate(), -SEATS_E_SEATS);
    new_contest(54, 0, 100000, 0);
    assert_int_equal(allocate(), -SEATS_E_SEATS);
    assert_string_equal(result.invalid.field, "cap");
    new_contest(54, 27, 0, 0);
    assert_int_equal(allocate(), -SEATS_E_EMPTY);
    new_contest(54, 27, 100000, -5);
    assert_int_equal(allocate(), -SEATS_E_COUNT);
    new_contest(54, 27, 100000, 0);
    contest.region_participants[0] = -1;
    assert_int_equal(allocate(), -SEATS_E_COUNT);
    new_contest(54, 27, 100000, 0);
    contest.nparties = SEATS_MAX_PARTIES + 1;
    assert_int_equal(allocate(), -SEATS_E_TOO_MANY);

    /* Candidates: position, sex, preference votes above the party's votes. */
    new_contest(54, 27, 100000, 0);
    p = add_party(1, 10000);
    p->ncandidates = 2;
    p->candidates[0] = (struct seats_candidate){1, 'F', 5000, false};
    p->candidates[1] = (struct seats_candidate){1, 'M', 5000, false};
    assert_int_equal(allocate(), -SEATS_E_POSITION);
    assert_string_equal(result.invalid.field, "parties[0].candidates[1].position");
    p->candidates[1].position = 55;
    assert_int_equal(allocate(), -SEATS_E_POSITION);
    p->candidates[1].position = 2;
    p->candidates[1].sex = 'X';
    assert_int_equal(allocate(), -SEATS_E_SEX);
    p->candidates[1].sex = 'M';
    p->candidates[1].preference_votes = 5001;
    assert_int_equal(allocate(), -SEATS_E_SUM);
    assert_string_equal(result.invalid.field, "parties[0].candidates");
    p->candidates[1].preference_votes = 5000;
    assert_int_equal(allocate(), 0);

    assert_int_equal(seats_allocate_lists(NULL, NULL, &result), -SEATS_E_ARG);
    assert_int_equal(seats_allocate_lists(&contest, NULL, NULL), -SEATS_E_ARG);
}

/* ---- Filling a party's seats ------------------------------------------- */

static struct seats_party party;
static struct seats_fill_result fill;

/* Candidates at positions 1.. with the given sexes and preference votes. */
static void new_list(const char *sexes, const int64_t *prefs)
{
    memset(&party, 0, sizeof party);
    party.id = 1;
    party.votes = 100000;
    for (size_t i = 0; sexes[i] != '\0'; i++) {
        party.candidates[i] = (struct seats_candidate){(int)i + 1, sexes[i], prefs[i], false};
        party.ncandidates++;
    }
}

/* The elected candidates' positions, in rank order, and how ("P" or "W"). */
static void assert_elected(const char *how, const int *positions)
{
    size_t n = strlen(how);
    assert_int_equal(fill.nelected, n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(party.candidates[fill.elected[i].candidate].position, positions[i]);
        assert_int_equal(fill.elected[i].by,
                         how[i] == 'W' ? SEATS_BY_WOMEN_QUOTA : SEATS_BY_PREFERENCE);
    }
}

static const int64_t falling[] = {900, 800, 700, 600, 500, 400, 300, 200, 100, 90, 80, 70, 60, 50};

static void women_quota_of_ten(void **state)
{
    (void)state;
    /* 10 seats: ceil(3.0) = 3 women.  The top 10 by preference hold one
     * woman (position 3); the women at 11 and 12 take the places of the men
     * ranked 9 and 10. */
    new_list("MMFMMMMMMMFFMF", falling);
    assert_int_equal(seats_fill_list(&party, 10, &fill), 0);
    assert_int_equal(fill.women_quota, 3);
    assert_int_equal(fill.women_elected, 3);
    assert_int_equal(fill.unfilled, 0);
    assert_elected("PPPPPPPPWW", (const int[]){1, 2, 3, 4, 5, 6, 7, 8, 11, 12});
    assert_int_equal(fill.elected[8].rank, 11);

    /* Enough women by preference already: nobody is moved. */
    new_list("FMFMFMMMMMMMMM", falling);
    assert_int_equal(seats_fill_list(&party, 10, &fill), 0);
    assert_int_equal(fill.women_elected, 3);
    assert_elected("PPPPPPPPPP", (const int[]){1, 2, 3, 4, 5, 6, 7, 8, 9, 10});

    /* 4 seats: ceil(1.2) = 2. */
    new_list("MMMMFF", falling);
    assert_int_equal(seats_fill_list(&party, 4, &fill), 0);
    assert_int_equal(fill.women_quota, 2);
    assert_elected("PPWW", (const int[]){1, 2, 5, 6});
}

static void women_quota_small(void **state)
{
    (void)state;
    /* 1 seat: ceil(0.3) = 1, the best woman takes it over the best man. */
    new_list("MMFMF", falling);
    assert_int_equal(seats_fill_list(&party, 1, &fill), 0);
    assert_int_equal(fill.women_quota, 1);
    assert_elected("W", (const int[]){3});
    assert_int_equal(fill.elected[0].rank, 3);

    /* 0 seats: nobody. */
    assert_int_equal(seats_fill_list(&party, 0, &fill), 0);
    assert_int_equal(fill.women_quota, 0);
    assert_int_equal(fill.nelected, 0);
}

static void fewer_women_than_quota(void **state)
{
    (void)state;
    /* 10 seats want 3 women; the list has 2 (positions 3 and 14): both are
     * elected, woman 14 in the place of man 10, the rest by preference. */
    new_list("MMFMMMMMMMMMMF", falling);
    assert_int_equal(seats_fill_list(&party, 10, &fill), 0);
    assert_int_equal(fill.women_quota, 3);
    assert_int_equal(fill.women_elected, 2);
    assert_elected("PPPPPPPPPW", (const int[]){1, 2, 3, 4, 5, 6, 7, 8, 9, 14});

    /* No women at all. */
    new_list("MMMM", falling);
    assert_int_equal(seats_fill_list(&party, 2, &fill), 0);
    assert_int_equal(fill.women_elected, 0);
    assert_elected("PP", (const int[]){1, 2});
}

static void equal_preferences_fall_back_to_list_order(void **state)
{
    (void)state;
    /* All zero, candidates given out of list order: 3 seats, ceil(0.9) = 1
     * woman.  Ranking 1 2 3 4 5 by position; woman 4 replaces man 3. */
    memset(&party, 0, sizeof party);
    party.id = 1;
    party.votes = 10;
    party.ncandidates = 5;
    party.candidates[0] = (struct seats_candidate){5, 'F', 0, false};
    party.candidates[1] = (struct seats_candidate){3, 'M', 0, false};
    party.candidates[2] = (struct seats_candidate){1, 'M', 0, false};
    party.candidates[3] = (struct seats_candidate){4, 'F', 0, false};
    party.candidates[4] = (struct seats_candidate){2, 'M', 0, false};
    assert_int_equal(seats_fill_list(&party, 3, &fill), 0);
    assert_elected("PPW", (const int[]){1, 2, 4});
    assert_int_equal(fill.elected[2].candidate, 3);

    /* Equal non-zero votes: the earlier position first. */
    new_list("MFM", (const int64_t[]){50, 100, 100});
    assert_int_equal(seats_fill_list(&party, 2, &fill), 0);
    assert_elected("PP", (const int[]){2, 3});
    new_list("MMF", (const int64_t[]){100, 100, 100});
    assert_int_equal(seats_fill_list(&party, 2, &fill), 0); /* ceil(0.6) = 1 */
    assert_elected("PW", (const int[]){1, 3});
}

static void withdrawn_skipped(void **state)
{
    (void)state;
    /* Position 1 (the most votes) and woman 3 withdrew: ranks close up. */
    new_list("MMFMFM", falling);
    party.candidates[0].withdrawn = true;
    party.candidates[2].withdrawn = true;
    assert_int_equal(seats_fill_list(&party, 2, &fill), 0);
    assert_elected("PW", (const int[]){2, 5});
    assert_int_equal(fill.elected[0].rank, 1);
    assert_int_equal(fill.elected[1].rank, 3);

    /* More seats than candidates left: the rest unfilled. */
    assert_int_equal(seats_fill_list(&party, 6, &fill), 0);
    assert_int_equal(fill.nelected, 4);
    assert_int_equal(fill.unfilled, 2);
}

static void invalid_fill(void **state)
{
    (void)state;
    new_list("MF", falling);
    assert_int_equal(seats_fill_list(&party, -1, &fill), -SEATS_E_SEATS);
    assert_int_equal(seats_fill_list(&party, 55, &fill), -SEATS_E_SEATS);
    party.candidates[1].preference_votes = -1;
    assert_int_equal(seats_fill_list(&party, 1, &fill), -SEATS_E_COUNT);
    assert_string_equal(fill.invalid.field, "candidates[1].preference_votes");
    party.candidates[1].preference_votes = 1;
    party.votes = 900; /* 900 + 1 preference votes > 900 */
    assert_int_equal(seats_fill_list(&party, 1, &fill), -SEATS_E_SUM);
    party.ncandidates = SEATS_MAX_CANDIDATES + 1;
    assert_int_equal(seats_fill_list(&party, 1, &fill), -SEATS_E_TOO_MANY);
    assert_int_equal(seats_fill_list(NULL, 1, &fill), -SEATS_E_ARG);
}

/* ---- Single-member districts ------------------------------------------- */

static struct seats_district district;
static struct seats_district_result won;

static void new_district(int64_t against_all, size_t n, const int64_t *votes)
{
    memset(&district, 0, sizeof district);
    district.district = 7;
    district.against_all = against_all;
    district.ncandidates = n;
    for (size_t i = 0; i < n; i++)
        district.candidates[i] = (struct seats_district_candidate){(int64_t)(101 + i), votes[i]};
}

static void district_winner(void **state)
{
    (void)state;
    new_district(500, 3, (const int64_t[]){3000, 4000, 2000});
    assert_int_equal(seats_district_winner(&district, NULL, &won), 0);
    assert_int_equal(won.outcome, SEATS_DISTRICT_ELECTED);
    assert_int_equal(won.winner, 1);
    assert_int_equal(won.leader_votes, 4000);
    assert_false(won.lot_used);
}

static void district_fails_against_all(void **state)
{
    (void)state;
    new_district(4001, 3, (const int64_t[]){3000, 4000, 2000});
    assert_int_equal(seats_district_winner(&district, NULL, &won), 0);
    assert_int_equal(won.outcome, SEATS_DISTRICT_FAILED_AGAINST_ALL);
    district.against_all = 4000; /* level: not more, so elected */
    assert_int_equal(seats_district_winner(&district, NULL, &won), 0);
    assert_int_equal(won.outcome, SEATS_DISTRICT_ELECTED);
    /* Tied leaders under against all: failed, no lot needed. */
    new_district(4001, 2, (const int64_t[]){4000, 4000});
    assert_int_equal(seats_district_winner(&district, NULL, &won), 0);
    assert_int_equal(won.outcome, SEATS_DISTRICT_FAILED_AGAINST_ALL);
    /* Nobody got a vote (our rule): failed rather than a lot among zeros. */
    new_district(0, 2, (const int64_t[]){0, 0});
    assert_int_equal(seats_district_winner(&district, NULL, &won), 0);
    assert_int_equal(won.outcome, SEATS_DISTRICT_FAILED_NO_VOTES);
    new_district(0, 0, NULL);
    assert_int_equal(seats_district_winner(&district, NULL, &won), 0);
    assert_int_equal(won.outcome, SEATS_DISTRICT_FAILED_NO_VOTES);
}

static void district_tie_broken_by_lot(void **state)
{
    (void)state;
    new_district(100, 3, (const int64_t[]){4000, 2000, 4000});
    assert_int_equal(seats_district_winner(&district, NULL, &won), 0);
    assert_int_equal(won.outcome, SEATS_DISTRICT_LOT_REQUIRED);
    assert_int_equal(won.draw.ntied, 2);
    assert_int_equal(won.draw.tied[0], 0);
    assert_int_equal(won.draw.tied[1], 2);

    struct seats_lot l = {3, {102, 103, 101}};
    assert_int_equal(seats_district_winner(&district, &l, &won), 0);
    assert_int_equal(won.outcome, SEATS_DISTRICT_ELECTED);
    assert_true(won.lot_used);
    assert_int_equal(won.winner, 2); /* 103 drawn before 101 */
    assert_int_equal(won.draw.stage, SEATS_STAGE_DISTRICT);
    assert_int_equal(won.draw.at, 4000);
    assert_int_equal(won.draw.tied[0], 2);
    assert_int_equal(won.draw.tied[1], 0);
}

static void invalid_districts(void **state)
{
    (void)state;
    new_district(0, 2, (const int64_t[]){10, 20});
    district.district = 37;
    assert_int_equal(seats_district_winner(&district, NULL, &won), -SEATS_E_DISTRICT);
    district.district = 0;
    assert_int_equal(seats_district_winner(&district, NULL, &won), -SEATS_E_DISTRICT);
    new_district(-1, 2, (const int64_t[]){10, 20});
    assert_int_equal(seats_district_winner(&district, NULL, &won), -SEATS_E_COUNT);
    new_district(0, 2, (const int64_t[]){10, -20});
    assert_int_equal(seats_district_winner(&district, NULL, &won), -SEATS_E_COUNT);
    assert_string_equal(won.invalid.field, "candidates[1].votes");
    new_district(0, 2, (const int64_t[]){10, 20});
    district.candidates[1].id = 101;
    assert_int_equal(seats_district_winner(&district, NULL, &won), -SEATS_E_ID);
    new_district(0, 2, (const int64_t[]){10, 20});
    struct seats_lot l = {1, {7}};
    assert_int_equal(seats_district_winner(&district, &l, &won), -SEATS_E_LOT);
    district.ncandidates = SEATS_MAX_DISTRICT_CANDIDATES + 1;
    assert_int_equal(seats_district_winner(&district, NULL, &won), -SEATS_E_TOO_MANY);
    assert_int_equal(seats_district_winner(NULL, NULL, &won), -SEATS_E_ARG);
}

static void names(void **state)
{
    (void)state;
    assert_string_equal(seats_error_code(-SEATS_E_SUM), "sum_mismatch");
    assert_string_equal(seats_error_code(SEATS_E_LOT), "bad_lot");
    assert_string_equal(seats_error_code(INT_MIN), "invalid");
    assert_string_equal(seats_error_code(-SEATS_ERROR__MAX), "invalid");
    for (int e = 0; e < SEATS_ERROR__MAX; e++) {
        assert_non_null(seats_error_code(-e));
        assert_non_null(seats_error_message(-e));
    }
    for (int o = 0; o < SEATS_LIST_OUTCOME__MAX; o++)
        assert_non_null(seats_list_outcome_name((enum seats_list_outcome)o));
    for (int o = 0; o < SEATS_DISTRICT_OUTCOME__MAX; o++)
        assert_non_null(seats_district_outcome_name((enum seats_district_outcome)o));
    for (int s = 0; s < SEATS_STAGE__MAX; s++)
        assert_non_null(seats_stage_name((enum seats_stage)s));
    assert_string_equal(seats_elected_by_name(SEATS_BY_WOMEN_QUOTA), "women_quota");
    assert_string_equal(seats_list_outcome_name(SEATS_LIST_LOT_REQUIRED), "lot_required");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(national_threshold_uses_participants),
        cmocka_unit_test(region_threshold),
        cmocka_unit_test(remainders_decide_last_seats),
        cmocka_unit_test(exact_tie_broken_by_lot),
        cmocka_unit_test(cap_redistributes_by_remainder),
        cmocka_unit_test(cap_reached_while_redistributing),
        cmocka_unit_test(cap_skips_capped_party),
        cmocka_unit_test(tie_at_the_cap_stage),
        cmocka_unit_test(list_contest_fails),
        cmocka_unit_test(no_party_qualifies),
        cmocka_unit_test(invalid_lists),
        cmocka_unit_test(women_quota_of_ten),
        cmocka_unit_test(women_quota_small),
        cmocka_unit_test(fewer_women_than_quota),
        cmocka_unit_test(equal_preferences_fall_back_to_list_order),
        cmocka_unit_test(withdrawn_skipped),
        cmocka_unit_test(invalid_fill),
        cmocka_unit_test(district_winner),
        cmocka_unit_test(district_fails_against_all),
        cmocka_unit_test(district_tie_broken_by_lot),
        cmocka_unit_test(invalid_districts),
        cmocka_unit_test(names),
        cmocka_unit_test(council_threshold_and_no_regions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
