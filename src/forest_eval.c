/* forest_eval.c: the compact copy of a tree ensemble and its batched
 * evaluation (see forest_eval.h).
 *
 * Most splits are "x < split, a missing value to one side".  Such a node is
 * decided without a branch on the value: left = (x < s) | (nan_left & x != x).
 * For a float32 model the row is rounded to float once per block and the
 * threshold stored as the smallest float not below the model's double
 * split: for every float x, x < split exactly when x < that float, so the
 * comparison in float decides as gb_node_next does in double.  LightGBM's
 * "NaN counts as 0" on a numeric split only picks the side a NaN goes to
 * (0 < split), so it is such a node too.  Everything else (categorical
 * sets, zero-as-missing) goes through gb_node_next on the model's node.
 *
 * A leaf loops back to itself, so the rows of a group step together
 * without a "reached a leaf?" branch per row.  The group stops when a step
 * moves none of them (checked only past the tree's shallowest leaf, so a
 * full tree pays nothing for it; at the latest after its depth): a lopsided
 * tree (a long chain beside short paths, as LightGBM's leaf-wise growth
 * makes) costs the group's longest path, not the tree's depth.
 *
 * Small trees are evaluated whole instead (forest_mask.c), from a copy of
 * the block's columns.  A block still goes through the trees in the
 * model's order whatever evaluates each, so every row's leaf values are
 * added in tree order and the sums stay bit-identical. */
#include "forest_eval.h"

#include <math.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "forest_mask.h"

enum {
    KIND_NAN_RIGHT = 0, /* x < split, NaN right; also every leaf */
    KIND_NAN_LEFT = 1,  /* x < split, NaN left */
    KIND_GENERAL = 2    /* gb_node_next on the model's node */
};

/* Float scratch per block: rows per block shrink for wide rows so that a
 * block's rows stay in the first-level cache.  Rows walk a tree GROUP at a
 * time, in step, so that their node loads overlap; the loops over a group
 * are unrolled so that its node indices stay in registers (depth-8 trees:
 * ~1.3x faster than the rolled loop, bench/forest_eval_speed). */
enum { BLOCK_ROWS = 64, BLOCK_FLOATS = 8192, GROUP = 8 };
_Static_assert((int)BLOCK_ROWS <= (int)GB_MASK_ROWS, "a block's columns hold its rows");

/* A leaf points to itself on both sides and keeps its value where a split
 * keeps its threshold, so a row that reached it stays there: every row of
 * a group takes exactly `depth` steps, without a branch on where it is. */
typedef struct fnode {
    union {
        double d;     /* double models: the split; every leaf: its value */
        float f;      /* float32 models: smallest float >= the split */
        int32_t orig; /* KIND_GENERAL: the node's index in the model's tree */
    } s;
    int32_t feature;  /* a leaf: 0, read and ignored */
    uint32_t kind;
    int32_t child[2]; /* indices within the tree */
} fnode;

typedef struct ftree {
    size_t node0;  /* the root in f->nodes */
    int32_t depth; /* steps from the root to the deepest leaf */
    int32_t sure;  /* ... and to the shallowest: steps every row takes */
    int32_t group;
    int32_t mask;  /* its index in f->mask, or -1: walked */
} ftree;

struct gb_forest {
    const gb_model *m;
    int use_float;
    fnode *nodes;
    ftree *trees;
    size_t n_trees;
    gb_mask_forest *mask; /* the trees evaluated whole (forest_mask.h) */
    size_t n_walked;      /* trees not in it */
};

const gb_model *gb_forest_model(const gb_forest *f)
{
    return f->m;
}

size_t gb_forest_n_whole(const gb_forest *f)
{
    return f->n_trees - f->n_walked;
}

void gb_forest_free(gb_forest *f)
{
    if (!f)
        return;
    free(f->nodes);
    free(f->trees);
    gb_mask_free(f->mask);
    free(f);
}


static void fill_node(const gb_forest *f, fnode *out, const gb_node *nd, int32_t orig, int32_t self)
{
    uint32_t fl = nd->flags;
    if (nd->left < 0) {
        out->s.d = nd->value;
        out->feature = 0;
        out->kind = KIND_NAN_RIGHT;
        out->child[0] = out->child[1] = self;
        return;
    }
    out->feature = nd->feature;
    if ((fl & (GB_NODE_CATEGORICAL | GB_NODE_ZERO_MISSING)) == 0) {
        int nan_left = (fl & GB_NODE_NAN_AS_ZERO) ? 0.0 < nd->split : (fl & GB_NODE_DEFAULT_LEFT) != 0;
        out->kind = nan_left ? KIND_NAN_LEFT : KIND_NAN_RIGHT;
        if (f->use_float)
            out->s.f = gb_float_split(nd->split);
        else
            out->s.d = nd->split;
    } else {
        out->kind = KIND_GENERAL;
        out->s.orig = orig;
    }
}

/* Copies the reachable nodes of t in depth-first preorder.  stack holds
 * room for 3 * n_nodes entries of (model node, parent slot, depth). */
static void copy_tree(gb_forest *f, const gb_tree *t, ftree *ft, size_t *n_nodes, int32_t *stack)
{
    ft->node0 = *n_nodes;
    ft->group = t->group;
    ft->depth = 0;
    ft->sure = INT32_MAX;
    int32_t sp = 0, next = 0;
    fnode *nodes = f->nodes + ft->node0;
    /* A parent slot is (parent << 1) | side, or -1 for the root. */
    stack[sp++] = 0;
    stack[sp++] = -1;
    stack[sp++] = 0;
    while (sp) {
        int32_t depth = stack[--sp];
        int32_t slot = stack[--sp];
        int32_t i = stack[--sp];
        const gb_node *nd = &t->nodes[i];
        int32_t self = next++;
        fill_node(f, &nodes[self], nd, i, self);
        if (slot >= 0)
            nodes[slot >> 1].child[slot & 1] = self;
        if (depth > ft->depth)
            ft->depth = depth;
        if (nd->left < 0 && depth < ft->sure)
            ft->sure = depth;
        if (nd->left >= 0) {
            stack[sp++] = nd->right;
            stack[sp++] = (self << 1) | 1;
            stack[sp++] = depth + 1;
            stack[sp++] = nd->left;
            stack[sp++] = self << 1;
            stack[sp++] = depth + 1;
        }
    }
    *n_nodes += (size_t)next;
}

gb_forest *gb_forest_new(const gb_model *m, gb_error *err)
{
    gb_forest *f = gb_calloc(1, sizeof *f, err);
    if (!f)
        return NULL;
    f->m = m;
    f->use_float = m->input_float32 != 0;
    if (m->kind != GB_MODEL_TREES)
        return f;
    size_t total = 0;
    int32_t biggest = 1;
    for (size_t t = 0; t < m->n_trees; t++) {
        total += (size_t)m->trees[t].n_nodes;
        if (m->trees[t].n_nodes > biggest)
            biggest = m->trees[t].n_nodes;
    }
    f->nodes = gb_malloc(total ? total : 1, sizeof *f->nodes, err);
    f->trees = gb_malloc(m->n_trees ? m->n_trees : 1, sizeof *f->trees, err);
    size_t room = (size_t)biggest * 6 + 12;
    if (room < m->n_trees)
        room = m->n_trees;
    int32_t *stack = gb_malloc(room, sizeof *stack, err);
    if (!f->nodes || !f->trees || !stack) {
        free(stack);
        gb_forest_free(f);
        return NULL;
    }
    size_t n_nodes = 0;
    for (size_t t = 0; t < m->n_trees; t++)
        copy_tree(f, &m->trees[t], &f->trees[t], &n_nodes, stack);
    f->n_trees = m->n_trees;
    /* stack has room for a mask index per tree. */
    f->mask = gb_mask_new(m, stack, err);
    if (!f->mask) {
        free(stack);
        gb_forest_free(f);
        return NULL;
    }
    for (size_t t = 0; t < m->n_trees; t++) {
        f->trees[t].mask = stack[t];
        f->n_walked += stack[t] < 0;
    }
    free(stack);
    return f;
}

/* The general rule, for the few nodes that need it. */
static int general_left(const gb_forest *f, size_t t, const fnode *p, double v)
{
    const gb_node *nd = &f->m->trees[t].nodes[p->s.orig];
    return gb_node_next(f->m, nd, v) == nd->left;
}

/* One step of a float row at node i. */
static inline __attribute__((always_inline)) int32_t step_float(const gb_forest *f, size_t t,
                                                                const fnode *nodes, int32_t i, const float *xr)
{
    const fnode *p = &nodes[i];
    float v = xr[p->feature];
    int left = (v < p->s.f) | ((int)p->kind & (v != v));
    if (__builtin_expect(p->kind == KIND_GENERAL, 0))
        left = general_left(f, t, p, (double)v);
    return p->child[!left];
}

/* One step of a double row at node i; `round` for a float32 model whose
 * rows are too wide to round a block at a time. */
static inline __attribute__((always_inline)) int32_t step_double(const gb_forest *f, size_t t,
                                                                 const fnode *nodes, int32_t i, const double *xr,
                                                                 int round)
{
    const fnode *p = &nodes[i];
    int left;
    if (round) {
        float v = (float)xr[p->feature];
        left = (v < p->s.f) | ((int)p->kind & (v != v));
        if (__builtin_expect(p->kind == KIND_GENERAL, 0))
            left = general_left(f, t, p, (double)v);
    } else {
        double v = xr[p->feature];
        left = (v < p->s.d) | ((int)p->kind & (v != v));
        if (__builtin_expect(p->kind == KIND_GENERAL, 0))
            left = general_left(f, t, p, v);
    }
    return p->child[!left];
}

/* Rows [0, rows) of a float block through tree t, GROUP rows in step. */
static void tree_float(const gb_forest *f, size_t t, const float *x, size_t nf, size_t rows, double *o, size_t ng)
{
    const ftree *ft = &f->trees[t];
    const fnode *nodes = f->nodes + ft->node0;
    size_t r = 0;
    for (; r + GROUP <= rows; r += GROUP) {
        int32_t at[GROUP] = {0}, d = 0;
        for (; d < ft->sure; d++)
#pragma GCC unroll 8
            for (int j = 0; j < GROUP; j++)
                at[j] = step_float(f, t, nodes, at[j], x + (r + (size_t)j) * nf);
        for (; d < ft->depth; d++) {
            int moved = 0;
#pragma GCC unroll 8
            for (int j = 0; j < GROUP; j++) {
                int32_t next = step_float(f, t, nodes, at[j], x + (r + (size_t)j) * nf);
                moved |= next != at[j];
                at[j] = next;
            }
            if (!moved)
                break;
        }
        for (int j = 0; j < GROUP; j++)
            o[(r + (size_t)j) * ng] += nodes[at[j]].s.d;
    }
    for (; r < rows; r++) {
        int32_t at = 0;
        for (int32_t d = 0; d < ft->depth; d++) {
            int32_t next = step_float(f, t, nodes, at, x + r * nf);
            if (next == at)
                break;
            at = next;
        }
        o[r * ng] += nodes[at].s.d;
    }
}

static inline __attribute__((always_inline)) void tree_double(const gb_forest *f, size_t t, const double *x,
                                                              size_t nf, size_t rows, double *o, size_t ng,
                                                              int round)
{
    const ftree *ft = &f->trees[t];
    const fnode *nodes = f->nodes + ft->node0;
    size_t r = 0;
    for (; r + GROUP <= rows; r += GROUP) {
        int32_t at[GROUP] = {0}, d = 0;
        for (; d < ft->sure; d++)
#pragma GCC unroll 8
            for (int j = 0; j < GROUP; j++)
                at[j] = step_double(f, t, nodes, at[j], x + (r + (size_t)j) * nf, round);
        for (; d < ft->depth; d++) {
            int moved = 0;
#pragma GCC unroll 8
            for (int j = 0; j < GROUP; j++) {
                int32_t next = step_double(f, t, nodes, at[j], x + (r + (size_t)j) * nf, round);
                moved |= next != at[j];
                at[j] = next;
            }
            if (!moved)
                break;
        }
        for (int j = 0; j < GROUP; j++)
            o[(r + (size_t)j) * ng] += nodes[at[j]].s.d;
    }
    for (; r < rows; r++) {
        int32_t at = 0;
        for (int32_t d = 0; d < ft->depth; d++) {
            int32_t next = step_double(f, t, nodes, at, x + r * nf, round);
            if (next == at)
                break;
            at = next;
        }
        o[r * ng] += nodes[at].s.d;
    }
}

/* The block's columns for the mask trees: float for float32 models, double
 * otherwise; NULL when there are no mask trees. */
typedef struct cols {
    float *f;
    double *d;
} cols;

static void tree_mask(const gb_forest *f, const ftree *ft, const cols *c, size_t rows, double *o, size_t ng)
{
    if (c->f)
        gb_mask_tree_float(f->mask, ft->mask, c->f, rows, o, ng);
    else
        gb_mask_tree_double(f->mask, ft->mask, c->d, rows, o, ng);
}

static void block_float(const gb_forest *f, const double *x, size_t rows, float *buf, const cols *c, double *out)
{
    size_t nf = (size_t)f->m->n_features, ng = (size_t)f->m->n_groups;
    if (f->n_walked)
        for (size_t k = 0; k < rows * nf; k++)
            buf[k] = (float)x[k];
    for (size_t t = 0; t < f->n_trees; t++) {
        const ftree *ft = &f->trees[t];
        if (ft->mask >= 0)
            tree_mask(f, ft, c, rows, out + (size_t)ft->group, ng);
        else
            tree_float(f, t, buf, nf, rows, out + (size_t)ft->group, ng);
    }
}

static void block_double(const gb_forest *f, const double *x, size_t rows, const cols *c, double *out)
{
    size_t nf = (size_t)f->m->n_features, ng = (size_t)f->m->n_groups;
    for (size_t t = 0; t < f->n_trees; t++) {
        const ftree *ft = &f->trees[t];
        if (ft->mask >= 0)
            tree_mask(f, ft, c, rows, out + (size_t)ft->group, ng);
        else if (f->use_float)
            tree_double(f, t, x, nf, rows, out + (size_t)ft->group, ng, 1);
        else
            tree_double(f, t, x, nf, rows, out + (size_t)ft->group, ng, 0);
    }
}

/* Column scratch that fits on the stack: 32 double or 64 float columns. */
enum { COL_STACK_BYTES = 32 * GB_MASK_ROWS * sizeof(double) };

/* The n rows block by block; c holds room for the mask columns, or
 * nothing when there are no mask trees. */
static void margin_blocks(const gb_forest *f, const double *x, size_t n, double *out, const cols *c)
{
    const gb_model *m = f->m;
    size_t nf = (size_t)m->n_features, ng = (size_t)m->n_groups;
    float buf[BLOCK_FLOATS];
    size_t block = BLOCK_FLOATS / nf;
    block = block > BLOCK_ROWS ? BLOCK_ROWS : block;
    /* Rows wider than the scratch are rounded node by node instead. */
    int use_float = f->use_float && block > 0;
    if (block == 0)
        block = 16;
    for (size_t lo = 0; lo < n; lo += block) {
        size_t rows = n - lo < block ? n - lo : block;
        double *o = out + lo * ng;
        for (size_t r = 0; r < rows; r++)
            memcpy(o + r * ng, m->base, ng * sizeof *o);
        if (c->f)
            gb_mask_fill_float(f->mask, x + lo * nf, rows, c->f);
        else if (c->d)
            gb_mask_fill_double(f->mask, x + lo * nf, rows, c->d);
        if (use_float)
            block_float(f, x + lo * nf, rows, buf, c, o);
        else
            block_double(f, x + lo * nf, rows, c, o);
    }
}

void gb_forest_margin_batch(const gb_forest *f, const double *x, size_t n, double *out)
{
    const gb_model *m = f->m;
    size_t nf = (size_t)m->n_features, ng = (size_t)m->n_groups;
    if (m->kind != GB_MODEL_TREES) {
        for (size_t r = 0; r < n; r++)
            gb_model_margin(m, x + r * nf, out + r * ng);
        return;
    }
    cols c = {NULL, NULL};
    void *heap = NULL;
    alignas(32) unsigned char stack[COL_STACK_BYTES];
    if (f->n_walked < f->n_trees) {
        size_t bytes = gb_mask_n_cols(f->mask) * GB_MASK_ROWS * (f->use_float ? sizeof(float) : sizeof(double));
        void *room = stack;
        if (bytes > sizeof stack)
            room = heap = aligned_alloc(32, bytes);
        if (room && f->use_float)
            c.f = room;
        else if (room)
            c.d = room;
    }
    if (f->n_walked < f->n_trees && !c.f && !c.d) {
        /* No memory for the columns: the reference walk, slower but the
         * same numbers. */
        for (size_t r = 0; r < n; r++)
            gb_model_margin(m, x + r * nf, out + r * ng);
        return;
    }
    margin_blocks(f, x, n, out, &c);
    free(heap);
}
