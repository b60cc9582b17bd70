/* test_treeshap.c: checks exact TreeSHAP (src/treeshap.c) on trees small
 * enough to work out by hand.
 *
 * Small trees whose Shapley values are worked out in the comments (repeated
 * features on a path, missing values and default directions, LightGBM zero
 * rules, categorical sets, float32 inputs, zero covers, several outputs),
 * and the edges: a model without trees, a single-leaf tree, a linear model
 * refused, and models that never went through gb_model_finish refused with
 * a sentence.  Random ensembles against brute-force references, deep chains
 * and threads are in test_treeshap_random.c. */
#include "treeshap.h"
#include "tap.h"
#include "tree_builder.h"

#include <stdint.h>
#include <string.h>

/* ---- building models in code ------------------------------------------- */

/* ---- hand-worked trees ------------------------------------------------- */

static void test_two_features(void)
{
    /* A = f0, B = f1.  Root: A < 0.5 (cover 10) -> node 1 | leaf 10 (cover 6).
     * Node 1: B < 0.5 (cover 4) -> leaf 1 (cover 1) | leaf 3 (cover 3).
     * x = (0, 1) goes left, right: f(x) = 3.
     *   E{}   = 0.4 * (0.25 * 1 + 0.75 * 3) + 0.6 * 10 = 0.4 * 2.5 + 6 = 7
     *   E{A}  = 2.5;  E{B} = 0.4 * 3 + 6 = 7.2;  E{A,B} = 3
     *   phi_A = ((2.5 - 7) + (3 - 7.2)) / 2 = -4.35
     *   phi_B = ((7.2 - 7) + (3 - 2.5)) / 2 = 0.35
     * The model's intercept 0.5 is added to the bias: 7.5. */
    gb_model *m = tb_new_model(2, 1);
    gb_node t[] = {tb_split(0, 0.5, 1, 2, 10, 0), tb_split(1, 0.5, 3, 4, 4, 0), tb_leaf(10, 6), tb_leaf(1, 1),
                   tb_leaf(3, 3)};
    tb_add_tree(m, 0, t, 5);
    m->base[0] = 0.5;
    if (tb_finish(m))
        exit(1);
    double x[2] = {0, 1}, phi[3];
    tb_shap(m, x, phi);
    is_close(phi[0], -4.35, 1e-12, "two features: phi_A = -4.35 by hand");
    is_close(phi[1], 0.35, 1e-12, "two features: phi_B = 0.35 by hand");
    is_close(phi[2], 7.5, 1e-12, "two features: bias = 7 + intercept 0.5");
    gb_model_free(m);
}

static void test_repeated_feature(void)
{
    /* A reappears below B.  Root: A < 0.5 (cover 8) -> n1 | leaf 10 (cover 4).
     * n1: B < 0.5 (cover 4) -> n3 | leaf 6 (cover 2).
     * n3: A < 0.25 (cover 2) -> leaf 1 (cover 1) | leaf 3 (cover 1).
     * x = (0.3, 0.2): left, left, right: f(x) = 3.
     *   E{}   = 0.5 * (0.5 * (0.5 * 1 + 0.5 * 3) + 0.5 * 6) + 0.5 * 10 = 2 + 5 = 7
     *   E{A}  = 0.5 * 3 + 0.5 * 6 = 4.5          (A known: n1, then n3 -> 3)
     *   E{B}  = 0.5 * (0.5 * 1 + 0.5 * 3) + 5 = 6 (B known: n3, A unknown)
     *   E{AB} = 3
     *   phi_A = ((4.5 - 7) + (3 - 6)) / 2 = -2.75
     *   phi_B = ((6 - 7) + (3 - 4.5)) / 2 = -1.25 */
    gb_model *m = tb_new_model(2, 1);
    gb_node t[] = {tb_split(0, 0.5, 1, 2, 8, 0), tb_split(1, 0.5, 3, 4, 4, 0), tb_leaf(10, 4),
                   tb_split(0, 0.25, 5, 6, 2, 0), tb_leaf(6, 2), tb_leaf(1, 1), tb_leaf(3, 1)};
    tb_add_tree(m, 0, t, 7);
    if (tb_finish(m))
        exit(1);
    double x[2] = {0.3, 0.2}, phi[3];
    tb_shap(m, x, phi);
    is_close(phi[0], -2.75, 1e-12, "repeated feature: phi_A = -2.75 by hand");
    is_close(phi[1], -1.25, 1e-12, "repeated feature: phi_B = -1.25 by hand");
    is_close(phi[2], 7.0, 1e-12, "repeated feature: bias = 7");

    /* Only A: the same tree with B's split replaced by A < 0.4 (cover 4).
     * x_A = 0.3: left, left (0.3 < 0.4), right (0.3 >= 0.25): f = 3, and the
     * one feature gets everything: phi_A = 3 - 7 = -4. */
    m->trees[0].nodes[1].feature = 0;
    m->trees[0].nodes[1].split = 0.4;
    tb_shap(m, x, phi);
    is_close(phi[0], -4.0, 1e-12, "feature repeated three times: phi_A = f - E = -4");
    is_close(phi[1], 0.0, 1e-12, "feature repeated three times: unused B gets 0");
    gb_model_free(m);
}

static void test_missing_values(void)
{
    /* Stump on A < 0.5 (cover 10): leaf 1 (cover 2) | leaf 6 (cover 8).
     * E = 0.2 * 1 + 0.8 * 6 = 5.  A row that goes left gets 1 - 5 = -4, one
     * that goes right gets 6 - 5 = 1. */
    gb_model *m = tb_new_model(1, 1);
    gb_node t[] = {tb_split(0, 0.5, 1, 2, 10, GB_NODE_DEFAULT_LEFT), tb_leaf(1, 2), tb_leaf(6, 8)};
    tb_add_tree(m, 0, t, 3);
    if (tb_finish(m))
        exit(1);
    gb_node *root = &m->trees[0].nodes[0];
    double x = NAN, phi[2];
    tb_shap(m, &x, phi);
    is_close(phi[0], -4.0, 1e-12, "NaN with default left goes left: phi = 1 - 5");
    is_close(phi[1], 5.0, 1e-12, "stump bias = 0.2 * 1 + 0.8 * 6 = 5");
    root->flags = 0;
    tb_shap(m, &x, phi);
    is_close(phi[0], 1.0, 1e-12, "NaN with default right goes right: phi = 6 - 5");
    root->flags = GB_NODE_NAN_AS_ZERO;
    tb_shap(m, &x, phi);
    is_close(phi[0], -4.0, 1e-12, "LightGBM NaN-as-zero: NaN is 0 < 0.5, left: phi = -4");
    root->flags = GB_NODE_ZERO_MISSING;
    x = 0.0;
    tb_shap(m, &x, phi);
    is_close(phi[0], 1.0, 1e-12, "LightGBM zero-as-missing with default right: 0 goes right: phi = 1");
    root->flags = GB_NODE_ZERO_MISSING | GB_NODE_DEFAULT_LEFT;
    x = 0.7;
    tb_shap(m, &x, phi);
    is_close(phi[0], 1.0, 1e-12, "zero-as-missing leaves 0.7 alone: right, phi = 1");
    gb_model_free(m);
}

static void test_categorical_and_float32(void)
{
    /* Categorical stump on A, set {1, 3} (bits 0b1010) goes left:
     * leaf 4 (cover 3) | leaf -2 (cover 1); E = (3 * 4 - 2) / 4 = 2.5. */
    gb_model *m = tb_new_model(1, 1);
    m->cat_bits = malloc(sizeof *m->cat_bits);
    m->cat_bits[0] = 0xAu;
    m->n_cat_bits = 1;
    gb_node t[] = {tb_split(0, 0, 1, 2, 4, GB_NODE_CATEGORICAL), tb_leaf(4, 3), tb_leaf(-2, 1)};
    t[0].cat_begin = 0;
    t[0].cat_words = 1;
    tb_add_tree(m, 0, t, 3);
    if (tb_finish(m))
        exit(1);
    double x = 3, phi[2];
    tb_shap(m, &x, phi);
    is_close(phi[0], 1.5, 1e-12, "category 3 is in the set: phi = 4 - 2.5");
    is_close(phi[1], 2.5, 1e-12, "categorical bias = 2.5");
    x = 2;
    tb_shap(m, &x, phi);
    is_close(phi[0], -4.5, 1e-12, "category 2 is not: phi = -2 - 2.5");
    x = 1.7;
    tb_shap(m, &x, phi);
    is_close(phi[0], 1.5, 1e-12, "1.7 truncates to category 1, in the set");
    x = 40;
    tb_shap(m, &x, phi);
    is_close(phi[0], -4.5, 1e-12, "category beyond the set's words is not in it");
    gb_model_free(m);

    /* Float32 inputs: stump on A < (double)0.1f (cover 10), leaf 1 | leaf 3,
     * each cover 5, E = 2.  x = 0.1: as float it equals the split, so it goes
     * right (phi = 1); compared in double it is smaller and goes left. */
    m = tb_new_model(1, 1);
    gb_node u[] = {tb_split(0, (double)0.1f, 1, 2, 10, 0), tb_leaf(1, 5), tb_leaf(3, 5)};
    tb_add_tree(m, 0, u, 3);
    m->input_float32 = 1;
    if (tb_finish(m))
        exit(1);
    x = 0.1;
    tb_shap(m, &x, phi);
    is_close(phi[0], 1.0, 1e-12, "float32 model: 0.1 rounds to the split and goes right");
    m->input_float32 = 0;
    tb_shap(m, &x, phi);
    is_close(phi[0], -1.0, 1e-12, "double model: 0.1 < 0.1f goes left");
    gb_model_free(m);
}

static void test_zero_cover(void)
{
    /* Root A < 0.5 (cover 10) -> n1 (cover 0) | leaf 2 (cover 10);
     * n1: B < 0.5 -> leaf 4 | leaf 8, both cover 0.  Zero fractions: 0 and 1
     * at the root, 0 and 0 below n1 (no data: no weight).  x = (0, 1) reaches
     * leaf 8.
     *   E{} = 0 * E(n1) + 1 * 2 = 2;  E{A} = 0 (n1 with B absent sends no
     *   weight);  E{B} = 2;  E{AB} = 8
     *   phi_A = ((0 - 2) + (8 - 2)) / 2 = 2
     *   phi_B = ((2 - 2) + (8 - 0)) / 2 = 4      and 2 + 2 + 4 = 8. */
    gb_model *m = tb_new_model(2, 1);
    gb_node t[] = {tb_split(0, 0.5, 1, 2, 10, 0), tb_split(1, 0.5, 3, 4, 0, 0), tb_leaf(2, 10), tb_leaf(4, 0),
                   tb_leaf(8, 0)};
    tb_add_tree(m, 0, t, 5);
    if (tb_finish(m))
        exit(1);
    double x[2] = {0, 1}, phi[3];
    tb_shap(m, x, phi);
    is_close(phi[0], 2.0, 1e-12, "zero-cover subtree: phi_A = 2 by hand");
    is_close(phi[1], 4.0, 1e-12, "zero-cover subtree: phi_B = 4 by hand");
    is_close(phi[2], 2.0, 1e-12, "zero-cover subtree: bias = 2");
    x[0] = 1;
    tb_shap(m, x, phi);
    ok(phi[0] == 0.0 && phi[1] == 0.0, "row that avoids the zero-cover subtree gets 0 (f = E = 2)");
    gb_model_free(m);

    /* A tree without any cover: E{} = 0 and the leaf x reaches goes whole to
     * the one feature that decides it.  Stump A < 0.5: leaf 3 | leaf 7. */
    m = tb_new_model(1, 1);
    gb_node u[] = {tb_split(0, 0.5, 1, 2, 0, 0), tb_leaf(3, 0), tb_leaf(7, 0)};
    tb_add_tree(m, 0, u, 3);
    if (tb_finish(m))
        exit(1);
    double y = 0.0, psi[2];
    tb_shap(m, &y, psi);
    is_close(psi[0], 3.0, 1e-12, "no cover at all: phi = leaf 3, no division by zero");
    is_close(psi[1], 0.0, 1e-12, "no cover at all: bias 0");
    y = NAN;
    tb_shap(m, &y, psi);
    is_close(psi[0], 7.0, 1e-12, "no cover, NaN default right: phi = leaf 7");
    gb_model_free(m);
}

static void test_groups(void)
{
    /* Group 0: the tree of test_two_features, intercept 0.5; group 1: stump
     * B < 0.5 (cover 2): leaf -1 | leaf 1 (cover 1 each), intercept -0.25.
     * x = (0, 1): group 0 as before; group 1 goes right: phi_B = 1 - 0 = 1. */
    gb_model *m = tb_new_model(2, 2);
    gb_node t[] = {tb_split(0, 0.5, 1, 2, 10, 0), tb_split(1, 0.5, 3, 4, 4, 0), tb_leaf(10, 6), tb_leaf(1, 1),
                   tb_leaf(3, 3)};
    gb_node u[] = {tb_split(1, 0.5, 1, 2, 2, 0), tb_leaf(-1, 1), tb_leaf(1, 1)};
    tb_add_tree(m, 1, u, 3);
    tb_add_tree(m, 0, t, 5);
    m->base[0] = 0.5;
    m->base[1] = -0.25;
    if (tb_finish(m))
        exit(1);
    double x[2] = {0, 1}, phi[6];
    tb_shap(m, x, phi);
    double want[6] = {-4.35, 0.35, 7.5, 0.0, 1.0, -0.25};
    ok(tb_max_rel_err(phi, want, 6) < 1e-12, "two groups: blocks of n_features + 1, bias last, by hand");
    gb_model_free(m);
}

/* ---- edges ----------------------------------------------------------- */

static void test_edge_models(void)
{
    gb_error err;
    gb_model *m = tb_new_model(3, 2);
    m->base[0] = 1.5;
    m->base[1] = -2;
    if (tb_finish(m))
        exit(1);
    gb_treeshap *ts = gb_treeshap_new(m, &err);
    ok(ts != NULL, "a model without trees is explained");
    double x[3] = {1, 2, 3}, phi[8];
    memset(phi, 0xff, sizeof phi);
    gb_treeshap_ws *ws = gb_treeshap_ws_new(ts, &err);
    gb_treeshap_row(ts, ws, x, phi);
    double want[8] = {0, 0, 0, 1.5, 0, 0, 0, -2};
    ok(tb_max_rel_err(phi, want, 8) == 0.0, "no trees: phi is 0 and the bias is the intercept");
    gb_treeshap_ws_free(ws);
    gb_treeshap_free(ts);
    gb_model_free(m);

    /* A single-leaf tree: a constant, all bias. */
    m = tb_new_model(1, 1);
    gb_node t[] = {tb_leaf(2.5, 3)};
    tb_add_tree(m, 0, t, 1);
    if (tb_finish(m))
        exit(1);
    double y = 0.3, psi[2];
    tb_shap(m, &y, psi);
    ok(psi[0] == 0.0 && psi[1] == 2.5, "a one-leaf tree adds its value to the bias");
    gb_model_free(m);

    m = gb_model_new(NULL);
    m->kind = GB_MODEL_LINEAR;
    m->n_features = 2;
    err.msg[0] = '\0';
    ts = gb_treeshap_new(m, &err);
    ok(ts == NULL && strstr(err.msg, "tree ensemble"), "a linear model is refused with a sentence: %s", err.msg);
    gb_model_free(m);
}

/* gb_treeshap_new re-checks what its walk relies on, so a model that never
 * went through gb_model_finish is refused with a sentence, not a crash. */
static void test_unchecked_models(void)
{
    static const struct {
        int32_t left, right, feature;
        uint32_t cat_words;
        const char *want, *what;
    } cases[] = {
        {1, 7, 0, 0, "out of range", "a child index past the end"},
        {1, 1, 0, 0, "reached twice", "both children the same node"},
        {1, 2, 5, 0, "split feature 5", "a feature the model does not have"},
        {1, 2, 0, 3, "category set", "a category set past the table"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        gb_model *m = tb_new_model(2, 1);
        gb_node t[] = {tb_split(cases[k].feature, 0.5, cases[k].left, cases[k].right, 2, 0), tb_leaf(1, 1), tb_leaf(2, 1)};
        if (cases[k].cat_words) {
            t[0].flags = GB_NODE_CATEGORICAL;
            t[0].cat_words = cases[k].cat_words;
        }
        tb_add_tree(m, 0, t, 3);
        gb_error err = {{0}};
        gb_treeshap *ts = gb_treeshap_new(m, &err);
        ok(ts == NULL && strstr(err.msg, cases[k].want), "unchecked model with %s is refused: %s", cases[k].what,
           err.msg);
        gb_treeshap_free(ts);
        gb_model_free(m);
    }
}

int main(void)
{
    test_two_features();
    test_repeated_feature();
    test_missing_values();
    test_categorical_and_float32();
    test_zero_cover();
    test_groups();
    test_edge_models();
    test_unchecked_models();
    return tap_done();
}
