/*
 * prepared.c — PREPARE (ids = MD5(keyspace + query) as Cassandra computes
 * them, so every node gives the same id), the prepared statement cache
 * (one entry per id, with the set of nodes it was prepared on: EXECUTE
 * on a node that never saw the PREPARE is UNPREPARED, as on a real
 * cluster), bind marker metadata and bound values.
 */
#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/md5.h>

#include "engine_int.h"
#include "ucql/result.h"

void mock_md5(const void *p, size_t n, uint8_t out[16])
{
	wc_Md5 md5;
	wc_InitMd5(&md5);
	wc_Md5Update(&md5, p, (word32)n);
	wc_Md5Final(&md5, out);
}

static unsigned bucket(const uint8_t *id)
{
	return ((unsigned)id[0] << 8 | id[1]) % MOCK_PREP_BUCKETS;
}

mock_prep *mock_prep_find(mock_engine *e, const uint8_t *id, size_t len, int node)
{
	if (len != 16)
		return NULL;
	for (mock_prep *p = e->prep[bucket(id)]; p; p = p->next)
		if (!memcmp(p->id, id, 16))
			return node >= 1 && node <= 64 && (p->nodes >> (node - 1) & 1) ? p : NULL;
	return NULL;
}

void mock_prep_free_all(mock_engine *e)
{
	for (size_t i = 0; i < MOCK_PREP_BUCKETS; i++) {
		mock_prep *p = e->prep[i];
		while (p) {
			mock_prep *n = p->next;
			mock_arena_free(&p->arena);
			free(p->ks);
			free(p->query);
			free(p);
			p = n;
		}
		e->prep[i] = NULL;
	}
}

/* ==== types of bind markers ============================================== */

/* Copies subtree i of src after dst's used nodes; returns its index. */
static int copy_sub(ucql_type_set *dst, const ucql_type_set *src, int i)
{
	if (dst->used >= dst->cap)
		return UCQL_E_NOSPACE;
	int me = (int)dst->used++;
	dst->nodes[me] = *ucql_type_at(src, i);
	dst->nodes[me].first_child = -1;
	dst->nodes[me].next = -1;
	int prev = -1;
	for (int c = ucql_type_at(src, i)->first_child; c >= 0; c = ucql_type_at(src, c)->next) {
		int ci = copy_sub(dst, src, c);
		if (ci < 0)
			return ci;
		if (prev < 0)
			dst->nodes[me].first_child = ci;
		else
			dst->nodes[prev].next = ci;
		prev = ci;
	}
	return me;
}

typedef struct tref {
	const ucql_type_set *s;
	int i;
} tref;

/* A new type node `id` (list, tuple) over the given children. */
static int wrap(mock_arena *a, int id, const tref *kids, size_t n, tref *out)
{
	ucql_type_set *s = mock_arena_alloc(a, sizeof *s);
	ucql_type *nodes = mock_arena_alloc(a, 4 * MOCK_TYPE_NODES * sizeof *nodes);
	if (!s || !nodes)
		return UCQL_E_NOMEM;
	ucql_type_set_init(s, nodes, 4 * MOCK_TYPE_NODES);
	s->used = 1;
	memset(&nodes[0], 0, sizeof nodes[0]);
	nodes[0].id = (uint16_t)id;
	nodes[0].flags = UCQL_TYPE_F_FROZEN;
	nodes[0].n_children = (uint16_t)n;
	nodes[0].first_child = -1;
	nodes[0].next = -1;
	int prev = -1;
	for (size_t k = 0; k < n; k++) {
		int ci = copy_sub(s, kids[k].s, kids[k].i);
		if (ci < 0)
			return UCQL_E_INVALID;
		nodes[ci].field = (ucql_bytes){ NULL, 0 };
		if (prev < 0)
			nodes[0].first_child = ci;
		else
			nodes[prev].next = ci;
		prev = ci;
	}
	out->s = s;
	out->i = 0;
	return 0;
}

/* The type a marker inside term `t` (of type r) receives, or -1. */
static int find_elem(tref r, const mock_term *t, const mock_term *target, tref *out)
{
	if (t == target) {
		*out = r;
		return 0;
	}
	const ucql_type *ty = ucql_type_at(r.s, r.i);
	for (size_t k = 0; k < t->n_items; k++) {
		tref sub = r;
		if (ty->id == UCQL_TYPE_LIST || ty->id == UCQL_TYPE_SET)
			sub.i = ucql_type_child(r.s, r.i, 0);
		else if (ty->id == UCQL_TYPE_MAP)
			sub.i = ucql_type_child(r.s, r.i, 1);
		else if (ty->id == UCQL_TYPE_TUPLE)
			sub.i = ucql_type_child(r.s, r.i, (unsigned)k);
		else if (ty->id == UCQL_TYPE_UDT && t->keys) {
			sub.i = -1;
			for (int c = ty->first_child; c >= 0; c = ucql_type_at(r.s, c)->next)
				if (t->keys[k] && t->keys[k]->text &&
				    ucql_bytes_eq_str(ucql_type_at(r.s, c)->field, t->keys[k]->text))
					sub.i = c;
		} else
			sub.i = -1;
		if (sub.i < 0)
			continue;
		if (t->items[k] && !find_elem(sub, t->items[k], target, out))
			return 0;
		if (ty->id == UCQL_TYPE_MAP && t->keys && t->keys[k]) {
			tref kr = { r.s, ucql_type_child(r.s, r.i, 0) };
			if (!find_elem(kr, t->keys[k], target, out))
				return 0;
		}
	}
	return -1;
}

static ucql_bytes option_bytes(mock_arena *a, tref r, int version)
{
	ucql_writer w;
	ucql_writer_init(&w, NULL, 0);
	ucql_type_write_option(&w, r.s, r.i, version);
	size_t n = w.len;
	uint8_t *buf = mock_arena_alloc(a, n + 1);
	if (!buf)
		return (ucql_bytes){ NULL, 0 };
	ucql_writer_init(&w, buf, n);
	ucql_type_write_option(&w, r.s, r.i, version);
	if (w.err)
		return (ucql_bytes){ NULL, 0 };
	return ucql_bytes_of(buf, n);
}

static const char *cat(mock_arena *a, const char *x, const char *y, const char *z)
{
	size_t n = strlen(x) + strlen(y) + strlen(z);
	char *s = mock_arena_alloc(a, n + 1);
	if (s) {
		strcpy(s, x);
		strcat(s, y);
		strcat(s, z);
	}
	return s;
}

int mock_bind_types(mock_exec *x, const mock_parsed *p, ucql_col_spec **specs, uint16_t **pk_idx,
		    int32_t *npk, int *rc)
{
	static ucql_type bigint_n = { UCQL_TYPE_BIGINT, 0, 0, 0, 0, -1, -1, { 0 }, { 0 }, { 0 } };
	static ucql_type int_n = { UCQL_TYPE_INT, 0, 0, 0, 0, -1, -1, { 0 }, { 0 }, { 0 } };
	static ucql_type blob_n = { UCQL_TYPE_BLOB, 0, 0, 0, 0, -1, -1, { 0 }, { 0 }, { 0 } };
	static const ucql_type_set bigint_s = { &bigint_n, 1, 1 }, int_s = { &int_n, 1, 1 },
				   blob_s = { &blob_n, 1, 1 };
	ucql_col_spec *sp = mock_arena_alloc(x->arena, (p->n_binds + 1) * sizeof *sp);
	uint16_t *pk = mock_arena_alloc(x->arena, 64 * sizeof *pk);
	if (!sp || !pk)
		return UCQL_E_NOMEM;
	*npk = 0;
	const mock_table *pk_table = NULL;
	for (size_t i = 0; i < p->n_binds; i++) {
		const mock_bind *b = &p->binds[i];
		const mock_table *t = NULL;
		if (b->table) {
			mock_qname q = { b->ks, b->table };
			t = mock_exec_table(x, &q, rc);
			if (!t)
				return *rc;
		}
		int ci = t && b->column ? mock_table_column(t, b->column) : -1;
		if (t && b->column && ci < 0 && b->role != MOCK_BIND_TUPLE) {
			*rc = mock_exec_error(x, UCQL_E_INVALID, "Undefined column name %s", b->column);
			return *rc;
		}
		const mock_column *col = ci >= 0 ? &t->cols[ci] : NULL;
		tref r = { &blob_s, 0 };
		const char *name = b->column ? b->column : "expr";
		int err = 0;
		switch (b->role) {
		case MOCK_BIND_VALUE:
			if (col)
				r = (tref){ &col->types, col->root };
			break;
		case MOCK_BIND_IN_LIST:
			if (col) {
				tref kid = { &col->types, col->root };
				err = wrap(x->arena, UCQL_TYPE_LIST, &kid, 1, &r);
				name = cat(x->arena, "in(", b->column, ")");
			}
			break;
		case MOCK_BIND_ELEMENT:
			if (col) {
				/* Find the marker inside the column's literal. */
				tref whole = { &col->types, col->root };
				const mock_term *top = NULL;
				const mock_stmt *s = p->stmt;
				if (s->kind == MOCK_STMT_INSERT)
					for (size_t k = 0; k < s->u.insert.n_cols; k++)
						if (!strcmp(s->u.insert.cols[k], b->column) &&
						    !find_elem(whole, s->u.insert.values[k], b->term, &r))
							top = s->u.insert.values[k];
				if (s->kind == MOCK_STMT_UPDATE)
					for (size_t k = 0; k < s->u.update.n_set && !top; k++)
						if (!strcmp(s->u.update.set[k].column, b->column) &&
						    !find_elem(whole, s->u.update.set[k].value, b->term, &r))
							top = s->u.update.set[k].value;
				if (!top)
					r = whole;
				name = b->column;
			}
			break;
		case MOCK_BIND_MAP_KEY:
			if (col) {
				const ucql_type *ty = ucql_type_at(&col->types, col->root);
				if (ty->id == UCQL_TYPE_MAP)
					r = (tref){ &col->types, ucql_type_child(&col->types, col->root, 0) };
				else
					r = (tref){ &int_s, 0 };
				name = cat(x->arena, "key(", b->column, ")");
			}
			break;
		case MOCK_BIND_FIELD:
			if (col) {
				const ucql_type *ty = ucql_type_at(&col->types, col->root);
				for (int c = ty->first_child; c >= 0; c = ucql_type_at(&col->types, c)->next)
					if (b->field && ucql_bytes_eq_str(ucql_type_at(&col->types, c)->field, b->field))
						r = (tref){ &col->types, c };
			}
			break;
		case MOCK_BIND_TUPLE: {
			/* The relation's columns: find it in the statement. */
			const mock_relation *rel = NULL;
			const mock_stmt *s = p->stmt;
			const mock_relation *ws = s->kind == MOCK_STMT_SELECT ? s->u.select.where
						  : s->kind == MOCK_STMT_UPDATE ? s->u.update.where
						  : s->kind == MOCK_STMT_DELETE ? s->u.del.where : NULL;
			size_t nw = s->kind == MOCK_STMT_SELECT ? s->u.select.n_where
				    : s->kind == MOCK_STMT_UPDATE ? s->u.update.n_where
				    : s->kind == MOCK_STMT_DELETE ? s->u.del.n_where : 0;
			for (size_t k = 0; k < nw; k++)
				if (ws[k].kind == MOCK_REL_MULTI && ws[k].value == b->term)
					rel = &ws[k];
			if (rel && t) {
				tref kids[8];
				size_t nk = 0;
				for (size_t k = 0; k < rel->n_cols && k < 8; k++) {
					int cc = mock_table_column(t, rel->cols[k]);
					if (cc >= 0)
						kids[nk++] = (tref){ &t->cols[cc].types, t->cols[cc].root };
				}
				err = wrap(x->arena, UCQL_TYPE_TUPLE, kids, nk, &r);
				name = "tuple";
			}
			break;
		}
		case MOCK_BIND_TOKEN:
			r = (tref){ &bigint_s, 0 };
			name = "partition key token";
			break;
		case MOCK_BIND_LIMIT:
			r = (tref){ &int_s, 0 };
			name = "[limit]";
			break;
		case MOCK_BIND_PER_PARTITION_LIMIT:
			r = (tref){ &int_s, 0 };
			name = "[per_partition_limit]";
			break;
		case MOCK_BIND_TTL:
			r = (tref){ &int_s, 0 };
			name = "[ttl]";
			break;
		case MOCK_BIND_TIMESTAMP:
			r = (tref){ &bigint_s, 0 };
			name = "[timestamp]";
			break;
		default:
			break;
		}
		if (err)
			return err;
		if (b->name)
			name = b->name;
		sp[i].keyspace = ucql_bytes_str(t ? t->ks : mock_exec_ks(x, b->ks));
		sp[i].table = ucql_bytes_str(t ? t->name : "");
		sp[i].name = ucql_bytes_str(name ? name : "");
		sp[i].type = option_bytes(x->arena, r, x->version);
		if (!sp[i].type.len)
			return UCQL_E_NOMEM;
		if (b->role == MOCK_BIND_VALUE && col && col->kind == MOCK_COL_PK && t && !t->vtable) {
			if (!pk_table)
				pk_table = t;
			if (pk_table == t && (size_t)col->position < 64)
				pk[col->position] = (uint16_t)i;
			if (pk_table == t)
				(*npk)++;
		}
	}
	/* pk indexes only when every partition key column has its marker
	 * (and each once). */
	if (!pk_table || (size_t)*npk != pk_table->npk || p->stmt->kind == MOCK_STMT_BATCH)
		*npk = 0;
	*specs = sp;
	*pk_idx = pk;
	return 0;
}

/* ==== bound values ======================================================= */

int mock_bind_values(mock_exec *x, const mock_parsed *p, const ucql_query_params *qp, int *rc)
{
	size_t n = p->n_binds;
	x->binds = mock_arena_alloc(x->arena, (n + 1) * sizeof *x->binds);
	x->n_binds = n;
	if (!x->binds)
		return *rc = UCQL_E_NOMEM;
	for (size_t i = 0; i < n; i++)
		x->binds[i] = ucql_value_unset();
	size_t nv = (qp->flags & UCQL_QP_VALUES) ? qp->n_values : 0;
	int named = (qp->flags & UCQL_QP_NAMES) != 0;
	if (nv != n && !named) {
		*rc = mock_exec_error(x, UCQL_E_INVALID, "There were %zu markers(?) in CQL but %zu bound variables",
				      n, nv);
		return *rc;
	}
	ucql_value_iter it;
	ucql_value_iter_init(&it, qp->values_raw, named);
	ucql_bytes name;
	ucql_value v;
	size_t i = 0;
	while (ucql_value_iter_next(&it, &name, &v)) {
		if (!named) {
			if (i < n)
				x->binds[i] = v;
			i++;
			continue;
		}
		int found = 0;
		for (size_t k = 0; k < n; k++) {
			const mock_bind *b = &p->binds[k];
			const char *bn = b->name ? b->name : b->column;
			if (bn && name.len == strlen(bn) && !strncasecmp(bn, (const char *)name.p, name.len)) {
				x->binds[k] = v;
				found = 1;
			}
		}
		if (!found) {
			*rc = mock_exec_error(x, UCQL_E_INVALID, "Invalid unset value for column %.*s",
					      (int)name.len, (const char *)name.p);
			return *rc;
		}
	}
	return 0;
}

/* ==== PREPARE ============================================================ */

typedef struct prep_out {
	ucql_prepared pr;
	int version;
} prep_out;

static void write_prepared(ucql_writer *w, void *arg)
{
	prep_out *o = arg;
	ucql_result_prepared_encode(w, o->version, &o->pr);
}

int mock_exec_prepare(mock_exec *x, ucql_bytes query, ucql_bytes ks_param)
{
	const char *ks = x->ks;
	if (ks_param.len) {
		char *k = mock_arena_strndup(x->arena, (const char *)ks_param.p, ks_param.len);
		if (!k)
			return UCQL_E_NOMEM;
		ks = k;
	}
	/* Parse first: errors are reported without caching anything. */
	mock_arena pa;
	mock_arena_init(&pa);
	mock_parsed parsed;
	mock_cql_error ce;
	memset(&ce, 0, sizeof ce);
	int rc = mock_cql_parse(&pa, (const char *)query.p, query.len, &parsed, &ce);
	if (rc) {
		mock_arena_free(&pa);
		if (rc == UCQL_E_NOMEM)
			return rc;
		return mock_exec_error(x, rc, "%s", ce.msg);
	}
	x->parsed = &parsed;
	if (parsed.stmt->kind == MOCK_STMT_USE || parsed.stmt->kind == MOCK_STMT_UNSUPPORTED) {
		/* Cassandra prepares those too; USE is then executed as is. */
	}
	prep_out o;
	memset(&o, 0, sizeof o);
	o.version = x->version;
	int32_t npk = 0;
	ucql_col_spec *specs = NULL;
	uint16_t *pk = NULL;
	const char *saved_ks = x->ks;
	x->ks = ks;
	rc = mock_bind_types(x, &parsed, &specs, &pk, &npk, &rc);
	int mrc = 0;
	if (!rc && parsed.stmt->kind == MOCK_STMT_SELECT)
		rc = mock_select_result_md(x, &parsed.stmt->u.select, &o.pr.result, &mrc);
	x->ks = saved_ks;
	if (rc) {
		mock_arena_free(&pa);
		return rc;
	}
	if (parsed.stmt->kind != MOCK_STMT_SELECT) {
		o.pr.result.flags = UCQL_MD_NO_METADATA;
		o.pr.result.columns_count = 0;
	}
	o.pr.params.flags = 0;
	o.pr.params.columns_count = (int32_t)parsed.n_binds;
	o.pr.params.cols = specs;
	o.pr.params.pk_count = npk;
	o.pr.params.pk_indexes = pk;
	if (parsed.n_binds && specs[0].keyspace.len && specs[0].table.len) {
		int same = 1;
		for (size_t i = 1; i < parsed.n_binds; i++)
			if (!ucql_bytes_eq_str(specs[i].table, (const char *)specs[0].table.p) ||
			    specs[i].table.len != specs[0].table.len)
				same = 0;
		if (same) {
			o.pr.params.flags = UCQL_MD_GLOBAL_TABLES_SPEC;
			o.pr.params.global_keyspace = specs[0].keyspace;
			o.pr.params.global_table = specs[0].table;
		}
	}
	/* id = MD5(keyspace + query), Cassandra's computeId. */
	size_t kl = strlen(ks);
	uint8_t *idsrc = mock_arena_alloc(x->arena, kl + query.len + 1);
	if (!idsrc) {
		mock_arena_free(&pa);
		return UCQL_E_NOMEM;
	}
	memcpy(idsrc, ks, kl);
	memcpy(idsrc + kl, query.p, query.len);
	uint8_t id[16], mdid[16];
	mock_md5(idsrc, kl + query.len, id);
	/* v5 result metadata id: MD5 of the result metadata's encoding. */
	{
		ucql_writer w;
		ucql_writer_init(&w, NULL, 0);
		ucql_metadata_encode(&w, 4, &o.pr.result);
		uint8_t *mb = mock_arena_alloc(x->arena, w.len + 1);
		if (!mb) {
			mock_arena_free(&pa);
			return UCQL_E_NOMEM;
		}
		size_t n = w.len;
		ucql_writer_init(&w, mb, n);
		ucql_metadata_encode(&w, 4, &o.pr.result);
		mock_md5(mb, n, mdid);
	}
	o.pr.id = ucql_bytes_of(id, 16);
	o.pr.result_metadata_id = ucql_bytes_of(mdid, 16);

	mock_prep *pr = NULL;
	for (pr = x->e->prep[bucket(id)]; pr; pr = pr->next)
		if (!memcmp(pr->id, id, 16))
			break;
	int adopted = 0;
	if (!pr) {
		pr = calloc(1, sizeof *pr);
		if (!pr || !(pr->ks = malloc(kl + 1)) || !(pr->query = malloc(query.len + 1))) {
			if (pr)
				free(pr->ks);
			free(pr);
			mock_arena_free(&pa);
			return UCQL_E_NOMEM;
		}
		memcpy(pr->ks, ks, kl + 1);
		memcpy(pr->query, query.p, query.len);
		pr->query[query.len] = 0;
		memcpy(pr->id, id, 16);
		pr->arena = pa; /* the parse tree stays where it is */
		adopted = 1;
		pr->parsed = parsed;
		pr->next = x->e->prep[bucket(id)];
		x->e->prep[bucket(id)] = pr;
	}
	if (x->node >= 1 && x->node <= 64)
		pr->nodes |= (uint64_t)1 << (x->node - 1);
	/* The specs view names in the parse tree: free it only now. */
	mock_exec_write(x, write_prepared, &o);
	if (!adopted)
		mock_arena_free(&pa);
	return MOCK_RES;
}
