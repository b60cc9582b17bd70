/* app.h: the explorer's state, shared by every screen.
 *
 * One ui_app holds what the user loaded (dataset, model, binding), what they
 * chose (the selected row and feature, marked rows, the method and its
 * parameters), what was computed (a cache of explanations keyed by row,
 * method and parameters; the predictions of every row; optionally the
 * attributions of every row), the worker's job queue, the look of the
 * terminal and the last message.  It lives on the UI thread: jobs never
 * touch it except through their finish callbacks, which run on the UI
 * thread. */
#ifndef GB_UI_APP_H
#define GB_UI_APP_H

#include <stddef.h>

#include "../src/binding.h"
#include "../src/dataset.h"
#include "../src/explain.h"
#include "../src/model.h"
#include "job.h"
#include "theme.h"

/* What the method form edits.  Fields a method does not use are ignored by
 * it (and by the cache key, see ui_params_same). */
typedef struct ui_params {
    int method;          /* a gb_method value; the list comes from gb_method_name */
    long background;     /* background rows for sampled methods (0: all rows) */
    long samples;        /* 0: the method's default */
    unsigned long seed;
    double tolerance;    /* stop a sampled method once converged (0: never) */
    double kernel_width; /* LIME (0: 0.75 * sqrt(features)) */
    int top_k;           /* bars shown before "N other features" */
    int klass;           /* output group shown for multi-output models */
} ui_params;

/* One explained row. */
typedef struct ui_result {
    size_t row;
    ui_params params;
    int n_groups, n_features;
    double *phi;    /* n_groups * (n_features + 1): attributions, base last */
    double *se;     /* same layout, or NULL for exact methods */
    double *margin; /* n_groups raw margins */
    double seconds; /* how long it took */
    /* LIME (NaN when absent): the shown class's intercept and weighted R^2
     * are phi's base value and r2[class]; the bin each value falls in is
     * bin_lo < x <= bin_hi (infinite at the ends; NaN when not binned:
     * categorical, missing, or no discretisation). */
    double intercept, r2;
    double *lime_r2;         /* n_groups, or NULL */
    double *bin_lo, *bin_hi; /* n_features each, or NULL */
    size_t samples;          /* sampled methods: coalitions (lime: samples) used */
} ui_result;

enum { UI_MSG_MAX = 256, UI_PROMPT_MAX = 256 };

typedef struct ui_screen ui_screen;
typedef struct ui_screen_ops ui_screen_ops;
typedef struct ui_app ui_app;

/* A prompt's answer (see ui_prompt in screen.h). */
typedef void (*ui_prompt_done)(ui_app *app, const char *text, void *ctx);

typedef struct ui_app {
    /* Inputs. */
    const char *data_path, *model_path;
    gb_dataset *ds;
    gb_model *model;
    gb_binding binding;

    /* Choices. */
    size_t row;              /* selected data row */
    int feature;             /* selected model feature (explanation, scatter) */
    unsigned char *marked;   /* n_rows flags */
    size_t n_marked;
    ui_params params;

    /* Results. */
    ui_result *cache;        /* explained rows, most recent last */
    size_t n_cache, cap_cache;
    double *pred;            /* n_rows * n_groups margins, NULL until computed */
    int pred_pending;
    gb_explain_result *all;  /* every row's exact attributions, NULL until asked and done */
    int all_pending;

    /* Rows submitted for explanation and not finished yet. */
    struct ui_pending {
        size_t row;
        ui_params params;
    } *pending;
    size_t n_pending, cap_pending;

    /* Machinery. */
    ui_jobs *jobs;
    /* The explainer jobs reuse while the method stays the same.  Touched only
     * by jobs, which run one at a time on the worker thread. */
    gb_explainer *explainer;
    ui_params explainer_params;   /* what it was built from (ui_params_same) */
    gb_background *explainer_bg;  /* its background, when the method needs one */
    /* "How it works" of a sampled method: one row's trace (ui/how_trace.c). */
    struct ui_how_trace {
        struct gb_trace *trace; /* NULL until computed */
        size_t row;             /* what the trace (or the job running) is of */
        ui_params params;
        int group;
        int pending, failed;    /* a job runs; the last one failed or was cancelled */
    } how;
    ui_theme theme;
    char msg[UI_MSG_MAX];    /* last message, shown in the status line */
    int msg_error;
    double model_eval_seconds; /* measured cost of one model evaluation */

    /* Screen stack, managed by the main loop. */
    ui_screen *stack[16];
    int depth;
    const ui_screen_ops *push_req; /* set by ui_push */

    /* The one-line prompt in the status line, when active. */
    struct ui_prompt_state {
        int active;
        char label[64];
        char text[UI_PROMPT_MAX];
        size_t len;
        ui_prompt_done done;
        void *ctx;
        int yes_no;      /* one key answers: y runs done(app, text), any other keeps */
        int paths;       /* Tab completes a file path (path_complete.h) */
        char hint[1024]; /* the candidates of the last ambiguous completion */
    } prompt;
    int confirm_quit; /* "a job is running: quit? (y/n)" is showing */
    int quit;
    struct ui_session *session;       /* the session log (session.h), from the first record */
    struct ui_open_state *open;       /* Ctrl-O (open_file.h), from the first use */
} ui_app;

/* Sets the status-line message (printf-style). */
void ui_msg(ui_app *app, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ui_error(ui_app *app, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Defaults for a model (method auto, top 10, seed 0, ...). */
void ui_params_default(ui_params *p, const gb_model *m);
/* Whether two parameter sets compute the same numbers (display-only fields
 * such as top_k and klass do not count). */
int ui_params_same(const ui_params *a, const ui_params *b);
/* The resolved method's name ("treeshap" for auto on trees). */
const char *ui_params_method_name(const ui_params *p, const gb_model *m);
/* Whether the method samples (has a seed, standard errors). */
int ui_method_is_sampled(const char *name);

/* The cached explanation of (row, current params), or NULL. */
const ui_result *ui_app_result(const ui_app *app, size_t row);
/* Starts explaining the row with the current parameters unless cached or
 * already queued.  Returns 1 when cached, 0 when submitted, -1 on error
 * (message set). */
int ui_app_explain(ui_app *app, size_t row);
/* Starts the predictions of every row (once).  app->pred is set when done. */
void ui_app_predict_all(ui_app *app);
/* Starts the exact attributions of every row (once); app->all when done.
 * Returns 1 when ready, 0 while pending, -1 on error. */
int ui_app_explain_all(ui_app *app);

/* Builds the explainer `glassbox explain` would build for these settings
 * (the background sampled with the seed, into *bg, freed by the caller after
 * the explainer).  NULL with err set on failure. */
gb_explainer *ui_explainer_build(const ui_app *app, const ui_params *p, gb_background **bg, gb_error *err);
/* Worker thread only: the shared explainer for these settings, rebuilt when
 * they change. */
gb_explainer *ui_worker_explainer(ui_app *app, const ui_params *p, gb_error *err);

/* Frees the cache, predictions, attributions and the worker's explainer
 * (after the job queue has been freed). */
void ui_app_free_results(ui_app *app);

/* Display helpers shared by the screens. */
/* A feature's name, "f<i>" when the model names none. */
const char *ui_feature_name(const ui_app *app, int f, char *buf, size_t size);
/* A dataset cell as text: category name, "NaN", or %.6g. */
const char *ui_cell_text(const ui_app *app, size_t col, size_t row, char *buf, size_t size);
/* Model feature f of a row as text (through the binding). */
const char *ui_feature_text(const ui_app *app, int f, size_t row, char *buf, size_t size);

#endif
