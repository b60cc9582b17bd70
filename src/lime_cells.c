/* lime_cells.c: the intervals a tree model's splits make on a feature, and
 * the alias tables of (bin, interval) pairs LIME draws from (see
 * lime_cells.h). */
#include "lime_cells.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct cut {
    double at, rep;
} cut;

static int by_at(const void *a, const void *b)
{
    double x = ((const cut *)a)->at, y = ((const cut *)b)->at;
    return (x > y) - (x < y);
}

/* The smallest double x with (float)x >= s: the midpoint between s and the
 * float below it, or the double above it when round-to-nearest-even takes
 * the midpoint down (s has an odd significand); beyond the float range the
 * neighbours are +-2^128, as rounding treats them. */
static double float_boundary(float s)
{
    if (s == -INFINITY)
        return -INFINITY;
    float below = nextafterf(s, -INFINITY);
    double mid =
        isinf(s) ? 0x1.ffffffp127 : (isinf(below) ? -0x1.ffffffp127 : 0.5 * ((double)below + (double)s));
    uint32_t bits;
    memcpy(&bits, &s, sizeof bits);
    return (bits & 1u) ? nextafter(mid, INFINITY) : mid;
}

int gb_lime_cuts_build(gb_lime_cuts *c, const gb_model *m, int feature, gb_error *err)
{
    memset(c, 0, sizeof *c);
    if (m->kind != GB_MODEL_TREES)
        return 0;
    size_t total = 0;
    for (size_t t = 0; t < m->n_trees; t++)
        total += (size_t)m->trees[t].n_nodes;
    cut *cuts = gb_malloc(total ? total : 1, sizeof *cuts, err);
    if (!cuts)
        return -1;
    size_t n = 0;
    c->usable = 1;
    for (size_t t = 0; t < m->n_trees && c->usable; t++)
        for (int32_t i = 0; i < m->trees[t].n_nodes; i++) {
            const gb_node *nd = &m->trees[t].nodes[i];
            if (nd->left < 0 || nd->feature != feature)
                continue;
            if (nd->flags & (GB_NODE_CATEGORICAL | GB_NODE_ZERO_MISSING)) {
                c->usable = 0;
                break;
            }
            if (m->input_float32) {
                float s = gb_float_split(nd->split);
                cuts[n].at = float_boundary(s);
                cuts[n++].rep = (double)s;
            } else {
                cuts[n].at = cuts[n].rep = nd->split;
                n++;
            }
        }
    if (!c->usable) {
        free(cuts);
        return 0;
    }
    qsort(cuts, n, sizeof *cuts, by_at);
    c->at = gb_malloc(n ? n : 1, sizeof *c->at, err);
    c->rep = c->at ? gb_malloc(n ? n : 1, sizeof *c->rep, err) : NULL;
    if (!c->rep) {
        free(cuts);
        gb_lime_cuts_free(c);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (c->n == 0 || cuts[i].at != c->at[c->n - 1]) {
            c->at[c->n] = cuts[i].at;
            c->rep[c->n++] = cuts[i].rep;
        }
    free(cuts);
    return 0;
}

void gb_lime_cuts_free(gb_lime_cuts *c)
{
    free(c->at);
    free(c->rep);
    memset(c, 0, sizeof *c);
}

/* The index of the first boundary above x (strictly, or at or above). */
static size_t first_cut(const gb_lime_cuts *cuts, double x, int strictly)
{
    size_t k = 0, hi = cuts->n;
    while (k < hi) {
        size_t mid = k + (hi - k) / 2;
        if (cuts->at[mid] < x || (strictly && cuts->at[mid] == x))
            k = mid + 1;
        else
            hi = mid;
    }
    return k;
}

/* The truncated normal's mass on [l, u] (unnormalised), in the tail its
 * table uses so that it keeps its digits. */
static double mass(const gb_truncnorm *t, double l, double u)
{
    double zl = (l - t->mean) / t->sd, zu = (u - t->mean) / t->sd;
    double p = t->upper ? gsl_cdf_ugaussian_Q(zl) - gsl_cdf_ugaussian_Q(zu)
                        : gsl_cdf_ugaussian_P(zu) - gsl_cdf_ugaussian_P(zl);
    return p > 0.0 ? p : 0.0;
}

typedef struct builder {
    gb_lime_cells *c;
    double *weight;
} builder;

static void add(builder *b, int code, double value, double lo, double hi, double weight)
{
    gb_lime_cells *c = b->c;
    c->code[c->n] = code;
    c->value[c->n] = value;
    c->lo[c->n] = lo;
    c->hi[c->n] = hi;
    b->weight[c->n++] = weight;
}

/* Bin j's intervals: [lo, a1), [a1, a2), ..., [ak, hi] for the boundaries
 * strictly inside it; the first stands for itself by lo, the others by their
 * boundary's value. */
static void add_bin(builder *b, const gb_lime_cuts *cuts, int j, double count, const gb_truncnorm *t)
{
    if (t->constant) {
        add(b, j, t->value, t->value, t->value, count);
        return;
    }
    size_t k = first_cut(cuts, t->lo, 1);
    size_t first = b->c->n;
    /* lo lies in [at[k - 1], at[k]): that interval's value, or lo itself
     * below every boundary. */
    double total = 0.0, from = t->lo, rep = k > 0 ? cuts->rep[k - 1] : t->lo;
    for (; k < cuts->n && cuts->at[k] < t->hi; k++) {
        double p = mass(t, from, cuts->at[k]);
        add(b, j, rep, from, cuts->at[k], p);
        total += p;
        from = cuts->at[k];
        rep = cuts->rep[k];
    }
    double p = mass(t, from, t->hi);
    add(b, j, rep, from, t->hi, p);
    total += p;
    for (size_t e = first; e < b->c->n; e++)
        b->weight[e] = total > 0.0 ? count * b->weight[e] / total : 0.0;
    if (!(total > 0.0)) /* no mass a double holds: the table's own value */
        add(b, j, t->value, t->value, t->value, count);
}

/* 1 when rounding could put a value-by-value draw of the bin on the other
 * side of a boundary with a probability the intervals do not have: a
 * boundary in [lo, hi] (ends included: a draw rounds or is clamped onto
 * them) within 40 sd of the mean, for a bin whose sd is within 2^20 steps
 * between doubles there (a bin of one repeated value has sd 1e-11). */
static int rounding_matters(const gb_lime_cuts *cuts, const gb_truncnorm *t)
{
    size_t k = first_cut(cuts, t->lo, 0);
    for (; k < cuts->n && cuts->at[k] <= t->hi; k++) {
        double b = cuts->at[k], step = nextafter(fabs(b), INFINITY) - fabs(b);
        if (t->sd < 0x1.0p20 * step && fabs(b - t->mean) < 40.0 * t->sd)
            return 1;
    }
    return 0;
}

int gb_lime_cells_build(gb_lime_cells *c, const gb_lime_cuts *cuts, int n_bins, const double *count,
                        const gb_truncnorm *draw, double missing, gb_error *err)
{
    memset(c, 0, sizeof *c);
    for (int j = 0; j < n_bins; j++)
        if (count[j] > 0.0 && !draw[j].constant && rounding_matters(cuts, &draw[j]))
            return 0; /* no cells: the feature is drawn value by value */
    /* A boundary lies inside one bin at most: each bin's first interval,
     * one per boundary, and the missing values. */
    size_t room = cuts->n + 2 * (size_t)n_bins + 1;
    c->code = gb_malloc(room, sizeof *c->code, err);
    c->value = c->code ? gb_malloc(room, sizeof *c->value, err) : NULL;
    c->lo = c->value ? gb_malloc(room, sizeof *c->lo, err) : NULL;
    c->hi = c->lo ? gb_malloc(room, sizeof *c->hi, err) : NULL;
    c->p = c->hi ? gb_malloc(room, sizeof *c->p, err) : NULL;
    double *weight = c->p ? gb_malloc(room, sizeof *weight, err) : NULL;
    if (!weight) {
        gb_lime_cells_free(c);
        return -1;
    }
    builder b = {c, weight};
    for (int j = 0; j < n_bins; j++)
        if (count[j] > 0.0)
            add_bin(&b, cuts, j, count[j], &draw[j]);
    if (missing > 0.0)
        add(&b, n_bins, NAN, NAN, NAN, missing);
    double total = 0.0;
    for (size_t e = 0; e < c->n; e++)
        total += weight[e];
    for (size_t e = 0; e < c->n; e++)
        c->p[e] = weight[e] / total;
    int rc = gb_alias_init(&c->pick, weight, c->n, err);
    free(weight);
    if (rc)
        gb_lime_cells_free(c);
    return rc;
}

void gb_lime_cells_free(gb_lime_cells *c)
{
    gb_alias_free(&c->pick);
    free(c->code);
    free(c->value);
    free(c->lo);
    free(c->hi);
    free(c->p);
    memset(c, 0, sizeof *c);
}

double gb_lime_cells_show(const gb_lime_cells *c, const gb_truncnorm *draw, size_t e, gb_truncnorm *scratch,
                          gb_rng64 *g)
{
    if (!(c->lo[e] < c->hi[e]))
        return c->value[e];
    const gb_truncnorm *t = &draw[c->code[e]];
    gb_truncnorm_init(scratch, t->mean, t->sd, c->lo[e], c->hi[e]);
    return gb_truncnorm_draw(scratch, g);
}
