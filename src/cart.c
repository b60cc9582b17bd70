/* cart.c: exact greedy regression tree (see cart.h).  The rows of a node
 * are a slice of one index array, partitioned in place as the tree grows
 * (stable, so the order of rows and hence every sum is reproducible). */
#include "cart.h"

#include <stdlib.h>
#include <string.h>

typedef struct cart_build {
    const double *x;
    int nf;
    const double *y;
    const gb_cart_options *opt;
    const gb_job_ctl *ctl;
    gb_node *nodes;
    int32_t n_nodes, cap;
    size_t *tmp; /* partition scratch */
    struct pair {
        double v;
        double y;
    } * pairs;
    gb_error *err;
    int cancelled;
} cart_build;

typedef struct cart_split {
    int feature;
    double threshold, gain;
    int missing_left;
} cart_split;

static int cmp_pair(const void *pa, const void *pb)
{
    const struct pair *a = pa, *b = pb;
    return a->v < b->v ? -1 : a->v > b->v;
}

static int32_t new_node(cart_build *cb)
{
    if (cb->n_nodes == cb->cap) {
        int32_t cap = cb->cap ? cb->cap * 2 : 64;
        gb_node *n = gb_realloc(cb->nodes, (size_t)cap, sizeof *n, cb->err);
        if (!n)
            return -1;
        cb->nodes = n;
        cb->cap = cap;
    }
    memset(&cb->nodes[cb->n_nodes], 0, sizeof cb->nodes[0]);
    cb->nodes[cb->n_nodes].feature = cb->nodes[cb->n_nodes].left = cb->nodes[cb->n_nodes].right = -1;
    return cb->n_nodes++;
}

static double score(double s, double n)
{
    return n > 0 ? s * s / n : 0.0;
}

/* The best cut of feature f over rows idx[0..n); updates best. */
static void best_cut(cart_build *cb, int f, const size_t *idx, size_t n, double total, cart_split *best)
{
    size_t k = 0;
    double miss_s = 0.0;
    size_t miss_n = 0;
    for (size_t i = 0; i < n; i++) {
        double v = cb->x[idx[i] * (size_t)cb->nf + (size_t)f];
        if (isnan(v)) {
            miss_s += cb->y[idx[i]];
            miss_n++;
        } else {
            cb->pairs[k].v = v;
            cb->pairs[k++].y = cb->y[idx[i]];
        }
    }
    qsort(cb->pairs, k, sizeof *cb->pairs, cmp_pair);
    double base = score(total, (double)n), ls = 0.0;
    size_t min_leaf = cb->opt->min_leaf;
    for (size_t i = 0; i + 1 < k; i++) {
        ls += cb->pairs[i].y;
        if (cb->pairs[i].v == cb->pairs[i + 1].v)
            continue;
        size_t ln = i + 1, rn = k - ln;
        double rs = total - miss_s - ls;
        for (int ml = 1; ml >= 0; ml--) {
            size_t a = ln + (ml ? miss_n : 0), b = rn + (ml ? 0 : miss_n);
            if (a < min_leaf || b < min_leaf)
                continue;
            double g =
                score(ls + (ml ? miss_s : 0), (double)a) + score(rs + (ml ? 0 : miss_s), (double)b) - base;
            if (g > best->gain) {
                double lo = cb->pairs[i].v, hi = cb->pairs[i + 1].v, mid = lo + (hi - lo) / 2.0;
                best->feature = f;
                best->threshold = mid > lo ? mid : hi;
                best->gain = g;
                best->missing_left = ml;
            }
            if (!miss_n)
                break;
        }
    }
}

static int32_t grow(cart_build *cb, size_t *idx, size_t n, int depth)
{
    int32_t id = new_node(cb);
    if (id < 0)
        return -1;
    double total = 0.0;
    for (size_t i = 0; i < n; i++)
        total += cb->y[idx[i]];
    cb->nodes[id].cover = (double)n;
    cb->nodes[id].value = n ? total / (double)n : 0.0;
    if (gb_cancelled(cb->ctl)) {
        cb->cancelled = 1;
        return id;
    }
    if (depth >= cb->opt->max_depth || n < 2 * cb->opt->min_leaf)
        return id;
    cart_split best = {.feature = -1};
    for (int f = 0; f < cb->nf; f++)
        best_cut(cb, f, idx, n, total, &best);
    if (best.feature < 0 || !(best.gain > 0.0))
        return id;
    /* Stable partition: left rows first, in their order. */
    size_t nl = 0, nr = 0;
    for (size_t i = 0; i < n; i++) {
        double v = cb->x[idx[i] * (size_t)cb->nf + (size_t)best.feature];
        int left = isnan(v) ? best.missing_left : v < best.threshold;
        if (left)
            idx[nl++] = idx[i];
        else
            cb->tmp[nr++] = idx[i];
    }
    memcpy(idx + nl, cb->tmp, nr * sizeof *idx);
    int32_t l = grow(cb, idx, nl, depth + 1);
    if (l < 0)
        return -1;
    int32_t r = grow(cb, idx + nl, nr, depth + 1);
    if (r < 0)
        return -1;
    gb_node *nd = &cb->nodes[id];
    nd->feature = best.feature;
    nd->left = l;
    nd->right = r;
    nd->split = nd->threshold = best.threshold;
    nd->flags = best.missing_left ? GB_NODE_DEFAULT_LEFT : 0;
    nd->value = 0.0;
    return id;
}

int gb_cart_fit(const double *x, int nf, const double *y, const size_t *idx, size_t n,
                const gb_cart_options *opt, const gb_job_ctl *ctl, gb_tree *out, gb_error *err)
{
    gb_cart_options o = *opt;
    if (o.min_leaf < 1)
        o.min_leaf = 1;
    if (o.max_depth > GB_MAX_DEPTH)
        o.max_depth = GB_MAX_DEPTH;
    cart_build cb = {.x = x, .nf = nf, .y = y, .opt = &o, .ctl = ctl, .err = err};
    size_t *work = gb_malloc(n ? n : 1, sizeof *work, err);
    cb.tmp = work ? gb_malloc(n ? n : 1, sizeof *cb.tmp, err) : NULL;
    cb.pairs = cb.tmp ? gb_malloc(n ? n : 1, sizeof *cb.pairs, err) : NULL;
    int rc = -1;
    if (cb.pairs) {
        memcpy(work, idx, n * sizeof *work);
        rc = grow(&cb, work, n, 0) < 0 ? -1 : cb.cancelled ? 1 : 0;
    }
    free(work);
    free(cb.tmp);
    free(cb.pairs);
    if (rc) {
        free(cb.nodes);
        return rc;
    }
    out->nodes = cb.nodes;
    out->n_nodes = cb.n_nodes;
    out->group = 0;
    return 0;
}
