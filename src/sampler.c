/* sampler.c: the alias table and the truncated-normal cell table (see
 * sampler.h). */
#include "sampler.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- alias (Vose's construction) ----------------------------------------- */

int gb_alias_init(gb_alias *a, const double *weight, size_t n, gb_error *err)
{
    memset(a, 0, sizeof *a);
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (!(weight[i] >= 0.0) || !isfinite(weight[i]))
            return gb_error_set(err, "sampling weight %zu is %g, not a non-negative number", i, weight[i]);
        sum += weight[i];
    }
    if (n == 0 || n >= UINT64_C(1) << 32 || !(sum > 0.0) || !isfinite(sum))
        return gb_error_set(err, "cannot sample from %zu weights summing to %g", n, sum);
    a->n = n;
    a->accept = gb_malloc(n, sizeof *a->accept, err);
    a->alias = a->accept ? gb_malloc(n, sizeof *a->alias, err) : NULL;
    double *p = a->alias ? gb_malloc(n, sizeof *p, err) : NULL;
    size_t *small = p ? gb_malloc(2 * n, sizeof *small, err) : NULL;
    if (!small) {
        free(p);
        gb_alias_free(a);
        return -1;
    }
    size_t *large = small + n, ns = 0, nl = 0, some = 0;
    for (size_t i = 0; i < n; i++) {
        p[i] = weight[i] * (double)n / sum;
        if (p[i] < 1.0)
            small[ns++] = i;
        else
            large[nl++] = i;
        if (weight[i] > weight[some])
            some = i;
    }
    while (ns && nl) {
        size_t s = small[--ns], l = large[nl - 1];
        a->accept[s] = (uint64_t)(p[s] * 0x1.0p32);
        a->alias[s] = (uint32_t)l;
        p[l] -= 1.0 - p[s];
        if (p[l] < 1.0) {
            nl--;
            small[ns++] = l;
        }
    }
    /* What is left holds a whole column up to rounding: it keeps itself,
     * unless its weight is 0 (then rounding cannot have left it here, but a
     * zero weight must never be drawn, so it hands the column on). */
    while (nl) {
        size_t l = large[--nl];
        a->accept[l] = UINT64_C(1) << 32;
        a->alias[l] = (uint32_t)l;
    }
    while (ns) {
        size_t s = small[--ns];
        a->accept[s] = weight[s] > 0.0 ? UINT64_C(1) << 32 : 0;
        a->alias[s] = (uint32_t)(weight[s] > 0.0 ? s : some);
    }
    free(small);
    free(p);
    return 0;
}

void gb_alias_free(gb_alias *a)
{
    free(a->accept);
    free(a->alias);
    memset(a, 0, sizeof *a);
}

/* ---- truncated normal ---------------------------------------------------- */

/* The point of [x, y] (either order) nearest 0 and the one farthest. */
static void near_far(double x, double y, double *near, double *far)
{
    double lo = x < y ? x : y, hi = x < y ? y : x;
    *near = lo > 0.0 ? lo : (hi < 0.0 ? hi : 0.0);
    *far = fabs(lo) > fabs(hi) ? lo : hi;
}

static double inverse(const gb_truncnorm *t, double p)
{
    return t->upper ? gsl_cdf_ugaussian_Qinv(p) : gsl_cdf_ugaussian_Pinv(p);
}

void gb_truncnorm_init(gb_truncnorm *t, double mean, double sd, double lo, double hi)
{
    memset(t, 0, sizeof *t);
    t->mean = mean;
    t->sd = sd;
    t->lo = lo;
    t->hi = hi;
    double a = (lo - mean) / sd, c = (hi - mean) / sd, p_a, p_c;
    /* Probabilities of the tail the bounds lie in, so neither rounds to 1. */
    t->upper = a > 0.0;
    p_a = t->upper ? gsl_cdf_ugaussian_Q(a) : gsl_cdf_ugaussian_P(a);
    p_c = t->upper ? gsl_cdf_ugaussian_Q(c) : gsl_cdf_ugaussian_P(c);
    if (!(lo < hi) || !(p_a != p_c) || !(fmax(p_a, p_c) >= 0x1.0p-1000) || !isfinite(a) || !isfinite(c)) {
        /* A point, or an interval so far in the tail (beyond 37 sd) that
         * its probabilities lose their digits: its bound nearest the
         * mean. */
        t->constant = 1;
        t->value = mean < lo ? lo : (mean > hi ? hi : mean);
        return;
    }
    double z[GB_TN_CELLS + 1];
    for (int k = 0; k <= GB_TN_CELLS; k++) {
        t->p[k] = p_a + (p_c - p_a) * ((double)k / GB_TN_CELLS);
        z[k] = k == 0 ? a : (k == GB_TN_CELLS ? c : inverse(t, t->p[k]));
        if (!isfinite(z[k]))
            z[k] = k < GB_TN_CELLS / 2 ? a : c;
    }
    for (int k = 0; k < GB_TN_CELLS; k++) {
        gb_tn_cell *cl = &t->cell[k];
        double near, far;
        near_far(z[k], z[k + 1], &near, &far);
        cl->z0 = z[k];
        cl->dz = z[k + 1] - z[k];
        cl->top2 = near * near;
        /* The density's smallest over largest on the cell, rounded down;
         * below 1/2 rejection would spin, and the cell is inverted. */
        double ratio = exp(0.5 * (near * near - far * far));
        cl->squeeze = ratio >= 0.5 ? (uint32_t)(ratio * 0x1.0p29 * (1.0 - 0x1.0p-40)) : 0;
    }
}

double gb_truncnorm_invert(const gb_truncnorm *t, unsigned k, uint64_t word)
{
    const gb_tn_cell *c = &t->cell[k];
    /* Centred on its grid, u is never 0: an outer cell of an interval
     * whose far bound has no mass (the normal's +-38.5) gives no bound. */
    double u = ((double)(word & ((UINT64_C(1) << 53) - 1)) + 0.5) * 0x1.0p-53;
    double p = t->p[k] + u * (t->p[k + 1] - t->p[k]);
    double z = p > 0.0 && p < 1.0 ? inverse(t, p) : c->z0;
    double lo = c->dz < 0.0 ? c->z0 + c->dz : c->z0, hi = c->dz < 0.0 ? c->z0 : c->z0 + c->dz;
    return z >= lo && z <= hi ? z : c->z0;
}
