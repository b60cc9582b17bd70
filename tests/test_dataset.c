/* test_dataset.c: the CSV reader and the column statistics.
 *
 * Small fixtures under tests/fixtures/csv/ (good/ parses, bad/ must fail
 * with a precise message) are checked value by value against numbers worked
 * out by hand in the comments here.  Larger inputs (multi-megabyte lines,
 * lines straddling the reader's 1 MiB window, thousands of random numbers)
 * are written to a temporary directory.  Two references nobody here wrote
 * back the numbers: glibc's strtod for number conversion, and pandas for
 * a mixed file (pandas_mixed.expected, made by gen_pandas_mixed.py). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* mkdtemp, strdup */
#endif
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dataset.h"
#include "tap.h"

static char tmpdir[256];

static const char *fixture(const char *rel)
{
    static char buf[4][1024];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/tests/fixtures/csv/%s", tap_srcdir(), rel);
    return buf[k];
}

static const char *tmpfile_path(const char *name)
{
    static char buf[1024];
    snprintf(buf, sizeof buf, "%s/%s", tmpdir, name);
    return buf;
}

static void write_file(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, n, f) != n) {
        printf("Bail out! cannot write %s\n", path);
        exit(1);
    }
    fclose(f);
}

static gb_dataset *read_ok(const char *path, char delim)
{
    gb_csv_options opt = {.delimiter = delim};
    gb_error err = {{0}};
    gb_dataset *ds = gb_dataset_read_csv(path, &opt, &err);
    if (!ds)
        printf("# unexpected error: %s\n", err.msg);
    return ds;
}

/* Reads a file that must fail; checks that the message is exactly want. */
static void expect_error(const char *path, char delim, const char *want, const char *what)
{
    gb_csv_options opt = {.delimiter = delim};
    gb_error err = {{0}};
    gb_dataset *ds = gb_dataset_read_csv(path, &opt, &err);
    if (!ok(!ds && strcmp(err.msg, want) == 0, "%s", what))
        printf("#   got:  %s\n#   want: %s\n", ds ? "(no error)" : err.msg, want);
    gb_dataset_free(ds);
}

static int same_values(const gb_column *c, const double *want, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double g = c->values[i];
        if (!(isnan(g) && isnan(want[i])) && g != want[i]) {
            printf("#   %s[%zu] = %.17g, want %.17g\n", c->name, i, g, want[i]);
            return 0;
        }
    }
    return 1;
}

static int same_levels(const gb_column *c, const char *const *want, size_t n)
{
    if (c->n_levels != n) {
        printf("#   %s has %zu levels, want %zu\n", c->name, c->n_levels, n);
        return 0;
    }
    for (size_t k = 0; k < n; k++)
        if (strcmp(c->levels[k], want[k]) != 0) {
            printf("#   %s level %zu = '%s', want '%s'\n", c->name, k, c->levels[k], want[k]);
            return 0;
        }
    return 1;
}

static int same_lines(const gb_dataset *ds, const size_t *want, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ds->row_line[i] != want[i]) {
            printf("#   row_line[%zu] = %zu, want %zu\n", i, ds->row_line[i], want[i]);
            return 0;
        }
    return 1;
}

#define N_OF(a) (sizeof(a) / sizeof *(a))

static void test_basic(void)
{
    gb_dataset *ds = read_ok(fixture("good/basic.csv"), 0);
    if (!ok(ds, "basic.csv reads"))
        return;
    ok(ds->n_rows == 4 && ds->n_cols == 4, "basic.csv: 4 rows x 4 columns");
    ok(strcmp(ds->path, fixture("good/basic.csv")) == 0, "path kept as given");
    ok(strcmp(ds->cols[0].name, "id") == 0 && strcmp(ds->cols[3].name, "z") == 0, "column names");
    int numeric = 1;
    for (size_t j = 0; j < ds->n_cols; j++)
        numeric &= ds->cols[j].type == GB_COLUMN_NUMERIC && ds->cols[j].n_missing == 0 && !ds->cols[j].first_text;
    ok(numeric, "all columns numeric, nothing missing");
    /* " 1.25 " has spaces around it, ".5" and "7." lack a digit on one side,
     * "+3.5" has a plus sign; 1234567890123456789 needs 61 bits, so the
     * double is the nearest multiple of 256: 1234567890123456768. */
    ok(same_values(&ds->cols[1], (double[]){0.5, 1.25, 0.5, -0.0}, 4), "x: 0.5, ' 1.25 ', .5, -0");
    ok(signbit(ds->cols[1].values[3]), "-0 keeps its sign");
    ok(same_values(&ds->cols[2], (double[]){-2, 3.5, 7, 1234567890123456768.0}, 4), "y: -2, +3.5, 7., 19 digits");
    ok(same_values(&ds->cols[3], (double[]){1000, -0.015, 0, 25}, 4), "z: 1e3, -1.5E-2, 0, 2.5e+1");
    ok(same_lines(ds, (size_t[]){2, 3, 4, 5}, 4), "row_line 2..5");
    ok(gb_dataset_find(ds, "y") == 2 && gb_dataset_find(ds, "id") == 0, "find existing columns");
    ok(gb_dataset_find(ds, "Y") == -1 && gb_dataset_find(ds, "") == -1, "find is exact; -1 when absent");
    gb_dataset_free(ds);
}

static void test_missing(void)
{
    gb_dataset *ds = read_ok(fixture("good/missing.csv"), 0);
    if (!ok(ds, "missing.csv reads"))
        return;
    /* a: 1, NA, NaN, NULL, " NA " (quoted, spaces), 5
     * b: "", 2, nan, None, 3, 6
     * c: x, N/A, null, ?, " ? ", y: categorical with levels x and y */
    const gb_column *a = &ds->cols[0], *b = &ds->cols[1], *c = &ds->cols[2];
    ok(a->type == GB_COLUMN_NUMERIC && a->n_missing == 4, "a: numeric, 4 missing (NA NaN NULL ' NA ')");
    ok(same_values(a, (double[]){1, NAN, NAN, NAN, NAN, 5}, 6), "a values");
    ok(b->type == GB_COLUMN_NUMERIC && b->n_missing == 3, "b: numeric, 3 missing (empty nan None)");
    ok(same_values(b, (double[]){NAN, 2, NAN, NAN, 3, 6}, 6), "b values");
    ok(c->type == GB_COLUMN_CATEGORICAL && c->n_missing == 4, "c: categorical, 4 missing (N/A null ? ' ? ')");
    ok(same_levels(c, (const char *[]){"x", "y"}, 2), "c levels: missing tokens are not levels");
    ok(same_values(c, (double[]){0, NAN, NAN, NAN, NAN, 1}, 6), "c codes");
    ok(c->first_text && strcmp(c->first_text, "x") == 0 && c->first_text_line == 2, "c first text 'x' on line 2");
    gb_dataset_free(ds);
}

static void test_bom_crlf(void)
{
    gb_dataset *ds = read_ok(fixture("good/bom_crlf.csv"), 0);
    if (!ok(ds, "bom_crlf.csv reads"))
        return;
    ok(strcmp(ds->cols[0].name, "name") == 0, "UTF-8 BOM is not part of the first name");
    ok(ds->n_rows == 2, "CRLF: 2 rows, the blank line skipped");
    ok(same_values(&ds->cols[1], (double[]){1.5, 2.5}, 2), "CRLF: no '\\r' left on the last field");
    ok(same_levels(&ds->cols[0], (const char *[]){"first", "second"}, 2), "CRLF: text fields clean");
    ok(same_lines(ds, (size_t[]){2, 4}, 2), "CRLF: row_line counts the blank line");
    gb_dataset_free(ds);
}

static void test_delimiters(void)
{
    gb_dataset *ds = read_ok(fixture("good/semicolon.csv"), 0);
    if (ok(ds && ds->n_cols == 3 && ds->n_rows == 2, "';' detected from the header")) {
        /* b holds "2,5" (a decimal comma: text, not 2.5) and "5" */
        ok(ds->cols[1].type == GB_COLUMN_CATEGORICAL, "'2,5' is not a number");
        ok(same_levels(&ds->cols[1], (const char *[]){"2,5", "5"}, 2), "levels '2,5' and '5'");
        ok(same_values(&ds->cols[2], (double[]){3, 6}, 2), "c = 3, 6");
    }
    gb_dataset_free(ds);

    ds = read_ok(fixture("good/tab.tsv"), 0);
    if (ok(ds && ds->n_cols == 3 && ds->n_rows == 2, "tab detected from the header")) {
        ok(same_values(&ds->cols[1], (double[]){2, NAN}, 2), "empty field between tabs is missing");
        ok(same_values(&ds->cols[2], (double[]){3, 6}, 2), "tab: c = 3, 6");
    }
    gb_dataset_free(ds);

    ds = read_ok(fixture("good/blank_then_semicolon.csv"), 0);
    ok(ds && ds->n_cols == 2 && ds->row_line[0] == 4, "detection skips blank lines before the header");
    gb_dataset_free(ds);

    /* "x;y;z,w": two ';' against one ',' */
    ds = read_ok(fixture("good/forced_comma.csv"), 0);
    ok(ds && ds->n_cols == 3 && strcmp(ds->cols[2].name, "z,w") == 0, "detection picks the most frequent: ';'");
    gb_dataset_free(ds);
    ds = read_ok(fixture("good/forced_comma.csv"), ',');
    if (ok(ds && ds->n_cols == 2, "options->delimiter ',' forces the comma")) {
        ok(strcmp(ds->cols[0].name, "x;y;z") == 0 && strcmp(ds->cols[1].name, "w") == 0, "forced: names");
        ok(same_levels(&ds->cols[0], (const char *[]){"1;2;3", "5;6;7"}, 2), "forced: ';' is plain text");
        ok(same_values(&ds->cols[1], (double[]){4, 8}, 2), "forced: w = 4, 8");
    }
    gb_dataset_free(ds);
    char want[1100];
    snprintf(want, sizeof want, "%s: '\"' cannot be the delimiter", fixture("good/basic.csv"));
    expect_error(fixture("good/basic.csv"), '"', want, "a quote cannot be the delimiter");
}

static void test_quotes(void)
{
    gb_dataset *ds = read_ok(fixture("good/quoted.csv"), 0);
    if (!ok(ds && ds->n_rows == 3, "quoted.csv: 3 rows over 5 lines"))
        return;
    /* Byte order: 'S' 0x53 < 'm' 0x6d < 'p' 0x70. */
    ok(same_levels(&ds->cols[0], (const char *[]){"Smith, J.", "multi\nline\ntext", "plain"}, 3),
       "comma and newlines inside quotes");
    ok(same_values(&ds->cols[0], (double[]){0, 1, 2}, 3), "codes of name");
    ok(same_levels(&ds->cols[1], (const char *[]){"said \"hi\"", "spaced"}, 2), "doubled quote; spaces trimmed");
    ok(same_values(&ds->cols[1], (double[]){0, NAN, 1}, 3), "\"\" is missing");
    ok(same_values(&ds->cols[2], (double[]){1, 2, 3}, 3), "numbers after quoted fields");
    ok(same_lines(ds, (size_t[]){2, 3, 6}, 3), "row_line: the row after a 3-line field starts on line 6");
    gb_dataset_free(ds);
}

static void test_line_breaks(void)
{
    gb_dataset *ds = read_ok(fixture("good/cr_only.csv"), 0);
    if (ok(ds && ds->n_rows == 2 && ds->n_cols == 2, "lone-CR line breaks (old Mac files)")) {
        ok(same_values(&ds->cols[1], (double[]){2, 4}, 2), "CR: b = 2, 4");
        ok(same_lines(ds, (size_t[]){2, 4}, 2), "CR: row_line 2 and 4 (line 3 blank)");
    }
    gb_dataset_free(ds);
    /* lines: 1 "", 2 "", 3 "k,v", 4 "", 5 "1,10", 6 "   ", 7 "2,20",
     * 8 "", 9 "", 10 "3,30" without a final line break */
    ds = read_ok(fixture("good/blank_lines.csv"), 0);
    if (ok(ds && ds->n_rows == 3, "blank lines skipped, header after two blank lines")) {
        ok(same_values(&ds->cols[1], (double[]){10, 20, 30}, 3), "last row without a line break");
        ok(same_lines(ds, (size_t[]){5, 7, 10}, 3), "row_line 5, 7, 10");
    }
    gb_dataset_free(ds);
}

static void test_categorical(void)
{
    gb_dataset *ds = read_ok(fixture("good/categorical.csv"), 0);
    if (!ok(ds, "categorical.csv reads"))
        return;
    const gb_column *c = &ds->cols[0];
    /* paris Berlin évora paris amsterdam "" Berlin NA Zurich; sorted by
     * bytes: B 0x42 < Z 0x5a < a 0x61 < p 0x70 < é 0xc3 0xa9 */
    ok(c->type == GB_COLUMN_CATEGORICAL && c->n_missing == 2, "city: categorical, 2 missing");
    ok(same_levels(c, (const char *[]){"Berlin", "Zurich", "amsterdam", "paris", "\xc3\xa9vora"}, 5),
       "dictionary sorted by strcmp (uppercase first, UTF-8 last)");
    ok(same_values(c, (double[]){3, 0, 4, 3, 2, NAN, 0, NAN, 1}, 9), "codes index the sorted dictionary");
    ok(c->first_text_line == 2 && strcmp(c->first_text, "paris") == 0, "first_text 'paris' on line 2");
    ok(ds->cols[1].type == GB_COLUMN_NUMERIC, "n stays numeric");
    gb_dataset_free(ds);

    /* inf_text.csv: v = inf, abc, -Infinity.  With real text in the column
     * an infinity is just another level ('-' 0x2d < 'a' < 'i'). */
    ds = read_ok(fixture("good/inf_text.csv"), 0);
    if (ok(ds, "'inf' in a text column is a level, not an error")) {
        ok(same_levels(&ds->cols[0], (const char *[]){"-Infinity", "abc", "inf"}, 3), "levels with infinities");
        ok(same_values(&ds->cols[0], (double[]){2, 1, 0}, 3), "codes with infinities");
        ok(strcmp(ds->cols[0].first_text, "inf") == 0, "first_text is the first non-number, 'inf'");
    }
    gb_dataset_free(ds);
}

static void test_second_pass(void)
{
    gb_dataset *ds = read_ok(fixture("good/late_text.csv"), 0);
    if (!ok(ds && ds->n_rows == 6, "late_text.csv reads"))
        return;
    /* a: 1 2 1.0 2 1 3 stays numeric. */
    ok(ds->cols[0].type == GB_COLUMN_NUMERIC && same_values(&ds->cols[0], (double[]){1, 2, 1, 2, 1, 3}, 6),
       "a stays numeric ('1.0' equals 1)");
    /* b: 5 NA 6 text 5 7: text on row 3, so rows 0 and 2 are re-read.
     * Levels "5" "6" "7" "text". */
    const gb_column *b = &ds->cols[1];
    ok(b->type == GB_COLUMN_CATEGORICAL, "b turns categorical on its 4th row");
    ok(same_levels(b, (const char *[]){"5", "6", "7", "text"}, 4), "b levels include numbers read before the text");
    ok(same_values(b, (double[]){0, NAN, 1, 3, 0, 2}, 6), "b codes, rows before the switch included");
    ok(b->n_missing == 1 && b->first_text_line == 5 && strcmp(b->first_text, "text") == 0, "b: 1 missing, 'text' on line 5");
    /* c: x y x z "" lateword: text from the first row, no second pass. */
    ok(same_levels(&ds->cols[2], (const char *[]){"lateword", "x", "y", "z"}, 4), "c levels");
    ok(same_values(&ds->cols[2], (double[]){1, 2, 1, 3, NAN, 0}, 6), "c codes");
    /* d: 10 1e1 10.0 -1 10 end: text only on the last row; the texts of the
     * numbers are kept as written: "-1" < "10" < "10.0" < "1e1" < "end". */
    const gb_column *d = &ds->cols[3];
    ok(same_levels(d, (const char *[]){"-1", "10", "10.0", "1e1", "end"}, 5), "d levels keep each spelling");
    ok(same_values(d, (double[]){1, 3, 2, 0, 1, 4}, 6), "d codes after a second pass over every row");
    gb_dataset_free(ds);
}

/* 3000 distinct strings of many lengths, each twice: the dictionary's
 * hash table probes past strings shorter and longer than the one sought. */
static void test_many_levels(void)
{
    FILE *f = fopen(tmpfile_path("levels.csv"), "w");
    char text[64];
    fprintf(f, "key,n\n");
    for (int i = 0; i < 6000; i++)
        fprintf(f, "k%.*s%d,%d\n", (i % 3000) % 37, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", i % 3000, i);
    fclose(f);
    gb_dataset *ds = read_ok(tmpfile_path("levels.csv"), 0);
    if (!ok(ds && ds->n_rows == 6000 && ds->cols[0].n_levels == 3000, "3000 distinct strings, each twice"))
        goto out;
    int good = 1;
    for (int i = 0; i < 6000; i++) {
        snprintf(text, sizeof text, "k%.*s%d", (i % 3000) % 37, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", i % 3000);
        good &= strcmp(ds->cols[0].levels[(size_t)ds->cols[0].values[i]], text) == 0;
    }
    ok(good, "every code names the text of its row");
    for (size_t k = 1; k < ds->cols[0].n_levels; k++)
        good &= strcmp(ds->cols[0].levels[k - 1], ds->cols[0].levels[k]) < 0;
    ok(good, "the 3000 levels are sorted and distinct");
out:
    gb_dataset_free(ds);
}

static void test_stdin(void)
{
    int saved = dup(STDIN_FILENO), fd = open(fixture("good/late_text.csv"), O_RDONLY);
    if (saved < 0 || fd < 0 || dup2(fd, STDIN_FILENO) < 0) {
        ok(0, "cannot redirect standard input");
        return;
    }
    close(fd);
    gb_dataset *ds = read_ok("-", 0);
    dup2(saved, STDIN_FILENO);
    close(saved);
    ok(ds && strcmp(ds->path, "-") == 0 && ds->n_rows == 6, "'-' reads standard input");
    ok(ds && same_values(&ds->cols[3], (double[]){1, 3, 2, 0, 1, 4}, 6), "standard input: second pass from memory");
    gb_dataset_free(ds);
}

/* Errors: each message checked word for word. */
static void test_errors(void)
{
    char want[2048];
#define BAD(file, ...)                                                                                             \
    do {                                                                                                           \
        snprintf(want, sizeof want, __VA_ARGS__);                                                                  \
        expect_error(fixture("bad/" file), 0, want, file);                                                         \
    } while (0)
    snprintf(want, sizeof want, "%s: cannot open: No such file or directory", fixture("bad/no_such_file.csv"));
    expect_error(fixture("bad/no_such_file.csv"), 0, want, "missing file");
    snprintf(want, sizeof want, "%s: cannot read: it is a directory, not a CSV file", fixture("bad"));
    expect_error(fixture("bad"), 0, want, "a directory");
    BAD("empty.csv", "%s: the file is empty; expected a header row naming the columns", fixture("bad/empty.csv"));
    BAD("blank.csv", "%s: the file is empty; expected a header row naming the columns", fixture("bad/blank.csv"));
    BAD("bom_only.csv", "%s: the file is empty; expected a header row naming the columns",
        fixture("bad/bom_only.csv"));
    BAD("header_only.csv", "%s:1: the file has a header but no data rows", fixture("bad/header_only.csv"));
    BAD("ragged_short.csv",
        "%s:3: line 3 has 2 fields, the header has 3 (a missing or extra ',', or a field containing it that is "
        "not quoted?)",
        fixture("bad/ragged_short.csv"));
    BAD("ragged_long.csv",
        "%s:4: line 4 has 3 fields, the header has 2 (a missing or extra ',', or a field containing it that is "
        "not quoted?)",
        fixture("bad/ragged_long.csv"));
    BAD("dup_names.csv", "%s:1: column name 'x' is used twice (columns 1 and 3); names must be unique",
        fixture("bad/dup_names.csv"));
    BAD("empty_name.csv",
        "%s:1: column 1 has an empty name (a file written by pandas' to_csv without index=False starts with an "
        "unnamed index column: name it or drop it)",
        fixture("bad/empty_name.csv"));
    BAD("empty_name_mid.csv", "%s:1: column 2 has an empty name; every column needs a name in the header row",
        fixture("bad/empty_name_mid.csv"));
    BAD("unterminated.csv",
        "%s:3: column 'b': a quoted field starting on this row is never closed (the file ends inside it)",
        fixture("bad/unterminated.csv"));
    BAD("stray_quote.csv",
        "%s:2:4: unexpected '\"': a quote may only open a field or be doubled inside a quoted field (quote the "
        "whole field and write a quote inside it as \"\")",
        fixture("bad/stray_quote.csv"));
    BAD("after_quote.csv",
        "%s:2:4: unexpected '\"': a quote may only open a field or be doubled inside a quoted field (quote the "
        "whole field and write a quote inside it as \"\")",
        fixture("bad/after_quote.csv"));
    BAD("unterminated_header.csv",
        "%s:1: field 2 of this header opens a quote that is never closed (the file ends inside it)",
        fixture("bad/unterminated_header.csv"));
    BAD("unterminated_extra.csv",
        "%s:3: field 2 of this row opens a quote that is never closed (the file ends inside it)",
        fixture("bad/unterminated_extra.csv"));
    /* binary.bin: "\x89PNG\r\n" is line 1, "\x1a\n" line 2, then NUL. */
    BAD("binary.bin", "%s:3:1: NUL byte: this is a binary file (or UTF-16 text), not a CSV text file",
        fixture("bad/binary.bin"));
    BAD("utf16.csv", "%s:1:4: NUL byte: this is a binary file (or UTF-16 text), not a CSV text file",
        fixture("bad/utf16.csv"));
    BAD("nul_mid.csv", "%s:3:3: NUL byte: this is a binary file (or UTF-16 text), not a CSV text file",
        fixture("bad/nul_mid.csv"));
    BAD("inf.csv",
        "%s:3: column 'b': 'inf' is not a finite number; glassbox explains finite data only (write an empty "
        "field or NA for a missing value)",
        fixture("bad/inf.csv"));
    BAD("neg_infinity.csv",
        "%s:2: column 'b': '-Infinity' is not a finite number; glassbox explains finite data only (write an "
        "empty field or NA for a missing value)",
        fixture("bad/neg_infinity.csv"));
    BAD("overflow.csv",
        "%s:2: column 'a': '1e999' is not a finite number; glassbox explains finite data only (write an empty "
        "field or NA for a missing value)",
        fixture("bad/overflow.csv"));
#undef BAD
}

static void test_big_lines(void)
{
    size_t big = 4u << 20;
    char *buf = malloc(big + 64);
    if (!buf)
        return;
    /* A 4 MiB text field: parses; first_text keeps 80 bytes and "...". */
    size_t n = (size_t)sprintf(buf, "a,b\n");
    memset(buf + n, 'x', big);
    n += big;
    n += (size_t)sprintf(buf + n, ",1\n");
    write_file(tmpfile_path("long_field.csv"), buf, n);
    gb_dataset *ds = read_ok(tmpfile_path("long_field.csv"), 0);
    ok(ds && ds->n_rows == 1 && ds->cols[0].n_levels == 1 && strlen(ds->cols[0].levels[0]) == big,
       "a 4 MiB field is read whole");
    ok(ds && strlen(ds->cols[0].first_text) == 83 && strcmp(ds->cols[0].first_text + 80, "...") == 0,
       "first_text is cut to 80 bytes");
    gb_dataset_free(ds);

    /* A 4 MiB line of "1,1,1,...": 2097152 fields against 2. */
    n = (size_t)sprintf(buf, "a,b\n");
    for (size_t i = 0; i < big / 2; i++)
        memcpy(buf + n + 2 * i, "1,", 2);
    buf[n + big - 1] = '\n';
    n += big;
    write_file(tmpfile_path("long_row.csv"), buf, n);
    char want[2048];
    snprintf(want, sizeof want,
             "%s:2: line 2 has %zu fields, the header has 2 (a missing or extra ',', or a field containing it "
             "that is not quoted?)",
             tmpfile_path("long_row.csv"), big / 2);
    expect_error(tmpfile_path("long_row.csv"), 0, want, "a 4 MiB line of fields is a ragged row");

    /* A 4 MiB header of 200000 names ("c0".."c199999") and one row. */
    FILE *f = fopen(tmpfile_path("wide.csv"), "w");
    for (int j = 0; j < 200000; j++)
        fprintf(f, "%sc%d", j ? "," : "", j);
    fprintf(f, "\n");
    for (int j = 0; j < 200000; j++)
        fprintf(f, "%s%d", j ? "," : "", j);
    fprintf(f, "\n");
    fclose(f);
    ds = read_ok(tmpfile_path("wide.csv"), 0);
    ok(ds && ds->n_cols == 200000 && ds->n_rows == 1 && ds->cols[199999].values[0] == 199999,
       "200000 columns");
    ok(ds && gb_dataset_find(ds, "c123456") == 123456, "find among 200000 columns");
    gb_dataset_free(ds);

    /* A 2 MiB field that never closes its quote. */
    n = (size_t)sprintf(buf, "a,b\n1,\"");
    memset(buf + n, 'y', 2u << 20);
    n += 2u << 20;
    write_file(tmpfile_path("long_open_quote.csv"), buf, n);
    snprintf(want, sizeof want,
             "%s:2: column 'b': a quoted field starting on this row is never closed (the file ends inside it)",
             tmpfile_path("long_open_quote.csv"));
    expect_error(tmpfile_path("long_open_quote.csv"), 0, want, "a 2 MiB unterminated quote");
    free(buf);
}

/* The reader handles 1 MiB at a time; these files put a "\r\n", a lone
 * "\r" and a quoted line break exactly on that boundary. */
static void test_window_edges(void)
{
    const size_t W = 1u << 20;
    const char *names[] = {"crlf_split.csv", "cr_split.csv", "lf_split.csv"}, *eols[] = {"\r\n", "\r", "\n"};
    for (size_t c = 0; c < N_OF(names); c++) {
        /* A first row "0...0,1" of D digits, then rows "%07zu,%zu" of
         * row_len bytes; D is chosen so that some row's line break starts
         * at W - 1: n0 + (D + 2 + eol) + k * row_len + 9 = W - 1. */
        size_t eol = strlen(eols[c]), row_len = 9 + eol, n0 = 5 + eol;
        size_t D = 7 + (W - 1 - 9 - n0 - 2 - eol - 7) % row_len, rows = 1;
        char *buf = malloc(3 * W);
        size_t n = (size_t)sprintf(buf, "key,v%s%0*d,1%s", eols[c], (int)D, 0, eols[c]);
        while (n < 2 * W) {
            n += (size_t)sprintf(buf + n, "%07zu,%zu%s", rows, rows % 10, eols[c]);
            rows++;
        }
        int hit = memcmp(buf + W - 1, eols[c], eol) == 0 && buf[W - 2] != '\n' && buf[W - 2] != '\r';
        write_file(tmpfile_path(names[c]), buf, n);
        gb_dataset *ds = read_ok(tmpfile_path(names[c]), 0);
        ok(hit && ds && ds->n_rows == rows && ds->row_line[rows - 1] == rows + 1 &&
               ds->cols[1].values[rows - 1] == (double)((rows - 1) % 10),
           "%s: line break on the window edge (%zu rows)", names[c], rows);
        gb_dataset_free(ds);
        free(buf);
    }
    /* A quoted field with a line break inside it, across the window edge. */
    char *buf = malloc(2 * W);
    size_t n = (size_t)sprintf(buf, "t,v\n");
    while (n < W - 100)
        n += (size_t)sprintf(buf + n, "a,1\n");
    n += (size_t)sprintf(buf + n, "\"%0*d\n%0200d\",2\nz,3\n", (int)(W - 3 - n), 0, 0);
    write_file(tmpfile_path("quote_split.csv"), buf, n);
    gb_dataset *ds = read_ok(tmpfile_path("quote_split.csv"), 0);
    size_t rows = ds ? ds->n_rows : 0;
    ok(ds && ds->cols[1].values[rows - 1] == 3 && ds->cols[1].values[rows - 2] == 2 &&
           ds->row_line[rows - 1] == ds->row_line[rows - 2] + 2,
       "a quoted line break across the window edge");
    gb_dataset_free(ds);
    free(buf);
}

/* Every value must be bit for bit what glibc's strtod makes of the text:
 * random spellings (1 to 25 digits, point anywhere, exponents to +-40),
 * plus cases on and near the halfway points between doubles. */
static void test_numbers_exact(void)
{
    static const char *hard[] = {
        "9007199254740993",        /* 2^53 + 1: halfway, ties to even 2^53 */
        "9007199254740995",        /* halfway, ties up to 2^53 + 4 */
        "9007199254740993.0000001", /* just above halfway: rounds up */
        "1.7976931348623157e308", "2.2250738585072014e-308", "4.9e-324", "1e-400", "1e23", "8.98846567431158e307",
        "0.1", "0.3", "123456789012345678901234567890", "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124", "2.5e-27", "7.3786976294838206464e19",
        "0.000000000000000000000000000000000000001", "3.0517578125e-05", "18446744073709551615",
        "18446744073709551616", "1e22", "1e27", "1e28", "9999999999999999999e-27", "4.35679e-25",
        /* 19 digits whose 64-bit quotient or product lands exactly halfway
         * between two doubles, where rounding it again would be wrong. */
        "197308966529315834e12", "8365415965257541537e-10", "5369459335019705792e7", "8317159222654314246e-12",
        "7830026255980417349e-19", "3720264502565488185e-19",
    };
    size_t n_random = 20000, n = N_OF(hard) + n_random;
    char **text = malloc(n * sizeof *text);
    FILE *f = fopen(tmpfile_path("numbers.csv"), "w");
    fprintf(f, "x\n");
    uint64_t state = 88172645463325252ULL;
    for (size_t i = 0; i < n; i++) {
        char s[64];
        if (i < N_OF(hard)) {
            snprintf(s, sizeof s, "%s", hard[i]);
        } else {
            state ^= state << 13, state ^= state >> 7, state ^= state << 17;
            int nd = 1 + (int)(state % 25), point = (int)((state >> 8) % (unsigned)(nd + 1));
            int len = 0;
            if (state >> 20 & 1)
                s[len++] = '-';
            for (int d = 0; d < nd; d++) {
                if (d == point && d > 0)
                    s[len++] = '.';
                state ^= state << 13, state ^= state >> 7, state ^= state << 17;
                s[len++] = (char)('0' + state % 10);
            }
            if (state >> 30 & 1)
                len += sprintf(s + len, "e%d", (int)((state >> 33) % 81) - 40);
            s[len] = '\0';
        }
        text[i] = strdup(s);
        fprintf(f, "%s\n", s);
    }
    fclose(f);
    gb_dataset *ds = read_ok(tmpfile_path("numbers.csv"), 0);
    size_t bad = 0;
    if (ds && ds->n_rows == n && ds->cols[0].type == GB_COLUMN_NUMERIC)
        for (size_t i = 0; i < n; i++) {
            double want = strtod(text[i], NULL), got = ds->cols[0].values[i];
            if (memcmp(&want, &got, sizeof got) != 0 && bad++ < 5)
                printf("#   '%s': got %.17g, strtod %.17g\n", text[i], got, want);
        }
    ok(ds && bad == 0, "%zu numbers equal glibc strtod bit for bit (%zu differ)", n, bad);
    gb_dataset_free(ds);
    for (size_t i = 0; i < n; i++)
        free(text[i]);
    free(text);
}

/* Strict syntax: each column holds one candidate and the number 1. */
static void test_number_syntax(void)
{
    const char *csv = "hex,dcomma,suffix,e_only,sign,dots,under,inner_space,spaced,plus_point,nan_word\n"
                      "0x10,\"1,5\",12abc,1e,-,1.2.3,1_000,1 2, 12 ,+.5,NaN\n"
                      "1,1,1,1,1,1,1,1,1,1,1\n";
    write_file(tmpfile_path("syntax.csv"), csv, strlen(csv));
    gb_dataset *ds = read_ok(tmpfile_path("syntax.csv"), 0);
    if (!ok(ds && ds->n_cols == 11, "syntax.csv reads"))
        return;
    int text = 1;
    for (int j = 0; j < 8; j++)
        text &= ds->cols[j].type == GB_COLUMN_CATEGORICAL;
    ok(text, "0x10, '1,5', 12abc, 1e, -, 1.2.3, 1_000, '1 2' are text: columns turn categorical");
    ok(ds->cols[8].type == GB_COLUMN_NUMERIC && ds->cols[8].values[0] == 12, "' 12 ' is the number 12");
    ok(ds->cols[9].type == GB_COLUMN_NUMERIC && ds->cols[9].values[0] == 0.5, "'+.5' is 0.5");
    ok(ds->cols[10].type == GB_COLUMN_NUMERIC && isnan(ds->cols[10].values[0]), "'NaN' is missing, not text");
    ok(same_levels(&ds->cols[0], (const char *[]){"0x10", "1"}, 2), "hex column keeps both spellings");
    gb_dataset_free(ds);
}

/* Compares with pandas.read_csv on the same file (see gen_pandas_mixed.py). */
static void test_pandas_mixed(void)
{
    gb_dataset *ds = read_ok(fixture("good/pandas_mixed.csv"), 0);
    FILE *f = fopen(fixture("good/pandas_mixed.expected"), "r");
    if (!ok(ds && f, "pandas_mixed.csv and its expected values"))
        goto out;
    char line[512], name[128], type[32];
    size_t rows = 0, n_missing, n_levels, n_cols = 0;
    if (!fgets(line, sizeof line, f) || sscanf(line, "rows %zu", &rows) != 1)
        goto out;
    ok(ds->n_rows == rows, "pandas: %zu rows", rows);
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "column %127s %31s %zu %zu", name, type, &n_missing, &n_levels) != 4)
            break;
        int j = gb_dataset_find(ds, name), good = j >= 0;
        const gb_column *c = good ? &ds->cols[j] : NULL;
        good = good && c->type == (strcmp(type, "categorical") == 0 ? GB_COLUMN_CATEGORICAL : GB_COLUMN_NUMERIC);
        good = good && c->n_missing == n_missing && c->n_levels == n_levels;
        for (size_t k = 0; k < n_levels && fgets(line, sizeof line, f); k++) {
            line[strcspn(line, "\n")] = '\0';
            good = good && strcmp(c->levels[k], line) == 0;
        }
        for (size_t i = 0; i < rows && fgets(line, sizeof line, f); i++) {
            double want = strtod(line, NULL);
            good = good && ((isnan(want) && isnan(c->values[i])) || want == c->values[i]);
        }
        ok(good, "pandas: column '%s' (%s, %zu missing, %zu levels) agrees value for value", name, type, n_missing,
           n_levels);
        n_cols++;
    }
    ok(n_cols == ds->n_cols, "pandas: all %zu columns compared", n_cols);
out:
    if (f)
        fclose(f);
    gb_dataset_free(ds);
}

static gb_column column_of(double *v, gb_column_type type)
{
    gb_column c = {.name = "t", .type = type, .values = v};
    return c;
}

static void test_stats(void)
{
    gb_column_stats st;
    /* Present: 2 4 4 4 5 5 7 9.  n = 8, sum 40, mean 5; squared deviations
     * 9+1+1+1+0+0+4+16 = 32, sample sd = sqrt(32/7) = 2.1380899352993950;
     * sorted middle pair 4 and 5: median 4.5. */
    double v[] = {2, NAN, 4, 4, NAN, 4, 5, 5, 7, 9};
    gb_column c = column_of(v, GB_COLUMN_NUMERIC);
    gb_column_stats_compute(&c, N_OF(v), &st);
    ok(st.n_present == 8, "stats: n_present skips NaN");
    ok(st.min == 2 && st.max == 9, "stats: min 2, max 9");
    is_close(st.mean, 5.0, 1e-15, "stats: mean 5");
    is_close(st.sd, 2.1380899352993950, 1e-15, "stats: sample sd sqrt(32/7)");
    is_close(st.median, 4.5, 0, "stats: median of an even count averages the middle pair");

    double odd[] = {3, 1, 2}; /* median 2; sd = sqrt((1+1+0)/2) = 1 */
    c = column_of(odd, GB_COLUMN_NUMERIC);
    gb_column_stats_compute(&c, 3, &st);
    ok(st.median == 2 && st.sd == 1 && st.mean == 2, "stats: odd count, median 2, sd 1");

    double one[] = {NAN, 7};
    c = column_of(one, GB_COLUMN_NUMERIC);
    gb_column_stats_compute(&c, 2, &st);
    ok(st.n_present == 1 && st.mean == 7 && st.median == 7 && isnan(st.sd), "stats: one value, sd undefined (NaN)");

    double none[] = {NAN, NAN};
    c = column_of(none, GB_COLUMN_NUMERIC);
    gb_column_stats_compute(&c, 2, &st);
    ok(st.n_present == 0 && isnan(st.min) && isnan(st.mean) && isnan(st.median), "stats: nothing present, all NaN");

    /* 1001 values: i * 10 mod 1001 shuffles 0..1000 (10 is coprime to
     * 1001 = 7 * 11 * 13), so the median and the mean are both 500. */
    double *many = malloc(1001 * sizeof *many);
    for (int i = 0; i < 1001; i++)
        many[i] = (double)((i * 10) % 1001);
    c = column_of(many, GB_COLUMN_NUMERIC);
    gb_column_stats_compute(&c, 1001, &st);
    ok(st.median == 500 && st.mean == 500 && st.min == 0 && st.max == 1000, "stats: median of 0..1000 shuffled");
    /* 1000 copies of 5 and a single 1: median 5 (many equal keys). */
    for (int i = 0; i < 1000; i++)
        many[i] = 5;
    many[1000] = 1;
    gb_column_stats_compute(&c, 1001, &st);
    ok(st.median == 5 && st.min == 1, "stats: median with many equal values");
    free(many);

    /* Large values close together: mean 1e9 + 2, sample sd sqrt(10/4) =
     * 1.5811388300841898 (the one-pass sum of squares would lose this). */
    double close_vals[] = {1e9, 1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4};
    c = column_of(close_vals, GB_COLUMN_NUMERIC);
    gb_column_stats_compute(&c, 5, &st);
    is_close(st.sd, 1.5811388300841898, 1e-12, "stats: sd of large, close values");

    /* Categorical: statistics of the codes of categorical.csv's city,
     * 3 0 4 3 2 _ 0 _ 1: n 7, sum 13, sorted 0 0 1 2 3 3 4, median 2. */
    gb_dataset *ds = read_ok(fixture("good/categorical.csv"), 0);
    if (ds) {
        gb_column_stats_compute(&ds->cols[0], ds->n_rows, &st);
        ok(st.n_present == 7 && st.min == 0 && st.max == 4 && st.median == 2, "stats of category codes");
        is_close(st.mean, 13.0 / 7.0, 1e-15, "mean of category codes 13/7");
    }
    gb_dataset_free(ds);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "%s/glassbox-dataset-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir)) {
        printf("Bail out! cannot create a temporary directory\n");
        return 1;
    }
    test_basic();
    test_missing();
    test_bom_crlf();
    test_delimiters();
    test_quotes();
    test_line_breaks();
    test_categorical();
    test_second_pass();
    test_many_levels();
    test_stdin();
    test_errors();
    test_number_syntax();
    test_numbers_exact();
    test_pandas_mixed();
    test_big_lines();
    test_window_edges();
    test_stats();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", tmpdir);
    return tap_done();
}
