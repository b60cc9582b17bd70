/* text_chart.c: diverging bar charts in plain text (see text_chart.h).
 *
 * Bars grow right of the axis for positive attributions and left for
 * negative ones, with different glyphs so the sign survives a monochrome
 * terminal or a printout; half cells keep small differences visible. */
#include "text_chart.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { HALF_WIDTH = 20 };

const char *text_value(const gb_dataset *ds, const gb_binding *b, int f, double v, char *buf, size_t size)
{
    const gb_column *col = &ds->cols[b->column[f]];
    if (isnan(v))
        snprintf(buf, size, "missing");
    else if (col->type == GB_COLUMN_CATEGORICAL && v >= 0 && (size_t)v < col->n_levels)
        snprintf(buf, size, "%s", col->levels[(size_t)v]);
    else
        snprintf(buf, size, "%.6g", v);
    return buf;
}

typedef struct order_item {
    int f;
    double mag;
} order_item;

static int by_magnitude(const void *a, const void *b)
{
    const order_item *x = a, *y = b;
    if (x->mag != y->mag)
        return x->mag < y->mag ? 1 : -1;
    return x->f - y->f;
}

/* Draws the bar of one attribution into fp: HALF_WIDTH cells each side. */
static void bar(FILE *fp, double v, double scale, int utf8)
{
    int halves = scale > 0 ? (int)lround(fabs(v) / scale * 2 * HALF_WIDTH) : 0;
    int full = halves / 2, half = halves % 2;
    const char *fill = utf8 ? (v >= 0 ? "█" : "▒") : (v >= 0 ? "+" : "-");
    const char *axis = utf8 ? "│" : "|";
    if (v < 0) {
        for (int i = 0; i < HALF_WIDTH - full - half; i++)
            fputc(' ', fp);
        if (half)
            fputs(utf8 ? "▐" : "-", fp);
        for (int i = 0; i < full; i++)
            fputs(fill, fp);
        fputs(axis, fp);
        for (int i = 0; i < HALF_WIDTH; i++)
            fputc(' ', fp);
    } else {
        for (int i = 0; i < HALF_WIDTH; i++)
            fputc(' ', fp);
        fputs(axis, fp);
        for (int i = 0; i < full; i++)
            fputs(fill, fp);
        if (half)
            fputs(utf8 ? "▌" : "+", fp);
        for (int i = 0; i < HALF_WIDTH - full - half; i++)
            fputc(' ', fp);
    }
}

void text_chart_row(FILE *fp, const gb_model *m, const gb_dataset *ds, const gb_binding *b, size_t row, int group,
                    const double *x, const double *phi, const double *margins, int utf8, int top)
{
    int n = m->n_features;
    order_item *items = malloc((size_t)n * sizeof *items);
    double *out = malloc((size_t)m->n_groups * sizeof *out);
    if (!items || !out) {
        free(items);
        free(out);
        return;
    }
    double sum = 0.0;
    for (int f = 0; f < n; f++) {
        items[f] = (order_item){f, fabs(phi[f])};
        sum += phi[f];
    }
    qsort(items, (size_t)n, sizeof *items, by_magnitude);
    int shown = top > 0 && top < n ? top : n;
    double rest = 0.0;
    for (int i = shown; i < n; i++)
        rest += phi[items[i].f];
    double scale = items[0].mag;
    if (shown < n && fabs(rest) > scale)
        scale = fabs(rest);

    fprintf(fp, "row %zu", row);
    if (m->n_groups > 1)
        fprintf(fp, ", class %d", group);
    if (b->target >= 0) {
        char vb[64];
        const gb_column *t = &ds->cols[b->target];
        double tv = t->values[row];
        if (t->type == GB_COLUMN_CATEGORICAL && tv >= 0 && (size_t)tv < t->n_levels)
            snprintf(vb, sizeof vb, "%s", t->levels[(size_t)tv]);
        else
            snprintf(vb, sizeof vb, "%.6g", tv);
        fprintf(fp, " (%s = %s)", t->name, vb);
    }
    fprintf(fp, "\n  output %.6g", margins[group]);
    if (m->link != GB_LINK_IDENTITY) {
        gb_model_transform(m, margins, out);
        fprintf(fp, " (%s %.6g)", m->link == GB_LINK_EXP ? "mean" : "probability", out[group]);
    }
    double err = fabs(phi[n] + sum - margins[group]);
    fprintf(fp, " = base %.6g %s %.6g from the features (additivity error %.1e)\n", phi[n], sum < 0 ? "-" : "+",
            fabs(sum), err);

    char nb[32], vb[64];
    for (int i = 0; i < shown; i++) {
        int f = items[i].f;
        const char *name = gb_model_feature_name(m, f, nb, sizeof nb);
        fprintf(fp, "  %-18.18s %12.12s ", name, text_value(ds, b, f, x[f], vb, sizeof vb));
        bar(fp, phi[f], scale, utf8);
        fprintf(fp, " %+.4g\n", phi[f]);
    }
    if (shown < n) {
        char label[40];
        snprintf(label, sizeof label, "%d other features", n - shown);
        fprintf(fp, "  %-31s ", label);
        bar(fp, rest, scale, utf8);
        fprintf(fp, " %+.4g\n", rest);
    }
    fputc('\n', fp);
    free(items);
    free(out);
}
