/* tree_builder.h: building small tree models in code, for the tests of the
 * explainers (TreeSHAP, interventional TreeSHAP, linear SHAP, ...).
 *
 * The helpers are static inline so that each test program takes only what
 * it uses without unused-function warnings.  Allocation failures abort the
 * test: these models are a few nodes. */
#ifndef GB_TREE_BUILDER_H
#define GB_TREE_BUILDER_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "treeshap.h"

static inline gb_node tb_leaf(double value, double cover)
{
    gb_node n = {.feature = -1, .left = -1, .right = -1, .value = value, .cover = cover};
    return n;
}

static inline gb_node tb_split(int feature, double at, int32_t left, int32_t right, double cover, uint32_t flags)
{
    gb_node n = {.feature = feature, .left = left, .right = right, .flags = flags, .split = at,
                 .threshold = at, .cover = cover};
    return n;
}

static inline gb_model *tb_new_model(int n_features, int n_groups)
{
    gb_model *m = gb_model_new(NULL);
    m->kind = GB_MODEL_TREES;
    m->n_features = n_features;
    m->n_groups = n_groups;
    m->base = calloc((size_t)n_groups, sizeof *m->base);
    return m;
}

static inline void tb_add_tree(gb_model *m, int group, const gb_node *nodes, int n)
{
    m->trees = realloc(m->trees, (m->n_trees + 1) * sizeof *m->trees);
    gb_tree *t = &m->trees[m->n_trees++];
    t->nodes = malloc((size_t)n * sizeof *nodes);
    memcpy(t->nodes, nodes, (size_t)n * sizeof *nodes);
    t->n_nodes = n;
    t->group = group;
    t->depth = 0;
}

/* gb_model_finish, saying why as a TAP comment; 0 or -1. */
static inline int tb_finish(gb_model *m)
{
    gb_error err;
    if (gb_model_finish(m, &err)) {
        printf("# gb_model_finish: %s\n", err.msg);
        return -1;
    }
    return 0;
}

/* Path-dependent TreeSHAP of one row: n_groups * (n_features + 1) numbers. */
static inline void tb_shap(const gb_model *m, const double *x, double *phi)
{
    gb_error err;
    gb_treeshap *ts = gb_treeshap_new(m, &err);
    if (!ts) {
        printf("# gb_treeshap_new: %s\n", err.msg);
        exit(1);
    }
    gb_treeshap_ws *ws = gb_treeshap_ws_new(ts, &err);
    gb_treeshap_row(ts, ws, x, phi);
    gb_treeshap_ws_free(ws);
    gb_treeshap_free(ts);
}

/* Largest |got - want| / max(1, |want|) over n numbers (NaN counts as huge). */
static inline double tb_max_rel_err(const double *got, const double *want, size_t n)
{
    double worst = 0.0;
    for (size_t k = 0; k < n; k++) {
        double e = fabs(got[k] - want[k]) / (fabs(want[k]) > 1.0 ? fabs(want[k]) : 1.0);
        if (!(e <= worst))
            worst = isnan(e) ? INFINITY : e;
    }
    return worst;
}

#endif
