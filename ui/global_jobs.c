/* global_jobs.c: helpers of the global-view screens (see global_jobs.h). */
#include "global_jobs.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "../src/rng.h"

/* The purpose tag cli/global_cli.c draws --sample from: the same rows as
 * the batch commands for the same seed. */
enum { RNG_CLI_SAMPLE = 104 };

size_t *gv_sample_rows(size_t total, size_t want, uint64_t seed, size_t *n, gb_error *err)
{
    size_t k = want && want < total ? want : total;
    size_t *all = gb_malloc(total ? total : 1, sizeof *all, err);
    if (!all)
        return NULL;
    for (size_t i = 0; i < total; i++)
        all[i] = i;
    if (k < total) {
        size_t *pick = gb_malloc(k ? k : 1, sizeof *pick, err);
        gsl_rng *r = pick ? gb_rng_new(seed, RNG_CLI_SAMPLE, 0, err) : NULL;
        if (!r) {
            free(pick);
            free(all);
            return NULL;
        }
        gsl_ran_choose(r, pick, k, all, total, sizeof *all);
        gsl_rng_free(r);
        free(all);
        all = pick;
    }
    if (k == 0) {
        free(all);
        gb_error_set(err, "the data has no rows");
        return NULL;
    }
    *n = k;
    return all;
}

void *gv_owner(ui_app *app, const ui_screen_ops *ops, const void *job)
{
    for (int i = app->depth; i-- > 0;) {
        ui_screen *s = app->stack[i];
        if (s->ops == ops && s->state && *(const void *const *)s->state == job)
            return s->state;
    }
    return NULL;
}

static void progress(void *ctx, double fraction)
{
    gv_progress *p = ctx;
    ui_job_progress(p->job, p->lo + (p->hi - p->lo) * fraction);
}

gb_job_ctl gv_ctl(ui_job *job, gv_progress *pr, double lo, double hi)
{
    pr->job = job;
    pr->lo = lo;
    pr->hi = hi;
    gb_job_ctl ctl = {.threads = 0, .cancel = ui_job_cancel_flag(job), .progress = progress, .progress_ctx = pr};
    return ctl;
}

int gv_group(const ui_app *app)
{
    int g = app->params.klass;
    return g < 0 ? 0 : g >= app->model->n_groups ? app->model->n_groups - 1 : g;
}

/* 1234567 as "1,234,567". */
static void grouped(size_t n, char *buf, size_t size)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%zu", n), o = 0;
    for (int i = 0; i < len && (size_t)o + 2 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

void gv_rows_text(size_t n, size_t total, unsigned long seed, char *buf, size_t size)
{
    char a[32], b[32];
    grouped(n, a, sizeof a);
    grouped(total, b, sizeof b);
    if (n >= total)
        snprintf(buf, size, "%s rows", a);
    else
        snprintf(buf, size, "%s of %s rows (sample, seed %lu)", a, b, seed);
}

int gv_parse_rows(const char *text, size_t *want)
{
    while (isspace((unsigned char)*text))
        text++;
    if (strncmp(text, "all", 3) == 0 && !text[3 + strspn(text + 3, " ")]) {
        *want = 0;
        return 0;
    }
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    while (isspace((unsigned char)*end))
        end++;
    if (end == text || *end || v == 0 || *text == '-')
        return -1;
    *want = (size_t)v;
    return 0;
}

void gv_say_stopped(ui_app *app, gb_job_status st, const gb_error *err, const char *cancelled,
                    const char *what)
{
    if (st == GB_JOB_CANCELLED)
        ui_msg(app, "%s", cancelled);
    else
        ui_error(app, "%s: %s", what, err->msg);
}

void gv_draw_pending(ui_app *app, const ui_rect *r, int running, const char *running_text,
                     const char *idle_text)
{
    attrset(app->theme.attr[UI_ROLE_DIM]);
    ui_put(r->y + r->h / 2, r->x + 2, r->w - 4, running ? running_text : idle_text);
    attrset(A_NORMAL);
}
