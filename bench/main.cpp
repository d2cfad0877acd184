/*
 * bench/main.cpp — ucql-bench's entry point: Google Benchmark's usual
 * main, plus a check that the allocation counter works (an interposed
 * malloc that is never called would make every "allocs = 0" meaningless)
 * and context lines (load average) in the report header.
 */
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "alloc_count.h"
#include "ucql/common.h"

int main(int argc, char **argv)
{
	uint64_t before = ucql_bench_allocs();
	void *volatile p = std::malloc(32);
	std::free(p);
	int *q = new int(1);
	benchmark::DoNotOptimize(q);
	delete q;
	uint64_t seen = ucql_bench_allocs() - before;
	if (seen < 2) {
		std::fprintf(stderr, "ucql-bench: malloc interposition is not active "
				     "(saw %llu of 2 allocations)\n", (unsigned long long)seen);
		return 1;
	}
	benchmark::AddCustomContext("alloc_counting", "malloc/calloc/realloc/memalign interposed");
	benchmark::AddCustomContext("ucql_version", ucql_version());
	std::ifstream la("/proc/loadavg");
	std::string load;
	if (std::getline(la, load))
		benchmark::AddCustomContext("loadavg_at_start", load);

	benchmark::Initialize(&argc, argv);
	if (benchmark::ReportUnrecognizedArguments(argc, argv))
		return 1;
	benchmark::RunSpecifiedBenchmarks();
	benchmark::Shutdown();
	return 0;
}
