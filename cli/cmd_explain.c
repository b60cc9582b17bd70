/* cmd_explain.c: `glassbox explain`, attributions for many rows.
 *
 * Rows are explained in batches of a few thousand and written as each batch
 * completes, so memory stays flat however many rows are asked for, and the
 * output's bytes do not depend on --threads.  The options of the sampling
 * methods are parsed and checked here (explain_setup.c builds the
 * background); an option that the chosen method would ignore is an error,
 * not a silent no-op, so a user never believes a setting took effect when
 * it did not. */
#include <errno.h>
#include <getopt.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/explain.h"
#include "../src/outfile.h"
#include "../src/rowspec.h"
#include "cli.h"
#include "explain_setup.h"
#include "explain_stream.h"
#include "write_explain.h"

enum { BATCH_ROWS = 4096 };

static void usage(FILE *fp)
{
    fputs("Usage: glassbox explain --data FILE --model FILE [OPTION]...\n"
          "Explain the model's predictions for rows of the data.\n\n"
          "  -d, --data FILE        CSV file with a header row\n"
          "  -m, --model FILE       XGBoost JSON/UBJSON, LightGBM text or glassbox JSON model\n"
          "      --method NAME      treeshap (trees) or linear (linear models): exact, the default;\n"
          "                         exact, kernelshap, permutation: any model, against a background;\n"
          "                         treeshap-int: trees, exact, against a background; lime\n"
          "  -r, --rows SPEC        0-based data rows, e.g. 0-9,15 (default: all)\n"
          "  -t, --target COL       target column (default: target, label or y)\n"
          "      --class K          only output class K of a multiclass model\n"
          "      --delimiter C      CSV delimiter (default: detected among , ; tab)\n"
          "  -j, --threads N        worker threads (default: all cores)\n"
          "  -f, --format FMT       csv (default), json or text\n"
          "  -o, --output FILE      write there instead of standard output\n"
          "      --se FILE          standard errors as CSV, same header (exact methods: zeros)\n"
          "      --force            replace existing output files\n"
          "      --top K            text format: bars shown before the rest is summed (10)\n"
          "      --stats            print rows and model evaluations per second to stderr\n\n"
          "Streaming (--data - without --rows reads standard input chunk by chunk):\n"
          "      --stream           read --data FILE chunk by chunk too, in constant memory\n"
          "      --row-offset N     number the input's first row N (a shard of a larger input)\n"
          "      --no-header        csv: leave out the header line (shards after the first)\n\n"
          "Background methods (exact, kernelshap, permutation, treeshap-int; linear):\n"
          "      --background SPEC  N rows sampled with the seed (default 100), kmeans:K or all\n"
          "      --background-file F  take the background from this CSV (default: all its rows)\n"
          "      --output-space S   margin (default) or probability (exact, kernelshap,\n"
          "                         permutation, lime)\n"
          "Sampling (kernelshap, permutation, lime):\n"
          "      --seed S           random seed (default 0); same seed, same numbers\n"
          "      --samples N        coalitions per row (default 2M+2048), lime: samples (5000)\n"
          "      --tolerance T      stop a row once every SE <= T x (max - min attribution)\n"
          "LIME:\n"
          "      --num-features K   features in the explanation (default 10)\n"
          "      --kernel-width W   default 0.75 x sqrt(features)\n"
          "      --discretize D     quartile (default), decile or none\n"
          "      --feature-selection S  auto (default), forward, highest-weights, lasso or none\n"
          "  -h, --help             show this help\n\n"
          "CSV columns: row,class,<features>,base_value,output; base_value plus the\n"
          "attributions equals output (the raw margin, or the probability with\n"
          "--output-space probability).  lime: base_value is the intercept, output the\n"
          "local model's prediction, features it did not select are 0, and a last\n"
          "column r2 gives its weighted R^2.\n",
          fp);
}

static int parse_double(const char *opt, const char *arg, double lo, double *out, gb_error *err)
{
    char *end;
    double v = strtod(arg, &end);
    if (end == arg || *end || !(v >= lo) || !isfinite(v))
        return gb_error_set(err, "%s '%s': expected a number of at least %g", opt, arg, lo);
    *out = v;
    return 0;
}

static int parse_seed(const char *arg, uint64_t *out, gb_error *err)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (errno || end == arg || *end || *arg == '-')
        return gb_error_set(err, "--seed '%s': expected a whole number from 0 to 18446744073709551615", arg);
    *out = (uint64_t)v;
    return 0;
}

enum {
    OPT_METHOD = 256,
    OPT_CLASS,
    OPT_DELIM,
    OPT_FORCE,
    OPT_TOP,
    OPT_BG,
    OPT_BGFILE,
    OPT_SAMPLES,
    OPT_SEED,
    OPT_TOL,
    OPT_NUMF,
    OPT_KW,
    OPT_DISC,
    OPT_SEL,
    OPT_SPACE,
    OPT_SE,
    OPT_STATS,
    OPT_STREAM,
    OPT_ROW_OFFSET,
    OPT_NO_HEADER
};

static const struct option longs[] = {{"data", required_argument, 0, 'd'},
                                      {"model", required_argument, 0, 'm'},
                                      {"method", required_argument, 0, OPT_METHOD},
                                      {"rows", required_argument, 0, 'r'},
                                      {"target", required_argument, 0, 't'},
                                      {"class", required_argument, 0, OPT_CLASS},
                                      {"delimiter", required_argument, 0, OPT_DELIM},
                                      {"threads", required_argument, 0, 'j'},
                                      {"format", required_argument, 0, 'f'},
                                      {"output", required_argument, 0, 'o'},
                                      {"force", no_argument, 0, OPT_FORCE},
                                      {"top", required_argument, 0, OPT_TOP},
                                      {"background", required_argument, 0, OPT_BG},
                                      {"background-file", required_argument, 0, OPT_BGFILE},
                                      {"samples", required_argument, 0, OPT_SAMPLES},
                                      {"seed", required_argument, 0, OPT_SEED},
                                      {"tolerance", required_argument, 0, OPT_TOL},
                                      {"num-features", required_argument, 0, OPT_NUMF},
                                      {"kernel-width", required_argument, 0, OPT_KW},
                                      {"discretize", required_argument, 0, OPT_DISC},
                                      {"feature-selection", required_argument, 0, OPT_SEL},
                                      {"output-space", required_argument, 0, OPT_SPACE},
                                      {"se", required_argument, 0, OPT_SE},
                                      {"stats", no_argument, 0, OPT_STATS},
                                      {"stream", no_argument, 0, OPT_STREAM},
                                      {"row-offset", required_argument, 0, OPT_ROW_OFFSET},
                                      {"no-header", no_argument, 0, OPT_NO_HEADER},
                                      {"help", no_argument, 0, 'h'},
                                      {0, 0, 0, 0}};

/* The sampling and LIME options; the rest are parsed in parse(). */
static int parse_method_option(int c, const char *arg, explain_opts *o, gb_error *err)
{
    long v;
    switch (c) {
    case OPT_BG: o->given.background = 1; return gb_background_spec_parse(arg, &o->bg_spec, err);
    case OPT_BGFILE: o->bg_file = arg; return 0;
    case OPT_SAMPLES:
        o->given.samples = 1;
        if (cli_parse_int("--samples", arg, 2, 2000000000L, &v, err))
            return -1;
        o->ex.sampling.samples = (size_t)v;
        return 0;
    case OPT_SEED: o->given.seed = 1; return parse_seed(arg, &o->ex.seed, err);
    case OPT_TOL:
        o->given.tolerance = 1;
        return parse_double("--tolerance", arg, 0.0, &o->ex.sampling.tolerance, err);
    case OPT_NUMF:
        o->given.lime = 1;
        if (cli_parse_int("--num-features", arg, 1, 100000, &v, err))
            return -1;
        o->ex.lime_num_features = (int)v;
        return 0;
    case OPT_KW:
        o->given.lime = 1;
        if (parse_double("--kernel-width", arg, 0.0, &o->ex.lime_kernel_width, err))
            return -1;
        if (o->ex.lime_kernel_width <= 0.0)
            return gb_error_set(err, "--kernel-width '%s': expected a number above 0", arg);
        return 0;
    case OPT_DISC:
        o->given.lime = 1;
        if (gb_lime_discretize_parse(arg, &o->ex.lime_discretize))
            return gb_error_set(err, "--discretize %s: expected quartile, decile or none", arg);
        return 0;
    case OPT_SEL:
        o->given.lime = 1;
        if (gb_lime_selection_parse(arg, &o->ex.lime_selection))
            return gb_error_set(
                err, "--feature-selection %s: expected auto, forward, highest-weights, lasso or none", arg);
        return 0;
    case OPT_SPACE:
        o->given.space = 1;
        if (gb_output_space_parse(arg, &o->ex.space))
            return gb_error_set(err, "--output-space %s: expected margin or probability", arg);
        return 0;
    }
    return gb_error_set(err, "internal error: option %d", c);
}

static int parse(int argc, char **argv, explain_opts *o, gb_error *err)
{
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":d:m:r:t:j:f:o:h", longs, NULL)) != -1) {
        switch (c) {
        case 'd': o->in.data_path = optarg; break;
        case 'm': o->in.model_path = optarg; break;
        case 'r': o->rows = optarg; break;
        case 't': o->in.target = optarg; break;
        case 'o': o->output = optarg; break;
        case OPT_SE: o->se_path = optarg; break;
        case OPT_FORCE: o->force = 1; break;
        case OPT_STATS: o->stats = 1; break;
        case OPT_STREAM: o->stream = 1; break;
        case OPT_NO_HEADER: o->no_header = 1; break;
        case OPT_ROW_OFFSET:
            o->given.row_offset = 1;
            if (parse_seed(optarg, &o->row_offset, err)) /* any 64-bit count */
                return gb_error_set(err, "--row-offset '%s': expected a whole number of at least 0", optarg);
            break;
        case 'h': usage(stdout); exit(0);
        case OPT_METHOD:
            if (gb_method_parse(optarg, &o->ex.method))
                return gb_error_set(err, "--method %s: unknown method (expected %s)", optarg,
                                    gb_method_names());
            break;
        case 'f':
            if (cli_format_parse(optarg, &o->format))
                return gb_error_set(err, "--format %s: expected csv, json or text", optarg);
            break;
        case OPT_DELIM:
            if (cli_parse_delimiter(optarg, &o->in.delimiter, err))
                return -1;
            break;
        case 'j':
            if (cli_parse_int("--threads", optarg, 1, 1024, &o->threads, err))
                return -1;
            break;
        case OPT_CLASS:
            if (cli_parse_int("--class", optarg, 0, 100000, &o->klass, err))
                return -1;
            break;
        case OPT_TOP:
            if (cli_parse_int("--top", optarg, 1, 100000, &o->top, err))
                return -1;
            break;
        case ':':
            return gb_error_set(err, "%s needs a value (see glassbox explain --help)", argv[optind - 1]);
        case '?':
            return gb_error_set(err, "unknown option '%s' (see glassbox explain --help)", argv[optind - 1]);
        default:
            if (parse_method_option(c, optarg, o, err))
                return -1;
        }
    }
    if (optind < argc)
        return gb_error_set(err, "unexpected argument '%s' (see glassbox explain --help)", argv[optind]);
    if (!o->in.data_path || !o->in.model_path)
        return gb_error_set(err, "explain needs --data FILE and --model FILE (see glassbox explain --help)");
    o->stream |= strcmp(o->in.data_path, "-") == 0 && !o->rows;
    if (!o->stream && (o->given.row_offset || o->no_header))
        return gb_error_set(err, "%s is for a stream (--data - or --stream)",
                            o->no_header ? "--no-header" : "--row-offset");
    if (o->se_path && o->output && strcmp(o->se_path, o->output) == 0)
        return gb_error_set(err, "--se %s: the same file as --output", o->se_path);
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int rows_of(explain_opts *o, size_t **rows, size_t *n_rows, gb_error *err)
{
    if (o->rows)
        return gb_rowspec_parse(o->rows, o->in.ds->n_rows, rows, n_rows, err);
    *n_rows = o->in.ds->n_rows;
    *rows = gb_malloc(*n_rows ? *n_rows : 1, sizeof **rows, err);
    if (!*rows)
        return -1;
    for (size_t i = 0; i < *n_rows; i++)
        (*rows)[i] = i;
    return 0;
}

/* Explains and writes every requested row, batch by batch. */
static int run(explain_opts *o, gb_outfile *out, gb_outfile *se_out, gb_error *err)
{
    const gb_model *m = o->in.model;
    size_t *rows = NULL, n_rows = 0;
    if (rows_of(o, &rows, &n_rows, err))
        return -1;
    gb_explainer *ex = gb_explainer_create(m, o->in.ds, &o->in.binding, &o->ex, err);
    if (!ex) {
        free(rows);
        return -1;
    }
    gb_method method = gb_explainer_method(ex);
    explain_writer w;
    explain_writer_init(o, method, o->in.ds, &o->in.binding, out->fp, &w);
    explain_writer sw = w;
    sw.fp = se_out ? se_out->fp : NULL;
    sw.format = CLI_FORMAT_CSV;
    sw.se_mode = 1;
    /* The header waits for the first batch: a refusal found while
     * explaining it (exact Shapley's cost depends on the row) then leaves
     * standard output empty instead of a header with no rows. */
    int rc = 0, begun = 0;
    uint64_t evals = 0;
    double t0 = now();
    for (size_t at = 0; at < n_rows && rc == 0; at += BATCH_ROWS) {
        size_t count = n_rows - at < BATCH_ROWS ? n_rows - at : BATCH_ROWS;
        gb_explain_request req = {.rows = rows + at, .n_rows = count, .threads = (int)o->threads};
        gb_explain_result res;
        if (gb_explainer_run(ex, &req, &res, err) != GB_JOB_OK) {
            rc = -1;
            break;
        }
        evals += res.evals;
        double add = gb_explain_additivity_error(&res);
        if (!(add <= 1e-6)) {
            gb_error_set(err,
                         "internal error: attributions do not add up to the output (relative error %.3g); "
                         "please report this with the model",
                         add);
            rc = -1;
        } else {
            if (!begun) {
                explain_writer_begin(&w);
                if (se_out)
                    explain_writer_begin(&sw);
                begun = 1;
            }
            explain_writer_rows(&w, rows + at, &res);
            if (se_out)
                explain_writer_rows(&sw, rows + at, &res);
        }
        gb_explain_result_free(&res);
    }
    double dt = now() - t0;
    if (rc == 0) {
        if (!begun) {
            explain_writer_begin(&w);
            if (se_out)
                explain_writer_begin(&sw);
        }
        explain_writer_end(&w);
        if (o->stats)
            fprintf(stderr, "glassbox: %s: %zu rows in %.3f s: %.4g rows/s, %llu model evaluations, %.4g/s\n",
                    gb_method_name(method), n_rows, dt, dt > 0 ? (double)n_rows / dt : 0.0,
                    (unsigned long long)evals, dt > 0 ? (double)evals / dt : 0.0);
    }
    gb_explainer_free(ex);
    free(rows);
    return rc;
}

/* A stream's rows are read later, chunk by chunk: only the model now. */
static int load(explain_opts *o, gb_error *err)
{
    const char *data = o->in.data_path;
    if (o->stream)
        o->in.data_path = NULL;
    int rc = cli_load(&o->in, err);
    o->in.data_path = data;
    return rc;
}

static int open_outputs(explain_opts *o, gb_outfile *out, gb_outfile *se_out, gb_error *err)
{
    if (gb_outfile_open(out, o->output, o->force, err))
        return -1;
    if (o->se_path && gb_outfile_open(se_out, o->se_path, o->force, err)) {
        gb_outfile_abort(out);
        return -1;
    }
    return 0;
}

int cmd_explain(int argc, char **argv)
{
    explain_opts o = {.ex = {.method = GB_METHOD_AUTO},
                      .format = CLI_FORMAT_CSV,
                      .klass = -1,
                      .bg_spec = {GB_BACKGROUND_SAMPLE, GB_BACKGROUND_DEFAULT_ROWS}};
    gb_error err = {{0}};
    gsl_set_error_handler_off();
    if (parse(argc, argv, &o, &err))
        return cli_fail_error(&err);
    if (load(&o, &err) || gb_method_check(o.in.model, o.ex.method, &err) || explain_check(&o, &err) ||
        (o.stream && explain_stream_check(&o, &err)) || explain_background(&o, &err)) {
        explain_opts_free(&o);
        return cli_fail_error(&err);
    }
    gb_outfile out, se_out;
    if (open_outputs(&o, &out, &se_out, &err)) {
        explain_opts_free(&o);
        return cli_fail_error(&err);
    }
    int rc = o.stream ? explain_stream_run(&o, &out, o.se_path ? &se_out : NULL, &err)
                      : run(&o, &out, o.se_path ? &se_out : NULL, &err);
    if (rc == 0 && o.se_path)
        rc = gb_outfile_commit(&se_out, &err);
    else if (o.se_path)
        gb_outfile_abort(&se_out);
    if (rc == 0)
        rc = gb_outfile_commit(&out, &err);
    else
        gb_outfile_abort(&out);
    explain_opts_free(&o);
    return rc ? cli_fail_error(&err) : CLI_OK;
}
