#include "session.h"

#include "cache.h"

#include "jws.h"
#include "keys.h"

#include <errno.h>
#include <jwt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define ISSUER "shailoo"

static unsigned char *private_key, *public_key;
static int private_len, public_len;

int session_init(const char *private_pem_path, const char *public_pem_path)
{
    free(private_key);
    free(public_key);
    private_key = keys_read_pem(private_pem_path, &private_len);
    public_key = keys_read_pem(public_pem_path, &public_len);
    if (private_key == NULL || public_key == NULL) {
        free(private_key);
        free(public_key);
        private_key = public_key = NULL;
        return -1;
    }
    return 0;
}

bool session_ready(void)
{
    return private_key != NULL && public_key != NULL;
}

void session_base64url(const unsigned char *data, size_t len, char *out)
{
    jws_base64url_encode(data, len, out);
}

int session_random(char *out, size_t out_size, size_t n)
{
    unsigned char buf[64];
    if (n > sizeof(buf) || out_size < (n * 4 + 2) / 3 + 1)
        return -1;
    size_t got = 0;
    while (got < n) {
        ssize_t r = getrandom(buf + got, n - got, 0);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        got += (size_t)r;
    }
    session_base64url(buf, n, out);
    return 0;
}

bool session_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned char diff = la != lb;
    for (size_t i = 0; i < la && i < lb; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

char *session_sign(const struct session_claims *c)
{
    if (!session_ready())
        return NULL;
    jwt_t *jwt = NULL;
    char *token = NULL;
    if (jwt_new(&jwt) != 0)
        return NULL;
    if (jwt_add_grant(jwt, "iss", ISSUER) == 0 && jwt_add_grant(jwt, "sid", c->sid) == 0 &&
        jwt_add_grant(jwt, "sub", c->sub) == 0 && jwt_add_grant(jwt, "csrf", c->csrf) == 0 &&
        jwt_add_grant_int(jwt, "iat", (long)c->iat) == 0 &&
        jwt_add_grant_int(jwt, "exp", (long)c->exp) == 0 &&
        jwt_set_alg(jwt, JWT_ALG_ES256, private_key, private_len) == 0)
        token = jwt_encode_str(jwt);
    jwt_free(jwt);
    return token;
}

static bool copy_claim(jwt_t *jwt, const char *name, char *out, size_t size)
{
    const char *v = jwt_get_grant(jwt, name);
    if (v == NULL || *v == '\0' || strlen(v) >= size)
        return false;
    strcpy(out, v);
    return true;
}

/*
 * Checking an ES256 signature with libjwt 1.10 costs about 340 us (it parses
 * the PEM key every time).  A token once verified is remembered, whole string
 * for whole string, so a session's next requests skip it; expiry is still
 * checked against now each time, and revocation is the caller's.
 */
#define VERIFIED_CACHE 64

static struct cache *verified;

int session_verify(const char *token, time_t now, struct session_claims *c)
{
    memset(c, 0, sizeof(*c));
    if (!session_ready() || token == NULL || strlen(token) > SESSION_MAX_TOKEN)
        return -1;
    if (verified == NULL)
        verified = cache_create(VERIFIED_CACHE);
    size_t len;
    const struct session_claims *hit = cache_get(verified, token, -1, &len);
    if (hit != NULL && len == sizeof(*hit)) {
        if (hit->exp <= now)
            return -1;
        *c = *hit;
        return 0;
    }
    jwt_t *jwt = NULL;
    int rc = -1;
    /* libjwt verifies with the algorithm the token names: check it is ours. */
    if (jwt_decode(&jwt, token, public_key, public_len) != 0 || jwt == NULL)
        goto out;
    if (jwt_get_alg(jwt) != JWT_ALG_ES256)
        goto out;
    const char *iss = jwt_get_grant(jwt, "iss");
    if (iss == NULL || strcmp(iss, ISSUER) != 0)
        goto out;
    errno = 0;
    c->exp = (time_t)jwt_get_grant_int(jwt, "exp");
    if (errno != 0 || c->exp <= now)
        goto out;
    c->iat = (time_t)jwt_get_grant_int(jwt, "iat");
    if (errno != 0 || c->iat > now + 60)
        goto out;
    if (!copy_claim(jwt, "sid", c->sid, sizeof(c->sid)) ||
        !copy_claim(jwt, "sub", c->sub, sizeof(c->sub)) ||
        !copy_claim(jwt, "csrf", c->csrf, sizeof(c->csrf)))
        goto out;
    rc = 0;
    cache_put(verified, token, c, sizeof(*c));
out:
    jwt_free(jwt);
    if (rc != 0)
        memset(c, 0, sizeof(*c));
    return rc;
}
