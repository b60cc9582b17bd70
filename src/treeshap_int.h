/* treeshap_int.h: exact interventional TreeSHAP against a background set.
 *
 * The interventional value of a coalition S of features is the mean, over
 * the background rows r, of the model's margin at the row that takes x's
 * values on S and r's elsewhere:
 *     v(S) = sum_r w_r * margin(x_S, r_notS) / sum_r w_r.
 * This module computes the Shapley values of v exactly (no sampling), by the
 * per-pair tree walk of Lundberg et al. (shap's "independent" TreeSHAP): for
 * each tree and background row, one walk that follows both children only
 * where x and r disagree.  Cost O(trees x background rows x leaves) per row.
 * Values are in margin space, laid out as gb_treeshap_row's: n_groups blocks
 * of n_features + 1 numbers, the last of each block being base[g], the
 * weighted mean of the background's margins, so base[g] + sum phi = margin.
 *
 * A gb_treeshap_int is read-only once built; any number of threads may call
 * gb_treeshap_int_row on it at once (each call allocates its own scratch). */
#ifndef GB_TREESHAP_INT_H
#define GB_TREESHAP_INT_H

#include <stdatomic.h>
#include <stddef.h>

#include "error.h"
#include "model.h"

typedef struct gb_treeshap_int gb_treeshap_int;

/* Builds the explainer for a tree ensemble.
 * Inputs:
 *   m     a checked tree model; it must outlive the explainer;
 *   bg    n_bg background rows, row-major (n_bg x m->n_features raw values;
 *         NaN is a missing value); copied, so the caller may free it;
 *   bg_w  n_bg non-negative weights with a positive sum (any scale), or NULL
 *         for equal weights.
 * Returns NULL with err set for a linear model, an empty background or bad
 * weights. */
gb_treeshap_int *gb_treeshap_int_new(const gb_model *m, const double *bg, const double *bg_w, size_t n_bg,
                                     gb_error *err);
void gb_treeshap_int_free(gb_treeshap_int *t);

/* The expected value per group: the weighted mean of the background's
 * margins (n_groups numbers, the model's intercept included). */
const double *gb_treeshap_int_base(const gb_treeshap_int *t);

/* Explains one row.
 * Inputs:
 *   x       n_features raw values (the model's input rounding is applied here);
 *   phi     n_groups * (n_features + 1) numbers, overwritten;
 *   cancel  may be NULL; read before every background row of every tree.
 * Returns 0 when done, 1 when cancelled (phi is then incomplete), -1 when
 * the scratch memory cannot be allocated. */
int gb_treeshap_int_row(const gb_treeshap_int *t, const double *x, double *phi, const atomic_int *cancel);

#endif
