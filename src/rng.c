/* rng.c: SplitMix64 as a gsl_rng_type, and per-row streams (see rng.h).
 *
 * SplitMix64 advances a 64-bit counter by the odd constant 0x9e3779b97f4a7c15
 * and returns a strong mix (two xor-shift-multiply rounds) of it.  gsl_rng's
 * seed is an unsigned long, which is 64 bits on the platforms we build on;
 * gb_rng_reset writes the state directly so that 32-bit longs lose nothing
 * either.  GSL's integer interface expects at most 32 random bits from
 * `get`, so it returns the top 32; `get_double` uses the top 53 bits. */
#include "rng.h"

#include <string.h>

typedef struct splitmix_state {
    uint64_t s;
} splitmix_state;

static uint64_t next64(splitmix_state *st)
{
    st->s += UINT64_C(0x9e3779b97f4a7c15);
    return gb_rng_mix64(st->s);
}

static void sm_set(void *vstate, unsigned long seed)
{
    ((splitmix_state *)vstate)->s = (uint64_t)seed;
}

static unsigned long sm_get(void *vstate)
{
    return (unsigned long)(next64(vstate) >> 32);
}

static double sm_get_double(void *vstate)
{
    return (double)(next64(vstate) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type splitmix_type = {
    "gb-splitmix64", 0xffffffffUL, 0, sizeof(splitmix_state), sm_set, sm_get, sm_get_double};

const gsl_rng_type *const gb_rng_splitmix64 = &splitmix_type;

uint64_t gb_rng_key(uint64_t seed, uint64_t purpose, uint64_t index)
{
    /* Each input goes through the mixer before the next is added, so
     * (seed, purpose, index) triples that differ anywhere give unrelated
     * keys, not shifted copies of one stream. */
    uint64_t h = gb_rng_mix64(seed + UINT64_C(0x243f6a8885a308d3));
    h = gb_rng_mix64(h ^ (purpose * UINT64_C(0x9e3779b97f4a7c15)));
    return gb_rng_mix64(h + index * UINT64_C(0xd1b54a32d192ed03) + 1);
}

void gb_rng_reset(gsl_rng *r, uint64_t seed, uint64_t purpose, uint64_t index)
{
    uint64_t key = gb_rng_key(seed, purpose, index);
    if (r->type == &splitmix_type)
        ((splitmix_state *)r->state)->s = key;
    else
        gsl_rng_set(r, (unsigned long)(key ^ (key >> 32)));
}

gsl_rng *gb_rng_new(uint64_t seed, uint64_t purpose, uint64_t index, gb_error *err)
{
    gsl_rng *r = gsl_rng_alloc(&splitmix_type);
    if (!r) {
        gb_error_set(err, "out of memory for a random number generator");
        return NULL;
    }
    gb_rng_reset(r, seed, purpose, index);
    return r;
}

void gb_rng64_begin(gb_rng64 *g, gsl_rng *r)
{
    g->r = r;
    g->fast = r->type == &splitmix_type;
    g->s = g->fast ? ((splitmix_state *)r->state)->s : 0;
}

void gb_rng64_end(gb_rng64 *g)
{
    if (g->fast)
        ((splitmix_state *)g->r->state)->s = g->s;
}

uint64_t gb_rng64_slow(gsl_rng *r)
{
    /* Two 32-bit halves, each from a uniform in [0, 1) so that generators
     * with fewer than 32 bits per call still fill the word. */
    uint64_t hi = (uint64_t)(gsl_rng_uniform(r) * 0x1.0p32), lo = (uint64_t)(gsl_rng_uniform(r) * 0x1.0p32);
    return hi << 32 | lo;
}
