/* lime.h: LIME for tabular data (Ribeiro, Singh and Guestrin), one row at a
 * time, with the defaults of the lime library's LimeTabularExplainer.
 *
 * The pipeline, per row x:
 *  1. sample a neighbourhood from training statistics (gb_lime_stats, built
 *     once and shared read-only): with discretisation (quartiles by default,
 *     or deciles) each feature's bin is drawn from the training frequencies
 *     of the bins and a value is drawn inside the bin from a truncated
 *     normal with the bin's mean and sd (for a tree model, the bin and the
 *     interval between the model's thresholds at once, which the model
 *     cannot tell from the value: lime_cells.h); without it a numeric
 *     feature is drawn from a normal with the training mean and sd; a
 *     categorical feature is always drawn from its training frequencies.
 *     Sample 0 is x;
 *  2. map each sample to the interpretable representation z: with
 *     discretisation z_f = 1 when the sample is in x's bin (category), else
 *     0; without it z_f = (value - mean) / sd for numeric features and the
 *     same-category indicator for categorical ones;
 *  3. weight sample i by sqrt(exp(-d_i^2 / width^2)), d_i the euclidean
 *     distance from z_i to z_0, width 0.75 sqrt(M) unless configured;
 *  4. evaluate the model on all samples (in batches), in margin or output
 *     (probability) space for one group;
 *  5. select K features (forward selection, highest weights, the lasso path
 *     or all) and fit a weighted ridge regression (alpha 1) of the model's
 *     output on z restricted to them.
 * The result is the ridge's intercept and weights (0 for features not
 * selected), its weighted R^2 on the samples (lime's "score"), its
 * prediction at z_0 (lime's "local_pred"), and for display the bins.
 *
 * Where glassbox differs from lime, on purpose: a missing value is a bin
 * (and a category) of its own, sampled with its training frequency; a bin
 * whose lower and upper bounds coincide yields that value (lime returns its
 * z-score there); the lasso path runs until the correlations vanish
 * relative to their start (lime's LARS stops at an absolute 1.2e-7 times the
 * sample count, which with small outputs selects every feature).
 *
 * Randomness comes only from the gsl_rng the caller passes, so the same
 * seeded generator gives the same numbers whatever else runs. */
#ifndef GB_LIME_H
#define GB_LIME_H

#include <gsl/gsl_rng.h>
#include <stdatomic.h>
#include <stddef.h>

#include "error.h"
#include "model.h"

typedef enum gb_lime_discretize {
    GB_LIME_QUARTILE = 0, /* lime's default: bins at the 25th, 50th and 75th percentiles */
    GB_LIME_DECILE,       /* the 10th, 20th, ..., 90th percentiles */
    GB_LIME_NONE          /* no bins: standardised values */
} gb_lime_discretize;

typedef enum gb_lime_selection {
    GB_LIME_AUTO = 0,        /* forward selection if K <= 6, else highest weights (lime's default) */
    GB_LIME_FORWARD,         /* greedy: add the feature that most raises the weighted R^2 */
    GB_LIME_HIGHEST_WEIGHTS, /* the K largest |coef * z0| of a ridge (alpha 0.01) on all features */
    GB_LIME_LASSO,           /* the last point of the lasso (LARS) path with at most K features */
    GB_LIME_NONE_SELECTION   /* every feature, K ignored (lime's "none") */
} gb_lime_selection;

typedef enum gb_lime_space {
    GB_LIME_OUTPUT = 0, /* after the link: probability for classifiers (lime's default) */
    GB_LIME_MARGIN      /* the raw margin */
} gb_lime_space;

typedef struct gb_lime_config {
    size_t samples;      /* neighbourhood size including x; 0: 5000 */
    double kernel_width; /* 0: 0.75 * sqrt(number of features) */
    gb_lime_discretize discretize;
    gb_lime_selection selection;
    int num_features; /* K; 0: 10 */
    int group;        /* which output (class) to explain */
    gb_lime_space space;
} gb_lime_config;

/* Training statistics: quantile edges, per-bin moments and frequencies,
 * means and sds, category frequencies.  Read-only once built. */
typedef struct gb_lime_stats gb_lime_stats;

/* Builds the statistics from n training rows.
 * Inputs:
 *   m            the model to explain; it must outlive the statistics;
 *   cols         m->n_features columns of n values each (cols[f][i]);
 *   categorical  n_features flags (1: sample from the value frequencies and
 *                compare for equality), or NULL for the model's own
 *                feature_categorical flags (or none).
 * Returns NULL with err set when n == 0. */
gb_lime_stats *gb_lime_stats_new(const gb_model *m, const double *const *cols,
                                 const unsigned char *categorical, size_t n, gb_error *err);
/* The same from n rows stored row-major (n x n_features). */
gb_lime_stats *gb_lime_stats_new_rows(const gb_model *m, const double *rows, const unsigned char *categorical,
                                      size_t n, gb_error *err);
void gb_lime_stats_free(gb_lime_stats *s);

/* Display helpers: the bin edges of a numeric feature under a
 * discretisation (NULL and 0 for categorical features or GB_LIME_NONE),
 * and its training mean and scale (sd, or 1 when the sd is 0). */
const double *gb_lime_stats_edges(const gb_lime_stats *s, gb_lime_discretize d, int f, int *n_edges);
void gb_lime_stats_scale(const gb_lime_stats *s, int f, double *mean, double *scale);
int gb_lime_stats_is_categorical(const gb_lime_stats *s, int f);

/* 0 when the configuration can run on this model, else -1 with a sentence
 * (group out of range, K < 0, fewer than 2 samples, width not positive). */
int gb_lime_config_check(const gb_lime_stats *s, const gb_lime_config *c, gb_error *err);

/* Names for the command line and the explorer; parse returns -1 when the
 * name is unknown.  Discretise: quartile, decile, none.  Selection: auto,
 * forward, highest-weights, lasso, none. */
const char *gb_lime_discretize_name(gb_lime_discretize d);
int gb_lime_discretize_parse(const char *name, gb_lime_discretize *out);
const char *gb_lime_selection_name(gb_lime_selection s);
int gb_lime_selection_parse(const char *name, gb_lime_selection *out);

typedef struct gb_lime_result {
    int n_features;
    double *weights; /* [n_features] ridge weights on z; 0 for unselected features */
    double intercept;
    double local_pred; /* intercept + weights . z0: the surrogate's value at x */
    double model_pred; /* the model's own value at x, in the explained space */
    double r2;         /* weighted R^2 of the surrogate on the samples, in [0, 1] */
    double kernel_width;
    int n_selected;
    int *selected; /* [n_selected] features, by decreasing |weight| */
    /* For display, per feature: x's bin and the edges.  With edges e[0..k-1]
     * bin b means e[b-1] < x <= e[b] (b = 0: x <= e[0]; b = k: x > e[k-1]),
     * b = k + 1 means missing; -1 for categorical features and when not
     * discretised.  edges point into the statistics (valid while they are). */
    int *bin;
    const double **edges;
    int *n_edges;
    double *z0; /* [n_features] x's interpretable representation */
    /* The samples' scratch (megabytes for wide rows), kept for the next
     * row explained into this result: allocating it per row cost more
     * than drawing the samples. */
    struct gb_lime_work *work;
} gb_lime_result;

int gb_lime_result_init(gb_lime_result *r, const gb_lime_stats *s, gb_error *err);
void gb_lime_result_free(gb_lime_result *r);

/* Explains row x (n_features raw values, NaN missing).
 * Inputs:
 *   rng     the random stream, seeded by the caller (e.g. from the seed and
 *           the row index); only this call draws from it;
 *   out     initialised by gb_lime_result_init for the same statistics;
 *   cancel  may be NULL; read between batches of model evaluations.
 * Returns 0 when done, 1 when cancelled, -1 when the configuration is
 * invalid (see gb_lime_config_check) or memory runs out. */
int gb_lime_row(const gb_lime_stats *s, const gb_lime_config *c, const double *x, gsl_rng *rng,
                gb_lime_result *out, const atomic_int *cancel);

/* The same, recording the first samples, their weights and outputs into
 * trace (explain_trace.h; may be NULL).  The numbers do not change. */
typedef struct gb_trace gb_trace;
int gb_lime_row_traced(const gb_lime_stats *s, const gb_lime_config *c, const double *x, gsl_rng *rng,
                       gb_lime_result *out, const atomic_int *cancel, gb_trace *trace);

#endif
