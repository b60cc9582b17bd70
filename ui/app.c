/* app.c: the explorer's shared state: messages, parameters, the result
 * cache and the jobs that fill it (see app.h). */
#include "app.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/explain_trace.h"
#include "how.h"

#include "session.h"

enum { CACHE_MAX = 4096, PREDICT_BLOCK = 4096 };

void ui_msg(ui_app *app, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(app->msg, sizeof app->msg, fmt, ap);
    va_end(ap);
    app->msg_error = 0;
}

void ui_error(ui_app *app, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(app->msg, sizeof app->msg, fmt, ap);
    va_end(ap);
    app->msg_error = 1;
}

void ui_params_default(ui_params *p, const gb_model *m)
{
    memset(p, 0, sizeof *p);
    p->method = GB_METHOD_AUTO;
    p->background = 100;
    p->samples = 0;
    p->seed = 0;
    p->tolerance = 0.0;
    p->kernel_width = 0.0;
    p->top_k = 10;
    p->klass = m && m->n_groups > 1 ? 1 : 0;
}

int ui_method_is_sampled(const char *name)
{
    static const char *const sampled[] = {"kernelshap", "permutation", "lime", "sampling"};
    for (size_t i = 0; i < sizeof sampled / sizeof *sampled; i++)
        if (strcmp(name, sampled[i]) == 0)
            return 1;
    return 0;
}

const char *ui_params_method_name(const ui_params *p, const gb_model *m)
{
    return gb_method_name(gb_method_resolve(m, (gb_method)p->method));
}

int ui_params_same(const ui_params *a, const ui_params *b)
{
    /* Exact methods ignore everything but the method; the rest matters only
     * to sampled ones, and comparing it always is merely conservative. */
    return a->method == b->method && a->background == b->background && a->samples == b->samples &&
           a->seed == b->seed && a->tolerance == b->tolerance && a->kernel_width == b->kernel_width;
}

const ui_result *ui_app_result(const ui_app *app, size_t row)
{
    for (size_t i = app->n_cache; i-- > 0;)
        if (app->cache[i].row == row && ui_params_same(&app->cache[i].params, &app->params))
            return &app->cache[i];
    return NULL;
}

static void result_free(ui_result *r)
{
    free(r->phi);
    free(r->se);
    free(r->margin);
    free(r->lime_r2);
    free(r->bin_lo);
    free(r->bin_hi);
}

/* Takes ownership of r's arrays. */
static void cache_add(ui_app *app, ui_result *r)
{
    if (app->n_cache == CACHE_MAX) {
        result_free(&app->cache[0]);
        memmove(app->cache, app->cache + 1, (app->n_cache - 1) * sizeof *app->cache);
        app->n_cache--;
    }
    if (app->n_cache == app->cap_cache) {
        size_t cap = app->cap_cache ? app->cap_cache * 2 : 64;
        ui_result *c = realloc(app->cache, cap * sizeof *c);
        if (!c) {
            result_free(r);
            return;
        }
        app->cache = c;
        app->cap_cache = cap;
    }
    app->cache[app->n_cache++] = *r;
}

static int pending_find(const ui_app *app, size_t row, const ui_params *p)
{
    for (size_t i = 0; i < app->n_pending; i++)
        if (app->pending[i].row == row && ui_params_same(&app->pending[i].params, p))
            return (int)i;
    return -1;
}

static void pending_remove(ui_app *app, size_t row, const ui_params *p)
{
    int i = pending_find(app, row, p);
    if (i >= 0)
        app->pending[i] = app->pending[--app->n_pending];
}

/* ------------------------------------------------------------ explain a row */

typedef struct explain_ctx {
    ui_app *app; /* read only on the worker: model, ds, binding, explainer */
    size_t row;
    ui_params params;
    gb_explain_result res;
    double seconds;
    double *bin_lo, *bin_hi; /* lime: the row's bins */
    ui_job *job;             /* while running */
} explain_ctx;

/* The options `glassbox explain` builds from the same settings: a
 * background of `background` rows sampled with the seed (0: every row), the
 * budget, tolerance and seed, LIME's kernel width, everything else at the
 * command line's defaults (margin space, 10 LIME features, quartiles, auto
 * selection). */
gb_explainer *ui_explainer_build(const ui_app *app, const ui_params *p, gb_background **bg, gb_error *err)
{
    gb_method method = gb_method_resolve(app->model, (gb_method)p->method);
    gb_explain_options opt = {.method = method, .seed = p->seed,
                              .sampling = {.samples = p->samples > 0 ? (size_t)p->samples : 0,
                                           .tolerance = p->tolerance},
                              .lime_kernel_width = p->kernel_width};
    *bg = NULL;
    if (gb_method_needs_background(method)) {
        gb_background_spec spec = {p->background > 0 ? GB_BACKGROUND_SAMPLE : GB_BACKGROUND_ALL,
                                   p->background > 0 ? (size_t)p->background : 0};
        if (!(*bg = gb_background_make(app->model, app->ds, &app->binding, &spec, p->seed, err)))
            return NULL;
        opt.background = *bg;
    }
    gb_explainer *ex = gb_explainer_create(app->model, app->ds, &app->binding, &opt, err);
    if (!ex) {
        gb_background_free(*bg);
        *bg = NULL;
    }
    return ex;
}

/* The worker's explainer for these parameters, rebuilt when any setting
 * that changes numbers changes (ui_params_same). */
gb_explainer *ui_worker_explainer(ui_app *app, const ui_params *p, gb_error *err)
{
    if (app->explainer && ui_params_same(&app->explainer_params, p))
        return app->explainer;
    gb_explainer_free(app->explainer);
    gb_background_free(app->explainer_bg);
    app->explainer = ui_explainer_build(app, p, &app->explainer_bg, err);
    app->explainer_params = *p;
    return app->explainer;
}

static void explain_progress(void *ctx, double fraction)
{
    ui_job_progress(ctx, fraction);
}

static void row_progress(void *ctx, double fraction)
{
    explain_ctx *c = ctx;
    ui_job_progress(c->job, fraction);
}

/* A sampled method's running estimate, for bars that settle live. */
static void explain_estimate(void *ctx, size_t index, const gb_estimate *e)
{
    explain_ctx *c = ctx;
    (void)index;
    const gb_model *m = c->app->model;
    double fraction = e->budget ? (double)e->samples / (double)e->budget : -1.0;
    ui_job_estimate(c->job, fraction > 1.0 ? 1.0 : fraction, e->phi, e->se,
                    (size_t)m->n_groups * (size_t)(m->n_features + 1));
}

/* LIME: the bin of each of the row's values, from the explainer's edges. */
static int lime_bins(explain_ctx *c, gb_explainer *ex, gb_error *err)
{
    const gb_model *m = c->app->model;
    gb_explainer_parts pt;
    gb_explainer_get_parts(ex, &pt);
    size_t nf = (size_t)m->n_features;
    c->bin_lo = gb_malloc(nf ? nf : 1, sizeof *c->bin_lo, err);
    c->bin_hi = gb_malloc(nf ? nf : 1, sizeof *c->bin_hi, err);
    double *x = gb_malloc(nf ? nf : 1, sizeof *x, err);
    if (!c->bin_lo || !c->bin_hi || !x) {
        free(x);
        return -1;
    }
    gb_binding_row(&c->app->binding, c->app->ds, c->row, x);
    for (size_t f = 0; f < nf; f++) {
        int k = 0;
        const double *e = gb_lime_stats_edges(pt.lime, pt.lime_cfg->discretize, (int)f, &k);
        c->bin_lo[f] = c->bin_hi[f] = NAN;
        if (!e || k <= 0 || isnan(x[f]))
            continue;
        int b = 0;
        while (b < k && x[f] > e[b])
            b++;
        c->bin_lo[f] = b > 0 ? e[b - 1] : -INFINITY;
        c->bin_hi[f] = b < k ? e[b] : INFINITY;
    }
    free(x);
    return 0;
}

static gb_job_status explain_run(ui_job *job, void *vctx, gb_error *err)
{
    explain_ctx *c = vctx;
    double t0 = ui_clock();
    c->job = job;
    gb_explainer *ex = ui_worker_explainer(c->app, &c->params, err);
    if (!ex)
        return GB_JOB_FAILED;
    gb_explain_request req = {.method = (gb_method)c->params.method, .rows = &c->row, .n_rows = 1, .threads = 1,
                              .cancel = ui_job_cancel_flag(job), .progress = row_progress,
                              .estimate = explain_estimate, .progress_ctx = c};
    gb_job_status st = gb_explainer_run(ex, &req, &c->res, err);
    if (st == GB_JOB_OK && gb_explainer_method(ex) == GB_METHOD_LIME && lime_bins(c, ex, err)) {
        gb_explain_result_free(&c->res);
        st = GB_JOB_FAILED;
    }
    c->seconds = ui_clock() - t0;
    return st;
}

static void explain_finish(ui_app *app, void *vctx, gb_job_status st, const gb_error *err)
{
    explain_ctx *c = vctx;
    pending_remove(app, c->row, &c->params);
    if (st == GB_JOB_OK) {
        size_t stride = (size_t)c->res.n_groups * (size_t)(c->res.n_features + 1);
        ui_result r = {.row = c->row, .params = c->params, .n_groups = c->res.n_groups,
                       .n_features = c->res.n_features, .seconds = c->seconds, .intercept = NAN, .r2 = NAN};
        r.phi = malloc(stride * sizeof *r.phi);
        r.margin = malloc((size_t)c->res.n_groups * sizeof *r.margin);
        int ok = r.phi && r.margin;
        if (ok && c->res.se && (r.se = malloc(stride * sizeof *r.se)))
            memcpy(r.se, c->res.se, stride * sizeof *r.se);
        if (ok && c->res.r2 && (r.lime_r2 = malloc((size_t)c->res.n_groups * sizeof *r.lime_r2))) {
            memcpy(r.lime_r2, c->res.r2, (size_t)c->res.n_groups * sizeof *r.lime_r2);
            r.r2 = r.lime_r2[0];
            r.intercept = c->res.phi[c->res.n_features];
        }
        ok = ok && (!c->res.se || r.se) && (!c->res.r2 || r.lime_r2);
        r.bin_lo = c->bin_lo;
        r.bin_hi = c->bin_hi;
        c->bin_lo = c->bin_hi = NULL;
        r.samples = c->res.samples ? c->res.samples[0] : 0;
        if (ok) {
            memcpy(r.phi, c->res.phi, stride * sizeof *r.phi);
            memcpy(r.margin, c->res.margin, (size_t)c->res.n_groups * sizeof *r.margin);
            cache_add(app, &r);
            ui_session_explain(app, c->row, &c->params);
            ui_msg(app, "row %zu explained (%s)", c->row, ui_params_method_name(&c->params, app->model));
        } else {
            result_free(&r);
            ui_error(app, "out of memory");
        }
        gb_explain_result_free(&c->res);
    } else if (st == GB_JOB_CANCELLED) {
        ui_msg(app, "cancelled: row %zu was not explained", c->row);
    } else {
        ui_error(app, "row %zu: %s", c->row, err->msg);
    }
    free(c->bin_lo);
    free(c->bin_hi);
    free(c);
}

int ui_app_explain(ui_app *app, size_t row)
{
    if (ui_app_result(app, row))
        return 1;
    if (pending_find(app, row, &app->params) >= 0)
        return 0;
    gb_error err = {{0}};
    if (gb_method_check(app->model, (gb_method)app->params.method, &err)) {
        ui_error(app, "%s", err.msg);
        return -1;
    }
    if (app->n_pending == app->cap_pending) {
        size_t cap = app->cap_pending ? app->cap_pending * 2 : 16;
        struct ui_pending *p = realloc(app->pending, cap * sizeof *p);
        if (!p) {
            ui_error(app, "out of memory");
            return -1;
        }
        app->pending = p;
        app->cap_pending = cap;
    }
    explain_ctx *c = calloc(1, sizeof *c);
    if (!c) {
        ui_error(app, "out of memory");
        return -1;
    }
    c->app = app;
    c->row = row;
    c->params = app->params;
    ui_job_spec spec = {.run = explain_run, .finish = explain_finish, .ctx = c, .tag_row = (long)row,
                        .tag_kind = UI_JOB_EXPLAIN_ROW};
    snprintf(spec.label, sizeof spec.label, "explaining row %zu (%s)", row,
             ui_params_method_name(&app->params, app->model));
    if (ui_jobs_submit(app->jobs, &spec, &err)) {
        free(c);
        ui_error(app, "%s", err.msg);
        return -1;
    }
    app->pending[app->n_pending++] = (struct ui_pending){row, app->params};
    return 0;
}

/* ------------------------------------------------------------ predict every row */

typedef struct predict_ctx {
    const gb_model *model;
    const gb_dataset *ds;
    const gb_binding *binding;
    double *pred;
} predict_ctx;

static gb_job_status predict_run(ui_job *job, void *vctx, gb_error *err)
{
    predict_ctx *c = vctx;
    size_t n = c->ds->n_rows, m = (size_t)c->model->n_features, g = (size_t)c->model->n_groups;
    c->pred = gb_malloc(n ? n : 1, g * sizeof *c->pred, err);
    double *x = gb_malloc(PREDICT_BLOCK, (m ? m : 1) * sizeof *x, err);
    if (!c->pred || !x) {
        free(x);
        return GB_JOB_FAILED;
    }
    for (size_t lo = 0; lo < n; lo += PREDICT_BLOCK) {
        if (ui_job_cancelled(job)) {
            free(x);
            return GB_JOB_CANCELLED;
        }
        size_t k = n - lo < PREDICT_BLOCK ? n - lo : PREDICT_BLOCK;
        for (size_t i = 0; i < k; i++)
            gb_binding_row(c->binding, c->ds, lo + i, x + i * m);
        gb_model_margin_batch(c->model, x, k, c->pred + lo * g);
        ui_job_progress(job, (double)(lo + k) / (double)n);
    }
    free(x);
    return GB_JOB_OK;
}

static void predict_finish(ui_app *app, void *vctx, gb_job_status st, const gb_error *err)
{
    predict_ctx *c = vctx;
    app->pred_pending = 0;
    if (st == GB_JOB_OK) {
        app->pred = c->pred;
        c->pred = NULL;
    } else if (st == GB_JOB_CANCELLED) {
        ui_msg(app, "cancelled: predictions not computed (t shows them again on request)");
    } else {
        ui_error(app, "predictions: %s", err->msg);
    }
    free(c->pred);
    free(c);
}

void ui_app_predict_all(ui_app *app)
{
    if (app->pred || app->pred_pending)
        return;
    predict_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return;
    *c = (predict_ctx){app->model, app->ds, &app->binding, NULL};
    ui_job_spec spec = {.run = predict_run, .finish = predict_finish, .ctx = c, .tag_row = -1,
                        .tag_kind = UI_JOB_PREDICT_ALL};
    snprintf(spec.label, sizeof spec.label, "predicting %zu rows", app->ds->n_rows);
    gb_error err = {{0}};
    if (ui_jobs_submit(app->jobs, &spec, &err)) {
        free(c);
        ui_error(app, "%s", err.msg);
        return;
    }
    app->pred_pending = 1;
}

/* ------------------------------------------------------------ explain every row */

typedef struct all_ctx {
    ui_app *app;
    size_t *rows;
    gb_explain_result *res;
} all_ctx;

static gb_job_status all_run(ui_job *job, void *vctx, gb_error *err)
{
    all_ctx *c = vctx;
    size_t n = c->app->ds->n_rows;
    ui_params exact;
    ui_params_default(&exact, c->app->model);
    gb_explainer *ex = ui_worker_explainer(c->app, &exact, err);
    if (!ex)
        return GB_JOB_FAILED;
    c->rows = gb_malloc(n ? n : 1, sizeof *c->rows, err);
    c->res = gb_calloc(1, sizeof *c->res, err);
    if (!c->rows || !c->res)
        return GB_JOB_FAILED;
    for (size_t i = 0; i < n; i++)
        c->rows[i] = i;
    gb_explain_request req = {.method = GB_METHOD_AUTO, .rows = c->rows, .n_rows = n, .threads = 0,
                              .cancel = ui_job_cancel_flag(job), .progress = explain_progress,
                              .progress_ctx = job};
    return gb_explainer_run(ex, &req, c->res, err);
}

static void all_finish(ui_app *app, void *vctx, gb_job_status st, const gb_error *err)
{
    all_ctx *c = vctx;
    app->all_pending = 0;
    if (st == GB_JOB_OK) {
        app->all = c->res;
        c->res = NULL;
        ui_session_explain_rows(app, NULL, 0);
        ui_msg(app, "attributions of all %zu rows computed", app->ds->n_rows);
    } else if (st == GB_JOB_CANCELLED) {
        ui_msg(app, "cancelled: attributions of all rows not computed");
    } else {
        ui_error(app, "%s", err->msg);
    }
    if (c->res) {
        gb_explain_result_free(c->res);
        free(c->res);
    }
    free(c->rows);
    free(c);
}

int ui_app_explain_all(ui_app *app)
{
    if (app->all)
        return 1;
    if (app->all_pending)
        return 0;
    all_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return -1;
    c->app = app;
    ui_job_spec spec = {.run = all_run, .finish = all_finish, .ctx = c, .tag_row = -1,
                        .tag_kind = UI_JOB_EXPLAIN_ALL};
    snprintf(spec.label, sizeof spec.label, "explaining all %zu rows (%s)", app->ds->n_rows,
             gb_method_name(gb_method_resolve(app->model, GB_METHOD_AUTO)));
    gb_error err = {{0}};
    if (ui_jobs_submit(app->jobs, &spec, &err)) {
        free(c);
        ui_error(app, "%s", err.msg);
        return -1;
    }
    app->all_pending = 1;
    return 0;
}

/* ------------------------------------------------------------ display helpers */

const char *ui_feature_name(const ui_app *app, int f, char *buf, size_t size)
{
    if (app->model->feature_names && app->model->feature_names[f])
        return app->model->feature_names[f];
    /* Unnamed features are bound to columns: show the column's name. */
    if (app->binding.column)
        return app->ds->cols[app->binding.column[f]].name;
    snprintf(buf, size, "f%d", f);
    return buf;
}

const char *ui_cell_text(const ui_app *app, size_t col, size_t row, char *buf, size_t size)
{
    const gb_column *c = &app->ds->cols[col];
    double v = c->values[row];
    if (isnan(v))
        snprintf(buf, size, "%s", app->theme.g ? app->theme.g->missing : "NaN");
    else if (c->type == GB_COLUMN_CATEGORICAL && v >= 0 && (size_t)v < c->n_levels)
        snprintf(buf, size, "%s", c->levels[(size_t)v]);
    else
        snprintf(buf, size, "%.6g", v);
    return buf;
}

const char *ui_feature_text(const ui_app *app, int f, size_t row, char *buf, size_t size)
{
    return ui_cell_text(app, (size_t)app->binding.column[f], row, buf, size);
}

void ui_app_free_results(ui_app *app)
{
    for (size_t i = 0; i < app->n_cache; i++)
        result_free(&app->cache[i]);
    free(app->cache);
    app->cache = NULL;
    app->n_cache = app->cap_cache = 0;
    free(app->pending);
    app->pending = NULL;
    app->n_pending = app->cap_pending = 0;
    free(app->pred);
    app->pred = NULL;
    if (app->all) {
        gb_explain_result_free(app->all);
        free(app->all);
        app->all = NULL;
    }
    gb_explainer_free(app->explainer);
    app->explainer = NULL;
    gb_background_free(app->explainer_bg);
    app->explainer_bg = NULL;
    ui_how_trace_free(app);
}
