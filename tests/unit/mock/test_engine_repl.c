/*
 * Tests of ucql-mock's CQL engine: PREPARE/EXECUTE, BATCH, replication to
 * live replicas, consistency levels, the control tables.
 */
#include "engine_fixture.h"

#include "ucql/token.h"

static ucql_bytes prepare(tc *c, int node_hint, const char *cql, ucql_prepared *out, uint8_t idbuf[16])
{
	(void)node_hint;
	uint8_t b[1024];
	ucql_writer w;
	ucql_writer_init(&w, b, sizeof b);
	ucql_prepare p = { ucql_bytes_str(cql), 0, { NULL, 0 } };
	cr_assert_eq(ucql_prepare_encode(&w, c->version, &p), 0);
	cr_assert_eq(tc_send(c, UCQL_OP_PREPARE, 1, 0, b, w.len), 0);
	recv_frame(c);
	expect_kind(&last, UCQL_RESULT_PREPARED);
	*out = last.m.u.result.u.prepared;
	cr_assert_eq(out->id.len, 16);
	memcpy(idbuf, out->id.p, 16);
	return ucql_bytes_of(idbuf, 16);
}

static tc_frame *execute(tc *c, ucql_bytes id, uint16_t cl, const ucql_value *vals, size_t n)
{
	uint8_t b[4096];
	ucql_writer w;
	ucql_writer_init(&w, b, sizeof b);
	ucql_execute e;
	memset(&e, 0, sizeof e);
	e.id = id;
	e.params.consistency = cl;
	if (n) {
		e.params.flags = UCQL_QP_VALUES;
		e.params.values = vals;
		e.params.n_values = (uint16_t)n;
	}
	cr_assert_eq(ucql_execute_encode(&w, c->version, &e), 0);
	cr_assert_eq(tc_send(c, UCQL_OP_EXECUTE, 1, 0, b, w.len), 0);
	recv_frame(c);
	return &last;
}

static ucql_value i32(uint8_t *b, int32_t v)
{
	ucql__put32(b, (uint32_t)v);
	return ucql_value_of(b, 4);
}

Test(engine_repl, prepare_execute)
{
	mock_cluster *cl = start_engine();
	tc c1, c2;
	ready_v(&c1, 1, 4);
	ready_v(&c2, 2, 4);
	ok(&c1, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}");
	ok(&c1, "CREATE TABLE ks.t (a int, b text, c int, v text, PRIMARY KEY ((b, a), c))");
	ucql_prepared p1, p2;
	uint8_t id1[16], id2[16];
	ucql_bytes ins = prepare(&c1, 1, "INSERT INTO ks.t (c, a, b, v) VALUES (?, ?, ?, ?)", &p1, id1);
	prepare(&c2, 2, "INSERT INTO ks.t (c, a, b, v) VALUES (?, ?, ?, ?)", &p2, id2);
	cr_assert_eq(memcmp(id1, id2, 16), 0, "same id on every node");
	cr_assert_eq(p1.params.columns_count, 4);
	cr_assert_eq(p1.params.pk_count, 2);
	/* partition key (b, a): markers 2 then 1 */
	cr_assert_eq(ucql_metadata_pk_index(&p1.params, 0), 2);
	cr_assert_eq(ucql_metadata_pk_index(&p1.params, 1), 1);
	cr_assert_eq(p1.result.flags & UCQL_MD_NO_METADATA, UCQL_MD_NO_METADATA);

	uint8_t b1[4], b2[4];
	ucql_value vals[4] = { i32(b1, 7), i32(b2, 1), ucql_value_of("x", 1), ucql_value_of("val", 3) };
	expect_kind(execute(&c1, ins, UCQL_CL_ALL, vals, 4), UCQL_RESULT_VOID);

	ucql_prepared ps;
	uint8_t ids[16];
	ucql_bytes sel = prepare(&c2, 2, "SELECT v, c AS cc FROM ks.t WHERE a = ? AND b = ?", &ps, ids);
	cr_assert_eq(ps.result.columns_count, 2);
	/* the prepared result metadata is what EXECUTE returns */
	ucql_value sv[2] = { i32(b1, 1), ucql_value_of("x", 1) };
	tc_frame *fr = execute(&c2, sel, UCQL_CL_ONE, sv, 2);
	cr_assert_str_eq(rows_str(fr), "'val',7");
	cr_assert_str_eq(col_names(fr), "v,cc");
	ucql_bytes md_spec = fr->m.u.result.u.rows.metadata.specs;
	cr_assert_eq(md_spec.len, ps.result.specs.len);

	/* a node that never saw the PREPARE: Unprepared with the id */
	tc c3;
	ready_v(&c3, 3, 4);
	fr = execute(&c3, sel, UCQL_CL_ONE, sv, 2);
	expect_err(fr, UCQL_E_UNPREPARED, NULL);
	cr_assert_eq(fr->m.u.error.unprepared_id.len, 16);
	cr_assert_eq(memcmp(fr->m.u.error.unprepared_id.p, ids, 16), 0);
	/* wrong number of values */
	expect_err(execute(&c2, sel, UCQL_CL_ONE, sv, 1), UCQL_E_INVALID,
		   "There were 2 markers(?) in CQL but 1 bound variables");
	tc_close(&c1);
	tc_close(&c2);
	tc_close(&c3);
	stop_engine(cl);
}

Test(engine_repl, batch_mixed)
{
	mock_cluster *cl = start_engine();
	tc c;
	ready_v(&c, 1, 4);
	ok(&c, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}");
	ok(&c, "CREATE TABLE ks.t (k int PRIMARY KEY, v int)");
	ok(&c, "CREATE TABLE ks.cnt (k int PRIMARY KEY, n counter)");
	ucql_prepared p;
	uint8_t id[16];
	ucql_bytes ins = prepare(&c, 1, "INSERT INTO ks.t (k, v) VALUES (?, ?)", &p, id);
	uint8_t a[4], b[4];
	ucql_value vals[2] = { i32(a, 2), i32(b, 20) };
	ucql_batch_stmt st[2];
	memset(st, 0, sizeof st);
	st[0].kind = UCQL_BATCH_QUERY;
	st[0].query_or_id = ucql_bytes_str("INSERT INTO ks.t (k, v) VALUES (1, 10)");
	st[1].kind = UCQL_BATCH_PREPARED;
	st[1].query_or_id = ins;
	st[1].values = vals;
	st[1].n_values = 2;
	ucql_batch bt;
	memset(&bt, 0, sizeof bt);
	bt.type = UCQL_BATCH_LOGGED;
	bt.n = 2;
	bt.stmts = st;
	bt.consistency = UCQL_CL_QUORUM;
	uint8_t buf[1024];
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	cr_assert_eq(ucql_batch_encode(&w, 4, &bt), 0);
	cr_assert_eq(tc_send(&c, UCQL_OP_BATCH, 1, 0, buf, w.len), 0);
	recv_frame(&c);
	expect_kind(&last, UCQL_RESULT_VOID);
	cr_assert_str_eq(q_rows(&c, "SELECT k, v FROM ks.t WHERE k IN (1, 2)"), "1,10;2,20");
	ok(&c, "BEGIN COUNTER BATCH UPDATE ks.cnt SET n = n + 5 WHERE k = 1; UPDATE ks.cnt SET n = n - 2 WHERE k = 1; APPLY BATCH");
	cr_assert_str_eq(q_rows(&c, "SELECT n FROM ks.cnt WHERE k = 1"), "3");
	expect_err(query(&c, "BEGIN BATCH UPDATE ks.cnt SET n = n + 1 WHERE k = 1; APPLY BATCH"), UCQL_E_INVALID, NULL);
	/* a failing statement leaves the whole batch unapplied */
	expect_err(query(&c, "BEGIN BATCH INSERT INTO ks.t (k, v) VALUES (3, 3); INSERT INTO ks.t (k, nope) VALUES (4, 4); APPLY BATCH"),
		   UCQL_E_INVALID, "Undefined column name nope");
	cr_assert_str_eq(q_rows(&c, "SELECT k FROM ks.t WHERE k = 3"), "");
	tc_close(&c);
	stop_engine(cl);
}

/* Replicas of key k (int) in a keyspace of RF rf, from the ring. */
Test(engine_repl, replication_and_consistency)
{
	mock_cluster *cl = start_engine();
	tc c;
	ready_v(&c, 1, 4);
	ok(&c, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}");
	ok(&c, "CREATE TABLE ks.t (k int PRIMARY KEY, v int)");
	ok(&c, "TRUNCATE ucql_mock.stats");
	/* find a key whose replicas are {2, 3} or include 3, then take node 3 down */
	ok(&c, "INSERT INTO ks.t (k, v) VALUES (1, 1)");
	/* the row is on exactly 2 nodes: read it at ONE through each node */
	int found = 0;
	for (int n = 1; n <= 3; n++) {
		tc cn;
		ready_v(&cn, n, 4);
		found += !strcmp(q_rows(&cn, "SELECT v FROM ks.t WHERE k = 1"), "1");
		tc_close(&cn);
	}
	cr_assert_eq(found, 3, "every coordinator reads from a replica");
	/* Node down: RF 2, ALL needs both; QUORUM (2) fails when one is down. */
	ok(&c, "UPDATE ucql_mock.nodes SET state = 'down' WHERE node = 3");
	cr_assert_str_eq(q_rows(&c, "SELECT node, state FROM ucql_mock.nodes"), "1,'up';2,'up';3,'down'");
	int unavailable = 0, okk = 0;
	for (int k = 0; k < 20; k++) {
		char q[128];
		snprintf(q, sizeof q, "INSERT INTO ks.t (k, v) VALUES (%d, 0)", k);
		tc_frame *fr = query_full(&c, q, UCQL_CL_ALL, 0, ucql_value_null(), NULL, 0);
		if (fr->f.h.opcode == UCQL_OP_ERROR) {
			expect_err(fr, UCQL_E_UNAVAILABLE, "Cannot achieve consistency level ALL");
			cr_assert_eq(fr->m.u.error.required, 2);
			cr_assert_eq(fr->m.u.error.alive, 1);
			cr_assert_eq(fr->m.u.error.consistency, UCQL_CL_ALL);
			unavailable++;
		} else
			okk++;
		fr = query_full(&c, q, UCQL_CL_ONE, 0, ucql_value_null(), NULL, 0);
		expect_kind(fr, UCQL_RESULT_VOID);
		fr = query_full(&c, q, UCQL_CL_ANY, 0, ucql_value_null(), NULL, 0);
		expect_kind(fr, UCQL_RESULT_VOID);
	}
	cr_assert_gt(unavailable, 0);
	cr_assert_gt(okk, 0);
	expect_err(query_full(&c, "SELECT * FROM ks.t WHERE k = 1", UCQL_CL_ANY, 0, ucql_value_null(), NULL, 0),
		   UCQL_E_INVALID, "ANY ConsistencyLevel is only supported for writes");
	ok(&c, "UPDATE ucql_mock.nodes SET state = 'up' WHERE node = 3");
	cr_assert_str_eq(q_rows(&c, "SELECT state FROM ucql_mock.nodes WHERE node = 3"), "'up'");
	tc_close(&c);
	stop_engine(cl);
}

Test(engine_repl, stats_replica_counting)
{
	mock_cluster *cl = start_engine();
	tc c[4];
	for (int n = 1; n <= 3; n++)
		ready_v(&c[n], n, 4);
	ok(&c[1], "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
	ok(&c[1], "CREATE TABLE ks.t (k int PRIMARY KEY, v int)");
	ok(&c[1], "TRUNCATE ucql_mock.stats");
	/* one single-partition request through each node: exactly one of them
	 * is the replica (RF 1) */
	for (int n = 1; n <= 3; n++)
		ok(&c[n], "SELECT v FROM ks.t WHERE k = 42");
	/* a range scan carries no partition key */
	ok(&c[1], "SELECT * FROM ks.t");
	const char *st = q_rows(&c[1], "SELECT replica_requests, non_replica_requests FROM ucql_mock.stats");
	int r[3], nr[3];
	cr_assert_eq(sscanf(st, "%d,%d;%d,%d;%d,%d", &r[0], &nr[0], &r[1], &nr[1], &r[2], &nr[2]), 6, "%s", st);
	cr_assert_eq(r[0] + r[1] + r[2], 1, "%s", st);
	cr_assert_eq(nr[0] + nr[1] + nr[2], 2, "%s", st);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(r[i] + nr[i], 1, "%s", st);
	/* requests counts every request the node handled */
	cr_assert_str_eq(q_rows(&c[2], "SELECT requests FROM ucql_mock.stats WHERE node = 3"), "1");
	ok(&c[1], "TRUNCATE ucql_mock.stats");
	cr_assert_str_eq(q_rows(&c[1], "SELECT replica_requests, non_replica_requests FROM ucql_mock.stats WHERE node = 1"), "0,0");
	tc_close(&c[1]);
	tc_close(&c[2]);
	tc_close(&c[3]);
	stop_engine(cl);
}
