/*
 * Client-side timeouts (issue 4, proof 5): a request the node never
 * answers fails with UCQL_E_TIMEOUT after its own timeout; its stream id
 * stays reserved, so requests sent afterwards on the same connection get
 * their own answers — also when the late answer does arrive (a 'delay'
 * rule), which must be dropped, not delivered to another request. One
 * node, one shard, one connection, so every request shares the socket.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"

#define N_KEYS 100

static ucql_session *setup(it_mock *m, const char *max_in_flight)
{
	it_mock_start_n(m, 1);
	ucql_config *cfg = it_config(m, 1);
	it_set(cfg, "connections.per_node", "1");
	it_set(cfg, "request.max_in_flight_per_connection", max_in_flight);
	it_set(cfg, "reconnect.base_delay_ms", "10");
	ucql_session *s = it_connect(cfg);
	ucql_config_free(cfg);
	it_keyspace(s, "ks", 1);
	it_exec(s, "CREATE TABLE ks.t (k int PRIMARY KEY, v int)");
	it_exec(s, "CREATE TABLE ks.slow (k int PRIMARY KEY, s text)");
	it_exec(s, "INSERT INTO ks.slow (k, s) VALUES (1, 'late answer')");
	for (int k = 0; k < N_KEYS; k++)
		it_execf(s, "INSERT INTO ks.t (k, v) VALUES (%d, %d)", k, k * 7);
	return s;
}

/* The query the rules stall. */
static ucql_statement *slow_stmt(int64_t timeout_ms)
{
	ucql_statement *st = ucql_statement_new("SELECT s FROM ks.slow WHERE k = 1", 0);
	cr_assert_eq(ucql_statement_set_timeout(st, timeout_ms), 0);
	return st;
}

/* The stalled query with timeout `set` (-1: the config's) fails after
 * timeout_ms. */
static void expect_timeout_as(ucql_session *s, int64_t set, int64_t timeout_ms)
{
	ucql_statement *st = slow_stmt(set);
	int64_t t0 = it_now_ms();
	ucql_resultset *rs = ucql_session_execute_sync(s, st);
	int64_t took = it_now_ms() - t0;
	cr_assert_eq(ucql_resultset_error_code(rs), UCQL_E_TIMEOUT, "%s: %s",
		     ucql_err_name(ucql_resultset_error_code(rs)), ucql_resultset_error_message(rs));
	cr_assert_eq(ucql_resultset_error_retriable(rs), 1);
	cr_assert_gt(strlen(ucql_resultset_error_message(rs)), 0);
	/* not early; the upper bound only catches a hang */
	cr_assert_geq(took, timeout_ms - 5, "timed out after %lld ms", (long long)took);
	cr_assert_lt(took, timeout_ms + 5000);
	ucql_resultset_free(rs);
	ucql_statement_free(st);
}

static void expect_timeout(ucql_session *s, int64_t timeout_ms)
{
	expect_timeout_as(s, timeout_ms, timeout_ms);
}

/* ---- checked load: every answer must be the one asked for -------------------- */

typedef struct load {
	_Atomic int done;
	_Atomic int failed;
	_Atomic int wrong;
	_Atomic int twice;
	_Atomic uint8_t *hits; /* per request: completions seen */
	char first_err[256];
	_Atomic int err_taken;
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
	if (rc) {
		if (!atomic_exchange(&l->err_taken, 1))
			snprintf(l->first_err, sizeof l->first_err, "%s: %s", ucql_err_name(rc),
				 ucql_resultset_error_message(rs));
		atomic_fetch_add(&l->failed, 1);
	} else {
		const ucql_value *row = ucql_resultset_next_row(rs);
		int32_t v = -1;
		ucql_bytes name = ucql_resultset_column_name(rs, 0);
		if (!row || ucql_resultset_row_count(rs) != 1 || name.len != 1 || name.p[0] != 'v' ||
		    ucql_value_get_int(row[0], &v) || v != p->k * 7)
			atomic_fetch_add(&l->wrong, 1);
	}
	atomic_fetch_add(&l->done, 1);
}

static void load_init(load *l, probe *pr, int n)
{
	memset(l, 0, sizeof *l);
	l->hits = calloc((size_t)n, 1);
	cr_assert_not_null(l->hits);
	for (int i = 0; i < n; i++) {
		pr[i].l = l;
		pr[i].idx = i;
		pr[i].k = i % N_KEYS;
	}
}

static void submit_probe(ucql_session *s, ucql_statement *st, probe *p)
{
	cr_assert_eq(ucql_statement_bind_int32(st, 0, p->k), 0);
	cr_assert_eq(ucql_session_execute(s, st, on_probe, p), 0);
}

static void load_wait(load *l, int n)
{
	int64_t deadline = it_now_ms() + 30000;
	while (atomic_load(&l->done) < n && it_now_ms() < deadline)
		usleep(1000);
	cr_assert_eq(atomic_load(&l->done), n, "%d of %d completed", atomic_load(&l->done), n);
	cr_assert_eq(atomic_load(&l->twice), 0, "completed twice");
	cr_assert_eq(atomic_load(&l->failed), 0, "%d failed, first: %s", atomic_load(&l->failed), l->first_err);
	cr_assert_eq(atomic_load(&l->wrong), 0, "%d requests got another request's answer",
		     atomic_load(&l->wrong));
	for (int i = 0; i < n; i++)
		cr_assert_eq(l->hits[i], 1, "request %d completed %d times", i, l->hits[i]);
	free((void *)l->hits);
}

/* ---- tests ------------------------------------------------------------------- */

Test(timeout, no_reply_times_out_and_the_id_stays_reserved, .timeout = 60)
{
	it_mock m;
	ucql_session *s = setup(&m, "32768");
	uint64_t opened = it_metrics(s).connections_opened;
	it_exec(s, "INSERT INTO ucql_mock.rules (id, table_name, action) VALUES (1, 'slow', 'no_reply')");
	uint64_t tmo = it_metrics(s).errors_timeout;
	expect_timeout(s, 200);
	cr_assert_eq(it_metrics(s).errors_timeout - tmo, 1);

	/* the orphan is outstanding; 3000 requests on the same connection */
	enum { N = 3000 };
	static probe pr[N];
	load l;
	load_init(&l, pr, N);
	ucql_statement *st = ucql_statement_new("SELECT v FROM ks.t WHERE k = ?", 1);
	for (int i = 0; i < N; i++)
		submit_probe(s, st, &pr[i]);
	ucql_statement_free(st);
	load_wait(&l, N);
	/* the rule swallowed exactly one request; the connection stayed */
	ucql_resultset *rs = it_query(s, "SELECT action FROM ucql_mock.activity WHERE node = 1");
	int swallowed = 0;
	const ucql_value *row;
	while ((row = ucql_resultset_next_row(rs)))
		swallowed += row[0].len > 0;
	ucql_resultset_free(rs);
	cr_assert_eq(swallowed, 1);
	cr_assert_eq(it_metrics(s).connections_opened, opened, "the connection was replaced");
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

/* One stream id per connection: the request after a timed-out one can
 * only go out once the late answer came back and freed the id. If the
 * id were reused at once, that late answer would complete it. */
Test(timeout, late_reply_is_dropped_single_stream, .timeout = 60)
{
	it_mock m;
	ucql_session *s = setup(&m, "1");
	uint64_t opened = it_metrics(s).connections_opened;
	it_exec(s, "INSERT INTO ucql_mock.rules (id, table_name, action, delay_ms) VALUES (1, 'slow', 'delay', 300)");
	for (int round = 0; round < 3; round++) {
		expect_timeout(s, 60);
		enum { N = 50 };
		probe pr[N];
		load l;
		load_init(&l, pr, N);
		ucql_statement *st = ucql_statement_new("SELECT v FROM ks.t WHERE k = ?", 1);
		for (int i = 0; i < N; i++)
			submit_probe(s, st, &pr[i]);
		ucql_statement_free(st);
		load_wait(&l, N);
	}
	cr_assert_eq(it_metrics(s).connections_opened, opened, "the connection was replaced");
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

/* Several late answers arrive while a steady load runs on the same
 * connection: none completes anything. */
Test(timeout, late_replies_under_load, .timeout = 60)
{
	it_mock m;
	ucql_session *s = setup(&m, "16");
	it_exec(s, "INSERT INTO ucql_mock.rules (id, table_name, action, delay_ms) VALUES (1, 'slow', 'delay', 250)");
	ucql_future *f[4];
	for (int i = 0; i < 4; i++) {
		ucql_statement *st = slow_stmt(40);
		f[i] = ucql_session_execute_future(s, st);
		ucql_statement_free(st);
	}
	/* load until well after the late answers were sent (bounded both in
	 * requests and in time) */
	enum { N = 20000 };
	static probe pr[N];
	load l;
	load_init(&l, pr, N);
	ucql_statement *st = ucql_statement_new("SELECT v FROM ks.t WHERE k = ?", 1);
	int64_t until = it_now_ms() + 700;
	int n = 0;
	while (n < N && it_now_ms() < until) {
		for (int j = 0; j < 8 && n < N; j++)
			submit_probe(s, st, &pr[n++]);
		while (n - atomic_load(&l.done) > 12)
			usleep(50);
	}
	ucql_statement_free(st);
	load_wait(&l, n);
	cr_assert_gt(n, 100);
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(ucql_future_wait(f[i]), UCQL_E_TIMEOUT);
		ucql_future_free(f[i]);
	}
	cr_assert_eq(it_metrics(s).errors_timeout, 4);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

/* A node holding more than half the ids without answering: the driver
 * gives up on that connection and opens a new one; requests go on. */
static void many_orphans(int right_away)
{
	it_mock m;
	ucql_session *s = setup(&m, "8");
	uint64_t opened = it_metrics(s).connections_opened;
	it_exec(s, "INSERT INTO ucql_mock.rules (id, table_name, action) VALUES (1, 'slow', 'no_reply')");
	for (int i = 0; i < 5; i++)
		expect_timeout(s, 50);
	if (!right_away) {
		int64_t deadline = it_now_ms() + 10000;
		while (it_metrics(s).connections_opened == opened && it_now_ms() < deadline)
			usleep(1000);
	}
	enum { N = 200 };
	probe pr[N];
	load l;
	load_init(&l, pr, N);
	ucql_statement *st = ucql_statement_new("SELECT v FROM ks.t WHERE k = ?", 1);
	for (int i = 0; i < N; i++)
		submit_probe(s, st, &pr[i]);
	ucql_statement_free(st);
	load_wait(&l, N);
	cr_assert_gt(it_metrics(s).connections_opened, opened);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

Test(timeout, many_orphans_replace_the_connection, .timeout = 60)
{
	many_orphans(0);
}

/* Regression test (fixed): between the driver closing the orphan-laden connection and the
 * reconnect timer (reconnect.base_delay_ms) firing, the shard has no
 * connection that is READY or CONNECTING, so take() in lib/io/shard.c
 * fails every new request at once with UCQL_E_NO_HOSTS instead of
 * queueing it for the replacement connection it is about to open
 * (any_connecting() does not count a DOWN connection whose reconnect
 * timer is armed). */
Test(timeout, requests_right_after_replacement_wait, .timeout = 60)
{
	many_orphans(1);
}

/* Timeouts: the statement's own, the config's, and none. */
Test(timeout, config_timeout_and_none, .timeout = 60)
{
	it_mock m;
	it_mock_start_n(&m, 1);
	ucql_config *cfg = it_config(&m, 1);
	it_set(cfg, "request.timeout_ms", "150");
	ucql_session *s = it_connect(cfg);
	ucql_config_free(cfg);
	it_keyspace(s, "ks", 1);
	it_exec(s, "CREATE TABLE ks.slow (k int PRIMARY KEY, s text)");
	it_exec(s, "INSERT INTO ucql_mock.rules (id, table_name, action, delay_ms) VALUES (1, 'slow', 'delay', 400)");
	/* -1: the config's 150 ms */
	expect_timeout_as(s, -1, 150);
	/* 0: no timeout; the delayed answer comes */
	ucql_statement *st = slow_stmt(0);
	ucql_resultset *rs = it_run(s, st);
	cr_assert_eq(ucql_resultset_row_count(rs), 0);
	ucql_resultset_free(rs);
	ucql_statement_free(st);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}
