/* cmd_summary.c: `glassbox summary`, the SHAP summary of many rows.
 *
 * Prints feature,mean_abs_shap,interacts_with,class: features by
 * decreasing mean |phi| per output, each with the feature that interacts
 * with it most (exact interaction values for trees unless --approximate).
 * --per-row FILE writes the values behind beeswarm and dependence plots
 * (row,class,<features>,base_value); both files are written atomically and
 * only when both succeed. */
#include <stdlib.h>
#include <string.h>

#include "../src/summary.h"
#include "global_cli.h"

enum { OPT_PER_ROW = GLOBAL_OPT_OWN, OPT_APPROX };

static void usage(FILE *fp)
{
    fputs("Usage: glassbox summary --data FILE --model FILE [OPTION]...\n"
          "Mean |SHAP value| per feature over many rows, with each feature's strongest\n"
          "interaction partner.\n\n"
          "  -d, --data FILE      CSV file with a header row\n"
          "  -m, --model FILE     model file\n"
          "  -r, --rows SPEC      0-based data rows (default: all)\n"
          "      --sample N       a sample of N rows chosen by --seed instead\n"
          "      --seed S         seed of the sample (default 0)\n"
          "      --per-row FILE   also write every row's SHAP values there\n"
          "      --approximate    pick partners with shap's approximate_interactions\n"
          "                       heuristic (trees default to exact interaction values)\n"
          "  -t, --target COL     target column\n"
          "      --delimiter C    CSV delimiter (default: detected)\n"
          "  -j, --threads N      worker threads (default: all cores)\n"
          "  -o, --output FILE    write there instead of standard output\n"
          "      --force          replace existing output files\n"
          "  -h, --help           show this help\n\n"
          "CSV columns: feature,mean_abs_shap,interacts_with,class.\n",
          fp);
}

typedef struct summary_cmd {
    global_cli g;
    const char *per_row;
    int approximate;
    size_t *rows, n_rows;
    gb_summary s;
} summary_cmd;

static int option(void *ctx, int code, const char *arg, gb_error *err)
{
    (void)err;
    summary_cmd *c = ctx;
    if (code == OPT_PER_ROW)
        c->per_row = arg;
    else
        c->approximate = 1;
    return 0;
}

/* Features by decreasing mean (ties by index): insertion sort, M is small. */
static void order_features(const double *mean, int nf, int *order)
{
    for (int k = 0; k < nf; k++) {
        int f = k, j = k;
        while (j > 0 && mean[order[j - 1]] < mean[f]) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = f;
    }
}

static int write_summary(FILE *fp, void *ctx, gb_error *err)
{
    summary_cmd *c = ctx;
    const gb_model *m = c->g.in.model;
    int nf = m->n_features;
    int *order = gb_malloc((size_t)nf, sizeof *order, err);
    if (!order)
        return -1;
    char buf[32];
    fputs("feature,mean_abs_shap,interacts_with,class\n", fp);
    for (int g = 0; g < m->n_groups; g++) {
        order_features(c->s.mean_abs + (size_t)g * nf, nf, order);
        for (int k = 0; k < nf; k++) {
            int f = order[k], p = c->s.partner[(size_t)g * nf + f];
            global_field(fp, gb_model_feature_name(m, f, buf, sizeof buf));
            fputc(',', fp);
            global_num(fp, c->s.mean_abs[(size_t)g * nf + f]);
            fputc(',', fp);
            if (p >= 0)
                global_field(fp, gb_model_feature_name(m, p, buf, sizeof buf));
            fprintf(fp, ",%d\n", g);
        }
    }
    free(order);
    return 0;
}

static void write_per_row(FILE *fp, const summary_cmd *c)
{
    const gb_model *m = c->g.in.model;
    size_t w = (size_t)m->n_features + 1;
    char buf[32];
    fputs("row,class", fp);
    for (int f = 0; f < m->n_features; f++) {
        fputc(',', fp);
        global_field(fp, gb_model_feature_name(m, f, buf, sizeof buf));
    }
    fputs(",base_value\n", fp);
    for (size_t r = 0; r < c->n_rows; r++)
        for (int g = 0; g < m->n_groups; g++) {
            fprintf(fp, "%zu,%d", c->rows[r], g);
            for (size_t k = 0; k < w; k++) {
                fputc(',', fp);
                global_num(fp, c->s.phi[r * (size_t)m->n_groups * w + (size_t)g * w + k]);
            }
            fputc('\n', fp);
        }
}

static int run(void *ctx, gb_error *err)
{
    summary_cmd *c = ctx;
    if (global_rows(&c->g, &c->rows, &c->n_rows, err))
        return -1;
    gb_summary_options so = {.approximate = c->approximate};
    gb_job_ctl ctl = {.threads = (int)c->g.threads};
    if (gb_summary_run(c->g.in.model, c->g.in.ds, &c->g.in.binding, c->rows, c->n_rows, &so, &ctl, &c->s,
                       err) != GB_JOB_OK)
        return -1;
    gb_outfile per = {0};
    if (c->per_row && gb_outfile_open(&per, c->per_row, c->g.force, err))
        return -1;
    if (c->per_row)
        write_per_row(per.fp, c);
    if (global_write(&c->g, write_summary, c, err)) {
        if (c->per_row)
            gb_outfile_abort(&per);
        return -1;
    }
    return c->per_row ? gb_outfile_commit(&per, err) : 0;
}

static void release(void *ctx)
{
    summary_cmd *c = ctx;
    gb_summary_free(&c->s);
    free(c->rows);
}

int cmd_summary(int argc, char **argv)
{
    static const struct option own[] = {{"per-row", required_argument, 0, OPT_PER_ROW},
                                        {"approximate", no_argument, 0, OPT_APPROX},
                                        {0, 0, 0, 0}};
    static const global_cmd cmd = {own, option, usage, run, release};
    summary_cmd c = {.g = {.name = "summary"}};
    return global_main(argc, argv, &c.g, &cmd, &c);
}
