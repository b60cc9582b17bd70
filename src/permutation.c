/* permutation.c: antithetic permutation sampling (see permutation.h).
 *
 * Pairs of passes are drawn in small batches whose coalitions go to the
 * engine together; a batch's masks are laid out forward prefixes first
 * (sizes 1 .. P-1), then the backward pass's remaining sets (sizes P-1 .. 1).
 * Means and variances are kept with Welford's update, so a running estimate
 * costs nothing to report. */
#include "permutation.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "explain_trace.h"

enum { BATCH_PAIRS = 8, FIRST_CHECK = 8 };

size_t gb_permutation_default_samples(int players)
{
    return 2 * (size_t)players + 2048;
}

typedef struct perm_state {
    gb_game *g;
    int P, G;
    size_t nf, per_pair;   /* coalitions per pair: 2 (P - 1) */
    int *order;            /* BATCH_PAIRS x P */
    uint64_t *masks;       /* BATCH_PAIRS x per_pair masks */
    double *vals;          /* BATCH_PAIRS x per_pair x G */
    double *d;             /* P x G: one pair's estimate */
    double *mean, *m2;     /* P x G */
    size_t n;              /* pairs so far */
    gb_trace *trace;       /* may be NULL */
} perm_state;

static void build_masks(perm_state *s, size_t b)
{
    const int *ord = s->order + b * (size_t)s->P;
    size_t words = s->g->words;
    uint64_t *m = s->masks + b * s->per_pair * words;
    uint64_t *cur = m;
    /* Forward: {o0}, {o0,o1}, ..., all but the last. */
    gb_game_mask_clear(s->g, cur);
    gb_game_mask_add(s->g, cur, ord[0]);
    for (int k = 1; k < s->P - 1; k++) {
        memcpy(cur + words, cur, words * sizeof *cur);
        cur += words;
        gb_game_mask_add(s->g, cur, ord[k]);
    }
    /* Backward: all but o0, all but o0 and o1, ..., {o_{P-1}}. */
    cur += words;
    gb_game_mask_clear(s->g, cur);
    for (int k = 1; k < s->P; k++)
        gb_game_mask_add(s->g, cur, ord[k]);
    for (int k = 1; k < s->P - 1; k++) {
        memcpy(cur + words, cur, words * sizeof *cur);
        cur += words;
        gb_game_mask_remove(s->g, cur, ord[k]);
    }
}

/* The pair's estimate into s->d, then the running mean and variance. */
static void absorb(perm_state *s, size_t b)
{
    const int *ord = s->order + b * (size_t)s->P;
    const double *v = s->vals + b * s->per_pair * (size_t)s->G;
    int P = s->P, G = s->G;
    size_t back = (size_t)(P - 1);
    for (int gr = 0; gr < G; gr++) {
        /* Forward: o_k adds v(prefix k) - v(prefix k-1). */
        double prev = s->g->v_empty[gr];
        for (int k = 0; k < P; k++) {
            double cur = k < P - 1 ? v[(size_t)k * (size_t)G + (size_t)gr] : s->g->v_full[gr];
            s->d[(size_t)ord[k] * (size_t)G + (size_t)gr] = 0.5 * (cur - prev);
            prev = cur;
        }
        /* Backward: switching o_k off from {o_k..} loses v({o_k..}) -
         * v({o_k+1..}). */
        prev = s->g->v_full[gr];
        for (int k = 0; k < P; k++) {
            double cur = k < P - 1 ? v[(back + (size_t)k) * (size_t)G + (size_t)gr] : s->g->v_empty[gr];
            s->d[(size_t)ord[k] * (size_t)G + (size_t)gr] += 0.5 * (prev - cur);
            prev = cur;
        }
    }
    gb_trace_permutation(s->trace, ord, v);
    s->n++;
    for (size_t i = 0; i < (size_t)P * (size_t)G; i++) {
        double delta = s->d[i] - s->mean[i];
        s->mean[i] += delta / (double)s->n;
        s->m2[i] += delta * (s->d[i] - s->mean[i]);
    }
}

static void scatter(const perm_state *s, double *phi, double *se)
{
    size_t stride = s->nf + 1;
    memset(phi, 0, (size_t)s->G * stride * sizeof *phi);
    memset(se, 0, (size_t)s->G * stride * sizeof *se);
    for (int gr = 0; gr < s->G; gr++) {
        phi[(size_t)gr * stride + s->nf] = s->g->v_empty[gr];
        for (int p = 0; p < s->P; p++) {
            size_t at = (size_t)gr * stride + (size_t)s->g->players[p], pg = (size_t)p * (size_t)s->G + (size_t)gr;
            phi[at] = s->mean[pg];
            se[at] = s->n > 1 ? sqrt(s->m2[pg] / ((double)(s->n - 1) * (double)s->n)) : 0.0;
        }
    }
}

static int converged(const perm_state *s, double tol)
{
    for (int gr = 0; gr < s->G; gr++) {
        double lo = INFINITY, hi = -INFINITY, worst = 0.0;
        for (int p = 0; p < s->P; p++) {
            size_t pg = (size_t)p * (size_t)s->G + (size_t)gr;
            double v = s->mean[pg], e = sqrt(s->m2[pg] / ((double)(s->n - 1) * (double)s->n));
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
            worst = e > worst ? e : worst;
        }
        if (!(worst <= tol * (hi - lo)))
            return 0;
    }
    return 1;
}

int gb_permutation_row(gb_game *g, const gb_sampling_config *cfg, gsl_rng *rng, double *phi, double *se,
                       size_t *used, gb_estimate_fn cb, void *cb_ctx, const atomic_int *cancel, gb_error *err)
{
    return gb_permutation_row_traced(g, cfg, rng, phi, se, used, cb, cb_ctx, cancel, err, NULL);
}

int gb_permutation_row_traced(gb_game *g, const gb_sampling_config *cfg, gsl_rng *rng, double *phi, double *se,
                              size_t *used, gb_estimate_fn cb, void *cb_ctx, const atomic_int *cancel,
                              gb_error *err, gb_trace *trace)
{
    size_t nf = (size_t)gb_coalition_model(g->c)->n_features, stride = nf + 1;
    int P = g->n_players, G = g->n_groups;
    if (used)
        *used = 0;
    perm_state s = {.g = g, .P = P, .G = G, .nf = nf, .per_pair = 2 * (size_t)(P > 1 ? P - 1 : 1),
                    .trace = trace};
    double *se_full = se ? se : gb_malloc((size_t)G, stride * sizeof *se_full, err);
    s.order = gb_malloc(BATCH_PAIRS, (size_t)(P > 0 ? P : 1) * sizeof *s.order, err);
    s.masks = gb_malloc(BATCH_PAIRS * s.per_pair, g->words * sizeof *s.masks, err);
    s.vals = gb_malloc(BATCH_PAIRS * s.per_pair, (size_t)G * sizeof *s.vals, err);
    s.d = gb_calloc((size_t)(P > 0 ? P : 1) * (size_t)G, 3 * sizeof *s.d, err);
    int rc = -1;
    if (!se_full || !s.order || !s.masks || !s.vals || !s.d)
        goto done;
    s.mean = s.d + (size_t)P * (size_t)G;
    s.m2 = s.mean + (size_t)P * (size_t)G;
    if (P <= 1) {
        /* One player takes everything; none take nothing. */
        if (P == 1)
            for (int gr = 0; gr < G; gr++)
                s.mean[gr] = g->v_full[gr] - g->v_empty[gr];
        scatter(&s, phi, se_full);
        rc = 0;
        goto done;
    }
    size_t budget = cfg->samples ? cfg->samples : gb_permutation_default_samples(P);
    size_t pairs = budget / s.per_pair;
    if (pairs < 2)
        pairs = 2;
    size_t check = FIRST_CHECK;
    for (int p = 0; p < P; p++)
        s.order[p] = p;
    while (s.n < pairs) {
        size_t batch = pairs - s.n < BATCH_PAIRS ? pairs - s.n : BATCH_PAIRS;
        if ((cfg->tolerance > 0.0 || cb) && s.n < check && s.n + batch > check)
            batch = check - s.n;
        for (size_t b = 0; b < batch; b++) {
            int *ord = s.order + b * (size_t)P;
            if (b > 0)
                memcpy(ord, s.order + (b - 1) * (size_t)P, (size_t)P * sizeof *ord);
            gsl_ran_shuffle(rng, ord, (size_t)P, sizeof *ord);
            build_masks(&s, b);
        }
        if (gb_game_eval(g, s.masks, batch * s.per_pair, s.vals, cancel)) {
            rc = 1;
            goto done;
        }
        for (size_t b = 0; b < batch; b++)
            absorb(&s, b);
        /* Keep the last order as the start of the next batch's shuffles. */
        if (batch > 1)
            memcpy(s.order, s.order + (batch - 1) * (size_t)P, (size_t)P * sizeof *s.order);
        if (s.n == check && s.n < pairs) {
            check = s.n + (s.n / 4 > FIRST_CHECK ? s.n / 4 : FIRST_CHECK);
            if (cb) {
                scatter(&s, phi, se_full);
                gb_estimate e = {.phi = phi, .se = se_full, .samples = s.n * s.per_pair,
                                 .budget = pairs * s.per_pair};
                cb(cb_ctx, &e);
            }
            if (cfg->tolerance > 0.0 && converged(&s, cfg->tolerance))
                break;
        }
    }
    scatter(&s, phi, se_full);
    if (used)
        *used = s.n * s.per_pair;
    rc = 0;
done:
    if (se_full != se)
        free(se_full);
    free(s.order);
    free(s.masks);
    free(s.vals);
    free(s.d);
    return rc;
}
