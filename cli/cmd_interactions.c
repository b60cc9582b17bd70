/* cmd_interactions.c: `glassbox interactions`, SHAP interaction values.
 *
 * One CSV line per (row, class, feature) holding that feature's row of the
 * M x M matrix (main effects on the diagonal), or with --mean the mean
 * |value| over the rows.  Rows are computed in batches so memory stays flat;
 * the output is written atomically. */
#include <stdlib.h>
#include <string.h>

#include "../src/interactions.h"
#include "global_cli.h"

enum { BATCH = 512, OPT_CLASS = GLOBAL_OPT_OWN, OPT_MEAN };

static void usage(FILE *fp)
{
    fputs("Usage: glassbox interactions --data FILE --model FILE [OPTION]...\n"
          "SHAP interaction values (XGBoost's pred_interactions) of rows of the data.\n\n"
          "  -d, --data FILE      CSV file with a header row\n"
          "  -m, --model FILE     tree ensemble (a linear model's matrix is diagonal)\n"
          "  -r, --rows SPEC      0-based data rows, e.g. 0-9,15 (default: all)\n"
          "      --sample N       a sample of N rows chosen by --seed instead\n"
          "      --seed S         seed of the sample (default 0)\n"
          "      --class K        only output class K of a multiclass model\n"
          "      --mean           one matrix of mean |value| over the rows instead\n"
          "  -t, --target COL     target column (kept out of the features)\n"
          "      --delimiter C    CSV delimiter (default: detected)\n"
          "  -j, --threads N      worker threads (default: all cores)\n"
          "  -o, --output FILE    write there instead of standard output\n"
          "      --force          replace an existing output file\n"
          "  -h, --help           show this help\n\n"
          "CSV columns: row,class,feature,<features>; with --mean class,feature,<features>.\n"
          "Each line sums to the feature's SHAP value; cost: 2M+1 TreeSHAP passes per row.\n",
          fp);
}

typedef struct inter_cmd {
    global_cli g;
    long klass;
    int mean;
    size_t *rows, n_rows;
} inter_cmd;

static int option(void *ctx, int code, const char *arg, gb_error *err)
{
    inter_cmd *c = ctx;
    if (code == OPT_MEAN) {
        c->mean = 1;
        return 0;
    }
    return cli_parse_int("--class", arg, 0, 100000, &c->klass, err);
}

static void header(FILE *fp, const gb_model *m, int mean)
{
    char buf[32];
    fputs(mean ? "class,feature" : "row,class,feature", fp);
    for (int f = 0; f < m->n_features; f++) {
        fputc(',', fp);
        global_field(fp, gb_model_feature_name(m, f, buf, sizeof buf));
    }
    fputc('\n', fp);
}

/* Lines of one matrix (group g of a block) as row,class,feature,... */
static void matrix(FILE *fp, const gb_model *m, const double *block, int g, const char *prefix)
{
    size_t w = (size_t)m->n_features + 1;
    char buf[32];
    for (int i = 0; i < m->n_features; i++) {
        fprintf(fp, "%s%d,", prefix, g);
        global_field(fp, gb_model_feature_name(m, i, buf, sizeof buf));
        for (int k = 0; k < m->n_features; k++) {
            fputc(',', fp);
            global_num(fp, block[(size_t)g * w * w + (size_t)i * w + (size_t)k]);
        }
        fputc('\n', fp);
    }
}

static int write_out(FILE *fp, void *ctx, gb_error *err)
{
    inter_cmd *c = ctx;
    const gb_model *m = c->g.in.model;
    size_t block = gb_interactions_block(m);
    double *sum = c->mean ? gb_calloc(block, sizeof *sum, err) : NULL;
    if (c->mean && !sum)
        return -1;
    header(fp, m, c->mean);
    gb_job_ctl ctl = {.threads = (int)c->g.threads};
    for (size_t at = 0; at < c->n_rows; at += BATCH) {
        size_t n = c->n_rows - at < BATCH ? c->n_rows - at : BATCH;
        gb_interactions_result res;
        if (gb_interactions_run(m, c->g.in.ds, &c->g.in.binding, c->rows + at, n, NULL, &ctl, &res, err) !=
            GB_JOB_OK) {
            free(sum);
            return -1;
        }
        if (c->mean)
            gb_interactions_add_abs(&res, sum);
        for (size_t r = 0; !c->mean && r < n; r++)
            for (int g = 0; g < m->n_groups; g++) {
                if (c->klass >= 0 && g != c->klass)
                    continue;
                char prefix[32];
                snprintf(prefix, sizeof prefix, "%zu,", c->rows[at + r]);
                matrix(fp, m, res.values + r * block, g, prefix);
            }
        gb_interactions_result_free(&res);
    }
    if (c->mean) {
        for (size_t k = 0; k < block; k++)
            sum[k] /= (double)c->n_rows;
        for (int g = 0; g < m->n_groups; g++)
            if (c->klass < 0 || g == c->klass)
                matrix(fp, m, sum, g, "");
        free(sum);
    }
    return 0;
}

int cmd_interactions(int argc, char **argv)
{
    static const struct option own[] = {
        {"class", required_argument, 0, OPT_CLASS}, {"mean", no_argument, 0, OPT_MEAN}, {0, 0, 0, 0}};
    inter_cmd c = {.g = {.name = "interactions"}, .klass = -1};
    gb_error err = {{0}};
    int rc = global_parse(argc, argv, &c.g, own, option, &c, usage, &err);
    if (rc)
        return rc > 0 ? CLI_OK : cli_fail_error(&err);
    rc = global_load(&c.g, &err);
    if (rc == 0 && c.klass >= c.g.in.model->n_groups)
        rc = gb_error_set(&err, "--class %ld: the model has %d output(s)", c.klass, c.g.in.model->n_groups);
    if (rc == 0)
        rc = global_rows(&c.g, &c.rows, &c.n_rows, &err);
    if (rc == 0)
        rc = global_write(&c.g, write_out, &c, &err);
    free(c.rows);
    cli_inputs_free(&c.g.in);
    return rc ? cli_fail_error(&err) : CLI_OK;
}
