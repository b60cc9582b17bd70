/* scatter_partners.c: the strongest-interaction job (see
 * scatter_partners.h). */
#include "scatter_partners.h"

#include <math.h>
#include <stdlib.h>

#include "../src/interactions.h"
#include "scatter_job.h"
#include "session.h"

enum { JOB_PARTNERS = UI_JOB_USER + 2 };

typedef struct partners_job {
    scatter_job in; /* first */
    int group;
    int *partner; /* the answer */
} partners_job;

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
    const scatter_job *in = &c->in;
    gb_job_ctl ctl = {.threads = 0,
                      .cancel = ui_job_cancel_flag(job),
                      .progress = scatter_job_progress,
                      .progress_ctx = job};
    gb_interactions_result res;
    gb_job_status st =
        gb_interactions_run(in->model, in->ds, in->binding, in->rows, in->n, NULL, &ctl, &res, err);
    if (st != GB_JOB_OK)
        return st;
    double *sum = gb_calloc(gb_interactions_block(in->model), sizeof *sum, err);
    c->partner = sum ? gb_malloc((size_t)in->model->n_features, sizeof *c->partner, err) : NULL;
    if (c->partner) {
        gb_interactions_add_abs(&res, sum);
        strongest(in->model, sum, c->group, c->partner);
    }
    free(sum);
    gb_interactions_result_free(&res);
    return c->partner ? GB_JOB_OK : GB_JOB_FAILED;
}

static void finish(ui_app *app, void *vctx, gb_job_status st, const gb_error *err)
{
    partners_job *c = vctx;
    if (st == GB_JOB_OK) {
        ui_session_interactions(app, c->in.rows, c->in.n, c->group);
        scatter_take_partners(app, c->partner, c->group, c->in.n);
        c->partner = NULL;
    } else {
        scatter_partners_lost(app);
        if (st == GB_JOB_CANCELLED)
            ui_msg(app, "cancelled: the interaction strengths were not computed");
        else
            ui_error(app, "interactions: %s", err->msg);
    }
    free(c->partner);
    free(c->in.rows);
    free(c);
}

int scatter_partners_start(ui_app *app, int g)
{
    partners_job *c = scatter_job_new(app, sizeof *c, SCATTER_PARTNER_ROWS);
    if (!c)
        return -1;
    c->group = g;
    ui_job_spec spec = {.run = run, .finish = finish, .ctx = c, .tag_row = -1, .tag_kind = JOB_PARTNERS};
    snprintf(spec.label, sizeof spec.label, "interaction strengths on %zu rows", c->in.n);
    return scatter_job_submit(app, &spec);
}
