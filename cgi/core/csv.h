#ifndef SHAILOO_CSV_H
#define SHAILOO_CSV_H

#include <stddef.h>

/*
 * A reader of CSV text (RFC 4180): fields separated by commas, records by
 * CRLF or LF, a field in double quotes may hold commas, line breaks and ""
 * for a quote.  Pure: no I/O, no allocation.
 */
struct csv_reader {
    const char *p, *end;
    long line; /* of the record read last, from 1 */
    long next_line;
};

void csv_init(struct csv_reader *r, const char *text, size_t len);

/*
 * The next record: its fields (NUL-terminated, copied into buf) into
 * fields[0..max-1].  Returns the number of fields (more than max: the rest
 * are not kept), 0 at the end, or -1 if the record is malformed (a quote
 * unclosed or followed by other than a comma or the end, buf too small).
 */
int csv_next(struct csv_reader *r, char **fields, size_t max, char *buf, size_t bufsize);

#endif
