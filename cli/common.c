/* common.c: loading and error reporting shared by the subcommands. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../src/mem_limits.h"
#include "config.h"

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fputs("glassbox: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return CLI_BAD_INPUT;
}

int cli_fail_error(const gb_error *err)
{
    return cli_fail("%s", err->msg);
}

int cli_parse_delimiter(const char *arg, char *out, gb_error *err)
{
    if (strcmp(arg, "tab") == 0 || strcmp(arg, "\\t") == 0) {
        *out = '\t';
        return 0;
    }
    if (strlen(arg) != 1 || arg[0] == '"' || arg[0] == '\n' || arg[0] == '\r')
        return gb_error_set(err, "--delimiter '%s': expected one character such as , ; or tab", arg);
    *out = arg[0];
    return 0;
}

int cli_parse_int(const char *opt, const char *arg, long lo, long hi, long *out, gb_error *err)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (errno || end == arg || *end || v < lo || v > hi)
        return gb_error_set(err, "%s '%s': expected a whole number from %ld to %ld", opt, arg, lo, hi);
    *out = v;
    return 0;
}

/* --max-memory SIZE (or --max-memory=SIZE) anywhere on the line is taken out
 * before the subcommand parses its options, checked, and put in the
 * environment: the core's limit checks (src/limits.h) and the explorer read
 * it from there, so every command takes it without knowing about it. */
int cli_take_max_memory(int *argc, char **argv, gb_error *err)
{
    static const char opt[] = "--max-memory";
    int out = 1;
    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i], *value = NULL;
        if (strcmp(a, "--") == 0) {
            while (i < *argc)
                argv[out++] = argv[i++];
            break;
        }
        if (strncmp(a, opt, sizeof opt - 1) == 0 && a[sizeof opt - 1] == '=')
            value = a + sizeof opt;
        else if (strcmp(a, opt) == 0) {
            if (i + 1 >= *argc)
                return gb_error_set(err, "--max-memory needs a value such as 512M or 2G");
            value = argv[++i];
        } else {
            argv[out++] = argv[i];
            continue;
        }
        uint64_t bytes;
        if (gb_limit_parse_size(value, &bytes) != 0)
            return gb_error_set(err, "--max-memory '%s': expected a size such as 512M or 2G", value);
        if (setenv(GB_LIMIT_ENV, value, 1) != 0)
            return gb_error_set(err, "--max-memory: cannot set %s", GB_LIMIT_ENV);
    }
    argv[out] = NULL;
    *argc = out;
    return 0;
}

int cli_load(cli_inputs *in, gb_error *err)
{
    if (in->model_path) {
        in->model = gb_model_load(in->model_path, err);
        if (!in->model)
            return -1;
    }
    if (in->data_path) {
        gb_csv_options opt = {.delimiter = in->delimiter};
        in->ds = gb_dataset_read_csv(in->data_path, &opt, err);
        if (!in->ds)
            return -1;
    }
    if (in->model && in->ds) {
        if (gb_binding_make(in->model, in->ds, in->target, &in->binding, err))
            return -1;
        in->bound = 1;
    }
    return 0;
}

void cli_inputs_free(cli_inputs *in)
{
    if (in->bound)
        gb_binding_free(&in->binding);
    gb_model_free(in->model);
    gb_dataset_free(in->ds);
    in->model = NULL;
    in->ds = NULL;
    in->bound = 0;
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *cli_samples_dir(void)
{
    const char *env = getenv("GLASSBOX_SAMPLES");
    if (env && *env)
        return env;
    /* Running from the build tree before `make install`: use the sources. */
    if (is_dir(GB_SOURCE_SAMPLES))
        return GB_SOURCE_SAMPLES;
    return GB_INSTALLED_SAMPLES;
}
