#ifndef SHAILOO_CACHE_H
#define SHAILOO_CACHE_H

#include <stddef.h>

/*
 * A worker's own small cache of answers, by key, each kept a short time.
 * Workers share nothing, so there is no lock; a worker holds at most
 * CACHE_SLOTS answers, the oldest making room for a new one.
 */
#define CACHE_SLOTS 128
#define CACHE_MAX_KEY 256

/*
 * The body stored under key if it is at most max_age_ms old, else NULL.
 * Borrowed: valid until the next cache_put.
 */
const char *cache_get(const char *key, long max_age_ms, size_t *len);

/* Stores a copy of body under key (replacing what was there); silently does nothing without memory. */
void cache_put(const char *key, const char *body, size_t len);

/* From now on nothing is kept and nothing found (the publisher reads everything fresh). */
void cache_disable(void);

/* Milliseconds of a monotonic clock. */
long long cache_now_ms(void);

#endif
