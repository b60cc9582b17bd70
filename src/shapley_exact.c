/* shapley_exact.c: enumerate every coalition (see shapley_exact.h).
 *
 * The sum is regrouped by coalition instead of by pairs (S, S + i), so no
 * value has to be stored: v(S) contributes +w_in(|S|) to each player in S
 * and -w_out(|S|) to each player outside it, where w_in(s) = (s-1)!(P-s)!/P!
 * and w_out(s) = s!(P-s-1)!/P!.  Both sets of coefficients sum to 1 over
 * the coalitions, so subtracting v(empty) from every value first changes
 * nothing but keeps the terms small; partial sums per block of coalitions
 * keep rounding at about 1e-15 of the output's scale. */
#include "shapley_exact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mem_limits.h"

enum { BLOCK = 256 };

/* 1 / (P * C(P - 1, k)) */
static double inv_weight(int P, int k)
{
    double c = 1.0;
    for (int j = 1; j <= k; j++)
        c = c * (double)(P - j) / (double)j;
    return 1.0 / ((double)P * c);
}

int gb_shapley_exact_row(gb_game *g, double *phi, const atomic_int *cancel, gb_error *err)
{
    const gb_model *m = gb_coalition_model(g->c);
    int P = g->n_players, ng = g->n_groups;
    size_t nf = (size_t)m->n_features, stride = nf + 1;
    memset(phi, 0, (size_t)ng * stride * sizeof *phi);
    for (int gr = 0; gr < ng; gr++)
        phi[(size_t)gr * stride + nf] = g->v_empty[gr];
    if (P == 0)
        return 0;
    if (P > GB_EXACT_MAX_PLAYERS) {
        char cost[256];
        gb_shapley_exact_cost(g, cost, sizeof cost);
        /* Worded like the memory refusals (mem_limits.h): what, the cost,
         * the limit, what to do instead. */
        return gb_error_set(err, "--method exact: %d features vary against the background; %s (limit %d "
                            "varying features): use kernelshap, permutation or treeshap-int", P, cost,
                            GB_EXACT_MAX_PLAYERS);
    }
    size_t words = g->words;
    uint64_t *masks = gb_malloc(BLOCK, words * sizeof *masks, err);
    double *val = gb_malloc(BLOCK, (size_t)ng * sizeof *val, err);
    double *w_in = gb_malloc((size_t)P + 1, 2 * sizeof *w_in, err);
    double *part = gb_calloc((size_t)ng * (size_t)P, 2 * sizeof *part, err);
    int rc = -1;
    if (!masks || !val || !w_in || !part)
        goto done;
    double *w_out = w_in + P + 1;
    for (int s = 0; s <= P; s++) {
        w_in[s] = s >= 1 ? inv_weight(P, s - 1) : 0.0;
        w_out[s] = s <= P - 1 ? inv_weight(P, s) : 0.0;
    }
    double *total = part + (size_t)ng * (size_t)P;
    uint64_t n_coal = UINT64_C(1) << P;
    /* The empty coalition adds nothing once v(empty) is subtracted; the
     * full one is already known. */
    for (uint64_t lo = 1; lo < n_coal; lo += BLOCK) {
        size_t cnt = (size_t)(n_coal - lo < BLOCK ? n_coal - lo : BLOCK);
        size_t n_eval = lo + cnt == n_coal ? cnt - 1 : cnt;
        for (size_t k = 0; k < n_eval; k++) {
            uint64_t *mask = masks + k * words;
            gb_game_mask_clear(g, mask);
            for (uint64_t s = lo + k; s; s &= s - 1)
                gb_game_mask_add(g, mask, __builtin_ctzll(s));
        }
        if (gb_game_eval(g, masks, n_eval, val, cancel)) {
            rc = 1;
            goto done;
        }
        if (n_eval < cnt)
            memcpy(val + n_eval * (size_t)ng, g->v_full, (size_t)ng * sizeof *val);
        memset(part, 0, (size_t)ng * (size_t)P * sizeof *part);
        for (size_t k = 0; k < cnt; k++) {
            uint64_t s = lo + k;
            int size = __builtin_popcountll(s);
            for (int gr = 0; gr < ng; gr++) {
                double d = val[k * (size_t)ng + (size_t)gr] - g->v_empty[gr];
                double a = w_in[size] * d, b = -w_out[size] * d;
                double *pp = part + (size_t)gr * (size_t)P;
                for (int i = 0; i < P; i++)
                    pp[i] += (s >> i) & 1u ? a : b;
            }
        }
        for (size_t i = 0; i < (size_t)ng * (size_t)P; i++)
            total[i] += part[i];
    }
    for (int gr = 0; gr < ng; gr++)
        for (int i = 0; i < P; i++)
            phi[(size_t)gr * stride + (size_t)g->players[i]] = total[(size_t)gr * (size_t)P + (size_t)i];
    rc = 0;
done:
    free(masks);
    free(val);
    free(w_in);
    free(part);
    return rc;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void human_time(double s, char *buf, size_t size)
{
    if (s < 120)
        snprintf(buf, size, "%.0f seconds", s);
    else if (s < 7200)
        snprintf(buf, size, "%.0f minutes", s / 60);
    else if (s < 2 * 86400)
        snprintf(buf, size, "%.1f hours", s / 3600);
    else if (s < 2 * 365 * 86400.0)
        snprintf(buf, size, "%.0f days", s / 86400);
    else
        snprintf(buf, size, "%.2g years", s / (365 * 86400.0));
}

void gb_shapley_exact_cost(gb_game *g, char *buf, size_t size)
{
    const gb_background *bg = gb_coalition_background(g->c);
    double coalitions = ldexp(1.0, g->n_players);
    double evals = coalitions * (double)bg->n;
    /* Time a few coalitions of this very game for the estimate. */
    enum { PROBE = 32 };
    uint64_t masks[PROBE * 4];
    double val[PROBE * 8];
    size_t n = g->words <= 4 && g->n_groups <= 8 ? PROBE : 0;
    double rate = 0.0;
    if (n) {
        for (size_t k = 0; k < n; k++) {
            gb_game_mask_clear(g, masks + k * g->words);
            for (int p = 0; p < g->n_players; p++)
                if ((k * 2654435761u >> (p % 24)) & 1u)
                    gb_game_mask_add(g, masks + k * g->words, p);
        }
        double t0 = now_seconds();
        gb_game_eval(g, masks, n, val, NULL);
        double dt = now_seconds() - t0;
        if (dt > 0)
            rate = (double)n / dt;
    }
    char nc[32], ne[32];
    uint64_t n_evals = gb_estimate_exact_evals(g->n_players, bg->n);
    if (g->n_players < 64)
        gb_limit_format_count(UINT64_C(1) << g->n_players, nc, sizeof nc);
    else
        snprintf(nc, sizeof nc, "%.3g", coalitions);
    if (n_evals < UINT64_MAX)
        gb_limit_format_count(n_evals, ne, sizeof ne);
    else
        snprintf(ne, sizeof ne, "%.3g", evals);
    int used = snprintf(buf, size, "exact values would need 2^%d = %s coalitions x %zu background rows = %s model "
                        "evaluations", g->n_players, nc, bg->n, ne);
    if (rate > 0 && used > 0 && (size_t)used < size) {
        char t[64];
        human_time(coalitions / rate, t, sizeof t);
        snprintf(buf + used, size - (size_t)used, ", about %s on one thread", t);
    }
}
