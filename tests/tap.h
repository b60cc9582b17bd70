/* tap.h: a tiny Test Anything Protocol emitter for the C test programs.
 *
 * Each check prints "ok N - description" or "not ok N - description" (with
 * the file and line of a failure), and tap_done() prints the plan.  The
 * automake TAP driver counts every check as a test case, so the suite's
 * totals say how many facts were checked, not how many programs ran.
 * Fixtures are found under $top_srcdir (set by `make check`; "." when run
 * by hand from the source tree). */
#ifndef GB_TAP_H
#define GB_TAP_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int tap_count, tap_failures;

__attribute__((format(printf, 4, 5))) static int tap_ok(int pass, const char *file, int line,
                                                        const char *fmt, ...)
{
    va_list ap;
    tap_count++;
    printf("%sok %d - ", pass ? "" : "not ", tap_count);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    if (!pass) {
        tap_failures++;
        printf("#   failed at %s:%d\n", file, line);
    }
    fflush(stdout);
    return pass;
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

/* |got - want| <= tol * max(1, |want|); NaN equals NaN. */
static inline int tap_close(double got, double want, double tol)
{
    if (isnan(got) || isnan(want))
        return isnan(got) && isnan(want);
    double scale = fabs(want) > 1.0 ? fabs(want) : 1.0;
    return fabs(got - want) <= tol * scale;
}

#define is_close(got, want, tol, ...)                                                              \
    do {                                                                                           \
        double tap_g_ = (got), tap_w_ = (want);                                                    \
        if (!tap_ok(tap_close(tap_g_, tap_w_, (tol)), __FILE__, __LINE__, __VA_ARGS__))            \
            printf("#   got %.17g, want %.17g\n", tap_g_, tap_w_);                                 \
    } while (0)

static inline const char *tap_srcdir(void)
{
    const char *d = getenv("top_srcdir");
    return d && *d ? d : ".";
}

static inline int tap_done(void)
{
    printf("1..%d\n", tap_count);
    return tap_failures ? 1 : 0;
}

#endif
