/* canvas.c: dots, lines and text in a cell buffer (see canvas.h).
 *
 * Cells are stored in flat arrays, row-major, so that plotting a million
 * points is a bounds check, a shift and three increments each, and so that
 * drawing never allocates. */
#include "canvas.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Bit of dot (dx, dy) within a cell, indexed [dy][dx]. */
static const uint8_t braille_bit[4][2] = {{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}};
static const uint8_t block_bit[2][2] = {{0x1, 0x2}, {0x4, 0x8}};

/* Quadrant glyphs by bit mask: 1 upper left, 2 upper right, 4 lower left,
 * 8 lower right. */
static const uint32_t block_glyph[16] = {
    0x20,   0x2598, 0x259D, 0x2580, 0x2596, 0x258C, 0x259E, 0x259B,
    0x2597, 0x259A, 0x2590, 0x259C, 0x2584, 0x2599, 0x259F, 0x2588,
};

/* guide[]: 1 + ink, with this bit for a vertical guide. */
enum { GUIDE_VERTICAL = 0x80 };

static const char density_glyph[] = " .:oO#";

static void release(canvas *cv)
{
    free(cv->dots);
    free(cv->hits);
    free(cv->tally);
    free(cv->line);
    free(cv->line_glyph);
    free(cv->guide);
    free(cv->text);
    free(cv->text_ink);
}

int canvas_init(canvas *cv, int cols, int rows, canvas_mode mode)
{
    memset(cv, 0, sizeof *cv);
    if (cols < 0 || rows < 0)
        return -1;
    cv->cols = cols;
    cv->rows = rows;
    cv->mode = mode;
    cv->dw = mode == CANVAS_ASCII ? 1 : 2;
    cv->dh = mode == CANVAS_BRAILLE ? 4 : mode == CANVAS_BLOCK ? 2 : 1;
    cv->dots_w = cols * cv->dw;
    cv->dots_h = rows * cv->dh;
    size_t n = (size_t)cols * (size_t)rows;
    size_t m = n ? n : 1;
    cv->dots = calloc(m, sizeof *cv->dots);
    cv->hits = calloc(m, sizeof *cv->hits);
    cv->tally = calloc(m * CANVAS_INKS, sizeof *cv->tally);
    cv->line = calloc(m, sizeof *cv->line);
    cv->line_glyph = calloc(m, sizeof *cv->line_glyph);
    cv->guide = calloc(m, sizeof *cv->guide);
    cv->text = calloc(m, sizeof *cv->text);
    cv->text_ink = calloc(m, sizeof *cv->text_ink);
    if (!cv->dots || !cv->hits || !cv->tally || !cv->line || !cv->line_glyph || !cv->guide || !cv->text ||
        !cv->text_ink) {
        release(cv);
        memset(cv, 0, sizeof *cv);
        return -1;
    }
    return 0;
}

void canvas_free(canvas *cv)
{
    release(cv);
    memset(cv, 0, sizeof *cv);
}

void canvas_clear(canvas *cv)
{
    size_t n = (size_t)cv->cols * (size_t)cv->rows;
    if (!cv->dots)
        return;
    memset(cv->dots, 0, n * sizeof *cv->dots);
    memset(cv->hits, 0, n * sizeof *cv->hits);
    memset(cv->tally, 0, n * CANVAS_INKS * sizeof *cv->tally);
    memset(cv->line, 0, n * sizeof *cv->line);
    memset(cv->line_glyph, 0, n * sizeof *cv->line_glyph);
    memset(cv->guide, 0, n * sizeof *cv->guide);
    memset(cv->text, 0, n * sizeof *cv->text);
    memset(cv->text_ink, 0, n * sizeof *cv->text_ink);
    cv->max_hits = 0;
}

int canvas_fit(canvas *cv, int cols, int rows, canvas_mode mode)
{
    if (!cv->dots || cv->cols != cols || cv->rows != rows || cv->mode != mode) {
        canvas_free(cv);
        if (canvas_init(cv, cols, rows, mode))
            return -1;
    }
    canvas_clear(cv);
    return 0;
}

static int clamp_ink(int ink)
{
    return ink < 0 || ink >= CANVAS_INKS ? 0 : ink;
}

/* Eight shapes that stay apart in print; inks i and i + 8 share one. */
static const char class_glyphs[8] = {'o', 'x', '+', '*', '#', '@', '%', '&'};

char canvas_class_glyph(int ink)
{
    return class_glyphs[clamp_ink(ink) & 7];
}

/* Sets dot (x, y), already known to be inside; returns its cell. */
static size_t set_dot(canvas *cv, int x, int y)
{
    size_t c = (size_t)(y / cv->dh) * (size_t)cv->cols + (size_t)(x / cv->dw);
    switch (cv->mode) {
    case CANVAS_BRAILLE: cv->dots[c] |= braille_bit[y & 3][x & 1]; break;
    case CANVAS_BLOCK: cv->dots[c] |= block_bit[y & 1][x & 1]; break;
    case CANVAS_ASCII: cv->dots[c] = 1; break;
    }
    return c;
}

void canvas_point(canvas *cv, int x, int y, int ink)
{
    if (x < 0 || y < 0 || x >= cv->dots_w || y >= cv->dots_h)
        return;
    size_t c = set_dot(cv, x, y);
    if (cv->hits[c] != UINT32_MAX) {
        cv->hits[c]++;
        cv->tally[c * CANVAS_INKS + (size_t)clamp_ink(ink)]++;
        if (cv->hits[c] > cv->max_hits)
            cv->max_hits = cv->hits[c];
    }
}

/* Liang-Barsky: clips the segment to the box [bx0, bx1] x [by0, by1]; 0
 * when nothing is left. */
static int clip(double *x0, double *y0, double *x1, double *y1, const double box[4])
{
    double dx = *x1 - *x0, dy = *y1 - *y0, t0 = 0.0, t1 = 1.0;
    const double p[4] = {-dx, dx, -dy, dy};
    const double q[4] = {*x0 - box[0], box[2] - *x0, *y0 - box[1], box[3] - *y0};
    for (int i = 0; i < 4; i++) {
        if (p[i] == 0.0) {
            if (q[i] < 0.0)
                return 0;
            continue;
        }
        double t = q[i] / p[i];
        if (p[i] < 0.0) {
            if (t > t1)
                return 0;
            if (t > t0)
                t0 = t;
        } else {
            if (t < t0)
                return 0;
            if (t < t1)
                t1 = t;
        }
    }
    double ax = *x0 + t0 * dx, ay = *y0 + t0 * dy;
    *x1 = *x0 + t1 * dx;
    *y1 = *y0 + t1 * dy;
    *x0 = ax;
    *y0 = ay;
    return 1;
}

/* The ASCII glyph for a slope, a cell being about twice as tall as wide:
 * within 22.5 degrees of level is '-', of upright '|'. */
static char slope_glyph(double dx, double dy)
{
    double ax = fabs(dx), ay = fabs(dy);
    if (ax == 0.0 && ay == 0.0)
        return '*';
    if (2.0 * ay < 0.4142 * ax)
        return '-';
    if (2.0 * ay > 2.4142 * ax)
        return '|';
    /* Screen y grows downwards: rising to the right is '/'. */
    return (dx > 0) != (dy > 0) ? '/' : '\\';
}

void canvas_line_in(canvas *cv, double x0, double y0, double x1, double y1, int ink, int bx0, int by0, int bx1,
                    int by1)
{
    if (!(isfinite(x0) && isfinite(y0) && isfinite(x1) && isfinite(y1)))
        return;
    /* The box, within the canvas. */
    const double box[4] = {bx0 < 0 ? 0 : bx0, by0 < 0 ? 0 : by0, bx1 >= cv->dots_w ? cv->dots_w - 1 : bx1,
                           by1 >= cv->dots_h ? cv->dots_h - 1 : by1};
    if (box[0] > box[2] || box[1] > box[3])
        return;
    char glyph = slope_glyph(x1 - x0, y1 - y0);
    if (!clip(&x0, &y0, &x1, &y1, box))
        return;
    int xa = (int)lround(x0), ya = (int)lround(y0), xb = (int)lround(x1), yb = (int)lround(y1);
    int dx = abs(xb - xa), dy = -abs(yb - ya), sx = xa < xb ? 1 : -1, sy = ya < yb ? 1 : -1;
    int e = dx + dy;
    uint8_t mark = (uint8_t)(1 + clamp_ink(ink));
    for (;;) {
        size_t c = set_dot(cv, xa, ya);
        cv->line[c] = mark;
        cv->line_glyph[c] = glyph;
        if (xa == xb && ya == yb)
            break;
        int e2 = 2 * e;
        if (e2 >= dy) {
            e += dy;
            xa += sx;
        }
        if (e2 <= dx) {
            e += dx;
            ya += sy;
        }
    }
}

void canvas_line(canvas *cv, double x0, double y0, double x1, double y1, int ink)
{
    canvas_line_in(cv, x0, y0, x1, y1, ink, 0, 0, cv->dots_w - 1, cv->dots_h - 1);
}

void canvas_guide_hline(canvas *cv, int row, int col0, int col1, int ink)
{
    if (row < 0 || row >= cv->rows)
        return;
    for (int c = col0 < 0 ? 0 : col0; c <= col1 && c < cv->cols; c++)
        cv->guide[(size_t)row * (size_t)cv->cols + (size_t)c] = (uint8_t)(1 + clamp_ink(ink));
}

void canvas_guide_vline(canvas *cv, int col, int row0, int row1, int ink)
{
    if (col < 0 || col >= cv->cols)
        return;
    for (int r = row0 < 0 ? 0 : row0; r <= row1 && r < cv->rows; r++)
        cv->guide[(size_t)r * (size_t)cv->cols + (size_t)col] = (uint8_t)(GUIDE_VERTICAL | (1 + clamp_ink(ink)));
}

/* Decodes one UTF-8 sequence at s; returns its length (a bad byte is taken
 * alone and decodes as '?'). */
static int utf8_get(const unsigned char *s, uint32_t *cp)
{
    int len = s[0] < 0x80 ? 1 : (s[0] >> 5) == 6 ? 2 : (s[0] >> 4) == 14 ? 3 : (s[0] >> 3) == 30 ? 4 : 0;
    if (len == 0) {
        *cp = '?';
        return 1;
    }
    uint32_t v = len == 1 ? s[0] : (uint32_t)(s[0] & (0x7f >> len));
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *cp = '?';
            return 1;
        }
        v = v << 6 | (s[i] & 0x3fu);
    }
    *cp = v;
    return len;
}

int canvas_utf8_put(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

int canvas_text(canvas *cv, int col, int row, const char *utf8, int ink)
{
    if (row < 0 || row >= cv->rows || !utf8)
        return 0;
    const unsigned char *s = (const unsigned char *)utf8;
    int n = 0;
    while (*s && col < cv->cols) {
        uint32_t cp;
        s += utf8_get(s, &cp);
        if (col >= 0) {
            size_t c = (size_t)row * (size_t)cv->cols + (size_t)col;
            cv->text[c] = cp;
            cv->text_ink[c] = (uint8_t)clamp_ink(ink);
            n++;
        }
        col++;
    }
    return n;
}

/* The ink most points in cell c carry, ties to the lower ink. */
static int majority_ink(const canvas *cv, size_t c)
{
    const uint32_t *t = cv->tally + c * CANVAS_INKS;
    int best = 0;
    for (int i = 1; i < CANVAS_INKS; i++)
        if (t[i] > t[best])
            best = i;
    return best;
}

/* Density level 1..5 of a cell with h points: logarithmic in the busiest
 * cell's count, but never coarser than one level a point up to five, so a
 * sparse plot shows counts and a dense one shows shape. */
static int density_level(uint32_t h, uint32_t max)
{
    double top = log(max > 5 ? (double)max : 5.0);
    int level = 1 + (int)floor(4.0 * log((double)h) / top + 1e-9);
    return level > 5 ? 5 : level;
}

static uint32_t dot_glyph(const canvas *cv, size_t c)
{
    if (cv->mode == CANVAS_BRAILLE)
        return 0x2800u + cv->dots[c];
    return block_glyph[cv->dots[c] & 15];
}

static uint32_t ascii_glyph(const canvas *cv, size_t c, int *ink)
{
    if (cv->line[c]) {
        *ink = cv->line[c] - 1;
        return (uint8_t)cv->line_glyph[c];
    }
    *ink = majority_ink(cv, c);
    if (cv->class_glyphs)
        return (uint8_t)canvas_class_glyph(*ink);
    return (uint8_t)density_glyph[density_level(cv->hits[c], cv->max_hits)];
}

int canvas_cell(const canvas *cv, int col, int row, char glyph[8], int *ink)
{
    uint32_t cp = ' ';
    *ink = 0;
    int used = 1;
    if (col < 0 || row < 0 || col >= cv->cols || row >= cv->rows) {
        used = 0;
    } else {
        size_t c = (size_t)row * (size_t)cv->cols + (size_t)col;
        if (cv->text[c]) {
            cp = cv->text[c];
            *ink = cv->text_ink[c];
        } else if (cv->dots[c] && cv->mode == CANVAS_ASCII) {
            cp = ascii_glyph(cv, c, ink);
        } else if (cv->dots[c]) {
            cp = dot_glyph(cv, c);
            *ink = cv->line[c] ? cv->line[c] - 1 : majority_ink(cv, c);
        } else if (cv->guide[c]) {
            int vertical = (cv->guide[c] & GUIDE_VERTICAL) != 0;
            if (cv->mode == CANVAS_ASCII)
                cp = vertical ? '|' : '-';
            else
                cp = vertical ? 0x250A : 0x2508; /* ┊ ┈ */
            *ink = (cv->guide[c] & ~GUIDE_VERTICAL) - 1;
        } else {
            used = 0;
        }
    }
    glyph[canvas_utf8_put(cp, glyph)] = '\0';
    return used;
}

char *canvas_row_text(const canvas *cv, int row, char *buf, size_t size)
{
    size_t len = 0;
    if (size == 0)
        return buf;
    for (int col = 0; col < cv->cols; col++) {
        char g[8];
        int ink;
        canvas_cell(cv, col, row, g, &ink);
        size_t gl = strlen(g);
        if (len + gl + 1 > size)
            break;
        memcpy(buf + len, g, gl);
        len += gl;
    }
    buf[len] = '\0';
    return buf;
}
