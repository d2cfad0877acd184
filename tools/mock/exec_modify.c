/*
 * exec_modify.c — INSERT, UPDATE, DELETE, BATCH and TRUNCATE. Statements
 * are first turned into mutations (one per partition and row or range),
 * every one checked against the consistency level, and only then applied
 * to the store of every live replica: a failing batch changes nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "rules.h"
#include "topo_change.h"
#include "exec_coll.h"
#include "ucql/result.h"

enum { M_ROW = 1, M_DEL_ROW, M_DEL_PART, M_DEL_RANGE };

typedef struct mut {
	mock_table *t;
	const mock_keyspace *k;
	int64_t token;
	ucql_bytes key;
	ucql_value *pk;
	int kind;
	ucql_value *ck;      /* full clustering (M_ROW, M_DEL_ROW); NULL: statics only */
	mock_where *range;   /* M_DEL_RANGE */
	int marker;
	int64_t ts;
	int32_t ttl;
	mock_colop *ops;
	size_t nops;
} mut;

typedef struct muts {
	mut *v;
	size_t n, cap;
} muts;

static int push(mock_exec *x, muts *m, const mut *one)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 8;
		mut *v = mock_arena_alloc(x->arena, cap * sizeof *v);
		if (!v)
			return UCQL_E_NOMEM;
		if (m->n)
			memcpy(v, m->v, m->n * sizeof *v);
		m->v = v;
		m->cap = cap;
	}
	m->v[m->n++] = *one;
	return 0;
}

/* ==== consistency ======================================================== */

static int node_dc(const mock_ring *r, int id)
{
	size_t idx;
	if (!mock_ring_node(r, id, &idx))
		return -1;
	return (int)mock_ring_node_dc(r, idx);
}

int mock_cl_check(mock_exec *x, const mock_keyspace *k, int64_t token, uint16_t cl, int write,
		  int *rc)
{
	size_t n;
	const int *reps = mock_replica_map_get(k->map, token, x->node, &n);
	const mock_ring *ring = mock_replica_map_ring(k->map);
	int local = node_dc(ring, x->node);
	int alive = 0, nlocal = 0, alive_local = 0;
	int per_dc_n[64] = { 0 }, per_dc_alive[64] = { 0 };
	for (size_t i = 0; i < n; i++) {
		int up = mock_node_up(x->e, reps[i]);
		int dc = node_dc(ring, reps[i]);
		alive += up;
		if (dc == local) {
			nlocal++;
			alive_local += up;
		}
		if (dc >= 0 && dc < 64) {
			per_dc_n[dc]++;
			per_dc_alive[dc] += up;
		}
	}
	int required, have = alive;
	switch (cl) {
	case UCQL_CL_ANY:
		if (!write)
			return *rc = mock_exec_error(x, UCQL_E_INVALID, "ANY ConsistencyLevel is only supported for writes");
		return 0;
	case UCQL_CL_ONE: required = 1; break;
	case UCQL_CL_TWO: required = 2; break;
	case UCQL_CL_THREE: required = 3; break;
	case UCQL_CL_QUORUM: required = (int)n / 2 + 1; break;
	case UCQL_CL_ALL: required = (int)n; break;
	case UCQL_CL_LOCAL_ONE: required = 1; have = alive_local; break;
	case UCQL_CL_LOCAL_QUORUM: required = nlocal / 2 + 1; have = alive_local; break;
	case UCQL_CL_SERIAL:
	case UCQL_CL_LOCAL_SERIAL:
		if (write)
			return *rc = mock_exec_error(x, UCQL_E_INVALID,
						     "You must use conditional updates for serializable writes");
		required = cl == UCQL_CL_SERIAL ? (int)n / 2 + 1 : nlocal / 2 + 1;
		have = cl == UCQL_CL_SERIAL ? alive : alive_local;
		break;
	case UCQL_CL_EACH_QUORUM:
		if (!write)
			return *rc = mock_exec_error(x, UCQL_E_INVALID,
						     "EACH_QUORUM ConsistencyLevel is only supported for writes");
		for (int dc = 0; dc < 64; dc++)
			if (per_dc_n[dc] && per_dc_alive[dc] < per_dc_n[dc] / 2 + 1)
				return *rc = mock_exec_unavailable(x, cl, per_dc_n[dc] / 2 + 1, per_dc_alive[dc]);
		return 0;
	default:
		return *rc = mock_exec_error(x, UCQL_E_PROTOCOL, "Unknown consistency level %u", cl);
	}
	if (have < required || required == 0)
		return *rc = mock_exec_unavailable(x, cl, required ? required : 1, have);
	return 0;
}

int mock_read_node(mock_exec *x, const mock_keyspace *k, int64_t token)
{
	size_t n;
	const int *reps = mock_replica_map_get(k->map, token, x->node, &n);
	for (size_t i = 0; i < n; i++)
		if (reps[i] == x->node && mock_node_up(x->e, x->node))
			return x->node;
	for (size_t i = 0; i < n; i++)
		if (mock_node_up(x->e, reps[i]))
			return reps[i];
	return 0;
}

/* ==== building mutations ================================================ */

static int64_t stmt_ts(mock_exec *x, const mock_using *us, const mock_using *outer, int *rc,
		       int64_t *out)
{
	const mock_term *tt = us && us->timestamp ? us->timestamp : outer ? outer->timestamp : NULL;
	if (tt) {
		static ucql_type b = { UCQL_TYPE_BIGINT, 0, 0, 0, 0, -1, -1, { 0 }, { 0 }, { 0 } };
		static const ucql_type_set bs = { &b, 1, 1 };
		mock_literal_ctx lc = mock_exec_lctx(x, "[timestamp]");
		mock_cql_error ce;
		memset(&ce, 0, sizeof ce);
		ucql_value v;
		int e = mock_literal_value(x->arena, &bs, 0, tt, &lc, &v, &ce);
		if (e == UCQL_E_NOMEM)
			return *rc = e;
		if (e)
			return *rc = mock_exec_error(x, e, "%s", ce.msg);
		if (v.len >= 0 && !ucql_value_get_bigint(v, out))
			return 0;
	}
	*out = x->ts != MOCK_TS_NONE ? x->ts : x->now_us;
	return 0;
}

static int stmt_ttl(mock_exec *x, const mock_using *us, const mock_using *outer, int32_t *out, int *rc)
{
	const mock_term *tt = us && us->ttl ? us->ttl : outer ? outer->ttl : NULL;
	*out = 0;
	if (!tt)
		return 0;
	static ucql_type i = { UCQL_TYPE_INT, 0, 0, 0, 0, -1, -1, { 0 }, { 0 }, { 0 } };
	static const ucql_type_set is = { &i, 1, 1 };
	mock_literal_ctx lc = mock_exec_lctx(x, "[ttl]");
	mock_cql_error ce;
	memset(&ce, 0, sizeof ce);
	ucql_value v;
	int e = mock_literal_value(x->arena, &is, 0, tt, &lc, &v, &ce);
	if (e == UCQL_E_NOMEM)
		return *rc = e;
	if (e)
		return *rc = mock_exec_error(x, e, "%s", ce.msg);
	if (v.len < 0)
		return 0;
	if (ucql_value_get_int(v, out) || *out < 0)
		return *rc = mock_exec_error(x, UCQL_E_INVALID, "A TTL must be greater or equal to 0, but was %d", *out);
	if (*out > 630720000)
		return *rc = mock_exec_error(x, UCQL_E_INVALID, "ttl is too large. requested (%d) maximum (630720000)", *out);
	return 0;
}

/* Expands pk × ck candidates of a WHERE into mutations like `tmpl`. */
typedef struct exp_arg {
	mock_exec *x;
	muts *m;
	mut tmpl;
	mock_where *w;
	int rc;
	int need_ck;
} exp_arg;

static int ck_combos(exp_arg *a, mut *base)
{
	const mock_table *t = base->t;
	mock_where *w = a->w;
	/* clustering values: every ck column needs exactly one EQ/IN pred */
	ucql_value *cand[64];
	size_t ncand[64] = { 0 };
	size_t found = 0;
	for (size_t i = 0; i < w->npreds; i++) {
		const mock_pred *p = &w->preds[i];
		if (p->ncols != 1 || (p->op != MOCK_OP_EQ && p->op != MOCK_OP_IN) ||
		    t->cols[p->cols[0]].kind != MOCK_COL_CK)
			continue;
		int pos = t->cols[p->cols[0]].position;
		cand[pos] = p->vals;
		ncand[pos] = p->nvals;
		found++;
	}
	if (found != t->nck)
		return 1;
	size_t idx[64] = { 0 };
	for (size_t k = 0; k < t->nck; k++)
		if (!ncand[k])
			return 0;
	for (;;) {
		mut one = *base;
		one.ck = mock_arena_alloc(a->x->arena, (t->nck + 1) * sizeof *one.ck);
		if (!one.ck)
			return a->rc = UCQL_E_NOMEM;
		for (size_t k = 0; k < t->nck; k++) {
			one.ck[k] = cand[k][idx[k]];
			if (one.ck[k].len < 0)
				return a->rc = mock_exec_error(a->x, UCQL_E_INVALID,
							       "Invalid null value in condition for column %s",
							       t->cols[t->npk + k].name);
		}
		if (push(a->x, a->m, &one))
			return a->rc = UCQL_E_NOMEM;
		size_t k = t->nck;
		if (!k)
			return 0;
		while (k > 0) {
			k--;
			if (++idx[k] < ncand[k])
				break;
			idx[k] = 0;
			if (k == 0)
				return 0;
		}
	}
}

static int each_pk(void *arg, const ucql_value *pk)
{
	exp_arg *a = arg;
	mut one = a->tmpl;
	const mock_table *t = one.t;
	one.pk = mock_arena_alloc(a->x->arena, (t->npk + 1) * sizeof *one.pk);
	if (!one.pk)
		return a->rc = UCQL_E_NOMEM;
	memcpy(one.pk, pk, t->npk * sizeof *pk);
	int e = mock_pk_key(a->x->arena, t, pk, &one.key, &one.token);
	if (e == UCQL_E_NOMEM)
		return a->rc = e;
	if (e)
		return a->rc = mock_exec_error(a->x, UCQL_E_INVALID, "Invalid null value in condition for column %s",
					       t->cols[0].name);
	if (one.kind == M_ROW || one.kind == M_DEL_ROW) {
		int r = ck_combos(a, &one);
		if (r == 1) {
			/* not a full clustering key */
			if (one.kind == M_ROW && !a->need_ck) {
				one.ck = NULL;
				return push(a->x, a->m, &one) ? (a->rc = UCQL_E_NOMEM) : 0;
			}
			if (one.kind == M_DEL_ROW) {
				one.kind = a->w->has_ck_restriction ? M_DEL_RANGE : M_DEL_PART;
				one.range = a->w;
				return push(a->x, a->m, &one) ? (a->rc = UCQL_E_NOMEM) : 0;
			}
			return a->rc = mock_exec_error(a->x, UCQL_E_INVALID, "Some clustering keys are missing: %s",
						       t->cols[t->npk].name);
		}
		return r ? a->rc : 0;
	}
	return push(a->x, a->m, &one) ? (a->rc = UCQL_E_NOMEM) : 0;
}

static int check_where_keys(mock_exec *x, const mock_table *t, const mock_where *w, int *rc)
{
	if (!w->pk_full) {
		for (size_t k = 0; k < t->npk; k++)
			if (!w->pk[k])
				return *rc = mock_exec_error(x, UCQL_E_INVALID, "Some partition key parts are missing: %s",
							     t->cols[k].name);
	}
	for (size_t i = 0; i < w->npreds; i++)
		if (t->cols[w->preds[i].cols[0]].kind != MOCK_COL_CK)
			return *rc = mock_exec_error(x, UCQL_E_INVALID,
						     "Non PRIMARY KEY columns found in where clause: %s",
						     t->cols[w->preds[i].cols[0]].name);
	if (w->has_tok_lo || w->has_tok_hi)
		return *rc = mock_exec_error(x, UCQL_E_INVALID, "The token function cannot be used in WHERE clauses for UPDATE and DELETE statements");
	return 0;
}

static int build(mock_exec *x, const mock_stmt *s, const mock_using *outer, muts *m, int *rc)
{
	const mock_qname *q = s->kind == MOCK_STMT_INSERT ? &s->u.insert.table
			      : s->kind == MOCK_STMT_UPDATE ? &s->u.update.table : &s->u.del.table;
	mock_table *t = mock_exec_table(x, q, rc);
	if (!t)
		return *rc;
	if (t->vtable) {
		if (s->kind == MOCK_STMT_UPDATE && t->vtable == MOCK_VT_NODES)
			return *rc = mock_systable_update(x, t, &s->u.update);
		if (t->vtable == MOCK_VT_NODES) /* INSERT / DELETE: nodes join, leave */
			return *rc = mock_nodes_modify(x, t, s);
		if (t->vtable == MOCK_VT_RULES || t->vtable == MOCK_VT_ACTIVITY)
			return *rc = mock_rules_modify(x, t, s);
		return *rc = mock_exec_error(x, UCQL_E_INVALID, "Modification on table %s of system keyspace %s is not allowed",
					     t->name, t->ks);
	}
	if ((s->kind == MOCK_STMT_INSERT && s->u.insert.if_not_exists) ||
	    (s->kind == MOCK_STMT_UPDATE && (s->u.update.if_exists || s->u.update.n_cond)) ||
	    (s->kind == MOCK_STMT_DELETE && (s->u.del.if_exists || s->u.del.n_cond)))
		return *rc = mock_exec_error(x, UCQL_E_INVALID, "ucql-mock does not support conditional statements (LWT) yet");
	const mock_using *us = s->kind == MOCK_STMT_INSERT ? &s->u.insert.using
			       : s->kind == MOCK_STMT_UPDATE ? &s->u.update.using : &s->u.del.using;
	mut tmpl;
	memset(&tmpl, 0, sizeof tmpl);
	tmpl.t = t;
	tmpl.k = mock_catalog_keyspace(&x->e->cat, t->ks);
	if (stmt_ts(x, us, outer, rc, &tmpl.ts) || stmt_ttl(x, us, outer, &tmpl.ttl, rc))
		return *rc;
	if (t->is_counter && (us->ttl || (outer && outer->ttl)))
		return *rc = mock_exec_error(x, UCQL_E_INVALID, "Cannot set ttl on counter table");

	if (s->kind == MOCK_STMT_INSERT) {
		const mock_insert *in = &s->u.insert;
		if (in->json)
			return *rc = mock_exec_error(x, UCQL_E_INVALID, "ucql-mock does not support INSERT JSON");
		if (t->is_counter)
			return *rc = mock_exec_error(x, UCQL_E_INVALID, "INSERT statements are not allowed on counter tables, use UPDATE instead");
		mut one = tmpl;
		one.kind = M_ROW;
		one.marker = 1;
		one.pk = mock_arena_alloc(x->arena, (t->npk + 1) * sizeof *one.pk);
		one.ck = mock_arena_alloc(x->arena, (t->nck + 1) * sizeof *one.ck);
		one.ops = mock_arena_alloc(x->arena, (in->n_cols + 1) * sizeof *one.ops);
		if (!one.pk || !one.ck || !one.ops)
			return *rc = UCQL_E_NOMEM;
		int have[1024] = { 0 };
		for (size_t i = 0; i < in->n_cols; i++) {
			int c = mock_table_column(t, in->cols[i]);
			if (c < 0)
				return *rc = mock_exec_error(x, UCQL_E_INVALID, "Undefined column name %s", in->cols[i]);
			if (c < 1024 && have[c])
				return *rc = mock_exec_error(x, UCQL_E_INVALID, "Multiple definitions found for column %s",
							     in->cols[i]);
			if (c < 1024)
				have[c] = 1;
			ucql_value v;
			if (mock_term_value(x, t, c, in->values[i], &v, rc))
				return *rc;
			const mock_column *col = &t->cols[c];
			if ((col->kind == MOCK_COL_PK || col->kind == MOCK_COL_CK) && v.len < 0)
				return *rc = mock_exec_error(x, UCQL_E_INVALID, "Invalid %s value for %s %s",
							     v.len == UCQL_UNSET ? "unset" : "null",
							     col->kind == MOCK_COL_PK ? "partition key part" : "clustering column",
							     col->name);
			if (col->kind == MOCK_COL_PK)
				one.pk[col->position] = v;
			else if (col->kind == MOCK_COL_CK)
				one.ck[col->position] = v;
			else if (v.len != UCQL_UNSET)
				one.ops[one.nops++] = (mock_colop){ c, MOCK_COP_SET, v, ucql_value_null() };
		}
		for (size_t k = 0; k < t->npk + t->nck; k++)
			if (!have[k])
				return *rc = mock_exec_error(x, UCQL_E_INVALID, "Some %s are missing: %s",
							     k < t->npk ? "partition key parts" : "clustering keys",
							     t->cols[k].name);
		int e = mock_pk_key(x->arena, t, one.pk, &one.key, &one.token);
		if (e)
			return *rc = e == UCQL_E_NOMEM ? e : mock_exec_error(x, UCQL_E_INVALID, "Invalid partition key");
		return push(x, m, &one) ? (*rc = UCQL_E_NOMEM) : 0;
	}

	const mock_relation *where = s->kind == MOCK_STMT_UPDATE ? s->u.update.where : s->u.del.where;
	size_t nwhere = s->kind == MOCK_STMT_UPDATE ? s->u.update.n_where : s->u.del.n_where;
	mock_where *w = mock_arena_alloc(x->arena, sizeof *w);
	if (!w)
		return *rc = UCQL_E_NOMEM;
	if (mock_where_build(x, t, where, nwhere, w, rc) || check_where_keys(x, t, w, rc))
		return *rc;
	exp_arg a = { x, m, tmpl, w, 0, 0 };
	if (s->kind == MOCK_STMT_UPDATE) {
		const mock_update *up = &s->u.update;
		a.tmpl.kind = M_ROW;
		a.tmpl.ops = mock_arena_alloc(x->arena, (up->n_set + 1) * sizeof *a.tmpl.ops);
		if (!a.tmpl.ops)
			return *rc = UCQL_E_NOMEM;
		for (size_t i = 0; i < up->n_set; i++) {
			mock_colop op;
			if (mock_coll_assignment(x, t, &up->set[i], &op, rc))
				return *rc;
			if (t->cols[op.col].kind != MOCK_COL_STATIC)
				a.need_ck = 1;
			if (op.op != MOCK_COP_SKIP)
				a.tmpl.ops[a.tmpl.nops++] = op;
		}
	} else {
		const mock_delete *d = &s->u.del;
		if (!d->n_targets) {
			a.tmpl.kind = M_DEL_ROW;
		} else {
			a.tmpl.kind = M_ROW;
			a.tmpl.ops = mock_arena_alloc(x->arena, (d->n_targets + 1) * sizeof *a.tmpl.ops);
			if (!a.tmpl.ops)
				return *rc = UCQL_E_NOMEM;
			for (size_t i = 0; i < d->n_targets; i++) {
				mock_colop op;
				if (mock_coll_delete_target(x, t, &d->targets[i], &op, rc))
					return *rc;
				if (t->cols[op.col].kind != MOCK_COL_STATIC)
					a.need_ck = 1;
				a.tmpl.ops[a.tmpl.nops++] = op;
			}
		}
	}
	if (mock_where_each_pk(t, w, x->arena, each_pk, &a))
		return *rc = a.rc;
	return 0;
}

/* ==== applying =========================================================== */

static int apply_one(mock_exec *x, const mut *m, int node)
{
	mock_tstore *s = mock_tstore_get(m->t, node);
	if (!s)
		return UCQL_E_NOMEM;
	const mock_table *t = m->t;
	mock_partition *p = mock_tstore_partition(s, t, m->token, m->key.p, m->key.len, m->pk);
	if (!p)
		return UCQL_E_NOMEM;
	int64_t now_s = x->now_us / 1000000;
	switch (m->kind) {
	case M_DEL_PART:
		mock_partition_delete(t, p, m->ts);
		return 0;
	case M_DEL_RANGE:
		for (size_t i = 0; i < p->nrows; i++)
			if (mock_where_match(t, m->range, p, p->rows[i], now_s))
				mock_row_delete(t, p->rows[i], m->ts);
		return 0;
	case M_DEL_ROW: {
		mock_row *r = mock_partition_row(p, t, m->ck);
		if (!r)
			return UCQL_E_NOMEM;
		mock_row_delete(t, r, m->ts);
		return 0;
	}
	default:
		break;
	}
	mock_row *r = NULL;
	if (m->ck || t->nck == 0) {
		r = mock_partition_row(p, t, m->ck);
		if (!r)
			return UCQL_E_NOMEM;
	}
	if (m->marker && r && m->ts >= r->marker_ts && m->ts > mock_row_del(p, r)) {
		r->marker_ts = m->ts;
		r->marker_ttl = m->ttl;
		r->marker_expire = m->ttl ? now_s + m->ttl : 0;
	}
	for (size_t i = 0; i < m->nops; i++) {
		const mock_colop *op = &m->ops[i];
		mock_row *dst = t->cols[op->col].kind == MOCK_COL_STATIC ? &p->statics : r;
		if (!dst)
			continue;
		if (m->ts <= mock_row_del(p, dst))
			continue;
		int rc = mock_coll_apply(x, t, op, &dst->cells[op->col], mock_row_del(p, dst), m->ts, m->ttl,
					 now_s);
		if (rc)
			return rc;
	}
	return 0;
}

static void write_void(ucql_writer *w, void *arg)
{
	(void)arg;
	ucql_result_void_encode(w, 4);
}

static int run_muts(mock_exec *x, muts *m)
{
	int rc = 0;
	for (size_t i = 0; i < m->n; i++)
		if (mock_cl_check(x, m->v[i].k, m->v[i].token, x->cl, 1, &rc))
			return rc;
	if (m->n) {
		int single = 1;
		for (size_t i = 1; i < m->n; i++)
			if (m->v[i].token != m->v[0].token || m->v[i].key.len != m->v[0].key.len ||
			    memcmp(m->v[i].key.p, m->v[0].key.p, m->v[0].key.len))
				single = 0;
		if (single)
			mock_exec_count_replica(x, m->v[0].k, m->v[0].token);
	}
	for (size_t i = 0; i < m->n; i++) {
		size_t n;
		const int *reps = mock_replica_map_get(m->v[i].k->map, m->v[i].token, x->node, &n);
		for (size_t j = 0; j < n; j++)
			if (mock_node_up(x->e, reps[j]) && (rc = apply_one(x, &m->v[i], reps[j])))
				return rc;
	}
	mock_exec_write(x, write_void, NULL);
	return MOCK_RES;
}

int mock_exec_modify(mock_exec *x, const mock_stmt *s)
{
	muts m = { 0 };
	int rc = 0;
	if (build(x, s, NULL, &m, &rc))
		return rc;
	return run_muts(x, &m);
}

int mock_exec_batch_stmts(mock_exec *x, const mock_stmt *const *stmts, const mock_parsed *const *parsed,
			  ucql_value *const *binds, const size_t *n_binds, size_t n, int type)
{
	muts m = { 0 };
	int rc = 0;
	const mock_parsed *saved = x->parsed;
	for (size_t i = 0; i < n; i++) {
		x->parsed = parsed[i];
		x->binds = binds[i];
		x->n_binds = n_binds[i];
		const mock_stmt *s = stmts[i];
		size_t before = m.n;
		if (s->kind == MOCK_STMT_UPDATE) {
			mock_qname q = s->u.update.table;
			mock_table *t = mock_exec_table(x, &q, &rc);
			if (!t)
				return rc;
			if (t->is_counter != (type == MOCK_BATCH_COUNTER))
				return mock_exec_error(x, UCQL_E_INVALID, t->is_counter
						       ? "Cannot include a counter statement in a logged batch"
						       : "Cannot include non-counter statement in a counter batch");
		} else if (type == MOCK_BATCH_COUNTER)
			return mock_exec_error(x, UCQL_E_INVALID, "Cannot include non-counter statement in a counter batch");
		if (build(x, s, NULL, &m, &rc))
			return rc;
		(void)before;
	}
	x->parsed = saved;
	return run_muts(x, &m);
}

int mock_exec_truncate(mock_exec *x, const mock_name_stmt *s)
{
	int rc = 0;
	mock_table *t = mock_exec_table(x, &s->name, &rc);
	if (!t)
		return rc;
	if (t->vtable) {
		if (t->vtable == MOCK_VT_STATS)
			return mock_systable_truncate(x, t);
		if (t->vtable == MOCK_VT_RULES || t->vtable == MOCK_VT_ACTIVITY)
			return mock_rules_truncate(x, t);
		return mock_exec_error(x, UCQL_E_INVALID, "Cannot TRUNCATE system table %s.%s", t->ks, t->name);
	}
	/* Cassandra needs every node up for a TRUNCATE. */
	for (int n = 1; n <= x->e->nnodes; n++)
		if (mock_ring_node(x->e->ring, n, NULL) && !mock_node_up(x->e, n)) /* removed: skip */
			return mock_exec_unavailable(x, UCQL_CL_ALL, x->e->nnodes, x->e->nnodes - 1);
	for (size_t i = 0; i < t->nstores; i++)
		mock_tstore_truncate(t->stores[i]);
	mock_exec_write(x, write_void, NULL);
	return MOCK_RES;
}
