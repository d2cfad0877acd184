/*
 * Server errors (issue 4, proof 12): the code, the server's message and
 * every detail of the ERROR body reach the application — a real
 * Unavailable (consistency ALL with a node down: required / alive), a
 * syntax error (0x2000), an invalid query (0x2200), an existing keyspace
 * (0x2400), and the other bodies through fault rules, in protocol v4 and
 * v5.
 */
#include <stdio.h>
#include <string.h>

#include "itest.h"

static ucql_session *setup(it_mock *m, const char *version)
{
	it_mock_start_n(m, 3);
	ucql_config *cfg = it_config(m, 1);
	it_set(cfg, "protocol.version", version);
	ucql_session *s = it_connect(cfg);
	ucql_config_free(cfg);
	it_keyspace(s, "ks", 3);
	it_exec(s, "CREATE TABLE ks.t (k int PRIMARY KEY, v int)");
	it_exec(s, "INSERT INTO ks.t (k, v) VALUES (1, 1)");
	return s;
}

/* Runs cql; asserts it fails with `code`; returns the result set. */
static ucql_resultset *fails(ucql_session *s, const char *cql, int cl, int code)
{
	ucql_statement *st = ucql_statement_new(cql, 0);
	if (cl >= 0)
		cr_assert_eq(ucql_statement_set_consistency(st, cl), 0);
	ucql_resultset *rs = ucql_session_execute_sync(s, st);
	ucql_statement_free(st);
	cr_assert_eq(ucql_resultset_error_code(rs), code, "%s: got %s (%s), want %s", cql,
		     ucql_err_name(ucql_resultset_error_code(rs)), ucql_resultset_error_message(rs), ucql_err_name(code));
	cr_assert_eq(ucql_resultset_kind(rs), 0);
	cr_assert_eq(ucql_resultset_row_count(rs), 0);
	cr_assert_null(ucql_resultset_next_row(rs));
	cr_assert_neq(ucql_resultset_node(rs)[0], 0, "the node that answered");
	return rs;
}

static int bytes_is(ucql_bytes b, const char *s)
{
	return b.len == strlen(s) && !memcmp(b.p, s, b.len);
}

static void real_errors(const char *version)
{
	it_mock m;
	ucql_session *s = setup(&m, version);
	uint64_t srv0 = it_metrics(s).errors_server;

	/* syntax */
	ucql_resultset *rs = fails(s, "SELEKT * FROM ks.t", -1, UCQL_E_SYNTAX);
	ucql_error_msg e;
	cr_assert_eq(ucql_resultset_error_details(rs, &e), 0);
	cr_assert_eq(e.wire_code, 0x2000);
	cr_assert_eq(e.code, UCQL_E_SYNTAX);
	cr_assert_gt(e.message.len, 0);
	/* the message is the server's own text */
	cr_assert_eq(strlen(ucql_resultset_error_message(rs)), e.message.len);
	cr_assert(!memcmp(ucql_resultset_error_message(rs), e.message.p, e.message.len));
	cr_assert_eq(ucql_resultset_error_retriable(rs), 0);
	ucql_resultset_free(rs);

	/* invalid: an unknown table, named in the message */
	rs = fails(s, "SELECT * FROM ks.nosuch", -1, UCQL_E_INVALID);
	cr_assert_eq(ucql_resultset_error_details(rs, &e), 0);
	cr_assert_eq(e.wire_code, 0x2200);
	cr_assert(strstr(ucql_resultset_error_message(rs), "nosuch"), "message: %s", ucql_resultset_error_message(rs));
	ucql_resultset_free(rs);

	/* already exists, with the keyspace */
	rs = fails(s, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}", -1,
		   UCQL_E_ALREADY_EXISTS);
	cr_assert_eq(ucql_resultset_error_details(rs, &e), 0);
	cr_assert(bytes_is(e.keyspace, "ks"));
	cr_assert_eq(e.name.len, 0);
	ucql_resultset_free(rs);
	rs = fails(s, "CREATE TABLE ks.t (k int PRIMARY KEY)", -1, UCQL_E_ALREADY_EXISTS);
	cr_assert_eq(ucql_resultset_error_details(rs, &e), 0);
	cr_assert(bytes_is(e.keyspace, "ks") && bytes_is(e.name, "t"));
	ucql_resultset_free(rs);

	/* unavailable: node 3 down, consistency ALL needs 3 replicas */
	it_node_state(s, 3, "down");
	rs = fails(s, "SELECT v FROM ks.t WHERE k = 1", UCQL_CL_ALL, UCQL_E_UNAVAILABLE);
	cr_assert_eq(ucql_resultset_error_details(rs, &e), 0);
	cr_assert_eq(e.wire_code, 0x1000);
	cr_assert_eq(e.consistency, UCQL_CL_ALL);
	cr_assert_eq(e.required, 3);
	cr_assert_eq(e.alive, 2);
	cr_assert_eq(ucql_resultset_error_retriable(rs), 1);
	ucql_resultset_free(rs);
	rs = fails(s, "INSERT INTO ks.t (k, v) VALUES (2, 2)", UCQL_CL_ALL, UCQL_E_UNAVAILABLE);
	ucql_resultset_free(rs);
	/* QUORUM still works with two of three */
	ucql_statement *st = ucql_statement_new("SELECT v FROM ks.t WHERE k = 1", 0);
	cr_assert_eq(ucql_statement_set_consistency(st, UCQL_CL_QUORUM), 0);
	ucql_resultset_free(it_run(s, st));
	ucql_statement_free(st);

	uint64_t srv = it_metrics(s).errors_server - srv0;
	cr_assert_eq(srv, 6, "errors_server %llu", (unsigned long long)srv);

	/* a prepare that fails: code and message */
	ucql_prepared_stmt *p = NULL;
	char err[512] = "";
	int rc = ucql_session_prepare_sync(s, "SELECT nope FROM ks.t", &p, err, sizeof err);
	cr_assert_eq(rc, UCQL_E_INVALID, "%s: %s", ucql_err_name(rc), err);
	cr_assert_null(p);
	cr_assert(strstr(err, "nope"), "message: %s", err);

	/* a local error has no server details */
	st = ucql_statement_new("SELECT v FROM ks.t WHERE k = 1", 0);
	cr_assert_eq(ucql_statement_set_keyspace(st, "ks"), 0);
	rs = ucql_session_execute_sync(s, st);
	if (version[0] != '5') {
		cr_assert_eq(ucql_resultset_error_code(rs), UCQL_E_INVALID_ARG);
		cr_assert_eq(ucql_resultset_error_details(rs, &e), UCQL_E_INVALID_ARG);
	} else {
		cr_assert_eq(ucql_resultset_error_code(rs), 0, "%s", ucql_resultset_error_message(rs));
		cr_assert_eq(ucql_resultset_error_details(rs, &e), UCQL_E_INVALID_ARG);
	}
	ucql_resultset_free(rs);
	ucql_statement_free(st);

	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

Test(errors, real_errors_v5, .timeout = 60)
{
	real_errors("5");
}

Test(errors, real_errors_v4, .timeout = 60)
{
	real_errors("4");
}

/* ---- every ERROR body, injected ------------------------------------------- */

static ucql_resultset *injected(ucql_session *s, const char *rule_values, int code)
{
	char q[1024];
	it_exec(s, "TRUNCATE ucql_mock.rules");
	snprintf(q, sizeof q, "INSERT INTO ucql_mock.rules %s", rule_values);
	it_exec(s, q);
	return fails(s, "SELECT v FROM ks.t WHERE k = 1", UCQL_CL_QUORUM, code);
}

static void injected_errors(const char *version)
{
	it_mock m;
	ucql_session *s = setup(&m, version);
	int v5 = version[0] == '5';
	ucql_error_msg e;

	ucql_resultset *rs = injected(s, "(id, table_name, action, error_code, error_message, received, required, data_present) "
				 "VALUES (1, 't', 'error', 4608, 'too slow', 1, 2, true)", UCQL_E_READ_TIMEOUT);
	cr_assert_str_eq(ucql_resultset_error_message(rs), "too slow");
	cr_assert_eq(ucql_resultset_error_details(rs, &e), 0);
	cr_assert_eq(e.consistency, UCQL_CL_QUORUM, "default: the request's consistency");
	cr_assert_eq(e.received, 1);
	cr_assert_eq(e.block_for, 2);
	cr_assert_eq(e.data_present, 1);
	cr_assert_eq(ucql_resultset_error_retriable(rs), 1);
	ucql_resultset_free(rs);

	rs = injected(s, "(id, table_name, action, error_code, received, required, write_type, consistency) "
			 "VALUES (1, 't', 'error', 4352, 0, 3, 'BATCH_LOG', 'ALL')", UCQL_E_WRITE_TIMEOUT);
	cr_assert_eq(ucql_resultset_error_details(rs, &e), 0);
	cr_assert_eq(e.consistency, UCQL_CL_ALL);
	cr_assert_eq(e.received, 0);
	cr_assert_eq(e.block_for, 3);
	cr_assert(bytes_is(e.write_type, "BATCH_LOG"));
	cr_assert(strstr(ucql_resultset_error_message(rs), "rule 1"), "default message: %s",
		  ucql_resultset_error_message(rs));
	ucql_resultset_free(rs);

	rs = injected(s, "(id, table_name, action, error_code, received, required, write_type) "
			 "VALUES (1, 't', 'error', 4352, 1, 2, 'CAS')", UCQL_E_WRITE_TIMEOUT);
	cr_assert_eq(ucql_resultset_error_details(rs, &e), 0);
	cr_assert(bytes_is(e.write_type, "CAS"));
	cr_assert_eq(e.contentions, v5 ? 0 : -1);
	ucql_resultset_free(rs);

	rs = injected(s, "(id, table_name, action, error_code, received, required, failures, data_present) "
			 "VALUES (1, 't', 'error', 4864, 1, 2, 2, false)", UCQL_E_READ_FAILURE);
	cr_assert_eq(ucql_resultset_error_details(rs, &e), 0);
	cr_assert_eq(e.received, 1);
	cr_assert_eq(e.block_for, 2);
	cr_assert_eq(e.num_failures, 2);
	cr_assert_eq(e.data_present, 0);
	if (v5)
		cr_assert_gt(e.reasons.len, 0, "v5: a reason map");
	ucql_resultset_free(rs);

	rs = injected(s, "(id, table_name, action, error_code, error_keyspace, function_name) "
			 "VALUES (1, 't', 'error', 5120, 'fks', 'myfn')", UCQL_E_FUNCTION_FAILURE);
	cr_assert_eq(ucql_resultset_error_details(rs, &e), 0);
	cr_assert(bytes_is(e.keyspace, "fks"));
	cr_assert(bytes_is(e.name, "myfn"));
	ucql_resultset_free(rs);

	rs = injected(s, "(id, table_name, action, error_code, error_message) VALUES (1, 't', 'error', 0, 'boom')",
		      UCQL_E_SERVER_ERROR);
	cr_assert_eq(ucql_resultset_error_details(rs, &e), 0);
	cr_assert_eq(e.wire_code, 0);
	cr_assert_str_eq(ucql_resultset_error_message(rs), "boom");
	ucql_resultset_free(rs);

	rs = injected(s, "(id, table_name, action, error_code) VALUES (1, 't', 'error', 4097)", UCQL_E_OVERLOADED);
	cr_assert_eq(ucql_resultset_error_retriable(rs), 1);
	ucql_resultset_free(rs);

	rs = injected(s, "(id, table_name, action, error_code, required, alive, consistency) "
			 "VALUES (1, 't', 'error', 4096, 5, 1, 'EACH_QUORUM')", UCQL_E_UNAVAILABLE);
	cr_assert_eq(ucql_resultset_error_details(rs, &e), 0);
	cr_assert_eq(e.consistency, UCQL_CL_EACH_QUORUM);
	cr_assert_eq(e.required, 5);
	cr_assert_eq(e.alive, 1);
	ucql_resultset_free(rs);

	/* an error code the table does not know still comes through */
	rs = injected(s, "(id, table_name, action, error_code, error_message) VALUES (1, 't', 'error', 12345, 'odd')",
		      ucql_err_from_wire(12345));
	cr_assert_eq(ucql_resultset_error_details(rs, &e), 0);
	cr_assert_eq(e.wire_code, 12345);
	cr_assert_str_eq(ucql_resultset_error_message(rs), "odd");
	ucql_resultset_free(rs);

	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

Test(errors, injected_bodies_v5, .timeout = 60)
{
	injected_errors("5");
}

Test(errors, injected_bodies_v4, .timeout = 60)
{
	injected_errors("4");
}
