/*
 * USE keyspace through a query (issue 4, proof 14): after `USE ks`, table
 * names without a keyspace work on every shard and every connection; a
 * second USE switches them all.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"

typedef struct use_ctx {
	_Atomic int done;
	_Atomic int failed;
	_Atomic int bad_value;
	_Atomic int node_seen[4];
	int want;  /* value every row must hold */
	char first_err[256];
	_Atomic int err_taken;
} use_ctx;

static void on_select(ucql_resultset *rs, void *ud)
{
	use_ctx *c = ud;
	int rc = ucql_resultset_error_code(rs);
	if (rc) {
		if (!atomic_exchange(&c->err_taken, 1))
			snprintf(c->first_err, sizeof c->first_err, "%s: %s", ucql_err_name(rc),
				 ucql_resultset_error_message(rs));
		atomic_fetch_add(&c->failed, 1);
	} else {
		const ucql_value *row = ucql_resultset_next_row(rs);
		int32_t v = -1;
		if (!row || ucql_value_get_int(row[0], &v) || v != c->want)
			atomic_fetch_add(&c->bad_value, 1);
		const char *node = ucql_resultset_node(rs);
		/* "127.0.0.N:port" */
		if (!strncmp(node, "127.0.0.", 8) && node[8] >= '1' && node[8] <= '3')
			atomic_fetch_add(&c->node_seen[node[8] - '0'], 1);
	}
	atomic_fetch_add(&c->done, 1);
}

/* n SELECTs of the unqualified table t spread over both shards; waits. */
static void run_many(ucql_session *s, use_ctx *c, int n)
{
	ucql_statement *st = ucql_statement_new("SELECT v FROM t WHERE k = 1", 0);
	unsigned nsh = ucql_session_shard_count(s);
	for (int i = 0; i < n; i++)
		cr_assert_eq(ucql_shard_execute(ucql_session_shard(s, (unsigned)i % nsh), st, on_select, c), 0);
	ucql_statement_free(st);
	int64_t deadline = it_now_ms() + 30000;
	while (atomic_load(&c->done) < n && it_now_ms() < deadline)
		usleep(1000);
	cr_assert_eq(atomic_load(&c->done), n, "only %d of %d completed", atomic_load(&c->done), n);
}

Test(use, unqualified_names_on_every_shard_and_connection, .timeout = 60)
{
	it_mock m;
	it_mock_start_n(&m, 3);
	ucql_config *cfg = it_config(&m, 2);
	it_set(cfg, "connections.per_node", "2");
	ucql_session *s = it_connect(cfg);
	ucql_config_free(cfg);
	cr_assert_eq(ucql_session_shard_count(s), 2);

	it_keyspace(s, "ks1", 3);
	it_keyspace(s, "ks2", 3);
	it_exec(s, "CREATE TABLE ks1.t (k int PRIMARY KEY, v int)");
	it_exec(s, "CREATE TABLE ks2.t (k int PRIMARY KEY, v int)");
	it_exec(s, "INSERT INTO ks1.t (k, v) VALUES (1, 100)");
	it_exec(s, "INSERT INTO ks2.t (k, v) VALUES (1, 200)");

	/* before any USE an unqualified name is an error (no keyspace) */
	ucql_resultset *rs = ucql_session_query(s, "SELECT v FROM t WHERE k = 1");
	cr_assert_neq(ucql_resultset_error_code(rs), 0);
	ucql_resultset_free(rs);

	rs = it_query(s, "USE ks1");
	cr_assert_eq(ucql_resultset_kind(rs), UCQL_RESULT_SET_KEYSPACE);
	ucql_resultset_free(rs);

	ucql_metrics before[2];
	for (int i = 0; i < 2; i++)
		ucql_session_metrics(s, i, &before[i]);
	it_wait_nodes(s, 3);
	use_ctx c1;
	memset(&c1, 0, sizeof c1);
	c1.want = 100;
	run_many(s, &c1, 600);
	cr_assert_eq(atomic_load(&c1.failed), 0, "%d failed, first: %s", atomic_load(&c1.failed), c1.first_err);
	cr_assert_eq(atomic_load(&c1.bad_value), 0);
	/* every node answered: 2 shards × 3 nodes × 2 connections all in ks1 */
	for (int n = 1; n <= 3; n++)
		cr_assert_gt(atomic_load(&c1.node_seen[n]), 0, "node %d never answered", n);
	for (int i = 0; i < 2; i++) {
		ucql_metrics after;
		ucql_session_metrics(s, i, &after);
		cr_assert_geq(after.requests - before[i].requests, 300, "shard %d ran %llu", i,
			      (unsigned long long)(after.requests - before[i].requests));
	}

	/* a writes through an unqualified INSERT land in ks1 */
	it_exec(s, "INSERT INTO t (k, v) VALUES (2, 102)");
	cr_assert_eq(it_scalar_i64(s, "SELECT v FROM ks1.t WHERE k = 2"), 102);

	/* a prepared statement with an unqualified name */
	ucql_prepared_stmt *p = it_prepare(s, "SELECT v FROM t WHERE k = ?");
	ucql_statement *st = ucql_prepared_stmt_bind(p);
	cr_assert_eq(ucql_statement_bind_int32(st, 0, 2), 0);
	rs = it_run(s, st);
	cr_assert_eq(ucql_resultset_row_count(rs), 1);
	ucql_resultset_free(rs);
	ucql_statement_free(st);
	ucql_prepared_stmt_free(p);

	/* a second USE switches every connection */
	it_exec(s, "USE ks2");
	use_ctx c2;
	memset(&c2, 0, sizeof c2);
	c2.want = 200;
	run_many(s, &c2, 600);
	cr_assert_eq(atomic_load(&c2.failed), 0, "%d failed, first: %s", atomic_load(&c2.failed), c2.first_err);
	cr_assert_eq(atomic_load(&c2.bad_value), 0, "%d rows came from the old keyspace",
		     atomic_load(&c2.bad_value));
	for (int n = 1; n <= 3; n++)
		cr_assert_gt(atomic_load(&c2.node_seen[n]), 0, "node %d never answered", n);

	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

/* The config's keyspace: every connection starts in it (USE in the
 * handshake). */
static void config_keyspace(const char *version)
{
	it_mock m;
	it_mock_start_n(&m, 3);
	ucql_session *admin = it_session(&m, 1);
	it_keyspace(admin, "ks", 3);
	it_exec(admin, "CREATE TABLE ks.t (k int PRIMARY KEY, v int)");
	it_exec(admin, "INSERT INTO ks.t (k, v) VALUES (1, 7)");
	ucql_session_close(admin, 5000);

	ucql_config *cfg = it_config(&m, 2);
	it_set(cfg, "connections.per_node", "2");
	it_set(cfg, "keyspace", "ks");
	it_set(cfg, "protocol.version", version);
	ucql_session *s = it_connect(cfg);
	ucql_config_free(cfg);
	it_wait_nodes(s, 3);
	use_ctx c;
	memset(&c, 0, sizeof c);
	c.want = 7;
	run_many(s, &c, 400);
	cr_assert_eq(atomic_load(&c.failed), 0, "%d failed, first: %s", atomic_load(&c.failed), c.first_err);
	cr_assert_eq(atomic_load(&c.bad_value), 0);
	for (int n = 1; n <= 3; n++)
		cr_assert_gt(atomic_load(&c.node_seen[n]), 0, "node %d never answered", n);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

Test(use, config_keyspace_v4, .timeout = 60)
{
	config_keyspace("4");
}

Test(use, config_keyspace_v5, .timeout = 60)
{
	config_keyspace("5");
}
