/* explain_stream.h: `glassbox explain` on a stream (--data -, --stream).
 *
 * The input is read, explained and written chunk by chunk (dataset_stream.h),
 * so memory stays flat however long it is, and each chunk's rows are written
 * before the next is read.  Row numbers are input row numbers plus
 * --row-offset, and a sampled method seeds each row from that number, so
 * shards of one input given their offsets (and --no-header after the
 * first) concatenate to the bytes of a single run.  What a stream cannot
 * provide is refused up front: a background sampled from the data (give
 * --background-file), LIME's statistics of the whole data, a row list, and
 * text in a feature column (category codes depend on the whole file). */
#ifndef GB_EXPLAIN_STREAM_H
#define GB_EXPLAIN_STREAM_H

#include "../src/outfile.h"
#include "explain_setup.h"

/* Refuses what a stream cannot do (called with only the model loaded).
 * Returns 0 or -1 with err set. */
int explain_stream_check(explain_opts *o, gb_error *err);

/* -1 with err naming the first text value in a feature column of ds. */
int explain_stream_numeric(const gb_dataset *ds, const gb_binding *b, gb_error *err);

/* Explains the whole stream into out (and se_out when not NULL). */
int explain_stream_run(explain_opts *o, gb_outfile *out, gb_outfile *se_out, gb_error *err);

#endif
