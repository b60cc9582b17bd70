/* explain.c: the multi-threaded runner behind gb_explainer (see explain.h). */
#include "explain.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linearshap.h"
#include "treeshap.h"

struct gb_explainer {
    const gb_model *model;
    const gb_dataset *ds;
    const gb_binding *binding;
    gb_method method;
    gb_treeshap *ts;
    double *mean; /* linear: n_features */
};

/* Rows handed out per grab: small enough to balance, big enough that the
 * atomic counter is not contended. */
enum { BLOCK = 16 };

typedef struct run_state {
    gb_explainer *ex;
    const gb_explain_request *req;
    gb_explain_result *res;
    atomic_size_t next;
    atomic_size_t done;
    atomic_int failed;
    pthread_t caller; /* only this thread calls the progress callback */
} run_state;

const char *gb_method_name(gb_method method)
{
    switch (method) {
    case GB_METHOD_AUTO: return "auto";
    case GB_METHOD_TREESHAP: return "treeshap";
    case GB_METHOD_LINEAR: return "linear";
    }
    return "?";
}

int gb_method_parse(const char *name, gb_method *out)
{
    static const gb_method all[] = {GB_METHOD_AUTO, GB_METHOD_TREESHAP, GB_METHOD_LINEAR};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        if (strcmp(name, gb_method_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    return -1;
}

gb_method gb_method_resolve(const gb_model *m, gb_method method)
{
    if (method != GB_METHOD_AUTO)
        return method;
    return m->kind == GB_MODEL_LINEAR ? GB_METHOD_LINEAR : GB_METHOD_TREESHAP;
}

int gb_method_check(const gb_model *m, gb_method method, gb_error *err)
{
    method = gb_method_resolve(m, method);
    if (method == GB_METHOD_TREESHAP && m->kind != GB_MODEL_TREES)
        return gb_error_set(err, "--method treeshap needs a tree ensemble; this is a linear model (use --method linear)");
    if (method == GB_METHOD_LINEAR && m->kind != GB_MODEL_LINEAR)
        return gb_error_set(err, "--method linear needs a linear model; this is a tree ensemble (use --method treeshap)");
    return 0;
}

int gb_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

static double *dataset_mean(const gb_model *m, const gb_dataset *ds, const gb_binding *b, gb_error *err)
{
    double *mean = gb_calloc((size_t)m->n_features, sizeof *mean, err);
    if (!mean)
        return NULL;
    for (int f = 0; f < m->n_features; f++) {
        const double *v = ds->cols[b->column[f]].values;
        double s = 0.0;
        for (size_t r = 0; r < ds->n_rows; r++)
            if (!isnan(v[r]))
                s += v[r];
        mean[f] = ds->n_rows ? s / (double)ds->n_rows : 0.0;
    }
    return mean;
}

gb_explainer *gb_explainer_new(const gb_model *m, const gb_dataset *ds, const gb_binding *b, gb_method method,
                               const double *mean, gb_error *err)
{
    if (gb_method_check(m, method, err))
        return NULL;
    gb_explainer *ex = gb_calloc(1, sizeof *ex, err);
    if (!ex)
        return NULL;
    ex->model = m;
    ex->ds = ds;
    ex->binding = b;
    ex->method = gb_method_resolve(m, method);
    if (ex->method == GB_METHOD_TREESHAP) {
        ex->ts = gb_treeshap_new(m, err);
        if (!ex->ts)
            goto fail;
    } else if (mean) {
        ex->mean = gb_malloc((size_t)m->n_features, sizeof *ex->mean, err);
        if (!ex->mean)
            goto fail;
        memcpy(ex->mean, mean, (size_t)m->n_features * sizeof *mean);
    } else if (!(ex->mean = dataset_mean(m, ds, b, err))) {
        goto fail;
    }
    return ex;
fail:
    gb_explainer_free(ex);
    return NULL;
}

void gb_explainer_free(gb_explainer *ex)
{
    if (!ex)
        return;
    gb_treeshap_free(ex->ts);
    free(ex->mean);
    free(ex);
}

static void *worker(void *arg)
{
    run_state *st = arg;
    gb_explainer *ex = st->ex;
    const gb_model *m = ex->model;
    size_t stride = (size_t)m->n_groups * (size_t)(m->n_features + 1);
    gb_treeshap_ws *ws = NULL;
    double *x = malloc((size_t)m->n_features * sizeof *x);
    if (!x || (ex->ts && !(ws = gb_treeshap_ws_new(ex->ts, NULL)))) {
        atomic_store(&st->failed, 1);
        free(x);
        return NULL;
    }
    for (;;) {
        if (st->req->cancel && atomic_load(st->req->cancel))
            break;
        size_t lo = atomic_fetch_add(&st->next, BLOCK);
        if (lo >= st->req->n_rows)
            break;
        size_t hi = lo + BLOCK < st->req->n_rows ? lo + BLOCK : st->req->n_rows;
        for (size_t i = lo; i < hi; i++) {
            gb_binding_row(ex->binding, ex->ds, st->req->rows[i], x);
            double *phi = st->res->phi + i * stride;
            if (ws)
                gb_treeshap_row(ex->ts, ws, x, phi);
            else
                gb_linearshap_row(m, ex->mean, x, phi);
            gb_model_margin(m, x, st->res->margin + i * (size_t)m->n_groups);
        }
        size_t done = atomic_fetch_add(&st->done, hi - lo) + (hi - lo);
        if (st->req->progress && pthread_equal(pthread_self(), st->caller))
            st->req->progress(st->req->progress_ctx, (double)done / (double)st->req->n_rows);
    }
    gb_treeshap_ws_free(ws);
    free(x);
    return NULL;
}

gb_job_status gb_explainer_run(gb_explainer *ex, const gb_explain_request *req, gb_explain_result *res,
                               gb_error *err)
{
    const gb_model *m = ex->model;
    memset(res, 0, sizeof *res);
    res->n_rows = req->n_rows;
    res->n_groups = m->n_groups;
    res->n_features = m->n_features;
    size_t stride = (size_t)m->n_groups * (size_t)(m->n_features + 1);
    res->phi = gb_malloc(req->n_rows ? req->n_rows : 1, stride * sizeof *res->phi, err);
    res->margin = gb_malloc(req->n_rows ? req->n_rows : 1, (size_t)m->n_groups * sizeof *res->margin, err);
    if (!res->phi || !res->margin) {
        gb_explain_result_free(res);
        return GB_JOB_FAILED;
    }
    run_state st = {.ex = ex, .req = req, .res = res, .caller = pthread_self()};
    atomic_init(&st.next, 0);
    atomic_init(&st.done, 0);
    atomic_init(&st.failed, 0);
    int threads = req->threads > 0 ? req->threads : gb_cpu_count();
    size_t max_useful = (req->n_rows + BLOCK - 1) / BLOCK;
    if ((size_t)threads > max_useful)
        threads = max_useful ? (int)max_useful : 1;
    pthread_t *tid = calloc((size_t)threads, sizeof *tid);
    int started = 0;
    if (tid)
        for (; started < threads - 1; started++)
            if (pthread_create(&tid[started], NULL, worker, &st))
                break;
    /* The calling thread works too; with --threads 1 it is the only one. */
    worker(&st);
    for (int i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    free(tid);
    if (req->progress)
        req->progress(req->progress_ctx, (double)atomic_load(&st.done) / (double)(req->n_rows ? req->n_rows : 1));
    if (atomic_load(&st.failed)) {
        gb_explain_result_free(res);
        gb_error_set(err, "out of memory while explaining");
        return GB_JOB_FAILED;
    }
    if (req->cancel && atomic_load(req->cancel) && atomic_load(&st.done) < req->n_rows) {
        gb_explain_result_free(res);
        gb_error_set(err, "cancelled");
        return GB_JOB_CANCELLED;
    }
    return GB_JOB_OK;
}

void gb_explain_result_free(gb_explain_result *res)
{
    free(res->phi);
    free(res->margin);
    res->phi = res->margin = NULL;
}

double gb_explain_additivity_error(const gb_explain_result *res)
{
    double worst = 0.0;
    size_t m = (size_t)res->n_features;
    for (size_t r = 0; r < res->n_rows; r++)
        for (int g = 0; g < res->n_groups; g++) {
            const double *phi = res->phi + (r * (size_t)res->n_groups + (size_t)g) * (m + 1);
            double s = phi[m];
            for (size_t f = 0; f < m; f++)
                s += phi[f];
            double out = res->margin[r * (size_t)res->n_groups + (size_t)g];
            double e = fabs(s - out) / (fabs(out) > 1.0 ? fabs(out) : 1.0);
            if (e > worst || isnan(e))
                worst = isnan(e) ? INFINITY : e;
        }
    return worst;
}
