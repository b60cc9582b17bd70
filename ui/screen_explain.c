/* screen_explain.c: why the model predicts what it does for the selected
 * row.
 *
 * Two views of the same numbers: a diverging bar chart (features sorted by
 * |phi|, the top K drawn and the rest summed as "N other features", each
 * labelled with the feature's value; positive and negative bars differ in
 * colour and glyph) and a waterfall from the base value to the output.  The
 * header gives the base value, the output as a margin and on the model's
 * scale (probability, mean), and the additivity check.  Sampled methods add
 * +-1 standard-error whiskers, and while such a method runs the bars are
 * drawn from its running estimate, so they settle as it converges.  LIME's
 * bars are its weights, labelled as lime labels them, by the bin the row's
 * value falls in ("23.2 < bmi <= 27"), under the local fit's intercept and
 * weighted R^2. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../src/numfmt.h"
#include "loop.h"

typedef struct explain_state {
    int waterfall;
    int cursor;       /* selected bar, 0 = largest |phi| */
    size_t asked_row; /* what was last submitted, so a failure is not retried forever */
    ui_params asked;
    int asked_valid;
} explain_state;

/* What one chart draws: the group's attributions, in |phi| order. */
typedef struct chart {
    int m;            /* features */
    const double *phi; /* m attributions then the base value */
    const double *se; /* m standard errors, or NULL */
    double margin;
    int *order;       /* m feature indices by decreasing |phi| */
    int shown;        /* bars drawn before the rest is summed */
    double rest, rest_se;
    int live;         /* drawn from a running estimate */
    double fraction;
    const ui_result *res; /* the finished result drawn, or NULL */
} chart;

static int explain_init(ui_screen *s, ui_app *app, gb_error *err)
{
    explain_state *e = gb_calloc(1, sizeof *e, err);
    if (!e)
        return -1;
    s->state = e;
    (void)app;
    return 0;
}

static void explain_free(ui_screen *s)
{
    free(s->state);
}

/* Submits the row unless cached, running or already tried with these
 * parameters. */
static void request(explain_state *e, ui_app *app)
{
    if (ui_app_result(app, app->row))
        return;
    if (e->asked_valid && e->asked_row == app->row && ui_params_same(&e->asked, &app->params))
        return;
    e->asked_row = app->row;
    e->asked = app->params;
    e->asked_valid = 1;
    ui_app_explain(app, app->row);
}

typedef struct by_mag {
    double mag;
    int f;
} by_mag;

static int by_abs(const void *a, const void *b)
{
    const by_mag *x = a, *y = b;
    if (x->mag != y->mag)
        return x->mag < y->mag ? 1 : -1;
    return x->f - y->f;
}

/* Orders features by decreasing |phi|, ties by index. */
static void order_by_abs(int *order, const double *phi, int m)
{
    by_mag *k = malloc((size_t)(m ? m : 1) * sizeof *k);
    for (int f = 0; f < m; f++) {
        if (k)
            k[f] = (by_mag){fabs(phi[f]), f};
        order[f] = f;
    }
    if (!k)
        return;
    qsort(k, (size_t)m, sizeof *k, by_abs);
    for (int f = 0; f < m; f++)
        order[f] = k[f].f;
    free(k);
}

static int group_of(const ui_app *app)
{
    int k = app->params.klass;
    return k >= 0 && k < app->model->n_groups ? k : 0;
}

/* Fills c from the cached result or the running estimate; 0 when there is
 * nothing to draw. */
static int chart_make(chart *c, ui_app *app, const ui_result *res, const ui_job_view *v, int rows_avail)
{
    memset(c, 0, sizeof *c);
    int m = app->model->n_features, g = group_of(app);
    size_t block = (size_t)g * (size_t)(m + 1);
    if (res) {
        c->res = res;
        c->phi = res->phi + block;
        c->se = res->se ? res->se + block : NULL;
        c->margin = res->margin[g];
    } else if (v->running && v->tag_kind == UI_JOB_EXPLAIN_ROW && v->tag_row == (long)app->row &&
               v->n_estimate >= (size_t)m) {
        /* Either one block per group or just the features of the row. */
        size_t off = v->n_estimate == (size_t)app->model->n_groups * (size_t)(m + 1) ? block : 0;
        c->phi = v->estimate + off;
        c->se = v->estimate_se ? v->estimate_se + off : NULL;
        c->margin = NAN;
        c->live = 1;
        c->fraction = v->fraction;
    } else {
        return 0;
    }
    c->m = m;
    c->order = malloc((size_t)(m ? m : 1) * sizeof *c->order);
    if (!c->order)
        return 0;
    order_by_abs(c->order, c->phi, m);
    int k = app->params.top_k > 0 ? app->params.top_k : m;
    if (k > rows_avail)
        k = rows_avail;
    if (k < m && k > 0)
        k--; /* leave a line for the rest */
    c->shown = k < m ? k : m;
    double var = 0;
    for (int i = c->shown; i < m; i++) {
        c->rest += c->phi[c->order[i]];
        if (c->se)
            var += c->se[c->order[i]] * c->se[c->order[i]];
    }
    c->rest_se = sqrt(var); /* as if independent: a guide, not a bound */
    return 1;
}

/* ------------------------------------------------------------ drawing */

/* A bar's label: the feature's name, or for LIME the row's bin. */
static const char *bar_label(ui_app *app, const chart *c, int f, char *buf, size_t size)
{
    char nb[64];
    const char *name = ui_feature_name(app, f, nb, sizeof nb);
    double lo = c->res && c->res->bin_lo ? c->res->bin_lo[f] : NAN, hi = c->res && c->res->bin_hi ? c->res->bin_hi[f] : NAN;
    if (isnan(lo) || (isinf(lo) && isinf(hi)))
        snprintf(buf, size, "%s", name);
    else if (isinf(lo))
        snprintf(buf, size, "%s <= %.4g", name, hi);
    else if (isinf(hi))
        snprintf(buf, size, "%s > %.4g", name, lo);
    else
        snprintf(buf, size, "%.4g < %s <= %.4g", lo, name, hi);
    return buf;
}

static int is_lime(const chart *c)
{
    return c->res && c->res->lime_r2;
}

static void header(ui_app *app, const chart *c, const ui_result *res, const ui_rect *r)
{
    char t[512], vb[64];
    int n = snprintf(t, sizeof t, "Explanation  row %zu", app->row);
    if (app->binding.target >= 0)
        n += snprintf(t + n, sizeof t - (size_t)n, "  %s = %s", app->ds->cols[app->binding.target].name,
                      ui_cell_text(app, (size_t)app->binding.target, app->row, vb, sizeof vb));
    if (app->model->n_groups > 1)
        n += snprintf(t + n, sizeof t - (size_t)n, "  class %d of %d", group_of(app), app->model->n_groups);
    snprintf(t + n, sizeof t - (size_t)n, "  %s", ui_params_method_name(&app->params, app->model));
    attrset(app->theme.attr[UI_ROLE_TITLE]);
    ui_put_pad(r->y, r->x, r->w, t);
    attrset(A_NORMAL);
    if (!c->phi)
        return;
    int m = c->m;
    double sum = 0;
    for (int f = 0; f < m; f++)
        sum += c->phi[f];
    if (c->live) {
        snprintf(t, sizeof t, "running estimate (%.0f%% done): base %.6g %s %.6g from the features",
                 c->fraction * 100, c->phi[m], sum < 0 ? "-" : "+", fabs(sum));
    } else if (is_lime(c)) {
        snprintf(t, sizeof t, "local model at the row %.6g = intercept %.6g %s %.6g from the weights", c->margin,
                 c->phi[m], sum < 0 ? "-" : "+", fabs(sum));
    } else {
        n = snprintf(t, sizeof t, "output %.6g", c->margin);
        if (app->model->link != GB_LINK_IDENTITY) {
            double *out = malloc((size_t)app->model->n_groups * sizeof *out);
            if (out) {
                gb_model_transform(app->model, res->margin, out);
                n += snprintf(t + n, sizeof t - (size_t)n, " (%s %.4g)",
                              app->model->link == GB_LINK_EXP ? "mean" : "probability", out[group_of(app)]);
                free(out);
            }
        }
        n += snprintf(t + n, sizeof t - (size_t)n, " = base %.6g %s %.6g from the features", c->phi[m],
                      sum < 0 ? "-" : "+", fabs(sum));
    }
    ui_put_pad(r->y + 1, r->x, r->w, t);
    if (c->live)
        return;
    double err = fabs(c->phi[m] + sum - c->margin);
    if (is_lime(c))
        n = snprintf(t, sizeof t, "local fit: weighted R%s %.3f over %zu samples; bars are the weights of the bins",
                     app->theme.utf8 ? "²" : "^2", res->lime_r2[group_of(app)], res->samples);
    else
        n = snprintf(t, sizeof t, "additivity error %.1e", err);
    if (res && res->se)
        n += snprintf(t + n, sizeof t - (size_t)n, "   whiskers: %s1 standard error", app->theme.utf8 ? "±" : "+-");
    attrset(app->theme.attr[UI_ROLE_DIM]);
    ui_put_pad(r->y + 2, r->x, r->w, t);
    attrset(A_NORMAL);
}

/* Cells [a, b) of a bar on a row, with glyph and role. */
static void fill(ui_app *app, int y, int a, int b, const char *glyph, ui_role role)
{
    attrset(app->theme.attr[role]);
    for (int x = a; x < b; x++)
        ui_put(y, x, 1, glyph);
    attrset(A_NORMAL);
}

/* A bar from the axis at column ax, half cells resolved with half glyphs;
 * scale = value per cell. */
static void bar(ui_app *app, int y, int ax, int half_w, double v, double se, double scale)
{
    const ui_glyphs *g = app->theme.g;
    int pos = v >= 0;
    ui_role role = pos ? UI_ROLE_POSITIVE : UI_ROLE_NEGATIVE;
    int halves = scale > 0 ? (int)lround(fabs(v) / scale * 2) : 0;
    if (halves > 2 * half_w)
        halves = 2 * half_w;
    int full = halves / 2, half = halves % 2;
    if (pos) {
        fill(app, y, ax + 1, ax + 1 + full, g->bar_pos, role);
        if (half)
            fill(app, y, ax + 1 + full, ax + 2 + full, g->half_pos, role);
    } else {
        fill(app, y, ax - full, ax, g->bar_neg, role);
        if (half)
            fill(app, y, ax - full - 1, ax - full, g->half_neg, role);
    }
    if (se > 0 && scale > 0) {
        /* The whisker spans v +- se beyond the bar's end. */
        double lo = (v - se) / scale, hi = (v + se) / scale;
        int a = (int)lround(lo), b = (int)lround(hi);
        int end = pos ? full + half : -(full + half);
        attrset(app->theme.attr[UI_ROLE_DIM]);
        for (int k = a; k <= b; k++) {
            if (k < -half_w || k > half_w || k == 0)
                continue;
            if ((pos && k > 0 && k <= end) || (!pos && k < 0 && k >= end))
                continue; /* inside the bar */
            int x = k > 0 ? ax + k : ax + k;
            ui_put(y, x, 1, k == a || k == b ? g->whisker_end : g->whisker);
        }
        attrset(A_NORMAL);
    }
}

static void value_text(char *buf, size_t size, double v, double se, int utf8)
{
    if (se > 0)
        snprintf(buf, size, "%+.4g %s%.2g", v, utf8 ? "±" : "+-", se);
    else
        snprintf(buf, size, "%+.4g", v);
}

static void draw_bars(ui_app *app, explain_state *e, const chart *c, const ui_rect *r, int y0)
{
    int name_w = 8;
    char nb[64], vb[64], num[64];
    for (int i = 0; i < c->shown; i++) {
        int w = ui_text_width(bar_label(app, c, c->order[i], nb, sizeof nb));
        if (w > name_w)
            name_w = w;
    }
    int cap = is_lime(c) ? 26 : 18;
    if (name_w > cap)
        name_w = cap;
    int val_w = 10, num_w = c->se ? 16 : 10;
    int bar_w = r->w - name_w - val_w - num_w - 5;
    if (bar_w < 10)
        bar_w = 10;
    int half_w = (bar_w - 1) / 2;
    int x_name = r->x + 1, x_val = x_name + name_w + 1, ax = x_val + val_w + 1 + half_w;
    int x_num = ax + half_w + 2;
    double scale = 0;
    for (int i = 0; i < c->shown; i++) {
        double v = fabs(c->phi[c->order[i]]) + (c->se ? c->se[c->order[i]] : 0);
        if (v > scale)
            scale = v;
    }
    if (c->shown < c->m && fabs(c->rest) > scale)
        scale = fabs(c->rest);
    scale = scale > 0 ? scale / half_w : 0;
    int rows = c->shown + (c->shown < c->m);
    for (int i = 0; i < rows; i++) {
        int y = y0 + i, rest = i == c->shown;
        double v = rest ? c->rest : c->phi[c->order[i]];
        double se = rest ? c->rest_se : c->se ? c->se[c->order[i]] : 0;
        if (i == e->cursor)
            attrset(app->theme.attr[UI_ROLE_CURSOR]);
        if (rest) {
            char label[64];
            snprintf(label, sizeof label, "%d other features", c->m - c->shown);
            attrset(i == e->cursor ? app->theme.attr[UI_ROLE_CURSOR] : app->theme.attr[UI_ROLE_DIM]);
            ui_put_pad(y, x_name, name_w + val_w + 1, label);
        } else {
            ui_put_pad(y, x_name, name_w, bar_label(app, c, c->order[i], nb, sizeof nb));
            attrset(A_NORMAL);
            const char *vt = ui_feature_text(app, c->order[i], app->row, vb, sizeof vb);
            int tw = ui_text_width(vt);
            int missing = isnan(app->ds->cols[app->binding.column[c->order[i]]].values[app->row]);
            if (missing)
                attrset(app->theme.attr[UI_ROLE_MISSING]);
            ui_put(y, x_val + (tw < val_w ? val_w - tw : 0), val_w, vt);
        }
        attrset(app->theme.attr[UI_ROLE_AXIS]);
        ui_put(y, ax, 1, app->theme.g->axis_v);
        attrset(A_NORMAL);
        bar(app, y, ax, half_w, v, se, scale);
        value_text(num, sizeof num, v, se, app->theme.utf8);
        attrset(app->theme.attr[v >= 0 ? UI_ROLE_POSITIVE : UI_ROLE_NEGATIVE]);
        ui_put(y, x_num, r->x + r->w - x_num, num);
        attrset(A_NORMAL);
    }
}

/* The waterfall: from the base value, each feature moves the running total
 * to the output; one shared axis from the smallest to the largest total. */
static void draw_waterfall(ui_app *app, explain_state *e, const chart *c, const ui_rect *r, int y0)
{
    int name_w = 18, num_w = 11;
    int x_name = r->x + 1, x_bar = x_name + name_w + 1;
    int bar_w = r->w - name_w - num_w - 4;
    int rows = c->shown + (c->shown < c->m);
    double lo = c->phi[c->m], hi = lo, run = lo;
    for (int i = 0; i < rows; i++) {
        run += i == c->shown ? c->rest : c->phi[c->order[i]];
        lo = run < lo ? run : lo;
        hi = run > hi ? run : hi;
    }
    double span = hi > lo ? hi - lo : 1;
    char nb[64], num[64];
    run = c->phi[c->m];
    attrset(app->theme.attr[UI_ROLE_DIM]);
    snprintf(num, sizeof num, "%.5g", run);
    ui_put_pad(y0, x_name, name_w, "base value");
    int xb = x_bar + (int)lround((run - lo) / span * (bar_w - 1));
    ui_put(y0, xb, 1, app->theme.g->axis_v);
    ui_put(y0, x_bar + bar_w + 1, num_w, num);
    attrset(A_NORMAL);
    for (int i = 0; i < rows && y0 + 1 + i < r->y + r->h - 1; i++) {
        int y = y0 + 1 + i, rest = i == c->shown;
        double v = rest ? c->rest : c->phi[c->order[i]];
        double from = run, to = run + v;
        run = to;
        int a = x_bar + (int)lround(((from < to ? from : to) - lo) / span * (bar_w - 1));
        int b = x_bar + (int)lround(((from < to ? to : from) - lo) / span * (bar_w - 1));
        if (b == a)
            b = a + 1;
        char label[64];
        if (rest)
            snprintf(label, sizeof label, "%d other features", c->m - c->shown);
        attrset(i == e->cursor ? app->theme.attr[UI_ROLE_CURSOR] : rest ? app->theme.attr[UI_ROLE_DIM] : A_NORMAL);
        ui_put_pad(y, x_name, name_w, rest ? label : ui_feature_name(app, c->order[i], nb, sizeof nb));
        fill(app, y, a, b, v >= 0 ? app->theme.g->bar_pos : app->theme.g->bar_neg,
             v >= 0 ? UI_ROLE_POSITIVE : UI_ROLE_NEGATIVE);
        snprintf(num, sizeof num, "%+.4g", v);
        attrset(app->theme.attr[v >= 0 ? UI_ROLE_POSITIVE : UI_ROLE_NEGATIVE]);
        ui_put(y, x_bar + bar_w + 1, num_w, num);
        attrset(A_NORMAL);
    }
    int y = y0 + 1 + rows;
    if (y < r->y + r->h) {
        attrset(app->theme.attr[UI_ROLE_HEADER]);
        ui_put_pad(y, x_name, name_w, c->live ? "estimate" : "output");
        int xo = x_bar + (int)lround((run - lo) / span * (bar_w - 1));
        ui_put(y, xo, 1, app->theme.g->axis_v);
        snprintf(num, sizeof num, "%.5g", run);
        ui_put(y, x_bar + bar_w + 1, num_w, num);
        attrset(A_NORMAL);
    }
}

static void explain_draw(ui_screen *s, ui_app *app, const ui_rect *r)
{
    explain_state *e = s->state;
    request(e, app);
    const ui_result *res = ui_app_result(app, app->row);
    ui_job_view v;
    ui_jobs_view(app->jobs, &v);
    int y0 = r->y + 4, avail = r->h - 4 - (e->waterfall ? 2 : 0);
    chart c;
    if (!chart_make(&c, app, res, &v, avail > 1 ? avail : 1)) {
        header(app, &c, res, r);
        attrset(app->theme.attr[UI_ROLE_DIM]);
        int running = v.running && v.tag_kind == UI_JOB_EXPLAIN_ROW && v.tag_row == (long)app->row;
        ui_put(r->y + 2, r->x + 2, r->w - 2,
               running || ui_jobs_busy(app->jobs) ? "computing... (Esc cancels)"
                                                  : "not explained (Enter explains it; m changes the method)");
        attrset(A_NORMAL);
        return;
    }
    int rows = c.shown + (c.shown < c.m);
    if (e->cursor >= rows)
        e->cursor = rows - 1;
    if (e->cursor >= 0 && e->cursor < c.shown)
        app->feature = c.order[e->cursor];
    header(app, &c, res, r);
    if (e->waterfall)
        draw_waterfall(app, e, &c, r, y0 - 1);
    else
        draw_bars(app, e, &c, r, y0);
    free(c.order);
}

/* ------------------------------------------------------------ keys */

static void step_row(ui_app *app, long d)
{
    long r = (long)app->row + d;
    if (r < 0 || (size_t)r >= app->ds->n_rows)
        return;
    app->row = (size_t)r;
}

static int explain_key(ui_screen *s, ui_app *app, int key)
{
    explain_state *e = s->state;
    switch (key) {
    case 'j': case KEY_DOWN: e->cursor++; break;
    case 'k': case KEY_UP: if (e->cursor > 0) e->cursor--; break;
    case 'g': case KEY_HOME: e->cursor = 0; break;
    case 'G': case KEY_END: e->cursor = 1 << 20; break;
    case 'J': case KEY_NPAGE: step_row(app, 1); break;
    case 'K': case KEY_PPAGE: step_row(app, -1); break;
    case 'v': e->waterfall = !e->waterfall; break;
    case '+': if (app->params.top_k < app->model->n_features) app->params.top_k++; break;
    case '-': if (app->params.top_k > 1) app->params.top_k--; break;
    case '>':
        if (app->model->n_groups > 1)
            app->params.klass = (app->params.klass + 1) % app->model->n_groups;
        break;
    case '<':
        if (app->model->n_groups > 1)
            app->params.klass = (app->params.klass + app->model->n_groups - 1) % app->model->n_groups;
        break;
    case '\n': case '\r': case KEY_ENTER:
        e->asked_valid = 0; /* Enter retries a failed or cancelled row */
        request(e, app);
        break;
    default: return UI_UNHANDLED;
    }
    return UI_REDRAW;
}

/* ------------------------------------------------------------ export */

static int explain_export(ui_screen *s, ui_app *app, FILE *fp, ui_export_format fmt, gb_error *err)
{
    (void)s;
    const ui_result *res = ui_app_result(app, app->row);
    if (!res)
        return gb_error_set(err, "row %zu is not explained yet", app->row);
    int m = res->n_features, g = group_of(app);
    const double *phi = res->phi + (size_t)g * (size_t)(m + 1);
    const double *se = res->se ? res->se + (size_t)g * (size_t)(m + 1) : NULL;
    char nb[64], vb[256];
    const char *method = ui_params_method_name(&res->params, app->model);
    char a[GB_NUMFMT_SIZE], b[GB_NUMFMT_SIZE];
    if (fmt == UI_EXPORT_CSV) {
        fprintf(fp, "row,class,method,feature,value,attribution,standard_error\n");
        for (int f = 0; f < m; f++) {
            fprintf(fp, "%zu,%d,%s,", app->row, g, method);
            ui_csv_field(fp, ui_feature_name(app, f, nb, sizeof nb));
            fputc(',', fp);
            ui_csv_field(fp, ui_feature_text(app, f, app->row, vb, sizeof vb));
            fprintf(fp, ",%s,%s\n", gb_fmt_double(a, phi[f]), se ? gb_fmt_double(b, se[f]) : "");
        }
        fprintf(fp, "%zu,%d,%s,base_value,,%s,\n", app->row, g, method, gb_fmt_double(a, phi[m]));
        fprintf(fp, "%zu,%d,%s,output,,%s,\n", app->row, g, method, gb_fmt_double(a, res->margin[g]));
    } else {
        fprintf(fp, "{\"row\":%zu,\"class\":%d,\"method\":\"%s\",\"base_value\":%s,\"output\":%s,\n\"features\":[",
                app->row, g, method, gb_fmt_double(a, phi[m]), gb_fmt_double(b, res->margin[g]));
        for (int f = 0; f < m; f++) {
            fprintf(fp, "%s\n{\"name\":", f ? "," : "");
            ui_json_string(fp, ui_feature_name(app, f, nb, sizeof nb));
            fprintf(fp, ",\"attribution\":%s", gb_fmt_double(a, phi[f]));
            if (se)
                fprintf(fp, ",\"standard_error\":%s", gb_fmt_double(b, se[f]));
            fputc('}', fp);
        }
        fputs("\n]}\n", fp);
    }
    return ferror(fp) ? gb_error_set(err, "write error") : 0;
}

static const ui_key_help explain_keys[] = {
    {"j k Up Down", "select a bar (s plots the selected feature)"},
    {"J K PgDn PgUp", "next / previous row"},
    {"v", "bars / waterfall"},
    {"+ -", "show one bar more / fewer before \"N other features\""},
    {"< >", "previous / next class (multiclass models)"},
    {"Enter", "explain again (after a failure or a cancel)"},
    {"e", "export: .csv or .json with every feature, .txt as shown"},
    {NULL, NULL},
};

const ui_screen_ops ui_screen_explain = {
    .name = "explanation",
    .init = explain_init,
    .draw = explain_draw,
    .key = explain_key,
    .free = explain_free,
    .export_view = explain_export,
    .help = explain_keys,
    .pane = 1,
};
