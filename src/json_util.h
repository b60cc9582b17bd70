/* json_util.h: reading model files with jansson, with messages that name
 * the exact place of a problem.
 *
 * Model writers bend JSON in a few ways that plain jansson refuses or that
 * make loaders long: XGBoost writes the bare tokens NaN, Infinity and
 * -Infinity, stores many numbers as strings ("5E-1", and from 3.1 "[5E-1]"),
 * and writes booleans either as true/false or as 0/1.  gb_json_parse accepts
 * the bare tokens (they become the strings "NaN", "Infinity", "-Infinity"),
 * gb_json_number reads any of the number spellings, and the field getters
 * below fetch a typed member or a whole array in one call, checking types,
 * lengths and ranges, so that a loader is a list of getters.
 *
 * Messages.  Every getter takes `where`, the field path of the object it
 * reads from (e.g. "learner.gradient_booster.model.trees[3]"), and on failure
 * fills err with "WHERE.KEY: what is wrong" or "WHERE.KEY[I]: ..." for an
 * array element.  The file name is not included: a loader adds it once with
 * gb_error_prefix(err, "%s: ", path).  gb_json_parse is the exception: its
 * messages already read "PATH:LINE:COLUMN: ...".
 *
 * Ownership.  Getters returning json_t * return borrowed references (valid
 * as long as the parsed document); arrays of numbers are freshly allocated
 * and belong to the caller (free()). */
#ifndef GB_JSON_UTIL_H
#define GB_JSON_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "error.h"

/* Pass as expected_len to accept an array of any length. */
#define GB_JSON_ANY_LEN ((size_t)-1)

/* Parses the whole buffer (len bytes, need not be NUL-terminated) as one
 * JSON document.  Bare NaN, Infinity and -Infinity outside strings are read
 * as the strings "NaN", "Infinity" and "-Infinity"; a leading UTF-8
 * byte-order mark is skipped.  Returns a new reference
 * or NULL with err = "PATH:LINE:COLUMN: jansson's message" (line and column
 * are those of the original buffer, columns counted in characters from 1). */
json_t *gb_json_parse(const char *buf, size_t len, const char *path, gb_error *err);

/* Reads a number from v: a JSON integer or real, a string holding a decimal
 * number ("5E-1", "0.25"), one of the strings "NaN", "Infinity", "-Infinity"
 * (also "nan", "inf", "-inf"), a string holding one number in brackets
 * ("[5E-1]"), or an array holding exactly one of those.  Returns 0, or -1
 * when v is none of these (err is not touched: callers know the context). */
int gb_json_number(const json_t *v, double *out);

/* Reads an integer from v: a JSON integer, an integral real, a string
 * holding an integer ("3"), or a boolean (1/0).  Returns 0 or -1. */
int gb_json_integer(const json_t *v, long long *out);

/* Describes v's type for messages: "a string", "an array", "null", ... */
const char *gb_json_type_name(const json_t *v);

/* obj.key, which must exist (any type).  obj itself must be an object. */
json_t *gb_json_member(const json_t *obj, const char *key, const char *where, gb_error *err);

/* obj.key, which must exist and be an object / an array / a string. */
json_t *gb_json_get_object(const json_t *obj, const char *key, const char *where, gb_error *err);
json_t *gb_json_get_array(const json_t *obj, const char *key, const char *where, gb_error *err);
const char *gb_json_get_string(const json_t *obj, const char *key, const char *where,
                               gb_error *err);

/* obj.key read with gb_json_number; it must be finite unless allow_nonfinite. */
int gb_json_get_double(const json_t *obj, const char *key, int allow_nonfinite, double *out,
                       const char *where, gb_error *err);

/* obj.key read with gb_json_integer; it must lie in [lo, hi]. */
int gb_json_get_int(const json_t *obj, const char *key, long long lo, long long hi,
                    long long *out, const char *where, gb_error *err);

/* obj.key as an array of numbers (gb_json_number per element).  With
 * expected_len != GB_JSON_ANY_LEN the array must have exactly that length.
 * Non-finite elements are an error unless allow_nonfinite.  The length is
 * stored in *len_out when len_out is not NULL.  Returns a malloc'ed array
 * (never NULL on success, even for length 0) or NULL with err set. */
double *gb_json_get_doubles(const json_t *obj, const char *key, size_t expected_len,
                            int allow_nonfinite, size_t *len_out, const char *where,
                            gb_error *err);

/* obj.key as an array of integers (gb_json_integer per element, so booleans
 * read as 1/0), each in [lo, hi]; otherwise as gb_json_get_doubles. */
int64_t *gb_json_get_ints(const json_t *obj, const char *key, size_t expected_len, long long lo,
                          long long hi, size_t *len_out, const char *where, gb_error *err);

#endif
