/* screen_summary.c: the SHAP summary of many rows (key u).
 *
 * One line per feature, by decreasing mean |phi|: the mean as a number and
 * a bar, then a beeswarm-like strip of every row's phi for the feature (the
 * cells cut one shared phi axis into bins; a bin's glyph grows with the rows
 * in it and its colour is the mean rank of their feature values, cold for
 * low values, hot for high), then the permutation importance with its std
 * when the data has a target.  Computed on the worker over all rows or a
 * seeded sample (GV_ROWS_DEFAULT, n changes it), exactly as `glassbox
 * summary --sample N --seed S` and `glassbox importance` compute them; the
 * summary's interaction partners are not shown, so the cheap heuristic is
 * asked for. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../src/importance.h"
#include "../src/numfmt.h"
#include "../src/summary.h"
#include "global_jobs.h"
#include "loop.h"
#include "session.h"

enum { IMP_REPEATS = 5, COLOUR_LEVELS = 5 };

typedef struct summary_state {
    const void *job; /* first: gv_owner */
    size_t want;     /* rows asked for, 0: all */
    size_t have_want; /* what the result was computed for */
    unsigned long seed;
    int stopped;     /* the last job failed or was cancelled: wait for r */
    size_t *rows, n_rows;
    gb_summary sum;
    int have;
    gb_importance imp;
    int have_imp;
    char imp_note[160]; /* why there is no importance */
    int cursor, top;
    /* Per feature: each row's value as a rank in [0, 1] (NaN when missing). */
    double *rank;
} summary_state;

typedef struct summary_job {
    const gb_model *model;
    const gb_dataset *ds;
    const gb_binding *binding;
    size_t *rows, n_rows, want;
    unsigned long seed;
    gb_summary sum;
    gb_importance imp;
    int have_imp;
    char imp_note[160];
} summary_job;

/* ------------------------------------------------------------ the job */

static gb_job_status job_run(ui_job *job, void *vctx, gb_error *err)
{
    summary_job *c = vctx;
    int target = c->binding->target >= 0;
    gv_progress pr;
    gb_job_ctl ctl = gv_ctl(job, &pr, 0.0, target ? 0.7 : 1.0);
    gb_summary_options so = {.method = GB_METHOD_AUTO, .approximate = 1};
    gb_job_status st = gb_summary_run(c->model, c->ds, c->binding, c->rows, c->n_rows, &so, &ctl, &c->sum, err);
    if (st != GB_JOB_OK)
        return st;
    if (!target) {
        snprintf(c->imp_note, sizeof c->imp_note, "no target column: no permutation importance");
        return GB_JOB_OK;
    }
    ctl = gv_ctl(job, &pr, 0.7, 1.0);
    gb_importance_options io = {.metric = GB_METRIC_AUTO, .repeats = IMP_REPEATS, .seed = c->seed};
    gb_error ierr = {{0}};
    st = gb_importance_run(c->model, c->ds, c->binding, c->rows, c->n_rows, &io, &ctl, &c->imp, &ierr);
    if (st == GB_JOB_CANCELLED)
        return st;
    c->have_imp = st == GB_JOB_OK;
    if (!c->have_imp)
        snprintf(c->imp_note, sizeof c->imp_note, "no permutation importance: %s", ierr.msg);
    return GB_JOB_OK;
}

static void job_ctx_free(summary_job *c)
{
    gb_summary_free(&c->sum);
    gb_importance_free(&c->imp);
    free(c->rows);
    free(c);
}

static void compute_ranks(summary_state *s);

/* The session log (session.h): the batch commands of these numbers. */
static void record(ui_app *app, const summary_job *c)
{
    char want[32], seed[32];
    snprintf(want, sizeof want, "%zu", c->want);
    snprintf(seed, sizeof seed, "%lu", c->seed);
    const char *sum[] = {"--sample", want, "--seed", seed, "--approximate", NULL};
    const char *imp[] = {"--sample", want, "--seed", seed, NULL};
    ui_session_command(app, "summary", c->want ? sum : sum + 4);
    if (c->have_imp)
        ui_session_command(app, "importance", c->want ? imp : imp + 2); /* the seed also shuffles */
}

static void job_finish(ui_app *app, void *vctx, gb_job_status st, const gb_error *err)
{
    summary_job *c = vctx;
    summary_state *s = gv_owner(app, &ui_screen_summary, c);
    if (!s) {
        job_ctx_free(c);
        return;
    }
    s->job = NULL;
    if (st != GB_JOB_OK) {
        s->stopped = 1;
        gv_say_stopped(app, st, err, "cancelled: the summary was not computed (r computes it)", "summary");
        job_ctx_free(c);
        return;
    }
    gb_summary_free(&s->sum);
    gb_importance_free(&s->imp);
    free(s->rows);
    s->rows = c->rows;
    s->n_rows = c->n_rows;
    s->sum = c->sum;
    s->imp = c->imp;
    s->have_imp = c->have_imp;
    memcpy(s->imp_note, c->imp_note, sizeof s->imp_note);
    s->have = 1;
    s->have_want = c->want;
    compute_ranks(s);
    record(app, c);
    free(c);
}

/* Starts the job for the rows and seed asked. */
static void start(ui_app *app, summary_state *s)
{
    gb_error err = {{0}};
    summary_job *c = gb_calloc(1, sizeof *c, &err);
    if (c)
        c->rows = gv_sample_rows(app->ds->n_rows, s->want, app->params.seed, &c->n_rows, &err);
    if (!c || !c->rows) {
        free(c);
        ui_error(app, "summary: %s", err.msg);
        s->stopped = 1;
        return;
    }
    c->model = app->model;
    c->ds = app->ds;
    c->binding = &app->binding;
    c->seed = app->params.seed;
    c->want = s->want;
    ui_job_spec spec = {.run = job_run, .finish = job_finish, .ctx = c, .tag_row = -1, .tag_kind = UI_JOB_USER + 20};
    snprintf(spec.label, sizeof spec.label, "summary of %zu rows", c->n_rows);
    if (ui_jobs_submit(app->jobs, &spec, &err)) {
        free(c->rows);
        free(c);
        ui_error(app, "summary: %s", err.msg);
        s->stopped = 1;
        return;
    }
    s->job = c;
    s->seed = app->params.seed;
    s->stopped = 0;
}

/* Asks again when the seed changed in the method form. */
static void ensure(ui_app *app, summary_state *s)
{
    if (s->job || s->stopped)
        return;
    if (!s->have || s->seed != app->params.seed || s->have_want != s->want)
        start(app, s);
}

/* ------------------------------------------------------------ derived numbers */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Each row's value of each feature as its rank among the present values
 * (mid-rank for ties), so the colours spread over any distribution. */
static void compute_ranks(summary_state *s)
{
    int m = s->sum.n_features;
    size_t n = s->n_rows;
    free(s->rank);
    s->rank = malloc((size_t)m * (n ? n : 1) * sizeof *s->rank);
    double *sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!s->rank || !sorted) {
        free(s->rank);
        s->rank = NULL;
        free(sorted);
        return;
    }
    for (int f = 0; f < m; f++) {
        const double *x = s->sum.x;
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (!isnan(x[i * (size_t)m + (size_t)f]))
                sorted[k++] = x[i * (size_t)m + (size_t)f];
        qsort(sorted, k, sizeof *sorted, cmp_double);
        for (size_t i = 0; i < n; i++) {
            double v = x[i * (size_t)m + (size_t)f];
            double *r = &s->rank[(size_t)f * n + i];
            if (isnan(v) || k < 2) {
                *r = isnan(v) ? NAN : 0.5;
                continue;
            }
            size_t lo = 0, hi = k;
            while (lo < hi) { /* first >= v */
                size_t mid = lo + (hi - lo) / 2;
                if (sorted[mid] < v)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            size_t a = lo;
            hi = k;
            while (lo < hi) { /* first > v */
                size_t mid = lo + (hi - lo) / 2;
                if (sorted[mid] <= v)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            *r = ((double)a + (double)(lo - 1)) / 2.0 / (double)(k - 1);
        }
    }
    free(sorted);
}

/* Features of group g by decreasing mean |phi| (ties by index). */
static void order_features(const summary_state *s, int g, int *order)
{
    int m = s->sum.n_features;
    const double *mean = s->sum.mean_abs + (size_t)g * (size_t)m;
    for (int k = 0; k < m; k++) {
        int f = k, j = k;
        while (j > 0 && mean[order[j - 1]] < mean[f]) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = f;
    }
}

static double phi_of(const summary_state *s, size_t i, int g, int f)
{
    size_t w = (size_t)s->sum.n_features + 1;
    return s->sum.phi[i * (size_t)s->sum.n_groups * w + (size_t)g * w + (size_t)f];
}

/* ------------------------------------------------------------ drawing */

typedef struct layout {
    int name_w, num_w, bar_w, strip_w, imp_w;
    int x_num, x_bar, x_strip, x_imp;
} layout;

static void make_layout(const ui_app *app, const summary_state *s, int w, layout *l)
{
    char nb[32];
    l->name_w = 7;
    for (int f = 0; f < app->model->n_features; f++) {
        int nw = ui_text_width(ui_feature_name(app, f, nb, sizeof nb));
        if (nw > l->name_w)
            l->name_w = nw;
    }
    if (l->name_w > 16)
        l->name_w = 16;
    l->num_w = 9;
    l->imp_w = s->have_imp ? 20 : 0;
    int rest = w - 3 - l->name_w - l->num_w - l->imp_w - 3;
    if (rest < 10)
        rest = 10;
    l->bar_w = rest * 3 / 10;
    l->strip_w = rest - l->bar_w;
    l->x_num = 2 + l->name_w + 1;
    l->x_bar = l->x_num + l->num_w + 1;
    l->x_strip = l->x_bar + l->bar_w + 1;
    l->x_imp = l->x_strip + l->strip_w + 1;
}

static void fmt_num(double v, char *buf, size_t size)
{
    snprintf(buf, size, "%.4g", v);
}

static void draw_bar(const ui_app *app, int y, int x, int w, double frac)
{
    double cells = frac * w;
    int full = (int)floor(cells);
    attrset(app->theme.attr[UI_ROLE_POSITIVE]);
    for (int i = 0; i < full && i < w; i++)
        ui_put(y, x + i, 1, app->theme.g->bar_pos);
    if (full < w && cells - full >= 0.5)
        ui_put(y, x + full, 1, app->theme.g->half_pos);
    attrset(A_NORMAL);
}

/* Palette entries that stay distinct with 8 colours, cold to hot. */
static int palette_of(double rank)
{
    static const int distinct[COLOUR_LEVELS] = {0, 1, 2, 6, 7};
    int k = (int)floor(rank * COLOUR_LEVELS);
    return distinct[k < 0 ? 0 : k >= COLOUR_LEVELS ? COLOUR_LEVELS - 1 : k];
}

/* One feature's strip: rows binned on [lo, hi] across w cells. */
static void draw_strip(const ui_app *app, const summary_state *s, int g, int f, int y, int x, int w, double lo,
                       double hi)
{
    static const char *const utf8[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    static const char *const ascii[] = {".", ":", "-", "=", "+", "*", "#", "@"};
    size_t count[512];
    double rank_sum[512];
    size_t ranked[512];
    if (w > 512)
        w = 512;
    memset(count, 0, sizeof count);
    memset(rank_sum, 0, sizeof rank_sum);
    memset(ranked, 0, sizeof ranked);
    size_t n = s->n_rows, most = 0;
    for (size_t i = 0; i < n; i++) {
        double v = phi_of(s, i, g, f);
        int c = (int)floor((v - lo) / (hi - lo) * w);
        c = c < 0 ? 0 : c >= w ? w - 1 : c;
        count[c]++;
        double r = s->rank ? s->rank[(size_t)f * n + i] : NAN;
        if (!isnan(r)) {
            rank_sum[c] += r;
            ranked[c]++;
        }
    }
    for (int c = 0; c < w; c++)
        if (count[c] > most)
            most = count[c];
    int zero = (int)floor((0.0 - lo) / (hi - lo) * w);
    for (int c = 0; c < w; c++) {
        if (!count[c]) {
            if (c == zero) {
                attrset(app->theme.attr[UI_ROLE_DIM]);
                ui_put(y, x + c, 1, app->theme.g->axis_v);
            }
            continue;
        }
        /* Square-root scale: a handful of rows stays visible beside the bulk. */
        int level = (int)ceil(8.0 * sqrt((double)count[c] / (double)most)) - 1;
        level = level < 0 ? 0 : level > 7 ? 7 : level;
        attr_t a = ranked[c] ? app->theme.attr[UI_ROLE_PALETTE0 + palette_of(rank_sum[c] / (double)ranked[c])]
                             : app->theme.attr[UI_ROLE_MISSING];
        attrset(a);
        ui_put(y, x + c, 1, app->theme.utf8 ? utf8[level] : ascii[level]);
    }
    attrset(A_NORMAL);
}

/* The shared phi axis of the strips: every value of the group, and 0. */
static void phi_range(const summary_state *s, int g, double *lo, double *hi)
{
    *lo = 0.0;
    *hi = 0.0;
    for (size_t i = 0; i < s->n_rows; i++)
        for (int f = 0; f < s->sum.n_features; f++) {
            double v = phi_of(s, i, g, f);
            if (v < *lo)
                *lo = v;
            if (v > *hi)
                *hi = v;
        }
    if (!(*hi > *lo))
        *hi = *lo + 1.0;
}

static void draw_header(const ui_app *app, const summary_state *s, const layout *l, int y, int x, double lo,
                        double hi)
{
    char buf[160], a[32], b[32];
    attrset(app->theme.attr[UI_ROLE_HEADER]);
    ui_put(y, x + 2, l->name_w, "feature");
    /* Right-aligned over the numbers (φ is one cell but two bytes). */
    snprintf(buf, sizeof buf, "%*s", l->num_w - (app->theme.utf8 ? 0 : 1), app->theme.utf8 ? "mean|φ|" : "mean|phi|");
    ui_put(y, x + l->x_num, l->num_w, buf);
    fmt_num(lo, a, sizeof a);
    fmt_num(hi, b, sizeof b);
    /* The strip's ends: its axis runs from the lowest to the highest phi. */
    snprintf(buf, sizeof buf, "%s", a);
    ui_put(y, x + l->x_strip, l->strip_w, buf);
    snprintf(buf, sizeof buf, "%s per row", app->theme.utf8 ? "φ" : "phi");
    int tw = ui_text_width(buf), bw = ui_text_width(b);
    if (l->strip_w > tw + bw + (int)strlen(a) + 2)
        ui_put(y, x + l->x_strip + (l->strip_w - tw) / 2, tw, buf);
    ui_put(y, x + l->x_strip + l->strip_w - bw, bw, b);
    if (s->have_imp) {
        snprintf(buf, sizeof buf, "%*s", l->imp_w - 6, "importance");
        ui_put(y, x + l->x_imp, l->imp_w, buf);
    }
    attrset(A_NORMAL);
}

static void draw_line(const ui_app *app, const summary_state *s, const layout *l, int g, int f, int y, int x,
                      int selected, double max_mean, double lo, double hi)
{
    char nb[32], buf[64], a[32], b[32];
    int m = s->sum.n_features;
    double mean = s->sum.mean_abs[(size_t)g * (size_t)m + (size_t)f];
    if (selected)
        attrset(app->theme.attr[UI_ROLE_CURSOR]);
    ui_put(y, x, 2, selected ? app->theme.g->cursor : " ");
    ui_put_pad(y, x + 2, l->name_w, ui_feature_name(app, f, nb, sizeof nb));
    attrset(A_NORMAL);
    snprintf(buf, sizeof buf, "%*.4g", l->num_w - 1, mean);
    ui_put(y, x + l->x_num, l->num_w, buf);
    draw_bar(app, y, x + l->x_bar, l->bar_w, max_mean > 0 ? mean / max_mean : 0.0);
    draw_strip(app, s, g, f, y, x + l->x_strip, l->strip_w, lo, hi);
    if (s->have_imp) {
        /* Two digits of the std are all it can tell; the column stays 20 wide. */
        fmt_num(s->imp.importance[f], a, sizeof a);
        snprintf(b, sizeof b, "%#.2g", s->imp.std[f]);
        snprintf(buf, sizeof buf, "%9s %s %s", a, app->theme.utf8 ? "±" : "+-", b);
        ui_put(y, x + l->x_imp, l->imp_w, buf);
    }
}

static void draw_title(ui_app *app, const summary_state *s, const ui_rect *r)
{
    char t[256], rows[96], cls[32] = "";
    if (app->model->n_groups > 1)
        snprintf(cls, sizeof cls, ", class %d", gv_group(app));
    if (s->have)
        gv_rows_text(s->n_rows, app->ds->n_rows, s->seed, rows, sizeof rows);
    else
        snprintf(rows, sizeof rows, "...");
    snprintf(t, sizeof t, " Summary: mean |SHAP value| (%s) over %s%s", 
             gb_method_name(gb_method_resolve(app->model, GB_METHOD_AUTO)), rows, cls);
    attrset(app->theme.attr[UI_ROLE_TITLE]);
    ui_put_pad(r->y, r->x, r->w, t);
    attrset(A_NORMAL);
}

/* The colour key of the strips: "colour: feature value low ▄▄▄▄▄ high". */
static void draw_legend(ui_app *app, int y, int x, int w)
{
    attrset(app->theme.attr[UI_ROLE_DIM]);
    int used = ui_put(y, x, w, "colour: the feature's value  low ");
    for (int k = 0; k < COLOUR_LEVELS && used < w; k++, used++) {
        attrset(app->theme.attr[UI_ROLE_PALETTE0 + palette_of(((double)k + 0.5) / COLOUR_LEVELS)]);
        ui_put(y, x + used, 1, app->theme.utf8 ? "█" : "#");
    }
    attrset(app->theme.attr[UI_ROLE_DIM]);
    ui_put(y, x + used, w - used, " high   (glyph height: rows)");
    attrset(A_NORMAL);
}

static void draw_footer(ui_app *app, const summary_state *s, int y, int x, int w)
{
    char buf[256], a[32];
    if (s->have_imp) {
        fmt_num(s->imp.baseline, a, sizeof a);
        snprintf(buf, sizeof buf, "importance: %s lost when shuffled (baseline %s, %d shuffles, seed %lu)",
                 gb_metric_name(s->imp.metric), a, s->imp.repeats, s->seed);
    } else {
        snprintf(buf, sizeof buf, "%s", s->imp_note);
    }
    attrset(app->theme.attr[UI_ROLE_DIM]);
    ui_put_pad(y, x, w, buf);
    attrset(A_NORMAL);
}

static void summary_draw(ui_screen *scr, ui_app *app, const ui_rect *r)
{
    summary_state *s = scr->state;
    ensure(app, s);
    draw_title(app, s, r);
    if (!s->have || s->job) {
        gv_draw_pending(app, r, s->job != NULL, "Computing the summary (progress below; Esc cancels).",
                        "The summary is not computed. Press r to compute it.");
        if (!s->have)
            return;
    }
    int m = s->sum.n_features, g = gv_group(app);
    int order[m > 0 ? m : 1];
    order_features(s, g, order);
    if (s->cursor >= m)
        s->cursor = m - 1;
    int body = r->h - 4;
    if (body < 1)
        body = 1;
    if (s->cursor < s->top)
        s->top = s->cursor;
    if (s->cursor >= s->top + body)
        s->top = s->cursor - body + 1;
    layout l;
    make_layout(app, s, r->w, &l);
    double lo, hi;
    phi_range(s, g, &lo, &hi);
    double max_mean = s->sum.mean_abs[(size_t)g * (size_t)m + (size_t)order[0]];
    draw_header(app, s, &l, r->y + 1, r->x, lo, hi);
    if (s->job)
        return;
    for (int k = s->top; k < m && k - s->top < body; k++)
        draw_line(app, s, &l, g, order[k], r->y + 2 + k - s->top, r->x, k == s->cursor, max_mean, lo, hi);
    draw_legend(app, r->y + r->h - 2, r->x + 2, r->w - 2);
    draw_footer(app, s, r->y + r->h - 1, r->x + 2, r->w - 2);
}

/* ------------------------------------------------------------ keys */

static void rows_answer(ui_app *app, const char *text, void *ctx)
{
    (void)ctx;
    ui_screen *scr = ui_top(app);
    if (!scr || scr->ops != &ui_screen_summary)
        return;
    summary_state *s = scr->state;
    size_t want;
    if (gv_parse_rows(text, &want)) {
        ui_error(app, "rows: '%s' is not a number of rows or 'all'", text);
        return;
    }
    s->want = want;
    s->stopped = 0; /* the next draw asks for it (after a running job) */
}

static int summary_key(ui_screen *scr, ui_app *app, int key)
{
    summary_state *s = scr->state;
    int m = app->model->n_features, page = scr->last.h > 4 ? scr->last.h - 3 : 1;
    switch (key) {
    case KEY_DOWN:
    case 'j': s->cursor = s->cursor + 1 < m ? s->cursor + 1 : s->cursor; return UI_REDRAW;
    case KEY_UP:
    case 'k': s->cursor = s->cursor > 0 ? s->cursor - 1 : 0; return UI_REDRAW;
    case KEY_NPAGE: s->cursor = s->cursor + page < m ? s->cursor + page : m - 1; return UI_REDRAW;
    case KEY_PPAGE: s->cursor = s->cursor > page ? s->cursor - page : 0; return UI_REDRAW;
    case 'g':
    case KEY_HOME: s->cursor = 0; return UI_REDRAW;
    case 'G':
    case KEY_END: s->cursor = m - 1; return UI_REDRAW;
    case 'n': {
        char init[32];
        snprintf(init, sizeof init, "%zu", s->want ? s->want : app->ds->n_rows);
        ui_prompt(app, "rows (a number or all)", init, rows_answer, NULL);
        return UI_REDRAW;
    }
    case 'r':
        s->stopped = 0;
        if (!s->job)
            start(app, s);
        return UI_REDRAW;
    case '\n':
    case '\r':
    case KEY_ENTER: {
        if (!s->have)
            return UI_REDRAW;
        int order[m > 0 ? m : 1];
        order_features(s, gv_group(app), order);
        app->feature = order[s->cursor];
        return ui_push(app, &ui_screen_scatter);
    }
    default: return UI_UNHANDLED;
    }
}

/* ------------------------------------------------------------ export */

/* What the screen shows, features in its order: CSV
 * feature,mean_abs_shap,importance,importance_std,class, or JSON. */
static int summary_export(ui_screen *scr, ui_app *app, FILE *fp, ui_export_format fmt, gb_error *err)
{
    summary_state *s = scr->state;
    if (!s->have)
        return gb_error_set(err, "nothing to export yet: the summary is not computed");
    int m = s->sum.n_features, g = gv_group(app);
    int order[m > 0 ? m : 1];
    order_features(s, g, order);
    char nb[32], a[GB_NUMFMT_SIZE], b[GB_NUMFMT_SIZE], c[GB_NUMFMT_SIZE];
    int csv = fmt == UI_EXPORT_CSV;
    if (csv)
        fputs("feature,mean_abs_shap,importance,importance_std,class\n", fp);
    else {
        fprintf(fp, "{\"rows\": %zu, \"seed\": %lu, \"class\": %d, \"metric\": ", s->n_rows, s->seed, g);
        if (s->have_imp)
            ui_json_string(fp, gb_metric_name(s->imp.metric));
        else
            fputs("null", fp);
        fputs(", \"features\": [", fp);
    }
    for (int k = 0; k < m; k++) {
        int f = order[k];
        gb_fmt_double(a, s->sum.mean_abs[(size_t)g * (size_t)m + (size_t)f]);
        if (s->have_imp) {
            gb_fmt_double(b, s->imp.importance[f]);
            gb_fmt_double(c, s->imp.std[f]);
        } else {
            snprintf(b, sizeof b, "%s", csv ? "" : "null");
            snprintf(c, sizeof c, "%s", csv ? "" : "null");
        }
        const char *name = ui_feature_name(app, f, nb, sizeof nb);
        if (csv) {
            ui_csv_field(fp, name);
            fprintf(fp, ",%s,%s,%s,%d\n", a, b, c, g);
        } else {
            fputs(k ? ",\n  {\"feature\": " : "\n  {\"feature\": ", fp);
            ui_json_string(fp, name);
            fprintf(fp, ", \"mean_abs_shap\": %s, \"importance\": %s, \"importance_std\": %s}", a, b, c);
        }
    }
    if (!csv)
        fputs("\n]}\n", fp);
    return ferror(fp) ? gb_error_set(err, "write error") : 0;
}

/* ------------------------------------------------------------ lifetime */

static int summary_init(ui_screen *scr, ui_app *app, gb_error *err)
{
    summary_state *s = gb_calloc(1, sizeof *s, err);
    if (!s)
        return -1;
    s->want = GV_ROWS_DEFAULT;
    scr->state = s;
    start(app, s);
    return 0;
}

static void summary_free(ui_screen *scr)
{
    summary_state *s = scr->state;
    /* A running job finds no owner and frees its own context. */
    gb_summary_free(&s->sum);
    gb_importance_free(&s->imp);
    free(s->rows);
    free(s->rank);
    free(s);
}

static const ui_key_help summary_help[] = {
    {"Down Up j k", "select a feature"},
    {"PgDn PgUp g G", "page, first, last"},
    {"Enter", "the dependence plot of the selected feature"},
    {"n", "rows summarised: a number (a seeded sample) or all"},
    {"r", "compute again (after a cancel)"},
    {"m", "the seed of the sample and the shuffles, the class shown"},
    {"e", "export the numbers (.csv, .json) or the screen (.txt)"},
    {NULL, NULL},
};

const ui_screen_ops ui_screen_summary = {
    .name = "summary",
    .init = summary_init,
    .draw = summary_draw,
    .key = summary_key,
    .free = summary_free,
    .export_view = summary_export,
    .help = summary_help,
};
