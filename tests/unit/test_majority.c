/* Referendums and the presidential election (cgi/rules/majority.c), on worked examples. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "rules/majority.h"

static struct majority_referendum_result referendum(int64_t voters, int64_t participants,
                                                    int64_t yes, int64_t no)
{
    struct majority_referendum in = {voters, participants, yes, no};
    struct majority_referendum_result out;
    assert_int_equal(majority_referendum(&in, &out), 0);
    return out;
}

static void referendums(void **state)
{
    (void)state;
    /* 2021-01-10 in the demo's spirit: 1,000,000 voters, 400,000 took part, 320,000 yes. */
    struct majority_referendum_result r = referendum(1000000, 400000, 320000, 70000);
    assert_int_equal(r.outcome, REFERENDUM_ADOPTED);
    assert_int_equal(r.turnout_permille, 400);
    assert_int_equal(r.yes_permille, 800);
    /* Exactly 30% did not take "more than 30%": void, whatever the answers. */
    assert_int_equal(referendum(1000, 300, 300, 0).outcome, REFERENDUM_VOID);
    assert_int_equal(referendum(1000, 301, 300, 0).outcome, REFERENDUM_ADOPTED);
    /* Exactly half yes is not more than half; invalid ballots count among the participants. */
    assert_int_equal(referendum(1000, 600, 300, 290).outcome, REFERENDUM_REJECTED);
    assert_int_equal(referendum(1000, 600, 301, 0).outcome, REFERENDUM_ADOPTED);
    assert_int_equal(referendum(1000, 600, 250, 200).outcome,
                     REFERENDUM_REJECTED); /* 150 invalid */
    /* Rounded down, never up: 2 of 3 is 666 permille. */
    assert_int_equal(referendum(3, 3, 2, 1).yes_permille, 666);
}

static void referendum_refusals(void **state)
{
    (void)state;
    struct majority_referendum_result out;
    struct majority_referendum bad[] = {
        {0, 0, 0, 0},      {-1, 0, 0, 0},    {100, 101, 0, 0},
        {100, 50, 30, 21}, {100, 50, -1, 0}, {MAJORITY_MAX_VOTES + 1LL, 1, 1, 0},
    };
    int want[] = {-MAJORITY_E_COUNT, -MAJORITY_E_COUNT, -MAJORITY_E_SUM,
                  -MAJORITY_E_SUM,   -MAJORITY_E_COUNT, -MAJORITY_E_COUNT};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(majority_referendum(&bad[i], &out), want[i]);
    assert_int_equal(majority_referendum(NULL, &out), -MAJORITY_E_ARG);
    assert_string_equal(majority_error_code(-MAJORITY_E_SUM), "parts_exceed_whole");
}

/* A round of candidates (id, votes)..., terminated by id 0. */
static struct majority_round round_of(int64_t participants, int64_t against_all,
                                      const int64_t *pairs)
{
    struct majority_round r;
    memset(&r, 0, sizeof(r));
    r.participants = participants;
    r.against_all = against_all;
    for (size_t i = 0; pairs[2 * i] != 0; i++)
        r.candidates[r.n++] = (struct majority_candidate){pairs[2 * i], pairs[2 * i + 1]};
    return r;
}

static struct majority_round_result decide(const struct majority_round *r, int second)
{
    struct majority_round_result out;
    assert_int_equal(majority_president(r, second, &out), 0);
    return out;
}

static void first_round(void **state)
{
    (void)state;
    /* More than half of the participants (invalid ballots included): elected in the first round. */
    struct majority_round r = round_of(1000, 20, (const int64_t[]){7, 501, 8, 300, 9, 100, 0});
    struct majority_round_result out = decide(&r, 0);
    assert_int_equal(out.outcome, ROUND_ELECTED);
    assert_int_equal(out.winner, 7);
    assert_int_equal(out.leader_permille, 501);
    /* Exactly half is no majority: the top two go on. */
    r = round_of(1000, 20, (const int64_t[]){7, 500, 8, 300, 9, 100, 0});
    out = decide(&r, 0);
    assert_int_equal(out.outcome, ROUND_SECOND_ROUND);
    assert_int_equal(out.runoff[0], 7);
    assert_int_equal(out.runoff[1], 8);
    /* Two tied at the top without a majority: both go on, no lot needed. */
    r = round_of(1000, 0, (const int64_t[]){3, 400, 4, 400, 5, 100, 0});
    out = decide(&r, 0);
    assert_int_equal(out.outcome, ROUND_SECOND_ROUND);
    assert_int_equal(out.runoff[0], 3);
    assert_int_equal(out.runoff[1], 4);
    /* "Against all" ahead of the leader: the election fails. */
    r = round_of(1000, 401, (const int64_t[]){3, 400, 4, 100, 0});
    assert_int_equal(decide(&r, 0).outcome, ROUND_FAILED);
    /* Nobody got a vote, or only one candidate did without a majority: no second round to hold. */
    r = round_of(100, 0, (const int64_t[]){3, 0, 4, 0, 0});
    assert_int_equal(decide(&r, 0).outcome, ROUND_FAILED);
    r = round_of(100, 10, (const int64_t[]){3, 40, 4, 0, 0});
    assert_int_equal(decide(&r, 0).outcome, ROUND_FAILED);
}

static void ties_and_lots(void **state)
{
    (void)state;
    /* Second place tied between 8 and 9: a lot is required, naming them; nothing decided. */
    struct majority_round r =
        round_of(1000, 0, (const int64_t[]){7, 450, 8, 200, 9, 200, 10, 50, 0});
    struct majority_round_result out = decide(&r, 0);
    assert_int_equal(out.outcome, ROUND_LOT_REQUIRED);
    assert_int_equal(out.ntied, 2);
    assert_int_equal(out.tied[0], 8);
    assert_int_equal(out.tied[1], 9);
    /* The commission's lot drew 9 first: 9 goes on. */
    r.nlot = 2;
    r.lot[0] = 9;
    r.lot[1] = 8;
    out = decide(&r, 0);
    assert_int_equal(out.outcome, ROUND_SECOND_ROUND);
    assert_int_equal(out.runoff[0], 7);
    assert_int_equal(out.runoff[1], 9);
    /* Three tied at the top for two places: the lot's first two. */
    r = round_of(900, 0, (const int64_t[]){1, 300, 2, 300, 3, 300, 0});
    assert_int_equal(decide(&r, 0).outcome, ROUND_LOT_REQUIRED);
    r.nlot = 3;
    r.lot[0] = 3;
    r.lot[1] = 1;
    r.lot[2] = 2;
    out = decide(&r, 0);
    assert_int_equal(out.outcome, ROUND_SECOND_ROUND);
    assert_int_equal(out.runoff[0], 3);
    assert_int_equal(out.runoff[1], 1);
    /* A lot that leaves out one of the tied is no lot for them. */
    r.nlot = 2;
    assert_int_equal(decide(&r, 0).outcome, ROUND_LOT_REQUIRED);
}

static void second_round(void **state)
{
    (void)state;
    /* The second round: more votes wins, majority or not. */
    struct majority_round r = round_of(1000, 100, (const int64_t[]){7, 420, 8, 380, 0});
    struct majority_round_result out = decide(&r, 1);
    assert_int_equal(out.outcome, ROUND_ELECTED);
    assert_int_equal(out.winner, 7);
    /* A tie: the lot decides. */
    r = round_of(1000, 100, (const int64_t[]){7, 400, 8, 400, 0});
    assert_int_equal(decide(&r, 1).outcome, ROUND_LOT_REQUIRED);
    r.nlot = 2;
    r.lot[0] = 8;
    r.lot[1] = 7;
    assert_int_equal(decide(&r, 1).winner, 8);
    /* "Against all" ahead: failed here too. */
    r = round_of(1000, 450, (const int64_t[]){7, 300, 8, 250, 0});
    assert_int_equal(decide(&r, 1).outcome, ROUND_FAILED);
    /* A second round has exactly two candidates. */
    r = round_of(1000, 0, (const int64_t[]){7, 300, 8, 250, 9, 100, 0});
    struct majority_round_result bad;
    assert_int_equal(majority_president(&r, 1, &bad), -MAJORITY_E_TOO_MANY);
}

static void round_refusals(void **state)
{
    (void)state;
    struct majority_round_result out;
    struct majority_round r = round_of(100, 0, (const int64_t[]){7, 60, 8, 50, 0});
    assert_int_equal(majority_president(&r, 0, &out),
                     -MAJORITY_E_SUM); /* 110 votes of 100 ballots */
    r = round_of(100, 0, (const int64_t[]){7, 10, 7, 20, 0});
    assert_int_equal(majority_president(&r, 0, &out), -MAJORITY_E_ID);
    r = round_of(100, 0, (const int64_t[]){-7, 10, 0});
    assert_int_equal(majority_president(&r, 0, &out), -MAJORITY_E_ID);
    r = round_of(100, -1, (const int64_t[]){7, 10, 0});
    assert_int_equal(majority_president(&r, 0, &out), -MAJORITY_E_COUNT);
    r = round_of(100, 0, (const int64_t[]){0});
    assert_int_equal(majority_president(&r, 0, &out), -MAJORITY_E_TOO_MANY);
    r = round_of(100, 0, (const int64_t[]){7, 10, 8, 10, 0});
    r.nlot = 2;
    r.lot[0] = 7;
    r.lot[1] = 99;
    assert_int_equal(majority_president(&r, 0, &out), -MAJORITY_E_LOT);
    r.lot[1] = 7;
    assert_int_equal(majority_president(&r, 0, &out), -MAJORITY_E_LOT);
    assert_int_equal(majority_president(NULL, 0, &out), -MAJORITY_E_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(referendums),  cmocka_unit_test(referendum_refusals),
        cmocka_unit_test(first_round),  cmocka_unit_test(ties_and_lots),
        cmocka_unit_test(second_round), cmocka_unit_test(round_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
