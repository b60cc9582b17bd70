/* text_chart.h: one row's attributions as a diverging bar chart in text,
 * for `glassbox explain --format text` (the explorer draws its own with
 * curses, from the same numbers). */
#ifndef GB_TEXT_CHART_H
#define GB_TEXT_CHART_H

#include <stdio.h>

#include "../src/binding.h"
#include "../src/dataset.h"
#include "../src/model.h"

/* phi: the group's n_features attributions then the base value; margins:
 * all n_groups margins of the row (for the transformed output). */
void text_chart_row(FILE *fp, const gb_model *m, const gb_dataset *ds, const gb_binding *b, size_t row, int group,
                    const double *x, const double *phi, const double *margins, int utf8, int top);

/* A feature value as a person reads it: the category's name, "missing"
 * for NaN, else %.6g. */
const char *text_value(const gb_dataset *ds, const gb_binding *b, int f, double v, char *buf, size_t size);

#endif
