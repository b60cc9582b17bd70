/* model.h: one representation for every model glassbox explains.
 *
 * A model maps a row of n_features doubles to n_groups raw margins (one per
 * class for multiclass models, one otherwise), and a link turns margins into
 * the output people read (probability, count, ...).  Two kinds exist:
 *
 *  - tree ensembles: margin[g] = base[g] + sum of the leaf values of the trees
 *    of group g.  Loaders fold everything that scales a tree (DART weights,
 *    LightGBM's average_output, scikit-learn's learning rate) into the leaf
 *    values, and normalise every split to a single rule (gb_node_next), so
 *    the explainers need to know nothing of the file a model came from;
 *  - linear models: margin[g] = base[g] + sum_f coef[g][f] * x[f], where a
 *    missing x[f] contributes nothing (as in XGBoost's gblinear).
 *
 * Loaders fill a gb_model and call gb_model_finish, which checks the trees
 * (child indices in range, no cycles, no unreachable depth beyond
 * GB_MAX_DEPTH, finite thresholds and values) so that nothing downstream can
 * be led out of bounds by a hostile file. */
#ifndef GB_MODEL_H
#define GB_MODEL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define GB_MAX_DEPTH 128

typedef enum gb_model_kind { GB_MODEL_TREES = 0, GB_MODEL_LINEAR = 1 } gb_model_kind;

typedef enum gb_link {
    GB_LINK_IDENTITY = 0, /* regression, logitraw */
    GB_LINK_LOGISTIC,     /* binary: p = 1 / (1 + exp(-margin)) */
    GB_LINK_SOFTMAX,      /* multiclass: p_g = exp(m_g) / sum exp(m) */
    GB_LINK_EXP           /* poisson, gamma, tweedie: mu = exp(margin) */
} gb_link;

/* Node flags. */
enum {
    GB_NODE_DEFAULT_LEFT = 1u << 0, /* a missing value goes left */
    GB_NODE_CATEGORICAL = 1u << 1,  /* categories in the node's set go left */
    GB_NODE_NAN_AS_ZERO = 1u << 2,  /* LightGBM: NaN is replaced by 0 first */
    GB_NODE_ZERO_MISSING = 1u << 3, /* LightGBM: |x| <= 1e-35f counts as missing */
    GB_NODE_CAT_TRUNCATE = 1u << 4  /* LightGBM: a category is (int)x, so -1 < x < 0 is 0 */
};

/* LightGBM's kZeroThreshold is the float 1e-35f, which is this double. */
#define GB_LIGHTGBM_ZERO 1.0000000180025095e-35

typedef struct gb_node {
    int32_t feature;   /* -1 for a leaf */
    int32_t left;      /* child indices within the tree; -1 for a leaf */
    int32_t right;
    uint32_t flags;
    double split;      /* numeric: x goes left iff x < split (see gb_node_next) */
    double threshold;  /* the threshold as the file wrote it, for display */
    double value;      /* leaf: what it adds to the margin; internal: unused */
    double cover;      /* training weight reaching the node (hessian, count, weight) */
    uint32_t cat_begin; /* categorical: first word of the set in model->cat_bits */
    uint32_t cat_words; /* categorical: number of 32-bit words in the set */
} gb_node;

typedef struct gb_tree {
    gb_node *nodes;    /* node 0 is the root */
    int32_t n_nodes;
    int32_t group;     /* which margin the tree adds to */
    int32_t depth;     /* filled by gb_model_finish: edges on the longest path */
} gb_tree;

typedef struct gb_model {
    gb_model_kind kind;
    char *format;      /* "xgboost-json", "xgboost-ubjson", "lightgbm", "glassbox" */
    char *booster;     /* "gbtree", "dart", "gblinear", "lightgbm", "random-forest", ... */
    char *objective;   /* as the file names it, e.g. "binary:logistic" */
    gb_link link;
    int n_features;
    char **feature_names;               /* NULL when the file names none */
    unsigned char *feature_categorical; /* n_features flags, may be NULL */
    int n_groups;      /* margins per row */
    int n_classes;     /* 0 for regression, 2 for binary, K for multiclass */
    double *base;      /* [n_groups] margin-space intercept */
    /* XGBoost and scikit-learn compare float32(x) with the threshold. */
    int input_float32;

    /* Trees. */
    gb_tree *trees;
    size_t n_trees;
    uint32_t *cat_bits; /* all categorical sets, bit v of a set = category v */
    size_t n_cat_bits;  /* words */
    int max_depth;      /* filled by gb_model_finish */
    size_t n_leaves;    /* filled by gb_model_finish: reachable leaves */

    /* Linear models: coef[g * n_features + f]. */
    double *coef;
} gb_model;

/* Reads a model, recognising the format from the content (XGBoost JSON or
 * UBJSON, LightGBM text, glassbox JSON). */
gb_model *gb_model_load(const char *path, gb_error *err);

/* The loaders behind gb_model_load, for callers that know the format.  buf
 * holds the whole file (len bytes); path is only used in messages. */
gb_model *gb_model_load_xgboost_json(const char *path, const char *buf, size_t len, gb_error *err);
gb_model *gb_model_load_xgboost_ubjson(const char *path, const char *buf, size_t len, gb_error *err);
gb_model *gb_model_load_lightgbm(const char *path, const char *buf, size_t len, gb_error *err);
gb_model *gb_model_load_native(const char *path, const char *buf, size_t len, gb_error *err);

/* Writes a model in glassbox's own JSON format (see glassbox-model(5)). */
int gb_model_save_native(const gb_model *m, const char *path, gb_error *err);

gb_model *gb_model_new(gb_error *err);
void gb_model_free(gb_model *m);

/* Checks and completes a freshly loaded model: validates every tree and the
 * sizes, computes depths and leaf counts.  Returns 0 or -1 with err set. */
int gb_model_finish(gb_model *m, gb_error *err);

/* The index of the child a value goes to at an internal node.  x must already
 * have passed through gb_model_input (float32 rounding where the model asks). */
static inline int32_t gb_node_next(const gb_model *m, const gb_node *nd, double x)
{
    if (isnan(x)) {
        if (!(nd->flags & GB_NODE_NAN_AS_ZERO))
            return (nd->flags & GB_NODE_DEFAULT_LEFT) ? nd->left : nd->right;
        x = 0.0;
    }
    if ((nd->flags & GB_NODE_ZERO_MISSING) && fabs(x) <= GB_LIGHTGBM_ZERO)
        return (nd->flags & GB_NODE_DEFAULT_LEFT) ? nd->left : nd->right;
    if (nd->flags & GB_NODE_CATEGORICAL) {
        /* Fractional parts are truncated; negative values and values beyond
         * the set are not in it (XGBoost), except that LightGBM's (int)x
         * makes -1 < x < 0 category 0. */
        if (!(x >= 0.0)) {
            if (!((nd->flags & GB_NODE_CAT_TRUNCATE) && x > -1.0))
                return nd->right;
            x = 0.0;
        }
        if (x >= 4294967296.0)
            return nd->right;
        uint64_t v = (uint64_t)x;
        uint64_t w = v >> 5;
        if (w >= nd->cat_words)
            return nd->right;
        return (m->cat_bits[nd->cat_begin + w] >> (v & 31u)) & 1u ? nd->left : nd->right;
    }
    return x < nd->split ? nd->left : nd->right;
}

/* The value a model's splits see for input x. */
static inline double gb_model_input(const gb_model *m, double x)
{
    return m->input_float32 ? (double)(float)x : x;
}

/* For a float32 model: the smallest float s with x < s <=> x < split for
 * every float x, so that a split can be decided in float. */
static inline float gb_float_split(double split)
{
    float s = (float)split;
    if ((double)s < split)
        s = nextafterf(s, INFINITY);
    return s;
}

/* Leaf reached by row x (n_features values) in tree t. */
int32_t gb_tree_leaf(const gb_model *m, const gb_tree *t, const double *x);

/* margin[0..n_groups-1] for one row of n_features values. */
void gb_model_margin(const gb_model *m, const double *x, double *margin);

/* Margins of n rows stored row-major (n x n_features) into out (n x n_groups). */
void gb_model_margin_batch(const gb_model *m, const double *x, size_t n, double *out);

/* Applies the link to n_groups margins. */
void gb_model_transform(const gb_model *m, const double *margin, double *out);

/* Names for display. */
const char *gb_link_name(gb_link link);
const char *gb_model_kind_name(gb_model_kind kind);

/* The feature's name, or "f<i>" written into buf when the model names none. */
const char *gb_model_feature_name(const gb_model *m, int f, char *buf, size_t size);

#endif
