/* test_sampling.c: the ground the model-agnostic explainers stand on:
 * per-row random streams (src/rng.c), backgrounds (src/background.c), the
 * coalition engine (src/coalition.c) and exact Shapley values by
 * enumeration (src/shapley_exact.c).
 *
 * References, none written for this purpose:
 *  - the engine's bit-set tree walk and memo against GB_COALITION_DIRECT,
 *    which builds every hybrid row and calls gb_model_margin on it, on the
 *    XGBoost and LightGBM fixtures (missing values, categorical splits,
 *    LightGBM's zero rules, multiclass) in margin and probability space,
 *    with equal and unequal background weights and background sizes around
 *    the 64-row word boundaries;
 *  - exact Shapley values on linear models against the closed form
 *    coef * (x - E[x]);
 *  - exact Shapley values on tree models against interventional TreeSHAP
 *    (src/treeshap_int.c, a different algorithm by another author), 1e-9. */
#include "background.h"
#include "coalition.h"
#include "linearshap.h"
#include "rng.h"
#include "shapley_exact.h"
#include "tap.h"
#include "treeshap_int.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

typedef struct loaded {
    gb_dataset *ds;
    gb_model *m;
    gb_binding b;
} loaded;

static int load(loaded *l, const char *data, const char *model)
{
    char dp[4096], mp[4096];
    gb_error err = {{0}};
    snprintf(dp, sizeof dp, "%s/%s", tap_srcdir(), data);
    snprintf(mp, sizeof mp, "%s/%s", tap_srcdir(), model);
    memset(l, 0, sizeof *l);
    l->ds = gb_dataset_read_csv(dp, NULL, &err);
    l->m = l->ds ? gb_model_load(mp, &err) : NULL;
    if (!l->m || gb_binding_make(l->m, l->ds, NULL, &l->b, &err)) {
        printf("# cannot load %s / %s: %s\n", data, model, err.msg);
        return -1;
    }
    return 0;
}

static void unload(loaded *l)
{
    gb_binding_free(&l->b);
    gb_model_free(l->m);
    gb_dataset_free(l->ds);
}

static uint64_t mix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double rel_diff(const double *a, const double *b, size_t n)
{
    double worst = 0.0;
    for (size_t i = 0; i < n; i++) {
        double s = fabs(b[i]) > 1.0 ? fabs(b[i]) : 1.0, d = fabs(a[i] - b[i]) / s;
        if (d > worst || isnan(d))
            worst = isnan(d) ? INFINITY : d;
    }
    return worst;
}

/* ------------------------------------------------------------------ rng */

static void test_rng(void)
{
    gb_error err = {{0}};
    gsl_rng *a = gb_rng_new(42, GB_RNG_KERNELSHAP, 7, &err), *b = gb_rng_new(42, GB_RNG_KERNELSHAP, 7, &err);
    gsl_rng *c = gb_rng_new(42, GB_RNG_KERNELSHAP, 8, &err), *d = gb_rng_new(43, GB_RNG_KERNELSHAP, 7, &err);
    gsl_rng *e = gb_rng_new(42, GB_RNG_PERMUTATION, 7, &err);
    int same = 1, differ_c = 0, differ_d = 0, differ_e = 0;
    for (int i = 0; i < 1000; i++) {
        unsigned long x = gsl_rng_get(a), y = gsl_rng_get(b);
        same &= x == y;
        differ_c += gsl_rng_get(c) != x;
        differ_d += gsl_rng_get(d) != x;
        differ_e += gsl_rng_get(e) != x;
    }
    ok(same, "rng: the same (seed, purpose, row) gives the same stream");
    ok(differ_c > 990 && differ_d > 990 && differ_e > 990,
       "rng: another row, seed or purpose gives another stream (%d %d %d of 1000 differ)", differ_c, differ_d,
       differ_e);
    gb_rng_reset(a, 42, GB_RNG_KERNELSHAP, 7);
    gsl_rng_free(b);
    b = gb_rng_new(42, GB_RNG_KERNELSHAP, 7, &err);
    ok(gsl_rng_uniform(a) == gsl_rng_uniform(b), "rng: reset restarts the stream");
    /* Uniformity: mean and variance of 1e5 draws, and every 53-bit double
     * in [0, 1). */
    double s = 0, s2 = 0, lo = 1, hi = 0;
    for (int i = 0; i < 100000; i++) {
        double u = gsl_rng_uniform(a);
        s += u;
        s2 += u * u;
        lo = u < lo ? u : lo;
        hi = u > hi ? u : hi;
    }
    double mean = s / 1e5, var = s2 / 1e5 - mean * mean;
    ok(fabs(mean - 0.5) < 0.005 && fabs(var - 1.0 / 12) < 0.002 && lo >= 0 && hi < 1,
       "rng: uniform draws have mean %.4f and variance %.5f in [0,1)", mean, var);
    unsigned long counts[10] = {0};
    for (int i = 0; i < 100000; i++)
        counts[gsl_rng_uniform_int(a, 10)]++;
    double chi2 = 0;
    for (int i = 0; i < 10; i++)
        chi2 += (counts[i] - 1e4) * (counts[i] - 1e4) / 1e4;
    ok(chi2 < 27.9, "rng: gsl_rng_uniform_int is uniform over 10 values (chi2 %.1f, 9 df, p > 0.001)", chi2);
    ok(gb_rng_key(1, 2, 3) != gb_rng_key(1, 3, 2) && gb_rng_key(0, 0, 0) != gb_rng_key(0, 0, 1),
       "rng: keys depend on the order of their inputs");
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng_free(c);
    gsl_rng_free(d);
    gsl_rng_free(e);
}

/* ------------------------------------------------------------ background */

static void test_background_spec(void)
{
    gb_background_spec s;
    gb_error err = {{0}};
    ok(gb_background_spec_parse("100", &s, &err) == 0 && s.kind == GB_BACKGROUND_SAMPLE && s.n == 100,
       "--background 100 samples 100 rows");
    ok(gb_background_spec_parse("kmeans:8", &s, &err) == 0 && s.kind == GB_BACKGROUND_KMEANS && s.n == 8,
       "--background kmeans:8");
    ok(gb_background_spec_parse("all", &s, &err) == 0 && s.kind == GB_BACKGROUND_ALL, "--background all");
    const char *bad[] = {"0", "-5", "kmeans:", "kmeans:0", "ten", "10x", "", "kmeans:-1", "99999999999"};
    int refused = 0;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err.msg[0] = 0;
        refused += gb_background_spec_parse(bad[i], &s, &err) != 0 && strstr(err.msg, "kmeans:K or all");
    }
    ok(refused == (int)(sizeof bad / sizeof *bad), "bad --background values are refused with the usage (%d)",
       refused);
}

static int row_in_data(const loaded *l, const double *x)
{
    double *y = malloc((size_t)l->m->n_features * sizeof *y);
    int found = 0;
    for (size_t r = 0; r < l->ds->n_rows && !found; r++) {
        gb_binding_row(&l->b, l->ds, r, y);
        found = memcmp(x, y, (size_t)l->m->n_features * sizeof *y) == 0;
    }
    free(y);
    return found;
}

static void test_background_make(void)
{
    loaded l;
    if (load(&l, "samples/diabetes/data.csv", "samples/diabetes/xgboost.json"))
        return;
    gb_error err = {{0}};
    int nf = l.m->n_features;
    gb_background_spec s = {GB_BACKGROUND_SAMPLE, 50};
    gb_background *a = gb_background_make(l.m, l.ds, &l.b, &s, 7, &err);
    gb_background *b = gb_background_make(l.m, l.ds, &l.b, &s, 7, &err);
    gb_background *c = gb_background_make(l.m, l.ds, &l.b, &s, 8, &err);
    ok(a && b && c && a->n == 50 && a->uniform, "sampled background: 50 rows, equal weights");
    ok(a && b && memcmp(a->x, b->x, 50 * (size_t)nf * sizeof *a->x) == 0, "the same seed samples the same rows");
    ok(a && c && memcmp(a->x, c->x, 50 * (size_t)nf * sizeof *a->x) != 0, "another seed samples other rows");
    int all_in = 1;
    for (size_t i = 0; a && i < a->n; i++)
        all_in &= row_in_data(&l, a->x + i * (size_t)nf);
    ok(all_in, "every sampled row is a row of the data");
    double wsum = 0;
    for (size_t i = 0; a && i < a->n; i++)
        wsum += a->w[i];
    is_close(wsum, 1.0, 1e-12, "sampled weights sum to 1");
    gb_background_free(a);
    gb_background_free(b);
    gb_background_free(c);

    s.n = 100000;
    a = gb_background_make(l.m, l.ds, &l.b, &s, 7, &err);
    ok(a && a->n == l.ds->n_rows, "asking for more rows than the data has takes them all (%zu)", a ? a->n : 0);
    gb_background_free(a);
    s.kind = GB_BACKGROUND_ALL;
    a = gb_background_make(l.m, l.ds, &l.b, &s, 7, &err);
    double *x0 = malloc((size_t)nf * sizeof *x0);
    gb_binding_row(&l.b, l.ds, 441, x0);
    ok(a && a->n == 442 && memcmp(a->x + 441 * (size_t)nf, x0, (size_t)nf * sizeof *x0) == 0,
       "--background all keeps every row in order");
    gb_background_free(a);

    s.kind = GB_BACKGROUND_KMEANS;
    s.n = 10;
    a = gb_background_make(l.m, l.ds, &l.b, &s, 3, &err);
    b = gb_background_make(l.m, l.ds, &l.b, &s, 3, &err);
    ok(a && a->n >= 2 && a->n <= 10 && !a->uniform, "kmeans:10 gives at most 10 weighted centres (%zu)",
       a ? a->n : 0);
    ok(a && b && a->n == b->n && memcmp(a->x, b->x, a->n * (size_t)nf * sizeof *a->x) == 0 &&
           memcmp(a->w, b->w, a->n * sizeof *a->w) == 0,
       "k-means is reproducible with the seed");
    wsum = 0;
    double wmin = 1;
    for (size_t i = 0; a && i < a->n; i++) {
        wsum += a->w[i];
        wmin = a->w[i] < wmin ? a->w[i] : wmin;
    }
    is_close(wsum, 1.0, 1e-12, "k-means weights (cluster shares) sum to 1");
    ok(wmin > 0, "no empty cluster is kept");
    /* Centres are snapped to values of the data, feature by feature. */
    int snapped = 1;
    for (size_t i = 0; a && i < a->n; i++)
        for (int f = 0; f < nf; f++) {
            double v = a->x[i * (size_t)nf + (size_t)f];
            int found = 0;
            const gb_column *col = &l.ds->cols[l.b.column[f]];
            for (size_t r = 0; r < l.ds->n_rows && !found; r++)
                found = col->values[r] == v;
            snapped &= found;
        }
    ok(snapped, "every centre value occurs in its feature's column");
    /* The weighted mean of the summary is close to the data's mean: the
     * clusters partition the data. */
    double *mk = calloc((size_t)nf, sizeof *mk), *md = calloc((size_t)nf, sizeof *md);
    gb_background_mean0(a, mk);
    s.kind = GB_BACKGROUND_ALL;
    c = gb_background_make(l.m, l.ds, &l.b, &s, 0, &err);
    gb_background_mean0(c, md);
    double worst = 0;
    for (int f = 0; f < nf; f++) {
        double sd = 0;
        for (size_t r = 0; r < c->n; r++)
            sd += (c->x[r * (size_t)nf + (size_t)f] - md[f]) * (c->x[r * (size_t)nf + (size_t)f] - md[f]);
        sd = sqrt(sd / (double)c->n);
        double z = fabs(mk[f] - md[f]) / sd;
        worst = z > worst ? z : worst;
    }
    ok(worst < 0.25, "k-means summary's mean is within 0.25 sd of the data's (worst %.3f)", worst);
    free(mk);
    free(md);
    free(x0);
    gb_background_free(a);
    gb_background_free(b);
    gb_background_free(c);

    double rows[4] = {1, 2, 3, 4}, w[2] = {1, 3};
    a = gb_background_from_rows(rows, w, 2, 2, &err);
    ok(a && a->w[0] == 0.25 && a->w[1] == 0.75 && !a->uniform, "given weights are normalised");
    gb_background_free(a);
    double bad_w[2] = {1, -1};
    err.msg[0] = 0;
    ok(!gb_background_from_rows(rows, bad_w, 2, 2, &err) && strstr(err.msg, "weight 1"),
       "a negative weight is refused: %s", err.msg);
    unload(&l);
}

static const char *write_tmp(const char *name, const char *text)
{
    static char path[2][512];
    static int k;
    char *p = path[k++ & 1];
    snprintf(p, 512, "%s/gb-test-sampling-%ld-%s", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid(),
             name);
    FILE *fp = fopen(p, "w");
    fputs(text, fp);
    fclose(fp);
    return p;
}

static void test_background_recode(void)
{
    /* A categorical model feature: the background file knows fewer levels,
     * so its codes differ from the data's. */
    gb_error err = {{0}};
    const char *dp = write_tmp("data.csv", "c,x\nblue,1\ngreen,2\nred,3\n");
    const char *bp = write_tmp("bg.csv", "c,x\nred,5\nblue,6\nred,7\n");
    gb_dataset *ds = gb_dataset_read_csv(dp, NULL, &err), *bg = gb_dataset_read_csv(bp, NULL, &err);
    gb_model *m = gb_model_new(&err);
    m->kind = GB_MODEL_LINEAR;
    m->n_features = 2;
    m->feature_names = calloc(2, sizeof *m->feature_names);
    m->feature_names[0] = strdup("c");
    m->feature_names[1] = strdup("x");
    m->feature_categorical = calloc(2, 1);
    m->feature_categorical[0] = 1;
    m->coef = calloc(2, sizeof *m->coef);
    gb_model_finish(m, &err);
    gb_binding b1, b2;
    int rc = gb_binding_make(m, ds, NULL, &b1, &err) || gb_binding_make(m, bg, NULL, &b2, &err);
    ok(!rc && bg->cols[0].values[0] == 1 && bg->cols[0].values[1] == 0, "the file codes red as 1, blue as 0");
    rc = gb_background_recode(bg, &b2, ds, &b1, &err);
    ok(rc == 0 && bg->cols[0].values[0] == 2 && bg->cols[0].values[1] == 0 && bg->cols[0].values[2] == 2,
       "recoded: red is the data's 2, blue its 0");
    gb_binding_free(&b2);
    gb_dataset_free(bg);
    bp = write_tmp("bg.csv", "c,x\nred,5\npurple,6\n");
    bg = gb_dataset_read_csv(bp, NULL, &err);
    gb_binding_make(m, bg, NULL, &b2, &err);
    err.msg[0] = 0;
    rc = gb_background_recode(bg, &b2, ds, &b1, &err);
    ok(rc != 0 && strstr(err.msg, ":3: column 'c' has the value 'purple'"), "an unknown level names file:line: %s",
       err.msg);
    gb_binding_free(&b1);
    gb_binding_free(&b2);
    gb_dataset_free(bg);
    gb_dataset_free(ds);
    gb_model_free(m);
    remove(dp);
    remove(bp);
}

/* --------------------------------------------------------------- engine */

typedef struct fixture {
    const char *data, *model;
} fixture;

static const fixture tree_fixtures[] = {
    {"tests/fixtures/xgboost/binary/data.csv", "tests/fixtures/xgboost/binary/model.json"},
    {"tests/fixtures/xgboost/categorical/data.csv", "tests/fixtures/xgboost/categorical/model.json"},
    {"tests/fixtures/xgboost/multiclass/data.csv", "tests/fixtures/xgboost/multiclass/model.json"},
    {"tests/fixtures/lightgbm/categorical/data.csv", "tests/fixtures/lightgbm/categorical/model.txt"},
    {"tests/fixtures/lightgbm/regression/data.csv", "tests/fixtures/lightgbm/regression/model.txt"},
    {"samples/diabetes/data.csv", "samples/diabetes/xgboost.json"},
    {"samples/iris/data.csv", "samples/iris/xgboost.json"},
};

/* Random masks through the fast engine and the direct one. */
static double engine_vs_direct(const loaded *l, const gb_background *bg, gb_output_space space, uint64_t seed)
{
    gb_error err = {{0}};
    gb_coalition *fast = gb_coalition_new(l->m, bg, space, 0, &err);
    gb_coalition *slow = gb_coalition_new(l->m, bg, space, GB_COALITION_DIRECT, &err);
    gb_coalition_ws *fw = gb_coalition_ws_new(fast, &err), *sw = gb_coalition_ws_new(slow, &err);
    size_t words = gb_coalition_words(fast), ng = (size_t)l->m->n_groups, nf = (size_t)l->m->n_features;
    enum { MASKS = 24 };
    uint64_t *masks = calloc(MASKS * 2, words * sizeof *masks);
    double *a = malloc(MASKS * 2 * ng * sizeof *a), *b = malloc(MASKS * 2 * ng * sizeof *b);
    double *x = malloc(nf * sizeof *x), worst = 0;
    for (size_t row = 0; row < 4 && row < l->ds->n_rows; row++) {
        gb_binding_row(&l->b, l->ds, row * 7 % l->ds->n_rows, x);
        gb_coalition_set_row(fast, fw, x);
        gb_coalition_set_row(slow, sw, x);
        for (size_t k = 0; k < MASKS * words; k++)
            masks[k] = mix(&seed);
        /* Each mask twice: the second time the memo answers. */
        memcpy(masks + MASKS * words, masks, MASKS * words * sizeof *masks);
        gb_coalition_eval(fast, fw, masks, 2 * MASKS, a, NULL);
        gb_coalition_eval(slow, sw, masks, 2 * MASKS, b, NULL);
        double d = rel_diff(a, b, 2 * MASKS * ng);
        worst = d > worst ? d : worst;
    }
    free(masks);
    free(a);
    free(b);
    free(x);
    gb_coalition_ws_free(fw);
    gb_coalition_ws_free(sw);
    gb_coalition_free(fast);
    gb_coalition_free(slow);
    return worst;
}

static gb_background *bg_of(const loaded *l, size_t n, int weighted, int with_nan, uint64_t seed)
{
    size_t nf = (size_t)l->m->n_features;
    double *x = malloc(n * nf * sizeof *x), *w = malloc(n * sizeof *w);
    for (size_t i = 0; i < n; i++) {
        gb_binding_row(&l->b, l->ds, mix(&seed) % l->ds->n_rows, x + i * nf);
        if (with_nan && i % 5 == 0)
            x[i * nf + mix(&seed) % nf] = NAN;
        w[i] = 0.5 + (double)(mix(&seed) % 1000) / 1000.0;
    }
    gb_error err = {{0}};
    gb_background *bg = gb_background_from_rows(x, weighted ? w : NULL, n, (int)nf, &err);
    free(x);
    free(w);
    return bg;
}

static void test_engine(void)
{
    static const size_t sizes[] = {1, 63, 100, 130, 200};
    for (size_t i = 0; i < sizeof tree_fixtures / sizeof *tree_fixtures; i++) {
        loaded l;
        if (load(&l, tree_fixtures[i].data, tree_fixtures[i].model)) {
            ok(0, "load %s", tree_fixtures[i].model);
            continue;
        }
        double worst = 0;
        int cases = 0;
        for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
            for (int weighted = 0; weighted < 2; weighted++)
                for (int space = 0; space < 2; space++) {
                    gb_background *bg = bg_of(&l, sizes[s], weighted, 1, s * 4 + (size_t)weighted);
                    double d = engine_vs_direct(&l, bg, (gb_output_space)space, s * 31 + (size_t)space);
                    worst = d > worst ? d : worst;
                    cases++;
                    gb_background_free(bg);
                }
        ok(worst < 1e-12, "engine = direct evaluation on %s (%d backgrounds x spaces, worst %.2g)",
           tree_fixtures[i].model, cases, worst);
        unload(&l);
    }
}

/* ---------------------------------------------------------------- exact */

static int exact_row(const gb_coalition *c, const double *x, double *phi, gb_error *err)
{
    gb_coalition_ws *ws = gb_coalition_ws_new(c, err);
    gb_game g;
    int rc = gb_game_begin(&g, c, ws, x, NULL, err);
    if (rc == 0)
        rc = gb_shapley_exact_row(&g, phi, NULL, err);
    gb_game_end(&g);
    gb_coalition_ws_free(ws);
    return rc;
}

static void test_exact_linear(void)
{
    static const fixture lin[] = {
        {"samples/diabetes/data.csv", "samples/diabetes/ridge.json"},
        {"samples/iris/data.csv", "samples/iris/logistic.json"},
        {"tests/fixtures/xgboost/gblinear/data.csv", "tests/fixtures/xgboost/gblinear/model.json"},
    };
    for (size_t i = 0; i < sizeof lin / sizeof *lin; i++) {
        loaded l;
        if (load(&l, lin[i].data, lin[i].model)) {
            ok(0, "load %s", lin[i].model);
            continue;
        }
        gb_error err = {{0}};
        size_t nf = (size_t)l.m->n_features, stride = (size_t)l.m->n_groups * (nf + 1);
        double *x = malloc(nf * sizeof *x), *mean = malloc(nf * sizeof *mean);
        double *phi = malloc(stride * sizeof *phi), *want = malloc(stride * sizeof *want);
        double worst[2] = {0, 0};
        for (int direct = 0; direct < 2; direct++)
            for (int weighted = 0; weighted < 2; weighted++) {
                gb_background *bg = bg_of(&l, 40, weighted, 1, 5 + (uint64_t)weighted);
                gb_coalition *c = gb_coalition_new(l.m, bg, GB_SPACE_MARGIN, direct ? GB_COALITION_DIRECT : 0, &err);
                gb_background_mean0(bg, mean);
                for (size_t r = 0; r < 8; r++) {
                    gb_binding_row(&l.b, l.ds, r * 5, x);
                    if (r == 3)
                        x[0] = NAN;
                    exact_row(c, x, phi, &err);
                    gb_linearshap_row(l.m, mean, x, want);
                    double d = rel_diff(phi, want, stride);
                    worst[direct] = d > worst[direct] ? d : worst[direct];
                }
                gb_coalition_free(c);
                gb_background_free(bg);
            }
        ok(worst[0] < 1e-12 && worst[1] < 1e-12,
           "exact = closed form coef * (x - E x) on %s (closed-form engine %.2g, direct %.2g)", lin[i].model,
           worst[0], worst[1]);
        free(x);
        free(mean);
        free(phi);
        free(want);
        unload(&l);
    }
}

static void test_exact_trees(void)
{
    for (size_t i = 0; i < sizeof tree_fixtures / sizeof *tree_fixtures; i++) {
        loaded l;
        if (load(&l, tree_fixtures[i].data, tree_fixtures[i].model)) {
            ok(0, "load %s", tree_fixtures[i].model);
            continue;
        }
        gb_error err = {{0}};
        size_t nf = (size_t)l.m->n_features, stride = (size_t)l.m->n_groups * (nf + 1);
        double *x = malloc(nf * sizeof *x), *phi = malloc(stride * sizeof *phi), *want = malloc(stride * sizeof *want);
        double worst = 0, add = 0;
        int rows = 0;
        for (int weighted = 0; weighted < 2; weighted++) {
            gb_background *bg = bg_of(&l, 70, weighted, 1, 11 + (uint64_t)weighted);
            gb_coalition *c = gb_coalition_new(l.m, bg, GB_SPACE_MARGIN, 0, &err);
            gb_treeshap_int *ti = gb_treeshap_int_new(l.m, bg->x, bg->w, bg->n, &err);
            for (size_t r = 0; r < 6; r++, rows++) {
                gb_binding_row(&l.b, l.ds, (r * 13) % l.ds->n_rows, x);
                exact_row(c, x, phi, &err);
                gb_treeshap_int_row(ti, x, want, NULL);
                double d = rel_diff(phi, want, stride);
                worst = d > worst ? d : worst;
                double *mg = malloc((size_t)l.m->n_groups * sizeof *mg);
                gb_model_margin(l.m, x, mg);
                for (int g = 0; g < l.m->n_groups; g++) {
                    double s = 0;
                    for (size_t f = 0; f <= nf; f++)
                        s += phi[(size_t)g * (nf + 1) + f];
                    double e = fabs(s - mg[g]) / (fabs(mg[g]) > 1 ? fabs(mg[g]) : 1);
                    add = e > add ? e : add;
                }
                free(mg);
            }
            gb_treeshap_int_free(ti);
            gb_coalition_free(c);
            gb_background_free(bg);
        }
        ok(worst < 1e-9, "exact = interventional TreeSHAP within 1e-9 on %s (%d rows, worst %.2g)",
           tree_fixtures[i].model, rows, worst);
        ok(add < 1e-12, "exact: base + sum = the model's margin on %s (worst %.2g)", tree_fixtures[i].model, add);
        free(x);
        free(phi);
        free(want);
        unload(&l);
    }
}

static void test_exact_refusal(void)
{
    loaded l;
    if (load(&l, "samples/breast_cancer/data.csv", "samples/breast_cancer/xgboost.ubj"))
        return;
    gb_error err = {{0}};
    gb_background_spec s = {GB_BACKGROUND_SAMPLE, 100};
    gb_background *bg = gb_background_make(l.m, l.ds, &l.b, &s, 1, &err);
    gb_coalition *c = gb_coalition_new(l.m, bg, GB_SPACE_MARGIN, 0, &err);
    size_t nf = (size_t)l.m->n_features;
    double *x = malloc(nf * sizeof *x), *phi = malloc((nf + 1) * sizeof *phi);
    gb_binding_row(&l.b, l.ds, 0, x);
    int players = gb_coalition_count_players(c, x);
    int rc = exact_row(c, x, phi, &err);
    ok(players > GB_EXACT_MAX_PLAYERS && rc < 0 && strstr(err.msg, "coalitions x 100 background rows") &&
           strstr(err.msg, "model evaluations") && strstr(err.msg, "on one thread"),
       "exact refuses %d varying features and gives the cost: %s", players, err.msg);
    free(x);
    free(phi);
    gb_coalition_free(c);
    gb_background_free(bg);
    unload(&l);
}

/* A constant feature (equal to x in every background row) and a feature
 * the model never reads are not players and get exactly 0. */
static void test_players(void)
{
    loaded l;
    if (load(&l, "samples/diabetes/data.csv", "samples/diabetes/xgboost.json"))
        return;
    gb_error err = {{0}};
    size_t nf = (size_t)l.m->n_features;
    gb_background *bg = bg_of(&l, 30, 0, 0, 3);
    double *x = malloc(nf * sizeof *x), *phi = malloc((nf + 1) * sizeof *phi);
    gb_binding_row(&l.b, l.ds, 1, x);
    for (size_t i = 0; i < bg->n; i++)
        bg->x[i * nf + 2] = x[2];
    gb_coalition *c = gb_coalition_new(l.m, bg, GB_SPACE_MARGIN, 0, &err);
    int players = gb_coalition_count_players(c, x);
    exact_row(c, x, phi, &err);
    ok(players == (int)nf - 1 && phi[2] == 0.0, "a feature constant across background and row: %d players, phi 0",
       players);
    gb_coalition_free(c);
    gb_background_free(bg);
    free(x);
    free(phi);
    unload(&l);
}

/* Masks of two words, trees memoised (up to 12 varying features, the
 * boundary included) beside trees walked every time, in one model. */
static void test_wide(void)
{
    loaded l;
    if (load(&l, "tests/fixtures/wide/data.csv", "tests/fixtures/wide/model.json")) {
        ok(0, "load the wide fixture");
        return;
    }
    double worst = 0;
    for (int weighted = 0; weighted < 2; weighted++)
        for (int space = 0; space < 2; space++) {
            gb_background *bg = bg_of(&l, 70, weighted, 0, 21 + (uint64_t)weighted);
            double d = engine_vs_direct(&l, bg, (gb_output_space)space, 5 + (uint64_t)space);
            worst = d > worst ? d : worst;
            gb_background_free(bg);
        }
    ok(worst < 1e-12, "engine = direct evaluation on 100 features, 2-word masks (worst %.2g)", worst);
    unload(&l);
}

int main(void)
{
    gsl_set_error_handler_off();
    test_rng();
    test_background_spec();
    test_background_make();
    test_background_recode();
    test_engine();
    test_wide();
    test_exact_linear();
    test_exact_trees();
    test_exact_refusal();
    test_players();
    return tap_done();
}
