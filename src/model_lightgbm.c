/* model_lightgbm.c: LightGBM's text model format (model.txt, versions v3
 * and v4) read into a gb_model.
 *
 * A file is a header of key=value lines, then one block of key=value lines
 * per tree ("Tree=N" ... blank line), then "end of trees", then importances,
 * parameters and pandas categories, which glassbox has no use for.  The rules
 * below were taken from LightGBM's own reader and predictor
 * (src/boosting/gbdt_model_text.cpp LoadModelFromString, src/io/tree.cpp
 * Tree::Tree(const char*), include/LightGBM/tree.h NumericalDecision and
 * CategoricalDecision, src/objective/ ConvertOutput):
 *
 *  - tree t adds to output t % num_tree_per_iteration; shrinkage and the
 *    initial score are already in the leaf values;
 *  - average_output (random forests) divides the summed margins by the number
 *    of iterations before the link: we divide the leaf values instead.  Our
 *    margin is therefore what LightGBM feeds its link, which for these models
 *    differs from predict(raw_score=True): that one returns the plain sum;
 *  - binary's (and multiclassova's) `sigmoid:s` parameter makes
 *    p = 1 / (1 + exp(-s * raw)): we fold s into the leaf values so the
 *    logistic link stays the plain one.  The margins, and SHAP values
 *    computed from them, are then s times LightGBM's raw scores, i.e. log-odds
 *    of the probability LightGBM reports (the two agree for the default s = 1);
 *  - numeric nodes send x <= threshold left, in double precision.  A NaN is
 *    first replaced by 0 unless the node's missing type is NaN; with missing
 *    type Zero, |x| <= 1e-35 takes the default direction.  We store
 *    split = nextafter(threshold, +inf) so that gb_node_next's x < split is
 *    the same test;
 *  - categorical nodes send a category whose bit is set in the node's bitset
 *    left, and NaN, negative values and categories beyond the bitset right;
 *    default_left and the missing type play no part there.
 *
 * Cover for TreeSHAP is the data count (internal_count, leaf_count), as in
 * LightGBM's own TreeSHAP; a tree whose counts are missing or zero falls back
 * to the hessian sums (internal_weight, leaf_weight), and a tree with neither
 * is an error because no explanation could be right.  A single-leaf tree has
 * no split to weigh: its cover is its count, else its weight, else 1.
 *
 * Everything in the file is checked before it is used: array lengths against
 * num_leaves, child indices, that every node has exactly one parent and is
 * reachable from the root, feature indices against max_feature_idx, category
 * set bounds.  Messages name the file, the 1-based line and the key.  The
 * text itself (lines, key=value blocks, numbers) is read by lgb_text.c; this
 * file gives the keys their meaning and builds the model. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* newlocale */
#endif
#include "model.h"

#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgb_text.h"

/* Beyond these the file is not a model anyone trained. */
#define LGB_MAX_FEATURES (1 << 24)
#define LGB_MAX_CLASSES 100000
#define LGB_MAX_LEAVES (1 << 29)

/* ---- the header --------------------------------------------------------- */

enum {
    H_VERSION, H_NUM_CLASS, H_NUM_TREE_PER_ITERATION, H_MAX_FEATURE_IDX, H_OBJECTIVE,
    H_AVERAGE_OUTPUT, H_FEATURE_NAMES, H_FEATURE_INFOS, H_TREE_SIZES, H_NKEYS
};
static const char *const header_keys[H_NKEYS] = {
    "version", "num_class", "num_tree_per_iteration", "max_feature_idx", "objective",
    "average_output", "feature_names", "feature_infos", "tree_sizes"};

/* Reads feature_names (names = 1) or feature_infos, which holds "[min:max]"
 * for numeric features, "none" for unused ones and "c1:c2:..." (the
 * categories seen) for categorical ones. */
static int read_feature_list(const lgb_reader *r, const lgb_field *f, gb_model *m, int names)
{
    size_t have = lgb_count_tokens(f);
    if (have != (size_t)m->n_features)
        return gb_error_set(r->err, "%s:%d: %s has %zu %s, but max_feature_idx=%d needs %d", r->path, f->line,
                            names ? "feature_names" : "feature_infos", have, names ? "names" : "entries",
                            m->n_features - 1, m->n_features);
    if (names && !(m->feature_names = gb_calloc((size_t)m->n_features, sizeof *m->feature_names, r->err)))
        return -1;
    const char *p = f->s, *end = f->s + f->n, *tok;
    size_t len;
    for (int i = 0; (tok = lgb_next_token(&p, end, &len)) != NULL; i++) {
        if (!names) {
            m->feature_categorical[i] = tok[0] != '[' && !(len == 4 && memcmp(tok, "none", 4) == 0);
            continue;
        }
        if (!(m->feature_names[i] = gb_malloc(len + 1, 1, r->err)))
            return -1;
        memcpy(m->feature_names[i], tok, len);
        m->feature_names[i][len] = '\0';
    }
    return 0;
}

/* ---- objectives --------------------------------------------------------- */

enum {
    OBJ_IDENTITY, OBJ_IDENTITY_SQRT, OBJ_EXP, OBJ_BINARY, OBJ_XENTROPY, OBJ_MULTI, OBJ_OVA, OBJ_UNSUPPORTED
};

/* Each group: the canonical name, then its aliases (include/LightGBM/
 * config.h ParseObjectiveAlias), and what ConvertOutput does for them.
 * OBJ_IDENTITY_SQRT: identity, but the `sqrt` option (y = sign(r) r^2)
 * survives loading; huber and the exp family switch it off.  OBJ_OVA
 * (one-vs-all) gives each class its own sigmoid, with no normalisation: the
 * logistic link applied to each of the K margins. */
static const struct {
    int kind;
    const char *names;
} objectives[] = {
    {OBJ_IDENTITY_SQRT,
     "regression regression_l2 mean_squared_error mse l2 l2_root root_mean_squared_error rmse"},
    {OBJ_IDENTITY_SQRT, "regression_l1 mean_absolute_error l1 mae"},
    {OBJ_IDENTITY_SQRT, "mape mean_absolute_percentage_error"},
    {OBJ_IDENTITY_SQRT, "quantile"}, {OBJ_IDENTITY_SQRT, "fair"}, {OBJ_IDENTITY, "huber"},
    {OBJ_IDENTITY, "lambdarank"}, {OBJ_IDENTITY, "rank_xendcg xendcg xe_ndcg xe_ndcg_mart xendcg_mart"},
    {OBJ_IDENTITY, "custom none null na"},
    {OBJ_EXP, "poisson"}, {OBJ_EXP, "gamma"}, {OBJ_EXP, "tweedie"},
    {OBJ_BINARY, "binary"}, {OBJ_XENTROPY, "cross_entropy xentropy"}, {OBJ_MULTI, "multiclass softmax"},
    {OBJ_OVA, "multiclassova multiclass_ova ova ovr"}, {OBJ_UNSUPPORTED, "cross_entropy_lambda xentlambda"},
};

/* The group that lists name (n bytes), or -1. */
static int find_objective(const char *name, size_t n)
{
    for (size_t g = 0; g < sizeof objectives / sizeof objectives[0]; g++) {
        const char *p = objectives[g].names, *end = p + strlen(p), *tok;
        size_t len;
        while ((tok = lgb_next_token(&p, end, &len)) != NULL)
            if (len == n && memcmp(tok, name, n) == 0)
                return (int)g;
    }
    return -1;
}

/* What the objective line says, once understood. */
typedef struct lgb_objective {
    double leaf_scale;  /* binary's sigmoid, folded into the leaves */
    long num_class;     /* multiclass's num_class:K, or -1 */
} lgb_objective;

/* Reads the `k:v` parameters and the `sqrt` flag after the name. */
static int objective_params(const lgb_reader *r, const lgb_field *f, const char *p, int kind,
                            lgb_objective *o)
{
    const char *end = f->s + f->n, *tok;
    size_t len;
    while ((tok = lgb_next_token(&p, end, &len)) != NULL) {
        if (len == 4 && memcmp(tok, "sqrt", 4) == 0 && kind == OBJ_IDENTITY_SQRT)
            return gb_error_set(r->err,
                                "%s:%d: objective: the sqrt option (predictions are sign(r)*r^2) is not "
                                "supported: glassbox has no such link",
                                r->path, f->line);
        const char *colon = memchr(tok, ':', len);
        if (!colon)
            continue;
        size_t klen = (size_t)(colon - tok), vlen = len - klen - 1;
        double v;
        int is_sigmoid = klen == 7 && memcmp(tok, "sigmoid", 7) == 0;
        int is_num_class = klen == 9 && memcmp(tok, "num_class", 9) == 0;
        if (!is_sigmoid && !is_num_class)
            continue;
        if (lgb_parse_number(r, colon + 1, vlen, is_num_class, &v) != 0)
            return gb_error_set(r->err, "%s:%d: objective: '%.*s' is not a valid %.*s", r->path, f->line,
                                (int)(len > 40 ? 40 : len), tok, (int)klen, tok);
        if (is_sigmoid && (kind == OBJ_BINARY || kind == OBJ_OVA)) {
            if (!(v > 0.0))
                return gb_error_set(r->err, "%s:%d: objective: sigmoid:%g must be greater than zero", r->path,
                                    f->line, v);
            o->leaf_scale = v;
        }
        if (is_num_class && (kind == OBJ_MULTI || kind == OBJ_OVA))
            o->num_class = v < 0 || v > LGB_MAX_CLASSES ? LGB_MAX_CLASSES + 1 : (long)v;
    }
    return 0;
}

/* Sets the link, objective name and class count from the objective line.
 * k is num_tree_per_iteration, num_class the header's (from num_class_field). */
static int read_objective(const lgb_reader *r, const lgb_field *f, const lgb_field *num_class_field,
                          long num_class, long k, gb_model *m, lgb_objective *o)
{
    const char *name = "custom";
    size_t nlen = 6;
    const char *p = NULL;
    o->leaf_scale = 1.0;
    o->num_class = -1;
    if (f->s) {
        p = f->s;
        name = lgb_next_token(&p, f->s + f->n, &nlen);
        if (!name)
            return gb_error_set(r->err, "%s:%d: objective= names no objective", r->path, f->line);
    }
    int group = find_objective(name, nlen);
    if (group < 0)
        return gb_error_set(r->err, "%s:%d: objective '%.*s' is not a LightGBM objective glassbox knows",
                            r->path, f->line, (int)(nlen > 60 ? 60 : nlen), name);
    int kind = objectives[group].kind;
    char canonical[32];
    snprintf(canonical, sizeof canonical, "%.*s", (int)strcspn(objectives[group].names, " "),
             objectives[group].names);
    if (kind == OBJ_UNSUPPORTED)
        return gb_error_set(r->err,
                            "%s:%d: objective '%s' is not supported: its output transformation "
                            "(log(1 + exp(raw))) is not one of glassbox's links",
                            r->path, f->line, canonical);
    if (p && objective_params(r, f, p, kind, o) != 0)
        return -1;
    m->objective = gb_strdup(canonical, r->err);
    if (!m->objective)
        return -1;
    int logistic = kind == OBJ_BINARY || kind == OBJ_XENTROPY, multi = kind == OBJ_MULTI || kind == OBJ_OVA;
    m->link = kind == OBJ_EXP ? GB_LINK_EXP : logistic || kind == OBJ_OVA ? GB_LINK_LOGISTIC
            : kind == OBJ_MULTI ? GB_LINK_SOFTMAX : GB_LINK_IDENTITY;
    m->n_classes = kind == OBJ_BINARY                                 ? 2
                   : multi || (kind == OBJ_IDENTITY && num_class > 1) ? (int)num_class
                                                                      : 0;
    if (logistic && k != 1)
        return gb_error_set(r->err, "%s:%d: objective %s needs num_tree_per_iteration=1, not %ld", r->path,
                            f->line, canonical, k);
    /* LightGBM trains several classes only with a multiclass objective or a
     * custom one (one tree per class and iteration); anything else would
     * load as classes without outputs, which glassbox-model(5) refuses. */
    if (!multi && num_class > 1 && (kind != OBJ_IDENTITY || k != num_class))
        return gb_error_set(r->err,
                            "%s:%d: num_class=%ld does not fit objective=%s with num_tree_per_iteration=%ld "
                            "(several classes need a multiclass objective, or a custom one with one tree "
                            "per class)",
                            r->path, num_class_field->line, num_class, canonical, k);
    /* LightGBM itself will not train a multiclass objective on one class;
     * loaded, it would be a softmax (or one-vs-all) over a single output
     * with one class, which glassbox-model(5) refuses on reload. */
    if (multi && num_class < 2)
        return gb_error_set(r->err,
                            "%s:%d: num_class=%ld does not fit objective=%s (a multiclass objective needs "
                            "num_class=2 or more)",
                            r->path, num_class_field->line, num_class, canonical);
    if (multi && o->num_class >= 0 && o->num_class != num_class)
        return gb_error_set(r->err, "%s:%d: objective says num_class:%ld but the header says num_class=%ld",
                            r->path, f->line, o->num_class, num_class);
    if (multi && k != num_class)
        return gb_error_set(r->err,
                            "%s:%d: %s needs one tree per class and iteration, but "
                            "num_tree_per_iteration=%ld and num_class=%ld",
                            r->path, f->line, canonical, k, num_class);
    return 0;
}

/* ---- trees ------------------------------------------------------------- */

enum {
    T_NUM_LEAVES, T_NUM_CAT, T_SPLIT_FEATURE, T_THRESHOLD, T_DECISION_TYPE, T_LEFT_CHILD, T_RIGHT_CHILD,
    T_LEAF_VALUE, T_LEAF_WEIGHT, T_LEAF_COUNT, T_INTERNAL_WEIGHT, T_INTERNAL_COUNT, T_CAT_BOUNDARIES,
    T_CAT_THRESHOLD, T_IS_LINEAR, T_NKEYS
};
static const char *const tree_keys[T_NKEYS] = {
    "num_leaves", "num_cat", "split_feature", "threshold", "decision_type", "left_child", "right_child",
    "leaf_value", "leaf_weight", "leaf_count", "internal_weight", "internal_count", "cat_boundaries",
    "cat_threshold", "is_linear"};

/* The arrays of one tree block, parsed. */
typedef struct lgb_arrays {
    long num_leaves, num_cat;
    double *a[T_NKEYS]; /* NULL for the scalars and absent keys */
} lgb_arrays;

/* Checks that cat_boundaries starts at 0 and never decreases. */
static int check_boundaries(const lgb_reader *r, size_t tree, const lgb_field *f, const double *b, long n)
{
    for (long i = 0; i <= n; i++)
        if (i == 0 ? b[0] != 0.0 : b[i] < b[i - 1])
            return gb_error_set(r->err, "%s:%d: tree %zu: cat_boundaries[%ld]: %.0f %s", r->path, f->line,
                                tree, i, b[i],
                                i == 0 ? "does not start at 0" : "does not follow the previous boundary");
    return 0;
}

/* Parses the arrays a tree needs, with lengths checked against num_leaves
 * and num_cat.  Weights and counts are optional: absent or empty (as some
 * writers leave them for a single leaf) they are simply not there. */
static int parse_tree_arrays(const lgb_reader *r, size_t tree, int tree_line, const lgb_field *f,
                             int max_feature, lgb_arrays *t)
{
    enum { PER_INTERNAL, PER_LEAF, PER_CAT, PER_WORD };
    static const struct {
        int key, len, integer, required;
        double lo, hi;
    } spec[] = {
        {T_LEAF_VALUE, PER_LEAF, 0, 1, -1e300, 1e300}, {T_LEAF_WEIGHT, PER_LEAF, 0, 0, 0.0, 1e300},
        {T_LEAF_COUNT, PER_LEAF, 1, 0, 0.0, INT32_MAX}, {T_SPLIT_FEATURE, PER_INTERNAL, 1, 1, 0.0, INT32_MAX},
        {T_THRESHOLD, PER_INTERNAL, 0, 1, -DBL_MAX, DBL_MAX}, {T_DECISION_TYPE, PER_INTERNAL, 1, 0, 0, 15},
        {T_LEFT_CHILD, PER_INTERNAL, 1, 1, INT32_MIN, INT32_MAX},
        {T_RIGHT_CHILD, PER_INTERNAL, 1, 1, INT32_MIN, INT32_MAX},
        {T_INTERNAL_WEIGHT, PER_INTERNAL, 0, 0, 0.0, 1e300},
        {T_INTERNAL_COUNT, PER_INTERNAL, 1, 0, 0.0, INT32_MAX},
        {T_CAT_BOUNDARIES, PER_CAT, 1, 1, 0.0, INT32_MAX}, {T_CAT_THRESHOLD, PER_WORD, 1, 1, 0.0, UINT32_MAX},
    };
    char where[48], need[80];
    long linear = 0;
    snprintf(where, sizeof where, "tree %zu: ", tree);
    for (int k = T_NUM_LEAVES; k <= T_NUM_CAT; k++)
        if (!f[k].s)
            return gb_error_set(r->err, "%s:%d: tree %zu has no %s line", r->path, tree_line, tree,
                                tree_keys[k]);
    if (lgb_header_int(r, where, "num_leaves", &f[T_NUM_LEAVES], 1, LGB_MAX_LEAVES, &t->num_leaves) != 0 ||
        lgb_header_int(r, where, "num_cat", &f[T_NUM_CAT], 0, LGB_MAX_LEAVES, &t->num_cat) != 0 ||
        (f[T_IS_LINEAR].s && lgb_header_int(r, where, "is_linear", &f[T_IS_LINEAR], 0, 1, &linear) != 0))
        return -1;
    if (linear)
        return gb_error_set(r->err,
                            "%s:%d: tree %zu is a linear tree (is_linear=1): glassbox does not support "
                            "linear trees",
                            r->path, f[T_IS_LINEAR].line, tree);
    size_t L = (size_t)t->num_leaves, want = 0;
    for (size_t i = 0; i < sizeof spec / sizeof spec[0]; i++) {
        int k = spec[i].key, len = spec[i].len;
        if ((L == 1 && len != PER_LEAF) || (len >= PER_CAT && t->num_cat == 0))
            continue; /* a single leaf has only per-leaf arrays, num_cat=0 no sets */
        if (!f[k].s || (!spec[i].required && lgb_count_tokens(&f[k]) == 0)) {
            if (spec[i].required)
                return gb_error_set(r->err, "%s:%d: tree %zu has no %s line", r->path, tree_line, tree,
                                    tree_keys[k]);
            continue;
        }
        if (len == PER_WORD) {
            want = (size_t)t->a[T_CAT_BOUNDARIES][t->num_cat];
            snprintf(need, sizeof need, "cat_boundaries ends at %zu", want);
        } else {
            want = len == PER_LEAF ? L : len == PER_INTERNAL ? L - 1 : (size_t)t->num_cat + 1;
            snprintf(need, sizeof need, "%s=%zu needs %zu", len == PER_CAT ? "num_cat" : "num_leaves",
                     len == PER_CAT ? (size_t)t->num_cat : L, want);
        }
        t->a[k] =
            lgb_read_array(r, tree, tree_keys[k], &f[k], want, spec[i].integer, spec[i].lo, spec[i].hi, need);
        if (!t->a[k] || (k == T_CAT_BOUNDARIES && check_boundaries(r, tree, &f[k], t->a[k], t->num_cat) != 0))
            return -1;
    }
    for (size_t i = 0; L > 1 && i < L - 1; i++)
        if (t->a[T_SPLIT_FEATURE][i] > max_feature)
            return gb_error_set(r->err, "%s:%d: tree %zu: split_feature[%zu]: feature %.0f is out of range "
                                "(max_feature_idx=%d)", r->path, f[T_SPLIT_FEATURE].line, tree, i,
                                t->a[T_SPLIT_FEATURE][i], max_feature);
    return 0;
}

/* Node index in our flat array: internal nodes first, then leaves.
 * LightGBM's child c >= 0 is internal node c, c < 0 is leaf ~c. */
static int32_t node_index(double c, size_t n_internal)
{
    return c >= 0 ? (int32_t)c : (int32_t)n_internal + (int32_t)(-c - 1);
}

/* Checks that the child lists make a tree: every child in range, every node
 * but the root the child of exactly one node, all reachable from the root. */
static int check_structure(const lgb_reader *r, size_t tree, const lgb_field *f, const lgb_arrays *t,
                           int32_t *parent, int32_t *stack)
{
    size_t ni = (size_t)t->num_leaves - 1, nn = 2 * ni + 1;
    for (size_t i = 0; i < nn; i++)
        parent[i] = -1;
    for (size_t i = 0; i < ni; i++) {
        for (int side = 0; side < 2; side++) {
            int key = side ? T_RIGHT_CHILD : T_LEFT_CHILD;
            double c = t->a[key][i];
            if (c >= (double)ni || c < -(double)(ni + 1))
                return gb_error_set(r->err,
                                    "%s:%d: tree %zu: %s[%zu]: child %.0f is out of range (the tree has %zu "
                                    "internal nodes and %zu leaves)",
                                    r->path, f[key].line, tree, tree_keys[key], i, c, ni, ni + 1);
            if (c == 0.0)
                return gb_error_set(r->err, "%s:%d: tree %zu: %s[%zu]: the root (node 0) cannot be a child",
                                    r->path, f[key].line, tree, tree_keys[key], i);
            int32_t j = node_index(c, ni);
            if (parent[j] >= 0)
                return gb_error_set(r->err,
                                    "%s:%d: tree %zu: %s[%zu]: %s %.0f is already the child of node %d",
                                    r->path, f[key].line, tree, tree_keys[key], i, c < 0 ? "leaf" : "node",
                                    c < 0 ? -c - 1 : c, parent[j]);
            parent[j] = (int32_t)i;
        }
    }
    /* 2(L-1) child slots, each node but the root used once: a cycle can only
     * hide in a part the root does not reach. */
    size_t sp = 0, reached = 0;
    stack[sp++] = 0;
    while (sp) {
        int32_t i = stack[--sp];
        reached++;
        if ((size_t)i < ni) {
            stack[sp++] = node_index(t->a[T_LEFT_CHILD][i], ni);
            stack[sp++] = node_index(t->a[T_RIGHT_CHILD][i], ni);
        }
    }
    if (reached != nn)
        return gb_error_set(r->err,
                            "%s:%d: tree %zu: left_child/right_child leave %zu nodes unreachable from the "
                            "root (they form a cycle)",
                            r->path, f[T_LEFT_CHILD].line, tree, nn - reached);
    return 0;
}

/* Fills one internal node from LightGBM's node i. */
static int fill_split(const lgb_reader *r, size_t tree, const lgb_field *f, const lgb_arrays *t, size_t i,
                      size_t cat_base, gb_node *nd)
{
    double th = t->a[T_THRESHOLD][i];
    int dt = t->a[T_DECISION_TYPE] ? (int)t->a[T_DECISION_TYPE][i] : 0;
    nd->feature = (int32_t)t->a[T_SPLIT_FEATURE][i];
    nd->threshold = th;
    if (dt & 1) {
        if (th != floor(th) || th < 0 || th >= (double)t->num_cat)
            return gb_error_set(r->err, "%s:%d: tree %zu: threshold[%zu]: %.17g is not a category set index "
                                "(num_cat=%ld)", r->path, f[T_THRESHOLD].line, tree, i, th, t->num_cat);
        const double *b = t->a[T_CAT_BOUNDARIES];
        size_t c = (size_t)th;
        nd->flags = GB_NODE_CATEGORICAL | GB_NODE_CAT_TRUNCATE;
        nd->split = 0.0;
        nd->cat_begin = (uint32_t)(cat_base + (size_t)b[c]);
        nd->cat_words = (uint32_t)(b[c + 1] - b[c]);
        return 0;
    }
    int missing = (dt >> 2) & 3;
    if (missing == 3)
        return gb_error_set(r->err,
                            "%s:%d: tree %zu: decision_type[%zu]: %d has missing type 3, which LightGBM "
                            "does not define",
                            r->path, f[T_DECISION_TYPE].line, tree, i, dt);
    /* None: NaN becomes 0 and no value is "missing", so the default
     * direction is never taken (LightGBM ignores bit 1 then). */
    if (missing == 0)
        nd->flags = GB_NODE_NAN_AS_ZERO;
    else if (missing == 1)
        nd->flags = GB_NODE_NAN_AS_ZERO | GB_NODE_ZERO_MISSING | ((dt & 2) ? GB_NODE_DEFAULT_LEFT : 0);
    else
        nd->flags = (dt & 2) ? GB_NODE_DEFAULT_LEFT : 0;
    nd->split = nextafter(th, INFINITY);
    return 0;
}

/* Converts a parsed tree block into t.  cat_base: where this tree's category
 * words start in the model's cat_bits. */
static int build_tree(const lgb_reader *r, size_t tree, int tree_line, const lgb_field *f,
                      const lgb_arrays *a, size_t cat_base, gb_tree *out)
{
    size_t L = (size_t)a->num_leaves, ni = L - 1, nn = 2 * ni + 1;
    gb_node *nodes = gb_calloc(nn, sizeof *nodes, r->err);
    if (!nodes)
        return -1;
    out->nodes = nodes;
    out->n_nodes = (int32_t)nn;
    for (size_t j = 0; j < L; j++) {
        gb_node *nd = &nodes[ni + j];
        nd->feature = nd->left = nd->right = -1;
        nd->value = a->a[T_LEAF_VALUE][j];
    }
    if (L == 1) {
        const double *c = a->a[T_LEAF_COUNT], *w = a->a[T_LEAF_WEIGHT];
        nodes[0].cover = c && c[0] > 0 ? c[0] : w && w[0] > 0 ? w[0] : 1.0;
        return 0;
    }
    int32_t *scratch = gb_malloc(2 * nn + 2, sizeof *scratch, r->err);
    if (!scratch)
        return -1;
    int rc = check_structure(r, tree, f, a, scratch, scratch + nn + 1);
    free(scratch);
    if (rc != 0)
        return -1;
    /* Counts when present and non-zero, else hessian sums (see the top). */
    int by_count = a->a[T_INTERNAL_COUNT] && a->a[T_LEAF_COUNT] && a->a[T_INTERNAL_COUNT][0] > 0;
    const double *cin = a->a[by_count ? T_INTERNAL_COUNT : T_INTERNAL_WEIGHT];
    const double *cleaf = a->a[by_count ? T_LEAF_COUNT : T_LEAF_WEIGHT];
    if (!cin || !cleaf || !(cin[0] > 0))
        return gb_error_set(r->err,
                            "%s:%d: tree %zu has no node weights: internal_count/leaf_count and "
                            "internal_weight/leaf_weight are missing or zero, and TreeSHAP needs them",
                            r->path, tree_line, tree);
    for (size_t j = 0; j < L; j++)
        nodes[ni + j].cover = cleaf[j];
    for (size_t i = 0; i < ni; i++) {
        gb_node *nd = &nodes[i];
        nd->left = node_index(a->a[T_LEFT_CHILD][i], ni);
        nd->right = node_index(a->a[T_RIGHT_CHILD][i], ni);
        nd->cover = cin[i];
        if (fill_split(r, tree, f, a, i, cat_base, nd) != 0)
            return -1;
    }
    return 0;
}

/* ---- the whole file ------------------------------------------------------ */

/* Room for at least `need` items in p (capacity *cap, doubled as needed);
 * returns the block, or NULL with err set (p stays valid). */
static void *grow(void *p, size_t *cap, size_t need, size_t size, gb_error *err)
{
    size_t c = *cap ? *cap : 16;
    while (c < need)
        c *= 2;
    if (c == *cap)
        return p;
    void *q = gb_realloc(p, c, size, err);
    if (q)
        *cap = c;
    return q;
}

/* Reads one "Tree=" block into a new tree of m. */
static int read_tree(lgb_reader *r, gb_model *m, int tree_line)
{
    size_t tree = m->n_trees;
    lgb_field f[T_NKEYS];
    lgb_arrays a;
    memset(f, 0, sizeof f);
    memset(&a, 0, sizeof a);
    gb_tree *trees = grow(m->trees, &r->trees_cap, tree + 1, sizeof *trees, r->err);
    if (!trees)
        return -1;
    m->trees = trees;
    gb_tree *t = &m->trees[m->n_trees++]; /* counted now, so gb_model_free releases it */
    memset(t, 0, sizeof *t);
    int rc = lgb_read_block(r, tree, tree_keys, T_NKEYS, f);
    if (rc == 0)
        rc = parse_tree_arrays(r, tree, tree_line, f, m->n_features - 1, &a);
    size_t words = a.a[T_CAT_THRESHOLD] ? (size_t)a.a[T_CAT_BOUNDARIES][a.num_cat] : 0, base = m->n_cat_bits;
    if (rc == 0 && words) {
        uint32_t *bits = grow(m->cat_bits, &r->bits_cap, base + words, sizeof *bits, r->err);
        if (!bits || base + words > UINT32_MAX) {
            rc = bits ? gb_error_set(r->err, "%s:%d: too many category sets", r->path, tree_line) : -1;
        } else {
            m->cat_bits = bits;
            for (size_t w = 0; w < words; w++)
                bits[base + w] = (uint32_t)a.a[T_CAT_THRESHOLD][w];
            m->n_cat_bits += words;
        }
    }
    if (rc == 0)
        rc = build_tree(r, tree, tree_line, f, &a, base, t);
    for (int32_t i = 0; rc == 0 && i < t->n_nodes; i++)
        if (t->nodes[i].flags & GB_NODE_CATEGORICAL)
            m->feature_categorical[t->nodes[i].feature] = 1;
    for (int k = 0; k < T_NKEYS; k++)
        free(a.a[k]);
    return rc;
}

/* Reads the trees up to "end of trees". */
static int read_trees(lgb_reader *r, gb_model *m)
{
    lgb_line l;
    while (lgb_next_line(r, &l)) {
        if (lgb_is_blank(&l))
            continue;
        if (lgb_ends_block(&l) == 2)
            return 0;
        if (!lgb_ends_block(&l))
            return gb_error_set(r->err, "%s:%d: expected 'Tree=' or 'end of trees', found '%.*s'", r->path,
                                l.no, (int)(l.n > 40 ? 40 : l.n), l.s);
        if (read_tree(r, m, l.no) != 0)
            return -1;
    }
    return gb_error_set(r->err, "%s:%d: the file ends before 'end of trees' (truncated?)", r->path,
                        r->line - 1);
}

/* Checks the header's numbers and sets the model's shape. */
static int apply_header(const lgb_reader *r, const lgb_field *h, gb_model *m, long *num_class, long *k)
{
    long max_idx;
    const lgb_field *v = &h[H_VERSION];
    if (v->s && !(v->n == 2 && v->s[0] == 'v' && (v->s[1] == '3' || v->s[1] == '4')))
        return gb_error_set(r->err, "%s:%d: version=%.*s is not supported (glassbox reads LightGBM v3 and v4 "
                            "model files)", r->path, v->line, (int)(v->n > 20 ? 20 : v->n), v->s);
    static const int required[] = {H_NUM_CLASS, H_MAX_FEATURE_IDX};
    for (int i = 0; i < 2; i++)
        if (!h[required[i]].s)
            return gb_error_set(r->err, "%s: the header has no %s line (is this a LightGBM model?)", r->path,
                                header_keys[required[i]]);
    if (lgb_header_int(r, "", "num_class", &h[H_NUM_CLASS], 1, LGB_MAX_CLASSES, num_class) != 0 ||
        lgb_header_int(r, "", "max_feature_idx", &h[H_MAX_FEATURE_IDX], 0, LGB_MAX_FEATURES - 1,
                       &max_idx) != 0)
        return -1;
    *k = *num_class;
    if (h[H_NUM_TREE_PER_ITERATION].s &&
        lgb_header_int(r, "", "num_tree_per_iteration", &h[H_NUM_TREE_PER_ITERATION], 1, LGB_MAX_CLASSES,
                       k) != 0)
        return -1;
    m->n_features = (int)max_idx + 1;
    m->n_groups = (int)*k;
    m->feature_categorical = gb_calloc((size_t)m->n_features, 1, r->err);
    m->base = gb_calloc((size_t)m->n_groups, sizeof *m->base, r->err);
    m->format = gb_strdup("lightgbm", r->err);
    m->booster = gb_strdup(h[H_AVERAGE_OUTPUT].s ? "random-forest" : "lightgbm", r->err);
    if (!m->feature_categorical || !m->base || !m->format || !m->booster)
        return -1;
    if (h[H_FEATURE_NAMES].s && read_feature_list(r, &h[H_FEATURE_NAMES], m, 1) != 0)
        return -1;
    return h[H_FEATURE_INFOS].s ? read_feature_list(r, &h[H_FEATURE_INFOS], m, 0) : 0;
}

/* Checks the tree count and folds average_output and sigmoid into the
 * leaves. */
static int finish_trees(const lgb_reader *r, const lgb_field *h, gb_model *m, long k, double scale)
{
    if (m->n_trees == 0)
        return gb_error_set(r->err, "%s: the model has no trees", r->path);
    if (m->n_trees % (size_t)k != 0)
        return gb_error_set(r->err,
                            "%s: the file has %zu trees, which is not a whole number of iterations of "
                            "num_tree_per_iteration=%ld",
                            r->path, m->n_trees, k);
    if (h[H_TREE_SIZES].s && lgb_count_tokens(&h[H_TREE_SIZES]) != m->n_trees)
        return gb_error_set(r->err, "%s:%d: tree_sizes lists %zu trees, but the file has %zu", r->path,
                            h[H_TREE_SIZES].line, lgb_count_tokens(&h[H_TREE_SIZES]), m->n_trees);
    if (h[H_AVERAGE_OUTPUT].s)
        scale /= (double)(m->n_trees / (size_t)k);
    for (size_t t = 0; t < m->n_trees; t++) {
        m->trees[t].group = (int32_t)(t % (size_t)k);
        if (scale != 1.0)
            for (int32_t i = 0; i < m->trees[t].n_nodes; i++)
                if (m->trees[t].nodes[i].left < 0)
                    m->trees[t].nodes[i].value *= scale;
    }
    return 0;
}

gb_model *gb_model_load_lightgbm(const char *path, const char *buf, size_t len, gb_error *err)
{
    lgb_reader r = {path, buf, buf + len, 1, (locale_t)0, err, 0, 0};
    lgb_field h[H_NKEYS];
    lgb_objective obj;
    long num_class = 0, k = 0;
    memset(h, 0, sizeof h);
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        r.p += 3;
    r.c_loc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (r.c_loc == (locale_t)0) {
        gb_error_set(err, "%s: cannot create the C locale for reading numbers", path);
        return NULL;
    }
    gb_model *m = gb_model_new(err);
    int rc = m ? 0 : -1;
    /* Each step returns 0 or -1, so || stops at the first failure. */
    if (rc == 0 &&
        (lgb_read_block(&r, SIZE_MAX, header_keys, H_NKEYS, h) || apply_header(&r, h, m, &num_class, &k) ||
         read_objective(&r, &h[H_OBJECTIVE], &h[H_NUM_CLASS], num_class, k, m, &obj) || read_trees(&r, m) ||
         finish_trees(&r, h, m, k, obj.leaf_scale)))
        rc = -1;
    freelocale(r.c_loc);
    if (rc == 0 && gb_model_finish(m, err) != 0) {
        gb_error_prefix(err, "%s: ", path);
        rc = -1;
    }
    if (rc != 0) {
        gb_model_free(m);
        return NULL;
    }
    return m;
}
