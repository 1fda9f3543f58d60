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

void log_request(const struct http_request *req, double ms)
{
    char ts[40], path[256];
    stamp(ts, sizeof(ts));
    /* PINs are personal data: long digit runs are logged as stars (http.h). */
    http_mask_digit_runs(req->path != NULL ? req->path : "-", path, sizeof(path));
    fprintf(stderr, "%s %s pid=%d %s %s %d %.2fms\n", ts, req->request_id, (int)getpid(),
            req->method, path, req->status, ms);
}

void log_error(const char *request_id, const char *fmt, ...)
{
    char ts[40], raw[1024], msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof(raw), fmt, ap);
    va_end(ap);
    /*
     * Messages quote what others sent (ESIA's error text, PostgreSQL's errors
     * with their DETAIL, a registry's answer): masked like the path, and on
     * one line.
     */
    http_mask_digit_runs(raw, msg, sizeof(msg));
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
