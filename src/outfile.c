/* outfile.c: atomic output files (see outfile.h). */
#include "outfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int gb_outfile_open(gb_outfile *out, const char *path, int force, gb_error *err)
{
    memset(out, 0, sizeof *out);
    if (!path || strcmp(path, "-") == 0) {
        out->fp = stdout;
        return 0;
    }
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (exists && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        /* A device, a pipe or a socket (/dev/null, /dev/stdout, a FIFO):
         * write straight into it.  Renaming a temporary file over it would
         * replace the device node with a regular file. */
        out->fp = fopen(path, "w");
        if (!out->fp)
            return gb_error_set(err, "%s: cannot write: %s", path, strerror(errno));
        out->path = NULL;
        out->direct = 1;
        return 0;
    }
    if (exists && S_ISDIR(st.st_mode))
        return gb_error_set(err, "%s: is a directory", path);
    if (!force && exists)
        return gb_error_set(err, "%s: the file exists; use --force to replace it", path);
    size_t n = strlen(path);
    out->path = gb_strdup(path, err);
    out->tmp = gb_malloc(n + 16, 1, err);
    if (!out->path || !out->tmp)
        goto fail;
    snprintf(out->tmp, n + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(out->tmp);
    if (fd < 0) {
        gb_error_set(err, "%s: cannot create a file there: %s", path, strerror(errno));
        goto fail;
    }
    /* mkstemp makes the file private; outputs should get the usual mode. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    out->fp = fdopen(fd, "w");
    if (!out->fp) {
        gb_error_set(err, "%s: %s", path, strerror(errno));
        close(fd);
        unlink(out->tmp);
        goto fail;
    }
    return 0;
fail:
    free(out->path);
    free(out->tmp);
    memset(out, 0, sizeof *out);
    return -1;
}

int gb_outfile_commit(gb_outfile *out, gb_error *err)
{
    if (!out->fp)
        return gb_error_set(err, "output already closed");
    if (!out->path) {
        int bad = fflush(out->fp) != 0 || ferror(out->fp);
        if (out->direct && fclose(out->fp) != 0)
            bad = 1;
        out->fp = NULL;
        out->direct = 0;
        return bad ? gb_error_set(err, "output: %s", strerror(errno)) : 0;
    }
    int bad = fflush(out->fp) != 0 || ferror(out->fp);
    int saved = errno;
    if (fclose(out->fp) != 0 && !bad) {
        bad = 1;
        saved = errno;
    }
    out->fp = NULL;
    if (!bad && rename(out->tmp, out->path) != 0) {
        bad = 1;
        saved = errno;
    }
    if (bad) {
        gb_error_set(err, "%s: could not write: %s", out->path, strerror(saved));
        unlink(out->tmp);
    }
    free(out->path);
    free(out->tmp);
    out->path = out->tmp = NULL;
    return bad ? -1 : 0;
}

void gb_outfile_abort(gb_outfile *out)
{
    if (out->fp && (out->path || out->direct))
        fclose(out->fp);
    if (out->tmp)
        unlink(out->tmp);
    free(out->path);
    free(out->tmp);
    memset(out, 0, sizeof *out);
}
