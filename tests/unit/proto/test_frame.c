/*
 * Frame (envelope) header, sections, lz4 body compression.
 *
 * Known-answer frames were produced with Debian's python3-cassandra 3.25:
 *   ProtocolHandler.encode_message(msg, stream, version, compressor, False).hex()
 * (the script is in the comment above each vector).
 */
#include <criterion/criterion.h>
#include <lz4.h>
#include <stdio.h>

#include "guard.h"
#include "ucql/frame.h"

static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = 0;
	for (; h[0] && h[1]; h += 2) {
		unsigned v;
		sscanf(h, "%2x", &v);
		out[n++] = (uint8_t)v;
	}
	return n;
}

/* v4: OptionsMessage(), stream 1. */
static const char OPTIONS_V4[] = "040000010500000000";
/* v4: QueryMessage("SELECT * FROM t", ConsistencyLevel.ONE), stream 3. */
static const char QUERY_V4[] = "0400000307000000160000000f53454c454354202a2046524f4d2074000100";
/* v5: the same query, stream 3 (flags are an [int] in v5). */
static const char QUERY_V5[] = "0500000307000000190000000f53454c454354202a2046524f4d2074000100000000";
/* v4: QueryMessage("SELECT 1", ONE) with msg.custom_payload = {"k": b"v",
 * "n": None}, stream 12. */
static const char PAYLOAD_V4[] =
	"0404000c0700000020000200016b000000017600016effffffff0000000853454c4543542031000100";
/* v4: QueryMessage("SELECT 1", ONE) with msg.tracing = True, stream 13: the
 * flag only, no bytes. */
static const char TRACED_V4[] = "0402000d070000000f0000000853454c4543542031000100";
/* v4 compressed: QueryMessage("SELECT * FROM system.local WHERE key='local'
 * AND key='local' AND key='local'", ONE), stream 10, compressor =
 * cassandra.connection.locally_supported_compressions['lz4'][0]. */
static const char COMPRESSED_V4[] =
	"0401000a070000004100000053f11b0000004c53454c454354202a2046524f4d2073797374656d2e6c6f"
	"63616c205748455245206b65793d2711005f2720414e44100007506c27000100";
static const char COMPRESSED_QUERY[] =
	"SELECT * FROM system.local WHERE key='local' AND key='local' AND key='local'";

/* ---- header ------------------------------------------------------------- */

Test(frame, header_known_answer)
{
	uint8_t b[64];
	size_t n = unhex(QUERY_V4, b);
	ucql_frame_header h;
	cr_assert_eq(ucql_frame_header_decode(b, n, 0, &h), 9);
	cr_assert_eq(h.version, 4);
	cr_assert_eq(h.response, 0);
	cr_assert_eq(h.flags, 0);
	cr_assert_eq(h.stream, 3);
	cr_assert_eq(h.opcode, UCQL_OP_QUERY);
	cr_assert_eq(h.length, 0x16);
	uint8_t out[9];
	ucql_frame_header_encode(out, &h);
	cr_assert_arr_eq(out, b, 9);
}

Test(frame, header_response_and_negative_stream)
{
	/* An EVENT: version 0x84, stream -1. */
	const uint8_t b[] = { 0x84, 0x00, 0xFF, 0xFF, 0x0C, 0, 0, 0, 0 };
	ucql_frame_header h;
	cr_assert_eq(ucql_frame_header_decode(b, 9, 0, &h), 9);
	cr_assert_eq(h.version, 4);
	cr_assert_eq(h.response, 1);
	cr_assert_eq(h.stream, -1);
	cr_assert_eq(h.opcode, UCQL_OP_EVENT);
	uint8_t out[9];
	ucql_frame_header_encode(out, &h);
	cr_assert_arr_eq(out, b, 9);
}

Test(frame, header_need_more_at_every_length)
{
	uint8_t b[64];
	unhex(QUERY_V4, b);
	for (size_t i = 0; i < 9; i++) {
		guard_buf g = guard_copy(b, i);
		ucql_frame_header h;
		cr_assert_eq(ucql_frame_header_decode(g.p, g.len, 0, &h), UCQL_NEED_MORE, "len %zu", i);
		guard_free(&g);
	}
}

Test(frame, header_bad_version_keeps_stream)
{
	/* v2 and v6 requests, and v1 (0x01), v0x7F. */
	const uint8_t vs[] = { 0x00, 0x01, 0x02, 0x06, 0x42, 0x7F, 0x82, 0x86 };
	for (size_t i = 0; i < sizeof vs; i++) {
		uint8_t b[] = { vs[i], 0x00, 0x12, 0x34, 0x05, 0, 0, 0, 0 };
		ucql_frame_header h;
		memset(&h, 0xAA, sizeof h);
		cr_assert_eq(ucql_frame_header_decode(b, 9, 0, &h), UCQL_E_BAD_VERSION);
		cr_assert_eq(h.version, vs[i] & 0x7F);
		cr_assert_eq(h.stream, 0x1234, "stream kept for the error reply");
		cr_assert_eq(h.opcode, UCQL_OP_OPTIONS);
	}
}

Test(frame, header_bad_opcode)
{
	struct {
		uint8_t v, op;
	} cases[] = {
		{ 0x04, 0x04 }, /* unused opcode */
		{ 0x04, 0x11 }, /* past the last */
		{ 0x04, 0xFF },
		{ 0x04, UCQL_OP_RESULT },  /* response opcode in a request */
		{ 0x04, UCQL_OP_READY },
		{ 0x84, UCQL_OP_QUERY },   /* request opcode in a response */
		{ 0x85, UCQL_OP_STARTUP },
		{ 0x83, UCQL_OP_AUTH_RESPONSE },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint8_t b[] = { cases[i].v, 0, 0, 7, cases[i].op, 0, 0, 0, 0 };
		ucql_frame_header h;
		cr_assert_eq(ucql_frame_header_decode(b, 9, 0, &h), UCQL_E_BAD_OPCODE, "case %zu", i);
		cr_assert_eq(h.stream, 7);
	}
}

Test(frame, header_too_big)
{
	uint8_t b[] = { 0x04, 0, 0, 1, 0x07, 0, 0, 0x10, 0x01 }; /* length 4097 */
	ucql_frame_header h;
	cr_assert_eq(ucql_frame_header_decode(b, 9, 4096, &h), UCQL_E_TOO_BIG);
	cr_assert_eq(ucql_frame_header_decode(b, 9, 4097, &h), 9);
	/* Default: 256 MiB. */
	ucql__put32(b + 5, UCQL_DEFAULT_MAX_FRAME);
	cr_assert_eq(ucql_frame_header_decode(b, 9, 0, &h), 9);
	ucql__put32(b + 5, UCQL_DEFAULT_MAX_FRAME + 1);
	cr_assert_eq(ucql_frame_header_decode(b, 9, 0, &h), UCQL_E_TOO_BIG);
	/* A "negative" length (bit 31) is just too big. */
	ucql__put32(b + 5, 0xFFFFFFFF);
	cr_assert_eq(ucql_frame_header_decode(b, 9, 0, &h), UCQL_E_TOO_BIG);
	cr_assert_eq(h.length, 0xFFFFFFFF);
	/* Version is checked before opcode, opcode before length. */
	b[4] = 0x04;
	cr_assert_eq(ucql_frame_header_decode(b, 9, 0, &h), UCQL_E_BAD_OPCODE);
	b[0] = 0x09;
	cr_assert_eq(ucql_frame_header_decode(b, 9, 0, &h), UCQL_E_BAD_VERSION);
}

/* ---- whole frame -------------------------------------------------------- */

static void check_query_frame(const char *hex, int version)
{
	uint8_t b[128];
	size_t n = unhex(hex, b);
	guard_buf g = guard_copy(b, n);
	ucql_frame f;
	cr_assert_eq(ucql_frame_decode(g.p, g.len, 0, &f), (int)n);
	cr_assert_eq(f.h.version, version);
	cr_assert_eq(f.parsed, 1);
	cr_assert_null(f.tracing_id);
	cr_assert_eq(f.warnings.n, 0);
	cr_assert_eq(f.custom_payload.n, 0);
	cr_assert_eq(f.raw.p, g.p + 9);
	cr_assert_eq(f.body.p, g.p + 9);
	cr_assert_eq(f.body.len, n - 9);
	/* Every proper prefix: NEED_MORE, never a read past it. */
	for (size_t i = 0; i < n; i++) {
		guard_buf t = guard_copy(b, i);
		cr_assert_eq(ucql_frame_decode(t.p, t.len, 0, &f), UCQL_NEED_MORE, "prefix %zu", i);
		guard_free(&t);
	}
	guard_free(&g);
}

Test(frame, decode_known_answers)
{
	check_query_frame(QUERY_V4, 4);
	check_query_frame(QUERY_V5, 5);
	check_query_frame(OPTIONS_V4, 4);
}

Test(frame, decode_consumes_one_frame_of_several)
{
	uint8_t b[128];
	size_t n = unhex(OPTIONS_V4, b);
	n += unhex(QUERY_V4, b + n);
	ucql_frame f;
	cr_assert_eq(ucql_frame_decode(b, n, 0, &f), 9);
	cr_assert_eq(f.h.opcode, UCQL_OP_OPTIONS);
	cr_assert_eq(f.body.len, 0);
	cr_assert_eq(ucql_frame_decode(b + 9, n - 9, 0, &f), (int)n - 9);
	cr_assert_eq(f.h.opcode, UCQL_OP_QUERY);
}

Test(frame, decode_request_custom_payload)
{
	uint8_t b[128];
	size_t n = unhex(PAYLOAD_V4, b);
	guard_buf g = guard_copy(b, n);
	ucql_frame f;
	cr_assert_eq(ucql_frame_decode(g.p, g.len, 0, &f), (int)n);
	cr_assert_eq(f.custom_payload.n, 2);
	ucql_reader it;
	ucql_reader_init(&it, f.custom_payload.raw.p, f.custom_payload.raw.len);
	ucql_bytes k;
	ucql_value v;
	cr_assert(ucql_bytes_map_next(&it, &k, &v));
	cr_assert(ucql_bytes_eq_str(k, "k"));
	cr_assert_eq(v.len, 1);
	cr_assert_eq(v.p[0], 'v');
	cr_assert(ucql_bytes_map_next(&it, &k, &v));
	cr_assert(ucql_bytes_eq_str(k, "n"));
	cr_assert_eq(v.len, UCQL_NULL);
	/* The message: [long string] "SELECT 1", ONE, flags 0. */
	cr_assert_eq(f.body.len, 4 + 8 + 3);
	cr_assert_eq(memcmp(f.body.p + 4, "SELECT 1", 8), 0);
	for (size_t i = 9; i < n; i++) {
		/* A frame whose length is cut inside the payload: TRUNCATED. */
		uint8_t c[128];
		memcpy(c, b, i);
		ucql__put32(c + 5, (uint32_t)(i - 9));
		guard_buf t = guard_copy(c, i);
		int rc = ucql_frame_decode(t.p, t.len, 0, &f);
		if (i < 9 + 2 + 3 + 4 + 1 + 3 + 4)
			cr_assert_eq(rc, UCQL_E_TRUNCATED, "cut at %zu", i);
		else
			cr_assert_eq(rc, (int)i, "cut at %zu", i);
		guard_free(&t);
	}
	guard_free(&g);
}

Test(frame, decode_request_tracing_flag_adds_no_bytes)
{
	uint8_t b[128];
	size_t n = unhex(TRACED_V4, b);
	ucql_frame f;
	cr_assert_eq(ucql_frame_decode(b, n, 0, &f), (int)n);
	cr_assert_eq(f.h.flags, UCQL_FLAG_TRACING);
	cr_assert_null(f.tracing_id);
	cr_assert_eq(f.body.p, b + 9);
	cr_assert_eq(f.body.len, 0x0f);
}

Test(frame, decode_request_ignores_warning_flag)
{
	uint8_t b[] = { 0x04, UCQL_FLAG_WARNING, 0, 1, UCQL_OP_OPTIONS, 0, 0, 0, 0 };
	ucql_frame f;
	cr_assert_eq(ucql_frame_decode(b, sizeof b, 0, &f), 9);
	cr_assert_eq(f.warnings.n, 0);
}

static const uint8_t UUID[16] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
				  0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe };

/* Encodes a response frame with all three sections and a 3-byte body. */
static size_t encode_full_response(uint8_t *buf, size_t cap, int version)
{
	ucql_bytes warns[2] = { ucql_bytes_str("w1"), ucql_bytes_str("second warning") };
	ucql_bytes keys[1] = { ucql_bytes_str("key") };
	ucql_value vals[1] = { ucql_value_of("val", 3) };
	ucql_frame_sections s = { UUID, warns, 2, keys, vals, 1 };
	ucql_frame_header h = { (uint8_t)version, 1, 0, 77, UCQL_OP_RESULT, 0 };
	ucql_writer w;
	ucql_writer_init(&w, buf, cap);
	size_t at = ucql_frame_begin_sections(&w, &h, &s);
	cr_assert_eq(at, 0);
	ucql_write_raw(&w, "abc", 3);
	cr_assert_eq(ucql_frame_end(&w, at, 0), 0);
	return w.len;
}

Test(frame, response_sections_round_trip_and_byte_layout)
{
	for (int v = 3; v <= 5; v++) {
		uint8_t buf[256];
		size_t n = encode_full_response(buf, sizeof buf, v);
		/* Byte by byte (§2, §4): header, uuid, [string list], [bytes map], body. */
		const uint8_t want[] = {
			(uint8_t)(0x80 | v), 0x0E, 0x00, 77, 0x08, 0, 0, 0, 16 + 22 + 14 + 3,
			0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe,
			0, 2, 0, 2, 'w', '1', 0, 14, 's', 'e', 'c', 'o', 'n', 'd', ' ', 'w', 'a', 'r', 'n', 'i', 'n', 'g',
			0, 1, 0, 3, 'k', 'e', 'y', 0, 0, 0, 3, 'v', 'a', 'l',
			'a', 'b', 'c',
		};
		cr_assert_eq(n, sizeof want);
		cr_assert_arr_eq(buf, want, sizeof want);

		guard_buf g = guard_copy(buf, n);
		ucql_frame f;
		cr_assert_eq(ucql_frame_decode(g.p, g.len, 0, &f), (int)n);
		cr_assert_eq(f.h.response, 1);
		cr_assert_eq(f.h.stream, 77);
		cr_assert_eq(memcmp(f.tracing_id, UUID, 16), 0);
		cr_assert_eq(f.warnings.n, 2);
		ucql_reader it;
		ucql_bytes s;
		ucql_reader_init(&it, f.warnings.raw.p, f.warnings.raw.len);
		cr_assert(ucql_string_list_next(&it, &s));
		cr_assert(ucql_bytes_eq_str(s, "w1"));
		cr_assert(ucql_string_list_next(&it, &s));
		cr_assert(ucql_bytes_eq_str(s, "second warning"));
		cr_assert_eq(f.custom_payload.n, 1);
		cr_assert_eq(f.body.len, 3);
		cr_assert_eq(memcmp(f.body.p, "abc", 3), 0);
		guard_free(&g);

		/* Shrinking the declared length into the sections: TRUNCATED. */
		for (size_t cut = 0; cut < 16 + 22 + 14; cut++) {
			uint8_t c[256];
			memcpy(c, buf, 9 + cut);
			ucql__put32(c + 5, (uint32_t)cut);
			guard_buf t = guard_copy(c, 9 + cut);
			cr_assert_eq(ucql_frame_decode(t.p, t.len, 0, &f), UCQL_E_TRUNCATED, "cut %zu", cut);
			cr_assert_eq(f.parsed, 0);
			guard_free(&t);
		}
	}
}

Test(frame, response_single_sections)
{
	/* Tracing only, then warnings only: each flag alone. */
	uint8_t buf[64];
	ucql_writer w;
	ucql_frame_header h = { 4, 1, 0, 1, UCQL_OP_RESULT, 0 };
	ucql_frame_sections s = { UUID, NULL, 0, NULL, NULL, 0 };
	ucql_writer_init(&w, buf, sizeof buf);
	size_t at = ucql_frame_begin_sections(&w, &h, &s);
	cr_assert_eq(ucql_frame_end(&w, at, 0), 0);
	cr_assert_eq(buf[1], UCQL_FLAG_TRACING);
	cr_assert_eq(w.len, 9 + 16);
	ucql_frame f;
	cr_assert_eq(ucql_frame_decode(buf, w.len, 0, &f), 25);
	cr_assert_eq(f.tracing_id, buf + 9);
	cr_assert_eq(f.body.len, 0);

	ucql_bytes warn = ucql_bytes_str("x");
	ucql_frame_sections s2 = { NULL, &warn, 1, NULL, NULL, 0 };
	h.flags = UCQL_FLAG_TRACING | UCQL_FLAG_CUSTOM_PAYLOAD; /* recomputed from s2 */
	ucql_writer_init(&w, buf, sizeof buf);
	at = ucql_frame_begin_sections(&w, &h, &s2);
	cr_assert_eq(ucql_frame_end(&w, at, 0), 0);
	cr_assert_eq(buf[1], UCQL_FLAG_WARNING);
	cr_assert_eq(ucql_frame_decode(buf, w.len, 0, &f), 9 + 2 + 3);
	cr_assert_null(f.tracing_id);
	cr_assert_eq(f.warnings.n, 1);
}

Test(frame, request_sections_encode_matches_python)
{
	/* The PAYLOAD_V4 frame, rebuilt. */
	uint8_t want[128], buf[128];
	size_t n = unhex(PAYLOAD_V4, want);
	ucql_bytes keys[2] = { ucql_bytes_str("k"), ucql_bytes_str("n") };
	ucql_value vals[2] = { ucql_value_of("v", 1), ucql_value_null() };
	ucql_frame_sections s = { NULL, NULL, 0, keys, vals, 2 };
	ucql_frame_header h = { 4, 0, 0, 12, UCQL_OP_QUERY, 0 };
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	size_t at = ucql_frame_begin_sections(&w, &h, &s);
	ucql_write_long_string(&w, ucql_bytes_str("SELECT 1"));
	ucql_write_raw(&w, "\x00\x01\x00", 3);
	cr_assert_eq(ucql_frame_end(&w, at, 0), 0);
	cr_assert_eq(w.len, n);
	cr_assert_arr_eq(buf, want, n);

	/* A request's tracing flag is kept; tracing id / warnings refused. */
	h.flags = UCQL_FLAG_TRACING;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_frame_begin_sections(&w, &h, NULL);
	cr_assert_eq(w.err, 0);
	cr_assert_eq(buf[1], UCQL_FLAG_TRACING);
	ucql_frame_sections bad = { UUID, NULL, 0, NULL, NULL, 0 };
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_frame_begin_sections(&w, &h, &bad);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
	ucql_bytes warn = ucql_bytes_str("x");
	ucql_frame_sections bad2 = { NULL, &warn, 1, NULL, NULL, 0 };
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_frame_begin_sections(&w, &h, &bad2);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
}

/* ---- encode ------------------------------------------------------------- */

Test(frame, begin_end_known_answers)
{
	uint8_t want[128], buf[128];
	size_t n = unhex(OPTIONS_V4, want);
	ucql_frame_header h = { 4, 0, 0, 1, UCQL_OP_OPTIONS, 12345 /* ignored */ };
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	size_t at = ucql_frame_begin(&w, &h);
	cr_assert_eq(ucql_frame_end(&w, at, 0), 0);
	cr_assert_eq(w.len, n);
	cr_assert_arr_eq(buf, want, n);

	/* Appending a second frame: start offsets are relative to w. */
	n = unhex(QUERY_V5, want);
	h = (ucql_frame_header){ 5, 0, 0, 3, UCQL_OP_QUERY, 0 };
	at = ucql_frame_begin(&w, &h);
	cr_assert_eq(at, 9);
	ucql_write_long_string(&w, ucql_bytes_str("SELECT * FROM t"));
	ucql_write_short(&w, 1);
	ucql_write_int(&w, 0);
	cr_assert_eq(ucql_frame_end(&w, at, 0), 0);
	cr_assert_eq(w.len, 9 + n);
	cr_assert_arr_eq(buf + 9, want, n);
}

Test(frame, begin_rejects_bad_headers)
{
	const ucql_frame_header bad[] = {
		{ 2, 0, 0, 0, UCQL_OP_OPTIONS, 0 },
		{ 6, 0, 0, 0, UCQL_OP_OPTIONS, 0 },
		{ 4, 0, 0, 0, UCQL_OP_RESULT, 0 },  /* response opcode, request */
		{ 4, 1, 0, 0, UCQL_OP_QUERY, 0 },   /* request opcode, response */
		{ 4, 0, 0, 0, 0x04, 0 },
		{ 4, 0, 0, 0, 0x20, 0 },
		{ 4, 0, UCQL_FLAG_COMPRESSION, 0, UCQL_OP_QUERY, 0 },
		{ 4, 0, UCQL_FLAG_CUSTOM_PAYLOAD, 0, UCQL_OP_QUERY, 0 }, /* needs sections */
		{ 4, 1, UCQL_FLAG_TRACING, 0, UCQL_OP_RESULT, 0 },
		{ 4, 1, UCQL_FLAG_WARNING, 0, UCQL_OP_RESULT, 0 },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint8_t buf[32];
		ucql_writer w;
		ucql_writer_init(&w, buf, sizeof buf);
		size_t at = ucql_frame_begin(&w, &bad[i]);
		cr_assert_eq(w.err, UCQL_E_INVALID_ARG, "case %zu", i);
		cr_assert_eq(ucql_frame_end(&w, at, 0), UCQL_E_INVALID_ARG);
		ucql_writer_init(&w, buf, sizeof buf);
		ucql_frame_begin_sections(&w, &bad[i], NULL);
		if (i < 7)
			cr_assert_eq(w.err, UCQL_E_INVALID_ARG, "sections case %zu", i);
		else
			cr_assert_eq(w.err, 0, "section flags are recomputed: case %zu", i);
	}
	/* USE_BETA and a request's TRACING pass. */
	ucql_frame_header ok = { 5, 0, UCQL_FLAG_USE_BETA | UCQL_FLAG_TRACING, 0, UCQL_OP_QUERY, 0 };
	uint8_t buf[16];
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_frame_begin(&w, &ok);
	cr_assert_eq(w.err, 0);
	cr_assert_eq(buf[1], 0x12);
}

Test(frame, end_nospace_and_too_big)
{
	uint8_t buf[12];
	ucql_frame_header h = { 4, 0, 0, 1, UCQL_OP_QUERY, 0 };
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	size_t at = ucql_frame_begin(&w, &h);
	ucql_write_raw(&w, "0123456789", 10);
	cr_assert_eq(ucql_frame_end(&w, at, 0), UCQL_E_NOSPACE);
	cr_assert_eq(w.len, 19, "the size needed");
	/* Measuring with a NULL buffer. */
	ucql_writer_init(&w, NULL, 0);
	at = ucql_frame_begin(&w, &h);
	ucql_write_raw(&w, "0123456789", 10);
	cr_assert_eq(ucql_frame_end(&w, at, 0), UCQL_E_NOSPACE);
	cr_assert_eq(w.len, 19);
	/* Over the caller's maximum. */
	uint8_t big[64];
	ucql_writer_init(&w, big, sizeof big);
	at = ucql_frame_begin(&w, &h);
	ucql_write_raw(&w, "0123456789", 10);
	cr_assert_eq(ucql_frame_end(&w, at, 9), UCQL_E_TOO_BIG);
	cr_assert_eq(w.err, UCQL_E_TOO_BIG);
	ucql_writer_init(&w, big, sizeof big);
	at = ucql_frame_begin(&w, &h);
	ucql_write_raw(&w, "0123456789", 10);
	cr_assert_eq(ucql_frame_end(&w, at, 10), 0);
	cr_assert_eq(ucql__be32(big + 5), 10);
}

/* ---- compression -------------------------------------------------------- */

Test(frame, decompress_python_frame)
{
	uint8_t b[256];
	size_t n = unhex(COMPRESSED_V4, b);
	guard_buf g = guard_copy(b, n);
	ucql_frame f;
	cr_assert_eq(ucql_frame_decode(g.p, g.len, 0, &f), (int)n);
	cr_assert_eq(f.h.flags, UCQL_FLAG_COMPRESSION);
	cr_assert_eq(f.parsed, 0);
	cr_assert_eq(f.body.len, 0);
	size_t need;
	cr_assert_eq(ucql_frame_decompressed_size(&f, 0, &need), 0);
	size_t qlen = strlen(COMPRESSED_QUERY);
	cr_assert_eq(need, 4 + qlen + 3);
	uint8_t out[256];
	cr_assert_eq(ucql_frame_decompress(&f, out, need - 1, 0), UCQL_E_NOSPACE);
	cr_assert_eq(ucql_frame_decompressed_size(&f, (uint32_t)need - 1, &need), UCQL_E_TOO_BIG);
	cr_assert_eq(ucql_frame_decompress(&f, out, sizeof out, 0), 0);
	cr_assert_eq(f.parsed, 1);
	cr_assert_eq(f.body.p, out);
	cr_assert_eq(f.body.len, need);
	cr_assert_eq(ucql__be32(out), qlen);
	cr_assert_eq(memcmp(out + 4, COMPRESSED_QUERY, qlen), 0);
	cr_assert_eq(memcmp(out + 4 + qlen, "\x00\x01\x00", 3), 0);
	/* Already decompressed. */
	cr_assert_eq(ucql_frame_decompressed_size(&f, 0, &need), UCQL_E_INVALID_ARG);
	guard_free(&g);
}

Test(frame, compress_round_trip_with_sections)
{
	for (int v = 3; v <= 4; v++) {
		uint8_t plain[256], comp[512], out[256];
		size_t n = encode_full_response(plain, sizeof plain, v);
		size_t bound = ucql_frame_compress_bound(n - 9);
		cr_assert_leq(bound, sizeof comp);
		cr_assert_eq(ucql_frame_compress(plain, n, comp, bound - 1), UCQL_E_NOSPACE);
		int cn = ucql_frame_compress(plain, n, comp, sizeof comp);
		cr_assert_gt(cn, 13);
		cr_assert_eq(comp[0], 0x80 | v);
		cr_assert_eq(comp[1], 0x0F, "compression flag added");
		cr_assert_eq(ucql__be32(comp + 5), (uint32_t)cn - 9);
		cr_assert_eq(ucql__be32(comp + 9), n - 9, "4-byte BE uncompressed length");
		/* The block is a plain lz4 block. */
		cr_assert_eq(LZ4_decompress_safe((const char *)comp + 13, (char *)out, cn - 13,
						 (int)sizeof out), (int)(n - 9));
		cr_assert_arr_eq(out, plain + 9, n - 9);

		guard_buf g = guard_copy(comp, (size_t)cn);
		ucql_frame f;
		cr_assert_eq(ucql_frame_decode(g.p, g.len, 0, &f), cn);
		cr_assert_eq(ucql_frame_decompress(&f, out, sizeof out, 0), 0);
		cr_assert_eq(memcmp(f.tracing_id, UUID, 16), 0);
		cr_assert_eq(f.warnings.n, 2);
		cr_assert_eq(f.custom_payload.n, 1);
		cr_assert_eq(f.body.len, 3);
		cr_assert_eq(memcmp(f.body.p, "abc", 3), 0);
		guard_free(&g);
	}
}

Test(frame, compress_empty_body)
{
	uint8_t plain[16], comp[64], out[1];
	size_t n = unhex(OPTIONS_V4, plain);
	int cn = ucql_frame_compress(plain, n, comp, sizeof comp);
	cr_assert_gt(cn, 13);
	ucql_frame f;
	cr_assert_eq(ucql_frame_decode(comp, (size_t)cn, 0, &f), cn);
	size_t need = 99;
	cr_assert_eq(ucql_frame_decompressed_size(&f, 0, &need), 0);
	cr_assert_eq(need, 0);
	cr_assert_eq(ucql_frame_decompress(&f, out, 0, 0), 0);
	cr_assert_eq(f.body.len, 0);
}

Test(frame, compress_rejects)
{
	uint8_t plain[128], comp[256];
	size_t n = unhex(QUERY_V5, plain);
	cr_assert_eq(ucql_frame_compress(plain, n, comp, sizeof comp), UCQL_E_INVALID_ARG, "v5");
	n = unhex(QUERY_V4, plain);
	cr_assert_eq(ucql_frame_compress(plain, n - 1, comp, sizeof comp), UCQL_E_INVALID_ARG, "partial");
	cr_assert_eq(ucql_frame_compress(plain, 5, comp, sizeof comp), UCQL_E_INVALID_ARG, "no header");
	memcpy(plain + n, "x", 1);
	cr_assert_eq(ucql_frame_compress(plain, n + 1, comp, sizeof comp), UCQL_E_INVALID_ARG, "extra");
	plain[1] = UCQL_FLAG_COMPRESSION;
	cr_assert_eq(ucql_frame_compress(plain, n, comp, sizeof comp), UCQL_E_INVALID_ARG, "twice");
	/* STARTUP is never compressed (§5). */
	const uint8_t startup[] = { 0x04, 0, 0, 0, UCQL_OP_STARTUP, 0, 0, 0, 2, 0, 0 };
	cr_assert_eq(ucql_frame_compress(startup, sizeof startup, comp, sizeof comp), UCQL_E_INVALID_ARG);
}

Test(frame, compressed_flag_in_v5_is_bad_flags)
{
	uint8_t b[] = { 0x05, UCQL_FLAG_COMPRESSION, 0, 1, UCQL_OP_QUERY, 0, 0, 0, 0 };
	ucql_frame f;
	cr_assert_eq(ucql_frame_decode(b, sizeof b, 0, &f), UCQL_E_BAD_FLAGS);
	b[0] = 0x85;
	b[4] = UCQL_OP_RESULT;
	cr_assert_eq(ucql_frame_decode(b, sizeof b, 0, &f), UCQL_E_BAD_FLAGS);
	/* Reported before the body is complete (only the header here). */
	ucql__put32(b + 5, 100);
	cr_assert_eq(ucql_frame_decode(b, sizeof b, 0, &f), UCQL_E_BAD_FLAGS);
}

Test(frame, decode_errors_before_body_arrives)
{
	/* Too big and bad opcode are known from the header alone. */
	uint8_t b[] = { 0x04, 0, 0, 1, UCQL_OP_QUERY, 0x7F, 0xFF, 0xFF, 0xFF };
	ucql_frame f;
	cr_assert_eq(ucql_frame_decode(b, sizeof b, 0, &f), UCQL_E_TOO_BIG);
	cr_assert_eq(f.h.stream, 1);
	cr_assert_eq(ucql_frame_decode(b, sizeof b, UINT32_MAX, &f), UCQL_E_TOO_BIG,
		     "the consumed count must fit an int");
	ucql__put32(b + 5, 1000);
	cr_assert_eq(ucql_frame_decode(b, sizeof b, 999, &f), UCQL_E_TOO_BIG);
	cr_assert_eq(ucql_frame_decode(b, sizeof b, 1000, &f), UCQL_NEED_MORE);
	b[0] = 0x01;
	cr_assert_eq(ucql_frame_decode(b, sizeof b, 0, &f), UCQL_E_BAD_VERSION);
	b[0] = 0x04;
	b[4] = 0x42;
	cr_assert_eq(ucql_frame_decode(b, sizeof b, 0, &f), UCQL_E_BAD_OPCODE);
}

Test(frame, decompress_corrupt)
{
	uint8_t b[256];
	size_t n = unhex(COMPRESSED_V4, b);
	uint8_t out[512];
	ucql_frame f;

	/* Declared length larger than the block yields. */
	uint8_t c[256];
	memcpy(c, b, n);
	ucql__put32(c + 9, ucql__be32(b + 9) + 1);
	cr_assert_eq(ucql_frame_decode(c, n, 0, &f), (int)n);
	cr_assert_eq(ucql_frame_decompress(&f, out, sizeof out, 0), UCQL_E_COMPRESSION);
	cr_assert_eq(f.parsed, 0);
	/* Declared length smaller. */
	ucql__put32(c + 9, ucql__be32(b + 9) - 1);
	cr_assert_eq(ucql_frame_decode(c, n, 0, &f), (int)n);
	cr_assert_eq(ucql_frame_decompress(&f, out, sizeof out, 0), UCQL_E_COMPRESSION);
	/* Over the maximum. */
	ucql__put32(c + 9, 0xFFFFFFF0);
	cr_assert_eq(ucql_frame_decode(c, n, 0, &f), (int)n);
	cr_assert_eq(ucql_frame_decompress(&f, out, sizeof out, 0), UCQL_E_TOO_BIG);
	/* A match offset pointing before the output start. */
	memcpy(c, b, n);
	c[13] = 0x00; /* token: 0 literals, match length 4 — no offset data follows */
	cr_assert_eq(ucql_frame_decode(c, n, 0, &f), (int)n);
	cr_assert_eq(ucql_frame_decompress(&f, out, sizeof out, 0), UCQL_E_COMPRESSION);
	/* Every truncation of the compressed block (length patched to match). */
	for (size_t cut = 9; cut < n; cut++) {
		memcpy(c, b, cut);
		ucql__put32(c + 5, (uint32_t)(cut - 9));
		guard_buf g = guard_copy(c, cut);
		cr_assert_eq(ucql_frame_decode(g.p, g.len, 0, &f), (int)cut);
		int rc = ucql_frame_decompress(&f, out, sizeof out, 0);
		if (cut < 13)
			cr_assert_eq(rc, UCQL_E_TRUNCATED, "cut %zu", cut);
		else
			cr_assert_eq(rc, UCQL_E_COMPRESSION, "cut %zu", cut);
		guard_free(&g);
	}
	/* Garbage bytes in the block: an error or a valid body, never a crash
	 * (ASan watches); a flipped token must not yield the declared size. */
	for (size_t i = 13; i < n; i++) {
		memcpy(c, b, n);
		c[i] ^= 0xFF;
		cr_assert_eq(ucql_frame_decode(c, n, 0, &f), (int)n);
		int rc = ucql_frame_decompress(&f, out, sizeof out, 0);
		cr_assert(rc == 0 || rc == UCQL_E_COMPRESSION || rc == UCQL_E_TRUNCATED ||
				  rc == UCQL_E_BAD_LENGTH,
			  "byte %zu: %d", i, rc);
	}
	/* Not a compressed frame. */
	n = unhex(QUERY_V4, b);
	cr_assert_eq(ucql_frame_decode(b, n, 0, &f), (int)n);
	size_t need;
	cr_assert_eq(ucql_frame_decompressed_size(&f, 0, &need), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_frame_decompress(&f, out, sizeof out, 0), UCQL_E_INVALID_ARG);
}
