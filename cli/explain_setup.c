/* explain_setup.c: option checks and the background for `glassbox
 * explain` (see explain_setup.h). */
#include "explain_setup.h"

#include <langinfo.h>
#include <locale.h>
#include <string.h>

#include "explain_stream.h"

/* Fails with "OPTION is for LIST" when the option was given but the method
 * does not use it. */
static int refuse(int given, int used, const char *option, const char *method, const char *for_whom,
                  gb_error *err)
{
    if (given && !used)
        return gb_error_set(err, "%s does not apply to --method %s (it is for %s)", option, method, for_whom);
    return 0;
}

int explain_check(explain_opts *o, gb_error *err)
{
    int groups = o->in.model->n_groups;
    if (o->klass >= groups)
        return gb_error_set(err, "--class %ld: the model has %d output%s (classes 0 to %d)", o->klass, groups,
                            groups > 1 ? "s" : "", groups - 1);
    gb_method m = gb_method_resolve(o->in.model, o->ex.method);
    const char *name = gb_method_name(m);
    int bg_method = gb_method_needs_background(m);
    int uses_bg = bg_method || m == GB_METHOD_LINEAR;
    int bg_given = o->given.background || o->bg_file;
    /* A seed matters to the sampled methods and to a sampled background. */
    int seeded = gb_method_is_sampled(m) ||
                 (uses_bg && (bg_method || bg_given) && o->bg_spec.kind != GB_BACKGROUND_ALL &&
                  !(o->bg_file && !o->given.background));
    if (refuse(o->given.background, uses_bg, "--background", name,
               "exact, kernelshap, permutation, treeshap-int and linear", err) ||
        refuse(o->bg_file != NULL, uses_bg, "--background-file", name,
               "exact, kernelshap, permutation, treeshap-int and linear", err) ||
        refuse(o->given.samples, gb_method_is_sampled(m), "--samples", name, "kernelshap, permutation and lime",
               err) ||
        refuse(o->given.tolerance, gb_method_has_se(m), "--tolerance", name, "kernelshap and permutation", err) ||
        refuse(o->given.lime, m == GB_METHOD_LIME, "--num-features, --kernel-width, --discretize and "
               "--feature-selection", name, "lime", err) ||
        refuse(o->given.seed, seeded, "--seed", name,
               "kernelshap, permutation, lime and a sampled or k-means background", err))
        return -1;
    if (o->ex.space == GB_SPACE_PROBABILITY && !gb_method_any_space(m))
        return gb_error_set(err, "--output-space probability does not apply to --method %s, which explains the "
                            "raw margin (it is for exact, kernelshap, permutation and lime)", name);
    if (o->se_path && m == GB_METHOD_LIME)
        return gb_error_set(err, "--se: lime has no standard errors (its weights come from one fit)");
    if (o->format == CLI_FORMAT_TEXT && (m == GB_METHOD_LIME || o->ex.space == GB_SPACE_PROBABILITY))
        return gb_error_set(err, "--format text draws margin-space attributions; use csv or json for %s",
                            m == GB_METHOD_LIME ? "lime" : "--output-space probability");
    return 0;
}

/* Reads and binds --background-file like the data. */
static int load_file(explain_opts *o, gb_error *err)
{
    gb_csv_options copt = {.delimiter = o->in.delimiter};
    o->bg_ds = gb_dataset_read_csv(o->bg_file, &copt, err);
    if (!o->bg_ds)
        return -1;
    if (gb_binding_make(o->in.model, o->bg_ds, o->in.target, &o->bg_binding, err)) {
        gb_error_prefix(err, "--background-file: ");
        return -1;
    }
    o->bg_bound = 1;
    if (o->bg_ds->n_rows == 0)
        return gb_error_set(err, "%s: the background file has no data rows", o->bg_file);
    if (!o->in.ds) /* a stream: no dictionaries to match, so numbers only */
        return explain_stream_numeric(o->bg_ds, &o->bg_binding, err);
    return gb_background_recode(o->bg_ds, &o->bg_binding, o->in.ds, &o->in.binding, err);
}

int explain_background(explain_opts *o, gb_error *err)
{
    gb_method m = gb_method_resolve(o->in.model, o->ex.method);
    if (!gb_method_needs_background(m) && !(m == GB_METHOD_LINEAR && (o->given.background || o->bg_file)))
        return 0;
    const gb_dataset *pool = o->in.ds;
    const gb_binding *pb = &o->in.binding;
    gb_background_spec spec = o->bg_spec;
    if (o->bg_file) {
        if (load_file(o, err))
            return -1;
        pool = o->bg_ds;
        pb = &o->bg_binding;
        if (!o->given.background)
            spec.kind = GB_BACKGROUND_ALL; /* a file given is the background */
    }
    o->bg = gb_background_make(o->in.model, pool, pb, &spec, o->ex.seed, err);
    if (!o->bg)
        return -1;
    o->ex.background = o->bg;
    return 0;
}

static int utf8_locale(void)
{
    setlocale(LC_CTYPE, "");
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

void explain_writer_init(const explain_opts *o, gb_method method, const gb_dataset *ds, const gb_binding *b,
                         FILE *fp, explain_writer *w)
{
    *w = (explain_writer){.fp = fp,
                          .format = o->format,
                          .model = o->in.model,
                          .model_path = o->in.model_path,
                          .ds = ds,
                          .binding = b,
                          .method = gb_method_name(method),
                          .space = gb_output_space_name(o->ex.space),
                          .r2_column = method == GB_METHOD_LIME,
                          .only_class = (int)o->klass,
                          .utf8 = o->format == CLI_FORMAT_TEXT && utf8_locale(),
                          .top = o->top ? (int)o->top : 10,
                          .no_header = o->no_header};
}

void explain_opts_free(explain_opts *o)
{
    gb_background_free(o->bg);
    if (o->bg_bound)
        gb_binding_free(&o->bg_binding);
    gb_dataset_free(o->bg_ds);
    cli_inputs_free(&o->in);
    o->bg = NULL;
    o->bg_ds = NULL;
    o->bg_bound = 0;
}
