/* scatter_partners.c: the strongest-interaction job (see
 * scatter_partners.h). */
#include "scatter_partners.h"

#include <math.h>
#include <stdlib.h>

#include "../src/interactions.h"
#include "scatter_sample.h"
#include "session.h"

enum { JOB_PARTNERS = UI_JOB_USER + 2 };

typedef struct partners_job {
    const gb_model *model;
    const gb_dataset *ds;
    const gb_binding *binding;
    int group;
    size_t *rows;
    size_t n;
    int *partner; /* the answer */
} partners_job;

static void progress(void *ctx, double fraction)
{
    ui_job_progress(ctx, fraction);
}

/* partner[i] = the k != i with the largest sum of |Phi[i][k]| in group g. */
static void strongest(const gb_model *m, const double *sum_abs, int g, int *partner)
{
    size_t w = (size_t)m->n_features + 1;
    const double *mat = sum_abs + (size_t)g * w * w;
    for (int i = 0; i < m->n_features; i++) {
        int best = -1;
        double top = 0.0;
        for (int k = 0; k < m->n_features; k++) {
            double v = mat[(size_t)i * w + (size_t)k];
            if (k != i && v > top) {
                top = v;
                best = k;
            }
        }
        partner[i] = best;
    }
}

static gb_job_status run(ui_job *job, void *vctx, gb_error *err)
{
    partners_job *c = vctx;
    gb_job_ctl ctl = {.threads = 0, .cancel = ui_job_cancel_flag(job), .progress = progress, .progress_ctx = job};
    gb_interactions_result res;
    gb_job_status st = gb_interactions_run(c->model, c->ds, c->binding, c->rows, c->n, NULL, &ctl, &res, err);
    if (st != GB_JOB_OK)
        return st;
    double *sum = gb_calloc(gb_interactions_block(c->model), sizeof *sum, err);
    c->partner = sum ? gb_malloc((size_t)c->model->n_features, sizeof *c->partner, err) : NULL;
    if (c->partner) {
        gb_interactions_add_abs(&res, sum);
        strongest(c->model, sum, c->group, c->partner);
    }
    free(sum);
    gb_interactions_result_free(&res);
    return c->partner ? GB_JOB_OK : GB_JOB_FAILED;
}

static void finish(ui_app *app, void *vctx, gb_job_status st, const gb_error *err)
{
    partners_job *c = vctx;
    if (st == GB_JOB_OK) {
        ui_session_interactions(app, c->rows, c->n, c->group);
        scatter_take_partners(app, c->partner, c->group, c->n);
        c->partner = NULL;
    } else {
        scatter_partners_lost(app);
        if (st == GB_JOB_CANCELLED)
            ui_msg(app, "cancelled: the interaction strengths were not computed");
        else
            ui_error(app, "interactions: %s", err->msg);
    }
    free(c->partner);
    free(c->rows);
    free(c);
}

int scatter_partners_start(ui_app *app, int g)
{
    gb_error err = {{0}};
    partners_job *c = gb_calloc(1, sizeof *c, &err);
    if (c)
        c->rows = scatter_sample_rows(app->ds->n_rows, SCATTER_PARTNER_ROWS, &c->n);
    if (!c || !c->rows) {
        free(c);
        ui_error(app, "out of memory");
        return -1;
    }
    c->model = app->model;
    c->ds = app->ds;
    c->binding = &app->binding;
    c->group = g;
    ui_job_spec spec = {.run = run, .finish = finish, .ctx = c, .tag_row = -1, .tag_kind = JOB_PARTNERS};
    snprintf(spec.label, sizeof spec.label, "interaction strengths on %zu rows", c->n);
    if (ui_jobs_submit(app->jobs, &spec, &err)) {
        free(c->rows);
        free(c);
        ui_error(app, "%s", err.msg);
        return -1;
    }
    return 0;
}
