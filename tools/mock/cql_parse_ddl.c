/*
 * cql_parse_ddl.c — USE, TRUNCATE, CREATE/DROP KEYSPACE, TABLE and TYPE,
 * column types, and the statements parsed only to be refused (GRANT,
 * CREATE ROLE, ...). See cql_parse_int.h for the conventions.
 */
#include <stdlib.h>
#include <string.h>

#include "cql_parse_int.h"

/* ==== column types ======================================================= */

/* The normalized type text being built (malloc'd, copied to the arena at
 * the end: types are short, the copy is cheap). */
typedef struct sbuf {
	char *p;
	size_t n, cap;
	int oom;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = (b->n + n + 1) * 2;
		char *m = realloc(b->p, cap);
		if (!m) {
			b->oom = 1;
			return;
		}
		b->p = m;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

static void sb_str(sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* s quoted with q, q doubled inside. */
static void sb_quoted(sbuf *b, const char *s, size_t n, char q)
{
	sb_add(b, &q, 1);
	for (size_t i = 0; i < n; i++) {
		sb_add(b, s + i, 1);
		if (s[i] == q)
			sb_add(b, &q, 1);
	}
	sb_add(b, &q, 1);
}

/* What kind of type parse_type just read, for Cassandra's nesting rules. */
enum { TY_OTHER, TY_COLL, TY_UDT, TY_COUNTER };  /* 0 = none */

static int type_name_part(mock_parser *p, sbuf *b, const mock_cql_token *t)
{
	if (t->kind == MOCK_TOK_QIDENT)
		sb_quoted(b, t->text, t->text_len, '"');
	else if (mock__p_is_ident_tok(t))
		sb_add(b, t->text, t->text_len);
	else
		return mock__p_fail_at(p, t);
	return 0;
}

/* Reads one type into b; *kind says what it was (frozen ones are TY_OTHER).
 * in_coll: inside list/set/map, where Cassandra wants nested collections
 * and UDTs frozen and refuses counters. */
static int parse_type(mock_parser *p, sbuf *b, int *kind, int in_coll, int *bad)
{
	const mock_cql_token *t = mock__p_next(p);
	*kind = TY_OTHER;
	if (t->kind == MOCK_TOK_STRING) {
		sb_quoted(b, t->text, t->text_len, '\'');
		return 0;
	}
	if (t->kind == MOCK_TOK_WORD && mock__p_peek(p, 0)->kind == '<') {
		const char *w = t->text;
		int n_args = -1; /* -1: one or more */
		if (!strcmp(w, "list") || !strcmp(w, "set") || !strcmp(w, "frozen"))
			n_args = 1;
		else if (!strcmp(w, "map") || !strcmp(w, "vector"))
			n_args = 2;
		else if (strcmp(w, "tuple"))
			return mock__p_fail_at(p, mock__p_peek(p, 0));
		int frozen = !strcmp(w, "frozen"), coll = n_args > 0 && !frozen && strcmp(w, "vector");
		sb_str(b, w);
		sb_str(b, "<");
		mock__p_next(p);
		int got = 0, inner = TY_OTHER;
		do {
			if (got)
				sb_str(b, ", ");
			if (!strcmp(w, "vector") && got == 1) {
				const mock_cql_token *d = mock__p_next(p);
				if (d->kind != MOCK_TOK_INT)
					return mock__p_fail_expect(p, d, "INTEGER");
				sb_add(b, d->text, d->text_len);
			} else if (parse_type(p, b, &inner, coll, bad)) {
				return p->rc;
			}
			got++;
			if (frozen)
				inner = TY_OTHER; /* frozen<x> is frozen whatever x is */
			if (coll && inner == TY_COUNTER && !*bad)
				*bad = TY_COUNTER;
		} while (mock__p_accept(p, ','));
		if (n_args > 0 && got != n_args)
			return mock__p_fail_at(p, mock__p_peek(p, 0));
		if (mock__p_expect(p, '>'))
			return p->rc;
		sb_str(b, ">");
		*kind = coll ? TY_COLL : TY_OTHER;
		if (frozen)
			*kind = TY_OTHER;
		goto check;
	}
	if (type_name_part(p, b, t))
		return p->rc;
	if (mock__p_accept(p, '.')) {
		sb_str(b, ".");
		if (type_name_part(p, b, mock__p_next(p)))
			return p->rc;
		*kind = TY_UDT;
	} else if (t->kind == MOCK_TOK_WORD && !strcmp(t->text, "counter")) {
		*kind = TY_COUNTER;
	} else {
		static const char *const natives[] = {
			"ascii", "bigint", "blob", "boolean", "date", "decimal", "double", "duration",
			"float", "inet", "int", "smallint", "text", "time", "timestamp", "timeuuid",
			"tinyint", "uuid", "varchar", "varint",
		};
		*kind = TY_UDT;
		for (size_t i = 0; t->kind == MOCK_TOK_WORD && i < sizeof natives / sizeof *natives; i++)
			if (!strcmp(natives[i], t->text))
				*kind = TY_OTHER;
	}
check:
	/* reported by column_type, once the whole type text is known */
	if (in_coll && (*kind == TY_COLL || *kind == TY_UDT) && !*bad)
		*bad = *kind;
	return 0;
}

/* A column (or field) type: its normalized text, parsed by the codec. */
static int column_type(mock_parser *p, mock_column_def *c, int *kind)
{
	sbuf b = { 0 };
	size_t start = mock__p_peek(p, 0)->pos;
	int bad = 0;
	int rc = parse_type(p, &b, kind, 0, &bad);
	if (!rc && b.oom)
		rc = mock__p_nomem(p);
	if (!rc && bad)
		rc = mock__p_fail_invalid(p, start, "%s are not allowed inside collections: %s",
					  bad == TY_COLL ? "Non-frozen collections"
					  : bad == TY_UDT ? "Non-frozen UDTs" : "Counters", b.p);
	if (!rc && !(c->type_text = mock__p_strdup(p, b.p, b.n)))
		rc = p->rc;
	free(b.p);
	if (rc)
		return rc;
	/* Every node is named, and names are separated by ',' or '<': that
	 * bounds the node count. */
	size_t cap = 2;
	for (const char *s = c->type_text; *s; s++)
		cap += *s == ',' || *s == '<';
	ucql_type *nodes = mock__p_alloc(p, cap * sizeof *nodes);
	if (!nodes)
		return p->rc;
	ucql_type_set_init(&c->types, nodes, cap);
	c->type_root = ucql_type_parse_cql(&c->types, ucql_bytes_str(c->type_text));
	if (c->type_root < 0)
		return mock__p_fail_invalid(p, start, "Invalid type %s", c->type_text);
	return 0;
}

/* ==== options ============================================================ */

static int option(mock_parser *p, mock_option **opts, size_t *n, size_t *cap)
{
	mock_option o;
	mock_bctx c = { MOCK_BIND_OTHER, NULL, NULL };
	if (!(o.name = mock__p_ident(p)) || mock__p_expect(p, '=') || !(o.value = mock__p_term(p, &c)))
		return p->rc;
	return mock__p_push(p, opts, n, cap, &o, sizeof o);
}

static const char *term_as_text(const mock_term *t)
{
	switch (t->kind) {
	case MOCK_TERM_STRING: case MOCK_TERM_INT: case MOCK_TERM_FLOAT: case MOCK_TERM_BOOL:
	case MOCK_TERM_IDENT: case MOCK_TERM_UUID: case MOCK_TERM_DURATION:
		return t->text;
	default:
		return NULL;
	}
}

/* ==== statements ========================================================= */

static int if_not_exists(mock_parser *p, int *flag)
{
	if (!mock__p_accept_kw(p, "if"))
		return 0;
	if (mock__p_expect_kw(p, "not") || mock__p_expect_kw(p, "exists"))
		return p->rc;
	*flag = 1;
	return 0;
}

static int if_exists(mock_parser *p, int *flag)
{
	if (!mock__p_accept_kw(p, "if"))
		return 0;
	if (mock__p_expect_kw(p, "exists"))
		return p->rc;
	*flag = 1;
	return 0;
}

static mock_stmt *create_keyspace(mock_parser *p, size_t pos)
{
	size_t cap = 0;
	mock_stmt *st = mock__p_stmt_new(p, MOCK_STMT_CREATE_KEYSPACE, pos);
	if (!st)
		return NULL;
	mock_create_keyspace *k = &st->u.create_ks;
	k->durable_writes = 1;
	if (if_not_exists(p, &k->if_not_exists) || !(k->name = mock__p_ident(p)) ||
	    mock__p_expect_kw(p, "with"))
		return NULL;
	do {
		if (option(p, &k->opts, &k->n_opts, &cap))
			return NULL;
	} while (mock__p_accept_kw(p, "and"));
	const mock_term *repl = NULL;
	for (size_t i = 0; i < k->n_opts; i++) {
		const mock_term *v = k->opts[i].value;
		if (!strcmp(k->opts[i].name, "replication")) {
			repl = v;
		} else if (!strcmp(k->opts[i].name, "durable_writes")) {
			const char *s = term_as_text(v);
			if (!s || (strcmp(s, "true") && strcmp(s, "false"))) {
				mock__p_fail_invalid(p, v->pos, "Invalid value for property 'durable_writes'");
				return NULL;
			}
			k->durable_writes = !strcmp(s, "true");
		} else {
			mock__p_fail_invalid(p, v->pos, "Unknown property '%s'", k->opts[i].name);
			p->err->code = p->rc = UCQL_E_SYNTAX;
			return NULL;
		}
	}
	if (!repl || repl->kind != MOCK_TERM_BRACE || (repl->n_items && !repl->keys)) {
		mock__p_fail_invalid(p, repl ? repl->pos : pos, "Missing mandatory option 'replication'");
		p->err->code = p->rc = UCQL_E_CONFIG;
		return NULL;
	}
	cap = 0;
	for (size_t i = 0; i < repl->n_items; i++) {
		mock_kv kv = { term_as_text(repl->keys[i]), term_as_text(repl->items[i]) };
		if (!kv.key || !kv.value) {
			mock__p_fail_invalid(p, repl->keys[i]->pos, "Invalid replication option");
			p->err->code = p->rc = UCQL_E_CONFIG;
			return NULL;
		}
		if (!strcmp(kv.key, "class"))
			k->repl_class = kv.value;
		else if (mock__p_push(p, &k->repl, &k->n_repl, &cap, &kv, sizeof kv))
			return NULL;
	}
	if (!k->repl_class) {
		mock__p_fail_invalid(p, repl->pos, "Missing replication strategy class");
		p->err->code = p->rc = UCQL_E_CONFIG;
		return NULL;
	}
	return st;
}

static int find_col(const mock_create_table *c, const char *name)
{
	for (size_t i = 0; i < c->n_cols; i++)
		if (!strcmp(c->cols[i].name, name))
			return (int)i;
	return -1;
}

/* PRIMARY KEY ((a, b), c, d) */
static int primary_key(mock_parser *p, mock_create_table *c)
{
	size_t cap = 0, ccap = 0;
	if (mock__p_expect(p, '('))
		return p->rc;
	int paren = mock__p_accept(p, '(');
	do {
		const char *k = mock__p_ident(p);
		if (!k || mock__p_push(p, &c->pk, &c->n_pk, &cap, &k, sizeof k))
			return p->rc;
	} while (paren && mock__p_accept(p, ','));
	if (paren && mock__p_expect(p, ')'))
		return p->rc;
	while (mock__p_accept(p, ',')) {
		const char *k = mock__p_ident(p);
		if (!k || mock__p_push(p, &c->ck, &c->n_ck, &ccap, &k, sizeof k))
			return p->rc;
	}
	return mock__p_expect(p, ')');
}

static int table_options(mock_parser *p, mock_create_table *c, size_t pos)
{
	size_t cap = 0, ocap = 0, n_order = 0;
	mock_ordering *order = NULL;
	do {
		if (mock__p_accept_kw(p, "clustering")) {
			if (mock__p_expect_kw(p, "order") || mock__p_expect_kw(p, "by") || mock__p_expect(p, '('))
				return p->rc;
			do {
				mock_ordering o = { mock__p_ident(p), 0 };
				if (!o.column)
					return p->rc;
				if (mock__p_accept_kw(p, "desc"))
					o.desc = 1;
				else if (!mock__p_accept_kw(p, "asc"))
					return mock__p_fail_expect(p, mock__p_peek(p, 0), "ASC or DESC");
				if (mock__p_push(p, &order, &n_order, &ocap, &o, sizeof o))
					return p->rc;
			} while (mock__p_accept(p, ','));
			if (mock__p_expect(p, ')'))
				return p->rc;
		} else if (mock__p_accept_kw(p, "compact")) {
			if (mock__p_expect_kw(p, "storage"))
				return p->rc;
			c->compact_storage = 1;
		} else if (option(p, &c->opts, &c->n_opts, &cap)) {
			return p->rc;
		}
	} while (mock__p_accept_kw(p, "and"));
	/* Cassandra: CLUSTERING ORDER names clustering columns, in key order
	 * (a prefix of them; the rest stay ASC). */
	for (size_t i = 0; i < n_order; i++) {
		size_t k = 0;
		while (k < c->n_ck && strcmp(c->ck[k], order[i].column))
			k++;
		if (k == c->n_ck)
			return mock__p_fail_invalid(p, pos,
				"Only clustering key columns can be defined in CLUSTERING ORDER directive");
		if (k != i)
			return mock__p_fail_invalid(p, pos,
				"The order of columns in the CLUSTERING ORDER directive must be the one of the clustering key");
		c->ck_desc[k] = order[i].desc;
	}
	return 0;
}

static mock_stmt *create_table(mock_parser *p, size_t pos)
{
	size_t cap = 0;
	int n_pk_decl = 0, has_counter = 0, has_other = 0;
	const char *inline_pk = NULL;
	mock_stmt *st = mock__p_stmt_new(p, MOCK_STMT_CREATE_TABLE, pos);
	if (!st)
		return NULL;
	mock_create_table *c = &st->u.create_table;
	if (if_not_exists(p, &c->if_not_exists) || mock__p_qname(p, &c->table) || mock__p_expect(p, '('))
		return NULL;
	do {
		if (mock__p_peek(p, 0)->kind == ')')
			break; /* Cassandra accepts a trailing comma */
		if (mock__p_is_kw(mock__p_peek(p, 0), "primary")) {
			mock__p_next(p);
			n_pk_decl++;
			if (mock__p_expect_kw(p, "key") || primary_key(p, c))
				return NULL;
			continue;
		}
		mock_column_def d = { .pos = mock__p_peek(p, 0)->pos };
		int kind;
		if (!(d.name = mock__p_ident(p)) || column_type(p, &d, &kind))
			return NULL;
		if (find_col(c, d.name) >= 0) {
			mock__p_fail_invalid(p, d.pos, "Multiple definition of identifier %s", d.name);
			return NULL;
		}
		if (mock__p_accept_kw(p, "static"))
			d.is_static = 1;
		if (mock__p_accept_kw(p, "primary")) {
			if (mock__p_expect_kw(p, "key"))
				return NULL;
			n_pk_decl++;
			inline_pk = d.name;
		}
		if (mock__p_push(p, &c->cols, &c->n_cols, &cap, &d, sizeof d))
			return NULL;
	} while (mock__p_accept(p, ','));
	if (mock__p_expect(p, ')'))
		return NULL;
	if (n_pk_decl != 1) {
		mock__p_fail_invalid(p, pos, n_pk_decl ? "Multiple PRIMARY KEYs specified (exactly one required)"
						       : "No PRIMARY KEY specifed (exactly one required)");
		return NULL;
	}
	if (inline_pk) {
		const char **k = mock__p_alloc(p, sizeof *k);
		if (!k)
			return NULL;
		k[0] = inline_pk;
		c->pk = k;
		c->n_pk = 1;
	}
	if (!(c->ck_desc = mock__p_alloc(p, (c->n_ck + 1) * sizeof *c->ck_desc)))
		return NULL;
	for (size_t i = 0; i < c->n_pk + c->n_ck; i++) {
		const char *k = i < c->n_pk ? c->pk[i] : c->ck[i - c->n_pk];
		int ci = find_col(c, k);
		if (ci < 0) {
			mock__p_fail_invalid(p, pos, "Unknown definition %s referenced in PRIMARY KEY", k);
			return NULL;
		}
		if (c->cols[ci].is_static) {
			mock__p_fail_invalid(p, pos, "Static column %s cannot be part of the PRIMARY KEY", k);
			return NULL;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(j < c->n_pk ? c->pk[j] : c->ck[j - c->n_pk], k)) {
				mock__p_fail_invalid(p, pos, "Duplicate definition for %s in PRIMARY KEY", k);
				return NULL;
			}
	}
	for (size_t i = 0; i < c->n_cols; i++) {
		const mock_column_def *d = &c->cols[i];
		int in_key = 0;
		for (size_t j = 0; j < c->n_pk + c->n_ck; j++)
			in_key |= !strcmp(j < c->n_pk ? c->pk[j] : c->ck[j - c->n_pk], d->name);
		if (d->is_static && !c->n_ck) {
			mock__p_fail_invalid(p, d->pos, "Static columns are only useful (and thus allowed) if the table has at least one clustering column");
			return NULL;
		}
		if (!in_key) {
			if (ucql_type_at(&d->types, d->type_root)->id == UCQL_TYPE_COUNTER)
				has_counter = 1;
			else
				has_other = 1;
		}
	}
	if (has_counter && has_other) {
		mock__p_fail_invalid(p, pos, "Cannot mix counter and non counter columns in the same table");
		return NULL;
	}
	if (mock__p_accept_kw(p, "with") && table_options(p, c, pos))
		return NULL;
	return st;
}

static mock_stmt *create_type(mock_parser *p, size_t pos)
{
	size_t cap = 0;
	mock_stmt *st = mock__p_stmt_new(p, MOCK_STMT_CREATE_TYPE, pos);
	if (!st)
		return NULL;
	mock_create_type *c = &st->u.create_type;
	if (if_not_exists(p, &c->if_not_exists) || mock__p_qname(p, &c->type) || mock__p_expect(p, '('))
		return NULL;
	do {
		mock_column_def d = { .pos = mock__p_peek(p, 0)->pos };
		int kind;
		if (!(d.name = mock__p_ident(p)) || column_type(p, &d, &kind))
			return NULL;
		for (size_t i = 0; i < c->n_fields; i++)
			if (!strcmp(c->fields[i].name, d.name)) {
				mock__p_fail_invalid(p, d.pos, "Duplicate field name %s in type %s", d.name, c->type.name);
				return NULL;
			}
		if (mock__p_push(p, &c->fields, &c->n_fields, &cap, &d, sizeof d))
			return NULL;
	} while (mock__p_accept(p, ','));
	return mock__p_expect(p, ')') ? NULL : st;
}

/* A statement the mock knows but does not run: its leading keyword(s),
 * the rest skipped. */
static mock_stmt *unsupported(mock_parser *p, size_t pos, int words)
{
	mock_stmt *st = mock__p_stmt_new(p, MOCK_STMT_UNSUPPORTED, pos);
	if (!st)
		return NULL;
	sbuf b = { 0 };
	for (int i = 0; i < words; i++) {
		const mock_cql_token *t = mock__p_next(p);
		if (i)
			sb_str(&b, " ");
		for (size_t k = 0; k < t->text_len; k++) {
			char ch = t->text[k];
			sb_add(&b, ch >= 'a' && ch <= 'z' ? &(char){ (char)(ch - 32) } : &ch, 1);
		}
	}
	if (!b.oom)
		st->u.unsupported = mock__p_strdup(p, b.p, b.n);
	free(b.p);
	if (!st->u.unsupported)
		return b.oom ? (mock__p_nomem(p), NULL) : NULL;
	while (mock__p_peek(p, 0)->kind != MOCK_TOK_EOF)
		mock__p_next(p);
	return st;
}

static int word_in(const mock_cql_token *t, const char *const *words)
{
	for (; *words; words++)
		if (mock__p_is_kw(t, *words))
			return 1;
	return 0;
}

mock_stmt *mock__p_ddl(mock_parser *p)
{
	const mock_cql_token *t = mock__p_peek(p, 0), *t1 = mock__p_peek(p, 1);
	size_t pos = t->pos;
	static const char *const create_other[] = { "role", "user", "index", "custom", "materialized",
		"function", "or", "aggregate", "trigger", NULL };
	static const char *const drop_other[] = { "role", "user", "index", "materialized", "function",
		"aggregate", "trigger", NULL };
	static const char *const alter_what[] = { "keyspace", "table", "columnfamily", "type", "role",
		"user", "materialized", NULL };
	if (mock__p_is_kw(t, "use")) {
		mock__p_next(p);
		mock_stmt *st = mock__p_stmt_new(p, MOCK_STMT_USE, pos);
		return st && (st->u.name.name.name = mock__p_ident(p)) ? st : NULL;
	}
	if (mock__p_is_kw(t, "truncate")) {
		mock__p_next(p);
		if (!mock__p_accept_kw(p, "table"))
			mock__p_accept_kw(p, "columnfamily");
		mock_stmt *st = mock__p_stmt_new(p, MOCK_STMT_TRUNCATE, pos);
		return st && !mock__p_qname(p, &st->u.name.name) ? st : NULL;
	}
	if (mock__p_is_kw(t, "create")) {
		if (mock__p_is_kw(t1, "keyspace") || mock__p_is_kw(t1, "schema")) {
			mock__p_next(p), mock__p_next(p);
			return create_keyspace(p, pos);
		}
		if (mock__p_is_kw(t1, "table") || mock__p_is_kw(t1, "columnfamily")) {
			mock__p_next(p), mock__p_next(p);
			return create_table(p, pos);
		}
		if (mock__p_is_kw(t1, "type")) {
			mock__p_next(p), mock__p_next(p);
			return create_type(p, pos);
		}
		if (word_in(t1, create_other))
			return unsupported(p, pos, 2);
		mock__p_fail_at(p, t1);
		return NULL;
	}
	if (mock__p_is_kw(t, "drop")) {
		int kind = 0;
		if (mock__p_is_kw(t1, "keyspace") || mock__p_is_kw(t1, "schema"))
			kind = MOCK_STMT_DROP_KEYSPACE;
		else if (mock__p_is_kw(t1, "table") || mock__p_is_kw(t1, "columnfamily"))
			kind = MOCK_STMT_DROP_TABLE;
		else if (mock__p_is_kw(t1, "type"))
			kind = MOCK_STMT_DROP_TYPE;
		else if (word_in(t1, drop_other))
			return unsupported(p, pos, 2);
		if (!kind) {
			mock__p_fail_at(p, t1);
			return NULL;
		}
		mock__p_next(p), mock__p_next(p);
		mock_stmt *st = mock__p_stmt_new(p, kind, pos);
		if (!st || if_exists(p, &st->u.name.if_exists))
			return NULL;
		if (kind == MOCK_STMT_DROP_KEYSPACE)
			return (st->u.name.name.name = mock__p_ident(p)) ? st : NULL;
		return mock__p_qname(p, &st->u.name.name) ? NULL : st;
	}
	if (mock__p_is_kw(t, "alter")) {
		if (word_in(t1, alter_what))
			return unsupported(p, pos, 2);
		mock__p_fail_at(p, t1);
		return NULL;
	}
	if (mock__p_is_kw(t, "list"))
		return unsupported(p, pos, t1->kind == MOCK_TOK_WORD ? 2 : 1);
	if (mock__p_is_kw(t, "grant") || mock__p_is_kw(t, "revoke") || mock__p_is_kw(t, "describe") ||
	    mock__p_is_kw(t, "desc"))
		return unsupported(p, pos, 1);
	mock__p_fail_at(p, t);
	return NULL;
}
