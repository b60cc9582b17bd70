/* test_forest_eval.c: the compact batched evaluator (forest_eval.c) must
 * give bit for bit the margins of gb_model_margin, the walk through the
 * model's own nodes by gb_node_next.  Checked on every fixture and sample
 * model, and on random models carrying every split flag (default
 * direction, categorical sets, LightGBM's NaN-as-zero, zero-as-missing and
 * category truncation), with and without float32 comparisons, on rows full
 * of the values where rules differ: NaN, +-0, +-1e-35, thresholds and
 * their neighbours in double and float, negative and huge categories.
 * Both evaluators are covered: the walk and the leaf bitmasks of small
 * trees (one and two 32-bit words for float32 models), in one model and in
 * blocks of every length (the vector lanes' tails). */
#include <glob.h>
#include <stdint.h>
#include <string.h>

#include "forest_eval.h"
#include "tap.h"
#include "tree_builder.h"

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t next_u64(rng *r)
{
    r->s += UINT64_C(0x9E3779B97F4A7C15);
    uint64_t z = r->s;
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static double unif(rng *r)
{
    return (double)(next_u64(r) >> 11) * 0x1p-53;
}

static size_t below(rng *r, size_t n)
{
    return (size_t)(next_u64(r) % n);
}

/* Splits of the model, to draw values on and around them. */
static size_t collect_splits(const gb_model *m, double *out, size_t room)
{
    size_t n = 0;
    for (size_t t = 0; t < m->n_trees && n < room; t++)
        for (int32_t i = 0; i < m->trees[t].n_nodes && n < room; i++)
            if (m->trees[t].nodes[i].left >= 0)
                out[n++] = m->trees[t].nodes[i].split;
    return n;
}

/* One tricky value: a split or its neighbours (double and float), a
 * special value, a small category, or an ordinary number. */
static double tricky(rng *r, const double *splits, size_t n_splits)
{
    static const double special[] = {0.0, -0.0, 1e-35, -1e-35, 1.0000000180025095e-35, 2e-35, -0.5, -1.0,
                                     0.5, 1.0, 2.0, 3.0, 31.0, 32.0, 33.0, 64.5, 1e300, -1e300, 4294967296.0,
                                     INFINITY, -INFINITY};
    switch (below(r, 6)) {
    case 0: return NAN;
    case 1: return special[below(r, sizeof special / sizeof *special)];
    case 2: return (double)below(r, 40);
    case 3:
        if (n_splits) {
            double s = splits[below(r, n_splits)];
            switch (below(r, 5)) {
            case 0: return s;
            case 1: return nextafter(s, INFINITY);
            case 2: return nextafter(s, -INFINITY);
            case 3: return (double)nextafterf((float)s, INFINITY);
            default: return (double)nextafterf((float)s, -INFINITY);
            }
        }
        return unif(r);
    default: return unif(r) * 20.0 - 10.0;
    }
}

static double *tricky_rows(rng *r, const gb_model *m, size_t n)
{
    double splits[4096];
    size_t ns = collect_splits(m, splits, 4096);
    double *x = malloc(n * (size_t)m->n_features * sizeof *x);
    for (size_t k = 0; k < n * (size_t)m->n_features; k++)
        x[k] = tricky(r, splits, ns);
    return x;
}

/* Bit-for-bit equality of the batched and the reference margins for n rows. */
static int same_as_reference(const gb_model *m, const double *x, size_t n, char *why, size_t why_size)
{
    size_t nf = (size_t)m->n_features, ng = (size_t)m->n_groups;
    double *got = malloc(n * ng * sizeof *got), *want = malloc(ng * sizeof *want);
    gb_error err;
    gb_forest *f = gb_forest_new(m, &err);
    int same = f != NULL;
    if (f)
        gb_forest_margin_batch(f, x, n, got);
    for (size_t r = 0; r < n && same; r++) {
        gb_model_margin(m, x + r * nf, want);
        if (memcmp(got + r * ng, want, ng * sizeof *want) != 0) {
            same = 0;
            snprintf(why, why_size, "row %zu: %.17g != %.17g", r, got[r * ng], want[0]);
        }
    }
    /* gb_model_margin_batch (which uses the forest for big batches). */
    if (same) {
        gb_model_margin_batch(m, x, n, got);
        for (size_t r = 0; r < n && same; r++) {
            gb_model_margin(m, x + r * nf, want);
            if (memcmp(got + r * ng, want, ng * sizeof *want) != 0) {
                same = 0;
                snprintf(why, why_size, "gb_model_margin_batch row %zu differs", r);
            }
        }
    }
    gb_forest_free(f);
    free(got);
    free(want);
    return same;
}

static void check_file(const char *path, rng *r)
{
    gb_error err;
    gb_model *m = gb_model_load(path, &err);
    if (!m) {
        ok(0, "%s loads: %s", path, err.msg);
        return;
    }
    size_t n = 700;
    double *x = tricky_rows(r, m, n);
    char why[200] = "";
    ok(same_as_reference(m, x, n, why, sizeof why), "%s (%s, %zu trees, float32 %d): bit-identical %s", path,
       gb_model_kind_name(m->kind), m->n_trees, m->input_float32, why);
    free(x);
    gb_model_free(m);
}

static void test_fixture_models(void)
{
    static const char *patterns[] = {"tests/fixtures/*/*/model.json", "tests/fixtures/*/*/model.ubj",
                                     "tests/fixtures/*/*/model.txt",  "tests/fixtures/native/*.json",
                                     "tests/fixtures/wide/model.json", "samples/*/*.json",
                                     "samples/*/*.ubj"};
    rng r = {1};
    size_t files = 0;
    for (size_t p = 0; p < sizeof patterns / sizeof *patterns; p++) {
        char pat[1024];
        snprintf(pat, sizeof pat, "%s/%s", tap_srcdir(), patterns[p]);
        glob_t g;
        if (glob(pat, 0, NULL, &g) != 0)
            continue;
        for (size_t i = 0; i < g.gl_pathc; i++) {
            /* Models a loader refuses on purpose live under bad/ names. */
            if (strstr(g.gl_pathv[i], "/bad") || strstr(g.gl_pathv[i], "invalid"))
                continue;
            gb_error err;
            gb_model *probe = gb_model_load(g.gl_pathv[i], &err);
            if (!probe)
                continue;
            gb_model_free(probe);
            check_file(g.gl_pathv[i], &r);
            files++;
        }
        globfree(&g);
    }
    ok(files >= 40, "%zu fixture and sample models compared", files);
}

/* ---- random models with every flag ------------------------------------- */

/* A random tree of up to `depth` levels over nf features; categorical
 * nodes point into m->cat_bits (grown here). */
static gb_node random_split(gb_model *m, rng *r, int nf)
{
    uint32_t flags = 0;
    if (unif(r) < 0.5)
        flags |= GB_NODE_DEFAULT_LEFT;
    double kind = unif(r);
    if (kind < 0.25) {
        flags |= GB_NODE_CATEGORICAL;
        if (unif(r) < 0.5)
            flags |= GB_NODE_CAT_TRUNCATE;
    }
    if (unif(r) < 0.3)
        flags |= GB_NODE_NAN_AS_ZERO;
    if (unif(r) < 0.2)
        flags |= GB_NODE_ZERO_MISSING;
    double at;
    switch (below(r, 4)) {
    case 0: at = 0.0; break;
    case 1: at = (double)below(r, 10) + 0.5; break;
    case 2: at = nextafter(1e-35, INFINITY); break;
    default: at = unif(r) * 8 - 4; break;
    }
    gb_node nd = tb_split((int)below(r, (size_t)nf), at, 0, 0, 2.0, flags);
    if (flags & GB_NODE_CATEGORICAL) {
        uint32_t words = (uint32_t)below(r, 3);
        m->cat_bits = realloc(m->cat_bits, (m->n_cat_bits + words + 1) * sizeof *m->cat_bits);
        nd.cat_begin = (uint32_t)m->n_cat_bits;
        nd.cat_words = words;
        for (uint32_t w = 0; w < words; w++)
            m->cat_bits[m->n_cat_bits++] = (uint32_t)next_u64(r);
    }
    return nd;
}

static int32_t grow(gb_model *m, rng *r, gb_node *nodes, int32_t *n, int depth, int nf, double p_leaf)
{
    int32_t self = (*n)++;
    if (depth == 0 || unif(r) < p_leaf) {
        nodes[self] = tb_leaf(unif(r) * 2 - 1, 1.0);
        return self;
    }
    nodes[self] = random_split(m, r, nf);
    int32_t l = grow(m, r, nodes, n, depth - 1, nf, p_leaf);
    int32_t rt = grow(m, r, nodes, n, depth - 1, nf, p_leaf);
    nodes[self].left = l;
    nodes[self].right = rt;
    return self;
}

/* A lopsided tree, as LightGBM's leaf-wise growth makes: a spine of
 * `length` splits, each with a leaf or a subtree of depth up to `side` on
 * a random side.
 * Few nodes for its depth, so it is evaluated whole; with over 32 leaves a
 * float32 tree's masks take two words, and the top splits' left subtrees
 * straddle them. */
static int32_t grow_spine(gb_model *m, rng *r, gb_node *nodes, int32_t *n, int length, int side, int nf)
{
    if (length == 0)
        return grow(m, r, nodes, n, 0, nf, 1.0);
    int32_t self = (*n)++;
    nodes[self] = random_split(m, r, nf);
    int spine_left = unif(r) < 0.5;
    int32_t a = spine_left ? grow_spine(m, r, nodes, n, length - 1, side, nf) : grow(m, r, nodes, n, side, nf, 0.5);
    int32_t b = spine_left ? grow(m, r, nodes, n, side, nf, 0.5) : grow_spine(m, r, nodes, n, length - 1, side, nf);
    nodes[self].left = a;
    nodes[self].right = b;
    return self;
}

/* A random model: up to 12 trees, of depth up to 8, some full, so that
 * some are walked and some evaluated whole, with one or two mask words. */
static gb_model *random_model(rng *r, int nf, int ng, int float32)
{
    gb_model *m = tb_new_model(nf, ng);
    m->input_float32 = float32;
    for (int g = 0; g < ng; g++)
        m->base[g] = unif(r);
    int n_trees = 1 + (int)below(r, 12);
    for (int t = 0; t < n_trees; t++) {
        gb_node nodes[1 << 9];
        int32_t n = 0;
        double shape = unif(r);
        if (shape < 0.2)
            grow_spine(m, r, nodes, &n, 1 + (int)below(r, 40), 2, nf);
        else
            grow(m, r, nodes, &n, 1 + (int)below(r, shape < 0.4 ? 7 : 8), nf, shape < 0.4 ? 0.0 : 0.15);
        tb_add_tree(m, (int)below(r, (size_t)ng), nodes, n);
    }
    return m;
}

static void test_random_models(void)
{
    rng r = {42};
    int bad = 0, models = 0;
    size_t whole = 0, walked = 0;
    char why[200] = "";
    for (int trial = 0; trial < 80; trial++) {
        gb_model *m = random_model(&r, 1 + (int)below(&r, 8), 1 + (int)below(&r, 3), trial & 1);
        if (tb_finish(m)) {
            bad++;
            gb_model_free(m);
            continue;
        }
        models++;
        gb_forest *f = gb_forest_new(m, NULL);
        whole += gb_forest_n_whole(f);
        walked += m->n_trees - gb_forest_n_whole(f);
        gb_forest_free(f);
        /* Blocks of every length up to 64 rows, and several blocks. */
        size_t n = trial % 4 == 0 ? 300 : 1 + below(&r, 140);
        double *x = tricky_rows(&r, m, n);
        if (!same_as_reference(m, x, n, why, sizeof why) && bad++ == 0)
            printf("# trial %d: %s\n", trial, why);
        free(x);
        gb_model_free(m);
    }
    ok(bad == 0 && models == 80, "80 random models with every split flag, float32 and double: bit-identical (%d differ)",
       bad);
    ok(whole > 100 && walked > 50, "both evaluators ran: %zu trees evaluated whole, %zu walked", whole, walked);
}

/* Every block length from 1 to 130 rows on one model of mask trees with
 * one and two words (float32) or 64-bit lanes (double): spines of 8 to 64
 * leaves and full trees of depth 3. */
static void test_block_lengths(void)
{
    for (int float32 = 0; float32 < 2; float32++) {
        rng r = {7 + (uint64_t)float32};
        gb_model *m = tb_new_model(5, 2);
        m->input_float32 = float32;
        for (int t = 0; t < 6; t++) {
            gb_node nodes[1 << 8];
            int32_t n = 0;
            if (t < 3)
                grow_spine(m, &r, nodes, &n, 7 + 12 * t, 1, 5); /* 8 to 63 leaves */
            else
                grow(m, &r, nodes, &n, 3, 5, 0.0);
            tb_add_tree(m, t % 2, nodes, n);
        }
        tb_finish(m);
        gb_forest *f = gb_forest_new(m, NULL);
        size_t whole = gb_forest_n_whole(f);
        gb_forest_free(f);
        double *x = tricky_rows(&r, m, 130);
        int bad = 0;
        char why[200] = "";
        for (size_t n = 1; n <= 130; n++)
            if (!same_as_reference(m, x + (130 - n) * 5, n, why, sizeof why) && bad++ == 0)
                printf("# %zu rows: %s\n", n, why);
        ok(bad == 0 && whole == 6, "float32 %d: 1 to 130 rows through 6 trees of 8 to 63 leaves, all evaluated whole: "
           "bit-identical (%d lengths differ) %s", float32, bad, why);
        free(x);
        gb_model_free(m);
    }
}

/* Wide rows (more features than the float block holds) take the per-node
 * rounding path; a model reading its last feature checks it. */
static void test_wide_rows(void)
{
    int nf = 20000;
    gb_model *m = tb_new_model(nf, 1);
    m->input_float32 = 1;
    double s = 0.1; /* not a float: the rounding decides */
    gb_node t[] = {tb_split(nf - 1, s, 1, 2, 2, 0), tb_leaf(-1, 1), tb_leaf(1, 1)};
    tb_add_tree(m, 0, t, 3);
    tb_finish(m);
    size_t n = 3;
    double *x = calloc(n * (size_t)nf, sizeof *x);
    x[(size_t)nf - 1] = 0.1;                       /* float(0.1) > 0.1: right */
    x[2 * (size_t)nf - 1] = nextafter(0.1, -1.0);  /* rounds to the same float: right */
    x[3 * (size_t)nf - 1] = (double)nextafterf((float)0.1, 0.0f); /* left */
    char why[200] = "";
    ok(same_as_reference(m, x, n, why, sizeof why), "rows of 20000 features, float32: bit-identical %s", why);
    double out[3];
    gb_error err;
    gb_forest *f = gb_forest_new(m, &err);
    gb_forest_margin_batch(f, x, n, out);
    ok(out[0] == 1 && out[1] == 1 && out[2] == -1, "float32 rounding decides the wide rows' sides");
    gb_forest_free(f);
    free(x);
    gb_model_free(m);

    /* Random trees over 20000 features: walked ones with per-node rounding
     * and mask trees reading over 100 columns of the wide rows. */
    for (int float32 = 0; float32 < 2; float32++) {
        rng r = {99 + (uint64_t)float32};
        m = random_model(&r, nf, 2, float32);
        gb_node full[1 << 9];
        int32_t k = 0;
        grow(m, &r, full, &k, 8, nf, 0.0); /* 256 leaves: walked */
        tb_add_tree(m, 1, full, k);
        /* Trees of 4 leaves, whole: more columns than the stack holds. */
        for (int i = 0; i < 40; i++) {
            k = 0;
            grow(m, &r, full, &k, 2, nf, 0.0);
            tb_add_tree(m, i % 2, full, k);
        }
        tb_finish(m);
        f = gb_forest_new(m, &err);
        size_t whole = gb_forest_n_whole(f);
        gb_forest_free(f);
        n = 70;
        x = tricky_rows(&r, m, n);
        ok(same_as_reference(m, x, n, why, sizeof why) && whole >= 1 && whole < m->n_trees,
           "float32 %d: random trees on rows of 20000 features (%zu of %zu whole): bit-identical %s", float32, whole,
           m->n_trees, why);
        free(x);
        gb_model_free(m);
    }
}

/* A tree whose root is a leaf, a model without trees, a linear model. */
static void test_edges(void)
{
    gb_model *m = tb_new_model(2, 2);
    m->base[0] = 0.25;
    m->base[1] = -1;
    gb_node t[] = {tb_leaf(3, 1)};
    tb_add_tree(m, 1, t, 1);
    tb_finish(m);
    double x[4] = {1, 2, NAN, 4}, out[4];
    gb_forest *f = gb_forest_new(m, NULL);
    gb_forest_margin_batch(f, x, 2, out);
    ok(out[0] == 0.25 && out[1] == 2 && out[2] == 0.25 && out[3] == 2, "a one-leaf tree adds its value");
    gb_forest_free(f);
    gb_model_free(m);

    m = tb_new_model(2, 1);
    m->base[0] = 7;
    tb_finish(m);
    f = gb_forest_new(m, NULL);
    gb_forest_margin_batch(f, x, 2, out);
    ok(out[0] == 7 && out[1] == 7, "a model without trees gives its base");
    gb_forest_free(f);
    gb_model_free(m);

    m = gb_model_new(NULL);
    m->kind = GB_MODEL_LINEAR;
    m->n_features = 2;
    m->coef = calloc(2, sizeof *m->coef);
    m->coef[0] = 2;
    m->coef[1] = -1;
    gb_model_finish(m, NULL);
    f = gb_forest_new(m, NULL);
    gb_forest_margin_batch(f, x, 2, out);
    ok(out[0] == 0 && out[1] == -4, "a linear model: %g %g", out[0], out[1]);
    gb_forest_free(f);
    gb_model_free(m);
}

int main(void)
{
    test_fixture_models();
    test_random_models();
    test_block_lengths();
    test_wide_rows();
    test_edges();
    return tap_done();
}
