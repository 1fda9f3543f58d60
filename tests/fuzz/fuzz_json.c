/* libFuzzer: strict JSON parsing of request bodies. */
#include <stdint.h>

#include "core/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[128];
    struct json_object *o = json_parse_strict((const char *)data, size, err, sizeof(err));
    json_object_put(o);
    return 0;
}
