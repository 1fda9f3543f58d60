#ifndef SHAILOO_CACHE_H
#define SHAILOO_CACHE_H

#include <stddef.h>

/*
 * A worker's own small caches, each a fixed number of slots found by the
 * key's hash: answers by key (api/common.c), station JSON by number
 * (api/places.c), verified session tokens (core/session.c).  Workers share
 * nothing, so there is no lock.  A key lands in one of CACHE_WAYS slots
 * near its hash; a new key takes the oldest of them.  Values are copies
 * owned by their slot.
 */
#define CACHE_WAYS 4

struct cache;

/*
 * A cache of at least slots entries, made at first use and kept for the
 * life of the process (a static pointer per user); NULL without memory.
 */
struct cache *cache_create(size_t slots);

/* Frees c and every value in it (tests; a worker's caches live as long as it). */
void cache_destroy(struct cache *c);

/*
 * The value stored under key if it is at most max_age_ms old (max_age_ms
 * < 0: any age), else NULL.  Borrowed: valid until the next cache_put on
 * the same cache.
 */
const void *cache_get(struct cache *c, const char *key, long max_age_ms, size_t *len);

/* Stores a copy of value under key; silently does nothing without memory or c. */
void cache_put(struct cache *c, const char *key, const void *value, size_t len);

/* From now on nothing is kept and nothing found, in every cache (the publisher reads fresh). */
void cache_disable(void);

/* Milliseconds of a monotonic clock. */
long long cache_now_ms(void);

#endif
