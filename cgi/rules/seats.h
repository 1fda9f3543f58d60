#ifndef SHAILOO_SEATS_H
#define SHAILOO_SEATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Seat allocation (DOMAIN.md, "Seat allocation"): the party-list contest
 * (54 seats in one nationwide district), the filling of a party's seats
 * from its open list, and the single-member districts (36).
 *
 * Pure: no I/O, no allocation, no floating point.  Every function reads a
 * caller's input struct and writes a caller's result struct, both of fixed
 * size; nothing is kept between calls and no pointer into the input is kept
 * in a result (results name parties and candidates by their index in the
 * input).  A function returns 0 when the input is valid, whatever the
 * outcome (seats allocated, the contest failed, a lot is needed), or
 * -enum seats_error when it is not, with the member at fault in the result's
 * `invalid` (e.g. "parties[2].region_votes[4]").
 *
 * Ties are never broken silently: where equal numbers compete for fewer
 * seats than there are contenders, the caller's lot decides (the ids in the
 * order they were drawn, first drawn first served) and the result records
 * the draw; without a lot covering every contender the outcome is
 * "lot required", naming the contenders, and nothing is decided.
 */

#define SEATS_LIST_SEATS 54 /* the party-list contest */
#define SEATS_COUNCIL_MAX_SEATS 120 /* a council's lists, or the 120-seat parliament of 2007-2020 */
#define SEATS_LIST_CAP 27 /* no party holds more */
#define SEATS_REGIONS 9 /* region i of the arrays is region id i + 1 */
#define SEATS_DISTRICTS 36 /* single-member districts, numbered 1..36 */
#define SEATS_MAX_PARTIES 64
#define SEATS_MAX_CANDIDATES 54 /* on one party list, positions 1..54 */
#define SEATS_MAX_DISTRICT_CANDIDATES 64
#define SEATS_MAX_LOT 64 /* ids in one lot */
#define SEATS_MAX_TIED 64 /* the larger of the two maxima above */
#define SEATS_MAX_VOTES 100000000 /* any single count; keeps the arithmetic in int64 */

/* Thresholds in thousandths of the participants (ballots found in the boxes). */
#define SEATS_NATIONAL_PERMILLE 50 /* 5% nationwide */
#define SEATS_REGION_PERMILLE 5 /* 0.5% in each region */
#define SEATS_WOMEN_PERCENT 30 /* of a party's seats, rounded up (our rule) */

enum seats_error {
    SEATS_OK,
    SEATS_E_ARG, /* a NULL pointer */
    SEATS_E_SEATS, /* seats or cap out of range */
    SEATS_E_COUNT, /* a count negative or above SEATS_MAX_VOTES */
    SEATS_E_EMPTY, /* no participants */
    SEATS_E_TOO_MANY, /* more parties, candidates or lot entries than the maxima */
    SEATS_E_ID, /* an id not positive or repeated */
    SEATS_E_SUM, /* parts that add up to more than their whole */
    SEATS_E_POSITION, /* a list position outside 1..54 or repeated */
    SEATS_E_SEX, /* neither 'F' nor 'M' */
    SEATS_E_LOT, /* the lot names an unknown id or one twice */
    SEATS_E_DISTRICT, /* a district number outside 1..36 */
    SEATS_ERROR__MAX
};

/* The snake_case code and a human message of -err (or err); "invalid" if unknown. */
const char *seats_error_code(int err);
const char *seats_error_message(int err);

/* Where invalid input was found: a path into the input as the CLI's JSON names it. */
struct seats_invalid {
    char field[64]; /* "" when the input is valid */
    const char *reason; /* static text, or NULL: seats_error_message() says it */
};

/* A recorded draw, e.g. from the commission's drawing of lots. */
struct seats_lot {
    size_t n; /* 0: no lot was drawn */
    int64_t ids[SEATS_MAX_LOT]; /* party (or candidate) ids, first drawn first */
};

enum seats_stage {
    SEATS_STAGE_REMAINDER, /* leftover seats by largest remainder */
    SEATS_STAGE_CAP, /* seats above the cap, redistributed */
    SEATS_STAGE_DISTRICT, /* first place in a single-member district */
    SEATS_STAGE__MAX
};

const char *seats_stage_name(enum seats_stage s);

/*
 * Equal contenders for fewer seats than their number.  After a draw, tied[]
 * is in the lot's order and the first `seats` of them won; when the lot is
 * still to be drawn, tied[] is in input order.
 */
struct seats_draw {
    enum seats_stage stage;
    int seats; /* seats at stake (1 in a district) */
    int64_t at; /* the equal remainder numerator, or the equal votes */
    size_t ntied;
    size_t tied[SEATS_MAX_TIED]; /* indexes into the input's parties or candidates */
};

/* ---- Party lists -------------------------------------------------------- */

struct seats_candidate {
    int position; /* on the frozen list, 1..54 (never refilled) */
    char sex; /* 'F' or 'M' */
    int64_t preference_votes;
    bool withdrawn;
};

struct seats_party {
    int64_t id; /* > 0, unique */
    int64_t votes; /* nationwide, abroad included */
    int64_t region_votes[SEATS_REGIONS];
    size_t ncandidates;
    struct seats_candidate candidates[SEATS_MAX_CANDIDATES];
};

struct seats_list_contest {
    int seats; /* SEATS_LIST_SEATS; 1..SEATS_LIST_SEATS */
    int cap; /* SEATS_LIST_CAP; at least 1 (>= seats: no cap) */
    int64_t participants; /* ballots found in the boxes nationwide, abroad included */
    int64_t region_participants[SEATS_REGIONS];
    int64_t against_all;
    size_t nparties;
    struct seats_party parties[SEATS_MAX_PARTIES];
};

enum seats_list_outcome {
    SEATS_LIST_ALLOCATED,
    SEATS_LIST_FAILED_AGAINST_ALL, /* the leading party has fewer votes than "against all" */
    SEATS_LIST_NO_PARTY_QUALIFIED,
    SEATS_LIST_LOT_REQUIRED, /* see lot_needed; seats are not final */
    SEATS_LIST_OUTCOME__MAX
};

const char *seats_list_outcome_name(enum seats_list_outcome o);

struct seats_party_result {
    bool national_ok; /* votes >= 5% of participants */
    unsigned regions_below; /* bit r: votes in region id r+1 < 0.5% of its participants */
    bool qualified; /* national_ok and no region below */
    int whole; /* floor(votes * seats / qualifying_votes) */
    int64_t remainder; /* votes * seats mod qualifying_votes: over V */
    int remainder_seats; /* leftover seats by largest remainder (0 or 1) */
    int cap_removed; /* seats above the cap taken away */
    int cap_added; /* seats received from others' excess */
    int seats; /* whole + remainder_seats - cap_removed + cap_added */
};

struct seats_list_result {
    enum seats_list_outcome outcome;
    int64_t leader_votes; /* the most votes of any party (0 if none) */
    size_t nqualified;
    int64_t qualifying_votes; /* V: quota = V / seats, remainders are r / V */
    int leftover; /* seats after the whole parts */
    int excess; /* seats taken away at the cap */
    int unfilled; /* seats no party could take (all at the cap) */
    size_t ndraws; /* lots used, at most one per stage */
    struct seats_draw draws[2];
    struct seats_draw lot_needed; /* when outcome is SEATS_LIST_LOT_REQUIRED */
    struct seats_party_result parties[SEATS_MAX_PARTIES]; /* as in->parties */
    struct seats_invalid invalid;
};

/*
 * Allocates the list contest's seats.  Borrows in and lot (lot may be NULL)
 * for the call; fills *out entirely.  Returns 0 or -enum seats_error.
 *
 * A party qualifies when votes * 1000 >= participants * 50 (5% of the
 * participants nationwide) and, in each of the 9 regions, its votes there
 * * 1000 >= that region's participants * 5 (0.5% of the region's own
 * participants).  Seats go by Hare quota and largest remainder among the
 * qualifying parties; the seats a party holds above the cap are taken away
 * and handed out one at a time to the parties below the cap, each time to
 * the one with the largest remaining fraction (v * seats - held * V) / V.
 */
int seats_allocate_lists(const struct seats_list_contest *in, const struct seats_lot *lot,
                         struct seats_list_result *out);

/*
 * A local council's party lists (a city or village kenesh): the same Hare
 * quota, largest remainder and cap as seats_allocate_lists, with the
 * council's own threshold (permille of the participants, 0..1000, from the
 * council's rules) and no regional rule (region_votes and
 * region_participants are not read for qualifying).  Seats 1..SEATS_COUNCIL_MAX_SEATS
 * (the parliament of 2007-2020 was 120 seats of lists alone: the same rules,
 * its own threshold and a cap of 65); "against all" fails the contest the same way.
 */
int seats_allocate_council(const struct seats_list_contest *in, const struct seats_lot *lot,
                           int threshold_permille, struct seats_list_result *out);

enum seats_elected_by {
    SEATS_BY_PREFERENCE, /* among the party's seats by preference votes */
    SEATS_BY_WOMEN_QUOTA, /* only because of the 30% women rule */
    SEATS_BY__MAX
};

const char *seats_elected_by_name(enum seats_elected_by b);

struct seats_elected {
    size_t candidate; /* index into party->candidates */
    int rank; /* 1-based place in the party's preference ranking */
    enum seats_elected_by by;
};

struct seats_fill_result {
    int seats;
    int women_quota; /* ceil(30% of seats) */
    int women_elected;
    int unfilled; /* seats beyond the list's remaining candidates */
    size_t nelected;
    struct seats_elected elected[SEATS_MAX_CANDIDATES]; /* by rank */
    struct seats_invalid invalid;
};

/*
 * Fills a party's `seats` from its open list.  Borrows party for the call;
 * fills *out.  Returns 0 or -enum seats_error.
 *
 * Candidates not withdrawn are ranked by preference votes, most first,
 * equal (or zero) votes in list order.  The elected are the top `seats` of
 * that ranking, except that when they hold fewer than ceil(0.3 * seats)
 * women, the best-ranked women outside them take the places of the
 * lowest-ranked men until they do (or no woman is left).
 */
int seats_fill_list(const struct seats_party *party, int seats, struct seats_fill_result *out);

/* ---- Single-member districts ------------------------------------------- */

struct seats_district_candidate {
    int64_t id; /* > 0, unique */
    int64_t votes;
};

struct seats_district {
    int district; /* 1..36 */
    int64_t against_all;
    size_t ncandidates;
    struct seats_district_candidate candidates[SEATS_MAX_DISTRICT_CANDIDATES];
};

enum seats_district_outcome {
    SEATS_DISTRICT_ELECTED,
    SEATS_DISTRICT_FAILED_AGAINST_ALL, /* "against all" has more votes than the leader */
    SEATS_DISTRICT_FAILED_NO_VOTES, /* no candidate received a vote (our rule) */
    SEATS_DISTRICT_LOT_REQUIRED, /* see draw */
    SEATS_DISTRICT_OUTCOME__MAX
};

const char *seats_district_outcome_name(enum seats_district_outcome o);

struct seats_district_result {
    enum seats_district_outcome outcome;
    size_t winner; /* index into in->candidates when elected */
    int64_t leader_votes;
    bool lot_used;
    struct seats_draw draw; /* the tie for first place, when ntied > 1 */
    struct seats_invalid invalid;
};

/*
 * The winner of a single-member district.  Borrows in and lot (may be NULL)
 * for the call; fills *out.  Returns 0 or -enum seats_error.
 */
int seats_district_winner(const struct seats_district *in, const struct seats_lot *lot,
                          struct seats_district_result *out);

#endif
