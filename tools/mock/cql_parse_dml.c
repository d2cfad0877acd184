/*
 * cql_parse_dml.c — SELECT, INSERT, UPDATE, DELETE and BATCH (see
 * cql_parse_int.h for the conventions).
 */
#include <string.h>

#include "cql_parse_int.h"

/* ==== SELECT ============================================================= */

/* After SELECT, JSON and DISTINCT are keywords unless they are the column
 * itself (`SELECT json FROM t`, `SELECT distinct, x FROM t`). */
static int modifier(mock_parser *p, const char *kw)
{
	if (!mock__p_is_kw(mock__p_peek(p, 0), kw))
		return 0;
	const mock_cql_token *n = mock__p_peek(p, 1);
	if (mock__p_is_kw(n, "from") || mock__p_is_kw(n, "as") || n->kind == ',' || n->kind == '(' ||
	    n->kind == '.' || n->kind == MOCK_TOK_EOF)
		return 0;
	mock__p_next(p);
	return 1;
}

static int sel_add(mock_parser *p, mock_selector *s, size_t *cap, mock_selector *arg)
{
	return mock__p_push(p, &s->args, &s->n_args, cap, &arg, sizeof arg);
}

static mock_selector *selector(mock_parser *p, int top)
{
	const mock_cql_token *t = mock__p_peek(p, 0);
	mock_selector *s = mock__p_alloc(p, sizeof *s);
	size_t cap = 0;
	if (!s)
		return NULL;
	s->pos = t->pos;
	const mock_cql_token *n1 = mock__p_peek(p, 1);
	if (mock__p_is_kw(t, "cast") && n1->kind == '(') {
		mock__p_next(p);
		mock__p_next(p);
		s->kind = MOCK_SEL_CAST;
		mock_selector *arg = selector(p, 0);
		if (!arg || sel_add(p, s, &cap, arg) || mock__p_expect_kw(p, "as"))
			return NULL;
		const mock_cql_token *ty = mock__p_next(p);
		if (ty->kind != MOCK_TOK_WORD) {
			mock__p_fail_at(p, ty);
			return NULL;
		}
		if (!(s->name = mock__p_strdup(p, ty->text, ty->text_len)) || mock__p_expect(p, ')'))
			return NULL;
	} else if ((t->kind == MOCK_TOK_WORD || t->kind == MOCK_TOK_QIDENT) &&
		   (n1->kind == '(' || (n1->kind == '.' && mock__p_peek(p, 3)->kind == '('))) {
		mock__p_next(p);
		s->kind = MOCK_SEL_FUNC;
		if (n1->kind == '.') {
			mock__p_next(p);
			const mock_cql_token *f = mock__p_next(p);
			char *name = mock__p_alloc(p, t->text_len + f->text_len + 2);
			if (!name)
				return NULL;
			memcpy(name, t->text, t->text_len);
			name[t->text_len] = '.';
			memcpy(name + t->text_len + 1, f->text, f->text_len);
			s->name = name;
		} else if (!(s->name = mock__p_strdup(p, t->text, t->text_len))) {
			return NULL;
		}
		mock__p_next(p); /* ( */
		if (mock__p_accept(p, '*')) {
			s->star = 1;
		} else if (mock__p_peek(p, 0)->kind != ')') {
			do {
				mock_selector *arg = selector(p, 0);
				if (!arg || sel_add(p, s, &cap, arg))
					return NULL;
			} while (mock__p_accept(p, ','));
		}
		if (mock__p_expect(p, ')'))
			return NULL;
	} else if (t->kind != MOCK_TOK_QIDENT && mock__p_term_start(p)) {
		s->kind = MOCK_SEL_TERM;
		mock_bctx c = { MOCK_BIND_OTHER, NULL, NULL };
		if (!(s->term = mock__p_term(p, &c)))
			return NULL;
	} else {
		s->kind = MOCK_SEL_COLUMN;
		if (!(s->name = mock__p_ident(p)))
			return NULL;
	}
	/* col.field.field */
	while (mock__p_peek(p, 0)->kind == '.') {
		mock__p_next(p);
		mock_selector *f = mock__p_alloc(p, sizeof *f);
		size_t fcap = 0;
		if (!f || !(f->name = mock__p_ident(p)) || sel_add(p, f, &fcap, s))
			return NULL;
		f->kind = MOCK_SEL_FIELD;
		f->pos = s->pos;
		s = f;
	}
	/* only a whole selector has an alias: CAST(x AS type) keeps its AS */
	if (top && mock__p_accept_kw(p, "as") && !(s->alias = mock__p_ident(p)))
		return NULL;
	return s;
}

mock_stmt *mock__p_select(mock_parser *p)
{
	const mock_cql_token *t = mock__p_next(p);
	size_t b0 = p->n_binds, cap = 0;
	mock_stmt *st = mock__p_stmt_new(p, MOCK_STMT_SELECT, t->pos);
	if (!st)
		return NULL;
	mock_select *s = &st->u.select;
	s->json = modifier(p, "json");
	s->distinct = modifier(p, "distinct");
	if (mock__p_accept(p, '*')) {
		s->star = 1;
	} else {
		do {
			mock_selector *sel = selector(p, 1);
			if (!sel || mock__p_push(p, &s->sel, &s->n_sel, &cap, &sel, sizeof sel))
				return NULL;
		} while (mock__p_accept(p, ','));
	}
	if (mock__p_expect_kw(p, "from") || mock__p_qname(p, &s->table))
		return NULL;
	if (mock__p_accept_kw(p, "where") && mock__p_where(p, &s->where, &s->n_where))
		return NULL;
	if (mock__p_accept_kw(p, "order")) {
		if (mock__p_expect_kw(p, "by"))
			return NULL;
		cap = 0;
		do {
			mock_ordering o = { mock__p_ident(p), 0 };
			if (!o.column)
				return NULL;
			if (mock__p_accept_kw(p, "desc"))
				o.desc = 1;
			else
				mock__p_accept_kw(p, "asc");
			if (mock__p_push(p, &s->order, &s->n_order, &cap, &o, sizeof o))
				return NULL;
		} while (mock__p_accept(p, ','));
	}
	if (mock__p_accept_kw(p, "per")) {
		mock_bctx c = { MOCK_BIND_PER_PARTITION_LIMIT, NULL, NULL };
		if (mock__p_expect_kw(p, "partition") || mock__p_expect_kw(p, "limit") ||
		    !(s->per_partition_limit = mock__p_term(p, &c)))
			return NULL;
	}
	if (mock__p_accept_kw(p, "limit")) {
		mock_bctx c = { MOCK_BIND_LIMIT, NULL, NULL };
		if (!(s->limit = mock__p_term(p, &c)))
			return NULL;
	}
	if (mock__p_accept_kw(p, "allow")) {
		if (mock__p_expect_kw(p, "filtering"))
			return NULL;
		s->allow_filtering = 1;
	}
	mock__p_bind_table(p, b0, &s->table);
	return st;
}

/* ==== INSERT ============================================================= */

mock_stmt *mock__p_insert(mock_parser *p)
{
	const mock_cql_token *t = mock__p_next(p);
	size_t b0 = p->n_binds, cap = 0, vcap = 0, nv = 0;
	mock_stmt *st = mock__p_stmt_new(p, MOCK_STMT_INSERT, t->pos);
	if (!st)
		return NULL;
	mock_insert *s = &st->u.insert;
	if (mock__p_expect_kw(p, "into") || mock__p_qname(p, &s->table))
		return NULL;
	if (mock__p_accept_kw(p, "json")) {
		mock_bctx c = { MOCK_BIND_OTHER, NULL, NULL };
		if (!(s->json = mock__p_term(p, &c)))
			return NULL;
		if (mock__p_accept_kw(p, "default") && !mock__p_accept_kw(p, "null") &&
		    mock__p_expect_kw(p, "unset"))
			return NULL;
	} else {
		if (mock__p_expect(p, '('))
			return NULL;
		do {
			const char *c = mock__p_ident(p);
			if (!c || mock__p_push(p, &s->cols, &s->n_cols, &cap, &c, sizeof c))
				return NULL;
		} while (mock__p_accept(p, ','));
		if (mock__p_expect(p, ')') || mock__p_expect_kw(p, "values") || mock__p_expect(p, '('))
			return NULL;
		const mock_cql_token *vt = mock__p_peek(p, 0);
		do {
			mock_bctx c = { MOCK_BIND_VALUE, nv < s->n_cols ? s->cols[nv] : NULL, NULL };
			mock_term *v = mock__p_term(p, &c);
			if (!v || mock__p_push(p, &s->values, &nv, &vcap, &v, sizeof v))
				return NULL;
		} while (mock__p_accept(p, ','));
		if (mock__p_expect(p, ')'))
			return NULL;
		if (nv != s->n_cols) {
			mock__p_fail_invalid(p, vt->pos, "Unmatched column names/values");
			return NULL;
		}
	}
	for (;;) {
		if (mock__p_accept_kw(p, "if")) {
			if (mock__p_expect_kw(p, "not") || mock__p_expect_kw(p, "exists"))
				return NULL;
			s->if_not_exists = 1;
		} else if (mock__p_accept_kw(p, "using")) {
			if (mock__p_using(p, &s->using))
				return NULL;
		} else {
			break;
		}
	}
	mock__p_bind_table(p, b0, &s->table);
	return st;
}

/* ==== UPDATE ============================================================= */

static int assignment(mock_parser *p, mock_assignment *a)
{
	const mock_cql_token *t = mock__p_peek(p, 0);
	memset(a, 0, sizeof *a);
	a->pos = t->pos;
	if (!(a->column = mock__p_ident(p)))
		return p->rc;
	mock_bctx c = { MOCK_BIND_VALUE, a->column, NULL };
	if (mock__p_accept(p, '[')) {
		mock_bctx k = { MOCK_BIND_MAP_KEY, a->column, NULL };
		if (!(a->key = mock__p_term(p, &k)) || mock__p_expect(p, ']') || mock__p_expect(p, '='))
			return p->rc;
		a->op = MOCK_ASSIGN_ELEM;
		c.role = MOCK_BIND_ELEMENT;
	} else if (mock__p_accept(p, '.')) {
		if (!(a->field = mock__p_ident(p)) || mock__p_expect(p, '='))
			return p->rc;
		a->op = MOCK_ASSIGN_FIELD;
		c.role = MOCK_BIND_FIELD;
		c.field = a->field;
	} else if (mock__p_accept(p, MOCK_TOK_ADD_EQ)) {
		a->op = MOCK_ASSIGN_ADD;
	} else if (mock__p_accept(p, MOCK_TOK_SUB_EQ)) {
		a->op = MOCK_ASSIGN_SUB;
	} else {
		if (mock__p_expect(p, '='))
			return p->rc;
		const mock_cql_token *v = mock__p_peek(p, 0), *op = mock__p_peek(p, 1);
		if (mock__p_is_ident_tok(v) && strcmp(v->text, a->column) == 0 &&
		    (op->kind == '+' || op->kind == '-')) {
			/* col = col + t / col = col - t */
			mock__p_next(p);
			mock__p_next(p);
			a->op = op->kind == '+' ? MOCK_ASSIGN_ADD : MOCK_ASSIGN_SUB;
		} else {
			if (!(a->value = mock__p_term(p, &c)))
				return p->rc;
			if (!mock__p_accept(p, '+')) {
				a->op = MOCK_ASSIGN_SET;
				return 0;
			}
			/* col = t + col: a list prepend */
			const mock_cql_token *o = mock__p_peek(p, 0);
			const char *other = mock__p_ident(p);
			if (!other)
				return p->rc;
			if (strcmp(other, a->column) != 0)
				return mock__p_fail_invalid(p, o->pos,
					"Only expressions of the form X = <value> + X are supported.");
			a->op = MOCK_ASSIGN_PREPEND;
			return 0;
		}
	}
	a->value = mock__p_term(p, &c);
	return a->value ? 0 : p->rc;
}

mock_stmt *mock__p_update(mock_parser *p)
{
	const mock_cql_token *t = mock__p_next(p);
	size_t b0 = p->n_binds, cap = 0;
	mock_stmt *st = mock__p_stmt_new(p, MOCK_STMT_UPDATE, t->pos);
	if (!st)
		return NULL;
	mock_update *s = &st->u.update;
	if (mock__p_qname(p, &s->table))
		return NULL;
	if (mock__p_accept_kw(p, "using") && mock__p_using(p, &s->using))
		return NULL;
	if (mock__p_expect_kw(p, "set"))
		return NULL;
	do {
		mock_assignment a;
		if (assignment(p, &a) || mock__p_push(p, &s->set, &s->n_set, &cap, &a, sizeof a))
			return NULL;
	} while (mock__p_accept(p, ','));
	if (mock__p_expect_kw(p, "where") || mock__p_where(p, &s->where, &s->n_where))
		return NULL;
	if (mock__p_accept_kw(p, "if") && mock__p_conditions(p, &s->if_exists, &s->cond, &s->n_cond))
		return NULL;
	mock__p_bind_table(p, b0, &s->table);
	return st;
}

/* ==== DELETE ============================================================= */

mock_stmt *mock__p_delete(mock_parser *p)
{
	const mock_cql_token *t = mock__p_next(p);
	size_t b0 = p->n_binds, cap = 0;
	mock_stmt *st = mock__p_stmt_new(p, MOCK_STMT_DELETE, t->pos);
	if (!st)
		return NULL;
	mock_delete *s = &st->u.del;
	if (!mock__p_is_kw(mock__p_peek(p, 0), "from")) {
		do {
			mock_delete_target d = { mock__p_ident(p), NULL, NULL };
			if (!d.column)
				return NULL;
			if (mock__p_accept(p, '[')) {
				mock_bctx k = { MOCK_BIND_MAP_KEY, d.column, NULL };
				if (!(d.key = mock__p_term(p, &k)) || mock__p_expect(p, ']'))
					return NULL;
			} else if (mock__p_accept(p, '.') && !(d.field = mock__p_ident(p))) {
				return NULL;
			}
			if (mock__p_push(p, &s->targets, &s->n_targets, &cap, &d, sizeof d))
				return NULL;
		} while (mock__p_accept(p, ','));
	}
	if (mock__p_expect_kw(p, "from") || mock__p_qname(p, &s->table))
		return NULL;
	if (mock__p_accept_kw(p, "using") && mock__p_using(p, &s->using))
		return NULL;
	if (s->using.ttl) {
		mock__p_fail_invalid(p, s->using.ttl->pos, "DELETE statements cannot use TTL");
		return NULL;
	}
	if (mock__p_expect_kw(p, "where") || mock__p_where(p, &s->where, &s->n_where))
		return NULL;
	if (mock__p_accept_kw(p, "if") && mock__p_conditions(p, &s->if_exists, &s->cond, &s->n_cond))
		return NULL;
	mock__p_bind_table(p, b0, &s->table);
	return st;
}

/* ==== BATCH ============================================================== */

mock_stmt *mock__p_batch(mock_parser *p)
{
	const mock_cql_token *t = mock__p_next(p);
	size_t cap = 0;
	mock_stmt *st = mock__p_stmt_new(p, MOCK_STMT_BATCH, t->pos);
	if (!st)
		return NULL;
	mock_batch *b = &st->u.batch;
	if (mock__p_accept_kw(p, "unlogged"))
		b->type = MOCK_BATCH_UNLOGGED;
	else if (mock__p_accept_kw(p, "counter"))
		b->type = MOCK_BATCH_COUNTER;
	if (mock__p_expect_kw(p, "batch"))
		return NULL;
	if (mock__p_accept_kw(p, "using")) {
		if (mock__p_using(p, &b->using))
			return NULL;
		if (b->using.ttl) {
			mock__p_fail_invalid(p, b->using.ttl->pos,
					     "Global TTL on the BATCH statement is not supported.");
			return NULL;
		}
	}
	for (;;) {
		const mock_cql_token *c = mock__p_peek(p, 0);
		mock_stmt *sub;
		if (mock__p_is_kw(c, "insert"))
			sub = mock__p_insert(p);
		else if (mock__p_is_kw(c, "update"))
			sub = mock__p_update(p);
		else if (mock__p_is_kw(c, "delete"))
			sub = mock__p_delete(p);
		else
			break;
		if (!sub || mock__p_push(p, &b->stmts, &b->n_stmts, &cap, &sub, sizeof sub))
			return NULL;
		mock__p_accept(p, ';');
	}
	if (mock__p_expect_kw(p, "apply") || mock__p_expect_kw(p, "batch"))
		return NULL;
	return st;
}
