#include "esia.h"

#include <curl/curl.h>
#include <errno.h>
#include <jwt.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/http.h"
#include "../core/json.h"
#include "../core/keys.h"
#include "../core/session.h"

#define ESIA_MAX_RESPONSE (256 * 1024)

static struct {
    char *authorize_url, *token_url, *issuer, *client_id, *client_secret, *redirect_uri;
    unsigned char *key;
    int key_len;
    long timeout_ms;
} cfg;

static CURL *curl; /* the worker's one handle */

static char *dup_or_null(const char *s)
{
    return s != NULL && *s != '\0' ? strdup(s) : NULL;
}

int esia_init(const struct esia_config *c)
{
    cfg.authorize_url = dup_or_null(c->authorize_url);
    cfg.token_url = dup_or_null(c->token_url);
    cfg.issuer = dup_or_null(c->issuer);
    cfg.client_id = dup_or_null(c->client_id);
    cfg.client_secret = dup_or_null(c->client_secret);
    cfg.redirect_uri = dup_or_null(c->redirect_uri);
    cfg.timeout_ms = c->timeout_ms > 0 ? c->timeout_ms : 5000;
    free(cfg.key);
    cfg.key = NULL;
    cfg.key = keys_read_pem(c->key_path, &cfg.key_len);
    return esia_ready() ? 0 : -1;
}

bool esia_ready(void)
{
    return cfg.authorize_url != NULL && cfg.token_url != NULL && cfg.issuer != NULL &&
        cfg.client_id != NULL && cfg.client_secret != NULL && cfg.redirect_uri != NULL &&
        cfg.key != NULL;
}

void esia_pkce_challenge(const char *verifier, char out[48])
{
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)verifier, strlen(verifier), digest);
    session_base64url(digest, sizeof(digest), out);
}

/* Appends "&name=value" (value %-encoded) at *pos; false if it does not fit. */
static bool add_param(char *out, size_t size, size_t *pos, const char *name, const char *value)
{
    static const char hex[] = "0123456789ABCDEF";
    int n = snprintf(out + *pos, size - *pos, "%s%s=", *pos > 0 && out[*pos - 1] != '?' ? "&" : "",
                     name);
    if (n < 0 || (size_t)n >= size - *pos)
        return false;
    *pos += (size_t)n;
    for (const unsigned char *v = (const unsigned char *)value; *v != '\0'; v++) {
        if (*pos + 4 >= size)
            return false;
        if ((*v >= 'A' && *v <= 'Z') || (*v >= 'a' && *v <= 'z') || (*v >= '0' && *v <= '9') ||
            *v == '-' || *v == '_' || *v == '.' || *v == '~') {
            out[(*pos)++] = (char)*v;
        } else {
            out[(*pos)++] = '%';
            out[(*pos)++] = hex[*v >> 4];
            out[(*pos)++] = hex[*v & 15];
        }
    }
    out[*pos] = '\0';
    return true;
}

int esia_authorize_url(const char *state, const char *nonce, const char *challenge,
                       const char *login_hint, char *out, size_t size)
{
    if (!esia_ready())
        return -1;
    int n = snprintf(out, size, "%s%c", cfg.authorize_url,
                     strchr(cfg.authorize_url, '?') != NULL ? '&' : '?');
    if (n < 0 || (size_t)n >= size)
        return -1;
    size_t pos = (size_t)n;
    bool ok = add_param(out, size, &pos, "response_type", "code") &&
        add_param(out, size, &pos, "client_id", cfg.client_id) &&
        add_param(out, size, &pos, "redirect_uri", cfg.redirect_uri) &&
        add_param(out, size, &pos, "scope", "openid profile") &&
        add_param(out, size, &pos, "state", state) && add_param(out, size, &pos, "nonce", nonce) &&
        add_param(out, size, &pos, "code_challenge", challenge) &&
        add_param(out, size, &pos, "code_challenge_method", "S256") &&
        (login_hint == NULL || add_param(out, size, &pos, "login_hint", login_hint));
    return ok ? 0 : -1;
}

struct buffer {
    char *data;
    size_t len;
    bool overflow;
};

static size_t collect(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct buffer *b = userdata;
    size_t n = size * nmemb;
    if (b->len + n > ESIA_MAX_RESPONSE) {
        b->overflow = true;
        return 0;
    }
    char *grown = realloc(b->data, b->len + n + 1);
    if (grown == NULL)
        return 0;
    b->data = grown;
    memcpy(b->data + b->len, ptr, n);
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

static bool audience_ok(jwt_t *jwt)
{
    const char *aud = jwt_get_grant(jwt, "aud");
    if (aud != NULL)
        return strcmp(aud, cfg.client_id) == 0;
    /* aud may be an array: then it must contain our client id. */
    char *json = jwt_get_grants_json(jwt, "aud");
    bool ok = false;
    if (json != NULL) {
        char err[64];
        struct json_object *arr = json_parse_strict(json, strlen(json), err, sizeof(err));
        if (arr != NULL && json_object_is_type(arr, json_type_array)) {
            for (size_t i = 0; i < json_object_array_length(arr); i++) {
                struct json_object *v = json_object_array_get_idx(arr, i);
                if (json_object_is_type(v, json_type_string) &&
                    strcmp(json_object_get_string(v), cfg.client_id) == 0)
                    ok = true;
            }
        }
        json_object_put(arr);
        free(json);
    }
    return ok;
}

/* A numeric claim; false if absent or not a number. */
static bool time_claim(jwt_t *jwt, const char *name, long *out)
{
    errno = 0;
    long v = jwt_get_grant_int(jwt, name);
    if (errno != 0)
        return false;
    *out = v;
    return true;
}

enum esia_result esia_check_id_token(const char *id_token, const char *nonce, time_t now,
                                     struct esia_identity *id, char *why, size_t why_size)
{
    memset(id, 0, sizeof(*id));
    jwt_t *jwt = NULL;
    enum esia_result rc = ESIA_BAD_TOKEN;
    long exp, iat, nbf;
    if (!esia_ready()) {
        snprintf(why, why_size, "ESIA is not configured");
        return ESIA_UNAVAILABLE;
    }
    /* libjwt 1.10 verifies with whatever algorithm the token names: check it is RS256. */
    if (jwt_decode(&jwt, id_token, cfg.key, cfg.key_len) != 0 || jwt == NULL) {
        snprintf(why, why_size, "the id_token signature does not verify");
        goto out;
    }
    if (jwt_get_alg(jwt) != JWT_ALG_RS256) {
        snprintf(why, why_size, "the id_token is not signed with RS256");
        goto out;
    }
    const char *iss = jwt_get_grant(jwt, "iss");
    if (iss == NULL || strcmp(iss, cfg.issuer) != 0) {
        snprintf(why, why_size, "the id_token is from another issuer");
        goto out;
    }
    if (!audience_ok(jwt)) {
        snprintf(why, why_size, "the id_token is for another audience");
        goto out;
    }
    if (!time_claim(jwt, "exp", &exp) || exp + ESIA_CLOCK_SKEW < now) {
        snprintf(why, why_size, "the id_token has expired");
        goto out;
    }
    if (!time_claim(jwt, "iat", &iat) || iat > now + ESIA_CLOCK_SKEW) {
        snprintf(why, why_size, "the id_token is issued in the future");
        goto out;
    }
    if (time_claim(jwt, "nbf", &nbf) && nbf > now + ESIA_CLOCK_SKEW) {
        snprintf(why, why_size, "the id_token is not valid yet");
        goto out;
    }
    const char *got_nonce = jwt_get_grant(jwt, "nonce");
    if (got_nonce == NULL || !session_equal(got_nonce, nonce)) {
        snprintf(why, why_size, "the id_token's nonce does not match this login");
        goto out;
    }
    const char *pin = jwt_get_grant(jwt, "pin");
    if (pin == NULL || strlen(pin) >= sizeof(id->pin)) {
        snprintf(why, why_size, "the id_token has no pin claim");
        goto out;
    }
    strcpy(id->pin, pin);
    const char *family = jwt_get_grant(jwt, "family_name");
    const char *given = jwt_get_grant(jwt, "given_name");
    const char *middle = jwt_get_grant(jwt, "middle_name");
    const char *name = jwt_get_grant(jwt, "name");
    if (family != NULL && given != NULL)
        snprintf(id->name, sizeof(id->name), "%s %s%s%s", family, given,
                 middle != NULL && *middle != '\0' ? " " : "", middle != NULL ? middle : "");
    else if (name != NULL)
        snprintf(id->name, sizeof(id->name), "%s", name);
    rc = ESIA_OK;
out:
    jwt_free(jwt);
    return rc;
}

enum esia_result esia_exchange(const char *code, const char *verifier, const char *nonce,
                               time_t now, struct esia_identity *id, char *why, size_t why_size)
{
    char body[4096];
    size_t pos = 0;
    struct buffer resp = {0};
    enum esia_result rc = ESIA_UNAVAILABLE;
    struct json_object *json = NULL;
    memset(id, 0, sizeof(*id));
    body[0] = '\0';
    if (!esia_ready()) {
        snprintf(why, why_size, "ESIA is not configured");
        return ESIA_UNAVAILABLE;
    }
    if (!add_param(body, sizeof(body), &pos, "grant_type", "authorization_code") ||
        !add_param(body, sizeof(body), &pos, "code", code) ||
        !add_param(body, sizeof(body), &pos, "redirect_uri", cfg.redirect_uri) ||
        !add_param(body, sizeof(body), &pos, "code_verifier", verifier)) {
        snprintf(why, why_size, "the code is too long");
        return ESIA_REFUSED;
    }
    if (curl == NULL)
        curl = curl_easy_init();
    if (curl == NULL) {
        snprintf(why, why_size, "cannot start an HTTP client");
        return ESIA_UNAVAILABLE;
    }
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, cfg.token_url);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
    curl_easy_setopt(curl, CURLOPT_USERNAME, cfg.client_id);
    curl_easy_setopt(curl, CURLOPT_PASSWORD, cfg.client_secret);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, cfg.timeout_ms);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &resp);
    CURLcode cc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (cc != CURLE_OK) {
        snprintf(why, why_size, "ESIA's token endpoint: %s", curl_easy_strerror(cc));
        goto out;
    }
    if (status >= 500) {
        snprintf(why, why_size, "ESIA's token endpoint answered %ld", status);
        goto out;
    }
    char err[128];
    json = resp.data != NULL ? json_parse_strict(resp.data, resp.len, err, sizeof(err)) : NULL;
    if (status != 200) {
        struct json_object *e = NULL;
        rc = ESIA_REFUSED;
        if (json != NULL && json_object_object_get_ex(json, "error", &e) &&
            json_object_is_type(e, json_type_string))
            snprintf(why, why_size, "ESIA refused the code: %.*s",
                     (int)http_utf8_prefix(json_object_get_string(e), 64),
                     json_object_get_string(e));
        else
            snprintf(why, why_size, "ESIA refused the code (%ld)", status);
        goto out;
    }
    struct json_object *tok = NULL;
    if (json == NULL || !json_object_object_get_ex(json, "id_token", &tok) ||
        !json_object_is_type(tok, json_type_string)) {
        rc = ESIA_BAD_TOKEN;
        snprintf(why, why_size, "ESIA's answer has no id_token");
        goto out;
    }
    rc = esia_check_id_token(json_object_get_string(tok), nonce, now, id, why, why_size);
out:
    json_object_put(json);
    free(resp.data);
    return rc;
}
