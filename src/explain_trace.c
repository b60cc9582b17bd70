/* explain_trace.c: one row explained with its intermediate numbers recorded
 * (see explain_trace.h).
 *
 * The row is set up as explain.c sets it up (the binding's row, the stream
 * re-seeded from the seed, the method's purpose and the data row), and the
 * explainers are called through their traced entry points, which are the
 * untraced ones with a recorder attached; so the traced row's numbers are
 * the batch command's, bit for bit (tests/test_trace.c checks it). */
#include "explain_trace.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernelshap.h"
#include "permutation.h"
#include "rng.h"

int gb_method_has_trace(gb_method method)
{
    return method == GB_METHOD_KERNELSHAP || method == GB_METHOD_PERMUTATION || method == GB_METHOD_LIME;
}

void gb_trace_free(gb_trace *t)
{
    free(t->phi);
    free(t->se);
    free(t->margin);
    free(t->players);
    free(t->v_empty);
    free(t->z);
    free(t->sampled);
    free(t->weight);
    free(t->value);
    free(t->order);
    free(t->forward);
    free(t->x);
    free(t->lz);
    free(t->lw);
    free(t->ly);
    free(t->bin_lo);
    if (t->lime_ready)
        gb_lime_result_free(&t->lime);
    memset(t, 0, sizeof *t);
}

/* ------------------------------------------------------------ recorders */

void gb_trace_coalition(gb_trace *t, const uint64_t *z, double weight, int sampled, const double *v_minus_empty)
{
    if (!t)
        return;
    t->total++;
    if (t->n >= t->cap)
        return;
    size_t i = t->n++, P = (size_t)t->n_players, G = (size_t)t->n_groups;
    for (size_t p = 0; p < P; p++)
        t->z[i * P + p] = (unsigned char)((z[p >> 6] >> (p & 63)) & 1u);
    t->weight[i] = weight;
    t->sampled[i] = (unsigned char)sampled;
    for (size_t g = 0; g < G; g++)
        t->value[i * G + g] = v_minus_empty[g] + t->v_empty[g];
}

void gb_trace_kernel_plan(gb_trace *t, size_t enumerated, int enum_size, double rho, size_t pairs)
{
    if (!t)
        return;
    t->enumerated = enumerated;
    t->enum_size = enum_size;
    t->sampled_mass = rho;
    t->pairs = pairs;
    /* Each half of a sampled pair carries rho / (2n) in the final fit. */
    for (size_t i = 0; i < t->n; i++)
        if (t->sampled[i])
            t->weight[i] = pairs ? 0.5 * rho / (double)pairs : 0.0;
}

void gb_trace_permutation(gb_trace *t, const int *order, const double *v)
{
    if (!t)
        return;
    t->total++;
    if (t->n >= t->cap)
        return;
    size_t i = t->n++, P = (size_t)t->n_players, G = (size_t)t->n_groups, back = P - 1;
    memcpy(t->order + i * P, order, P * sizeof *order);
    double *fw = t->forward + i * P * G, *bw = t->backward + i * P * G;
    for (size_t g = 0; g < G; g++) {
        double prev = t->v_empty[g];
        for (size_t k = 0; k < P; k++) {
            double cur = k + 1 < P ? v[k * G + g] : t->v_full[g];
            fw[(size_t)order[k] * G + g] = cur - prev;
            prev = cur;
        }
        prev = t->v_full[g];
        for (size_t k = 0; k < P; k++) {
            double cur = k + 1 < P ? v[(back + k) * G + g] : t->v_empty[g];
            bw[(size_t)order[k] * G + g] = prev - cur;
            prev = cur;
        }
    }
}

void gb_trace_lime_sample(gb_trace *t, size_t i, const double *x, const double *z, double value)
{
    if (!t)
        return;
    if (i + 1 > t->total)
        t->total = i + 1;
    if (i >= t->cap)
        return;
    size_t F = (size_t)t->n_features;
    memcpy(t->x + i * F, x, F * sizeof *x);
    memcpy(t->lz + i * F, z, F * sizeof *z);
    t->ly[i] = value;
    if (i + 1 > t->n)
        t->n = i + 1;
}

void gb_trace_lime_weights(gb_trace *t, const double *w, size_t n)
{
    if (!t)
        return;
    memcpy(t->lw, w, (n < t->n ? n : t->n) * sizeof *w);
}

/* ------------------------------------------------------------ one row */

static int alloc_common(gb_trace *t, const gb_model *m, gb_error *err)
{
    size_t stride = (size_t)m->n_groups * (size_t)(m->n_features + 1);
    t->n_features = m->n_features;
    t->n_groups = m->n_groups;
    t->phi = gb_calloc(stride, sizeof *t->phi, err);
    t->se = gb_calloc(stride, sizeof *t->se, err);
    t->margin = gb_calloc((size_t)m->n_groups, sizeof *t->margin, err);
    return t->phi && t->se && t->margin ? 0 : -1;
}

/* The game's players and end values, and room for the records. */
static int alloc_game(gb_trace *t, const gb_game *g, gb_error *err)
{
    size_t P = (size_t)(g->n_players > 0 ? g->n_players : 1), G = (size_t)g->n_groups, cap = t->cap;
    t->n_players = g->n_players;
    t->players = gb_malloc(P, sizeof *t->players, err);
    t->v_empty = gb_malloc(2 * G, sizeof *t->v_empty, err);
    if (!t->players || !t->v_empty)
        return -1;
    t->v_full = t->v_empty + G;
    memcpy(t->players, g->players, (size_t)g->n_players * sizeof *t->players);
    memcpy(t->v_empty, g->v_empty, G * sizeof *t->v_empty);
    memcpy(t->v_full, g->v_full, G * sizeof *t->v_full);
    if (t->method == GB_METHOD_KERNELSHAP) {
        t->z = gb_malloc(cap, P, err);
        t->sampled = gb_malloc(cap, 1, err);
        t->weight = gb_malloc(cap, sizeof *t->weight, err);
        t->value = gb_malloc(cap, G * sizeof *t->value, err);
        return t->z && t->sampled && t->weight && t->value ? 0 : -1;
    }
    t->order = gb_malloc(cap, P * sizeof *t->order, err);
    t->forward = gb_malloc(cap, 2 * P * G * sizeof *t->forward, err);
    if (!t->order || !t->forward)
        return -1;
    t->backward = t->forward + cap * P * G;
    return 0;
}

static int trace_game(gb_trace *t, const gb_explainer_parts *pt, const double *x, gsl_rng *rng,
                      const atomic_int *cancel, gb_error *err)
{
    gb_coalition_ws *ws = gb_coalition_ws_new(pt->coal, err);
    if (!ws)
        return -1;
    gb_game g;
    int rc = gb_game_begin(&g, pt->coal, ws, x, cancel, err);
    if (rc) {
        gb_coalition_ws_free(ws);
        return rc;
    }
    rc = alloc_game(t, &g, err);
    if (rc == 0 && t->method == GB_METHOD_KERNELSHAP)
        rc = gb_kernelshap_row_traced(&g, &pt->opt->sampling, rng, t->phi, t->se, NULL, NULL, NULL, cancel, err, t);
    else if (rc == 0)
        rc = gb_permutation_row_traced(&g, &pt->opt->sampling, rng, t->phi, t->se, NULL, NULL, NULL, cancel, err,
                                       t);
    gb_game_end(&g);
    gb_coalition_ws_free(ws);
    if (rc == 0) {
        gb_model_margin(pt->model, x, t->margin);
        if (pt->opt->space == GB_SPACE_PROBABILITY)
            gb_model_transform(pt->model, t->margin, t->margin);
    }
    return rc;
}

static int trace_lime(gb_trace *t, const gb_explainer_parts *pt, const double *x, gsl_rng *rng, int group,
                      const atomic_int *cancel, gb_error *err)
{
    size_t F = (size_t)t->n_features, cap = t->cap;
    gb_lime_config cfg = *pt->lime_cfg;
    cfg.group = group;
    free(t->se);
    t->se = NULL;
    t->x = gb_malloc(cap, F * sizeof *t->x, err);
    t->lz = gb_malloc(cap, F * sizeof *t->lz, err);
    t->lw = gb_calloc(cap, sizeof *t->lw, err);
    t->ly = gb_malloc(cap, sizeof *t->ly, err);
    if (!t->x || !t->lz || !t->lw || !t->ly || gb_lime_result_init(&t->lime, pt->lime, err))
        return -1;
    t->lime_ready = 1;
    t->lime_discretize = cfg.discretize;
    t->lime_selection = cfg.selection;
    t->lime_k = cfg.num_features ? cfg.num_features : 10;
    int rc = gb_lime_row_traced(pt->lime, &cfg, x, rng, &t->lime, cancel, t);
    if (rc < 0)
        return gb_error_set(err, "LIME could not explain row %zu (out of memory)", t->row);
    if (rc)
        return rc;
    t->lime_kernel_width = t->lime.kernel_width;
    t->lime_samples = t->total;
    /* The edges point into the explainer's statistics: copy the row's bins. */
    t->bin_lo = gb_malloc(F ? F : 1, 2 * sizeof *t->bin_lo, err);
    if (!t->bin_lo)
        return -1;
    t->bin_hi = t->bin_lo + F;
    for (size_t f = 0; f < F; f++) {
        int b = t->lime.bin[f], k = t->lime.n_edges[f];
        const double *e = t->lime.edges[f];
        t->bin_lo[f] = t->bin_hi[f] = NAN;
        if (b >= 0 && b <= k && e) {
            t->bin_lo[f] = b > 0 ? e[b - 1] : -INFINITY;
            t->bin_hi[f] = b < k ? e[b] : INFINITY;
        }
        t->lime.edges[f] = NULL;
    }
    double *block = t->phi + (size_t)group * (F + 1);
    memcpy(block, t->lime.weights, F * sizeof *block);
    block[F] = t->lime.intercept;
    t->margin[group] = t->lime.local_pred;
    return 0;
}

int gb_explain_trace_row(gb_explainer *ex, size_t row, int group, size_t max_records, gb_trace *t,
                         const atomic_int *cancel, gb_error *err)
{
    memset(t, 0, sizeof *t);
    gb_explainer_parts pt;
    gb_explainer_get_parts(ex, &pt);
    t->method = pt.opt->method;
    t->row = row;
    t->group = group;
    t->cap = max_records ? max_records : GB_TRACE_DEFAULT_RECORDS;
    if (!gb_method_has_trace(t->method))
        return gb_error_set(err, "%s has no trace (only kernelshap, permutation and lime)",
                            gb_method_name(t->method));
    if (row >= pt.ds->n_rows)
        return gb_error_set(err, "row %zu: the data has %zu rows", row, pt.ds->n_rows);
    if (group < 0 || group >= pt.model->n_groups)
        return gb_error_set(err, "output %d: the model has %d", group, pt.model->n_groups);
    if (alloc_common(t, pt.model, err))
        return -1;
    uint64_t purpose = t->method == GB_METHOD_KERNELSHAP    ? GB_RNG_KERNELSHAP
                       : t->method == GB_METHOD_PERMUTATION ? GB_RNG_PERMUTATION
                                                            : GB_RNG_LIME;
    double *x = gb_malloc((size_t)pt.model->n_features, sizeof *x, err);
    gsl_rng *rng = x ? gb_rng_new(pt.opt->seed, purpose, pt.opt->row_base + row, err) : NULL;
    int rc = -1;
    if (rng) {
        gb_binding_row(pt.binding, pt.ds, row, x);
        rc = t->method == GB_METHOD_LIME ? trace_lime(t, &pt, x, rng, group, cancel, err)
                                         : trace_game(t, &pt, x, rng, cancel, err);
    }
    if (rng)
        gsl_rng_free(rng);
    free(x);
    return rc;
}
