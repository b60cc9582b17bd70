/* importance.h: permutation importance (Breiman 2001; scikit-learn's
 * permutation_importance).
 *
 * The model is scored on the rows with their true target; then, repeat by
 * repeat, one feature's column is shuffled across the rows and the model
 * scored again.  A feature's importance is the mean loss of score over the
 * repeats (permuted loss minus baseline loss for RMSE and log-loss,
 * baseline accuracy minus permuted accuracy), its std the population
 * standard deviation over the repeats, as scikit-learn reports.  A feature
 * the model never reads leaves every prediction unchanged, so its
 * importance is exactly 0.
 *
 * Reproducible: the shuffle of (feature f, repeat r) comes from the stream
 * (seed, importance, f * repeats + r) alone, and each score is a sum in row
 * order, so threads change no bit. */
#ifndef GB_IMPORTANCE_H
#define GB_IMPORTANCE_H

#include <stdint.h>

#include "binding.h"
#include "dataset.h"
#include "model.h"
#include "parallel.h"

typedef enum gb_metric {
    GB_METRIC_AUTO = 0, /* log-loss for classifiers, RMSE otherwise */
    GB_METRIC_RMSE,     /* on the model's output (after its link) */
    GB_METRIC_LOGLOSS,  /* classifiers; probabilities clipped to [1e-15, 1 - 1e-15] */
    GB_METRIC_ACCURACY  /* classifiers */
} gb_metric;

int gb_metric_parse(const char *name, gb_metric *out);
const char *gb_metric_name(gb_metric metric);
/* The metric AUTO stands for, and whether larger is better. */
gb_metric gb_metric_resolve(const gb_model *m, gb_metric metric);

typedef struct gb_importance_options {
    gb_metric metric;
    int repeats; /* 0: 5, scikit-learn's default */
    uint64_t seed;
} gb_importance_options;

typedef struct gb_importance {
    gb_job_status status;
    gb_metric metric; /* resolved */
    int n_features, repeats;
    double baseline;    /* the metric on the unshuffled rows */
    double *importance; /* n_features */
    double *std;        /* n_features */
    double *scores;     /* n_features * repeats: the metric after each shuffle */
} gb_importance;

/* Needs the binding's target column; rows whose target is missing, or not
 * a class index of a classifier, are an error naming the file and line. */
gb_job_status gb_importance_run(const gb_model *m, const gb_dataset *ds, const gb_binding *b,
                                const size_t *rows, size_t n_rows, const gb_importance_options *opt,
                                const gb_job_ctl *ctl, gb_importance *res, gb_error *err);
void gb_importance_free(gb_importance *res);

/* The metric of n rows' margins (n x n_groups, row-major) against y. */
double gb_metric_score(const gb_model *m, gb_metric metric, const double *margins, const double *y, size_t n);

#endif
