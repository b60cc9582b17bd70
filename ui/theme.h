/* theme.h: how the explorer looks on this terminal: colours and glyphs.
 *
 * Screens never pick a colour or a glyph themselves; they ask for a role
 * (positive bar, header, NaN cell, ...) and get the attribute this terminal
 * can show: a colour pair with 8 or 256 colours, or bold/reverse/dim/
 * underline in monochrome (no colours, or NO_COLOR set).  Glyphs come in
 * twins: every entry of the UTF-8 table has an ASCII counterpart, chosen
 * once from the locale, so the sign of a bar or the position of a marker
 * survives a plain terminal, a monochrome one and a printout alike. */
#ifndef GB_UI_THEME_H
#define GB_UI_THEME_H

#include <curses.h>

typedef enum ui_role {
    UI_ROLE_NORMAL = 0,
    UI_ROLE_TITLE,     /* a screen's title line */
    UI_ROLE_HEADER,    /* table headers, axis labels */
    UI_ROLE_STATUS,    /* the status line */
    UI_ROLE_CURSOR,    /* the selected row / field / bar */
    UI_ROLE_MARKED,    /* rows marked by the user */
    UI_ROLE_POSITIVE,  /* attributions pushing the output up */
    UI_ROLE_NEGATIVE,  /* attributions pulling it down */
    UI_ROLE_MISSING,   /* NaN / missing values */
    UI_ROLE_DIM,       /* secondary text: row numbers, hints, "N other features" */
    UI_ROLE_ERROR,     /* error messages */
    UI_ROLE_PROGRESS,  /* the running job's progress bar */
    UI_ROLE_AXIS,      /* axes and ticks of plots */
    UI_ROLE_PALETTE0,  /* UI_ROLE_PALETTE0 + i, i < UI_PALETTE_SIZE: colouring by a feature */
    UI_ROLE_COUNT = UI_ROLE_PALETTE0 + 8
} ui_role;

enum { UI_PALETTE_SIZE = 8 };

/* Glyphs, each a NUL-terminated string one cell wide. */
typedef struct ui_glyphs {
    const char *bar_pos;       /* a full cell of a positive bar */
    const char *bar_neg;       /* a full cell of a negative bar */
    const char *half_pos;      /* half a cell, growing right from the axis */
    const char *half_neg;      /* half a cell, growing left towards the axis */
    const char *axis_v;        /* vertical axis / separators */
    const char *axis_h;        /* horizontal rules */
    const char *cross;         /* where an axis crosses a rule */
    const char *whisker;       /* the line of a +-SE whisker */
    const char *whisker_end;   /* its end caps */
    const char *mark;          /* a marked row */
    const char *cursor;        /* the selected row's pointer */
    const char *ellipsis;      /* text cut short */
    const char *missing;       /* how NaN shows in a table cell */
    const char *progress_full; /* progress bar cells */
    const char *progress_empty;
    const char *sort_up;       /* the column a table is sorted by */
    const char *sort_down;
    const char *tree_branch;   /* "how it works": a path step, and its last one */
    const char *tree_last;
} ui_glyphs;

typedef struct ui_theme {
    int utf8;   /* the locale is UTF-8: Unicode glyphs are used */
    int colors; /* 0 (monochrome), 8 or 256 */
    const ui_glyphs *g;
    attr_t attr[UI_ROLE_COUNT];
} ui_theme;

/* Decides UTF-8 from the locale (setlocale must have run) and fills the
 * glyph table; no curses needed. */
void ui_theme_glyphs(ui_theme *t, int utf8);

/* After initscr: chooses colours (none when NO_COLOR is set or the terminal
 * has none) and the attribute of every role. */
void ui_theme_init(ui_theme *t);

/* The ASCII and UTF-8 glyph tables (for tests and the canvas). */
extern const ui_glyphs ui_glyphs_ascii;
extern const ui_glyphs ui_glyphs_utf8;

#endif
