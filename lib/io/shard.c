/*
 * shard.c — one shard: an io_uring loop with its connections to every
 * node, its receive buffers, its timers and its submission ring.
 *
 * One iteration of the loop (ucql__shard_run_once):
 *   1. take back buffers released on other threads;
 *   2. drain the submission ring in batches and dispatch each request to
 *      a connection (round-robin over ready connections for now; the next
 *      issue brings token-aware plans) — or keep it pending while the
 *      first connections are still being set up;
 *   3. flush every connection with output: one send each;
 *   4. submit and wait (once, one io_uring_enter) for completions, with
 *      the nearest timer as the timeout; before sleeping, spin on the
 *      submission ring for spin.us and announce the sleep, so producers
 *      write the eventfd only then;
 *   5. handle completions (receives decode frames and complete requests;
 *      callbacks run here), then fire expired timers.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core.h"
#include "../future_int.h"

_Thread_local ucql_shard *ucql__cur_shard;

_Thread_local int ucql__owns_shard;

/* A driver thread, or an application thread that owns an embedded shard
 * (blocking there would stop the shard its request waits on). */
int ucql__on_shard_thread(void)
{
	return (ucql__cur_shard != NULL && !ucql__cur_shard->bootstrap) || ucql__owns_shard;
}

#define SQ_ENTRIES 1024
#define CQ_ENTRIES 8192
#define CQE_BATCH 256
#define RING_BATCH 256

/* Consumer side: 1 if no published item waits at the head. */
static int ring_empty(ucql__sring *q)
{
	ucql__sring_cell *cell = &q->cells[q->head & q->mask];
	return atomic_load_explicit(&cell->seq, memory_order_acquire) != q->head + 1;
}

struct io_uring_sqe *ucql__shard_sqe(ucql_shard *sh)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&sh->ring);
	if (!sqe) {
		/* full: hand what is queued to the kernel and retry */
		io_uring_submit(&sh->ring);
		ucql__metric_add(&sh->m.io_uring_enter, 1);
		sqe = io_uring_get_sqe(&sh->ring);
	}
	return sqe;
}

void ucql__shard_mark_dirty(ucql_shard *sh, ucql__conn *c)
{
	if (c->dirty)
		return;
	c->dirty = 1;
	c->dirty_next = sh->dirty;
	sh->dirty = c;
}

static void flush_dirty(ucql_shard *sh)
{
	while (sh->dirty) {
		ucql__conn *c = sh->dirty;
		sh->dirty = c->dirty_next;
		c->dirty = 0;
		c->dirty_next = NULL;
		ucql__conn_flush(c);
	}
}

/* ---- completion ---------------------------------------------------------- */

/* Delivers a request's outcome exactly once: metrics, then the callback,
 * the future or (internal requests) their own continuation. */
void ucql__shard_complete(ucql_shard *sh, ucql__req *r)
{
	if (r->completed)
		return;
	r->completed = 1;
	if (ucql__timer_armed(&r->timer))
		ucql__wheel_cancel(&sh->wheel, &r->timer);
	if (r->kind != UCQL__REQ_USER) {
		ucql__shard_internal_done(sh, r);
		return;
	}
	uint64_t lat = sh->now_ns > r->start_ns ? sh->now_ns - r->start_ns : 0;
	ucql__metrics_count_completion(&sh->m, r->rs.err, lat);
	sh->completed_iter++;
	if (r->pcb) {
		ucql_prepared_stmt *p = NULL;
		if (!r->rs.err && r->prep_query)
			p = r->prep;
		r->pcb(p, &r->rs, r->ud);
		ucql__req_unref(r);
		return;
	}
	if (r->fut) {
		ucql_future *f = r->fut;
		r->fut = NULL;
		if (r->prep_query) {
			/* a prepare future: the value is the statement */
			ucql_prepared_stmt *p = r->rs.err ? NULL : r->prep;
			if (p)
				ucql__prepared_ref(p);
			ucql__future_complete(f, UCQL__FUT_PREPARED, p, r->rs.err, r->rs.err ? r->rs.msg : NULL);
			ucql__req_unref(r);
		} else {
			/* the future takes the completer's reference */
			ucql__future_complete(f, UCQL__FUT_RESULT, &r->rs, r->rs.err, r->rs.err ? r->rs.msg : NULL);
		}
		return;
	}
	if (r->cb)
		r->cb(&r->rs, r->ud);
	ucql__req_unref(r);
}

static void on_request_timeout(ucql__timer *t, void *ctx)
{
	ucql_shard *sh = ctx;
	ucql__req *r = (ucql__req *)((char *)t - offsetof(ucql__req, timer));
	if (r->conn) {
		r->rs.node = sh->s->nodes[r->conn->node].name;
		ucql__conn_on_timeout(r->conn, r);
	} else {
		ucql__shard_unlink_waiting(sh, r);
	}
	if (r->child) {
		/* a re-prepare is in flight for it: it completes alone */
		r->child->parent = NULL;
		r->child = NULL;
	}
	ucql__rs_set_errorf(&r->rs, UCQL_E_TIMEOUT, "request timed out after %lld ms",
			    (long long)r->timeout_ms);
	ucql__shard_complete(sh, r);
}

/* ---- dispatch ------------------------------------------------------------ */

static void pend(ucql_shard *sh, ucql__req *r)
{
	r->next = NULL;
	if (sh->pend_tail)
		sh->pend_tail->next = r;
	else
		sh->pend_head = r;
	sh->pend_tail = r;
	sh->n_pend++;
}

static int unlink_from(ucql__req **head, ucql__req **tail, ucql__req *r)
{
	ucql__req *prev = NULL;
	for (ucql__req *q = *head; q; prev = q, q = q->next) {
		if (q != r)
			continue;
		if (prev)
			prev->next = q->next;
		else
			*head = q->next;
		if (*tail == q)
			*tail = prev;
		q->next = NULL;
		return 1;
	}
	return 0;
}

void ucql__shard_unlink_waiting(ucql_shard *sh, ucql__req *r)
{
	if (unlink_from(&sh->pend_head, &sh->pend_tail, r)) {
		sh->n_pend--;
		return;
	}
	for (int i = 0; i < sh->nconns; i++) {
		ucql__conn *c = sh->conns[i];
		if (unlink_from(&c->ks_wait_head, &c->ks_wait_tail, r))
			return;
	}
}

static int conn_usable(const ucql__conn *c)
{
	return c->state == UCQL__CONN_READY && c->n_free > 0;
}

static int any_connecting(const ucql_shard *sh)
{
	for (int i = 0; i < sh->nconns; i++) {
		int st = sh->conns[i]->state;
		if (st == UCQL__CONN_CONNECTING || st == UCQL__CONN_HANDSHAKE || sh->conns[i]->reconnect_now)
			return 1;
		if (!sh->conns[i]->ever_tried)
			return 1;
	}
	return 0;
}

static int any_ready(const ucql_shard *sh)
{
	for (int i = 0; i < sh->nconns; i++)
		if (sh->conns[i]->state == UCQL__CONN_READY)
			return 1;
	return 0;
}

static void start_use(ucql_shard *sh, ucql__conn *c);

/* Sends r on c, or parks it behind c's keyspace switch. */
static int send_on(ucql_shard *sh, ucql__conn *c, ucql__req *r)
{
	uint64_t gen = atomic_load_explicit(&sh->s->ks_gen, memory_order_acquire);
	if (c->ks_gen != gen && r->kind != UCQL__REQ_USE) {
		r->next = NULL;
		if (c->ks_wait_tail)
			c->ks_wait_tail->next = r;
		else
			c->ks_wait_head = r;
		c->ks_wait_tail = r;
		if (!c->ks_switching)
			start_use(sh, c);
		return 0;
	}
	return ucql__conn_send_req(c, r);
}

int ucql__shard_dispatch(ucql_shard *sh, ucql__req *r)
{
	int n = sh->nconns;
	if (r->node_hint >= 0) {
		for (int k = 0; k < n; k++) {
			ucql__conn *c = sh->conns[k];
			if (c->node == r->node_hint && conn_usable(c))
				return send_on(sh, c, r);
		}
		return UCQL_E_CONNECTION;
	}
	for (int k = 0; k < n; k++) {
		ucql__conn *c = sh->conns[(sh->rr + (unsigned)k) % (unsigned)n];
		if (!conn_usable(c))
			continue;
		sh->rr = (sh->rr + (unsigned)k + 1) % (unsigned)n;
		int rc = send_on(sh, c, r);
		if (rc != UCQL_E_QUEUE_FULL)
			return rc;
	}
	return UCQL_E_NO_HOSTS;
}

/* A request no connection could take: completes it with why. */
static void fail_undispatched(ucql_shard *sh, ucql__req *r, int rc)
{
	ucql__rs_set_errorf(&r->rs, rc, "%s",
			    rc == UCQL_E_NO_HOSTS ? "no connection to any node is available" : ucql_err_str(rc));
	ucql__shard_complete(sh, r);
}

/* Takes a new request in (on the shard's thread): timer, dispatch, or
 * pending while connections come up. */
static void take(ucql_shard *sh, ucql__req *r)
{
	ucql__metric_add(&sh->m.submitted, 1);
	if (atomic_load_explicit(&sh->stop, memory_order_relaxed) == 2) {
		ucql__rs_set_error(&r->rs, UCQL_E_CLOSED, "session closed");
		ucql__shard_complete(sh, r);
		return;
	}
	ucql__timer_init(&r->timer, on_request_timeout);
	if (r->timeout_ms > 0)
		ucql__wheel_add(&sh->wheel, &r->timer, r->start_ns + (uint64_t)r->timeout_ms * 1000000u);
	int rc = sh->pend_head ? UCQL_E_NO_HOSTS : ucql__shard_dispatch(sh, r);
	if (rc == 0)
		return;
	/* wait while connections are coming up, or behind earlier pending
	 * requests (order), or while every ready connection is out of ids */
	if (rc == UCQL_E_NO_HOSTS && (any_connecting(sh) || sh->pend_head || any_ready(sh))) {
		pend(sh, r);
		return;
	}
	fail_undispatched(sh, r, rc);
}

void ucql__shard_submit_local(ucql_shard *sh, ucql__req *r)
{
	take(sh, r);
}

/* Retries pending requests once a connection is ready (or fails them when
 * none can come). */
static void run_pending(ucql_shard *sh)
{
	while (sh->pend_head) {
		ucql__req *r = sh->pend_head;
		int rc = ucql__shard_dispatch(sh, r);
		if (rc == UCQL_E_NO_HOSTS && (any_connecting(sh) || any_ready(sh)))
			return;
		sh->pend_head = r->next;
		if (!sh->pend_head)
			sh->pend_tail = NULL;
		sh->n_pend--;
		r->next = NULL;
		if (rc)
			fail_undispatched(sh, r, rc);
	}
}

/* ---- keyspace switches (USE on a connection) ------------------------------- */

static void start_use(ucql_shard *sh, ucql__conn *c)
{
	char ks[256];
	uint64_t gen;
	ucql__session_keyspace(sh->s, ks, sizeof ks, &gen);
	ucql__req *u = ucql__req_get(sh);
	char q[300];
	snprintf(q, sizeof q, "USE %s", ks);
	if (!u || ucql__req_encode_query(u, c->version, q, strlen(q))) {
		if (u)
			ucql__req_unref(u);
		c->ks_gen = gen; /* cannot switch: do not hold requests forever */
		return;
	}
	u->kind = UCQL__REQ_USE;
	u->use_gen = gen;
	u->start_ns = sh->now_ns;
	u->timeout_ms = 0;
	c->ks_switching = 1;
	if (ucql__conn_send_req(c, u)) {
		c->ks_switching = 0;
		c->ks_gen = gen;
		ucql__req_unref(u);
	}
}

static void use_done(ucql_shard *sh, ucql__req *u, ucql__conn *c)
{
	if (!c)
		return;
	c->ks_switching = 0;
	/* even a failed USE ends the wait: requests then fail on their own */
	c->ks_gen = u->use_gen;
	ucql__req *list = c->ks_wait_head;
	c->ks_wait_head = c->ks_wait_tail = NULL;
	while (list) {
		ucql__req *r = list;
		list = r->next;
		r->next = NULL;
		int rc = c->state == UCQL__CONN_READY ? send_on(sh, c, r) : ucql__shard_dispatch(sh, r);
		if (rc) {
			ucql__rs_set_error(&r->rs, rc, NULL);
			ucql__shard_complete(sh, r);
		}
	}
}

/* ---- responses ------------------------------------------------------------ */

static void reprepare(ucql_shard *sh, ucql__conn *c, ucql__req *r, ucql_bytes id)
{
	ucql_prepared_stmt *p = ucql__prepared_find_id(sh->s, id);
	ucql__req *q = p ? ucql__req_get(sh) : NULL;
	if (!q || ucql__req_encode_prepare(q, c->version, p->query, p->query_len, p->keyspace)) {
		if (q)
			ucql__req_unref(q);
		if (p)
			ucql_prepared_stmt_free(p);
		ucql__shard_complete(sh, r); /* with the UNPREPARED error */
		return;
	}
	ucql_prepared_stmt_free(p);
	ucql__metric_add(&sh->m.reprepares, 1);
	q->kind = UCQL__REQ_REPREPARE;
	q->parent = r;
	q->start_ns = sh->now_ns;
	q->timeout_ms = 0;
	r->child = q;
	r->attempts++;
	ucql__rs_reset(&r->rs);
	if (ucql__conn_send_req(c, q)) {
		r->child = NULL;
		q->parent = NULL;
		ucql__req_unref(q);
		ucql__rs_set_error(&r->rs, UCQL_E_CONNECTION, "cannot re-prepare");
		ucql__shard_complete(sh, r);
	}
}

void ucql__shard_internal_done(ucql_shard *sh, ucql__req *r)
{
	switch (r->kind) {
	case UCQL__REQ_USE:
		use_done(sh, r, r->use_conn);
		break;
	case UCQL__REQ_REPREPARE: {
		ucql__req *parent = r->parent;
		if (parent) {
			parent->child = NULL;
			ucql__conn *c = r->use_conn;
			int rc = r->rs.err;
			if (!rc && c && c->state == UCQL__CONN_READY)
				rc = ucql__conn_send_req(c, parent);
			else if (!rc)
				rc = ucql__shard_dispatch(sh, parent);
			if (rc) {
				if (r->rs.err)
					ucql__rs_set_errorf(&parent->rs, r->rs.err, "re-prepare failed: %s", r->rs.msg);
				else
					ucql__rs_set_error(&parent->rs, rc, NULL);
				ucql__shard_complete(sh, parent);
			}
		}
		break;
	}
	default:
		break;
	}
	ucql__req_unref(r);
}

void ucql__shard_on_response(ucql_shard *sh, ucql__conn *c, ucql__req *r, ucql__rbuf *rb,
			     const ucql_frame *f)
{
	r->rs.node = sh->s->nodes[c->node].name;
	if (r->kind == UCQL__REQ_USE || r->kind == UCQL__REQ_REPREPARE) {
		r->use_conn = c;
		if (f->h.opcode == UCQL_OP_ERROR)
			ucql__rs_set_response(&r->rs, rb, f, NULL);
		ucql__shard_complete(sh, r);
		return;
	}
	if (r->kind == UCQL__REQ_PREPARE_BG) {
		ucql__shard_complete(sh, r);
		return;
	}
	int err = ucql__rs_set_response(&r->rs, rb, f, r->prep);
	if (err == UCQL_E_UNPREPARED && r->attempts < 2 && r->rs.has_errd) {
		/* the node forgot the statement (restart, eviction): prepare it
		 * again there and resend, transparently (the Java and Python
		 * drivers do the same) */
		ucql_bytes id = r->rs.errd.unprepared_id;
		uint8_t idcopy[64];
		size_t n = id.len < sizeof idcopy ? id.len : sizeof idcopy;
		memcpy(idcopy, id.p, n);
		ucql__rs_reset(&r->rs);
		reprepare(sh, c, r, ucql_bytes_of(idcopy, n));
		return;
	}
	if (!err && r->prep && r->rs.result.kind == UCQL_RESULT_ROWS &&
	    (r->rs.result.u.rows.metadata.flags & UCQL_MD_METADATA_CHANGED))
		ucql__prepared_update_md(r->prep, f->h.version, &r->rs.result.u.rows.metadata);
	if (!err && r->rs.result.kind == UCQL_RESULT_SET_KEYSPACE) {
		ucql__session_set_keyspace(sh->s, r->rs.result.u.keyspace);
		c->ks_gen = atomic_load_explicit(&sh->s->ks_gen, memory_order_acquire);
	}
	if (!err && r->prep_query && r->rs.result.kind != UCQL_RESULT_PREPARED) {
		ucql__rs_set_errorf(&r->rs, UCQL_E_SERVER_PROTOCOL,
				    "PREPARE answered with result kind %d", r->rs.result.kind);
	} else if (!err && r->prep_query) {
		ucql_prepared_stmt *p = ucql__prepared_from_result(sh->s, r->prep_query,
								   strlen(r->prep_query), f, &r->rs.result);
		if (!p) {
			ucql__rs_set_error(&r->rs, UCQL_E_NOMEM, NULL);
		} else {
			if (r->prep)
				ucql_prepared_stmt_free(r->prep);
			r->prep = p;
			ucql__shard_prepare_others(sh, c->node, r->prep_query);
		}
	}
	ucql__shard_complete(sh, r);
}

/* PREPARE on every other node in the background, so the first EXECUTE
 * there does not meet UNPREPARED. */
void ucql__shard_prepare_others(ucql_shard *sh, int done_node, const char *q)
{
	char ks[256];
	uint64_t gen;
	ucql__session_keyspace(sh->s, ks, sizeof ks, &gen);
	for (int k = 0; k < sh->nconns; k++) {
		ucql__conn *c = sh->conns[k];
		if (c->node == done_node || c->state != UCQL__CONN_READY)
			continue;
		int seen = 0;
		for (int j = 0; j < k; j++)
			if (sh->conns[j]->node == c->node)
				seen = 1;
		if (seen)
			continue;
		ucql__req *b = ucql__req_get(sh);
		if (!b)
			return;
		if (ucql__req_encode_prepare(b, c->version, q, strlen(q), ks)) {
			ucql__req_unref(b);
			continue;
		}
		b->kind = UCQL__REQ_PREPARE_BG;
		b->start_ns = sh->now_ns;
		b->timeout_ms = 0;
		if (send_on(sh, c, b))
			ucql__req_unref(b);
	}
}

/* ---- connections coming and going --------------------------------------------- */

void ucql__shard_conn_ready(ucql_shard *sh, ucql__conn *c)
{
	(void)c;
	if (atomic_load_explicit(&sh->ready, memory_order_relaxed) != 1) {
		atomic_store_explicit(&sh->ready, 1, memory_order_release);
		ucql__session_shard_event(sh->s);
	}
	run_pending(sh);
}

static void on_reconnect_timer(ucql__timer *t, void *ctx)
{
	(void)ctx;
	ucql__conn *c = (ucql__conn *)((char *)t - offsetof(ucql__conn, retry_timer));
	if (c->state == UCQL__CONN_DOWN && c->fd < 0 && !atomic_load(&c->sh->stop))
		ucql__conn_start(c);
}

void ucql__shard_conn_lost(ucql_shard *sh, ucql__conn *c)
{
	c->ever_tried = 1;
	if (c->last_err == UCQL_E_BAD_VERSION && !sh->bootstrap && sh->s->v->protocol_version == 0 &&
	    c->version > 3) {
		/* a node (new, or restarted older) refuses the session's
		 * version: the session downgrades, as the Java driver 4 does;
		 * connections already up keep their version, requests are
		 * re-encoded per connection (ucql__req_reencode) */
		int expect = c->version;
		if (atomic_compare_exchange_strong(&sh->s->version, &expect, c->version - 1))
			ucql__log(&sh->s->log, UCQL_LOG_WARN, "%s refuses protocol v%d: session downgraded to v%d",
				  sh->s->nodes[c->node].name, c->version, c->version - 1);
		c->reconnect_delay_ms = 1;
	}
	/* requests parked behind a USE on this connection were never sent:
	 * they go elsewhere */
	ucql__req *list = c->ks_wait_head;
	c->ks_wait_head = c->ks_wait_tail = NULL;
	c->ks_switching = 0;
	while (list) {
		ucql__req *r = list;
		list = r->next;
		r->next = NULL;
		if (r->kind == UCQL__REQ_USER) {
			pend(sh, r);
		} else {
			ucql__rs_set_error(&r->rs, UCQL_E_CONNECTION, NULL);
			ucql__shard_complete(sh, r);
		}
	}
	int all_failed = 1;
	for (int i = 0; i < sh->nconns; i++)
		if (sh->conns[i]->state != UCQL__CONN_DOWN || !sh->conns[i]->ever_tried)
			all_failed = 0;
	if (all_failed && atomic_load_explicit(&sh->ready, memory_order_relaxed) == 0) {
		atomic_store_explicit(&sh->ready, -1, memory_order_release);
		ucql__session_shard_event(sh->s);
	}
	run_pending(sh);
}

void ucql__shard_conn_closed(ucql_shard *sh, ucql__conn *c)
{
	if (sh->bootstrap || atomic_load_explicit(&sh->stop, memory_order_relaxed))
		return;
	if (c->reconnect_now) {
		/* replacing a connection the node still serves: at once */
		c->reconnect_now = 0;
		ucql__conn_start(c);
		return;
	}
	/* exponential backoff with jitter, from reconnect.base_delay_ms up to
	 * reconnect.max_delay_ms */
	const ucql__cfg *v = sh->s->v;
	int d = c->reconnect_delay_ms;
	int jitter = d > 4 ? (int)(sh->now_ns % (uint64_t)(d / 4 + 1)) : 0;
	ucql__timer_init(&c->retry_timer, on_reconnect_timer);
	ucql__wheel_add(&sh->wheel, &c->retry_timer, sh->now_ns + (uint64_t)(d + jitter) * 1000000u);
	int next = d * 2;
	c->reconnect_delay_ms = next > v->reconnect_max_delay_ms ? v->reconnect_max_delay_ms : next;
}

/* A provided buffer came back: connections whose receive stopped for lack
 * of buffers start again. */
void ucql__shard_feed_starved(ucql_shard *sh)
{
	ucql__conn *c = sh->starved;
	sh->starved = NULL;
	while (c) {
		ucql__conn *nx = c->starved_next;
		c->starving = 0;
		c->starved_next = NULL;
		if ((c->state == UCQL__CONN_READY || c->state == UCQL__CONN_HANDSHAKE) && !c->recv_armed)
			ucql__conn_arm_recv(c);
		c = nx;
	}
}

/* ---- the loop ------------------------------------------------------------------ */

static void arm_wake(ucql_shard *sh)
{
	struct io_uring_sqe *sqe = ucql__shard_sqe(sh);
	if (!sqe)
		return;
	io_uring_prep_read(sqe, ucql__sring_eventfd(&sh->sq), &sh->ev_val, sizeof sh->ev_val, 0);
	io_uring_sqe_set_data64(sqe, ucql__tag(sh, UCQL__OP_WAKE));
	sh->ev_armed = 1;
}

static void process_cqe(ucql_shard *sh, struct io_uring_cqe *cqe)
{
	uint64_t ud = io_uring_cqe_get_data64(cqe);
	int op = (int)(ud & 7u);
	void *p = (void *)(uintptr_t)(ud & ~(uint64_t)7u);
	if (op == UCQL__OP_WAKE) {
		sh->ev_armed = 0;
		ucql__metric_add(&sh->m.wakeups, 1);
		return;
	}
	if (p)
		ucql__conn_on_cqe(p, op, cqe);
}

static unsigned drain_ring(ucql_shard *sh)
{
	void *items[RING_BATCH];
	unsigned total = 0;
	uint32_t n;
	while ((n = ucql__sring_pop(&sh->sq, items, RING_BATCH)) > 0) {
		for (uint32_t i = 0; i < n; i++)
			take(sh, items[i]);
		total += n;
		if (total >= 4 * RING_BATCH)
			break;
	}
	return total;
}

static unsigned reap(ucql_shard *sh)
{
	struct io_uring_cqe *cqes[CQE_BATCH];
	unsigned total = 0, n;
	while ((n = io_uring_peek_batch_cqe(&sh->ring, cqes, CQE_BATCH)) > 0) {
		for (unsigned i = 0; i < n; i++)
			process_cqe(sh, cqes[i]);
		io_uring_cq_advance(&sh->ring, n);
		total += n;
	}
	return total;
}

int ucql__shard_run_once(ucql_shard *sh, int timeout_ms)
{
	ucql_shard *prev = ucql__cur_shard;
	ucql__cur_shard = sh;
	sh->completed_iter = 0;
	sh->now_ns = ucql__now_ns();
	ucql__rbuf_drain_returned(sh);
	unsigned taken = drain_ring(sh);
	if (taken)
		sh->last_taken_ns = sh->now_ns;
	flush_dirty(sh);
	if (!sh->ev_armed && !sh->bootstrap)
		arm_wake(sh);

	/* how long may we sleep? */
	int64_t wait_ns = timeout_ms < 0 ? -1 : (int64_t)timeout_ms * 1000000;
	int64_t tn = ucql__wheel_next_ns(&sh->wheel, sh->now_ns);
	if (tn >= 0 && (wait_ns < 0 || tn < wait_ns))
		wait_ns = tn;
	if (taken || sh->completed_iter)
		wait_ns = 0;
	int slept = 0;
	if (wait_ns != 0 && !sh->bootstrap) {
		/* spin on the submission ring before sleeping: a wake-up
		 * through the eventfd costs ~25 µs of CPU on each side here */
		uint64_t spin_end = sh->now_ns + (uint64_t)sh->spin_us * 1000u;
		/* only while other threads are feeding the ring: a shard whose
		 * work comes from its own callbacks would burn CPU for nothing */
		int feeding = sh->last_taken_ns && sh->now_ns - sh->last_taken_ns < 1000000u;
		while (feeding && sh->spin_us && ring_empty(&sh->sq) && ucql__now_ns() < spin_end)
			__builtin_ia32_pause();
		if (!ring_empty(&sh->sq)) {
			wait_ns = 0;
		} else if (ucql__sring_prepare_sleep(&sh->sq)) {
			slept = 1;
		} else {
			ucql__sring_cancel_sleep(&sh->sq);
			wait_ns = 0;
		}
	}
	struct io_uring_cqe *cqe;
	int r;
	if (wait_ns == 0) {
		r = io_uring_submit_and_get_events(&sh->ring);
	} else if (wait_ns < 0) {
		r = io_uring_submit_and_wait_timeout(&sh->ring, &cqe, 1, NULL, NULL);
	} else {
		struct __kernel_timespec ts = { wait_ns / 1000000000, wait_ns % 1000000000 };
		r = io_uring_submit_and_wait_timeout(&sh->ring, &cqe, 1, &ts, NULL);
	}
	(void)r;
	ucql__metric_add(&sh->m.io_uring_enter, 1);
	if (slept)
		ucql__sring_cancel_sleep(&sh->sq);
	sh->now_ns = ucql__now_ns();
	reap(sh);
	ucql__wheel_advance(&sh->wheel, sh->now_ns, sh);
	drain_ring(sh);
	if (sh->pend_head)
		run_pending(sh);
	flush_dirty(sh);
	/* What the callbacks sent must reach the kernel now when the caller
	 * is an application thread: it may next sleep in poll() on the
	 * ring's fd, waiting for answers to requests that would otherwise
	 * still sit in the SQ. A driver thread's next iteration submits them
	 * in the same system call that waits. */
	if (sh->embedded && io_uring_sq_ready(&sh->ring)) {
		io_uring_submit(&sh->ring);
		ucql__metric_add(&sh->m.io_uring_enter, 1);
	}
	ucql__cur_shard = prev;
	return sh->completed_iter;
}

/* ---- set-up and teardown --------------------------------------------------------- */

int ucql__shard_create(ucql_session *s, unsigned idx, ucql_shard **out)
{
	ucql_shard *sh = calloc(1, sizeof *sh);
	if (!sh)
		return UCQL_E_NOMEM;
	sh->s = s;
	sh->idx = idx;
	sh->cpu = -1;
	sh->spin_us = s->v->spin_us;
	sh->embedded = s->v->shards_mode == UCQL__SHARDS_EMBEDDED;
	int rc = ucql__sring_init(&sh->sq, (uint32_t)s->v->submit_queue_size);
	if (rc) {
		free(sh);
		return rc;
	}
	if (ucql__metrics_init(&sh->m)) {
		ucql__sring_destroy(&sh->sq);
		free(sh);
		return UCQL_E_NOMEM;
	}
	*out = sh;
	return 0;
}

/* On the shard's own thread: SINGLE_ISSUER binds the ring to it. */
int ucql__shard_setup(ucql_shard *sh)
{
	ucql_session *s = sh->s;
	/* An embedded shard may be closed by another thread than its owner
	 * (ucql_session_close drives it): no single-issuer binding there. */
	int r = ucql__ring_init(&sh->ring, SQ_ENTRIES, CQ_ENTRIES, !sh->embedded);
	if (r < 0) {
		ucql__log(&s->log, UCQL_LOG_ERROR, "io_uring_queue_init: %s", strerror(-r));
		return UCQL_E_NOMEM;
	}
	sh->ring_ok = 1;
	io_uring_register_ring_fd(&sh->ring);
	sh->nbufs = (unsigned)s->v->recv_buffer_count;
	sh->bufsz = (size_t)s->v->recv_buffer_size;
	int e;
	sh->br = ucql__setup_buf_ring(&sh->ring, sh->nbufs, 0, &e);
	sh->bufmem = malloc(sh->nbufs * sh->bufsz);
	sh->rbufs = calloc(sh->nbufs, sizeof *sh->rbufs);
	if (!sh->br || !sh->bufmem || !sh->rbufs) {
		ucql__log(&s->log, UCQL_LOG_ERROR, "cannot set up receive buffers");
		return UCQL_E_NOMEM;
	}
	sh->br_mask = (unsigned)io_uring_buf_ring_mask(sh->nbufs);
	for (unsigned i = 0; i < sh->nbufs; i++) {
		ucql__rbuf *rb = &sh->rbufs[i];
		rb->kind = UCQL__RB_PROVIDED;
		rb->bid = (uint16_t)i;
		rb->data = sh->bufmem + (size_t)i * sh->bufsz;
		rb->cap = sh->bufsz;
		rb->sh = sh;
		io_uring_buf_ring_add(sh->br, rb->data, (unsigned)sh->bufsz, (unsigned short)i, sh->br_mask,
				      (int)i);
	}
	io_uring_buf_ring_advance(sh->br, (int)sh->nbufs);
	sh->now_ns = ucql__now_ns();
	if (ucql__wheel_init(&sh->wheel, sh->now_ns, 1000000))
		return UCQL_E_NOMEM;
	sh->wheel_ok = 1;
	int per = s->v->connections_per_node;
	sh->conns = calloc((size_t)s->nnodes * (size_t)per, sizeof *sh->conns);
	if (!sh->conns)
		return UCQL_E_NOMEM;
	for (int n = 0; n < s->nnodes; n++)
		for (int k = 0; k < per; k++) {
			ucql__conn *c = ucql__conn_new(sh, n, sh->nconns);
			if (!c)
				return UCQL_E_NOMEM;
			sh->conns[sh->nconns++] = c;
		}
	ucql_shard *prev = ucql__cur_shard;
	ucql__cur_shard = sh;
	for (int i = 0; i < sh->nconns; i++)
		ucql__conn_start(sh->conns[i]);
	ucql__cur_shard = prev;
	return 0;
}

/* Fails everything not yet completed with UCQL_E_CLOSED and closes the
 * connections; runs the loop until every operation has completed. */
void ucql__shard_shutdown(ucql_shard *sh)
{
	if (!sh->ring_ok) {
		/* never set up (an embedded shard nobody polled): only its ring */
		void *items[RING_BATCH];
		uint32_t n;
		atomic_store(&sh->stop, 2);
		ucql__sring_close(&sh->sq);
		/* take() fails each with UCQL_E_CLOSED (and counts it) */
		while ((n = ucql__sring_pop(&sh->sq, items, RING_BATCH)) > 0)
			for (uint32_t i = 0; i < n; i++)
				take(sh, items[i]);
		return;
	}
	ucql_shard *prev = ucql__cur_shard;
	ucql__cur_shard = sh;
	atomic_store(&sh->stop, 2);
	ucql__sring_close(&sh->sq);
	/* a producer may have claimed a position just before the close:
	 * its item still arrives (take() fails it with UCQL_E_CLOSED) */
	for (int spins = 0; spins < 1000000; spins++) {
		drain_ring(sh);
		if (ucql__sring_drained(&sh->sq))
			break;
		sched_yield();
	}
	for (int i = 0; i < sh->nconns; i++) {
		ucql__conn *c = sh->conns[i];
		if (ucql__timer_armed(&c->retry_timer))
			ucql__wheel_cancel(&sh->wheel, &c->retry_timer);
		ucql__conn_fail(c, UCQL_E_CLOSED, "session closed");
	}
	/* after the connections: failing them moves requests that waited
	 * behind a USE back to the pending list */
	while (sh->pend_head) {
		ucql__req *r = sh->pend_head;
		sh->pend_head = r->next;
		if (!sh->pend_head)
			sh->pend_tail = NULL;
		r->next = NULL;
		sh->n_pend--;
		ucql__rs_set_error(&r->rs, UCQL_E_CLOSED, "session closed");
		ucql__shard_complete(sh, r);
	}
	/* every operation must complete before buffers are freed */
	for (int guard = 0; guard < 1000; guard++) {
		int ops = 0;
		for (int i = 0; i < sh->nconns; i++)
			ops += sh->conns[i]->ops;
		if (!ops && !sh->ev_armed)
			break;
		if (sh->ev_armed) {
			/* the armed eventfd read completes on a write */
			uint64_t one = 1;
			ssize_t w = write(ucql__sring_eventfd(&sh->sq), &one, sizeof one);
			(void)w;
		}
		struct io_uring_cqe *cqe;
		struct __kernel_timespec ts = { 0, 10 * 1000000 };
		io_uring_submit_and_wait_timeout(&sh->ring, &cqe, 1, &ts, NULL);
		sh->now_ns = ucql__now_ns();
		reap(sh);
	}
	ucql__cur_shard = prev;
}

void ucql__shard_destroy(ucql_shard *sh)
{
	if (!sh)
		return;
	for (int i = 0; i < sh->nconns; i++)
		ucql__conn_free(sh->conns[i]);
	free(sh->conns);
	if (sh->wheel_ok)
		ucql__wheel_destroy(&sh->wheel);
	if (sh->ring_ok) {
		ucql__free_buf_ring(&sh->ring, sh->br, sh->nbufs, 0);
		io_uring_queue_exit(&sh->ring);
	}
	/* Result sets may outlive the session and pin receive buffers: the
	 * memory they point into stays until the last one is released
	 * (ucql_session_close's contract: none is released concurrently with
	 * the close itself). */
	atomic_store(&sh->dead, 1);
	ucql__rbuf *rb = atomic_exchange(&sh->returned, NULL);
	while (rb) {
		ucql__rbuf *nx = rb->next;
		if (rb->kind == UCQL__RB_HEAP) {
			free(rb);
			sh->heap_out--;
		}
		rb = nx;
	}
	while (sh->heap_free) {
		ucql__rbuf *nx = sh->heap_free->next;
		free(sh->heap_free);
		sh->heap_out--;
		sh->heap_free = nx;
	}
	long pins = sh->heap_out;
	for (unsigned i = 0; sh->rbufs && i < sh->nbufs; i++)
		if (atomic_load(&sh->rbufs[i].refs) > 0)
			pins++;
	if (pins > 0 && atomic_fetch_add(&sh->dead_pins, pins) + pins > 0)
		return;
	ucql__shard_free_memory(sh);
}

void ucql__shard_free_memory(ucql_shard *sh)
{
	free(sh->bufmem);
	free(sh->rbufs);
	ucql__sring_destroy(&sh->sq);
	ucql__metrics_destroy(&sh->m);
	free(sh);
}

/* 1 while the shard still has requests to finish. */
int ucql__shard_busy(ucql_shard *sh)
{
	if (!ring_empty(&sh->sq) || sh->pend_head)
		return 1;
	for (int i = 0; i < sh->nconns; i++) {
		ucql__conn *c = sh->conns[i];
		if (c->in_flight || c->ks_wait_head)
			return 1;
	}
	return 0;
}
