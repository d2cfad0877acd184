/*
 * engine.c — the engine object and the mock_handler_fn: decodes the
 * request's statement(s) and dispatches to the executors.
 */
#include "engine.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine_int.h"
#include "rules.h"
#include "ucql/error_msg.h"
#include "ucql/result.h"

/* ==== buffers ============================================================ */

void mock_dbuf_put(mock_dbuf *b, const void *p, size_t n)
{
	if (b->err)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *q = realloc(b->p, cap);
		if (!q) {
			b->err = UCQL_E_NOMEM;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

void mock_dbuf_int(mock_dbuf *b, int32_t v)
{
	uint8_t d[4];
	ucql__put32(d, (uint32_t)v);
	mock_dbuf_put(b, d, 4);
}

void mock_dbuf_value(mock_dbuf *b, ucql_value v)
{
	mock_dbuf_int(b, v.len < 0 ? -1 : v.len);
	if (v.len > 0)
		mock_dbuf_put(b, v.p, (size_t)v.len);
}

void mock_dbuf_free(mock_dbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

/* ==== errors ============================================================= */

int mock_exec_write(mock_exec *x, void (*fn)(ucql_writer *w, void *arg), void *arg)
{
	size_t at = x->out->w.len;
	do
		fn(&x->out->w, arg);
	while (mock_reply_retry(x->out, at));
	return x->out->w.err;
}

int mock_exec_error(mock_exec *x, int code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	x->out->w.len = 0;
	x->out->w.err = 0;
	mock_reply_error(x->out, x->version, code, "%s", msg);
	return MOCK_ERR;
}

typedef struct err_arg {
	ucql_error_msg m;
	int version;
} err_arg;

static void write_error_v(ucql_writer *w, void *arg)
{
	err_arg *a = arg;
	ucql_error_msg_encode(w, a->version, &a->m);
}

int mock_exec_unavailable(mock_exec *x, uint16_t cl, int required, int alive)
{
	char msg[128];
	snprintf(msg, sizeof msg, "Cannot achieve consistency level %s",
		 ucql_consistency_name(cl) ? ucql_consistency_name(cl) : "?");
	err_arg a;
	ucql_error_msg_init(&a.m, UCQL_E_UNAVAILABLE, ucql_bytes_str(msg));
	a.m.consistency = cl;
	a.m.required = required;
	a.m.alive = alive;
	a.version = x->version;
	x->out->w.len = 0;
	x->out->w.err = 0;
	mock_exec_write(x, write_error_v, &a);
	return MOCK_ERR;
}

int mock_exec_already_exists(mock_exec *x, const char *ks, const char *table, const char *msg)
{
	err_arg a;
	ucql_error_msg_init(&a.m, UCQL_E_ALREADY_EXISTS, ucql_bytes_str(msg));
	a.m.keyspace = ucql_bytes_str(ks);
	a.m.name = ucql_bytes_str(table ? table : "");
	a.version = x->version;
	x->out->w.len = 0;
	x->out->w.err = 0;
	mock_exec_write(x, write_error_v, &a);
	return MOCK_ERR;
}

static int unprepared(mock_exec *x, ucql_bytes id)
{
	char hex[80];
	size_t n = 0;
	for (size_t i = 0; i < id.len && n + 3 < sizeof hex; i++)
		n += (size_t)snprintf(hex + n, sizeof hex - n, "%02x", id.p[i]);
	hex[n] = 0;
	char msg[512];
	snprintf(msg, sizeof msg, "Prepared query with ID %s not found (either the query was not prepared on this host (maybe the host has been restarted?) or you have prepared too many queries and it has been evicted from the internal cache)", hex);
	err_arg a;
	ucql_error_msg_init(&a.m, UCQL_E_UNPREPARED, ucql_bytes_str(msg));
	a.m.unprepared_id = id;
	a.version = x->version;
	x->out->w.len = 0;
	x->out->w.err = 0;
	mock_exec_write(x, write_error_v, &a);
	return MOCK_ERR;
}

/* ==== helpers ============================================================ */

mock_literal_ctx mock_exec_lctx(const mock_exec *x, const char *receiver)
{
	mock_literal_ctx c = { receiver, x->binds, x->n_binds, x->now_us };
	return c;
}

const char *mock_exec_ks(const mock_exec *x, const char *ks)
{
	return ks ? ks : x->ks;
}

mock_table *mock_exec_table(mock_exec *x, const mock_qname *q, int *rc)
{
	const char *ks = mock_exec_ks(x, q->ks);
	if (!ks || !*ks) {
		*rc = mock_exec_error(x, UCQL_E_INVALID,
				      "No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename");
		return NULL;
	}
	mock_keyspace *k = mock_catalog_keyspace(&x->e->cat, ks);
	if (!k) {
		*rc = mock_exec_error(x, UCQL_E_INVALID, "Keyspace '%s' does not exist", ks);
		return NULL;
	}
	mock_table *t = mock_catalog_table(&x->e->cat, ks, q->name);
	if (!t) {
		*rc = mock_exec_error(x, UCQL_E_INVALID, "unconfigured table %s", q->name);
		return NULL;
	}
	return t;
}

int mock_node_up(const mock_engine *e, int node)
{
	if (!e->cluster)
		return 1;
	return mock_node_is_up(e->cluster, node) == 1;
}

void mock_exec_count_replica(mock_exec *x, const mock_keyspace *k, int64_t token)
{
	if (x->counted || x->node <= 0 || x->node > x->e->nnodes || k->system)
		return;
	x->counted = 1;
	if (mock_replica_map_contains(k->map, token, x->node, x->node))
		x->e->replica_req[x->node]++;
	else
		x->e->non_replica_req[x->node]++;
}

/* ==== engine ============================================================= */

int mock_engine_new(const mock_engine_config *cfg, mock_engine **out, char *err, size_t errlen)
{
	*out = NULL;
	if (!cfg || !cfg->topology) {
		snprintf(err, errlen, "engine: no topology");
		return UCQL_E_INVALID_ARG;
	}
	mock_engine *e = calloc(1, sizeof *e);
	if (!e) {
		snprintf(err, errlen, "out of memory");
		return UCQL_E_NOMEM;
	}
	e->mode_311 = cfg->mode_311;
	snprintf(e->release_version, sizeof e->release_version, "%s",
		 cfg->release_version ? cfg->release_version : cfg->mode_311 ? "3.11.16" : "4.0.11");
	snprintf(e->cluster_name, sizeof e->cluster_name, "%s",
		 cfg->cluster_name ? cfg->cluster_name : "ucql-mock");
	int rc = mock_ring_build(&e->ring, cfg->topology, err, errlen);
	if (!rc)
		rc = mock_catalog_init(&e->cat, e->ring, cfg->mode_311, cfg->no_peers_v2, err, errlen);
	if (rc) {
		mock_ring_unref(e->ring);
		free(e);
		return rc;
	}
	e->nnodes = (int)e->cat.nnodes_max;
	e->host_id = calloc((size_t)e->nnodes + 1, sizeof *e->host_id);
	e->replica_req = calloc((size_t)e->nnodes + 1, sizeof *e->replica_req);
	e->non_replica_req = calloc((size_t)e->nnodes + 1, sizeof *e->non_replica_req);
	e->rules = mock_rules_new(e->nnodes);
	if (!e->host_id || !e->replica_req || !e->non_replica_req || !e->rules) {
		mock_engine_free(e);
		snprintf(err, errlen, "out of memory");
		return UCQL_E_NOMEM;
	}
	/* Stable host ids: a version 4 uuid derived from the node id and the
	 * cluster name, so restarts of the same cluster keep them. */
	for (int n = 1; n <= e->nnodes; n++) {
		char seed[200];
		int len = snprintf(seed, sizeof seed, "ucql-mock host %d %s", n, e->cluster_name);
		mock_md5(seed, (size_t)len, e->host_id[n]);
		e->host_id[n][6] = (uint8_t)((e->host_id[n][6] & 0x0F) | 0x40);
		e->host_id[n][8] = (uint8_t)((e->host_id[n][8] & 0x3F) | 0x80);
	}
	*out = e;
	return 0;
}

void mock_engine_free(mock_engine *e)
{
	if (!e)
		return;
	mock_prep_free_all(e);
	mock_rules_free(e->rules);
	mock_catalog_free(&e->cat);
	mock_ring_unref(e->ring);
	free(e->host_id);
	free(e->replica_req);
	free(e->non_replica_req);
	free(e);
}

void mock_engine_attach(mock_engine *e, mock_cluster *c)
{
	e->cluster = c;
}

/* ==== dispatch =========================================================== */

static void write_set_ks(ucql_writer *w, void *arg)
{
	const char *ks = arg;
	ucql_result_set_keyspace_encode(w, 4, ucql_bytes_str(ks));
}

static int exec_use(mock_exec *x, const mock_name_stmt *s)
{
	if (!mock_catalog_keyspace(&x->e->cat, s->name.name))
		return mock_exec_error(x, UCQL_E_INVALID, "Keyspace '%s' does not exist", s->name.name);
	mock_session_set_keyspace(x->req->session, ucql_bytes_str(s->name.name));
	mock_exec_write(x, write_set_ks, (void *)s->name.name);
	return MOCK_RES;
}

int mock_engine_run_stmt(mock_exec *x, const mock_stmt *s)
{
	switch (s->kind) {
	case MOCK_STMT_SELECT:
		return mock_exec_select(x, &s->u.select);
	case MOCK_STMT_INSERT:
	case MOCK_STMT_UPDATE:
	case MOCK_STMT_DELETE:
		return mock_exec_modify(x, s);
	case MOCK_STMT_BATCH: {
		const mock_batch *b = &s->u.batch;
		const mock_stmt **stmts = mock_arena_alloc(x->arena, (b->n_stmts + 1) * sizeof *stmts);
		const mock_parsed **ps = mock_arena_alloc(x->arena, (b->n_stmts + 1) * sizeof *ps);
		ucql_value **bv = mock_arena_alloc(x->arena, (b->n_stmts + 1) * sizeof *bv);
		size_t *nb = mock_arena_alloc(x->arena, (b->n_stmts + 1) * sizeof *nb);
		if (!stmts || !ps || !bv || !nb)
			return UCQL_E_NOMEM;
		for (size_t i = 0; i < b->n_stmts; i++) {
			stmts[i] = b->stmts[i];
			ps[i] = x->parsed;
			bv[i] = x->binds;
			nb[i] = x->n_binds;
		}
		return mock_exec_batch_stmts(x, stmts, ps, bv, nb, b->n_stmts, b->type);
	}
	case MOCK_STMT_USE:
		return exec_use(x, &s->u.name);
	case MOCK_STMT_TRUNCATE:
		return mock_exec_truncate(x, &s->u.name);
	case MOCK_STMT_CREATE_KEYSPACE:
	case MOCK_STMT_DROP_KEYSPACE:
	case MOCK_STMT_CREATE_TABLE:
	case MOCK_STMT_DROP_TABLE:
	case MOCK_STMT_CREATE_TYPE:
	case MOCK_STMT_DROP_TYPE:
		return mock_exec_ddl(x, s);
	default:
		return mock_exec_error(x, UCQL_E_INVALID, "%s statements are not supported by ucql-mock",
				       s->u.unsupported ? s->u.unsupported : "These");
	}
}

static int parse(mock_exec *x, ucql_bytes text, mock_parsed *p)
{
	mock_cql_error ce;
	memset(&ce, 0, sizeof ce);
	int rc = mock_cql_parse(x->arena, (const char *)text.p, text.len, p, &ce);
	if (rc == UCQL_E_NOMEM)
		return rc;
	if (rc)
		return mock_exec_error(x, rc, "%s", ce.msg);
	return 0;
}

static void set_params(mock_exec *x, const ucql_query_params *qp)
{
	x->cl = qp->consistency;
	x->page_size = (qp->flags & UCQL_QP_PAGE_SIZE) ? qp->page_size : -1;
	if (qp->flags & UCQL_QP_PAGING_STATE)
		x->paging_state = qp->paging_state;
	if (qp->flags & UCQL_QP_TIMESTAMP)
		x->ts = qp->timestamp;
	x->skip_metadata = (qp->flags & UCQL_QP_SKIP_METADATA) != 0;
}

static int handle_batch(mock_exec *x, const ucql_batch *b)
{
	x->cl = b->consistency;
	if (b->flags & UCQL_QP_TIMESTAMP)
		x->ts = b->timestamp;
	size_t n = b->n;
	const mock_stmt **stmts = mock_arena_alloc(x->arena, (n + 1) * sizeof *stmts);
	const mock_parsed **ps = mock_arena_alloc(x->arena, (n + 1) * sizeof *ps);
	ucql_value **bv = mock_arena_alloc(x->arena, (n + 1) * sizeof *bv);
	size_t *nb = mock_arena_alloc(x->arena, (n + 1) * sizeof *nb);
	if (!stmts || !ps || !bv || !nb)
		return UCQL_E_NOMEM;
	ucql_reader it;
	ucql_batch_iter_init(&it, b);
	ucql_batch_stmt st;
	for (size_t i = 0; i < n && ucql_batch_next(&it, &st) == 1; i++) {
		mock_parsed *p;
		if (st.kind == UCQL_BATCH_QUERY) {
			p = mock_arena_alloc(x->arena, sizeof *p);
			if (!p)
				return UCQL_E_NOMEM;
			int rc = parse(x, st.query_or_id, p);
			if (rc)
				return rc;
		} else {
			mock_prep *pr = mock_prep_find(x->e, st.query_or_id.p, st.query_or_id.len, x->node);
			if (!pr)
				return unprepared(x, st.query_or_id);
			p = &pr->parsed;
		}
		int k = p->stmt->kind;
		if (k != MOCK_STMT_INSERT && k != MOCK_STMT_UPDATE && k != MOCK_STMT_DELETE)
			return mock_exec_error(x, UCQL_E_INVALID,
					       "Invalid statement in batch: only UPDATE, INSERT and DELETE statements are allowed.");
		ucql_query_params qp;
		memset(&qp, 0, sizeof qp);
		qp.flags = UCQL_QP_VALUES;
		qp.n_values = st.n_values;
		qp.values_raw = st.values_raw;
		x->binds = NULL;
		x->n_binds = 0;
		int rc = 0;
		if (mock_bind_values(x, p, &qp, &rc))
			return rc;
		stmts[i] = p->stmt;
		ps[i] = p;
		bv[i] = x->binds;
		nb[i] = x->n_binds;
	}
	return mock_exec_batch_stmts(x, stmts, ps, bv, nb, n, b->type);
}

int mock_engine_handler(void *ctx, const mock_request *req, mock_reply *out)
{
	mock_engine *e = ctx;
	mock_arena arena;
	mock_arena_init(&arena);
	mock_exec x;
	memset(&x, 0, sizeof x);
	x.e = e;
	x.req = req;
	x.out = out;
	x.version = req->session->version;
	x.node = req->node;
	x.ks = req->session->keyspace;
	x.arena = &arena;
	x.ts = MOCK_TS_NONE;
	x.page_size = -1;
	x.paging_state = ucql_value_null();
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	x.now_us = (int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000;
	const ucql_message *m = req->msg;
	int rc;
	/* Fault rules (ucql_mock.rules) and the activity log come first. */
	if (mock_rules_on_request(&x, &rc)) {
		mock_arena_free(&arena);
		return rc;
	}
	switch (req->opcode) {
	case UCQL_OP_QUERY: {
		mock_parsed *p = mock_arena_alloc(&arena, sizeof *p);
		if (!p) {
			rc = UCQL_E_NOMEM;
			break;
		}
		set_params(&x, &m->u.query.params);
		if ((m->u.query.params.flags & UCQL_QP_KEYSPACE) && m->u.query.params.keyspace.len) {
			char *ks = mock_arena_strndup(&arena, (const char *)m->u.query.params.keyspace.p,
						      m->u.query.params.keyspace.len);
			if (ks)
				x.ks = ks;
		}
		rc = parse(&x, m->u.query.query, p);
		if (rc)
			break;
		x.parsed = p;
		if (mock_bind_values(&x, p, &m->u.query.params, &rc))
			break;
		rc = mock_engine_run_stmt(&x, p->stmt);
		break;
	}
	case UCQL_OP_PREPARE:
		rc = mock_exec_prepare(&x, m->u.prepare.query,
				       (m->u.prepare.flags & UCQL_PREPARE_KEYSPACE) ? m->u.prepare.keyspace
										      : ucql_bytes_str(""));
		break;
	case UCQL_OP_EXECUTE: {
		mock_prep *pr = mock_prep_find(e, m->u.execute.id.p, m->u.execute.id.len, x.node);
		if (!pr) {
			rc = unprepared(&x, m->u.execute.id);
			break;
		}
		set_params(&x, &m->u.execute.params);
		x.md_id = m->u.execute.result_metadata_id;
		x.prep = pr;
		if (pr->ks[0])
			x.ks = pr->ks;
		x.parsed = &pr->parsed;
		if (mock_bind_values(&x, &pr->parsed, &m->u.execute.params, &rc))
			break;
		rc = mock_engine_run_stmt(&x, pr->parsed.stmt);
		break;
	}
	case UCQL_OP_BATCH:
		rc = handle_batch(&x, &m->u.batch);
		break;
	default:
		rc = mock_exec_error(&x, UCQL_E_PROTOCOL, "unexpected opcode %d", req->opcode);
	}
	mock_arena_free(&arena);
	if (rc == MOCK_RES && !out->w.err)
		return UCQL_OP_RESULT;
	if (rc == MOCK_ERR && !out->w.err)
		return UCQL_OP_ERROR;
	int why = rc == MOCK_RES || rc == MOCK_ERR ? out->w.err : rc;
	out->w.len = 0;
	out->w.err = 0;
	return mock_reply_error(out, x.version, UCQL_E_SERVER_ERROR, "ucql-mock: %s",
				why == UCQL_E_NOMEM ? "out of memory" : ucql_err_str(why));
}
