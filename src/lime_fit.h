/* lime_fit.h: the regression half of LIME (internal to lime.c and its
 * tests): feature selection and the weighted ridge fit, as lime_base.py does
 * them, on the interpretable samples z (n x m, row-major), the model's
 * outputs y and the kernel weights w.
 *
 * Every fit of a subset of features needs only the weighted, centred cross
 * products of z and y, so they are computed once (gb_lime_gram) and each
 * candidate fit is an m x m solve: forward selection tries K * m subsets
 * without touching the n samples again.  Solves use GSL's Cholesky, falling
 * back to an eigenvalue pseudo-inverse when the system is singular (as
 * scikit-learn falls back to the SVD), so a constant column gets weight 0. */
#ifndef GB_LIME_FIT_H
#define GB_LIME_FIT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "lime.h"

typedef struct gb_lime_gram {
    int m;
    size_t n; /* samples */
    double wsum;
    double *zbar; /* [m] weighted means of z */
    double ybar;  /* weighted mean of y */
    double *G;    /* [m x m] sum_i w_i (z_i - zbar)(z_i - zbar)^T */
    double *c;    /* [m] sum_i w_i (z_i - zbar)(y_i - ybar) */
    double syy;   /* sum_i w_i (y_i - ybar)^2 */
} gb_lime_gram;

int gb_lime_gram_init(gb_lime_gram *g, int m, gb_error *err);
void gb_lime_gram_free(gb_lime_gram *g);
/* cancel may be NULL; it is read every 64 samples of the dense sums (they
 * cost n m^2 / 2, seconds for thousands of features), every 256 rows and
 * per group and feature of the binary ones.  Returns 0, 1 when cancelled, or -1
 * when memory runs out.  Rows of zeros and ones take the sparse sums of
 * lime_gram.c; _binary skips checking that they are (the caller knows: LIME
 * with bins). */
int gb_lime_gram_compute(gb_lime_gram *g, const double *z, const double *y, const double *w, size_t n,
                         const atomic_int *cancel);
int gb_lime_gram_compute_binary(gb_lime_gram *g, const double *z, const double *y, const double *w, size_t n,
                                const atomic_int *cancel);
/* The same from bit words, feature j of row i in bit j of bits[i]: the
 * numbers of gb_lime_gram_compute_binary on the same rows.  m <= 64 (else
 * -1). */
int gb_lime_gram_compute_bits(gb_lime_gram *g, const uint64_t *bits, const double *y, const double *w,
                              size_t n, const atomic_int *cancel);

/* lime_base.feature_selection: the chosen features into sel (room for m),
 * their count into *n_sel.  z0 is the instance's row of z (highest weights
 * ranks |coef * z0|).  Returns 0, or -1 when memory runs out. */
int gb_lime_select_features(const gb_lime_gram *g, const double *z0, gb_lime_selection mode, int k, int *sel,
                            int *n_sel);

/* The lasso half of selection (lime_lasso.c): runs the LARS-lasso path on
 * the cross products and keeps the support of its last point with at most k
 * features; a path that never leaves 0 (constant outputs) selects all. */
int gb_lime_lasso_path(const gb_lime_gram *g, int k, int *sel, int *n_sel);

/* Weighted ridge with intercept on the features sel: coef[n_sel] and the
 * intercept, minimising sum_i w_i (y_i - b0 - z_i,sel . b)^2 + alpha |b|^2.
 * Returns 0, or -1 when memory runs out. */
int gb_lime_ridge(const gb_lime_gram *g, const int *sel, int n_sel, double alpha, double *coef,
                  double *intercept);

/* scikit-learn's r2_score with sample weights for that fit, from the
 * residuals: 1 - sum w (y - yhat)^2 / sum w (y - ybar)^2, and when the
 * outputs are constant 1 for a perfect fit, else 0. */
double gb_lime_score(const double *z, const double *y, const double *w, size_t n, int m, const int *sel,
                     int n_sel, const double *coef, double intercept);
/* The same from bit words (see gb_lime_gram_compute_bits), to the bit. */
double gb_lime_score_bits(const uint64_t *bits, const double *y, const double *w, size_t n, const int *sel,
                          int n_sel, const double *coef, double intercept);

#endif
