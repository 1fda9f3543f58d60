#ifndef SHAILOO_ASU_NIGHT_H
#define SHAILOO_ASU_NIGHT_H

/*
 * bin/shailoo-asu's parts (asu_sim.c has the program's story):
 *   asu_sim.c        the command line: usage, main, small parsers
 *   asu_keys.c       "keys": the demo devices' key pairs and their registration
 *   asu_night.c      "night": options, the plan of every device's day, figures, output
 *   asu_night_http.c "night": the reports on the wire (libcurl multi), answers, visibility polls
 *   asu_figures.c    the figures of a station's reports (asu_sim.h)
 */
#include <curl/curl.h>
#include <stdbool.h>
#include <stdint.h>

#include "asu_sim.h"

enum { EXIT_OK = 0, EXIT_NIGHT_FAILED = 1, EXIT_USAGE = 2 };
enum { T_RESEND = 101, T_RESEND_SAME, T_RESEND_DELAY, T_BACKOFF, T_VISIBILITY };
#define MAX_ATTEMPTS 8
#define VISIBILITY_GIVE_UP 10.0 /* seconds after the POST */
#define VISIBILITY_INTERVAL 0.02
#define MAX_RESPONSE (1 << 20)

struct options {
    const char *dir, *url, *out;
    double duration, duplicates, timeout, visibility_share;
    long concurrency, stations, seed;
    int only; /* -1 every kind, else enum asu_kind */
    bool check_visibility, json;
};

/* One device in the night: its day, and where it is in it. */
struct job {
    struct asu_station *st;
    struct asu_report day[ASU_MAX_REPORTS];
    size_t nday;
    size_t next, last; /* the reports of this phase still to send */
    double due; /* when the next send may start (monotonic) */
    int attempt; /* failed sends of the current report */
    bool resend; /* the next send repeats an answered report */
    bool resent; /* the current report was resent already */
    char *jws; /* the current report, signed; owned */
    /* The visibility check of the last accepted final. */
    int poll_seq;
    double poll_sent;
    size_t heap_pos;
};

/* A min-heap of jobs by (due, the report's clock, station). */
struct heap {
    struct job **v;
    size_t n, cap;
    bool polls; /* ordered by the poll's due time */
};

struct samples {
    double *v;
    size_t n, cap;
};

/* Phase 0: the day (openings, turnouts); 1: the finals. */
struct phase_stats {
    double start, last_answer, last_seen;
    double last_due; /* the last report's due time, after start */
    long planned, accepted, answered; /* first sends (not resends) answered 201, 201 or 200 */
    struct samples lag; /* answered - due on the arrival curve */
};

struct stats {
    long planned; /* reports of the night */
    long posts; /* POSTs sent, resends and retries included */
    long status[600];
    long no_answer; /* timeouts, refused connections */
    long retries, resends, given_up;
    long unexpected; /* answers other than 201/200 where they belong */
    long double_counted; /* a resend answered 201 */
    long accepted;
    long seen, never_seen;
    struct samples post, visible;
    struct phase_stats phase[2];
    double start, end;
};

struct xfer {
    struct xfer *prev, *next; /* the transfers in flight */
    CURL *h;
    struct job *job;
    bool poll; /* a visibility GET, else a report's POST */
    bool resend;
    size_t report;
    double started;
    char *body; /* the POSTed text: borrowed from job->jws, or owned when a resend */
    bool body_owned;
    char *resp;
    size_t resp_len;
};

struct night {
    struct options *o;
    struct asu_devices *devices;
    CURLM *multi;
    struct curl_slist *jose;
    struct heap reports, polls;
    struct xfer *inflight;
    long posts_in_flight, polls_in_flight;
    struct stats s;
    long shown; /* unexpected answers shown on stderr */
    bool failed; /* out of memory or curl: stop */
};

/* asu_sim.c */
void usage(void);
double now(void);
bool parse_double(const char *s, double lo, double hi, double *out);
bool parse_long(const char *s, long lo, long hi, long *out);

/* asu_keys.c */
int cmd_keys(int argc, char **argv);

/* asu_night.c */
int parse_night(int argc, char **argv, struct options *o);
bool job_before(const struct heap *h, const struct job *a, const struct job *b);
int heap_push(struct heap *h, struct job *j);
struct job *heap_pop(struct heap *h);
char *sign_report(const struct asu_election *e, const struct job *j, size_t i, uint64_t seed);
bool kind_in_phase(int phase, const struct options *o, enum asu_kind k);
bool job_phase(struct job *j, int phase, const struct options *o);
double report_due(const struct job *j, size_t i, double phase_start, const struct options *o);
void sample(struct samples *s, double x);
int cmp_double(const void *a, const void *b);
double percentile(struct samples *s, double p);
long count_4xx(const struct stats *s, bool others_only);
long count_range(const struct stats *s, int lo, int hi);
void print_figures(struct night *n, size_t nstations);
int cmp_plan(const void *a, const void *b);
int write_out(const struct options *o, const struct asu_election *e, struct job *jobs,
              size_t njobs);
int cmd_night(int argc, char **argv);

/* asu_night_http.c */
size_t on_data(char *data, size_t size, size_t nmemb, void *ctx);
int start_xfer(struct night *n, struct xfer *x);
void end_xfer(struct night *n, struct xfer *x);
void free_xfer(struct xfer *x);
int dispatch_report(struct night *n, struct job *j);
int dispatch_poll(struct night *n, struct job *j);
void advance(struct night *n, struct job *j, double phase_start);
bool lists_seq(const char *text, int seq);
void show(struct night *n, const struct xfer *x, long status, const char *what);
void report_done(struct night *n, struct xfer *x, CURLcode cc, long status, double phase_start);
void poll_done(struct night *n, struct xfer *x, CURLcode cc, long status);
void run_phase(struct night *n, struct job *jobs, size_t njobs, int phase);

#endif
