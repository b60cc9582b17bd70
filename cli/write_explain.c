/* write_explain.c: the three output formats of `glassbox explain`. */
#include "write_explain.h"

#include <stdlib.h>
#include <string.h>

#include "../src/numfmt.h"
#include "text_chart.h"

int cli_format_parse(const char *name, cli_format *out)
{
    if (strcmp(name, "csv") == 0)
        *out = CLI_FORMAT_CSV;
    else if (strcmp(name, "json") == 0)
        *out = CLI_FORMAT_JSON;
    else if (strcmp(name, "text") == 0)
        *out = CLI_FORMAT_TEXT;
    else
        return -1;
    return 0;
}

void cli_json_string(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(fp, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(fp, "\\u%04x", *p);
        else
            fputc(*p, fp);
    }
    fputc('"', fp);
}

/* CSV field: quoted when it holds a delimiter, a quote or a line break. */
static void csv_field(FILE *fp, const char *s)
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

static void begin_csv(explain_writer *w)
{
    char buf[32];
    fputs("row,class", w->fp);
    for (int f = 0; f < w->model->n_features; f++) {
        fputc(',', w->fp);
        csv_field(w->fp, gb_model_feature_name(w->model, f, buf, sizeof buf));
    }
    fputs(w->r2_column && !w->se_mode ? ",base_value,output,r2\n" : ",base_value,output\n", w->fp);
}

static void begin_json(explain_writer *w)
{
    const gb_model *m = w->model;
    char buf[32];
    fputs("{\"model\":{\"path\":", w->fp);
    cli_json_string(w->fp, w->model_path ? w->model_path : "");
    fprintf(w->fp, ",\"format\":\"%s\",\"kind\":\"%s\",\"objective\":", m->format ? m->format : "",
            gb_model_kind_name(m->kind));
    cli_json_string(w->fp, m->objective ? m->objective : "");
    fprintf(w->fp, ",\"link\":\"%s\",\"outputs\":%d,\"classes\":%d,\"trees\":%zu},\n\"method\":\"%s\",\n\"data\":",
            gb_link_name(m->link), m->n_groups, m->n_classes, m->n_trees, w->method);
    cli_json_string(w->fp, w->ds->path);
    fprintf(w->fp, ",\n\"space\":\"%s\",\n\"features\":[", w->space ? w->space : "margin");
    for (int f = 0; f < m->n_features; f++) {
        if (f)
            fputc(',', w->fp);
        cli_json_string(w->fp, gb_model_feature_name(m, f, buf, sizeof buf));
    }
    fputs("],\n\"explanations\":[", w->fp);
}

void explain_writer_begin(explain_writer *w)
{
    w->written = 0;
    if (w->format == CLI_FORMAT_CSV && !w->no_header)
        begin_csv(w);
    else if (w->format == CLI_FORMAT_JSON)
        begin_json(w);
}

/* One (row, class) line.  se: the standard errors (NULL: zeros) in se_mode,
 * r2: lime's, or NULL. */
static void row_csv(explain_writer *w, size_t row, int g, const double *phi, const double *se, double margin,
                    const double *r2)
{
    char buf[GB_NUMFMT_SIZE];
    int m = w->model->n_features;
    fprintf(w->fp, "%zu,%d", w->row_base + row, g);
    if (w->se_mode) {
        for (int f = 0; f < m; f++)
            fprintf(w->fp, ",%s", gb_fmt_double(buf, se ? se[f] : 0.0));
        fputs(",0,0\n", w->fp);
        return;
    }
    for (int f = 0; f <= m; f++)
        fprintf(w->fp, ",%s", gb_fmt_double(buf, phi[f]));
    fprintf(w->fp, ",%s", gb_fmt_double(buf, margin));
    if (r2)
        fprintf(w->fp, ",%s", gb_fmt_double(buf, *r2));
    fputc('\n', w->fp);
}

static void row_json(explain_writer *w, size_t row, int g, const double *phi, const double *se, double margin,
                     const double *r2)
{
    char buf[GB_NUMFMT_SIZE];
    int m = w->model->n_features;
    fprintf(w->fp, "%s\n{\"row\":%zu,\"class\":%d,\"values\":[", w->written ? "," : "", w->row_base + row, g);
    for (int f = 0; f < m; f++)
        fprintf(w->fp, "%s%s", f ? "," : "", gb_fmt_double(buf, phi[f]));
    fputc(']', w->fp);
    if (se) {
        fputs(",\"se\":[", w->fp);
        for (int f = 0; f < m; f++)
            fprintf(w->fp, "%s%s", f ? "," : "", gb_fmt_double(buf, se[f]));
        fputc(']', w->fp);
    }
    fprintf(w->fp, ",\"base_value\":%s", gb_fmt_double(buf, phi[m]));
    fprintf(w->fp, ",\"output\":%s", gb_fmt_double(buf, margin));
    if (r2)
        fprintf(w->fp, ",\"r2\":%s", gb_fmt_double(buf, *r2));
    fputc('}', w->fp);
}

void explain_writer_rows(explain_writer *w, const size_t *rows, const gb_explain_result *res)
{
    size_t stride = (size_t)res->n_features + 1;
    double *x = malloc((size_t)res->n_features * sizeof *x);
    for (size_t i = 0; i < res->n_rows; i++) {
        if (w->format == CLI_FORMAT_TEXT && x)
            gb_binding_row(w->binding, w->ds, rows[i], x);
        for (int g = 0; g < res->n_groups; g++) {
            if (w->only_class >= 0 && g != w->only_class)
                continue;
            size_t block = (i * (size_t)res->n_groups + (size_t)g) * stride;
            const double *phi = res->phi + block, *se = res->se ? res->se + block : NULL;
            const double *margins = res->margin + i * (size_t)res->n_groups;
            const double *r2 = res->r2 ? res->r2 + i * (size_t)res->n_groups + g : NULL;
            if (w->format == CLI_FORMAT_CSV)
                row_csv(w, rows[i], g, phi, se, margins[g], r2);
            else if (w->format == CLI_FORMAT_JSON)
                row_json(w, rows[i], g, phi, se, margins[g], r2);
            else if (x)
                text_chart_row(w->fp, w->model, w->ds, w->binding, rows[i], g, x, phi, margins, w->utf8, w->top);
            w->written++;
        }
    }
    free(x);
}

void explain_writer_end(explain_writer *w)
{
    if (w->format == CLI_FORMAT_JSON)
        fputs("\n]}\n", w->fp);
}
