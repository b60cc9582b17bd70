/* rowspec.c: parse row lists such as "0-9,15,20-" (see rowspec.h). */
#include "rowspec.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

static int parse_index(const char **p, size_t *out)
{
    if (!isdigit((unsigned char)**p))
        return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(*p, &end, 10);
    if (errno)
        return -1;
    *out = (size_t)v;
    *p = end;
    return 0;
}

int gb_rowspec_parse(const char *spec, size_t n_rows, size_t **rows, size_t *n, gb_error *err)
{
    size_t cap = 16, count = 0;
    size_t *out = gb_malloc(cap, sizeof *out, err);
    if (!out)
        return -1;
    const char *p = spec;
    while (*p) {
        size_t lo, hi;
        while (*p == ' ')
            p++;
        if (parse_index(&p, &lo))
            goto bad;
        hi = lo;
        if (*p == '-') {
            p++;
            if (*p == '\0' || *p == ',')
                hi = n_rows ? n_rows - 1 : 0;
            else if (parse_index(&p, &hi))
                goto bad;
        }
        while (*p == ' ')
            p++;
        if (*p == ',')
            p++;
        else if (*p)
            goto bad;
        if (hi < lo) {
            gb_error_set(err, "--rows %s: range %zu-%zu runs backwards", spec, lo, hi);
            goto fail;
        }
        if (hi >= n_rows) {
            gb_error_set(err, "--rows %s: row %zu does not exist (the data has %zu rows, numbered 0 to %zu)", spec,
                         hi, n_rows, n_rows ? n_rows - 1 : 0);
            goto fail;
        }
        for (size_t r = lo; r <= hi; r++) {
            if (count == cap) {
                size_t *bigger = gb_realloc(out, cap *= 2, sizeof *out, err);
                if (!bigger)
                    goto fail;
                out = bigger;
            }
            out[count++] = r;
        }
    }
    if (count == 0) {
        gb_error_set(err, "--rows: the list is empty");
        goto fail;
    }
    *rows = out;
    *n = count;
    return 0;
bad:
    gb_error_set(err, "--rows %s: expected row numbers and ranges such as 0-9,15 (at character %zu)", spec,
                 (size_t)(p - spec) + 1);
fail:
    free(out);
    return -1;
}
