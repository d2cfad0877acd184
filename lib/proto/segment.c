/*
 * segment.c — encoding and decoding one protocol v5 segment
 * (native_protocol_v5.spec §2; the corrections in notes/protocol.md), and
 * packing envelopes into segments. The streaming decoder is in
 * segment_stream.c.
 *
 * Hot path: a 64 KiB payload costs one memcpy + one CRC32 to encode and one
 * CRC32 to decode (the decoded payload is a view). lz4 compresses straight
 * into the writer's buffer, so there is no scratch buffer and no second
 * copy.
 */
#include <lz4.h>

#include "ucql/segment.h"

static inline uint64_t get_le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static inline void put_le(uint8_t *p, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- decoding ------------------------------------------------------------ */

int ucql_segment_header_decode(const uint8_t *p, size_t n, int lz4, ucql_segment_header *h)
{
	size_t hb = lz4 ? 5 : 3; /* header bytes before the CRC24 */
	if (n < hb + 3)
		return UCQL_NEED_MORE;
	uint64_t v = get_le(p, hb);
	if (ucql_crc24(p, hb) != (uint32_t)get_le(p + hb, 3))
		return UCQL_E_CRC;
	h->payload_len = (uint32_t)(v & UCQL_SEGMENT_MAX_PAYLOAD);
	if (lz4) {
		h->uncompressed_len = (uint32_t)((v >> 17) & UCQL_SEGMENT_MAX_PAYLOAD);
		h->self_contained = (uint8_t)((v >> 34) & 1);
	} else {
		h->uncompressed_len = 0;
		h->self_contained = (uint8_t)((v >> 17) & 1);
	}
	/* The padding bits are ignored, as Cassandra and the Python driver do;
	 * the CRC24 already vouches for them. */
	h->header_size = (uint8_t)(hb + 3);
	h->wire_size = h->header_size + h->payload_len + UCQL_SEGMENT_TRAILER_SIZE;
	return h->header_size;
}

int ucql_segment_decode_payload(const uint8_t *p, const ucql_segment_header *h, uint8_t *out,
				size_t out_cap, ucql_segment *seg)
{
	const uint8_t *body = p + h->header_size;
	seg->payload = ucql_bytes_of(NULL, 0);
	seg->self_contained = h->self_contained;
	seg->compressed = 0;
	seg->bad_crc = 0;
	seg->wire_size = h->wire_size;
	if (ucql_crc32_cql(body, h->payload_len) != (uint32_t)get_le(body + h->payload_len, 4)) {
		seg->bad_crc = UCQL_SEGMENT_BAD_PAYLOAD_CRC;
		return UCQL_E_CRC;
	}
	if (h->uncompressed_len == 0) { /* uncompressed format, or lz4 "stored" */
		seg->payload = ucql_bytes_of(body, h->payload_len);
		return (int)h->wire_size;
	}
	if (out_cap < h->uncompressed_len || !out)
		return UCQL_E_NOSPACE;
	/* dstCapacity = the announced size: a block that would inflate to
	 * more fails inside lz4 instead of overrunning. */
	int got = LZ4_decompress_safe((const char *)body, (char *)out, (int)h->payload_len,
				      (int)h->uncompressed_len);
	if (got != (int)h->uncompressed_len)
		return UCQL_E_COMPRESSION;
	seg->payload = ucql_bytes_of(out, h->uncompressed_len);
	seg->compressed = 1;
	return (int)h->wire_size;
}

int ucql_segment_decode(const uint8_t *p, size_t n, int lz4, uint8_t *out, size_t out_cap,
			ucql_segment *seg)
{
	ucql_segment_header h;
	seg->payload = ucql_bytes_of(NULL, 0);
	seg->self_contained = 0;
	seg->compressed = 0;
	seg->bad_crc = 0;
	seg->wire_size = 0;
	int r = ucql_segment_header_decode(p, n, lz4, &h);
	if (r < 0) {
		if (r == UCQL_E_CRC)
			seg->bad_crc = UCQL_SEGMENT_BAD_HEADER_CRC;
		return r;
	}
	if (n < h.wire_size) {
		seg->self_contained = h.self_contained;
		seg->wire_size = h.wire_size;
		return UCQL_NEED_MORE;
	}
	return ucql_segment_decode_payload(p, &h, out, out_cap, seg);
}

/* ---- encoding ------------------------------------------------------------ */

static void write_invalid(ucql_writer *w)
{
	ucql_writer_fail(w, UCQL_E_INVALID_ARG);
}

/* Header (hb bytes) + CRC24 at d. */
static void put_header(uint8_t *d, size_t hb, uint64_t v)
{
	put_le(d, v, hb);
	put_le(d + hb, ucql_crc24(d, hb), 3);
}

void ucql_segment_write(ucql_writer *w, ucql_bytes payload, int self_contained, int lz4)
{
	size_t n = payload.len;
	if (n > UCQL_SEGMENT_MAX_PAYLOAD) {
		write_invalid(w);
		return;
	}
	uint64_t sc = self_contained ? 1 : 0;
	if (lz4) {
		/* Try lz4 straight into the output, capped at n - 1 bytes: lz4
		 * gives up (returns 0) as soon as the result would not be
		 * smaller, and then the payload is stored. */
		size_t room = (w->buf && w->len <= w->cap) ? w->cap - w->len : 0;
		if (n > 1 && room > UCQL_SEGMENT_LZ4_HEADER_SIZE + UCQL_SEGMENT_TRAILER_SIZE) {
			uint8_t *d = w->buf + w->len;
			size_t lim = room - UCQL_SEGMENT_LZ4_HEADER_SIZE - UCQL_SEGMENT_TRAILER_SIZE;
			if (lim > n - 1)
				lim = n - 1;
			int c = LZ4_compress_default((const char *)payload.p,
						     (char *)d + UCQL_SEGMENT_LZ4_HEADER_SIZE, (int)n,
						     (int)lim);
			if (c > 0) {
				uint8_t *body = d + UCQL_SEGMENT_LZ4_HEADER_SIZE;
				put_header(d, 5, (uint64_t)c | (uint64_t)n << 17 | sc << 34);
				put_le(body + c, ucql_crc32_cql(body, (size_t)c), 4);
				ucql_writer_reserve(w, ucql_segment_bound((size_t)c, 1));
				return;
			}
		}
	}
	uint8_t *d = ucql_writer_reserve(w, ucql_segment_bound(n, lz4));
	if (!d)
		return;
	size_t hb = lz4 ? 5 : 3;
	/* Stored: lz4 format with uncompressed length 0, or plain format. */
	put_header(d, hb, (uint64_t)n | sc << (lz4 ? 34 : 17));
	uint8_t *body = d + hb + 3;
	if (n)
		memcpy(body, payload.p, n);
	put_le(body + n, ucql_crc32_cql(body, n), 4);
}

void ucql_segments_write_envelope(ucql_writer *w, ucql_bytes env, int lz4)
{
	if (env.len <= UCQL_SEGMENT_MAX_PAYLOAD) {
		ucql_segment_write(w, env, 1, lz4);
		return;
	}
	/* Too big for one segment: every piece is non-self-contained (§2.2),
	 * the first one included. */
	for (size_t off = 0; off < env.len; off += UCQL_SEGMENT_MAX_PAYLOAD) {
		size_t k = env.len - off;
		if (k > UCQL_SEGMENT_MAX_PAYLOAD)
			k = UCQL_SEGMENT_MAX_PAYLOAD;
		ucql_segment_write(w, ucql_bytes_of(env.p + off, k), 0, lz4);
	}
}

/* Size of the whole envelope at p (n bytes left), or 0 if p does not start
 * a whole envelope. */
static size_t envelope_size(const uint8_t *p, size_t n)
{
	if (n < UCQL_FRAME_HEADER_SIZE)
		return 0;
	uint32_t body = ucql__be32(p + 5);
	if (body > 0x7FFFFFFFu || body > n - UCQL_FRAME_HEADER_SIZE)
		return 0;
	return UCQL_FRAME_HEADER_SIZE + (size_t)body;
}

void ucql_segments_write(ucql_writer *w, ucql_bytes data, int lz4)
{
	/* Validate first, so that bad input writes nothing. */
	for (size_t off = 0, e; off < data.len; off += e) {
		e = envelope_size(data.p + off, data.len - off);
		if (!e) {
			write_invalid(w);
			return;
		}
	}
	size_t start = 0, off = 0;
	while (off < data.len) {
		size_t e = envelope_size(data.p + off, data.len - off);
		if (off + e - start > UCQL_SEGMENT_MAX_PAYLOAD) {
			/* Flush the run of whole envelopes gathered so far. */
			if (off > start)
				ucql_segment_write(w, ucql_bytes_of(data.p + start, off - start), 1, lz4);
			start = off;
			if (e > UCQL_SEGMENT_MAX_PAYLOAD) {
				ucql_segments_write_envelope(w, ucql_bytes_of(data.p + off, e), lz4);
				start = off + e;
			}
		}
		off += e;
	}
	if (off > start)
		ucql_segment_write(w, ucql_bytes_of(data.p + start, off - start), 1, lz4);
}
