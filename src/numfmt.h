/* numfmt.h: print a double so that reading it back gives the same double.
 *
 * Tries 15, 16 and then 17 significant digits and keeps the shortest that
 * round-trips, so outputs are both exact and readable (0.1 prints as 0.1,
 * not 0.10000000000000001).  NaN prints as "nan" and infinities as "inf" or
 * "-inf". */
#ifndef GB_NUMFMT_H
#define GB_NUMFMT_H

#define GB_NUMFMT_SIZE 32

/* Writes into buf (GB_NUMFMT_SIZE bytes) and returns it. */
char *gb_fmt_double(char *buf, double v);

#endif
