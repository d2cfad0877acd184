/*
 * bench/histogram.cpp — the latency histogram on the shard's hot path
 * (record: once per completed request) and on the reader's side
 * (percentile, merge: per metrics snapshot, not per request).
 */
#include "bench.h"
#include "ucql/metrics.h"

using namespace ucql_bench;

namespace {

/* Latency-like values (mostly 50-500 µs, a tail to ~1 s), precomputed so
 * the loop times record, not the random generator. */
struct Latencies {
	enum { N = 4096 };
	uint64_t v[N];
	Latencies()
	{
		uint64_t x = 12345;
		for (int i = 0; i < N; i++) {
			uint64_t r = rnd(x);
			v[i] = r % 16 ? 50000 + (r >> 8) % 450000 : (r >> 8) % 1000000000;
		}
	}
};

void BM_HistogramRecord(benchmark::State &state)
{
	static const Latencies lat;
	ucql_histogram *h = ucql_histogram_new();
	size_t i = 0;
	AllocScope allocs(state);
	for (auto _ : state) {
		ucql_histogram_record(h, lat.v[i++ & (Latencies::N - 1)]);
	}
	allocs.done();
	benchmark::DoNotOptimize(ucql_histogram_count(h));
	ucql_histogram_free(h);
}
BENCHMARK(BM_HistogramRecord) UCQL_MINMAX;

ucql_histogram *filled(uint64_t n)
{
	static const Latencies lat;
	ucql_histogram *h = ucql_histogram_new();
	for (uint64_t i = 0; i < n; i++)
		ucql_histogram_record(h, lat.v[i & (Latencies::N - 1)] + i % 1000);
	return h;
}

void BM_HistogramPercentile(benchmark::State &state)
{
	ucql_histogram *h = filled(1000000);
	AllocScope allocs(state);
	for (auto _ : state) {
		uint64_t p = ucql_histogram_percentile(h, 99.0);
		benchmark::DoNotOptimize(p);
	}
	allocs.done();
	ucql_histogram_free(h);
}
BENCHMARK(BM_HistogramPercentile) UCQL_MINMAX;

/* One shard's histogram into a session total (ucql_session_latency). */
void BM_HistogramMerge(benchmark::State &state)
{
	ucql_histogram *src = filled(1000000);
	ucql_histogram *dst = ucql_histogram_new();
	AllocScope allocs(state);
	for (auto _ : state) {
		ucql_histogram_merge(dst, src);
		benchmark::ClobberMemory();
	}
	allocs.done();
	ucql_histogram_free(src);
	ucql_histogram_free(dst);
}
BENCHMARK(BM_HistogramMerge) UCQL_MINMAX;

} // namespace
