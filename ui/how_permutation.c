/* how_permutation.c: the "how it works" page of permutation SHAP: the
 * orders this run drew, each feature's marginal contribution in the forward
 * and the backward pass of each, and how their mean and spread become the
 * attributions and standard errors (see src/permutation.h). */
#include <stdio.h>
#include <string.h>

#include "how.h"

/* v in at most 6 characters: fewer significant digits rather than a
 * column out of line. */
static void cell6(char *buf, size_t size, double v)
{
    for (int digits = 3; digits >= 1; digits--) {
        snprintf(buf, size, "%+.*g", digits, v);
        if (strlen(buf) <= 6)
            return;
    }
}

/* A row of numbers, one 7-cell column per player. */
static void number_row(ui_how_page *pg, ui_role role, const char *label, const double *v, size_t stride, int P)
{
    char line[2048], c[32];
    int n = snprintf(line, sizeof line, "  %-8s", label);
    for (int p = 0; p < P && n < (int)sizeof line - 16; p++) {
        cell6(c, sizeof c, v[(size_t)p * stride]);
        n += snprintf(line + n, sizeof line - (size_t)n, " %6s", c);
    }
    ui_how_line(pg, role, "%s", line);
}

static void orders(ui_how_page *pg, const ui_app *app, const gb_trace *t, int g)
{
    int P = t->n_players, G = t->n_groups;
    ui_how_step(pg, 2, "Orders: each pair draws a random order of the players. The forward pass switches them on "
                       "in that order, the backward pass switches them off in the same order; each feature is "
                       "credited with the change in v when it joins (or leaves).");
    char shown[48];
    ui_how_text(pg, UI_ROLE_NORMAL, "  %zu pairs of passes, %d coalitions each; %s, with the contribution of each "
                "player in each pass:", t->total, 2 * (P - 1), ui_how_kept(t, shown, sizeof shown));
    char line[2048], nb[64];
    int n = snprintf(line, sizeof line, "  %-8s", "");
    for (int p = 0; p < P && n < (int)sizeof line - 16; p++)
        n += snprintf(line + n, sizeof line - (size_t)n, " %6.6s", ui_feature_name(app, t->players[p], nb, sizeof nb));
    ui_how_line(pg, UI_ROLE_DIM, "%s", line);
    for (size_t i = 0; i < t->n; i++) {
        n = snprintf(line, sizeof line, "  pair %zu: order", i + 1);
        for (int k = 0; k < P && n < (int)sizeof line - 8; k++)
            n += snprintf(line + n, sizeof line - (size_t)n, " %d", t->order[i * (size_t)P + (size_t)k] + 1);
        ui_how_line(pg, UI_ROLE_NORMAL, "%s", line);
        number_row(pg, UI_ROLE_NORMAL, "forward", t->forward + i * (size_t)P * (size_t)G + (size_t)g, (size_t)G, P);
        number_row(pg, UI_ROLE_NORMAL, "backward", t->backward + i * (size_t)P * (size_t)G + (size_t)g, (size_t)G,
                   P);
    }
    if (t->n < t->total)
        ui_how_text(pg, UI_ROLE_DIM, "  ... and %zu more pairs (only the first %zu are kept for this page)",
                    t->total - t->n, t->n);
    ui_how_text(pg, UI_ROLE_DIM, "  Each pass adds up to v(all) - v(empty) = %.6g, whatever the order.",
                t->v_full[g] - t->v_empty[g]);
}

static void average(ui_how_page *pg, const ui_app *app, const gb_trace *t, int g)
{
    ui_how_step(pg, 3, "Averaging: a pair's estimate is the mean of its two passes; phi is the mean over the %zu "
                       "pairs, and its standard error the pairs' standard deviation over sqrt(%zu).",
                t->total, t->total);
    ui_how_text(pg, UI_ROLE_NORMAL, "  The backward pass is the reversed order, so a feature that joined early in "
                "one joins late in the other: their mean varies less than two random orders would.");
    ui_how_phi_table(pg, app, t, g);
}

void ui_how_permutation(ui_how_page *pg, const ui_app *app, const gb_trace *t)
{
    int g = ui_how_group(app, t);
    ui_how_text(pg, UI_ROLE_NORMAL, "Permutation SHAP estimates the Shapley values of row %zu as the average, over "
                "random orders of the features, of what each adds when it joins those before it.", t->row);
    if (t->n_groups > 1)
        ui_how_text(pg, UI_ROLE_DIM, "Values shown for class %d (< > change it).", g);
    if (ui_how_game(pg, app, t, g))
        return;
    orders(pg, app, t, g);
    average(pg, app, t, g);
}
