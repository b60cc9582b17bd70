/* mem_limits.h: estimate what a computation will need before allocating it,
 * and refuse politely when it would not fit.
 *
 * A million rows of SHAP interaction values for two hundred features is a
 * third of a terabyte; asking malloc for it either fails after minutes of
 * work or, with overcommit, lets the kernel kill the process later.  So the
 * places that allocate in proportion to the input (the dataset, interaction
 * tensors, summaries, ICE curves, backgrounds) first compute what they will
 * need and compare it with a memory limit: --max-memory SIZE (the command
 * line stores it in GLASSBOX_MAX_MEMORY, so the core and the explorer read
 * one setting), else half of the physical memory.  The refusal says what
 * was asked, the estimate, the limit, and what to change.  Estimates
 * saturate at UINT64_MAX instead of wrapping, so absurd inputs are refused
 * rather than mistaken for small ones.  Nothing here keeps state. */
#ifndef GB_MEM_LIMITS_H
#define GB_MEM_LIMITS_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define GB_LIMIT_ENV "GLASSBOX_MAX_MEMORY"

/* Parses a size: a number with an optional K, M, G or T suffix (powers of
 * 1024, an optional trailing "B" or "iB", case ignored), e.g. "2G", "512m",
 * "1.5GiB", "100000".  Returns 0, or -1 on anything else or zero. */
int gb_limit_parse_size(const char *s, uint64_t *bytes);

/* Half of the physical memory (sysconf), or 4 GiB when it cannot be known. */
uint64_t gb_limit_default_memory(void);

/* The limit in force: GLASSBOX_MAX_MEMORY when set, else the default.
 * Returns 0, or -1 with err set when the variable is not a size. */
int gb_limit_memory(uint64_t *limit, gb_error *err);

/* "1.5 GiB", "512 KiB", "100 bytes". */
void gb_limit_format_bytes(uint64_t bytes, char *buf, size_t size);
/* "1,000,000". */
void gb_limit_format_count(uint64_t n, char *buf, size_t size);

/* a * b and a + b, saturating at UINT64_MAX. */
uint64_t gb_limit_mul(uint64_t a, uint64_t b);
uint64_t gb_limit_add(uint64_t a, uint64_t b);

/* ---- estimates (bytes, or model evaluations) ---- */

/* A dataset held column-major as doubles, plus each row's line number. */
uint64_t gb_estimate_dataset_bytes(uint64_t rows, uint64_t cols);
/* Rows a CSV file of file_size bytes probably holds, from the bytes and
 * line breaks seen in its first part (sample_bytes, sample_lines). */
uint64_t gb_estimate_csv_rows(uint64_t file_size, uint64_t sample_bytes, uint64_t sample_lines);
/* SHAP interaction values: rows x groups x (features + 1)^2 doubles. */
uint64_t gb_estimate_interactions_bytes(uint64_t rows, uint64_t groups, uint64_t features);
/* Attributions of many rows (summary, beeswarm): the attributions, the
 * rows' feature values and, with interactions, one (M+1)^2 block per group. */
uint64_t gb_estimate_attributions_bytes(uint64_t rows, uint64_t groups, uint64_t features);
/* Exact Shapley values of one row: 2^players coalitions x background rows. */
uint64_t gb_estimate_exact_evals(int players, uint64_t background);
/* A sampling method: rows x samples coalitions x background rows. */
uint64_t gb_estimate_sampling_evals(uint64_t rows, uint64_t samples, uint64_t background);

/* Refuses when need exceeds the limit in force: returns -1 with err set to
 * "WHAT need|needs N GiB (limit L GiB): ADVICE, or raise --max-memory"
 * (advice may be NULL), else 0.  what is a printf format. */
int gb_limit_check(uint64_t need, const char *advice, gb_error *err, const char *what, ...)
    __attribute__((format(printf, 4, 5)));

#endif
