/* cmd_predict.c: `glassbox predict`, the model's outputs for data rows.
 *
 * Exists so that a user (and the test suite) can check that glassbox reads a
 * model exactly as its library does before trusting any explanation of it. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../src/forest_eval.h"
#include "../src/numfmt.h"
#include "../src/outfile.h"
#include "../src/rowspec.h"
#include "cli.h"

/* Rows evaluated together. */
enum { PREDICT_CHUNK = 4096 };

static void usage(FILE *fp)
{
    fputs("Usage: glassbox predict --data FILE --model FILE [OPTION]...\n"
          "Print the model's prediction for rows of the data as row,class,value.\n\n"
          "  -d, --data FILE        CSV file with a header row\n"
          "  -m, --model FILE       model file\n"
          "  -r, --rows SPEC        0-based data rows, e.g. 0-9,15 (default: all)\n"
          "  -t, --target COL       target column (default: target, label or y)\n"
          "      --raw              print the raw margin instead of the transformed output\n"
          "      --delimiter C      CSV delimiter (default: detected)\n"
          "  -o, --output FILE      write there instead of standard output\n"
          "      --force            replace an existing output file\n"
          "  -h, --help             show this help\n",
          fp);
}

int cmd_predict(int argc, char **argv)
{
    enum { OPT_RAW = 256, OPT_DELIM, OPT_FORCE };
    static const struct option longs[] = {
        {"data", required_argument, 0, 'd'}, {"model", required_argument, 0, 'm'},
        {"rows", required_argument, 0, 'r'}, {"target", required_argument, 0, 't'},
        {"raw", no_argument, 0, OPT_RAW},    {"delimiter", required_argument, 0, OPT_DELIM},
        {"output", required_argument, 0, 'o'}, {"force", no_argument, 0, OPT_FORCE},
        {"help", no_argument, 0, 'h'},       {0, 0, 0, 0}};
    cli_inputs in = {0};
    const char *rowspec = NULL, *output = NULL;
    int raw = 0, force = 0, c;
    gb_error err = {{0}};
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":d:m:r:t:o:h", longs, NULL)) != -1) {
        switch (c) {
        case 'd': in.data_path = optarg; break;
        case 'm': in.model_path = optarg; break;
        case 'r': rowspec = optarg; break;
        case 't': in.target = optarg; break;
        case 'o': output = optarg; break;
        case OPT_RAW: raw = 1; break;
        case OPT_FORCE: force = 1; break;
        case OPT_DELIM:
            if (cli_parse_delimiter(optarg, &in.delimiter, &err))
                return cli_fail_error(&err);
            break;
        case 'h': usage(stdout); return CLI_OK;
        case ':': return cli_fail("%s needs a value (see glassbox predict --help)", argv[optind - 1]);
        default: return cli_fail("unknown option '%s' (see glassbox predict --help)", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_fail("unexpected argument '%s' (see glassbox predict --help)", argv[optind]);
    if (!in.data_path || !in.model_path)
        return cli_fail("predict needs --data FILE and --model FILE (see glassbox predict --help)");
    if (cli_load(&in, &err)) {
        cli_inputs_free(&in);
        return cli_fail_error(&err);
    }
    size_t *rows = NULL, n = in.ds->n_rows;
    if (rowspec && gb_rowspec_parse(rowspec, in.ds->n_rows, &rows, &n, &err)) {
        cli_inputs_free(&in);
        return cli_fail_error(&err);
    }
    gb_outfile out;
    if (gb_outfile_open(&out, output, force, &err)) {
        free(rows);
        cli_inputs_free(&in);
        return cli_fail_error(&err);
    }
    const gb_model *m = in.model;
    size_t ng = (size_t)m->n_groups;
    double *x = malloc(PREDICT_CHUNK * (size_t)m->n_features * sizeof *x);
    double *margin = malloc(PREDICT_CHUNK * ng * sizeof *margin);
    double *value = malloc(ng * sizeof *value);
    gb_forest *forest = gb_forest_new(m, &err);
    int rc = (x && margin && value && forest) ? 0 : gb_error_set(&err, "out of memory");
    if (rc == 0) {
        char buf[GB_NUMFMT_SIZE];
        fputs("row,class,value\n", out.fp);
        /* Rows are gathered a chunk at a time and evaluated together. */
        for (size_t lo = 0; lo < n; lo += PREDICT_CHUNK) {
            size_t k = n - lo < PREDICT_CHUNK ? n - lo : PREDICT_CHUNK;
            for (size_t i = 0; i < k; i++)
                gb_binding_row(&in.binding, in.ds, rows ? rows[lo + i] : lo + i, x + i * (size_t)m->n_features);
            gb_forest_margin_batch(forest, x, k, margin);
            for (size_t i = 0; i < k; i++) {
                size_t r = rows ? rows[lo + i] : lo + i;
                if (raw)
                    memcpy(value, margin + i * ng, ng * sizeof *value);
                else
                    gb_model_transform(m, margin + i * ng, value);
                for (int g = 0; g < m->n_groups; g++)
                    fprintf(out.fp, "%zu,%d,%s\n", r, g, gb_fmt_double(buf, value[g]));
            }
        }
        rc = gb_outfile_commit(&out, &err);
    } else {
        gb_outfile_abort(&out);
    }
    gb_forest_free(forest);
    free(x);
    free(margin);
    free(value);
    free(rows);
    cli_inputs_free(&in);
    return rc ? cli_fail_error(&err) : CLI_OK;
}
