/*
 * The whole driver under many application threads (suite 'tsan', and
 * 'unit' without TSan): a 3-node ucql-mock in-process, a session with 2
 * threaded shards, and 6 threads that at the same time
 *  - execute with futures and wait, or poll, or set callbacks;
 *  - execute with callbacks, retaining some result sets and freeing them
 *    on their own thread (slot and receive-buffer returns across threads);
 *  - prepare the same texts (the shared cache) and execute bound
 *    statements;
 *  - read metrics and the latency histogram.
 * Every request must complete exactly once with the right answer, and
 * TSan must see no race. Bounded: a fixed number of requests per thread
 * and a hang guard.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "mockcluster.h"
#include "ucql/ucql.h"

#define THREADS 6
#define PER_THREAD 600

static ucql_session *sess;
static ucql_prepared_stmt *shared_prep;
static _Atomic long completions, wrong, cb_errors;
static _Atomic int held_n;
static ucql_resultset *held[THREADS * PER_THREAD];

static int check_row(ucql_resultset *rs, int32_t k)
{
	if (ucql_resultset_error_code(rs))
		return 0;
	const ucql_value *row = ucql_resultset_next_row(rs);
	int32_t got;
	return row && ucql_value_get_int(row[0], &got) == 0 && got == k * 10;
}

typedef struct cbctx {
	int32_t k;
	_Atomic int done;
} cbctx;

static void on_result(ucql_resultset *rs, void *ud)
{
	cbctx *c = ud;
	if (atomic_fetch_add(&c->done, 1) != 0)
		atomic_fetch_add(&wrong, 1000); /* completed twice */
	if (!check_row(rs, c->k))
		atomic_fetch_add(&cb_errors, 1);
	/* keep every 7th result beyond the callback: freed by another
	 * thread later, which sends its slot and buffer back across */
	if (c->k % 7 == 0) {
		int i = atomic_fetch_add(&held_n, 1);
		held[i] = ucql_resultset_retain(rs);
	}
	atomic_fetch_add(&completions, 1);
}

static void *worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	char q[128];
	static cbctx ctx[THREADS][PER_THREAD];
	ucql_prepared_stmt *mine = NULL;
	char err[256];
	/* every thread prepares the same text: one cached statement */
	if (ucql_session_prepare_sync(sess, "SELECT v FROM ks.t WHERE k = ?", &mine, err, sizeof err))
		atomic_fetch_add(&wrong, 1);
	for (int i = 0; i < PER_THREAD; i++) {
		int32_t k = (id * PER_THREAD + i) % 100;
		switch (i % 4) {
		case 0: { /* future + wait */
			snprintf(q, sizeof q, "SELECT v FROM ks.t WHERE k = %d", k);
			ucql_statement *st = ucql_statement_new(q, 0);
			ucql_future *f = ucql_session_execute_future(sess, st);
			ucql_statement_free(st);
			ucql_future_wait(f);
			ucql_resultset *rs = ucql_future_result(f);
			if (!check_row(rs, k))
				atomic_fetch_add(&wrong, 1);
			ucql_resultset_free(rs);
			ucql_future_free(f);
			atomic_fetch_add(&completions, 1);
			break;
		}
		case 1: { /* prepared, bound, future freed before completion */
			ucql_statement *st = ucql_prepared_stmt_bind(mine ? mine : shared_prep);
			ucql_statement_bind_int32(st, 0, k);
			ucql_future *f = ucql_session_execute_future(sess, st);
			ucql_statement_free(st);
			if (i % 8 == 1) {
				ucql_future_free(f); /* the request still completes */
			} else {
				while (!ucql_future_ready(f))
					sched_yield();
				ucql_resultset *rs = ucql_future_result(f);
				if (!check_row(rs, k))
					atomic_fetch_add(&wrong, 1);
				ucql_resultset_free(rs);
				ucql_future_free(f);
			}
			atomic_fetch_add(&completions, 1);
			break;
		}
		default: { /* callback on the shard thread */
			cbctx *c = &ctx[id][i];
			c->k = k;
			atomic_store(&c->done, 0);
			ucql_statement *st = ucql_prepared_stmt_bind(shared_prep);
			ucql_statement_bind_int32(st, 0, k);
			if (ucql_session_execute(sess, st, on_result, c))
				atomic_fetch_add(&wrong, 1);
			ucql_statement_free(st);
			break;
		}
		}
		if (i % 50 == 0) {
			ucql_metrics m;
			ucql_session_metrics(sess, -1, &m);
			ucql_histogram *h = ucql_histogram_new();
			ucql_session_latency(sess, -1, h);
			ucql_histogram_free(h);
		}
	}
	ucql_prepared_stmt_free(mine);
	return NULL;
}

static void scenario(void)
{
	mock_options o;
	mock_options_init(&o);
	o.nodes = 3;
	mock_run *run = NULL;
	char err[256];
	int port = 0;
	for (int k = 0; k < 20 && !run; k++) {
		o.port = 26042 + (getpid() % 500) * 4 + k;
		if (mock_run_start(&o, &run, err, sizeof err))
			run = NULL;
		else
			port = o.port;
	}
	CHECK(run != NULL, "mock: %s", err);
	if (!run)
		return;
	ucql_config *cfg = ucql_config_new();
	char ps[16];
	snprintf(ps, sizeof ps, "%d", port);
	ucql_config_set(cfg, "port", ps, NULL, 0);
	ucql_config_set(cfg, "shards", "2", NULL, 0);
	ucql_config_set(cfg, "shards.pin", "false", NULL, 0);
	int rc = ucql_session_connect(cfg, &sess, err, sizeof err);
	ucql_config_free(cfg);
	CHECK(rc == 0, "connect: %s", err);
	if (rc) {
		mock_run_stop(run);
		return;
	}
	ucql_resultset_free(ucql_session_query(sess, "CREATE KEYSPACE ks WITH replication = "
						      "{'class': 'SimpleStrategy', 'replication_factor': 3}"));
	ucql_resultset_free(ucql_session_query(sess, "CREATE TABLE ks.t (k int PRIMARY KEY, v int)"));
	for (int k = 0; k < 100; k++) {
		char q[96];
		snprintf(q, sizeof q, "INSERT INTO ks.t (k, v) VALUES (%d, %d)", k, k * 10);
		ucql_resultset *rs = ucql_session_query(sess, q);
		CHECK(rs && ucql_resultset_error_code(rs) == 0, "insert %d", k);
		ucql_resultset_free(rs);
	}
	rc = ucql_session_prepare_sync(sess, "SELECT v FROM ks.t WHERE k = ?", &shared_prep, err, sizeof err);
	CHECK(rc == 0, "prepare: %s", err);
	if (rc) {
		ucql_session_close(sess, 1000);
		mock_run_stop(run);
		return;
	}
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	/* callbacks may still be running: wait for every completion */
	for (int spins = 0; atomic_load(&completions) < THREADS * PER_THREAD && spins < 60000; spins++)
		usleep(1000);
	CHECK(atomic_load(&completions) == THREADS * PER_THREAD, "%ld of %d completed",
	      atomic_load(&completions), THREADS * PER_THREAD);
	CHECK(atomic_load(&wrong) == 0, "%ld wrong answers or double completions", atomic_load(&wrong));
	CHECK(atomic_load(&cb_errors) == 0, "%ld callbacks got a wrong row", atomic_load(&cb_errors));
	/* held result sets are freed on this thread, some before and some
	 * after the close (they may outlive the session) */
	int n = atomic_load(&held_n);
	CHECK(n > 0, "no result set was held");
	for (int i = 0; i < n / 2; i++) {
		CHECK(ucql_resultset_error_code(held[i]) == 0, "held %d", i);
		ucql_resultset_free(held[i]);
	}
	ucql_prepared_stmt_free(shared_prep);
	ucql_session_close(sess, 2000);
	for (int i = n / 2; i < n; i++) {
		ucql_resultset_rewind(held[i]);
		const ucql_value *row = ucql_resultset_next_row(held[i]);
		CHECK(row != NULL, "held result %d lost its row after close", i);
		ucql_resultset_free(held[i]);
	}
	mock_run_stop(run);
}

int main(void)
{
	check_init(300);
	check_run("session: 6 threads, futures, callbacks, shared prepared statements", scenario);
	return check_done();
}
