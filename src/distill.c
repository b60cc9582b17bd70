/* distill.c: surrogate trees and forward-selected linear surrogates with
 * their held-out fidelity (see distill.h). */
#include "distill.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_multifit.h>

#include "cart.h"
#include "forest_eval.h"
#include "pdp.h"
#include "rng.h"

/* The model's outputs are computed CHUNK rows at a time (forest_eval.h);
 * the cancel flag is read between chunks. */
enum { RNG_DISTILL = 103, CHUNK = 1024 };

/* What every fit reads. */
typedef struct dset {
    const gb_model *m;
    const gb_dataset *ds;
    const gb_binding *b;
    int nf, ng; /* ng: outputs fitted */
    int prob;
    size_t n;
    double *x; /* n x nf */
    double *y; /* ng blocks of n: the model's outputs */
    size_t *train, *test;
    size_t n_train, n_test;
} dset;

int gb_distill_held_out(uint64_t seed, double holdout, size_t r)
{
    double u = (double)(gb_rng_key(seed, RNG_DISTILL, r) >> 11) * 0x1.0p-53;
    return u < holdout;
}

/* Returns 0, 1 when cancelled, -1 with err set. */
static int prepare(dset *d, const gb_distill_options *opt, const gb_job_ctl *ctl, gb_error *err)
{
    const gb_model *m = d->m;
    d->nf = m->n_features;
    d->n = d->ds->n_rows;
    d->ng = d->prob ? 1 : m->n_groups;
    d->x = gb_malloc(d->n ? d->n : 1, (size_t)d->nf * sizeof *d->x, err);
    d->y = d->x ? gb_malloc(d->n ? d->n : 1, (size_t)d->ng * sizeof *d->y, err) : NULL;
    d->train = d->y ? gb_malloc(d->n ? d->n : 1, sizeof *d->train, err) : NULL;
    d->test = d->train ? gb_malloc(d->n ? d->n : 1, sizeof *d->test, err) : NULL;
    size_t ng = (size_t)m->n_groups;
    double *margin = d->test ? gb_malloc(CHUNK + 1, ng * sizeof *margin, err) : NULL;
    gb_forest *forest = margin ? gb_forest_new(m, err) : NULL;
    if (!forest) {
        free(margin);
        return -1;
    }
    double *out = margin + CHUNK * ng;
    double holdout = opt->holdout > 0 ? opt->holdout : 0.25;
    for (size_t lo = 0; lo < d->n; lo += CHUNK) {
        if (gb_cancelled(ctl)) {
            gb_forest_free(forest);
            free(margin);
            gb_error_set(err, "cancelled");
            return 1;
        }
        size_t cnt = d->n - lo < CHUNK ? d->n - lo : CHUNK;
        for (size_t r = lo; r < lo + cnt; r++)
            gb_binding_row(d->b, d->ds, r, d->x + r * (size_t)d->nf);
        gb_forest_margin_batch(forest, d->x + lo * (size_t)d->nf, cnt, margin);
        for (size_t r = lo; r < lo + cnt; r++) {
            const double *mg = margin + (r - lo) * ng;
            if (d->prob) {
                gb_model_transform(m, mg, out);
                d->y[r] = out[0];
            } else {
                for (int g = 0; g < d->ng; g++)
                    d->y[(size_t)g * d->n + r] = mg[g];
            }
            if (gb_distill_held_out(opt->seed, holdout, r))
                d->test[d->n_test++] = r;
            else
                d->train[d->n_train++] = r;
        }
    }
    gb_forest_free(forest);
    free(margin);
    if (d->n_train < 2 || d->n_test < 1)
        return gb_error_set(
            err,
            "%s: %zu rows give %zu training and %zu held-out rows; distillation needs at least "
            "2 and 1 (use more rows or change --holdout)",
            d->ds->path, d->n, d->n_train, d->n_test);
    return 0;
}

/* Turns numeric cuts on a categorical feature's codes into category sets
 * (codes below the cut go left), so the saved model binds to text columns. */
static int categorical_sets(gb_model *s, gb_error *err)
{
    for (size_t t = 0; t < s->n_trees; t++)
        for (int32_t i = 0; i < s->trees[t].n_nodes; i++) {
            gb_node *nd = &s->trees[t].nodes[i];
            if (nd->left < 0 || !s->feature_categorical[nd->feature])
                continue;
            double top = ceil(nd->split) - 1.0; /* largest code going left */
            if (top < 0)
                top = 0;
            if (top > 1e6)
                return gb_error_set(err, "category code %g is too large for a category set", top);
            uint32_t words = (uint32_t)(top / 32) + 1;
            uint32_t *bits = gb_realloc(s->cat_bits, s->n_cat_bits + words, sizeof *bits, err);
            if (!bits)
                return -1;
            s->cat_bits = bits;
            memset(bits + s->n_cat_bits, 0, words * sizeof *bits);
            for (uint32_t v = 0; v <= (uint32_t)top; v++)
                bits[s->n_cat_bits + (v >> 5)] |= 1u << (v & 31u);
            nd->flags |= GB_NODE_CATEGORICAL;
            nd->cat_begin = (uint32_t)s->n_cat_bits;
            nd->cat_words = words;
            s->n_cat_bits += words;
        }
    return 0;
}

static gb_model *empty_surrogate(const dset *d, gb_error *err)
{
    const gb_model *m = d->m;
    gb_model *s = gb_model_new(err);
    if (!s)
        return NULL;
    s->kind = GB_MODEL_TREES;
    s->format = gb_strdup("glassbox", err);
    s->booster = gb_strdup("surrogate-cart", err);
    s->link = d->prob ? GB_LINK_IDENTITY : m->link;
    s->n_classes = d->prob ? 0 : m->n_classes;
    s->n_features = d->nf;
    s->n_groups = d->ng;
    s->base = gb_calloc((size_t)d->ng, sizeof *s->base, err);
    s->trees = gb_calloc((size_t)d->ng, sizeof *s->trees, err);
    s->feature_categorical = gb_calloc((size_t)d->nf, 1, err);
    if (m->feature_names)
        s->feature_names = gb_calloc((size_t)d->nf, sizeof *s->feature_names, err);
    if (!s->format || !s->booster || !s->base || !s->trees || !s->feature_categorical ||
        (m->feature_names && !s->feature_names)) {
        gb_model_free(s);
        return NULL;
    }
    for (int f = 0; f < d->nf; f++) {
        s->feature_categorical[f] = (unsigned char)gb_feature_is_categorical(m, d->ds, d->b, f);
        if (m->feature_names && !(s->feature_names[f] = gb_strdup(m->feature_names[f], err))) {
            gb_model_free(s);
            return NULL;
        }
    }
    return s;
}

/* A surrogate of the given depth: one tree per output.  Returns NULL with
 * *status set on failure or cancellation. */
static gb_model *fit_tree(const dset *d, int depth, size_t min_leaf, const gb_job_ctl *ctl,
                          gb_job_status *status, gb_error *err)
{
    *status = GB_JOB_FAILED;
    gb_model *s = empty_surrogate(d, err);
    if (!s)
        return NULL;
    gb_cart_options co = {.max_depth = depth, .min_leaf = min_leaf};
    for (int g = 0; g < d->ng; g++) {
        int rc = gb_cart_fit(d->x, d->nf, d->y + (size_t)g * d->n, d->train, d->n_train, &co, ctl,
                             &s->trees[g], err);
        if (rc) {
            if (rc > 0) {
                *status = GB_JOB_CANCELLED;
                gb_error_set(err, "cancelled");
            }
            gb_model_free(s);
            return NULL;
        }
        s->trees[g].group = g;
        s->n_trees = (size_t)g + 1;
    }
    if (categorical_sets(s, err) || gb_model_finish(s, err)) {
        gb_model_free(s);
        return NULL;
    }
    *status = GB_JOB_OK;
    return s;
}

static int class_of(const double *v, int ng, int prob)
{
    if (ng == 1)
        return prob ? v[0] > 0.5 : v[0] > 0.0;
    int best = 0;
    for (int g = 1; g < ng; g++)
        if (v[g] > v[best])
            best = g;
    return best;
}

/* Held-out R^2 (pooled over outputs) and class agreement. */
static void fidelity(const dset *d, const gb_model *s, double *r2, double *agree)
{
    int ng = d->ng;
    double sse = 0.0, sst = 0.0, mean[64] = {0}, pm[64], want[64];
    size_t same = 0;
    if (ng > 64) {
        *r2 = *agree = NAN;
        return;
    }
    for (size_t i = 0; i < d->n_test; i++)
        for (int g = 0; g < ng; g++)
            mean[g] += d->y[(size_t)g * d->n + d->test[i]];
    for (int g = 0; g < ng; g++)
        mean[g] /= (double)d->n_test;
    for (size_t i = 0; i < d->n_test; i++) {
        size_t r = d->test[i];
        gb_model_margin(s, d->x + r * (size_t)d->nf, pm);
        for (int g = 0; g < ng; g++) {
            want[g] = d->y[(size_t)g * d->n + r];
            sse += (pm[g] - want[g]) * (pm[g] - want[g]);
            sst += (want[g] - mean[g]) * (want[g] - mean[g]);
        }
        same += class_of(pm, ng, d->prob) == class_of(want, ng, d->prob);
    }
    *r2 = sst > 0 ? 1.0 - sse / sst : (sse == 0 ? 1.0 : 0.0);
    int classifier = d->m->n_classes >= 2 || d->m->link == GB_LINK_LOGISTIC || d->m->link == GB_LINK_SOFTMAX;
    *agree = classifier ? (double)same / (double)d->n_test : NAN;
}

/* ---- linear surrogate ------------------------------------------------- */

/* Least squares of y on the intercept and the chosen columns over rows;
 * returns the fit's coefficients in c (p + 1 numbers) or -1. */
static int lsq(const dset *d, const double *fill, const int *cols, int p, const double *y, const size_t *rows,
               size_t n, double *c)
{
    if (n < (size_t)p + 1)
        return -1;
    gsl_matrix *X = gsl_matrix_alloc(n, (size_t)p + 1);
    gsl_vector *Y = gsl_vector_alloc(n), *C = gsl_vector_alloc((size_t)p + 1);
    gsl_matrix *cov = gsl_matrix_alloc((size_t)p + 1, (size_t)p + 1);
    gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc(n, (size_t)p + 1);
    int rc = -1;
    if (X && Y && C && cov && w) {
        for (size_t i = 0; i < n; i++) {
            gsl_matrix_set(X, i, 0, 1.0);
            for (int k = 0; k < p; k++) {
                double v = d->x[rows[i] * (size_t)d->nf + (size_t)cols[k]];
                gsl_matrix_set(X, i, (size_t)k + 1, isnan(v) ? fill[cols[k]] : v);
            }
            gsl_vector_set(Y, i, y[rows[i]]);
        }
        double chisq;
        if (gsl_multifit_linear(X, Y, C, cov, &chisq, w) == GSL_SUCCESS) {
            for (int k = 0; k <= p; k++)
                c[k] = gsl_vector_get(C, (size_t)k);
            rc = 0;
        }
    }
    gsl_multifit_linear_free(w);
    gsl_matrix_free(cov);
    gsl_vector_free(C);
    gsl_vector_free(Y);
    gsl_matrix_free(X);
    return rc;
}

/* Squared error and total sum of squares of a linear fit over rows. */
static void linear_err(const dset *d, const double *fill, const int *cols, int p, const double *c,
                       const double *y, const size_t *rows, size_t n, double *sse, double *sst)
{
    double mean = 0.0;
    for (size_t i = 0; i < n; i++)
        mean += y[rows[i]];
    mean /= (double)(n ? n : 1);
    *sse = *sst = 0.0;
    for (size_t i = 0; i < n; i++) {
        double pred = c[0];
        for (int k = 0; k < p; k++) {
            double v = d->x[rows[i] * (size_t)d->nf + (size_t)cols[k]];
            pred += c[k + 1] * (isnan(v) ? fill[cols[k]] : v);
        }
        double e = pred - y[rows[i]], t = y[rows[i]] - mean;
        *sse += e * e;
        *sst += t * t;
    }
}

static gb_job_status forward_select(const dset *d, const gb_distill_options *opt, const gb_job_ctl *ctl,
                                    gb_distill *res, gb_error *err)
{
    int steps = opt->linear_terms < d->nf ? opt->linear_terms : d->nf;
    int g = d->prob ? 0 : opt->linear_group;
    if (g < 0 || g >= d->ng) {
        gb_error_set(err, "output %d is out of range (the model has %d)", g, d->ng);
        return GB_JOB_FAILED;
    }
    const double *y = d->y + (size_t)g * d->n;
    double *fill = gb_calloc((size_t)d->nf, sizeof *fill, err);
    int *used = fill ? gb_calloc((size_t)d->nf, sizeof *used, err) : NULL;
    double *c = used ? gb_malloc((size_t)steps + 2, sizeof *c, err) : NULL;
    res->linear_feature = c ? gb_calloc((size_t)steps + 1, sizeof(int), err) : NULL;
    res->linear_r2 = res->linear_feature ? gb_calloc((size_t)steps + 1, sizeof(double), err) : NULL;
    res->linear_coef = res->linear_r2 ? gb_calloc((size_t)steps + 2, sizeof(double), err) : NULL;
    gb_job_status st = res->linear_coef ? GB_JOB_OK : GB_JOB_FAILED;
    for (int f = 0; st == GB_JOB_OK && f < d->nf; f++) {
        size_t k = 0;
        for (size_t i = 0; i < d->n_train; i++) {
            double v = d->x[d->train[i] * (size_t)d->nf + (size_t)f];
            if (!isnan(v)) {
                fill[f] += v;
                k++;
            }
        }
        fill[f] = k ? fill[f] / (double)k : 0.0;
    }
    for (int s = 0; st == GB_JOB_OK && s < steps; s++) {
        int best = -1;
        double best_sse = INFINITY, sse, sst;
        for (int f = 0; f < d->nf; f++) {
            if (used[f])
                continue;
            if (gb_cancelled(ctl)) {
                gb_error_set(err, "cancelled");
                st = GB_JOB_CANCELLED;
                break;
            }
            res->linear_feature[s] = f;
            if (lsq(d, fill, res->linear_feature, s + 1, y, d->train, d->n_train, c))
                continue;
            linear_err(d, fill, res->linear_feature, s + 1, c, y, d->train, d->n_train, &sse, &sst);
            if (sse < best_sse) {
                best_sse = sse;
                best = f;
            }
        }
        if (st != GB_JOB_OK || best < 0)
            break;
        used[best] = 1;
        res->linear_feature[s] = best;
        lsq(d, fill, res->linear_feature, s + 1, y, d->train, d->n_train, res->linear_coef);
        linear_err(d, fill, res->linear_feature, s + 1, res->linear_coef, y, d->test, d->n_test, &sse, &sst);
        res->linear_r2[s] = sst > 0 ? 1.0 - sse / sst : (sse == 0 ? 1.0 : 0.0);
        res->n_linear = s + 1;
    }
    free(fill);
    free(used);
    free(c);
    return st;
}

void gb_distill_free(gb_distill *res)
{
    gb_model_free(res->tree);
    free(res->linear_feature);
    free(res->linear_r2);
    free(res->linear_coef);
    memset(res, 0, sizeof *res);
}

gb_job_status gb_distill_run(const gb_model *m, const gb_dataset *ds, const gb_binding *b,
                             const gb_distill_options *opt, const gb_job_ctl *ctl, gb_distill *res,
                             gb_error *err)
{
    memset(res, 0, sizeof *res);
    res->status = GB_JOB_FAILED;
    res->agreement = NAN;
    if (opt->probability && !(m->n_groups == 1 && m->link == GB_LINK_LOGISTIC)) {
        gb_error_set(err,
                     "fitting the probability needs a binary classifier with a logistic link; this model's "
                     "link is %s (fit the margin instead)",
                     gb_link_name(m->link));
        return GB_JOB_FAILED;
    }
    dset d = {.m = m, .ds = ds, .b = b, .prob = opt->probability};
    gb_job_status st = GB_JOB_FAILED;
    int depth = opt->depth > 0 ? opt->depth : 4;
    size_t min_leaf = opt->min_leaf > 0 ? opt->min_leaf : 20;
    int stages = 1 + (opt->curve ? GB_DISTILL_CURVE : 0) + (opt->linear_terms > 0);
    int prep = prepare(&d, opt, ctl, err);
    if (prep > 0)
        st = GB_JOB_CANCELLED;
    if (prep == 0) {
        res->n_train = d.n_train;
        res->n_test = d.n_test;
        res->tree = fit_tree(&d, depth, min_leaf, ctl, &st, err);
        if (st == GB_JOB_OK)
            fidelity(&d, res->tree, &res->r2, &res->agreement);
        gb_job_progress(ctl, 1.0 / stages);
        for (int k = 1; st == GB_JOB_OK && opt->curve && k <= GB_DISTILL_CURVE; k++) {
            gb_model *s = fit_tree(&d, k, min_leaf, ctl, &st, err);
            if (s)
                fidelity(&d, s, &res->curve_r2[k - 1], &res->curve_agreement[k - 1]);
            gb_model_free(s);
            res->curve_n = k;
            gb_job_progress(ctl, (1.0 + k) / stages);
        }
        if (st == GB_JOB_OK && opt->linear_terms > 0)
            st = forward_select(&d, opt, ctl, res, err);
    }
    free(d.x);
    free(d.y);
    free(d.train);
    free(d.test);
    if (st != GB_JOB_OK) {
        gb_distill_free(res);
        res->status = st;
        return st;
    }
    gb_job_progress(ctl, 1.0);
    res->status = GB_JOB_OK;
    return GB_JOB_OK;
}
