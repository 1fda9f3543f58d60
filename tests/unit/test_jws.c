/*
 * cgi/core/jws.c: base64url without padding (canonical texts only), the
 * compact serialization's three parts, ES256 signing and verification with
 * keys made here by OpenSSL, and the keys it refuses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jws.h"

/* ---- helpers --------------------------------------------------------------- */

/* A fresh EC key on curve ("P-256", "P-384"). */
static EVP_PKEY *new_ec_key(const char *curve)
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);
    assert_non_null(k);
    return k;
}

/* The key's PEM (public: SubjectPublicKeyInfo; private: PKCS#8), malloc'd. */
static char *pem_of(EVP_PKEY *k, int private_key, size_t *len)
{
    BIO *b = BIO_new(BIO_s_mem());
    assert_non_null(b);
    int ok = private_key ? PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL)
                         : PEM_write_bio_PUBKEY(b, k);
    assert_int_equal(ok, 1);
    char *data;
    long n = BIO_get_mem_data(b, &data);
    assert_true(n > 0);
    char *out = malloc((size_t)n + 1);
    assert_non_null(out);
    memcpy(out, data, (size_t)n);
    out[n] = '\0';
    *len = (size_t)n;
    BIO_free(b);
    return out;
}

/* The key as jws.c reads it back from its public PEM. */
static EVP_PKEY *public_of(EVP_PKEY *k)
{
    size_t len;
    char *pem = pem_of(k, 0, &len);
    EVP_PKEY *pub = jws_public_key(pem, len);
    free(pem);
    return pub;
}

static long decode(const char *s, unsigned char *out)
{
    return jws_base64url_decode(s, strlen(s), out);
}

/* Parses and verifies text with key: 1 verified, 0 parsed but not verified, -1 not parsed. */
static int parse_verify(const char *text, EVP_PKEY *key)
{
    struct jws j;
    const char *why = NULL;
    if (jws_parse(text, strlen(text), &j, &why) < 0) {
        assert_non_null(why);
        return -1;
    }
    int ok = jws_verify_es256(text, &j, key) ? 1 : 0;
    jws_free(&j);
    return ok;
}

/* ---- base64url ------------------------------------------------------------ */

static void base64url_known_texts(void **state)
{
    (void)state;
    /* RFC 4648 section 10, without padding. */
    static const char *const vectors[][2] = {
        {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
        {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
    };
    char enc[100];
    unsigned char dec[64];
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        const char *plain = vectors[i][0], *text = vectors[i][1];
        jws_base64url_encode((const unsigned char *)plain, strlen(plain), enc);
        assert_string_equal(enc, text);
        assert_int_equal(decode(text, dec), (long)strlen(plain));
        assert_memory_equal(dec, plain, strlen(plain));
    }
    /* The url-safe alphabet: 62 is '-', 63 is '_' (standard base64: "+/8"). */
    const unsigned char hi[] = {0xfb, 0xff};
    jws_base64url_encode(hi, 2, enc);
    assert_string_equal(enc, "-_8");
    assert_int_equal(decode("-_8", dec), 2);
    assert_memory_equal(dec, hi, 2);
    const unsigned char all[] = {0x00, 0x10, 0x83, 0x10, 0x51, 0x87, 0x20, 0x92, 0x8b, 0x30,
                                 0xd3, 0x8f, 0x41, 0x14, 0x93, 0x51, 0x55, 0x97, 0x61, 0x96,
                                 0x9b, 0x71, 0xd7, 0x9f, 0x82, 0x18, 0xa3, 0x92, 0x59, 0xa7,
                                 0xa2, 0x9a, 0xab, 0xb2, 0xdb, 0xaf, 0xc3, 0x1c, 0xb3, 0xd3,
                                 0x5d, 0xb7, 0xe3, 0x9e, 0xbb, 0xf3, 0xdf, 0xbf};
    jws_base64url_encode(all, sizeof(all), enc);
    assert_string_equal(enc, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
}

static void base64url_round_trips(void **state)
{
    (void)state;
    unsigned char in[300], out[300];
    char text[420];
    unsigned seed = 12345;
    for (size_t len = 0; len < sizeof(in); len++) {
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            in[i] = (unsigned char)(seed >> 16);
        }
        jws_base64url_encode(in, len, text);
        size_t tlen = strlen(text);
        assert_int_equal(tlen, (len * 4 + 2) / 3); /* no padding */
        assert_null(strchr(text, '='));
        assert_int_equal(
            strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), tlen);
        assert_int_equal(jws_base64url_decode(text, tlen, out), (long)len);
        assert_memory_equal(out, in, len);
    }
}

static void base64url_refusals(void **state)
{
    (void)state;
    unsigned char out[64];
    /* Padding, in any place. */
    assert_int_equal(decode("Zg==", out), -1);
    assert_int_equal(decode("Zm8=", out), -1);
    assert_int_equal(decode("Zm9v=", out), -1);
    assert_int_equal(decode("Z=g", out), -1);
    /* Characters of standard base64, whitespace, others. */
    assert_int_equal(decode("+_8", out), -1);
    assert_int_equal(decode("-/8", out), -1);
    assert_int_equal(decode("Zm9v Zm9v", out), -1);
    assert_int_equal(decode("Zm9v\n", out), -1);
    assert_int_equal(decode("Zm9.", out), -1);
    assert_int_equal(decode("Zm9v\xc3\xa9", out), -1);
    assert_int_equal(jws_base64url_decode("Zm\0v", 4, out), -1);
    /* A length that no byte string has: 4k + 1. */
    assert_int_equal(decode("Z", out), -1);
    assert_int_equal(decode("Zm9vY", out), -1);
    assert_int_equal(decode("Zm9vYmFyZ", out), -1);
    /* Non-canonical: the unused low bits of the last character are not zero. */
    assert_int_equal(decode("Zh", out), -1); /* "Zg" is canonical */
    assert_int_equal(decode("Zm9", out), -1); /* "Zm8" */
    assert_int_equal(decode("Zm-", out), -1);
    assert_int_equal(decode("Zm9vYh", out), -1);
    assert_int_equal(decode("Zm9vYmF", out), -1); /* "Zm9vYmE" */
    assert_int_equal(decode("__", out), -1);
    /* ...and the canonical neighbours decode. */
    assert_int_equal(decode("Zg", out), 1);
    assert_int_equal(decode("Zm8", out), 2);
    assert_int_equal(decode("Zm9vYmE", out), 5);
    assert_int_equal(decode("_w", out), 1);
    assert_int_equal(out[0], 0xff);
    /* Only len bytes are read. */
    assert_int_equal(jws_base64url_decode("Zm9v!!!!", 4, out), 3);
    assert_memory_equal(out, "foo", 3);
}

/* Every 2- and 3-character text: decodes iff it is what the encoder would write. */
static void base64url_only_canonical_texts(void **state)
{
    (void)state;
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char text[4], again[8];
    unsigned char out[8];
    size_t accepted = 0;
    for (int a = 0; a < 64; a++)
        for (int b = 0; b < 64; b++)
            for (int c = -1; c < 64; c++) {
                text[0] = alphabet[a];
                text[1] = alphabet[b];
                text[2] = c < 0 ? '\0' : alphabet[c];
                text[3] = '\0';
                size_t len = strlen(text);
                long n = jws_base64url_decode(text, len, out);
                if (n < 0)
                    continue;
                accepted++;
                assert_int_equal(n, (long)len - 1);
                jws_base64url_encode(out, (size_t)n, again);
                assert_string_equal(again, text);
            }
    assert_int_equal(accepted, 256 + 65536); /* one text per 1- and 2-byte string */
}

/* ---- jws_parse ------------------------------------------------------------ */

static const char HDR[] = "eyJhbGciOiJFUzI1NiJ9"; /* {"alg":"ES256"} */
static const char PAY[] = "eyJhIjoxfQ"; /* {"a":1} */

/* HDR.PAY.(n bytes of 0x01, base64url) */
static char *with_signature_bytes(size_t n)
{
    unsigned char sig[100];
    memset(sig, 1, sizeof(sig));
    char enc[200];
    jws_base64url_encode(sig, n, enc);
    size_t size = strlen(HDR) + strlen(PAY) + strlen(enc) + 3;
    char *t = malloc(size);
    assert_non_null(t);
    snprintf(t, size, "%s.%s.%s", HDR, PAY, enc);
    return t;
}

static void assert_refused(const char *text, size_t len, const char *reason_part)
{
    struct jws j;
    const char *why = NULL;
    assert_int_equal(jws_parse(text, len, &j, &why), -1);
    assert_non_null(why);
    if (reason_part != NULL && strstr(why, reason_part) == NULL)
        fail_msg("\"%.60s\": reason \"%s\", expected it to mention \"%s\"", text, why, reason_part);
    /* Nothing is left to free. */
    assert_null(j.header);
    assert_null(j.payload);
}

static void parse_splits_and_decodes(void **state)
{
    (void)state;
    char *t = with_signature_bytes(64);
    struct jws j;
    const char *why = NULL;
    assert_int_equal(jws_parse(t, strlen(t), &j, &why), 0);
    assert_string_equal(j.header, "{\"alg\":\"ES256\"}");
    assert_int_equal(j.header_len, strlen("{\"alg\":\"ES256\"}"));
    assert_string_equal(j.payload, "{\"a\":1}");
    assert_int_equal(j.payload_len, 7);
    assert_int_equal(j.signing_input_len, strlen(HDR) + 1 + strlen(PAY));
    for (size_t i = 0; i < 64; i++)
        assert_int_equal(j.sig[i], 1);
    jws_free(&j);
    jws_free(&j); /* twice is harmless */

    /* Only len bytes count: a text followed by more bytes than its length. */
    size_t len = strlen(t);
    char *longer = malloc(len + 10);
    assert_non_null(longer);
    memcpy(longer, t, len);
    memcpy(longer + len, ".AAAA.xx", 9);
    assert_int_equal(jws_parse(longer, len, &j, &why), 0);
    jws_free(&j);
    free(longer);
    free(t);
}

static void parse_refusals(void **state)
{
    (void)state;
    /* Not three parts. */
    assert_refused("", 0, "empty");
    assert_refused("abc", 3, "three parts");
    char two[100];
    snprintf(two, sizeof(two), "%s.%s", HDR, PAY);
    assert_refused(two, strlen(two), "three parts");
    char *t = with_signature_bytes(64);
    size_t n = strlen(t) + 8;
    char *four = malloc(n);
    assert_non_null(four);
    snprintf(four, n, "%s.AAAA", t);
    assert_refused(four, strlen(four), "three parts");
    snprintf(four, n, "%s.", t);
    assert_refused(four, strlen(four), "three parts");
    assert_refused("...", 3, "three parts");
    free(four);
    /* Empty parts. */
    char buf[300];
    const char *sig = strrchr(t, '.') + 1;
    snprintf(buf, sizeof(buf), ".%s.%s", PAY, sig);
    assert_refused(buf, strlen(buf), "empty");
    snprintf(buf, sizeof(buf), "%s..%s", HDR, sig);
    assert_refused(buf, strlen(buf), "empty");
    snprintf(buf, sizeof(buf), "%s.%s.", HDR, PAY); /* alg "none" style */
    assert_refused(buf, strlen(buf), "empty");
    assert_refused("..", 2, "empty");
    /* Bad base64url in each part. */
    snprintf(buf, sizeof(buf), "%s=.%s.%s", HDR, PAY, sig);
    assert_refused(buf, strlen(buf), "base64url");
    snprintf(buf, sizeof(buf), "%s.%s+.%s", HDR, PAY, sig);
    assert_refused(buf, strlen(buf), "base64url");
    snprintf(buf, sizeof(buf), "%s.%s.%s==", HDR, PAY, sig);
    assert_refused(buf, strlen(buf), "base64url");
    snprintf(buf, sizeof(buf), "%s.%sAAA.%s", HDR, PAY, sig); /* payload of 4k+1 characters */
    assert_refused(buf, strlen(buf), "base64url");
    snprintf(buf, sizeof(buf), "%s.%s.%s", HDR, "eyJhIjoxfR", sig); /* non-canonical tail */
    assert_refused(buf, strlen(buf), "base64url");
    snprintf(buf, sizeof(buf), "%s .%s.%s", HDR, PAY, sig);
    assert_refused(buf, strlen(buf), "base64url");
    free(t);
    /* Too long. */
    char *big = malloc(JWS_MAX_LEN + 2);
    assert_non_null(big);
    memset(big, 'A', JWS_MAX_LEN + 1);
    big[10] = '.';
    big[20] = '.';
    big[JWS_MAX_LEN + 1] = '\0';
    assert_refused(big, JWS_MAX_LEN + 1, "too long");
    free(big);
}

static void parse_signature_length(void **state)
{
    (void)state;
    for (size_t n = 1; n <= 70; n++) {
        char *t = with_signature_bytes(n);
        struct jws j;
        const char *why = NULL;
        int rc = jws_parse(t, strlen(t), &j, &why);
        if (n == 64) {
            assert_int_equal(rc, 0);
            jws_free(&j);
        } else {
            if (rc != -1)
                fail_msg("a signature of %zu bytes was taken", n);
            assert_refused(t, strlen(t), n <= 66 ? "64 bytes" : NULL);
        }
        free(t);
    }
    /* 63 and 65 bytes, the neighbours, by name. */
    char *t63 = with_signature_bytes(63), *t65 = with_signature_bytes(65);
    assert_refused(t63, strlen(t63), "64 bytes");
    assert_refused(t65, strlen(t65), "64 bytes");
    free(t63);
    free(t65);
    /* A very long signature part is refused, not copied. */
    char buf[1200];
    int n = snprintf(buf, sizeof(buf), "%s.%s.", HDR, PAY);
    memset(buf + n, 'A', 1000);
    buf[n + 1000] = '\0';
    assert_refused(buf, strlen(buf), NULL);
}

/* ---- keys and signatures --------------------------------------------------- */

static void sign_then_verify(void **state)
{
    (void)state;
    EVP_PKEY *k = new_ec_key("P-256");
    size_t len;
    char *priv_pem = pem_of(k, 1, &len);
    EVP_PKEY *priv = jws_private_key(priv_pem, len);
    assert_non_null(priv);
    EVP_PKEY *pub = public_of(k);
    assert_non_null(pub);

    const char header[] = "{\"alg\":\"ES256\",\"kid\":\"20270100000000001001\"}";
    const char payload[] = "{\"kind\":\"opening\",\"seq\":1}";
    char *text = jws_sign_es256(header, payload, strlen(payload), priv);
    assert_non_null(text);
    struct jws j;
    const char *why = NULL;
    assert_int_equal(jws_parse(text, strlen(text), &j, &why), 0);
    assert_string_equal(j.header, header);
    assert_string_equal(j.payload, payload);
    assert_true(jws_verify_es256(text, &j, pub));
    assert_true(jws_verify_es256(text, &j, priv)); /* the private key holds the public one */
    assert_false(jws_verify_es256(text, &j, NULL));
    jws_free(&j);

    /* ECDSA signs with a fresh nonce: another text, and it verifies too. */
    char *again = jws_sign_es256(header, payload, strlen(payload), priv);
    assert_non_null(again);
    assert_string_not_equal(again, text);
    assert_int_equal(parse_verify(again, pub), 1);
    free(again);

    /* A payload with a NUL byte is signed by length. */
    const char bin[] = {'{', '}', '\0', 'x'};
    char *b = jws_sign_es256(header, bin, sizeof(bin), priv);
    assert_non_null(b);
    assert_int_equal(jws_parse(b, strlen(b), &j, &why), 0);
    assert_int_equal(j.payload_len, sizeof(bin));
    assert_memory_equal(j.payload, bin, sizeof(bin));
    assert_true(jws_verify_es256(b, &j, pub));
    jws_free(&j);
    free(b);

    free(text);
    free(priv_pem);
    jws_key_free(priv);
    jws_key_free(pub);
    EVP_PKEY_free(k);
}

static void tampering_fails(void **state)
{
    (void)state;
    EVP_PKEY *k = new_ec_key("P-256"), *other = new_ec_key("P-256");
    EVP_PKEY *pub = public_of(k), *other_pub = public_of(other);
    assert_non_null(pub);
    assert_non_null(other_pub);
    const char header[] = "{\"alg\":\"ES256\",\"kid\":\"20270100000000001001\"}";
    const char payload[] = "{\"kind\":\"turnout\",\"voters\":1834,\"voted\":702}";
    char *text = jws_sign_es256(header, payload, strlen(payload), k);
    assert_non_null(text);
    assert_int_equal(parse_verify(text, pub), 1);
    /* Another key. */
    assert_int_equal(parse_verify(text, other_pub), 0);

    const char *dot1 = strchr(text, '.'), *dot2 = strrchr(text, '.');
    size_t len = strlen(text);
    char *t = malloc(len + 1);
    assert_non_null(t);
    /* Every character of the payload part changed (to one that keeps it canonical
     * base64url: the last character of a part may carry unused bits). */
    for (size_t i = (size_t)(dot1 - text) + 1; i + 1 < (size_t)(dot2 - text); i++) {
        memcpy(t, text, len + 1);
        t[i] = t[i] == 'A' ? 'Q' : 'A';
        assert_int_equal(parse_verify(t, pub), 0);
    }
    /* A flipped byte of the payload, re-encoded. */
    {
        size_t plen = strlen(payload);
        char *p = strdup(payload);
        assert_non_null(p);
        p[strlen("{\"kind\":\"turnout\",\"voters\":18")] = '4'; /* 1834 -> 1844 */
        char enc[200];
        jws_base64url_encode((const unsigned char *)p, plen, enc);
        char forged[600];
        snprintf(forged, sizeof(forged), "%.*s.%s%s", (int)(dot1 - text), text, enc, dot2);
        assert_int_equal(parse_verify(forged, pub), 0);
        free(p);
    }
    /* The header changed (a typ added), the signature kept. */
    {
        const char h2[] = "{\"alg\":\"ES256\",\"kid\":\"20270100000000001001\",\"typ\":\"JOSE\"}";
        char enc[200], forged[600];
        jws_base64url_encode((const unsigned char *)h2, strlen(h2), enc);
        snprintf(forged, sizeof(forged), "%s%s", enc, dot1);
        assert_int_equal(parse_verify(forged, pub), 0);
    }
    /* Each byte of the signature flipped (decoded, changed, encoded again). */
    {
        struct jws j;
        const char *why;
        assert_int_equal(jws_parse(text, len, &j, &why), 0);
        for (size_t i = 0; i < 64; i++) {
            j.sig[i] ^= 0x01;
            assert_false(jws_verify_es256(text, &j, pub));
            j.sig[i] ^= 0x01;
        }
        assert_true(jws_verify_es256(text, &j, pub));
        /* r or s zero, both zero, all ones (above the group order). */
        unsigned char keep[64];
        memcpy(keep, j.sig, 64);
        memset(j.sig, 0, 32);
        assert_false(jws_verify_es256(text, &j, pub));
        memcpy(j.sig, keep, 64);
        memset(j.sig + 32, 0, 32);
        assert_false(jws_verify_es256(text, &j, pub));
        memset(j.sig, 0, 64);
        assert_false(jws_verify_es256(text, &j, pub));
        memset(j.sig, 0xff, 64);
        assert_false(jws_verify_es256(text, &j, pub));
        /* R and S swapped. */
        memcpy(j.sig, keep + 32, 32);
        memcpy(j.sig + 32, keep, 32);
        assert_false(jws_verify_es256(text, &j, pub));
        jws_free(&j);
    }
    /* The signature of one text under another's signing input. */
    {
        const char p2[] = "{\"kind\":\"turnout\",\"voters\":1834,\"voted\":703}";
        char *text2 = jws_sign_es256(header, p2, strlen(p2), k);
        assert_non_null(text2);
        char forged[600];
        snprintf(forged, sizeof(forged), "%.*s%s", (int)(dot2 - text), text, strrchr(text2, '.'));
        assert_int_equal(parse_verify(forged, pub), 0);
        free(text2);
    }
    free(t);
    free(text);
    jws_key_free(pub);
    jws_key_free(other_pub);
    EVP_PKEY_free(k);
    EVP_PKEY_free(other);
}

/* RFC 7515 appendix A.3: the ES256 example, verified with the example's key. */
static void verifies_rfc7515_example(void **state)
{
    (void)state;
    static const char pem[] = "-----BEGIN PUBLIC KEY-----\n"
                              "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEf83OJ3D2xF1Bg8vub9tLe1gHMzV7\n"
                              "6e8Tus9uPHvRVEXH8UTNG72bfocs3+257rn0s2ldbqkLJK2KRiMohYjlrQ==\n"
                              "-----END PUBLIC KEY-----\n";
    static const char text[] =
        "eyJhbGciOiJFUzI1NiJ9."
        "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
        "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
    EVP_PKEY *pub = jws_public_key(pem, strlen(pem));
    assert_non_null(pub);
    struct jws j;
    const char *why;
    assert_int_equal(jws_parse(text, strlen(text), &j, &why), 0);
    assert_string_equal(j.header, "{\"alg\":\"ES256\"}");
    assert_string_equal(j.payload,
                        "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n"
                        " \"http://example.com/is_root\":true}");
    assert_true(jws_verify_es256(text, &j, pub));
    jws_free(&j);
    jws_key_free(pub);
}

static void keys_refused(void **state)
{
    (void)state;
    size_t len;
    /* P-384 (ES384's curve): neither as a public nor as a private key. */
    EVP_PKEY *k384 = new_ec_key("P-384");
    char *pem = pem_of(k384, 0, &len);
    assert_null(jws_public_key(pem, len));
    free(pem);
    pem = pem_of(k384, 1, &len);
    assert_null(jws_private_key(pem, len));
    free(pem);
    EVP_PKEY_free(k384);
    /* secp256k1: 256 bits, but not P-256. */
    EVP_PKEY *k256k1 = new_ec_key("secp256k1");
    pem = pem_of(k256k1, 0, &len);
    assert_null(jws_public_key(pem, len));
    free(pem);
    EVP_PKEY_free(k256k1);
    /* RSA. */
    EVP_PKEY *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    assert_non_null(rsa);
    pem = pem_of(rsa, 0, &len);
    assert_null(jws_public_key(pem, len));
    free(pem);
    EVP_PKEY_free(rsa);
    /* A P-256 private key where a public key is expected, and the reverse. */
    EVP_PKEY *k = new_ec_key("P-256");
    pem = pem_of(k, 1, &len);
    assert_null(jws_public_key(pem, len));
    EVP_PKEY *priv = jws_private_key(pem, len);
    assert_non_null(priv);
    jws_key_free(priv);
    free(pem);
    pem = pem_of(k, 0, &len);
    assert_null(jws_private_key(pem, len));
    /* Cut short, empty, garbage, absurdly long. */
    assert_null(jws_public_key(pem, len / 2));
    assert_null(jws_public_key(pem, 0));
    assert_null(jws_public_key(NULL, 10));
    free(pem);
    assert_null(jws_public_key("not a key", 9));
    static const char junk[] = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
    assert_null(jws_public_key(junk, strlen(junk)));
    char *big = malloc(9000);
    assert_non_null(big);
    memset(big, 'A', 9000);
    assert_null(jws_public_key(big, 9000));
    free(big);
    jws_key_free(NULL);
    EVP_PKEY_free(k);
}

/* FIPS 180-2's examples: the empty text and "abc". */
static void sha256_hex_known_texts(void **state)
{
    (void)state;
    char out[65];
    jws_sha256_hex("", 0, out);
    assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    jws_sha256_hex("abc", 3, out);
    assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(base64url_known_texts),
        cmocka_unit_test(base64url_round_trips),
        cmocka_unit_test(base64url_refusals),
        cmocka_unit_test(base64url_only_canonical_texts),
        cmocka_unit_test(parse_splits_and_decodes),
        cmocka_unit_test(parse_refusals),
        cmocka_unit_test(parse_signature_length),
        cmocka_unit_test(sign_then_verify),
        cmocka_unit_test(tampering_fails),
        cmocka_unit_test(verifies_rfc7515_example),
        cmocka_unit_test(keys_refused),
        cmocka_unit_test(sha256_hex_known_texts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
