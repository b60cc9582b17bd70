/* export.c: `e` writes what the current screen shows to a file.
 *
 * The format follows the file's extension (.csv, .json, anything else is
 * text).  The file is written through gb_outfile, so it is complete or
 * absent; an existing file is replaced only when the user answers y to
 * "overwrite FILE? (y/n)".  Text is the screen as it appears; CSV and JSON
 * come from the screen's own exporter (the numbers at full precision). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "../src/outfile.h"
#include "loop.h"

void ui_json_string(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(fp, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(fp, "\\u%04x", *p);
        else
            fputc(*p, fp);
    }
    fputc('"', fp);
}

void ui_csv_field(FILE *fp, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

static ui_export_format format_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot && strcmp(dot, ".csv") == 0)
        return UI_EXPORT_CSV;
    if (dot && strcmp(dot, ".json") == 0)
        return UI_EXPORT_JSON;
    return UI_EXPORT_TEXT;
}

/* The screen as text: what the user sees, without the status line. */
static int export_screen_text(FILE *fp, const ui_rect *r)
{
    wchar_t w[1024];
    char line[4096];
    for (int y = r->y; y < r->y + r->h; y++) {
        int n = mvinnwstr(y, r->x, w, r->w < 1023 ? r->w : 1023);
        if (n < 0)
            n = 0;
        w[n] = L'\0';
        size_t len = wcstombs(line, w, sizeof line - 1);
        if (len == (size_t)-1)
            len = 0;
        while (len > 0 && line[len - 1] == ' ')
            len--;
        fprintf(fp, "%.*s\n", (int)len, line);
    }
    return 0;
}

/* Writes the view to path, replacing a file there (the user said so). */
static void export_write(ui_app *app, const char *path, void *ctx)
{
    (void)ctx;
    ui_screen *s = ui_top(app);
    ui_export_format fmt = format_of(path);
    gb_error err = {{0}};
    gb_outfile out;
    if (gb_outfile_open(&out, path, 1, &err)) {
        ui_error(app, "%s", err.msg);
        return;
    }
    if (fmt == UI_EXPORT_TEXT) {
        /* Draw the screen again: the prompt's list of completions may
         * still cover its bottom lines. */
        ui_clear_rect(&s->last);
        s->ops->draw(s, app, &s->last);
    }
    int rc = fmt != UI_EXPORT_TEXT ? s->ops->export_view(s, app, out.fp, fmt, &err)
                                   : export_screen_text(out.fp, &s->last);
    if (rc == 0)
        rc = gb_outfile_commit(&out, &err);
    else
        gb_outfile_abort(&out);
    if (rc)
        ui_error(app, "export: %s", err.msg);
    else
        ui_msg(app, "wrote %s", path);
}

static void export_done(ui_app *app, const char *text, void *ctx)
{
    char path[UI_PROMPT_MAX];
    if (ui_prompt_file_name(app, "export", text, path, sizeof path))
        return;
    ui_screen *s = ui_top(app);
    if (format_of(path) != UI_EXPORT_TEXT && !s->ops->export_view) {
        ui_error(app, "the %s screen exports as text only (use a .txt name)", s->ops->name);
        return;
    }
    if (access(path, F_OK) == 0)
        ui_confirm_overwrite(app, path, export_write, ctx);
    else
        export_write(app, path, ctx);
}

void ui_export_start(ui_app *app)
{
    ui_prompt(app, "Export to (.csv .json .txt): ", NULL, export_done, NULL);
    ui_prompt_paths(app);
}
