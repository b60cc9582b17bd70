/* screen_pdp.c: how the prediction moves with one feature (key p).
 *
 * A line plot of the partial dependence of the selected feature with the
 * ICE curves of a seeded sample of rows drawn faintly under it (c centres
 * them on their first value), or, with a, the feature's accumulated local
 * effects.  A categorical feature's axis names its levels.  The numbers
 * are the core's (pdp.h) over all rows or the same seeded sample the batch
 * commands take, so `glassbox pdp --feature F --ice --sample N --seed S`
 * prints what the screen draws.  Whenever what the plot needs changes (the
 * feature, the view, the class, the seed) the screen asks the worker for it
 * on its next draw; a failed or cancelled job is not retried until r. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../src/numfmt.h"
#include "../src/pdp.h"
#include "canvas.h"
#include "canvas_curses.h"
#include "canvas_plot.h"
#include "global_jobs.h"
#include "loop.h"
#include "session.h"

enum { INK_ICE = 0, INK_AXIS = 1, INK_LABEL = 2, INK_TITLE = 4, INK_GUIDE = 5, INK_PD = 6, INK_MARK = 7 };
enum { GRID_DEFAULT = 20, ICE_DEFAULT = 20 };

/* What a result was computed for: a new key means a new job. */
typedef struct pdp_key {
    int feature, ale, centred, group, grid;
    size_t want, ice;
    unsigned long seed;
} pdp_key;

typedef struct pdp_state {
    const void *job; /* first: gv_owner */
    pdp_key want;    /* what the user asks for now (feature, group, seed filled at draw) */
    pdp_key have_key, stopped_key;
    int have, stopped;
    size_t n_rows;
    gb_pdp pd;
    gb_ale al;
    canvas cv;
} pdp_state;

typedef struct pdp_job {
    const gb_model *model;
    const gb_dataset *ds;
    const gb_binding *binding;
    pdp_key key;
    size_t *rows, n_rows;
    gb_pdp pd;
    gb_ale al;
} pdp_job;

static int key_same(const pdp_key *a, const pdp_key *b)
{
    return a->feature == b->feature && a->ale == b->ale && a->centred == b->centred && a->group == b->group &&
           a->grid == b->grid && a->want == b->want && a->ice == b->ice && a->seed == b->seed;
}

/* ------------------------------------------------------------ the job */

static gb_job_status job_run(ui_job *job, void *vctx, gb_error *err)
{
    pdp_job *c = vctx;
    gv_progress pr;
    gb_job_ctl ctl = gv_ctl(job, &pr, 0.0, 1.0);
    gb_pdp_options o = {.feature = c->key.feature, .grid = c->key.grid, .kind = GB_GRID_QUANTILE,
                        .group = c->key.group, .output = 0, .ice = c->key.ale ? 0 : c->key.ice,
                        .centred = c->key.centred, .seed = c->key.seed};
    if (c->key.ale)
        return gb_ale_run(c->model, c->ds, c->binding, c->rows, c->n_rows, &o, &ctl, &c->al, err);
    return gb_pdp_run(c->model, c->ds, c->binding, c->rows, c->n_rows, &o, &ctl, &c->pd, err);
}

static void job_ctx_free(pdp_job *c)
{
    gb_pdp_free(&c->pd);
    gb_ale_free(&c->al);
    free(c->rows);
    free(c);
}

/* The session log's command for this plot: glassbox pdp with the same
 * feature, grid, rows, seed and curves gives the same numbers. */
static void record(ui_app *app, const pdp_key *k)
{
    char nb[64], grid[32], want[32], seed[32], group[32], ice[32];
    snprintf(grid, sizeof grid, "%d", k->grid);
    snprintf(want, sizeof want, "%zu", k->want);
    snprintf(seed, sizeof seed, "%lu", (unsigned long)k->seed);
    snprintf(group, sizeof group, "%d", k->group);
    snprintf(ice, sizeof ice, "%zu", k->ice);
    const char *args[16];
    int n = 0;
    args[n++] = "--feature";
    args[n++] = ui_feature_name(app, k->feature, nb, sizeof nb);
    args[n++] = "--grid";
    args[n++] = grid;
    if (k->want) {
        args[n++] = "--sample";
        args[n++] = want;
    }
    args[n++] = "--seed";
    args[n++] = seed;
    if (app->model->n_groups > 1) {
        args[n++] = "--class";
        args[n++] = group;
    }
    if (k->ale) {
        args[n++] = "--ale";
    } else if (k->ice > 0) {
        args[n++] = "--ice";
        args[n++] = "--ice-rows";
        args[n++] = ice;
        if (k->centred)
            args[n++] = "--centred";
    }
    args[n] = NULL;
    ui_session_command(app, "pdp", args);
}

static void job_finish(ui_app *app, void *vctx, gb_job_status st, const gb_error *err)
{
    pdp_job *c = vctx;
    if (st == GB_JOB_OK)
        record(app, &c->key);
    pdp_state *s = gv_owner(app, &ui_screen_pdp, c);
    if (s) {
        s->job = NULL;
        if (st == GB_JOB_OK) {
            gb_pdp_free(&s->pd);
            gb_ale_free(&s->al);
            s->pd = c->pd;
            s->al = c->al;
            memset(&c->pd, 0, sizeof c->pd);
            memset(&c->al, 0, sizeof c->al);
            s->have_key = c->key;
            s->have = 1;
            s->n_rows = c->n_rows;
        } else {
            s->stopped = 1;
            s->stopped_key = c->key;
            gv_say_stopped(app, st, err, "cancelled: the plot was not computed (r computes it)", "pdp");
        }
    }
    job_ctx_free(c);
}

static void start(ui_app *app, pdp_state *s, const pdp_key *key)
{
    gb_error err = {{0}};
    pdp_job *c = gb_calloc(1, sizeof *c, &err);
    if (c)
        c->rows = gv_sample_rows(app->ds->n_rows, key->want, key->seed, &c->n_rows, &err);
    if (!c || !c->rows) {
        free(c);
        ui_error(app, "pdp: %s", err.msg);
        s->stopped = 1;
        s->stopped_key = *key;
        return;
    }
    c->model = app->model;
    c->ds = app->ds;
    c->binding = &app->binding;
    c->key = *key;
    char nb[32];
    ui_job_spec spec = {.run = job_run, .finish = job_finish, .ctx = c, .tag_row = -1, .tag_kind = UI_JOB_USER + 21};
    snprintf(spec.label, sizeof spec.label, "%s of %s over %zu rows", key->ale ? "ALE" : "partial dependence",
             ui_feature_name(app, key->feature, nb, sizeof nb), c->n_rows);
    if (ui_jobs_submit(app->jobs, &spec, &err)) {
        job_ctx_free(c);
        ui_error(app, "pdp: %s", err.msg);
        s->stopped = 1;
        s->stopped_key = *key;
        return;
    }
    s->job = c;
    s->stopped = 0;
}

/* The key of what the plot should show now. */
static pdp_key current_key(const ui_app *app, const pdp_state *s)
{
    pdp_key k = s->want;
    k.feature = app->feature;
    k.group = gv_group(app);
    k.seed = app->params.seed;
    if (k.ale) { /* ICE settings do not change an ALE */
        k.centred = 0;
        k.ice = 0;
    }
    return k;
}

static void ensure(ui_app *app, pdp_state *s)
{
    pdp_key k = current_key(app, s);
    if (s->job || (s->have && key_same(&k, &s->have_key)) || (s->stopped && key_same(&k, &s->stopped_key)))
        return;
    start(app, s, &k);
}

/* ------------------------------------------------------------ drawing */

static const gb_column *column_of(const ui_app *app, int f)
{
    return &app->ds->cols[app->binding.column[f]];
}

static void ink_attrs(const ui_app *app, attr_t a[CANVAS_INKS])
{
    const attr_t *t = app->theme.attr;
    for (int i = 0; i < CANVAS_INKS; i++)
        a[i] = t[UI_ROLE_NORMAL];
    a[INK_ICE] = t[UI_ROLE_DIM];
    a[INK_AXIS] = t[UI_ROLE_AXIS];
    a[INK_LABEL] = t[UI_ROLE_AXIS];
    a[INK_TITLE] = t[UI_ROLE_HEADER];
    a[INK_GUIDE] = t[UI_ROLE_DIM];
    a[INK_PD] = t[UI_ROLE_POSITIVE];
    a[INK_MARK] = t[UI_ROLE_CURSOR];
}

static void y_title(const ui_app *app, const pdp_state *s, char *buf, size_t size)
{
    char cls[32] = "";
    if (app->model->n_groups > 1)
        snprintf(cls, sizeof cls, ", class %d", gv_group(app));
    const char *scale = app->model->link == GB_LINK_LOGISTIC ? "log-odds"
                        : app->model->link == GB_LINK_EXP    ? "log scale"
                        : app->model->link == GB_LINK_SOFTMAX ? "margin"
                                                             : "prediction";
    if (s->have_key.ale)
        snprintf(buf, size, "ALE (%s%s)", scale, cls);
    else
        snprintf(buf, size, "%s (%s%s)", s->have_key.centred ? "centred ICE and PD" : "PD and ICE", scale, cls);
}

/* Builds the plot of the result into s->cv; -1 when the area is too small. */
static int build(ui_app *app, pdp_state *s, int w, int h)
{
    canvas_mode mode = app->theme.utf8 ? CANVAS_BRAILLE : CANVAS_ASCII;
    if (canvas_fit(&s->cv, w, h, mode))
        return -1;
    int ale = s->have_key.ale, categorical = ale ? s->al.categorical : s->pd.categorical;
    const double *x = ale ? s->al.value : s->pd.grid;
    size_t n = ale ? s->al.n : s->pd.n_grid;
    double xlo, xhi, ylo, yhi;
    canvas_range(x, n, 1, &xlo, &xhi);
    if (ale) {
        canvas_range(s->al.ale, n, 1, &ylo, &yhi);
    } else {
        canvas_range(s->pd.pd, n, 1, &ylo, &yhi);
        if (s->pd.n_ice) {
            double a, b;
            canvas_range(s->pd.ice, s->pd.n_ice * n, 1, &a, &b);
            ylo = a < ylo ? a : ylo;
            yhi = b > yhi ? b : yhi;
        }
    }
    char xt[64], yt[96], nb[32];
    snprintf(xt, sizeof xt, "%s", ui_feature_name(app, s->have_key.feature, nb, sizeof nb));
    y_title(app, s, yt, sizeof yt);
    canvas_plot_spec spec = {.xlo = xlo, .xhi = xhi, .ylo = ylo, .yhi = yhi, .x_title = xt, .y_title = yt,
                             .ink_axis = INK_AXIS, .ink_label = INK_LABEL, .ink_title = INK_TITLE};
    const gb_column *col = column_of(app, s->have_key.feature);
    if (categorical && col->type == GB_COLUMN_CATEGORICAL && col->n_levels > 0) {
        spec.x_levels = (const char *const *)col->levels;
        spec.n_x_levels = col->n_levels > 1000000 ? 1000000 : (int)col->n_levels;
        spec.xlo = -0.5;
        spec.xhi = (double)spec.n_x_levels - 0.5;
    } else if (categorical) {
        spec.xlo = xlo - 0.5;
        spec.xhi = xhi + 0.5;
    }
    canvas_plot p;
    if (canvas_plot_begin(&p, &s->cv, &spec))
        return -1;
    if (ale || s->have_key.centred)
        canvas_plot_hguide(&p, 0.0, INK_GUIDE);
    if (ale) {
        canvas_plot_polyline(&p, x, s->al.ale, n, INK_PD);
        canvas_plot_points(&p, x, 1, s->al.ale, 1, NULL, INK_PD, n);
    } else {
        for (size_t i = 0; i < s->pd.n_ice; i++)
            canvas_plot_polyline(&p, x, s->pd.ice + i * n, n, INK_ICE);
        /* Drawn last: a line's ink wins its cells, so PD stays on top. */
        canvas_plot_polyline(&p, x, s->pd.pd, n, INK_PD);
        if (categorical)
            canvas_plot_points(&p, x, 1, s->pd.pd, 1, NULL, INK_PD, n);
    }
    if (!ale && s->pd.n_ice) {
        const char *labels[2] = {"PD", "ICE"};
        int inks[2] = {INK_PD, INK_ICE};
        canvas_plot_legend(&p, NULL, labels, inks, 2);
    }
    return 0;
}

static void draw_title(ui_app *app, const pdp_state *s, const ui_rect *r)
{
    char t[256], nb[32];
    pdp_key k = current_key(app, s);
    snprintf(t, sizeof t, " %s: %s (%d/%d)%s", k.ale ? "Accumulated local effects" : "Partial dependence",
             ui_feature_name(app, k.feature, nb, sizeof nb), k.feature + 1, app->model->n_features,
             k.ale ? "" : k.centred ? "   ICE centred" : "");
    attrset(app->theme.attr[UI_ROLE_TITLE]);
    ui_put_pad(r->y, r->x, r->w, t);
    attrset(A_NORMAL);
}

static void draw_info(ui_app *app, const pdp_state *s, int y, int x, int w)
{
    char buf[256], rows[96];
    gv_rows_text(s->n_rows, app->ds->n_rows, s->have_key.seed, rows, sizeof rows);
    if (s->have_key.ale)
        snprintf(buf, sizeof buf, "over %s, %zu edges at quantiles   a: PD/ICE   h l: feature", rows, s->al.n);
    else
        snprintf(buf, sizeof buf, "over %s, %zu grid points; %zu ICE curves (seed %lu)   c i a: centre, ICE, ALE", rows,
                 s->pd.n_grid, s->pd.n_ice, s->have_key.seed);
    attrset(app->theme.attr[UI_ROLE_DIM]);
    ui_put_pad(y, x, w, buf);
    attrset(A_NORMAL);
}

static void pdp_draw(ui_screen *scr, ui_app *app, const ui_rect *r)
{
    pdp_state *s = scr->state;
    if (app->feature < 0 || app->feature >= app->model->n_features)
        app->feature = 0;
    ensure(app, s);
    draw_title(app, s, r);
    pdp_key k = current_key(app, s);
    if (!s->have || !key_same(&k, &s->have_key)) {
        gv_draw_pending(app, r, s->job != NULL, "Computing the plot (progress below; Esc cancels).",
                        "The plot is not computed. Press r to compute it.");
        return;
    }
    if (build(app, s, r->w, r->h - 2)) {
        ui_put(r->y + 2, r->x + 2, r->w - 4, "The window is too small for a plot.");
        return;
    }
    attr_t attrs[CANVAS_INKS];
    ink_attrs(app, attrs);
    canvas_blit(&s->cv, r->y + 1, r->x, attrs);
    draw_info(app, s, r->y + r->h - 1, r->x, r->w);
}

/* ------------------------------------------------------------ keys */

static void rows_answer(ui_app *app, const char *text, void *ctx)
{
    (void)ctx;
    ui_screen *scr = ui_top(app);
    if (!scr || scr->ops != &ui_screen_pdp)
        return;
    pdp_state *s = scr->state;
    size_t want;
    if (gv_parse_rows(text, &want)) {
        ui_error(app, "rows: '%s' is not a number of rows or 'all'", text);
        return;
    }
    s->want.want = want;
}

static int pdp_key_fn(ui_screen *scr, ui_app *app, int key)
{
    pdp_state *s = scr->state;
    int m = app->model->n_features;
    switch (key) {
    case KEY_LEFT:
    case 'h':
    case '[': app->feature = (app->feature + m - 1) % m; return UI_REDRAW;
    case KEY_RIGHT:
    case 'l':
    case ']': app->feature = (app->feature + 1) % m; return UI_REDRAW;
    case 'c':
        if (s->want.ale) {
            ui_msg(app, "ALE has no ICE curves to centre (a: back to PD/ICE)");
            return UI_REDRAW;
        }
        s->want.centred = !s->want.centred;
        return UI_REDRAW;
    case 'a': s->want.ale = !s->want.ale; return UI_REDRAW;
    case 'i': {
        /* A text plot turns solid with many curves: 20 reads best. */
        static const size_t counts[] = {20, 50, 0, 10};
        size_t k = 0;
        while (k < 4 && counts[k] != s->want.ice)
            k++;
        s->want.ice = counts[(k + 1) % 4];
        ui_msg(app, "ICE curves: %zu", s->want.ice);
        return UI_REDRAW;
    }
    case 'n': {
        char init[32];
        snprintf(init, sizeof init, "%zu", s->want.want ? s->want.want : app->ds->n_rows);
        ui_prompt(app, "rows (a number or all)", init, rows_answer, NULL);
        return UI_REDRAW;
    }
    case 'r':
        s->stopped = 0;
        return UI_REDRAW;
    default: return UI_UNHANDLED;
    }
}

/* ------------------------------------------------------------ export */

static void value_text(const ui_app *app, const pdp_state *s, int categorical, double v, char *buf)
{
    const gb_column *col = column_of(app, s->have_key.feature);
    if (categorical && col->type == GB_COLUMN_CATEGORICAL && v >= 0 && v < (double)col->n_levels)
        snprintf(buf, 256, "%s", col->levels[(size_t)v]);
    else
        gb_fmt_double(buf, v);
}

/* The curves: CSV feature,value,pd,row<N>... (or feature,value,ale), as
 * `glassbox pdp` writes them; JSON the same numbers. */
static int pdp_export(ui_screen *scr, ui_app *app, FILE *fp, ui_export_format fmt, gb_error *err)
{
    pdp_state *s = scr->state;
    if (!s->have)
        return gb_error_set(err, "nothing to export yet: the plot is not computed");
    char nb[32], v[256], num[GB_NUMFMT_SIZE];
    const char *name = ui_feature_name(app, s->have_key.feature, nb, sizeof nb);
    int ale = s->have_key.ale, csv = fmt == UI_EXPORT_CSV;
    size_t n = ale ? s->al.n : s->pd.n_grid;
    if (csv) {
        fputs(ale ? "feature,value,ale" : "feature,value,pd", fp);
        for (size_t i = 0; !ale && i < s->pd.n_ice; i++)
            fprintf(fp, ",row%zu", s->pd.ice_rows[i]);
        fputc('\n', fp);
    } else {
        fputs("{\"feature\": ", fp);
        ui_json_string(fp, name);
        fprintf(fp, ", \"kind\": \"%s\", \"centred\": %s, \"rows\": %zu, \"seed\": %lu, \"ice_rows\": [",
                ale ? "ale" : "pdp", s->have_key.centred ? "true" : "false", s->n_rows, s->have_key.seed);
        for (size_t i = 0; !ale && i < s->pd.n_ice; i++)
            fprintf(fp, "%s%zu", i ? ", " : "", s->pd.ice_rows[i]);
        fputs("], \"points\": [", fp);
    }
    for (size_t k = 0; k < n; k++) {
        value_text(app, s, ale ? s->al.categorical : s->pd.categorical, ale ? s->al.value[k] : s->pd.grid[k], v);
        gb_fmt_double(num, ale ? s->al.ale[k] : s->pd.pd[k]);
        if (csv) {
            ui_csv_field(fp, name);
            fputc(',', fp);
            ui_csv_field(fp, v);
            fprintf(fp, ",%s", num);
        } else {
            fputs(k ? ",\n  {\"value\": " : "\n  {\"value\": ", fp);
            ui_json_string(fp, v);
            fprintf(fp, ", \"%s\": %s, \"ice\": [", ale ? "ale" : "pd", num);
        }
        for (size_t i = 0; !ale && i < s->pd.n_ice; i++)
            fprintf(fp, "%s%s", csv ? "," : i ? ", " : "", gb_fmt_double(num, s->pd.ice[i * n + k]));
        fputs(csv ? "\n" : "]}", fp);
    }
    if (!csv)
        fputs("\n]}\n", fp);
    return ferror(fp) ? gb_error_set(err, "write error") : 0;
}

/* ------------------------------------------------------------ lifetime */

static int pdp_init(ui_screen *scr, ui_app *app, gb_error *err)
{
    pdp_state *s = gb_calloc(1, sizeof *s, err);
    if (!s)
        return -1;
    s->want.grid = GRID_DEFAULT;
    s->want.ice = ICE_DEFAULT;
    s->want.want = GV_ROWS_DEFAULT;
    scr->state = s;
    (void)app;
    return 0;
}

static void pdp_free(ui_screen *scr)
{
    pdp_state *s = scr->state;
    gb_pdp_free(&s->pd);
    gb_ale_free(&s->al);
    canvas_free(&s->cv);
    free(s);
}

static const ui_key_help pdp_help[] = {
    {"Left Right h l [ ]", "previous / next feature"},
    {"c", "ICE curves centred on their first value, or not"},
    {"i", "ICE curves drawn: 20, 50, none, 10"},
    {"a", "accumulated local effects (ALE), or PD and ICE"},
    {"n", "rows averaged over: a number (a seeded sample) or all"},
    {"r", "compute again (after a cancel)"},
    {"m", "the seed of the sample and of the ICE rows, the class shown"},
    {"e", "export the curves (.csv, .json) or the screen (.txt)"},
    {NULL, NULL},
};

const ui_screen_ops ui_screen_pdp = {
    .name = "PDP/ICE/ALE",
    .init = pdp_init,
    .draw = pdp_draw,
    .key = pdp_key_fn,
    .free = pdp_free,
    .export_view = pdp_export,
    .help = pdp_help,
};
