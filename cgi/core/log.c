#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void stamp(char *buf, size_t size)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, size - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

/*
 * PINs are personal data: a run of 10 or more digits is logged as stars.
 * Control bytes become '?', so a crafted path cannot forge log lines.
 */
static void mask_digits(const char *path, char *out, size_t size)
{
    size_t o = 0;
    while (*path != '\0' && o + 1 < size) {
        size_t run = strspn(path, "0123456789");
        if (run >= 10) {
            for (size_t i = 0; i < run && o + 1 < size; i++)
                out[o++] = '*';
            path += run;
        } else if (run > 0) {
            for (size_t i = 0; i < run && o + 1 < size; i++)
                out[o++] = path[i];
            path += run;
        } else {
            unsigned char c = (unsigned char)*path++;
            out[o++] = c < 0x20 || c == 0x7F ? '?' : (char)c;
        }
    }
    out[o] = '\0';
}

void log_request(const struct http_request *req, double ms)
{
    char ts[40], path[256];
    stamp(ts, sizeof(ts));
    mask_digits(req->path != NULL ? req->path : "-", path, sizeof(path));
    fprintf(stderr, "%s %s pid=%d %s %s %d %.2fms\n", ts, req->request_id, (int)getpid(),
            req->method, path, req->status, ms);
}

void log_error(const char *request_id, const char *fmt, ...)
{
    char ts[40], msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    stamp(ts, sizeof(ts));
    fprintf(stderr, "%s %s pid=%d ERROR %s\n", ts, request_id != NULL ? request_id : "-",
            (int)getpid(), msg);
}

void log_info(const char *fmt, ...)
{
    char ts[40], msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    stamp(ts, sizeof(ts));
    fprintf(stderr, "%s - pid=%d %s\n", ts, (int)getpid(), msg);
}
