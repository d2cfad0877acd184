#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "guard.h"
#include "ucql/segment.h"

static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = strlen(h) / 2;
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		sscanf(h + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
	return n;
}

/* A v5 envelope: 9-byte header (version 5, flags 0, stream, opcode, body
 * length) + body bytes derived from `seed`. */
static size_t make_envelope(uint8_t *d, size_t body, unsigned seed, int compressible)
{
	d[0] = 0x05;
	d[1] = 0;
	d[2] = (uint8_t)(seed >> 8);
	d[3] = (uint8_t)seed;
	d[4] = 0x07;
	ucql__put32(d + 5, (uint32_t)body);
	uint32_t x = seed * 2654435761u + 1;
	for (size_t i = 0; i < body; i++) {
		if (compressible) {
			d[9 + i] = (uint8_t)("SELECT * FROM ks.t WHERE k = ? "[(i + seed) % 31]);
		} else {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			d[9 + i] = (uint8_t)(x >> 7);
		}
	}
	return 9 + body;
}

static void fill(uint8_t *d, size_t n, int compressible, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		/* Compressible: text with one random byte in ~16. */
		if (compressible && ((x >> 9) & 15))
			d[i] = (uint8_t)("the quick brown fox "[i % 20]);
		else
			d[i] = (uint8_t)(x >> 7);
	}
}

/* Builds a segment by hand (any header values, correct CRCs unless told),
 * to reach decoder paths a correct encoder never produces. */
static size_t craft(uint8_t *d, int lz4, uint32_t plen, uint32_t ulen, int sc, const uint8_t *body,
		    size_t bodylen)
{
	size_t hb = lz4 ? 5 : 3;
	uint64_t v = lz4 ? ((uint64_t)plen | (uint64_t)ulen << 17 | (uint64_t)sc << 34)
			 : ((uint64_t)plen | (uint64_t)sc << 17);
	for (size_t i = 0; i < hb; i++)
		d[i] = (uint8_t)(v >> (8 * i));
	uint32_t c = ucql_crc24(d, hb);
	d[hb] = (uint8_t)c;
	d[hb + 1] = (uint8_t)(c >> 8);
	d[hb + 2] = (uint8_t)(c >> 16);
	memcpy(d + hb + 3, body, bodylen);
	uint32_t c32 = ucql_crc32_cql(body, bodylen);
	uint8_t *t = d + hb + 3 + bodylen;
	for (int i = 0; i < 4; i++)
		t[i] = (uint8_t)(c32 >> (8 * i));
	return hb + 3 + bodylen + 4;
}

static uint8_t out_buf[UCQL_SEGMENT_MAX_PAYLOAD];

/* ---- known answers --------------------------------------------------------- */

Test(segment, notes_known_answers_encode)
{
	uint8_t buf[64];
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_segment_write(&w, ucql_bytes_of("123456789", 9), 1, 0);
	uint8_t want[64];
	size_t n = unhex("090002a4c8c1313233343536373839a761a2e2", want);
	cr_assert_eq(w.err, 0);
	cr_assert_eq(w.len, n);
	cr_assert_arr_eq(buf, want, n);

	/* One v5 OPTIONS envelope on stream 0. */
	uint8_t env[9];
	n = unhex("050000000500000000", env);
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_segments_write(&w, ucql_bytes_of(env, 9), 0);
	n = unhex("090002a4c8c10500000005000000001086284d", want);
	cr_assert_eq(w.err, 0);
	cr_assert_eq(w.len, n);
	cr_assert_arr_eq(buf, want, n);
}

/* Segments made by Debian's python3-cassandra SegmentCodec:
 *   import io; from cassandra.segment import SegmentCodec
 *   from cassandra.connection import segment_codec_lz4 as lz
 *   b = io.BytesIO(); codec._encode_segment(b, payload, self_contained)
 * with codec = SegmentCodec() (plain) or lz (lz4), run by /usr/bin/python3. */
static const struct {
	const char *hex;
	int lz4;
	int sc;
	const char *payload_hex; /* NULL: the 176-byte query text below */
} python_segments[] = {
	{ "090002a4c8c1313233343536373839a761a2e2", 0, 1, "313233343536373839" },
	{ "090002a4c8c10500000005000000001086284d", 0, 1, "050000000500000000" },
	{ "0b000089d9a868656c6c6f2070696563657f52df34", 0, 0, "68656c6c6f207069656365" },
	{ "0000026a36c4d37e7744", 0, 1, "" },
	{ "3500600104d61d23f11753454c454354202a2046524f4d2073797374656d2e6c6f63616c20574845"
	  "5245206b65793d2711001f272c006c506f63616c2776137057",
	  1, 1, NULL },
	{ "3500600100e7f0c7f11753454c454354202a2046524f4d2073797374656d2e6c6f63616c20574845"
	  "5245206b65793d2711001f272c006c506f63616c2776137057",
	  1, 0, NULL },
	{ "0900000004c2b8950500000005000000001086284d", 1, 1, "050000000500000000" },
	{ "00000000043b414ed37e7744", 1, 1, "" },
};

Test(segment, decodes_python_driver_segments)
{
	char query[200] = "";
	for (int i = 0; i < 4; i++)
		strcat(query, "SELECT * FROM system.local WHERE key='local'");
	cr_assert_eq(strlen(query), 176);
	for (size_t i = 0; i < sizeof python_segments / sizeof python_segments[0]; i++) {
		uint8_t wire[256], want[256];
		size_t n = unhex(python_segments[i].hex, wire);
		size_t wn;
		if (python_segments[i].payload_hex) {
			wn = unhex(python_segments[i].payload_hex, want);
		} else {
			wn = 176;
			memcpy(want, query, wn);
		}
		guard_buf g = guard_copy(wire, n);
		ucql_segment seg;
		int r = ucql_segment_decode(g.p, n, python_segments[i].lz4, out_buf, sizeof out_buf, &seg);
		cr_assert_eq(r, (int)n, "vector %zu: %d", i, r);
		cr_assert_eq(seg.wire_size, n);
		cr_assert_eq(seg.self_contained, python_segments[i].sc, "vector %zu", i);
		cr_assert_eq(seg.payload.len, wn, "vector %zu", i);
		if (wn)
			cr_assert_arr_eq(seg.payload.p, want, wn, "vector %zu", i);
		cr_assert_eq(seg.compressed, python_segments[i].payload_hex == NULL);
		if (!seg.compressed)
			cr_assert_eq(seg.payload.p, g.p + (python_segments[i].lz4 ? 8 : 6),
				     "uncompressed payload is a view into the input");
		guard_free(&g);

		/* Uncompressed and stored segments are deterministic: our encoder
		 * must produce the same bytes. */
		if (!seg.compressed) {
			uint8_t enc[256];
			ucql_writer w;
			ucql_writer_init(&w, enc, sizeof enc);
			ucql_segment_write(&w, ucql_bytes_of(want, wn), python_segments[i].sc,
					   python_segments[i].lz4);
			cr_assert_eq(w.len, n, "vector %zu", i);
			cr_assert_arr_eq(enc, wire, n, "vector %zu", i);
		}
	}
}

Test(segment, header_decode_tells_size_needed)
{
	uint8_t wire[64];
	size_t n = unhex("090002a4c8c1313233343536373839a761a2e2", wire);
	ucql_segment_header h;
	for (size_t k = 0; k < 6; k++)
		cr_assert_eq(ucql_segment_header_decode(wire, k, 0, &h), UCQL_NEED_MORE);
	cr_assert_eq(ucql_segment_header_decode(wire, 6, 0, &h), 6);
	cr_assert_eq(h.payload_len, 9);
	cr_assert_eq(h.uncompressed_len, 0);
	cr_assert_eq(h.self_contained, 1);
	cr_assert_eq(h.header_size, 6);
	cr_assert_eq(h.wire_size, n);
	/* Then the payload half alone. */
	ucql_segment seg;
	cr_assert_eq(ucql_segment_decode_payload(wire, &h, NULL, 0, &seg), (int)n);
	cr_assert_eq(seg.payload.len, 9);
	cr_assert_eq(memcmp(seg.payload.p, "123456789", 9), 0);
}

/* ---- malformed input -------------------------------------------------------- */

Test(segment, truncation_at_every_offset)
{
	for (int lz4 = 0; lz4 <= 1; lz4++) {
		static uint8_t payload[3000], wire[4000];
		fill(payload, sizeof payload, 1, 7);
		ucql_writer w;
		ucql_writer_init(&w, wire, sizeof wire);
		ucql_segment_write(&w, ucql_bytes_of(payload, sizeof payload), 1, lz4);
		cr_assert_eq(w.err, 0);
		size_t n = w.len;
		if (lz4)
			cr_assert_lt(n, sizeof payload, "compressible data shrinks");
		size_t hs = lz4 ? 8 : 6;
		for (size_t k = 0; k <= n; k++) {
			guard_buf g = guard_copy(wire, k);
			ucql_segment seg;
			int r = ucql_segment_decode(g.p, k, lz4, out_buf, sizeof out_buf, &seg);
			if (k < n) {
				cr_assert_eq(r, UCQL_NEED_MORE, "lz4=%d k=%zu r=%d", lz4, k, r);
				cr_assert_eq(seg.wire_size, k < hs ? 0 : n, "k=%zu", k);
			} else {
				cr_assert_eq(r, (int)n);
				cr_assert_eq(seg.payload.len, sizeof payload);
				cr_assert_arr_eq(seg.payload.p, payload, sizeof payload);
			}
			guard_free(&g);
		}
	}
}

Test(segment, header_crc_mismatch)
{
	for (int lz4 = 0; lz4 <= 1; lz4++) {
		uint8_t wire[64];
		ucql_writer w;
		ucql_writer_init(&w, wire, sizeof wire);
		ucql_segment_write(&w, ucql_bytes_of("123456789", 9), 1, lz4);
		size_t hs = lz4 ? 8 : 6;
		/* Every single-bit flip in header or CRC24 is caught. */
		for (size_t bit = 0; bit < hs * 8; bit++) {
			wire[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			ucql_segment seg;
			int r = ucql_segment_decode(wire, w.len, lz4, out_buf, sizeof out_buf, &seg);
			cr_assert_eq(r, UCQL_E_CRC, "lz4=%d bit=%zu", lz4, bit);
			cr_assert_eq(seg.bad_crc, UCQL_SEGMENT_BAD_HEADER_CRC);
			cr_assert_eq(seg.wire_size, 0);
			ucql_segment_header h;
			cr_assert_eq(ucql_segment_header_decode(wire, w.len, lz4, &h), UCQL_E_CRC);
			wire[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
	}
}

Test(segment, payload_crc_mismatch)
{
	for (int lz4 = 0; lz4 <= 1; lz4++) {
		uint8_t wire[64];
		ucql_writer w;
		ucql_writer_init(&w, wire, sizeof wire);
		ucql_segment_write(&w, ucql_bytes_of("123456789", 9), 1, lz4);
		size_t hs = lz4 ? 8 : 6;
		for (size_t i = hs; i < w.len; i++) {
			wire[i] ^= 0x20;
			ucql_segment seg;
			int r = ucql_segment_decode(wire, w.len, lz4, out_buf, sizeof out_buf, &seg);
			cr_assert_eq(r, UCQL_E_CRC, "lz4=%d byte=%zu", lz4, i);
			cr_assert_eq(seg.bad_crc, UCQL_SEGMENT_BAD_PAYLOAD_CRC);
			cr_assert_eq(seg.wire_size, w.len, "size known: the segment can be skipped");
			wire[i] ^= 0x20;
		}
	}
}

Test(segment, corrupt_lz4)
{
	uint8_t payload[1000], wire[1200];
	fill(payload, sizeof payload, 1, 3);
	ucql_writer w;
	ucql_writer_init(&w, wire, sizeof wire);
	ucql_segment_write(&w, ucql_bytes_of(payload, sizeof payload), 1, 1);
	cr_assert_eq(w.err, 0);
	ucql_segment_header h;
	cr_assert_eq(ucql_segment_header_decode(wire, w.len, 1, &h), 8);
	cr_assert_eq(h.uncompressed_len, sizeof payload);
	const uint8_t *block = wire + 8;
	size_t blen = h.payload_len;

	uint8_t bad[1200];
	ucql_segment seg;
	/* Announced size one more / one less than the block inflates to. */
	size_t n = craft(bad, 1, (uint32_t)blen, (uint32_t)sizeof payload + 1, 1, block, blen);
	cr_assert_eq(ucql_segment_decode(bad, n, 1, out_buf, sizeof out_buf, &seg), UCQL_E_COMPRESSION);
	n = craft(bad, 1, (uint32_t)blen, (uint32_t)sizeof payload - 1, 1, block, blen);
	cr_assert_eq(ucql_segment_decode(bad, n, 1, out_buf, sizeof out_buf, &seg), UCQL_E_COMPRESSION);
	/* Garbage block with valid CRCs. */
	uint8_t junk[64];
	memset(junk, 0xF7, sizeof junk);
	n = craft(bad, 1, sizeof junk, 5000, 1, junk, sizeof junk);
	cr_assert_eq(ucql_segment_decode(bad, n, 1, out_buf, sizeof out_buf, &seg), UCQL_E_COMPRESSION);
	/* Empty block announcing data. */
	n = craft(bad, 1, 0, 10, 1, junk, 0);
	cr_assert_eq(ucql_segment_decode(bad, n, 1, out_buf, sizeof out_buf, &seg), UCQL_E_COMPRESSION);
	/* Truncated block (valid CRC over the shortened bytes). */
	n = craft(bad, 1, (uint32_t)blen - 3, (uint32_t)sizeof payload, 1, block, blen - 3);
	cr_assert_eq(ucql_segment_decode(bad, n, 1, out_buf, sizeof out_buf, &seg), UCQL_E_COMPRESSION);
	/* Output buffer smaller than the announced size. */
	cr_assert_eq(ucql_segment_decode(wire, w.len, 1, out_buf, sizeof payload - 1, &seg),
		     UCQL_E_NOSPACE);
	cr_assert_eq(ucql_segment_decode(wire, w.len, 1, NULL, 0, &seg), UCQL_E_NOSPACE);
	/* And the intact one decodes. */
	cr_assert_eq(ucql_segment_decode(wire, w.len, 1, out_buf, sizeof out_buf, &seg), (int)w.len);
	cr_assert_arr_eq(seg.payload.p, payload, sizeof payload);
}

Test(segment, max_lengths_and_padding)
{
	/* 17-bit fields: 131071 is the largest; a max-size plain segment with
	 * the padding bits set decodes (padding is ignored, as Cassandra does). */
	static uint8_t payload[UCQL_SEGMENT_MAX_PAYLOAD], wire[UCQL_SEGMENT_MAX_SIZE];
	fill(payload, sizeof payload, 0, 11);
	size_t n = craft(wire, 0, UCQL_SEGMENT_MAX_PAYLOAD, 0, 1, payload, sizeof payload);
	wire[2] |= 0xFC;
	uint32_t c = ucql_crc24(wire, 3);
	wire[3] = (uint8_t)c;
	wire[4] = (uint8_t)(c >> 8);
	wire[5] = (uint8_t)(c >> 16);
	ucql_segment seg;
	cr_assert_eq(ucql_segment_decode(wire, n, 0, NULL, 0, &seg), (int)n);
	cr_assert_eq(seg.payload.len, UCQL_SEGMENT_MAX_PAYLOAD);
	cr_assert_eq(seg.self_contained, 1);
}

/* ---- round trips ------------------------------------------------------------ */

/* Decodes every segment of wire[0..n) and appends payloads to cat; returns
 * the segment count, records flags. */
static size_t decode_all(const uint8_t *wire, size_t n, int lz4, uint8_t *cat, size_t *catlen,
			 uint8_t *flags)
{
	size_t segs = 0, off = 0;
	*catlen = 0;
	while (off < n) {
		ucql_segment seg;
		int r = ucql_segment_decode(wire + off, n - off, lz4, out_buf, sizeof out_buf, &seg);
		cr_assert_gt(r, 0, "segment %zu at %zu: %d", segs, off, r);
		if (seg.compressed) /* lz4 is used only when it shrinks the payload */
			cr_assert_lt(seg.wire_size - ucql_segment_bound(0, 1), seg.payload.len);
		if (seg.payload.len)
			memcpy(cat + *catlen, seg.payload.p, seg.payload.len);
		*catlen += seg.payload.len;
		flags[segs++] = seg.self_contained;
		off += (size_t)r;
	}
	return segs;
}

Test(segment, round_trip_sizes)
{
	static const size_t sizes[] = { 0, 1, 2, 100, 65536, 131070, 131071, 131072, 300000 };
	size_t maxn = 300000;
	uint8_t *data = malloc(maxn), *wire = malloc(ucql_segments_bound(maxn, 1, 1)),
		*cat = malloc(maxn);
	for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++)
		for (int lz4 = 0; lz4 <= 1; lz4++)
			for (int comp = 0; comp <= 1; comp++) {
				size_t n = sizes[si];
				fill(data, n, comp, (uint32_t)(n + 1));
				size_t cap = ucql_segments_bound(n, 1, lz4);
				ucql_writer w;
				/* Measuring pass: an upper bound within the bound. */
				ucql_writer_init(&w, NULL, 0);
				ucql_segments_write_envelope(&w, ucql_bytes_of(data, n), lz4);
				cr_assert_leq(w.len, cap);
				size_t measured = w.len;

				ucql_writer_init(&w, wire, cap);
				ucql_segments_write_envelope(&w, ucql_bytes_of(data, n), lz4);
				cr_assert_eq(w.err, 0, "n=%zu lz4=%d", n, lz4);
				cr_assert_leq(w.len, measured);
				if (!lz4)
					cr_assert_eq(w.len, measured);
				if (lz4 && comp && n >= 100)
					cr_assert_lt(w.len, n >= 65536 ? n / 2 : n, "n=%zu compresses", n);
				if (lz4 && !comp && n <= UCQL_SEGMENT_MAX_PAYLOAD)
					cr_assert_eq(w.len, ucql_segment_bound(n, 1), "n=%zu stored", n);

				uint8_t flags[8];
				size_t catlen;
				size_t segs = decode_all(wire, w.len, lz4, cat, &catlen, flags);
				size_t want_segs = n ? (n + UCQL_SEGMENT_MAX_PAYLOAD - 1) / UCQL_SEGMENT_MAX_PAYLOAD : 1;
				cr_assert_eq(segs, want_segs, "n=%zu", n);
				for (size_t i = 0; i < segs; i++)
					cr_assert_eq(flags[i], segs == 1, "n=%zu seg %zu", n, i);
				cr_assert_eq(catlen, n);
				if (n)
					cr_assert_arr_eq(cat, data, n, "n=%zu lz4=%d comp=%d", n, lz4, comp);
			}
	free(data);
	free(wire);
	free(cat);
}

Test(segment, one_segment_too_big_is_invalid)
{
	static uint8_t data[UCQL_SEGMENT_MAX_PAYLOAD + 1];
	uint8_t buf[16];
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_segment_write(&w, ucql_bytes_of(data, sizeof data), 1, 0);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
	cr_assert_eq(w.len, 0);
}

Test(segment, writer_nospace)
{
	uint8_t data[200], buf[300];
	fill(data, sizeof data, 1, 1);
	for (int lz4 = 0; lz4 <= 1; lz4++)
		for (size_t cap = 0; cap < 100; cap++) {
			ucql_writer w;
			ucql_writer_init(&w, buf, cap);
			ucql_segment_write(&w, ucql_bytes_of(data, sizeof data), 1, lz4);
			/* Compressible: lz4 fits in fewer bytes; otherwise NOSPACE
			 * with the worst case counted. */
			if (w.err) {
				cr_assert_eq(w.err, UCQL_E_NOSPACE);
				cr_assert_eq(w.len, ucql_segment_bound(sizeof data, lz4));
			} else {
				cr_assert(lz4);
				cr_assert_leq(w.len, cap);
				ucql_segment seg;
				cr_assert_eq(ucql_segment_decode(buf, w.len, 1, out_buf, sizeof out_buf, &seg),
					     (int)w.len);
				cr_assert_arr_eq(seg.payload.p, data, sizeof data);
			}
		}
}

Test(segment, several_envelopes_packed)
{
	/* 10 small envelopes, one big (300000), 3 small: the small runs share
	 * self-contained segments, the big one gets three pieces of its own. */
	size_t bodies[] = { 0, 10, 100, 1000, 20000, 50000, 60000, 5, 5, 5, 300000 - 9, 7, 70000, 70000 };
	size_t ne = sizeof bodies / sizeof bodies[0];
	size_t total = 0;
	for (size_t i = 0; i < ne; i++)
		total += 9 + bodies[i];
	uint8_t *data = malloc(total), *cat = malloc(total);
	size_t off = 0;
	for (size_t i = 0; i < ne; i++)
		off += make_envelope(data + off, bodies[i], (unsigned)i, i % 2);
	for (int lz4 = 0; lz4 <= 1; lz4++) {
		size_t cap = ucql_segments_bound(total, ne, lz4);
		uint8_t *wire = malloc(cap);
		ucql_writer w;
		ucql_writer_init(&w, wire, cap);
		ucql_segments_write(&w, ucql_bytes_of(data, total), lz4);
		cr_assert_eq(w.err, 0);
		uint8_t flags[16];
		size_t catlen;
		size_t segs = decode_all(wire, w.len, lz4, cat, &catlen, flags);
		cr_assert_eq(catlen, total);
		cr_assert_arr_eq(cat, data, total);
		/* Runs: [0..5] = 9+10+..+50000+54 = 71164 → +60009 > max? 71164+60009
		 * = 131173 > 131071 → flush; [6..9] = 60009+14+14+14 = 60051;
		 * big: 3 pieces; [11] + [12]: 16+70009 = 70025; [13]: 70009. */
		uint8_t want[] = { 1, 1, 0, 0, 0, 1, 1 };
		cr_assert_eq(segs, sizeof want, "segments: %zu", segs);
		cr_assert_arr_eq(flags, want, sizeof want);
		free(wire);
	}
	/* Not a sequence of whole envelopes: nothing written. */
	uint8_t buf[64];
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_segments_write(&w, ucql_bytes_of(data, 8), 0);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
	cr_assert_eq(w.len, 0);
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_segments_write(&w, ucql_bytes_of(data, 9 + 9), 0); /* second header cut */
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_segments_write(&w, ucql_bytes_of(NULL, 0), 0);
	cr_assert_eq(w.err, 0);
	cr_assert_eq(w.len, 0);
	free(data);
	free(cat);
}

Test(segment, packing_boundary_exact)
{
	/* Two envelopes totalling exactly the maximum share one segment; one
	 * byte more and they take one segment each. */
	static uint8_t data[UCQL_SEGMENT_MAX_PAYLOAD + 1], wire[2 * UCQL_SEGMENT_MAX_SIZE],
		cat[UCQL_SEGMENT_MAX_PAYLOAD + 1];
	for (size_t extra = 0; extra <= 1; extra++) {
		size_t a = make_envelope(data, 1000, 1, 0);
		size_t b = make_envelope(data + a, UCQL_SEGMENT_MAX_PAYLOAD - a - 9 + extra, 2, 0);
		ucql_writer w;
		ucql_writer_init(&w, wire, sizeof wire);
		ucql_segments_write(&w, ucql_bytes_of(data, a + b), 0);
		cr_assert_eq(w.err, 0);
		uint8_t flags[4];
		size_t catlen;
		cr_assert_eq(decode_all(wire, w.len, 0, cat, &catlen, flags), 1 + extra);
		cr_assert_eq(catlen, a + b);
		cr_assert_eq(flags[0], 1);
		cr_assert_eq(flags[extra], 1);
	}
}

/* ---- streaming decoder ------------------------------------------------------- */

static uint8_t work_buf[UCQL_SEGMENT_STREAM_WORK_SIZE(1)];
static int last_bad_crc; /* s.bad_crc of run_stream's last failure */

typedef struct sink {
	uint8_t *cat;
	size_t len;
	size_t yields;
	size_t zero_copy; /* yields pointing into the fed chunk */
} sink;

/* Feeds wire in chunks (sizes from `chunk(i)`), collects yields. Returns
 * the decoder's final result (0 when all went well). */
static int run_stream(const uint8_t *wire, size_t n, int lz4, uint8_t *env, size_t env_cap,
		      size_t (*chunk)(size_t i, void *arg), void *arg, sink *out)
{
	ucql_segment_stream s;
	cr_assert_eq(ucql_segment_stream_init(&s, lz4, work_buf, sizeof work_buf, env, env_cap), 0);
	out->len = out->yields = out->zero_copy = 0;
	size_t off = 0;
	for (size_t i = 0; off < n; i++) {
		size_t k = chunk(i, arg);
		if (k > n - off)
			k = n - off;
		/* Through a guard page: the decoder may not read past the chunk. */
		guard_buf g = guard_copy(wire + off, k);
		ucql_segment_stream_feed(&s, g.p, k);
		ucql_bytes b;
		int r;
		while ((r = ucql_segment_stream_next(&s, &b)) == 1) {
			cr_assert_gt(b.len, 0);
			memcpy(out->cat + out->len, b.p, b.len);
			out->len += b.len;
			out->yields++;
			if (b.p >= g.p && b.p < g.p + k)
				out->zero_copy++;
		}
		guard_free(&g);
		if (r < 0) {
			last_bad_crc = s.bad_crc;
			cr_assert_eq(ucql_segment_stream_next(&s, &b), r, "sticky");
			return r;
		}
		off += k;
	}
	cr_assert(ucql_segment_stream_idle(&s), "stream ends between segments");
	return 0;
}

static size_t fixed_chunk(size_t i, void *arg)
{
	(void)i;
	return *(size_t *)arg;
}

static size_t random_chunk(size_t i, void *arg)
{
	(void)i;
	unsigned *seed = arg;
	*seed = *seed * 1103515245u + 12345u;
	unsigned r = (*seed >> 8) % 100;
	if (r < 40)
		return 1 + (*seed >> 12) % 16;
	if (r < 80)
		return 1 + (*seed >> 12) % 4096;
	return 1 + (*seed >> 12) % 300000;
}

/* A small stream: envelope A alone; envelope B (70 bytes) split by hand in
 * pieces of 20, 1, 49 (non-self-contained, the first shorter than its
 * 9-byte header is impossible here: 20 ≥ 9, see the next test for < 9);
 * envelopes C and D in one segment; an empty self-contained segment;
 * envelope E compressible. */
static size_t small_stream(uint8_t *wire, size_t cap, int lz4, uint8_t *envs, size_t *envlen)
{
	size_t o = 0, a, b, c, d, e;
	a = make_envelope(envs + o, 3, 1, 0);
	o += a;
	b = make_envelope(envs + o, 61, 2, 0);
	o += b;
	c = make_envelope(envs + o, 0, 3, 0);
	o += c;
	d = make_envelope(envs + o, 12, 4, 0);
	o += d;
	e = make_envelope(envs + o, 90, 5, 1);
	o += e;
	*envlen = o;
	ucql_writer w;
	ucql_writer_init(&w, wire, cap);
	const uint8_t *p = envs;
	ucql_segment_write(&w, ucql_bytes_of(p, a), 1, lz4);
	p += a;
	ucql_segment_write(&w, ucql_bytes_of(p, 20), 0, lz4);
	ucql_segment_write(&w, ucql_bytes_of(p + 20, 1), 0, lz4);
	ucql_segment_write(&w, ucql_bytes_of(p + 21, b - 21), 0, lz4);
	p += b;
	ucql_segment_write(&w, ucql_bytes_of(p, c + d), 1, lz4);
	p += c + d;
	ucql_segment_write(&w, ucql_bytes_of(NULL, 0), 1, lz4);
	ucql_segment_write(&w, ucql_bytes_of(p, e), 1, lz4);
	cr_assert_eq(w.err, 0);
	return w.len;
}

Test(segment_stream, every_chunk_size_small_stream)
{
	for (int lz4 = 0; lz4 <= 1; lz4++) {
		uint8_t wire[1024], envs[512], cat[512], env[256];
		size_t envlen;
		size_t n = small_stream(wire, sizeof wire, lz4, envs, &envlen);
		for (size_t cs = 1; cs <= n + 1; cs++) {
			sink out = { cat, 0, 0, 0 };
			cr_assert_eq(run_stream(wire, n, lz4, env, sizeof env, fixed_chunk, &cs, &out), 0);
			cr_assert_eq(out.len, envlen, "lz4=%d chunk=%zu", lz4, cs);
			cr_assert_arr_eq(cat, envs, envlen, "lz4=%d chunk=%zu", lz4, cs);
			cr_assert_eq(out.yields, 4, "A, B, C+D, E");
			if (cs >= n && !lz4)
				cr_assert_eq(out.zero_copy, 3, "one chunk: self-contained yields are views");
		}
	}
}

Test(segment_stream, first_piece_shorter_than_envelope_header)
{
	for (int lz4 = 0; lz4 <= 1; lz4++) {
		uint8_t envs[64], wire[256], cat[64], env[64];
		size_t e = make_envelope(envs, 20, 9, 0);
		ucql_writer w;
		ucql_writer_init(&w, wire, sizeof wire);
		ucql_segment_write(&w, ucql_bytes_of(envs, 4), 0, lz4);
		ucql_segment_write(&w, ucql_bytes_of(NULL, 0), 0, lz4); /* empty piece */
		ucql_segment_write(&w, ucql_bytes_of(envs + 4, 4), 0, lz4);
		ucql_segment_write(&w, ucql_bytes_of(envs + 8, e - 8), 0, lz4);
		size_t cs = 1000;
		sink out = { cat, 0, 0, 0 };
		cr_assert_eq(run_stream(wire, w.len, lz4, env, sizeof env, fixed_chunk, &cs, &out), 0);
		cr_assert_eq(out.yields, 1);
		cr_assert_eq(out.len, e);
		cr_assert_arr_eq(cat, envs, e);
	}
}

Test(segment_stream, big_stream_random_chunkings)
{
	size_t bodies[] = { 10, 300000, 5, 131071 - 9, 131071 - 8, 1000, 400000, 2 };
	size_t ne = sizeof bodies / sizeof bodies[0], total = 0;
	for (size_t i = 0; i < ne; i++)
		total += 9 + bodies[i];
	uint8_t *envs = malloc(total), *cat = malloc(total);
	size_t env_cap = 400009;
	uint8_t *env = malloc(env_cap);
	size_t o = 0;
	for (size_t i = 0; i < ne; i++)
		o += make_envelope(envs + o, bodies[i], (unsigned)i + 100, i % 2);
	for (int lz4 = 0; lz4 <= 1; lz4++) {
		size_t cap = ucql_segments_bound(total, ne, lz4);
		uint8_t *wire = malloc(cap);
		ucql_writer w;
		ucql_writer_init(&w, wire, cap);
		/* Envelope by envelope, as a sender flushing each would. */
		for (size_t i = 0, off = 0; i < ne; off += 9 + bodies[i], i++)
			ucql_segments_write_envelope(&w, ucql_bytes_of(envs + off, 9 + bodies[i]), lz4);
		cr_assert_eq(w.err, 0);
		for (unsigned seed = 1; seed <= 12; seed++) {
			unsigned st = seed;
			sink out = { cat, 0, 0, 0 };
			cr_assert_eq(run_stream(wire, w.len, lz4, env, env_cap, random_chunk, &st, &out), 0);
			cr_assert_eq(out.yields, ne);
			cr_assert_eq(out.len, total);
			cr_assert_arr_eq(cat, envs, total, "lz4=%d seed=%u", lz4, seed);
		}
		size_t whole = w.len;
		sink out = { cat, 0, 0, 0 };
		cr_assert_eq(run_stream(wire, w.len, lz4, env, env_cap, fixed_chunk, &whole, &out), 0);
		cr_assert_eq(out.len, total);
		free(wire);
	}
	free(envs);
	free(cat);
	free(env);
}

/* Runs a hand-built wire through the stream in one chunk and in 1-byte
 * chunks; both must end with `want`. */
static void expect_stream_error(const uint8_t *wire, size_t n, int lz4, size_t env_cap, int want,
				int bad_crc)
{
	static uint8_t cat[1 << 16], env[1 << 16];
	size_t sizes[2] = { n, 1 };
	for (int k = 0; k < 2; k++) {
		sink out = { cat, 0, 0, 0 };
		int r = run_stream(wire, n, lz4, env, env_cap, fixed_chunk, &sizes[k], &out);
		cr_assert_eq(r, want, "chunk %zu: got %d (%s)", sizes[k], r, ucql_err_name(r));
		if (want == UCQL_E_CRC)
			cr_assert_eq(last_bad_crc, bad_crc, "chunk %zu", sizes[k]);
	}
}

Test(segment_stream, errors)
{
	uint8_t envs[4096], wire[8192], piece[64];
	size_t e = make_envelope(envs, 1000, 1, 0);
	for (int lz4 = 0; lz4 <= 1; lz4++) {
		ucql_writer w;
		size_t hs = lz4 ? 8 : 6;

		/* Envelope longer than env_cap. */
		ucql_writer_init(&w, wire, sizeof wire);
		ucql_segment_write(&w, ucql_bytes_of(envs, 100), 0, lz4);
		ucql_segment_write(&w, ucql_bytes_of(envs + 100, e - 100), 0, lz4);
		expect_stream_error(wire, w.len, lz4, 500, UCQL_E_TOO_BIG, 0);
		/* The same with a piece bigger than the buffer before the header
		 * is complete is TOO_BIG too; and with room it decodes. */
		expect_stream_error(wire, w.len, lz4, 50, UCQL_E_TOO_BIG, 0);
		expect_stream_error(wire, w.len, lz4, e, 0, 0);

		/* Self-contained segment while a split envelope is incomplete. */
		ucql_writer_init(&w, wire, sizeof wire);
		ucql_segment_write(&w, ucql_bytes_of(envs, 100), 0, lz4);
		ucql_segment_write(&w, ucql_bytes_of(envs, 100), 1, lz4);
		expect_stream_error(wire, w.len, lz4, 4096, UCQL_E_BAD_FLAGS, 0);

		/* Pieces running past the envelope's length. */
		ucql_writer_init(&w, wire, sizeof wire);
		ucql_segment_write(&w, ucql_bytes_of(envs, 100), 0, lz4);
		ucql_segment_write(&w, ucql_bytes_of(envs + 100, e - 100 + 1), 0, lz4);
		expect_stream_error(wire, w.len, lz4, 4096, UCQL_E_BAD_LENGTH, 0);
		memcpy(piece, envs, 9);
		memset(piece + 9, 'x', 20); /* first piece already too long */
		piece[5] = piece[6] = piece[7] = 0;
		piece[8] = 10;
		ucql_writer_init(&w, wire, sizeof wire);
		ucql_segment_write(&w, ucql_bytes_of(piece, 29), 0, lz4);
		expect_stream_error(wire, w.len, lz4, 4096, UCQL_E_BAD_LENGTH, 0);
		/* Negative envelope length. */
		piece[5] = 0x80;
		ucql_writer_init(&w, wire, sizeof wire);
		ucql_segment_write(&w, ucql_bytes_of(piece, 29), 0, lz4);
		expect_stream_error(wire, w.len, lz4, 4096, UCQL_E_BAD_LENGTH, 0);

		/* Header and payload CRC, after one good segment. */
		ucql_writer_init(&w, wire, sizeof wire);
		ucql_segment_write(&w, ucql_bytes_of(envs, 100), 1, lz4);
		size_t first = w.len;
		ucql_segment_write(&w, ucql_bytes_of(envs, 100), 1, lz4);
		wire[first + 1] ^= 1;
		expect_stream_error(wire, w.len, lz4, 4096, UCQL_E_CRC, UCQL_SEGMENT_BAD_HEADER_CRC);
		wire[first + 1] ^= 1;
		wire[first + hs + 3] ^= 1;
		expect_stream_error(wire, w.len, lz4, 4096, UCQL_E_CRC, UCQL_SEGMENT_BAD_PAYLOAD_CRC);
	}
	/* Corrupt lz4, self-contained and as a piece. */
	uint8_t junk[32];
	memset(junk, 0xF7, sizeof junk);
	size_t n = craft(wire, 1, sizeof junk, 900, 1, junk, sizeof junk);
	expect_stream_error(wire, n, 1, 4096, UCQL_E_COMPRESSION, 0);
	n = craft(wire, 1, sizeof junk, 900, 0, junk, sizeof junk);
	expect_stream_error(wire, n, 1, 4096, UCQL_E_COMPRESSION, 0);
}

Test(segment_stream, bad_crc_field_and_stickiness)
{
	uint8_t wire[256], env[64];
	ucql_writer w;
	ucql_writer_init(&w, wire, sizeof wire);
	ucql_segment_write(&w, ucql_bytes_of("123456789", 9), 1, 0);
	wire[7] ^= 4;
	ucql_segment_stream s;
	ucql_bytes b;
	cr_assert_eq(ucql_segment_stream_init(&s, 0, work_buf, sizeof work_buf, env, sizeof env), 0);
	ucql_segment_stream_feed(&s, wire, w.len);
	cr_assert_eq(ucql_segment_stream_next(&s, &b), UCQL_E_CRC);
	cr_assert_eq(s.bad_crc, UCQL_SEGMENT_BAD_PAYLOAD_CRC);
	ucql_segment_stream_feed(&s, wire, w.len);
	cr_assert_eq(ucql_segment_stream_next(&s, &b), UCQL_E_CRC, "sticky");
	cr_assert_not(ucql_segment_stream_idle(&s));

	wire[7] ^= 4;
	wire[0] ^= 4;
	cr_assert_eq(ucql_segment_stream_init(&s, 0, work_buf, sizeof work_buf, env, sizeof env), 0);
	ucql_segment_stream_feed(&s, wire, 3);
	cr_assert_eq(ucql_segment_stream_next(&s, &b), 0);
	ucql_segment_stream_feed(&s, wire + 3, w.len - 3);
	cr_assert_eq(ucql_segment_stream_next(&s, &b), UCQL_E_CRC);
	cr_assert_eq(s.bad_crc, UCQL_SEGMENT_BAD_HEADER_CRC);
}

Test(segment_stream, bad_init_and_feed_misuse)
{
	ucql_segment_stream s;
	uint8_t env[64];
	ucql_bytes b;
	cr_assert_eq(ucql_segment_stream_init(&s, 1, work_buf, UCQL_SEGMENT_STREAM_WORK_SIZE(1) - 1, env,
					      sizeof env),
		     UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_segment_stream_next(&s, &b), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_segment_stream_init(&s, 0, work_buf, UCQL_SEGMENT_STREAM_WORK_SIZE(0), env, 8),
		     UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_segment_stream_init(&s, 0, work_buf, UCQL_SEGMENT_STREAM_WORK_SIZE(0), env, 9),
		     0);
	/* Feeding before the chunk is used up. */
	uint8_t wire[64];
	ucql_writer w;
	ucql_writer_init(&w, wire, sizeof wire);
	ucql_segment_write(&w, ucql_bytes_of("123456789", 9), 1, 0);
	ucql_segment_write(&w, ucql_bytes_of("abc", 3), 1, 0);
	ucql_segment_stream_feed(&s, wire, w.len);
	cr_assert_eq(ucql_segment_stream_next(&s, &b), 1);
	cr_assert_eq(b.len, 9);
	ucql_segment_stream_feed(&s, wire, w.len);
	cr_assert_eq(ucql_segment_stream_next(&s, &b), UCQL_E_INVALID_ARG);
}
