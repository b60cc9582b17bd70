/* agreement.c: rank correlation and top-k overlap of two attribution
 * vectors (see agreement.h). */
#include "agreement.h"

#include <math.h>
#include <stdlib.h>

typedef struct keyed {
    double v;
    size_t i;
} keyed;

static int by_value(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    if (a->v != b->v)
        return a->v < b->v ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

/* Ranks v[0..n-1] into out[] as twice the 1-based rank, ties averaged,
 * so every rank is an integer: the sums below are then exact, and a perfect
 * agreement comes out as exactly 1 rather than 0.9999999999999999. */
static void rank2(const double *v, size_t n, keyed *tmp, double *out)
{
    for (size_t i = 0; i < n; i++) {
        tmp[i].v = v[i];
        tmp[i].i = i;
    }
    qsort(tmp, n, sizeof *tmp, by_value);
    for (size_t lo = 0, hi; lo < n; lo = hi) {
        for (hi = lo + 1; hi < n && tmp[hi].v == tmp[lo].v; hi++)
            ;
        /* Positions lo..hi-1 (0-based) share the mean rank (lo + 1 + hi) / 2. */
        for (size_t j = lo; j < hi; j++)
            out[tmp[j].i] = (double)(lo + 1 + hi);
    }
}

/* Pearson's correlation of two rank vectors; NaN when a side is constant. */
static double rank_correlation(const double *x, const double *y, size_t n)
{
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, dn = (double)n;
    for (size_t i = 0; i < n; i++) {
        sx += x[i];
        sy += y[i];
        sxx += x[i] * x[i];
        syy += y[i] * y[i];
        sxy += x[i] * y[i];
    }
    double vx = dn * sxx - sx * sx, vy = dn * syy - sy * sy;
    if (vx <= 0 || vy <= 0)
        return NAN;
    double r = (dn * sxy - sx * sy) / sqrt(vx * vy);
    return r > 1.0 ? 1.0 : r < -1.0 ? -1.0 : r;
}

int gb_spearman(const double *a, const double *b, size_t n, int absolute, double *rho, gb_error *err)
{
    *rho = NAN;
    double *buf = gb_malloc(n ? 4 * n : 1, sizeof *buf, err);
    keyed *tmp = buf ? gb_malloc(n ? n : 1, sizeof *tmp, err) : NULL;
    if (!tmp) {
        free(buf);
        return -1;
    }
    double *x = buf, *y = buf + n, *rx = buf + 2 * n, *ry = buf + 3 * n;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(a[i]) || isnan(b[i]))
            continue;
        x[m] = absolute ? fabs(a[i]) : a[i];
        y[m] = absolute ? fabs(b[i]) : b[i];
        m++;
    }
    if (m >= 2) {
        rank2(x, m, tmp, rx);
        rank2(y, m, tmp, ry);
        *rho = rank_correlation(rx, ry, m);
    }
    free(tmp);
    free(buf);
    return 0;
}

typedef struct ranked {
    double mag; /* |value|, or -1 for NaN so it sorts last */
    size_t index;
} ranked;

static int by_magnitude(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->mag != b->mag)
        return a->mag > b->mag ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* Sets in[i] = 1 for the k features of largest |v|. */
static void mark_top(const double *v, size_t n, size_t k, ranked *r, unsigned char *in)
{
    for (size_t i = 0; i < n; i++) {
        r[i].mag = isnan(v[i]) ? -1.0 : fabs(v[i]);
        r[i].index = i;
    }
    qsort(r, n, sizeof *r, by_magnitude);
    for (size_t i = 0; i < k; i++)
        in[r[i].index] = 1;
}

int gb_topk_overlap(const double *a, const double *b, size_t n, size_t k, size_t *common, gb_error *err)
{
    *common = 0;
    if (k > n)
        k = n;
    if (k == 0)
        return 0;
    ranked *r = gb_malloc(n, sizeof *r, err);
    unsigned char *in = r ? gb_calloc(n, 2, err) : NULL;
    if (!in) {
        free(r);
        return -1;
    }
    mark_top(a, n, k, r, in);
    mark_top(b, n, k, r, in + n);
    for (size_t i = 0; i < n; i++)
        *common += in[i] && in[n + i];
    free(in);
    free(r);
    return 0;
}

int gb_agreement_compute(const double *a, const double *b, size_t n, size_t k, gb_agreement *out, gb_error *err)
{
    out->n_used = 0;
    for (size_t i = 0; i < n; i++)
        out->n_used += !isnan(a[i]) && !isnan(b[i]);
    out->k = k > n ? n : k;
    if (gb_spearman(a, b, n, 0, &out->spearman, err) != 0 ||
        gb_spearman(a, b, n, 1, &out->spearman_abs, err) != 0 ||
        gb_topk_overlap(a, b, n, out->k, &out->topk_common, err) != 0)
        return -1;
    out->topk_fraction = out->k ? (double)out->topk_common / (double)out->k : 1.0;
    return 0;
}
