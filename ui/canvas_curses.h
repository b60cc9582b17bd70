/* canvas_curses.h: puts a canvas on the terminal.
 *
 * The only curses code of the canvas: everything else builds the picture in
 * memory (canvas.h), where tests can read it. */
#ifndef GB_UI_CANVAS_CURSES_H
#define GB_UI_CANVAS_CURSES_H

#include <curses.h>

#include "canvas.h"

/* Draws every cell of cv with its top-left at screen row y, column x;
 * ink_attr[i] is the attribute (colour pair included) of ink i.  Empty
 * cells are drawn as blanks, so the canvas replaces what was there. */
void canvas_blit(const canvas *cv, int y, int x, const attr_t ink_attr[CANVAS_INKS]);

#endif
