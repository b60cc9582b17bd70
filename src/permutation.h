/* permutation.h: permutation sampling of Shapley values, antithetic.
 *
 * A Shapley value is the average, over all orders of the players, of what a
 * player adds when it joins those before it.  Orders are drawn uniformly;
 * each is used twice (Mitchell et al. 2022; shap's PermutationExplainer):
 * forwards, switching players on in the order drawn, and backwards, switching
 * them off in the same order, which is the marginal contributions of the
 * reversed order.  The two halves are negatively correlated, so their mean
 * varies less than two independent orders would.  Each pair of passes costs
 * 2(P - 1) coalitions and gives one estimate whose entries sum exactly to
 * v(all) - v(empty); the result is their mean and its standard error is the
 * pairs' standard deviation over sqrt(pairs).  At least two pairs are always
 * drawn. */
#ifndef GB_PERMUTATION_H
#define GB_PERMUTATION_H

#include <stdatomic.h>

#include <gsl/gsl_rng.h>

#include "coalition.h"
#include "error.h"
#include "estimate.h"

/* The default budget for P players (the same as KernelSHAP's). */
size_t gb_permutation_default_samples(int players);

/* Same contract as gb_kernelshap_row (cfg->no_enumeration is ignored). */
int gb_permutation_row(gb_game *g, const gb_sampling_config *cfg, gsl_rng *rng, double *phi, double *se,
                       size_t *used, gb_estimate_fn cb, void *cb_ctx, const atomic_int *cancel, gb_error *err);

/* The same, recording each pair's order and passes into trace
 * (explain_trace.h; may be NULL).  The numbers do not change. */
typedef struct gb_trace gb_trace;
int gb_permutation_row_traced(gb_game *g, const gb_sampling_config *cfg, gsl_rng *rng, double *phi, double *se,
                              size_t *used, gb_estimate_fn cb, void *cb_ctx, const atomic_int *cancel,
                              gb_error *err, gb_trace *trace);

#endif
