/* forest_eval_speed.c: nanoseconds per row of the compact batched tree
 * evaluator (gb_forest_margin_batch), the engine of `glassbox predict` and
 * of every sampling explainer, on batches of the sizes they use.
 *
 * For each MODEL DATA pair it draws batches of 256 and 5,000 rows the way
 * LIME and the coalition methods make them: every value taken from a
 * random data row's column (seed 1), so rows are not repeats of the data.
 * Each batch is evaluated repeatedly for about 0.1 s of CPU time, five
 * rounds; the fastest round is reported (other jobs on the machine only
 * ever slow a round down) as ns per row and ns per row and tree, beside the
 * reference walk (gb_model_margin row by row) on the same rows.  It also
 * says whether the batch's margins equal the reference bit for bit (the
 * tests check that; a "DIFFERS" here means the build is broken).  Not a
 * test: nothing is asserted.
 *
 *   make bench/forest_eval_speed
 *   bench/forest_eval_speed MODEL DATA.csv [MODEL DATA.csv ...]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "binding.h"
#include "dataset.h"
#include "forest_eval.h"

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void die(const char *what, const gb_error *err)
{
    fprintf(stderr, "forest_eval_speed: %s: %s\n", what, err->msg);
    exit(2);
}

static uint64_t next_u64(uint64_t *s)
{
    *s += UINT64_C(0x9E3779B97F4A7C15);
    uint64_t z = *s;
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Fastest of five rounds of ~0.1 s, in ns per row. */
static double time_batch(const gb_forest *f, const double *x, size_t n, double *out)
{
    double best = 1e300;
    for (int round = 0; round < 5; round++) {
        size_t reps = 0;
        double t0 = cpu_now(), t = 0;
        while (t < 0.1) {
            gb_forest_margin_batch(f, x, n, out);
            reps++;
            t = cpu_now() - t0;
        }
        double ns = 1e9 * t / (double)(reps * n);
        if (ns < best)
            best = ns;
    }
    return best;
}

static double time_reference(const gb_model *m, const double *x, size_t n, double *out)
{
    size_t nf = (size_t)m->n_features, ng = (size_t)m->n_groups, reps = 0;
    double t0 = cpu_now(), t = 0;
    while (t < 0.2) {
        for (size_t r = 0; r < n; r++)
            gb_model_margin(m, x + r * nf, out + r * ng);
        reps++;
        t = cpu_now() - t0;
    }
    return 1e9 * t / (double)(reps * n);
}

static void run(const char *model_path, const char *data_path)
{
    gb_error err;
    gb_model *m = gb_model_load(model_path, &err);
    if (!m)
        die(model_path, &err);
    gb_dataset *ds = gb_dataset_read_csv(data_path, NULL, &err);
    if (!ds)
        die(data_path, &err);
    gb_binding b;
    if (gb_binding_make(m, ds, NULL, &b, &err))
        die("binding", &err);
    size_t nf = (size_t)m->n_features, ng = (size_t)m->n_groups;
    double *data = malloc(ds->n_rows * nf * sizeof *data);
    for (size_t r = 0; r < ds->n_rows; r++)
        gb_binding_row(&b, ds, r, data + r * nf);
    gb_forest *f = gb_forest_new(m, &err);
    if (!f)
        die("forest", &err);
    printf("%s: %zu trees, depth %d, %zu leaves, %d features, %d outputs, float32 %d\n", model_path, m->n_trees,
           m->max_depth, m->n_leaves, m->n_features, m->n_groups, m->input_float32);
    static const size_t sizes[] = {256, 5000};
    uint64_t seed = 1;
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        size_t n = sizes[s];
        double *x = malloc(n * nf * sizeof *x), *out = malloc(n * ng * sizeof *out),
               *want = malloc(n * ng * sizeof *want);
        for (size_t r = 0; r < n; r++)
            for (size_t j = 0; j < nf; j++)
                x[r * nf + j] = data[(next_u64(&seed) % ds->n_rows) * nf + j];
        double ns = time_batch(f, x, n, out);
        double ref = time_reference(m, x, n, want);
        int same = memcmp(out, want, n * ng * sizeof *out) == 0;
        printf("  batch %5zu: %8.1f ns/row  %6.2f ns/row/tree   reference walk %8.1f ns/row (%.2fx)  %s\n", n, ns,
               ns / (double)(m->n_trees ? m->n_trees : 1), ref, ref / ns, same ? "bit-identical" : "DIFFERS");
        free(x);
        free(out);
        free(want);
    }
    gb_forest_free(f);
    free(data);
    gb_binding_free(&b);
    gb_dataset_free(ds);
    gb_model_free(m);
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc % 2 == 0) {
        fprintf(stderr, "usage: %s MODEL DATA.csv [MODEL DATA.csv ...]\n", argv[0]);
        return 2;
    }
    for (int i = 1; i + 1 < argc; i += 2)
        run(argv[i], argv[i + 1]);
    return 0;
}
