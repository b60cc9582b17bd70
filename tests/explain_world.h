/* explain_world.h: what the tests of the background methods explain
 * against: a sample data set and model from the source tree, bound
 * together, and a seeded background of their rows.
 *
 * static inline, as tap.h, so that each test program takes it without
 * unused-function warnings. */
#ifndef GB_EXPLAIN_WORLD_H
#define GB_EXPLAIN_WORLD_H

#include <stdio.h>
#include <string.h>

#include "../src/background.h"
#include "../src/binding.h"
#include "../src/dataset.h"
#include "../src/model.h"
#include "tap.h"

typedef struct world {
    gb_dataset *ds;
    gb_model *m;
    gb_binding b;
    gb_background *bg;
} world;

/* Loads data and model (paths relative to the source tree) and draws a
 * background of n_bg rows with seed 1, or takes every row when n_bg is 0.
 * Returns 0, or -1 after saying why (world_close still applies). */
static inline int world_open(world *w, const char *data, const char *model, size_t n_bg)
{
    char dp[4096], mp[4096];
    gb_error err = {{0}};
    memset(w, 0, sizeof *w);
    snprintf(dp, sizeof dp, "%s/%s", tap_srcdir(), data);
    snprintf(mp, sizeof mp, "%s/%s", tap_srcdir(), model);
    w->ds = gb_dataset_read_csv(dp, NULL, &err);
    w->m = w->ds ? gb_model_load(mp, &err) : NULL;
    if (!w->m || gb_binding_make(w->m, w->ds, NULL, &w->b, &err)) {
        printf("# cannot load %s: %s\n", model, err.msg);
        return -1;
    }
    gb_background_spec spec = {n_bg ? GB_BACKGROUND_SAMPLE : GB_BACKGROUND_ALL, n_bg};
    w->bg = gb_background_make(w->m, w->ds, &w->b, &spec, 1, &err);
    return w->bg ? 0 : -1;
}

static inline void world_close(world *w)
{
    gb_background_free(w->bg);
    gb_binding_free(&w->b);
    gb_model_free(w->m);
    gb_dataset_free(w->ds);
}

#endif
