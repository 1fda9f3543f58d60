#ifndef SHAILOO_KEYS_H
#define SHAILOO_KEYS_H

#include <stdbool.h>
#include <stddef.h>

/* True if pem (len bytes) is one SubjectPublicKeyInfo PEM of an EC P-256 key. */
bool keys_is_p256_public_pem(const char *pem, size_t len);

#endif
