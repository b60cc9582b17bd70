/* canvas_ticks.c: round tick values and their labels (see canvas_plot.h).
 *
 * The step is the smallest of 1, 2 or 5 times a power of ten that keeps the
 * ticks within the budget, so the densest readable set wins; tick values are
 * computed as k * step from integers k, which keeps 0 exactly 0 and lets the
 * label's fixed decimals hide the last-bit noise of 0.1 * 3. */
#include "canvas_plot.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* m * 10^e, rounded once (10^-e is exact up to e = 22, so dividing by it
 * rounds correctly where multiplying by 10^e would not). */
static double round_step(int m, int e)
{
    return e >= 0 ? m * pow(10.0, e) : m / pow(10.0, -e);
}

/* "2.50e-06" -> "2.5e-6": drop the exponent's '+' and leading zeros. */
static void tidy_exponent(char *s)
{
    char *e = strchr(s, 'e');
    if (!e)
        return;
    char *src = e + 1, *dst = e + 1;
    if (*src == '+')
        src++;
    else if (*src == '-')
        *dst++ = *src++;
    while (*src == '0' && src[1])
        src++;
    memmove(dst, src, strlen(src) + 1);
}

void canvas_tick_label(double v, double step, double maxabs, char *buf, size_t size)
{
    /* k * step for k = 0 is exactly 0, but a value from elsewhere may be a
     * rounding away from it; either way print "0", never "-0". */
    if (fabs(v) < fabs(step) * 1e-9 || v == 0.0)
        v = 0.0;
    if (step >= 1e-4 && maxabs < 1e7) {
        int dec = step >= 1.0 ? 0 : (int)ceil(-log10(step) - 1e-9);
        snprintf(buf, size, "%.*f", dec, v);
        return;
    }
    if (v == 0.0) {
        snprintf(buf, size, "0");
        return;
    }
    double mag = fabs(v), big = mag > step ? mag : step;
    int sig = (int)floor(log10(big) + 1e-9) - (int)floor(log10(step) + 1e-9) + 1;
    if (sig < 1)
        sig = 1;
    snprintf(buf, size, "%.*e", sig - 1, v);
    tidy_exponent(buf);
}

int canvas_ticks_make(double lo, double hi, int max_ticks, canvas_ticks *t)
{
    t->n = 0;
    t->step = 0.0;
    double span = hi - lo;
    if (!(lo < hi) || !isfinite(span))
        return 0;
    if (max_ticks < 1)
        max_ticks = 1;
    if (max_ticks > CANVAS_MAX_TICKS)
        max_ticks = CANVAS_MAX_TICKS;
    static const int mult[3] = {1, 2, 5};
    int e0 = (int)floor(log10(span / max_ticks)) - 1;
    for (int e = e0; e <= e0 + 3; e++) {
        for (int i = 0; i < 3; i++) {
            double s = round_step(mult[i], e);
            /* A tick a rounding error outside the range still counts. */
            double k0 = ceil(lo / s - 1e-9), k1 = floor(hi / s + 1e-9);
            if (k1 - k0 + 1 > max_ticks)
                continue;
            t->step = s;
            double maxabs = fmax(fabs(k0 * s), fabs(k1 * s));
            for (double k = k0; k <= k1; k++) {
                double v = k * s;
                t->value[t->n] = v == 0.0 ? 0.0 : v;
                canvas_tick_label(v, s, maxabs, t->label[t->n], sizeof t->label[t->n]);
                t->n++;
            }
            return t->n;
        }
    }
    return 0;
}

void canvas_range(const double *v, size_t n, size_t stride, double *lo, double *hi)
{
    double a = INFINITY, b = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        double x = v[i * stride];
        if (!isfinite(x))
            continue;
        if (x < a)
            a = x;
        if (x > b)
            b = x;
    }
    if (a > b) {
        a = 0.0;
        b = 1.0;
    } else if (a == b) {
        double pad = fabs(a) * 0.05;
        if (pad < 0.5)
            pad = 0.5;
        a -= pad;
        b += pad;
    }
    *lo = a;
    *hi = b;
}
