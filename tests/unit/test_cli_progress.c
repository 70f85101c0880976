/* Unit tests for the command line's own helpers (cli/): the progress line
 * of long index runs. Linked with the CLI's objects, not only the library. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../cli/progress.h"

static void test_progress_format(void **state)
{
    char line[160];
    /* sizes in MiB (2^20 bytes), as stats and compact count them */
    nx_progress_format(line, sizeof line, 5000, 15728640, 62914560, 10.0);
    assert_string_equal(line, "5000 articles  500/s  1.5 MiB/s  25%  ETA 0:30");
    nx_progress_format(line, sizeof line, 5000, 15728640, 0, 10.0);
    assert_string_equal(line, "5000 articles  500/s  1.5 MiB/s");
    nx_progress_format(line, sizeof line, 1, 100, 10000, 100.0);
    assert_string_equal(line, "1 articles  0/s  0.0 MiB/s  1%  ETA 2:45:00");
    nx_progress_format(line, 8, 123456789, 1, 10, 1.0); /* truncated, still terminated */
    assert_int_equal(strlen(line), 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_progress_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
