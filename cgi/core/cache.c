#include "cache.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

struct slot {
    char key[CACHE_MAX_KEY];
    char *body;
    size_t len;
    long long at;            /* cache_now_ms() when stored; 0: empty */
};

static struct slot slots[CACHE_SLOTS];
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

static struct slot *find(const char *key)
{
    for (size_t i = 0; i < CACHE_SLOTS; i++)
        if (slots[i].at != 0 && strcmp(slots[i].key, key) == 0)
            return &slots[i];
    return NULL;
}

const char *cache_get(const char *key, long max_age_ms, size_t *len)
{
    struct slot *s = find(key);
    if (disabled || max_age_ms <= 0 || s == NULL || cache_now_ms() - s->at > max_age_ms)
        return NULL;
    *len = s->len;
    return s->body;
}

void cache_put(const char *key, const char *body, size_t len)
{
    if (disabled || strlen(key) >= CACHE_MAX_KEY)
        return;
    struct slot *s = find(key);
    if (s == NULL) {
        s = &slots[0];
        for (size_t i = 0; i < CACHE_SLOTS && s->at != 0; i++)
            if (slots[i].at == 0 || slots[i].at < s->at)
                s = &slots[i];
    }
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return;
    memcpy(copy, body, len);
    copy[len] = '\0';
    free(s->body);
    memcpy(s->key, key, strlen(key) + 1);
    s->body = copy;
    s->len = len;
    s->at = cache_now_ms();
    if (s->at == 0)
        s->at = 1;
}
