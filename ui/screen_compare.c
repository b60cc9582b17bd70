/* screen_compare.c: one row under every method, side by side (see
 * screen_compare.h).
 *
 * The table is drawn from the app's result cache on every draw; the screen
 * keeps only what the user chose (reference method, k, cursor) and which
 * methods it has asked for, so that a method that failed is not resubmitted
 * on every redraw (r asks again). */
#include "screen_compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../src/agreement.h"
#include "../src/numfmt.h"
#include "loop.h"

enum { NAME_W_MAX = 18, VALUE_W = 9, COL_MIN = 15, SUMMARY_ROWS = 6 };

typedef struct compare_state {
    int methods[COMPARE_MAX_METHODS];
    int n_methods;
    int ref;      /* index into methods[] of the reference */
    int k;        /* top-k overlap */
    int cursor;   /* selected line among the features, in sorted order */
    int top;      /* first feature line shown */
    int first;    /* first method column shown (narrow terminals) */
    size_t asked_row;
    int asked[COMPARE_MAX_METHODS];
    ui_params asked_params;
} compare_state;

/* One method's numbers for the row, or NULL fields when not computed. */
typedef struct column {
    const ui_result *res;
    const double *phi; /* the group's n_features attributions, base value after */
    const double *se;
    double output;
    int pending;
} column;

int compare_methods(const gb_model *m, int *out, int max)
{
    int n = 0;
    /* Method values run from 1 (0 is "auto") until the core has no name. */
    for (int i = 1; i < 64 && n < max; i++) {
        const char *name = gb_method_name((gb_method)i);
        if (!name || strcmp(name, "?") == 0)
            break;
        if (gb_method_check(m, (gb_method)i, NULL) == 0)
            out[n++] = i;
    }
    return n;
}

static int group(const ui_app *app)
{
    int g = app->params.klass;
    return g < 0 ? 0 : g >= app->model->n_groups ? app->model->n_groups - 1 : g;
}

static ui_params params_for(const ui_app *app, int method)
{
    ui_params p = app->params;
    p.method = method;
    return p;
}

static const ui_result *find_result(const ui_app *app, size_t row, const ui_params *p)
{
    for (size_t i = app->n_cache; i-- > 0;)
        if (app->cache[i].row == row && ui_params_same(&app->cache[i].params, p))
            return &app->cache[i];
    return NULL;
}

static int is_pending(const ui_app *app, size_t row, const ui_params *p)
{
    for (size_t i = 0; i < app->n_pending; i++)
        if (app->pending[i].row == row && ui_params_same(&app->pending[i].params, p))
            return 1;
    return 0;
}

static void get_column(const ui_app *app, int method, column *c)
{
    memset(c, 0, sizeof *c);
    ui_params p = params_for(app, method);
    c->res = find_result(app, app->row, &p);
    c->pending = !c->res && is_pending(app, app->row, &p);
    if (!c->res)
        return;
    size_t off = (size_t)group(app) * (size_t)(c->res->n_features + 1);
    c->phi = c->res->phi + off;
    c->se = c->res->se ? c->res->se + off : NULL;
    c->output = c->res->margin[group(app)];
}

/* Submits every method not yet cached, running or asked for this row and
 * these parameters; force asks again for those that failed. */
static void request(compare_state *s, ui_app *app, int force)
{
    /* Choosing another method for the explanation screen changes nothing
     * here: every method is asked for anyway. */
    ui_params now = params_for(app, s->asked_params.method);
    if (s->asked_row != app->row || !ui_params_same(&s->asked_params, &now)) {
        memset(s->asked, 0, sizeof s->asked);
        s->asked_row = app->row;
        s->asked_params = app->params;
    }
    ui_params saved = app->params;
    for (int i = 0; i < s->n_methods; i++) {
        if (s->asked[i] && !force)
            continue;
        s->asked[i] = 1;
        /* ui_app_explain explains with app->params: lend it each method. */
        app->params.method = s->methods[i];
        ui_app_explain(app, app->row);
    }
    app->params = saved;
}

/* ------------------------------------------------------------ numbers */

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

/* Feature order: by |phi| of the reference when it is there, else the
 * first method computed, else the model's order. */
static void feature_order(const ui_app *app, const compare_state *s, const column *cols, int *order)
{
    int m = app->model->n_features;
    const double *key = cols[s->ref].phi;
    for (int i = 0; !key && i < s->n_methods; i++)
        key = cols[i].phi;
    by_mag *b = malloc((size_t)m * sizeof *b);
    if (!b || !key) {
        for (int f = 0; f < m; f++)
            order[f] = f;
        free(b);
        return;
    }
    for (int f = 0; f < m; f++)
        b[f] = (by_mag){isnan(key[f]) ? -1.0 : fabs(key[f]), f};
    qsort(b, (size_t)m, sizeof *b, by_abs);
    for (int f = 0; f < m; f++)
        order[f] = b[f].f;
    free(b);
}

/* The largest |phi| over the methods on screen: one scale for the bars in
 * view (a method scrolled out of view does not shrink them). */
static double common_scale(const ui_app *app, int first, int n, const column *cols)
{
    double mx = 0;
    for (int i = first; i < first + n; i++)
        for (int f = 0; cols[i].phi && f < app->model->n_features; f++)
            if (fabs(cols[i].phi[f]) > mx)
                mx = fabs(cols[i].phi[f]);
    return mx;
}

/* ------------------------------------------------------------ drawing */

typedef struct layout {
    int name_w, col_w, n_shown, first;
    int x0;      /* where the first method column starts */
    int y_rows;  /* first feature line */
    int n_rows;  /* feature lines that fit */
} layout;

static void fit_layout(const ui_app *app, compare_state *s, const ui_rect *r, layout *L)
{
    int m = app->model->n_features;
    L->name_w = 8;
    for (int f = 0; f < m; f++) {
        char nb[32];
        int w = ui_text_width(ui_feature_name(app, f, nb, sizeof nb));
        if (w > L->name_w)
            L->name_w = w;
    }
    if (L->name_w > NAME_W_MAX)
        L->name_w = NAME_W_MAX;
    L->x0 = r->x + 1 + L->name_w + 1 + VALUE_W;
    int avail = r->x + r->w - L->x0;
    L->n_shown = avail / COL_MIN;
    if (L->n_shown > s->n_methods)
        L->n_shown = s->n_methods;
    if (L->n_shown < 1)
        L->n_shown = 1;
    L->col_w = avail / L->n_shown;
    /* Keep the reference column in view. */
    if (s->ref < s->first)
        s->first = s->ref;
    if (s->ref >= s->first + L->n_shown)
        s->first = s->ref - L->n_shown + 1;
    L->first = s->first;
    L->y_rows = r->y + 2;
    L->n_rows = r->h - 2 - 1 - SUMMARY_ROWS;
    if (L->n_rows < 1)
        L->n_rows = 1;
    if (s->cursor < s->top)
        s->top = s->cursor;
    if (s->cursor >= s->top + L->n_rows)
        s->top = s->cursor - L->n_rows + 1;
}

/* A diverging bar in w cells around the middle, |v| / scale of a half. */
static void draw_bar(const ui_app *app, int y, int x, int w, double v, double scale)
{
    const ui_glyphs *g = app->theme.g;
    int half = w / 2;
    if (half < 1 || !(scale > 0) || isnan(v))
        return;
    int units = (int)lround(fabs(v) / scale * 2.0 * half); /* half-cells */
    if (units > 2 * half)
        units = 2 * half;
    int full = units / 2, part = units % 2;
    int pos = v > 0;
    attrset(app->theme.attr[pos ? UI_ROLE_POSITIVE : UI_ROLE_NEGATIVE]);
    int mid = x + half;
    for (int i = 0; i < full; i++)
        ui_put(y, pos ? mid + i : mid - 1 - i, 1, pos ? g->bar_pos : g->bar_neg);
    if (part)
        ui_put(y, pos ? mid + full : mid - 1 - full, 1, pos ? g->half_pos : g->half_neg);
    attrset(A_NORMAL);
}

static void draw_cell(const ui_app *app, const layout *L, int y, int x, const column *c, int f, double scale,
                      int line)
{
    char buf[48];
    int w = L->col_w - 1;
    if (!c->phi) {
        /* Say it once, on the first line of the column. */
        if (line == 0) {
            attrset(app->theme.attr[UI_ROLE_DIM]);
            ui_put(y, x + 1, w, c->pending ? "computing" : "not computed");
            attrset(A_NORMAL);
        } else if (line == 1 && !c->pending) {
            attrset(app->theme.attr[UI_ROLE_DIM]);
            ui_put(y, x + 1, w, "(r runs it)");
            attrset(A_NORMAL);
        }
        return;
    }
    int show_se = c->se && w >= 22;
    if (show_se)
        snprintf(buf, sizeof buf, "%+8.3g%s%-6.2g", c->phi[f], app->theme.utf8 ? "±" : "+-", c->se[f]);
    else
        snprintf(buf, sizeof buf, "%+8.3g", c->phi[f]);
    int used = ui_put(y, x, w, buf);
    draw_bar(app, y, x + used + 1, w - used - 1, c->phi[f], scale);
}

static void draw_header(const ui_app *app, const compare_state *s, const layout *L, const ui_rect *r)
{
    char t[256];
    int ng = app->model->n_groups;
    char cls[32] = "";
    if (ng > 1)
        snprintf(cls, sizeof cls, " (class %d)", group(app));
    snprintf(t, sizeof t, " Compare methods: row %zu%s   reference: %s (%s)   top-k: %d (+ -)", app->row, cls,
             gb_method_name((gb_method)s->methods[s->ref]), app->theme.utf8 ? "←→" : "<- ->", s->k);
    attrset(app->theme.attr[UI_ROLE_TITLE]);
    ui_put_pad(r->y, r->x, r->w, t);
    attrset(app->theme.attr[UI_ROLE_HEADER]);
    ui_put_pad(r->y + 1, r->x, r->w, "");
    ui_put(r->y + 1, r->x + 1, L->name_w, "feature");
    ui_put(r->y + 1, r->x + 1 + L->name_w + 1, VALUE_W - 1, "value");
    for (int j = 0; j < L->n_shown; j++) {
        int i = L->first + j;
        int x = L->x0 + j * L->col_w;
        if (i == s->ref)
            attrset(app->theme.attr[UI_ROLE_CURSOR]);
        char name[48];
        /* The reference is marked in the text too, for monochrome and dumps. */
        snprintf(name, sizeof name, "%s%s", i == s->ref ? "*" : " ", gb_method_name((gb_method)s->methods[i]));
        ui_put(r->y + 1, x, L->col_w - 1, name);
        attrset(app->theme.attr[UI_ROLE_HEADER]);
    }
    attrset(A_NORMAL);
}

static void draw_features(const ui_app *app, const compare_state *s, const layout *L, const column *cols,
                          const int *order, double scale)
{
    int m = app->model->n_features;
    for (int line = 0; line < L->n_rows && s->top + line < m; line++) {
        int f = order[s->top + line], y = L->y_rows + line;
        char nb[32], vb[48];
        if (s->top + line == s->cursor)
            attrset(app->theme.attr[UI_ROLE_CURSOR]);
        ui_put_pad(y, L->x0 - VALUE_W - L->name_w - 1, L->name_w, ui_feature_name(app, f, nb, sizeof nb));
        attrset(A_NORMAL);
        const char *v = ui_feature_text(app, f, app->row, vb, sizeof vb);
        int vw = ui_text_width(v);
        if (isnan(app->ds->cols[app->binding.column[f]].values[app->row]))
            attrset(app->theme.attr[UI_ROLE_MISSING]);
        ui_put(y, L->x0 - 1 - (vw < VALUE_W - 1 ? vw : VALUE_W - 1), VALUE_W - 1, v);
        attrset(A_NORMAL);
        for (int j = 0; j < L->n_shown; j++)
            draw_cell(app, L, y, L->x0 + j * L->col_w, &cols[L->first + j], f, scale, s->top + line);
    }
}

/* The summary lines: base value, output, and agreement with the reference. */
static void draw_summary(const ui_app *app, const compare_state *s, const layout *L, const column *cols, int y)
{
    char label[32];
    snprintf(label, sizeof label, "top-%d overlap", s->k);
    const char *labels[SUMMARY_ROWS] = {"base value", "output", "rank corr.", "rank corr. |phi|", label, ""};
    attrset(app->theme.attr[UI_ROLE_AXIS]);
    for (int x = L->x0 - VALUE_W - L->name_w - 1; x < L->x0 + L->n_shown * L->col_w; x++)
        ui_put(y, x, 1, app->theme.g->axis_h);
    attrset(A_NORMAL);
    const column *ref = &cols[s->ref];
    int m = app->model->n_features;
    for (int row = 0; row < SUMMARY_ROWS - 1; row++) {
        int yy = y + 1 + row;
        attrset(app->theme.attr[UI_ROLE_HEADER]);
        ui_put(yy, L->x0 - VALUE_W - L->name_w - 1, L->name_w + VALUE_W, labels[row]);
        attrset(A_NORMAL);
        for (int j = 0; j < L->n_shown; j++) {
            const column *c = &cols[L->first + j];
            char buf[48] = "";
            if (c->phi && row == 0)
                snprintf(buf, sizeof buf, "%+8.4g", c->phi[m]);
            else if (c->phi && row == 1)
                snprintf(buf, sizeof buf, "%+8.4g", c->output);
            else if (c->phi && ref->phi && row >= 2) {
                gb_agreement ag;
                if (gb_agreement_compute(ref->phi, c->phi, (size_t)m, (size_t)s->k, &ag, NULL) == 0) {
                    double rho = row == 2 ? ag.spearman : ag.spearman_abs;
                    char frac[32];
                    snprintf(frac, sizeof frac, "%zu/%zu", ag.topk_common, ag.k);
                    if (row == 4)
                        snprintf(buf, sizeof buf, "%8s", frac);
                    else if (isnan(rho))
                        snprintf(buf, sizeof buf, "%8s", "n/a");
                    else
                        snprintf(buf, sizeof buf, "%8.3f", rho);
                }
            }
            ui_put(yy, L->x0 + j * L->col_w, L->col_w - 1, buf);
        }
    }
}

static void compare_draw(ui_screen *scr, ui_app *app, const ui_rect *r)
{
    compare_state *s = scr->state;
    if (s->n_methods == 0) {
        ui_put(r->y + 1, r->x + 1, r->w - 2, "No method can explain this model.");
        return;
    }
    request(s, app, 0);
    column cols[COMPARE_MAX_METHODS];
    for (int i = 0; i < s->n_methods; i++)
        get_column(app, s->methods[i], &cols[i]);
    int m = app->model->n_features;
    int *order = malloc((size_t)m * sizeof *order);
    if (!order)
        return;
    feature_order(app, s, cols, order);
    if (s->cursor >= m)
        s->cursor = m - 1;
    layout L;
    fit_layout(app, s, r, &L);
    draw_header(app, s, &L, r);
    draw_features(app, s, &L, cols, order, common_scale(app, L.first, L.n_shown, cols));
    int shown = m - s->top < L.n_rows ? m - s->top : L.n_rows;
    draw_summary(app, s, &L, cols, L.y_rows + shown);
    free(order);
}

/* ------------------------------------------------------------ keys */

/* Moves the cursor and makes its feature the app's selected one. */
static void move_cursor(compare_state *s, ui_app *app, int to)
{
    int m = app->model->n_features;
    s->cursor = to < 0 ? 0 : to >= m ? m - 1 : to;
    column cols[COMPARE_MAX_METHODS];
    for (int i = 0; i < s->n_methods; i++)
        get_column(app, s->methods[i], &cols[i]);
    int *order = malloc((size_t)m * sizeof *order);
    if (order) {
        feature_order(app, s, cols, order);
        app->feature = order[s->cursor];
        free(order);
    }
}

static int compare_key(ui_screen *scr, ui_app *app, int key)
{
    compare_state *s = scr->state;
    int m = app->model->n_features, page = scr->last.h > 12 ? scr->last.h - 10 : 1;
    if (s->n_methods == 0)
        return UI_UNHANDLED;
    switch (key) {
    case KEY_LEFT:
    case 'h': s->ref = (s->ref + s->n_methods - 1) % s->n_methods; return UI_REDRAW;
    case KEY_RIGHT:
    case 'l': s->ref = (s->ref + 1) % s->n_methods; return UI_REDRAW;
    case KEY_DOWN:
    case 'j': move_cursor(s, app, s->cursor + 1); return UI_REDRAW;
    case KEY_UP:
    case 'k': move_cursor(s, app, s->cursor - 1); return UI_REDRAW;
    case KEY_NPAGE: move_cursor(s, app, s->cursor + page); return UI_REDRAW;
    case KEY_PPAGE: move_cursor(s, app, s->cursor - page); return UI_REDRAW;
    case 'g':
    case KEY_HOME: move_cursor(s, app, 0); return UI_REDRAW;
    case 'G':
    case KEY_END: move_cursor(s, app, m - 1); return UI_REDRAW;
    case '+':
    case '=': s->k = s->k < m ? s->k + 1 : m; return UI_REDRAW;
    case '-': s->k = s->k > 1 ? s->k - 1 : 1; return UI_REDRAW;
    case 'r': request(s, app, 1); return UI_REDRAW;
    default: return UI_UNHANDLED;
    }
}

/* ------------------------------------------------------------ export */

static void put_number(FILE *fp, const char *sep, double v, int ok)
{
    char b[GB_NUMFMT_SIZE];
    fputs(sep, fp);
    if (ok && !isnan(v))
        fputs(gb_fmt_double(b, v), fp);
    else if (ok && *sep != ',')
        fputs("null", fp);
}

static void export_csv(ui_app *app, const compare_state *s, const column *cols, FILE *fp)
{
    int m = app->model->n_features;
    fputs("feature", fp);
    for (int i = 0; i < s->n_methods; i++)
        fprintf(fp, ",%s", gb_method_name((gb_method)s->methods[i]));
    fputc('\n', fp);
    for (int f = 0; f <= m + 1; f++) {
        char nb[32];
        const char *name = f < m ? ui_feature_name(app, f, nb, sizeof nb) : f == m ? "base_value" : "output";
        if (strpbrk(name, ",\"\r\n")) {
            fputc('"', fp);
            for (const char *p = name; *p; p++) {
                if (*p == '"')
                    fputc('"', fp);
                fputc(*p, fp);
            }
            fputc('"', fp);
        } else {
            fputs(name, fp);
        }
        for (int i = 0; i < s->n_methods; i++)
            put_number(fp, ",", f <= m && cols[i].phi ? cols[i].phi[f] : cols[i].output, cols[i].phi != NULL);
        fputc('\n', fp);
    }
}

static void export_json(ui_app *app, const compare_state *s, const column *cols, FILE *fp)
{
    int m = app->model->n_features;
    fprintf(fp, "{\"row\": %zu, \"class\": %d, \"reference\": \"%s\", \"k\": %d,\n \"features\": [", app->row,
            group(app), gb_method_name((gb_method)s->methods[s->ref]), s->k);
    for (int f = 0; f < m; f++) {
        char nb[32];
        fputs(f ? ", " : "", fp);
        ui_json_string(fp, ui_feature_name(app, f, nb, sizeof nb));
    }
    fputs("],\n \"methods\": [", fp);
    for (int i = 0; i < s->n_methods; i++) {
        const column *c = &cols[i];
        fprintf(fp, "%s\n  {\"method\": \"%s\", \"computed\": %s", i ? "," : "",
                gb_method_name((gb_method)s->methods[i]), c->phi ? "true" : "false");
        if (c->phi) {
            fputs(", \"phi\": [", fp);
            for (int f = 0; f < m; f++)
                put_number(fp, f ? ", " : "", c->phi[f], 1);
            fputs("]", fp);
            put_number(fp, ", \"base_value\": ", c->phi[m], 1);
            put_number(fp, ", \"output\": ", c->output, 1);
            gb_agreement ag;
            if (cols[s->ref].phi &&
                gb_agreement_compute(cols[s->ref].phi, c->phi, (size_t)m, (size_t)s->k, &ag, NULL) == 0) {
                put_number(fp, ", \"spearman\": ", ag.spearman, 1);
                put_number(fp, ", \"spearman_abs\": ", ag.spearman_abs, 1);
                fprintf(fp, ", \"topk_common\": %zu", ag.topk_common);
            }
        }
        fputs("}", fp);
    }
    fputs("\n]}\n", fp);
}

static int compare_export(ui_screen *scr, ui_app *app, FILE *fp, ui_export_format fmt, gb_error *err)
{
    compare_state *s = scr->state;
    if (s->n_methods == 0)
        return gb_error_set(err, "no method can explain this model");
    column cols[COMPARE_MAX_METHODS];
    for (int i = 0; i < s->n_methods; i++)
        get_column(app, s->methods[i], &cols[i]);
    if (fmt == UI_EXPORT_CSV)
        export_csv(app, s, cols, fp);
    else
        export_json(app, s, cols, fp);
    return ferror(fp) ? gb_error_set(err, "write error") : 0;
}

/* ------------------------------------------------------------ lifetime */

static int compare_init(ui_screen *scr, ui_app *app, gb_error *err)
{
    compare_state *s = gb_calloc(1, sizeof *s, err);
    if (!s)
        return -1;
    s->n_methods = compare_methods(app->model, s->methods, COMPARE_MAX_METHODS);
    /* The current method is the reference, so its column comes first to mind. */
    gb_method cur = gb_method_resolve(app->model, (gb_method)app->params.method);
    for (int i = 0; i < s->n_methods; i++)
        if (s->methods[i] == (int)cur)
            s->ref = i;
    s->k = app->model->n_features < 5 ? app->model->n_features : 5;
    s->asked_row = (size_t)-1;
    scr->state = s;
    request(s, app, 0);
    return 0;
}

static void compare_free(ui_screen *scr)
{
    free(scr->state);
}

static const ui_key_help compare_help[] = {
    {"Left Right h l", "choose the reference method (sorting and agreement)"},
    {"Up Down j k", "select a feature (s then plots it)"},
    {"PgUp PgDn g G", "page, first, last feature"},
    {"+ -", "more / fewer features in the top-k overlap"},
    {"r", "run the methods that failed or were cancelled again"},
    {"e", "export the table (.csv, .json) or the screen (.txt)"},
    {NULL, NULL},
};

const ui_screen_ops ui_screen_compare = {
    .name = "compare",
    .init = compare_init,
    .draw = compare_draw,
    .key = compare_key,
    .free = compare_free,
    .export_view = compare_export,
    .help = compare_help,
    .pane = 1,
};
