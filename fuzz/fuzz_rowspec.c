/* fuzz_rowspec.c: libFuzzer target for the row-list parser (gb_rowspec_parse).
 *
 * The input is the text as typed after --rows; it is parsed against a few
 * table sizes (none, one row, a handful, many) and every row returned must
 * exist in the table. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rowspec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t sizes[] = {0, 1, 7, 100000};
    char *spec = malloc(size + 1);
    if (!spec)
        return 0;
    memcpy(spec, data, size);
    spec[size] = '\0';
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        gb_error err;
        err.msg[0] = 0;
        size_t *rows = NULL, n = 0;
        if (gb_rowspec_parse(spec, sizes[k], &rows, &n, &err) != 0) {
            if (!err.msg[0])
                abort(); /* refused without saying why */
            continue;
        }
        for (size_t i = 0; i < n; i++)
            if (rows[i] >= sizes[k])
                abort(); /* a row past the end of the table */
        free(rows);
    }
    free(spec);
    return 0;
}
