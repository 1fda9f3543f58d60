#ifndef SHAILOO_JWS_H
#define SHAILOO_JWS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * JSON Web Signatures in compact serialization (RFC 7515), ES256 only
 * (RFC 7518 3.4: ECDSA P-256 with SHA-256, the signature as R || S, 64 bytes).
 * Straight on OpenSSL: the algorithm is fixed by us, never by the token.
 */

#define JWS_MAX_LEN (256 * 1024) /* a whole compact JWS */

struct evp_pkey_st;

/* The parts of a compact JWS.  Decoded parts are malloc'd, NUL-terminated. */
struct jws {
    char *header; /* decoded protected header (JSON text) */
    size_t header_len;
    char *payload; /* decoded payload */
    size_t payload_len;
    unsigned char sig[64]; /* R || S */
    size_t signing_input_len; /* bytes of "header.payload" at the start of the text */
};

/* The SHA-256 of len bytes as 64 lowercase hex digits and a NUL (the log's, the
 * stored files' and the X-Road answers' hashes); "" if OpenSSL fails. */
void jws_sha256_hex(const void *data, size_t len, char out[65]);

/* base64url without padding: decoded length, or -1 on a character outside the alphabet,
 * padding, or an impossible length.  out must hold 3 * (len / 4) + 3 bytes. */
long jws_base64url_decode(const char *in, size_t len, unsigned char *out);
/* base64url without padding into out (size >= 4 * ((len + 2) / 3) + 1), NUL-terminated. */
void jws_base64url_encode(const unsigned char *in, size_t len, char *out);

/*
 * Splits text (len bytes) into its three parts and decodes them.  0, or -1
 * with *why a static reason (not three parts, bad base64url, a signature that
 * is not 64 bytes).  On 0 the caller calls jws_free.
 */
int jws_parse(const char *text, size_t len, struct jws *out, const char **why);
void jws_free(struct jws *j);

/* An EC P-256 public key from SubjectPublicKeyInfo PEM, or NULL; free with jws_key_free. */
struct evp_pkey_st *jws_public_key(const char *pem, size_t len);
/* An EC P-256 private key from PEM (SEC1 or PKCS#8), or NULL. */
struct evp_pkey_st *jws_private_key(const char *pem, size_t len);
void jws_key_free(struct evp_pkey_st *key);

/* True if j's signature over text's signing input verifies with key (ES256). */
bool jws_verify_es256(const char *text, const struct jws *j, struct evp_pkey_st *key);

/*
 * Signs header and payload (JSON texts) with key: the compact JWS,
 * malloc'd (the caller frees), or NULL.
 */
char *jws_sign_es256(const char *header, const char *payload, size_t payload_len,
                     struct evp_pkey_st *key);

#endif
