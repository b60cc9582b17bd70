/* draw.c: text placement helpers that count cells, not bytes.
 *
 * Feature names and category levels come from user files and may hold
 * multibyte UTF-8; clipping them by bytes would cut a character in half
 * and shift every column after it.  Invalid bytes count as one cell each
 * (curses shows them as escapes), so a hostile name cannot break the grid. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* wcwidth */
#endif
#include <wchar.h>

#include <string.h>

#include "screen.h"

/* Bytes of s that fit in w cells; *cells receives the cells they take. */
static size_t fit(const char *s, int w, int *cells)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t i = 0, len = strlen(s);
    int used = 0;
    while (i < len) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, s + i, len - i, &st);
        int cw;
        if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
            memset(&st, 0, sizeof st);
            n = 1;
            cw = 1;
        } else {
            cw = wcwidth(wc);
            if (cw < 0)
                cw = 1;
        }
        if (used + cw > w)
            break;
        used += cw;
        i += n;
    }
    *cells = used;
    return i;
}

int ui_text_width(const char *s)
{
    int cells;
    fit(s, 1 << 30, &cells);
    return cells;
}

int ui_put(int y, int x, int w, const char *s)
{
    if (w <= 0 || y < 0 || y >= LINES || x >= COLS)
        return 0;
    if (x + w > COLS)
        w = COLS - x;
    int cells;
    size_t n = fit(s, w, &cells);
    if (n)
        mvaddnstr(y, x, s, (int)n);
    return cells;
}

void ui_put_pad(int y, int x, int w, const char *s)
{
    int used = ui_put(y, x, w, s);
    for (int i = used; i < w && x + i < COLS; i++)
        mvaddch(y, x + i, ' ');
}

void ui_clear_rect(const ui_rect *r)
{
    for (int y = r->y; y < r->y + r->h; y++)
        ui_put_pad(y, r->x, r->w, "");
}
