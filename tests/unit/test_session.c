#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <jwt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/session.h"

static char dir[64], priv[128], pub[128], other_priv[128];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/shailoo-session-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(priv, sizeof(priv), "%s/k.pem", dir);
    snprintf(pub, sizeof(pub), "%s/k.pub.pem", dir);
    snprintf(other_priv, sizeof(other_priv), "%s/o.pem", dir);
    char cmd[1024];
    snprintf(cmd, sizeof(cmd),
             "openssl ecparam -name prime256v1 -genkey -noout -out %s 2>/dev/null && "
             "openssl ec -in %s -pubout -out %s 2>/dev/null && "
             "openssl ecparam -name prime256v1 -genkey -noout -out %s 2>/dev/null",
             priv, priv, pub, other_priv);
    if (system(cmd) != 0)
        return -1;
    return session_init(priv, pub);
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static struct session_claims claims(time_t now, time_t exp)
{
    struct session_claims c;
    memset(&c, 0, sizeof(c));
    assert_int_equal(session_random(c.sid, sizeof(c.sid), 32), 0);
    assert_int_equal(session_random(c.csrf, sizeof(c.csrf), 32), 0);
    snprintf(c.sub, sizeof(c.sub), "%s", c.sid); /* opaque, as cgi/api/auth.c signs it */
    c.iat = now;
    c.exp = exp;
    return c;
}

static void round_trip(void **state)
{
    (void)state;
    time_t now = 1800000000;
    struct session_claims c = claims(now, now + 1800), d;
    assert_int_equal(strlen(c.sid), SESSION_ID_LEN);
    char *t = session_sign(&c);
    assert_non_null(t);
    assert_int_equal(session_verify(t, now, &d), 0);
    assert_string_equal(d.sid, c.sid);
    assert_string_equal(d.sub, c.sub);
    assert_string_equal(d.csrf, c.csrf);
    assert_int_equal(d.exp, c.exp);
    /* Again (from the cache of verified tokens): same answer, and expiry still holds. */
    assert_int_equal(session_verify(t, now + 10, &d), 0);
    assert_int_equal(session_verify(t, now + 1800, &d), -1);
    assert_int_equal(session_verify(t, now + 5000, &d), -1);
    free(t);
}

static void expired_and_tampered(void **state)
{
    (void)state;
    time_t now = 1800000000;
    struct session_claims c = claims(now - 4000, now - 2200), d;
    char *t = session_sign(&c);
    assert_int_equal(session_verify(t, now, &d), -1);
    free(t);

    c = claims(now, now + 1800);
    t = session_sign(&c);
    char *dot = strchr(t, '.');
    assert_non_null(dot);
    dot[3] = dot[3] == 'A' ? 'B' : 'A'; /* a changed payload */
    assert_int_equal(session_verify(t, now, &d), -1);
    assert_int_equal(session_verify("", now, &d), -1);
    assert_int_equal(session_verify("a.b.c", now, &d), -1);
    assert_int_equal(session_verify(NULL, now, &d), -1);
    free(t);
}

/* Tokens the attacker can make: another key, HMAC with our public key, none. */
static void foreign_algorithms(void **state)
{
    (void)state;
    time_t now = 1800000000;
    struct session_claims d;
    FILE *f = fopen(pub, "rb");
    unsigned char key[4096];
    size_t klen = fread(key, 1, sizeof(key), f);
    fclose(f);
    f = fopen(other_priv, "rb");
    unsigned char okey[4096];
    size_t olen = fread(okey, 1, sizeof(okey), f);
    fclose(f);

    struct {
        jwt_alg_t alg;
        const unsigned char *key;
        size_t len;
    } forged[] = {
        {JWT_ALG_HS256, key, klen}, /* algorithm confusion */
        {JWT_ALG_ES256, okey, olen}, /* another key */
        {JWT_ALG_NONE, NULL, 0},
    };
    for (size_t i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
        jwt_t *jwt;
        assert_int_equal(jwt_new(&jwt), 0);
        jwt_add_grant(jwt, "iss", "shailoo");
        jwt_add_grant(jwt, "sid", "abcdefghijabcdefghijabcdefghijabcdefghij123");
        jwt_add_grant(jwt, "sub", "21505199000011");
        jwt_add_grant(jwt, "csrf", "abcdefghijabcdefghijabcdefghijabcdefghij123");
        jwt_add_grant_int(jwt, "iat", now);
        jwt_add_grant_int(jwt, "exp", now + 1800);
        assert_int_equal(jwt_set_alg(jwt, forged[i].alg, forged[i].key, (int)forged[i].len), 0);
        char *t = jwt_encode_str(jwt);
        assert_non_null(t);
        assert_int_equal(session_verify(t, now, &d), -1);
        free(t);
        jwt_free(jwt);
    }
}

static void helpers(void **state)
{
    (void)state;
    char out[16];
    session_base64url((const unsigned char *)"\xfb\xff", 2, out);
    assert_string_equal(out, "-_8");
    session_base64url((const unsigned char *)"abc", 3, out);
    assert_string_equal(out, "YWJj");
    assert_true(session_equal("abc", "abc"));
    assert_false(session_equal("abc", "abd"));
    assert_false(session_equal("abc", "abcd"));
    char a[48], b[48];
    assert_int_equal(session_random(a, sizeof(a), 32), 0);
    assert_int_equal(session_random(b, sizeof(b), 32), 0);
    assert_string_not_equal(a, b);
    assert_int_equal(session_random(a, 10, 32), -1); /* does not fit */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip),
        cmocka_unit_test(expired_and_tampered),
        cmocka_unit_test(foreign_algorithms),
        cmocka_unit_test(helpers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
