/* screen.h: the explorer's screens and how the main loop drives them.
 *
 * One module per screen (ui/screen_<name>.c) exports one ui_screen_ops: a
 * name, a title, init/draw/key/free, an optional export and an optional job
 * notification, and the table of its keys for the help screen.  The main
 * loop (ui/loop.c) keeps a stack of open screens; it draws the top one into
 * the area above the status line, hands it every key first, and applies the
 * flags the handler returns:
 *
 *   UI_REDRAW     draw again (cheap; the loop redraws after most keys anyway)
 *   UI_PUSH       open app-chosen screen ui_push() recorded
 *   UI_POP        close this screen (back)
 *   UI_QUIT       leave the program
 *   UI_UNHANDLED  not this screen's key: the global keys get it (q back,
 *                 ? help, m method, c compare, s scatter, t data, Tab next
 *                 pane, e export, w how it works, Esc cancel, ...)
 *
 * A screen draws with plain curses calls inside its ui_rect and takes its
 * attributes and glyphs from app->theme (never hard-coded), so that colour,
 * monochrome, UTF-8 and ASCII all work.  Screens are state machines over
 * app: a key never blocks; anything slow becomes a job (job.h) and the
 * screen draws "computing" until the job's finish callback stores the
 * result and the loop redraws.
 *
 * Each screen defines its ui_screen_ops in its own file; the loop opens
 * them by the keys listed in screen_help.c. */
#ifndef GB_UI_SCREEN_H
#define GB_UI_SCREEN_H

#include <curses.h>
#include <stdio.h>

#include "../src/error.h"
#include "app.h"
#include "job.h"
#include "theme.h"

enum ui_flags {
    UI_NONE = 0,
    UI_REDRAW = 1 << 0,
    UI_PUSH = 1 << 1,
    UI_POP = 1 << 2,
    UI_QUIT = 1 << 3,
    UI_UNHANDLED = 1 << 4
};

typedef struct ui_rect {
    int y, x, h, w;
} ui_rect;

/* One line of the help screen: keys as the user types them, and what they do. */
typedef struct ui_key_help {
    const char *keys;
    const char *what;
} ui_key_help;

typedef enum ui_export_format { UI_EXPORT_CSV, UI_EXPORT_JSON, UI_EXPORT_TEXT } ui_export_format;

struct ui_screen_ops {
    const char *name;  /* short, for messages and the help title: "data", "explanation" */
    /* Allocates s->state.  0, or -1 with err set (the screen does not open). */
    int (*init)(ui_screen *s, ui_app *app, gb_error *err);
    /* Draws the screen into r (the whole terminal minus the status line). */
    void (*draw)(ui_screen *s, ui_app *app, const ui_rect *r);
    /* Handles a key (a curses key code: characters, KEY_DOWN, ...); returns flags. */
    int (*key)(ui_screen *s, ui_app *app, int key);
    void (*free)(ui_screen *s);
    /* Optional: writes what the screen shows as CSV or JSON (numbers at
     * full precision; text exports are the screen as drawn).  0, or -1
     * with err set. */
    int (*export_view)(ui_screen *s, ui_app *app, FILE *fp, ui_export_format fmt, gb_error *err);
    /* Optional: called on the UI thread after any job finished. */
    void (*job_done)(ui_screen *s, ui_app *app);
    const ui_key_help *help; /* terminated by {NULL, NULL} */
    /* Whether Tab cycles to it (a top-level pane: data, explanation, scatter, compare). */
    int pane;
};

struct ui_screen {
    const ui_screen_ops *ops;
    void *state;
    ui_rect last; /* where it was last drawn (for page sizes) */
};

/* Asks the loop to open a screen; returns UI_PUSH for the handler to return. */
int ui_push(ui_app *app, const ui_screen_ops *ops);

/* A one-line prompt in the status line (search text, filter, file name).
 * When the user presses Enter, done(app, text, ctx) runs on the UI thread;
 * Esc abandons it.  initial may be NULL. */
void ui_prompt(ui_app *app, const char *label, const char *initial, ui_prompt_done done, void *ctx);

/* The screen on top of the stack (NULL before the first). */
ui_screen *ui_top(ui_app *app);

/* Drawing helpers (curses, inside a rect). */
/* Prints s clipped to w cells at (y, x); returns cells used.  Multibyte
 * UTF-8 is measured in cells, not bytes. */
int ui_put(int y, int x, int w, const char *s);
/* Same, padded with spaces to exactly w cells. */
void ui_put_pad(int y, int x, int w, const char *s);
/* Display width of a UTF-8 string in cells. */
int ui_text_width(const char *s);
/* Fills a rect with spaces. */
void ui_clear_rect(const ui_rect *r);

/* The screens of this module set (screen_*.c). */
extern const ui_screen_ops ui_screen_data;
extern const ui_screen_ops ui_screen_explain;
extern const ui_screen_ops ui_screen_method;
extern const ui_screen_ops ui_screen_help;
extern const ui_screen_ops ui_screen_how;
extern const ui_screen_ops ui_screen_scatter;
extern const ui_screen_ops ui_screen_compare;
extern const ui_screen_ops ui_screen_summary;
extern const ui_screen_ops ui_screen_pdp;
extern const ui_screen_ops ui_screen_surrogate;

#endif
