/* scatter_partners.h: which feature each feature interacts with most.
 *
 * SHAP dependence plots are usually coloured by the feature with the
 * strongest interaction with the one on x: the vertical spread of a
 * dependence plot is what that interaction explains.  `i` on the scatter
 * screen asks for it: a job on the worker thread computes SHAP interaction
 * values (src/interactions.h: 2M + 1 TreeSHAP passes a row) on an evenly
 * spaced sample of at most SCATTER_PARTNER_ROWS rows, sums |Phi[i][k]| over
 * them and keeps, for every feature i, the k != i with the largest sum.
 * The finish callback hands the answer to the scatter screen if one is
 * open (scatter_take_partners), else drops it. */
#ifndef GB_UI_SCATTER_PARTNERS_H
#define GB_UI_SCATTER_PARTNERS_H

#include <stddef.h>

#include "app.h"

enum { SCATTER_PARTNER_ROWS = 1000 };

/* Submits the job for output group g; 0, or -1 (message set). */
int scatter_partners_start(ui_app *app, int g);

/* Called by the job's finish on success: partner[f] (n_features values, -1
 * when a feature interacts with none, as in a linear model), computed for
 * group g on `rows` rows.  Takes ownership of partner. */
void scatter_take_partners(ui_app *app, int *partner, int g, size_t rows);
/* Called by the job's finish when it failed or was cancelled. */
void scatter_partners_lost(ui_app *app);

#endif
