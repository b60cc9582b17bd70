/* write_explain.h: write attributions as CSV, JSON or a text chart.
 *
 * The writer is fed batches of explained rows in order and streams them out,
 * so explaining millions of rows needs memory for one batch only.  CSV is the
 * interface other tools depend on: `row,class,<features>,base_value,output`,
 * one line per (row, class), numbers that read back to the same double
 * (lime adds a last column, r2).  The standard-error file (--se) is the
 * same CSV with standard errors in place of attributions, 0 for the base
 * value and the output, which carry no sampling error; JSON carries them
 * as an "se" array beside "values". */
#ifndef GB_WRITE_EXPLAIN_H
#define GB_WRITE_EXPLAIN_H

#include <stdio.h>

#include "../src/explain.h"

typedef enum cli_format { CLI_FORMAT_CSV, CLI_FORMAT_JSON, CLI_FORMAT_TEXT } cli_format;

int cli_format_parse(const char *name, cli_format *out);

typedef struct explain_writer {
    FILE *fp;
    cli_format format;
    const gb_model *model;
    const char *model_path;
    const gb_dataset *ds;
    const gb_binding *binding;
    const char *method;
    const char *space;  /* "margin" (NULL too) or "probability" */
    int r2_column;      /* lime: a last column r2 */
    int se_mode;        /* write the standard errors (0 when the method has none) */
    int only_class; /* -1: every class */
    int utf8;       /* text charts may use block glyphs */
    int top;        /* text: bars shown before "N other features" */
    int no_header;  /* csv: leave out the header line (a shard after the first) */
    size_t row_base; /* added to the row numbers written (a stream's chunk, a shard) */
    size_t written; /* rows written so far (JSON needs commas) */
} explain_writer;

void explain_writer_begin(explain_writer *w);
void explain_writer_rows(explain_writer *w, const size_t *rows, const gb_explain_result *res);
void explain_writer_end(explain_writer *w);

/* JSON string literal of s (quotes and escapes), written to fp. */
void cli_json_string(FILE *fp, const char *s);

#endif
