/* forest_eval.h: fast batched prediction of tree ensembles.
 *
 * gb_node is wide (64 bytes: display threshold, cover, category offsets)
 * because the explainers need all of it; predicting needs a fraction.  A
 * gb_forest is a copy of a model's trees made for prediction alone: per
 * tree a flat array of 24-byte nodes in depth-first order, thresholds
 * stored as float for models that compare float32(x) (XGBoost,
 * scikit-learn) and as double otherwise (LightGBM).  Rows are evaluated in
 * blocks, tree after tree, so that one tree's nodes stay in cache while
 * every row of the block walks it, and eight rows walk a tree in step so
 * that their memory loads overlap instead of waiting on each other.  Trees
 * with at most 64 leaves and few nodes for their depth (those of depth 5
 * or less, sparse ones of depth 6, LightGBM's 31-leaf ones) are not walked
 * but evaluated whole, every node for a column of the block at once
 * (forest_mask.h): several times faster on the shallow ensembles the
 * sampling explainers evaluate thousands of rows of.
 *
 * Results are bit-identical to gb_model_margin: each split decides exactly
 * as gb_node_next (nodes whose rule is more than "x < split, NaN to the
 * default side" - categorical sets, LightGBM's zero-as-missing - call
 * gb_node_next on the model's own node), and each row's leaf values are
 * added to its base in tree order.
 *
 * A gb_forest refers to the model's category table and nodes; it must not
 * outlive the model, and the model must not change after it was built.  It
 * is immutable once built: any number of threads may evaluate with it. */
#ifndef GB_FOREST_EVAL_H
#define GB_FOREST_EVAL_H

#include <stddef.h>

#include "error.h"
#include "model.h"

typedef struct gb_forest gb_forest;

/* Builds the compact copy of m (any kind: a linear model is evaluated
 * through gb_model_margin).  NULL with err set when memory runs out. */
gb_forest *gb_forest_new(const gb_model *m, gb_error *err);
void gb_forest_free(gb_forest *f);

const gb_model *gb_forest_model(const gb_forest *f);

/* How many of the trees are evaluated whole, by leaf bitmasks
 * (forest_mask.h), rather than walked: for tests and benchmarks. */
size_t gb_forest_n_whole(const gb_forest *f);

/* Margins of n rows stored row-major (n x n_features) into out
 * (n x n_groups); the same numbers as gb_model_margin row by row. */
void gb_forest_margin_batch(const gb_forest *f, const double *x, size_t n, double *out);

#endif
