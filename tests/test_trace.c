/* test_trace.c: the traces behind "how it works" (explain_trace.h) are the
 * run's own numbers.
 *
 * For each traced method: the traced row's attributions equal
 * gb_explainer_run's bit for bit (tracing changes nothing); and the
 * recorded intermediates rebuild the result by the method's own math,
 * computed here independently: KernelSHAP's weighted least squares with the
 * efficiency constraint over the traced coalitions reproduces phi; the mean
 * of the traced permutation passes is phi, and each pass adds up to
 * v(all) - v(empty); LIME's kernel weights follow from the traced
 * interpretable samples and a weighted ridge (alpha 1) on them reproduces
 * the weights, intercept and R^2. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "../src/background.h"
#include "../src/explain.h"
#include "../src/explain_trace.h"
#include "explain_world.h"
#include "tap.h"

/* Runs the row through gb_explainer_run and through the tracer. */
static int both(world *w, const gb_explain_options *o, size_t row, int group, size_t cap, gb_explain_result *res,
                gb_trace *t)
{
    gb_error err = {{0}};
    gb_explainer *ex = gb_explainer_create(w->m, w->ds, &w->b, o, &err);
    if (!ex) {
        printf("# %s\n", err.msg);
        return -1;
    }
    gb_explain_request req = {.rows = &row, .n_rows = 1, .threads = 1};
    int rc = gb_explainer_run(ex, &req, res, &err) == GB_JOB_OK ? 0 : -1;
    if (rc == 0)
        rc = gb_explain_trace_row(ex, row, group, cap, t, NULL, &err);
    if (rc)
        printf("# %s\n", err.msg);
    gb_explainer_free(ex);
    return rc;
}

/* The constrained weighted least squares on the traced coalitions, solved
 * with a bordered system [A 1; 1' 0] [phi; lambda] = [b; T]. */
static void ks_refit(const gb_trace *t, int g, double *phi)
{
    size_t P = (size_t)t->n_players, G = (size_t)t->n_groups, n = P + 1;
    gsl_matrix *K = gsl_matrix_calloc(n, n);
    gsl_vector *rhs = gsl_vector_calloc(n), *sol = gsl_vector_alloc(n);
    gsl_permutation *perm = gsl_permutation_alloc(n);
    for (size_t i = 0; i < t->n; i++) {
        const unsigned char *z = t->z + i * P;
        double y = t->value[i * G + (size_t)g] - t->v_empty[g];
        for (size_t a = 0; a < P; a++) {
            if (!z[a])
                continue;
            *gsl_vector_ptr(rhs, a) += t->weight[i] * y;
            for (size_t b = 0; b < P; b++)
                if (z[b])
                    *gsl_matrix_ptr(K, a, b) += t->weight[i];
        }
    }
    for (size_t a = 0; a < P; a++) {
        gsl_matrix_set(K, a, P, 1.0);
        gsl_matrix_set(K, P, a, 1.0);
    }
    gsl_vector_set(rhs, P, t->v_full[g] - t->v_empty[g]);
    int sign;
    gsl_linalg_LU_decomp(K, perm, &sign);
    gsl_linalg_LU_solve(K, perm, rhs, sol);
    for (size_t a = 0; a < P; a++)
        phi[a] = gsl_vector_get(sol, a);
    gsl_matrix_free(K);
    gsl_vector_free(rhs);
    gsl_vector_free(sol);
    gsl_permutation_free(perm);
}

static double rel(double a, double b)
{
    return fabs(a - b) / (fabs(b) > 1.0 ? fabs(b) : 1.0);
}

static void test_kernelshap(world *w, const char *what, size_t samples, size_t row)
{
    gb_explain_options o = {.method = GB_METHOD_KERNELSHAP, .background = w->bg, .seed = 3,
                            .sampling = {.samples = samples}};
    gb_explain_result res;
    gb_trace t;
    if (both(w, &o, row, 0, 100000, &res, &t)) {
        ok(0, "%s: traced", what);
        return;
    }
    size_t stride = (size_t)t.n_groups * (size_t)(t.n_features + 1);
    ok(memcmp(res.phi, t.phi, stride * sizeof *t.phi) == 0 && memcmp(res.se, t.se, stride * sizeof *t.se) == 0 &&
           memcmp(res.margin, t.margin, (size_t)t.n_groups * sizeof *t.margin) == 0,
       "%s: the traced row's values and standard errors are the run's, bit for bit", what);
    ok(t.n == t.total && t.total == res.samples[0], "%s: every coalition traced (%zu of %zu)", what, t.n,
       res.samples[0]);
    size_t P = (size_t)t.n_players, n_enum = 0;
    for (size_t i = 0; i < t.n; i++)
        n_enum += !t.sampled[i];
    ok(n_enum == t.enumerated && (t.pairs == 0 || t.n - n_enum == 2 * t.pairs),
       "%s: %zu enumerated (sizes up to %d), %zu sampled pairs", what, n_enum, t.enum_size, t.pairs);
    /* Enumerated coalitions carry the Shapley kernel weight (P-1)/(C(P,s) s (P-s)). */
    double worst_w = 0;
    for (size_t i = 0; i < t.n; i++) {
        if (t.sampled[i])
            continue;
        int s = 0;
        for (size_t p = 0; p < P; p++)
            s += t.z[i * P + p];
        double c = 1;
        for (int j = 1; j <= s; j++)
            c = c * (double)(P - (size_t)s + (size_t)j) / j;
        double kw = (double)(P - 1) / (c * s * (double)(P - (size_t)s));
        worst_w = fmax(worst_w, rel(t.weight[i], kw));
    }
    ok(worst_w < 1e-12, "%s: enumerated weights are the Shapley kernel's (worst %.1e)", what, worst_w);
    double worst = 0;
    double *phi = malloc(P * sizeof *phi);
    for (int g = 0; g < t.n_groups; g++) {
        ks_refit(&t, g, phi);
        for (size_t p = 0; p < P; p++)
            worst = fmax(worst, rel(phi[p], t.phi[(size_t)g * (size_t)(t.n_features + 1) + (size_t)t.players[p]]));
    }
    ok(worst < 1e-8, "%s: the weighted regression on the traced coalitions reproduces phi (worst %.1e)", what,
       worst);
    free(phi);
    gb_trace_free(&t);
    gb_explain_result_free(&res);
    /* Bounded: the default keeps the first 200 (both rows need more). */
    gb_explainer *ex = gb_explainer_create(w->m, w->ds, &w->b, &o, NULL);
    gb_error err = {{0}};
    int rc = ex ? gb_explain_trace_row(ex, row, 0, 0, &t, NULL, &err) : -1;
    ok(rc == 0 && t.n == (t.total < 200 ? t.total : 200) && (t.total <= 200 || t.n < t.total),
       "%s: the default trace keeps the first %zu of %zu coalitions", what, t.n, t.total);
    gb_trace_free(&t);
    gb_explainer_free(ex);
}

static void test_permutation(world *w, const char *what, size_t row)
{
    gb_explain_options o = {.method = GB_METHOD_PERMUTATION, .background = w->bg, .seed = 9,
                            .sampling = {.samples = 400}};
    gb_explain_result res;
    gb_trace t;
    if (both(w, &o, row, 0, 100000, &res, &t)) {
        ok(0, "%s: traced", what);
        return;
    }
    size_t stride = (size_t)t.n_groups * (size_t)(t.n_features + 1);
    ok(memcmp(res.phi, t.phi, stride * sizeof *t.phi) == 0 && memcmp(res.se, t.se, stride * sizeof *t.se) == 0,
       "%s: the traced row's values and standard errors are the run's, bit for bit", what);
    size_t P = (size_t)t.n_players, G = (size_t)t.n_groups;
    ok(t.n == t.total && t.n * 2 * (P - 1) == res.samples[0], "%s: every pair traced (%zu)", what, t.n);
    double worst = 0, worst_sum = 0;
    for (size_t g = 0; g < G; g++) {
        for (size_t p = 0; p < P; p++) {
            double s = 0;
            for (size_t i = 0; i < t.n; i++)
                s += 0.5 * (t.forward[(i * P + p) * G + g] + t.backward[(i * P + p) * G + g]);
            worst = fmax(worst, rel(s / (double)t.n, t.phi[g * (size_t)(t.n_features + 1) + (size_t)t.players[p]]));
        }
        for (size_t i = 0; i < t.n; i++) {
            double f = 0, b = 0;
            for (size_t p = 0; p < P; p++) {
                f += t.forward[(i * P + p) * G + g];
                b += t.backward[(i * P + p) * G + g];
            }
            double want = t.v_full[g] - t.v_empty[g];
            worst_sum = fmax(worst_sum, fmax(rel(f, want), rel(b, want)));
        }
    }
    ok(worst < 1e-10, "%s: the mean of the traced passes is phi (worst %.1e)", what, worst);
    ok(worst_sum < 1e-10, "%s: each pass adds up to v(all) - v(empty) (worst %.1e)", what, worst_sum);
    /* Each order is a permutation of the players. */
    int perm_ok = 1;
    for (size_t i = 0; i < t.n && perm_ok; i++) {
        unsigned char seen[256] = {0};
        for (size_t k = 0; k < P; k++) {
            int p = t.order[i * P + k];
            perm_ok &= p >= 0 && (size_t)p < P && p < 256 && !seen[p];
            if (p >= 0 && p < 256)
                seen[p] = 1;
        }
    }
    ok(perm_ok, "%s: every traced order is a permutation of the players", what);
    gb_trace_free(&t);
    gb_explain_result_free(&res);
}

/* Weighted ridge with intercept on the selected columns (alpha 1). */
static void ridge(const gb_trace *t, const int *sel, int k, double *coef, double *b0)
{
    size_t F = (size_t)t->n_features, n = t->n;
    double ws = 0, ybar = 0, zbar[64] = {0};
    for (size_t i = 0; i < n; i++) {
        ws += t->lw[i];
        ybar += t->lw[i] * t->ly[i];
        for (int j = 0; j < k; j++)
            zbar[j] += t->lw[i] * t->lz[i * F + (size_t)sel[j]];
    }
    ybar /= ws;
    for (int j = 0; j < k; j++)
        zbar[j] /= ws;
    gsl_matrix *A = gsl_matrix_calloc((size_t)k, (size_t)k);
    gsl_vector *r = gsl_vector_calloc((size_t)k), *x = gsl_vector_alloc((size_t)k);
    for (size_t i = 0; i < n; i++)
        for (int a = 0; a < k; a++) {
            double za = t->lz[i * F + (size_t)sel[a]] - zbar[a];
            *gsl_vector_ptr(r, (size_t)a) += t->lw[i] * za * (t->ly[i] - ybar);
            for (int b = 0; b < k; b++)
                *gsl_matrix_ptr(A, (size_t)a, (size_t)b) += t->lw[i] * za * (t->lz[i * F + (size_t)sel[b]] - zbar[b]);
        }
    for (int a = 0; a < k; a++)
        *gsl_matrix_ptr(A, (size_t)a, (size_t)a) += 1.0;
    gsl_linalg_cholesky_decomp1(A);
    gsl_linalg_cholesky_solve(A, r, x);
    *b0 = ybar;
    for (int j = 0; j < k; j++) {
        coef[j] = gsl_vector_get(x, (size_t)j);
        *b0 -= coef[j] * zbar[j];
    }
    gsl_matrix_free(A);
    gsl_vector_free(r);
    gsl_vector_free(x);
}

static void test_lime(world *w, const char *what, size_t row, int group, gb_lime_discretize d)
{
    gb_explain_options o = {.method = GB_METHOD_LIME, .seed = 4, .sampling = {.samples = 600},
                            .lime_discretize = d};
    gb_explain_result res;
    gb_trace t;
    if (both(w, &o, row, group, 100000, &res, &t)) {
        ok(0, "%s: traced", what);
        return;
    }
    size_t F = (size_t)t.n_features, block = (size_t)group * (F + 1);
    ok(memcmp(res.phi + block, t.phi + block, (F + 1) * sizeof *t.phi) == 0 && res.margin[group] == t.margin[group] &&
           res.r2[group] == t.lime.r2,
       "%s: the traced row's weights, intercept, prediction and R^2 are the run's, bit for bit", what);
    ok(t.n == 600 && t.total == 600, "%s: every sample traced", what);
    double worst_w = 0;
    for (size_t i = 0; i < t.n; i++) {
        double d2 = 0;
        for (size_t f = 0; f < F; f++)
            d2 += (t.lz[i * F + f] - t.lime.z0[f]) * (t.lz[i * F + f] - t.lime.z0[f]);
        worst_w = fmax(worst_w, rel(t.lw[i], sqrt(exp(-d2 / (t.lime_kernel_width * t.lime_kernel_width)))));
    }
    ok(worst_w < 1e-14, "%s: kernel weights sqrt(exp(-d^2/width^2)) of the traced samples (worst %.1e)", what,
       worst_w);
    double coef[64], b0;
    int k = t.lime.n_selected;
    ridge(&t, t.lime.selected, k, coef, &b0);
    double worst = rel(b0, t.lime.intercept);
    for (int j = 0; j < k; j++)
        worst = fmax(worst, rel(coef[j], t.lime.weights[t.lime.selected[j]]));
    ok(worst < 1e-8, "%s: the weighted ridge on the traced samples reproduces the %d weights and intercept (worst "
       "%.1e)", what, k, worst);
    double num = 0, den = 0, ws = 0, ybar = 0;
    for (size_t i = 0; i < t.n; i++) {
        ws += t.lw[i];
        ybar += t.lw[i] * t.ly[i];
    }
    ybar /= ws;
    for (size_t i = 0; i < t.n; i++) {
        double pred = t.lime.intercept;
        for (size_t f = 0; f < F; f++)
            pred += t.lime.weights[f] * t.lz[i * F + f];
        num += t.lw[i] * (t.ly[i] - pred) * (t.ly[i] - pred);
        den += t.lw[i] * (t.ly[i] - ybar) * (t.ly[i] - ybar);
    }
    ok(rel(1 - num / den, t.lime.r2) < 1e-10, "%s: the weighted R^2 of the traced fit is the reported %.4f", what,
       t.lime.r2);
    double *x = malloc(F * sizeof *x);
    gb_binding_row(&w->b, w->ds, row, x);
    int first = 1;
    for (size_t f = 0; f < F; f++)
        first &= (isnan(x[f]) && isnan(t.x[f])) || x[f] == t.x[f];
    ok(first && t.ly[0] == t.lime.model_pred, "%s: sample 0 is the row itself", what);
    free(x);
    gb_trace_free(&t);
    gb_explain_result_free(&res);
}

int main(void)
{
    gsl_set_error_handler_off();
    world w;
    if (world_open(&w, "samples/diabetes/data.csv", "samples/diabetes/xgboost.json", 40) == 0) {
        test_kernelshap(&w, "kernelshap, sampled sizes", 300, 7);
        test_kernelshap(&w, "kernelshap, fully enumerated", 0, 11);
        test_permutation(&w, "permutation", 7);
        test_lime(&w, "lime, quartiles", 7, 0, GB_LIME_QUARTILE);
        test_lime(&w, "lime, no discretisation", 12, 0, GB_LIME_NONE);
        gb_explain_options o = {.method = GB_METHOD_TREESHAP};
        gb_explainer *ex = gb_explainer_create(w.m, w.ds, &w.b, &o, NULL);
        gb_trace t;
        gb_error err = {{0}};
        ok(ex && gb_explain_trace_row(ex, 0, 0, 0, &t, NULL, &err) < 0 && strstr(err.msg, "no trace"),
           "treeshap has no trace: %s", err.msg);
        gb_explainer_free(ex);
        world_close(&w);
    }
    if (world_open(&w, "samples/iris/data.csv", "samples/iris/xgboost.json", 30) == 0) {
        test_kernelshap(&w, "iris kernelshap (3 classes)", 0, 60);
        test_permutation(&w, "iris permutation (3 classes)", 60);
        test_lime(&w, "iris lime, class 2", 120, 2, GB_LIME_QUARTILE);
        world_close(&w);
    }
    return tap_done();
}
