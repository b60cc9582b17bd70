/* cmd_importance.c: `glassbox importance`, permutation importance.
 *
 * Prints feature,importance,std in the model's feature order: the mean
 * loss of score when the feature's column is shuffled, over --repeats
 * seeded shuffles, and its standard deviation.  Needs the target column. */
#include <stdlib.h>

#include "../src/importance.h"
#include "global_cli.h"

enum { OPT_REPEATS = GLOBAL_OPT_OWN, OPT_METRIC };

static void usage(FILE *fp)
{
    fputs("Usage: glassbox importance --data FILE --model FILE [OPTION]...\n"
          "Permutation importance: how much the score drops when a feature is shuffled.\n\n"
          "  -d, --data FILE      CSV file with a header row and the target column\n"
          "  -m, --model FILE     model file\n"
          "  -t, --target COL     target column (default: target, label or y)\n"
          "      --metric NAME    rmse, logloss or accuracy (default: logloss for\n"
          "                       classifiers, rmse otherwise)\n"
          "      --repeats N      shuffles per feature (default 5)\n"
          "      --seed S         seed of the shuffles (default 0)\n"
          "  -r, --rows SPEC      0-based data rows (default: all)\n"
          "      --sample N       a sample of N rows chosen by --seed instead\n"
          "      --delimiter C    CSV delimiter (default: detected)\n"
          "  -j, --threads N      worker threads (default: all cores)\n"
          "  -o, --output FILE    write there instead of standard output\n"
          "      --force          replace an existing output file\n"
          "  -h, --help           show this help\n\n"
          "CSV columns: feature,importance,std (std: over the repeats, as scikit-learn).\n",
          fp);
}

typedef struct imp_cmd {
    global_cli g;
    gb_importance_options opt;
    gb_importance res;
} imp_cmd;

static int option(void *ctx, int code, const char *arg, gb_error *err)
{
    imp_cmd *c = ctx;
    if (code == OPT_METRIC) {
        if (gb_metric_parse(arg, &c->opt.metric))
            return gb_error_set(err, "--metric %s: expected rmse, logloss or accuracy", arg);
        return 0;
    }
    long v;
    if (cli_parse_int("--repeats", arg, 1, 100000, &v, err))
        return -1;
    c->opt.repeats = (int)v;
    return 0;
}

static int write_out(FILE *fp, void *ctx, gb_error *err)
{
    (void)err;
    imp_cmd *c = ctx;
    const gb_model *m = c->g.in.model;
    char buf[32];
    fputs("feature,importance,std\n", fp);
    for (int f = 0; f < m->n_features; f++) {
        global_field(fp, gb_model_feature_name(m, f, buf, sizeof buf));
        fputc(',', fp);
        global_num(fp, c->res.importance[f]);
        fputc(',', fp);
        global_num(fp, c->res.std[f]);
        fputc('\n', fp);
    }
    return 0;
}

int cmd_importance(int argc, char **argv)
{
    static const struct option own[] = {{"repeats", required_argument, 0, OPT_REPEATS},
                                        {"metric", required_argument, 0, OPT_METRIC},
                                        {0, 0, 0, 0}};
    imp_cmd c = {.g = {.name = "importance"}};
    gb_error err = {{0}};
    size_t *rows = NULL, n_rows = 0;
    int rc = global_parse(argc, argv, &c.g, own, option, &c, usage, &err);
    if (rc)
        return rc > 0 ? CLI_OK : cli_fail_error(&err);
    c.opt.seed = c.g.seed;
    rc = global_load(&c.g, &err);
    if (rc == 0)
        rc = global_rows(&c.g, &rows, &n_rows, &err);
    gb_job_ctl ctl = {.threads = (int)c.g.threads};
    if (rc == 0 && gb_importance_run(c.g.in.model, c.g.in.ds, &c.g.in.binding, rows, n_rows, &c.opt, &ctl,
                                     &c.res, &err) != GB_JOB_OK)
        rc = -1;
    if (rc == 0)
        rc = global_write(&c.g, write_out, &c, &err);
    gb_importance_free(&c.res);
    free(rows);
    cli_inputs_free(&c.g.in);
    return rc ? cli_fail_error(&err) : CLI_OK;
}
