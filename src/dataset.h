/* dataset.h: a table of named columns read from a CSV file.
 *
 * Columns are stored column-major as doubles, because explainers and
 * statistics walk one feature over many rows far more often than anything
 * else.  A missing value (empty, NA, N/A, NaN, null, ?) is NaN.  A column in
 * which some present value is not a number is categorical: its values are
 * codes 0..n_levels-1 into a dictionary sorted by byte order (the order
 * pandas gives `astype("category")`, so codes agree with models trained on
 * pandas category codes).  Memory is about rows x columns x 8 bytes plus the
 * dictionaries: the reader sizes its arrays from a count of line breaks
 * before it parses. */
#ifndef GB_DATASET_H
#define GB_DATASET_H

#include <stddef.h>

#include "error.h"

typedef enum gb_column_type {
    GB_COLUMN_NUMERIC = 0,
    GB_COLUMN_CATEGORICAL = 1
} gb_column_type;

typedef struct gb_column {
    char *name;
    gb_column_type type;
    double *values;      /* n_rows values; NaN marks a missing value */
    char **levels;       /* categorical: the dictionary, sorted */
    size_t n_levels;
    size_t n_missing;
    /* Where the first non-numeric value was seen (1-based line), so that a
     * model wanting a number here can say exactly why it cannot have one.
     * first_text is that value, cut to 80 bytes (at a character boundary,
     * then "..." appended) when longer: it is only quoted in messages. */
    size_t first_text_line;
    char *first_text;
} gb_column;

typedef struct gb_dataset {
    char *path;          /* as given, for messages */
    size_t n_rows;
    size_t n_cols;
    gb_column *cols;
    size_t *row_line;    /* 1-based file line on which each data row starts */
} gb_dataset;

typedef struct gb_csv_options {
    char delimiter;      /* 0: detect among ',', ';' and tab from the header */
    /* Parse these bytes instead of the file (path then only names it in
     * messages), their first line numbered first_line (0: 1).  The stream
     * reader (dataset_stream.h) hands its chunks over this way. */
    const char *mem;
    size_t mem_len;
    size_t first_line;
} gb_csv_options;

/* Reads a CSV file with a header row.  "-" reads standard input.  On error
 * returns NULL and err says "FILE:LINE:COLUMN: what was expected". */
gb_dataset *gb_dataset_read_csv(const char *path, const gb_csv_options *opt, gb_error *err);

void gb_dataset_free(gb_dataset *ds);

/* Index of the column with this exact name, or -1. */
int gb_dataset_find(const gb_dataset *ds, const char *name);

/* Summary statistics of one column, ignoring missing values.  For a
 * categorical column they are statistics of its codes.  sd is the sample
 * standard deviation, NaN when only one value is present. */
typedef struct gb_column_stats {
    size_t n_present;
    double min, max, mean, sd, median;
} gb_column_stats;

void gb_column_stats_compute(const gb_column *col, size_t n_rows, gb_column_stats *st);

#endif
