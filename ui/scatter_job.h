/* scatter_job.h: what the scatter plot's two jobs (scatter_sample.c,
 * scatter_partners.c) share: the inputs they read on the worker thread and
 * the evenly spaced rows they run on, how such a job is made and submitted,
 * and the progress callback the core's loops call.
 *
 * A job's context starts with a scatter_job (its first member), so the
 * helpers can fill and free that part without knowing the rest. */
#ifndef GB_UI_SCATTER_JOB_H
#define GB_UI_SCATTER_JOB_H

#include <stddef.h>

#include "app.h"
#include "job.h"

typedef struct scatter_job {
    const gb_model *model;
    const gb_dataset *ds;
    const gb_binding *binding;
    size_t *rows; /* scatter_sample_rows(), owned by the job */
    size_t n;
} scatter_job;

/* A zeroed context of size bytes (at least sizeof(scatter_job)) whose
 * scatter_job holds app's model, data and binding and at most cap rows.
 * NULL when memory runs out (message set). */
void *scatter_job_new(ui_app *app, size_t size, size_t cap);

/* Submits spec, whose ctx came from scatter_job_new; when that fails, frees
 * the context and its rows, shows why and returns -1. */
int scatter_job_submit(ui_app *app, const ui_job_spec *spec);

/* gb_job_ctl.progress / gb_explain_request.progress with the ui_job as
 * context. */
void scatter_job_progress(void *job, double fraction);

#endif
