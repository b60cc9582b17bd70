/* coalition.c: building the coalition engine (see coalition.h), binding a
 * row to a workspace, and the games.
 *
 * Building copies the model's trees (coalition_impl.h) and precomputes each
 * internal node's bit set over the background rows, and a table of weight
 * sums per byte of a set when the rows are not equally weighted.  The bit
 * sets cost (internal nodes) x (background rows) / 8 bytes; above
 * MAX_BITSET_BYTES the engine evaluates hybrid rows directly instead, a
 * block of background rows at a time through the compact batched evaluator
 * (forest_eval.h).  Binding a row (gb_coalition_set_row) records where x
 * goes at every node, plans the memo tables of margin space, or for a
 * linear model computes the closed form's terms.  Evaluating is in
 * coalition_eval.c. */
#include "coalition_impl.h"

#include <stdlib.h>
#include <string.h>

#define MAX_BITSET_BYTES ((size_t)512 << 20)

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
