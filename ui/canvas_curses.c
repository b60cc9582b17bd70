/* canvas_curses.c: the blit of a canvas (see canvas_curses.h).
 *
 * Cells of one row that share an attribute go out in one addstr, so a
 * 200-column plot costs a handful of curses calls a row, not 200. */
#include "canvas_curses.h"

#include <string.h>

void canvas_blit(const canvas *cv, int y, int x, const attr_t ink_attr[CANVAS_INKS])
{
    /* A row is at most 4 UTF-8 bytes a cell. */
    enum { RUN = 1024 };
    char run[RUN + 8];
    for (int r = 0; r < cv->rows; r++) {
        int start = 0, len = 0;
        attr_t cur = ink_attr[0];
        for (int c = 0; c <= cv->cols; c++) {
            char g[8];
            int ink = 0;
            attr_t a = cur;
            if (c < cv->cols) {
                canvas_cell(cv, c, r, g, &ink);
                a = ink_attr[ink];
            }
            size_t gl = c < cv->cols ? strlen(g) : 0;
            if (c == cv->cols || a != cur || len + (int)gl > RUN) {
                run[len] = '\0';
                attrset(cur);
                mvaddstr(y + r, x + start, run);
                start = c;
                len = 0;
                cur = a;
            }
            memcpy(run + len, g, gl);
            len += (int)gl;
        }
    }
    attrset(A_NORMAL);
}
