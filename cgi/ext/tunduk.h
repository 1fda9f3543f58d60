#ifndef SHAILOO_TUNDUK_H
#define SHAILOO_TUNDUK_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Client of Tunduk, the state data-exchange layer (an X-Road deployment),
 * speaking the X-Road message protocol for REST (r1):
 *   METHOD {security server}/r1/{service id}[/path]
 * with X-Road-Client, a fresh X-Road-Id, X-Road-UserId and X-Road-Issue.
 * Errors raised by X-Road itself (header X-Road-Error) are told apart from
 * the service's own answers.  Idempotent calls are retried a bounded number
 * of times with back-off.
 */
struct tunduk_config {
    const char *security_server; /* http(s)://host:port of our security server */
    const char *client; /* instance/class/member/subsystem */
    const char *cert, *key, *cacert; /* client certificate (mTLS) and CA, or NULL */
    long connect_timeout_ms, timeout_ms;
    int retries; /* extra tries for idempotent calls */
};

enum tunduk_outcome {
    TUNDUK_OK = 0, /* the service answered 2xx */
    TUNDUK_NOT_FOUND, /* the service answered 404 */
    TUNDUK_REFUSED, /* the service answered another 4xx */
    TUNDUK_XROAD_ERROR, /* X-Road itself refused or failed (X-Road-Error) */
    TUNDUK_UNAVAILABLE, /* no answer in time, or the service failed (5xx) */
};

struct tunduk_request {
    const char *method; /* "GET" */
    const char *service; /* "central-server/GOV/70000003/population/person" */
    const char *path; /* "/21505199000011", or NULL */
    const char *user_id; /* X-Road-UserId: who asks (a PIN), or NULL */
    const char *issue; /* X-Road-Issue: the case it serves, or NULL */
    bool idempotent;
};

struct tunduk_response {
    char method[8], service[160],
        issue[200]; /* the request's, copied (it may not outlive the call) */
    enum tunduk_outcome outcome;
    long status; /* HTTP status of the last try, 0 if none */
    char xroad_id[40]; /* the X-Road-Id we sent */
    char request_hash[128]; /* X-Road-Request-Hash of the answer */
    char error_type[128]; /* X-Road-Error, or the curl error */
    char *body; /* malloc'd, NUL-terminated; tunduk_response_free */
    size_t body_len;
    long duration_ms;
    int attempts;
};

int tunduk_init(const struct tunduk_config *cfg);
bool tunduk_ready(void);
/* Identifiers may use only A-Z a-z 0-9 ' ( ) + , - . = ? and '/' between parts. */
bool tunduk_identifier_valid(const char *id);
/* A subsystem's identifier: instance/class/member/subsystem, four valid parts. */
bool tunduk_subsystem_valid(const char *id);
/* An X-Road-Id as X-Road makes them: a UUID, 8-4-4-4-12 hexadecimal digits. */
bool tunduk_uuid_valid(const char *s);
/* A free-text X-Road header (X-Road-UserId, X-Road-Issue): 1 to 255 printable ASCII characters. */
bool tunduk_text_valid(const char *s);
/* A random (version 4) UUID, 36 characters. */
void tunduk_uuid(char out[40]);
/* Makes the call; always fills *resp (free it with tunduk_response_free). */
void tunduk_call(const struct tunduk_request *req, struct tunduk_response *resp);
void tunduk_response_free(struct tunduk_response *resp);

#endif
