/* canvas_plot.h: axes, ticks, titles and a legend around a canvas, and the
 * mapping from data to dots.
 *
 * A plot takes the whole canvas and lays it out as
 *
 *     y title                      legend title ■ a ■ b
 *      12 ┤⠀⠂⠄⠁
 *       8 ┤⠠⠂ ⠂
 *       4 ┤
 *         └──┬─────┬─────┬──
 *            0    10    20
 *                 x title
 *
 * Ticks sit at round numbers (1, 2 or 5 times a power of ten), as many as
 * fit without their labels touching, labelled with just enough decimals to
 * tell them apart.  A value maps to the dot nearest its position, so a
 * point drawn at a tick's value lies in that tick's column or row.  Points
 * outside the ranges, and NaN or infinite ones, are not drawn. */
#ifndef GB_UI_CANVAS_PLOT_H
#define GB_UI_CANVAS_PLOT_H

#include <stddef.h>
#include <stdint.h>

#include "canvas.h"

enum { CANVAS_MAX_TICKS = 16, CANVAS_TICK_LABEL = 24 };

typedef struct canvas_ticks {
    double step;
    int n;
    double value[CANVAS_MAX_TICKS];
    char label[CANVAS_MAX_TICKS][CANVAS_TICK_LABEL];
} canvas_ticks;

/* At most max_ticks multiples of a round step inside [lo, hi]: the step is
 * 1, 2 or 5 times a power of ten, the smallest for which they fit.  Labels
 * are filled too.  Returns the number of ticks (0 when lo < hi fails or
 * the range is not finite). */
int canvas_ticks_make(double lo, double hi, int max_ticks, canvas_ticks *t);

/* A tick value as text: fixed decimals, as many as the step needs (2 for
 * steps of 0.05), or a short exponent form ("2.5e-6", "1.5e9") when the step
 * is below 1e-4 or the axis reaches maxabs >= 1e7, so that one axis keeps
 * one form.  Never "-0". */
void canvas_tick_label(double v, double step, double maxabs, char *buf, size_t size);

/* Range of the finite values v[0], v[stride], ... (n of them); a single
 * value is widened around itself, no values give [0, 1]. */
void canvas_range(const double *v, size_t n, size_t stride, double *lo, double *hi);

typedef struct canvas_plot_spec {
    double xlo, xhi, ylo, yhi; /* data ranges shown (lo < hi) */
    const char *x_title;       /* may be NULL */
    const char *y_title;
    int ink_axis;              /* axis lines and tick marks */
    int ink_label;             /* tick labels */
    int ink_title;             /* titles and the legend's text */
    /* A categorical x: codes 0..n_x_levels-1 named by x_levels; the ticks
     * then sit on codes and show (the start of) the names.  NULL: numbers. */
    const char *const *x_levels;
    int n_x_levels;
} canvas_plot_spec;

typedef struct canvas_plot {
    canvas *cv;
    int left, top, w, h; /* the plotting area, in cells */
    double xlo, xhi, ylo, yhi;
    canvas_ticks xt, yt;
    int ink_title;
    int legend_col;      /* where the legend may start on row 0 (after the y title) */
} canvas_plot;

/* Lays out and draws the frame (axes, ticks, labels, titles) on an empty
 * canvas.  Returns 0, or -1 when the canvas is too small for a plot (under
 * 12 x 6 cells). */
int canvas_plot_begin(canvas_plot *p, canvas *cv, const canvas_plot_spec *spec);

/* Dot position of a data value (fractional; not clipped). */
double canvas_plot_dot_x(const canvas_plot *p, double x);
double canvas_plot_dot_y(const canvas_plot *p, double y);

/* n points (x[i * xstride], y[i * ystride]); ink[i] per point, or
 * default_ink for all when ink is NULL.  Returns how many were drawn. */
size_t canvas_plot_points(canvas_plot *p, const double *x, size_t xstride, const double *y, size_t ystride,
                          const uint8_t *ink, int default_ink, size_t n);

/* A line through (x[i], y[i]); a NaN breaks it. */
void canvas_plot_polyline(canvas_plot *p, const double *x, const double *y, size_t n, int ink);

/* A faint horizontal guide at y (e.g. y = 0), if y is in range. */
void canvas_plot_hguide(canvas_plot *p, double y, int ink);

/* The legend on the top row, right-aligned: "title ■ label ■ label ...",
 * each swatch in its ink (the class glyph on an ASCII canvas with
 * class_glyphs).  Entries that do not fit are left out and "…" ("~" in
 * ASCII) says so.  Returns the number of entries shown. */
int canvas_plot_legend(canvas_plot *p, const char *title, const char *const *labels, const int *inks, int n);

#endif
