/* test_core.c: the small core pieces: tree checks of gb_model_finish,
 * prediction and links, row lists, number formatting, atomic output files,
 * and the binding of model features to data columns. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "binding.h"
#include "model.h"
#include "numfmt.h"
#include "outfile.h"
#include "rowspec.h"
#include "tap.h"

/* A stump on feature 0 at 0.5: left leaf -1, right leaf +2. */
static gb_model *stump(void)
{
    gb_model *m = gb_model_new(NULL);
    m->n_features = 2;
    m->n_trees = 1;
    m->trees = calloc(1, sizeof *m->trees);
    m->trees[0].n_nodes = 3;
    gb_node *n = m->trees[0].nodes = calloc(3, sizeof *n);
    n[0] = (gb_node){.feature = 0, .left = 1, .right = 2, .split = 0.5, .threshold = 0.5, .cover = 10,
                     .flags = GB_NODE_DEFAULT_LEFT};
    n[1] = (gb_node){.feature = -1, .left = -1, .right = -1, .value = -1, .cover = 4};
    n[2] = (gb_node){.feature = -1, .left = -1, .right = -1, .value = 2, .cover = 6};
    return m;
}

static void test_finish(void)
{
    gb_error err;
    gb_model *m = stump();
    ok(gb_model_finish(m, &err) == 0, "a stump passes the checks");
    ok(m->max_depth == 1 && m->n_leaves == 2, "depth 1, 2 leaves");
    double x[2] = {0.25, 0}, out;
    gb_model_margin(m, x, &out);
    is_close(out, -1.0, 0, "0.25 < 0.5 goes left");
    x[0] = 0.5;
    gb_model_margin(m, x, &out);
    is_close(out, 2.0, 0, "0.5 is not < 0.5: right");
    x[0] = NAN;
    gb_model_margin(m, x, &out);
    is_close(out, -1.0, 0, "NaN follows the default (left)");

    m->trees[0].nodes[0].right = 7;
    ok(gb_model_finish(m, &err) && strstr(err.msg, "child index 7 is out of range"), "child out of range: %s",
       err.msg);
    m->trees[0].nodes[0].right = 0;
    ok(gb_model_finish(m, &err) && strstr(err.msg, "reached twice"), "cycle to the root: %s", err.msg);
    m->trees[0].nodes[0].right = 2;
    m->trees[0].nodes[0].feature = 5;
    ok(gb_model_finish(m, &err) && strstr(err.msg, "split feature 5 is out of range"), "feature out of range: %s",
       err.msg);
    m->trees[0].nodes[0].feature = 0;
    m->trees[0].nodes[0].split = NAN;
    ok(gb_model_finish(m, &err) && strstr(err.msg, "threshold is NaN"), "NaN threshold: %s", err.msg);
    m->trees[0].nodes[0].split = 0.5;
    m->trees[0].nodes[2].value = INFINITY;
    ok(gb_model_finish(m, &err) && strstr(err.msg, "leaf value is not a finite"), "infinite leaf: %s", err.msg);
    m->trees[0].nodes[2].value = 2;
    m->feature_names = calloc(2, sizeof(char *));
    m->feature_names[0] = strdup("a");
    m->feature_names[1] = strdup("a");
    ok(gb_model_finish(m, &err) && strstr(err.msg, "two features are named 'a'"), "duplicate names: %s", err.msg);
    free(m->feature_names[1]);
    m->feature_names[1] = strdup("b");
    ok(gb_model_finish(m, &err) == 0, "distinct names pass");
    m->trees[0].group = 3;
    ok(gb_model_finish(m, &err) && strstr(err.msg, "adds to output 3"), "group out of range: %s", err.msg);
    gb_model_free(m);

    /* A chain deeper than GB_MAX_DEPTH is refused, without recursion. */
    int n = 2 * (GB_MAX_DEPTH + 5) + 1;
    m = gb_model_new(NULL);
    m->n_features = 1;
    m->n_trees = 1;
    m->trees = calloc(1, sizeof *m->trees);
    m->trees[0].n_nodes = n;
    gb_node *nd = m->trees[0].nodes = calloc((size_t)n, sizeof *nd);
    for (int i = 0; i < n; i++)
        nd[i] = (gb_node){.feature = -1, .left = -1, .right = -1};
    for (int i = 0; i + 2 < n; i += 2)
        nd[i] = (gb_node){.feature = 0, .left = i + 1, .right = i + 2, .split = 1, .cover = 1};
    ok(gb_model_finish(m, &err) && strstr(err.msg, "deeper than"), "absurd depth refused: %s", err.msg);
    gb_model_free(m);
}

/* The split rule's LightGBM cases, which the hand-made fixtures leave out:
 * its zero threshold is the float 1e-35f, and (int)x makes -0.5 category 0. */
static void test_node_rules(void)
{
    uint32_t bits[1] = {1u}; /* the set {0} */
    gb_model m = {.cat_bits = bits, .n_cat_bits = 1};
    gb_node cat = {.feature = 0, .left = 1, .right = 2, .flags = GB_NODE_CATEGORICAL, .cat_words = 1};
    ok(gb_node_next(&m, &cat, 0.0) == 1, "category 0 is in {0}");
    ok(gb_node_next(&m, &cat, -0.5) == 2, "XGBoost: -0.5 is not a category");
    cat.flags |= GB_NODE_CAT_TRUNCATE;
    ok(gb_node_next(&m, &cat, -0.5) == 1, "LightGBM: (int)-0.5 is category 0");
    ok(gb_node_next(&m, &cat, -1.0) == 2, "LightGBM: -1 is not a category");
    ok(gb_node_next(&m, &cat, 0.75) == 1, "0.75 truncates to category 0");
    ok(gb_node_next(&m, &cat, NAN) == 2, "NaN is not a category");
    gb_node zero = {.feature = 0, .left = 1, .right = 2, .split = -5.0,
                    .flags = GB_NODE_NAN_AS_ZERO | GB_NODE_ZERO_MISSING | GB_NODE_DEFAULT_LEFT};
    ok(gb_node_next(&m, &zero, 1.00000001e-35) == 1, "|x| <= 1e-35f counts as missing");
    ok(gb_node_next(&m, &zero, 1.1e-35) == 2, "1.1e-35 is a value");
    ok(gb_node_next(&m, &zero, NAN) == 1, "NaN becomes 0, which is missing");
}

/* The batched walk must give the very same bits as one row at a time. */
static void test_batch(void)
{
    const char *cases[] = {"multiclass", "deep", "categorical", "gblinear"};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        char path[512];
        gb_error err;
        snprintf(path, sizeof path, "%s/tests/fixtures/xgboost/%s/model.json", tap_srcdir(), cases[c]);
        gb_model *m = gb_model_load(path, &err);
        if (!ok(m != NULL, "%s loads", cases[c])) {
            printf("#   %s\n", err.msg);
            continue;
        }
        size_t n = 1000, nf = (size_t)m->n_features, ng = (size_t)m->n_groups;
        double *x = malloc(n * nf * sizeof *x), *batch = malloc(n * ng * sizeof *batch), one[16];
        srand(3);
        for (size_t i = 0; i < n * nf; i++)
            x[i] = rand() % 10 == 0 ? NAN : (rand() % 2000 - 1000) / 100.0;
        gb_model_margin_batch(m, x, n, batch);
        int same = 1;
        for (size_t r = 0; r < n; r++) {
            gb_model_margin(m, x + r * nf, one);
            same &= memcmp(one, batch + r * ng, ng * sizeof *one) == 0;
        }
        ok(same, "%s: batched margins of 1000 rows are bit-identical to row-by-row", cases[c]);
        free(x);
        free(batch);
        gb_model_free(m);
    }
}

static void test_links(void)
{
    gb_model m = {.n_groups = 3, .link = GB_LINK_SOFTMAX};
    double margin[3] = {1000, 1000, 0}, p[3];
    gb_model_transform(&m, margin, p);
    is_close(p[0], 0.5, 1e-15, "softmax does not overflow at margin 1000");
    is_close(p[2], 0.0, 1e-15, "softmax of a far smaller margin is 0");
    m.n_groups = 1;
    m.link = GB_LINK_LOGISTIC;
    margin[0] = 0;
    gb_model_transform(&m, margin, p);
    is_close(p[0], 0.5, 0, "logistic(0) = 0.5");
    m.link = GB_LINK_EXP;
    margin[0] = 1;
    gb_model_transform(&m, margin, p);
    is_close(p[0], exp(1.0), 0, "exp link");
}

static void test_rowspec(void)
{
    size_t *rows = NULL, n = 0;
    gb_error err;
    ok(gb_rowspec_parse("0-2,7, 4", 10, &rows, &n, &err) == 0 && n == 5 && rows[0] == 0 && rows[2] == 2 &&
           rows[3] == 7 && rows[4] == 4,
       "0-2,7, 4 gives 0 1 2 7 4");
    free(rows);
    ok(gb_rowspec_parse("8-", 10, &rows, &n, &err) == 0 && n == 2 && rows[1] == 9, "an open range runs to the end");
    free(rows);
    ok(gb_rowspec_parse("10", 10, &rows, &n, &err) && strstr(err.msg, "row 10 does not exist"), "row past the end: %s",
       err.msg);
    ok(gb_rowspec_parse("5-2", 10, &rows, &n, &err) && strstr(err.msg, "backwards"), "backwards range: %s", err.msg);
    ok(gb_rowspec_parse("a", 10, &rows, &n, &err) && strstr(err.msg, "expected row numbers"), "garbage: %s", err.msg);
    ok(gb_rowspec_parse("", 10, &rows, &n, &err) && strstr(err.msg, "empty"), "empty list: %s", err.msg);
    ok(gb_rowspec_parse("-3", 10, &rows, &n, &err) && strstr(err.msg, "expected row numbers"), "negative: %s",
       err.msg);
}

static void test_numfmt(void)
{
    char buf[GB_NUMFMT_SIZE];
    ok(strcmp(gb_fmt_double(buf, 0.1), "0.1") == 0, "0.1 prints as 0.1");
    ok(strcmp(gb_fmt_double(buf, NAN), "nan") == 0, "NaN prints as nan");
    double hard[] = {1.0 / 3.0, 5e-324, 1.7976931348623157e308, -2.5e-7, 0.1 + 0.2};
    int all = 1;
    for (size_t i = 0; i < sizeof hard / sizeof *hard; i++)
        all &= strtod(gb_fmt_double(buf, hard[i]), NULL) == hard[i];
    ok(all, "awkward doubles round-trip");
    srand(7);
    all = 1;
    for (int i = 0; i < 100000; i++) {
        uint64_t bits = ((uint64_t)rand() << 42) ^ ((uint64_t)rand() << 21) ^ (uint64_t)rand();
        double v;
        memcpy(&v, &bits, sizeof v);
        if (isfinite(v))
            all &= strtod(gb_fmt_double(buf, v), NULL) == v;
    }
    ok(all, "100000 random bit patterns round-trip");
}

static void test_outfile(void)
{
    char dir[] = "/tmp/gb-test-XXXXXX";
    ok(mkdtemp(dir) != NULL, "temporary directory");
    char path[256];
    snprintf(path, sizeof path, "%s/out.csv", dir);
    gb_outfile out;
    gb_error err;
    ok(gb_outfile_open(&out, path, 0, &err) == 0, "open a new file");
    fputs("half", out.fp);
    gb_outfile_abort(&out);
    struct stat st;
    ok(stat(path, &st) != 0, "an aborted file does not exist");
    ok(gb_outfile_open(&out, path, 0, &err) == 0, "open again");
    fputs("whole\n", out.fp);
    ok(stat(path, &st) != 0, "nothing at the destination before commit");
    ok(gb_outfile_commit(&out, &err) == 0 && stat(path, &st) == 0 && st.st_size == 6, "committed file is whole");
    ok(gb_outfile_open(&out, path, 0, &err) && strstr(err.msg, "use --force"), "existing file kept: %s", err.msg);
    ok(gb_outfile_open(&out, path, 1, &err) == 0, "--force opens it");
    gb_outfile_abort(&out);
    ok(stat(path, &st) == 0 && st.st_size == 6, "an aborted overwrite leaves the old file");
    snprintf(path, sizeof path, "%s/missing-dir/out.csv", dir);
    ok(gb_outfile_open(&out, path, 0, &err) && strstr(err.msg, "cannot create"), "bad directory: %s", err.msg);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ok(system(cmd) == 0, "clean up");
}

static gb_dataset *tiny_dataset(void)
{
    static const char *names[] = {"a", "b", "label"};
    gb_dataset *ds = calloc(1, sizeof *ds);
    ds->path = strdup("tiny.csv");
    ds->n_rows = 2;
    ds->n_cols = 3;
    ds->cols = calloc(3, sizeof *ds->cols);
    for (int c = 0; c < 3; c++) {
        ds->cols[c].name = strdup(names[c]);
        ds->cols[c].values = calloc(2, sizeof(double));
        ds->cols[c].values[0] = c;
        ds->cols[c].values[1] = 10 + c;
    }
    return ds;
}

static void test_binding(void)
{
    gb_dataset *ds = tiny_dataset();
    gb_model *m = stump();
    gb_error err;
    gb_binding b;
    ok(gb_binding_make(m, ds, NULL, &b, &err) == 0 && b.column[0] == 0 && b.column[1] == 1 && b.target == 2,
       "unnamed features map by position around the target 'label'");
    double x[2];
    gb_binding_row(&b, ds, 1, x);
    ok(x[0] == 10 && x[1] == 11, "row 1 gathered");
    gb_binding_free(&b);
    ok(gb_binding_make(m, ds, "a", &b, &err) == 0 && b.column[0] == 1 && b.column[1] == 2 && b.target == 0,
       "--target a: features are b and label");
    gb_binding_free(&b);
    ok(gb_binding_make(m, ds, "nope", &b, &err) && strstr(err.msg, "no column named 'nope'"), "unknown target: %s",
       err.msg);
    m->feature_names = calloc(2, sizeof(char *));
    m->feature_names[0] = strdup("b");
    m->feature_names[1] = strdup("zz");
    ok(gb_binding_make(m, ds, NULL, &b, &err) && strstr(err.msg, "'zz' is not in the data"), "missing feature: %s",
       err.msg);
    free(m->feature_names[1]);
    m->feature_names[1] = strdup("a");
    ok(gb_binding_make(m, ds, NULL, &b, &err) == 0 && b.column[0] == 1 && b.column[1] == 0,
       "named features map by name, in the model's order");
    gb_binding_free(&b);
    ok(gb_binding_make(m, ds, "a", &b, &err) && strstr(err.msg, "one of the model's features"),
       "a feature cannot be the target: %s", err.msg);
    gb_model_free(m);
    gb_dataset_free(ds);
}

int main(void)
{
    test_finish();
    test_node_rules();
    test_links();
    test_batch();
    test_rowspec();
    test_numfmt();
    test_outfile();
    test_binding();
    return tap_done();
}
