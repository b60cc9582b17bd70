/* screen_explain.c: placeholder, being written. */
#include "loop.h"

static void draw_explain(ui_screen *s, ui_app *app, const ui_rect *r)
{
    (void)s;
    (void)app;
    ui_put(r->y, r->x, r->w, "explain");
}

const ui_screen_ops ui_screen_explain = {.name = "explain", .draw = draw_explain, .pane = 1};
