/* lgb_text.h: lines, key=value blocks and numbers of LightGBM's text model
 * format (lgb_text.c), for the LightGBM loader (model_lightgbm.c) only.
 *
 * The loader decides what each key means and builds the model; this layer
 * only knows the text: where lines end, which block a line belongs to, and
 * how a value becomes a checked integer or array of finite numbers.  Every
 * function that can fail sets r->err to one sentence naming the file, the
 * 1-based line and the key, and returns -1 or NULL. */
#ifndef GB_LGB_TEXT_H
#define GB_LGB_TEXT_H

#include <locale.h>
#include <stddef.h>

#include "error.h"

typedef struct lgb_line {
    const char *s;
    size_t n;
    int no; /* 1-based line number */
} lgb_line;

/* The whole file in memory, read front to back; the loader's state too. */
typedef struct lgb_reader {
    const char *path;
    const char *p, *end;
    int line; /* number of the next line */
    locale_t c_loc;
    gb_error *err;
    size_t trees_cap, bits_cap; /* allocated sizes of m->trees, m->cat_bits */
} lgb_reader;

/* A value of a key=value line: where it is and on which line. */
typedef struct lgb_field {
    const char *s; /* NULL when the key is absent */
    size_t n;
    int line;
} lgb_field;

/* The next line without its terminator ("\n", "\r\n" or a lone "\r");
 * 0 at the end of the buffer. */
int lgb_next_line(lgb_reader *r, lgb_line *out);

/* 1 for a line "Tree=N", 2 for "end of trees", else 0. */
int lgb_ends_block(const lgb_line *l);

/* Only spaces and tabs. */
int lgb_is_blank(const lgb_line *l);

/* Next space- or tab-separated token of [*p, end) (its length in *len), or
 * NULL; *p moves past it. */
const char *lgb_next_token(const char **p, const char *end, size_t *len);

size_t lgb_count_tokens(const lgb_field *f);

/* A whole token as a finite number (integer: sign and digits only), read in
 * r->c_loc; 0, or -1 without a message (the caller knows the context). */
int lgb_parse_number(const lgb_reader *r, const char *tok, size_t n, int integer, double *out);

/* Tree `tree`'s field key as exactly `want` numbers, each in [lo, hi]; need
 * says why that many, for the message ("num_leaves=4 needs 3").  A new
 * array (free it), or NULL with r->err set. */
double *lgb_read_array(const lgb_reader *r, size_t tree, const char *key, const lgb_field *f, size_t want,
                       int integer, double lo, double hi, const char *need);

/* A field that must be a single integer in [lo, hi]; where prefixes the
 * key in messages ("" or "tree 3: "). */
int lgb_header_int(const lgb_reader *r, const char *where, const char *key, const lgb_field *f, long lo,
                   long hi, long *out);

/* Reads the key=value lines of one block up to the line that ends it (left
 * unread), filing the values of the keys names[0..n-1] in fields (zeroed by
 * the caller; other keys are ignored, a repeated one is an error).
 * tree == SIZE_MAX reads the header: blank lines skipped, bare keys allowed,
 * and reaching the end of the file is an error; a tree block also ends at a
 * blank line and every line needs an '='. */
int lgb_read_block(lgb_reader *r, size_t tree, const char *const *names, int n, lgb_field *fields);

#endif
