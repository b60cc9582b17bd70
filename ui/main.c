/* main.c: ui_main, the explorer's lifetime: load the inputs, take over the
 * terminal, run the loop, give the terminal back whatever happens.
 *
 * SIGINT, SIGTERM and SIGHUP only set flags the loop reads (Ctrl-C cancels
 * a running job, otherwise quits; SIGTERM and SIGHUP quit); the terminal is
 * restored by the loop's normal exit path, and by an atexit hook should
 * anything call exit() while curses is active; the worker is cancelled and
 * joined before the process ends (tests/test_survive.sh). */
#include "ui.h"

#include <curses.h>
#include <gsl/gsl_errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop.h"
#include "open_file.h"
#include "session.h"

/* Last: term.h defines a macro for every capability name (lines, columns,
 * ...), which must not reach the headers above. */
#include <term.h>

static volatile sig_atomic_t curses_active;

static void restore_terminal(void)
{
    if (curses_active) {
        curses_active = 0;
        endwin();
    }
}

static void on_signal(int sig)
{
    ui_loop_signal(sig);
}

static int utf8_locale(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

static int load(ui_app *app, const ui_options *o, gb_error *err)
{
    app->data_path = o->data_path;
    app->model_path = o->model_path;
    app->model = gb_model_load(o->model_path, err);
    if (!app->model)
        return -1;
    gb_csv_options copt = {.delimiter = o->delimiter};
    app->ds = gb_dataset_read_csv(o->data_path, &copt, err);
    if (!app->ds)
        return -1;
    if (gb_binding_make(app->model, app->ds, o->target, &app->binding, err))
        return -1;
    ui_params_default(&app->params, app->model);
    if (o->method) {
        gb_method m;
        if (gb_method_parse(o->method, &m))
            return gb_error_set(err, "--method %s: unknown method", o->method);
        if (gb_method_check(app->model, m, err))
            return -1;
        app->params.method = (int)m;
    }
    if (o->row >= 0 && (size_t)o->row >= app->ds->n_rows)
        return gb_error_set(err, "--row %ld: the data has %zu rows (0 to %zu)", o->row, app->ds->n_rows,
                            app->ds->n_rows ? app->ds->n_rows - 1 : 0);
    if (app->ds->n_rows == 0)
        return gb_error_set(err, "%s: the data has no rows to explain", o->data_path);
    app->row = o->row >= 0 ? (size_t)o->row : 0;
    app->marked = gb_calloc(app->ds->n_rows, 1, err);
    return app->marked ? 0 : -1;
}

static void unload(ui_app *app)
{
    ui_app_free_results(app);
    free(app->marked);
    if (app->binding.column)
        gb_binding_free(&app->binding);
    gb_dataset_free(app->ds);
    gb_model_free(app->model);
    ui_session_free(app->session);
    ui_open_free(app); /* last: data_path and model_path may point into it */
}

/* Starts curses on the terminal, or on stdout with keys from a script.
 * Keys come from standard input when it is the terminal, else from
 * /dev/tty (`glassbox <&-`, `< /dev/null`): curses reading a closed or
 * empty input would see no key ever and spin.  newterm, not initscr, which
 * exits the program itself for an unknown TERM.  Returns 0, or -1 with err
 * set. */
static int start_curses(int scripted, FILE **tty, gb_error *err)
{
    const char *term = getenv("TERM");
    if (scripted) {
        /* Tests run without a terminal: draw to stdout (usually /dev/null)
         * and never read the terminal. */
        if (!newterm(term && *term ? term : "dumb", stdout, stdin))
            return gb_error_set(err, "cannot use the terminal (TERM=%s)", term ? term : "");
    } else {
        FILE *in = stdin;
        if (!isatty(STDIN_FILENO)) {
            if (!(*tty = in = fopen("/dev/tty", "r")))
                return gb_error_set(err, "standard input is not a terminal and /dev/tty cannot be opened: the "
                                    "explorer needs a keyboard (the batch commands do not; see glassbox --help)");
        }
        /* Ask terminfo first: a newterm that fails leaks its screen, and
         * without cursor addressing nothing could be drawn in place. */
        int errret = 0;
        if (setupterm(NULL, STDOUT_FILENO, &errret) != OK)
            return gb_error_set(err, "cannot use the terminal (TERM=%s): no terminfo entry for it; try "
                                "TERM=xterm, or the batch commands (see glassbox --help)", term ? term : "");
        const char *cup = tigetstr("cup");
        int can_move = cup && cup != (char *)-1;
        del_curterm(cur_term);
        if (!can_move)
            return gb_error_set(err, "the terminal (TERM=%s) cannot move the cursor, which the explorer "
                                "needs; try TERM=xterm, or the batch commands (see glassbox --help)",
                                term ? term : "");
        if (!newterm(NULL, stdout, in))
            return gb_error_set(err, "cannot use the terminal (TERM=%s)", term ? term : "");
    }
    curses_active = 1;
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25); /* Esc must cancel at once, not after a second */
    curs_set(0);
    return 0;
}

int ui_main(const ui_options *o)
{
    gb_error err = {{0}};
    ui_app app;
    memset(&app, 0, sizeof app);
    setlocale(LC_ALL, "");
    gsl_set_error_handler_off();
    if (load(&app, o, &err)) {
        unload(&app);
        fflush(stdout);
        fprintf(stderr, "glassbox: %s\n", err.msg);
        return 2;
    }
    ui_theme_glyphs(&app.theme, utf8_locale());
    const char *keys = getenv("GLASSBOX_KEYS");
    ui_script *script = NULL;
    if (keys && *keys && !(script = ui_script_open(keys, &err))) {
        unload(&app);
        fprintf(stderr, "glassbox: %s\n", err.msg);
        return 2;
    }
    if (!(app.jobs = ui_jobs_new(&err))) {
        ui_script_free(script);
        unload(&app);
        fprintf(stderr, "glassbox: %s\n", err.msg);
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    atexit(restore_terminal);

    int status = 0;
    FILE *tty = NULL;
    if (start_curses(script != NULL, &tty, &err)) {
        fprintf(stderr, "glassbox: %s\n", err.msg);
        status = 2;
    } else {
        ui_theme_init(&app.theme);
        status = ui_loop_run(&app, script, &err);
        restore_terminal();
        if (status)
            fprintf(stderr, "glassbox: %s\n", err.msg);
    }
    ui_loop_close(&app);
    ui_jobs_free(app.jobs, &app);
    ui_script_free(script);
    unload(&app);
    if (tty)
        fclose(tty);
    return status;
}
