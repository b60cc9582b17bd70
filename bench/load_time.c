/* load_time.c: one load of a CSV file or a model through the core, timed,
 * and the memory it took: glassbox's side of bench/csv_vs_pandas.py and
 * bench/model_load_vs_xgboost.py.  Not a test.  Built on demand (make
 * bench/load_time):
 *
 *   bench/load_time csv FILE.csv
 *   bench/load_time model MODEL
 *
 * prints "seconds=S cpu=C rss_kb=R base_kb=B rows=N cols=C" (a model:
 * trees and features): S the wall time of gb_dataset_read_csv or
 * gb_model_load, C the CPU time this process spent in it, R the
 * peak resident set (VmHWM) after it and B the resident set before it, so
 * R - B is what loading cost. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dataset.h"
#include "model.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static long status_kb(const char *key)
{
    FILE *fp = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    size_t n = strlen(key);
    while (fp && fgets(line, sizeof line, fp))
        if (strncmp(line, key, n) == 0 && line[n] == ':')
            sscanf(line + n + 1, "%ld", &v);
    if (fp)
        fclose(fp);
    return v;
}

static int load_csv(const char *path, gb_error *err)
{
    long base = status_kb("VmRSS");
    double t0 = now(), c0 = cpu();
    gb_dataset *ds = gb_dataset_read_csv(path, NULL, err);
    double dt = now() - t0, dc = cpu() - c0;
    if (!ds)
        return -1;
    printf("seconds=%.6f cpu=%.6f rss_kb=%ld base_kb=%ld rows=%zu cols=%zu\n", dt, dc, status_kb("VmHWM"),
           base, ds->n_rows, ds->n_cols);
    gb_dataset_free(ds);
    return 0;
}

static int load_model(const char *path, gb_error *err)
{
    long base = status_kb("VmRSS");
    double t0 = now(), c0 = cpu();
    gb_model *m = gb_model_load(path, err);
    double dt = now() - t0, dc = cpu() - c0;
    if (!m)
        return -1;
    printf("seconds=%.6f cpu=%.6f rss_kb=%ld base_kb=%ld rows=%zu cols=%d\n", dt, dc, status_kb("VmHWM"),
           base, m->n_trees, m->n_features);
    gb_model_free(m);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "csv") != 0 && strcmp(argv[1], "model") != 0)) {
        fputs("usage: load_time csv FILE.csv | load_time model MODEL\n", stderr);
        return 2;
    }
    gb_error err = {{0}};
    if ((strcmp(argv[1], "csv") == 0 ? load_csv : load_model)(argv[2], &err)) {
        fprintf(stderr, "load_time: %s\n", err.msg);
        return 2;
    }
    return 0;
}
