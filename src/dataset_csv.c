/* dataset_csv.c: read a CSV file into a gb_dataset (see dataset.h).
 *
 * A quick scan of the file first counts its line breaks, so that every
 * column array is allocated once at its final size, and refuses binary
 * files.  The parse then feeds libcsv one physical line at a time: one call
 * per line, and every message can name the line it is about, which libcsv
 * alone cannot do.  Both read the file through one reused 1 MiB window
 * (csv_source.c; only standard input is held whole, since it cannot be read
 * twice).  Numbers are converted as they arrive (csv_number.c); a column
 * that meets text turns categorical and interns its strings from then on
 * (strtab.c).  Rows read as numbers before that are re-read in a second
 * pass over only as many rows as needed, so the common all-numeric file is
 * parsed once.  All state lives in one struct on the caller's stack:
 * threads may read files at the same time. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memrchr, qsort_r, newlocale */
#endif
#include "dataset.h"

#include <csv.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "csv_number.h"
#include "csv_source.h"
#include "mem_limits.h"
#include "strtab.h"

/* libcsv's parser state before the first character of a row (libcsv.c calls
 * it ROW_NOT_BEGUN); the struct member is public, the constant is not. */
#define CSV_ROW_NOT_BEGUN 0

/* first_text keeps at most this many bytes: it is only ever quoted in a
 * message, and a multi-megabyte field would make that message useless. */
#define FIRST_TEXT_MAX 80

/* ---------------------------------------------------------------------- */
/* The reader                                                             */

typedef struct colstate {
    int categorical;
    size_t switch_row; /* first row read as text; earlier rows were numbers */
    size_t n_numbers;  /* numbers stored before the switch: pass 2 needed */
    int saw_text;      /* some value was text, not merely an infinity */
    size_t inf_line;   /* first infinite value: an error unless saw_text */
    char *inf_text;
    strtab tab;
} colstate;

enum { PASS_HEADER, PASS_DATA, PASS_TEXT };

typedef struct reader {
    const char *name; /* the file as named in messages */
    gb_error *err;
    int failed;
    int stop; /* pass 2 has re-read every row it needs */
    int pass;
    unsigned char delim;
    struct csv_parser parser;
    csv_source src;
    uint64_t size;      /* bytes in the file when it was scanned */
    int has_cr;         /* some line break is "\r\n" or a lone "\r" */
    uint64_t breaks;    /* line breaks in the whole file */
    size_t line;        /* 1-based line of the chunk being parsed */
    size_t row_line;    /* line on which the current row started */
    uint64_t chunk_end; /* file offset just past the chunk being parsed */
    uint64_t data_start;
    size_t data_line;
    size_t field, row, cap_rows, pass2_rows;
    char **names;
    size_t n_names, cap_names;
    gb_dataset *ds;
    colstate *cs;
    locale_t c_locale;
} reader;

__attribute__((format(printf, 2, 3))) static void fail(reader *r, const char *fmt, ...);

static void fail(reader *r, const char *fmt, ...)
{
    if (r->failed)
        return;
    r->failed = 1;
    va_list ap;
    va_start(ap, fmt);
    char msg[GB_ERROR_MAX];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    gb_error_set(r->err, "%s", msg);
}

static char *copy_text(const char *s, size_t len, size_t max, gb_error *err)
{
    size_t n = len;
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    char *p = gb_malloc(n + 4, 1, err);
    if (p) {
        memcpy(p, s, n);
        strcpy(p + n, n < len ? "..." : "");
    }
    return p;
}

static void trim(const char **s, size_t *len)
{
    const char *p = *s;
    size_t n = *len;
    while (n && (*p == ' ' || *p == '\t'))
        p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    *s = p;
    *len = n;
}

/* The tokens pandas.read_csv treats as missing by default, and '?' (the UCI
 * repository's convention). */
static int is_missing(const char *s, size_t len)
{
    static const char *const tokens[] = {"NA",    "N/A",  "NaN",      "nan",     "null",    "NULL",
                                         "None",  "?",    "n/a",      "#N/A",    "#NA",     "<NA>",
                                         "-NaN",  "-nan", "#N/A N/A", "-1.#IND", "1.#IND",  "1.#QNAN",
                                         "-1.#QNAN"};
    if (len == 0)
        return 1;
    if (len > 8)
        return 0;
    for (size_t i = 0; i < sizeof tokens / sizeof *tokens; i++)
        if (strlen(tokens[i]) == len && memcmp(tokens[i], s, len) == 0)
            return 1;
    return 0;
}

/* Notes a value that is not a number in column j: the first one turns the
 * column categorical. */
static int note_text(reader *r, size_t j, const char *s, size_t len, int kind)
{
    colstate *cs = &r->cs[j];
    gb_column *col = &r->ds->cols[j];
    if (!cs->categorical) {
        cs->categorical = 1;
        cs->switch_row = r->row;
        col->first_text_line = r->line;
        col->first_text = copy_text(s, len, FIRST_TEXT_MAX, r->err);
        if (!col->first_text)
            return r->failed = 1, -1;
    }
    if (kind != CSV_NUMBER_INF) {
        cs->saw_text = 1;
    } else if (!cs->inf_text) {
        cs->inf_line = r->line;
        cs->inf_text = copy_text(s, len, FIRST_TEXT_MAX, r->err);
        if (!cs->inf_text)
            return r->failed = 1, -1;
    }
    return 0;
}

static void intern(reader *r, size_t j, const char *s, size_t len, double *slot)
{
    long long id = strtab_intern(&r->cs[j].tab, s, len, r->err);
    if (id < 0)
        r->failed = 1;
    else
        *slot = (double)id;
}

static void store_data(reader *r, size_t j, const char *s, size_t len)
{
    gb_column *col = &r->ds->cols[j];
    colstate *cs = &r->cs[j];
    double *slot = &col->values[r->row];
    int kind = CSV_NUMBER_NO;
    trim(&s, &len);
    if (!cs->categorical || !cs->saw_text) {
        kind = csv_number_parse(s, len, slot, r->c_locale);
        if (kind == CSV_NUMBER_OK && !cs->categorical) {
            cs->n_numbers++;
            return;
        }
    }
    if (kind != CSV_NUMBER_OK) {
        if (is_missing(s, len)) {
            *slot = NAN;
            col->n_missing++;
            return;
        }
        if (note_text(r, j, s, len, kind))
            return;
    }
    intern(r, j, s, len, slot);
}

/* Pass 2: rows read as numbers before their column turned categorical. */
static void store_text(reader *r, size_t j, const char *s, size_t len)
{
    colstate *cs = &r->cs[j];
    double *slot = &r->ds->cols[j].values[r->row];
    if (!cs->categorical || r->row >= cs->switch_row || isnan(*slot))
        return;
    trim(&s, &len);
    intern(r, j, s, len, slot);
}

static void add_name(reader *r, const char *s, size_t len)
{
    if (r->n_names == r->cap_names) {
        size_t cap = r->cap_names ? r->cap_names * 2 : 16;
        char **names = gb_realloc(r->names, cap, sizeof *names, r->err);
        if (!names) {
            r->failed = 1;
            return;
        }
        r->names = names;
        r->cap_names = cap;
    }
    trim(&s, &len);
    r->names[r->n_names] = gb_malloc(len + 1, 1, r->err);
    if (!r->names[r->n_names]) {
        r->failed = 1;
        return;
    }
    memcpy(r->names[r->n_names], s, len);
    r->names[r->n_names++][len] = '\0';
}

static void cb_field(void *field, size_t len, void *data)
{
    reader *r = data;
    const char *s = field ? field : "";
    if (r->failed)
        return;
    if (r->pass == PASS_HEADER) {
        add_name(r, s, len);
        return;
    }
    size_t j = r->field++;
    if (j >= r->ds->n_cols)
        return; /* a ragged row: reported when it ends */
    if (r->pass == PASS_TEXT) {
        store_text(r, j, s, len);
        return;
    }
    if (j == 0 && r->row >= r->cap_rows) {
        fail(r, "%s:%zu: the file changed while it was being read", r->name, r->row_line);
        return;
    }
    store_data(r, j, s, len);
}

static int cmp_name_index(const void *a, const void *b, void *names)
{
    return strcmp(((char **)names)[*(const size_t *)a], ((char **)names)[*(const size_t *)b]);
}

/* Names must be non-empty and unique; sorting finds duplicates in
 * n log n, which matters for a hostile header with a million names. */
static int check_names(reader *r)
{
    size_t n = r->n_names, line = r->row_line;
    for (size_t j = 0; j < n; j++)
        if (!r->names[j][0]) {
            fail(r,
                 "%s:%zu: column %zu has an empty name%s", r->name, line, j + 1,
                 j == 0 ? " (a file written by pandas' to_csv without index=False starts with an unnamed "
                          "index column: name it or drop it)"
                        : "; every column needs a name in the header row");
            return -1;
        }
    size_t *order = gb_malloc(n, sizeof *order, r->err);
    if (!order)
        return r->failed = 1, -1;
    for (size_t j = 0; j < n; j++)
        order[j] = j;
    qsort_r(order, n, sizeof *order, cmp_name_index, r->names);
    for (size_t k = 1; k < n && !r->failed; k++)
        if (strcmp(r->names[order[k - 1]], r->names[order[k]]) == 0) {
            size_t a = order[k - 1] < order[k] ? order[k - 1] : order[k];
            size_t b = order[k - 1] < order[k] ? order[k] : order[k - 1];
            fail(r, "%s:%zu: column name '%s' is used twice (columns %zu and %zu); names must be unique", r->name,
                 line, r->names[a], a + 1, b + 1);
        }
    free(order);
    return r->failed ? -1 : 0;
}

/* Rows are bounded by the line breaks (each row but the last ends in one)
 * and by the bytes left (a row of H fields takes at least H bytes). */
static size_t row_capacity(const reader *r, size_t n_cols)
{
    uint64_t left = r->size > r->chunk_end ? r->size - r->chunk_end : 0;
    uint64_t cap = left / n_cols + 2;
    cap = r->breaks < cap ? r->breaks : cap;
    return cap == 0 ? 1 : cap > SIZE_MAX / 16 ? SIZE_MAX / 16 : (size_t)cap;
}

/* Column arrays are written one element at a time across all columns, so
 * each 4 KiB page costs a fault; huge pages make that 512 times rarer
 * (a third of the run time on a 1e6 x 20 file).  Only a hint. */
static void advise_huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    uintptr_t lo = ((uintptr_t)p + 4095) & ~(uintptr_t)4095, hi = ((uintptr_t)p + n) & ~(uintptr_t)4095;
    if (n >= (4u << 20) && hi > lo)
        madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#endif
}

static int setup_columns(reader *r)
{
    size_t n = r->n_names;
    if (check_names(r))
        return -1;
    if (n > INT_MAX) {
        fail(r, "%s:%zu: the header has %zu columns; at most %d are supported", r->name, r->row_line, n, INT_MAX);
        return -1;
    }
    gb_dataset *ds = r->ds;
    r->cap_rows = row_capacity(r, n);
    /* cap_rows comes from the line breaks counted in the whole file, so this
     * is the real size, refused before the first column is allocated. */
    char rows[32];
    gb_limit_format_count(r->cap_rows, rows, sizeof rows);
    if (gb_limit_check(gb_estimate_dataset_bytes(r->cap_rows, n), "read fewer rows (e.g. head -n) or columns",
                       r->err, "%s: %s lines x %zu columns", r->name, rows, n))
        return r->failed = 1, -1;
    ds->cols = gb_calloc(n, sizeof *ds->cols, r->err);
    r->cs = gb_calloc(n, sizeof *r->cs, r->err);
    ds->row_line = gb_malloc(r->cap_rows, sizeof *ds->row_line, r->err);
    if (!ds->cols || !r->cs || !ds->row_line)
        return r->failed = 1, -1;
    ds->n_cols = n;
    for (size_t j = 0; j < n; j++) {
        ds->cols[j].name = r->names[j];
        r->names[j] = NULL;
        ds->cols[j].values = gb_malloc(r->cap_rows, sizeof(double), r->err);
        if (!ds->cols[j].values)
            return r->failed = 1, -1;
        advise_huge(ds->cols[j].values, r->cap_rows * sizeof(double));
    }
    return 0;
}

static void cb_row(int c, void *data)
{
    reader *r = data;
    if (r->failed)
        return;
    if (r->pass == PASS_HEADER) {
        if (setup_columns(r) == 0) {
            r->pass = PASS_DATA;
            r->data_start = r->chunk_end;
            r->data_line = r->line + 1;
        }
        return;
    }
    if (r->pass == PASS_DATA && r->field != r->ds->n_cols) {
        fail(r, "%s:%zu: line %zu has %zu field%s, the header has %zu (a missing or extra '%s', or a field "
                "containing it that is not quoted?)",
             r->name, r->row_line, r->row_line, r->field, r->field == 1 ? "" : "s", r->ds->n_cols,
             r->delim == '\t' ? "\\t" : (char[]){(char)r->delim, 0});
        return;
    }
    if (r->pass == PASS_DATA)
        r->ds->row_line[r->row] = r->row_line;
    r->row++;
    r->field = 0;
    if (r->pass == PASS_TEXT && r->row >= r->pass2_rows)
        r->stop = 1;
}

/* ---------------------------------------------------------------------- */
/* The scan before parsing: line breaks, NUL bytes, delimiter, emptiness  */

typedef struct scan {
    uint64_t off, breaks, line_start;
    int pending_cr, content, quoted, header_done;
    size_t count[3]; /* ',', ';' and tab outside quotes in the header */
} scan;

static const unsigned char delim_cand[3] = {',', ';', '\t'};

static uint64_t count_breaks(scan *sc, const char *b, size_t n, int has_cr)
{
    uint64_t k = sc->pending_cr && n && b[0] != '\n';
    for (const char *p = b, *end = b + n; (p = memchr(p, '\n', (size_t)(end - p))); p++)
        k++;
    if (has_cr)
        for (const char *p = b, *end = b + n; (p = memchr(p, '\r', (size_t)(end - p))); p++)
            k += p + 1 < end && p[1] != '\n';
    sc->pending_cr = n ? b[n - 1] == '\r' : sc->pending_cr;
    return k;
}

/* Counts the candidate delimiters outside quotes until the header ends
 * (blank lines before it are skipped, as the parser skips them). */
static void scan_header(scan *sc, const char *b, size_t n)
{
    for (size_t i = 0; i < n && !sc->header_done; i++) {
        char c = b[i];
        sc->content |= c != ' ' && c != '\t' && c != '\r' && c != '\n';
        if (c == '"')
            sc->quoted = !sc->quoted;
        else if (!sc->quoted && (c == '\n' || c == '\r'))
            sc->header_done = sc->content;
        else if (!sc->quoted)
            for (int k = 0; k < 3; k++)
                sc->count[k] += c == (char)delim_cand[k];
    }
}

/* Offset just past the last '\n' or '\r' in b[0..n), 0 if none. */
static size_t last_eol(const char *b, size_t n)
{
    const char *lf = memrchr(b, '\n', n), *cr = memrchr(b, '\r', n);
    size_t a = lf ? (size_t)(lf - b) + 1 : 0, c = cr ? (size_t)(cr - b) + 1 : 0;
    return a > c ? a : c;
}

static int scan_nul(reader *r, scan *sc, const char *b, const char *nul)
{
    size_t m = (size_t)(nul - b), ls = last_eol(b, m);
    uint64_t line = 1 + sc->breaks + count_breaks(sc, b, m, r->has_cr) + sc->pending_cr;
    uint64_t start = ls ? sc->off + ls : sc->line_start;
    return gb_error_set(r->err,
                        "%s:%llu:%llu: NUL byte: this is a binary file (or UTF-16 text), not a CSV text file",
                        r->name, (unsigned long long)line, (unsigned long long)(sc->off + m - start + 1));
}

/* Reads the file once, fast, before parsing, so that the parser can size
 * every array from the line count and refuse binary files up front. */
static int scan_file(reader *r, uint64_t *bom)
{
    scan sc = {0};
    const char *b = NULL;
    size_t n = 0;
    int k;
    csv_source_seek(&r->src, 0);
    while ((k = csv_source_next(&r->src, 0, r->has_cr, &b, &n, r->name, r->err)) > 0) {
        size_t skip = 0;
        if (sc.off == 0 && n >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0)
            skip = *bom = 3;
        r->has_cr |= memchr(b, '\r', n) != NULL;
        const char *nul = memchr(b, '\0', n);
        if (nul)
            return scan_nul(r, &sc, b, nul);
        scan_header(&sc, b + skip, n - skip);
        sc.breaks += count_breaks(&sc, b, n, r->has_cr);
        size_t ls = last_eol(b, n);
        sc.line_start = ls ? sc.off + ls : sc.line_start;
        sc.off += n;
    }
    if (k < 0)
        return -1;
    if (!sc.content)
        return gb_error_set(r->err, "%s: the file is empty; expected a header row naming the columns", r->name);
    r->breaks = sc.breaks + sc.pending_cr;
    r->size = sc.off;
    if (!r->delim) { /* the most frequent candidate; a comma on ties or none */
        int best = 0;
        for (int c = 1; c < 3; c++)
            best = sc.count[c] > sc.count[best] ? c : best;
        r->delim = delim_cand[best];
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Feeding libcsv one line at a time                                      */

/* Finds where each line of b[0..n) ends: "\n", "\r\n" or a lone "\r" (old
 * Mac files).  The next '\n' and '\r' are remembered between lines, so that
 * a file without one of them is not searched to its end on every line. */
typedef struct eol_finder {
    const char *b;
    size_t n, lf, cr; /* offsets of the next '\n' and '\r', n if none */
    int has_cr;
} eol_finder;

static size_t find_byte(const char *b, size_t from, size_t n, char c)
{
    const char *p = memchr(b + from, c, n - from);
    return p ? (size_t)(p - b) : n;
}

static size_t line_end(eol_finder *f, size_t pos)
{
    if (f->lf < pos)
        f->lf = find_byte(f->b, pos, f->n, '\n');
    if (f->has_cr && f->cr < pos)
        f->cr = find_byte(f->b, pos, f->n, '\r');
    if (f->cr < f->lf)
        return f->cr + 1 == f->lf && f->lf < f->n ? f->lf + 1 : f->cr + 1;
    return f->lf < f->n ? f->lf + 1 : f->n;
}

/* 1-based column of byte n of a line, counting UTF-8 characters. */
static size_t char_column(const char *line, size_t n)
{
    size_t col = 1;
    for (size_t i = 0; i < n; i++)
        col += ((unsigned char)line[i] & 0xC0) != 0x80;
    return col;
}

static void parse_error(reader *r, const char *line, size_t n)
{
    if (csv_error(&r->parser) == CSV_EPARSE)
        fail(r,
             "%s:%zu:%zu: unexpected '\"': a quote may only open a field or be doubled inside a quoted "
             "field (quote the whole field and write a quote inside it as \"\")",
             r->name, r->line, char_column(line, n));
    else
        fail(r, "%s:%zu: out of memory while parsing (%s)", r->name, r->line, csv_strerror(csv_error(&r->parser)));
}

/* b[0..n) holds whole lines (the last may lack its break at the end). */
static void parse_lines(reader *r, const char *b, size_t n)
{
    uint64_t base = r->src.chunk_off;
    eol_finder f = {b, n, find_byte(b, 0, n, '\n'), r->has_cr ? find_byte(b, 0, n, '\r') : n, r->has_cr};
    for (size_t pos = 0; pos < n && !r->failed && !r->stop; r->line++) {
        size_t end = line_end(&f, pos);
        r->chunk_end = base + end;
        if (r->parser.pstate == CSV_ROW_NOT_BEGUN)
            r->row_line = r->line;
        size_t k = csv_parse(&r->parser, b + pos, end - pos, cb_field, cb_row, r);
        if (k != end - pos)
            parse_error(r, b + pos, k);
        pos = end;
    }
}

/* The end of the file: flush a last row without a line break, and catch a
 * quote that was never closed. */
static void finish_parse(reader *r)
{
    if (r->failed || r->stop)
        return;
    r->line--; /* back on the last line */
    if (csv_fini(&r->parser, cb_field, cb_row, r) == 0 || r->failed)
        return;
    if (r->pass != PASS_HEADER && r->field < r->ds->n_cols)
        fail(r, "%s:%zu: column '%s': a quoted field starting on this row is never closed (the file ends inside it)",
             r->name, r->row_line, r->ds->cols[r->field].name);
    else
        fail(r, "%s:%zu: field %zu of this %s opens a quote that is never closed (the file ends inside it)", r->name,
             r->row_line, (r->pass == PASS_HEADER ? r->n_names : r->field) + 1, r->pass == PASS_HEADER ? "header" : "row");
}

static int parse_from(reader *r, uint64_t off, size_t line)
{
    const char *b = NULL;
    size_t n = 0;
    int k = 0;
    r->line = line;
    csv_source_seek(&r->src, off);
    while (!r->failed && !r->stop &&
           (k = csv_source_next(&r->src, 1, r->has_cr, &b, &n, r->name, r->err)) > 0)
        parse_lines(r, b, n);
    if (k < 0)
        r->failed = 1;
    finish_parse(r);
    return r->failed ? -1 : 0;
}

/* libcsv grows its field buffer by a fixed block each time it fills, which
 * is quadratic for a multi-megabyte field wherever realloc has to copy.
 * These give it geometric growth: the capacity sits in a header before the
 * buffer, and a request within it costs nothing. */
static void *field_realloc(void *p, size_t n)
{
    size_t *h = p ? (size_t *)p - 2 : NULL, cap = h && h[0] > n / 2 && h[0] < SIZE_MAX / 4 ? 2 * h[0] : n;
    if (h && h[0] >= n)
        return p;
    size_t *g = cap <= SIZE_MAX - 16 ? realloc(h, cap + 16) : NULL;
    if (!g && cap > n && n <= SIZE_MAX - 16) /* doubling was too much: the exact size may fit */
        g = realloc(h, (cap = n) + 16);
    if (!g)
        return NULL;
    g[0] = cap;
    return g + 2;
}

static void field_free(void *p)
{
    if (p)
        free((size_t *)p - 2);
}

static int start_parser(reader *r)
{
    csv_free(&r->parser);
    if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL))
        return gb_error_set(r->err, "%s: cannot start the CSV parser", r->name);
    csv_set_delim(&r->parser, r->delim);
    csv_set_realloc_func(&r->parser, field_realloc);
    csv_set_free_func(&r->parser, field_free);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* After parsing                                                          */

static int cmp_level(const void *a, const void *b, void *tab)
{
    const strtab *t = tab;
    return strcmp(t->text + t->off[*(const size_t *)a], t->text + t->off[*(const size_t *)b]);
}

/* Replaces first-appearance ids by codes into the sorted dictionary. */
static int finish_levels(reader *r, size_t j)
{
    strtab *t = &r->cs[j].tab;
    gb_column *col = &r->ds->cols[j];
    size_t *order = gb_malloc(t->n, sizeof *order, r->err);
    double *code = gb_malloc(t->n, sizeof *code, r->err);
    col->levels = gb_calloc(t->n, sizeof *col->levels, r->err);
    if (!order || !code || !col->levels)
        goto fail;
    for (size_t k = 0; k < t->n; k++)
        order[k] = k;
    qsort_r(order, t->n, sizeof *order, cmp_level, t);
    for (size_t k = 0; k < t->n; k++) {
        code[order[k]] = (double)k;
        if (!(col->levels[k] = gb_strdup(t->text + t->off[order[k]], r->err)))
            goto fail;
        col->n_levels = k + 1;
    }
    for (size_t i = 0; i < r->row; i++) {
        double v = col->values[i];
        if (isnan(v))
            continue;
        if (!(v >= 0 && v < (double)t->n)) { /* a row pass 2 did not see again */
            fail(r, "%s: the file changed while it was being read", r->name);
            goto fail;
        }
        col->values[i] = code[(size_t)v];
    }
    free(order);
    free(code);
    strtab_free(t);
    return 0;
fail:
    free(order);
    free(code);
    return r->failed = 1, -1;
}

static int finish_columns(reader *r)
{
    gb_dataset *ds = r->ds;
    for (size_t j = 0; j < ds->n_cols; j++) {
        colstate *cs = &r->cs[j];
        if (cs->categorical && !cs->saw_text) {
            fail(r,
                 "%s:%zu: column '%s': '%s' is not a finite number; glassbox explains finite data only (write an "
                 "empty field or NA for a missing value)",
                 r->name, cs->inf_line, ds->cols[j].name, cs->inf_text);
            return -1;
        }
    }
    for (size_t j = 0; j < ds->n_cols; j++) {
        ds->cols[j].type = r->cs[j].categorical ? GB_COLUMN_CATEGORICAL : GB_COLUMN_NUMERIC;
        if (r->cs[j].categorical && finish_levels(r, j))
            return -1;
    }
    ds->n_rows = r->row;
    if (r->row < r->cap_rows) { /* give back what the line count over-estimated */
        for (size_t j = 0; j < ds->n_cols; j++) {
            double *v = realloc(ds->cols[j].values, r->row * sizeof *v);
            ds->cols[j].values = v ? v : ds->cols[j].values;
        }
        size_t *rl = realloc(ds->row_line, r->row * sizeof *rl);
        ds->row_line = rl ? rl : ds->row_line;
    }
    return 0;
}

/* Pass 2, only for columns that turned categorical after storing numbers:
 * re-reads rows up to the last such switch and interns their text. */
static int reread_text(reader *r)
{
    size_t n_rows = r->row;
    r->pass2_rows = 0;
    for (size_t j = 0; j < r->ds->n_cols; j++)
        if (r->cs[j].categorical && r->cs[j].n_numbers && r->cs[j].switch_row > r->pass2_rows)
            r->pass2_rows = r->cs[j].switch_row;
    if (r->pass2_rows == 0)
        return 0;
    if (start_parser(r))
        return r->failed = 1, -1;
    r->pass = PASS_TEXT;
    r->row = r->field = 0;
    if (parse_from(r, r->data_start, r->data_line))
        return -1;
    if (r->row < r->pass2_rows) /* every id must be valid for finish_levels */
        fail(r, "%s: the file changed while it was being read", r->name);
    r->row = n_rows;
    return r->failed ? -1 : 0;
}

static void reader_free(reader *r)
{
    for (size_t j = 0; j < r->n_names; j++)
        free(r->names[j]);
    free(r->names);
    if (r->cs && r->ds)
        for (size_t j = 0; j < r->ds->n_cols; j++) {
            strtab_free(&r->cs[j].tab);
            free(r->cs[j].inf_text);
        }
    free(r->cs);
    if (r->c_locale)
        freelocale(r->c_locale);
    csv_free(&r->parser);
    csv_source_close(&r->src);
}

static int read_all(reader *r, const char *path, const gb_csv_options *opt)
{
    uint64_t bom = 0;
    r->delim = opt ? (unsigned char)opt->delimiter : 0;
    if (r->delim == '"' || r->delim == '\n' || r->delim == '\r')
        return gb_error_set(r->err, "%s: '%s' cannot be the delimiter", r->name,
                            r->delim == '"' ? "\"" : r->delim == '\n' ? "\\n" : "\\r");
    if (opt && opt->mem)
        csv_source_open_mem(&r->src, opt->mem, opt->mem_len);
    else if (csv_source_open(&r->src, path, r->name, r->err))
        return -1;
    if (scan_file(r, &bom))
        return -1;
    if (!(r->c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0)))
        return gb_error_set(r->err, "%s: cannot create the C locale for reading numbers", r->name);
    if (start_parser(r) || parse_from(r, bom, opt && opt->first_line ? opt->first_line : 1))
        return -1;
    if (r->row == 0)
        return gb_error_set(r->err, "%s:%zu: the file has a header but no data rows", r->name, r->line);
    if (reread_text(r) || finish_columns(r))
        return -1;
    return 0;
}

gb_dataset *gb_dataset_read_csv(const char *path, const gb_csv_options *opt, gb_error *err)
{
    reader r;
    memset(&r, 0, sizeof r);
    r.src.fd = -1;
    r.name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    r.err = err;
    r.ds = gb_calloc(1, sizeof *r.ds, err);
    int rc = -1;
    if (r.ds && (r.ds->path = gb_strdup(path, err)))
        rc = read_all(&r, path, opt);
    reader_free(&r);
    if (rc) {
        gb_dataset_free(r.ds);
        return NULL;
    }
    return r.ds;
}
