/* path_complete.c: Tab completion of file paths (see path_complete.h). */
#include "path_complete.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct entry {
    char *name;
    int dir;
} entry;

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}

static void entries_free(entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(e[i].name);
    free(e);
}

/* The directory to read for the typed directory part ("" is the current
 * directory, "~/..." is under $HOME); malloc'd. */
static char *dir_to_read(const char *dir_part)
{
    const char *home = getenv("HOME");
    char *d;
    if (!*dir_part)
        return strdup(".");
    if (dir_part[0] == '~' && dir_part[1] == '/' && home && *home) {
        size_t n = strlen(home) + strlen(dir_part);
        if ((d = malloc(n + 1)))
            snprintf(d, n + 1, "%s%s", home, dir_part + 1);
        return d;
    }
    return strdup(dir_part);
}

static int is_dir(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    struct stat st;
    if (!p)
        return 0;
    snprintf(p, n, "%s/%s", dir, name);
    int rc = stat(p, &st) == 0 && S_ISDIR(st.st_mode);
    free(p);
    return rc;
}

/* The entries of dir whose names start with prefix, sorted; -1 when the
 * directory cannot be read or memory runs out. */
static long matching(const char *dir, const char *prefix, entry **out)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    size_t n = 0, cap = 0, plen = strlen(prefix);
    entry *e = NULL;
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *name = de->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            continue;
        if (name[0] == '.' && prefix[0] != '.')
            continue;
        if (strncmp(name, prefix, plen) != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            entry *ne = realloc(e, cap * sizeof *ne);
            if (!ne)
                break;
            e = ne;
        }
        if (!(e[n].name = strdup(name)))
            break;
        e[n].dir = is_dir(dir, name);
        n++;
    }
    int failed = de != NULL;
    closedir(d);
    if (failed) {
        entries_free(e, n);
        return -1;
    }
    if (n)
        qsort(e, n, sizeof *e, entry_cmp);
    *out = e;
    return (long)n;
}

static size_t common_prefix(const entry *e, size_t n)
{
    size_t len = strlen(e[0].name);
    for (size_t i = 1; i < n; i++) {
        size_t k = 0;
        while (k < len && e[i].name[k] == e[0].name[k])
            k++;
        len = k;
    }
    return len;
}

/* Replaces the last component of text (from base on) with len bytes of
 * name and an optional '/'; nothing when it would not fit. */
static void replace_base(char *text, size_t size, size_t base, const char *name, size_t len, int slash)
{
    if (base + len + (size_t)slash + 1 > size)
        return;
    memcpy(text + base, name, len);
    if (slash)
        text[base + len++] = '/';
    text[base + len] = '\0';
}

static void list_matches(const entry *e, size_t n, ui_path_matches *m)
{
    m->names = calloc(n, sizeof *m->names);
    if (!m->names)
        return;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(e[i].name);
        char *s = malloc(len + 2);
        if (!s)
            break;
        memcpy(s, e[i].name, len);
        s[len] = e[i].dir ? '/' : '\0';
        s[len + 1] = '\0';
        m->names[m->n++] = s;
    }
}

size_t ui_path_complete(char *text, size_t size, ui_path_matches *m)
{
    if (m)
        *m = (ui_path_matches){NULL, 0};
    const char *slash = strrchr(text, '/');
    size_t base = slash ? (size_t)(slash - text) + 1 : 0;
    char *dir_part = strndup(text, base);
    char *dir = dir_part ? dir_to_read(dir_part) : NULL;
    free(dir_part);
    if (!dir)
        return 0;
    entry *e = NULL;
    long found = matching(dir, text + base, &e);
    free(dir);
    if (found <= 0)
        return 0;
    size_t n = (size_t)found;
    if (n == 1) {
        replace_base(text, size, base, e[0].name, strlen(e[0].name), e[0].dir);
    } else {
        size_t len = common_prefix(e, n);
        if (len > strlen(text + base))
            replace_base(text, size, base, e[0].name, len, 0);
        if (m)
            list_matches(e, n, m);
    }
    entries_free(e, n);
    return n;
}

void ui_path_matches_free(ui_path_matches *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->names[i]);
    free(m->names);
    m->names = NULL;
    m->n = 0;
}
