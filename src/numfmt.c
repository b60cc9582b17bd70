/* numfmt.c: shortest round-trip formatting of doubles (see numfmt.h). */
#include "numfmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *gb_fmt_double(char *buf, double v)
{
    if (isnan(v)) {
        strcpy(buf, "nan");
        return buf;
    }
    if (isinf(v)) {
        strcpy(buf, v > 0 ? "inf" : "-inf");
        return buf;
    }
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, GB_NUMFMT_SIZE, "%.*g", digits, v);
        if (digits == 17 || strtod(buf, NULL) == v)
            break;
    }
    return buf;
}
