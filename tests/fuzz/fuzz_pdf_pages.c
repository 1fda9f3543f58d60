/* libFuzzer: the PDF page counter (core/files.c) reads whatever an upload holds. */
#include <stdint.h>
#include <stdlib.h>

#include "core/files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* No read outside the data (ASan); never more pages than "/Type /Page" texts could make. */
    long n = files_pdf_pages(data, size);
    if (n < 0 || (size_t)n > size / 11)
        abort();
    return 0;
}
