/* explain_trace.h: what a sampling explainer did for one row, for teaching.
 *
 * The explorer's "how it works" view shows a run's own intermediate numbers:
 * the coalitions KernelSHAP evaluated with their Shapley kernel weights and
 * values, the permutations permutation SHAP drew with each feature's
 * marginal contribution, LIME's neighbourhood samples with their kernel
 * weights and model outputs.  gb_explain_trace_row explains one row exactly
 * as gb_explainer_run would (same stream from the seed and the data row,
 * same code path, so the same numbers) while recording the first
 * max_records coalitions / permutations / samples; the recorders are NULL
 * checks in the explainers' loops and never change a result.
 *
 * Layouts: P players (the features that can change the value, see
 * coalition.h; player p is model feature players[p]); G output groups.
 *   kernelshap  coalition i: z[i * P + p] = 1 when player p takes the row's
 *               value; value[i * G + g] = v(z), the background-averaged
 *               output; weight[i] its weight in the final regression (the
 *               exact Shapley kernel weight for enumerated sizes, rho/(2n)
 *               for each of the n sampled complementary pairs' halves);
 *   permutation pair i: order[i * P + k] = the k-th player switched on;
 *               forward / backward[(i * P + p) * G + g] = player p's
 *               marginal contribution in the forward pass and in the
 *               backward (reversed order) pass; the pair's estimate is
 *               their mean and phi is the mean over pairs;
 *   lime        sample i (0 is the row itself): x[i * F + f] the model input,
 *               z[i * F + f] its interpretable representation, weight[i]
 *               the kernel weight, value[i] the model's output; plus the
 *               fit (gb_lime_result) for the traced group. */
#ifndef GB_EXPLAIN_TRACE_H
#define GB_EXPLAIN_TRACE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "explain.h"
#include "lime.h"

enum { GB_TRACE_DEFAULT_RECORDS = 200 };

typedef struct gb_trace {
    gb_method method; /* the explainer's (resolved) */
    size_t row;       /* data row */
    int n_features, n_groups;
    int group;        /* lime: the output explained; others: every group is traced */
    size_t cap;       /* records kept at most */
    size_t n;         /* records kept */
    size_t total;     /* records seen (coalitions, pairs, samples) */
    /* The row's result, as gb_explainer_run gives it: n_groups *
     * (n_features + 1) values (lime: only the traced group's block is set);
     * se NULL for lime. */
    double *phi, *se, *margin;
    /* Shapley methods: the game. */
    int n_players;
    int *players;
    double *v_empty, *v_full; /* [G] */
    /* kernelshap */
    unsigned char *z;
    unsigned char *sampled; /* [cap]: 1 for a sampled coalition, 0 enumerated */
    double *weight;
    double *value;
    size_t enumerated;      /* coalitions enumerated (all sizes up to enum_size and from P - enum_size) */
    int enum_size;          /* largest size enumerated completely (0: none) */
    double sampled_mass;    /* kernel mass left to sampling (rho) */
    size_t pairs;           /* sampled pairs */
    /* permutation */
    int *order;
    double *forward, *backward;
    /* lime */
    double *x, *lz, *lw, *ly;
    gb_lime_result lime;    /* its edges are NULL: the bins are copied below */
    int lime_ready;
    double *bin_lo, *bin_hi; /* [F] the row's bin is bin_lo < x <= bin_hi (infinite at the
                              * ends); NaN when lime.bin[f] < 0 or the value is missing */
    double lime_kernel_width;
    gb_lime_discretize lime_discretize;
    gb_lime_selection lime_selection;
    int lime_k;             /* features asked for */
    size_t lime_samples;    /* the neighbourhood's size (= total) */
} gb_trace;

/* Explains data row `row` with ex, recording up to max_records (0: the
 * default, 200) records into t (allocated here; free with
 * gb_trace_free).  group: the output LIME explains (ignored otherwise).
 * Only kernelshap, permutation and lime can be traced.  Returns 0, 1 when
 * cancelled, -1 with err set. */
int gb_explain_trace_row(gb_explainer *ex, size_t row, int group, size_t max_records, gb_trace *t,
                         const atomic_int *cancel, gb_error *err);
void gb_trace_free(gb_trace *t);

/* Whether a method can be traced. */
int gb_method_has_trace(gb_method method);

/* --- recorders, called by the explainers (t may be NULL) --- */
void gb_trace_coalition(gb_trace *t, const uint64_t *z, double weight, int sampled, const double *v_minus_empty);
void gb_trace_kernel_plan(gb_trace *t, size_t enumerated, int enum_size, double rho, size_t pairs);
/* values: the pair's 2 (P - 1) coalition values as permutation.c lays them
 * out (forward prefixes of sizes 1 .. P-1, then the backward sets). */
void gb_trace_permutation(gb_trace *t, const int *order, const double *values);
void gb_trace_lime_sample(gb_trace *t, size_t i, const double *x, const double *z, double value);
void gb_trace_lime_weights(gb_trace *t, const double *w, size_t n);

/* --- what the runner shares with the tracer (explain.c) --- */
typedef struct gb_explainer_parts {
    const gb_model *model;
    const gb_dataset *ds;
    const gb_binding *binding;
    const gb_explain_options *opt; /* method resolved */
    gb_coalition *coal;
    const gb_lime_stats *lime;
    const gb_lime_config *lime_cfg;
} gb_explainer_parts;
void gb_explainer_get_parts(const gb_explainer *ex, gb_explainer_parts *p);

#endif
