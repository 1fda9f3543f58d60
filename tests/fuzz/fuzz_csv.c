/*
 * libFuzzer: the CSV reader (core/csv.c) and the fund amounts' parser
 * (rules/finance.c) on any bytes: every record read to the end, every field
 * parsed as an amount; never a crash, a read past the end or a hang.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/csv.h"
#include "rules/finance.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct csv_reader r;
    char *fields[8], buf[512];
    csv_init(&r, (const char *)data, size);
    int n;
    long records = 0;
    while ((n = csv_next(&r, fields, 8, buf, sizeof(buf))) > 0 && records++ < 100000) {
        for (int i = 0; i < n && i < 8; i++) {
            long long a = finance_amount_parse(fields[i]);
            if (a < -1)
                __builtin_trap();
        }
    }
    return 0;
}
