/* screen_help.c: `?` and F1: every key of the screen below, then the keys
 * that work everywhere. */
#include <stdlib.h>

#include "loop.h"

typedef struct help_state {
    const ui_screen_ops *of; /* the screen the help is about */
    int top;                 /* first line shown */
    int n_lines;
} help_state;

static const ui_key_help global_keys[] = {
    {"q", "back; quit from the data table (asks while a job runs)"},
    {"Q", "quit at once"},
    {"? F1", "this help (again: close it)"},
    {"Enter", "explain the selected row with the current method"},
    {"m", "method and parameters"},
    {"t", "back to the data table"},
    {"Tab Shift-Tab", "next / previous pane (data, explanation, scatter, compare)"},
    {"c", "compare methods on the selected row"},
    {"s", "scatter / dependence plot of the selected feature"},
    {"u", "summary: mean |SHAP|, every row's values, importance"},
    {"p", "PDP, ICE curves and ALE of the selected feature"},
    {"d", "surrogate: a small tree distilled from the model"},
    {"w", "how it works: what the method computed for this row"},
    {"e", "export the view: .csv, .json or .txt by the name's extension (asks before overwriting)"},
    {"S", "save the session: a shell script of batch commands that compute the same numbers"},
    {"Ctrl-O", "open another data file and model (Tab completes paths)"},
    {"Esc Ctrl-C", "cancel the running job"},
    {NULL, NULL},
};

static int help_init(ui_screen *s, ui_app *app, gb_error *err)
{
    help_state *h = gb_calloc(1, sizeof *h, err);
    if (!h)
        return -1;
    h->of = app->depth ? app->stack[app->depth - 1]->ops : NULL;
    s->state = h;
    return 0;
}

static void help_free(ui_screen *s)
{
    free(s->state);
}

/* Draws (or, with draw 0, counts) the help lines; returns how many. */
static int lines(ui_app *app, help_state *h, const ui_rect *r, int draw)
{
    int n = 0, y0 = r->y + 1, kw = 16;
    const ui_key_help *tables[2] = {h->of ? h->of->help : NULL, global_keys};
    const char *titles[2] = {h->of ? h->of->name : "", "everywhere"};
    for (int t = 0; t < 2; t++) {
        if (!tables[t])
            continue;
        if (n) {
            n++; /* a blank line between the sections */
        }
        int y = y0 + n - h->top;
        if (draw && y >= y0 && y < r->y + r->h) {
            attrset(app->theme.attr[UI_ROLE_HEADER]);
            ui_put(y, r->x + 2, r->w - 2, titles[t]);
            attrset(A_NORMAL);
        }
        n++;
        for (const ui_key_help *k = tables[t]; k->keys; k++, n++) {
            y = y0 + n - h->top;
            if (!draw || y < y0 || y >= r->y + r->h)
                continue;
            attrset(app->theme.attr[UI_ROLE_TITLE]);
            ui_put(y, r->x + 4, kw, k->keys);
            attrset(A_NORMAL);
            ui_put(y, r->x + 4 + kw + 1, r->w - kw - 5, k->what);
        }
    }
    return n;
}

static void help_draw(ui_screen *s, ui_app *app, const ui_rect *r)
{
    help_state *h = s->state;
    attrset(app->theme.attr[UI_ROLE_TITLE]);
    char title[96];
    snprintf(title, sizeof title, "Help: %s keys (q or ? closes)", h->of ? h->of->name : "");
    ui_put_pad(r->y, r->x, r->w, title);
    attrset(A_NORMAL);
    h->n_lines = lines(app, h, r, 0);
    int max_top = h->n_lines - (r->h - 1);
    if (h->top > max_top)
        h->top = max_top > 0 ? max_top : 0;
    lines(app, h, r, 1);
}

static int help_key(ui_screen *s, ui_app *app, int key)
{
    help_state *h = s->state;
    int page = s->last.h > 2 ? s->last.h - 2 : 1;
    switch (key) {
    case 'j': case KEY_DOWN: h->top++; return UI_REDRAW;
    case 'k': case KEY_UP: if (h->top > 0) h->top--; return UI_REDRAW;
    case KEY_NPAGE: case ' ': h->top += page; return UI_REDRAW;
    case KEY_PPAGE: h->top = h->top > page ? h->top - page : 0; return UI_REDRAW;
    case 'g': case KEY_HOME: h->top = 0; return UI_REDRAW;
    case 'G': case KEY_END: h->top = h->n_lines; return UI_REDRAW;
    case 'q': case '?': case KEY_F(1): case 27: return UI_POP;
    default: (void)app; return UI_UNHANDLED;
    }
}

static const ui_key_help help_keys[] = {
    {"j k Up Down", "scroll"},
    {"PgUp PgDn g G", "page, top, bottom"},
    {NULL, NULL},
};

const ui_screen_ops ui_screen_help = {
    .name = "help",
    .init = help_init,
    .draw = help_draw,
    .key = help_key,
    .free = help_free,
    .help = help_keys,
};
