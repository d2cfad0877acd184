/*
 * cql_parse.c — recursive-descent CQL parser of ucql-mock: the arena, token
 * helpers, names, terms (literals, collections, bind markers, function
 * calls, casts), WHERE relations, IF conditions, USING, and the entry
 * point. Statements are in cql_parse_dml.c and cql_parse_ddl.c.
 *
 * The grammar follows Cassandra's Parser.g for the subset the mock runs;
 * error messages imitate its ANTLR ones ("line 1:9 no viable alternative
 * at input 'FORM'") because drivers and users show them verbatim.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cql_parse_int.h"

/* ==== arena ============================================================== */

struct mock_arena_block {
	mock_arena_block *next;
	size_t cap;
	max_align_t data[]; /* aligned for anything */
};

#define ARENA_BLOCK 8192u

void mock_arena_init(mock_arena *a)
{
	memset(a, 0, sizeof *a);
}

void *mock_arena_alloc(mock_arena *a, size_t n)
{
	const size_t al = _Alignof(max_align_t);
	if (n > SIZE_MAX / 2)
		return NULL;
	n = (n + al - 1) & ~(al - 1);
	if (!n)
		n = al;
	if (!a->head || a->cap - a->used < n) {
		size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		mock_arena_block *b = malloc(sizeof *b + cap);
		if (!b)
			return NULL;
		b->cap = cap;
		b->next = a->head;
		a->head = b;
		a->used = 0;
		a->cap = cap;
		a->total += cap;
	}
	void *p = (char *)a->head->data + a->used;
	a->used += n;
	memset(p, 0, n);
	return p;
}

char *mock_arena_strndup(mock_arena *a, const char *s, size_t n)
{
	char *d = mock_arena_alloc(a, n + 1);
	if (d) {
		if (n)
			memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

void mock_arena_free(mock_arena *a)
{
	mock_arena_block *b = a->head;
	while (b) {
		mock_arena_block *next = b->next;
		free(b);
		b = next;
	}
	memset(a, 0, sizeof *a);
}

/* ==== tokens and errors ================================================= */

const mock_cql_token *mock__p_peek(const mock_parser *p, size_t ahead)
{
	size_t i = p->i + ahead;
	return &p->t[i < p->n ? i : p->n];
}

const mock_cql_token *mock__p_next(mock_parser *p)
{
	const mock_cql_token *t = &p->t[p->i];
	if (p->i < p->n)
		p->i++;
	return t;
}

int mock__p_is_kw(const mock_cql_token *t, const char *kw)
{
	return t->kind == MOCK_TOK_WORD && strcmp(t->text, kw) == 0;
}

int mock__p_accept_kw(mock_parser *p, const char *kw)
{
	if (!mock__p_is_kw(mock__p_peek(p, 0), kw))
		return 0;
	mock__p_next(p);
	return 1;
}

int mock__p_accept(mock_parser *p, int kind)
{
	if (mock__p_peek(p, 0)->kind != kind)
		return 0;
	mock__p_next(p);
	return 1;
}

/* The token as ANTLR shows it: its source text, '<EOF>' at the end. */
static void tok_show(const mock_parser *p, const mock_cql_token *t, const char **s, int *n)
{
	if (t->kind == MOCK_TOK_EOF) {
		*s = "<EOF>";
		*n = 5;
	} else {
		*s = p->src + t->pos;
		*n = t->len > 64 ? 64 : (int)t->len;
	}
}

int mock__p_fail_at(mock_parser *p, const mock_cql_token *t)
{
	if (p->rc)
		return p->rc;
	const char *s;
	int n;
	tok_show(p, t, &s, &n);
	mock_cql_syntax_error(p->err, p->src, t->pos, "no viable alternative at input '%.*s'", n, s);
	return p->rc = UCQL_E_SYNTAX;
}

int mock__p_fail_expect(mock_parser *p, const mock_cql_token *t, const char *what)
{
	if (p->rc)
		return p->rc;
	const char *s;
	int n;
	tok_show(p, t, &s, &n);
	mock_cql_syntax_error(p->err, p->src, t->pos, "mismatched input '%.*s' expecting %s", n, s, what);
	return p->rc = UCQL_E_SYNTAX;
}

int mock__p_fail_invalid(mock_parser *p, size_t pos, const char *fmt, ...)
{
	if (p->rc)
		return p->rc;
	va_list ap;
	va_start(ap, fmt);
	p->err->code = UCQL_E_INVALID;
	p->err->pos = pos;
	vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
	va_end(ap);
	return p->rc = UCQL_E_INVALID;
}

int mock__p_nomem(mock_parser *p)
{
	if (p->rc)
		return p->rc;
	mock_cql_error_set(p->err, UCQL_E_NOMEM, mock__p_peek(p, 0)->pos, "out of memory");
	return p->rc = UCQL_E_NOMEM;
}

int mock__p_expect_kw(mock_parser *p, const char *kw)
{
	if (mock__p_accept_kw(p, kw))
		return 0;
	/* ANTLR names keyword tokens K_FROM, K_WHERE... */
	char up[40] = "K_";
	size_t k = 0;
	for (; kw[k] && k < sizeof up - 3; k++)
		up[k + 2] = (char)(kw[k] >= 'a' && kw[k] <= 'z' ? kw[k] - 32 : kw[k]);
	up[k + 2] = 0;
	return mock__p_fail_expect(p, mock__p_peek(p, 0), up);
}

int mock__p_expect(mock_parser *p, int kind)
{
	if (mock__p_accept(p, kind))
		return 0;
	char what[8] = { '\'', (char)kind, '\'', 0 };
	return mock__p_fail_expect(p, mock__p_peek(p, 0), kind < 128 ? what : "token");
}

/* ==== arena helpers ====================================================== */

void *mock__p_alloc(mock_parser *p, size_t n)
{
	void *m = mock_arena_alloc(p->a, n);
	if (!m)
		mock__p_nomem(p);
	return m;
}

char *mock__p_strdup(mock_parser *p, const char *s, size_t n)
{
	char *d = mock_arena_strndup(p->a, s, n);
	if (!d)
		mock__p_nomem(p);
	return d;
}

int mock__p_push(mock_parser *p, void *arr, size_t *n, size_t *cap, const void *elem, size_t es)
{
	char **a = arr;
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 4;
		char *m = mock__p_alloc(p, c * es);
		if (!m)
			return p->rc;
		if (*n)
			memcpy(m, *a, *n * es);
		*a = m;
		*cap = c;
	}
	memcpy(*a + *n * es, elem, es);
	(*n)++;
	return 0;
}

/* ==== names ============================================================== */

/* Cassandra's reserved keywords (CQL reference, appendix A): never an
 * unquoted identifier. */
static const char *const reserved[] = {
	"add", "allow", "alter", "and", "apply", "asc", "authorize", "batch", "begin", "by",
	"columnfamily", "create", "delete", "desc", "describe", "drop", "entries", "execute",
	"from", "full", "grant", "if", "in", "index", "infinity", "insert", "into", "keyspace",
	"limit", "modify", "nan", "norecursive", "not", "null", "of", "on", "or", "order",
	"primary", "rename", "revoke", "schema", "select", "set", "table", "to", "token",
	"truncate", "unlogged", "update", "use", "using", "where", "with",
};

static int is_reserved(const char *w)
{
	for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
		if (strcmp(reserved[i], w) == 0)
			return 1;
	return 0;
}

int mock__p_is_ident_tok(const mock_cql_token *t)
{
	return t->kind == MOCK_TOK_QIDENT || (t->kind == MOCK_TOK_WORD && !is_reserved(t->text));
}

const char *mock__p_ident(mock_parser *p)
{
	const mock_cql_token *t = mock__p_peek(p, 0);
	if (!mock__p_is_ident_tok(t)) {
		mock__p_fail_at(p, t);
		return NULL;
	}
	mock__p_next(p);
	return mock__p_strdup(p, t->text, t->text_len);
}

int mock__p_qname(mock_parser *p, mock_qname *out)
{
	out->ks = NULL;
	out->name = mock__p_ident(p);
	if (!out->name)
		return p->rc;
	if (mock__p_peek(p, 0)->kind == '.') {
		mock__p_next(p);
		out->ks = out->name;
		out->name = mock__p_ident(p);
		if (!out->name)
			return p->rc;
	}
	return 0;
}

/* ==== terms ============================================================== */

static mock_term *term_new(mock_parser *p, int kind, const mock_cql_token *t)
{
	mock_term *m = mock__p_alloc(p, sizeof *m);
	if (m) {
		m->kind = kind;
		m->pos = t->pos;
	}
	return m;
}

static int term_text(mock_parser *p, mock_term *m, const char *s, size_t n)
{
	m->text = mock__p_strdup(p, s, n);
	m->len = n;
	return m->text ? 0 : p->rc;
}

static int add_item(mock_parser *p, mock_term *m, size_t *cap, mock_term *item)
{
	return mock__p_push(p, &m->items, &m->n_items, cap, &item, sizeof item);
}

static const char *const native_types[] = {
	"ascii", "bigint", "blob", "boolean", "counter", "date", "decimal", "double",
	"duration", "float", "inet", "int", "smallint", "text", "time", "timestamp",
	"timeuuid", "tinyint", "uuid", "varchar", "varint",
};

static int is_native_type(const mock_cql_token *t)
{
	if (t->kind != MOCK_TOK_WORD)
		return 0;
	for (size_t i = 0; i < sizeof native_types / sizeof *native_types; i++)
		if (strcmp(native_types[i], t->text) == 0)
			return 1;
	return 0;
}

/* Literal words: true, false, null, NaN, Infinity. */
static int literal_word(const mock_cql_token *t)
{
	return mock__p_is_kw(t, "true") || mock__p_is_kw(t, "false") || mock__p_is_kw(t, "null") ||
	       mock__p_is_kw(t, "nan") || mock__p_is_kw(t, "infinity");
}

int mock__p_term_start(const mock_parser *p)
{
	const mock_cql_token *t = mock__p_peek(p, 0);
	switch (t->kind) {
	case MOCK_TOK_STRING: case MOCK_TOK_INT: case MOCK_TOK_FLOAT: case MOCK_TOK_HEX:
	case MOCK_TOK_UUID: case MOCK_TOK_DURATION: case '-': case '?': case ':': case '[':
	case '{': case '(':
		return 1;
	case MOCK_TOK_WORD:
		return literal_word(t) || mock__p_peek(p, 1)->kind == '(' ||
		       (mock__p_peek(p, 1)->kind == '.' && mock__p_peek(p, 3)->kind == '(');
	default:
		return 0;
	}
}

static mock_term *bind_marker(mock_parser *p, const mock_cql_token *t, const char *name,
			      const mock_bctx *ctx)
{
	mock_term *m = term_new(p, MOCK_TERM_BIND, t);
	if (!m)
		return NULL;
	m->name = name;
	m->bind_index = (int)p->n_binds;
	mock_bind b = {
		.index = m->bind_index,
		.role = ctx ? ctx->role : MOCK_BIND_OTHER,
		.name = name,
		.column = ctx ? ctx->column : NULL,
		.field = ctx ? ctx->field : NULL,
		.term = m,
	};
	if (mock__p_push(p, &p->binds, &p->n_binds, &p->cap_binds, &b, sizeof b))
		return NULL;
	return m;
}

/* Inside a collection or tuple literal, a marker binds to an element. */
static mock_bctx elem_ctx(const mock_bctx *ctx)
{
	mock_bctx e = { MOCK_BIND_ELEMENT, ctx ? ctx->column : NULL, NULL };
	return e;
}

static mock_term *parse_func(mock_parser *p, const mock_bctx *ctx)
{
	const mock_cql_token *t = mock__p_next(p);
	mock_term *m = term_new(p, MOCK_TERM_FUNC, t);
	if (!m)
		return NULL;
	if (mock__p_peek(p, 0)->kind == '.') {
		mock__p_next(p);
		const mock_cql_token *f = mock__p_next(p);
		if (f->kind != MOCK_TOK_WORD && f->kind != MOCK_TOK_QIDENT) {
			mock__p_fail_at(p, f);
			return NULL;
		}
		size_t n = t->text_len + 1 + f->text_len;
		char *name = mock__p_alloc(p, n + 1);
		if (!name)
			return NULL;
		memcpy(name, t->text, t->text_len);
		name[t->text_len] = '.';
		memcpy(name + t->text_len + 1, f->text, f->text_len);
		m->name = name;
	} else {
		m->name = mock__p_strdup(p, t->text, t->text_len);
	}
	if (!m->name || mock__p_expect(p, '('))
		return NULL;
	mock_bctx a = { MOCK_BIND_FUNC_ARG, ctx ? ctx->column : NULL, NULL };
	size_t cap = 0;
	if (!mock__p_accept(p, ')')) {
		do {
			mock_term *arg = mock__p_term(p, &a);
			if (!arg || add_item(p, m, &cap, arg))
				return NULL;
		} while (mock__p_accept(p, ','));
		if (mock__p_expect(p, ')'))
			return NULL;
	}
	return m;
}

static mock_term *parse_brace(mock_parser *p, const mock_bctx *ctx)
{
	const mock_cql_token *open = mock__p_next(p);
	mock_term *m = term_new(p, MOCK_TERM_BRACE, open);
	if (!m)
		return NULL;
	if (mock__p_accept(p, '}'))
		return m;
	mock_bctx e = elem_ctx(ctx);
	size_t cap = 0, kcap = 0, nk = 0;
	int keyed = -1; /* unknown until the first entry */
	do {
		const mock_cql_token *t = mock__p_peek(p, 0);
		mock_term *key;
		if ((t->kind == MOCK_TOK_QIDENT || (t->kind == MOCK_TOK_WORD && !literal_word(t))) &&
		    mock__p_peek(p, 1)->kind == ':') {
			/* {field: term}: a UDT literal's field name */
			mock__p_next(p);
			key = term_new(p, MOCK_TERM_IDENT, t);
			if (!key || term_text(p, key, t->text, t->text_len))
				return NULL;
			key->name = key->text;
		} else {
			key = mock__p_term(p, &e);
			if (!key)
				return NULL;
		}
		int has_colon = mock__p_peek(p, 0)->kind == ':';
		if (keyed < 0)
			keyed = has_colon;
		if (has_colon != keyed) {
			mock__p_fail_at(p, mock__p_peek(p, 0));
			return NULL;
		}
		if (keyed) {
			mock__p_next(p);
			mock_term *v = mock__p_term(p, &e);
			if (!v || mock__p_push(p, &m->keys, &nk, &kcap, &key, sizeof key) ||
			    add_item(p, m, &cap, v))
				return NULL;
		} else if (add_item(p, m, &cap, key)) {
			return NULL;
		}
	} while (mock__p_accept(p, ','));
	if (mock__p_expect(p, '}'))
		return NULL;
	return m;
}

static mock_term *parse_paren(mock_parser *p, const mock_bctx *ctx)
{
	const mock_cql_token *open = mock__p_next(p);
	if (is_native_type(mock__p_peek(p, 0)) && mock__p_peek(p, 1)->kind == ')') {
		/* (type)term: a type hint */
		const mock_cql_token *ty = mock__p_next(p);
		mock__p_next(p);
		mock_term *m = term_new(p, MOCK_TERM_CAST, open);
		if (!m || !(m->name = mock__p_strdup(p, ty->text, ty->text_len)))
			return NULL;
		mock_term *inner = mock__p_term(p, ctx);
		size_t cap = 0;
		if (!inner || add_item(p, m, &cap, inner))
			return NULL;
		return m;
	}
	mock_term *m = term_new(p, MOCK_TERM_TUPLE, open);
	if (!m)
		return NULL;
	mock_bctx e = elem_ctx(ctx);
	size_t cap = 0;
	do {
		mock_term *it = mock__p_term(p, &e);
		if (!it || add_item(p, m, &cap, it))
			return NULL;
	} while (mock__p_accept(p, ','));
	if (mock__p_expect(p, ')'))
		return NULL;
	return m;
}

static mock_term *term_inner(mock_parser *p, const mock_bctx *ctx)
{
	const mock_cql_token *t = mock__p_peek(p, 0);
	mock_term *m;
	switch (t->kind) {
	case '-': {
		/* A sign belongs to an adjacent number, duration, NaN or Infinity */
		const mock_cql_token *n = mock__p_peek(p, 1);
		int kind = n->kind == MOCK_TOK_INT ? MOCK_TERM_INT
			 : n->kind == MOCK_TOK_FLOAT ? MOCK_TERM_FLOAT
			 : n->kind == MOCK_TOK_DURATION ? MOCK_TERM_DURATION
			 : (mock__p_is_kw(n, "nan") || mock__p_is_kw(n, "infinity")) ? MOCK_TERM_FLOAT : 0;
		if (!kind || n->pos != t->pos + 1) {
			mock__p_fail_at(p, t);
			return NULL;
		}
		mock__p_next(p);
		mock__p_next(p);
		m = term_new(p, kind, t);
		if (!m || term_text(p, m, p->src + t->pos, n->pos + n->len - t->pos))
			return NULL;
		if (kind == MOCK_TERM_FLOAT && n->kind == MOCK_TOK_WORD)
			memcpy((char *)m->text + 1, mock__p_is_kw(n, "nan") ? "NaN" : "Infinity", m->len - 1);
		return m;
	}
	case MOCK_TOK_INT: case MOCK_TOK_FLOAT: case MOCK_TOK_UUID: case MOCK_TOK_DURATION:
	case MOCK_TOK_STRING: case MOCK_TOK_HEX: {
		static const int kinds[] = {
			[MOCK_TOK_INT - MOCK_TOK_WORD] = MOCK_TERM_INT,
			[MOCK_TOK_FLOAT - MOCK_TOK_WORD] = MOCK_TERM_FLOAT,
			[MOCK_TOK_UUID - MOCK_TOK_WORD] = MOCK_TERM_UUID,
			[MOCK_TOK_DURATION - MOCK_TOK_WORD] = MOCK_TERM_DURATION,
			[MOCK_TOK_STRING - MOCK_TOK_WORD] = MOCK_TERM_STRING,
			[MOCK_TOK_HEX - MOCK_TOK_WORD] = MOCK_TERM_HEX,
		};
		mock__p_next(p);
		m = term_new(p, kinds[t->kind - MOCK_TOK_WORD], t);
		if (!m || term_text(p, m, t->text, t->text_len))
			return NULL;
		return m;
	}
	case MOCK_TOK_WORD:
		if (mock__p_is_kw(t, "true") || mock__p_is_kw(t, "false")) {
			m = term_new(p, MOCK_TERM_BOOL, t);
		} else if (mock__p_is_kw(t, "null")) {
			m = term_new(p, MOCK_TERM_NULL, t);
		} else if (mock__p_is_kw(t, "nan") || mock__p_is_kw(t, "infinity")) {
			mock__p_next(p);
			m = term_new(p, MOCK_TERM_FLOAT, t);
			if (!m || term_text(p, m, mock__p_is_kw(t, "nan") ? "NaN" : "Infinity",
					    mock__p_is_kw(t, "nan") ? 3 : 8))
				return NULL;
			return m;
		} else if (mock__p_peek(p, 1)->kind == '(' ||
			   (mock__p_peek(p, 1)->kind == '.' && mock__p_peek(p, 3)->kind == '(')) {
			return parse_func(p, ctx);
		} else {
			mock__p_fail_at(p, t);
			return NULL;
		}
		mock__p_next(p);
		if (!m || term_text(p, m, t->text, t->text_len))
			return NULL;
		return m;
	case '?':
		mock__p_next(p);
		return bind_marker(p, t, NULL, ctx);
	case ':': {
		mock__p_next(p);
		const char *name = mock__p_ident(p);
		return name ? bind_marker(p, t, name, ctx) : NULL;
	}
	case '[': {
		mock__p_next(p);
		m = term_new(p, MOCK_TERM_LIST, t);
		if (!m)
			return NULL;
		mock_bctx e = elem_ctx(ctx);
		size_t cap = 0;
		if (mock__p_accept(p, ']'))
			return m;
		do {
			mock_term *it = mock__p_term(p, &e);
			if (!it || add_item(p, m, &cap, it))
				return NULL;
		} while (mock__p_accept(p, ','));
		return mock__p_expect(p, ']') ? NULL : m;
	}
	case '{':
		return parse_brace(p, ctx);
	case '(':
		return parse_paren(p, ctx);
	default:
		mock__p_fail_at(p, t);
		return NULL;
	}
}

mock_term *mock__p_term(mock_parser *p, const mock_bctx *ctx)
{
	/* Literals nest ([[[...]]]): bound the recursion like the codec's
	 * type parser bounds type nesting. */
	if (++p->depth > 2 * UCQL_TYPE_MAX_DEPTH) {
		mock__p_fail_invalid(p, mock__p_peek(p, 0)->pos, "Term nesting too deep");
		return NULL;
	}
	mock_term *m = term_inner(p, ctx);
	p->depth--;
	return m;
}

/* ==== relations ========================================================== */

static int parse_op(mock_parser *p)
{
	switch (mock__p_peek(p, 0)->kind) {
	case '=': mock__p_next(p); return MOCK_OP_EQ;
	case MOCK_TOK_NE: mock__p_next(p); return MOCK_OP_NEQ;
	case '<': mock__p_next(p); return MOCK_OP_LT;
	case MOCK_TOK_LE: mock__p_next(p); return MOCK_OP_LE;
	case '>': mock__p_next(p); return MOCK_OP_GT;
	case MOCK_TOK_GE: mock__p_next(p); return MOCK_OP_GE;
	default: return 0;
	}
}

static int ident_list(mock_parser *p, const char ***out, size_t *n)
{
	size_t cap = 0;
	if (mock__p_expect(p, '('))
		return p->rc;
	do {
		const char *c = mock__p_ident(p);
		if (!c || mock__p_push(p, out, n, &cap, &c, sizeof c))
			return p->rc;
	} while (mock__p_accept(p, ','));
	return mock__p_expect(p, ')');
}

/* (t1, t2) for the columns of a multi-column relation: each element
 * binds to its own column; `?` alone binds to the tuple. */
static mock_term *multi_value(mock_parser *p, mock_relation *r)
{
	const mock_cql_token *t = mock__p_peek(p, 0);
	if (t->kind != '(') {
		mock_bctx c = { MOCK_BIND_TUPLE, r->cols[0], NULL };
		return mock__p_term(p, &c);
	}
	mock__p_next(p);
	mock_term *m = term_new(p, MOCK_TERM_TUPLE, t);
	size_t cap = 0;
	if (!m)
		return NULL;
	do {
		mock_bctx c = { MOCK_BIND_VALUE, m->n_items < r->n_cols ? r->cols[m->n_items] : NULL, NULL };
		mock_term *it = mock__p_term(p, &c);
		if (!it || add_item(p, m, &cap, it))
			return NULL;
	} while (mock__p_accept(p, ','));
	return mock__p_expect(p, ')') ? NULL : m;
}

/* IN ? | IN (v, ...) — for one column or (multi) tuples. */
static int parse_in(mock_parser *p, mock_relation *r, int multi)
{
	r->op = MOCK_OP_IN;
	if (mock__p_peek(p, 0)->kind != '(') {
		mock_bctx c = { MOCK_BIND_IN_LIST, r->cols[0], NULL };
		r->value = mock__p_term(p, &c);
		return r->value ? 0 : p->rc;
	}
	mock__p_next(p);
	size_t cap = 0;
	if (mock__p_accept(p, ')'))
		return 0;
	do {
		mock_bctx c = { MOCK_BIND_VALUE, r->cols[0], NULL };
		mock_term *v = multi ? multi_value(p, r) : mock__p_term(p, &c);
		if (!v || mock__p_push(p, &r->in, &r->n_in, &cap, &v, sizeof v))
			return p->rc;
	} while (mock__p_accept(p, ','));
	return mock__p_expect(p, ')');
}

/* One relation; `cond` allows IF-condition forms (col[k], col.f). */
static int parse_relation(mock_parser *p, mock_relation *r, int cond)
{
	const mock_cql_token *t = mock__p_peek(p, 0);
	size_t cap = 0;
	memset(r, 0, sizeof *r);
	r->pos = t->pos;
	if (!cond && mock__p_is_kw(t, "token") && mock__p_peek(p, 1)->kind == '(') {
		mock__p_next(p);
		r->kind = MOCK_REL_TOKEN;
		if (ident_list(p, &r->cols, &r->n_cols))
			return p->rc;
		if (!(r->op = parse_op(p)))
			return mock__p_fail_at(p, mock__p_peek(p, 0));
		mock_bctx c = { MOCK_BIND_TOKEN, NULL, NULL };
		r->value = mock__p_term(p, &c);
		return r->value ? 0 : p->rc;
	}
	if (!cond && t->kind == '(') {
		r->kind = MOCK_REL_MULTI;
		if (ident_list(p, &r->cols, &r->n_cols))
			return p->rc;
		if (mock__p_accept_kw(p, "in"))
			return parse_in(p, r, 1);
		if (!(r->op = parse_op(p)))
			return mock__p_fail_at(p, mock__p_peek(p, 0));
		r->value = multi_value(p, r);
		return r->value ? 0 : p->rc;
	}
	r->kind = MOCK_REL_COLUMN;
	const char *col = mock__p_ident(p);
	if (!col || mock__p_push(p, &r->cols, &r->n_cols, &cap, &col, sizeof col))
		return p->rc;
	mock_bctx c = { MOCK_BIND_VALUE, col, NULL };
	if (cond && mock__p_accept(p, '[')) {
		mock_bctx k = { MOCK_BIND_MAP_KEY, col, NULL };
		if (!(r->elem_key = mock__p_term(p, &k)) || mock__p_expect(p, ']'))
			return p->rc;
		c.role = MOCK_BIND_ELEMENT;
	} else if (cond && mock__p_accept(p, '.')) {
		const char *f = mock__p_ident(p);
		if (!f)
			return p->rc;
		r->field = f;
		c.role = MOCK_BIND_FIELD;
		c.field = f;
	}
	if (mock__p_accept_kw(p, "in"))
		return parse_in(p, r, 0);
	if (!cond && mock__p_accept_kw(p, "contains")) {
		r->op = mock__p_accept_kw(p, "key") ? MOCK_OP_CONTAINS_KEY : MOCK_OP_CONTAINS;
		c.role = MOCK_BIND_ELEMENT;
	} else if (!cond && mock__p_accept_kw(p, "like")) {
		r->op = MOCK_OP_LIKE;
	} else if (!cond && mock__p_accept_kw(p, "is")) {
		if (mock__p_expect_kw(p, "not") || mock__p_expect_kw(p, "null"))
			return p->rc;
		r->op = MOCK_OP_IS_NOT_NULL;
		return 0;
	} else if (!(r->op = parse_op(p))) {
		return mock__p_fail_at(p, mock__p_peek(p, 0));
	}
	r->value = mock__p_term(p, &c);
	return r->value ? 0 : p->rc;
}

static int relations(mock_parser *p, mock_relation **out, size_t *n, int cond)
{
	size_t cap = 0;
	do {
		mock_relation r;
		if (parse_relation(p, &r, cond) || mock__p_push(p, out, n, &cap, &r, sizeof r))
			return p->rc;
	} while (mock__p_accept_kw(p, "and"));
	return 0;
}

int mock__p_where(mock_parser *p, mock_relation **out, size_t *n)
{
	return relations(p, out, n, 0);
}

int mock__p_conditions(mock_parser *p, int *if_exists, mock_relation **out, size_t *n)
{
	if (mock__p_accept_kw(p, "exists")) {
		*if_exists = 1;
		return 0;
	}
	return relations(p, out, n, 1);
}

int mock__p_using(mock_parser *p, mock_using *u)
{
	do {
		const mock_cql_token *t = mock__p_peek(p, 0);
		mock_bctx c = { 0, NULL, NULL };
		mock_term **slot;
		if (mock__p_accept_kw(p, "ttl")) {
			c.role = MOCK_BIND_TTL;
			slot = &u->ttl;
		} else if (mock__p_accept_kw(p, "timestamp")) {
			c.role = MOCK_BIND_TIMESTAMP;
			slot = &u->timestamp;
		} else {
			return mock__p_fail_at(p, t);
		}
		if (!(*slot = mock__p_term(p, &c)))
			return p->rc;
	} while (mock__p_accept_kw(p, "and"));
	return 0;
}

void mock__p_bind_table(mock_parser *p, size_t from, const mock_qname *q)
{
	for (size_t i = from; i < p->n_binds; i++) {
		p->binds[i].ks = q->ks;
		p->binds[i].table = q->name;
	}
}

/* ==== statements ========================================================= */

mock_stmt *mock__p_stmt_new(mock_parser *p, int kind, size_t pos)
{
	mock_stmt *s = mock__p_alloc(p, sizeof *s);
	if (s) {
		s->kind = kind;
		s->pos = pos;
	}
	return s;
}

static mock_stmt *statement(mock_parser *p)
{
	const mock_cql_token *t = mock__p_peek(p, 0);
	if (mock__p_is_kw(t, "select"))
		return mock__p_select(p);
	if (mock__p_is_kw(t, "insert"))
		return mock__p_insert(p);
	if (mock__p_is_kw(t, "update"))
		return mock__p_update(p);
	if (mock__p_is_kw(t, "delete"))
		return mock__p_delete(p);
	if (mock__p_is_kw(t, "begin"))
		return mock__p_batch(p);
	return mock__p_ddl(p);
}

int mock_cql_parse(mock_arena *a, const char *text, size_t len, mock_parsed *out,
		   mock_cql_error *err)
{
	mock_cql_tokens toks;
	memset(out, 0, sizeof *out);
	memset(err, 0, sizeof *err);
	int rc = mock_cql_lex(a, text, len, &toks, err);
	if (rc)
		return rc;
	mock_parser p = { .a = a, .src = text, .len = len, .t = toks.t, .n = toks.n, .err = err };
	mock_stmt *s = statement(&p);
	if (!s)
		return p.rc ? p.rc : mock__p_nomem(&p);
	mock__p_accept(&p, ';');
	if (mock__p_peek(&p, 0)->kind != MOCK_TOK_EOF)
		return mock__p_fail_expect(&p, mock__p_peek(&p, 0), "EOF");
	out->stmt = s;
	out->binds = p.binds;
	out->n_binds = p.n_binds;
	return 0;
}
