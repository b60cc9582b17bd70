/* background.h: the reference population that "absent" features come from.
 *
 * Interventional explanations (exact Shapley, KernelSHAP, permutation SHAP,
 * interventional TreeSHAP) replace the features outside a coalition by the
 * values of background rows and average the model over them, so the
 * background defines the question being answered: "why this prediction
 * rather than the average one over these rows?".  A background is a small
 * row-major matrix of model-feature values (missing = NaN, categories as the
 * explained dataset's codes) with a weight per row; the weights sum to 1.
 *
 * It is made from a pool of rows (the explained dataset, or a separate CSV
 * file bound to the model the same way) in one of three ways:
 *   - a sample of N rows without replacement, drawn with the seed (default
 *     100; the whole pool when it has N rows or fewer), kept in pool order;
 *   - a weighted k-means summary of K centres (k-means++ seeding from the
 *     seed, Lloyd iterations on standardised features), each centre snapped
 *     to values that occur in its cluster, weighted by the cluster's size;
 *   - every row of the pool. */
#ifndef GB_BACKGROUND_H
#define GB_BACKGROUND_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "binding.h"
#include "dataset.h"
#include "error.h"
#include "model.h"

typedef struct gb_background {
    size_t n;          /* rows */
    int n_features;    /* the model's features */
    double *x;         /* n x n_features, row-major */
    double *w;         /* n weights, summing to 1 */
    int uniform;       /* every weight is 1/n */
} gb_background;

typedef enum gb_background_kind {
    GB_BACKGROUND_SAMPLE = 0, /* n rows sampled with the seed */
    GB_BACKGROUND_KMEANS,     /* n weighted k-means centres */
    GB_BACKGROUND_ALL         /* the whole pool */
} gb_background_kind;

typedef struct gb_background_spec {
    gb_background_kind kind;
    size_t n;
} gb_background_spec;

#define GB_BACKGROUND_DEFAULT_ROWS 100

/* Parses "N", "kmeans:K" or "all" (the --background argument). */
int gb_background_spec_parse(const char *arg, gb_background_spec *spec, gb_error *err);

/* Builds a background from the rows of ds as bound to the model by b.
 * Sampling and k-means draw from the stream (seed, GB_RNG_BACKGROUND or
 * GB_RNG_KMEANS, 0), so the same seed gives the same background. */
gb_background *gb_background_make(const gb_model *m, const gb_dataset *ds, const gb_binding *b,
                                  const gb_background_spec *spec, uint64_t seed, gb_error *err);
/* The same, reading cancel (may be NULL) during k-means, whose passes over
 * a big pool take seconds: when it is set, returns NULL within
 * milliseconds, having freed everything, with err "cancelled". */
gb_background *gb_background_make_cancel(const gb_model *m, const gb_dataset *ds, const gb_binding *b,
                                         const gb_background_spec *spec, uint64_t seed, const atomic_int *cancel,
                                         gb_error *err);

/* A background from given rows (copied); w may be NULL for equal weights.
 * Weights must be finite and non-negative with a positive sum; they are
 * normalised to sum to 1. */
gb_background *gb_background_from_rows(const double *x, const double *w, size_t n, int n_features,
                                       gb_error *err);

void gb_background_free(gb_background *bg);

/* A separate background file codes its categorical columns by its own
 * dictionary; this rewrites the model features' categorical codes of bg_ds
 * (bound by bg_b) as the codes of the same strings in ref (bound by ref_b),
 * so that both files mean the same thing to the model.  A string that ref
 * does not have is an error naming the file, line and column. */
int gb_background_recode(gb_dataset *bg_ds, const gb_binding *bg_b, const gb_dataset *ref,
                         const gb_binding *ref_b, gb_error *err);

/* mean[f] = weighted mean of feature f with a missing value counted as 0
 * (the mean linear SHAP explains against). */
void gb_background_mean0(const gb_background *bg, double *mean);

#endif
