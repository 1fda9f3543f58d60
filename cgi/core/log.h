#ifndef SHAILOO_LOG_H
#define SHAILOO_LOG_H

#include "http.h"

/*
 * One line per request on stderr: time, request id, method, path, status, ms.
 * Runs of 10 or more digits (PINs) are masked in the path and in errors.
 */
void log_request(const struct http_request *req, double ms);
/* A problem worth an operator's attention, with the request id if any. */
void log_error(const char *request_id, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A line worth keeping that is not a problem (a background process's progress). */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
