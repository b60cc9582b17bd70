/* importance.c: permutation importance over threads (see importance.h). */
#include "importance.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "forest_eval.h"
#include "rng.h"

/* Rows evaluated together by the compact evaluator (forest_eval.h). */
enum { RNG_IMPORTANCE = 101, BLOCK = 64 };

static const char *const metric_names[] = {"auto", "rmse", "logloss", "accuracy"};

int gb_metric_parse(const char *name, gb_metric *out)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, metric_names[i]) == 0) {
            *out = (gb_metric)i;
            return 0;
        }
    if (strcmp(name, "log-loss") == 0) {
        *out = GB_METRIC_LOGLOSS;
        return 0;
    }
    return -1;
}

const char *gb_metric_name(gb_metric metric)
{
    return (unsigned)metric < 4 ? metric_names[metric] : "?";
}

static int is_classifier(const gb_model *m)
{
    return m->n_classes >= 2 || m->link == GB_LINK_LOGISTIC || m->link == GB_LINK_SOFTMAX;
}

gb_metric gb_metric_resolve(const gb_model *m, gb_metric metric)
{
    if (metric != GB_METRIC_AUTO)
        return metric;
    return is_classifier(m) ? GB_METRIC_LOGLOSS : GB_METRIC_RMSE;
}

/* Probability of class c from one row's margins: softmax over groups, or
 * the logistic of a single margin whatever the model's own link (logitraw
 * models are classifiers with an identity link). */
static double class_prob(const gb_model *m, const double *margin, int c)
{
    if (m->n_groups == 1) {
        double p = 1.0 / (1.0 + exp(-margin[0]));
        return c == 1 ? p : 1.0 - p;
    }
    double top = margin[0];
    for (int g = 1; g < m->n_groups; g++)
        if (margin[g] > top)
            top = margin[g];
    double s = 0.0;
    for (int g = 0; g < m->n_groups; g++)
        s += exp(margin[g] - top);
    return exp(margin[c] - top) / s;
}

static int predicted_class(const gb_model *m, const double *margin)
{
    if (m->n_groups == 1)
        return margin[0] > 0.0;
    int best = 0;
    for (int g = 1; g < m->n_groups; g++)
        if (margin[g] > margin[best])
            best = g;
    return best;
}

/* One row's loss (RMSE: squared error; log-loss; accuracy: 1 if right). */
static double row_term(const gb_model *m, gb_metric metric, const double *margin, double y, double *tmp)
{
    switch (metric) {
    case GB_METRIC_LOGLOSS: {
        double p = class_prob(m, margin, (int)y);
        p = p < 1e-15 ? 1e-15 : p > 1.0 - 1e-15 ? 1.0 - 1e-15 : p;
        return -log(p);
    }
    case GB_METRIC_ACCURACY: return predicted_class(m, margin) == (int)y ? 1.0 : 0.0;
    default: gb_model_transform(m, margin, tmp); return (tmp[0] - y) * (tmp[0] - y);
    }
}

static double finish_score(gb_metric metric, double sum, size_t n)
{
    double mean = sum / (double)(n ? n : 1);
    return metric == GB_METRIC_RMSE ? sqrt(mean) : mean;
}

double gb_metric_score(const gb_model *m, gb_metric metric, const double *margins, const double *y, size_t n)
{
    double tmp[64], *t = m->n_groups <= 64 ? tmp : malloc((size_t)m->n_groups * sizeof *t);
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += row_term(m, metric, margins + i * (size_t)m->n_groups, y[i], t);
    if (t != tmp)
        free(t);
    return finish_score(metric, sum, n);
}

typedef struct imp_job {
    const gb_model *m;
    gb_metric metric;
    size_t n;        /* rows */
    const double *x; /* n x n_features */
    const double *y;
    int repeats;
    uint64_t seed;
    const gb_forest *forest;
    double **scratch; /* per worker: BLOCK rows, BLOCK margins, tmp; then n permutation entries */
    const gb_job_ctl *ctl;
    double *scores;
} imp_job;

/* The metric with feature f's column read through perm (f < 0: none). */
static double score_with(const imp_job *j, int f, const size_t *perm, double *s)
{
    size_t nf = (size_t)j->m->n_features, ng = (size_t)j->m->n_groups;
    double *rows = s, *margin = s + BLOCK * nf, *tmp = margin + BLOCK * ng, sum = 0.0;
    for (size_t lo = 0; lo < j->n; lo += BLOCK) {
        if ((lo & 1023) == 0 && gb_cancelled(j->ctl))
            return NAN; /* the job reports the cancellation */
        size_t cnt = j->n - lo < BLOCK ? j->n - lo : BLOCK;
        memcpy(rows, j->x + lo * nf, cnt * nf * sizeof *rows);
        if (f >= 0)
            for (size_t k = 0; k < cnt; k++)
                rows[k * nf + (size_t)f] = j->x[perm[lo + k] * nf + (size_t)f];
        gb_forest_margin_batch(j->forest, rows, cnt, margin);
        for (size_t k = 0; k < cnt; k++)
            sum += row_term(j->m, j->metric, margin + k * ng, j->y[lo + k], tmp);
    }
    return finish_score(j->metric, sum, j->n);
}

static int do_item(void *ctx, int worker, size_t item, gb_error *err)
{
    imp_job *j = ctx;
    double *s = j->scratch[worker];
    size_t *perm = (size_t *)(s + BLOCK * (size_t)j->m->n_features + (BLOCK + 1) * (size_t)j->m->n_groups);
    gsl_rng *r = gb_rng_new(j->seed, RNG_IMPORTANCE, item, err);
    if (!r)
        return -1;
    for (size_t i = 0; i < j->n; i++)
        perm[i] = i;
    gsl_ran_shuffle(r, perm, j->n, sizeof *perm);
    gsl_rng_free(r);
    j->scores[item] = score_with(j, (int)(item / (size_t)j->repeats), perm, s);
    return 0;
}

/* Feature matrix and target of the rows, the target checked. */
static int gather(const gb_model *m, const gb_dataset *ds, const gb_binding *b, const size_t *rows, size_t n,
                  gb_metric metric, double *x, double *y, gb_error *err)
{
    if (b->target < 0)
        return gb_error_set(err,
                            "%s: permutation importance needs the target column (name it with --target; "
                            "a column called target, label or y is found by itself)",
                            ds->path);
    const gb_column *t = &ds->cols[b->target];
    int cls = metric != GB_METRIC_RMSE;
    int k = m->n_groups > 1 ? m->n_groups : 2;
    for (size_t i = 0; i < n; i++) {
        double v = t->values[rows[i]];
        size_t line = ds->row_line ? ds->row_line[rows[i]] : rows[i] + 2;
        if (isnan(v))
            return gb_error_set(err,
                                "%s:%zu: the target (column %s) is missing; importance needs it on every row",
                                ds->path, line, t->name);
        if (cls && (v != floor(v) || v < 0 || v >= k))
            return gb_error_set(err,
                                "%s:%zu: target %s = %g is not a class index from 0 to %d, which %s needs",
                                ds->path, line, t->name, v, k - 1, gb_metric_name(metric));
        y[i] = v;
        gb_binding_row(b, ds, rows[i], x + i * (size_t)m->n_features);
    }
    return 0;
}

void gb_importance_free(gb_importance *res)
{
    free(res->importance);
    free(res->std);
    free(res->scores);
    res->importance = res->std = res->scores = NULL;
}

static void reduce(gb_importance *res)
{
    int R = res->repeats;
    for (int f = 0; f < res->n_features; f++) {
        double mean = 0.0, var = 0.0;
        for (int r = 0; r < R; r++) {
            double s = res->scores[(size_t)f * R + r];
            mean += res->metric == GB_METRIC_ACCURACY ? res->baseline - s : s - res->baseline;
        }
        mean /= R;
        for (int r = 0; r < R; r++) {
            double s = res->scores[(size_t)f * R + r];
            double d = (res->metric == GB_METRIC_ACCURACY ? res->baseline - s : s - res->baseline) - mean;
            var += d * d;
        }
        res->importance[f] = mean;
        res->std[f] = sqrt(var / R);
    }
}

gb_job_status gb_importance_run(const gb_model *m, const gb_dataset *ds, const gb_binding *b,
                                const size_t *rows, size_t n_rows, const gb_importance_options *opt,
                                const gb_job_ctl *ctl, gb_importance *res, gb_error *err)
{
    memset(res, 0, sizeof *res);
    res->status = GB_JOB_FAILED;
    gb_metric metric = gb_metric_resolve(m, opt->metric);
    if (metric != GB_METRIC_RMSE && !is_classifier(m)) {
        gb_error_set(err, "the %s metric needs a classifier; this model is a regression (%s): use rmse",
                     gb_metric_name(metric), m->objective ? m->objective : gb_link_name(m->link));
        return GB_JOB_FAILED;
    }
    if (n_rows == 0) {
        gb_error_set(err, "permutation importance needs at least one row");
        return GB_JOB_FAILED;
    }
    int nf = m->n_features, ng = m->n_groups, R = opt->repeats > 0 ? opt->repeats : 5;
    size_t items = (size_t)nf * R;
    int n_threads = gb_parallel_threads(ctl, items);
    imp_job j = {.m = m, .metric = metric, .n = n_rows, .repeats = R, .seed = opt->seed, .ctl = ctl};
    double *x = gb_malloc(n_rows, (size_t)nf * sizeof *x, err);
    double *y = x ? gb_malloc(n_rows, sizeof *y, err) : NULL;
    j.scratch = y ? gb_calloc((size_t)n_threads, sizeof *j.scratch, err) : NULL;
    res->importance = j.scratch ? gb_calloc((size_t)nf, sizeof(double), err) : NULL;
    res->std = res->importance ? gb_calloc((size_t)nf, sizeof(double), err) : NULL;
    res->scores = res->std ? gb_calloc(items, sizeof(double), err) : NULL;
    gb_forest *forest = res->scores ? gb_forest_new(m, err) : NULL;
    j.forest = forest;
    int okay = forest != NULL;
    /* The permutation lives after the doubles: a size_t takes a double's room. */
    _Static_assert(sizeof(size_t) == sizeof(double), "size_t stored in a double's room");
    size_t per = BLOCK * (size_t)nf + (BLOCK + 1) * (size_t)ng + n_rows;
    for (int t = 0; okay && t < n_threads; t++)
        okay = (j.scratch[t] = gb_malloc(per, sizeof(double), err)) != NULL;
    gb_job_status st = GB_JOB_FAILED;
    if (okay && gather(m, ds, b, rows, n_rows, metric, x, y, err) == 0) {
        j.x = x;
        j.y = y;
        j.scores = res->scores;
        res->metric = metric;
        res->n_features = nf;
        res->repeats = R;
        res->baseline = score_with(&j, -1, NULL, j.scratch[0]);
        st = gb_parallel_run(ctl, items, do_item, &j, 0.0, 1.0, err);
    }
    for (int t = 0; j.scratch && t < n_threads; t++)
        free(j.scratch[t]);
    free(j.scratch);
    gb_forest_free(forest);
    free(x);
    free(y);
    if (st != GB_JOB_OK) {
        gb_importance_free(res);
        res->status = st;
        return st;
    }
    reduce(res);
    res->status = GB_JOB_OK;
    return GB_JOB_OK;
}
