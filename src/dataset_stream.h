/* dataset_stream.h: a CSV file or standard input read as a sequence of
 * small datasets (chunks) of at most N rows each, in constant memory.
 *
 * `glassbox explain --data -` explains inputs no machine could hold whole,
 * under GNU parallel --pipe or as a Spark/Hadoop mapper: it reads a chunk,
 * explains it, writes it, and reads the next.  Each chunk is parsed by the
 * ordinary CSV reader (dataset.h) from the header followed by the chunk's
 * lines, so every rule of the format (quotes, missing values, delimiters,
 * messages) is the same.  Messages name the input's own lines: a bad line
 * 1,234,567 of standard input is reported as "<stdin>:1234567:...".
 *
 * What does not carry over from one chunk to the next is a categorical
 * column's dictionary: its codes come from the sorted values of the rows
 * read together, so a chunk's codes are its own.  Callers that feed a model
 * from a stream must refuse a text value in a feature column
 * (gb_csv_stream_first_text says where one is); a column of numbers is the
 * same however the rows are chunked. */
#ifndef GB_DATASET_STREAM_H
#define GB_DATASET_STREAM_H

#include <stddef.h>

#include "dataset.h"

typedef struct gb_csv_stream gb_csv_stream;

/* Opens path ("-": standard input) and reads its header.  NULL with err set
 * on failure ("FILE:LINE:COLUMN: ..."). */
gb_csv_stream *gb_csv_stream_open(const char *path, const gb_csv_options *opt, gb_error *err);

/* Reads the next chunk of at most max_rows data rows into *out (its row_line
 * gives the input's lines).  Returns 1, 0 at the end of the input (*out
 * NULL), or -1 with err set. */
int gb_csv_stream_next(gb_csv_stream *s, size_t max_rows, gb_dataset **out, gb_error *err);

/* Data rows handed out so far: the input row number of the next chunk's
 * row 0. */
size_t gb_csv_stream_rows(const gb_csv_stream *s);

void gb_csv_stream_close(gb_csv_stream *s);

#endif
