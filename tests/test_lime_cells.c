/* test_lime_cells.c: LIME's (bin, interval) draws for tree models
 * (src/lime_cells.c).
 *
 * The claim is that a tree model cannot tell the fixed value of an interval
 * from any value of it, and that the intervals are drawn with the mass the
 * bin's truncated normal gives them.  So: every displayed value (a true draw
 * inside the interval) gives the model exactly the output of the fixed
 * value, for float32 models (thresholds between floats, two splits on one
 * float) and double ones; each interval's probability matches how often
 * value-by-value draws (gb_lime_stats_draw) land in it; a feature with a
 * split that is not a plain numeric one keeps the value-by-value draws; and
 * a traced LIME row shows samples whose model outputs are the traced ones,
 * with the same numbers as an untraced run. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <stdlib.h>
#include <string.h>

#include "explain_trace.h"
#include "lime_stats.h"
#include "rng.h"
#include "tap.h"
#include "tree_builder.h"

enum { F = 3, N = 400 };

/* Feature 0: splits at 0.3 (not a float), at float(0.3) (the same float
 * split), at 0.7 and at -2 (below every value); feature 1: one split;
 * feature 2: a LightGBM zero-as-missing split, which rules its cells out. */
static gb_model *model(int float32)
{
    gb_model *m = tb_new_model(F, 1);
    m->input_float32 = float32;
    gb_node a[] = {tb_split(0, 0.3, 1, 2, 4, 0),
                   tb_split(1, 0.5, 3, 4, 2, GB_NODE_DEFAULT_LEFT),
                   tb_split(0, 0.7, 5, 6, 2, 0),
                   tb_leaf(1.0, 1),
                   tb_leaf(2.0, 1),
                   tb_leaf(4.0, 1),
                   tb_leaf(8.0, 1)};
    gb_node b[] = {tb_split(0, (double)0.3f, 1, 2, 4, 0),
                   tb_split(0, -2.0, 3, 4, 2, 0),
                   tb_split(2, 0.5, 5, 6, 2, GB_NODE_ZERO_MISSING),
                   tb_leaf(16.0, 1),
                   tb_leaf(32.0, 1),
                   tb_leaf(64.0, 1),
                   tb_leaf(128.0, 1)};
    tb_add_tree(m, 0, a, 7);
    tb_add_tree(m, 0, b, 7);
    if (tb_finish(m))
        exit(1);
    return m;
}

static double *data(void)
{
    double *rows = malloc(N * F * sizeof *rows);
    gsl_rng *r = gb_rng_new(3, 0, 0, NULL);
    for (int i = 0; i < N; i++) {
        /* Values on the thresholds themselves too. */
        rows[i * F] = i % 50 == 0 ? 0.3 : (i % 50 == 1 ? 0.7 : gsl_rng_uniform(r));
        rows[i * F + 1] = i % 11 == 0 ? NAN : gsl_ran_gaussian(r, 1.0);
        rows[i * F + 2] = i % 7 == 0 ? NAN : gsl_rng_uniform(r);
    }
    gsl_rng_free(r);
    return rows;
}

static double margin_with(const gb_model *m, const double *base, int f, double v)
{
    double x[F], out; /* models of at most F features */
    memcpy(x, base, (size_t)m->n_features * sizeof *x);
    x[f] = v;
    gb_model_margin(m, x, &out);
    return out;
}

static void test_cuts(void)
{
    gb_model *m = model(1);
    gb_lime_cuts c;
    int rc = gb_lime_cuts_build(&c, m, 0, NULL);
    ok(rc == 0 && c.usable && c.n == 3,
       "float32: splits 0.3 and float(0.3) make one boundary, with 0.7 and -2 three (%zu)", c.n);
    float s = 0.3f;
    ok(c.n == 3 && c.at[1] == 0.5 * ((double)nextafterf(s, -INFINITY) + (double)s) && c.rep[1] == (double)s,
       "float32: the boundary is the midpoint below the float split, its value the float split");
    gb_lime_cuts_free(&c);
    ok(gb_lime_cuts_build(&c, m, 2, NULL) == 0 && !c.usable, "a zero-as-missing split rules the feature out");
    gb_lime_cuts_free(&c);
    gb_model_free(m);
    m = model(0);
    ok(gb_lime_cuts_build(&c, m, 0, NULL) == 0 && c.usable && c.n == 4 && c.at[1] == 0.3 &&
           c.at[2] == (double)0.3f,
       "double: every distinct split is a boundary at itself");
    gb_lime_cuts_free(&c);
    gb_model_free(m);
}

/* Every displayed value of every entry lies in its interval and bin and
 * gives the model the output of the entry's fixed value. */
static void test_equivalence(int float32)
{
    gb_model *m = model(float32);
    double *rows = data();
    gb_lime_stats *s = gb_lime_stats_new_rows(m, rows, NULL, N, NULL);
    gb_truncnorm *scratch = malloc(sizeof *scratch);
    gsl_rng *r = gb_rng_new(5, 0, (uint64_t)float32, NULL);
    gb_rng64 g;
    gb_rng64_begin(&g, r);
    int same = 1, inside = 1, in_bin = 1;
    size_t checked = 0, entries = 0;
    for (int d = GB_LIME_QUARTILE; d <= GB_LIME_DECILE; d++)
        for (int f = 0; f < 2; f++) {
            const gb_lime_cells *c = &s->feat[f].cells[d];
            entries += c->n;
            for (size_t e = 0; e < c->n; e++)
                for (int k = 0; k < 200; k++) {
                    double v = gb_lime_stats_show(s, (gb_lime_discretize)d, f, (int)e, scratch, &g);
                    if (isnan(c->value[e])) {
                        same &= isnan(v) != 0;
                        continue;
                    }
                    inside &= v >= c->lo[e] && v <= c->hi[e];
                    /* A value on the bin's lower edge belongs to the bin below. */
                    int bin = gb_lime_stats_bin(s, (gb_lime_discretize)d, f, v);
                    in_bin &= bin == c->code[e] || (bin == c->code[e] - 1 && v == c->lo[e]);
                    for (int i = 0; i < N; i += 37) {
                        same &= margin_with(m, rows + i * F, f, v) ==
                                margin_with(m, rows + i * F, f, c->value[e]);
                        checked++;
                    }
                }
        }
    gb_rng64_end(&g);
    ok(s->feat[2].cells[0].n == 0 && s->feat[2].cells[1].n == 0,
       "%s: no cells for the zero-as-missing feature", float32 ? "float32" : "double");
    ok(entries > 10 && same && inside && in_bin,
       "%s: %zu entries, %zu displayed values: each gives the model its entry's output, inside its interval "
       "and bin",
       float32 ? "float32" : "double", entries, checked);
    gsl_rng_free(r);
    free(scratch);
    gb_lime_stats_free(s);
    free(rows);
    gb_model_free(m);
}

/* Each entry's probability against where value-by-value draws land. */
static void test_mass(void)
{
    gb_model *m = model(1);
    double *rows = data();
    gb_lime_stats *s = gb_lime_stats_new_rows(m, rows, NULL, N, NULL);
    gsl_rng *r = gb_rng_new(9, 0, 0, NULL);
    enum { DRAWS = 400000 };
    for (int f = 0; f < 2; f++) {
        const gb_lime_cells *c = &s->feat[f].cells[GB_LIME_QUARTILE];
        double *hits = calloc(c->n, sizeof *hits), worst = 0.0, sum = 0.0;
        for (int k = 0; k < DRAWS; k++) {
            int code;
            double z, v = gb_lime_stats_draw(s, GB_LIME_QUARTILE, f, r, &code, &z);
            for (size_t e = 0; e < c->n; e++)
                if (c->code[e] == code &&
                    (isnan(v) ? isnan(c->value[e]) != 0 : v >= c->lo[e] && (v < c->hi[e] || v == c->hi[e]))) {
                    hits[e]++;
                    break;
                }
        }
        for (size_t e = 0; e < c->n; e++) {
            double se = sqrt(c->p[e] * (1 - c->p[e]) / DRAWS) + 1e-9;
            worst = fmax(worst, fabs(hits[e] / DRAWS - c->p[e]) / se);
            sum += c->p[e];
        }
        ok(worst < 4.5 && fabs(sum - 1) < 1e-12,
           "feature %d: %zu intervals' probabilities match value-by-value draws (worst %.2f standard errors)",
           f, c->n, worst);
        free(hits);
    }
    gsl_rng_free(r);
    gb_lime_stats_free(s);
    free(rows);
    gb_model_free(m);
}

/* The (bin, model output) pairs: their probabilities from the cells
 * against value-by-value draws put through the model.  Unlike test_mass this
 * judges by the model's decision, so a boundary on the wrong side of a tie
 * or a draw rounded onto a boundary shows.  Returns the worst |z|, or -1
 * when the feature has no cells (value-by-value draws). */
static double decision_mass(const gb_model *m, const gb_lime_stats *s, int f, gb_lime_discretize d,
                            const double *base, int draws)
{
    const gb_lime_cells *c = &s->feat[f].cells[d];
    if (c->n == 0)
        return -1;
    enum { MAX = 64 };
    int code[MAX];
    double out[MAX], p[MAX] = {0}, hits[MAX] = {0};
    int n = 0;
    for (size_t e = 0; e < c->n; e++) {
        double o = margin_with(m, base, f, c->value[e]);
        int k = 0;
        while (k < n && !(code[k] == c->code[e] && out[k] == o))
            k++;
        if (k == n && n < MAX) {
            code[n] = c->code[e];
            out[n++] = o;
        }
        p[k] += c->p[e];
    }
    gsl_rng *r = gb_rng_new(17, 0, (uint64_t)f, NULL);
    int unknown = 0;
    for (int i = 0; i < draws; i++) {
        int cd;
        double z, v = gb_lime_stats_draw(s, d, f, r, &cd, &z), o = margin_with(m, base, f, v);
        int k = 0;
        while (k < n && !(code[k] == cd && out[k] == o))
            k++;
        if (k < n)
            hits[k]++;
        else
            unknown++;
    }
    gsl_rng_free(r);
    double worst = unknown ? 1e9 : 0.0;
    for (int k = 0; k < n; k++)
        worst = fmax(worst, fabs(hits[k] / draws - p[k]) / (sqrt(p[k] * (1 - p[k]) / draws) + 1e-12));
    return worst;
}

/* Values of a large integer feature sit on float32 ties: with an edge of a
 * bin on a midpoint between floats, rounding to even decides the side. */
static void test_ties(void)
{
    gb_model *m = tb_new_model(1, 1);
    m->input_float32 = 1;
    gb_node a[] = {tb_split(0, 16777218.0, 1, 2, 2, 0), tb_leaf(-1.0, 1), tb_leaf(1.0, 1)};
    tb_add_tree(m, 0, a, 3);
    if (tb_finish(m))
        exit(1);
    double rows[101];
    for (int i = 0; i < 101; i++)
        rows[i] = 16777167.0 + i; /* the median, a bin edge, is 16777217: a tie */
    gb_lime_stats *s = gb_lime_stats_new_rows(m, rows, NULL, 101, NULL);
    double base = 0.0, zq = decision_mass(m, s, 0, GB_LIME_QUARTILE, &base, 200000);
    double zd = decision_mass(m, s, 0, GB_LIME_DECILE, &base, 200000);
    ok(zq >= 0 && zq < 5 && zd >= 0 && zd < 5,
       "float32 ties: outputs by bin match value-by-value draws (worst %.1f, %.1f SE)", zq, zd);
    gb_lime_stats_free(s);
    gb_model_free(m);

    /* A bin holding one repeated value right on a boundary: its draws round
     * onto the boundary, so the feature is drawn value by value. */
    m = tb_new_model(1, 1);
    m->input_float32 = 1;
    gb_node b[] = {tb_split(0, 16777220.0, 1, 2, 2, 0), tb_leaf(-1.0, 1), tb_leaf(1.0, 1)};
    tb_add_tree(m, 0, b, 3);
    if (tb_finish(m))
        exit(1);
    for (int i = 0; i < 101; i++)
        rows[i] = i < 60 ? 16777211.0 : 16777219.0; /* a bin (16777211, 16777219] of one value */
    s = gb_lime_stats_new_rows(m, rows, NULL, 101, NULL);
    zq = decision_mass(m, s, 0, GB_LIME_QUARTILE, &base, 200000);
    zd = decision_mass(m, s, 0, GB_LIME_DECILE, &base, 200000);
    ok(zq < 0 && zd < 0, "a bin of one value on a boundary: drawn value by value");
    gb_lime_stats_free(s);
    gb_model_free(m);
}

/* The toy and the real samples: outputs by bin match value-by-value draws. */
static void test_decisions(void)
{
    gb_model *m = model(1);
    double *rows = data();
    gb_lime_stats *s = gb_lime_stats_new_rows(m, rows, NULL, N, NULL);
    double worst = 0;
    for (int f = 0; f < 2; f++)
        for (int d = GB_LIME_QUARTILE; d <= GB_LIME_DECILE; d++)
            worst = fmax(worst, decision_mass(m, s, f, (gb_lime_discretize)d, rows + 5 * F, 100000));
    ok(worst < 5, "toy float32 model: outputs by bin match value-by-value draws (worst %.1f SE)", worst);
    gb_lime_stats_free(s);
    free(rows);
    gb_model_free(m);
}

/* A traced row: same numbers as untraced; shown samples give the traced
 * outputs. */
static void test_trace(void)
{
    gb_model *m = model(1);
    double *rows = data();
    gb_lime_stats *s = gb_lime_stats_new_rows(m, rows, NULL, N, NULL);
    gb_lime_config cfg = {.samples = 300, .space = GB_LIME_MARGIN, .selection = GB_LIME_NONE_SELECTION};
    gb_lime_result a, b;
    gb_lime_result_init(&a, s, NULL);
    gb_lime_result_init(&b, s, NULL);
    gb_trace t = {.n_features = F, .cap = 100};
    t.x = malloc(t.cap * F * sizeof *t.x);
    t.lz = malloc(t.cap * F * sizeof *t.lz);
    t.lw = calloc(t.cap, sizeof *t.lw);
    t.ly = malloc(t.cap * sizeof *t.ly);
    gsl_rng *r1 = gb_rng_new(2, GB_RNG_LIME, 7, NULL), *r2 = gb_rng_new(2, GB_RNG_LIME, 7, NULL);
    int rc1 = gb_lime_row(s, &cfg, rows + 7 * F, r1, &a, NULL);
    int rc2 = gb_lime_row_traced(s, &cfg, rows + 7 * F, r2, &b, NULL, &t);
    ok(rc1 == 0 && rc2 == 0 && memcmp(a.weights, b.weights, F * sizeof *a.weights) == 0 &&
           a.intercept == b.intercept && a.r2 == b.r2,
       "tracing changes no number");
    int same = 1, differs = 0;
    for (size_t i = 0; i < t.n; i++) {
        double out;
        gb_model_margin(m, t.x + i * F, &out);
        same &= out == t.ly[i];
        for (int f = 0; f < 2; f++)
            differs |= t.x[i * F + f] != t.x[f] && t.x[i * F + f] != rows[7 * F + f];
    }
    ok(t.n == 100 && same && differs,
       "the %zu traced samples' shown values give the model the traced outputs", t.n);
    free(t.x);
    free(t.lz);
    free(t.lw);
    free(t.ly);
    gsl_rng_free(r1);
    gsl_rng_free(r2);
    gb_lime_result_free(&a);
    gb_lime_result_free(&b);
    gb_lime_stats_free(s);
    free(rows);
    gb_model_free(m);
}

int main(void)
{
    gsl_set_error_handler_off();
    test_cuts();
    test_equivalence(1);
    test_equivalence(0);
    test_mass();
    test_ties();
    test_decisions();
    test_trace();
    return tap_done();
}
