/*
 * bench/segment.cpp — protocol v5 framing: segments of a 64 KiB payload
 * with both CRCs, uncompressed (the ≥ 4 GB/s target covers encode +
 * decode: the bytes of one payload written as a segment and read back per
 * iteration) and lz4 (compressible text-like and incompressible random
 * data; no target), plus the CRCs alone. Throughput is payload bytes.
 */
#include "bench.h"

using namespace ucql_bench;

namespace {

constexpr size_t kPayload = 64 * 1024;

enum Data { kText, kRandom };

std::vector<uint8_t> payload(Data d)
{
	std::vector<uint8_t> p(kPayload);
	if (d == kText)
		fill_text(p.data(), p.size(), 42);
	else
		fill_random(p.data(), p.size(), 42);
	return p;
}

/* Encodes then decodes one segment per iteration. */
void BM_SegmentRoundTrip(benchmark::State &state, int lz4, Data d)
{
	std::vector<uint8_t> in = payload(d);
	std::vector<uint8_t> wire(ucql_segment_bound(kPayload, lz4));
	std::vector<uint8_t> out(lz4 ? UCQL_SEGMENT_MAX_PAYLOAD : 0);
	int rc = 0;
	size_t wire_len = 0;
	AllocScope allocs(state);
	for (auto _ : state) {
		ucql_writer w;
		ucql_writer_init(&w, wire.data(), wire.size());
		ucql_segment_write(&w, ucql_bytes_of(in.data(), in.size()), 1, lz4);
		rc |= w.err;
		ucql_segment seg;
		rc |= std::min(0, ucql_segment_decode(wire.data(), w.len, lz4, out.data(),
						      out.size(), &seg));
		benchmark::DoNotOptimize(seg);
		wire_len = w.len;
	}
	allocs.done();
	if (check(state, rc, "segment round trip failed")) {
		state.SetBytesProcessed(state.iterations() * (int64_t)kPayload);
		state.counters["ratio"] = (double)kPayload / (double)wire_len;
	}
}
BENCHMARK_CAPTURE(BM_SegmentRoundTrip, plain_64K, 0, kText) UCQL_MINMAX;
BENCHMARK_CAPTURE(BM_SegmentRoundTrip, lz4_text_64K, 1, kText) UCQL_MINMAX;
BENCHMARK_CAPTURE(BM_SegmentRoundTrip, lz4_random_64K, 1, kRandom) UCQL_MINMAX;

void BM_SegmentEncode(benchmark::State &state, int lz4, Data d)
{
	std::vector<uint8_t> in = payload(d);
	std::vector<uint8_t> wire(ucql_segment_bound(kPayload, lz4));
	int rc = 0;
	size_t wire_len = 0;
	AllocScope allocs(state);
	for (auto _ : state) {
		ucql_writer w;
		ucql_writer_init(&w, wire.data(), wire.size());
		ucql_segment_write(&w, ucql_bytes_of(in.data(), in.size()), 1, lz4);
		rc |= w.err;
		wire_len = w.len;
		benchmark::ClobberMemory();
	}
	allocs.done();
	if (check(state, rc, "segment encode failed")) {
		state.SetBytesProcessed(state.iterations() * (int64_t)kPayload);
		state.counters["ratio"] = (double)kPayload / (double)wire_len;
	}
}
BENCHMARK_CAPTURE(BM_SegmentEncode, plain_64K, 0, kText) UCQL_MINMAX;
BENCHMARK_CAPTURE(BM_SegmentEncode, lz4_text_64K, 1, kText) UCQL_MINMAX;
BENCHMARK_CAPTURE(BM_SegmentEncode, lz4_random_64K, 1, kRandom) UCQL_MINMAX;

void BM_SegmentDecode(benchmark::State &state, int lz4, Data d)
{
	std::vector<uint8_t> in = payload(d);
	std::vector<uint8_t> wire(ucql_segment_bound(kPayload, lz4));
	std::vector<uint8_t> out(lz4 ? UCQL_SEGMENT_MAX_PAYLOAD : 0);
	ucql_writer w;
	ucql_writer_init(&w, wire.data(), wire.size());
	ucql_segment_write(&w, ucql_bytes_of(in.data(), in.size()), 1, lz4);
	if (!check(state, w.err, "segment encode failed"))
		return;
	int rc = 0;
	AllocScope allocs(state);
	for (auto _ : state) {
		ucql_segment seg;
		rc |= std::min(0, ucql_segment_decode(wire.data(), w.len, lz4, out.data(),
						      out.size(), &seg));
		benchmark::DoNotOptimize(seg);
		benchmark::ClobberMemory();
	}
	allocs.done();
	if (check(state, rc, "segment decode failed"))
		state.SetBytesProcessed(state.iterations() * (int64_t)kPayload);
}
BENCHMARK_CAPTURE(BM_SegmentDecode, plain_64K, 0, kText) UCQL_MINMAX;
BENCHMARK_CAPTURE(BM_SegmentDecode, lz4_text_64K, 1, kText) UCQL_MINMAX;
BENCHMARK_CAPTURE(BM_SegmentDecode, lz4_random_64K, 1, kRandom) UCQL_MINMAX;

/* The primed payload CRC32 (ISA-L) over 64 KiB. */
void BM_Crc32Cql_64K(benchmark::State &state)
{
	std::vector<uint8_t> in = payload(kRandom);
	AllocScope allocs(state);
	for (auto _ : state) {
		uint32_t c = ucql_crc32_cql(in.data(), in.size());
		benchmark::DoNotOptimize(c);
	}
	allocs.done();
	state.SetBytesProcessed(state.iterations() * (int64_t)kPayload);
}
BENCHMARK(BM_Crc32Cql_64K) UCQL_MINMAX;

/* The header CRC24 over a 3-byte (uncompressed) and 5-byte (lz4) header. */
void BM_Crc24(benchmark::State &state)
{
	uint8_t hdr[5] = { 0x00, 0x00, 0x03, 0x00, 0x00 };
	size_t n = (size_t)state.range(0);
	AllocScope allocs(state);
	for (auto _ : state) {
		benchmark::DoNotOptimize(hdr);
		uint32_t c = ucql_crc24(hdr, n);
		benchmark::DoNotOptimize(c);
	}
	allocs.done();
}
BENCHMARK(BM_Crc24)->Arg(3)->Arg(5) UCQL_MINMAX;

} // namespace
