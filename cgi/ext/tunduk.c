#include "tunduk.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#define TUNDUK_MAX_RESPONSE (1024 * 1024)

static struct {
    char *server, *client, *cert, *key, *cacert;
    long connect_timeout_ms, timeout_ms;
    int retries;
} cfg;

static CURL *curl; /* the worker's one handle */

static char *dup_or_null(const char *s)
{
    return s != NULL && *s != '\0' ? strdup(s) : NULL;
}

bool tunduk_identifier_valid(const char *id)
{
    if (id == NULL || *id == '\0' || strlen(id) > 255)
        return false;
    for (const char *p = id; *p != '\0'; p++) {
        char c = *p;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              strchr("'()+,-.=?/", c) != NULL))
            return false;
        if (c == '/' && (p == id || p[1] == '/' || p[1] == '\0'))
            return false;
    }
    return true;
}

bool tunduk_subsystem_valid(const char *id)
{
    if (!tunduk_identifier_valid(id))
        return false;
    int slashes = 0;
    for (const char *p = id; *p != '\0'; p++)
        slashes += *p == '/';
    return slashes == 3;
}

static bool hex_digit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool tunduk_uuid_valid(const char *s)
{
    if (s == NULL || strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !hex_digit(s[i]))
            return false;
    }
    return true;
}

bool tunduk_text_valid(const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;
    if (n == 0 || n > 255)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x20 || s[i] > 0x7e)
            return false;
    return true;
}

int tunduk_init(const struct tunduk_config *c)
{
    cfg.server = dup_or_null(c->security_server);
    cfg.client = dup_or_null(c->client);
    cfg.cert = dup_or_null(c->cert);
    cfg.key = dup_or_null(c->key);
    cfg.cacert = dup_or_null(c->cacert);
    cfg.connect_timeout_ms = c->connect_timeout_ms > 0 ? c->connect_timeout_ms : 1000;
    cfg.timeout_ms = c->timeout_ms > 0 ? c->timeout_ms : 3000;
    cfg.retries = c->retries >= 0 && c->retries <= 5 ? c->retries : 2;
    return tunduk_ready() ? 0 : -1;
}

bool tunduk_ready(void)
{
    return cfg.server != NULL && cfg.client != NULL && tunduk_identifier_valid(cfg.client);
}

void tunduk_uuid(char out[40])
{
    unsigned char b[16];
    if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
        /* Unique enough for a message id if the kernel has no randomness to give. */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        memcpy(b, &ts, sizeof(ts) < sizeof(b) ? sizeof(ts) : sizeof(b));
    }
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
    snprintf(out, 40, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

struct sink {
    struct tunduk_response *resp;
    size_t cap;
    bool overflow;
};

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct sink *s = userdata;
    size_t n = size * nmemb;
    if (s->resp->body_len + n > TUNDUK_MAX_RESPONSE) {
        s->overflow = true;
        return 0;
    }
    if (s->resp->body_len + n + 1 > s->cap) {
        size_t cap = (s->resp->body_len + n + 1) * 2;
        char *grown = realloc(s->resp->body, cap);
        if (grown == NULL)
            return 0;
        s->resp->body = grown;
        s->cap = cap;
    }
    memcpy(s->resp->body + s->resp->body_len, ptr, n);
    s->resp->body_len += n;
    s->resp->body[s->resp->body_len] = '\0';
    return n;
}

/* Copies the value of header "name: value" into out, trimmed. */
static void header_value(const char *line, size_t len, const char *name, char *out, size_t size)
{
    size_t nlen = strlen(name);
    if (len <= nlen + 1 || strncasecmp(line, name, nlen) != 0 || line[nlen] != ':')
        return;
    const char *v = line + nlen + 1;
    size_t vlen = len - nlen - 1;
    while (vlen > 0 && (*v == ' ' || *v == '\t')) {
        v++;
        vlen--;
    }
    while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' || v[vlen - 1] == ' '))
        vlen--;
    if (vlen >= size)
        vlen = size - 1;
    memcpy(out, v, vlen);
    out[vlen] = '\0';
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *userdata)
{
    struct sink *s = userdata;
    size_t n = size * nmemb;
    header_value(line, n, "X-Road-Request-Hash", s->resp->request_hash,
                 sizeof(s->resp->request_hash));
    header_value(line, n, "X-Road-Error", s->resp->error_type, sizeof(s->resp->error_type));
    return n;
}

static long elapsed_ms(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static void one_try(const struct tunduk_request *rq, const char *url, struct tunduk_response *resp)
{
    struct sink s = {resp, 0, false};
    struct curl_slist *h = NULL;
    char line[512];
    free(resp->body);
    resp->body = NULL;
    resp->body_len = 0;
    resp->status = 0;
    resp->request_hash[0] = resp->error_type[0] = '\0';

    snprintf(line, sizeof(line), "X-Road-Client: %s", cfg.client);
    h = curl_slist_append(h, line);
    snprintf(line, sizeof(line), "X-Road-Id: %s", resp->xroad_id);
    h = curl_slist_append(h, line);
    if (rq->user_id != NULL) {
        snprintf(line, sizeof(line), "X-Road-UserId: %s", rq->user_id);
        h = curl_slist_append(h, line);
    }
    if (rq->issue != NULL) {
        snprintf(line, sizeof(line), "X-Road-Issue: %s", rq->issue);
        h = curl_slist_append(h, line);
    }
    h = curl_slist_append(h, "Accept: application/json");

    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, rq->method);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, cfg.connect_timeout_ms);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, cfg.timeout_ms);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &s);
    if (cfg.cert != NULL)
        curl_easy_setopt(curl, CURLOPT_SSLCERT, cfg.cert);
    if (cfg.key != NULL)
        curl_easy_setopt(curl, CURLOPT_SSLKEY, cfg.key);
    if (cfg.cacert != NULL)
        curl_easy_setopt(curl, CURLOPT_CAINFO, cfg.cacert);

    CURLcode cc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &resp->status);
    curl_slist_free_all(h);
    if (cc != CURLE_OK) {
        resp->outcome = TUNDUK_UNAVAILABLE;
        snprintf(resp->error_type, sizeof(resp->error_type), "%s",
                 s.overflow ? "response too large" : curl_easy_strerror(cc));
    } else if (resp->error_type[0] != '\0') {
        /* Raised by X-Road: Client.* is our mistake, Server.* theirs. */
        resp->outcome =
            strncmp(resp->error_type, "Server.", 7) == 0 ? TUNDUK_UNAVAILABLE : TUNDUK_XROAD_ERROR;
        if (resp->outcome == TUNDUK_UNAVAILABLE && resp->status < 500)
            resp->outcome = TUNDUK_XROAD_ERROR;
    } else if (resp->status >= 200 && resp->status < 300) {
        resp->outcome = TUNDUK_OK;
    } else if (resp->status == 404) {
        resp->outcome = TUNDUK_NOT_FOUND;
    } else if (resp->status >= 400 && resp->status < 500) {
        resp->outcome = TUNDUK_REFUSED;
    } else {
        resp->outcome = TUNDUK_UNAVAILABLE;
    }
}

void tunduk_call(const struct tunduk_request *rq, struct tunduk_response *resp)
{
    memset(resp, 0, sizeof(*resp));
    snprintf(resp->method, sizeof(resp->method), "%s", rq->method != NULL ? rq->method : "GET");
    snprintf(resp->service, sizeof(resp->service), "%s", rq->service != NULL ? rq->service : "");
    snprintf(resp->issue, sizeof(resp->issue), "%s", rq->issue != NULL ? rq->issue : "");
    tunduk_uuid(resp->xroad_id);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    resp->outcome = TUNDUK_UNAVAILABLE;
    if (!tunduk_ready() || !tunduk_identifier_valid(rq->service)) {
        snprintf(resp->error_type, sizeof(resp->error_type), "not configured");
        return;
    }
    if (curl == NULL && (curl = curl_easy_init()) == NULL) {
        snprintf(resp->error_type, sizeof(resp->error_type), "no HTTP client");
        return;
    }
    char url[1024];
    int n = snprintf(url, sizeof(url), "%s/r1/%s%s", cfg.server, rq->service,
                     rq->path != NULL ? rq->path : "");
    if (n < 0 || (size_t)n >= sizeof(url)) {
        snprintf(resp->error_type, sizeof(resp->error_type), "URL too long");
        return;
    }
    int tries = 1 + (rq->idempotent ? cfg.retries : 0);
    long backoff_ms = 100;
    for (int i = 0; i < tries; i++) {
        resp->attempts = i + 1;
        one_try(rq, url, resp);
        if (resp->outcome != TUNDUK_UNAVAILABLE || i + 1 == tries)
            break;
        /* Back off, but never past twice the time-out in all. */
        if (elapsed_ms(&t0) + backoff_ms > 2 * cfg.timeout_ms)
            break;
        struct timespec pause = {backoff_ms / 1000, (backoff_ms % 1000) * 1000000};
        nanosleep(&pause, NULL);
        backoff_ms *= 2;
    }
    resp->duration_ms = elapsed_ms(&t0);
}

void tunduk_response_free(struct tunduk_response *resp)
{
    free(resp->body);
    resp->body = NULL;
    resp->body_len = 0;
}
