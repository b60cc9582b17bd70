/* linearshap.h: exact SHAP values of a linear model.
 *
 * With features treated as independent (the interventional definition), the
 * Shapley value of feature f for output g is coef[g][f] * (x_f - E[x_f]) and
 * the expected value is base[g] + sum_f coef[g][f] * E[x_f]; both follow
 * from the closed form, no approximation.  A missing value contributes 0 to
 * the model (as in XGBoost's gblinear), so it is taken as 0 both in x and in
 * the mean: additivity then holds exactly.  The mean comes from the dataset
 * being explained or from a background file. */
#ifndef GB_LINEARSHAP_H
#define GB_LINEARSHAP_H

#include "model.h"

/* mean[f] = average over the n rows of x (row-major, n x n_features), with a
 * missing value counted as 0.  Returns -1 when n == 0. */
int gb_linearshap_mean(const gb_model *m, const double *x, size_t n, double *mean);

/* phi: n_groups * (n_features + 1), the layout of gb_treeshap_row. */
void gb_linearshap_row(const gb_model *m, const double *mean, const double *x, double *phi);

#endif
