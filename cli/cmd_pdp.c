/* cmd_pdp.c: `glassbox pdp`, partial dependence, ICE and ALE of one
 * feature.
 *
 * feature,value,pd (--ice adds one column per sampled row, row<N>);
 * --ale writes feature,value,ale instead.  Values are margins unless
 * --probability asks for the model's output after its link. */
#include <stdlib.h>
#include <string.h>

#include "../src/pdp.h"
#include "global_cli.h"

enum {
    OPT_FEATURE = GLOBAL_OPT_OWN,
    OPT_GRID,
    OPT_UNIFORM,
    OPT_ICE,
    OPT_ICE_ROWS,
    OPT_CENTRED,
    OPT_ALE,
    OPT_CLASS,
    OPT_PROB
};

static void usage(FILE *fp)
{
    fputs("Usage: glassbox pdp --data FILE --model FILE --feature NAME [OPTION]...\n"
          "How the prediction moves with one feature: partial dependence, ICE, ALE.\n\n"
          "  -d, --data FILE      CSV file with a header row\n"
          "  -m, --model FILE     model file\n"
          "      --feature NAME   the feature (required)\n"
          "      --grid N         grid points, or ALE bins (default 20)\n"
          "      --uniform        evenly spaced grid from min to max (default: quantiles)\n"
          "      --ice            add ICE curves, one column row<N> per sampled row\n"
          "      --ice-rows N     how many rows get a curve (default 50), chosen by --seed\n"
          "      --centred        centre each ICE curve on its first value\n"
          "      --ale            accumulated local effects instead (feature,value,ale)\n"
          "      --class K        output K of a multiclass model (default 0)\n"
          "      --probability    the model's output after its link, not the margin\n"
          "      --seed S         seed of the ICE sample (and of --sample)\n"
          "  -r, --rows SPEC      0-based data rows averaged over (default: all)\n"
          "      --sample N       a sample of N rows chosen by --seed instead\n"
          "  -t, --target COL     target column\n"
          "      --delimiter C    CSV delimiter (default: detected)\n"
          "  -j, --threads N      worker threads (default: all cores)\n"
          "  -o, --output FILE    write there instead of standard output\n"
          "      --force          replace an existing output file\n"
          "  -h, --help           show this help\n",
          fp);
}

typedef struct pdp_cmd {
    global_cli g;
    const char *feature;
    gb_pdp_options opt;
    int ice, ale;
    long ice_rows;
    gb_pdp pd;
    gb_ale al;
} pdp_cmd;

static int option(void *ctx, int code, const char *arg, gb_error *err)
{
    pdp_cmd *c = ctx;
    long v;
    switch (code) {
    case OPT_FEATURE: c->feature = arg; return 0;
    case OPT_UNIFORM: c->opt.kind = GB_GRID_UNIFORM; return 0;
    case OPT_ICE: c->ice = 1; return 0;
    case OPT_CENTRED: c->opt.centred = 1; return 0;
    case OPT_ALE: c->ale = 1; return 0;
    case OPT_PROB: c->opt.output = 1; return 0;
    case OPT_ICE_ROWS: c->ice = 1; return cli_parse_int("--ice-rows", arg, 1, 1000000, &c->ice_rows, err);
    case OPT_GRID:
        if (cli_parse_int("--grid", arg, 2, 100000, &v, err))
            return -1;
        c->opt.grid = (int)v;
        return 0;
    default:
        if (cli_parse_int("--class", arg, 0, 100000, &v, err))
            return -1;
        c->opt.group = (int)v;
        return 0;
    }
}

/* A grid value: the level's name for a categorical feature. */
static void value(FILE *fp, const pdp_cmd *c, int categorical, double v)
{
    const gb_column *col = &c->g.in.ds->cols[c->g.in.binding.column[c->opt.feature]];
    if (categorical && col->type == GB_COLUMN_CATEGORICAL && v >= 0 && v < (double)col->n_levels)
        global_field(fp, col->levels[(size_t)v]);
    else
        global_num(fp, v);
}

static int write_out(FILE *fp, void *ctx, gb_error *err)
{
    (void)err;
    pdp_cmd *c = ctx;
    if (c->ale) {
        fputs("feature,value,ale\n", fp);
        for (size_t k = 0; k < c->al.n; k++) {
            global_field(fp, c->feature);
            fputc(',', fp);
            value(fp, c, c->al.categorical, c->al.value[k]);
            fputc(',', fp);
            global_num(fp, c->al.ale[k]);
            fputc('\n', fp);
        }
        return 0;
    }
    fputs("feature,value,pd", fp);
    for (size_t i = 0; i < c->pd.n_ice; i++)
        fprintf(fp, ",row%zu", c->pd.ice_rows[i]);
    fputc('\n', fp);
    for (size_t k = 0; k < c->pd.n_grid; k++) {
        global_field(fp, c->feature);
        fputc(',', fp);
        value(fp, c, c->pd.categorical, c->pd.grid[k]);
        fputc(',', fp);
        global_num(fp, c->pd.pd[k]);
        for (size_t i = 0; i < c->pd.n_ice; i++) {
            fputc(',', fp);
            global_num(fp, c->pd.ice[i * c->pd.n_grid + k]);
        }
        fputc('\n', fp);
    }
    return 0;
}

static int run(void *ctx, gb_error *err)
{
    pdp_cmd *c = ctx;
    const gb_model *m = c->g.in.model;
    if (!c->feature)
        return gb_error_set(err, "pdp needs --feature NAME (see glassbox pdp --help)");
    if (c->ale && c->ice)
        return gb_error_set(err, "--ale and --ice cannot be combined: run them separately");
    if (global_feature(m, c->feature, &c->opt.feature, err))
        return -1;
    if (c->opt.group >= m->n_groups)
        return gb_error_set(err, "--class %d: the model has %d output(s)", c->opt.group, m->n_groups);
    c->opt.ice = c->ice ? (size_t)(c->ice_rows ? c->ice_rows : 50) : 0;
    c->opt.seed = c->g.seed;
    size_t *rows = NULL, n = 0;
    if (global_rows(&c->g, &rows, &n, err))
        return -1;
    gb_job_ctl ctl = {.threads = (int)c->g.threads};
    gb_job_status st = c->ale
                           ? gb_ale_run(m, c->g.in.ds, &c->g.in.binding, rows, n, &c->opt, &ctl, &c->al, err)
                           : gb_pdp_run(m, c->g.in.ds, &c->g.in.binding, rows, n, &c->opt, &ctl, &c->pd, err);
    free(rows);
    if (st != GB_JOB_OK)
        return -1;
    return global_write(&c->g, write_out, c, err);
}

static void release(void *ctx)
{
    pdp_cmd *c = ctx;
    gb_pdp_free(&c->pd);
    gb_ale_free(&c->al);
}

int cmd_pdp(int argc, char **argv)
{
    static const struct option own[] = {{"feature", required_argument, 0, OPT_FEATURE},
                                        {"grid", required_argument, 0, OPT_GRID},
                                        {"uniform", no_argument, 0, OPT_UNIFORM},
                                        {"ice", no_argument, 0, OPT_ICE},
                                        {"ice-rows", required_argument, 0, OPT_ICE_ROWS},
                                        {"centred", no_argument, 0, OPT_CENTRED},
                                        {"centered", no_argument, 0, OPT_CENTRED},
                                        {"ale", no_argument, 0, OPT_ALE},
                                        {"class", required_argument, 0, OPT_CLASS},
                                        {"probability", no_argument, 0, OPT_PROB},
                                        {0, 0, 0, 0}};
    static const global_cmd cmd = {own, option, usage, run, release};
    pdp_cmd c = {.g = {.name = "pdp"}};
    return global_main(argc, argv, &c.g, &cmd, &c);
}
