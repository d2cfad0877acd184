/*
 * segment_stream.c — the streaming v5 segment decoder: chunks of a byte
 * stream in (any boundaries), envelope bytes out (native_protocol_v5.spec
 * §2.2).
 *
 * Copies are kept to what the framing forces:
 *  - a segment wholly inside the fed chunk is decoded in place; its payload
 *    (uncompressed) is yielded as a view into the chunk;
 *  - only a segment split between two chunks is gathered in the work
 *    buffer, and only its own bytes (never beyond its wire size, so the
 *    rest of the chunk stays zero-copy);
 *  - pieces of an envelope split across segments are copied once into the
 *    envelope buffer; lz4 pieces decompress straight into it.
 * A split envelope is complete when the pieces add up to its 9-byte header
 * plus the big-endian body length at header bytes 5..8.
 */
#include "ucql/segment.h"

int ucql_segment_stream_init(ucql_segment_stream *s, int lz4, uint8_t *work, size_t work_cap,
			     uint8_t *env, size_t env_cap)
{
	memset(s, 0, sizeof *s);
	s->lz4 = lz4 ? 1 : 0;
	s->work = work;
	s->work_cap = work_cap;
	s->env = env;
	s->env_cap = env_cap;
	if (!work || work_cap < UCQL_SEGMENT_STREAM_WORK_SIZE(lz4) || !env ||
	    env_cap < UCQL_FRAME_HEADER_SIZE)
		s->err = UCQL_E_INVALID_ARG;
	return s->err;
}

void ucql_segment_stream_feed(ucql_segment_stream *s, const void *p, size_t n)
{
	if (s->err)
		return;
	if (s->in_len) {
		s->err = UCQL_E_INVALID_ARG;
		return;
	}
	s->in = (const uint8_t *)p;
	s->in_len = n;
}

static int fail(ucql_segment_stream *s, int err)
{
	s->err = err;
	s->in_len = 0;
	return err;
}

/* Moves up to `want` bytes of the chunk into the work buffer. */
static void gather(ucql_segment_stream *s, size_t want)
{
	size_t k = want - s->seg_have;
	if (k > s->in_len)
		k = s->in_len;
	memcpy(s->work + s->seg_have, s->in, k);
	s->seg_have += k;
	s->in += k;
	s->in_len -= k;
}

/* One complete segment at p (h decoded, h->wire_size bytes): 1 with *out
 * set, 0 if it yields nothing yet, or an error. */
static int take_segment(ucql_segment_stream *s, const uint8_t *p, const ucql_segment_header *h,
			ucql_bytes *out)
{
	ucql_segment seg;
	int r;
	if (h->self_contained) {
		if (s->env_have)
			return UCQL_E_BAD_FLAGS;
		r = ucql_segment_decode_payload(p, h, s->work + UCQL_SEGMENT_MAX_SIZE,
						UCQL_SEGMENT_MAX_PAYLOAD, &seg);
		if (r < 0) {
			s->bad_crc = seg.bad_crc;
			return r;
		}
		if (!seg.payload.len)
			return 0; /* carries no envelope */
		*out = seg.payload;
		return 1;
	}

	/* A piece of a split envelope. */
	size_t piece = h->uncompressed_len ? h->uncompressed_len : h->payload_len;
	if (s->env_need && piece > s->env_need - s->env_have)
		return UCQL_E_BAD_LENGTH;
	if (piece > s->env_cap - s->env_have)
		return UCQL_E_TOO_BIG;
	uint8_t *dst = s->env + s->env_have;
	r = ucql_segment_decode_payload(p, h, dst, s->env_cap - s->env_have, &seg);
	if (r < 0) {
		s->bad_crc = seg.bad_crc;
		return r;
	}
	if (!seg.compressed && piece)
		memcpy(dst, seg.payload.p, piece);
	s->env_have += piece;
	if (!s->env_need && s->env_have >= UCQL_FRAME_HEADER_SIZE) {
		uint32_t body = ucql__be32(s->env + 5);
		if (body > 0x7FFFFFFFu)
			return UCQL_E_BAD_LENGTH;
		size_t total = UCQL_FRAME_HEADER_SIZE + (size_t)body;
		if (total > s->env_cap)
			return UCQL_E_TOO_BIG;
		if (s->env_have > total)
			return UCQL_E_BAD_LENGTH;
		s->env_need = total;
	}
	if (s->env_need && s->env_have == s->env_need) {
		*out = ucql_bytes_of(s->env, s->env_need);
		s->env_have = 0;
		s->env_need = 0;
		return 1;
	}
	return 0;
}

int ucql_segment_stream_next(ucql_segment_stream *s, ucql_bytes *out)
{
	size_t hsize = s->lz4 ? UCQL_SEGMENT_LZ4_HEADER_SIZE : UCQL_SEGMENT_HEADER_SIZE;
	ucql_segment_header h;
	*out = ucql_bytes_of(NULL, 0);
	for (;;) {
		const uint8_t *p;
		int r;
		if (s->err)
			return s->err;
		if (s->seg_have == 0) {
			/* Fast path: decode in place from the chunk. */
			if (s->in_len == 0)
				return 0;
			r = ucql_segment_header_decode(s->in, s->in_len, s->lz4, &h);
			if (r == UCQL_E_CRC) {
				s->bad_crc = UCQL_SEGMENT_BAD_HEADER_CRC;
				return fail(s, r);
			}
			if (r < 0 || s->in_len < h.wire_size) {
				/* Split across chunks: gather this segment's bytes. */
				s->seg_need = r < 0 ? 0 : h.wire_size;
				gather(s, r < 0 ? hsize : h.wire_size);
				return 0;
			}
			p = s->in;
			s->in += h.wire_size;
			s->in_len -= h.wire_size;
		} else {
			if (!s->seg_need) {
				gather(s, hsize);
				if (s->seg_have < hsize)
					return 0;
				r = ucql_segment_header_decode(s->work, s->seg_have, s->lz4, &h);
				if (r < 0) {
					s->bad_crc = UCQL_SEGMENT_BAD_HEADER_CRC;
					return fail(s, r);
				}
				s->seg_need = h.wire_size;
			}
			gather(s, s->seg_need);
			if (s->seg_have < s->seg_need)
				return 0;
			ucql_segment_header_decode(s->work, s->seg_have, s->lz4, &h);
			p = s->work;
			s->seg_have = 0;
			s->seg_need = 0;
		}
		r = take_segment(s, p, &h, out);
		if (r < 0)
			return fail(s, r);
		if (r > 0)
			return 1;
	}
}
