/* forest_mask.c: building and evaluating the leaf-bitmask form of small
 * trees (see forest_mask.h for why the lowest remaining bit is the leaf).
 *
 * The vector loops use GCC's generic 16-byte vector types, which compile
 * to whatever the target has (an SSE2 register of four floats or two
 * doubles on a plain x86-64 build), so the build needs no -m flags and no
 * run-time dispatch.  (32-byte vectors were measured 2x slower there: GCC
 * splits their float compares into scalar ones.)  A tree
 * holds at most 64 leaves: a double node's test yields 64-bit lanes, a
 * float node's 32-bit lanes, so float trees keep their masks in two words
 * when they have more than 32 leaves.
 *
 * A tree gains when its internal nodes are few against its depth.  One
 * level of the walk costs as much as about 10 float node tests of the mask
 * form, or 5 double ones (two lanes to a register instead of four), as
 * measured with bench/forest_eval_speed on XGBoost models of depth 4 to 6
 * and synthetic full and leaf-wise trees: full float trees of depth 4 and 5
 * are evaluated whole (2.5x and 1.4x faster than walked), those of depth 6
 * break even and are walked; double trees, up to depth 4 and LightGBM-like
 * leaf-wise trees of up to ~32 leaves. */
#include "forest_mask.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifndef MASK_STEP_COST
#define MASK_STEP_COST 10
#endif
#ifndef MASK_STEP_COST_DOUBLE
#define MASK_STEP_COST_DOUBLE 5
#endif

enum { NAN_RIGHT = 0, NAN_LEFT = 1, GENERAL = 2 };

typedef float vf __attribute__((vector_size(16)));
typedef uint32_t vu32 __attribute__((vector_size(16)));
typedef double vd __attribute__((vector_size(16)));
typedef uint64_t vu64 __attribute__((vector_size(16)));

enum { F_LANES = 4, D_LANES = 2 };

typedef struct mnode {
    union {
        float f;  /* float32 models: smallest float >= the split */
        double d; /* double models: the split */
    } s;
    uint64_t clear; /* the leaves of the left subtree */
    uint32_t col;   /* column of the block */
    uint32_t kind;
    int32_t orig; /* GENERAL: the node in the model's tree */
} mnode;

typedef struct mtree {
    size_t node0, leaf0;
    int32_t n_nodes, n_leaves;
    int32_t tree; /* in the model */
} mtree;

struct gb_mask_forest {
    const gb_model *m;
    mnode *nodes;
    double *leaves;
    mtree *trees;
    size_t n_trees;
    int32_t *cols; /* column -> feature */
    size_t n_cols;
    int32_t *col_of; /* feature -> column, -1 if unread */
};

void gb_mask_free(gb_mask_forest *mf)
{
    if (!mf)
        return;
    free(mf->nodes);
    free(mf->leaves);
    free(mf->trees);
    free(mf->cols);
    free(mf->col_of);
    free(mf);
}

size_t gb_mask_n_cols(const gb_mask_forest *mf)
{
    return mf->n_cols;
}

/* Leaves and internal nodes reachable from node i. */
static void count(const gb_tree *t, int32_t i, int32_t *leaves, int32_t *inner)
{
    if (t->nodes[i].left < 0) {
        (*leaves)++;
        return;
    }
    (*inner)++;
    count(t, t->nodes[i].left, leaves, inner);
    count(t, t->nodes[i].right, leaves, inner);
}

static int gains(const gb_model *m, const gb_tree *t, int32_t *leaves, int32_t *inner)
{
    *leaves = *inner = 0;
    /* 64 leaves are 127 nodes: bigger trees are not counted (if some of
     * their nodes are unreachable, walking them is still right). */
    if (t->depth > 64 || t->n_nodes > 127)
        return 0;
    count(t, 0, leaves, inner);
    int cost = m->input_float32 ? MASK_STEP_COST : MASK_STEP_COST_DOUBLE;
    return *leaves <= 64 && *inner <= cost * (t->depth > 0 ? t->depth : 1);
}


/* Copies the subtree at node i, numbering its leaves from *leaf on. */
static void copy(gb_mask_forest *mf, const gb_tree *t, int32_t i, mnode *nodes, int32_t *n_nodes, double *leaves,
                 int32_t *leaf)
{
    const gb_node *nd = &t->nodes[i];
    if (nd->left < 0) {
        leaves[(*leaf)++] = nd->value;
        return;
    }
    mnode *p = &nodes[(*n_nodes)++];
    memset(p, 0, sizeof *p);
    int32_t first = *leaf;
    copy(mf, t, nd->left, nodes, n_nodes, leaves, leaf);
    int32_t last = *leaf; /* the left subtree's leaves are [first, last) */
    copy(mf, t, nd->right, nodes, n_nodes, leaves, leaf);
    p->clear = (last >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << last) - 1) & ~((UINT64_C(1) << first) - 1);
    if (mf->col_of[nd->feature] < 0) {
        mf->col_of[nd->feature] = (int32_t)mf->n_cols;
        mf->cols[mf->n_cols++] = nd->feature;
    }
    p->col = (uint32_t)mf->col_of[nd->feature];
    p->orig = i;
    uint32_t fl = nd->flags;
    if (fl & (GB_NODE_CATEGORICAL | GB_NODE_ZERO_MISSING)) {
        p->kind = GENERAL;
        return;
    }
    int nan_left = (fl & GB_NODE_NAN_AS_ZERO) ? 0.0 < nd->split : (fl & GB_NODE_DEFAULT_LEFT) != 0;
    p->kind = nan_left ? NAN_LEFT : NAN_RIGHT;
    if (mf->m->input_float32)
        p->s.f = gb_float_split(nd->split);
    else
        p->s.d = nd->split;
}

gb_mask_forest *gb_mask_new(const gb_model *m, int32_t *which, gb_error *err)
{
    gb_mask_forest *mf = gb_calloc(1, sizeof *mf, err);
    if (!mf)
        return NULL;
    mf->m = m;
    size_t n_nodes = 0, n_leaves = 0, nf = (size_t)m->n_features;
    for (size_t t = 0; t < m->n_trees; t++) {
        int32_t leaves, inner;
        which[t] = -1;
        if (gains(m, &m->trees[t], &leaves, &inner)) {
            which[t] = (int32_t)mf->n_trees++;
            n_nodes += (size_t)inner;
            n_leaves += (size_t)leaves;
        }
    }
    mf->nodes = gb_malloc(n_nodes ? n_nodes : 1, sizeof *mf->nodes, err);
    mf->leaves = gb_malloc(n_leaves ? n_leaves : 1, sizeof *mf->leaves, err);
    mf->trees = gb_malloc(mf->n_trees ? mf->n_trees : 1, sizeof *mf->trees, err);
    mf->cols = gb_malloc(nf ? nf : 1, sizeof *mf->cols, err);
    mf->col_of = gb_malloc(nf ? nf : 1, sizeof *mf->col_of, err);
    if (!mf->nodes || !mf->leaves || !mf->trees || !mf->cols || !mf->col_of) {
        gb_mask_free(mf);
        return NULL;
    }
    for (size_t j = 0; j < nf; j++)
        mf->col_of[j] = -1;
    n_nodes = n_leaves = 0;
    for (size_t t = 0; t < m->n_trees; t++) {
        if (which[t] < 0)
            continue;
        mtree *mt = &mf->trees[which[t]];
        int32_t nn = 0, nl = 0;
        copy(mf, &m->trees[t], 0, mf->nodes + n_nodes, &nn, mf->leaves + n_leaves, &nl);
        mt->node0 = n_nodes;
        mt->leaf0 = n_leaves;
        mt->n_nodes = nn;
        mt->n_leaves = nl;
        mt->tree = (int32_t)t;
        n_nodes += (size_t)nn;
        n_leaves += (size_t)nl;
    }
    return mf;
}

void gb_mask_fill_float(const gb_mask_forest *mf, const double *x, size_t rows, float *col)
{
    size_t nf = (size_t)mf->m->n_features;
    for (size_t c = 0; c < mf->n_cols; c++) {
        float *out = col + c * GB_MASK_ROWS;
        const double *in = x + mf->cols[c];
        size_t r = 0;
        for (; r < rows; r++)
            out[r] = (float)in[r * nf];
        for (; r % F_LANES; r++)
            out[r] = 0.0f;
    }
}

void gb_mask_fill_double(const gb_mask_forest *mf, const double *x, size_t rows, double *col)
{
    size_t nf = (size_t)mf->m->n_features;
    for (size_t c = 0; c < mf->n_cols; c++) {
        double *out = col + c * GB_MASK_ROWS;
        const double *in = x + mf->cols[c];
        size_t r = 0;
        for (; r < rows; r++)
            out[r] = in[r * nf];
        for (; r % D_LANES; r++)
            out[r] = 0.0;
    }
}

/* Whether the model's node sends v left, for the nodes with other rules. */
static int general_left(const gb_mask_forest *mf, const mtree *mt, const mnode *p, double v)
{
    const gb_node *nd = &mf->m->trees[mt->tree].nodes[p->orig];
    return gb_node_next(mf->m, nd, v) == nd->left;
}

typedef union fmask {
    vu32 v[GB_MASK_ROWS / F_LANES];
    uint32_t u[GB_MASK_ROWS];
} fmask;

/* Clears the bits `clear` of the rows that node p sends right. */
static inline __attribute__((always_inline)) void float_node(const gb_mask_forest *mf, const mtree *mt,
                                                             const mnode *p, const float *col, size_t rows,
                                                             size_t nv, fmask *mask, uint32_t clear)
{
    const vf *x = (const vf *)(col + (size_t)p->col * GB_MASK_ROWS);
    vf s = {p->s.f, p->s.f, p->s.f, p->s.f};
    vu32 keep = {~clear, ~clear, ~clear, ~clear}, drop = ~keep;
    if (p->kind == NAN_RIGHT) {
        /* A NaN fails x < s: it goes right. */
        for (size_t v = 0; v < nv; v++)
            mask->v[v] &= (vu32)(x[v] < s) | keep;
    } else if (p->kind == NAN_LEFT) {
        /* A NaN fails x >= s: it stays left. */
        for (size_t v = 0; v < nv; v++)
            mask->v[v] &= ~((vu32)(x[v] >= s) & drop);
    } else {
        const float *xs = (const float *)x;
        for (size_t r = 0; r < rows; r++)
            if (!general_left(mf, mt, p, (double)xs[r]))
                mask->u[r] &= ~clear;
    }
}

/* A float tree's masks are two 32-bit words when it has more than 32
 * leaves: a node updates the words its left subtree's leaves are in. */
void gb_mask_tree_float(const gb_mask_forest *mf, int32_t k, const float *col, size_t rows, double *o, size_t ng)
{
    const mtree *mt = &mf->trees[k];
    const mnode *nodes = mf->nodes + mt->node0;
    const double *leaves = mf->leaves + mt->leaf0;
    int wide = mt->n_leaves > 32;
    fmask lo, hi;
    size_t nv = (rows + F_LANES - 1) / F_LANES;
    for (size_t v = 0; v < nv; v++)
        lo.v[v] = (vu32){0} - 1;
    for (size_t v = 0; wide && v < nv; v++)
        hi.v[v] = (vu32){0} - 1;
    for (int32_t i = 0; i < mt->n_nodes; i++) {
        const mnode *p = &nodes[i];
        uint32_t c0 = (uint32_t)p->clear, c1 = (uint32_t)(p->clear >> 32);
        if (c0)
            float_node(mf, mt, p, col, rows, nv, &lo, c0);
        if (c1)
            float_node(mf, mt, p, col, rows, nv, &hi, c1);
    }
    if (!wide) {
        for (size_t r = 0; r < rows; r++)
            o[r * ng] += leaves[__builtin_ctz(lo.u[r])];
        return;
    }
    for (size_t r = 0; r < rows; r++)
        o[r * ng] += leaves[lo.u[r] ? __builtin_ctz(lo.u[r]) : 32 + __builtin_ctz(hi.u[r])];
}

void gb_mask_tree_double(const gb_mask_forest *mf, int32_t k, const double *col, size_t rows, double *o,
                         size_t ng)
{
    const mtree *mt = &mf->trees[k];
    const mnode *nodes = mf->nodes + mt->node0;
    const double *leaves = mf->leaves + mt->leaf0;
    union {
        vu64 v[GB_MASK_ROWS / D_LANES];
        uint64_t u[GB_MASK_ROWS];
    } mask;
    size_t nv = (rows + D_LANES - 1) / D_LANES;
    for (size_t v = 0; v < nv; v++)
        mask.v[v] = (vu64){0} - 1;
    for (int32_t i = 0; i < mt->n_nodes; i++) {
        const mnode *p = &nodes[i];
        const vd *x = (const vd *)(col + (size_t)p->col * GB_MASK_ROWS);
        vd s = {p->s.d, p->s.d};
        vu64 keep = (vu64){0} + ~p->clear, drop = (vu64){0} + p->clear;
        if (p->kind == NAN_RIGHT) {
            for (size_t v = 0; v < nv; v++)
                mask.v[v] &= (vu64)(x[v] < s) | keep;
        } else if (p->kind == NAN_LEFT) {
            for (size_t v = 0; v < nv; v++)
                mask.v[v] &= ~((vu64)(x[v] >= s) & drop);
        } else {
            const double *xs = (const double *)x;
            for (size_t r = 0; r < rows; r++)
                if (!general_left(mf, mt, p, xs[r]))
                    mask.u[r] &= ~p->clear;
        }
    }
    for (size_t r = 0; r < rows; r++)
        o[r * ng] += leaves[__builtin_ctzll(mask.u[r])];
}
