/* test_path_complete.c: Tab completion of paths (ui/path_complete.c) on a
 * temporary directory: a unique match, a directory getting '/', the common
 * prefix of several matches and their list, hidden files, no match, "~/"
 * and a completion too long for the buffer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../ui/path_complete.h"
#include "tap.h"

static char root[64];

static void touch(const char *rel)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    FILE *fp = fopen(p, "w");
    if (fp)
        fclose(fp);
}

static void mkd(const char *rel)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    mkdir(p, 0700);
}

/* Completes ROOT/rel; the result is returned relative to ROOT. */
static size_t complete(const char *rel, char *out, size_t size, ui_path_matches *m)
{
    char text[512];
    snprintf(text, sizeof text, "%s/%s", root, rel);
    size_t n = ui_path_complete(text, size + strlen(root) + 1 < sizeof text ? size + strlen(root) + 1 : sizeof text,
                                m);
    snprintf(out, size, "%s", text + strlen(root) + 1);
    return n;
}

static void rm_tree(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", root);
}

int main(void)
{
    snprintf(root, sizeof root, "%s/gbpc.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(root)) {
        printf("Bail out! cannot make a temporary directory\n");
        return 1;
    }
    touch("data.csv");
    touch("model-a.json");
    touch("model-b.json");
    touch(".hidden.csv");
    mkd("samples");
    touch("samples/iris.csv");
    mkd("mod");

    char out[256];
    ui_path_matches m;
    size_t n = complete("da", out, sizeof out, &m);
    ok(n == 1 && strcmp(out, "data.csv") == 0, "a unique match is completed whole (%s)", out);
    ok(m.n == 0, "and lists nothing");

    n = complete("sam", out, sizeof out, &m);
    ok(n == 1 && strcmp(out, "samples/") == 0, "a directory gets a '/' (%s)", out);
    n = complete("samples/", out, sizeof out, &m);
    ok(n == 1 && strcmp(out, "samples/iris.csv") == 0, "then completes inside it (%s)", out);

    n = complete("mo", out, sizeof out, &m);
    ok(n == 3 && strcmp(out, "mod") == 0, "several matches: their common prefix (%s, %zu)", out, n);
    ok(m.n == 3 && strcmp(m.names[0], "mod/") == 0 && strcmp(m.names[1], "model-a.json") == 0 &&
           strcmp(m.names[2], "model-b.json") == 0,
       "and the sorted list, directories with '/'");
    ui_path_matches_free(&m);
    n = complete("model-", out, sizeof out, &m);
    ok(n == 2 && strcmp(out, "model-") == 0 && m.n == 2, "no longer prefix: the text stays, the list is given");
    ui_path_matches_free(&m);

    n = complete("", out, sizeof out, &m);
    ok(n == 5 && m.n == 5, "an empty name lists every visible entry (%zu)", n);
    ui_path_matches_free(&m);
    n = complete(".h", out, sizeof out, &m);
    ok(n == 1 && strcmp(out, ".hidden.csv") == 0, "hidden entries when the name starts with '.' (%s)", out);

    n = complete("zz", out, sizeof out, &m);
    ok(n == 0 && strcmp(out, "zz") == 0, "no match: nothing changes");
    n = complete("nodir/da", out, sizeof out, &m);
    ok(n == 0 && strcmp(out, "nodir/da") == 0, "a missing directory: nothing changes");

    /* "~/" is $HOME. */
    setenv("HOME", root, 1);
    char text[256] = "~/samples/ir";
    n = ui_path_complete(text, sizeof text, NULL);
    ok(n == 1 && strcmp(text, "~/samples/iris.csv") == 0, "~/ is the home directory (%s)", text);

    /* A completion that does not fit is not made (and never overflows). */
    snprintf(text, sizeof text, "%s/da", root);
    size_t need = strlen(root) + strlen("/data.csv") + 1;
    n = ui_path_complete(text, need - 1, NULL);
    ok(n == 1 && strcmp(strrchr(text, '/'), "/da") == 0, "too long for the buffer: left as typed");
    n = ui_path_complete(text, need, NULL);
    ok(strcmp(strrchr(text, '/'), "/data.csv") == 0, "exactly fitting: completed");

    rm_tree();
    return tap_done();
}
