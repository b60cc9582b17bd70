/* test_interactions.c: SHAP interaction values against XGBoost 1.7.4's
 * pred_interactions, and the SHAP summary against mean |pred_contribs|.
 *
 * Every case under tests/fixtures/xgboost has interactions.csv (one line
 * per row, class and feature-or-bias, holding that row of the (M+1)^2
 * matrix) and contribs.csv, both written by XGBoost itself (gen.py there).
 * Tolerance 1e-4 x max(1, |v|): XGBoost computes in float32.  gblinear
 * cases are explained against a zero mean, which is what XGBoost reports. */
#include "binding.h"
#include "dataset.h"
#include "interactions.h"
#include "model.h"
#include "summary.h"
#include "tap.h"

#include <dirent.h>
#include <string.h>

#define TOL 1e-4
/* Rows whose matrices are compared: all fixtures' rows cost 2M+1 TreeSHAP
 * passes each, too slow for the deep case under sanitizers. */
#define MAX_ROWS 40

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void check_case(const char *dir)
{
    char path[4096];
    gb_error err = {{0}};
    snprintf(path, sizeof path, "%s/model.json", dir);
    gb_model *m = gb_model_load(path, &err);
    snprintf(path, sizeof path, "%s/data.csv", dir);
    gb_dataset *ds = m ? gb_dataset_read_csv(path, NULL, &err) : NULL;
    snprintf(path, sizeof path, "%s/interactions.csv", dir);
    gb_dataset *want = ds ? gb_dataset_read_csv(path, NULL, &err) : NULL;
    snprintf(path, sizeof path, "%s/contribs.csv", dir);
    gb_dataset *contribs = want ? gb_dataset_read_csv(path, NULL, &err) : NULL;
    gb_binding b;
    if (!contribs || gb_binding_make(m, ds, NULL, &b, &err)) {
        ok(0, "%s: load (%s)", dir, err.msg);
        goto out;
    }
    int nf = m->n_features, ng = m->n_groups;
    size_t w = (size_t)nf + 1, n = ds->n_rows;
    size_t *rows = malloc(n * sizeof *rows);
    for (size_t r = 0; r < n; r++)
        rows[r] = r;
    double *zero = calloc((size_t)nf, sizeof *zero);
    gb_job_ctl ctl = {.threads = 2};
    gb_interactions_result res;
    size_t nc = n < MAX_ROWS ? n : MAX_ROWS;
    if (gb_interactions_run(m, ds, &b, rows, nc, zero, &ctl, &res, &err) != GB_JOB_OK) {
        ok(0, "%s: interactions (%s)", dir, err.msg);
    } else {
        /* Column of every matrix column in the fixture: features then bias. */
        double worst = 0.0;
        size_t worst_line = 0, lines = (size_t)n * ng * w;
        int shape = want->n_rows == lines && (int)want->n_cols == 3 + nf + 1;
        for (size_t line = 0; shape && line < nc * ng * w; line++) {
            size_t r = line / ((size_t)ng * w), g = line / w % (size_t)ng, i = line % w;
            for (size_t k = 0; k < w; k++) {
                double got = res.values[r * (size_t)ng * w * w + g * w * w + i * w + k];
                double exp = want->cols[3 + k].values[line];
                double e = fabs(got - exp) / (fabs(exp) > 1 ? fabs(exp) : 1);
                if (!(e <= worst) || isnan(e)) {
                    worst = isnan(e) ? INFINITY : e;
                    worst_line = line;
                }
            }
        }
        ok(shape, "%s: interactions.csv has %zu lines of %d values", dir, lines, nf + 1);
        if (!ok(worst <= TOL, "%s: interaction values of %zu rows match pred_interactions (worst %.2g)", dir,
                nc, worst))
            printf("#   worst at data line %zu\n", worst_line + 2);
        /* Threads change no bit (on the first rows: the deep case is slow). */
        gb_job_ctl one = {.threads = 1};
        gb_interactions_result r1;
        size_t few = n < 8 ? n : 8;
        if (gb_interactions_run(m, ds, &b, rows, few, zero, &one, &r1, &err) == GB_JOB_OK) {
            ok(memcmp(r1.values, res.values, few * gb_interactions_block(m) * sizeof(double)) == 0,
               "%s: same bytes with 1 and 2 threads", dir);
            gb_interactions_result_free(&r1);
        }
        gb_interactions_result_free(&res);
    }
    /* The summary: mean |phi| against mean |pred_contribs|. */
    gb_summary_options so = {.mean = zero, .approximate = m->n_trees > 100};
    gb_summary s;
    if (gb_summary_run(m, ds, &b, rows, n, &so, &ctl, &s, &err) != GB_JOB_OK) {
        ok(0, "%s: summary (%s)", dir, err.msg);
    } else {
        double worst = 0.0;
        for (int g = 0; g < ng; g++)
            for (int f = 0; f < nf; f++) {
                double sum = 0.0;
                for (size_t line = (size_t)g; line < contribs->n_rows; line += (size_t)ng)
                    sum += fabs(contribs->cols[2 + f].values[line]);
                double exp = sum / (double)n, got = s.mean_abs[(size_t)g * nf + f];
                double e = fabs(got - exp) / (fabs(exp) > 1 ? fabs(exp) : 1);
                if (!(e <= worst))
                    worst = isnan(e) ? INFINITY : e;
            }
        ok(worst <= TOL, "%s: summary mean |phi| matches mean |pred_contribs| (worst %.2g)", dir, worst);
        int partners_ok = 1;
        for (int k = 0; k < ng * nf; k++)
            partners_ok &= s.partner[k] >= -1 && s.partner[k] < nf && s.partner[k] != k % nf;
        ok(partners_ok, "%s: every partner is another feature or none", dir);
        gb_summary_free(&s);
    }
    free(zero);
    free(rows);
    gb_binding_free(&b);
out:
    gb_dataset_free(contribs);
    gb_dataset_free(want);
    gb_dataset_free(ds);
    gb_model_free(m);
}

/* Closed form: f = x0 * x1 (one tree: x0 < 0.5, then x1 < 0.5, leaves
 * 0, 0, 0, 1 with equal covers).  The heuristic must name x1 for x0. */
static void check_partner_heuristic(void)
{
    gb_summary s = {.n_rows = 400, .n_groups = 1, .n_features = 3};
    s.x = malloc(400 * 3 * sizeof *s.x);
    s.phi = malloc(400 * 4 * sizeof *s.phi);
    for (size_t r = 0; r < 400; r++) {
        double x0 = (double)(r % 20) / 19.0, x1 = (double)((r * 7) % 13) / 12.0, x2 = (double)((r * 3) % 11);
        s.x[r * 3] = x0;
        s.x[r * 3 + 1] = x1;
        s.x[r * 3 + 2] = x2;
        s.phi[r * 4] = x0 * x1; /* phi_0 depends on x1 at fixed x0 */
        s.phi[r * 4 + 1] = 0;
        s.phi[r * 4 + 2] = 0;
        s.phi[r * 4 + 3] = 0;
    }
    double sc[3];
    gb_summary_approx_scores(&s, 0, 0, sc);
    ok(sc[1] > sc[2] && sc[0] == 0.0, "heuristic: x1 scores above x2 for phi_0 = x0 x1 (%.3g > %.3g)", sc[1],
       sc[2]);
    free(s.x);
    free(s.phi);
}

int main(void)
{
    char root[4096];
    snprintf(root, sizeof root, "%s/tests/fixtures/xgboost", tap_srcdir());
    DIR *d = opendir(root);
    if (!ok(d != NULL, "open %s", root))
        return tap_done();
    char *names[256];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 256) {
        char p[4096];
        snprintf(p, sizeof p, "%s/%s/interactions.csv", root, e->d_name);
        FILE *fp = fopen(p, "r");
        if (fp) {
            fclose(fp);
            names[n++] = strdup(e->d_name);
        }
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_str);
    for (int i = 0; i < n; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", root, names[i]);
        check_case(p);
        free(names[i]);
    }
    check_partner_heuristic();
    return tap_done();
}
