/* screen_data.c: placeholder, being written. */
#include "loop.h"

static void draw_data(ui_screen *s, ui_app *app, const ui_rect *r)
{
    (void)s;
    (void)app;
    ui_put(r->y, r->x, r->w, "data");
}

const ui_screen_ops ui_screen_data = {.name = "data", .draw = draw_data, .pane = 1};
