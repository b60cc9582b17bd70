/* coalition.h: the value of a coalition of features, averaged over a
 * background: the engine every model-agnostic explainer spends its time in.
 *
 * For a row x, a coalition S (a set of model features) and a background of
 * rows b_1..b_n with weights w_i, the value is
 *     v(S) = sum_i w_i * out(f(x on S, b_i elsewhere))
 * where out is the raw margin, or the model's transformed output (the
 * probability) in GB_SPACE_PROBABILITY.  Shapley values of v are the
 * interventional ("baseline") Shapley values; v(empty) is the base value and
 * v(all) the model's output at x.  One v(S) counts as n model evaluations.
 *
 * Coalitions are bit masks over the model's features (bit f of word f / 64:
 * feature f takes x's value), gb_coalition_words() words each, evaluated in
 * batches.  How they are evaluated depends on the model:
 *  - trees: the background rows go down each tree together as a bit set, a
 *    split on a feature in S sends the whole set x's way, a split on any
 *    other feature divides it by where each background row goes (a bit mask
 *    precomputed per node); a leaf adds its value times the weight of the
 *    rows that reach it.  Cost per coalition: the nodes visited times
 *    n / 64 words, instead of n root-to-leaf walks;
 *  - linear models in margin space: a closed form, O(|S|) per coalition;
 *  - otherwise (probability space for linear models, or a background too
 *    big for the bit sets), the hybrid rows are evaluated one by one.
 * GB_COALITION_DIRECT forces the last way, as a reference for tests.
 *
 * A gb_coalition is read-only once built, so threads share it; each thread
 * owns a gb_coalition_ws, which holds one row at a time (gb_game_begin).
 * A gb_game is the row-bound view the explainers use: the players (features
 * that can change the value: used by the model and differing from x in some
 * background row), v(empty), v(all), and masks built from players. */
#ifndef GB_COALITION_H
#define GB_COALITION_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "background.h"
#include "error.h"
#include "model.h"

typedef enum gb_output_space { GB_SPACE_MARGIN = 0, GB_SPACE_PROBABILITY = 1 } gb_output_space;

const char *gb_output_space_name(gb_output_space space);
int gb_output_space_parse(const char *name, gb_output_space *out);

enum { GB_COALITION_DIRECT = 1u << 0 };

typedef struct gb_coalition gb_coalition;
typedef struct gb_coalition_ws gb_coalition_ws;

/* m and bg must outlive the engine. */
gb_coalition *gb_coalition_new(const gb_model *m, const gb_background *bg, gb_output_space space, unsigned flags,
                               gb_error *err);
void gb_coalition_free(gb_coalition *c);

size_t gb_coalition_words(const gb_coalition *c);
int gb_coalition_outputs(const gb_coalition *c); /* values per coalition: the model's groups */
const gb_model *gb_coalition_model(const gb_coalition *c);
const gb_background *gb_coalition_background(const gb_coalition *c);
gb_output_space gb_coalition_space(const gb_coalition *c);

gb_coalition_ws *gb_coalition_ws_new(const gb_coalition *c, gb_error *err);
void gb_coalition_ws_free(gb_coalition_ws *ws);

/* Makes x (n_features raw values, copied) the row that coalitions take
 * their values from. */
void gb_coalition_set_row(const gb_coalition *c, gb_coalition_ws *ws, const double *x);

/* out[k * outputs + g] = v_g(masks[k]) for k < n.  Returns 0, or 1 when
 * cancel became non-zero (checked between trees, so a single huge
 * evaluation stops quickly too); out is then partly written. */
int gb_coalition_eval(const gb_coalition *c, gb_coalition_ws *ws, const uint64_t *masks, size_t n, double *out,
                      const atomic_int *cancel);

/* Model evaluations done by this workspace since it was made. */
uint64_t gb_coalition_ws_evals(const gb_coalition_ws *ws);

/* ------------------------------------------------------------------ games */

typedef struct gb_game {
    const gb_coalition *c;
    gb_coalition_ws *ws;
    int n_groups;
    size_t words;       /* per mask */
    int n_players;
    int *players;       /* player p is model feature players[p] */
    uint64_t *base;     /* the mask of the empty coalition of players */
    double *v_empty;    /* [n_groups]: the base value */
    double *v_full;     /* [n_groups]: the output at x */
} gb_game;

/* Binds ws to row x, finds the players and evaluates v(empty) and v(all).
 * Features that are not players take x's value in every mask (they equal it
 * in every background row, or the model never reads them), so their
 * attribution is exactly 0.  Returns 0, 1 if cancelled, -1 with err set;
 * only after 0 is there a game to end (gb_game_end). */
int gb_game_begin(gb_game *g, const gb_coalition *c, gb_coalition_ws *ws, const double *x,
                  const atomic_int *cancel, gb_error *err);
void gb_game_end(gb_game *g);

/* The number of players x would have, without evaluating anything. */
int gb_coalition_count_players(const gb_coalition *c, const double *x);

static inline void gb_game_mask_clear(const gb_game *g, uint64_t *mask)
{
    for (size_t w = 0; w < g->words; w++)
        mask[w] = g->base[w];
}

static inline void gb_game_mask_add(const gb_game *g, uint64_t *mask, int player)
{
    int f = g->players[player];
    mask[f >> 6] |= UINT64_C(1) << (f & 63);
}

static inline void gb_game_mask_remove(const gb_game *g, uint64_t *mask, int player)
{
    int f = g->players[player];
    mask[f >> 6] &= ~(UINT64_C(1) << (f & 63));
}

static inline int gb_game_eval(gb_game *g, const uint64_t *masks, size_t n, double *out,
                               const atomic_int *cancel)
{
    return gb_coalition_eval(g->c, g->ws, masks, n, out, cancel);
}

#endif
