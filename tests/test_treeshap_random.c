/* test_treeshap_random.c: checks exact TreeSHAP (src/treeshap.c) against
 * independent references on random ensembles.
 *
 * Random ensembles (repeated features on a path, categorical sets, default
 * directions, LightGBM zero rules, zero covers, several outputs, float32
 * inputs, shuffled and unreachable nodes) are checked against a brute force
 * that evaluates the path-dependent value function E[f | x_S] for every
 * coalition S by a plain recursive walk and then applies the Shapley
 * enumeration formula, and against a polynomial reference that scales to
 * many features; additivity against gb_model_margin on every row; the
 * deepest tree a model may hold; and the properties the rest of the program
 * relies on (shared read-only explainer across threads, workspace reuse).
 * The hand-worked trees are in test_treeshap.c. */
#include "treeshap.h"
#include "tap.h"
#include "tree_builder.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

/* ---- deterministic random numbers (splitmix64) ------------------------- */

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double unif(rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static int below(rng *r, int n)
{
    return (int)(unif(r) * n);
}

/* ---- the independent brute force --------------------------------------- */

/* E[tree | x_S] by the path-dependent rule: a feature in S follows x, an
 * absent one takes both children weighted by cover_child / cover_node, and
 * a node with no cover sends no weight anywhere. */
static double cond_exp(const gb_model *m, const gb_node *nodes, int32_t i, const double *xin, unsigned s)
{
    const gb_node *nd = &nodes[i];
    if (nd->left < 0)
        return nd->value;
    if (nd->feature < 32 && (s >> nd->feature & 1u))
        return cond_exp(m, nodes, gb_node_next(m, nd, xin[nd->feature]), xin, s);
    if (nd->cover <= 0.0)
        return 0.0;
    return nodes[nd->left].cover / nd->cover * cond_exp(m, nodes, nd->left, xin, s) +
           nodes[nd->right].cover / nd->cover * cond_exp(m, nodes, nd->right, xin, s);
}

/* Shapley values by enumerating all 2^M coalitions (M <= 10), in the layout
 * of gb_treeshap_row, bias being the model's base plus E[f | x_{}]. */
static void brute_shap(const gb_model *m, const double *x, double *phi)
{
    int nf = m->n_features, ng = m->n_groups;
    unsigned n_sets = 1u << nf;
    double xin[16], fact[17];
    double *v = calloc((size_t)n_sets * (size_t)ng, sizeof *v);
    fact[0] = 1.0;
    for (int k = 1; k <= 16; k++)
        fact[k] = fact[k - 1] * k;
    for (int f = 0; f < nf; f++)
        xin[f] = gb_model_input(m, x[f]);
    for (unsigned s = 0; s < n_sets; s++)
        for (size_t t = 0; t < m->n_trees; t++)
            v[(size_t)m->trees[t].group * n_sets + s] += cond_exp(m, m->trees[t].nodes, 0, xin, s);
    for (int g = 0; g < ng; g++) {
        const double *vg = v + (size_t)g * n_sets;
        double *pg = phi + (size_t)g * (nf + 1);
        for (int i = 0; i < nf; i++) {
            double sum = 0.0;
            for (unsigned s = 0; s < n_sets; s++) {
                if (s >> i & 1u)
                    continue;
                int size = __builtin_popcount(s);
                sum += fact[size] * fact[nf - size - 1] / fact[nf] * (vg[s | 1u << i] - vg[s]);
            }
            pg[i] = sum;
        }
        pg[nf] = m->base[g] + vg[0];
    }
    free(v);
}

/* A second exact reference that scales to many features and deep paths.
 * E[tree | x_S] is a sum over leaves of value * prod over the features e on
 * the leaf's path of (e in S ? a_e : b_e), where a_e is 1 if x follows every
 * split on e along the path and 0 otherwise, and b_e the product of the zero
 * fractions of those splits.  For one such product term, a feature off the
 * path is a null player and can be dropped (the Shapley value of the others
 * does not change), so with P features on the path the term gives feature i
 *     value * (a_i - b_i) * sum_j c_j * j! (P-1-j)! / P!
 * where c_j is the coefficient of t^j in prod_{e != i} (b_e + a_e t).  Only
 * sums of products of non-negative numbers: no cancellation at any depth. */
typedef struct poly_walk {
    const gb_model *m;
    const gb_node *nodes;
    const double *xin;
    double *a, *b;  /* per feature, along the current path */
    int *count;     /* splits on each feature along the current path */
    int *on_path;   /* the distinct features on the current path */
    int n_on_path;
    double *phi;    /* the block of the tree's group */
} poly_walk;

static double shapley_weight(int p, int j)
{
    /* j! (p-1-j)! / p! = 1 / (p * C(p-1, j)) */
    double c = 1.0;
    for (int k = 1; k <= j; k++)
        c = c * (double)(p - 1 - j + k) / (double)k;
    return 1.0 / ((double)p * c);
}

static void poly_leaf(poly_walk *pw, double value)
{
    int p = pw->n_on_path;
    double c[GB_MAX_DEPTH + 2];
    for (int ii = 0; ii < p; ii++) {
        int i = pw->on_path[ii], deg = 0;
        c[0] = 1.0;
        for (int ee = 0; ee < p; ee++) {
            int e = pw->on_path[ee];
            if (e == i)
                continue;
            c[deg + 1] = 0.0;
            for (int j = deg + 1; j >= 1; j--)
                c[j] = c[j] * pw->b[e] + c[j - 1] * pw->a[e];
            c[0] *= pw->b[e];
            deg++;
        }
        double sum = 0.0;
        for (int j = 0; j <= deg; j++)
            sum += c[j] * shapley_weight(p, j);
        pw->phi[i] += value * (pw->a[i] - pw->b[i]) * sum;
    }
}

static void poly_node(poly_walk *pw, int32_t i)
{
    const gb_node *nd = &pw->nodes[i];
    if (nd->left < 0) {
        poly_leaf(pw, nd->value);
        return;
    }
    int e = nd->feature;
    int32_t hot = gb_node_next(pw->m, nd, pw->xin[e]);
    if (pw->count[e]++ == 0)
        pw->on_path[pw->n_on_path++] = e;
    int32_t kids[2] = {nd->left, nd->right};
    for (int k = 0; k < 2; k++) {
        double a = pw->a[e], b = pw->b[e];
        double z = nd->cover > 0.0 ? pw->nodes[kids[k]].cover / nd->cover : 0.0;
        pw->a[e] = kids[k] == hot ? a : 0.0;
        pw->b[e] = b * z;
        poly_node(pw, kids[k]);
        pw->a[e] = a;
        pw->b[e] = b;
    }
    if (--pw->count[e] == 0)
        pw->n_on_path--;
}

/* Shapley values of the path-dependent value function for any number of
 * features, in the layout of gb_treeshap_row. */
static void poly_shap(const gb_model *m, const double *x, double *phi)
{
    int nf = m->n_features;
    poly_walk pw = {.m = m};
    double *xin = malloc((size_t)nf * sizeof *xin);
    pw.a = malloc((size_t)nf * sizeof *pw.a);
    pw.b = malloc((size_t)nf * sizeof *pw.b);
    pw.count = calloc((size_t)nf, sizeof *pw.count);
    pw.on_path = malloc((size_t)nf * sizeof *pw.on_path);
    for (int f = 0; f < nf; f++) {
        xin[f] = gb_model_input(m, x[f]);
        pw.a[f] = pw.b[f] = 1.0;
    }
    pw.xin = xin;
    memset(phi, 0, (size_t)m->n_groups * (size_t)(nf + 1) * sizeof *phi);
    for (int g = 0; g < m->n_groups; g++)
        phi[(size_t)g * (nf + 1) + nf] = m->base[g];
    for (size_t t = 0; t < m->n_trees; t++) {
        const gb_tree *tr = &m->trees[t];
        pw.nodes = tr->nodes;
        pw.phi = phi + (size_t)tr->group * (nf + 1);
        pw.n_on_path = 0;
        poly_node(&pw, 0);
        pw.phi[nf] += cond_exp(m, tr->nodes, 0, xin, 0u);
    }
    free(xin);
    free(pw.a);
    free(pw.b);
    free(pw.count);
    free(pw.on_path);
}

/* base + sum phi against the model's own margin, worst group. */
static double additivity_err(const gb_model *m, const double *x, const double *phi)
{
    double margin[16], worst = 0.0;
    int nf = m->n_features;
    gb_model_margin(m, x, margin);
    for (int g = 0; g < m->n_groups; g++) {
        double s = 0.0;
        for (int f = 0; f <= nf; f++)
            s += phi[(size_t)g * (nf + 1) + f];
        double e = fabs(s - margin[g]) / (fabs(margin[g]) > 1.0 ? fabs(margin[g]) : 1.0);
        if (!(e <= worst))
            worst = isnan(e) ? INFINITY : e;
    }
    return worst;
}

/* ---- random ensembles -------------------------------------------------- */

typedef struct gen {
    rng *r;
    gb_node *nodes;
    int n, cap;
    gb_model *m;
    int n_used;    /* features drawn from 0..n_used-1: small means repeats */
    int max_depth;
} gen;

static int32_t push(gen *g, gb_node nd)
{
    if (g->n == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 16;
        g->nodes = realloc(g->nodes, (size_t)g->cap * sizeof *g->nodes);
    }
    g->nodes[g->n] = nd;
    return g->n++;
}

static uint32_t random_flags(rng *r)
{
    uint32_t fl = unif(r) < 0.5 ? GB_NODE_DEFAULT_LEFT : 0;
    if (unif(r) < 0.1)
        fl |= GB_NODE_NAN_AS_ZERO;
    if (unif(r) < 0.1)
        fl |= GB_NODE_ZERO_MISSING;
    return fl;
}

/* Appends a random category set of 1 or 2 words to the model. */
static void random_set(gen *g, gb_node *nd)
{
    gb_model *m = g->m;
    uint32_t words = 1 + (uint32_t)below(g->r, 2);
    m->cat_bits = realloc(m->cat_bits, (m->n_cat_bits + words) * sizeof *m->cat_bits);
    nd->cat_begin = (uint32_t)m->n_cat_bits;
    nd->cat_words = words;
    for (uint32_t w = 0; w < words; w++)
        m->cat_bits[m->n_cat_bits++] = (uint32_t)rng_next(g->r);
}

/* A random subtree with the given cover; returns its root's index.  Child
 * covers split the parent's, sometimes all to one side (a zero-cover child),
 * sometimes short of it (inconsistent covers, as rounding leaves them). */
static int32_t grow(gen *g, int depth, double cover)
{
    rng *r = g->r;
    if (depth >= g->max_depth || (depth > 0 && unif(r) < 0.25))
        return push(g, tb_leaf(unif(r) * 4 - 2, cover));
    gb_node nd = tb_split(below(r, g->n_used), unif(r) * 10 - 1, -1, -1, cover, random_flags(r));
    if (unif(r) < 0.2) {
        nd.flags |= GB_NODE_CATEGORICAL;
        random_set(g, &nd);
    }
    double p = unif(r), shrink = unif(r) < 0.2 ? 0.5 + 0.5 * unif(r) : 1.0;
    if (unif(r) < 0.1)
        p = unif(r) < 0.5 ? 0.0 : 1.0;
    int32_t self = push(g, nd);
    int32_t l = grow(g, depth + 1, cover * p * shrink);
    int32_t rt = grow(g, depth + 1, cover * (1 - p) * shrink);
    g->nodes[self].left = l;
    g->nodes[self].right = rt;
    return self;
}

/* Renumbers the nodes with the root kept at 0, so trees are not in preorder,
 * and adds unreachable garbage nodes as pruned XGBoost trees have. */
static void shuffle_tree(gen *g)
{
    int n = g->n, junk = below(g->r, 3), total = n + junk;
    int32_t *to = malloc((size_t)total * sizeof *to);
    for (int i = 0; i < total; i++)
        to[i] = i;
    for (int i = total - 1; i > 1; i--) {
        int j = 1 + below(g->r, i);
        int32_t t = to[i];
        to[i] = to[j];
        to[j] = t;
    }
    gb_node *out = malloc((size_t)total * sizeof *out);
    for (int i = 0; i < n; i++) {
        gb_node nd = g->nodes[i];
        if (nd.left >= 0) {
            nd.left = to[nd.left];
            nd.right = to[nd.right];
        }
        out[to[i]] = nd;
    }
    for (int i = n; i < total; i++)
        out[to[i]] = tb_split(12345, NAN, 99999, -7, -1, 0);
    tb_add_tree(g->m, 0, out, total);
    free(out);
    free(to);
}

static gb_model *random_model(rng *r, int n_features, int n_groups, int n_trees, int max_depth)
{
    gb_model *m = tb_new_model(n_features, n_groups);
    m->input_float32 = unif(r) < 0.5;
    for (int g = 0; g < n_groups; g++)
        m->base[g] = unif(r) - 0.5;
    gen g = {.r = r, .m = m, .max_depth = max_depth};
    for (int t = 0; t < n_trees; t++) {
        g.n = 0;
        g.n_used = unif(r) < 0.3 ? 1 + below(r, 2 < n_features ? 2 : n_features) : n_features;
        double cover = unif(r) < 0.05 ? 0.0 : 1 + 100 * unif(r);
        grow(&g, 0, cover);
        shuffle_tree(&g);
        m->trees[m->n_trees - 1].group = below(r, n_groups);
    }
    free(g.nodes);
    return m;
}

static void random_row(rng *r, int n_features, double *x)
{
    for (int f = 0; f < n_features; f++) {
        double u = unif(r);
        x[f] = u < 0.15 ? NAN : u < 0.25 ? 0.0 : u < 0.5 ? (double)below(r, 70) - 3 : unif(r) * 12 - 2;
    }
}

static void test_random_against_brute_force(void)
{
    rng r = {42};
    double x[16], phi[3 * 17], want[3 * 17];
    double worst_phi = 0.0, worst_add = 0.0;
    int n_models = 80, rows = 5;
    for (int k = 0; k < n_models; k++) {
        int nf = 1 + below(&r, 8), ng = 1 + below(&r, 3);
        gb_model *m = random_model(&r, nf, ng, 1 + below(&r, 6), 2 + below(&r, 6));
        if (tb_finish(m))
            exit(1);
        for (int row = 0; row < rows; row++) {
            random_row(&r, nf, x);
            tb_shap(m, x, phi);
            brute_shap(m, x, want);
            size_t n = (size_t)ng * (size_t)(nf + 1);
            double e = tb_max_rel_err(phi, want, n), a = additivity_err(m, x, phi);
            worst_phi = e > worst_phi ? e : worst_phi;
            worst_add = a > worst_add ? a : worst_add;
            if (!ok(e <= 1e-9, "random model %d (%d features, %d groups, %zu trees), row %d: "
                               "TreeSHAP = brute-force Shapley values of E[f | x_S]",
                    k, nf, ng, m->n_trees, row))
                printf("#   max relative error %g\n", e);
            if (!ok(a <= 1e-9, "random model %d, row %d: base + sum phi = margin", k, row))
                printf("#   relative error %g\n", a);
            double poly[3 * 17];
            poly_shap(m, x, poly);
            double pe = tb_max_rel_err(poly, want, n);
            if (!ok(pe <= 1e-9, "random model %d, row %d: the polynomial reference agrees with enumeration", k, row))
                printf("#   max relative error %g\n", pe);
        }
        gb_model_free(m);
    }
    printf("# worst error against brute force %g, worst additivity error %g\n", worst_phi, worst_add);
}

static void test_random_wide(void)
{
    /* Too many features to enumerate: the polynomial reference, additivity
     * on every row, and the bias against E{} from the brute force walk. */
    rng r = {7};
    gb_model *m = random_model(&r, 50, 3, 60, 8);
    if (tb_finish(m))
        exit(1);
    gb_error err;
    gb_treeshap *ts = gb_treeshap_new(m, &err);
    gb_treeshap_ws *ws = gb_treeshap_ws_new(ts, &err);
    double x[50], phi[3 * 51], want[3 * 51], worst = 0.0, worst_poly = 0.0, xin[50] = {0};
    for (int row = 0; row < 200; row++) {
        random_row(&r, 50, x);
        gb_treeshap_row(ts, ws, x, phi);
        double a = additivity_err(m, x, phi);
        worst = a > worst ? a : worst;
        if (row < 40) {
            poly_shap(m, x, want);
            double e = tb_max_rel_err(phi, want, 3 * 51);
            worst_poly = e > worst_poly ? e : worst_poly;
        }
    }
    ok(worst <= 1e-9, "50 features, 60 trees of depth <= 8, 3 groups: additivity on 200 rows (worst %g)", worst);
    ok(worst_poly <= 1e-9, "50 features: TreeSHAP = polynomial reference on 40 rows (worst %g)", worst_poly);
    double base[3] = {m->base[0], m->base[1], m->base[2]};
    for (size_t t = 0; t < m->n_trees; t++)
        base[m->trees[t].group] += cond_exp(m, m->trees[t].nodes, 0, xin, 0u);
    ok(tb_max_rel_err(gb_treeshap_base(ts), base, 3) <= 1e-12, "gb_treeshap_base = intercept + E{} per group");
    gb_treeshap_ws_free(ws);
    gb_treeshap_free(ts);
    gb_model_free(m);
}

/* ---- the deepest tree -------------------------------------------------- */

/* The deepest tree a model may hold (GB_MAX_DEPTH levels), as a chain: each
 * split sends one side to a leaf and the other further down.  With distinct
 * features the path is as long as it gets: the workspace bounds are checked
 * under ASan, and skewed covers make the textbook UNWOUND_SUM recurrence
 * lose every digit (it did here before the two-sided solve), so the values
 * are checked against the polynomial reference.  With three features
 * cycling, the path unwinds at every level and the brute force can
 * enumerate. */
static void test_deepest_chain(void)
{
    static const struct {
        int n_features;
        double left_share;
    } variants[] = {{GB_MAX_DEPTH, 0.3}, {GB_MAX_DEPTH, 0.02}, {GB_MAX_DEPTH, 0.98}, {3, 0.3}, {3, 0.01}};
    for (size_t v = 0; v < sizeof variants / sizeof *variants; v++) {
        int nf = variants[v].n_features, n = 2 * GB_MAX_DEPTH + 1;
        double share = variants[v].left_share, cover = 1e6;
        gb_model *m = tb_new_model(nf, 1);
        gb_node *t = malloc((size_t)n * sizeof *t);
        for (int d = 0; d < GB_MAX_DEPTH; d++) {
            /* Node 2d splits; its left child 2d+1 is a leaf, its right 2d+2.
             * The left share alternates between share and 1 - share. */
            double l = d % 2 ? share : 1.0 - share;
            t[2 * d] = tb_split(d % nf, 0.5 + 0.001 * d, 2 * d + 1, 2 * d + 2, cover, 0);
            t[2 * d + 1] = tb_leaf(sin(d), cover * l);
            cover *= 1.0 - l;
        }
        t[n - 1] = tb_leaf(5, cover);
        tb_add_tree(m, 0, t, n);
        free(t);
        if (tb_finish(m))
            exit(1);
        double x[GB_MAX_DEPTH], phi[GB_MAX_DEPTH + 1], want[GB_MAX_DEPTH + 1];
        for (int row = 0; row < 2; row++) {
            /* Row 0 runs down the whole spine (NaN goes right); row 1 leaves
             * it where feature 100 (or 1) is 0. */
            for (int f = 0; f < nf; f++)
                x[f] = f % 5 == 0 ? NAN : 1.0;
            if (row == 1)
                x[nf > 100 ? 100 : 1] = 0.0;
            tb_shap(m, x, phi);
            ok(additivity_err(m, x, phi) <= 1e-9, "chain of %d levels, %d features, left shares %g: additivity, row %d",
               m->max_depth, nf, share, row);
            poly_shap(m, x, want);
            double e = tb_max_rel_err(phi, want, (size_t)nf + 1);
            if (!ok(e <= 1e-9, "chain of %d levels, %d features, left shares %g: polynomial reference agrees, row %d",
                    m->max_depth, nf, share, row))
                printf("#   max relative error %g\n", e);
            if (nf <= 10) {
                brute_shap(m, x, want);
                ok(tb_max_rel_err(phi, want, (size_t)nf + 1) <= 1e-9,
                   "chain of %d levels over 3 cycling features: brute force agrees, row %d", m->max_depth, row);
            }
        }
        gb_model_free(m);
    }
}

/* ---- properties the callers rely on ------------------------------------ */

typedef struct job {
    const gb_treeshap *ts;
    const double *x;
    double *phi;
    int rows, width, nf;
} job;

static void *run_job(void *arg)
{
    job *j = arg;
    gb_treeshap_ws *ws = gb_treeshap_ws_new(j->ts, NULL);
    for (int i = 0; i < j->rows; i++)
        gb_treeshap_row(j->ts, ws, j->x + (size_t)i * j->nf, j->phi + (size_t)i * j->width);
    gb_treeshap_ws_free(ws);
    return NULL;
}

static void test_threads_and_reuse(void)
{
    rng r = {99};
    enum { NF = 6, NG = 2, ROWS = 30, W = NG * (NF + 1) };
    gb_model *m = random_model(&r, NF, NG, 20, 7);
    if (tb_finish(m))
        exit(1);
    gb_treeshap *ts = gb_treeshap_new(m, NULL);
    static double x[ROWS * NF], serial[ROWS * W], a[ROWS * W], b[ROWS * W];
    for (int i = 0; i < ROWS; i++)
        random_row(&r, NF, x + i * NF);
    job js = {ts, x, serial, ROWS, W, NF};
    run_job(&js);
    job ja = {ts, x, a, ROWS, W, NF}, jb = {ts, x, b, ROWS, W, NF};
    pthread_t ta, tb;
    pthread_create(&ta, NULL, run_job, &ja);
    pthread_create(&tb, NULL, run_job, &jb);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    ok(!memcmp(a, serial, sizeof a) && !memcmp(b, serial, sizeof b),
       "two threads sharing one explainer give the serial results bit for bit");

    /* A workspace carries nothing from one row to the next. */
    gb_treeshap_ws *ws = gb_treeshap_ws_new(ts, NULL);
    double again[W];
    gb_treeshap_row(ts, ws, x + 5 * NF, again);
    gb_treeshap_row(ts, ws, x, again);
    ok(!memcmp(again, serial, sizeof again), "a reused workspace gives the same row 0");
    gb_treeshap_ws_free(ws);
    gb_treeshap_free(ts);
    gb_model_free(m);
}

int main(void)
{
    test_random_against_brute_force();
    test_random_wide();
    test_threads_and_reuse();
    test_deepest_chain();
    return tap_done();
}
