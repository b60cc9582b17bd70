/* test_filter.c: the row-filter language: precedence, comparisons with
 * missing values, categorical levels, extra variables, and the messages of
 * malformed expressions (position and what was expected). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filter.h"
#include "tap.h"

static gb_dataset *make_data(void)
{
    char path[] = "/tmp/gb-filter-XXXXXX";
    int fd = mkstemp(path);
    FILE *fp = fdopen(fd, "w");
    fputs("age,bmi,sex,weird name\n"
          "40,31.5,male,1\n"
          "55,28,female,2\n"
          "30,,male,3\n"
          "45,35,female,4\n"
          "60,22.5,male,5\n",
          fp);
    fclose(fp);
    gb_error err = {{0}};
    gb_dataset *ds = gb_dataset_read_csv(path, NULL, &err);
    unlink(path);
    if (!ds)
        printf("# %s\n", err.msg);
    return ds;
}

/* The matching rows as "0,3,..." */
static const char *rows_of(const gb_dataset *ds, const char *expr, const gb_filter_var *v, size_t nv)
{
    static char out[256];
    gb_error err = {{0}};
    gb_filter *f = gb_filter_parse(expr, ds, v, nv, &err);
    if (!f) {
        snprintf(out, sizeof out, "error: %s", err.msg);
        return out;
    }
    size_t idx[16], n = gb_filter_select(f, idx);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        snprintf(out + strlen(out), sizeof out - strlen(out), "%s%zu", i ? "," : "", idx[i]);
    gb_filter_free(f);
    return out;
}

static void expect_rows(const gb_dataset *ds, const char *expr, const char *want)
{
    const char *got = rows_of(ds, expr, NULL, 0);
    if (!ok(strcmp(got, want) == 0, "%s -> rows {%s}", expr, want))
        printf("#   got {%s}\n", got);
}

static void expect_error(const gb_dataset *ds, const char *expr, const char *fragment)
{
    gb_error err = {{0}};
    gb_filter *f = gb_filter_parse(expr, ds, NULL, 0, &err);
    if (!ok(!f && strstr(err.msg, fragment), "'%s' is refused: %s", expr, fragment))
        printf("#   got: %s\n", f ? "(accepted)" : err.msg);
    gb_filter_free(f);
}

int main(void)
{
    gb_dataset *ds = make_data();
    if (!ok(ds != NULL, "test data read"))
        return tap_done();

    expect_rows(ds, "bmi > 30", "0,3");
    expect_rows(ds, "bmi > 30 and age < 50", "0,3");
    expect_rows(ds, "bmi > 30 and age < 42", "0");
    expect_rows(ds, "age < 35 or age >= 60", "2,4");
    expect_rows(ds, "age == 45", "3");
    expect_rows(ds, "age = 45", "3");
    expect_rows(ds, "age != 45", "0,1,2,4");
    expect_rows(ds, "age <> 45", "0,1,2,4");
    expect_rows(ds, "age <= 40", "0,2");
    /* and binds tighter than or */
    expect_rows(ds, "age < 35 or age > 50 and bmi < 25", "2,4");
    expect_rows(ds, "(age < 35 or age > 50) and bmi < 25", "4");
    expect_rows(ds, "not age > 40", "0,2");
    expect_rows(ds, "!(age > 40)", "0,2");
    expect_rows(ds, "age > 40 && bmi > 30 || age == 30", "2,3");
    /* arithmetic and precedence */
    expect_rows(ds, "age - 10 * 2 > 30", "1,4");
    expect_rows(ds, "(age - 10) * 2 > 60", "1,3,4");
    expect_rows(ds, "-age < -50", "1,4");
    expect_rows(ds, "age % 20 == 0", "0,4");
    expect_rows(ds, "abs(age - 45) <= 5", "0,3");
    expect_rows(ds, "bmi / 2 > 15", "0,3");
    /* missing values: comparisons are false, missing() finds them */
    expect_rows(ds, "bmi < 100", "0,1,3,4");
    expect_rows(ds, "bmi != 28", "0,3,4");
    expect_rows(ds, "missing(bmi)", "2");
    expect_rows(ds, "isna(bmi) or bmi < 25", "2,4");
    expect_rows(ds, "not missing(bmi)", "0,1,3,4");
    /* categorical levels by name */
    expect_rows(ds, "sex == \"male\"", "0,2,4");
    expect_rows(ds, "sex != 'male'", "1,3");
    expect_rows(ds, "'female' == sex and age > 50", "1");
    /* names */
    expect_rows(ds, "`weird name` >= 4", "3,4");
    expect_rows(ds, "row >= 3", "3,4");
    expect_rows(ds, "  age>50  ", "1,4");
    expect_rows(ds, "1", "0,1,2,3,4");
    expect_rows(ds, "0", "");
    expect_rows(ds, "1.5e1 < age / 2", "0,1,3,4");

    double pred[5] = {0.1, 0.9, 0.5, 0.7, 0.2};
    gb_filter_var v = {"prediction", pred};
    const char *got = rows_of(ds, "prediction > 0.4 and sex == 'female'", &v, 1);
    ok(strcmp(got, "1,3") == 0, "extra variable 'prediction' (got {%s})", got);
    gb_filter_var none = {"prediction", NULL};
    got = rows_of(ds, "prediction > 0.4", &none, 1);
    ok(strstr(got, "not computed yet") != NULL, "an extra variable not computed yet is an error");

    gb_error err = {{0}};
    gb_filter *f = gb_filter_parse("age / 10 + 1", ds, NULL, 0, &err);
    ok(f && gb_filter_eval(f, 0) == 5.0, "gb_filter_eval gives the value");
    ok(f && gb_filter_match(f, 0) == 1, "a non-zero value matches");
    gb_filter_free(f);

    expect_error(ds, "", "empty expression");
    expect_error(ds, "bmx > 30", "no column named 'bmx' (columns: age bmi sex weird name)");
    expect_error(ds, "bmi >", "at the end: expected a number, a column name");
    expect_error(ds, "bmi > 30 and", "at the end: expected a number");
    expect_error(ds, "bmi > 30 age", "at character 10 ('age'): expected 'and', 'or'");
    expect_error(ds, "(bmi > 30", "expected ')'");
    expect_error(ds, "sex == 'mal'", "column 'sex' has no value \"mal\" (values: female male)");
    expect_error(ds, "age == 'x'", "can only be compared with a text column");
    expect_error(ds, "'x'", "must be compared with a text column");
    expect_error(ds, "bmi > \"30", "the string is not closed");
    expect_error(ds, "`weird > 3", "not closed");
    expect_error(ds, "missing bmi", "expected '(' after the function name");
    expect_error(ds, "bmi @ 3", "at character 5 ('@ 3')");

    /* Deep nesting is refused, not a stack overflow. */
    char deep[2200];
    memset(deep, '(', 1000);
    strcpy(deep + 1000, "1");
    memset(deep + 1001, ')', 1000);
    deep[2001] = '\0';
    expect_error(ds, deep, "nests too deeply");
    memset(deep, '-', 2000);
    strcpy(deep + 2000, "1");
    expect_error(ds, deep, "nests too deeply");

    gb_dataset_free(ds);
    return tap_done();
}
