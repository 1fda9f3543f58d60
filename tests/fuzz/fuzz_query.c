/* libFuzzer: the query-string parser and the field validator. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/http.h"

static int sink(void *ctx, const char *data, size_t len)
{
    (void)ctx;
    (void)data;
    (void)len;
    return 0;
}

static const char *noenv(void *ctx, const char *name)
{
    (void)ctx;
    (void)name;
    return NULL;
}

static const struct field spec[] = {
    {"q", FIELD_TEXT, 0, 100},
    {"region", FIELD_INT, 0, 9},
    {"pin", FIELD_DIGITS, 14, 14},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct pool *pool;
    if (pool == NULL)
        pool = pool_create();
    char *qs = malloc(size + 1);
    memcpy(qs, data, size);
    qs[size] = '\0';
    struct http_request req;
    memset(&req, 0, sizeof(req));
    req.pool = pool;
    req.method = "GET";
    req.path = "/";
    req.request_id = "fuzz";
    req.write = sink;
    req.getenv = noenv;
    const char *err;
    if (http_parse_query(&req, qs, &err) == 0) {
        struct field_value v[3];
        http_fields_parse(&req, spec, 3, v);
    }
    free(qs);
    pool_reset(pool);
    return 0;
}
