/* job.h: the explorer's worker thread, which runs one job at a time.
 *
 * Everything that may take more than a few milliseconds (explaining a row,
 * predicting every row, attributions for a scatter plot) is a job.  The UI
 * thread submits it and keeps handling keys; the worker runs it and
 * publishes its progress (a fraction and, for sampled methods, the running
 * estimate with standard errors) under a mutex; the UI thread redraws from a
 * copy of that at least 5 times a second.  Cancelling sets an atomic flag
 * that the job (and the core's loops) check between small steps; the UI
 * does not wait for the job to notice: it says "cancelling" at once and the
 * job's finish callback later says "cancelled".
 *
 * Jobs queue in submission order.  A job's run() executes on the worker
 * thread and must touch nothing of the UI but its own context; its finish()
 * executes on the UI thread (from ui_jobs_poll) and is where results move
 * into the app state and the context is freed. */
#ifndef GB_UI_JOB_H
#define GB_UI_JOB_H

#include <stdatomic.h>
#include <stddef.h>

#include "../src/error.h"
#include "../src/explain.h"

typedef struct ui_app ui_app;
typedef struct ui_job ui_job;
typedef struct ui_jobs ui_jobs;

typedef struct ui_job_spec {
    char label[96]; /* shown in the status line, e.g. "explaining row 12 (treeshap)" */
    /* Worker thread.  Returns GB_JOB_OK, GB_JOB_FAILED (err set) or
     * GB_JOB_CANCELLED when ui_job_cancelled() became true. */
    gb_job_status (*run)(ui_job *job, void *ctx, gb_error *err);
    /* UI thread, exactly once, whatever happened (also for a job cancelled
     * before it started: then st is GB_JOB_CANCELLED).  Frees ctx. */
    void (*finish)(ui_app *app, void *ctx, gb_job_status st, const gb_error *err);
    void *ctx;
    /* Optional identity so screens can find "their" running job, e.g. the
     * row being explained; -1 when unused. */
    long tag_row;
    int tag_kind;
} ui_job_spec;

/* Kinds for tag_kind (screens may add their own above UI_JOB_USER). */
enum { UI_JOB_OTHER = 0, UI_JOB_EXPLAIN_ROW, UI_JOB_PREDICT_ALL, UI_JOB_EXPLAIN_ALL, UI_JOB_USER = 100 };

/* --- worker side (inside run) --- */

/* True once the user cancelled; check it often (every few ms of work). */
int ui_job_cancelled(const ui_job *job);
/* The atomic flag itself, to hand to the core's gb_explain_request.cancel. */
atomic_int *ui_job_cancel_flag(ui_job *job);
/* Publishes progress (0..1). */
void ui_job_progress(ui_job *job, double fraction);
/* Publishes a running estimate: n values of phi and, when se is not NULL,
 * their standard errors (copied). */
void ui_job_estimate(ui_job *job, double fraction, const double *phi, const double *se, size_t n);

/* --- UI side --- */

/* What the status line and live charts read: a consistent copy. */
typedef struct ui_job_view {
    int running;        /* a job is running (or cancelling) */
    int cancelling;
    int queued;         /* jobs waiting behind it */
    char label[96];
    double fraction;    /* < 0: unknown */
    double elapsed;     /* seconds since it started */
    long tag_row;
    int tag_kind;
    size_t n_estimate;  /* 0: no running estimate */
    const double *estimate; /* valid until the next ui_jobs_view call */
    const double *estimate_se; /* NULL when none */
} ui_job_view;

ui_jobs *ui_jobs_new(gb_error *err);
/* Cancels everything, waits for the worker, runs the pending finish
 * callbacks with GB_JOB_CANCELLED, frees. */
void ui_jobs_free(ui_jobs *q, ui_app *app);

/* Queues a job; the spec is copied.  Returns 0, or -1 (err set). */
int ui_jobs_submit(ui_jobs *q, const ui_job_spec *spec, gb_error *err);
/* Cancels the running job and everything queued.  Returns how many. */
int ui_jobs_cancel_all(ui_jobs *q);
/* Runs finish callbacks of completed jobs; returns how many finished. */
int ui_jobs_poll(ui_jobs *q, ui_app *app);
/* Blocks until the worker is idle and everything finished (key scripts). */
void ui_jobs_wait(ui_jobs *q, ui_app *app);
/* True while a job runs or waits. */
int ui_jobs_busy(ui_jobs *q);
/* True when nothing waits, runs, or has finished without being polled. */
int ui_jobs_settled(ui_jobs *q);
void ui_jobs_view(ui_jobs *q, ui_job_view *v);

/* Seconds on a monotonic clock; a constant when GLASSBOX_FROZEN_CLOCK is
 * set, so screen dumps in tests do not depend on timing. */
double ui_clock(void);
int ui_clock_frozen(void);

#endif
