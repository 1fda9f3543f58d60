#ifndef SHAILOO_KEYS_H
#define SHAILOO_KEYS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A key file's contents (at most 16 KiB), NUL-terminated, malloc'd: the caller
 * frees it.  NULL if it cannot be read or is empty.
 */
unsigned char *keys_read_pem(const char *path, int *len);

/* True if pem (len bytes) is one SubjectPublicKeyInfo PEM of an EC P-256 key. */
bool keys_is_p256_public_pem(const char *pem, size_t len);

#endif
