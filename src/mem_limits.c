/* mem_limits.c: memory estimates and the polite refusal (see mem_limits.h).
 *
 * The limit is read from the environment on every check instead of being
 * kept in a variable: the core has no global state, the command line sets
 * the variable once before any thread starts, and a check happens once per
 * job, not per row. */
#include "mem_limits.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

uint64_t gb_limit_mul(uint64_t a, uint64_t b)
{
    if (a && b > UINT64_MAX / a)
        return UINT64_MAX;
    return a * b;
}

uint64_t gb_limit_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* The power of 1024 a suffix names, or -1. */
static int suffix_power(const char *s)
{
    static const char units[] = "KMGT";
    if (!*s)
        return 0;
    const char *u = strchr(units, toupper((unsigned char)*s));
    if (!u || !*u)
        return strcasecmp(s, "b") == 0 ? 0 : -1;
    s++;
    if (*s && strcasecmp(s, "b") != 0 && strcasecmp(s, "ib") != 0)
        return -1;
    return (int)(u - units) + 1;
}

int gb_limit_parse_size(const char *s, uint64_t *bytes)
{
    if (!s || !isdigit((unsigned char)*s))
        return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    int power = errno ? -1 : suffix_power(end);
    if (power < 0 || !(v >= 1.0))
        return -1;
    v = ldexp(v, 10 * power);
    if (v >= 18446744073709551615.0)
        return -1;
    *bytes = (uint64_t)v;
    return 0;
}

uint64_t gb_limit_default_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0)
        return UINT64_C(4) << 30;
    return gb_limit_mul((uint64_t)pages, (uint64_t)page) / 2;
}

int gb_limit_memory(uint64_t *limit, gb_error *err)
{
    const char *env = getenv(GB_LIMIT_ENV);
    if (!env || !*env) {
        *limit = gb_limit_default_memory();
        return 0;
    }
    if (gb_limit_parse_size(env, limit) != 0)
        return gb_error_set(err, "%s='%.40s': expected a size such as 512M or 2G", GB_LIMIT_ENV, env);
    return 0;
}

void gb_limit_format_bytes(uint64_t bytes, char *buf, size_t size)
{
    static const char *units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (bytes < 1024) {
        snprintf(buf, size, "%u bytes", (unsigned)bytes);
        return;
    }
    double v = (double)bytes;
    int u = -1;
    while (v >= 1024.0 && u < 5) {
        v /= 1024.0;
        u++;
    }
    snprintf(buf, size, v < 10.0 ? "%.1f %s" : "%.0f %s", v, units[u]);
}

void gb_limit_format_count(uint64_t n, char *buf, size_t size)
{
    char digits[32], out[48];
    int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n), k = 0;
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = digits[i];
    }
    out[k] = '\0';
    snprintf(buf, size, "%s", out);
}

uint64_t gb_estimate_dataset_bytes(uint64_t rows, uint64_t cols)
{
    return gb_limit_mul(rows, gb_limit_add(gb_limit_mul(cols, sizeof(double)), sizeof(size_t)));
}

uint64_t gb_estimate_csv_rows(uint64_t file_size, uint64_t sample_bytes, uint64_t sample_lines)
{
    if (sample_bytes == 0 || sample_lines == 0)
        return file_size ? 1 : 0;
    if (sample_bytes >= file_size)
        return sample_lines;
    /* Lines of the sample's average length, rounded up. */
    double rows = ceil((double)file_size * (double)sample_lines / (double)sample_bytes);
    return rows >= 18446744073709551615.0 ? UINT64_MAX : (uint64_t)rows;
}

uint64_t gb_estimate_interactions_bytes(uint64_t rows, uint64_t groups, uint64_t features)
{
    uint64_t w = gb_limit_add(features, 1);
    return gb_limit_mul(gb_limit_mul(rows, groups), gb_limit_mul(gb_limit_mul(w, w), sizeof(double)));
}

uint64_t gb_estimate_attributions_bytes(uint64_t rows, uint64_t groups, uint64_t features)
{
    uint64_t w = gb_limit_add(features, 1);
    uint64_t per_row = gb_limit_add(gb_limit_mul(groups, w), features); /* phi, then x */
    return gb_limit_mul(gb_limit_add(gb_limit_mul(rows, per_row), gb_limit_mul(groups, gb_limit_mul(w, w))),
                        sizeof(double));
}

uint64_t gb_estimate_exact_evals(int players, uint64_t background)
{
    if (players < 0)
        return 0;
    if (players >= 64)
        return background ? UINT64_MAX : 0;
    return gb_limit_mul(UINT64_C(1) << players, background);
}

uint64_t gb_estimate_sampling_evals(uint64_t rows, uint64_t samples, uint64_t background)
{
    return gb_limit_mul(gb_limit_mul(rows, samples), background);
}

int gb_limit_check(uint64_t need, const char *advice, gb_error *err, const char *what, ...)
{
    uint64_t limit;
    if (gb_limit_memory(&limit, err) != 0)
        return -1;
    if (need <= limit)
        return 0;
    char subject[512], n[32], l[32];
    va_list ap;
    va_start(ap, what);
    vsnprintf(subject, sizeof subject, what, ap);
    va_end(ap);
    if (need == UINT64_MAX)
        snprintf(n, sizeof n, "more than 16 EiB");
    else
        gb_limit_format_bytes(need, n, sizeof n);
    gb_limit_format_bytes(limit, l, sizeof l);
    return gb_error_set(err, "%s would need %s of memory (limit %s): %s%sraise --max-memory", subject, n, l,
                        advice ? advice : "", advice ? ", or " : "");
}
