/* A request without FastCGI: variables from a table, output into a buffer. */
#ifndef FAKE_REQUEST_H
#define FAKE_REQUEST_H

#include <string.h>

#include "core/http.h"

struct fake {
    const char *const *env; /* name, value, name, value, ..., NULL */
    char out[8192];
    size_t len;
};

static int fake_write(void *ctx, const char *data, size_t len)
{
    struct fake *f = ctx;
    if (f->len + len >= sizeof(f->out))
        return -1;
    memcpy(f->out + f->len, data, len);
    f->len += len;
    f->out[f->len] = '\0';
    return 0;
}

static const char *fake_getenv(void *ctx, const char *name)
{
    struct fake *f = ctx;
    for (const char *const *e = f->env; e != NULL && *e != NULL; e += 2)
        if (strcmp(e[0], name) == 0)
            return e[1];
    return NULL;
}

static void fake_init(struct http_request *req, struct fake *f, struct pool *pool,
                      const char *method, const char *path)
{
    memset(req, 0, sizeof(*req));
    memset(f, 0, sizeof(*f));
    req->pool = pool;
    req->method = method;
    req->path = path;
    req->request_id = "test";
    req->getenv = fake_getenv;
    req->getenv_ctx = f;
    req->write = fake_write;
    req->write_ctx = f;
}

/* The body of the response (after the blank line). */
static const char *fake_body(const struct fake *f)
{
    const char *b = strstr(f->out, "\r\n\r\n");
    return b != NULL ? b + 4 : "";
}

#endif
