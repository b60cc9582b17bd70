/* csvcmp.c: compare two CSV files cell by cell, numbers within a tolerance.
 *
 * Used by the shell tests to hold glassbox's output against fixtures made by
 * the reference libraries: headers must match exactly, the files must have
 * the same number of lines, and each numeric cell must satisfy
 * |got - want| <= tol * max(1, |want|).  Text cells must be equal.  Prints
 * the worst difference, or the first mismatch; exit status 0 when equal.
 *
 *   csvcmp [--tol T] GOT.csv WANT.csv */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_LINE = 1 << 20, MAX_FIELDS = 4096 };

/* Splits a line in place on commas outside double quotes. */
static int split(char *line, char **fields)
{
    int n = 0;
    char *p = line;
    line[strcspn(line, "\r\n")] = '\0';
    while (n < MAX_FIELDS) {
        fields[n++] = p;
        int quoted = 0;
        for (; *p; p++) {
            if (*p == '"')
                quoted = !quoted;
            else if (*p == ',' && !quoted)
                break;
        }
        if (!*p)
            break;
        *p++ = '\0';
    }
    return n;
}

static int number(const char *s, double *v)
{
    char *end;
    if (!*s)
        return 0;
    *v = strtod(s, &end);
    return *end == '\0';
}

int main(int argc, char **argv)
{
    double tol = 1e-9;
    int a = 1;
    if (argc > 2 && strcmp(argv[1], "--tol") == 0) {
        tol = atof(argv[2]);
        a = 3;
    }
    if (argc - a != 2) {
        fprintf(stderr, "usage: csvcmp [--tol T] GOT.csv WANT.csv\n");
        return 2;
    }
    FILE *fg = fopen(argv[a], "r"), *fw = fopen(argv[a + 1], "r");
    if (!fg || !fw) {
        fprintf(stderr, "csvcmp: cannot open %s\n", !fg ? argv[a] : argv[a + 1]);
        return 2;
    }
    char *lg = malloc(MAX_LINE), *lw = malloc(MAX_LINE);
    char **fgs = malloc(MAX_FIELDS * sizeof *fgs), **fws = malloc(MAX_FIELDS * sizeof *fws);
    char **header = calloc(MAX_FIELDS, sizeof *header);
    double worst = 0.0;
    long line = 0, worst_line = 0;
    int worst_col = 0, rc = 0;
    for (;;) {
        char *g = fgets(lg, MAX_LINE, fg), *w = fgets(lw, MAX_LINE, fw);
        line++;
        if (!g && !w)
            break;
        if (!g || !w) {
            printf("csvcmp: line %ld: %s ends first\n", line, !g ? argv[a] : argv[a + 1]);
            rc = 1;
            break;
        }
        int ng = split(lg, fgs), nw = split(lw, fws);
        if (ng != nw) {
            printf("csvcmp: line %ld: %d fields, want %d\n", line, ng, nw);
            rc = 1;
            break;
        }
        for (int i = 0; i < ng; i++) {
            double x, y;
            if (line == 1)
                header[i] = strdup(fws[i]);
            if (number(fgs[i], &x) && number(fws[i], &y)) {
                double d = (isnan(x) && isnan(y)) ? 0.0 : fabs(x - y) / fmax(1.0, fabs(y));
                if (isnan(d) || d > worst) {
                    worst = isnan(d) ? INFINITY : d;
                    worst_line = line;
                    worst_col = i;
                }
            } else if (strcmp(fgs[i], fws[i]) != 0) {
                printf("csvcmp: line %ld, column %d: '%s', want '%s'\n", line, i + 1, fgs[i], fws[i]);
                rc = 1;
                break;
            }
        }
        if (rc)
            break;
    }
    if (!rc) {
        printf("csvcmp: %ld lines, worst relative difference %.3g", line - 1, worst);
        if (worst > 0)
            printf(" (line %ld, column %s)", worst_line, header[worst_col] ? header[worst_col] : "?");
        printf("\n");
        if (worst > tol) {
            printf("csvcmp: above the tolerance %g\n", tol);
            rc = 1;
        }
    }
    for (int i = 0; i < MAX_FIELDS; i++)
        free(header[i]);
    free(header);
    free(lg);
    free(lw);
    free(fgs);
    free(fws);
    fclose(fg);
    fclose(fw);
    return rc;
}
