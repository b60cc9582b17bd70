/* test_sampler.c: the alias table and the truncated-normal cell table
 * (src/sampler.c) against the distributions they claim to draw from
 * exactly, and the raw-word streams of rng.h.
 *
 * The distribution tests are Kolmogorov-Smirnov and frequency tests with
 * fixed seeds, at bounds a correct sampler passes with probability above
 * 1 - 1e-4, computed from the exact distribution functions (GSL's normal
 * CDF), never from the sampler's own tables.  The within-cell test is the
 * sharp one: uniform proposals without the rejection step pass the global
 * test but put far too little mass near the peak of a wide tail cell. */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>

#include "sampler.h"
#include "tap.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* P(X <= v) for X ~ N(mean, sd^2) restricted to [lo, hi]. */
static double tn_cdf(double v, double mean, double sd, double lo, double hi)
{
    double a = (lo - mean) / sd, c = (hi - mean) / sd, x = (v - mean) / sd;
    if (x <= a)
        return 0.0;
    if (x >= c)
        return 1.0;
    if (a > 0.0) /* upper tail: keep the digits */
        return (gsl_cdf_ugaussian_Q(a) - gsl_cdf_ugaussian_Q(x)) /
               (gsl_cdf_ugaussian_Q(a) - gsl_cdf_ugaussian_Q(c));
    return (gsl_cdf_ugaussian_P(x) - gsl_cdf_ugaussian_P(a)) /
           (gsl_cdf_ugaussian_P(c) - gsl_cdf_ugaussian_P(a));
}

/* The KS statistic of sorted v[0..n-1] against the truncated normal
 * restricted further to [from, to] (the conditional distribution there). */
static double ks(const double *v, size_t n, double mean, double sd, double lo, double hi, double from,
                 double to)
{
    double f0 = tn_cdf(from, mean, sd, lo, hi), f1 = tn_cdf(to, mean, sd, lo, hi), d = 0.0;
    for (size_t i = 0; i < n; i++) {
        double f = (tn_cdf(v[i], mean, sd, lo, hi) - f0) / (f1 - f0);
        double a = fabs(f - (double)i / (double)n), b = fabs(f - (double)(i + 1) / (double)n);
        d = fmax(d, fmax(a, b));
    }
    return d;
}

/* KS bound at p = 1e-4: sqrt(-ln(p / 2) / 2) / sqrt(n). */
static double ks_bound(size_t n)
{
    return sqrt(-log(0.5e-4) / 2.0) / sqrt((double)n);
}

static void check_truncnorm(const char *what, double mean, double sd, double lo, double hi, size_t n)
{
    gb_truncnorm *t = malloc(sizeof *t);
    double *v = malloc(n * sizeof *v);
    gb_truncnorm_init(t, mean, sd, lo, hi);
    gsl_rng *r = gb_rng_new(7, 1, (uint64_t)(hi * 1000), NULL);
    gb_rng64 g;
    gb_rng64_begin(&g, r);
    int inside = 1;
    for (size_t i = 0; i < n; i++) {
        v[i] = gb_truncnorm_draw(t, &g);
        inside &= v[i] >= lo && v[i] <= hi;
    }
    gb_rng64_end(&g);
    ok(inside, "%s: every draw lies in [%g, %g]", what, lo, hi);
    qsort(v, n, sizeof *v, cmp_double);
    double d = ks(v, n, mean, sd, lo, hi, lo, hi);
    ok(d < ks_bound(n), "%s: KS distance to the exact distribution %.5f < %.5f", what, d, ks_bound(n));
    /* The cell with the widest spread of density (least squeeze), drawn on
     * its own: its values against the conditional distribution there. */
    int worst = -1;
    for (int k = 0; k < GB_TN_CELLS; k++)
        if (t->cell[k].squeeze && (worst < 0 || t->cell[k].squeeze < t->cell[worst].squeeze))
            worst = k;
    if (worst >= 0) {
        const gb_tn_cell *c = &t->cell[worst];
        double a = mean + sd * fmin(c->z0, c->z0 + c->dz), b = mean + sd * fmax(c->z0, c->z0 + c->dz);
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (v[i] > a && v[i] < b)
                v[m++] = v[i];
        double dc = ks(v, m, mean, sd, lo, hi, a, b);
        ok(m > 100 && dc < ks_bound(m),
           "%s: inside the least uniform cell (ratio %.2f, %zu draws) KS %.4f < %.4f", what,
           c->squeeze * 0x1.0p-29, m, dc, ks_bound(m));
    }
    gsl_rng_free(r);
    free(v);
    free(t);
}

static void test_truncnorm(void)
{
    check_truncnorm("inner bin", 0.3, 1.2, -1.0, 1.9, 400000);
    check_truncnorm("lower outer bin", 10.0, 2.0, -5.0, 9.0, 400000);
    check_truncnorm("upper tail, both bounds above the mean", 0.0, 1.0, 2.0, 9.0, 400000);
    check_truncnorm("far lower tail", 0.0, 1.0, -30.0, -3.0, 400000);
    check_truncnorm("narrow", 5.0, 0.1, 5.0, 5.0001, 100000);
    /* LIME's normal without bins: the whole line, as far as doubles go. */
    check_truncnorm("standard normal (+-38.5)", 0.0, 1.0, -38.5, 38.5, 400000);

    gb_truncnorm *t = malloc(sizeof *t);
    gsl_rng *r = gb_rng_new(1, 2, 3, NULL);
    gb_rng64 g;
    gb_rng64_begin(&g, r);
    gb_truncnorm_init(t, 1.0, 0.5, 2.0, 2.0);
    ok(t->constant && gb_truncnorm_draw(t, &g) == 2.0, "a point interval gives its point");
    gb_truncnorm_init(t, 0.0, 1.0, 50.0, 60.0);
    ok(t->constant && gb_truncnorm_draw(t, &g) == 50.0,
       "an interval whose mass underflows gives its bound nearest the mean");
    int inverted = 0;
    gb_truncnorm_init(t, 0.0, 1.0, -40.0, 0.5);
    for (int k = 0; k < GB_TN_CELLS; k++)
        inverted += t->cell[k].squeeze == 0;
    ok(inverted >= 1 && inverted <= 2, "a far tail cell is inverted, not rejected from (%d cells)", inverted);
    gb_rng64_end(&g);
    gsl_rng_free(r);
    free(t);
}

static void test_alias(void)
{
    double w[6] = {3, 0, 1, 0.5, 0, 5.5};
    gb_alias a;
    gb_error err;
    ok(gb_alias_init(&a, w, 6, &err) == 0, "alias table built");
    gsl_rng *r = gb_rng_new(11, 0, 0, NULL);
    gb_rng64 g;
    gb_rng64_begin(&g, r);
    enum { N = 1000000 };
    double count[6] = {0};
    for (int i = 0; i < N; i++)
        count[gb_alias_pick(&a, gb_rng64_next(&g))]++;
    gb_rng64_end(&g);
    ok(count[1] == 0 && count[4] == 0, "a zero weight is never drawn");
    double chi2 = 0.0;
    for (int k = 0; k < 6; k++)
        if (w[k] > 0) {
            double e = N * w[k] / 10.0;
            chi2 += (count[k] - e) * (count[k] - e) / e;
        }
    /* chi-square with 3 degrees of freedom: P(> 21.1) = 1e-4. */
    ok(chi2 < 21.1, "frequencies follow the weights (chi-square %.2f, 3 df)", chi2);
    gb_alias_free(&a);

    double one = 2.0;
    ok(gb_alias_init(&a, &one, 1, &err) == 0 && gb_alias_pick(&a, UINT64_MAX) == 0 &&
           gb_alias_pick(&a, 0) == 0,
       "one weight: always index 0");
    gb_alias_free(&a);
    double bad[2] = {1, -1}, zero[2] = {0, 0};
    ok(gb_alias_init(&a, bad, 2, &err) == -1 && strstr(err.msg, "non-negative"),
       "a negative weight is refused");
    ok(gb_alias_init(&a, zero, 2, &err) == -1, "weights summing to 0 are refused");
    gsl_rng_free(r);
}

static void test_streams(void)
{
    /* The words continue the gsl_rng's own stream: after k words, GSL's
     * next 32-bit number is the top half of word k + 1. */
    gsl_rng *a = gb_rng_new(5, 6, 7, NULL), *b = gb_rng_new(5, 6, 7, NULL);
    gb_rng64 g;
    gb_rng64_begin(&g, a);
    uint64_t w[3];
    for (int i = 0; i < 3; i++)
        w[i] = gb_rng64_next(&g);
    gb_rng64_end(&g);
    unsigned long x = gsl_rng_get(a);
    int same = 1;
    for (int i = 0; i < 3; i++)
        same &= gsl_rng_get(b) == (unsigned long)(w[i] >> 32);
    ok(same && x == gsl_rng_get(b), "raw words and gsl_rng_get read one stream in turn");
    gsl_rng_free(a);
    gsl_rng_free(b);

    /* Any other generator works, through GSL. */
    gsl_rng *m = gsl_rng_alloc(gsl_rng_mt19937);
    gb_rng64_begin(&g, m);
    uint64_t or = 0, and = UINT64_MAX;
    for (int i = 0; i < 64; i++) {
        uint64_t v = gb_rng64_next(&g);
        or |= v;
        and &= v;
    }
    gb_rng64_end(&g);
    ok(!g.fast && or == UINT64_MAX && and == 0, "a 32-bit GSL generator fills all 64 bits of a word");
    gsl_rng_free(m);
}

int main(void)
{
    gsl_set_error_handler_off();
    test_streams();
    test_alias();
    test_truncnorm();
    return tap_done();
}
