/* bin/shailoo-asu night: the reports on the wire (asu_night.h). */
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

/* ---- night: HTTP ---------------------------------------------------------- */


size_t on_data(char *data, size_t size, size_t nmemb, void *ctx)
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


int start_xfer(struct night *n, struct xfer *x)
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
void end_xfer(struct night *n, struct xfer *x)
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

void free_xfer(struct xfer *x)
{
    if (x->body_owned)
        free(x->body);
    free(x->resp);
    free(x);
}

/* Sends the job's current report (or its resend). */
int dispatch_report(struct night *n, struct job *j)
{
    struct xfer *x = calloc(1, sizeof(*x));
    if (x == NULL)
        return -1;
    x->job = j;
    x->report = j->next;
    x->resend = j->resend;
    if (j->jws == NULL &&
        (j->jws = sign_report(&n->devices->election, j, j->next, (uint64_t)n->o->seed)) == NULL) {
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

int dispatch_poll(struct night *n, struct job *j)
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
void advance(struct night *n, struct job *j, double phase_start)
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
bool lists_seq(const char *text, int seq)
{
    for (const char *p = text != NULL ? strstr(text, "\"seq\"") : NULL; p != NULL;
         p = strstr(p + 5, "\"seq\"")) {
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

void show(struct night *n, const struct xfer *x, long status, const char *what)
{
    if (n->shown++ >= 10)
        return;
    fprintf(stderr, "shailoo-asu: station %d seq %d: %s %ld %.300s\n", x->job->st->number,
            x->job->day[x->report].seq, what, status, x->resp != NULL ? x->resp : "");
}

void report_done(struct night *n, struct xfer *x, CURLcode cc, long status, double phase_start)
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
        if (x->resend) { /* a resend is sent once: no retry of it */
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
            (0.5 +
             asu_draw((uint64_t)n->o->seed, (uint64_t)j->st->number,
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
        j->due = t + 0.05 +
            0.25 *
                asu_draw((uint64_t)n->o->seed, (uint64_t)j->st->number,
                         (uint64_t)j->day[x->report].seq, T_RESEND_DELAY);
        if (heap_push(&n->reports, j) < 0)
            n->failed = true;
        return;
    }
    advance(n, j, phase_start);
}

void poll_done(struct night *n, struct xfer *x, CURLcode cc, long status)
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
            fprintf(
                stderr,
                "shailoo-asu: station %d: seq %d not visible after %.0f s (last answer %ld %.200s)\n",
                j->st->number, j->poll_seq, VISIBILITY_GIVE_UP, status,
                x->resp != NULL ? x->resp : "");
        return;
    }
    j->due = t + VISIBILITY_INTERVAL;
    if (heap_push(&n->polls, j) < 0)
        n->failed = true;
}

/* Runs one phase (0: openings and turnouts, 1: finals) until every report of it is answered. */
void run_phase(struct night *n, struct job *jobs, size_t njobs, int phase)
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
        while (!n->failed && n->posts_in_flight < n->o->concurrency && n->reports.n > 0 &&
               n->reports.v[0]->due <= t)
            if (dispatch_report(n, heap_pop(&n->reports)) < 0)
                n->failed = true;
        while (!n->failed && n->polls_in_flight < n->o->concurrency && n->polls.n > 0 &&
               n->polls.v[0]->due <= t)
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
        if (n->reports.n > 0 && n->posts_in_flight < n->o->concurrency &&
            n->reports.v[0]->due - t < wait)
            wait = n->reports.v[0]->due - t;
        if (n->polls.n > 0 && n->polls_in_flight < n->o->concurrency &&
            n->polls.v[0]->due - t < wait)
            wait = n->polls.v[0]->due - t;
        if (wait > 0 &&
            curl_multi_poll(n->multi, NULL, 0, (int)ceil(wait * 1000), NULL) != CURLM_OK)
            n->failed = true;
    }
}
