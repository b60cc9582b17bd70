/* test_explain_job.c: the job interface (src/explain.c) with the
 * background methods: reproducibility whatever the threads and whichever
 * rows are asked for, callbacks, cancellation (latency measured, leaks left
 * to ASan), failures and the options' checks. */
#include "explain.h"
#include "explain_world.h"
#include "tap.h"

#include <gsl/gsl_errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static gb_job_status run(world *w, const gb_explain_options *o, const size_t *rows, size_t n, int threads,
                         gb_explain_result *res, gb_error *err)
{
    gb_explainer *ex = gb_explainer_create(w->m, w->ds, &w->b, o, err);
    if (!ex)
        return GB_JOB_FAILED;
    gb_explain_request req = {.rows = rows, .n_rows = n, .threads = threads};
    gb_job_status st = gb_explainer_run(ex, &req, res, err);
    gb_explainer_free(ex);
    return st;
}

static void test_reproducible(gb_method method)
{
    world w;
    if (world_open(&w, "samples/diabetes/data.csv", "samples/diabetes/xgboost.json", 40))
        return;
    gb_explain_options o = {.method = method, .background = w.bg, .seed = 5, .sampling = {.samples = 300}};
    size_t all[24], sub[3] = {17, 3, 17};
    for (size_t i = 0; i < 24; i++)
        all[i] = i;
    gb_explain_result r1, r2, r3;
    gb_error err = {{0}};
    gb_job_status a = run(&w, &o, all, 24, 1, &r1, &err), b = run(&w, &o, all, 24, 2, &r2, &err);
    gb_job_status c = run(&w, &o, sub, 3, 3, &r3, &err);
    const char *name = gb_method_name(method);
    ok(a == GB_JOB_OK && b == GB_JOB_OK && c == GB_JOB_OK && r1.status == GB_JOB_OK, "%s: jobs succeed", name);
    size_t stride = (size_t)w.m->n_groups * (size_t)(w.m->n_features + 1);
    ok(a == 0 && b == 0 && memcmp(r1.phi, r2.phi, 24 * stride * sizeof *r1.phi) == 0 &&
           (!r1.se || memcmp(r1.se, r2.se, 24 * stride * sizeof *r1.se) == 0),
       "%s: 1 and 2 threads give the same bits", name);
    int same = a == 0 && c == 0;
    for (size_t i = 0; i < 3 && same; i++)
        same = memcmp(r3.phi + i * stride, r1.phi + sub[i] * stride, stride * sizeof *r1.phi) == 0 &&
               (!r1.se || memcmp(r3.se + i * stride, r1.se + sub[i] * stride, stride * sizeof *r1.se) == 0);
    ok(same, "%s: rows 17, 3, 17 alone equal the same rows of a run over 0-23", name);
    ok(a == 0 && gb_explain_additivity_error(&r1) < 1e-9, "%s: base + sum = output (%.2g)", name,
       a == 0 ? gb_explain_additivity_error(&r1) : -1.0);
    ok(a == 0 && r1.evals > 0 && (gb_method_is_sampled(method) == (r1.samples != NULL)) &&
           (gb_method_has_se(method) == (r1.se != NULL)),
       "%s: the result has %s, %s and %llu model evaluations", name, r1.se ? "standard errors" : "no SE",
       r1.samples ? "samples per row" : "no sample counts", (unsigned long long)r1.evals);
    if (a == 0 && r1.samples)
        ok(r1.samples[0] > 0 && r1.samples[0] <= 300, "%s: row 0 used %zu coalitions of 300", name, r1.samples[0]);
    gb_explain_result_free(&r1);
    gb_explain_result_free(&r2);
    gb_explain_result_free(&r3);
    world_close(&w);
}

/* LIME's block: weights then intercept; output the local prediction; r2. */
static void test_lime_result(void)
{
    world w;
    if (world_open(&w, "samples/iris/data.csv", "samples/iris/xgboost.json", 30))
        return;
    gb_explain_options o = {.method = GB_METHOD_LIME, .seed = 3, .space = GB_SPACE_PROBABILITY,
                            .lime_num_features = 2, .sampling = {.samples = 1000}};
    size_t rows[2] = {10, 110};
    gb_explain_result r;
    gb_error err = {{0}};
    gb_job_status st = run(&w, &o, rows, 2, 2, &r, &err);
    int ok_shape = st == GB_JOB_OK && r.r2 && !r.se && r.samples && r.samples[1] == 1000;
    int selected_ok = 1, local_ok = 1;
    for (size_t i = 0; ok_shape && i < 2; i++)
        for (int g = 0; g < 3; g++) {
            const double *b = r.phi + (i * 3 + (size_t)g) * 5;
            int nz = 0;
            double s = b[4];
            for (int f = 0; f < 4; f++) {
                nz += b[f] != 0;
                s += b[f]; /* with discretisation x's z is all ones */
            }
            selected_ok &= nz <= 2;
            local_ok &= fabs(s - r.margin[i * 3 + (size_t)g]) < 1e-9 && r.r2[i * 3 + (size_t)g] >= 0 &&
                        r.r2[i * 3 + (size_t)g] <= 1;
        }
    ok(ok_shape && selected_ok, "lime: at most 2 weights per class, r2 and samples reported, no SE");
    ok(ok_shape && local_ok, "lime: intercept + weights = the local prediction (z0 = 1), r2 in [0, 1]");
    if (st == GB_JOB_OK)
        gb_explain_result_free(&r);
    world_close(&w);
}

static void test_probability(void)
{
    world w;
    if (world_open(&w, "samples/iris/data.csv", "samples/iris/xgboost.json", 30))
        return;
    gb_explain_options o = {.method = GB_METHOD_EXACT, .background = w.bg, .space = GB_SPACE_PROBABILITY};
    size_t rows[3] = {0, 60, 120};
    gb_explain_result r;
    gb_error err = {{0}};
    gb_job_status st = run(&w, &o, rows, 3, 1, &r, &err);
    double psum = 0, bsum = 0;
    for (int g = 0; st == GB_JOB_OK && g < 3; g++) {
        psum += r.margin[g];
        bsum += r.phi[(size_t)g * 5 + 4];
    }
    ok(st == GB_JOB_OK && fabs(psum - 1) < 1e-12 && fabs(bsum - 1) < 1e-12 && r.space == GB_SPACE_PROBABILITY,
       "probability space: outputs and base values are probabilities summing to 1 (%.15f, %.15f)", psum, bsum);
    ok(st == GB_JOB_OK && gb_explain_additivity_error(&r) < 1e-12, "probability space: base + sum = probability");
    gb_explain_result_free(&r);
    o.method = GB_METHOD_TREESHAP_INT;
    err.msg[0] = 0;
    gb_explainer *ex = gb_explainer_create(w.m, w.ds, &w.b, &o, &err);
    ok(!ex && strstr(err.msg, "raw margin only"), "treeshap-int refuses probability space: %s", err.msg);
    o.method = GB_METHOD_KERNELSHAP;
    o.background = NULL;
    err.msg[0] = 0;
    ex = gb_explainer_create(w.m, w.ds, &w.b, &o, &err);
    ok(!ex && strstr(err.msg, "needs a background"), "kernelshap without a background: %s", err.msg);
    world_close(&w);
}

static void test_exact_failure(void)
{
    world w;
    if (world_open(&w, "samples/breast_cancer/data.csv", "samples/breast_cancer/xgboost.ubj", 30))
        return;
    gb_explain_options o = {.method = GB_METHOD_EXACT, .background = w.bg};
    size_t rows[2] = {0, 1};
    gb_explain_result r;
    gb_error err = {{0}};
    gb_job_status st = run(&w, &o, rows, 2, 2, &r, &err);
    ok(st == GB_JOB_FAILED && r.status == GB_JOB_FAILED && !r.phi && strstr(err.msg, "row 0: --method exact:") &&
           strstr(err.msg, "model evaluations"),
       "exact on too many varying features fails before starting: %s", err.msg);
    gb_explain_result_free(&r);
    world_close(&w);
}

/* ---------------------------------------------------------------- cancel */

typedef struct cancel_job {
    gb_explainer *ex;
    gb_explain_request req;
    gb_explain_result res;
    gb_error err;
    gb_job_status st;
    double finished;
    atomic_int cancel;
    atomic_int estimates;
    atomic_int progress;
} cancel_job;

static void count_progress(void *ctx, double f)
{
    cancel_job *j = ctx;
    (void)f;
    atomic_fetch_add(&j->progress, 1);
}

static void count_estimate(void *ctx, size_t index, const gb_estimate *e)
{
    cancel_job *j = ctx;
    (void)index;
    (void)e;
    atomic_fetch_add(&j->estimates, 1);
}

static void *cancel_thread(void *arg)
{
    cancel_job *j = arg;
    j->st = gb_explainer_run(j->ex, &j->req, &j->res, &j->err);
    j->finished = now();
    return NULL;
}

/* Starts a long job, cancels it after 100 ms, and measures how long it
 * takes to return. */
static void test_cancel(gb_method method, const char *what, size_t n_rows, size_t samples)
{
    world w;
    if (world_open(&w, "samples/breast_cancer/data.csv", "samples/breast_cancer/xgboost.ubj", 0))
        return;
    gb_error err = {{0}};
    gb_explain_options o = {.method = method, .background = w.bg, .sampling = {.samples = samples}};
    cancel_job j = {.ex = gb_explainer_create(w.m, w.ds, &w.b, &o, &err)};
    size_t *rows = calloc(n_rows, sizeof *rows);
    for (size_t i = 0; i < n_rows; i++)
        rows[i] = i % w.ds->n_rows;
    atomic_init(&j.cancel, 0);
    atomic_init(&j.estimates, 0);
    atomic_init(&j.progress, 0);
    j.req = (gb_explain_request){.rows = rows, .n_rows = n_rows, .threads = 2, .cancel = &j.cancel,
                                 .estimate = count_estimate, .progress = count_progress,
                                 .progress_ctx = &j};
    pthread_t t;
    double start = now();
    pthread_create(&t, NULL, cancel_thread, &j);
    /* At least 100 ms of work, and (for up to 10 s) until the job has
     * reported something, so the callbacks are checked without a race. */
    struct timespec pause = {0, 10 * 1000 * 1000};
    int want_estimates = method == GB_METHOD_KERNELSHAP && n_rows > 2, wait = method != GB_METHOD_LIME;
    for (;;) {
        nanosleep(&pause, NULL);
        int reported = want_estimates ? atomic_load(&j.estimates) > 0 : atomic_load(&j.progress) > 0;
        double waited = now() - start;
        if (waited >= 0.1 && (reported || !wait || waited > 10))
            break;
    }
    double asked = now();
    atomic_store(&j.cancel, 1);
    pthread_join(t, NULL);
    double latency = j.finished - asked;
    printf("# %s: cancelled after %.0f ms of work; returned %.2f ms after the request\n", what,
           (asked - start) * 1e3, latency * 1e3);
    ok(j.ex && j.st == GB_JOB_CANCELLED && j.res.status == GB_JOB_CANCELLED && !j.res.phi &&
           strcmp(j.err.msg, "cancelled") == 0,
       "%s: a cancelled job says cancelled and holds no result", what);
    ok(latency < 1.0, "%s: it returns within a second of the request (%.2f ms; the goal is 100 ms)", what,
       latency * 1e3);
    if (method == GB_METHOD_KERNELSHAP)
        ok(atomic_load(&j.progress) > 0 && (n_rows == 2 || atomic_load(&j.estimates) > 0),
           "%s: progress (%d) and estimates (%d) came in before the cancel", what, atomic_load(&j.progress),
           atomic_load(&j.estimates));
    gb_explain_result_free(&j.res);
    gb_explainer_free(j.ex);
    free(rows);
    world_close(&w);
}

typedef struct progress_log {
    int calls, monotone;
    double last;
} progress_log;

static void log_progress(void *ctx, double f)
{
    progress_log *l = ctx;
    l->monotone &= f >= l->last - 1e-12 && f <= 1.0 + 1e-12;
    l->last = f;
    l->calls++;
}

static void test_progress(void)
{
    world w;
    if (world_open(&w, "samples/diabetes/data.csv", "samples/diabetes/xgboost.json", 40))
        return;
    gb_error err = {{0}};
    gb_explain_options o = {.method = GB_METHOD_PERMUTATION, .background = w.bg, .seed = 1,
                            .sampling = {.samples = 4000}};
    gb_explainer *ex = gb_explainer_create(w.m, w.ds, &w.b, &o, &err);
    size_t rows[4] = {0, 1, 2, 3};
    progress_log l = {.monotone = 1};
    gb_explain_request req = {.rows = rows, .n_rows = 4, .threads = 1, .progress = log_progress, .progress_ctx = &l};
    gb_explain_result res;
    gb_job_status st = gb_explainer_run(ex, &req, &res, &err);
    ok(st == GB_JOB_OK && l.calls > 8 && l.monotone && fabs(l.last - 1) < 1e-12,
       "progress: %d calls, rising within rows to 1", l.calls);
    gb_explain_result_free(&res);
    gb_explainer_free(ex);
    world_close(&w);
}

int main(void)
{
    gsl_set_error_handler_off();
    test_reproducible(GB_METHOD_KERNELSHAP);
    test_reproducible(GB_METHOD_PERMUTATION);
    test_reproducible(GB_METHOD_EXACT);
    test_reproducible(GB_METHOD_TREESHAP_INT);
    test_reproducible(GB_METHOD_LIME);
    test_lime_result();
    test_probability();
    test_exact_failure();
    test_progress();
    test_cancel(GB_METHOD_KERNELSHAP, "kernelshap, one huge row per thread", 2, 4000000);
    test_cancel(GB_METHOD_PERMUTATION, "permutation, one huge row per thread", 2, 400000000);
    test_cancel(GB_METHOD_KERNELSHAP, "kernelshap, many rows", 100000, 0);
    test_cancel(GB_METHOD_TREESHAP_INT, "treeshap-int against 569 rows, many rows", 100000, 0);
    test_cancel(GB_METHOD_LIME, "lime, one big row per thread", 2, 100000);
    return tap_done();
}
