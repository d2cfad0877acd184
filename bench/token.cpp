/*
 * bench/token.cpp — Murmur3Partitioner tokens: a 16-byte single-column key
 * (a uuid, say) and a 3-component composite key (int, text(16), bigint:
 * 40 bytes once serialized as CompositeType, hashed without a copy).
 */
#include "bench.h"
#include "workload.h"

using namespace ucql_bench;

namespace {

void BM_TokenMurmur3_16B(benchmark::State &state)
{
	uint8_t key[16];
	fill_random(key, sizeof key, 7);
	AllocScope allocs(state);
	for (auto _ : state) {
		benchmark::DoNotOptimize(key);
		int64_t t = ucql_token_murmur3(key, sizeof key);
		benchmark::DoNotOptimize(t);
	}
	allocs.done();
}
BENCHMARK(BM_TokenMurmur3_16B) UCQL_MINMAX;

void BM_TokenMurmur3_Composite3(benchmark::State &state)
{
	ucql_bench_key3 k;
	ucql_bench_key3_init(&k);
	int rc = 0;
	AllocScope allocs(state);
	for (auto _ : state) {
		benchmark::DoNotOptimize(k);
		int64_t t;
		rc |= ucql_token_murmur3_parts(k.parts, 3, &t);
		benchmark::DoNotOptimize(t);
	}
	allocs.done();
	check(state, rc, "token failed");
}
BENCHMARK(BM_TokenMurmur3_Composite3) UCQL_MINMAX;

} // namespace
