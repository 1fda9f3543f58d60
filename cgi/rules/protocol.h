#ifndef SHAILOO_PROTOCOL_H
#define SHAILOO_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A station's count as its ASU reports it (DOMAIN.md, "Voting, counting and
 * results"), and the control relations a protocol must keep.  Pure: no I/O,
 * no allocation.
 */

#define PROTOCOL_MAX_ENTRIES 64 /* parties or candidates on one ballot */
#define PROTOCOL_MAX_LIST 54 /* candidates on one party list */
#define PROTOCOL_MAX_CONTESTS 2 /* the party lists and the station's district */
#define PROTOCOL_MAX_COUNT 100000000 /* any one figure */

enum protocol_kind {
    PROTOCOL_OPENING, /* the box is empty: a zero count */
    PROTOCOL_TURNOUT, /* voters so far, at one of the CEC's hours */
    PROTOCOL_FINAL, /* the count after the polls close */
    PROTOCOL_IDENTIFICATION, /* the identification device: voters identified, by method */
    PROTOCOL_KIND__MAX
};

const char *protocol_kind_name(enum protocol_kind k);
/* The kind named s, or -1. */
int protocol_kind_parse(const char *s);

/* The protocol lines of one contest. */
struct protocol_contest {
    bool list; /* the party-list contest; else a district's */
    int district; /* 1..36 for a district contest */
    int64_t voters; /* on the list */
    int64_t received, issued, cancelled, in_boxes, invalid, valid, against_all;
    size_t nvotes; /* entries of the ballot, in ballot order */
    int64_t votes[PROTOCOL_MAX_ENTRIES];
    /* List contest only: preference votes per party (as votes[]), per list position. */
    size_t npreferences; /* 0, or nvotes */
    size_t preference_len[PROTOCOL_MAX_ENTRIES];
    int64_t preferences[PROTOCOL_MAX_ENTRIES][PROTOCOL_MAX_LIST];
};

struct protocol_report {
    enum protocol_kind kind;
    char device_id[24];
    int64_t election_id;
    int64_t station;
    int64_t seq;
    char time[40]; /* RFC 3339 with an offset, as signed */
    int hour; /* turnout: the hour of the count (local time) */
    int64_t voters; /* opening and turnout: voters on the list */
    int64_t voted; /* opening (0) and turnout: ballots issued so far */
    size_t ncontests; /* final only */
    struct protocol_contest contests[PROTOCOL_MAX_CONTESTS];
    /* Identification: at the device's first report of the day, or at the close. */
    bool final_stage;
    int64_t face, fingerprint, document; /* voters identified by each method */
};

/* A broken relation: a snake_case code, a message and the member at fault. */
struct protocol_failure {
    const char *code;
    char message[160];
    char field[64];
};

/*
 * Checks the control relations of r: for each contest received = issued +
 * cancelled, in boxes = valid + invalid, valid = the votes of every entry +
 * against all, in boxes <= issued <= voters on the list, and each party's
 * preference votes add up to at most its votes; a final report has exactly
 * one list contest and at most one district contest; an opening is a zero
 * count; a turnout report has voted <= voters; an identification report
 * has face + fingerprint + document <= voters.  Returns 0, or -1 with *f
 * filled for the first relation broken.  Ballot shapes (how many entries a
 * contest has) are the database's to check: they are not in the report.
 */
int protocol_check(const struct protocol_report *r, struct protocol_failure *f);

/* True if s is an RFC 3339 date-time with seconds and an explicit offset
 * ("2027-01-24T20:00:41+06:00", "...Z"; fractions of a second allowed). */
bool protocol_valid_time(const char *s);

#endif
