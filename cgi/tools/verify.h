#ifndef SHAILOO_VERIFY_H
#define SHAILOO_VERIFY_H

/*
 * bin/shailoo-verify: an observer's check of an election's public results
 * (usage: verify.c).  The public log is read and replayed; every station's,
 * district's, region's and the country's figures are recomputed from it and
 * compared with what the site publishes, and the seats with them.
 *
 *   verify.c          options, the order of the work, the mismatches, the summary
 *   verify_fetch.c    the answers: libcurl (multi), or a saved copy; --save
 *   verify_log.c      the log: its chain, each entry's hash, signature and payload
 *   verify_replay.c   the finals in force, the latest protocols, the areas' sums
 *   verify_compare.c  the station, region, district and summary answers against the replay
 *   verify_seats.c    the seats recomputed from the replay's sums
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "rules/limits.h"
#include "rules/protocol.h"

enum { VERIFY_EXIT_OK = 0, VERIFY_EXIT_MISMATCH = 1, VERIFY_EXIT_ERROR = 2 };

#define VERIFY_PAGE 1000 /* log entries a page (the API's most) */
#define VERIFY_LINES 8 /* a contest's protocol lines, in verify_line_names' order */
#define VERIFY_REGIONS 10 /* 1..9 and 10, abroad */
#define HEX_HASH 65 /* 64 hex digits and the NUL */

extern const char *const verify_line_names[VERIFY_LINES];

/* ---- Answers (verify_fetch.c) ------------------------------------------------------ */

struct verify_source {
    const char *url; /* http://host:port (online), or NULL */
    const char *dir; /* offline: the saved answers */
    const char *save; /* online: where to keep a copy of every answer, or NULL */
    long timeout_ms, connect_ms;
    long connections; /* in flight at once */
    size_t answers, bytes; /* fetched (or read) so far */
};

/* Called with each answer (body owned by the callee, NUL-terminated): 0, or -1 to stop. */
typedef int (*verify_answer_fn)(void *ctx, size_t i, char *body, size_t len);

/*
 * GETs each of paths (n; "/api/..."), a few at a time, or reads their saved
 * copies, and hands each 200 answer to fn.  0, or -1 when an answer could not
 * be had (said on stderr) or fn refused.
 */
int verify_fetch_many(struct verify_source *s, char *const *paths, size_t n, verify_answer_fn fn,
                      void *ctx);
/* One answer into *body (malloc'd, NUL-terminated; the caller frees): 0 or -1. */
int verify_fetch(struct verify_source *s, const char *path, char **body, size_t *len);

/* ---- The log and its replay ------------------------------------------------------- */

enum verify_kind { VK_OPENING, VK_TURNOUT, VK_FINAL, VK_IDENTIFICATION, VK_PROTOCOL, VK__MAX };

/* A contest's figures as a final report or a protocol version gives them. */
struct verify_contest {
    enum protocol_contest_kind kind;
    int number; /* a district's, a question's, a council's; else 0 */
    int64_t line[VERIFY_LINES];
    size_t nvotes;
    int64_t votes[PROTOCOL_MAX_ENTRIES];
    size_t nparties; /* parties with preference votes (list contest) */
    size_t pref_len[PROTOCOL_MAX_ENTRIES];
    int64_t *pref; /* each party's places after the previous party's; malloc'd */
};

/* A contest of the election: its kind and number (as in a report: district, question, council). */
struct verify_contest_id {
    enum protocol_contest_kind kind;
    int number;
};

struct verify_figures {
    size_t n;
    struct verify_contest c[PROTOCOL_MAX_CONTESTS];
};

struct verify_entry {
    int64_t seq;
    char time[32], sha256[HEX_HASH], prev_hash[HEX_HASH], hash[HEX_HASH];
    int station;
    enum verify_kind kind;
    int64_t report_id, protocol_id, version; /* a device's report / a protocol's version */
    char device[24];
    int64_t seq_of_device;
    bool applied;
    int slot; /* turnout: the hour (8 for the opening); identification: 0 first, 1 final */
    char *text; /* the JWS or the protocol's text, until checked */
    struct verify_figures *fig; /* final or protocol, once read; NULL if unreadable */
    bool in_force; /* a final: applied by the rule (verify_replay) */
};

struct verify_device {
    char id[24];
    int station;
    char kind[16]; /* "asu", "identification", or "" (not known yet) */
    char *pem;
    struct evp_pkey_st *key; /* read at first use */
    bool bad_key;
};

struct verify_station {
    int number;
    int region; /* 1..9, 10 abroad */
    int district; /* 1..36, 0 abroad */
    size_t *entries; /* its log entries' indices, in log order */
    size_t nentries, cap;
    char *answer; /* its results answer, until compared */
};

/* A station's figures as the log stands after an entry. */
struct verify_state {
    const struct verify_entry *final; /* the ASU's final in force, or NULL */
    const struct verify_entry *protocol; /* the latest protocol version, or NULL */
};

/* An area's sums in a contest. */
struct verify_sums {
    long total, reported;
    int64_t line[VERIFY_LINES];
    size_t nvotes;
    int64_t votes[PROTOCOL_MAX_ENTRIES];
    size_t nparties;
    size_t pref_len[PROTOCOL_MAX_ENTRIES];
    int64_t pref[PROTOCOL_MAX_ENTRIES][PROTOCOL_MAX_LIST];
};

/* An id -> ballot position pair (parties of the list, candidates of a district). */
struct verify_position {
    int64_t id;
    int position;
};

struct verify {
    long election;
    struct verify_source src;
    struct verify_entry *entries;
    size_t nentries, cap;
    int64_t head_seq;
    char head_hash[HEX_HASH];
    struct verify_device *devices; /* sorted by id */
    size_t ndevices;
    struct verify_station *stations; /* sorted by number */
    size_t nstations, scap;
    int *station_index; /* number -> index in stations, or -1 (STATION_MAX + 1 of them) */
    char *regions[VERIFY_REGIONS + 1], *districts[DISTRICT_MAX + 1];
    char *summary, *seats_input, *seats;
    bool parliamentary; /* the election has the party-list contest (and the regions' answers) */
    struct verify_position councils[64]; /* a council's id -> its region */
    size_t ncouncils;
    struct verify_position parties[PROTOCOL_MAX_ENTRIES];
    size_t nparties;
    struct verify_position candidates[DISTRICT_MAX + 1][PROTOCOL_MAX_ENTRIES];
    size_t ncandidates[DISTRICT_MAX + 1];
    int64_t summary_seq;
    struct protocol_report *scratch; /* a report being read */
    long mismatches;
    size_t reports, protocols, signatures;
};

/* Prints one mismatch on stdout and counts it. */
__attribute__((format(printf, 2, 3))) void verify_mismatch(struct verify *v, const char *fmt, ...);

struct verify_station *verify_station(const struct verify *v, int number);
/* The entry with this seq, or NULL. */
const struct verify_entry *verify_entry_at(const struct verify *v, int64_t seq);

/* verify_log.c: every page of the log, its chain and head (0, or -1: no answer). */
int verify_read_log(struct verify *v);
/* verify_log.c: the devices' keys (0 or -1), then every entry's text, signature and payload. */
int verify_read_devices(struct verify *v);
void verify_check_entries(struct verify *v);
void verify_entry_free(struct verify_entry *e);
void verify_devices_free(struct verify *v);
struct verify_device *verify_device(const struct verify *v, const char *id);

/* verify_replay.c */
void verify_replay(struct verify *v);
void verify_state_at(const struct verify *v, const struct verify_station *st, int64_t asof,
                     struct verify_state *out);
/* The contest k of a final or a protocol, or NULL. */
const struct verify_contest *verify_contest_of(const struct verify_entry *e,
                                               struct verify_contest_id k);
/*
 * Contest k's sums in area (0 the country, 1..10 a region or abroad, 100 + n
 * district n) over the stations that vote in it; official: the latest
 * protocols (else the ASU's finals in force); as the log stood after entry asof.
 */
void verify_sum(const struct verify *v, int area, struct verify_contest_id k, bool official,
                int64_t asof, struct verify_sums *out);
/* Whether station st votes in contest k (a district's stations, a council's region's, else all). */
bool verify_votes_in(const struct verify *v, const struct verify_station *st,
                     struct verify_contest_id k);

/* verify_compare.c: the stations from the regions' answers (0, or -1 out of memory)... */
int verify_stations_from_regions(struct verify *v);
/* ... or one by one (0 or -1), then sorted and indexed. */
int verify_add_station(struct verify *v, int number, int region, int district);
void verify_index_stations(struct verify *v);
/* Each answer against the replay (the answers are freed). */
void verify_compare_answers(struct verify *v);

/* verify_seats.c: the seats from the replay's sums against /seats (and /seats/input). */
void verify_compare_seats(struct verify *v);

/* JSON helpers (verify_compare.c). */
struct json_object *verify_json_get(struct json_object *o, const char *key);
bool verify_json_int(struct json_object *o, const char *key, int64_t *out);
struct json_object *verify_parse(struct verify *v, const char *what, const char *text);

#endif
