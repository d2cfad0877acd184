/*
 * bench/bench.h — what the codec benchmarks share: the allocation counter
 * as a Google Benchmark counter, deterministic test data, and the C API.
 *
 * Every benchmark brackets its timed loop with an AllocScope, so each one
 * reports "allocs" (heap allocations per iteration); the codec's hot paths
 * must show 0. The targets live in bench/summary.sh, which prints each
 * figure next to its own.
 */
#ifndef UCQL_BENCH_H
#define UCQL_BENCH_H

#include <benchmark/benchmark.h>

#include <cstdint>
#include <algorithm>
#include <cstring>
#include <vector>

#include "alloc_count.h"
#include "ucql/frame.h"
#include "ucql/request.h"
#include "ucql/result.h"
#include "ucql/segment.h"
#include "ucql/token.h"
#include "ucql/types.h"

namespace ucql_bench {

/* Reports allocations per iteration of the loop it brackets. Construct it
 * right before `for (auto _ : state)`, call done() right after. */
class AllocScope {
public:
	explicit AllocScope(benchmark::State &s) : state_(s), start_(ucql_bench_allocs()) {}
	void done()
	{
		uint64_t n = ucql_bench_allocs() - start_;
		double it = state_.iterations() ? (double)state_.iterations() : 1.0;
		state_.counters["allocs"] = benchmark::Counter((double)n / it);
	}

private:
	benchmark::State &state_;
	uint64_t start_;
};

/* Extra statistics over repetitions: on a loaded machine the fastest
 * repetition (min time; max rate) is the least disturbed one. */
inline double min_of(const std::vector<double> &v)
{
	return *std::min_element(v.begin(), v.end());
}
inline double max_of(const std::vector<double> &v)
{
	return *std::max_element(v.begin(), v.end());
}

/* Stops the benchmark with a message when the codec reports an error, so a
 * broken encoder never shows up as a fast one. */
inline bool check(benchmark::State &s, int rc, const char *what)
{
	if (rc < 0) {
		s.SkipWithError(what);
		return false;
	}
	return true;
}

/* xorshift64*: the same bytes on every run and machine. */
inline uint64_t rnd(uint64_t &x)
{
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	return x * 0x2545F4914F6CDD1DULL;
}

inline void fill_random(uint8_t *p, size_t n, uint64_t seed)
{
	uint64_t x = seed | 1;
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(rnd(x) >> 56);
}

/* Text-like bytes: words from a small vocabulary, digits and separators,
 * roughly what rows of a text-heavy table look like (lz4 gets ~3-4x). */
inline void fill_text(uint8_t *p, size_t n, uint64_t seed)
{
	static const char *const words[] = {
		"user", "order", "status", "shipped", "pending", "customer", "address",
		"Paris", "Berlin", "total", "amount", "EUR", "created_at", "2024-05-",
		"product", "quantity", "the", "and", "of", "cassandra", "replica",
	};
	uint64_t x = seed | 1;
	size_t i = 0;
	while (i < n) {
		uint64_t r = rnd(x);
		const char *w = words[r % (sizeof words / sizeof *words)];
		size_t wl = std::strlen(w);
		for (size_t k = 0; k < wl && i < n; k++)
			p[i++] = (uint8_t)w[k];
		if (i < n && (r >> 20) % 3 == 0) {
			p[i++] = (uint8_t)('0' + (r >> 32) % 10);
			if (i < n)
				p[i++] = (uint8_t)('0' + (r >> 40) % 10);
		}
		if (i < n)
			p[i++] = (r >> 48) % 5 == 0 ? ',' : ' ';
	}
}

} // namespace ucql_bench

/* Appended to a registration (BENCHMARK(f)->Arg(1) UCQL_MINMAX;): adds the
 * min and max statistics to the mean/median/stddev/cv of repetitions. */
#define UCQL_MINMAX \
	->ComputeStatistics("min", ucql_bench::min_of)->ComputeStatistics("max", ucql_bench::max_of)

#endif
