/* fuzz_common.c: helpers shared by the libFuzzer targets (see fuzz_common.h).
 *
 * Rows are built from the input's own bytes, so the fuzzer steers them too:
 * each byte picks a value from a palette that covers what splits treat
 * specially (NaN, zero and LightGBM's near-zero, negatives just above -1,
 * huge and infinite values, small category codes) or a value near a split
 * threshold of the model, where off-by-one comparisons live. */
#define _GNU_SOURCE
#include "fuzz_common.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "linearshap.h"
#include "treeshap.h"

#define MAX_ROWS 3

static char temp_dir[512];
static char temp_name[640];

/* The directory goes at exit, so that runs do not pile up in /dev/shm
 * (only the names fuzz_write_temp and fuzz_temp_path are given are in it). */
static void remove_private_dir(void)
{
    static const char *const names[] = {"data.csv", "filter.csv", "model.json"};
    char path[sizeof temp_name];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", temp_dir, names[i]);
        unlink(path);
    }
    rmdir(temp_dir);
}

static const char *private_dir(void)
{
    if (temp_dir[0])
        return temp_dir;
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    snprintf(temp_dir, sizeof temp_dir, "%s/gbfuzz.XXXXXX", base ? base : "/tmp");
    if (!mkdtemp(temp_dir)) {
        perror("mkdtemp");
        abort();
    }
    atexit(remove_private_dir);
    return temp_dir;
}

const char *fuzz_temp_path(const char *name)
{
    snprintf(temp_name, sizeof temp_name, "%s/%s", private_dir(), name);
    return temp_name;
}

const char *fuzz_write_temp(const char *name, const uint8_t *data, size_t size)
{
    const char *path = fuzz_temp_path(name);
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return NULL;
    int ok = fwrite(data, 1, size, fp) == size;
    ok = (fclose(fp) == 0) && ok;
    return ok ? path : NULL;
}

/* Some split threshold of the model, chosen by k, or 0 when there is none. */
static double some_split(const gb_model *m, unsigned k)
{
    for (size_t t = 0; t < m->n_trees; t++) {
        const gb_tree *tr = &m->trees[(t + k) % m->n_trees];
        if (tr->n_nodes > 0) {
            const gb_node *nd = &tr->nodes[k % (unsigned)tr->n_nodes];
            if (nd->feature >= 0)
                return nd->split;
        }
    }
    return 0.0;
}

static double value_from_byte(const gb_model *m, uint8_t b)
{
    static const double palette[] = {
        NAN,   0.0,   -0.0,     1.0,       -1.0,
        -0.5,  0.5,   2.0,      3.0,       31.0,
        32.0,  33.0,  1e-36,    -1e-36,    GB_LIGHTGBM_ZERO,
        1e30,  -1e30, INFINITY, -INFINITY, 4294967296.0,
        1e300, 0.1,
    };
    size_t np = sizeof palette / sizeof palette[0];
    if (b < np)
        return palette[b];
    if (b < 160) {
        double s = some_split(m, b);
        return (b & 1) ? nextafter(s, -INFINITY) : s;
    }
    return (double)((int)b - 200) / 4.0;
}

static void fill_rows(const gb_model *m, const uint8_t *data, size_t size, double *x, size_t n_rows)
{
    size_t n = n_rows * (size_t)m->n_features;
    for (size_t i = 0; i < n; i++) {
        /* Bytes from the end of the input, which loaders mostly ignore. */
        uint8_t b = size ? data[size - 1 - (i % size)] : 0;
        x[i] = value_from_byte(m, (uint8_t)(b + i / (size ? size : 1)));
    }
}

static void check_additive(const gb_model *m, const double *phi, const double *margin)
{
    int stride = m->n_features + 1;
    for (int g = 0; g < m->n_groups; g++) {
        const double *p = phi + (size_t)g * stride;
        double sum = 0, scale = fabs(margin[g]);
        for (int f = 0; f <= m->n_features; f++) {
            sum += p[f];
            scale += fabs(p[f]);
        }
        if (!isfinite(sum) || !isfinite(margin[g]) || !isfinite(scale))
            continue; /* overflow of huge leaf values is not a bug */
        if (fabs(sum - margin[g]) > 1e-6 * (scale + 1.0)) {
            fprintf(stderr, "additivity: group %d: base + sum(phi) = %.17g, margin = %.17g\n", g, sum,
                    margin[g]);
            abort();
        }
    }
}

static void explain_rows(const gb_model *m, const double *x, size_t n_rows, const double *margin)
{
    gb_error err;
    size_t width = (size_t)m->n_groups * (m->n_features + 1);
    double *phi = malloc(width * sizeof *phi);
    if (!phi)
        return;
    if (m->kind == GB_MODEL_TREES) {
        gb_treeshap *ts = gb_treeshap_new(m, &err);
        gb_treeshap_ws *ws = ts ? gb_treeshap_ws_new(ts, &err) : NULL;
        for (size_t r = 0; ws && r < n_rows; r++) {
            gb_treeshap_row(ts, ws, x + r * m->n_features, phi);
            check_additive(m, phi, margin + r * m->n_groups);
        }
        gb_treeshap_ws_free(ws);
        gb_treeshap_free(ts);
    } else {
        double *mean = malloc(((size_t)m->n_features + 1) * sizeof *mean);
        if (mean && gb_linearshap_mean(m, x, n_rows, mean) == 0) {
            for (size_t r = 0; r < n_rows; r++) {
                gb_linearshap_row(m, mean, x + r * m->n_features, phi);
                check_additive(m, phi, margin + r * m->n_groups);
            }
        }
        free(mean);
    }
    free(phi);
}

static int same_double(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

static void save_and_reload(const gb_model *m, const double *x, size_t n_rows, const double *margin)
{
    gb_error err;
    const char *path = fuzz_temp_path("model.json");
    unlink(path);
    if (gb_model_save_native(m, path, &err) != 0)
        return; /* refusing to write a value JSON cannot hold is fine */
    FILE *fp = fopen(path, "rb");
    if (!fp)
        abort();
    char *buf = NULL;
    size_t len = 0, cap = 0, got;
    do {
        if (len + 65536 > cap) {
            cap = (len + 65536) * 2;
            char *nb = realloc(buf, cap);
            if (!nb)
                abort();
            buf = nb;
        }
        got = fread(buf + len, 1, cap - len, fp);
        len += got;
    } while (got > 0);
    fclose(fp);
    gb_model *back = gb_model_load_native(path, buf, len, &err);
    free(buf);
    if (!back) {
        fprintf(stderr, "a model glassbox wrote does not load back: %s\n", err.msg);
        abort();
    }
    if (back->n_groups != m->n_groups || back->n_features != m->n_features) {
        fprintf(stderr, "reloaded model has a different shape\n");
        abort();
    }
    double *m2 = malloc(n_rows * (size_t)m->n_groups * sizeof *m2);
    if (m2) {
        gb_model_margin_batch(back, x, n_rows, m2);
        for (size_t i = 0; i < n_rows * (size_t)m->n_groups; i++)
            if (!same_double(m2[i], margin[i])) {
                fprintf(stderr, "reloaded margin %zu: %.17g, was %.17g\n", i, m2[i], margin[i]);
                abort();
            }
    }
    free(m2);
    gb_model_free(back);
}

void fuzz_exercise_model(const gb_model *m, const uint8_t *data, size_t size, int save_reload)
{
    size_t n_rows = 1 + (size ? data[size / 2] % MAX_ROWS : 0);
    double *x = malloc(n_rows * ((size_t)m->n_features + 1) * sizeof *x);
    double *margin = malloc(n_rows * (size_t)m->n_groups * sizeof *margin);
    if (x && margin) {
        fill_rows(m, data, size, x, n_rows);
        gb_model_margin_batch(m, x, n_rows, margin);
        double out[64];
        if (m->n_groups <= 64)
            gb_model_transform(m, margin, out);
        explain_rows(m, x, n_rows, margin);
        if (save_reload)
            save_and_reload(m, x, n_rows, margin);
    }
    free(x);
    free(margin);
}
