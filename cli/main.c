/* main.c: glassbox's entry point; dispatches to the batch subcommands or
 * opens the explorer.
 *
 *   glassbox explain|predict|info ...   batch work, no terminal UI
 *   glassbox [--data F --model M ...]   the explorer (ncurses)
 *   glassbox                            the explorer on the bundled sample
 *
 * The explorer needs a terminal: when standard output is not one and no
 * key script (GLASSBOX_KEYS) is given, the row's explanation is printed as
 * a text chart instead, so scripts never hang waiting for keys. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../ui/ui.h"
#include "cli.h"
#include "config.h"

static void usage(FILE *fp)
{
    fputs("Usage: glassbox [COMMAND] [OPTION]...\n"
          "See why a tree ensemble or linear model predicts what it does.\n\n"
          "Commands:\n"
          "  explain    exact attributions (TreeSHAP, linear SHAP) for rows of a CSV file\n"
          "  predict    the model's predictions, to check it was read as its library reads it\n"
          "  info       describe a dataset and/or a model\n"
          "  summary    mean |SHAP value| per feature over many rows, with interaction partners\n"
          "  interactions  SHAP interaction values of tree models\n"
          "  importance permutation importance (needs the target)\n"
          "  pdp        partial dependence, ICE curves and ALE of one feature\n"
          "  distill    a small surrogate tree (and linear model) and how faithful it is\n\n"
          "Without a command, glassbox opens the explorer (a terminal interface):\n"
          "  glassbox [--data FILE --model FILE] [--target COL] [--row N] [--method NAME]\n"
          "           [--delimiter C]\n"
          "With no options at all it opens the bundled diabetes sample.  Press ? in the\n"
          "explorer for its keys.  Run 'glassbox COMMAND --help' for a command's options;\n"
          "see glassbox(1).\n\n"
          "Every command also takes --max-memory SIZE (e.g. 512M, 2G; default: half the\n"
          "physical memory, or GLASSBOX_MAX_MEMORY): work that would need more is refused.\n\n"
          "  -h, --help     show this help and exit\n"
          "  -V, --version  show the version and exit\n\n"
          "Exit status: 0 on success, 2 on bad input or usage.\n",
          fp);
}

/* Without a terminal: the text chart of the row, through `explain`. */
static int text_fallback(const ui_options *o)
{
    char row[32], delim[8];
    snprintf(row, sizeof row, "%ld", o->row >= 0 ? o->row : 0);
    char *argv[20];
    int n = 0;
    argv[n++] = "explain";
    argv[n++] = "--data";
    argv[n++] = (char *)o->data_path;
    argv[n++] = "--model";
    argv[n++] = (char *)o->model_path;
    argv[n++] = "--rows";
    argv[n++] = row;
    argv[n++] = "--format";
    argv[n++] = "text";
    if (o->target) {
        argv[n++] = "--target";
        argv[n++] = (char *)o->target;
    }
    if (o->method) {
        argv[n++] = "--method";
        argv[n++] = (char *)o->method;
    }
    if (o->delimiter) {
        snprintf(delim, sizeof delim, "%c", o->delimiter);
        argv[n++] = "--delimiter";
        argv[n++] = o->delimiter == '\t' ? "tab" : delim;
    }
    argv[n] = NULL;
    return cmd_explain(n, argv);
}

/* A terminal that cannot place the cursor (TERM=dumb: Emacs' shell, some
 * CI logs) gets the text chart too, as a pipe does. */
static int dumb_terminal(void)
{
    const char *term = getenv("TERM");
    return !term || !*term || strcmp(term, "dumb") == 0;
}

/* `glassbox [--data F --model M ...]`: the explorer's options. */
static int explorer(int argc, char **argv)
{
    enum { OPT_METHOD = 256, OPT_DELIM };
    static const struct option longs[] = {
        {"data", required_argument, 0, 'd'},   {"model", required_argument, 0, 'm'},
        {"target", required_argument, 0, 't'}, {"row", required_argument, 0, 'r'},
        {"method", required_argument, 0, OPT_METHOD}, {"delimiter", required_argument, 0, OPT_DELIM},
        {0, 0, 0, 0}};
    ui_options o = {.row = -1};
    gb_error err = {{0}};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":d:m:t:r:", longs, NULL)) != -1) {
        switch (c) {
        case 'd': o.data_path = optarg; break;
        case 'm': o.model_path = optarg; break;
        case 't': o.target = optarg; break;
        case OPT_METHOD: o.method = optarg; break;
        case 'r':
            if (cli_parse_int("--row", optarg, 0, 1L << 40, &o.row, &err))
                return cli_fail_error(&err);
            break;
        case OPT_DELIM:
            if (cli_parse_delimiter(optarg, &o.delimiter, &err))
                return cli_fail_error(&err);
            break;
        case ':': return cli_fail("%s needs a value (see glassbox --help)", argv[optind - 1]);
        default: return cli_fail("unknown option '%s' (see glassbox --help)", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_fail("unknown command '%s' (see glassbox --help)", argv[optind]);
    char data[4096], model[4096];
    if (!o.data_path && !o.model_path) {
        snprintf(data, sizeof data, "%s/diabetes/data.csv", cli_samples_dir());
        snprintf(model, sizeof model, "%s/diabetes/xgboost.json", cli_samples_dir());
        o.data_path = data;
        o.model_path = model;
    } else if (!o.data_path || !o.model_path) {
        return cli_fail("the explorer needs both --data FILE and --model FILE (see glassbox --help)");
    }
    const char *keys = getenv("GLASSBOX_KEYS");
    if (!(keys && *keys) && (!isatty(STDOUT_FILENO) || dumb_terminal()))
        return text_fallback(&o);
    return ui_main(&o);
}

int main(int argc, char **argv)
{
    gb_error err = {{0}};
    if (cli_take_max_memory(&argc, argv, &err) != 0)
        return cli_fail_error(&err);
    if (argc < 2)
        return cmd_demo(argv[0]);
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("glassbox %s\n", PACKAGE_VERSION);
        return CLI_OK;
    }
    if (strcmp(cmd, "explain") == 0)
        return cmd_explain(argc - 1, argv + 1);
    if (strcmp(cmd, "predict") == 0)
        return cmd_predict(argc - 1, argv + 1);
    if (strcmp(cmd, "info") == 0)
        return cmd_info(argc - 1, argv + 1);
    if (strcmp(cmd, "summary") == 0)
        return cmd_summary(argc - 1, argv + 1);
    if (strcmp(cmd, "interactions") == 0)
        return cmd_interactions(argc - 1, argv + 1);
    if (strcmp(cmd, "importance") == 0)
        return cmd_importance(argc - 1, argv + 1);
    if (strcmp(cmd, "pdp") == 0)
        return cmd_pdp(argc - 1, argv + 1);
    if (strcmp(cmd, "distill") == 0)
        return cmd_distill(argc - 1, argv + 1);
    if (cmd[0] == '-')
        return explorer(argc, argv);
    fprintf(stderr, "glassbox: unknown command '%s'\n", cmd);
    usage(stderr);
    return CLI_BAD_INPUT;
}
