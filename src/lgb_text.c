/* lgb_text.c: the line and token level of LightGBM's text model format,
 * for the LightGBM loader (model_lightgbm.c).
 *
 * A model.txt is blocks of key=value lines (the header, then one block per
 * tree) whose values are space-separated numbers or names.  This reads
 * lines ("\n", "\r\n" or a lone "\r", as LightGBM accepts), files the
 * values of a block under the keys the caller asks for, and turns values
 * into checked integers and arrays of finite numbers in the C locale; what
 * the keys mean is the loader's business.  Every message names the file,
 * the 1-based line and the key. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strtod_l: numbers are read in the C locale */
#endif
#include "lgb_text.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads the next line without its terminator ("\n", "\r\n" or a lone "\r",
 * as LightGBM accepts).  Returns 0 at the end of the buffer. */
int lgb_next_line(lgb_reader *r, lgb_line *out)
{
    if (r->p >= r->end)
        return 0;
    const char *s = r->p;
    while (r->p < r->end && *r->p != '\n' && *r->p != '\r')
        r->p++;
    out->s = s;
    out->n = (size_t)(r->p - s);
    out->no = r->line++;
    if (r->p < r->end && *r->p++ == '\r' && r->p < r->end && *r->p == '\n')
        r->p++;
    return 1;
}

/* A line that ends a block: 1 for a tree's "Tree=N", 2 for "end of trees". */
int lgb_ends_block(const lgb_line *l)
{
    if (l->n >= 5 && memcmp(l->s, "Tree=", 5) == 0)
        return 1;
    return l->n == 12 && memcmp(l->s, "end of trees", 12) == 0 ? 2 : 0;
}

int lgb_is_blank(const lgb_line *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->s[i] != ' ' && l->s[i] != '\t')
            return 0;
    return 1;
}

/* Next space-separated token of [*p, end), or NULL. */
const char *lgb_next_token(const char **p, const char *end, size_t *len)
{
    const char *s = *p;
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    if (s == end) {
        *p = s;
        return NULL;
    }
    const char *e = s;
    while (e < end && *e != ' ' && *e != '\t')
        e++;
    *len = (size_t)(e - s);
    *p = e;
    return s;
}

size_t lgb_count_tokens(const lgb_field *f)
{
    const char *p = f->s, *end = f->s + f->n;
    size_t n = 0, len;
    while (lgb_next_token(&p, end, &len))
        n++;
    return n;
}

/* Parses a whole token as a number.  integer: only an optional sign and
 * digits; otherwise a decimal number with optional exponent.  No "inf",
 * "nan" or hex: LightGBM never writes them (it clamps infinities to 1e300),
 * so they can only come from a damaged file.  Returns 0 or -1. */
int lgb_parse_number(const lgb_reader *r, const char *tok, size_t n, int integer, double *out)
{
    char tmp[72];
    if (n == 0 || n >= sizeof tmp)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char c = tok[i];
        int ok = (c >= '0' && c <= '9') || c == '-' || c == '+';
        if (!integer)
            ok = ok || c == '.' || c == 'e' || c == 'E';
        if (!ok)
            return -1;
    }
    memcpy(tmp, tok, n);
    tmp[n] = '\0';
    char *end;
    double v = strtod_l(tmp, &end, r->c_loc);
    if (end != tmp + n || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* Reads a field of exactly `want` numbers, each in [lo, hi].  need says why
 * that many, for the message ("num_leaves=4 needs 3"). */
double *lgb_read_array(const lgb_reader *r, size_t tree, const char *key, const lgb_field *f, size_t want,
                       int integer, double lo, double hi, const char *need)
{
    size_t have = lgb_count_tokens(f);
    if (have != want) {
        gb_error_set(r->err, "%s:%d: tree %zu: %s has %zu value%s, but %s", r->path, f->line, tree, key, have,
                     have == 1 ? "" : "s", need);
        return NULL;
    }
    double *a = gb_malloc(want ? want : 1, sizeof *a, r->err);
    if (!a)
        return NULL;
    const char *p = f->s, *end = f->s + f->n, *tok;
    size_t len;
    for (size_t i = 0; (tok = lgb_next_token(&p, end, &len)) != NULL; i++) {
        if (lgb_parse_number(r, tok, len, integer, &a[i]) != 0) {
            gb_error_set(r->err, "%s:%d: tree %zu: %s[%zu]: '%.*s' is not %s", r->path, f->line, tree, key, i,
                         (int)(len > 40 ? 40 : len), tok, integer ? "an integer" : "a finite number");
            free(a);
            return NULL;
        }
        if (a[i] < lo || a[i] > hi) {
            gb_error_set(r->err, "%s:%d: tree %zu: %s[%zu]: %.17g is out of range (%.17g to %.17g)", r->path,
                         f->line, tree, key, i, a[i], lo, hi);
            free(a);
            return NULL;
        }
    }
    return a;
}

/* Reads a value that must be a single integer in [lo, hi].  where prefixes
 * the key in messages ("" or "tree 3: "). */
int lgb_header_int(const lgb_reader *r, const char *where, const char *key, const lgb_field *f, long lo,
                   long hi, long *out)
{
    const char *p = f->s, *end = f->s + f->n, *tok;
    size_t len;
    double v;
    tok = lgb_next_token(&p, end, &len);
    if (!tok || lgb_parse_number(r, tok, len, 1, &v) != 0 || lgb_next_token(&p, end, &len))
        return gb_error_set(r->err, "%s:%d: %s%s: '%.*s' is not an integer", r->path, f->line, where, key,
                            (int)(f->n > 40 ? 40 : f->n), f->s);
    if (v < (double)lo || v > (double)hi)
        return gb_error_set(r->err, "%s:%d: %s%s=%.0f is out of range (%ld to %ld)", r->path, f->line, where,
                            key, v, lo, hi);
    *out = (long)v;
    return 0;
}

/* Splits "key=value" (or a bare "key") and files the value under its key if
 * the key is one of names[0..n-1].  Returns the key's index, n for a key we
 * ignore, or -1 (err set) when a key we read appears twice. */
static int file_field(const lgb_reader *r, const lgb_line *l, const char *const *names, int n,
                      lgb_field *fields, const char *where)
{
    const char *eq = memchr(l->s, '=', l->n);
    size_t klen = eq ? (size_t)(eq - l->s) : l->n;
    for (int k = 0; k < n; k++) {
        if (strlen(names[k]) != klen || memcmp(names[k], l->s, klen) != 0)
            continue;
        if (fields[k].s)
            return gb_error_set(r->err, "%s:%d: %s: %s appears twice (first on line %d)", r->path, l->no,
                                where, names[k], fields[k].line);
        fields[k].s = eq ? eq + 1 : l->s + l->n;
        fields[k].n = eq ? l->n - klen - 1 : 0;
        fields[k].line = l->no;
        return k;
    }
    return n;
}

/* Reads key=value lines into fields up to a line that ends a block (left
 * unread).  The header (tree == SIZE_MAX) skips blank lines and allows bare
 * keys ("average_output"); a tree block also ends at a blank line and every
 * line needs an '='. */
int lgb_read_block(lgb_reader *r, size_t tree, const char *const *names, int n, lgb_field *fields)
{
    lgb_line l;
    char where[48] = "header";
    if (tree != SIZE_MAX)
        snprintf(where, sizeof where, "tree %zu", tree);
    for (;;) {
        const char *before = r->p;
        int line_before = r->line;
        if (!lgb_next_line(r, &l))
            break;
        if (lgb_ends_block(&l)) {
            r->p = before;
            r->line = line_before;
            return 0;
        }
        if (lgb_is_blank(&l)) {
            if (tree != SIZE_MAX)
                return 0;
            continue;
        }
        if (tree != SIZE_MAX && !memchr(l.s, '=', l.n))
            return gb_error_set(r->err, "%s:%d: %s: expected key=value, found '%.*s'", r->path, l.no, where,
                                (int)(l.n > 40 ? 40 : l.n), l.s);
        if (file_field(r, &l, names, n, fields, where) < 0)
            return -1;
    }
    if (tree == SIZE_MAX)
        return gb_error_set(
            r->err, "%s: no 'Tree=' line: the file is not a LightGBM model or it is truncated", r->path);
    return 0;
}
