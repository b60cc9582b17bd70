/* test_global.c: the global views against closed forms.
 *
 *  - the PDP of a linear model is a line whose slope is the coefficient, and
 *    so is every ICE curve; centred ICE curves start at 0;
 *  - the ALE of an additive model (stumps on two features) recovers each
 *    component up to a constant, and the ALE is centred;
 *  - permutation importance is exactly 0 for a feature the model never
 *    reads, positive for one it does, and the same bytes on 1 or 2 threads;
 *  - a depth-d surrogate of a depth-d tree reaches fidelity 1, and saved
 *    and reloaded predicts like the original on the data; a linear
 *    surrogate of a linear model has R^2 1. */
#include "binding.h"
#include "cart.h"
#include "dataset.h"
#include "distill.h"
#include "importance.h"
#include "model.h"
#include "pdp.h"
#include "tap.h"

#include <string.h>
#include <unistd.h>

#define N_ROWS 300

static char csv_path[256];

/* a, b, c uniform-ish on [0, 1) by Weyl sequences; target = 2a - 3b + noise. */
static gb_dataset *make_data(void)
{
    snprintf(csv_path, sizeof csv_path, "%s/glassbox-global-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    int fd = mkstemp(csv_path);
    FILE *fp = fdopen(fd, "w");
    fputs("a,b,c,target\n", fp);
    for (int i = 0; i < N_ROWS; i++) {
        double a = fmod(i * 0.6180339887498949, 1.0), b = fmod(i * 0.41421356237309503, 1.0);
        double c = fmod(i * 0.7320508075688772, 1.0);
        fprintf(fp, "%.17g,%.17g,%.17g,%.17g\n", a, b, c, 2 * a - 3 * b + 0.1 * (c - 0.5) + (i % 3 ? 1 : 0));
    }
    fclose(fp);
    gb_error err;
    gb_dataset *ds = gb_dataset_read_csv(csv_path, NULL, &err);
    unlink(csv_path);
    return ds;
}

static gb_model *linear_model(void)
{
    gb_model *m = gb_model_new(NULL);
    m->kind = GB_MODEL_LINEAR;
    m->n_features = 3;
    m->coef = malloc(3 * sizeof *m->coef);
    m->coef[0] = 2.0;
    m->coef[1] = -3.0;
    m->coef[2] = 0.5;
    m->base = malloc(sizeof *m->base);
    m->base[0] = 1.0;
    gb_model_finish(m, NULL);
    return m;
}

static gb_node leaf(double v, double cover)
{
    return (gb_node){.feature = -1, .left = -1, .right = -1, .value = v, .cover = cover};
}

static gb_node split(int f, double t, int l, int r, double cover)
{
    return (gb_node){.feature = f, .left = l, .right = r, .split = t, .threshold = t, .cover = cover};
}

static void add_tree(gb_model *m, const gb_node *nodes, int n)
{
    m->trees = realloc(m->trees, (m->n_trees + 1) * sizeof *m->trees);
    gb_tree *t = &m->trees[m->n_trees++];
    memset(t, 0, sizeof *t);
    t->nodes = malloc((size_t)n * sizeof *t->nodes);
    memcpy(t->nodes, nodes, (size_t)n * sizeof *nodes);
    t->n_nodes = n;
}

/* g0(a) = [a < 0.3 ? -1 : 2] + [a < 0.7 ? 0 : 1.5], g1(b) = [b < 0.5 ? 3 : -2]; c unused. */
static double g0(double a)
{
    return (a < 0.3 ? -1.0 : 2.0) + (a < 0.7 ? 0.0 : 1.5);
}

static double g1(double b)
{
    return b < 0.5 ? 3.0 : -2.0;
}

static gb_model *stumps_model(void)
{
    gb_model *m = gb_model_new(NULL);
    m->kind = GB_MODEL_TREES;
    m->n_features = 3;
    m->base = calloc(1, sizeof *m->base);
    gb_node t0[] = {split(0, 0.3, 1, 2, 10), leaf(-1, 3), leaf(2, 7)};
    gb_node t1[] = {split(0, 0.7, 1, 2, 10), leaf(0, 7), leaf(1.5, 3)};
    gb_node t2[] = {split(1, 0.5, 1, 2, 10), leaf(3, 5), leaf(-2, 5)};
    add_tree(m, t0, 3);
    add_tree(m, t1, 3);
    add_tree(m, t2, 3);
    gb_error err;
    if (gb_model_finish(m, &err))
        printf("# %s\n", err.msg);
    return m;
}

/* A depth-2 tree: a < 0.5 ? (b < 0.25 ? 1 : 2.5) : (b < 0.8 ? 10 : 13).  Its
 * root split explains most of the variance, so greedy CART finds it (greedy
 * cannot recover every tree: an XOR-like one defeats it at any depth). */
static gb_model *depth2_model(void)
{
    gb_model *m = gb_model_new(NULL);
    m->kind = GB_MODEL_TREES;
    m->n_features = 3;
    m->base = calloc(1, sizeof *m->base);
    m->base[0] = 0.5;
    gb_node t[] = {split(0, 0.5, 1, 4, 10),
                   split(1, 0.25, 2, 3, 5),
                   leaf(1, 2),
                   leaf(2.5, 3),
                   split(1, 0.8, 5, 6, 5),
                   leaf(10, 4),
                   leaf(13, 1)};
    add_tree(m, t, 7);
    gb_model_finish(m, NULL);
    return m;
}

static size_t *all_rows(size_t n)
{
    size_t *r = malloc(n * sizeof *r);
    for (size_t i = 0; i < n; i++)
        r[i] = i;
    return r;
}

static void test_pdp_linear(const gb_dataset *ds, size_t *rows)
{
    gb_model *m = linear_model();
    gb_binding b;
    gb_error err = {{0}};
    if (!ok(gb_binding_make(m, ds, NULL, &b, &err) == 0, "bind linear model (%s)", err.msg))
        return;
    gb_job_ctl ctl = {.threads = 2};
    for (int f = 0; f < 3; f++) {
        gb_pdp_options o = {.feature = f, .grid = 11, .ice = 5, .seed = 3};
        gb_pdp p;
        if (!ok(gb_pdp_run(m, ds, &b, rows, ds->n_rows, &o, &ctl, &p, &err) == GB_JOB_OK, "pdp (%s)",
                err.msg))
            continue;
        double worst = 0.0, worst_ice = 0.0;
        for (size_t k = 1; k < p.n_grid; k++) {
            double slope = (p.pd[k] - p.pd[k - 1]) / (p.grid[k] - p.grid[k - 1]);
            worst = fmax(worst, fabs(slope - m->coef[f]));
            for (size_t c = 0; c < p.n_ice; c++) {
                const double *cv = p.ice + c * p.n_grid;
                worst_ice =
                    fmax(worst_ice, fabs((cv[k] - cv[k - 1]) / (p.grid[k] - p.grid[k - 1]) - m->coef[f]));
            }
        }
        ok(p.n_grid == 11, "feature %d: 11 quantile grid points", f);
        ok(worst < 1e-9, "feature %d: PD slope is the coefficient %g (worst %.2g)", f, m->coef[f], worst);
        ok(p.n_ice == 5 && worst_ice < 1e-9, "feature %d: 5 ICE curves, each of slope %g", f, m->coef[f]);
        gb_pdp_options oc = o;
        oc.centred = 1;
        gb_pdp pc;
        gb_job_ctl one = {.threads = 1};
        if (gb_pdp_run(m, ds, &b, rows, ds->n_rows, &oc, &one, &pc, &err) == GB_JOB_OK) {
            int zero = 1, same_rows = memcmp(pc.ice_rows, p.ice_rows, 5 * sizeof(size_t)) == 0;
            for (size_t c = 0; c < pc.n_ice; c++)
                zero &= pc.ice[c * pc.n_grid] == 0.0;
            ok(zero && same_rows && memcmp(pc.pd, p.pd, p.n_grid * sizeof(double)) == 0,
               "feature %d: centred ICE starts at 0; same sample and PD bytes on 1 thread", f);
            gb_pdp_free(&pc);
        }
        gb_pdp_free(&p);
        gb_pdp_options ou = {.feature = f, .grid = 5, .kind = GB_GRID_UNIFORM};
        if (gb_pdp_run(m, ds, &b, rows, ds->n_rows, &ou, &ctl, &p, &err) == GB_JOB_OK) {
            ok(p.n_grid == 5 && tap_close(p.grid[2] - p.grid[1], p.grid[1] - p.grid[0], 1e-12),
               "feature %d: uniform grid of 5 evenly spaced points", f);
            gb_pdp_free(&p);
        }
        gb_ale a;
        if (gb_ale_run(m, ds, &b, rows, ds->n_rows, &o, &ctl, &a, &err) == GB_JOB_OK) {
            double w = 0.0;
            for (size_t k = 1; k < a.n; k++)
                w = fmax(w, fabs((a.ale[k] - a.ale[k - 1]) / (a.value[k] - a.value[k - 1]) - m->coef[f]));
            ok(w < 1e-9, "feature %d: ALE of a linear model has slope %g", f, m->coef[f]);
            gb_ale_free(&a);
        }
    }
    gb_binding_free(&b);
    gb_model_free(m);
}

static void test_ale_additive(const gb_dataset *ds, size_t *rows)
{
    gb_model *m = stumps_model();
    gb_binding b;
    gb_error err = {{0}};
    if (!ok(gb_binding_make(m, ds, NULL, &b, &err) == 0, "bind stumps (%s)", err.msg))
        return;
    gb_job_ctl ctl = {.threads = 2};
    double (*g[2])(double) = {g0, g1};
    for (int f = 0; f < 2; f++) {
        gb_pdp_options o = {.feature = f, .grid = 10};
        gb_ale a;
        if (!ok(gb_ale_run(m, ds, &b, rows, ds->n_rows, &o, &ctl, &a, &err) == GB_JOB_OK, "ale (%s)",
                err.msg))
            continue;
        double worst = 0.0, centre = 0.0;
        size_t total = 0;
        for (size_t k = 0; k < a.n; k++) {
            worst = fmax(worst, fabs((a.ale[k] - a.ale[0]) - (g[f](a.value[k]) - g[f](a.value[0]))));
            if (k > 0) {
                centre += (double)a.count[k] * (a.ale[k - 1] + a.ale[k]) / 2;
                total += a.count[k];
            }
        }
        ok(a.n == 11, "feature %d: 10 bins (11 edges)", f);
        ok(worst < 1e-12, "feature %d: ALE recovers the component (worst %.2g)", f, worst);
        ok(total == ds->n_rows && fabs(centre) < 1e-12, "feature %d: ALE is centred over all rows", f);
        gb_ale_free(&a);
    }
    gb_binding_free(&b);
    gb_model_free(m);
}

static void test_importance(const gb_dataset *ds, size_t *rows)
{
    gb_model *m = stumps_model();
    gb_binding b;
    gb_error err = {{0}};
    if (!ok(gb_binding_make(m, ds, NULL, &b, &err) == 0, "bind stumps (%s)", err.msg))
        return;
    gb_importance_options o = {.repeats = 4, .seed = 11};
    gb_job_ctl two = {.threads = 2}, one = {.threads = 1};
    gb_importance a, c;
    if (ok(gb_importance_run(m, ds, &b, rows, ds->n_rows, &o, &two, &a, &err) == GB_JOB_OK, "importance (%s)",
           err.msg)) {
        ok(a.metric == GB_METRIC_RMSE, "regression: RMSE by default");
        ok(a.importance[2] == 0.0 && a.std[2] == 0.0, "unused feature c: importance exactly 0 (%g)",
           a.importance[2]);
        ok(a.importance[0] > 0.1 && a.importance[1] > 0.1, "a and b matter (%g, %g)", a.importance[0],
           a.importance[1]);
        if (gb_importance_run(m, ds, &b, rows, ds->n_rows, &o, &one, &c, &err) == GB_JOB_OK) {
            ok(memcmp(a.scores, c.scores, 3 * 4 * sizeof(double)) == 0, "same bytes on 1 and 2 threads");
            gb_importance_free(&c);
        }
        gb_importance_free(&a);
    }
    o.metric = GB_METRIC_ACCURACY;
    ok(gb_importance_run(m, ds, &b, rows, ds->n_rows, &o, &two, &a, &err) == GB_JOB_FAILED &&
           strstr(err.msg, "classifier"),
       "accuracy on a regression is refused: %s", err.msg);
    gb_binding_free(&b);
    gb_model_free(m);
}

static void test_distill(const gb_dataset *ds)
{
    gb_model *m = depth2_model();
    gb_binding b;
    gb_error err = {{0}};
    if (!ok(gb_binding_make(m, ds, NULL, &b, &err) == 0, "bind depth-2 tree (%s)", err.msg))
        return;
    gb_distill_options o = {.depth = 2, .min_leaf = 1, .seed = 5, .curve = 1, .linear_terms = 2};
    gb_job_ctl ctl = {.threads = 2};
    gb_distill d;
    if (ok(gb_distill_run(m, ds, &b, &o, &ctl, &d, &err) == GB_JOB_OK, "distill (%s)", err.msg)) {
        ok(d.n_train + d.n_test == ds->n_rows && d.n_test > 30 && d.n_test < 120,
           "held-out share near 25%% (%zu)", d.n_test);
        ok(d.r2 > 1 - 1e-12, "depth-2 surrogate of a depth-2 tree: fidelity %.15g", d.r2);
        ok(d.curve_n == 8 && d.curve_r2[0] < 0.99 && d.curve_r2[1] > 1 - 1e-12,
           "curve: depth 1 %.3g, depth 2 %.3g", d.curve_r2[0], d.curve_r2[1]);
        ok(d.n_linear == 2 && d.linear_r2[1] >= d.linear_r2[0] - 1e-9, "linear surrogate: 2 steps (%g, %g)",
           d.linear_r2[0], d.linear_r2[1]);
        char path[256];
        snprintf(path, sizeof path, "%s/glassbox-surrogate-%d.json",
                 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
        gb_model *back = NULL;
        if (ok(gb_model_save_native(d.tree, path, &err) == 0, "save the surrogate (%s)", err.msg))
            back = gb_model_load(path, &err);
        unlink(path);
        if (ok(back != NULL, "load it back (%s)", err.msg)) {
            double worst = 0.0, same = 0.0, x[3], p0, p1, p2;
            for (size_t r = 0; r < ds->n_rows; r++) {
                gb_binding_row(&b, ds, r, x);
                gb_model_margin(m, x, &p0);
                gb_model_margin(back, x, &p1);
                gb_model_margin(d.tree, x, &p2);
                worst = fmax(worst, fabs(p0 - p1));
                same = fmax(same, fabs(p2 - p1));
            }
            ok(same == 0.0, "reloaded surrogate predicts exactly as before saving");
            ok(worst < 1e-12, "reloaded surrogate predicts like the original on every row (worst %.2g)",
               worst);
        }
        gb_model_free(back);
        gb_distill_free(&d);
    }
    gb_binding_free(&b);
    gb_model_free(m);
    m = linear_model();
    gb_binding_make(m, ds, NULL, &b, &err);
    gb_distill_options ol = {.depth = 3, .seed = 1, .linear_terms = 3};
    if (gb_distill_run(m, ds, &b, &ol, &ctl, &d, &err) == GB_JOB_OK) {
        ok(d.n_linear == 3 && d.linear_r2[2] > 1 - 1e-12 && d.linear_feature[0] == 1,
           "linear surrogate of a linear model: R^2 1 after 3 terms, b (|coef| 3) first");
        ok(isnan(d.agreement), "no class agreement for a regression");
        gb_distill_free(&d);
    }
    gb_binding_free(&b);
    gb_model_free(m);
}

/* Categorical ALE: g(col) = 2, 4, -1 for levels p, q, r (two category-set
 * trees) plus a numeric stump; the ALE steps are the component's. */
static void test_ale_categorical(void)
{
    char path[256];
    snprintf(path, sizeof path, "%s/glassbox-cat-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    int fd = mkstemp(path);
    FILE *fp = fdopen(fd, "w");
    fputs("x,col\n", fp);
    for (int i = 0; i < 90; i++)
        fprintf(fp, "%g,%s\n", (i % 10) / 10.0, (const char *[]){"p", "q", "r"}[(i * 7) % 3]);
    fclose(fp);
    gb_error err = {{0}};
    gb_dataset *ds = gb_dataset_read_csv(path, NULL, &err);
    unlink(path);
    gb_model *m = gb_model_new(NULL);
    m->kind = GB_MODEL_TREES;
    m->n_features = 2;
    m->base = calloc(1, sizeof *m->base);
    m->feature_categorical = calloc(2, 1);
    m->feature_categorical[1] = 1;
    m->cat_bits = malloc(2 * sizeof *m->cat_bits);
    m->cat_bits[0] = 1u << 0; /* {p} */
    m->cat_bits[1] = 1u << 1; /* {q} */
    m->n_cat_bits = 2;
    gb_node c0 = split(1, 0, 1, 2, 10), c1 = split(1, 0, 1, 2, 10);
    c0.flags = c1.flags = GB_NODE_CATEGORICAL;
    c0.cat_words = c1.cat_words = 1;
    c1.cat_begin = 1;
    gb_node t0[] = {c0, leaf(2, 3), leaf(-1, 7)};
    gb_node t1[] = {c1, leaf(5, 3), leaf(0, 7)};
    gb_node t2[] = {split(0, 0.5, 1, 2, 10), leaf(0, 5), leaf(1, 5)};
    add_tree(m, t0, 3);
    add_tree(m, t1, 3);
    add_tree(m, t2, 3);
    gb_binding b;
    if (!ok(ds && gb_model_finish(m, &err) == 0 && gb_binding_make(m, ds, NULL, &b, &err) == 0,
            "categorical model and data (%s)", err.msg)) {
        gb_model_free(m);
        gb_dataset_free(ds);
        return;
    }
    size_t *rows = all_rows(ds->n_rows);
    gb_pdp_options o = {.feature = 1};
    gb_job_ctl ctl = {.threads = 2};
    gb_ale a;
    if (ok(gb_ale_run(m, ds, &b, rows, ds->n_rows, &o, &ctl, &a, &err) == GB_JOB_OK, "categorical ALE (%s)",
           err.msg)) {
        double centre = 0.0;
        for (size_t k = 0; k < a.n; k++)
            centre += (double)a.count[k] * a.ale[k];
        ok(a.categorical && a.n == 3 && a.count[0] + a.count[1] + a.count[2] == 90,
           "one value per level, all rows");
        ok(fabs(a.ale[1] - a.ale[0] - 2.0) < 1e-12 && fabs(a.ale[2] - a.ale[0] + 3.0) < 1e-12,
           "level steps are the component's: q - p = 2, r - p = -3 (%g, %g)", a.ale[1] - a.ale[0],
           a.ale[2] - a.ale[0]);
        ok(fabs(centre) < 1e-12, "categorical ALE is centred over the rows");
        gb_ale_free(&a);
    }
    gb_pdp p;
    if (gb_pdp_run(m, ds, &b, rows, ds->n_rows, &o, &ctl, &p, &err) == GB_JOB_OK) {
        ok(p.categorical && p.n_grid == 3 && fabs(p.pd[1] - p.pd[0] - 2.0) < 1e-12,
           "categorical PDP: per level");
        gb_pdp_free(&p);
    }
    free(rows);
    gb_binding_free(&b);
    gb_model_free(m);
    gb_dataset_free(ds);
}

typedef struct progress_log {
    int calls, backwards;
    double last;
} progress_log;

static void on_progress(void *ctx, double f)
{
    progress_log *p = ctx;
    p->backwards += f < p->last;
    p->last = f;
    p->calls++;
}

/* Every view stops with GB_JOB_CANCELLED, nothing allocated, when the flag
 * is up; progress only rises and ends at 1. */
static void test_cancel_progress(const gb_dataset *ds, size_t *rows)
{
    gb_model *m = stumps_model();
    gb_binding b;
    gb_error err = {{0}};
    gb_binding_make(m, ds, NULL, &b, &err);
    atomic_int stop;
    atomic_init(&stop, 1);
    gb_job_ctl ctl = {.threads = 2, .cancel = &stop};
    gb_importance_options io = {.repeats = 2};
    gb_importance ir;
    ok(gb_importance_run(m, ds, &b, rows, ds->n_rows, &io, &ctl, &ir, &err) == GB_JOB_CANCELLED &&
           !ir.importance,
       "importance: cancelled");
    gb_pdp_options po = {.feature = 0, .ice = 3};
    gb_pdp pr;
    ok(gb_pdp_run(m, ds, &b, rows, ds->n_rows, &po, &ctl, &pr, &err) == GB_JOB_CANCELLED && !pr.pd,
       "pdp: cancelled");
    gb_ale ar;
    ok(gb_ale_run(m, ds, &b, rows, ds->n_rows, &po, &ctl, &ar, &err) == GB_JOB_CANCELLED && !ar.ale,
       "ale: cancelled");
    gb_distill_options dopt = {.depth = 3, .curve = 1};
    gb_distill dr;
    ok(gb_distill_run(m, ds, &b, &dopt, &ctl, &dr, &err) == GB_JOB_CANCELLED && !dr.tree,
       "distill: cancelled");
    progress_log pl = {0};
    gb_job_ctl live = {.threads = 2, .progress = on_progress, .progress_ctx = &pl};
    if (gb_importance_run(m, ds, &b, rows, ds->n_rows, &io, &live, &ir, &err) == GB_JOB_OK)
        gb_importance_free(&ir);
    ok(pl.calls > 0 && pl.backwards == 0 && pl.last == 1.0, "importance: progress rises to 1 (%d calls)",
       pl.calls);
    pl = (progress_log){0};
    if (gb_distill_run(m, ds, &b, &dopt, &live, &dr, &err) == GB_JOB_OK)
        gb_distill_free(&dr);
    ok(pl.calls > 0 && pl.backwards == 0 && pl.last == 1.0, "distill: progress rises to 1 (%d calls)",
       pl.calls);
    gb_binding_free(&b);
    gb_model_free(m);
}

int main(void)
{
    gb_dataset *ds = make_data();
    if (!ok(ds != NULL, "generated data"))
        return tap_done();
    size_t *rows = all_rows(ds->n_rows);
    test_pdp_linear(ds, rows);
    test_ale_additive(ds, rows);
    test_importance(ds, rows);
    test_distill(ds);
    test_cancel_progress(ds, rows);
    test_ale_categorical();
    free(rows);
    gb_dataset_free(ds);
    return tap_done();
}
