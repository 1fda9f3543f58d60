#include "keys.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned char *keys_read_pem(const char *path, int *len)
{
    FILE *f = path != NULL ? fopen(path, "rb") : NULL;
    if (f == NULL)
        return NULL;
    unsigned char *buf = malloc(16384);
    size_t n = buf != NULL ? fread(buf, 1, 16383, f) : 0;
    fclose(f);
    if (buf == NULL || n == 0) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = (int)n;
    return buf;
}

bool keys_is_p256_public_pem(const char *pem, size_t len)
{
    if (pem == NULL || len == 0 || len > 4096 || memchr(pem, '\0', len) != NULL)
        return false;
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    if (bio == NULL)
        return false;
    EVP_PKEY *key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    bool ok = false;
    if (key != NULL && EVP_PKEY_get_base_id(key) == EVP_PKEY_EC) {
        char group[64];
        size_t glen = 0;
        ok = EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof(group), &glen) == 1 &&
             (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0);
    }
    EVP_PKEY_free(key);
    BIO_free(bio);
    return ok;
}
