/* rowspec.h: parse a list of data rows such as "0-9,15,20-".
 *
 * Rows are 0-based indices of data rows (the header is not a row).  Ranges
 * are inclusive; an open range "20-" runs to the last row.  The result keeps
 * the order written and may repeat rows, since the user asked for them. */
#ifndef GB_ROWSPEC_H
#define GB_ROWSPEC_H

#include <stddef.h>

#include "error.h"

/* On success *rows is malloc'd with *n entries, each < n_rows. */
int gb_rowspec_parse(const char *spec, size_t n_rows, size_t **rows, size_t *n, gb_error *err);

#endif
