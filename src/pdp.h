/* pdp.h: how the prediction moves with one feature: partial dependence
 * (Friedman 2001), ICE curves (Goldstein et al. 2015) and first-order
 * accumulated local effects (Apley and Zhu 2020).
 *
 * PD at grid value v is the mean over the rows of the model with the
 * feature set to v; an ICE curve is one row's model along the grid, centred
 * on request (its value at the first grid point subtracted).  The grid is
 * the feature's quantiles k/(N-1) (numpy's linear interpolation, repeated
 * values dropped) or N uniform points from min to max; a categorical
 * feature's grid is its levels.  ICE curves are drawn for a sample of rows
 * chosen by the seed alone (gsl_ran_choose on stream (seed, pdp, 0)), kept
 * in data order.
 *
 * ALE of a numeric feature: edges z_0..z_K are the quantiles k/K (K =
 * grid, repeated values dropped); a row with z_{k-1} < x <= z_k (the first
 * bin also takes x = z_0) contributes f(x with z_k) - f(x with z_{k-1}) to
 * bin k; the bin means are accumulated from A(z_0) = 0 and centred so that
 * their mean over the rows is 0 (the count-weighted mean of (A_{k-1} +
 * A_k) / 2, as Apley and Zhu do).  Categorical: levels in code order, the
 * step from level k-1 to k averaged over the rows at either level, centred
 * by the count-weighted mean; this ordering is not iml's similarity
 * ordering, so read it per level.  Rows missing the feature are left out
 * of ALE.  Values are margins, or the model's output after its link. */
#ifndef GB_PDP_H
#define GB_PDP_H

#include <stdint.h>

#include "binding.h"
#include "dataset.h"
#include "model.h"
#include "parallel.h"

typedef enum gb_grid_kind { GB_GRID_QUANTILE = 0, GB_GRID_UNIFORM } gb_grid_kind;

typedef struct gb_pdp_options {
    int feature; /* model feature index */
    int grid;    /* grid points (ALE: bins); 0: 20 */
    gb_grid_kind kind;
    int group;   /* output group */
    int output;  /* 1: after the link (probability, count); 0: margin */
    size_t ice;  /* ICE curves wanted (0: none) */
    int centred; /* ICE: subtract each curve's first value */
    uint64_t seed;
} gb_pdp_options;

typedef struct gb_pdp {
    gb_job_status status;
    int categorical; /* grid values are level codes */
    size_t n_grid;
    double *grid;
    double *pd; /* n_grid */
    size_t n_ice;
    size_t *ice_rows; /* data rows of the curves */
    double *ice;      /* n_ice * n_grid */
} gb_pdp;

typedef struct gb_ale {
    gb_job_status status;
    int categorical;
    size_t n; /* edges (numeric) or levels (categorical) */
    double *value;
    double *ale;
    size_t *count; /* rows in the bin ending at value[k] (count[0]: numeric 0) */
} gb_ale;

gb_job_status gb_pdp_run(const gb_model *m, const gb_dataset *ds, const gb_binding *b, const size_t *rows,
                         size_t n_rows, const gb_pdp_options *opt, const gb_job_ctl *ctl, gb_pdp *res,
                         gb_error *err);
void gb_pdp_free(gb_pdp *res);

gb_job_status gb_ale_run(const gb_model *m, const gb_dataset *ds, const gb_binding *b, const size_t *rows,
                         size_t n_rows, const gb_pdp_options *opt, const gb_job_ctl *ctl, gb_ale *res,
                         gb_error *err);
void gb_ale_free(gb_ale *res);

/* Whether model feature f is categorical (by the model or the data). */
int gb_feature_is_categorical(const gb_model *m, const gb_dataset *ds, const gb_binding *b, int f);

#endif
