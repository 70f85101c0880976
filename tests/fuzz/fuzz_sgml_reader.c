/* libFuzzer harness for the Reuters-21578 SGML reader (indexer/sgml_reader.c,
 * through reader.c and line_reader.c; gzip input is inflated as in real use):
 * any file is read to its end as records that are valid articles or
 * rejections with a reason; never a crash, leak, hang or undefined
 * behaviour. The checks live in fuzz_reader.h.
 *
 * Build and run: scripts/fuzz sgml_reader (or make fuzz). Seeds are in
 * tests/fuzz/seeds/sgml_reader/, crashes once found in
 * tests/fuzz/regressions/sgml_reader/ (replayed by make fuzz). */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader_one(data, size, "sgml");
    return 0;
}
