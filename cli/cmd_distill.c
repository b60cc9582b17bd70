/* cmd_distill.c: `glassbox distill`, a shallow surrogate tree (and a sparse
 * linear surrogate) of the model, with the fidelity they keep.
 *
 * Prints the tree as indented rules (feature, threshold, share of training
 * rows, value), the held-out fidelity, the fidelity curve for depths 1..8
 * (--curve) and the forward-selection path of the linear surrogate.
 * --save writes the tree in glassbox's model format, which loads back like
 * any model. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../src/distill.h"
#include "global_cli.h"

enum {
    OPT_DEPTH = GLOBAL_OPT_OWN,
    OPT_MIN_LEAF,
    OPT_HOLDOUT,
    OPT_CURVE,
    OPT_LINEAR,
    OPT_PROB,
    OPT_SAVE,
    OPT_CLASS
};

static void usage(FILE *fp)
{
    fputs("Usage: glassbox distill --data FILE --model FILE [OPTION]...\n"
          "Fit a small tree (and a sparse linear model) to the model's outputs and\n"
          "measure how faithfully it imitates them on held-out rows.\n\n"
          "  -d, --data FILE      CSV file with a header row\n"
          "  -m, --model FILE     model file\n"
          "      --depth D        depth of the surrogate tree (default 4)\n"
          "      --min-leaf N     fewest training rows in a leaf (default 20)\n"
          "      --holdout F      share of rows held out for fidelity (default 0.25)\n"
          "      --seed S         seed of the held-out split (default 0)\n"
          "      --curve          also the fidelity of depths 1 to 8\n"
          "      --linear K       terms of the linear surrogate (default 5; 0: none)\n"
          "      --class K        output of a multiclass model the linear surrogate fits\n"
          "      --probability    binary classifiers: fit the probability, not the margin\n"
          "      --save FILE      write the tree as a glassbox model (see glassbox-model(5))\n"
          "  -t, --target COL     target column\n"
          "      --delimiter C    CSV delimiter (default: detected)\n"
          "  -o, --output FILE    write the report there instead of standard output\n"
          "      --force          replace existing output files\n"
          "  -h, --help           show this help\n",
          fp);
}

typedef struct distill_cmd {
    global_cli g;
    gb_distill_options opt;
    const char *save;
    int linear_set;
    gb_distill res;
} distill_cmd;

static int option(void *ctx, int code, const char *arg, gb_error *err)
{
    distill_cmd *c = ctx;
    long v;
    char *end;
    switch (code) {
    case OPT_CURVE: c->opt.curve = 1; return 0;
    case OPT_PROB: c->opt.probability = 1; return 0;
    case OPT_SAVE: c->save = arg; return 0;
    case OPT_HOLDOUT:
        c->opt.holdout = strtod(arg, &end);
        if (end == arg || *end || !(c->opt.holdout > 0 && c->opt.holdout < 1))
            return gb_error_set(err, "--holdout '%s': expected a share between 0 and 1, e.g. 0.25", arg);
        return 0;
    case OPT_DEPTH:
        if (cli_parse_int("--depth", arg, 1, 30, &v, err))
            return -1;
        c->opt.depth = (int)v;
        return 0;
    case OPT_MIN_LEAF:
        if (cli_parse_int("--min-leaf", arg, 1, 1L << 40, &v, err))
            return -1;
        c->opt.min_leaf = (size_t)v;
        return 0;
    case OPT_LINEAR:
        if (cli_parse_int("--linear", arg, 0, 1000, &v, err))
            return -1;
        c->opt.linear_terms = (int)v;
        c->linear_set = 1;
        return 0;
    default:
        if (cli_parse_int("--class", arg, 0, 100000, &v, err))
            return -1;
        c->opt.linear_group = (int)v;
        return 0;
    }
}

static void name_of(FILE *fp, const gb_model *m, int f)
{
    char buf[32];
    fputs(gb_model_feature_name(m, f, buf, sizeof buf), fp);
}

/* The rule a node sends its left rows by, e.g. "bmi < 0.25" or
 * "sex in {female}" (level names from the data). */
static void rule(FILE *fp, const distill_cmd *c, const gb_model *s, const gb_node *nd)
{
    name_of(fp, s, nd->feature);
    if (!(nd->flags & GB_NODE_CATEGORICAL)) {
        fputs(" < ", fp);
        global_num(fp, nd->split);
        return;
    }
    const gb_column *col = &c->g.in.ds->cols[c->g.in.binding.column[nd->feature]];
    fputs(" in {", fp);
    int first = 1;
    for (uint32_t v = 0; v < nd->cat_words * 32u; v++) {
        if (!((s->cat_bits[nd->cat_begin + (v >> 5)] >> (v & 31u)) & 1u))
            continue;
        fputs(first ? "" : ", ", fp);
        first = 0;
        if (col->type == GB_COLUMN_CATEGORICAL && v < col->n_levels)
            fputs(col->levels[v], fp);
        else
            fprintf(fp, "%u", v);
    }
    fputc('}', fp);
}

static void print_node(FILE *fp, const distill_cmd *c, const gb_model *s, const gb_tree *t, int32_t i,
                       int indent, double total)
{
    const gb_node *nd = &t->nodes[i];
    if (nd->left < 0) {
        fprintf(fp, "%*svalue ", indent, "");
        global_num(fp, nd->value);
        fprintf(fp, "  (%.1f%% of rows)\n", 100.0 * nd->cover / total);
        return;
    }
    fprintf(fp, "%*sif ", indent, "");
    rule(fp, c, s, nd);
    /* Say where missing values go only when the feature has some. */
    int missing = c->g.in.ds->cols[c->g.in.binding.column[nd->feature]].n_missing > 0;
    fprintf(fp, "  (%.1f%% of rows%s)\n", 100.0 * t->nodes[nd->left].cover / total,
            missing && nd->flags & GB_NODE_DEFAULT_LEFT ? "; missing goes here" : "");
    print_node(fp, c, s, t, nd->left, indent + 2, total);
    fprintf(fp, "%*selse  (%.1f%% of rows%s)\n", indent, "", 100.0 * t->nodes[nd->right].cover / total,
            missing && !(nd->flags & GB_NODE_DEFAULT_LEFT) ? "; missing goes here" : "");
    print_node(fp, c, s, t, nd->right, indent + 2, total);
}

static int write_out(FILE *fp, void *ctx, gb_error *err)
{
    (void)err;
    distill_cmd *c = ctx;
    const gb_distill *r = &c->res;
    const gb_model *s = r->tree;
    fprintf(fp,
            "surrogate tree of depth %d fitted to the model's %s on %zu rows, checked on %zu held-out rows\n",
            c->opt.depth ? c->opt.depth : 4, c->opt.probability ? "probability" : "margin", r->n_train,
            r->n_test);
    for (size_t t = 0; t < s->n_trees; t++) {
        if (s->n_trees > 1)
            fprintf(fp, "\noutput %d:\n", s->trees[t].group);
        print_node(fp, c, s, &s->trees[t], 0, 0, s->trees[t].nodes[0].cover);
    }
    fputs("\nfidelity (held out): R^2 ", fp);
    global_num(fp, r->r2);
    if (!isnan(r->agreement))
        fprintf(fp, ", class agreement %.2f%%", 100.0 * r->agreement);
    fputc('\n', fp);
    if (r->curve_n) {
        fputs("\ndepth,r2,class_agreement\n", fp);
        for (int k = 0; k < r->curve_n; k++) {
            fprintf(fp, "%d,", k + 1);
            global_num(fp, r->curve_r2[k]);
            fputc(',', fp);
            if (!isnan(r->curve_agreement[k]))
                global_num(fp, r->curve_agreement[k]);
            fputc('\n', fp);
        }
    }
    if (r->n_linear) {
        fprintf(fp, "\nlinear surrogate (forward selection, output %d): held-out R^2 after each term\n",
                c->opt.probability ? 0 : c->opt.linear_group);
        for (int k = 0; k < r->n_linear; k++) {
            fprintf(fp, "  + ");
            name_of(fp, s, r->linear_feature[k]);
            fputs("  R^2 ", fp);
            global_num(fp, r->linear_r2[k]);
            fputc('\n', fp);
        }
        fputs("  model: ", fp);
        global_num(fp, r->linear_coef[0]);
        for (int k = 0; k < r->n_linear; k++) {
            fputs(" + ", fp);
            global_num(fp, r->linear_coef[k + 1]);
            fputs(" * ", fp);
            name_of(fp, s, r->linear_feature[k]);
        }
        fputc('\n', fp);
    }
    return 0;
}

static int run(void *ctx, gb_error *err)
{
    distill_cmd *c = ctx;
    if (!c->linear_set)
        c->opt.linear_terms = 5;
    c->opt.seed = c->g.seed;
    if (c->g.rows || c->g.sample)
        return gb_error_set(
            err, "distill uses every row (held-out rows are chosen by --seed); drop --rows/--sample");
    struct stat st;
    if (c->save && !c->g.force && stat(c->save, &st) == 0)
        return gb_error_set(err, "%s exists; use --force to replace it", c->save);
    if (c->opt.linear_group >= c->g.in.model->n_groups)
        return gb_error_set(err, "--class %d: the model has %d output(s)", c->opt.linear_group,
                            c->g.in.model->n_groups);
    gb_job_ctl ctl = {.threads = (int)c->g.threads};
    if (gb_distill_run(c->g.in.model, c->g.in.ds, &c->g.in.binding, &c->opt, &ctl, &c->res, err) != GB_JOB_OK)
        return -1;
    if (global_write(&c->g, write_out, c, err))
        return -1;
    return c->save ? gb_model_save_native(c->res.tree, c->save, err) : 0;
}

static void release(void *ctx)
{
    gb_distill_free(&((distill_cmd *)ctx)->res);
}

int cmd_distill(int argc, char **argv)
{
    static const struct option own[] = {{"depth", required_argument, 0, OPT_DEPTH},
                                        {"min-leaf", required_argument, 0, OPT_MIN_LEAF},
                                        {"holdout", required_argument, 0, OPT_HOLDOUT},
                                        {"curve", no_argument, 0, OPT_CURVE},
                                        {"linear", required_argument, 0, OPT_LINEAR},
                                        {"probability", no_argument, 0, OPT_PROB},
                                        {"save", required_argument, 0, OPT_SAVE},
                                        {"class", required_argument, 0, OPT_CLASS},
                                        {0, 0, 0, 0}};
    static const global_cmd cmd = {own, option, usage, run, release};
    distill_cmd c = {.g = {.name = "distill"}};
    return global_main(argc, argv, &c.g, &cmd, &c);
}
