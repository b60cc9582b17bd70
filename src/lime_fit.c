/* lime_fit.c: LIME's feature selection and weighted ridge fit (see
 * lime_fit.h), after lime_base.py and the scikit-learn estimators it calls:
 * Ridge(alpha) with sample weights (centre by the weighted means, solve the
 * normal equations), Ridge.score (weighted R^2) and lars_path(method=
 * "lasso") on the weighted, centred data.  Our own code, on GSL's linear
 * algebra. */
#include "lime_fit.h"

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- symmetric solves ---------------------------------------------------- */

/* Solves (A + alpha I) x = b for the k x k symmetric positive semi-definite
 * A.  Cholesky when the system is well conditioned; otherwise (a pivot below
 * 1e-13 of the largest diagonal, e.g. a constant column) the pseudo-inverse
 * from the eigenvalues above 1e-13 of the largest, which gives the
 * minimum-norm solution as scikit-learn's SVD fallback does.  The caller
 * turned GSL's abort-on-error handler off; failures come back as codes. */
static int solve_sym(const double *A, size_t k, double alpha, const double *b, double *x)
{
    if (k == 0)
        return 0;
    gsl_matrix *M = gsl_matrix_alloc(k, k);
    if (!M)
        return -1;
    double top = 0.0;
    for (size_t i = 0; i < k; i++) {
        for (size_t j = 0; j < k; j++)
            gsl_matrix_set(M, i, j, A[i * k + j] + (i == j ? alpha : 0.0));
        if (gsl_matrix_get(M, i, i) > top)
            top = gsl_matrix_get(M, i, i);
    }
    int good = top > 0.0 && gsl_linalg_cholesky_decomp1(M) == GSL_SUCCESS;
    for (size_t i = 0; good && i < k; i++) {
        double p = gsl_matrix_get(M, i, i);
        good = p * p > 1e-13 * top;
    }
    int rc = 0;
    if (good) {
        gsl_vector_const_view bv = gsl_vector_const_view_array(b, k);
        gsl_vector_view xv = gsl_vector_view_array(x, k);
        rc = gsl_linalg_cholesky_solve(M, &bv.vector, &xv.vector) == GSL_SUCCESS ? 0 : -1;
        gsl_matrix_free(M);
        return rc;
    }
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++)
            gsl_matrix_set(M, i, j, A[i * k + j] + (i == j ? alpha : 0.0));
    gsl_vector *eval = gsl_vector_alloc(k);
    gsl_matrix *evec = gsl_matrix_alloc(k, k);
    gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(k);
    if (!eval || !evec || !ws || gsl_eigen_symmv(M, eval, evec, ws) != GSL_SUCCESS) {
        rc = -1;
    } else {
        double big = 0.0;
        for (size_t i = 0; i < k; i++)
            if (gsl_vector_get(eval, i) > big)
                big = gsl_vector_get(eval, i);
        memset(x, 0, k * sizeof *x);
        for (size_t e = 0; e < k; e++) {
            double lambda = gsl_vector_get(eval, e);
            if (!(lambda > 1e-13 * big))
                continue;
            double proj = 0.0;
            for (size_t i = 0; i < k; i++)
                proj += gsl_matrix_get(evec, i, e) * b[i];
            for (size_t i = 0; i < k; i++)
                x[i] += gsl_matrix_get(evec, i, e) * proj / lambda;
        }
    }
    gsl_eigen_symmv_free(ws);
    gsl_matrix_free(evec);
    gsl_vector_free(eval);
    gsl_matrix_free(M);
    return rc;
}

/* Ridge on a subset: coef, and the weighted residual sum of squares from the
 * cross products, rss = syy - 2 b.c + b' G b (used to compare candidates;
 * the reported score is computed from the samples by gb_lime_score). */
static int subset_fit(const gb_lime_gram *g, const int *sel, int n_sel, double alpha, double *coef,
                      double *rss, double *work)
{
    size_t k = (size_t)n_sel, m = (size_t)g->m;
    double *A = work, *b = work + k * k;
    if (k == 0) {
        if (rss)
            *rss = g->syy;
        return 0;
    }
    for (size_t i = 0; i < k; i++) {
        b[i] = g->c[sel[i]];
        for (size_t j = 0; j < k; j++)
            A[i * k + j] = g->G[(size_t)sel[i] * m + (size_t)sel[j]];
    }
    if (solve_sym(A, k, alpha, b, coef))
        return -1;
    if (rss) {
        double bc = 0.0, bgb = 0.0;
        for (size_t i = 0; i < k; i++) {
            bc += coef[i] * b[i];
            double row = 0.0;
            for (size_t j = 0; j < k; j++)
                row += A[i * k + j] * coef[j];
            bgb += coef[i] * row;
        }
        *rss = g->syy - 2.0 * bc + bgb;
    }
    return 0;
}

int gb_lime_ridge(const gb_lime_gram *g, const int *sel, int n_sel, double alpha, double *coef,
                  double *intercept)
{
    size_t k = (size_t)n_sel;
    double *work = malloc((k * k + k + 1) * sizeof *work);
    if (!work)
        return -1;
    int rc = subset_fit(g, sel, n_sel, alpha, coef, NULL, work);
    free(work);
    if (rc)
        return -1;
    double b0 = g->ybar;
    for (size_t i = 0; i < k; i++)
        b0 -= g->zbar[sel[i]] * coef[i];
    *intercept = b0;
    return 0;
}

/* R^2 of the fit on rows given as doubles (z) or bit words; one loop, so
 * that both give the same sums term for term (a 0 times a weight is added
 * either way: a branch on the bit would mispredict half the time). */
static double score(const double *z, const uint64_t *bits, const double *y, const double *w, size_t n, int m,
                    const int *sel, int n_sel, const double *coef, double intercept)
{
    double wsum = 0.0, ysum = 0.0;
    for (size_t i = 0; i < n; i++) {
        wsum += w[i];
        ysum += w[i] * y[i];
    }
    double ybar = wsum > 0.0 ? ysum / wsum : 0.0, num = 0.0, den = 0.0;
    for (size_t i = 0; i < n; i++) {
        double pred = intercept;
        for (int j = 0; j < n_sel; j++)
            pred += coef[j] * (bits ? (double)((bits[i] >> sel[j]) & 1u) : z[i * (size_t)m + (size_t)sel[j]]);
        num += w[i] * (y[i] - pred) * (y[i] - pred);
        den += w[i] * (y[i] - ybar) * (y[i] - ybar);
    }
    if (den == 0.0)
        return num == 0.0 ? 1.0 : 0.0;
    return 1.0 - num / den;
}

double gb_lime_score(const double *z, const double *y, const double *w, size_t n, int m, const int *sel,
                     int n_sel, const double *coef, double intercept)
{
    return score(z, NULL, y, w, n, m, sel, n_sel, coef, intercept);
}

double gb_lime_score_bits(const uint64_t *bits, const double *y, const double *w, size_t n, const int *sel,
                          int n_sel, const double *coef, double intercept)
{
    return score(NULL, bits, y, w, n, 0, sel, n_sel, coef, intercept);
}

/* ---- feature selection --------------------------------------------------- */

static double r2_of(const gb_lime_gram *g, double rss)
{
    if (g->syy == 0.0)
        return rss == 0.0 ? 1.0 : 0.0;
    return 1.0 - rss / g->syy;
}

/* Greedy forward selection with unregularised fits: each round adds the
 * feature whose fit has the highest R^2 (the first one on ties). */
static int forward(const gb_lime_gram *g, int k, int *sel, int *n_sel)
{
    int m = g->m, n = 0;
    size_t cap = (size_t)m + 1;
    double *work = malloc((cap * cap + cap + cap) * sizeof *work);
    unsigned char *used = calloc((size_t)m + 1, 1);
    if (!work || !used) {
        free(work);
        free(used);
        return -1;
    }
    double *coef = work + cap * cap + cap;
    int rounds = k < m ? k : m;
    for (int r = 0; r < rounds; r++) {
        double best_score = -1e8;
        int best = 0;
        for (int f = 0; f < m; f++) {
            if (used[f])
                continue;
            double rss;
            sel[n] = f;
            if (subset_fit(g, sel, n + 1, 0.0, coef, &rss, work)) {
                free(work);
                free(used);
                return -1;
            }
            double score = r2_of(g, rss);
            if (score > best_score) {
                best_score = score;
                best = f;
            }
        }
        sel[n++] = best;
        used[best] = 1;
    }
    *n_sel = n;
    free(work);
    free(used);
    return 0;
}

typedef struct ranked {
    double key;
    int f;
} ranked;

static int by_key_desc(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? 1 : -1;
    return x->f - y->f; /* stable: lime's sorted() keeps the original order on ties */
}

/* The K largest |coef_f * z0_f| of a ridge (alpha 0.01) on all features. */
static int highest_weights(const gb_lime_gram *g, const double *z0, int k, int *sel, int *n_sel)
{
    int m = g->m;
    double *coef = malloc(((size_t)m + 1) * sizeof *coef);
    int *all = malloc(((size_t)m + 1) * sizeof *all);
    ranked *rk = malloc(((size_t)m + 1) * sizeof *rk);
    double b0;
    int rc = coef && all && rk ? 0 : -1;
    for (int f = 0; rc == 0 && f < m; f++)
        all[f] = f;
    if (rc == 0)
        rc = gb_lime_ridge(g, all, m, 0.01, coef, &b0);
    if (rc == 0) {
        for (int f = 0; f < m; f++)
            rk[f] = (ranked){fabs(coef[f] * z0[f]), f};
        qsort(rk, (size_t)m, sizeof *rk, by_key_desc);
        *n_sel = k < m ? k : m;
        for (int i = 0; i < *n_sel; i++)
            sel[i] = rk[i].f;
    }
    free(coef);
    free(all);
    free(rk);
    return rc;
}

int gb_lime_select_features(const gb_lime_gram *g, const double *z0, gb_lime_selection mode, int k, int *sel,
                            int *n_sel)
{
    if (mode == GB_LIME_AUTO)
        mode = k <= 6 ? GB_LIME_FORWARD : GB_LIME_HIGHEST_WEIGHTS;
    switch (mode) {
    case GB_LIME_FORWARD: return forward(g, k, sel, n_sel);
    case GB_LIME_HIGHEST_WEIGHTS: return highest_weights(g, z0, k, sel, n_sel);
    case GB_LIME_LASSO: return gb_lime_lasso_path(g, k, sel, n_sel);
    case GB_LIME_AUTO:
    case GB_LIME_NONE_SELECTION: break;
    }
    for (int f = 0; f < g->m; f++)
        sel[f] = f;
    *n_sel = g->m;
    return 0;
}
