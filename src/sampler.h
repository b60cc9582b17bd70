/* sampler.h: fast exact draws from two distributions LIME samples millions
 * of times per row: a discrete distribution given by weights (Walker's alias
 * method) and a normal truncated to an interval.
 *
 * Both are tables built once and read-only afterwards, so any number of
 * threads draw from one table, each with its own stream (rng.h).  Both are
 * exact rather than approximations, to the resolution stated:
 *  - gb_alias picks an index with one 64-bit word: its top 32 bits choose a
 *    column, its low 32 bits decide between the column and its alias, so a
 *    probability is carried to 2^-32 (and a zero weight is never drawn).
 *  - gb_truncnorm splits the interval into GB_TN_CELLS cells of equal
 *    probability (knots from the inverse normal distribution function), picks
 *    a cell with the top bits of a word, and draws inside the cell by
 *    rejection from the uniform under the density's largest value on the
 *    cell, so the value has exactly the truncated normal's density.  A
 *    precomputed lower bound of the acceptance ratio (the squeeze) accepts
 *    most proposals without an exp; a cell so wide that rejection would loop
 *    (a far tail) is drawn by inverting the distribution function instead.
 *    Against inverting every draw (gsl_cdf_ugaussian_Pinv) this is about
 *    four times faster, and the tables of a few bins stay in cache. */
#ifndef GB_SAMPLER_H
#define GB_SAMPLER_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "rng.h"

typedef struct gb_alias {
    size_t n;
    uint64_t *accept; /* [n] column i keeps i when the low 32 bits are below */
    uint32_t *alias;  /* [n] ... else gives alias[i] */
} gb_alias;

/* Builds the table for n >= 1 non-negative weights with a positive sum
 * (n < 2^32).  Returns 0, or -1 with err set. */
int gb_alias_init(gb_alias *a, const double *weight, size_t n, gb_error *err);
void gb_alias_free(gb_alias *a);

static inline size_t gb_alias_pick(const gb_alias *a, uint64_t word)
{
    size_t i = (size_t)(((word >> 32) * (uint64_t)a->n) >> 32), other = a->alias[i];
    /* A select, not a branch: which way it goes is random. */
    size_t keep = (size_t)0 - (size_t)((word & 0xffffffffu) < a->accept[i]);
    return (i & keep) | (other & ~keep);
}

enum { GB_TN_CELL_BITS = 6, GB_TN_CELLS = 1 << GB_TN_CELL_BITS };

/* One cell: values z0 + dz u for u in [0, 1) are proposed, and accepted
 * with probability exp((top2 - z^2) / 2). */
typedef struct gb_tn_cell {
    double z0, dz;
    double top2;      /* the square of the cell's point nearest 0 (the density's peak) */
    uint32_t squeeze; /* 2^29 times a lower bound of the acceptance ratio; 0: invert */
    uint32_t pad;
} gb_tn_cell;

/* What every draw reads comes first (one cache line), the cells next, the
 * probabilities only inverted cells read last. */
typedef struct gb_truncnorm {
    double mean, sd, lo, hi;
    double value;
    int constant; /* draws always return `value` (a point interval, or no mass a double holds) */
    int upper;    /* probabilities are of the upper tail (1 - Phi): both bounds above the mean */
    gb_tn_cell cell[GB_TN_CELLS]; /* in standard units */
    double p[GB_TN_CELLS + 1];    /* the knots' probabilities (of the tail `upper` says) */
} gb_truncnorm;

/* N(mean, sd^2) restricted to [lo, hi] (lo <= hi, sd > 0). */
void gb_truncnorm_init(gb_truncnorm *t, double mean, double sd, double lo, double hi);

/* Cell k by inversion (the rare cells where rejection would spin). */
double gb_truncnorm_invert(const gb_truncnorm *t, unsigned k, uint64_t word);

/* One word gives the cell (its top GB_TN_CELL_BITS bits), the proposal
 * (bits 29 to 56) and the acceptance uniform (the low 29); a rejected
 * proposal takes a new word and stays in its cell.  Values fall on a grid
 * of 2^-28 of a cell (of 2^-34 of the interval's probability), and
 * acceptance is decided to 2^-29.  Tables are 2.6 KB: a LIME feature has
 * sixteen (quartile and decile bins). */
static inline __attribute__((always_inline)) double gb_truncnorm_draw(const gb_truncnorm *t, gb_rng64 *g)
{
    if (t->constant)
        return t->value;
    uint64_t w = gb_rng64_next(g);
    unsigned k = (unsigned)(w >> (64 - GB_TN_CELL_BITS));
    const gb_tn_cell *c = &t->cell[k];
    double z;
    if (__builtin_expect(c->squeeze == 0, 0)) {
        z = gb_truncnorm_invert(t, k, w);
    } else {
        for (;;) {
            z = c->z0 + c->dz * ((double)((w >> 29) & ((1u << 28) - 1)) + 0.5) * 0x1.0p-28;
            uint32_t a = (uint32_t)(w & ((1u << 29) - 1));
            if (a < c->squeeze || ((double)a + 0.5) * 0x1.0p-29 < exp(0.5 * (c->top2 - z * z)))
                break;
            w = gb_rng64_next(g);
        }
    }
    double v = t->mean + t->sd * z;
    return v < t->lo ? t->lo : (v > t->hi ? t->hi : v);
}

#endif
