/* parallel.c: items handed to threads through an atomic counter (see
 * parallel.h).  The first error wins and stops every thread; cancellation
 * is noticed between items. */
#include "parallel.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct par_state {
    const gb_job_ctl *ctl;
    size_t n_items;
    gb_item_fn fn;
    void *ctx;
    atomic_size_t next;
    atomic_size_t done;
    atomic_int stop;
    pthread_mutex_t lock;
    gb_error err;
    int failed;
} par_state;

typedef struct par_worker {
    par_state *st;
    int id;
} par_worker;

static void work(par_state *st, int id, double lo, double hi, int report)
{
    gb_error err = {{0}};
    for (;;) {
        if (atomic_load(&st->stop) || gb_cancelled(st->ctl))
            return;
        size_t item = atomic_fetch_add(&st->next, 1);
        if (item >= st->n_items)
            return;
        if (st->fn(st->ctx, id, item, &err)) {
            pthread_mutex_lock(&st->lock);
            if (!st->failed) {
                st->failed = 1;
                st->err = err;
            }
            pthread_mutex_unlock(&st->lock);
            atomic_store(&st->stop, 1);
            return;
        }
        size_t done = atomic_fetch_add(&st->done, 1) + 1;
        if (report)
            gb_job_progress(st->ctl, lo + (hi - lo) * (double)done / (double)st->n_items);
    }
}

static void *thread_main(void *arg)
{
    par_worker *w = arg;
    work(w->st, w->id, 0, 0, 0);
    return NULL;
}

int gb_parallel_threads(const gb_job_ctl *ctl, size_t n_items)
{
    int t = ctl && ctl->threads > 0 ? ctl->threads : gb_cpu_count();
    if (t < 1)
        t = 1;
    if ((size_t)t > n_items)
        t = n_items ? (int)n_items : 1;
    return t;
}

gb_job_status gb_parallel_run(const gb_job_ctl *ctl, size_t n_items, gb_item_fn fn, void *ctx, double lo,
                              double hi, gb_error *err)
{
    par_state st = {.ctl = ctl, .n_items = n_items, .fn = fn, .ctx = ctx};
    atomic_init(&st.next, 0);
    atomic_init(&st.done, 0);
    atomic_init(&st.stop, 0);
    pthread_mutex_init(&st.lock, NULL);
    int n_threads = gb_parallel_threads(ctl, n_items);
    pthread_t *tids = calloc((size_t)n_threads, sizeof *tids);
    par_worker *ws = calloc((size_t)n_threads, sizeof *ws);
    int started = 1;
    if (tids && ws) {
        for (int t = 1; t < n_threads; t++) {
            ws[t] = (par_worker){.st = &st, .id = t};
            if (pthread_create(&tids[t], NULL, thread_main, &ws[t]))
                break; /* fewer threads: the items still all get done */
            started++;
        }
    }
    work(&st, 0, lo, hi, 1);
    for (int t = 1; t < started; t++)
        pthread_join(tids[t], NULL);
    free(tids);
    free(ws);
    pthread_mutex_destroy(&st.lock);
    if (st.failed) {
        if (err)
            *err = st.err;
        return GB_JOB_FAILED;
    }
    /* An item may stop early when it sees the flag, so a set flag at the end
     * means the results are incomplete even if every item returned. */
    if (atomic_load(&st.done) < n_items || gb_cancelled(ctl)) {
        gb_error_set(err, "cancelled");
        return GB_JOB_CANCELLED;
    }
    /* Only the calling thread reports, and the others may have taken every
     * item before it looked: the end of the range is always reported. */
    gb_job_progress(ctl, hi);
    return GB_JOB_OK;
}
