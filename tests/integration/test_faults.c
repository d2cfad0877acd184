/*
 * Faults and edges beyond the list: the node closing a connection
 * under load ('close' and 'half_close' rules), the submission ring full
 * with submit.backpressure=error, small receive buffers holding many
 * result sets, an embedded session closed with requests in flight, a
 * case-sensitive keyspace, and one statement text prepared by several
 * threads at once.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"

#define N_KEYS 50

/* Connects with cfg to a cluster of `nodes` nodes; ks.t holds N_KEYS rows
 * (k, k + 1000), ks.boom is the rules' target. */
static ucql_session *setup(int nodes, ucql_config *cfg)
{
	ucql_session *s = it_connect(cfg);
	it_wait_nodes(s, nodes);
	it_keyspace(s, "ks", nodes);
	it_exec(s, "CREATE TABLE ks.t (k int PRIMARY KEY, v int)");
	it_exec(s, "CREATE TABLE ks.boom (k int PRIMARY KEY, v int)");
	for (int k = 0; k < N_KEYS; k++)
		it_execf(s, "INSERT INTO ks.t (k, v) VALUES (%d, %d)", k, k + 1000);
	return s;
}

typedef struct tally {
	_Atomic int done, ok, conn_err, other, twice, wrong;
	_Atomic uint8_t *hits;
	char other_msg[256];
	_Atomic int other_taken;
} tally;

typedef struct req {
	tally *t;
	int idx;
	int k; /* -1: the statement the rule breaks */
} req;

static void on_req(ucql_resultset *rs, void *ud)
{
	req *r = ud;
	tally *t = r->t;
	if (atomic_fetch_add(&t->hits[r->idx], 1))
		atomic_fetch_add(&t->twice, 1);
	int rc = ucql_resultset_error_code(rs);
	if (!rc) {
		if (r->k >= 0) {
			const ucql_value *row = ucql_resultset_next_row(rs);
			int32_t v;
			if (!row || ucql_value_get_int(row[0], &v) || v != r->k + 1000)
				atomic_fetch_add(&t->wrong, 1);
		}
		atomic_fetch_add(&t->ok, 1);
	} else if (rc == UCQL_E_CONNECTION && ucql_resultset_error_retriable(rs)) {
		atomic_fetch_add(&t->conn_err, 1);
	} else {
		if (!atomic_exchange(&t->other_taken, 1))
			snprintf(t->other_msg, sizeof t->other_msg, "%s: %s", ucql_err_name(rc),
				 ucql_resultset_error_message(rs));
		atomic_fetch_add(&t->other, 1);
	}
	atomic_fetch_add(&t->done, 1);
}

/* n requests on ks.t, with the rule's victim (ks.boom) in the middle. */
static void burst(ucql_session *s, tally *t, req *rq, int n)
{
	memset(t, 0, sizeof *t);
	t->hits = calloc((size_t)n, 1);
	ucql_statement *st = ucql_statement_new("SELECT v FROM ks.t WHERE k = ?", 1);
	ucql_statement *victim = ucql_statement_new("SELECT v FROM ks.boom WHERE k = 1", 0);
	for (int i = 0; i < n; i++) {
		rq[i] = (req){ t, i, i == n / 2 ? -1 : i % N_KEYS };
		if (rq[i].k < 0) {
			cr_assert_eq(ucql_session_execute(s, victim, on_req, &rq[i]), 0);
			continue;
		}
		cr_assert_eq(ucql_statement_bind_int32(st, 0, rq[i].k), 0);
		cr_assert_eq(ucql_session_execute(s, st, on_req, &rq[i]), 0);
	}
	ucql_statement_free(st);
	ucql_statement_free(victim);
	int64_t deadline = it_now_ms() + 20000;
	while (atomic_load(&t->done) < n && it_now_ms() < deadline)
		usleep(1000);
	cr_assert_eq(atomic_load(&t->done), n, "%d of %d completed", atomic_load(&t->done), n);
	cr_assert_eq(atomic_load(&t->twice), 0);
	cr_assert_eq(atomic_load(&t->wrong), 0);
	cr_assert_eq(atomic_load(&t->other), 0, "%d other errors, first %s", atomic_load(&t->other), t->other_msg);
	for (int i = 0; i < n; i++)
		cr_assert_eq(t->hits[i], 1);
	free((void *)t->hits);
}

static void connection_killed(const char *action)
{
	it_mock m;
	it_mock_start_n(&m, 2);
	ucql_config *cfg = it_config(&m, 1);
	it_set(cfg, "reconnect.base_delay_ms", "10");
	ucql_session *s = setup(2, cfg);
	ucql_config_free(cfg);
	uint64_t opened = it_metrics(s).connections_opened;
	char q[200];
	snprintf(q, sizeof q, "INSERT INTO ucql_mock.rules (id, table_name, action, count) VALUES (1, 'boom', '%s', 1)",
		 action);
	it_exec(s, q);
	enum { N = 400 };
	static req rq[N];
	tally t;
	int64_t t0 = it_now_ms();
	burst(s, &t, rq, N);
	/* the victim's connection died: the victim fails, quickly (not by
	 * its 10 s timeout) */
	cr_assert_lt(it_now_ms() - t0, 8000);
	cr_assert_geq(atomic_load(&t.conn_err), 1, "the victim must fail");
	/* the other node keeps serving, and the lost one comes back */
	int64_t deadline = it_now_ms() + 10000;
	while (it_metrics(s).connections_opened == opened && it_now_ms() < deadline)
		usleep(1000);
	cr_assert_gt(it_metrics(s).connections_opened, opened, "no reconnection");
	it_exec(s, "TRUNCATE ucql_mock.rules");
	tally t2;
	deadline = it_now_ms() + 10000;
	for (;;) {
		burst(s, &t2, rq, 100);
		if (atomic_load(&t2.ok) == 100)
			break;
		cr_assert_lt(it_now_ms(), deadline, "requests still fail");
	}
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

Test(faults, node_closes_connection_under_load, .timeout = 60)
{
	connection_killed("close");
}

Test(faults, node_half_closes_connection_under_load, .timeout = 60)
{
	connection_killed("half_close");
}

/* ---- back-pressure: error ------------------------------------------------------ */

typedef struct bp {
	_Atomic int calls;
} bp;

static void on_bp(ucql_resultset *rs, void *ud)
{
	(void)rs;
	atomic_fetch_add(&((bp *)ud)->calls, 1);
}

Test(faults, queue_full_is_an_error_without_callback, .timeout = 60)
{
	it_mock m;
	it_mock_start_n(&m, 1);
	ucql_config *cfg = it_config(&m, 1);
	it_set(cfg, "submit.queue_size", "64");
	it_set(cfg, "submit.backpressure", "error");
	it_set(cfg, "spin.us", "0");
	ucql_session *s = setup(1, cfg);
	ucql_config_free(cfg);
	bp b;
	memset(&b, 0, sizeof b);
	ucql_statement *st = ucql_statement_new("SELECT v FROM ks.t WHERE k = 1", 0);
	int accepted = 0, full = 0;
	for (int i = 0; i < 20000; i++) {
		int rc = ucql_session_execute(s, st, on_bp, &b);
		cr_assert(rc == 0 || rc == UCQL_E_QUEUE_FULL, "%s", ucql_err_name(rc));
		if (rc)
			full++;
		else
			accepted++;
	}
	ucql_statement_free(st);
	int64_t deadline = it_now_ms() + 20000;
	while (atomic_load(&b.calls) < accepted && it_now_ms() < deadline)
		usleep(1000);
	usleep(20000);
	cr_assert_eq(atomic_load(&b.calls), accepted, "%d callbacks for %d accepted (%d refused)", atomic_load(&b.calls),
		     accepted, full);
	cr_log_info("accepted %d, refused %d", accepted, full);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

/* ---- few, small receive buffers ------------------------------------------------- */

/* Values larger than a receive buffer, through few small buffers, many
 * such results held at once (each lives in its own reassembly chunk). */
Test(faults, small_receive_buffers_large_values, .timeout = 60)
{
	it_mock m;
	it_mock_start_n(&m, 1);
	ucql_config *cfg = it_config(&m, 1);
	it_set(cfg, "recv.buffer_size", "4096");
	it_set(cfg, "recv.buffer_count", "8");
	ucql_session *s = setup(1, cfg);
	ucql_config_free(cfg);
	/* 60 KB values through 4 KB buffers: every response reassembled */
	it_exec(s, "CREATE TABLE ks.big (k int PRIMARY KEY, b blob)");
	static uint8_t blob[60000];
	for (size_t i = 0; i < sizeof blob; i++)
		blob[i] = (uint8_t)(i * 7 + i / 251);
	ucql_statement *ins = ucql_statement_new("INSERT INTO ks.big (k, b) VALUES (?, ?)", 2);
	for (int k = 0; k < 10; k++) {
		blob[0] = (uint8_t)k;
		cr_assert_eq(ucql_statement_bind_int32(ins, 0, k), 0);
		cr_assert_eq(ucql_statement_bind_blob(ins, 1, blob, sizeof blob), 0);
		ucql_resultset_free(it_run(s, ins));
	}
	ucql_statement_free(ins);
	/* hold many result sets at once (each pins what it points into) */
	enum { HOLD = 40 };
	ucql_resultset *held[HOLD];
	ucql_statement *sel = ucql_statement_new("SELECT b FROM ks.big WHERE k = ?", 1);
	cr_assert_eq(ucql_statement_set_timeout(sel, 3000), 0);
	for (int i = 0; i < HOLD; i++) {
		cr_assert_eq(ucql_statement_bind_int32(sel, 0, i % 10), 0);
		held[i] = ucql_session_execute_sync(s, sel);
		cr_assert_eq(ucql_resultset_error_code(held[i]), 0, "result %d while %d are held: %s", i, i,
			     ucql_resultset_error_message(held[i]));
	}
	for (int i = 0; i < HOLD; i++) {
		const ucql_value *row = ucql_resultset_next_row(held[i]);
		cr_assert_not_null(row);
		cr_assert_eq(row[0].len, (int32_t)sizeof blob);
		cr_assert_eq(row[0].p[0], (uint8_t)(i % 10));
		cr_assert(!memcmp(row[0].p + 1, blob + 1, sizeof blob - 1));
		ucql_resultset_free(held[i]);
	}
	ucql_statement_free(sel);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

/* BUG (capacity): every small result set pins a whole provided receive
 * buffer (lib/io/conn.c on_recv takes one ring buffer per receive;
 * lib/resultset.c ucql__rs_set_response retains it), so an
 * application holding recv.buffer_count results of one shard — 64 by
 * default, e.g. 64 futures not yet consumed — stops that shard's every
 * connection from receiving: the 65th request (any request of the shard)
 * times out. Here: defaults, 100 tiny results held one after another;
 * the 65th times out after 3 s. A small response could be copied out of
 * the ring buffer (or the buffer consumed incrementally and shared), so
 * that held results cost their size, not 64 KiB each. While starved the
 * shard also seems to spin re-arming the multishot recv on -ENOBUFS
 * (~1.5 s of CPU during the 3 s stall). */
Test(faults, many_small_results_held, .timeout = 60)
{
	it_mock m;
	it_mock_start_n(&m, 1);
	ucql_config *cfg = it_config(&m, 1);
	ucql_session *s = setup(1, cfg);
	ucql_config_free(cfg);
	ucql_statement *small = ucql_statement_new("SELECT v FROM ks.t WHERE k = 1", 0);
	cr_assert_eq(ucql_statement_set_timeout(small, 3000), 0);
	enum { HOLD = 100 };
	ucql_resultset *h[HOLD];
	for (int i = 0; i < HOLD; i++) {
		h[i] = ucql_session_execute_sync(s, small);
		cr_assert_eq(ucql_resultset_error_code(h[i]), 0, "small result %d while %d are held: %s", i, i,
			     ucql_resultset_error_message(h[i]));
	}
	for (int i = 0; i < HOLD; i++)
		ucql_resultset_free(h[i]);
	ucql_statement_free(small);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

/* ---- embedded close with requests in flight --------------------------------------- */

typedef struct emb {
	int done, closed;
} emb;

static void on_emb(ucql_resultset *rs, void *ud)
{
	emb *e = ud;
	e->done++;
	e->closed += ucql_resultset_error_code(rs) == UCQL_E_CLOSED;
}

Test(faults, embedded_close_with_requests_in_flight, .timeout = 60)
{
	it_mock m;
	it_mock_start_n(&m, 1);
	ucql_session *admin = it_session(&m, 1);
	it_keyspace(admin, "ks", 1);
	it_exec(admin, "CREATE TABLE ks.boom (k int PRIMARY KEY, v int)");
	it_exec(admin, "INSERT INTO ucql_mock.rules (id, table_name, action) VALUES (1, 'boom', 'no_reply')");
	ucql_session_close(admin, 5000);
	ucql_config *cfg = it_config(&m, 1);
	it_set(cfg, "shards.mode", "embedded");
	ucql_session *s = it_connect(cfg);
	ucql_config_free(cfg);
	ucql_shard *sh = ucql_session_shard(s, 0);
	emb e = { 0, 0 };
	ucql_statement *st = ucql_statement_new("SELECT v FROM ks.boom WHERE k = 1", 0);
	for (int i = 0; i < 100; i++)
		cr_assert_eq(ucql_shard_execute(sh, st, on_emb, &e), 0);
	ucql_statement_free(st);
	for (int i = 0; i < 20; i++)
		cr_assert_geq(ucql_shard_poll(sh, 10), 0);
	cr_assert_eq(e.done, 0);
	cr_assert_eq(ucql_shard_in_flight(sh), 100);
	ucql_session_close(s, 200);
	cr_assert_eq(e.done, 100);
	cr_assert_eq(e.closed, 100);
	it_mock_stop(&m);
}

/* ---- case in keyspace names ------------------------------------------------------- */

/* Keyspaces "MixedKs" (quoted: case-sensitive) and mixedlower (created
 * unquoted as MixedLower: case-insensitive, stored lower-case), each with
 * t(1) = 77 / 88. */
static void case_schema(const it_mock *m)
{
	ucql_session *s = it_session(m, 1);
	it_exec(s, "CREATE KEYSPACE \"MixedKs\" WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}");
	it_exec(s, "CREATE TABLE \"MixedKs\".t (k int PRIMARY KEY, v int)");
	it_exec(s, "INSERT INTO \"MixedKs\".t (k, v) VALUES (1, 77)");
	it_exec(s, "CREATE KEYSPACE MixedLower WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}");
	it_exec(s, "CREATE TABLE mixedlower.t (k int PRIMARY KEY, v int)");
	it_exec(s, "INSERT INTO mixedlower.t (k, v) VALUES (1, 88)");
	ucql_session_close(s, 5000);
}

Test(faults, case_sensitive_keyspace_use_query, .timeout = 60)
{
	it_mock m;
	it_mock_start_n(&m, 2);
	case_schema(&m);
	ucql_config *cfg = it_config(&m, 2);
	it_set(cfg, "connections.per_node", "2");
	ucql_session *s = it_connect(cfg);
	ucql_config_free(cfg);
	it_exec(s, "USE \"MixedKs\"");
	for (int i = 0; i < 20; i++)
		cr_assert_eq(it_scalar_i64(s, "SELECT v FROM t WHERE k = 1"), 77);
	it_exec(s, "USE MixedLower");
	for (int i = 0; i < 20; i++)
		cr_assert_eq(it_scalar_i64(s, "SELECT v FROM t WHERE k = 1"), 88);
	/* a statement prepared now runs in that keyspace */
	ucql_prepared_stmt *p = it_prepare(s, "SELECT v FROM t WHERE k = ?");
	ucql_statement *st = ucql_prepared_stmt_bind(p);
	cr_assert_eq(ucql_statement_bind_int32(st, 0, 1), 0);
	for (int i = 0; i < 8; i++) {
		ucql_resultset *rs = it_run(s, st);
		const ucql_value *row = ucql_resultset_next_row(rs);
		int32_t v;
		cr_assert_eq(ucql_value_get_int(row[0], &v), 0);
		cr_assert_eq(v, 88);
		ucql_resultset_free(rs);
	}
	ucql_statement_free(st);
	ucql_prepared_stmt_free(p);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

static void config_keyspace_case(const char *setting, int64_t want)
{
	it_mock m;
	it_mock_start_n(&m, 2);
	case_schema(&m);
	ucql_config *cfg = it_config(&m, 2);
	it_set(cfg, "keyspace", setting);
	it_set(cfg, "connections.per_node", "2");
	ucql_session *s = it_connect(cfg);
	ucql_config_free(cfg);
	for (int i = 0; i < 20; i++)
		cr_assert_eq(it_scalar_i64(s, "SELECT v FROM t WHERE k = 1"), want);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

Test(faults, config_keyspace_lower_case, .timeout = 60)
{
	config_keyspace_case("mixedlower", 88);
}

/* Regression test (fixed): the config's keyspace is copied verbatim into the session
 * (lib/session.c: snprintf(s->keyspace, ..., s->v->keyspace)) and every
 * connection then sends USE "<that>" (lib/io/conn.c become_ready,
 * lib/io/shard.c start_use). A quoted setting ("MixedKs", as
 * docs/CONFIGURATION.md says to write a case-sensitive name) becomes
 * USE ""MixedKs"" — a syntax error ("no viable alternative at character
 * '"'"), logged as "USE failed" while the connection goes on without a
 * keyspace: every unqualified query then fails. */
Test(faults, config_keyspace_quoted, .timeout = 60)
{
	config_keyspace_case("\"MixedKs\"", 77);
}

/* BUG (same place): an unquoted setting is case-insensitive per
 * docs/CONFIGURATION.md, but USE "MixedLower" is case-sensitive and
 * names no keyspace (the real one is mixedlower). */
Test(faults, config_keyspace_unquoted_mixed_case, .timeout = 60)
{
	config_keyspace_case("MixedLower", 88);
}

/* ---- one text prepared by several threads at once ----------------------------------- */

typedef struct prep_worker {
	ucql_session *s;
	ucql_prepared_stmt *p;
	int rc;
} prep_worker;

static void *prep_thread(void *arg)
{
	prep_worker *w = arg;
	char err[256];
	w->rc = ucql_session_prepare_sync(w->s, "SELECT v FROM ks.t WHERE k = ?", &w->p, err, sizeof err);
	return NULL;
}

Test(faults, concurrent_prepare_of_one_text, .timeout = 60)
{
	it_mock m;
	it_mock_start_n(&m, 3);
	ucql_config *cfg = it_config(&m, 2);
	ucql_session *s = setup(3, cfg);
	ucql_config_free(cfg);
	enum { T = 8 };
	prep_worker w[T];
	pthread_t th[T];
	for (int i = 0; i < T; i++) {
		w[i] = (prep_worker){ s, NULL, -1 };
		cr_assert_eq(pthread_create(&th[i], NULL, prep_thread, &w[i]), 0);
	}
	for (int i = 0; i < T; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < T; i++) {
		cr_assert_eq(w[i].rc, 0);
		ucql_bytes a = ucql_prepared_stmt_id(w[i].p), b = ucql_prepared_stmt_id(w[0].p);
		cr_assert(a.len == b.len && !memcmp(a.p, b.p, a.len), "one statement, one id");
		for (int k = 0; k < 6; k++) {
			ucql_statement *st = ucql_prepared_stmt_bind(w[i].p);
			cr_assert_eq(ucql_statement_bind_int32(st, 0, k), 0);
			ucql_resultset *rs = it_run(s, st);
			const ucql_value *row = ucql_resultset_next_row(rs);
			int32_t v;
			cr_assert_eq(ucql_value_get_int(row[0], &v), 0);
			cr_assert_eq(v, k + 1000);
			ucql_resultset_free(rs);
			ucql_statement_free(st);
		}
		ucql_prepared_stmt_free(w[i].p);
	}
	cr_assert_eq(it_metrics(s).reprepares, 0);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

/* ---- scarce stream ids ------------------------------------------------------------ */

Test(faults, two_stream_ids_per_connection, .timeout = 60)
{
	it_mock m;
	it_mock_start_n(&m, 2);
	ucql_config *cfg = it_config(&m, 2);
	it_set(cfg, "request.max_in_flight_per_connection", "2");
	ucql_session *s = setup(2, cfg);
	ucql_config_free(cfg);
	enum { N = 5000 };
	static req rq[N];
	tally t;
	burst(s, &t, rq, N);
	cr_assert_eq(atomic_load(&t.ok), N);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

/* ---- contact points ------------------------------------------------------------------ */

Test(faults, contact_points, .timeout = 60)
{
	it_mock m;
	mock_options o;
	mock_options_init(&o);
	o.nodes = 3;
	it_mock_start(&m, &o);
	mock_node_set_up(mock_run_cluster(m.run), 1, 0);

	/* the first contact point refuses; the second answers and tells of
	 * the others */
	ucql_config *cfg = it_config(&m, 1);
	it_set(cfg, "contact_points", "127.0.0.1,127.0.0.3");
	ucql_session *s = it_connect(cfg);
	ucql_config_free(cfg);
	cr_assert_eq(ucql_session_node_count(s), 3);
	for (int i = 0; i < 10; i++)
		ucql_resultset_free(it_query(s, "SELECT release_version FROM system.local"));
	ucql_session_close(s, 5000);

	/* with an explicit port per contact point */
	cfg = it_config(&m, 1);
	char cp[64];
	snprintf(cp, sizeof cp, "127.0.0.2:%u", (unsigned)m.port);
	it_set(cfg, "contact_points", cp);
	it_set(cfg, "port", "9");
	s = it_connect(cfg);
	ucql_config_free(cfg);
	ucql_session_close(s, 5000);

	/* nothing reachable: NO_HOSTS, promptly */
	cfg = it_config(&m, 1);
	it_set(cfg, "contact_points", "127.0.0.1");
	ucql_session *none = NULL;
	char err[512] = "";
	int64_t t0 = it_now_ms();
	int rc = ucql_session_connect(cfg, &none, err, sizeof err);
	ucql_config_free(cfg);
	cr_assert_eq(rc, UCQL_E_NO_HOSTS, "%s: %s", ucql_err_name(rc), err);
	cr_assert_null(none);
	cr_assert_gt(strlen(err), 0);
	cr_assert_lt(it_now_ms() - t0, 5000);
	it_mock_stop(&m);
}

/* ---- the pager's errors ------------------------------------------------------------- */

Test(faults, pager_error, .timeout = 60)
{
	it_mock m;
	it_mock_start_n(&m, 1);
	ucql_session *s = it_session(&m, 1);
	ucql_statement *st = ucql_statement_new("SELECT * FROM nosuch.t", 0);
	ucql_pager *pg = ucql_session_pager(s, st);
	cr_assert_null(ucql_pager_next_row(pg));
	cr_assert_eq(ucql_pager_error_code(pg), UCQL_E_INVALID);
	cr_assert_gt(strlen(ucql_pager_error_message(pg)), 0);
	cr_assert_null(ucql_pager_next_row(pg));
	ucql_pager_free(pg);
	ucql_statement_free(st);
	/* an empty table: no rows, no error */
	it_keyspace(s, "ks", 1);
	it_exec(s, "CREATE TABLE ks.e (k int PRIMARY KEY)");
	st = ucql_statement_new("SELECT * FROM ks.e", 0);
	pg = ucql_session_pager(s, st);
	cr_assert_null(ucql_pager_next_row(pg));
	cr_assert_eq(ucql_pager_error_code(pg), 0);
	ucql_pager_free(pg);
	ucql_statement_free(st);
	ucql_pager_free(NULL);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}
