/* how_lime.c: the "how it works" page of LIME: the bins the row's values
 * fall in, a page of this run's neighbourhood samples (their binary
 * representation, distance, kernel weight and model output), and the local
 * weighted ridge fit with its intercept, weights and weighted R^2 (see
 * src/lime.h for the method). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "how.h"

/* "bmi <= 23.2", "23.2 < bmi <= 27", "bmi > 31", "bmi missing", ... */
static void bin_text(char *buf, size_t size, const ui_app *app, const gb_trace *t, int f)
{
    char nb[64], vb[64];
    const char *name = ui_feature_name(app, f, nb, sizeof nb);
    double lo = t->bin_lo[f], hi = t->bin_hi[f];
    int b = t->lime.bin[f];
    if (b < 0 && t->lime_discretize == GB_LIME_NONE)
        snprintf(buf, size, "z = (x - mean) / sd = %.3g", t->lime.z0[f]);
    else if (b < 0)
        snprintf(buf, size, "%s = %s", name, ui_feature_text(app, f, t->row, vb, sizeof vb));
    else if (isnan(lo))
        snprintf(buf, size, "%s missing", name);
    else if (isinf(lo) && isinf(hi))
        snprintf(buf, size, "any %s", name);
    else if (isinf(lo))
        snprintf(buf, size, "%s <= %.4g", name, hi);
    else if (isinf(hi))
        snprintf(buf, size, "%s > %.4g", name, lo);
    else
        snprintf(buf, size, "%.4g < %s <= %.4g", lo, name, hi);
}

static void bins(ui_how_page *pg, const ui_app *app, const gb_trace *t)
{
    const char *how = t->lime_discretize == GB_LIME_QUARTILE ? "quartiles"
                      : t->lime_discretize == GB_LIME_DECILE ? "deciles"
                                                             : NULL;
    if (how)
        ui_how_step(pg, 1, "Bins: each numeric feature is cut at its %s over the data; the row's value falls in one "
                           "bin, and a sample agrees with the row on a feature when it falls in the same bin "
                           "(a categorical feature: the same category).", how);
    else
        ui_how_step(pg, 1, "No bins (--discretize none): each numeric feature is standardised, z = (x - mean) / "
                           "sd over the data; a categorical one is 1 when it equals the row's category.");
    ui_how_line(pg, UI_ROLE_DIM, "  %3s %-18s %12s  %s", "#", "feature", "value", how ? "the row's bin" : "z");
    char nb[64], vb[64], bt[160];
    for (int f = 0; f < t->n_features; f++) {
        bin_text(bt, sizeof bt, app, t, f);
        ui_how_line(pg, UI_ROLE_NORMAL, "  %3d %-18.18s %12s  %s", f + 1, ui_feature_name(app, f, nb, sizeof nb),
                    ui_feature_text(app, f, t->row, vb, sizeof vb), bt);
    }
}

static void samples(ui_how_page *pg, const ui_app *app, const gb_trace *t)
{
    int F = t->n_features, binary = t->lime_discretize != GB_LIME_NONE;
    ui_how_step(pg, 2, "Neighbourhood: %zu samples are drawn around the row, feature by feature from the data's "
                       "%s; sample 1 is the row itself.", t->lime_samples,
                binary ? "bins (a bin by its frequency, then a value inside it)" : "means and standard deviations");
    ui_how_text(pg, UI_ROLE_NORMAL, "  Each gets a weight from its distance d to the row in z: w = sqrt(exp(-d^2 / "
                "width^2)), width %.4g; near samples count most in the fit.", t->lime_kernel_width);
    ui_how_text(pg, UI_ROLE_NORMAL, "  The first %zu samples (z columns are the features 1 to %d%s):", t->n, F,
                binary ? "; 1 = in the row's bin" : "");
    char hdr[300], mask[1024];
    ui_how_mask_header(hdr, sizeof hdr, F);
    int zw = binary ? (F > 6 ? F : 6) : 6 * (F < 8 ? F : 8);
    ui_how_line(pg, UI_ROLE_DIM, "  %6s  %-*s %9s %10s %12s", "#", zw, binary && F > 6 ? hdr : "z", "distance",
                "weight", "model");
    unsigned char *z = NULL;
    unsigned char zb[4096];
    for (size_t i = 0; i < t->n; i++) {
        const double *zi = t->lz + i * (size_t)F;
        double d2 = 0;
        for (int f = 0; f < F; f++)
            d2 += (zi[f] - t->lime.z0[f]) * (zi[f] - t->lime.z0[f]);
        char cell[1024];
        if (binary) {
            z = zb;
            for (int f = 0; f < F && f < (int)sizeof zb; f++)
                z[f] = zi[f] != 0.0;
            ui_how_mask(mask, sizeof mask, app, z, F < (int)sizeof zb ? F : (int)sizeof zb);
            snprintf(cell, sizeof cell, "%s%*s", mask, (F > 6 ? F : 6) - F, "");
        } else {
            int n = 0;
            cell[0] = '\0';
            for (int f = 0; f < F && f < 8; f++)
                n += snprintf(cell + n, sizeof cell - (size_t)n, "%6.2f", zi[f]);
        }
        ui_how_line(pg, UI_ROLE_NORMAL, "  %6zu  %s %9.4g %10.4g %12.6g", i + 1, cell, sqrt(d2), t->lw[i], t->ly[i]);
    }
    if (t->n < t->total)
        ui_how_text(pg, UI_ROLE_DIM, "  ... and %zu more (only the first %zu are kept for this page)",
                    t->total - t->n, t->n);
}

static void fit(ui_how_page *pg, const ui_app *app, const gb_trace *t)
{
    const gb_lime_result *r = &t->lime;
    const char *sel = t->lime_selection == GB_LIME_AUTO
                          ? (t->lime_k <= 6 ? "forward selection (auto, K <= 6)" : "the highest weights (auto, K > 6)")
                          : gb_lime_selection_name(t->lime_selection);
    ui_how_step(pg, 3, "The local model: a weighted ridge regression (alpha 1) of the model's output on z, over "
                       "the %d feature%s chosen by %s.", r->n_selected, r->n_selected == 1 ? "" : "s", sel);
    ui_how_text(pg, UI_ROLE_NORMAL, "  Its weights are the explanation: how much agreeing with the row on a feature "
                "moves the output near this row.");
    ui_how_line(pg, UI_ROLE_DIM, "  %-18s %12s %8s %12s", "feature", "value", "z(row)", "weight");
    char nb[64], vb[64];
    for (int j = 0; j < r->n_selected; j++) {
        int f = r->selected[j];
        ui_how_line(pg, r->weights[f] >= 0 ? UI_ROLE_POSITIVE : UI_ROLE_NEGATIVE, "  %-18.18s %12s %8.3g %+12.6g",
                    ui_feature_name(app, f, nb, sizeof nb), ui_feature_text(app, f, t->row, vb, sizeof vb), r->z0[f],
                    r->weights[f]);
    }
    if (r->n_selected < t->n_features)
        ui_how_text(pg, UI_ROLE_DIM, "  (the other %d features are not in the model: weight 0)",
                    t->n_features - r->n_selected);
    ui_how_line(pg, UI_ROLE_NORMAL, "  intercept          %+.6g", r->intercept);
    ui_how_line(pg, UI_ROLE_NORMAL, "  local prediction   %.6g = intercept + weights . z(row)", r->local_pred);
    ui_how_line(pg, UI_ROLE_NORMAL, "  model's output     %.6g", r->model_pred);
    ui_how_text(pg, UI_ROLE_NORMAL, "  weighted R%s        %.4f: the share of the samples' weighted variance the "
                "local model explains (1 = a perfect local fit).", app->theme.utf8 ? "\xc2\xb2" : "^2", r->r2);
}

void ui_how_lime(ui_how_page *pg, const ui_app *app, const gb_trace *t)
{
    ui_how_text(pg, UI_ROLE_NORMAL, "LIME explains row %zu with a simple weighted linear model fitted to the "
                "model's outputs on random samples around the row.", t->row);
    if (t->n_groups > 1)
        ui_how_text(pg, UI_ROLE_DIM, "Output shown: class %d (< > change it).", t->group);
    bins(pg, app, t);
    samples(pg, app, t);
    fit(pg, app, t);
}
