/*
 * Re-preparing (issue 4, proof 4): a node that answers EXECUTE with
 * UNPREPARED gets the statement prepared again and the request is retried
 * transparently (metrics.reprepares counts it). The node forgets either
 * through a fault rule (ucql_mock.rules, error 9472 Unprepared with the
 * EXECUTE's id) or for real: removed from the cluster and added back
 * (ucql_mock.nodes DELETE / INSERT drops its prepared statements).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"

static ucql_session *setup(it_mock *m, int nodes)
{
	it_mock_start_n(m, nodes);
	ucql_config *cfg = it_config(m, 1);
	it_set(cfg, "reconnect.base_delay_ms", "20");
	it_set(cfg, "reconnect.max_delay_ms", "200");
	ucql_session *s = it_connect(cfg);
	ucql_config_free(cfg);
	/* every node reachable first: PREPARE goes to the ready ones */
	it_wait_nodes(s, nodes);
	it_keyspace(s, "ks", nodes);
	it_exec(s, "CREATE TABLE ks.t (k int PRIMARY KEY, v text)");
	it_exec(s, "INSERT INTO ks.t (k, v) VALUES (1, 'one')");
	return s;
}

/* Executes p with k = 1: the error code, and the row checked on success. */
static int exec_one(ucql_session *s, ucql_prepared_stmt *p, char *msg, size_t cap)
{
	ucql_statement *st = ucql_prepared_stmt_bind(p);
	cr_assert_eq(ucql_statement_bind_int32(st, 0, 1), 0);
	ucql_resultset *rs = ucql_session_execute_sync(s, st);
	ucql_statement_free(st);
	int rc = ucql_resultset_error_code(rs);
	if (msg)
		snprintf(msg, cap, "%s", ucql_resultset_error_message(rs));
	if (!rc) {
		cr_assert_eq(ucql_resultset_row_count(rs), 1);
		const ucql_value *row = ucql_resultset_next_row(rs);
		ucql_bytes t;
		cr_assert_eq(ucql_value_get_text(row[0], &t), 0);
		cr_assert(t.len == 3 && !memcmp(t.p, "one", 3));
		/* metadata survives: the result names its column */
		cr_assert_eq(ucql_resultset_column_index(rs, "v"), 0);
	}
	ucql_resultset_free(rs);
	return rc;
}

Test(reprepare, unprepared_rule_is_transparent, .timeout = 60)
{
	it_mock m;
	ucql_session *s = setup(&m, 3);
	ucql_prepared_stmt *p = it_prepare(s, "SELECT v FROM ks.t WHERE k = ?");
	char msg[512];
	cr_assert_eq(exec_one(s, p, msg, sizeof msg), 0, "%s", msg);
	uint64_t before = it_metrics(s).reprepares;

	/* five times: the next EXECUTE (any node) meets UNPREPARED once */
	for (int i = 0; i < 5; i++) {
		it_exec(s, "INSERT INTO ucql_mock.rules (id, opcode, action, error_code, count) "
			   "VALUES (1, 'EXECUTE', 'error', 9472, 1)");
		cr_assert_eq(exec_one(s, p, msg, sizeof msg), 0, "execute %d: %s", i, msg);
		cr_assert_eq(it_scalar_i64(s, "SELECT remaining FROM ucql_mock.rules WHERE id = 1"), 0);
	}
	cr_assert_eq(it_metrics(s).reprepares - before, 5, "reprepares %llu",
		     (unsigned long long)(it_metrics(s).reprepares - before));
	/* each fired rule was followed by a PREPARE on that node */
	int64_t fired = 0, prepares = 0;
	ucql_resultset *rs = it_query(s, "SELECT opcode, rule_id FROM ucql_mock.activity");
	const ucql_value *row;
	while ((row = ucql_resultset_next_row(rs))) {
		ucql_bytes op;
		cr_assert_eq(ucql_value_get_text(row[0], &op), 0);
		if (row[1].len >= 0)
			fired++;
		else if (op.len == 7 && !memcmp(op.p, "PREPARE", 7))
			prepares++;
	}
	ucql_resultset_free(rs);
	cr_assert_eq(fired, 5);
	cr_assert_geq(prepares, 5 + 3); /* 3: the first prepare on every node */

	ucql_prepared_stmt_free(p);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

/* A node that keeps answering UNPREPARED: the retries are bounded and the
 * request completes with the error. */
Test(reprepare, endless_unprepared_gives_up, .timeout = 60)
{
	it_mock m;
	ucql_session *s = setup(&m, 1);
	ucql_prepared_stmt *p = it_prepare(s, "SELECT v FROM ks.t WHERE k = ?");
	it_exec(s, "INSERT INTO ucql_mock.rules (id, opcode, action, error_code) VALUES (1, 'EXECUTE', 'error', 9472)");
	char msg[512];
	cr_assert_eq(exec_one(s, p, msg, sizeof msg), UCQL_E_UNPREPARED, "%s", msg);
	uint64_t n = it_metrics(s).reprepares;
	cr_assert(n >= 1 && n <= 3, "reprepares %llu", (unsigned long long)n);
	/* rule gone: works again */
	it_exec(s, "TRUNCATE ucql_mock.rules");
	cr_assert_eq(exec_one(s, p, msg, sizeof msg), 0, "%s", msg);
	ucql_prepared_stmt_free(p);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

/* The PREPARE of the re-prepare fails: the request fails with its error. */
Test(reprepare, failed_reprepare_fails_the_request, .timeout = 60)
{
	it_mock m;
	ucql_session *s = setup(&m, 1);
	ucql_prepared_stmt *p = it_prepare(s, "SELECT v FROM ks.t WHERE k = ?");
	it_exec(s, "INSERT INTO ucql_mock.rules (id, opcode, action, error_code, count) "
		   "VALUES (1, 'EXECUTE', 'error', 9472, 1)");
	it_exec(s, "INSERT INTO ucql_mock.rules (id, opcode, action, error_code, error_message, count) "
		   "VALUES (2, 'PREPARE', 'error', 8704, 'no preparing today', 1)");
	char msg[512];
	cr_assert_eq(exec_one(s, p, msg, sizeof msg), UCQL_E_INVALID, "%s", msg);
	cr_assert(strstr(msg, "no preparing today"), "message: %s", msg);
	cr_assert_eq(exec_one(s, p, msg, sizeof msg), 0, "%s", msg);
	ucql_prepared_stmt_free(p);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

/* Waits (bounded) until every shard connection is up again: n successful
 * unprepared queries reaching node `node`. */
static void wait_node_serving(ucql_session *s, int node)
{
	char want[16];
	snprintf(want, sizeof want, "127.0.0.%d:", node);
	int64_t deadline = it_now_ms() + 20000;
	for (;;) {
		ucql_resultset *rs = ucql_session_query(s, "SELECT release_version FROM system.local");
		int hit = !ucql_resultset_error_code(rs) && !strncmp(ucql_resultset_node(rs), want, strlen(want));
		ucql_resultset_free(rs);
		if (hit)
			return;
		cr_assert_lt(it_now_ms(), deadline, "node %d never came back", node);
		usleep(5000);
	}
}

Test(reprepare, node_replaced_forgets_statements, .timeout = 90)
{
	it_mock m;
	ucql_session *s = setup(&m, 3);
	ucql_prepared_stmt *p = it_prepare(s, "SELECT v FROM ks.t WHERE k = ?");
	char msg[512];
	for (int i = 0; i < 6; i++)
		cr_assert_eq(exec_one(s, p, msg, sizeof msg), 0, "%s", msg);
	cr_assert_eq(it_metrics(s).reprepares, 0, "every node knew it");
	uint64_t opened = it_metrics(s).connections_opened;

	/* node 3 leaves and comes back empty: no data, no statements; it
	 * copies the partitions it replicates (RF 3: all) from the others */
	it_exec(s, "DELETE FROM ucql_mock.nodes WHERE node = 3");
	it_exec(s, "INSERT INTO ucql_mock.nodes (node) VALUES (3)");
	wait_node_serving(s, 3);
	cr_assert_gt(it_metrics(s).connections_opened, opened);

	/* round-robin over the 3 nodes: node 3 gets some of these */
	for (int i = 0; i < 9; i++)
		cr_assert_eq(exec_one(s, p, msg, sizeof msg), 0, "execute %d: %s", i, msg);
	cr_assert_geq(it_metrics(s).reprepares, 1);
	/* node 3 saw EXECUTE, then PREPARE, then EXECUTE again */
	ucql_resultset *rs = it_query(s, "SELECT opcode FROM ucql_mock.activity WHERE node = 3");
	int saw_prepare = 0;
	const ucql_value *row;
	while ((row = ucql_resultset_next_row(rs))) {
		ucql_bytes op;
		cr_assert_eq(ucql_value_get_text(row[0], &op), 0);
		if (op.len == 7 && !memcmp(op.p, "PREPARE", 7))
			saw_prepare++;
	}
	ucql_resultset_free(rs);
	cr_assert_geq(saw_prepare, 2, "node 3: %d PREPAREs", saw_prepare);

	ucql_prepared_stmt_free(p);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

/* v5 METADATA_CHANGED (native_protocol_v5.spec §4.2.5.2): the table under
 * a prepared SELECT * is re-created with another column. The first
 * EXECUTE after it gets the new metadata and id; the driver keeps them,
 * so the next EXECUTE sends the new id and gets a skip-metadata answer
 * whose names come from the updated prepared statement. */
static int32_t exec_star(ucql_session *s, ucql_prepared_stmt *p, int *changed)
{
	ucql_statement *st = ucql_prepared_stmt_bind(p);
	cr_assert_eq(ucql_statement_bind_int32(st, 0, 1), 0);
	ucql_resultset *rs = ucql_session_execute_sync(s, st);
	ucql_statement_free(st);
	cr_assert_eq(ucql_resultset_error_code(rs), 0, "%s", ucql_resultset_error_message(rs));
	cr_assert_eq(ucql_resultset_row_count(rs), 1);
	*changed = (ucql_resultset_result(rs)->u.rows.metadata.flags & UCQL_MD_METADATA_CHANGED) != 0;
	int32_t n = ucql_resultset_column_count(rs);
	/* names and types are there whichever way the metadata came */
	for (int32_t i = 0; i < n; i++) {
		cr_assert(ucql_resultset_column_name(rs, i).len > 0, "column %d has no name", i);
		cr_assert_not_null(ucql_resultset_column_type(rs, i));
	}
	if (n == 3)
		cr_assert_eq(ucql_resultset_column_index(rs, "w"), 2);
	ucql_resultset_free(rs);
	return n;
}

Test(reprepare, v5_metadata_changed_is_kept, .timeout = 60)
{
	it_mock m;
	it_mock_start_n(&m, 1);
	ucql_config *cfg = it_config(&m, 1);
	it_set(cfg, "protocol.version", "5");
	ucql_session *s = it_connect(cfg);
	ucql_config_free(cfg);
	it_keyspace(s, "ks", 1);
	it_exec(s, "CREATE TABLE ks.m (k int PRIMARY KEY, v text)");
	it_exec(s, "INSERT INTO ks.m (k, v) VALUES (1, 'one')");
	ucql_prepared_stmt *p = it_prepare(s, "SELECT * FROM ks.m WHERE k = ?");
	int changed;
	cr_assert_eq(exec_star(s, p, &changed), 2);
	cr_assert_not(changed);
	it_exec(s, "DROP TABLE ks.m");
	it_exec(s, "CREATE TABLE ks.m (k int PRIMARY KEY, v text, w int)");
	it_exec(s, "INSERT INTO ks.m (k, v, w) VALUES (1, 'one', 7)");
	/* the first execution may meet UNPREPARED (re-prepared) and then
	 * METADATA_CHANGED; at the latest the second one has the new id */
	cr_assert_eq(exec_star(s, p, &changed), 3);
	cr_assert_eq(exec_star(s, p, &changed), 3);
	cr_assert_eq(exec_star(s, p, &changed), 3);
	cr_assert_not(changed, "the new result metadata id was not kept: every EXECUTE gets METADATA_CHANGED");
	ucql_prepared_stmt_free(p);
	ucql_session_close(s, 1000);
	it_mock_stop(&m);
}
