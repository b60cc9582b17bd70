/* explain.h: the job interface every explainer runs behind.
 *
 * A job is an explainer (a model, its data, a method and the method's
 * parameters, seed included: gb_explainer_create) applied to a request (the
 * rows, threads, a cancel flag and progress callbacks: gb_explainer_run).
 * The batch command and the explorer both use it and get back one block of
 * attributions per row in the order asked, the same bytes whatever the
 * number of threads and whichever other rows are in the request: rows are
 * handed to threads through an atomic counter, each thread writes only its
 * own rows' slots, and a random method draws each row's numbers from a
 * stream derived from (seed, data row index) alone (see rng.h).
 *
 * Methods:
 *   treeshap     path-dependent TreeSHAP (trees), exact;
 *   linear       closed-form SHAP of a linear model against a mean, exact;
 *   exact        interventional Shapley values by enumerating every
 *                coalition against the background (any model, up to 20
 *                varying features);
 *   kernelshap   KernelSHAP against the background, with standard errors;
 *   permutation  antithetic permutation sampling, with standard errors;
 *   treeshap-int interventional TreeSHAP against the background (trees), exact;
 *   lime         LIME (tabular), seeded.
 *
 * Threads and callbacks.  gb_explainer_run blocks; the explorer calls it on
 * its worker thread.  The callbacks are invoked only on the thread that
 * called gb_explainer_run, for rows that thread explains, never on the UI
 * thread: a receiver must copy what it needs (the estimate's arrays change
 * once the callback returns) and hand it over with its own locking.  The
 * cancel flag is read between rows and inside long rows (between batches of
 * coalitions, and between trees within a batch), so a cancelled job returns
 * GB_JOB_CANCELLED within milliseconds, having freed everything it
 * allocated.  No global state: any number of jobs may run at once.  The GSL
 * error handler must be off (gsl_set_error_handler_off() in main): the
 * core checks GSL's return codes itself. */
#ifndef GB_EXPLAIN_H
#define GB_EXPLAIN_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "background.h"
#include "binding.h"
#include "coalition.h"
#include "dataset.h"
#include "error.h"
#include "estimate.h"
#include "lime.h"
#include "model.h"

typedef enum gb_method {
    GB_METHOD_AUTO = 0, /* treeshap for trees, linear for linear models */
    GB_METHOD_TREESHAP,
    GB_METHOD_LINEAR,
    GB_METHOD_EXACT,
    GB_METHOD_KERNELSHAP,
    GB_METHOD_PERMUTATION,
    GB_METHOD_TREESHAP_INT,
    GB_METHOD_LIME
} gb_method;

typedef enum gb_job_status { GB_JOB_OK = 0, GB_JOB_FAILED = -1, GB_JOB_CANCELLED = 1 } gb_job_status;

const char *gb_method_name(gb_method method);
/* Parses a method name; returns -1 when unknown. */
int gb_method_parse(const char *name, gb_method *out);
/* "treeshap, linear, exact, ..." for messages. */
const char *gb_method_names(void);
/* The method GB_METHOD_AUTO stands for with this model. */
gb_method gb_method_resolve(const gb_model *m, gb_method method);
/* 0 when the method can explain this model, else -1 with a reason. */
int gb_method_check(const gb_model *m, gb_method method, gb_error *err);
/* What a (resolved) method takes. */
int gb_method_needs_background(gb_method method); /* exact, kernelshap, permutation, treeshap-int */
int gb_method_is_sampled(gb_method method);       /* kernelshap, permutation, lime: seeded, budgeted */
int gb_method_has_se(gb_method method);           /* kernelshap, permutation */
int gb_method_any_space(gb_method method);        /* exact, kernelshap, permutation, lime */

typedef struct gb_explain_options {
    gb_method method;
    /* exact, kernelshap, permutation, treeshap-int: required.  linear: when
     * given, its weighted mean (missing counted as 0) replaces `mean`. */
    const gb_background *background;
    gb_output_space space;        /* exact, kernelshap, permutation, lime */
    uint64_t seed;                /* sampled methods */
    gb_sampling_config sampling;  /* kernelshap, permutation; lime: samples */
    /* lime (see lime.h); the samples are sampling.samples (0: 5000), each
     * class of a multiclass model is fitted on the same neighbourhood. */
    int lime_num_features;        /* 0: lime's default, 10 */
    double lime_kernel_width;     /* 0: 0.75 sqrt(features) */
    gb_lime_discretize lime_discretize;
    gb_lime_selection lime_selection;
    /* linear: the feature means to explain against (n_features values,
     * missing counted as 0), or NULL for the mean of the dataset. */
    const double *mean;
    unsigned coalition_flags;     /* GB_COALITION_DIRECT: the reference engine (tests) */
    /* Added to a data row's index where it seeds the row's random stream:
     * a chunk of a stream whose row 0 is input row row_base draws the
     * numbers the whole input would (0 for a whole dataset). */
    uint64_t row_base;
} gb_explain_options;

typedef struct gb_explain_request {
    gb_method method;   /* ignored: the explainer's method is used */
    const size_t *rows; /* data rows to explain */
    size_t n_rows;
    int threads;        /* 0: all cores */
    atomic_int *cancel; /* may be NULL */
    /* Fraction of the job done, including the part of the current row. */
    void (*progress)(void *ctx, double fraction_done);
    void *progress_ctx;
    /* Sampled methods: the running estimate of request row `index` (an
     * index into rows), at checkpoints within the row (may be NULL; e->phi
     * and e->se are never NULL here).  Gets progress_ctx. */
    void (*estimate)(void *ctx, size_t index, const gb_estimate *e);
} gb_explain_request;

typedef struct gb_explain_result {
    gb_job_status status;
    gb_method method;      /* resolved */
    gb_output_space space; /* of phi and margin */
    size_t n_rows;
    int n_groups;
    int n_features;
    /* n_rows blocks of n_groups * (n_features + 1): per group the feature
     * attributions, then the base value (lime: the weights, then the
     * intercept). */
    double *phi;
    /* Standard errors, same layout: kernelshap and permutation; NULL for
     * exact methods (their error is 0) and lime. */
    double *se;
    /* n_rows * n_groups: the output the attributions add up to: the raw
     * margin, or in probability space the model's transformed output; lime:
     * the local model's prediction at the row. */
    double *margin;
    double *r2;            /* lime: n_rows * n_groups weighted R^2; else NULL */
    size_t *samples;       /* sampled methods: coalitions (lime: samples) per row; else NULL */
    uint64_t evals;        /* model evaluations, for throughput figures */
} gb_explain_result;

typedef struct gb_explainer gb_explainer;

gb_explainer *gb_explainer_create(const gb_model *m, const gb_dataset *ds, const gb_binding *b,
                                  const gb_explain_options *opt, gb_error *err);
/* The exact methods with default options (as before the options existed). */
gb_explainer *gb_explainer_new(const gb_model *m, const gb_dataset *ds, const gb_binding *b, gb_method method,
                               const double *mean, gb_error *err);
void gb_explainer_free(gb_explainer *ex);
gb_method gb_explainer_method(const gb_explainer *ex);

/* Explains req->rows into res (allocated here; free with
 * gb_explain_result_free).  Returns the status, also stored in
 * res->status.  On failure or cancellation res holds no arrays (freeing it
 * is still safe) and err says why. */
gb_job_status gb_explainer_run(gb_explainer *ex, const gb_explain_request *req, gb_explain_result *res,
                               gb_error *err);
void gb_explain_result_free(gb_explain_result *res);

/* Largest |base + sum(phi) - margin| over the result, scaled by
 * max(1, |margin|): the additivity check every run reports.  0 for lime,
 * whose weights are not additive attributions. */
double gb_explain_additivity_error(const gb_explain_result *res);

int gb_cpu_count(void);

#endif
