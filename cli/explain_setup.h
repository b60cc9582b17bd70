/* explain_setup.h: what `glassbox explain` was asked for, checked against
 * the method, and the background it needs.
 *
 * The command line accepts one option set for seven methods.  Each option
 * applies to some of them only (a seed to the random ones, a background to
 * the interventional ones, LIME's knobs to LIME); explain_check refuses an
 * option the chosen method would ignore, naming the methods it is for, so
 * that a setting never silently does nothing.  explain_background then
 * builds the background: from the data, or from --background-file bound to
 * the model like the data and with its categories recoded to the data's. */
#ifndef GB_EXPLAIN_SETUP_H
#define GB_EXPLAIN_SETUP_H

#include <stdint.h>

#include "../src/background.h"
#include "../src/explain.h"
#include "cli.h"
#include "write_explain.h"

typedef struct explain_opts {
    cli_inputs in;
    const char *rows;
    const char *output;
    const char *se_path;
    cli_format format;
    long threads, klass, top;
    int force, stats;
    int stream;                  /* --stream, or --data - without --rows */
    int no_header;               /* --no-header */
    uint64_t row_offset;         /* --row-offset: input row 0's number */
    gb_explain_options ex;       /* method, space, seed, budget, LIME knobs */
    gb_background_spec bg_spec;  /* --background */
    const char *bg_file;         /* --background-file */
    struct {
        int background, samples, seed, tolerance, lime, space, row_offset;
    } given;
    /* Built by explain_background. */
    gb_dataset *bg_ds;
    gb_binding bg_binding;
    int bg_bound;
    gb_background *bg;
} explain_opts;

/* Refuses options the (resolved) method does not use.  Returns 0 or -1. */
int explain_check(explain_opts *o, gb_error *err);

/* Builds o->bg (and points o->ex.background at it) when the method uses a
 * background; linear uses one only when asked to.  Returns 0 or -1. */
int explain_background(explain_opts *o, gb_error *err);

/* The writer for the main output as the options ask (the --se writer is a
 * copy with se_mode set). */
void explain_writer_init(const explain_opts *o, gb_method method, const gb_dataset *ds, const gb_binding *b,
                         FILE *fp, explain_writer *w);

void explain_opts_free(explain_opts *o);

#endif
