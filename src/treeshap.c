/* treeshap.c: exact path-dependent TreeSHAP over a gb_model (see treeshap.h):
 * the compact copy of the trees, and the classic path algorithm.
 *
 * gb_treeshap_row uses the quadrature walk of treeshap_fast.c; the classic
 * algorithm here is gb_treeshap_row_classic (the reference the tests hold
 * the fast walk to) and the conditioned walk of interaction values.
 *
 * TreeSHAP is the product's hot loop, so gb_treeshap_new copies every tree into
 * one compact array laid out in depth-first preorder (a node's left child is
 * the next node, so the recursion walks memory forwards), with the zero
 * fractions cover_child / cover_node already divided out and the reciprocals
 * the path arithmetic needs kept in a table.  The split decision itself is
 * always taken by gb_node_next on a copy of the model's node, so missing values,
 * categorical sets and LightGBM's zero rules are never re-implemented here.
 *
 * The path algorithm is the one of Lundberg, Erion and Lee (2018/2020,
 * Algorithm 2): EXTEND adds a split to the path, UNWIND removes a feature that
 * reappears further down, and at each leaf the unwound sums give every
 * feature on the path its share.  Two facts of this setting make it cheaper
 * than the textbook version: a one fraction is always 0 or 1 (it is a
 * product of indicators), and for every element with one fraction 0 the
 * unwound sum times (o - z) is the same number, so those elements cost O(1)
 * at a leaf instead of O(depth).  UNWIND and UNWOUND_SUM solve their
 * recurrence from both ends (see unwind_split): the textbook's one-sided
 * solve loses all precision on deep paths with skewed covers.
 *
 * Zero cover.  A node no training data reached (cover 0) gives its children
 * zero fraction 0, as does a child with cover 0: where nothing was seen, an
 * absent feature sends no weight.  Such a node is only reached through
 * features that are present, and a branch whose weight is identically zero
 * (zero fraction 0 and one fraction 0) is skipped, which is both exact and
 * what keeps UNWIND from ever dividing by a zero fraction.  Zero fractions
 * are clamped to [0, 1] (a child cannot hold more weight than its parent),
 * so an inconsistent file cannot overflow the arithmetic. */
#include "treeshap_impl.h"

#include <stdlib.h>
#include <string.h>

typedef gb_ts_node ts_node;
typedef gb_ts_tree ts_tree;
typedef gb_ts_elem ts_elem;

/* Everything the recursion over one tree reads, passed as one pointer. */
typedef struct ts_walk {
    const gb_model *m;
    const ts_node *nodes;
    const double *x;
    const double *inv;
    double *phi; /* the block of the tree's group */
} ts_walk;

/* ---- building ---------------------------------------------------------- */

static double cover_of(const gb_node *nd)
{
    return nd->cover > 0.0 && isfinite(nd->cover) ? nd->cover : 0.0;
}

/* Fraction of the node's training weight that went to child c. */
static double zero_fraction(const gb_node *node, const gb_node *c)
{
    double parent = cover_of(node);
    if (parent <= 0.0)
        return 0.0;
    double z = cover_of(c) / parent;
    return z < 1.0 ? z : 1.0;
}

/* Counts the nodes reachable from the root and the depth, checking what the
 * recursion relies on even though gb_model_finish checked it too: indices in
 * range, features in range, no node reached twice, bounded depth. */
static int measure_tree(const gb_model *m, const gb_tree *t, size_t ti, int32_t *stack, int32_t *depth_of,
                        unsigned char *seen, size_t *n_nodes, int *depth, gb_error *err)
{
    size_t sp = 0, count = 0;
    int deepest = 0;
    if (t->n_nodes <= 0 || !t->nodes)
        return gb_error_set(err, "tree %zu has no nodes", ti);
    memset(seen, 0, (size_t)t->n_nodes);
    stack[sp++] = 0;
    depth_of[0] = 0;
    seen[0] = 1;
    while (sp) {
        int32_t i = stack[--sp];
        const gb_node *nd = &t->nodes[i];
        count++;
        if (depth_of[i] > deepest)
            deepest = depth_of[i];
        if (nd->left < 0)
            continue;
        if (nd->feature < 0 || nd->feature >= m->n_features)
            return gb_error_set(err, "tree %zu, node %d: split feature %d is out of range (the model has %d features)",
                                ti, i, nd->feature, m->n_features);
        if ((nd->flags & GB_NODE_CATEGORICAL) && (size_t)nd->cat_begin + nd->cat_words > m->n_cat_bits)
            return gb_error_set(err, "tree %zu, node %d: category set lies outside the model's category table", ti, i);
        if (depth_of[i] + 1 > GB_MAX_DEPTH)
            return gb_error_set(err, "tree %zu is deeper than %d levels", ti, GB_MAX_DEPTH);
        int32_t kids[2] = {nd->left, nd->right};
        for (int k = 0; k < 2; k++) {
            if (kids[k] < 0 || kids[k] >= t->n_nodes)
                return gb_error_set(err, "tree %zu, node %d: child index %d is out of range (the tree has %d nodes)",
                                    ti, i, kids[k], t->n_nodes);
            if (seen[kids[k]])
                return gb_error_set(err, "tree %zu, node %d: child %d is reached twice", ti, i, kids[k]);
            seen[kids[k]] = 1;
            depth_of[kids[k]] = depth_of[i] + 1;
            stack[sp++] = kids[k];
        }
    }
    *n_nodes = count;
    *depth = deepest;
    return 0;
}

/* Copies a checked tree into out[] in preorder (explicit stack: right child
 * pushed first so the left one is written next).  Returns the node count. */
static size_t flatten_tree(const gb_tree *t, ts_node *out, int32_t *stack, int32_t *slot_of_parent)
{
    size_t n = 0, sp = 0;
    stack[sp] = 0;
    slot_of_parent[sp++] = -1;
    while (sp) {
        sp--;
        int32_t i = stack[sp], parent_slot = slot_of_parent[sp];
        const gb_node *nd = &t->nodes[i];
        ts_node *o = &out[n];
        /* A right child is reached after its whole left subtree: link it. */
        if (parent_slot >= 0)
            out[parent_slot].nd.right = (int32_t)n;
        o->nd = *nd;
        if (nd->left < 0) {
            o->nd.feature = o->nd.left = o->nd.right = -1;
            o->zl = o->zr = 0.0;
        } else {
            o->nd.left = (int32_t)n + 1;
            o->zl = zero_fraction(nd, &t->nodes[nd->left]);
            o->zr = zero_fraction(nd, &t->nodes[nd->right]);
            stack[sp] = nd->right;
            slot_of_parent[sp++] = (int32_t)n;
            stack[sp] = nd->left;
            slot_of_parent[sp++] = -1;
        }
        n++;
    }
    return n;
}

/* The tree's expected value under the zero fractions: what the recursion
 * attributes nothing to, so additivity holds to rounding whatever the
 * covers.  Children follow their parent in preorder, so one backward pass
 * over the nodes sees every child before its parent. */
static double tree_mean(const ts_node *nodes, size_t n, double *scratch)
{
    for (size_t k = n; k-- > 0;) {
        const ts_node *c = &nodes[k];
        scratch[k] = c->nd.left < 0 ? c->nd.value
                                    : c->zl * scratch[k + 1] + c->zr * scratch[c->nd.right];
    }
    return scratch[0];
}

void gb_treeshap_free(gb_treeshap *ts)
{
    if (!ts)
        return;
    free(ts->base);
    free(ts->trees);
    free(ts->nodes);
    free(ts->fnodes);
    free(ts->inv);
    free(ts->quad_t);
    free(ts->quad_c);
    free(ts->quad_cold);
    free(ts);
}

/* Sizes the compact array and the path from a first pass over the trees. */
static int plan(gb_treeshap *ts, const gb_model *m, int32_t *stack, int32_t *depth_of, unsigned char *seen,
                size_t *total, gb_error *err)
{
    *total = 0;
    ts->max_depth = 0;
    for (size_t t = 0; t < m->n_trees; t++) {
        size_t n = 0;
        int depth = 0;
        if (m->trees[t].group < 0 || m->trees[t].group >= m->n_groups)
            return gb_error_set(err, "tree %zu adds to output %d, but the model has %d outputs", t,
                                m->trees[t].group, m->n_groups);
        if (measure_tree(m, &m->trees[t], t, stack, depth_of, seen, &n, &depth, err))
            return -1;
        *total += n;
        ts->trees[t].n_quad = gb_treeshap_quad_points(depth);
        if (depth > ts->max_depth)
            ts->max_depth = depth;
    }
    return 0;
}

static int fill(gb_treeshap *ts, const gb_model *m, int32_t *stack, int32_t *slots, double *scratch)
{
    size_t at = 0;
    for (int g = 0; g < m->n_groups; g++)
        ts->base[g] = m->base ? m->base[g] : 0.0;
    for (size_t t = 0; t < m->n_trees; t++) {
        const gb_tree *tr = &m->trees[t];
        size_t n = flatten_tree(tr, ts->nodes + at, stack, slots);
        for (size_t k = at; k < at + n; k++) {
            const ts_node *c = &ts->nodes[k];
            int leaf = c->nd.left < 0;
            ts->fnodes[k] = (gb_ts_fnode){.a = leaf ? c->nd.value : c->nd.split, .zl = c->zl, .zr = c->zr,
                                          .feature = leaf ? -1 : c->nd.feature, .right = c->nd.right,
                                          .flags = c->nd.flags};
        }
        ts->trees[t].begin = at;
        ts->trees[t].group = tr->group;
        ts->base[tr->group] += tree_mean(ts->nodes + at, n, scratch);
        at += n;
    }
    return 0;
}

gb_treeshap *gb_treeshap_new(const gb_model *m, gb_error *err)
{
    if (m->kind != GB_MODEL_TREES) {
        gb_error_set(err, "TreeSHAP needs a tree ensemble; this is a %s model", gb_model_kind_name(m->kind));
        return NULL;
    }
    if (m->n_features <= 0 || m->n_groups <= 0) {
        gb_error_set(err, "the model has %d features and %d outputs", m->n_features, m->n_groups);
        return NULL;
    }
    gb_treeshap *ts = gb_calloc(1, sizeof *ts, err);
    if (!ts)
        return NULL;
    ts->m = m;
    ts->n_features = m->n_features;
    ts->n_groups = m->n_groups;
    ts->n_trees = m->n_trees;

    int32_t biggest = 1;
    for (size_t t = 0; t < m->n_trees; t++)
        if (m->trees[t].n_nodes > biggest)
            biggest = m->trees[t].n_nodes;
    int32_t *stack = gb_malloc((size_t)biggest + 1, sizeof *stack, err);
    int32_t *aux = stack ? gb_malloc((size_t)biggest + 1, sizeof *aux, err) : NULL;
    unsigned char *seen = aux ? gb_malloc((size_t)biggest + 1, 1, err) : NULL;
    double *scratch = seen ? gb_malloc((size_t)biggest + 1, sizeof *scratch, err) : NULL;
    size_t total = 0;
    ts->trees = scratch ? gb_calloc(m->n_trees ? m->n_trees : 1, sizeof *ts->trees, err) : NULL;
    int rc = ts->trees ? plan(ts, m, stack, aux, seen, &total, err) : -1;
    if (rc == 0) {
        size_t levels = (size_t)ts->max_depth + 2;
        /* Level k of the recursion copies at most k + 1 elements after the
         * previous levels' ones. */
        ts->path_len = levels * (levels + 1) / 2 + levels;
        ts->base = gb_calloc((size_t)m->n_groups, sizeof *ts->base, err);
        ts->nodes = ts->base ? gb_malloc(total ? total : 1, sizeof *ts->nodes, err) : NULL;
        ts->fnodes = ts->nodes ? gb_malloc(total ? total : 1, sizeof *ts->fnodes, err) : NULL;
        ts->inv = ts->fnodes ? gb_malloc(levels + 2, sizeof *ts->inv, err) : NULL;
        rc = ts->inv ? gb_treeshap_quad_init(ts, err) : -1;
    }
    if (rc == 0) {
        ts->inv[0] = 0.0;
        for (size_t k = 1; k < (size_t)ts->max_depth + 4; k++)
            ts->inv[k] = 1.0 / (double)k;
        rc = fill(ts, m, stack, aux, scratch);
    }
    free(stack);
    free(aux);
    free(seen);
    free(scratch);
    if (rc) {
        gb_treeshap_free(ts);
        return NULL;
    }
    return ts;
}

const double *gb_treeshap_base(const gb_treeshap *ts)
{
    return ts->base;
}

gb_treeshap_ws *gb_treeshap_ws_new(const gb_treeshap *ts, gb_error *err)
{
    gb_treeshap_ws *ws = gb_calloc(1, sizeof *ws, err);
    if (!ws)
        return NULL;
    ws->path = gb_malloc(ts->path_len, sizeof *ws->path, err);
    ws->x = ws->path ? gb_malloc((size_t)ts->n_features, sizeof *ws->x, err) : NULL;
    if (!ws->x || gb_treeshap_fast_ws_init(ts, ws, err)) {
        gb_treeshap_ws_free(ws);
        return NULL;
    }
    return ws;
}

void gb_treeshap_ws_free(gb_treeshap_ws *ws)
{
    if (!ws)
        return;
    free(ws->path);
    free(ws->x);
    free(ws->fpath);
    free(ws->fprod);
    free(ws->fhot);
    free(ws->fsum);
    free(ws->fslot);
    free(ws);
}

/* ---- the path algorithm ------------------------------------------------ */

/* EXTEND fused with the copy a child makes of its parent's path: p[0..l]
 * becomes parent[0..l-1] with element l (feature f, fractions z and o)
 * appended.  Written as new w[k] = (z (l-k) w[k] + o k w[k-1]) / (l+1), each
 * weight depends only on the parent's, so there is no serial chain. */
static inline void extend_copy(ts_elem *p, const ts_elem *parent, int l, double z, int o, int32_t f,
                               const double *inv)
{
    p[l].f = f;
    p[l].z = z;
    p[l].o = o;
    if (l == 0) {
        p[0].w = 1.0;
        return;
    }
    double r = inv[l + 1], zr = z * r;
    if (o) {
        p[l].w = parent[l - 1].w * (double)l * r;
        for (int k = l - 1; k >= 1; k--)
            p[k].w = zr * (double)(l - k) * parent[k].w + r * (double)k * parent[k - 1].w;
    } else {
        p[l].w = 0.0;
        for (int k = l - 1; k >= 1; k--)
            p[k].w = zr * (double)(l - k) * parent[k].w;
    }
    p[0].w = zr * (double)l * parent[0].w;
    for (int k = 0; k < l; k++) {
        p[k].f = parent[k].f;
        p[k].z = parent[k].z;
        p[k].o = parent[k].o;
    }
}

/* Undoing an EXTEND with one fraction 1 means solving, for the weights u[]
 * the path had before, (l+1) w[k] = z (l-k) u[k] + k u[k-1] (k = 0..l).  The
 * textbook solves it from the top (k = l down), multiplying the error at
 * each step by z (l-k) / k; from the bottom the factor is k / (z (l-k)).
 * Over a deep path either product explodes (at depth 128 with skewed covers
 * the textbook loses every digit), so each u[k] is taken from the side on
 * which all the factors are below 1: from the bottom while k < z l / (1+z),
 * from the top after.  Returns that split point. */
static inline int unwind_split(int l, double z)
{
    return (int)(z * (double)l / (1.0 + z));
}

/* UNWIND: removes element k from p[0..l], undoing its EXTEND.  An element
 * with o == 0 always has z > 0 here (zero-weight branches are skipped). */
static inline void unwind(ts_elem *p, int l, int k, const double *inv)
{
    double z = p[k].z, lp1 = (double)(l + 1);
    if (p[k].o) {
        double u[GB_MAX_DEPTH + 2];
        int m = unwind_split(l, z);
        if (m > 0) {
            double iz = 1.0 / z;
            u[0] = p[0].w * lp1 * inv[l] * iz;
            for (int j = 1; j < m; j++)
                u[j] = (p[j].w * lp1 - (double)j * u[j - 1]) * inv[l - j] * iz;
        }
        u[l - 1] = p[l].w * lp1 * inv[l];
        for (int j = l - 1; j > m; j--)
            u[j - 1] = (p[j].w * lp1 - z * (double)(l - j) * u[j]) * inv[j];
        for (int j = 0; j < l; j++)
            p[j].w = u[j];
    } else {
        double s = lp1 / z;
        for (int j = l - 1; j >= 0; j--)
            p[j].w *= s * inv[l - j];
    }
    for (int j = k; j < l; j++) {
        p[j].f = p[j + 1].f;
        p[j].z = p[j + 1].z;
        p[j].o = p[j + 1].o;
    }
}

/* UNWOUND_SUM for an element with o == 1 and zero fraction z: the total
 * weight of the path with that element taken out, by the same two-sided
 * solve as unwind (the two halves are independent chains, which the CPU
 * overlaps). */
static inline double unwound_sum_hot(const ts_elem *p, int l, double z, const double *inv)
{
    double lp1 = (double)(l + 1), total = 0.0, u;
    int m = unwind_split(l, z);
    if (m > 0) {
        double iz = 1.0 / z;
        u = p[0].w * lp1 * inv[l] * iz;
        total = u;
        for (int j = 1; j < m; j++) {
            u = (p[j].w * lp1 - (double)j * u) * inv[l - j] * iz;
            total += u;
        }
    }
    u = p[l].w * lp1 * inv[l];
    total += u;
    for (int j = l - 1; j > m; j--) {
        u = (p[j].w * lp1 - z * (double)(l - j) * u) * inv[j];
        total += u;
    }
    return total;
}

/* Credits every feature on the path for leaf value v.  For an element with
 * o == 0, (o - z) * UNWOUND_SUM = -z * (1/z) * sum_j w_j (l+1)/(l-j): the
 * same number for all of them, computed once. */
static void credit_leaf(const ts_walk *wk, const ts_elem *p, int l, double v)
{
    double cold = 0.0;
    int have_cold = 0;
    for (int i = 1; i <= l; i++) {
        if (p[i].o) {
            double z = p[i].z;
            wk->phi[p[i].f] += unwound_sum_hot(p, l, z, wk->inv) * (1.0 - z) * v;
        } else {
            if (!have_cold) {
                double s = 0.0;
                for (int j = 0; j < l; j++)
                    s += p[j].w * wk->inv[l - j];
                cold = -s * (double)(l + 1) * v;
                have_cold = 1;
            }
            wk->phi[p[i].f] += cold;
        }
    }
}

/* Visits node i, whose path is parent[0..l-1] extended by (z, o, f).  The
 * node's own copy of the path starts right after the parent's elements, so
 * the parent's stays intact for its other child. */
static void recurse(const ts_walk *wk, int32_t i, ts_elem *parent, int l, double z, int o, int32_t f)
{
    ts_elem *p = parent + l;
    extend_copy(p, parent, l, z, o, f, wk->inv);

    const ts_node *c = &wk->nodes[i];
    const gb_node *nd = &c->nd;
    /* The walk is in preorder, so the nodes ahead are the ones coming next;
     * a model is too big for the cache, so ask for them early. */
    __builtin_prefetch(c + 6);
    if (nd->left < 0) {
        credit_leaf(wk, p, l, nd->value);
        return;
    }
    int32_t hot = gb_node_next(wk->m, nd, wk->x[nd->feature]);
    int hot_left = hot == nd->left;
    int32_t cold = hot_left ? nd->right : nd->left;
    double zh = hot_left ? c->zl : c->zr, zc = hot_left ? c->zr : c->zl;

    /* A feature already on the path: take its fractions out and fold them
     * into this split's, so each feature appears once. */
    double iz = 1.0;
    int io = 1;
    for (int k = 1; k <= l; k++) {
        if (p[k].f == nd->feature) {
            iz = p[k].z;
            io = p[k].o;
            unwind(p, l, k, wk->inv);
            l--;
            break;
        }
    }
    zh *= iz;
    zc *= iz;
    if (io || zh != 0.0)
        recurse(wk, hot, p, l + 1, zh, io, nd->feature);
    if (zc != 0.0)
        recurse(wk, cold, p, l + 1, zc, 0, nd->feature);
}

void gb_treeshap_row_classic(const gb_treeshap *ts, gb_treeshap_ws *ws, const double *x, double *phi)
{
    const gb_model *m = ts->m;
    size_t width = (size_t)ts->n_features + 1;
    for (int f = 0; f < ts->n_features; f++)
        ws->x[f] = gb_model_input(m, x[f]);
    memset(phi, 0, (size_t)ts->n_groups * width * sizeof *phi);

    ts_walk wk = {.m = m, .x = ws->x, .inv = ts->inv};
    for (size_t t = 0; t < ts->n_trees; t++) {
        const ts_tree *tr = &ts->trees[t];
        wk.nodes = ts->nodes + tr->begin;
        wk.phi = phi + (size_t)tr->group * width;
        recurse(&wk, 0, ws->path, 0, 1.0, 1, -1);
    }
    for (int g = 0; g < ts->n_groups; g++)
        phi[(size_t)g * width + (size_t)ts->n_features] = ts->base[g];
}

void gb_treeshap_row(const gb_treeshap *ts, gb_treeshap_ws *ws, const double *x, double *phi)
{
    size_t width = (size_t)ts->n_features + 1;
    for (int f = 0; f < ts->n_features; f++)
        ws->x[f] = gb_model_input(ts->m, x[f]);
    memset(phi, 0, (size_t)ts->n_groups * width * sizeof *phi);
    gb_treeshap_fast_walk(ts, ws, phi);
    for (int g = 0; g < ts->n_groups; g++)
        phi[(size_t)g * width + (size_t)ts->n_features] = ts->base[g];
}

/* ---- conditioned walk (interaction values) ----------------------------- */

typedef struct ts_cond {
    int32_t feature; /* the conditioned feature */
    int on;          /* held present (1) or absent (0) */
} ts_cond;

/* As recurse, with the path's weight scaled by cf, the fraction of the
 * conditioned feature's paths reaching node i.  A split on that feature
 * never enters the path: its children are visited with the parent's path
 * copied unchanged (extend == 0). */
static void recurse_cond(const ts_walk *wk, const ts_cond *cd, int32_t i, ts_elem *parent, int l, double z, int o,
                         int32_t f, int extend, double cf)
{
    ts_elem *p = parent + l;
    if (extend) {
        extend_copy(p, parent, l, z, o, f, wk->inv);
    } else {
        /* The node sees the parent's path p[0..l-1]: l elements, depth l-1. */
        memcpy(p, parent, (size_t)l * sizeof *p);
        l--;
    }
    const ts_node *c = &wk->nodes[i];
    const gb_node *nd = &c->nd;
    if (nd->left < 0) {
        credit_leaf(wk, p, l, nd->value * cf);
        return;
    }
    int32_t hot = gb_node_next(wk->m, nd, wk->x[nd->feature]);
    int hot_left = hot == nd->left;
    int32_t cold = hot_left ? nd->right : nd->left;
    double zh = hot_left ? c->zl : c->zr, zc = hot_left ? c->zr : c->zl;
    if (nd->feature == cd->feature) {
        double ch = cd->on ? cf : cf * zh, cc = cd->on ? 0.0 : cf * zc;
        if (ch != 0.0)
            recurse_cond(wk, cd, hot, p, l + 1, 0, 0, -1, 0, ch);
        if (cc != 0.0)
            recurse_cond(wk, cd, cold, p, l + 1, 0, 0, -1, 0, cc);
        return;
    }
    double iz = 1.0;
    int io = 1;
    for (int k = 1; k <= l; k++) {
        if (p[k].f == nd->feature) {
            iz = p[k].z;
            io = p[k].o;
            unwind(p, l, k, wk->inv);
            l--;
            break;
        }
    }
    zh *= iz;
    zc *= iz;
    if (io || zh != 0.0)
        recurse_cond(wk, cd, hot, p, l + 1, zh, io, nd->feature, 1, cf);
    if (zc != 0.0)
        recurse_cond(wk, cd, cold, p, l + 1, zc, 0, nd->feature, 1, cf);
}

void gb_treeshap_row_cond(const gb_treeshap *ts, gb_treeshap_ws *ws, const double *x, int cond_feature, int cond,
                          double *phi)
{
    const gb_model *m = ts->m;
    size_t width = (size_t)ts->n_features + 1;
    for (int f = 0; f < ts->n_features; f++)
        ws->x[f] = gb_model_input(m, x[f]);
    memset(phi, 0, (size_t)ts->n_groups * width * sizeof *phi);
    ts_cond cd = {.feature = cond_feature, .on = cond > 0};
    ts_walk wk = {.m = m, .x = ws->x, .inv = ts->inv};
    for (size_t t = 0; t < ts->n_trees; t++) {
        const ts_tree *tr = &ts->trees[t];
        wk.nodes = ts->nodes + tr->begin;
        wk.phi = phi + (size_t)tr->group * width;
        recurse_cond(&wk, &cd, 0, ws->path, 0, 1.0, 1, -1, 1, 1.0);
    }
}
