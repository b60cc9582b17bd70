/* ubjson.h: Universal Binary JSON (XGBoost's `.ubj` model files) read into
 * a jansson tree, so that one walker serves JSON and UBJSON models alike.
 *
 * The reader follows UBJSON draft 12 as XGBoost writes it: big-endian
 * numbers; values Z (null), N (no-op), T, F, i (int8), U (uint8), I (int16),
 * l (int32), L (int64), d (float32), D (float64), C (char), H (high-precision
 * number, kept as its decimal string), S (string); arrays and objects plain
 * (closed by ']' / '}'), counted ('#' count) or typed ('$' type '#' count,
 * with no closing marker).  Object keys are a length (an integer value) and
 * the bytes, without the 'S'.
 *
 * Mapping: integers become JSON integers, floats JSON reals, except that a
 * NaN or infinite float becomes the string "NaN", "Infinity" or "-Infinity",
 * exactly as gb_json_parse reads those bare JSON tokens (gb_json_number
 * accepts both).  Strings must be valid UTF-8.
 *
 * Hostile input: a declared count is checked against the bytes left before
 * anything is allocated for it, nesting is limited to GB_UBJSON_MAX_DEPTH,
 * and any error (truncation, unknown marker, negative length, trailing data)
 * is reported as "PATH: byte OFFSET: what was expected". */
#ifndef GB_UBJSON_H
#define GB_UBJSON_H

#include <stddef.h>

#include <jansson.h>

#include "error.h"

#define GB_UBJSON_MAX_DEPTH 512

/* Parses the whole buffer as one UBJSON value.  Returns a new reference or
 * NULL with err set. */
json_t *gb_ubjson_parse(const char *buf, size_t len, const char *path, gb_error *err);

#endif
