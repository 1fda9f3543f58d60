/*
 * Signing in through ESIA and our sessions: /auth/esia/login, the callback,
 * /auth/logout, /api/v1/me, and the guard that checks each protected route's
 * roles and every state-changing request's CSRF token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/json.h"
#include "../core/log.h"
#include "../core/session.h"
#include "../ext/esia.h"
#include "../rules/pin.h"
#include "api.h"

#define SESSION_COOKIE "shailoo_session"
#define LOGIN_COOKIE "shailoo_login"
#define SESSION_SECONDS (30 * 60)
#define SESSION_RENEW_BELOW (15 * 60) /* renew when less than this is left */

enum {
    AUTH_LOGIN_NEW,
    AUTH_LOGIN_TAKE,
    AUTH_LOGIN_PURGE,
    AUTH_SESSION_NEW,
    AUTH_SESSION_GET,
    AUTH_SESSION_RENEW,
    AUTH_SESSION_REVOKE,
    AUTH_PARTY_ROLES,
    AUTH__MAX
};

static const struct db_statement statements[AUTH__MAX] = {
    [AUTH_LOGIN_NEW] =
        {"auth_login_new",
         "INSERT INTO esia_logins (state, nonce, code_verifier, next_path) VALUES ($1, $2, $3, $4)"},
    /* Single use, ten minutes: the row is spent whatever happens next. */
    [AUTH_LOGIN_TAKE] =
        {"auth_login_take",
         "UPDATE esia_logins SET used_at = now()"
         " WHERE state = $1 AND used_at IS NULL AND created_at > now() - interval '10 minutes'"
         " RETURNING nonce, code_verifier, next_path"},
    [AUTH_LOGIN_PURGE] = {"auth_login_purge",
                          "DELETE FROM esia_logins WHERE created_at < now() - interval '1 day'"},
    [AUTH_SESSION_NEW] = {"auth_session_new",
                          "INSERT INTO sessions (id, pin, name, expires_at)"
                          " VALUES ($1, $2, $3, to_timestamp($4::bigint))"},
    /* The person's roles in parties (Talapker): head or representative, per election. */
    [AUTH_PARTY_ROLES] =
        {"auth_party_roles",
         "SELECT coalesce(json_agg(json_build_object('role', r, 'party_id', party_id,"
         "  'election_id', election_id) ORDER BY election_id DESC, party_id, r), '[]')::text"
         "  FROM (SELECT election_id, party_id, 'party_head' AS r FROM party_participations"
         "         WHERE head_pin = $1"
         "        UNION ALL"
         "        SELECT election_id, party_id, 'party_rep' FROM party_reps"
         "         WHERE pin = $1 AND withdrawn_at IS NULL) x"},
    [AUTH_SESSION_GET] =
        {"auth_session_get",
         "SELECT s.pin, s.name,"
         "       (SELECT string_agg(r.role || ':' || coalesce(r.commission_id::text, '')"
         "                          || ':' || coalesce(r.station_number::text, ''), ','"
         "                          ORDER BY r.role)"
         "          FROM staff_roles r WHERE r.pin = s.pin)"
         "  FROM sessions s"
         " WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > now()"
         /* Renewal slides, but no session outlives a working day. */
         "   AND s.created_at > now() - interval '12 hours'"},
    [AUTH_SESSION_RENEW] = {"auth_session_renew",
                            "UPDATE sessions SET expires_at = to_timestamp($2::bigint)"
                            " WHERE id = $1 AND revoked_at IS NULL"},
    [AUTH_SESSION_REVOKE] =
        {"auth_session_revoke",
         "UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL"},
};

/* ---- cookies ------------------------------------------------------------- */

static void set_cookie(struct http_request *req, const char *name, const char *value,
                       const char *path, long max_age)
{
    http_add_header(req, "Set-Cookie: %s=%s; Path=%s; Max-Age=%ld; HttpOnly; SameSite=Lax%s", name,
                    value, path, max_age, http_is_tls(req) ? "; Secure" : "");
}

/* ---- the guard ----------------------------------------------------------- */

/* The roles (staff_roles.role, and every citizen's) and their access bits. */
static const struct {
    const char *name;
    unsigned bit;
} staff_roles[] = {
    {"voter", ACCESS_VOTER},
    {"operator", ACCESS_OPERATOR},
    {"tec_admin", ACCESS_TEC_ADMIN},
    {"cec_admin", ACCESS_CEC_ADMIN},
    {"complaints_reviewer", ACCESS_COMPLAINTS},
    {"station_secretary", ACCESS_SECRETARY},
};

static unsigned role_bit(const char *role)
{
    for (size_t i = 0; i < NELEM(staff_roles); i++)
        if (strcmp(role, staff_roles[i].name) == 0)
            return staff_roles[i].bit;
    return 0;
}

/* "operator:101:,tec_admin:102:,station_secretary:101:1001" into u->roles. */
static void parse_roles(struct user *u, const char *list)
{
    u->access = ACCESS_VOTER;
    u->nroles = 0;
    if (list == NULL)
        return;
    char buf[1024];
    snprintf(buf, sizeof(buf), "%s", list);
    char *save = NULL;
    for (char *item = strtok_r(buf, ",", &save); item != NULL && u->nroles < USER_MAX_ROLES;
         item = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(item, ':');
        if (colon == NULL)
            continue;
        *colon = '\0';
        unsigned bit = role_bit(item);
        if (bit == 0)
            continue;
        u->roles[u->nroles].access = bit;
        u->roles[u->nroles].commission_id = colon[1] != '\0' ? atol(colon + 1) : 0;
        char *second = strchr(colon + 1, ':');
        u->roles[u->nroles].station = second != NULL && second[1] != '\0' ? atol(second + 1) : 0;
        u->nroles++;
        u->access |= bit;
    }
}

static int unauthenticated(struct http_request *req, const char *message, bool clear)
{
    if (clear)
        set_cookie(req, SESSION_COOKIE, "", "/", 0);
    http_error(req, 401, "unauthenticated", message, NULL);
    return -1;
}

int auth_guard(struct http_request *req, unsigned access)
{
    const char *token = http_cookie(req, SESSION_COOKIE);
    if (token == NULL)
        return unauthenticated(req, "sign in first", false);
    struct session_claims c;
    time_t now = time(NULL);
    if (session_verify(token, now, &c) < 0)
        return unauthenticated(req, "the session is invalid or has expired; sign in again", true);
    /*
     * The subject is opaque, the session id (a token's payload is only
     * base64): a token whose sub is anything else, such as one signed when
     * the subject was the PIN, is cleared from the browser.
     */
    if (strcmp(c.sub, c.sid) != 0)
        return unauthenticated(req, "the session is invalid or has expired; sign in again", true);

    const char *params[] = {c.sid};
    PGresult *res = NULL;
    enum db_status st = db_exec(&statements[AUTH_SESSION_GET], 1, params, &res);
    if (st != DB_OK) {
        api_db_failure(req, st);
        return -1;
    }
    /* The session's row, not the token, says whose it is (a token is readable by anyone holding it). */
    if (PQntuples(res) != 1 || !pin_valid(PQgetvalue(res, 0, 0))) {
        PQclear(res);
        return unauthenticated(req, "the session has ended; sign in again", true);
    }
    struct user *u = pool_alloc(req->pool, sizeof(*u));
    memset(u, 0, sizeof(*u));
    snprintf(u->pin, sizeof(u->pin), "%s", PQgetvalue(res, 0, 0));
    u->name = pool_strdup(req->pool, PQgetvalue(res, 0, 1));
    parse_roles(u, PQgetisnull(res, 0, 2) ? NULL : PQgetvalue(res, 0, 2));
    PQclear(res);
    snprintf(u->sid, sizeof(u->sid), "%s", c.sid);
    snprintf(u->csrf, sizeof(u->csrf), "%s", c.csrf);
    u->expires = c.exp;

    /* Every state-changing request carries the CSRF token of its session. */
    if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
        const char *sent = http_header(req, "X-CSRF-Token");
        if (sent == NULL || !session_equal(sent, c.csrf)) {
            http_error(req, 403, "csrf_token_missing",
                       "send the X-CSRF-Token header given by GET /api/v1/me", NULL);
            return -1;
        }
    }
    if ((u->access & access) == 0) {
        http_error(req, 403, "forbidden", "your role does not allow this", NULL);
        return -1;
    }

    /* Renewed while in use: a fresh token with the same session id. */
    if (c.exp - now < SESSION_RENEW_BELOW) {
        c.iat = now;
        c.exp = now + SESSION_SECONDS;
        char exp[24];
        snprintf(exp, sizeof(exp), "%lld", (long long)c.exp);
        const char *rp[] = {c.sid, exp};
        PGresult *r = NULL;
        char *fresh = NULL;
        if (db_exec(&statements[AUTH_SESSION_RENEW], 2, rp, &r) == DB_OK &&
            (fresh = session_sign(&c)) != NULL) {
            set_cookie(req, SESSION_COOKIE, fresh, "/", SESSION_SECONDS);
            u->expires = c.exp;
        }
        free(fresh);
        PQclear(r);
    }
    req->user = u;
    return 0;
}

/* ---- login --------------------------------------------------------------- */

/* A path of ours to return to: "/..." but not "//..." (another host), printable ASCII. */
static bool local_path(const char *p)
{
    if (p == NULL || p[0] != '/' || p[1] == '/' || p[1] == '\\' || strlen(p) > 200)
        return false;
    for (const unsigned char *c = (const unsigned char *)p; *c != '\0'; c++)
        if (*c <= 0x20 || *c >= 0x7F || *c == '\\')
            return false;
    /*
     * No page of ours has a personal number in its address, and this one is
     * kept a day in esia_logins and sent back as a redirect: a long run of
     * digits (a PIN, plain or %-escaped) is refused.
     */
    char masked[256];
    http_mask_digit_runs(p, masked, sizeof(masked));
    return strcmp(masked, p) == 0;
}

static void login_get(struct http_request *req)
{
    const char *next = http_arg_text(req, "next"), *hint = http_arg_text(req, "login_hint");
    if (!local_path(next)) {
        http_error(req, 400, "invalid_parameter", "next must be a path of this site", "next");
        return;
    }
    if (!esia_ready() || !session_ready()) {
        http_html_error(req, 503, "Вход временно недоступен",
                        "Сервис входа через ЕСИА не настроен. Попробуйте позже.");
        return;
    }
    char state[48], nonce[48], verifier[48], challenge[48], url[4096];
    if (session_random(state, sizeof(state), 32) < 0 ||
        session_random(nonce, sizeof(nonce), 32) < 0 ||
        session_random(verifier, sizeof(verifier), 32) < 0) {
        http_error(req, 500, "internal", "no randomness", NULL);
        return;
    }
    esia_pkce_challenge(verifier, challenge);
    if (esia_authorize_url(state, nonce, challenge, hint, url, sizeof(url)) < 0) {
        http_error(req, 500, "internal", "cannot build the ESIA address", NULL);
        return;
    }
    const char *params[] = {state, nonce, verifier, next};
    PGresult *res = NULL;
    enum db_status st = db_exec(&statements[AUTH_LOGIN_NEW], 4, params, &res);
    PQclear(res);
    if (st != DB_OK) {
        api_db_failure(req, st);
        return;
    }
    if (state[0] == 'A') { /* now and then, forget logins never finished */
        res = NULL;
        db_exec(&statements[AUTH_LOGIN_PURGE], 0, NULL, &res);
        PQclear(res);
    }
    /* Ties the callback to this browser: a login started elsewhere is refused. */
    set_cookie(req, LOGIN_COOKIE, state, "/auth/esia", 600);
    http_redirect(req, 302, url);
}

static void login_refused(struct http_request *req, int status, const char *why)
{
    log_error(req->request_id, "ESIA login refused: %s", why);
    set_cookie(req, LOGIN_COOKIE, "", "/auth/esia", 0);
    http_html_error(req, status, "Вход не выполнен",
                    "Не удалось войти через ЕСИА. Начните вход заново.");
}

static void callback_get(struct http_request *req)
{
    const char *code = http_arg_text(req, "code"), *state = http_arg_text(req, "state");
    const char *error = http_arg_text(req, "error");
    if (error != NULL) {
        login_refused(req, 401, error);
        return;
    }
    if (code == NULL || state == NULL) {
        login_refused(req, 400, "code or state missing");
        return;
    }
    const char *cookie = http_cookie(req, LOGIN_COOKIE);
    if (cookie == NULL || !session_equal(cookie, state)) {
        login_refused(req, 400, "state does not match this browser's login");
        return;
    }
    const char *params[] = {state};
    PGresult *res = NULL;
    enum db_status st = db_exec(&statements[AUTH_LOGIN_TAKE], 1, params, &res);
    if (st != DB_OK) {
        api_db_failure(req, st);
        return;
    }
    if (PQntuples(res) != 1) {
        PQclear(res);
        login_refused(req, 400, "unknown, used or expired state");
        return;
    }
    char *nonce = pool_strdup(req->pool, PQgetvalue(res, 0, 0));
    char *verifier = pool_strdup(req->pool, PQgetvalue(res, 0, 1));
    char *next = pool_strdup(req->pool, PQgetvalue(res, 0, 2));
    PQclear(res);

    struct esia_identity id;
    char why[256];
    time_t now = time(NULL);
    enum esia_result er = esia_exchange(code, verifier, nonce, now, &id, why, sizeof(why));
    if (er == ESIA_UNAVAILABLE) {
        log_error(req->request_id, "ESIA unavailable: %s", why);
        http_html_error(req, 503, "ЕСИА недоступна",
                        "Сервис идентификации сейчас не отвечает. Попробуйте позже.");
        return;
    }
    if (er != ESIA_OK) {
        login_refused(req, 401, why);
        return;
    }
    if (!pin_valid(id.pin)) {
        login_refused(req, 401, "the pin claim is not a PIN");
        return;
    }

    struct session_claims c;
    memset(&c, 0, sizeof(c));
    if (session_random(c.sid, sizeof(c.sid), 32) < 0 ||
        session_random(c.csrf, sizeof(c.csrf), 32) < 0) {
        http_error(req, 500, "internal", "no randomness", NULL);
        return;
    }
    /* The subject is opaque: a token's payload is only base64, and must not carry the PIN. */
    snprintf(c.sub, sizeof(c.sub), "%s", c.sid);
    c.iat = now;
    c.exp = now + SESSION_SECONDS;
    char exp[24];
    snprintf(exp, sizeof(exp), "%lld", (long long)c.exp);
    const char *sp[] = {c.sid, id.pin, id.name, exp};
    res = NULL;
    st = db_exec(&statements[AUTH_SESSION_NEW], 4, sp, &res);
    PQclear(res);
    if (st != DB_OK) {
        api_db_failure(req, st);
        return;
    }
    char *token = session_sign(&c);
    if (token == NULL) {
        http_error(req, 500, "internal", "cannot sign the session", NULL);
        return;
    }
    set_cookie(req, SESSION_COOKIE, token, "/", SESSION_SECONDS);
    free(token);
    set_cookie(req, LOGIN_COOKIE, "", "/auth/esia", 0);
    http_redirect(req, 303, next);
}

/* ---- who am I, sign out -------------------------------------------------- */

const char *auth_role_name(unsigned bit)
{
    for (size_t i = 0; i < NELEM(staff_roles); i++)
        if (bit == staff_roles[i].bit)
            return staff_roles[i].name;
    return "voter";
}

static void me_get(struct http_request *req)
{
    const struct user *u = req->user;
    struct json_object *o = json_object_new_object();
    char masked[PIN_LEN + 1];
    /* The PIN masked as in documents: the first and last four digits. */
    snprintf(masked, sizeof(masked), "%.4s******%.4s", u->pin, u->pin + 10);
    json_object_object_add(o, "pin_masked", json_object_new_string(masked));
    json_object_object_add(o, "name", json_object_new_string(u->name));
    struct json_object *roles = json_object_new_array();
    struct json_object *voter = json_object_new_object();
    json_object_object_add(voter, "role", json_object_new_string("voter"));
    json_object_array_add(roles, voter);
    for (size_t i = 0; i < u->nroles; i++) {
        struct json_object *r = json_object_new_object();
        json_object_object_add(r, "role",
                               json_object_new_string(auth_role_name(u->roles[i].access)));
        json_object_object_add(r, "commission_id",
                               u->roles[i].commission_id > 0
                                   ? json_object_new_int64(u->roles[i].commission_id)
                                   : NULL);
        if (u->roles[i].station > 0)
            json_object_object_add(r, "station", json_object_new_int64(u->roles[i].station));
        json_object_array_add(roles, r);
    }
    PGresult *res = NULL;
    enum db_status st =
        db_exec(&statements[AUTH_PARTY_ROLES], 1, (const char *const[]){u->pin}, &res);
    if (st != DB_OK) {
        json_object_put(o);
        json_object_put(roles);
        api_db_failure(req, st);
        return;
    }
    struct json_object *party = json_tokener_parse(db_value(res) != NULL ? db_value(res) : "[]");
    for (size_t i = 0; party != NULL && i < json_object_array_length(party); i++)
        json_object_array_add(roles, json_object_get(json_object_array_get_idx(party, i)));
    json_object_put(party);
    PQclear(res);
    json_object_object_add(o, "roles", roles);
    json_object_object_add(o, "csrf_token", json_object_new_string(u->csrf));
    json_object_object_add(o, "expires_at", json_object_new_int64((int64_t)u->expires));
    size_t len;
    const char *s = json_object_to_json_string_length(
        o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    http_json(req, 200, s, len, CACHE_NONE);
    json_object_put(o);
}

static void logout_post(struct http_request *req)
{
    const struct user *u = req->user;
    const char *params[] = {u->sid};
    PGresult *res = NULL;
    enum db_status st = db_exec(&statements[AUTH_SESSION_REVOKE], 1, params, &res);
    PQclear(res);
    if (st != DB_OK) {
        api_db_failure(req, st);
        return;
    }
    set_cookie(req, SESSION_COOKIE, "", "/", 0);
    static const char body[] = "{\"signed_out\":true}";
    http_json(req, 200, body, sizeof(body) - 1, CACHE_NONE);
}

static const struct route routes[] = {
    {"GET", "/auth/esia/login", login_get,
     .query = {{"next", FIELD_TEXT, 0, 200, .def = "/cabinet/",
                .about = "where to go once signed in (a path of this site)"},
               {"login_hint", FIELD_DIGITS, PIN_DIGITS, PIN_DIGITS,
                .about = "the PIN ESIA's form starts with"}},
     .answer = "redirect", .summary = "Sign in: redirects to ESIA (OpenID Connect, PKCE)"},
    {"GET", "/auth/esia/callback", callback_get,
     .query = {{"code", FIELD_TEXT, 0, 512},
               {"state", FIELD_TEXT, 0, 128},
               {"error", FIELD_TEXT, 0, 128},
               {"error_description", FIELD_TEXT, 0, 512}},
     .answer = "redirect",
     .summary = "ESIA's redirect back: opens the session (cookie) and goes on to next"},
    {"POST", "/auth/logout", logout_post, ACCESS_SIGNED_IN,
     .summary = "Sign out: the session is revoked"},
    {"GET", "/api/v1/me", me_get, ACCESS_SIGNED_IN,
     .summary = "Who is signed in: masked PIN, name, roles, the CSRF token"},
};

const struct api_module auth_module = {"auth", routes, NELEM(routes), statements, AUTH__MAX, NULL};
