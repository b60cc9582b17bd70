/* coalition.c: evaluating coalitions against a background (see coalition.h).
 *
 * Trees.  Every reachable node is copied, per tree in depth-first preorder,
 * into one array with global child indices.  Each internal node owns a bit
 * set over the background rows: bit i set when row i goes left there (by
 * gb_node_next, so missing values, categories and float32 rounding follow
 * the model's own rules).  For a row x, gb_coalition_set_row records the
 * child x goes to at every node.  A coalition then walks each tree once with
 * the set of background rows still "in play": at a split on a feature of
 * the coalition the whole set follows x; at any other split the set is cut
 * in two with the node's mask and each non-empty half is walked.  At a leaf
 * the set's weight (a popcount for equal weights, else a sum read from one
 * 256-entry table per byte of the set) times the leaf value is added.  In
 * probability space the link is not linear, so the leaf value is instead
 * added to a margin per background row, and the link applied row by row at
 * the end.
 *
 * The bit sets cost (internal nodes) x (background rows) / 8 bytes; above
 * MAX_BITSET_BYTES the engine evaluates hybrid rows directly instead, a
 * block of background rows at a time through the compact batched evaluator
 * (forest_eval.h). */
#include "coalition.h"

#include <stdlib.h>
#include <string.h>

#include "forest_eval.h"

#define MAX_BITSET_BYTES ((size_t)512 << 20)

/* Memo tables per workspace: at most this many entries in all, and no
 * table for a tree with more than MEMO_MAX_BITS varying features. */
enum { MEMO_ENTRIES = 1 << 18, MEMO_MAX_BITS = 12, KEY_BATCH = 128 };

/* Direct mode: hybrid rows evaluated together (the cancel flag is read
 * between blocks). */
enum { DIRECT_BLOCK = 64 };

enum mode { MODE_TREES, MODE_LINEAR, MODE_DIRECT };

typedef struct cnode {
    int32_t feature; /* -1: leaf */
    int32_t left, right;
    int32_t inner;   /* index of the node's bit set; -1 for a leaf */
    double value;    /* leaf value */
} cnode;

typedef struct ctree {
    int32_t root;
    int32_t group;
} ctree;

struct gb_coalition {
    const gb_model *m;
    const gb_background *bg;
    gb_output_space space;
    enum mode mode;
    int n_features, n_groups;
    size_t words;          /* per feature mask */
    size_t bg_words;       /* per background bit set */
    uint64_t last_word;    /* valid bits of the last background word */
    unsigned char *used;   /* features the model reads */
    /* Trees. */
    cnode *nodes;
    const gb_node **orig;  /* the model's node behind each copy */
    size_t n_nodes, n_inner;
    ctree *trees;
    size_t n_trees;
    int max_depth;
    uint64_t *goleft;      /* n_inner x bg_words */
    int32_t *tfeat;        /* distinct features of each tree, tree after tree */
    size_t *tfeat_off;     /* n_trees + 1 offsets into tfeat */
    double *wtab;          /* bg_words * 8 tables of 256 sums; NULL for equal weights */
    gb_forest *forest;     /* direct mode */
};

/* A tree's value for one pattern of its features; valid when gen is the
 * workspace's (one cache line holds the value and its check). */
struct memo_entry {
    double v;
    uint32_t gen;
};

struct gb_coalition_ws {
    double *x;             /* the row, n_features */
    double *xin;           /* the row after gb_model_input */
    int32_t *xchild;       /* per node: the child x goes to */
    uint64_t *stack_sets;  /* (max_depth + 2) x bg_words */
    int32_t *stack_nodes;
    double *marg;          /* probability space: bg rows x n_groups */
    double *hyb;           /* direct: DIRECT_BLOCK hybrid rows */
    double *hyb_margin;    /* direct: their margins */
    double *tmp;           /* n_groups */
    double *lin_v0;        /* linear: v(empty) per group */
    double *lin_d;         /* linear: n_groups x n_features, v(S) - v(empty) = sum over S */
    /* Margin-space memo (trees): a tree's value depends only on which of
     * its features that vary in this row's background are in the
     * coalition, so each tree keeps a table indexed by those bits. */
    unsigned char *vary;   /* per feature: differs from x in some background row */
    int32_t *rfeat;        /* per tree: its varying features */
    size_t *roff;          /* n_trees + 1 offsets into rfeat */
    int64_t *memo_at;      /* per tree: first entry of its table, or -1 */
    /* Memo keys from the coalition's bits: varying feature f sets bit
     * fkey[i].bit of tree fkey[i].tree's key, for i in fkey_off[f] ..
     * fkey_off[f + 1]; keys are built for KEY_BATCH coalitions at once. */
    struct fkey { uint32_t tree, bit; } *fkey;
    size_t *fkey_off;      /* n_features + 1 */
    uint64_t *vary_bits;   /* the varying features as a mask */
    uint32_t *keys;        /* KEY_BATCH x n_trees */
    struct memo_entry *memo;
    uint32_t gen;
    uint64_t evals;
};

const char *gb_output_space_name(gb_output_space space)
{
    return space == GB_SPACE_PROBABILITY ? "probability" : "margin";
}

int gb_output_space_parse(const char *name, gb_output_space *out)
{
    if (strcmp(name, "margin") == 0)
        *out = GB_SPACE_MARGIN;
    else if (strcmp(name, "probability") == 0)
        *out = GB_SPACE_PROBABILITY;
    else
        return -1;
    return 0;
}

size_t gb_coalition_words(const gb_coalition *c) { return c->words; }
int gb_coalition_outputs(const gb_coalition *c) { return c->n_groups; }
const gb_model *gb_coalition_model(const gb_coalition *c) { return c->m; }
const gb_background *gb_coalition_background(const gb_coalition *c) { return c->bg; }
gb_output_space gb_coalition_space(const gb_coalition *c) { return c->space; }
uint64_t gb_coalition_ws_evals(const gb_coalition_ws *ws) { return ws->evals; }

static inline int has(const uint64_t *mask, int f)
{
    return (int)((mask[f >> 6] >> (f & 63)) & 1u);
}

/* Copies the reachable nodes of tree t in preorder, starting at *at. */
static int copy_tree(gb_coalition *c, const gb_tree *t, int32_t *stack, gb_error *err)
{
    size_t begin = c->n_nodes;
    int32_t sp = 0;
    /* Each stack entry: a node of the model's tree, and the slot in the
     * copy whose child index must point at it (-1 for the root). */
    stack[sp++] = 0;
    stack[sp++] = -1;
    while (sp) {
        int32_t parent_slot = stack[--sp];
        int32_t i = stack[--sp];
        const gb_node *nd = &t->nodes[i];
        size_t k = c->n_nodes++;
        if (parent_slot >= 0) {
            /* parent_slot encodes (copy index << 1) | (1 for the right child). */
            cnode *p = &c->nodes[parent_slot >> 1];
            if (parent_slot & 1)
                p->right = (int32_t)k;
            else
                p->left = (int32_t)k;
        }
        cnode *cn = &c->nodes[k];
        c->orig[k] = nd;
        cn->value = nd->value;
        if (nd->left < 0) {
            cn->feature = cn->left = cn->right = cn->inner = -1;
            continue;
        }
        cn->feature = nd->feature;
        cn->inner = (int32_t)c->n_inner++;
        c->used[nd->feature] = 1;
        /* Right first so that the left child is copied next (preorder). */
        stack[sp++] = nd->right;
        stack[sp++] = (int32_t)((k << 1) | 1);
        stack[sp++] = nd->left;
        stack[sp++] = (int32_t)(k << 1);
    }
    (void)begin;
    (void)err;
    return 0;
}

/* The distinct features each tree splits on. */
static int tree_features(gb_coalition *c, gb_error *err)
{
    size_t *seen = gb_malloc((size_t)c->n_features, sizeof *seen, err);
    c->tfeat = gb_malloc(c->n_inner ? c->n_inner : 1, sizeof *c->tfeat, err);
    c->tfeat_off = gb_malloc(c->n_trees + 1, sizeof *c->tfeat_off, err);
    if (!seen || !c->tfeat || !c->tfeat_off) {
        free(seen);
        return -1;
    }
    for (int f = 0; f < c->n_features; f++)
        seen[f] = SIZE_MAX;
    size_t n = 0;
    for (size_t t = 0; t < c->n_trees; t++) {
        c->tfeat_off[t] = n;
        size_t end = t + 1 < c->n_trees ? (size_t)c->trees[t + 1].root : c->n_nodes;
        for (size_t k = (size_t)c->trees[t].root; k < end; k++) {
            int32_t f = c->nodes[k].feature;
            if (f >= 0 && seen[f] != t) {
                seen[f] = t;
                c->tfeat[n++] = f;
            }
        }
    }
    c->tfeat_off[c->n_trees] = n;
    free(seen);
    return 0;
}

static int build_trees(gb_coalition *c, gb_error *err)
{
    const gb_model *m = c->m;
    size_t total = 0;
    int32_t biggest = 1;
    for (size_t t = 0; t < m->n_trees; t++) {
        total += (size_t)m->trees[t].n_nodes;
        if (m->trees[t].n_nodes > biggest)
            biggest = m->trees[t].n_nodes;
    }
    c->nodes = gb_malloc(total ? total : 1, sizeof *c->nodes, err);
    c->orig = gb_malloc(total ? total : 1, sizeof *c->orig, err);
    c->trees = gb_malloc(m->n_trees ? m->n_trees : 1, sizeof *c->trees, err);
    int32_t *stack = gb_malloc((size_t)biggest * 2 + 4, 2 * sizeof *stack, err);
    if (!c->nodes || !c->orig || !c->trees || !stack) {
        free(stack);
        return -1;
    }
    for (size_t t = 0; t < m->n_trees; t++) {
        c->trees[t].root = (int32_t)c->n_nodes;
        c->trees[t].group = m->trees[t].group;
        copy_tree(c, &m->trees[t], stack, err);
    }
    free(stack);
    c->n_trees = m->n_trees;
    c->max_depth = m->max_depth;
    return tree_features(c, err);
}

static int build_bitsets(gb_coalition *c, gb_error *err)
{
    const gb_background *bg = c->bg;
    c->goleft = gb_calloc(c->n_inner ? c->n_inner : 1, c->bg_words * sizeof *c->goleft, err);
    if (!c->goleft)
        return -1;
    for (size_t k = 0; k < c->n_nodes; k++) {
        const cnode *cn = &c->nodes[k];
        if (cn->inner < 0)
            continue;
        uint64_t *bits = c->goleft + (size_t)cn->inner * c->bg_words;
        const gb_node *nd = c->orig[k];
        /* gb_node_next names a child of the model's tree; compare with the
         * model's own left index. */
        for (size_t i = 0; i < bg->n; i++) {
            double v = gb_model_input(c->m, bg->x[i * (size_t)c->n_features + (size_t)cn->feature]);
            if (gb_node_next(c->m, nd, v) == nd->left)
                bits[i >> 6] |= UINT64_C(1) << (i & 63);
        }
    }
    if (!bg->uniform) {
        size_t tables = c->bg_words * 8;
        c->wtab = gb_calloc(tables, 256 * sizeof *c->wtab, err);
        if (!c->wtab)
            return -1;
        for (size_t t = 0; t < tables; t++)
            for (unsigned v = 0; v < 256; v++) {
                double s = 0.0;
                for (unsigned b = 0; b < 8; b++) {
                    size_t i = t * 8 + b;
                    if ((v >> b) & 1u && i < bg->n)
                        s += bg->w[i];
                }
                c->wtab[t * 256 + v] = s;
            }
    }
    return 0;
}

gb_coalition *gb_coalition_new(const gb_model *m, const gb_background *bg, gb_output_space space, unsigned flags,
                               gb_error *err)
{
    if (!bg || bg->n == 0)
        return gb_error_set(err, "the background has no rows"), NULL;
    if (bg->n_features != m->n_features)
        return gb_error_set(err, "the background has %d features, the model %d", bg->n_features, m->n_features),
               NULL;
    gb_coalition *c = gb_calloc(1, sizeof *c, err);
    if (!c)
        return NULL;
    c->m = m;
    c->bg = bg;
    c->space = space;
    c->n_features = m->n_features;
    c->n_groups = m->n_groups;
    c->words = ((size_t)m->n_features + 63) / 64;
    c->bg_words = (bg->n + 63) / 64;
    c->last_word = bg->n % 64 ? (UINT64_C(1) << (bg->n % 64)) - 1 : ~UINT64_C(0);
    c->used = gb_calloc((size_t)m->n_features, 1, err);
    if (!c->used)
        goto fail;
    if (m->kind == GB_MODEL_LINEAR) {
        for (int g = 0; g < m->n_groups; g++)
            for (int f = 0; f < m->n_features; f++)
                if (m->coef[(size_t)g * (size_t)m->n_features + (size_t)f] != 0.0)
                    c->used[f] = 1;
        c->mode = (flags & GB_COALITION_DIRECT) || space == GB_SPACE_PROBABILITY ? MODE_DIRECT : MODE_LINEAR;
        if (c->mode == MODE_DIRECT && !(c->forest = gb_forest_new(m, err)))
            goto fail;
        return c;
    }
    if (build_trees(c, err))
        goto fail;
    c->mode = MODE_TREES;
    if ((flags & GB_COALITION_DIRECT) || c->n_inner * c->bg_words * 8 > MAX_BITSET_BYTES) {
        c->mode = MODE_DIRECT;
        if (!(c->forest = gb_forest_new(m, err)))
            goto fail;
    } else if (build_bitsets(c, err)) {
        goto fail;
    }
    return c;
fail:
    gb_coalition_free(c);
    return NULL;
}

void gb_coalition_free(gb_coalition *c)
{
    if (!c)
        return;
    free(c->used);
    free(c->nodes);
    free(c->orig);
    free(c->trees);
    free(c->goleft);
    free(c->tfeat);
    free(c->tfeat_off);
    free(c->wtab);
    gb_forest_free(c->forest);
    free(c);
}

gb_coalition_ws *gb_coalition_ws_new(const gb_coalition *c, gb_error *err)
{
    gb_coalition_ws *ws = gb_calloc(1, sizeof *ws, err);
    if (!ws)
        return NULL;
    size_t nf = (size_t)c->n_features, ng = (size_t)c->n_groups;
    int ok = (ws->x = gb_malloc(nf, sizeof *ws->x, err)) && (ws->xin = gb_malloc(nf, sizeof *ws->xin, err)) &&
             (ws->hyb = gb_malloc(nf, DIRECT_BLOCK * sizeof *ws->hyb, err)) &&
             (ws->hyb_margin = gb_malloc(ng, DIRECT_BLOCK * sizeof *ws->hyb_margin, err)) &&
             (ws->tmp = gb_malloc(ng, 2 * sizeof *ws->tmp, err));
    if (ok && c->mode == MODE_TREES) {
        size_t depth = (size_t)c->max_depth + 2;
        ok = (ws->xchild = gb_malloc(c->n_nodes ? c->n_nodes : 1, sizeof *ws->xchild, err)) &&
             (ws->stack_sets = gb_malloc(depth, c->bg_words * sizeof *ws->stack_sets, err)) &&
             (ws->stack_nodes = gb_malloc(depth, sizeof *ws->stack_nodes, err));
        if (ok && c->space == GB_SPACE_PROBABILITY)
            ok = (ws->marg = gb_malloc(c->bg->n, ng * sizeof *ws->marg, err)) != NULL;
        if (ok && c->space == GB_SPACE_MARGIN)
            ok = (ws->vary = gb_malloc(nf, 1, err)) &&
                 (ws->rfeat = gb_malloc(c->tfeat_off[c->n_trees] + 1, sizeof *ws->rfeat, err)) &&
                 (ws->roff = gb_malloc(c->n_trees + 1, sizeof *ws->roff, err)) &&
                 (ws->memo_at = gb_malloc(c->n_trees + 1, sizeof *ws->memo_at, err)) &&
                 (ws->memo = gb_calloc(MEMO_ENTRIES, sizeof *ws->memo, err)) &&
                 (ws->fkey = gb_malloc(c->tfeat_off[c->n_trees] + 1, sizeof *ws->fkey, err)) &&
                 (ws->fkey_off = gb_malloc(nf + 1, sizeof *ws->fkey_off, err)) &&
                 (ws->vary_bits = gb_malloc(c->words, sizeof *ws->vary_bits, err)) &&
                 (ws->keys = gb_malloc(KEY_BATCH, (c->n_trees ? c->n_trees : 1) * sizeof *ws->keys, err));
    }
    if (ok && c->mode == MODE_LINEAR)
        ok = (ws->lin_v0 = gb_malloc(ng, sizeof *ws->lin_v0, err)) &&
             (ws->lin_d = gb_malloc(ng, nf * sizeof *ws->lin_d, err));
    if (!ok) {
        gb_coalition_ws_free(ws);
        return NULL;
    }
    return ws;
}

void gb_coalition_ws_free(gb_coalition_ws *ws)
{
    if (!ws)
        return;
    free(ws->x);
    free(ws->xin);
    free(ws->xchild);
    free(ws->stack_sets);
    free(ws->stack_nodes);
    free(ws->marg);
    free(ws->hyb);
    free(ws->hyb_margin);
    free(ws->tmp);
    free(ws->lin_v0);
    free(ws->lin_d);
    free(ws->vary);
    free(ws->rfeat);
    free(ws->roff);
    free(ws->memo_at);
    free(ws->memo);
    free(ws->fkey);
    free(ws->fkey_off);
    free(ws->vary_bits);
    free(ws->keys);
    free(ws);
}

static double present(double v)
{
    return isnan(v) ? 0.0 : v;
}

static int same_value(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

/* Which features vary for this row, each tree's varying features, and
 * where each tree's memo table lies (smaller tables first come first). */
static void plan_memo(const gb_coalition *c, gb_coalition_ws *ws)
{
    const gb_background *bg = c->bg;
    size_t nf = (size_t)c->n_features;
    for (size_t f = 0; f < nf; f++) {
        ws->vary[f] = 0;
        for (size_t i = 0; i < bg->n && !ws->vary[f]; i++)
            ws->vary[f] = !same_value(ws->xin[f], gb_model_input(c->m, bg->x[i * nf + f]));
    }
    size_t n = 0, used = 0;
    for (size_t t = 0; t < c->n_trees; t++) {
        ws->roff[t] = n;
        for (size_t j = c->tfeat_off[t]; j < c->tfeat_off[t + 1]; j++)
            if (ws->vary[c->tfeat[j]])
                ws->rfeat[n++] = c->tfeat[j];
        size_t bits = n - ws->roff[t], size = bits <= MEMO_MAX_BITS ? (size_t)1 << bits : 0;
        if (size && used + size <= MEMO_ENTRIES) {
            ws->memo_at[t] = (int64_t)used;
            used += size;
        } else {
            ws->memo_at[t] = -1;
        }
    }
    ws->roff[c->n_trees] = n;
    /* Invert the trees' lists into per-feature lists (counting sort). */
    memset(ws->fkey_off, 0, (nf + 1) * sizeof *ws->fkey_off);
    memset(ws->vary_bits, 0, c->words * sizeof *ws->vary_bits);
    for (size_t f = 0; f < nf; f++)
        if (ws->vary[f])
            ws->vary_bits[f >> 6] |= UINT64_C(1) << (f & 63);
    for (size_t t = 0; t < c->n_trees; t++)
        for (size_t j = ws->roff[t]; j < ws->roff[t + 1] && ws->memo_at[t] >= 0; j++)
            ws->fkey_off[ws->rfeat[j] + 1]++;
    for (size_t f = 0; f < nf; f++)
        ws->fkey_off[f + 1] += ws->fkey_off[f];
    for (size_t t = 0; t < c->n_trees; t++)
        for (size_t j = ws->roff[t]; j < ws->roff[t + 1] && ws->memo_at[t] >= 0; j++) {
            /* fkey_off[f] runs ahead as a cursor; restored below. */
            size_t at = ws->fkey_off[ws->rfeat[j]]++;
            ws->fkey[at].tree = (uint32_t)t;
            ws->fkey[at].bit = UINT32_C(1) << (j - ws->roff[t]);
        }
    for (size_t f = nf; f > 0; f--)
        ws->fkey_off[f] = ws->fkey_off[f - 1];
    ws->fkey_off[0] = 0;
    if (++ws->gen == 0) {
        memset(ws->memo, 0, MEMO_ENTRIES * sizeof *ws->memo);
        ws->gen = 1;
    }
}

void gb_coalition_set_row(const gb_coalition *c, gb_coalition_ws *ws, const double *x)
{
    size_t nf = (size_t)c->n_features;
    memcpy(ws->x, x, nf * sizeof *x);
    for (size_t f = 0; f < nf; f++)
        ws->xin[f] = gb_model_input(c->m, x[f]);
    if (c->mode == MODE_TREES) {
        for (size_t k = 0; k < c->n_nodes; k++) {
            const cnode *cn = &c->nodes[k];
            if (cn->inner < 0)
                continue;
            const gb_node *nd = c->orig[k];
            ws->xchild[k] = gb_node_next(c->m, nd, ws->xin[cn->feature]) == nd->left ? cn->left : cn->right;
        }
        if (ws->memo)
            plan_memo(c, ws);
    } else if (c->mode == MODE_LINEAR) {
        /* v(S) = base + sum_f coef_f * (f in S ? x_f : E[b_f]), a missing
         * value adding nothing, i.e. counting as 0. */
        const gb_model *m = c->m;
        double *mean = ws->hyb;
        gb_background_mean0(c->bg, mean);
        for (int g = 0; g < c->n_groups; g++) {
            const double *w = m->coef + (size_t)g * nf;
            double v0 = m->base[g];
            for (size_t f = 0; f < nf; f++) {
                v0 += w[f] * mean[f];
                ws->lin_d[(size_t)g * nf + f] = w[f] * (present(x[f]) - mean[f]);
            }
            ws->lin_v0[g] = v0;
        }
    }
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

/* ------------------------------------------------------------------ games */

static int find_players(const gb_coalition *c, const double *x, int *players)
{
    const gb_background *bg = c->bg;
    size_t nf = (size_t)c->n_features;
    int n = 0;
    for (size_t f = 0; f < nf; f++) {
        if (!c->used[f])
            continue;
        double xf = gb_model_input(c->m, x[f]);
        for (size_t i = 0; i < bg->n; i++)
            if (!same_value(xf, gb_model_input(c->m, bg->x[i * nf + f]))) {
                if (players)
                    players[n] = (int)f;
                n++;
                break;
            }
    }
    return n;
}

int gb_coalition_count_players(const gb_coalition *c, const double *x)
{
    return find_players(c, x, NULL);
}

int gb_game_begin(gb_game *g, const gb_coalition *c, gb_coalition_ws *ws, const double *x,
                  const atomic_int *cancel, gb_error *err)
{
    memset(g, 0, sizeof *g);
    g->c = c;
    g->ws = ws;
    g->n_groups = c->n_groups;
    g->words = c->words;
    size_t ng = (size_t)c->n_groups;
    g->players = gb_malloc((size_t)c->n_features, sizeof *g->players, err);
    g->base = gb_calloc(2 * c->words, sizeof *g->base, err);
    g->v_empty = gb_malloc(2 * ng, sizeof *g->v_empty, err);
    if (!g->players || !g->base || !g->v_empty) {
        gb_game_end(g);
        return -1;
    }
    g->v_full = g->v_empty + ng;
    gb_coalition_set_row(c, ws, x);
    g->n_players = find_players(c, x, g->players);
    uint64_t *full = g->base + c->words;
    for (int f = 0; f < c->n_features; f++)
        full[f >> 6] |= UINT64_C(1) << (f & 63);
    memcpy(g->base, full, c->words * sizeof *full);
    for (int p = 0; p < g->n_players; p++)
        gb_game_mask_remove(g, g->base, p);
    /* v_empty and v_full are adjacent, as are the two masks. */
    if (gb_coalition_eval(c, ws, g->base, 2, g->v_empty, cancel)) {
        gb_game_end(g);
        return 1;
    }
    return 0;
}

void gb_game_end(gb_game *g)
{
    free(g->players);
    free(g->base);
    free(g->v_empty);
    memset(g, 0, sizeof *g);
}
