/*
 * exec_coll.c — UPDATE / DELETE column operations (exec_coll.h). A
 * non-frozen collection is kept as one serialized value; an update reads
 * the live value, changes it and writes it back with the update's
 * timestamp (Cassandra keeps one cell per element: concurrent element
 * updates with out-of-order timestamps are the one thing this simplifies).
 */
#include <stdlib.h>
#include <string.h>

#include "exec_coll.h"

static int conv(mock_exec *x, const mock_column *c, int type, const mock_term *term, ucql_value *out,
		int *rc)
{
	mock_literal_ctx lc = mock_exec_lctx(x, c->name);
	mock_cql_error ce;
	memset(&ce, 0, sizeof ce);
	int e = mock_literal_value(x->arena, &c->types, type, term, &lc, out, &ce);
	if (e == UCQL_E_NOMEM)
		return *rc = e;
	if (e)
		return *rc = mock_exec_error(x, e, "%s", ce.msg);
	return 0;
}

int mock_coll_assignment(mock_exec *x, const mock_table *t, const mock_assignment *as,
			 mock_colop *op, int *rc)
{
	memset(op, 0, sizeof *op);
	op->col = mock_table_column(t, as->column);
	if (op->col < 0)
		return *rc = mock_exec_error(x, UCQL_E_INVALID, "Undefined column name %s", as->column);
	const mock_column *c = &t->cols[op->col];
	if (c->kind == MOCK_COL_PK || c->kind == MOCK_COL_CK)
		return *rc = mock_exec_error(x, UCQL_E_INVALID, "PRIMARY KEY part %s found in SET part", c->name);
	const ucql_type *ty = ucql_type_at(&c->types, c->root);
	switch (as->op) {
	case MOCK_ASSIGN_SET:
		if (c->counter)
			return *rc = mock_exec_error(x, UCQL_E_INVALID,
						     "Cannot set the value of counter column %s (counters can only be incremented/decremented, not set)",
						     c->name);
		op->op = MOCK_COP_SET;
		if (conv(x, c, c->root, as->value, &op->v, rc))
			return *rc;
		if (op->v.len == UCQL_UNSET)
			op->op = MOCK_COP_SKIP;
		return 0;
	case MOCK_ASSIGN_ADD:
	case MOCK_ASSIGN_SUB:
		if (c->counter) {
			op->op = MOCK_COP_COUNTER;
			if (conv(x, c, c->root, as->value, &op->v, rc))
				return *rc;
			int64_t d;
			if (op->v.len == UCQL_UNSET) {
				op->op = MOCK_COP_SKIP;
				return 0;
			}
			if (ucql_value_get_bigint(op->v, &d))
				return *rc = mock_exec_error(x, UCQL_E_INVALID, "Invalid null value for counter increment");
			if (as->op == MOCK_ASSIGN_SUB) {
				uint8_t *b = mock_arena_alloc(x->arena, 8);
				if (!b)
					return *rc = UCQL_E_NOMEM;
				ucql__put64(b, (uint64_t)(-(uint64_t)d));
				op->v = ucql_value_of(b, 8);
			}
			return 0;
		}
		if (!c->multicell)
			return *rc = mock_exec_error(x, UCQL_E_INVALID, "Invalid operation (%s = %s %s ...) for non counter column %s",
						     c->name, c->name, as->op == MOCK_ASSIGN_ADD ? "+" : "-", c->name);
		op->op = as->op == MOCK_ASSIGN_ADD ? MOCK_COP_ADD : MOCK_COP_SUB;
		if (as->op == MOCK_ASSIGN_SUB && ty->id == UCQL_TYPE_MAP && as->value->kind != MOCK_TERM_BIND) {
			/* map - {k1, k2}: a set of keys */
			const mock_term *tv = as->value;
			int kt = ucql_type_child(&c->types, c->root, 0);
			mock_dbuf b = { 0 };
			mock_dbuf_int(&b, (int32_t)tv->n_items);
			for (size_t i = 0; i < tv->n_items; i++) {
				ucql_value kv;
				if (conv(x, c, kt, tv->items[i], &kv, rc)) {
					mock_dbuf_free(&b);
					return *rc;
				}
				mock_dbuf_value(&b, kv);
			}
			uint8_t *p = b.err ? NULL : mock_arena_alloc(x->arena, b.len);
			if (p)
				memcpy(p, b.p, b.len);
			size_t n = b.len;
			mock_dbuf_free(&b);
			if (!p)
				return *rc = UCQL_E_NOMEM;
			op->v = ucql_value_of(p, (int32_t)n);
			return 0;
		}
		if (conv(x, c, c->root, as->value, &op->v, rc))
			return *rc;
		if (op->v.len == UCQL_UNSET)
			op->op = MOCK_COP_SKIP;
		return 0;
	case MOCK_ASSIGN_PREPEND:
		if (ty->id != UCQL_TYPE_LIST || !c->multicell)
			return *rc = mock_exec_error(x, UCQL_E_INVALID, "Invalid operation for column %s", c->name);
		op->op = MOCK_COP_PREPEND;
		if (conv(x, c, c->root, as->value, &op->v, rc))
			return *rc;
		if (op->v.len == UCQL_UNSET)
			op->op = MOCK_COP_SKIP;
		return 0;
	case MOCK_ASSIGN_ELEM: {
		if (!c->multicell || (ty->id != UCQL_TYPE_MAP && ty->id != UCQL_TYPE_LIST))
			return *rc = mock_exec_error(x, UCQL_E_INVALID, "Invalid operation (%s[...] = ...) for non list/map column %s",
						     c->name, c->name);
		static ucql_type in = { UCQL_TYPE_INT, 0, 0, 0, 0, -1, -1, { 0 }, { 0 }, { 0 } };
		static const ucql_type_set is = { &in, 1, 1 };
		op->op = MOCK_COP_ELEM;
		if (ty->id == UCQL_TYPE_MAP) {
			if (conv(x, c, ucql_type_child(&c->types, c->root, 0), as->key, &op->key, rc) ||
			    conv(x, c, ucql_type_child(&c->types, c->root, 1), as->value, &op->v, rc))
				return *rc;
		} else {
			mock_literal_ctx lc = mock_exec_lctx(x, c->name);
			mock_cql_error ce;
			memset(&ce, 0, sizeof ce);
			int e = mock_literal_value(x->arena, &is, 0, as->key, &lc, &op->key, &ce);
			if (e)
				return *rc = e == UCQL_E_NOMEM ? e : mock_exec_error(x, e, "%s", ce.msg);
			if (conv(x, c, ucql_type_child(&c->types, c->root, 0), as->value, &op->v, rc))
				return *rc;
		}
		if (op->key.len < 0)
			return *rc = mock_exec_error(x, UCQL_E_INVALID, "Invalid null value for %s element", c->name);
		return 0;
	}
	default:
		return *rc = mock_exec_error(x, UCQL_E_INVALID, "ucql-mock does not support this assignment on %s",
					     c->name);
	}
}

int mock_coll_delete_target(mock_exec *x, const mock_table *t, const mock_delete_target *d,
			    mock_colop *op, int *rc)
{
	memset(op, 0, sizeof *op);
	op->col = mock_table_column(t, d->column);
	if (op->col < 0)
		return *rc = mock_exec_error(x, UCQL_E_INVALID, "Undefined column name %s", d->column);
	const mock_column *c = &t->cols[op->col];
	if (c->kind == MOCK_COL_PK || c->kind == MOCK_COL_CK)
		return *rc = mock_exec_error(x, UCQL_E_INVALID, "Invalid identifier %s for deletion (should not be a PRIMARY KEY part)",
					     c->name);
	if (d->field)
		return *rc = mock_exec_error(x, UCQL_E_INVALID, "ucql-mock does not support deleting UDT fields");
	if (!d->key) {
		op->op = MOCK_COP_DEL;
		return 0;
	}
	mock_assignment as = { MOCK_ASSIGN_ELEM, 0, d->column, d->key, NULL, NULL };
	mock_term null_term;
	memset(&null_term, 0, sizeof null_term);
	null_term.kind = MOCK_TERM_NULL;
	null_term.text = "null";
	null_term.len = 4;
	as.value = &null_term;
	return mock_coll_assignment(x, t, &as, op, rc);
}

/* ==== applying =========================================================== */

typedef struct elems {
	ucql_value *k, *v;
	size_t n, cap;
} elems;

static int el_push(elems *e, ucql_value k, ucql_value v, size_t at)
{
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 8;
		ucql_value *nk = realloc(e->k, cap * sizeof *nk), *nv;
		if (!nk)
			return UCQL_E_NOMEM;
		e->k = nk;
		nv = realloc(e->v, cap * sizeof *nv);
		if (!nv)
			return UCQL_E_NOMEM;
		e->v = nv;
		e->cap = cap;
	}
	memmove(&e->k[at + 1], &e->k[at], (e->n - at) * sizeof *e->k);
	memmove(&e->v[at + 1], &e->v[at], (e->n - at) * sizeof *e->v);
	e->k[at] = k;
	e->v[at] = v;
	e->n++;
	return 0;
}

static void el_del(elems *e, size_t at)
{
	memmove(&e->k[at], &e->k[at + 1], (e->n - at - 1) * sizeof *e->k);
	memmove(&e->v[at], &e->v[at + 1], (e->n - at - 1) * sizeof *e->v);
	e->n--;
}

static int decode(ucql_value val, int map, elems *e)
{
	ucql_iter it;
	if (val.len < 0 || ucql_coll_iter_init(&it, val))
		return 0;
	ucql_value a, b = ucql_value_null();
	for (;;) {
		int r = map ? ucql_map_next(&it, &a, &b) : ucql_list_next(&it, &a);
		if (r <= 0)
			return 0;
		if (el_push(e, a, b, e->n))
			return UCQL_E_NOMEM;
	}
}

/* Sorted insert/replace by key (sets and maps). */
static int put_sorted(const mock_column *c, int kt, elems *e, ucql_value k, ucql_value v)
{
	size_t lo = 0, hi = e->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (mock_value_compare(&c->types, kt, e->k[mid], k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < e->n && !mock_value_compare(&c->types, kt, e->k[lo], k)) {
		e->v[lo] = v;
		return 0;
	}
	return el_push(e, k, v, lo);
}

int mock_coll_apply(mock_exec *x, const mock_table *t, const mock_colop *op, mock_cell *cell,
		    int64_t del_ts, int64_t ts, int32_t ttl, int64_t now_s)
{
	(void)x;
	const mock_column *c = &t->cols[op->col];
	int live = mock_cell_live(cell, del_ts, now_s);
	switch (op->op) {
	case MOCK_COP_SET:
		return mock_cell_write(cell, op->v, ts, ttl, now_s);
	case MOCK_COP_DEL:
		return mock_cell_write(cell, ucql_value_null(), ts, 0, now_s);
	case MOCK_COP_COUNTER: {
		int64_t cur = 0, d = 0;
		if (live)
			ucql_value_get_bigint(ucql_value_of(cell->p, cell->len), &cur);
		ucql_value_get_bigint(op->v, &d);
		uint8_t b[8];
		ucql__put64(b, (uint64_t)cur + (uint64_t)d);
		int64_t wts = cell->ts != MOCK_TS_NONE && cell->ts > ts ? cell->ts : ts;
		return mock_cell_write(cell, ucql_value_of(b, 8), wts, 0, now_s);
	}
	default:
		break;
	}
	const ucql_type *ty = ucql_type_at(&c->types, c->root);
	int map = ty->id == UCQL_TYPE_MAP, set = ty->id == UCQL_TYPE_SET, list = ty->id == UCQL_TYPE_LIST;
	int kt = ucql_type_child(&c->types, c->root, 0);
	elems cur = { 0 }, arg = { 0 };
	int rc = 0;
	if (live)
		rc = decode(ucql_value_of(cell->p, cell->len), map, &cur);
	if (!rc && op->op != MOCK_COP_ELEM)
		rc = decode(op->v, map && op->op != MOCK_COP_SUB, &arg);
	for (size_t i = 0; !rc && op->op == MOCK_COP_ADD && i < arg.n; i++)
		rc = list ? el_push(&cur, arg.k[i], arg.v[i], cur.n) : put_sorted(c, kt, &cur, arg.k[i], arg.v[i]);
	for (size_t i = 0; !rc && op->op == MOCK_COP_PREPEND && i < arg.n; i++)
		rc = el_push(&cur, arg.k[i], arg.v[i], i);
	if (!rc && op->op == MOCK_COP_SUB) {
		for (size_t i = 0; i < cur.n;) {
			int hit = 0;
			for (size_t j = 0; j < arg.n && !hit; j++)
				hit = !mock_value_compare(&c->types, kt, cur.k[i], arg.k[j]);
			if (hit)
				el_del(&cur, i);
			else
				i++;
		}
	}
	if (!rc && op->op == MOCK_COP_ELEM) {
		if (map) {
			size_t i;
			for (i = 0; i < cur.n; i++)
				if (!mock_value_compare(&c->types, kt, cur.k[i], op->key))
					break;
			if (op->v.len < 0) {
				if (i < cur.n)
					el_del(&cur, i);
			} else
				rc = put_sorted(c, kt, &cur, op->key, op->v);
		} else if (list) {
			int32_t idx = -1;
			ucql_value_get_int(op->key, &idx);
			if (idx >= 0 && (size_t)idx < cur.n) {
				if (op->v.len < 0)
					el_del(&cur, (size_t)idx);
				else
					cur.k[idx] = op->v;
			}
		}
	}
	(void)set;
	if (!rc) {
		mock_dbuf b = { 0 };
		mock_dbuf_int(&b, (int32_t)cur.n);
		for (size_t i = 0; i < cur.n; i++) {
			mock_dbuf_value(&b, cur.k[i]);
			if (map)
				mock_dbuf_value(&b, cur.v[i]);
		}
		rc = b.err;
		/* The elements view the cell itself: write from the copy. */
		if (!rc)
			rc = mock_cell_write(cell, ucql_value_of(b.p, (int32_t)b.len), ts, ttl, now_s);
		mock_dbuf_free(&b);
	}
	free(cur.k);
	free(cur.v);
	free(arg.k);
	free(arg.v);
	return rc;
}
