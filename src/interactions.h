/* interactions.h: SHAP interaction values (Lundberg et al. 2020), with
 * XGBoost's pred_interactions definition.
 *
 * For a row, the matrix Phi (per output group, (M+1) x (M+1) with the bias
 * last) holds on its off-diagonal Phi[i][k] = (on_k - off_k) / 2, where
 * on and off are TreeSHAP values with feature i held present and absent
 * (gb_treeshap_row_cond); the diagonal is the main effect phi_i minus the
 * row's off-diagonal entries, so every row of the matrix sums to phi_i and
 * the whole matrix to the margin.  Phi[bias][bias] is the base value.  A
 * linear model has no interactions: its matrix is diagonal (linear SHAP).
 * Cost: 2 M + 1 TreeSHAP passes per row. */
#ifndef GB_INTERACTIONS_H
#define GB_INTERACTIONS_H

#include "binding.h"
#include "dataset.h"
#include "model.h"
#include "parallel.h"

typedef struct gb_interactions_result {
    gb_job_status status;
    size_t n_rows;
    int n_groups, n_features;
    /* n_rows blocks of n_groups matrices of (n_features + 1)^2 numbers,
     * row-major, in the order of the rows asked. */
    double *values;
} gb_interactions_result;

/* Numbers in one row's block. */
size_t gb_interactions_block(const gb_model *m);

/* mean: linear models only, the feature means to explain against (missing
 * counted as 0), or NULL for the mean of the whole dataset. */
gb_job_status gb_interactions_run(const gb_model *m, const gb_dataset *ds, const gb_binding *b,
                                  const size_t *rows, size_t n_rows, const double *mean,
                                  const gb_job_ctl *ctl, gb_interactions_result *res, gb_error *err);
void gb_interactions_result_free(gb_interactions_result *res);

/* sum_abs[g][i][k] += |Phi| over the result's rows, in row order (so the
 * totals do not depend on threads).  sum_abs has one block's numbers. */
void gb_interactions_add_abs(const gb_interactions_result *res, double *sum_abs);

#endif
