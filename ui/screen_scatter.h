/* screen_scatter.h: the scatter / dependence screen (`s`).
 *
 * One feature's value (x) against its attribution, or against the model's
 * prediction (y), one point per row, optionally coloured by a second
 * feature.  The attributions come from the exact method (TreeSHAP or linear
 * SHAP) run over every row as one job on the worker thread
 * (ui_app_explain_all, cached in the app); with more than
 * SCATTER_ROWS_DEFAULT rows (or GLASSBOX_SCATTER_ROWS, for tests) the screen
 * first explains an evenly spaced sample of that many rows
 * (scatter_sample.h), says so, and `A` asks for all of them; `i` colours by
 * the feature interacting most with x (scatter_partners.h).  Braille dots when the locale is UTF-8, ASCII
 * density otherwise; `b` cycles braille, block and ASCII.  On a terminal
 * without colours, points coloured by a feature are drawn as ASCII class
 * glyphs (o x + * ...) so the colouring survives.
 *
 * The screen's ops are ui_screen_scatter (screen.h). */
#ifndef GB_UI_SCREEN_SCATTER_H
#define GB_UI_SCREEN_SCATTER_H

#include <stddef.h>

enum { SCATTER_ROWS_DEFAULT = 100000 };

#endif
