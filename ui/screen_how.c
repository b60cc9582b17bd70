/* screen_how.c: placeholder, being written. */
#include "loop.h"

static void draw_how(ui_screen *s, ui_app *app, const ui_rect *r)
{
    (void)s;
    (void)app;
    ui_put(r->y, r->x, r->w, "how");
}

const ui_screen_ops ui_screen_how = {.name = "how", .draw = draw_how, .pane = 1};
