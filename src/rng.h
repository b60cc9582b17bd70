/* rng.h: random streams that depend only on (seed, purpose, index).
 *
 * Every random method takes a seed, and its numbers for a row must not
 * depend on the thread that explains the row or on which other rows are
 * explained in the same run.  So nothing draws from a shared generator:
 * each row gets its own gsl_rng, seeded from a 64-bit hash of the user's
 * seed, a purpose tag (background sampling, k-means, a method's sampling)
 * and the data row's index.  The generator is SplitMix64 (Steele, Lea and
 * Flood 2014) wrapped as a gsl_rng_type, so GSL's samplers (gsl_ran_*) work
 * on it unchanged; unlike GSL's own generators it keeps all 64 bits of the
 * seed, so a million rows get a million distinct streams.  Its state is one
 * word: creating a stream per row costs nothing. */
#ifndef GB_RNG_H
#define GB_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "error.h"

/* Purpose tags: different uses of one seed never share a stream. */
enum {
    GB_RNG_BACKGROUND = 1,
    GB_RNG_KMEANS = 2,
    GB_RNG_KERNELSHAP = 3,
    GB_RNG_PERMUTATION = 4,
    GB_RNG_LIME = 5
};

/* The gsl_rng_type behind gb_rng_new, for callers that allocate their own. */
extern const gsl_rng_type *const gb_rng_splitmix64;

/* A stream for (seed, purpose, index); free with gsl_rng_free.  Returns NULL
 * with err set when out of memory. */
gsl_rng *gb_rng_new(uint64_t seed, uint64_t purpose, uint64_t index, gb_error *err);

/* Re-seeds an existing stream (of any type) as gb_rng_new would. */
void gb_rng_reset(gsl_rng *r, uint64_t seed, uint64_t purpose, uint64_t index);

/* The 64-bit mix of the three numbers that seeds a stream. */
uint64_t gb_rng_key(uint64_t seed, uint64_t purpose, uint64_t index);

/* Raw 64-bit words from a stream, for samplers that draw millions of
 * numbers per row (LIME).  gb_rng64_begin copies a SplitMix64 stream's
 * state into the struct, where an inlined loop keeps it in a register, and
 * gb_rng64_end writes it back; in between the gsl_rng must not be used
 * directly.  The words are the ones its gsl_rng_get and gsl_rng_uniform are
 * cut from.  Any other generator is read through GSL, 32 bits at a time. */
typedef struct gb_rng64 {
    uint64_t s; /* the SplitMix64 state, when fast */
    int fast;
    gsl_rng *r;
} gb_rng64;

void gb_rng64_begin(gb_rng64 *g, gsl_rng *r);
void gb_rng64_end(gb_rng64 *g);
uint64_t gb_rng64_slow(gsl_rng *r);

static inline uint64_t gb_rng_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static inline uint64_t gb_rng64_next(gb_rng64 *g)
{
    if (__builtin_expect(g->fast, 1))
        return gb_rng_mix64(g->s += UINT64_C(0x9e3779b97f4a7c15));
    return gb_rng64_slow(g->r);
}

#endif
