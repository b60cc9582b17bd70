/* test_treeshap_int.c: checks interventional TreeSHAP (src/treeshap_int.c).
 *
 * The reference is the definition itself, computed independently: for every
 * coalition S the value v(S) = weighted mean over the background of the
 * model's margin (gb_model_margin, not the walk) at the row taking x on S and
 * the background row elsewhere, then the Shapley enumeration formula over all
 * 2^M coalitions.  Random small ensembles exercise repeated features on a
 * path, missing values with both default directions, categorical sets
 * (XGBoost's and LightGBM's rules), LightGBM's zero rules, float32 inputs,
 * several outputs, shuffled node order and unequal weights.  Beside that: a
 * case worked out by hand, additivity on a big model, weights against
 * repeated rows, NULL against equal weights, threads, cancellation and the
 * refusals. */
#include "treeshap_int.h"
#include "tap.h"
#include "tree_builder.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

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

/* ---- building models in code ------------------------------------------- */

/* Interventional TreeSHAP ignores cover, so these trees carry a nominal one. */
static gb_node leaf(double value)
{
    return tb_leaf(value, 1);
}

static gb_node split(int feature, double at, int32_t left, int32_t right)
{
    return tb_split(feature, at, left, right, 2, 0);
}

static void finish(gb_model *m)
{
    if (tb_finish(m)) {
        printf("Bail out! the model does not pass gb_model_finish\n");
        exit(1);
    }
}

static gb_treeshap_int *must_new(const gb_model *m, const double *bg, const double *w, size_t n)
{
    gb_error err;
    gb_treeshap_int *t = gb_treeshap_int_new(m, bg, w, n, &err);
    if (!t) {
        printf("Bail out! gb_treeshap_int_new: %s\n", err.msg);
        exit(1);
    }
    return t;
}

static int explain(const gb_model *m, const double *bg, const double *w, size_t n_bg, const double *x,
                   double *phi)
{
    gb_treeshap_int *t = must_new(m, bg, w, n_bg);
    int rc = gb_treeshap_int_row(t, x, phi, NULL);
    gb_treeshap_int_free(t);
    return rc;
}

/* ---- the independent reference ----------------------------------------- */

/* Shapley values of v(S) = sum_r w_r margin(x_S, r_notS) / sum_r w_r by
 * enumerating all coalitions (n_features <= 12), in gb_treeshap_int_row's
 * layout. */
static void brute(const gb_model *m, const double *bg, const double *w, size_t n_bg, const double *x,
                  double *phi)
{
    int nf = m->n_features, ng = m->n_groups;
    unsigned n_sets = 1u << nf;
    double *v = calloc((size_t)n_sets * (size_t)ng, sizeof *v);
    double z[16], margin[8], fact[17], wsum = 0.0;
    fact[0] = 1.0;
    for (int k = 1; k <= 16; k++)
        fact[k] = fact[k - 1] * k;
    for (size_t r = 0; r < n_bg; r++)
        wsum += w ? w[r] : 1.0;
    for (unsigned s = 0; s < n_sets; s++)
        for (size_t r = 0; r < n_bg; r++) {
            for (int f = 0; f < nf; f++)
                z[f] = (s >> f & 1u) ? x[f] : bg[r * (size_t)nf + (size_t)f];
            gb_model_margin(m, z, margin);
            for (int g = 0; g < ng; g++)
                v[(size_t)g * n_sets + s] += (w ? w[r] : 1.0) / wsum * margin[g];
        }
    for (int g = 0; g < ng; g++) {
        const double *vg = v + (size_t)g * n_sets;
        double *pg = phi + (size_t)g * (size_t)(nf + 1);
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
        pg[nf] = vg[0];
    }
    free(v);
}

static double max_err(const double *got, const double *want, size_t n)
{
    double worst = 0.0;
    for (size_t i = 0; i < n; i++) {
        double scale = fabs(want[i]) > 1.0 ? fabs(want[i]) : 1.0;
        double e = fabs(got[i] - want[i]) / scale;
        if (!(e <= worst))
            worst = e;
    }
    return worst;
}

/* ---- random models ----------------------------------------------------- */

/* Values drawn from a small grid so that rows land exactly on thresholds,
 * on LightGBM's zero, on negative and fractional categories and on NaN. */
static double random_value(rng *r)
{
    static const double grid[] = {-2, -1, -0.5, -0.25, 0, 0.25, 0.5, 1, 1.7, 2, 3, 5, 7, 33, 0.1};
    if (below(r, 10) == 0)
        return NAN;
    return grid[below(r, (int)(sizeof grid / sizeof *grid))];
}

/* Grows a random subtree at slot i of nodes[] (size *n so far). */
static void grow(gb_model *m, rng *r, gb_node *nodes, int *n, int i, int depth)
{
    if (depth == 0 || below(r, 5) == 0) {
        nodes[i] = leaf(unif(r) * 20 - 10);
        return;
    }
    int l = (*n)++, rt = (*n)++;
    int f = below(r, m->n_features);
    nodes[i] = split(f, random_value(r), l, rt);
    if (isnan(nodes[i].split))
        nodes[i].split = nodes[i].threshold = 0.5;
    if (below(r, 2))
        nodes[i].flags |= GB_NODE_DEFAULT_LEFT;
    int kind = below(r, 6);
    if (kind == 0) {
        nodes[i].flags |= GB_NODE_NAN_AS_ZERO;
    } else if (kind == 1) {
        nodes[i].flags |= GB_NODE_ZERO_MISSING;
    } else if (kind == 2 || kind == 3) {
        /* A category set of one or two words, set bits at random. */
        uint32_t words = 1 + (uint32_t)below(r, 2);
        nodes[i].flags |= GB_NODE_CATEGORICAL;
        if (kind == 3)
            nodes[i].flags |= GB_NODE_CAT_TRUNCATE;
        nodes[i].cat_begin = (uint32_t)m->n_cat_bits;
        nodes[i].cat_words = words;
        m->cat_bits = realloc(m->cat_bits, (m->n_cat_bits + words) * sizeof *m->cat_bits);
        for (uint32_t k = 0; k < words; k++)
            m->cat_bits[m->n_cat_bits++] = (uint32_t)rng_next(r);
    }
    grow(m, r, nodes, n, l, depth - 1);
    grow(m, r, nodes, n, rt, depth - 1);
}

/* Renumbers nodes 1..n-1 at random (the root stays at 0), so the explainer
 * cannot rely on any storage order. */
static void shuffle_nodes(rng *r, gb_node *nodes, int n)
{
    int perm[64];
    gb_node copy[64];
    for (int k = 0; k < n; k++)
        perm[k] = k;
    for (int k = n - 1; k > 1; k--) {
        int j = 1 + below(r, k);
        int tmp = perm[k];
        perm[k] = perm[j];
        perm[j] = tmp;
    }
    for (int k = 0; k < n; k++) {
        copy[perm[k]] = nodes[k];
        if (nodes[k].left >= 0) {
            copy[perm[k]].left = perm[nodes[k].left];
            copy[perm[k]].right = perm[nodes[k].right];
        }
    }
    memcpy(nodes, copy, (size_t)n * sizeof *nodes);
}

static gb_model *random_model(rng *r, int nf, int ng)
{
    gb_model *m = tb_new_model(nf, ng);
    int n_trees = 1 + below(r, 4);
    for (int t = 0; t < n_trees; t++) {
        gb_node nodes[64];
        int n = 1;
        grow(m, r, nodes, &n, 0, 1 + below(r, 4));
        shuffle_nodes(r, nodes, n);
        tb_add_tree(m, below(r, ng), nodes, n);
    }
    for (int g = 0; g < ng; g++)
        m->base[g] = unif(r) - 0.5;
    m->input_float32 = below(r, 3) == 0;
    finish(m);
    return m;
}

static void test_random(void)
{
    rng r = {42};
    int worst_case = -1, n_cases = 400, additive = 1;
    double worst = 0.0;
    for (int c = 0; c < n_cases; c++) {
        int nf = 1 + below(&r, 7), ng = 1 + (below(&r, 4) == 0 ? 2 : 0);
        gb_model *m = random_model(&r, nf, ng);
        size_t n_bg = 1 + (size_t)below(&r, 5);
        double bg[5 * 8], w[5], x[8], got[3 * 9], want[3 * 9], margin[3];
        for (size_t k = 0; k < n_bg * (size_t)nf; k++)
            bg[k] = random_value(&r);
        for (size_t k = 0; k < n_bg; k++)
            w[k] = below(&r, 4) == 0 ? 0.0 : unif(&r) * 3;
        w[0] += 0.1; /* a positive sum */
        for (int f = 0; f < nf; f++)
            x[f] = random_value(&r);
        const double *wp = below(&r, 3) == 0 ? NULL : w;
        if (explain(m, bg, wp, n_bg, x, got) != 0) {
            ok(0, "random case %d: the row was not explained", c);
            gb_model_free(m);
            continue;
        }
        brute(m, bg, wp, n_bg, x, want);
        size_t n = (size_t)ng * (size_t)(nf + 1);
        double e = max_err(got, want, n);
        if (e > worst || worst_case < 0) {
            worst = e;
            worst_case = c;
        }
        gb_model_margin(m, x, margin);
        for (int g = 0; g < ng; g++) {
            double sum = 0.0;
            for (int f = 0; f <= nf; f++)
                sum += got[(size_t)g * (size_t)(nf + 1) + (size_t)f];
            if (!tap_close(sum, margin[g], 1e-12))
                additive = 0;
        }
        gb_model_free(m);
    }
    ok(worst <= 1e-9,
       "%d random ensembles (NaN, categorical, LightGBM rules, float32, groups, weights) "
       "equal the enumerated interventional Shapley values: worst relative error %.3g (case %d)",
       n_cases, worst, worst_case);
    ok(additive, "%d random ensembles: base + sum phi = margin to 1e-12", n_cases);
}

/* ---- by hand ----------------------------------------------------------- */

static void test_by_hand(void)
{
    /* A < 0 ? (B < 0 ? 1 : 2) : (B < 0 ? 4 : 8), background the one row
     * r = (1, 1) (reaches 8), x = (-1, -1) (reaches 1).  With one background
     * row the values are the baseline Shapley values:
     *   v{} = 8, v{A} = f(-1, 1) = 2, v{B} = f(1, -1) = 4, v{AB} = 1
     *   phi_A = ((2 - 8) + (1 - 4)) / 2 = -4.5
     *   phi_B = ((4 - 8) + (1 - 2)) / 2 = -2.5,   8 - 4.5 - 2.5 = 1. */
    gb_model *m = tb_new_model(2, 1);
    gb_node t[] = {
        split(0, 0, 1, 2), split(1, 0, 3, 4), split(1, 0, 5, 6), leaf(1), leaf(2), leaf(4), leaf(8)};
    tb_add_tree(m, 0, t, 7);
    finish(m);
    double r1[2] = {1, 1}, x[2] = {-1, -1}, phi[3];
    explain(m, r1, NULL, 1, x, phi);
    is_close(phi[0], -4.5, 1e-15, "one background row: phi_A = -4.5 by hand");
    is_close(phi[1], -2.5, 1e-15, "one background row: phi_B = -2.5 by hand");
    is_close(phi[2], 8.0, 1e-15, "one background row: base = f(r) = 8");

    /* Background = x itself: nothing differs, every value is 0. */
    explain(m, x, NULL, 1, x, phi);
    ok(phi[0] == 0.0 && phi[1] == 0.0 && phi[2] == 1.0, "background equal to x: phi = 0, base = f(x)");

    /* r = (-1, 1) differs from x only in B: phi_B = f(x) - f(r) = 1 - 2. */
    double r2[2] = {-1, 1};
    explain(m, r2, NULL, 1, x, phi);
    ok(phi[0] == 0.0 && phi[1] == -1.0,
       "background differing in one feature: all of it goes to that feature");

    /* Two background rows, weights 3 and 1: the values are the weighted
     * means of the per-row ones, (3 (-4.5) + 0) / 4 and (3 (-2.5) - 1) / 4,
     * base (3 * 8 + 2) / 4. */
    double bg[4] = {1, 1, -1, 1}, w[2] = {3, 1};
    explain(m, bg, w, 2, x, phi);
    is_close(phi[0], -3.375, 1e-15, "weights 3:1: phi_A = -3.375 by hand");
    is_close(phi[1], -2.125, 1e-15, "weights 3:1: phi_B = -2.125 by hand");
    is_close(phi[2], 6.5, 1e-15, "weights 3:1: base = 6.5");
    gb_model_free(m);

    /* A feature split twice on one path: A < 0 ? 1 : (A < 2 ? 5 : 9), r = 3
     * (9), x = 1 (5): A alone decides, phi_A = 5 - 9. */
    m = tb_new_model(1, 1);
    gb_node u[] = {split(0, 0, 1, 2), leaf(1), split(0, 2, 3, 4), leaf(5), leaf(9)};
    tb_add_tree(m, 0, u, 5);
    finish(m);
    double a = 1, ra = 3, p[2];
    explain(m, &ra, NULL, 1, &a, p);
    ok(p[0] == -4.0 && p[1] == 9.0, "repeated feature on a path: phi = f(x) - f(r)");
    gb_model_free(m);
}

/* ---- weights, layout, big models ----------------------------------------- */

static void test_weights(void)
{
    rng r = {7};
    int same_null = 1, same_dup = 1, scaled = 1;
    for (int c = 0; c < 50; c++) {
        int nf = 2 + below(&r, 5);
        gb_model *m = random_model(&r, nf, 2);
        double bg[3 * 8], dup[6 * 8], w[3] = {2, 2, 2}, w3[3] = {1, 2, 3}, x[8];
        double a[2 * 9], b[2 * 9];
        size_t n = 2 * (size_t)(nf + 1);
        for (int k = 0; k < 3 * nf; k++)
            bg[k] = random_value(&r);
        for (int f = 0; f < nf; f++)
            x[f] = random_value(&r);
        explain(m, bg, NULL, 3, x, a);
        explain(m, bg, w, 3, x, b);
        if (max_err(a, b, n) > 1e-14)
            same_null = 0;
        /* Weights 1, 2, 3 equal the rows repeated that many times. */
        size_t at = 0;
        for (int row = 0; row < 3; row++)
            for (int rep = 0; rep <= row; rep++)
                for (int f = 0; f < nf; f++)
                    dup[at++] = bg[row * nf + f];
        explain(m, bg, w3, 3, x, a);
        explain(m, dup, NULL, 6, x, b);
        if (max_err(a, b, n) > 1e-12)
            same_dup = 0;
        double w3big[3] = {1e6, 2e6, 3e6};
        explain(m, bg, w3big, 3, x, b);
        if (max_err(a, b, n) > 1e-14)
            scaled = 0;
        gb_model_free(m);
    }
    ok(same_null, "NULL weights equal equal weights (50 models)");
    ok(same_dup, "weights 1, 2, 3 equal the rows repeated 1, 2, 3 times (50 models)");
    ok(scaled, "only the ratios of the weights matter (50 models)");
}

/* A model too big to enumerate: depth 10, 40 features, 30 trees in 3 groups.
 * Additivity must still hold, and the run must be the same every time. */
static gb_model *big_model(rng *r, int nf, int ng, int n_trees, int depth)
{
    gb_model *m = tb_new_model(nf, ng);
    int cap = (1 << (depth + 1)) + 1;
    gb_node *nodes = malloc((size_t)cap * sizeof *nodes);
    for (int t = 0; t < n_trees; t++) {
        int n = 1;
        /* Full-depth trees: grow until depth, never stopping early. */
        int sp = 0, stack[2 * 64], dstack[2 * 64];
        stack[sp] = 0;
        dstack[sp++] = depth;
        while (sp) {
            sp--;
            int i = stack[sp], d = dstack[sp];
            if (d == 0) {
                nodes[i] = leaf(unif(r) - 0.5);
                continue;
            }
            int l = n++, rt = n++;
            nodes[i] = split(below(r, nf), unif(r) * 2 - 1, l, rt);
            if (below(r, 2))
                nodes[i].flags |= GB_NODE_DEFAULT_LEFT;
            stack[sp] = l;
            dstack[sp++] = d - 1;
            stack[sp] = rt;
            dstack[sp++] = d - 1;
        }
        tb_add_tree(m, t % ng, nodes, n);
    }
    free(nodes);
    finish(m);
    return m;
}

static void test_big(void)
{
    rng r = {99};
    int nf = 40, ng = 3;
    gb_model *m = big_model(&r, nf, ng, 30, 10);
    size_t n_bg = 20;
    double *bg = malloc(n_bg * (size_t)nf * sizeof *bg);
    for (size_t k = 0; k < n_bg * (size_t)nf; k++)
        bg[k] = below(&r, 20) == 0 ? NAN : unif(&r) * 2 - 1;
    gb_treeshap_int *t = must_new(m, bg, NULL, n_bg);
    double x[40], phi[3 * 41], again[3 * 41], margin[3];
    double worst = 0.0;
    int same = 1;
    for (int row = 0; row < 10; row++) {
        for (int f = 0; f < nf; f++)
            x[f] = below(&r, 20) == 0 ? NAN : unif(&r) * 2 - 1;
        gb_treeshap_int_row(t, x, phi, NULL);
        gb_treeshap_int_row(t, x, again, NULL);
        if (memcmp(phi, again, sizeof phi) != 0)
            same = 0;
        gb_model_margin(m, x, margin);
        for (int g = 0; g < ng; g++) {
            double sum = 0.0;
            for (int f = 0; f <= nf; f++)
                sum += phi[g * (nf + 1) + f];
            double e = fabs(sum - margin[g]) / (fabs(margin[g]) > 1 ? fabs(margin[g]) : 1);
            if (e > worst)
                worst = e;
        }
    }
    ok(worst < 1e-12, "depth 10, 40 features, 3 groups: base + sum phi = margin (worst %.3g)", worst);
    ok(same, "the same row twice gives the same bytes");

    /* The base is the mean margin of the background. */
    double mean[3] = {0, 0, 0};
    for (size_t k = 0; k < n_bg; k++) {
        gb_model_margin(m, bg + k * (size_t)nf, margin);
        for (int g = 0; g < ng; g++)
            mean[g] += margin[g] / (double)n_bg;
    }
    const double *base = gb_treeshap_int_base(t);
    ok(tap_close(base[0], mean[0], 1e-12) && tap_close(base[1], mean[1], 1e-12) &&
           tap_close(base[2], mean[2], 1e-12),
       "base = mean margin of the background, per group");
    gb_treeshap_int_free(t);
    free(bg);
    gb_model_free(m);
}

/* ---- threads and cancellation ------------------------------------------ */

typedef struct job {
    const gb_treeshap_int *t;
    const double *rows;
    int n_rows, nf, width;
    double *out;
} job;

static void *run_job(void *arg)
{
    job *j = arg;
    for (int k = 0; k < j->n_rows; k++)
        gb_treeshap_int_row(j->t, j->rows + (size_t)k * (size_t)j->nf, j->out + (size_t)k * (size_t)j->width,
                            NULL);
    return NULL;
}

static void test_threads_and_cancel(void)
{
    rng r = {5};
    int nf = 12, ng = 2, n_rows = 16, width = ng * (nf + 1);
    gb_model *m = big_model(&r, nf, ng, 10, 6);
    double bg[10 * 12], rows[16 * 12];
    for (int k = 0; k < 10 * nf; k++)
        bg[k] = unif(&r) * 2 - 1;
    for (int k = 0; k < n_rows * nf; k++)
        rows[k] = unif(&r) * 2 - 1;
    gb_treeshap_int *t = must_new(m, bg, NULL, 10);
    double *seq = malloc((size_t)(n_rows * width) * sizeof *seq);
    double *par = malloc((size_t)(n_rows * width) * sizeof *par);
    job one = {t, rows, n_rows, nf, width, seq};
    run_job(&one);
    pthread_t th[4];
    job jobs[4];
    for (int k = 0; k < 4; k++) {
        jobs[k] = (job){t, rows + k * 4 * nf, 4, nf, width, par + k * 4 * width};
        pthread_create(&th[k], NULL, run_job, &jobs[k]);
    }
    for (int k = 0; k < 4; k++)
        pthread_join(th[k], NULL);
    ok(memcmp(seq, par, (size_t)(n_rows * width) * sizeof *seq) == 0,
       "four threads sharing one explainer give the bytes of one thread");

    atomic_int cancel = 1;
    ok(gb_treeshap_int_row(t, rows, par, &cancel) == 1, "a set cancel flag stops the row: returns 1");
    atomic_store(&cancel, 0);
    ok(gb_treeshap_int_row(t, rows, par, &cancel) == 0 && memcmp(seq, par, (size_t)width * sizeof *seq) == 0,
       "a clear cancel flag changes nothing");
    gb_treeshap_int_free(t);
    free(seq);
    free(par);
    gb_model_free(m);
}

static void *cancel_soon(void *arg)
{
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
    atomic_store((atomic_int *)arg, 1);
    return NULL;
}

/* A row of about a second (60 deep trees against 5000 background rows),
 * cancelled from another thread after 10 ms, comes back cancelled. */
static void test_cancel_midway(void)
{
    rng r = {17};
    int nf = 30;
    gb_model *m = big_model(&r, nf, 1, 60, 10);
    size_t n_bg = 5000;
    double *bg = malloc(n_bg * (size_t)nf * sizeof *bg), phi[31];
    for (size_t k = 0; k < n_bg * (size_t)nf; k++)
        bg[k] = unif(&r) * 2 - 1;
    gb_treeshap_int *t = must_new(m, bg, NULL, n_bg);
    atomic_int flag = 0;
    pthread_t th;
    pthread_create(&th, NULL, cancel_soon, &flag);
    int rc = gb_treeshap_int_row(t, bg, phi, &flag);
    pthread_join(th, NULL);
    ok(rc == 1, "cancelled from another thread in the middle of a row: returns 1");
    gb_treeshap_int_free(t);
    free(bg);
    gb_model_free(m);
}

/* ---- refusals and edges ------------------------------------------------ */

static void test_refusals(void)
{
    gb_model *m = tb_new_model(2, 1);
    gb_node t[] = {split(0, 0, 1, 2), leaf(1), leaf(2)};
    tb_add_tree(m, 0, t, 3);
    finish(m);
    double bg[4] = {0, 0, 1, 1};
    gb_error err = {{0}};
    ok(gb_treeshap_int_new(m, bg, NULL, 0, &err) == NULL && strstr(err.msg, "background"),
       "an empty background is refused: %s", err.msg);
    double neg[2] = {1, -1}, zero[2] = {0, 0}, nan2[2] = {1, NAN};
    ok(gb_treeshap_int_new(m, bg, neg, 2, &err) == NULL && strstr(err.msg, "weight 1"),
       "a negative weight is refused: %s", err.msg);
    ok(gb_treeshap_int_new(m, bg, nan2, 2, &err) == NULL && strstr(err.msg, "weight 1"),
       "a NaN weight is refused: %s", err.msg);
    ok(gb_treeshap_int_new(m, bg, zero, 2, &err) == NULL && strstr(err.msg, "sum"),
       "weights summing to 0 are refused: %s", err.msg);
    double w1[2] = {0, 1}, x[2] = {-1, 0}, phi[3];
    explain(m, bg, w1, 2, x, phi);
    ok(phi[0] == -1.0 && phi[2] == 2.0, "a zero-weight row takes no part");
    gb_model_free(m);

    m = gb_model_new(NULL);
    m->kind = GB_MODEL_LINEAR;
    m->n_features = 2;
    ok(gb_treeshap_int_new(m, bg, NULL, 2, &err) == NULL && strstr(err.msg, "tree ensemble"),
       "a linear model is refused: %s", err.msg);
    gb_model_free(m);

    /* No trees: everything is the intercept. */
    m = tb_new_model(3, 2);
    m->base[0] = 1.5;
    m->base[1] = -2;
    finish(m);
    double b3[3] = {1, 2, 3}, p[8];
    explain(m, b3, NULL, 1, b3, p);
    double want[8] = {0, 0, 0, 1.5, 0, 0, 0, -2};
    ok(max_err(p, want, 8) == 0.0, "a model without trees: phi 0, base the intercept");
    gb_model_free(m);

    /* An unchecked model with a child out of range is refused, not followed. */
    m = tb_new_model(1, 1);
    gb_node bad[] = {split(0, 0, 1, 7), leaf(1), leaf(2)};
    tb_add_tree(m, 0, bad, 3);
    ok(gb_treeshap_int_new(m, bg, NULL, 1, &err) == NULL && strstr(err.msg, "node 0"),
       "an unchecked model with a bad child is refused: %s", err.msg);
    gb_model_free(m);
}

int main(void)
{
    test_by_hand();
    test_random();
    test_weights();
    test_big();
    test_threads_and_cancel();
    test_cancel_midway();
    test_refusals();
    return tap_done();
}
