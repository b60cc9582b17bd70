/* explain_stream.c: `glassbox explain` reading its rows as a stream (see
 * explain_stream.h).
 *
 * Every chunk gets its own binding and explainer: the columns are bound by
 * name again (each chunk is a dataset of its own), and the explainer's
 * per-row random streams are offset by the chunk's first input row, so a
 * row draws the same numbers whatever chunk or shard it arrives in.  The
 * output is flushed after every chunk: a consumer reading it sees only
 * whole rows, and after a bad line the rows of every chunk before it. */
#include "explain_stream.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/dataset_stream.h"

enum { STREAM_CHUNK_ROWS = 4096 };

/* GLASSBOX_STREAM_CHUNK_ROWS (1 to 4096) makes chunks smaller, so that the
 * tests cross many chunk boundaries on small inputs. */
static size_t chunk_rows(void)
{
    const char *e = getenv("GLASSBOX_STREAM_CHUNK_ROWS");
    long v = e ? strtol(e, NULL, 10) : 0;
    return v >= 1 && v <= STREAM_CHUNK_ROWS ? (size_t)v : STREAM_CHUNK_ROWS;
}

static const char *input_name(const char *path)
{
    return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

int explain_stream_numeric(const gb_dataset *ds, const gb_binding *b, gb_error *err)
{
    for (int f = 0; f < b->n_features; f++) {
        const gb_column *c = &ds->cols[b->column[f]];
        if (c->type == GB_COLUMN_CATEGORICAL)
            return gb_error_set(err,
                                "%s:%zu: column '%s': '%s' is text; a stream takes numbers only in feature "
                                "columns (category codes come from the sorted values of the whole file, which a "
                                "stream never sees: write the codes as numbers, or read the file without --stream)",
                                input_name(ds->path), c->first_text_line, c->name,
                                c->first_text ? c->first_text : "");
    }
    return 0;
}

int explain_stream_check(explain_opts *o, gb_error *err)
{
    gb_method m = gb_method_resolve(o->in.model, o->ex.method);
    const char *in = input_name(o->in.data_path);
    if (o->rows)
        return gb_error_set(err, "--rows picks rows by index from a whole file; it does not apply to --stream");
    if (o->format == CLI_FORMAT_TEXT)
        return gb_error_set(err, "%s: a stream writes csv or json, not --format text (charts are for a few rows: "
                            "save the rows to a file and use --rows)", in);
    if (o->no_header && o->format != CLI_FORMAT_CSV)
        return gb_error_set(err, "--no-header is for csv output (a JSON document needs its opening)");
    if (m == GB_METHOD_LIME)
        return gb_error_set(err, "%s: --method lime draws its samples from statistics of the whole data, which a "
                            "stream does not hold; save the rows to a file and give it with --data FILE", in);
    if ((gb_method_needs_background(m) || m == GB_METHOD_LINEAR) && !o->bg_file)
        return gb_error_set(err,
                            "%s: --method %s explains against %s, which a stream cannot take from rows it has not "
                            "read yet: give --background-file FILE (a sample of the data, e.g. its first 1000 rows)",
                            in, gb_method_name(m), m == GB_METHOD_LINEAR ? "the data's mean" : "a background");
    return 0;
}

/* Explains one chunk whose row 0 is input row `base` and writes it. */
static int run_chunk(explain_opts *o, const gb_dataset *ds, uint64_t base, const size_t *rows,
                     explain_writer *w, explain_writer *sw, uint64_t *evals, gb_error *err)
{
    gb_binding b;
    if (gb_binding_make(o->in.model, ds, o->in.target, &b, err))
        return -1;
    gb_explain_options opt = o->ex;
    opt.row_base = o->row_offset + base;
    gb_explainer *ex = explain_stream_numeric(ds, &b, err) ? NULL
                                                           : gb_explainer_create(o->in.model, ds, &b, &opt, err);
    int rc = -1;
    gb_explain_request req = {.rows = rows, .n_rows = ds->n_rows, .threads = (int)o->threads};
    gb_explain_result res = {0};
    if (ex && gb_explainer_run(ex, &req, &res, err) == GB_JOB_OK) {
        double add = gb_explain_additivity_error(&res);
        if (!(add <= 1e-6)) {
            gb_error_set(err, "internal error: attributions do not add up to the output (relative error %.3g); "
                              "please report this with the model", add);
        } else {
            w->ds = sw->ds = ds;
            w->binding = sw->binding = &b;
            w->row_base = sw->row_base = (size_t)(o->row_offset + base);
            explain_writer_rows(w, rows, &res);
            if (sw->fp)
                explain_writer_rows(sw, rows, &res);
            *evals += res.evals;
            rc = 0;
        }
    }
    gb_explain_result_free(&res);
    gb_explainer_free(ex);
    gb_binding_free(&b);
    return rc;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Reads, explains and writes chunk after chunk; out is flushed after each. */
static int run_chunks(explain_opts *o, gb_csv_stream *s, explain_writer *w, explain_writer *sw, gb_error *err)
{
    size_t *rows = gb_malloc(STREAM_CHUNK_ROWS, sizeof *rows, err);
    if (!rows)
        return -1;
    for (size_t i = 0; i < STREAM_CHUNK_ROWS; i++)
        rows[i] = i;
    uint64_t evals = 0;
    double t0 = now();
    size_t max_rows = chunk_rows();
    int rc;
    for (;;) {
        gb_dataset *ds;
        rc = gb_csv_stream_next(s, max_rows, &ds, err);
        if (rc <= 0)
            break;
        rc = run_chunk(o, ds, gb_csv_stream_rows(s) - ds->n_rows, rows, w, sw, &evals, err);
        gb_dataset_free(ds);
        fflush(w->fp);
        if (sw->fp)
            fflush(sw->fp);
        if (rc)
            break;
    }
    double dt = now() - t0;
    size_t n = gb_csv_stream_rows(s);
    if (rc == 0 && o->stats)
        fprintf(stderr, "glassbox: %s: %zu rows in %.3f s: %.4g rows/s, %llu model evaluations, %.4g/s\n", w->method,
                n, dt, dt > 0 ? (double)n / dt : 0.0, (unsigned long long)evals, dt > 0 ? (double)evals / dt : 0.0);
    free(rows);
    return rc;
}

/* GLASSBOX_REPORT_HWM: the peak resident set, for the memory test (Linux). */
static void report_hwm(void)
{
    FILE *fp = fopen("/proc/self/status", "r");
    char line[256];
    while (fp && fgets(line, sizeof line, fp))
        if (strncmp(line, "VmHWM:", 6) == 0)
            fprintf(stderr, "glassbox: %s", line);
    if (fp)
        fclose(fp);
}

int explain_stream_run(explain_opts *o, gb_outfile *out, gb_outfile *se_out, gb_error *err)
{
    gb_csv_options copt = {.delimiter = o->in.delimiter};
    gb_csv_stream *s = gb_csv_stream_open(o->in.data_path, &copt, err);
    if (!s)
        return -1;
    /* The JSON opening names the data; chunks replace ds before any row. */
    gb_dataset named = {.path = (char *)o->in.data_path};
    gb_method method = gb_method_resolve(o->in.model, o->ex.method);
    explain_writer w, sw;
    explain_writer_init(o, method, &named, NULL, out->fp, &w);
    sw = w;
    sw.fp = se_out ? se_out->fp : NULL;
    sw.format = CLI_FORMAT_CSV;
    sw.se_mode = 1;
    explain_writer_begin(&w);
    if (se_out)
        explain_writer_begin(&sw);
    int rc = run_chunks(o, s, &w, &sw, err);
    if (rc == 0)
        explain_writer_end(&w);
    gb_csv_stream_close(s);
    if (getenv("GLASSBOX_REPORT_HWM"))
        report_hwm();
    return rc;
}
