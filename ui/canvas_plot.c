/* canvas_plot.c: the frame of a plot and the data-to-dot mapping (see
 * canvas_plot.h).
 *
 * The y labels' width decides where the plotting area starts, so the y
 * ticks are chosen first; the x ticks are then thinned until their labels
 * fit side by side with a space between them. */
#include "canvas_plot.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum { MIN_COLS = 12, MIN_ROWS = 6 };

/* Cells a UTF-8 string takes (one per character: labels are narrow). */
static int text_cells(const char *s)
{
    int n = 0;
    for (; s && *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static int utf8(const canvas *cv)
{
    return cv->mode != CANVAS_ASCII;
}

double canvas_plot_dot_x(const canvas_plot *p, double x)
{
    int span = p->w * p->cv->dw - 1;
    return p->left * p->cv->dw + (x - p->xlo) / (p->xhi - p->xlo) * span;
}

double canvas_plot_dot_y(const canvas_plot *p, double y)
{
    int span = p->h * p->cv->dh - 1;
    return p->top * p->cv->dh + (p->yhi - y) / (p->yhi - p->ylo) * span;
}

/* The cell column / row of a value in range (ticks may sit a rounding
 * error outside it: clamp). */
static int cell_x(const canvas_plot *p, double x)
{
    int d = (int)floor(canvas_plot_dot_x(p, x) + 0.5), lo = p->left * p->cv->dw;
    int hi = lo + p->w * p->cv->dw - 1;
    d = d < lo ? lo : d > hi ? hi : d;
    return d / p->cv->dw;
}

static int cell_y(const canvas_plot *p, double y)
{
    int d = (int)floor(canvas_plot_dot_y(p, y) + 0.5), lo = p->top * p->cv->dh;
    int hi = lo + p->h * p->cv->dh - 1;
    d = d < lo ? lo : d > hi ? hi : d;
    return d / p->cv->dh;
}

static int widest(const canvas_ticks *t)
{
    int w = 1;
    for (int i = 0; i < t->n; i++) {
        int l = text_cells(t->label[i]);
        if (l > w)
            w = l;
    }
    return w;
}

/* As many x ticks as fit with a space between neighbouring labels. */
static void choose_x_ticks(canvas_plot *p)
{
    int budget = p->w / 5 + 1;
    if (budget > CANVAS_MAX_TICKS)
        budget = CANVAS_MAX_TICKS;
    for (; budget >= 1; budget--) {
        canvas_ticks_make(p->xlo, p->xhi, budget, &p->xt);
        /* Neighbours are about w / (n - 1) cells apart, less a cell of
         * rounding. */
        int n = p->xt.n;
        if (n <= 1 || (widest(&p->xt) + 1) * (n - 1) <= p->w - n)
            return;
    }
}

/* Ticks on category codes, every step-th one, as many as fit. */
static void choose_level_ticks(canvas_plot *p, const char *const *levels, int n)
{
    enum { NAME_MAX_CELLS = 10 };
    for (int step = 1; step <= n; step++) {
        canvas_ticks *t = &p->xt;
        t->n = 0;
        t->step = step;
        for (int k = 0; k < n && t->n < CANVAS_MAX_TICKS; k += step) {
            if (k < p->xlo || k > p->xhi)
                continue;
            t->value[t->n] = k;
            /* Byte-wise cut, then back to a character boundary. */
            size_t len = strlen(levels[k]), cut = len;
            if (cut > NAME_MAX_CELLS) {
                cut = NAME_MAX_CELLS;
                while (cut > 0 && ((unsigned char)levels[k][cut] & 0xc0) == 0x80)
                    cut--;
            }
            snprintf(t->label[t->n], CANVAS_TICK_LABEL, "%.*s", (int)cut, levels[k]);
            t->n++;
        }
        int covered = t->n == 0 || (int)t->value[t->n - 1] + step > (int)p->xhi;
        if (covered && (t->n <= 1 || (widest(t) + 1) * (t->n - 1) <= p->w - t->n))
            return;
    }
}

static void draw_axes(canvas_plot *p, int ink)
{
    canvas *cv = p->cv;
    const char *v = utf8(cv) ? "│" : "|", *hz = utf8(cv) ? "─" : "-";
    const char *corner = utf8(cv) ? "└" : "+", *ytick = utf8(cv) ? "┤" : "+", *xtick = utf8(cv) ? "┬" : "+";
    int axis_col = p->left - 1, axis_row = p->top + p->h;
    for (int r = p->top; r < axis_row; r++)
        canvas_text(cv, axis_col, r, v, ink);
    canvas_text(cv, axis_col, axis_row, corner, ink);
    for (int c = p->left; c < cv->cols; c++)
        canvas_text(cv, c, axis_row, hz, ink);
    for (int i = 0; i < p->yt.n; i++)
        canvas_text(cv, axis_col, cell_y(p, p->yt.value[i]), ytick, ink);
    for (int i = 0; i < p->xt.n; i++)
        canvas_text(cv, cell_x(p, p->xt.value[i]), axis_row, xtick, ink);
}

static void draw_labels(canvas_plot *p, int ink)
{
    canvas *cv = p->cv;
    int last_row = -1;
    for (int i = 0; i < p->yt.n; i++) {
        int r = cell_y(p, p->yt.value[i]);
        if (r == last_row)
            continue; /* two ticks in one row: the first label stays */
        int l = text_cells(p->yt.label[i]);
        canvas_text(cv, p->left - 1 - l, r, p->yt.label[i], ink);
        last_row = r;
    }
    int free_col = 0, row = p->top + p->h + 1;
    for (int i = 0; i < p->xt.n; i++) {
        int l = text_cells(p->xt.label[i]);
        int c = cell_x(p, p->xt.value[i]) - (l - 1) / 2;
        if (c + l > cv->cols)
            c = cv->cols - l;
        if (c < free_col)
            continue;
        canvas_text(cv, c, row, p->xt.label[i], ink);
        free_col = c + l + 1;
    }
}

static void draw_titles(canvas_plot *p, const canvas_plot_spec *spec)
{
    canvas *cv = p->cv;
    p->legend_col = 0;
    if (spec->y_title && *spec->y_title)
        p->legend_col = canvas_text(cv, 0, 0, spec->y_title, spec->ink_title) + 2;
    if (spec->x_title && *spec->x_title) {
        int l = text_cells(spec->x_title);
        int c = p->left + (p->w - l) / 2;
        canvas_text(cv, c < 0 ? 0 : c, cv->rows - 1, spec->x_title, spec->ink_title);
    }
}

int canvas_plot_begin(canvas_plot *p, canvas *cv, const canvas_plot_spec *spec)
{
    memset(p, 0, sizeof *p);
    p->cv = cv;
    p->xlo = spec->xlo;
    p->xhi = spec->xhi;
    p->ylo = spec->ylo;
    p->yhi = spec->yhi;
    p->ink_title = spec->ink_title;
    if (cv->cols < MIN_COLS || cv->rows < MIN_ROWS || !(p->xlo < p->xhi) || !(p->ylo < p->yhi))
        return -1;
    /* Rows: titles/legend, the plot, the x axis, its labels, the x title. */
    p->top = 1;
    p->h = cv->rows - 4;
    canvas_ticks_make(p->ylo, p->yhi, p->h / 2 + 1, &p->yt);
    p->left = widest(&p->yt) + 1;
    p->w = cv->cols - p->left;
    if (p->w < MIN_COLS / 2)
        return -1;
    if (spec->x_levels && spec->n_x_levels > 0)
        choose_level_ticks(p, spec->x_levels, spec->n_x_levels);
    else
        choose_x_ticks(p);
    draw_axes(p, spec->ink_axis);
    draw_labels(p, spec->ink_label);
    draw_titles(p, spec);
    return 0;
}

size_t canvas_plot_points(canvas_plot *p, const double *x, size_t xstride, const double *y, size_t ystride,
                          const uint8_t *ink, int default_ink, size_t n)
{
    canvas *cv = p->cv;
    double x0 = p->left * cv->dw, y0 = p->top * cv->dh;
    double xmax = p->w * cv->dw - 1, ymax = p->h * cv->dh - 1;
    double sx = xmax / (p->xhi - p->xlo), sy = ymax / (p->yhi - p->ylo);
    size_t drawn = 0;
    for (size_t i = 0; i < n; i++) {
        double fx = (x[i * xstride] - p->xlo) * sx, fy = (p->yhi - y[i * ystride]) * sy;
        /* Also false for NaN, and for infinities (inf * s or inf - inf). */
        if (!(fx >= 0.0 && fx <= xmax && fy >= 0.0 && fy <= ymax))
            continue;
        canvas_point(cv, (int)(x0 + fx + 0.5), (int)(y0 + fy + 0.5), ink ? ink[i] : default_ink);
        drawn++;
    }
    return drawn;
}

void canvas_plot_polyline(canvas_plot *p, const double *x, const double *y, size_t n, int ink)
{
    for (size_t i = 0; i + 1 < n; i++) {
        if (isnan(x[i]) || isnan(y[i]) || isnan(x[i + 1]) || isnan(y[i + 1]))
            continue;
        /* Clip to the plotting area, not the whole canvas: the frame and
         * labels around it are not for dots. */
        double ax = canvas_plot_dot_x(p, x[i]), ay = canvas_plot_dot_y(p, y[i]);
        double bx = canvas_plot_dot_x(p, x[i + 1]), by = canvas_plot_dot_y(p, y[i + 1]);
        canvas_line_in(p->cv, ax, ay, bx, by, ink, p->left * p->cv->dw, p->top * p->cv->dh,
                       (p->left + p->w) * p->cv->dw - 1, (p->top + p->h) * p->cv->dh - 1);
    }
}

void canvas_plot_hguide(canvas_plot *p, double y, int ink)
{
    if (!(y >= p->ylo && y <= p->yhi))
        return;
    canvas_guide_hline(p->cv, cell_y(p, y), p->left, p->left + p->w - 1, ink);
}

int canvas_plot_legend(canvas_plot *p, const char *title, const char *const *labels, const int *inks, int n)
{
    canvas *cv = p->cv;
    int ascii = !utf8(cv);
    /* Width of the whole legend when the first k entries are shown. */
    int width[CANVAS_INKS + 1];
    int w = title && *title ? text_cells(title) : 0;
    if (n > CANVAS_INKS)
        n = CANVAS_INKS;
    width[0] = w;
    for (int i = 0; i < n; i++) {
        w += (w ? 1 : 0) + 2 + text_cells(labels[i]);
        width[i + 1] = w;
    }
    int room = cv->cols - p->legend_col, shown = n;
    while (shown > 0 && width[shown] + (shown < n ? 2 : 0) > room)
        shown--;
    if (shown == 0 && n > 0)
        return 0;
    int col = cv->cols - width[shown] - (shown < n ? 2 : 0);
    if (title && *title)
        col += canvas_text(cv, col, 0, title, p->ink_title) + 1;
    for (int i = 0; i < shown; i++) {
        char swatch[2] = {ascii ? (cv->class_glyphs ? canvas_class_glyph(inks[i]) : '#') : 0, 0};
        canvas_text(cv, col, 0, ascii ? swatch : "■", inks[i]);
        col += 2;
        col += canvas_text(cv, col, 0, labels[i], p->ink_title) + 1;
    }
    if (shown < n)
        canvas_text(cv, col, 0, ascii ? "~" : "…", p->ink_title);
    return shown;
}
