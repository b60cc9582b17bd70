/* cmd_demo.c: what `glassbox` with no arguments does until the explorer
 * exists: explain one row of the bundled sample as a text chart, so a new
 * user sees the point of the program in their first second with it. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cmd_demo(const char *program)
{
    const char *dir = cli_samples_dir();
    char data[4096], model[4096], rows[] = "0";
    snprintf(data, sizeof data, "%s/diabetes/data.csv", dir);
    snprintf(model, sizeof model, "%s/diabetes/xgboost.json", dir);
    char *argv[] = {"explain", "--data", data, "--model", model, "--rows", rows, "--format", "text", NULL};
    printf("glassbox: the explorer is not built yet; here is row 0 of the bundled diabetes sample.\n"
           "Same as: %s explain --data %s --model %s --rows 0 --format text\n\n",
           program, data, model);
    return cmd_explain(9, argv);
}
