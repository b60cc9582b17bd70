/* treeshap_int.c: exact interventional TreeSHAP (see treeshap_int.h).
 *
 * For one tree, one row x and one background row r, the tree's output at the
 * mixed row (x on S, r elsewhere) is a leaf value times an indicator: a leaf
 * is reached iff every feature e on its path is "on the right side", where
 * the path's splits on e all agree with x (set X of features x satisfies and
 * r does not), all agree with r (set R), or both (such e do not matter).  So
 * the leaf contributes v * [X subset of S] * [R disjoint from S], a game whose
 * Shapley values are closed-form: with N = |X| + |R| and M = |X|,
 *     phi_e = +v (M-1)! (N-M)! / N! = +v / (N C(N-1, M-1))   for e in X,
 *     phi_e = -v  M! (N-M-1)! / N! = -v / (N C(N-1, M))     for e in R.
 * The walk finds the reachable leaves with their X and R: where x and r go
 * the same way it follows that child; where they part it follows both, the
 * feature joining X on x's side and R on r's; a feature already in X (R)
 * follows x (r) from then on.  Leaves with N = 0 are reached by both rows
 * and contribute nothing.  Summing the closed forms over leaves, trees and
 * weighted background rows gives the exact values; additivity holds because
 * each pair's game is efficient: its values sum to tree(x) - tree(r).
 *
 * Speed: the trees are copied into one preorder array (a node's left child
 * is the next node), x's direction at every node of a tree is computed once
 * and reused for all background rows, and the loops run tree-major so one
 * tree stays in cache while the background streams past it.  Every split
 * decision is gb_node_next on values passed through gb_model_input. */
#include "treeshap_int.h"

#include <stdlib.h>
#include <string.h>

struct gb_treeshap_int {
    const gb_model *m;
    int n_features;
    int n_groups;
    size_t n_trees;
    size_t n_bg;
    int32_t max_nodes; /* nodes of the biggest tree (x's directions need as many slots) */
    int max_n;         /* most distinct features on one root-to-leaf path */
    gb_node *nodes;    /* every tree in preorder, children renumbered within the tree */
    size_t *begin;     /* [n_trees] first node of each tree */
    int32_t *size;     /* [n_trees] its node count */
    double *bg;        /* [n_bg x n_features] after gb_model_input */
    double *w;         /* [n_bg] weights normalised to sum 1 */
    double *base;      /* [n_groups] */
    double *cx, *cr;   /* [(max_n+1)^2] closed-form factors, index N*(max_n+1)+M */
};

/* What one walk reads and writes, passed as one pointer. */
typedef struct ti_walk {
    const gb_model *m;
    const gb_node *nodes;
    const int32_t *xnext; /* x's child at each internal node of the tree */
    const double *r;      /* the background row */
    unsigned char *side;  /* per feature: 0 undecided, 1 in X, 2 in R */
    int32_t *feat;        /* the features in X or R, in the order they joined */
    const double *cx, *cr;
    int stride;
    double scale; /* the background row's weight */
    double *phi;  /* the block of the tree's group */
} ti_walk;

enum { SIDE_NONE = 0, SIDE_X = 1, SIDE_R = 2 };

/* ---- building ---------------------------------------------------------- */

/* Copies tree t into out[] in preorder (right child pushed first so the left
 * one is written next) and raises *depth to the tree's depth.  The model was
 * checked by gb_model_finish; indices and depth are still bounded here so a
 * model that skipped it cannot lead the copy astray. */
static int flatten(const gb_model *m, const gb_tree *t, size_t ti, gb_node *out, int32_t *stack, int32_t *aux,
                   unsigned char *seen, int32_t *count, int *depth, gb_error *err)
{
    /* aux holds two arrays beside the stack: each entry's parent slot (-1
     * for a left child) and its depth. */
    int32_t n = 0, sp = 0;
    int32_t *from_of = aux, *depth_of = aux + t->n_nodes + 1;
    memset(seen, 0, (size_t)t->n_nodes);
    stack[sp] = 0;
    from_of[sp] = -1;
    depth_of[sp++] = 0;
    seen[0] = 1;
    while (sp) {
        sp--;
        int32_t i = stack[sp], from = from_of[sp], d = depth_of[sp];
        const gb_node *nd = &t->nodes[i];
        if (from >= 0)
            out[from].right = n; /* a right child comes after its sibling's subtree */
        if (d > *depth)
            *depth = d;
        out[n] = *nd;
        if (nd->left < 0) {
            out[n].feature = out[n].left = out[n].right = -1;
        } else {
            if (nd->feature < 0 || nd->feature >= m->n_features || nd->right < 0 || nd->left >= t->n_nodes ||
                nd->right >= t->n_nodes || seen[nd->left] || seen[nd->right] || d + 1 > GB_MAX_DEPTH ||
                ((nd->flags & GB_NODE_CATEGORICAL) && (size_t)nd->cat_begin + nd->cat_words > m->n_cat_bits))
                return gb_error_set(err, "tree %zu, node %d: not a valid split (was the model checked?)", ti,
                                    i);
            seen[nd->left] = seen[nd->right] = 1;
            out[n].left = n + 1;
            stack[sp] = nd->right;
            from_of[sp] = n;
            depth_of[sp++] = d + 1;
            stack[sp] = nd->left;
            from_of[sp] = -1;
            depth_of[sp++] = d + 1;
        }
        n++;
    }
    *count = n;
    return 0;
}

/* The closed-form factors, from Pascal's triangle in doubles: exact up to
 * C(56, 28), then rounded to a few ulps, far inside the 1e-9 the values are
 * checked to. */
static int fill_factors(gb_treeshap_int *t, gb_error *err)
{
    size_t k = (size_t)t->max_n + 1;
    double *c = gb_calloc(k * k, sizeof *c, err);
    t->cx = c ? gb_calloc(k * k, sizeof *t->cx, err) : NULL;
    t->cr = t->cx ? gb_calloc(k * k, sizeof *t->cr, err) : NULL;
    if (!t->cr) {
        free(c);
        return -1;
    }
    for (size_t n = 0; n < k; n++) {
        c[n * k] = 1.0;
        for (size_t j = 1; j <= n; j++)
            c[n * k + j] = c[(n - 1) * k + j - 1] + (j < n ? c[(n - 1) * k + j] : 0.0);
    }
    for (size_t n = 1; n < k; n++)
        for (size_t mm = 0; mm <= n; mm++) {
            /* +1 / (N C(N-1, M-1)) for X members (M >= 1), -1 / (N C(N-1, M))
             * for R members (M <= N-1); other entries are never read. */
            t->cx[n * k + mm] = mm >= 1 ? 1.0 / ((double)n * c[(n - 1) * k + mm - 1]) : 0.0;
            t->cr[n * k + mm] = mm + 1 <= n ? -1.0 / ((double)n * c[(n - 1) * k + mm]) : 0.0;
        }
    free(c);
    return 0;
}

static int check_args(const gb_model *m, const double *bg_w, size_t n_bg, gb_error *err)
{
    if (m->kind != GB_MODEL_TREES)
        return gb_error_set(err, "interventional TreeSHAP needs a tree ensemble; this is a %s model",
                            gb_model_kind_name(m->kind));
    if (m->n_features <= 0 || m->n_groups <= 0)
        return gb_error_set(err, "the model has %d features and %d outputs", m->n_features, m->n_groups);
    if (n_bg == 0)
        return gb_error_set(err, "interventional TreeSHAP needs at least one background row");
    if (bg_w) {
        double sum = 0.0;
        for (size_t r = 0; r < n_bg; r++) {
            if (!(bg_w[r] >= 0.0) || !isfinite(bg_w[r]))
                return gb_error_set(
                    err, "background weight %zu is %g: weights must be finite and non-negative", r, bg_w[r]);
            sum += bg_w[r];
        }
        if (!(sum > 0.0) || !isfinite(sum))
            return gb_error_set(err, "the background weights sum to %g: they must sum to a positive number",
                                sum);
    }
    return 0;
}

static int copy_trees(gb_treeshap_int *t, const gb_model *m, gb_error *err)
{
    size_t total = 0;
    int32_t biggest = 1;
    for (size_t i = 0; i < m->n_trees; i++) {
        if (m->trees[i].n_nodes <= 0 || !m->trees[i].nodes || m->trees[i].group < 0 ||
            m->trees[i].group >= m->n_groups)
            return gb_error_set(err, "tree %zu is empty or adds to an output the model lacks", i);
        total += (size_t)m->trees[i].n_nodes;
        if (m->trees[i].n_nodes > biggest)
            biggest = m->trees[i].n_nodes;
    }
    t->max_nodes = biggest;
    t->nodes = gb_malloc(total ? total : 1, sizeof *t->nodes, err);
    t->begin = gb_malloc(m->n_trees ? m->n_trees : 1, sizeof *t->begin, err);
    t->size = gb_malloc(m->n_trees ? m->n_trees : 1, sizeof *t->size, err);
    int32_t *stack = gb_malloc((size_t)biggest + 1, sizeof *stack, err);
    int32_t *aux = gb_malloc(2 * ((size_t)biggest + 1), sizeof *aux, err);
    unsigned char *seen = gb_malloc((size_t)biggest + 1, 1, err);
    int rc = (t->nodes && t->begin && t->size && stack && aux && seen) ? 0 : -1;
    size_t at = 0;
    int depth = 1;
    for (size_t i = 0; rc == 0 && i < m->n_trees; i++) {
        t->begin[i] = at;
        rc = flatten(m, &m->trees[i], i, t->nodes + at, stack, aux, seen, &t->size[i], &depth, err);
        at += (size_t)t->size[i];
    }
    /* A path holds at most depth splits and at most every feature once. */
    t->max_n = depth < m->n_features ? depth : m->n_features;
    free(stack);
    free(aux);
    free(seen);
    return rc;
}

static int copy_background(gb_treeshap_int *t, const gb_model *m, const double *bg, const double *bg_w,
                           gb_error *err)
{
    size_t nf = (size_t)m->n_features;
    t->bg = gb_malloc(t->n_bg * nf, sizeof *t->bg, err);
    t->w = t->bg ? gb_malloc(t->n_bg, sizeof *t->w, err) : NULL;
    t->base = t->w ? gb_calloc((size_t)m->n_groups, sizeof *t->base, err) : NULL;
    double *margin = t->base ? gb_malloc((size_t)m->n_groups, sizeof *margin, err) : NULL;
    if (!margin)
        return -1;
    double sum = 0.0;
    for (size_t r = 0; r < t->n_bg; r++)
        sum += bg_w ? bg_w[r] : 1.0;
    for (size_t r = 0; r < t->n_bg; r++) {
        t->w[r] = (bg_w ? bg_w[r] : 1.0) / sum;
        for (size_t f = 0; f < nf; f++)
            t->bg[r * nf + f] = gb_model_input(m, bg[r * nf + f]);
        gb_model_margin(m, t->bg + r * nf, margin);
        for (int g = 0; g < m->n_groups; g++)
            t->base[g] += t->w[r] * margin[g];
    }
    free(margin);
    return 0;
}

gb_treeshap_int *gb_treeshap_int_new(const gb_model *m, const double *bg, const double *bg_w, size_t n_bg,
                                     gb_error *err)
{
    if (check_args(m, bg_w, n_bg, err))
        return NULL;
    gb_treeshap_int *t = gb_calloc(1, sizeof *t, err);
    if (!t)
        return NULL;
    t->m = m;
    t->n_features = m->n_features;
    t->n_groups = m->n_groups;
    t->n_trees = m->n_trees;
    t->n_bg = n_bg;
    int rc = copy_trees(t, m, err);
    if (rc == 0)
        rc = copy_background(t, m, bg, bg_w, err);
    if (rc == 0)
        rc = fill_factors(t, err);
    if (rc) {
        gb_treeshap_int_free(t);
        return NULL;
    }
    return t;
}

void gb_treeshap_int_free(gb_treeshap_int *t)
{
    if (!t)
        return;
    free(t->nodes);
    free(t->begin);
    free(t->size);
    free(t->bg);
    free(t->w);
    free(t->base);
    free(t->cx);
    free(t->cr);
    free(t);
}

const double *gb_treeshap_int_base(const gb_treeshap_int *t)
{
    return t->base;
}

/* ---- the walk ------------------------------------------------------------ */

/* A leaf of value v reached with n features decided, mx of them on x's side. */
static void credit(const ti_walk *wk, double v, int n, int mx)
{
    double vs = v * wk->scale;
    double px = vs * wk->cx[n * wk->stride + mx], pr = vs * wk->cr[n * wk->stride + mx];
    for (int k = 0; k < n; k++) {
        int32_t f = wk->feat[k];
        wk->phi[f] += wk->side[f] == SIDE_X ? px : pr;
    }
}

/* Visits node i with n features decided (mx on x's side).  Single-child
 * steps loop; only a split where x and r part recurses. */
static void walk(const ti_walk *wk, int32_t i, int n, int mx)
{
    for (;;) {
        const gb_node *nd = &wk->nodes[i];
        if (nd->left < 0) {
            if (n)
                credit(wk, nd->value, n, mx);
            return;
        }
        int32_t f = nd->feature;
        int32_t dx = wk->xnext[i];
        unsigned side = wk->side[f];
        if (side == SIDE_X) {
            i = dx;
            continue;
        }
        int32_t dr = gb_node_next(wk->m, nd, wk->r[f]);
        if (side == SIDE_R || dr == dx) {
            i = dr;
            continue;
        }
        wk->feat[n] = f;
        wk->side[f] = SIDE_X;
        walk(wk, dx, n + 1, mx + 1);
        wk->side[f] = SIDE_R;
        walk(wk, dr, n + 1, mx);
        wk->side[f] = SIDE_NONE;
        return;
    }
}

int gb_treeshap_int_row(const gb_treeshap_int *t, const double *x, double *phi, const atomic_int *cancel)
{
    size_t nf = (size_t)t->n_features, width = nf + 1;
    double *xin = malloc(nf * sizeof *xin);
    int32_t *xnext = malloc((size_t)t->max_nodes * sizeof *xnext);
    unsigned char *side = calloc(nf, 1);
    int32_t *feat = malloc(((size_t)t->max_n + 1) * sizeof *feat);
    int rc = (xin && xnext && side && feat) ? 0 : -1;
    if (rc == 0) {
        for (size_t f = 0; f < nf; f++)
            xin[f] = gb_model_input(t->m, x[f]);
        memset(phi, 0, (size_t)t->n_groups * width * sizeof *phi);
    }
    ti_walk wk = {.m = t->m,
                  .xnext = xnext,
                  .side = side,
                  .feat = feat,
                  .cx = t->cx,
                  .cr = t->cr,
                  .stride = t->max_n + 1};
    for (size_t ti = 0; rc == 0 && ti < t->n_trees; ti++) {
        const gb_node *nodes = t->nodes + t->begin[ti];
        for (int32_t i = 0; i < t->size[ti]; i++)
            if (nodes[i].left >= 0)
                xnext[i] = gb_node_next(t->m, &nodes[i], xin[nodes[i].feature]);
        wk.nodes = nodes;
        wk.phi = phi + (size_t)t->m->trees[ti].group * width;
        for (size_t r = 0; r < t->n_bg; r++) {
            if (cancel && atomic_load_explicit(cancel, memory_order_relaxed)) {
                rc = 1;
                break;
            }
            wk.r = t->bg + r * nf;
            wk.scale = t->w[r];
            walk(&wk, 0, 0, 0);
        }
    }
    if (rc == 0)
        for (int g = 0; g < t->n_groups; g++)
            phi[(size_t)g * width + nf] = t->base[g];
    free(xin);
    free(xnext);
    free(side);
    free(feat);
    return rc;
}
