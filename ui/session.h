/* session.h: the explorer's session log, saved as a shell script of batch
 * commands that reproduce its numbers.
 *
 * Whatever the explorer computes is recorded when its numbers land on the
 * UI thread: rows explained (by Enter, the compare screen, ...) with the
 * method and the parameters that change the numbers, the attributions of
 * every row or of the scatter plot's sample, the interaction strengths
 * behind the scatter plot's colouring, and the global views (which record
 * themselves through ui_session_command).  Rows explained with the same
 * inputs and parameters are gathered into one command.  `S` saves the log
 * as a POSIX shell script:
 *
 *   sh session.sh [OUTDIR]     (GLASSBOX=path/to/glassbox to choose the program)
 *
 * which runs `glassbox explain ... --rows ... --method ... --seed ...` and
 * the like, each writing NN-what.csv into OUTDIR (default: the current
 * directory).  Paths in the script are absolute, so it runs from anywhere.
 * The script is written atomically (src/outfile.h), and an existing file is
 * replaced only when the user answers y. */
#ifndef GB_UI_SESSION_H
#define GB_UI_SESSION_H

#include <stdio.h>

#include "app.h"

typedef struct ui_session ui_session;

void ui_session_free(ui_session *s);

/* A row explained with parameters p (the current data and model). */
void ui_session_explain(ui_app *app, size_t row, const ui_params *p);
/* Rows explained with the model's exact method (treeshap or linear); rows
 * NULL: every row. */
void ui_session_explain_rows(ui_app *app, const size_t *rows, size_t n);
/* SHAP interaction values on rows (their mean |value|), for output group g. */
void ui_session_interactions(ui_app *app, const size_t *rows, size_t n, int g);
/* Any other batch command run on the current data and model: `glassbox
 * COMMAND --data D --model M [--target T] ARGS... --output FILE --force`;
 * args is NULL-terminated, each argument quoted for the shell here. */
void ui_session_command(ui_app *app, const char *command, const char *const *args);

/* How many commands the script would run. */
size_t ui_session_count(const ui_app *app);
/* Writes the script.  0, or -1 with err set. */
int ui_session_write(const ui_app *app, FILE *fp, gb_error *err);

/* `S`: asks for a file name (Tab completes paths) and saves the script,
 * asking before it replaces a file. */
void ui_session_save_start(ui_app *app);

#endif
