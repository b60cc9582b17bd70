/* dataset_stream.c: a CSV input read chunk by chunk (see dataset_stream.h).
 *
 * The input is read with read(2) into one buffer that only ever holds the
 * chunk being cut plus one read's worth, so memory follows the chunk size,
 * not the input's.  A chunk ends after its max_rows-th record: a line break
 * outside quotes that closes a line holding something (blank lines are
 * skipped by the CSV reader too, so they count for nothing).  Quotes are
 * followed by toggling on every '"', which is exact for well-formed CSV (a
 * doubled quote toggles twice); a stray quote is reported by the reader
 * when it parses the chunk.  The chunk is then parsed by the ordinary
 * reader from the header's bytes followed by the chunk's, numbered so that
 * its messages name the input's lines. */
#include "dataset_stream.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READ_SIZE (1u << 20)

/* Where the cut of the current chunk has got to (offsets into buf). */
typedef struct cut_state {
    size_t pos, records, lines, line_start;
    int in_quote, content;
} cut_state;

struct gb_csv_stream {
    char *name; /* the input as messages name it: the path, or "<stdin>" */
    int fd;
    gb_csv_options opt;
    char *buf;
    size_t cap, start, have; /* buf[start..have): bytes not yet handed out */
    int eof;
    size_t line;             /* input line of buf[start] */
    char *header;
    size_t header_len, header_lines;
    char *chunk;
    size_t chunk_cap;
    size_t rows;
};

/* Reads more input after buf[have], moving the unread part to the front
 * first.  Returns 0 (eof set at the end of the input) or -1. */
static int read_more(gb_csv_stream *s, cut_state *c, gb_error *err)
{
    if (s->start) {
        memmove(s->buf, s->buf + s->start, s->have - s->start);
        c->pos -= s->start;
        c->line_start = c->line_start > s->start ? c->line_start - s->start : 0;
        s->have -= s->start;
        s->start = 0;
    }
    if (s->cap - s->have < READ_SIZE / 2) {
        char *b = gb_realloc(s->buf, s->cap, 2, err);
        if (!b)
            return -1;
        s->buf = b;
        s->cap *= 2;
    }
    for (;;) {
        ssize_t k = read(s->fd, s->buf + s->have, s->cap - s->have);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return gb_error_set(err, "%s: cannot read: %s", s->name, strerror(errno));
        s->eof = k == 0;
        s->have += (size_t)k;
        return 0;
    }
}

/* One line break ends at buf[i] (a '\n', or a '\r' not followed by one). */
static int line_break(gb_csv_stream *s, cut_state *c, size_t max_records)
{
    c->lines++;
    c->line_start = c->pos + 1;
    if (c->in_quote || !c->content)
        return 0;
    c->content = 0;
    return ++c->records == max_records;
}

/* Advances the cut over the bytes read so far.  Returns 1 when max_records
 * records end at c->pos, 0 when more input is needed, -1 on a NUL byte. */
static int cut_scan(gb_csv_stream *s, cut_state *c, size_t max_records, gb_error *err)
{
    for (; c->pos < s->have; c->pos++) {
        char ch = s->buf[c->pos];
        if (ch == '\n' || (ch == '\r' && c->pos + 1 < s->have && s->buf[c->pos + 1] != '\n')) {
            if (line_break(s, c, max_records)) {
                c->pos++;
                return 1;
            }
        } else if (ch == '\r') {
            if (c->pos + 1 == s->have && !s->eof)
                return 0; /* "\r" or "\r\n": the next read says */
            if (c->pos + 1 == s->have && line_break(s, c, max_records)) {
                c->pos++;
                return 1;
            }
        } else if (ch == '\0') {
            return gb_error_set(err, "%s:%zu:%zu: NUL byte: this is binary data (or UTF-16 text), not CSV text",
                                s->name, s->line + c->lines, c->pos - c->line_start + 1);
        } else {
            c->content = 1;
            c->in_quote ^= ch == '"';
        }
    }
    return 0;
}

/* Finds the end of the next max_records records from buf[start].  Returns
 * 0 with *c describing them (c->records may be fewer at the end of the
 * input), or -1. */
static int cut(gb_csv_stream *s, size_t max_records, cut_state *c, gb_error *err)
{
    memset(c, 0, sizeof *c);
    c->pos = c->line_start = s->start;
    for (;;) {
        int k = cut_scan(s, c, max_records, err);
        if (k < 0)
            return -1;
        if (k > 0)
            return 0;
        if (s->eof) {
            c->records += c->content; /* a last line without a line break */
            return 0;
        }
        if (read_more(s, c, err))
            return -1;
    }
}

static int read_header(gb_csv_stream *s, gb_error *err)
{
    cut_state c;
    if (read_more(s, &(cut_state){0}, err))
        return -1;
    if (s->have >= 3 && memcmp(s->buf, "\xEF\xBB\xBF", 3) == 0)
        s->start = 3;
    if (cut(s, 1, &c, err))
        return -1;
    if (c.records == 0)
        return gb_error_set(err, "%s: the file is empty; expected a header row naming the columns", s->name);
    s->header_len = c.pos - s->start;
    s->header_lines = c.lines;
    if (!(s->header = gb_malloc(s->header_len + 1, 1, err)))
        return -1;
    memcpy(s->header, s->buf + s->start, s->header_len);
    if (c.pos == s->have && s->eof && s->header_len && s->header[s->header_len - 1] != '\n' &&
        s->header[s->header_len - 1] != '\r') /* a header without a line break: end it */
        s->header[s->header_len++] = '\n', s->header_lines++;
    s->start = c.pos;
    s->line = 1 + c.lines;
    return 0;
}

gb_csv_stream *gb_csv_stream_open(const char *path, const gb_csv_options *opt, gb_error *err)
{
    gb_csv_stream *s = gb_calloc(1, sizeof *s, err);
    if (!s)
        return NULL;
    s->fd = -1;
    if (opt)
        s->opt = *opt;
    s->opt.mem = NULL;
    int is_stdin = strcmp(path, "-") == 0;
    if (!(s->name = gb_strdup(is_stdin ? "<stdin>" : path, err)) ||
        !(s->buf = gb_malloc(READ_SIZE, 1, err)))
        goto fail;
    s->cap = READ_SIZE;
    s->fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (s->fd < 0) {
        gb_error_set(err, "%s: cannot open: %s", s->name, strerror(errno));
        goto fail;
    }
    if (read_header(s, err))
        goto fail;
    return s;
fail:
    gb_csv_stream_close(s);
    return NULL;
}

int gb_csv_stream_next(gb_csv_stream *s, size_t max_rows, gb_dataset **out, gb_error *err)
{
    cut_state c;
    *out = NULL;
    if (cut(s, max_rows ? max_rows : 1, &c, err))
        return -1;
    if (c.records == 0) {
        s->start = c.pos;
        return 0;
    }
    size_t body = c.pos - s->start, need = s->header_len + body;
    if (need > s->chunk_cap) {
        char *p = realloc(s->chunk, need);
        if (!p)
            return gb_error_set(err, "%s:%zu: out of memory for a chunk of %zu bytes", s->name, s->line, need);
        s->chunk = p;
        s->chunk_cap = need;
    }
    memcpy(s->chunk, s->header, s->header_len);
    memcpy(s->chunk + s->header_len, s->buf + s->start, body);
    gb_csv_options o = s->opt;
    o.mem = s->chunk;
    o.mem_len = need;
    o.first_line = s->line - s->header_lines;
    *out = gb_dataset_read_csv(s->name, &o, err); /* "<stdin>" in its messages */
    if (!*out)
        return -1;
    s->start = c.pos;
    s->line += c.lines;
    s->rows += (*out)->n_rows;
    return 1;
}

size_t gb_csv_stream_rows(const gb_csv_stream *s)
{
    return s->rows;
}

void gb_csv_stream_close(gb_csv_stream *s)
{
    if (!s)
        return;
    if (s->fd > STDIN_FILENO)
        close(s->fd);
    free(s->name);
    free(s->buf);
    free(s->header);
    free(s->chunk);
    free(s);
}
