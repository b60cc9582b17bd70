/* model_native_save.c: writes a gb_model in glassbox's own JSON format
 * (glassbox-model(5)), which model_native.c reads back.
 *
 * Any model glassbox can load, whatever file it came from, can be saved and
 * read back with identical predictions: numbers are written with the
 * fewest digits that read back exactly, in the C locale whatever the
 * user's, and "<=" thresholds are restored when every split shows the
 * model came from a "<=" format.  The file is written to a temporary file
 * in the destination's directory, synced and renamed into place, so a
 * failure never leaves a partial model behind. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* newlocale/uselocale, mkstemp, fsync */
#endif
#include "model.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json_util.h"
#include "model_native.h"

/* Everything the file must hold exactly has to be a finite number (JSON has
 * no NaN), and names must be UTF-8; checked before a temporary file exists,
 * so writing itself can only fail on I/O. */
static int check_savable(const gb_model *m, gb_error *err)
{
    if (m->n_features <= 0 || m->n_groups <= 0 || !m->base ||
        (m->kind == GB_MODEL_LINEAR ? !m->coef : m->n_trees && !m->trees))
        return gb_error_set(err, "the model is incomplete (no features, outputs, base score, trees or coefficients)");
    for (int g = 0; g < m->n_groups; g++)
        if (!isfinite(m->base[g]))
            return gb_error_set(err, "the base score of output %d is not a finite number", g);
    for (size_t i = 0; m->kind == GB_MODEL_LINEAR && i < (size_t)m->n_groups * m->n_features; i++)
        if (!isfinite(m->coef[i]))
            return gb_error_set(err, "coefficient %zu is not a finite number", i);
    for (size_t t = 0; m->kind == GB_MODEL_TREES && t < m->n_trees; t++)
        for (int32_t i = 0; i < m->trees[t].n_nodes; i++) {
            const gb_node *nd = &m->trees[t].nodes[i];
            const char *what = !(nd->cover >= 0.0) || !isfinite(nd->cover)       ? "cover"
                               : nd->left < 0 && !isfinite(nd->value)             ? "leaf value"
                               : nd->left >= 0 && !(nd->flags & GB_NODE_CATEGORICAL) &&
                                         !isfinite(nd->split)                      ? "split threshold"
                                                                                   : NULL;
            if (what)
                return gb_error_set(err, "tree %zu, node %d: the %s cannot be written (not a finite number)", t, i,
                                    what);
        }
    for (int f = 0; m->feature_names && f < m->n_features; f++) {
        json_t *js = json_string(m->feature_names[f] ? m->feature_names[f] : "");
        json_decref(js);
        if (!js)
            return gb_error_set(err, "the name of feature %d is not valid UTF-8, which JSON requires", f);
    }
    return 0;
}

/* The shortest of 15, 16 or 17 significant digits that reads back as v (the
 * C locale is in force: see write_and_close).  Non-finite values only reach
 * here in fields the format ignores, which get 0. */
static void put_num(FILE *f, double v)
{
    char buf[40];
    if (v == 0.0 || !isfinite(v)) {
        /* "-0" would read back as the integer 0 and lose its sign. */
        fputs(v == 0.0 && signbit(v) ? "-0.0" : "0", f);
        return;
    }
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, sizeof buf, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    fputs(buf, f);
}

static void put_nums(FILE *f, const double *v, size_t n)
{
    fputc('[', f);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ", " : "", f);
        put_num(f, v[i]);
    }
    fputc(']', f);
}

/* A JSON string; jansson does the escaping (check_savable saw it is UTF-8). */
static void put_string(FILE *f, const char *s)
{
    json_t *js = json_string(s);
    char *text = js ? json_dumps(js, JSON_ENCODE_ANY) : NULL;
    fputs(text ? text : "\"\"", f);
    free(text);
    json_decref(js);
}

enum { COL_LEFT, COL_RIGHT, COL_FEATURE, COL_THRESHOLD, COL_VALUE, COL_COVER, COL_FLAG };

/* One array of a tree, on one line.  COL_FLAG + k writes
 * native_flag_columns[k].  Leaves get -1 and 0 in the fields they do not
 * use. */
static void put_tree_array(FILE *f, const gb_tree *t, int col, const char *key, int decision_le)
{
    fprintf(f, ",\n     \"%s\": [", key);
    for (int32_t i = 0; i < t->n_nodes; i++) {
        const gb_node *nd = &t->nodes[i];
        int leaf = nd->left < 0, numeric = !leaf && !(nd->flags & GB_NODE_CATEGORICAL);
        fputs(i ? ", " : "", f);
        switch (col) {
        case COL_LEFT: fprintf(f, "%d", leaf ? -1 : nd->left); break;
        case COL_RIGHT: fprintf(f, "%d", leaf ? -1 : nd->right); break;
        case COL_FEATURE: fprintf(f, "%d", leaf ? -1 : nd->feature); break;
        case COL_THRESHOLD: put_num(f, leaf ? 0.0 : numeric && !decision_le ? nd->split : nd->threshold); break;
        case COL_VALUE: put_num(f, nd->value); break;
        case COL_COVER: put_num(f, nd->cover); break;
        default:
            fputc(!leaf && (nd->flags & native_flag_columns[col - COL_FLAG].flag) ? '1' : '0', f);
            break;
        }
    }
    fputc(']', f);
}

static void put_categories(FILE *f, const gb_model *m, const gb_tree *t)
{
    fputs(",\n     \"categories\": [", f);
    for (int32_t i = 0; i < t->n_nodes; i++) {
        const gb_node *nd = &t->nodes[i];
        fputs(i ? ", " : "", f);
        if (nd->left < 0 || !(nd->flags & GB_NODE_CATEGORICAL)) {
            fputs("null", f);
            continue;
        }
        const char *sep = "[";
        for (uint32_t k = 0; k < nd->cat_words && (size_t)nd->cat_begin + k < m->n_cat_bits; k++)
            for (uint32_t b = 0; b < 32; b++)
                if (m->cat_bits[nd->cat_begin + k] >> b & 1u) {
                    fprintf(f, "%s%u", sep, k * 32 + b);
                    sep = ", ";
                }
        fputs(*sep == '[' ? "[]" : "]", f);
    }
    fputc(']', f);
}

static int any_flag(const gb_tree *t, uint32_t flag)
{
    for (int32_t i = 0; i < t->n_nodes; i++)
        if (t->nodes[i].left >= 0 && (t->nodes[i].flags & flag))
            return 1;
    return 0;
}

/* "<=" when every numeric split is the double just above its threshold (a
 * model read from a "<=" format), so the file shows the original
 * thresholds; otherwise "<" with the splits themselves. */
static int decision_is_le(const gb_model *m)
{
    int lt = 1, le = 1;
    for (size_t t = 0; t < m->n_trees; t++)
        for (int32_t i = 0; i < m->trees[t].n_nodes; i++) {
            const gb_node *nd = &m->trees[t].nodes[i];
            if (nd->left < 0 || (nd->flags & GB_NODE_CATEGORICAL))
                continue;
            lt &= nd->split == nd->threshold;
            le &= nd->split == nextafter(nd->threshold, INFINITY);
        }
    return !lt && le;
}

static void put_trees(FILE *f, const gb_model *m)
{
    static const char *const keys[] = {"left", "right", "feature", "threshold", "value", "cover"};
    int le = decision_is_le(m);
    fputs(",\n  \"base\": ", f);
    put_nums(f, m->base, (size_t)m->n_groups);
    fprintf(f, ",\n  \"decision\": \"%s\",\n  \"trees\": [", le ? "<=" : "<");
    for (size_t t = 0; t < m->n_trees; t++) {
        const gb_tree *tr = &m->trees[t];
        fprintf(f, "%s\n    {\"output\": %d", t ? "," : "", tr->group);
        for (int col = COL_LEFT; col < COL_FLAG; col++)
            put_tree_array(f, tr, col, keys[col], le);
        for (int k = 0; k < N_FLAG_COLUMNS; k++)
            if (any_flag(tr, native_flag_columns[k].flag))
                put_tree_array(f, tr, COL_FLAG + k, native_flag_columns[k].key, le);
        if (any_flag(tr, GB_NODE_CATEGORICAL))
            put_categories(f, m, tr);
        fputc('}', f);
    }
    fputs("\n  ]", f);
}

static void put_linear(FILE *f, const gb_model *m)
{
    fputs(",\n  \"intercept\": ", f);
    put_nums(f, m->base, (size_t)m->n_groups);
    fputs(",\n  \"coef\": [", f);
    for (int g = 0; g < m->n_groups; g++) {
        fputs(g ? ",\n    " : "\n    ", f);
        put_nums(f, m->coef + (size_t)g * m->n_features, (size_t)m->n_features);
    }
    fputs("\n  ]", f);
}

static void put_model(FILE *f, const gb_model *m)
{
    fprintf(f, "{\n  \"format\": \"glassbox-model\",\n  \"version\": %d,\n  \"kind\": \"%s\"", NATIVE_VERSION,
            gb_model_kind_name(m->kind));
    if (m->booster) {
        fputs(",\n  \"booster\": ", f);
        put_string(f, m->booster);
    }
    if (m->objective) {
        fputs(",\n  \"objective\": ", f);
        put_string(f, m->objective);
    }
    fprintf(f, ",\n  \"link\": \"%s\",\n  \"n_classes\": %d,\n  \"n_features\": %d", gb_link_name(m->link),
            m->n_classes, m->n_features);
    for (int i = 0; m->feature_names && i < m->n_features; i++) {
        fputs(i ? ", " : ",\n  \"features\": [", f);
        put_string(f, m->feature_names[i] ? m->feature_names[i] : "");
        fputs(i + 1 == m->n_features ? "]" : "", f);
    }
    for (int i = 0; m->feature_categorical && i < m->n_features; i++)
        fprintf(f, "%s\"%s\"%s", i ? ", " : ",\n  \"feature_types\": [",
                m->feature_categorical[i] ? "categorical" : "numeric", i + 1 == m->n_features ? "]" : "");
    fprintf(f, ",\n  \"input_float32\": %s", m->input_float32 ? "true" : "false");
    if (m->kind == GB_MODEL_LINEAR)
        put_linear(f, m);
    else
        put_trees(f, m);
    fputs("\n}\n", f);
}

/* Writes the document and closes f.  The C numeric locale is switched in
 * for this thread only: the explorer runs under the user's locale, and
 * "0,5" is not JSON. */
static int write_and_close(FILE *f, const gb_model *m, gb_error *err)
{
    locale_t c_loc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (c_loc == (locale_t)0) {
        fclose(f);
        return gb_error_set(err, "cannot switch to the C locale: %s", strerror(errno));
    }
    locale_t old = uselocale(c_loc);
    put_model(f, m);
    uselocale(old);
    freelocale(c_loc);
    int bad = fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0;
    int saved = errno;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        saved = errno;
    }
    return bad ? gb_error_set(err, "could not write: %s", strerror(saved)) : 0;
}

int gb_model_save_native(const gb_model *m, const char *path, gb_error *err)
{
    size_t n = strlen(path);
    char *tmp = NULL;
    int fd = -1, rc = check_savable(m, err);
    if (rc == 0 && !(tmp = gb_malloc(n + 16, 1, err)))
        rc = -1;
    if (rc == 0) {
        /* In the destination's directory, so that rename is atomic. */
        snprintf(tmp, n + 16, "%s.tmp.XXXXXX", path);
        if ((fd = mkstemp(tmp)) < 0)
            rc = gb_error_set(err, "cannot create a file there: %s", strerror(errno));
    }
    if (fd >= 0) {
        fchmod(fd, 0644); /* mkstemp makes it private; a model is an ordinary file */
        FILE *f = fdopen(fd, "w");
        if (!f) {
            rc = gb_error_set(err, "%s", strerror(errno));
            close(fd);
        } else {
            rc = write_and_close(f, m, err);
        }
        if (rc == 0 && rename(tmp, path) != 0)
            rc = gb_error_set(err, "cannot rename the finished file into place: %s", strerror(errno));
        if (rc != 0)
            unlink(tmp);
    }
    if (rc != 0)
        gb_error_prefix(err, "%s: ", path);
    free(tmp);
    return rc;
}
