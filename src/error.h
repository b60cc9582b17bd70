/* error.h: how the core reports failure.
 *
 * Every function of the core that can fail takes a gb_error * as its last
 * argument and fills it with one human sentence naming the file, the line and
 * column (or the JSON field) and what was expected there, then returns NULL or
 * a non-zero status.  The core never prints and never exits: the batch command
 * prints the sentence and exits with status 2, the explorer shows it in its
 * status line.  A gb_error lives on the caller's stack, so threads never share
 * one. */
#ifndef GB_ERROR_H
#define GB_ERROR_H

#include <stddef.h>

#define GB_ERROR_MAX 1024

typedef struct gb_error {
    char msg[GB_ERROR_MAX];
} gb_error;

/* Sets the message (printf-style).  A NULL err is allowed and ignored.
 * Always returns -1 so that callers can write `return gb_error_set(...)`. */
int gb_error_set(gb_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prefixes the current message with more context, e.g. the file name. */
void gb_error_prefix(gb_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Allocation helpers that never return NULL on success paths of small sizes;
 * on failure they set err and return NULL, so a huge request is an error,
 * never a crash.  n * size overflow is detected. */
void *gb_malloc(size_t n, size_t size, gb_error *err);
void *gb_calloc(size_t n, size_t size, gb_error *err);
void *gb_realloc(void *p, size_t n, size_t size, gb_error *err);
char *gb_strdup(const char *s, gb_error *err);

#endif
