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

/* The candidates of an ambiguous path completion, in as many lines above
 * the status line as they need (at most HINT_LINES, the last one saying
 * how many more there are). */
enum { HINT_LINES = 6 };

static void draw_hint(ui_app *app, int y, int w)
{
    char lines[HINT_LINES][512];
    int n = 0, len = 0, cut = 0;
    lines[0][0] = '\0';
    const char *p = app->prompt.hint;
    while (*p) {
        const char *end = strstr(p, "  ");
        int word = end ? (int)(end - p) : (int)strlen(p);
        if (len && len + 2 + word > w - 2) {
            if (n + 1 == HINT_LINES) {
                cut = 1;
                break;
            }
            lines[++n][0] = '\0';
            len = 0;
        }
        if (len + 2 + word < (int)sizeof lines[0] - 8)
            len += snprintf(lines[n] + len, sizeof lines[n] - (size_t)len, "%s%.*s", len ? "  " : "", word, p);
        p += word;
        while (*p == ' ')
            p++;
    }
    if (cut)
        snprintf(lines[n] + len, sizeof lines[n] - (size_t)len, "  ...");
    attrset(app->theme.attr[UI_ROLE_STATUS]);
    for (int i = 0; i <= n && y - 1 - n + i >= 0; i++) {
        ui_put_pad(y - 1 - n + i, 0, w, "");
        ui_put(y - 1 - n + i, 1, w - 1, lines[i]);
    }
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
    if (app->prompt.active && app->prompt.yes_no) {
        char line[UI_PROMPT_MAX + 80];
        snprintf(line, sizeof line, " %s%s? (y/n)", app->prompt.label, app->prompt.text);
        ui_put(y, 0, w, line);
        attrset(A_NORMAL);
        return;
    }
    if (app->prompt.active) {
        if (app->prompt.hint[0])
            draw_hint(app, y, w);
        attrset(sa);
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
