/* summary.h: the SHAP summary of many rows.
 *
 * Explains every asked row exactly (TreeSHAP or linear SHAP through the job
 * interface) and reduces the attributions to what a bar chart, a beeswarm
 * and a dependence plot show: mean |phi| per feature and output, the
 * per-row values themselves, and for each feature the other feature that
 * interacts with it most, to colour its dependence plot.
 *
 * The partner comes from SHAP interaction values for tree models (the
 * largest mean |Phi[i][k]|, k != i; exact but 2M+1 TreeSHAP passes per
 * row) unless the caller asks for the cheap proxy, which linear models
 * always use (their interaction values are all 0): shap's
 * approximate_interactions heuristic.  It sorts the rows by feature i,
 * cuts them into consecutive chunks of max(min(n/10, 50), 1) rows and
 * scores feature k by the sum over chunks of |corr(phi_i, x_k)| within the
 * chunk (chunks where either side is constant, and rows where x_k is
 * missing, count nothing): a feature whose value explains the spread of
 * phi_i at a fixed x_i is likely to interact with it. */
#ifndef GB_SUMMARY_H
#define GB_SUMMARY_H

#include "binding.h"
#include "dataset.h"
#include "explain.h"
#include "model.h"
#include "parallel.h"

typedef struct gb_summary_options {
    gb_method method;   /* GB_METHOD_AUTO, TREESHAP or LINEAR */
    const double *mean; /* linear: as gb_explainer_new */
    int approximate;    /* 1: the heuristic partner even for trees */
} gb_summary_options;

typedef struct gb_summary {
    gb_job_status status;
    size_t n_rows;
    int n_groups, n_features;
    /* n_rows blocks of n_groups * (n_features + 1), explain.h's layout. */
    double *phi;
    double *x;             /* n_rows * n_features: the rows' feature values */
    double *mean_abs;      /* n_groups * n_features */
    int *partner;          /* n_groups * n_features: feature index, -1 for none */
    double *partner_score; /* mean |Phi[i][k]| (trees) or the heuristic's score */
    int exact_partner;     /* 1 when partners come from interaction values */
} gb_summary;

gb_job_status gb_summary_run(const gb_model *m, const gb_dataset *ds, const gb_binding *b, const size_t *rows,
                             size_t n_rows, const gb_summary_options *opt, const gb_job_ctl *ctl,
                             gb_summary *res, gb_error *err);
void gb_summary_free(gb_summary *res);

/* The heuristic alone: scores[k] for feature i of group g (scores has
 * n_features numbers; scores[i] = 0).  Exposed for tests. */
void gb_summary_approx_scores(const gb_summary *s, int g, int i, double *scores);

#endif
