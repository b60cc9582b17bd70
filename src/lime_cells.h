/* lime_cells.h: LIME's draws for a tree model, by the intervals its splits
 * make (internal to lime_stats.c and lime.c).
 *
 * A tree ensemble sees a numeric feature only through which side of each of
 * its split thresholds the value lies on.  The thresholds on a feature cut
 * each LIME bin into intervals on which the model cannot tell values apart.
 * So instead of drawing the bin and then a value from the bin's truncated
 * normal, a sample draws the (bin, interval) pair at once, from one alias
 * table whose weights are the bin's training frequency times the interval's
 * share of the truncated normal, and hands the model one fixed value of the
 * interval.  The pair, hence the interpretable representation and the
 * model's output, has exactly the distribution of the value-by-value draw;
 * one 64-bit word replaces two and an inverse-distribution step.
 *
 * The value handed to the model is decision-equivalent, not a draw: where a
 * value is shown (the how-it-works trace) gb_lime_cells_show draws one from
 * the truncated normal restricted to the interval, which is the value-by-
 * value draw conditioned on the interval.
 *
 * A feature gets cells only when every split on it is a plain "x < split"
 * (missing values to a default side); categorical sets and LightGBM's
 * zero-as-missing keep the value-by-value draws.  So does a feature with a
 * bin whose value-by-value draws round onto a boundary with a probability
 * the intervals do not have (a bin of one repeated value right on a split):
 * there the draw is not continuous at the precision of doubles.  For a
 * float32 model the boundary follows float rounding exactly, ties to even
 * included. */
#ifndef GB_LIME_CELLS_H
#define GB_LIME_CELLS_H

#include <stddef.h>

#include "error.h"
#include "model.h"
#include "sampler.h"

/* Where the model's decisions on one feature change: boundaries b[k] in
 * increasing order, and for each a value the model treats as every value of
 * [b[k], b[k+1]).  For a float32 model the boundary of a split s is the
 * smallest double that rounds to float s or above (the midpoint below s,
 * or the double after it when the tie rounds down). */
typedef struct gb_lime_cuts {
    int usable; /* 0: some split on the feature is not a plain numeric one */
    size_t n;
    double *at;  /* [n] boundaries */
    double *rep; /* [n] the value standing for [at[k], at[k+1]) */
} gb_lime_cuts;

int gb_lime_cuts_build(gb_lime_cuts *c, const gb_model *m, int feature, gb_error *err);
void gb_lime_cuts_free(gb_lime_cuts *c);

typedef struct gb_lime_cells {
    size_t n; /* entries; 0: not built (draw values) */
    gb_alias pick;
    int *code;       /* [n] the bin (n_edges + 1: missing) */
    double *value;   /* [n] what the model is given */
    double *lo, *hi; /* [n] the interval, within its bin */
    double *p;       /* [n] its probability */
} gb_lime_cells;

/* The cells of one feature's bins: n_bins value bins with their training
 * counts, truncated normals and bounds, and the missing bin's count. */
int gb_lime_cells_build(gb_lime_cells *c, const gb_lime_cuts *cuts, int n_bins, const double *count,
                        const gb_truncnorm *draw, double missing, gb_error *err);
void gb_lime_cells_free(gb_lime_cells *c);

/* A value of entry e for display: drawn from its bin's truncated normal
 * restricted to the entry's interval; scratch holds one gb_truncnorm. */
double gb_lime_cells_show(const gb_lime_cells *c, const gb_truncnorm *draw, size_t e, gb_truncnorm *scratch,
                          gb_rng64 *g);

#endif
