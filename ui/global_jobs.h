/* global_jobs.h: what the summary, PDP/ICE/ALE and surrogate screens share.
 *
 * Each of these screens runs one core computation (summary.h, importance.h,
 * pdp.h, distill.h) on the worker thread and draws its result.  They run
 * over the same rows the batch commands would: all of them, or a sample of
 * N rows chosen by the seed exactly as `glassbox summary --sample N --seed
 * S` chooses it, so a number on the screen can be checked against the
 * command line.  A job's finish callback finds the screen that asked for it
 * through gv_owner: the screen's state starts with a pointer to the job's
 * context, which is unique while the job lives, so a result never lands in
 * a screen opened later at the same address, and a screen closed meanwhile
 * simply loses it. */
#ifndef GB_UI_GLOBAL_JOBS_H
#define GB_UI_GLOBAL_JOBS_H

#include <stddef.h>
#include <stdint.h>

#include "../src/parallel.h"
#include "screen.h"

/* Rows the global screens use unless the user asks for another number. */
enum { GV_ROWS_DEFAULT = 2000 };

/* The rows of a view over total data rows: all when want is 0 or at least
 * total, else want rows chosen by seed as the batch commands' --sample
 * does.  Returns a malloc'd array (*n set), or NULL with err set. */
size_t *gv_sample_rows(size_t total, size_t want, uint64_t seed, size_t *n, gb_error *err);

/* The state of the open screen of ops whose first member points at job,
 * or NULL when that screen was closed. */
void *gv_owner(ui_app *app, const ui_screen_ops *ops, const void *job);

/* Progress of one pass of a job, mapped onto [lo, hi] of its bar. */
typedef struct gv_progress {
    ui_job *job;
    double lo, hi;
} gv_progress;

/* The core's job control for a pass: every core, the job's cancel flag,
 * progress through pr (which must outlive the pass). */
gb_job_ctl gv_ctl(ui_job *job, gv_progress *pr, double lo, double hi);

/* The output group shown (app->params.klass, clamped). */
int gv_group(const ui_app *app);

/* "442 rows" or "2,000 of 100,000 rows (sample, seed 0)". */
void gv_rows_text(size_t n, size_t total, unsigned long seed, char *buf, size_t size);

/* Tells why a view's job stopped: the cancelled message, or "what: " and
 * the error. */
void gv_say_stopped(ui_app *app, gb_job_status st, const gb_error *err, const char *cancelled,
                    const char *what);

/* The notice in the middle of a view whose result is not there yet:
 * running_text while its job runs, else idle_text. */
void gv_draw_pending(ui_app *app, const ui_rect *r, int running, const char *running_text,
                     const char *idle_text);

/* Parses the answer of a "rows" prompt: a positive number or "all" (0).
 * Returns 0, or -1 when it is neither. */
int gv_parse_rows(const char *text, size_t *want);

#endif
