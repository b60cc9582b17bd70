/* cmd_explain.c: `glassbox explain`, attributions for many rows.
 *
 * Rows are explained in batches of a few thousand and written as each batch
 * completes, so memory stays flat however many rows are asked for, and the
 * output's bytes do not depend on --threads. */
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "../src/explain.h"
#include "../src/outfile.h"
#include "../src/rowspec.h"
#include "cli.h"
#include "write_explain.h"

enum { BATCH_ROWS = 4096 };

static void usage(FILE *fp)
{
    fputs("Usage: glassbox explain --data FILE --model FILE [OPTION]...\n"
          "Explain the model's predictions for rows of the data, exactly.\n\n"
          "  -d, --data FILE        CSV file with a header row\n"
          "  -m, --model FILE       XGBoost JSON/UBJSON, LightGBM text or glassbox JSON model\n"
          "      --method NAME      treeshap (tree models) or linear (linear models);\n"
          "                         default: the exact method for the model\n"
          "  -r, --rows SPEC        0-based data rows, e.g. 0-9,15 (default: all)\n"
          "  -t, --target COL       target column (default: target, label or y)\n"
          "      --class K          only output class K of a multiclass model\n"
          "      --delimiter C      CSV delimiter (default: detected among , ; tab)\n"
          "  -j, --threads N        worker threads (default: all cores)\n"
          "  -f, --format FMT       csv (default), json or text\n"
          "  -o, --output FILE      write there instead of standard output\n"
          "      --force            replace an existing output file\n"
          "      --top K            text format: bars shown before the rest is summed (10)\n"
          "  -h, --help             show this help\n\n"
          "CSV columns: row,class,<features>,base_value,output; base_value plus the\n"
          "attributions equals output, the model's raw margin.\n",
          fp);
}

typedef struct explain_opts {
    cli_inputs in;
    const char *rows;
    const char *output;
    gb_method method;
    cli_format format;
    long threads, klass, top;
    int force;
} explain_opts;

static int parse(int argc, char **argv, explain_opts *o, gb_error *err)
{
    enum { OPT_METHOD = 256, OPT_CLASS, OPT_DELIM, OPT_FORCE, OPT_TOP };
    static const struct option longs[] = {
        {"data", required_argument, 0, 'd'},      {"model", required_argument, 0, 'm'},
        {"method", required_argument, 0, OPT_METHOD}, {"rows", required_argument, 0, 'r'},
        {"target", required_argument, 0, 't'},    {"class", required_argument, 0, OPT_CLASS},
        {"delimiter", required_argument, 0, OPT_DELIM}, {"threads", required_argument, 0, 'j'},
        {"format", required_argument, 0, 'f'},    {"output", required_argument, 0, 'o'},
        {"force", no_argument, 0, OPT_FORCE},     {"top", required_argument, 0, OPT_TOP},
        {"help", no_argument, 0, 'h'},            {0, 0, 0, 0}};
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
        case OPT_FORCE: o->force = 1; break;
        case 'h': usage(stdout); exit(0);
        case OPT_METHOD:
            if (gb_method_parse(optarg, &o->method))
                return gb_error_set(err, "--method %s: unknown method (expected treeshap or linear)", optarg);
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
        case ':': return gb_error_set(err, "%s needs a value (see glassbox explain --help)", argv[optind - 1]);
        default: return gb_error_set(err, "unknown option '%s' (see glassbox explain --help)", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return gb_error_set(err, "unexpected argument '%s' (see glassbox explain --help)", argv[optind]);
    if (!o->in.data_path || !o->in.model_path)
        return gb_error_set(err, "explain needs --data FILE and --model FILE (see glassbox explain --help)");
    return 0;
}

static int utf8_locale(void)
{
    setlocale(LC_CTYPE, "");
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

/* Explains and writes every requested row, batch by batch. */
static int run(explain_opts *o, gb_outfile *out, gb_error *err)
{
    const gb_model *m = o->in.model;
    size_t *rows = NULL, n_rows = 0;
    if (o->rows) {
        if (gb_rowspec_parse(o->rows, o->in.ds->n_rows, &rows, &n_rows, err))
            return -1;
    } else {
        n_rows = o->in.ds->n_rows;
        rows = gb_malloc(n_rows, sizeof *rows, err);
        if (!rows)
            return -1;
        for (size_t i = 0; i < n_rows; i++)
            rows[i] = i;
    }
    gb_explainer *ex = gb_explainer_new(m, o->in.ds, &o->in.binding, o->method, NULL, err);
    if (!ex) {
        free(rows);
        return -1;
    }
    explain_writer w = {.fp = out->fp, .format = o->format, .model = m, .model_path = o->in.model_path,
                        .ds = o->in.ds, .binding = &o->in.binding,
                        .method = gb_method_name(gb_method_resolve(m, o->method)),
                        .only_class = (int)o->klass, .utf8 = o->format == CLI_FORMAT_TEXT && utf8_locale(),
                        .top = o->top ? (int)o->top : 10};
    explain_writer_begin(&w);
    int rc = 0;
    for (size_t at = 0; at < n_rows && rc == 0; at += BATCH_ROWS) {
        size_t count = n_rows - at < BATCH_ROWS ? n_rows - at : BATCH_ROWS;
        gb_explain_request req = {.rows = rows + at, .n_rows = count, .threads = (int)o->threads};
        gb_explain_result res;
        if (gb_explainer_run(ex, &req, &res, err) != GB_JOB_OK) {
            rc = -1;
            break;
        }
        double add = gb_explain_additivity_error(&res);
        if (!(add <= 1e-6)) {
            gb_error_set(err, "internal error: attributions do not add up to the output (relative error %.3g); "
                         "please report this with the model", add);
            rc = -1;
        } else {
            explain_writer_rows(&w, rows + at, &res);
        }
        gb_explain_result_free(&res);
    }
    if (rc == 0)
        explain_writer_end(&w);
    gb_explainer_free(ex);
    free(rows);
    return rc;
}

int cmd_explain(int argc, char **argv)
{
    explain_opts o = {.method = GB_METHOD_AUTO, .format = CLI_FORMAT_CSV, .klass = -1};
    gb_error err = {{0}};
    if (parse(argc, argv, &o, &err))
        return cli_fail_error(&err);
    if (cli_load(&o.in, &err) || gb_method_check(o.in.model, o.method, &err)) {
        cli_inputs_free(&o.in);
        return cli_fail_error(&err);
    }
    if (o.klass >= o.in.model->n_groups) {
        int groups = o.in.model->n_groups;
        cli_inputs_free(&o.in);
        return cli_fail("--class %ld: the model has %d output%s (classes 0 to %d)", o.klass, groups,
                        groups > 1 ? "s" : "", groups - 1);
    }
    gb_outfile out;
    if (gb_outfile_open(&out, o.output, o.force, &err)) {
        cli_inputs_free(&o.in);
        return cli_fail_error(&err);
    }
    int rc = run(&o, &out, &err);
    if (rc == 0)
        rc = gb_outfile_commit(&out, &err);
    else
        gb_outfile_abort(&out);
    cli_inputs_free(&o.in);
    return rc ? cli_fail_error(&err) : CLI_OK;
}
