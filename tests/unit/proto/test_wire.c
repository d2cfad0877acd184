#include <criterion/criterion.h>

#include "guard.h"
#include "ucql/wire.h"

Test(wire, fixed_size_round_trip)
{
	uint8_t buf[64];
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_write_byte(&w, 0xAB);
	ucql_write_short(&w, 0xBEEF);
	ucql_write_int(&w, -2);
	ucql_write_long(&w, INT64_MIN + 5);
	ucql_write_cstring(&w, "hello");
	cr_assert_eq(w.err, 0);
	cr_assert_eq(w.len, 1 + 2 + 4 + 8 + 2 + 5);
	const uint8_t want[] = { 0xAB, 0xBE, 0xEF, 0xFF, 0xFF, 0xFF, 0xFE, 0x80, 0, 0, 0, 0, 0, 0, 5, 0, 5, 'h', 'e', 'l', 'l', 'o' };
	cr_assert_arr_eq(buf, want, sizeof want);

	ucql_reader r;
	ucql_reader_init(&r, buf, w.len);
	cr_assert_eq(ucql_read_byte(&r), 0xAB);
	cr_assert_eq(ucql_read_short(&r), 0xBEEF);
	cr_assert_eq(ucql_read_int(&r), -2);
	cr_assert_eq(ucql_read_long(&r), INT64_MIN + 5);
	cr_assert(ucql_bytes_eq_str(ucql_read_string(&r), "hello"));
	cr_assert_eq(r.err, 0);
	cr_assert_eq(ucql_reader_left(&r), 0);
	/* Past the end: sticky error, zero values. */
	cr_assert_eq(ucql_read_int(&r), 0);
	cr_assert_eq(r.err, UCQL_E_TRUNCATED);
	cr_assert_eq(ucql_read_byte(&r), 0);
	cr_assert_eq(r.err, UCQL_E_TRUNCATED);
}

Test(wire, writer_counts_needed_size_past_capacity)
{
	uint8_t buf[4];
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_write_long(&w, 1);
	ucql_write_cstring(&w, "abc");
	cr_assert_eq(w.err, UCQL_E_NOSPACE);
	cr_assert_eq(w.len, 8 + 2 + 3);
	ucql_writer_init(&w, NULL, 0);
	ucql_write_cstring(&w, "abcdef");
	cr_assert_eq(w.len, 8);
}

Test(wire, values_null_unset_empty)
{
	uint8_t buf[32];
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_write_value(&w, ucql_value_null());
	ucql_write_value(&w, ucql_value_unset());
	ucql_write_value(&w, ucql_value_of("", 0));
	ucql_write_value(&w, ucql_value_of("xy", 2));
	ucql_write_int(&w, -3);
	ucql_reader r;
	ucql_reader_init(&r, buf, w.len);
	cr_assert_eq(ucql_read_value(&r).len, UCQL_NULL);
	cr_assert_eq(ucql_read_value(&r).len, UCQL_UNSET);
	ucql_value e = ucql_read_value(&r);
	cr_assert_eq(e.len, 0);
	cr_assert_not_null(e.p, "empty is not null: the view points into the buffer");
	ucql_value xy = ucql_read_value(&r);
	cr_assert_eq(xy.len, 2);
	cr_assert_eq(memcmp(xy.p, "xy", 2), 0);
	ucql_read_value(&r);
	cr_assert_eq(r.err, UCQL_E_BAD_LENGTH);
}

Test(wire, bytes_negative_is_null_long_string_negative_is_error)
{
	const uint8_t in[] = { 0xFF, 0xFF, 0xFF, 0xF0 };
	ucql_reader r;
	ucql_reader_init(&r, in, sizeof in);
	cr_assert_eq(ucql_read_bytes(&r).len, UCQL_NULL);
	cr_assert_eq(r.err, 0);
	ucql_reader_init(&r, in, sizeof in);
	ucql_read_long_string(&r);
	cr_assert_eq(r.err, UCQL_E_BAD_LENGTH);
}

Test(wire, vint_known_encodings_and_round_trip)
{
	struct { uint64_t v; size_t n; uint8_t b[9]; } cases[] = {
		{ 0, 1, { 0x00 } },
		{ 127, 1, { 0x7F } },
		{ 128, 2, { 0x80, 0x80 } },
		{ 0x3FFF, 2, { 0xBF, 0xFF } },
		{ 0x4000, 3, { 0xC0, 0x40, 0x00 } },
		{ UINT64_MAX, 9, { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF } },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint8_t buf[9];
		ucql_writer w;
		ucql_writer_init(&w, buf, sizeof buf);
		ucql_write_uvint(&w, cases[i].v);
		cr_assert_eq(w.len, cases[i].n, "case %zu", i);
		cr_assert_arr_eq(buf, cases[i].b, cases[i].n, "case %zu", i);
		ucql_reader r;
		ucql_reader_init(&r, buf, w.len);
		cr_assert_eq(ucql_read_uvint(&r), cases[i].v, "case %zu", i);
		cr_assert_eq(r.err, 0);
	}
	int64_t sv[] = { 0, -1, 1, -64, 63, -65, INT64_MIN, INT64_MAX, 123456789012LL };
	for (size_t i = 0; i < sizeof sv / sizeof sv[0]; i++) {
		uint8_t buf[9];
		ucql_writer w;
		ucql_writer_init(&w, buf, sizeof buf);
		ucql_write_vint(&w, sv[i]);
		ucql_reader r;
		ucql_reader_init(&r, buf, w.len);
		cr_assert_eq(ucql_read_vint(&r), sv[i]);
		cr_assert_eq(ucql_reader_left(&r), 0);
	}
	/* Every uvint size boundary round-trips. */
	for (int bit = 0; bit < 64; bit++) {
		uint64_t v = (uint64_t)1 << bit;
		for (int d = -1; d <= 1; d++) {
			uint64_t x = v + (uint64_t)d;
			uint8_t buf[9];
			ucql_writer w;
			ucql_writer_init(&w, buf, sizeof buf);
			ucql_write_uvint(&w, x);
			cr_assert_eq(w.len, ucql_uvint_size(x));
			ucql_reader r;
			ucql_reader_init(&r, buf, w.len);
			cr_assert_eq(ucql_read_uvint(&r), x);
		}
	}
}

Test(wire, vint_truncated)
{
	const uint8_t in[] = { 0xC0, 0x40 };
	ucql_reader r;
	ucql_reader_init(&r, in, sizeof in);
	ucql_read_uvint(&r);
	cr_assert_eq(r.err, UCQL_E_TRUNCATED);
}

Test(wire, inet)
{
	ucql_inet a = { .len = 4, .addr = { 127, 0, 0, 3 }, .port = 9042 };
	uint8_t buf[32];
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_write_inet(&w, &a);
	cr_assert_eq(w.len, 1 + 4 + 4);
	ucql_reader r;
	ucql_reader_init(&r, buf, w.len);
	ucql_inet b = ucql_read_inet(&r);
	cr_assert_eq(b.len, 4);
	cr_assert_eq(b.port, 9042);
	cr_assert_eq(memcmp(b.addr, a.addr, 4), 0);
	buf[0] = 5;
	ucql_reader_init(&r, buf, w.len);
	ucql_read_inet(&r);
	cr_assert_eq(r.err, UCQL_E_BAD_VALUE);
}

Test(wire, string_map_and_multimap)
{
	ucql_bytes kv[] = { ucql_bytes_str("CQL_VERSION"), ucql_bytes_str("3.0.0"),
			    ucql_bytes_str("COMPRESSION"), ucql_bytes_str("lz4") };
	uint8_t buf[128];
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_write_string_map(&w, kv, 2);
	ucql_bytes keys[] = { ucql_bytes_str("COMPRESSION"), ucql_bytes_str("CQL_VERSION") };
	size_t counts[] = { 2, 0 };
	ucql_bytes vals[] = { ucql_bytes_str("lz4"), ucql_bytes_str("snappy") };
	size_t mm_at = w.len;
	ucql_write_string_multimap(&w, keys, counts, 2, vals);
	cr_assert_eq(w.err, 0);

	ucql_reader r;
	ucql_reader_init(&r, buf, w.len);
	ucql_list_view m = ucql_read_string_map(&r);
	cr_assert_eq(m.n, 2);
	ucql_bytes v;
	cr_assert(ucql_string_map_get(m, "COMPRESSION", &v));
	cr_assert(ucql_bytes_eq_str(v, "lz4"));
	cr_assert_not(ucql_string_map_get(m, "NOPE", &v));
	cr_assert_eq((size_t)(r.p - buf), mm_at);
	ucql_list_view mm = ucql_read_string_multimap(&r);
	cr_assert_eq(r.err, 0);
	ucql_list_view comp;
	cr_assert(ucql_string_multimap_get(mm, "COMPRESSION", &comp));
	cr_assert_eq(comp.n, 2);
	ucql_reader it;
	ucql_reader_init(&it, comp.raw.p, comp.raw.len);
	ucql_bytes s;
	cr_assert(ucql_string_list_next(&it, &s));
	cr_assert(ucql_bytes_eq_str(s, "lz4"));
	cr_assert(ucql_string_list_next(&it, &s));
	cr_assert(ucql_bytes_eq_str(s, "snappy"));
	cr_assert_not(ucql_string_list_next(&it, &s));
	cr_assert(ucql_string_multimap_get(mm, "CQL_VERSION", &comp));
	cr_assert_eq(comp.n, 0);
}

Test(wire, compound_truncated_at_every_offset_is_an_error_at_a_guard_page)
{
	ucql_bytes keys[] = { ucql_bytes_str("k1"), ucql_bytes_str("key2") };
	ucql_value vals[] = { ucql_value_of("abc", 3), ucql_value_null() };
	uint8_t buf[64];
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_write_bytes_map(&w, keys, vals, 2);
	for (size_t cut = 0; cut < w.len; cut++) {
		guard_buf g = guard_copy(buf, cut);
		ucql_reader r;
		ucql_reader_init(&r, g.p, g.len);
		ucql_read_bytes_map(&r);
		cr_assert_eq(r.err, UCQL_E_TRUNCATED, "cut %zu", cut);
		guard_free(&g);
	}
	ucql_reader r;
	ucql_reader_init(&r, buf, w.len);
	ucql_list_view m = ucql_read_bytes_map(&r);
	cr_assert_eq(r.err, 0);
	ucql_reader it;
	ucql_reader_init(&it, m.raw.p, m.raw.len);
	ucql_bytes k;
	ucql_value v;
	cr_assert(ucql_bytes_map_next(&it, &k, &v));
	cr_assert(ucql_bytes_eq_str(k, "k1"));
	cr_assert_eq(v.len, 3);
	cr_assert(ucql_bytes_map_next(&it, &k, &v));
	cr_assert_eq(v.len, UCQL_NULL);
	cr_assert_not(ucql_bytes_map_next(&it, &k, &v));
}

Test(wire, option_skip)
{
	/* map<text, frozen<tuple<int, list<uuid>>>> then a trailing byte. */
	const uint8_t opt[] = { 0x00, 0x21, 0x00, 0x0D, 0x00, 0x31, 0x00, 0x02, 0x00, 0x09,
				0x00, 0x20, 0x00, 0x0C, 0x77 };
	ucql_reader r;
	ucql_reader_init(&r, opt, sizeof opt);
	ucql_bytes b = ucql_read_option(&r);
	cr_assert_eq(r.err, 0);
	cr_assert_eq(b.len, sizeof opt - 1);
	const uint8_t bad[] = { 0x00, 0x20, 0x00, 0x99 };
	ucql_reader_init(&r, bad, sizeof bad);
	ucql_read_option(&r);
	cr_assert_eq(r.err, UCQL_E_BAD_TYPE);
	uint8_t deep[2 * 40 + 2];
	for (int i = 0; i < 40; i++) {
		deep[2 * i] = 0;
		deep[2 * i + 1] = 0x20;
	}
	deep[80] = 0;
	deep[81] = 9;
	ucql_reader_init(&r, deep, sizeof deep);
	ucql_read_option(&r);
	cr_assert_eq(r.err, UCQL_E_TOO_DEEP);
}

Test(wire, names)
{
	cr_assert_str_eq(ucql_opcode_name(UCQL_OP_QUERY), "QUERY");
	cr_assert_str_eq(ucql_opcode_name(UCQL_OP_AUTH_SUCCESS), "AUTH_SUCCESS");
	cr_assert_null(ucql_opcode_name(0x04));
	cr_assert_null(ucql_opcode_name(0x55));
	cr_assert_eq(ucql_opcode_is_request(UCQL_OP_EXECUTE), 1);
	cr_assert_eq(ucql_opcode_is_request(UCQL_OP_RESULT), 0);
	cr_assert_eq(ucql_opcode_is_request(0x04), -1);
	cr_assert_str_eq(ucql_consistency_name(UCQL_CL_LOCAL_ONE), "LOCAL_ONE");
	cr_assert_null(ucql_consistency_name(11));
}
