/* distill.h: compress a model into a shallow tree or a sparse linear model
 * and measure what is lost.
 *
 * The surrogate is fitted to the model's own outputs over the data (the
 * margin of every output group, or for a binary classifier optionally its
 * probability), not to the target: it answers "how well can a small model
 * imitate this one".  Rows are split once into a training and a held-out
 * part by the seed alone (row r is held out iff a uniform number from
 * gb_rng_key(seed, distill, r) falls below the held-out share), and
 * fidelity is measured on the held-out part only:
 *   - R^2 = 1 - SSE / SST of the surrogate against the model, pooled over
 *     the output groups;
 *   - for classifiers, the share of held-out rows on which the surrogate's
 *     class (largest margin, or margin > 0, or probability > 0.5) is the
 *     model's.
 * The tree surrogate is one CART tree per output group (cart.h) kept as a
 * gb_model with the original link, so it saves (gb_model_save_native) and
 * loads back like any model.  The fidelity curve refits at depths 1..8.
 * The linear surrogate is forward selection (Efroymson 1960): starting from
 * the intercept, add the feature whose least-squares fit (GSL) on the
 * training rows has the smallest error, up to a number of terms, recording
 * the held-out R^2 after each step; missing values take the training mean.
 * It is fitted to one output group. */
#ifndef GB_DISTILL_H
#define GB_DISTILL_H

#include <stdint.h>

#include "binding.h"
#include "dataset.h"
#include "model.h"
#include "parallel.h"

#define GB_DISTILL_CURVE 8

typedef struct gb_distill_options {
    int depth;       /* 0: 4 */
    size_t min_leaf; /* 0: 20 */
    double holdout;  /* share of rows held out; 0: 0.25 */
    uint64_t seed;
    int probability;  /* binary classifiers: fit the probability, not the margin */
    int curve;        /* also fit depths 1..8 */
    int linear_terms; /* forward-selection steps; 0: none */
    int linear_group; /* output group of the linear surrogate */
} gb_distill_options;

typedef struct gb_distill {
    gb_job_status status;
    gb_model *tree; /* the surrogate at the asked depth */
    size_t n_train, n_test;
    double r2;        /* held-out fidelity */
    double agreement; /* classifiers: held-out class agreement; NaN otherwise */
    double curve_r2[GB_DISTILL_CURVE], curve_agreement[GB_DISTILL_CURVE];
    int curve_n;         /* depths fitted (0 without curve) */
    int n_linear;        /* steps taken */
    int *linear_feature; /* feature added at each step */
    double *linear_r2;   /* held-out R^2 after each step */
    double *linear_coef; /* last fit: intercept then one per chosen feature */
} gb_distill;

gb_job_status gb_distill_run(const gb_model *m, const gb_dataset *ds, const gb_binding *b,
                             const gb_distill_options *opt, const gb_job_ctl *ctl, gb_distill *res,
                             gb_error *err);
void gb_distill_free(gb_distill *res);

/* Whether data row r (of the seed) is held out. */
int gb_distill_held_out(uint64_t seed, double holdout, size_t r);

#endif
