/* lime_lasso.c: lime's "lasso_path" feature selection: the LARS algorithm
 * with the lasso modification (Efron, Hastie, Johnstone and Tibshirani 2004)
 * on the weighted, centred samples, as scikit-learn's lars_path(method=
 * "lasso") runs it, then the support of the last point of the path with at
 * most K non-zero coefficients.
 *
 * Everything LARS needs from the data is G = Z'WZ and c = Z'Wy (centred),
 * which gb_lime_gram already holds.  Each step moves the active
 * coefficients along the equiangular direction until an inactive feature's
 * correlation catches up (it joins) or, the lasso modification, an active
 * coefficient reaches zero (it leaves, and that point is a kink of the
 * path).  The Cholesky factor of G over the active set grows one row per
 * joining feature and is rebuilt after a feature leaves (rare).  A feature
 * whose column depends linearly on the active ones never joins, as
 * scikit-learn drops a "degenerate regressor".  Unlike scikit-learn the path
 * stops when the correlations fall below 1e-10 of their start, not at an
 * absolute 1.2e-7 per sample, so the selection does not depend on the scale
 * of the model's output. */
#include "lime_fit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct lars {
    const gb_lime_gram *g;
    int m;
    double *beta; /* [m] coefficients */
    double *cov;  /* [m] c - G beta */
    int *active;  /* [m] active features, in joining order */
    int n_active;
    unsigned char *state; /* [m] 0 inactive, 1 active, 2 excluded (degenerate) */
    double *sign;         /* [m] per active position */
    double *L;            /* [m x m] lower Cholesky factor of G over the active set */
    double *u, *a;        /* [m] direction per active position; G times it per feature */
    int *supp;            /* [(max_steps + 1) x m] support of each point of the path */
    int *supp_n;
    int n_points, max_points;
} lars;

/* Adds a row to the Cholesky factor for feature j; -1 when j's column
 * depends (to 1e-12) on the active ones. */
static int chol_add(lars *s, int j)
{
    int k = s->n_active, m = s->m;
    const double *G = s->g->G;
    double *row = s->L + (size_t)k * (size_t)m, dot = 0.0;
    for (int i = 0; i < k; i++) {
        double v = G[(size_t)j * (size_t)m + (size_t)s->active[i]];
        for (int p = 0; p < i; p++)
            v -= s->L[(size_t)i * (size_t)m + (size_t)p] * row[p];
        row[i] = v / s->L[(size_t)i * (size_t)m + (size_t)i];
        dot += row[i] * row[i];
    }
    double gjj = G[(size_t)j * (size_t)m + (size_t)j], piv = gjj - dot;
    if (!(gjj > 0.0) || !(piv > 1e-12 * gjj))
        return -1;
    row[k] = sqrt(piv);
    return 0;
}

/* u = (L L')^-1 sign over the active positions. */
static void chol_solve(const lars *s, double *u)
{
    int k = s->n_active, m = s->m;
    for (int i = 0; i < k; i++) {
        double v = s->sign[i];
        for (int p = 0; p < i; p++)
            v -= s->L[(size_t)i * (size_t)m + (size_t)p] * u[p];
        u[i] = v / s->L[(size_t)i * (size_t)m + (size_t)i];
    }
    for (int i = k - 1; i >= 0; i--) {
        double v = u[i];
        for (int p = i + 1; p < k; p++)
            v -= s->L[(size_t)p * (size_t)m + (size_t)i] * u[p];
        u[i] = v / s->L[(size_t)i * (size_t)m + (size_t)i];
    }
}

static void record(lars *s)
{
    int *row = s->supp + (size_t)s->n_points * (size_t)s->m, n = 0;
    for (int f = 0; f < s->m; f++)
        if (s->beta[f] != 0.0)
            row[n++] = f;
    s->supp_n[s->n_points++] = n;
}

static void update_cov(lars *s)
{
    size_t m = (size_t)s->m;
    for (size_t j = 0; j < m; j++) {
        double v = s->g->c[j];
        for (int i = 0; i < s->n_active; i++)
            v -= s->g->G[j * m + (size_t)s->active[i]] * s->beta[s->active[i]];
        s->cov[j] = v;
    }
}

/* Removes active position p and rebuilds the factor; -1 if it cannot. */
static int drop_active(lars *s, int p)
{
    s->beta[s->active[p]] = 0.0;
    s->state[s->active[p]] = 0;
    int n = s->n_active;
    for (int i = p; i + 1 < n; i++) {
        s->active[i] = s->active[i + 1];
        s->sign[i] = s->sign[i + 1];
    }
    s->n_active = 0;
    for (int i = 0; i < n - 1; i++) {
        if (chol_add(s, s->active[i]))
            return -1;
        s->n_active++;
    }
    return 0;
}

/* The step length: to the next joining feature, or to C / AA (the least
 * squares fit of the active set); *leave gets the active position whose
 * coefficient reaches 0 first, if that comes sooner (else -1). */
static double step_length(lars *s, double C, double AA, int *leave)
{
    double gamma = C / AA;
    for (int j = 0; j < s->m; j++) {
        if (s->state[j])
            continue;
        double d1 = AA - s->a[j], d2 = AA + s->a[j];
        if (d1 > 0.0) {
            double t = (C - s->cov[j]) / d1;
            if (t > 0.0 && t < gamma)
                gamma = t;
        }
        if (d2 > 0.0) {
            double t = (C + s->cov[j]) / d2;
            if (t > 0.0 && t < gamma)
                gamma = t;
        }
    }
    *leave = -1;
    for (int i = 0; i < s->n_active; i++) {
        if (s->u[i] == 0.0)
            continue;
        double t = -s->beta[s->active[i]] / s->u[i];
        if (t > 0.0 && t < gamma) {
            gamma = t;
            *leave = i;
        }
    }
    return gamma;
}

/* One step: picks the joining feature (unless a feature just left), moves
 * along the equiangular direction.  Returns 1 to go on, 0 at the end of the
 * path, -1 on a degenerate system. */
static int lars_step(lars *s, double C0, int *left)
{
    double C = 0.0;
    update_cov(s);
    if (!*left) {
        int j = -1;
        for (int f = 0; f < s->m; f++)
            if (!s->state[f] && (j < 0 || fabs(s->cov[f]) > fabs(s->cov[j])))
                j = f;
        if (j < 0 || !(fabs(s->cov[j]) > 1e-10 * C0))
            return 0;
        if (chol_add(s, j)) {
            s->state[j] = 2;
            return 1;
        }
        C = fabs(s->cov[j]);
        s->sign[s->n_active] = s->cov[j] > 0.0 ? 1.0 : -1.0;
        s->active[s->n_active++] = j;
        s->state[j] = 1;
    } else {
        for (int i = 0; i < s->n_active; i++)
            if (fabs(s->cov[s->active[i]]) > C)
                C = fabs(s->cov[s->active[i]]);
        if (!(C > 1e-10 * C0))
            return 0;
    }
    chol_solve(s, s->u);
    double q = 0.0;
    for (int i = 0; i < s->n_active; i++)
        q += s->u[i] * s->sign[i];
    if (!(q > 0.0))
        return -1;
    double AA = 1.0 / sqrt(q);
    for (int i = 0; i < s->n_active; i++)
        s->u[i] *= AA;
    size_t m = (size_t)s->m;
    for (size_t j = 0; j < m; j++) {
        double v = 0.0;
        for (int i = 0; i < s->n_active; i++)
            v += s->g->G[j * m + (size_t)s->active[i]] * s->u[i];
        s->a[j] = v;
    }
    int leave;
    double gamma = step_length(s, C, AA, &leave);
    for (int i = 0; i < s->n_active; i++)
        s->beta[s->active[i]] += gamma * s->u[i];
    *left = leave >= 0;
    if (leave >= 0 && drop_active(s, leave))
        return -1;
    record(s);
    int free_left = 0;
    for (int f = 0; f < s->m; f++)
        free_left += s->state[f] == 0;
    return free_left || *left ? 1 : 0;
}

static void lars_free(lars *s)
{
    free(s->beta);
    free(s->cov);
    free(s->active);
    free(s->state);
    free(s->sign);
    free(s->L);
    free(s->u);
    free(s->a);
    free(s->supp);
    free(s->supp_n);
}

static int lars_alloc(lars *s, const gb_lime_gram *g)
{
    size_t m = (size_t)g->m + 1;
    memset(s, 0, sizeof *s);
    s->g = g;
    s->m = g->m;
    s->max_points = 8 * g->m + 8; /* scikit-learn stops at 500 iterations; kinks are far fewer */
    s->beta = calloc(m, sizeof *s->beta);
    s->cov = calloc(m, sizeof *s->cov);
    s->active = calloc(m, sizeof *s->active);
    s->state = calloc(m, 1);
    s->sign = calloc(m, sizeof *s->sign);
    s->L = calloc(m * m, sizeof *s->L);
    s->u = calloc(m, sizeof *s->u);
    s->a = calloc(m, sizeof *s->a);
    s->supp = calloc((size_t)(s->max_points + 1) * m, sizeof *s->supp);
    s->supp_n = calloc((size_t)s->max_points + 1, sizeof *s->supp_n);
    if (!s->beta || !s->cov || !s->active || !s->state || !s->sign || !s->L || !s->u || !s->a || !s->supp ||
        !s->supp_n) {
        lars_free(s);
        return -1;
    }
    return 0;
}

int gb_lime_lasso_path(const gb_lime_gram *g, int k, int *sel, int *n_sel)
{
    lars s;
    if (lars_alloc(&s, g))
        return -1;
    double C0 = 0.0;
    for (int f = 0; f < g->m; f++)
        if (fabs(g->c[f]) > C0)
            C0 = fabs(g->c[f]);
    record(&s); /* the path starts at 0 */
    int left = 0, rc = C0 > 0.0 && isfinite(C0) ? 1 : 0;
    while (rc == 1 && s.n_points < s.max_points)
        rc = lars_step(&s, C0, &left);
    /* lime walks the path back from its end to the first point with at
     * most k features; a path that never left 0 selects every feature. */
    if (s.n_points == 1) {
        for (int f = 0; f < g->m; f++)
            sel[f] = f;
        *n_sel = g->m;
    } else {
        int p = s.n_points - 1;
        while (p > 1 && s.supp_n[p] > k)
            p--;
        *n_sel = s.supp_n[p];
        memcpy(sel, s.supp + (size_t)p * (size_t)s.m, (size_t)*n_sel * sizeof *sel);
    }
    lars_free(&s);
    return 0;
}
