/* how.h: "how it works" for the sampling methods (KernelSHAP, permutation
 * SHAP, LIME): what the method did for the selected row, with this run's
 * own numbers, as a scrollable page of short steps.
 *
 * The numbers come from a trace (src/explain_trace.h) computed on the worker
 * by the same explainer, seed and parameters that produced the row's
 * explanation, so every figure on the page is one the explanation used.
 * Each method's page is a list of lines (ui_how_page) built by its own
 * module (how_kernelshap.c, how_permutation.c, how_lime.c) and drawn and
 * scrolled by screen_how.c. */
#ifndef GB_UI_HOW_H
#define GB_UI_HOW_H

#include "../src/explain_trace.h"
#include "app.h"
#include "theme.h"

/* A page: lines of text, each with a role (heading, dim note, ...). */
typedef struct ui_how_page {
    char **text;
    ui_role *role;
    int n, cap;
    int oom;   /* a line could not be added */
    int width; /* prose (ui_how_text, ui_how_step) wraps at this many columns */
} ui_how_page;

void ui_how_page_clear(ui_how_page *pg);
void ui_how_page_free(ui_how_page *pg);
/* Appends a line (printf-style), cut at the screen's edge: table rows. */
void ui_how_line(ui_how_page *pg, ui_role role, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Appends prose, wrapped at pg->width at spaces; continuation lines keep
 * the first line's indent. */
void ui_how_text(ui_how_page *pg, ui_role role, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A heading: a blank line, then "Step N. text" in the header role. */
void ui_how_step(ui_how_page *pg, int step, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The trace of the selected row under the current parameters: returns 1
 * with *t set when ready, 0 while it is computed (a job is started when
 * needed), -1 when it failed (the message is in the status line; Enter
 * retries through ui_how_trace_retry). */
int ui_how_trace(ui_app *app, const gb_trace **t);
void ui_how_trace_retry(ui_app *app);
/* Frees the stored trace (at exit). */
void ui_how_trace_free(ui_app *app);

/* Shared pieces of the pages. */
/* "age sex bmi ..." legend of the players, numbered as the mask columns. */
void ui_how_players(ui_how_page *pg, const ui_app *app, const gb_trace *t);
/* A feature-present mask: one cell per player, filled when present. */
void ui_how_mask(char *buf, size_t size, const ui_app *app, const unsigned char *z, int n);
/* The column headers of masks: player numbers' last digits. */
void ui_how_mask_header(char *buf, size_t size, int n);
/* Step 1 of the Shapley pages: the game v(S), its ends and its players.
 * Returns 1 when at most one feature plays (the page then says there is
 * nothing to sample and ends), else 0. */
int ui_how_game(ui_how_page *pg, const ui_app *app, const gb_trace *t, int g);
/* "the first N" or "all of them": the coalitions or orders the trace kept
 * of all the run used.  Returns buf. */
const char *ui_how_kept(const gb_trace *t, char *buf, size_t size);
/* The last step of the Shapley pages: each player's value, phi and
 * standard error (0 without one), and sum phi = v(all) - v(empty). */
void ui_how_phi_table(ui_how_page *pg, const ui_app *app, const gb_trace *t, int g);
/* The class a page shows (the explanation's). */
int ui_how_group(const ui_app *app, const gb_trace *t);

/* The pages. */
void ui_how_kernelshap(ui_how_page *pg, const ui_app *app, const gb_trace *t);
void ui_how_permutation(ui_how_page *pg, const ui_app *app, const gb_trace *t);
void ui_how_lime(ui_how_page *pg, const ui_app *app, const gb_trace *t);

#endif
