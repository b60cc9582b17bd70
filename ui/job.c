/* job.c: the worker thread and its queue (see job.h).
 *
 * One mutex guards the queue, the running job's progress and its running
 * estimate; the worker holds it only to pick a job and to publish numbers,
 * never while computing, so the UI thread never waits on a computation. */
#include "job.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct ui_job {
    ui_job_spec spec;
    ui_jobs *q;
    atomic_int cancel;
    gb_job_status status;
    gb_error err;
    double started;
    double fraction;  /* guarded by q->mu */
    double *est, *est_se;
    size_t n_est, cap_est;
    int has_se;
    ui_job *next;
};

struct ui_jobs {
    pthread_t thread;
    int started;
    pthread_mutex_t mu;
    pthread_cond_t wake; /* the worker: a job queued, or stop */
    pthread_cond_t idle; /* waiters: a job finished */
    ui_job *head, *tail; /* queued */
    ui_job *running;
    ui_job *done_head, *done_tail; /* finished, finish() not yet run */
    int stop;
    /* The UI thread's copy of the running estimate (ui_jobs_view). */
    double *view_est, *view_se;
    size_t view_cap;
};

int ui_clock_frozen(void)
{
    const char *e = getenv("GLASSBOX_FROZEN_CLOCK");
    return e && *e && strcmp(e, "0") != 0;
}

double ui_clock(void)
{
    if (ui_clock_frozen())
        return 0.0;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int ui_job_cancelled(const ui_job *job)
{
    return atomic_load(&((ui_job *)job)->cancel) != 0;
}

atomic_int *ui_job_cancel_flag(ui_job *job)
{
    return &job->cancel;
}

void ui_job_progress(ui_job *job, double fraction)
{
    pthread_mutex_lock(&job->q->mu);
    job->fraction = fraction;
    pthread_mutex_unlock(&job->q->mu);
}

void ui_job_estimate(ui_job *job, double fraction, const double *phi, const double *se, size_t n)
{
    pthread_mutex_lock(&job->q->mu);
    job->fraction = fraction;
    if (n > job->cap_est) {
        double *a = realloc(job->est, n * sizeof *a);
        if (a)
            job->est = a;
        double *b = a ? realloc(job->est_se, n * sizeof *b) : NULL;
        if (b)
            job->est_se = b;
        if (a && b)
            job->cap_est = n;
    }
    if (n <= job->cap_est) {
        memcpy(job->est, phi, n * sizeof *phi);
        job->has_se = se != NULL;
        if (se)
            memcpy(job->est_se, se, n * sizeof *se);
        job->n_est = n;
    }
    pthread_mutex_unlock(&job->q->mu);
}

static void job_free(ui_job *job)
{
    free(job->est);
    free(job->est_se);
    free(job);
}

static void push_done(ui_jobs *q, ui_job *job)
{
    job->next = NULL;
    if (q->done_tail)
        q->done_tail->next = job;
    else
        q->done_head = job;
    q->done_tail = job;
}

static void *worker_main(void *arg)
{
    ui_jobs *q = arg;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (!q->stop && !q->head)
            pthread_cond_wait(&q->wake, &q->mu);
        if (q->stop)
            break;
        ui_job *job = q->head;
        q->head = job->next;
        if (!q->head)
            q->tail = NULL;
        q->running = job;
        job->started = ui_clock();
        pthread_mutex_unlock(&q->mu);

        if (atomic_load(&job->cancel)) {
            job->status = GB_JOB_CANCELLED;
        } else {
            /* A job that finished although cancelled keeps its result. */
            job->status = job->spec.run(job, job->spec.ctx, &job->err);
        }

        pthread_mutex_lock(&q->mu);
        q->running = NULL;
        push_done(q, job);
        pthread_cond_broadcast(&q->idle);
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

ui_jobs *ui_jobs_new(gb_error *err)
{
    ui_jobs *q = gb_calloc(1, sizeof *q, err);
    if (!q)
        return NULL;
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->wake, NULL);
    pthread_cond_init(&q->idle, NULL);
    if (pthread_create(&q->thread, NULL, worker_main, q)) {
        gb_error_set(err, "cannot start the worker thread");
        pthread_cond_destroy(&q->wake);
        pthread_cond_destroy(&q->idle);
        pthread_mutex_destroy(&q->mu);
        free(q);
        return NULL;
    }
    q->started = 1;
    return q;
}

int ui_jobs_submit(ui_jobs *q, const ui_job_spec *spec, gb_error *err)
{
    ui_job *job = gb_calloc(1, sizeof *job, err);
    if (!job)
        return -1;
    job->spec = *spec;
    job->q = q;
    job->fraction = -1.0;
    atomic_init(&job->cancel, 0);
    pthread_mutex_lock(&q->mu);
    if (q->tail)
        q->tail->next = job;
    else
        q->head = job;
    q->tail = job;
    pthread_cond_signal(&q->wake);
    pthread_mutex_unlock(&q->mu);
    return 0;
}

int ui_jobs_cancel_all(ui_jobs *q)
{
    int n = 0;
    pthread_mutex_lock(&q->mu);
    if (q->running && !atomic_exchange(&q->running->cancel, 1))
        n++;
    /* Queued jobs never start: they go straight to the finished list. */
    while (q->head) {
        ui_job *job = q->head;
        q->head = job->next;
        atomic_store(&job->cancel, 1);
        job->status = GB_JOB_CANCELLED;
        push_done(q, job);
        n++;
    }
    q->tail = NULL;
    pthread_mutex_unlock(&q->mu);
    return n;
}

int ui_jobs_poll(ui_jobs *q, ui_app *app)
{
    int n = 0;
    for (;;) {
        pthread_mutex_lock(&q->mu);
        ui_job *job = q->done_head;
        if (job) {
            q->done_head = job->next;
            if (!q->done_head)
                q->done_tail = NULL;
        }
        pthread_mutex_unlock(&q->mu);
        if (!job)
            return n;
        if (job->status == GB_JOB_CANCELLED && !job->err.msg[0])
            gb_error_set(&job->err, "cancelled");
        job->spec.finish(app, job->spec.ctx, job->status, &job->err);
        job_free(job);
        n++;
    }
}

void ui_jobs_wait(ui_jobs *q, ui_app *app)
{
    pthread_mutex_lock(&q->mu);
    while (q->head || q->running)
        pthread_cond_wait(&q->idle, &q->mu);
    pthread_mutex_unlock(&q->mu);
    ui_jobs_poll(q, app);
}

int ui_jobs_busy(ui_jobs *q)
{
    pthread_mutex_lock(&q->mu);
    int busy = q->head || q->running;
    pthread_mutex_unlock(&q->mu);
    return busy;
}

int ui_jobs_settled(ui_jobs *q)
{
    pthread_mutex_lock(&q->mu);
    int settled = !q->head && !q->running && !q->done_head;
    pthread_mutex_unlock(&q->mu);
    return settled;
}

void ui_jobs_view(ui_jobs *q, ui_job_view *v)
{
    memset(v, 0, sizeof *v);
    v->tag_row = -1;
    pthread_mutex_lock(&q->mu);
    for (ui_job *j = q->head; j; j = j->next)
        v->queued++;
    ui_job *job = q->running;
    if (job) {
        v->running = 1;
        v->cancelling = atomic_load(&job->cancel) != 0;
        memcpy(v->label, job->spec.label, sizeof v->label);
        v->fraction = job->fraction;
        v->elapsed = ui_clock() - job->started;
        v->tag_row = job->spec.tag_row;
        v->tag_kind = job->spec.tag_kind;
        if (job->n_est) {
            if (job->n_est > q->view_cap) {
                double *a = realloc(q->view_est, job->n_est * sizeof *a);
                if (a)
                    q->view_est = a;
                double *b = a ? realloc(q->view_se, job->n_est * sizeof *b) : NULL;
                if (b)
                    q->view_se = b;
                if (a && b)
                    q->view_cap = job->n_est;
            }
            if (job->n_est <= q->view_cap) {
                memcpy(q->view_est, job->est, job->n_est * sizeof *q->view_est);
                if (job->has_se)
                    memcpy(q->view_se, job->est_se, job->n_est * sizeof *q->view_se);
                v->n_estimate = job->n_est;
                v->estimate = q->view_est;
                v->estimate_se = job->has_se ? q->view_se : NULL;
            }
        }
    }
    pthread_mutex_unlock(&q->mu);
}

void ui_jobs_free(ui_jobs *q, ui_app *app)
{
    if (!q)
        return;
    ui_jobs_cancel_all(q);
    pthread_mutex_lock(&q->mu);
    q->stop = 1;
    pthread_cond_signal(&q->wake);
    pthread_mutex_unlock(&q->mu);
    if (q->started)
        pthread_join(q->thread, NULL);
    ui_jobs_poll(q, app);
    pthread_cond_destroy(&q->wake);
    pthread_cond_destroy(&q->idle);
    pthread_mutex_destroy(&q->mu);
    free(q->view_est);
    free(q->view_se);
    free(q);
}
