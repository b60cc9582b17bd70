/* fuzz_lightgbm.c: libFuzzer target for LightGBM's text model files (gb_model_load_lightgbm).
 *
 * Any input must either load or be refused with a message; a model that
 * loads is then evaluated and explained on a few rows (fuzz_common.c), and
 * written in glassbox's JSON and read back, which must load and give the
 * same margins (this loader refuses what the native loader would refuse in
 * its saved copy: fuzz/crashes/README.md). */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gb_error err;
    err.msg[0] = 0;
    gb_model *m = gb_model_load_lightgbm("fuzz-input", (const char *)data, size, &err);
    if (!m) {
        if (!err.msg[0])
            abort(); /* refused without saying why */
        return 0;
    }
    fuzz_exercise_model(m, data, size, FUZZ_RELOAD);
    gb_model_free(m);
    return 0;
}
