/* keyscript.c: the key-script reader (see keyscript.h). */
#include "keyscript.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ui_script {
    FILE *fp;
    char *path;
    size_t line_no;
    char line[1024];
    size_t pos, len; /* characters of a plain line still to type */
};

static const struct {
    const char *name;
    int key;
} names[] = {
    {"Enter", '\n'},       {"Esc", 27},           {"Tab", '\t'},       {"BTab", KEY_BTAB},
    {"Space", ' '},        {"Up", KEY_UP},        {"Down", KEY_DOWN},  {"Left", KEY_LEFT},
    {"Right", KEY_RIGHT},  {"PgUp", KEY_PPAGE},   {"PgDn", KEY_NPAGE}, {"Home", KEY_HOME},
    {"End", KEY_END},      {"Backspace", KEY_BACKSPACE}, {"Del", KEY_DC}, {"C-c", 3},
    {"Lt", '<'},           {"Hash", '#'},         {"Colon", ':'},      {"C-o", 15},
    {"C-u", 21},
};

int ui_key_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(name, names[i].name) == 0)
            return names[i].key;
    if (name[0] == 'F' && name[1] >= '1' && name[1] <= '9') {
        int n = atoi(name + 1);
        if (n >= 1 && n <= 12)
            return KEY_F(n);
    }
    return -1;
}

const char *ui_key_name(int key, char *buf, unsigned size)
{
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (names[i].key == key) {
            snprintf(buf, size, "<%s>", names[i].name);
            return buf;
        }
    if (key >= KEY_F(1) && key <= KEY_F(12))
        snprintf(buf, size, "<F%d>", key - KEY_F(0));
    else if (key > 32 && key < 127)
        snprintf(buf, size, "%c", key);
    else
        snprintf(buf, size, "<%d>", key);
    return buf;
}

ui_script *ui_script_open(const char *path, gb_error *err)
{
    ui_script *s = gb_calloc(1, sizeof *s, err);
    if (!s)
        return NULL;
    s->fp = fopen(path, "r");
    if (!s->fp) {
        gb_error_set(err, "%s: cannot open the key script: %s", path, strerror(errno));
        free(s);
        return NULL;
    }
    s->path = gb_strdup(path, err);
    if (!s->path) {
        ui_script_free(s);
        return NULL;
    }
    return s;
}

void ui_script_free(ui_script *s)
{
    if (!s)
        return;
    if (s->fp)
        fclose(s->fp);
    free(s->path);
    free(s);
}

static int command(ui_script *s, char *line, ui_script_action *a, gb_error *err)
{
    char *arg = strchr(line, ' ');
    if (arg) {
        *arg++ = '\0';
        while (*arg == ' ')
            arg++;
    }
    if (strcmp(line, ":wait") == 0) {
        a->kind = UI_SCRIPT_WAIT;
        return 0;
    }
    if ((strcmp(line, ":dump") == 0 || strcmp(line, ":attrs") == 0) && arg && *arg) {
        a->kind = line[1] == 'd' ? UI_SCRIPT_DUMP : UI_SCRIPT_ATTRS;
        a->arg = arg;
        return 0;
    }
    if (strcmp(line, ":resize") == 0 && arg && sscanf(arg, "%dx%d", &a->cols, &a->lines) == 2 && a->cols > 0 &&
        a->lines > 0 && a->cols <= 1000 && a->lines <= 1000) {
        a->kind = UI_SCRIPT_RESIZE;
        return 0;
    }
    return gb_error_set(err, "%s:%zu: '%s': expected :wait, :dump PATH, :attrs PATH or :resize COLSxLINES", s->path,
                        s->line_no, line);
}

int ui_script_next(ui_script *s, ui_script_action *a, gb_error *err)
{
    memset(a, 0, sizeof *a);
    while (s->pos >= s->len) {
        if (!fgets(s->line, sizeof s->line, s->fp)) {
            a->kind = UI_SCRIPT_END;
            return 0;
        }
        s->line_no++;
        size_t n = strcspn(s->line, "\r\n");
        s->line[n] = '\0';
        if (n == 0 || (s->line[0] == '#' && n > 1))
            continue;
        if (s->line[0] == ':' && n > 1)
            return command(s, s->line, a, err);
        if (s->line[0] == '<' && n > 2 && s->line[n - 1] == '>') {
            s->line[n - 1] = '\0';
            int key = ui_key_from_name(s->line + 1);
            if (key < 0)
                return gb_error_set(err, "%s:%zu: unknown key name <%s>", s->path, s->line_no, s->line + 1);
            a->kind = UI_SCRIPT_KEY;
            a->key = key;
            return 0;
        }
        s->pos = 0;
        s->len = n;
    }
    a->kind = UI_SCRIPT_KEY;
    a->key = (unsigned char)s->line[s->pos++];
    return 0;
}
