/*
 * bench/rows.cpp — RESULT/ROWS decoding, the read path's hot loop: a body
 * of 100 rows × 5 columns (int, bigint, text(16), blob(32), double) built
 * once with ucql's encoders; each iteration runs ucql_result_decode (which
 * validates every cell length) and reads all 500 cells with the typed
 * getters (workload.h). Reported per cell: "ns_per_cell" (seconds per
 * cell, shown by the console in ns) and items_per_second (cells).
 *
 * Two halves are measured separately to show where the time goes:
 * DecodeOnly (validation) and IterateOnly (cell iterator + getters over an
 * already-decoded result).
 */
#include "bench.h"
#include "workload.h"

using namespace ucql_bench;

namespace {

std::vector<uint8_t> rows_body(int32_t nrows, int vary = 0)
{
	std::vector<uint8_t> buf(64 + (size_t)nrows * 160);
	size_t n = ucql_bench_rows_body_ex(buf.data(), buf.size(), nrows, vary);
	buf.resize(n);
	return buf;
}

void per_cell(benchmark::State &state, int64_t cells_per_iter)
{
	state.SetItemsProcessed(state.iterations() * cells_per_iter);
	/* Rate inverted: seconds per cell. */
	state.counters["ns_per_cell"] = benchmark::Counter(
		(double)cells_per_iter,
		benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

/* Decode + iterate + typed getters: the figure with the 2 ns/cell target. */
void rows_decode_iterate(benchmark::State &state, int vary)
{
	const int32_t nrows = (int32_t)state.range(0);
	std::vector<uint8_t> buf = rows_body(nrows, vary);
	if (buf.empty()) {
		state.SkipWithError("building the body failed");
		return;
	}
	ucql_bytes body = ucql_bytes_of(buf.data(), buf.size());
	ucql_bench_sink sink = {};
	int64_t cells = 0;
	AllocScope allocs(state);
	for (auto _ : state) {
		cells = ucql_bench_rows_iterate(body, &sink);
		benchmark::DoNotOptimize(sink);
	}
	allocs.done();
	if (!check(state, (int)(cells < 0 ? cells : 0), "decode failed"))
		return;
	if (cells != (int64_t)nrows * UCQL_BENCH_COLS || sink.errors) {
		state.SkipWithError("wrong cell count or getter error");
		return;
	}
	per_cell(state, cells);
}
void BM_RowsDecodeIterate(benchmark::State &state)
{
	rows_decode_iterate(state, 0);
}
BENCHMARK(BM_RowsDecodeIterate)->Arg(100)->Arg(1000) UCQL_MINMAX;

/* Text and blob lengths change every row: length prediction mostly misses. */
void BM_RowsDecodeIterateVarlen(benchmark::State &state)
{
	rows_decode_iterate(state, 1);
}
BENCHMARK(BM_RowsDecodeIterateVarlen)->Arg(100) UCQL_MINMAX;

/* ucql_result_decode alone (metadata parse + validating every cell). */
void BM_RowsDecodeOnly(benchmark::State &state)
{
	const int32_t nrows = (int32_t)state.range(0);
	std::vector<uint8_t> buf = rows_body(nrows);
	ucql_bytes body = ucql_bytes_of(buf.data(), buf.size());
	ucql_result res;
	int rc = 0;
	AllocScope allocs(state);
	for (auto _ : state) {
		benchmark::DoNotOptimize(body.p);
		rc |= ucql_result_decode(body, 4, &res);
		benchmark::DoNotOptimize(res);
	}
	allocs.done();
	if (check(state, rc, "decode failed"))
		per_cell(state, (int64_t)nrows * UCQL_BENCH_COLS);
}
BENCHMARK(BM_RowsDecodeOnly)->Arg(100)->Arg(1000) UCQL_MINMAX;

/* Cell iterator + typed getters over an already-decoded result. */
void BM_RowsIterateOnly(benchmark::State &state)
{
	const int32_t nrows = (int32_t)state.range(0);
	std::vector<uint8_t> buf = rows_body(nrows);
	ucql_result res;
	if (!check(state, ucql_result_decode(ucql_bytes_of(buf.data(), buf.size()), 4, &res),
		   "decode failed"))
		return;
	ucql_bench_sink sink = {};
	AllocScope allocs(state);
	for (auto _ : state) {
		ucql_rows rows = res.u.rows;
		benchmark::DoNotOptimize(rows);
		ucql_cell_iter it = ucql_rows_cells(&rows);
		ucql_value row[UCQL_BENCH_COLS];
		while (ucql_row_next(&it, row, UCQL_BENCH_COLS)) {
			int32_t i32 = 0;
			int64_t i64 = 0;
			ucql_bytes b = { buf.data(), 1 };
			double d = 0;
			sink.errors |= ucql_value_get_int(row[0], &i32);
			sink.ints += i32;
			sink.errors |= ucql_value_get_bigint(row[1], &i64);
			sink.ints += i64;
			sink.errors |= ucql_value_get_text(row[2], &b);
			sink.ints += (int64_t)b.len + b.p[b.len - 1];
			sink.errors |= ucql_value_get_blob(row[3], &b);
			sink.ints += (int64_t)b.len + b.p[0];
			sink.errors |= ucql_value_get_double(row[4], &d);
			sink.dbl += d;
		}
		benchmark::DoNotOptimize(sink);
	}
	allocs.done();
	per_cell(state, (int64_t)nrows * UCQL_BENCH_COLS);
}
BENCHMARK(BM_RowsIterateOnly)->Arg(100)->Arg(1000) UCQL_MINMAX;

} // namespace
