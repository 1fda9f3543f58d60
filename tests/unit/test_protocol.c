/*
 * cgi/rules/protocol.c: the control relations of a station's count
 * (DOMAIN.md, "Voting, counting and results"), each one just kept and just
 * broken; the shape of a final report; openings and turnout; the time format.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "rules/protocol.h"

/* ---- a report that keeps every relation ----------------------------------- */

/*
 * The list contest: 3 parties (lists of 4, 2 and 3 positions), 1000 voters,
 * 1000 received, 600 issued, 400 cancelled, 590 in the boxes, 10 invalid,
 * 580 valid = 300 + 200 + 60 + 20 against all.
 */
static void list_contest(struct protocol_contest *c)
{
    memset(c, 0, sizeof(*c));
    c->kind = CONTEST_LIST;
    c->voters = 1000;
    c->received = 1000;
    c->issued = 600;
    c->cancelled = 400;
    c->in_boxes = 590;
    c->invalid = 10;
    c->valid = 580;
    c->against_all = 20;
    c->nvotes = 3;
    c->votes[0] = 300;
    c->votes[1] = 200;
    c->votes[2] = 60;
    c->npreferences = 3;
    c->preference_len[0] = 4;
    c->preferences[0][0] = 100;
    c->preferences[0][1] = 50;
    c->preferences[0][3] = 10; /* 160 of 300 */
    c->preference_len[1] = 2;
    c->preferences[1][0] = 200; /* 200 of 200: all of them */
    c->preference_len[2] = 3; /* none */
}

/* District 7: 4 candidates, 1000 voters, 600 issued, 588 in the boxes, 12 invalid,
 * 576 valid = 250 + 150 + 100 + 50 + 26 against all. */
static void district_contest(struct protocol_contest *c)
{
    memset(c, 0, sizeof(*c));
    c->kind = CONTEST_DISTRICT;
    c->number = 7;
    c->voters = 1000;
    c->received = 1000;
    c->issued = 600;
    c->cancelled = 400;
    c->in_boxes = 588;
    c->invalid = 12;
    c->valid = 576;
    c->against_all = 26;
    c->nvotes = 4;
    c->votes[0] = 250;
    c->votes[1] = 150;
    c->votes[2] = 100;
    c->votes[3] = 50;
}

static void final_report(struct protocol_report *r)
{
    memset(r, 0, sizeof(*r));
    r->kind = PROTOCOL_FINAL;
    snprintf(r->device_id, sizeof(r->device_id), "20270100000000001001");
    r->election_id = 202701;
    r->station = 1001;
    r->seq = 7;
    snprintf(r->time, sizeof(r->time), "2027-01-24T20:04:12+06:00");
    r->ncontests = 2;
    list_contest(&r->contests[0]);
    district_contest(&r->contests[1]);
}

static void assert_kept(const struct protocol_report *r)
{
    struct protocol_failure f;
    memset(&f, 0x55, sizeof(f));
    int rc = protocol_check(r, &f);
    if (rc != 0)
        fail_msg("refused: %s (%s) at %s", f.code, f.message, f.field);
    assert_null(f.code); /* cleared on success */
}

/* Refused with code at field; the message is human text. */
static void assert_broken(const struct protocol_report *r, const char *code, const char *field)
{
    struct protocol_failure f;
    int rc = protocol_check(r, &f);
    if (rc != -1)
        fail_msg("kept, expected %s at %s", code, field);
    assert_non_null(f.code);
    assert_string_equal(f.code, code);
    assert_string_equal(f.field, field);
    assert_true(strlen(f.message) > 10);
}

/* ---- each relation -------------------------------------------------------- */

static void the_example_keeps_every_relation(void **state)
{
    (void)state;
    struct protocol_report r;
    final_report(&r);
    assert_kept(&r);
    /* A station abroad: the list contest alone. */
    r.ncontests = 1;
    assert_kept(&r);
    /* The district contest first is the same report. */
    final_report(&r);
    struct protocol_contest tmp = r.contests[0];
    r.contests[0] = r.contests[1];
    r.contests[1] = tmp;
    assert_kept(&r);
    /* A station where nobody came: all zero. */
    final_report(&r);
    for (size_t i = 0; i < 2; i++) {
        struct protocol_contest *c = &r.contests[i];
        c->received = c->cancelled = c->voters;
        c->issued = c->in_boxes = c->invalid = c->valid = c->against_all = 0;
        memset(c->votes, 0, sizeof(c->votes));
        memset(c->preferences, 0, sizeof(c->preferences));
    }
    assert_kept(&r);
}

/* received = issued + cancelled, in either contest. */
static void received_is_issued_plus_cancelled(void **state)
{
    (void)state;
    struct protocol_report r;
    for (size_t i = 0; i < 2; i++) {
        char field[64];
        snprintf(field, sizeof(field), "contests[%zu].received", i);
        final_report(&r);
        r.contests[i].received++;
        assert_broken(&r, "received_mismatch", field);
        final_report(&r);
        r.contests[i].received--;
        assert_broken(&r, "received_mismatch", field);
        final_report(&r);
        r.contests[i].cancelled++;
        assert_broken(&r, "received_mismatch", field);
        /* Kept: more received and more cancelled (the voters too, as received <= voters is no rule). */
        final_report(&r);
        r.contests[i].received += 5;
        r.contests[i].cancelled += 5;
        assert_kept(&r);
    }
}

/* in boxes = valid + invalid. */
static void in_boxes_is_valid_plus_invalid(void **state)
{
    (void)state;
    struct protocol_report r;
    for (size_t i = 0; i < 2; i++) {
        char field[64];
        snprintf(field, sizeof(field), "contests[%zu].in_boxes", i);
        final_report(&r);
        r.contests[i].invalid++;
        assert_broken(&r, "in_boxes_mismatch", field);
        final_report(&r);
        r.contests[i].invalid--;
        assert_broken(&r, "in_boxes_mismatch", field);
        final_report(&r);
        r.contests[i].in_boxes--;
        assert_broken(&r, "in_boxes_mismatch", field);
        /* Kept: one more invalid, one more in the boxes. */
        final_report(&r);
        r.contests[i].invalid++;
        r.contests[i].in_boxes++;
        assert_kept(&r);
    }
}

/* valid = the votes of every entry + against all. */
static void valid_is_votes_plus_against_all(void **state)
{
    (void)state;
    struct protocol_report r;
    for (size_t i = 0; i < 2; i++) {
        char field[64];
        snprintf(field, sizeof(field), "contests[%zu].valid", i);
        final_report(&r);
        r.contests[i].votes[r.contests[i].nvotes - 1]++; /* the last entry counts too */
        assert_broken(&r, "valid_mismatch", field);
        final_report(&r);
        r.contests[i].against_all--;
        assert_broken(&r, "valid_mismatch", field);
        /* Kept: a vote moved from one entry to against all. */
        final_report(&r);
        r.contests[i].votes[0]--;
        r.contests[i].against_all++;
        assert_kept(&r);
    }
    /* An entry beyond nvotes does not count. */
    final_report(&r);
    r.contests[1].votes[r.contests[1].nvotes] = 1000;
    assert_kept(&r);
}

/* in boxes <= issued. */
static void in_boxes_at_most_issued(void **state)
{
    (void)state;
    struct protocol_report r;
    for (size_t i = 0; i < 2; i++) {
        char field[64];
        snprintf(field, sizeof(field), "contests[%zu].in_boxes", i);
        struct protocol_contest *c = &r.contests[i];
        /* Equal: kept. */
        final_report(&r);
        int64_t more = c->issued - c->in_boxes;
        c->in_boxes += more;
        c->valid += more;
        c->against_all += more;
        assert_kept(&r);
        /* One more: broken. */
        c->in_boxes++;
        c->valid++;
        c->against_all++;
        assert_broken(&r, "in_boxes_above_issued", field);
    }
}

/* issued <= voters on the list. */
static void issued_at_most_voters(void **state)
{
    (void)state;
    struct protocol_report r;
    for (size_t i = 0; i < 2; i++) {
        char field[64];
        snprintf(field, sizeof(field), "contests[%zu].issued", i);
        struct protocol_contest *c = &r.contests[i];
        /* Everybody came: kept. */
        final_report(&r);
        c->issued = c->voters;
        c->cancelled = c->received - c->issued;
        assert_kept(&r);
        /* One more than the list: broken. */
        c->issued = c->voters + 1;
        c->received = c->issued + c->cancelled;
        assert_broken(&r, "issued_above_voters", field);
        /* Fewer voters than ballots issued. */
        final_report(&r);
        c->voters = c->issued - 1;
        assert_broken(&r, "issued_above_voters", field);
    }
}

/* Each party's preference votes add up to at most its votes. */
static void preferences_at_most_votes(void **state)
{
    (void)state;
    struct protocol_report r;
    /* Party 2 has all 200 of its votes as preferences: one more breaks it. */
    final_report(&r);
    r.contests[0].preferences[1][1] = 1;
    assert_broken(&r, "preferences_above_votes", "contests[0].preferences[1]");
    /* Party 1: 160 of 300; 140 more is exactly 300. */
    final_report(&r);
    r.contests[0].preferences[0][2] = 140;
    assert_kept(&r);
    r.contests[0].preferences[0][3]++;
    assert_broken(&r, "preferences_above_votes", "contests[0].preferences[0]");
    /* The last position counts. */
    final_report(&r);
    r.contests[0].preferences[2][2] = 61;
    assert_broken(&r, "preferences_above_votes", "contests[0].preferences[2]");
    /* Positions beyond the list's length do not. */
    final_report(&r);
    r.contests[0].preferences[2][3] = 1000;
    assert_kept(&r);
    /* The list contest second: the field says so. */
    final_report(&r);
    struct protocol_contest tmp = r.contests[0];
    r.contests[0] = r.contests[1];
    r.contests[1] = tmp;
    r.contests[1].preferences[1][0] = 201;
    assert_broken(&r, "preferences_above_votes", "contests[1].preferences[1]");
}

/* Preferences: one array per party of the ballot, in the list contest only. */
static void preferences_shape(void **state)
{
    (void)state;
    struct protocol_report r;
    final_report(&r);
    r.contests[0].npreferences = 2;
    assert_broken(&r, "preferences_shape", "contests[0].preferences");
    final_report(&r);
    r.contests[0].npreferences = 4;
    assert_broken(&r, "preferences_shape", "contests[0].preferences");
    /* None at all is a shape the rules accept (the ballot check is the database's). */
    final_report(&r);
    r.contests[0].npreferences = 0;
    assert_kept(&r);
    /* A district contest has none. */
    final_report(&r);
    r.contests[1].npreferences = 4;
    r.contests[1].preference_len[0] = 1;
    assert_broken(&r, "preferences_not_allowed", "contests[1].preferences");
}

/* A final report: exactly one list contest, at most one district contest. */
static void final_contests_shape(void **state)
{
    (void)state;
    struct protocol_report r;
    final_report(&r);
    r.ncontests = 0;
    assert_broken(&r, "contests_shape", "contests");
    /* Two list contests. */
    final_report(&r);
    list_contest(&r.contests[1]);
    assert_broken(&r, "contests_shape", "contests");
    /* Two district contests, no list. */
    final_report(&r);
    district_contest(&r.contests[0]);
    assert_broken(&r, "contests_shape", "contests");
    /* A district contest alone. */
    final_report(&r);
    r.contests[0] = r.contests[1];
    r.ncontests = 1;
    assert_broken(&r, "contests_shape", "contests");
    /* The shape is checked before the figures. */
    final_report(&r);
    list_contest(&r.contests[1]);
    r.contests[0].received = 0;
    assert_broken(&r, "contests_shape", "contests");
}

/* The first relation broken is the one reported: contests in order, relations in order. */
/* The other kinds of election: the presidency, a referendum's questions, a council's lists. */
static void final_other_kinds(void **state)
{
    (void)state;
    struct protocol_report r;
    /* The district's contest as the presidential one: alone, kept. */
    final_report(&r);
    r.contests[0] = r.contests[1];
    r.contests[0].kind = CONTEST_PRESIDENT;
    r.contests[0].number = 0;
    r.ncontests = 1;
    assert_kept(&r);
    /* Beside a list contest it is no election's ballot. */
    final_report(&r);
    r.contests[1].kind = CONTEST_PRESIDENT;
    assert_broken(&r, "contests_shape", "contests");
    /* Two questions (no "against all": its votes go to "yes"). */
    final_report(&r);
    for (int i = 0; i < 2; i++) {
        struct protocol_contest *c = &r.contests[i];
        district_contest(c);
        c->kind = CONTEST_QUESTION;
        c->number = i + 1;
        c->votes[0] += c->against_all;
        c->against_all = 0;
    }
    assert_kept(&r);
    r.contests[1].number = 1;
    assert_broken(&r, "contests_shape", "contests"); /* the same question twice */
    r.contests[1].number = PROTOCOL_MAX_QUESTIONS + 1;
    assert_broken(&r, "contests_shape", "contests");
    r.contests[1].number = 2;
    r.contests[1].against_all = 26;
    r.contests[1].votes[0] -= 26;
    assert_broken(&r, "contests_shape", "contests"); /* "against all" on a referendum's ballot */
    /* A council's lists: alone; no preference votes. */
    final_report(&r);
    r.contests[0].kind = CONTEST_COUNCIL;
    r.contests[0].number = 5;
    r.ncontests = 1;
    assert_broken(&r, "preferences_not_allowed", "contests[0].preferences");
    r.contests[0].npreferences = 0;
    assert_kept(&r);
    assert_string_equal(protocol_contest_kind_name(CONTEST_QUESTION), "question");
    assert_string_equal(protocol_contest_kind_name(CONTEST_KIND__MAX), "unknown");
}

static void first_failure_wins(void **state)
{
    (void)state;
    struct protocol_report r;
    final_report(&r);
    r.contests[0].received++;
    r.contests[0].invalid++;
    assert_broken(&r, "received_mismatch", "contests[0].received");
    final_report(&r);
    r.contests[0].votes[0]++;
    r.contests[1].received++;
    assert_broken(&r, "valid_mismatch", "contests[0].valid");
    final_report(&r);
    r.contests[1].received++;
    r.contests[1].invalid++;
    assert_broken(&r, "received_mismatch", "contests[1].received");
}

/* The largest figures the API takes do not overflow the sums. */
static void largest_figures(void **state)
{
    (void)state;
    struct protocol_report r;
    final_report(&r);
    r.ncontests = 1;
    struct protocol_contest *c = &r.contests[0];
    c->nvotes = PROTOCOL_MAX_ENTRIES;
    c->npreferences = 0;
    for (size_t i = 0; i < c->nvotes; i++)
        c->votes[i] = PROTOCOL_MAX_COUNT;
    c->against_all = PROTOCOL_MAX_COUNT;
    c->valid = PROTOCOL_MAX_COUNT; /* far below the sum: refused, not wrapped round */
    c->in_boxes = c->valid + c->invalid;
    assert_broken(&r, "valid_mismatch", "contests[0].valid");
}

/* ---- openings and turnout --------------------------------------------------- */

static void opening_is_a_zero_count(void **state)
{
    (void)state;
    struct protocol_report r;
    memset(&r, 0, sizeof(r));
    r.kind = PROTOCOL_OPENING;
    r.voters = 1834;
    r.voted = 0;
    assert_kept(&r);
    r.voters = 0;
    assert_kept(&r);
    r.voted = 1;
    r.voters = 1834;
    assert_broken(&r, "opening_not_zero", "voted");
    /* Contests are no part of an opening. */
    r.voted = 0;
    r.ncontests = 0;
    assert_kept(&r);
}

static void turnout_at_most_voters(void **state)
{
    (void)state;
    struct protocol_report r;
    memset(&r, 0, sizeof(r));
    r.kind = PROTOCOL_TURNOUT;
    r.hour = 14;
    r.voters = 1834;
    r.voted = 1834;
    assert_kept(&r);
    r.voted = 0;
    assert_kept(&r);
    r.voted = 1835;
    assert_broken(&r, "voted_above_voters", "voted");
}

static void unknown_kind(void **state)
{
    (void)state;
    struct protocol_report r;
    memset(&r, 0, sizeof(r));
    r.kind = PROTOCOL_KIND__MAX;
    assert_broken(&r, "unknown_kind", "kind");
}

static void kind_names(void **state)
{
    (void)state;
    assert_string_equal(protocol_kind_name(PROTOCOL_OPENING), "opening");
    assert_string_equal(protocol_kind_name(PROTOCOL_TURNOUT), "turnout");
    assert_string_equal(protocol_kind_name(PROTOCOL_FINAL), "final");
    assert_string_equal(protocol_kind_name(PROTOCOL_KIND__MAX), "unknown");
    assert_string_equal(protocol_kind_name((enum protocol_kind) - 1), "unknown");
    for (int k = 0; k < PROTOCOL_KIND__MAX; k++)
        assert_int_equal(protocol_kind_parse(protocol_kind_name((enum protocol_kind)k)), k);
    assert_int_equal(protocol_kind_parse(NULL), -1);
    assert_int_equal(protocol_kind_parse(""), -1);
    assert_int_equal(protocol_kind_parse("Final"), -1);
    assert_int_equal(protocol_kind_parse("final "), -1);
    assert_int_equal(protocol_kind_parse("unknown"), -1);
}

/* ---- time ------------------------------------------------------------------- */

static void valid_times(void **state)
{
    (void)state;
    static const char *const good[] = {
        "2027-01-24T20:00:41+06:00",
        "2027-01-24T20:00:41Z",
        "2027-01-24T20:00:41-05:30",
        "2027-01-24T20:00:41+00:00",
        "2027-01-24T20:00:41-00:00",
        "2027-01-24T20:00:41+14:00",
        "2027-01-24T20:00:41-12:00",
        "2027-01-24T20:00:41.5Z",
        "2027-01-24T20:00:41.123456+06:00",
        "2027-01-24T00:00:00Z",
        "2027-01-24T23:59:59Z",
        "2027-12-31T23:59:59+06:00",
        "2028-02-29T12:00:00Z", /* leap year */
        "2000-02-29T12:00:00Z", /* divisible by 400 */
        "2024-02-29T12:00:00+06:00",
        "2027-02-28T12:00:00Z",
        "2027-04-30T12:00:00Z",
        "2000-01-01T00:00:00Z",
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        if (!protocol_valid_time(good[i]))
            fail_msg("refused \"%s\"", good[i]);
}

static void invalid_times(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "2027-01-24T20:00:41", /* no offset */
        "2027-01-24T20:00:41.5",
        "2027-01-24T20:00", /* no seconds */
        "2027-01-24T20:00Z",
        "2027-01-24",
        "2027-01-24 20:00:41Z", /* space for T */
        "2027-01-24T20:00:41+0600", /* offset without colon */
        "2027-01-24T20:00:41+06",
        "2027-01-24T20:00:41+6:00",
        "2027-01-24T20:00:41+15:00", /* no such offset */
        "2027-01-24T20:00:41+06:60",
        "2027-01-24T20:00:41 +06:00",
        "2027-01-24T20:00:41Z ", /* trailing text */
        "2027-01-24T20:00:41+06:00Z",
        "2027-01-24T20:00:41ZZ",
        "2027-01-24T20:00:41.Z", /* a point without digits */
        "2027-01-24T20:00:41.1234567Z", /* more than microseconds */
        "2027-01-24T20:00:41,5Z",
        "2027-01-24T24:00:00Z", /* 24:00 */
        "2027-01-24T23:60:00Z",
        "2027-01-24T23:59:60Z", /* leap seconds are not taken */
        "2027-02-29T12:00:00Z", /* not a leap year */
        "2100-02-29T12:00:00Z", /* divisible by 100, not 400 */
        "2027-02-30T12:00:00Z",
        "2027-04-31T12:00:00Z",
        "2027-06-31T12:00:00Z",
        "2027-09-31T12:00:00Z",
        "2027-11-31T12:00:00Z",
        "2027-01-32T12:00:00Z",
        "2027-13-01T12:00:00Z",
        "2027-00-10T12:00:00Z",
        "2027-01-00T12:00:00Z",
        "1999-12-31T23:59:59Z", /* before any ASU */
        "27-01-24T20:00:41Z",
        "2027-1-24T20:00:41Z",
        "2027/01/24T20:00:41Z",
        "+2027-01-24T20:00:41Z",
        "2027-01-24T20:00:4aZ",
        "2027-01-24T20:00:41+06:0a",
        "2027-01-24T20:00:41\xd9\xa1Z",
        "1706112041",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (protocol_valid_time(bad[i]))
            fail_msg("accepted \"%s\"", bad[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_example_keeps_every_relation),
        cmocka_unit_test(received_is_issued_plus_cancelled),
        cmocka_unit_test(in_boxes_is_valid_plus_invalid),
        cmocka_unit_test(valid_is_votes_plus_against_all),
        cmocka_unit_test(in_boxes_at_most_issued),
        cmocka_unit_test(issued_at_most_voters),
        cmocka_unit_test(preferences_at_most_votes),
        cmocka_unit_test(preferences_shape),
        cmocka_unit_test(final_contests_shape),
        cmocka_unit_test(final_other_kinds),
        cmocka_unit_test(first_failure_wins),
        cmocka_unit_test(largest_figures),
        cmocka_unit_test(opening_is_a_zero_count),
        cmocka_unit_test(turnout_at_most_voters),
        cmocka_unit_test(unknown_kind),
        cmocka_unit_test(kind_names),
        cmocka_unit_test(valid_times),
        cmocka_unit_test(invalid_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
