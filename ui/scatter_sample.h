/* scatter_sample.h: attributions of an evenly spaced sample of rows, for
 * a scatter plot of data too large to explain whole at once.
 *
 * The exact method (TreeSHAP or linear SHAP) runs on the worker thread over
 * the sample's rows with its own explainer; the finish callback hands the
 * result to the scatter screen if one is open (scatter_take_sample), else
 * frees it.  Evenly spaced rather than random: no seed to carry, the same
 * rows every time, and every part of a file sorted by some column is
 * represented. */
#ifndef GB_UI_SCATTER_SAMPLE_H
#define GB_UI_SCATTER_SAMPLE_H

#include <stddef.h>

#include "app.h"

/* The rows explained when the data has n_rows and at most cap may be:
 * every row when n_rows <= cap, else cap rows evenly spaced (row
 * floor((i + 0.5) * n_rows / cap)), ascending.  *n receives the count.
 * Returns a malloc'd array, or NULL when memory runs out. */
size_t *scatter_sample_rows(size_t n_rows, size_t cap, size_t *n);

/* Submits the job for at most cap rows; 0, or -1 (message set). */
int scatter_sample_start(ui_app *app, size_t cap);

/* Called by the job's finish on success; takes ownership of rows (n of
 * them, ascending) and res. */
void scatter_take_sample(ui_app *app, size_t *rows, size_t n, gb_explain_result *res);
/* Called by the job's finish when it failed or was cancelled. */
void scatter_sample_lost(ui_app *app);

#endif
