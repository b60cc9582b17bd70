/* scatter_job.c: the plumbing of the scatter plot's jobs (see
 * scatter_job.h). */
#include "scatter_job.h"

#include <stdlib.h>

#include "scatter_sample.h"

void *scatter_job_new(ui_app *app, size_t size, size_t cap)
{
    gb_error err = {{0}};
    scatter_job *j = gb_calloc(1, size, &err);
    if (j)
        j->rows = scatter_sample_rows(app->ds->n_rows, cap, &j->n);
    if (!j || !j->rows) {
        free(j);
        ui_error(app, "out of memory");
        return NULL;
    }
    j->model = app->model;
    j->ds = app->ds;
    j->binding = &app->binding;
    return j;
}

int scatter_job_submit(ui_app *app, const ui_job_spec *spec)
{
    gb_error err = {{0}};
    if (ui_jobs_submit(app->jobs, spec, &err)) {
        scatter_job *j = spec->ctx;
        free(j->rows);
        free(j);
        ui_error(app, "%s", err.msg);
        return -1;
    }
    return 0;
}

void scatter_job_progress(void *job, double fraction)
{
    ui_job_progress(job, fraction);
}
