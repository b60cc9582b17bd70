/* model_native.h: what the reader (model_native.c) and the writer
 * (model_native_save.c) of glassbox's own JSON model format must agree on.
 *
 * Save must write exactly what load reads, so the format's version and the
 * optional per-node flag arrays are defined once, here. */
#ifndef GB_MODEL_NATIVE_H
#define GB_MODEL_NATIVE_H

#include <stdint.h>

#define NATIVE_VERSION 1

/* The optional 0/1 arrays of a tree, each setting one node flag. */
#define N_FLAG_COLUMNS 4

typedef struct native_flag_column {
    const char *key;
    uint32_t flag;
} native_flag_column;

extern const native_flag_column native_flag_columns[N_FLAG_COLUMNS];

#endif
