/* how_trace.c: the trace behind a "how it works" page, computed as a job,
 * and the small page-building helpers the method pages share (see how.h).
 *
 * One trace is kept, in app->how: the row, parameters and class it is of.
 * It is rebuilt when any of them changes; the job uses the worker's
 * explainer for the current parameters (ui_worker_explainer), the one that
 * explained the row, so the page and the explanation show the same run. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "how.h"
#include "job.h"

enum { UI_JOB_HOW_TRACE = UI_JOB_USER + 40 };

/* ------------------------------------------------------------ pages */

void ui_how_page_clear(ui_how_page *pg)
{
    for (int i = 0; i < pg->n; i++)
        free(pg->text[i]);
    pg->n = 0;
    pg->oom = 0;
}

void ui_how_page_free(ui_how_page *pg)
{
    ui_how_page_clear(pg);
    free(pg->text);
    free(pg->role);
    memset(pg, 0, sizeof *pg);
}

static void add(ui_how_page *pg, ui_role role, const char *fmt, va_list ap)
{
    if (pg->n == pg->cap) {
        int cap = pg->cap ? pg->cap * 2 : 64;
        char **t = realloc(pg->text, (size_t)cap * sizeof *t);
        if (t)
            pg->text = t;
        ui_role *r = t ? realloc(pg->role, (size_t)cap * sizeof *r) : NULL;
        if (r)
            pg->role = r;
        if (!t || !r) {
            pg->oom = 1;
            return;
        }
        pg->cap = cap;
    }
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    if (!(pg->text[pg->n] = strdup(buf))) {
        pg->oom = 1;
        return;
    }
    pg->role[pg->n++] = role;
}

void ui_how_line(ui_how_page *pg, ui_role role, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(pg, role, fmt, ap);
    va_end(ap);
}

/* Splits text into lines of at most pg->width bytes at spaces (the pages'
 * prose is ASCII); continuation lines are indented by `indent`. */
static void wrap(ui_how_page *pg, ui_role role, const char *text, int indent)
{
    int width = pg->width > indent + 20 ? pg->width : indent + 20;
    const char *p = text;
    int first = 1;
    while (*p) {
        int room = width - (first ? 0 : indent);
        int len = (int)strlen(p);
        if (len > room) {
            int cut = room;
            while (cut > 0 && p[cut] != ' ')
                cut--;
            len = cut > 0 ? cut : room;
        }
        ui_how_line(pg, role, "%*s%.*s", first ? 0 : indent, "", len, p);
        p += len;
        while (*p == ' ')
            p++;
        first = 0;
    }
}

void ui_how_text(ui_how_page *pg, ui_role role, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    int indent = (int)strspn(buf, " ");
    wrap(pg, role, buf, indent + 2);
}

void ui_how_step(ui_how_page *pg, int step, const char *fmt, ...)
{
    char head[900], line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    ui_how_line(pg, UI_ROLE_NORMAL, "%s", "");
    snprintf(line, sizeof line, "Step %d. %s", step, head);
    wrap(pg, UI_ROLE_HEADER, line, 8);
}

int ui_how_group(const ui_app *app, const gb_trace *t)
{
    if (t->method == GB_METHOD_LIME)
        return t->group;
    int k = app->params.klass;
    return k >= 0 && k < t->n_groups ? k : 0;
}

void ui_how_players(ui_how_page *pg, const ui_app *app, const gb_trace *t)
{
    char line[1024], nb[64];
    int n = snprintf(line, sizeof line, "  ");
    for (int p = 0; p < t->n_players && n < (int)sizeof line - 80; p++) {
        n += snprintf(line + n, sizeof line - (size_t)n, "%d %s  ", p + 1,
                      ui_feature_name(app, t->players[p], nb, sizeof nb));
        if (n > 70) {
            ui_how_line(pg, UI_ROLE_DIM, "%s", line);
            n = snprintf(line, sizeof line, "  ");
        }
    }
    if (n > 2)
        ui_how_line(pg, UI_ROLE_DIM, "%s", line);
}

void ui_how_mask(char *buf, size_t size, const ui_app *app, const unsigned char *z, int n)
{
    const char *on = "1", *off = app->theme.utf8 ? "\xc2\xb7" : ".";
    size_t k = 0;
    buf[0] = '\0';
    for (int p = 0; p < n; p++) {
        const char *g = z[p] ? on : off;
        size_t len = strlen(g);
        if (k + len + 1 >= size)
            break;
        memcpy(buf + k, g, len + 1);
        k += len;
    }
}

void ui_how_mask_header(char *buf, size_t size, int n)
{
    size_t k = 0;
    for (int p = 0; p < n && k + 1 < size; p++)
        buf[k++] = (char)('0' + (p + 1) % 10);
    buf[k] = '\0';
}

int ui_how_game(ui_how_page *pg, const ui_app *app, const gb_trace *t, int g)
{
    ui_how_step(pg, 1, "The game: v(S) is the model's output averaged over the background rows, with the "
                       "features in S taken from row %zu and the others from each background row.", t->row);
    ui_how_text(pg, UI_ROLE_NORMAL, "  v(empty) = %.6g is the base value; v(all) = %.6g is the row's output.",
                t->v_empty[g], t->v_full[g]);
    ui_how_text(pg, UI_ROLE_NORMAL, "  %d of %d features can change v (the players, numbered as the mask columns "
                "below):", t->n_players, t->n_features);
    ui_how_players(pg, app, t);
    if (t->n_players > 1)
        return 0;
    ui_how_text(pg, UI_ROLE_NORMAL, "  With %d player%s there is nothing to sample: it takes v(all) - v(empty).",
                t->n_players, t->n_players == 1 ? "" : "s");
    return 1;
}

const char *ui_how_kept(const gb_trace *t, char *buf, size_t size)
{
    if (t->n < t->total)
        snprintf(buf, size, "the first %zu", t->n);
    else
        snprintf(buf, size, "all of them");
    return buf;
}

void ui_how_phi_table(ui_how_page *pg, const ui_app *app, const gb_trace *t, int g)
{
    size_t stride = (size_t)t->n_features + 1;
    const double *phi = t->phi + (size_t)g * stride, *se = t->se ? t->se + (size_t)g * stride : NULL;
    ui_how_line(pg, UI_ROLE_DIM, "  %-18s %12s %12s %12s", "feature", "value", "phi", "std. error");
    char nb[64], vb[64];
    double sum = 0;
    for (int p = 0; p < t->n_players; p++) {
        int f = t->players[p];
        sum += phi[f];
        ui_how_line(pg, phi[f] >= 0 ? UI_ROLE_POSITIVE : UI_ROLE_NEGATIVE, "  %-18.18s %12s %+12.6g %12.3g",
                    ui_feature_name(app, f, nb, sizeof nb), ui_feature_text(app, f, t->row, vb, sizeof vb), phi[f],
                    se ? se[f] : 0.0);
    }
    ui_how_line(pg, UI_ROLE_NORMAL, "  sum phi = %.6g = v(all) - v(empty) = %.6g %s %.6g", sum, t->v_full[g],
                t->v_empty[g] < 0 ? "+" : "-", fabs(t->v_empty[g]));
}

/* ------------------------------------------------------------ the job */

typedef struct trace_ctx {
    ui_app *app; /* worker: model, data and the worker's explainer only */
    size_t row;
    ui_params params;
    int group;
    gb_trace trace;
} trace_ctx;

static gb_job_status trace_run(ui_job *job, void *vctx, gb_error *err)
{
    trace_ctx *c = vctx;
    gb_explainer *ex = ui_worker_explainer(c->app, &c->params, err);
    if (!ex)
        return GB_JOB_FAILED;
    ui_job_progress(job, -1.0);
    int rc = gb_explain_trace_row(ex, c->row, c->group, 0, &c->trace, ui_job_cancel_flag(job), err);
    if (rc) {
        gb_trace_free(&c->trace);
        return rc > 0 ? GB_JOB_CANCELLED : GB_JOB_FAILED;
    }
    return GB_JOB_OK;
}

static void trace_finish(ui_app *app, void *vctx, gb_job_status st, const gb_error *err)
{
    trace_ctx *c = vctx;
    struct ui_how_trace *h = &app->how;
    h->pending = 0;
    if (st == GB_JOB_OK) {
        gb_trace *t = malloc(sizeof *t);
        if (t) {
            *t = c->trace;
            ui_how_trace_free(app);
            h->trace = t;
            h->failed = 0;
        } else {
            gb_trace_free(&c->trace);
            h->failed = 1;
            ui_error(app, "out of memory");
        }
    } else {
        h->failed = 1;
        if (st == GB_JOB_CANCELLED)
            ui_msg(app, "cancelled: how it works for row %zu (Enter retries)", c->row);
        else
            ui_error(app, "how it works, row %zu: %s", c->row, err->msg);
    }
    free(c);
}

static int same_key(const struct ui_how_trace *h, size_t row, const ui_params *p, int group)
{
    return h->row == row && ui_params_same(&h->params, p) && h->group == group;
}

int ui_how_trace(ui_app *app, const gb_trace **out)
{
    struct ui_how_trace *h = &app->how;
    int group = app->params.klass >= 0 && app->params.klass < app->model->n_groups ? app->params.klass : 0;
    *out = NULL;
    if (h->trace && same_key(h, app->row, &app->params, group)) {
        *out = h->trace;
        return 1;
    }
    if (h->pending)
        return 0;
    if (h->failed && same_key(h, app->row, &app->params, group))
        return -1;
    trace_ctx *c = calloc(1, sizeof *c);
    if (!c) {
        ui_error(app, "out of memory");
        return -1;
    }
    *c = (trace_ctx){.app = app, .row = app->row, .params = app->params, .group = group};
    ui_job_spec spec = {.run = trace_run, .finish = trace_finish, .ctx = c, .tag_row = (long)app->row,
                        .tag_kind = UI_JOB_HOW_TRACE};
    snprintf(spec.label, sizeof spec.label, "tracing row %zu (%s)", app->row,
             ui_params_method_name(&app->params, app->model));
    gb_error err = {{0}};
    if (ui_jobs_submit(app->jobs, &spec, &err)) {
        free(c);
        ui_error(app, "%s", err.msg);
        return -1;
    }
    ui_how_trace_free(app); /* of another row or other settings */
    h->row = app->row;
    h->params = app->params;
    h->group = group;
    h->pending = 1;
    h->failed = 0;
    return 0;
}

void ui_how_trace_retry(ui_app *app)
{
    app->how.failed = 0;
}

void ui_how_trace_free(ui_app *app)
{
    if (app->how.trace) {
        gb_trace_free(app->how.trace);
        free(app->how.trace);
        app->how.trace = NULL;
    }
}
