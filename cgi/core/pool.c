#include "pool.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POOL_BLOCK 16384

struct block {
    struct block *next;
    size_t size, used;
    max_align_t data[];
};

struct pool {
    struct block *head;
};

static struct block *block_new(size_t size)
{
    struct block *b = malloc(sizeof(*b) + size);
    if (b == NULL) {
        fputs("shailoo: out of memory\n", stderr);
        abort();
    }
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

struct pool *pool_create(void)
{
    struct pool *p = malloc(sizeof(*p));
    if (p == NULL) {
        fputs("shailoo: out of memory\n", stderr);
        abort();
    }
    p->head = block_new(POOL_BLOCK);
    return p;
}

void pool_reset(struct pool *p)
{
    struct block *b = p->head;
    while (b->next != NULL) {
        struct block *next = b->next;
        free(b);
        b = next;
    }
    /* The last block in the chain is the first one allocated. */
    b->used = 0;
    p->head = b;
}

void pool_destroy(struct pool *p)
{
    if (p == NULL)
        return;
    pool_reset(p);
    free(p->head);
    free(p);
}

void *pool_alloc(struct pool *p, size_t size)
{
    size_t align = sizeof(max_align_t);
    size = (size + align - 1) / align * align;
    if (size == 0)
        size = align;
    struct block *b = p->head;
    if (b->size - b->used < size) {
        b = block_new(size > POOL_BLOCK ? size : POOL_BLOCK);
        b->next = p->head;
        p->head = b;
    }
    void *ptr = (char *)b->data + b->used;
    b->used += size;
    return ptr;
}

char *pool_strndup(struct pool *p, const char *s, size_t len)
{
    char *d = pool_alloc(p, len + 1);
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

char *pool_strdup(struct pool *p, const char *s)
{
    return pool_strndup(p, s, strlen(s));
}
