/* explainer_speed.c: rows per second of interventional TreeSHAP and LIME
 * on one thread, straight through the core's per-row functions (no job
 * runner, no output), each beside the cost of what it is built from
 * (path-dependent TreeSHAP; plain model evaluation of LIME's samples).
 * Not a test: it prints figures and ratios.  Built on demand:
 *
 *   make bench/explainer_speed
 *   bench/explainer_speed treeshap-int MODEL DATA.csv [BACKGROUND_ROWS [ROWS]]
 *   bench/explainer_speed treeshap-int-synthetic [TREES [DEPTH [FEATURES [BACKGROUND_ROWS [ROWS]]]]]
 *   bench/explainer_speed lime MODEL DATA.csv [ROWS [quartile|decile|none]]
 *
 * The background is the first BACKGROUND_ROWS data rows, the explained rows
 * the ones after it; LIME's statistics come from every row.  The synthetic
 * model has full-depth trees with random splits on uniform features. */
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "binding.h"
#include "dataset.h"
#include "lime.h"
#include "treeshap.h"
#include "treeshap_int.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static uint64_t rng_state = 12345;

static double unif(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (double)((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
}

/* Full trees of the given depth in breadth-first order. */
static gb_model *synthetic(int n_trees, int depth, int nf)
{
    gb_model *m = gb_model_new(NULL);
    m->kind = GB_MODEL_TREES;
    m->n_features = nf;
    m->base = calloc(1, sizeof *m->base);
    m->trees = calloc((size_t)n_trees, sizeof *m->trees);
    int n = (1 << (depth + 1)) - 1, inner = (1 << depth) - 1;
    for (int t = 0; t < n_trees; t++) {
        gb_node *nodes = calloc((size_t)n, sizeof *nodes);
        for (int i = 0; i < n; i++) {
            nodes[i].cover = 1;
            if (i < inner) {
                nodes[i].feature = (int32_t)(unif() * nf);
                nodes[i].left = 2 * i + 1;
                nodes[i].right = 2 * i + 2;
                nodes[i].split = nodes[i].threshold = unif();
            } else {
                nodes[i].feature = nodes[i].left = nodes[i].right = -1;
                nodes[i].value = unif() - 0.5;
            }
        }
        m->trees[t] = (gb_tree){.nodes = nodes, .n_nodes = n, .group = 0};
    }
    m->n_trees = (size_t)n_trees;
    gb_error err;
    if (gb_model_finish(m, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        exit(2);
    }
    return m;
}

static void treeshap_int(const gb_model *m, const double *rows, size_t n_bg, size_t n_rows)
{
    int nf = m->n_features;
    size_t width = (size_t)m->n_groups * (size_t)(nf + 1);
    double *phi = malloc(width * sizeof *phi);
    gb_error err;
    double t0 = now();
    gb_treeshap_int *t = gb_treeshap_int_new(m, rows, NULL, n_bg, &err);
    if (!t) {
        fprintf(stderr, "%s\n", err.msg);
        exit(2);
    }
    double t1 = now();
    for (size_t r = 0; r < n_rows; r++)
        gb_treeshap_int_row(t, rows + (n_bg + r) * (size_t)nf, phi, NULL);
    double t2 = now();
    gb_treeshap *ts = gb_treeshap_new(m, &err);
    gb_treeshap_ws *ws = gb_treeshap_ws_new(ts, &err);
    double t3 = now();
    for (size_t r = 0; r < n_rows; r++)
        gb_treeshap_row(ts, ws, rows + (n_bg + r) * (size_t)nf, phi);
    double t4 = now();
    double rate = (double)n_rows / (t2 - t1), path = (double)n_rows / (t4 - t3);
    printf("treeshap-int: %zu trees, %zu leaves, depth %d, %d features, %zu background rows\n", m->n_trees,
           m->n_leaves, m->max_depth, nf, n_bg);
    printf(
        "  build %.3f s; %.1f rows/s (%.3g tree x background pairs/s); path-dependent TreeSHAP %.1f rows/s "
        "(ratio %.2f)\n",
        t1 - t0, rate, rate * (double)m->n_trees * (double)n_bg, path, rate / path);
    gb_treeshap_ws_free(ws);
    gb_treeshap_free(ts);
    gb_treeshap_int_free(t);
    free(phi);
}

static double *bound_rows(const gb_model *m, const gb_dataset *ds, gb_binding *b)
{
    gb_error err;
    if (gb_binding_make(m, ds, NULL, b, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        exit(2);
    }
    double *rows = malloc(ds->n_rows * (size_t)m->n_features * sizeof *rows);
    for (size_t r = 0; r < ds->n_rows; r++)
        gb_binding_row(b, ds, r, rows + r * (size_t)m->n_features);
    return rows;
}

static void lime(const gb_model *m, const double *rows, size_t n, size_t n_rows, gb_lime_discretize d)
{
    gb_error err;
    gb_lime_stats *s = gb_lime_stats_new_rows(m, rows, NULL, n, &err);
    gb_lime_result res;
    if (!s || gb_lime_result_init(&res, s, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        exit(2);
    }
    gb_lime_config c = {.discretize = d};
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    double t0 = now();
    for (size_t r = 0; r < n_rows; r++) {
        gsl_rng_set(rng, r);
        gb_lime_row(s, &c, rows + (r % n) * (size_t)m->n_features, rng, &res, NULL);
    }
    double t1 = now();
    /* The same number of model evaluations alone, on data rows. */
    size_t k = 5000, nf = (size_t)m->n_features;
    double *x = malloc(k * nf * sizeof *x), *out = malloc(k * (size_t)m->n_groups * sizeof *out);
    for (size_t i = 0; i < k; i++)
        memcpy(x + i * nf, rows + (i % n) * nf, nf * sizeof *x);
    double t2 = now();
    for (size_t r = 0; r < n_rows; r++)
        gb_model_margin_batch(m, x, k, out);
    double t3 = now();
    double per = (t1 - t0) / (double)n_rows, model = (t3 - t2) / (double)n_rows;
    printf(
        "lime (%s, 5000 samples, %d features): %.1f rows/s, %.2f ms/row, of which model evaluation %.2f ms "
        "(%.3g evaluations/s) and LIME itself %.2f ms\n",
        gb_lime_discretize_name(d), m->n_features, 1.0 / per, 1e3 * per, 1e3 * model, 5000.0 / per,
        1e3 * (per - model));
    gsl_rng_free(rng);
    free(x);
    free(out);
    gb_lime_result_free(&res);
    gb_lime_stats_free(s);
}

static size_t arg(int argc, char **argv, int i, size_t def)
{
    return argc > i ? (size_t)strtoul(argv[i], NULL, 10) : def;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc >= 2 && strcmp(argv[1], "treeshap-int-synthetic") == 0) {
        int trees = (int)arg(argc, argv, 2, 500), depth = (int)arg(argc, argv, 3, 8),
            nf = (int)arg(argc, argv, 4, 50);
        size_t n_bg = arg(argc, argv, 5, 100), n_rows = arg(argc, argv, 6, 20);
        gb_model *m = synthetic(trees, depth, nf);
        double *rows = malloc((n_bg + n_rows) * (size_t)nf * sizeof *rows);
        for (size_t i = 0; i < (n_bg + n_rows) * (size_t)nf; i++)
            rows[i] = unif();
        treeshap_int(m, rows, n_bg, n_rows);
        free(rows);
        gb_model_free(m);
        return 0;
    }
    if (argc < 4 || (strcmp(argv[1], "treeshap-int") != 0 && strcmp(argv[1], "lime") != 0)) {
        fprintf(stderr, "usage: %s treeshap-int|lime MODEL DATA.csv [...] (see the source's header)\n",
                argv[0]);
        return 2;
    }
    gb_error err;
    gb_model *m = gb_model_load(argv[2], &err);
    gb_dataset *ds = m ? gb_dataset_read_csv(argv[3], NULL, &err) : NULL;
    if (!ds) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    gb_binding b;
    double *rows = bound_rows(m, ds, &b);
    if (strcmp(argv[1], "treeshap-int") == 0) {
        size_t n_bg = arg(argc, argv, 4, 100), n_rows = arg(argc, argv, 5, 20);
        if (n_bg + n_rows > ds->n_rows) {
            fprintf(stderr, "the data has %zu rows, fewer than %zu + %zu\n", ds->n_rows, n_bg, n_rows);
            return 2;
        }
        treeshap_int(m, rows, n_bg, n_rows);
    } else {
        gb_lime_discretize d = GB_LIME_QUARTILE;
        if (argc > 5 && gb_lime_discretize_parse(argv[5], &d)) {
            fprintf(stderr, "unknown discretisation %s\n", argv[5]);
            return 2;
        }
        lime(m, rows, ds->n_rows, arg(argc, argv, 4, 20), d);
    }
    free(rows);
    gb_binding_free(&b);
    gb_dataset_free(ds);
    gb_model_free(m);
    return 0;
}
