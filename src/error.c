/* error.c: the core's error messages and checked allocation (see error.h). */
#include "error.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gb_error_set(gb_error *err, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}

void gb_error_prefix(gb_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    char head[GB_ERROR_MAX], old[GB_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    /* Keep as much of both as fits; the end of a long message matters least. */
    size_t h = strnlen(head, sizeof err->msg - 1);
    memcpy(err->msg, head, h);
    size_t o = strnlen(old, sizeof err->msg - 1 - h);
    memcpy(err->msg + h, old, o);
    err->msg[h + o] = '\0';
}

static int too_big(size_t n, size_t size, gb_error *err)
{
    if (size && n > SIZE_MAX / size) {
        gb_error_set(err, "out of memory: %zu items of %zu bytes overflow the address space", n, size);
        return 1;
    }
    return 0;
}

static void *oom(size_t n, size_t size, gb_error *err)
{
    gb_error_set(err, "out of memory: could not allocate %.1f MiB",
                 (double)n * (double)size / 1048576.0);
    return NULL;
}

void *gb_malloc(size_t n, size_t size, gb_error *err)
{
    if (too_big(n, size, err))
        return NULL;
    size_t bytes = n * size;
    void *p = malloc(bytes ? bytes : 1);
    return p ? p : oom(n, size, err);
}

void *gb_calloc(size_t n, size_t size, gb_error *err)
{
    if (too_big(n, size, err))
        return NULL;
    void *p = calloc(n ? n : 1, size ? size : 1);
    return p ? p : oom(n, size, err);
}

void *gb_realloc(void *p, size_t n, size_t size, gb_error *err)
{
    if (too_big(n, size, err))
        return NULL;
    size_t bytes = n * size;
    void *q = realloc(p, bytes ? bytes : 1);
    return q ? q : oom(n, size, err);
}

char *gb_strdup(const char *s, gb_error *err)
{
    size_t n = strlen(s) + 1;
    char *p = gb_malloc(n, 1, err);
    if (p)
        memcpy(p, s, n);
    return p;
}
