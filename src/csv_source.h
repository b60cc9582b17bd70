/* csv_source.h: reading a CSV file (or standard input) in windows of whole
 * lines (csv_source.c), for the CSV reader only.
 *
 * The reader needs the file's bytes several times over (a scan that counts
 * line breaks, the parse, sometimes a second pass from the first data row),
 * each time as runs of whole lines so that libcsv is never handed half a
 * line.  This keeps the window management and the system calls out of the
 * parsing code. */
#ifndef GB_CSV_SOURCE_H
#define GB_CSV_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* fd < 0 when the input was read whole (standard input, a pipe): buf then
 * holds all of it.  An all-zero source with fd = -1 may be closed without
 * having been opened. */
typedef struct csv_source {
    int fd;
    char *buf;
    size_t cap, have, used; /* window: bytes held, bytes handed out */
    uint64_t off;           /* file offset of buf[0] */
    uint64_t chunk_off;     /* file offset of the chunk last handed out */
    int eof;
    int borrowed;           /* buf belongs to the caller (csv_source_open_mem) */
} csv_source;

/* Opens path ("-" for standard input); name is the file as messages name
 * it.  Returns 0, or -1 with err set (csv_source_close still applies). */
int csv_source_open(csv_source *s, const char *path, const char *name, gb_error *err);

/* Serves n bytes at p, which the caller keeps alive until the close. */
void csv_source_open_mem(csv_source *s, const char *p, size_t n);

void csv_source_close(csv_source *s);

/* The next csv_source_next starts at file offset off. */
void csv_source_seek(csv_source *s, uint64_t off);

/* The next run of whole lines (at the end of the file, whatever is left):
 * 1 with *p and *n set (s->chunk_off is the offset of *p), 0 at the end,
 * -1 on a read error (err set, naming name).  whole_lines = 0 hands out raw
 * windows, for the scan that finds the line breaks.  has_cr: some line
 * break in the file is "\r\n" or a lone "\r", so a '\r' can end a line. */
int csv_source_next(csv_source *s, int whole_lines, int has_cr, const char **p, size_t *n, const char *name,
                    gb_error *err);

#endif
