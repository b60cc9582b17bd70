/* explain.c: the multi-threaded job runner behind gb_explainer (see
 * explain.h).
 *
 * Each thread owns everything it writes to: its workspaces (TreeSHAP, the
 * coalition engine), a random stream it re-seeds for every row from (seed,
 * data row), and the result slots of the rows it takes.  Rows are taken in
 * blocks (one at a time for the slow, sampled methods, so that the last
 * rows do not wait on one busy thread).  A row that fails (exact Shapley on
 * a row with too many varying features) stops the job; when several fail at
 * once the message of the earliest row in the request is kept, so the error
 * does not depend on scheduling either. */
#include "explain.h"
#include "explain_trace.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernelshap.h"
#include "lime.h"
#include "linearshap.h"
#include "permutation.h"
#include "rng.h"
#include "shapley_exact.h"
#include "treeshap.h"
#include "treeshap_int.h"

struct gb_explainer {
    const gb_model *model;
    const gb_dataset *ds;
    const gb_binding *binding;
    gb_explain_options opt; /* method resolved */
    gb_treeshap *ts;
    double *mean;           /* linear: n_features */
    gb_coalition *coal;     /* exact, kernelshap, permutation */
    gb_treeshap_int *tsi;
    gb_lime_stats *lime;    /* the explained data's statistics */
    gb_lime_config lime_cfg;
};

typedef struct run_state {
    gb_explainer *ex;
    const gb_explain_request *req;
    gb_explain_result *res;
    size_t block;
    atomic_size_t next;
    atomic_size_t done;
    atomic_int stop;        /* a row failed: the others stop too */
    atomic_uint_fast64_t evals;
    pthread_mutex_t lock;   /* guards fail_index and fail_msg */
    size_t fail_index;
    gb_error fail_msg;
    pthread_t caller;       /* only this thread calls the callbacks */
} run_state;

/* One thread's tools. */
typedef struct worker_ctx {
    run_state *st;
    double *x;
    gb_treeshap_ws *tsw;
    gb_coalition_ws *cws;
    gsl_rng *rng;
    gb_lime_result lime;
    int lime_ready;
    int is_caller;
    size_t index;           /* the request row being explained */
} worker_ctx;

static const gb_method all_methods[] = {GB_METHOD_AUTO,        GB_METHOD_TREESHAP,    GB_METHOD_LINEAR,
                                        GB_METHOD_EXACT,       GB_METHOD_KERNELSHAP,  GB_METHOD_PERMUTATION,
                                        GB_METHOD_TREESHAP_INT, GB_METHOD_LIME};

const char *gb_method_name(gb_method method)
{
    switch (method) {
    case GB_METHOD_AUTO: return "auto";
    case GB_METHOD_TREESHAP: return "treeshap";
    case GB_METHOD_LINEAR: return "linear";
    case GB_METHOD_EXACT: return "exact";
    case GB_METHOD_KERNELSHAP: return "kernelshap";
    case GB_METHOD_PERMUTATION: return "permutation";
    case GB_METHOD_TREESHAP_INT: return "treeshap-int";
    case GB_METHOD_LIME: return "lime";
    }
    return "?";
}

const char *gb_method_names(void)
{
    return "treeshap, linear, exact, kernelshap, permutation, treeshap-int or lime";
}

int gb_method_parse(const char *name, gb_method *out)
{
    for (size_t i = 0; i < sizeof all_methods / sizeof *all_methods; i++)
        if (strcmp(name, gb_method_name(all_methods[i])) == 0) {
            *out = all_methods[i];
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

int gb_method_needs_background(gb_method method)
{
    return method == GB_METHOD_EXACT || method == GB_METHOD_KERNELSHAP || method == GB_METHOD_PERMUTATION ||
           method == GB_METHOD_TREESHAP_INT;
}

int gb_method_is_sampled(gb_method method)
{
    return method == GB_METHOD_KERNELSHAP || method == GB_METHOD_PERMUTATION || method == GB_METHOD_LIME;
}

int gb_method_has_se(gb_method method)
{
    return method == GB_METHOD_KERNELSHAP || method == GB_METHOD_PERMUTATION;
}

int gb_method_any_space(gb_method method)
{
    return method == GB_METHOD_EXACT || method == GB_METHOD_KERNELSHAP || method == GB_METHOD_PERMUTATION ||
           method == GB_METHOD_LIME;
}

int gb_method_check(const gb_model *m, gb_method method, gb_error *err)
{
    method = gb_method_resolve(m, method);
    if (method == GB_METHOD_TREESHAP && m->kind != GB_MODEL_TREES)
        return gb_error_set(err, "--method treeshap needs a tree ensemble; this is a linear model (use --method linear)");
    if (method == GB_METHOD_TREESHAP_INT && m->kind != GB_MODEL_TREES)
        return gb_error_set(err, "--method treeshap-int needs a tree ensemble; this is a linear model (use --method "
                            "linear, whose values are the interventional ones, or exact)");
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

static int build_linear(gb_explainer *ex, gb_error *err)
{
    const gb_model *m = ex->model;
    ex->mean = gb_malloc((size_t)m->n_features, sizeof *ex->mean, err);
    if (!ex->mean)
        return -1;
    if (ex->opt.background)
        gb_background_mean0(ex->opt.background, ex->mean);
    else if (ex->opt.mean)
        memcpy(ex->mean, ex->opt.mean, (size_t)m->n_features * sizeof *ex->mean);
    else {
        free(ex->mean);
        if (!(ex->mean = dataset_mean(m, ex->ds, ex->binding, err)))
            return -1;
    }
    return 0;
}

/* LIME's neighbourhood statistics come from the explained data, as lime's
 * come from its training data. */
static int build_lime(gb_explainer *ex, gb_error *err)
{
    const gb_model *m = ex->model;
    const double **cols = gb_malloc((size_t)m->n_features, sizeof *cols, err);
    if (!cols)
        return -1;
    for (int f = 0; f < m->n_features; f++)
        cols[f] = ex->ds->cols[ex->binding->column[f]].values;
    ex->lime = gb_lime_stats_new(m, cols, NULL, ex->ds->n_rows, err);
    free(cols);
    if (!ex->lime)
        return -1;
    gb_lime_config *c = &ex->lime_cfg;
    c->samples = ex->opt.sampling.samples;
    c->kernel_width = ex->opt.lime_kernel_width;
    c->discretize = ex->opt.lime_discretize;
    c->selection = ex->opt.lime_selection;
    c->num_features = ex->opt.lime_num_features;
    c->space = ex->opt.space == GB_SPACE_PROBABILITY ? GB_LIME_OUTPUT : GB_LIME_MARGIN;
    for (c->group = 0; c->group < m->n_groups; c->group++)
        if (gb_lime_config_check(ex->lime, c, err))
            return -1;
    c->group = 0;
    return 0;
}

gb_explainer *gb_explainer_create(const gb_model *m, const gb_dataset *ds, const gb_binding *b,
                                  const gb_explain_options *opt, gb_error *err)
{
    if (gb_method_check(m, opt->method, err))
        return NULL;
    gb_method method = gb_method_resolve(m, opt->method);
    if (gb_method_needs_background(method) && !opt->background)
        return gb_error_set(err, "--method %s needs a background", gb_method_name(method)), NULL;
    if (opt->space == GB_SPACE_PROBABILITY && !gb_method_any_space(method))
        return gb_error_set(err, "--method %s explains the raw margin only; --output-space probability is for "
                            "exact, kernelshap, permutation and lime", gb_method_name(method)),
               NULL;
    gb_explainer *ex = gb_calloc(1, sizeof *ex, err);
    if (!ex)
        return NULL;
    ex->model = m;
    ex->ds = ds;
    ex->binding = b;
    ex->opt = *opt;
    ex->opt.method = method;
    int rc = 0;
    switch (method) {
    case GB_METHOD_TREESHAP:
        rc = (ex->ts = gb_treeshap_new(m, err)) ? 0 : -1;
        break;
    case GB_METHOD_LINEAR:
        rc = build_linear(ex, err);
        break;
    case GB_METHOD_EXACT:
    case GB_METHOD_KERNELSHAP:
    case GB_METHOD_PERMUTATION:
        rc = (ex->coal = gb_coalition_new(m, opt->background, opt->space, opt->coalition_flags, err)) ? 0 : -1;
        break;
    case GB_METHOD_TREESHAP_INT: {
        const gb_background *bg = opt->background;
        rc = (ex->tsi = gb_treeshap_int_new(m, bg->x, bg->w, bg->n, err)) ? 0 : -1;
        break;
    }
    case GB_METHOD_LIME:
        rc = build_lime(ex, err);
        break;
    default:
        rc = gb_error_set(err, "--method %s is not available", gb_method_name(method));
    }
    if (rc) {
        gb_explainer_free(ex);
        return NULL;
    }
    return ex;
}

gb_explainer *gb_explainer_new(const gb_model *m, const gb_dataset *ds, const gb_binding *b, gb_method method,
                               const double *mean, gb_error *err)
{
    gb_explain_options opt = {.method = method, .mean = mean};
    return gb_explainer_create(m, ds, b, &opt, err);
}

void gb_explainer_free(gb_explainer *ex)
{
    if (!ex)
        return;
    gb_treeshap_free(ex->ts);
    gb_coalition_free(ex->coal);
    gb_treeshap_int_free(ex->tsi);
    gb_lime_stats_free(ex->lime);
    free(ex->mean);
    free(ex);
}

gb_method gb_explainer_method(const gb_explainer *ex)
{
    return ex->opt.method;
}

/* For explain_trace.c, which explains one row the way explain_row does. */
void gb_explainer_get_parts(const gb_explainer *ex, gb_explainer_parts *p)
{
    *p = (gb_explainer_parts){ex->model, ex->ds, ex->binding, &ex->opt, ex->coal, ex->lime, &ex->lime_cfg};
}

/* ------------------------------------------------------------------ rows */

static void on_estimate(void *vctx, const gb_estimate *e)
{
    worker_ctx *w = vctx;
    const gb_explain_request *req = w->st->req;
    if (req->estimate && e->phi)
        req->estimate(req->progress_ctx, w->index, e);
    if (req->progress && e->budget) {
        double part = (double)e->samples / (double)e->budget;
        req->progress(req->progress_ctx,
                      ((double)atomic_load(&w->st->done) + (part < 1.0 ? part : 1.0)) / (double)req->n_rows);
    }
}

static uint64_t purpose_of(gb_method method)
{
    return method == GB_METHOD_KERNELSHAP ? GB_RNG_KERNELSHAP
           : method == GB_METHOD_PERMUTATION ? GB_RNG_PERMUTATION
                                             : GB_RNG_LIME;
}

/* The model's output at x in the explainer's space. */
static void model_output(const gb_explainer *ex, const double *x, double *out)
{
    gb_model_margin(ex->model, x, out);
    if (ex->opt.space == GB_SPACE_PROBABILITY)
        gb_model_transform(ex->model, out, out);
}

static int game_row(worker_ctx *w, double *phi, double *se, size_t *used, gb_error *err)
{
    gb_explainer *ex = w->st->ex;
    const atomic_int *cancel = w->st->req->cancel;
    gb_game g;
    int rc = gb_game_begin(&g, ex->coal, w->cws, w->x, cancel, err);
    if (rc)
        return rc;
    int want_cb = w->is_caller && (w->st->req->estimate || w->st->req->progress);
    switch (ex->opt.method) {
    case GB_METHOD_EXACT:
        rc = gb_shapley_exact_row(&g, phi, cancel, err);
        break;
    case GB_METHOD_KERNELSHAP:
        rc = gb_kernelshap_row(&g, &ex->opt.sampling, w->rng, phi, se, used, want_cb ? on_estimate : NULL, w,
                               cancel, err);
        break;
    default:
        rc = gb_permutation_row(&g, &ex->opt.sampling, w->rng, phi, se, used, want_cb ? on_estimate : NULL, w,
                                cancel, err);
        break;
    }
    gb_game_end(&g);
    return rc;
}

/* LIME, class by class on the same neighbourhood (the stream restarts for
 * each class).  The block holds the weights and the intercept; the output
 * is the local model's prediction. */
static int lime_row(worker_ctx *w, size_t data_row, double *phi, double *out, double *r2, gb_error *err)
{
    gb_explainer *ex = w->st->ex;
    size_t nf = (size_t)ex->model->n_features;
    gb_lime_config cfg = ex->lime_cfg;
    for (cfg.group = 0; cfg.group < ex->model->n_groups; cfg.group++) {
        gb_rng_reset(w->rng, ex->opt.seed, GB_RNG_LIME, ex->opt.row_base + data_row);
        int rc = gb_lime_row(ex->lime, &cfg, w->x, w->rng, &w->lime, w->st->req->cancel);
        if (rc < 0)
            return gb_error_set(err, "LIME could not explain row %zu (out of memory)", data_row);
        if (rc)
            return rc;
        double *block = phi + (size_t)cfg.group * (nf + 1);
        memcpy(block, w->lime.weights, nf * sizeof *block);
        block[nf] = w->lime.intercept;
        out[cfg.group] = w->lime.local_pred;
        r2[cfg.group] = w->lime.r2;
    }
    size_t samples = cfg.samples ? cfg.samples : 5000;
    atomic_fetch_add(&w->st->evals, (uint64_t)samples * (uint64_t)ex->model->n_groups);
    if (w->st->res->samples)
        w->st->res->samples[w->index] = samples;
    return 0;
}

/* Explains request row i.  Returns 0, 1 when cancelled, -1 with err set. */
static int explain_row(worker_ctx *w, size_t i, gb_error *err)
{
    run_state *st = w->st;
    gb_explainer *ex = st->ex;
    const gb_model *m = ex->model;
    gb_explain_result *res = st->res;
    size_t stride = (size_t)m->n_groups * (size_t)(m->n_features + 1);
    size_t data_row = st->req->rows[i];
    double *phi = res->phi + i * stride, *se = res->se ? res->se + i * stride : NULL;
    int rc = 0;
    w->index = i;
    gb_binding_row(ex->binding, ex->ds, data_row, w->x);
    if (w->rng)
        gb_rng_reset(w->rng, ex->opt.seed, purpose_of(ex->opt.method), ex->opt.row_base + data_row);
    switch (ex->opt.method) {
    case GB_METHOD_TREESHAP:
        gb_treeshap_row(ex->ts, w->tsw, w->x, phi);
        atomic_fetch_add(&st->evals, 1);
        break;
    case GB_METHOD_LINEAR:
        gb_linearshap_row(m, ex->mean, w->x, phi);
        atomic_fetch_add(&st->evals, 1);
        break;
    case GB_METHOD_TREESHAP_INT:
        rc = gb_treeshap_int_row(ex->tsi, w->x, phi, st->req->cancel);
        if (rc < 0)
            gb_error_set(err, "out of memory while explaining");
        atomic_fetch_add(&st->evals, ex->opt.background->n);
        break;
    case GB_METHOD_LIME:
        return lime_row(w, data_row, phi, res->margin + i * (size_t)m->n_groups,
                        res->r2 + i * (size_t)m->n_groups, err);
    default:
        rc = game_row(w, phi, se, res->samples ? res->samples + i : NULL, err);
        break;
    }
    if (rc == 0)
        model_output(ex, w->x, res->margin + i * (size_t)m->n_groups);
    return rc;
}

static void record_failure(run_state *st, size_t i, const gb_error *err)
{
    pthread_mutex_lock(&st->lock);
    if (i < st->fail_index) {
        st->fail_index = i;
        st->fail_msg = *err;
    }
    pthread_mutex_unlock(&st->lock);
    atomic_store(&st->stop, 1);
}

static int worker_init(worker_ctx *w, run_state *st, gb_error *err)
{
    gb_explainer *ex = st->ex;
    memset(w, 0, sizeof *w);
    w->st = st;
    w->is_caller = pthread_equal(pthread_self(), st->caller);
    w->x = gb_malloc((size_t)ex->model->n_features, sizeof *w->x, err);
    if (!w->x)
        return -1;
    if (ex->ts && !(w->tsw = gb_treeshap_ws_new(ex->ts, err)))
        return -1;
    if (ex->coal && !(w->cws = gb_coalition_ws_new(ex->coal, err)))
        return -1;
    if (gb_method_is_sampled(ex->opt.method) && !(w->rng = gb_rng_new(0, 0, 0, err)))
        return -1;
    if (ex->lime) {
        if (gb_lime_result_init(&w->lime, ex->lime, err))
            return -1;
        w->lime_ready = 1;
    }
    return 0;
}

static void worker_free(worker_ctx *w)
{
    if (w->cws)
        atomic_fetch_add(&w->st->evals, gb_coalition_ws_evals(w->cws));
    free(w->x);
    gb_treeshap_ws_free(w->tsw);
    gb_coalition_ws_free(w->cws);
    gsl_rng_free(w->rng);
    if (w->lime_ready)
        gb_lime_result_free(&w->lime);
}

static void *worker(void *arg)
{
    run_state *st = arg;
    const gb_explain_request *req = st->req;
    worker_ctx w;
    gb_error err = {{0}};
    if (worker_init(&w, st, &err)) {
        record_failure(st, 0, &err);
        worker_free(&w);
        return NULL;
    }
    for (;;) {
        if ((req->cancel && atomic_load(req->cancel)) || atomic_load(&st->stop))
            break;
        size_t lo = atomic_fetch_add(&st->next, st->block);
        if (lo >= req->n_rows)
            break;
        size_t hi = lo + st->block < req->n_rows ? lo + st->block : req->n_rows;
        size_t i = lo;
        for (; i < hi; i++) {
            int rc = explain_row(&w, i, &err);
            if (rc < 0)
                record_failure(st, i, &err);
            if (rc)
                break;
        }
        if (i < hi)
            break;
        size_t done = atomic_fetch_add(&st->done, hi - lo) + (hi - lo);
        if (req->progress && w.is_caller)
            req->progress(req->progress_ctx, (double)done / (double)req->n_rows);
    }
    worker_free(&w);
    return NULL;
}

/* Exact Shapley refuses rows with too many varying features: find the first
 * such row before any work starts, and say what it would cost. */
static int precheck_exact(gb_explainer *ex, const gb_explain_request *req, gb_error *err)
{
    const gb_model *m = ex->model;
    double *x = gb_malloc((size_t)m->n_features, sizeof *x, err);
    if (!x)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < req->n_rows && rc == 0; i++) {
        gb_binding_row(ex->binding, ex->ds, req->rows[i], x);
        if (gb_coalition_count_players(ex->coal, x) <= GB_EXACT_MAX_PLAYERS)
            continue;
        gb_coalition_ws *ws = gb_coalition_ws_new(ex->coal, err);
        gb_game g;
        rc = -1;
        if (ws && gb_game_begin(&g, ex->coal, ws, x, NULL, err) == 0) {
            double *phi = gb_malloc((size_t)m->n_groups, (size_t)(m->n_features + 1) * sizeof *phi, err);
            if (phi && gb_shapley_exact_row(&g, phi, NULL, err) < 0)
                gb_error_prefix(err, "row %zu: ", req->rows[i]);
            free(phi);
            gb_game_end(&g);
        }
        gb_coalition_ws_free(ws);
    }
    free(x);
    return rc;
}

static int alloc_result(const gb_explainer *ex, const gb_explain_request *req, gb_explain_result *res,
                        gb_error *err)
{
    const gb_model *m = ex->model;
    size_t n = req->n_rows ? req->n_rows : 1;
    size_t stride = (size_t)m->n_groups * (size_t)(m->n_features + 1);
    res->n_rows = req->n_rows;
    res->n_groups = m->n_groups;
    res->n_features = m->n_features;
    res->method = ex->opt.method;
    res->space = ex->opt.space;
    res->phi = gb_malloc(n, stride * sizeof *res->phi, err);
    res->margin = gb_malloc(n, (size_t)m->n_groups * sizeof *res->margin, err);
    if (!res->phi || !res->margin)
        return -1;
    if (gb_method_has_se(ex->opt.method) && !(res->se = gb_calloc(n, stride * sizeof *res->se, err)))
        return -1;
    if (gb_method_is_sampled(ex->opt.method) && !(res->samples = gb_calloc(n, sizeof *res->samples, err)))
        return -1;
    if (ex->opt.method == GB_METHOD_LIME &&
        !(res->r2 = gb_calloc(n, (size_t)m->n_groups * sizeof *res->r2, err)))
        return -1;
    return 0;
}

gb_job_status gb_explainer_run(gb_explainer *ex, const gb_explain_request *req, gb_explain_result *res,
                               gb_error *err)
{
    memset(res, 0, sizeof *res);
    res->status = GB_JOB_FAILED;
    if (alloc_result(ex, req, res, err) ||
        (ex->opt.method == GB_METHOD_EXACT && precheck_exact(ex, req, err))) {
        gb_explain_result_free(res);
        return GB_JOB_FAILED;
    }
    run_state st = {.ex = ex, .req = req, .res = res, .caller = pthread_self(), .fail_index = SIZE_MAX};
    st.block = gb_method_is_sampled(ex->opt.method) || ex->opt.method == GB_METHOD_EXACT ||
                       ex->opt.method == GB_METHOD_TREESHAP_INT
                   ? 1
                   : 16;
    atomic_init(&st.next, 0);
    atomic_init(&st.done, 0);
    atomic_init(&st.stop, 0);
    atomic_init(&st.evals, 0);
    pthread_mutex_init(&st.lock, NULL);
    int threads = req->threads > 0 ? req->threads : gb_cpu_count();
    size_t max_useful = (req->n_rows + st.block - 1) / st.block;
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
    pthread_mutex_destroy(&st.lock);
    res->evals = atomic_load(&st.evals);
    size_t done = atomic_load(&st.done);
    if (req->progress)
        req->progress(req->progress_ctx, (double)done / (double)(req->n_rows ? req->n_rows : 1));
    if (st.fail_index != SIZE_MAX) {
        *err = st.fail_msg;
        gb_explain_result_free(res);
        return res->status = GB_JOB_FAILED;
    }
    if (done < req->n_rows) {
        gb_explain_result_free(res);
        gb_error_set(err, "cancelled");
        return res->status = GB_JOB_CANCELLED;
    }
    return res->status = GB_JOB_OK;
}

void gb_explain_result_free(gb_explain_result *res)
{
    free(res->phi);
    free(res->se);
    free(res->margin);
    free(res->r2);
    free(res->samples);
    res->phi = res->se = res->margin = res->r2 = NULL;
    res->samples = NULL;
}

double gb_explain_additivity_error(const gb_explain_result *res)
{
    double worst = 0.0;
    size_t m = (size_t)res->n_features;
    if (res->method == GB_METHOD_LIME)
        return 0.0;
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
