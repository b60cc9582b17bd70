/* global_cli.c: common options and plumbing of the global-view subcommands
 * (see global_cli.h). */
#include "global_cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "../src/numfmt.h"
#include "../src/rng.h"
#include "../src/rowspec.h"

enum { OPT_DELIM = 256, OPT_FORCE, OPT_SAMPLE, OPT_SEED };
enum { RNG_CLI_SAMPLE = 104, MAX_OPTS = 64 };

static const struct option common[] = {{"data", required_argument, 0, 'd'},
                                       {"model", required_argument, 0, 'm'},
                                       {"target", required_argument, 0, 't'},
                                       {"rows", required_argument, 0, 'r'},
                                       {"threads", required_argument, 0, 'j'},
                                       {"output", required_argument, 0, 'o'},
                                       {"delimiter", required_argument, 0, OPT_DELIM},
                                       {"force", no_argument, 0, OPT_FORCE},
                                       {"sample", required_argument, 0, OPT_SAMPLE},
                                       {"seed", required_argument, 0, OPT_SEED},
                                       {"help", no_argument, 0, 'h'}};

static int parse_seed(const char *arg, uint64_t *out, gb_error *err)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (errno || end == arg || *end || arg[0] == '-')
        return gb_error_set(err, "--seed '%s': expected a whole number from 0 to 18446744073709551615", arg);
    *out = v;
    return 0;
}

static int common_option(global_cli *g, int c, const char *arg, gb_error *err)
{
    switch (c) {
    case 'd': g->in.data_path = arg; return 0;
    case 'm': g->in.model_path = arg; return 0;
    case 't': g->in.target = arg; return 0;
    case 'r': g->rows = arg; return 0;
    case 'o': g->output = arg; return 0;
    case OPT_FORCE: g->force = 1; return 0;
    case 'j': return cli_parse_int("--threads", arg, 1, 1024, &g->threads, err);
    case OPT_DELIM: return cli_parse_delimiter(arg, &g->in.delimiter, err);
    case OPT_SAMPLE: return cli_parse_int("--sample", arg, 1, 1L << 40, &g->sample, err);
    case OPT_SEED: return parse_seed(arg, &g->seed, err);
    default: return gb_error_set(err, "internal error: option %d", c);
    }
}

int global_parse(int argc, char **argv, global_cli *g, const struct option *extra, global_opt_fn handle,
                 void *ctx, void (*usage)(FILE *), gb_error *err)
{
    struct option longs[MAX_OPTS];
    size_t n = 0;
    for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
        longs[n++] = common[i];
    for (size_t i = 0; extra && extra[i].name && n + 1 < MAX_OPTS; i++)
        longs[n++] = extra[i];
    memset(&longs[n], 0, sizeof longs[n]);
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":d:m:t:r:j:o:h", longs, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return 1;
        }
        if (c == ':')
            return gb_error_set(err, "%s needs a value (see glassbox %s --help)", argv[optind - 1], g->name);
        if (c == '?')
            return gb_error_set(err, "unknown option '%s' (see glassbox %s --help)", argv[optind - 1],
                                g->name);
        if (c >= GLOBAL_OPT_OWN ? handle(ctx, c, optarg, err) : common_option(g, c, optarg, err))
            return -1;
    }
    if (optind < argc)
        return gb_error_set(err, "unexpected argument '%s' (see glassbox %s --help)", argv[optind], g->name);
    if (!g->in.data_path || !g->in.model_path)
        return gb_error_set(err, "%s needs --data FILE and --model FILE (see glassbox %s --help)", g->name,
                            g->name);
    if (g->rows && g->sample)
        return gb_error_set(err, "--rows and --sample cannot be combined: pick rows or a sample");
    return 0;
}

int global_load(global_cli *g, gb_error *err)
{
    return cli_load(&g->in, err);
}

int global_main(int argc, char **argv, global_cli *g, const global_cmd *cmd, void *ctx)
{
    gb_error err = {{0}};
    int rc = global_parse(argc, argv, g, cmd->own, cmd->option, ctx, cmd->usage, &err);
    if (rc)
        return rc > 0 ? CLI_OK : cli_fail_error(&err);
    rc = global_load(g, &err);
    if (rc == 0)
        rc = cmd->run(ctx, &err);
    if (cmd->release)
        cmd->release(ctx);
    cli_inputs_free(&g->in);
    return rc ? cli_fail_error(&err) : CLI_OK;
}

int global_rows(const global_cli *g, size_t **rows, size_t *n, gb_error *err)
{
    size_t total = g->in.ds->n_rows;
    if (g->rows)
        return gb_rowspec_parse(g->rows, total, rows, n, err);
    size_t k = g->sample && (size_t)g->sample < total ? (size_t)g->sample : total;
    size_t *all = gb_malloc(total ? total : 1, sizeof *all, err);
    if (!all)
        return -1;
    for (size_t i = 0; i < total; i++)
        all[i] = i;
    if (k < total) {
        size_t *pick = gb_malloc(k ? k : 1, sizeof *pick, err);
        gsl_rng *r = pick ? gb_rng_new(g->seed, RNG_CLI_SAMPLE, 0, err) : NULL;
        if (!r) {
            free(pick);
            free(all);
            return -1;
        }
        gsl_ran_choose(r, pick, k, all, total, sizeof *all);
        gsl_rng_free(r);
        free(all);
        all = pick;
    }
    if (k == 0) {
        free(all);
        return gb_error_set(err, "%s: the data has no rows", g->in.data_path);
    }
    *rows = all;
    *n = k;
    return 0;
}

int global_feature(const gb_model *m, const char *name, int *f, gb_error *err)
{
    char buf[32];
    for (int i = 0; i < m->n_features; i++)
        if (strcmp(gb_model_feature_name(m, i, buf, sizeof buf), name) == 0) {
            *f = i;
            return 0;
        }
    return gb_error_set(err, "--feature %s: the model has no such feature (it has %d, e.g. %s)", name,
                        m->n_features, gb_model_feature_name(m, 0, buf, sizeof buf));
}

int global_write(const global_cli *g, int (*write)(FILE *fp, void *ctx, gb_error *err), void *ctx,
                 gb_error *err)
{
    gb_outfile out;
    if (gb_outfile_open(&out, g->output, g->force, err))
        return -1;
    if (write(out.fp, ctx, err)) {
        gb_outfile_abort(&out);
        return -1;
    }
    return gb_outfile_commit(&out, err);
}

void global_num(FILE *fp, double v)
{
    char buf[GB_NUMFMT_SIZE];
    fputs(gb_fmt_double(buf, v), fp);
}

void global_field(FILE *fp, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}
