/*
 * Embedded shards (issue 4, proof 11): shards.mode=embedded; the test
 * thread owns its shard, polls it with ucql_shard_poll and submits with
 * ucql_shard_execute (callbacks run inside the poll and submit more).
 * 10,000 requests at depth 256 all complete with their own answers;
 * ucql_shard_fd is pollable: poll(2) reports it readable once completions
 * are waiting.
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

#define N_KEYS 100

static void make_data(const it_mock *m)
{
	ucql_session *admin = it_session(m, 1);
	it_keyspace(admin, "ks", 3);
	it_exec(admin, "CREATE TABLE ks.t (k int PRIMARY KEY, v int)");
	for (int k = 0; k < N_KEYS; k++)
		it_execf(admin, "INSERT INTO ks.t (k, v) VALUES (%d, %d)", k, k * 13);
	ucql_session_close(admin, 5000);
}

static ucql_session *connect_embedded(const it_mock *m, int shards)
{
	ucql_config *cfg = it_config(m, shards);
	it_set(cfg, "shards.mode", "embedded");
	ucql_session *s = it_connect(cfg);
	ucql_config_free(cfg);
	cr_assert_eq(ucql_session_shard_count(s), (unsigned)shards);
	return s;
}

/* ---- a window of requests driven by callbacks ---------------------------------- */

typedef struct driver {
	ucql_shard *sh;
	ucql_statement *st;
	int total;      /* requests to run */
	int submitted;
	int done;
	int failed;
	int wrong;
	int submit_err;
	int in_cb;      /* callbacks must run inside ucql_shard_poll */
	int outside;
	uint8_t *hits;
	pthread_t owner;
	int wrong_thread;
	struct ticket *tickets; /* total of them */
} driver;

typedef struct ticket {
	driver *d;
	int idx;
} ticket;

static void submit_next(driver *d);

static void on_done(ucql_resultset *rs, void *ud)
{
	ticket *t = ud;
	driver *d = t->d;
	if (!d->in_cb)
		d->outside++;
	if (!pthread_equal(pthread_self(), d->owner))
		d->wrong_thread++;
	d->hits[t->idx]++;
	if (ucql_resultset_error_code(rs)) {
		d->failed++;
	} else {
		const ucql_value *row = ucql_resultset_next_row(rs);
		int32_t v = -1;
		if (!row || ucql_value_get_int(row[0], &v) || v != (t->idx % N_KEYS) * 13)
			d->wrong++;
	}
	d->done++;
	submit_next(d); /* from inside the callback: straight to a connection */
}

static void submit_next(driver *d)
{
	if (d->submitted >= d->total)
		return;
	ticket *t = &d->tickets[d->submitted];
	t->d = d;
	t->idx = d->submitted;
	cr_assert_eq(ucql_statement_bind_int32(d->st, 0, t->idx % N_KEYS), 0);
	if (ucql_shard_execute(d->sh, d->st, on_done, t) != 0)
		d->submit_err++;
	d->submitted++;
}

/* Runs d->total requests at `depth` on the calling thread. */
static void drive(driver *d, int depth)
{
	d->owner = pthread_self();
	d->hits = calloc((size_t)d->total, 1);
	d->tickets = calloc((size_t)d->total, sizeof *d->tickets);
	cr_assert(d->hits && d->tickets);
	d->st = ucql_statement_new("SELECT v FROM ks.t WHERE k = ?", 1);
	for (int i = 0; i < depth; i++)
		submit_next(d);
	int64_t deadline = it_now_ms() + 60000;
	while (d->done < d->total && it_now_ms() < deadline) {
		d->in_cb = 1;
		int n = ucql_shard_poll(d->sh, 100);
		d->in_cb = 0;
		cr_assert_geq(n, 0, "poll: %s", ucql_err_name(n));
		cr_assert_leq(ucql_shard_in_flight(d->sh), (size_t)depth);
	}
	ucql_statement_free(d->st);
}

static void check_driver(driver *d)
{
	cr_assert_eq(d->submit_err, 0);
	cr_assert_eq(d->done, d->total, "%d of %d done", d->done, d->total);
	cr_assert_eq(d->failed, 0);
	cr_assert_eq(d->wrong, 0);
	cr_assert_eq(d->outside, 0, "a callback ran outside ucql_shard_poll");
	cr_assert_eq(d->wrong_thread, 0);
	for (int i = 0; i < d->total; i++)
		cr_assert_eq(d->hits[i], 1, "request %d: %d completions", i, d->hits[i]);
	cr_assert_eq(ucql_shard_in_flight(d->sh), 0);
	free(d->hits);
	free(d->tickets);
}

Test(embedded, ten_thousand_at_depth_256, .timeout = 120)
{
	it_mock m;
	it_mock_start_n(&m, 3);
	make_data(&m);
	ucql_session *s = connect_embedded(&m, 1);
	ucql_shard *sh = ucql_session_shard(s, 0);
	cr_assert_eq(ucql_shard_index(sh), 0);
	enum { N = 10000 };
	driver d;
	memset(&d, 0, sizeof d);
	d.sh = sh;
	d.total = N;
	drive(&d, 256);
	check_driver(&d);
	ucql_metrics mt;
	ucql_session_metrics(s, 0, &mt);
	cr_assert_geq(mt.requests, N);
	cr_assert_eq(mt.errors, 0);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

/* ---- the shard's file descriptor ---------------------------------------------- */

typedef struct fd_ctx {
	int done;
	int failed;
} fd_ctx;

static void on_fd_done(ucql_resultset *rs, void *ud)
{
	fd_ctx *c = ud;
	if (ucql_resultset_error_code(rs))
		c->failed++;
	c->done++;
}

Test(embedded, shard_fd_is_pollable, .timeout = 60)
{
	it_mock m;
	it_mock_start_n(&m, 1);
	make_data(&m);
	/* answers come 20 ms late: the application is asleep in poll(2) */
	ucql_session *admin = it_session(&m, 1);
	it_exec(admin, "INSERT INTO ucql_mock.rules (id, table_name, action, delay_ms) VALUES (1, 't', 'delay', 20)");
	ucql_session_close(admin, 5000);
	ucql_session *s = connect_embedded(&m, 1);
	ucql_shard *sh = ucql_session_shard(s, 0);
	cr_assert_eq(ucql_shard_fd(sh), -1, "valid only after the first poll");
	/* the first poll claims the shard and connects */
	cr_assert_geq(ucql_shard_poll(sh, 0), 0);
	int fd = ucql_shard_fd(sh);
	cr_assert_geq(fd, 0);
	fd_ctx c;
	memset(&c, 0, sizeof c);
	ucql_statement *st = ucql_statement_new("SELECT v FROM ks.t WHERE k = 1", 0);
	int woke = 0; /* completions found right after poll(2) said readable */
	for (int round = 0; round < 10; round++) {
		int want = c.done + 1;
		cr_assert_eq(ucql_shard_execute(sh, st, on_fd_done, &c), 0);
		/* the documented loop: poll(2) on the fd, then
		 * ucql_shard_poll(0); bounded */
		cr_assert_geq(ucql_shard_poll(sh, 0), 0);
		for (int tries = 0; c.done < want; tries++) {
			cr_assert_lt(tries, 50, "round %d: readable 50 times, still not complete", round);
			struct pollfd p = { .fd = fd, .events = POLLIN };
			int r = poll(&p, 1, 5000);
			cr_assert_eq(r, 1, "round %d: fd %d not readable after 5 s (the answer came after 20 ms)",
				     round, fd);
			cr_assert(p.revents & POLLIN);
			cr_assert_geq(ucql_shard_poll(sh, 0), 0);
			woke += c.done >= want;
		}
		cr_assert_eq(c.done, want);
	}
	cr_assert_eq(c.failed, 0);
	cr_assert_eq(woke, 10, "only %d of 10 answers were noticed through the fd", woke);
	/* idle: nothing to do, so not readable (else an event loop would spin) */
	for (int i = 0; i < 3; i++)
		cr_assert_geq(ucql_shard_poll(sh, 0), 0);
	struct pollfd idle = { .fd = fd, .events = POLLIN };
	cr_assert_eq(poll(&idle, 1, 50), 0, "the fd is readable with nothing to do");
	ucql_statement_free(st);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

/* ---- ownership ------------------------------------------------------------------- */

typedef struct other_poll {
	ucql_shard *sh;
	int rc;
} other_poll;

static void *poll_from_other(void *arg)
{
	other_poll *o = arg;
	o->rc = ucql_shard_poll(o->sh, 0);
	return NULL;
}

Test(embedded, one_owner_per_shard, .timeout = 60)
{
	it_mock m;
	it_mock_start_n(&m, 1);
	ucql_session *s = connect_embedded(&m, 1);
	ucql_shard *sh = ucql_session_shard(s, 0);
	cr_assert_geq(ucql_shard_poll(sh, 0), 0);
	other_poll o = { sh, 0 };
	pthread_t t;
	cr_assert_eq(pthread_create(&t, NULL, poll_from_other, &o), 0);
	pthread_join(t, NULL);
	cr_assert_eq(o.rc, UCQL_E_INVALID_ARG);
	ucql_session_close(s, 5000);

	/* a threaded session's shard cannot be polled */
	ucql_session *ts = it_session(&m, 1);
	cr_assert_eq(ucql_shard_poll(ucql_session_shard(ts, 0), 0), UCQL_E_INVALID_ARG);
	ucql_session_close(ts, 5000);
	it_mock_stop(&m);
}

/* Two shards, each owned by a thread of its own. */
static void *own_shard(void *arg)
{
	driver *d = arg;
	drive(d, 128);
	return NULL;
}

Test(embedded, two_owner_threads, .timeout = 120)
{
	it_mock m;
	it_mock_start_n(&m, 3);
	make_data(&m);
	ucql_session *s = connect_embedded(&m, 2);
	enum { N = 4000 };
	driver d[2];
	memset(d, 0, sizeof d);
	pthread_t t[2];
	for (int i = 0; i < 2; i++) {
		d[i].sh = ucql_session_shard(s, (unsigned)i);
		d[i].total = N;
		cr_assert_eq(pthread_create(&t[i], NULL, own_shard, &d[i]), 0);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 2; i++)
		check_driver(&d[i]);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}
