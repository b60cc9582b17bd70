/* shapley_exact.h: exact interventional Shapley values by enumeration.
 *
 * phi_i = sum over coalitions S of the other players of
 *         |S|! (P - |S| - 1)! / P! * (v(S + i) - v(S)),
 * with v the background-averaged value of gb_game and P its players (the
 * features that can change the output for this row).  Every one of the 2^P
 * coalitions is evaluated once, so this is the ground truth the sampling
 * methods are tested against, and practical up to about 20 players: beyond
 * GB_EXACT_MAX_PLAYERS it refuses, saying what it would cost. */
#ifndef GB_SHAPLEY_EXACT_H
#define GB_SHAPLEY_EXACT_H

#include <stdatomic.h>

#include "coalition.h"
#include "error.h"

#define GB_EXACT_MAX_PLAYERS 20

/* phi: n_groups * (n_features + 1), base value last in each block; non-players
 * get 0.  Returns 0, 1 when cancelled, or -1 with err set (too many
 * players, out of memory). */
int gb_shapley_exact_row(gb_game *g, double *phi, const atomic_int *cancel, gb_error *err);

/* "exact values would need 2^25 = 33,554,432 coalitions x 100 background
 * rows = 3,355,443,200 model evaluations" and, from a short timed run on
 * this game, "about 2.1 hours on one thread"; written into buf. */
void gb_shapley_exact_cost(gb_game *g, char *buf, size_t size);

#endif
