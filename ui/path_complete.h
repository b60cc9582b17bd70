/* path_complete.h: Tab completion of file paths for the explorer's prompts.
 *
 * The prompt's text is taken as one path (file names may hold spaces: the
 * prompts ask for one path each).  Its last component is completed against
 * the entries of its directory: a single match is completed whole, a
 * directory with a '/' after it so the next Tab goes inside; several
 * matches extend the text to their longest common prefix and are listed
 * for the prompt to show.  Hidden entries are offered only when the typed
 * component starts with '.'; "~/" stands for $HOME.  No curses here, so it
 * is unit-tested on a temporary directory. */
#ifndef GB_UI_PATH_COMPLETE_H
#define GB_UI_PATH_COMPLETE_H

#include <stddef.h>

/* The candidates of an ambiguous completion: names (not whole paths),
 * sorted, directories ending in '/'. */
typedef struct ui_path_matches {
    char **names;
    size_t n;
} ui_path_matches;

/* Completes text in place (it holds at most size - 1 bytes; a completion
 * that would not fit is not made).  Returns the number of entries that
 * matched (0: nothing to complete; 1: completed; more: extended to their
 * common prefix and listed in *m when m is not NULL).  Free *m with
 * ui_path_matches_free. */
size_t ui_path_complete(char *text, size_t size, ui_path_matches *m);

void ui_path_matches_free(ui_path_matches *m);

#endif
