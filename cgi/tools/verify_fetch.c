/*
 * The answers the verifier reads (verify.h): GETs through libcurl's multi
 * interface, a few connections at once, each with connect and total
 * time-outs and its HTTP status checked, retried a few times on a time-out,
 * a 429 or a 5xx; or, offline, the copies a run with --save kept.  A copy's
 * file is derived from its URL: the path under DIR, then the query with its
 * "?" and "&" as ",", then ".json" (".../log,after=0,limit=1000.json").
 */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "verify.h"

#define MAX_ANSWER (512L * 1024 * 1024)
#define ATTEMPTS 4

struct xfer {
    size_t i;
    CURL *h;
    char *buf;
    size_t len, cap;
    char err[CURL_ERROR_SIZE];
};

/* The file of path under dir: malloc'd, or NULL. */
static char *file_of(const char *dir, const char *path)
{
    size_t n = strlen(dir) + strlen(path) + 8;
    char *f = malloc(n);
    if (f == NULL)
        return NULL;
    size_t k = (size_t)snprintf(f, n, "%s/", dir);
    for (const char *p = path + (path[0] == '/'); *p != '\0'; p++)
        f[k++] = *p == '?' || *p == '&' ? ',' : *p;
    snprintf(f + k, n - k, ".json");
    return f;
}

/* mkdir -p of the folders above file. */
static int make_parents(char *file)
{
    for (char *p = strchr(file + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
        *p = '\0';
        int rc = mkdir(file, 0755);
        *p = '/';
        if (rc != 0 && errno != EEXIST)
            return -1;
    }
    return 0;
}

/* Keeps body as path's copy under dir (a temporary file renamed): 0 or -1. */
static int save(const char *dir, const char *path, const char *body, size_t len)
{
    char *f = file_of(dir, path), *tmp = NULL;
    int rc = -1;
    FILE *out = NULL;
    if (f == NULL || make_parents(f) < 0)
        goto out;
    size_t n = strlen(f) + 8;
    if ((tmp = malloc(n)) == NULL)
        goto out;
    snprintf(tmp, n, "%s.tmp", f);
    if ((out = fopen(tmp, "w")) == NULL)
        goto out;
    bool ok = fwrite(body, 1, len, out) == len;
    if (fclose(out) != 0 || !ok || rename(tmp, f) != 0) {
        unlink(tmp);
        goto out;
    }
    rc = 0;
out:
    if (rc != 0)
        fprintf(stderr, "shailoo-verify: cannot save %s: %s\n", f != NULL ? f : path,
                strerror(errno));
    free(tmp);
    free(f);
    return rc;
}

/* path's saved copy into *body: 0 or -1 (said). */
static int load(const char *dir, const char *path, char **body, size_t *len)
{
    char *f = file_of(dir, path), *buf = NULL;
    FILE *in = f != NULL ? fopen(f, "r") : NULL;
    long size = -1;
    if (in != NULL && fseek(in, 0, SEEK_END) == 0 && (size = ftell(in)) >= 0 && size < MAX_ANSWER &&
        fseek(in, 0, SEEK_SET) == 0 && (buf = malloc((size_t)size + 1)) != NULL &&
        fread(buf, 1, (size_t)size, in) == (size_t)size) {
        buf[size] = '\0';
        *body = buf;
        *len = (size_t)size;
        fclose(in);
        free(f);
        return 0;
    }
    fprintf(stderr, "shailoo-verify: cannot read %s: %s\n", f != NULL ? f : path,
            in == NULL ? strerror(errno) : "unreadable or too large");
    if (in != NULL)
        fclose(in);
    free(buf);
    free(f);
    return -1;
}

static size_t on_data(char *data, size_t size, size_t nmemb, void *ctx)
{
    struct xfer *x = ctx;
    size_t n = size * nmemb;
    if (x->len + n + 1 > x->cap) {
        size_t cap = x->cap > 0 ? x->cap : 65536;
        while (cap < x->len + n + 1)
            cap *= 2;
        if (cap > (size_t)MAX_ANSWER)
            return 0;
        char *p = realloc(x->buf, cap);
        if (p == NULL)
            return 0;
        x->buf = p;
        x->cap = cap;
    }
    memcpy(x->buf + x->len, data, n);
    x->len += n;
    x->buf[x->len] = '\0';
    return n;
}

static struct xfer *start(struct verify_source *s, CURLM *m, const char *path, size_t i)
{
    struct xfer *x = calloc(1, sizeof(*x));
    char *url = malloc(strlen(s->url) + strlen(path) + 1);
    if (x == NULL || url == NULL || (x->h = curl_easy_init()) == NULL) {
        free(url);
        free(x);
        return NULL;
    }
    strcpy(url, s->url);
    strcat(url, path);
    x->i = i;
    curl_easy_setopt(x->h, CURLOPT_URL, url);
    curl_easy_setopt(x->h, CURLOPT_PRIVATE, x);
    curl_easy_setopt(x->h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(x->h, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(x->h, CURLOPT_ERRORBUFFER, x->err);
    curl_easy_setopt(x->h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(x->h, CURLOPT_CONNECTTIMEOUT_MS, s->connect_ms);
    curl_easy_setopt(x->h, CURLOPT_TIMEOUT_MS, s->timeout_ms);
    curl_easy_setopt(x->h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(x->h, CURLOPT_USERAGENT, "shailoo-verify");
    curl_easy_setopt(x->h, CURLOPT_PROTOCOLS_STR, "http,https");
    free(url); /* libcurl keeps its own copy */
    if (curl_multi_add_handle(m, x->h) != CURLM_OK) {
        curl_easy_cleanup(x->h);
        free(x);
        return NULL;
    }
    return x;
}

static void end(CURLM *m, struct xfer *x)
{
    curl_multi_remove_handle(m, x->h);
    curl_easy_cleanup(x->h);
    free(x->buf);
    free(x);
}

/* A finished transfer: 0 handed over, 1 to try again, -1 failed (said). */
static int finished(struct verify_source *s, struct xfer *x, CURLcode cc, const char *path,
                    int attempt, verify_answer_fn fn, void *ctx)
{
    long status = 0;
    curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &status);
    if (cc != CURLE_OK || status == 429 || status >= 500) {
        if (attempt + 1 < ATTEMPTS)
            return 1;
        fprintf(stderr, "shailoo-verify: GET %s: %s\n", path,
                cc != CURLE_OK ? (x->err[0] ? x->err : curl_easy_strerror(cc)) : "server error");
        if (cc == CURLE_OK)
            fprintf(stderr, "shailoo-verify: HTTP %ld %.200s\n", status, x->buf ? x->buf : "");
        return -1;
    }
    if (status != 200) {
        fprintf(stderr, "shailoo-verify: GET %s: HTTP %ld %.200s\n", path, status,
                x->buf != NULL ? x->buf : "");
        return -1;
    }
    if (x->buf == NULL && (x->buf = calloc(1, 1)) == NULL)
        return -1;
    if (s->save != NULL && save(s->save, path, x->buf, x->len) < 0)
        return -1;
    s->answers++;
    s->bytes += x->len;
    char *body = x->buf;
    x->buf = NULL;
    return fn(ctx, x->i, body, x->len) < 0 ? -1 : 0;
}

static void pause_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* x out of the live set (at most connections of them). */
static void drop_live(struct xfer **live, size_t *nlive, struct xfer *x)
{
    for (size_t k = 0; k < *nlive; k++)
        if (live[k] == x) {
            live[k] = live[--*nlive];
            return;
        }
}

static int fetch_online(struct verify_source *s, char *const *paths, size_t n, verify_answer_fn fn,
                        void *ctx)
{
    CURLM *m = curl_multi_init();
    int *attempts = calloc(n > 0 ? n : 1, sizeof(int));
    size_t *queue = malloc((n > 0 ? n : 1) * sizeof(size_t)), head = 0, tail = n, nlive = 0;
    struct xfer **live = calloc((size_t)s->connections, sizeof(*live));
    int rc = 0;
    if (m == NULL || attempts == NULL || queue == NULL || live == NULL) {
        fprintf(stderr, "shailoo-verify: out of memory\n");
        rc = -1;
        goto out;
    }
    /* The queue is a ring of n: a transfer retried goes back to its end. */
    for (size_t i = 0; i < n; i++)
        queue[i] = i;
    curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, s->connections);
    while (rc == 0 && (head != tail || nlive > 0)) {
        while (head != tail && nlive < (size_t)s->connections) {
            size_t i = queue[head % n];
            struct xfer *x = start(s, m, paths[i], i);
            if (x == NULL) {
                fprintf(stderr, "shailoo-verify: cannot start GET %s\n", paths[i]);
                rc = -1;
                goto out;
            }
            head++;
            live[nlive++] = x;
        }
        int running, done = 0;
        if (curl_multi_perform(m, &running) != CURLM_OK) {
            rc = -1;
            break;
        }
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left)) != NULL) {
            done++;
            if (msg->msg != CURLMSG_DONE)
                continue;
            struct xfer *x;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
            int r = finished(s, x, msg->data.result, paths[x->i], attempts[x->i], fn, ctx);
            if (r > 0) {
                pause_ms(200L * ++attempts[x->i]);
                queue[tail % n] = x->i;
                tail++;
            } else if (r < 0) {
                rc = -1;
            }
            drop_live(live, &nlive, x);
            end(m, x);
        }
        /* Wait for the sockets only when nothing finished (else start the next at once). */
        if (rc == 0 && done == 0 && curl_multi_poll(m, NULL, 0, 100, NULL) != CURLM_OK)
            rc = -1;
    }
out:
    /* After a failure, whatever is still in flight is dropped. */
    while (nlive > 0)
        end(m, live[--nlive]);
    if (m != NULL)
        curl_multi_cleanup(m);
    free(live);
    free(queue);
    free(attempts);
    return rc;
}

int verify_fetch_many(struct verify_source *s, char *const *paths, size_t n, verify_answer_fn fn,
                      void *ctx)
{
    if (s->url != NULL)
        return fetch_online(s, paths, n, fn, ctx);
    for (size_t i = 0; i < n; i++) {
        char *body;
        size_t len;
        if (load(s->dir, paths[i], &body, &len) < 0)
            return -1;
        s->answers++;
        s->bytes += len;
        if (fn(ctx, i, body, len) < 0)
            return -1;
    }
    return 0;
}

struct one {
    char *body;
    size_t len;
};

static int keep_one(void *ctx, size_t i, char *body, size_t len)
{
    struct one *o = ctx;
    (void)i;
    o->body = body;
    o->len = len;
    return 0;
}

int verify_fetch(struct verify_source *s, const char *path, char **body, size_t *len)
{
    struct one o = {NULL, 0};
    char *paths[] = {(char *)path};
    if (verify_fetch_many(s, paths, 1, keep_one, &o) < 0) {
        free(o.body);
        return -1;
    }
    *body = o.body;
    *len = o.len;
    return 0;
}
