/* binding.c: match model features to dataset columns (see binding.h). */
#include "binding.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_feature_name(const gb_model *m, const char *name)
{
    if (!m->feature_names)
        return 0;
    for (int f = 0; f < m->n_features; f++)
        if (m->feature_names[f] && strcmp(m->feature_names[f], name) == 0)
            return 1;
    return 0;
}

static int find_target(const gb_model *m, const gb_dataset *ds, const char *target, gb_error *err)
{
    if (target) {
        int c = gb_dataset_find(ds, target);
        if (c < 0)
            return gb_error_set(err, "%s: no column named '%s' for the target", ds->path, target), -2;
        return c;
    }
    static const char *const defaults[] = {"target", "label", "y"};
    for (size_t i = 0; i < sizeof defaults / sizeof *defaults; i++) {
        int c = gb_dataset_find(ds, defaults[i]);
        if (c >= 0 && !is_feature_name(m, defaults[i]))
            return c;
    }
    return -1;
}

/* Appends ", name" to a bounded list for the error message. */
static void list_add(char *buf, size_t size, size_t *used, const char *name, int *count)
{
    (*count)++;
    if (*count > 12) {
        if (*count == 13 && *used + 6 < size)
            *used += (size_t)snprintf(buf + *used, size - *used, ", ...");
        return;
    }
    if (*used < size)
        *used += (size_t)snprintf(buf + *used, size - *used, "%s'%s'", *count > 1 ? ", " : "", name);
}

static int bind_by_name(const gb_model *m, const gb_dataset *ds, gb_binding *b, gb_error *err)
{
    char missing[600] = "", wrongtype[600] = "";
    size_t mu = 0, wu = 0;
    int n_missing = 0, n_wrong = 0;
    for (int f = 0; f < m->n_features; f++) {
        char buf[32];
        const char *name = gb_model_feature_name(m, f, buf, sizeof buf);
        int c = gb_dataset_find(ds, name);
        b->column[f] = c;
        if (c < 0) {
            list_add(missing, sizeof missing, &mu, name, &n_missing);
        } else if (ds->cols[c].type == GB_COLUMN_CATEGORICAL &&
                   !(m->feature_categorical && m->feature_categorical[f])) {
            list_add(wrongtype, sizeof wrongtype, &wu, name, &n_wrong);
        }
    }
    if (n_missing)
        return gb_error_set(err, "%s: the model's feature%s %s %s not in the data (%d of %d missing)", ds->path,
                            n_missing > 1 ? "s" : "", missing, n_missing > 1 ? "are" : "is", n_missing,
                            m->n_features);
    if (n_wrong) {
        const gb_column *col = &ds->cols[b->column[0]];
        for (int f = 0; f < m->n_features; f++)
            if (ds->cols[b->column[f]].type == GB_COLUMN_CATEGORICAL &&
                !(m->feature_categorical && m->feature_categorical[f])) {
                col = &ds->cols[b->column[f]];
                break;
            }
        return gb_error_set(err, "%s:%zu: column '%s' holds text ('%s') but the model wants a number%s%s", ds->path,
                            col->first_text_line, col->name, col->first_text ? col->first_text : "",
                            n_wrong > 1 ? "; also non-numeric: " : "", n_wrong > 1 ? wrongtype : "");
    }
    return 0;
}

static int bind_by_position(const gb_model *m, const gb_dataset *ds, gb_binding *b, gb_error *err)
{
    size_t available = ds->n_cols - (b->target >= 0 ? 1 : 0);
    if (available != (size_t)m->n_features)
        return gb_error_set(err, "%s: the model names no features and has %d; the data has %zu columns%s, so they "
                            "cannot be matched by position",
                            ds->path, m->n_features, available, b->target >= 0 ? " besides the target" : "");
    int f = 0;
    for (size_t c = 0; c < ds->n_cols; c++) {
        if ((int)c == b->target)
            continue;
        if (ds->cols[c].type == GB_COLUMN_CATEGORICAL && !(m->feature_categorical && m->feature_categorical[f]))
            return gb_error_set(err, "%s:%zu: column '%s' holds text ('%s') but the model wants a number", ds->path,
                                ds->cols[c].first_text_line, ds->cols[c].name,
                                ds->cols[c].first_text ? ds->cols[c].first_text : "");
        b->column[f++] = (int)c;
    }
    return 0;
}

int gb_binding_make(const gb_model *m, const gb_dataset *ds, const char *target, gb_binding *b, gb_error *err)
{
    memset(b, 0, sizeof *b);
    b->n_features = m->n_features;
    b->column = gb_malloc((size_t)m->n_features, sizeof *b->column, err);
    if (!b->column)
        return -1;
    b->target = find_target(m, ds, target, err);
    int rc = b->target == -2 ? -1 : 0;
    if (rc == 0 && target && is_feature_name(m, target))
        rc = gb_error_set(err, "--target %s: that column is one of the model's features", target);
    if (rc == 0)
        rc = m->feature_names ? bind_by_name(m, ds, b, err) : bind_by_position(m, ds, b, err);
    if (rc)
        gb_binding_free(b);
    return rc;
}

void gb_binding_free(gb_binding *b)
{
    free(b->column);
    b->column = NULL;
}

void gb_binding_row(const gb_binding *b, const gb_dataset *ds, size_t row, double *x)
{
    for (int f = 0; f < b->n_features; f++)
        x[f] = ds->cols[b->column[f]].values[row];
}
