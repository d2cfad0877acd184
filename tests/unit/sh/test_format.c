/* ucql-sh's value formatting (tools/sh/format.c, text.c): every CQL type
 * in the table, CSV and JSON styles. Values are encoded with the codec's
 * writers, types parsed from CQL text (UDTs from a wire [option]); every
 * value is formatted from a copy that ends at a guard page.
 *
 * Known answers: floats with cqlsh's algorithm (format_floating_point_type,
 * precision 5) and decimals with Python's Decimal.__str__, computed with
 * /usr/bin/python3 when this file was written; varint bytes from Python's
 * int.to_bytes(n, 'big', signed=True). */
#include <criterion/criterion.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../../../tools/sh/format.h"
#include "guard.h"

/* ---- helpers ------------------------------------------------------------------ */

/* A value written by `call` (which writes through w_) as a view of the
 * serialized bytes (static storage: one live value per call site). */
#define ENC(call)                                                              \
	({                                                                     \
		static uint8_t b_[8192];                                       \
		ucql_writer w_;                                                \
		ucql_writer_init(&w_, b_, sizeof b_);                          \
		call;                                                          \
		cr_assert_eq(w_.err, 0, "encoding failed: %d", w_.err);        \
		ucql_value_of(b_ + 4, (int32_t)ucql__be32(b_));                \
	})

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

/* Raw serialized bytes from hex (static storage per call site). */
#define RAW(hexstr)                                                            \
	({                                                                     \
		static uint8_t r_[512];                                        \
		ucql_value_of(r_, (int32_t)unhex(hexstr, r_));                 \
	})

static const char *style_name[3] = { "table", "csv", "json" };

/* Formats v (copied to end at a guard page) in style s; returns rc and
 * the text in *out (caller frees). "<" is written first to check that the
 * value is appended. */
static int format_in(const ucql_type_set *ts, int t, ucql_value v, const sh_fmt_opts *o,
		     sh_buf *out)
{
	guard_buf g = guard_copy(v.p, v.len > 0 ? (size_t)v.len : 0);
	ucql_value gv = ucql_value_of(v.len >= 0 ? g.p : NULL, v.len);
	sh_buf_init(out);
	sh_buf_putc(out, '<');
	int rc = sh_format_value(out, ts, t, gv, o);
	guard_free(&g);
	cr_assert_eq(out->oom, 0);
	cr_assert_eq(sh_buf_cstr(out)[0], '<');
	return rc;
}

static void expect_ts(const ucql_type_set *ts, int t, const char *what, ucql_value v,
		      const char *table, const char *csv, const char *json)
{
	const char *want[3] = { table, csv, json };
	for (int s = 0; s < 3; s++) {
		sh_fmt_opts o = sh_fmt_defaults(s);
		sh_buf b;
		int rc = format_in(ts, t, v, &o, &b);
		cr_expect_eq(rc, 0, "%s (%s): rc %d", what, style_name[s], rc);
		cr_expect_str_eq(sh_buf_cstr(&b) + 1, want[s], "%s (%s): got [%s] want [%s]", what,
				 style_name[s], sh_buf_cstr(&b) + 1, want[s]);
		sh_buf_free(&b);
	}
}

/* The type from CQL text. */
static void expect(const char *type, ucql_value v, const char *table, const char *csv,
		   const char *json)
{
	ucql_type nodes[64];
	ucql_type_set ts;
	ucql_type_set_init(&ts, nodes, 64);
	int t = ucql_type_parse_cql(&ts, ucql_bytes_str(type));
	cr_assert_geq(t, 0, "type %s: %d", type, t);
	expect_ts(&ts, t, type, v, table, csv, json);
}

/* Same in every style. */
static void expect_all(const char *type, ucql_value v, const char *text)
{
	expect(type, v, text, text, text);
}

/* Expects a malformed value: the error, and its bytes as hex instead. */
static void expect_bad(const char *type, ucql_value v, const char *hexstr)
{
	ucql_type nodes[64];
	ucql_type_set ts;
	ucql_type_set_init(&ts, nodes, 64);
	int t = ucql_type_parse_cql(&ts, ucql_bytes_str(type));
	cr_assert_geq(t, 0);
	for (int s = 0; s < 3; s++) {
		sh_fmt_opts o = sh_fmt_defaults(s);
		sh_buf b;
		int rc = format_in(&ts, t, v, &o, &b);
		cr_expect_lt(rc, 0, "%s (%s): expected an error, got [%s]", type, style_name[s],
			     sh_buf_cstr(&b) + 1);
		char want[300];
		snprintf(want, sizeof want, s == SH_STYLE_JSON ? "\"0x%s\"" : "0x%s", hexstr);
		cr_expect_str_eq(sh_buf_cstr(&b) + 1, want, "%s (%s): got [%s]", type, style_name[s],
				 sh_buf_cstr(&b) + 1);
		sh_buf_free(&b);
	}
}

static void setup(void)
{
	/* sh_display_width uses wcwidth, which needs a UTF-8 LC_CTYPE (the
	 * shell sets C.UTF-8 the same way). */
	setlocale(LC_CTYPE, "C.UTF-8");
}

TestSuite(format, .init = setup);

/* ---- text ---------------------------------------------------------------------- */

Test(format, text)
{
	expect("ascii", ENC(ucql_value_write_text(&w_, ucql_bytes_str("abc"))), "abc", "abc",
	       "\"abc\"");
	expect("text", ENC(ucql_value_write_text(&w_, ucql_bytes_str("h\xc3\xa9llo w\xc3\xb6rld"))),
	       "h\xc3\xa9llo w\xc3\xb6rld", "h\xc3\xa9llo w\xc3\xb6rld",
	       "\"h\xc3\xa9llo w\xc3\xb6rld\"");
	/* quote, backslash, newline, tab, CR, \x01, DEL, U+0085 and U+00A0
	 * (cqlsh's control range), and U+00A1 (not in it) */
	const char *nasty = "it's \\ a\nb\tc\r\x01\x7f\xc2\x85\xc2\xa0\xc2\xa1";
	expect("varchar", ENC(ucql_value_write_text(&w_, ucql_bytes_str(nasty))),
	       "it's \\\\ a\\nb\\tc\\r\\x01\\x7f\\x85\\xa0\xc2\xa1", nasty,
	       "\"it's \\\\ a\\nb\\tc\\r\\u0001\x7f\xc2\x85\xc2\xa0\xc2\xa1\"");
	expect("list<text>", ENC(({
		       ucql_builder b;
		       ucql_coll_begin(&b, &w_);
		       ucql_value_write_text(&w_, ucql_bytes_str(nasty));
		       ucql_coll_end(&b, &w_, 1);
	       })),
	       "['it''s \\\\ a\\nb\\tc\\r\\x01\\x7f\\x85\\xa0\xc2\xa1']",
	       "['it''s \\ a\nb\tc\r\x01\x7f\xc2\x85\xc2\xa0\xc2\xa1']",
	       "[\"it's \\\\ a\\nb\\tc\\r\\u0001\x7f\xc2\x85\xc2\xa0\xc2\xa1\"]");
	/* JSON's other escapes: " \b \f */
	expect("text", ENC(ucql_value_write_text(&w_, ucql_bytes_str("\"q\"\b\f"))),
	       "\"q\"\\x08\\x0c", "\"q\"\b\f", "\"\\\"q\\\"\\b\\f\"");
	/* empty text is a value, not null */
	expect("text", ENC(ucql_value_write_text(&w_, ucql_bytes_str(""))), "", "", "\"\"");
	/* bytes that are not UTF-8 */
	expect("text", RAW("61ff62c3"), "a\\xffb\\xc3", "a\xff" "b\xc3", "\"a\\ufffdb\\ufffd\"");
}

Test(format, blob)
{
	expect("blob", ENC(ucql_value_write_blob(&w_, ucql_bytes_of("\xca\xfe\x00\x01", 4))),
	       "0xcafe0001", "0xcafe0001", "\"0xcafe0001\"");
	expect("blob", ENC(ucql_value_write_blob(&w_, ucql_bytes_of("", 0))), "0x", "0x", "\"0x\"");
	expect("list<blob>", ENC(({
		       ucql_builder b;
		       ucql_coll_begin(&b, &w_);
		       ucql_value_write_blob(&w_, ucql_bytes_of("\x01", 1));
		       ucql_value_write_blob(&w_, ucql_bytes_of("\xff", 1));
		       ucql_coll_end(&b, &w_, 2);
	       })),
	       "[0x01, 0xff]", "[0x01, 0xff]", "[\"0x01\", \"0xff\"]");
	/* a custom type is shown as its bytes */
	expect("'com.example.Foo'", RAW("0102"), "0x0102", "0x0102", "\"0x0102\"");
}

/* ---- numbers ------------------------------------------------------------------ */

Test(format, booleans)
{
	expect("boolean", ENC(ucql_value_write_boolean(&w_, 1)), "True", "True", "true");
	expect("boolean", ENC(ucql_value_write_boolean(&w_, 0)), "False", "False", "false");
	expect("list<boolean>", ENC(({
		       ucql_builder b;
		       ucql_coll_begin(&b, &w_);
		       ucql_value_write_boolean(&w_, 1);
		       ucql_value_write_boolean(&w_, 0);
		       ucql_coll_end(&b, &w_, 2);
	       })),
	       "[True, False]", "[True, False]", "[true, false]");
}

Test(format, integers)
{
	expect_all("tinyint", ENC(ucql_value_write_tinyint(&w_, -128)), "-128");
	expect_all("tinyint", ENC(ucql_value_write_tinyint(&w_, 127)), "127");
	expect_all("smallint", ENC(ucql_value_write_smallint(&w_, -32768)), "-32768");
	expect_all("int", ENC(ucql_value_write_int(&w_, INT32_MIN)), "-2147483648");
	expect_all("int", ENC(ucql_value_write_int(&w_, 0)), "0");
	expect_all("bigint", ENC(ucql_value_write_bigint(&w_, INT64_MIN)), "-9223372036854775808");
	expect_all("bigint", ENC(ucql_value_write_bigint(&w_, -1234567890123)), "-1234567890123");
	expect_all("counter", ENC(ucql_value_write_counter(&w_, 42)), "42");
}

Test(format, varints)
{
	expect_all("varint", ENC(ucql_value_write_varint(&w_, 0)), "0");
	expect_all("varint", ENC(ucql_value_write_varint(&w_, -1)), "-1");
	expect_all("varint", ENC(ucql_value_write_varint(&w_, 127)), "127");
	expect_all("varint", ENC(ucql_value_write_varint(&w_, -128)), "-128");
	expect_all("varint", ENC(ucql_value_write_varint(&w_, INT64_MIN)), "-9223372036854775808");
	/* int.to_bytes(…, signed=True) of 2**63, -2**63-1, 10**30, -10**30, 2**200, -2**200 */
	expect_all("varint", RAW("008000000000000000"), "9223372036854775808");
	expect_all("varint", RAW("ff7fffffffffffffff"), "-9223372036854775809");
	expect_all("varint", RAW("0c9f2c9cd04674edea40000000"), "1000000000000000000000000000000");
	expect_all("varint", RAW("f360d3632fb98b1215c0000000"), "-1000000000000000000000000000000");
	expect_all("varint", RAW("0100000000000000000000000000000000000000000000000000"),
		   "1606938044258990275541962092341162602522202993782792835301376");
	expect_all("varint", RAW("ff00000000000000000000000000000000000000000000000000"),
		   "-1606938044258990275541962092341162602522202993782792835301376");
	/* non-minimal encodings are the same number */
	expect_all("varint", RAW("000000000005"), "5");
	expect_all("varint", RAW("fffffffffffb"), "-5");
	/* a varint of 300 bytes: 2**2399 - 1 would need Python; use 0x7fff…ff = 2**2399-1's
	 * low digits via its known decimal length instead */
	{
		static uint8_t big[300];
		memset(big, 0xFF, sizeof big);
		big[0] = 0x7F;
		sh_buf b;
		sh_buf_init(&b);
		sh_varint_digits(&b, big, sizeof big);
		/* len(str(2**2399 - 1)) == 723, and it ends in ...(2**2399-1) % 10 == 7 */
		cr_expect_eq(b.len, 723);
		cr_expect_eq(sh_buf_cstr(&b)[b.len - 1], '7');
		sh_buf_free(&b);
		big[0] = 0x80;
		memset(big + 1, 0, sizeof big - 1);
		sh_buf_init(&b);
		sh_varint_digits(&b, big, sizeof big); /* -2**2399 */
		cr_expect_eq(b.len, 724);
		cr_expect_eq(sh_buf_cstr(&b)[0], '-');
		cr_expect_eq(sh_buf_cstr(&b)[b.len - 1], '8'); /* 2**2399 % 10 == 8 */
		sh_buf_free(&b);
	}
}

Test(format, decimals)
{
	/* str(Decimal((sign, digits, -scale))) */
	expect_all("decimal", ENC(ucql_value_write_decimal(&w_, 2, 12345)), "123.45");
	expect_all("decimal", ENC(ucql_value_write_decimal(&w_, 0, 0)), "0");
	expect_all("decimal", ENC(ucql_value_write_decimal(&w_, -3, 1)), "1E+3");
	expect_all("decimal", ENC(ucql_value_write_decimal(&w_, 10, 1)), "1E-10");
	expect_all("decimal", ENC(ucql_value_write_decimal(&w_, 7, 1)), "1E-7");
	expect_all("decimal", ENC(ucql_value_write_decimal(&w_, 6, 1)), "0.000001");
	expect_all("decimal", ENC(ucql_value_write_decimal(&w_, -2, 123)), "1.23E+4");
	expect_all("decimal", ENC(ucql_value_write_decimal(&w_, 2, 0)), "0.00");
	expect_all("decimal", ENC(ucql_value_write_decimal(&w_, 10, 0)), "0E-10");
	expect_all("decimal", ENC(ucql_value_write_decimal(&w_, 1, -5)), "-0.5");
	expect_all("decimal", ENC(ucql_value_write_decimal(&w_, 3, 123456789)), "123456.789");
	expect_all("decimal", ENC(ucql_value_write_decimal(&w_, 30, INT64_MIN)),
		   "-9.223372036854775808E-12");
	/* unscaled 2**100+1 and -(2**100+1), scale 5 */
	expect_all("decimal",
		   ENC(ucql_value_write_decimal_bytes(
			   &w_, 5, ucql_bytes_of("\x00\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01", 14))),
		   "12676506002282294014967032.05377");
	expect_all("decimal",
		   ENC(ucql_value_write_decimal_bytes(
			   &w_, 5, ucql_bytes_of("\xff\xef\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 14))),
		   "-12676506002282294014967032.05377");
	/* unscaled 2**64, scale 0 */
	expect_all("decimal",
		   ENC(ucql_value_write_decimal_bytes(
			   &w_, 0, ucql_bytes_of("\x01\x00\x00\x00\x00\x00\x00\x00\x00", 9))),
		   "18446744073709551616");
	expect("list<decimal>", ENC(({
		       ucql_builder b;
		       ucql_coll_begin(&b, &w_);
		       ucql_value_write_decimal(&w_, 1, 15);
		       ucql_coll_end(&b, &w_, 1);
	       })),
	       "[1.5]", "[1.5]", "[1.5]");
}

Test(format, doubles)
{
	/* table: cqlsh's '%.*g' with precision 5 widened by the integer digits */
	expect("double", ENC(ucql_value_write_double(&w_, 3.141592653589793)), "3.14159",
	       "3.141592653589793", "3.141592653589793");
	expect("double", ENC(ucql_value_write_double(&w_, 1e20)), "1e+20", "1e+20", "1e+20");
	expect("double", ENC(ucql_value_write_double(&w_, 0.0001234)), "0.000123", "0.0001234",
	       "0.0001234");
	expect("double", ENC(ucql_value_write_double(&w_, 123456.789)), "1.2346e+05", "123456.789",
	       "123456.789");
	expect("double", ENC(ucql_value_write_double(&w_, 12345.6789)), "12345.6789", "12345.6789",
	       "12345.6789");
	expect("double", ENC(ucql_value_write_double(&w_, 0.0)), "0", "0", "0");
	expect("double", ENC(ucql_value_write_double(&w_, -0.0)), "-0", "-0", "-0");
	expect("double", ENC(ucql_value_write_double(&w_, 1e-300)), "1e-300", "1e-300", "1e-300");
	expect("double", ENC(ucql_value_write_double(&w_, 2.5e-5)), "2.5e-05", "2.5e-05", "2.5e-05");
	expect("double", ENC(ucql_value_write_double(&w_, 1.0 / 3)), "0.333333",
	       "0.3333333333333333", "0.3333333333333333");
	expect("double", ENC(ucql_value_write_double(&w_, 1e15)), "1e+15", "1e+15", "1e+15");
	expect("double", ENC(ucql_value_write_double(&w_, NAN)), "NaN", "NaN", "\"NaN\"");
	expect("double", ENC(ucql_value_write_double(&w_, INFINITY)), "Infinity", "Infinity",
	       "\"Infinity\"");
	expect("double", ENC(ucql_value_write_double(&w_, -INFINITY)), "-Infinity", "-Infinity",
	       "\"-Infinity\"");
	/* another precision: cqlsh's algorithm with 12 gives these (Python) */
	ucql_type nodes[4];
	ucql_type_set ts;
	ucql_type_set_init(&ts, nodes, 4);
	int t = ucql_type_parse_cql(&ts, ucql_bytes_str("double"));
	sh_fmt_opts o = sh_fmt_defaults(SH_STYLE_TABLE);
	o.double_precision = 12;
	sh_buf b;
	format_in(&ts, t, ENC(ucql_value_write_double(&w_, 123456.789)), &o, &b);
	cr_expect_str_eq(sh_buf_cstr(&b) + 1, "123456.789000000004");
	sh_buf_free(&b);
	format_in(&ts, t, ENC(ucql_value_write_double(&w_, 1.0 / 3)), &o, &b);
	cr_expect_str_eq(sh_buf_cstr(&b) + 1, "0.3333333333333");
	sh_buf_free(&b);
	/* precision 0: exact in a table too */
	o.double_precision = 0;
	format_in(&ts, t, ENC(ucql_value_write_double(&w_, 123456.789)), &o, &b);
	cr_expect_str_eq(sh_buf_cstr(&b) + 1, "123456.789");
	sh_buf_free(&b);
}

Test(format, floats)
{
	/* float32 values widened to double as the Python driver does */
	expect("float", ENC(ucql_value_write_float(&w_, 1.1f)), "1.1", "1.1", "1.1");
	expect("float", ENC(ucql_value_write_float(&w_, 0.1f)), "0.1", "0.1", "0.1");
	expect("float", ENC(ucql_value_write_float(&w_, 3.4028234663852886e38f)), "3.4028e+38",
	       "3.4028235e+38", "3.4028235e+38");
	expect("float", ENC(ucql_value_write_float(&w_, 1e-45f)), "1.4013e-45", "1e-45", "1e-45");
	expect("float", ENC(ucql_value_write_float(&w_, 16777216.0f)), "1.6777e+07", "16777216",
	       "16777216");
	expect("float", ENC(ucql_value_write_float(&w_, 123456.789f)), "1.2346e+05", "123456.79",
	       "123456.79");
	expect("float", ENC(ucql_value_write_float(&w_, NAN)), "NaN", "NaN", "\"NaN\"");
	expect("float", ENC(ucql_value_write_float(&w_, -INFINITY)), "-Infinity", "-Infinity",
	       "\"-Infinity\"");
	expect("vector<float, 3>", ENC(({
		       float f[3] = { 1.5f, -2.25f, 0.1f };
		       ucql_value_write_float_vector(&w_, f, 3);
	       })),
	       "[1.5, -2.25, 0.1]", "[1.5, -2.25, 0.1]", "[1.5, -2.25, 0.1]");
}

/* ---- identifiers and addresses ---------------------------------------------- */

Test(format, uuids)
{
	static const uint8_t u[16] = { 0x55, 0x0e, 0x84, 0x00, 0xe2, 0x9b, 0x41, 0xd4,
				       0xa7, 0x16, 0x44, 0x66, 0x55, 0x44, 0x00, 0x00 };
	static const uint8_t tu[16] = { 0xd2, 0x17, 0x7d, 0xd0, 0xea, 0xa2, 0x11, 0xde,
					0xa5, 0x72, 0x00, 0x1b, 0x77, 0x9c, 0x76, 0xe3 };
	expect("uuid", ENC(ucql_value_write_uuid(&w_, u)), "550e8400-e29b-41d4-a716-446655440000",
	       "550e8400-e29b-41d4-a716-446655440000", "\"550e8400-e29b-41d4-a716-446655440000\"");
	expect("timeuuid", ENC(ucql_value_write_timeuuid(&w_, tu)),
	       "d2177dd0-eaa2-11de-a572-001b779c76e3", "d2177dd0-eaa2-11de-a572-001b779c76e3",
	       "\"d2177dd0-eaa2-11de-a572-001b779c76e3\"");
	/* nested: never quoted (cqlsh), valid CQL as is */
	expect("set<uuid>", ENC(({
		       ucql_builder b;
		       ucql_coll_begin(&b, &w_);
		       ucql_value_write_uuid(&w_, u);
		       ucql_coll_end(&b, &w_, 1);
	       })),
	       "{550e8400-e29b-41d4-a716-446655440000}", "{550e8400-e29b-41d4-a716-446655440000}",
	       "[\"550e8400-e29b-41d4-a716-446655440000\"]");
}

Test(format, inets)
{
	ucql_inet a4 = { .len = 4, .addr = { 127, 0, 0, 1 } };
	ucql_inet a6 = { .len = 16, .addr = { [15] = 1 } };
	ucql_inet a6b = { .len = 16,
			  .addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0xff, 0x00, 0x00, 0x42,
				    0x83, 0x29 } };
	expect("inet", ENC(ucql_value_write_inet(&w_, &a4)), "127.0.0.1", "127.0.0.1",
	       "\"127.0.0.1\"");
	expect("inet", ENC(ucql_value_write_inet(&w_, &a6)), "::1", "::1", "\"::1\"");
	expect("inet", ENC(ucql_value_write_inet(&w_, &a6b)), "2001:db8::ff00:42:8329",
	       "2001:db8::ff00:42:8329", "\"2001:db8::ff00:42:8329\"");
	/* nested: quoted (cqlsh's formatter_value_inet takes quote) */
	expect("list<inet>", ENC(({
		       ucql_builder b;
		       ucql_coll_begin(&b, &w_);
		       ucql_value_write_inet(&w_, &a4);
		       ucql_value_write_inet(&w_, &a6);
		       ucql_coll_end(&b, &w_, 2);
	       })),
	       "['127.0.0.1', '::1']", "['127.0.0.1', '::1']", "[\"127.0.0.1\", \"::1\"]");
	expect_bad("inet", RAW("0102"), "0102");
}

/* ---- time ----------------------------------------------------------------------- */

Test(format, timestamps)
{
	/* 2024-01-02 03:04:05.678 UTC */
	expect("timestamp", ENC(ucql_value_write_timestamp(&w_, 1704164645678)),
	       "2024-01-02 03:04:05.678000+0000", "2024-01-02 03:04:05.678+0000",
	       "\"2024-01-02 03:04:05.678Z\"");
	expect("timestamp", ENC(ucql_value_write_timestamp(&w_, 0)),
	       "1970-01-01 00:00:00.000000+0000", "1970-01-01 00:00:00.000+0000",
	       "\"1970-01-01 00:00:00.000Z\"");
	expect("timestamp", ENC(ucql_value_write_timestamp(&w_, -1)),
	       "1969-12-31 23:59:59.999000+0000", "1969-12-31 23:59:59.999+0000",
	       "\"1969-12-31 23:59:59.999Z\"");
	/* 0001-01-01 and 9999-12-31 23:59:59.999: the ends of Python's range */
	expect("timestamp", ENC(ucql_value_write_timestamp(&w_, -62135596800000)),
	       "0001-01-01 00:00:00.000000+0000", "0001-01-01 00:00:00.000+0000",
	       "\"0001-01-01 00:00:00.000Z\"");
	expect("timestamp", ENC(ucql_value_write_timestamp(&w_, 253402300799999)),
	       "9999-12-31 23:59:59.999000+0000", "9999-12-31 23:59:59.999+0000",
	       "\"9999-12-31 23:59:59.999Z\"");
	/* outside: milliseconds, as cqlsh shows them */
	expect_all("timestamp", ENC(ucql_value_write_timestamp(&w_, 253402300800000)),
		   "253402300800000");
	expect_all("timestamp", ENC(ucql_value_write_timestamp(&w_, INT64_MIN)),
		   "-9223372036854775808");
	/* nested: quoted */
	expect("list<timestamp>", ENC(({
		       ucql_builder b;
		       ucql_coll_begin(&b, &w_);
		       ucql_value_write_timestamp(&w_, 1704164645678);
		       ucql_coll_end(&b, &w_, 1);
	       })),
	       "['2024-01-02 03:04:05.678000+0000']", "['2024-01-02 03:04:05.678+0000']",
	       "[\"2024-01-02 03:04:05.678Z\"]");
}

Test(format, dates)
{
	uint32_t d;
	cr_assert_eq(ucql_date_from_days(19724, &d), 0); /* 2024-01-02 */
	expect("date", ENC(ucql_value_write_date(&w_, d)), "2024-01-02", "2024-01-02",
	       "\"2024-01-02\"");
	expect("date", ENC(ucql_value_write_date(&w_, 0x80000000u)), "1970-01-01", "1970-01-01",
	       "\"1970-01-01\"");
	cr_assert_eq(ucql_date_from_days(-719162, &d), 0); /* 0001-01-01 */
	expect("date", ENC(ucql_value_write_date(&w_, d)), "0001-01-01", "0001-01-01",
	       "\"0001-01-01\"");
	cr_assert_eq(ucql_date_from_days(-719163, &d), 0); /* year 0: out of range */
	expect_all("date", ENC(ucql_value_write_date(&w_, d)), "-719163");
	expect_all("date", ENC(ucql_value_write_date(&w_, 0)), "-2147483648");
	/* nested: bare in tables (cqlsh), quoted in CSV cells (CQL literals) */
	cr_assert_eq(ucql_date_from_days(19724, &d), 0);
	expect("list<date>", ENC(({
		       ucql_builder b;
		       ucql_coll_begin(&b, &w_);
		       ucql_value_write_date(&w_, d);
		       ucql_coll_end(&b, &w_, 1);
	       })),
	       "[2024-01-02]", "['2024-01-02']", "[\"2024-01-02\"]");
}

Test(format, times)
{
	expect("time", ENC(ucql_value_write_time(&w_, 11045678000000)), "03:04:05.678000000",
	       "03:04:05.678000000", "\"03:04:05.678000000\"");
	expect("time", ENC(ucql_value_write_time(&w_, 0)), "00:00:00.000000000",
	       "00:00:00.000000000", "\"00:00:00.000000000\"");
	expect("time", ENC(ucql_value_write_time(&w_, UCQL_TIME_MAX)), "23:59:59.999999999",
	       "23:59:59.999999999", "\"23:59:59.999999999\"");
	expect("tuple<time, int>", ENC(({
		       ucql_builder b;
		       ucql_tuple_begin(&b, &w_);
		       ucql_value_write_time(&w_, 1);
		       ucql_value_write_int(&w_, 2);
		       ucql_tuple_end(&b, &w_);
	       })),
	       "(00:00:00.000000001, 2)", "('00:00:00.000000001', 2)",
	       "[\"00:00:00.000000001\", 2]");
	/* out of range: malformed */
	expect_bad("time", RAW("0000000000000000ff"), "0000000000000000ff");
	expect_bad("time", RAW("ffffffffffffffff"), "ffffffffffffffff");
}

Test(format, durations)
{
	ucql_duration all = { 1, 2, 3 * INT64_C(3600000000000) + 4 * INT64_C(60000000000) +
					    5 * INT64_C(1000000000) + 6000000 + 7000 + 8 };
	expect("duration", ENC(ucql_value_write_duration(&w_, all)), "1mo2d3h4m5s6ms7us8ns",
	       "1mo2d3h4m5s6ms7us8ns", "\"1mo2d3h4m5s6ms7us8ns\"");
	ucql_duration y = { 14, 0, 0 };
	expect("duration", ENC(ucql_value_write_duration(&w_, y)), "1y2mo", "1y2mo", "\"1y2mo\"");
	ucql_duration neg = { -1, -2, -3 };
	expect("duration", ENC(ucql_value_write_duration(&w_, neg)), "-1mo2d3ns", "-1mo2d3ns",
	       "\"-1mo2d3ns\"");
	ucql_duration zero = { 0, 0, 0 };
	expect("duration", ENC(ucql_value_write_duration(&w_, zero)), "0s", "0s", "\"0s\"");
	ucql_duration h = { 0, 0, INT64_C(90) * 60000000000 };
	expect("duration", ENC(ucql_value_write_duration(&w_, h)), "1h30m", "1h30m", "\"1h30m\"");
	ucql_duration ext = { INT32_MIN, INT32_MIN, INT64_MIN };
	expect("duration", ENC(ucql_value_write_duration(&w_, ext)),
	       "-178956970y8mo2147483648d2562047h47m16s854ms775us808ns",
	       "-178956970y8mo2147483648d2562047h47m16s854ms775us808ns",
	       "\"-178956970y8mo2147483648d2562047h47m16s854ms775us808ns\"");
	/* nested: bare (a CQL literal as is) */
	expect("list<duration>", ENC(({
		       ucql_builder b;
		       ucql_coll_begin(&b, &w_);
		       ucql_value_write_duration(&w_, y);
		       ucql_coll_end(&b, &w_, 1);
	       })),
	       "[1y2mo]", "[1y2mo]", "[\"1y2mo\"]");
}

/* ---- collections --------------------------------------------------------------- */

Test(format, lists_sets_maps)
{
	expect("list<int>", ENC(({
		       ucql_builder b;
		       ucql_coll_begin(&b, &w_);
		       ucql_value_write_int(&w_, 1);
		       ucql_value_write_int(&w_, 2);
		       ucql_coll_end(&b, &w_, 2);
	       })),
	       "[1, 2]", "[1, 2]", "[1, 2]");
	expect("set<text>", ENC(({
		       ucql_builder b;
		       ucql_coll_begin(&b, &w_);
		       ucql_value_write_text(&w_, ucql_bytes_str("a"));
		       ucql_value_write_text(&w_, ucql_bytes_str("b"));
		       ucql_coll_end(&b, &w_, 2);
	       })),
	       "{'a', 'b'}", "{'a', 'b'}", "[\"a\", \"b\"]");
	expect("map<text, int>", ENC(({
		       ucql_builder b;
		       ucql_coll_begin(&b, &w_);
		       ucql_value_write_text(&w_, ucql_bytes_str("a"));
		       ucql_value_write_int(&w_, 1);
		       ucql_value_write_text(&w_, ucql_bytes_str("b"));
		       ucql_value_write_int(&w_, 2);
		       ucql_coll_end(&b, &w_, 2);
	       })),
	       "{'a': 1, 'b': 2}", "{'a': 1, 'b': 2}", "{\"a\": 1, \"b\": 2}");
	/* JSON keys that are not strings: their JSON text as a string */
	expect("map<int, text>", ENC(({
		       ucql_builder b;
		       ucql_coll_begin(&b, &w_);
		       ucql_value_write_int(&w_, 1);
		       ucql_value_write_text(&w_, ucql_bytes_str("x"));
		       ucql_coll_end(&b, &w_, 1);
	       })),
	       "{1: 'x'}", "{1: 'x'}", "{\"1\": \"x\"}");
	expect("map<frozen<list<text>>, boolean>", ENC(({
		       ucql_builder b, k;
		       ucql_coll_begin(&b, &w_);
		       ucql_coll_begin(&k, &w_);
		       ucql_value_write_text(&w_, ucql_bytes_str("q\""));
		       ucql_coll_end(&k, &w_, 1);
		       ucql_value_write_boolean(&w_, 1);
		       ucql_coll_end(&b, &w_, 1);
	       })),
	       "{['q\"']: True}", "{['q\"']: True}", "{\"[\\\"q\\\\\\\"\\\"]\": true}");
	/* timestamp keys are JSON strings already; inet values quoted in tables */
	expect("map<timestamp, inet>", ENC(({
		       ucql_builder b;
		       ucql_inet a = { .len = 4, .addr = { 10, 0, 0, 1 } };
		       ucql_coll_begin(&b, &w_);
		       ucql_value_write_timestamp(&w_, 1704164645678);
		       ucql_value_write_inet(&w_, &a);
		       ucql_coll_end(&b, &w_, 1);
	       })),
	       "{'2024-01-02 03:04:05.678000+0000': '10.0.0.1'}",
	       "{'2024-01-02 03:04:05.678+0000': '10.0.0.1'}",
	       "{\"2024-01-02 03:04:05.678Z\": \"10.0.0.1\"}");
	/* empty collections (count 0, and a zero-length value) */
	expect("list<int>", ENC(({
		       ucql_builder b;
		       ucql_coll_begin(&b, &w_);
		       ucql_coll_end(&b, &w_, 0);
	       })),
	       "[]", "[]", "[]");
	expect("map<int, int>", ENC(ucql_value_write_empty(&w_)), "{}", "{}", "{}");
	expect("set<int>", ENC(ucql_value_write_empty(&w_)), "{}", "{}", "[]");
}

Test(format, nested_collections)
{
	/* list<frozen<map<text, frozen<set<int>>>>>: [{'a': {1, 2}}, {}] */
	expect("list<frozen<map<text, frozen<set<int>>>>>", ENC(({
		       ucql_builder l, m, s, m2;
		       ucql_coll_begin(&l, &w_);
		       ucql_coll_begin(&m, &w_);
		       ucql_value_write_text(&w_, ucql_bytes_str("a"));
		       ucql_coll_begin(&s, &w_);
		       ucql_value_write_int(&w_, 1);
		       ucql_value_write_int(&w_, 2);
		       ucql_coll_end(&s, &w_, 2);
		       ucql_coll_end(&m, &w_, 1);
		       ucql_coll_begin(&m2, &w_);
		       ucql_coll_end(&m2, &w_, 0);
		       ucql_coll_end(&l, &w_, 2);
	       })),
	       "[{'a': {1, 2}}, {}]", "[{'a': {1, 2}}, {}]", "[{\"a\": [1, 2]}, {}]");
	/* map<int, frozen<list<frozen<tuple<text, double>>>>> */
	expect("map<int, frozen<list<frozen<tuple<text, double>>>>>", ENC(({
		       ucql_builder m, l, t;
		       ucql_coll_begin(&m, &w_);
		       ucql_value_write_int(&w_, 7);
		       ucql_coll_begin(&l, &w_);
		       ucql_tuple_begin(&t, &w_);
		       ucql_value_write_text(&w_, ucql_bytes_str("x'y"));
		       ucql_value_write_double(&w_, 0.5);
		       ucql_tuple_end(&t, &w_);
		       ucql_coll_end(&l, &w_, 1);
		       ucql_coll_end(&m, &w_, 1);
	       })),
	       "{7: [('x''y', 0.5)]}", "{7: [('x''y', 0.5)]}", "{\"7\": [[\"x'y\", 0.5]]}");
	/* vector of text (variable-size elements) and a list of vectors */
	expect("vector<text, 2>", ENC(({
		       ucql_builder v;
		       ucql_vector_begin(&v, &w_, -1);
		       ucql_value_write_text(&w_, ucql_bytes_str("a"));
		       ucql_vector_elem_done(&v, &w_);
		       ucql_value_write_text(&w_, ucql_bytes_str(""));
		       ucql_vector_elem_done(&v, &w_);
		       ucql_vector_end(&v, &w_);
	       })),
	       "['a', '']", "['a', '']", "[\"a\", \"\"]");
	expect("list<frozen<vector<int, 2>>>", ENC(({
		       ucql_builder l, v;
		       ucql_coll_begin(&l, &w_);
		       ucql_vector_begin(&v, &w_, 4);
		       ucql_value_write_int(&w_, 1);
		       ucql_vector_elem_done(&v, &w_);
		       ucql_value_write_int(&w_, -2);
		       ucql_vector_elem_done(&v, &w_);
		       ucql_vector_end(&v, &w_);
		       ucql_coll_end(&l, &w_, 1);
	       })),
	       "[[1, -2]]", "[[1, -2]]", "[[1, -2]]");
}

Test(format, tuples)
{
	expect("tuple<int, text>", ENC(({
		       ucql_builder b;
		       ucql_tuple_begin(&b, &w_);
		       ucql_value_write_int(&w_, 1);
		       ucql_value_write_text(&w_, ucql_bytes_str("a"));
		       ucql_tuple_end(&b, &w_);
	       })),
	       "(1, 'a')", "(1, 'a')", "[1, \"a\"]");
	/* a null field, and a value with fewer fields than the type */
	expect("tuple<int, text, boolean>", ENC(({
		       ucql_builder b;
		       ucql_tuple_begin(&b, &w_);
		       ucql_value_write_null(&w_);
		       ucql_value_write_text(&w_, ucql_bytes_str("a"));
		       ucql_tuple_end(&b, &w_);
	       })),
	       "(null, 'a', null)", "(null, 'a', null)", "[null, \"a\", null]");
	/* more fields than the type: malformed */
	expect_bad("tuple<int>", RAW("000000010100000001" "02"), "000000010100000001" "02");
	expect_bad("tuple<int>", RAW("0000000401020304" "0000000102"),
		   "0000000401020304" "0000000102");
}

/* A UDT type from a wire [option] (CQL text gives only a reference):
 * ks.name with fields f1 int, "Fx" text, f3 frozen<list<int>>. */
static int udt_type(ucql_type_set *ts, uint8_t *buf, size_t cap)
{
	ucql_writer w;
	ucql_writer_init(&w, buf, cap);
	ucql_write_short(&w, UCQL_TYPE_UDT);
	ucql_write_string(&w, ucql_bytes_str("ks"));
	ucql_write_string(&w, ucql_bytes_str("pt"));
	ucql_write_short(&w, 3);
	ucql_write_string(&w, ucql_bytes_str("f1"));
	ucql_write_short(&w, UCQL_TYPE_INT);
	ucql_write_string(&w, ucql_bytes_str("Fx"));
	ucql_write_short(&w, UCQL_TYPE_VARCHAR);
	ucql_write_string(&w, ucql_bytes_str("f3"));
	ucql_write_short(&w, UCQL_TYPE_LIST);
	ucql_write_short(&w, UCQL_TYPE_INT);
	cr_assert_eq(w.err, 0);
	ucql_reader r;
	ucql_reader_init(&r, buf, w.len);
	int t = ucql_type_read(&r, ts);
	cr_assert_geq(t, 0);
	return t;
}

Test(format, udts)
{
	uint8_t tb[256];
	ucql_type nodes[16];
	ucql_type_set ts;
	ucql_type_set_init(&ts, nodes, 16);
	int t = udt_type(&ts, tb, sizeof tb);
	expect_ts(&ts, t, "udt", ENC(({
			  ucql_builder b, l;
			  ucql_tuple_begin(&b, &w_);
			  ucql_value_write_int(&w_, 1);
			  ucql_value_write_text(&w_, ucql_bytes_str("x"));
			  ucql_coll_begin(&l, &w_);
			  ucql_value_write_int(&w_, 5);
			  ucql_coll_end(&l, &w_, 1);
			  ucql_tuple_end(&b, &w_);
		  })),
		  "{f1: 1, Fx: 'x', f3: [5]}", "{f1: 1, \"Fx\": 'x', f3: [5]}",
		  "{\"f1\": 1, \"\\\"Fx\\\"\": \"x\", \"f3\": [5]}");
	/* fewer fields (the type grew after the value was written): nulls */
	expect_ts(&ts, t, "udt short", ENC(({
			  ucql_builder b;
			  ucql_tuple_begin(&b, &w_);
			  ucql_value_write_int(&w_, 2);
			  ucql_tuple_end(&b, &w_);
		  })),
		  "{f1: 2, Fx: null, f3: null}", "{f1: 2, \"Fx\": null, f3: null}",
		  "{\"f1\": 2, \"\\\"Fx\\\"\": null, \"f3\": null}");
	/* a UDT known by name only cannot be decoded: its bytes */
	expect_bad("pt", RAW("0000000400000001"), "0000000400000001");
	/* a UDT from class syntax: hex field names */
	ucql_type_set_init(&ts, nodes, 16);
	t = ucql_type_parse_class(
		&ts, ucql_bytes_str("org.apache.cassandra.db.marshal.UserType(ks,7074,"
				    "6131:org.apache.cassandra.db.marshal.Int32Type)"));
	cr_assert_geq(t, 0);
	expect_ts(&ts, t, "udt class", ENC(({
			  ucql_builder b;
			  ucql_tuple_begin(&b, &w_);
			  ucql_value_write_int(&w_, 3);
			  ucql_tuple_end(&b, &w_);
		  })),
		  "{a1: 3}", "{a1: 3}", "{\"a1\": 3}");
}

/* ---- null, empty, malformed --------------------------------------------------- */

Test(format, null_and_empty)
{
	static const char *types[] = { "int", "text", "blob", "list<int>", "map<text, int>",
				       "tuple<int>", "timestamp", "decimal", "duration" };
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		expect(types[i], ucql_value_null(), "null", "", "null");
	/* Cassandra's "empty" value of a fixed-size type: cqlsh shows nothing,
	 * toJSONString gives "" */
	static const char *fixed[] = { "int", "bigint", "boolean", "double", "uuid", "timestamp",
				       "date", "time", "inet", "varint", "decimal", "duration" };
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		expect(fixed[i], ucql_value_of("", 0), "", "", "\"\"");
	/* nested null: a tuple field */
	expect("tuple<text>", ENC(({
		       ucql_builder b;
		       ucql_tuple_begin(&b, &w_);
		       ucql_value_write_null(&w_);
		       ucql_tuple_end(&b, &w_);
	       })),
	       "(null)", "(null)", "[null]");
}

Test(format, malformed)
{
	expect_bad("int", RAW("010203"), "010203");
	expect_bad("bigint", RAW("01"), "01");
	expect_bad("uuid", RAW("0102"), "0102");
	expect_bad("decimal", RAW("00000001"), "00000001");
	/* a list whose element runs past the value */
	expect_bad("list<int>", RAW("00000001" "00000004" "0102"), "00000001000000040102");
	/* a null element in a list */
	expect_bad("list<int>", RAW("00000001" "ffffffff"), "00000001ffffffff");
	/* trailing bytes after the last element */
	expect_bad("list<int>", RAW("00000000" "00"), "0000000000");
	/* a malformed element deep inside: the whole value as bytes */
	expect_bad("map<text, frozen<list<int>>>", RAW("00000001" "0000000161" "00000008" "00000001" "00000001"),
		   "00000001000000016100000008000000010000000" "1");
	/* a vector of the wrong size */
	expect_bad("vector<int, 2>", RAW("00000001"), "00000001");
	/* a duration whose parts disagree in sign */
	expect_bad("duration", RAW("020101"), "020101");
}

/* ---- pieces -------------------------------------------------------------------------- */

static const char *csv(const char *s, size_t n, int is_null)
{
	static sh_buf b;
	sh_buf_free(&b);
	sh_csv_field(&b, s, n, is_null);
	return sh_buf_cstr(&b);
}

Test(format, csv_fields)
{
	cr_expect_str_eq(csv("abc", 3, 0), "abc");
	cr_expect_str_eq(csv("", 0, 0), "\"\"");
	cr_expect_str_eq(csv("", 0, 1), "");
	cr_expect_str_eq(csv("a,b", 3, 0), "\"a,b\"");
	cr_expect_str_eq(csv("say \"hi\"", 8, 0), "\"say \"\"hi\"\"\"");
	cr_expect_str_eq(csv("a\nb", 3, 0), "\"a\nb\"");
	cr_expect_str_eq(csv("a\rb", 3, 0), "\"a\rb\"");
	cr_expect_str_eq(csv(" a", 2, 0), "\" a\"");
	cr_expect_str_eq(csv("a ", 2, 0), "\"a \"");
	cr_expect_str_eq(csv("{'a': 1}", 8, 0), "{'a': 1}");
	cr_expect_str_eq(csv("{'a': 1, 'b': 2}", 16, 0), "\"{'a': 1, 'b': 2}\"");
	sh_buf b;
	sh_buf_init(&b);
	sh_json_string(&b, "a\0b", 3);
	cr_expect_eq(b.len, 10);
	cr_expect_str_eq(sh_buf_cstr(&b), "\"a\\u0000b\"");
	sh_buf_free(&b);
}

Test(format, display_width)
{
	cr_expect_eq(sh_display_width("abc", 3), 3);
	cr_expect_eq(sh_display_width("", 0), 0);
	cr_expect_eq(sh_display_width("h\xc3\xa9", 3), 2);          /* é */
	cr_expect_eq(sh_display_width("\xe6\x97\xa5\xe6\x9c\xac", 6), 4); /* 日本: wide */
	cr_expect_eq(sh_display_width("e\xcc\x81", 3), 1);          /* e + combining acute */
	cr_expect_eq(sh_display_width("a\xff", 2), 2);              /* not UTF-8: 1 each */
}

Test(format, buffer)
{
	sh_buf b;
	sh_buf_init(&b);
	cr_expect_str_eq(sh_buf_cstr(&b), "");
	for (int i = 0; i < 1000; i++)
		sh_buf_printf(&b, "%04d", i);
	cr_expect_eq(b.len, 4000);
	cr_expect_eq(memcmp(b.p + 3996, "0999", 4), 0);
	char big[300];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	sh_buf_printf(&b, "%s!", big); /* longer than printf's small buffer */
	cr_expect_eq(b.len, 4300);
	cr_expect_eq(b.p[4299], '!');
	sh_buf_truncate(&b, 2);
	cr_expect_str_eq(sh_buf_cstr(&b), "00");
	sh_buf_reset(&b);
	cr_expect_str_eq(sh_buf_cstr(&b), "");
	sh_buf_free(&b);
}
