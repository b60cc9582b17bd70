/* kernelshap.h: KernelSHAP with paired sampling and standard errors.
 *
 * The Shapley values of a game are the solution of a weighted least squares
 * problem over coalitions (Lundberg and Lee 2017; Charnes et al. 1988):
 * minimise sum_z w(z) (v(z) - v(empty) - z'phi)^2 subject to
 * sum phi = v(all) - v(empty), with the Shapley kernel
 * w(z) = (P - 1) / (C(P, |z|) |z| (P - |z|)).  Following shap, coalition
 * sizes are enumerated completely from the outside in (sizes 1 and P-1,
 * then 2 and P-2, ...) while the budget covers them; the remaining kernel
 * mass is estimated from coalitions sampled in complementary pairs (a size
 * drawn in proportion to its mass, a uniform subset of that size, and its
 * complement).  With a budget of 2^P - 2 coalitions everything is
 * enumerated and the result is exact.
 *
 * Standard errors.  The estimate is a smooth function of the means of the
 * sampled pairs' contributions to the normal equations, so its covariance
 * is estimated by the delta method ("sandwich"): with
 * C = A^-1 - A^-1 1 1' A^-1 / (1' A^-1 1) the constrained solution's
 * sensitivity, pair i contributes h_i = C (b_i - A_i phi), and
 * Var(phi) ~ rho^2 Var(h) / n for n pairs carrying kernel mass rho.  This is
 * Covert and Lee's (2021) idea with the matrix A estimated too.  Enumerated
 * coalitions carry no sampling error.  --tolerance stops a row once every
 * SE is below tolerance x (max phi - min phi), Covert and Lee's criterion,
 * tested at geometrically spaced checkpoints so that the stopping point
 * depends only on the seed. */
#ifndef GB_KERNELSHAP_H
#define GB_KERNELSHAP_H

#include <stdatomic.h>

#include <gsl/gsl_rng.h>

#include "coalition.h"
#include "error.h"
#include "estimate.h"

/* The default budget for P players: shap's 2P + 2048. */
size_t gb_kernelshap_default_samples(int players);

/* Explains the game's row.
 * Inputs:
 *   g       a game begun on the row;
 *   cfg     budget (0: the default), tolerance, enumeration switch;
 *   rng     the row's stream (see rng.h);
 *   phi, se n_groups * (n_features + 1) each, overwritten (se may be NULL);
 *   used    coalitions evaluated (may be NULL);
 *   cb      running estimates at checkpoints (may be NULL);
 *   cancel  checked between batches of coalitions and inside them.
 * Returns 0, 1 when cancelled, -1 with err set. */
int gb_kernelshap_row(gb_game *g, const gb_sampling_config *cfg, gsl_rng *rng, double *phi, double *se,
                      size_t *used, gb_estimate_fn cb, void *cb_ctx, const atomic_int *cancel, gb_error *err);

/* The same, recording every coalition and its final weight into trace
 * (explain_trace.h; may be NULL).  The numbers do not change. */
typedef struct gb_trace gb_trace;
int gb_kernelshap_row_traced(gb_game *g, const gb_sampling_config *cfg, gsl_rng *rng, double *phi, double *se,
                             size_t *used, gb_estimate_fn cb, void *cb_ctx, const atomic_int *cancel,
                             gb_error *err, gb_trace *trace);

#endif
