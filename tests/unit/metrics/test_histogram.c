/*
 * The latency histogram: bucket precision over the whole uint64_t range,
 * percentiles against an exact sorted reference, merging, printing, and a
 * concurrent reader (run under TSan to check the relaxed-atomic design).
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "ucql/metrics.h"

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * 0x2545F4914F6CDD1Dull;
}

/* Log-uniform over [0, 2^bits): every power of two is hit as often. */
static uint64_t rnd_log(uint64_t *x, unsigned bits)
{
	unsigned b = (unsigned)(rnd(x) % (bits + 1));
	if (b == 0)
		return 0;
	uint64_t top = (uint64_t)1 << (b - 1);
	return top | (rnd(x) & (top - 1));
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

Test(histogram, empty)
{
	ucql_histogram *h = ucql_histogram_new();
	cr_assert_not_null(h);
	cr_assert_eq(ucql_histogram_count(h), 0);
	cr_assert_eq(ucql_histogram_min(h), 0);
	cr_assert_eq(ucql_histogram_max(h), 0);
	cr_assert_eq(ucql_histogram_mean(h), 0.0);
	cr_assert_eq(ucql_histogram_percentile(h, 0), 0);
	cr_assert_eq(ucql_histogram_percentile(h, 50), 0);
	cr_assert_eq(ucql_histogram_percentile(h, 100), 0);
	char buf[128];
	ucql_histogram_print(h, buf, sizeof buf);
	cr_assert_str_eq(buf, "count=0 min=0.0 p50=0.0 p90=0.0 p99=0.0 p99.9=0.0 max=0.0");
	ucql_histogram_free(h);
	ucql_histogram_free(NULL);
}

/* With {v, v, huge}, p50 is v's bucket's upper edge (not clamped by max):
 * it must hold v and be within 1/64 of it. */
static void check_bucket_of(uint64_t v)
{
	ucql_histogram *h = ucql_histogram_new();
	ucql_histogram_record(h, v);
	ucql_histogram_record(h, v);
	ucql_histogram_record(h, UINT64_MAX);
	uint64_t up = ucql_histogram_percentile(h, 50);
	cr_assert_geq(up, v, "v=%llu up=%llu", (unsigned long long)v, (unsigned long long)up);
	cr_assert_leq(up - v, v / 64, "v=%llu up=%llu", (unsigned long long)v,
		      (unsigned long long)up);
	if (v < 128)
		cr_assert_eq(up, v, "values below 128 are exact");
	ucql_histogram_free(h);
}

Test(histogram, every_value_within_one_64th)
{
	for (uint64_t v = 0; v < 1000; v++)
		check_bucket_of(v);
	for (unsigned b = 1; b < 64; b++) {
		uint64_t p = (uint64_t)1 << b;
		check_bucket_of(p - 1);
		check_bucket_of(p);
		check_bucket_of(p + 1);
		check_bucket_of(p + p / 2);
	}
	check_bucket_of(UINT64_MAX - 1);
	uint64_t x = 42;
	for (int i = 0; i < 20000; i++)
		check_bucket_of(rnd_log(&x, 64));
}

Test(histogram, bucket_edges_are_monotonic)
{
	/* Recording a larger value never gives a smaller upper edge; one hour
	 * in ns (~2^41.7) is covered with full precision. */
	ucql_histogram *h = ucql_histogram_new();
	uint64_t prev = 0;
	for (uint64_t v = 1; v < 3600ull * 1000000000ull * 4; v += v / 97 + 1) {
		ucql_histogram_reset(h);
		ucql_histogram_record(h, v);
		ucql_histogram_record(h, v);
		ucql_histogram_record(h, UINT64_MAX);
		uint64_t up = ucql_histogram_percentile(h, 50);
		cr_assert_geq(up, prev);
		prev = up;
	}
	ucql_histogram_free(h);
}

Test(histogram, percentiles_match_a_sorted_reference)
{
	enum { N = 100000 };
	uint64_t *v = malloc(N * sizeof *v);
	cr_assert_not_null(v);
	ucql_histogram *h = ucql_histogram_new();
	uint64_t x = 7, sum = 0, mn = UINT64_MAX, mx = 0;
	for (int i = 0; i < N; i++) {
		/* Latency-like: mostly 50-500 µs, a tail to seconds. */
		v[i] = rnd(&x) % 16 ? 50000 + rnd(&x) % 450000 : rnd_log(&x, 31);
		ucql_histogram_record(h, v[i]);
		sum += v[i];
		mn = v[i] < mn ? v[i] : mn;
		mx = v[i] > mx ? v[i] : mx;
	}
	qsort(v, N, sizeof *v, cmp_u64);
	cr_assert_eq(ucql_histogram_count(h), N);
	cr_assert_eq(ucql_histogram_min(h), mn);
	cr_assert_eq(ucql_histogram_max(h), mx);
	cr_assert_float_eq(ucql_histogram_mean(h), (double)sum / N, 1e-6);
	static const double ps[] = { 0.001, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 99.999 };
	for (size_t k = 0; k < sizeof ps / sizeof *ps; k++) {
		uint64_t rank = (uint64_t)(ps[k] / 100.0 * N + 0.5);
		if (rank < 1)
			rank = 1;
		uint64_t exact = v[rank - 1];
		uint64_t got = ucql_histogram_percentile(h, ps[k]);
		cr_assert_geq(got, exact, "p%g", ps[k]);
		cr_assert_leq(got - exact, exact / 64, "p%g: %llu vs %llu", ps[k],
			      (unsigned long long)got, (unsigned long long)exact);
		cr_assert_leq(got, mx);
	}
	cr_assert_eq(ucql_histogram_percentile(h, 0), mn);
	cr_assert_eq(ucql_histogram_percentile(h, -5), mn);
	cr_assert_eq(ucql_histogram_percentile(h, 100), mx);
	cr_assert_eq(ucql_histogram_percentile(h, 250), mx);
	ucql_histogram_free(h);
	free(v);
}

Test(histogram, small_sets)
{
	ucql_histogram *h = ucql_histogram_new();
	ucql_histogram_record(h, 1500);
	cr_assert_eq(ucql_histogram_percentile(h, 50), 1500, "clamped to the maximum");
	cr_assert_eq(ucql_histogram_percentile(h, 99.9), 1500);
	ucql_histogram_record(h, 10);
	/* Two values: p50 is the first (rank 1), p75 and up the second. */
	cr_assert_eq(ucql_histogram_percentile(h, 50), 10);
	cr_assert_eq(ucql_histogram_percentile(h, 75), 1500);
	cr_assert_eq(ucql_histogram_min(h), 10);
	cr_assert_float_eq(ucql_histogram_mean(h), 755.0, 1e-9);

	/* 0 .. 9 (exact buckets): rank = p/100 * 10 rounded to nearest. */
	ucql_histogram_reset(h);
	ucql_histogram_record(h, 5);
	ucql_histogram_record(h, 0);
	cr_assert_eq(ucql_histogram_min(h), 0);
	for (uint64_t v = 1; v < 10; v++)
		if (v != 5)
			ucql_histogram_record(h, v);
	cr_assert_eq(ucql_histogram_count(h), 10);
	cr_assert_eq(ucql_histogram_percentile(h, 10), 0);
	cr_assert_eq(ucql_histogram_percentile(h, 34), 2);  /* rank 3.4 -> 3 */
	cr_assert_eq(ucql_histogram_percentile(h, 35), 3);  /* rank 3.5 -> 4 */
	cr_assert_eq(ucql_histogram_percentile(h, 96), 9);  /* rank 9.6 -> 10 */
	cr_assert_eq(ucql_histogram_percentile(h, 0.1), 0); /* rank >= 1 */
	ucql_histogram_free(h);
}

Test(histogram, merge_equals_recording_everything_in_one)
{
	ucql_histogram *a = ucql_histogram_new(), *b = ucql_histogram_new();
	ucql_histogram *all = ucql_histogram_new(), *m = ucql_histogram_new();
	uint64_t x = 99;
	for (int i = 0; i < 50000; i++) {
		uint64_t v = rnd_log(&x, 40);
		ucql_histogram_record(i % 3 ? a : b, v);
		ucql_histogram_record(all, v);
	}
	ucql_histogram_merge(m, a); /* into empty */
	ucql_histogram_merge(m, b);
	ucql_histogram *empty = ucql_histogram_new();
	ucql_histogram_merge(m, empty); /* empty in: no change */
	cr_assert_eq(ucql_histogram_count(m), 50000);
	cr_assert_eq(ucql_histogram_count(m), ucql_histogram_count(all));
	cr_assert_eq(ucql_histogram_min(m), ucql_histogram_min(all));
	cr_assert_eq(ucql_histogram_max(m), ucql_histogram_max(all));
	cr_assert_float_eq(ucql_histogram_mean(m), ucql_histogram_mean(all), 1e-9);
	for (double p = 0; p <= 100.0; p += 0.5)
		cr_assert_eq(ucql_histogram_percentile(m, p), ucql_histogram_percentile(all, p),
			     "p%g", p);
	/* src unchanged. */
	cr_assert_eq(ucql_histogram_count(a) + ucql_histogram_count(b), 50000);
	ucql_histogram_free(a);
	ucql_histogram_free(b);
	ucql_histogram_free(all);
	ucql_histogram_free(m);
	ucql_histogram_free(empty);
}

Test(histogram, reset)
{
	ucql_histogram *h = ucql_histogram_new();
	for (uint64_t v = 1; v < 1000; v++)
		ucql_histogram_record(h, v * 1000);
	ucql_histogram_reset(h);
	cr_assert_eq(ucql_histogram_count(h), 0);
	cr_assert_eq(ucql_histogram_max(h), 0);
	cr_assert_eq(ucql_histogram_percentile(h, 50), 0);
	ucql_histogram_record(h, 42);
	cr_assert_eq(ucql_histogram_min(h), 42);
	cr_assert_eq(ucql_histogram_max(h), 42);
	cr_assert_eq(ucql_histogram_percentile(h, 1), 42);
	ucql_histogram_free(h);
}

Test(histogram, print)
{
	ucql_histogram *h = ucql_histogram_new();
	/* 1..1000 µs: exact percentiles 500, 900, 990, 999 µs; buckets at
	 * those sizes are 8-16 µs wide. */
	for (uint64_t us = 1; us <= 1000; us++)
		ucql_histogram_record(h, us * 1000);
	char buf[160];
	int n = ucql_histogram_print(h, buf, sizeof buf);
	cr_assert_eq(n, (int)strlen(buf));
	cr_assert_str_eq(buf, "count=1000 min=1.0 p50=503.8 p90=901.1 p99=991.2 p99.9=999.4 "
			      "max=1000.0");
	/* Truncation: like snprintf. */
	char small[10];
	cr_assert_eq(ucql_histogram_print(h, small, sizeof small), n);
	cr_assert_str_eq(small, "count=100");
	cr_assert_eq(ucql_histogram_print(h, NULL, 0), n);
	ucql_histogram_free(h);
}

/* ---- one writer, concurrent readers ------------------------------------ */

struct race {
	ucql_histogram *h;
	atomic_int done;
	uint64_t n;
};

static void *writer(void *arg)
{
	struct race *r = arg;
	uint64_t x = 5;
	for (uint64_t i = 0; i < r->n; i++)
		ucql_histogram_record(r->h, 1000 + rnd(&x) % 1000000);
	atomic_store(&r->done, 1);
	return NULL;
}

Test(histogram, concurrent_reader_sees_whole_counts)
{
	struct race r = { .h = ucql_histogram_new(), .n = 300000 };
	ucql_histogram *snap = ucql_histogram_new();
	pthread_t th;
	cr_assert_eq(pthread_create(&th, NULL, writer, &r), 0);
	uint64_t last = 0;
	unsigned reads = 0;
	/* Bounded by the writer's finite loop; no timing involved. */
	while (!atomic_load(&r.done)) {
		uint64_t c = ucql_histogram_count(r.h);
		cr_assert_geq(c, last, "count went back");
		last = c;
		if (c) {
			uint64_t mx = ucql_histogram_max(r.h), p = ucql_histogram_percentile(r.h, 99);
			uint64_t mn = ucql_histogram_min(r.h);
			cr_assert(mn >= 1000 && mn < 1001000, "min %llu", (unsigned long long)mn);
			cr_assert(p >= 1000 && p <= 1001000, "p99 %llu", (unsigned long long)p);
			cr_assert_leq(mx, 1001000u);
		}
		/* Merging a live histogram keeps the copy self-consistent. */
		if (reads++ % 64 == 0) {
			ucql_histogram_reset(snap);
			ucql_histogram_merge(snap, r.h);
			cr_assert_geq(ucql_histogram_count(snap), c);
		}
	}
	pthread_join(th, NULL);
	cr_assert_eq(ucql_histogram_count(r.h), r.n);
	ucql_histogram_reset(snap);
	ucql_histogram_merge(snap, r.h);
	cr_assert_eq(ucql_histogram_count(snap), r.n);
	cr_assert_eq(ucql_histogram_percentile(snap, 50), ucql_histogram_percentile(r.h, 50));
	ucql_histogram_free(r.h);
	ucql_histogram_free(snap);
}
