/* test_treeshap_fast.c: the quadrature walk behind gb_treeshap_row
 * (src/treeshap_fast.c) against the classic path algorithm
 * (gb_treeshap_row_classic) and against exact arithmetic.
 *
 * The quadrature rules are checked to integrate every power t^k with
 * k <= 2n - 1 over [0, 1] exactly (1 / (k + 1)), which is what makes the walk
 * exact.  Then random ensembles of every depth from 1 to 24 (so both the
 * fixed four-point rule of trees of depth <= 8 and the larger rules of
 * deeper trees, and the boundary between them) are explained by both walks:
 * repeated features on a path (a small feature pool), zero-cover and
 * one-sided splits, NaN and zero inputs with default directions, categorical
 * sets, several outputs.  Both walks must agree to 1e-12 relative and keep
 * additivity.  test_treeshap_random.c holds gb_treeshap_row to brute-force
 * enumeration; this file holds it to the algorithm it replaced, on the trees
 * the brute force cannot reach (deep, many features). */
#include "treeshap_impl.h"
#include "tap.h"
#include "tree_builder.h"

#include <stdint.h>
#include <string.h>

typedef struct rng {
    uint64_t s;
} rng;

/* splitmix64 */
static uint64_t next_u64(rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double unif(rng *r)
{
    return (double)(next_u64(r) >> 11) * 0x1.0p-53;
}

static int below(rng *r, int n)
{
    return (int)(unif(r) * n);
}

/* ---- quadrature rules -------------------------------------------------- */

static void test_rules(void)
{
    gb_model *m = tb_new_model(1, 1);
    /* A chain deep enough that the rules up to 40 points are built. */
    enum { DEPTH = 80 };
    gb_node nodes[2 * DEPTH + 1];
    for (int d = 0; d < DEPTH; d++) {
        nodes[2 * d] = tb_split(0, (double)d, 2 * d + 1, 2 * d + 2, 100.0 - d, 0);
        nodes[2 * d + 1] = tb_leaf((double)d, 1.0);
    }
    nodes[2 * DEPTH] = tb_leaf(-1.0, 100.0 - DEPTH);
    tb_add_tree(m, 0, nodes, 2 * DEPTH + 1);
    if (tb_finish(m)) {
        ok(0, "chain model builds");
        return;
    }
    gb_error err;
    gb_treeshap *ts = gb_treeshap_new(m, &err);
    if (!ok(ts != NULL, "explainer of an %d-level chain", DEPTH))
        return;
    ok(ts->n_quad_max == DEPTH / 2, "%d levels need rules up to %d points (has %d)", DEPTH, DEPTH / 2,
       ts->n_quad_max);
    ok(ts->trees[0].n_quad == DEPTH / 2, "the chain uses the %d-point rule", DEPTH / 2);
    double worst = 0.0, worst_sum = 0.0;
    int inside = 1;
    for (int n = 1; n <= ts->n_quad_max; n++) {
        const double *t = ts->quad_t + n * (n - 1) / 2, *c = ts->quad_c + n * (n - 1) / 2;
        const double *cold = ts->quad_cold + n * (n - 1) / 2;
        double sum = 0.0;
        for (int j = 0; j < n; j++) {
            sum += c[j];
            inside &= t[j] > 0.0 && t[j] < 1.0 && c[j] > 0.0 && fabs(cold[j] * (1.0 - t[j]) + 1.0) <= 1e-15;
        }
        worst_sum = fmax(worst_sum, fabs(sum - 1.0));
        for (int k = 0; k <= 2 * n - 1; k++) {
            double s = 0.0;
            for (int j = 0; j < n; j++)
                s += c[j] * pow(t[j], k);
            worst = fmax(worst, fabs(s - 1.0 / (k + 1)) * (k + 1));
        }
    }
    ok(inside, "every node lies in (0, 1), every weight is positive, -1/(1-t) is consistent");
    ok(worst_sum <= 1e-14, "weights sum to 1 for n = 1..%d (worst %g)", ts->n_quad_max, worst_sum);
    ok(worst <= 1e-12, "n points integrate t^k exactly for k <= 2n-1, n = 1..%d (worst relative %g)",
       ts->n_quad_max, worst);
    gb_treeshap_free(ts);
    gb_model_free(m);
}

/* ---- random ensembles -------------------------------------------------- */

typedef struct gen {
    rng *r;
    gb_model *m;
    gb_node *nodes;
    int n, cap;
    int pool;      /* split features drawn from 0 .. pool-1 */
    int depth;     /* the tree reaches exactly this depth along one path */
} gen;

static int32_t push(gen *g, gb_node nd)
{
    if (g->n == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 64;
        g->nodes = realloc(g->nodes, (size_t)g->cap * sizeof *g->nodes);
    }
    g->nodes[g->n] = nd;
    return g->n++;
}

static gb_node random_split(gen *g, double cover)
{
    rng *r = g->r;
    uint32_t fl = unif(r) < 0.5 ? GB_NODE_DEFAULT_LEFT : 0;
    if (unif(r) < 0.05)
        fl |= GB_NODE_ZERO_MISSING;
    gb_node nd = tb_split(below(r, g->pool), unif(r) * 10 - 1, -1, -1, cover, fl);
    if (unif(r) < 0.1) {
        gb_model *m = g->m;
        nd.flags |= GB_NODE_CATEGORICAL;
        m->cat_bits = realloc(m->cat_bits, (m->n_cat_bits + 1) * sizeof *m->cat_bits);
        nd.cat_begin = (uint32_t)m->n_cat_bits;
        nd.cat_words = 1;
        m->cat_bits[m->n_cat_bits++] = (uint32_t)next_u64(r);
    }
    return nd;
}

/* A subtree whose first child keeps going to g->depth ("spine"), the other
 * children stopping at random, so trees are deep but not 2^depth big. */
static int32_t grow(gen *g, int level, double cover, int spine)
{
    rng *r = g->r;
    if (level >= g->depth || (!spine && unif(r) < 0.35))
        return push(g, tb_leaf(unif(r) * 4 - 2, cover));
    int32_t self = push(g, random_split(g, cover));
    double p = unif(r);
    if (unif(r) < 0.08)
        p = unif(r) < 0.5 ? 0.0 : 1.0; /* a zero-cover child */
    else if (unif(r) < 0.2)
        p = unif(r) < 0.5 ? 1e-3 : 1.0 - 1e-3; /* skewed */
    int spine_left = unif(r) < 0.5;
    int32_t l = grow(g, level + 1, cover * p, spine && spine_left);
    int32_t rt = grow(g, level + 1, cover * (1 - p), spine && !spine_left);
    g->nodes[self].left = l;
    g->nodes[self].right = rt;
    return self;
}

static gb_model *random_model(rng *r, int n_features, int n_groups, int n_trees, int depth)
{
    gb_model *m = tb_new_model(n_features, n_groups);
    m->input_float32 = unif(r) < 0.5;
    for (int k = 0; k < n_groups; k++)
        m->base[k] = unif(r) - 0.5;
    gen g = {.r = r, .m = m};
    for (int t = 0; t < n_trees; t++) {
        g.n = 0;
        g.depth = 1 + below(r, depth);
        g.pool = unif(r) < 0.3 ? 1 + below(r, 3) : n_features;
        if (g.pool > n_features)
            g.pool = n_features;
        grow(&g, 0, 1 + 100 * unif(r), 1);
        tb_add_tree(m, below(r, n_groups), g.nodes, g.n);
    }
    free(g.nodes);
    return m;
}

static void random_row(rng *r, int n_features, double *x)
{
    for (int f = 0; f < n_features; f++) {
        double u = unif(r);
        x[f] = u < 0.1 ? NAN : u < 0.2 ? 0.0 : u < 0.4 ? (double)below(r, 40) : unif(r) * 12 - 2;
    }
}

/* Both walks on `rows` random rows; the worst relative difference and the
 * worst additivity error. */
static void compare(const gb_model *m, rng *r, int rows, double *worst, double *worst_add)
{
    gb_error err;
    gb_treeshap *ts = gb_treeshap_new(m, &err);
    gb_treeshap_ws *ws = ts ? gb_treeshap_ws_new(ts, &err) : NULL;
    if (!ws) {
        printf("# explainer: %s\n", err.msg);
        *worst = INFINITY;
        gb_treeshap_free(ts);
        return;
    }
    size_t nf = (size_t)m->n_features, w = (size_t)m->n_groups * (nf + 1);
    double *x = malloc(nf * sizeof *x), *a = malloc(w * sizeof *a), *b = malloc(w * sizeof *b);
    double margin[8];
    for (int row = 0; row < rows; row++) {
        random_row(r, m->n_features, x);
        gb_treeshap_row(ts, ws, x, a);
        gb_treeshap_row_classic(ts, ws, x, b);
        *worst = fmax(*worst, tb_max_rel_err(a, b, w));
        gb_model_margin(m, x, margin);
        for (int k = 0; k < m->n_groups; k++) {
            double s = 0.0;
            for (size_t f = 0; f <= nf; f++)
                s += a[(size_t)k * (nf + 1) + f];
            double e = fabs(s - margin[k]) / fmax(1.0, fabs(margin[k]));
            *worst_add = isnan(e) ? INFINITY : fmax(*worst_add, e);
        }
    }
    free(x);
    free(a);
    free(b);
    gb_treeshap_ws_free(ws);
    gb_treeshap_free(ts);
}

static void test_random_depths(void)
{
    rng r = {7};
    for (int depth = 1; depth <= 24; depth++) {
        double worst = 0.0, worst_add = 0.0;
        for (int k = 0; k < 6; k++) {
            int nf = 1 + below(&r, 12), ng = 1 + below(&r, 3);
            gb_model *m = random_model(&r, nf, ng, 1 + below(&r, 8), depth);
            if (tb_finish(m)) {
                worst = INFINITY;
                gb_model_free(m);
                continue;
            }
            compare(m, &r, 6, &worst, &worst_add);
            gb_model_free(m);
        }
        ok(worst <= 1e-12, "trees of depth <= %d: quadrature walk = classic walk (worst %g)", depth, worst);
        ok(worst_add <= 1e-9, "trees of depth <= %d: base + sum phi = margin (worst %g)", depth, worst_add);
    }
}

/* The benchmark's shape, smaller: 50 features, many trees of depth 8, two
 * outputs. */
static void test_wide(void)
{
    rng r = {11};
    gb_model *m = random_model(&r, 50, 2, 40, 8);
    if (tb_finish(m)) {
        ok(0, "wide model builds");
        gb_model_free(m);
        return;
    }
    double worst = 0.0, worst_add = 0.0;
    compare(m, &r, 40, &worst, &worst_add);
    ok(worst <= 1e-12, "50 features, 40 trees of depth <= 8: quadrature walk = classic walk on 40 rows (worst %g)",
       worst);
    ok(worst_add <= 1e-9, "50 features: additivity (worst %g)", worst_add);
    gb_model_free(m);
}

/* One workspace used for rows of models of different depths in turn: the
 * walk must leave it as it found it (the feature slots are reset). */
static void test_workspace_reuse(void)
{
    rng r = {3};
    gb_model *m = random_model(&r, 6, 1, 12, 14);
    if (tb_finish(m)) {
        ok(0, "model builds");
        gb_model_free(m);
        return;
    }
    gb_error err;
    gb_treeshap *ts = gb_treeshap_new(m, &err);
    gb_treeshap_ws *ws = gb_treeshap_ws_new(ts, &err);
    gb_treeshap_ws *fresh = gb_treeshap_ws_new(ts, &err);
    double x[6], a[7], b[7];
    int same = 1;
    for (int row = 0; row < 20; row++) {
        random_row(&r, 6, x);
        gb_treeshap_row(ts, ws, x, a);
        gb_treeshap_ws_free(fresh);
        fresh = gb_treeshap_ws_new(ts, &err);
        gb_treeshap_row(ts, fresh, x, b);
        same &= memcmp(a, b, sizeof a) == 0;
    }
    ok(same, "a reused workspace gives the bytes a fresh one gives, 20 rows");
    gb_treeshap_ws_free(fresh);
    gb_treeshap_ws_free(ws);
    gb_treeshap_free(ts);
    gb_model_free(m);
}

int main(void)
{
    test_rules();
    test_random_depths();
    test_wide();
    test_workspace_reuse();
    return tap_done();
}
