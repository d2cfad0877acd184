/*
 * Tests of ucql-mock's fault rules (ucql_mock.rules) and activity log
 * (ucql_mock.activity), tools/mock/rules.h: a 3-node cluster in-process,
 * steered with CQL by the test client.
 */
#include <arpa/inet.h>
#include <sys/socket.h>

#include "engine_fixture.h"
#include "ucql/error_msg.h"

static ucql_bytes prepare(tc *c, const char *cql, uint8_t idbuf[16])
{
	uint8_t b[1024];
	ucql_writer w;
	ucql_writer_init(&w, b, sizeof b);
	ucql_prepare p = { ucql_bytes_str(cql), 0, { NULL, 0 } };
	cr_assert_eq(ucql_prepare_encode(&w, c->version, &p), 0);
	cr_assert_eq(tc_send(c, UCQL_OP_PREPARE, 1, 0, b, w.len), 0);
	recv_frame(c);
	return ucql_bytes_of(idbuf, 16);
}

static ucql_bytes prepare_ok(tc *c, const char *cql, uint8_t idbuf[16])
{
	prepare(c, cql, idbuf);
	expect_kind(&last, UCQL_RESULT_PREPARED);
	cr_assert_eq(last.m.u.result.u.prepared.id.len, 16);
	memcpy(idbuf, last.m.u.result.u.prepared.id.p, 16);
	return ucql_bytes_of(idbuf, 16);
}

static ucql_value i32(uint8_t *b, int32_t v)
{
	ucql__put32(b, (uint32_t)v);
	return ucql_value_of(b, 4);
}

static tc_frame *execute(tc *c, ucql_bytes id, const ucql_value *vals, size_t n)
{
	uint8_t b[4096];
	ucql_writer w;
	ucql_writer_init(&w, b, sizeof b);
	ucql_execute e;
	memset(&e, 0, sizeof e);
	e.id = id;
	e.params.consistency = UCQL_CL_QUORUM;
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

/* A cluster with keyspace ks (RF 3) and tables ks.t, ks.u; client on node 1. */
static mock_cluster *setup(tc *c, int version)
{
	mock_cluster *cl = start_engine();
	ready_v(c, 1, version);
	ok(c, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}");
	ok(c, "CREATE TABLE ks.t (k int PRIMARY KEY, v int)");
	ok(c, "CREATE TABLE ks.u (k int PRIMARY KEY, v int)");
	ok(c, "INSERT INTO ks.t (k, v) VALUES (1, 10)");
	return cl;
}

/* The ERROR in `last`, decoded from its body with the codec. */
static ucql_error_msg decoded(int version)
{
	cr_assert_eq(last.f.h.opcode, UCQL_OP_ERROR, "expected an ERROR, got opcode %d", last.f.h.opcode);
	ucql_error_msg m;
	cr_assert_eq(ucql_error_msg_decode(last.f.body, version, &m), 0);
	return m;
}

static int is_err(tc_frame *fr, int code)
{
	return fr->f.h.opcode == UCQL_OP_ERROR && fr->m.u.error.wire_code == ucql_err_to_wire(code);
}

/* ---- the table itself --------------------------------------------------- */

Test(rules, insert_select_delete_truncate)
{
	tc c;
	mock_cluster *cl = setup(&c, 4);
	cr_assert_str_eq(q_rows(&c, "SELECT * FROM ucql_mock.rules"), "");
	ok(&c, "INSERT INTO ucql_mock.rules (id, action, delay_ms, query) VALUES (2, 'delay', 5, 'nothing-matches')");
	ok(&c, "INSERT INTO ucql_mock.rules (id, action, error_code, count, opcode) VALUES (1, 'error', 4097, 3, 'prepare')");
	cr_assert_str_eq(q_rows(&c, "SELECT id, action, count, remaining, opcode, delay_ms FROM ucql_mock.rules"),
			 "1,'error',3,3,'prepare',null;2,'delay',null,null,null,5");
	/* an INSERT with an existing id replaces the rule */
	ok(&c, "INSERT INTO ucql_mock.rules (id, action) VALUES (2, 'close')");
	cr_assert_str_eq(q_rows(&c, "SELECT id, action, query FROM ucql_mock.rules WHERE id = 2"), "2,'close',null");
	ok(&c, "DELETE FROM ucql_mock.rules WHERE id = 1");
	cr_assert_str_eq(q_rows(&c, "SELECT id FROM ucql_mock.rules"), "2");
	ok(&c, "TRUNCATE ucql_mock.rules");
	cr_assert_str_eq(q_rows(&c, "SELECT id FROM ucql_mock.rules"), "");
	/* listed in system_virtual_schema like the other control tables */
	cr_assert_str_eq(q_rows(&c, "SELECT table_name FROM system_virtual_schema.tables WHERE keyspace_name = 'ucql_mock'"),
			 "'activity';'nodes';'rules';'stats'");
	cr_assert_str_eq(q_rows(&c, "SELECT type FROM system_virtual_schema.columns WHERE keyspace_name = 'ucql_mock' "
				    "AND table_name = 'rules' AND column_name = 'probability'"),
			 "'double'");
	tc_close(&c);
	stop_engine(cl);
}

Test(rules, bad_rules_are_refused)
{
	tc c;
	mock_cluster *cl = setup(&c, 4);
	expect_err(query(&c, "INSERT INTO ucql_mock.rules (id) VALUES (1)"), UCQL_E_INVALID,
		   "A rule needs an action: 'delay', 'error', 'no_reply', 'close' or 'half_close'");
	expect_err(query(&c, "INSERT INTO ucql_mock.rules (id, action) VALUES (1, 'explode')"), UCQL_E_INVALID,
		   "Unknown action 'explode': use 'delay', 'error', 'no_reply', 'close' or 'half_close'");
	expect_err(query(&c, "INSERT INTO ucql_mock.rules (id, action) VALUES (1, 'error')"), UCQL_E_INVALID,
		   "action 'error' needs error_code (e.g. 4096 for Unavailable)");
	expect_err(query(&c, "INSERT INTO ucql_mock.rules (id, action, remaining) VALUES (1, 'close', 3)"),
		   UCQL_E_INVALID, "remaining is read-only: set count");
	expect_err(query(&c, "INSERT INTO ucql_mock.rules (id, action, opcode) VALUES (1, 'close', 'OPTIONS')"),
		   UCQL_E_INVALID, "opcode must be 'QUERY', 'PREPARE', 'EXECUTE' or 'BATCH', not 'OPTIONS'");
	expect_err(query(&c, "INSERT INTO ucql_mock.rules (id, action, probability) VALUES (1, 'close', 1.5)"),
		   UCQL_E_INVALID, "probability must be between 0 and 1");
	expect_err(query(&c, "INSERT INTO ucql_mock.rules (id, action, consistency) VALUES (1, 'close', 'MANY')"),
		   UCQL_E_INVALID, "Unknown consistency level 'MANY'");
	expect_err(query(&c, "INSERT INTO ucql_mock.rules (id, action, nope) VALUES (1, 'close', 1)"),
		   UCQL_E_INVALID, "Undefined column name nope in table ucql_mock.rules");
	expect_err(query(&c, "INSERT INTO ucql_mock.rules (action) VALUES ('close')"), UCQL_E_INVALID,
		   "Some partition key parts are missing: id");
	tc_frame *fr = query(&c, "INSERT INTO ucql_mock.rules (id, action, query) VALUES (1, 'close', '~a(b')");
	expect_err(fr, UCQL_E_INVALID, NULL);
	cr_assert(strncmp(tc_error_text(fr), "Bad query regex: ", 17) == 0, "%s", tc_error_text(fr));
	expect_err(query(&c, "UPDATE ucql_mock.rules SET action = 'close' WHERE id = 1"), UCQL_E_INVALID,
		   "ucql_mock.rules takes INSERT (add or replace a rule), DELETE ... WHERE id = N and TRUNCATE");
	expect_err(query(&c, "INSERT INTO ucql_mock.activity (node, seq) VALUES (1, 1)"), UCQL_E_INVALID,
		   "ucql_mock.activity is read-only (TRUNCATE clears it)");
	/* nothing was added, and the connection works */
	cr_assert_str_eq(q_rows(&c, "SELECT id FROM ucql_mock.rules"), "");
	tc_close(&c);
	stop_engine(cl);
}

/* ---- actions ------------------------------------------------------------ */

Test(rules, error_unavailable_full_body)
{
	tc c;
	mock_cluster *cl = setup(&c, 4);
	ok(&c, "INSERT INTO ucql_mock.rules (id, query, action, error_code, error_message, consistency, required, alive) "
	       "VALUES (1, 'FROM ks.t', 'error', 4096, 'Cannot achieve consistency level QUORUM', 'QUORUM', 2, 1)");
	query(&c, "SELECT * FROM ks.t WHERE k = 1");
	ucql_error_msg m = decoded(4);
	cr_assert_eq(m.wire_code, 0x1000);
	cr_assert_eq(m.consistency, UCQL_CL_QUORUM);
	cr_assert_eq(m.required, 2);
	cr_assert_eq(m.alive, 1);
	cr_assert_eq(m.message.len, strlen("Cannot achieve consistency level QUORUM"));
	cr_assert_str_eq(tc_error_text(&last), "Cannot achieve consistency level QUORUM");
	/* other statements are served */
	cr_assert_str_eq(q_rows(&c, "SELECT * FROM ks.u"), "");
	tc_close(&c);
	stop_engine(cl);
}

Test(rules, error_timeouts_and_simple_codes)
{
	tc c;
	mock_cluster *cl = setup(&c, 4);
	ok(&c, "INSERT INTO ucql_mock.rules (id, query, action, error_code, received, required, data_present) "
	       "VALUES (1, 'read-timeout', 'error', 4608, 1, 2, true)");
	ok(&c, "INSERT INTO ucql_mock.rules (id, query, action, error_code, received, required, write_type, consistency) "
	       "VALUES (2, 'write-timeout', 'error', 4352, 0, 1, 'BATCH_LOG', 'LOCAL_ONE')");
	ok(&c, "INSERT INTO ucql_mock.rules (id, query, action, error_code) VALUES (3, 'overloaded', 'error', 4097)");
	ok(&c, "INSERT INTO ucql_mock.rules (id, query, action, error_code, error_keyspace, error_table) "
	       "VALUES (4, 'exists', 'error', 9216, 'ks', 'tt')");
	ok(&c, "INSERT INTO ucql_mock.rules (id, query, action, error_code, function_name, error_keyspace) "
	       "VALUES (5, 'function', 'error', 5120, 'f', 'ks')");
	ok(&c, "INSERT INTO ucql_mock.rules (id, query, action, error_code) VALUES (6, 'server-error', 'error', 0)");
	ok(&c, "INSERT INTO ucql_mock.rules (id, query, action, error_code, received, required) "
	       "VALUES (7, 'cas-unknown', 'error', 5888, 1, 2)");

	query(&c, "SELECT * FROM ks.t WHERE k = 1 -- read-timeout");
	ucql_error_msg m = decoded(4);
	cr_assert_eq(m.wire_code, 0x1200);
	cr_assert_eq(m.consistency, UCQL_CL_ONE); /* the request's */
	cr_assert_eq(m.received, 1);
	cr_assert_eq(m.block_for, 2);
	cr_assert_eq(m.data_present, 1);
	cr_assert_str_eq(tc_error_text(&last), "ucql-mock rule 1: read timeout");

	query(&c, "INSERT INTO ks.t (k, v) VALUES (2, 2) -- write-timeout");
	m = decoded(4);
	cr_assert_eq(m.wire_code, 0x1100);
	cr_assert_eq(m.consistency, UCQL_CL_LOCAL_ONE);
	cr_assert_eq(m.received, 0);
	cr_assert_eq(m.block_for, 1);
	cr_assert_eq(m.write_type.len, 9);
	cr_assert(memcmp(m.write_type.p, "BATCH_LOG", 9) == 0);

	cr_assert(is_err(query(&c, "SELECT * FROM ks.t -- overloaded"), UCQL_E_OVERLOADED));

	query(&c, "SELECT * FROM ks.t -- exists");
	m = decoded(4);
	cr_assert_eq(m.wire_code, 0x2400);
	cr_assert(m.keyspace.len == 2 && !memcmp(m.keyspace.p, "ks", 2));
	cr_assert(m.name.len == 2 && !memcmp(m.name.p, "tt", 2));

	query(&c, "SELECT * FROM ks.t -- function");
	m = decoded(4);
	cr_assert_eq(m.wire_code, 0x1400);
	cr_assert(m.keyspace.len == 2 && !memcmp(m.keyspace.p, "ks", 2));
	cr_assert(m.name.len == 1 && m.name.p[0] == 'f');
	cr_assert_eq(m.arg_types.n, 0);

	query(&c, "SELECT * FROM ks.t -- server-error");
	m = decoded(4);
	cr_assert_eq(m.wire_code, 0);
	cr_assert_eq(m.code, UCQL_E_SERVER_ERROR);

	query(&c, "SELECT * FROM ks.t -- cas-unknown");
	m = decoded(4);
	cr_assert_eq(m.wire_code, 0x1700);
	cr_assert_eq(m.received, 1);
	cr_assert_eq(m.block_for, 2);
	tc_close(&c);
	stop_engine(cl);
}

Test(rules, error_failures_v4_and_v5)
{
	for (int version = 4; version <= 5; version++) {
		tc c;
		mock_cluster *cl = setup(&c, version);
		ok(&c, "INSERT INTO ucql_mock.rules (id, opcode, table_name, action, error_code, received, required, failures, data_present) "
		       "VALUES (1, 'QUERY', 't', 'error', 4864, 1, 3, 2, false)");
		ok(&c, "INSERT INTO ucql_mock.rules (id, opcode, table_name, action, error_code, received, required, failures, write_type) "
		       "VALUES (2, 'QUERY', 'u', 'error', 5376, 0, 2, 3, 'SIMPLE')");
		query(&c, "SELECT * FROM ks.t");
		ucql_error_msg m = decoded(version);
		cr_assert_eq(m.wire_code, 0x1300);
		cr_assert_eq(m.received, 1);
		cr_assert_eq(m.block_for, 3);
		cr_assert_eq(m.data_present, 0);
		if (version == 4) {
			cr_assert_eq(m.num_failures, 2);
			cr_assert_eq(m.reasons.len, 0);
		} else {
			/* v5: a reason map, one entry per failed replica */
			cr_assert_eq(m.num_failures, 2);
			ucql_reader it;
			ucql_reader_init(&it, m.reasons.p, m.reasons.len);
			ucql_failure_reason fr;
			cr_assert_eq(ucql_failure_reason_next(&it, &fr), 1);
			cr_assert(fr.endpoint.len == 4 && fr.endpoint.addr[0] == 127 && fr.endpoint.addr[3] == 1);
			cr_assert_eq(fr.code, 0);
			cr_assert_eq(ucql_failure_reason_next(&it, &fr), 1);
			cr_assert_eq(fr.endpoint.addr[3], 2);
			cr_assert_eq(ucql_failure_reason_next(&it, &fr), 0);
		}
		query(&c, "INSERT INTO ks.u (k, v) VALUES (1, 1)");
		m = decoded(version);
		cr_assert_eq(m.wire_code, 0x1500);
		cr_assert_eq(m.block_for, 2);
		cr_assert_eq(m.num_failures, 3);
		cr_assert(m.write_type.len == 6 && !memcmp(m.write_type.p, "SIMPLE", 6));
		tc_close(&c);
		stop_engine(cl);
	}
}

Test(rules, unprepared_carries_the_execute_id)
{
	tc c;
	mock_cluster *cl = setup(&c, 4);
	uint8_t id[16];
	ucql_bytes pid = prepare_ok(&c, "SELECT v FROM ks.t WHERE k = ?", id);
	ok(&c, "INSERT INTO ucql_mock.rules (id, opcode, action, error_code, count) VALUES (1, 'EXECUTE', 'error', 9472, 1)");
	uint8_t b[4];
	ucql_value v = i32(b, 1);
	execute(&c, pid, &v, 1);
	ucql_error_msg m = decoded(4);
	cr_assert_eq(m.wire_code, 0x2500);
	cr_assert_eq(m.unprepared_id.len, 16);
	cr_assert(memcmp(m.unprepared_id.p, id, 16) == 0);
	/* count 1: the next EXECUTE is served */
	expect_kind(execute(&c, pid, &v, 1), UCQL_RESULT_ROWS);
	cr_assert_str_eq(rows_str(&last), "10");
	tc_close(&c);
	stop_engine(cl);
}

Test(rules, delay_reorders_replies)
{
	tc c;
	mock_cluster *cl = setup(&c, 4);
	ok(&c, "INSERT INTO ucql_mock.rules (id, query, action, delay_ms) VALUES (1, 'slow-one', 'delay', 300)");
	cr_assert_eq(tc_send_query(&c, 5, 0, "SELECT v FROM ks.t WHERE k = 1 -- slow-one"), 0);
	cr_assert_eq(tc_send_query(&c, 6, 0, "SELECT v FROM ks.t WHERE k = 1"), 0);
	recv_frame(&c);
	cr_assert_eq(last.f.h.stream, 6, "the undelayed reply comes first");
	recv_frame(&c);
	cr_assert_eq(last.f.h.stream, 5);
	cr_assert_str_eq(rows_str(&last), "10", "a delayed request is served normally");
	tc_close(&c);
	stop_engine(cl);
}

Test(rules, no_reply_swallows)
{
	tc c;
	mock_cluster *cl = setup(&c, 5);
	ok(&c, "INSERT INTO ucql_mock.rules (id, query, action) VALUES (1, 'swallow-me', 'no_reply')");
	cr_assert_eq(tc_send_query(&c, 7, 0, "SELECT * FROM ks.t -- swallow-me"), 0);
	cr_assert_eq(tc_send_options(&c, 8), 0);
	recv_frame(&c);
	cr_assert_eq(last.f.h.stream, 8);
	cr_assert_eq(last.f.h.opcode, UCQL_OP_SUPPORTED);
	cr_assert_str_eq(q_rows(&c, "SELECT v FROM ks.t WHERE k = 1"), "10");
	tc_close(&c);
	stop_engine(cl);
}

Test(rules, close_and_half_close)
{
	tc c;
	mock_cluster *cl = setup(&c, 4);
	ok(&c, "INSERT INTO ucql_mock.rules (id, query, action) VALUES (1, 'close-me', 'close')");
	ok(&c, "INSERT INTO ucql_mock.rules (id, query, action) VALUES (2, 'half-close-me', 'half_close')");
	cr_assert_eq(tc_send_query(&c, 3, 0, "SELECT * FROM ks.t -- close-me"), 0);
	tc_frame fr;
	cr_assert_eq(tc_recv(&c, &fr), 0, "connection closed without a reply");
	tc_close(&c);

	tc d;
	ready_v(&d, 2, 4);
	cr_assert_eq(tc_send_query(&d, 3, 0, "SELECT * FROM ks.t -- half-close-me"), 0);
	cr_assert_eq(tc_recv(&d, &fr), 0, "EOF without a reply");
	tc_close(&d);

	/* the node still serves new connections */
	tc e;
	ready_v(&e, 1, 4);
	cr_assert_str_eq(q_rows(&e, "SELECT v FROM ks.t WHERE k = 1"), "10");
	tc_close(&e);
	stop_engine(cl);
}

/* ---- matching ----------------------------------------------------------- */

Test(rules, match_node_and_connection)
{
	tc c;
	mock_cluster *cl = setup(&c, 4);
	tc c2;
	ready_v(&c2, 2, 4);
	ok(&c, "INSERT INTO ucql_mock.rules (id, node, table_name, action, error_code) VALUES (1, 2, 't', 'error', 4097)");
	cr_assert_str_eq(q_rows(&c, "SELECT v FROM ks.t WHERE k = 1"), "10");
	cr_assert(is_err(query(&c2, "SELECT v FROM ks.t WHERE k = 1"), UCQL_E_OVERLOADED));
	ok(&c, "TRUNCATE ucql_mock.rules");

	/* connection: the client's address:port as the server sees it */
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	cr_assert_eq(getsockname(c2.fd, (struct sockaddr *)&sa, &sl), 0);
	char ins[256];
	snprintf(ins, sizeof ins,
		 "INSERT INTO ucql_mock.rules (id, connection, action, error_code) VALUES (1, '127.0.0.1:%u', 'error', 4098)",
		 ntohs(sa.sin_port));
	ok(&c, ins);
	cr_assert_str_eq(q_rows(&c, "SELECT v FROM ks.t WHERE k = 1"), "10");
	cr_assert(is_err(query(&c2, "SELECT v FROM ks.t WHERE k = 1"), UCQL_E_IS_BOOTSTRAPPING));
	/* an address alone matches every port */
	ok(&c, "INSERT INTO ucql_mock.rules (id, connection, action, error_code) VALUES (1, '127.0.0.1', 'error', 4098)");
	cr_assert(is_err(query(&c2, "SELECT v FROM ks.t WHERE k = 1"), UCQL_E_IS_BOOTSTRAPPING));
	cr_assert(is_err(query(&c, "SELECT v FROM ks.t WHERE k = 1"), UCQL_E_IS_BOOTSTRAPPING));
	ok(&c, "TRUNCATE ucql_mock.rules");
	tc_close(&c2);
	tc_close(&c);
	stop_engine(cl);
}

Test(rules, match_opcode)
{
	tc c;
	mock_cluster *cl = setup(&c, 4);
	ok(&c, "INSERT INTO ucql_mock.rules (id, opcode, query, action, error_code) VALUES (1, 'PREPARE', 'ks.t', 'error', 8704)");
	cr_assert_str_eq(q_rows(&c, "SELECT v FROM ks.t WHERE k = 1"), "10");
	uint8_t id[16];
	prepare(&c, "SELECT v FROM ks.t WHERE k = ?", id);
	cr_assert(is_err(&last, UCQL_E_INVALID));
	ok(&c, "TRUNCATE ucql_mock.rules");
	/* EXECUTE matches the prepared statement's text */
	ucql_bytes pid = prepare_ok(&c, "SELECT v FROM ks.t WHERE k = ?", id);
	ok(&c, "INSERT INTO ucql_mock.rules (id, opcode, query, action, error_code) VALUES (1, 'EXECUTE', 'where k = ?', 'error', 4097)");
	uint8_t b[4];
	ucql_value v = i32(b, 1);
	cr_assert(is_err(execute(&c, pid, &v, 1), UCQL_E_OVERLOADED));
	cr_assert_str_eq(q_rows(&c, "SELECT v FROM ks.t WHERE k = 1"), "10");
	/* BATCH */
	ok(&c, "INSERT INTO ucql_mock.rules (id, opcode, table_name, action, error_code) VALUES (1, 'BATCH', 'u', 'error', 4097)");
	cr_assert(is_err(query(&c, "BEGIN BATCH INSERT INTO ks.t (k, v) VALUES (5, 5); APPLY BATCH"), UCQL_E_OVERLOADED) == 0);
	ucql_batch_stmt st[2];
	memset(st, 0, sizeof st);
	st[0].kind = UCQL_BATCH_QUERY;
	st[0].query_or_id = ucql_bytes_str("INSERT INTO ks.t (k, v) VALUES (3, 3)");
	st[1].kind = UCQL_BATCH_QUERY;
	st[1].query_or_id = ucql_bytes_str("INSERT INTO ks.u (k, v) VALUES (3, 3)");
	ucql_batch bt;
	memset(&bt, 0, sizeof bt);
	bt.type = UCQL_BATCH_LOGGED;
	bt.n = 2;
	bt.stmts = st;
	bt.consistency = UCQL_CL_ONE;
	uint8_t buf[1024];
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	cr_assert_eq(ucql_batch_encode(&w, 4, &bt), 0);
	cr_assert_eq(tc_send(&c, UCQL_OP_BATCH, 1, 0, buf, w.len), 0);
	recv_frame(&c);
	cr_assert(is_err(&last, UCQL_E_OVERLOADED));
	cr_assert_str_eq(q_rows(&c, "SELECT k FROM ks.u WHERE k = 3"), "", "the batch was not applied");
	tc_close(&c);
	stop_engine(cl);
}

Test(rules, match_query_substring_and_regex)
{
	tc c;
	mock_cluster *cl = setup(&c, 4);
	/* substring, case-insensitive */
	ok(&c, "INSERT INTO ucql_mock.rules (id, query, action, error_code) VALUES (1, 'where K = 1', 'error', 4097)");
	cr_assert(is_err(query(&c, "SELECT v FROM ks.t WHERE k = 1"), UCQL_E_OVERLOADED));
	cr_assert_str_eq(q_rows(&c, "SELECT v FROM ks.t WHERE k = 2"), "");
	ok(&c, "TRUNCATE ucql_mock.rules");
	/* regex, anchored, case-insensitive */
	ok(&c, "INSERT INTO ucql_mock.rules (id, query, action, error_code) VALUES (1, '~^select v from ks\\.t where k = [0-9]+$', 'error', 4097)");
	cr_assert(is_err(query(&c, "select V from KS.T where K = 42"), UCQL_E_OVERLOADED));
	cr_assert_str_eq(q_rows(&c, "SELECT v FROM ks.t WHERE k = 1 LIMIT 1"), "10");
	cr_assert_str_eq(q_rows(&c, "SELECT k FROM ks.t WHERE k = 1"), "1");
	tc_close(&c);
	stop_engine(cl);
}

Test(rules, match_keyspace_and_table)
{
	tc c;
	mock_cluster *cl = setup(&c, 4);
	ok(&c, "CREATE KEYSPACE ks2 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
	ok(&c, "CREATE TABLE ks2.t (k int PRIMARY KEY, v int)");
	ok(&c, "INSERT INTO ucql_mock.rules (id, keyspace_name, table_name, action, error_code) VALUES (1, 'ks', 't', 'error', 4097)");
	cr_assert(is_err(query(&c, "SELECT * FROM ks.t"), UCQL_E_OVERLOADED));
	cr_assert_str_eq(q_rows(&c, "SELECT * FROM ks.u"), "");
	cr_assert_str_eq(q_rows(&c, "SELECT * FROM ks2.t"), "");
	/* an unqualified table in the session keyspace */
	tc_frame *fr = query(&c, "USE ks");
	expect_kind(fr, UCQL_RESULT_SET_KEYSPACE);
	cr_assert(is_err(query(&c, "SELECT * FROM t"), UCQL_E_OVERLOADED));
	cr_assert_str_eq(q_rows(&c, "SELECT * FROM u"), "");
	/* keyspace only */
	ok(&c, "INSERT INTO ucql_mock.rules (id, keyspace_name, action, error_code) VALUES (1, 'ks2', 'error', 4097)");
	cr_assert(is_err(query(&c, "SELECT * FROM ks2.t"), UCQL_E_OVERLOADED));
	cr_assert_str_eq(q_rows(&c, "SELECT * FROM u"), "");
	tc_close(&c);
	stop_engine(cl);
}

Test(rules, count_exhaustion)
{
	tc c;
	mock_cluster *cl = setup(&c, 4);
	ok(&c, "INSERT INTO ucql_mock.rules (id, table_name, action, error_code, count) VALUES (1, 't', 'error', 4097, 2)");
	cr_assert(is_err(query(&c, "SELECT v FROM ks.t WHERE k = 1"), UCQL_E_OVERLOADED));
	cr_assert_str_eq(q_rows(&c, "SELECT count, remaining FROM ucql_mock.rules WHERE id = 1"), "2,1");
	cr_assert(is_err(query(&c, "SELECT v FROM ks.t WHERE k = 1"), UCQL_E_OVERLOADED));
	cr_assert_str_eq(q_rows(&c, "SELECT v FROM ks.t WHERE k = 1"), "10");
	cr_assert_str_eq(q_rows(&c, "SELECT count, remaining FROM ucql_mock.rules WHERE id = 1"), "2,0");
	/* the first matching rule in id order fires; an exhausted one is skipped */
	ok(&c, "INSERT INTO ucql_mock.rules (id, table_name, action, error_code) VALUES (2, 't', 'error', 4098)");
	cr_assert(is_err(query(&c, "SELECT v FROM ks.t WHERE k = 1"), UCQL_E_IS_BOOTSTRAPPING));
	ok(&c, "INSERT INTO ucql_mock.rules (id, table_name, action, error_code, count) VALUES (0, 't', 'error', 4097, 1)");
	cr_assert(is_err(query(&c, "SELECT v FROM ks.t WHERE k = 1"), UCQL_E_OVERLOADED));
	cr_assert(is_err(query(&c, "SELECT v FROM ks.t WHERE k = 1"), UCQL_E_IS_BOOTSTRAPPING));
	tc_close(&c);
	stop_engine(cl);
}

/* Which of n queries failed, as a string of 0/1. */
static const char *pattern(tc *c, int n)
{
	static char out[128];
	for (int i = 0; i < n; i++)
		out[i] = is_err(query(c, "SELECT v FROM ks.t WHERE k = 1"), UCQL_E_OVERLOADED) ? '1' : '0';
	out[n] = 0;
	return out;
}

Test(rules, probability)
{
	tc c;
	mock_cluster *cl = setup(&c, 4);
	ok(&c, "INSERT INTO ucql_mock.rules (id, table_name, action, error_code, probability) VALUES (1, 't', 'error', 4097, 0)");
	cr_assert_str_eq(pattern(&c, 20), "00000000000000000000");
	ok(&c, "INSERT INTO ucql_mock.rules (id, table_name, action, error_code, probability) VALUES (1, 't', 'error', 4097, 1)");
	cr_assert_str_eq(pattern(&c, 20), "11111111111111111111");
	/* 0.5 with a seed: some fire, some do not, and the same seed gives the
	 * same sequence */
	ok(&c, "INSERT INTO ucql_mock.rules (id, table_name, action, error_code, probability, seed) VALUES (1, 't', 'error', 4097, 0.5, 42)");
	char first[128];
	snprintf(first, sizeof first, "%s", pattern(&c, 40));
	cr_assert(strchr(first, '0') && strchr(first, '1'), "%s", first);
	ok(&c, "INSERT INTO ucql_mock.rules (id, table_name, action, error_code, probability, seed) VALUES (1, 't', 'error', 4097, 0.5, 42)");
	cr_assert_str_eq(pattern(&c, 40), first);
	ok(&c, "INSERT INTO ucql_mock.rules (id, table_name, action, error_code, probability, seed) VALUES (1, 't', 'error', 4097, 0.5, 43)");
	cr_assert_str_neq(pattern(&c, 40), first);
	tc_close(&c);
	stop_engine(cl);
}

Test(rules, control_queries_never_match)
{
	tc c;
	mock_cluster *cl = setup(&c, 4);
	/* a rule matching everything */
	ok(&c, "INSERT INTO ucql_mock.rules (id, action, error_code) VALUES (1, 'error', 4097)");
	cr_assert(is_err(query(&c, "SELECT * FROM ks.t"), UCQL_E_OVERLOADED));
	cr_assert_str_eq(q_rows(&c, "SELECT id FROM ucql_mock.rules"), "1");
	cr_assert_str_eq(q_rows(&c, "SELECT node FROM ucql_mock.nodes WHERE node = 1"), "1");
	ok(&c, "USE ucql_mock");
	cr_assert_str_eq(q_rows(&c, "SELECT id FROM rules"), "1");
	ok(&c, "TRUNCATE ucql_mock.rules");
	cr_assert_str_eq(q_rows(&c, "SELECT v FROM ks.t WHERE k = 1"), "10");
	/* a close-everything rule cannot lock a test out either */
	ok(&c, "INSERT INTO ucql_mock.rules (id, action) VALUES (1, 'close')");
	ok(&c, "DELETE FROM ucql_mock.rules WHERE id = 1");
	cr_assert_str_eq(q_rows(&c, "SELECT v FROM ks.t WHERE k = 1"), "10");
	tc_close(&c);
	stop_engine(cl);
}

/* ---- activity ----------------------------------------------------------- */

Test(rules, activity_log)
{
	tc c;
	mock_cluster *cl = setup(&c, 4);
	tc c2;
	ready_v(&c2, 2, 4);
	ok(&c, "TRUNCATE ucql_mock.activity");
	cr_assert_str_eq(q_rows(&c, "SELECT * FROM ucql_mock.activity"), "");
	ok(&c, "INSERT INTO ucql_mock.rules (id, table_name, action, error_code, count) VALUES (7, 'u', 'error', 4097, 1)");
	ok(&c, "USE ks");
	cr_assert(is_err(query(&c, "SELECT * FROM u"), UCQL_E_OVERLOADED));
	uint8_t id[16];
	ucql_bytes pid = prepare_ok(&c, "SELECT v FROM t WHERE k = ?", id);
	uint8_t b[4];
	ucql_value v = i32(b, 1);
	expect_kind(execute(&c, pid, &v, 1), UCQL_RESULT_ROWS);
	ok(&c2, "SELECT * FROM ks.u");
	cr_assert_str_eq(q_rows(&c, "SELECT seq, opcode, query, keyspace_name, consistency, values_count, rule_id, action "
				    "FROM ucql_mock.activity WHERE node = 1"),
			 "5,'QUERY','INSERT INTO ucql_mock.rules (id, table_name, action, error_code, count) VALUES (7, ''u'', ''error'', 4097, 1)','ucql_mock','ONE',0,null,null;"
			 "6,'QUERY','USE ks','ks','ONE',0,null,null;"
			 "7,'QUERY','SELECT * FROM u','ks','ONE',0,7,'error';"
			 "8,'PREPARE','SELECT v FROM t WHERE k = ?','ks',null,0,null,null;"
			 "9,'EXECUTE','SELECT v FROM t WHERE k = ?','ks','QUORUM',1,null,null");
	cr_assert_str_eq(q_rows(&c, "SELECT seq, query, keyspace_name FROM ucql_mock.activity WHERE node = 2"),
			 "1,'SELECT * FROM ks.u','ks'");
	/* connection is the client's address:port; at is set */
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	cr_assert_eq(getsockname(c2.fd, (struct sockaddr *)&sa, &sl), 0);
	char want[64];
	snprintf(want, sizeof want, "'127.0.0.1:%u',true", ntohs(sa.sin_port));
	char got[128];
	tc_frame *fr = query(&c, "SELECT connection, at FROM ucql_mock.activity WHERE node = 2");
	cr_assert_str_eq(col_type(fr, 1), "timestamp");
	snprintf(got, sizeof got, "%s", rows_str(fr));
	char *comma = strrchr(got, ',');
	cr_assert(comma && strcmp(comma + 1, "null") != 0);
	snprintf(comma + 1, sizeof got - (size_t)(comma + 1 - got), "true");
	cr_assert_str_eq(got, want);
	/* TRUNCATE clears every node's log; seq goes on */
	ok(&c, "TRUNCATE ucql_mock.activity");
	ok(&c2, "SELECT * FROM ks.u");
	cr_assert_str_eq(q_rows(&c, "SELECT node, seq FROM ucql_mock.activity"), "2,2");
	tc_close(&c2);
	tc_close(&c);
	stop_engine(cl);
}

Test(rules, bound_values_delete_in_and_cas_v5)
{
	tc c;
	mock_cluster *cl = setup(&c, 5);
	uint8_t a[4], b[4];
	ucql_value vals[3] = { i32(a, 4), ucql_value_of("t", 1), i32(b, 4352) };
	query_full(&c, "INSERT INTO ucql_mock.rules (id, table_name, action, error_code, write_type) VALUES (?, ?, 'error', ?, 'CAS')",
		   UCQL_CL_ONE, 0, ucql_value_null(), vals, 3);
	expect_kind(&last, UCQL_RESULT_VOID);
	ok(&c, "INSERT INTO ucql_mock.rules (id, action) VALUES (5, 'close')");
	ok(&c, "INSERT INTO ucql_mock.rules (id, action) VALUES (6, 'close')");
	/* rows come in token order of the id, as Cassandra returns them */
	cr_assert_str_eq(q_rows(&c, "SELECT id, table_name, error_code FROM ucql_mock.rules"),
			 "5,null,null;4,'t',4352;6,null,null");
	ok(&c, "DELETE FROM ucql_mock.rules WHERE id IN (5, 6)");
	query(&c, "UPDATE ks.t SET v = 2 WHERE k = 1");
	ucql_error_msg m = decoded(5);
	cr_assert_eq(m.wire_code, 0x1100);
	cr_assert(m.write_type.len == 3 && !memcmp(m.write_type.p, "CAS", 3));
	cr_assert_eq(m.contentions, 0);
	tc_close(&c);
	stop_engine(cl);
}
