#include "jws.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static signed char b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return (signed char)(c - 'A');
    if (c >= 'a' && c <= 'z')
        return (signed char)(c - 'a' + 26);
    if (c >= '0' && c <= '9')
        return (signed char)(c - '0' + 52);
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

long jws_base64url_decode(const char *in, size_t len, unsigned char *out)
{
    if (len % 4 == 1)
        return -1;
    size_t o = 0;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        signed char v = b64_value((unsigned char)in[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
        }
    }
    /* Leftover bits must be zero: one text per value (no malleable encodings). */
    if ((acc & ((1u << bits) - 1)) != 0)
        return -1;
    return (long)o;
}

void jws_base64url_encode(const unsigned char *in, size_t len, char *out)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)in[i] << 16;
        if (i + 1 < len)
            v |= (unsigned)in[i + 1] << 8;
        if (i + 2 < len)
            v |= in[i + 2];
        out[o++] = tab[(v >> 18) & 63];
        out[o++] = tab[(v >> 12) & 63];
        if (i + 1 < len)
            out[o++] = tab[(v >> 6) & 63];
        if (i + 2 < len)
            out[o++] = tab[v & 63];
    }
    out[o] = '\0';
}

static char *decode_part(const char *s, size_t len, size_t *outlen)
{
    char *buf = malloc(3 * (len / 4) + 4);
    if (buf == NULL)
        return NULL;
    long n = jws_base64url_decode(s, len, (unsigned char *)buf);
    if (n < 0) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *outlen = (size_t)n;
    return buf;
}

int jws_parse(const char *text, size_t len, struct jws *out, const char **why)
{
    memset(out, 0, sizeof(*out));
    if (len == 0 || len > JWS_MAX_LEN) {
        *why = "the JWS is empty or too long";
        return -1;
    }
    const char *dot1 = memchr(text, '.', len);
    const char *dot2 = dot1 != NULL ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - text)) : NULL;
    const char *end = text + len;
    if (dot2 == NULL || memchr(dot2 + 1, '.', (size_t)(end - dot2 - 1)) != NULL) {
        *why = "a compact JWS has exactly three parts separated by dots";
        return -1;
    }
    if (dot1 == text || dot2 == dot1 + 1 || end == dot2 + 1) {
        *why = "a part of the JWS is empty";
        return -1;
    }
    out->header = decode_part(text, (size_t)(dot1 - text), &out->header_len);
    out->payload = decode_part(dot1 + 1, (size_t)(dot2 - dot1 - 1), &out->payload_len);
    size_t slen = (size_t)(end - dot2 - 1);
    unsigned char sig[80];
    long n = slen <= 88 ? jws_base64url_decode(dot2 + 1, slen, sig) : -1;
    if (out->header == NULL || out->payload == NULL || n < 0) {
        *why = "a part of the JWS is not base64url";
        jws_free(out);
        return -1;
    }
    if (n != 64) {
        *why = "an ES256 signature is 64 bytes";
        jws_free(out);
        return -1;
    }
    memcpy(out->sig, sig, 64);
    out->signing_input_len = (size_t)(dot2 - text);
    return 0;
}

void jws_free(struct jws *j)
{
    free(j->header);
    free(j->payload);
    j->header = j->payload = NULL;
}

static bool is_p256(EVP_PKEY *key)
{
    char group[64];
    size_t glen = 0;
    return EVP_PKEY_get_base_id(key) == EVP_PKEY_EC &&
        EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof(group), &glen) == 1 &&
        (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0);
}

static EVP_PKEY *read_key(const char *pem, size_t len, bool private_key)
{
    if (pem == NULL || len == 0 || len > 8192)
        return NULL;
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    if (bio == NULL)
        return NULL;
    EVP_PKEY *key = private_key ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)
                                : PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (key != NULL && !is_p256(key)) {
        EVP_PKEY_free(key);
        key = NULL;
    }
    return key;
}

EVP_PKEY *jws_public_key(const char *pem, size_t len)
{
    return read_key(pem, len, false);
}
EVP_PKEY *jws_private_key(const char *pem, size_t len)
{
    return read_key(pem, len, true);
}
void jws_key_free(EVP_PKEY *key)
{
    EVP_PKEY_free(key);
}

bool jws_verify_es256(const char *text, const struct jws *j, EVP_PKEY *key)
{
    bool ok = false;
    unsigned char *der = NULL;
    EVP_MD_CTX *md = NULL;
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(j->sig, 32, NULL), *s = BN_bin2bn(j->sig + 32, 32, NULL);
    if (key == NULL || sig == NULL || r == NULL || s == NULL || ECDSA_SIG_set0(sig, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        goto out;
    }
    /* r and s now belong to sig. */
    int derlen = i2d_ECDSA_SIG(sig, &der);
    if (derlen <= 0)
        goto out;
    md = EVP_MD_CTX_new();
    ok = md != NULL && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
        EVP_DigestVerify(md, der, (size_t)derlen, (const unsigned char *)text,
                         j->signing_input_len) == 1;
out:
    EVP_MD_CTX_free(md);
    OPENSSL_free(der);
    ECDSA_SIG_free(sig);
    return ok;
}

char *jws_sign_es256(const char *header, const char *payload, size_t payload_len, EVP_PKEY *key)
{
    size_t hlen = strlen(header);
    size_t size = 4 * ((hlen + 2) / 3) + 4 * ((payload_len + 2) / 3) + 100;
    char *out = malloc(size);
    unsigned char *der = NULL;
    size_t derlen = 0;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    ECDSA_SIG *sig = NULL;
    if (out == NULL || md == NULL)
        goto fail;
    jws_base64url_encode((const unsigned char *)header, hlen, out);
    size_t n = strlen(out);
    out[n++] = '.';
    jws_base64url_encode((const unsigned char *)payload, payload_len, out + n);
    n += strlen(out + n);
    if (EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
        EVP_DigestSign(md, NULL, &derlen, (const unsigned char *)out, n) != 1 ||
        (der = OPENSSL_malloc(derlen)) == NULL ||
        EVP_DigestSign(md, der, &derlen, (const unsigned char *)out, n) != 1)
        goto fail;
    const unsigned char *p = der;
    sig = d2i_ECDSA_SIG(NULL, &p, (long)derlen);
    if (sig == NULL)
        goto fail;
    unsigned char rs[64];
    if (BN_bn2binpad(ECDSA_SIG_get0_r(sig), rs, 32) != 32 ||
        BN_bn2binpad(ECDSA_SIG_get0_s(sig), rs + 32, 32) != 32)
        goto fail;
    out[n++] = '.';
    jws_base64url_encode(rs, 64, out + n);
    ECDSA_SIG_free(sig);
    OPENSSL_free(der);
    EVP_MD_CTX_free(md);
    return out;
fail:
    ECDSA_SIG_free(sig);
    OPENSSL_free(der);
    EVP_MD_CTX_free(md);
    free(out);
    return NULL;
}

void jws_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    out[0] = '\0';
    if (EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) != 1 || n != 32)
        return;
    for (unsigned i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}
