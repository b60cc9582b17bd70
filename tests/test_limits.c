/* test_limits.c: the memory estimates and the refusals of src/mem_limits.h, and
 * that the core's big allocations ask before they allocate (a CSV file, an
 * interaction tensor, a summary, KernelSHAP and LIME budgets), each with a
 * limit set small through GLASSBOX_MAX_MEMORY so nothing big is ever
 * allocated here.  The numbers are exact arithmetic, not measurements. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/dataset.h"
#include "../src/interactions.h"
#include "../src/mem_limits.h"
#include "../src/model.h"
#include "../src/summary.h"
#include "tap.h"

static void parse_cases(void)
{
    static const struct {
        const char *s;
        uint64_t want;
    } good[] = {
        {"100000", 100000}, {"1K", 1024}, {"2G", UINT64_C(2) << 30}, {"512m", UINT64_C(512) << 20},
        {"1.5GiB", UINT64_C(3) << 29}, {"3T", UINT64_C(3) << 40}, {"64kb", 65536}, {"10B", 10},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        uint64_t v = 0;
        int rc = gb_limit_parse_size(good[i].s, &v);
        ok(rc == 0 && v == good[i].want, "size '%s' is %llu bytes (got %llu)", good[i].s,
           (unsigned long long)good[i].want, (unsigned long long)v);
    }
    static const char *bad[] = {"", "G", "-1G", "0", "2X", "2GG", "1e30T", "nan", " 2G", "2 G", "0.5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t v = 0;
        ok(gb_limit_parse_size(bad[i], &v) != 0, "size '%s' is refused", bad[i]);
    }
}

static void format_cases(void)
{
    char b[32];
    gb_limit_format_count(1000000, b, sizeof b);
    ok(strcmp(b, "1,000,000") == 0, "count 1000000 reads %s", b);
    gb_limit_format_count(999, b, sizeof b);
    ok(strcmp(b, "999") == 0, "count 999 reads %s", b);
    gb_limit_format_count(UINT64_MAX, b, sizeof b);
    ok(strcmp(b, "18,446,744,073,709,551,615") == 0, "count 2^64-1 reads %s", b);
    gb_limit_format_bytes(512, b, sizeof b);
    ok(strcmp(b, "512 bytes") == 0, "512 bytes read %s", b);
    gb_limit_format_bytes(UINT64_C(3) << 29, b, sizeof b);
    ok(strcmp(b, "1.5 GiB") == 0, "1.5 GiB reads %s", b);
    gb_limit_format_bytes(UINT64_C(320) << 30, b, sizeof b);
    ok(strcmp(b, "320 GiB") == 0, "320 GiB reads %s", b);
}

static void estimate_cases(void)
{
    ok(gb_limit_mul(UINT64_MAX / 2, 3) == UINT64_MAX, "a product that overflows saturates");
    ok(gb_limit_add(UINT64_MAX, 1) == UINT64_MAX, "a sum that overflows saturates");
    ok(gb_estimate_dataset_bytes(1000, 10) == 1000 * (10 * 8 + 8), "dataset: rows x (cols x 8 + 8)");
    /* 1e6 rows x 1 group x 201^2 x 8 = 323,208,000,000 bytes. */
    ok(gb_estimate_interactions_bytes(1000000, 1, 200) == UINT64_C(323208000000),
       "interactions: 1e6 rows x 200 features = 323,208,000,000 bytes");
    ok(gb_estimate_interactions_bytes(10, 3, 4) == 10 * 3 * 25 * 8, "interactions: groups multiply");
    ok(gb_estimate_interactions_bytes(UINT64_MAX / 4, 2, 1u << 30) == UINT64_MAX,
       "interactions: absurd sizes saturate instead of wrapping");
    ok(gb_estimate_attributions_bytes(100, 2, 9) == (100 * (2 * 10 + 9) + 2 * 100) * 8,
       "attributions: rows x (groups x (M+1) + M) + groups x (M+1)^2 doubles");
    ok(gb_estimate_exact_evals(20, 100) == (UINT64_C(1) << 20) * 100, "exact: 2^20 x 100 evaluations");
    ok(gb_estimate_exact_evals(70, 1) == UINT64_MAX, "exact: 2^70 saturates");
    ok(gb_estimate_sampling_evals(10, 2048, 100) == 2048000, "sampling: rows x samples x background");
    ok(gb_estimate_csv_rows(1000000, 1000, 10) == 10000, "csv rows: 1 MB of 100-byte lines is 10,000 rows");
    ok(gb_estimate_csv_rows(500, 1000, 10) == 10, "csv rows: a file read whole is its own count");
    ok(gb_estimate_csv_rows(1001, 1000, 10) == 11, "csv rows: rounded up");
}

static void limit_cases(void)
{
    gb_error err = {{0}};
    uint64_t lim = 0;
    unsetenv(GB_LIMIT_ENV);
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    ok(gb_limit_memory(&lim, &err) == 0 && lim == (uint64_t)pages * (uint64_t)page / 2,
       "default limit: half the physical memory (%llu bytes)", (unsigned long long)lim);
    setenv(GB_LIMIT_ENV, "2G", 1);
    ok(gb_limit_memory(&lim, &err) == 0 && lim == UINT64_C(2) << 30, "GLASSBOX_MAX_MEMORY=2G is 2 GiB");
    setenv(GB_LIMIT_ENV, "lots", 1);
    int rc = gb_limit_memory(&lim, &err);
    ok(rc != 0 && strstr(err.msg, "GLASSBOX_MAX_MEMORY='lots'") && strstr(err.msg, "2G"),
       "a bad GLASSBOX_MAX_MEMORY is an error naming it: %s", err.msg);
    setenv(GB_LIMIT_ENV, "19G", 1);
    rc = gb_limit_check(gb_estimate_interactions_bytes(1000000, 1, 200), "pass --rows or --sample", &err,
                        "interactions for %s rows x %d features", "1,000,000", 200);
    ok(rc != 0 &&
           strcmp(err.msg, "interactions for 1,000,000 rows x 200 features would need 301 GiB of memory "
                           "(limit 19 GiB): pass --rows or --sample, or raise --max-memory") == 0,
       "refusal message: %s", err.msg);
    ok(gb_limit_check(UINT64_C(19) << 30, NULL, &err, "x") == 0, "exactly the limit is allowed");
    rc = gb_limit_check(UINT64_MAX, NULL, &err, "everything");
    ok(rc != 0 && strstr(err.msg, "more than 16 EiB") && strstr(err.msg, ": raise --max-memory"),
       "a saturated estimate: %s", err.msg);
}

/* A CSV file of 2,000 rows x 3 columns refused under a 16 KiB limit. */
static void dataset_case(void)
{
    char path[] = "/tmp/test_limits.XXXXXX";
    int fd = mkstemp(path);
    FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!fp) {
        ok(0, "temporary file");
        return;
    }
    fputs("a,b,c\n", fp);
    for (int i = 0; i < 2000; i++)
        fprintf(fp, "%d,%d,%d\n", i, i * 2, i % 7);
    fclose(fp);
    gb_error err = {{0}};
    setenv(GB_LIMIT_ENV, "16K", 1);
    gb_dataset *ds = gb_dataset_read_csv(path, NULL, &err);
    ok(!ds && strstr(err.msg, "2,001 lines x 3 columns would need 63 KiB of memory (limit 16 KiB)") &&
           strstr(err.msg, path),
       "a CSV too big for the limit is refused before it is read: %s", err.msg);
    gb_dataset_free(ds);
    setenv(GB_LIMIT_ENV, "1M", 1);
    ds = gb_dataset_read_csv(path, NULL, &err);
    ok(ds && ds->n_rows == 2000, "the same file under 1 MiB reads");
    if (ds) {
        /* A three-feature regression stump binds to a, b, c by position. */
        gb_error e2 = {{0}};
        const char *json = "{\"format\":\"glassbox-model\",\"version\":1,\"kind\":\"trees\",\"link\":\"identity\","
                           "\"features\":[\"a\",\"b\",\"c\"],\"base\":[0],\"decision\":\"<\","
                           "\"trees\":[{\"output\":0,\"feature\":[0,-1,-1],\"threshold\":[100,0,0],"
                           "\"left\":[1,-1,-1],\"right\":[2,-1,-1],\"value\":[0,1,2],\"cover\":[2,1,1]}]}";
        gb_model *m = gb_model_load_native("stump.json", json, strlen(json), &e2);
        gb_binding b;
        if (m && gb_binding_make(m, ds, NULL, &b, &e2) == 0) {
            size_t rows[2000];
            for (size_t i = 0; i < 2000; i++)
                rows[i] = i;
            gb_interactions_result ir;
            setenv(GB_LIMIT_ENV, "64K", 1);
            gb_job_status st = gb_interactions_run(m, ds, &b, rows, 2000, NULL, NULL, &ir, &err);
            ok(st == GB_JOB_FAILED &&
                   strstr(err.msg, "interactions for 2,000 rows x 3 features would need 250 KiB of memory "
                                   "(limit 64 KiB): explain fewer rows at once, or raise --max-memory"),
               "interactions too big are refused: %s", err.msg);
            gb_interactions_result_free(&ir);
            setenv(GB_LIMIT_ENV, "1M", 1);
            st = gb_interactions_run(m, ds, &b, rows, 2000, NULL, NULL, &ir, &err);
            ok(st == GB_JOB_OK, "the same interactions under 1 MiB run");
            gb_interactions_result_free(&ir);
            gb_summary sr;
            setenv(GB_LIMIT_ENV, "64K", 1);
            st = gb_summary_run(m, ds, &b, rows, 2000, NULL, NULL, &sr, &err);
            ok(st == GB_JOB_FAILED && strstr(err.msg, "a summary of 2,000 rows x 3 features would need"),
               "a summary too big is refused: %s", err.msg);
            gb_binding_free(&b);
        } else {
            ok(0, "stump model: %s", e2.msg);
        }
        gb_model_free(m);
    }
    gb_dataset_free(ds);
    unlink(path);
    unsetenv(GB_LIMIT_ENV);
}

int main(void)
{
    parse_cases();
    format_cases();
    estimate_cases();
    limit_cases();
    dataset_case();
    return tap_done();
}
