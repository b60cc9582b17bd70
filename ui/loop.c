/* loop.c: the main loop, the screen stack and the global key map (see
 * loop.h and screen.h). */
#include "loop.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "open_file.h"
#include "path_complete.h"
#include "session.h"

enum { MIN_COLS = 60, MIN_LINES = 15, TICK_MS = 100 };

static volatile sig_atomic_t got_int, got_term;

void ui_loop_signal(int sig)
{
    if (sig == SIGINT)
        got_int = 1;
    else
        got_term = 1;
}

ui_screen *ui_top(ui_app *app)
{
    return app->depth ? app->stack[app->depth - 1] : NULL;
}

int ui_push(ui_app *app, const ui_screen_ops *ops)
{
    app->push_req = ops;
    return UI_PUSH;
}

void ui_prompt(ui_app *app, const char *label, const char *initial, ui_prompt_done done, void *ctx)
{
    struct ui_prompt_state *p = &app->prompt;
    memset(p, 0, sizeof *p);
    p->active = 1;
    snprintf(p->label, sizeof p->label, "%s", label);
    if (initial) {
        snprintf(p->text, sizeof p->text, "%s", initial);
        p->len = strlen(p->text);
    }
    p->done = done;
    p->ctx = ctx;
}

void ui_prompt_paths(ui_app *app)
{
    app->prompt.paths = 1;
}

int ui_prompt_file_name(ui_app *app, const char *what, const char *text, char *path, size_t size)
{
    snprintf(path, size, "%s", text);
    size_t n = strlen(path);
    while (n && path[n - 1] == ' ')
        path[--n] = '\0';
    if (n)
        return 0;
    ui_msg(app, "%s: no file name given", what);
    return -1;
}

void ui_confirm_overwrite(ui_app *app, const char *path, ui_prompt_done done, void *ctx)
{
    ui_prompt(app, "overwrite ", path, done, ctx);
    app->prompt.yes_no = 1;
}

static void open_screen(ui_app *app, const ui_screen_ops *ops)
{
    if (app->depth == (int)(sizeof app->stack / sizeof *app->stack)) {
        ui_error(app, "too many screens open: press q to go back");
        return;
    }
    ui_screen *s = calloc(1, sizeof *s);
    gb_error err = {{0}};
    if (!s) {
        ui_error(app, "out of memory");
        return;
    }
    s->ops = ops;
    if (ops->init && ops->init(s, app, &err)) {
        ui_error(app, "%s: %s", ops->name, err.msg);
        free(s);
        return;
    }
    app->stack[app->depth++] = s;
}

static void close_top(ui_app *app)
{
    ui_screen *s = ui_top(app);
    if (!s)
        return;
    if (s->ops->free)
        s->ops->free(s);
    free(s);
    app->stack[--app->depth] = NULL;
}

void ui_loop_close(ui_app *app)
{
    while (app->depth)
        close_top(app);
}

void ui_loop_restart(ui_app *app)
{
    ui_loop_close(app);
    open_screen(app, &ui_screen_data);
}

/* Opens a screen that another module provides, if it is linked in. */
/* Tab: the next top-level pane after the one on top. */
static void next_pane(ui_app *app, int dir)
{
    const ui_screen_ops *panes[] = {&ui_screen_data, &ui_screen_explain, &ui_screen_scatter,
                                    &ui_screen_compare};
    int n = (int)(sizeof panes / sizeof *panes);
    /* Close modal screens (help, form) first: Tab moves between panes. */
    while (app->depth > 1 && !ui_top(app)->ops->pane)
        close_top(app);
    int cur = 0;
    for (int i = 0; i < n; i++)
        if (panes[i] == ui_top(app)->ops)
            cur = i;
    int next = cur;
    do
        next = (next + dir + n) % n;
    while (!panes[next]);
    if (app->depth > 1)
        close_top(app);
    if (next != 0)
        open_screen(app, panes[next]);
}

static void quit_answer(ui_app *app, int key)
{
    app->confirm_quit = 0;
    if (key == 'y' || key == 'Y')
        app->quit = 1;
    else
        ui_msg(app, "not quitting");
}

static int global_key(ui_app *app, int key)
{
    switch (key) {
    case 'q':
        if (app->depth > 1)
            return UI_POP;
        if (ui_jobs_busy(app->jobs)) {
            app->confirm_quit = 1;
            return UI_REDRAW;
        }
        return UI_QUIT;
    case 'Q': return UI_QUIT;
    case '?':
    case KEY_F(1):
        if (ui_top(app)->ops == &ui_screen_help)
            return UI_POP;
        return ui_push(app, &ui_screen_help);
    case 'm': return ui_top(app)->ops == &ui_screen_method ? UI_REDRAW : ui_push(app, &ui_screen_method);
    case 'w': return ui_push(app, &ui_screen_how);
    case 'c': return ui_push(app, &ui_screen_compare);
    case 's': return ui_push(app, &ui_screen_scatter);
    case 'u': return ui_push(app, &ui_screen_summary);
    case 'p': return ui_push(app, &ui_screen_pdp);
    case 'd': return ui_push(app, &ui_screen_surrogate);
    case 't':
        while (app->depth > 1)
            close_top(app);
        return UI_REDRAW;
    case '\t': next_pane(app, 1); return UI_REDRAW;
    case KEY_BTAB: next_pane(app, -1); return UI_REDRAW;
    case 'e': ui_export_start(app); return UI_REDRAW;
    case 'S': ui_session_save_start(app); return UI_REDRAW;
    case 15: ui_open_start(app); return UI_REDRAW; /* Ctrl-O */
    case 27:
    case 3: {
        int n = ui_jobs_cancel_all(app->jobs);
        if (n)
            ui_msg(app, "cancelling %d job%s", n, n > 1 ? "s" : "");
        else
            ui_msg(app, key == 3 ? "nothing to cancel (q quits)" : "nothing to cancel");
        return UI_REDRAW;
    }
    case '\n':
    case '\r':
    case KEY_ENTER:
        if (ui_app_explain(app, app->row) >= 0 && ui_top(app)->ops != &ui_screen_explain)
            return ui_push(app, &ui_screen_explain);
        return UI_REDRAW;
    case KEY_RESIZE: return UI_REDRAW;
    default: {
        char buf[32];
        ui_msg(app, "%s: no such key here (? lists the keys)", ui_key_name(key, buf, sizeof buf));
        return UI_REDRAW;
    }
    }
}

/* Tab in a path prompt: complete, and list the candidates when several. */
static void prompt_complete(struct ui_prompt_state *p)
{
    ui_path_matches m;
    size_t n = ui_path_complete(p->text, sizeof p->text, &m);
    p->len = strlen(p->text);
    p->hint[0] = '\0';
    if (n == 0)
        snprintf(p->hint, sizeof p->hint, "no match");
    for (size_t i = 0, used = 0; i < m.n; i++) {
        size_t len = strlen(m.names[i]);
        if (used + len + 3 >= sizeof p->hint)
            break;
        used += (size_t)snprintf(p->hint + used, sizeof p->hint - used, "%s%s", used ? "  " : "", m.names[i]);
    }
    ui_path_matches_free(&m);
}

/* A yes/no question: y answers yes, any other key no. */
static void confirm_key(ui_app *app, int key)
{
    struct ui_prompt_state *p = &app->prompt;
    p->active = 0;
    if (key == 'y' || key == 'Y') {
        char text[UI_PROMPT_MAX];
        memcpy(text, p->text, sizeof text);
        p->done(app, text, p->ctx);
    } else {
        ui_msg(app, "kept %s", p->text);
    }
}

/* The prompt's line editor. */
static void prompt_key(ui_app *app, int key)
{
    struct ui_prompt_state *p = &app->prompt;
    if (p->yes_no) {
        confirm_key(app, key);
        return;
    }
    if (key != '\t')
        p->hint[0] = '\0';
    if (key == '\t' && p->paths) {
        prompt_complete(p);
    } else if (key == 27 || key == 3) {
        p->active = 0;
        ui_msg(app, "%s abandoned", p->label);
    } else if (ui_is_enter(key)) {
        p->active = 0;
        char text[UI_PROMPT_MAX];
        memcpy(text, p->text, sizeof text);
        p->done(app, text, p->ctx);
    } else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
        /* Remove a whole UTF-8 character. */
        while (p->len > 0 && ((unsigned char)p->text[p->len - 1] & 0xC0) == 0x80)
            p->len--;
        if (p->len > 0)
            p->len--;
        p->text[p->len] = '\0';
    } else if (key == 21) { /* Ctrl-U */
        p->len = 0;
        p->text[0] = '\0';
    } else if (key >= 32 && key < 256 && key != 127 && p->len + 1 < sizeof p->text) {
        p->text[p->len++] = (char)key;
        p->text[p->len] = '\0';
    }
}

static void handle_key(ui_app *app, int key)
{
    if (app->confirm_quit) {
        quit_answer(app, key);
        return;
    }
    if (app->prompt.active && key != KEY_RESIZE) {
        prompt_key(app, key);
        return;
    }
    ui_screen *s = ui_top(app);
    int flags = s->ops->key ? s->ops->key(s, app, key) : UI_UNHANDLED;
    if (flags & UI_UNHANDLED)
        flags = global_key(app, key);
    if (flags & UI_QUIT)
        app->quit = 1;
    if (flags & UI_POP && app->depth > 1)
        close_top(app);
    if (flags & UI_PUSH && app->push_req) {
        const ui_screen_ops *ops = app->push_req;
        app->push_req = NULL;
        open_screen(app, ops);
    }
}

static void draw_too_small(void)
{
    erase();
    const char *l1 = "terminal too small";
    char l2[64];
    snprintf(l2, sizeof l2, "%dx%d, need %dx%d", COLS, LINES, MIN_COLS, MIN_LINES);
    int y = LINES / 2 - 1;
    ui_put(y, (COLS - (int)strlen(l1)) / 2, COLS, l1);
    ui_put(y + 1, (COLS - (int)strlen(l2)) / 2, COLS, l2);
    ui_put(y + 2, (COLS - 12) / 2, COLS, "q quits");
}

static void draw(ui_app *app)
{
    if (COLS < MIN_COLS || LINES < MIN_LINES) {
        draw_too_small();
        refresh();
        return;
    }
    erase();
    ui_screen *s = ui_top(app);
    ui_rect r = {0, 0, LINES - 1, COLS};
    s->last = r;
    s->ops->draw(s, app, &r);
    attrset(A_NORMAL);
    ui_status_draw(app);
    refresh();
}

/* Writes the screen's text, one line per row, trailing spaces trimmed. */
static int dump_text(const char *path, gb_error *err)
{
    FILE *fp = fopen(path, "w");
    if (!fp)
        return gb_error_set(err, "%s: cannot write the screen dump", path);
    wchar_t *w = malloc(((size_t)COLS + 1) * sizeof *w);
    char *line = malloc((size_t)COLS * MB_CUR_MAX + 1);
    for (int y = 0; w && line && y < LINES; y++) {
        int n = mvinnwstr(y, 0, w, COLS);
        if (n < 0)
            n = 0;
        w[n] = L'\0';
        size_t len = wcstombs(line, w, (size_t)COLS * MB_CUR_MAX);
        if (len == (size_t)-1)
            len = 0;
        while (len > 0 && line[len - 1] == ' ')
            len--;
        fprintf(fp, "%.*s\n", (int)len, line);
    }
    free(w);
    free(line);
    return fclose(fp) == 0 ? 0 : gb_error_set(err, "%s: cannot write the screen dump", path);
}

/* Writes one letter per cell naming its role ('.' normal, '?' unknown). */
static int dump_attrs(const ui_app *app, const char *path, gb_error *err)
{
    FILE *fp = fopen(path, "w");
    if (!fp)
        return gb_error_set(err, "%s: cannot write the attribute dump", path);
    for (int y = 0; y < LINES; y++) {
        char line[1024];
        int n = COLS < (int)sizeof line - 1 ? COLS : (int)sizeof line - 1;
        for (int x = 0; x < n; x++) {
            cchar_t cc;
            attr_t a = 0;
            short pair = 0;
            wchar_t wch[CCHARW_MAX + 1];
            if (mvin_wch(y, x, &cc) == OK)
                getcchar(&cc, wch, &a, &pair, NULL);
            a = (a & (A_ATTRIBUTES & ~A_COLOR)) | COLOR_PAIR(pair);
            char c = '?';
            if (a == A_NORMAL)
                c = '.';
            else
                for (int r = 0; r < UI_ROLE_COUNT; r++)
                    if (app->theme.attr[r] == a) {
                        c = (char)(r < 26 ? 'a' + r : 'A' + r - 26);
                        break;
                    }
            line[x] = c;
        }
        while (n > 0 && line[n - 1] == '.')
            n--;
        fprintf(fp, "%.*s\n", n, line);
    }
    return fclose(fp) == 0 ? 0 : gb_error_set(err, "%s: cannot write the attribute dump", path);
}

/* One script action; returns 1 at the end of the script, -1 on error. */
static int notify_jobs(ui_app *app);

static int script_step(ui_app *app, ui_script *script, gb_error *err)
{
    /* Drawing may start a job (a screen asks for what it shows), so wait
     * and redraw until the screen asks for nothing more: a dump must not
     * depend on how fast the worker was.  A job the draw started may
     * already have finished: only a settled queue means the last draw
     * showed everything. */
    for (int settle = 0; settle < 16; settle++) {
        ui_jobs_wait(app->jobs, app);
        notify_jobs(app);
        draw(app);
        if (ui_jobs_settled(app->jobs))
            break;
    }
    ui_script_action a;
    if (ui_script_next(script, &a, err))
        return -1;
    switch (a.kind) {
    case UI_SCRIPT_END: return 1;
    case UI_SCRIPT_KEY: handle_key(app, a.key); break;
    case UI_SCRIPT_WAIT: break;
    case UI_SCRIPT_DUMP: return dump_text(a.arg, err) ? -1 : 0;
    case UI_SCRIPT_ATTRS: return dump_attrs(app, a.arg, err) ? -1 : 0;
    case UI_SCRIPT_RESIZE: resize_term(a.lines, a.cols); break;
    }
    return 0;
}

static int notify_jobs(ui_app *app)
{
    if (ui_jobs_poll(app->jobs, app) == 0)
        return 0;
    ui_screen *s = ui_top(app);
    if (s && s->ops->job_done)
        s->ops->job_done(s, app);
    return 1;
}

int ui_loop_run(ui_app *app, ui_script *script, gb_error *err)
{
    open_screen(app, &ui_screen_data);
    if (!app->depth)
        return gb_error_set(err, "%s", app->msg);
    if (app->row != 0 || getenv("GLASSBOX_START_EXPLAIN")) {
        /* --row N: start on that row's explanation. */
        handle_key(app, '\n');
    }
    timeout(TICK_MS);
    int dirty = 1;
    while (!app->quit) {
        if (got_term) {
            break;
        }
        if (got_int) {
            got_int = 0;
            if (ui_jobs_cancel_all(app->jobs))
                ui_msg(app, "cancelling (Ctrl-C)");
            else
                break;
            dirty = 1;
        }
        if (notify_jobs(app))
            dirty = 1;
        if (script) {
            int rc = script_step(app, script, err);
            if (rc < 0)
                return 1;
            if (rc > 0)
                break;
            continue;
        }
        ui_job_view v;
        ui_jobs_view(app->jobs, &v);
        if (dirty || v.running)
            draw(app);
        dirty = 0;
        int key = getch();
        if (key == ERR)
            continue;
        handle_key(app, key);
        dirty = 1;
    }
    return 0;
}
