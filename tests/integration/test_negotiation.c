/*
 * Protocol version negotiation (issue 4, proof 7): the session settles on
 * the highest version every node speaks — a cluster limited to v4 or v3,
 * a mixed cluster with one node limited to v4 (whether or not the contact
 * point is that node), a 3.11 release (v4, system.peers only); a forced
 * version the cluster does not speak fails the connect with a clear
 * error.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"

static ucql_session *connect_v(const it_mock *m, const char *version, const char *contact)
{
	ucql_config *cfg = it_config(m, 2);
	it_set(cfg, "protocol.version", version);
	if (contact)
		it_set(cfg, "contact_points", contact);
	ucql_session *s = it_connect(cfg);
	ucql_config_free(cfg);
	return s;
}

/* Requests reach every node, and succeed. */
static void use_every_node(ucql_session *s, int nodes)
{
	it_wait_nodes(s, nodes);
	int seen[8] = { 0 };
	for (int i = 0; i < 60; i++) {
		ucql_resultset *rs = it_query(s, "SELECT release_version FROM system.local");
		const char *node = ucql_resultset_node(rs);
		cr_assert(!strncmp(node, "127.0.0.", 8) && node[8] >= '1' && node[8] <= '0' + nodes, "node %s", node);
		seen[node[8] - '0']++;
		ucql_resultset_free(rs);
	}
	for (int n = 1; n <= nodes; n++)
		cr_assert_gt(seen[n], 0, "node %d never answered", n);
}

static void cluster_max(int max, const char *force, int want)
{
	it_mock m;
	mock_options o;
	mock_options_init(&o);
	o.nodes = 3;
	o.max_protocol = max;
	it_mock_start(&m, &o);
	ucql_session *s = connect_v(&m, force, NULL);
	cr_assert_eq(ucql_session_protocol_version(s), want);
	cr_assert_eq(ucql_session_node_count(s), 3);
	use_every_node(s, 3);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

Test(negotiation, v5_cluster, .timeout = 60)
{
	cluster_max(5, "0", 5);
}

Test(negotiation, v4_cluster, .timeout = 60)
{
	cluster_max(4, "0", 4);
}

Test(negotiation, v3_cluster, .timeout = 60)
{
	cluster_max(3, "0", 3);
}

Test(negotiation, forced_lower_versions, .timeout = 60)
{
	cluster_max(5, "4", 4);
	cluster_max(5, "3", 3);
}

/* Node 2 speaks only up to v4; the session ends on v4 and uses node 2. */
static void mixed(const char *contact)
{
	it_mock m;
	mock_options o;
	mock_options_init(&o);
	o.nodes = 3;
	o.node_max_protocol[1] = 4;
	it_mock_start(&m, &o);
	ucql_config *cfg = it_config(&m, 2);
	it_set(cfg, "contact_points", contact);
	it_set(cfg, "reconnect.base_delay_ms", "10");
	ucql_session *s = it_connect(cfg);
	ucql_config_free(cfg);
	/* the downgrade may come once the shards meet node 2 */
	int64_t deadline = it_now_ms() + 10000;
	while (ucql_session_protocol_version(s) != 4 && it_now_ms() < deadline)
		usleep(1000);
	cr_assert_eq(ucql_session_protocol_version(s), 4);
	/* node 2 is used (bounded wait for its connections) */
	deadline = it_now_ms() + 10000;
	for (;;) {
		ucql_resultset *rs = it_query(s, "SELECT release_version FROM system.local");
		int hit = !strncmp(ucql_resultset_node(rs), "127.0.0.2:", 10);
		ucql_resultset_free(rs);
		if (hit)
			break;
		cr_assert_lt(it_now_ms(), deadline, "node 2 never answered");
	}
	use_every_node(s, 3);
	/* a v4 session works everywhere: DDL, prepare, execute */
	it_keyspace(s, "ks", 3);
	it_exec(s, "CREATE TABLE ks.t (k int PRIMARY KEY, v int)");
	ucql_prepared_stmt *p = it_prepare(s, "INSERT INTO ks.t (k, v) VALUES (?, ?)");
	for (int i = 0; i < 30; i++) {
		ucql_statement *st = ucql_prepared_stmt_bind(p);
		cr_assert_eq(ucql_statement_bind_int32(st, 0, i), 0);
		cr_assert_eq(ucql_statement_bind_int32(st, 1, i), 0);
		ucql_resultset_free(it_run(s, st));
		ucql_statement_free(st);
	}
	ucql_prepared_stmt_free(p);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

Test(negotiation, mixed_cluster_contact_v5_node, .timeout = 60)
{
	mixed("127.0.0.1");
}

Test(negotiation, mixed_cluster_contact_v4_node, .timeout = 60)
{
	mixed("127.0.0.2");
}

Test(negotiation, forced_v5_against_v4_cluster_fails, .timeout = 60)
{
	it_mock m;
	mock_options o;
	mock_options_init(&o);
	o.nodes = 3;
	o.max_protocol = 4;
	it_mock_start(&m, &o);
	ucql_config *cfg = it_config(&m, 2);
	it_set(cfg, "protocol.version", "5");
	it_set(cfg, "connect.timeout_ms", "5000");
	ucql_session *s = NULL;
	char err[512] = "";
	int64_t t0 = it_now_ms();
	int rc = ucql_session_connect(cfg, &s, err, sizeof err);
	ucql_config_free(cfg);
	cr_assert_neq(rc, 0);
	cr_assert_null(s);
	cr_assert(rc == UCQL_E_PROTOCOL || rc == UCQL_E_BAD_VERSION || rc == UCQL_E_NO_HOSTS, "%s: %s",
		  ucql_err_name(rc), err);
	/* the message says what went wrong: the version */
	cr_assert(strstr(err, "version") || strstr(err, "v5"), "unclear message: %s", err);
	/* refused, not timed out */
	cr_assert_lt(it_now_ms() - t0, 4000);
	cr_log_info("connect refused: %s: %s", ucql_err_name(rc), err);
	it_mock_stop(&m);
}

/* Cassandra 3.11: v4 at most, no system.peers_v2 (the driver reads
 * system.peers). */
Test(negotiation, release_3_11, .timeout = 60)
{
	it_mock m;
	mock_options o;
	mock_options_init(&o);
	o.nodes = 3;
	o.release = "3.11.16";
	o.max_protocol = 4;
	it_mock_start(&m, &o);
	ucql_session *s = connect_v(&m, "0", NULL);
	cr_assert_eq(ucql_session_protocol_version(s), 4);
	cr_assert_eq(ucql_session_node_count(s), 3);
	use_every_node(s, 3);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}
