/* bin/shailoo-asu night: options, the plan, figures, output (asu_night.h). */
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

#include "asu_night.h"
#include "core/jws.h"

/* ---- night: options and the plan ------------------------------------------ */


int parse_night(int argc, char **argv, struct options *o)
{
    *o = (struct options){
        "var/asu", "http://127.0.0.1:8080", NULL, 60, 0.05, 10, 1, 32, 0, 2027, -1, false, false};
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
            o->only = strcmp(v, "opening") == 0 ? ASU_OPENING
                : strcmp(v, "turnout") == 0     ? ASU_TURNOUT
                : strcmp(v, "final") == 0       ? ASU_FINAL
                                                : -1;
            ok = o->only >= 0;
        } else
            ok = false;
        if (!ok) {
            fprintf(stderr, "shailoo-asu night: bad option %s %s (a --url has no trailing slash)\n",
                    a, v != NULL ? v : "");
            usage();
            return -1;
        }
    }
    return 0;
}


bool job_before(const struct heap *h, const struct job *a, const struct job *b)
{
    if (a->due != b->due)
        return a->due < b->due;
    if (!h->polls && a->day[a->next].clock != b->day[b->next].clock)
        return a->day[a->next].clock < b->day[b->next].clock;
    return a->st->number < b->st->number;
}

int heap_push(struct heap *h, struct job *j)
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

struct job *heap_pop(struct heap *h)
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
char *sign_report(const struct asu_election *e, const struct job *j, size_t i, uint64_t seed)
{
    char header[80];
    snprintf(header, sizeof(header), "{\"alg\":\"ES256\",\"kid\":\"%s\"}", j->st->device_id);
    char *payload = asu_payload(e, j->st, &j->day[i], seed);
    char *jws =
        payload != NULL ? jws_sign_es256(header, payload, strlen(payload), j->st->key) : NULL;
    free(payload);
    return jws;
}

bool kind_in_phase(int phase, const struct options *o, enum asu_kind k)
{
    return (o->only < 0 || (int)k == o->only) && ((phase == 0) == (k != ASU_FINAL));
}

/* Sets j->next/last to the phase's reports: false if it has none. */
bool job_phase(struct job *j, int phase, const struct options *o)
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
double report_due(const struct job *j, size_t i, double phase_start, const struct options *o)
{
    if (j->day[i].kind != ASU_FINAL)
        return phase_start;
    double after = (double)(j->day[i].clock - 20 * 3600L);
    return phase_start + o->duration * after / ASU_NIGHT_SECONDS;
}

/* ---- night: figures ------------------------------------------------------- */


void sample(struct samples *s, double x)
{
    if (s->n == s->cap) {
        size_t cap = s->cap == 0 ? 1024 : 2 * s->cap;
        double *v = realloc(s->v, cap * sizeof(*v));
        if (v == NULL)
            return; /* a figure less; the night goes on */
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = x;
}

int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The p-th percentile (nearest rank), in ms; 0 without samples. */
double percentile(struct samples *s, double p)
{
    if (s->n == 0)
        return 0;
    qsort(s->v, s->n, sizeof(double), cmp_double);
    size_t rank = (size_t)ceil(p / 100.0 * (double)s->n);
    return 1000 * s->v[rank == 0 ? 0 : rank - 1];
}


/* ---- night: output ---------------------------------------------------------- */

long count_4xx(const struct stats *s, bool others_only)
{
    long c = 0;
    for (int i = 400; i < 500; i++)
        if (!others_only || (i != 409))
            c += s->status[i];
    return c;
}

long count_range(const struct stats *s, int lo, int hi)
{
    long c = 0;
    for (int i = lo; i < hi; i++)
        c += s->status[i];
    return c;
}

void print_figures(struct night *n, size_t nstations)
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
        printf(
            "{\"election\":%ld,\"stations\":%zu,\"seed\":%ld,\"concurrency\":%ld,\"duration\":%g,"
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
        printf(
            "},\"no_answer\":%ld,\"unexpected\":%ld,\"double_counted\":%ld,\"accepted\":%ld,"
            "\"accepted_per_s\":%.1f,\"night_s\":%.3f,"
            "\"day\":{\"reports\":%ld,\"answered\":%ld,\"accepted\":%ld,\"seconds\":%.3f,\"accepted_per_s\":%.1f},"
            "\"finals\":{\"reports\":%ld,\"answered\":%ld,\"accepted\":%ld,\"seconds\":%.3f,\"last_due_s\":%.3f,"
            "\"published_s\":%.3f,\"lag_ms\":{\"p50\":%.2f,\"p99\":%.2f}},"
            "\"post_ms\":{\"p50\":%.2f,\"p99\":%.2f,\"n\":%zu},"
            "\"visibility_ms\":{\"checked\":%s,\"p50\":%.2f,\"p99\":%.2f,\"max\":%.2f,\"seen\":%ld,\"never\":%ld}}\n",
            s->no_answer, s->unexpected, s->double_counted, s->accepted, rate, night, day->planned,
            day->answered, day->accepted, day_s, day_rate, fin->planned, fin->answered,
            fin->accepted, fin_s, fin->last_due, published, lag50, lag99, post50, post99, s->post.n,
            o->check_visibility ? "true" : "false", vis50, vis99, vismax, s->seen, s->never_seen);
        return;
    }
    printf("night: election %ld, %zu stations, seed %ld, %ld in flight, finals over %g s, %s\n",
           n->devices->election.id, nstations, o->seed, o->concurrency, o->duration, o->url);
    printf("reports: %ld, sent in %ld POSTs (%ld resent on purpose, %ld retries), %ld given up\n",
           s->planned, s->posts, s->resends, s->retries, s->given_up);
    printf("answers: 201 %ld, 200 %ld, 409 %ld, other 4xx %ld, 5xx %ld, other %ld, no answer %ld\n",
           s->status[201], s->status[200], s->status[409], count_4xx(s, true),
           count_range(s, 500, 600), other, s->no_answer);
    if (day->planned > 0)
        printf("day: %ld openings and turnouts answered in %.2f s, as fast as %ld in flight allow:"
               " %ld accepted, %.1f/s\n",
               day->answered, day_s, o->concurrency, day->accepted, day_rate);
    if (fin->planned > 0)
        printf(
            "finals: %ld answered, %ld accepted, the last %.2f s after the curve began (over %g s,"
            " the last due at %.2f s); answered behind the curve p50 %.2f ms, p99 %.2f ms\n",
            fin->answered, fin->accepted, fin_s, o->duration, fin->last_due, lag50, lag99);
    printf("accepted: %ld reports in %.2f s: %.1f reports/s over the night\n", s->accepted, night,
           rate);
    printf("POST latency: p50 %.2f ms, p99 %.2f ms (%zu answers)\n", post50, post99, s->post.n);
    if (o->check_visibility)
        printf(
            "visibility (POST sent -> listed by GET .../stations/N): p50 %.2f ms, p99 %.2f ms, max %.2f ms;"
            " %ld seen, %ld never; the last final published %.2f s after the curve began\n",
            vis50, vis99, vismax, s->seen, s->never_seen, published);
    printf("night: %.2f s\n", night);
}

/* ---- night -------------------------------------------------------------------- */

int cmp_plan(const void *a, const void *b)
{
    const struct {
        struct job *j;
        size_t i;
    } *x = a, *y = b;
    int fx = x->j->day[x->i].kind == ASU_FINAL, fy = y->j->day[y->i].kind == ASU_FINAL;
    if (fx != fy)
        return fx - fy;
    long cx = x->j->day[x->i].clock, cy = y->j->day[y->i].clock;
    if (cx != cy)
        return cx < cy ? -1 : 1;
    return (x->j->st->number > y->j->st->number) - (x->j->st->number < y->j->st->number);
}

/* --out: every report of the night, signed, one a line, in the order they would be sent. */
int write_out(const struct options *o, const struct asu_election *e, struct job *jobs, size_t njobs)
{
    struct plan {
        struct job *j;
        size_t i;
    } *plan = malloc(njobs * ASU_MAX_REPORTS * sizeof(*plan));
    size_t np = 0;
    int rc = EXIT_NIGHT_FAILED;
    FILE *f = strcmp(o->out, "-") == 0 ? stdout : fopen(o->out, "w");
    if (f == NULL || plan == NULL) {
        fprintf(stderr, "shailoo-asu: %s: %s\n", o->out,
                f == NULL ? strerror(errno) : "out of memory");
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

int cmd_night(int argc, char **argv)
{
    struct options o;
    if (parse_night(argc, argv, &o) < 0)
        return EXIT_USAGE;
    struct asu_devices d;
    if (asu_devices_read(o.dir, &d) < 0)
        return EXIT_USAGE;
    int rc = EXIT_NIGHT_FAILED;
    struct night n = {
        .o = &o, .devices = &d, .reports = {.polls = false}, .polls = {.polls = true}};
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
        ? EXIT_OK
        : EXIT_NIGHT_FAILED;
    if (rc != EXIT_OK)
        fprintf(stderr,
                "shailoo-asu: the night failed: %ld 5xx answers, %ld unexpected answers, "
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
