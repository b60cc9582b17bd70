/* cart.h: our own CART regression tree (Breiman et al. 1984), for
 * distillation.
 *
 * Exact greedy: at each node every feature's present values are sorted and
 * every cut between two distinct consecutive values is scored by the drop
 * in squared error; rows missing the feature go to whichever side scores
 * better (the node's default direction, as XGBoost learns it).  A node
 * becomes a leaf at max_depth, when it cannot give both children min_leaf
 * rows, or when no cut lowers the error; its value is the mean target.
 * Ties go to the lowest feature, then the lowest cut, so a fit depends only
 * on its input.  The threshold is the midpoint of the two values (x goes
 * left iff x < threshold), and a node's cover is its row count. */
#ifndef GB_CART_H
#define GB_CART_H

#include <stddef.h>

#include "error.h"
#include "model.h"
#include "parallel.h"

typedef struct gb_cart_options {
    int max_depth;   /* 0: a single leaf */
    size_t min_leaf; /* at least 1 */
} gb_cart_options;

/* Fits y over rows idx[0..n) of x (row-major, nf features) into out (its
 * nodes malloc'd; group 0).  Returns 0, 1 when cancelled, -1 with err. */
int gb_cart_fit(const double *x, int nf, const double *y, const size_t *idx, size_t n,
                const gb_cart_options *opt, const gb_job_ctl *ctl, gb_tree *out, gb_error *err);

#endif
