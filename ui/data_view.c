/* data_view.c: filtering, sorting and searching the data table's rows
 * (see data_view.h). */
#include "data_view.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

double ui_view_value(const ui_app *app, const double *pred_shown, int col, size_t row)
{
    if (col == UI_COL_PREDICTION)
        return pred_shown ? pred_shown[row] : NAN;
    return app->ds->cols[col].values[row];
}

typedef struct keyed {
    double key;
    size_t row;
} keyed;

static int by_key_asc(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int xn = isnan(x->key), yn = isnan(y->key);
    if (xn != yn)
        return xn - yn; /* missing last */
    if (!xn && x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

static int by_key_desc(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int xn = isnan(x->key), yn = isnan(y->key);
    if (xn != yn)
        return xn - yn;
    if (!xn && x->key != y->key)
        return x->key > y->key ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* Categorical codes follow the levels' byte order, so sorting by code sorts
 * by name. */
static int sort_rows(ui_data_view *v, const ui_app *app, const double *pred_shown, gb_error *err)
{
    keyed *k = gb_malloc(v->n ? v->n : 1, sizeof *k, err);
    if (!k)
        return -1;
    for (size_t i = 0; i < v->n; i++)
        k[i] = (keyed){ui_view_value(app, pred_shown, v->sort_col, v->rows[i]), v->rows[i]};
    qsort(k, v->n, sizeof *k, v->sort_desc ? by_key_desc : by_key_asc);
    for (size_t i = 0; i < v->n; i++)
        v->rows[i] = k[i].row;
    free(k);
    return 0;
}

int ui_view_rebuild(ui_data_view *v, const ui_app *app, const double *pred_shown, gb_error *err)
{
    size_t n_rows = app->ds->n_rows;
    gb_filter *f = NULL;
    if (v->filter[0]) {
        gb_filter_var extra = {"prediction", pred_shown};
        f = gb_filter_parse(v->filter, app->ds, &extra, 1, err);
        if (!f)
            return -1;
    }
    size_t *rows = gb_malloc(n_rows ? n_rows : 1, sizeof *rows, err);
    if (!rows) {
        gb_filter_free(f);
        return -1;
    }
    size_t n = 0;
    if (f) {
        n = gb_filter_select(f, rows);
    } else {
        for (size_t r = 0; r < n_rows; r++)
            rows[r] = r;
        n = n_rows;
    }
    gb_filter_free(f);
    free(v->rows);
    v->rows = rows;
    v->n = n;
    if (v->sort_col != UI_UNSORTED)
        return sort_rows(v, app, pred_shown, err);
    return 0;
}

static int contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return 1;
    return n == 0;
}

long ui_view_search(const ui_data_view *v, const ui_app *app, const double *pred_shown, int col, const char *needle,
                    size_t from, int dir)
{
    if (v->n == 0)
        return -1;
    char buf[256];
    size_t i = from % v->n;
    for (size_t k = 0; k < v->n; k++) {
        size_t r = v->rows[i];
        const char *text;
        if (col == UI_COL_PREDICTION) {
            double p = pred_shown ? pred_shown[r] : NAN;
            snprintf(buf, sizeof buf, "%.6g", p);
            text = buf;
        } else {
            text = ui_cell_text(app, (size_t)col, r, buf, sizeof buf);
        }
        if (contains_nocase(text, needle))
            return (long)i;
        i = dir > 0 ? (i + 1) % v->n : (i + v->n - 1) % v->n;
    }
    return -1;
}

long ui_view_find(const ui_data_view *v, size_t row)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->rows[i] == row)
            return (long)i;
    return -1;
}

void ui_view_free(ui_data_view *v)
{
    free(v->rows);
    v->rows = NULL;
    v->n = 0;
}
