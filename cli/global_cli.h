/* global_cli.h: what the global-view subcommands (summary, interactions,
 * importance, pdp, distill) share: the common options (data, model,
 * target, rows or a seeded sample of rows, threads, output), loading, and
 * writing the result atomically. */
#ifndef GB_GLOBAL_CLI_H
#define GB_GLOBAL_CLI_H

#include <getopt.h>
#include <stdint.h>

#include "../src/outfile.h"
#include "cli.h"

/* The commands' own option codes start here. */
enum { GLOBAL_OPT_OWN = 512 };

typedef struct global_cli {
    const char *name; /* the subcommand, for messages */
    cli_inputs in;
    const char *rows;
    const char *output;
    long sample, threads;
    uint64_t seed;
    int force;
} global_cli;

typedef int (*global_opt_fn)(void *ctx, int code, const char *arg, gb_error *err);

/* Parses the common options and the command's own (extra, zero-ended; codes
 * >= GLOBAL_OPT_OWN go to handle).  Returns 0, 1 after --help, or -1. */
int global_parse(int argc, char **argv, global_cli *g, const struct option *extra, global_opt_fn handle,
                 void *ctx, void (*usage)(FILE *), gb_error *err);

/* Loads data and model (both required). */
int global_load(global_cli *g, gb_error *err);

/* A subcommand's part: its own options (zero-ended, codes from
 * GLOBAL_OPT_OWN) and help, what it does once data and model are loaded,
 * and how its results are freed (may be NULL). */
typedef struct global_cmd {
    const struct option *own;
    global_opt_fn option;
    void (*usage)(FILE *fp);
    int (*run)(void *ctx, gb_error *err);
    void (*release)(void *ctx);
} global_cmd;

/* The whole of a subcommand: parses, loads, runs, frees, and reports an
 * error.  Returns the exit status. */
int global_main(int argc, char **argv, global_cli *g, const global_cmd *cmd, void *ctx);

/* The rows: --rows, else a seeded --sample (in data order), else all. */
int global_rows(const global_cli *g, size_t **rows, size_t *n, gb_error *err);

/* The model feature called name. */
int global_feature(const gb_model *m, const char *name, int *f, gb_error *err);

/* Writes through write(fp, ctx) into --output (or standard output). */
int global_write(const global_cli *g, int (*write)(FILE *fp, void *ctx, gb_error *err), void *ctx,
                 gb_error *err);

/* Prints a number as numfmt does. */
void global_num(FILE *fp, double v);

/* Quotes a CSV field when it needs it. */
void global_field(FILE *fp, const char *s);

#endif
