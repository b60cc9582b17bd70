/* json_util.c: jansson with XGBoost's extensions and field-path messages
 * (see json_util.h).
 *
 * gb_json_parse has to turn bare NaN/Infinity tokens into something jansson
 * accepts without reading tens of megabytes twice over in memory: it counts
 * the tokens first and, only when there are some, makes one rewritten copy
 * (each token grows by its two quotes).  Error positions from jansson then
 * refer to the copy, so they are mapped back to the original buffer. */
/* strtod_l (locale-independent number parsing) is a GNU/POSIX-2008 extension. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "json_util.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- parsing ---------------------------------------------------------- */

/* Length of a bare non-finite token starting at buf[i] (outside strings),
 * or 0. */
static size_t bare_token(const char *buf, size_t len, size_t i)
{
    static const char *const tokens[] = {"NaN", "Infinity", "-Infinity"};
    char c = buf[i];
    if (c != 'N' && c != 'I' && c != '-')
        return 0;
    for (size_t k = 0; k < sizeof tokens / sizeof tokens[0]; k++) {
        size_t n = strlen(tokens[k]);
        if (len - i >= n && memcmp(buf + i, tokens[k], n) == 0)
            return n;
    }
    return 0;
}

/* Walks buf, tracking strings and escapes, and either counts the bare tokens
 * (out == NULL) or writes the rewritten text to out.  With stop_at != SIZE_MAX
 * it stops once the rewritten offset reaches stop_at and returns the
 * original offset there (used to map jansson's error position back). */
static size_t rewrite(const char *buf, size_t len, char *out, size_t stop_at)
{
    size_t count = 0, o = 0;
    int in_string = 0;
    for (size_t i = 0; i < len;) {
        if (stop_at != SIZE_MAX && o >= stop_at)
            return i;
        char c = buf[i];
        size_t n;
        if (in_string) {
            if (c == '\\' && i + 1 < len) {
                if (out) {
                    out[o] = c;
                    out[o + 1] = buf[i + 1];
                }
                o += 2;
                i += 2;
                continue;
            }
            if (c == '"')
                in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if ((n = bare_token(buf, len, i)) != 0) {
            if (out) {
                out[o] = '"';
                memcpy(out + o + 1, buf + i, n);
                out[o + 1 + n] = '"';
            }
            o += n + 2;
            i += n;
            count++;
            continue;
        }
        if (out)
            out[o] = c;
        o++;
        i++;
    }
    return stop_at != SIZE_MAX ? len : count;
}

/* 1-based line and character column of byte offset off, as jansson counts
 * them (a column counts UTF-8 lead bytes, so characters). */
static void line_col(const char *buf, size_t off, int *line, int *col)
{
    int l = 1, c = 0;
    for (size_t i = 0; i < off; i++) {
        unsigned char ch = (unsigned char)buf[i];
        if (ch == '\n') {
            l++;
            c = 0;
        } else if ((ch & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

json_t *gb_json_parse(const char *buf, size_t len, const char *path, gb_error *err)
{
    json_error_t jerr;
    /* Editors on some systems start UTF-8 files with a byte-order mark,
     * which jansson refuses; positions are then counted after it. */
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        buf += 3;
        len -= 3;
    }
    size_t n_tokens = rewrite(buf, len, NULL, SIZE_MAX);
    const char *text = buf;
    char *copy = NULL;
    size_t text_len = len;
    if (n_tokens) {
        if (n_tokens > (SIZE_MAX - len) / 2) {
            gb_error_set(err, "%s: file too large", path);
            return NULL;
        }
        text_len = len + 2 * n_tokens;
        copy = gb_malloc(text_len, 1, err);
        if (!copy) {
            gb_error_prefix(err, "%s: ", path);
            return NULL;
        }
        rewrite(buf, len, copy, SIZE_MAX);
        text = copy;
    }
    json_t *root = json_loadb(text, text_len, 0, &jerr);
    if (!root) {
        if (jerr.line < 0) {
            gb_error_set(err, "%s: %s", path, jerr.text);
        } else {
            size_t off = (size_t)jerr.position;
            if (off > text_len)
                off = text_len;
            if (copy)
                off = rewrite(buf, len, NULL, off);
            int line, col;
            line_col(buf, off, &line, &col);
            gb_error_set(err, "%s:%d:%d: %s", path, line, col, jerr.text);
        }
    }
    free(copy);
    return root;
}

/* ---- scalars ---------------------------------------------------------- */

/* strtod in the C locale, whatever the program's locale (the explorer sets
 * one for wide characters), over the whole of s. */
static int parse_double(const char *s, size_t n, double *out)
{
    char tmp[64];
    if (n == 0 || n >= sizeof tmp || isspace((unsigned char)s[0]))
        return -1;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    locale_t c_loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    if (c_loc == (locale_t)0)
        return -1;
    char *end;
    errno = 0;
    double v = strtod_l(tmp, &end, c_loc);
    freelocale(c_loc);
    if (end != tmp + n)
        return -1;
    *out = v;
    return 0;
}

int gb_json_number(const json_t *v, double *out)
{
    if (json_is_integer(v)) {
        *out = (double)json_integer_value(v);
        return 0;
    }
    if (json_is_real(v)) {
        *out = json_real_value(v);
        return 0;
    }
    if (json_is_array(v))
        return json_array_size(v) == 1 && !json_is_array(json_array_get(v, 0))
                   ? gb_json_number(json_array_get(v, 0), out)
                   : -1;
    if (!json_is_string(v))
        return -1;
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
        s++;
        n -= 2;
    }
    return parse_double(s, n, out);
}

int gb_json_integer(const json_t *v, long long *out)
{
    if (json_is_integer(v)) {
        *out = (long long)json_integer_value(v);
        return 0;
    }
    if (json_is_boolean(v)) {
        *out = json_is_true(v) ? 1 : 0;
        return 0;
    }
    if (json_is_real(v)) {
        double d = json_real_value(v);
        /* 2^63 is exact in a double; anything below it converts safely. */
        if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0) || d != floor(d))
            return -1;
        *out = (long long)d;
        return 0;
    }
    if (!json_is_string(v))
        return -1;
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n == 0 || n != strlen(s) || !(isdigit((unsigned char)s[0]) || s[0] == '-'))
        return -1;
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (errno == ERANGE || end != s + n)
        return -1;
    *out = x;
    return 0;
}

const char *gb_json_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE: return "true";
    case JSON_FALSE: return "false";
    case JSON_NULL: return "null";
    }
    return "something else";
}

/* ---- members ---------------------------------------------------------- */

/* "where.key", or "key" alone at the top. */
static void field_name(char *buf, size_t size, const char *where, const char *key)
{
    if (where && *where)
        snprintf(buf, size, "%s.%s", where, key);
    else
        snprintf(buf, size, "%s", key);
}

#define FIELD(name, where, key)                                                                    \
    char name[512];                                                                                \
    field_name(name, sizeof name, where, key)

json_t *gb_json_member(const json_t *obj, const char *key, const char *where, gb_error *err)
{
    if (!json_is_object(obj)) {
        gb_error_set(err, "%s: expected an object, found %s", where && *where ? where : "top level",
                     obj ? gb_json_type_name(obj) : "nothing");
        return NULL;
    }
    json_t *v = json_object_get(obj, key);
    if (!v) {
        FIELD(f, where, key);
        gb_error_set(err, "%s: missing", f);
    }
    return v;
}

static json_t *typed_member(const json_t *obj, const char *key, json_type type, const char *what,
                            const char *where, gb_error *err)
{
    json_t *v = gb_json_member(obj, key, where, err);
    if (v && json_typeof(v) != type) {
        FIELD(f, where, key);
        gb_error_set(err, "%s: expected %s, found %s", f, what, gb_json_type_name(v));
        return NULL;
    }
    return v;
}

json_t *gb_json_get_object(const json_t *obj, const char *key, const char *where, gb_error *err)
{
    return typed_member(obj, key, JSON_OBJECT, "an object", where, err);
}

json_t *gb_json_get_array(const json_t *obj, const char *key, const char *where, gb_error *err)
{
    return typed_member(obj, key, JSON_ARRAY, "an array", where, err);
}

const char *gb_json_get_string(const json_t *obj, const char *key, const char *where,
                               gb_error *err)
{
    json_t *v = typed_member(obj, key, JSON_STRING, "a string", where, err);
    return v ? json_string_value(v) : NULL;
}

int gb_json_get_double(const json_t *obj, const char *key, int allow_nonfinite, double *out,
                       const char *where, gb_error *err)
{
    json_t *v = gb_json_member(obj, key, where, err);
    if (!v)
        return -1;
    FIELD(f, where, key);
    if (gb_json_number(v, out) != 0)
        return gb_error_set(err, "%s: expected a number, found %s", f, gb_json_type_name(v));
    if (!allow_nonfinite && !isfinite(*out))
        return gb_error_set(err, "%s: %g is not a finite number", f, *out);
    return 0;
}

int gb_json_get_int(const json_t *obj, const char *key, long long lo, long long hi,
                    long long *out, const char *where, gb_error *err)
{
    json_t *v = gb_json_member(obj, key, where, err);
    if (!v)
        return -1;
    FIELD(f, where, key);
    if (gb_json_integer(v, out) != 0)
        return gb_error_set(err, "%s: expected an integer, found %s", f, gb_json_type_name(v));
    if (*out < lo || *out > hi)
        return gb_error_set(err, "%s: %lld is out of range (expected %lld to %lld)", f, *out, lo, hi);
    return 0;
}

/* obj.key as an array, checking its length. */
static json_t *sized_array(const json_t *obj, const char *key, size_t expected_len,
                           size_t *len_out, const char *where, gb_error *err)
{
    json_t *a = gb_json_get_array(obj, key, where, err);
    if (!a)
        return NULL;
    size_t n = json_array_size(a);
    if (expected_len != GB_JSON_ANY_LEN && n != expected_len) {
        FIELD(f, where, key);
        gb_error_set(err, "%s: has %zu elements, expected %zu", f, n, expected_len);
        return NULL;
    }
    if (len_out)
        *len_out = n;
    return a;
}

double *gb_json_get_doubles(const json_t *obj, const char *key, size_t expected_len,
                            int allow_nonfinite, size_t *len_out, const char *where,
                            gb_error *err)
{
    size_t n;
    json_t *a = sized_array(obj, key, expected_len, &n, where, err);
    if (!a)
        return NULL;
    double *out = gb_malloc(n, sizeof *out, err);
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(a, i);
        if (gb_json_number(v, &out[i]) != 0 || (!allow_nonfinite && !isfinite(out[i]))) {
            FIELD(f, where, key);
            if (gb_json_number(v, &out[i]) != 0)
                gb_error_set(err, "%s[%zu]: expected a number, found %s", f, i, gb_json_type_name(v));
            else
                gb_error_set(err, "%s[%zu]: %g is not a finite number", f, i, out[i]);
            free(out);
            return NULL;
        }
    }
    if (len_out)
        *len_out = n;
    return out;
}

int64_t *gb_json_get_ints(const json_t *obj, const char *key, size_t expected_len, long long lo,
                          long long hi, size_t *len_out, const char *where, gb_error *err)
{
    size_t n;
    json_t *a = sized_array(obj, key, expected_len, &n, where, err);
    if (!a)
        return NULL;
    int64_t *out = gb_malloc(n, sizeof *out, err);
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(a, i);
        long long x;
        if (gb_json_integer(v, &x) != 0 || x < lo || x > hi) {
            FIELD(f, where, key);
            if (gb_json_integer(v, &x) != 0)
                gb_error_set(err, "%s[%zu]: expected an integer, found %s", f, i, gb_json_type_name(v));
            else
                gb_error_set(err, "%s[%zu]: %lld is out of range (expected %lld to %lld)", f, i, x, lo, hi);
            free(out);
            return NULL;
        }
        out[i] = x;
    }
    if (len_out)
        *len_out = n;
    return out;
}
