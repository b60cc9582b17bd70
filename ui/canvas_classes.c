/* canvas_classes.c: value classes for colouring points (see
 * canvas_classes.h). */
#include "canvas_classes.h"

#include <math.h>
#include <stdlib.h>

enum { QUANTILE_SAMPLE = 20000 };

static int by_value(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* Collects up to max distinct values; returns how many, or max + 1 when
 * there are more. */
static int distinct(const double *v, size_t n, size_t stride, int max, double *out)
{
    int k = 0;
    for (size_t i = 0; i < n; i++) {
        double x = v[i * stride];
        if (isnan(x))
            continue;
        int seen = 0;
        for (int j = 0; j < k && !seen; j++)
            seen = out[j] == x;
        if (seen)
            continue;
        if (k == max)
            return max + 1;
        out[k++] = x;
    }
    qsort(out, (size_t)k, sizeof *out, by_value);
    return k;
}

static int clamp_classes(int k)
{
    return k < 2 ? 2 : k > CANVAS_MAX_CLASSES ? CANVAS_MAX_CLASSES : k;
}

int canvas_classes_make(const double *v, size_t n, size_t stride, int max_values, int n_ranges,
                        canvas_classes *c)
{
    c->n = 0;
    c->discrete = 0;
    max_values = clamp_classes(max_values);
    int max_classes = clamp_classes(n_ranges);
    int k = distinct(v, n, stride, max_values, c->value);
    if (k <= max_values) {
        c->n = k;
        c->discrete = 1;
        return 0;
    }
    /* Quantiles of an evenly spaced subset of the numbers. */
    size_t step = n > QUANTILE_SAMPLE ? (n + QUANTILE_SAMPLE - 1) / QUANTILE_SAMPLE : 1;
    double *s = malloc((n / step + 1) * sizeof *s);
    if (!s)
        return -1;
    size_t m = 0;
    for (size_t i = 0; i < n; i += step)
        if (!isnan(v[i * stride]))
            s[m++] = v[i * stride];
    qsort(s, m, sizeof *s, by_value);
    int classes = 0;
    size_t pos = 0;
    for (int q = 1; q < max_classes && m > 0; q++) {
        size_t want = (size_t)((double)q / max_classes * (double)m);
        if (want > pos)
            pos = want;
        /* Heavy ties make quantiles coincide: move past the tied block to
         * the next larger value, so no class is empty. */
        double last = classes ? c->edge[classes - 1] : s[0];
        while (pos < m && s[pos] <= last)
            pos++;
        if (pos == m)
            break;
        c->edge[classes++] = s[pos];
    }
    free(s);
    c->n = m > 0 ? classes + 1 : 0;
    return 0;
}

int canvas_classes_of(const canvas_classes *c, double v)
{
    if (isnan(v) || c->n == 0)
        return -1;
    if (c->discrete) {
        for (int i = 0; i < c->n; i++)
            if (c->value[i] == v)
                return i;
        return -1;
    }
    int i = 0;
    while (i < c->n - 1 && v >= c->edge[i])
        i++;
    return i;
}
