#include "cache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct slot {
    char *key; /* NULL: empty */
    void *value; /* value (NUL-terminated) then key, one allocation */
    size_t len;
    long long at; /* cache_now_ms() when stored */
};

struct cache {
    size_t nslots;
    struct slot slots[];
};

static int disabled;

void cache_disable(void)
{
    disabled = 1;
}

long long cache_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct cache *cache_create(size_t slots)
{
    if (slots < CACHE_WAYS)
        slots = CACHE_WAYS;
    struct cache *c = calloc(1, sizeof(*c) + slots * sizeof(c->slots[0]));
    if (c != NULL)
        c->nslots = slots;
    return c;
}

void cache_destroy(struct cache *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->nslots; i++)
        free(c->slots[i].value);
    free(c);
}

/* FNV-1a 64. */
static uint64_t hash(const char *key)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *key != '\0'; key++)
        h = (h ^ (unsigned char)*key) * 1099511628211ULL;
    return h;
}

/* The slot holding key, or NULL; *victim: where a new key goes. */
static struct slot *find(struct cache *c, const char *key, struct slot **victim)
{
    size_t first = (size_t)(hash(key) % c->nslots);
    struct slot *oldest = NULL;
    for (size_t w = 0; w < CACHE_WAYS; w++) {
        struct slot *s = &c->slots[(first + w) % c->nslots];
        if (s->key != NULL && strcmp(s->key, key) == 0)
            return s;
        /* An empty slot first, else the oldest. */
        if (oldest == NULL || (oldest->key != NULL && (s->key == NULL || s->at < oldest->at)))
            oldest = s;
    }
    if (victim != NULL)
        *victim = oldest;
    return NULL;
}

const void *cache_get(struct cache *c, const char *key, long max_age_ms, size_t *len)
{
    if (disabled || c == NULL)
        return NULL;
    struct slot *s = find(c, key, NULL);
    if (s == NULL || (max_age_ms >= 0 && cache_now_ms() - s->at > max_age_ms))
        return NULL;
    *len = s->len;
    return s->value;
}

void cache_put(struct cache *c, const char *key, const void *value, size_t len)
{
    if (disabled || c == NULL)
        return;
    struct slot *victim = NULL, *s = find(c, key, &victim);
    if (s == NULL)
        s = victim;
    /* The value first, so that it is aligned as malloc aligns (a struct may be stored). */
    size_t klen = strlen(key) + 1;
    char *mem = malloc(len + 1 + klen);
    if (mem == NULL)
        return;
    memcpy(mem, value, len);
    mem[len] = '\0';
    memcpy(mem + len + 1, key, klen);
    free(s->value);
    s->key = mem + len + 1;
    s->value = mem;
    s->len = len;
    s->at = cache_now_ms();
}
