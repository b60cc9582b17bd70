/* theme.c: colours and glyph tables (see theme.h).
 *
 * Positive attributions are red and negative ones blue, the convention SHAP
 * plots taught people; in monochrome the bars still differ by glyph, and
 * roles fall back to bold, reverse, dim and underline. */
#include "theme.h"

#include <stdlib.h>
#include <string.h>

const ui_glyphs ui_glyphs_utf8 = {
    .bar_pos = "█", .bar_neg = "▒", .half_pos = "▌", .half_neg = "▐",
    .axis_v = "│", .axis_h = "─", .cross = "┼",
    .whisker = "─", .whisker_end = "┤",
    .mark = "●", .cursor = "▶", .ellipsis = "…", .missing = "NaN",
    .progress_full = "█", .progress_empty = "░",
    .sort_up = "▲", .sort_down = "▼",
    .tree_branch = "├─", .tree_last = "└─",
};

const ui_glyphs ui_glyphs_ascii = {
    .bar_pos = "+", .bar_neg = "-", .half_pos = "+", .half_neg = "-",
    .axis_v = "|", .axis_h = "-", .cross = "+",
    .whisker = "-", .whisker_end = "|",
    .mark = "*", .cursor = ">", .ellipsis = "~", .missing = "NaN",
    .progress_full = "#", .progress_empty = ".",
    .sort_up = "^", .sort_down = "v",
    .tree_branch = "|-", .tree_last = "`-",
};

void ui_theme_glyphs(ui_theme *t, int utf8)
{
    t->utf8 = utf8;
    t->g = utf8 ? &ui_glyphs_utf8 : &ui_glyphs_ascii;
}

/* Monochrome: distinguishable by attribute alone. */
static void mono(ui_theme *t)
{
    static const attr_t a[UI_ROLE_PALETTE0] = {
        [UI_ROLE_NORMAL] = A_NORMAL,     [UI_ROLE_TITLE] = A_BOLD,
        [UI_ROLE_HEADER] = A_BOLD,       [UI_ROLE_STATUS] = A_REVERSE,
        [UI_ROLE_CURSOR] = A_REVERSE,    [UI_ROLE_MARKED] = A_BOLD,
        [UI_ROLE_POSITIVE] = A_BOLD,     [UI_ROLE_NEGATIVE] = A_NORMAL,
        [UI_ROLE_MISSING] = A_UNDERLINE, [UI_ROLE_DIM] = A_DIM,
        [UI_ROLE_ERROR] = A_BOLD,        [UI_ROLE_PROGRESS] = A_BOLD,
        [UI_ROLE_AXIS] = A_NORMAL,
    };
    memcpy(t->attr, a, sizeof a);
    static const attr_t pal[UI_PALETTE_SIZE] = {A_DIM, A_NORMAL, A_BOLD, A_UNDERLINE,
                                                A_DIM | A_UNDERLINE, A_BOLD | A_UNDERLINE, A_REVERSE, A_STANDOUT};
    for (int i = 0; i < UI_PALETTE_SIZE; i++)
        t->attr[UI_ROLE_PALETTE0 + i] = pal[i];
}

typedef struct role_colour {
    short fg8, fg256;
    attr_t extra;
} role_colour;

static void colour(ui_theme *t)
{
    /* -1 keeps the terminal's own background. */
    static const role_colour rc[UI_ROLE_PALETTE0] = {
        [UI_ROLE_NORMAL] = {-1, -1, A_NORMAL},
        [UI_ROLE_TITLE] = {COLOR_CYAN, 45, A_BOLD},
        [UI_ROLE_HEADER] = {COLOR_YELLOW, 179, A_BOLD},
        [UI_ROLE_STATUS] = {-1, -1, A_REVERSE},
        [UI_ROLE_CURSOR] = {-1, -1, A_REVERSE},
        [UI_ROLE_MARKED] = {COLOR_YELLOW, 226, A_BOLD},
        [UI_ROLE_POSITIVE] = {COLOR_RED, 197, A_NORMAL},
        [UI_ROLE_NEGATIVE] = {COLOR_BLUE, 33, A_NORMAL},
        [UI_ROLE_MISSING] = {COLOR_MAGENTA, 170, A_NORMAL},
        [UI_ROLE_DIM] = {-1, 244, A_DIM},
        [UI_ROLE_ERROR] = {COLOR_RED, 196, A_BOLD},
        [UI_ROLE_PROGRESS] = {COLOR_GREEN, 35, A_BOLD},
        [UI_ROLE_AXIS] = {-1, 246, A_NORMAL},
    };
    /* A ramp from cold to hot, readable on dark and light backgrounds. */
    static const short pal8[UI_PALETTE_SIZE] = {COLOR_BLUE, COLOR_CYAN, COLOR_GREEN, COLOR_GREEN,
                                                COLOR_YELLOW, COLOR_YELLOW, COLOR_MAGENTA, COLOR_RED};
    static const short pal256[UI_PALETTE_SIZE] = {27, 39, 43, 77, 148, 214, 202, 197};
    int rich = t->colors >= 256;
    short pair = 1;
    for (int r = 0; r < UI_ROLE_PALETTE0; r++) {
        short fg = rich ? rc[r].fg256 : rc[r].fg8;
        t->attr[r] = rc[r].extra;
        if (fg >= 0 && pair < COLOR_PAIRS) {
            init_pair(pair, fg, -1);
            t->attr[r] |= COLOR_PAIR(pair);
            pair++;
        }
    }
    for (int i = 0; i < UI_PALETTE_SIZE; i++) {
        short fg = rich ? pal256[i] : pal8[i];
        t->attr[UI_ROLE_PALETTE0 + i] = A_NORMAL;
        if (pair < COLOR_PAIRS) {
            init_pair(pair, fg, -1);
            t->attr[UI_ROLE_PALETTE0 + i] = COLOR_PAIR(pair);
            pair++;
        }
    }
}

void ui_theme_init(ui_theme *t)
{
    const char *no = getenv("NO_COLOR");
    t->colors = 0;
    if (!(no && *no) && has_colors() && start_color() == OK) {
        use_default_colors();
        t->colors = COLORS >= 256 ? 256 : 8;
    }
    if (t->colors)
        colour(t);
    else
        mono(t);
}
