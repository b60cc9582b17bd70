/* kernelshap.c: KernelSHAP (see kernelshap.h for the method).
 *
 * The normal equations are kept in two parts: A_enum and b_enum sum the
 * enumerated coalitions with their exact kernel weights, A_samp and b_samp
 * sum the sampled pairs with equal weights, so that at any point
 *     A = A_enum + rho / n * A_samp,   b = A_enum's twin likewise,
 * where b holds sum w z (v(z) - v(empty)) per output group.  A is inverted
 * by Cholesky (it is positive definite once every player has been seen,
 * which the enumeration of sizes 1 and P-1 guarantees for any budget of at
 * least 2P); should it not be, a pseudo-inverse from the singular value
 * decomposition takes over.  Sampled pairs are stored (their players as a
 * bit set and both values), because the standard errors need every pair's
 * residuals at the current solution. */
#include "kernelshap.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>

#include "mem_limits.h"
#include "explain_trace.h"

enum { BATCH_PAIRS = 64, FIRST_CHECK = 16 };

typedef struct ks {
    gb_game *g;
    int P, G;
    size_t nf, pw;       /* model features; words per player set */
    double *T;           /* [G] v(all) - v(empty) */
    double *K;           /* [P + 1] kernel mass of each size */
    int s_sample;        /* smallest size left to sampling (> P/2: none) */
    double rho;          /* kernel mass left to sampling */
    double *cdf;         /* sampling sizes s_sample .. P/2 */
    int n_sizes;
    double *A_enum, *b_enum, *A_samp, *b_samp;
    size_t enumerated;   /* coalitions enumerated */
    size_t cap, n;       /* sampled pairs: the budget's, count so far */
    size_t room;         /* pairs z and y have room for (grown on demand) */
    uint64_t *z;         /* cap x pw */
    double *y;           /* cap x 2G: v(z) - v0, v(complement) - v0 */
    uint64_t *masks;     /* 2 * BATCH_PAIRS feature masks */
    uint64_t *zb;        /* 2 * BATCH_PAIRS player sets (enumeration) */
    double *wb;          /* 2 * BATCH_PAIRS weights (enumeration) */
    double *vals;        /* 2 * BATCH_PAIRS x G */
    int *perm;           /* [P] */
    int *idx;            /* [P] combination / member list */
    gsl_matrix *A, *Ainv, *V;
    gsl_vector *S, *work;
    double *u;           /* A^-1 1 */
    double *phi;         /* P x G */
    double *cz;          /* P */
    double *mean, *m2;   /* P x G, Welford */
    gb_estimate_fn cb;   /* progress while enumerating */
    void *cb_ctx;
    size_t budget, next_report;
    gb_trace *trace;     /* may be NULL */
} ks;

size_t gb_kernelshap_default_samples(int players)
{
    return 2 * (size_t)players + 2048;
}

static double choose(int n, int k)
{
    double c = 1.0;
    for (int j = 1; j <= k; j++)
        c = c * (double)(n - k + j) / (double)j;
    return c;
}

static inline int zhas(const uint64_t *z, int p)
{
    return (int)((z[p >> 6] >> (p & 63)) & 1u);
}

static void ks_free(ks *k)
{
    free(k->T);
    free(k->K);
    free(k->cdf);
    free(k->A_enum);
    free(k->z);
    free(k->y);
    free(k->masks);
    free(k->zb);
    free(k->wb);
    free(k->vals);
    free(k->perm);
    free(k->idx);
    free(k->u);
    free(k->phi);
    free(k->cz);
    free(k->mean);
    gsl_matrix_free(k->A);
    gsl_matrix_free(k->Ainv);
    gsl_matrix_free(k->V);
    gsl_vector_free(k->S);
    gsl_vector_free(k->work);
}

static void mask_of(const ks *k, const uint64_t *z, int complement, uint64_t *mask)
{
    gb_game_mask_clear(k->g, mask);
    for (int p = 0; p < k->P; p++)
        if (zhas(z, p) != complement)
            gb_game_mask_add(k->g, mask, p);
}

/* A += w z z', b += w z y for one coalition. */
static void accumulate(const ks *k, double *A, double *b, const uint64_t *z, double w, const double *y)
{
    int *members = k->idx, m = 0;
    for (int p = 0; p < k->P; p++)
        if (zhas(z, p))
            members[m++] = p;
    for (int i = 0; i < m; i++) {
        double *row = A + (size_t)members[i] * (size_t)k->P;
        for (int j = 0; j < m; j++)
            row[members[j]] += w;
        for (int gr = 0; gr < k->G; gr++)
            b[(size_t)members[i] * (size_t)k->G + (size_t)gr] += w * y[gr];
    }
}

/* Evaluates the n coalitions in k->zb (with weights k->wb) into A_enum. */
static int flush_enum(ks *k, size_t n, const atomic_int *cancel)
{
    for (size_t i = 0; i < n; i++)
        mask_of(k, k->zb + i * k->pw, 0, k->masks + i * k->g->words);
    if (gb_game_eval(k->g, k->masks, n, k->vals, cancel))
        return 1;
    double *y = k->vals;
    for (size_t i = 0; i < n; i++) {
        for (int gr = 0; gr < k->G; gr++)
            y[i * (size_t)k->G + (size_t)gr] -= k->g->v_empty[gr];
        accumulate(k, k->A_enum, k->b_enum, k->zb + i * k->pw, k->wb[i], y + i * (size_t)k->G);
        gb_trace_coalition(k->trace, k->zb + i * k->pw, k->wb[i], 0, y + i * (size_t)k->G);
    }
    k->enumerated += n;
    if (k->cb && k->enumerated >= k->next_report) {
        /* No estimate exists half-way through a size: report progress. */
        gb_estimate e = {.samples = k->enumerated, .budget = k->budget};
        k->cb(k->cb_ctx, &e);
        k->next_report = k->enumerated + (k->enumerated / 4 > 1024 ? k->enumerated / 4 : 1024);
    }
    return 0;
}

static int push_enum(ks *k, size_t *nb, const int *members, int s, int with_complement, double w,
                     const atomic_int *cancel)
{
    for (int c = 0; c <= with_complement; c++) {
        uint64_t *z = k->zb + *nb * k->pw;
        memset(z, 0, k->pw * sizeof *z);
        if (c) {
            for (int p = 0; p < k->P; p++)
                z[p >> 6] |= UINT64_C(1) << (p & 63);
            for (int i = 0; i < s; i++)
                z[members[i] >> 6] &= ~(UINT64_C(1) << (members[i] & 63));
        } else {
            for (int i = 0; i < s; i++)
                z[members[i] >> 6] |= UINT64_C(1) << (members[i] & 63);
        }
        k->wb[(*nb)++] = w;
        if (*nb == 2 * BATCH_PAIRS) {
            if (flush_enum(k, *nb, cancel))
                return 1;
            *nb = 0;
        }
    }
    return 0;
}

/* Enumerates every coalition of size s (and its complement when the
 * complement's size differs). */
static int enumerate_size(ks *k, int s, const atomic_int *cancel)
{
    int P = k->P, with_c = s != P - s;
    int *c = k->perm; /* the combination c[0] < ... < c[s-1] */
    double w = k->K[s] / choose(P, s);
    size_t nb = 0;
    for (int i = 0; i < s; i++)
        c[i] = i;
    for (;;) {
        if (push_enum(k, &nb, c, s, with_c, w, cancel))
            return 1;
        int i = s - 1;
        while (i >= 0 && c[i] == P - s + i)
            i--;
        if (i < 0)
            break;
        c[i]++;
        for (int j = i + 1; j < s; j++)
            c[j] = c[j - 1] + 1;
    }
    if (nb && flush_enum(k, nb, cancel))
        return 1;
    return 0;
}

/* Decides which sizes to enumerate within the budget and enumerates them;
 * sets up the size distribution of the rest. */
static int plan_and_enumerate(ks *k, size_t budget, int no_enum, const atomic_int *cancel)
{
    int P = k->P, half = P / 2;
    size_t left = budget;
    k->s_sample = 1;
    for (int s = 1; s <= half && !no_enum; s++) {
        double n_s = choose(P, s) * (s != P - s ? 2.0 : 1.0);
        /* Keep at least two pairs for sampling (the standard errors need
         * them) unless this size finishes the enumeration. */
        if (!(n_s <= (double)left && (s == half || n_s + 4 <= (double)left)))
            break;
        if (enumerate_size(k, s, cancel))
            return 1;
        left -= (size_t)n_s;
        k->s_sample = s + 1;
    }
    k->rho = 0.0;
    k->n_sizes = 0;
    for (int s = k->s_sample; s <= half; s++) {
        double mass = k->K[s] + (s != P - s ? k->K[P - s] : 0.0);
        k->rho += mass;
        k->cdf[k->n_sizes++] = k->rho;
    }
    k->cap = k->n_sizes ? left / 2 : 0;
    return 0;
}

static int draw_size(const ks *k, gsl_rng *rng)
{
    double u = gsl_rng_uniform(rng) * k->rho;
    int i = 0;
    while (i + 1 < k->n_sizes && k->cdf[i] <= u)
        i++;
    return k->s_sample + i;
}

/* Makes room for `more` pairs; the budget can be far more than a row ends
 * up using (--tolerance), so storage grows as pairs come. */
static int grow(ks *k, size_t more, gb_error *err)
{
    if (k->n + more <= k->room)
        return 0;
    size_t room = k->room * 2 > k->n + more ? k->room * 2 : k->n + more;
    uint64_t *z = gb_realloc(k->z, room, k->pw * sizeof *z, err);
    if (!z)
        return -1;
    k->z = z;
    double *y = gb_realloc(k->y, room, 2 * (size_t)k->G * sizeof *y, err);
    if (!y)
        return -1;
    k->y = y;
    k->room = room;
    return 0;
}

/* Draws, evaluates and stores `count` pairs. */
static int sample_pairs(ks *k, size_t count, gsl_rng *rng, const atomic_int *cancel, gb_error *err)
{
    size_t words = k->g->words;
    if (grow(k, count, err))
        return -1;
    for (size_t i = 0; i < count; i++) {
        int s = draw_size(k, rng);
        /* Partial Fisher-Yates: perm[0..s-1] becomes a uniform subset. */
        for (int j = 0; j < s; j++) {
            int r = j + (int)gsl_rng_uniform_int(rng, (unsigned long)(k->P - j));
            int t = k->perm[j];
            k->perm[j] = k->perm[r];
            k->perm[r] = t;
        }
        uint64_t *z = k->z + (k->n + i) * k->pw;
        memset(z, 0, k->pw * sizeof *z);
        for (int j = 0; j < s; j++)
            z[k->perm[j] >> 6] |= UINT64_C(1) << (k->perm[j] & 63);
        mask_of(k, z, 0, k->masks + 2 * i * words);
        mask_of(k, z, 1, k->masks + (2 * i + 1) * words);
    }
    if (gb_game_eval(k->g, k->masks, 2 * count, k->vals, cancel))
        return 1;
    for (size_t i = 0; i < count; i++) {
        const uint64_t *z = k->z + (k->n + i) * k->pw;
        double *y = k->y + (k->n + i) * 2 * (size_t)k->G;
        for (int h = 0; h < 2; h++)
            for (int gr = 0; gr < k->G; gr++)
                y[h * k->G + gr] = k->vals[(2 * i + (size_t)h) * (size_t)k->G + (size_t)gr] - k->g->v_empty[gr];
        uint64_t *zc = k->zb;
        for (size_t w = 0; w < k->pw; w++)
            zc[w] = ~z[w];
        accumulate(k, k->A_samp, k->b_samp, z, 0.5, y);
        accumulate(k, k->A_samp, k->b_samp, zc, 0.5, y + k->G);
        gb_trace_coalition(k->trace, z, 0.5, 1, y);
        gb_trace_coalition(k->trace, zc, 0.5, 1, y + k->G);
    }
    k->n += count;
    return 0;
}

/* Ainv = A^-1 (Cholesky), or the pseudo-inverse when A is not positive
 * definite to working precision. */
static void invert(ks *k)
{
    size_t P = (size_t)k->P;
    gsl_matrix_memcpy(k->Ainv, k->A);
    if (gsl_linalg_cholesky_decomp1(k->Ainv) == GSL_SUCCESS && gsl_linalg_cholesky_invert(k->Ainv) == GSL_SUCCESS)
        return;
    gsl_matrix_memcpy(k->Ainv, k->A);
    gsl_linalg_SV_decomp(k->Ainv, k->V, k->S, k->work); /* Ainv now holds U */
    double top = gsl_vector_get(k->S, 0);
    gsl_matrix *U = k->Ainv;
    /* Ainv = V diag(1/s) U', built in A's storage, then copied. */
    for (size_t i = 0; i < P; i++)
        for (size_t j = 0; j < P; j++) {
            double s = 0.0;
            for (size_t t = 0; t < P; t++) {
                double sv = gsl_vector_get(k->S, t);
                if (sv > top * 1e-12)
                    s += gsl_matrix_get(k->V, i, t) * gsl_matrix_get(U, j, t) / sv;
            }
            gsl_matrix_set(k->A, i, j, s);
        }
    gsl_matrix_memcpy(k->Ainv, k->A);
}

static void standard_errors(ks *k, double ones, double *se_p);

/* Solves for phi with the pairs sampled so far, and the standard errors. */
static void solve(ks *k, double *se_p)
{
    int P = k->P, G = k->G;
    double scale = k->n ? k->rho / (double)k->n : 0.0;
    for (int i = 0; i < P; i++)
        for (int j = 0; j < P; j++) {
            size_t ij = (size_t)i * (size_t)P + (size_t)j;
            gsl_matrix_set(k->A, (size_t)i, (size_t)j, k->A_enum[ij] + scale * k->A_samp[ij]);
        }
    invert(k);
    double ones = 0.0;
    for (int i = 0; i < P; i++) {
        double s = 0.0;
        for (int j = 0; j < P; j++)
            s += gsl_matrix_get(k->Ainv, (size_t)i, (size_t)j);
        k->u[i] = s;
        ones += s;
    }
    for (int gr = 0; gr < G; gr++) {
        double sum = 0.0;
        for (int i = 0; i < P; i++) {
            double a = 0.0;
            for (int j = 0; j < P; j++) {
                size_t jg = (size_t)j * (size_t)G + (size_t)gr;
                a += gsl_matrix_get(k->Ainv, (size_t)i, (size_t)j) * (k->b_enum[jg] + scale * k->b_samp[jg]);
            }
            k->phi[(size_t)i * (size_t)G + (size_t)gr] = a;
            sum += a;
        }
        double lambda = ones != 0.0 ? (sum - k->T[gr]) / ones : 0.0;
        for (int i = 0; i < P; i++)
            k->phi[(size_t)i * (size_t)G + (size_t)gr] -= k->u[i] * lambda;
    }
    standard_errors(k, ones, se_p);
}

/* The delta-method standard errors at the current solution (see
 * kernelshap.h), into se_p (P x G). */
static void standard_errors(ks *k, double ones, double *se_p)
{
    int P = k->P, G = k->G;
    memset(se_p, 0, (size_t)P * (size_t)G * sizeof *se_p);
    if (k->n < 2 || !(k->rho > 0.0))
        return;
    /* C = Ainv - u u' / ones, symmetric, kept in k->A. */
    double *C = k->A->data;
    size_t tda = k->A->tda;
    for (int i = 0; i < P; i++)
        for (int j = 0; j < P; j++)
            C[(size_t)i * tda + (size_t)j] = gsl_matrix_get(k->Ainv, (size_t)i, (size_t)j) -
                                             (ones != 0.0 ? k->u[i] * k->u[j] / ones : 0.0);
    memset(k->mean, 0, (size_t)P * (size_t)G * sizeof *k->mean);
    memset(k->m2, 0, (size_t)P * (size_t)G * sizeof *k->m2);
    for (size_t t = 0; t < k->n; t++) {
        const uint64_t *z = k->z + t * k->pw;
        const double *y = k->y + t * 2 * (size_t)G;
        int m = 0;
        for (int p = 0; p < P; p++)
            m += zhas(z, p);
        /* C z from the smaller side (C 1 = 0, so C z = -C (1 - z)), as a
         * sum of C's rows (C is symmetric). */
        int side = m * 2 <= P;
        double sign = side ? 1.0 : -1.0;
        memset(k->cz, 0, (size_t)P * sizeof *k->cz);
        for (int p = 0; p < P; p++) {
            if (zhas(z, p) != side)
                continue;
            const double *row = C + (size_t)p * tda;
            for (int i = 0; i < P; i++)
                k->cz[i] += row[i];
        }
        for (int i = 0; i < P; i++)
            k->cz[i] *= sign;
        /* The pair's leverage in the fit, lev = (rho / n) z'Cz: residuals of
         * points that pulled the fit towards themselves understate the
         * noise, so each is scaled by 1 / (1 - lev) (MacKinnon and White's
         * HC3, close to the jackknife); without it the errors come out
         * about 10% small at a few hundred samples. */
        double lev = 0.0;
        for (int p = 0; p < P; p++)
            if (zhas(z, p))
                lev += k->cz[p];
        lev *= k->rho / (double)k->n;
        double inflate = 1.0 / (1.0 - (lev < 0.9 ? (lev > 0.0 ? lev : 0.0) : 0.9));
        for (int gr = 0; gr < G; gr++) {
            double zphi = 0.0;
            for (int p = 0; p < P; p++)
                if (zhas(z, p))
                    zphi += k->phi[(size_t)p * (size_t)G + (size_t)gr];
            double r_z = y[gr] - zphi, r_c = y[G + gr] - (k->T[gr] - zphi);
            double d = 0.5 * (r_z - r_c) * inflate;
            for (int i = 0; i < P; i++) {
                size_t ig = (size_t)i * (size_t)G + (size_t)gr;
                double h = d * k->cz[i], delta = h - k->mean[ig];
                k->mean[ig] += delta / (double)(t + 1);
                k->m2[ig] += delta * (h - k->mean[ig]);
            }
        }
    }
    for (size_t i = 0; i < (size_t)P * (size_t)G; i++)
        se_p[i] = k->rho * sqrt(k->m2[i] / ((double)(k->n - 1) * (double)k->n));
}

/* Writes the players' values into the caller's layout. */
static void scatter(const ks *k, const double *se_p, double *phi, double *se)
{
    size_t stride = k->nf + 1;
    memset(phi, 0, (size_t)k->G * stride * sizeof *phi);
    if (se)
        memset(se, 0, (size_t)k->G * stride * sizeof *se);
    for (int gr = 0; gr < k->G; gr++) {
        phi[(size_t)gr * stride + k->nf] = k->g->v_empty[gr];
        for (int p = 0; p < k->P; p++) {
            size_t at = (size_t)gr * stride + (size_t)k->g->players[p], pg = (size_t)p * (size_t)k->G + (size_t)gr;
            phi[at] = k->phi[pg];
            if (se)
                se[at] = se_p[pg];
        }
    }
}

static int converged(const ks *k, const double *se_p, double tol)
{
    for (int gr = 0; gr < k->G; gr++) {
        double lo = INFINITY, hi = -INFINITY, worst = 0.0;
        for (int p = 0; p < k->P; p++) {
            double v = k->phi[(size_t)p * (size_t)k->G + (size_t)gr], s = se_p[(size_t)p * (size_t)k->G + (size_t)gr];
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
            worst = s > worst ? s : worst;
        }
        if (!(worst <= tol * (hi - lo)))
            return 0;
    }
    return 1;
}

static int ks_alloc(ks *k, size_t budget, gb_error *err)
{
    size_t P = (size_t)k->P, G = (size_t)k->G, words = k->g->words;
    /* The stored pairs grow up to the budget: refuse now rather than
     * run out of memory half way through a row. */
    char count[32];
    gb_limit_format_count(budget, count, sizeof count);
    if (gb_limit_check(gb_limit_mul(budget, gb_limit_add(k->pw, 2 * G) * sizeof(double)), "pass fewer --samples",
                       err, "KernelSHAP with %s samples per row", count))
        return -1;
    k->room = 256;
    k->T = gb_malloc(G, sizeof *k->T, err);
    k->K = gb_calloc(P + 1, sizeof *k->K, err);
    k->cdf = gb_malloc(P + 1, sizeof *k->cdf, err);
    k->A_enum = gb_calloc(2 * P * (P + G), sizeof *k->A_enum, err);
    k->z = gb_malloc(k->room, k->pw * sizeof *k->z, err);
    k->y = gb_malloc(k->room, 2 * G * sizeof *k->y, err);
    k->masks = gb_malloc(2 * BATCH_PAIRS, words * sizeof *k->masks, err);
    k->zb = gb_malloc(2 * BATCH_PAIRS, k->pw * sizeof *k->zb, err);
    k->wb = gb_malloc(2 * BATCH_PAIRS, sizeof *k->wb, err);
    k->vals = gb_malloc(2 * BATCH_PAIRS, G * sizeof *k->vals, err);
    k->perm = gb_malloc(P, sizeof *k->perm, err);
    k->idx = gb_malloc(P, sizeof *k->idx, err);
    k->u = gb_malloc(P, sizeof *k->u, err);
    k->phi = gb_malloc(P, G * sizeof *k->phi, err);
    k->cz = gb_malloc(P, sizeof *k->cz, err);
    k->mean = gb_malloc(P, 2 * G * sizeof *k->mean, err);
    k->A = gsl_matrix_alloc(P, P);
    k->Ainv = gsl_matrix_alloc(P, P);
    k->V = gsl_matrix_alloc(P, P);
    k->S = gsl_vector_alloc(P);
    k->work = gsl_vector_alloc(P);
    if (!k->T || !k->K || !k->cdf || !k->A_enum || !k->z || !k->y || !k->masks || !k->zb || !k->wb || !k->vals ||
        !k->perm || !k->idx || !k->u || !k->phi || !k->cz || !k->mean || !k->A || !k->Ainv || !k->V || !k->S ||
        !k->work)
        return gb_error_set(err, "out of memory for KernelSHAP with %zu players and %zu samples", P, budget);
    k->b_enum = k->A_enum + P * P;
    k->A_samp = k->b_enum + P * G;
    k->b_samp = k->A_samp + P * P;
    k->m2 = k->mean + P * G;
    return 0;
}

/* Rows with at most one player need no sampling. */
static void trivial(const gb_game *g, size_t nf, double *phi, double *se)
{
    size_t stride = nf + 1;
    memset(phi, 0, (size_t)g->n_groups * stride * sizeof *phi);
    if (se)
        memset(se, 0, (size_t)g->n_groups * stride * sizeof *se);
    for (int gr = 0; gr < g->n_groups; gr++) {
        phi[(size_t)gr * stride + nf] = g->v_empty[gr];
        if (g->n_players == 1)
            phi[(size_t)gr * stride + (size_t)g->players[0]] = g->v_full[gr] - g->v_empty[gr];
    }
}

int gb_kernelshap_row(gb_game *g, const gb_sampling_config *cfg, gsl_rng *rng, double *phi, double *se,
                      size_t *used, gb_estimate_fn cb, void *cb_ctx, const atomic_int *cancel, gb_error *err)
{
    return gb_kernelshap_row_traced(g, cfg, rng, phi, se, used, cb, cb_ctx, cancel, err, NULL);
}

int gb_kernelshap_row_traced(gb_game *g, const gb_sampling_config *cfg, gsl_rng *rng, double *phi, double *se,
                             size_t *used, gb_estimate_fn cb, void *cb_ctx, const atomic_int *cancel,
                             gb_error *err, gb_trace *trace)
{
    size_t nf = (size_t)gb_coalition_model(g->c)->n_features;
    int P = g->n_players;
    if (used)
        *used = 0;
    if (P <= 1) {
        trivial(g, nf, phi, se);
        return 0;
    }
    size_t most = P < 62 ? ((size_t)1 << P) - 2 : SIZE_MAX;
    size_t budget = cfg->samples ? cfg->samples : gb_kernelshap_default_samples(P);
    size_t least = 2 * (size_t)P + 4 < most ? 2 * (size_t)P + 4 : most;
    if (budget < least && !cfg->no_enumeration)
        budget = least;
    if (budget > most)
        budget = most;
    if (budget < 4)
        budget = 4 < most ? 4 : most;
    ks k = {.g = g, .P = P, .G = g->n_groups, .nf = nf, .pw = ((size_t)P + 63) / 64, .cb = cb, .cb_ctx = cb_ctx,
            .budget = budget, .next_report = 1024, .trace = trace};
    int rc = -1;
    if (ks_alloc(&k, budget, err))
        goto done;
    for (int gr = 0; gr < k.G; gr++)
        k.T[gr] = g->v_full[gr] - g->v_empty[gr];
    for (int s = 1; s < P; s++)
        k.K[s] = (double)(P - 1) / ((double)s * (double)(P - s));
    for (int p = 0; p < P; p++)
        k.perm[p] = p;
    /* se_p: the players' standard errors; se_full stands in for a NULL se
     * when running estimates are reported. */
    double *se_p = gb_malloc((size_t)P, (size_t)k.G * sizeof *se_p, err);
    double *se_full = se ? se : gb_malloc((size_t)k.G, (nf + 1) * sizeof *se_full, err);
    if (!se_p || !se_full) {
        free(se_p);
        if (se_full != se)
            free(se_full);
        goto done;
    }
    if ((rc = plan_and_enumerate(&k, budget, cfg->no_enumeration, cancel)) != 0)
        goto done_se;
    /* Restore the identity permutation: enumeration used perm as scratch. */
    for (int p = 0; p < P; p++)
        k.perm[p] = p;
    size_t check = FIRST_CHECK;
    int want_checks = cfg->tolerance > 0.0 || cb;
    while (k.n < k.cap) {
        size_t target = want_checks && check < k.cap ? check : k.cap;
        while (k.n < target) {
            size_t count = target - k.n < BATCH_PAIRS ? target - k.n : BATCH_PAIRS;
            if ((rc = sample_pairs(&k, count, rng, cancel, err)) != 0)
                goto done_se;
        }
        if (k.n == k.cap)
            break;
        check = k.n + (k.n / 4 > FIRST_CHECK ? k.n / 4 : FIRST_CHECK);
        solve(&k, se_p);
        if (cb) {
            scatter(&k, se_p, phi, se_full);
            gb_estimate e = {.phi = phi, .se = se_full, .samples = k.enumerated + 2 * k.n, .budget = budget};
            cb(cb_ctx, &e);
        }
        if (cfg->tolerance > 0.0 && converged(&k, se_p, cfg->tolerance))
            break;
    }
    solve(&k, se_p);
    scatter(&k, se_p, phi, se);
    gb_trace_kernel_plan(trace, k.enumerated, k.s_sample - 1, k.rho, k.n);
    if (used)
        *used = k.enumerated + 2 * k.n;
    rc = 0;
done_se:
    free(se_p);
    if (se_full != se)
        free(se_full);
done:
    ks_free(&k);
    return rc;
}
