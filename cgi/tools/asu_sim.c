/*
 * shailoo-asu: the ASU devices of the demo election, on election night.
 *
 *   shailoo-asu keys --election ID --keys FILE [--keep OLD] < stations
 *       One EC P-256 key pair per station number read from stdin (one a
 *       line).  Writes FILE (mode 600): "device_id station key" a line, the
 *       key the body of its PKCS#8 PEM; stations of OLD that are not on stdin
 *       keep their line.  Prints the public keys on stdout as COPY text rows
 *       of asu_devices (device_id, election_id, station_number, public_key,
 *       registered_by 'demo').  scripts/instance.sh runs it at setup.
 *
 *   shailoo-asu night [options]
 *       Every device's day, signed (ES256, cgi/core/jws.c) and sent to
 *       POST /api/v1/asu/reports: the opening (seq 1, the box empty), the
 *       turnout at each of the election's hours (10, 12, 14, 16, 18), then
 *       the final count (list contest and the station's district, abroad the
 *       list only).  Openings and turnouts go as fast as --concurrency lets
 *       them, in the order of the day; the finals follow the arrival curve of
 *       2021 (84% between 20:00 and 21:00, the rest until 23:00), those three
 *       hours compressed into --duration seconds.  The figures and the
 *       signed `time` (the simulated clock of election day, local time) are
 *       a function of --seed and the station, so a second night sends the
 *       same payloads again: the server answers 200 "duplicate" to each.
 *       Like a flaky modem, a device resends a share of its reports once
 *       (--duplicates; half of them byte for byte, half signed again) and
 *       retries timeouts and 5xx answers with back-off.
 *
 *       --dir DIR            $VAR/asu: ballots.txt and keys.txt (default var/asu)
 *       --url URL            nginx (default http://127.0.0.1:8080)
 *       --duration SECONDS   the finals' three hours, compressed (default 60;
 *                            0: every final at once, the server's capacity)
 *       --concurrency N      reports in flight at once (default 32)
 *       --stations N         N stations spread over the list (default all)
 *       --only KIND          opening, turnout or final
 *       --duplicates SHARE   reports resent once on purpose (default 0.05)
 *       --seed N             the night's figures (default 2027)
 *       --timeout SECONDS    of one request (default 10)
 *       --check-visibility   after each accepted final, poll
 *                            GET /api/v1/results/elections/{id}/stations/{n}
 *                            until it lists the report's seq
 *       --visibility-share X the share of finals so watched (default 1)
 *       --out FILE           write the signed reports (compact JWS), one a
 *                            line in the order of the night, instead of sending
 *       --json               the figures as one JSON object
 *
 *       Prints reports sent, answers by status (201/200/409/4xx/5xx), the
 *       day's reports per second (sent as fast as they go), the finals: when
 *       the last was accepted and how far behind the curve (p50/p99), POST
 *       latency p50/p99, acceptance-to-visibility p50/p99 (POST sent to the
 *       station's page listing it; nginx's 1 s microcache included) and the
 *       night's duration.  Exit 0; 1 on any 5xx (even if a retry then got
 *       through), any answer other than 201 (accepted) or 200 (duplicate), a
 *       resend counted again, a report given up after 8 tries or a final never
 *       shown; 2 on bad usage or unreadable files.
 *
 *   make election-night ARGS="--duration 30"   against the `make run` instance
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "asu_sim.h"
#include "core/jws.h"

enum { EXIT_OK = 0, EXIT_NIGHT_FAILED = 1, EXIT_USAGE = 2 };
enum { T_RESEND = 101, T_RESEND_SAME, T_RESEND_DELAY, T_BACKOFF, T_VISIBILITY };

#define MAX_ATTEMPTS 8
#define VISIBILITY_GIVE_UP 10.0   /* seconds after the POST */
#define VISIBILITY_INTERVAL 0.02
#define MAX_RESPONSE (1 << 20)

static void usage(void)
{
    fprintf(stderr,
            "usage: shailoo-asu keys --election ID --keys FILE [--keep OLD] < station numbers\n"
            "       shailoo-asu night [--dir DIR] [--url URL] [--duration S] [--concurrency N]\n"
            "                         [--stations N] [--only opening|turnout|final] [--duplicates SHARE]\n"
            "                         [--seed N] [--timeout S] [--check-visibility] [--visibility-share X] [--out FILE] [--json]\n"
            "(the usage in full: the comment at the top of cgi/tools/asu_sim.c)\n");
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool parse_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !(v >= lo && v <= hi))
        return false;
    *out = v;
    return true;
}

static bool parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* ---- keys --------------------------------------------------------------- */

/* The PEM text of key (private: PKCS#8; else SubjectPublicKeyInfo), malloc'd. */
static char *key_pem(EVP_PKEY *key, bool private_key)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *out = NULL, *data;
    if (bio == NULL)
        return NULL;
    int ok = private_key ? PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL)
                         : PEM_write_bio_PUBKEY(bio, key);
    long n = ok == 1 ? BIO_get_mem_data(bio, &data) : 0;
    if (n > 0 && (out = malloc((size_t)n + 1)) != NULL) {
        memcpy(out, data, (size_t)n);
        out[n] = '\0';
    }
    BIO_free(bio);
    return out;
}

/* The body of a PEM text on one line: the lines between the armour, joined. */
static void pem_body(const char *pem, char *out, size_t size)
{
    size_t o = 0;
    const char *p = strchr(pem, '\n');
    while (p != NULL && p[1] != '\0' && strncmp(p + 1, "-----END", 8) != 0) {
        p++;
        const char *eol = strchr(p, '\n');
        size_t n = eol != NULL ? (size_t)(eol - p) : strlen(p);
        if (o + n + 1 > size)
            break;
        memcpy(out + o, p, n);
        o += n;
        p = eol;
    }
    out[o] = '\0';
}

static bool number_listed(const long *numbers, size_t n, long x)
{
    for (size_t i = 0; i < n; i++)
        if (numbers[i] == x)
            return true;
    return false;
}

static int cmd_keys(int argc, char **argv)
{
    long election = 0;
    const char *keys = NULL, *keep = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--election") == 0 && v != NULL && parse_long(v, 1, 999999, &election))
            i++;
        else if (strcmp(a, "--keys") == 0 && v != NULL)
            keys = argv[++i];
        else if (strcmp(a, "--keep") == 0 && v != NULL)
            keep = argv[++i];
        else {
            usage();
            return EXIT_USAGE;
        }
    }
    if (election == 0 || keys == NULL) {
        usage();
        return EXIT_USAGE;
    }
    int rc = EXIT_USAGE;
    long *numbers = NULL;
    size_t n = 0, cap = 0;
    char line[4200];
    while (fgets(line, sizeof(line), stdin) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        long x;
        if (line[0] == '\0')
            continue;
        if (!parse_long(line, 1, 99999999999999L, &x)) {
            fprintf(stderr, "shailoo-asu keys: not a station number: %.40s\n", line);
            goto out;
        }
        if (n == cap) {
            cap = cap == 0 ? 1024 : 2 * cap;
            long *p = realloc(numbers, cap * sizeof(*p));
            if (p == NULL)
                goto out;
            numbers = p;
        }
        numbers[n++] = x;
    }

    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s.new", keys);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (f == NULL) {
        fprintf(stderr, "shailoo-asu keys: %s: %s\n", tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
        goto out;
    }
    rc = EXIT_NIGHT_FAILED;
    fprintf(f, "# device_id station private key (PKCS#8 PEM body): the demo devices of election %ld\n",
            election);
    FILE *old = keep != NULL ? fopen(keep, "r") : NULL;
    while (old != NULL && fgets(line, sizeof(line), old) != NULL) {
        char dev[32];
        long station;
        if (line[0] != '#' && sscanf(line, "%31s %ld", dev, &station) == 2 &&
            !number_listed(numbers, n, station))
            fputs(line, f);
    }
    if (old != NULL)
        fclose(old);
    bool failed = false;
    for (size_t i = 0; i < n && !failed; i++) {
        char dev[21], body[4096];
        asu_device_id(election, (int)numbers[i], dev);
        EVP_PKEY *key = EVP_EC_gen("P-256");
        char *priv = key != NULL ? key_pem(key, true) : NULL;
        char *pub = key != NULL ? key_pem(key, false) : NULL;
        failed = priv == NULL || pub == NULL;
        if (!failed) {
            pem_body(priv, body, sizeof(body));
            fprintf(f, "%s %ld %s\n", dev, numbers[i], body);
            /* COPY text: the PEM's line breaks as \n. */
            printf("%s\t%ld\t%ld\t", dev, election, numbers[i]);
            for (const char *p = pub; *p != '\0'; p++)
                if (*p == '\n')
                    fputs("\\n", stdout);
                else
                    putchar(*p);
            printf("\tdemo\n");
        }
        OPENSSL_cleanse(body, sizeof(body));
        if (priv != NULL)
            OPENSSL_cleanse(priv, strlen(priv));
        free(priv);
        free(pub);
        EVP_PKEY_free(key);
    }
    if (fclose(f) != 0 || failed || fflush(stdout) != 0 || rename(tmp, keys) != 0) {
        fprintf(stderr, "shailoo-asu keys: could not write %s\n", keys);
        unlink(tmp);
        goto out;
    }
    rc = EXIT_OK;
out:
    free(numbers);
    return rc;
}

/* ---- night: options and the plan ------------------------------------------ */

struct options {
    const char *dir, *url, *out;
    double duration, duplicates, timeout, visibility_share;
    long concurrency, stations, seed;
    int only;                                  /* -1 every kind, else enum asu_kind */
    bool check_visibility, json;
};

static int parse_night(int argc, char **argv, struct options *o)
{
    *o = (struct options){"var/asu", "http://127.0.0.1:8080", NULL, 60, 0.05, 10, 1, 32, 0, 2027,
                          -1, false, false};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--check-visibility") == 0) {
            o->check_visibility = true;
            continue;
        }
        if (strcmp(a, "--json") == 0) {
            o->json = true;
            continue;
        }
        const char *v = i + 1 < argc ? argv[++i] : NULL;
        bool ok = true;
        if (v == NULL)
            ok = false;
        else if (strcmp(a, "--dir") == 0)
            o->dir = v;
        else if (strcmp(a, "--url") == 0) {
            o->url = v;
            ok = (strncmp(v, "http://", 7) == 0 || strncmp(v, "https://", 8) == 0) &&
                 v[strlen(v) - 1] != '/';
        } else if (strcmp(a, "--out") == 0)
            o->out = v;
        else if (strcmp(a, "--duration") == 0)
            ok = parse_double(v, 0, 86400, &o->duration);
        else if (strcmp(a, "--duplicates") == 0)
            ok = parse_double(v, 0, 1, &o->duplicates);
        else if (strcmp(a, "--visibility-share") == 0)
            ok = parse_double(v, 0.001, 1, &o->visibility_share);
        else if (strcmp(a, "--timeout") == 0)
            ok = parse_double(v, 0.1, 600, &o->timeout);
        else if (strcmp(a, "--concurrency") == 0)
            ok = parse_long(v, 1, 4096, &o->concurrency);
        else if (strcmp(a, "--stations") == 0)
            ok = parse_long(v, 1, 1000000, &o->stations);
        else if (strcmp(a, "--seed") == 0)
            ok = parse_long(v, 0, 2147483647L, &o->seed);
        else if (strcmp(a, "--only") == 0) {
            o->only = strcmp(v, "opening") == 0   ? ASU_OPENING
                      : strcmp(v, "turnout") == 0 ? ASU_TURNOUT
                      : strcmp(v, "final") == 0   ? ASU_FINAL
                                                  : -1;
            ok = o->only >= 0;
        } else
            ok = false;
        if (!ok) {
            fprintf(stderr, "shailoo-asu night: bad option %s %s (a --url has no trailing slash)\n", a,
                    v != NULL ? v : "");
            usage();
            return -1;
        }
    }
    return 0;
}

/* One device in the night: its day, and where it is in it. */
struct job {
    struct asu_station *st;
    struct asu_report day[ASU_MAX_REPORTS];
    size_t nday;
    size_t next, last;                         /* the reports of this phase still to send */
    double due;                                /* when the next send may start (monotonic) */
    int attempt;                               /* failed sends of the current report */
    bool resend;                               /* the next send repeats an answered report */
    bool resent;                               /* the current report was resent already */
    char *jws;                                 /* the current report, signed; owned */
    /* The visibility check of the last accepted final. */
    int poll_seq;
    double poll_sent;
    size_t heap_pos;
};

/* A min-heap of jobs by (due, the report's clock, station). */
struct heap {
    struct job **v;
    size_t n, cap;
    bool polls;                                /* ordered by the poll's due time */
};

static bool job_before(const struct heap *h, const struct job *a, const struct job *b)
{
    if (a->due != b->due)
        return a->due < b->due;
    if (!h->polls && a->day[a->next].clock != b->day[b->next].clock)
        return a->day[a->next].clock < b->day[b->next].clock;
    return a->st->number < b->st->number;
}

static int heap_push(struct heap *h, struct job *j)
{
    if (h->n == h->cap) {
        size_t cap = h->cap == 0 ? 256 : 2 * h->cap;
        struct job **v = realloc(h->v, cap * sizeof(*v));
        if (v == NULL)
            return -1;
        h->v = v;
        h->cap = cap;
    }
    size_t i = h->n++;
    while (i > 0 && job_before(h, j, h->v[(i - 1) / 2])) {
        h->v[i] = h->v[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->v[i] = j;
    return 0;
}

static struct job *heap_pop(struct heap *h)
{
    struct job *top = h->v[0], *last = h->v[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && job_before(h, h->v[c + 1], h->v[c]))
            c++;
        if (!job_before(h, h->v[c], last))
            break;
        h->v[i] = h->v[c];
        i = c;
    }
    if (h->n > 0)
        h->v[i] = last;
    return top;
}

/* The signed report day[i] of job j, malloc'd, or NULL. */
static char *sign_report(const struct asu_election *e, const struct job *j, size_t i, uint64_t seed)
{
    char header[80];
    snprintf(header, sizeof(header), "{\"alg\":\"ES256\",\"kid\":\"%s\"}", j->st->device_id);
    char *payload = asu_payload(e, j->st, &j->day[i], seed);
    char *jws = payload != NULL ? jws_sign_es256(header, payload, strlen(payload), j->st->key) : NULL;
    free(payload);
    return jws;
}

static bool kind_in_phase(int phase, const struct options *o, enum asu_kind k)
{
    return (o->only < 0 || (int)k == o->only) && ((phase == 0) == (k != ASU_FINAL));
}

/* Sets j->next/last to the phase's reports: false if it has none. */
static bool job_phase(struct job *j, int phase, const struct options *o)
{
    bool any = false;
    for (size_t i = 0; i < j->nday; i++)
        if (kind_in_phase(phase, o, j->day[i].kind)) {
            if (!any)
                j->next = i;
            j->last = i;
            any = true;
        }
    return any;
}

/* When day[i] is due, phase_start the monotonic start of its phase. */
static double report_due(const struct job *j, size_t i, double phase_start, const struct options *o)
{
    if (j->day[i].kind != ASU_FINAL)
        return phase_start;
    double after = (double)(j->day[i].clock - 20 * 3600L);
    return phase_start + o->duration * after / ASU_NIGHT_SECONDS;
}

/* ---- night: figures ------------------------------------------------------- */

struct samples {
    double *v;
    size_t n, cap;
};

static void sample(struct samples *s, double x)
{
    if (s->n == s->cap) {
        size_t cap = s->cap == 0 ? 1024 : 2 * s->cap;
        double *v = realloc(s->v, cap * sizeof(*v));
        if (v == NULL)
            return;                               /* a figure less; the night goes on */
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = x;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The p-th percentile (nearest rank), in ms; 0 without samples. */
static double percentile(struct samples *s, double p)
{
    if (s->n == 0)
        return 0;
    qsort(s->v, s->n, sizeof(double), cmp_double);
    size_t rank = (size_t)ceil(p / 100.0 * (double)s->n);
    return 1000 * s->v[rank == 0 ? 0 : rank - 1];
}

/* Phase 0: the day (openings, turnouts); 1: the finals. */
struct phase_stats {
    double start, last_answer, last_seen;
    double last_due;                   /* the last report's due time, after start */
    long planned, accepted, answered;  /* first sends (not resends) answered 201, 201 or 200 */
    struct samples lag;                /* answered - due on the arrival curve */
};

struct stats {
    long planned;                      /* reports of the night */
    long posts;                        /* POSTs sent, resends and retries included */
    long status[600];
    long no_answer;                    /* timeouts, refused connections */
    long retries, resends, given_up;
    long unexpected;                   /* answers other than 201/200 where they belong */
    long double_counted;               /* a resend answered 201 */
    long accepted;
    long seen, never_seen;
    struct samples post, visible;
    struct phase_stats phase[2];
    double start, end;
};

/* ---- night: HTTP ---------------------------------------------------------- */

struct xfer {
    struct xfer *prev, *next;          /* the transfers in flight */
    CURL *h;
    struct job *job;
    bool poll;                         /* a visibility GET, else a report's POST */
    bool resend;
    size_t report;
    double started;
    char *body;                        /* the POSTed text: borrowed from job->jws, or owned when a resend */
    bool body_owned;
    char *resp;
    size_t resp_len;
};

static size_t on_data(char *data, size_t size, size_t nmemb, void *ctx)
{
    struct xfer *x = ctx;
    size_t n = size * nmemb;
    if (x->resp_len + n > MAX_RESPONSE)
        return 0;
    char *p = realloc(x->resp, x->resp_len + n + 1);
    if (p == NULL)
        return 0;
    memcpy(p + x->resp_len, data, n);
    x->resp = p;
    x->resp_len += n;
    x->resp[x->resp_len] = '\0';
    return n;
}

struct night {
    struct options *o;
    struct asu_devices *devices;
    CURLM *multi;
    struct curl_slist *jose;
    struct heap reports, polls;
    struct xfer *inflight;
    long posts_in_flight, polls_in_flight;
    struct stats s;
    long shown;                        /* unexpected answers shown on stderr */
    bool failed;                       /* out of memory or curl: stop */
};

static int start_xfer(struct night *n, struct xfer *x)
{
    char url[512];
    CURL *h = curl_easy_init();
    if (h == NULL)
        return -1;
    if (x->poll)
        snprintf(url, sizeof(url), "%s/api/v1/results/elections/%ld/stations/%d", n->o->url,
                 n->devices->election.id, x->job->st->number);
    else
        snprintf(url, sizeof(url), "%s/api/v1/asu/reports", n->o->url);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PRIVATE, x);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(n->o->timeout * 1000));
    if (!x->poll) {
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, n->jose);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, x->body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(x->body));
    }
    x->started = now();
    if (curl_multi_add_handle(n->multi, h) != CURLM_OK) {
        curl_easy_cleanup(h);
        return -1;
    }
    x->h = h;
    x->next = n->inflight;
    if (n->inflight != NULL)
        n->inflight->prev = x;
    n->inflight = x;
    if (x->poll)
        n->polls_in_flight++;
    else
        n->posts_in_flight++, n->s.posts++;
    return 0;
}

/* Takes x out of the multi handle and the list in flight. */
static void end_xfer(struct night *n, struct xfer *x)
{
    curl_multi_remove_handle(n->multi, x->h);
    curl_easy_cleanup(x->h);
    x->h = NULL;
    if (x->prev != NULL)
        x->prev->next = x->next;
    else
        n->inflight = x->next;
    if (x->next != NULL)
        x->next->prev = x->prev;
}

static void free_xfer(struct xfer *x)
{
    if (x->body_owned)
        free(x->body);
    free(x->resp);
    free(x);
}

/* Sends the job's current report (or its resend). */
static int dispatch_report(struct night *n, struct job *j)
{
    struct xfer *x = calloc(1, sizeof(*x));
    if (x == NULL)
        return -1;
    x->job = j;
    x->report = j->next;
    x->resend = j->resend;
    if (j->jws == NULL && (j->jws = sign_report(&n->devices->election, j, j->next, (uint64_t)n->o->seed)) == NULL) {
        free(x);
        return -1;
    }
    x->body = j->jws;
    if (j->resend) {
        /* Half the resends again byte for byte, half signed anew (ECDSA: another signature). */
        if (asu_draw((uint64_t)n->o->seed, (uint64_t)j->st->number, (uint64_t)j->day[j->next].seq,
                     T_RESEND_SAME) >= 0.5) {
            x->body = sign_report(&n->devices->election, j, j->next, (uint64_t)n->o->seed);
            x->body_owned = true;
            if (x->body == NULL) {
                free(x);
                return -1;
            }
        }
        n->s.resends++;
    }
    if (start_xfer(n, x) < 0) {
        free_xfer(x);
        return -1;
    }
    return 0;
}

static int dispatch_poll(struct night *n, struct job *j)
{
    struct xfer *x = calloc(1, sizeof(*x));
    if (x == NULL)
        return -1;
    x->job = j;
    x->poll = true;
    if (start_xfer(n, x) < 0) {
        free_xfer(x);
        return -1;
    }
    return 0;
}

/* The job's next report, or the job is done with this phase. */
static void advance(struct night *n, struct job *j, double phase_start)
{
    free(j->jws);
    j->jws = NULL;
    j->attempt = 0;
    j->resend = j->resent = false;
    if (j->next >= j->last)
        return;
    j->next++;
    double due = report_due(j, j->next, phase_start, n->o), t = now();
    j->due = due > t ? due : t;
    if (heap_push(&n->reports, j) < 0)
        n->failed = true;
}

/* True if a JSON text has the member "seq" with the value seq (any spacing). */
static bool lists_seq(const char *text, int seq)
{
    for (const char *p = text != NULL ? strstr(text, "\"seq\"") : NULL; p != NULL; p = strstr(p + 5, "\"seq\"")) {
        const char *q = p + 5;
        while (*q == ' ')
            q++;
        if (*q++ != ':')
            continue;
        while (*q == ' ')
            q++;
        char *end;
        long v = strtol(q, &end, 10);
        if (end != q && v == seq && !(*end >= '0' && *end <= '9'))
            return true;
    }
    return false;
}

static void show(struct night *n, const struct xfer *x, long status, const char *what)
{
    if (n->shown++ >= 10)
        return;
    fprintf(stderr, "shailoo-asu: station %d seq %d: %s %ld %.300s\n", x->job->st->number,
            x->job->day[x->report].seq, what, status, x->resp != NULL ? x->resp : "");
}

static void report_done(struct night *n, struct xfer *x, CURLcode cc, long status, double phase_start)
{
    struct job *j = x->job;
    double t = now();
    struct stats *s = &n->s;
    n->posts_in_flight--;
    bool final = j->day[x->report].kind == ASU_FINAL;
    if (cc != CURLE_OK || status >= 500 || status == 429) {
        if (cc != CURLE_OK)
            s->no_answer++;
        else
            s->status[status]++;
        if (x->resend) {                      /* a resend is sent once: no retry of it */
            advance(n, j, phase_start);
            return;
        }
        if (++j->attempt >= MAX_ATTEMPTS) {
            fprintf(stderr, "shailoo-asu: station %d seq %d: given up after %d attempts\n",
                    j->st->number, j->day[x->report].seq, j->attempt);
            s->given_up++;
            advance(n, j, phase_start);
            return;
        }
        s->retries++;
        double backoff = 0.1 * pow(2, j->attempt - 1);
        backoff = (backoff > 5 ? 5 : backoff) *
                  (0.5 + asu_draw((uint64_t)n->o->seed, (uint64_t)j->st->number,
                                  (uint64_t)(j->day[x->report].seq * 16 + j->attempt), T_BACKOFF));
        j->due = t + backoff;
        if (heap_push(&n->reports, j) < 0)
            n->failed = true;
        return;
    }
    s->status[status < 600 ? status : 599]++;
    sample(&s->post, t - x->started);
    if (status == 201 && x->resend) {
        s->double_counted++;
        show(n, x, status, "a resend was accepted as new:");
    } else if (status != 201 && status != 200) {
        s->unexpected++;
        show(n, x, status, "answer");
    }
    struct phase_stats *ph = &s->phase[final];
    if (!x->resend && (status == 201 || status == 200)) {
        ph->answered++;
        ph->last_answer = t;
        double due = report_due(j, x->report, phase_start, n->o);
        sample(&ph->lag, t - due);
        if (due - phase_start > ph->last_due)
            ph->last_due = due - phase_start;
    }
    if (status == 201) {
        s->accepted++;
        if (!x->resend)
            ph->accepted++;
        if (final && !x->resend) {
            /* A share of the finals is watched: each watch is a read the server serves too. */
            if (n->o->check_visibility &&
                asu_draw((uint64_t)n->o->seed, (uint64_t)j->st->number,
                         (uint64_t)j->day[x->report].seq, T_VISIBILITY) < n->o->visibility_share) {
                j->poll_seq = j->day[x->report].seq;
                j->poll_sent = x->started;
                j->due = t;
                if (heap_push(&n->polls, j) < 0)
                    n->failed = true;
            }
        }
    }
    /* Like a modem that did not hear the answer: the same report once more, soon. */
    if (!x->resend && (status == 201 || status == 200) && !j->resent &&
        asu_draw((uint64_t)n->o->seed, (uint64_t)j->st->number, (uint64_t)j->day[x->report].seq,
                 T_RESEND) < n->o->duplicates) {
        j->resend = j->resent = true;
        j->due = t + 0.05 + 0.25 * asu_draw((uint64_t)n->o->seed, (uint64_t)j->st->number,
                                            (uint64_t)j->day[x->report].seq, T_RESEND_DELAY);
        if (heap_push(&n->reports, j) < 0)
            n->failed = true;
        return;
    }
    advance(n, j, phase_start);
}

static void poll_done(struct night *n, struct xfer *x, CURLcode cc, long status)
{
    struct job *j = x->job;
    double t = now();
    n->polls_in_flight--;
    if (cc == CURLE_OK && status == 200 && lists_seq(x->resp, j->poll_seq)) {
        n->s.seen++;
        sample(&n->s.visible, t - j->poll_sent);
        n->s.phase[1].last_seen = t;
        return;
    }
    if (t - j->poll_sent > VISIBILITY_GIVE_UP) {
        n->s.never_seen++;
        if (n->s.never_seen <= 3)
            fprintf(stderr, "shailoo-asu: station %d: seq %d not visible after %.0f s (last answer %ld %.200s)\n",
                    j->st->number, j->poll_seq, VISIBILITY_GIVE_UP, status, x->resp != NULL ? x->resp : "");
        return;
    }
    j->due = t + VISIBILITY_INTERVAL;
    if (heap_push(&n->polls, j) < 0)
        n->failed = true;
}

/* Runs one phase (0: openings and turnouts, 1: finals) until every report of it is answered. */
static void run_phase(struct night *n, struct job *jobs, size_t njobs, int phase)
{
    double phase_start = now();
    n->s.phase[phase].start = phase_start;
    for (size_t i = 0; i < njobs; i++)
        if (job_phase(&jobs[i], phase, n->o)) {
            jobs[i].due = report_due(&jobs[i], jobs[i].next, phase_start, n->o);
            if (heap_push(&n->reports, &jobs[i]) < 0)
                n->failed = true;
        }
    /* After a failure, only the transfers in flight are seen to their end. */
    while ((!n->failed && (n->reports.n > 0 || n->polls.n > 0)) || n->inflight != NULL) {
        double t = now();
        while (!n->failed && n->posts_in_flight < n->o->concurrency && n->reports.n > 0 && n->reports.v[0]->due <= t)
            if (dispatch_report(n, heap_pop(&n->reports)) < 0)
                n->failed = true;
        while (!n->failed && n->polls_in_flight < n->o->concurrency && n->polls.n > 0 && n->polls.v[0]->due <= t)
            if (dispatch_poll(n, heap_pop(&n->polls)) < 0)
                n->failed = true;
        int running;
        if (curl_multi_perform(n->multi, &running) != CURLM_OK) {
            n->failed = true;
            return;
        }
        CURLMsg *m;
        int left;
        while ((m = curl_multi_info_read(n->multi, &left)) != NULL) {
            if (m->msg != CURLMSG_DONE)
                continue;
            CURL *h = m->easy_handle;
            CURLcode cc = m->data.result;
            struct xfer *x;
            long status = 0;
            curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&x);
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
            end_xfer(n, x);
            if (status < 0 || status > 599)
                status = 599;
            if (x->poll)
                poll_done(n, x, cc, status);
            else
                report_done(n, x, cc, status, phase_start);
            free_xfer(x);
        }
        /* Sleep until a transfer moves or the next report is due (at most 20 ms). */
        double wait = 0.02;
        t = now();
        if (n->reports.n > 0 && n->posts_in_flight < n->o->concurrency && n->reports.v[0]->due - t < wait)
            wait = n->reports.v[0]->due - t;
        if (n->polls.n > 0 && n->polls_in_flight < n->o->concurrency && n->polls.v[0]->due - t < wait)
            wait = n->polls.v[0]->due - t;
        if (wait > 0 && curl_multi_poll(n->multi, NULL, 0, (int)ceil(wait * 1000), NULL) != CURLM_OK)
            n->failed = true;
    }
}

/* ---- night: output ---------------------------------------------------------- */

static long count_4xx(const struct stats *s, bool others_only)
{
    long c = 0;
    for (int i = 400; i < 500; i++)
        if (!others_only || (i != 409))
            c += s->status[i];
    return c;
}

static long count_range(const struct stats *s, int lo, int hi)
{
    long c = 0;
    for (int i = lo; i < hi; i++)
        c += s->status[i];
    return c;
}

static void print_figures(struct night *n, size_t nstations)
{
    struct stats *s = &n->s;
    const struct options *o = n->o;
    const struct phase_stats *day = &s->phase[0], *fin = &s->phase[1];
    double night = s->end - s->start;
    double day_s = day->answered > 0 ? day->last_answer - day->start : 0;
    double fin_s = fin->answered > 0 ? fin->last_answer - fin->start : 0;
    /* Accepted is published (one transaction); the watched finals show it. */
    double published = fin->last_seen > 0 ? fin->last_seen - fin->start : 0;
    if (fin_s > published)
        published = fin_s;
    double post50 = percentile(&s->post, 50), post99 = percentile(&s->post, 99);
    double vis50 = percentile(&s->visible, 50), vis99 = percentile(&s->visible, 99);
    double vismax = s->visible.n > 0 ? 1000 * s->visible.v[s->visible.n - 1] : 0;
    double lag50 = percentile(&s->phase[1].lag, 50), lag99 = percentile(&s->phase[1].lag, 99);
    double rate = night > 0 ? (double)s->accepted / night : 0;
    double day_rate = day_s > 0 ? (double)day->accepted / day_s : 0;
    long other = s->posts - s->no_answer - s->status[201] - s->status[200] - count_4xx(s, false) -
                 count_range(s, 500, 600);
    if (o->json) {
        printf("{\"election\":%ld,\"stations\":%zu,\"seed\":%ld,\"concurrency\":%ld,\"duration\":%g,"
               "\"reports\":%ld,\"posts\":%ld,\"resends\":%ld,\"retries\":%ld,\"given_up\":%ld,"
               "\"status\":{",
               n->devices->election.id, nstations, o->seed, o->concurrency, o->duration, s->planned,
               s->posts, s->resends, s->retries, s->given_up);
        bool first = true;
        for (int i = 0; i < 600; i++)
            if (s->status[i] > 0) {
                printf("%s\"%d\":%ld", first ? "" : ",", i, s->status[i]);
                first = false;
            }
        printf("},\"no_answer\":%ld,\"unexpected\":%ld,\"double_counted\":%ld,\"accepted\":%ld,"
               "\"accepted_per_s\":%.1f,\"night_s\":%.3f,"
               "\"day\":{\"reports\":%ld,\"answered\":%ld,\"accepted\":%ld,\"seconds\":%.3f,\"accepted_per_s\":%.1f},"
               "\"finals\":{\"reports\":%ld,\"answered\":%ld,\"accepted\":%ld,\"seconds\":%.3f,\"last_due_s\":%.3f,"
               "\"published_s\":%.3f,\"lag_ms\":{\"p50\":%.2f,\"p99\":%.2f}},"
               "\"post_ms\":{\"p50\":%.2f,\"p99\":%.2f,\"n\":%zu},"
               "\"visibility_ms\":{\"checked\":%s,\"p50\":%.2f,\"p99\":%.2f,\"max\":%.2f,\"seen\":%ld,\"never\":%ld}}\n",
               s->no_answer, s->unexpected, s->double_counted, s->accepted, rate, night,
               day->planned, day->answered, day->accepted, day_s, day_rate,
               fin->planned, fin->answered, fin->accepted, fin_s, fin->last_due, published, lag50, lag99,
               post50, post99, s->post.n,
               o->check_visibility ? "true" : "false", vis50, vis99, vismax, s->seen, s->never_seen);
        return;
    }
    printf("night: election %ld, %zu stations, seed %ld, %ld in flight, finals over %g s, %s\n",
           n->devices->election.id, nstations, o->seed, o->concurrency, o->duration, o->url);
    printf("reports: %ld, sent in %ld POSTs (%ld resent on purpose, %ld retries), %ld given up\n",
           s->planned, s->posts, s->resends, s->retries, s->given_up);
    printf("answers: 201 %ld, 200 %ld, 409 %ld, other 4xx %ld, 5xx %ld, other %ld, no answer %ld\n",
           s->status[201], s->status[200], s->status[409], count_4xx(s, true), count_range(s, 500, 600),
           other, s->no_answer);
    if (day->planned > 0)
        printf("day: %ld openings and turnouts answered in %.2f s, as fast as %ld in flight allow:"
               " %ld accepted, %.1f/s\n", day->answered, day_s, o->concurrency, day->accepted, day_rate);
    if (fin->planned > 0)
        printf("finals: %ld answered, %ld accepted, the last %.2f s after the curve began (over %g s,"
               " the last due at %.2f s); answered behind the curve p50 %.2f ms, p99 %.2f ms\n",
               fin->answered, fin->accepted, fin_s, o->duration, fin->last_due, lag50, lag99);
    printf("accepted: %ld reports in %.2f s: %.1f reports/s over the night\n", s->accepted, night, rate);
    printf("POST latency: p50 %.2f ms, p99 %.2f ms (%zu answers)\n", post50, post99, s->post.n);
    if (o->check_visibility)
        printf("visibility (POST sent -> listed by GET .../stations/N): p50 %.2f ms, p99 %.2f ms, max %.2f ms;"
               " %ld seen, %ld never; the last final published %.2f s after the curve began\n",
               vis50, vis99, vismax, s->seen, s->never_seen, published);
    printf("night: %.2f s\n", night);
}

/* ---- night -------------------------------------------------------------------- */

static int cmp_plan(const void *a, const void *b)
{
    const struct { struct job *j; size_t i; } *x = a, *y = b;
    int fx = x->j->day[x->i].kind == ASU_FINAL, fy = y->j->day[y->i].kind == ASU_FINAL;
    if (fx != fy)
        return fx - fy;
    long cx = x->j->day[x->i].clock, cy = y->j->day[y->i].clock;
    if (cx != cy)
        return cx < cy ? -1 : 1;
    return (x->j->st->number > y->j->st->number) - (x->j->st->number < y->j->st->number);
}

/* --out: every report of the night, signed, one a line, in the order they would be sent. */
static int write_out(const struct options *o, const struct asu_election *e, struct job *jobs, size_t njobs)
{
    struct plan { struct job *j; size_t i; } *plan = malloc(njobs * ASU_MAX_REPORTS * sizeof(*plan));
    size_t np = 0;
    int rc = EXIT_NIGHT_FAILED;
    FILE *f = strcmp(o->out, "-") == 0 ? stdout : fopen(o->out, "w");
    if (f == NULL || plan == NULL) {
        fprintf(stderr, "shailoo-asu: %s: %s\n", o->out, f == NULL ? strerror(errno) : "out of memory");
        goto out;
    }
    for (size_t k = 0; k < njobs; k++)
        for (size_t i = 0; i < jobs[k].nday; i++)
            if (o->only < 0 || (int)jobs[k].day[i].kind == o->only)
                plan[np++] = (struct plan){&jobs[k], i};
    qsort(plan, np, sizeof(*plan), cmp_plan);
    for (size_t k = 0; k < np; k++) {
        char *jws = sign_report(e, plan[k].j, plan[k].i, (uint64_t)o->seed);
        if (jws == NULL)
            goto out;
        fprintf(f, "%s\n", jws);
        free(jws);
    }
    rc = EXIT_OK;
out:
    if (f != NULL && f != stdout && fclose(f) != 0)
        rc = EXIT_NIGHT_FAILED;
    else if (f == stdout && fflush(stdout) != 0)
        rc = EXIT_NIGHT_FAILED;
    free(plan);
    return rc;
}

static int cmd_night(int argc, char **argv)
{
    struct options o;
    if (parse_night(argc, argv, &o) < 0)
        return EXIT_USAGE;
    struct asu_devices d;
    if (asu_devices_read(o.dir, &d) < 0)
        return EXIT_USAGE;
    int rc = EXIT_NIGHT_FAILED;
    struct night n = {.o = &o, .devices = &d, .reports = {.polls = false}, .polls = {.polls = true}};
    /* The stations of the night: those with a key, --stations of them spread over the list. */
    size_t with_key = 0;
    for (size_t i = 0; i < d.nstations; i++)
        with_key += d.stations[i].key != NULL;
    size_t want = o.stations > 0 && (size_t)o.stations < with_key ? (size_t)o.stations : with_key;
    struct job *jobs = calloc(want > 0 ? want : 1, sizeof(*jobs));
    if (jobs == NULL)
        goto out;
    size_t njobs = 0, k = 0;
    for (size_t i = 0; i < d.nstations && njobs < want; i++) {
        if (d.stations[i].key == NULL)
            continue;
        /* The k-th station with a key is taken when it is the next of the even spread. */
        if (k++ == njobs * with_key / want) {
            struct job *j = &jobs[njobs++];
            j->st = &d.stations[i];
            j->nday = asu_day(&d.election, j->st, (uint64_t)o.seed, j->day);
            for (size_t r = 0; r < j->nday; r++)
                if (o.only < 0 || (int)j->day[r].kind == o.only) {
                    n.s.planned++;
                    n.s.phase[j->day[r].kind == ASU_FINAL].planned++;
                }
        }
    }
    if (njobs == 0) {
        fprintf(stderr, "shailoo-asu: no devices with keys in %s\n", o.dir);
        goto out;
    }
    if (o.out != NULL) {
        rc = write_out(&o, &d.election, jobs, njobs);
        goto out;
    }
    n.multi = curl_multi_init();
    n.jose = curl_slist_append(NULL, "Content-Type: application/jose");
    struct curl_slist *h2 = n.jose != NULL ? curl_slist_append(n.jose, "Expect:") : NULL;
    if (n.multi == NULL || h2 == NULL)
        goto out;
    n.jose = h2;
    curl_multi_setopt(n.multi, CURLMOPT_MAX_HOST_CONNECTIONS, 2 * o.concurrency);
    n.s.start = now();
    run_phase(&n, jobs, njobs, 0);
    if (!n.failed)
        run_phase(&n, jobs, njobs, 1);
    n.s.end = now();
    if (n.failed) {
        fprintf(stderr, "shailoo-asu: the night stopped: out of memory or a curl failure\n");
        goto out;
    }
    print_figures(&n, njobs);
    long errors = count_range(&n.s, 500, 600);
    rc = errors == 0 && n.s.unexpected == 0 && n.s.double_counted == 0 && n.s.given_up == 0 &&
                 n.s.never_seen == 0
             ? EXIT_OK : EXIT_NIGHT_FAILED;
    if (rc != EXIT_OK)
        fprintf(stderr, "shailoo-asu: the night failed: %ld 5xx answers, %ld unexpected answers, "
                        "%ld resends counted again, %ld reports given up, %ld finals never shown\n",
                errors, n.s.unexpected, n.s.double_counted, n.s.given_up, n.s.never_seen);
out:
    for (size_t i = 0; jobs != NULL && i < njobs; i++)
        free(jobs[i].jws);
    free(jobs);
    free(n.reports.v);
    free(n.polls.v);
    free(n.s.post.v);
    free(n.s.visible.v);
    free(n.s.phase[0].lag.v);
    free(n.s.phase[1].lag.v);
    while (n.inflight != NULL) {
        struct xfer *x = n.inflight;
        end_xfer(&n, x);
        free_xfer(x);
    }
    curl_slist_free_all(n.jose);
    if (n.multi != NULL)
        curl_multi_cleanup(n.multi);
    asu_devices_free(&d);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage();
        return EXIT_USAGE;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return EXIT_NIGHT_FAILED;
    int rc;
    if (strcmp(argv[1], "keys") == 0)
        rc = cmd_keys(argc - 2, argv + 2);
    else if (strcmp(argv[1], "night") == 0)
        rc = cmd_night(argc - 2, argv + 2);
    else {
        usage();
        rc = EXIT_USAGE;
    }
    curl_global_cleanup();
    return rc;
}
