/* csv_source.c: the bytes of a CSV file, handed to the reader in runs of
 * whole lines.
 *
 * A regular file is read in windows of whole lines, one window reused all
 * along: reading a 400 MB file into fresh memory costs more in page faults
 * than parsing it does, and the reader passes over the file more than once
 * (a scan, the parse, sometimes a second pass), so windows are read with
 * pread from any offset.  Standard input, a pipe or a terminal cannot be
 * read twice, so it is read whole up front and served from memory.  A
 * source belongs to one reader: no shared state. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memrchr */
#endif
#include "csv_source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WINDOW (1u << 20)

int csv_source_open(csv_source *s, const char *path, const char *name, gb_error *err)
{
    int is_stdin = strcmp(path, "-") == 0;
    struct stat st;
    s->fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (s->fd < 0)
        return gb_error_set(err, "%s: cannot open: %s", name, strerror(errno));
    if (fstat(s->fd, &st) != 0)
        return gb_error_set(err, "%s: cannot read: %s", name, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return gb_error_set(err, "%s: cannot read: it is a directory, not a CSV file", name);
    s->cap = WINDOW;
    if (!(s->buf = gb_malloc(s->cap, 1, err)))
        return -1;
    if (!is_stdin && S_ISREG(st.st_mode))
        return 0;
    /* A pipe or terminal: read it all now, then parse from memory. */
    for (;;) {
        if (s->have == s->cap) {
            char *b = gb_realloc(s->buf, s->cap, 2, err);
            if (!b)
                return -1;
            s->buf = b;
            s->cap *= 2;
        }
        ssize_t k = read(s->fd, s->buf + s->have, s->cap - s->have);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return gb_error_set(err, "%s: cannot read: %s", name, strerror(errno));
        if (k == 0)
            break;
        s->have += (size_t)k;
    }
    if (!is_stdin)
        close(s->fd);
    s->fd = -1;
    return 0;
}

void csv_source_open_mem(csv_source *s, const char *p, size_t n)
{
    s->fd = -1;
    s->buf = (char *)p; /* only read: csv_source_next never writes an in-memory source */
    s->cap = s->have = n;
    s->borrowed = 1;
}

void csv_source_close(csv_source *s)
{
    if (s->fd > STDIN_FILENO)
        close(s->fd);
    if (!s->borrowed)
        free(s->buf);
}

void csv_source_seek(csv_source *s, uint64_t off)
{
    if (s->fd >= 0) {
        s->have = 0;
        s->eof = 0;
    }
    s->off = off;
    s->used = 0;
}

/* Offset just past the last line break in b[0..n), 0 if none; a final
 * "\r" does not count, as it may be the first half of "\r\n". */
static size_t last_break(const char *b, size_t n, int has_cr)
{
    const char *lf = memrchr(b, '\n', n);
    size_t end = lf ? (size_t)(lf - b) + 1 : 0;
    if (has_cr && n > end + 1) {
        const char *cr = memrchr(b + end, '\r', n - 1 - end);
        if (cr)
            end = (size_t)(cr - b) + 1;
    }
    return end;
}

int csv_source_next(csv_source *s, int whole_lines, int has_cr, const char **p, size_t *n, const char *name,
                    gb_error *err)
{
    if (s->fd < 0) {
        if (s->off >= s->have)
            return 0;
        *p = s->buf + s->off;
        *n = s->have - (size_t)s->off;
        s->chunk_off = s->off;
        s->off = s->have;
        return 1;
    }
    memmove(s->buf, s->buf + s->used, s->have - s->used);
    s->off += s->used;
    s->have -= s->used;
    s->used = 0;
    for (;;) {
        size_t end = s->eof || !whole_lines ? s->have : last_break(s->buf, s->have, has_cr);
        if (end && (s->eof || s->have == s->cap || whole_lines)) {
            *p = s->buf;
            *n = s->used = end;
            s->chunk_off = s->off;
            return 1;
        }
        if (s->eof)
            return 0;
        if (s->have == s->cap) { /* a line longer than the window */
            char *b = gb_realloc(s->buf, s->cap, 2, err);
            if (!b)
                return -1;
            s->buf = b;
            s->cap *= 2;
        }
        ssize_t k = pread(s->fd, s->buf + s->have, s->cap - s->have, (off_t)(s->off + s->have));
        if (k < 0 && errno != EINTR)
            return gb_error_set(err, "%s: cannot read: %s", name, strerror(errno));
        s->eof = k == 0;
        s->have += k > 0 ? (size_t)k : 0;
    }
}
