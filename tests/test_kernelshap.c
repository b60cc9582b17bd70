/* test_kernelshap.c: the sampling estimators (src/kernelshap.c,
 * src/permutation.c) against exact Shapley values (src/shapley_exact.c,
 * itself checked against interventional TreeSHAP and the linear closed form
 * in test_sampling).
 *
 *  - KernelSHAP with a budget of 2^P - 2 is the exact solution (1e-8), also
 *    in probability space and for several classes; its standard errors are
 *    then 0;
 *  - every estimate is efficient: base + sum = output to rounding;
 *  - the error shrinks like 1/sqrt(samples): four times the budget halves
 *    the RMS error (pure sampling, so no change of enumerated sizes blurs
 *    the ratio), within a band;
 *  - the standard errors are honest: |estimate - exact| <= 1.96 SE for about
 *    95% of (row, feature) pairs, and mean squared error / mean SE^2 is near
 *    1, within bands;
 *  - --tolerance stops early once converged, and not before;
 *  - the same stream gives the same numbers, another stream other numbers.
 * Seeds are fixed, so the statistical checks are deterministic: the bands
 * are wide enough for any honest estimator, narrow enough to catch a wrong
 * variance formula (off by a factor of 2) or a biased sampler. */
#include "background.h"
#include "coalition.h"
#include "kernelshap.h"
#include "permutation.h"
#include "rng.h"
#include "shapley_exact.h"
#include "tap.h"

#include <gsl/gsl_errno.h>
#include <string.h>

typedef struct setup {
    gb_dataset *ds;
    gb_model *m;
    gb_binding b;
    gb_background *bg;
    gb_coalition *c;
    gb_coalition_ws *ws;
    size_t nf, stride;
} setup;

static int setup_open(setup *s, const char *data, const char *model, size_t n_bg, gb_output_space space)
{
    char dp[4096], mp[4096];
    gb_error err = {{0}};
    memset(s, 0, sizeof *s);
    snprintf(dp, sizeof dp, "%s/%s", tap_srcdir(), data);
    snprintf(mp, sizeof mp, "%s/%s", tap_srcdir(), model);
    s->ds = gb_dataset_read_csv(dp, NULL, &err);
    s->m = s->ds ? gb_model_load(mp, &err) : NULL;
    if (!s->m || gb_binding_make(s->m, s->ds, NULL, &s->b, &err)) {
        printf("# cannot load %s: %s\n", model, err.msg);
        return -1;
    }
    gb_background_spec spec = {GB_BACKGROUND_SAMPLE, n_bg};
    s->bg = gb_background_make(s->m, s->ds, &s->b, &spec, 1, &err);
    s->c = gb_coalition_new(s->m, s->bg, space, 0, &err);
    s->ws = gb_coalition_ws_new(s->c, &err);
    s->nf = (size_t)s->m->n_features;
    s->stride = (size_t)s->m->n_groups * (s->nf + 1);
    return 0;
}

static void setup_close(setup *s)
{
    gb_coalition_ws_free(s->ws);
    gb_coalition_free(s->c);
    gb_background_free(s->bg);
    gb_binding_free(&s->b);
    gb_model_free(s->m);
    gb_dataset_free(s->ds);
}

typedef int (*method_fn)(gb_game *, const gb_sampling_config *, gsl_rng *, double *, double *, size_t *,
                         gb_estimate_fn, void *, const atomic_int *, gb_error *);

/* Exact and sampled values of one row. */
static int row_pair(setup *s, size_t row, method_fn fn, const gb_sampling_config *cfg, uint64_t seed,
                    double *exact, double *est, double *se, size_t *used)
{
    gb_error err = {{0}};
    double *x = malloc(s->nf * sizeof *x);
    gb_binding_row(&s->b, s->ds, row, x);
    gb_game g;
    int rc = gb_game_begin(&g, s->c, s->ws, x, NULL, &err);
    if (rc == 0 && exact)
        rc = gb_shapley_exact_row(&g, exact, NULL, &err);
    gsl_rng *r = gb_rng_new(seed, GB_RNG_KERNELSHAP, row, &err);
    if (rc == 0 && fn)
        rc = fn(&g, cfg, r, est, se, used, NULL, NULL, NULL, &err);
    if (rc)
        printf("# row %zu: %s\n", row, err.msg);
    gsl_rng_free(r);
    gb_game_end(&g);
    free(x);
    return rc;
}

static double max_diff(const double *a, const double *b, size_t n)
{
    double w = 0;
    for (size_t i = 0; i < n; i++)
        w = fabs(a[i] - b[i]) > w ? fabs(a[i] - b[i]) : w;
    return w;
}

static void test_full_budget(const char *data, const char *model, gb_output_space space)
{
    setup s;
    if (setup_open(&s, data, model, 60, space)) {
        ok(0, "load %s", model);
        return;
    }
    double *ex = malloc(s.stride * sizeof *ex), *est = malloc(s.stride * sizeof *est);
    double *se = malloc(s.stride * sizeof *se);
    double worst = 0, worst_se = 0;
    for (size_t r = 0; r < 12; r++) {
        gb_sampling_config cfg = {.samples = r % 2 ? 1000000 : 0};
        size_t used = 0;
        /* A big budget is capped at 2^P - 2; so is the default for P <= 10. */
        row_pair(&s, r * 3, gb_kernelshap_row, &cfg, 9, ex, est, se, &used);
        double d = max_diff(est, ex, s.stride);
        worst = d > worst ? d : worst;
        for (size_t i = 0; i < s.stride; i++)
            worst_se = se[i] > worst_se ? se[i] : worst_se;
    }
    ok(worst < 1e-8, "kernelshap with the full budget = exact within 1e-8 on %s, %s space (worst %.2g)", model,
       gb_output_space_name(space), worst);
    ok(worst_se == 0, "... and its standard errors are 0");
    free(ex);
    free(est);
    free(se);
    setup_close(&s);
}

typedef struct stats {
    double sq_err, sq_se;  /* sums over (row, feature) */
    int covered, n;
    double add;            /* worst additivity error */
    size_t used;
} stats;

static stats run_many(setup *s, method_fn fn, const gb_sampling_config *cfg, size_t rows, uint64_t seed)
{
    stats st = {0};
    double *ex = malloc(s->stride * sizeof *ex), *est = malloc(s->stride * sizeof *est);
    double *se = malloc(s->stride * sizeof *se);
    for (size_t r = 0; r < rows; r++) {
        size_t used = 0;
        size_t row = (r * 37) % s->ds->n_rows;
        if (row_pair(s, row, fn, cfg, seed, ex, est, se, &used))
            break;
        st.used += used;
        for (int g = 0; g < s->m->n_groups; g++) {
            const double *e = ex + (size_t)g * (s->nf + 1), *p = est + (size_t)g * (s->nf + 1);
            const double *q = se + (size_t)g * (s->nf + 1);
            double sum_e = 0, sum_p = 0;
            for (size_t f = 0; f <= s->nf; f++) {
                sum_e += e[f];
                sum_p += p[f];
                if (f == s->nf || (e[f] == 0 && p[f] == 0 && q[f] == 0))
                    continue; /* the base, and non-players */
                double d = p[f] - e[f];
                st.sq_err += d * d;
                st.sq_se += q[f] * q[f];
                st.covered += fabs(d) <= 1.96 * q[f];
                st.n++;
            }
            double a = fabs(sum_p - sum_e) / (fabs(sum_e) > 1 ? fabs(sum_e) : 1);
            st.add = a > st.add ? a : st.add;
        }
    }
    free(ex);
    free(est);
    free(se);
    return st;
}

/* ratio: whether 4x the budget keeps the same sizes sampled (pure sampling,
 * permutation), so that the error must halve. */
static void check_method(const char *name, method_fn fn, size_t small, int no_enum, int ratio_check)
{
    setup s;
    if (setup_open(&s, "samples/diabetes/data.csv", "samples/diabetes/xgboost.json", 50, GB_SPACE_MARGIN)) {
        ok(0, "load the diabetes sample");
        return;
    }
    enum { ROWS = 60 };
    gb_sampling_config lo = {.samples = small, .no_enumeration = no_enum};
    gb_sampling_config hi = {.samples = 4 * small, .no_enumeration = no_enum};
    stats a = run_many(&s, fn, &lo, ROWS, 1), b = run_many(&s, fn, &hi, ROWS, 2);
    double rms_a = sqrt(a.sq_err / a.n), rms_b = sqrt(b.sq_err / b.n), ratio = rms_a / rms_b;
    printf("# %s: budget %zu: RMS error %.4g, RMS SE %.4g, coverage %.3f; budget %zu: RMS error %.4g, RMS SE "
           "%.4g, coverage %.3f\n",
           name, small, rms_a, sqrt(a.sq_se / a.n), (double)a.covered / a.n, 4 * small, rms_b,
           sqrt(b.sq_se / b.n), (double)b.covered / b.n);
    ok(a.add < 1e-12 && b.add < 1e-12, "%s: base + sum = output on every row (worst %.2g)", name,
       a.add > b.add ? a.add : b.add);
    if (ratio_check)
        ok(ratio > 1.6 && ratio < 2.5, "%s: 4x the samples divides the RMS error by %.2f (1/sqrt: 2)", name, ratio);
    else
        ok(ratio > 1.6, "%s: 4x the samples divides the RMS error by %.2f (more sizes enumerated: >= 2)", name,
           ratio);
    double cov_a = (double)a.covered / a.n, cov_b = (double)b.covered / b.n;
    ok(cov_a > 0.90 && cov_a < 0.985, "%s: +-1.96 SE covers the exact value %.1f%% of %d times at budget %zu",
       name, 100 * cov_a, a.n, small);
    ok(cov_b > 0.90 && cov_b < 0.985, "%s: +-1.96 SE covers the exact value %.1f%% of %d times at budget %zu",
       name, 100 * cov_b, b.n, 4 * small);
    double cal = (a.sq_err + b.sq_err) / (a.sq_se + b.sq_se);
    ok(cal > 0.7 && cal < 1.45, "%s: mean squared error / mean SE^2 = %.2f (honest: 1)", name, cal);
    setup_close(&s);
}

static void test_enumeration_helps(void)
{
    setup s;
    if (setup_open(&s, "samples/diabetes/data.csv", "samples/diabetes/xgboost.json", 50, GB_SPACE_MARGIN))
        return;
    gb_sampling_config pure = {.samples = 300, .no_enumeration = 1}, mixed = {.samples = 300};
    stats a = run_many(&s, gb_kernelshap_row, &pure, 30, 3), b = run_many(&s, gb_kernelshap_row, &mixed, 30, 3);
    ok(b.sq_err < a.sq_err, "kernelshap: enumerating small sizes beats pure sampling at the same budget "
       "(RMS %.4g vs %.4g)", sqrt(b.sq_err / b.n), sqrt(a.sq_err / a.n));
    setup_close(&s);
}

static void test_tolerance(const char *name, method_fn fn)
{
    setup s;
    if (setup_open(&s, "samples/diabetes/data.csv", "samples/diabetes/xgboost.json", 50, GB_SPACE_MARGIN))
        return;
    double *est = malloc(s.stride * sizeof *est), *se = malloc(s.stride * sizeof *se);
    gb_sampling_config loose = {.samples = 20000, .tolerance = 0.05, .no_enumeration = 1};
    size_t used = 0;
    row_pair(&s, 4, fn, &loose, 5, NULL, est, se, &used);
    double lo = INFINITY, hi = -INFINITY, worst = 0;
    for (size_t f = 0; f < s.nf; f++) {
        lo = est[f] < lo ? est[f] : lo;
        hi = est[f] > hi ? est[f] : hi;
        worst = se[f] > worst ? se[f] : worst;
    }
    ok(used < 20000 && worst <= 0.05 * (hi - lo),
       "%s: --tolerance 0.05 stopped after %zu of 20000 coalitions with max SE %.3g <= 0.05 x range %.3g", name,
       used, worst, hi - lo);
    gb_sampling_config strict = {.samples = 1000, .tolerance = 1e-9, .no_enumeration = 1};
    row_pair(&s, 4, fn, &strict, 5, NULL, est, se, &used);
    ok(used >= 990, "%s: an unreachable tolerance uses the whole budget (%zu)", name, used);
    free(est);
    free(se);
    setup_close(&s);
}

static void test_streams(const char *name, method_fn fn)
{
    setup s;
    if (setup_open(&s, "samples/diabetes/data.csv", "samples/diabetes/xgboost.json", 50, GB_SPACE_MARGIN))
        return;
    double *a = malloc(s.stride * sizeof *a), *b = malloc(s.stride * sizeof *b), *c = malloc(s.stride * sizeof *c);
    gb_sampling_config cfg = {.samples = 200};
    row_pair(&s, 7, fn, &cfg, 11, NULL, a, NULL, NULL);
    row_pair(&s, 7, fn, &cfg, 11, NULL, b, NULL, NULL);
    row_pair(&s, 7, fn, &cfg, 12, NULL, c, NULL, NULL);
    ok(memcmp(a, b, s.stride * sizeof *a) == 0, "%s: the same stream gives the same bits", name);
    ok(memcmp(a, c, s.stride * sizeof *a) != 0, "%s: another seed gives other numbers", name);
    free(a);
    free(b);
    free(c);
    setup_close(&s);
}

typedef struct cb_log {
    int calls;
    size_t last_samples, budget;
    int monotone;
} cb_log;

static void log_estimate(void *ctx, const gb_estimate *e)
{
    cb_log *l = ctx;
    l->monotone &= e->samples >= l->last_samples && e->samples <= e->budget;
    l->last_samples = e->samples;
    l->budget = e->budget;
    l->calls++;
}

static void test_estimates(const char *name, method_fn fn)
{
    setup s;
    if (setup_open(&s, "samples/diabetes/data.csv", "samples/diabetes/xgboost.json", 50, GB_SPACE_MARGIN))
        return;
    gb_error err = {{0}};
    double *x = malloc(s.nf * sizeof *x), *a = malloc(s.stride * sizeof *a), *b = malloc(s.stride * sizeof *b);
    gb_binding_row(&s.b, s.ds, 2, x);
    gb_game g;
    gb_game_begin(&g, s.c, s.ws, x, NULL, &err);
    gb_sampling_config cfg = {.samples = 3000, .no_enumeration = 1};
    cb_log l = {.monotone = 1};
    gsl_rng *r = gb_rng_new(3, 1, 2, &err);
    fn(&g, &cfg, r, a, NULL, NULL, log_estimate, &l, NULL, &err);
    gb_rng_reset(r, 3, 1, 2);
    fn(&g, &cfg, r, b, NULL, NULL, NULL, NULL, NULL, &err);
    ok(l.calls >= 5 && l.monotone, "%s: %d running estimates, samples rising to the budget", name, l.calls);
    ok(memcmp(a, b, s.stride * sizeof *a) == 0, "%s: reporting estimates does not change the result", name);
    gsl_rng_free(r);
    gb_game_end(&g);
    free(x);
    free(a);
    free(b);
    setup_close(&s);
}

/* With two players the antithetic pair is the exact Shapley value. */
static void test_permutation_two_players(void)
{
    setup s;
    if (setup_open(&s, "samples/diabetes/data.csv", "samples/diabetes/xgboost.json", 40, GB_SPACE_MARGIN))
        return;
    gb_error err = {{0}};
    double *x = malloc(s.nf * sizeof *x), *ex = malloc(s.stride * sizeof *ex), *est = malloc(s.stride * sizeof *est);
    double *se = malloc(s.stride * sizeof *se);
    gb_binding_row(&s.b, s.ds, 5, x);
    for (size_t i = 0; i < s.bg->n; i++)
        for (size_t f = 2; f < s.nf; f++)
            s.bg->x[i * s.nf + f] = x[f];
    gb_coalition_free(s.c);
    gb_coalition_ws_free(s.ws);
    s.c = gb_coalition_new(s.m, s.bg, GB_SPACE_MARGIN, 0, &err);
    s.ws = gb_coalition_ws_new(s.c, &err);
    gb_sampling_config cfg = {.samples = 4};
    size_t used = 0;
    row_pair(&s, 5, gb_permutation_row, &cfg, 1, ex, est, se, &used);
    ok(max_diff(ex, est, s.stride) < 1e-12 && used == 4, "permutation: two players are exact after 2 pairs");
    free(x);
    free(ex);
    free(est);
    free(se);
    setup_close(&s);
}

/* A row cancelled while its game is being set up (v(empty), v(all)) leaves
 * nothing to free: the explorer's start/cancel storm leaked here under ASan. */
static void test_begin_cancelled(void)
{
    setup s;
    if (setup_open(&s, "samples/diabetes/data.csv", "samples/diabetes/xgboost.json", 50, GB_SPACE_MARGIN)) {
        ok(0, "begin cancelled: setup");
        return;
    }
    double *x = malloc(s.nf * sizeof *x);
    gb_binding_row(&s.b, s.ds, 0, x);
    atomic_int flag = 1;
    gb_error err = {{0}};
    gb_game g;
    int rc = gb_game_begin(&g, s.c, s.ws, x, &flag, &err);
    ok(rc == 1 && !g.players && !g.base && !g.v_empty,
       "a game cancelled while it begins returns 1 and holds nothing (ASan: no leak)");
    free(x);
    setup_close(&s);
}

int main(void)
{
    gsl_set_error_handler_off();
    test_full_budget("samples/diabetes/data.csv", "samples/diabetes/xgboost.json", GB_SPACE_MARGIN);
    test_full_budget("samples/iris/data.csv", "samples/iris/xgboost.json", GB_SPACE_PROBABILITY);
    test_full_budget("samples/diabetes/data.csv", "samples/diabetes/ridge.json", GB_SPACE_MARGIN);
    check_method("kernelshap", gb_kernelshap_row, 150, 1, 1);
    check_method("kernelshap (small sizes enumerated)", gb_kernelshap_row, 200, 0, 0);
    check_method("permutation", gb_permutation_row, 18 * 16, 0, 1);
    test_enumeration_helps();
    test_tolerance("kernelshap", gb_kernelshap_row);
    test_tolerance("permutation", gb_permutation_row);
    test_streams("kernelshap", gb_kernelshap_row);
    test_streams("permutation", gb_permutation_row);
    test_estimates("kernelshap", gb_kernelshap_row);
    test_estimates("permutation", gb_permutation_row);
    test_permutation_two_players();
    test_begin_cancelled();
    return tap_done();
}
