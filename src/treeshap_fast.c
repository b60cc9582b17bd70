/* treeshap_fast.c: the walk gb_treeshap_row uses: path-dependent TreeSHAP
 * with each leaf's Shapley sum written as an integral and evaluated exactly
 * by Gauss-Legendre quadrature.
 *
 * Why this is exact.  Take a leaf of value V whose path holds d distinct
 * features, feature j with zero fraction z_j (the product of its cover
 * ratios on the path) and one fraction o_j (1 if x follows every split on j,
 * else 0).  Its value function is v(S) = V prod_{j in S} o_j prod_{j not in
 * S} z_j, and with the Shapley weight |S|! (d-1-|S|)! / d! written as the
 * Beta integral of t^|S| (1-t)^(d-1-|S|) over [0, 1], feature i's share is
 *     phi_i = V (o_i - z_i) * integral_0^1 prod_{j != i} ((1-t) z_j + t o_j) dt.
 * The integrand is a polynomial of degree d - 1, which an n-point
 * Gauss-Legendre rule integrates exactly when 2n - 1 >= d - 1: four points
 * for a depth-8 tree.  (This is the integral form behind Linear TreeShap,
 * Yu et al. 2022, evaluated at quadrature nodes instead of through
 * polynomial coefficients.)
 *
 * The walk keeps, per level, the product P(t) of every path feature's
 * factor g_j(t) = (1-t) z_j + t o_j at the n nodes t, and per path element
 * its leaf factor h(t) = (1 - z) / g(t) when x follows it (o = 1).  A leaf
 * of value V then owes feature i sum_k V c_k P(t_k) h_i(t_k).  Every
 * feature with o = 0 gets the same share, -V sum_k c_k P(t_k) / (1 - t_k)
 * (its factor is (1-t) z_i, so dividing it out leaves no z in a
 * denominator), which is the same sum with h(t) = -1 / (1 - t).  Since an
 * element's h is fixed below the node that set it, that node credits its
 * whole subtree at once, with the subtree's sums S_k = sum over leaves of
 * V c_k P(t_k) (see visit): a leaf costs n multiplications and a node a few
 * n-long dot products, O(nodes x depth / 2) per tree in all.  Every factor
 * lies in [0, 1] and every weight is positive: nothing cancels inside a
 * leaf's share at any depth, unlike the classic UNWIND recurrence.
 *
 * A feature that reappears on the path has its element updated in place
 * (fractions multiplied in) and restored after the subtree, and the level's
 * product is rebuilt from the elements rather than divided. */
#include "treeshap_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- Gauss-Legendre rules ---------------------------------------------- */

/* Legendre P_n(x) and its derivative, by the three-term recurrence. */
static void legendre(int n, double x, double *p, double *dp)
{
    double p0 = 1.0, p1 = x;
    for (int k = 2; k <= n; k++) {
        double p2 = ((2.0 * k - 1.0) * x * p1 - (k - 1.0) * p0) / k;
        p0 = p1;
        p1 = p2;
    }
    if (n == 0) {
        *p = 1.0;
        *dp = 0.0;
        return;
    }
    *p = p1;
    *dp = (double)n * (x * p1 - p0) / (x * x - 1.0);
}

/* The n-point rule on [0, 1]: nodes t[] and weights c[].  Newton's method
 * from the usual cosine guesses; the roots come in +-x pairs, so only half
 * are solved. */
static void gauss_legendre(int n, double *t, double *c)
{
    for (int i = 0; i < (n + 1) / 2; i++) {
        double x = cos(M_PI * (i + 0.75) / (n + 0.5)), p, dp;
        for (int it = 0; it < 100; it++) {
            legendre(n, x, &p, &dp);
            double dx = p / dp;
            x -= dx;
            if (fabs(dx) <= 1e-16)
                break;
        }
        legendre(n, x, &p, &dp);
        double w = 2.0 / ((1.0 - x * x) * dp * dp);
        if (2 * i + 1 == n)
            x = 0.0; /* the middle root of an odd rule */
        t[i] = 0.5 * (1.0 - x);
        t[n - 1 - i] = 0.5 * (1.0 + x);
        c[i] = c[n - 1 - i] = 0.5 * w;
    }
}

int gb_treeshap_quad_init(gb_treeshap *ts, gb_error *err)
{
    ts->n_quad_max = gb_treeshap_quad_points(ts->max_depth);
    size_t len = (size_t)ts->n_quad_max * (size_t)(ts->n_quad_max + 1) / 2;
    ts->quad_t = gb_malloc(len, sizeof *ts->quad_t, err);
    ts->quad_c = ts->quad_t ? gb_malloc(len, sizeof *ts->quad_c, err) : NULL;
    ts->quad_cold = ts->quad_c ? gb_malloc(len, sizeof *ts->quad_cold, err) : NULL;
    if (!ts->quad_cold)
        return -1;
    for (int n = 1; n <= ts->n_quad_max; n++) {
        size_t at = (size_t)n * (size_t)(n - 1) / 2;
        gauss_legendre(n, ts->quad_t + at, ts->quad_c + at);
        for (int k = 0; k < n; k++)
            ts->quad_cold[at + (size_t)k] = -1.0 / (1.0 - ts->quad_t[at + (size_t)k]);
    }
    return 0;
}

int gb_treeshap_fast_ws_init(const gb_treeshap *ts, gb_treeshap_ws *ws, gb_error *err)
{
    size_t levels = (size_t)ts->max_depth + 1, nq = (size_t)ts->n_quad_max;
    ws->fpath = gb_malloc(levels, sizeof *ws->fpath, err);
    ws->fprod = ws->fpath ? gb_malloc(levels * nq, sizeof *ws->fprod, err) : NULL;
    ws->fhot = ws->fprod ? gb_malloc(levels * nq, sizeof *ws->fhot, err) : NULL;
    ws->fsum = ws->fhot ? gb_malloc(levels * nq, sizeof *ws->fsum, err) : NULL;
    ws->fslot = ws->fsum ? gb_malloc((size_t)ts->n_features, sizeof *ws->fslot, err) : NULL;
    if (!ws->fslot)
        return -1;
    for (int f = 0; f < ts->n_features; f++)
        ws->fslot[f] = -1;
    return 0;
}

/* ---- the walk ---------------------------------------------------------- */

/* Everything the recursion over one tree reads, passed as one pointer. */
typedef struct fast_walk {
    const gb_model *m;
    const gb_ts_node *nodes;
    const gb_ts_fnode *fnodes;
    const double *x;
    double *phi;        /* the block of the tree's group */
    gb_ts_felem *path;
    int32_t *slot;      /* slot[f]: f's element on the path, or -1 */
    double *prod;       /* level lv's product at prod + lv * n */
    double *hot;        /* element k's leaf factors at hot + k * n */
    double *sum;        /* level lv's leaf sums at sum + lv * n */
    const double *t, *c, *cold; /* the tree's rule; cold = -1 / (1 - t) */
    int n;
} fast_walk;

/* The helpers take the rule's size n as an argument and are always
 * inlined, so that the recursion for the common rule (GB_TS_QUAD_FIXED
 * points, every tree of depth <= 8) has constant-length loops the compiler
 * unrolls and vectorises. */
#define FAST_INLINE static inline __attribute__((always_inline))

/* Sets path element k and its leaf factors h: a leaf credits the element's
 * feature with sum_j V c_j P(t_j) h_j.  When x follows the element, h_j =
 * (1 - z) / g(t_j); when not, the share is -V sum_j c_j P(t_j) / (1 - t_j)
 * whatever z is, so h_j = -1 / (1 - t_j), and a leaf needs no branch. */
FAST_INLINE void set_elem(const fast_walk *fw, int n, int k, int32_t f, double z, int o)
{
    gb_ts_felem *e = &fw->path[k];
    double *h = fw->hot + (size_t)k * (size_t)n;
    e->f = f;
    e->z = z;
    e->o = o;
    if (o) {
        double nz = 1.0 - z;
        for (int j = 0; j < n; j++)
            h[j] = nz / (z + fw->t[j] * nz);
    } else {
        for (int j = 0; j < n; j++)
            h[j] = fw->cold[j];
    }
}

/* dst = src times element k's factor at every node. */
FAST_INLINE void times_elem(const fast_walk *fw, int n, double *dst, const double *src, int k)
{
    double z = fw->path[k].z;
    if (fw->path[k].o) {
        double nz = 1.0 - z;
        for (int j = 0; j < n; j++)
            dst[j] = src[j] * (z + fw->t[j] * nz);
    } else {
        for (int j = 0; j < n; j++)
            dst[j] = src[j] * (z - fw->t[j] * z);
    }
}

/* dst = the product of the factors of elements 0 .. d-1. */
FAST_INLINE void rebuild(const fast_walk *fw, int n, double *dst, int d)
{
    for (int j = 0; j < n; j++)
        dst[j] = 1.0;
    for (int k = 0; k < d; k++)
        times_elem(fw, n, dst, dst, k);
}

FAST_INLINE double dot(int n, const double *a, const double *b)
{
    double s = 0.0;
    for (int j = 0; j < n; j++)
        s += a[j] * b[j];
    return s;
}

static void recurse_fixed(const fast_walk *fw, int32_t i, int lv, int d);
static void recurse_any(const fast_walk *fw, int32_t i, int lv, int d);

/* Visits node i at level lv, whose path is elements 0 .. d-1 with product
 * prod + lv * n, and leaves at sum + lv * n the subtree's leaf sums
 * S_j = sum over its leaves of V c_j P(t_j).  A leaf credits element k with
 * sum_j V c_j P(t_j) h_j, and h is the same for every leaf below the node
 * that set element k, so that node credits the whole subtree at once with
 * S . h: a leaf costs n multiplications, a node a few dot products.  A node
 * that sets an element again (a repeated feature) credits its subtree with
 * the new factors and takes back what the node above will credit it with
 * the old ones. */
FAST_INLINE void visit(const fast_walk *fw, int n, int32_t i, int lv, int d)
{
    void (*const next)(const fast_walk *, int32_t, int, int) = n == GB_TS_QUAD_FIXED ? recurse_fixed : recurse_any;
    const gb_ts_fnode *c = &fw->fnodes[i];
    const double *p = fw->prod + (size_t)lv * (size_t)n;
    double *s = fw->sum + (size_t)lv * (size_t)n;
    __builtin_prefetch(c + 24);
    if (c->feature < 0) {
        double v = c->a;
        for (int j = 0; j < n; j++)
            s[j] = v * fw->c[j] * p[j];
        return;
    }
    int32_t hot;
    if (c->flags & GB_NODE_CATEGORICAL) {
        hot = gb_node_next(fw->m, &fw->nodes[i].nd, fw->x[c->feature]);
    } else {
        gb_node nd = {.feature = c->feature, .left = i + 1, .right = c->right, .flags = c->flags, .split = c->a};
        hot = gb_node_next(fw->m, &nd, fw->x[c->feature]);
    }
    int hot_left = hot == i + 1;
    int32_t cold = hot_left ? c->right : i + 1;
    double zh = hot_left ? c->zl : c->zr, zc = hot_left ? c->zr : c->zl;
    double *pc = fw->prod + (size_t)(lv + 1) * (size_t)n;
    const double *sc = fw->sum + (size_t)(lv + 1) * (size_t)n;
    int32_t f = c->feature;
    int k = fw->slot[f];
    double credit = 0.0;

    if (k < 0) {
        /* A new feature: one more element, for the subtree only. */
        const double *h = fw->hot + (size_t)d * (size_t)n;
        fw->slot[f] = d;
        set_elem(fw, n, d, f, zh, 1);
        times_elem(fw, n, pc, p, d);
        next(fw, hot, lv + 1, d + 1);
        credit = dot(n, sc, h);
        for (int j = 0; j < n; j++)
            s[j] = sc[j];
        if (zc != 0.0) {
            set_elem(fw, n, d, f, zc, 0);
            times_elem(fw, n, pc, p, d);
            next(fw, cold, lv + 1, d + 1);
            credit += dot(n, sc, h);
            for (int j = 0; j < n; j++)
                s[j] += sc[j];
        }
        fw->slot[f] = -1;
        fw->phi[f] += credit;
        return;
    }
    /* The feature is on the path already: fold this split's fractions into
     * its element for each child, then put the element back. */
    const double *h = fw->hot + (size_t)k * (size_t)n;
    gb_ts_felem old = fw->path[k];
    zh *= old.z;
    zc *= old.z;
    for (int j = 0; j < n; j++)
        s[j] = 0.0;
    if (old.o || zh != 0.0) {
        set_elem(fw, n, k, f, zh, old.o);
        rebuild(fw, n, pc, d);
        next(fw, hot, lv + 1, d);
        credit = dot(n, sc, h);
        for (int j = 0; j < n; j++)
            s[j] = sc[j];
    }
    if (zc != 0.0) {
        set_elem(fw, n, k, f, zc, 0);
        rebuild(fw, n, pc, d);
        next(fw, cold, lv + 1, d);
        credit += dot(n, sc, h);
        for (int j = 0; j < n; j++)
            s[j] += sc[j];
    }
    set_elem(fw, n, k, f, old.z, old.o);
    fw->phi[f] += credit - dot(n, s, h);
}

static void recurse_fixed(const fast_walk *fw, int32_t i, int lv, int d)
{
    visit(fw, GB_TS_QUAD_FIXED, i, lv, d);
}

static void recurse_any(const fast_walk *fw, int32_t i, int lv, int d)
{
    visit(fw, fw->n, i, lv, d);
}

int gb_treeshap_quad_points(int depth)
{
    return depth <= 2 * GB_TS_QUAD_FIXED ? GB_TS_QUAD_FIXED : (depth + 1) / 2;
}

void gb_treeshap_fast_walk(const gb_treeshap *ts, gb_treeshap_ws *ws, double *phi)
{
    size_t width = (size_t)ts->n_features + 1;
    fast_walk fw = {.m = ts->m, .x = ws->x, .path = ws->fpath, .slot = ws->fslot, .prod = ws->fprod,
                    .hot = ws->fhot, .sum = ws->fsum};
    for (size_t t = 0; t < ts->n_trees; t++) {
        const gb_ts_tree *tr = &ts->trees[t];
        size_t at = (size_t)tr->n_quad * (size_t)(tr->n_quad - 1) / 2;
        fw.nodes = ts->nodes + tr->begin;
        fw.fnodes = ts->fnodes + tr->begin;
        fw.phi = phi + (size_t)tr->group * width;
        fw.n = tr->n_quad;
        fw.t = ts->quad_t + at;
        fw.c = ts->quad_c + at;
        fw.cold = ts->quad_cold + at;
        for (int j = 0; j < fw.n; j++)
            fw.prod[j] = 1.0;
        if (fw.n == GB_TS_QUAD_FIXED)
            recurse_fixed(&fw, 0, 0, 0);
        else
            recurse_any(&fw, 0, 0, 0);
    }
}
