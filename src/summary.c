/* summary.c: mean |phi|, per-row values and interaction partners over many
 * rows (see summary.h). */
#include "summary.h"

#include <stdlib.h>
#include <string.h>

#include "interactions.h"
#include "mem_limits.h"

enum { INTER_BATCH = 1024 };

/* Maps an inner pass's progress into [lo, hi] of the whole job. */
typedef struct stage {
    const gb_job_ctl *ctl;
    double lo, hi;
} stage;

static void stage_progress(void *ctx, double f)
{
    const stage *s = ctx;
    gb_job_progress(s->ctl, s->lo + (s->hi - s->lo) * f);
}

void gb_summary_free(gb_summary *res)
{
    free(res->phi);
    free(res->x);
    free(res->mean_abs);
    free(res->partner);
    free(res->partner_score);
    memset(res, 0, sizeof *res);
}

static gb_job_status explain_rows(const gb_model *m, const gb_dataset *ds, const gb_binding *b,
                                  const size_t *rows, size_t n_rows, const gb_summary_options *opt,
                                  const gb_job_ctl *ctl, double hi, gb_summary *res, gb_error *err)
{
    gb_explainer *ex = gb_explainer_new(m, ds, b, opt->method, opt->mean, err);
    if (!ex)
        return GB_JOB_FAILED;
    stage sg = {.ctl = ctl, .lo = 0.0, .hi = hi};
    gb_explain_request req = {.rows = rows,
                              .n_rows = n_rows,
                              .threads = ctl ? ctl->threads : 0,
                              .cancel = ctl ? ctl->cancel : NULL,
                              .progress = stage_progress,
                              .progress_ctx = &sg};
    gb_explain_result er;
    gb_job_status st = gb_explainer_run(ex, &req, &er, err);
    gb_explainer_free(ex);
    if (st != GB_JOB_OK)
        return st;
    res->phi = er.phi;
    er.phi = NULL;
    gb_explain_result_free(&er);
    return GB_JOB_OK;
}

static double corr_abs(const double *a, const double *b, size_t n)
{
    double ma = 0, mb = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(b[i])) {
            ma += a[i];
            mb += b[i];
            k++;
        }
    if (k < 2)
        return 0.0;
    ma /= (double)k;
    mb /= (double)k;
    double sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(b[i])) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
    if (!(saa > 0) || !(sbb > 0))
        return 0.0;
    return fabs(sab / sqrt(saa * sbb));
}

typedef struct sort_key {
    double v;
    size_t i;
} sort_key;

static int cmp_key(const void *pa, const void *pb)
{
    const sort_key *a = pa, *b = pb;
    if (a->v < b->v)
        return -1;
    if (a->v > b->v)
        return 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

void gb_summary_approx_scores(const gb_summary *s, int g, int i, double *scores)
{
    int nf = s->n_features;
    size_t w = (size_t)nf + 1;
    for (int k = 0; k < nf; k++)
        scores[k] = 0.0;
    sort_key *keys = malloc((s->n_rows ? s->n_rows : 1) * sizeof *keys);
    double *pa = malloc((s->n_rows ? s->n_rows : 1) * sizeof *pa);
    double *pb = malloc((s->n_rows ? s->n_rows : 1) * sizeof *pb);
    size_t n = 0;
    if (!keys || !pa || !pb)
        goto out;
    for (size_t r = 0; r < s->n_rows; r++)
        if (!isnan(s->x[r * (size_t)nf + (size_t)i]))
            keys[n++] = (sort_key){s->x[r * (size_t)nf + (size_t)i], r};
    qsort(keys, n, sizeof *keys, cmp_key);
    size_t inc = n / 10 < 50 ? n / 10 : 50;
    if (inc < 1)
        inc = 1;
    for (size_t r = 0; r < n; r++)
        pa[r] = s->phi[keys[r].i * (size_t)s->n_groups * w + (size_t)g * w + (size_t)i];
    for (int k = 0; k < nf; k++) {
        if (k == i)
            continue;
        for (size_t r = 0; r < n; r++)
            pb[r] = s->x[keys[r].i * (size_t)nf + (size_t)k];
        double v = 0.0;
        for (size_t at = 0; at < n; at += inc)
            v += corr_abs(pa + at, pb + at, n - at < inc ? n - at : inc);
        scores[k] = v;
    }
out:
    free(keys);
    free(pa);
    free(pb);
}

/* Sum of |Phi| over all rows, batch by batch so memory stays bounded. */
static gb_job_status exact_partner_sums(const gb_model *m, const gb_dataset *ds, const gb_binding *b,
                                        const size_t *rows, size_t n_rows, const gb_summary_options *opt,
                                        const gb_job_ctl *ctl, double *sum_abs, gb_error *err)
{
    for (size_t at = 0; at < n_rows; at += INTER_BATCH) {
        size_t count = n_rows - at < INTER_BATCH ? n_rows - at : INTER_BATCH;
        stage sg = {.ctl = ctl,
                    .lo = 0.2 + 0.8 * (double)at / (double)n_rows,
                    .hi = 0.2 + 0.8 * (double)(at + count) / (double)n_rows};
        gb_job_ctl inner = {.threads = ctl ? ctl->threads : 0,
                            .cancel = ctl ? ctl->cancel : NULL,
                            .progress = stage_progress,
                            .progress_ctx = &sg};
        gb_interactions_result ir;
        gb_job_status st = gb_interactions_run(m, ds, b, rows + at, count, opt->mean, &inner, &ir, err);
        if (st != GB_JOB_OK)
            return st;
        gb_interactions_add_abs(&ir, sum_abs);
        gb_interactions_result_free(&ir);
    }
    return GB_JOB_OK;
}

static void pick_partners(gb_summary *s, const double *sum_abs)
{
    int nf = s->n_features;
    size_t w = (size_t)nf + 1;
    double *scores = malloc((size_t)nf * sizeof *scores);
    for (int g = 0; g < s->n_groups; g++)
        for (int i = 0; i < nf; i++) {
            if (sum_abs) {
                for (int k = 0; k < nf; k++)
                    scores[k] =
                        k == i ? 0.0
                               : sum_abs[(size_t)g * w * w + (size_t)i * w + (size_t)k] / (double)s->n_rows;
            } else {
                gb_summary_approx_scores(s, g, i, scores);
            }
            int best = -1;
            double bs = 0.0;
            for (int k = 0; k < nf; k++)
                if (k != i && scores[k] > bs) {
                    bs = scores[k];
                    best = k;
                }
            s->partner[(size_t)g * nf + i] = best;
            s->partner_score[(size_t)g * nf + i] = bs;
        }
    free(scores);
}

gb_job_status gb_summary_run(const gb_model *m, const gb_dataset *ds, const gb_binding *b, const size_t *rows,
                             size_t n_rows, const gb_summary_options *opt, const gb_job_ctl *ctl,
                             gb_summary *res, gb_error *err)
{
    gb_summary_options def = {0};
    if (!opt)
        opt = &def;
    memset(res, 0, sizeof *res);
    res->status = GB_JOB_FAILED;
    int nf = m->n_features, ng = m->n_groups;
    if (n_rows == 0) {
        gb_error_set(err, "the summary needs at least one row");
        return GB_JOB_FAILED;
    }
    char count[32];
    gb_limit_format_count(n_rows, count, sizeof count);
    if (gb_limit_check(gb_estimate_attributions_bytes(n_rows, (uint64_t)ng, (uint64_t)nf),
                       "summarise a sample of the rows", err, "a summary of %s rows x %d features", count, nf))
        return GB_JOB_FAILED;
    int exact = m->kind == GB_MODEL_TREES && !opt->approximate;
    gb_job_status st = explain_rows(m, ds, b, rows, n_rows, opt, ctl, exact ? 0.2 : 0.9, res, err);
    if (st != GB_JOB_OK) {
        res->status = st;
        return st;
    }
    res->n_rows = n_rows;
    res->n_groups = ng;
    res->n_features = nf;
    res->exact_partner = exact;
    size_t w = (size_t)nf + 1;
    res->x = gb_malloc(n_rows, (size_t)nf * sizeof(double), err);
    res->mean_abs = res->x ? gb_calloc((size_t)ng * nf, sizeof(double), err) : NULL;
    res->partner = res->mean_abs ? gb_malloc((size_t)ng * nf, sizeof(int), err) : NULL;
    res->partner_score = res->partner ? gb_malloc((size_t)ng * nf, sizeof(double), err) : NULL;
    double *sum_abs = res->partner_score && exact ? gb_calloc((size_t)ng * w * w, sizeof(double), err) : NULL;
    if (!res->partner_score || (exact && !sum_abs)) {
        gb_summary_free(res);
        return GB_JOB_FAILED;
    }
    for (size_t r = 0; r < n_rows; r++) {
        gb_binding_row(b, ds, rows[r], res->x + r * (size_t)nf);
        for (int g = 0; g < ng; g++)
            for (int f = 0; f < nf; f++)
                res->mean_abs[(size_t)g * nf + f] +=
                    fabs(res->phi[r * (size_t)ng * w + (size_t)g * w + (size_t)f]);
    }
    for (size_t k = 0; k < (size_t)ng * nf; k++)
        res->mean_abs[k] /= (double)n_rows;
    if (exact)
        st = exact_partner_sums(m, ds, b, rows, n_rows, opt, ctl, sum_abs, err);
    if (st == GB_JOB_OK && gb_cancelled(ctl)) {
        gb_error_set(err, "cancelled");
        st = GB_JOB_CANCELLED;
    }
    if (st == GB_JOB_OK)
        pick_partners(res, sum_abs);
    free(sum_abs);
    if (st != GB_JOB_OK) {
        gb_summary_free(res);
        res->status = st;
        return st;
    }
    gb_job_progress(ctl, 1.0);
    res->status = GB_JOB_OK;
    return GB_JOB_OK;
}
