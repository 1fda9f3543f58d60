#ifndef SHAILOO_ASU_SIM_H
#define SHAILOO_ASU_SIM_H

/*
 * The election-night simulator's devices: the election's ballots and each
 * station's device as read from $VAR/asu (ballots.txt, keys.txt, written at
 * setup by scripts/instance.sh and `shailoo-asu keys`), and each device's
 * reports of the day with figures that are a pure function of the seed and
 * the station (asu_figures.c).  No I/O besides reading those two files.
 *
 * ballots.txt, one fact a line (what the simulator needs of the database):
 *   election <id> <YYYY-MM-DD> <+HH:MM> <turnout hours, e.g. 10,12,14,16,18>
 *   party <ballot position> <withdrawn 0|1> <list length> <list numbers without a candidate, e.g. 3,17, or ->
 *   district <number> <entries on the ballot> <withdrawn ballot positions, or ->
 *   station <number> <device id> <region, 0 abroad> <district, 0 abroad> <voters>
 * keys.txt: <device id> <station> <the body of the device's PKCS#8 PEM, one line>
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ASU_MAX_PARTIES 64 /* entries of one ballot (PROTOCOL_MAX_ENTRIES) */
#define ASU_MAX_LIST 54 /* positions of one party list */
#define ASU_MAX_DISTRICT 36
#define ASU_MAX_HOURS 12
#define ASU_MAX_REPORTS (2 + ASU_MAX_HOURS)
/* Finals arrive from 20:00 over this much simulated time (DOMAIN.md: 84% in the first hour). */
#define ASU_NIGHT_SECONDS (3 * 3600)

struct evp_pkey_st;

struct asu_ballot {
    int nentries; /* parties, or district candidates */
    bool entry_void[ASU_MAX_PARTIES]; /* withdrawn: takes no votes */
    int length[ASU_MAX_PARTIES]; /* list contest: each party's list length */
    bool position_void[ASU_MAX_PARTIES][ASU_MAX_LIST]; /* withdrawn or unused list numbers */
};

struct asu_election {
    long id;
    char date[11]; /* YYYY-MM-DD, election day */
    char offset[7]; /* local time, e.g. +06:00 */
    int nhours;
    int hours[ASU_MAX_HOURS]; /* turnout hours, ascending */
    struct asu_ballot list;
    struct asu_ballot district[ASU_MAX_DISTRICT + 1]; /* by district number; nentries 0 if none */
};

struct asu_station {
    int number;
    char device_id[21];
    int region; /* 1..9, 0 abroad */
    int district; /* 1..36, 0 abroad */
    long voters;
    struct evp_pkey_st *key; /* owned; NULL if keys.txt has none */
};

enum asu_kind { ASU_OPENING, ASU_TURNOUT, ASU_FINAL };

/* One report of a device's day. */
struct asu_report {
    enum asu_kind kind;
    int seq; /* 1 opening, 2.. turnouts, last the final */
    int hour; /* turnout only */
    long clock; /* signing time: seconds after 00:00 local */
};

struct asu_devices {
    struct asu_election election;
    struct asu_station *stations; /* owned, by station number */
    size_t nstations;
};

/*
 * Reads dir/ballots.txt and dir/keys.txt into *d (zeroed first).  0, or -1
 * with a message on stderr.  Stations without a private key keep key NULL
 * (with a warning).  On 0 the caller calls asu_devices_free.
 */
int asu_devices_read(const char *dir, struct asu_devices *d);
void asu_devices_free(struct asu_devices *d);

/* The station's day: opening, turnouts at the election's hours, final; returns how many. */
size_t asu_day(const struct asu_election *e, const struct asu_station *s, uint64_t seed,
               struct asu_report out[ASU_MAX_REPORTS]);

/* The report's payload (JSON text, members in the README's order), malloc'd; NULL on no memory. */
char *asu_payload(const struct asu_election *e, const struct asu_station *s,
                  const struct asu_report *r, uint64_t seed);

/* A uniform draw in [0, 1), a function of its four arguments only. */
double asu_draw(uint64_t seed, uint64_t a, uint64_t b, uint64_t c);

/* The device id of a station: the election's 6 digits and the station's 14. */
void asu_device_id(long election, int station, char out[21]);

/* A private key from the one-line form keys.txt keeps (the PEM body), or NULL. */
struct evp_pkey_st *asu_key_from_line(const char *body);

#endif
