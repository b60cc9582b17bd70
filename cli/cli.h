/* cli.h: what the batch subcommands share.
 *
 * Each subcommand (explain, predict, info) parses its own options with
 * getopt_long, loads what it needs through cli_load, and reports any failure
 * with cli_fail, which prints "glassbox: <message>" and returns exit status
 * 2 (bad input or usage).  Output files are written through gb_outfile, so a
 * failed run never leaves a partial file. */
#ifndef GB_CLI_H
#define GB_CLI_H

#include <stdio.h>

#include "../src/binding.h"
#include "../src/dataset.h"
#include "../src/error.h"
#include "../src/model.h"

enum { CLI_OK = 0, CLI_ERROR = 1, CLI_BAD_INPUT = 2 };

/* What most subcommands load: a dataset, a model and the binding. */
typedef struct cli_inputs {
    const char *data_path;
    const char *model_path;
    const char *target;
    char delimiter;
    gb_dataset *ds;
    gb_model *model;
    gb_binding binding;
    int bound;
} cli_inputs;

/* Loads whichever of data and model were named, and binds them when both
 * were.  Returns 0 or -1 with err set. */
int cli_load(cli_inputs *in, gb_error *err);
void cli_inputs_free(cli_inputs *in);

/* Takes --max-memory SIZE out of argv (every command accepts it) and sets
 * GLASSBOX_MAX_MEMORY from it.  Returns 0, or -1 with err set. */
int cli_take_max_memory(int *argc, char **argv, gb_error *err);

/* Parses the --delimiter argument ("," ";" "tab" "\t" or one character). */
int cli_parse_delimiter(const char *arg, char *out, gb_error *err);
/* Parses a non-negative integer option; -1 with err on anything else. */
int cli_parse_int(const char *opt, const char *arg, long lo, long hi, long *out, gb_error *err);

int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_fail_error(const gb_error *err);

/* Subcommands: argc/argv start at the subcommand's name. */
int cmd_explain(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_info(int argc, char **argv);
/* Global views (global_cli.h). */
int cmd_summary(int argc, char **argv);
int cmd_interactions(int argc, char **argv);
int cmd_importance(int argc, char **argv);
int cmd_pdp(int argc, char **argv);
int cmd_distill(int argc, char **argv);
int cmd_demo(const char *program);

/* Where the bundled samples live (installed, or the source tree). */
const char *cli_samples_dir(void);

#endif
