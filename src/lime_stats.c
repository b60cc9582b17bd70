/* lime_stats.c: LIME's training statistics and the draws made from them
 * (see lime_stats.h), computed the way lime's discretize.py and
 * lime_tabular.py compute them so that bins agree with the library's:
 * numpy's "linear" percentile (virtual index (n-1) q, and numpy's two-sided
 * interpolation), np.unique on the edges, np.searchsorted for the bin of a
 * value, np.std (population) plus 1e-11 for a bin's sd, the bin bounds
 * [min, e0], [e0, e1], ..., [e_last, max], and scikit-learn's
 * StandardScaler for the mean and scale. */
#include "lime_stats.h"

#include "mem_limits.h"

#include <gsl/gsl_sort.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double quartiles[] = {25, 50, 75};
static const double deciles[] = {10, 20, 30, 40, 50, 60, 70, 80, 90};

/* numpy's percentile with the default linear method, on sorted v[0..n-1]. */
static double percentile(const double *v, size_t n, double p)
{
    double q = p / 100.0, vi = (double)(n - 1) * q;
    if (vi >= (double)(n - 1))
        return v[n - 1];
    double lo = floor(vi), t = vi - lo;
    double a = v[(size_t)lo], b = v[(size_t)lo + 1], diff = b - a;
    /* numpy's _lerp: from the nearer end, so the result is exact at t = 1. */
    return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

static void free_bins(gb_lime_bins *b)
{
    free(b->edges);
    free(b->mean);
    free(b->sd);
    free(b->lo);
    free(b->hi);
    free(b->count);
    free(b->draw);
    gb_alias_free(&b->pick);
    memset(b, 0, sizeof *b);
}

static int alloc_bins(gb_lime_bins *b, int n_edges, gb_error *err)
{
    size_t k = (size_t)n_edges + 2;
    b->n_edges = n_edges;
    b->edges = gb_calloc(n_edges ? (size_t)n_edges : 1, sizeof *b->edges, err);
    b->mean = gb_calloc(k, sizeof *b->mean, err);
    b->sd = gb_calloc(k, sizeof *b->sd, err);
    b->lo = gb_calloc(k, sizeof *b->lo, err);
    b->hi = gb_calloc(k, sizeof *b->hi, err);
    b->count = gb_calloc(k, sizeof *b->count, err);
    b->draw = gb_calloc(k, sizeof *b->draw, err);
    return b->edges && b->mean && b->sd && b->lo && b->hi && b->count && b->draw ? 0 : -1;
}

/* Number of edges below x: np.searchsorted(edges, x) (side "left"). */
static int bin_of(const gb_lime_bins *b, double x)
{
    if (isnan(x))
        return b->n_edges + 1;
    int lo = 0, hi = b->n_edges;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (b->edges[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* One discretisation of a numeric column: sorted holds its n_present
 * values in order, col all n values (NaN missing). */
static int make_bins(gb_lime_bins *b, const double *pct, int n_pct, const double *sorted, size_t n_present,
                     const double *col, size_t n, gb_error *err)
{
    double edges[16];
    int n_edges = 0;
    for (int i = 0; n_present && i < n_pct; i++) {
        double e = percentile(sorted, n_present, pct[i]);
        /* np.unique: the percentiles are non-decreasing, drop repeats. */
        if (n_edges == 0 || e != edges[n_edges - 1])
            edges[n_edges++] = e;
    }
    if (alloc_bins(b, n_edges, err))
        return -1;
    memcpy(b->edges, edges, (size_t)n_edges * sizeof *edges);
    int k = n_edges + 2;
    /* Means, then sds around them (two passes, as np.std). */
    for (size_t i = 0; i < n; i++) {
        int bin = bin_of(b, col[i]);
        b->count[bin] += 1.0;
        if (bin <= n_edges)
            b->mean[bin] += col[i];
    }
    for (int j = 0; j <= n_edges; j++)
        b->mean[j] = b->count[j] > 0 ? b->mean[j] / b->count[j] : 0.0;
    for (size_t i = 0; i < n; i++) {
        int bin = bin_of(b, col[i]);
        if (bin <= n_edges)
            b->sd[bin] += (col[i] - b->mean[bin]) * (col[i] - b->mean[bin]);
    }
    for (int j = 0; j <= n_edges; j++) {
        b->sd[j] = (b->count[j] > 0 ? sqrt(b->sd[j] / b->count[j]) : 0.0) + 1e-11;
        b->lo[j] = j == 0 ? (n_present ? sorted[0] : 0.0) : edges[j - 1];
        b->hi[j] = j == n_edges ? (n_present ? sorted[n_present - 1] : 0.0) : edges[j];
        gb_truncnorm_init(&b->draw[j], b->mean[j], b->sd[j], b->lo[j], b->hi[j]);
    }
    b->mean[k - 1] = b->lo[k - 1] = b->hi[k - 1] = NAN;
    return gb_alias_init(&b->pick, b->count, (size_t)k, err);
}

/* scikit-learn's StandardScaler: population sd, and scale 1 for a column it
 * deems constant (var <= n eps var + (n mean eps)^2). */
static void scaler(gb_lime_feature *ft, const double *sorted, size_t n)
{
    double sum = 0.0, ss = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += sorted[i];
    double mean = n ? sum / (double)n : 0.0;
    for (size_t i = 0; i < n; i++)
        ss += (sorted[i] - mean) * (sorted[i] - mean);
    double var = n ? ss / (double)n : 0.0, eps = 2.220446049250313e-16, nn = (double)n;
    ft->mean = mean;
    ft->scale = var <= nn * eps * var + (nn * mean * eps) * (nn * mean * eps) ? 1.0 : sqrt(var);
}

static int make_values(gb_lime_feature *ft, const double *sorted, size_t n_present, size_t n_missing,
                       gb_error *err)
{
    size_t k = 0;
    ft->values = gb_malloc(n_present + 1, sizeof *ft->values, err);
    ft->counts = ft->values ? gb_malloc(n_present + 1, sizeof *ft->counts, err) : NULL;
    if (!ft->counts)
        return -1;
    for (size_t i = 0; i < n_present; i++) {
        if (k && sorted[i] == ft->values[k - 1]) {
            ft->counts[k - 1] += 1.0;
        } else {
            ft->values[k] = sorted[i];
            ft->counts[k++] = 1.0;
        }
    }
    if (n_missing) {
        ft->values[k] = NAN;
        ft->counts[k++] = (double)n_missing;
    }
    ft->n_values = k;
    return gb_alias_init(&ft->pick_value, ft->counts, k, err);
}

static int make_feature(gb_lime_feature *ft, const double *col, size_t n, double *sorted, gb_error *err)
{
    size_t np = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(col[i]))
            sorted[np++] = col[i];
    gsl_sort(sorted, 1, np);
    ft->n_present = np;
    scaler(ft, sorted, np);
    if (ft->categorical)
        return make_values(ft, sorted, np, n - np, err);
    if (make_bins(&ft->bins[0], quartiles, 3, sorted, np, col, n, err))
        return -1;
    return make_bins(&ft->bins[1], deciles, 9, sorted, np, col, n, err);
}

/* The (bin, interval) tables of a numeric feature of a tree model whose
 * splits on it are all plain numeric ones. */
static int make_cells(const gb_model *m, int f, gb_lime_feature *ft, gb_error *err)
{
    gb_lime_cuts cuts;
    if (gb_lime_cuts_build(&cuts, m, f, err))
        return -1;
    int rc = 0;
    for (int d = 0; rc == 0 && cuts.usable && d < GB_LIME_N_BINNINGS; d++) {
        const gb_lime_bins *b = &ft->bins[d];
        rc = gb_lime_cells_build(&ft->cells[d], &cuts, b->n_edges + 1, b->count, b->draw,
                                 b->count[b->n_edges + 1], err);
    }
    gb_lime_cuts_free(&cuts);
    return rc;
}

void gb_lime_stats_free(gb_lime_stats *s)
{
    if (!s)
        return;
    for (int f = 0; s->feat && f < s->n_features; f++) {
        gb_lime_feature *ft = &s->feat[f];
        for (int d = 0; d < GB_LIME_N_BINNINGS; d++)
            free_bins(&ft->bins[d]);
        free(ft->values);
        free(ft->counts);
        gb_alias_free(&ft->pick_value);
        for (int d = 0; d < GB_LIME_N_BINNINGS; d++)
            gb_lime_cells_free(&ft->cells[d]);
    }
    free(s->feat);
    gb_forest_free(s->forest);
    free(s);
}

gb_lime_stats *gb_lime_stats_new(const gb_model *m, const double *const *cols,
                                 const unsigned char *categorical, size_t n, gb_error *err)
{
    if (n == 0) {
        gb_error_set(err, "LIME needs training rows to learn its sampling statistics from; there are none");
        return NULL;
    }
    /* The tables: per numeric feature sixteen truncated normals (quartile
     * and decile bins), and for a tree model a cell entry per bin and
     * threshold in each discretisation. */
    uint64_t nodes = 0, nf = (uint64_t)m->n_features;
    for (size_t t = 0; m->kind == GB_MODEL_TREES && t < m->n_trees; t++)
        nodes += (uint64_t)m->trees[t].n_nodes;
    uint64_t need = gb_limit_add(gb_limit_mul(nf, 16 * sizeof(gb_truncnorm)),
                                 gb_limit_mul(2 * 48, gb_limit_add(nodes, 16 * nf)));
    if (gb_limit_check(need, "explain fewer features with lime", err,
                       "LIME's sampling tables for %d features", m->n_features))
        return NULL;
    gb_lime_stats *s = gb_calloc(1, sizeof *s, err);
    if (!s)
        return NULL;
    s->m = m;
    s->n_features = m->n_features;
    s->n = n;
    gb_truncnorm_init(&s->normal, 0.0, 1.0, -38.5, 38.5);
    s->feat = gb_calloc((size_t)m->n_features, sizeof *s->feat, err);
    s->forest = s->feat ? gb_forest_new(m, err) : NULL;
    double *sorted = s->forest ? gb_malloc(n, sizeof *sorted, err) : NULL;
    int rc = sorted ? 0 : -1;
    for (int f = 0; rc == 0 && f < m->n_features; f++) {
        const unsigned char *cat = categorical ? categorical : m->feature_categorical;
        s->feat[f].categorical = cat ? cat[f] != 0 : 0;
        rc = make_feature(&s->feat[f], cols[f], n, sorted, err);
        if (rc == 0 && !s->feat[f].categorical)
            rc = make_cells(m, f, &s->feat[f], err);
    }
    free(sorted);
    if (rc) {
        gb_lime_stats_free(s);
        return NULL;
    }
    return s;
}

gb_lime_stats *gb_lime_stats_new_rows(const gb_model *m, const double *rows, const unsigned char *categorical,
                                      size_t n, gb_error *err)
{
    size_t nf = (size_t)m->n_features;
    double *buf = gb_malloc(n * nf + 1, sizeof *buf, err);
    const double **cols = buf ? gb_malloc(nf, sizeof *cols, err) : NULL;
    gb_lime_stats *s = NULL;
    if (cols) {
        for (size_t f = 0; f < nf; f++) {
            cols[f] = buf + f * n;
            for (size_t i = 0; i < n; i++)
                buf[f * n + i] = rows[i * nf + f];
        }
        s = gb_lime_stats_new(m, cols, categorical, n, err);
    }
    free(cols);
    free(buf);
    return s;
}

/* ---- lookups and draws -------------------------------------------------- */

static const gb_lime_bins *bins_for(const gb_lime_stats *s, gb_lime_discretize d, int f)
{
    if (d == GB_LIME_NONE || s->feat[f].categorical)
        return NULL;
    return &s->feat[f].bins[d == GB_LIME_DECILE ? 1 : 0];
}

int gb_lime_stats_bin(const gb_lime_stats *s, gb_lime_discretize d, int f, double x)
{
    const gb_lime_feature *ft = &s->feat[f];
    if (ft->categorical) {
        for (size_t k = 0; k < ft->n_values; k++)
            if (ft->values[k] == x || (isnan(x) && isnan(ft->values[k])))
                return (int)k;
        return -1;
    }
    const gb_lime_bins *b = bins_for(s, d, f);
    return b ? bin_of(b, x) : -1;
}

/* Feature f's value and code (see gb_lime_stats_draw); b: its bins under
 * the discretisation, NULL for none. */
static inline __attribute__((always_inline)) double draw_one(const gb_lime_feature *ft, const gb_lime_bins *b,
                                                             const gb_truncnorm *normal, gb_rng64 *g,
                                                             int *code, double *z)
{
    *z = 0.0;
    if (ft->categorical) {
        *code = (int)gb_alias_pick(&ft->pick_value, gb_rng64_next(g));
        return ft->values[*code];
    }
    if (!b) {
        *code = -1;
        if (ft->n_present == 0)
            return NAN;
        *z = gb_truncnorm_draw(normal, g);
        return ft->mean + ft->scale * *z;
    }
    *code = (int)gb_alias_pick(&b->pick, gb_rng64_next(g));
    if (*code == b->n_edges + 1)
        return NAN;
    return gb_truncnorm_draw(&b->draw[*code], g);
}

double gb_lime_stats_draw(const gb_lime_stats *s, gb_lime_discretize d, int f, gsl_rng *rng, int *code,
                          double *z)
{
    gb_rng64 g;
    gb_rng64_begin(&g, rng);
    double v = draw_one(&s->feat[f], bins_for(s, d, f), &s->normal, &g, code, z);
    gb_rng64_end(&g);
    return v;
}

void gb_lime_stats_draw_cols(const gb_lime_stats *s, gb_lime_discretize d, gsl_rng *rng, size_t n,
                             size_t stride, double *vals, int *codes, double *z, int *entry)
{
    size_t nf = (size_t)s->n_features;
    gb_rng64 g;
    gb_rng64_begin(&g, rng);
    /* One loop per kind of feature, without calls that take the state, so
     * that it stays in a register through the hot loops. */
    for (size_t f = 0; f < nf; f++) {
        const gb_lime_feature *ft = &s->feat[f];
        const gb_lime_bins *b = bins_for(s, d, (int)f);
        double *v = vals + f * stride;
        int *cd = codes + f * stride;
        const gb_lime_cells *cl = b ? &ft->cells[d == GB_LIME_DECILE] : NULL;
        if (entry)
            for (size_t i = 0; i < n; i++)
                entry[f * stride + i] = -1;
        if (cl && cl->n) {
            const gb_alias pick = cl->pick;
            const int *code = cl->code;
            const double *value = cl->value;
            for (size_t i = 0; i < n; i++) {
                size_t e = gb_alias_pick(&pick, gb_rng64_next(&g));
                cd[i] = code[e];
                v[i] = value[e];
                if (entry)
                    entry[f * stride + i] = (int)e;
            }
        } else if (ft->categorical) {
            const gb_alias pick = ft->pick_value;
            for (size_t i = 0; i < n; i++) {
                int code = (int)gb_alias_pick(&pick, gb_rng64_next(&g));
                cd[i] = code;
                v[i] = ft->values[code];
            }
        } else if (b) {
            /* Locals, so that the stores below (an int may alias the alias
             * table's entries) do not reload the table pointers. */
            const gb_alias pick = b->pick;
            const gb_truncnorm *draw = b->draw;
            int missing = b->n_edges + 1;
            for (size_t i = 0; i < n; i++) {
                int code = (int)gb_alias_pick(&pick, gb_rng64_next(&g));
                cd[i] = code;
                v[i] = code == missing ? NAN : gb_truncnorm_draw(&draw[code], &g);
            }
        } else {
            for (size_t i = 0; i < n; i++)
                v[i] = draw_one(ft, b, &s->normal, &g, &cd[i], &z[f * stride + i]);
        }
    }
    gb_rng64_end(&g);
}

double gb_lime_stats_show(const gb_lime_stats *s, gb_lime_discretize d, int f, int e, gb_truncnorm *scratch,
                          gb_rng64 *g)
{
    const gb_lime_bins *b = bins_for(s, d, f);
    return gb_lime_cells_show(&s->feat[f].cells[d == GB_LIME_DECILE], b->draw, (size_t)e, scratch, g);
}

/* ---- the public display helpers ------------------------------------------ */

const double *gb_lime_stats_edges(const gb_lime_stats *s, gb_lime_discretize d, int f, int *n_edges)
{
    const gb_lime_bins *b = (f >= 0 && f < s->n_features) ? bins_for(s, d, f) : NULL;
    *n_edges = b ? b->n_edges : 0;
    return b ? b->edges : NULL;
}

void gb_lime_stats_scale(const gb_lime_stats *s, int f, double *mean, double *scale)
{
    *mean = s->feat[f].mean;
    *scale = s->feat[f].scale;
}

int gb_lime_stats_is_categorical(const gb_lime_stats *s, int f)
{
    return s->feat[f].categorical;
}
