/* explainer_throughput.c: how fast each sampling explainer turns model
 * evaluations into explanations, beside plain batch prediction.
 *
 * For one model and dataset, on one thread, it prints:
 *  - plain prediction: evaluations/s of the reference walk (gb_model_margin
 *    row by row through the model's own nodes) and of the compact batched
 *    evaluator (gb_forest_margin_batch, what gb_model_margin_batch,
 *    `glassbox predict` and LIME use), and their ratio;
 *  - kernelshap, permutation, treeshap-int and lime through the job
 *    interface (gb_explainer_run, threads 1): rows/s, model evaluations/s
 *    and the ratio of the latter to plain batch prediction's.
 * A ratio near 1 means the explainer's time is model evaluation; above 1,
 * that it gets its evaluations cheaper than by evaluating rows (the
 * coalition engine walks each tree once per coalition for all background
 * rows at once; treeshap-int counts row x background pairs).  Times are
 * process CPU time, so other load on the machine barely moves them.  Not a
 * test: nothing is asserted.
 *
 *   make bench/explainer_throughput
 *   bench/explainer_throughput MODEL DATA.csv [ROWS [BACKGROUND]]
 *
 * ROWS (default 20) rows are explained, the ones after the background's
 * BACKGROUND (default 100) rows, sampled from the data with seed 1.  With
 * ROWS 0 only plain prediction is measured (bench/predict_vs_xgboost.py). */
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "binding.h"
#include "dataset.h"
#include "explain.h"
#include "forest_eval.h"

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void die(const char *what, const gb_error *err)
{
    fprintf(stderr, "explainer_throughput: %s: %s\n", what, err->msg);
    exit(2);
}

/* Evaluations per second of plain prediction, both ways; returns the
 * batched rate. */
static double predict_rates(const gb_model *m, const double *rows, size_t n)
{
    size_t nf = (size_t)m->n_features, ng = (size_t)m->n_groups, k = n < 20000 ? n : 20000;
    double *out = malloc(k * ng * sizeof *out);
    gb_error err;
    gb_forest *f = gb_forest_new(m, &err);
    if (!f || !out)
        die("forest", &err);
    /* Repeat until each side has run at least half a second. */
    size_t reps_ref = 0, reps_batch = 0;
    double t_ref = 0, t_batch = 0;
    while (t_ref < 0.5 || t_batch < 0.5) {
        double t0 = cpu_now();
        for (size_t r = 0; r < k; r++)
            gb_model_margin(m, rows + r * nf, out + r * ng);
        double t1 = cpu_now();
        gb_forest_margin_batch(f, rows, k, out);
        double t2 = cpu_now();
        t_ref += t1 - t0;
        t_batch += t2 - t1;
        reps_ref++;
        reps_batch++;
    }
    double ref = (double)(reps_ref * k) / t_ref, batch = (double)(reps_batch * k) / t_batch;
    printf("plain prediction (%zu rows): reference walk %.3g evals/s, compact batched %.3g evals/s (%.2fx)\n", k,
           ref, batch, batch / ref);
    gb_forest_free(f);
    free(out);
    return batch;
}

static void run_method(const gb_model *m, const gb_dataset *ds, const gb_binding *b, const gb_background *bg,
                       gb_method method, const size_t *rows, size_t n_rows, double predict_rate)
{
    gb_explain_options opt = {.method = method, .background = bg, .seed = 1};
    gb_error err;
    gb_explainer *ex = gb_explainer_create(m, ds, b, &opt, &err);
    if (!ex) {
        printf("%-13s not available: %s\n", gb_method_name(method), err.msg);
        return;
    }
    gb_explain_request req = {.rows = rows, .n_rows = n_rows, .threads = 1};
    gb_explain_result res;
    double t0 = cpu_now();
    gb_job_status st = gb_explainer_run(ex, &req, &res, &err);
    double t = cpu_now() - t0;
    if (st != GB_JOB_OK)
        die(gb_method_name(method), &err);
    double evals = (double)res.evals / t;
    printf("%-13s %9.1f rows/s %11.3g evals/s   evals/s / batch prediction's: %.3g\n", gb_method_name(method),
           (double)n_rows / t, evals, evals / predict_rate);
    gb_explain_result_free(&res);
    gb_explainer_free(ex);
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc < 3) {
        fprintf(stderr, "usage: %s MODEL DATA.csv [ROWS [BACKGROUND]]\n", argv[0]);
        return 2;
    }
    size_t n_rows = argc > 3 ? strtoul(argv[3], NULL, 10) : 20, n_bg = argc > 4 ? strtoul(argv[4], NULL, 10) : 100;
    gb_error err;
    gb_model *m = gb_model_load(argv[1], &err);
    if (!m)
        die(argv[1], &err);
    gb_dataset *ds = gb_dataset_read_csv(argv[2], NULL, &err);
    if (!ds)
        die(argv[2], &err);
    gb_binding b;
    if (gb_binding_make(m, ds, NULL, &b, &err))
        die("binding", &err);
    size_t nf = (size_t)m->n_features;
    double *x = malloc(ds->n_rows * nf * sizeof *x);
    for (size_t r = 0; r < ds->n_rows; r++)
        gb_binding_row(&b, ds, r, x + r * nf);
    printf("model %s: %zu trees, depth %d, %d features, %d outputs; %zu data rows\n", argv[1], m->n_trees,
           m->max_depth, m->n_features, m->n_groups, ds->n_rows);
    double rate = predict_rates(m, x, ds->n_rows);
    if (n_rows == 0)
        n_bg = 0; /* prediction only */
    gb_background_spec spec = {.kind = GB_BACKGROUND_SAMPLE, .n = n_bg ? n_bg : 1};
    gb_background *bg = gb_background_make(m, ds, &b, &spec, 1, &err);
    if (!bg)
        die("background", &err);
    if (n_rows == 0)
        goto done;
    size_t *rows = malloc(n_rows * sizeof *rows);
    for (size_t i = 0; i < n_rows; i++)
        rows[i] = (n_bg + i) % ds->n_rows;
    printf("%zu rows explained on one thread, background %zu rows, default budgets\n", n_rows, bg->n);
    static const gb_method methods[] = {GB_METHOD_KERNELSHAP, GB_METHOD_PERMUTATION, GB_METHOD_TREESHAP_INT,
                                        GB_METHOD_LIME};
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++)
        run_method(m, ds, &b, bg, methods[i], rows, n_rows, rate);
    free(rows);
done:
    gb_background_free(bg);
    free(x);
    gb_binding_free(&b);
    gb_dataset_free(ds);
    gb_model_free(m);
    return 0;
}
