/* test_lime_gram.c: LIME's weighted, centred cross products (lime_gram.c)
 * against a naive two-pass computation in long double, for each way they
 * are summed: dense rows, binary rows one by one (weights that vary freely),
 * binary rows grouped by their number of set features (weights constant per
 * group, as LIME's kernel makes them), through the checking entry point and
 * the one that trusts the caller.  Constant columns must come out as exact
 * zeros, which the unregularised fits rely on. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

#include "lime_fit.h"
#include "rng.h"
#include "tap.h"

typedef struct ref {
    long double wsum, ybar, syy, *zbar, *G, *c;
} ref;

static void naive(const double *z, const double *y, const double *w, size_t n, size_t m, ref *r)
{
    long double ws = 0, ys = 0;
    for (size_t i = 0; i < n; i++) {
        ws += w[i];
        ys += (long double)w[i] * y[i];
    }
    r->wsum = ws;
    r->ybar = ys / ws;
    for (size_t j = 0; j < m; j++) {
        long double s = 0;
        for (size_t i = 0; i < n; i++)
            s += (long double)w[i] * z[i * m + j];
        r->zbar[j] = s / ws;
    }
    r->syy = 0;
    for (size_t j = 0; j < m; j++) {
        r->c[j] = 0;
        for (size_t k = 0; k < m; k++)
            r->G[j * m + k] = 0;
    }
    for (size_t i = 0; i < n; i++) {
        long double dy = y[i] - r->ybar;
        r->syy += w[i] * dy * dy;
        for (size_t j = 0; j < m; j++) {
            long double dj = z[i * m + j] - r->zbar[j];
            r->c[j] += w[i] * dj * dy;
            for (size_t k = 0; k < m; k++)
                r->G[j * m + k] += w[i] * dj * (z[i * m + k] - r->zbar[k]);
        }
    }
}

/* Largest |got - want| over G and c, relative to the largest |want|. */
static double worst(const gb_lime_gram *g, const ref *r, size_t m)
{
    long double scale = 0, d = 0;
    for (size_t j = 0; j < m; j++) {
        scale = fmaxl(scale, fabsl(r->c[j]));
        d = fmaxl(d, fabsl(g->c[j] - r->c[j]));
        for (size_t k = 0; k < m; k++) {
            scale = fmaxl(scale, fabsl(r->G[j * m + k]));
            d = fmaxl(d, fabsl(g->G[j * m + k] - r->G[j * m + k]));
        }
    }
    return (double)(d / scale);
}

/* One data set: binary (column 1 always 1, column 2 always 0) or not,
 * weights constant per number of set features or drawn freely. */
static void check(const char *what, size_t n, size_t m, int binary, int grouped, int trust, double width2)
{
    double *z = malloc(n * m * sizeof *z), *y = malloc(n * sizeof *y), *w = malloc(n * sizeof *w);
    ref r = {.zbar = malloc(m * sizeof(long double)),
             .G = malloc(m * m * sizeof(long double)),
             .c = malloc(m * sizeof(long double))};
    gsl_rng *rng = gb_rng_new(n, m, (uint64_t)(binary * 4 + grouped * 2 + trust), NULL);
    for (size_t i = 0; i < n; i++) {
        size_t set = 0;
        for (size_t j = 0; j < m; j++) {
            /* Row 0 is LIME's instance: every bin its own. */
            double u = i == 0 && binary ? 0.0 : gsl_rng_uniform(rng);
            z[i * m + j] = j == 1 ? 1.0 : (j == 2 ? 0.0 : (binary ? (double)(u < 0.25) : 3.0 * u - 1.0));
            set += z[i * m + j] == 1.0;
        }
        y[i] = 100.0 + 30.0 * gsl_rng_uniform(rng) + 5.0 * z[i * m];
        w[i] = grouped ? sqrt(exp(-(double)(m - set) / (width2 * (double)m))) : gsl_rng_uniform_pos(rng);
    }
    gb_lime_gram g;
    gb_lime_gram_init(&g, (int)m, NULL);
    int rc = trust ? gb_lime_gram_compute_binary(&g, z, y, w, n, NULL)
                   : gb_lime_gram_compute(&g, z, y, w, n, NULL);
    naive(z, y, w, n, m, &r);
    double d = worst(&g, &r, m);
    ok(rc == 0 && d < 1e-12, "%s: G and c equal the naive sums (worst %.1e of the largest)", what, d);
    ok(fabsl(g.wsum - r.wsum) <= 1e-13L * r.wsum && fabsl(g.ybar - r.ybar) <= 1e-13L * fabsl(r.ybar) &&
           fabsl(g.syy - r.syy) <= 1e-12L * r.syy,
       "%s: weight sum, mean output and output spread", what);
    if (binary && m <= 64) {
        /* The same rows as bit words: the same sums, to the bit. */
        uint64_t *bits = calloc(n, sizeof *bits);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < m; j++)
                bits[i] |= (uint64_t)(z[i * m + j] == 1.0) << j;
        gb_lime_gram gb;
        gb_lime_gram_init(&gb, (int)m, NULL);
        int rcb = gb_lime_gram_compute_bits(&gb, bits, y, w, n, NULL);
        ok(rcb == 0 && memcmp(gb.G, g.G, m * m * sizeof *g.G) == 0 &&
               memcmp(gb.c, g.c, m * sizeof *g.c) == 0 && memcmp(gb.zbar, g.zbar, m * sizeof *g.zbar) == 0 &&
               gb.syy == g.syy && gb.wsum == g.wsum,
           "%s: from bit words, the same numbers to the bit", what);
        int sel[3] = {0, 3, (int)m - 1};
        double coef[3] = {1.5, -2.0, 0.25};
        ok(gb_lime_score_bits(bits, y, w, n, sel, 3, coef, 0.5) ==
               gb_lime_score(z, y, w, n, (int)m, sel, 3, coef, 0.5),
           "%s: R^2 from bit words, to the bit", what);
        gb_lime_gram_free(&gb);
        free(bits);
    }
    int zero = 1;
    for (size_t k = 0; k < m; k++)
        zero &=
            g.G[1 * m + k] == 0.0 && g.G[k * m + 1] == 0.0 && g.G[2 * m + k] == 0.0 && g.G[k * m + 2] == 0.0;
    ok(zero && g.c[1] == 0.0 && g.c[2] == 0.0 && g.zbar[1] == 1.0 && g.zbar[2] == 0.0,
       "%s: constant columns are exact zeros, their means exact", what);
    gb_lime_gram_free(&g);
    gsl_rng_free(rng);
    free(z);
    free(y);
    free(w);
    free(r.zbar);
    free(r.G);
    free(r.c);
}

/* A raised flag stops every path. */
static void test_cancel(void)
{
    size_t n = 3000, m = 20;
    double *z = malloc(n * m * sizeof *z), *y = malloc(n * sizeof *y), *w = malloc(n * sizeof *w);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < m; j++)
            z[i * m + j] = (double)((i * 7 + j * 3) % 4 == 0);
        y[i] = (double)(i % 13);
        w[i] = 1.0;
    }
    gb_lime_gram g;
    gb_lime_gram_init(&g, (int)m, NULL);
    atomic_int flag = 1;
    int a = gb_lime_gram_compute_binary(&g, z, y, w, n, &flag),
        b = gb_lime_gram_compute(&g, z, y, w, n, &flag);
    for (size_t i = 0; i < n; i++)
        z[i * m] = 0.5;
    int c = gb_lime_gram_compute(&g, z, y, w, n, &flag);
    ok(a == 1 && b == 1 && c == 1, "a raised cancel flag stops the binary and the dense sums");
    gb_lime_gram_free(&g);
    free(z);
    free(y);
    free(w);
}

int main(void)
{
    gsl_set_error_handler_off();
    check("dense rows", 2000, 9, 0, 0, 0, 0.5625);
    check("binary rows, free weights", 3000, 12, 1, 0, 0, 0.5625);
    check("binary rows, weights per set count", 3000, 12, 1, 1, 0, 0.5625);
    check("binary rows, weights per set count, trusted", 5000, 30, 1, 1, 1, 0.5625);
    check("binary rows, free weights, trusted", 2000, 30, 1, 0, 1, 0.5625);
    check("binary rows, 70 features (wider than a 64-bit word)", 1500, 70, 1, 1, 0, 0.5625);
    /* Width 0.1 sqrt(M): the row outweighs the rest by e^50 and more, and
     * centring afterwards would lose every digit. */
    check("binary rows, a kernel so narrow the row itself dominates", 3000, 30, 1, 1, 1, 0.01);
    test_cancel();
    return tap_done();
}
