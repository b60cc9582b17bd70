/* screen_how.c: "how it works" (w), for teaching: what the current method
 * computed for this row, with this row's own numbers.
 *
 * TreeSHAP: the row's path through one tree (h/l choose it), each split
 * with the row's value, the branch taken, the cover fraction of each
 * branch (the weights TreeSHAP gives a feature that is "absent") and the
 * expected output below each node, down to the leaf.  Linear SHAP: the
 * closed form coef * (x - mean) per feature.  KernelSHAP, permutation SHAP
 * and LIME: a scrollable page of steps with this run's own coalitions,
 * permutations or neighbourhood samples (how.h, how_*.c).  Other methods
 * say that their internals are not shown. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "how.h"
#include "loop.h"

typedef struct how_state {
    size_t tree;
    double *mean; /* expected value below each node of the current tree */
    size_t mean_tree;
    ui_how_page page; /* a sampled method's page, rebuilt at each draw */
    int top;          /* its first line shown */
    int rows;         /* lines shown at the last draw (a page, for PgDn) */
} how_state;

static int traced(const ui_app *app)
{
    return gb_method_has_trace(gb_method_resolve(app->model, (gb_method)app->params.method));
}

static int how_init(ui_screen *s, ui_app *app, gb_error *err)
{
    how_state *h = gb_calloc(1, sizeof *h, err);
    if (!h)
        return -1;
    h->mean_tree = (size_t)-1;
    s->state = h;
    (void)app;
    return 0;
}

static void how_free(ui_screen *s)
{
    how_state *h = s->state;
    if (h) {
        free(h->mean);
        ui_how_page_free(&h->page);
    }
    free(h);
}

/* Cover-weighted mean of the leaves below node i (children come after
 * their parent in no guaranteed order, so recurse; depth is bounded by
 * GB_MAX_DEPTH, checked when the model was loaded). */
static double node_mean(const gb_tree *t, int32_t i, double *memo)
{
    const gb_node *nd = &t->nodes[i];
    if (nd->left < 0)
        return memo[i] = nd->value;
    double cl = t->nodes[nd->left].cover, cr = t->nodes[nd->right].cover;
    double ml = node_mean(t, nd->left, memo), mr = node_mean(t, nd->right, memo);
    return memo[i] = cl + cr > 0 ? (cl * ml + cr * mr) / (cl + cr) : 0.5 * (ml + mr);
}

static void draw_tree(ui_app *app, how_state *h, const ui_rect *r)
{
    const gb_model *m = app->model;
    if (h->tree >= m->n_trees)
        h->tree = m->n_trees ? m->n_trees - 1 : 0;
    if (!m->n_trees)
        return;
    const gb_tree *t = &m->trees[h->tree];
    if (h->mean_tree != h->tree) {
        free(h->mean);
        h->mean = malloc((size_t)t->n_nodes * sizeof *h->mean);
        if (!h->mean)
            return;
        node_mean(t, 0, h->mean);
        h->mean_tree = h->tree;
    }
    double *x = malloc((size_t)m->n_features * sizeof *x);
    if (!x)
        return;
    gb_binding_row(&app->binding, app->ds, app->row, x);
    char line[512], nb[64], vb[64];
    int y = r->y + 1;
    snprintf(line, sizeof line, "tree %zu of %zu (output %d, depth %d): row %zu's path (h/l: other trees)",
             h->tree, m->n_trees, t->group, t->depth, app->row);
    attrset(app->theme.attr[UI_ROLE_HEADER]);
    ui_put_pad(y++, r->x, r->w, line);
    attrset(A_NORMAL);
    snprintf(line, sizeof line, "E[tree] = %.6g over the training cover %.6g", h->mean[0], t->nodes[0].cover);
    ui_put(y++, r->x + 1, r->w - 1, line);
    int32_t i = 0;
    while (t->nodes[i].left >= 0 && y < r->y + r->h - 3) {
        const gb_node *nd = &t->nodes[i];
        double xv = gb_model_input(m, x[nd->feature]);
        int32_t next = gb_node_next(m, nd, xv);
        const gb_node *hot = &t->nodes[next];
        double frac = nd->cover > 0 ? hot->cover / nd->cover : NAN;
        const char *name = ui_feature_name(app, nd->feature, nb, sizeof nb);
        const char *val = ui_feature_text(app, nd->feature, app->row, vb, sizeof vb);
        if (nd->flags & GB_NODE_CATEGORICAL)
            snprintf(line, sizeof line, "%s %s = %s: in the split's set? -> %s", app->theme.g->tree_branch, name, val,
                     next == nd->left ? "left" : "right");
        else if (isnan(x[nd->feature]))
            snprintf(line, sizeof line, "%s %s is missing -> default %s", app->theme.g->tree_branch, name,
                     next == nd->left ? "left" : "right");
        else
            snprintf(line, sizeof line, "%s %s = %s %s %.6g -> %s", app->theme.g->tree_branch, name, val,
                     next == nd->left ? "<" : ">=", nd->threshold, next == nd->left ? "left" : "right");
        ui_put(y++, r->x + 1, r->w - 1, line);
        snprintf(line, sizeof line, "   cover %.6g/%.6g = %.1f%% this way; E %.5g -> %.5g (%+.4g)", hot->cover,
                 nd->cover, frac * 100, h->mean[i], h->mean[next], h->mean[next] - h->mean[i]);
        attrset(app->theme.attr[UI_ROLE_DIM]);
        ui_put(y++, r->x + 1, r->w - 1, line);
        attrset(A_NORMAL);
        i = next;
    }
    if (t->nodes[i].left < 0 && y < r->y + r->h) {
        snprintf(line, sizeof line, "%s leaf %.6g (cover %.6g): %+.6g against E[tree]", app->theme.g->tree_last,
                 t->nodes[i].value, t->nodes[i].cover, t->nodes[i].value - h->mean[0]);
        ui_put(y++, r->x + 1, r->w - 1, line);
    }
    y++;
    const char *why[] = {
        "TreeSHAP averages over every subset of features: a feature outside the",
        "subset follows both branches, weighted by the cover fractions above; one",
        "inside it follows the row's branch. Exact, polynomial, summed over trees.",
    };
    attrset(app->theme.attr[UI_ROLE_DIM]);
    for (int k = 0; k < 3 && y < r->y + r->h; k++)
        ui_put(y++, r->x + 1, r->w - 1, why[k]);
    attrset(A_NORMAL);
    free(x);
}

static void draw_linear(ui_app *app, const ui_rect *r)
{
    const gb_model *m = app->model;
    int g = app->params.klass < m->n_groups ? app->params.klass : 0;
    char line[256], nb[64];
    int y = r->y + 1;
    attrset(app->theme.attr[UI_ROLE_HEADER]);
    ui_put_pad(y++, r->x, r->w, "linear SHAP: phi = coef * (x - mean of x over the data; missing counts as 0)");
    snprintf(line, sizeof line, " %-18s %12s %12s %12s %12s", "feature", "coef", "x", "mean", "phi");
    ui_put_pad(y++, r->x, r->w, line);
    attrset(A_NORMAL);
    for (int f = 0; f < m->n_features && y < r->y + r->h; f++, y++) {
        const double *col = app->ds->cols[app->binding.column[f]].values;
        double s = 0;
        for (size_t i = 0; i < app->ds->n_rows; i++)
            s += isnan(col[i]) ? 0 : col[i];
        double mean = s / (double)app->ds->n_rows, xv = isnan(col[app->row]) ? 0 : col[app->row];
        double c = m->coef[(size_t)g * (size_t)m->n_features + (size_t)f];
        snprintf(line, sizeof line, " %-18.18s %12.6g %12.6g %12.6g %+12.6g", ui_feature_name(app, f, nb, sizeof nb), c,
                 xv, mean, c * (xv - mean));
        ui_put(y, r->x, r->w, line);
    }
}

/* A sampled method's page, scrolled to h->top. */
static void draw_trace(ui_app *app, how_state *h, const ui_rect *r)
{
    const gb_trace *t;
    int st = ui_how_trace(app, &t);
    if (st <= 0) {
        attrset(app->theme.attr[UI_ROLE_DIM]);
        ui_put(r->y + 2, r->x + 2, r->w - 2,
               st == 0 ? "tracing this row's run... (Esc cancels)"
                       : "this row could not be traced (Enter retries; m changes the method)");
        attrset(A_NORMAL);
        return;
    }
    ui_how_page_clear(&h->page);
    h->page.width = r->w - 1;
    if (t->method == GB_METHOD_KERNELSHAP)
        ui_how_kernelshap(&h->page, app, t);
    else if (t->method == GB_METHOD_PERMUTATION)
        ui_how_permutation(&h->page, app, t);
    else
        ui_how_lime(&h->page, app, t);
    h->rows = r->h - 2 > 1 ? r->h - 2 : 1;
    if (h->top > h->page.n - h->rows)
        h->top = h->page.n - h->rows;
    if (h->top < 0)
        h->top = 0;
    for (int i = 0; i < h->rows && h->top + i < h->page.n; i++) {
        attrset(app->theme.attr[h->page.role[h->top + i]]);
        ui_put(r->y + 1 + i, r->x, r->w, h->page.text[h->top + i]);
        attrset(A_NORMAL);
    }
    char foot[160];
    int last = h->top + h->rows < h->page.n ? h->top + h->rows : h->page.n;
    snprintf(foot, sizeof foot, "lines %d-%d of %d   j/k scroll, PgDn/PgUp page, g/G top/end, J/K row",
             h->page.n ? h->top + 1 : 0, last, h->page.n);
    attrset(app->theme.attr[UI_ROLE_DIM]);
    ui_put_pad(r->y + r->h - 1, r->x, r->w, foot);
    attrset(A_NORMAL);
}

static void how_draw(ui_screen *s, ui_app *app, const ui_rect *r)
{
    how_state *h = s->state;
    const char *method = ui_params_method_name(&app->params, app->model);
    char t[256];
    if (traced(app)) {
        char bg[48], samples[48];
        if (app->params.background > 0)
            snprintf(bg, sizeof bg, ", background %ld", app->params.background);
        else
            snprintf(bg, sizeof bg, ", background all");
        if (app->params.samples > 0)
            snprintf(samples, sizeof samples, ", %ld samples", app->params.samples);
        else
            snprintf(samples, sizeof samples, ", default samples");
        snprintf(t, sizeof t, "How it works: %s on row %zu (seed %lu%s%s)", method, app->row, app->params.seed,
                 strcmp(method, "lime") == 0 ? "" : bg, samples);
    } else {
        snprintf(t, sizeof t, "How it works: %s on row %zu", method, app->row);
    }
    attrset(app->theme.attr[UI_ROLE_TITLE]);
    ui_put_pad(r->y, r->x, r->w, t);
    attrset(A_NORMAL);
    if (strcmp(method, "treeshap") == 0 && app->model->kind == GB_MODEL_TREES) {
        draw_tree(app, h, r);
    } else if (strcmp(method, "linear") == 0 && app->model->kind == GB_MODEL_LINEAR) {
        draw_linear(app, r);
    } else if (traced(app)) {
        draw_trace(app, h, r);
    } else {
        snprintf(t, sizeof t, "%s computes its values exactly; its internals are not shown here (kernelshap, "
                 "permutation and lime show their samples)", method);
        attrset(app->theme.attr[UI_ROLE_DIM]);
        ui_put(r->y + 2, r->x + 2, r->w - 2, t);
        attrset(A_NORMAL);
    }
}

/* Keys of a sampled method's page. */
static int trace_key(how_state *h, ui_app *app, int key)
{
    int page = h->rows > 1 ? h->rows - 1 : 1;
    switch (key) {
    case 'j': case KEY_DOWN: h->top++; return UI_REDRAW;
    case 'k': case KEY_UP: h->top--; return UI_REDRAW;
    case ' ': case KEY_NPAGE: h->top += page; return UI_REDRAW;
    case 'b': case KEY_PPAGE: h->top -= page; return UI_REDRAW;
    case 'g': case KEY_HOME: h->top = 0; return UI_REDRAW;
    case 'G': case KEY_END: h->top = 1 << 28; return UI_REDRAW;
    case 'J': if (app->row + 1 < app->ds->n_rows) app->row++; return UI_REDRAW;
    case 'K': if (app->row > 0) app->row--; return UI_REDRAW;
    case '>':
        if (app->model->n_groups > 1)
            app->params.klass = (app->params.klass + 1) % app->model->n_groups;
        return UI_REDRAW;
    case '<':
        if (app->model->n_groups > 1)
            app->params.klass = (app->params.klass + app->model->n_groups - 1) % app->model->n_groups;
        return UI_REDRAW;
    case '\n': case '\r': case KEY_ENTER: ui_how_trace_retry(app); return UI_REDRAW;
    case 'w': return UI_POP;
    default: return UI_UNHANDLED;
    }
}

static int how_key(ui_screen *s, ui_app *app, int key)
{
    how_state *h = s->state;
    if (traced(app))
        return trace_key(h, app, key);
    size_t n = app->model->n_trees;
    switch (key) {
    case 'l': case KEY_RIGHT: case 'j': case KEY_DOWN:
        if (h->tree + 1 < n)
            h->tree++;
        return UI_REDRAW;
    case 'h': case KEY_LEFT: case 'k': case KEY_UP:
        if (h->tree > 0)
            h->tree--;
        return UI_REDRAW;
    case 'g': case KEY_HOME: h->tree = 0; return UI_REDRAW;
    case 'G': case KEY_END: h->tree = n ? n - 1 : 0; return UI_REDRAW;
    case 'J': case KEY_NPAGE: if (app->row + 1 < app->ds->n_rows) app->row++; return UI_REDRAW;
    case 'K': case KEY_PPAGE: if (app->row > 0) app->row--; return UI_REDRAW;
    case 'w': return UI_POP;
    default: return UI_UNHANDLED;
    }
}

static const ui_key_help how_keys[] = {
    {"h l Left Right", "TreeSHAP: previous / next tree"},
    {"g G", "TreeSHAP: first / last tree; sampled methods: top / end of the page"},
    {"J K", "next / previous row"},
    {"PgDn PgUp", "TreeSHAP: next / previous row; sampled methods: scroll a page"},
    {"j k Space b", "sampled methods: scroll a line / a page"},
    {"< >", "previous / next class (multiclass models)"},
    {"Enter", "sampled methods: trace again after a failure or a cancel"},
    {"w q", "back"},
    {NULL, NULL},
};

const ui_screen_ops ui_screen_how = {
    .name = "how it works",
    .init = how_init,
    .draw = how_draw,
    .key = how_key,
    .free = how_free,
    .help = how_keys,
};
