/* libFuzzer: strict JSON parsing of request bodies; UTF-8 prefixes of names in messages. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/http.h"
#include "core/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[128];
    struct json_object *o = json_parse_strict((const char *)data, size, err, sizeof(err));
    json_object_put(o);
    /* Every prefix http_utf8_prefix allows of valid UTF-8 is valid UTF-8, and as long as can be. */
    if (size < 512 && memchr(data, 0, size) == NULL && http_utf8_valid((const char *)data, size)) {
        char *s = malloc(size + 1);
        memcpy(s, data, size);
        s[size] = '\0';
        for (size_t n = 0; n <= size + 1; n++) {
            size_t k = http_utf8_prefix(s, n);
            if (k > n || k > size || !http_utf8_valid(s, k) || (n <= size && n - k > 3))
                abort();
        }
        free(s);
    }
    return 0;
}
