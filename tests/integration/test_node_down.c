/*
 * A node going down under load (issue 4, proof 6): 3 nodes, 2000 requests
 * in flight (callbacks; the replies held back by a 'delay' rule so that
 * they really are in flight), node 2 set down through ucql_mock.nodes
 * from another session. Every request completes exactly once, either with
 * its answer or with UCQL_E_CONNECTION (retriable); later requests run on
 * nodes 1 and 3; once node 2 is up again the driver reconnects and
 * requests reach it again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"

#define N_KEYS 100

typedef struct load {
	_Atomic int done;
	_Atomic int ok;
	_Atomic int conn_err;
	_Atomic int not_retriable;
	_Atomic int other_err;
	_Atomic int wrong;
	_Atomic int twice;
	_Atomic int node_hits[4];
	_Atomic uint8_t *hits;
	char other[256];
	_Atomic int other_taken;
} load;

typedef struct probe {
	load *l;
	int idx;
	int k;
} probe;

static void on_probe(ucql_resultset *rs, void *ud)
{
	probe *p = ud;
	load *l = p->l;
	if (atomic_fetch_add(&l->hits[p->idx], 1) != 0)
		atomic_fetch_add(&l->twice, 1);
	int rc = ucql_resultset_error_code(rs);
	if (!rc) {
		const ucql_value *row = ucql_resultset_next_row(rs);
		int32_t v = -1;
		if (!row || ucql_value_get_int(row[0], &v) || v != p->k * 11)
			atomic_fetch_add(&l->wrong, 1);
		const char *node = ucql_resultset_node(rs);
		if (!strncmp(node, "127.0.0.", 8) && node[8] >= '1' && node[8] <= '3' && node[9] == ':')
			atomic_fetch_add(&l->node_hits[node[8] - '0'], 1);
		atomic_fetch_add(&l->ok, 1);
	} else if (rc == UCQL_E_CONNECTION) {
		if (!ucql_resultset_error_retriable(rs))
			atomic_fetch_add(&l->not_retriable, 1);
		atomic_fetch_add(&l->conn_err, 1);
	} else {
		if (!atomic_exchange(&l->other_taken, 1))
			snprintf(l->other, sizeof l->other, "%s: %s (node %s)", ucql_err_name(rc),
				 ucql_resultset_error_message(rs), ucql_resultset_node(rs));
		atomic_fetch_add(&l->other_err, 1);
	}
	atomic_fetch_add(&l->done, 1);
}

static probe *load_init(load *l, int n)
{
	memset(l, 0, sizeof *l);
	l->hits = calloc((size_t)n, 1);
	probe *pr = calloc((size_t)n, sizeof *pr);
	cr_assert(l->hits && pr);
	for (int i = 0; i < n; i++) {
		pr[i].l = l;
		pr[i].idx = i;
		pr[i].k = i % N_KEYS;
	}
	return pr;
}

/* Submits n probes spread over the shards. */
static void submit(ucql_session *s, probe *pr, int n)
{
	ucql_statement *st = ucql_statement_new("SELECT v FROM ks.t WHERE k = ?", 1);
	unsigned nsh = ucql_session_shard_count(s);
	for (int i = 0; i < n; i++) {
		cr_assert_eq(ucql_statement_bind_int32(st, 0, pr[i].k), 0);
		cr_assert_eq(ucql_shard_execute(ucql_session_shard(s, (unsigned)i % nsh), st, on_probe, &pr[i]), 0);
	}
	ucql_statement_free(st);
}

/* Waits for n completions; each request completed exactly once. */
static void load_wait(load *l, probe *pr, int n)
{
	int64_t deadline = it_now_ms() + 30000;
	while (atomic_load(&l->done) < n && it_now_ms() < deadline)
		usleep(1000);
	cr_assert_eq(atomic_load(&l->done), n, "%d of %d completed", atomic_load(&l->done), n);
	/* no late second completion either */
	usleep(20000);
	cr_assert_eq(atomic_load(&l->done), n, "more completions than requests");
	cr_assert_eq(atomic_load(&l->twice), 0);
	for (int i = 0; i < n; i++)
		cr_assert_eq(l->hits[i], 1, "request %d completed %d times", i, l->hits[i]);
	cr_assert_eq(atomic_load(&l->wrong), 0);
	cr_assert_eq(atomic_load(&l->other_err), 0, "%d other errors, first: %s", atomic_load(&l->other_err),
		     l->other);
	cr_assert_eq(atomic_load(&l->not_retriable), 0, "connection errors must be retriable");
	free((void *)l->hits);
	free(pr);
}

Test(node_down, node_down_mid_load, .timeout = 120)
{
	it_mock m;
	it_mock_start_n(&m, 3);
	ucql_config *cfg = it_config(&m, 2);
	it_set(cfg, "reconnect.base_delay_ms", "20");
	it_set(cfg, "reconnect.max_delay_ms", "200");
	ucql_session *s = it_connect(cfg);
	ucql_config_free(cfg);
	cr_assert_eq(ucql_session_node_count(s), 3);
	it_wait_nodes(s, 3);
	ucql_session *admin = it_session(&m, 1);
	it_keyspace(admin, "ks", 3);
	it_exec(admin, "CREATE TABLE ks.t (k int PRIMARY KEY, v int)");
	for (int k = 0; k < N_KEYS; k++)
		it_execf(admin, "INSERT INTO ks.t (k, v) VALUES (%d, %d)", k, k * 11);
	ucql_metrics m0 = it_metrics(s);

	/* replies to the load come 300 ms late: they are in flight when
	 * node 2 goes */
	it_exec(admin, "INSERT INTO ucql_mock.rules (id, table_name, action, delay_ms) VALUES (1, 't', 'delay', 300)");
	enum { N = 2000 };
	load l;
	probe *pr = load_init(&l, N);
	submit(s, pr, N);
	it_node_state(admin, 2, "down");
	load_wait(&l, pr, N);
	cr_assert_eq(atomic_load(&l.ok) + atomic_load(&l.conn_err), N);
	cr_assert_gt(atomic_load(&l.conn_err), 0, "node 2's requests were in flight: they must fail");
	cr_assert_lt(atomic_load(&l.conn_err), N, "nodes 1 and 3 answered");
	cr_assert_eq(atomic_load(&l.node_hits[2]), 0, "a reply from node 2 after it went down");
	ucql_metrics m1 = it_metrics(s);
	cr_assert_eq(m1.requests - m0.requests, N);
	cr_assert_geq(m1.errors_connection - m0.errors_connection, (uint64_t)atomic_load(&l.conn_err));
	cr_assert_eq(m1.in_flight, 0);

	/* node 2 is down: requests run on 1 and 3 */
	it_exec(admin, "TRUNCATE ucql_mock.rules");
	enum { N2 = 600 };
	load l2;
	pr = load_init(&l2, N2);
	submit(s, pr, N2);
	load_wait(&l2, pr, N2);
	cr_assert_eq(atomic_load(&l2.ok), N2, "%d connection errors with node 2 down", atomic_load(&l2.conn_err));
	cr_assert_eq(atomic_load(&l2.node_hits[2]), 0);
	cr_assert_gt(atomic_load(&l2.node_hits[1]), 0);
	cr_assert_gt(atomic_load(&l2.node_hits[3]), 0);

	/* node 2 back: every shard reconnects to it and uses it again */
	ucql_metrics before[2];
	for (int i = 0; i < 2; i++)
		ucql_session_metrics(s, i, &before[i]);
	it_node_state(admin, 2, "up");
	int64_t deadline = it_now_ms() + 20000;
	for (;;) {
		cr_assert_lt(it_now_ms(), deadline, "node 2 never used again by every shard");
		int reopened = 1;
		for (int i = 0; i < 2; i++) {
			ucql_metrics now;
			ucql_session_metrics(s, i, &now);
			reopened &= now.connections_opened > before[i].connections_opened;
		}
		load l3;
		pr = load_init(&l3, 60);
		submit(s, pr, 60);
		load_wait(&l3, pr, 60);
		cr_assert_eq(atomic_load(&l3.ok), 60);
		if (reopened && atomic_load(&l3.node_hits[2]) > 0)
			break;
		usleep(10000);
	}

	ucql_session_close(admin, 5000);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

/* Every node down: requests fail (no hang); one up again: they succeed. */
Test(node_down, all_nodes_down_then_one_back, .timeout = 120)
{
	it_mock m;
	it_mock_start_n(&m, 2);
	ucql_config *cfg = it_config(&m, 1);
	it_set(cfg, "reconnect.base_delay_ms", "20");
	it_set(cfg, "reconnect.max_delay_ms", "100");
	it_set(cfg, "request.timeout_ms", "2000");
	ucql_session *s = it_connect(cfg);
	ucql_config_free(cfg);
	it_keyspace(s, "ks", 2);
	it_exec(s, "CREATE TABLE ks.t (k int PRIMARY KEY, v int)");
	it_exec(s, "INSERT INTO ks.t (k, v) VALUES (1, 11)");
	mock_cluster *mc = mock_run_cluster(m.run);
	cr_assert_eq(mock_node_set_up(mc, 1, 0), 0);
	cr_assert_eq(mock_node_set_up(mc, 2, 0), 0);
	for (int i = 0; i < 20; i++) {
		ucql_resultset *rs = ucql_session_query(s, "SELECT v FROM ks.t WHERE k = 1");
		int rc = ucql_resultset_error_code(rs);
		cr_assert(rc == UCQL_E_CONNECTION || rc == UCQL_E_NO_HOSTS || rc == UCQL_E_TIMEOUT, "%s: %s",
			  ucql_err_name(rc), ucql_resultset_error_message(rs));
		ucql_resultset_free(rs);
	}
	cr_assert_eq(mock_node_set_up(mc, 2, 1), 0);
	int64_t deadline = it_now_ms() + 20000;
	for (;;) {
		ucql_resultset *rs = ucql_session_query(s, "SELECT v FROM ks.t WHERE k = 1");
		int rc = ucql_resultset_error_code(rs);
		const char *node = ucql_resultset_node(rs);
		int ok = rc == 0 && !strncmp(node, "127.0.0.2:", 10);
		ucql_resultset_free(rs);
		if (ok)
			break;
		cr_assert_lt(it_now_ms(), deadline, "no success after node 2 came back (last: %s)", ucql_err_name(rc));
		usleep(5000);
	}
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}
