/* CSV records (RFC 4180), see csv.h. */
#include "csv.h"

void csv_init(struct csv_reader *r, const char *text, size_t len)
{
    r->p = text;
    r->end = text + len;
    r->line = 0;
    r->next_line = 1;
}

int csv_next(struct csv_reader *r, char **fields, size_t max, char *buf, size_t bufsize)
{
    if (r->p >= r->end)
        return 0;
    r->line = r->next_line;
    size_t used = 0;
    int n = 0;
    for (;;) {
        /* one field */
        char *start = buf + used;
        if (r->p < r->end && *r->p == '"') {
            r->p++;
            for (;;) {
                if (r->p >= r->end)
                    return -1; /* unclosed quote */
                char c = *r->p++;
                if (c == '"') {
                    if (r->p < r->end && *r->p == '"')
                        r->p++;
                    else
                        break;
                } else if (c == '\n') {
                    r->next_line++;
                }
                if (used + 1 >= bufsize)
                    return -1;
                buf[used++] = c;
            }
            if (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r')
                return -1; /* text after the closing quote */
        } else {
            while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r') {
                if (*r->p == '"' || used + 1 >= bufsize)
                    return -1; /* a quote inside an unquoted field */
                buf[used++] = *r->p++;
            }
        }
        if (used + 1 > bufsize)
            return -1;
        buf[used++] = '\0';
        if ((size_t)n < max)
            fields[n] = start;
        n++;
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        if (r->p < r->end && *r->p == '\r')
            r->p++;
        if (r->p < r->end && *r->p == '\n')
            r->p++;
        r->next_line++;
        return n;
    }
}
