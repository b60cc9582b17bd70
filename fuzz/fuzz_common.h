/* fuzz_common.h: what the libFuzzer targets share (fuzz_common.c).
 *
 * A target that manages to load a model hands it to fuzz_exercise_model,
 * which evaluates it and explains a few rows built from the fuzzer's bytes,
 * so that a file the loader accepts but the explainers cannot walk shows up
 * as a crash rather than slipping through because nothing used it.  Files
 * the core insists on reading by path go into a private directory under
 * /dev/shm (or $TMPDIR), made once per process. */
#ifndef GB_FUZZ_COMMON_H
#define GB_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* Writes data to a fresh file in the private directory; returns its path
 * (static storage, overwritten by the next call) or NULL. */
const char *fuzz_write_temp(const char *name, const uint8_t *data, size_t size);

/* A path in the private directory (static storage, overwritten next call). */
const char *fuzz_temp_path(const char *name);

/* What fuzz_exercise_model does with glassbox's JSON: nothing, or write
 * the model, read it back (which must work: every loader refuses what the
 * native loader refuses) and compare margins. */
enum { FUZZ_NO_RELOAD = 0, FUZZ_RELOAD = 1 };

/* Margins, TreeSHAP or linear SHAP on rows made from data; aborts when
 * base + sum of attributions differs from the margin.  With save_reload the
 * model is also written in glassbox's JSON, read back, and must give the
 * same margins. */
void fuzz_exercise_model(const gb_model *m, const uint8_t *data, size_t size, int save_reload);

#endif
