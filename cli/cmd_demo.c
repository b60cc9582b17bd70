/* cmd_demo.c: what `glassbox` with no arguments does: open the explorer on
 * the bundled diabetes sample, so a new user sees the point of the program
 * in their first second with it.  When standard output is not a terminal
 * (a pipe, a script, a test) and no key script is given, the explorer would
 * wait for keys nobody types: print the explanation of row 0 as a text
 * chart instead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../ui/ui.h"
#include "cli.h"

int cmd_demo(const char *program)
{
    const char *dir = cli_samples_dir();
    char data[4096], model[4096], rows[] = "0";
    snprintf(data, sizeof data, "%s/diabetes/data.csv", dir);
    snprintf(model, sizeof model, "%s/diabetes/xgboost.json", dir);
    const char *keys = getenv("GLASSBOX_KEYS");
    if (isatty(STDOUT_FILENO) || (keys && *keys)) {
        ui_options o = {.data_path = data, .model_path = model, .row = -1};
        return ui_main(&o);
    }
    char *argv[] = {"explain", "--data", data, "--model", model, "--rows", rows, "--format", "text", NULL};
    printf("glassbox: standard output is not a terminal, so instead of the explorer here is\n"
           "row 0 of the bundled diabetes sample.\n"
           "Same as: %s explain --data %s --model %s --rows 0 --format text\n\n",
           program, data, model);
    return cmd_explain(9, argv);
}
