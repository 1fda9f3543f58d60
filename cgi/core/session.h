#ifndef SHAILOO_SESSION_H
#define SHAILOO_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/*
 * Our session tokens: a compact JWS signed with ES256 by a key generated at
 * setup (never HMAC: libjwt 1.10 compares HMACs in variable time).  The
 * token names the session (sid) and its CSRF secret; the session's row
 * decides whether it was revoked.  No election words here: the subject is
 * an opaque string.
 */
#define SESSION_ID_LEN 43 /* 32 random bytes, base64url */
#define SESSION_MAX_TOKEN 1024

struct session_claims {
    char sid[SESSION_ID_LEN + 1];
    char sub[64];
    char csrf[SESSION_ID_LEN + 1];
    time_t iat, exp;
};

/* Loads the PEM key pair (private for signing, public for checking). 0 or -1. */
int session_init(const char *private_pem_path, const char *public_pem_path);
bool session_ready(void);

/* Signs claims into a new token (malloc'd, caller frees), or NULL. */
char *session_sign(const struct session_claims *c);

/*
 * Checks a token: ES256 only, our issuer, not expired (at now), all claims of
 * the right form.  0 with *c filled, or -1.
 */
int session_verify(const char *token, time_t now, struct session_claims *c);

/* n random bytes as base64url (no padding) into out (size >= 4n/3 + 2). 0 or -1. */
int session_random(char *out, size_t out_size, size_t n);

/* base64url (no padding) of data; out size >= 4 * ((len + 2) / 3) + 1. */
void session_base64url(const unsigned char *data, size_t len, char *out);

/* Constant-time comparison of two NUL-terminated strings. */
bool session_equal(const char *a, const char *b);

#endif
