/*
 * Stress of the metrics (lib/metrics/) for ThreadSanitizer builds (suite
 * 'tsan'), also run in the normal and ASan builds (suite 'unit').
 *
 * One writer thread — a shard — records latencies and counts requests,
 * as the shard does, with relaxed load + store (no RMW), while reader
 * threads take snapshots, percentiles and merges of the live histogram.
 * TSan reports any plain (non-atomic) access among them; the checks catch
 * a torn or backward-moving count, an in_flight gauge gone "negative",
 * and totals that do not add up once the writer stops.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ucql/common.h"
#include "ucql/metrics.h"
#include "../../lib/metrics/metrics_int.h"
#include "check.h"

enum { REQUESTS = 300000, READERS = 2, WINDOW = 16 };

static ucql__shard_metrics shard;
static atomic_int writer_done;
static atomic_int readers_started; /* the writer starts once all read */
/* Reader failures (CHECK is main-thread only): counted, reported after. */
static atomic_int reader_bad;

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * 0x2545F4914F6CDD1Dull;
}

static void *shard_writer(void *arg)
{
	(void)arg;
	uint64_t x = 1;
	while (atomic_load(&readers_started) < READERS)
		sched_yield();
	for (int i = 0; i < REQUESTS; i++) {
		ucql__metric_add(&shard.submitted, 1);
		ucql__metric_add(&shard.bytes_out, 64);
		if (i >= WINDOW) {
			int code = i % 7 == 0 ? UCQL_E_TIMEOUT : i % 11 == 0 ? UCQL_E_OVERLOADED : 0;
			ucql__metrics_count_completion(&shard, code, 10000 + rnd(&x) % 990000);
			ucql__metric_add(&shard.bytes_in, 100);
		}
	}
	for (int i = 0; i < WINDOW; i++) {
		ucql__metrics_count_completion(&shard, 0, 10000);
		ucql__metric_add(&shard.bytes_in, 100);
	}
	atomic_store(&writer_done, 1);
	return NULL;
}

static void *reader(void *arg)
{
	(void)arg;
	ucql_histogram *copy = ucql_histogram_new();
	uint64_t last_req = 0, last_count = 0;
	unsigned n = 0;
	atomic_fetch_add(&readers_started, 1);
	while (!atomic_load(&writer_done)) {
		ucql_metrics m;
		ucql__metrics_snapshot(&shard, &m);
		if (m.requests < last_req || m.in_flight > REQUESTS)
			atomic_fetch_add(&reader_bad, 1);
		last_req = m.requests;
		uint64_t c = ucql_histogram_count(shard.latency);
		if (c < last_count)
			atomic_fetch_add(&reader_bad, 1);
		last_count = c;
		if (c) {
			uint64_t p = ucql_histogram_percentile(shard.latency, 99.9);
			uint64_t mn = ucql_histogram_min(shard.latency);
			if (p < 10000 || p > 1000000 || mn < 10000 || mn > 1000000)
				atomic_fetch_add(&reader_bad, 1);
		}
		if (n++ % 16 == 0) {
			ucql_histogram_reset(copy);
			ucql_histogram_merge(copy, shard.latency);
			if (ucql_histogram_count(copy) < c)
				atomic_fetch_add(&reader_bad, 1);
			char line[160];
			ucql_histogram_print(copy, line, sizeof line);
		}
	}
	ucql_histogram_free(copy);
	return NULL;
}

static void one_writer_many_readers(void)
{
	CHECK(ucql__metrics_init(&shard) == 0, "init");
	atomic_store(&writer_done, 0);
	atomic_store(&readers_started, 0);
	atomic_store(&reader_bad, 0);
	pthread_t w, r[READERS];
	for (int i = 0; i < READERS; i++)
		pthread_create(&r[i], NULL, reader, NULL);
	pthread_create(&w, NULL, shard_writer, NULL);
	pthread_join(w, NULL);
	for (int i = 0; i < READERS; i++)
		pthread_join(r[i], NULL);
	CHECK(atomic_load(&reader_bad) == 0, "%d bad reads", atomic_load(&reader_bad));
	ucql_metrics m;
	ucql__metrics_snapshot(&shard, &m);
	uint64_t timeouts = 0, server = 0;
	for (int i = WINDOW; i < REQUESTS; i++) {
		timeouts += i % 7 == 0;
		server += i % 7 != 0 && i % 11 == 0;
	}
	CHECK(m.requests == REQUESTS, "requests %llu", (unsigned long long)m.requests);
	CHECK(m.in_flight == 0, "in_flight %llu", (unsigned long long)m.in_flight);
	CHECK(m.errors_timeout == timeouts, "timeouts %llu", (unsigned long long)m.errors_timeout);
	CHECK(m.errors_server == server, "server %llu", (unsigned long long)m.errors_server);
	CHECK(m.errors == timeouts + server, "errors %llu", (unsigned long long)m.errors);
	CHECK(m.bytes_in == 100ull * REQUESTS, "bytes_in %llu", (unsigned long long)m.bytes_in);
	CHECK(ucql_histogram_count(shard.latency) == REQUESTS, "histogram count");
	ucql__metrics_destroy(&shard);
}

/* Several shards' histograms merged by a reader while each is written. */
enum { SHARDS = 3, PER_SHARD = 100000 };
static ucql_histogram *hist[SHARDS];
static atomic_int shards_done;

static void *hist_writer(void *arg)
{
	ucql_histogram *h = arg;
	for (uint64_t i = 0; i < PER_SHARD; i++)
		ucql_histogram_record(h, 1000 + i);
	atomic_fetch_add(&shards_done, 1);
	return NULL;
}

static void merging_reader_over_live_shards(void)
{
	atomic_store(&shards_done, 0);
	pthread_t th[SHARDS];
	for (int i = 0; i < SHARDS; i++) {
		hist[i] = ucql_histogram_new();
		pthread_create(&th[i], NULL, hist_writer, hist[i]);
	}
	ucql_histogram *total = ucql_histogram_new();
	int bad = 0;
	while (atomic_load(&shards_done) < SHARDS) {
		ucql_histogram_reset(total);
		for (int i = 0; i < SHARDS; i++)
			ucql_histogram_merge(total, hist[i]);
		uint64_t mx = ucql_histogram_max(total);
		if (ucql_histogram_count(total) && (mx < 1000 || mx >= 1000 + PER_SHARD))
			bad++;
	}
	for (int i = 0; i < SHARDS; i++)
		pthread_join(th[i], NULL);
	ucql_histogram_reset(total);
	for (int i = 0; i < SHARDS; i++)
		ucql_histogram_merge(total, hist[i]);
	CHECK(bad == 0, "%d bad merges", bad);
	CHECK(ucql_histogram_count(total) == (uint64_t)SHARDS * PER_SHARD, "merged count");
	CHECK(ucql_histogram_min(total) == 1000, "merged min");
	CHECK(ucql_histogram_max(total) == 1000 + PER_SHARD - 1, "merged max");
	for (int i = 0; i < SHARDS; i++)
		ucql_histogram_free(hist[i]);
	ucql_histogram_free(total);
}

int main(void)
{
	check_init(600);
	check_run("one shard writing, two readers snapshotting", one_writer_many_readers);
	check_run("merging live shard histograms", merging_reader_over_live_shards);
	return check_done();
}
