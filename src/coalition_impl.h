/* coalition_impl.h: the engine's data, shared by its two halves (internal
 * to coalition.c and coalition_eval.c; the public half is coalition.h).
 *
 * Trees.  Every reachable node is copied, per tree in depth-first preorder,
 * into one array with global child indices.  Each internal node owns a bit
 * set over the background rows: bit i set when row i goes left there (by
 * gb_node_next, so missing values, categories and float32 rounding follow
 * the model's own rules).  For a row x, the workspace records the child x
 * goes to at every node, and in margin space a memo table per tree.
 *
 * coalition.c builds the engine and its workspaces, binds a row to a
 * workspace and holds the games; coalition_eval.c evaluates coalitions,
 * so its hot loops stay in one translation unit. */
#ifndef GB_COALITION_IMPL_H
#define GB_COALITION_IMPL_H

#include "coalition.h"
#include "forest_eval.h"

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

#endif
