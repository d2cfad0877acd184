/*
 * exec_where.c — WHERE clauses: partition key candidates (= and IN), token
 * ranges, and per-row predicates for everything else (clustering
 * equalities and slices, multi-column relations, filtering on regular
 * columns), plus partition key serialization.
 */
#include <string.h>

#include "engine_int.h"
#include "ucql/token.h"

int mock_term_value(mock_exec *x, const mock_table *t, int col, const mock_term *term,
		    ucql_value *out, int *rc)
{
	const mock_column *c = &t->cols[col];
	mock_literal_ctx lc = mock_exec_lctx(x, c->name);
	mock_cql_error ce;
	memset(&ce, 0, sizeof ce);
	int r = mock_literal_value(x->arena, &c->types, c->root, term, &lc, out, &ce);
	if (r == UCQL_E_NOMEM)
		return *rc = r;
	if (r)
		return *rc = mock_exec_error(x, r, "%s", ce.msg);
	return 0;
}

/* Splits a serialized list/set value into its elements. */
static int split_list(mock_arena *a, ucql_value v, ucql_value **out, size_t *n)
{
	ucql_iter it;
	*n = 0;
	if (ucql_coll_iter_init(&it, v))
		return v.len < 0 ? 0 : UCQL_E_INVALID;
	int32_t cnt = ucql_coll_count(&it);
	*out = mock_arena_alloc(a, ((size_t)cnt + 1) * sizeof **out);
	if (!*out)
		return UCQL_E_NOMEM;
	ucql_value e;
	int r;
	while ((r = ucql_list_next(&it, &e)) == 1)
		(*out)[(*n)++] = e;
	return r < 0 ? UCQL_E_INVALID : 0;
}

/* Values of a relation's right side for column col: EQ and ranges give 1,
 * IN gives its candidates (a literal list or a bound list). */
static int rel_values(mock_exec *x, const mock_table *t, int col, const mock_relation *r,
		      ucql_value **vals, size_t *n, int *rc)
{
	if (r->op == MOCK_OP_IN) {
		if (r->value) { /* IN ? : a list value */
			const mock_column *c = &t->cols[col];
			(void)c;
			ucql_value lv;
			if (r->value->kind != MOCK_TERM_BIND || (size_t)r->value->bind_index >= x->n_binds)
				return *rc = mock_exec_error(x, UCQL_E_INVALID, "Invalid IN value for %s",
							     t->cols[col].name);
			lv = x->binds[r->value->bind_index];
			int e = split_list(x->arena, lv, vals, n);
			if (e == UCQL_E_NOMEM)
				return *rc = e;
			if (e)
				return *rc = mock_exec_error(x, UCQL_E_INVALID, "Invalid list literal for in(%s)",
							     t->cols[col].name);
			return 0;
		}
		*vals = mock_arena_alloc(x->arena, (r->n_in + 1) * sizeof **vals);
		if (!*vals)
			return *rc = UCQL_E_NOMEM;
		*n = r->n_in;
		for (size_t i = 0; i < r->n_in; i++)
			if (mock_term_value(x, t, col, r->in[i], &(*vals)[i], rc))
				return *rc;
		return 0;
	}
	*vals = mock_arena_alloc(x->arena, sizeof **vals);
	if (!*vals)
		return *rc = UCQL_E_NOMEM;
	*n = 1;
	const mock_column *c = &t->cols[col];
	if ((r->op == MOCK_OP_CONTAINS || r->op == MOCK_OP_CONTAINS_KEY)) {
		const ucql_type *ty = ucql_type_at(&c->types, c->root);
		int sub = ty->id == UCQL_TYPE_MAP && r->op == MOCK_OP_CONTAINS
				  ? ucql_type_child(&c->types, c->root, 1)
				  : ucql_type_child(&c->types, c->root, 0);
		if (sub < 0)
			return *rc = mock_exec_error(x, UCQL_E_INVALID,
						     "Cannot use CONTAINS on non-collection column %s", c->name);
		mock_literal_ctx lc = mock_exec_lctx(x, c->name);
		mock_cql_error ce;
		memset(&ce, 0, sizeof ce);
		int e = mock_literal_value(x->arena, &c->types, sub, r->value, &lc, *vals, &ce);
		if (e == UCQL_E_NOMEM)
			return *rc = e;
		if (e)
			return *rc = mock_exec_error(x, e, "%s", ce.msg);
		return 0;
	}
	return mock_term_value(x, t, col, r->value, *vals, rc);
}

static int add_pred(mock_exec *x, mock_where *w, const mock_pred *p)
{
	mock_pred *v = mock_arena_alloc(x->arena, (w->npreds + 1) * sizeof *v);
	if (!v)
		return UCQL_E_NOMEM;
	if (w->npreds)
		memcpy(v, w->preds, w->npreds * sizeof *v);
	v[w->npreds++] = *p;
	w->preds = v;
	return 0;
}

static int token_value(mock_exec *x, const mock_term *term, int64_t *tok, int *rc)
{
	static ucql_type big = { UCQL_TYPE_BIGINT, 0, 0, 0, 0, -1, -1, { 0 }, { 0 }, { 0 } };
	static const ucql_type_set bs = { &big, 1, 1 };
	mock_literal_ctx lc = mock_exec_lctx(x, "partition key token");
	mock_cql_error ce;
	memset(&ce, 0, sizeof ce);
	ucql_value v;
	int e = mock_literal_value(x->arena, &bs, 0, term, &lc, &v, &ce);
	if (e == UCQL_E_NOMEM)
		return *rc = e;
	if (e)
		return *rc = mock_exec_error(x, e, "%s", ce.msg);
	if (ucql_value_get_bigint(v, tok))
		return *rc = mock_exec_error(x, UCQL_E_INVALID, "Invalid null value for partition key token");
	return 0;
}

int mock_where_build(mock_exec *x, const mock_table *t, const mock_relation *rel, size_t n,
		     mock_where *w, int *rc)
{
	memset(w, 0, sizeof *w);
	w->pk = mock_arena_alloc(x->arena, (t->npk + 1) * sizeof *w->pk);
	w->pk_n = mock_arena_alloc(x->arena, (t->npk + 1) * sizeof *w->pk_n);
	if (!w->pk || !w->pk_n)
		return *rc = UCQL_E_NOMEM;
	int ck_eq[64] = { 0 }, ck_any[64] = { 0 };
	for (size_t i = 0; i < n; i++) {
		const mock_relation *r = &rel[i];
		if (r->kind == MOCK_REL_TOKEN) {
			int64_t tok = 0;
			if (token_value(x, r->value, &tok, rc))
				return *rc;
			if (r->op == MOCK_OP_GT || r->op == MOCK_OP_GE || r->op == MOCK_OP_EQ) {
				w->has_tok_lo = 1;
				w->tok_lo = tok;
				w->tok_lo_incl = r->op != MOCK_OP_GT;
			}
			if (r->op == MOCK_OP_LT || r->op == MOCK_OP_LE || r->op == MOCK_OP_EQ) {
				w->has_tok_hi = 1;
				w->tok_hi = tok;
				w->tok_hi_incl = r->op != MOCK_OP_LT;
			}
			continue;
		}
		mock_pred p;
		memset(&p, 0, sizeof p);
		p.op = r->op;
		for (size_t k = 0; k < r->n_cols && k < 8; k++) {
			int c = mock_table_column(t, r->cols[k]);
			if (c < 0)
				return *rc = mock_exec_error(x, UCQL_E_INVALID, "Undefined column name %s",
							     r->cols[k]);
			p.cols[p.ncols++] = c;
		}
		if (r->kind == MOCK_REL_COLUMN && p.ncols == 1) {
			int c = p.cols[0];
			const mock_column *col = &t->cols[c];
			if (r->op == MOCK_OP_IS_NOT_NULL)
				continue;
			if (rel_values(x, t, c, r, &p.vals, &p.nvals, rc))
				return *rc;
			if (col->kind == MOCK_COL_PK && (r->op == MOCK_OP_EQ || r->op == MOCK_OP_IN)) {
				if (w->pk[col->position])
					return *rc = mock_exec_error(x, UCQL_E_INVALID,
								     "%s cannot be restricted by more than one relation if it includes an Equal",
								     col->name);
				w->pk[col->position] = p.vals;
				w->pk_n[col->position] = p.nvals;
				continue;
			}
			if (col->kind == MOCK_COL_PK)
				return *rc = mock_exec_error(x, UCQL_E_INVALID,
							     "Only EQ and IN relation are supported on the partition key (unless you use the token() function)");
			if (col->kind == MOCK_COL_CK) {
				w->has_ck_restriction = 1;
				ck_any[col->position] = 1;
				if (r->op == MOCK_OP_EQ || r->op == MOCK_OP_IN)
					ck_eq[col->position] = 1;
			} else {
				w->needs_filtering = 1;
			}
			if (add_pred(x, w, &p))
				return *rc = UCQL_E_NOMEM;
			continue;
		}
		/* multi-column: (c1, c2) op (v1, v2) | ? | IN (...) */
		for (size_t k = 0; k < p.ncols; k++) {
			if (t->cols[p.cols[k]].kind != MOCK_COL_CK)
				return *rc = mock_exec_error(x, UCQL_E_INVALID,
							     "Multi-column relations can only be applied to clustering columns but was applied to: %s",
							     t->cols[p.cols[k]].name);
			ck_any[t->cols[p.cols[k]].position] = 1;
			if (r->op == MOCK_OP_EQ || r->op == MOCK_OP_IN)
				ck_eq[t->cols[p.cols[k]].position] = 1;
		}
		w->has_ck_restriction = 1;
		const mock_term *const *tuples = r->op == MOCK_OP_IN && !r->value
							 ? (const mock_term *const *)r->in
							 : (const mock_term *const *)&r->value;
		size_t nt = r->op == MOCK_OP_IN && !r->value ? r->n_in : 1;
		if (r->op == MOCK_OP_IN && r->value)
			return *rc = mock_exec_error(x, UCQL_E_INVALID,
						     "ucql-mock does not support IN ? on multi-column relations");
		p.vals = mock_arena_alloc(x->arena, (nt * p.ncols + 1) * sizeof *p.vals);
		if (!p.vals)
			return *rc = UCQL_E_NOMEM;
		p.nvals = nt;
		for (size_t k = 0; k < nt; k++) {
			const mock_term *tt = tuples[k];
			if (tt->kind == MOCK_TERM_BIND) {
				/* a bound tuple: split it */
				if ((size_t)tt->bind_index >= x->n_binds)
					return *rc = mock_exec_error(x, UCQL_E_INVALID, "Invalid tuple value");
				ucql_iter it;
				ucql_tuple_iter_init(&it, x->binds[tt->bind_index]);
				for (size_t j = 0; j < p.ncols; j++)
					if (ucql_tuple_next(&it, &p.vals[k * p.ncols + j]) != 1)
						return *rc = mock_exec_error(x, UCQL_E_INVALID, "Invalid tuple value");
				continue;
			}
			if (tt->kind != MOCK_TERM_TUPLE || tt->n_items != p.ncols)
				return *rc = mock_exec_error(x, UCQL_E_INVALID,
							     "Expected %zu elements in value tuple, but got %zu",
							     p.ncols, tt->n_items);
			for (size_t j = 0; j < p.ncols; j++)
				if (mock_term_value(x, t, p.cols[j], tt->items[j], &p.vals[k * p.ncols + j], rc))
					return *rc;
		}
		if (add_pred(x, w, &p))
			return *rc = UCQL_E_NOMEM;
	}
	w->pk_full = 1;
	size_t npk_set = 0;
	for (size_t k = 0; k < t->npk; k++) {
		if (!w->pk[k])
			w->pk_full = 0;
		else
			npk_set++;
	}
	if (npk_set && !w->pk_full)
		w->needs_filtering = 1;
	/* Clustering restrictions must form a prefix (then one slice). */
	int gap = 0;
	for (size_t k = 0; k < t->nck; k++) {
		if (!ck_any[k])
			gap = 1;
		else if (gap)
			w->needs_filtering = 1;
		if (ck_any[k] && !ck_eq[k])
			gap = 1;
	}
	if (w->has_ck_restriction && !w->pk_full)
		w->needs_filtering = 1;
	return 0;
}

/* Value of column c for partition p / row r (statics for static columns). */
static ucql_value cell_of(const mock_table *t, const mock_partition *p, const mock_row *r, int c,
			  int64_t now_s)
{
	const mock_column *col = &t->cols[c];
	const mock_row *src = col->kind == MOCK_COL_STATIC || !r ? &p->statics : r;
	const mock_cell *cell = &src->cells[c];
	if (col->kind == MOCK_COL_PK || col->kind == MOCK_COL_CK)
		return ucql_value_of(cell->p, cell->len);
	if (!mock_cell_live(cell, mock_row_del(p, src), now_s))
		return ucql_value_null();
	return ucql_value_of(cell->p, cell->len);
}

static int contains(const mock_column *col, ucql_value coll, ucql_value v, int keys)
{
	const ucql_type *ty = ucql_type_at(&col->types, col->root);
	ucql_iter it;
	if (ucql_coll_iter_init(&it, coll))
		return 0;
	ucql_value a, b;
	if (ty->id == UCQL_TYPE_MAP) {
		int kt = ucql_type_child(&col->types, col->root, 0), vt = ucql_type_child(&col->types, col->root, 1);
		while (ucql_map_next(&it, &a, &b) == 1)
			if (!mock_value_compare(&col->types, keys ? kt : vt, keys ? a : b, v))
				return 1;
		return 0;
	}
	int et = ucql_type_child(&col->types, col->root, 0);
	while (ucql_list_next(&it, &a) == 1)
		if (!mock_value_compare(&col->types, et, a, v))
			return 1;
	return 0;
}

int mock_where_match(const mock_table *t, const mock_where *w, const mock_partition *p,
		     const mock_row *r, int64_t now_s)
{
	for (size_t i = 0; i < w->npreds; i++) {
		const mock_pred *pr = &w->preds[i];
		ucql_value cur[8];
		for (size_t k = 0; k < pr->ncols; k++)
			cur[k] = cell_of(t, p, r, pr->cols[k], now_s);
		if (pr->op == MOCK_OP_CONTAINS || pr->op == MOCK_OP_CONTAINS_KEY) {
			if (!contains(&t->cols[pr->cols[0]], cur[0], pr->vals[0], pr->op == MOCK_OP_CONTAINS_KEY))
				return 0;
			continue;
		}
		int any = 0;
		for (size_t v = 0; v < pr->nvals && !any; v++) {
			int c = 0;
			for (size_t k = 0; k < pr->ncols && !c; k++) {
				const mock_column *col = &t->cols[pr->cols[k]];
				ucql_value want = pr->vals[v * pr->ncols + k];
				if (cur[k].len < 0 || want.len < 0)
					c = cur[k].len < 0 && want.len < 0 ? 0 : cur[k].len < 0 ? -1 : 1;
				else
					c = mock_value_compare(&col->types, col->root, cur[k], want);
			}
			/* null never matches a comparison */
			int null = 0;
			for (size_t k = 0; k < pr->ncols; k++)
				null |= cur[k].len < 0;
			switch (pr->op) {
			case MOCK_OP_EQ: case MOCK_OP_IN: any = !null && c == 0; break;
			case MOCK_OP_NEQ: any = c != 0; break;
			case MOCK_OP_LT: any = !null && c < 0; break;
			case MOCK_OP_LE: any = !null && c <= 0; break;
			case MOCK_OP_GT: any = !null && c > 0; break;
			case MOCK_OP_GE: any = !null && c >= 0; break;
			default: any = 1;
			}
		}
		if (!any)
			return 0;
	}
	if (w->has_tok_lo && (p->token < w->tok_lo || (!w->tok_lo_incl && p->token == w->tok_lo)))
		return 0;
	if (w->has_tok_hi && (p->token > w->tok_hi || (!w->tok_hi_incl && p->token == w->tok_hi)))
		return 0;
	return 1;
}

int mock_pk_key(mock_arena *a, const mock_table *t, const ucql_value *pk, ucql_bytes *key,
		int64_t *token)
{
	ucql_bytes parts[64];
	for (size_t i = 0; i < t->npk && i < 64; i++) {
		if (pk[i].len < 0)
			return UCQL_E_INVALID;
		parts[i] = ucql_bytes_of(pk[i].p, (size_t)pk[i].len);
	}
	ucql_writer w;
	ucql_writer_init(&w, NULL, 0);
	ucql_token_write_key(&w, parts, t->npk);
	size_t n = w.len;
	uint8_t *buf = mock_arena_alloc(a, n + 1);
	if (!buf)
		return UCQL_E_NOMEM;
	ucql_writer_init(&w, buf, n);
	ucql_token_write_key(&w, parts, t->npk);
	if (w.err)
		return UCQL_E_INVALID;
	*key = ucql_bytes_of(buf, n);
	*token = ucql_token_murmur3(buf, n);
	return 0;
}

int mock_where_each_pk(const mock_table *t, const mock_where *w, mock_arena *a,
		       int (*fn)(void *arg, const ucql_value *pk), void *arg)
{
	size_t idx[64] = { 0 };
	ucql_value cur[64];
	(void)a;
	for (size_t k = 0; k < t->npk; k++)
		if (!w->pk_n[k])
			return 0;
	for (;;) {
		for (size_t k = 0; k < t->npk; k++)
			cur[k] = w->pk[k][idx[k]];
		int rc = fn(arg, cur);
		if (rc)
			return rc;
		size_t k = t->npk;
		while (k > 0) {
			k--;
			if (++idx[k] < w->pk_n[k])
				break;
			idx[k] = 0;
			if (k == 0)
				return 0;
		}
		if (t->npk == 0)
			return 0;
	}
}
