/* session.c: the session log and its shell script (see session.h). */
#include "session.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/outfile.h"
#include "loop.h"

/* Longest --rows argument in one command: Linux refuses a single argument
 * over 128 KiB, and a scatter sample can list 100,000 rows. */
enum { ROWS_ARG_MAX = 60000 };

typedef enum run_kind { RUN_EXPLAIN, RUN_INTERACTIONS, RUN_COMMAND } run_kind;

typedef struct run {
    run_kind kind;
    char *data, *model, *target; /* absolute paths; target NULL when none */
    int n_groups;
    ui_params params;     /* RUN_EXPLAIN: only what changes the numbers */
    int group;            /* RUN_INTERACTIONS */
    char *command, *args; /* RUN_COMMAND: name, shell-quoted arguments */
    int all;              /* every row */
    size_t *rows, n_rows, cap_rows;
} run;

struct ui_session {
    run *runs;
    size_t n, cap;
};

static void run_free(run *r)
{
    free(r->data);
    free(r->model);
    free(r->target);
    free(r->command);
    free(r->args);
    free(r->rows);
}

void ui_session_free(ui_session *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        run_free(&s->runs[i]);
    free(s->runs);
    free(s);
}

static char *absolute(const char *path)
{
    char *abs = realpath(path, NULL);
    return abs ? abs : strdup(path);
}

/* The parameters of p that change the numbers of its resolved method, the
 * rest zero, so that equal settings compare equal. */
static ui_params canonical(const gb_model *m, const ui_params *p)
{
    ui_params c;
    memset(&c, 0, sizeof c);
    gb_method method = gb_method_resolve(m, (gb_method)p->method);
    c.method = (int)method;
    if (gb_method_needs_background(method)) {
        c.background = p->background;
        if (p->background != 0)
            c.seed = p->seed; /* the background is a seeded sample */
    }
    if (gb_method_is_sampled(method)) {
        c.seed = p->seed;
        c.samples = p->samples;
    }
    if (gb_method_has_se(method))
        c.tolerance = p->tolerance;
    if (method == GB_METHOD_LIME)
        c.kernel_width = p->kernel_width;
    return c;
}

static int same_inputs(const run *r, const run *key)
{
    return strcmp(r->data, key->data) == 0 && strcmp(r->model, key->model) == 0 &&
           (r->target && key->target ? strcmp(r->target, key->target) == 0 : r->target == key->target);
}

/* The session's run matching key (same kind, inputs and settings), or a
 * new one made from key (whose strings it takes over).  NULL when memory
 * runs out (key's strings are freed then). */
static run *find_or_add(ui_app *app, run *key)
{
    if (!app->session && !(app->session = calloc(1, sizeof *app->session))) {
        run_free(key);
        return NULL;
    }
    ui_session *s = app->session;
    for (size_t i = 0; i < s->n; i++) {
        run *r = &s->runs[i];
        if (r->kind != key->kind || !same_inputs(r, key))
            continue;
        if ((key->kind == RUN_EXPLAIN && ui_params_same(&r->params, &key->params) &&
             r->params.method == key->params.method) ||
            (key->kind == RUN_INTERACTIONS && r->group == key->group) ||
            (key->kind == RUN_COMMAND && r->command && key->command &&
             strcmp(r->command, key->command) == 0 &&
             strcmp(r->args ? r->args : "", key->args ? key->args : "") == 0)) {
            run_free(key);
            return r;
        }
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        run *nr = realloc(s->runs, cap * sizeof *nr);
        if (!nr) {
            run_free(key);
            return NULL;
        }
        s->runs = nr;
        s->cap = cap;
    }
    s->runs[s->n] = *key;
    return &s->runs[s->n++];
}

static run make_key(ui_app *app, run_kind kind)
{
    run k;
    memset(&k, 0, sizeof k);
    k.kind = kind;
    k.data = absolute(app->data_path);
    k.model = absolute(app->model_path);
    if (app->binding.target >= 0)
        k.target = strdup(app->ds->cols[app->binding.target].name);
    k.n_groups = app->model->n_groups;
    return k;
}

static void add_rows(run *r, const size_t *rows, size_t n)
{
    if (r->all)
        return;
    if (!rows) {
        r->all = 1;
        free(r->rows);
        r->rows = NULL;
        r->n_rows = r->cap_rows = 0;
        return;
    }
    if (r->n_rows + n > r->cap_rows) {
        size_t cap = r->cap_rows ? r->cap_rows : 16;
        while (cap < r->n_rows + n)
            cap *= 2;
        size_t *nr = realloc(r->rows, cap * sizeof *nr);
        if (!nr)
            return;
        r->rows = nr;
        r->cap_rows = cap;
    }
    memcpy(r->rows + r->n_rows, rows, n * sizeof *rows);
    r->n_rows += n;
}

void ui_session_explain(ui_app *app, size_t row, const ui_params *p)
{
    run key = make_key(app, RUN_EXPLAIN);
    key.params = canonical(app->model, p);
    run *r = find_or_add(app, &key);
    if (r)
        add_rows(r, &row, 1);
}

void ui_session_explain_rows(ui_app *app, const size_t *rows, size_t n)
{
    ui_params p;
    ui_params_default(&p, app->model);
    p.method = GB_METHOD_AUTO;
    run key = make_key(app, RUN_EXPLAIN);
    key.params = canonical(app->model, &p);
    run *r = find_or_add(app, &key);
    if (r)
        add_rows(r, rows, n);
}

void ui_session_interactions(ui_app *app, const size_t *rows, size_t n, int g)
{
    run key = make_key(app, RUN_INTERACTIONS);
    key.group = g;
    run *r = find_or_add(app, &key);
    if (r)
        add_rows(r, rows, n);
}

/* ------------------------------------------------------------ the script */

/* s as one shell word: as it is when every byte is safe, else in single
 * quotes, each ' written as '\''. */
static void quote(FILE *fp, const char *s)
{
    if (*s &&
        strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,+") == strlen(s)) {
        fputs(s, fp);
        return;
    }
    fputc('\'', fp);
    for (; *s; s++) {
        if (*s == '\'')
            fputs("'\\''", fp);
        else
            fputc(*s, fp);
    }
    fputc('\'', fp);
}

static char *quoted(const char *const *args)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *fp = open_memstream(&buf, &size);
    if (!fp)
        return NULL;
    for (size_t i = 0; args && args[i]; i++) {
        fputc(' ', fp);
        quote(fp, args[i]);
    }
    fclose(fp);
    return buf;
}

void ui_session_command(ui_app *app, const char *command, const char *const *args)
{
    run key = make_key(app, RUN_COMMAND);
    key.command = strdup(command);
    key.args = quoted(args);
    find_or_add(app, &key);
}

size_t ui_session_count(const ui_app *app)
{
    return app->session ? app->session->n : 0;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* Sorts and removes repeats; returns the new count. */
static size_t sort_unique(size_t *rows, size_t n)
{
    if (!n)
        return 0;
    qsort(rows, n, sizeof *rows, cmp_size);
    size_t k = 1;
    for (size_t i = 1; i < n; i++)
        if (rows[i] != rows[k - 1])
            rows[k++] = rows[i];
    return k;
}

/* Appends the next rows from *i to spec ("0-9,15"), stopping before the
 * spec would exceed ROWS_ARG_MAX bytes. */
static void next_spec(const size_t *rows, size_t n, size_t *i, char *spec, size_t size)
{
    size_t len = 0;
    spec[0] = '\0';
    while (*i < n) {
        size_t j = *i;
        while (j + 1 < n && rows[j + 1] == rows[j] + 1)
            j++;
        char item[64];
        if (j - *i >= 2) {
            snprintf(item, sizeof item, "%s%zu-%zu", len ? "," : "", rows[*i], rows[j]);
        } else {
            snprintf(item, sizeof item, "%s%zu", len ? "," : "", rows[*i]);
            j = *i;
        }
        size_t il = strlen(item);
        if (len && len + il + 1 > size)
            return;
        memcpy(spec + len, item, il + 1);
        len += il;
        *i = j + 1;
    }
}

static void inputs(FILE *fp, const run *r)
{
    fputs(" --data ", fp);
    quote(fp, r->data);
    fputs(" --model ", fp);
    quote(fp, r->model);
    if (r->target) {
        fputs(" --target ", fp);
        quote(fp, r->target);
    }
}

static void method_options(FILE *fp, const ui_params *p)
{
    gb_method m = (gb_method)p->method;
    fprintf(fp, " --method %s", gb_method_name(m));
    if (gb_method_needs_background(m)) {
        if (p->background > 0)
            fprintf(fp, " --background %ld", p->background);
        else
            fputs(" --background all", fp);
    }
    if (gb_method_is_sampled(m) || (gb_method_needs_background(m) && p->background > 0))
        fprintf(fp, " --seed %lu", p->seed);
    if (gb_method_is_sampled(m) && p->samples > 0)
        fprintf(fp, " --samples %ld", p->samples);
    if (gb_method_has_se(m) && p->tolerance > 0)
        fprintf(fp, " --tolerance %.17g", p->tolerance);
    if (m == GB_METHOD_LIME && p->kernel_width > 0)
        fprintf(fp, " --kernel-width %.17g", p->kernel_width);
}

/* One command per chunk of rows (one when the rows fit one argument). */
static void write_rows_run(FILE *fp, const run *r, size_t index, const char *what, char *spec)
{
    size_t n = 0;
    size_t *rows = NULL;
    if (!r->all && r->n_rows) {
        rows = malloc(r->n_rows * sizeof *rows);
        if (!rows)
            return;
        memcpy(rows, r->rows, r->n_rows * sizeof *rows);
        n = sort_unique(rows, r->n_rows);
    }
    size_t i = 0;
    for (int part = 0; r->all ? part == 0 : i < n; part++) {
        if (!r->all)
            next_spec(rows, n, &i, spec, ROWS_ARG_MAX);
        fprintf(fp, "\"$GLASSBOX\" %s", r->kind == RUN_INTERACTIONS ? "interactions" : "explain");
        inputs(fp, r);
        if (r->kind == RUN_EXPLAIN)
            method_options(fp, &r->params);
        else {
            if (r->n_groups > 1)
                fprintf(fp, " --class %d", r->group);
            fputs(" --mean", fp);
        }
        if (!r->all)
            fprintf(fp, " --rows %s", spec);
        int more = !r->all && (i < n || part > 0);
        if (more)
            fprintf(fp, " --output \"$out/%02zu-%s-%d.csv\" --force\n", index, what, part + 1);
        else
            fprintf(fp, " --output \"$out/%02zu-%s.csv\" --force\n", index, what);
    }
    free(rows);
}

int ui_session_write(const ui_app *app, FILE *fp, gb_error *err)
{
    fputs("#!/bin/sh\n"
          "# A glassbox explorer session: the batch commands that reproduce the numbers\n"
          "# it computed, in the order they were first computed.\n"
          "#   sh THIS-FILE [OUTDIR]   each command writes NN-what.csv into OUTDIR (default .)\n"
          "# GLASSBOX names the program to run (default: glassbox on the PATH).\n"
          "set -e\n"
          "GLASSBOX=${GLASSBOX:-glassbox}\n"
          "out=${1:-.}\n"
          "mkdir -p \"$out\"\n",
          fp);
    const ui_session *s = app->session;
    char *spec = malloc(ROWS_ARG_MAX + 64);
    if (!spec)
        return gb_error_set(err, "out of memory");
    for (size_t k = 0; s && k < s->n; k++) {
        const run *r = &s->runs[k];
        char what[96];
        if (r->kind == RUN_EXPLAIN) {
            snprintf(what, sizeof what, "explain-%s", gb_method_name((gb_method)r->params.method));
            write_rows_run(fp, r, k + 1, what, spec);
        } else if (r->kind == RUN_INTERACTIONS) {
            write_rows_run(fp, r, k + 1, "interactions", spec);
        } else {
            fprintf(fp, "\"$GLASSBOX\" %s", r->command);
            inputs(fp, r);
            fprintf(fp, "%s --output \"$out/%02zu-%s.csv\" --force\n", r->args ? r->args : "", k + 1,
                    r->command);
        }
    }
    free(spec);
    return ferror(fp) ? gb_error_set(err, "cannot write the session script") : 0;
}

/* ------------------------------------------------------------ saving */

static void save(ui_app *app, const char *path, void *ctx)
{
    (void)ctx;
    gb_error err = {{0}};
    gb_outfile out;
    if (gb_outfile_open(&out, path, 1, &err)) {
        ui_error(app, "%s", err.msg);
        return;
    }
    if (ui_session_write(app, out.fp, &err)) {
        gb_outfile_abort(&out);
        ui_error(app, "session: %s", err.msg);
        return;
    }
    if (gb_outfile_commit(&out, &err)) {
        ui_error(app, "session: %s", err.msg);
        return;
    }
    size_t n = ui_session_count(app);
    ui_msg(app, "wrote %s (%zu command%s): sh it to compute the same numbers", path, n, n == 1 ? "" : "s");
}

static void save_answer(ui_app *app, const char *text, void *ctx)
{
    char path[UI_PROMPT_MAX];
    if (ui_prompt_file_name(app, "session", text, path, sizeof path))
        return;
    if (access(path, F_OK) == 0)
        ui_confirm_overwrite(app, path, save, ctx);
    else
        save(app, path, ctx);
}

void ui_session_save_start(ui_app *app)
{
    if (!ui_session_count(app)) {
        ui_msg(app, "nothing computed yet: the session log is empty");
        return;
    }
    ui_prompt(app, "Save session as (sh script): ", "glassbox-session.sh", save_answer, NULL);
    ui_prompt_paths(app);
}
