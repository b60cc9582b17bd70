/* screen_method.c: the method and its parameters (m), with what a run of
 * the row will cost before it is started.
 *
 * The list of methods comes from the core (gb_method_name over the enum),
 * so methods appear here as they land; those that cannot explain this model
 * are listed with the core's reason.  Fields a method does not use are
 * dimmed.  The cost is the number of model evaluations the method needs for
 * one row and, from a timing of this model on a few rows of this data, the
 * seconds that should take. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"

enum field {
    F_METHOD, F_BACKGROUND, F_SAMPLES, F_SEED, F_TOLERANCE, F_TOP_K, F_KERNEL, F_CLASS, F_RUN, F_COUNT
};

typedef struct method_state {
    int cursor;
    int methods[64]; /* gb_method values the core names */
    int n_methods;
} method_state;

static const char *const field_names[F_COUNT] = {
    "method", "background rows", "samples", "seed", "tolerance", "bars shown (K)", "kernel width", "class", "",
};

/* Which fields a method reads. */
static int uses(const char *method, int f)
{
    int sampled = ui_method_is_sampled(method);
    switch (f) {
    case F_BACKGROUND:
        return sampled || strcmp(method, "exact") == 0 || strcmp(method, "treeshap-int") == 0;
    case F_SAMPLES:
    case F_SEED: return sampled;
    case F_TOLERANCE: return strcmp(method, "kernelshap") == 0 || strcmp(method, "permutation") == 0;
    case F_KERNEL: return strcmp(method, "lime") == 0;
    default: return 1;
    }
}

static void list_methods(method_state *st)
{
    st->n_methods = 0;
    for (int m = 0; m < 64; m++) {
        const char *name = gb_method_name((gb_method)m);
        if (strcmp(name, "?") == 0)
            break;
        st->methods[st->n_methods++] = m;
    }
}

/* Seconds per model evaluation, timed once on up to 256 rows. */
static double eval_seconds(ui_app *app)
{
    if (app->model_eval_seconds > 0)
        return app->model_eval_seconds;
    if (ui_clock_frozen())
        return app->model_eval_seconds = 1e-6; /* tests: stable figures */
    size_t n = app->ds->n_rows < 256 ? app->ds->n_rows : 256, m = (size_t)app->model->n_features;
    double *x = malloc(n * (m ? m : 1) * sizeof *x);
    double *out = malloc(n * (size_t)app->model->n_groups * sizeof *out);
    if (!x || !out) {
        free(x);
        free(out);
        return 1e-6;
    }
    for (size_t i = 0; i < n; i++)
        gb_binding_row(&app->binding, app->ds, i, x + i * m);
    double t0 = ui_clock();
    int reps = 0;
    do {
        gb_model_margin_batch(app->model, x, n, out);
        reps++;
    } while (ui_clock() - t0 < 0.01 && reps < 1000);
    app->model_eval_seconds = (ui_clock() - t0) / ((double)reps * (double)n);
    free(x);
    free(out);
    return app->model_eval_seconds;
}

/* Model evaluations one row needs (NaN when the method needs none). */
static double evaluations(const ui_app *app, const char *method)
{
    double mf = app->model->n_features;
    double bg = app->params.background > 0 && (size_t)app->params.background < app->ds->n_rows
                    ? (double)app->params.background
                    : (double)app->ds->n_rows;
    double s = (double)app->params.samples;
    if (strcmp(method, "exact") == 0)
        return pow(2.0, mf) * bg;
    if (strcmp(method, "kernelshap") == 0) {
        double full = pow(2.0, mf) - 2;
        double n = s > 0 ? s : 2 * mf + 2048;
        return (n < full ? n : full) * bg;
    }
    if (strcmp(method, "permutation") == 0)
        return (s > 0 ? s : 10) * (2 * mf + 1) * bg;
    if (strcmp(method, "lime") == 0)
        return s > 0 ? s : 5000;
    return NAN;
}

static void human_seconds(char *buf, size_t size, double s)
{
    if (s < 1e-3)
        snprintf(buf, size, "under a millisecond");
    else if (s < 1)
        snprintf(buf, size, "about %.0f ms", s * 1e3);
    else if (s < 120)
        snprintf(buf, size, "about %.1f s", s);
    else if (s < 7200)
        snprintf(buf, size, "about %.0f minutes", s / 60);
    else
        snprintf(buf, size, "about %.0f hours", s / 3600);
}

static void cost_text(ui_app *app, char *buf, size_t size)
{
    const char *method = ui_params_method_name(&app->params, app->model);
    double ev = evaluations(app, method);
    char t[64];
    if (!isnan(ev)) {
        human_seconds(t, sizeof t, ev * eval_seconds(app));
        snprintf(buf, size, "cost per row: %.3g model evaluations, %s (%.2g us each)", ev, t,
                 eval_seconds(app) * 1e6);
    } else if (strcmp(method, "treeshap") == 0) {
        double ops = 0;
        for (size_t i = 0; i < app->model->n_trees; i++)
            ops += (double)app->model->trees[i].n_nodes * (app->model->trees[i].depth + 1);
        snprintf(buf, size, "cost per row: exact, no model calls, ~%.2g path steps (%zu trees, depth %d)",
                 ops, app->model->n_trees, app->model->max_depth);
    } else if (strcmp(method, "linear") == 0) {
        snprintf(buf, size, "cost per row: exact closed form, %d multiplications", app->model->n_features);
    } else {
        snprintf(buf, size, "cost per row: exact, no model evaluations");
    }
}

static int method_init(ui_screen *s, ui_app *app, gb_error *err)
{
    method_state *st = gb_calloc(1, sizeof *st, err);
    if (!st)
        return -1;
    list_methods(st);
    s->state = st;
    (void)app;
    return 0;
}

static void method_free(ui_screen *s)
{
    free(s->state);
}

static void field_value(ui_app *app, int f, char *buf, size_t size)
{
    const ui_params *p = &app->params;
    switch (f) {
    case F_METHOD:
        if (p->method == GB_METHOD_AUTO)
            snprintf(buf, size, "auto (%s)", ui_params_method_name(p, app->model));
        else
            snprintf(buf, size, "%s", gb_method_name((gb_method)p->method));
        break;
    case F_BACKGROUND:
        if (p->background > 0)
            snprintf(buf, size, "%ld", p->background);
        else
            snprintf(buf, size, "all (%zu)", app->ds->n_rows);
        break;
    case F_SAMPLES:
        if (p->samples > 0)
            snprintf(buf, size, "%ld", p->samples);
        else
            snprintf(buf, size, "default");
        break;
    case F_SEED: snprintf(buf, size, "%lu", p->seed); break;
    case F_TOLERANCE:
        if (p->tolerance > 0)
            snprintf(buf, size, "%g", p->tolerance);
        else
            snprintf(buf, size, "off (run every sample)");
        break;
    case F_TOP_K: snprintf(buf, size, "%d", p->top_k); break;
    case F_KERNEL:
        if (p->kernel_width > 0)
            snprintf(buf, size, "%g", p->kernel_width);
        else
            snprintf(buf, size, "default (%.3g)", 0.75 * sqrt((double)app->model->n_features));
        break;
    case F_CLASS:
        if (app->model->n_groups > 1)
            snprintf(buf, size, "%d of %d", p->klass, app->model->n_groups);
        else
            snprintf(buf, size, "- (one output)");
        break;
    default: snprintf(buf, size, "[ explain row %zu ]", app->row);
    }
}

static void method_draw(ui_screen *s, ui_app *app, const ui_rect *r)
{
    method_state *st = s->state;
    attrset(app->theme.attr[UI_ROLE_TITLE]);
    ui_put_pad(r->y, r->x, r->w, "Method and parameters  (Enter edits, h/l change the method, q returns)");
    attrset(A_NORMAL);
    const char *method = ui_params_method_name(&app->params, app->model);
    char buf[256];
    int y = r->y + 2;
    for (int f = 0; f < F_COUNT && y < r->y + r->h; f++, y++) {
        if (f == F_RUN)
            y++;
        attr_t a = f == st->cursor ? app->theme.attr[UI_ROLE_CURSOR] : A_NORMAL;
        if (f != F_RUN && !uses(method, f))
            a |= app->theme.attr[UI_ROLE_DIM];
        attrset(a);
        field_value(app, f, buf, sizeof buf);
        char line[320];
        if (f == F_RUN)
            snprintf(line, sizeof line, "  %s", buf);
        else
            snprintf(line, sizeof line, "  %-16s %s%s", field_names[f], buf,
                     f != F_METHOD && !uses(method, f) ? "   (not used by this method)" : "");
        ui_put_pad(y, r->x, r->w < 90 ? r->w : 90, line);
        attrset(A_NORMAL);
    }
    y++;
    cost_text(app, buf, sizeof buf);
    attrset(app->theme.attr[UI_ROLE_HEADER]);
    ui_put(y++, r->x + 2, r->w - 2, buf);
    attrset(A_NORMAL);
    /* The methods the core offers, and whether each fits this model. */
    y++;
    if (y < r->y + r->h)
        ui_put(y++, r->x + 2, r->w - 2, "methods:");
    for (int i = 0; i < st->n_methods && y < r->y + r->h; i++, y++) {
        gb_error err = {{0}};
        int m = st->methods[i];
        int fits = gb_method_check(app->model, (gb_method)m, &err) == 0;
        /* The core's reason, without its command-line wording. */
        const char *why = strstr(err.msg, "needs");
        snprintf(buf, sizeof buf, "%s %-13s %s", m == app->params.method ? app->theme.g->cursor : " ",
                 gb_method_name((gb_method)m), fits ? "" : why ? why : err.msg);
        attrset(fits ? A_NORMAL : app->theme.attr[UI_ROLE_DIM]);
        ui_put(y, r->x + 4, r->w - 4, buf);
        attrset(A_NORMAL);
    }
}

static void cycle_method(method_state *st, ui_app *app, int dir)
{
    /* Skip methods that cannot explain this model. */
    int cur = 0;
    for (int i = 0; i < st->n_methods; i++)
        if (st->methods[i] == app->params.method)
            cur = i;
    for (int k = 1; k <= st->n_methods; k++) {
        int i = (cur + dir * k + st->n_methods * k) % st->n_methods;
        if (gb_method_check(app->model, (gb_method)st->methods[i], NULL) == 0) {
            app->params.method = st->methods[i];
            ui_msg(app, "method: %s", gb_method_name((gb_method)st->methods[i]));
            return;
        }
    }
}

static void edit_done(ui_app *app, const char *text, void *ctx)
{
    method_state *st = ctx;
    ui_params *p = &app->params;
    char *end;
    double v = strtod(text, &end);
    while (*end == ' ')
        end++;
    int bad = end == text || *end || !(v >= 0) || v > 1e12;
    switch (st->cursor) {
    case F_BACKGROUND:
        if (strcmp(text, "all") == 0 || strcmp(text, "0") == 0) {
            p->background = 0;
            return;
        }
        if (bad || v < 1 || v != floor(v))
            break;
        p->background = (long)v;
        return;
    case F_SAMPLES:
        if (strcmp(text, "default") == 0 || strcmp(text, "0") == 0) {
            p->samples = 0;
            return;
        }
        if (bad || v != floor(v))
            break;
        p->samples = (long)v;
        return;
    case F_SEED:
        if (bad || v != floor(v) || v > 4294967295.0)
            break;
        p->seed = (unsigned long)v;
        return;
    case F_TOLERANCE:
        if (bad)
            break;
        p->tolerance = v;
        return;
    case F_TOP_K:
        if (bad || v < 1 || v != floor(v))
            break;
        p->top_k = (int)v;
        return;
    case F_KERNEL:
        if (bad)
            break;
        p->kernel_width = v;
        return;
    case F_CLASS:
        if (bad || v != floor(v) || v >= app->model->n_groups)
            break;
        p->klass = (int)v;
        return;
    }
    ui_error(app, "%s: '%s' is not a valid value", field_names[st->cursor], text);
}

static int method_key(ui_screen *s, ui_app *app, int key)
{
    method_state *st = s->state;
    char label[64], buf[256];
    switch (key) {
    case 'j': case KEY_DOWN: case '\t':
        if (st->cursor + 1 < F_COUNT)
            st->cursor++;
        return UI_REDRAW;
    case 'k': case KEY_UP: case KEY_BTAB:
        if (st->cursor > 0)
            st->cursor--;
        return UI_REDRAW;
    case 'g': case KEY_HOME: st->cursor = 0; return UI_REDRAW;
    case 'G': case KEY_END: st->cursor = F_RUN; return UI_REDRAW;
    case 'h': case KEY_LEFT:
        if (st->cursor == F_METHOD)
            cycle_method(st, app, -1);
        return UI_REDRAW;
    case 'l': case KEY_RIGHT: case ' ':
        if (st->cursor == F_METHOD)
            cycle_method(st, app, 1);
        return UI_REDRAW;
    case '\n': case '\r': case KEY_ENTER:
        if (st->cursor == F_METHOD) {
            cycle_method(st, app, 1);
        } else if (st->cursor == F_RUN) {
            app->push_req = NULL;
            if (ui_app_explain(app, app->row) < 0)
                return UI_REDRAW;
            /* Back to the explanation if it is below, else open it. */
            if (app->depth >= 2 && app->stack[app->depth - 2]->ops == &ui_screen_explain)
                return UI_POP;
            return UI_POP | ui_push(app, &ui_screen_explain);
        } else {
            snprintf(label, sizeof label, "%s: ", field_names[st->cursor]);
            field_value(app, st->cursor, buf, sizeof buf);
            ui_prompt(app, label, NULL, edit_done, st);
        }
        return UI_REDRAW;
    default: return UI_UNHANDLED;
    }
}

static const ui_key_help method_keys[] = {
    {"j k Up Down Tab", "select a field"},
    {"h l Left Right", "previous / next method (on the method line)"},
    {"Enter", "edit the field; on the last line: explain the row with these settings"},
    {"q", "back (the settings stay)"},
    {NULL, NULL},
};

const ui_screen_ops ui_screen_method = {
    .name = "method",
    .init = method_init,
    .draw = method_draw,
    .key = method_key,
    .free = method_free,
    .help = method_keys,
};
