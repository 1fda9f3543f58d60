#ifndef SHAILOO_COMPLAINTS_H
#define SHAILOO_COMPLAINTS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Complaints (DOMAIN.md, "Complaints"): which commission the law gives a
 * complaint to, where a decision is appealed, and the law's clock.  Pure
 * code, no I/O: the callers (cgi/api/complaints.c, the demo's generator)
 * read the time and the election's voting day and store what comes out.
 *
 * The chain is PEC -> TEC or district commission -> CEC -> court -> Supreme
 * Court.  Times are seconds since the epoch (UTC); days are counted in
 * Kyrgyzstan's local time, UTC+6 all year (no daylight saving since 2005).
 */

#define COMPLAINTS_UTC_OFFSET (6 * 3600)
/* Calendar days a commission has to decide, and a decision's appeal is open. */
#define COMPLAINTS_REVIEW_DAYS 3
#define COMPLAINTS_APPEAL_DAYS 3
/* "At once" on voting day and on its eve, read as within this many seconds (our rule). */
#define COMPLAINTS_AT_ONCE_SECONDS (24 * 3600)

/* Who decides: the levels of the chain. */
enum complaints_level {
    LEVEL_STATION, /* a precinct commission (PEC) */
    LEVEL_TERRITORIAL, /* a territorial commission (TEC) */
    LEVEL_DISTRICT, /* a single-member district's commission */
    LEVEL_CENTRAL, /* the CEC */
    LEVEL_COURT, /* the courts: outside the commissions (rulings are recorded) */
    LEVEL__MAX
};

/* What a complaint is about. */
enum complaints_subject {
    SUBJECT_STATION, /* a PEC: its actions or decisions (the station's list, its count) */
    SUBJECT_TERRITORIAL, /* a TEC */
    SUBJECT_DISTRICT, /* a district commission */
    SUBJECT_CENTRAL, /* the CEC */
    SUBJECT_CANDIDATE, /* a candidate */
    SUBJECT_PARTY, /* a party */
    SUBJECT_OFFICIAL, /* an official (of a state body, an employer) */
    SUBJECT__MAX
};

/* A local calendar day. */
struct complaints_day {
    int y, m, d;
};

/* "station", "territorial", ...; NULL past the end. */
const char *complaints_level_name(enum complaints_level l);
const char *complaints_subject_name(enum complaints_subject s);
/* The subject of that name, or -1. */
int complaints_subject_parse(const char *name);

/*
 * The level the law gives a new complaint to: a PEC's actions go to its TEC,
 * or to the district commission when they concern the district's contest
 * (district_contest); a TEC's and a district commission's to the CEC; the
 * CEC's to the court; a district candidate to the district commission, a
 * list's candidate and a party to the CEC; an official to the TEC of the
 * station named (at_station), the district commission if the district's
 * contest, else the CEC.
 */
enum complaints_level complaints_route(enum complaints_subject s, bool district_contest,
                                       bool at_station);

/* Where a decision of a commission of this level is appealed (the next level up). */
enum complaints_level complaints_appeal_level(enum complaints_level decided_by);

/* The local calendar day of a moment. */
struct complaints_day complaints_local_day(long long t);

/* True if the moment falls on voting day or on the day before it (local days). */
bool complaints_at_once(long long t, struct complaints_day voting_day);

/*
 * By when a complaint received at `received` must be decided: on voting day
 * and its eve, within COMPLAINTS_AT_ONCE_SECONDS; otherwise by the end
 * (23:59:59 local) of the COMPLAINTS_REVIEW_DAYS-th calendar day after the
 * day it was received.  A forwarded complaint's clock starts again when the
 * next commission receives it (our rule): call this with that moment.
 */
long long complaints_review_due(long long received, struct complaints_day voting_day);

/* The end (23:59:59 local) of the COMPLAINTS_APPEAL_DAYS-th calendar day after the decision's day. */
long long complaints_appeal_due(long long decided);

/*
 * A moment as ISO 8601 in local time, "2027-01-17T23:59:59+06:00", into buf
 * (at least 26 bytes); returns buf.
 */
char *complaints_format(long long t, char *buf, size_t n);

#endif
