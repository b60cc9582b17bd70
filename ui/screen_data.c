/* screen_data.c: the data table, the explorer's home screen.
 *
 * Rows are drawn from the view (data_view.h) only as far as the screen
 * reaches, so scrolling a million rows costs the same as scrolling ten.  A
 * fixed header names the columns; the row number and mark come first, then
 * the model's prediction and the target, then the model's features in the
 * model's order, then any other column.  Missing values show as NaN in
 * their own colour.  The cursor row is the app's selected row, so Enter (a
 * global key) explains it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../src/numfmt.h"
#include "data_view.h"
#include "loop.h"

typedef struct data_state {
    ui_data_view view;
    size_t cur, top;  /* cursor and first shown, as indices into view.rows */
    int *cols;        /* displayed column ids */
    int *width;       /* their widths */
    int n_cols;
    int col_cur;      /* selected displayed column */
    int col_left;     /* first displayed column after the fixed ones */
    double *pred_shown; /* the prediction on its own scale, group klass */
    int pred_klass;
    char search[UI_PROMPT_MAX];
    int search_col;
} data_state;

static int is_feature_col(const ui_app *app, int c)
{
    for (int f = 0; f < app->binding.n_features; f++)
        if (app->binding.column[f] == c)
            return 1;
    return 0;
}

static int col_width(const ui_app *app, int c)
{
    const char *name = c == UI_COL_PREDICTION ? "prediction" : app->ds->cols[c].name;
    int w = ui_text_width(name) + 2; /* room for the sort arrow */
    int vw = 10;
    if (c >= 0 && app->ds->cols[c].type == GB_COLUMN_CATEGORICAL) {
        vw = 3;
        for (size_t l = 0; l < app->ds->cols[c].n_levels && l < 1000; l++) {
            int lw = ui_text_width(app->ds->cols[c].levels[l]);
            if (lw > vw)
                vw = lw;
        }
    }
    if (vw > w)
        w = vw;
    return w < 6 ? 6 : w > 18 ? 18 : w;
}

static int build_columns(data_state *d, const ui_app *app, gb_error *err)
{
    size_t n = app->ds->n_cols + 1;
    d->cols = gb_malloc(n, sizeof *d->cols, err);
    d->width = gb_malloc(n, sizeof *d->width, err);
    if (!d->cols || !d->width)
        return -1;
    int k = 0;
    d->cols[k++] = UI_COL_PREDICTION;
    if (app->binding.target >= 0)
        d->cols[k++] = app->binding.target;
    for (int f = 0; f < app->binding.n_features; f++)
        d->cols[k++] = app->binding.column[f];
    for (size_t c = 0; c < app->ds->n_cols; c++)
        if ((int)c != app->binding.target && !is_feature_col(app, (int)c))
            d->cols[k++] = (int)c;
    d->n_cols = k;
    for (int i = 0; i < k; i++)
        d->width[i] = col_width(app, d->cols[i]);
    return 0;
}

/* The prediction column, once the predictions job is done. */
static void update_predictions(data_state *d, ui_app *app)
{
    if (!app->pred || (d->pred_shown && d->pred_klass == app->params.klass))
        return;
    const gb_model *m = app->model;
    size_t n = app->ds->n_rows, g = (size_t)m->n_groups;
    double *p = d->pred_shown ? d->pred_shown : malloc((n ? n : 1) * sizeof *p);
    double *out = malloc(g * sizeof *out);
    if (!p || !out) {
        free(out);
        if (p != d->pred_shown)
            free(p);
        return;
    }
    int k = app->params.klass < (int)g ? app->params.klass : 0;
    for (size_t r = 0; r < n; r++) {
        gb_model_transform(m, app->pred + r * g, out);
        p[r] = out[k];
    }
    free(out);
    d->pred_shown = p;
    d->pred_klass = app->params.klass;
    /* A view sorted or filtered by the prediction must see the values. */
    if (d->view.sort_col == UI_COL_PREDICTION || strstr(d->view.filter, "prediction")) {
        gb_error err = {{0}};
        if (ui_view_rebuild(&d->view, app, d->pred_shown, &err))
            ui_error(app, "%s", err.msg);
    }
}

static void sync_row(data_state *d, ui_app *app)
{
    if (d->view.n == 0)
        return;
    if (d->cur >= d->view.n)
        d->cur = d->view.n - 1;
    app->row = d->view.rows[d->cur];
}

/* After the view changed: keep the selected row if it is still shown. */
static void follow_row(data_state *d, ui_app *app)
{
    long i = ui_view_find(&d->view, app->row);
    d->cur = i >= 0 ? (size_t)i : 0;
    sync_row(d, app);
}

static int data_init(ui_screen *s, ui_app *app, gb_error *err)
{
    data_state *d = gb_calloc(1, sizeof *d, err);
    if (!d)
        return -1;
    s->state = d;
    d->view.sort_col = UI_UNSORTED;
    if (build_columns(d, app, err) || ui_view_rebuild(&d->view, app, NULL, err))
        return -1;
    d->col_cur = app->binding.target >= 0 ? 2 : 1;
    if (d->col_cur >= d->n_cols)
        d->col_cur = 0;
    follow_row(d, app);
    ui_app_predict_all(app);
    return 0;
}

static void data_free(ui_screen *s)
{
    data_state *d = s->state;
    if (!d)
        return;
    ui_view_free(&d->view);
    free(d->cols);
    free(d->width);
    free(d->pred_shown);
    free(d);
}

static int digits(size_t n)
{
    int k = 1;
    while (n >= 10) {
        n /= 10;
        k++;
    }
    return k;
}

static const char *col_name(const ui_app *app, int c)
{
    return c == UI_COL_PREDICTION ? "prediction" : app->ds->cols[c].name;
}

static void draw_title(data_state *d, ui_app *app, const ui_rect *r)
{
    char t[512];
    int n = snprintf(t, sizeof t, "Data  %zu rows x %zu columns", app->ds->n_rows, app->ds->n_cols);
    if (d->view.filter[0])
        n += snprintf(t + n, sizeof t - (size_t)n, "  filter: %s (%zu rows)", d->view.filter, d->view.n);
    if (d->view.sort_col != UI_UNSORTED)
        n += snprintf(t + n, sizeof t - (size_t)n, "  sorted by %s %s", col_name(app, d->view.sort_col),
                      d->view.sort_desc ? "desc" : "asc");
    if (app->n_marked)
        snprintf(t + n, sizeof t - (size_t)n, "  %zu marked", app->n_marked);
    attrset(app->theme.attr[UI_ROLE_TITLE]);
    ui_put_pad(r->y, r->x, r->w, t);
    attrset(A_NORMAL);
}

/* The columns that fit from col_left on, after the fixed first column
 * (prediction).  Returns the last displayed index + 1. */
static int visible_end(const data_state *d, int x0, int w)
{
    int x = x0 + d->width[0] + 1;
    int i = d->col_left < 1 ? 1 : d->col_left;
    for (; i < d->n_cols && x + d->width[i] <= x0 + w; i++)
        x += d->width[i] + 1;
    return i;
}

static void keep_col_visible(data_state *d, int x0, int w)
{
    if (d->col_cur == 0)
        return;
    if (d->col_left < 1)
        d->col_left = 1;
    if (d->col_cur < d->col_left)
        d->col_left = d->col_cur;
    while (d->col_left < d->col_cur && visible_end(d, x0, w) <= d->col_cur)
        d->col_left++;
}

static void draw_cell(ui_app *app, data_state *d, int y, int x, int i, size_t row, attr_t base)
{
    int c = d->cols[i], w = d->width[i];
    char buf[256];
    double v = ui_view_value(app, d->pred_shown, c, row);
    const char *text;
    attr_t a = base;
    if (c == UI_COL_PREDICTION && !d->pred_shown) {
        text = app->pred_pending ? app->theme.g->ellipsis : "";
    } else if (isnan(v)) {
        text = app->theme.g->missing;
        a |= app->theme.attr[UI_ROLE_MISSING];
    } else if (c >= 0) {
        text = ui_cell_text(app, (size_t)c, row, buf, sizeof buf);
    } else {
        snprintf(buf, sizeof buf, "%.6g", v);
        text = buf;
    }
    attrset(a);
    /* Numbers align right, text left. */
    int tw = ui_text_width(text);
    int numeric = c == UI_COL_PREDICTION || app->ds->cols[c].type == GB_COLUMN_NUMERIC;
    if (numeric && tw < w) {
        ui_put_pad(y, x, w - tw, "");
        ui_put(y, x + w - tw, tw, text);
    } else {
        ui_put_pad(y, x, w, text);
    }
}

static void draw_header(data_state *d, ui_app *app, int y, int x0, int w, int rn_w, int end)
{
    attrset(app->theme.attr[UI_ROLE_HEADER]);
    ui_put_pad(y, x0, w, "");
    ui_put(y, x0, rn_w, "row");
    int x = x0 + rn_w + 1;
    for (int i = 0; i < end; i++) {
        if (i > 0 && i < d->col_left)
            continue;
        char h[128];
        const char *arrow = d->view.sort_col == d->cols[i]
                                ? (d->view.sort_desc ? app->theme.g->sort_down : app->theme.g->sort_up)
                                : "";
        snprintf(h, sizeof h, "%s%s", col_name(app, d->cols[i]), arrow);
        attr_t a = app->theme.attr[UI_ROLE_HEADER];
        if (i == d->col_cur)
            a |= A_UNDERLINE;
        attrset(a);
        ui_put_pad(y, x, d->width[i], h);
        x += d->width[i] + 1;
    }
    attrset(A_NORMAL);
}

static void data_draw(ui_screen *s, ui_app *app, const ui_rect *r)
{
    data_state *d = s->state;
    update_predictions(d, app);
    if (d->view.n && d->view.rows[d->cur < d->view.n ? d->cur : 0] != app->row)
        follow_row(d, app);
    draw_title(d, app, r);
    int rn_w = digits(app->ds->n_rows ? app->ds->n_rows - 1 : 0) + 2;
    if (rn_w < 4)
        rn_w = 4;
    int x0 = r->x, body = r->h - 2;
    int avail = r->w - rn_w - 1;
    keep_col_visible(d, x0 + rn_w + 1, avail);
    int end = visible_end(d, x0 + rn_w + 1, avail);
    draw_header(d, app, r->y + 1, x0, r->w, rn_w, end);
    if (body < 1)
        return;
    if (d->cur < d->top)
        d->top = d->cur;
    if (d->cur >= d->top + (size_t)body)
        d->top = d->cur - (size_t)body + 1;
    if (d->view.n == 0) {
        attrset(app->theme.attr[UI_ROLE_DIM]);
        ui_put(r->y + 2, x0 + 2, r->w - 2, "no rows pass the filter (f changes it, F removes it)");
        attrset(A_NORMAL);
        return;
    }
    for (int k = 0; k < body && d->top + (size_t)k < d->view.n; k++) {
        size_t vi = d->top + (size_t)k, row = d->view.rows[vi];
        int y = r->y + 2 + k;
        attr_t base = vi == d->cur ? app->theme.attr[UI_ROLE_CURSOR] : A_NORMAL;
        if (app->marked[row])
            base |= app->theme.attr[UI_ROLE_MARKED];
        char rn[40];
        snprintf(rn, sizeof rn, "%*zu%s", rn_w - 1, row, app->marked[row] ? app->theme.g->mark : " ");
        attrset(base | (app->marked[row] ? 0 : app->theme.attr[UI_ROLE_DIM]));
        ui_put_pad(y, x0, r->w, "");
        ui_put(y, x0, rn_w, rn);
        int x = x0 + rn_w + 1;
        for (int i = 0; i < end; i++) {
            if (i > 0 && i < d->col_left)
                continue;
            draw_cell(app, d, y, x, i, row, base);
            x += d->width[i] + 1;
        }
    }
    attrset(A_NORMAL);
}

/* ------------------------------------------------------------ keys */

static void move_to(data_state *d, ui_app *app, long target)
{
    if (d->view.n == 0)
        return;
    if (target < 0)
        target = 0;
    if ((size_t)target >= d->view.n)
        target = (long)d->view.n - 1;
    d->cur = (size_t)target;
    sync_row(d, app);
}

static void rebuild(data_state *d, ui_app *app)
{
    gb_error err = {{0}};
    if (ui_view_rebuild(&d->view, app, d->pred_shown, &err))
        ui_error(app, "%s", err.msg);
    follow_row(d, app);
}

static void filter_done(ui_app *app, const char *text, void *ctx)
{
    data_state *d = ctx;
    char old[UI_PROMPT_MAX];
    memcpy(old, d->view.filter, sizeof old);
    snprintf(d->view.filter, sizeof d->view.filter, "%s", text);
    gb_error err = {{0}};
    if (ui_view_rebuild(&d->view, app, d->pred_shown, &err)) {
        ui_error(app, "%s", err.msg);
        memcpy(d->view.filter, old, sizeof old);
        return;
    }
    follow_row(d, app);
    if (d->view.filter[0])
        ui_msg(app, "%zu of %zu rows pass the filter", d->view.n, app->ds->n_rows);
    else
        ui_msg(app, "filter removed: all %zu rows", d->view.n);
}

static void search_step(data_state *d, ui_app *app, int dir)
{
    if (!d->search[0]) {
        ui_msg(app, "no search yet: / searches the selected column");
        return;
    }
    size_t from = dir > 0 ? d->cur + 1 : d->cur + d->view.n - 1;
    long i = ui_view_search(&d->view, app, d->pred_shown, d->search_col, d->search, from, dir);
    if (i < 0) {
        ui_error(app, "'%s' not found in %s", d->search, col_name(app, d->search_col));
        return;
    }
    if ((dir > 0 && (size_t)i <= d->cur) || (dir < 0 && (size_t)i >= d->cur))
        ui_msg(app, "search wrapped around: '%s' in row %zu", d->search, d->view.rows[i]);
    else
        ui_msg(app, "'%s' in row %zu", d->search, d->view.rows[i]);
    move_to(d, app, i);
}

static void search_done(ui_app *app, const char *text, void *ctx)
{
    data_state *d = ctx;
    snprintf(d->search, sizeof d->search, "%s", text);
    d->search_col = d->cols[d->col_cur];
    search_step(d, app, 1);
}

static void goto_done(ui_app *app, const char *text, void *ctx)
{
    data_state *d = ctx;
    char *end;
    unsigned long long r = strtoull(text, &end, 10);
    if (end == text || *end || r >= app->ds->n_rows) {
        ui_error(app, "'%s': expected a row number from 0 to %zu", text, app->ds->n_rows - 1);
        return;
    }
    long i = ui_view_find(&d->view, (size_t)r);
    if (i < 0) {
        ui_error(app, "row %llu is hidden by the filter", r);
        return;
    }
    move_to(d, app, i);
}

static void sort_by(data_state *d, ui_app *app, int desc)
{
    int c = d->cols[d->col_cur];
    if (d->view.sort_col == c && d->view.sort_desc == desc) {
        d->view.sort_col = UI_UNSORTED;
        ui_msg(app, "row order");
    } else {
        d->view.sort_col = c;
        d->view.sort_desc = desc;
        ui_msg(app, "sorted by %s, %s (missing last)", col_name(app, c), desc ? "descending" : "ascending");
    }
    rebuild(d, app);
}

static void mark(ui_app *app, size_t row, int on)
{
    if (app->marked[row] == on)
        return;
    app->marked[row] = (unsigned char)on;
    if (on)
        app->n_marked++;
    else
        app->n_marked--;
}

static int data_key(ui_screen *s, ui_app *app, int key)
{
    data_state *d = s->state;
    long page = s->last.h > 3 ? s->last.h - 3 : 1;
    switch (key) {
    case 'j': case KEY_DOWN: move_to(d, app, (long)d->cur + 1); break;
    case 'k': case KEY_UP: move_to(d, app, (long)d->cur - 1); break;
    case KEY_NPAGE: case 6: move_to(d, app, (long)d->cur + page); break;
    case KEY_PPAGE: case 2: move_to(d, app, (long)d->cur - page); break;
    case 'g': case KEY_HOME: move_to(d, app, 0); break;
    case 'G': case KEY_END: move_to(d, app, (long)d->view.n - 1); break;
    case 'h': case KEY_LEFT: if (d->col_cur > 0) d->col_cur--; break;
    case 'l': case KEY_RIGHT: if (d->col_cur + 1 < d->n_cols) d->col_cur++; break;
    case '0': d->col_cur = 0; d->col_left = 1; break;
    case '$': d->col_cur = d->n_cols - 1; break;
    case '[': sort_by(d, app, 0); break;
    case ']': sort_by(d, app, 1); break;
    case ' ':
        if (d->view.n) {
            mark(app, app->row, !app->marked[app->row]);
            move_to(d, app, (long)d->cur + 1);
        }
        break;
    case 'M':
        for (size_t i = 0; i < d->view.n; i++)
            mark(app, d->view.rows[i], 1);
        ui_msg(app, "%zu rows marked", app->n_marked);
        break;
    case 'U':
        for (size_t r = 0; r < app->ds->n_rows && app->n_marked; r++)
            mark(app, r, 0);
        ui_msg(app, "no rows marked");
        break;
    case '/': {
        char label[96];
        snprintf(label, sizeof label, "Search %s: ", col_name(app, d->cols[d->col_cur]));
        ui_prompt(app, label, NULL, search_done, d);
        break;
    }
    case 'n': search_step(d, app, 1); break;
    case 'N': search_step(d, app, -1); break;
    case 'f': ui_prompt(app, "Filter (e.g. bmi > 30 and age < 50): ", d->view.filter, filter_done, d); break;
    case 'F': filter_done(app, "", d); break;
    case ':': ui_prompt(app, "Go to row: ", NULL, goto_done, d); break;
    case 'E':
        if (ui_app_explain_all(app) > 0)
            ui_msg(app, "all %zu rows are explained already", app->ds->n_rows);
        break;
    default: return UI_UNHANDLED;
    }
    return UI_REDRAW;
}

static void data_job_done(ui_screen *s, ui_app *app)
{
    update_predictions(s->state, app);
}

/* ------------------------------------------------------------ export */

/* One cell: numbers at full precision, categories by name, missing empty
 * (CSV) or null (JSON). */
static void export_cell(FILE *fp, const ui_app *app, const data_state *d, int c, size_t row, int json)
{
    double v = ui_view_value(app, d->pred_shown, c, row);
    if (isnan(v)) {
        fputs(json ? "null" : "", fp);
    } else if (c >= 0 && app->ds->cols[c].type == GB_COLUMN_CATEGORICAL) {
        char buf[256];
        ui_cell_text(app, (size_t)c, row, buf, sizeof buf);
        if (json)
            ui_json_string(fp, buf);
        else
            ui_csv_field(fp, buf);
    } else {
        char nb[GB_NUMFMT_SIZE];
        fputs(gb_fmt_double(nb, v), fp);
    }
}

static int data_export(ui_screen *s, ui_app *app, FILE *fp, ui_export_format fmt, gb_error *err)
{
    data_state *d = s->state;
    int json = fmt == UI_EXPORT_JSON;
    fputs(json ? "{\"columns\":[\"row\",\"marked\"" : "row,marked", fp);
    for (int i = 0; i < d->n_cols; i++) {
        fputc(',', fp);
        if (json)
            ui_json_string(fp, col_name(app, d->cols[i]));
        else
            ui_csv_field(fp, col_name(app, d->cols[i]));
    }
    fputs(json ? "],\n\"rows\":[" : "\n", fp);
    for (size_t k = 0; k < d->view.n; k++) {
        size_t row = d->view.rows[k];
        fprintf(fp, json ? "%s\n[%zu,%d" : "%.0s%zu,%d", k ? "," : "", row, app->marked[row]);
        for (int i = 0; i < d->n_cols; i++) {
            fputc(',', fp);
            export_cell(fp, app, d, d->cols[i], row, json);
        }
        fputs(json ? "]" : "\n", fp);
    }
    if (json)
        fputs("\n]}\n", fp);
    return ferror(fp) ? gb_error_set(err, "write error") : 0;
}

static const ui_key_help data_keys[] = {
    {"j k Up Down", "previous / next row"},
    {"PgUp PgDn g G", "page up / down, first / last row"},
    {"h l Left Right", "previous / next column (0 first, $ last)"},
    {"Enter", "explain the selected row"},
    {"Space", "mark / unmark the row and go down"},
    {"M U", "mark every shown row / unmark all"},
    {"[ ]", "sort by the column, ascending / descending (again: row order)"},
    {"/ n N", "search the selected column; next / previous match"},
    {"f F", "filter rows (bmi > 30 and sex == 'male'; missing(x); prediction) / remove it"},
    {":", "go to a row number"},
    {"E", "explain every row with the exact method (for plots; Esc cancels)"},
    {NULL, NULL},
};

const ui_screen_ops ui_screen_data = {
    .name = "data",
    .init = data_init,
    .draw = data_draw,
    .key = data_key,
    .free = data_free,
    .export_view = data_export,
    .job_done = data_job_done,
    .help = data_keys,
    .pane = 1,
};
