/* interactions.c: SHAP interaction values for trees (conditioned TreeSHAP
 * twice per feature) and linear models (diagonal); see interactions.h. */
#include "interactions.h"

#include <stdlib.h>
#include <string.h>

#include "mem_limits.h"
#include "linearshap.h"
#include "treeshap.h"

typedef struct inter_job {
    const gb_model *m;
    const gb_dataset *ds;
    const gb_binding *b;
    const size_t *rows;
    const gb_treeshap *ts;
    gb_treeshap_ws **ws; /* per worker */
    double **scratch;    /* per worker: x, phi, on, off */
    const double *mean;  /* linear */
    const gb_job_ctl *ctl;
    double *values;
} inter_job;

size_t gb_interactions_block(const gb_model *m)
{
    size_t w = (size_t)m->n_features + 1;
    return (size_t)m->n_groups * w * w;
}

/* Fills the matrices of one row from the conditioned passes. */
static int tree_row(const inter_job *j, gb_treeshap_ws *ws, double *s, double *out)
{
    int nf = j->m->n_features, ng = j->m->n_groups;
    size_t w = (size_t)nf + 1, gw = (size_t)ng * w;
    double *x = s, *phi = s + nf, *on = phi + gw, *off = on + gw;
    gb_treeshap_row(j->ts, ws, x, phi);
    memset(out, 0, (size_t)ng * w * w * sizeof *out);
    for (int i = 0; i < nf; i++) {
        if (gb_cancelled(j->ctl))
            return 1;
        gb_treeshap_row_cond(j->ts, ws, x, i, 1, on);
        gb_treeshap_row_cond(j->ts, ws, x, i, -1, off);
        for (int g = 0; g < ng; g++) {
            double *r = out + (size_t)g * w * w + (size_t)i * w;
            const double *a = on + (size_t)g * w, *c = off + (size_t)g * w;
            double diag = phi[(size_t)g * w + (size_t)i];
            for (int k = 0; k < nf; k++) {
                if (k == i)
                    continue;
                r[k] = (a[k] - c[k]) / 2.0;
                diag -= r[k];
            }
            r[i] = diag;
        }
    }
    for (int g = 0; g < ng; g++)
        out[(size_t)g * w * w + (size_t)nf * w + (size_t)nf] = phi[(size_t)g * w + (size_t)nf];
    return 0;
}

static void linear_row(const inter_job *j, double *s, double *out)
{
    int nf = j->m->n_features, ng = j->m->n_groups;
    size_t w = (size_t)nf + 1;
    double *x = s, *phi = s + nf;
    gb_linearshap_row(j->m, j->mean, x, phi);
    memset(out, 0, (size_t)ng * w * w * sizeof *out);
    for (int g = 0; g < ng; g++)
        for (size_t i = 0; i < w; i++)
            out[(size_t)g * w * w + i * w + i] = phi[(size_t)g * w + i];
}

static int do_row(void *ctx, int worker, size_t item, gb_error *err)
{
    (void)err;
    inter_job *j = ctx;
    double *s = j->scratch[worker];
    double *out = j->values + item * gb_interactions_block(j->m);
    gb_binding_row(j->b, j->ds, j->rows[item], s);
    /* A cancelled row is left half-done: the job reports cancellation and
     * returns no values. */
    if (j->ts)
        tree_row(j, j->ws[worker], s, out);
    else
        linear_row(j, s, out);
    return 0;
}

static double *dataset_mean(const gb_model *m, const gb_dataset *ds, const gb_binding *b, gb_error *err)
{
    int nf = m->n_features;
    double *mean = gb_calloc((size_t)nf, sizeof *mean, err);
    double *x = mean ? gb_malloc((size_t)nf, sizeof *x, err) : NULL;
    if (!x) {
        free(mean);
        return NULL;
    }
    for (size_t r = 0; r < ds->n_rows; r++) {
        gb_binding_row(b, ds, r, x);
        for (int f = 0; f < nf; f++)
            mean[f] += isnan(x[f]) ? 0.0 : x[f];
    }
    for (int f = 0; f < nf && ds->n_rows; f++)
        mean[f] /= (double)ds->n_rows;
    free(x);
    return mean;
}

static void free_workers(inter_job *j, int n)
{
    for (int t = 0; j->ws && t < n; t++)
        gb_treeshap_ws_free(j->ws[t]);
    for (int t = 0; j->scratch && t < n; t++)
        free(j->scratch[t]);
    free(j->ws);
    free(j->scratch);
}

gb_job_status gb_interactions_run(const gb_model *m, const gb_dataset *ds, const gb_binding *b,
                                  const size_t *rows, size_t n_rows, const double *mean,
                                  const gb_job_ctl *ctl, gb_interactions_result *res, gb_error *err)
{
    memset(res, 0, sizeof *res);
    res->status = GB_JOB_FAILED;
    res->n_rows = n_rows;
    res->n_groups = m->n_groups;
    res->n_features = m->n_features;
    inter_job j = {.m = m, .ds = ds, .b = b, .rows = rows, .ctl = ctl};
    char count[32];
    gb_limit_format_count(n_rows, count, sizeof count);
    if (gb_limit_check(gb_estimate_interactions_bytes(n_rows, (uint64_t)m->n_groups, (uint64_t)m->n_features),
                       "explain fewer rows at once", err, "interactions for %s rows x %d features", count,
                       m->n_features))
        return GB_JOB_FAILED;
    double *own_mean = NULL;
    gb_treeshap *ts = NULL;
    int n_threads = gb_parallel_threads(ctl, n_rows);
    gb_job_status st = GB_JOB_FAILED;
    if (m->kind == GB_MODEL_TREES) {
        ts = gb_treeshap_new(m, err);
        if (!ts)
            return GB_JOB_FAILED;
    } else if (!mean) {
        mean = own_mean = dataset_mean(m, ds, b, err);
        if (!mean)
            return GB_JOB_FAILED;
    }
    j.ts = ts;
    j.mean = mean;
    size_t gw = (size_t)m->n_groups * ((size_t)m->n_features + 1);
    j.values = gb_malloc(n_rows ? n_rows : 1, gb_interactions_block(m) * sizeof(double), err);
    j.ws = j.values ? gb_calloc((size_t)n_threads, sizeof *j.ws, err) : NULL;
    j.scratch = j.ws ? gb_calloc((size_t)n_threads, sizeof *j.scratch, err) : NULL;
    int ok = j.scratch != NULL;
    for (int t = 0; ok && t < n_threads; t++) {
        j.scratch[t] = gb_malloc((size_t)m->n_features + 3 * gw, sizeof(double), err);
        ok = j.scratch[t] && (!ts || (j.ws[t] = gb_treeshap_ws_new(ts, err)) != NULL);
    }
    if (ok)
        st = gb_parallel_run(ctl, n_rows, do_row, &j, 0.0, 1.0, err);
    if (st == GB_JOB_OK && gb_cancelled(ctl)) {
        gb_error_set(err, "cancelled");
        st = GB_JOB_CANCELLED;
    }
    free_workers(&j, n_threads);
    gb_treeshap_free(ts);
    free(own_mean);
    if (st != GB_JOB_OK) {
        free(j.values);
        res->status = st;
        return st;
    }
    res->values = j.values;
    res->status = GB_JOB_OK;
    return GB_JOB_OK;
}

void gb_interactions_result_free(gb_interactions_result *res)
{
    free(res->values);
    res->values = NULL;
}

void gb_interactions_add_abs(const gb_interactions_result *res, double *sum_abs)
{
    size_t w = (size_t)res->n_features + 1, block = (size_t)res->n_groups * w * w;
    for (size_t r = 0; r < res->n_rows; r++)
        for (size_t k = 0; k < block; k++)
            sum_abs[k] += fabs(res->values[r * block + k]);
}
