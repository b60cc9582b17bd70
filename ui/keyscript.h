/* keyscript.h: drive the explorer from a file of keys, for tests.
 *
 * GLASSBOX_KEYS=FILE makes the explorer read its keys from FILE instead of
 * the terminal, one per line:
 *
 *   j                 a plain character (a longer line types each character)
 *   <Enter> <Esc> <Tab> <BTab> <Space> <Up> <Down> <Left> <Right> <PgUp>
 *   <PgDn> <Home> <End> <Backspace> <F1> .. <F12> <C-c> <C-o> <C-u>   named keys
 *   :wait             wait until the worker is idle
 *   :dump PATH        write the screen's text to PATH (trailing spaces trimmed)
 *   :attrs PATH       write, per cell, a letter naming the cell's role
 *   :resize COLSxLINES  resize the virtual terminal
 *   # comment         ignored, as are empty lines
 *
 * Before each line the explorer waits for running jobs, so a dump never
 * depends on timing.  At the end of the file the explorer quits.  No curses
 * here: the loop does the drawing and dumping. */
#ifndef GB_UI_KEYSCRIPT_H
#define GB_UI_KEYSCRIPT_H

#include "../src/error.h"

typedef enum ui_script_kind {
    UI_SCRIPT_END = 0,
    UI_SCRIPT_KEY,
    UI_SCRIPT_WAIT,
    UI_SCRIPT_DUMP,
    UI_SCRIPT_ATTRS,
    UI_SCRIPT_RESIZE
} ui_script_kind;

typedef struct ui_script_action {
    ui_script_kind kind;
    int key;         /* UI_SCRIPT_KEY: a curses key code */
    const char *arg; /* UI_SCRIPT_DUMP/ATTRS: the path (valid until the next call) */
    int cols, lines; /* UI_SCRIPT_RESIZE */
} ui_script_action;

typedef struct ui_script ui_script;

ui_script *ui_script_open(const char *path, gb_error *err);
void ui_script_free(ui_script *s);
/* The next action.  0, or -1 with err naming the file and line of a line
 * that is not a key or command. */
int ui_script_next(ui_script *s, ui_script_action *a, gb_error *err);

/* The curses key code of a name such as "Enter" or "PgDn"; -1 if unknown. */
int ui_key_from_name(const char *name);
/* A printable name of a key, for the help screen and messages. */
const char *ui_key_name(int key, char *buf, unsigned size);

#endif
