/* background.c: sampled, k-means and whole-pool backgrounds (see
 * background.h).
 *
 * k-means runs on standardised features (each feature's present values
 * scaled to mean 0 and standard deviation 1, a missing value placed at the
 * mean), so that a feature measured in thousands does not decide every
 * cluster alone.  Centres are then turned back into rows a model can be
 * evaluated on: a feature missing in most of a cluster's rows stays missing,
 * a categorical feature takes the cluster's most frequent code, and a
 * numeric one takes the member value nearest the members' mean, so a tree
 * sees values from the data and never an average that falls between two
 * categories or thresholds (shap's kmeans rounds its centres likewise). */
#include "background.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "rng.h"

/* The cancel flag is read every CANCEL_ROWS rows of k-means' passes, a few
 * milliseconds of work at most for k = 1000 centres of 100 features. */
enum { KMEANS_MAX_ITER = 50, CANCEL_ROWS = 64 };

int gb_background_spec_parse(const char *arg, gb_background_spec *spec, gb_error *err)
{
    const char *num = arg;
    spec->kind = GB_BACKGROUND_SAMPLE;
    if (strcmp(arg, "all") == 0) {
        spec->kind = GB_BACKGROUND_ALL;
        spec->n = 0;
        return 0;
    }
    if (strncmp(arg, "kmeans:", 7) == 0) {
        spec->kind = GB_BACKGROUND_KMEANS;
        num = arg + 7;
    }
    char *end;
    errno = 0;
    unsigned long long v = strtoull(num, &end, 10);
    if (errno || end == num || *end || *num == '-' || v == 0 || v > 100000000ULL)
        return gb_error_set(err, "--background '%s': expected a number of rows (e.g. 100), kmeans:K or all", arg);
    spec->n = (size_t)v;
    return 0;
}

static gb_background *alloc_bg(size_t n, int n_features, gb_error *err)
{
    gb_background *bg = gb_calloc(1, sizeof *bg, err);
    if (!bg)
        return NULL;
    bg->n = n;
    bg->n_features = n_features;
    bg->x = gb_malloc(n ? n : 1, (size_t)n_features * sizeof *bg->x, err);
    bg->w = gb_malloc(n ? n : 1, sizeof *bg->w, err);
    if (!bg->x || !bg->w) {
        gb_background_free(bg);
        return NULL;
    }
    return bg;
}

void gb_background_free(gb_background *bg)
{
    if (!bg)
        return;
    free(bg->x);
    free(bg->w);
    free(bg);
}

static void set_uniform(gb_background *bg)
{
    for (size_t i = 0; i < bg->n; i++)
        bg->w[i] = 1.0 / (double)bg->n;
    bg->uniform = 1;
}

gb_background *gb_background_from_rows(const double *x, const double *w, size_t n, int n_features,
                                       gb_error *err)
{
    if (n == 0)
        return gb_error_set(err, "the background has no rows"), NULL;
    double sum = 0.0;
    if (w)
        for (size_t i = 0; i < n; i++) {
            if (!(w[i] >= 0.0) || !isfinite(w[i]))
                return gb_error_set(err, "background weight %zu is not a finite non-negative number", i), NULL;
            sum += w[i];
        }
    if (w && !(sum > 0.0))
        return gb_error_set(err, "the background weights sum to 0"), NULL;
    gb_background *bg = alloc_bg(n, n_features, err);
    if (!bg)
        return NULL;
    memcpy(bg->x, x, n * (size_t)n_features * sizeof *x);
    if (!w) {
        set_uniform(bg);
        return bg;
    }
    bg->uniform = 1;
    for (size_t i = 0; i < n; i++) {
        bg->w[i] = w[i] / sum;
        if (w[i] != w[0])
            bg->uniform = 0;
    }
    if (bg->uniform)
        set_uniform(bg);
    return bg;
}

/* cancel may be NULL; read every 4096 rows. */
static gb_background *from_indices(const gb_model *m, const gb_dataset *ds, const gb_binding *b,
                                   const size_t *rows, size_t n, const atomic_int *cancel, gb_error *err)
{
    gb_background *bg = alloc_bg(n, m->n_features, err);
    if (!bg)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (cancel && (i & 4095) == 0 && atomic_load_explicit(cancel, memory_order_relaxed)) {
            gb_background_free(bg);
            return gb_error_set(err, "cancelled"), NULL;
        }
        gb_binding_row(b, ds, rows ? rows[i] : i, bg->x + i * (size_t)m->n_features);
    }
    set_uniform(bg);
    return bg;
}

static gb_background *sample_rows(const gb_model *m, const gb_dataset *ds, const gb_binding *b, size_t n,
                                  uint64_t seed, gb_error *err)
{
    size_t *all = gb_malloc(ds->n_rows, sizeof *all, err);
    size_t *pick = gb_malloc(n, sizeof *pick, err);
    gsl_rng *r = gb_rng_new(seed, GB_RNG_BACKGROUND, 0, err);
    gb_background *bg = NULL;
    if (all && pick && r) {
        for (size_t i = 0; i < ds->n_rows; i++)
            all[i] = i;
        /* gsl_ran_choose keeps the pool's order: the background reads like
         * the data it came from. */
        gsl_ran_choose(r, pick, n, all, ds->n_rows, sizeof *all);
        bg = from_indices(m, ds, b, pick, n, NULL, err);
    }
    gsl_rng_free(r);
    free(all);
    free(pick);
    return bg;
}

/* ------------------------------------------------------------------ k-means */

typedef struct kmeans {
    size_t n, k;
    int d;
    const atomic_int *cancel; /* may be NULL */
    const double *raw;  /* n x d, the pool */
    double *z;          /* n x d, standardised, missing at 0 */
    double *c;          /* k x d centres */
    size_t *assign;     /* n */
    double *dist;       /* n, squared distance to the nearest centre */
} kmeans;

static int cancelled(const kmeans *km, size_t i)
{
    return km->cancel && i % CANCEL_ROWS == 0 && atomic_load_explicit(km->cancel, memory_order_relaxed);
}

static double sqdist(const double *a, const double *b, int d)
{
    double s = 0.0;
    for (int j = 0; j < d; j++) {
        double t = a[j] - b[j];
        s += t * t;
    }
    return s;
}

/* Returns 1 when cancelled (read before each feature's two passes). */
static int standardise(kmeans *km)
{
    for (int j = 0; j < km->d; j++) {
        if (cancelled(km, 0))
            return 1;
        double mean = 0.0, m2 = 0.0;
        size_t cnt = 0;
        for (size_t i = 0; i < km->n; i++) {
            double v = km->raw[i * (size_t)km->d + (size_t)j];
            if (isnan(v))
                continue;
            cnt++;
            double delta = v - mean;
            mean += delta / (double)cnt;
            m2 += delta * (v - mean);
        }
        double sd = cnt > 1 ? sqrt(m2 / (double)(cnt - 1)) : 0.0;
        if (!(sd > 0.0) || !isfinite(sd))
            sd = 1.0;
        for (size_t i = 0; i < km->n; i++) {
            double v = km->raw[i * (size_t)km->d + (size_t)j];
            km->z[i * (size_t)km->d + (size_t)j] = isnan(v) ? 0.0 : (v - mean) / sd;
        }
    }
    return 0;
}

/* k-means++: each new centre is a row drawn with probability proportional
 * to its squared distance from the centres chosen so far. */
static int seed_centres(kmeans *km, gsl_rng *r)
{
    size_t d = (size_t)km->d;
    size_t first = (size_t)gsl_rng_uniform_int(r, (unsigned long)km->n);
    memcpy(km->c, km->z + first * d, d * sizeof *km->c);
    for (size_t i = 0; i < km->n; i++)
        km->dist[i] = sqdist(km->z + i * d, km->c, km->d);
    for (size_t c = 1; c < km->k; c++) {
        double total = 0.0;
        for (size_t i = 0; i < km->n; i++)
            total += km->dist[i];
        size_t pick = (size_t)gsl_rng_uniform_int(r, (unsigned long)km->n);
        if (total > 0.0) {
            double u = gsl_rng_uniform(r) * total, acc = 0.0;
            for (pick = 0; pick + 1 < km->n; pick++) {
                acc += km->dist[pick];
                if (acc > u)
                    break;
            }
        }
        memcpy(km->c + c * d, km->z + pick * d, d * sizeof *km->c);
        for (size_t i = 0; i < km->n; i++) {
            if (cancelled(km, i))
                return 1;
            double t = sqdist(km->z + i * d, km->c + c * d, km->d);
            if (t < km->dist[i])
                km->dist[i] = t;
        }
    }
    return 0;
}

/* One Lloyd step; returns the number of rows that changed cluster, or
 * SIZE_MAX when cancelled. */
static size_t lloyd_step(kmeans *km, size_t *count)
{
    size_t d = (size_t)km->d, changed = 0;
    for (size_t i = 0; i < km->n; i++) {
        if (cancelled(km, i))
            return SIZE_MAX;
        size_t best = 0;
        double bd = INFINITY;
        for (size_t c = 0; c < km->k; c++) {
            double t = sqdist(km->z + i * d, km->c + c * d, km->d);
            if (t < bd) {
                bd = t;
                best = c;
            }
        }
        if (km->assign[i] != best)
            changed++;
        km->assign[i] = best;
    }
    memset(count, 0, km->k * sizeof *count);
    for (size_t i = 0; i < km->n; i++)
        count[km->assign[i]]++;
    for (size_t c = 0; c < km->k; c++)
        if (count[c])
            memset(km->c + c * d, 0, d * sizeof *km->c);
    for (size_t i = 0; i < km->n; i++)
        for (size_t j = 0; j < d; j++)
            km->c[km->assign[i] * d + j] += km->z[i * d + j];
    for (size_t c = 0; c < km->k; c++)
        if (count[c])
            for (size_t j = 0; j < d; j++)
                km->c[c * d + j] /= (double)count[c];
    return changed;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The value a centre takes for feature j, from its members' raw values
 * (buf has room for every row). */
static double centre_value(const kmeans *km, size_t c, int j, int categorical, double *buf)
{
    size_t d = (size_t)km->d, missing = 0, present = 0;
    double sum = 0.0;
    for (size_t i = 0; i < km->n; i++) {
        if (km->assign[i] != c)
            continue;
        double v = km->raw[i * d + (size_t)j];
        if (isnan(v)) {
            missing++;
        } else {
            buf[present++] = v;
            sum += v;
        }
    }
    if (missing > present || present == 0)
        return NAN;
    qsort(buf, present, sizeof *buf, cmp_double);
    if (categorical) {
        /* The most frequent code; ties go to the smallest. */
        double best = buf[0];
        size_t best_run = 0;
        for (size_t i = 0; i < present;) {
            size_t e = i;
            while (e < present && buf[e] == buf[i])
                e++;
            if (e - i > best_run) {
                best_run = e - i;
                best = buf[i];
            }
            i = e;
        }
        return best;
    }
    double mean = sum / (double)present, best = buf[0];
    for (size_t i = 1; i < present; i++)
        if (fabs(buf[i] - mean) < fabs(best - mean))
            best = buf[i];
    return best;
}

static gb_background *kmeans_summary(const gb_model *m, const double *pool, size_t n, size_t k, uint64_t seed,
                                     const atomic_int *cancel, gb_error *err)
{
    kmeans km = {.n = n, .k = k, .d = m->n_features, .raw = pool, .cancel = cancel};
    size_t d = (size_t)km.d;
    km.z = gb_malloc(n, d * sizeof *km.z, err);
    km.c = gb_malloc(k, d * sizeof *km.c, err);
    km.assign = gb_calloc(n, sizeof *km.assign, err);
    km.dist = gb_malloc(n, sizeof *km.dist, err);
    size_t *count = gb_calloc(k, sizeof *count, err);
    double *buf = gb_malloc(n, sizeof *buf, err);
    gsl_rng *r = gb_rng_new(seed, GB_RNG_KMEANS, 0, err);
    gb_background *bg = NULL;
    if (!km.z || !km.c || !km.assign || !km.dist || !count || !buf || !r)
        goto done;
    if (standardise(&km) || seed_centres(&km, r))
        goto stopped;
    for (size_t i = 0; i < n; i++)
        km.assign[i] = k; /* so the first step counts every row as changed */
    for (int it = 0; it < KMEANS_MAX_ITER; it++) {
        size_t changed = lloyd_step(&km, count);
        if (changed == SIZE_MAX)
            goto stopped;
        if (changed == 0)
            break;
    }
    size_t used = 0;
    for (size_t c = 0; c < k; c++)
        used += count[c] > 0;
    bg = alloc_bg(used, km.d, err);
    if (!bg)
        goto done;
    size_t out = 0;
    for (size_t c = 0; c < k; c++) {
        if (!count[c])
            continue;
        for (int j = 0; j < km.d; j++) {
            /* Each value is a pass over the pool and a sort. */
            if (cancel && atomic_load_explicit(cancel, memory_order_relaxed)) {
                gb_background_free(bg);
                bg = NULL;
                goto stopped;
            }
            int cat = m->feature_categorical && m->feature_categorical[j];
            bg->x[out * d + (size_t)j] = centre_value(&km, c, j, cat, buf);
        }
        bg->w[out++] = (double)count[c] / (double)n;
    }
    bg->uniform = 0;
    goto done;
stopped:
    gb_error_set(err, "cancelled");
done:
    gsl_rng_free(r);
    free(km.z);
    free(km.c);
    free(km.assign);
    free(km.dist);
    free(count);
    free(buf);
    return bg;
}

gb_background *gb_background_make(const gb_model *m, const gb_dataset *ds, const gb_binding *b,
                                  const gb_background_spec *spec, uint64_t seed, gb_error *err)
{
    return gb_background_make_cancel(m, ds, b, spec, seed, NULL, err);
}

gb_background *gb_background_make_cancel(const gb_model *m, const gb_dataset *ds, const gb_binding *b,
                                         const gb_background_spec *spec, uint64_t seed, const atomic_int *cancel,
                                         gb_error *err)
{
    if (ds->n_rows == 0)
        return gb_error_set(err, "%s: no data rows to take a background from", ds->path), NULL;
    if (spec->kind == GB_BACKGROUND_ALL || spec->n >= ds->n_rows)
        return from_indices(m, ds, b, NULL, ds->n_rows, NULL, err);
    if (spec->kind == GB_BACKGROUND_SAMPLE)
        return sample_rows(m, ds, b, spec->n, seed, err);
    gb_background *pool = from_indices(m, ds, b, NULL, ds->n_rows, cancel, err);
    if (!pool)
        return NULL;
    gb_background *bg = kmeans_summary(m, pool->x, pool->n, spec->n, seed, cancel, err);
    gb_background_free(pool);
    return bg;
}

int gb_background_recode(gb_dataset *bg_ds, const gb_binding *bg_b, const gb_dataset *ref,
                         const gb_binding *ref_b, gb_error *err)
{
    for (int f = 0; f < bg_b->n_features; f++) {
        gb_column *col = &bg_ds->cols[bg_b->column[f]];
        const gb_column *rc = &ref->cols[ref_b->column[f]];
        if (col->type != GB_COLUMN_CATEGORICAL && rc->type != GB_COLUMN_CATEGORICAL)
            continue;
        if (col->type != rc->type) {
            /* Only reachable for a categorical model feature: a numeric
             * column on one side is a column of plain codes, the other has
             * strings, and the two cannot be matched. */
            return gb_error_set(err, "%s: column '%s' is %s here but %s in %s", bg_ds->path, col->name,
                                col->type == GB_COLUMN_CATEGORICAL ? "text" : "numeric",
                                rc->type == GB_COLUMN_CATEGORICAL ? "text" : "numeric", ref->path);
        }
        size_t *map = gb_malloc(col->n_levels ? col->n_levels : 1, sizeof *map, err);
        if (!map)
            return -1;
        /* Both dictionaries are sorted by byte order: one merge pass. */
        size_t j = 0;
        for (size_t i = 0; i < col->n_levels; i++) {
            while (j < rc->n_levels && strcmp(rc->levels[j], col->levels[i]) < 0)
                j++;
            map[i] = (j < rc->n_levels && strcmp(rc->levels[j], col->levels[i]) == 0) ? j : SIZE_MAX;
        }
        for (size_t r = 0; r < bg_ds->n_rows; r++) {
            double v = col->values[r];
            if (isnan(v))
                continue;
            size_t code = (size_t)v;
            if (map[code] == SIZE_MAX) {
                gb_error_set(err, "%s:%zu: column '%s' has the value '%s', which %s never has, so the model "
                             "has no code for it", bg_ds->path, bg_ds->row_line ? bg_ds->row_line[r] : r + 2,
                             col->name, col->levels[code], ref->path);
                free(map);
                return -1;
            }
            col->values[r] = (double)map[code];
        }
        free(map);
    }
    return 0;
}

void gb_background_mean0(const gb_background *bg, double *mean)
{
    size_t d = (size_t)bg->n_features;
    for (size_t j = 0; j < d; j++)
        mean[j] = 0.0;
    for (size_t i = 0; i < bg->n; i++)
        for (size_t j = 0; j < d; j++) {
            double v = bg->x[i * d + j];
            if (!isnan(v))
                mean[j] += bg->w[i] * v;
        }
}
