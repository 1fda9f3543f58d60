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
#define PROTOCOL_MAX_CONTESTS 8 /* a referendum's questions; else one or two */
#define PROTOCOL_MAX_QUESTIONS 8 /* a referendum's questions, numbered 1.. */
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

/*
 * The kinds of contest a ballot can be (DOMAIN.md; issue 12): the national
 * party lists and a single-member district (parliamentary elections), the
 * presidency, a referendum's question (yes or no), a local council's lists.
 */
enum protocol_contest_kind {
    CONTEST_LIST,
    CONTEST_DISTRICT,
    CONTEST_PRESIDENT,
    CONTEST_QUESTION,
    CONTEST_COUNCIL,
    CONTEST_KIND__MAX
};

/* "list", "district", "president", "question", "council". */
const char *protocol_contest_kind_name(enum protocol_contest_kind k);

/* The protocol lines of one contest. */
struct protocol_contest {
    enum protocol_contest_kind kind;
    int number; /* a district's (1..36), a question's (1..), a council's id; else 0 */
    int64_t voters; /* on the list */
    int64_t received, issued, cancelled, in_boxes, invalid, valid, against_all;
    size_t nvotes; /* entries of the ballot, in ballot order */
    int64_t votes[PROTOCOL_MAX_ENTRIES];
    /* The national list contest only: preference votes per party (as votes[]), per list position. */
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
 * preference votes add up to at most its votes; a final report is of one
 * kind of election: one list contest and at most one district contest
 * (parliamentary), one presidential contest, one to PROTOCOL_MAX_QUESTIONS
 * questions each once (a referendum; no "against all" on its ballot), or
 * one council's contest (local); an opening is a zero
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
