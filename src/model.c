/* model.c: the model abstraction's common parts (see model.h): allocation,
 * the checks every loader relies on, prediction and the link functions.
 *
 * gb_model_finish is the one gate between a file and the explainers: it
 * walks every tree from its root with an explicit stack, so a hostile file
 * (cycles, indices out of range, a million-deep chain) is rejected in time
 * linear in its size without recursion. */
#include "model.h"

#include "forest_eval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

gb_model *gb_model_new(gb_error *err)
{
    gb_model *m = gb_calloc(1, sizeof *m, err);
    if (m) {
        m->n_groups = 1;
        m->link = GB_LINK_IDENTITY;
    }
    return m;
}

void gb_model_free(gb_model *m)
{
    if (!m)
        return;
    free(m->format);
    free(m->booster);
    free(m->objective);
    if (m->feature_names)
        for (int f = 0; f < m->n_features; f++)
            free(m->feature_names[f]);
    free(m->feature_names);
    free(m->feature_categorical);
    free(m->base);
    for (size_t t = 0; t < m->n_trees; t++)
        free(m->trees[t].nodes);
    free(m->trees);
    free(m->cat_bits);
    free(m->coef);
    free(m);
}

/* Walks the tree depth-first from the root, checking each reachable node.
 * `seen` marks visited nodes: reaching one twice means a cycle or a shared
 * child, neither of which a tree may have. */
static int check_tree(const gb_model *m, gb_tree *t, size_t ti, unsigned char *seen,
                      int32_t *stack, int32_t *depth_of, size_t *n_leaves, gb_error *err)
{
    size_t sp = 0;
    int max_depth = 0;
    if (t->n_nodes <= 0)
        return gb_error_set(err, "tree %zu has no nodes", ti);
    memset(seen, 0, (size_t)t->n_nodes);
    stack[sp++] = 0;
    depth_of[0] = 0;
    seen[0] = 1;
    while (sp) {
        int32_t i = stack[--sp];
        gb_node *nd = &t->nodes[i];
        int d = depth_of[i];
        if (d > max_depth)
            max_depth = d;
        if (nd->left < 0) {
            if (!isfinite(nd->value))
                return gb_error_set(err, "tree %zu, node %d: leaf value is not a finite number", ti, i);
            (*n_leaves)++;
            continue;
        }
        if (nd->right < 0)
            return gb_error_set(err, "tree %zu, node %d: has a left child but no right child", ti, i);
        if (nd->feature < 0 || nd->feature >= m->n_features)
            return gb_error_set(err, "tree %zu, node %d: split feature %d is out of range (the model has %d features)",
                                ti, i, nd->feature, m->n_features);
        if (d + 1 > GB_MAX_DEPTH)
            return gb_error_set(err, "tree %zu is deeper than %d levels: not a model glassbox can explain", ti,
                                GB_MAX_DEPTH);
        if (nd->flags & GB_NODE_CATEGORICAL) {
            if ((size_t)nd->cat_begin + nd->cat_words > m->n_cat_bits)
                return gb_error_set(err, "tree %zu, node %d: category set lies outside the model's category table", ti, i);
        } else if (isnan(nd->split) || isnan(nd->threshold)) {
            return gb_error_set(err, "tree %zu, node %d: split threshold is NaN", ti, i);
        }
        if (!(nd->cover >= 0.0) || !isfinite(nd->cover))
            return gb_error_set(err, "tree %zu, node %d: cover %g is not a finite non-negative number", ti, i, nd->cover);
        int32_t kids[2] = {nd->left, nd->right};
        for (int k = 0; k < 2; k++) {
            int32_t c = kids[k];
            if (c >= t->n_nodes)
                return gb_error_set(err, "tree %zu, node %d: child index %d is out of range (the tree has %d nodes)", ti,
                                    i, c, t->n_nodes);
            if (seen[c])
                return gb_error_set(err, "tree %zu, node %d: child %d is reached twice (the nodes form a cycle or share a child)",
                                    ti, i, c);
            seen[c] = 1;
            depth_of[c] = d + 1;
            stack[sp++] = c;
        }
    }
    t->depth = max_depth;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Features are bound to columns by name, so two features may not share one. */
static int check_unique_names(const gb_model *m, gb_error *err)
{
    if (!m->feature_names)
        return 0;
    for (int f = 0; f < m->n_features; f++)
        if (!m->feature_names[f])
            return gb_error_set(err, "feature %d has no name", f);
    char **sorted = gb_malloc((size_t)m->n_features, sizeof *sorted, err);
    if (!sorted)
        return -1;
    memcpy(sorted, m->feature_names, (size_t)m->n_features * sizeof *sorted);
    qsort(sorted, (size_t)m->n_features, sizeof *sorted, by_name);
    int rc = 0;
    for (int f = 1; f < m->n_features && rc == 0; f++)
        if (strcmp(sorted[f - 1], sorted[f]) == 0)
            rc = gb_error_set(err, "two features are named '%s'; features must have distinct names", sorted[f]);
    free(sorted);
    return rc;
}

int gb_model_finish(gb_model *m, gb_error *err)
{
    if (m->n_features <= 0)
        return gb_error_set(err, "the model has no features");
    if (check_unique_names(m, err))
        return -1;
    if (m->n_groups <= 0 || m->n_groups > 100000)
        return gb_error_set(err, "the model has %d outputs", m->n_groups);
    if (!m->base) {
        m->base = gb_calloc((size_t)m->n_groups, sizeof *m->base, err);
        if (!m->base)
            return -1;
    }
    for (int g = 0; g < m->n_groups; g++)
        if (!isfinite(m->base[g]))
            return gb_error_set(err, "the model's base score for output %d is not a finite number", g);
    if (m->kind == GB_MODEL_LINEAR) {
        if (!m->coef)
            return gb_error_set(err, "the linear model has no coefficients");
        for (size_t i = 0; i < (size_t)m->n_groups * (size_t)m->n_features; i++)
            if (!isfinite(m->coef[i]))
                return gb_error_set(err, "coefficient %zu of the linear model is not a finite number", i);
        return 0;
    }
    int32_t biggest = 0;
    for (size_t t = 0; t < m->n_trees; t++) {
        if (m->trees[t].group < 0 || m->trees[t].group >= m->n_groups)
            return gb_error_set(err, "tree %zu adds to output %d, but the model has %d outputs", t, m->trees[t].group,
                                m->n_groups);
        if (m->trees[t].n_nodes > biggest)
            biggest = m->trees[t].n_nodes;
    }
    unsigned char *seen = gb_malloc((size_t)biggest + 1, 1, err);
    int32_t *stack = gb_malloc((size_t)biggest + 1, sizeof *stack, err);
    int32_t *depth_of = gb_malloc((size_t)biggest + 1, sizeof *depth_of, err);
    int rc = (seen && stack && depth_of) ? 0 : -1;
    m->max_depth = 0;
    m->n_leaves = 0;
    for (size_t t = 0; rc == 0 && t < m->n_trees; t++) {
        rc = check_tree(m, &m->trees[t], t, seen, stack, depth_of, &m->n_leaves, err);
        if (rc == 0 && m->trees[t].depth > m->max_depth)
            m->max_depth = m->trees[t].depth;
    }
    free(seen);
    free(stack);
    free(depth_of);
    return rc;
}

int32_t gb_tree_leaf(const gb_model *m, const gb_tree *t, const double *x)
{
    const gb_node *nodes = t->nodes;
    int32_t i = 0;
    while (nodes[i].left >= 0)
        i = gb_node_next(m, &nodes[i], gb_model_input(m, x[nodes[i].feature]));
    return i;
}

void gb_model_margin(const gb_model *m, const double *x, double *margin)
{
    for (int g = 0; g < m->n_groups; g++)
        margin[g] = m->base[g];
    if (m->kind == GB_MODEL_LINEAR) {
        for (int g = 0; g < m->n_groups; g++) {
            const double *w = m->coef + (size_t)g * m->n_features;
            double s = 0.0;
            for (int f = 0; f < m->n_features; f++)
                if (!isnan(x[f]))
                    s += w[f] * x[f];
            margin[g] += s;
        }
        return;
    }
    for (size_t t = 0; t < m->n_trees; t++) {
        const gb_tree *tr = &m->trees[t];
        margin[tr->group] += tr->nodes[gb_tree_leaf(m, tr, x)].value;
    }
}

/* Below this many rows, building the compact copy costs more than it
 * saves; the rows are walked through the model's own nodes instead. */
enum { FOREST_MIN_ROWS = 64 };

void gb_model_margin_batch(const gb_model *m, const double *x, size_t n, double *out)
{
    size_t nf = (size_t)m->n_features, ng = (size_t)m->n_groups;
    gb_forest *f = NULL;
    if (m->kind == GB_MODEL_TREES && n >= FOREST_MIN_ROWS)
        f = gb_forest_new(m, NULL);
    if (f) {
        gb_forest_margin_batch(f, x, n, out);
        gb_forest_free(f);
        return;
    }
    /* Small batches, linear models, or no memory for the copy. */
    for (size_t r = 0; r < n; r++)
        gb_model_margin(m, x + r * nf, out + r * ng);
}

void gb_model_transform(const gb_model *m, const double *margin, double *out)
{
    int k = m->n_groups;
    switch (m->link) {
    case GB_LINK_IDENTITY:
        memmove(out, margin, (size_t)k * sizeof *out);
        break;
    case GB_LINK_LOGISTIC:
        for (int g = 0; g < k; g++)
            out[g] = 1.0 / (1.0 + exp(-margin[g]));
        break;
    case GB_LINK_EXP:
        for (int g = 0; g < k; g++)
            out[g] = exp(margin[g]);
        break;
    case GB_LINK_SOFTMAX: {
        /* Subtract the largest margin so exp never overflows. */
        double top = margin[0], sum = 0.0;
        for (int g = 1; g < k; g++)
            if (margin[g] > top)
                top = margin[g];
        for (int g = 0; g < k; g++)
            sum += (out[g] = exp(margin[g] - top));
        for (int g = 0; g < k; g++)
            out[g] /= sum;
        break;
    }
    }
}

const char *gb_link_name(gb_link link)
{
    switch (link) {
    case GB_LINK_IDENTITY: return "identity";
    case GB_LINK_LOGISTIC: return "logistic";
    case GB_LINK_SOFTMAX: return "softmax";
    case GB_LINK_EXP: return "exp";
    }
    return "?";
}

const char *gb_model_kind_name(gb_model_kind kind)
{
    return kind == GB_MODEL_LINEAR ? "linear" : "trees";
}

const char *gb_model_feature_name(const gb_model *m, int f, char *buf, size_t size)
{
    if (m->feature_names && m->feature_names[f])
        return m->feature_names[f];
    snprintf(buf, size, "f%d", f);
    return buf;
}
