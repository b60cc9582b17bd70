/* treeshap.h: exact path-dependent TreeSHAP (Lundberg, Erion and Lee).
 *
 * For a tree ensemble and one row, computes the Shapley values of the
 * "path-dependent" value function, in which a feature that is absent follows
 * both children of a split in proportion to their training cover.  The
 * result is exact (no sampling) and additive: for every group g,
 *     base[g] + sum_f phi[g][f] == margin[g]
 * where base[g] is the cover-weighted mean leaf value plus the model's
 * margin-space intercept.  Values are in the raw margin space, one set per
 * group, laid out as XGBoost's pred_contribs: n_groups blocks of
 * n_features + 1 numbers, the block's last number being base[g].
 *
 * A gb_treeshap is built once per model and is read-only afterwards, so any
 * number of threads can share it; each thread owns a gb_treeshap_ws. */
#ifndef GB_TREESHAP_H
#define GB_TREESHAP_H

#include "error.h"
#include "model.h"

typedef struct gb_treeshap gb_treeshap;
typedef struct gb_treeshap_ws gb_treeshap_ws;

gb_treeshap *gb_treeshap_new(const gb_model *m, gb_error *err);
void gb_treeshap_free(gb_treeshap *ts);

/* Expected value per group (n_groups numbers), intercept included. */
const double *gb_treeshap_base(const gb_treeshap *ts);

gb_treeshap_ws *gb_treeshap_ws_new(const gb_treeshap *ts, gb_error *err);
void gb_treeshap_ws_free(gb_treeshap_ws *ws);

/* phi: n_groups * (n_features + 1) numbers, overwritten.  x: n_features raw
 * values (the function applies the model's input rounding itself). */
void gb_treeshap_row(const gb_treeshap *ts, gb_treeshap_ws *ws, const double *x, double *phi);

/* The same numbers (to rounding) by the classic path algorithm, EXTEND and
 * UNWIND: slower, kept as the reference gb_treeshap_row is tested against. */
void gb_treeshap_row_classic(const gb_treeshap *ts, gb_treeshap_ws *ws, const double *x, double *phi);

/* Conditioned TreeSHAP, the building block of SHAP interaction values
 * (XGBoost's TreeShap with a condition): feature cond_feature leaves the
 * game and is held present (cond > 0: x follows its own branch) or absent
 * (cond < 0: both branches in proportion to cover); phi (same layout) gets
 * the other features' Shapley values in that game.  cond_feature's own
 * entries and the base column are 0. */
void gb_treeshap_row_cond(const gb_treeshap *ts, gb_treeshap_ws *ws, const double *x, int cond_feature, int cond,
                          double *phi);

#endif
