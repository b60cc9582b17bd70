/* csv_number.c: one CSV field to a double, exactly and fast.
 *
 * The CSV reader (dataset_csv.c) converts every field it meets, so this is
 * on the hot path of reading a large file.  Most fields are short decimals
 * that one exact floating-point operation turns into the correctly rounded
 * double (Clinger's fast path, and an x87 path for up to 19 digits where the
 * hardware has one); everything else goes to strtod_l in the C locale, so
 * the result is always what strtod would give.  Infinities are told apart
 * because glassbox refuses them as data.  No state: safe on any thread. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strtod_l */
#endif
#include "csv_number.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const double pow10_d[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* With the x87 80-bit format, 10^k for k <= 27 is exact (5^27 < 2^64), so
 * any 19-digit decimal times or over such a power is one correctly rounded
 * operation; rounding that to double is exact too unless the 64-bit result
 * sits exactly halfway between two doubles (low 11 bits 10000000000), the
 * one case in which double rounding can differ from direct rounding. */
#if LDBL_MANT_DIG == 64 && (defined(__x86_64__) || defined(__i386__))
#define HAVE_X87_PATH 1
static const long double pow10_ld[] = {1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,  1e7L,  1e8L,  1e9L,
                                       1e10L, 1e11L, 1e12L, 1e13L, 1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L,
                                       1e20L, 1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L};

static int x87_to_double(uint64_t w, long e10, double *out)
{
    long double q = (long double)w;
    q = e10 < 0 ? q / pow10_ld[-e10] : q * pow10_ld[e10];
    uint64_t mant;
    memcpy(&mant, &q, sizeof mant); /* little-endian: the significand comes first */
    if ((mant & 0x7FF) == 0x400)
        return 0;
    *out = (double)q;
    return 1;
}
#endif

static int is_digit(char c)
{
    return (unsigned char)(c - '0') < 10;
}

static int is_inf_text(const char *s, size_t len)
{
    if (len && (*s == '+' || *s == '-'))
        s++, len--;
    return (len == 3 && strncasecmp(s, "inf", 3) == 0) || (len == 8 && strncasecmp(s, "infinity", 8) == 0);
}

/* Accumulates one digit into at most 19 significant ones; a dropped digit
 * before the point scales by ten, a dropped non-zero digit makes the value
 * inexact (then strtod decides). */
static void add_digit(char c, int frac, uint64_t *w, int *nd, long *e10, int *dropped)
{
    if (*nd < 19) {
        if (*nd || c != '0') {
            *w = *w * 10 + (uint64_t)(c - '0');
            ++*nd;
        }
        *e10 -= frac;
    } else {
        *e10 += !frac;
        *dropped |= c != '0';
    }
}

/* The whole of s[0..len) must be a decimal number: sign, digits, point,
 * exponent.  s[len] must be a space, a tab or the NUL that libcsv appends,
 * so that strtod, when needed, stops exactly where the syntax check did.
 * Clinger's fast path (at most 2^53 and |exponent| <= 22: one exact
 * operation) covers short numbers; the x87 path covers up to 19 digits. */
int csv_number_parse(const char *s, size_t len, double *out, locale_t loc)
{
    const char *p = s, *end = s + len;
    int neg = 0, nd = 0, dropped = 0;
    uint64_t w = 0;
    long e10 = 0;
    size_t n_digits = 0;
    if (p < end && (*p == '+' || *p == '-'))
        neg = *p++ == '-';
    for (; p < end && is_digit(*p); p++, n_digits++)
        add_digit(*p, 0, &w, &nd, &e10, &dropped);
    if (p < end && *p == '.')
        for (p++; p < end && is_digit(*p); p++, n_digits++)
            add_digit(*p, 1, &w, &nd, &e10, &dropped);
    if (n_digits == 0)
        return is_inf_text(s, len) ? CSV_NUMBER_INF : CSV_NUMBER_NO;
    if (p < end && (*p == 'e' || *p == 'E')) {
        int eneg = 0;
        long e = 0;
        if (++p < end && (*p == '+' || *p == '-'))
            eneg = *p++ == '-';
        if (p == end || !is_digit(*p))
            return CSV_NUMBER_NO;
        for (; p < end && is_digit(*p); p++)
            e = e < 100000 ? e * 10 + (*p - '0') : e;
        e10 += eneg ? -e : e;
    }
    if (p != end)
        return CSV_NUMBER_NO;
    double d;
    if (w == 0) {
        d = 0.0;
    } else if (!dropped && w <= (1ULL << 53) && e10 >= -22 && e10 <= 22 && FLT_EVAL_METHOD == 0) {
        d = e10 < 0 ? (double)w / pow10_d[-e10] : (double)w * pow10_d[e10];
#ifdef HAVE_X87_PATH
    } else if (!dropped && e10 >= -27 && e10 <= 27 && x87_to_double(w, e10, &d)) {
        ;
#endif
    } else {
        *out = strtod_l(s, NULL, loc); /* sign included */
        return isinf(*out) ? CSV_NUMBER_INF : CSV_NUMBER_OK;
    }
    *out = neg ? -d : d;
    return CSV_NUMBER_OK;
}
