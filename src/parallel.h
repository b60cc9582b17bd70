/* parallel.h: the job plumbing the global views share.
 *
 * Summaries, interactions, permutation importance, PDP/ALE and distillation
 * are long computations over many independent items (rows, features,
 * permutations, grid points).  They all follow explain.h's conventions: a
 * cancel flag read between items, a progress callback called only on the
 * thread that started the job, a status ok/failed/cancelled, and results
 * that do not depend on the number of threads because every item writes
 * only its own slots and draws its random numbers from a stream keyed by
 * the item alone.  gb_parallel_run hands items to threads through an atomic
 * counter; the calling thread works too and reports progress. */
#ifndef GB_PARALLEL_H
#define GB_PARALLEL_H

#include <stdatomic.h>
#include <stddef.h>

#include "error.h"
#include "explain.h"

/* What every global view takes besides its own parameters. */
typedef struct gb_job_ctl {
    int threads;        /* 0: all cores */
    atomic_int *cancel; /* may be NULL */
    void (*progress)(void *ctx, double fraction_done);
    void *progress_ctx;
} gb_job_ctl;

/* Work on item `item` with per-thread scratch number `worker`
 * (0 <= worker < the count gb_parallel_threads returned).  Returns 0, or -1
 * with err set, which stops the job. */
typedef int (*gb_item_fn)(void *ctx, int worker, size_t item, gb_error *err);

/* The threads a job of n_items will use (at least 1). */
int gb_parallel_threads(const gb_job_ctl *ctl, size_t n_items);

/* Runs fn on items 0..n_items-1.  A long item should return early (0)
 * when gb_cancelled(ctl): the job then reports GB_JOB_CANCELLED.  Progress covers [lo, hi] of the whole
 * job, so a view made of several passes reports one rising fraction. */
gb_job_status gb_parallel_run(const gb_job_ctl *ctl, size_t n_items, gb_item_fn fn, void *ctx, double lo,
                              double hi, gb_error *err);

/* Nonzero when the job was asked to stop. */
static inline int gb_cancelled(const gb_job_ctl *ctl)
{
    return ctl && ctl->cancel && atomic_load_explicit(ctl->cancel, memory_order_relaxed);
}

/* The job's status when it failed or was cancelled with err set, for
 * single-threaded passes. */
static inline void gb_job_progress(const gb_job_ctl *ctl, double fraction)
{
    if (ctl && ctl->progress)
        ctl->progress(ctl->progress_ctx, fraction);
}

#endif
