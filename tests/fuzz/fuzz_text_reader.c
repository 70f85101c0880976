/* libFuzzer harness for the plain-text reader (indexer/text_reader.c,
 * through reader.c and line_reader.c; gzip input is inflated as in real use):
 * any file is read to its end as records that are valid articles or
 * rejections with a reason; never a crash, leak, hang or undefined
 * behaviour. The checks live in fuzz_reader.h.
 *
 * Build and run: scripts/fuzz text_reader (or make fuzz). Seeds are in
 * tests/fuzz/seeds/text_reader/, crashes once found in
 * tests/fuzz/regressions/text_reader/ (replayed by make fuzz). */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader_one(data, size, "text");
    return 0;
}
