/* canvas_classes.h: points coloured by a second feature.
 *
 * A dependence plot colours each point by another feature's value, so a
 * terminal's handful of colours must stand for a whole range of values.  A
 * feature with few distinct values (a category, a 0/1 flag, a count) gets
 * one class per value; any other gets classes cut at its quantiles, so each
 * colour covers about the same number of points whatever the distribution.
 * Missing values get no class (-1): the caller gives them their own ink. */
#ifndef GB_UI_CANVAS_CLASSES_H
#define GB_UI_CANVAS_CLASSES_H

#include <stddef.h>

enum { CANVAS_MAX_CLASSES = 8 };

typedef struct canvas_classes {
    int n;        /* classes, 0 when no value was a number */
    int discrete; /* class i is the value value[i] */
    /* discrete: the values, ascending.  Otherwise class i < n - 1 holds
     * v < edge[i] (and v >= edge[i - 1]); the last class the rest. */
    double value[CANVAS_MAX_CLASSES];
    double edge[CANVAS_MAX_CLASSES];
} canvas_classes;

/* Classes for the values v[0], v[stride], ... (n of them): one per value
 * when there are at most max_values distinct ones, else up to n_ranges cut
 * at quantiles (both 2..CANVAS_MAX_CLASSES).  Quantiles come from at most
 * 20,000 evenly spaced values (ranks within 1% are plenty for a colour), so
 * a million points cost what 20,000 do.  Returns 0, or -1 when memory runs
 * out. */
int canvas_classes_make(const double *v, size_t n, size_t stride, int max_values, int n_ranges,
                        canvas_classes *c);

/* The class of a value, or -1 for NaN (and for a value a discrete map does
 * not know). */
int canvas_classes_of(const canvas_classes *c, double v);

#endif
