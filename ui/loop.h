/* loop.h: the explorer's main loop and what it shares with main.c,
 * status.c and export.c.
 *
 * The loop waits for a key at most 100 ms at a time, so a running job's
 * progress is redrawn about 10 times a second and a signal's flag is seen
 * within 100 ms; it polls the job queue for finished jobs, hands keys to the
 * top screen and then to the global key map, and redraws. */
#ifndef GB_UI_LOOP_H
#define GB_UI_LOOP_H

#include "keyscript.h"
#include "screen.h"

/* Called from the signal handler: only records the signal. */
void ui_loop_signal(int sig);

/* Runs until the user quits or the script ends; 0, or 1 with err set. */
int ui_loop_run(ui_app *app, ui_script *script, gb_error *err);
/* Frees the screens left on the stack. */
void ui_loop_close(ui_app *app);
/* Closes every screen and opens the data table (new files were opened). */
void ui_loop_restart(ui_app *app);

/* Makes the prompt just started complete file paths on Tab, listing the
 * candidates above the status line when several match. */
void ui_prompt_paths(ui_app *app);
/* A file name typed at a prompt, trailing blanks dropped, into path; when
 * nothing is left, says "WHAT: no file name given" and returns -1. */
int ui_prompt_file_name(ui_app *app, const char *what, const char *text, char *path, size_t size);
/* Asks "overwrite PATH? (y/n)": y runs done(app, path, ctx), any other key
 * keeps the file and says so. */
void ui_confirm_overwrite(ui_app *app, const char *path, ui_prompt_done done, void *ctx);

/* Draws the status line (or the active prompt) on the last line. */
void ui_status_draw(ui_app *app);

/* Starts the export prompt for the top screen. */
void ui_export_start(ui_app *app);

/* A JSON string literal of s, for the screens' exporters. */
void ui_json_string(FILE *fp, const char *s);
/* A CSV field, quoted when it holds a comma, a quote or a line break. */
void ui_csv_field(FILE *fp, const char *s);

/* Whether a key is Enter (terminals send \r, \n or KEY_ENTER). */
static inline int ui_is_enter(int key)
{
    return key == '\n' || key == '\r' || key == KEY_ENTER;
}

#endif
