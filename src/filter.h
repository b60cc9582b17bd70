/* filter.h: row filters such as `bmi > 30 and age < 50`.
 *
 * The explorer's data table (and any batch tool) chooses rows with a small
 * expression language, parsed once by recursive descent into a tree and then
 * evaluated per row without allocation:
 *
 *   expr     := and { ("or" | "||") and }
 *   and      := not { ("and" | "&&") not }
 *   not      := ("not" | "!") not | compare
 *   compare  := sum [ ("<" | "<=" | ">" | ">=" | "==" | "=" | "!=" | "<>") sum ]
 *   sum      := product { ("+" | "-") product }
 *   product  := unary { ("*" | "/" | "%") unary }
 *   unary    := "-" unary | primary
 *   primary  := NUMBER | "STRING" | NAME | `ANY NAME` | "(" expr ")"
 *             | missing(expr) | abs(expr)
 *
 * A NAME is a dataset column or one of the extra variables the caller
 * supplies (the explorer adds `prediction`; `row` is always the 0-based row
 * number).  A string is only allowed opposite a categorical column and must
 * be one of its levels.  Comparisons involving a missing value (NaN) are
 * false, as in SQL; `missing(x)` tests for it.  Parse errors name the
 * character position and what was expected there. */
#ifndef GB_FILTER_H
#define GB_FILTER_H

#include <stddef.h>

#include "dataset.h"
#include "error.h"

typedef struct gb_filter gb_filter;

/* An extra variable: values[row] for every row of the dataset. */
typedef struct gb_filter_var {
    const char *name;
    const double *values;
} gb_filter_var;

/* Parses text against ds's columns and the extra variables (may be NULL/0).
 * The filter keeps pointers to ds and to the extra arrays. */
gb_filter *gb_filter_parse(const char *text, const gb_dataset *ds, const gb_filter_var *extra, size_t n_extra,
                           gb_error *err);
void gb_filter_free(gb_filter *f);

/* 1 when the row passes, else 0. */
int gb_filter_match(const gb_filter *f, size_t row);

/* The expression's value on a row (comparisons give 1 or 0). */
double gb_filter_eval(const gb_filter *f, size_t row);

/* Writes the indices of the passing rows into out (room for ds->n_rows)
 * and returns how many. */
size_t gb_filter_select(const gb_filter *f, size_t *out);

#endif
