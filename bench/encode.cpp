/*
 * bench/encode.cpp — request encoding: EXECUTE with 3 bound values (the
 * driver's most frequent request) and QUERY, each into a complete frame
 * (header, body, stream id, length patched) in a buffer reused across
 * iterations, as a connection's send buffer is. Also header decoding.
 *
 * The three EXECUTE variants:
 *   Typed  bound values serialized from C types straight into the frame
 *          with the types.h writers, between ucql_query_params_encode_head
 *          and _tail — what the driver does for a statement bound with
 *          typed setters;
 *   Views  ucql_execute_encode with an array of ucql_value views of
 *          already-serialized values (bind with borrowed bytes);
 *   Raw    ucql_execute_encode with values_raw, the block of [value]s
 *          serialized once earlier (a statement re-executed unchanged).
 */
#include "bench.h"
#include "workload.h"

using namespace ucql_bench;

namespace {

const uint8_t *const prepared_id = ucql_bench_prepared_id;
const uint8_t *const metadata_id = ucql_bench_metadata_id;
const char *const text16 = ucql_bench_text16;

void BM_ExecuteEncode_Typed(benchmark::State &state, int version)
{
	alignas(64) static uint8_t buf[512];
	int32_t i = 42;
	int16_t stream = 0;
	int rc = 0;
	AllocScope allocs(state);
	for (auto _ : state) {
		ucql_writer w;
		ucql_writer_init(&w, buf, sizeof buf);
		rc |= ucql_bench_execute_typed(&w, version, stream, i, 1234567890123LL);
		/* New stream id and value each time, as a real request has. */
		stream = (int16_t)((stream + 1) & 0x7fff);
		i++;
		benchmark::DoNotOptimize(w.len);
		benchmark::ClobberMemory();
	}
	allocs.done();
	check(state, rc, "encode failed");
}
BENCHMARK_CAPTURE(BM_ExecuteEncode_Typed, v4, 4) UCQL_MINMAX;
BENCHMARK_CAPTURE(BM_ExecuteEncode_Typed, v5, 5) UCQL_MINMAX;

/* values != NULL: views of serialized values (big-endian int and bigint
 * as the wire wants them, the text's bytes). */
void BM_ExecuteEncode_Views(benchmark::State &state, int version)
{
	alignas(64) static uint8_t buf[512];
	uint8_t i32[4], i64[8];
	ucql__put32(i32, 42);
	ucql__put64(i64, 1234567890123ULL);
	ucql_value vals[3] = { ucql_value_of(i32, 4), ucql_value_of(text16, 16),
			       ucql_value_of(i64, 8) };
	ucql_execute m = {};
	m.id = ucql_bytes_of(prepared_id, 16);
	m.result_metadata_id = ucql_bytes_of(metadata_id, 16);
	m.params.consistency = UCQL_CL_LOCAL_QUORUM;
	m.params.flags = UCQL_QP_VALUES;
	m.params.n_values = 3;
	m.params.values = vals;
	ucql_frame_header h = {};
	h.version = (uint8_t)version;
	h.opcode = UCQL_OP_EXECUTE;
	int rc = 0;
	AllocScope allocs(state);
	for (auto _ : state) {
		ucql_writer w;
		ucql_writer_init(&w, buf, sizeof buf);
		size_t at = ucql_frame_begin(&w, &h);
		ucql_execute_encode(&w, version, &m);
		rc |= ucql_frame_end(&w, at, 0);
		h.stream = (int16_t)((h.stream + 1) & 0x7fff);
		benchmark::DoNotOptimize(w.len);
		benchmark::ClobberMemory();
	}
	allocs.done();
	check(state, rc, "encode failed");
}
BENCHMARK_CAPTURE(BM_ExecuteEncode_Views, v4, 4) UCQL_MINMAX;
BENCHMARK_CAPTURE(BM_ExecuteEncode_Views, v5, 5) UCQL_MINMAX;

/* values == NULL: the [value] block copied as is. */
void BM_ExecuteEncode_Raw(benchmark::State &state, int version)
{
	alignas(64) static uint8_t buf[512];
	uint8_t raw[64];
	ucql_writer vw;
	ucql_writer_init(&vw, raw, sizeof raw);
	ucql_value_write_int(&vw, 42);
	ucql_value_write_text(&vw, ucql_bytes_of(text16, 16));
	ucql_value_write_bigint(&vw, 1234567890123LL);
	ucql_execute m = {};
	m.id = ucql_bytes_of(prepared_id, 16);
	m.result_metadata_id = ucql_bytes_of(metadata_id, 16);
	m.params.consistency = UCQL_CL_LOCAL_QUORUM;
	m.params.flags = UCQL_QP_VALUES;
	m.params.n_values = 3;
	m.params.values_raw = ucql_bytes_of(raw, vw.len);
	ucql_frame_header h = {};
	h.version = (uint8_t)version;
	h.opcode = UCQL_OP_EXECUTE;
	int rc = vw.err;
	AllocScope allocs(state);
	for (auto _ : state) {
		ucql_writer w;
		ucql_writer_init(&w, buf, sizeof buf);
		size_t at = ucql_frame_begin(&w, &h);
		ucql_execute_encode(&w, version, &m);
		rc |= ucql_frame_end(&w, at, 0);
		h.stream = (int16_t)((h.stream + 1) & 0x7fff);
		benchmark::DoNotOptimize(w.len);
		benchmark::ClobberMemory();
	}
	allocs.done();
	check(state, rc, "encode failed");
}
BENCHMARK_CAPTURE(BM_ExecuteEncode_Raw, v4, 4) UCQL_MINMAX;
BENCHMARK_CAPTURE(BM_ExecuteEncode_Raw, v5, 5) UCQL_MINMAX;

/* QUERY: 60-byte statement text, one bound int, page size 5000. */
void BM_QueryEncode_v4(benchmark::State &state)
{
	alignas(64) static uint8_t buf[512];
	static const char q[] = "SELECT id, name, email, created FROM ks.users WHERE id = ?";
	uint8_t i32[4];
	ucql__put32(i32, 7);
	ucql_value v = ucql_value_of(i32, 4);
	ucql_query m = {};
	m.query = ucql_bytes_of(q, sizeof q - 1);
	m.params.consistency = UCQL_CL_LOCAL_ONE;
	m.params.flags = UCQL_QP_VALUES | UCQL_QP_PAGE_SIZE;
	m.params.n_values = 1;
	m.params.values = &v;
	m.params.page_size = 5000;
	ucql_frame_header h = {};
	h.version = 4;
	h.opcode = UCQL_OP_QUERY;
	int rc = 0;
	AllocScope allocs(state);
	for (auto _ : state) {
		ucql_writer w;
		ucql_writer_init(&w, buf, sizeof buf);
		size_t at = ucql_frame_begin(&w, &h);
		ucql_query_encode(&w, 4, &m);
		rc |= ucql_frame_end(&w, at, 0);
		h.stream = (int16_t)((h.stream + 1) & 0x7fff);
		benchmark::DoNotOptimize(w.len);
		benchmark::ClobberMemory();
	}
	allocs.done();
	check(state, rc, "encode failed");
}
BENCHMARK(BM_QueryEncode_v4) UCQL_MINMAX;

/* The 9-byte header of a RESULT frame, validated (version, opcode and
 * direction, length limit). */
void BM_FrameHeaderDecode(benchmark::State &state)
{
	uint8_t hdr[9] = { 0x84, 0x00, 0x00, 0x2a, UCQL_OP_RESULT, 0x00, 0x00, 0x10, 0x00 };
	ucql_frame_header h;
	int rc = 0;
	AllocScope allocs(state);
	for (auto _ : state) {
		benchmark::DoNotOptimize(hdr);
		rc |= ucql_frame_header_decode(hdr, sizeof hdr, 0, &h) < 0;
		benchmark::DoNotOptimize(h);
	}
	allocs.done();
	check(state, -rc, "decode failed");
}
BENCHMARK(BM_FrameHeaderDecode) UCQL_MINMAX;

} // namespace
