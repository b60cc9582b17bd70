/* screen_method.c: placeholder, being written. */
#include "loop.h"

static void draw_method(ui_screen *s, ui_app *app, const ui_rect *r)
{
    (void)s;
    (void)app;
    ui_put(r->y, r->x, r->w, "method");
}

const ui_screen_ops ui_screen_method = {.name = "method", .draw = draw_method, .pane = 1};
