/* screen_compare.h: the compare screen (`c`).
 *
 * The selected row explained by every method the core offers for this
 * model (the list comes from gb_method_name and gb_method_check, so methods
 * added to the core appear here without a change), side by side: one column
 * of diverging bars per method on a common scale, features sorted by the
 * magnitude of a reference method's attributions, the base value and output
 * of each method underneath, and how far each method agrees with the
 * reference: Spearman's rank correlation of the attributions and of their
 * magnitudes, and the overlap of the k largest (src/agreement.h).
 *
 * Each method runs through the app's explain jobs with the user's current
 * parameters (samples, seed, background), so results are shared with the
 * explanation screen's cache.  The screen's ops are ui_screen_compare
 * (screen.h). */
#ifndef GB_UI_SCREEN_COMPARE_H
#define GB_UI_SCREEN_COMPARE_H

#include "../src/model.h"

enum { COMPARE_MAX_METHODS = 16 };

/* The methods that can explain model m, in the core's order, "auto" left
 * out.  Fills out[] (up to max) and returns how many. */
int compare_methods(const gb_model *m, int *out, int max);

#endif
