/* linearshap.c: exact SHAP values of a linear model (see linearshap.h).
 *
 * For margin[g] = base[g] + sum_f coef[g][f] * x[f] with independent
 * features, the interventional Shapley value of f is coef[g][f] * (x[f] -
 * E[x[f]]), and the expected value is the margin at the mean.  A missing
 * value adds nothing to the margin, exactly as if it were 0, so it is read as
 * 0 both in the row and in the mean; that keeps base + sum phi equal to the
 * margin to rounding. */
#include "linearshap.h"

static double present(double v)
{
    return isnan(v) ? 0.0 : v;
}

int gb_linearshap_mean(const gb_model *m, const double *x, size_t n, double *mean)
{
    size_t nf = (size_t)m->n_features;
    if (n == 0)
        return -1;
    for (size_t f = 0; f < nf; f++)
        mean[f] = 0.0;
    /* Row-major input, so one pass down the rows adds every column. */
    for (size_t r = 0; r < n; r++) {
        const double *row = x + r * nf;
        for (size_t f = 0; f < nf; f++)
            mean[f] += present(row[f]);
    }
    for (size_t f = 0; f < nf; f++)
        mean[f] /= (double)n;
    return 0;
}

void gb_linearshap_row(const gb_model *m, const double *mean, const double *x, double *phi)
{
    size_t nf = (size_t)m->n_features;
    for (int g = 0; g < m->n_groups; g++) {
        const double *w = m->coef + (size_t)g * nf;
        double *out = phi + (size_t)g * (nf + 1);
        double base = m->base[g];
        for (size_t f = 0; f < nf; f++) {
            out[f] = w[f] * (present(x[f]) - mean[f]);
            base += w[f] * mean[f];
        }
        out[nf] = base;
    }
}
