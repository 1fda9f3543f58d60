#ifndef SHAILOO_ESIA_H
#define SHAILOO_ESIA_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/*
 * OpenID Connect client for ESIA, the state identity provider: the
 * authorization code flow with PKCE (S256).  The id_token is checked here:
 * RS256 only, against the configured key, iss, aud, exp, iat and nbf with
 * ESIA_CLOCK_SKEW seconds of slack, and the nonce.
 */
#define ESIA_CLOCK_SKEW 60

struct esia_config {
    const char *authorize_url; /* https://esia.example/authorize */
    const char *token_url;
    const char *issuer; /* the id_token's iss */
    const char *client_id;
    const char *client_secret;
    const char *redirect_uri; /* our /auth/esia/callback as ESIA knows it */
    const char *key_path; /* ESIA's RSA public key, PEM */
    long timeout_ms; /* total time for the token request */
};

enum esia_result {
    ESIA_OK = 0,
    ESIA_UNAVAILABLE = -1, /* could not reach the token endpoint in time */
    ESIA_REFUSED = -2, /* the token endpoint said no (bad or used code...) */
    ESIA_BAD_TOKEN = -3, /* the id_token failed a check */
};

struct esia_identity {
    char pin[32];
    char name[256];
};

/* Copies the configuration and loads the key; 0, or -1 (ESIA login then answers 503). */
int esia_init(const struct esia_config *cfg);
bool esia_ready(void);

/* S256 code challenge of a PKCE verifier: base64url(SHA-256), 43 characters. */
void esia_pkce_challenge(const char *verifier, char out[48]);

/* The authorize URL for one login (login_hint may be NULL); 0 or -1 if it does not fit. */
int esia_authorize_url(const char *state, const char *nonce, const char *challenge,
                       const char *login_hint, char *out, size_t size);

/*
 * Redeems code at the token endpoint and checks the id_token against nonce
 * at time now.  On ESIA_OK *id is filled; else why says what failed.
 */
enum esia_result esia_exchange(const char *code, const char *verifier, const char *nonce,
                               time_t now, struct esia_identity *id, char *why, size_t why_size);

/* The id_token checks alone (for tests and for esia_exchange). */
enum esia_result esia_check_id_token(const char *id_token, const char *nonce, time_t now,
                                     struct esia_identity *id, char *why, size_t why_size);

#endif
