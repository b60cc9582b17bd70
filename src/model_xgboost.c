/* model_xgboost.c: XGBoost models saved with Booster.save_model, as JSON
 * or UBJSON, read into a gb_model.
 *
 * Both formats become one jansson tree (gb_json_parse / gb_ubjson_parse)
 * and a single walker reads it.  The walker accepts what XGBoost 1.x, 2.x
 * and 3.x write (upstream src/learner.cc, src/gbm/gbtree.cc,
 * src/gbm/gbtree_model.cc, src/gbm/gblinear_model.cc, src/tree/tree_model.cc):
 *  - base_score as "5E-1", or from 3.1 as "[5E-1]" or one value per output;
 *  - default_left as 0/1 or as booleans (1.3 wrote booleans);
 *  - DART weights beside the trees (gradient_booster.weight_drop: booster
 *    "dart" up to 3.2, "gbtree" in 3.3 and 3.4) or inside the tree model
 *    (model.weight_drop, the development branch after 3.4);
 *  - categorical splits as CSR lists (categories_nodes/_segments/_sizes).
 *
 * Normalisation to model.h's conventions:
 *  - XGBoost compares float32(x) < threshold, so input_float32 = 1 and the
 *    split is the float32 threshold itself;
 *  - XGBoost sends a category IN the node's set to the RIGHT child, model.h
 *    sends set members LEFT: the children of categorical nodes are swapped
 *    and default_left flipped, so missing values still go where XGBoost
 *    sends them;
 *  - the leaf value is split_conditions[leaf] (base_weights is not the
 *    prediction), scaled by the tree's DART weight; cover is sum_hessian;
 *  - base_score is in output space and becomes a margin through the
 *    objective's ProbToMargin, computed in float32 as XGBoost does.
 *
 * Only nodes reachable from a root are checked and kept as they are:
 * pruned nodes stay in XGBoost's arrays with junk in them, so unreachable
 * nodes are turned into harmless zero leaves. */
#include "json_util.h"
#include "model.h"
#include "ubjson.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* XGBoost stores a category as a float: beyond 2^24 it would not be exact,
 * and XGBoost treats such values as outside every set. */
#define XGB_MAX_CATEGORY ((1 << 24) - 1)
/* All category sets of a model together, in 32-bit words (64 MiB). */
#define XGB_MAX_CAT_WORDS ((size_t)1 << 24)
#define XGB_MAX_FEATURES (1 << 26)
#define XGB_MAX_OUTPUTS 100000
#define WHERE_MAX 256

typedef enum base_transform { BASE_IDENTITY, BASE_LOGIT, BASE_LOG } base_transform;

typedef struct objective_info {
    const char *name;
    gb_link link;
    base_transform base;
    int classes; /* 0 regression, 2 binary, -1 multiclass (num_class) */
} objective_info;

/* Objectives whose prediction is link(margin) with one of our links, and
 * how each turns base_score into a margin (upstream src/objective/). */
static const objective_info objectives[] = {
    {"reg:squarederror", GB_LINK_IDENTITY, BASE_IDENTITY, 0},
    {"reg:linear", GB_LINK_IDENTITY, BASE_IDENTITY, 0},
    {"reg:squaredlogerror", GB_LINK_IDENTITY, BASE_IDENTITY, 0},
    {"reg:pseudohubererror", GB_LINK_IDENTITY, BASE_IDENTITY, 0},
    {"reg:absoluteerror", GB_LINK_IDENTITY, BASE_IDENTITY, 0},
    {"reg:quantileerror", GB_LINK_IDENTITY, BASE_IDENTITY, 0},
    {"reg:logistic", GB_LINK_LOGISTIC, BASE_LOGIT, 0},
    {"binary:logistic", GB_LINK_LOGISTIC, BASE_LOGIT, 2},
    {"binary:logitraw", GB_LINK_IDENTITY, BASE_IDENTITY, 2},
    {"count:poisson", GB_LINK_EXP, BASE_LOG, 0},
    {"reg:gamma", GB_LINK_EXP, BASE_LOG, 0},
    {"reg:tweedie", GB_LINK_EXP, BASE_LOG, 0},
    {"survival:cox", GB_LINK_EXP, BASE_LOG, 0},
    {"survival:aft", GB_LINK_EXP, BASE_LOG, 0},
    {"multi:softprob", GB_LINK_SOFTMAX, BASE_IDENTITY, -1},
    {"multi:softmax", GB_LINK_SOFTMAX, BASE_IDENTITY, -1},
    {"rank:pairwise", GB_LINK_IDENTITY, BASE_IDENTITY, 0},
    {"rank:ndcg", GB_LINK_IDENTITY, BASE_IDENTITY, 0},
    {"rank:map", GB_LINK_IDENTITY, BASE_IDENTITY, 0},
};

static const objective_info *find_objective(const char *name)
{
    for (size_t i = 0; i < sizeof objectives / sizeof objectives[0]; i++)
        if (strcmp(objectives[i].name, name) == 0)
            return &objectives[i];
    return NULL;
}

/* v rounded to float32, as XGBoost holds it (overflow saturates to an
 * infinity instead of being undefined). */
static double f32(double v)
{
    if (v > FLT_MAX)
        return INFINITY;
    if (v < -FLT_MAX)
        return -INFINITY;
    return (double)(float)v;
}

/* ---- learner parameters ------------------------------------------------ */

/* The values of base_score: a number, a string holding one ("5E-1"), or a
 * list of them, possibly inside a string ("[5E-1,2.5E-1]", XGBoost 3.1).
 * Returns the count (0 on error) and fills out with up to max values. */
static size_t base_score_values(const json_t *lmp, const char *where, double *out, size_t max,
                                 gb_error *err)
{
    const json_t *v = gb_json_member(lmp, "base_score", where, err);
    if (!v)
        return 0;
    json_t *list = NULL;
    const char *s = json_string_value(v);
    if (s && strchr(s, ',')) {
        gb_error ignored;
        list = gb_json_parse(s, strlen(s), "base_score", &ignored);
        v = list;
    }
    size_t n = 0;
    if (v && json_is_array(v) && json_array_size(v) > 1) {
        n = json_array_size(v);
        for (size_t i = 0; i < n && i < max; i++)
            if (gb_json_number(json_array_get(v, i), &out[i]) != 0)
                n = 0;
    } else if (v && gb_json_number(v, &out[0]) == 0) {
        n = 1;
    }
    json_decref(list);
    if (n == 0)
        gb_error_set(err, "%s.base_score: expected a number or a list of numbers", where);
    return n;
}

/* ProbToMargin of the objective, in float32 as XGBoost computes it. */
static int base_to_margin(const objective_info *obj, double score, double *margin,
                          const char *where, gb_error *err)
{
    if (!isfinite(f32(score)))
        return gb_error_set(err, "%s.base_score: %g is not a finite float32 number", where, score);
    float b = (float)score;
    switch (obj->base) {
    case BASE_LOGIT:
        if (!(b > 0.0f && b < 1.0f))
            return gb_error_set(err, "%s.base_score: %g must lie strictly between 0 and 1 for %s", where,
                                score, obj->name);
        *margin = (double)(-logf(1.0f / b - 1.0f));
        break;
    case BASE_LOG:
        if (!(b > 0.0f))
            return gb_error_set(err, "%s.base_score: %g must be positive for %s", where, score, obj->name);
        *margin = (double)logf(b);
        break;
    case BASE_IDENTITY:
        *margin = (double)b;
        break;
    }
    return 0;
}

/* Objective, outputs, features count and intercepts. */
static int load_learner_params(gb_model *m, const json_t *learner, gb_error *err)
{
    const json_t *objective = gb_json_get_object(learner, "objective", "learner", err);
    const char *name = objective ? gb_json_get_string(objective, "name", "learner.objective", err) : NULL;
    if (!name)
        return -1;
    const objective_info *obj = find_objective(name);
    if (!obj)
        return gb_error_set(err, "learner.objective.name: objective \"%s\" is not supported "
                                 "(glassbox knows no link function for it)", name);
    if (!(m->objective = gb_strdup(name, err)))
        return -1;
    m->link = obj->link;

    const char *where = "learner.learner_model_param";
    const json_t *lmp = gb_json_get_object(learner, "learner_model_param", "learner", err);
    long long nf, nc, nt = 1;
    if (!lmp || gb_json_get_int(lmp, "num_feature", 1, XGB_MAX_FEATURES, &nf, where, err) != 0 ||
        gb_json_get_int(lmp, "num_class", 0, XGB_MAX_OUTPUTS, &nc, where, err) != 0)
        return -1;
    if (json_object_get(lmp, "num_target") &&
        gb_json_get_int(lmp, "num_target", 1, XGB_MAX_OUTPUTS, &nt, where, err) != 0)
        return -1;
    if (nc > 1 && nt > 1)
        return gb_error_set(err, "%s: num_class (%lld) and num_target (%lld) cannot both exceed 1", where, nc, nt);
    if (obj->classes < 0 && nc < 1)
        return gb_error_set(err, "%s.num_class: %s needs at least one class, found %lld", where, name, nc);
    m->n_features = (int)nf;
    m->n_groups = (int)(nc > nt ? nc : nt);
    m->n_classes = obj->classes < 0 ? (int)nc : obj->classes;

    double *scores = gb_malloc((size_t)m->n_groups, sizeof *scores, err);
    if (!scores)
        return -1;
    size_t n = base_score_values(lmp, where, scores, (size_t)m->n_groups, err);
    if (n != 1 && n != (size_t)m->n_groups) {
        free(scores);
        if (n == 0)
            return -1;
        return gb_error_set(err, "%s.base_score: has %zu values, but the model has %d outputs", where, n,
                            m->n_groups);
    }
    m->base = gb_malloc((size_t)m->n_groups, sizeof *m->base, err);
    int rc = m->base ? 0 : -1;
    for (int g = 0; rc == 0 && g < m->n_groups; g++)
        rc = base_to_margin(obj, scores[n == 1 ? 0 : g], &m->base[g], where, err);
    free(scores);
    return rc;
}

/* feature_names and feature_types (both optional; "c" marks a category). */
static int load_feature_info(gb_model *m, const json_t *learner, gb_error *err)
{
    m->feature_categorical = gb_calloc((size_t)m->n_features, 1, err);
    if (!m->feature_categorical)
        return -1;
    const json_t *names = json_object_get(learner, "feature_names");
    if (names && json_array_size(names) > 0) {
        if (json_array_size(names) != (size_t)m->n_features)
            return gb_error_set(err, "learner.feature_names: has %zu names, but learner_model_param.num_feature is %d",
                                json_array_size(names), m->n_features);
        m->feature_names = gb_calloc((size_t)m->n_features, sizeof *m->feature_names, err);
        if (!m->feature_names)
            return -1;
        for (int f = 0; f < m->n_features; f++) {
            const char *s = json_string_value(json_array_get(names, (size_t)f));
            if (!s)
                return gb_error_set(err, "learner.feature_names[%d]: expected a string, found %s", f,
                                    gb_json_type_name(json_array_get(names, (size_t)f)));
            if (!(m->feature_names[f] = gb_strdup(s, err)))
                return -1;
        }
    } else if (names && !json_is_array(names)) {
        return gb_error_set(err, "learner.feature_names: expected an array, found %s", gb_json_type_name(names));
    }
    const json_t *types = json_object_get(learner, "feature_types");
    if (types && json_array_size(types) > 0) {
        if (json_array_size(types) != (size_t)m->n_features)
            return gb_error_set(err, "learner.feature_types: has %zu types, but learner_model_param.num_feature is %d",
                                json_array_size(types), m->n_features);
        for (int f = 0; f < m->n_features; f++) {
            const char *s = json_string_value(json_array_get(types, (size_t)f));
            if (s && strcmp(s, "c") == 0)
                m->feature_categorical[f] = 1;
        }
    }
    return 0;
}

/* ---- trees ------------------------------------------------------------- */

/* One tree's arrays as the file holds them. */
typedef struct tree_arrays {
    int32_t n;
    int64_t *left, *right, *index, *default_left, *split_type;
    double *cond, *hess;
} tree_arrays;

static void tree_arrays_free(tree_arrays *a)
{
    free(a->left);
    free(a->right);
    free(a->index);
    free(a->default_left);
    free(a->split_type);
    free(a->cond);
    free(a->hess);
}

static int read_tree_arrays(const json_t *tj, const char *where, tree_arrays *a, gb_error *err)
{
    char pw[WHERE_MAX + 16];
    snprintf(pw, sizeof pw, "%s.tree_param", where);
    const json_t *tp = gb_json_get_object(tj, "tree_param", where, err);
    long long nn, leaf_vec = 0;
    if (!tp || gb_json_get_int(tp, "num_nodes", 1, INT32_MAX, &nn, pw, err) != 0)
        return -1;
    if (json_object_get(tp, "size_leaf_vector") &&
        gb_json_get_int(tp, "size_leaf_vector", 0, INT32_MAX, &leaf_vec, pw, err) != 0)
        return -1;
    if (leaf_vec > 1)
        return gb_error_set(err, "%s.size_leaf_vector: multi-target trees (%lld outputs per leaf) are not supported",
                            pw, leaf_vec);
    size_t n = (size_t)nn;
    a->n = (int32_t)nn;
    if (!(a->left = gb_json_get_ints(tj, "left_children", n, INT32_MIN, INT32_MAX, NULL, where, err)) ||
        !(a->right = gb_json_get_ints(tj, "right_children", n, INT32_MIN, INT32_MAX, NULL, where, err)) ||
        !(a->index = gb_json_get_ints(tj, "split_indices", n, INT64_MIN, INT64_MAX, NULL, where, err)) ||
        !(a->cond = gb_json_get_doubles(tj, "split_conditions", n, 1, NULL, where, err)) ||
        !(a->default_left = gb_json_get_ints(tj, "default_left", n, 0, 1, NULL, where, err)) ||
        !(a->hess = gb_json_get_doubles(tj, "sum_hessian", n, 1, NULL, where, err)))
        return -1;
    if (json_object_get(tj, "split_type") &&
        !(a->split_type = gb_json_get_ints(tj, "split_type", n, 0, 1, NULL, where, err)))
        return -1;
    return 0;
}

/* Checks reachable node i (an internal node when its left child is not -1)
 * and converts it. */
static int convert_node(const gb_model *m, const tree_arrays *a, int32_t i, double scale, gb_node *nd,
                        const char *where, gb_error *err)
{
    /* XGBoost holds leaves, covers and weights as float32; rounding the
     * decimal text back to float makes JSON and UBJSON agree exactly. */
    double cover = f32(a->hess[i]), cond = f32(a->cond[i]);
    if (!isfinite(cover) || cover < 0.0)
        return gb_error_set(err, "%s.sum_hessian[%d]: cover %g is not a finite non-negative float32 number", where,
                            i, a->hess[i]);
    nd->cover = cover;
    if (a->left[i] == -1) {
        if (!isfinite(cond))
            return gb_error_set(err, "%s.split_conditions[%d]: leaf value %g is not a finite float32 number", where,
                                i, a->cond[i]);
        nd->feature = nd->left = nd->right = -1;
        nd->value = cond * scale;
        return 0;
    }
    const int64_t *kids[2] = {a->left, a->right};
    const char *kid_names[2] = {"left_children", "right_children"};
    for (int k = 0; k < 2; k++)
        if (kids[k][i] < 0 || kids[k][i] >= a->n)
            return gb_error_set(err, "%s.%s[%d]: child index %lld is out of range (tree has %d nodes)", where,
                                kid_names[k], i, (long long)kids[k][i], a->n);
    if (a->index[i] < 0 || a->index[i] >= m->n_features)
        return gb_error_set(err, "%s.split_indices[%d]: feature index %lld is out of range (the model has %d features)",
                            where, i, (long long)a->index[i], m->n_features);
    nd->feature = (int32_t)a->index[i];
    int categorical = a->split_type && a->split_type[i] == 1;
    if (categorical) {
        /* XGBoost: in the set -> right; model.h: in the set -> left. */
        nd->left = (int32_t)a->right[i];
        nd->right = (int32_t)a->left[i];
        nd->flags = GB_NODE_CATEGORICAL | (a->default_left[i] ? 0u : GB_NODE_DEFAULT_LEFT);
        nd->split = nd->threshold = 0.0;
    } else {
        if (isnan(a->cond[i]))
            return gb_error_set(err, "%s.split_conditions[%d]: split threshold is NaN", where, i);
        nd->left = (int32_t)a->left[i];
        nd->right = (int32_t)a->right[i];
        nd->flags = a->default_left[i] ? GB_NODE_DEFAULT_LEFT : 0u;
        nd->split = nd->threshold = cond;
    }
    return 0;
}

/* Walks the tree from its root (breadth first, each node once), converting
 * reachable nodes; the rest stay zero leaves. */
static int convert_tree(const gb_model *m, const tree_arrays *a, double scale, gb_tree *tree,
                        const char *where, gb_error *err)
{
    int32_t n = a->n;
    int32_t *queue = gb_malloc((size_t)n, sizeof *queue, err);
    unsigned char *seen = gb_calloc((size_t)n, 1, err);
    int rc = (queue && seen) ? 0 : -1;
    for (int32_t i = 0; rc == 0 && i < n; i++)
        tree->nodes[i] = (gb_node){.feature = -1, .left = -1, .right = -1};
    size_t head = 0, tail = 0;
    if (rc == 0) {
        queue[tail++] = 0;
        seen[0] = 1;
    }
    while (rc == 0 && head < tail) {
        int32_t i = queue[head++];
        gb_node *nd = &tree->nodes[i];
        rc = convert_node(m, a, i, scale, nd, where, err);
        if (rc != 0 || nd->left < 0)
            continue;
        int32_t kids[2] = {(int32_t)a->left[i], (int32_t)a->right[i]};
        for (int k = 0; rc == 0 && k < 2; k++) {
            if (seen[kids[k]])
                rc = gb_error_set(err, "%s.%s[%d]: node %d is reached twice (the nodes form a cycle or share a child)",
                                  where, k ? "right_children" : "left_children", i, kids[k]);
            else
                seen[queue[tail++] = kids[k]] = 1;
        }
    }
    free(queue);
    free(seen);
    return rc;
}

/* Appends a zeroed set of `words` words to the model's category table. */
static uint32_t *new_cat_set(gb_model *m, size_t words, uint32_t *begin, const char *where, gb_error *err)
{
    if (m->n_cat_bits + words > XGB_MAX_CAT_WORDS) {
        gb_error_set(err, "%s.categories: the category sets need more than %zu words", where, XGB_MAX_CAT_WORDS);
        return NULL;
    }
    /* The table's capacity is always the power of two at or above its size,
     * so growing it is amortised O(1) per word (one set per split node
     * made loading quadratic: a fuzzer's model took 13 s). */
    size_t cap = 1, need = m->n_cat_bits + words;
    while (cap < m->n_cat_bits)
        cap *= 2;
    uint32_t *bits = m->cat_bits;
    if (!bits || need > cap) {
        while (cap < need)
            cap *= 2;
        bits = gb_realloc(m->cat_bits, cap, sizeof *bits, err);
        if (!bits)
            return NULL;
        m->cat_bits = bits;
    }
    *begin = (uint32_t)m->n_cat_bits;
    memset(bits + m->n_cat_bits, 0, words * sizeof *bits);
    m->n_cat_bits += words;
    return bits + *begin;
}

/* Sets of one node: categories[seg .. seg+size) into the model's table. */
static int add_cat_set(gb_model *m, gb_node *nd, const int64_t *cats, int64_t seg, int64_t size,
                       const char *where, gb_error *err)
{
    int64_t top = 0;
    for (int64_t j = seg; j < seg + size; j++)
        if (cats[j] > top)
            top = cats[j];
    size_t words = (size_t)(top / 32 + 1);
    uint32_t begin;
    uint32_t *set = new_cat_set(m, words, &begin, where, err);
    if (!set)
        return -1;
    for (int64_t j = seg; j < seg + size; j++)
        set[cats[j] / 32] |= 1u << (cats[j] % 32);
    nd->cat_begin = begin;
    nd->cat_words = (uint32_t)words;
    m->feature_categorical[nd->feature] = 1;
    return 0;
}

/* The CSR category lists: node k of categories_nodes owns
 * categories[segments[k] .. segments[k] + sizes[k]). */
static int load_categories(gb_model *m, const json_t *tj, const tree_arrays *a, gb_tree *tree,
                           const char *where, gb_error *err)
{
    int any = 0;
    for (int32_t i = 0; i < a->n && a->split_type; i++)
        any |= tree->nodes[i].flags & GB_NODE_CATEGORICAL ? 1 : 0;
    if (!any)
        return 0;
    size_t nc, ncats;
    int64_t *nodes = NULL, *segs = NULL, *sizes = NULL, *cats = NULL;
    int rc = -1;
    if (!(nodes = gb_json_get_ints(tj, "categories_nodes", GB_JSON_ANY_LEN, 0, a->n - 1, &nc, where, err)) ||
        !(segs = gb_json_get_ints(tj, "categories_segments", nc, 0, INT64_MAX, NULL, where, err)) ||
        !(sizes = gb_json_get_ints(tj, "categories_sizes", nc, 1, INT64_MAX, NULL, where, err)) ||
        !(cats = gb_json_get_ints(tj, "categories", GB_JSON_ANY_LEN, 0, XGB_MAX_CATEGORY, &ncats, where, err)))
        goto done;
    for (size_t k = 0; k < nc; k++) {
        int64_t node = nodes[k];
        if (k > 0 && node <= nodes[k - 1]) {
            gb_error_set(err, "%s.categories_nodes[%zu]: node %lld follows node %lld (the list must increase)",
                         where, k, (long long)node, (long long)nodes[k - 1]);
            goto done;
        }
        if (a->split_type[node] != 1) {
            gb_error_set(err, "%s.categories_nodes[%zu]: node %lld is not a categorical split", where, k,
                         (long long)node);
            goto done;
        }
        if (segs[k] > (int64_t)ncats || sizes[k] > (int64_t)ncats - segs[k]) {
            gb_error_set(err, "%s.categories_segments[%zu]: categories %lld..%lld lie outside categories (%zu elements)",
                         where, k, (long long)segs[k], (long long)(segs[k] + sizes[k] - 1), ncats);
            goto done;
        }
        /* Unreachable nodes stay leaves: their sets are not needed. */
        gb_node *nd = &tree->nodes[node];
        if ((nd->flags & GB_NODE_CATEGORICAL) && add_cat_set(m, nd, cats, segs[k], sizes[k], where, err) != 0)
            goto done;
    }
    rc = 0;
done:
    free(nodes);
    free(segs);
    free(sizes);
    free(cats);
    return rc;
}

static int load_tree(gb_model *m, const json_t *tj, double scale, gb_tree *tree, const char *where,
                     gb_error *err)
{
    tree_arrays a = {0};
    int rc = read_tree_arrays(tj, where, &a, err);
    if (rc == 0) {
        tree->n_nodes = a.n;
        tree->nodes = gb_malloc((size_t)a.n, sizeof *tree->nodes, err);
        rc = tree->nodes ? 0 : -1;
    }
    if (rc == 0)
        rc = convert_tree(m, &a, scale, tree, where, err);
    if (rc == 0)
        rc = load_categories(m, tj, &a, tree, where, err);
    tree_arrays_free(&a);
    return rc;
}

/* DART weights, one per tree (later versions may store fewer: the rest are 1). */
static double *load_weight_drop(const json_t *holder, const char *where, size_t n_trees, gb_error *err)
{
    size_t n;
    double *w = gb_json_get_doubles(holder, "weight_drop", GB_JSON_ANY_LEN, 0, &n, where, err);
    if (!w)
        return NULL;
    if (n > n_trees) {
        gb_error_set(err, "%s.weight_drop: has %zu weights for %zu trees", where, n, n_trees);
        free(w);
        return NULL;
    }
    double *all = gb_realloc(w, n_trees ? n_trees : 1, sizeof *all, err);
    if (!all) {
        free(w);
        return NULL;
    }
    for (size_t t = n; t < n_trees; t++)
        all[t] = 1.0;
    return all;
}

/* gbtree (and dart, whose tree model sits one level deeper). */
static int load_gbtree(gb_model *m, const json_t *gb, int dart, gb_error *err)
{
    const char *mwhere = dart ? "learner.gradient_booster.gbtree.model" : "learner.gradient_booster.model";
    const json_t *holder = dart ? gb_json_get_object(gb, "gbtree", "learner.gradient_booster", err) : gb;
    const json_t *model = holder ? gb_json_get_object(holder, "model", dart ? "learner.gradient_booster.gbtree"
                                                                           : "learner.gradient_booster", err)
                                 : NULL;
    const json_t *trees = model ? gb_json_get_array(model, "trees", mwhere, err) : NULL;
    if (!trees)
        return -1;
    size_t n = json_array_size(trees);
    char where[WHERE_MAX];
    snprintf(where, sizeof where, "%s.gbtree_model_param", mwhere);
    long long num_trees;
    const json_t *param = gb_json_get_object(model, "gbtree_model_param", mwhere, err);
    if (!param || gb_json_get_int(param, "num_trees", 0, INT32_MAX, &num_trees, where, err) != 0)
        return -1;
    if ((size_t)num_trees != n)
        return gb_error_set(err, "%s.trees: has %zu trees, but gbtree_model_param.num_trees is %lld", mwhere, n,
                            num_trees);
    int64_t *info = gb_json_get_ints(model, "tree_info", n, 0, m->n_groups - 1, NULL, mwhere, err);
    if (!info)
        return -1;
    /* DART weights: beside the tree model up to 3.4 (booster "dart", and
     * from 3.3 "gbtree" with weights), inside it on the development branch. */
    double *weights = NULL;
    int rc = 0;
    if (json_object_get(model, "weight_drop")) {
        weights = load_weight_drop(model, mwhere, n, err);
        rc = weights ? 0 : -1;
    } else if (dart || json_object_get(gb, "weight_drop")) {
        weights = load_weight_drop(gb, "learner.gradient_booster", n, err);
        rc = weights ? 0 : -1;
    }
    if (rc == 0) {
        m->trees = gb_calloc(n, sizeof *m->trees, err);
        rc = m->trees ? 0 : -1;
    }
    for (size_t t = 0; rc == 0 && t < n; t++) {
        m->n_trees = t + 1;
        m->trees[t].group = (int32_t)info[t];
        snprintf(where, sizeof where, "%s.trees[%zu]", mwhere, t);
        const json_t *tj = json_array_get(trees, t);
        if (!json_is_object(tj))
            rc = gb_error_set(err, "%s: expected an object, found %s", where, gb_json_type_name(tj));
        else
            rc = load_tree(m, tj, weights ? f32(weights[t]) : 1.0, &m->trees[t], where, err);
    }
    free(info);
    free(weights);
    return rc;
}

/* gblinear: weights[f * G + g] for feature f and output g, then the G
 * biases; the bias joins the intercept. */
static int load_gblinear(gb_model *m, const json_t *gb, gb_error *err)
{
    size_t nf = (size_t)m->n_features, ng = (size_t)m->n_groups;
    const json_t *model = gb_json_get_object(gb, "model", "learner.gradient_booster", err);
    double *w = model ? gb_json_get_doubles(model, "weights", (nf + 1) * ng, 0, NULL,
                                            "learner.gradient_booster.model", err)
                      : NULL;
    if (!w)
        return -1;
    m->kind = GB_MODEL_LINEAR;
    m->coef = gb_malloc(nf * ng, sizeof *m->coef, err);
    if (!m->coef) {
        free(w);
        return -1;
    }
    for (size_t g = 0; g < ng; g++) {
        for (size_t f = 0; f < nf; f++)
            m->coef[g * nf + f] = f32(w[f * ng + g]);
        m->base[g] += f32(w[nf * ng + g]);
    }
    free(w);
    return 0;
}

/* ---- entry points ------------------------------------------------------ */

static int load_document(gb_model *m, const json_t *root, gb_error *err)
{
    const json_t *learner = gb_json_get_object(root, "learner", "", err);
    if (!learner || load_learner_params(m, learner, err) != 0 || load_feature_info(m, learner, err) != 0)
        return -1;
    const json_t *gb = gb_json_get_object(learner, "gradient_booster", "learner", err);
    const char *name = gb ? gb_json_get_string(gb, "name", "learner.gradient_booster", err) : NULL;
    if (!name)
        return -1;
    if (!(m->booster = gb_strdup(name, err)))
        return -1;
    if (strcmp(name, "gbtree") == 0)
        return load_gbtree(m, gb, 0, err);
    if (strcmp(name, "dart") == 0)
        return load_gbtree(m, gb, 1, err);
    if (strcmp(name, "gblinear") == 0)
        return load_gblinear(m, gb, err);
    return gb_error_set(err, "learner.gradient_booster.name: booster \"%s\" is not supported", name);
}

static gb_model *load_parsed(const char *path, json_t *root, const char *format, gb_error *err)
{
    if (!root)
        return NULL;
    gb_model *m = gb_model_new(err);
    int rc = m ? 0 : -1;
    if (rc == 0 && !(m->format = gb_strdup(format, err)))
        rc = -1;
    if (rc == 0) {
        m->input_float32 = 1;
        rc = load_document(m, root, err);
        if (rc == 0)
            rc = gb_model_finish(m, err);
    }
    json_decref(root);
    if (rc != 0) {
        gb_error_prefix(err, "%s: ", path);
        gb_model_free(m);
        return NULL;
    }
    return m;
}

gb_model *gb_model_load_xgboost_json(const char *path, const char *buf, size_t len, gb_error *err)
{
    return load_parsed(path, gb_json_parse(buf, len, path, err), "xgboost-json", err);
}

gb_model *gb_model_load_xgboost_ubjson(const char *path, const char *buf, size_t len, gb_error *err)
{
    return load_parsed(path, gb_ubjson_parse(buf, len, path, err), "xgboost-ubjson", err);
}
