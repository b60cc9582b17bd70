/* model_native.c: glassbox's own JSON model format, read (the writer is
 * model_native_save.c).
 *
 * The format (documented in glassbox-model(5)) is a direct image of
 * gb_model: one object with the model's outputs, link and features, and for
 * tree ensembles one object per tree holding parallel arrays (left, right,
 * feature, threshold, value, cover, ...), so any model glassbox can load,
 * whatever file it came from, can be saved and read back with identical
 * predictions.  It is also what tools/glassbox-export-sklearn writes and
 * what people write by hand for small examples, so the loader checks every
 * field itself and names the exact field path of a problem
 * ("m.json: trees[3].left[7]: child index 912 is out of range ...") before
 * gb_model_finish runs its general checks.  A minimal linear form,
 * {"features": [...], "intercept": b, "coef": [...]}, is accepted too. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* qsort_r */
#endif
#include "model.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_util.h"
#include "model_native.h"

#define MAX_FEATURES (1LL << 24)
#define MAX_OUTPUTS 100000LL
/* Category codes beyond 2^24 cannot be told apart once a value has passed
 * through float32, and the caps keep a hostile file from asking for
 * gigabytes of category bitsets. */
#define MAX_CATEGORY ((1LL << 24) - 1)
#define MAX_CAT_WORDS ((size_t)1 << 24)

/* ---- reading ---------------------------------------------------------- */

typedef struct loader {
    gb_model *m;
    gb_error *err;
    int decision_le;  /* "<=": x <= threshold goes left */
    size_t cat_cap;   /* words allocated in m->cat_bits */
} loader;

/* The flag arrays the writer writes too (model_native.h). */
const native_flag_column native_flag_columns[N_FLAG_COLUMNS] = {
    {"default_left", GB_NODE_DEFAULT_LEFT},
    {"nan_as_zero", GB_NODE_NAN_AS_ZERO},
    {"zero_missing", GB_NODE_ZERO_MISSING},
    {"cat_truncate", GB_NODE_CAT_TRUNCATE}};

/* The arrays of one tree as read from the file, before they become nodes. */
typedef struct tree_arrays {
    size_t n;
    int64_t *left, *right, *feature, *flag[N_FLAG_COLUMNS];
    double *threshold, *value, *cover;
    json_t *categories; /* borrowed; NULL when absent */
} tree_arrays;

static void tree_arrays_free(tree_arrays *a)
{
    for (int k = 0; k < N_FLAG_COLUMNS; k++)
        free(a->flag[k]);
    free(a->left), free(a->right), free(a->feature);
    free(a->threshold), free(a->value), free(a->cover);
}

/* obj.key as a string when present: 1 found, 0 absent, -1 wrong type. */
static int opt_string(const json_t *obj, const char *key, const char **out, gb_error *err)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    if (!json_is_string(v))
        return gb_error_set(err, "%s: expected a string, found %s", key, gb_json_type_name(v));
    *out = json_string_value(v);
    return 1;
}

static int parse_link(const char *s, gb_link *out)
{
    static const struct { const char *name; gb_link link; } links[] = {
        {"identity", GB_LINK_IDENTITY}, {"logistic", GB_LINK_LOGISTIC},
        {"softmax", GB_LINK_SOFTMAX},   {"exp", GB_LINK_EXP}};
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
        if (strcmp(s, links[i].name) == 0) {
            *out = links[i].link;
            return 0;
        }
    return -1;
}

static int cmp_name_index(const void *a, const void *b, void *names)
{
    char **n = names;
    return strcmp(n[*(const int *)a], n[*(const int *)b]);
}

/* Two features with one name would make binding by name ambiguous.  Sorting
 * indices keeps this O(n log n) for files with very many features. */
static int check_unique_names(gb_model *m, gb_error *err)
{
    int n = m->n_features;
    int *idx = gb_malloc((size_t)n, sizeof *idx, err);
    if (!idx)
        return -1;
    for (int i = 0; i < n; i++)
        idx[i] = i;
    qsort_r(idx, (size_t)n, sizeof *idx, cmp_name_index, m->feature_names);
    int rc = 0;
    for (int i = 1; i < n && rc == 0; i++)
        if (strcmp(m->feature_names[idx[i - 1]], m->feature_names[idx[i]]) == 0) {
            int a = idx[i - 1] < idx[i] ? idx[i - 1] : idx[i], b = idx[i - 1] ^ idx[i] ^ a;
            rc = gb_error_set(err, "features[%d]: the name \"%s\" is already features[%d]", b,
                              m->feature_names[b], a);
        }
    free(idx);
    return rc;
}

static int load_feature_types(const json_t *root, gb_model *m, gb_error *err)
{
    json_t *types = json_object_get(root, "feature_types");
    if (!types)
        return 0;
    if (!json_is_array(types) || json_array_size(types) != (size_t)m->n_features)
        return gb_error_set(err, "feature_types: expected an array of %d strings (one per feature), found %s",
                            m->n_features, json_is_array(types) ? "an array of another length"
                                                                : gb_json_type_name(types));
    m->feature_categorical = gb_calloc((size_t)m->n_features, 1, err);
    if (!m->feature_categorical)
        return -1;
    for (int f = 0; f < m->n_features; f++) {
        const char *s = json_string_value(json_array_get(types, (size_t)f));
        if (s && strcmp(s, "categorical") == 0)
            m->feature_categorical[f] = 1;
        else if (!s || strcmp(s, "numeric") != 0)
            return gb_error_set(err, "feature_types[%d]: expected \"numeric\" or \"categorical\"", f);
    }
    return 0;
}

/* "features" (names) or "n_features" (a count, for models without names). */
static int load_features(const json_t *root, gb_model *m, gb_error *err)
{
    json_t *names = json_object_get(root, "features");
    long long count = -1;
    if (json_object_get(root, "n_features") &&
        gb_json_get_int(root, "n_features", 1, MAX_FEATURES, &count, "", err) != 0)
        return -1;
    if (!names) {
        if (count < 0)
            return gb_error_set(err, "features: missing (give the feature names, or n_features when there are none)");
        m->n_features = (int)count;
        return load_feature_types(root, m, err);
    }
    if (!json_is_array(names))
        return gb_error_set(err, "features: expected an array of names, found %s", gb_json_type_name(names));
    size_t n = json_array_size(names);
    if (n == 0 || n > (size_t)MAX_FEATURES)
        return gb_error_set(err, "features: has %zu names, expected 1 to %lld", n, MAX_FEATURES);
    if (count >= 0 && (size_t)count != n)
        return gb_error_set(err, "n_features: is %lld, but features has %zu names", count, n);
    m->feature_names = gb_calloc(n, sizeof *m->feature_names, err);
    if (!m->feature_names)
        return -1;
    m->n_features = (int)n;
    for (size_t f = 0; f < n; f++) {
        json_t *v = json_array_get(names, f);
        if (!json_is_string(v))
            return gb_error_set(err, "features[%zu]: expected a name (a string), found %s", f,
                                gb_json_type_name(v));
        if (!(m->feature_names[f] = gb_strdup(json_string_value(v), err)))
            return -1;
    }
    if (check_unique_names(m, err) != 0)
        return -1;
    return load_feature_types(root, m, err);
}

/* A number, or an array of numbers, into a fresh array; *n gets the count. */
static double *number_or_array(const json_t *root, const char *key, size_t *n, gb_error *err)
{
    json_t *v = json_object_get(root, key);
    if (json_is_array(v))
        return gb_json_get_doubles(root, key, GB_JSON_ANY_LEN, 0, n, "", err);
    double *out = gb_malloc(1, sizeof *out, err);
    if (out && gb_json_get_double(root, key, 0, out, "", err) != 0) {
        free(out);
        return NULL;
    }
    *n = 1;
    return out;
}

/* Fixes n_groups and n_classes and checks that they agree with the link. */
static int set_outputs(const json_t *root, gb_model *m, size_t n_out, gb_error *err)
{
    if (n_out < 1 || n_out > (size_t)MAX_OUTPUTS)
        return gb_error_set(err, "the model has %zu outputs, expected 1 to %lld", n_out, MAX_OUTPUTS);
    m->n_groups = (int)n_out;
    long long nc;
    if (json_object_get(root, "n_classes")) {
        if (gb_json_get_int(root, "n_classes", 0, MAX_OUTPUTS, &nc, "", err) != 0)
            return -1;
        if (nc == 1)
            return gb_error_set(err, "n_classes: 1 is not a classifier; use 0 for regression");
    } else {
        nc = m->link == GB_LINK_SOFTMAX ? (long long)n_out : m->link == GB_LINK_LOGISTIC ? 2 : 0;
    }
    m->n_classes = (int)nc;
    if (m->link == GB_LINK_SOFTMAX && n_out < 2)
        return gb_error_set(err, "link: softmax needs two outputs or more, but the model has %zu", n_out);
    if (nc >= 3 && (size_t)nc != n_out)
        return gb_error_set(err, "n_classes: %lld classes need one output each, but the model has %zu outputs",
                            nc, n_out);
    return 0;
}

/* ---- trees ---- */

static int read_tree_arrays(const json_t *jt, const char *where, tree_arrays *a, gb_error *err)
{
    if (!(a->left = gb_json_get_ints(jt, "left", GB_JSON_ANY_LEN, INT32_MIN, INT32_MAX, &a->n, where, err)))
        return -1;
    if (a->n == 0 || a->n >= INT32_MAX)
        return gb_error_set(err, "%s.left: has %zu nodes, expected 1 to %d", where, a->n, INT32_MAX - 1);
    size_t n = a->n;
    if (!(a->right = gb_json_get_ints(jt, "right", n, INT32_MIN, INT32_MAX, NULL, where, err)) ||
        !(a->feature = gb_json_get_ints(jt, "feature", n, INT32_MIN, INT32_MAX, NULL, where, err)) ||
        !(a->threshold = gb_json_get_doubles(jt, "threshold", n, 1, NULL, where, err)) ||
        !(a->value = gb_json_get_doubles(jt, "value", n, 0, NULL, where, err)) ||
        !(a->cover = gb_json_get_doubles(jt, "cover", n, 0, NULL, where, err)))
        return -1;
    for (int k = 0; k < N_FLAG_COLUMNS; k++)
        if (json_object_get(jt, native_flag_columns[k].key) &&
            !(a->flag[k] = gb_json_get_ints(jt, native_flag_columns[k].key, n, 0, 1, NULL, where, err)))
            return -1;
    a->categories = json_object_get(jt, "categories");
    if (a->categories && (!json_is_array(a->categories) || json_array_size(a->categories) != n))
        return gb_error_set(err, "%s.categories: expected an array of %zu entries (null or a list of codes), found %s",
                            where, n, json_is_array(a->categories) ? "another length"
                                                                   : gb_json_type_name(a->categories));
    return 0;
}

/* Appends the set of category codes `codes` to m->cat_bits. */
static int add_category_set(loader *L, const json_t *codes, const char *where, size_t i, gb_node *nd)
{
    gb_model *m = L->m;
    size_t k = json_array_size(codes);
    long long top = -1;
    for (size_t j = 0; j < k; j++) {
        long long c;
        json_t *v = json_array_get(codes, j);
        if (gb_json_integer(v, &c) != 0 || json_is_boolean(v) || c < 0 || c > MAX_CATEGORY)
            return gb_error_set(L->err, "%s.categories[%zu][%zu]: expected a category code from 0 to %lld",
                                where, i, j, MAX_CATEGORY);
        if (c > top)
            top = c;
    }
    size_t words = top < 0 ? 0 : (size_t)top / 32 + 1;
    if (m->n_cat_bits + words > MAX_CAT_WORDS)
        return gb_error_set(L->err, "%s.categories[%zu]: the category sets of the model are too large", where, i);
    if (m->n_cat_bits + words > L->cat_cap) {
        size_t cap = L->cat_cap ? L->cat_cap : 64;
        while (cap < m->n_cat_bits + words)
            cap *= 2;
        uint32_t *bits = gb_realloc(m->cat_bits, cap, sizeof *bits, L->err);
        if (!bits)
            return -1;
        m->cat_bits = bits;
        L->cat_cap = cap;
    }
    /* An empty set ([]: nothing goes left) has no words, and cat_bits may
     * still be NULL, where even adding 0 is undefined. */
    if (words > 0) {
        uint32_t *set = m->cat_bits + m->n_cat_bits;
        memset(set, 0, words * sizeof *set);
        for (size_t j = 0; j < k; j++) {
            long long c;
            gb_json_integer(json_array_get(codes, j), &c);
            set[c >> 5] |= 1u << (c & 31);
        }
    }
    nd->flags |= GB_NODE_CATEGORICAL;
    nd->cat_begin = (uint32_t)m->n_cat_bits;
    nd->cat_words = (uint32_t)words;
    m->n_cat_bits += words;
    return 0;
}

static int make_node(loader *L, const tree_arrays *a, const char *where, size_t i, gb_node *nd)
{
    json_t *cats = a->categories ? json_array_get(a->categories, i) : NULL;
    memset(nd, 0, sizeof *nd);
    nd->value = a->value[i];
    nd->cover = a->cover[i];
    if (!(nd->cover >= 0.0))
        return gb_error_set(L->err, "%s.cover[%zu]: %g is negative", where, i, nd->cover);
    if (cats && !json_is_null(cats) && !json_is_array(cats))
        return gb_error_set(L->err, "%s.categories[%zu]: expected null or a list of codes, found %s", where, i,
                            gb_json_type_name(cats));
    if (a->left[i] == -1) {
        if (a->right[i] != -1)
            return gb_error_set(L->err, "%s.right[%zu]: node %zu is a leaf (left is -1), so right must be -1, not %lld",
                                where, i, i, (long long)a->right[i]);
        if (json_is_array(cats))
            return gb_error_set(L->err, "%s.categories[%zu]: node %zu is a leaf, so it takes null", where, i, i);
        nd->feature = nd->left = nd->right = -1;
        return 0;
    }
    for (int k = 0; k < 2; k++) {
        int64_t c = k ? a->right[i] : a->left[i];
        if (c < 0 || (size_t)c >= a->n)
            return gb_error_set(L->err, "%s.%s[%zu]: child index %lld is out of range (tree has %zu nodes)", where,
                                k ? "right" : "left", i, (long long)c, a->n);
    }
    if (a->feature[i] < 0 || a->feature[i] >= L->m->n_features)
        return gb_error_set(L->err, "%s.feature[%zu]: feature index %lld is out of range (the model has %d features)",
                            where, i, (long long)a->feature[i], L->m->n_features);
    nd->left = (int32_t)a->left[i];
    nd->right = (int32_t)a->right[i];
    nd->feature = (int32_t)a->feature[i];
    nd->threshold = a->threshold[i];
    for (int k = 0; k < N_FLAG_COLUMNS; k++)
        if (a->flag[k] && a->flag[k][i])
            nd->flags |= native_flag_columns[k].flag;
    if (json_is_array(cats)) {
        if (!isfinite(nd->threshold))
            nd->threshold = 0.0; /* unused by a categorical split */
        return add_category_set(L, cats, where, i, nd);
    }
    if (!isfinite(nd->threshold))
        return gb_error_set(L->err, "%s.threshold[%zu]: the split threshold %g is not a finite number", where, i,
                            nd->threshold);
    /* x <= t is x < the next double above t, for every double x. */
    nd->split = L->decision_le ? nextafter(nd->threshold, INFINITY) : nd->threshold;
    return 0;
}

/* Walks the tree from its root: every reachable node must be reached once
 * (no cycle, no shared child) within GB_MAX_DEPTH levels.  gb_model_finish
 * checks this too; doing it here names the field that points wrong. */
static int check_shape(loader *L, const gb_tree *t, const char *where)
{
    size_t n = (size_t)t->n_nodes;
    unsigned char *seen = gb_calloc(n, 1, L->err);
    int32_t *stack = gb_malloc(n, sizeof *stack, L->err);
    int32_t *depth = gb_malloc(n, sizeof *depth, L->err);
    int rc = seen && stack && depth ? 0 : -1;
    size_t sp = 0;
    if (rc == 0) {
        stack[sp++] = 0;
        seen[0] = 1;
        depth[0] = 0;
    }
    while (rc == 0 && sp) {
        int32_t i = stack[--sp];
        const gb_node *nd = &t->nodes[i];
        if (nd->left < 0)
            continue;
        if (depth[i] + 1 > GB_MAX_DEPTH) {
            rc = gb_error_set(L->err, "%s: node %d lies deeper than %d levels", where, nd->left, GB_MAX_DEPTH);
            break;
        }
        int32_t kids[2] = {nd->left, nd->right};
        for (int k = 0; k < 2 && rc == 0; k++) {
            if (seen[kids[k]]) {
                rc = gb_error_set(L->err, "%s.%s[%d]: node %d is reached a second time, so the nodes do not form a "
                                          "tree (a cycle or a shared child)",
                                  where, k ? "right" : "left", i, kids[k]);
                break;
            }
            seen[kids[k]] = 1;
            depth[kids[k]] = depth[i] + 1;
            stack[sp++] = kids[k];
        }
    }
    free(seen);
    free(stack);
    free(depth);
    return rc;
}

static int load_tree(loader *L, const json_t *jt, size_t ti)
{
    char where[48];
    snprintf(where, sizeof where, "trees[%zu]", ti);
    if (!json_is_object(jt))
        return gb_error_set(L->err, "%s: expected an object, found %s", where, gb_json_type_name(jt));
    gb_tree *t = &L->m->trees[ti];
    long long group = 0;
    if (json_object_get(jt, "output") &&
        gb_json_get_int(jt, "output", 0, L->m->n_groups - 1, &group, where, L->err) != 0)
        return -1;
    t->group = (int32_t)group;
    tree_arrays a = {0};
    int rc = read_tree_arrays(jt, where, &a, L->err);
    if (rc == 0)
        rc = (t->nodes = gb_malloc(a.n, sizeof *t->nodes, L->err)) ? 0 : -1;
    if (rc == 0)
        t->n_nodes = (int32_t)a.n;
    for (size_t i = 0; rc == 0 && i < a.n; i++)
        rc = make_node(L, &a, where, i, &t->nodes[i]);
    if (rc == 0)
        rc = check_shape(L, t, where);
    tree_arrays_free(&a);
    return rc;
}

static int load_trees(const json_t *root, gb_model *m, gb_error *err)
{
    loader L = {.m = m, .err = err};
    const char *decision;
    if (!json_object_get(root, "decision"))
        return gb_error_set(err, "decision: missing: say how x compares with a threshold to go left, \"<\" or \"<=\"");
    if (!(decision = gb_json_get_string(root, "decision", "", err)))
        return -1;
    if (strcmp(decision, "<=") == 0)
        L.decision_le = 1;
    else if (strcmp(decision, "<") != 0)
        return gb_error_set(err, "decision: expected \"<\" or \"<=\", found \"%s\"", decision);
    /* Without "base", a multiclass model has one output per class. */
    size_t n_base = 1;
    long long nc = 0;
    if (json_object_get(root, "base") && !(m->base = number_or_array(root, "base", &n_base, err)))
        return -1;
    if (!m->base && gb_json_integer(json_object_get(root, "n_classes"), &nc) == 0 && nc > 2 && nc <= MAX_OUTPUTS)
        n_base = (size_t)nc;
    if (set_outputs(root, m, n_base, err) != 0)
        return -1;
    json_t *trees = gb_json_get_array(root, "trees", "", err);
    if (!trees)
        return -1;
    size_t n = json_array_size(trees);
    if (n && !(m->trees = gb_calloc(n, sizeof *m->trees, err)))
        return -1;
    m->n_trees = n;
    for (size_t t = 0; t < n; t++)
        if (load_tree(&L, json_array_get(trees, t), t) != 0)
            return -1;
    return 0;
}

/* ---- linear models ---- */

static int load_coef_row(const json_t *row, const char *where, double *out, int n, gb_error *err)
{
    if (!json_is_array(row) || json_array_size(row) != (size_t)n)
        return gb_error_set(err, "%s: expected an array of %d numbers (one per feature), found %s", where, n,
                            json_is_array(row) ? "another length" : gb_json_type_name(row));
    for (int f = 0; f < n; f++) {
        json_t *v = json_array_get(row, (size_t)f);
        if (gb_json_number(v, &out[f]) != 0 || !isfinite(out[f]))
            return gb_error_set(err, "%s[%d]: expected a finite number, found %s", where, f, gb_json_type_name(v));
    }
    return 0;
}

static int load_linear(const json_t *root, gb_model *m, gb_error *err)
{
    json_t *coef = gb_json_get_array(root, "coef", "", err);
    if (!coef)
        return -1;
    size_t n_out = 1;
    int nested = json_is_array(json_array_get(coef, 0));
    if (nested)
        n_out = json_array_size(coef);
    if (set_outputs(root, m, n_out, err) != 0)
        return -1;
    size_t nf = (size_t)m->n_features;
    if (!(m->coef = gb_malloc(n_out * nf, sizeof *m->coef, err)))
        return -1;
    char where[48];
    if (!nested)
        return load_coef_row(coef, "coef", m->coef, m->n_features, err) == 0 ? 0 : -1;
    for (size_t g = 0; g < n_out; g++) {
        snprintf(where, sizeof where, "coef[%zu]", g);
        if (load_coef_row(json_array_get(coef, g), where, m->coef + g * nf, m->n_features, err) != 0)
            return -1;
    }
    return 0;
}

static int load_intercept(const json_t *root, gb_model *m, gb_error *err)
{
    int has_i = json_object_get(root, "intercept") != NULL, has_b = json_object_get(root, "base") != NULL;
    if (has_i && has_b)
        return gb_error_set(err, "base: a linear model takes \"intercept\" or \"base\", not both");
    if (!has_i && !has_b)
        return 0; /* gb_model_finish makes it zero */
    const char *key = has_i ? "intercept" : "base";
    size_t n;
    if (!(m->base = number_or_array(root, key, &n, err)))
        return -1;
    if (n != (size_t)m->n_groups)
        return gb_error_set(err, "%s: has %zu values, but coef has %d outputs", key, n, m->n_groups);
    return 0;
}

/* ---- the document ---- */

static int load_header(const json_t *root, gb_model *m, gb_error *err)
{
    if (!json_is_object(root))
        return gb_error_set(err, "expected a JSON object at the top level, found %s", gb_json_type_name(root));
    const char *s = NULL;
    int minimal = !json_object_get(root, "format") && json_object_get(root, "coef");
    if (!minimal) {
        long long version;
        if (!(s = gb_json_get_string(root, "format", "", err)))
            return gb_error_prefix(err, "not a glassbox model: "), -1;
        if (strcmp(s, "glassbox-model") != 0)
            return gb_error_set(err, "format: expected \"glassbox-model\", found \"%s\"", s);
        if (gb_json_get_int(root, "version", 0, LLONG_MAX, &version, "", err) != 0)
            return -1;
        if (version != NATIVE_VERSION)
            return gb_error_set(err, "version: %lld is not supported (this glassbox reads version %d)", version,
                                NATIVE_VERSION);
    }
    if (opt_string(root, "kind", &s, err) < 0)
        return -1;
    if (!json_object_get(root, "kind") && !minimal)
        return gb_error_set(err, "kind: missing (expected \"trees\" or \"linear\")");
    if (!json_object_get(root, "kind") || strcmp(s, "linear") == 0)
        m->kind = GB_MODEL_LINEAR;
    else if (strcmp(s, "trees") == 0)
        m->kind = GB_MODEL_TREES;
    else
        return gb_error_set(err, "kind: expected \"trees\" or \"linear\", found \"%s\"", s);
    s = "identity";
    if (opt_string(root, "link", &s, err) < 0)
        return -1;
    if (parse_link(s, &m->link) != 0)
        return gb_error_set(err, "link: expected \"identity\", \"logistic\", \"softmax\" or \"exp\", found \"%s\"", s);
    json_t *f32 = json_object_get(root, "input_float32");
    long long flag = 0;
    if (f32 && (gb_json_integer(f32, &flag) != 0 || flag < 0 || flag > 1))
        return gb_error_set(err, "input_float32: expected true or false, found %s", gb_json_type_name(f32));
    m->input_float32 = (int)flag;
    const char *objective = "unspecified", *booster = m->kind == GB_MODEL_LINEAR ? "linear" : "trees";
    if (opt_string(root, "objective", &objective, err) < 0 || opt_string(root, "booster", &booster, err) < 0)
        return -1;
    if (!(m->format = gb_strdup("glassbox", err)) || !(m->objective = gb_strdup(objective, err)) ||
        !(m->booster = gb_strdup(booster, err)))
        return -1;
    return load_features(root, m, err);
}

gb_model *gb_model_load_native(const char *path, const char *buf, size_t len, gb_error *err)
{
    json_t *root = gb_json_parse(buf, len, path, err);
    if (!root)
        return NULL;
    gb_model *m = gb_model_new(err);
    int rc = m ? load_header(root, m, err) : -1;
    if (rc == 0 && m->kind == GB_MODEL_TREES)
        rc = load_trees(root, m, err);
    else if (rc == 0)
        rc = load_linear(root, m, err) || load_intercept(root, m, err) ? -1 : 0;
    if (rc == 0)
        rc = gb_model_finish(m, err);
    json_decref(root);
    if (rc != 0) {
        gb_error_prefix(err, "%s: ", path);
        gb_model_free(m);
        return NULL;
    }
    return m;
}
