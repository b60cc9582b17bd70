/* data_view.h: which rows the data table shows, and in what order.
 *
 * A view is the list of row indices passing the filter, in row order or
 * sorted by one column; the table draws only the rows on screen from it, so
 * a million rows cost one index array (8 bytes a row), not a million lines
 * of text.  Sorting is stable (ties keep row order) and puts missing values
 * last in both directions.  No curses here. */
#ifndef GB_UI_DATA_VIEW_H
#define GB_UI_DATA_VIEW_H

#include <stddef.h>

#include "../src/filter.h"
#include "app.h"

/* A displayed column: a dataset column (>= 0) or the prediction. */
enum { UI_COL_PREDICTION = -1 };

typedef struct ui_data_view {
    size_t *rows;   /* n shown rows, indices into the dataset */
    size_t n;
    int sort_col;   /* a displayed column id, or -2 when unsorted */
    int sort_desc;
    char filter[UI_PROMPT_MAX]; /* "" when none */
} ui_data_view;

enum { UI_UNSORTED = -2 };

/* The value a column id shows on a row (prediction: the model's output on
 * its own scale, group app->params.klass; NaN until computed). */
double ui_view_value(const ui_app *app, const double *pred_shown, int col, size_t row);

/* Rebuilds rows from the filter (which must parse; err otherwise) and the
 * sort.  pred_shown may be NULL (the prediction is not known yet). */
int ui_view_rebuild(ui_data_view *v, const ui_app *app, const double *pred_shown, gb_error *err);

/* The next row at or after index `from` (wrapping, in direction dir = +1 or
 * -1) whose cell in column col contains needle, ignoring case.  Returns the
 * index into v->rows, or -1. */
long ui_view_search(const ui_data_view *v, const ui_app *app, const double *pred_shown, int col, const char *needle,
                    size_t from, int dir);

/* The index of dataset row `row` in the view, or -1. */
long ui_view_find(const ui_data_view *v, size_t row);

void ui_view_free(ui_data_view *v);

#endif
