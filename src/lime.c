/* lime.c: one LIME explanation (see lime.h): draw the neighbourhood from
 * the training statistics (lime_stats.c), evaluate the model on it in
 * batches, weight the samples by the kernel, select features and fit the
 * weighted ridge (lime_fit.c). */
#include "lime.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "explain_trace.h"
#include "lime_fit.h"
#include "lime_stats.h"
#include "mem_limits.h"

/* Samples are drawn in chunks of about DRAW_VALUES values (milliseconds;
 * a cancel request is read between chunks), each chunk feature by
 * feature. */
enum { DEFAULT_SAMPLES = 5000, DEFAULT_FEATURES = 10, BATCH = 256, DRAW_VALUES = 1 << 18 };

/* Rows per model batch: at most BATCH, fewer for big ensembles so that a
 * batch stays near 5e5 node visits (tens of milliseconds) and a cancel
 * request, read between batches, takes effect quickly. */
static size_t batch_rows(const gb_model *m)
{
    if (m->kind != GB_MODEL_TREES)
        return BATCH;
    double visits = (double)m->n_trees * (double)(m->max_depth + 1), rows = 5e5 / (visits > 1 ? visits : 1);
    return rows >= BATCH ? BATCH : (rows < 1 ? 1 : (size_t)rows);
}

/* ---- names and checks ---------------------------------------------------- */

const char *gb_lime_discretize_name(gb_lime_discretize d)
{
    switch (d) {
    case GB_LIME_QUARTILE: return "quartile";
    case GB_LIME_DECILE: return "decile";
    case GB_LIME_NONE: return "none";
    }
    return "?";
}

int gb_lime_discretize_parse(const char *name, gb_lime_discretize *out)
{
    for (int d = GB_LIME_QUARTILE; d <= GB_LIME_NONE; d++)
        if (strcmp(name, gb_lime_discretize_name((gb_lime_discretize)d)) == 0) {
            *out = (gb_lime_discretize)d;
            return 0;
        }
    return -1;
}

const char *gb_lime_selection_name(gb_lime_selection s)
{
    switch (s) {
    case GB_LIME_AUTO: return "auto";
    case GB_LIME_FORWARD: return "forward";
    case GB_LIME_HIGHEST_WEIGHTS: return "highest-weights";
    case GB_LIME_LASSO: return "lasso";
    case GB_LIME_NONE_SELECTION: return "none";
    }
    return "?";
}

int gb_lime_selection_parse(const char *name, gb_lime_selection *out)
{
    for (int s = GB_LIME_AUTO; s <= GB_LIME_NONE_SELECTION; s++)
        if (strcmp(name, gb_lime_selection_name((gb_lime_selection)s)) == 0) {
            *out = (gb_lime_selection)s;
            return 0;
        }
    return -1;
}

int gb_lime_config_check(const gb_lime_stats *s, const gb_lime_config *c, gb_error *err)
{
    const gb_model *m = s->m;
    if (c->group < 0 || c->group >= m->n_groups)
        return gb_error_set(err, "LIME: output %d does not exist (the model has %d)", c->group, m->n_groups);
    if (c->samples == 1)
        return gb_error_set(err, "LIME needs at least 2 samples (the row itself and one neighbour)");
    if (c->num_features < 0)
        return gb_error_set(err, "LIME: the number of features must be positive, not %d", c->num_features);
    if (!(c->kernel_width >= 0.0) || !isfinite(c->kernel_width))
        return gb_error_set(err, "LIME: the kernel width must be a positive number, not %g", c->kernel_width);
    if ((unsigned)c->discretize > GB_LIME_NONE || (unsigned)c->selection > GB_LIME_NONE_SELECTION ||
        (unsigned)c->space > GB_LIME_MARGIN)
        return gb_error_set(err, "LIME: unknown discretisation, selection or output space");
    /* Each thread holds its samples' drawn columns (values and int codes;
     * the normal draws too without bins), interpretable rows, outputs and
     * weights, about 3.5 M + 2 numbers a sample, and the M x M cross
     * products. */
    uint64_t n = c->samples ? c->samples : DEFAULT_SAMPLES, nf = (uint64_t)s->n_features;
    uint64_t need = gb_estimate_dataset_bytes(n, 3 * nf + 2);
    need = gb_limit_add(
        need, gb_limit_add(gb_limit_mul(gb_limit_mul(n, nf), sizeof(int)), gb_limit_mul(nf, 8 * nf)));
    char count[32];
    gb_limit_format_count(n, count, sizeof count);
    return gb_limit_check(need, "pass fewer --samples", err, "LIME with %s samples per row", count);
}

/* ---- results ------------------------------------------------------------- */

static void lime_work_destroy(struct gb_lime_work *wk);

int gb_lime_result_init(gb_lime_result *r, const gb_lime_stats *s, gb_error *err)
{
    size_t nf = (size_t)s->n_features;
    memset(r, 0, sizeof *r);
    r->n_features = s->n_features;
    r->weights = gb_calloc(nf, sizeof *r->weights, err);
    r->selected = r->weights ? gb_calloc(nf, sizeof *r->selected, err) : NULL;
    r->bin = r->selected ? gb_calloc(nf, sizeof *r->bin, err) : NULL;
    r->edges = r->bin ? gb_calloc(nf, sizeof *r->edges, err) : NULL;
    r->n_edges = r->edges ? gb_calloc(nf, sizeof *r->n_edges, err) : NULL;
    r->z0 = r->n_edges ? gb_calloc(nf, sizeof *r->z0, err) : NULL;
    if (!r->z0) {
        gb_lime_result_free(r);
        return -1;
    }
    return 0;
}

void gb_lime_result_free(gb_lime_result *r)
{
    free(r->weights);
    free(r->selected);
    free(r->bin);
    free(r->edges);
    free(r->n_edges);
    free(r->z0);
    lime_work_destroy(r->work);
    memset(r, 0, sizeof *r);
}

/* ---- one explanation ----------------------------------------------------- */

/* A row's scratch, kept in the result (lime.h) for the next row explained
 * into it: each thread has its own result, so threads share nothing. */
typedef struct gb_lime_work {
    size_t n;
    int nf, ng;
    double *z;             /* [n x nf] interpretable samples */
    double *y;             /* [n] model outputs */
    double *w;             /* [n] kernel weights */
    int *miss;             /* [n] with bins: how many features differ from x's */
    uint64_t *bits;        /* [n] with bins and at most 64 features: z as bit words, else NULL */
    size_t batch;          /* rows per model batch */
    double *rows;          /* [batch x nf] model inputs */
    double *vals;          /* [nf x (n - 1)] drawn values of samples 1.., by column */
    int *codes;            /* [nf x (n - 1)] their bins or categories */
    double *zdraw;         /* [nf x (n - 1)] their standard normal draws (no bins) */
    int *entry;            /* tracing: [nf x (n - 1)] their cell entries (lime_cells.h) */
    double *show;          /* tracing: [nf] a sample's values as displayed */
    gb_truncnorm *scratch; /* tracing: for drawing displayed values */
    double *margin;        /* [batch x ng] */
    double *out;           /* [ng] */
    int *code;             /* [nf] x's bin or category per feature */
    int *sel;              /* [nf] */
    double *coef;          /* [nf] */
    gb_trace *trace;       /* may be NULL */
} lime_work;

static void work_free(lime_work *wk)
{
    if (!wk)
        return;
    free(wk->z);
    free(wk->y);
    free(wk->w);
    free(wk->miss);
    free(wk->bits);
    free(wk->rows);
    free(wk->vals);
    free(wk->codes);
    free(wk->zdraw);
    free(wk->entry);
    free(wk->show);
    free(wk->scratch);
    free(wk->margin);
    free(wk->out);
    free(wk->code);
    free(wk->sel);
    free(wk->coef);
}

static void lime_work_destroy(lime_work *wk)
{
    work_free(wk);
    free(wk);
}

static int work_alloc(lime_work *wk, size_t n, int nf, int ng, size_t batch)
{
    size_t f = (size_t)nf + 1, g = (size_t)ng;
    memset(wk, 0, sizeof *wk);
    wk->n = n;
    wk->nf = nf;
    wk->ng = ng;
    wk->z = malloc(n * f * sizeof *wk->z);
    wk->y = malloc(n * sizeof *wk->y);
    wk->w = malloc(n * sizeof *wk->w);
    wk->miss = malloc(n * sizeof *wk->miss);
    wk->bits = nf <= 64 ? malloc(n * sizeof *wk->bits) : NULL;
    wk->batch = batch;
    wk->rows = malloc(batch * f * sizeof *wk->rows);
    wk->vals = malloc(n * f * sizeof *wk->vals);
    wk->codes = malloc(n * f * sizeof *wk->codes);
    /* Written only without bins; untouched pages cost nothing. */
    wk->zdraw = malloc(n * f * sizeof *wk->zdraw);
    wk->margin = malloc(batch * g * sizeof *wk->margin);
    wk->out = malloc(g * sizeof *wk->out);
    wk->code = malloc(f * sizeof *wk->code);
    wk->sel = malloc(f * sizeof *wk->sel);
    wk->coef = malloc(f * sizeof *wk->coef);
    if (!wk->z || !wk->y || !wk->w || !wk->miss || (nf <= 64 && !wk->bits) || !wk->rows || !wk->vals ||
        !wk->codes || !wk->zdraw || !wk->margin || !wk->out || !wk->code || !wk->sel || !wk->coef) {
        work_free(wk);
        return -1;
    }
    return 0;
}

/* x's codes and its interpretable row z0: 1 everywhere with bins, else the
 * standardised value (0 for a missing one, which has no position) for a
 * numeric feature and 1 for a categorical one. */
static void instance(const gb_lime_stats *s, const gb_lime_config *c, const double *x, lime_work *wk,
                     double *z0)
{
    for (int f = 0; f < wk->nf; f++) {
        wk->code[f] = gb_lime_stats_bin(s, c->discretize, f, x[f]);
        const gb_lime_feature *ft = &s->feat[f];
        if (c->discretize != GB_LIME_NONE || ft->categorical)
            z0[f] = 1.0;
        else
            z0[f] = isnan(x[f]) ? 0.0 : (x[f] - ft->mean) / ft->scale;
    }
}

/* Samples [first, end) (first >= 1) of the drawn columns into the model's
 * rows of the batch starting at start, and into their interpretable rows. */
static void gather(const gb_lime_stats *s, const gb_lime_config *c, lime_work *wk, size_t start, size_t first,
                   size_t end)
{
    size_t nf = (size_t)wk->nf, nd = wk->n - 1;
    memset(wk->miss + first, 0, (end - first) * sizeof *wk->miss);
    if (c->discretize != GB_LIME_NONE && wk->bits) {
        /* Bits for the fit; doubles only for the rows a trace keeps. */
        size_t keep = wk->trace ? wk->trace->cap : 0;
        memset(wk->bits + first, 0, (end - first) * sizeof *wk->bits);
        for (size_t f = 0; f < nf; f++) {
            const double *v = wk->vals + f * nd;
            const int *cd = wk->codes + f * nd;
            int xc = wk->code[f];
            for (size_t i = first; i < end; i++) {
                wk->rows[(i - start) * nf + f] = v[i - 1];
                uint64_t same = cd[i - 1] == xc; /* branch-free: about a quarter match */
                wk->bits[i] |= same << f;
                wk->miss[i] += !same;
                if (i < keep)
                    wk->z[i * nf + f] = (double)same;
            }
        }
        return;
    }
    for (size_t f = 0; f < nf; f++) {
        const double *v = wk->vals + f * nd;
        const int *cd = wk->codes + f * nd;
        const double *zd = wk->zdraw + f * nd;
        int xc = wk->code[f], binary = c->discretize != GB_LIME_NONE || s->feat[f].categorical;
        for (size_t i = first; i < end; i++) {
            wk->rows[(i - start) * nf + f] = v[i - 1];
            /* Branch-free: about a quarter of the samples match. */
            int same = cd[i - 1] == xc;
            wk->z[i * nf + f] = binary ? (double)same : zd[i - 1];
            wk->miss[i] += !same;
        }
    }
}

/* Sample i's values as the trace shows them: drawn inside the interval the
 * model was given a fixed value for (lime_cells.h), elsewhere the row. */
static const double *shown(const gb_lime_stats *s, const gb_lime_config *c, lime_work *wk, size_t i,
                           const double *row, gb_rng64 *disp)
{
    if (i == 0)
        return row;
    size_t nf = (size_t)wk->nf, nd = wk->n - 1;
    for (size_t f = 0; f < nf; f++) {
        int e = wk->entry[f * nd + i - 1];
        wk->show[f] = e < 0 ? row[f] : gb_lime_stats_show(s, c->discretize, (int)f, e, wk->scratch, disp);
    }
    return wk->show;
}

/* Draws every sample, then fills z and y batch by batch; returns 1 when
 * cancelled (read between chunks of draws and between batches). */
static int neighbourhood(const gb_lime_stats *s, const gb_lime_config *c, const double *x, gsl_rng *rng,
                         lime_work *wk, const double *z0, const atomic_int *cancel)
{
    const gb_model *m = s->m;
    size_t nf = (size_t)wk->nf, ng = (size_t)wk->ng;
    /* Displayed values come from a stream of their own, so that tracing
     * changes no number. */
    gb_rng64 disp;
    gb_rng64_begin(&disp, rng);
    disp.s = gb_rng_mix64(disp.s ^ UINT64_C(0x5ca1ab1e0ddba11));
    disp.fast = 1;
    size_t nd = wk->n - 1, per = nf ? DRAW_VALUES / nf : DRAW_VALUES, chunk = per > 64 ? per : 64;
    for (size_t at = 0; at < nd; at += chunk) {
        if (cancel && atomic_load_explicit(cancel, memory_order_relaxed))
            return 1;
        size_t len = nd - at < chunk ? nd - at : chunk;
        gb_lime_stats_draw_cols(s, c->discretize, rng, len, nd, wk->vals + at, wk->codes + at, wk->zdraw + at,
                                wk->trace ? wk->entry + at : NULL);
    }
    for (size_t start = 0; start < wk->n; start += wk->batch) {
        if (cancel && atomic_load_explicit(cancel, memory_order_relaxed))
            return 1;
        size_t end = start + wk->batch < wk->n ? start + wk->batch : wk->n, first = start;
        if (start == 0) {
            memcpy(wk->rows, x, nf * sizeof *wk->rows);
            memcpy(wk->z, z0, nf * sizeof *wk->z);
            wk->miss[0] = 0;
            if (wk->bits) /* x's own bins: every bit */
                wk->bits[0] = nf == 64 ? UINT64_MAX : (UINT64_C(1) << nf) - 1;
            first = 1;
        }
        gather(s, c, wk, start, first, end);
        gb_forest_margin_batch(s->forest, wk->rows, end - start, wk->margin);
        for (size_t i = start; i < end; i++) {
            const double *mg = wk->margin + (i - start) * ng;
            if (c->space == GB_LIME_OUTPUT) {
                gb_model_transform(m, mg, wk->out);
                wk->y[i] = wk->out[c->group];
            } else {
                wk->y[i] = mg[c->group];
            }
            if (wk->trace) /* it counts every sample and keeps the first cap */
                gb_trace_lime_sample(wk->trace, i,
                                     i < wk->trace->cap
                                         ? shown(s, c, wk, i, wk->rows + (i - start) * nf, &disp)
                                         : wk->rows + (i - start) * nf,
                                     wk->z + i * nf, wk->y[i]);
        }
    }
    return 0;
}

/* With bins every squared distance is the count of features that differ
 * from x's (z0 is all ones, z is 0 or 1), counted while gathering, and the
 * kernel's value for each count is computed once. */
static void kernel_weights(const gb_lime_config *c, lime_work *wk, const double *z0, double width)
{
    size_t nf = (size_t)wk->nf;
    double *memo = c->discretize != GB_LIME_NONE ? malloc((nf + 1) * sizeof *memo) : NULL;
    if (memo) {
        for (size_t k = 0; k <= nf; k++) /* k = 0 apart: 0 / 0 for a width that squares to 0 */
            memo[k] = k ? sqrt(exp(-(double)k / (width * width))) : 1.0;
        for (size_t i = 0; i < wk->n; i++)
            wk->w[i] = memo[wk->miss[i]];
        free(memo);
        return;
    }
    for (size_t i = 0; i < wk->n; i++) {
        double d2 = 0.0;
        for (size_t f = 0; f < nf; f++) {
            double d = wk->z[i * nf + f] - z0[f];
            d2 += d * d;
        }
        wk->w[i] = d2 > 0.0 ? sqrt(exp(-d2 / (width * width))) : 1.0;
    }
}

typedef struct ranked {
    double key;
    int pos;
    int f;
} ranked;

static int by_weight(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? 1 : -1;
    return x->pos - y->pos;
}

/* Weights into the result, the selected features by decreasing |weight|
 * (ties in selection order, as lime's stable sort). */
static int store_fit(gb_lime_result *out, const lime_work *wk, int n_sel)
{
    ranked *rk = malloc(((size_t)n_sel + 1) * sizeof *rk);
    if (!rk)
        return -1;
    memset(out->weights, 0, (size_t)wk->nf * sizeof *out->weights);
    for (int j = 0; j < n_sel; j++) {
        out->weights[wk->sel[j]] = wk->coef[j];
        rk[j] = (ranked){fabs(wk->coef[j]), j, wk->sel[j]};
    }
    qsort(rk, (size_t)n_sel, sizeof *rk, by_weight);
    for (int j = 0; j < n_sel; j++)
        out->selected[j] = rk[j].f;
    out->n_selected = n_sel;
    free(rk);
    return 0;
}

/* Returns 0, 1 when cancelled, -1 when memory runs out. */
static int fit(const gb_lime_config *c, lime_work *wk, gb_lime_result *out, const atomic_int *cancel)
{
    gb_lime_gram g;
    int k = c->num_features ? c->num_features : DEFAULT_FEATURES, n_sel = 0;
    if (gb_lime_gram_init(&g, wk->nf, NULL))
        return -1;
    int bits = c->discretize != GB_LIME_NONE && wk->bits, rc;
    if (bits)
        rc = gb_lime_gram_compute_bits(&g, wk->bits, wk->y, wk->w, wk->n, cancel);
    else if (c->discretize != GB_LIME_NONE)
        rc = gb_lime_gram_compute_binary(&g, wk->z, wk->y, wk->w, wk->n, cancel);
    else
        rc = gb_lime_gram_compute(&g, wk->z, wk->y, wk->w, wk->n, cancel);
    if (rc == 0)
        rc = gb_lime_select_features(&g, out->z0, c->selection, k, wk->sel, &n_sel);
    if (rc == 0)
        rc = gb_lime_ridge(&g, wk->sel, n_sel, 1.0, wk->coef, &out->intercept);
    gb_lime_gram_free(&g);
    if (rc)
        return rc;
    out->r2 =
        bits ? gb_lime_score_bits(wk->bits, wk->y, wk->w, wk->n, wk->sel, n_sel, wk->coef, out->intercept)
             : gb_lime_score(wk->z, wk->y, wk->w, wk->n, wk->nf, wk->sel, n_sel, wk->coef, out->intercept);
    out->local_pred = out->intercept;
    for (int j = 0; j < n_sel; j++)
        out->local_pred += wk->coef[j] * out->z0[wk->sel[j]];
    out->model_pred = wk->y[0];
    return store_fit(out, wk, n_sel);
}

int gb_lime_row(const gb_lime_stats *s, const gb_lime_config *c, const double *x, gsl_rng *rng,
                gb_lime_result *out, const atomic_int *cancel)
{
    return gb_lime_row_traced(s, c, x, rng, out, cancel, NULL);
}

int gb_lime_row_traced(const gb_lime_stats *s, const gb_lime_config *c, const double *x, gsl_rng *rng,
                       gb_lime_result *out, const atomic_int *cancel, gb_trace *trace)
{
    const gb_model *m = s->m;
    if (gb_lime_config_check(s, c, NULL) || out->n_features != s->n_features)
        return -1;
    size_t n = c->samples ? c->samples : DEFAULT_SAMPLES;
    size_t batch = batch_rows(m);
    lime_work *wk = out->work;
    if (!wk || wk->n != n || wk->nf != s->n_features || wk->ng != m->n_groups || wk->batch != batch) {
        lime_work_destroy(wk);
        out->work = wk = malloc(sizeof *wk);
        if (!wk || work_alloc(wk, n, s->n_features, m->n_groups, batch)) {
            free(wk);
            out->work = NULL;
            return -1;
        }
    }
    wk->trace = trace;
    if (trace) {
        if (!wk->entry)
            wk->entry = malloc(n * (size_t)s->n_features * sizeof *wk->entry + 1);
        if (!wk->show)
            wk->show = malloc(((size_t)s->n_features + 1) * sizeof *wk->show);
        if (!wk->scratch)
            wk->scratch = malloc(sizeof *wk->scratch);
        if (!wk->entry || !wk->show || !wk->scratch)
            return -1;
    }
    out->kernel_width = c->kernel_width > 0.0 ? c->kernel_width : 0.75 * sqrt((double)s->n_features);
    instance(s, c, x, wk, out->z0);
    for (int f = 0; f < s->n_features; f++) {
        out->edges[f] = gb_lime_stats_edges(s, c->discretize, f, &out->n_edges[f]);
        out->bin[f] = c->discretize != GB_LIME_NONE && !s->feat[f].categorical ? wk->code[f] : -1;
    }
    int rc = neighbourhood(s, c, x, rng, wk, out->z0, cancel);
    if (rc == 0) {
        kernel_weights(c, wk, out->z0, out->kernel_width);
        gb_trace_lime_weights(trace, wk->w, wk->n);
        rc = fit(c, wk, out, cancel);
    }
    return rc;
}
