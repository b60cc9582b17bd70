/* canvas.h: a plotting surface made of character cells, without curses.
 *
 * Plots (scatter and dependence plots now; PDP, ICE and ALE lines later) are
 * drawn into a buffer of cells, each split into a grid of dots: 2x4 braille
 * dots (U+2800 plus one bit per dot), 2x2 quadrant blocks (▘▝▖▗▀▄▌▐█ ...), or,
 * on a plain terminal, one dot per cell shown by how many points fell there
 * (. : o O #).  Text (tick labels, titles, a legend) is laid over the dots
 * cell by cell.  Every cell carries an ink: a small index the caller maps to
 * a colour or a monochrome attribute when it blits (canvas_curses.c), so the
 * whole picture can be checked as text in a unit test and dumped as text by
 * the explorer's export.
 *
 * A cell shows one ink however many points fall in it: the ink most points
 * there carry (ties to the lower ink), except that a line's ink wins over
 * points (a PDP line drawn over ICE curves or a cloud stays visible).  With
 * class_glyphs set (an ASCII canvas on a terminal without colours), a cell
 * shows its ink's glyph (o x + * ...) instead of the density, so points
 * coloured by a second feature remain distinguishable in black and white.
 *
 * Dot coordinates run from (0, 0) at the top left to (dots_w - 1, dots_h - 1);
 * anything outside is clipped.  Nothing here allocates after canvas_init. */
#ifndef GB_UI_CANVAS_H
#define GB_UI_CANVAS_H

#include <stddef.h>
#include <stdint.h>

typedef enum canvas_mode {
    CANVAS_BRAILLE = 0, /* 2x4 dots a cell */
    CANVAS_BLOCK,       /* 2x2 dots a cell */
    CANVAS_ASCII        /* 1 dot a cell, drawn as density */
} canvas_mode;

/* Inks 0 .. CANVAS_INKS-1; 0 is the default.  What an ink looks like is up
 * to the caller's blit table. */
enum { CANVAS_INKS = 16 };

typedef struct canvas {
    int cols, rows;       /* cells */
    canvas_mode mode;
    int dw, dh;           /* dots per cell across and down */
    int dots_w, dots_h;   /* cols * dw, rows * dh */
    int class_glyphs;     /* ASCII: show a cell's ink as a glyph, not a density */
    uint8_t *dots;        /* per cell: which dots are set */
    uint32_t *hits;       /* per cell: points that fell in it (saturating) */
    uint32_t *tally;      /* per cell: CANVAS_INKS counts of points by ink */
    uint8_t *line;        /* per cell: 0, or 1 + the ink of the last line through it */
    char *line_glyph;     /* ASCII: - | / \ for the line through the cell */
    uint8_t *guide;       /* per cell: 0, or 1 + ink of a guide (0x80 set: vertical) */
    uint32_t *text;       /* per cell: a code point laid over the dots, 0 none */
    uint8_t *text_ink;
    uint32_t max_hits;
} canvas;

/* 0, or -1 when memory runs out (the canvas is then empty and safe to free). */
int canvas_init(canvas *cv, int cols, int rows, canvas_mode mode);
void canvas_free(canvas *cv);
/* Empties every cell (keeps size and mode). */
void canvas_clear(canvas *cv);
/* An empty canvas of cols x rows cells in mode, allocated anew only when
 * the size or mode differs from what cv has (a screen keeps one canvas and
 * redraws it every frame).  0, or -1 when memory runs out. */
int canvas_fit(canvas *cv, int cols, int rows, canvas_mode mode);

/* One point at dot (x, y) in ink. */
void canvas_point(canvas *cv, int x, int y, int ink);

/* A straight line between two dot positions (fractions allowed: they are
 * rounded for the dots, and kept for the ASCII glyph's slope).  Clipped. */
void canvas_line(canvas *cv, double x0, double y0, double x1, double y1, int ink);
/* The same, clipped to the dot box [bx0, bx1] x [by0, by1]. */
void canvas_line_in(canvas *cv, double x0, double y0, double x1, double y1, int ink, int bx0, int by0, int bx1,
                    int by1);

/* A horizontal guide (e.g. y = 0) along cells col0..col1 of a row, or a
 * vertical one along rows row0..row1 of a column, shown only in cells
 * nothing else uses. */
void canvas_guide_hline(canvas *cv, int row, int col0, int col1, int ink);
void canvas_guide_vline(canvas *cv, int col, int row0, int row1, int ink);

/* Lays UTF-8 text over the cells from (col, row) rightwards, one code point
 * per cell (callers pass single-width characters); clipped at the edge.
 * Returns the number of cells written. */
int canvas_text(canvas *cv, int col, int row, const char *utf8, int ink);

/* What a cell shows: its glyph as UTF-8 (NUL-terminated, a space for an
 * empty cell) and its ink.  Returns 0 for an empty cell, else 1. */
int canvas_cell(const canvas *cv, int col, int row, char glyph[8], int *ink);

/* A row of cells as UTF-8 text (trailing spaces kept); returns buf.  size
 * of 8 * cols + 1 always suffices. */
char *canvas_row_text(const canvas *cv, int row, char *buf, size_t size);

/* The glyph an ASCII canvas with class_glyphs shows for an ink (inks i and
 * i + 8 share one of eight: o x + * # @ % &). */
char canvas_class_glyph(int ink);

/* Appends the UTF-8 encoding of code point cp to out (at most 4 bytes);
 * returns the number written. */
int canvas_utf8_put(uint32_t cp, char *out);

#endif
