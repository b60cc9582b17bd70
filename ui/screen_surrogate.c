/* screen_surrogate.c: the model distilled into a small tree (key d).
 *
 * A CART tree of depth D (+ and - change it; 3 to start) fitted to the
 * model's margins over every row (distill.h), drawn as indented rules with
 * each node's share of the training rows and each leaf's value, as
 * `glassbox distill --depth D --seed S` prints it; beside it the held-out
 * fidelity (R^2, and the class agreement for classifiers) and the fidelity
 * of depths 1..8 as a small plot with the current depth marked.  The curve
 * does not depend on D, so it is a job of its own, started once the tree
 * is shown (on large data it costs several times the tree) and kept while
 * the depth changes; a new seed asks for it again. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../src/distill.h"
#include "../src/numfmt.h"
#include "canvas.h"
#include "canvas_curses.h"
#include "canvas_plot.h"
#include "global_jobs.h"
#include "loop.h"
#include "session.h"

enum { INK_LINE = 0, INK_AXIS = 1, INK_LABEL = 2, INK_AGREE = 3, INK_TITLE = 4, INK_MARK = 6 };
enum { DEPTH_DEFAULT = 3, DEPTH_MAX = 12, LINE_MAX = 200 };

typedef struct surrogate_state {
    const void *job; /* first: gv_owner */
    int depth;       /* asked for */
    int have, stopped;
    int have_depth, stopped_depth;
    unsigned long have_seed, stopped_seed, curve_seed;
    gb_distill res;
    /* The curve, for curve_seed (curve_n = 0: none yet). */
    int curve_n, curve_stopped;
    unsigned long curve_stopped_seed;
    double curve_r2[GB_DISTILL_CURVE], curve_agreement[GB_DISTILL_CURVE];
    /* The tree as text lines, built when a result arrives. */
    char (*lines)[LINE_MAX];
    int n_lines, top;
    canvas cv;
} surrogate_state;

typedef struct surrogate_job {
    const gb_model *model;
    const gb_dataset *ds;
    const gb_binding *binding;
    int depth, curve; /* curve: the curve-only job */
    unsigned long seed;
    gb_distill res;
} surrogate_job;

/* ------------------------------------------------------------ the job */

static gb_job_status job_run(ui_job *job, void *vctx, gb_error *err)
{
    surrogate_job *c = vctx;
    gv_progress pr;
    gb_job_ctl ctl = gv_ctl(job, &pr, 0.0, 1.0);
    gb_distill_options o = {.depth = c->depth, .seed = c->seed, .curve = c->curve};
    return gb_distill_run(c->model, c->ds, c->binding, &o, &ctl, &c->res, err);
}

static void build_lines(ui_app *app, surrogate_state *s);

/* The session log's command: glassbox distill with the same depth and
 * seed fits the same tree (and, with --curve, the same curve). */
static void record(ui_app *app, int depth, unsigned long seed, int curve)
{
    char d[32], sd[32];
    snprintf(d, sizeof d, "%d", depth);
    snprintf(sd, sizeof sd, "%lu", seed);
    const char *tree[] = {"--depth", d, "--seed", sd, "--linear", "0", NULL};
    const char *with_curve[] = {"--depth", d, "--seed", sd, "--curve", "--linear", "0", NULL};
    ui_session_command(app, "distill", curve ? with_curve : tree);
}

static void job_finish(ui_app *app, void *vctx, gb_job_status st, const gb_error *err)
{
    surrogate_job *c = vctx;
    surrogate_state *s = gv_owner(app, &ui_screen_surrogate, c);
    /* The curve job fits a depth-1 tree it does not show: record the
     * depth on screen, which the same command also fits. */
    if (st == GB_JOB_OK)
        record(app, c->curve && s ? s->depth : c->depth, c->seed, c->curve);
    if (s && c->curve) {
        s->job = NULL;
        if (st == GB_JOB_OK) {
            s->curve_n = c->res.curve_n;
            memcpy(s->curve_r2, c->res.curve_r2, sizeof s->curve_r2);
            memcpy(s->curve_agreement, c->res.curve_agreement, sizeof s->curve_agreement);
            s->curve_seed = c->seed;
        } else {
            s->curve_stopped = 1;
            s->curve_stopped_seed = c->seed;
            gv_say_stopped(app, st, err, "cancelled: the fidelity curve was not computed (r computes it)",
                           "surrogate");
        }
    } else if (s) {
        s->job = NULL;
        if (st == GB_JOB_OK) {
            gb_distill_free(&s->res);
            s->res = c->res;
            memset(&c->res, 0, sizeof c->res);
            s->have = 1;
            s->have_depth = c->depth;
            s->have_seed = c->seed;
            s->top = 0;
            build_lines(app, s);
        } else {
            s->stopped = 1;
            s->stopped_depth = c->depth;
            s->stopped_seed = c->seed;
            gv_say_stopped(app, st, err, "cancelled: the surrogate was not fitted (r fits it)", "surrogate");
        }
    }
    gb_distill_free(&c->res);
    free(c);
}

static void start(ui_app *app, surrogate_state *s, int curve)
{
    gb_error err = {{0}};
    surrogate_job *c = gb_calloc(1, sizeof *c, &err);
    if (!c) {
        ui_error(app, "surrogate: %s", err.msg);
        return;
    }
    c->model = app->model;
    c->ds = app->ds;
    c->binding = &app->binding;
    /* The curve job's own tree is the cheapest: depth 1, not shown. */
    c->depth = curve ? 1 : s->depth;
    c->seed = app->params.seed;
    c->curve = curve;
    ui_job_spec spec = {.run = job_run, .finish = job_finish, .ctx = c, .tag_row = -1, .tag_kind = UI_JOB_USER + 22};
    if (curve)
        snprintf(spec.label, sizeof spec.label, "fitting surrogate trees of depths 1-8 for the fidelity curve");
    else
        snprintf(spec.label, sizeof spec.label, "fitting a surrogate tree of depth %d", c->depth);
    if (ui_jobs_submit(app->jobs, &spec, &err)) {
        free(c);
        ui_error(app, "surrogate: %s", err.msg);
        if (curve) {
            s->curve_stopped = 1;
            s->curve_stopped_seed = app->params.seed;
        } else {
            s->stopped = 1;
            s->stopped_depth = s->depth;
            s->stopped_seed = app->params.seed;
        }
        return;
    }
    s->job = c;
    s->stopped = 0;
}

static int current(const ui_app *app, const surrogate_state *s)
{
    return s->have && s->have_depth == s->depth && s->have_seed == app->params.seed;
}

static int curve_ok(const ui_app *app, const surrogate_state *s)
{
    return s->curve_n > 0 && s->curve_seed == app->params.seed;
}

/* The tree first, then the curve. */
static void ensure(ui_app *app, surrogate_state *s)
{
    if (s->job)
        return;
    if (!current(app, s)) {
        if (!(s->stopped && s->stopped_depth == s->depth && s->stopped_seed == app->params.seed))
            start(app, s, 0);
        return;
    }
    if (!curve_ok(app, s) && !(s->curve_stopped && s->curve_stopped_seed == app->params.seed))
        start(app, s, 1);
}

/* ------------------------------------------------------------ the tree as text */

static int add_line(surrogate_state *s, const char *text)
{
    void *p = realloc(s->lines, (size_t)(s->n_lines + 1) * sizeof *s->lines);
    if (!p)
        return -1;
    s->lines = p;
    snprintf(s->lines[s->n_lines++], LINE_MAX, "%s", text);
    return 0;
}

static void num(double v, char *buf, size_t size)
{
    snprintf(buf, size, "%.4g", v);
}

/* The rule a node sends its left rows by: "bmi < 0.0096" or "sex in {f}". */
static void rule(const ui_app *app, const gb_model *sm, const gb_node *nd, char *buf, size_t size)
{
    char nb[32], v[32];
    const char *name = ui_feature_name(app, nd->feature, nb, sizeof nb);
    if (!(nd->flags & GB_NODE_CATEGORICAL)) {
        num(nd->split, v, sizeof v);
        snprintf(buf, size, "%s < %s", name, v);
        return;
    }
    const gb_column *col = &app->ds->cols[app->binding.column[nd->feature]];
    size_t o = (size_t)snprintf(buf, size, "%s in {", name);
    int first = 1;
    for (uint32_t c = 0; c < nd->cat_words * 32u && o + 1 < size; c++) {
        if (!((sm->cat_bits[nd->cat_begin + (c >> 5)] >> (c & 31u)) & 1u))
            continue;
        if (col->type == GB_COLUMN_CATEGORICAL && c < col->n_levels)
            o += (size_t)snprintf(buf + o, size - o, "%s%s", first ? "" : ", ", col->levels[c]);
        else
            o += (size_t)snprintf(buf + o, size - o, "%s%u", first ? "" : ", ", c);
        first = 0;
    }
    if (o + 1 < size)
        snprintf(buf + o, size - o, "}");
}

static void node_lines(ui_app *app, surrogate_state *s, const gb_tree *t, int32_t i, int indent, double total)
{
    const gb_model *sm = s->res.tree;
    const gb_node *nd = &t->nodes[i];
    char line[LINE_MAX], r[160], v[32];
    if (nd->left < 0) {
        num(nd->value, v, sizeof v);
        snprintf(line, sizeof line, "%*svalue %s  (%.1f%%)", indent, "", v, 100.0 * nd->cover / total);
        add_line(s, line);
        return;
    }
    rule(app, sm, nd, r, sizeof r);
    snprintf(line, sizeof line, "%*sif %s  (%.1f%%)", indent, "", r, 100.0 * t->nodes[nd->left].cover / total);
    add_line(s, line);
    node_lines(app, s, t, nd->left, indent + 2, total);
    snprintf(line, sizeof line, "%*selse  (%.1f%%)", indent, "", 100.0 * t->nodes[nd->right].cover / total);
    add_line(s, line);
    node_lines(app, s, t, nd->right, indent + 2, total);
}

static void build_lines(ui_app *app, surrogate_state *s)
{
    s->n_lines = 0;
    const gb_model *sm = s->res.tree;
    for (size_t t = 0; sm && t < sm->n_trees; t++) {
        if (sm->n_trees > 1) {
            char head[64];
            snprintf(head, sizeof head, "output %d:", sm->trees[t].group);
            add_line(s, head);
        }
        node_lines(app, s, &sm->trees[t], 0, sm->n_trees > 1 ? 2 : 0, sm->trees[t].nodes[0].cover);
    }
}

/* ------------------------------------------------------------ drawing */

static void ink_attrs(const ui_app *app, attr_t a[CANVAS_INKS])
{
    const attr_t *t = app->theme.attr;
    for (int i = 0; i < CANVAS_INKS; i++)
        a[i] = t[UI_ROLE_NORMAL];
    a[INK_LINE] = t[UI_ROLE_POSITIVE];
    a[INK_AGREE] = t[UI_ROLE_NEGATIVE];
    a[INK_AXIS] = t[UI_ROLE_AXIS];
    a[INK_LABEL] = t[UI_ROLE_AXIS];
    a[INK_TITLE] = t[UI_ROLE_HEADER];
    a[INK_MARK] = t[UI_ROLE_CURSOR];
}

static int classifier(const surrogate_state *s)
{
    for (int k = 0; k < s->curve_n; k++)
        if (!isnan(s->curve_agreement[k]))
            return 1;
    return 0;
}

/* The fidelity curve into s->cv; -1 when too small. */
static int build_curve(ui_app *app, surrogate_state *s, int w, int h)
{
    canvas_mode mode = app->theme.utf8 ? CANVAS_BRAILLE : CANVAS_ASCII;
    if (canvas_fit(&s->cv, w, h, mode))
        return -1;
    double x[GB_DISTILL_CURVE], lo = 0.0;
    for (int k = 0; k < s->curve_n; k++) {
        x[k] = k + 1;
        if (s->curve_r2[k] < lo)
            lo = s->curve_r2[k];
        if (s->curve_agreement[k] < lo)
            lo = s->curve_agreement[k];
    }
    canvas_plot_spec spec = {.xlo = 1, .xhi = GB_DISTILL_CURVE, .ylo = lo, .yhi = 1.0, .x_title = "depth",
                             .y_title = app->theme.utf8 ? "held-out R²" : "held-out R^2", .ink_axis = INK_AXIS,
                             .ink_label = INK_LABEL, .ink_title = INK_TITLE};
    canvas_plot p;
    if (canvas_plot_begin(&p, &s->cv, &spec))
        return -1;
    int cls = classifier(s);
    if (cls) {
        canvas_plot_polyline(&p, x, s->curve_agreement, (size_t)s->curve_n, INK_AGREE);
        canvas_plot_points(&p, x, 1, s->curve_agreement, 1, NULL, INK_AGREE, (size_t)s->curve_n);
    }
    canvas_plot_polyline(&p, x, s->curve_r2, (size_t)s->curve_n, INK_LINE);
    canvas_plot_points(&p, x, 1, s->curve_r2, 1, NULL, INK_LINE, (size_t)s->curve_n);
    int d = s->have_depth;
    if (d >= 1 && d <= s->curve_n) {
        int col = (int)floor(canvas_plot_dot_x(&p, d) + 0.5) / s->cv.dw;
        int row = (int)floor(canvas_plot_dot_y(&p, s->curve_r2[d - 1]) + 0.5) / s->cv.dh;
        canvas_text(&s->cv, col, row, app->theme.utf8 ? "◆" : "@", INK_MARK);
    }
    if (cls) {
        const char *labels[2] = {app->theme.utf8 ? "R²" : "R^2", "agreement"};
        int inks[2] = {INK_LINE, INK_AGREE};
        canvas_plot_legend(&p, NULL, labels, inks, 2);
    }
    return 0;
}

static void draw_title(ui_app *app, const surrogate_state *s, const ui_rect *r)
{
    char t[256];
    snprintf(t, sizeof t, " Surrogate tree: depth %d, fitted to the model's margin (held-out rows: seed %lu)",
             s->depth, app->params.seed);
    attrset(app->theme.attr[UI_ROLE_TITLE]);
    ui_put_pad(r->y, r->x, r->w, t);
    attrset(A_NORMAL);
}

static void draw_fidelity(ui_app *app, const surrogate_state *s, int y, int x, int w)
{
    char buf[256], a[32];
    num(s->res.r2, a, sizeof a);
    int o = snprintf(buf, sizeof buf, "fidelity on %zu held-out rows (%zu trained): R%s %s", s->res.n_test,
                     s->res.n_train, app->theme.utf8 ? "²" : "^2", a);
    if (!isnan(s->res.agreement))
        snprintf(buf + o, sizeof buf - (size_t)o, ", agreement %.2f%%", 100.0 * s->res.agreement);
    attrset(app->theme.attr[UI_ROLE_HEADER]);
    ui_put_pad(y, x, w, buf);
    attrset(A_NORMAL);
}

static void draw_curve_table(ui_app *app, const surrogate_state *s, int y, int x, int w)
{
    char buf[96], a[32], b[32];
    int cls = classifier(s);
    attrset(app->theme.attr[UI_ROLE_HEADER]);
    snprintf(buf, sizeof buf, "%5s  %-8s%s", "depth", app->theme.utf8 ? "R²" : "R^2", cls ? "  agreement" : "");
    ui_put(y, x + 2, w - 2, buf);
    attrset(A_NORMAL);
    for (int k = 0; k < s->curve_n; k++) {
        num(s->curve_r2[k], a, sizeof a);
        snprintf(b, sizeof b, "%.2f%%", 100.0 * s->curve_agreement[k]);
        snprintf(buf, sizeof buf, "%5d  %-8s%s%s", k + 1, a, cls ? "  " : "", cls ? b : "");
        if (k + 1 == s->have_depth)
            attrset(app->theme.attr[UI_ROLE_CURSOR]);
        ui_put(y + 1 + k, x + 2, w - 2, buf);
        attrset(A_NORMAL);
    }
}

static void surrogate_draw(ui_screen *scr, ui_app *app, const ui_rect *r)
{
    surrogate_state *s = scr->state;
    ensure(app, s);
    draw_title(app, s, r);
    if (!current(app, s)) {
        gv_draw_pending(app, r, s->job != NULL, "Fitting the surrogate (progress below; Esc cancels).",
                        "The surrogate is not fitted. Press r to fit it.");
        return;
    }
    draw_fidelity(app, s, r->y + 1, r->x, r->w);
    int curve_w = r->w * 2 / 5;
    curve_w = curve_w < 28 ? 28 : curve_w > 60 ? 60 : curve_w;
    int tree_w = r->w - curve_w - 1, body = r->h - 3;
    if (body < 1)
        body = 1;
    if (s->top > s->n_lines - body)
        s->top = s->n_lines - body;
    if (s->top < 0)
        s->top = 0;
    for (int i = 0; i < body && s->top + i < s->n_lines; i++)
        ui_put(r->y + 2 + i, r->x + 1, tree_w - 1, s->lines[s->top + i]);
    char more[96];
    snprintf(more, sizeof more, "lines %d-%d of %d   + -: depth   j k: scroll", s->top + 1,
             s->top + body < s->n_lines ? s->top + body : s->n_lines, s->n_lines);
    attrset(app->theme.attr[UI_ROLE_DIM]);
    ui_put_pad(r->y + r->h - 1, r->x, tree_w, more);
    attrset(A_NORMAL);
    if (!curve_ok(app, s)) {
        attrset(app->theme.attr[UI_ROLE_DIM]);
        ui_put(r->y + 3, r->x + tree_w + 2, curve_w - 2,
               s->job ? "fidelity against depth: computing" : "fidelity against depth: r computes it");
        attrset(A_NORMAL);
        return;
    }
    /* The curve as a plot, and its numbers under it when there is room. */
    int avail = r->h - 2, ch = avail - (s->curve_n + 1);
    ch = ch < 6 ? 6 : ch > 16 ? 16 : ch;
    if (s->curve_n && build_curve(app, s, curve_w, ch < avail ? ch : avail) == 0) {
        attr_t attrs[CANVAS_INKS];
        ink_attrs(app, attrs);
        canvas_blit(&s->cv, r->y + 2, r->x + tree_w + 1, attrs);
    }
    if (s->curve_n && avail - ch >= s->curve_n + 1)
        draw_curve_table(app, s, r->y + 2 + ch, r->x + tree_w + 1, curve_w);
}

/* ------------------------------------------------------------ keys */

static int surrogate_key(ui_screen *scr, ui_app *app, int key)
{
    surrogate_state *s = scr->state;
    int page = scr->last.h > 4 ? scr->last.h - 3 : 1;
    switch (key) {
    case '+':
    case '=':
        if (s->depth < DEPTH_MAX)
            s->depth++;
        else
            ui_msg(app, "depth %d is the deepest the explorer fits", DEPTH_MAX);
        return UI_REDRAW;
    case '-':
        if (s->depth > 1)
            s->depth--;
        return UI_REDRAW;
    case KEY_DOWN:
    case 'j': s->top++; return UI_REDRAW;
    case KEY_UP:
    case 'k': s->top = s->top > 0 ? s->top - 1 : 0; return UI_REDRAW;
    case KEY_NPAGE: s->top += page; return UI_REDRAW;
    case KEY_PPAGE: s->top = s->top > page ? s->top - page : 0; return UI_REDRAW;
    case 'g':
    case KEY_HOME: s->top = 0; return UI_REDRAW;
    case 'G':
    case KEY_END: s->top = s->n_lines; return UI_REDRAW;
    case 'r':
        s->stopped = s->curve_stopped = 0;
        return UI_REDRAW;
    default: return UI_UNHANDLED;
    }
}

/* ------------------------------------------------------------ export */

/* CSV: the fidelity curve as `glassbox distill --curve` prints it
 * (depth,r2,class_agreement) and a column marking the depth shown (added
 * as a ninth row when deeper than the curve).  JSON: the fidelity, the
 * curve and the tree's lines as drawn. */
static int surrogate_export(ui_screen *scr, ui_app *app, FILE *fp, ui_export_format fmt, gb_error *err)
{
    surrogate_state *s = scr->state;
    if (!current(app, s))
        return gb_error_set(err, "nothing to export yet: the surrogate is not fitted");
    char a[GB_NUMFMT_SIZE], b[GB_NUMFMT_SIZE];
    if (fmt == UI_EXPORT_CSV) {
        fputs("depth,r2,class_agreement,shown\n", fp);
        for (int k = 0; curve_ok(app, s) && k < s->curve_n; k++) {
            gb_fmt_double(a, s->curve_r2[k]);
            gb_fmt_double(b, s->curve_agreement[k]);
            fprintf(fp, "%d,%s,%s,%d\n", k + 1, a, isnan(s->curve_agreement[k]) ? "" : b, k + 1 == s->have_depth);
        }
        if (s->have_depth > (curve_ok(app, s) ? s->curve_n : 0)) {
            gb_fmt_double(a, s->res.r2);
            gb_fmt_double(b, s->res.agreement);
            fprintf(fp, "%d,%s,%s,1\n", s->have_depth, a, isnan(s->res.agreement) ? "" : b);
        }
        return ferror(fp) ? gb_error_set(err, "write error") : 0;
    }
    /* JSON has no NaN: an R^2 of constant outputs is null there. */
    if (isnan(s->res.r2))
        snprintf(a, sizeof a, "null");
    else
        gb_fmt_double(a, s->res.r2);
    fprintf(fp, "{\"depth\": %d, \"seed\": %lu, \"held_out\": %zu, \"r2\": %s, \"class_agreement\": ",
            s->have_depth, s->have_seed, s->res.n_test, a);
    fputs(isnan(s->res.agreement) ? "null" : gb_fmt_double(b, s->res.agreement), fp);
    fputs(", \"curve\": [", fp);
    for (int k = 0; curve_ok(app, s) && k < s->curve_n; k++) {
        if (isnan(s->curve_r2[k]))
            snprintf(a, sizeof a, "null");
        else
            gb_fmt_double(a, s->curve_r2[k]);
        fprintf(fp, "%s{\"depth\": %d, \"r2\": %s, \"class_agreement\": %s}", k ? ", " : "", k + 1, a,
                isnan(s->curve_agreement[k]) ? "null" : gb_fmt_double(b, s->curve_agreement[k]));
    }
    fputs("], \"tree\": [", fp);
    for (int i = 0; i < s->n_lines; i++) {
        fputs(i ? ",\n  " : "\n  ", fp);
        ui_json_string(fp, s->lines[i]);
    }
    fputs("\n]}\n", fp);
    return ferror(fp) ? gb_error_set(err, "write error") : 0;
}

/* ------------------------------------------------------------ lifetime */

static int surrogate_init(ui_screen *scr, ui_app *app, gb_error *err)
{
    surrogate_state *s = gb_calloc(1, sizeof *s, err);
    if (!s)
        return -1;
    s->depth = DEPTH_DEFAULT;
    scr->state = s;
    (void)app;
    return 0;
}

static void surrogate_free(ui_screen *scr)
{
    surrogate_state *s = scr->state;
    gb_distill_free(&s->res);
    free(s->lines);
    canvas_free(&s->cv);
    free(s);
}

static const ui_key_help surrogate_help[] = {
    {"+ -", "a deeper / shallower tree"},
    {"Down Up j k", "scroll the tree"},
    {"PgDn PgUp g G", "page, top, bottom"},
    {"r", "fit again (after a cancel)"},
    {"m", "the seed of the held-out split"},
    {"e", "export the fidelity curve (.csv), everything (.json) or the screen (.txt)"},
    {NULL, NULL},
};

const ui_screen_ops ui_screen_surrogate = {
    .name = "surrogate",
    .init = surrogate_init,
    .draw = surrogate_draw,
    .key = surrogate_key,
    .free = surrogate_free,
    .export_view = surrogate_export,
    .help = surrogate_help,
};
