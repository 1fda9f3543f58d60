#ifndef SHAILOO_POOL_H
#define SHAILOO_POOL_H

#include <stddef.h>

/*
 * A request's memory: many small allocations freed together at the end of
 * the request.  Nothing allocated from a pool is freed on its own.
 */
struct pool;

struct pool *pool_create(void);
void pool_destroy(struct pool *p);
/* Forget everything allocated, keep the first block for the next request. */
void pool_reset(struct pool *p);

/* Memory owned by the pool; aborts only on out-of-memory. */
void *pool_alloc(struct pool *p, size_t size);
char *pool_strndup(struct pool *p, const char *s, size_t len);
char *pool_strdup(struct pool *p, const char *s);

#endif
