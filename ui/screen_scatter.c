/* screen_scatter.c: the scatter / dependence plot (see screen_scatter.h).
 *
 * The plot is rebuilt from the numbers whenever something it shows changed
 * (a million points take some 10-40 ms), and otherwise only blitted again;
 * what is slow to derive is cached in the screen's state, keyed by what it
 * came from: the sampled rows' values, the data ranges, the colour classes
 * and each point's ink.  The jobs (scatter_sample.c, scatter_partners.c)
 * hand their results to whichever scatter screen is open when they finish. */
#include "screen_scatter.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../src/numfmt.h"
#include "canvas.h"
#include "canvas_classes.h"
#include "canvas_curses.h"
#include "canvas_plot.h"
#include "loop.h"
#include "scatter_partners.h"
#include "scatter_sample.h"

/* Inks of the plot: roles of the theme, then the colour classes.  Printed
 * as class glyphs (ink & 7), the classes' inks 8 9 10 12 14 15 give
 * o x + # % &, and missing values (3) '*', apart from all of them. */
enum {
    INK_POINT = 0,
    INK_AXIS = 1,
    INK_LABEL = 2,
    INK_MISSING = 3,
    INK_TITLE = 4,
    INK_GUIDE = 5,
    INK_SELECTED = 6,
    INK_CLASS0 = 8
};

enum { MAX_CLASSES_DISCRETE = 6, MAX_CLASSES_RANGE = 5 };

typedef enum y_kind { Y_ATTRIBUTION = 0, Y_PREDICTION } y_kind;
typedef enum glyph_choice { GLYPHS_AUTO = 0, GLYPHS_BRAILLE, GLYPHS_BLOCK, GLYPHS_ASCII } glyph_choice;

typedef struct scatter_state {
    int colour;          /* colouring feature, -1 for none */
    y_kind y;
    glyph_choice glyphs;
    /* The sample (large data): rows, their attributions, pending flag. */
    size_t *rows;
    size_t n_rows;
    gb_explain_result *sample;
    int sample_pending;
    /* Gathered values of the sample, for the features named. */
    double *gx, *gc;
    int gx_feature, gc_feature;
    /* Colour classes and per-point inks, for (colour feature, source). */
    canvas_classes classes;
    uint8_t *ink;
    size_t n_ink;
    int ink_feature;
    const void *ink_source;
    int has_missing_colour;
    /* Colouring by the strongest interaction partner of x (follows x). */
    int follow;
    int *partner; /* per feature, -1 none; NULL until computed */
    int partner_group, partner_pending;
    size_t partner_rows;
    /* Data ranges, for (x feature, y kind, group, source). */
    double xlo, xhi, ylo, yhi;
    int range_feature, range_y, range_group;
    const void *range_source;
    /* The picture in cv, and what it was drawn from: a redraw with nothing
     * changed (a job's progress ticking 10 times a second) only blits it. */
    canvas cv;
    struct plot_key {
        const void *source;
        size_t n, row;
        int feature, colour, y, group, w, h, mode, class_glyphs, utf8;
    } drawn_key;
    long drawn;
} scatter_state;

/* What gets plotted: n points, each value at base[i * stride]. */
typedef struct source {
    size_t n, total;
    const double *x, *y, *c;
    size_t xs, ys, cs;
    const size_t *rows; /* NULL: point i is data row i */
    const void *id;     /* changes when the numbers do */
} source;

static size_t row_cap(void)
{
    const char *e = getenv("GLASSBOX_SCATTER_ROWS");
    long v = e && *e ? strtol(e, NULL, 10) : 0;
    return v > 0 ? (size_t)v : SCATTER_ROWS_DEFAULT;
}

static int n_features(const ui_app *app)
{
    return app->model->n_features;
}

static int group(const ui_app *app)
{
    int g = app->params.klass;
    return g < 0 ? 0 : g >= app->model->n_groups ? app->model->n_groups - 1 : g;
}

static const double *column(const ui_app *app, int f)
{
    return app->ds->cols[app->binding.column[f]].values;
}

/* ------------------------------------------------------------ jobs' results */

static scatter_state *open_scatter(ui_app *app)
{
    for (int i = app->depth; i-- > 0;)
        if (app->stack[i]->ops == &ui_screen_scatter)
            return app->stack[i]->state;
    return NULL;
}

void scatter_take_sample(ui_app *app, size_t *rows, size_t n, gb_explain_result *res)
{
    scatter_state *s = open_scatter(app);
    if (!s || s->sample) {
        gb_explain_result_free(res);
        free(res);
        free(rows);
        if (s)
            s->sample_pending = 0;
        return;
    }
    free(s->rows);
    s->rows = rows;
    s->n_rows = n;
    s->sample = res;
    s->sample_pending = 0;
    ui_msg(app, "attributions of a sample of %zu rows computed (A: all %zu rows)", n, app->ds->n_rows);
}

void scatter_sample_lost(ui_app *app)
{
    scatter_state *s = open_scatter(app);
    if (s)
        s->sample_pending = 0;
}

void scatter_take_partners(ui_app *app, int *partner, int g, size_t rows)
{
    scatter_state *s = open_scatter(app);
    if (!s) {
        free(partner);
        return;
    }
    free(s->partner);
    s->partner = partner;
    s->partner_group = g;
    s->partner_rows = rows;
    s->partner_pending = 0;
    ui_msg(app, "interaction strengths computed on %zu rows", rows);
}

void scatter_partners_lost(ui_app *app)
{
    scatter_state *s = open_scatter(app);
    if (s) {
        s->partner_pending = 0;
        s->follow = 0;
    }
}

/* The colouring feature when following x's strongest partner (computed
 * again when the class shown changed). */
static void follow_partner(ui_app *app, scatter_state *s)
{
    if (!s->follow)
        return;
    if (s->partner && s->partner_group == group(app))
        s->colour = s->partner[app->feature];
    else if (!s->partner_pending) {
        s->partner_pending = scatter_partners_start(app, group(app)) == 0;
        s->follow = s->partner_pending; /* could not even ask: give up */
    }
}

/* Asks for the numbers the plot needs, unless they are there or coming. */
static void start(ui_app *app, scatter_state *s)
{
    if (app->all || app->all_pending || s->sample || s->sample_pending)
        return;
    size_t cap = row_cap();
    if (app->ds->n_rows <= cap)
        ui_app_explain_all(app);
    else if (scatter_sample_start(app, cap) == 0)
        s->sample_pending = 1;
}

/* ------------------------------------------------------------ the data plotted */

/* Gathers a feature's values on the sample's rows into *buf. */
static const double *gathered(const ui_app *app, scatter_state *s, int f, double **buf, int *cached)
{
    if (*buf && *cached == f)
        return *buf;
    double *b = realloc(*buf, (s->n_rows ? s->n_rows : 1) * sizeof *b);
    if (!b)
        return NULL;
    const double *v = column(app, f);
    for (size_t i = 0; i < s->n_rows; i++)
        b[i] = v[s->rows[i]];
    *buf = b;
    *cached = f;
    return b;
}

static int get_source(const ui_app *app, scatter_state *s, source *src)
{
    memset(src, 0, sizeof *src);
    const gb_explain_result *res = app->all ? app->all : s->sample;
    if (!res)
        return -1;
    int f = app->feature, g = group(app), m = n_features(app), ng = res->n_groups;
    src->n = res->n_rows;
    src->total = app->ds->n_rows;
    src->id = res;
    if (res == app->all) {
        src->x = column(app, f);
        src->c = s->colour >= 0 ? column(app, s->colour) : NULL;
        src->xs = src->cs = 1;
    } else {
        src->rows = s->rows;
        src->x = gathered(app, s, f, &s->gx, &s->gx_feature);
        src->c = s->colour >= 0 ? gathered(app, s, s->colour, &s->gc, &s->gc_feature) : NULL;
        src->xs = src->cs = 1;
        if (!src->x || (s->colour >= 0 && !src->c))
            return -1;
    }
    if (s->y == Y_ATTRIBUTION) {
        src->y = res->phi + (size_t)g * (size_t)(m + 1) + (size_t)f;
        src->ys = (size_t)ng * (size_t)(m + 1);
    } else {
        src->y = res->margin + g;
        src->ys = (size_t)ng;
    }
    return 0;
}

/* Index of the selected row among the points, or -1. */
static long selected_point(const ui_app *app, const source *src)
{
    if (!src->rows)
        return app->row < src->n ? (long)app->row : -1;
    size_t lo = 0, hi = src->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (src->rows[mid] < app->row)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < src->n && src->rows[lo] == app->row ? (long)lo : -1;
}

/* Palette entries that differ on an 8-colour terminal too, cold to hot. */
static int class_palette(int i, int n)
{
    static const int distinct[6] = {0, 1, 2, 4, 6, 7};
    return n <= 1 ? 0 : distinct[(int)lround((double)i * 5.0 / (double)(n - 1))];
}

/* Per-point inks for the colouring feature (NULL when none). */
static const uint8_t *point_inks(scatter_state *s, const source *src)
{
    if (s->colour < 0 || !src->c)
        return NULL;
    if (s->ink && s->ink_feature == s->colour && s->ink_source == src->id && s->n_ink == src->n)
        return s->ink;
    uint8_t *ink = realloc(s->ink, src->n ? src->n : 1);
    if (!ink)
        return NULL;
    s->ink = ink;
    if (canvas_classes_make(src->c, src->n, src->cs, MAX_CLASSES_DISCRETE, MAX_CLASSES_RANGE, &s->classes))
        return NULL;
    s->has_missing_colour = 0;
    for (size_t i = 0; i < src->n; i++) {
        int k = canvas_classes_of(&s->classes, src->c[i * src->cs]);
        s->has_missing_colour |= k < 0;
        ink[i] = (uint8_t)(k < 0 ? INK_MISSING : INK_CLASS0 + class_palette(k, s->classes.n));
    }
    s->n_ink = src->n;
    s->ink_feature = s->colour;
    s->ink_source = src->id;
    return ink;
}

/* ------------------------------------------------------------ drawing */

static canvas_mode chosen_mode(const ui_app *app, const scatter_state *s)
{
    if (!app->theme.utf8 || s->glyphs == GLYPHS_ASCII)
        return CANVAS_ASCII;
    if (s->glyphs == GLYPHS_BLOCK)
        return CANVAS_BLOCK;
    /* Without colours the classes of a colouring need glyphs to show. */
    if (s->glyphs == GLYPHS_AUTO && s->colour >= 0 && app->theme.colors == 0)
        return CANVAS_ASCII;
    return CANVAS_BRAILLE;
}

static void ink_attrs(const ui_app *app, attr_t a[CANVAS_INKS])
{
    const attr_t *t = app->theme.attr;
    for (int i = 0; i < CANVAS_INKS; i++)
        a[i] = t[UI_ROLE_NORMAL];
    a[INK_AXIS] = t[UI_ROLE_AXIS];
    a[INK_LABEL] = t[UI_ROLE_AXIS];
    a[INK_TITLE] = t[UI_ROLE_HEADER];
    a[INK_GUIDE] = t[UI_ROLE_DIM];
    a[INK_SELECTED] = t[UI_ROLE_CURSOR];
    a[INK_MISSING] = t[UI_ROLE_MISSING];
    for (int i = 0; i < UI_PALETTE_SIZE && INK_CLASS0 + i < CANVAS_INKS; i++)
        a[INK_CLASS0 + i] = t[UI_ROLE_PALETTE0 + i];
}

static void fmt_value(double v, char *buf, size_t size)
{
    snprintf(buf, size, "%.4g", v);
}

/* Class labels for the legend: level names, values, or "<edge" ranges. */
static int legend_labels(const ui_app *app, const scatter_state *s, char labels[][24], int *inks)
{
    const canvas_classes *c = &s->classes;
    const gb_column *col = &app->ds->cols[app->binding.column[s->colour]];
    int n = 0;
    for (int i = 0; i < c->n; i++, n++) {
        char v[24];
        if (c->discrete && col->type == GB_COLUMN_CATEGORICAL && c->value[i] >= 0 &&
            (size_t)c->value[i] < col->n_levels)
            snprintf(labels[n], 24, "%.12s", col->levels[(size_t)c->value[i]]);
        else if (c->discrete)
            fmt_value(c->value[i], labels[n], 24);
        else {
            int last = i == c->n - 1;
            fmt_value(c->edge[last ? i - 1 : i], v, sizeof v);
            snprintf(labels[n], 24, "%s%s", !last ? "<" : app->theme.utf8 ? "≥" : ">=", v);
        }
        inks[n] = INK_CLASS0 + class_palette(i, c->n);
    }
    if (s->has_missing_colour) {
        snprintf(labels[n], 24, "missing");
        inks[n++] = INK_MISSING;
    }
    return n;
}

static void y_title(const ui_app *app, const scatter_state *s, char *buf, size_t size)
{
    char cls[32] = "";
    if (app->model->n_groups > 1)
        snprintf(cls, sizeof cls, ", class %d", group(app));
    if (s->y == Y_ATTRIBUTION) {
        /* The feature is named by the x axis and the title bar already. */
        snprintf(buf, size, "SHAP value%s", cls);
        return;
    }
    /* The raw margin, which the attributions add up to. */
    switch (app->model->link) {
    case GB_LINK_LOGISTIC: snprintf(buf, size, "prediction (log-odds%s)", cls); break;
    case GB_LINK_EXP: snprintf(buf, size, "prediction (log scale%s)", cls); break;
    case GB_LINK_SOFTMAX: snprintf(buf, size, "prediction (margin%s)", cls); break;
    default: snprintf(buf, size, "prediction%s%s%s", *cls ? " (" : "", *cls ? cls + 2 : "", *cls ? ")" : "");
    }
}

/* Ranges of the points (a scan of every point: kept until the feature, y
 * or the numbers change); attributions always show 0. */
static void ranges(const ui_app *app, scatter_state *s, const source *src, canvas_plot_spec *spec)
{
    if (s->range_source != src->id || s->range_feature != app->feature || s->range_y != (int)s->y ||
        s->range_group != group(app)) {
        canvas_range(src->x, src->n, src->xs, &s->xlo, &s->xhi);
        canvas_range(src->y, src->n, src->ys, &s->ylo, &s->yhi);
        if (s->y == Y_ATTRIBUTION) {
            if (s->ylo > 0)
                s->ylo = 0;
            if (s->yhi < 0)
                s->yhi = 0;
        }
        s->range_source = src->id;
        s->range_feature = app->feature;
        s->range_y = (int)s->y;
        s->range_group = group(app);
    }
    spec->xlo = s->xlo;
    spec->xhi = s->xhi;
    spec->ylo = s->ylo;
    spec->yhi = s->yhi;
}

/* Builds the plot into s->cv; returns the points drawn, or -1 when the area
 * is too small. */
static long build_plot(ui_app *app, scatter_state *s, const source *src, int w, int h)
{
    canvas_mode mode = chosen_mode(app, s);
    struct plot_key key;
    memset(&key, 0, sizeof key); /* padding too: the keys are compared whole */
    key.source = src->id;
    key.n = src->n;
    key.row = app->row;
    key.feature = app->feature;
    key.colour = s->colour;
    key.y = (int)s->y;
    key.group = group(app);
    key.w = w;
    key.h = h;
    key.mode = (int)mode;
    key.class_glyphs = app->theme.colors == 0;
    key.utf8 = app->theme.utf8;
    if (s->cv.dots && memcmp(&key, &s->drawn_key, sizeof key) == 0)
        return s->drawn;
    s->drawn = -1;
    memset(&s->drawn_key, 0, sizeof s->drawn_key);
    if (canvas_fit(&s->cv, w, h, mode))
        return -1;
    s->cv.class_glyphs = mode == CANVAS_ASCII && app->theme.colors == 0 && s->colour >= 0;
    char xt[64], yt[96], nb[32];
    const gb_column *xc = &app->ds->cols[app->binding.column[app->feature]];
    snprintf(xt, sizeof xt, "%s", ui_feature_name(app, app->feature, nb, sizeof nb));
    y_title(app, s, yt, sizeof yt);
    canvas_plot_spec spec = {.x_title = xt, .y_title = yt, .ink_axis = INK_AXIS, .ink_label = INK_LABEL,
                             .ink_title = INK_TITLE};
    if (xc->type == GB_COLUMN_CATEGORICAL && xc->n_levels > 0) {
        spec.x_levels = (const char *const *)xc->levels;
        spec.n_x_levels = xc->n_levels > 1000000 ? 1000000 : (int)xc->n_levels;
    }
    ranges(app, s, src, &spec);
    canvas_plot p;
    if (canvas_plot_begin(&p, &s->cv, &spec))
        return -1;
    if (s->y == Y_ATTRIBUTION)
        canvas_plot_hguide(&p, 0.0, INK_GUIDE);
    const uint8_t *ink = point_inks(s, src);
    long drawn = (long)canvas_plot_points(&p, src->x, src->xs, src->y, src->ys, ink, INK_POINT, src->n);
    if (ink) {
        char labels[CANVAS_MAX_CLASSES + 1][24];
        const char *lp[CANVAS_MAX_CLASSES + 1];
        int inks[CANVAS_MAX_CLASSES + 1];
        int n = legend_labels(app, s, labels, inks);
        for (int i = 0; i < n; i++)
            lp[i] = labels[i];
        canvas_plot_legend(&p, ui_feature_name(app, s->colour, nb, sizeof nb), lp, inks, n);
    }
    long sel = selected_point(app, src);
    if (sel >= 0) {
        double x = src->x[(size_t)sel * src->xs], y = src->y[(size_t)sel * src->ys];
        if (x >= spec.xlo && x <= spec.xhi && y >= spec.ylo && y <= spec.yhi) {
            int col = (int)floor(canvas_plot_dot_x(&p, x) + 0.5) / s->cv.dw;
            int row = (int)floor(canvas_plot_dot_y(&p, y) + 0.5) / s->cv.dh;
            canvas_text(&s->cv, col, row, app->theme.utf8 ? "◆" : "@", INK_SELECTED);
        }
    }
    s->drawn_key = key;
    s->drawn = drawn;
    return drawn;
}

/* 1234567 as "1,234,567": row counts of big data read at a glance. */
static const char *grouped(size_t n, char *buf, size_t size)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%zu", n), o = 0;
    for (int i = 0; i < len && (size_t)o + 2 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

/* The line under the plot: counts, colouring, the selected row. */
static void draw_info(ui_app *app, const source *src, long drawn, int y, int x, int w)
{
    char buf[256], a[32], b[32], nb[32], g1[32], g2[32];
    int used;
    if (src->rows)
        used = snprintf(buf, sizeof buf, "%s of %s rows (evenly spaced sample; A: all rows)",
                        grouped(src->n, g1, sizeof g1), grouped(src->total, g2, sizeof g2));
    else
        used = snprintf(buf, sizeof buf, "%s rows", grouped(src->n, g1, sizeof g1));
    if (drawn >= 0 && (size_t)drawn < src->n)
        used += snprintf(buf + used, sizeof buf - (size_t)used, ", %s not drawn (missing)",
                         grouped(src->n - (size_t)drawn, g1, sizeof g1));
    long sel = selected_point(app, src);
    if (sel >= 0) {
        double yv = src->y[(size_t)sel * src->ys];
        fmt_value(yv, b, sizeof b);
        snprintf(buf + used, sizeof buf - (size_t)used, "  %s row %zu: %s = %s, y = %s",
                 app->theme.utf8 ? "◆" : "@", app->row, ui_feature_name(app, app->feature, nb, sizeof nb),
                 ui_feature_text(app, app->feature, app->row, a, sizeof a), b);
    }
    attrset(app->theme.attr[UI_ROLE_DIM]);
    ui_put_pad(y, x, w, buf);
    attrset(A_NORMAL);
}

static void draw_title(ui_app *app, const scatter_state *s, const ui_rect *r)
{
    char t[256], nb[32], cb[32];
    const char *how = !s->follow ? "" : s->partner_pending ? " (finding the strongest interaction...)"
                                      : s->colour >= 0     ? " (strongest interaction)"
                                                           : " (no interaction)";
    snprintf(t, sizeof t, " Dependence: %s (%d/%d)   y: %s   colour: %s%s",
             ui_feature_name(app, app->feature, nb, sizeof nb), app->feature + 1, n_features(app),
             s->y == Y_ATTRIBUTION ? "SHAP value" : "prediction",
             s->colour >= 0 ? ui_feature_name(app, s->colour, cb, sizeof cb) : "none", how);
    attrset(app->theme.attr[UI_ROLE_TITLE]);
    ui_put_pad(r->y, r->x, r->w, t);
    attrset(A_NORMAL);
}

static void draw_waiting(ui_app *app, scatter_state *s, const ui_rect *r)
{
    const char *what;
    char buf[160];
    if (app->all_pending || s->sample_pending) {
        what = "Computing attributions for the plot (progress below; Esc cancels).";
    } else {
        snprintf(buf, sizeof buf, "Attributions for the plot are not computed. Press r to compute them (%zu rows).",
                 app->ds->n_rows < row_cap() ? app->ds->n_rows : row_cap());
        what = buf;
    }
    attrset(app->theme.attr[UI_ROLE_DIM]);
    ui_put(r->y + r->h / 2, r->x + 2, r->w - 4, what);
    attrset(A_NORMAL);
}

static void scatter_draw(ui_screen *scr, ui_app *app, const ui_rect *r)
{
    scatter_state *s = scr->state;
    if (app->feature < 0 || app->feature >= n_features(app))
        app->feature = 0;
    follow_partner(app, s);
    draw_title(app, s, r);
    source src;
    if (get_source(app, s, &src)) {
        draw_waiting(app, s, r);
        return;
    }
    long drawn = build_plot(app, s, &src, r->w, r->h - 2);
    if (drawn < 0) {
        ui_put(r->y + 2, r->x + 2, r->w - 4, "The window is too small for a plot.");
        return;
    }
    attr_t attrs[CANVAS_INKS];
    ink_attrs(app, attrs);
    canvas_blit(&s->cv, r->y + 1, r->x, attrs);
    draw_info(app, &src, drawn, r->y + r->h - 1, r->x, r->w);
}

/* ------------------------------------------------------------ keys */

static int scatter_key(ui_screen *scr, ui_app *app, int key)
{
    scatter_state *s = scr->state;
    int m = n_features(app);
    switch (key) {
    case KEY_LEFT:
    case 'h': app->feature = (app->feature + m - 1) % m; return UI_REDRAW;
    case KEY_RIGHT:
    case 'l': app->feature = (app->feature + 1) % m; return UI_REDRAW;
    case 'o': s->follow = 0; s->colour = s->colour + 1 >= m ? -1 : s->colour + 1; return UI_REDRAW;
    case 'O': s->follow = 0; s->colour = s->colour < 0 ? m - 1 : s->colour - 1; return UI_REDRAW;
    case 'i':
        if (s->follow) {
            s->follow = 0;
            s->colour = -1;
            return UI_REDRAW;
        }
        s->follow = 1;
        follow_partner(app, s);
        return UI_REDRAW;
    case 'y': s->y = s->y == Y_ATTRIBUTION ? Y_PREDICTION : Y_ATTRIBUTION; return UI_REDRAW;
    case 'b':
        s->glyphs = (glyph_choice)((s->glyphs + 1) % 4);
        ui_msg(app, "plot glyphs: %s", (const char *[]){"automatic", "braille", "blocks", "ASCII"}[s->glyphs]);
        if (!app->theme.utf8 && s->glyphs != GLYPHS_ASCII && s->glyphs != GLYPHS_AUTO)
            ui_msg(app, "plot glyphs: ASCII (the terminal's locale is not UTF-8)");
        return UI_REDRAW;
    case 'r': start(app, s); return UI_REDRAW;
    case 'A':
        if (app->all || app->all_pending)
            return UI_REDRAW;
        ui_app_explain_all(app);
        return UI_REDRAW;
    default: return UI_UNHANDLED;
    }
}

/* ------------------------------------------------------------ export */

/* A CSV header field: quoted when it holds a comma, quote or line break. */
static void csv_name(FILE *fp, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

static void export_header(FILE *fp, ui_export_format fmt, const char *xn, const char *yn, const char *cn)
{
    if (fmt == UI_EXPORT_CSV) {
        fputs("row,", fp);
        csv_name(fp, xn);
        fprintf(fp, ",%s", yn);
        if (cn) {
            fputc(',', fp);
            csv_name(fp, cn);
        }
        fputc('\n', fp);
        return;
    }
    fputs("{\"x\": ", fp);
    ui_json_string(fp, xn);
    fprintf(fp, ", \"y\": \"%s\", \"colour\": ", yn);
    if (cn)
        ui_json_string(fp, cn);
    else
        fputs("null", fp);
    fputs(", \"points\": [", fp);
}

/* The points plotted: CSV rows or a JSON array of [row, x, y(, colour)]. */
static int scatter_export(ui_screen *scr, ui_app *app, FILE *fp, ui_export_format fmt, gb_error *err)
{
    scatter_state *s = scr->state;
    source src;
    if (get_source(app, s, &src))
        return gb_error_set(err, "nothing to export yet: the attributions are not computed");
    char nb[32], cb[32], xv[GB_NUMFMT_SIZE], yv[GB_NUMFMT_SIZE], cv[GB_NUMFMT_SIZE];
    const char *cn = s->colour >= 0 ? ui_feature_name(app, s->colour, cb, sizeof cb) : NULL;
    export_header(fp, fmt, ui_feature_name(app, app->feature, nb, sizeof nb),
                  s->y == Y_ATTRIBUTION ? "shap" : "prediction", cn);
    int csv = fmt == UI_EXPORT_CSV;
    for (size_t i = 0; i < src.n; i++) {
        size_t row = src.rows ? src.rows[i] : i;
        gb_fmt_double(xv, src.x[i * src.xs]);
        gb_fmt_double(yv, src.y[i * src.ys]);
        if (src.c)
            gb_fmt_double(cv, src.c[i * src.cs]);
        /* JSON has no NaN: a missing value is null there. */
        if (!csv) {
            if (strcmp(xv, "nan") == 0)
                strcpy(xv, "null");
            if (src.c && strcmp(cv, "nan") == 0)
                strcpy(cv, "null");
        }
        if (csv)
            fprintf(fp, "%zu,%s,%s%s%s\n", row, xv, yv, src.c ? "," : "", src.c ? cv : "");
        else
            fprintf(fp, "%s\n  [%zu, %s, %s%s%s]", i ? "," : "", row, xv, yv, src.c ? ", " : "", src.c ? cv : "");
    }
    if (!csv)
        fputs("\n]}\n", fp);
    return ferror(fp) ? gb_error_set(err, "write error") : 0;
}

/* ------------------------------------------------------------ lifetime */

static int scatter_init(ui_screen *scr, ui_app *app, gb_error *err)
{
    scatter_state *s = gb_calloc(1, sizeof *s, err);
    if (!s)
        return -1;
    s->colour = -1;
    s->gx_feature = s->gc_feature = s->ink_feature = s->range_feature = -1;
    scr->state = s;
    start(app, s);
    return 0;
}

static void scatter_free(ui_screen *scr)
{
    scatter_state *s = scr->state;
    if (s->sample) {
        gb_explain_result_free(s->sample);
        free(s->sample);
    }
    free(s->rows);
    free(s->gx);
    free(s->gc);
    free(s->ink);
    free(s->partner);
    canvas_free(&s->cv);
    free(s);
}

static const ui_key_help scatter_help[] = {
    {"Left Right h l", "previous / next feature on x"},
    {"o O", "colour by the next / previous feature (then none)"},
    {"i", "colour by the feature interacting most with x (follows x; again: off)"},
    {"y", "y: the feature's SHAP value, or the prediction"},
    {"b", "glyphs: automatic, braille, blocks, ASCII"},
    {"A", "explain all rows (when the plot shows a sample)"},
    {"r", "compute the attributions again after a cancel"},
    {"e", "export the points (.csv, .json) or the screen (.txt)"},
    {NULL, NULL},
};

const ui_screen_ops ui_screen_scatter = {
    .name = "scatter",
    .init = scatter_init,
    .draw = scatter_draw,
    .key = scatter_key,
    .free = scatter_free,
    .export_view = scatter_export,
    .help = scatter_help,
    .pane = 1,
};
