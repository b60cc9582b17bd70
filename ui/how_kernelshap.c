/* how_kernelshap.c: the "how it works" page of KernelSHAP: the game, the
 * coalitions this run evaluated (as feature-present masks) with their
 * Shapley kernel weights and values, and the weighted regression whose
 * coefficients are the attributions (see src/kernelshap.h for the method). */
#include <stdio.h>

#include "how.h"

static double kernel_weight(int P, int s)
{
    double c = 1;
    for (int j = 1; j <= s; j++)
        c = c * (double)(P - s + j) / j;
    return (double)(P - 1) / (c * s * (double)(P - s));
}

static void coalitions(ui_how_page *pg, const ui_app *app, const gb_trace *t, int g)
{
    int P = t->n_players;
    size_t n_enum = t->enumerated, n_samp = 2 * t->pairs;
    ui_how_step(pg, 2, "Coalitions: each is a set z of players; the Shapley kernel weights sizes near 0 and P "
                       "most, (P-1) / (C(P,|z|) |z| (P-|z|)).");
    if (t->enum_size > 0 && 2 * t->enum_size >= P - 1)
        ui_how_text(pg, UI_ROLE_NORMAL, "  The budget covers every coalition: all %zu (sizes 1 to %d) were "
                    "enumerated, each with its exact weight.", n_enum, P - 1);
    else if (t->enum_size > 0)
        ui_how_text(pg, UI_ROLE_NORMAL, "  Sizes 1 to %d and %d to %d were enumerated completely: %zu coalitions, "
                    "each with its exact weight.", t->enum_size, P - t->enum_size, P - 1, n_enum);
    if (t->pairs)
        ui_how_text(pg, UI_ROLE_NORMAL, "  The other sizes hold kernel mass %.4g; %zu pairs (a random z and its "
                    "complement) were sampled for it, each half weighing %.4g / (2 x %zu) = %.3g.",
                    t->sampled_mass, t->pairs, t->sampled_mass, t->pairs, 0.5 * t->sampled_mass / (double)t->pairs);
    char shown[48];
    ui_how_text(pg, UI_ROLE_NORMAL, "  %zu coalitions in all, each costing one model call per background row; %s:",
                n_enum + n_samp, ui_how_kept(t, shown, sizeof shown));
    char hdr[300], mask[1024];
    ui_how_mask_header(hdr, sizeof hdr, P);
    ui_how_line(pg, UI_ROLE_DIM, "  %6s  %-*s %4s %12s %12s  %s", "#", P > 6 ? P : 6, P > 6 ? hdr : "z", "|z|",
                "weight", "v(z)", "how chosen");
    for (size_t i = 0; i < t->n; i++) {
        const unsigned char *z = t->z + i * (size_t)P;
        int s = 0;
        for (int p = 0; p < P; p++)
            s += z[p];
        ui_how_mask(mask, sizeof mask, app, z, P);
        int pad = (P > 6 ? P : 6) - P;
        ui_how_line(pg, UI_ROLE_NORMAL, "  %6zu  %s%*s %4d %12.5g %12.6g  %s", i + 1, mask, pad, "", s, t->weight[i],
                    t->value[i * (size_t)t->n_groups + (size_t)g],
                    t->sampled[i] ? "sampled" : "enumerated");
    }
    if (t->n < t->total)
        ui_how_text(pg, UI_ROLE_DIM, "  ... and %zu more (only the first %zu are kept for this page)",
                    t->total - t->n, t->n);
    if (t->enum_size > 0)
        ui_how_text(pg, UI_ROLE_DIM, "  (The kernel gives a coalition of size 1 weight %.4g and one of size %d "
                    "weight %.4g: small and large coalitions say most about single features.)", kernel_weight(P, 1),
                    P / 2, kernel_weight(P, P / 2));
}

static void fit(ui_how_page *pg, const ui_app *app, const gb_trace *t, int g)
{
    ui_how_step(pg, 3, "The fit: phi minimises the sum of w(z) (v(z) - v(empty) - z.phi)^2 over the coalitions, "
                       "subject to sum phi = v(all) - v(empty).");
    ui_how_text(pg, UI_ROLE_NORMAL, "  That constraint (efficiency) makes the attributions add up to the output; "
                "the coefficients are the Shapley values.");
    ui_how_phi_table(pg, app, t, g);
    if (t->pairs)
        ui_how_text(pg, UI_ROLE_DIM, "  Standard errors: how much phi would move with other sampled pairs (the "
                    "spread of each pair's pull on the fit, over sqrt(pairs)).");
    else
        ui_how_text(pg, UI_ROLE_DIM, "  Every coalition was enumerated, so the result is exact: no sampling error.");
}

void ui_how_kernelshap(ui_how_page *pg, const ui_app *app, const gb_trace *t)
{
    int g = ui_how_group(app, t);
    ui_how_text(pg, UI_ROLE_NORMAL, "KernelSHAP finds the Shapley values of row %zu as a weighted linear regression "
                "over coalitions of features.", t->row);
    if (t->n_groups > 1)
        ui_how_line(pg, UI_ROLE_DIM, "Values shown for class %d (< > change it).", g);
    if (ui_how_game(pg, app, t, g))
        return;
    coalitions(pg, app, t, g);
    fit(pg, app, t, g);
}
