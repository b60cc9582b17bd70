/* test_native.c: glassbox's own JSON model format (src/model_native.c).
 *
 * Four kinds of evidence:
 *  - hand-written models (tests/fixtures/native) whose outputs are worked
 *    out by hand in the comments below;
 *  - models trained by scikit-learn and exported by
 *    tools/glassbox-export-sklearn (tests/fixtures/sklearn, made by gen.py):
 *    every row must give what scikit-learn itself predicted, within
 *    1e-9 x max(1, |v|);
 *  - save then load gives the same model and bit-identical predictions;
 *  - hostile files are refused with a message naming the file and field. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model.h"
#include "tap.h"

#define TOL 1e-9

/* ---- helpers ------------------------------------------------------------ */

static char *fixture(const char *rel)
{
    static char buf[4][1024]; /* a few live at once in one expression */
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/tests/fixtures/%s", tap_srcdir(), rel);
    return buf[k];
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *b = realloc(buf, cap *= 2);
            if (!b)
                free(buf);
            buf = b;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

static gb_model *load(const char *path, gb_error *err)
{
    size_t len;
    char *buf = slurp(path, &len);
    if (!buf) {
        gb_error_set(err, "%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    gb_model *m = gb_model_load_native(path, buf, len, err);
    free(buf);
    return m;
}

static gb_model *load_text(const char *name, const char *text, gb_error *err)
{
    return gb_model_load_native(name, text, strlen(text), err);
}

/* A numeric CSV with a header: returns rows x cols values, row-major. */
static double *read_csv(const char *path, size_t *rows, size_t *cols)
{
    size_t len;
    char *buf = slurp(path, &len);
    if (!buf)
        return NULL;
    char *text = realloc(buf, len + 1);
    if (!text) {
        free(buf);
        return NULL;
    }
    text[len] = '\0';
    char *line = text, *nl = strchr(line, '\n');
    size_t c = 1;
    for (char *p = line; p < nl; p++)
        c += *p == ',';
    size_t r = 0, cap = 64;
    double *v = malloc(cap * c * sizeof *v);
    for (line = nl + 1; v && *line; line = nl + 1) {
        if (r == cap) {
            double *w = realloc(v, (cap *= 2) * c * sizeof *v);
            if (!w)
                free(v);
            v = w;
            if (!v)
                break;
        }
        char *p = line;
        for (size_t j = 0; j < c; j++) {
            v[r * c + j] = strtod(p, &p);
            p++; /* the comma or the newline */
        }
        r++;
        nl = strchr(line, '\n');
        if (!nl)
            break;
    }
    free(text);
    *rows = r;
    *cols = c;
    return v;
}

static double margin1(const gb_model *m, const double *x)
{
    double out[8];
    gb_model_margin(m, x, out);
    return out[0];
}

static double output1(const gb_model *m, const double *x)
{
    double mg[8], out[8];
    gb_model_margin(m, x, mg);
    gb_model_transform(m, mg, out);
    return out[0];
}

static int contains(const char *msg, const char *fragment)
{
    return strstr(msg, fragment) != NULL;
}

/* ---- hand-written models ---------------------------------------------- */

static void test_tiny_trees(void)
{
    gb_error err = {{0}};
    gb_model *m = load(fixture("native/tiny_trees.json"), &err);
    if (!ok(m != NULL, "tiny_trees.json loads")) {
        printf("# %s\n", err.msg);
        return;
    }
    ok(m->kind == GB_MODEL_TREES && m->n_trees == 2 && m->n_features == 3 && m->n_groups == 1 &&
           m->n_classes == 2 && m->link == GB_LINK_LOGISTIC && !m->input_float32,
       "tiny_trees: header fields");
    ok(m->feature_names && strcmp(m->feature_names[2], "c") == 0 && m->feature_categorical &&
           m->feature_categorical[2] && !m->feature_categorical[0],
       "tiny_trees: feature names and types");
    ok(m->trees[0].depth == 2 && m->max_depth == 2 && m->n_leaves == 5, "tiny_trees: depth 2, 5 leaves");
    ok(m->trees[0].nodes[0].flags & GB_NODE_DEFAULT_LEFT && !(m->trees[0].nodes[2].flags & GB_NODE_DEFAULT_LEFT),
       "tiny_trees: default_left flags");
    ok(m->trees[1].nodes[0].flags & GB_NODE_CATEGORICAL && m->trees[1].nodes[0].cat_words == 2,
       "tiny_trees: categorical node with a 2-word set (codes up to 33)");
    ok(strcmp(m->format, "glassbox") == 0, "tiny_trees: format is glassbox");
    /* Tree 0: x < 1.5 (NaN left) ? 0.25 : (y < -2 (NaN right) ? -0.5 : 1.0)
     * Tree 1: c in {1, 3, 33} ? 0.125 : -0.375 (NaN: right)
     * margin = 0.5 + tree 0 + tree 1. */
    static const struct { double x[3]; double margin; const char *why; } rows[] = {
        {{1, 0, 1}, 0.5 + 0.25 + 0.125, "x<1.5 left, c=1 in set"},
        {{1.5, -3, 2}, 0.5 - 0.5 - 0.375, "x=1.5 not < 1.5, y<-2, c=2 not in set"},
        {{NAN, 5, 33}, 0.5 + 0.25 + 0.125, "x NaN goes left, c=33 in set (second word)"},
        {{2, NAN, NAN}, 0.5 + 1.0 - 0.375, "y NaN goes right, c NaN goes right"},
        {{5, -2, -1}, 0.5 + 1.0 - 0.375, "y=-2 not < -2, c=-1 not in set"},
        {{0, 0, 3.7}, 0.5 + 0.25 + 0.125, "c=3.7 truncates to 3, in set"},
        {{0, 0, 32}, 0.5 + 0.25 - 0.375, "c=32: word 1 bit 0, not in set"},
        {{0, 0, 1e12}, 0.5 + 0.25 - 0.375, "c beyond the set"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        is_close(margin1(m, rows[i].x), rows[i].margin, 0, "tiny_trees margin: %s", rows[i].why);
        /* logistic: 1 / (1 + e^-margin) */
        is_close(output1(m, rows[i].x), 1.0 / (1.0 + exp(-rows[i].margin)), 1e-15, "tiny_trees probability: %s",
                 rows[i].why);
    }
    gb_model_free(m);
}

static void test_le_float32(void)
{
    gb_error err = {{0}};
    gb_model *m = load(fixture("native/le_float32.json"), &err);
    if (!ok(m != NULL, "le_float32.json loads")) {
        printf("# %s\n", err.msg);
        return;
    }
    ok(m->input_float32 && m->trees[1].nodes[0].threshold == 0.5 &&
           m->trees[1].nodes[0].split == nextafter(0.5, 1.0),
       "le_float32: \"<=\" stores split = nextafter(threshold, +inf), threshold as written");
    /* Tree 0: x <= 0.1 ? 1 : 2; tree 1: x <= 0.5 ? 10 : 20; x is rounded to
     * float32 first.  float32(0.1) = 0.100000001490116... > 0.1, so x = 0.1
     * goes right in tree 0.  0.5 and 0.5 + 2^-24 are float32 values; the
     * double just above 0.5 rounds to float32 0.5. */
    static const struct { double x; double want; const char *why; } rows[] = {
        {0.05, 1 + 10, "0.05 left in both"},
        {0.1, 2 + 10, "0.1 as float32 is above 0.1"},
        {0.099999994039535522, 1 + 10, "float32 just below 0.1 goes left"},
        {0.5, 2 + 10, "0.5 <= 0.5 goes left"},
        {0.50000000000000011, 2 + 10, "the double above 0.5 rounds to float32 0.5: left"},
        {0.500000059604644775390625, 2 + 20, "0.5 + 2^-24 goes right"},
        {NAN, 2 + 20, "NaN without default_left goes right"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        is_close(margin1(m, &rows[i].x), rows[i].want, 0, "le_float32: %s", rows[i].why);
    /* Without the float32 cast, 0.1 <= 0.1 goes left: 1 + 10. */
    m->input_float32 = 0;
    double x = 0.1;
    is_close(margin1(m, &x), 11, 0, "le_float32 with input_float32 off: 0.1 goes left");
    gb_model_free(m);
}

static void test_linear(void)
{
    gb_error err = {{0}};
    gb_model *m = load(fixture("native/linear_minimal.json"), &err);
    if (ok(m != NULL, "linear_minimal.json (no format/kind keys) loads")) {
        ok(m->kind == GB_MODEL_LINEAR && m->link == GB_LINK_IDENTITY && m->n_groups == 1 && m->n_classes == 0 &&
               m->n_features == 3,
           "linear_minimal: linear, identity, one output");
        /* 1.5 + 2*1 - 1*2 + 0.5*4 = 3.5; a missing a contributes nothing: 1.5 - 2 + 2 = 1.5 */
        double x1[] = {1, 2, 4}, x2[] = {NAN, 2, 4};
        is_close(margin1(m, x1), 3.5, 0, "linear_minimal: 1.5 + 2 - 2 + 2");
        is_close(margin1(m, x2), 1.5, 0, "linear_minimal: missing a contributes 0");
        gb_model_free(m);
    } else {
        printf("# %s\n", err.msg);
    }
    m = load(fixture("native/linear_softmax.json"), &err);
    if (!ok(m != NULL, "linear_softmax.json loads")) {
        printf("# %s\n", err.msg);
        return;
    }
    ok(m->n_groups == 3 && m->n_classes == 3 && m->link == GB_LINK_SOFTMAX, "linear_softmax: 3 outputs, softmax");
    /* x = (1, 2): margins [0 + 1, 1 + 2, -1 + 1 + 2] = [1, 3, 2];
     * p_g = e^(m_g - 3) / (e^-2 + 1 + e^-1). */
    double x[] = {1, 2}, mg[3], p[3];
    gb_model_margin(m, x, mg);
    gb_model_transform(m, mg, p);
    double z = exp(-2.0) + 1.0 + exp(-1.0);
    is_close(mg[0], 1, 0, "linear_softmax margin 0");
    is_close(mg[1], 3, 0, "linear_softmax margin 1");
    is_close(mg[2], 2, 0, "linear_softmax margin 2");
    is_close(p[0], exp(-2.0) / z, 1e-15, "linear_softmax p0");
    is_close(p[1], 1.0 / z, 1e-15, "linear_softmax p1");
    is_close(p[2], exp(-1.0) / z, 1e-15, "linear_softmax p2");
    gb_model_free(m);

    m = load_text("logit.json", "{\"features\": [\"a\"], \"intercept\": [0.5], \"coef\": [[2]], \"link\": \"logistic\"}",
                  &err);
    if (ok(m != NULL, "minimal linear form with a logistic link loads")) {
        /* margin = 0.5 + 2 * 0.25 = 1 */
        double xa = 0.25;
        ok(m->n_classes == 2, "minimal logistic: n_classes defaults to 2");
        is_close(output1(m, &xa), 1.0 / (1.0 + exp(-1.0)), 1e-15, "minimal logistic: p = 1/(1+e^-1)");
        gb_model_free(m);
    }
}

static void test_exp(void)
{
    gb_error err = {{0}};
    gb_model *m = load(fixture("native/exp_multi.json"), &err);
    if (!ok(m != NULL, "exp_multi.json (no names, unknown extra key) loads")) {
        printf("# %s\n", err.msg);
        return;
    }
    ok(m->feature_names == NULL && m->n_features == 2 && m->link == GB_LINK_EXP, "exp_multi: unnamed, exp link");
    /* f1 < 0 ? 1 : 2, plus base -1: margins 0 and 1, outputs e^0 and e^1. */
    double a[] = {9, -1}, b[] = {9, 0};
    is_close(output1(m, a), 1.0, 0, "exp: e^(-1 + 1) = 1");
    is_close(output1(m, b), exp(1.0), 1e-15, "exp: e^(-1 + 2) = e");
    gb_model_free(m);
}

/* The example printed in glassbox-model(5), copied into a fixture, does
 * what the page says. */
static void test_manpage_example(void)
{
    gb_error err = {{0}};
    gb_model *m = load(fixture("native/manpage_example.json"), &err);
    if (!ok(m != NULL, "the man page's example loads")) {
        printf("# %s\n", err.msg);
        return;
    }
    double a[] = {1, 3}, b[] = {NAN, 2};
    is_close(margin1(m, a), 0.875, 0, "man page: x = 1, colour = 3 gives 0.5 + 0.25 + 0.125");
    is_close(output1(m, a), 0.7058, 1e-4, "man page: output 1 / (1 + exp(-0.875)) = 0.7058");
    is_close(margin1(m, b), 0.5 + 0.25 - 0.375, 0, "man page: a missing x goes left, colour 2 goes right");
    gb_model_free(m);
}

/* ---- round trip ----------------------------------------------------------- */

static int same_model(const gb_model *a, const gb_model *b)
{
    if (a->kind != b->kind || a->link != b->link || a->n_features != b->n_features || a->n_groups != b->n_groups ||
        a->n_classes != b->n_classes || a->input_float32 != b->input_float32 || a->n_trees != b->n_trees ||
        !!a->feature_names != !!b->feature_names || !!a->feature_categorical != !!b->feature_categorical)
        return 0;
    for (int g = 0; g < a->n_groups; g++)
        if (a->base[g] != b->base[g])
            return 0;
    for (int f = 0; f < a->n_features; f++)
        if ((a->feature_names && strcmp(a->feature_names[f], b->feature_names[f]) != 0) ||
            (a->feature_categorical && a->feature_categorical[f] != b->feature_categorical[f]))
            return 0;
    if (a->kind == GB_MODEL_LINEAR)
        return memcmp(a->coef, b->coef, (size_t)a->n_groups * a->n_features * sizeof *a->coef) == 0;
    for (size_t t = 0; t < a->n_trees; t++) {
        const gb_tree *ta = &a->trees[t], *tb = &b->trees[t];
        if (ta->n_nodes != tb->n_nodes || ta->group != tb->group)
            return 0;
        for (int32_t i = 0; i < ta->n_nodes; i++) {
            const gb_node *x = &ta->nodes[i], *y = &tb->nodes[i];
            if (x->left != y->left || x->right != y->right || x->cover != y->cover)
                return 0;
            if (x->left < 0 ? x->value != y->value
                            : x->feature != y->feature || x->flags != y->flags || x->split != y->split)
                return 0;
            if (x->left >= 0 && (x->flags & GB_NODE_CATEGORICAL) &&
                (x->cat_words != y->cat_words ||
                 memcmp(a->cat_bits + x->cat_begin, b->cat_bits + y->cat_begin, x->cat_words * 4u) != 0))
                return 0;
        }
    }
    return 1;
}

static char scratch_dir[256];

static gb_model *round_trip(const gb_model *m, const char *name, gb_error *err)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.json", scratch_dir, name);
    if (gb_model_save_native(m, path, err) != 0)
        return NULL;
    return load(path, err);
}

static void check_round_trip(const gb_model *m, const char *name, const double *x, size_t rows)
{
    gb_error err = {{0}};
    gb_model *back = round_trip(m, name, &err);
    if (!ok(back != NULL, "%s: save then load", name)) {
        printf("# %s\n", err.msg);
        return;
    }
    ok(same_model(m, back), "%s: the loaded copy has the same structure", name);
    size_t bad = 0;
    double a[64], b[64];
    for (size_t r = 0; r < rows && m->n_groups <= 64; r++) {
        gb_model_margin(m, x + r * m->n_features, a);
        gb_model_margin(back, x + r * m->n_features, b);
        bad += memcmp(a, b, (size_t)m->n_groups * sizeof *a) != 0;
    }
    ok(bad == 0, "%s: the copy predicts bit-identically on %zu rows (%zu differ)", name, rows, bad);
    gb_model_free(back);
}

static void test_round_trip_hand(void)
{
    static const char *const files[] = {"tiny_trees", "le_float32", "linear_minimal", "linear_softmax",
                                        "exp_multi", "manpage_example"};
    double grid[5 * 3 * 3 * 3];
    static const double pick[5] = {-3, 0.1, 1.5, 33, NAN};
    size_t n = 0;
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++)
            for (int k = 0; k < 5 && n + 3 <= sizeof grid / sizeof grid[0]; k++) {
                grid[n++] = pick[i];
                grid[n++] = pick[j];
                grid[n++] = pick[k];
            }
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char rel[128];
        gb_error err = {{0}};
        snprintf(rel, sizeof rel, "native/%s.json", files[i]);
        gb_model *m = load(fixture(rel), &err);
        if (!m) {
            ok(0, "%s loads for the round trip: %s", files[i], err.msg);
            continue;
        }
        check_round_trip(m, files[i], grid, n / (size_t)m->n_features);
        gb_model_free(m);
    }
}

/* A LightGBM model with categorical splits survives a save: its rule that
 * -0.5 is category 0 ((int) truncation) travels as cat_truncate (found by
 * fuzz/fuzz_lightgbm: before, the copy sent -0.5 right). */
static void test_round_trip_lightgbm(void)
{
    gb_error err = {{0}};
    gb_model *m = gb_model_load(fixture("lightgbm/categorical/model.txt"), &err);
    if (!ok(m != NULL, "the LightGBM categorical fixture loads: %s", m ? "" : err.msg))
        return;
    static const double pick[] = {-1.5, -0.5, 0, 0.5, 1, 2, 3, 40, NAN};
    enum { P = sizeof pick / sizeof *pick };
    size_t nf = (size_t)m->n_features, rows = 0;
    double *x = malloc(P * P * P * nf * sizeof *x);
    for (int i = 0; i < P; i++)
        for (int j = 0; j < P; j++)
            for (int k = 0; k < P; k++, rows++)
                for (size_t f = 0; f < nf; f++)
                    x[rows * nf + f] = pick[(f % 3 == 0 ? i : f % 3 == 1 ? j : k)];
    check_round_trip(m, "lightgbm_categorical", x, rows);
    free(x);
    gb_model_free(m);
}

/* An empty category set ([]: nothing goes left), as a round trip of an
 * XGBoost model with an empty categories segment writes it, loads; before,
 * it did arithmetic on a NULL table (found by fuzz/fuzz_xgboost_json under
 * UBSan). */
static void test_empty_category_set(void)
{
    static const char text[] =
        "{\"format\": \"glassbox-model\", \"version\": 1, \"kind\": \"trees\","
        " \"link\": \"identity\", \"features\": [\"c\"], \"feature_types\": [\"categorical\"],"
        " \"base\": [0], \"decision\": \"<\", \"trees\": [{\"left\": [1, -1, -1],"
        " \"right\": [2, -1, -1], \"feature\": [0, -1, -1], \"threshold\": [0, 0, 0],"
        " \"value\": [0, 1, 2], \"cover\": [2, 1, 1], \"categories\": [[], null, null]}]}";
    gb_error err = {{0}};
    gb_model *m = load_text("empty_set.json", text, &err);
    if (!ok(m != NULL, "a categorical split with an empty set loads: %s", m ? "" : err.msg))
        return;
    double x[4] = {0, 1, 40, NAN}, margin;
    int right = 1;
    for (int i = 0; i < 4; i++) {
        gb_model_margin(m, &x[i], &margin);
        right &= margin == 2.0;
    }
    ok(right, "every category goes right of an empty set");
    gb_model_free(m);
}

/* Flags no hand file uses (LightGBM's), a "<" split not equal to its
 * threshold, and a name needing escapes survive a save. */
static void test_round_trip_flags(void)
{
    gb_error err = {{0}};
    gb_model *m = load(fixture("native/tiny_trees.json"), &err);
    if (!m)
        return (void)ok(0, "tiny_trees loads: %s", err.msg);
    m->trees[0].nodes[2].flags |= GB_NODE_NAN_AS_ZERO | GB_NODE_ZERO_MISSING;
    m->trees[0].nodes[0].split = 1.25; /* threshold stays 1.5: the file must keep 1.25 */
    free(m->feature_names[1]);
    m->feature_names[1] = strdup("y \"quoted\"\\ \t\xc3\xa9");
    static const double x[] = {1.3, 0, 1, 1.3, NAN, 2, 1.3, 1e-40, 3, 1.2, -3, 33};
    check_round_trip(m, "flags", x, 4);
    gb_model *back = round_trip(m, "flags", &err);
    if (back) {
        ok(back->trees[0].nodes[2].flags == (GB_NODE_NAN_AS_ZERO | GB_NODE_ZERO_MISSING),
           "nan_as_zero and zero_missing are saved");
        ok(strcmp(back->feature_names[1], m->feature_names[1]) == 0, "a name with quotes, tab and UTF-8 is saved");
        /* NaN becomes 0 (NAN_AS_ZERO), then |0| <= 1e-35 is missing (ZERO_MISSING) and goes right: 1.0. */
        double r[] = {2, NAN, 0};
        is_close(margin1(back, r), 0.5 + 1.0 - 0.375, 0, "flags act after the round trip");
        gb_model_free(back);
    }
    gb_model_free(m);
}

static int count_temp_files(const char *prefix)
{
    DIR *d = opendir(scratch_dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0 && strstr(e->d_name, ".tmp.") != NULL;
    if (d)
        closedir(d);
    return n;
}

static void test_save_failures(void)
{
    gb_error err = {{0}};
    gb_model *m = load(fixture("native/tiny_trees.json"), &err);
    if (!m)
        return (void)ok(0, "tiny_trees loads: %s", err.msg);
    char path[512];
    snprintf(path, sizeof path, "%s/no/such/dir/m.json", scratch_dir);
    ok(gb_model_save_native(m, path, &err) != 0 && contains(err.msg, path), "saving into a missing directory fails: %s",
       err.msg);

    snprintf(path, sizeof path, "%s/bad.json", scratch_dir);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs("old contents\n", f);
        fclose(f);
    }
    m->trees[0].nodes[1].value = NAN;
    ok(gb_model_save_native(m, path, &err) != 0 && contains(err.msg, "bad.json") &&
           contains(err.msg, "tree 0, node 1: the leaf value"),
       "a NaN leaf is refused: %s", err.msg);
    size_t len = 0;
    char *old = slurp(path, &len);
    ok(old && len == 13 && memcmp(old, "old contents\n", 13) == 0, "a failed save leaves the old file untouched");
    free(old);
    ok(count_temp_files("bad.json") == 0, "a failed save leaves no temporary file");
    m->trees[0].nodes[1].value = 0.25;
    ok(gb_model_save_native(m, path, &err) == 0, "a good save replaces the old file");
    gb_model *back = load(path, &err);
    ok(back && same_model(m, back), "the replaced file holds the model");
    gb_model_free(back);
    struct stat st;
    ok(stat(path, &st) == 0 && (st.st_mode & 0644) == 0644, "the saved file is readable by others (mode 644)");

    m->feature_names[0][0] = (char)0xff; /* not UTF-8 */
    ok(gb_model_save_native(m, path, &err) != 0 && contains(err.msg, "not valid UTF-8"),
       "a name that is not UTF-8 is refused: %s", err.msg);
    gb_model_free(m);
}

/* ---- scikit-learn fixtures ------------------------------------------------ */

/* |got - want| <= tol * max(1, |want|) over a table; returns the worst row. */
static size_t compare(const double *got, const double *want, size_t n, size_t *worst)
{
    size_t bad = 0;
    double worst_err = -1;
    for (size_t i = 0; i < n; i++) {
        double scale = fabs(want[i]) > 1 ? fabs(want[i]) : 1;
        double e = fabs(got[i] - want[i]) / scale;
        if (!(e <= TOL))
            bad++;
        if (!(e <= worst_err)) {
            worst_err = e;
            *worst = i;
        }
    }
    return bad;
}

static void test_sklearn_one(const char *name)
{
    char rel[256];
    gb_error err = {{0}};
    snprintf(rel, sizeof rel, "sklearn/%s/model.json", name);
    gb_model *m = load(fixture(rel), &err);
    if (!ok(m != NULL, "sklearn %s: model.json loads", name)) {
        printf("# %s\n", err.msg);
        return;
    }
    size_t rows, cols, mrows, mcols, prows, pcols;
    snprintf(rel, sizeof rel, "sklearn/%s/data.csv", name);
    double *x = read_csv(fixture(rel), &rows, &cols);
    snprintf(rel, sizeof rel, "sklearn/%s/margin.csv", name);
    double *wm = read_csv(fixture(rel), &mrows, &mcols);
    snprintf(rel, sizeof rel, "sklearn/%s/predict.csv", name);
    double *wp = read_csv(fixture(rel), &prows, &pcols);
    if (!ok(x && wm && wp && cols == (size_t)m->n_features && mrows == rows && prows == rows &&
                mcols == (size_t)m->n_groups && pcols == (size_t)m->n_groups,
            "sklearn %s: fixture tables agree with the model (%zu rows, %d features, %d outputs)", name, rows,
            m->n_features, m->n_groups))
        goto done;
    double *gm = malloc(rows * mcols * sizeof *gm), *gp = malloc(rows * pcols * sizeof *gp);
    gb_model_margin_batch(m, x, rows, gm);
    for (size_t r = 0; r < rows; r++)
        gb_model_transform(m, gm + r * mcols, gp + r * pcols);
    size_t worst = 0, bad = compare(gm, wm, rows * mcols, &worst);
    if (!ok(bad == 0, "sklearn %s: margins match sklearn on %zu rows x %zu outputs", name, rows, mcols))
        printf("#   %zu differ; row %zu output %zu: got %.17g, want %.17g\n", bad, worst / mcols, worst % mcols,
               gm[worst], wm[worst]);
    bad = compare(gp, wp, rows * pcols, &worst);
    if (!ok(bad == 0, "sklearn %s: predictions match sklearn on %zu rows x %zu outputs", name, rows, pcols))
        printf("#   %zu differ; row %zu output %zu: got %.17g, want %.17g\n", bad, worst / pcols, worst % pcols,
               gp[worst], wp[worst]);
    free(gm);
    free(gp);
    check_round_trip(m, name, x, rows);
done:
    free(x);
    free(wm);
    free(wp);
    gb_model_free(m);
}

static void test_sklearn(void)
{
    static const char *const names[] = {
        "dt_reg", "dt_clf_bin", "dt_clf_multi", "rf_reg", "rf_clf_bin", "rf_clf_multi",
        "et_reg", "et_clf_multi", "gb_reg", "gb_reg_huber", "gb_reg_zero", "gb_clf_bin",
        "gb_clf_multi", "lin_reg", "ridge", "lasso", "logreg_bin", "logreg_multi"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        test_sklearn_one(names[i]);
    /* Spot checks of what the exporter wrote. */
    gb_error err = {{0}};
    gb_model *m = load(fixture("sklearn/gb_clf_multi/model.json"), &err);
    if (m) {
        ok(m->link == GB_LINK_SOFTMAX && m->n_groups == 3 && m->n_classes == 3 && m->input_float32 &&
               m->n_trees == 30 && m->trees[4].group == 1,
           "sklearn gb_clf_multi: softmax over 3 outputs, one tree per class per stage, float32 input");
        gb_model_free(m);
    }
    m = load(fixture("sklearn/rf_clf_bin/model.json"), &err);
    if (m) {
        ok(m->n_groups == 1 && m->n_classes == 2 && m->link == GB_LINK_IDENTITY && m->n_trees == 8,
           "sklearn rf_clf_bin: one output (P(class 1)), identity link, one tree per estimator");
        gb_model_free(m);
    }
    m = load(fixture("sklearn/dt_clf_multi/model.json"), &err);
    if (m) {
        ok(m->feature_names && strcmp(m->feature_names[0], "sepal length (cm)") == 0,
           "sklearn dt_clf_multi: names from feature_names_in_ (fitted on a DataFrame)");
        gb_model_free(m);
    }
}

/* ---- hostile files -------------------------------------------------------- */

static void test_hostile(void)
{
    static const struct { const char *file, *fragment; } cases[] = {
        {"missing_format", "missing_format.json: not a glassbox model: format: missing"},
        {"wrong_format", "format: expected \"glassbox-model\", found \"xgboost\""},
        {"bad_version", "version: 2 is not supported (this glassbox reads version 1)"},
        {"missing_version", "version: missing"},
        {"unknown_kind", "kind: expected \"trees\" or \"linear\", found \"forest\""},
        {"missing_kind", "kind: missing"},
        {"unknown_link", "link: expected \"identity\", \"logistic\", \"softmax\" or \"exp\", found \"probit\""},
        {"missing_features", "features: missing"},
        {"features_not_array", "features: expected an array of names, found a string"},
        {"duplicate_feature", "features[2]: the name \"a\" is already features[0]"},
        {"missing_trees", "trees: missing"},
        {"missing_decision", "decision: missing"},
        {"bad_decision", "decision: expected \"<\" or \"<=\", found \"=<\""},
        {"missing_cover", "trees[0].cover: missing"},
        {"wrong_length", "trees[0].right: has 2 elements, expected 3"},
        {"child_out_of_range", "trees[1].left[0]: child index 912 is out of range (tree has 3 nodes)"},
        {"negative_child", "trees[0].right[0]: child index -7 is out of range"},
        {"cycle", "trees[0].left[1]: node 0 is reached a second time"},
        {"shared_child", "trees[0].right[1]: node 2 is reached a second time"},
        {"self_loop", "trees[0].left[0]: node 0 is reached a second time"},
        {"nan_threshold", "trees[0].threshold[0]: the split threshold nan is not a finite number"},
        {"inf_threshold", "trees[0].threshold[0]: the split threshold -inf is not a finite number"},
        {"nan_value", "trees[0].value[1]: nan is not a finite number"},
        {"negative_cover", "trees[0].cover[1]: -1 is negative"},
        {"feature_out_of_range", "trees[0].feature[0]: feature index 5 is out of range (the model has 2 features)"},
        {"leaf_with_right", "trees[0].right[1]: node 1 is a leaf (left is -1), so right must be -1, not 2"},
        {"output_out_of_range", "trees[0].output: 3 is out of range"},
        {"empty_tree", "trees[0].left: has 0 nodes"},
        {"tree_not_object", "trees[1]: expected an object, found an integer"},
        {"bad_category", "trees[0].categories[0][1]: expected a category code from 0 to 16777215"},
        {"huge_category", "trees[0].categories[0][0]: expected a category code"},
        {"leaf_category", "trees[0].categories[1]: node 1 is a leaf, so it takes null"},
        {"bad_default_left", "trees[0].default_left[0]: 2 is out of range"},
        {"softmax_one_output", "link: softmax needs two outputs or more"},
        {"classes_one", "n_classes: 1 is not a classifier"},
        {"classes_outputs", "n_classes: 3 classes need one output each, but the model has 2 outputs"},
        {"coef_length", "coef: expected an array of 3 numbers (one per feature)"},
        {"coef_row_length", "coef[1]: expected an array of 2 numbers"},
        {"intercept_length", "intercept: has 2 values, but coef has 1 outputs"},
        {"coef_not_number", "coef[1]: expected a finite number, found a string"},
        {"intercept_and_base", "not both"},
        {"not_an_object", "expected a JSON object at the top level, found an array"},
        {"truncated", "truncated.json:2:0: ']' expected near end of file"},
        {"not_json", "not_json.json:1:"},
        {"feature_types_bad", "feature_types[1]: expected \"numeric\" or \"categorical\""},
        {"n_features_mismatch", "n_features: is 3, but features has 2 names"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char rel[128];
        gb_error err = {{0}};
        snprintf(rel, sizeof rel, "native/hostile/%s.json", cases[i].file);
        const char *path = fixture(rel);
        gb_model *m = load(path, &err);
        int pass = m == NULL && contains(err.msg, path) && contains(err.msg, cases[i].fragment);
        if (!ok(pass, "hostile %s is refused", cases[i].file))
            printf("#   message: %s\n#   wanted:  %s\n", m ? "(loaded!)" : err.msg, cases[i].fragment);
        gb_model_free(m);
    }
}

/* A chain of n internal nodes, each sending x < 0 to a leaf: depth n. */
static char *chain_model(int n)
{
    size_t cap = (size_t)n * 120 + 512, len = 0;
    char *s = malloc(cap);
    const char *keys[] = {"left", "right", "feature", "threshold", "value", "cover"};
    len += (size_t)snprintf(s + len, cap - len,
                            "{\"format\": \"glassbox-model\", \"version\": 1, \"kind\": \"trees\", "
                            "\"n_features\": 1, \"decision\": \"<\", \"trees\": [{");
    for (int k = 0; k < 6; k++) {
        len += (size_t)snprintf(s + len, cap - len, "%s\"%s\": [", k ? ", " : "", keys[k]);
        for (int i = 0; i <= 2 * n; i++) {
            /* node 2j (j < n) is internal: left 2j+1 (a leaf), right 2j+2 */
            int internal = i % 2 == 0 && i < 2 * n;
            int v = k == 0 ? (internal ? i + 1 : -1) : k == 1 ? (internal ? i + 2 : -1) : k == 2 ? (internal ? 0 : -1) : 1;
            len += (size_t)snprintf(s + len, cap - len, "%s%d", i ? "," : "", v);
        }
        len += (size_t)snprintf(s + len, cap - len, "]");
    }
    snprintf(s + len, cap - len, "}]}");
    return s;
}

static void test_depth(void)
{
    gb_error err = {{0}};
    char *text = chain_model(GB_MAX_DEPTH);
    gb_model *m = load_text("deep.json", text, &err);
    ok(m && m->max_depth == GB_MAX_DEPTH, "a tree exactly %d levels deep loads", GB_MAX_DEPTH);
    gb_model_free(m);
    free(text);
    text = chain_model(GB_MAX_DEPTH + 1);
    m = load_text("deeper.json", text, &err);
    ok(!m && contains(err.msg, "deeper.json: trees[0]: node") && contains(err.msg, "lies deeper than 128 levels"),
       "a tree %d levels deep is refused: %s", GB_MAX_DEPTH + 1, err.msg);
    gb_model_free(m);
    free(text);
    m = load_text("empty.json", "", &err);
    ok(!m && contains(err.msg, "empty.json"), "an empty buffer is refused: %s", err.msg);
    m = load_text("zero.json", "{\"format\": \"glassbox-model\", \"version\": 1, \"kind\": \"trees\", "
                               "\"features\": [\"a\"], \"decision\": \"<\", \"trees\": [], \"base\": 3}", &err);
    ok(m && m->n_trees == 0 && m->n_groups == 1, "a model with no trees is a constant");
    if (m)
        is_close(margin1(m, (double[]){1}), 3, 0, "a model with no trees predicts its base");
    gb_model_free(m);
}

int main(void)
{
    snprintf(scratch_dir, sizeof scratch_dir, "%s/test_native.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(scratch_dir)) {
        printf("Bail out! cannot make a scratch directory: %s\n", strerror(errno));
        return 1;
    }
    test_tiny_trees();
    test_le_float32();
    test_linear();
    test_exp();
    test_manpage_example();
    test_round_trip_hand();
    test_round_trip_flags();
    test_round_trip_lightgbm();
    test_empty_category_set();
    test_save_failures();
    test_sklearn();
    test_hostile();
    test_depth();
    /* Clean up the scratch files (names are ours, made above). */
    DIR *d = opendir(scratch_dir);
    for (struct dirent *e; d && (e = readdir(d));) {
        char p[600];
        if (e->d_name[0] == '.')
            continue;
        snprintf(p, sizeof p, "%s/%s", scratch_dir, e->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
    rmdir(scratch_dir);
    return tap_done();
}
