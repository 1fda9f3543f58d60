/* libFuzzer: PIN checks never read past the string and agree with each other. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules/pin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    struct pin_info info;
    int rc = pin_decode(s, &info);
    if ((rc == 0) != pin_valid(s))
        abort();
    if (rc == 0 && info.warnings == 0 && (info.sex != 'F' && info.sex != 'M'))
        abort();
    free(s);
    return 0;
}
