/* dataset.c: owning, searching and summarising a gb_dataset (see dataset.h).
 *
 * The CSV reader lives in dataset_csv.c; this file holds what every user of
 * a dataset needs whatever its source: freeing it (every string and array is
 * a separate allocation, so a partly built dataset frees cleanly), finding a
 * column by name, and the per-column statistics the explorer shows. */
#include "dataset.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

void gb_dataset_free(gb_dataset *ds)
{
    if (!ds)
        return;
    for (size_t j = 0; ds->cols && j < ds->n_cols; j++) {
        gb_column *c = &ds->cols[j];
        free(c->name);
        free(c->values);
        for (size_t k = 0; c->levels && k < c->n_levels; k++)
            free(c->levels[k]);
        free(c->levels);
        free(c->first_text);
    }
    free(ds->cols);
    free(ds->row_line);
    free(ds->path);
    free(ds);
}

int gb_dataset_find(const gb_dataset *ds, const char *name)
{
    for (size_t j = 0; j < ds->n_cols; j++)
        if (strcmp(ds->cols[j].name, name) == 0)
            return (int)j;
    return -1;
}

static double median3(double a, double b, double c)
{
    if (a > b) {
        double t = a;
        a = b;
        b = t;
    }
    return c < a ? a : c > b ? b : c;
}

/* Rearranges v[0..n) so that v[k] is the value a sort would put there and
 * nothing before it is larger (Wirth's selection with a median-of-three
 * pivot): linear time on average, where sorting would be n log n. */
static void select_kth(double *v, ptrdiff_t n, ptrdiff_t k)
{
    ptrdiff_t lo = 0, hi = n - 1;
    while (lo < hi) {
        double pivot = median3(v[lo], v[k], v[hi]);
        ptrdiff_t i = lo, j = hi;
        do {
            while (v[i] < pivot)
                i++;
            while (pivot < v[j])
                j--;
            if (i <= j) {
                double t = v[i];
                v[i++] = v[j];
                v[j--] = t;
            }
        } while (i <= j);
        if (j < k)
            lo = i;
        if (k < i)
            hi = j;
    }
}

/* Median of the present values; NaN if there are none or no memory. */
static double median(const gb_column *col, size_t n_rows, size_t n_present)
{
    double *v = malloc(n_present * sizeof *v);
    if (!v)
        return NAN;
    size_t n = 0;
    for (size_t i = 0; i < n_rows; i++)
        if (!isnan(col->values[i]))
            v[n++] = col->values[i];
    size_t k = n / 2;
    select_kth(v, (ptrdiff_t)n, (ptrdiff_t)k);
    double m = v[k];
    if (n % 2 == 0) { /* the lower middle is the largest value left of k */
        double below = v[0];
        for (size_t i = 1; i < k; i++)
            below = v[i] > below ? v[i] : below;
        m = below + (m - below) / 2;
    }
    free(v);
    return m;
}

/* For a categorical column these are statistics of the codes: only the
 * count is meaningful there, but the explorer shows the same table for
 * every column, so the numbers are computed rather than left undefined. */
void gb_column_stats_compute(const gb_column *col, size_t n_rows, gb_column_stats *st)
{
    size_t n = 0;
    double sum = 0, lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n_rows; i++) {
        double x = col->values[i];
        if (isnan(x))
            continue;
        n++;
        sum += x;
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
    }
    st->n_present = n;
    if (n == 0) {
        st->min = st->max = st->mean = st->sd = st->median = NAN;
        return;
    }
    /* Two passes: the second corrects the mean by the mean residual and sums
     * squared deviations, which keeps precision when values are large and
     * close together, where the one-pass sum of squares cancels. */
    double mean = sum / (double)n, resid = 0, ss = 0;
    for (size_t i = 0; i < n_rows; i++)
        if (!isnan(col->values[i]))
            resid += col->values[i] - mean;
    mean += resid / (double)n;
    for (size_t i = 0; i < n_rows; i++)
        if (!isnan(col->values[i]))
            ss += (col->values[i] - mean) * (col->values[i] - mean);
    st->min = lo;
    st->max = hi;
    st->mean = mean;
    st->sd = n > 1 ? sqrt(ss / (double)(n - 1)) : NAN; /* like pandas: undefined for one value */
    st->median = median(col, n_rows, n);
}
