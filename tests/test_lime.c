/* test_lime.c: checks LIME (src/lime.c, lime_stats.c, lime_fit.c,
 * lime_lasso.c).
 *
 * Against the lime library itself (fixtures made by
 * tests/fixtures/lime/make_fixtures.py; the random streams differ, so only
 * the deterministic parts): the quartile and decile discretisers' edges,
 * bin moments, bounds and frequencies, the bins of probe values, category
 * frequencies and scaler, and on neighbourhoods drawn by lime, every
 * feature-selection mode's choice, intercept, coefficients, score and local
 * prediction.  By construction: a linear model without discretisation gives
 * weights coef * sd and R^2 1; the selection modes agree on a model with
 * dominant features; a value on an edge is in the lower bin; categories and
 * bins are drawn with their training frequencies; the same seed gives the
 * same bytes; R^2 stays in [0, 1]; cancellation and bad configurations. */
#include "lime.h"
#include "lime_fit.h"
#include "lime_stats.h"
#include "dataset.h"
#include "tap.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

static char path_buf[4096];

static const char *fixture(const char *name)
{
    snprintf(path_buf, sizeof path_buf, "%s/tests/fixtures/lime/%s", tap_srcdir(), name);
    return path_buf;
}

/* ---- models and statistics built in code ----------------------------- */

static gb_model *linear_model(int nf, const double *coef, double base, gb_link link)
{
    gb_model *m = gb_model_new(NULL);
    m->kind = GB_MODEL_LINEAR;
    m->n_features = nf;
    m->n_groups = 1;
    m->link = link;
    m->base = calloc(1, sizeof *m->base);
    m->base[0] = base;
    m->coef = calloc((size_t)nf, sizeof *m->coef);
    if (coef)
        memcpy(m->coef, coef, (size_t)nf * sizeof *coef);
    gb_error err;
    if (gb_model_finish(m, &err)) {
        printf("Bail out! %s\n", err.msg);
        exit(1);
    }
    return m;
}

static gb_lime_stats *must_stats(const gb_model *m, const double *rows, const unsigned char *cat, size_t n)
{
    gb_error err;
    gb_lime_stats *s = gb_lime_stats_new_rows(m, rows, cat, n, &err);
    if (!s) {
        printf("Bail out! gb_lime_stats_new_rows: %s\n", err.msg);
        exit(1);
    }
    return s;
}

/* n rows of nf features: feature f is normal with mean f and sd f + 1. */
static double *normal_rows(size_t n, int nf, unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    double *x = malloc(n * (size_t)nf * sizeof *x);
    for (size_t i = 0; i < n; i++)
        for (int f = 0; f < nf; f++)
            x[i * (size_t)nf + (size_t)f] = f + (f + 1) * gsl_ran_gaussian(r, 1.0);
    gsl_rng_free(r);
    return x;
}

static int run(const gb_lime_stats *s, const gb_lime_config *c, const double *x, unsigned long seed,
               gb_lime_result *res)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    int rc = gb_lime_row(s, c, x, r, res, NULL);
    gsl_rng_free(r);
    return rc;
}

static int has(const int *sel, int n, int f)
{
    for (int i = 0; i < n; i++)
        if (sel[i] == f)
            return 1;
    return 0;
}

/* ---- by construction ----------------------------------------------------- */

static void test_linear_recovery(void)
{
    /* margin = 0.5 + sum coef_f x_f, features with sd 1..5: lime's weights on
     * standardised values are coef * sd; the ridge's alpha = 1 against a
     * weight total in the thousands shrinks them by well under 1e-3. */
    int nf = 5;
    double coef[5] = {2.0, -1.0, 0.5, 0.0, 3.0};
    gb_model *m = linear_model(nf, coef, 0.5, GB_LINK_IDENTITY);
    double *rows = normal_rows(4000, nf, 1);
    gb_lime_stats *s = must_stats(m, rows, NULL, 4000);
    gb_lime_config c = {
        .discretize = GB_LIME_NONE, .selection = GB_LIME_NONE_SELECTION, .space = GB_LIME_MARGIN};
    gb_lime_result res;
    gb_lime_result_init(&res, s, NULL);
    double x[5] = {1.0, 0.0, 4.0, 2.0, 3.5};
    ok(run(s, &c, x, 7, &res) == 0, "lime runs on a linear model");
    double worst = 0.0;
    for (int f = 0; f < nf; f++) {
        double mean, scale;
        gb_lime_stats_scale(s, f, &mean, &scale);
        double want = coef[f] * scale, e = fabs(res.weights[f] - want) / (fabs(want) > 1 ? fabs(want) : 1);
        if (e > worst)
            worst = e;
    }
    ok(worst < 1e-3, "no discretisation, linear model: weights = coef * sd (worst relative error %.2g)",
       worst);
    ok(res.r2 > 1 - 1e-6 && res.r2 <= 1.0, "no discretisation, linear model: R^2 = 1 (%.12f)", res.r2);
    is_close(res.local_pred, res.model_pred, 1e-3, "the surrogate at x equals the model at x");
    ok(res.n_selected == nf, "selection none keeps every feature");
    ok(res.bin[0] == -1 && res.edges[0] == NULL, "no discretisation: no bins to display");

    /* The same model in probability space (logistic link) is no longer
     * linear: R^2 drops below 1 but stays in [0, 1]. */
    m->link = GB_LINK_LOGISTIC;
    c.space = GB_LIME_OUTPUT;
    run(s, &c, x, 7, &res);
    ok(res.r2 >= 0.0 && res.r2 < 1.0, "probability space: R^2 in [0, 1) (%.6f)", res.r2);
    is_close(res.model_pred, 1 / (1 + exp(-(0.5 + 2 - 0 + 2 + 0 + 10.5))), 1e-12,
             "model_pred is the probability");
    gb_lime_result_free(&res);
    gb_lime_stats_free(s);
    free(rows);
    gb_model_free(m);
}

static void test_selection_modes(void)
{
    /* Three dominant features (0, 2, 5) among 8, all with sd about 1 on
     * standardised scales: every mode picks exactly them with K = 3. */
    int nf = 8;
    double coef[8] = {4.0, 0.02, -3.0, 0.01, 0.0, 2.5, -0.02, 0.01};
    gb_model *m = linear_model(nf, coef, 0.0, GB_LINK_IDENTITY);
    double *rows = malloc(3000 * 8 * sizeof *rows);
    double *src = normal_rows(3000, nf, 3);
    for (int i = 0; i < 3000 * 8; i++)
        rows[i] = (src[i] - (i % 8)) / ((i % 8) + 1); /* unit normals */
    free(src);
    gb_lime_stats *s = must_stats(m, rows, NULL, 3000);
    gb_lime_result res;
    gb_lime_result_init(&res, s, NULL);
    double x[8] = {1.2, -0.8, -1.1, 0.9, 1.3, 1.0, -1.2, 0.7};
    static const gb_lime_selection modes[] = {GB_LIME_FORWARD, GB_LIME_HIGHEST_WEIGHTS, GB_LIME_LASSO,
                                              GB_LIME_AUTO};
    static const gb_lime_discretize discs[] = {GB_LIME_QUARTILE, GB_LIME_NONE};
    for (size_t d = 0; d < 2; d++) {
        double first[8];
        for (size_t k = 0; k < 4; k++) {
            gb_lime_config c = {
                .discretize = discs[d], .selection = modes[k], .num_features = 3, .space = GB_LIME_MARGIN};
            run(s, &c, x, 11, &res);
            int right = res.n_selected == 3 && has(res.selected, 3, 0) && has(res.selected, 3, 2) &&
                        has(res.selected, 3, 5);
            ok(right && res.selected[0] == 0,
               "%s, selection %s, K = 3: picks the dominant features 0, 2, 5 "
               "(largest first)",
               gb_lime_discretize_name(discs[d]), gb_lime_selection_name(modes[k]));
            if (k == 0) {
                memcpy(first, res.weights, sizeof first);
            } else {
                double e = 0.0;
                for (int f = 0; f < nf; f++)
                    e = fmax(e, fabs(res.weights[f] - first[f]));
                ok(e < 1e-12, "%s: %s gives forward selection's weights (difference %.2g)",
                   gb_lime_discretize_name(discs[d]), gb_lime_selection_name(modes[k]), e);
            }
        }
        gb_lime_config c = {.discretize = discs[d],
                            .selection = GB_LIME_NONE_SELECTION,
                            .num_features = 3,
                            .space = GB_LIME_MARGIN};
        run(s, &c, x, 11, &res);
        int zeros = 1;
        for (int f = 0; f < nf; f++)
            zeros &= res.weights[f] != 0.0;
        ok(res.n_selected == 8 && zeros, "%s, selection none: all 8 features get a weight",
           gb_lime_discretize_name(discs[d]));
    }
    /* Without discretisation the signs follow the coefficients; with it a
     * feature's weight is the effect of being in x's bin. */
    gb_lime_config c = {
        .discretize = GB_LIME_NONE, .selection = GB_LIME_FORWARD, .num_features = 3, .space = GB_LIME_MARGIN};
    run(s, &c, x, 11, &res);
    ok(res.weights[0] > 0 && res.weights[2] < 0 && res.weights[5] > 0,
       "weights carry the coefficients' signs");
    gb_lime_result_free(&res);
    gb_lime_stats_free(s);
    free(rows);
    gb_model_free(m);
}

static void test_bins(void)
{
    /* Training values 0..4: numpy's quartiles are exactly 1, 2, 3. */
    gb_model *m = linear_model(1, NULL, 0.0, GB_LINK_IDENTITY);
    double rows[6] = {3, 0, 4, 1, 2, NAN};
    gb_lime_stats *s = must_stats(m, rows, NULL, 6);
    int n_edges;
    const double *e = gb_lime_stats_edges(s, GB_LIME_QUARTILE, 0, &n_edges);
    ok(n_edges == 3 && e[0] == 1 && e[1] == 2 && e[2] == 3,
       "quartiles of 0..4 are 1, 2, 3 (missing ignored)");
    ok(gb_lime_stats_bin(s, GB_LIME_QUARTILE, 0, 1.0) == 0, "x = 1, on the first edge: bin 0 (x <= 1)");
    ok(gb_lime_stats_bin(s, GB_LIME_QUARTILE, 0, 2.0) == 1, "x = 2, on the second edge: bin 1 (1 < x <= 2)");
    ok(gb_lime_stats_bin(s, GB_LIME_QUARTILE, 0, 2.0000001) == 2, "x just above 2: bin 2");
    ok(gb_lime_stats_bin(s, GB_LIME_QUARTILE, 0, 99) == 3, "x above every edge: bin 3");
    ok(gb_lime_stats_bin(s, GB_LIME_QUARTILE, 0, NAN) == 4, "missing x: bin 4, after the value bins");
    e = gb_lime_stats_edges(s, GB_LIME_DECILE, 0, &n_edges);
    ok(n_edges == 9 && e[0] == 0.4 && e[4] == 2.0, "deciles of 0..4: 0.4, ..., 2, ...");
    ok(gb_lime_stats_edges(s, GB_LIME_NONE, 0, &n_edges) == NULL && n_edges == 0,
       "no discretisation: no edges");

    gb_lime_config c = {.samples = 400};
    gb_lime_result res;
    gb_lime_result_init(&res, s, NULL);
    double x = 2.0;
    run(s, &c, &x, 1, &res);
    ok(res.bin[0] == 1 && res.n_edges[0] == 3 && res.edges[0][1] == 2.0,
       "the result shows x's bin and edges");

    /* Draws land in their bin, in proportion to the training counts: bin 0
     * holds 0 and 1, bins 1-3 one value each, and one row is missing. */
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    double count[5] = {0};
    int inside = 1;
    const gb_lime_bins *b = &s->feat[0].bins[0];
    for (int i = 0; i < 60000; i++) {
        int code;
        double z, v = gb_lime_stats_draw(s, GB_LIME_QUARTILE, 0, r, &code, &z);
        count[code]++;
        if (code == 4)
            inside &= isnan(v) != 0;
        else
            inside &= v >= b->lo[code] && v <= b->hi[code];
    }
    ok(inside, "every drawn value lies in its bin (missing bin: NaN)");
    double want[5] = {2 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0}, worst = 0.0;
    for (int k = 0; k < 5; k++)
        worst = fmax(worst, fabs(count[k] / 60000 - want[k]));
    ok(worst < 0.01, "bins are drawn with their training frequencies, missing included (worst %.4f)", worst);
    gsl_rng_free(r);
    gb_lime_result_free(&res);
    gb_lime_stats_free(s);
    gb_model_free(m);
}

static void test_categorical(void)
{
    /* Column 0 categorical: 60% code 0, 30% code 1, 10% code 7. */
    gb_model *m = linear_model(2, NULL, 0.0, GB_LINK_IDENTITY);
    double rows[20 * 2];
    for (int i = 0; i < 20; i++) {
        rows[2 * i] = i < 12 ? 0 : (i < 18 ? 1 : 7);
        rows[2 * i + 1] = i;
    }
    unsigned char cat[2] = {1, 0};
    gb_lime_stats *s = must_stats(m, rows, cat, 20);
    ok(gb_lime_stats_is_categorical(s, 0) && !gb_lime_stats_is_categorical(s, 1), "categorical flags kept");
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    double count[3] = {0};
    int only_known = 1;
    for (int i = 0; i < 50000; i++) {
        int code;
        double z, v = gb_lime_stats_draw(s, GB_LIME_QUARTILE, 0, r, &code, &z);
        only_known &= (v == 0 && code == 0) || (v == 1 && code == 1) || (v == 7 && code == 2);
        if (code >= 0 && code < 3)
            count[code]++;
    }
    ok(only_known, "categories drawn are training categories, with their codes");
    ok(fabs(count[0] / 50000 - 0.6) < 0.01 && fabs(count[1] / 50000 - 0.3) < 0.01 &&
           fabs(count[2] / 50000 - 0.1) < 0.01,
       "categories drawn with training frequencies (%.3f %.3f %.3f)", count[0] / 50000, count[1] / 50000,
       count[2] / 50000);
    ok(gb_lime_stats_bin(s, GB_LIME_QUARTILE, 0, 7) == 2 &&
           gb_lime_stats_bin(s, GB_LIME_QUARTILE, 0, 3) == -1,
       "a category's code is its index; an unseen category has none");
    int n_edges;
    ok(gb_lime_stats_edges(s, GB_LIME_QUARTILE, 0, &n_edges) == NULL, "categorical features have no edges");
    gb_lime_config c = {.samples = 300};
    gb_lime_result res;
    gb_lime_result_init(&res, s, NULL);
    double x[2] = {1, 5};
    run(s, &c, x, 3, &res);
    ok(res.bin[0] == -1 && res.bin[1] >= 0, "result: categorical features show no bin, numeric ones do");
    gsl_rng_free(r);
    gb_lime_result_free(&res);
    gb_lime_stats_free(s);
    gb_model_free(m);
}

static void test_reproducible(void)
{
    int nf = 4;
    double coef[4] = {1, -2, 0.5, 0.1};
    gb_model *m = linear_model(nf, coef, 0.0, GB_LINK_LOGISTIC);
    double *rows = normal_rows(500, nf, 5);
    gb_lime_stats *s = must_stats(m, rows, NULL, 500);
    gb_lime_result a, b;
    gb_lime_result_init(&a, s, NULL);
    gb_lime_result_init(&b, s, NULL);
    static const gb_lime_discretize discs[] = {GB_LIME_QUARTILE, GB_LIME_DECILE, GB_LIME_NONE};
    int same = 1, differ = 1, in_range = 1;
    for (int d = 0; d < 3; d++)
        for (int sel = GB_LIME_AUTO; sel <= GB_LIME_NONE_SELECTION; sel++) {
            gb_lime_config c = {.samples = 1000,
                                .discretize = discs[d],
                                .selection = (gb_lime_selection)sel,
                                .num_features = 2};
            run(s, &c, rows + 8, 42, &a);
            run(s, &c, rows + 8, 42, &b);
            same &= memcmp(a.weights, b.weights, (size_t)nf * sizeof *a.weights) == 0 &&
                    a.intercept == b.intercept && a.r2 == b.r2 && a.local_pred == b.local_pred;
            in_range &= a.r2 >= 0.0 && a.r2 <= 1.0;
            run(s, &c, rows + 8, 43, &b);
            differ &= a.intercept != b.intercept;
        }
    ok(same, "same seed, same bytes (3 discretisations x 5 selections)");
    ok(differ, "another seed gives other numbers");
    ok(in_range, "R^2 in [0, 1] throughout");

    atomic_int cancel = 1;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gb_lime_config c = {0};
    ok(gb_lime_row(s, &c, rows, r, &a, &cancel) == 1, "a set cancel flag returns 1");
    gsl_rng_free(r);
    gb_lime_result_free(&a);
    gb_lime_result_free(&b);
    gb_lime_stats_free(s);
    free(rows);
    gb_model_free(m);
}

static void test_config(void)
{
    gb_model *m = linear_model(2, NULL, 0.0, GB_LINK_IDENTITY);
    double rows[4] = {1, 2, 3, 4};
    gb_lime_stats *s = must_stats(m, rows, NULL, 2);
    gb_error err = {{0}};
    gb_lime_config c = {.group = 1};
    ok(gb_lime_config_check(s, &c, &err) == -1 && strstr(err.msg, "output 1"), "group out of range: %s",
       err.msg);
    c = (gb_lime_config){.samples = 1};
    ok(gb_lime_config_check(s, &c, &err) == -1 && strstr(err.msg, "2 samples"), "one sample: %s", err.msg);
    c = (gb_lime_config){.kernel_width = -1};
    ok(gb_lime_config_check(s, &c, &err) == -1 && strstr(err.msg, "width"), "negative width: %s", err.msg);
    c = (gb_lime_config){.num_features = -2};
    ok(gb_lime_config_check(s, &c, &err) == -1, "negative K refused");
    c = (gb_lime_config){0};
    ok(gb_lime_config_check(s, &c, &err) == 0, "the zero configuration is lime's defaults");
    gb_lime_result res;
    gb_lime_result_init(&res, s, NULL);
    run(s, &c, rows, 1, &res);
    is_close(res.kernel_width, 0.75 * sqrt(2.0), 1e-15, "default kernel width 0.75 sqrt(M)");
    c.kernel_width = 3;
    run(s, &c, rows, 1, &res);
    ok(res.kernel_width == 3, "configured kernel width used");
    ok(gb_lime_stats_new_rows(m, rows, NULL, 0, &err) == NULL && strstr(err.msg, "training rows"),
       "no training rows: %s", err.msg);
    gb_lime_discretize d;
    gb_lime_selection sel;
    ok(gb_lime_discretize_parse("decile", &d) == 0 && d == GB_LIME_DECILE &&
           gb_lime_discretize_parse("entropy", &d) == -1,
       "discretisation names parse");
    ok(gb_lime_selection_parse("highest-weights", &sel) == 0 && sel == GB_LIME_HIGHEST_WEIGHTS &&
           gb_lime_selection_parse("none", &sel) == 0 && sel == GB_LIME_NONE_SELECTION &&
           gb_lime_selection_parse("x", &sel) == -1,
       "selection names parse");
    gb_lime_result_free(&res);
    gb_lime_stats_free(s);
    gb_model_free(m);
}

/* A softmax model: the explained class's probability, and its margin. */
static void test_groups(void)
{
    gb_model *m = linear_model(2, NULL, 0.0, GB_LINK_SOFTMAX);
    m->n_groups = 3;
    m->n_classes = 3;
    free(m->base);
    free(m->coef);
    m->base = calloc(3, sizeof *m->base);
    double coef[6] = {1, 0, 0, 1, -1, -1};
    m->coef = malloc(sizeof coef);
    memcpy(m->coef, coef, sizeof coef);
    double *rows = normal_rows(300, 2, 9);
    gb_lime_stats *s = must_stats(m, rows, NULL, 300);
    gb_lime_result res;
    gb_lime_result_init(&res, s, NULL);
    double x[2] = {0.5, 2.0}, mg[3] = {0.5, 2.0, -2.5}, p[3];
    gb_model_transform(m, mg, p);
    gb_lime_config c = {.samples = 500, .group = 2};
    run(s, &c, x, 1, &res);
    is_close(res.model_pred, p[2], 1e-12, "softmax, class 2: the explained value is its probability");
    c.space = GB_LIME_MARGIN;
    c.discretize = GB_LIME_NONE;
    c.selection = GB_LIME_NONE_SELECTION;
    run(s, &c, x, 1, &res);
    is_close(res.model_pred, -2.5, 1e-12, "softmax, class 2, margin space: its margin");
    /* 500 samples: the ridge's alpha = 1 shrinks by ~1/200, R^2 by ~1e-5. */
    ok(res.weights[0] < 0 && res.weights[1] < 0 && res.r2 > 0.9999,
       "class 2's margin is linear (-x0 - x1): negative weights, R^2 1 (%.8f)", res.r2);
    gb_lime_result_free(&res);
    gb_lime_stats_free(s);
    free(rows);
    gb_model_free(m);
}

/* A missing value in x: its own bin with bins, position 0 without; the
 * model sees it missing either way. */
static void test_missing_x(void)
{
    double coef[2] = {1, 2};
    gb_model *m = linear_model(2, coef, 0.0, GB_LINK_IDENTITY);
    double *rows = normal_rows(200, 2, 4);
    rows[0] = NAN; /* one missing training value: a missing bin with 1/200 */
    gb_lime_stats *s = must_stats(m, rows, NULL, 200);
    gb_lime_result res;
    gb_lime_result_init(&res, s, NULL);
    double x[2] = {NAN, 1.0};
    gb_lime_config c = {.samples = 2000};
    ok(run(s, &c, x, 1, &res) == 0 && res.bin[0] == res.n_edges[0] + 1 && isfinite(res.weights[0]) &&
           isfinite(res.r2),
       "missing x with quartiles: the missing bin, finite results");
    is_close(res.model_pred, 2.0, 1e-15, "the model sees the missing value (as 0 for a linear model)");
    c.discretize = GB_LIME_NONE;
    ok(run(s, &c, x, 1, &res) == 0 && res.z0[0] == 0.0 && isfinite(res.weights[0]),
       "missing x without bins: z0 = 0, finite results");
    gb_lime_result_free(&res);
    gb_lime_stats_free(s);
    free(rows);
    gb_model_free(m);
}

typedef struct lime_job {
    const gb_lime_stats *s;
    const double *x;
    unsigned long seed;
    double weights[4], intercept;
} lime_job;

static void *lime_thread(void *arg)
{
    lime_job *j = arg;
    gb_lime_result res;
    gb_lime_result_init(&res, j->s, NULL);
    gb_lime_config c = {.samples = 2000};
    run(j->s, &c, j->x, j->seed, &res);
    memcpy(j->weights, res.weights, sizeof j->weights);
    j->intercept = res.intercept;
    gb_lime_result_free(&res);
    return NULL;
}

static void test_threads(void)
{
    double coef[4] = {1, -1, 2, 0};
    gb_model *m = linear_model(4, coef, 0.0, GB_LINK_LOGISTIC);
    double *rows = normal_rows(400, 4, 8);
    gb_lime_stats *s = must_stats(m, rows, NULL, 400);
    lime_job jobs[4], alone;
    pthread_t th[4];
    for (int k = 0; k < 4; k++) {
        jobs[k] = (lime_job){.s = s, .x = rows + 4 * k, .seed = 100 + (unsigned long)k};
        pthread_create(&th[k], NULL, lime_thread, &jobs[k]);
    }
    for (int k = 0; k < 4; k++)
        pthread_join(th[k], NULL);
    int same = 1;
    for (int k = 0; k < 4; k++) {
        alone = (lime_job){.s = s, .x = rows + 4 * k, .seed = 100 + (unsigned long)k};
        lime_thread(&alone);
        same &= memcmp(alone.weights, jobs[k].weights, sizeof alone.weights) == 0 &&
                alone.intercept == jobs[k].intercept;
    }
    ok(same, "four threads sharing the statistics give each row's single-thread bytes");
    gb_lime_stats_free(s);
    free(rows);
    gb_model_free(m);
}

typedef struct canceller {
    atomic_int *flag;
} canceller;

static void *cancel_soon(void *arg)
{
    canceller *c = arg;
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
    atomic_store(c->flag, 1);
    return NULL;
}

/* A run of about a second (300,000 samples of 20 features) cancelled from
 * another thread after 20 ms comes back cancelled; how soon is the job
 * runner's test to time, not this one's. */
static void test_cancel_midway(void)
{
    gb_model *m = linear_model(20, NULL, 0.0, GB_LINK_IDENTITY);
    double *rows = normal_rows(100, 20, 2);
    gb_lime_stats *s = must_stats(m, rows, NULL, 100);
    gb_lime_result res;
    gb_lime_result_init(&res, s, NULL);
    atomic_int flag = 0;
    canceller c = {&flag};
    pthread_t th;
    pthread_create(&th, NULL, cancel_soon, &c);
    gb_lime_config cfg = {.samples = 300000};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    int rc = gb_lime_row(s, &cfg, rows, r, &res, &flag);
    pthread_join(th, NULL);
    ok(rc == 1, "cancelled from another thread in the middle of a long run: returns 1, frees its scratch");
    gsl_rng_free(r);
    gb_lime_result_free(&res);
    gb_lime_stats_free(s);
    free(rows);
    gb_model_free(m);
}

/* ---- against the lime library ------------------------------------------ */

/* Splits a line into numbers after skipping `skip` words. */
static int numbers(char *line, int skip, double *out, int cap)
{
    int n = 0, word = 0;
    for (char *save, *tok = strtok_r(line, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
        if (word++ < skip)
            continue;
        if (n < cap)
            out[n] = strtod(tok, NULL);
        n++;
    }
    return n;
}

static int disc_of(const char *name)
{
    return strcmp(name, "decile") == 0 ? GB_LIME_DECILE : GB_LIME_QUARTILE;
}

static void test_lime_stats(void)
{
    gb_error err;
    gb_dataset *ds = gb_dataset_read_csv(fixture("train.csv"), NULL, &err);
    FILE *fp = fopen(fixture("stats.txt"), "r");
    if (!ds || !fp) {
        ok(0, "lime fixtures readable");
        return;
    }
    int nf = (int)ds->n_cols;
    gb_model *m = linear_model(nf, NULL, 0.0, GB_LINK_IDENTITY);
    const double *cols[16];
    for (int f = 0; f < nf; f++)
        cols[f] = ds->cols[f].values;
    unsigned char cat[16] = {0};
    cat[3] = 1;
    gb_lime_stats *s = gb_lime_stats_new(m, cols, cat, ds->n_rows, &err);
    char *line = NULL, word[32], dname[32];
    size_t cap = 0;
    int n_lines = 0, n_bad = 0, n_probes = 0, bad_probes = 0;
    double worst = 0.0, v[64];
    while (getline(&line, &cap, fp) > 0) {
        int f = -1;
        if (sscanf(line, "%31s %d %31s", word, &f, dname) < 2 || f < 0 || f >= nf)
            continue;
        n_lines++;
        const gb_lime_bins *b = &s->feat[f].bins[disc_of(dname) == GB_LIME_DECILE ? 1 : 0];
        if (strcmp(word, "probe") == 0) {
            double x;
            int want;
            sscanf(line, "%*s %*d %*s %lf %d", &x, &want);
            n_probes++;
            bad_probes += gb_lime_stats_bin(s, (gb_lime_discretize)disc_of(dname), f, x) != want;
            continue;
        }
        if (strcmp(word, "scaler") == 0) {
            numbers(line, 2, v, 64);
            double mean, scale;
            gb_lime_stats_scale(s, f, &mean, &scale);
            if (!cat[f]) /* lime sets a categorical column's scaler to 0 and 1 */
                worst = fmax(worst, fmax(fabs(mean - v[0]) / fmax(1, fabs(v[0])),
                                         fabs(scale - v[1]) / fmax(1, fabs(v[1]))));
            continue;
        }
        if (strcmp(word, "catfreq") == 0) {
            int k = numbers(line, 3, v, 64) / 2;
            const gb_lime_feature *ft = &s->feat[f];
            if ((size_t)k != ft->n_values)
                n_bad++;
            for (int i = 0; i < k && (size_t)i < ft->n_values; i++)
                worst = fmax(worst, fabs(ft->values[i] - v[2 * i]) +
                                        fabs(ft->counts[i] / (double)ds->n_rows - v[2 * i + 1]));
            continue;
        }
        int k = numbers(line, 4, v, 64);
        if (strcmp(word, "bins") == 0) {
            if (k != b->n_edges)
                n_bad++;
            for (int i = 0; i < k && i < b->n_edges; i++)
                n_bad += b->edges[i] != v[i]; /* exactly: numpy's interpolation reproduced */
        } else if (strcmp(word, "freq") == 0) {
            double total = 0.0;
            for (int i = 0; i <= b->n_edges; i++)
                total += b->count[i];
            for (int i = 0; i + 1 < k; i += 2) {
                int bin = (int)v[i];
                worst = fmax(worst, fabs(b->count[bin] / total - v[i + 1]));
            }
        } else {
            const double *ours = strcmp(word, "binmean") == 0 ? b->mean
                                 : strcmp(word, "binsd") == 0 ? b->sd
                                 : strcmp(word, "binlo") == 0 ? b->lo
                                                              : b->hi;
            if (k != b->n_edges + 1)
                n_bad++;
            for (int i = 0; i < k && i <= b->n_edges; i++)
                worst = fmax(worst, fabs(ours[i] - v[i]) / fmax(1, fabs(v[i])));
        }
    }
    ok(n_lines > 50 && n_bad == 0, "lime's bin edges reproduced exactly, counts of bins agree (%d lines)",
       n_lines);
    ok(worst < 1e-12, "lime's bin means, sds, bounds, frequencies, categories and scaler agree (worst %.2g)",
       worst);
    ok(n_probes > 40 && bad_probes == 0, "%d probe values (edges included) fall in lime's bins", n_probes);
    free(line);
    fclose(fp);
    gb_lime_stats_free(s);
    gb_model_free(m);
    gb_dataset_free(ds);
}

static gb_lime_selection mode_of(const char *name)
{
    if (strcmp(name, "forward_selection") == 0)
        return GB_LIME_FORWARD;
    if (strcmp(name, "highest_weights") == 0)
        return GB_LIME_HIGHEST_WEIGHTS;
    if (strcmp(name, "lasso_path") == 0)
        return GB_LIME_LASSO;
    if (strcmp(name, "none") == 0)
        return GB_LIME_NONE_SELECTION;
    return GB_LIME_AUTO;
}

typedef struct fit_case {
    char name[64];
    int n, m;
    double width;
    double *z, *y, *d, *w;
} fit_case;

/* Fits one "fit" line's mode on the case's samples and compares. */
static void check_fit(const fit_case *fc, char *line)
{
    char mode[32];
    int k, n_sel;
    double v[64];
    sscanf(line, "fit %31s %d %d", mode, &k, &n_sel);
    int n = numbers(line, 4, v, 64);
    if (n != 2 * n_sel + 3) {
        ok(0, "%s %s: malformed fixture line", fc->name, mode);
        return;
    }
    gb_lime_gram g;
    gb_lime_gram_init(&g, fc->m, NULL);
    gb_lime_gram_compute(&g, fc->z, fc->y, fc->w, (size_t)fc->n, NULL);
    int sel[16], got_n = 0;
    double coef[16], b0;
    gb_lime_select_features(&g, fc->z, mode_of(mode), k, sel, &got_n);
    gb_lime_ridge(&g, sel, got_n, 1.0, coef, &b0);
    double r2 = gb_lime_score(fc->z, fc->y, fc->w, (size_t)fc->n, fc->m, sel, got_n, coef, b0), local = b0;
    for (int j = 0; j < got_n; j++)
        local += coef[j] * fc->z[sel[j]];
    int same_set = got_n == n_sel;
    double worst = 0.0;
    for (int j = 0; j < n_sel && same_set; j++) {
        int f = (int)v[j], at = -1;
        for (int i = 0; i < got_n; i++)
            if (sel[i] == f)
                at = i;
        if (at < 0)
            same_set = 0;
        else
            worst = fmax(worst, fabs(coef[at] - v[n_sel + j]) / fmax(1, fabs(v[n_sel + j])));
    }
    double *tail = v + 2 * n_sel;
    worst = fmax(worst, fabs(b0 - tail[0]) / fmax(1, fabs(tail[0])));
    worst = fmax(worst, fabs(r2 - tail[1]));
    worst = fmax(worst, fabs(local - tail[2]) / fmax(1, fabs(tail[2])));
    ok(same_set && worst < 1e-9,
       "lime %s, %s K=%d: same %d features, intercept, weights, score, local "
       "prediction (worst %.2g)",
       fc->name, mode, k, n_sel, worst);
    gb_lime_gram_free(&g);
}

static void test_lime_fits(void)
{
    FILE *fp = fopen(fixture("fits.txt"), "r");
    if (!fp) {
        ok(0, "fits.txt readable");
        return;
    }
    char *line = NULL;
    size_t cap = 0;
    fit_case fc;
    memset(&fc, 0, sizeof fc);
    int row = 0;
    double v[64];
    while (getline(&line, &cap, fp) > 0) {
        if (strncmp(line, "case ", 5) == 0) {
            sscanf(line, "case %63s %d %d %lf", fc.name, &fc.n, &fc.m, &fc.width);
            fc.z = malloc((size_t)fc.n * (size_t)fc.m * sizeof *fc.z);
            fc.y = malloc((size_t)fc.n * sizeof *fc.y);
            fc.d = malloc((size_t)fc.n * sizeof *fc.d);
            fc.w = malloc((size_t)fc.n * sizeof *fc.w);
            row = 0;
        } else if (strncmp(line, "row ", 4) == 0 && row < fc.n) {
            numbers(line, 1, v, 64);
            memcpy(fc.z + (size_t)row * (size_t)fc.m, v, (size_t)fc.m * sizeof *v);
            fc.y[row] = v[fc.m];
            fc.d[row] = v[fc.m + 1];
            fc.w[row] = v[fc.m + 2];
            row++;
        } else if (strncmp(line, "fit ", 4) == 0) {
            check_fit(&fc, line);
        } else if (strncmp(line, "end", 3) == 0) {
            double worst = 0.0;
            for (int i = 0; i < fc.n; i++)
                worst = fmax(worst, fabs(sqrt(exp(-fc.d[i] * fc.d[i] / (fc.width * fc.width))) - fc.w[i]));
            ok(row == fc.n && worst < 1e-15,
               "lime %s: kernel sqrt(exp(-d^2 / width^2)) with width 0.75 sqrt(M)", fc.name);
            free(fc.z);
            free(fc.y);
            free(fc.d);
            free(fc.w);
        }
    }
    free(line);
    fclose(fp);
}

int main(void)
{
    gsl_set_error_handler_off();
    test_linear_recovery();
    test_selection_modes();
    test_bins();
    test_categorical();
    test_reproducible();
    test_groups();
    test_missing_x();
    test_threads();
    test_cancel_midway();
    test_config();
    test_lime_stats();
    test_lime_fits();
    return tap_done();
}
