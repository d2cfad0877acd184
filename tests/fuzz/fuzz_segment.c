/*
 * fuzz_segment — v5 segments (CRC24/CRC32, lz4) and the streaming decoder.
 *
 * Input: [mode byte][segment bytes…]. Mode bit 0: lz4 framing. Bits 1..7
 * seed the chunk sizes the stream is fed in (0: the whole input at once).
 *
 * 1. ucql_segment_decode in a loop over the bytes: consumed counts stay in
 *    the input, payload views point into the input or the output buffer,
 *    a payload CRC error skips the segment, and every decoded payload
 *    re-encodes (ucql_segment_write) into a segment that decodes to the
 *    same payload.
 * 2. ucql_segment_stream fed the same bytes whole and in chunks: both must
 *    yield the same envelope bytes and end in the same state, and what
 *    they yield must be a prefix of the concatenated payloads of step 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ucql/segment.h"

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                        \
		}                                                                       \
	} while (0)

#define ENV_CAP (64u * 1024u)

/* Growable byte buffer for the concatenations. */
typedef struct bytebuf {
	uint8_t *p;
	size_t len, cap;
} bytebuf;

static void bb_add(bytebuf *b, const uint8_t *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		b->p = realloc(b->p, cap);
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

static int inside(const uint8_t *p, size_t n, const uint8_t *base, size_t len)
{
	return n == 0 || (p >= base && n <= len && (size_t)(p - base) <= len - n);
}

/* Re-encodes one payload as a segment and decodes it back. */
static void roundtrip(ucql_bytes payload, int self_contained, int lz4, uint8_t *out)
{
	size_t cap = ucql_segment_bound(payload.len, lz4);
	uint8_t *buf = malloc(cap);
	ucql_writer w;
	ucql_writer_init(&w, buf, cap);
	ucql_segment_write(&w, payload, self_contained, lz4);
	CHECK(w.err == 0 && w.len <= cap);
	ucql_segment seg;
	int rc = ucql_segment_decode(buf, w.len, lz4, out, UCQL_SEGMENT_MAX_PAYLOAD, &seg);
	CHECK(rc == (int)w.len && seg.wire_size == w.len);
	CHECK(seg.self_contained == (self_contained ? 1 : 0));
	CHECK(seg.payload.len == payload.len &&
	      (payload.len == 0 || memcmp(seg.payload.p, payload.p, payload.len) == 0));
	/* Every shorter prefix is incomplete, never an error or a crash. */
	if (w.len > 1)
		CHECK(ucql_segment_decode(buf, w.len - 1, lz4, out, UCQL_SEGMENT_MAX_PAYLOAD,
					  &seg) == UCQL_NEED_MORE);
	free(buf);
}

static uint8_t *g_out, *g_out2, *g_work, *g_env;

/* Step 1: one-shot decoding. Returns the concatenated payloads. */
static void decode_all(const uint8_t *p, size_t n, int lz4, bytebuf *all)
{
	size_t off = 0;
	while (off < n) {
		ucql_segment seg;
		ucql_segment_header h;
		int hrc = ucql_segment_header_decode(p + off, n - off, lz4, &h);
		int rc = ucql_segment_decode(p + off, n - off, lz4, g_out,
					     UCQL_SEGMENT_MAX_PAYLOAD, &seg);
		if (hrc == UCQL_NEED_MORE) {
			CHECK(rc == UCQL_NEED_MORE && seg.wire_size == 0);
			return;
		}
		if (hrc < 0) {
			CHECK(hrc == UCQL_E_CRC && rc == UCQL_E_CRC &&
			      seg.bad_crc == UCQL_SEGMENT_BAD_HEADER_CRC);
			return;
		}
		CHECK(hrc == (lz4 ? 8 : 6) && h.header_size == hrc);
		CHECK(h.payload_len <= UCQL_SEGMENT_MAX_PAYLOAD &&
		      h.uncompressed_len <= UCQL_SEGMENT_MAX_PAYLOAD);
		CHECK(h.wire_size == h.header_size + h.payload_len + UCQL_SEGMENT_TRAILER_SIZE);
		if (rc == UCQL_NEED_MORE) {
			CHECK(seg.wire_size == h.wire_size && h.wire_size > n - off);
			return;
		}
		if (rc < 0) {
			CHECK(rc == UCQL_E_CRC || rc == UCQL_E_COMPRESSION);
			if (rc == UCQL_E_CRC)
				CHECK(seg.bad_crc == UCQL_SEGMENT_BAD_PAYLOAD_CRC);
			return;
		}
		CHECK((size_t)rc == h.wire_size && rc == (int)seg.wire_size && (size_t)rc <= n - off);
		CHECK(seg.self_contained == h.self_contained);
		if (seg.compressed)
			CHECK(lz4 && h.uncompressed_len == seg.payload.len &&
			      inside(seg.payload.p, seg.payload.len, g_out, UCQL_SEGMENT_MAX_PAYLOAD));
		else
			CHECK(seg.payload.len == h.payload_len &&
			      inside(seg.payload.p, seg.payload.len, p + off, (size_t)rc));
		/* The two-step API agrees. */
		ucql_segment seg2;
		CHECK(ucql_segment_decode_payload(p + off, &h, g_out2, UCQL_SEGMENT_MAX_PAYLOAD,
						  &seg2) == rc);
		CHECK(seg2.payload.len == seg.payload.len &&
		      (seg.payload.len == 0 ||
		       memcmp(seg2.payload.p, seg.payload.p, seg.payload.len) == 0));
		if (seg.compressed && seg.payload.len > 0)
			CHECK(ucql_segment_decode(p + off, n - off, lz4, g_out2,
						  seg.payload.len - 1, &seg2) == UCQL_E_NOSPACE);
		bb_add(all, seg.payload.p, seg.payload.len);
		roundtrip(seg.payload, seg.self_contained, lz4, g_out2);
		off += (size_t)rc;
	}
}

typedef struct stream_result {
	bytebuf out;
	int err;
	int idle;
} stream_result;

static uint32_t rng_next(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 16;
}

/* Step 2: the streaming decoder, in chunks (seed 0: one chunk). */
static void stream_all(const uint8_t *p, size_t n, int lz4, unsigned seed, stream_result *res)
{
	ucql_segment_stream s;
	size_t work_cap = UCQL_SEGMENT_STREAM_WORK_SIZE(lz4);
	CHECK(ucql_segment_stream_init(&s, lz4, g_work, work_cap, g_env, ENV_CAP) == 0);
	uint32_t st = seed;
	size_t max_chunk = seed ? 1 + (seed * 7u) % 64u : n;
	size_t off = 0;
	res->err = 0;
	while (off < n && !res->err) {
		size_t k = seed ? 1 + rng_next(&st) % max_chunk : n;
		if (k > n - off)
			k = n - off;
		ucql_segment_stream_feed(&s, p + off, k);
		for (;;) {
			ucql_bytes env;
			int rc = ucql_segment_stream_next(&s, &env);
			if (rc == 0)
				break;
			if (rc < 0) {
				res->err = rc;
				CHECK(rc == s.err);
				break;
			}
			CHECK(rc == 1);
			CHECK(inside(env.p, env.len, p + off, k) ||
			      inside(env.p, env.len, g_work, work_cap) ||
			      inside(env.p, env.len, g_env, ENV_CAP));
			bb_add(&res->out, env.p, env.len);
		}
		off += k;
	}
	res->idle = ucql_segment_stream_idle(&s);
	/* Once failed, the stream stays failed. */
	if (res->err) {
		ucql_bytes env;
		ucql_segment_stream_feed(&s, p, n);
		CHECK(ucql_segment_stream_next(&s, &env) == res->err);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (!g_out) {
		g_out = malloc(UCQL_SEGMENT_MAX_PAYLOAD);
		g_out2 = malloc(UCQL_SEGMENT_MAX_PAYLOAD);
		g_work = malloc(UCQL_SEGMENT_STREAM_WORK_SIZE(1));
		g_env = malloc(ENV_CAP);
	}
	int lz4 = data[0] & 1;
	unsigned seed = data[0] >> 1;
	size_t n = size - 1;
	uint8_t *p = malloc(n ? n : 1);
	memcpy(p, data + 1, n);

	bytebuf all = { 0 };
	decode_all(p, n, lz4, &all);

	stream_result whole = { { 0 }, 0, 0 }, chunked = { { 0 }, 0, 0 };
	stream_all(p, n, lz4, 0, &whole);
	if (seed)
		stream_all(p, n, lz4, seed, &chunked);
	else
		chunked = whole;
	if (whole.err != chunked.err || whole.out.len != chunked.out.len ||
	    (whole.out.len && memcmp(whole.out.p, chunked.out.p, whole.out.len)) ||
	    whole.idle != chunked.idle) {
		fprintf(stderr, "stream differs by chunking: err %d/%d, %zu/%zu bytes, idle %d/%d\n",
			whole.err, chunked.err, whole.out.len, chunked.out.len, whole.idle,
			chunked.idle);
		abort();
	}
	CHECK(whole.out.len <= all.len &&
	      (whole.out.len == 0 || memcmp(whole.out.p, all.p, whole.out.len) == 0));

	if (seed)
		free(chunked.out.p);
	free(whole.out.p);
	free(all.p);
	free(p);
	return 0;
}
