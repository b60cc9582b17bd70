/* open_file.h: Ctrl-O, open another dataset and/or model in the explorer.
 *
 * Two prompts, each holding the current path to edit (Tab completes
 * paths, see path_complete.h): the data file, then the model file.  Both
 * are loaded and bound on the worker thread, so a million-row CSV does not
 * freeze the explorer, which keeps working on what it has until the new
 * files are ready.  A file that does not load is reported with the
 * loader's message (FILE:LINE:COLUMN: ...) and nothing else changes.  When
 * they load, the running jobs are cancelled, the screens close and the
 * data table opens on the new files; the session log (session.h) keeps
 * what was computed before, with the paths it was computed on. */
#ifndef GB_UI_OPEN_FILE_H
#define GB_UI_OPEN_FILE_H

#include "app.h"

void ui_open_start(ui_app *app);
/* Frees the paths the opened files were given as (at exit). */
void ui_open_free(ui_app *app);

#endif
