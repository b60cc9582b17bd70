/* forest_mask.h: the leaf-bitmask form of small trees, for forest_eval.c
 * (internal; the public evaluator is forest_eval.h).
 *
 * Walking a tree costs a chain of dependent loads per row and level.  A
 * tree with few leaves is cheaper to evaluate whole, over many rows at once
 * (QuickScorer, Lucchese et al., SIGIR 2015): number its leaves left to
 * right and give each row a bitmask of them, all set; every internal node
 * whose test sends the row right clears the leaves of its left subtree.
 * The leaf the row reaches is then the lowest bit left: a leaf left of it
 * was cleared by the node where the two paths part (the row went right
 * there), and no node clears it (that would need a node above it sending
 * the row right while it lies in the node's left subtree).  Every node is
 * tested for every row, but the tests are independent of each other and of
 * the rows' paths, so they run over a column of the block (one feature for
 * all its rows) in vector registers.
 *
 * Each node's test is exactly the walk's (forest_eval.c): "x < split" with
 * the NaN side, in float for float32 models; other nodes (categorical sets,
 * LightGBM's zero-as-missing) ask gb_node_next row by row. */
#ifndef GB_FOREST_MASK_H
#define GB_FOREST_MASK_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "model.h"

/* Rows of a column block: a column of the block holds this many values,
 * the block's rows first and zeros after them up to a multiple of 8. */
enum { GB_MASK_ROWS = 64 };

typedef struct gb_mask_forest gb_mask_forest;

/* The mask form of the trees of m that gain from it.  which[t] receives the
 * tree's index in the mask forest, or -1 for a tree left to the walk.  NULL
 * with err set when memory runs out; a forest with no tree in it when none
 * gains. */
gb_mask_forest *gb_mask_new(const gb_model *m, int32_t *which, gb_error *err);
void gb_mask_free(gb_mask_forest *mf);

/* Number of columns of a block: the features the mask trees read. */
size_t gb_mask_n_cols(const gb_mask_forest *mf);

/* Fills a column block (gb_mask_n_cols columns of GB_MASK_ROWS values,
 * 32-byte aligned) from `rows` <= GB_MASK_ROWS rows stored row-major. */
void gb_mask_fill_float(const gb_mask_forest *mf, const double *x, size_t rows, float *col);
void gb_mask_fill_double(const gb_mask_forest *mf, const double *x, size_t rows, double *col);

/* Adds mask tree k's leaf value for each of the block's rows to
 * o[r * ng]. */
void gb_mask_tree_float(const gb_mask_forest *mf, int32_t k, const float *col, size_t rows, double *o, size_t ng);
void gb_mask_tree_double(const gb_mask_forest *mf, int32_t k, const double *col, size_t rows, double *o,
                         size_t ng);

#endif
