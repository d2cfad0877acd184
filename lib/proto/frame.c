/*
 * Frame (envelope) header, body sections and v4 lz4 body compression.
 * See include/ucql/frame.h for the layout and the spec references.
 */
#include <lz4.h>

#include "ucql/frame.h"

int ucql_frame_header_decode(const uint8_t *buf, size_t len, uint32_t max_body,
			     ucql_frame_header *h)
{
	if (len < UCQL_FRAME_HEADER_SIZE)
		return UCQL_NEED_MORE;
	h->version = buf[0] & 0x7F;
	h->response = (buf[0] & UCQL_FRAME_RESPONSE_BIT) != 0;
	h->flags = buf[1];
	h->stream = (int16_t)ucql__be16(buf + 2);
	h->opcode = buf[4];
	h->length = ucql__be32(buf + 5);
	if (h->version < UCQL_PROTOCOL_MIN || h->version > UCQL_PROTOCOL_MAX)
		return UCQL_E_BAD_VERSION;
	int req = ucql_opcode_is_request(h->opcode);
	if (req < 0 || req == h->response)
		return UCQL_E_BAD_OPCODE;
	if (h->length > (max_body ? max_body : UCQL_DEFAULT_MAX_FRAME))
		return UCQL_E_TOO_BIG;
	return UCQL_FRAME_HEADER_SIZE;
}

int ucql_frame_parse_sections(ucql_frame *f, ucql_bytes body)
{
	ucql_reader r;
	ucql_reader_init(&r, body.p, body.len);
	f->tracing_id = NULL;
	f->warnings.n = 0;
	f->warnings.raw = ucql_bytes_of(NULL, 0);
	f->custom_payload = f->warnings;
	f->parsed = 0;
	/* §4 (v4) / §4 (v5): [tracing id][warnings][custom payload]<message>;
	 * the first two only in responses. */
	if (f->h.response) {
		if (f->h.flags & UCQL_FLAG_TRACING)
			f->tracing_id = ucql_read_uuid(&r);
		if (f->h.flags & UCQL_FLAG_WARNING)
			f->warnings = ucql_read_string_list(&r);
	}
	if (f->h.flags & UCQL_FLAG_CUSTOM_PAYLOAD)
		f->custom_payload = ucql_read_bytes_map(&r);
	if (r.err) {
		f->tracing_id = NULL;
		return r.err;
	}
	f->body = ucql_bytes_of(r.p, ucql_reader_left(&r));
	f->parsed = 1;
	return 0;
}

int ucql_frame_decode(const uint8_t *buf, size_t len, uint32_t max_body, ucql_frame *f)
{
	int rc = ucql_frame_header_decode(buf, len, max_body, &f->h);
	f->parsed = 0;
	f->tracing_id = NULL;
	f->raw = f->body = ucql_bytes_of(NULL, 0);
	f->warnings.n = f->custom_payload.n = 0;
	f->warnings.raw = f->custom_payload.raw = f->raw;
	if (rc < 0)
		return rc;
	if (f->h.version >= 5 && (f->h.flags & UCQL_FLAG_COMPRESSION))
		return UCQL_E_BAD_FLAGS;
	/* The return value must fit an int (only with max_body > 2 GiB). */
	if (f->h.length > (uint32_t)INT32_MAX - UCQL_FRAME_HEADER_SIZE)
		return UCQL_E_TOO_BIG;
	if (len - UCQL_FRAME_HEADER_SIZE < f->h.length)
		return UCQL_NEED_MORE;
	f->raw = ucql_bytes_of(buf + UCQL_FRAME_HEADER_SIZE, f->h.length);
	if (!(f->h.flags & UCQL_FLAG_COMPRESSION)) {
		rc = ucql_frame_parse_sections(f, f->raw);
		if (rc < 0)
			return rc;
	}
	return (int)(UCQL_FRAME_HEADER_SIZE + f->h.length);
}

int ucql_frame_decompressed_size(const ucql_frame *f, uint32_t max_body, size_t *size)
{
	if (f->parsed || !(f->h.flags & UCQL_FLAG_COMPRESSION) || f->h.version >= 5)
		return UCQL_E_INVALID_ARG;
	if (f->raw.len < UCQL_FRAME_LZ4_PREFIX)
		return UCQL_E_TRUNCATED;
	uint32_t n = ucql__be32(f->raw.p);
	if (n > (max_body ? max_body : UCQL_DEFAULT_MAX_FRAME))
		return UCQL_E_TOO_BIG;
	*size = n;
	return 0;
}

int ucql_frame_decompress(ucql_frame *f, uint8_t *out, size_t cap, uint32_t max_body)
{
	size_t n;
	int rc = ucql_frame_decompressed_size(f, max_body, &n);
	if (rc < 0)
		return rc;
	if (cap < n)
		return UCQL_E_NOSPACE;
	size_t clen = f->raw.len - UCQL_FRAME_LZ4_PREFIX;
	/* LZ4 takes int sizes; max_body ≤ 4 GiB may exceed them. */
	if (clen > (size_t)LZ4_MAX_INPUT_SIZE || n > (size_t)INT32_MAX)
		return UCQL_E_TOO_BIG;
	/* An empty body still has a one-byte lz4 block (a zero token); lz4
	 * wants a writable destination even for 0 bytes. */
	uint8_t dummy;
	int got = LZ4_decompress_safe((const char *)f->raw.p + UCQL_FRAME_LZ4_PREFIX,
				      (char *)(n ? out : &dummy), (int)clen, (int)n);
	if (got < 0 || (size_t)got != n)
		return UCQL_E_COMPRESSION;
	return ucql_frame_parse_sections(f, ucql_bytes_of(out, n));
}

size_t ucql_frame_begin_sections(ucql_writer *w, const ucql_frame_header *h,
				 const ucql_frame_sections *s)
{
	const uint8_t sect_bits = UCQL_FLAG_TRACING | UCQL_FLAG_WARNING | UCQL_FLAG_CUSTOM_PAYLOAD;
	size_t start = w->len;
	uint8_t flags = h->flags & (uint8_t)~sect_bits;
	if (!h->response)
		flags |= h->flags & UCQL_FLAG_TRACING; /* a request's "please trace" */
	if (s) {
		if ((!h->response && (s->tracing_id || s->n_warnings)) ||
		    s->n_warnings > 0xFFFF || s->n_payload > 0xFFFF) {
			ucql_writer_fail(w, UCQL_E_INVALID_ARG);
			return start;
		}
		if (h->response && s->tracing_id)
			flags |= UCQL_FLAG_TRACING;
		if (h->response && s->n_warnings)
			flags |= UCQL_FLAG_WARNING;
		if (s->n_payload)
			flags |= UCQL_FLAG_CUSTOM_PAYLOAD;
	}
	if (!ucql__frame_header_ok(h)) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return start;
	}
	ucql_frame_header hh = *h;
	hh.flags = flags;
	hh.length = 0;
	uint8_t *d = ucql_writer_reserve(w, UCQL_FRAME_HEADER_SIZE);
	if (d)
		ucql_frame_header_encode(d, &hh);
	if (!s)
		return start;
	/* §4: tracing id, warnings, custom payload, in this order. */
	if (flags & UCQL_FLAG_TRACING && h->response)
		ucql_write_uuid(w, s->tracing_id);
	if (flags & UCQL_FLAG_WARNING)
		ucql_write_string_list(w, s->warnings, s->n_warnings);
	if (flags & UCQL_FLAG_CUSTOM_PAYLOAD)
		ucql_write_bytes_map(w, s->payload_keys, s->payload_values, s->n_payload);
	return start;
}

size_t ucql_frame_compress_bound(size_t body_len)
{
	if (body_len > (size_t)LZ4_MAX_INPUT_SIZE)
		return 0;
	return UCQL_FRAME_HEADER_SIZE + UCQL_FRAME_LZ4_PREFIX +
	       (size_t)LZ4_compressBound((int)body_len);
}

int ucql_frame_compress(const uint8_t *frame, size_t len, uint8_t *out, size_t cap)
{
	ucql_frame_header h;
	int rc = ucql_frame_header_decode(frame, len, UINT32_MAX, &h);
	if (rc < 0 || h.version >= 5 || (h.flags & UCQL_FLAG_COMPRESSION) ||
	    h.opcode == UCQL_OP_STARTUP || len - UCQL_FRAME_HEADER_SIZE != h.length ||
	    h.length > (uint32_t)LZ4_MAX_INPUT_SIZE)
		return UCQL_E_INVALID_ARG;
	size_t bound = ucql_frame_compress_bound(h.length);
	if (cap < bound)
		return UCQL_E_NOSPACE;
	/* The stack state keeps compression allocation-free (~16 KiB). */
	size_t room = cap - UCQL_FRAME_HEADER_SIZE - UCQL_FRAME_LZ4_PREFIX;
	if (room > (size_t)INT32_MAX)
		room = INT32_MAX;
	LZ4_stream_t st;
	int clen = LZ4_compress_fast_extState(&st, (const char *)frame + UCQL_FRAME_HEADER_SIZE,
					      (char *)out + UCQL_FRAME_HEADER_SIZE +
						      UCQL_FRAME_LZ4_PREFIX,
					      (int)h.length, (int)room, 1);
	if (clen <= 0)
		return UCQL_E_NOSPACE;
	h.flags |= UCQL_FLAG_COMPRESSION;
	h.length = (uint32_t)(UCQL_FRAME_LZ4_PREFIX + (size_t)clen);
	ucql_frame_header_encode(out, &h);
	ucql__put32(out + UCQL_FRAME_HEADER_SIZE, (uint32_t)(len - UCQL_FRAME_HEADER_SIZE));
	return (int)(UCQL_FRAME_HEADER_SIZE + h.length);
}
