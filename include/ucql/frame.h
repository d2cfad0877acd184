/*
 * ucql/frame.h — the CQL frame (v5: "envelope"): a 9-byte header, optional
 * body sections (tracing id, warnings, custom payload), then one message
 * body; v3/v4 body compression with lz4.
 *
 * Spec: native_protocol_v4.spec §2 (header, flags), §4 (section order), §5
 * (compression); native_protocol_v5.spec §2 (the same envelope header; v5
 * compresses whole segments, never an envelope body).
 *
 * Header layout (v3+), big-endian:
 *   0  version  (0x80 bit set in responses; low 7 bits 3, 4 or 5)
 *   1  flags    (UCQL_FLAG_*; bits not defined by the spec are ignored)
 *   2  stream   (int16; events use -1)
 *   4  opcode   (UCQL_OP_*)
 *   5  length   (uint32 length of the body that follows)
 *
 * Body layout: [tracing id][warnings][custom payload]<message>, where
 *   - responses: tracing id [uuid] if UCQL_FLAG_TRACING, warnings
 *     [string list] if UCQL_FLAG_WARNING, custom payload [bytes map] if
 *     UCQL_FLAG_CUSTOM_PAYLOAD;
 *   - requests: only the custom payload. UCQL_FLAG_TRACING on a request just
 *     asks the server to trace it and adds no bytes; UCQL_FLAG_WARNING has
 *     no meaning on a request and is ignored.
 *
 * Decoding is allocation-free: every view in ucql_frame borrows the input
 * buffer (or, for compressed frames, the caller's decompression buffer) and
 * stays valid as long as that buffer. Encoding writes through ucql_writer;
 * a frame is ucql_frame_begin / a message body encoder (request.h,
 * response.h) / ucql_frame_end.
 *
 * Every function is pure: any thread may call it on its own buffers.
 */
#ifndef UCQL_FRAME_H
#define UCQL_FRAME_H

#include "common.h"
#include "wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The direction bit of the version byte: set in server→client frames. */
#define UCQL_FRAME_RESPONSE_BIT 0x80
/* v4 compressed body: 4-byte big-endian uncompressed length, then lz4. */
#define UCQL_FRAME_LZ4_PREFIX 4

/* A decoded or to-be-encoded frame header. */
typedef struct ucql_frame_header {
	uint8_t version;  /* protocol version, direction bit removed */
	uint8_t response; /* 1 if the direction bit is set (server → client) */
	uint8_t flags;    /* UCQL_FLAG_* as on the wire */
	int16_t stream;
	uint8_t opcode;   /* UCQL_OP_* */
	uint32_t length;  /* body length; ignored by the encoder */
} ucql_frame_header;

/*
 * Decodes the 9-byte header at buf. Returns UCQL_FRAME_HEADER_SIZE (9), or
 * UCQL_NEED_MORE if len < 9, or an error:
 *   UCQL_E_BAD_VERSION  version not 3..5. h->version, response, flags,
 *                       stream and opcode are still filled from the bytes
 *                       (and length), so a server can answer "unsupported
 *                       protocol version" on the same stream, as Cassandra
 *                       does;
 *   UCQL_E_BAD_OPCODE   unknown opcode, or a request opcode with the
 *                       response bit set or vice versa;
 *   UCQL_E_TOO_BIG      length > max_body (0 means UCQL_DEFAULT_MAX_FRAME).
 * Checked in that order; on every error h is filled as far as the bytes go.
 */
UCQL_API int ucql_frame_header_decode(const uint8_t *buf, size_t len, uint32_t max_body,
				      ucql_frame_header *h);

/* Writes the 9 header bytes of h (version | response bit, flags, stream,
 * opcode, length) to out. No validation: use ucql_frame_begin to encode. */
static inline void ucql_frame_header_encode(uint8_t out[UCQL_FRAME_HEADER_SIZE],
					    const ucql_frame_header *h)
{
	out[0] = (uint8_t)(h->version | (h->response ? UCQL_FRAME_RESPONSE_BIT : 0));
	out[1] = h->flags;
	ucql__put16(out + 2, (uint16_t)h->stream);
	out[4] = h->opcode;
	ucql__put32(out + 5, h->length);
}

/* ---- whole-frame decode -------------------------------------------------- */

/* A decoded frame. All views borrow the input (or decompression) buffer. */
typedef struct ucql_frame {
	ucql_frame_header h;
	ucql_bytes raw;                /* the body as on the wire (compressed or not) */
	uint8_t parsed;                /* 1 once the sections below are valid; 0 for a
				        * compressed frame until ucql_frame_decompress */
	const uint8_t *tracing_id;     /* 16 bytes (responses with TRACING), else NULL */
	ucql_list_view warnings;       /* [string list]; n = 0 when absent */
	ucql_list_view custom_payload; /* [bytes map]; n = 0 when absent */
	ucql_bytes body;               /* the message body, after the sections */
} ucql_frame;

/*
 * Decodes one whole frame at the start of buf: header, then (unless
 * compressed) the body sections. Returns the bytes the frame occupies
 * (9 + length), UCQL_NEED_MORE while buf holds less than that, or an error:
 * those of ucql_frame_header_decode (returned as soon as the header is
 * complete, so a too-big frame is rejected before its body arrives), then
 *   UCQL_E_BAD_FLAGS    COMPRESSION flag in a v5 envelope (v5 compresses
 *                       segments instead);
 *   UCQL_E_TRUNCATED    a section runs past the body;
 *   UCQL_E_BAD_LENGTH   a negative length inside a section.
 * With UCQL_FLAG_COMPRESSION (v3/v4) only header and raw are set and
 * parsed = 0: call ucql_frame_decompressed_size and ucql_frame_decompress.
 * max_body 0 means UCQL_DEFAULT_MAX_FRAME; a frame of INT_MAX bytes or
 * more is UCQL_E_TOO_BIG whatever max_body says (the count must fit).
 */
UCQL_API int ucql_frame_decode(const uint8_t *buf, size_t len, uint32_t max_body, ucql_frame *f);

/*
 * Parses the body sections of f (using f->h.flags and f->h.response) from
 * body, which is f->raw for an uncompressed frame or the decompressed body.
 * Sets tracing_id, warnings, custom_payload, body and parsed = 1. Returns 0,
 * UCQL_E_TRUNCATED or UCQL_E_BAD_LENGTH. Needed directly only by code that
 * obtains a body some other way; ucql_frame_decode calls it.
 */
UCQL_API int ucql_frame_parse_sections(ucql_frame *f, ucql_bytes body);

/*
 * For a compressed frame from ucql_frame_decode: stores in *size the
 * capacity ucql_frame_decompress needs (the declared uncompressed length).
 * Returns 0, UCQL_E_INVALID_ARG if f is not a pending compressed frame,
 * UCQL_E_TRUNCATED if the body is shorter than the 4-byte prefix,
 * UCQL_E_TOO_BIG if the declared length exceeds max_body (0: default) — so
 * a hostile peer cannot make the caller allocate 4 GiB.
 */
UCQL_API int ucql_frame_decompressed_size(const ucql_frame *f, uint32_t max_body, size_t *size);

/*
 * Decompresses f's body (v4 lz4 format) into out[0..cap) and parses its
 * sections, which then point into out (out must outlive the views). Returns
 * 0, or the errors of ucql_frame_decompressed_size, UCQL_E_NOSPACE if cap is
 * below the needed size, UCQL_E_COMPRESSION if the lz4 block is corrupt or
 * does not yield exactly the declared length, then those of
 * ucql_frame_parse_sections. f is left unparsed on error.
 */
UCQL_API int ucql_frame_decompress(ucql_frame *f, uint8_t *out, size_t cap, uint32_t max_body);

/* ---- encode -------------------------------------------------------------- */

/*
 * Body sections to write at the start of a frame body. Borrowed for the
 * duration of the call only. Requests may carry only the custom payload.
 */
typedef struct ucql_frame_sections {
	const uint8_t *tracing_id;        /* responses: 16 bytes, or NULL */
	const ucql_bytes *warnings;       /* responses: n_warnings strings */
	size_t n_warnings;
	const ucql_bytes *payload_keys;   /* custom payload: n_payload entries */
	const ucql_value *payload_values;
	size_t n_payload;
} ucql_frame_sections;

/* 1 if the header fields make a frame this library may encode. */
static inline int ucql__frame_header_ok(const ucql_frame_header *h)
{
	static const uint32_t req = 1u << UCQL_OP_STARTUP | 1u << UCQL_OP_OPTIONS |
				    1u << UCQL_OP_QUERY | 1u << UCQL_OP_PREPARE |
				    1u << UCQL_OP_EXECUTE | 1u << UCQL_OP_REGISTER |
				    1u << UCQL_OP_BATCH | 1u << UCQL_OP_AUTH_RESPONSE;
	static const uint32_t resp = 1u << UCQL_OP_ERROR | 1u << UCQL_OP_READY |
				     1u << UCQL_OP_AUTHENTICATE | 1u << UCQL_OP_SUPPORTED |
				     1u << UCQL_OP_RESULT | 1u << UCQL_OP_EVENT |
				     1u << UCQL_OP_AUTH_CHALLENGE | 1u << UCQL_OP_AUTH_SUCCESS;
	if (h->version < UCQL_PROTOCOL_MIN || h->version > UCQL_PROTOCOL_MAX)
		return 0;
	if (h->opcode > UCQL_OP_AUTH_SUCCESS ||
	    !((h->response ? resp : req) >> h->opcode & 1))
		return 0;
	/* A frame is compressed only by ucql_frame_compress, after encoding. */
	if (h->flags & UCQL_FLAG_COMPRESSION)
		return 0;
	return 1;
}

/*
 * Starts a frame without sections: writes the 9-byte header of h (length 0
 * for now; h->length is ignored) and returns its offset in w, to be passed
 * to ucql_frame_end after the message body. h->flags is written as given
 * (e.g. UCQL_FLAG_TRACING on a request asks for tracing) but must not have
 * TRACING on a response, CUSTOM_PAYLOAD or WARNING: those announce
 * sections — use ucql_frame_begin_sections for them. A bad version, opcode
 * (or direction) or flags set w->err = UCQL_E_INVALID_ARG.
 */
static inline size_t ucql_frame_begin(ucql_writer *w, const ucql_frame_header *h)
{
	size_t start = w->len;
	uint8_t *d = ucql_writer_reserve(w, UCQL_FRAME_HEADER_SIZE);
	uint8_t bad = UCQL_FLAG_CUSTOM_PAYLOAD | UCQL_FLAG_WARNING |
		      (h->response ? UCQL_FLAG_TRACING : 0);
	if (!ucql__frame_header_ok(h) || (h->flags & bad)) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return start;
	}
	if (d) {
		d[0] = (uint8_t)(h->version | (h->response ? UCQL_FRAME_RESPONSE_BIT : 0));
		d[1] = h->flags;
		ucql__put16(d + 2, (uint16_t)h->stream);
		d[4] = h->opcode;
		memset(d + 5, 0, 4);
	}
	return start;
}

/*
 * Like ucql_frame_begin, then writes the sections of s (NULL: none) and
 * sets their flags in the header: TRACING (responses, tracing_id != NULL),
 * WARNING (responses, n_warnings > 0), CUSTOM_PAYLOAD (n_payload > 0). h's
 * own TRACING/WARNING/CUSTOM_PAYLOAD bits are recomputed from s, except
 * TRACING on a request, kept as given. Tracing id or warnings on a
 * request, or more than 65535 entries, set w->err = UCQL_E_INVALID_ARG.
 * Returns the frame's offset for ucql_frame_end.
 */
UCQL_API size_t ucql_frame_begin_sections(ucql_writer *w, const ucql_frame_header *h,
					  const ucql_frame_sections *s);

/*
 * Ends the frame begun at `start`: patches the header's length with the
 * bytes written since. Returns 0, w->err if the writer failed (e.g.
 * UCQL_E_NOSPACE: w->len then tells the size needed), or UCQL_E_TOO_BIG
 * (also stored in w->err) if the body exceeds max_body (0: default).
 */
static inline int ucql_frame_end(ucql_writer *w, size_t start, uint32_t max_body)
{
	size_t body = w->len - start - UCQL_FRAME_HEADER_SIZE;
	if (!max_body)
		max_body = UCQL_DEFAULT_MAX_FRAME;
	if (body > max_body) {
		ucql_writer_fail(w, UCQL_E_TOO_BIG);
		return w->err;
	}
	if (w->err)
		return w->err;
	ucql__put32(w->buf + start + 5, (uint32_t)body);
	return 0;
}

/* Upper bound of the size of ucql_frame_compress's output for an
 * uncompressed frame with a body of body_len bytes; 0 if body_len is too
 * large for lz4 (> LZ4_MAX_INPUT_SIZE, about 2 GB). */
UCQL_API size_t ucql_frame_compress_bound(size_t body_len);

/*
 * Compresses one complete, encoded, uncompressed v3/v4 frame (frame[0..len),
 * len = 9 + its length field) into out: same header with UCQL_FLAG_COMPRESSION
 * set, body = 4-byte BE uncompressed length + raw lz4 block. Sections are
 * compressed with the message, as the spec requires. Returns the bytes
 * written, or UCQL_E_INVALID_ARG (not a whole frame, v5, STARTUP — never
 * compressed, §5 — or already compressed), UCQL_E_NOSPACE (cap below
 * ucql_frame_compress_bound). Does not allocate (lz4's state is on the stack).
 */
UCQL_API int ucql_frame_compress(const uint8_t *frame, size_t len, uint8_t *out, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
