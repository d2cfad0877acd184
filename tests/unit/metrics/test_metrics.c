/*
 * A shard's counters: error-kind mapping, the in_flight gauge, snapshots
 * and sums, and a snapshot taken while the shard counts (TSan-clean).
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "ucql/common.h"
#include "../../../lib/metrics/metrics_int.h"

Test(metrics, init_and_destroy)
{
	ucql__shard_metrics m;
	memset(&m, 0xab, sizeof m);
	cr_assert_eq(ucql__metrics_init(&m), 0);
	cr_assert_not_null(m.latency);
	ucql_metrics s;
	ucql__metrics_snapshot(&m, &s);
	ucql_metrics zero;
	memset(&zero, 0, sizeof zero);
	cr_assert_eq(memcmp(&s, &zero, sizeof s), 0);
	ucql__metrics_destroy(&m);
	cr_assert_null(m.latency);
	ucql__metrics_destroy(&m); /* twice: harmless */
}

Test(metrics, completion_kinds)
{
	static const struct {
		int code;
		int kind; /* 0 ok, 1 server, 2 timeout, 3 connection, 4 other */
	} cases[] = {
		{ UCQL_OK, 0 },
		{ UCQL_E_INVALID, 1 },
		{ UCQL_E_UNAVAILABLE, 1 },
		{ UCQL_E_SERVER_ERROR, 1 },
		{ UCQL_E_TIMEOUT, 2 },
		{ UCQL_E_CONNECTION, 3 },
		{ UCQL_E_NO_HOSTS, 3 },
		{ UCQL_E_CLOSED, 4 },
		{ UCQL_E_INVALID_ARG, 4 },
		{ UCQL_E_QUEUE_FULL, 4 },
		{ UCQL_E_SERVER_PROTOCOL, 4 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		ucql__shard_metrics m;
		cr_assert_eq(ucql__metrics_init(&m), 0);
		ucql__metric_add(&m.submitted, 1);
		ucql__metrics_count_completion(&m, cases[i].code, 12345);
		ucql_metrics s;
		ucql__metrics_snapshot(&m, &s);
		int k = cases[i].kind;
		cr_assert_eq(s.requests, 1);
		cr_assert_eq(s.in_flight, 0);
		cr_assert_eq(s.errors, k != 0, "code %d", cases[i].code);
		cr_assert_eq(s.errors_server, k == 1, "code %d", cases[i].code);
		cr_assert_eq(s.errors_timeout, k == 2, "code %d", cases[i].code);
		cr_assert_eq(s.errors_connection, k == 3, "code %d", cases[i].code);
		cr_assert_eq(s.errors_other, k == 4, "code %d", cases[i].code);
		cr_assert_eq(ucql_histogram_count(m.latency), 1);
		cr_assert_eq(ucql_histogram_max(m.latency), 12345);
		ucql__metrics_destroy(&m);
	}
}

Test(metrics, snapshot_copies_every_counter)
{
	ucql__shard_metrics m;
	cr_assert_eq(ucql__metrics_init(&m), 0);
	ucql__metric_add(&m.submitted, 10);
	for (int i = 0; i < 7; i++)
		ucql__metrics_count_completion(&m, i == 3 ? UCQL_E_TIMEOUT : 0, 1000 * (uint64_t)i);
	ucql__metric_add(&m.bytes_in, 1000);
	ucql__metric_add(&m.bytes_out, 2000);
	ucql__metric_add(&m.io_uring_enter, 3);
	ucql__metric_add(&m.wakeups, 4);
	ucql__metric_add(&m.reprepares, 5);
	ucql__metric_add(&m.connections_opened, 6);
	ucql__metric_add(&m.connections_closed, 2);
	ucql_metrics s;
	memset(&s, 0xff, sizeof s); /* reserved must come back zero */
	ucql__metrics_snapshot(&m, &s);
	cr_assert_eq(s.requests, 7);
	cr_assert_eq(s.in_flight, 3);
	cr_assert_eq(s.errors, 1);
	cr_assert_eq(s.errors_timeout, 1);
	cr_assert_eq(s.bytes_in, 1000);
	cr_assert_eq(s.bytes_out, 2000);
	cr_assert_eq(s.io_uring_enter, 3);
	cr_assert_eq(s.wakeups, 4);
	cr_assert_eq(s.reprepares, 5);
	cr_assert_eq(s.connections_opened, 6);
	cr_assert_eq(s.connections_closed, 2);
	for (int i = 0; i < 16; i++)
		cr_assert_eq(s.reserved[i], 0);
	/* A completion never counted as submitted: the gauge stays at 0. */
	for (int i = 0; i < 5; i++)
		ucql__metrics_count_completion(&m, 0, 1);
	ucql__metrics_snapshot(&m, &s);
	cr_assert_eq(s.in_flight, 0);
	ucql__metrics_destroy(&m);
}

Test(metrics, accumulate_sums_every_field)
{
	ucql_metrics a, b;
	uint64_t *pa = (uint64_t *)&a, *pb = (uint64_t *)&b;
	size_t n = sizeof a / sizeof(uint64_t);
	for (size_t i = 0; i < n; i++) {
		pa[i] = i + 1;
		pb[i] = 1000 * (i + 1);
	}
	ucql__metrics_accumulate(&a, &b);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(pa[i], 1001 * (i + 1), "field %zu", i);
	cr_assert_eq(a.requests, 1001);
	cr_assert_eq(a.connections_closed, 1001 * 14);
}

/* ---- threads ------------------------------------------------------------ */

enum { SHARD_REQUESTS = 200000 };

struct shard_sim {
	ucql__shard_metrics m;
	atomic_int done;
};

/* The shard: takes a request in, completes it a little later. */
static void *shard_thread(void *arg)
{
	struct shard_sim *s = arg;
	for (int i = 0; i < SHARD_REQUESTS; i++) {
		ucql__metric_add(&s->m.submitted, 1);
		ucql__metric_add(&s->m.bytes_out, 100);
		if (i >= 8) /* keep 8 in flight */
			ucql__metrics_count_completion(&s->m, i % 10 == 0 ? UCQL_E_TIMEOUT : 0,
						       1000 + (uint64_t)i % 5000);
	}
	for (int i = 0; i < 8; i++)
		ucql__metrics_count_completion(&s->m, 0, 1000);
	atomic_store(&s->done, 1);
	return NULL;
}

Test(metrics, snapshot_while_the_shard_counts)
{
	static struct shard_sim s;
	cr_assert_eq(ucql__metrics_init(&s.m), 0);
	atomic_store(&s.done, 0);
	pthread_t th;
	cr_assert_eq(pthread_create(&th, NULL, shard_thread, &s), 0);
	uint64_t last = 0;
	while (!atomic_load(&s.done)) {
		ucql_metrics snap;
		ucql__metrics_snapshot(&s.m, &snap);
		/* Never "negative" (a huge uint64_t): submitted is read after
		 * requests, with acquire on requests. */
		cr_assert_leq(snap.in_flight, (uint64_t)SHARD_REQUESTS);
		cr_assert_geq(snap.requests, last);
		last = snap.requests;
		cr_assert_leq(snap.errors, snap.requests + SHARD_REQUESTS / 10);
	}
	pthread_join(th, NULL);
	ucql_metrics snap;
	ucql__metrics_snapshot(&s.m, &snap);
	cr_assert_eq(snap.requests, SHARD_REQUESTS);
	cr_assert_eq(snap.in_flight, 0);
	uint64_t timeouts = 0;
	for (int i = 8; i < SHARD_REQUESTS; i++)
		timeouts += i % 10 == 0;
	cr_assert_eq(snap.errors_timeout, timeouts);
	cr_assert_eq(snap.errors, timeouts);
	cr_assert_eq(snap.bytes_out, 100ull * SHARD_REQUESTS);
	cr_assert_eq(ucql_histogram_count(s.m.latency), SHARD_REQUESTS);
	ucql__metrics_destroy(&s.m);
}

static _Atomic uint64_t shared_counter;

static void *bump_shared(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100000; i++)
		ucql__metric_add_shared(&shared_counter, 1);
	return NULL;
}

Test(metrics, shared_counter_loses_nothing)
{
	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		cr_assert_eq(pthread_create(&th[i], NULL, bump_shared, NULL), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	cr_assert_eq(atomic_load(&shared_counter), 400000);
}
