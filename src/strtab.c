/* strtab.c: the dictionary of distinct strings of a categorical column.
 *
 * The CSV reader interns every text value of a categorical column here and
 * stores the id it gets back, so a column of a million rows but ten
 * categories costs ten strings.  An open-addressing hash table (FNV-1a,
 * linear probing, kept at most half full) finds a string already seen in
 * constant time.  A table belongs to one column of one reader: no locking. */
#include "strtab.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

/* Strings are stored back to back, so each one's length is the gap to the
 * next one's start, less its NUL. */
static size_t strtab_len(const strtab *t, size_t id)
{
    return (id + 1 < t->n ? t->off[id + 1] : t->text_len) - t->off[id] - 1;
}

void strtab_free(strtab *t)
{
    free(t->text);
    free(t->off);
    free(t->slot);
    memset(t, 0, sizeof *t);
}

static int strtab_rehash(strtab *t, gb_error *err)
{
    size_t n_slots = t->n_slots ? t->n_slots * 2 : 64;
    size_t *slot = gb_calloc(n_slots, sizeof *slot, err);
    if (!slot)
        return -1;
    for (size_t id = 0; id < t->n; id++) {
        size_t i = hash_bytes(t->text + t->off[id], strtab_len(t, id)) & (n_slots - 1);
        while (slot[i])
            i = (i + 1) & (n_slots - 1);
        slot[i] = id + 1;
    }
    free(t->slot);
    t->slot = slot;
    t->n_slots = n_slots;
    return 0;
}

static int strtab_append(strtab *t, const char *s, size_t len, gb_error *err)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        size_t *off = gb_realloc(t->off, cap, sizeof *off, err);
        if (!off)
            return -1;
        t->off = off;
        t->cap = cap;
    }
    if (len + 1 > t->text_cap - t->text_len) {
        size_t cap = t->text_cap ? t->text_cap : 256;
        while (len + 1 > cap - t->text_len)
            cap *= 2;
        char *text = gb_realloc(t->text, cap, 1, err);
        if (!text)
            return -1;
        t->text = text;
        t->text_cap = cap;
    }
    t->off[t->n++] = t->text_len;
    memcpy(t->text + t->text_len, s, len);
    t->text[t->text_len + len] = '\0';
    t->text_len += len + 1;
    return 0;
}

/* Returns the id of s, adding it if new, or -1 when out of memory. */
long long strtab_intern(strtab *t, const char *s, size_t len, gb_error *err)
{
    if (2 * (t->n + 1) > t->n_slots && strtab_rehash(t, err))
        return -1;
    size_t i = hash_bytes(s, len) & (t->n_slots - 1);
    for (; t->slot[i]; i = (i + 1) & (t->n_slots - 1)) {
        size_t id = t->slot[i] - 1;
        if (strtab_len(t, id) == len && memcmp(t->text + t->off[id], s, len) == 0)
            return (long long)id;
    }
    if (strtab_append(t, s, len, err))
        return -1;
    t->slot[i] = t->n;
    return (long long)t->n - 1;
}
