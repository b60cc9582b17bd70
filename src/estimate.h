/* estimate.h: how a sampling explainer reports a row it is still working on.
 *
 * KernelSHAP and permutation SHAP refine one row's attributions as samples
 * accumulate.  Between batches they may hand the caller their running
 * estimate and its standard errors, so that an interactive front end can
 * draw bars that settle while it watches.  The arrays belong to the
 * explainer and change after the call returns: a receiver on another thread
 * must copy what it needs before returning. */
#ifndef GB_ESTIMATE_H
#define GB_ESTIMATE_H

#include <stddef.h>

typedef struct gb_estimate {
    /* n_groups * (n_features + 1): attributions, base value last; NULL
     * while there is no estimate yet (KernelSHAP enumerating coalition
     * sizes), when only the counts below are news. */
    const double *phi;
    const double *se;  /* standard errors, same layout (0 for the base value), or NULL */
    size_t samples;    /* coalitions evaluated so far for this row */
    size_t budget;     /* coalitions the row may use at most */
} gb_estimate;

typedef void (*gb_estimate_fn)(void *ctx, const gb_estimate *e);

/* Budget and stopping rule shared by the sampling methods. */
typedef struct gb_sampling_config {
    size_t samples;   /* coalitions to evaluate per row; 0: the method's default */
    double tolerance; /* stop once every SE <= tolerance x (max phi - min phi); 0: never */
    int no_enumeration; /* kernelshap: sample every coalition size (for studies and tests) */
} gb_sampling_config;

#endif
