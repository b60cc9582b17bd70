/* explain.h: run an exact explainer over many rows on several threads.
 *
 * The batch command and the explorer both ask for "these rows, this method"
 * and get back one block of attributions per row in the order asked, the
 * same whatever the number of threads.  Rows are handed to threads in small
 * blocks through an atomic counter, each thread writes only its own rows'
 * slots, so no result depends on scheduling.  Progress is reported from the
 * calling thread's point of view as a fraction; a cancel flag, checked
 * between rows, stops the run early with GB_JOB_CANCELLED. */
#ifndef GB_EXPLAIN_H
#define GB_EXPLAIN_H

#include <stdatomic.h>
#include <stddef.h>

#include "binding.h"
#include "dataset.h"
#include "error.h"
#include "model.h"

typedef enum gb_method {
    GB_METHOD_AUTO = 0, /* treeshap for trees, linear for linear models */
    GB_METHOD_TREESHAP,
    GB_METHOD_LINEAR
} gb_method;

typedef enum gb_job_status { GB_JOB_OK = 0, GB_JOB_FAILED = -1, GB_JOB_CANCELLED = 1 } gb_job_status;

const char *gb_method_name(gb_method method);
/* Parses a method name; returns -1 when unknown. */
int gb_method_parse(const char *name, gb_method *out);
/* The method GB_METHOD_AUTO stands for with this model. */
gb_method gb_method_resolve(const gb_model *m, gb_method method);
/* 0 when the method can explain this model, else -1 with a reason. */
int gb_method_check(const gb_model *m, gb_method method, gb_error *err);

typedef struct gb_explain_request {
    gb_method method;
    const size_t *rows; /* data rows to explain */
    size_t n_rows;
    int threads;        /* 0: all cores */
    atomic_int *cancel; /* may be NULL */
    void (*progress)(void *ctx, double fraction_done);
    void *progress_ctx;
} gb_explain_request;

typedef struct gb_explain_result {
    size_t n_rows;
    int n_groups;
    int n_features;
    /* n_rows blocks of n_groups * (n_features + 1): per group the feature
     * attributions, then the base value. */
    double *phi;
    double *margin; /* n_rows * n_groups raw margins from the model itself */
} gb_explain_result;

/* A reusable explainer for one model: built once (TreeSHAP tables, linear
 * means), then run on any number of row batches.  mean: for linear SHAP,
 * the feature means to explain against (n_features values, missing counted
 * as 0), or NULL for the mean of the dataset. */
typedef struct gb_explainer gb_explainer;

gb_explainer *gb_explainer_new(const gb_model *m, const gb_dataset *ds, const gb_binding *b, gb_method method,
                               const double *mean, gb_error *err);
void gb_explainer_free(gb_explainer *ex);

/* Explains req->rows into res (allocated here; free with
 * gb_explain_result_free).  Returns a gb_job_status. */
gb_job_status gb_explainer_run(gb_explainer *ex, const gb_explain_request *req, gb_explain_result *res,
                               gb_error *err);
void gb_explain_result_free(gb_explain_result *res);

/* Largest |base + sum(phi) - margin| over the result, scaled by
 * max(1, |margin|): the additivity check every run reports. */
double gb_explain_additivity_error(const gb_explain_result *res);

int gb_cpu_count(void);

#endif
