/* pdp.c: partial dependence, ICE and ALE over threads (see pdp.h).  Each
 * grid point (or ALE bin) is one item, summed over the rows in row order,
 * so the numbers do not depend on threads. */
#include "pdp.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "forest_eval.h"
#include "mem_limits.h"
#include "rng.h"

/* Partial dependence evaluates PD_BLOCK rows at a time (forest_eval.h). */
enum { RNG_PDP = 102, PD_BLOCK = 64 };

typedef struct pd_job {
    const gb_model *m;
    const gb_job_ctl *ctl;
    const gb_pdp_options *opt;
    size_t n;
    const double *x; /* n x n_features */
    const double *grid;
    const unsigned char *in_ice; /* n flags */
    const size_t *ice_slot;      /* n: index of the row's curve */
    double **scratch;            /* per worker: row, margin, out; PD_BLOCK rows, margins, values */
    gb_forest *forest;           /* partial dependence: the rows' batched evaluation */
    double *pd, *ice;
    size_t n_grid;
    /* ALE */
    const size_t *bin; /* n: bin of the row (0: left out) */
    int ale_cat;
    double *delta;
} pd_job;

int gb_feature_is_categorical(const gb_model *m, const gb_dataset *ds, const gb_binding *b, int f)
{
    if (m->feature_categorical && m->feature_categorical[f])
        return 1;
    return ds->cols[b->column[f]].type == GB_COLUMN_CATEGORICAL;
}

/* The model's value at row x with the feature set to v. */
static double eval_at(const pd_job *j, const double *x, double v, double *s)
{
    int nf = j->m->n_features, ng = j->m->n_groups;
    double *row = s, *margin = s + nf, *out = margin + ng;
    memcpy(row, x, (size_t)nf * sizeof *row);
    row[j->opt->feature] = v;
    gb_model_margin(j->m, row, margin);
    if (!j->opt->output)
        return margin[j->opt->group];
    gb_model_transform(j->m, margin, out);
    return out[j->opt->group];
}

/* The model's values at PD_BLOCK (or fewer) rows from x with the feature
 * set to v, into y; the same numbers as eval_at row by row. */
static void eval_block(const pd_job *j, const double *x, size_t cnt, double v, double *s, double *y)
{
    size_t nf = (size_t)j->m->n_features, ng = (size_t)j->m->n_groups;
    double *out = s + nf + ng, *rows = out + ng, *margin = rows + PD_BLOCK * nf;
    memcpy(rows, x, cnt * nf * sizeof *rows);
    for (size_t i = 0; i < cnt; i++)
        rows[i * nf + (size_t)j->opt->feature] = v;
    gb_forest_margin_batch(j->forest, rows, cnt, margin);
    for (size_t i = 0; i < cnt; i++) {
        const double *mg = margin + i * ng;
        if (!j->opt->output) {
            y[i] = mg[j->opt->group];
        } else {
            gb_model_transform(j->m, mg, out);
            y[i] = out[j->opt->group];
        }
    }
}

static int pd_item(void *ctx, int worker, size_t k, gb_error *err)
{
    (void)err;
    pd_job *j = ctx;
    double sum = 0.0, *s = j->scratch[worker], y[PD_BLOCK];
    int nf = j->m->n_features;
    for (size_t lo = 0; lo < j->n; lo += PD_BLOCK) {
        if ((lo & 1023) == 0 && gb_cancelled(j->ctl))
            return 0; /* the job reports the cancellation */
        size_t cnt = j->n - lo < PD_BLOCK ? j->n - lo : PD_BLOCK;
        eval_block(j, j->x + lo * (size_t)nf, cnt, j->grid[k], s, y);
        for (size_t i = lo; i < lo + cnt; i++) {
            sum += y[i - lo];
            if (j->in_ice && j->in_ice[i])
                j->ice[j->ice_slot[i] * j->n_grid + k] = y[i - lo];
        }
    }
    j->pd[k] = sum / (double)j->n;
    return 0;
}

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return a < b ? -1 : a > b;
}

/* Sorted present values of feature f over the rows; returns their count. */
static size_t sorted_values(const double *x, size_t n, int nf, int f, double *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        double v = x[i * (size_t)nf + (size_t)f];
        if (!isnan(v))
            out[k++] = v;
    }
    qsort(out, k, sizeof *out, cmp_double);
    return k;
}

static double quantile(const double *sorted, size_t n, double q)
{
    double h = q * (double)(n - 1);
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n)
        return sorted[n - 1];
    return sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

/* Fills grid (room for max(points, distinct values)) and returns its size:
 * quantiles or uniform points of a numeric feature, or distinct values
 * (levels) of a categorical one. */
static size_t make_grid(const double *sorted, size_t n, int points, gb_grid_kind kind, int categorical,
                        double *grid)
{
    size_t g = 0;
    if (n == 0)
        return 0;
    if (categorical) {
        for (size_t i = 0; i < n; i++)
            if (g == 0 || sorted[i] != grid[g - 1])
                grid[g++] = sorted[i];
        return g;
    }
    for (int k = 0; k < points; k++) {
        double q = points > 1 ? (double)k / (double)(points - 1) : 0.0;
        double v =
            kind == GB_GRID_UNIFORM ? sorted[0] + q * (sorted[n - 1] - sorted[0]) : quantile(sorted, n, q);
        if (g == 0 || v > grid[g - 1])
            grid[g++] = v;
    }
    return g;
}

static int alloc_scratch(pd_job *j, int n_threads, gb_error *err)
{
    j->scratch = gb_calloc((size_t)n_threads, sizeof *j->scratch, err);
    if (!j->scratch || !(j->forest = gb_forest_new(j->m, err)))
        return -1;
    size_t nf = (size_t)j->m->n_features, ng = (size_t)j->m->n_groups;
    for (int t = 0; t < n_threads; t++)
        if (!(j->scratch[t] = gb_malloc((PD_BLOCK + 1) * (nf + ng) + ng, sizeof(double), err)))
            return -1;
    return 0;
}

static void free_scratch(pd_job *j, int n_threads)
{
    for (int t = 0; j->scratch && t < n_threads; t++)
        free(j->scratch[t]);
    free(j->scratch);
    j->scratch = NULL;
    gb_forest_free(j->forest);
    j->forest = NULL;
}

static int check_opt(const gb_model *m, const gb_pdp_options *opt, size_t n_rows, gb_error *err)
{
    if (opt->feature < 0 || opt->feature >= m->n_features)
        return gb_error_set(err, "feature %d is out of range (the model has %d)", opt->feature,
                            m->n_features);
    if (opt->group < 0 || opt->group >= m->n_groups)
        return gb_error_set(err, "output %d is out of range (the model has %d)", opt->group, m->n_groups);
    if (n_rows == 0)
        return gb_error_set(err, "partial dependence needs at least one row");
    return 0;
}

/* Row-major features of the rows. */
static double *gather(const gb_model *m, const gb_dataset *ds, const gb_binding *b, const size_t *rows,
                      size_t n, gb_error *err)
{
    double *x = gb_malloc(n, (size_t)m->n_features * sizeof *x, err);
    for (size_t i = 0; x && i < n; i++)
        gb_binding_row(b, ds, rows[i], x + i * (size_t)m->n_features);
    return x;
}

/* Marks the ICE sample: every row when it asks for as many, else a seeded
 * choice kept in data order. */
static int choose_ice(pd_job *j, const size_t *rows, size_t want, gb_pdp *res, unsigned char *in_ice,
                      size_t *slot, uint64_t seed, gb_error *err)
{
    size_t k = want < j->n ? want : j->n;
    size_t *pick = gb_malloc(k ? k : 1, sizeof *pick, err);
    size_t *all = pick ? gb_malloc(j->n, sizeof *all, err) : NULL;
    if (!all) {
        free(pick);
        return -1;
    }
    for (size_t i = 0; i < j->n; i++)
        all[i] = i;
    if (k < j->n) {
        gsl_rng *r = gb_rng_new(seed, RNG_PDP, 0, err);
        if (!r) {
            free(pick);
            free(all);
            return -1;
        }
        gsl_ran_choose(r, pick, k, all, j->n, sizeof *all);
        gsl_rng_free(r);
    } else {
        memcpy(pick, all, k * sizeof *pick);
    }
    free(all);
    res->n_ice = k;
    res->ice_rows = pick;
    for (size_t c = 0; c < k; c++) {
        in_ice[pick[c]] = 1;
        slot[pick[c]] = c;
        pick[c] = rows[pick[c]];
    }
    return 0;
}

void gb_pdp_free(gb_pdp *res)
{
    free(res->grid);
    free(res->pd);
    free(res->ice_rows);
    free(res->ice);
    memset(res, 0, sizeof *res);
}

gb_job_status gb_pdp_run(const gb_model *m, const gb_dataset *ds, const gb_binding *b, const size_t *rows,
                         size_t n_rows, const gb_pdp_options *opt, const gb_job_ctl *ctl, gb_pdp *res,
                         gb_error *err)
{
    memset(res, 0, sizeof *res);
    res->status = GB_JOB_FAILED;
    if (check_opt(m, opt, n_rows, err))
        return GB_JOB_FAILED;
    int points = opt->grid > 0 ? opt->grid : 20;
    /* The rows' features, the sorted values, the ICE marks and slots, and
     * the ICE curves themselves. */
    uint64_t ice = opt->ice < n_rows ? opt->ice : n_rows;
    uint64_t need = gb_limit_add(gb_estimate_dataset_bytes(n_rows, (uint64_t)m->n_features + 2),
                                 gb_limit_mul(gb_limit_mul(ice, (uint64_t)points), sizeof(double)));
    char count[32];
    gb_limit_format_count(n_rows, count, sizeof count);
    if (gb_limit_check(need, "use fewer rows or ICE curves", err, "partial dependence over %s rows", count))
        return GB_JOB_FAILED;
    pd_job j = {.m = m, .ctl = ctl, .opt = opt, .n = n_rows};
    double *x = gather(m, ds, b, rows, n_rows, err);
    double *sorted = x ? gb_malloc(n_rows, sizeof *sorted, err) : NULL;
    unsigned char *in_ice = sorted ? gb_calloc(n_rows, 1, err) : NULL;
    size_t *slot = in_ice ? gb_calloc(n_rows, sizeof *slot, err) : NULL;
    gb_job_status st = GB_JOB_FAILED;
    int n_threads = 1;
    if (slot) {
        res->categorical = gb_feature_is_categorical(m, ds, b, opt->feature);
        size_t n_sorted = sorted_values(x, n_rows, m->n_features, opt->feature, sorted);
        size_t room = n_sorted > (size_t)points ? n_sorted : (size_t)points;
        res->grid = gb_malloc(room ? room : 1, sizeof *res->grid, err);
        if (res->grid)
            res->n_grid = make_grid(sorted, n_sorted, points, opt->kind, res->categorical, res->grid);
        if (res->grid && res->n_grid == 0)
            gb_error_set(err, "the feature has no value on the rows asked for");
        else if (res->grid) {
            j.x = x;
            j.grid = res->grid;
            j.n_grid = res->n_grid;
            res->pd = gb_calloc(res->n_grid, sizeof *res->pd, err);
            int okay = res->pd != NULL;
            if (okay && opt->ice) {
                okay = choose_ice(&j, rows, opt->ice, res, in_ice, slot, opt->seed, err) == 0 &&
                       (res->ice = gb_calloc(res->n_ice * res->n_grid, sizeof *res->ice, err)) != NULL;
                j.in_ice = in_ice;
                j.ice_slot = slot;
            }
            j.pd = res->pd;
            j.ice = res->ice;
            n_threads = gb_parallel_threads(ctl, res->n_grid);
            if (okay && alloc_scratch(&j, n_threads, err) == 0)
                st = gb_parallel_run(ctl, res->n_grid, pd_item, &j, 0.0, 1.0, err);
        }
    }
    free_scratch(&j, n_threads);
    free(x);
    free(sorted);
    free(in_ice);
    free(slot);
    if (st != GB_JOB_OK) {
        gb_pdp_free(res);
        res->status = st;
        return st;
    }
    for (size_t c = 0; opt->centred && c < res->n_ice; c++) {
        double first = res->ice[c * res->n_grid];
        for (size_t k = 0; k < res->n_grid; k++)
            res->ice[c * res->n_grid + k] -= first;
    }
    res->status = GB_JOB_OK;
    return GB_JOB_OK;
}

/* ---- ALE ----------------------------------------------------------------- */

/* Step k >= 1: numeric, the mean of f(z_k) - f(z_{k-1}) over the rows in
 * bin k; categorical, of f(level k) - f(level k-1) over the rows at either
 * level (row bins are level index + 1).  Bin 0 holds the rows left out. */
static int ale_item(void *ctx, int worker, size_t item, gb_error *err)
{
    (void)err;
    pd_job *j = ctx;
    size_t k = item + 1;
    double sum = 0.0, *s = j->scratch[worker];
    size_t count = 0;
    int nf = j->m->n_features;
    for (size_t i = 0; i < j->n; i++) {
        if ((i & 1023) == 0 && gb_cancelled(j->ctl))
            return 0;
        size_t bi = j->bin[i];
        if (!(bi == k || (j->ale_cat && bi == k + 1)))
            continue;
        const double *x = j->x + i * (size_t)nf;
        sum += eval_at(j, x, j->grid[k], s) - eval_at(j, x, j->grid[k - 1], s);
        count++;
    }
    j->delta[k] = count ? sum / (double)count : 0.0;
    return 0;
}

/* First edge index whose value is >= v (v within [grid[0], grid[n-1]]). */
static size_t upper_edge(const double *grid, size_t n, double v)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (grid[mid] >= v)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* Bins the rows, counts them and centres the accumulated steps. */
static void ale_bins(pd_job *j, int nf, int f, gb_ale *res, size_t *bin)
{
    for (size_t i = 0; i < j->n; i++) {
        double v = j->x[i * (size_t)nf + (size_t)f];
        if (isnan(v)) {
            bin[i] = 0;
            continue;
        }
        size_t e = upper_edge(res->value, res->n, v);
        bin[i] = res->categorical ? e + 1 : (e == 0 ? 1 : e);
        res->count[res->categorical ? e : bin[i]]++;
    }
}

static void ale_finish(const pd_job *j, gb_ale *res)
{
    double acc = 0.0, centre = 0.0;
    size_t total = 0;
    res->ale[0] = 0.0;
    for (size_t k = 1; k < res->n; k++) {
        acc += j->delta[k];
        res->ale[k] = acc;
    }
    for (size_t k = 0; k < res->n; k++) {
        if (res->categorical)
            centre += (double)res->count[k] * res->ale[k];
        else if (k > 0)
            centre += (double)res->count[k] * (res->ale[k - 1] + res->ale[k]) / 2.0;
        total += res->count[k];
    }
    centre /= (double)(total ? total : 1);
    for (size_t k = 0; k < res->n; k++)
        res->ale[k] -= centre;
}

gb_job_status gb_ale_run(const gb_model *m, const gb_dataset *ds, const gb_binding *b, const size_t *rows,
                         size_t n_rows, const gb_pdp_options *opt, const gb_job_ctl *ctl, gb_ale *res,
                         gb_error *err)
{
    memset(res, 0, sizeof *res);
    res->status = GB_JOB_FAILED;
    if (check_opt(m, opt, n_rows, err))
        return GB_JOB_FAILED;
    int bins = opt->grid > 0 ? opt->grid : 20, nf = m->n_features;
    pd_job j = {.m = m, .ctl = ctl, .opt = opt, .n = n_rows};
    double *x = gather(m, ds, b, rows, n_rows, err);
    double *sorted = x ? gb_malloc(n_rows, sizeof *sorted, err) : NULL;
    size_t *bin = sorted ? gb_malloc(n_rows, sizeof *bin, err) : NULL;
    gb_job_status st = GB_JOB_FAILED;
    int n_threads = 1;
    if (bin) {
        res->categorical = j.ale_cat = gb_feature_is_categorical(m, ds, b, opt->feature);
        size_t n_sorted = sorted_values(x, n_rows, nf, opt->feature, sorted);
        size_t room = (n_sorted > (size_t)bins ? n_sorted : (size_t)bins) + 1;
        res->value = gb_malloc(room, sizeof *res->value, err);
        res->ale = res->value ? gb_calloc(room, sizeof *res->ale, err) : NULL;
        res->count = res->ale ? gb_calloc(room, sizeof *res->count, err) : NULL;
        j.delta = res->count ? gb_calloc(room, sizeof *j.delta, err) : NULL;
        if (j.delta) {
            /* K bins need K + 1 quantile edges. */
            res->n = make_grid(sorted, n_sorted, bins + 1, GB_GRID_QUANTILE, res->categorical, res->value);
            if (res->n == 0) {
                gb_error_set(err, "the feature has no value on the rows asked for");
            } else {
                j.x = x;
                j.grid = res->value;
                j.bin = bin;
                ale_bins(&j, nf, opt->feature, res, bin);
                size_t items = res->n - 1;
                n_threads = gb_parallel_threads(ctl, items);
                if (alloc_scratch(&j, n_threads, err) == 0)
                    st = gb_parallel_run(ctl, items, ale_item, &j, 0.0, 1.0, err);
            }
        }
    }
    if (st == GB_JOB_OK)
        ale_finish(&j, res);
    free_scratch(&j, n_threads);
    free(j.delta);
    free(x);
    free(sorted);
    free(bin);
    if (st != GB_JOB_OK) {
        gb_ale_free(res);
        res->status = st;
        return st;
    }
    res->status = GB_JOB_OK;
    return GB_JOB_OK;
}

void gb_ale_free(gb_ale *res)
{
    free(res->value);
    free(res->ale);
    free(res->count);
    memset(res, 0, sizeof *res);
}
