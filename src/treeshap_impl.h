/* treeshap_impl.h: the compact tree copy TreeSHAP walks, shared by its two
 * walks (internal to treeshap.c and treeshap_fast.c; the public half is
 * treeshap.h).
 *
 * treeshap.c builds the copy and holds the classic path algorithm (kept as
 * the reference and for the conditioned walk of interaction values);
 * treeshap_fast.c holds the walk gb_treeshap_row uses, which writes each
 * leaf's Shapley weights as an integral over [0, 1] and evaluates it exactly
 * by Gauss-Legendre quadrature. */
#ifndef GB_TREESHAP_IMPL_H
#define GB_TREESHAP_IMPL_H

#include "treeshap.h"

/* One node of the compact copy: the model's node, with its children
 * renumbered to preorder indices within the tree (the left child is the next
 * node) so that gb_node_next on the copy names the hot child directly, and
 * the zero fractions of the two children.  A leaf is nd.left < 0; its value
 * stays in nd.value. */
typedef struct gb_ts_node {
    gb_node nd;
    double zl, zr;
} gb_ts_node;

/* The same node for the fast walk, in 40 bytes instead of 72 (the walk
 * reads every node of every tree for every row): the split or the leaf's
 * value, the zero fractions, and what gb_node_next needs of a numeric split.
 * A categorical split is decided on the full node at the same index. */
typedef struct gb_ts_fnode {
    double a;        /* internal: split; leaf: value */
    double zl, zr;
    int32_t feature; /* -1 for a leaf */
    int32_t right;
    uint32_t flags;
} gb_ts_fnode;

typedef struct gb_ts_tree {
    size_t begin;  /* first node in gb_treeshap.nodes */
    int32_t group;
    int32_t n_quad; /* quadrature points that are exact for this tree */
} gb_ts_tree;

/* One element of the classic walk's path of unique features. */
typedef struct gb_ts_elem {
    double w;  /* weight of subsets of each size (the "pweight") */
    double z;  /* fraction of zero (absent-feature) paths flowing through */
    int32_t f; /* feature, -1 for the root's dummy element */
    int32_t o; /* 1 if x follows this branch, else 0 */
} gb_ts_elem;

/* One element of the fast walk's path (its quadrature values live in the
 * workspace's arrays, at the element's index). */
typedef struct gb_ts_felem {
    double z;
    int32_t f;
    int32_t o;
} gb_ts_felem;

struct gb_treeshap {
    const gb_model *m;
    int n_features;
    int n_groups;
    int max_depth;   /* edges on the longest root-to-leaf path of any tree */
    size_t n_trees;
    double *base;    /* [n_groups] */
    gb_ts_tree *trees;
    gb_ts_node *nodes;
    gb_ts_fnode *fnodes; /* the same nodes, compact */
    double *inv;     /* inv[k] = 1 / k for k = 1 .. max_depth + 3 */
    size_t path_len; /* path elements a classic workspace needs */
    /* Gauss-Legendre rules on [0, 1] for n = 1 .. n_quad_max points; the
     * rule of n points starts at offset n (n - 1) / 2 in each table. */
    int n_quad_max;
    double *quad_t;  /* nodes */
    double *quad_c;  /* weights */
    double *quad_cold; /* -1 / (1 - node) */
};

struct gb_treeshap_ws {
    gb_ts_elem *path;
    double *x;   /* the row after gb_model_input */
    /* The fast walk. */
    gb_ts_felem *fpath; /* [max_depth + 1] */
    double *fprod;      /* per level: the path's product at each node t */
    double *fhot;       /* per element: its leaf factor at each t (treeshap_fast.c) */
    double *fsum;       /* per level: the subtree's leaf sums at each t */
    int32_t *fslot;     /* [n_features]: a feature's element, -1 off the path */
};

/* The rule size every tree of depth <= 2 GB_TS_QUAD_FIXED uses (one rule
 * for all, so the walk's loops have a constant length). */
#define GB_TS_QUAD_FIXED 4

/* Quadrature points a tree of this depth needs: exact for the degree
 * depth - 1 integrand, and at least GB_TS_QUAD_FIXED. */
int gb_treeshap_quad_points(int depth);

/* Fills the quadrature tables of ts (max_depth must be set). */
int gb_treeshap_quad_init(gb_treeshap *ts, gb_error *err);

/* Allocates the fast walk's part of a workspace. */
int gb_treeshap_fast_ws_init(const gb_treeshap *ts, gb_treeshap_ws *ws, gb_error *err);

/* The fast walk over every tree for ws->x (already through gb_model_input);
 * adds to phi, which the caller zeroed. */
void gb_treeshap_fast_walk(const gb_treeshap *ts, gb_treeshap_ws *ws, double *phi);

#endif
