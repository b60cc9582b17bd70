/* test_cancel_sampling.c: the long phases of LIME (drawing and evaluating
 * half a million samples, weighting them, fitting) and of the k-means
 * background (seeding, Lloyd passes, turning centres into rows) stop when
 * another thread sets the cancel flag, return "cancelled" and leak nothing
 * (run under ASan).  How long each took to stop is printed as a TAP comment,
 * not asserted: the machine's load would make such a check flaky. */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "background.h"
#include "binding.h"
#include "dataset.h"
#include "lime.h"
#include "lime_stats.h"
#include "tap.h"
#include "tree_builder.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static uint64_t rng_s = 99;

static double unif(void)
{
    uint64_t z = (rng_s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return (double)((z ^ (z >> 31)) >> 11) * 0x1p-53;
}

/* Sets the flag once the worker (the thread that started it) has used
 * `delay` seconds of CPU time, and notes its CPU time then: both the moment
 * and the time it takes to stop are measured in the worker's CPU time,
 * which a loaded machine does not stretch. */
typedef struct canceller {
    atomic_int flag;
    atomic_int finished; /* the worker returned before the flag was set */
    double delay;
    double at;
    clockid_t worker;
    pthread_t th;
} canceller;

static double cpu_of(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void *cancel_later(void *arg)
{
    canceller *c = arg;
    double start = cpu_of(c->worker);
    struct timespec ms = {0, 1000 * 1000};
    while (cpu_of(c->worker) - start < c->delay && !atomic_load(&c->finished))
        nanosleep(&ms, NULL);
    c->at = cpu_of(c->worker);
    atomic_store(&c->flag, 1);
    return NULL;
}

static void start(canceller *c, double delay)
{
    atomic_init(&c->flag, 0);
    atomic_init(&c->finished, 0);
    c->delay = delay;
    c->at = 0;
    pthread_getcpuclockid(pthread_self(), &c->worker);
    pthread_create(&c->th, NULL, cancel_later, c);
}

/* Joins the thread; returns the worker's CPU time from the flag to now. */
static double stop(canceller *c)
{
    double done = cpu_of(c->worker);
    atomic_store(&c->finished, 1);
    pthread_join(c->th, NULL);
    return done - c->at;
}

/* ---- LIME ---------------------------------------------------------------- */

static gb_model *small_forest(int nf)
{
    gb_model *m = tb_new_model(nf, 1);
    for (int t = 0; t < 8; t++) {
        gb_node n[] = {tb_split(t % nf, 0.5, 1, 2, 4, 0), tb_split((t + 1) % nf, 0.3, 3, 4, 2, 0),
                       tb_split((t + 2) % nf, 0.7, 5, 6, 2, GB_NODE_DEFAULT_LEFT), tb_leaf(unif(), 1),
                       tb_leaf(unif(), 1), tb_leaf(unif(), 1), tb_leaf(unif(), 1)};
        tb_add_tree(m, 0, n, 7);
    }
    tb_finish(m);
    return m;
}

static void test_lime_cancel(void)
{
    int nf = 10;
    size_t n = 2000;
    gb_model *m = small_forest(nf);
    double *rows = malloc(n * (size_t)nf * sizeof *rows);
    for (size_t i = 0; i < n * (size_t)nf; i++)
        rows[i] = unif();
    gb_error err;
    gb_lime_stats *s = gb_lime_stats_new_rows(m, rows, NULL, n, &err);
    gb_lime_result res;
    if (!ok(s && gb_lime_result_init(&res, s, &err) == 0, "LIME statistics"))
        return;
    gb_lime_config c = {.samples = 500000, .discretize = GB_LIME_QUARTILE};
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    atomic_int never = 0;
    clockid_t self;
    pthread_getcpuclockid(pthread_self(), &self);
    /* A first row allocates the result's scratch, which later rows reuse:
     * the timed row is one of those. */
    gb_lime_row(s, &c, rows, rng, &res, &never);
    double t0 = now(), c0 = cpu_of(self);
    int rc = gb_lime_row(s, &c, rows, rng, &res, &never);
    double whole = cpu_of(self) - c0;
    ok(rc == 0, "500000 samples, not cancelled: done in %.3f s (%.3f s CPU)", now() - t0, whole);
    /* Early (drawing and evaluating), midway, and late in the sampling, in
     * CPU time. */
    static const double at[] = {0.02, 0.3, 0.5};
    for (size_t k = 0; k < sizeof at / sizeof *at; k++) {
        canceller cc;
        gsl_rng_set(rng, 1);
        start(&cc, at[k] * whole);
        rc = gb_lime_row(s, &c, rows, rng, &res, &cc.flag);
        double late = stop(&cc);
        ok(rc == 1, "cancelled at %.0f%% of the row's CPU time: returns 1", 100 * at[k]);
        printf("# stopped after %.1f ms of CPU time from the flag\n", 1e3 * late);
    }
    /* A flag already set when the row starts stops it before any work. */
    atomic_int set = 1;
    ok(gb_lime_row(s, &c, rows, rng, &res, &set) == 1, "a flag set before the row: returns 1");
    gsl_rng_free(rng);
    gb_lime_result_free(&res);
    gb_lime_stats_free(s);
    free(rows);
    gb_model_free(m);
}

/* ---- k-means background -------------------------------------------------- */

static char *write_data(size_t n, int nf)
{
    char *path = malloc(512);
    snprintf(path, 512, "%s/gb-test-cancel-%ld.csv", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
    FILE *fp = fopen(path, "w");
    for (int f = 0; f < nf; f++)
        fprintf(fp, "%sf%d", f ? "," : "", f);
    fputc('\n', fp);
    for (size_t i = 0; i < n; i++)
        for (int f = 0; f < nf; f++)
            fprintf(fp, "%.6f%c", unif() * 10, f + 1 < nf ? ',' : '\n');
    fclose(fp);
    return path;
}

static void test_kmeans_cancel(void)
{
    int nf = 8;
    gb_model *m = small_forest(nf);
    gb_error err;

    /* Small: the cancellable call with an unset flag is the plain one. */
    char *path = write_data(500, nf);
    gb_dataset *ds = gb_dataset_read_csv(path, NULL, &err);
    gb_binding b;
    if (!ok(ds && gb_binding_make(m, ds, NULL, &b, &err) == 0, "small dataset"))
        return;
    gb_background_spec spec = {.kind = GB_BACKGROUND_KMEANS, .n = 10};
    atomic_int never = 0;
    gb_background *a = gb_background_make(m, ds, &b, &spec, 5, &err);
    gb_background *c = gb_background_make_cancel(m, ds, &b, &spec, 5, &never, &err);
    ok(a && c && a->n == c->n && memcmp(a->x, c->x, a->n * (size_t)nf * sizeof *a->x) == 0 &&
           memcmp(a->w, c->w, a->n * sizeof *a->w) == 0,
       "k-means with an unset cancel flag: the same centres and weights");
    gb_background_free(a);
    gb_background_free(c);
    gb_binding_free(&b);
    gb_dataset_free(ds);
    unlink(path);
    free(path);

    /* Big: 200 centres over 60000 rows, seconds of work, cancelled early
     * (building the pool, seeding) and later (in the Lloyd passes), after
     * that much of the worker's CPU time. */
    path = write_data(60000, nf);
    ds = gb_dataset_read_csv(path, NULL, &err);
    if (!ok(ds && gb_binding_make(m, ds, NULL, &b, &err) == 0, "big dataset"))
        return;
    spec.n = 200;
    static const double at[] = {0.01, 0.25};
    for (size_t k = 0; k < sizeof at / sizeof *at; k++) {
        canceller cc;
        start(&cc, at[k]);
        err.msg[0] = 0;
        gb_background *bg = gb_background_make_cancel(m, ds, &b, &spec, 5, &cc.flag, &err);
        double late = stop(&cc);
        ok(bg == NULL && strcmp(err.msg, "cancelled") == 0, "k-means cancelled after %.0f ms of CPU: NULL, \"%s\"",
           1e3 * at[k], err.msg);
        printf("# stopped after %.1f ms of CPU time from the flag\n", 1e3 * late);
        gb_background_free(bg);
    }
    gb_binding_free(&b);
    gb_dataset_free(ds);
    unlink(path);
    free(path);
    gb_model_free(m);
}

int main(void)
{
    gsl_set_error_handler_off();
    test_lime_cancel();
    test_kmeans_cancel();
    return tap_done();
}
