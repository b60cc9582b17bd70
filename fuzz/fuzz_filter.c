/* fuzz_filter.c: libFuzzer target for the explorer's row filters
 * (gb_filter_parse, src/filter.h).
 *
 * The expression is parsed against a small fixed table with numeric,
 * categorical and missing values, a column whose name needs backquotes, and
 * one extra variable, as the explorer supplies `prediction`.  A filter that
 * parses is evaluated on every row and must select only rows that exist. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "filter.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char table[] = "age,bmi,sex,weird name\n"
                            "40,31.5,male,1\n"
                            "61,22,female,\n"
                            "30,,male,-3\n"
                            "45,33,NA,0.5\n"
                            "70,24.5,female,1e300\n";

static const gb_dataset *the_table(void)
{
    static gb_dataset *ds;
    if (!ds) {
        gb_error err;
        const char *path = fuzz_write_temp("filter.csv", (const uint8_t *)table, sizeof table - 1);
        ds = path ? gb_dataset_read_csv(path, NULL, &err) : NULL;
        if (!ds)
            abort();
    }
    return ds;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const double prediction[5] = {0.1, 0.9, 0.5, -2.0, 0.0 / 0.0};
    const gb_dataset *ds = the_table();
    gb_filter_var var = {"prediction", prediction};
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    gb_error err;
    err.msg[0] = 0;
    gb_filter *f = gb_filter_parse(text, ds, &var, 1, &err);
    free(text);
    if (!f) {
        if (!err.msg[0])
            abort(); /* refused without saying why */
        return 0;
    }
    size_t rows[5];
    size_t n = gb_filter_select(f, rows);
    if (n > ds->n_rows)
        abort();
    for (size_t i = 0; i < n; i++)
        if (rows[i] >= ds->n_rows || !gb_filter_match(f, rows[i]))
            abort();
    for (size_t r = 0; r < ds->n_rows; r++)
        (void)gb_filter_eval(f, r);
    gb_filter_free(f);
    return 0;
}
