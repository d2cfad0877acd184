/*
 * histogram.c — a mergeable log-linear latency histogram (HdrHistogram's
 * bucket layout with 64 sub-buckets per power of two).
 *
 * Layout. Values below 128 have a bucket each (exact). A value v >= 128
 * whose top set bit is bit m falls in bucket (m-6)*64 + (v >> (m-6)): its
 * 7 leading bits select one of 64 equal sub-buckets of [2^m, 2^(m+1)),
 * each 2^(m-6) wide, so a bucket is at most 1/64 of the values it holds.
 * Writing s = max(m, 6) - 6, both cases are idx = s*64 + (v >> s), and s
 * comes from one clz of (v | 64): no branch, no loop, no division. Bucket
 * indexes run from 0 to 57*64 + 127 = 3775 for v = 2^64-1: the whole
 * uint64_t range, identical in every histogram, so merging adds counts.
 *
 * Concurrency. One writer (a shard, a stress worker) and any number of
 * readers. Every field is an _Atomic uint64_t; the writer updates each
 * with a relaxed load and a relaxed store — a plain load, add and store
 * (no lock prefix), correct because nobody else writes — and readers load
 * relaxed, so no count is ever torn and TSan sees no race. `count` is
 * stored last with release and loaded first with acquire: a reader that
 * sees count = n also sees the buckets, sum, min and max of those n
 * records (it may see parts of later ones too — a snapshot may be
 * slightly inconsistent between fields, never wrong per field).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "ucql/metrics.h"

#define SUB_BITS 6
#define SUB_COUNT (1u << SUB_BITS)
/* s ranges 0..(63 - SUB_BITS), each adding SUB_COUNT buckets to the first
 * 2 * SUB_COUNT. */
#define NBUCKETS ((64u - SUB_BITS + 1u) * SUB_COUNT)

struct ucql_histogram {
	_Atomic uint64_t count; /* release-stored last by the writer */
	_Atomic uint64_t sum;
	_Atomic uint64_t min; /* UINT64_MAX when empty */
	_Atomic uint64_t max;
	_Atomic uint64_t buckets[NBUCKETS];
};

static inline uint64_t ld(const _Atomic uint64_t *p)
{
	return atomic_load_explicit(p, memory_order_relaxed);
}

static inline void st(_Atomic uint64_t *p, uint64_t v)
{
	atomic_store_explicit(p, v, memory_order_relaxed);
}

/* Single-writer add: not an atomic RMW (see the top comment). */
static inline void add(_Atomic uint64_t *p, uint64_t n)
{
	st(p, ld(p) + n);
}

static inline unsigned bucket_of(uint64_t v)
{
	/* v | SUB_COUNT is never 0, so clz is defined; its top bit is
	 * max(m, SUB_BITS). */
	unsigned s = (unsigned)(63 - __builtin_clzll(v | SUB_COUNT)) - SUB_BITS;
	return (s << SUB_BITS) + (unsigned)(v >> s);
}

/* The largest value that falls in bucket idx. */
static uint64_t bucket_upper(unsigned idx)
{
	if (idx < 2 * SUB_COUNT)
		return idx;
	unsigned s = (idx >> SUB_BITS) - 1;
	uint64_t sub = idx - ((uint64_t)s << SUB_BITS); /* SUB_COUNT .. 2*SUB_COUNT-1 */
	/* For the last bucket (sub+1) << s is 2^64, which wraps to 0; minus
	 * one is then UINT64_MAX, the right answer. */
	return ((sub + 1) << s) - 1;
}

ucql_histogram *ucql_histogram_new(void)
{
	ucql_histogram *h = calloc(1, sizeof *h);
	if (h)
		st(&h->min, UINT64_MAX);
	return h;
}

void ucql_histogram_free(ucql_histogram *h)
{
	free(h);
}

void ucql_histogram_record(ucql_histogram *h, uint64_t ns)
{
	add(&h->buckets[bucket_of(ns)], 1);
	add(&h->sum, ns);
	if (ns < ld(&h->min))
		st(&h->min, ns);
	if (ns > ld(&h->max))
		st(&h->max, ns);
	/* Publishes the fields above to readers that load count with acquire
	 * (a plain store on x86). */
	atomic_store_explicit(&h->count, ld(&h->count) + 1, memory_order_release);
}

void ucql_histogram_merge(ucql_histogram *dst, const ucql_histogram *src)
{
	/* Acquire: everything src's writer recorded up to this count is
	 * visible below. dst's count is the sum of the buckets actually added,
	 * so dst stays self-consistent even if src is being recorded into. */
	if (!atomic_load_explicit(&src->count, memory_order_acquire))
		return;
	uint64_t total = 0;
	for (unsigned i = 0; i < NBUCKETS; i++) {
		uint64_t c = ld(&src->buckets[i]);
		if (c) {
			add(&dst->buckets[i], c);
			total += c;
		}
	}
	add(&dst->sum, ld(&src->sum));
	uint64_t mn = ld(&src->min), mx = ld(&src->max);
	if (mn < ld(&dst->min))
		st(&dst->min, mn);
	if (mx > ld(&dst->max))
		st(&dst->max, mx);
	atomic_store_explicit(&dst->count, ld(&dst->count) + total, memory_order_release);
}

void ucql_histogram_reset(ucql_histogram *h)
{
	atomic_store_explicit(&h->count, 0, memory_order_release);
	for (unsigned i = 0; i < NBUCKETS; i++)
		st(&h->buckets[i], 0);
	st(&h->sum, 0);
	st(&h->min, UINT64_MAX);
	st(&h->max, 0);
}

uint64_t ucql_histogram_count(const ucql_histogram *h)
{
	return atomic_load_explicit(&h->count, memory_order_acquire);
}

uint64_t ucql_histogram_min(const ucql_histogram *h)
{
	if (!ucql_histogram_count(h))
		return 0;
	uint64_t mn = ld(&h->min);
	return mn == UINT64_MAX && !ld(&h->max) ? 0 : mn; /* racing a reset */
}

uint64_t ucql_histogram_max(const ucql_histogram *h)
{
	if (!ucql_histogram_count(h))
		return 0;
	return ld(&h->max);
}

double ucql_histogram_mean(const ucql_histogram *h)
{
	uint64_t n = ucql_histogram_count(h);
	return n ? (double)ld(&h->sum) / (double)n : 0.0;
}

uint64_t ucql_histogram_percentile(const ucql_histogram *h, double p)
{
	uint64_t total = ucql_histogram_count(h);
	if (!total)
		return 0;
	if (!(p > 0.0)) /* also NaN */
		return ucql_histogram_min(h);
	uint64_t mx = ld(&h->max);
	if (p >= 100.0)
		return mx;
	/* Rank rounded to nearest, as HdrHistogram's getValueAtPercentile:
	 * p99.9 of 1000 values is the 999th, not the maximum. */
	double r = p / 100.0 * (double)total + 0.5;
	uint64_t rank = (uint64_t)r;
	if (rank < 1)
		rank = 1;
	if (rank > total)
		rank = total;
	uint64_t seen = 0;
	for (unsigned i = 0; i < NBUCKETS; i++) {
		seen += ld(&h->buckets[i]);
		if (seen >= rank) {
			uint64_t v = bucket_upper(i);
			return v < mx ? v : mx;
		}
	}
	/* Only when racing a reset: the buckets hold fewer than `total`. */
	return mx;
}

int ucql_histogram_print(const ucql_histogram *h, char *buf, size_t cap)
{
	double us[6];
	static const double pct[6] = { 0.0, 50.0, 90.0, 99.0, 99.9, 100.0 };
	for (int i = 0; i < 6; i++)
		us[i] = (double)ucql_histogram_percentile(h, pct[i]) / 1000.0;
	return snprintf(buf, cap,
			"count=%llu min=%.1f p50=%.1f p90=%.1f p99=%.1f p99.9=%.1f max=%.1f",
			(unsigned long long)ucql_histogram_count(h), us[0], us[1], us[2], us[3],
			us[4], us[5]);
}
