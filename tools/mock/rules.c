/*
 * rules.c — the fault-injection rules at dispatch (matching, the actions)
 * and the per-node activity log. Their CQL tables are in rules_table.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "rules_int.h"
#include "ucql/error_msg.h"
#include "ucql/result.h"

/* ==== objects ============================================================ */

mock_rules *mock_rules_new(int nnodes)
{
	mock_rules *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->nnodes = nnodes;
	r->logs = calloc((size_t)nnodes + 1, sizeof *r->logs);
	if (!r->logs) {
		free(r);
		return NULL;
	}
	for (int i = 0; i <= nnodes; i++)
		r->logs[i].next_seq = 1;
	return r;
}

void mock_rule_free(mock_rule *r)
{
	if (!r)
		return;
	for (int i = 0; i < RC_NCOLS; i++)
		free((void *)r->raw[i].p);
	if (r->query && r->is_re)
		regfree(&r->re);
	free(r->query);
	free(r->ks);
	free(r->table);
	free(r->conn);
	free(r->message);
	free(r->write_type);
	free(r->err_ks);
	free(r->err_table);
	free(r->function);
	free(r);
}

void mock_actlog_clear(mock_actlog *l)
{
	for (size_t i = 0; i < l->n; i++) {
		mock_act *a = &l->ring[(l->head + i) % MOCK_ACTIVITY_MAX];
		free(a->query);
		free(a->ks);
	}
	l->head = 0;
	l->n = 0;
}

void mock_rules_free(mock_rules *r)
{
	if (!r)
		return;
	while (r->list) {
		mock_rule *n = r->list->next;
		mock_rule_free(r->list);
		r->list = n;
	}
	for (int i = 0; i <= r->nnodes; i++) {
		mock_actlog_clear(&r->logs[i]);
		free(r->logs[i].ring);
	}
	free(r->logs);
	free(r);
}

const char *mock_rule_action_name(int action)
{
	switch (action) {
	case MOCK_RULE_DELAY: return "delay";
	case MOCK_RULE_ERROR: return "error";
	case MOCK_RULE_NO_REPLY: return "no_reply";
	case MOCK_RULE_CLOSE: return "close";
	case MOCK_RULE_HALF_CLOSE: return "half_close";
	default: return NULL;
	}
}

const char *mock_rule_opcode_name(int opcode)
{
	switch (opcode) {
	case UCQL_OP_QUERY: return "QUERY";
	case UCQL_OP_PREPARE: return "PREPARE";
	case UCQL_OP_EXECUTE: return "EXECUTE";
	case UCQL_OP_BATCH: return "BATCH";
	default: return NULL;
	}
}

/* ==== what a request is ================================================== */

#define MAX_TARGETS 64

typedef struct req_info {
	const char *text;   /* NUL-terminated query text (batch: joined with "; "), or NULL */
	const char *ks;     /* keyspace the request is in ("" none) */
	const char *tks[MAX_TARGETS], *ttab[MAX_TARGETS]; /* targets (table NULL: a keyspace) */
	size_t nt;
	int cl;             /* -1: none */
	int32_t values;
	char conn[24];
	ucql_bytes exec_id; /* EXECUTE: the id (for an Unprepared reply) */
} req_info;

static void add_target(req_info *ri, const char *cur_ks, const char *ks, const char *table)
{
	if (ri->nt < MAX_TARGETS) {
		ri->tks[ri->nt] = ks ? ks : cur_ks;
		ri->ttab[ri->nt] = table;
		ri->nt++;
	}
}

static void stmt_targets(req_info *ri, const char *cur_ks, const mock_stmt *s)
{
	if (!s)
		return;
	switch (s->kind) {
	case MOCK_STMT_SELECT:
		add_target(ri, cur_ks, s->u.select.table.ks, s->u.select.table.name);
		break;
	case MOCK_STMT_INSERT:
		add_target(ri, cur_ks, s->u.insert.table.ks, s->u.insert.table.name);
		break;
	case MOCK_STMT_UPDATE:
		add_target(ri, cur_ks, s->u.update.table.ks, s->u.update.table.name);
		break;
	case MOCK_STMT_DELETE:
		add_target(ri, cur_ks, s->u.del.table.ks, s->u.del.table.name);
		break;
	case MOCK_STMT_BATCH:
		for (size_t i = 0; i < s->u.batch.n_stmts; i++)
			stmt_targets(ri, cur_ks, s->u.batch.stmts[i]);
		break;
	case MOCK_STMT_TRUNCATE:
	case MOCK_STMT_DROP_TABLE:
	case MOCK_STMT_DROP_TYPE:
		add_target(ri, cur_ks, s->u.name.name.ks, s->u.name.name.name);
		break;
	case MOCK_STMT_USE:
	case MOCK_STMT_DROP_KEYSPACE:
		add_target(ri, cur_ks, s->u.name.name.name, NULL);
		break;
	case MOCK_STMT_CREATE_KEYSPACE:
		add_target(ri, cur_ks, s->u.create_ks.name, NULL);
		break;
	case MOCK_STMT_CREATE_TABLE:
		add_target(ri, cur_ks, s->u.create_table.table.ks, s->u.create_table.table.name);
		break;
	case MOCK_STMT_CREATE_TYPE:
		add_target(ri, cur_ks, s->u.create_type.type.ks, NULL);
		break;
	default:
		break;
	}
}

/* Parses text for its targets; a statement that does not parse has none
 * (the engine will answer its syntax error). */
static void text_targets(mock_exec *x, req_info *ri, const char *cur_ks, ucql_bytes text)
{
	mock_parsed p;
	mock_cql_error ce;
	memset(&p, 0, sizeof p);
	memset(&ce, 0, sizeof ce);
	if (mock_cql_parse(x->arena, (const char *)text.p, text.len, &p, &ce) == 0)
		stmt_targets(ri, cur_ks, p.stmt);
}

static const char *arena_str(mock_exec *x, ucql_bytes b)
{
	return mock_arena_strndup(x->arena, b.p ? (const char *)b.p : "", b.len);
}

static void describe(mock_exec *x, req_info *ri)
{
	const mock_request *req = x->req;
	const ucql_message *m = req->msg;
	memset(ri, 0, sizeof *ri);
	ri->cl = -1;
	ri->ks = x->ks;
	const mock_session *ss = req->session;
	snprintf(ri->conn, sizeof ri->conn, "%u.%u.%u.%u:%u", (ss->peer_ip >> 24) & 255,
		 (ss->peer_ip >> 16) & 255, (ss->peer_ip >> 8) & 255, ss->peer_ip & 255, ss->peer_port);
	switch (req->opcode) {
	case UCQL_OP_QUERY: {
		const ucql_query_params *qp = &m->u.query.params;
		if ((qp->flags & UCQL_QP_KEYSPACE) && qp->keyspace.len)
			ri->ks = arena_str(x, qp->keyspace);
		ri->cl = qp->consistency;
		ri->values = (qp->flags & UCQL_QP_VALUES) ? qp->n_values : 0;
		ri->text = arena_str(x, m->u.query.query);
		text_targets(x, ri, ri->ks ? ri->ks : "", m->u.query.query);
		break;
	}
	case UCQL_OP_PREPARE:
		if ((m->u.prepare.flags & UCQL_PREPARE_KEYSPACE) && m->u.prepare.keyspace.len)
			ri->ks = arena_str(x, m->u.prepare.keyspace);
		ri->text = arena_str(x, m->u.prepare.query);
		text_targets(x, ri, ri->ks ? ri->ks : "", m->u.prepare.query);
		break;
	case UCQL_OP_EXECUTE: {
		const ucql_query_params *qp = &m->u.execute.params;
		ri->cl = qp->consistency;
		ri->values = (qp->flags & UCQL_QP_VALUES) ? qp->n_values : 0;
		ri->exec_id = m->u.execute.id;
		mock_prep *pr = mock_prep_find(x->e, m->u.execute.id.p, m->u.execute.id.len, x->node);
		if (pr) {
			if (pr->ks[0])
				ri->ks = pr->ks;
			ri->text = pr->query;
			stmt_targets(ri, ri->ks, pr->parsed.stmt);
		}
		break;
	}
	case UCQL_OP_BATCH: {
		const ucql_batch *b = &m->u.batch;
		ri->cl = b->consistency;
		mock_dbuf t = { 0 };
		ucql_reader it;
		ucql_batch_iter_init(&it, b);
		ucql_batch_stmt st;
		for (size_t i = 0; i < b->n && ucql_batch_next(&it, &st) == 1; i++) {
			ri->values += st.n_values;
			if (i)
				mock_dbuf_put(&t, "; ", 2);
			if (st.kind == UCQL_BATCH_QUERY) {
				mock_dbuf_put(&t, st.query_or_id.p, st.query_or_id.len);
				text_targets(x, ri, ri->ks, st.query_or_id);
			} else {
				mock_prep *pr = mock_prep_find(x->e, st.query_or_id.p, st.query_or_id.len, x->node);
				if (pr) {
					mock_dbuf_put(&t, pr->query, strlen(pr->query));
					stmt_targets(ri, pr->ks[0] ? pr->ks : ri->ks, pr->parsed.stmt);
				}
			}
		}
		if (!t.err)
			ri->text = mock_arena_strndup(x->arena, t.p ? (const char *)t.p : "", t.len);
		mock_dbuf_free(&t);
		break;
	}
	default:
		break;
	}
	if (!ri->ks)
		ri->ks = "";
}

/* ==== matching =========================================================== */

/* splitmix64: tiny, good enough, and the same sequence for a seed
 * everywhere, so probabilistic tests are reproducible. */
static double next_unit(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	z ^= z >> 31;
	return (double)(z >> 11) * (1.0 / 9007199254740992.0);
}

static int conn_match(const char *rule, const char *conn)
{
	if (strchr(rule, ':'))
		return strcmp(rule, conn) == 0;
	/* an address alone: any port */
	size_t n = strlen(rule);
	return strncmp(rule, conn, n) == 0 && conn[n] == ':';
}

static int target_match(const mock_rule *r, const req_info *ri)
{
	if (!r->ks && !r->table)
		return 1;
	for (size_t i = 0; i < ri->nt; i++) {
		if (r->ks && (!ri->tks[i] || strcmp(r->ks, ri->tks[i])))
			continue;
		if (r->table && (!ri->ttab[i] || strcmp(r->table, ri->ttab[i])))
			continue;
		return 1;
	}
	/* A keyspace-only rule also matches a request made in that keyspace
	 * without a table target (e.g. an unparsable one). */
	return r->ks && !r->table && !ri->nt && strcmp(r->ks, ri->ks) == 0;
}

static int rule_match(mock_rule *r, const mock_exec *x, const req_info *ri)
{
	if (r->node && r->node != x->node)
		return 0;
	if (r->opcode >= 0 && r->opcode != x->req->opcode)
		return 0;
	if (r->has_count && r->remaining <= 0)
		return 0;
	if (r->query) {
		if (!ri->text)
			return 0;
		if (r->is_re ? regexec(&r->re, ri->text, 0, NULL, 0) != 0 : !strcasestr(ri->text, r->query))
			return 0;
	}
	if (r->conn && !conn_match(r->conn, ri->conn))
		return 0;
	if (!target_match(r, ri))
		return 0;
	/* Draw only for a real probability, so a rule's sequence depends on
	 * its own matches alone. */
	if (r->prob < 1.0 && !(next_unit(&r->rng) < r->prob))
		return 0;
	return 1;
}

/* ==== actions ============================================================ */

typedef struct rule_err {
	ucql_error_msg m;
	int version;
} rule_err;

static void write_rule_err(ucql_writer *w, void *arg)
{
	rule_err *a = arg;
	ucql_error_msg_encode(w, a->version, &a->m);
}

static void write_void(ucql_writer *w, void *arg)
{
	(void)arg;
	ucql_result_void_encode(w, 4);
}

static const char *first_target(const req_info *ri, int table)
{
	for (size_t i = 0; i < ri->nt; i++)
		if (table ? ri->ttab[i] != NULL : ri->tks[i] != NULL)
			return table ? ri->ttab[i] : ri->tks[i];
	return table ? "" : ri->ks;
}

static int send_error(mock_exec *x, const mock_rule *r, const req_info *ri)
{
	int code = ucql_err_from_wire(r->error_code);
	char defmsg[128];
	snprintf(defmsg, sizeof defmsg, "ucql-mock rule %d: %s", (int)r->id, ucql_err_str(code));
	rule_err a;
	ucql_error_msg_init(&a.m, code, ucql_bytes_str(r->message ? r->message : defmsg));
	a.m.wire_code = r->error_code; /* codes ucql does not know stay as given */
	a.version = x->version;
	a.m.consistency = (uint16_t)(r->cl >= 0 ? r->cl : ri->cl >= 0 ? ri->cl : UCQL_CL_ONE);
	a.m.required = r->required;
	a.m.alive = r->alive;
	a.m.received = r->received;
	a.m.block_for = r->required;
	a.m.write_type = ucql_bytes_str(r->write_type ? r->write_type : "SIMPLE");
	if (r->write_type && !strcmp(r->write_type, "CAS"))
		a.m.contentions = 0;
	a.m.data_present = (uint8_t)(r->data_present != 0);
	a.m.num_failures = r->failures;
	if (x->version >= 5 && r->failures > 0) {
		/* v5 reason map: one entry per failed replica, named after the
		 * cluster's nodes in turn, reason 0 (UNKNOWN). */
		size_t cap = (size_t)r->failures * 8;
		uint8_t *buf = mock_arena_alloc(x->arena, cap);
		if (!buf)
			return UCQL_E_NOMEM;
		ucql_writer w;
		ucql_writer_init(&w, buf, cap);
		for (int32_t i = 0; i < r->failures; i++) {
			ucql_failure_reason fr;
			memset(&fr, 0, sizeof fr);
			uint32_t ip = mock_node_addr(1 + (int)(i % (x->e->nnodes > 0 ? x->e->nnodes : 1)));
			fr.endpoint.len = 4;
			fr.endpoint.addr[0] = (uint8_t)(ip >> 24);
			fr.endpoint.addr[1] = (uint8_t)(ip >> 16);
			fr.endpoint.addr[2] = (uint8_t)(ip >> 8);
			fr.endpoint.addr[3] = (uint8_t)ip;
			ucql_failure_reason_write(&w, &fr);
		}
		if (w.err)
			return w.err;
		a.m.reasons = ucql_bytes_of(buf, w.len);
	}
	a.m.keyspace = ucql_bytes_str(r->err_ks ? r->err_ks : r->ks ? r->ks : first_target(ri, 0));
	if (code == UCQL_E_FUNCTION_FAILURE)
		a.m.name = ucql_bytes_str(r->function ? r->function : "");
	else
		a.m.name = ucql_bytes_str(r->err_table ? r->err_table : r->table ? r->table : first_target(ri, 1));
	a.m.unprepared_id = ri->exec_id;
	x->out->w.len = 0;
	x->out->w.err = 0;
	mock_exec_write(x, write_rule_err, &a);
	return x->out->w.err ? x->out->w.err : MOCK_ERR;
}

/* ==== activity =========================================================== */

static char *dup_cut(const char *s, size_t max)
{
	if (!s)
		return NULL;
	size_t n = strlen(s);
	if (n > max)
		n = max;
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

static void log_request(mock_rules *rs, const mock_exec *x, const req_info *ri, const mock_rule *fired)
{
	if (x->node <= 0 || x->node > MOCK_MAX_NODES)
		return;
	if (x->node > rs->nnodes) { /* a node added since (ucql_mock.nodes) */
		mock_actlog *v = realloc(rs->logs, ((size_t)x->node + 1) * sizeof *v);
		if (!v)
			return;
		for (int i = rs->nnodes + 1; i <= x->node; i++) {
			memset(&v[i], 0, sizeof v[i]);
			v[i].next_seq = 1;
		}
		rs->logs = v;
		rs->nnodes = x->node;
	}
	mock_actlog *l = &rs->logs[x->node];
	if (!l->ring && !(l->ring = calloc(MOCK_ACTIVITY_MAX, sizeof *l->ring)))
		return;
	mock_act *a;
	if (l->n == MOCK_ACTIVITY_MAX) { /* drop the oldest */
		a = &l->ring[l->head];
		free(a->query);
		free(a->ks);
		l->head = (l->head + 1) % MOCK_ACTIVITY_MAX;
		l->n--;
	}
	a = &l->ring[(l->head + l->n) % MOCK_ACTIVITY_MAX];
	memset(a, 0, sizeof *a);
	a->seq = l->next_seq++;
	a->at_ms = x->now_us / 1000;
	snprintf(a->conn, sizeof a->conn, "%s", ri->conn);
	a->opcode = x->req->opcode;
	a->query = dup_cut(ri->text, MOCK_ACTIVITY_QUERY_MAX);
	/* the keyspace the request acts on: its target's, else the session's */
	const char *ks = first_target(ri, 0);
	a->ks = ks && ks[0] ? dup_cut(ks, 255) : NULL;
	a->cl = ri->cl;
	a->values = ri->values;
	if (fired) {
		a->has_rule = 1;
		a->rule_id = fired->id;
		a->action = fired->action;
	}
	l->n++;
}

/* ==== the hook =========================================================== */

int mock_rules_on_request(mock_exec *x, int *op)
{
	mock_rules *rs = x->e->rules;
	if (!rs)
		return 0;
	req_info ri;
	describe(x, &ri);
	int control = 0, activity = 0;
	for (size_t i = 0; i < ri.nt; i++)
		if (ri.tks[i] && !strcmp(ri.tks[i], "ucql_mock")) {
			control = 1;
			if (ri.ttab[i] && !strcmp(ri.ttab[i], "activity"))
				activity = 1;
		}
	mock_rule *fired = NULL;
	if (!control)
		for (mock_rule *r = rs->list; r; r = r->next)
			if (rule_match(r, x, &ri)) {
				fired = r;
				break;
			}
	if (!activity)
		log_request(rs, x, &ri, fired);
	if (!fired)
		return 0;
	if (fired->has_count)
		fired->remaining--;
	int rc;
	switch (fired->action) {
	case MOCK_RULE_DELAY:
		x->out->delay_ms += (uint32_t)fired->delay_ms;
		return 0;
	case MOCK_RULE_ERROR:
		rc = send_error(x, fired, &ri);
		if (rc == MOCK_ERR) {
			*op = UCQL_OP_ERROR;
			return 1;
		}
		/* could not encode: answer a Server error saying why */
		x->out->w.len = 0;
		x->out->w.err = 0;
		*op = mock_reply_error(x->out, x->version, UCQL_E_SERVER_ERROR, "ucql-mock rule %d: %s",
				       (int)fired->id, ucql_err_str(rc));
		return 1;
	default:
		/* The server wants a well-formed answer even when it sends none. */
		x->out->w.len = 0;
		x->out->w.err = 0;
		mock_exec_write(x, write_void, NULL);
		x->out->action = fired->action == MOCK_RULE_NO_REPLY ? MOCK_ACT_NO_REPLY
				 : fired->action == MOCK_RULE_CLOSE  ? MOCK_ACT_CLOSE
								      : MOCK_ACT_HALF_CLOSE;
		*op = UCQL_OP_RESULT;
		return 1;
	}
}
