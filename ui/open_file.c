/* open_file.c: Ctrl-O, load another dataset and model (see open_file.h). */
#include "open_file.h"

#include <stdlib.h>
#include <string.h>

#include "loop.h"

struct ui_open_state {
    char data[UI_PROMPT_MAX];  /* the data path answered, while the model is asked */
    char *data_path, *model_path; /* what app->data_path/model_path point to once opened */
    int loading;
};

typedef struct load_job {
    char *data, *model, *target;
    gb_model *m;
    gb_dataset *ds;
    gb_binding b;
    int bound;
} load_job;

static void load_free(load_job *c)
{
    if (c->bound)
        gb_binding_free(&c->b);
    gb_dataset_free(c->ds);
    gb_model_free(c->m);
    free(c->data);
    free(c->model);
    free(c->target);
    free(c);
}

static gb_job_status load_run(ui_job *job, void *vctx, gb_error *err)
{
    load_job *c = vctx;
    if (!(c->m = gb_model_load(c->model, err)))
        return GB_JOB_FAILED;
    if (ui_job_cancelled(job))
        return GB_JOB_CANCELLED;
    gb_csv_options copt = {0};
    if (!(c->ds = gb_dataset_read_csv(c->data, &copt, err)))
        return GB_JOB_FAILED;
    if (ui_job_cancelled(job))
        return GB_JOB_CANCELLED;
    /* Keep the target chosen with --target when the new data has it. */
    const char *target = c->target && gb_dataset_find(c->ds, c->target) >= 0 ? c->target : NULL;
    if (gb_binding_make(c->m, c->ds, target, &c->b, err))
        return GB_JOB_FAILED;
    c->bound = 1;
    if (c->ds->n_rows == 0)
        return gb_error_set(err, "%s: the data has no rows to explain", c->data), GB_JOB_FAILED;
    return ui_job_cancelled(job) ? GB_JOB_CANCELLED : GB_JOB_OK;
}

/* Puts the loaded files in place of the current ones.  Every job is
 * cancelled and waited for first: they read the old data on the worker. */
static void swap_in(ui_app *app, load_job *c)
{
    unsigned char *marked = calloc(c->ds->n_rows, 1);
    if (!marked) {
        ui_error(app, "out of memory: %s was not opened", c->data);
        return;
    }
    ui_jobs_cancel_all(app->jobs);
    ui_jobs_wait(app->jobs, app);
    ui_loop_close(app);
    ui_app_free_results(app);
    free(app->marked);
    if (app->binding.column)
        gb_binding_free(&app->binding);
    gb_dataset_free(app->ds);
    gb_model_free(app->model);

    struct ui_open_state *o = app->open;
    free(o->data_path);
    free(o->model_path);
    o->data_path = c->data;
    o->model_path = c->model;
    c->data = c->model = NULL;
    app->data_path = o->data_path;
    app->model_path = o->model_path;
    app->model = c->m;
    app->ds = c->ds;
    app->binding = c->b;
    c->m = NULL;
    c->ds = NULL;
    c->bound = 0;
    app->marked = marked;
    app->n_marked = 0;
    app->row = 0;
    app->feature = 0;
    app->model_eval_seconds = 0.0;
    int method = app->params.method;
    ui_params_default(&app->params, app->model);
    if (gb_method_check(app->model, (gb_method)method, NULL) == 0)
        app->params.method = method;
    ui_loop_restart(app);
    ui_msg(app, "opened %s (%zu rows) and %s", app->data_path, app->ds->n_rows, app->model_path);
}

static void load_finish(ui_app *app, void *vctx, gb_job_status st, const gb_error *err)
{
    load_job *c = vctx;
    if (app->open)
        app->open->loading = 0;
    if (app->depth == 0) {
        /* The explorer is closing. */
    } else if (st == GB_JOB_OK) {
        swap_in(app, c);
    } else if (st == GB_JOB_CANCELLED) {
        ui_msg(app, "cancelled: %s and %s were not opened", c->data, c->model);
    } else {
        ui_error(app, "%s", err->msg);
    }
    load_free(c);
}

static void model_answer(ui_app *app, const char *text, void *ctx)
{
    (void)ctx;
    struct ui_open_state *o = app->open;
    gb_error err = {{0}};
    load_job *c = gb_calloc(1, sizeof *c, &err);
    if (!c) {
        ui_error(app, "%s", err.msg);
        return;
    }
    c->data = strdup(o->data);
    c->model = strdup(text);
    if (app->binding.target >= 0)
        c->target = strdup(app->ds->cols[app->binding.target].name);
    if (!c->data || !c->model || (app->binding.target >= 0 && !c->target)) {
        load_free(c);
        ui_error(app, "out of memory");
        return;
    }
    ui_job_spec spec = {.run = load_run, .finish = load_finish, .ctx = c, .tag_row = -1, .tag_kind = UI_JOB_OTHER};
    snprintf(spec.label, sizeof spec.label, "opening %.80s", c->data);
    if (ui_jobs_submit(app->jobs, &spec, &err)) {
        load_free(c);
        ui_error(app, "%s", err.msg);
        return;
    }
    o->loading = 1;
}

static void data_answer(ui_app *app, const char *text, void *ctx)
{
    (void)ctx;
    if (!*text) {
        ui_msg(app, "open: no data file given");
        return;
    }
    snprintf(app->open->data, sizeof app->open->data, "%s", text);
    ui_prompt(app, "Open model: ", app->model_path, model_answer, NULL);
    ui_prompt_paths(app);
}

void ui_open_start(ui_app *app)
{
    if (!app->open && !(app->open = calloc(1, sizeof *app->open))) {
        ui_error(app, "out of memory");
        return;
    }
    if (app->open->loading) {
        ui_msg(app, "already opening files (Esc cancels)");
        return;
    }
    ui_prompt(app, "Open data: ", app->data_path, data_answer, NULL);
    ui_prompt_paths(app);
}

void ui_open_free(ui_app *app)
{
    if (!app->open)
        return;
    free(app->open->data_path);
    free(app->open->model_path);
    free(app->open);
    app->open = NULL;
}
