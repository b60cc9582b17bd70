/* ubjson.c: UBJSON into jansson (see ubjson.h).
 *
 * A recursive-descent reader over the buffer.  Every read goes through
 * need(), which compares against the bytes left, so truncated input is an
 * error at the exact offset and never an overread; containers check their
 * declared count against the bytes left before reading any element, so a
 * lying count fails at once instead of after allocating for it. */
#include "ubjson.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct reader {
    const unsigned char *p;
    size_t len;
    size_t pos;
    const char *path;
    gb_error *err;
} reader;

static json_t *parse_value(reader *r, int marker, int depth);

__attribute__((format(printf, 3, 4))) static void fail(reader *r, size_t at, const char *fmt, ...)
{
    char msg[GB_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    gb_error_set(r->err, "%s: byte %zu: %s", r->path, at, msg);
}

static size_t left(const reader *r)
{
    return r->len - r->pos;
}

static int need(reader *r, size_t n, const char *what)
{
    if (left(r) < n) {
        fail(r, r->pos, "the data ends inside %s (%zu bytes needed, %zu left)", what, n, left(r));
        return -1;
    }
    return 0;
}

/* A marker byte, printable or not, for messages. */
static const char *marker_text(int m, char *buf, size_t size)
{
    if (m >= 0x20 && m < 0x7f)
        snprintf(buf, size, "'%c' (0x%02x)", m, m);
    else
        snprintf(buf, size, "0x%02x", m);
    return buf;
}

static int next_byte(reader *r, const char *what)
{
    if (need(r, 1, what) != 0)
        return -1;
    return r->p[r->pos++];
}

/* Next byte that is not the no-op marker N. */
static int next_marker(reader *r, const char *what)
{
    int m;
    while ((m = next_byte(r, what)) == 'N')
        ;
    return m;
}

/* Unsigned big-endian integer of n bytes. */
static int read_be(reader *r, size_t n, const char *what, uint64_t *out)
{
    if (need(r, n, what) != 0)
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = (v << 8) | r->p[r->pos + i];
    r->pos += n;
    *out = v;
    return 0;
}

/* Bytes a scalar of this marker occupies after the marker, or 0 when it is
 * not a fixed-size integer or float. */
static size_t fixed_size(int m)
{
    switch (m) {
    case 'i': case 'U': case 'C': return 1;
    case 'I': return 2;
    case 'l': case 'd': return 4;
    case 'L': case 'D': return 8;
    default: return 0;
    }
}

/* The value of an integer of type m (i U I l L C) that follows. */
static int read_int(reader *r, int m, const char *what, long long *out)
{
    uint64_t u;
    size_t n = fixed_size(m);
    if (n == 0 || m == 'd' || m == 'D') {
        char mb[16];
        fail(r, r->pos ? r->pos - 1 : 0, "expected an integer marker for %s, found %s", what,
             marker_text(m, mb, sizeof mb));
        return -1;
    }
    if (read_be(r, n, what, &u) != 0)
        return -1;
    switch (m) {
    case 'i': *out = (int8_t)(uint8_t)u; break;
    case 'U': *out = (uint8_t)u; break;
    case 'C': *out = (char)(uint8_t)u; break;
    case 'I': *out = (int16_t)(uint16_t)u; break;
    case 'l': *out = (int32_t)(uint32_t)u; break;
    default: *out = (long long)u; break; /* 'L': two's complement int64 */
    }
    return 0;
}

/* A length or count: an integer value (marker included) that must be
 * non-negative and, with min_bytes per item, fit in the bytes left. */
static int read_count(reader *r, size_t min_bytes, const char *what, size_t *out)
{
    size_t at = r->pos;
    int m = next_byte(r, what);
    long long v;
    if (m < 0 || read_int(r, m, what, &v) != 0)
        return -1;
    if (v < 0) {
        fail(r, at, "%s is negative (%lld)", what, v);
        return -1;
    }
    if (min_bytes && (unsigned long long)v > left(r) / min_bytes) {
        fail(r, at, "%s %lld cannot fit in the %zu bytes left", what, v, left(r));
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

static json_t *nomem(reader *r)
{
    fail(r, r->pos, "out of memory");
    return NULL;
}

static json_t *float_value(reader *r, double v)
{
    json_t *j;
    if (isnan(v))
        j = json_string("NaN");
    else if (isinf(v))
        j = json_string(v > 0 ? "Infinity" : "-Infinity");
    else
        j = json_real(v);
    return j ? j : nomem(r);
}

static json_t *read_float(reader *r, int m)
{
    uint64_t u;
    if (m == 'd') {
        if (read_be(r, 4, "a float32", &u) != 0)
            return NULL;
        uint32_t w = (uint32_t)u;
        float f;
        memcpy(&f, &w, sizeof f);
        return float_value(r, f);
    }
    if (read_be(r, 8, "a float64", &u) != 0)
        return NULL;
    double d;
    memcpy(&d, &u, sizeof d);
    return float_value(r, d);
}

/* Length-prefixed bytes (a string, key or high-precision number). */
static const char *read_bytes(reader *r, const char *what, size_t *n)
{
    if (read_count(r, 1, what, n) != 0)
        return NULL;
    const char *s = (const char *)r->p + r->pos;
    r->pos += *n;
    return s;
}

static json_t *read_string(reader *r, const char *what)
{
    size_t at = r->pos, n;
    const char *s = read_bytes(r, what, &n);
    if (!s)
        return NULL;
    json_t *j = json_stringn(s, n);
    if (!j)
        fail(r, at, "%s is not valid UTF-8", what);
    return j;
}

static int add_key_value(reader *r, json_t *obj, int type, int depth)
{
    size_t at = r->pos, n;
    const char *s = read_bytes(r, "an object key", &n);
    if (!s)
        return -1;
    char *key = malloc(n + 1);
    if (!key) {
        nomem(r);
        return -1;
    }
    memcpy(key, s, n);
    key[n] = '\0';
    if (strlen(key) != n) {
        free(key);
        fail(r, at, "an object key contains a NUL byte");
        return -1;
    }
    int m = type ? type : next_marker(r, "an object value");
    json_t *v = m < 0 ? NULL : parse_value(r, m, depth);
    if (!v) {
        free(key);
        return -1;
    }
    int rc = json_object_set_new(obj, key, v);
    free(key);
    if (rc != 0)
        fail(r, at, "an object key is not valid UTF-8");
    return rc;
}

/* After '$': the element type and the mandatory count.  Typed containers of
 * no-payload values (Z, T, F, N) would let a small file claim billions of
 * elements, so they are refused. */
static int read_type_and_count(reader *r, int *type, size_t *count)
{
    size_t at = r->pos;
    int t = next_byte(r, "a container type");
    if (t < 0)
        return -1;
    if (!strchr("iUIlLdDCSH[{", t) || t == 0) {
        char mb[16];
        fail(r, at, "%s cannot be the element type of a typed container", marker_text(t, mb, sizeof mb));
        return -1;
    }
    at = r->pos;
    int h = next_byte(r, "a typed container");
    if (h < 0)
        return -1;
    if (h != '#') {
        char mb[16];
        fail(r, at, "expected '#' and a count after the type of a typed container, found %s",
             marker_text(h, mb, sizeof mb));
        return -1;
    }
    size_t min = fixed_size(t) ? fixed_size(t) : 1;
    *type = t;
    return read_count(r, min, "the element count", count);
}

/* '#' count or '$' type '#' count after an opening bracket, if present. */
static int container_header(reader *r, int *type, size_t *count, int *counted)
{
    *type = 0;
    *counted = 0;
    if (need(r, 1, "a container") != 0)
        return -1;
    if (r->p[r->pos] == '$') {
        r->pos++;
        *counted = 1;
        return read_type_and_count(r, type, count);
    }
    if (r->p[r->pos] == '#') {
        r->pos++;
        *counted = 1;
        return read_count(r, 1, "the element count", count);
    }
    return 0;
}

static json_t *parse_array(reader *r, int depth)
{
    int type, counted;
    size_t count = 0;
    if (container_header(r, &type, &count, &counted) != 0)
        return NULL;
    json_t *a = json_array();
    if (!a)
        return nomem(r);
    for (size_t i = 0; counted ? i < count : 1; i++) {
        int m = type;
        if (!m) {
            m = next_marker(r, "an array");
            if (m < 0)
                goto fail;
            if (!counted && m == ']')
                break;
        }
        json_t *v = parse_value(r, m, depth);
        if (!v || json_array_append_new(a, v) != 0) {
            if (v)
                nomem(r);
            goto fail;
        }
    }
    return a;
fail:
    json_decref(a);
    return NULL;
}

static json_t *parse_object(reader *r, int depth)
{
    int type, counted;
    size_t count = 0;
    if (container_header(r, &type, &count, &counted) != 0)
        return NULL;
    json_t *o = json_object();
    if (!o)
        return nomem(r);
    for (size_t i = 0; counted ? i < count : 1; i++) {
        if (!counted) {
            /* Skip no-ops, then look for the closing brace. */
            while (left(r) && r->p[r->pos] == 'N')
                r->pos++;
            if (need(r, 1, "an object") != 0)
                goto fail;
            if (r->p[r->pos] == '}') {
                r->pos++;
                break;
            }
        }
        if (add_key_value(r, o, type, depth) != 0)
            goto fail;
    }
    return o;
fail:
    json_decref(o);
    return NULL;
}

/* The value whose marker m has just been read. */
static json_t *parse_value(reader *r, int m, int depth)
{
    json_t *j;
    long long v;
    switch (m) {
    case 'Z': j = json_null(); break;
    case 'T': j = json_true(); break;
    case 'F': j = json_false(); break;
    case 'i': case 'U': case 'I': case 'l': case 'L': case 'C':
        if (read_int(r, m, "an integer", &v) != 0)
            return NULL;
        j = json_integer((json_int_t)v);
        break;
    case 'd': case 'D':
        return read_float(r, m);
    case 'S':
        return read_string(r, "a string");
    case 'H':
        return read_string(r, "a high-precision number");
    case '[':
    case '{':
        if (depth >= GB_UBJSON_MAX_DEPTH) {
            fail(r, r->pos - 1, "containers are nested deeper than %d levels", GB_UBJSON_MAX_DEPTH);
            return NULL;
        }
        return m == '[' ? parse_array(r, depth + 1) : parse_object(r, depth + 1);
    default: {
        char mb[16];
        fail(r, r->pos ? r->pos - 1 : 0, "unknown marker %s", marker_text(m, mb, sizeof mb));
        return NULL;
    }
    }
    return j ? j : nomem(r);
}

json_t *gb_ubjson_parse(const char *buf, size_t len, const char *path, gb_error *err)
{
    reader r = {(const unsigned char *)buf, len, 0, path, err};
    int m = next_marker(&r, "the document");
    if (m < 0)
        return NULL;
    json_t *root = parse_value(&r, m, 0);
    if (!root)
        return NULL;
    while (left(&r) && r.p[r.pos] == 'N')
        r.pos++;
    if (left(&r)) {
        fail(&r, r.pos, "unexpected data after the end of the document");
        json_decref(root);
        return NULL;
    }
    return root;
}
