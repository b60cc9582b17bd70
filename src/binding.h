/* binding.h: which dataset column feeds which model feature.
 *
 * Features are matched to CSV columns by name.  A model that names no
 * features takes the dataset's columns in order, the target column left out,
 * and then the counts must agree.  Every mismatch is reported at once, with
 * the names that are missing, so a user fixes them in one go.  The target
 * column is kept aside for display and metrics: the one named with
 * --target, or else a column called target, label or y that is not a model
 * feature. */
#ifndef GB_BINDING_H
#define GB_BINDING_H

#include "dataset.h"
#include "model.h"

typedef struct gb_binding {
    int n_features;
    int *column; /* model feature f reads dataset column column[f] */
    int target;  /* dataset column of the target, or -1 */
} gb_binding;

/* target: a column name, or NULL to look for the default names. */
int gb_binding_make(const gb_model *m, const gb_dataset *ds, const char *target,
                    gb_binding *b, gb_error *err);
void gb_binding_free(gb_binding *b);

/* x[f] = the value of model feature f on data row `row`. */
void gb_binding_row(const gb_binding *b, const gb_dataset *ds, size_t row, double *x);

#endif
