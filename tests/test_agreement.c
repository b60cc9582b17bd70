/* test_agreement.c: checks rank agreement (src/agreement.c).
 *
 * Spearman's correlation is checked against scipy.stats.spearmanr and the
 * top-k overlap against numpy (tests/fixtures/agreement/cases.txt, made by
 * make_cases.py there), and by exact math on cases small enough to rank by
 * hand: identical orders give 1, reversed orders -1, a constant side is
 * undefined (NaN), not 0. */
#include "agreement.h"
#include "tap.h"

#include <string.h>

enum { MAXN = 64 };

static int read_vec(FILE *fp, double *v, size_t n)
{
    char tok[64];
    for (size_t i = 0; i < n; i++) {
        if (fscanf(fp, "%63s", tok) != 1)
            return -1;
        v[i] = strcmp(tok, "nan") == 0 ? NAN : strtod(tok, NULL);
    }
    return 0;
}

static void reference_cases(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/fixtures/agreement/cases.txt", tap_srcdir());
    FILE *fp = fopen(path, "r");
    if (!ok(fp != NULL, "open %s", path))
        return;
    size_t n, k;
    int c = 0;
    while (fscanf(fp, "%zu %zu", &n, &k) == 2 && n <= MAXN) {
        double a[MAXN], b[MAXN], want[2];
        size_t want_common;
        if (read_vec(fp, a, n) || read_vec(fp, b, n) || read_vec(fp, want, 2) ||
            fscanf(fp, "%zu", &want_common) != 1)
            break;
        gb_agreement ag;
        gb_error err;
        int rc = gb_agreement_compute(a, b, n, k, &ag, &err);
        ok(rc == 0, "case %d (n=%zu): computed", c, n);
        is_close(ag.spearman, want[0], 1e-12, "case %d: spearman = scipy", c);
        is_close(ag.spearman_abs, want[1], 1e-12, "case %d: spearman of |phi| = scipy", c);
        ok(ag.topk_common == want_common, "case %d: top-%zu overlap %zu = numpy's %zu", c, k, ag.topk_common,
           want_common);
        c++;
    }
    ok(c == 51, "read all 51 reference cases (got %d)", c);
    fclose(fp);
}

static void exact_cases(void)
{
    double up[] = {1, 2, 3, 4, 5, 6}, down[] = {6, 5, 4, 3, 2, 1}, flat[] = {7, 7, 7, 7, 7, 7};
    double rho;
    gb_spearman(up, up, 6, 0, &rho, NULL);
    ok(rho == 1.0, "identical order: rho is exactly 1 (%.17g)", rho);
    gb_spearman(up, down, 6, 0, &rho, NULL);
    ok(rho == -1.0, "reversed order: rho is exactly -1 (%.17g)", rho);
    gb_spearman(up, flat, 6, 0, &rho, NULL);
    ok(isnan(rho), "a constant side: rho undefined (NaN)");
    gb_spearman(up, up, 1, 0, &rho, NULL);
    ok(isnan(rho), "one pair: rho undefined (NaN)");
    gb_spearman(up, up, 0, 0, &rho, NULL);
    ok(isnan(rho), "no pairs: rho undefined (NaN)");

    /* Signs flipped on every feature: the order of values reverses, the
     * order of magnitudes does not. */
    double a[] = {-3, 1, -2, 0.5}, b[] = {3, -1, 2, -0.5};
    gb_agreement ag;
    ok(gb_agreement_compute(a, b, 4, 2, &ag, NULL) == 0, "sign flip: computed");
    ok(ag.spearman == -1.0 && ag.spearman_abs == 1.0, "sign flip: rho -1, rho of |phi| 1");
    ok(ag.topk_common == 2 && ag.topk_fraction == 1.0, "sign flip: same top 2");

    /* Ranks 1..4 against 1,2,4,3 by hand: d^2 sums to 2, rho = 1 - 6*2/(4*15). */
    double c[] = {1, 2, 3, 4}, d[] = {10, 20, 40, 30};
    gb_spearman(c, d, 4, 0, &rho, NULL);
    is_close(rho, 0.8, 1e-15, "one swapped pair of four: rho = 0.8");

    /* Top-k: ties go to the lower index, NaN is last, k is capped at n. */
    double t1[] = {1, 1, 1, 1}, t2[] = {0, 0, 1, 1};
    size_t common;
    gb_topk_overlap(t1, t2, 4, 2, &common, NULL);
    ok(common == 0, "top-2 of a tie is features 0 and 1, of {0,0,1,1} features 2 and 3");
    double nn[] = {NAN, NAN, 0.0};
    gb_topk_overlap(nn, t2, 3, 1, &common, NULL);
    ok(common == 1, "NaN ranks below 0: the top 1 of {NaN, NaN, 0} is feature 2");
    gb_topk_overlap(up, down, 6, 100, &common, NULL);
    ok(common == 6, "k beyond n takes every feature");
    ok(gb_agreement_compute(up, down, 6, 0, &ag, NULL) == 0 && ag.k == 0 && ag.topk_fraction == 1.0,
       "k = 0: nothing to disagree on");
    ok(gb_agreement_compute(up, nn, 3, 3, &ag, NULL) == 0 && ag.n_used == 1 && isnan(ag.spearman),
       "NaN pairs are left out of n_used and rho");
}

int main(void)
{
    reference_cases();
    exact_cases();
    return tap_done();
}
