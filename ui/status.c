/* status.c: the status line at the bottom of every screen.
 *
 * Left: what is loaded and the current method.  Then, while a job runs, its
 * label, a progress bar, the percentage and the elapsed time with the key
 * that cancels it; otherwise the last message.  A prompt or the quit
 * question replaces the whole line while it is active. */
#include <stdio.h>
#include <string.h>

#include "loop.h"

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* The last two path components ("diabetes/data.csv"): the file name alone
 * is often "data.csv". */
static const char *short_path(const char *path)
{
    const char *last = strrchr(path, '/');
    if (!last || last == path)
        return path;
    const char *p = last - 1;
    while (p > path && *p != '/')
        p--;
    return *p == '/' ? p + 1 : p;
}

static void draw_progress(ui_app *app, int y, int x, int w, const ui_job_view *v)
{
    const ui_glyphs *g = app->theme.g;
    char tail[64];
    if (v->fraction >= 0)
        snprintf(tail, sizeof tail, " %3.0f%% %.1fs %s", v->fraction * 100.0, v->elapsed,
                 v->cancelling ? "cancelling" : "Esc cancels");
    else
        snprintf(tail, sizeof tail, " %.1fs %s", v->elapsed, v->cancelling ? "cancelling" : "Esc cancels");
    char label[128];
    snprintf(label, sizeof label, "%s%s ", v->label, v->queued ? " (+queued)" : "");
    int lw = ui_text_width(label), tw = ui_text_width(tail);
    int bar = w - lw - tw - 2;
    if (bar > 20)
        bar = 20;
    if (bar < 5) {
        ui_put(y, x, w, label);
        return;
    }
    x += ui_put(y, x, w, label);
    int full = v->fraction >= 0 ? (int)(v->fraction * bar + 0.5) : 0;
    attr_t pa = app->theme.attr[UI_ROLE_PROGRESS] | A_REVERSE;
    attr_t sa = app->theme.attr[UI_ROLE_STATUS];
    attrset(sa);
    x += ui_put(y, x, 1, "[");
    for (int i = 0; i < bar; i++) {
        attrset(i < full ? pa : sa);
        x += ui_put(y, x, 1, i < full ? g->progress_full : g->progress_empty);
    }
    attrset(sa);
    x += ui_put(y, x, 1, "]");
    ui_put(y, x, tw, tail);
}

void ui_status_draw(ui_app *app)
{
    int y = LINES - 1, w = COLS;
    attr_t sa = app->theme.attr[UI_ROLE_STATUS];
    attrset(sa);
    ui_put_pad(y, 0, w, "");
    if (app->confirm_quit) {
        ui_put(y, 0, w, " A job is running. Quit anyway? (y/n)");
        attrset(A_NORMAL);
        return;
    }
    if (app->prompt.active) {
        char line[UI_PROMPT_MAX + 80];
        snprintf(line, sizeof line, " %s%s", app->prompt.label, app->prompt.text);
        int used = ui_text_width(line);
        /* Keep the end of a long answer in view. */
        const char *show = line;
        while (used >= w && *show) {
            show++;
            used = ui_text_width(show);
        }
        ui_put(y, 0, w, show);
        attrset(sa | A_BLINK);
        if (used < w)
            mvaddch(y, used, '_');
        attrset(A_NORMAL);
        return;
    }
    char left[256];
    snprintf(left, sizeof left, " %s %s %s %s %s ", short_path(app->data_path), app->theme.g->axis_v,
             base_name(app->model_path), app->theme.g->axis_v, ui_params_method_name(&app->params, app->model));
    int x = ui_put(y, 0, w, left);
    ui_job_view v;
    ui_jobs_view(app->jobs, &v);
    if (x < w - 1) {
        ui_put(y, x, 1, app->theme.g->axis_v);
        x += 2;
    }
    if (v.running) {
        draw_progress(app, y, x, w - x, &v);
    } else if (app->msg[0]) {
        attrset(app->msg_error ? (sa | app->theme.attr[UI_ROLE_ERROR]) : sa);
        ui_put(y, x, w - x, app->msg);
    } else {
        ui_put(y, x, w - x, "? help  q quit");
    }
    attrset(A_NORMAL);
}
