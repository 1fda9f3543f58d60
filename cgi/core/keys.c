#include "keys.h"

#include "jws.h"

#include <openssl/evp.h>
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
    EVP_PKEY *key = jws_public_key(pem, len); /* the one reader of EC P-256 keys */
    jws_key_free(key);
    return key != NULL;
}
