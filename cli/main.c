/* main.c: glassbox's entry point; dispatches to the batch subcommands or
 * opens the explorer.
 *
 *   glassbox explain|predict|info ...   batch work, no terminal UI
 *   glassbox [--data F --model M ...]   the explorer (until it lands: the
 *                                       explanation of a sample row) */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"

static void usage(FILE *fp)
{
    fputs("Usage: glassbox [COMMAND] [OPTION]...\n"
          "See why a tree ensemble or linear model predicts what it does.\n\n"
          "Commands:\n"
          "  explain    exact attributions (TreeSHAP, linear SHAP) for rows of a CSV file\n"
          "  predict    the model's predictions, to check it was read as its library reads it\n"
          "  info       describe a dataset and/or a model\n\n"
          "With no command, glassbox shows the explanation of a row of the bundled sample.\n"
          "Run 'glassbox COMMAND --help' for a command's options; see glassbox(1).\n\n"
          "  -h, --help     show this help and exit\n"
          "  -V, --version  show the version and exit\n\n"
          "Exit status: 0 on success, 2 on bad input or usage.\n",
          fp);
}

int main(int argc, char **argv)
{
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
    fprintf(stderr, "glassbox: unknown command '%s'\n", cmd);
    usage(stderr);
    return CLI_BAD_INPUT;
}
