/* lime_stats.h: LIME's training statistics and the draws made from them
 * (internal to lime.c and its tests; the public half is in lime.h).
 *
 * Per numeric feature: the mean and scale of lime's StandardScaler, and for
 * each discretisation (quartile, decile) the bin edges of lime's
 * QuartileDiscretizer / DecileDiscretizer (numpy's linear percentiles,
 * duplicates removed), each bin's mean, sd, bounds and training frequency.
 * Per categorical feature: the distinct values and their frequencies.
 * Missing values are left out of every moment and counted as a bin (a
 * value) of their own.  Draws use alias and truncated-normal tables built
 * here (sampler.h), which are read-only, so threads share one
 * gb_lime_stats. */
#ifndef GB_LIME_STATS_H
#define GB_LIME_STATS_H

#include "forest_eval.h"
#include "lime.h"
#include "lime_cells.h"
#include "sampler.h"

enum { GB_LIME_N_BINNINGS = 2 }; /* quartile, decile */

typedef struct gb_lime_bins {
    int n_edges;
    double *edges; /* [n_edges], increasing */
    /* Per bin b = 0 .. n_edges (values) and n_edges + 1 (missing). */
    double *mean, *sd, *lo, *hi;
    double *count;
    gb_truncnorm *draw; /* [n_edges + 1] a value inside each value bin */
    gb_alias pick;      /* a bin, missing included, by training frequency */
} gb_lime_bins;

typedef struct gb_lime_feature {
    int categorical;
    size_t n_present;
    double mean, scale; /* scale: the sd, or 1 for a constant column */
    gb_lime_bins bins[GB_LIME_N_BINNINGS];
    gb_lime_cells cells[GB_LIME_N_BINNINGS]; /* tree models: (bin, interval) draws; n 0 when not built */
    /* Categorical: distinct values (NaN last when present) and counts. */
    size_t n_values;
    double *values;
    double *counts;
    gb_alias pick_value;
} gb_lime_feature;

struct gb_lime_stats {
    const gb_model *m;
    int n_features;
    size_t n;
    gb_lime_feature *feat;
    gb_forest *forest; /* the model's compact copy, evaluating the samples */
    /* The standard normal, for numeric features without bins: restricted
     * to +-38.5, outside which its mass (1e-324) is below any double. */
    gb_truncnorm normal;
};

/* x's bin under discretisation d (searchsorted: the number of edges below
 * x, so a value equal to an edge is in the lower bin; n_edges + 1 for a
 * missing value), or for a categorical feature the index of its value (-1
 * when training never saw it).  d = GB_LIME_NONE: -1 for numeric features. */
int gb_lime_stats_bin(const gb_lime_stats *s, gb_lime_discretize d, int f, double x);

/* Draws feature f of one neighbourhood sample: returns the value for the
 * model and stores in *code the bin (category index) it came from, or for a
 * numeric feature without discretisation the standard normal draw z (the
 * value is mean + scale * z).  NaN for a missing bin. */
double gb_lime_stats_draw(const gb_lime_stats *s, gb_lime_discretize d, int f, gsl_rng *rng, int *code,
                          double *z);
/* n whole samples, stored by column (element (i, f) at [f * stride + i],
 * stride >= n): values into vals, codes into codes and the normal draws
 * into z (written only for numeric features without bins).  Drawn feature
 * by feature, all n values of one before the next, so that a feature's
 * tables stay in the first-level cache while they are used; the stream is
 * that of n * M calls of gb_lime_stats_draw in that order.  A feature with
 * cells (lime_cells.h) is given its interval's fixed value; entry, when not
 * NULL, receives the cell entry drawn (-1 for other features), from which
 * gb_lime_stats_show draws a value to display. */
void gb_lime_stats_draw_cols(const gb_lime_stats *s, gb_lime_discretize d, gsl_rng *rng, size_t n,
                             size_t stride, double *vals, int *codes, double *z, int *entry);

/* A displayable value of feature f for cell entry e (see above). */
double gb_lime_stats_show(const gb_lime_stats *s, gb_lime_discretize d, int f, int e, gb_truncnorm *scratch,
                          gb_rng64 *g);

#endif
