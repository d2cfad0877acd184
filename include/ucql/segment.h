/*
 * ucql/segment.h — protocol v5 framing (native_protocol_v5.spec §2):
 * segments with their CRC24 header check and primed CRC32 payload check,
 * optionally lz4-compressed, and a streaming decoder that turns a byte
 * stream of segments back into envelope bytes.
 *
 * Wire format (integers little-endian, unlike everything inside them):
 *   uncompressed: [3-byte header: payload len (17 bits) | self-contained
 *                 (bit 17) | padding (6)] [CRC24 of the header, 3 bytes]
 *                 [payload] [CRC32 of the payload, 4 bytes]
 *   lz4:          [5-byte header: compressed len (17) | uncompressed len
 *                 (17) | self-contained (bit 34) | padding (5)] [CRC24, 3]
 *                 [payload] [CRC32 of the payload as sent, 4 bytes]
 * In lz4 mode an uncompressed length of 0 means "stored uncompressed" (the
 * encoder does that when lz4 would not shrink the payload). The lz4 payload
 * is a raw block without a size prefix. The spec's "4+4 bytes" lz4 header
 * is wrong: it is 5+3 (see notes/protocol.md). The CRC32 is zlib's,
 * primed with the bytes FA 2D 55 CA (not in the spec; Cassandra's
 * Crc.initialCrc32()).
 *
 * A self-contained segment carries one or more whole envelopes; an envelope
 * longer than UCQL_SEGMENT_MAX_PAYLOAD is cut into non-self-contained
 * segments that each carry a piece of it only.
 *
 * Thread safety: every function is pure over caller buffers; any thread may
 * call them. A ucql_segment_stream belongs to one thread at a time.
 */
#ifndef UCQL_SEGMENT_H
#define UCQL_SEGMENT_H

#include "common.h"
#include "wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest payload a segment can carry (17-bit length). */
#define UCQL_SEGMENT_MAX_PAYLOAD 131071u
/* Header + CRC24 sizes: 3 + 3 uncompressed, 5 + 3 with lz4. */
#define UCQL_SEGMENT_HEADER_SIZE 6u
#define UCQL_SEGMENT_LZ4_HEADER_SIZE 8u
#define UCQL_SEGMENT_TRAILER_SIZE 4u /* the payload's CRC32 */
/* Largest wire size of one segment, either format. */
#define UCQL_SEGMENT_MAX_SIZE \
	(UCQL_SEGMENT_LZ4_HEADER_SIZE + UCQL_SEGMENT_MAX_PAYLOAD + UCQL_SEGMENT_TRAILER_SIZE)

/* ---- CRCs ---------------------------------------------------------------- */

/* zlib's CRC32 of FA 2D 55 CA: the state the payload CRC32 starts from. */
#define UCQL_CRC32_CQL_INIT 0x44777ed3u

/* The v5 header CRC24 (init 0x875060, poly 0x1974F0B, bytes fed in wire
 * order, i.e. least significant first) of n ≤ 8 header bytes. Larger n
 * is allowed and simply continues the CRC. */
UCQL_API uint32_t ucql_crc24(const uint8_t *p, size_t n);
/* The payload CRC32: zlib CRC32 primed with FA 2D 55 CA, i.e.
 * crc32(crc32(0, "\xfa\x2d\x55\xca", 4), p, n). ISA-L (PCLMULQDQ) does the
 * work. */
UCQL_API uint32_t ucql_crc32_cql(const void *p, size_t n);
/* Incremental form: start from UCQL_CRC32_CQL_INIT, feed pieces in order;
 * the result after the last piece equals ucql_crc32_cql over all of them.
 * Also plain zlib crc32(crc, p, n) when started from 0. */
UCQL_API uint32_t ucql_crc32_update(uint32_t crc, const void *p, size_t n);

/* ---- one segment --------------------------------------------------------- */

/* A decoded segment header. */
typedef struct ucql_segment_header {
	uint32_t payload_len;      /* bytes on the wire between header and CRC32 */
	uint32_t uncompressed_len; /* lz4: 0 = stored as is; else the original size.
				      Uncompressed format: always 0. */
	uint8_t self_contained;    /* 1: whole envelopes; 0: a piece of one */
	uint8_t header_size;       /* 6 or 8: header + CRC24 */
	uint32_t wire_size;        /* the whole segment: header..CRC32 */
} ucql_segment_header;

/* Decodes and checks the header at p[0..n). `lz4` picks the format (it is
 * a property of the connection, not visible on the wire). Returns the
 * header size (6 or 8) with *h filled, UCQL_NEED_MORE if n is smaller than
 * that, or UCQL_E_CRC if the CRC24 does not match (the lengths are then
 * unreliable: the stream cannot be resynchronized). */
UCQL_API int ucql_segment_header_decode(const uint8_t *p, size_t n, int lz4,
					ucql_segment_header *h);

/* A decoded segment. */
typedef struct ucql_segment {
	ucql_bytes payload;     /* the (decompressed) payload: a view into the
				   input, or into `out` when it was lz4-compressed */
	uint8_t self_contained; /* as in the header */
	uint8_t compressed;     /* 1 if the payload was lz4-decompressed into out */
	uint8_t bad_crc;        /* on UCQL_E_CRC: UCQL_SEGMENT_BAD_HEADER_CRC or
				   UCQL_SEGMENT_BAD_PAYLOAD_CRC; else 0 */
	uint32_t wire_size;     /* the segment's wire size once the header is
				   known (also on NEED_MORE and payload errors),
				   else 0 */
} ucql_segment;

enum ucql_segment_bad_crc {
	/* Header corrupt: wire_size unknown, the connection must be closed. */
	UCQL_SEGMENT_BAD_HEADER_CRC = 1,
	/* Payload corrupt, header intact: wire_size bytes may be skipped. */
	UCQL_SEGMENT_BAD_PAYLOAD_CRC = 2,
};

/* Decodes one segment from p[0..n), checking both CRCs. An uncompressed or
 * stored payload is a view into p (no copy); an lz4 payload is
 * decompressed into out[0..out_cap) (give ≥ UCQL_SEGMENT_MAX_PAYLOAD
 * bytes; may be NULL when lz4 is 0). Returns the bytes consumed
 * (seg->wire_size) with *seg filled, or:
 *   UCQL_NEED_MORE     incomplete; seg->wire_size is the total needed, or 0
 *                      if even the header is incomplete (then 6 or 8 bytes
 *                      are needed to learn it);
 *   UCQL_E_CRC         seg->bad_crc says which CRC failed;
 *   UCQL_E_COMPRESSION corrupt lz4 data, or it does not decompress to
 *                      exactly the header's uncompressed length;
 *   UCQL_E_NOSPACE     out_cap is smaller than the uncompressed length.
 * (17-bit lengths cannot exceed the maximum, so there is no TOO_BIG.)
 * Never reads outside p[0..n). */
UCQL_API int ucql_segment_decode(const uint8_t *p, size_t n, int lz4, uint8_t *out,
				 size_t out_cap, ucql_segment *seg);

/* The second half of ucql_segment_decode, for a caller that decoded the
 * header first and waited for h->wire_size bytes: `p` is the segment's
 * start and must hold h->wire_size bytes. Same results (never NEED_MORE
 * and never a header CRC error). */
UCQL_API int ucql_segment_decode_payload(const uint8_t *p, const ucql_segment_header *h,
					 uint8_t *out, size_t out_cap, ucql_segment *seg);

/* Worst-case wire size of one segment carrying n ≤ UCQL_SEGMENT_MAX_PAYLOAD
 * bytes (lz4 never makes it bigger: incompressible data is stored). */
static inline size_t ucql_segment_bound(size_t n, int lz4)
{
	return (lz4 ? UCQL_SEGMENT_LZ4_HEADER_SIZE : UCQL_SEGMENT_HEADER_SIZE) + n +
	       UCQL_SEGMENT_TRAILER_SIZE;
}

/* Worst-case wire size of ucql_segments_write / ucql_segments_write_envelope
 * for n bytes: one segment per UCQL_SEGMENT_MAX_PAYLOAD bytes, plus one per
 * envelope boundary that may force an early cut (`envelopes` = number of
 * envelopes in the data; 1 for a single envelope). */
static inline size_t ucql_segments_bound(size_t n, size_t envelopes, int lz4)
{
	size_t segs = (n + UCQL_SEGMENT_MAX_PAYLOAD - 1) / UCQL_SEGMENT_MAX_PAYLOAD + envelopes;
	return segs * ucql_segment_bound(0, lz4) + n;
}

/* Writes one segment carrying payload (≤ UCQL_SEGMENT_MAX_PAYLOAD bytes,
 * else w->err = UCQL_E_INVALID_ARG and nothing is written). With lz4 the
 * payload is compressed straight into the writer's buffer, and stored
 * uncompressed when that does not make it smaller. Past the writer's
 * capacity w->len counts the worst case (ucql_segment_bound), so a
 * measuring pass with lz4 gives an upper bound, not the exact size. */
UCQL_API void ucql_segment_write(ucql_writer *w, ucql_bytes payload, int self_contained,
				 int lz4);

/* Writes one envelope (any size) as segments: one self-contained segment
 * if it fits, else non-self-contained pieces of UCQL_SEGMENT_MAX_PAYLOAD
 * bytes (the last one shorter). The envelope's content is not inspected. */
UCQL_API void ucql_segments_write_envelope(ucql_writer *w, ucql_bytes env, int lz4);

/* Writes a run of whole envelopes (each a 9-byte v5 header with its
 * big-endian body length at bytes 5..8, then the body): consecutive
 * envelopes are packed into self-contained segments of at most
 * UCQL_SEGMENT_MAX_PAYLOAD bytes; an envelope longer than that gets its own
 * non-self-contained pieces. If `data` is not a sequence of whole
 * envelopes, w->err = UCQL_E_INVALID_ARG and nothing is written. */
UCQL_API void ucql_segments_write(ucql_writer *w, ucql_bytes data, int lz4);

/* ---- streaming decoder --------------------------------------------------- */

/* Work buffer the stream needs: one whole segment (for a segment split
 * across feeds), plus the lz4 decompression output. */
#define UCQL_SEGMENT_STREAM_WORK_SIZE(lz4) \
	(UCQL_SEGMENT_MAX_SIZE + ((lz4) ? UCQL_SEGMENT_MAX_PAYLOAD : 0u))

/* Decodes a stream of segments fed in chunks of any size and yields the
 * envelope bytes they carry, in order. All memory is the caller's: the
 * struct, a work buffer of UCQL_SEGMENT_STREAM_WORK_SIZE(lz4) bytes, and an
 * envelope buffer whose size is the largest envelope (9-byte header + body)
 * accepted when one is split across segments. Treat the fields as private. */
typedef struct ucql_segment_stream {
	const uint8_t *in;      /* unconsumed part of the current chunk */
	size_t in_len;
	uint8_t *work;          /* [0, MAX_SIZE): partial segment; then lz4 output */
	size_t work_cap;
	uint8_t *env;           /* reassembly of a split envelope */
	size_t env_cap;
	size_t seg_have;        /* bytes of a partial segment in work */
	size_t seg_need;        /* its wire size once known, else 0 */
	size_t env_have;        /* bytes of a split envelope in env */
	size_t env_need;        /* its total size once its header is in, else 0 */
	int lz4;
	int err;                /* sticky error, 0 if none */
	uint8_t bad_crc;        /* ucql_segment.bad_crc of a UCQL_E_CRC error */
} ucql_segment_stream;

/* Sets the stream up. Returns 0, or UCQL_E_INVALID_ARG if work_cap is below
 * UCQL_SEGMENT_STREAM_WORK_SIZE(lz4) or env_cap below 9 (the stream is
 * then failed). Buffers stay the caller's and must outlive the stream. */
UCQL_API int ucql_segment_stream_init(ucql_segment_stream *s, int lz4, uint8_t *work,
				      size_t work_cap, uint8_t *env, size_t env_cap);

/* Hands the next chunk of the byte stream to the decoder. The chunk is
 * borrowed: keep it unchanged until ucql_segment_stream_next returns 0.
 * Feeding while the previous chunk is not used up is UCQL_E_INVALID_ARG
 * (sticky). */
UCQL_API void ucql_segment_stream_feed(ucql_segment_stream *s, const void *p, size_t n);

/* Yields the next envelope bytes: returns 1 and sets *out to either the
 * payload of a self-contained segment (one or more whole envelopes; split
 * them with the frame decoder) or one whole envelope reassembled from
 * non-self-contained segments. *out points into the fed chunk (a segment
 * wholly inside it, uncompressed: no copy), into the work buffer or into
 * the envelope buffer, and stays valid until the next call. Returns 0 when
 * the chunk is used up (feed more), or a negative error, sticky:
 *   UCQL_E_CRC          s->bad_crc tells header or payload;
 *   UCQL_E_COMPRESSION  corrupt lz4;
 *   UCQL_E_TOO_BIG      a split envelope is longer than env_cap;
 *   UCQL_E_BAD_LENGTH   a split envelope's length is negative, or its
 *                       pieces run past that length;
 *   UCQL_E_BAD_FLAGS    a self-contained segment before a split envelope
 *                       is complete;
 *   UCQL_E_INVALID_ARG  bad buffers given to init, or a feed before the
 *                       previous chunk was used up. */
UCQL_API int ucql_segment_stream_next(ucql_segment_stream *s, ucql_bytes *out);

/* 1 if the decoder is between segments and envelopes (a clean point to
 * close the connection or switch framing), else 0. */
static inline int ucql_segment_stream_idle(const ucql_segment_stream *s)
{
	return s->in_len == 0 && s->seg_have == 0 && s->env_have == 0 && !s->err;
}

#ifdef __cplusplus
}
#endif
#endif
