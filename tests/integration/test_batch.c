/*
 * Batches (issue 4, proof 3): logged, unlogged and counter batches, each
 * mixing simple statements (with and without bound values) and bound
 * prepared statements; the rows they wrote are read back. Also the
 * builder's refusals.
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
	it_exec(s, "CREATE TABLE ks.t (k int, c int, v text, PRIMARY KEY (k, c))");
	it_exec(s, "CREATE TABLE ks.cnt (k int PRIMARY KEY, n counter)");
	return s;
}

static void expect_text(ucql_session *s, int k, int c, const char *want)
{
	char q[128];
	snprintf(q, sizeof q, "SELECT v FROM ks.t WHERE k = %d AND c = %d", k, c);
	ucql_resultset *rs = it_query(s, q);
	cr_assert_eq(ucql_resultset_row_count(rs), want ? 1 : 0, "k=%d c=%d: %d rows", k, c,
		     ucql_resultset_row_count(rs));
	if (want) {
		const ucql_value *row = ucql_resultset_next_row(rs);
		ucql_bytes t;
		cr_assert_eq(ucql_value_get_text(row[0], &t), 0);
		cr_assert(t.len == strlen(want) && !memcmp(t.p, want, t.len), "k=%d c=%d: '%.*s' != '%s'", k, c,
			  (int)t.len, (const char *)t.p, want);
	}
	ucql_resultset_free(rs);
}

/* A batch of type `type` writing rows (k, 0..3): two simple statements
 * (literal; bound value) and two prepared ones. */
static void data_batch(ucql_session *s, int type, int k, int prepared)
{
	/* without prepared children: the same statement as a simple one */
	ucql_prepared_stmt *p = prepared ? it_prepare(s, "INSERT INTO ks.t (k, c, v) VALUES (?, ?, ?)") : NULL;
	ucql_statement *b = ucql_statement_new_batch(type);
	cr_assert_not_null(b);
	char q[160];
	snprintf(q, sizeof q, "INSERT INTO ks.t (k, c, v) VALUES (%d, 0, 'literal')", k);
	ucql_statement *c0 = ucql_statement_new(q, 0);
	cr_assert_eq(ucql_statement_batch_add(b, c0), 0);
	ucql_statement *c1 = ucql_statement_new("INSERT INTO ks.t (k, c, v) VALUES (?, ?, ?)", 3);
	cr_assert_eq(ucql_statement_bind_int32(c1, 0, k), 0);
	cr_assert_eq(ucql_statement_bind_int32(c1, 1, 1), 0);
	cr_assert_eq(ucql_statement_bind_string(c1, 2, "simple bound"), 0);
	cr_assert_eq(ucql_statement_batch_add(b, c1), 0);
	ucql_statement *c2 = p ? ucql_prepared_stmt_bind(p) : ucql_statement_new("INSERT INTO ks.t (k, c, v) VALUES (?, ?, ?)", 3);
	cr_assert_eq(ucql_statement_bind_int32(c2, 0, k), 0);
	cr_assert_eq(ucql_statement_bind_int32(c2, 1, 2), 0);
	cr_assert_eq(ucql_statement_bind_string(c2, 2, "prepared 2"), 0);
	cr_assert_eq(ucql_statement_batch_add(b, c2), 0);
	/* the child's values were copied: rebinding it changes nothing in b */
	cr_assert_eq(ucql_statement_bind_int32(c2, 1, 3), 0);
	cr_assert_eq(ucql_statement_bind_string(c2, 2, "prepared 3"), 0);
	cr_assert_eq(ucql_statement_batch_add(b, c2), 0);
	cr_assert_eq(ucql_statement_bind_string(c2, 2, "not added"), 0);
	ucql_statement_free(c0);
	ucql_statement_free(c1);
	ucql_statement_free(c2);
	ucql_prepared_stmt_free(p); /* the batch keeps what it needs */
	ucql_resultset *rs = it_run(s, b);
	cr_assert_eq(ucql_resultset_kind(rs), UCQL_RESULT_VOID);
	ucql_resultset_free(rs);
	ucql_statement_free(b);
	expect_text(s, k, 0, "literal");
	expect_text(s, k, 1, "simple bound");
	expect_text(s, k, 2, "prepared 2");
	expect_text(s, k, 3, "prepared 3");
	expect_text(s, k, 4, NULL);
}

static void batches(const char *version, int prepared)
{
	it_mock m;
	ucql_session *s = setup(&m, version);
	data_batch(s, UCQL_BATCH_LOGGED, 1, prepared);
	data_batch(s, UCQL_BATCH_UNLOGGED, 2, prepared);

	/* a counter batch, simple and prepared, run twice */
	ucql_prepared_stmt *p = prepared ? it_prepare(s, "UPDATE ks.cnt SET n = n + ? WHERE k = ?") : NULL;
	for (int round = 0; round < 2; round++) {
		ucql_statement *b = ucql_statement_new_batch(UCQL_BATCH_COUNTER);
		ucql_statement *c0 = ucql_statement_new("UPDATE ks.cnt SET n = n + 5 WHERE k = 1", 0);
		cr_assert_eq(ucql_statement_batch_add(b, c0), 0);
		ucql_statement *c1 = ucql_statement_new("UPDATE ks.cnt SET n = n + ? WHERE k = ?", 2);
		cr_assert_eq(ucql_statement_bind_int64(c1, 0, -2), 0);
		cr_assert_eq(ucql_statement_bind_int32(c1, 1, 2), 0);
		cr_assert_eq(ucql_statement_batch_add(b, c1), 0);
		ucql_statement *c2 = p ? ucql_prepared_stmt_bind(p) : ucql_statement_new("UPDATE ks.cnt SET n = n + ? WHERE k = ?", 2);
		cr_assert_eq(ucql_statement_bind_int64(c2, 0, 100), 0);
		cr_assert_eq(ucql_statement_bind_int32(c2, 1, 1), 0);
		cr_assert_eq(ucql_statement_batch_add(b, c2), 0);
		ucql_resultset_free(it_run(s, b));
		ucql_statement_free(c0);
		ucql_statement_free(c1);
		ucql_statement_free(c2);
		ucql_statement_free(b);
	}
	ucql_prepared_stmt_free(p);
	cr_assert_eq(it_scalar_i64(s, "SELECT n FROM ks.cnt WHERE k = 1"), 210);
	cr_assert_eq(it_scalar_i64(s, "SELECT n FROM ks.cnt WHERE k = 2"), -4);

	/* a batch whose statement the server refuses fails as a whole request */
	ucql_statement *b = ucql_statement_new_batch(UCQL_BATCH_LOGGED);
	ucql_statement *bad = ucql_statement_new("INSERT INTO ks.nosuch (k) VALUES (1)", 0);
	cr_assert_eq(ucql_statement_batch_add(b, bad), 0);
	ucql_resultset *rs = ucql_session_execute_sync(s, b);
	cr_assert_eq(ucql_resultset_error_code(rs), UCQL_E_INVALID, "%s: %s",
		     ucql_err_name(ucql_resultset_error_code(rs)), ucql_resultset_error_message(rs));
	ucql_resultset_free(rs);
	ucql_statement_free(bad);
	ucql_statement_free(b);

	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

Test(batch, logged_unlogged_counter_v5, .timeout = 60)
{
	batches("5", 1);
}

Test(batch, logged_unlogged_counter_v4, .timeout = 60)
{
	batches("4", 1);
}

Test(batch, simple_only_v3, .timeout = 60)
{
	batches("3", 0);
}

/* Regression test (fixed): ucql_statement_batch_add sets batch->has_unset for every prepared
 * child (lib/statement.c, `batch->has_unset |= 1`), and a v3 session then
 * refuses the batch with UCQL_E_INVALID_ARG although nothing is unset. */
Test(batch, logged_unlogged_counter_v3, .timeout = 60)
{
	batches("3", 1);
}

/* What the builder refuses (no server needed). */
Test(batch, builder_refusals)
{
	ucql_statement *b = ucql_statement_new_batch(UCQL_BATCH_LOGGED);
	ucql_statement *b2 = ucql_statement_new_batch(UCQL_BATCH_UNLOGGED);
	ucql_statement *q = ucql_statement_new("INSERT INTO ks.t (k) VALUES (1)", 0);
	cr_assert_eq(ucql_statement_batch_add(b, b2), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_batch_add(q, q), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_bind_int32(b, 0, 1), UCQL_E_INVALID_ARG);
	ucql_statement_free(b);
	ucql_statement_free(b2);
	ucql_statement_free(q);
}
