/* test_xgboost.c: the XGBoost loaders (JSON and UBJSON) against outputs of
 * XGBoost 1.7.4 itself (tests/fixtures/xgboost, made by gen.py), plus the
 * JSON and UBJSON readers and hostile files.
 *
 * For every case and both formats: the model loads, says what it is (kind,
 * objective, booster, outputs, feature names = data.csv's header), and its
 * margins and transformed outputs for every row of data.csv equal
 * XGBoost's predict(output_margin=True) and predict() within 1e-5 relative.
 * Hostile files are mutations of a real model written to a temporary
 * folder, each expected to fail with an exact message fragment. */
#include "json_util.h"
#include "model.h"
#include "ubjson.h"
#include "tap.h"

#include <stdint.h>
#include <string.h>
#include <unistd.h>

#define TOL 1e-5

/* ---- files and CSV ----------------------------------------------------- */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap + 1);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *b = realloc(buf, 2 * cap + 1);
            if (!b)
                free(buf);
            buf = b;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    *len = n;
    return buf;
}

static int write_file(const char *path, const char *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(buf, 1, len, f);
    return (fclose(f) == 0 && w == len) ? 0 : -1;
}

/* A CSV file split into fields (no quoting: the fixtures need none). */
typedef struct csv {
    char *text;
    size_t n_rows, n_cols; /* data rows; header not counted */
    char **cells;          /* (n_rows + 1) x n_cols, header first */
} csv;

static void csv_free(csv *c)
{
    free(c->text);
    free(c->cells);
}

static int csv_read(const char *path, csv *c)
{
    size_t len;
    memset(c, 0, sizeof *c);
    if (!(c->text = read_file(path, &len)))
        return -1;
    size_t lines = 0, commas = 0;
    for (char *p = c->text; *p; p++) {
        lines += *p == '\n';
        commas += *p == ',';
    }
    c->cells = malloc((commas + lines + 1) * sizeof *c->cells);
    size_t k = 0, cols = 0;
    char *p = c->text;
    for (size_t l = 0; l < lines; l++) {
        char *end = strchr(p, '\n');
        *end = '\0';
        size_t nf = 0;
        for (char *f = p;; nf++) {
            char *comma = strchr(f, ',');
            c->cells[k++] = f;
            if (!comma)
                break;
            *comma = '\0';
            f = comma + 1;
        }
        nf++;
        if (l == 0)
            cols = nf;
        else if (nf != cols)
            return -1;
        p = end + 1;
    }
    c->n_cols = cols;
    c->n_rows = lines ? lines - 1 : 0;
    return 0;
}

static const char *cell(const csv *c, size_t row, size_t col)
{
    return c->cells[(row + 1) * c->n_cols + col];
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* data.csv as a row-major matrix without the target; a column holding text
 * becomes codes into its sorted levels (pandas' category order). */
static double *read_data(const csv *c, size_t n_features)
{
    double *x = malloc(c->n_rows * n_features * sizeof *x + 1);
    const char **levels = malloc(c->n_rows * sizeof *levels + 1);
    for (size_t f = 0; f < n_features; f++) {
        size_t nl = 0;
        for (size_t r = 0; r < c->n_rows; r++) {
            const char *s = cell(c, r, f);
            char *end;
            double v = strtod(s, &end);
            if (*s == '\0')
                v = NAN;
            else if (*end)
                levels[nl++] = s;
            x[r * n_features + f] = v;
        }
        if (nl == 0)
            continue;
        qsort(levels, nl, sizeof *levels, cmp_str);
        size_t nu = 0;
        for (size_t i = 0; i < nl; i++)
            if (nu == 0 || strcmp(levels[i], levels[nu - 1]) != 0)
                levels[nu++] = levels[i];
        for (size_t r = 0; r < c->n_rows; r++) {
            const char *s = cell(c, r, f);
            const char **hit = *s ? bsearch(&s, levels, nu, sizeof *levels, cmp_str) : NULL;
            if (hit)
                x[r * n_features + f] = (double)(hit - levels);
        }
    }
    free(levels);
    return x;
}

/* row,class,value into out[row * n_groups + class]; returns rows seen. */
static size_t read_outputs(const char *path, int n_groups, size_t n_rows, double *out)
{
    csv c;
    if (csv_read(path, &c) != 0)
        return 0;
    size_t rows = 0;
    for (size_t i = 0; i < c.n_rows; i++) {
        size_t r = strtoul(cell(&c, i, 0), NULL, 10), g = strtoul(cell(&c, i, 1), NULL, 10);
        if (r < n_rows && g < (size_t)n_groups) {
            out[r * n_groups + g] = strtod(cell(&c, i, 2), NULL);
            if (r + 1 > rows)
                rows = r + 1;
        }
    }
    csv_free(&c);
    return rows;
}

/* ---- the reference cases ----------------------------------------------- */

typedef struct xcase {
    const char *name;
    const char *objective;
    const char *booster;
    gb_link link;
    int n_groups;
    int n_classes;
    int predicts_class; /* multi:softmax: predict() gives the class */
} xcase;

static const xcase cases[] = {
    {"regression", "reg:squarederror", "gbtree", GB_LINK_IDENTITY, 1, 0, 0},
    {"binary", "binary:logistic", "gbtree", GB_LINK_LOGISTIC, 1, 2, 0},
    {"multiclass", "multi:softprob", "gbtree", GB_LINK_SOFTMAX, 4, 4, 0},
    {"deep", "reg:squarederror", "gbtree", GB_LINK_IDENTITY, 1, 0, 0},
    {"categorical", "reg:squarederror", "gbtree", GB_LINK_IDENTITY, 1, 0, 0},
    {"thresholds", "reg:squarederror", "gbtree", GB_LINK_IDENTITY, 1, 0, 0},
    {"dart", "reg:squarederror", "dart", GB_LINK_IDENTITY, 1, 0, 0},
    {"gblinear", "reg:squarederror", "gblinear", GB_LINK_IDENTITY, 1, 0, 0},
    {"gblinear_multi", "multi:softprob", "gblinear", GB_LINK_SOFTMAX, 3, 3, 0},
    {"forest", "reg:squarederror", "gbtree", GB_LINK_IDENTITY, 1, 0, 0},
    {"reg_logistic", "reg:logistic", "gbtree", GB_LINK_LOGISTIC, 1, 0, 0},
    {"logitraw", "binary:logitraw", "gbtree", GB_LINK_IDENTITY, 1, 2, 0},
    {"softmax", "multi:softmax", "gbtree", GB_LINK_SOFTMAX, 3, 3, 1},
    {"poisson", "count:poisson", "gbtree", GB_LINK_EXP, 1, 0, 0},
    {"gamma", "reg:gamma", "gbtree", GB_LINK_EXP, 1, 0, 0},
    {"tweedie", "reg:tweedie", "gbtree", GB_LINK_EXP, 1, 0, 0},
    {"v2_binary", "binary:logistic", "gbtree", GB_LINK_LOGISTIC, 1, 2, 0},
    {"v31_binary", "binary:logistic", "gbtree", GB_LINK_LOGISTIC, 1, 2, 0},
    {"v31_multiclass", "multi:softprob", "gbtree", GB_LINK_SOFTMAX, 4, 4, 0},
    {"v13_regression", "reg:squarederror", "gbtree", GB_LINK_IDENTITY, 1, 0, 0},
    {"dart_v33", "reg:squarederror", "gbtree", GB_LINK_IDENTITY, 1, 0, 0},
    {"dart_dev", "reg:squarederror", "gbtree", GB_LINK_IDENTITY, 1, 0, 0},
};

static gb_model *load(const char *path, int ubj, gb_error *err)
{
    size_t len;
    char *buf = read_file(path, &len);
    if (!buf) {
        gb_error_set(err, "%s: cannot read", path);
        return NULL;
    }
    gb_model *m = ubj ? gb_model_load_xgboost_ubjson(path, buf, len, err)
                      : gb_model_load_xgboost_json(path, buf, len, err);
    free(buf);
    return m;
}

/* Index of the largest of n values. */
static int argmax(const double *v, int n)
{
    int best = 0;
    for (int i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return best;
}

/* Compares margins and outputs of every row; returns mismatching rows and
 * describes the first in `first`. */
static size_t compare_rows(const gb_model *m, const xcase *xc, const double *x, size_t n, const double *want_m,
                           const double *want_p, size_t *bad_out, char *first, size_t size)
{
    int g_n = m->n_groups;
    double margin[16], out[16];
    size_t bad_m = 0, bad_p = 0;
    for (size_t r = 0; r < n; r++) {
        gb_model_margin(m, x + r * (size_t)m->n_features, margin);
        gb_model_transform(m, margin, out);
        int row_bad_m = 0, row_bad_p = 0;
        for (int g = 0; g < g_n; g++) {
            if (!tap_close(margin[g], want_m[r * g_n + g], TOL))
                row_bad_m = 1;
            if (!xc->predicts_class && !tap_close(out[g], want_p[r * g_n + g], TOL))
                row_bad_p = 1;
        }
        if (xc->predicts_class && argmax(out, g_n) != (int)want_p[r * g_n])
            row_bad_p = 1;
        if ((row_bad_m || row_bad_p) && !bad_m && !bad_p)
            snprintf(first, size, "row %zu: margin[0] %.9g want %.9g, output[0] %.9g want %.9g", r, margin[0],
                     want_m[r * g_n], out[0], want_p[r * g_n]);
        bad_m += row_bad_m;
        bad_p += row_bad_p;
    }
    *bad_out = bad_p;
    return bad_m;
}

static int names_match(const gb_model *m, const csv *data)
{
    char buf[32];
    if (data->n_cols != (size_t)m->n_features + 1)
        return 0;
    for (int f = 0; f < m->n_features; f++)
        if (strcmp(gb_model_feature_name(m, f, buf, sizeof buf), data->cells[f]) != 0)
            return 0;
    return strcmp(data->cells[m->n_features], "target") == 0;
}

static void check_case(const xcase *xc, int ubj)
{
    char dir[512], path[600];
    const char *fmt = ubj ? "ubj" : "json";
    snprintf(dir, sizeof dir, "%s/tests/fixtures/xgboost/%s", tap_srcdir(), xc->name);
    snprintf(path, sizeof path, "%s/model.%s", dir, fmt);
    gb_error err = {{0}};
    gb_model *m = load(path, ubj, &err);
    if (!ok(m != NULL, "%s/%s: loads%s%s", xc->name, fmt, m ? "" : ": ", m ? "" : err.msg))
        return;
    int linear = strcmp(xc->booster, "gblinear") == 0;
    ok(strcmp(m->format, ubj ? "xgboost-ubjson" : "xgboost-json") == 0, "%s/%s: format %s", xc->name, fmt,
       m->format);
    ok(m->kind == (linear ? GB_MODEL_LINEAR : GB_MODEL_TREES) && strcmp(m->booster, xc->booster) == 0 &&
           strcmp(m->objective, xc->objective) == 0 && m->link == xc->link,
       "%s/%s: kind %s, booster %s, objective %s, link %s", xc->name, fmt, gb_model_kind_name(m->kind), m->booster,
       m->objective, gb_link_name(m->link));
    ok(m->n_groups == xc->n_groups && m->n_classes == xc->n_classes && m->input_float32 == 1,
       "%s/%s: %d outputs, %d classes", xc->name, fmt, m->n_groups, m->n_classes);

    csv data;
    snprintf(path, sizeof path, "%s/data.csv", dir);
    if (!ok(csv_read(path, &data) == 0, "%s/%s: data.csv readable", xc->name, fmt)) {
        gb_model_free(m);
        return;
    }
    ok(names_match(m, &data), "%s/%s: %d features named as data.csv's header", xc->name, fmt, m->n_features);
    size_t n = data.n_rows, g = (size_t)m->n_groups;
    double *x = read_data(&data, data.n_cols - 1);
    double *want_m = calloc(n * g + 1, sizeof *want_m), *want_p = calloc(n * g + 1, sizeof *want_p);
    snprintf(path, sizeof path, "%s/margin.csv", dir);
    size_t nm = read_outputs(path, m->n_groups, n, want_m);
    snprintf(path, sizeof path, "%s/predict.csv", dir);
    size_t np = read_outputs(path, m->n_groups, n, want_p);
    if (ok(nm == n && np == n && n > 0 && names_match(m, &data), "%s/%s: %zu reference rows", xc->name, fmt, n)) {
        char first[256] = "";
        size_t bad_p, bad_m = compare_rows(m, xc, x, n, want_m, want_p, &bad_p, first, sizeof first);
        ok(bad_m == 0, "%s/%s: margins of %zu rows equal XGBoost's (%zu differ) %s", xc->name, fmt, n, bad_m,
           bad_m ? first : "");
        ok(bad_p == 0, "%s/%s: %s of %zu rows equal XGBoost's (%zu differ) %s", xc->name, fmt,
           xc->predicts_class ? "predicted classes" : "outputs", n, bad_p, bad_p ? first : "");
        if (strcmp(xc->name, "thresholds") == 0) {
            /* The rows sit on thresholds: comparing in float64 must differ. */
            m->input_float32 = 0;
            size_t b64 = compare_rows(m, xc, x, n, want_m, want_p, &bad_p, first, sizeof first);
            m->input_float32 = 1;
            ok(b64 > 0, "%s/%s: without float32 rounding %zu rows would differ", xc->name, fmt, b64);
        }
    }
    free(x);
    free(want_m);
    free(want_p);
    csv_free(&data);
    gb_model_free(m);
}

/* Structural facts of some cases that margins alone would not show. */
static void check_structure(void)
{
    char path[600];
    gb_error err;
    snprintf(path, sizeof path, "%s/tests/fixtures/xgboost/categorical/model.json", tap_srcdir());
    gb_model *m = load(path, 0, &err);
    if (m) {
        size_t cat_nodes = 0, multi = 0;
        for (size_t t = 0; t < m->n_trees; t++)
            for (int32_t i = 0; i < m->trees[t].n_nodes; i++) {
                const gb_node *nd = &m->trees[t].nodes[i];
                if (nd->left < 0 || !(nd->flags & GB_NODE_CATEGORICAL))
                    continue;
                cat_nodes++;
                int bits = 0;
                for (uint32_t w = 0; w < nd->cat_words; w++)
                    bits += __builtin_popcount(m->cat_bits[nd->cat_begin + w]);
                multi += bits > 1;
            }
        ok(cat_nodes > 0 && multi > 0, "categorical: %zu categorical splits, %zu with several categories", cat_nodes,
           multi);
        ok(m->feature_categorical && m->feature_categorical[0] && !m->feature_categorical[1] &&
               m->feature_categorical[2],
           "categorical: feature_types mark features 0 and 2 as categorical");
        gb_model_free(m);
    } else {
        ok(0, "categorical model loads: %s", err.msg);
    }
    snprintf(path, sizeof path, "%s/tests/fixtures/xgboost/deep/model.ubj", tap_srcdir());
    m = load(path, 1, &err);
    ok(m && m->n_trees >= 300 && m->max_depth >= 8, "deep: %zu trees, depth %d", m ? m->n_trees : 0,
       m ? m->max_depth : 0);
    gb_model_free(m);
}

/* ---- JSON and UBJSON readers ------------------------------------------- */

static void check_json_util(void)
{
    gb_error err = {{0}};
    const char *s = "{\"a\": [NaN, -Infinity, Infinity, \"5E-1\", \"[2.5E-1]\", 3],\n"
                    " \"s\": \"NaN \\\" Infinity\", \"b\": [true, 0, 1, false]}";
    json_t *j = gb_json_parse(s, strlen(s), "t.json", &err);
    ok(j != NULL, "json: bare NaN/Infinity tokens parse %s", err.msg);
    size_t n = 0;
    double *d = j ? gb_json_get_doubles(j, "a", 6, 1, &n, "", &err) : NULL;
    ok(d && isnan(d[0]) && d[1] == -INFINITY && d[2] == INFINITY && d[3] == 0.5 && d[4] == 0.25 && d[5] == 3.0,
       "json: numbers in every spelling");
    free(d);
    ok(j && strcmp(json_string_value(json_object_get(j, "s")), "NaN \" Infinity") == 0,
       "json: tokens inside strings are left alone");
    int64_t *b = j ? gb_json_get_ints(j, "b", 4, 0, 1, NULL, "x", &err) : NULL;
    ok(b && b[0] == 1 && b[1] == 0 && b[2] == 1 && b[3] == 0, "json: booleans read as 0/1");
    free(b);
    ok(j && !gb_json_get_doubles(j, "a", 6, 0, NULL, "top", &err) && strstr(err.msg, "top.a[0]: nan is not a finite"),
       "json: non-finite refused with the element's path: %s", err.msg);
    ok(j && !gb_json_get_doubles(j, "a", 5, 1, NULL, "top", &err) && strstr(err.msg, "top.a: has 6 elements, expected 5"),
       "json: length mismatch: %s", err.msg);
    json_decref(j);
    j = gb_json_parse("\xEF\xBB\xBF[1]", 6, "bom.json", &err);
    ok(j && json_array_size(j) == 1, "json: a byte-order mark is skipped %s", j ? "" : err.msg);
    json_decref(j);
    const char *bad = "{\n  \"a\": NaN,\n  \"b\": [1, 2,, 3]\n}";
    j = gb_json_parse(bad, strlen(bad), "bad.json", &err);
    ok(!j && strncmp(err.msg, "bad.json:3:14: ", 15) == 0,
       "json: error position in the original text despite rewritten tokens: %s", err.msg);
    json_decref(j);
}

static json_t *ubj(const char *bytes, size_t len, gb_error *err)
{
    return gb_ubjson_parse(bytes, len, "t.ubj", err);
}

static void check_ubjson(void)
{
    gb_error err = {{0}};
    /* {"k": [$d#i2 1.5f NaNf], "s": "hi", "n": Z, "i": I -2} */
    static const char doc[] = "{i\x01k[$d#i\x02\x3f\xc0\x00\x00\x7f\xc0\x00\x00"
                              "i\x01sSi\x02hi" "i\x01nZ" "i\x01iI\xff\xfe" "}";
    json_t *j = ubj(doc, sizeof doc - 1, &err);
    ok(j != NULL, "ubjson: typed float array, string, null, int16 %s", err.msg);
    double v[2] = {0, 0};
    const json_t *k = json_object_get(j, "k");
    ok(j && json_array_size(k) == 2 && gb_json_number(json_array_get(k, 0), &v[0]) == 0 &&
           gb_json_number(json_array_get(k, 1), &v[1]) == 0 && v[0] == 1.5 && isnan(v[1]),
       "ubjson: float32 values, NaN as the string NaN");
    ok(j && json_integer_value(json_object_get(j, "i")) == -2 &&
           strcmp(json_string_value(json_object_get(j, "s")), "hi") == 0,
       "ubjson: big-endian int16 and strings");
    json_decref(j);
    j = ubj(doc, 19, &err);
    ok(!j && strstr(err.msg, "t.ubj: byte 19: the data ends inside an object key"), "ubjson: truncated: %s",
       err.msg);
    static const char liar[] = "[$d#L\x00\x00\x00\x00\x7f\xff\xff\xff\x00\x00\x00\x00";
    j = ubj(liar, sizeof liar - 1, &err);
    ok(!j && strstr(err.msg, "byte 4: the element count 2147483647 cannot fit in the 4 bytes left"),
       "ubjson: lying count refused before allocating: %s", err.msg);
    static const char neg[] = "[#i\xfbZ";
    j = ubj(neg, sizeof neg - 1, &err);
    ok(!j && strstr(err.msg, "byte 2: the element count is negative (-5)"), "ubjson: negative count: %s", err.msg);
    char deep[2000];
    memset(deep, '[', sizeof deep);
    j = ubj(deep, sizeof deep, &err);
    ok(!j && strstr(err.msg, "nested deeper than 512 levels"), "ubjson: depth limit: %s", err.msg);
    j = ubj("[q]", 3, &err);
    ok(!j && strstr(err.msg, "byte 1: unknown marker 'q'"), "ubjson: unknown marker: %s", err.msg);
    j = ubj("[$Z#i\x05", 6, &err);
    ok(!j && strstr(err.msg, "cannot be the element type"), "ubjson: typed array of nulls refused: %s", err.msg);
    j = ubj("ZZ", 2, &err);
    ok(!j && strstr(err.msg, "byte 1: unexpected data after the end"), "ubjson: trailing data: %s", err.msg);
    j = ubj("{i\x01\x80Z}", 6, &err);
    ok(!j && strstr(err.msg, "not valid UTF-8"), "ubjson: invalid UTF-8 key: %s", err.msg);
}

/* ---- hostile files ----------------------------------------------------- */

typedef void (*mutator)(json_t *root);

static json_t *tree0(json_t *root, const char *field)
{
    json_t *trees = json_object_get(json_object_get(json_object_get(json_object_get(root, "learner"),
                                                                    "gradient_booster"), "model"), "trees");
    json_t *t = json_array_get(trees, 0);
    return field ? json_object_get(t, field) : t;
}

static json_t *lmp(json_t *root)
{
    return json_object_get(json_object_get(root, "learner"), "learner_model_param");
}

/* The first internal node of tree 0 after the root. */
static size_t internal_node(json_t *root)
{
    json_t *left = tree0(root, "left_children");
    for (size_t i = 1; i < json_array_size(left); i++)
        if (json_integer_value(json_array_get(left, i)) != -1)
            return i;
    return 0;
}

static void mut_child(json_t *r) { json_array_set_new(tree0(r, "left_children"), internal_node(r), json_integer(912)); }
static void mut_cycle(json_t *r) { json_array_set_new(tree0(r, "right_children"), internal_node(r), json_integer(0)); }
static void mut_short(json_t *r) { json_array_remove(tree0(r, "split_conditions"), 0); }
static void mut_negsize(json_t *r) { json_object_set_new(tree0(r, "tree_param"), "num_nodes", json_string("-5")); }
static void mut_nan(json_t *r) { json_array_set_new(tree0(r, "split_conditions"), 0, json_string("NaN")); }
static void mut_leafinf(json_t *r)
{
    json_t *left = tree0(r, "left_children");
    size_t i = 0;
    while (json_integer_value(json_array_get(left, i)) != -1)
        i++;
    json_array_set_new(tree0(r, "split_conditions"), i, json_real(1e300));
}
static void mut_feature(json_t *r) { json_array_set_new(tree0(r, "split_indices"), 0, json_integer(6)); }
static void mut_numfeat(json_t *r) { json_object_set_new(lmp(r), "num_feature", json_string("2")); }
static void mut_numfeat_nonames(json_t *r)
{
    mut_numfeat(r);
    json_object_del(json_object_get(r, "learner"), "feature_names");
    json_object_del(json_object_get(r, "learner"), "feature_types");
    json_array_set_new(tree0(r, "split_indices"), 0, json_integer(5));
}
static void mut_treeinfo(json_t *r)
{
    json_t *m = json_object_get(json_object_get(json_object_get(r, "learner"), "gradient_booster"), "model");
    json_array_set_new(json_object_get(m, "tree_info"), 1, json_integer(7));
}
static void mut_numclass(json_t *r) { json_object_set_new(lmp(r), "num_class", json_string("1000000000")); }
static void mut_objective(json_t *r)
{
    json_object_set_new(json_object_get(json_object_get(r, "learner"), "objective"), "name", json_string("reg:banana"));
}
static void mut_base(json_t *r) { json_object_set_new(lmp(r), "base_score", json_string("[1E-1,2E-1]")); }
static void mut_base_text(json_t *r) { json_object_set_new(lmp(r), "base_score", json_string("half")); }
static void mut_leafvec(json_t *r) { json_object_set_new(tree0(r, "tree_param"), "size_leaf_vector", json_string("3")); }
static void mut_nolearner(json_t *r) { json_object_del(r, "learner"); }
static void mut_booster(json_t *r)
{
    json_object_set_new(json_object_get(json_object_get(r, "learner"), "gradient_booster"), "name",
                        json_string("gbforest"));
}
static void mut_numtrees(json_t *r)
{
    json_t *m = json_object_get(json_object_get(json_object_get(r, "learner"), "gradient_booster"), "model");
    json_object_set_new(json_object_get(m, "gbtree_model_param"), "num_trees", json_string("31"));
}
/* The root made a categorical split whose set is {cat}, at segment seg. */
static void make_cat_root(json_t *r, json_int_t cat, json_int_t seg)
{
    json_array_set_new(tree0(r, "split_type"), 0, json_integer(1));
    json_t *t = tree0(r, NULL);
    json_object_set_new(t, "categories_nodes", json_pack("[i]", 0));
    json_object_set_new(t, "categories_segments", json_pack("[I]", seg));
    json_object_set_new(t, "categories_sizes", json_pack("[i]", 1));
    json_object_set_new(t, "categories", json_pack("[I]", cat));
}
static void mut_catneg(json_t *r) { make_cat_root(r, -3, 0); }
static void mut_catseg(json_t *r) { make_cat_root(r, 3, 5); }
static void mut_defleft(json_t *r) { json_array_set_new(tree0(r, "default_left"), 0, json_integer(2)); }
static json_t *booster(json_t *r) { return json_object_get(json_object_get(r, "learner"), "gradient_booster"); }
static void mut_weight_drop(json_t *r) { json_array_append_new(json_object_get(booster(r), "weight_drop"), json_real(1.0)); }
static void mut_linear(json_t *r)
{
    json_array_remove(json_object_get(json_object_get(booster(r), "model"), "weights"), 0);
}
static void mut_logit_base(json_t *r) { json_object_set_new(lmp(r), "base_score", json_string("1.5")); }
static void mut_hess(json_t *r) { json_array_set_new(tree0(r, "sum_hessian"), 0, json_real(-1.0)); }

typedef struct hostile {
    const char *source; /* fixture case mutated (NULL: regression) */
    const char *name;
    mutator mutate;
    const char *fragment; /* {node}: the internal node chosen, {n}: nodes in tree 0 */
} hostile;

#define TREE0 "learner.gradient_booster.model.trees[0]"

static const hostile hostiles[] = {
    {NULL, "child out of range", mut_child, TREE0 ".left_children[{node}]: child index 912 is out of range (tree has {n} nodes)"},
    {NULL, "cycle", mut_cycle, TREE0 ".right_children[{node}]: node 0 is reached twice"},
    {NULL, "array lengths", mut_short, TREE0 ".split_conditions: has {n-1} elements, expected {n}"},
    {NULL, "negative size", mut_negsize, TREE0 ".tree_param.num_nodes: -5 is out of range (expected 1 to 2147483647)"},
    {NULL, "NaN threshold", mut_nan, TREE0 ".split_conditions[0]: split threshold is NaN"},
    {NULL, "infinite leaf", mut_leafinf, "is not a finite float32 number"},
    {NULL, "feature index", mut_feature, TREE0 ".split_indices[0]: feature index 6 is out of range (the model has 6 features)"},
    {NULL, "num_feature lie", mut_numfeat, "learner.feature_names: has 6 names, but learner_model_param.num_feature is 2"},
    {NULL, "num_feature lie without names", mut_numfeat_nonames,
     TREE0 ".split_indices[0]: feature index 5 is out of range (the model has 2 features)"},
    {NULL, "tree_info", mut_treeinfo, "learner.gradient_booster.model.tree_info[1]: 7 is out of range (expected 0 to 0)"},
    {NULL, "huge num_class", mut_numclass,
     "learner.learner_model_param.num_class: 1000000000 is out of range (expected 0 to 100000)"},
    {NULL, "unknown objective", mut_objective, "learner.objective.name: objective \"reg:banana\" is not supported"},
    {NULL, "base_score count", mut_base, "learner.learner_model_param.base_score: has 2 values, but the model has 1 outputs"},
    {NULL, "base_score text", mut_base_text, "learner.learner_model_param.base_score: expected a number"},
    {NULL, "multi-target", mut_leafvec, TREE0 ".tree_param.size_leaf_vector: multi-target trees"},
    {NULL, "no learner", mut_nolearner, "learner: missing"},
    {NULL, "unknown booster", mut_booster, "learner.gradient_booster.name: booster \"gbforest\" is not supported"},
    {NULL, "num_trees", mut_numtrees, "model.trees: has 30 trees, but gbtree_model_param.num_trees is 31"},
    {NULL, "negative category", mut_catneg, TREE0 ".categories[0]: -3 is out of range (expected 0 to 16777215)"},
    {NULL, "category segment", mut_catseg, TREE0 ".categories_segments[0]: categories 5..5 lie outside categories (1 elements)"},
    {NULL, "default_left", mut_defleft, TREE0 ".default_left[0]: 2 is out of range (expected 0 to 1)"},
    {NULL, "negative cover", mut_hess, TREE0 ".sum_hessian[0]: cover -1 is not a finite non-negative"},
    {"dart", "DART weights", mut_weight_drop, "learner.gradient_booster.weight_drop: has 26 weights for 25 trees"},
    {"gblinear", "linear weights", mut_linear, "learner.gradient_booster.model.weights: has 5 elements, expected 6"},
    {"binary", "logistic base_score", mut_logit_base,
     "learner.learner_model_param.base_score: 1.5 must lie strictly between 0 and 1 for binary:logistic"},
};

/* The fragment with {node}, {n} and {n-1} replaced. */
static void expand(char *out, size_t size, const char *tmpl, size_t node, size_t n)
{
    size_t o = 0;
    for (const char *p = tmpl; *p && o + 24 < size;) {
        if (strncmp(p, "{node}", 6) == 0) {
            o += (size_t)snprintf(out + o, size - o, "%zu", node);
            p += 6;
        } else if (strncmp(p, "{n-1}", 5) == 0) {
            o += (size_t)snprintf(out + o, size - o, "%zu", n - 1);
            p += 5;
        } else if (strncmp(p, "{n}", 3) == 0) {
            o += (size_t)snprintf(out + o, size - o, "%zu", n);
            p += 3;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
}

static void check_hostile(void)
{
    char path[600], src[600], tmpl[] = "/tmp/gb-xgb-XXXXXX";
    size_t len;
    const char *dir = mkdtemp(tmpl);
    if (!ok(dir != NULL, "hostile: temporary folder"))
        return;
    gb_error err = {{0}};
    for (size_t h = 0; h < sizeof hostiles / sizeof hostiles[0]; h++) {
        snprintf(src, sizeof src, "%s/tests/fixtures/xgboost/%s/model.json", tap_srcdir(),
                 hostiles[h].source ? hostiles[h].source : "regression");
        char *text = read_file(src, &len);
        json_t *root = text ? gb_json_parse(text, len, src, &err) : NULL;
        free(text);
        if (!root) {
            ok(0, "hostile %s: %s parses: %s", hostiles[h].name, src, err.msg);
            continue;
        }
        size_t node = internal_node(root), n_nodes = json_array_size(tree0(root, "left_children"));
        hostiles[h].mutate(root);
        char *out = json_dumps(root, JSON_COMPACT);
        snprintf(path, sizeof path, "%s/hostile.json", dir);
        write_file(path, out, strlen(out));
        gb_model *m = load(path, 0, &err);
        char want[512];
        expand(want, sizeof want, hostiles[h].fragment, node, n_nodes);
        ok(!m && strncmp(err.msg, path, strlen(path)) == 0 && strstr(err.msg, want),
           "hostile %s: %s", hostiles[h].name, m ? "loaded" : err.msg);
        if (m || !strstr(err.msg, want))
            printf("#   wanted: %s\n", want);
        gb_model_free(m);
        free(out);
        json_decref(root);
        unlink(path);
    }
    /* A truncated file: jansson's position, in the original text. */
    snprintf(src, sizeof src, "%s/tests/fixtures/xgboost/regression/model.json", tap_srcdir());
    char *text = read_file(src, &len);
    snprintf(path, sizeof path, "%s/truncated.json", dir);
    if (text)
        write_file(path, text, len / 2);
    gb_model *m = load(path, 0, &err);
    ok(!m && strncmp(err.msg, path, strlen(path)) == 0 && strstr(err.msg, ":1:"), "hostile: truncated JSON: %s",
       err.msg);
    gb_model_free(m);
    unlink(path);
    /* A truncated UBJSON file. */
    size_t ulen;
    char upath[600];
    snprintf(upath, sizeof upath, "%s/tests/fixtures/xgboost/regression/model.ubj", tap_srcdir());
    char *u = read_file(upath, &ulen);
    snprintf(path, sizeof path, "%s/truncated.ubj", dir);
    if (u)
        write_file(path, u, ulen - 3);
    m = load(path, 1, &err);
    ok(u && !m && strstr(err.msg, "truncated.ubj: byte ") && strstr(err.msg, "the data ends inside"),
       "hostile: truncated UBJSON: %s", err.msg);
    gb_model_free(m);
    unlink(path);
    free(u);
    rmdir(dir);
    free(text);
}

int main(void)
{
    check_json_util();
    check_ubjson();
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        check_case(&cases[c], 0);
        check_case(&cases[c], 1);
    }
    check_structure();
    check_hostile();
    return tap_done();
}
