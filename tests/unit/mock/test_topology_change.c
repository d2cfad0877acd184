/*
 * test_topology_change.c — nodes joining and leaving a running cluster
 * through ucql_mock.nodes (INSERT / DELETE): listeners, system tables,
 * TOPOLOGY_CHANGE / STATUS_CHANGE events, ring ownership, replica data and
 * consistency checks, every error.
 */
#include "engine_fixture.h"
#include "engine_int.h"
#include "topo_change.h"
#include "ucql/token.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Rows of a SELECT as q_rows shows them, sorted (virtual tables list rows
 * in token order, as Cassandra does). */
static const char *sorted_rows(tc *c, const char *cql)
{
	static char buf[8192], out[8192];
	snprintf(buf, sizeof buf, "%s", q_rows(c, cql));
	char *rows[256];
	size_t n = 0;
	for (char *save = NULL, *r = strtok_r(buf, ";", &save); r && n < 256; r = strtok_r(NULL, ";", &save))
		rows[n++] = r;
	qsort(rows, n, sizeof *rows, cmp_str);
	size_t o = 0;
	out[0] = 0;
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(out + o, sizeof out - o, "%s%s", i ? ";" : "", rows[i]);
	return out;
}

static void register_all(tc *ev)
{
	const char *types[] = { "TOPOLOGY_CHANGE", "STATUS_CHANGE" };
	cr_assert_eq(tc_send_register(ev, 2, types, 2), 0);
	recv_frame(ev);
	cr_assert_eq(last.f.h.opcode, UCQL_OP_READY);
}

/* The next frame on ev is EVENT type/change about 127.0.0.node:port. */
static void expect_event(tc *ev, int type, int change, int node)
{
	recv_frame(ev);
	cr_assert_eq(last.f.h.opcode, UCQL_OP_EVENT, "opcode %d", last.f.h.opcode);
	cr_assert_eq(last.f.h.stream, -1);
	cr_assert_eq(last.m.u.event.type, type);
	cr_assert_eq(last.m.u.event.change, change);
	const ucql_inet *a = &last.m.u.event.address;
	cr_assert_eq(a->len, 4);
	cr_assert(a->addr[0] == 127 && a->addr[1] == 0 && a->addr[2] == 0 && a->addr[3] == node,
		  "address %u.%u.%u.%u", a->addr[0], a->addr[1], a->addr[2], a->addr[3]);
	cr_assert_eq(a->port, port);
}

static int64_t token_of(int32_t k)
{
	uint8_t b[4] = { (uint8_t)(k >> 24), (uint8_t)(k >> 16), (uint8_t)(k >> 8), (uint8_t)k };
	return ucql_token_murmur3(b, 4);
}

/* Node ids owning at least one ring entry, as a bit mask. */
static unsigned ring_owners(void)
{
	unsigned m = 0;
	const mock_ring_entry *en = mock_ring_entries(eng->ring);
	for (size_t i = 0; i < mock_ring_size(eng->ring); i++)
		m |= 1u << mock_ring_node_at(eng->ring, en[i].node)->id;
	return m;
}

static int is_replica(const char *ks, int32_t k, int node)
{
	const mock_keyspace *kk = mock_catalog_keyspace(&eng->cat, ks);
	cr_assert_not_null(kk);
	return mock_replica_map_contains(kk->map, token_of(k), node, node);
}

static tc_frame *q_cl(tc *c, const char *cql, uint16_t cl)
{
	return query_full(c, cql, cl, 0, ucql_value_null(), NULL, 0);
}

Test(topology_change, add_node)
{
	mock_cluster *cl = start_engine();
	tc c, ev, c4;
	ready_v(&c, 2, 4);
	ready_v(&ev, 1, 4);
	register_all(&ev);
	cr_assert_eq(tc_connect(&c4, 4, port, 4), -ECONNREFUSED);
	ok(&c, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}");
	ok(&c, "CREATE TABLE ks.t (k int PRIMARY KEY, v int)");
	for (int k = 0; k < 40; k++) {
		char q[128];
		snprintf(q, sizeof q, "INSERT INTO ks.t (k, v) VALUES (%d, %d)", k, k * 10);
		expect_kind(q_cl(&c, q, UCQL_CL_ALL), UCQL_RESULT_VOID);
	}
	cr_assert_eq(ring_owners(), 0xEu);

	expect_kind(query(&c, "INSERT INTO ucql_mock.nodes (node, dc, rack) VALUES (4, 'dc1', 'rack1')"),
		    UCQL_RESULT_VOID);
	/* Pushed by the other nodes once the node listens: NEW_NODE, then UP. */
	expect_event(&ev, UCQL_EVENT_TOPOLOGY_CHANGE, UCQL_CHANGE_NEW_NODE, 4);
	expect_event(&ev, UCQL_EVENT_STATUS_CHANGE, UCQL_CHANGE_UP, 4);
	cr_assert_eq(mock_node_is_up(cl, 4), 1);

	ready_v(&c4, 4, 4);
	cr_assert_str_eq(q_rows(&c4, "SELECT broadcast_address, rpc_address, data_center, rack FROM system.local"),
			 "'127.0.0.4','127.0.0.4','dc1','rack1'");
	cr_assert_str_eq(sorted_rows(&c4, "SELECT peer FROM system.peers"), "'127.0.0.1';'127.0.0.2';'127.0.0.3'");
	cr_assert_str_eq(sorted_rows(&ev, "SELECT peer FROM system.peers"), "'127.0.0.2';'127.0.0.3';'127.0.0.4'");
	char want[128];
	snprintf(want, sizeof want, "'127.0.0.4',%u", (unsigned)port);
	cr_assert_str_eq(q_rows(&c, "SELECT native_address, native_port FROM system.peers_v2 WHERE peer = '127.0.0.4'"),
			 want);
	cr_assert_str_eq(sorted_rows(&c, "SELECT node, address, dc, rack, state FROM ucql_mock.nodes"),
			 "1,'127.0.0.1','dc1','rack1','up';2,'127.0.0.2','dc1','rack1','up';"
			 "3,'127.0.0.3','dc1','rack1','up';4,'127.0.0.4','dc1','rack1','up'");
	/* Same host_id seen from itself and from a peer. */
	char hid[64];
	snprintf(hid, sizeof hid, "%s", q_rows(&c4, "SELECT host_id FROM system.local"));
	cr_assert_str_eq(q_rows(&c, "SELECT host_id FROM system.peers WHERE peer = '127.0.0.4'"), hid);

	/* Node 4 took ranges: it owns ring entries and replicates some keys. */
	cr_assert_eq(ring_owners(), 0x1Eu);
	cr_assert_eq(mock_ring_size(eng->ring), 16u);
	int k4 = -1, not4 = -1;
	for (int k = 0; k < 40; k++) {
		if (is_replica("ks", k, 4) && k4 < 0)
			k4 = k;
		if (!is_replica("ks", k, 4) && not4 < 0)
			not4 = k;
	}
	cr_assert_geq(k4, 0, "node 4 replicates some key");
	cr_assert_geq(not4, 0, "RF 3 of 4: some key is not on node 4");
	/* It got a copy of those partitions: a read coordinated by a live
	 * replica is served from its own store. */
	char q[128];
	snprintf(q, sizeof q, "SELECT v FROM ks.t WHERE k = %d", k4);
	snprintf(want, sizeof want, "%d", k4 * 10);
	cr_assert_str_eq(q_rows(&c4, q), want);
	const mock_tstore *s4 = mock_catalog_table(&eng->cat, "ks", "t")->stores[4];
	cr_assert_not_null(s4);
	size_t copied = 0;
	for (int k = 0; k < 40; k++) {
		int held = 0;
		for (size_t i = 0; i < s4->n; i++)
			held |= s4->parts[i]->token == token_of(k);
		cr_assert_eq(held, is_replica("ks", k, 4), "key %d", k);
		copied += (size_t)held;
	}
	cr_assert_eq(s4->n, copied);

	/* Writes at ALL now need node 4 for its keys. */
	ok(&c, "UPDATE ucql_mock.nodes SET state = 'down' WHERE node = 4");
	expect_event(&ev, UCQL_EVENT_STATUS_CHANGE, UCQL_CHANGE_DOWN, 4);
	cr_assert_eq(tc_wait_closed(&c4), 1);
	snprintf(q, sizeof q, "INSERT INTO ks.t (k, v) VALUES (%d, 1)", k4);
	tc_frame *fr = q_cl(&c, q, UCQL_CL_ALL);
	expect_err(fr, UCQL_E_UNAVAILABLE, "Cannot achieve consistency level ALL");
	cr_assert_eq(fr->m.u.error.required, 3);
	cr_assert_eq(fr->m.u.error.alive, 2);
	snprintf(q, sizeof q, "INSERT INTO ks.t (k, v) VALUES (%d, 1)", not4);
	expect_kind(q_cl(&c, q, UCQL_CL_ALL), UCQL_RESULT_VOID);
	ok(&c, "UPDATE ucql_mock.nodes SET state = 'up' WHERE node = 4");
	expect_event(&ev, UCQL_EVENT_STATUS_CHANGE, UCQL_CHANGE_UP, 4);
	snprintf(q, sizeof q, "INSERT INTO ks.t (k, v) VALUES (%d, 1)", k4);
	expect_kind(q_cl(&c, q, UCQL_CL_ALL), UCQL_RESULT_VOID);
	tc_close(&c4);
	tc_close(&c);
	tc_close(&ev);
	stop_engine(cl);
}

Test(topology_change, remove_node)
{
	mock_cluster *cl = start_engine();
	tc c, ev, c4;
	ready_v(&c, 2, 4);
	ready_v(&ev, 1, 5);
	register_all(&ev);
	ok(&c, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 4}");
	ok(&c, "CREATE TABLE ks.t (k int PRIMARY KEY, v int)");
	ok(&c, "INSERT INTO ucql_mock.nodes (node) VALUES (4)");
	expect_event(&ev, UCQL_EVENT_TOPOLOGY_CHANGE, UCQL_CHANGE_NEW_NODE, 4);
	expect_event(&ev, UCQL_EVENT_STATUS_CHANGE, UCQL_CHANGE_UP, 4);
	ready_v(&c4, 4, 4);
	/* RF 4 on 4 nodes: every write at ALL needs node 4. */
	tc_frame *fr = q_cl(&c, "INSERT INTO ks.t (k, v) VALUES (1, 1)", UCQL_CL_ALL);
	expect_kind(fr, UCQL_RESULT_VOID);
	cr_assert_str_eq(q_rows(&c4, "SELECT v FROM ks.t WHERE k = 1"), "1");

	expect_kind(query(&c, "DELETE FROM ucql_mock.nodes WHERE node = 4"), UCQL_RESULT_VOID);
	expect_event(&ev, UCQL_EVENT_TOPOLOGY_CHANGE, UCQL_CHANGE_REMOVED_NODE, 4);
	cr_assert_eq(tc_wait_closed(&c4), 1);
	tc_close(&c4);
	cr_assert_eq(tc_connect(&c4, 4, port, 4), -ECONNREFUSED);
	cr_assert_eq(mock_node_is_up(cl, 4), -1);
	cr_assert_eq(mock_node_set_up(cl, 4, 1), -EINVAL);
	cr_assert_str_eq(sorted_rows(&ev, "SELECT peer FROM system.peers"), "'127.0.0.2';'127.0.0.3'");
	cr_assert_str_eq(sorted_rows(&ev, "SELECT peer FROM system.peers_v2"), "'127.0.0.2';'127.0.0.3'");
	cr_assert_str_eq(sorted_rows(&c, "SELECT node FROM ucql_mock.nodes"), "1;2;3");
	cr_assert_eq(ring_owners(), 0xEu);
	cr_assert_eq(mock_ring_size(eng->ring), 12u);
	/* RF 4 on 3 nodes: ALL needs the 3 left. */
	for (int k = 0; k < 20; k++) {
		char q[128];
		snprintf(q, sizeof q, "INSERT INTO ks.t (k, v) VALUES (%d, 2)", k);
		expect_kind(q_cl(&c, q, UCQL_CL_ALL), UCQL_RESULT_VOID);
	}
	cr_assert_str_eq(q_rows(&c, "SELECT v FROM ks.t WHERE k = 1"), "2");

	/* A node in the middle: ids stay, TRUNCATE needs only the members. */
	ok(&c, "DELETE FROM ucql_mock.nodes WHERE node = 3");
	expect_event(&ev, UCQL_EVENT_TOPOLOGY_CHANGE, UCQL_CHANGE_REMOVED_NODE, 3);
	ok(&c, "TRUNCATE ks.t");
	cr_assert_str_eq(sorted_rows(&c, "SELECT node FROM ucql_mock.nodes"), "1;2");
	/* Added again: empty (its old data was dropped), listening again. */
	ok(&c, "INSERT INTO ks.t (k, v) VALUES (7, 7)");
	ok(&c, "INSERT INTO ucql_mock.nodes (node) VALUES (3)");
	expect_event(&ev, UCQL_EVENT_TOPOLOGY_CHANGE, UCQL_CHANGE_NEW_NODE, 3);
	expect_event(&ev, UCQL_EVENT_STATUS_CHANGE, UCQL_CHANGE_UP, 3);
	tc c3;
	ready_v(&c3, 3, 4);
	cr_assert_str_eq(q_rows(&c3, "SELECT k, v FROM ks.t"), "7,7");
	cr_assert_str_eq(sorted_rows(&c3, "SELECT peer FROM system.peers"), "'127.0.0.1';'127.0.0.2'");
	tc_close(&c3);
	tc_close(&c);
	tc_close(&ev);
	stop_engine(cl);
}

Test(topology_change, remove_self_answers_first)
{
	mock_cluster *cl = start_engine();
	tc c, ev;
	ready_v(&c, 3, 4);
	ready_v(&ev, 1, 4);
	register_all(&ev);
	expect_kind(query(&c, "DELETE FROM ucql_mock.nodes WHERE node = 3"), UCQL_RESULT_VOID);
	cr_assert_eq(tc_wait_closed(&c), 1);
	tc_close(&c);
	expect_event(&ev, UCQL_EVENT_TOPOLOGY_CHANGE, UCQL_CHANGE_REMOVED_NODE, 3);
	cr_assert_eq(tc_connect(&c, 3, port, 4), -ECONNREFUSED);
	cr_assert_str_eq(sorted_rows(&ev, "SELECT node FROM ucql_mock.nodes"), "1;2");
	tc_close(&ev);
	stop_engine(cl);
}

Test(topology_change, default_placement)
{
	mock_cluster *cl = start_engine_cfg(4, 2, 0);
	tc c;
	ready_v(&c, 1, 4);
	ok(&c, "INSERT INTO ucql_mock.nodes (node) VALUES (5)");
	ok(&c, "INSERT INTO ucql_mock.nodes (node) VALUES (6)");
	ok(&c, "INSERT INTO ucql_mock.nodes (node, dc) VALUES (8, 'dc3')");
	cr_assert_str_eq(sorted_rows(&c, "SELECT node, dc, rack FROM ucql_mock.nodes WHERE node IN (5, 6, 8)"),
			 "5,'dc1','rack1';6,'dc2','rack1';8,'dc3','rack1'");
	tc c8;
	ready_v(&c8, 8, 4);
	cr_assert_str_eq(q_rows(&c8, "SELECT data_center FROM system.local"), "'dc3'");
	tc_close(&c8);
	tc_close(&c);
	stop_engine(cl);
}

Test(topology_change, errors)
{
	mock_cluster *cl = start_engine();
	tc c;
	ready_v(&c, 1, 4);
	expect_err(query(&c, "INSERT INTO ucql_mock.nodes (node, dc, rack) VALUES (2, 'dc1', 'rack1')"),
		   UCQL_E_INVALID, "node 2 already exists");
	expect_err(query(&c, "INSERT INTO ucql_mock.nodes (node) VALUES (0)"), UCQL_E_INVALID,
		   "node must be in 1..64 (got 0)");
	expect_err(query(&c, "INSERT INTO ucql_mock.nodes (node) VALUES (65)"), UCQL_E_INVALID,
		   "node must be in 1..64 (got 65)");
	expect_err(query(&c, "INSERT INTO ucql_mock.nodes (dc) VALUES ('dc1')"), UCQL_E_INVALID,
		   "Some partition key parts are missing: node");
	expect_err(query(&c, "INSERT INTO ucql_mock.nodes (node, state) VALUES (4, 'up')"), UCQL_E_INVALID,
		   "INSERT INTO ucql_mock.nodes takes the columns node, dc and rack (not state)");
	expect_err(query(&c, "INSERT INTO ucql_mock.nodes (node, dc) VALUES (4, '')"), UCQL_E_INVALID,
		   "dc must be 1..63 characters");
	expect_err(query(&c, "DELETE FROM ucql_mock.nodes WHERE node = 9"), UCQL_E_INVALID,
		   "node 9 does not exist");
	expect_err(query(&c, "DELETE dc FROM ucql_mock.nodes WHERE node = 2"), UCQL_E_INVALID,
		   "Only \"DELETE FROM ucql_mock.nodes WHERE node = N\" is supported");
	expect_err(query(&c, "DELETE FROM ucql_mock.nodes WHERE node IN (1, 2, 3)"), UCQL_E_INVALID,
		   "node 3 is the last node: it cannot be removed");
	/* Nothing changed. */
	cr_assert_str_eq(sorted_rows(&c, "SELECT node FROM ucql_mock.nodes"), "1;2;3");
	tc_close(&c);
	tc d; /* a fresh client: tc_connect resets its struct */
	cr_assert_eq(tc_connect(&d, 4, port, 4), -ECONNREFUSED);
	stop_engine(cl);
}

Test(topology_change, last_node)
{
	mock_cluster *cl = start_engine_cfg(1, 1, 0);
	tc c;
	ready_v(&c, 1, 4);
	expect_err(query(&c, "DELETE FROM ucql_mock.nodes WHERE node = 1"), UCQL_E_INVALID,
		   "node 1 is the last node: it cannot be removed");
	tc_close(&c);
	stop_engine(cl);
}

/* Server API directly: ids, duplicates, re-adding. */
Test(topology_change, server_api)
{
	mock_cluster *cl = start_engine();
	cr_assert_eq(mock_cluster_add_node(cl, 0, 0), -EINVAL);
	cr_assert_eq(mock_cluster_add_node(cl, MOCK_MAX_NODES + 1, 0), -EINVAL);
	cr_assert_eq(mock_cluster_add_node(cl, 5, 9), -EINVAL);
	cr_assert_eq(mock_cluster_add_node(cl, 2, 0), -EEXIST);
	cr_assert_eq(mock_cluster_remove_node(cl, 7), -EINVAL);
	cr_assert_eq(mock_cluster_add_node(cl, 7, 4), 0);
	cr_assert_eq(mock_node_max_version(cl, 7), 4);
	cr_assert_eq(mock_node_is_up(cl, 7), 1);
	cr_assert_eq(mock_node_is_up(cl, 6), -1);
	cr_assert_eq(mock_cluster_remove_node(cl, 7), 0);
	cr_assert_eq(mock_node_is_up(cl, 7), -1);
	cr_assert_eq(mock_cluster_add_node(cl, 7, 0), 0);
	cr_assert_eq(mock_node_max_version(cl, 7), 5);
	mock_node_stats st;
	cr_assert_eq(mock_node_stats_get(cl, 7, &st), 0);
	cr_assert_eq(mock_node_stats_get(cl, 6, &st), -EINVAL);
	stop_engine(cl);
}

/* A leaving node's partitions reach their new replicas (RF 1: it was the
 * only copy). */
Test(topology_change, remove_hands_over_data)
{
	mock_cluster *cl = start_engine();
	tc c;
	ready_v(&c, 1, 4);
	ok(&c, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
	ok(&c, "CREATE TABLE ks.t (k int PRIMARY KEY, v int)");
	int on3 = 0;
	for (int k = 0; k < 30; k++) {
		char q[128];
		snprintf(q, sizeof q, "INSERT INTO ks.t (k, v) VALUES (%d, %d)", k, k + 100);
		ok(&c, q);
		on3 += is_replica("ks", k, 3);
	}
	cr_assert_gt(on3, 0);
	ok(&c, "DELETE FROM ucql_mock.nodes WHERE node = 3");
	for (int k = 0; k < 30; k++) {
		char q[128], want[16];
		snprintf(q, sizeof q, "SELECT v FROM ks.t WHERE k = %d", k);
		snprintf(want, sizeof want, "%d", k + 100);
		cr_assert_str_eq(q_rows(&c, q), want, "key %d", k);
	}
	tc_close(&c);
	stop_engine(cl);
}
