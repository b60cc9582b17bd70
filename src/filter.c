/* filter.c: parser and evaluator of row filters (see filter.h).
 *
 * Nodes live in one array and refer to each other by index, so the whole
 * filter is freed at once and evaluation touches one block of memory. */
#include "filter.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum op {
    OP_NUM, OP_COL, OP_VAR, OP_ROW, OP_NEG, OP_NOT, OP_MISSING, OP_ABS,
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD,
    OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE, OP_AND, OP_OR
} op;

typedef struct node {
    op op;
    int a, b;           /* operands (indices), -1 when unused */
    double num;         /* OP_NUM */
    const double *vals; /* OP_COL, OP_VAR */
    int col;            /* OP_COL: dataset column; -1 otherwise */
    int is_string;      /* OP_NUM made from a string literal, not yet resolved */
    char *str;
} node;

struct gb_filter {
    const gb_dataset *ds;
    node *nodes;
    int n, cap;
    int root;
};

typedef struct parser {
    const char *text;
    size_t pos;
    gb_filter *f;
    const gb_filter_var *extra;
    size_t n_extra;
    gb_error *err;
    int depth;
} parser;

enum { MAX_DEPTH = 200 };

static int fail(parser *p, const char *what)
{
    if (p->text[p->pos])
        return gb_error_set(p->err, "filter: at character %zu ('%.12s'): %s", p->pos + 1, p->text + p->pos, what);
    return gb_error_set(p->err, "filter: at the end: %s", what);
}

static int add(parser *p, node nd)
{
    gb_filter *f = p->f;
    if (f->n == f->cap) {
        int cap = f->cap ? f->cap * 2 : 16;
        node *nn = gb_realloc(f->nodes, (size_t)cap, sizeof *nn, p->err);
        if (!nn)
            return -1;
        f->nodes = nn;
        f->cap = cap;
    }
    f->nodes[f->n] = nd;
    return f->n++;
}

static int leaf(parser *p, op o)
{
    return add(p, (node){.op = o, .a = -1, .b = -1, .col = -1});
}

static int binary(parser *p, op o, int a, int b)
{
    if (a < 0 || b < 0)
        return -1;
    return add(p, (node){.op = o, .a = a, .b = b, .col = -1});
}

static void skip_space(parser *p)
{
    while (isspace((unsigned char)p->text[p->pos]))
        p->pos++;
}

/* Consumes s if it comes next; words must not run on into a name. */
static int accept(parser *p, const char *s)
{
    skip_space(p);
    size_t n = strlen(s);
    if (strncmp(p->text + p->pos, s, n) != 0)
        return 0;
    if (isalpha((unsigned char)s[0])) {
        char c = p->text[p->pos + n];
        if (isalnum((unsigned char)c) || c == '_' || c == '.')
            return 0;
    }
    p->pos += n;
    return 1;
}

static int parse_or(parser *p);

static int parse_name(parser *p, const char *name, size_t len)
{
    const gb_dataset *ds = p->f->ds;
    for (size_t c = 0; c < ds->n_cols; c++)
        if (strlen(ds->cols[c].name) == len && strncmp(ds->cols[c].name, name, len) == 0) {
            int i = leaf(p, OP_COL);
            if (i >= 0) {
                p->f->nodes[i].vals = ds->cols[c].values;
                p->f->nodes[i].col = (int)c;
            }
            return i;
        }
    for (size_t v = 0; v < p->n_extra; v++)
        if (strlen(p->extra[v].name) == len && strncmp(p->extra[v].name, name, len) == 0) {
            if (!p->extra[v].values)
                return gb_error_set(p->err, "filter: '%s' is not computed yet", p->extra[v].name);
            int i = leaf(p, OP_VAR);
            if (i >= 0)
                p->f->nodes[i].vals = p->extra[v].values;
            return i;
        }
    if (len == 3 && strncmp(name, "row", 3) == 0)
        return leaf(p, OP_ROW);
    char msg[512];
    int n = snprintf(msg, sizeof msg, "no column named '%.*s' (columns:", (int)len, name);
    for (size_t c = 0; c < ds->n_cols && n > 0 && (size_t)n < sizeof msg - 40; c++)
        n += snprintf(msg + n, sizeof msg - (size_t)n, " %s", ds->cols[c].name);
    if ((size_t)n < sizeof msg - 4)
        snprintf(msg + n, sizeof msg - (size_t)n, ")");
    return gb_error_set(p->err, "filter: %s", msg);
}

static int parse_function(parser *p, op o)
{
    if (!accept(p, "("))
        return fail(p, "expected '(' after the function name");
    int a = parse_or(p);
    if (a < 0)
        return -1;
    if (!accept(p, ")"))
        return fail(p, "expected ')'");
    int i = leaf(p, o);
    if (i >= 0)
        p->f->nodes[i].a = a;
    return i;
}

static int parse_string(parser *p)
{
    char quote = p->text[p->pos++];
    size_t start = p->pos;
    while (p->text[p->pos] && p->text[p->pos] != quote)
        p->pos++;
    if (!p->text[p->pos])
        return fail(p, "the string is not closed");
    size_t len = p->pos - start;
    p->pos++;
    int i = leaf(p, OP_NUM);
    if (i < 0)
        return -1;
    node *nd = &p->f->nodes[i];
    nd->is_string = 1;
    nd->num = NAN;
    nd->str = gb_malloc(len + 1, 1, p->err);
    if (!nd->str)
        return -1;
    memcpy(nd->str, p->text + start, len);
    nd->str[len] = '\0';
    return i;
}

static int parse_primary(parser *p)
{
    skip_space(p);
    const char *s = p->text + p->pos;
    if (accept(p, "(")) {
        int i = parse_or(p);
        if (i < 0)
            return -1;
        if (!accept(p, ")"))
            return fail(p, "expected ')'");
        return i;
    }
    if (accept(p, "missing") || accept(p, "isna"))
        return parse_function(p, OP_MISSING);
    if (accept(p, "abs"))
        return parse_function(p, OP_ABS);
    if (*s == '"' || *s == '\'')
        return parse_string(p);
    if (isdigit((unsigned char)*s) || (*s == '.' && isdigit((unsigned char)s[1]))) {
        char *end;
        double v = strtod(s, &end);
        p->pos += (size_t)(end - s);
        int i = leaf(p, OP_NUM);
        if (i >= 0)
            p->f->nodes[i].num = v;
        return i;
    }
    if (*s == '`') {
        const char *close = strchr(s + 1, '`');
        if (!close)
            return fail(p, "the `quoted name` is not closed");
        p->pos += (size_t)(close - s) + 1;
        return parse_name(p, s + 1, (size_t)(close - s - 1));
    }
    if (isalpha((unsigned char)*s) || *s == '_') {
        size_t n = 0;
        while (isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == '.')
            n++;
        p->pos += n;
        return parse_name(p, s, n);
    }
    return fail(p, "expected a number, a column name, a \"string\" or '('");
}

static int parse_unary(parser *p)
{
    if (++p->depth > MAX_DEPTH)
        return fail(p, "the expression nests too deeply");
    int i;
    if (accept(p, "-")) {
        int a = parse_unary(p);
        i = a < 0 ? -1 : leaf(p, OP_NEG);
        if (i >= 0)
            p->f->nodes[i].a = a;
    } else {
        i = parse_primary(p);
    }
    p->depth--;
    return i;
}

static int parse_product(parser *p)
{
    int a = parse_unary(p);
    while (a >= 0) {
        op o;
        if (accept(p, "*"))
            o = OP_MUL;
        else if (accept(p, "/"))
            o = OP_DIV;
        else if (accept(p, "%"))
            o = OP_MOD;
        else
            break;
        a = binary(p, o, a, parse_unary(p));
    }
    return a;
}

static int parse_sum(parser *p)
{
    int a = parse_product(p);
    while (a >= 0) {
        op o;
        if (accept(p, "+"))
            o = OP_ADD;
        else if (accept(p, "-"))
            o = OP_SUB;
        else
            break;
        a = binary(p, o, a, parse_product(p));
    }
    return a;
}

/* A string opposite a categorical column becomes the level's code. */
static int resolve_string(parser *p, int col_node, int str_node)
{
    node *s = &p->f->nodes[str_node];
    if (!s->is_string)
        return 0;
    node *c = &p->f->nodes[col_node];
    if (c->op != OP_COL || p->f->ds->cols[c->col].type != GB_COLUMN_CATEGORICAL)
        return gb_error_set(p->err, "filter: the string \"%s\" can only be compared with a text column", s->str);
    const gb_column *col = &p->f->ds->cols[c->col];
    for (size_t l = 0; l < col->n_levels; l++)
        if (strcmp(col->levels[l], s->str) == 0) {
            s->num = (double)l;
            s->is_string = 0;
            return 0;
        }
    char msg[400];
    int n = snprintf(msg, sizeof msg, "column '%s' has no value \"%s\" (values:", col->name, s->str);
    for (size_t l = 0; l < col->n_levels && l < 8 && n > 0 && (size_t)n < sizeof msg - 40; l++)
        n += snprintf(msg + n, sizeof msg - (size_t)n, " %s", col->levels[l]);
    if ((size_t)n < sizeof msg - 8)
        snprintf(msg + n, sizeof msg - (size_t)n, "%s)", col->n_levels > 8 ? " ..." : "");
    return gb_error_set(p->err, "filter: %s", msg);
}

static int parse_compare(parser *p)
{
    int a = parse_sum(p);
    if (a < 0)
        return -1;
    static const struct {
        const char *s;
        op o;
    } ops[] = {{"<=", OP_LE}, {">=", OP_GE}, {"==", OP_EQ}, {"!=", OP_NE}, {"<>", OP_NE},
               {"<", OP_LT},  {">", OP_GT},  {"=", OP_EQ}};
    for (size_t k = 0; k < sizeof ops / sizeof *ops; k++)
        if (accept(p, ops[k].s)) {
            int b = parse_sum(p);
            if (b < 0 || resolve_string(p, a, b) || resolve_string(p, b, a))
                return -1;
            return binary(p, ops[k].o, a, b);
        }
    return a;
}

static int parse_not(parser *p)
{
    if (++p->depth > MAX_DEPTH)
        return fail(p, "the expression nests too deeply");
    int i;
    if (accept(p, "not") || accept(p, "!")) {
        int a = parse_not(p);
        i = a < 0 ? -1 : leaf(p, OP_NOT);
        if (i >= 0)
            p->f->nodes[i].a = a;
    } else {
        i = parse_compare(p);
    }
    p->depth--;
    return i;
}

static int parse_and(parser *p)
{
    int a = parse_not(p);
    while (a >= 0 && (accept(p, "and") || accept(p, "&&")))
        a = binary(p, OP_AND, a, parse_not(p));
    return a;
}

static int parse_or(parser *p)
{
    if (++p->depth > MAX_DEPTH)
        return fail(p, "the expression nests too deeply");
    int a = parse_and(p);
    while (a >= 0 && (accept(p, "or") || accept(p, "||")))
        a = binary(p, OP_OR, a, parse_and(p));
    p->depth--;
    return a;
}

gb_filter *gb_filter_parse(const char *text, const gb_dataset *ds, const gb_filter_var *extra, size_t n_extra,
                           gb_error *err)
{
    gb_filter *f = gb_calloc(1, sizeof *f, err);
    if (!f)
        return NULL;
    f->ds = ds;
    parser p = {.text = text, .f = f, .extra = extra, .n_extra = n_extra, .err = err};
    skip_space(&p);
    if (!text[p.pos]) {
        gb_error_set(err, "filter: empty expression (e.g. bmi > 30 and age < 50)");
        gb_filter_free(f);
        return NULL;
    }
    f->root = parse_or(&p);
    if (f->root >= 0) {
        skip_space(&p);
        if (text[p.pos])
            f->root = fail(&p, "expected 'and', 'or', an operator or the end");
    }
    for (int i = 0; f->root >= 0 && i < f->n; i++)
        if (f->nodes[i].is_string) {
            gb_error_set(err, "filter: the string \"%s\" must be compared with a text column", f->nodes[i].str);
            f->root = -1;
        }
    if (f->root < 0) {
        gb_filter_free(f);
        return NULL;
    }
    return f;
}

void gb_filter_free(gb_filter *f)
{
    if (!f)
        return;
    for (int i = 0; i < f->n; i++)
        free(f->nodes[i].str);
    free(f->nodes);
    free(f);
}

static double eval(const gb_filter *f, int i, size_t row)
{
    const node *nd = &f->nodes[i];
    double x, y;
    switch (nd->op) {
    case OP_NUM: return nd->num;
    case OP_COL:
    case OP_VAR: return nd->vals[row];
    case OP_ROW: return (double)row;
    case OP_NEG: return -eval(f, nd->a, row);
    case OP_NOT: return eval(f, nd->a, row) != 0.0 ? 0.0 : 1.0;
    case OP_MISSING: return isnan(eval(f, nd->a, row)) ? 1.0 : 0.0;
    case OP_ABS: return fabs(eval(f, nd->a, row));
    case OP_AND: return eval(f, nd->a, row) != 0.0 && eval(f, nd->b, row) != 0.0 ? 1.0 : 0.0;
    case OP_OR: return eval(f, nd->a, row) != 0.0 || eval(f, nd->b, row) != 0.0 ? 1.0 : 0.0;
    default: break;
    }
    x = eval(f, nd->a, row);
    y = eval(f, nd->b, row);
    switch (nd->op) {
    case OP_ADD: return x + y;
    case OP_SUB: return x - y;
    case OP_MUL: return x * y;
    case OP_DIV: return x / y;
    case OP_MOD: return fmod(x, y);
    case OP_LT: return x < y;
    case OP_LE: return x <= y;
    case OP_GT: return x > y;
    case OP_GE: return x >= y;
    case OP_EQ: return x == y;
    case OP_NE: return !isnan(x) && !isnan(y) && x != y;
    default: return NAN;
    }
}

double gb_filter_eval(const gb_filter *f, size_t row)
{
    return eval(f, f->root, row);
}

int gb_filter_match(const gb_filter *f, size_t row)
{
    double v = eval(f, f->root, row);
    return !isnan(v) && v != 0.0;
}

size_t gb_filter_select(const gb_filter *f, size_t *out)
{
    size_t n = 0;
    for (size_t r = 0; r < f->ds->n_rows; r++)
        if (gb_filter_match(f, r))
            out[n++] = r;
    return n;
}
