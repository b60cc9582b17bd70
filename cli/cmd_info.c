/* cmd_info.c: `glassbox info`, what a dataset or a model file holds. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *fp)
{
    fputs("Usage: glassbox info [--data FILE] [--model FILE] [--target COL]\n"
          "Describe a dataset (rows, columns, types, missing values, statistics)\n"
          "and/or a model (kind, objective, trees, depth, features, classes).\n"
          "With both, also check that the model's features are in the data.\n",
          fp);
}

static void print_data(const gb_dataset *ds, int target)
{
    printf("data: %s\n  rows: %zu\n  columns: %zu\n", ds->path, ds->n_rows, ds->n_cols);
    printf("  %-20s %-12s %8s %12s %12s %12s %12s %12s\n", "column", "type", "missing", "min", "max", "mean",
           "sd", "median");
    for (size_t c = 0; c < ds->n_cols; c++) {
        const gb_column *col = &ds->cols[c];
        char type[32];
        if (col->type == GB_COLUMN_CATEGORICAL)
            snprintf(type, sizeof type, "text(%zu)", col->n_levels);
        else
            snprintf(type, sizeof type, "number");
        printf("  %-20.20s %-12s %8zu", col->name, type, col->n_missing);
        if (col->type == GB_COLUMN_NUMERIC) {
            gb_column_stats st;
            gb_column_stats_compute(col, ds->n_rows, &st);
            if (st.n_present)
                printf(" %12.6g %12.6g %12.6g %12.6g %12.6g", st.min, st.max, st.mean, st.sd, st.median);
        } else {
            printf("  levels:");
            for (size_t l = 0; l < col->n_levels && l < 5; l++)
                printf(" %s", col->levels[l]);
            if (col->n_levels > 5)
                printf(" ...");
        }
        printf("%s\n", (int)c == target ? "  (target)" : "");
    }
}

static void print_model(const char *path, const gb_model *m)
{
    printf("model: %s\n  format: %s\n  kind: %s\n", path, m->format ? m->format : "?", gb_model_kind_name(m->kind));
    printf("  booster: %s\n  objective: %s\n  link: %s\n", m->booster ? m->booster : "-",
           m->objective ? m->objective : "-", gb_link_name(m->link));
    printf("  outputs: %d\n  classes: %d\n", m->n_groups, m->n_classes);
    printf("  base margin:");
    for (int g = 0; g < m->n_groups && g < 10; g++)
        printf(" %.9g", m->base[g]);
    printf("%s\n", m->n_groups > 10 ? " ..." : "");
    if (m->kind == GB_MODEL_TREES) {
        size_t nodes = 0;
        for (size_t t = 0; t < m->n_trees; t++)
            nodes += (size_t)m->trees[t].n_nodes;
        printf("  trees: %zu\n  max depth: %d\n  leaves: %zu\n  nodes: %zu\n", m->n_trees, m->max_depth,
               m->n_leaves, nodes);
    }
    printf("  features: %d%s\n", m->n_features, m->feature_names ? "" : " (unnamed: matched by position)");
    char buf[32];
    for (int f = 0; f < m->n_features; f++)
        printf("    %d %s%s\n", f, gb_model_feature_name(m, f, buf, sizeof buf),
               m->feature_categorical && m->feature_categorical[f] ? " (categorical)" : "");
}

int cmd_info(int argc, char **argv)
{
    enum { OPT_DELIM = 256 };
    static const struct option longs[] = {{"data", required_argument, 0, 'd'},
                                          {"model", required_argument, 0, 'm'},
                                          {"target", required_argument, 0, 't'},
                                          {"delimiter", required_argument, 0, OPT_DELIM},
                                          {"help", no_argument, 0, 'h'},
                                          {0, 0, 0, 0}};
    cli_inputs in = {0};
    gb_error err = {{0}};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":d:m:t:h", longs, NULL)) != -1) {
        switch (c) {
        case 'd': in.data_path = optarg; break;
        case 'm': in.model_path = optarg; break;
        case 't': in.target = optarg; break;
        case OPT_DELIM:
            if (cli_parse_delimiter(optarg, &in.delimiter, &err))
                return cli_fail_error(&err);
            break;
        case 'h': usage(stdout); return CLI_OK;
        case ':': return cli_fail("%s needs a value (see glassbox info --help)", argv[optind - 1]);
        default: return cli_fail("unknown option '%s' (see glassbox info --help)", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_fail("unexpected argument '%s' (see glassbox info --help)", argv[optind]);
    if (!in.data_path && !in.model_path)
        return cli_fail("info needs --data FILE and/or --model FILE (see glassbox info --help)");
    if (cli_load(&in, &err)) {
        cli_inputs_free(&in);
        return cli_fail_error(&err);
    }
    if (in.ds) {
        int target = in.bound ? in.binding.target : -1;
        if (!in.bound && in.target)
            target = gb_dataset_find(in.ds, in.target);
        print_data(in.ds, target);
    }
    if (in.model)
        print_model(in.model_path, in.model);
    if (in.bound)
        printf("binding: all %d model features found in the data\n", in.model->n_features);
    cli_inputs_free(&in);
    return CLI_OK;
}
