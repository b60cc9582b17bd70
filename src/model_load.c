/* model_load.c: read a model file and hand it to the loader for its format.
 *
 * The format is recognised from the content, not the file name, because
 * models travel under arbitrary names: UBJSON and JSON both open with '{',
 * but a JSON key must start with '"' while a UBJSON key starts with a length
 * marker; XGBoost JSON has a "learner" object; LightGBM text starts with
 * "tree" and key=value lines. */
#include "model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads a whole file into a NUL-terminated buffer. */
static char *read_all(const char *path, size_t *len, gb_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        gb_error_set(err, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = gb_malloc(cap, 1, err);
    while (buf) {
        if (n + 1 >= cap) {
            char *bigger = gb_realloc(buf, cap *= 2, 1, err);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                gb_error_set(err, "%s: read error: %s", path, strerror(errno));
                free(buf);
                buf = NULL;
            }
            break;
        }
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        *len = n;
    }
    return buf;
}

static const char *skip_space(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p;
}

gb_model *gb_model_load(const char *path, gb_error *err)
{
    size_t len = 0;
    char *buf = read_all(path, &len, err);
    if (!buf)
        return NULL;
    const char *end = buf + len;
    const char *p = buf;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    p = skip_space(p, end);
    gb_model *m = NULL;
    if (p == end) {
        gb_error_set(err, "%s: the file is empty", path);
    } else if (*p == '{' && p + 1 < end && strchr("iUIlL", p[1]) && p[1] != '\0') {
        m = gb_model_load_xgboost_ubjson(path, buf, len, err);
    } else if (*p == '{') {
        /* XGBoost writes "learner" as its first key and always has a
         * "gradient_booster"; glassbox JSON has neither. */
        const char *q = skip_space(p + 1, end);
        if (strncmp(q, "\"learner\"", 9) == 0 || strstr(p, "\"gradient_booster\""))
            m = gb_model_load_xgboost_json(path, buf, len, err);
        else
            m = gb_model_load_native(path, buf, len, err);
    } else if (strncmp(p, "tree", 4) == 0 || strncmp(p, "version=", 8) == 0) {
        m = gb_model_load_lightgbm(path, buf, len, err);
    } else {
        gb_error_set(err, "%s: not a model glassbox knows (expected XGBoost JSON or UBJSON, a LightGBM text model, "
                     "or glassbox JSON)", path);
    }
    free(buf);
    return m;
}
