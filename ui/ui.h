/* ui.h: the explorer's entry point, called by cli/main.c.
 *
 * The explorer takes over the terminal with curses; everything it needs is
 * loaded before that, so bad input is still reported the batch way
 * ("glassbox: FILE:LINE:COLUMN: ...", exit status 2) on a normal terminal. */
#ifndef GB_UI_UI_H
#define GB_UI_UI_H

typedef struct ui_options {
    const char *data_path;
    const char *model_path;
    const char *target;
    const char *method; /* NULL: the exact method for the model */
    long row;           /* -1: row 0 */
    char delimiter;
} ui_options;

/* Runs the explorer until the user quits; returns the exit status.  With
 * GLASSBOX_KEYS=FILE the keys come from that file (see glassbox(1)). */
int ui_main(const ui_options *o);

#endif
