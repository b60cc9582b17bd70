/* test_canvas.c: checks the explorer's plotting surface (ui/canvas*.c).
 *
 * Dot patterns are checked cell by cell against the Unicode charts (braille
 * dot n of a cell is bit n-1 of U+2800 + bits, dots 1-2-3-7 down the left
 * column and 4-5-6-8 down the right; quadrants by their names), tick
 * choices against the 1-2-5 rule worked out by hand, and whole plots against
 * expected text.  A million points go through the same path as a real
 * dependence plot; the time is printed, not asserted. */
#include "../ui/canvas.h"
#include "../ui/canvas_classes.h"
#include "../ui/canvas_plot.h"
#include "tap.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

static const char *row_text(const canvas *cv, int row)
{
    static char buf[4096];
    return canvas_row_text(cv, row, buf, sizeof buf);
}

#define row_is(cv, row, want, ...)                                                                 \
    do {                                                                                           \
        const char *got_ = row_text(cv, row);                                                      \
        if (!ok(strcmp(got_, want) == 0, __VA_ARGS__))                                             \
            printf("#   got  [%s]\n#   want [%s]\n", got_, want);                                   \
    } while (0)

/* The cell row / column a data value's dot falls in. */
static int cell_row_of(const canvas_plot *p, double y)
{
    return (int)floor(canvas_plot_dot_y(p, y) + 0.5) / p->cv->dh;
}

static int cell_col_of(const canvas_plot *p, double x)
{
    return (int)floor(canvas_plot_dot_x(p, x) + 0.5) / p->cv->dw;
}

static void braille_dots(void)
{
    canvas cv;
    ok(canvas_init(&cv, 2, 1, CANVAS_BRAILLE) == 0 && cv.dots_w == 4 && cv.dots_h == 4, "braille: 2x4 dots a cell");
    canvas_point(&cv, 0, 0, 0);
    row_is(&cv, 0, "⠁ ", "dot 1 (top left) is U+2801");
    canvas_clear(&cv);
    canvas_point(&cv, 1, 0, 0);
    row_is(&cv, 0, "⠈ ", "dot 4 (top right) is U+2808");
    canvas_clear(&cv);
    canvas_point(&cv, 0, 3, 0);
    canvas_point(&cv, 3, 3, 0);
    row_is(&cv, 0, "⡀⢀", "dot 7 (bottom left) U+2840, dot 8 (bottom right) of the next cell U+2880");
    canvas_clear(&cv);
    for (int y = 0; y < 4; y++)
        for (int x = 0; x < 2; x++)
            canvas_point(&cv, x, y, 0);
    canvas_point(&cv, 2, 1, 0);
    canvas_point(&cv, 3, 2, 0);
    row_is(&cv, 0, "⣿⠢", "all eight dots U+28FF; dots 2 and 6 U+2822");
    canvas_clear(&cv);
    canvas_point(&cv, -1, 0, 0);
    canvas_point(&cv, 4, 0, 0);
    canvas_point(&cv, 0, 4, 0);
    canvas_point(&cv, 0, -1, 0);
    row_is(&cv, 0, "  ", "points outside the canvas are clipped");
    ok(cv.max_hits == 0, "and not counted");
    canvas_free(&cv);
}

static void block_dots(void)
{
    canvas cv;
    canvas_init(&cv, 4, 1, CANVAS_BLOCK);
    ok(cv.dots_w == 8 && cv.dots_h == 2, "block: 2x2 dots a cell");
    canvas_point(&cv, 0, 0, 0); /* cell 0: upper left */
    canvas_point(&cv, 3, 0, 0); /* cell 1: upper right and lower right */
    canvas_point(&cv, 3, 1, 0);
    canvas_point(&cv, 4, 0, 0); /* cell 2: upper left and lower right */
    canvas_point(&cv, 5, 1, 0);
    for (int y = 0; y < 2; y++) /* cell 3: all four */
        for (int x = 6; x < 8; x++)
            canvas_point(&cv, x, y, 0);
    row_is(&cv, 0, "▘▐▚█", "quadrants: upper left, right half, diagonal, full");
    canvas_clear(&cv);
    canvas_point(&cv, 0, 1, 0);
    canvas_point(&cv, 1, 1, 0);
    canvas_point(&cv, 2, 0, 0);
    canvas_point(&cv, 3, 0, 0);
    canvas_point(&cv, 2, 1, 0);
    canvas_point(&cv, 5, 1, 0);
    canvas_point(&cv, 4, 0, 0);
    canvas_point(&cv, 4, 1, 0);
    row_is(&cv, 0, "▄▛▙ ", "lower half; three quadrants without lower right; without upper right");
    canvas_free(&cv);
}

static void ascii_density(void)
{
    canvas cv;
    canvas_init(&cv, 6, 1, CANVAS_ASCII);
    for (int c = 1; c <= 5; c++)
        for (int k = 0; k < c; k++)
            canvas_point(&cv, c, 0, 0);
    row_is(&cv, 0, " .:oO#", "ASCII: 1 to 5 points in a cell read . : o O #");
    canvas_clear(&cv);
    for (int k = 0; k < 1000; k++)
        canvas_point(&cv, 0, 0, 0);
    for (int k = 0; k < 32; k++)
        canvas_point(&cv, 1, 0, 0);
    canvas_point(&cv, 2, 0, 0);
    row_is(&cv, 0, "#o.   ", "dense plots scale logarithmically to the busiest cell");

    canvas_clear(&cv);
    cv.class_glyphs = 1;
    canvas_point(&cv, 0, 0, 1);
    canvas_point(&cv, 1, 0, 2);
    canvas_point(&cv, 1, 0, 2);
    canvas_point(&cv, 1, 0, 3);
    canvas_point(&cv, 2, 0, 3);
    canvas_point(&cv, 2, 0, 2);
    char want[8] = {canvas_class_glyph(1), canvas_class_glyph(2), canvas_class_glyph(2), ' ', ' ', ' ', 0};
    row_is(&cv, 0, want, "class glyphs: the majority ink's glyph, ties to the lower ink");
    ok(canvas_class_glyph(1) != canvas_class_glyph(2) && canvas_class_glyph(2) != canvas_class_glyph(3),
       "class glyphs differ");
    canvas_free(&cv);
}

static void inks(void)
{
    canvas cv;
    canvas_init(&cv, 2, 1, CANVAS_BRAILLE);
    char g[8];
    int ink = -1;
    ok(canvas_cell(&cv, 0, 0, g, &ink) == 0 && strcmp(g, " ") == 0 && ink == 0, "empty cell: blank, ink 0");
    canvas_point(&cv, 0, 0, 3);
    canvas_point(&cv, 0, 1, 3);
    canvas_point(&cv, 1, 1, 5);
    canvas_cell(&cv, 0, 0, g, &ink);
    ok(ink == 3, "a cell takes the ink most of its points have (%d)", ink);
    canvas_point(&cv, 1, 2, 5);
    canvas_cell(&cv, 0, 0, g, &ink);
    ok(ink == 3, "a tie goes to the lower ink (%d)", ink);
    canvas_point(&cv, 0, 2, 99);
    canvas_cell(&cv, 0, 0, g, &ink);
    ok(ink == 3, "an ink out of range counts as ink 0");
    canvas_line(&cv, 0, 3, 3, 3, 7);
    canvas_cell(&cv, 0, 0, g, &ink);
    ok(ink == 7, "a line's ink wins over points");
    canvas_text(&cv, 1, 0, "x", 9);
    canvas_cell(&cv, 1, 0, g, &ink);
    ok(strcmp(g, "x") == 0 && ink == 9, "text lies over dots, in its own ink");
    ok(canvas_cell(&cv, 5, 0, g, &ink) == 0 && strcmp(g, " ") == 0, "a cell outside the canvas is blank");
    canvas_free(&cv);
}

static void lines(void)
{
    canvas cv;
    canvas_init(&cv, 2, 1, CANVAS_BRAILLE);
    canvas_line(&cv, 0, 0, 3, 0, 0);
    row_is(&cv, 0, "⠉⠉", "horizontal line on the top dot row");
    canvas_clear(&cv);
    canvas_line(&cv, 0, 0, 3, 3, 0);
    row_is(&cv, 0, "⠑⢄", "diagonal: dots (0,0) (1,1) | (2,2) (3,3)");
    canvas_clear(&cv);
    canvas_line(&cv, -100, -100, 100, 100, 0);
    row_is(&cv, 0, "⠑⢄", "the same diagonal from far outside is clipped to it");
    canvas_clear(&cv);
    canvas_line(&cv, -1e6, 2, 1e6, 2, 0);
    canvas_line(&cv, 5, 0, 9, 3, 0);
    canvas_line(&cv, NAN, 0, 1, 1, 0);
    canvas_line(&cv, 0, INFINITY, 1, 1, 0);
    row_is(&cv, 0, "⠤⠤", "far ends are clipped; lines outside, NaN and infinite ends draw nothing more");
    canvas_line(&cv, -1e300, 1e300, 1e300, -1e300, 0);
    ok(1, "ends near the largest double do not crash (precision aside)");
    canvas_clear(&cv);
    canvas_line(&cv, 3, 0, 3, 3, 0);
    canvas_line(&cv, 0, 2, 0, 2, 0);
    row_is(&cv, 0, "⠄⢸", "vertical line down the right column; a zero-length line is one dot");
    canvas_clear(&cv);
    canvas_line_in(&cv, 0, 1, 3, 1, 0, 1, 0, 2, 3);
    row_is(&cv, 0, "⠐⠂", "a line clipped to a box of dots 1..2");
    canvas_free(&cv);

    canvas_init(&cv, 8, 4, CANVAS_ASCII);
    canvas_line(&cv, 0, 0, 7, 0, 0);
    canvas_line(&cv, 0, 1, 2, 3, 0);
    canvas_line(&cv, 7, 1, 7, 3, 0);
    canvas_line(&cv, 3, 3, 6, 1.5, 0);
    row_is(&cv, 0, "--------", "ASCII: a level line is -");
    row_is(&cv, 1, "\\      |", "ASCII: falling \\, upright |");
    row_is(&cv, 2, " \\   //|", "ASCII: rising /");
    row_is(&cv, 3, "  \\//  |", "ASCII: lines ending in one cell");
    canvas_free(&cv);
}

static void text_and_guides(void)
{
    canvas cv;
    canvas_init(&cv, 6, 2, CANVAS_BRAILLE);
    ok(canvas_text(&cv, 4, 0, "abc", 0) == 2, "text is clipped at the right edge");
    ok(canvas_text(&cv, -1, 1, "λ→é", 0) == 2, "and at the left edge");
    row_is(&cv, 0, "    ab", "text at the right edge");
    row_is(&cv, 1, "→é    ", "multibyte text, one code point a cell");
    ok(canvas_text(&cv, 0, 5, "x", 0) == 0, "text on a row outside writes nothing");
    canvas_clear(&cv);
    canvas_text(&cv, 0, 0, "a\xff" "b", 0);
    row_is(&cv, 0, "a?b   ", "a byte that is not UTF-8 shows as ?");
    canvas_clear(&cv);
    canvas_guide_hline(&cv, 1, 1, 4, 0);
    canvas_point(&cv, 4, 4, 0);
    row_is(&cv, 1, " ┈⠁┈┈ ", "a guide shows only in empty cells");
    canvas_guide_vline(&cv, 5, 0, 1, 0);
    row_is(&cv, 0, "     ┊", "a vertical guide");
    canvas_free(&cv);
}

static void tick_case(double lo, double hi, int max, const char *want)
{
    canvas_ticks t;
    canvas_ticks_make(lo, hi, max, &t);
    char got[512] = "";
    for (int i = 0; i < t.n; i++) {
        if (i)
            strcat(got, " ");
        strcat(got, t.label[i]);
    }
    if (!ok(strcmp(got, want) == 0, "ticks of [%g, %g], at most %d: %s", lo, hi, max, want))
        printf("#   got [%s]\n", got);
}

static void ticks(void)
{
    tick_case(0, 1, 6, "0.0 0.2 0.4 0.6 0.8 1.0");
    tick_case(0, 1, 5, "0.0 0.5 1.0");
    tick_case(0, 10, 5, "0 5 10");
    tick_case(-3.7, 12.2, 8, "-2 0 2 4 6 8 10 12");
    tick_case(-0.3, 0.3, 7, "-0.3 -0.2 -0.1 0.0 0.1 0.2 0.3");
    tick_case(0.001, 0.0042, 4, "0.001 0.002 0.003 0.004");
    tick_case(21.5, 79.2, 6, "30 40 50 60 70");
    tick_case(0, 3e-6, 4, "0 1e-6 2e-6 3e-6");
    tick_case(-2.5e-5, 2.5e-5, 5, "-2e-5 -1e-5 0 1e-5 2e-5");
    tick_case(0, 5e7, 6, "0 1e7 2e7 3e7 4e7 5e7");
    tick_case(1234567, 1234567.5, 3, "1234567.0 1234567.2 1234567.4");
    tick_case(0.3, 0.4, 1, "0.4");
    tick_case(-1, 1, 100, "-1.0 -0.8 -0.6 -0.4 -0.2 0.0 0.2 0.4 0.6 0.8 1.0"); /* 16 at most */
    canvas_ticks t;
    ok(canvas_ticks_make(1, 1, 5, &t) == 0, "an empty range has no ticks");
    ok(canvas_ticks_make(NAN, 1, 5, &t) == 0, "a NaN range has no ticks");
    ok(canvas_ticks_make(-1e308, 1e308, 5, &t) == 0, "a range wider than a double has no ticks");
    canvas_ticks_make(0.1, 0.7, 7, &t);
    ok(t.n == 7 && t.value[2] == 3 * 0.1, "tick values are k * step (0.1 * 3 = %.17g)", t.value[2]);

    char buf[32];
    canvas_tick_label(-1e-18, 0.1, 1.0, buf, sizeof buf);
    ok(strcmp(buf, "0.0") == 0, "a value a rounding error from 0 is labelled 0.0, not -0.0 (%s)", buf);

    double lo, hi, v[] = {NAN, 3, INFINITY, -2, 7, NAN};
    canvas_range(v, 6, 1, &lo, &hi);
    ok(lo == -2 && hi == 7, "range skips NaN and infinities");
    canvas_range(v + 1, 2, 2, &lo, &hi);
    ok(lo == -2 && hi == 3, "range with a stride");
    canvas_range(v, 1, 1, &lo, &hi);
    ok(lo == 0 && hi == 1, "no finite value: [0, 1]");
    canvas_range(v + 1, 1, 1, &lo, &hi);
    ok(lo == 2.5 && hi == 3.5, "one value: widened around it");
    double big = 1000;
    canvas_range(&big, 1, 1, &lo, &hi);
    ok(lo == 950 && hi == 1050, "one large value: widened by 5%%");
}

static void plot_ascii(void)
{
    canvas cv;
    canvas_init(&cv, 30, 10, CANVAS_ASCII);
    canvas_plot p;
    canvas_plot_spec spec = {0, 10, -1, 1, "age", "SHAP value", 1, 2, 3, NULL, 0};
    ok(canvas_plot_begin(&p, &cv, &spec) == 0, "plot laid out");
    double x[] = {0, 10, 5, 5, NAN, 11, 2.5};
    double y[] = {-1, 1, 0, 0, 0, 0, NAN};
    ok(canvas_plot_points(&p, x, 1, y, 1, NULL, 0, 7) == 4, "NaN and out-of-range points are not drawn");
    canvas_plot_hguide(&p, 0, 4);
    static const char *const want[10] = {
        "SHAP value                    ",
        " 1+                          .",
        "  |                           ",
        "  |                           ",
        " 0+-------------:-------------",
        "  |                           ",
        "-1+.                          ",
        "  ++----+----+-----+----+----+",
        "   0    2    4     6    8   10",
        "               age            ",
    };
    for (int r = 0; r < 10; r++)
        row_is(&cv, r, want[r], "ASCII plot row %d", r);
    canvas_free(&cv);

    canvas_init(&cv, 30, 10, CANVAS_ASCII);
    spec.xlo = -1234.5;
    spec.xhi = 1234.5;
    canvas_plot_begin(&p, &cv, &spec);
    row_is(&cv, 8, "   -1000        0         1000", "x labels that would touch are thinned");
    canvas_free(&cv);
}

static void plot_braille(void)
{
    canvas cv;
    canvas_init(&cv, 40, 12, CANVAS_BRAILLE);
    canvas_plot p;
    canvas_plot_spec spec = {-2, 2, 0, 100, "x", "y", 1, 2, 3, NULL, 0};
    ok(canvas_plot_begin(&p, &cv, &spec) == 0, "braille plot laid out");
    ok(p.top == 1 && p.h == 8, "plot rows 1..8 (top %d, h %d)", p.top, p.h);
    double x[] = {-2, 2}, y[] = {0, 100};
    canvas_plot_points(&p, x, 1, y, 1, NULL, 0, 2);
    char g[8];
    int ink;
    canvas_cell(&cv, p.left, p.top + p.h - 1, g, &ink);
    ok(strcmp(g, "⡀") == 0, "(xlo, ylo) is the bottom-left dot of the plot area (%s)", g);
    canvas_cell(&cv, p.left + p.w - 1, p.top, g, &ink);
    ok(strcmp(g, "⠈") == 0, "(xhi, yhi) is the top-right dot (%s)", g);
    /* A point at a tick value lies in the tick's column. */
    canvas_clear(&cv);
    canvas_plot_begin(&p, &cv, &spec);
    int tick_col = -1;
    for (int c = 0; c < cv.cols; c++) {
        canvas_cell(&cv, c, p.top + p.h, g, &ink);
        if (strcmp(g, "┬") == 0 && tick_col < 0 && c > p.left)
            tick_col = c;
    }
    double tx = p.xt.value[1], ty = 50;
    canvas_plot_points(&p, &tx, 1, &ty, 1, NULL, 0, 1);
    canvas_cell(&cv, tick_col, cell_row_of(&p, ty), g, &ink);
    ok(tick_col > 0 && (unsigned char)g[0] == 0xe2 && strcmp(g, "⠀") != 0,
       "a point at the second x tick (%g) is in its column %d (%s)", tx, tick_col, g);

    double px[] = {-2, 0, NAN, 1, 2}, py[] = {0, 100, 50, 0, 100};
    canvas_clear(&cv);
    canvas_plot_begin(&p, &cv, &spec);
    canvas_plot_polyline(&p, px, py, 5, 6);
    canvas_cell(&cv, p.left, p.top + p.h - 1, g, &ink);
    ok(ink == 6 && strcmp(g, " ") != 0, "a polyline starts at its first point, in its ink");
    int dots_mid = 0;
    for (int r = p.top; r < p.top + p.h; r++) {
        canvas_cell(&cv, cell_col_of(&p, 0.5), r, g, &ink);
        dots_mid += strcmp(g, " ") != 0;
    }
    ok(dots_mid == 0, "a NaN breaks the line: nothing between x = 0 and x = 1");
    canvas_line(&cv, 0, 0, cv.dots_w - 1, cv.dots_h - 1, 0);
    canvas_clear(&cv);
    canvas_plot_begin(&p, &cv, &spec);
    double fx[] = {-10, 10}, fy[] = {50, 50};
    canvas_plot_polyline(&p, fx, fy, 2, 0);
    canvas_cell(&cv, p.left - 1, cell_row_of(&p, 50), g, &ink);
    ok(strcmp(g, "│") == 0 || strcmp(g, "┤") == 0, "lines are clipped to the plot area, not drawn over the axis");

    const char *labels[] = {"low", "mid", "high"};
    int inks[] = {4, 5, 6};
    canvas_clear(&cv);
    canvas_plot_begin(&p, &cv, &spec);
    ok(canvas_plot_legend(&p, "bmi", labels, inks, 3) == 3, "legend fits");
    row_is(&cv, 0, "y                 bmi ■ low ■ mid ■ high", "legend right-aligned on the top row");
    canvas_cell(&cv, 28, 0, g, &ink);
    ok(ink == 5 && strcmp(g, "■") == 0, "each swatch in its ink");
    canvas_free(&cv);

    canvas_init(&cv, 20, 8, CANVAS_ASCII);
    cv.class_glyphs = 1;
    canvas_plot_begin(&p, &cv, &spec);
    ok(canvas_plot_legend(&p, "bmi", labels, inks, 3) == 2, "a narrow legend shows what fits");
    char want[64];
    snprintf(want, sizeof want, "y  bmi %c low %c mid ~", canvas_class_glyph(4), canvas_class_glyph(5));
    row_is(&cv, 0, want, "and says there is more; class glyphs as swatches");
    canvas_free(&cv);

    static const char *const levels[] = {"blue", "green", "red", "magenta-ish", "café"};
    static const char *const short_levels[] = {"a", "b", "c", "d", "e"};
    canvas_init(&cv, 40, 8, CANVAS_BRAILLE);
    canvas_plot_spec cat = {0, 4, 0, 1, "colour", "y", 1, 2, 3, levels, 5};
    canvas_plot_begin(&p, &cv, &cat);
    /* "magenta-is" (cut to 10 cells) would touch its neighbours: every
     * other level, each name centred under its code. */
    row_is(&cv, 6, "   blue              red            café", "categorical x: ticks on codes, named");
    canvas_free(&cv);
    canvas_init(&cv, 20, 8, CANVAS_BRAILLE);
    canvas_plot_begin(&p, &cv, &cat);
    row_is(&cv, 6, "   blue    red  café", "categorical x: narrower, same levels, the last kept at the edge");
    ok(p.xt.n == 3 && p.xt.step == 2, "  (3 ticks, step 2)");
    canvas_free(&cv);
    canvas_init(&cv, 40, 8, CANVAS_BRAILLE);
    cat.x_levels = short_levels;
    canvas_plot_begin(&p, &cv, &cat);
    row_is(&cv, 6, "    a        b        c       d        e", "categorical x: short names, every level");
    canvas_free(&cv);

    canvas_init(&cv, 11, 6, CANVAS_BRAILLE);
    ok(canvas_plot_begin(&p, &cv, &spec) == -1, "a canvas under 12 columns is too small");
    canvas_free(&cv);
    canvas_init(&cv, 40, 5, CANVAS_BRAILLE);
    ok(canvas_plot_begin(&p, &cv, &spec) == -1, "a canvas under 6 rows is too small");
    canvas_free(&cv);
}

static void classes(void)
{
    canvas_classes c;
    double flags[] = {1, 0, NAN, 1, 1, 0};
    ok(canvas_classes_make(flags, 6, 1, 5, 5, &c) == 0 && c.discrete && c.n == 2 && c.value[0] == 0 &&
           c.value[1] == 1,
       "a 0/1 feature: one class per value");
    ok(canvas_classes_of(&c, 1) == 1 && canvas_classes_of(&c, 0) == 0 && canvas_classes_of(&c, NAN) == -1 &&
           canvas_classes_of(&c, 0.5) == -1,
       "values map to their class; NaN and unknown values to none");
    double v[100];
    for (int i = 0; i < 100; i++)
        v[i] = (double)((i * 37) % 100); /* 0..99 shuffled */
    canvas_classes_make(v, 100, 1, 4, 4, &c);
    ok(!c.discrete && c.n == 4 && c.edge[0] == 25 && c.edge[1] == 50 && c.edge[2] == 75,
       "0..99 in 4 classes: cut at 25, 50, 75");
    int count[4] = {0};
    for (int i = 0; i < 100; i++)
        count[canvas_classes_of(&c, v[i])]++;
    ok(count[0] == 25 && count[1] == 25 && count[2] == 25 && count[3] == 25, "each class holds a quarter");
    ok(canvas_classes_of(&c, -1e9) == 0 && canvas_classes_of(&c, 1e9) == 3, "beyond the data: the end classes");
    double tied[20];
    for (int i = 0; i < 20; i++)
        tied[i] = i < 16 ? 0.0 : 1.0 + i; /* 16 zeros, then 17 18 19 20 */
    canvas_classes_make(tied, 20, 1, 3, 3, &c);
    ok(!c.discrete && c.n == 3 && c.edge[0] == 17 && c.edge[1] == 18,
       "coinciding quantiles move past the tie: 0 | 17 | 18-20 (%d classes)", c.n);
    double seven[] = {1, 2, 3, 4, 5, 6, 7};
    canvas_classes_make(seven, 6, 1, 6, 3, &c);
    ok(c.discrete && c.n == 6, "6 values, at most 6 by value: a class per value");
    canvas_classes_make(seven, 7, 1, 6, 3, &c);
    ok(!c.discrete && c.n == 3 && c.edge[0] == 3 && c.edge[1] == 5, "7 values, at most 6 by value: 3 ranges");
    enum { BIG = 1000000 };
    double *big = malloc(BIG * sizeof *big);
    for (int i = 0; i < BIG; i++)
        big[i] = (double)((i * 7919L) % BIG); /* 0..BIG-1, shuffled */
    canvas_classes_make(big, BIG, 1, 6, 5, &c);
    int near = c.n == 5;
    for (int q = 1; q < 5 && near; q++)
        near = fabs(c.edge[q - 1] - q * BIG / 5.0) < BIG / 100.0;
    ok(near, "a million values: quintile edges within 1%% (%.0f %.0f %.0f %.0f)", c.edge[0], c.edge[1], c.edge[2],
       c.edge[3]);
    free(big);
    double none[] = {NAN, NAN};
    ok(canvas_classes_make(none, 2, 1, 5, 5, &c) == 0 && c.n == 0 && canvas_classes_of(&c, 1) == -1,
       "no numbers: no classes");
}

static uint64_t rng_state = 42;
static double unif(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (double)((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
}

static void million(void)
{
    enum { N = 1000000 };
    double *x = malloc(N * sizeof *x), *y = malloc(2 * N * sizeof *y);
    uint8_t *ink = malloc(N);
    size_t inside = 0;
    for (size_t i = 0; i < N; i++) {
        x[i] = unif() * 1.2 - 0.1; /* a tenth falls outside on either side */
        y[2 * i] = unif();
        y[2 * i + 1] = NAN; /* the stride skips these */
        ink[i] = (uint8_t)(i % 8);
        inside += x[i] >= 0 && x[i] <= 1;
    }
    canvas cv;
    canvas_init(&cv, 200, 60, CANVAS_BRAILLE);
    canvas_plot p;
    canvas_plot_spec spec = {0, 1, 0, 1, "x", "y", 1, 2, 3, NULL, 0};
    canvas_plot_begin(&p, &cv, &spec);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t drawn = canvas_plot_points(&p, x, 1, y, 2, ink, 0, N);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    uint64_t hits = 0;
    for (size_t c = 0; c < (size_t)cv.cols * (size_t)cv.rows; c++)
        hits += cv.hits[c];
    ok(drawn == inside && hits == inside, "1M points: the %zu in range are drawn and counted (%llu)", inside,
       (unsigned long long)hits);
    /* About 9.5 points a dot: every cell has dots, nearly all have eight. */
    int used = 0, full = 0;
    for (int c = p.left; c < p.left + p.w; c++)
        for (int r = p.top; r < p.top + p.h; r++) {
            char g[8];
            int k;
            used += canvas_cell(&cv, c, r, g, &k);
            full += strcmp(g, "⣿") == 0;
        }
    ok(used == p.w * p.h && full > p.w * p.h * 99 / 100, "1M uniform points reach every cell (%d of %d full)",
       full, p.w * p.h);
    printf("# 1M points plotted in %.1f ms\n",
           (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-6);
    canvas_free(&cv);
    free(x);
    free(y);
    free(ink);
}

int main(void)
{
    braille_dots();
    block_dots();
    ascii_density();
    inks();
    lines();
    text_and_guides();
    ticks();
    plot_ascii();
    plot_braille();
    classes();
    million();
    return tap_done();
}
