#ifndef SHAILOO_MAJORITY_H
#define SHAILOO_MAJORITY_H

#include <stddef.h>
#include <stdint.h>

/*
 * The outcomes of the elections decided by a majority, not by seats: a
 * referendum's question and the presidential election (two rounds).  Pure:
 * no I/O, no allocation, no floating point; the caller's input and result
 * structs only.  The base of every share is the participants (the ballots
 * found in the boxes), as for the party lists (DOMAIN.md).  Where the law
 * was not at hand the rule is ours, marked so, and lives here in one place:
 *
 * - A referendum is valid when more than 30% of the voters on the lists took
 *   part; its question is adopted when more than half of the participants
 *   answered yes (invalid ballots count among the participants).
 * - A presidential election is decided in the first round by more than half
 *   of the participants; otherwise the two candidates with the most votes go
 *   to a second round (a separate election linked to the first), where the
 *   one with more votes wins.  In either round the election fails when
 *   "against all" gets more votes than the leader (as the districts' rule,
 *   our rule here).  No turnout minimum for the presidential election (our
 *   rule).  Ties are never broken silently: the caller's lot decides, else
 *   the outcome is "lot required".
 */

#define MAJORITY_REFERENDUM_TURNOUT_PERMILLE 300 /* more than 30% of the voters */
#define MAJORITY_MAX_CANDIDATES 32
#define MAJORITY_MAX_VOTES 100000000 /* any single count, as seats.h */

enum majority_error {
    MAJORITY_OK,
    MAJORITY_E_ARG, /* a NULL pointer */
    MAJORITY_E_COUNT, /* a count negative or above MAJORITY_MAX_VOTES */
    MAJORITY_E_SUM, /* parts that add up to more than their whole */
    MAJORITY_E_TOO_MANY, /* more candidates than MAJORITY_MAX_CANDIDATES, or none */
    MAJORITY_E_ID, /* a candidate id not positive or repeated */
    MAJORITY_E_LOT, /* the lot names an unknown id or one twice */
    MAJORITY_ERROR__MAX
};

const char *majority_error_code(int err);

/* ---- a referendum's question ---- */

struct majority_referendum {
    int64_t voters; /* on the lists */
    int64_t participants; /* ballots found in the boxes */
    int64_t yes, no; /* valid answers; the rest of the participants are invalid ballots */
};

enum majority_referendum_outcome {
    REFERENDUM_ADOPTED,
    REFERENDUM_REJECTED,
    REFERENDUM_VOID, /* turnout not above the minimum: the referendum did not take place */
};

struct majority_referendum_result {
    enum majority_referendum_outcome outcome;
    int64_t turnout_permille; /* participants / voters, rounded down */
    int64_t yes_permille; /* yes / participants, rounded down */
};

/* 0, or -enum majority_error. */
int majority_referendum(const struct majority_referendum *in,
                        struct majority_referendum_result *out);

/* ---- the presidential election ---- */

struct majority_candidate {
    int64_t id;
    int64_t votes;
};

struct majority_round {
    int64_t participants; /* ballots found in the boxes */
    int64_t against_all;
    size_t n;
    struct majority_candidate candidates[MAJORITY_MAX_CANDIDATES];
    size_t nlot; /* a drawing of lots, first drawn first served; 0: none */
    int64_t lot[MAJORITY_MAX_CANDIDATES];
};

enum majority_round_outcome {
    ROUND_ELECTED, /* winner */
    ROUND_SECOND_ROUND, /* runoff[0], runoff[1] go on */
    ROUND_FAILED, /* "against all" beat the leader, or nobody got a vote */
    ROUND_LOT_REQUIRED, /* tied[] compete for fewer places than they are */
};

struct majority_round_result {
    enum majority_round_outcome outcome;
    int64_t winner;
    int64_t runoff[2];
    size_t ntied;
    int64_t tied[MAJORITY_MAX_CANDIDATES];
    int64_t leader_permille; /* the leader's votes / participants, rounded down */
};

/*
 * The first round (second = 0) or the second (second = 1: exactly two
 * candidates, the one with more votes wins).  0, or -enum majority_error.
 */
int majority_president(const struct majority_round *in, int second,
                       struct majority_round_result *out);

#endif
