/* scatter_sample.c: the sample job of the scatter plot (see
 * scatter_sample.h). */
#include "scatter_sample.h"

#include <stdlib.h>

#include "scatter_job.h"
#include "session.h"

enum { JOB_SAMPLE = UI_JOB_USER + 1 };

size_t *scatter_sample_rows(size_t n_rows, size_t cap, size_t *n)
{
    size_t k = n_rows <= cap ? n_rows : cap;
    size_t *rows = malloc((k ? k : 1) * sizeof *rows);
    if (!rows)
        return NULL;
    for (size_t i = 0; i < k; i++)
        rows[i] = k == n_rows ? i : (size_t)(((double)i + 0.5) * (double)n_rows / (double)k);
    *n = k;
    return rows;
}

typedef struct sample_job {
    scatter_job in; /* first */
    gb_explain_result *res;
} sample_job;

static gb_job_status run(ui_job *job, void *vctx, gb_error *err)
{
    sample_job *c = vctx;
    gb_explainer *ex = gb_explainer_new(c->in.model, c->in.ds, c->in.binding, GB_METHOD_AUTO, NULL, err);
    if (!ex)
        return GB_JOB_FAILED;
    c->res = gb_calloc(1, sizeof *c->res, err);
    gb_job_status st = GB_JOB_FAILED;
    if (c->res) {
        gb_explain_request req = {.method = GB_METHOD_AUTO,
                                  .rows = c->in.rows,
                                  .n_rows = c->in.n,
                                  .threads = 0,
                                  .cancel = ui_job_cancel_flag(job),
                                  .progress = scatter_job_progress,
                                  .progress_ctx = job};
        st = gb_explainer_run(ex, &req, c->res, err);
    }
    gb_explainer_free(ex);
    return st;
}

static void finish(ui_app *app, void *vctx, gb_job_status st, const gb_error *err)
{
    sample_job *c = vctx;
    if (st == GB_JOB_OK) {
        ui_session_explain_rows(app, c->in.rows, c->in.n);
        scatter_take_sample(app, c->in.rows, c->in.n, c->res);
        c->in.rows = NULL;
        c->res = NULL;
    } else {
        scatter_sample_lost(app);
        if (st == GB_JOB_CANCELLED)
            ui_msg(app, "cancelled: the scatter plot's sample was not explained (r retries)");
        else
            ui_error(app, "scatter: %s", err->msg);
    }
    if (c->res) {
        gb_explain_result_free(c->res);
        free(c->res);
    }
    free(c->in.rows);
    free(c);
}

int scatter_sample_start(ui_app *app, size_t cap)
{
    sample_job *c = scatter_job_new(app, sizeof *c, cap);
    if (!c)
        return -1;
    ui_job_spec spec = {.run = run, .finish = finish, .ctx = c, .tag_row = -1, .tag_kind = JOB_SAMPLE};
    snprintf(spec.label, sizeof spec.label, "explaining %zu of %zu rows for the plot (%s)", c->in.n,
             app->ds->n_rows, gb_method_name(gb_method_resolve(app->model, GB_METHOD_AUTO)));
    return scatter_job_submit(app, &spec);
}
