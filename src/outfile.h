/* outfile.h: write a file so that it is either complete or absent.
 *
 * Output goes to a temporary file beside the destination, which is renamed
 * over it only when everything has been written and flushed; any failure
 * (a full disk, an error in the input found half-way, a cancelled job)
 * removes the temporary file, so no reader ever sees a truncated result.
 * An existing destination is kept unless the caller passes force.  A
 * destination that is not a regular file (/dev/null, a FIFO, a terminal) is
 * written directly: it cannot be replaced, and must not be. */
#ifndef GB_OUTFILE_H
#define GB_OUTFILE_H

#include <stdio.h>

#include "error.h"

typedef struct gb_outfile {
    FILE *fp;   /* write here */
    char *path; /* destination; NULL for standard output */
    char *tmp;  /* temporary file, renamed to path on commit */
    int direct; /* writing straight into a device or pipe we opened */
} gb_outfile;

/* path NULL or "-" writes to standard output (no atomicity there). */
int gb_outfile_open(gb_outfile *out, const char *path, int force, gb_error *err);

/* Flushes, closes and renames into place.  On failure the temporary file is
 * removed and -1 returned. */
int gb_outfile_commit(gb_outfile *out, gb_error *err);

/* Closes and removes the temporary file; safe to call twice. */
void gb_outfile_abort(gb_outfile *out);

#endif
