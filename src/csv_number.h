/* csv_number.h: converting one CSV field to a double (csv_number.c), for
 * the CSV reader only.
 *
 * Kept apart from the reader because it is a self-contained piece of
 * numerics with its own correctness argument (exact fast paths, strtod_l
 * for the rest), and the reader should not have to be read to check it. */
#ifndef GB_CSV_NUMBER_H
#define GB_CSV_NUMBER_H

#include <locale.h>
#include <stddef.h>

/* What a field holds: no number, a finite number, or an infinity (which the
 * reader refuses as data, so it must be told apart from a number). */
enum { CSV_NUMBER_NO, CSV_NUMBER_OK, CSV_NUMBER_INF };

/* Reads the whole of s[0..len) as a decimal number (sign, digits, point,
 * exponent, or "inf"/"infinity") into *out, correctly rounded.  s[len]
 * must be a space, a tab or a NUL, so that strtod_l, when it is needed,
 * stops exactly where the syntax check did.  loc is a C numeric locale.
 * Returns CSV_NUMBER_NO, CSV_NUMBER_OK or CSV_NUMBER_INF; *out is only
 * meaningful for CSV_NUMBER_OK. */
int csv_number_parse(const char *s, size_t len, double *out, locale_t loc);

#endif
