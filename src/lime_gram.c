/* lime_gram.c: the weighted, centred cross products of LIME's samples
 * (gb_lime_gram in lime_fit.h), from which every candidate fit of feature
 * selection and the final ridge are solved.
 *
 * With discretisation (lime's default) every interpretable value is 0 or 1
 * and a row has about one feature in four set (the instance's quartile), so
 * the sums are taken over the set features of each row, uncentred, and
 * centred afterwards: sum w (z_j - zb_j)(z_k - zb_k) = S_jk - zb_j n_k -
 * zb_k n_j + zb_j zb_k W, with S_jk the weight of the rows where both are
 * set and n_j of those where z_j is.  That costs (set features)^2 / 2 per
 * row instead of m^2 / 2.  Up to 64 features a row can come as one bit
 * word, which LIME builds while drawing and which spares it writing and
 * reading the rows as doubles.  Continuous values (no discretisation) take
 * the dense two-pass sums. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lime_fit.h"

/* ---- cross products ------------------------------------------------------ */

int gb_lime_gram_init(gb_lime_gram *g, int m, gb_error *err)
{
    memset(g, 0, sizeof *g);
    g->m = m;
    size_t mm = m > 0 ? (size_t)m : 1;
    g->zbar = gb_calloc(mm, sizeof *g->zbar, err);
    g->G = g->zbar ? gb_calloc(mm * mm, sizeof *g->G, err) : NULL;
    g->c = g->G ? gb_calloc(mm, sizeof *g->c, err) : NULL;
    if (!g->c) {
        gb_lime_gram_free(g);
        return -1;
    }
    return 0;
}

void gb_lime_gram_free(gb_lime_gram *g)
{
    free(g->zbar);
    free(g->G);
    free(g->c);
    g->zbar = g->G = g->c = NULL;
}

/* Dense rows: two passes, weighted means first, then centred sums.  A
 * column that is constant gets its value as the mean exactly, so it centres
 * to exact zeros (a weighted mean of equal numbers can be off by an ulp,
 * which would leave a column of 1e-16 noise for an unregularised fit to
 * blow up). */
static int gram_dense(gb_lime_gram *g, const double *z, const double *y, const double *w, size_t n,
                      const atomic_int *cancel)
{
    size_t m = (size_t)g->m;
    double wsum = 0.0, ysum = 0.0;
    g->n = n;
    memset(g->zbar, 0, m * sizeof *g->zbar);
    for (size_t i = 0; i < n; i++) {
        wsum += w[i];
        ysum += w[i] * y[i];
        for (size_t j = 0; j < m; j++)
            g->zbar[j] += w[i] * z[i * m + j];
    }
    g->wsum = wsum;
    g->ybar = wsum > 0.0 ? ysum / wsum : 0.0;
    for (size_t j = 0; j < m; j++) {
        int constant = 1;
        for (size_t i = 1; i < n && constant; i++)
            constant = z[i * m + j] == z[j];
        g->zbar[j] = constant && n ? z[j] : (wsum > 0.0 ? g->zbar[j] / wsum : 0.0);
    }
    memset(g->G, 0, m * m * sizeof *g->G);
    memset(g->c, 0, m * sizeof *g->c);
    g->syy = 0.0;
    double *d = malloc((m ? m : 1) * sizeof *d);
    if (!d)
        return -1;
    int all_y_equal = 1;
    for (size_t i = 1; i < n && all_y_equal; i++)
        all_y_equal = y[i] == y[0];
    for (size_t i = 0; i < n; i++) {
        if (cancel && i % 64 == 0 && atomic_load_explicit(cancel, memory_order_relaxed)) {
            free(d);
            return 1;
        }
        double wi = w[i], dy = all_y_equal ? 0.0 : y[i] - g->ybar;
        if (wi == 0.0)
            continue;
        for (size_t j = 0; j < m; j++)
            d[j] = z[i * m + j] - g->zbar[j];
        g->syy += wi * dy * dy;
        for (size_t j = 0; j < m; j++) {
            double wd = wi * d[j];
            g->c[j] += wd * dy;
            double *row = g->G + j * m;
            for (size_t k = j; k < m; k++)
                row[k] += wd * d[k];
        }
    }
    for (size_t j = 0; j < m; j++)
        for (size_t k = 0; k < j; k++)
            g->G[j * m + k] = g->G[k * m + j];
    free(d);
    return 0;
}

/* 1 when every value of z is 0 or 1. */
static int all_binary(const double *z, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (z[i] != 0.0 && z[i] != 1.0)
            return 0;
    return 1;
}

static int cancelled(const atomic_int *cancel)
{
    return cancel && atomic_load_explicit(cancel, memory_order_relaxed);
}

/* Binary rows, as doubles (0 or 1) or, for m <= 64, as bit words (feature j
 * in bit j). */
typedef struct rows_view {
    const double *z;
    const uint64_t *bits;
    size_t m;
} rows_view;

/* Row i's set features into set (increasing); returns their number. */
static inline size_t row_set(const rows_view *v, size_t i, size_t *set)
{
    size_t k = 0;
    if (v->bits) {
        for (uint64_t b = v->bits[i]; b; b &= b - 1)
            set[k++] = (size_t)__builtin_ctzll(b);
        return k;
    }
    for (size_t j = 0; j < v->m; j++) {
        set[k] = j;
        k += v->z[i * v->m + j] > 0.5;
    }
    return k;
}

static inline double row_value(const rows_view *v, size_t i, size_t j)
{
    return v->bits ? (double)((v->bits[i] >> j) & 1u) : v->z[i * v->m + j];
}

/* The co-occurrence weights S_jk = sum of w_i over rows with z_j = z_k = 1
 * (upper triangle into G), per row: (set features)^2 / 2 additions.
 * Returns 1 when cancelled (read every 256 rows). */
static int cooccur_rows(const rows_view *v, const double *w, size_t n, size_t *set, double *G,
                        const atomic_int *cancel)
{
    size_t m = v->m;
    for (size_t i = 0; i < n; i++) {
        if (i % 256 == 0 && cancelled(cancel))
            return 1;
        double wi = w[i];
        size_t k = row_set(v, i, set);
        for (size_t a = 0; a < k; a++) {
            double *row = G + set[a] * m;
            for (size_t b = a; b < k; b++)
                row[set[b]] += wi;
        }
    }
    return 0;
}

/* S_jk += w_g * |B_j & B_k| over each non-empty group g's words; returns 1
 * when cancelled (read per group and feature). */
static inline __attribute__((always_inline)) int cooccur_bits_body(const uint64_t *bits, size_t words,
                                                                   size_t m, const size_t *g_word,
                                                                   const double *g_w, size_t n_groups,
                                                                   double *G, const atomic_int *cancel)
{
    for (size_t g = 0; g < n_groups; g++) {
        if (g_word[g] == g_word[g + 1])
            continue;
        for (size_t j = 0; j < m; j++) {
            if (cancelled(cancel))
                return 1;
            const uint64_t *bj = bits + j * words;
            for (size_t k = j; k < m; k++) {
                const uint64_t *bk = bits + k * words;
                uint64_t count = 0;
                for (size_t q = g_word[g]; q < g_word[g + 1]; q++)
                    count += (uint64_t)__builtin_popcountll(bj[q] & bk[q]);
                G[j * m + k] += g_w[g] * (double)count;
            }
        }
    }
    return 0;
}

static int cooccur_bits(const uint64_t *bits, size_t words, size_t m, const size_t *g_word, const double *g_w,
                        size_t n_groups, double *G, const atomic_int *cancel)
{
    return cooccur_bits_body(bits, words, m, g_word, g_w, n_groups, G, cancel);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/* popcnt is not in the x86-64 baseline the build targets: the same loop
 * compiled with it, chosen at run time (no ifunc, which not every libc
 * has). */
__attribute__((target("popcnt"))) static int cooccur_bits_popcnt(const uint64_t *bits, size_t words, size_t m,
                                                                 const size_t *g_word, const double *g_w,
                                                                 size_t n_groups, double *G,
                                                                 const atomic_int *cancel)
{
    return cooccur_bits_body(bits, words, m, g_word, g_w, n_groups, G, cancel);
}
#define COOCCUR_BITS(...)                                                                                    \
    (__builtin_cpu_supports("popcnt") ? cooccur_bits_popcnt(__VA_ARGS__) : cooccur_bits(__VA_ARGS__))
#else
#define COOCCUR_BITS(...) cooccur_bits(__VA_ARGS__)
#endif

/* The same as cooccur_rows when every row with the same number of set
 * features has the same weight, as LIME's kernel gives (z0 is all ones, so
 * the distance counts the unset ones): rows are grouped by that number, each
 * group a run of words in per-feature bitsets, and S_jk = sum over groups of
 * w_g |B_j & B_k|, integer counts times one weight.  Returns 2 (nothing
 * done) when the weights are not constant per group, 1 when cancelled, -1
 * out of memory. */
static int cooccur_grouped(const rows_view *v, const size_t *kset, const double *w, size_t n, size_t *set,
                           double *G, const atomic_int *cancel)
{
    size_t m = v->m, ng = m + 1, *g_n = calloc(ng, sizeof *g_n);
    size_t *g_word = calloc(ng + 1, sizeof *g_word), *slot = malloc(ng * sizeof *slot);
    double *g_w = calloc(ng, sizeof *g_w);
    int rc = g_n && g_word && slot && g_w ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        size_t k = kset[i];
        if (g_n[k]++ == 0)
            g_w[k] = w[i];
        else if (w[i] != g_w[k])
            rc = 2;
    }
    uint64_t *bits = NULL;
    size_t words = 0;
    if (rc == 0) {
        for (size_t g = 0; g < ng; g++) {
            slot[g] = 64 * words;
            g_word[g] = words;
            words += (g_n[g] + 63) / 64;
        }
        g_word[ng] = words;
        bits = calloc(m * (words ? words : 1), sizeof *bits);
        rc = bits ? 0 : -1;
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        size_t p = slot[kset[i]]++, q = p / 64, k = row_set(v, i, set);
        for (size_t a = 0; a < k; a++)
            bits[set[a] * words + q] |= UINT64_C(1) << (p % 64);
    }
    if (rc == 0)
        rc = COOCCUR_BITS(bits, words, m, g_word, g_w, ng, G, cancel);
    free(bits);
    free(g_n);
    free(g_word);
    free(slot);
    free(g_w);
    return rc;
}

/* The two-pass sums of a view's rows: centring afterwards loses the digits
 * of a column whose weighted mean is within 1e-6 of 1 (a kernel so narrow
 * that the row itself outweighs the rest). */
static int dense_of_view(gb_lime_gram *g, const rows_view *v, const double *y, const double *w, size_t n,
                         const atomic_int *cancel)
{
    size_t m = v->m;
    double *z = (double *)v->z;
    if (!z && (z = malloc(n * (m ? m : 1) * sizeof *z)) != NULL)
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < m; j++)
                z[i * m + j] = row_value(v, i, j);
    int rc = z ? gram_dense(g, z, y, w, n, cancel) : -1;
    if (z != v->z)
        free(z);
    return rc;
}

/* What the first pass over binary rows gathered. */
typedef struct first_pass {
    size_t n;
    double wsum;
    const double *n1; /* [m] weight of the rows where z_j is set */
    double *t;        /* [m] scratch: sum of w dy over those rows */
    const size_t *ones, *kset;
    size_t *set;
} first_pass;

/* The centred sums from the uncentred ones (see the top of the file). */
static int centred_sums(gb_lime_gram *g, const rows_view *v, const double *y, const double *w,
                        const first_pass *p, const atomic_int *cancel)
{
    size_t m = v->m, n = p->n;
    double sdy = 0.0, *t = p->t;
    int rc = 0, all_y_equal = 1;
    for (size_t i = 1; i < n && all_y_equal; i++)
        all_y_equal = y[i] == y[0];
    memset(g->G, 0, m * m * sizeof *g->G);
    g->syy = 0.0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (i % 256 == 0 && cancelled(cancel))
            rc = 1;
        double wi = w[i], dy = all_y_equal ? 0.0 : y[i] - g->ybar, wdy = wi * dy;
        g->syy += wdy * dy;
        sdy += wdy;
        size_t k = row_set(v, i, p->set);
        for (size_t a = 0; a < k; a++)
            t[p->set[a]] += wdy;
    }
    if (rc == 0) {
        rc = cooccur_grouped(v, p->kset, w, n, p->set, g->G, cancel);
        if (rc == 2)
            rc = cooccur_rows(v, w, n, p->set, g->G, cancel);
    }
    for (size_t j = 0; rc == 0 && j < m; j++) {
        int constant_j = p->ones[j] == 0 || p->ones[j] == n;
        double zj = g->zbar[j];
        g->c[j] = constant_j ? 0.0 : t[j] - zj * sdy;
        for (size_t k = j; k < m; k++) {
            int constant = constant_j || p->ones[k] == 0 || p->ones[k] == n;
            double zk = g->zbar[k];
            double s = constant ? 0.0 : g->G[j * m + k] - zj * p->n1[k] - zk * p->n1[j] + zj * zk * p->wsum;
            g->G[j * m + k] = g->G[k * m + j] = s;
        }
    }
    return rc;
}

/* Binary rows (see the top of the file; "z > 0.5" is "z is 1" there, a
 * comparison the compiler turns into a flag rather than a branch, which at
 * random would mispredict).  The weighted means are the dense
 * path's sums term for term (adding w * 0 changes no sum), constant columns
 * get exact zeros as there. */
static int gram_binary(gb_lime_gram *g, const rows_view *v, const double *y, const double *w, size_t n,
                       const atomic_int *cancel)
{
    size_t m = v->m, mm = m ? m : 1;
    double *n1 = calloc(mm, sizeof *n1), *t = calloc(mm, sizeof *t);
    size_t *ones = calloc(mm, sizeof *ones), *set = malloc(mm * sizeof *set);
    size_t *kset = malloc((n ? n : 1) * sizeof *kset);
    int rc = n1 && t && ones && set && kset ? 0 : -1;
    double wsum = 0.0, ysum = 0.0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (i % 256 == 0 && cancelled(cancel))
            rc = 1;
        wsum += w[i];
        ysum += w[i] * y[i];
        /* Over the set features: w * 1 is what the dense path adds there,
         * and w * 0 adds nothing. */
        size_t k = kset[i] = row_set(v, i, set);
        for (size_t a = 0; a < k; a++) {
            n1[set[a]] += w[i];
            ones[set[a]]++;
        }
    }
    g->n = n;
    g->wsum = wsum;
    g->ybar = wsum > 0.0 ? ysum / wsum : 0.0;
    int narrow = 0;
    for (size_t j = 0; rc == 0 && j < m; j++) {
        int constant = ones[j] == 0 || ones[j] == n;
        g->zbar[j] = constant && n ? row_value(v, 0, j) : (wsum > 0.0 ? n1[j] / wsum : 0.0);
        narrow |= !constant && g->zbar[j] > 1.0 - 1e-6;
    }
    first_pass sums = {n, wsum, n1, t, ones, kset, set};
    if (rc == 0)
        rc = narrow ? dense_of_view(g, v, y, w, n, cancel) : centred_sums(g, v, y, w, &sums, cancel);
    free(n1);
    free(t);
    free(ones);
    free(set);
    free(kset);
    return rc;
}

int gb_lime_gram_compute(gb_lime_gram *g, const double *z, const double *y, const double *w, size_t n,
                         const atomic_int *cancel)
{
    rows_view v = {z, NULL, (size_t)g->m};
    if (all_binary(z, n * (size_t)g->m))
        return gram_binary(g, &v, y, w, n, cancel);
    return gram_dense(g, z, y, w, n, cancel);
}

int gb_lime_gram_compute_binary(gb_lime_gram *g, const double *z, const double *y, const double *w, size_t n,
                                const atomic_int *cancel)
{
    rows_view v = {z, NULL, (size_t)g->m};
    return gram_binary(g, &v, y, w, n, cancel);
}

int gb_lime_gram_compute_bits(gb_lime_gram *g, const uint64_t *bits, const double *y, const double *w,
                              size_t n, const atomic_int *cancel)
{
    if (g->m > 64)
        return -1;
    rows_view v = {NULL, bits, (size_t)g->m};
    return gram_binary(g, &v, y, w, n, cancel);
}
