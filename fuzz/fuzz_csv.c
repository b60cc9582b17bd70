/* fuzz_csv.c: libFuzzer target for the CSV reader (gb_dataset_read_csv).
 *
 * The reader takes a path, because it maps and rescans the file in windows
 * (csv_source.c) rather than holding it whole, so the input goes to a file
 * in a private directory on /dev/shm first; a buffer entry point would skip
 * exactly the window code that most needs fuzzing.  A table that loads is
 * then walked: every value of every column, the statistics, the lookup by
 * name, and the invariants the rest of glassbox relies on (codes within the
 * dictionary, line numbers increasing). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const gb_dataset *ds)
{
    for (size_t c = 0; c < ds->n_cols; c++) {
        const gb_column *col = &ds->cols[c];
        if (!col->name || gb_dataset_find(ds, col->name) < 0)
            abort();
        for (size_t r = 0; r < ds->n_rows; r++) {
            double v = col->values[r];
            if (col->type == GB_COLUMN_CATEGORICAL && !isnan(v) &&
                (v < 0 || v >= (double)col->n_levels || v != floor(v)))
                abort(); /* a code outside the dictionary */
        }
        for (size_t l = 0; l < col->n_levels; l++)
            if (!col->levels[l] || (l > 0 && strcmp(col->levels[l - 1], col->levels[l]) >= 0))
                abort(); /* the dictionary must be sorted and unique */
        gb_column_stats st;
        gb_column_stats_compute(col, ds->n_rows, &st);
        if (st.n_present + col->n_missing != ds->n_rows)
            abort();
    }
    for (size_t r = 1; r < ds->n_rows; r++)
        if (ds->row_line[r] <= ds->row_line[r - 1])
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_temp("data.csv", data, size);
    if (!path)
        abort();
    gb_error err;
    err.msg[0] = 0;
    gb_dataset *ds = gb_dataset_read_csv(path, NULL, &err);
    if (!ds) {
        if (!err.msg[0])
            abort(); /* refused without saying why */
        return 0;
    }
    walk(ds);
    gb_dataset_free(ds);
    return 0;
}
