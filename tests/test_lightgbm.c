/* test_lightgbm.c: the LightGBM text model loader (src/model_lightgbm.c).
 *
 * Each folder under tests/fixtures/lightgbm holds a hand-written model, rows
 * that reach every branch, and margins and predictions worked out by hand
 * from LightGBM's documented decision rules (see RULES.txt and each
 * reasoning.txt there): this program checks the loaded model's shape, a few
 * nodes' normalised split rules, and every row's margins and transformed
 * outputs against those files, and TreeSHAP on the loaded model against
 * contribs.csv, which LightGBM's own TreeSHAP (Tree::PredictContrib) wrote.  Then it feeds the loader
 * variants of those files that must load (CRLF, a BOM, fallbacks, objective aliases) and damaged ones that
 * must be refused with a message naming the line and the key, and finally every truncation and a few thousand
 * random corruptions, which must never crash (run under ASan/UBSan). */
#define _GNU_SOURCE /* mkdtemp */
#include "model.h"
#include "tap.h"
#include "treeshap.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TOL 1e-12

/* ---- helpers ------------------------------------------------------------- */

static char *slurp(const char *rel, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/fixtures/lightgbm/%s", tap_srcdir(), rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            char *b = realloc(buf, cap *= 2);
            if (!b)
                free(buf);
            buf = b;
        }
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    *len = n;
    return buf;
}

/* Loads from an exactly sized copy with no terminating NUL, so that ASan
 * catches any read past the buffer. */
static gb_model *load_bytes(const char *text, size_t len, gb_error *err)
{
    char *copy = malloc(len ? len : 1);
    memcpy(copy, text, len);
    gb_model *m = gb_model_load_lightgbm("bad.txt", copy, len, err);
    free(copy);
    return m;
}

static gb_model *load_text(const char *text, gb_error *err)
{
    return load_bytes(text, strlen(text), err);
}

/* text with the first occurrence of `from` replaced by `to` (NULL when
 * `from` is absent, which the caller reports as a failed check). */
static char *replace(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    if (!at)
        return NULL;
    size_t a = (size_t)(at - text), nf = strlen(from), nt = strlen(to), n = strlen(text);
    char *out = malloc(n - nf + nt + 1);
    memcpy(out, text, a);
    memcpy(out + a, to, nt);
    memcpy(out + a + nt, at + nf, n - a - nf + 1);
    return out;
}

/* Applies replace() in place; keeps the old text (and fails) if absent. */
static int edit(char **text, const char *from, const char *to)
{
    char *t = replace(*text, from, to);
    if (!t)
        return 0;
    free(*text);
    *text = t;
    return 1;
}

static char *fixture_text(const char *name)
{
    char rel[256];
    size_t len;
    snprintf(rel, sizeof rel, "%s/model.txt", name);
    return slurp(rel, &len);
}

/* A CSV of numbers with a header; an empty field is NaN. */
typedef struct table {
    size_t rows, cols;
    double *v;
} table;

static int read_table(const char *rel, table *t)
{
    size_t len;
    char *buf = slurp(rel, &len);
    memset(t, 0, sizeof *t);
    if (!buf)
        return -1;
    char *save = NULL, *line = strtok_r(buf, "\n", &save);
    t->cols = 1;
    for (const char *p = line; p && *p; p++)
        t->cols += *p == ',';
    t->v = malloc(len * sizeof *t->v);
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        const char *p = line;
        for (size_t c = 0; c < t->cols; c++) {
            char *end;
            double v = strtod(p, &end);
            t->v[t->rows * t->cols + c] = end == p ? NAN : v;
            p = strchr(end, ',');
            p = p ? p + 1 : end;
        }
        t->rows++;
    }
    free(buf);
    return 0;
}

/* ---- the fixtures ------------------------------------------------------ */

typedef struct expect {
    const char *name, *objective, *booster;
    gb_link link;
    int n_groups, n_classes, n_features;
    size_t n_trees;
    const char *features[3];
} expect;

static const expect fixtures[] = {
    {"regression", "regression", "lightgbm", GB_LINK_IDENTITY, 1, 0, 3, 3, {"a", "b", "c"}},
    {"binary", "binary", "lightgbm", GB_LINK_LOGISTIC, 1, 2, 2, 2, {"x", "y"}},
    {"multiclass", "multiclass", "lightgbm", GB_LINK_SOFTMAX, 3, 3, 2, 6, {"p", "q"}},
    {"rf", "binary", "random-forest", GB_LINK_LOGISTIC, 1, 2, 2, 3, {"u", "v"}},
    {"categorical", "regression", "lightgbm", GB_LINK_IDENTITY, 1, 0, 3, 2, {"color", "size", "shape"}},
    {"constant", "binary", "lightgbm", GB_LINK_LOGISTIC, 1, 2, 2, 1, {"z", "w"}},
};

/* Compares margins and outputs of every data row with margin.csv and
 * predict.csv (row,class,value).  scale multiplies the expected margins
 * (for the sigmoid variant); want_p, if given, computes the expected
 * output from the expected margin instead of predict.csv. */
static void check_rows(const gb_model *m, const char *name, const char *label, double scale,
                       double (*want_p)(double))
{
    char rel[256];
    table data, margin, pred;
    snprintf(rel, sizeof rel, "%s/data.csv", name);
    int rc = read_table(rel, &data);
    snprintf(rel, sizeof rel, "%s/margin.csv", name);
    rc |= read_table(rel, &margin);
    snprintf(rel, sizeof rel, "%s/predict.csv", name);
    rc |= read_table(rel, &pred);
    if (!ok(rc == 0 && data.cols == (size_t)m->n_features + 1 &&
                margin.rows == data.rows * (size_t)m->n_groups && pred.rows == margin.rows,
            "%s: data.csv, margin.csv and predict.csv agree in shape", label))
        goto done;
    double x[8], mg[8], out[8];
    for (size_t r = 0; r < data.rows; r++) {
        for (int f = 0; f < m->n_features; f++)
            x[f] = data.v[r * data.cols + (size_t)f];
        gb_model_margin(m, x, mg);
        gb_model_transform(m, mg, out);
        for (int g = 0; g < m->n_groups; g++) {
            size_t i = r * (size_t)m->n_groups + (size_t)g;
            double want = margin.v[i * 3 + 2] * scale;
            is_close(mg[g], want, TOL, "%s row %zu class %d: margin", label, r, g);
            is_close(out[g], want_p ? want_p(want) : pred.v[i * 3 + 2], TOL, "%s row %zu class %d: output",
                     label, r, g);
        }
    }
done:
    free(data.v);
    free(margin.v);
    free(pred.v);
}

/* TreeSHAP on the loaded model against LightGBM's own (contribs.csv:
 * row,class,<features>,base_value,output).  This is where the choice of
 * cover (the counts) shows. */
static void check_contribs(const gb_model *m, const char *name)
{
    char rel[256];
    table data, want;
    gb_error err = {""};
    snprintf(rel, sizeof rel, "%s/data.csv", name);
    int rc = read_table(rel, &data);
    snprintf(rel, sizeof rel, "%s/contribs.csv", name);
    rc |= read_table(rel, &want);
    size_t nf = (size_t)m->n_features, w = nf + 4;
    gb_treeshap *ts = rc == 0 ? gb_treeshap_new(m, &err) : NULL;
    gb_treeshap_ws *ws = ts ? gb_treeshap_ws_new(ts, &err) : NULL;
    if (ok(ws && want.cols == w && want.rows == data.rows * (size_t)m->n_groups,
           "%s: contribs.csv read, TreeSHAP set up %s", name, err.msg)) {
        double x[8], phi[32];
        for (size_t r = 0; r < data.rows; r++) {
            for (size_t f = 0; f < nf; f++)
                x[f] = data.v[r * data.cols + f];
            gb_treeshap_row(ts, ws, x, phi);
            for (int g = 0; g < m->n_groups; g++) {
                const double *row = &want.v[(r * (size_t)m->n_groups + (size_t)g) * w];
                double worst = 0.0;
                for (size_t j = 0; j <= nf; j++) {
                    double d = fabs(phi[(size_t)g * (nf + 1) + j] - row[2 + j]);
                    worst = fmax(worst, d / fmax(1.0, fabs(row[2 + j])));
                }
                ok(worst <= TOL, "%s row %zu class %d: TreeSHAP equals LightGBM's pred_contrib (worst %.3g)",
                   name, r, g, worst);
            }
        }
    }
    gb_treeshap_ws_free(ws);
    gb_treeshap_free(ts);
    free(data.v);
    free(want.v);
}

static gb_model *load_fixture(const char *name, gb_error *err)
{
    char *text = fixture_text(name);
    if (!text) {
        snprintf(err->msg, sizeof err->msg, "cannot read %s/model.txt", name);
        return NULL;
    }
    gb_model *m = gb_model_load_lightgbm(name, text, strlen(text), err);
    free(text);
    return m;
}

static void check_fixture(const expect *e)
{
    gb_error err = {""};
    gb_model *m = load_fixture(e->name, &err);
    if (!ok(m != NULL, "%s: loads", e->name)) {
        printf("#   %s\n", err.msg);
        return;
    }
    ok(m->kind == GB_MODEL_TREES && strcmp(m->format, "lightgbm") == 0, "%s: format lightgbm, trees",
       e->name);
    ok(strcmp(m->booster, e->booster) == 0, "%s: booster %s (got %s)", e->name, e->booster, m->booster);
    ok(strcmp(m->objective, e->objective) == 0, "%s: objective %s (got %s)", e->name, e->objective,
       m->objective);
    ok(m->link == e->link, "%s: link %s (got %s)", e->name, gb_link_name(e->link), gb_link_name(m->link));
    ok(m->n_groups == e->n_groups && m->n_classes == e->n_classes, "%s: %d groups, %d classes (got %d, %d)",
       e->name, e->n_groups, e->n_classes, m->n_groups, m->n_classes);
    ok(m->n_features == e->n_features && m->n_trees == e->n_trees, "%s: %d features, %zu trees (got %d, %zu)",
       e->name, e->n_features, e->n_trees, m->n_features, m->n_trees);
    int names_ok = m->feature_names != NULL;
    for (int f = 0; names_ok && f < e->n_features; f++)
        names_ok = strcmp(m->feature_names[f], e->features[f]) == 0;
    ok(names_ok, "%s: feature names", e->name);
    int groups_ok = 1;
    for (size_t t = 0; t < m->n_trees; t++)
        groups_ok &= m->trees[t].group == (int32_t)(t % (size_t)e->n_groups);
    ok(groups_ok, "%s: tree t adds to group t %% %d", e->name, e->n_groups);
    ok(m->base && m->base[0] == 0.0, "%s: base margin 0 (LightGBM keeps the init score in the leaves)",
       e->name);
    check_rows(m, e->name, e->name, 1.0, NULL);
    check_contribs(m, e->name);
    gb_model_free(m);
}

/* The normalised rules of a few nodes (see model.h and the loader). */
static void check_regression_nodes(void)
{
    gb_error err = {""};
    gb_model *m = load_fixture("regression", &err);
    if (!ok(m != NULL, "regression loads for node checks"))
        return;
    const gb_node *t0 = m->trees[0].nodes, *t1 = m->trees[1].nodes;
    const gb_node *r0 = &t0[0], *r0l = &t0[r0->left], *r0r = &t0[r0->right];
    ok(r0->feature == 0 && r0->threshold == 1.5 && r0->split == nextafter(1.5, INFINITY),
       "tree 0 root: a, threshold 1.5, split = next double above 1.5");
    ok(r0->flags == GB_NODE_NAN_AS_ZERO, "decision_type 0 (None): NaN as zero, nothing missing");
    ok(r0l->feature == 1 && r0l->flags == (GB_NODE_NAN_AS_ZERO | GB_NODE_ZERO_MISSING),
       "decision_type 4 (Zero, default right): NaN as zero, zero missing, right");
    ok(r0r->feature == 2 && r0r->flags == GB_NODE_DEFAULT_LEFT, "decision_type 10 (NaN, default left)");
    ok(r0->cover == 100 && r0l->cover == 30 && t0[r0l->left].cover == 10 && t0[r0l->left].value == 1,
       "covers are the counts; leaf values as written");
    const gb_node *r1 = &t1[0], *r1l = &t1[r1->left], *r1r = &t1[r1->right];
    ok(r1->flags == (GB_NODE_NAN_AS_ZERO | GB_NODE_ZERO_MISSING | GB_NODE_DEFAULT_LEFT),
       "decision_type 6 (Zero, default left)");
    ok(r1l->flags == 0 && r1l->split == nextafter(1.0000000180025095e-35, INFINITY),
       "decision_type 8 (NaN, default right); split just above 1.0000000180025095e-35");
    ok(r1r->flags == GB_NODE_NAN_AS_ZERO, "decision_type 2 (None, default-left bit ignored)");
    ok(m->trees[2].n_nodes == 1 && m->trees[2].nodes[0].value == 0.5 && m->trees[2].nodes[0].cover == 1.0,
       "num_leaves=1: one leaf, cover 1 when count and weight are 0");
    ok(m->max_depth == 3 && m->n_leaves == 10, "depth 3, 10 leaves (got %d, %zu)", m->max_depth, m->n_leaves);
    gb_model_free(m);
}

static void check_categorical_nodes(void)
{
    gb_error err = {""};
    gb_model *m = load_fixture("categorical", &err);
    if (!ok(m != NULL, "categorical loads for node checks"))
        return;
    const gb_node *a = &m->trees[0].nodes[0];
    const gb_node *b = &m->trees[1].nodes[m->trees[1].nodes[0].left];
    ok(a->flags == (GB_NODE_CATEGORICAL | GB_NODE_CAT_TRUNCATE) && a->cat_words == 3 && m->cat_bits[a->cat_begin] == 10 &&
           m->cat_bits[a->cat_begin + 1] == 2 && m->cat_bits[a->cat_begin + 2] == 64,
       "tree 0 root: categorical, 3-word set 10 2 64, no missing flags");
    ok(b->flags == (GB_NODE_CATEGORICAL | GB_NODE_CAT_TRUNCATE) && b->cat_words == 2 && m->cat_bits[b->cat_begin] == 2147483648u &&
           m->cat_bits[b->cat_begin + 1] == 1,
       "tree 1: decision_type 11 gives a plain categorical node, set 2^31 1");
    ok(m->n_cat_bits == 6, "all 6 words in cat_bits (got %zu)", m->n_cat_bits);
    ok(m->feature_categorical && m->feature_categorical[0] && !m->feature_categorical[1] &&
           m->feature_categorical[2],
       "feature_infos marks color and shape categorical");
    gb_model_free(m);
}

/* ---- variants that must load --------------------------------------------- */

static double sigmoid2(double margin)
{
    /* LightGBM (binary, and multiclassova per class): 1 / (1 + exp(-sigmoid *
     * raw)); the expected margin passed in is already 2 * raw. */
    return 1.0 / (1.0 + exp(-margin));
}

static void check_variants(void)
{
    gb_error err = {""};
    char *base = fixture_text("regression");
    if (!ok(base != NULL, "read regression/model.txt"))
        return;

    /* CRLF line endings. */
    size_t n = strlen(base), k = 0;
    char *crlf = malloc(2 * n + 1);
    for (size_t i = 0; i < n; i++) {
        if (base[i] == '\n')
            crlf[k++] = '\r';
        crlf[k++] = base[i];
    }
    crlf[k] = '\0';
    gb_model *m = load_text(crlf, &err);
    if (ok(m != NULL, "CRLF file loads (%s)", m ? "" : err.msg))
        check_rows(m, "regression", "CRLF", 1.0, NULL);
    gb_model_free(m);
    free(crlf);

    /* A BOM, no tree_sizes, nothing after "end of trees". */
    char *t = replace(base, "tree_sizes=358 394 225\n", "");
    char *cut = t ? strstr(t, "end of trees") : NULL;
    if (cut)
        cut[strlen("end of trees")] = '\0';
    char *bom = malloc(strlen(base) + 4);
    snprintf(bom, strlen(base) + 4, "\xEF\xBB\xBF%s", t ? t : "");
    m = load_text(bom, &err);
    if (ok(m != NULL, "BOM, no tree_sizes, no trailer: loads (%s)", m ? "" : err.msg))
        check_rows(m, "regression", "BOM", 1.0, NULL);
    gb_model_free(m);
    free(bom);
    free(t);

    /* Counts absent: covers come from the weights. */
    t = strdup(base);
    int edited = edit(&t, "leaf_count=10 20 30 40\n", "") && edit(&t, "internal_count=100 30 70\n", "") &&
                 edit(&t, "internal_weight=100 30 70", "internal_weight=50 15 35") &&
                 edit(&t, "leaf_weight=10 20 30 40", "leaf_weight=5 10 15 20");
    m = edited ? load_text(t, &err) : NULL;
    if (ok(m != NULL, "no counts in tree 0: loads (%s)", m ? "" : err.msg)) {
        const gb_node *nd = m->trees[0].nodes;
        ok(nd[0].cover == 50 && nd[nd[0].left].cover == 15 && nd[nd[nd[0].left].left].cover == 5,
           "covers fall back to internal_weight / leaf_weight");
        ok(m->trees[1].nodes[0].cover == 100, "other trees keep their counts");
        check_rows(m, "regression", "weights", 1.0, NULL);
    }
    gb_model_free(m);
    free(t);

    /* Empty optional arrays count as absent: a single leaf's cover is then 1,
     * and tree 0 of regression falls back to its weights. */
    t = fixture_text("constant");
    m = t && edit(&t, "leaf_weight=0\nleaf_count=0", "leaf_weight=\nleaf_count=") ? load_text(t, &err) : NULL;
    ok(m && m->trees[0].nodes[0].cover == 1.0,
       "empty leaf_weight= and leaf_count= on a single leaf: cover 1 (%s)", m ? "" : err.msg);
    gb_model_free(m);
    free(t);
    t = strdup(base);
    m = edit(&t, "leaf_count=10 20 30 40", "leaf_count=") ? load_text(t, &err) : NULL;
    ok(m && m->trees[0].nodes[0].cover == 100 && m->trees[1].nodes[0].cover == 100,
       "empty leaf_count=: the weights are used (%s)", m ? "" : err.msg);
    gb_model_free(m);
    free(t);

    /* Objective spellings. */
    static const struct {
        const char *line, *name;
        gb_link link;
    } objs[] = {
        {"objective=mse\n", "regression", GB_LINK_IDENTITY},
        {"objective=huber sqrt\n", "huber", GB_LINK_IDENTITY},
        {"objective=quantile\n", "quantile", GB_LINK_IDENTITY},
        {"objective=poisson\n", "poisson", GB_LINK_EXP},
        {"objective=tweedie\n", "tweedie", GB_LINK_EXP},
        {"objective=gamma\n", "gamma", GB_LINK_EXP},
        {"objective=cross_entropy\n", "cross_entropy", GB_LINK_LOGISTIC},
        {"objective=lambdarank\n", "lambdarank", GB_LINK_IDENTITY},
        {"objective=xendcg\n", "rank_xendcg", GB_LINK_IDENTITY},
        {"", "custom", GB_LINK_IDENTITY}, /* no objective line at all */
    };
    for (size_t i = 0; i < sizeof objs / sizeof objs[0]; i++) {
        t = replace(base, "objective=regression\n", objs[i].line);
        m = t ? load_text(t, &err) : NULL;
        ok(m && strcmp(m->objective, objs[i].name) == 0 && m->link == objs[i].link,
           "'%.*s' reads as %s, link %s", (int)strcspn(objs[i].line, "\n"), objs[i].line, objs[i].name,
           gb_link_name(objs[i].link));
        gb_model_free(m);
        free(t);
    }
    free(base);

    /* binary with sigmoid:2: the sigmoid is folded into the margin. */
    t = fixture_text("binary");
    m = t && edit(&t, "sigmoid:1", "sigmoid:2") ? load_text(t, &err) : NULL;
    if (ok(m != NULL, "binary sigmoid:2 loads (%s)", m ? "" : err.msg))
        check_rows(m, "binary", "sigmoid:2", 2.0, sigmoid2);
    gb_model_free(m);
    free(t);

    /* multiclassova: one sigmoid per class, no normalisation. */
    t = fixture_text("multiclass");
    m = t && edit(&t, "multiclass num_class:3", "multiclassova num_class:3 sigmoid:2") ? load_text(t, &err)
                                                                                       : NULL;
    if (ok(m && m->link == GB_LINK_LOGISTIC && m->n_groups == 3 && m->n_classes == 3 &&
               strcmp(m->objective, "multiclassova") == 0,
           "multiclassova sigmoid:2 loads: logistic link on 3 margins (%s)", m ? "" : err.msg))
        check_rows(m, "multiclass", "multiclassova", 2.0, sigmoid2);
    gb_model_free(m);
    free(t);

    /* No decision_type line: every node is numeric with missing type None.
     * Row 0 (x NaN, y NaN): T0 x NaN->0 <= 0.25 -> -0.5; T1 as before -0.75. */
    t = fixture_text("binary");
    m = t && edit(&t, "decision_type=8 0\n", "") ? load_text(t, &err) : NULL;
    if (ok(m != NULL, "no decision_type line: loads (%s)", m ? "" : err.msg)) {
        double x[2] = {NAN, NAN}, mg;
        gb_model_margin(m, x, &mg);
        is_close(mg, -1.25, TOL, "no decision_type: NaN is treated as 0 (missing type None)");
    }
    gb_model_free(m);
    free(t);
}

/* The smallest multiclass model: two classes with a softmax over two
 * outputs (and one-vs-all, two sigmoids) loads, and its saved copy loads
 * back with the same margins. */
static void check_two_classes(void)
{
    static const char *const objective[] = {"multiclass num_class:2", "multiclassova num_class:2 sigmoid:1"};
    char dir[] = "/tmp/test_lightgbm.XXXXXX", path[64];
    if (!ok(mkdtemp(dir) != NULL, "temporary directory"))
        return;
    snprintf(path, sizeof path, "%s/two.json", dir);
    for (int i = 0; i < 2; i++) {
        gb_error err = {""};
        char *t = fixture_text("multiclass");
        int edited = t && edit(&t, "num_class=3\n", "num_class=2\n") &&
                     edit(&t, "num_tree_per_iteration=3", "num_tree_per_iteration=2") &&
                     edit(&t, "multiclass num_class:3", objective[i]);
        gb_model *m = edited ? load_text(t, &err) : NULL;
        gb_model *back = m && gb_model_save_native(m, path, &err) == 0 ? gb_model_load(path, &err) : NULL;
        int same = back && back->n_groups == 2 && back->n_classes == 2 && back->link == m->link;
        for (int r = 0; same && r < 25; r++) {
            double x[2] = {r % 5 == 4 ? NAN : r % 5 - 2.0, r / 5 == 4 ? NAN : 2.0 * (r / 5) - 1.0}, a[2], b[2];
            gb_model_margin(m, x, a);
            gb_model_margin(back, x, b);
            same = a[0] == b[0] && a[1] == b[1];
        }
        if (!ok(m && m->n_groups == 2 && m->n_classes == 2 && same,
                "objective=%s with num_class=2: 2 outputs, 2 classes; the saved copy gives the same margins",
                objective[i]))
            printf("#   edited: %d, message: %s\n", edited, err.msg);
        gb_model_free(back);
        gb_model_free(m);
        free(t);
    }
    remove(path);
    rmdir(dir);
}

/* ---- files that must be refused ------------------------------------------ */

typedef struct bad_case {
    const char *fixture;
    const char *from, *to; /* edits applied in order; to == NULL ends */
    const char *from2, *to2;
    const char *want;      /* fragment of the message */
} bad_case;

static const bad_case bad[] = {
    {"regression", "num_class=1\n", "", 0, 0, "bad.txt: the header has no num_class line"},
    {"regression", "max_feature_idx=2\n", "", 0, 0, "bad.txt: the header has no max_feature_idx line"},
    {"regression", "num_class=1\n", "num_class=0\n", 0, 0,
     "bad.txt:3: num_class=0 is out of range (1 to 100000)"},
    {"regression", "max_feature_idx=2", "max_feature_idx=-1", 0, 0,
     "bad.txt:6: max_feature_idx=-1 is out of range"},
    {"regression", "version=v4", "version=v2", 0, 0, "bad.txt:2: version=v2 is not supported"},
    {"regression", "left_child=1 -1 -3 -4\n", "", 0, 0, "bad.txt:31: tree 1 has no left_child line"},
    {"regression", "num_cat=0\n", "", 0, 0, "bad.txt:12: tree 0 has no num_cat line"},
    {"regression", "leaf_value=1 2 4 8\n", "leaf_value=1 2 4\n", 0, 0,
     "bad.txt:21: tree 0: leaf_value has 3 values, but num_leaves=4 needs 4"},
    {"regression", "split_feature=0 1 2\n", "split_feature=0 1 2 2\n", 0, 0,
     "bad.txt:15: tree 0: split_feature has 4 values, but num_leaves=4 needs 3"},
    {"regression", "left_child=1 -1 -3\n", "left_child=1 -1 -9\n", 0, 0,
     "bad.txt:19: tree 0: left_child[2]: child -9 is out of range (the tree has 3 internal nodes and 4 "
     "leaves)"},
    {"regression", "right_child=2 -2 -4\n", "right_child=7 -2 -4\n", 0, 0,
     "bad.txt:20: tree 0: right_child[0]: child 7 is out of range"},
    {"regression", "left_child=1 -1 -3\n", "left_child=0 -1 -3\n", 0, 0,
     "bad.txt:19: tree 0: left_child[0]: the root (node 0) cannot be a child"},
    {"regression", "right_child=2 -2 -4\n", "right_child=2 -1 -4\n", 0, 0,
     "bad.txt:20: tree 0: right_child[1]: leaf 0 is already the child of node 1"},
    {"regression", "right_child=2 -2 3 -5\n", "right_child=-5 -2 3 2\n", 0, 0,
     "bad.txt:38: tree 1: left_child/right_child leave 4 nodes unreachable from the root"},
    {"regression", "num_leaves=4\n", "num_leaves=500000000\n", 0, 0,
     "bad.txt:21: tree 0: leaf_value has 4 values, but num_leaves=500000000 needs 500000000"},
    {"regression", "num_leaves=4\n", "num_leaves=1000000000\n", 0, 0,
     "bad.txt:13: tree 0: num_leaves=1000000000 is out of range (1 to 536870912)"},
    {"regression", "num_leaves=4\n", "num_leaves=0\n", 0, 0,
     "bad.txt:13: tree 0: num_leaves=0 is out of range"},
    {"regression", "num_leaves=4\n", "num_leaves=99999999999999999999\n", 0, 0,
     "bad.txt:13: tree 0: num_leaves=100000000000000000000 is out of range"},
    {"regression", "num_leaves=4\n", "num_leaves=four\n", 0, 0,
     "bad.txt:13: tree 0: num_leaves: 'four' is not an integer"},
    {"regression", "threshold=1.5 0.5", "threshold=1.5 abc", 0, 0,
     "bad.txt:17: tree 0: threshold[1]: 'abc' is not a finite number"},
    {"regression", "threshold=1.5 0.5", "threshold=1.5 nan", 0, 0,
     "threshold[1]: 'nan' is not a finite number"},
    {"regression", "threshold=1.5 0.5", "threshold=inf 0.5", 0, 0,
     "threshold[0]: 'inf' is not a finite number"},
    {"regression", "threshold=1.5 0.5", "threshold=1.5 1e999", 0, 0,
     "threshold[1]: '1e999' is not a finite number"},
    {"regression", "threshold=1.5 0.5", "threshold=0x1p1 0.5", 0, 0,
     "threshold[0]: '0x1p1' is not a finite number"},
    {"regression", "leaf_value=1 2 4 8", "leaf_value=1 2 4 8e", 0, 0,
     "leaf_value[3]: '8e' is not a finite number"},
    {"regression", "decision_type=0 4 10", "decision_type=0 4.5 10", 0, 0,
     "bad.txt:18: tree 0: decision_type[1]: '4.5' is not an integer"},
    {"regression", "decision_type=0 4 10", "decision_type=0 12 10", 0, 0,
     "bad.txt:18: tree 0: decision_type[1]: 12 has missing type 3"},
    {"regression", "decision_type=0 4 10", "decision_type=0 16 10", 0, 0,
     "bad.txt:18: tree 0: decision_type[1]: 16 is out of range (0 to 15)"},
    {"regression", "split_feature=0 1 2\n", "split_feature=0 3 2\n", 0, 0,
     "bad.txt:15: tree 0: split_feature[1]: feature 3 is out of range (max_feature_idx=2)"},
    {"regression", "split_feature=0 1 2\n", "split_feature=0 -1 2\n", 0, 0,
     "bad.txt:15: tree 0: split_feature[1]: -1 is out of range"},
    {"regression", "leaf_count=10 20 30 40", "leaf_count=10 20 -30 40", 0, 0,
     "bad.txt:23: tree 0: leaf_count[2]: -30 is out of range"},
    {"regression", "is_linear=0", "is_linear=1", 0, 0,
     "bad.txt:27: tree 0 is a linear tree (is_linear=1): glassbox does not support linear trees"},
    {"regression", "objective=regression", "objective=regression sqrt", 0, 0,
     "bad.txt:7: objective: the sqrt option"},
    {"regression", "objective=regression", "objective=frobnicate", 0, 0,
     "bad.txt:7: objective 'frobnicate' is not a LightGBM objective glassbox knows"},
    {"regression", "objective=regression", "objective=xentlambda", 0, 0,
     "objective 'cross_entropy_lambda' is not supported"},
    {"regression", "objective=regression", "objective=", 0, 0, "bad.txt:7: objective= names no objective"},
    {"regression", "feature_names=a b c", "feature_names=a b", 0, 0,
     "bad.txt:8: feature_names has 2 names, but max_feature_idx=2 needs 3"},
    {"regression", "feature_infos=[-7:5] [-2:4] [-3:5]", "feature_infos=[-7:5]", 0, 0,
     "bad.txt:9: feature_infos has 1 entries, but max_feature_idx=2 needs 3"},
    {"regression", "tree_sizes=358 394 225", "tree_sizes=358 394", 0, 0,
     "bad.txt:10: tree_sizes lists 2 trees, but the file has 3"},
    {"regression", "num_class=1\n", "num_class=1\nnum_class=1\n", 0, 0,
     "bad.txt:4: header: num_class appears twice (first on line 3)"},
    {"regression", "num_cat=0\n", "num_cat=0\nnum_cat=0\n", 0, 0,
     "bad.txt:15: tree 0: num_cat appears twice (first on line 14)"},
    {"regression", "num_cat=0\n", "num_cat=0\ngarbage\n", 0, 0,
     "bad.txt:15: tree 0: expected key=value, found 'garbage'"},
    {"regression", "end of trees", "end of treez", 0, 0,
     "bad.txt:69: expected 'Tree=' or 'end of trees', found 'end of treez'"},
    {"regression", "num_tree_per_iteration=1", "num_tree_per_iteration=2", 0, 0,
     "the file has 3 trees, which is not a whole number of iterations of num_tree_per_iteration=2"},
    {"regression", "leaf_count=10 20 30 40\n", "", "leaf_weight=10 20 30 40\n", "",
     "bad.txt:12: tree 0 has no node weights"},
    {"regression", "internal_count=100 30 70", "internal_count=0 30 70", "internal_weight=100 30 70\n", "",
     "bad.txt:12: tree 0 has no node weights"},
    {"regression", "\nTree=0", "\nend of trees\nTree=0", 0, 0, "bad.txt: the model has no trees"},
    {"binary", "sigmoid:1", "sigmoid:0", 0, 0, "bad.txt:7: objective: sigmoid:0 must be greater than zero"},
    {"binary", "sigmoid:1", "sigmoid:abc", 0, 0,
     "bad.txt:7: objective: 'sigmoid:abc' is not a valid sigmoid"},
    {"binary", "num_tree_per_iteration=1", "num_tree_per_iteration=2", 0, 0,
     "bad.txt:7: objective binary needs num_tree_per_iteration=1, not 2"},
    {"multiclass", "num_class:3", "num_class:4", 0, 0,
     "bad.txt:7: objective says num_class:4 but the header says num_class=3"},
    {"multiclass", "num_tree_per_iteration=3", "num_tree_per_iteration=1", 0, 0,
     "bad.txt:7: multiclass needs one tree per class and iteration"},
    /* fuzz finding: a multiclass objective on one class loaded, but its
     * saved copy (softmax over one output) did not */
    {"regression", "objective=regression", "objective=multiclass", 0, 0,
     "bad.txt:3: num_class=1 does not fit objective=multiclass (a multiclass objective needs num_class=2 or "
     "more)"},
    {"regression", "objective=regression", "objective=multiclass -1 -3", 0, 0,
     "bad.txt:3: num_class=1 does not fit objective=multiclass"},
    {"regression", "objective=regression", "objective=multiclassova num_class:1 sigmoid:1", 0, 0,
     "bad.txt:3: num_class=1 does not fit objective=multiclassova"},
    {"regression", "objective=regression", "objective=softmax num_class:1", 0, 0,
     "bad.txt:3: num_class=1 does not fit objective=multiclass"},
    {"multiclass", "multiclass num_class:3", "ova num_class:3 sigmoid:-1", 0, 0,
     "bad.txt:7: objective: sigmoid:-1 must be greater than zero"},
    {"multiclass", "multiclass num_class:3", "multiclassova num_class:2 sigmoid:1", 0, 0,
     "bad.txt:7: objective says num_class:2 but the header says num_class=3"},
    {"categorical", "cat_boundaries=0 3 4", "cat_boundaries=0 3 9", 0, 0,
     "bad.txt:28: tree 0: cat_threshold has 4 values, but cat_boundaries ends at 9"},
    {"categorical", "cat_boundaries=0 3 4", "cat_boundaries=0 5 4", 0, 0,
     "bad.txt:27: tree 0: cat_boundaries[2]: 4 does not follow the previous boundary"},
    {"categorical", "cat_boundaries=0 3 4", "cat_boundaries=1 3 4", 0, 0,
     "bad.txt:27: tree 0: cat_boundaries[0]: 1 does not start at 0"},
    {"categorical", "cat_boundaries=0 3 4", "cat_boundaries=0 4", 0, 0,
     "bad.txt:27: tree 0: cat_boundaries has 2 values, but num_cat=2 needs 3"},
    {"categorical", "cat_threshold=10 2 64 5\n", "", 0, 0, "bad.txt:12: tree 0 has no cat_threshold line"},
    {"categorical", "cat_threshold=10 2 64 5", "cat_threshold=10 2 4294967296 5", 0, 0,
     "bad.txt:28: tree 0: cat_threshold[2]: 4294967296 is out of range"},
    {"categorical", "threshold=0 1\n", "threshold=0 2\n", 0, 0,
     "bad.txt:17: tree 0: threshold[1]: 2 is not a category set index (num_cat=2)"},
    {"categorical", "threshold=0 1\n", "threshold=0.5 1\n", 0, 0,
     "bad.txt:17: tree 0: threshold[0]: 0.5 is not a category set index"},
    {"categorical", "decision_type=9 1", "decision_type=9 0", "num_cat=2", "num_cat=0",
     "bad.txt:17: tree 0: threshold[0]: 0 is not a category set index (num_cat=0)"},
};

static void check_bad_files(void)
{
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const bad_case *b = &bad[i];
        gb_error err = {""};
        char *t = fixture_text(b->fixture);
        int edited = t && edit(&t, b->from, b->to) && (!b->from2 || edit(&t, b->from2, b->to2));
        gb_model *m = edited ? load_text(t, &err) : NULL;
        if (!ok(edited && !m && strstr(err.msg, b->want), "refused: %s", b->want))
            printf("#   edited: %d, loaded: %d, message: %s\n", edited, m != NULL, err.msg);
        gb_model_free(m);
        free(t);
    }
}

/* A chain 200 splits deep: beyond GB_MAX_DEPTH, refused by gb_model_finish
 * with the file name in front. */
static void check_deep_tree(void)
{
    enum { N = 200 };
    size_t cap = 64 * 1024, n = 0;
    char *t = malloc(cap);
    n += (size_t)snprintf(t + n, cap - n,
                          "tree\nversion=v4\nnum_class=1\nmax_feature_idx=0\nobjective=regression\n"
                          "Tree=0\nnum_leaves=%d\nnum_cat=0\n",
                          N + 1);
    const char *keys[] = {"split_feature=", "threshold=", "left_child=", "right_child=", "internal_count=",
                          "leaf_value=", "leaf_count="};
    for (int k = 0; k < 7; k++) {
        n += (size_t)snprintf(t + n, cap - n, "%s", keys[k]);
        for (int i = 0; i < (k < 5 ? N : N + 1); i++) {
            /* node i: left leaf i, right node i+1; the last node's right is leaf N */
            int v = k == 0   ? 0
                    : k == 1 ? i
                    : k == 2 ? ~i
                    : k == 3 ? (i + 1 < N ? i + 1 : ~N)
                    : k == 4 ? N + 1 - i
                    : k == 5 ? 1
                             : 1;
            n += (size_t)snprintf(t + n, cap - n, "%d ", v);
        }
        n += (size_t)snprintf(t + n, cap - n, "\n");
    }
    snprintf(t + n, cap - n, "\nend of trees\n");
    gb_error err = {""};
    gb_model *m = load_text(t, &err);
    ok(!m && strstr(err.msg, "bad.txt: tree 0 is deeper than 128 levels"), "a 200-deep chain is refused: %s",
       err.msg);
    gb_model_free(m);
    free(t);
}

/* Every prefix of a good file that stops before "end of trees" must be
 * refused, and none may crash. */
static void check_truncations(const char *name)
{
    char *t = fixture_text(name);
    if (!ok(t != NULL, "read %s/model.txt", name))
        return;
    size_t stop = (size_t)(strstr(t, "end of trees") - t) + strlen("end of trees");
    size_t accepted = 0;
    for (size_t len = 0; len < stop; len++) {
        gb_error err = {""};
        gb_model *m = load_bytes(t, len, &err);
        if (m || err.msg[0] == '\0')
            accepted++;
        gb_model_free(m);
    }
    ok(accepted == 0,
       "%s: all %zu truncations before the end of the trees are refused with a message (%zu not)", name, stop,
       accepted);
    gb_error err = {""};
    gb_model *m = load_bytes(t, stop, &err);
    ok(m != NULL, "%s: the prefix ending at 'end of trees' loads", name);
    gb_model_free(m);
    free(t);
}

/* Random byte changes: any outcome but a crash is fine; a refusal must say
 * why. */
static void check_corruptions(const char *name, unsigned seed)
{
    char *t = fixture_text(name);
    if (!t)
        return;
    size_t n = strlen(t), silent = 0;
    static const char pool[] = "0123456789-+.e=\n \r:x\0";
    uint32_t s = seed;
    for (int trial = 0; trial < 2000; trial++) {
        char *c = malloc(n);
        memcpy(c, t, n);
        for (int k = 0; k < 1 + trial % 4; k++) {
            s = s * 1664525u + 1013904223u;
            size_t at = (s >> 8) % n;
            s = s * 1664525u + 1013904223u;
            c[at] = pool[(s >> 8) % (sizeof pool - 1)];
        }
        gb_error err = {""};
        gb_model *m = gb_model_load_lightgbm("bad.txt", c, n, &err);
        if (!m && err.msg[0] == '\0')
            silent++;
        if (m) {
            double *x = calloc((size_t)m->n_features, sizeof *x),
                   *mg = calloc((size_t)m->n_groups, sizeof *mg);
            x[0] = NAN;
            gb_model_margin(m, x, mg);
            free(x);
            free(mg);
        }
        gb_model_free(m);
        free(c);
    }
    ok(silent == 0, "%s: 2000 random corruptions: no crash, every refusal has a message", name);
    free(t);
}

int main(void)
{
    for (size_t i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++)
        check_fixture(&fixtures[i]);
    check_regression_nodes();
    check_categorical_nodes();
    check_variants();
    check_two_classes();
    check_bad_files();
    check_deep_tree();
    {
        gb_error err = {""};
        ok(!load_bytes("", 0, &err) && strstr(err.msg, "bad.txt: no 'Tree=' line"),
           "an empty file is refused");
        ok(!load_text("\x7f" "ELF\x01\x02garbage", &err) && err.msg[0], "binary garbage is refused");
    }
    check_truncations("regression");
    check_truncations("categorical");
    check_corruptions("regression", 1);
    check_corruptions("categorical", 2);
    check_corruptions("multiclass", 3);
    return tap_done();
}
