/* coalition_eval.c: evaluating coalitions against a background (see
 * coalition.h; the engine is built in coalition.c).
 *
 * Trees.  A coalition walks each tree once with the set of background rows
 * still "in play": at a split on a feature of the coalition the whole set
 * follows x; at any other split the set is cut in two with the node's mask
 * and each non-empty half is walked.  At a leaf the set's weight (a popcount
 * for equal weights, else a sum read from one 256-entry table per byte of
 * the set) times the leaf value is added.  In probability space the link is
 * not linear, so the leaf value is instead added to a margin per background
 * row, and the link applied row by row at the end.  Linear models use the
 * closed form bound with the row; the direct way evaluates hybrid rows a
 * block at a time (forest_eval.h). */
#include "coalition_impl.h"

#include <string.h>

static inline int has(const uint64_t *mask, int f)
{
    return (int)((mask[f >> 6] >> (f & 63)) & 1u);
}

/* Without -mpopcnt, __builtin_popcountll is a call into libgcc; this is
 * the same few instructions inline. */
static inline unsigned popcount64(uint64_t x)
{
    x = x - ((x >> 1) & UINT64_C(0x5555555555555555));
    x = (x & UINT64_C(0x3333333333333333)) + ((x >> 2) & UINT64_C(0x3333333333333333));
    x = (x + (x >> 4)) & UINT64_C(0x0f0f0f0f0f0f0f0f);
    return (unsigned)((x * UINT64_C(0x0101010101010101)) >> 56);
}

/* Weight of a set of background rows. */
static inline __attribute__((always_inline)) double set_weight(const gb_coalition *c, const uint64_t *set,
                                                                const size_t nw)
{
    if (!c->wtab) {
        uint64_t n = 0;
        for (size_t w = 0; w < nw; w++)
            n += popcount64(set[w]);
        return (double)n;
    }
    double s = 0.0;
    const double *tab = c->wtab;
    for (size_t w = 0; w < nw; w++, tab += 8 * 256) {
        uint64_t v = set[w];
        for (int b = 0; v; b++, v >>= 8)
            s += tab[b * 256 + (v & 0xff)];
    }
    return s;
}

/* Walks one tree for one coalition.  Margin space: returns the sum of leaf
 * value x set weight (a count for equal weights).  Probability space: adds
 * leaf values into ws->marg and returns 0. */
static inline __attribute__((always_inline)) double walk_tree(const gb_coalition *c, gb_coalition_ws *ws,
                                                               const ctree *t, const uint64_t *mask, int prob,
                                                               const size_t nw)
{
    const cnode *nodes = c->nodes;
    const int ng = c->n_groups;
    uint64_t *sets = ws->stack_sets;
    int32_t *stk = ws->stack_nodes;
    int sp = 0;
    double acc = 0.0;
    /* The set being walked lives in sets[sp * nw ..]; pushing a sibling
     * moves the current set one slot up. */
    for (size_t w = 0; w < nw; w++)
        sets[w] = ~UINT64_C(0);
    sets[nw - 1] = c->last_word;
    int32_t k = t->root;
    for (;;) {
        const cnode *cn = &nodes[k];
        uint64_t *cur = sets + (size_t)sp * nw;
        if (cn->feature < 0) {
            if (prob) {
                for (size_t w = 0; w < nw; w++)
                    for (uint64_t v = cur[w]; v; v &= v - 1) {
                        size_t i = w * 64 + (size_t)__builtin_ctzll(v);
                        ws->marg[i * (size_t)ng + (size_t)t->group] += cn->value;
                    }
            } else {
                acc += cn->value * set_weight(c, cur, nw);
            }
            if (sp == 0)
                break;
            sp--;
            k = stk[sp];
            continue;
        }
        if (has(mask, cn->feature)) {
            k = ws->xchild[k];
            continue;
        }
        const uint64_t *gl = c->goleft + (size_t)cn->inner * nw;
        uint64_t *next = cur + nw;
        uint64_t any_l = 0, any_r = 0;
        for (size_t w = 0; w < nw; w++) {
            uint64_t l = cur[w] & gl[w], r = cur[w] & ~gl[w];
            any_l |= l;
            any_r |= r;
            next[w] = r;
        }
        if (!any_r) {
            k = cn->left;
        } else if (!any_l) {
            k = cn->right;
        } else {
            /* Keep the left half here, the right half one slot up: walk
             * left now, come back for the right. */
            for (size_t w = 0; w < nw; w++) {
                uint64_t l = cur[w] & gl[w];
                cur[w] = next[w];
                next[w] = l;
            }
            stk[sp] = cn->right;
            sp++;
            k = cn->left;
        }
    }
    return acc;
}

/* One tree's value for the coalition (margin space), from the memo when
 * this pattern (key) of the tree's varying features was seen for this row. */
static inline double tree_value(const gb_coalition *c, gb_coalition_ws *ws, size_t t, const uint64_t *mask,
                                uint32_t key)
{
    struct memo_entry *me = NULL;
    if (ws->memo_at[t] >= 0) {
        me = ws->memo + ws->memo_at[t] + (int64_t)key;
        if (me->gen == ws->gen)
            return me->v;
    }
    /* Constant word counts let the compiler unroll the set loops. */
    double a;
    switch (c->bg_words) {
    case 1: a = walk_tree(c, ws, &c->trees[t], mask, 0, 1); break;
    case 2: a = walk_tree(c, ws, &c->trees[t], mask, 0, 2); break;
    case 4: a = walk_tree(c, ws, &c->trees[t], mask, 0, 4); break;
    default: a = walk_tree(c, ws, &c->trees[t], mask, 0, c->bg_words); break;
    }
    a = c->wtab ? a : a / (double)c->bg->n;
    if (me) {
        me->v = a;
        me->gen = ws->gen;
    }
    return a;
}

/* Every tree's memo key for n <= KEY_BATCH coalitions: only the varying
 * features in each coalition are visited. */
static void build_keys(const gb_coalition *c, gb_coalition_ws *ws, const uint64_t *masks, size_t n)
{
    size_t T = c->n_trees;
    memset(ws->keys, 0, n * T * sizeof *ws->keys);
    for (size_t k = 0; k < n; k++) {
        uint32_t *key = ws->keys + k * T;
        const uint64_t *mask = masks + k * c->words;
        for (size_t w = 0; w < c->words; w++)
            for (uint64_t v = mask[w] & ws->vary_bits[w]; v; v &= v - 1) {
                size_t f = w * 64 + (size_t)__builtin_ctzll(v);
                for (size_t i = ws->fkey_off[f]; i < ws->fkey_off[f + 1]; i++)
                    key[ws->fkey[i].tree] |= ws->fkey[i].bit;
            }
    }
}

/* A batch of coalitions tree by tree, so that a tree's nodes and memo
 * table stay in cache while every coalition of the batch reads them.  Each
 * coalition's trees are still added in tree order, so neither the batching
 * nor the memo changes a bit of the result. */
static int eval_trees_margin(const gb_coalition *c, gb_coalition_ws *ws, const uint64_t *masks, size_t n,
                             double *out, const atomic_int *cancel)
{
    const gb_model *m = c->m;
    size_t ng = (size_t)c->n_groups;
    size_t T = c->n_trees;
    memset(out, 0, n * ng * sizeof *out);
    for (size_t lo = 0; lo < n; lo += KEY_BATCH) {
        size_t cnt = n - lo < KEY_BATCH ? n - lo : KEY_BATCH;
        const uint64_t *bm = masks + lo * c->words;
        double *bo = out + lo * ng;
        build_keys(c, ws, bm, cnt);
        for (size_t t = 0; t < T; t++) {
            if (cancel && (t & 15) == 0 && atomic_load_explicit(cancel, memory_order_relaxed))
                return 1;
            double *o = bo + c->trees[t].group;
            const uint32_t *key = ws->keys + t;
            for (size_t k = 0; k < cnt; k++, o += ng, key += T)
                *o += tree_value(c, ws, t, bm + k * c->words, *key);
        }
    }
    for (size_t k = 0; k < n; k++)
        for (size_t g = 0; g < ng; g++)
            out[k * ng + g] += m->base[g];
    return 0;
}

static int eval_trees_prob(const gb_coalition *c, gb_coalition_ws *ws, const uint64_t *mask, double *out,
                           const atomic_int *cancel)
{
    const gb_model *m = c->m;
    const gb_background *bg = c->bg;
    int ng = c->n_groups;
    for (size_t i = 0; i < bg->n; i++)
        memcpy(ws->marg + i * (size_t)ng, m->base, (size_t)ng * sizeof *m->base);
    for (int g = 0; g < ng; g++)
        out[g] = 0.0;
    for (size_t t = 0; t < c->n_trees; t++) {
        if (cancel && (t & 15) == 0 && atomic_load_explicit(cancel, memory_order_relaxed))
            return 1;
        switch (c->bg_words) {
        case 1: walk_tree(c, ws, &c->trees[t], mask, 1, 1); break;
        case 2: walk_tree(c, ws, &c->trees[t], mask, 1, 2); break;
        case 4: walk_tree(c, ws, &c->trees[t], mask, 1, 4); break;
        default: walk_tree(c, ws, &c->trees[t], mask, 1, c->bg_words); break;
        }
    }
    double *p = ws->tmp;
    for (size_t i = 0; i < bg->n; i++) {
        gb_model_transform(m, ws->marg + i * (size_t)ng, p);
        for (int g = 0; g < ng; g++)
            out[g] += bg->w[i] * p[g];
    }
    return 0;
}

static void eval_linear(const gb_coalition *c, gb_coalition_ws *ws, const uint64_t *mask, double *out)
{
    size_t nf = (size_t)c->n_features;
    for (int g = 0; g < c->n_groups; g++) {
        const double *d = ws->lin_d + (size_t)g * nf;
        double s = 0.0;
        for (size_t w = 0; w < c->words; w++)
            for (uint64_t v = mask[w]; v; v &= v - 1)
                s += d[w * 64 + (size_t)__builtin_ctzll(v)];
        out[g] = ws->lin_v0[g] + s;
    }
}

static int eval_direct(const gb_coalition *c, gb_coalition_ws *ws, const uint64_t *mask, double *out,
                       const atomic_int *cancel)
{
    const gb_background *bg = c->bg;
    size_t nf = (size_t)c->n_features;
    int ng = c->n_groups;
    double *p = ws->tmp;
    for (int g = 0; g < ng; g++)
        out[g] = 0.0;
    for (size_t lo = 0; lo < bg->n; lo += DIRECT_BLOCK) {
        if (cancel && atomic_load_explicit(cancel, memory_order_relaxed))
            return 1;
        size_t cnt = bg->n - lo < DIRECT_BLOCK ? bg->n - lo : DIRECT_BLOCK;
        for (size_t k = 0; k < cnt; k++) {
            const double *b = bg->x + (lo + k) * nf;
            double *h = ws->hyb + k * nf;
            for (size_t f = 0; f < nf; f++)
                h[f] = has(mask, (int)f) ? ws->x[f] : b[f];
        }
        gb_forest_margin_batch(c->forest, ws->hyb, cnt, ws->hyb_margin);
        /* Added row by row in background order, as one row at a time did. */
        for (size_t k = 0; k < cnt; k++) {
            const double *mg = ws->hyb_margin + k * (size_t)ng;
            if (c->space == GB_SPACE_PROBABILITY)
                gb_model_transform(c->m, mg, p);
            else
                memcpy(p, mg, (size_t)ng * sizeof *p);
            for (int g = 0; g < ng; g++)
                out[g] += bg->w[lo + k] * p[g];
        }
    }
    return 0;
}

int gb_coalition_eval(const gb_coalition *c, gb_coalition_ws *ws, const uint64_t *masks, size_t n, double *out,
                      const atomic_int *cancel)
{
    if (c->mode == MODE_TREES && c->space == GB_SPACE_MARGIN) {
        if (eval_trees_margin(c, ws, masks, n, out, cancel))
            return 1;
        ws->evals += (uint64_t)n * c->bg->n;
        return 0;
    }
    for (size_t k = 0; k < n; k++) {
        const uint64_t *mask = masks + k * c->words;
        double *o = out + k * (size_t)c->n_groups;
        int rc = 0;
        if (c->mode == MODE_TREES)
            rc = eval_trees_prob(c, ws, mask, o, cancel);
        else if (c->mode == MODE_LINEAR)
            eval_linear(c, ws, mask, o);
        else
            rc = eval_direct(c, ws, mask, o, cancel);
        if (rc)
            return 1;
        ws->evals += c->bg->n;
    }
    if (cancel && atomic_load_explicit(cancel, memory_order_relaxed))
        return 1;
    return 0;
}
