/*
 * Tests of ucql-mock's CQL engine (tools/mock/engine.h): a 3-node cluster
 * in-process, driven by the test client. System tables, DDL, data.
 */
#include "engine_fixture.h"

/* ---- system tables ---------------------------------------------------------- */

Test(engine, system_local)
{
	mock_cluster *cl = start_engine();
	tc c;
	ready_v(&c, 2, 4);
	tc_frame *fr = query(&c, "SELECT * FROM system.local WHERE key='local'");
	expect_kind(fr, UCQL_RESULT_ROWS);
	cr_assert_str_eq(col_names(fr),
			 "key,bootstrapped,broadcast_address,broadcast_port,cluster_name,cql_version,data_center,"
			 "gossip_generation,host_id,listen_address,listen_port,native_protocol_version,partitioner,"
			 "rack,release_version,rpc_address,rpc_port,schema_version,tokens,truncated_at");
	cr_assert_eq(fr->m.u.result.u.rows.rows_count, 1);
	cr_assert_str_eq(col_type(fr, 8), "uuid");
	cr_assert_str_eq(col_type(fr, 2), "inet");
	cr_assert_str_eq(col_type(fr, 18), "set<text>");
	cr_assert_str_eq(q_rows(&c, "select cluster_name, data_center, rack, release_version, rpc_address AS a, "
				    "partitioner from system.local where key = 'local'"),
			 "'ucql-mock','dc1','rack1','4.0.11','127.0.0.2','org.apache.cassandra.dht.Murmur3Partitioner'");
	/* host ids are stable and distinct */
	char h2[128];
	snprintf(h2, sizeof h2, "%s", q_rows(&c, "SELECT host_id FROM system.local"));
	tc c1;
	ready_v(&c1, 1, 4);
	cr_assert_str_neq(q_rows(&c1, "SELECT host_id FROM system.local"), h2);
	cr_assert_str_eq(q_rows(&c, "SELECT host_id FROM system.local"), h2);
	tc_close(&c1);
	tc_close(&c);
	stop_engine(cl);
}

Test(engine, peers_and_peers_v2)
{
	mock_cluster *cl = start_engine();
	tc c;
	ready_v(&c, 1, 4);
	/* rows in token order of the key, as Cassandra returns them */
	cr_assert_str_eq(q_rows(&c, "SELECT peer, data_center, rack FROM system.peers"),
			 "'127.0.0.3','dc1','rack1';'127.0.0.2','dc1','rack1'");
	char portbuf[64];
	snprintf(portbuf, sizeof portbuf, "'127.0.0.3',7000,'127.0.0.3',%u", port);
	cr_assert_str_eq(q_rows(&c, "SELECT peer, peer_port, native_address, native_port FROM system.peers_v2 WHERE peer = '127.0.0.3'"),
			 portbuf);
	tc_frame *fr = query(&c, "SELECT * FROM system.peers_v2");
	cr_assert_str_eq(col_names(fr), "peer,peer_port,data_center,host_id,native_address,native_port,"
					"preferred_ip,preferred_port,rack,release_version,schema_version,tokens");
	cr_assert_eq(fr->m.u.result.u.rows.rows_count, 2);
	/* every node the same schema version */
	char sv[64];
	snprintf(sv, sizeof sv, "%s", q_rows(&c, "SELECT schema_version FROM system.local"));
	cr_assert_str_eq(q_rows(&c, "SELECT schema_version FROM system.peers WHERE peer = '127.0.0.2'"), sv);
	tc_close(&c);
	stop_engine(cl);
}

Test(engine, mode_311_has_no_peers_v2)
{
	mock_cluster *cl = start_engine_cfg(2, 1, 1);
	tc c;
	ready_v(&c, 1, 4);
	expect_err(query(&c, "SELECT * FROM system.peers_v2"), UCQL_E_INVALID, "unconfigured table peers_v2");
	cr_assert_str_eq(q_rows(&c, "SELECT release_version FROM system.local"), "'3.11.16'");
	tc_close(&c);
	stop_engine(cl);
}

Test(engine, schema_tables_at_connect)
{
	mock_cluster *cl = start_engine();
	tc c;
	ready_v(&c, 1, 4);
	const char *tabs[] = { "keyspaces", "tables", "columns", "types", "functions", "aggregates",
			       "triggers", "indexes", "views" };
	for (size_t i = 0; i < 9; i++) {
		char q[128];
		snprintf(q, sizeof q, "SELECT * FROM system_schema.%s", tabs[i]);
		expect_kind(query(&c, q), UCQL_RESULT_ROWS);
		snprintf(q, sizeof q, "SELECT * from system_virtual_schema.%s", i < 3 ? tabs[i] : "keyspaces");
		expect_kind(query(&c, q), UCQL_RESULT_ROWS);
	}
	cr_assert_str_eq(q_rows(&c, "SELECT keyspace_name, replication FROM system_schema.keyspaces"),
			 "'system_auth',{'class': 'org.apache.cassandra.locator.SimpleStrategy', 'replication_factor': '1'};"
			 "'system_schema',{'class': 'org.apache.cassandra.locator.LocalStrategy'};"
			 "'system_distributed',{'class': 'org.apache.cassandra.locator.SimpleStrategy', 'replication_factor': '3'};"
			 "'system',{'class': 'org.apache.cassandra.locator.LocalStrategy'};"
			 "'system_traces',{'class': 'org.apache.cassandra.locator.SimpleStrategy', 'replication_factor': '2'}");
	cr_assert_str_eq(q_rows(&c, "SELECT keyspace_name FROM system_virtual_schema.keyspaces"),
			 "'ucql_mock';'system_virtual_schema'");
	tc_close(&c);
	stop_engine(cl);
}

/* ---- DDL ---------------------------------------------------------------------- */

Test(engine, ddl_and_schema_rows)
{
	mock_cluster *cl = start_engine();
	tc c, ev;
	ready_v(&c, 1, 4);
	ready_v(&ev, 3, 4);
	const char *types[] = { "SCHEMA_CHANGE" };
	cr_assert_eq(tc_send_register(&ev, 2, types, 1), 0);
	recv_frame(&ev);
	char sv0[64];
	snprintf(sv0, sizeof sv0, "%s", q_rows(&c, "SELECT schema_version FROM system.local"));

	tc_frame *fr = query(&c, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}");
	expect_kind(fr, UCQL_RESULT_SCHEMA_CHANGE);
	cr_assert_eq(fr->m.u.result.u.schema_change.change, UCQL_CHANGE_CREATED);
	cr_assert_eq(fr->m.u.result.u.schema_change.target, UCQL_TARGET_KEYSPACE);
	recv_frame(&ev);
	cr_assert_eq(last.f.h.opcode, UCQL_OP_EVENT);
	cr_assert_eq(last.m.u.event.type, UCQL_EVENT_SCHEMA_CHANGE);
	cr_assert(ucql_bytes_eq_str(last.m.u.event.schema.keyspace, "ks"));
	cr_assert_str_neq(q_rows(&c, "SELECT schema_version FROM system.local"), sv0);

	expect_err(query(&c, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}"),
		   UCQL_E_ALREADY_EXISTS, "Cannot add already existing keyspace \"ks\"");
	cr_assert(ucql_bytes_eq_str(last.m.u.error.keyspace, "ks"));
	expect_kind(query(&c, "CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}"),
		    UCQL_RESULT_VOID);

	fr = query(&c, "CREATE TABLE ks.t (k int, c1 text, c2 int, v list<int>, s text static, m map<text, int>, "
		       "PRIMARY KEY ((k), c1, c2)) WITH CLUSTERING ORDER BY (c1 ASC, c2 DESC)");
	expect_kind(fr, UCQL_RESULT_SCHEMA_CHANGE);
	cr_assert_eq(fr->m.u.result.u.schema_change.target, UCQL_TARGET_TABLE);
	cr_assert(ucql_bytes_eq_str(fr->m.u.result.u.schema_change.name, "t"));
	recv_frame(&ev);
	cr_assert_eq(last.m.u.event.schema.target, UCQL_TARGET_TABLE);

	cr_assert_str_eq(q_rows(&c, "SELECT column_name, clustering_order, kind, position, type FROM system_schema.columns "
				    "WHERE keyspace_name = 'ks' AND table_name = 't'"),
			 "'c1','asc','clustering',0,'text';'c2','desc','clustering',1,'int';'k','none','partition_key',0,'int';"
			 "'m','none','regular',-1,'map<text, int>';'s','none','static',-1,'text';"
			 "'v','none','regular',-1,'list<int>'");
	cr_assert_str_eq(q_rows(&c, "SELECT flags FROM system_schema.tables WHERE keyspace_name = 'ks' AND table_name = 't'"),
			 "{'compound'}");
	cr_assert_str_eq(q_rows(&c, "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = 'ks'"),
			 "{'class': 'org.apache.cassandra.locator.SimpleStrategy', 'replication_factor': '2'}");
	tc_frame *all = query(&c, "SELECT * FROM ks.t");
	cr_assert_str_eq(col_names(all), "k,c1,c2,m,s,v");

	expect_err(query(&c, "CREATE TABLE ks.t (k int PRIMARY KEY)"), UCQL_E_ALREADY_EXISTS,
		   "Cannot add already existing table \"t\" to keyspace \"ks\"");
	cr_assert(ucql_bytes_eq_str(last.m.u.error.name, "t"));
	expect_err(query(&c, "CREATE TABLE nope.t (k int PRIMARY KEY)"), UCQL_E_INVALID,
		   "Keyspace 'nope' does not exist");
	expect_err(query(&c, "SELECT * FROM ks.nope"), UCQL_E_INVALID, "unconfigured table nope");
	expect_err(query(&c, "CREATE KEYSPACE bad WITH replication = {'class': 'SimpleStrategy'}"), UCQL_E_CONFIG, NULL);

	ok(&c, "CREATE TYPE ks.addr (street text, n int)");
	cr_assert_str_eq(q_rows(&c, "SELECT type_name, field_names, field_types FROM system_schema.types WHERE keyspace_name = 'ks'"),
			 "'addr',['street', 'n'],['text', 'int']");
	expect_kind(query(&c, "DROP TABLE ks.t"), UCQL_RESULT_SCHEMA_CHANGE);
	expect_err(query(&c, "SELECT * FROM ks.t"), UCQL_E_INVALID, "unconfigured table t");
	expect_kind(query(&c, "DROP KEYSPACE ks"), UCQL_RESULT_SCHEMA_CHANGE);
	expect_kind(query(&c, "DROP KEYSPACE IF EXISTS ks"), UCQL_RESULT_VOID);
	expect_err(query(&c, "SELEC * FROM x"), UCQL_E_SYNTAX, NULL);
	tc_close(&ev);
	tc_close(&c);
	stop_engine(cl);
}

/* ---- data ----------------------------------------------------------------------- */

Test(engine, insert_select_update_delete)
{
	mock_cluster *cl = start_engine();
	tc c;
	ready_v(&c, 1, 4);
	ok(&c, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}");
	ok(&c, "USE \"ks\"");
	ok(&c, "CREATE TABLE t (k int, c int, v text, l list<int>, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (c DESC)");
	for (int k = 1; k <= 2; k++)
		for (int cc = 1; cc <= 3; cc++) {
			char q[128];
			snprintf(q, sizeof q, "INSERT INTO t (k, c, v) VALUES (%d, %d, 'v%d%d')", k, cc, k, cc);
			ok(&c, q);
		}
	cr_assert_str_eq(q_rows(&c, "SELECT * FROM t WHERE k = 1"), "1,3,null,'v13';1,2,null,'v12';1,1,null,'v11'");
	cr_assert_str_eq(q_rows(&c, "SELECT c FROM t WHERE k = 1 ORDER BY c ASC"), "1;2;3");
	cr_assert_str_eq(q_rows(&c, "SELECT c, v FROM t WHERE k IN (2, 1) AND c >= 2 AND c < 3"), "2,'v12';2,'v22'");
	cr_assert_str_eq(q_rows(&c, "SELECT c FROM t WHERE k = 1 AND (c) > (1) LIMIT 1"), "3");
	cr_assert_str_eq(q_rows(&c, "SELECT count(*) FROM t"), "6");
	cr_assert_str_eq(q_rows(&c, "SELECT k, c FROM t PER PARTITION LIMIT 1"), "1,3;2,3");
	expect_err(query(&c, "SELECT * FROM t WHERE v = 'v11'"), UCQL_E_INVALID, NULL);
	cr_assert_str_eq(q_rows(&c, "SELECT k, c FROM t WHERE v = 'v21' ALLOW FILTERING"), "2,1");

	ok(&c, "UPDATE t SET v = 'x', l = [1, 2] WHERE k = 1 AND c = 2");
	ok(&c, "UPDATE t SET l = l + [3] WHERE k = 1 AND c = 2");
	ok(&c, "UPDATE t SET l = [0] + l WHERE k = 1 AND c = 2");
	cr_assert_str_eq(q_rows(&c, "SELECT v, l FROM t WHERE k = 1 AND c = 2"), "'x',[0, 1, 2, 3]");
	ok(&c, "DELETE l FROM t WHERE k = 1 AND c = 2");
	cr_assert_str_eq(q_rows(&c, "SELECT v, l FROM t WHERE k = 1 AND c = 2"), "'x',null");
	ok(&c, "DELETE FROM t WHERE k = 1 AND c = 2");
	cr_assert_str_eq(q_rows(&c, "SELECT c FROM t WHERE k = 1"), "3;1");
	ok(&c, "DELETE FROM t WHERE k = 1 AND c > 2");
	cr_assert_str_eq(q_rows(&c, "SELECT c FROM t WHERE k = 1"), "1");
	ok(&c, "DELETE FROM t WHERE k = 1");
	cr_assert_str_eq(q_rows(&c, "SELECT c FROM t WHERE k = 1"), "");

	/* timestamps: last write wins, older writes lose even after a delete */
	ok(&c, "INSERT INTO t (k, c, v) VALUES (5, 1, 'new') USING TIMESTAMP 2000");
	ok(&c, "INSERT INTO t (k, c, v) VALUES (5, 1, 'old') USING TIMESTAMP 1000");
	cr_assert_str_eq(q_rows(&c, "SELECT v, writetime(v) FROM t WHERE k = 5"), "'new',2000");
	ok(&c, "INSERT INTO t (k, c, v) VALUES (6, 1, 'ttl') USING TTL 100");
	const char *ttl = q_rows(&c, "SELECT ttl(v) FROM t WHERE k = 6");
	cr_assert(!strcmp(ttl, "100") || !strcmp(ttl, "99"), "ttl %s", ttl);
	ok(&c, "TRUNCATE t");
	cr_assert_str_eq(q_rows(&c, "SELECT * FROM t"), "");
	tc_close(&c);
	stop_engine(cl);
}

Test(engine, bind_markers_and_paging)
{
	mock_cluster *cl = start_engine();
	tc c;
	ready_v(&c, 2, 4);
	ok(&c, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
	ok(&c, "CREATE TABLE ks.p (k int, c int, v bigint, PRIMARY KEY (k, c))");
	for (int32_t i = 0; i < 25; i++) {
		uint8_t kb[4], cb[4], vb[8];
		ucql__put32(kb, (uint32_t)(i % 5));
		ucql__put32(cb, (uint32_t)i);
		ucql__put64(vb, (uint64_t)i * 10);
		ucql_value vals[3] = { ucql_value_of(kb, 4), ucql_value_of(cb, 4), ucql_value_of(vb, 8) };
		tc_frame *fr = query_full(&c, "INSERT INTO ks.p (k, c, v) VALUES (?, ?, ?)", UCQL_CL_ONE, 0,
					  ucql_value_null(), vals, 3);
		expect_kind(fr, UCQL_RESULT_VOID);
	}
	/* page through everything 4 rows at a time */
	char all[4096];
	snprintf(all, sizeof all, "%s", q_rows(&c, "SELECT k, c FROM ks.p"));
	char paged[4096] = "";
	uint8_t state[512];
	ucql_value st = ucql_value_null();
	int pages = 0;
	for (;;) {
		tc_frame *fr = query_full(&c, "SELECT k, c FROM ks.p", UCQL_CL_ONE, 4, st, NULL, 0);
		const char *rs = rows_str(fr);
		if (*rs)
			snprintf(paged + strlen(paged), sizeof paged - strlen(paged), "%s%s", *paged ? ";" : "", rs);
		pages++;
		const ucql_metadata *md = &fr->m.u.result.u.rows.metadata;
		if (!(md->flags & UCQL_MD_HAS_MORE_PAGES))
			break;
		cr_assert_lt((size_t)md->paging_state.len, sizeof state);
		memcpy(state, md->paging_state.p, (size_t)md->paging_state.len);
		st = ucql_value_of(state, md->paging_state.len);
		cr_assert_lt(pages, 20);
	}
	cr_assert_str_eq(paged, all);
	cr_assert_eq(pages, 7);
	uint8_t kb[4];
	ucql__put32(kb, 3);
	ucql_value v1 = ucql_value_of(kb, 4);
	tc_frame *fr = query_full(&c, "SELECT c, v FROM ks.p WHERE k = :kk LIMIT 2", UCQL_CL_ONE, 0, ucql_value_null(), &v1, 1);
	cr_assert_str_eq(rows_str(fr), "3,30;8,80");
	tc_close(&c);
	stop_engine(cl);
}
