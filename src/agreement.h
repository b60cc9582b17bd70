/* agreement.h: how far two explanations of the same row agree.
 *
 * The compare screen shows one row under several methods; two attribution
 * vectors can differ in scale yet tell the same story, so besides the raw
 * numbers it reports rank agreement: Spearman's correlation of the values
 * (does the order, sign included, agree?) and of their magnitudes (do the
 * methods find the same features important?), and the overlap of the k
 * features with the largest magnitude.  Ties take average ranks, as in
 * scipy.stats.spearmanr.  No curses here: the batch side may report the same
 * figures. */
#ifndef GB_AGREEMENT_H
#define GB_AGREEMENT_H

#include <stddef.h>

#include "error.h"

typedef struct gb_agreement {
    size_t n_used;        /* features where both values are numbers */
    double spearman;      /* of the signed values; NaN when undefined */
    double spearman_abs;  /* of |value|; NaN when undefined */
    size_t k;             /* the k asked for, capped at n */
    size_t topk_common;   /* features in both top-k sets */
    double topk_fraction; /* topk_common / k (1 when k == 0) */
} gb_agreement;

/* Spearman's rank correlation of a and b (n values each), or of |a| and |b|
 * when absolute is set.  Pairs where either value is NaN are left out.  The
 * result is NaN when fewer than two pairs remain or either side has all
 * values tied (the correlation is undefined, not zero).  Returns 0, or -1
 * with err set when memory runs out. */
int gb_spearman(const double *a, const double *b, size_t n, int absolute, double *rho, gb_error *err);

/* The number of features among the k largest |a| that are also among the k
 * largest |b|.  NaN counts as smaller than any number; equal magnitudes are
 * ordered by feature index (lower first), so the result never depends on
 * the sort.  k is capped at n.  Returns 0, or -1 with err set. */
int gb_topk_overlap(const double *a, const double *b, size_t n, size_t k, size_t *common, gb_error *err);

/* All of the above at once. */
int gb_agreement_compute(const double *a, const double *b, size_t n, size_t k, gb_agreement *out, gb_error *err);

#endif
