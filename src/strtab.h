/* strtab.h: a dictionary of distinct strings with ids in order of first
 * appearance (strtab.c), used by the CSV reader for categorical columns.
 *
 * Strings are appended to one growing block and referred to by offset, so
 * that a column with a million rows but ten categories costs ten strings,
 * not a million allocations.  The reader replaces the ids by codes into the
 * sorted dictionary once the file has been read, which is why the layout is
 * visible here: string id is text + off[id], NUL-terminated. */
#ifndef GB_STRTAB_H
#define GB_STRTAB_H

#include <stddef.h>

#include "error.h"

typedef struct strtab {
    char *text;
    size_t text_len, text_cap;
    size_t *off; /* off[id]: start of string id in text */
    size_t n, cap;
    size_t *slot; /* open addressing: id + 1, or 0 for an empty slot */
    size_t n_slots;
} strtab;

/* Returns the id of s[0..len), adding it if new, or -1 with err set when
 * out of memory.  An all-zero strtab is an empty one. */
long long strtab_intern(strtab *t, const char *s, size_t len, gb_error *err);

/* Frees the strings and leaves t empty (all zero). */
void strtab_free(strtab *t);

#endif
