/* test_linearshap.c: checks linear SHAP (src/linearshap.c).
 *
 * The closed form is checked by hand on a tiny model and, on random
 * multi-output models with missing values, against an independent exact
 * enumeration of interventional Shapley values: for every coalition S,
 * v(S) = mean over the background rows b of the model's margin at
 * (x_S, b_notS), evaluated by gb_model_margin, then the Shapley formula.
 * Additivity (base + sum phi = margin) is checked on every row. */
#include "linearshap.h"
#include "tap.h"
#include "tree_builder.h"

#include <stdint.h>
#include <string.h>

typedef struct rng {
    uint64_t s;
} rng;

static double unif(rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (double)((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
}

static gb_model *linear_model(int n_features, int n_groups, const double *coef, const double *base)
{
    gb_model *m = gb_model_new(NULL);
    m->kind = GB_MODEL_LINEAR;
    m->n_features = n_features;
    m->n_groups = n_groups;
    m->coef = malloc((size_t)n_features * (size_t)n_groups * sizeof *m->coef);
    m->base = malloc((size_t)n_groups * sizeof *m->base);
    memcpy(m->coef, coef, (size_t)n_features * (size_t)n_groups * sizeof *coef);
    memcpy(m->base, base, (size_t)n_groups * sizeof *base);
    gb_error err;
    if (gb_model_finish(m, &err)) {
        printf("# gb_model_finish: %s\n", err.msg);
        exit(1);
    }
    return m;
}

/* Interventional Shapley values by enumeration over all 2^M coalitions. */
static void enumerate(const gb_model *m, const double *x, const double *bg, size_t n_bg, double *phi)
{
    int nf = m->n_features, ng = m->n_groups;
    unsigned n_sets = 1u << nf;
    double *v = calloc((size_t)n_sets * (size_t)ng, sizeof *v);
    double z[16], margin[8], fact[17];
    fact[0] = 1.0;
    for (int k = 1; k <= 16; k++)
        fact[k] = fact[k - 1] * k;
    for (unsigned s = 0; s < n_sets; s++) {
        for (size_t b = 0; b < n_bg; b++) {
            for (int f = 0; f < nf; f++)
                z[f] = (s >> f & 1u) ? x[f] : bg[b * (size_t)nf + (size_t)f];
            gb_model_margin(m, z, margin);
            for (int g = 0; g < ng; g++)
                v[(size_t)g * n_sets + s] += margin[g] / (double)n_bg;
        }
    }
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
        pg[nf] = vg[0];
    }
    free(v);
}

static void test_by_hand(void)
{
    /* margin = 1 + 2 x0 - 3 x1.  Background (0, 1), (2, 3): mean (1, 2).
     * x = (4, NaN): the missing x1 counts as 0.
     *   phi0 = 2 * (4 - 1) = 6;  phi1 = -3 * (0 - 2) = 6
     *   bias = 1 + 2 * 1 - 3 * 2 = -3;  -3 + 6 + 6 = 9 = 1 + 2 * 4. */
    double coef[2] = {2, -3}, base[1] = {1};
    gb_model *m = linear_model(2, 1, coef, base);
    double bg[4] = {0, 1, 2, 3}, mean[2], x[2] = {4, NAN}, phi[3];
    ok(gb_linearshap_mean(m, bg, 2, mean) == 0, "mean of two rows");
    is_close(mean[0], 1.0, 1e-15, "mean x0 = (0 + 2) / 2");
    is_close(mean[1], 2.0, 1e-15, "mean x1 = (1 + 3) / 2");
    gb_linearshap_row(m, mean, x, phi);
    is_close(phi[0], 6.0, 1e-15, "phi0 = 2 * (4 - 1)");
    is_close(phi[1], 6.0, 1e-15, "phi1 = -3 * (0 - 2): missing is 0");
    is_close(phi[2], -3.0, 1e-15, "bias = 1 + 2 * 1 - 3 * 2");

    /* Missing values in the mean count as 0: column (NaN, 2, 4) -> 2. */
    double bg2[6] = {NAN, 1, 2, NAN, 4, 1};
    ok(gb_linearshap_mean(m, bg2, 3, mean) == 0 && mean[0] == 2.0 && mean[1] == 2.0 / 3.0,
       "missing background values count as 0 in the mean");
    ok(gb_linearshap_mean(m, bg2, 0, mean) == -1, "no rows: the mean is refused");
    gb_model_free(m);
}

static void test_groups_by_hand(void)
{
    /* Two outputs (softmax margins): group 0 = 0.5 + x0 + 0 x1, group 1 =
     * -1 - x0 + 4 x1; mean (1, 1); x = (3, 2).
     *   group 0: phi = (2, 0), bias 0.5 + 1 = 1.5
     *   group 1: phi = (-2, 4), bias -1 - 1 + 4 = 2 */
    double coef[4] = {1, 0, -1, 4}, base[2] = {0.5, -1};
    gb_model *m = linear_model(2, 2, coef, base);
    m->link = GB_LINK_SOFTMAX;
    double mean[2] = {1, 1}, x[2] = {3, 2}, phi[6];
    gb_linearshap_row(m, mean, x, phi);
    double want[6] = {2, 0, 1.5, -2, 4, 2};
    ok(tb_max_rel_err(phi, want, 6) == 0.0, "two groups: blocks of n_features + 1, margins, bias last");
    gb_model_free(m);
}

static void test_random_against_enumeration(void)
{
    rng r = {2024};
    double coef[3 * 7], base[3], bg[8 * 7], mean[7], x[7], phi[3 * 8], want[3 * 8], margin[3];
    for (int k = 0; k < 60; k++) {
        int nf = 1 + (int)(unif(&r) * 7), ng = 1 + (int)(unif(&r) * 3);
        size_t n_bg = 1 + (size_t)(unif(&r) * 8);
        for (int i = 0; i < nf * ng; i++)
            coef[i] = unif(&r) < 0.1 ? 0.0 : unif(&r) * 6 - 3;
        for (int g = 0; g < ng; g++)
            base[g] = unif(&r) * 2 - 1;
        gb_model *m = linear_model(nf, ng, coef, base);
        for (size_t i = 0; i < n_bg * (size_t)nf; i++)
            bg[i] = unif(&r) < 0.2 ? NAN : unif(&r) * 20 - 10;
        gb_linearshap_mean(m, bg, n_bg, mean);
        for (int row = 0; row < 3; row++) {
            for (int f = 0; f < nf; f++)
                x[f] = unif(&r) < 0.2 ? NAN : unif(&r) * 20 - 10;
            gb_linearshap_row(m, mean, x, phi);
            enumerate(m, x, bg, n_bg, want);
            double e = tb_max_rel_err(phi, want, (size_t)ng * (size_t)(nf + 1));
            if (!ok(e <= 1e-9, "random model %d (%d features, %d groups, %zu background rows), row %d: "
                               "closed form = enumerated interventional Shapley values",
                    k, nf, ng, n_bg, row))
                printf("#   max relative error %g\n", e);
            gb_model_margin(m, x, margin);
            double worst = 0.0;
            for (int g = 0; g < ng; g++) {
                double s = 0.0;
                for (int f = 0; f <= nf; f++)
                    s += phi[g * (nf + 1) + f];
                double a = fabs(s - margin[g]) / (fabs(margin[g]) > 1 ? fabs(margin[g]) : 1);
                worst = a > worst ? a : worst;
            }
            ok(worst <= 1e-9, "random model %d, row %d: base + sum phi = margin (%g)", k, row, worst);
        }
        gb_model_free(m);
    }
}

int main(void)
{
    test_by_hand();
    test_groups_by_hand();
    test_random_against_enumeration();
    return tap_done();
}
