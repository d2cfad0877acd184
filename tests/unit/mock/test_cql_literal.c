/* ucql-mock's literal conversion: known answers for every CQL type (bytes
 * cross-checked with Debian's python3-cassandra cqltypes), Cassandra's
 * error messages, sorted sets and maps, the value comparator, and value →
 * literal text with round trips. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "cql_ast.h"
#include "cql_literal.h"

static mock_arena A;
static ucql_type nodes[64];
static ucql_type_set TS;
static mock_cql_error E;

static void setup(void)
{
	mock_arena_init(&A);
}
static void teardown(void)
{
	mock_arena_free(&A);
}
TestSuite(cql_literal, .init = setup, .fini = teardown);

static int ty(const char *text)
{
	ucql_type_set_init(&TS, nodes, 64);
	int r = ucql_type_parse_cql(&TS, ucql_bytes_str(text));
	cr_assert_geq(r, 0, "type %s", text);
	return r;
}

/* A UDT with fields, as the engine resolves one: address(street text,
 * zip int, "Tags" set<text>). */
static int udt(void)
{
	memset(nodes, 0, sizeof nodes);
	ucql_type_set_init(&TS, nodes, 64);
	nodes[0] = (ucql_type){ .id = UCQL_TYPE_UDT, .n_children = 3, .first_child = 1, .next = -1,
				.name = ucql_bytes_str("address"), .ks = ucql_bytes_str("ks") };
	nodes[1] = (ucql_type){ .id = UCQL_TYPE_VARCHAR, .first_child = -1, .next = 2,
				.field = ucql_bytes_str("street") };
	nodes[2] = (ucql_type){ .id = UCQL_TYPE_INT, .first_child = -1, .next = 3, .field = ucql_bytes_str("zip") };
	nodes[3] = (ucql_type){ .id = UCQL_TYPE_SET, .n_children = 1, .first_child = 4, .next = -1,
				.field = ucql_bytes_str("Tags") };
	nodes[4] = (ucql_type){ .id = UCQL_TYPE_VARCHAR, .first_child = -1, .next = -1 };
	TS.used = 5;
	return 0;
}

static const mock_term *term(const char *lit)
{
	char q[512];
	mock_parsed p;
	snprintf(q, sizeof q, "INSERT INTO t (x) VALUES (%s)", lit);
	int rc = mock_cql_parse(&A, q, strlen(q), &p, &E);
	cr_assert_eq(rc, 0, "%s: %s", q, E.msg);
	return p.stmt->u.insert.values[0];
}

static void hex(ucql_value v, char *out)
{
	if (v.len < 0) {
		strcpy(out, v.len == UCQL_NULL ? "null" : "unset");
		return;
	}
	for (int32_t i = 0; i < v.len; i++)
		sprintf(out + 2 * i, "%02x", v.p[i]);
	out[2 * v.len] = 0;
}

static ucql_value conv(int type, const char *lit, const mock_literal_ctx *ctx)
{
	ucql_value v;
	mock_literal_ctx c = { .receiver = "x" };
	int rc = mock_literal_value(&A, &TS, type, term(lit), ctx ? ctx : &c, &v, &E);
	cr_assert_eq(rc, 0, "%s: %s", lit, E.msg);
	return v;
}

/* lit converted to type gives the value bytes `want` (hex, "null"). */
static void kat_t(int type, const char *lit, const char *want)
{
	char h[1024];
	hex(conv(type, lit, NULL), h);
	cr_assert_str_eq(h, want, "%s", lit);
}
static void kat(const char *type, const char *lit, const char *want)
{
	kat_t(ty(type), lit, want);
}

static void bad_t(int type, const char *lit, const char *msg)
{
	ucql_value v;
	mock_literal_ctx c = { .receiver = "x" };
	int rc = mock_literal_value(&A, &TS, type, term(lit), &c, &v, &E);
	cr_assert_eq(rc, UCQL_E_INVALID, "%s -> %d", lit, rc);
	cr_assert_eq(E.code, UCQL_E_INVALID);
	cr_assert_str_eq(E.msg, msg, "%s: %s", lit, E.msg);
}
static void bad(const char *type, const char *lit, const char *msg)
{
	bad_t(ty(type), lit, msg);
}

/* ==== known answers ====================================================== */

Test(cql_literal, text_and_blobs)
{
	kat("ascii", "'abc'", "616263");
	kat("text", "'h\xc3\xa9llo'", "68c3a96c6c6f");
	kat("varchar", "'it''s'", "69742773");
	kat("text", "''", "");
	kat("text", "$$a'b$$", "612762");
	kat("blob", "0xCAFE", "cafe");
	kat("blob", "0x", "");
	kat("text", "null", "null");
	bad("ascii", "'\xc3\xa9'", "Invalid ASCII character in string literal");
	bad("blob", "'abc'", "Invalid STRING constant (abc) for \"x\" of type blob");
	bad("blob", "0xabc", "cannot parse 'abc' as hex bytes");
	bad("text", "42", "Invalid INTEGER constant (42) for \"x\" of type text");
	bad("text", "0xff", "Invalid HEX constant (0xff) for \"x\" of type text");
}

Test(cql_literal, integers)
{
	kat("int", "42", "0000002a");
	kat("int", "-1", "ffffffff");
	kat("int", "-2147483648", "80000000");
	kat("tinyint", "-128", "80");
	kat("tinyint", "127", "7f");
	kat("smallint", "300", "012c");
	kat("bigint", "-2", "fffffffffffffffe");
	kat("bigint", "9223372036854775807", "7fffffffffffffff");
	kat("counter", "5", "0000000000000005");
	bad("tinyint", "300", "Unable to make byte from '300'");
	bad("tinyint", "-129", "Unable to make byte from '-129'");
	bad("smallint", "40000", "Unable to make short from '40000'");
	bad("int", "2147483648", "Unable to make int from '2147483648'");
	bad("bigint", "9223372036854775808", "Unable to make long from '9223372036854775808'");
	bad("int", "'foo'", "Invalid STRING constant (foo) for \"x\" of type int");
	bad("int", "1.5", "Invalid FLOAT constant (1.5) for \"x\" of type int");
	bad("int", "true", "Invalid BOOLEAN constant (true) for \"x\" of type int");
	bad("int", "[1]", "Invalid list literal for x of type int");
	bad("int", "{1: 2}", "Invalid map literal for x of type int");
	/* varint: arbitrary size, minimal two's complement (python: IntegerType) */
	kat("varint", "0", "00");
	kat("varint", "128", "0080");
	kat("varint", "-128", "80");
	kat("varint", "-129", "ff7f");
	kat("varint", "18446744073709551616", "010000000000000000");
	kat("varint", "-18446744073709551616", "ff0000000000000000");
	kat("varint", "12345678901234567890123", "029d42b64e76714244cb");
	bad("varint", "1.5", "Invalid FLOAT constant (1.5) for \"x\" of type varint");
}

Test(cql_literal, decimals_and_floats)
{
	kat("decimal", "1.50", "000000020096");
	kat("decimal", "-1e10", "fffffff6ff");
	kat("decimal", "0.001", "0000000301");
	kat("decimal", "5", "0000000005");
	kat("decimal", "123456789012345678901234.5", "0000000101056e0f36a6443de2df79");
	bad("decimal", "NaN", "unable to make BigDecimal from 'NaN'");
	kat("float", "1.1", "3f8ccccd");
	kat("float", "3", "40400000");
	kat("float", "NaN", "7fc00000");
	kat("float", "-NaN", "7fc00000");
	kat("float", "Infinity", "7f800000");
	kat("float", "-Infinity", "ff800000");
	kat("float", "-0.0", "80000000");
	kat("double", "1.1", "3ff199999999999a");
	kat("double", "1e10", "4202a05f20000000");
	kat("double", "NaN", "7ff8000000000000");
	kat("boolean", "true", "01");
	kat("boolean", "FALSE", "00");
	bad("boolean", "1", "Invalid INTEGER constant (1) for \"x\" of type boolean");
}

Test(cql_literal, uuids_and_inet)
{
	kat("uuid", "01234567-89ab-cdef-0123-456789ABCDEF", "0123456789abcdef0123456789abcdef");
	kat("timeuuid", "5c4d1f20-c07e-11ee-8000-000000000001", "5c4d1f20c07e11ee8000000000000001");
	bad("timeuuid", "01234567-89ab-4def-8123-456789abcdef",
	    "Unsupported UUID version (4) for a timeuuid, version 1 required");
	bad("uuid", "'01234567-89ab-cdef-0123-456789abcdef'",
	    "Invalid STRING constant (01234567-89ab-cdef-0123-456789abcdef) for \"x\" of type uuid");
	kat("inet", "'127.0.0.1'", "7f000001");
	kat("inet", "'::1'", "00000000000000000000000000000001");
	kat("inet", "'2001:db8::ff00:42:8329'", "20010db8000000000000ff0000428329");
	bad("inet", "'nope'", "Unable to make inet address from 'nope'");
}

Test(cql_literal, dates_and_times)
{
	kat("date", "'2024-01-31'", "80004d29");
	kat("date", "'1969-12-31'", "7fffffff");
	kat("date", "'0001-01-01'", "7ff506c6");
	kat("date", "2147483648", "80000000");
	kat("date", "'2147483648'", "80000000");
	bad("date", "'2024-02-30'", "Unable to coerce '2024-02-30' to a formatted date (long)");
	bad("date", "4294967296", "Unable to coerce '4294967296' to a formatted date (long)");
	kat("date", "'2024-02-29'", "80004d46");
	kat("time", "'13:30:54.234'", "00002c4032559a80");
	kat("time", "'13:30:54.234000000'", "00002c4032559a80");
	kat("time", "1", "0000000000000001");
	bad("time", "'24:00:00'", "Unable to coerce '24:00:00' to a formatted time (long)");
	bad("time", "86400000000000", "Unable to coerce '86400000000000' to a formatted time (long)");
	const char *same[] = {
		"'2024-01-31 12:00:00+0000'", "'2024-01-31T12:00:00Z'", "'2024-01-31T13:00:00+01:00'",
		"'2024-01-31 12:00'", "'2024-01-31 07:00:00.000-0500'", "1706702400000", "'1706702400000'",
		"'2024-01-31 12:00:00 UTC'",
	};
	for (size_t i = 0; i < sizeof same / sizeof *same; i++)
		kat("timestamp", same[i], "0000018d5f63ea00");
	kat("timestamp", "'2024-01-31'", "0000018d5cd0bc00");
	kat("timestamp", "'1960-01-01 00:00:00.5'", "ffffffb683a135f4");
	bad("timestamp", "'yesterday'", "Unable to parse a date/time from 'yesterday'");
	bad("timestamp", "1.5", "Invalid FLOAT constant (1.5) for \"x\" of type timestamp");
}

Test(cql_literal, durations)
{
	kat("duration", "1h30m", "0000fc09d29229e000");
	kat("duration", "PT1H30M", "0000fc09d29229e000");
	kat("duration", "90m", "0000fc09d29229e000");
	kat("duration", "1y2mo3d", "1c0600");
	kat("duration", "P1Y2M3D", "1c0600");
	kat("duration", "P0001-02-03T00:00:00", "1c0600");
	kat("duration", "-1mo2d3ns", "010305");
	kat("duration", "1w", "000e00");
	kat("duration", "1ms1us1ns", "0000de8c52");
	bad("duration", "'1h'", "Invalid STRING constant (1h) for \"x\" of type duration");
	bad("duration", "5", "Unable to convert '5' to a duration");
	bad("duration", "3000000000mo", "Unable to convert '3000000000mo' to a duration");
}

Test(cql_literal, collections_sorted)
{
	kat("list<int>", "[2, 1, 2]", "00000003" "0000000400000002" "0000000400000001" "0000000400000002");
	kat("list<int>", "[]", "00000000");
	/* sets: sorted by the element comparator, duplicates dropped */
	kat("set<int>", "{3, -1, 2, 3, 0}",
	    "00000004" "00000004ffffffff" "0000000400000000" "0000000400000002" "0000000400000003");
	kat("set<text>", "{'b', 'a', 'B', 'ba'}", "00000004" "0000000142" "0000000161" "0000000162" "000000026261");
	kat("set<int>", "{}", "00000000");
	/* maps: sorted by key; the last duplicate wins */
	kat("map<text, int>", "{'b': 1, 'a': 2, 'b': 3}",
	    "00000002" "0000000161" "0000000400000002" "0000000162" "0000000400000003");
	kat("map<int, text>", "{}", "00000000");
	kat("frozen<list<frozen<set<int>>>>", "[{2, 1}]",
	    "00000001" "00000014" "00000002" "0000000400000001" "0000000400000002");
	kat("set<timeuuid>",
	    "{00000000-0001-1000-8000-000000000000, ffffffff-0000-1000-8000-000000000000}",
	    "00000002" "00000010ffffffff000010008000000000000000" "00000010000000000001100080000000" "00000000");
	bad("list<int>", "[1, null]", "null is not supported inside collections");
	bad("set<int>", "{1, 'a'}", "Invalid STRING constant (a) for \"value(x)\" of type int");
	bad("map<int, int>", "{1: 'a'}", "Invalid STRING constant (a) for \"value(x)\" of type int");
	bad("map<int, int>", "{'a': 1}", "Invalid STRING constant (a) for \"key(x)\" of type int");
	bad("set<int>", "[1]", "Invalid list literal for x of type set<int>");
	bad("list<int>", "{1}", "Invalid set literal for x of type list<int>");
	bad("map<int, int>", "{1, 2}", "Invalid set literal for x of type map<int, int>");
	bad("map<text, int>", "{a: 1}", "Invalid user type literal for x of type map<text, int>");
}

Test(cql_literal, tuples_udts_vectors)
{
	kat("tuple<int, text>", "(1, 'a')", "0000000400000001" "0000000161");
	kat("tuple<int, text>", "(1, null)", "0000000400000001" "ffffffff");
	kat("tuple<int, text, int>", "(1)", "0000000400000001");
	bad("tuple<int>", "(1, 2)", "Invalid tuple literal for x: too many elements. Type tuple<int> expects 1 but got 2");
	bad("tuple<int, int>", "(1, 'a')", "Invalid STRING constant (a) for \"component(x, 1)\" of type int");
	bad("tuple<int>", "[1]", "Invalid list literal for x of type tuple<int>");
	kat("vector<float, 2>", "[1.0, 2]", "3f80000040000000");
	kat("vector<text, 2>", "['a', 'bc']", "0161" "026263");
	bad("vector<float, 2>", "[1.0]", "Invalid vector literal for x of type vector<float, 2>; expected 2 elements, but given 1");
	bad("vector<int, 1>", "[null]", "null is not supported inside vectors");

	int u = udt();
	kat_t(u, "{zip: 5, street: 'x'}", "0000000178" "0000000400000005" "ffffffff");
	kat_t(u, "{\"Tags\": {'b', 'a'}}", "ffffffff" "ffffffff" "0000000e" "00000002" "0000000161" "0000000162");
	kat_t(u, "{}", "ffffffffffffffffffffffff");
	bad_t(u, "{tags: {'a'}}", "Unknown field 'tags' in value of user defined type address");
	bad_t(u, "{zip: 'a'}", "Invalid STRING constant (a) for \"x.zip\" of type int");
	bad_t(u, "{'zip': 1}", "Invalid map literal for x of type address");
}

Test(cql_literal, binds_and_functions)
{
	int t = ty("list<int>");
	uint8_t four[4] = { 0, 0, 0, 4 };
	ucql_value b[2] = { ucql_value_of(four, 4), ucql_value_null() };
	mock_literal_ctx c = { .receiver = "x", .binds = b, .n_binds = 2 };
	char h[256];
	hex(conv(t, "[?, 1]", &c), h);
	cr_assert_str_eq(h, "00000002" "0000000400000004" "0000000400000001");
	/* a top-level null marker is a null value; inside a collection it is refused */
	ucql_value v;
	cr_assert_eq(mock_literal_value(&A, &TS, ty("int"), term("?"), &(mock_literal_ctx){ .binds = b + 1, .n_binds = 1 }, &v, &E), 0);
	cr_assert_eq(v.len, UCQL_NULL);
	t = ty("list<int>");
	cr_assert_eq(mock_literal_value(&A, &TS, t, term("[1, ?]"), &(mock_literal_ctx){ .binds = b + 1, .n_binds = 1 }, &v, &E),
		     UCQL_E_INVALID);
	cr_assert_str_eq(E.msg, "null is not supported inside collections");
	bad("int", "?", "No value bound for bind marker 0");

	/* time functions at a fixed instant: 2024-01-31 12:00:00.123456 UTC */
	mock_literal_ctx now = { .receiver = "x", .now_us = INT64_C(1706702400123456) };
	hex(conv(ty("timestamp"), "currentTimestamp()", &now), h);
	cr_assert_str_eq(h, "0000018d5f63ea7b");
	hex(conv(ty("timestamp"), "toTimestamp(now())", &now), h);
	cr_assert_str_eq(h, "0000018d5f63ea7b");
	hex(conv(ty("bigint"), "toUnixTimestamp(now())", &now), h);
	cr_assert_str_eq(h, "0000018d5f63ea7b");
	hex(conv(ty("date"), "currentDate()", &now), h);
	cr_assert_str_eq(h, "80004d29");
	hex(conv(ty("date"), "toDate(now())", &now), h);
	cr_assert_str_eq(h, "80004d29");
	hex(conv(ty("time"), "currentTime()", &now), h);
	cr_assert_str_eq(h, "0000274a50034a00"); /* 12:00:00.123456 in ns */
	ucql_value a = conv(ty("timeuuid"), "now()", &now), a2 = conv(ty("uuid"), "now()", &now);
	cr_assert_eq(a.len, 16);
	cr_assert_eq(a.p[6] >> 4, 1);
	cr_assert_eq(a.p[8] & 0xC0, 0x80);
	/* two now() at the same instant still differ, and in time order */
	cr_assert_lt(mock_value_compare(&TS, ty("timeuuid"), a, a2), 0);
	ucql_value r = conv(ty("uuid"), "uuid()", &now);
	cr_assert_eq(r.p[6] >> 4, 4);
	bad("int", "now()", "Type error: cannot assign result of function system.now (type timeuuid) to x (type int)");
	bad("timeuuid", "uuid()", "Type error: cannot assign result of function system.uuid (type uuid) to x (type timeuuid)");
	bad("int", "nosuch(1)", "Unknown function nosuch called");
}

/* ==== comparator ========================================================= */

/* Values of `type` given as literals in ascending order: every pair must
 * compare as their positions do, and reversed (DESC) the other way. */
static void ascending(const char *type, const char *const *lits, size_t n)
{
	int t = ty(type);
	ucql_value v[16];
	for (size_t i = 0; i < n; i++)
		v[i] = conv(t, lits[i], NULL);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			int want = (i > j) - (i < j);
			int got = mock_value_compare(&TS, t, v[i], v[j]);
			cr_assert_eq((got > 0) - (got < 0), want, "%s: %s vs %s -> %d", type, lits[i], lits[j], got);
			got = mock_value_compare_dir(&TS, t, v[i], v[j], 1);
			cr_assert_eq((got > 0) - (got < 0), -want, "DESC %s vs %s", lits[i], lits[j]);
		}
}
#define ASC(type, ...) do { const char *const l_[] = { __VA_ARGS__ }; ascending(type, l_, sizeof l_ / sizeof *l_); } while (0)

Test(cql_literal, comparator)
{
	ASC("int", "-2147483648", "-1", "0", "1", "256", "2147483647");
	ASC("tinyint", "-128", "-1", "0", "127");
	ASC("smallint", "-300", "-1", "0", "300");
	ASC("bigint", "-9223372036854775808", "-1", "0", "1", "9223372036854775807");
	ASC("counter", "-5", "5");
	ASC("varint", "-18446744073709551616", "-129", "-128", "-1", "0", "127", "128", "18446744073709551616");
	ASC("decimal", "-1e10", "-1", "0", "0.001", "0.01", "1.5", "10", "1e10");
	ASC("float", "-Infinity", "-1", "-0.0", "0.0", "1e-30", "1", "Infinity", "NaN");
	ASC("double", "-Infinity", "-1.5", "-0.0", "0.0", "2.5", "Infinity", "NaN");
	ASC("text", "''", "'B'", "'a'", "'b'", "'ba'", "'\xc3\xa9'");
	ASC("ascii", "'A'", "'AB'", "'B'");
	ASC("blob", "0x", "0x00", "0x0000", "0x7f", "0x80", "0xff");
	ASC("boolean", "false", "true");
	ASC("date", "'0001-01-01'", "'1969-12-31'", "'1970-01-01'", "'2024-01-31'");
	ASC("time", "'00:00:00'", "'00:00:00.000000001'", "'13:30:00'", "'23:59:59.999999999'");
	ASC("timestamp", "'1960-01-01'", "0", "'2024-01-31'");
	ASC("inet", "'::1'", "'1.2.3.4'", "'10.0.0.1'", "'255.0.0.0'"); /* bytewise, as Cassandra */
	/* timeuuid: by time (time_hi, then time_mid, then time_low), then
	 * the clock/node bytes as signed bytes (0x80 < 0x00 < 0x7f) */
	ASC("timeuuid", "ffffffff-0000-1000-8000-000000000000", "00000000-0001-1000-8000-000000000000",
	    "00000000-0000-1001-8000-000000000000", "00000000-0000-1001-0000-000000000000",
	    "00000000-0000-1001-7f00-000000000000");
	/* uuid: by version first, v1 by time, others bytewise unsigned */
	ASC("uuid", "ffffffff-0000-1000-8000-000000000000", "00000000-0001-1000-8000-000000000000",
	    "00000000-0000-4000-8000-000000000000", "00000000-0000-4000-8000-000000000001",
	    "ffffffff-0000-4000-0000-000000000000");
	ASC("list<int>", "[]", "[-1]", "[1, 2]", "[1, 2, 3]", "[1, 3]");
	ASC("set<int>", "{}", "{-5, 10}", "{1}");
	ASC("map<int, text>", "{1: 'a'}", "{1: 'b'}", "{1: 'b', 2: 'a'}", "{2: 'a'}");
	ASC("tuple<int, text>", "(1, null)", "(1, '')", "(1, 'a')", "(2, null)");
	ASC("frozen<list<frozen<tuple<int, int>>>>", "[(1, -1)]", "[(1, 0)]", "[(1, 0), (0, 0)]");
	ASC("vector<int, 2>", "[-1, 5]", "[0, 0]", "[0, 1]");
	/* null and empty sort first */
	int t = ty("int");
	ucql_value one = conv(t, "1", NULL);
	cr_assert_lt(mock_value_compare(&TS, t, ucql_value_null(), ucql_value_of("", 0)), 0);
	cr_assert_lt(mock_value_compare(&TS, t, ucql_value_of("", 0), one), 0);
	cr_assert_eq(mock_value_compare(&TS, t, one, one), 0);
	/* decimals compare by value, not by representation */
	int d = ty("decimal");
	cr_assert_eq(mock_value_compare(&TS, d, conv(d, "1.50", NULL), conv(d, "1.5", NULL)), 0);
	cr_assert_eq(mock_value_compare(&TS, d, conv(d, "100", NULL), conv(d, "1e2", NULL)), 0);
}

/* ==== value → CQL text =================================================== */

/* lit → value → text: the text is `want`, and it converts back to the
 * same bytes. */
static void fmt_t(int t, const char *lit, const char *want)
{
	ucql_value v = conv(t, lit, NULL);
	char buf[512];
	int n = mock_value_format(&TS, t, v, buf, sizeof buf);
	cr_assert_geq(n, 0, "%s", lit);
	cr_assert_str_eq(buf, want, "%s", lit);
	cr_assert_eq((size_t)n, strlen(want));
	ucql_value back = conv(t, buf, NULL);
	cr_assert_eq(back.len, v.len, "%s", buf);
	if (v.len > 0)
		cr_assert_eq(memcmp(back.p, v.p, (size_t)v.len), 0, "%s", buf);
}
static void fmt(const char *type, const char *lit, const char *want)
{
	fmt_t(ty(type), lit, want);
}

Test(cql_literal, format)
{
	fmt("text", "'it''s'", "'it''s'");
	fmt("ascii", "''", "''");
	fmt("blob", "0xCAFE", "0xcafe");
	fmt("boolean", "true", "true");
	fmt("int", "-42", "-42");
	fmt("tinyint", "-128", "-128");
	fmt("bigint", "9223372036854775807", "9223372036854775807");
	fmt("varint", "-12345678901234567890123", "-12345678901234567890123");
	fmt("decimal", "1.50", "1.50");
	fmt("decimal", "-0.001", "-0.001");
	fmt("decimal", "1e10", "1E+10");
	fmt("decimal", "1.5e-10", "1.5E-10");
	fmt("float", "1.1", "1.1");
	fmt("float", "3", "3.0");
	fmt("double", "-Infinity", "-Infinity");
	fmt("double", "NaN", "NaN");
	fmt("double", "0.1", "0.1");
	fmt("uuid", "01234567-89AB-cdef-0123-456789abcdef", "01234567-89ab-cdef-0123-456789abcdef");
	fmt("inet", "'::1'", "'::1'");
	fmt("inet", "'10.1.2.3'", "'10.1.2.3'");
	fmt("date", "'2024-01-31'", "'2024-01-31'");
	fmt("date", "0", "0");
	fmt("time", "'13:30:54.234'", "'13:30:54.234000000'");
	fmt("timestamp", "'2024-01-31T12:00:00.5Z'", "'2024-01-31 12:00:00.500+0000'");
	fmt("timestamp", "'1960-01-01'", "'1960-01-01 00:00:00.000+0000'");
	fmt("duration", "1y2mo3d4h5m6s7ms8us9ns", "1y2mo3d4h5m6s7ms8us9ns");
	fmt("duration", "-90m", "-1h30m");
	fmt("list<text>", "['a', 'b']", "['a', 'b']");
	fmt("set<int>", "{3, 1}", "{1, 3}");
	fmt("map<text, frozen<list<int>>>", "{'k': [1], 'a': []}", "{'a': [], 'k': [1]}");
	fmt("tuple<int, text, boolean>", "(1, null, false)", "(1, null, false)");
	fmt("vector<float, 2>", "[1.5, -2]", "[1.5, -2.0]");
	fmt("int", "null", "null");
	fmt_t(udt(), "{zip: 5, \"Tags\": {'x'}}", "{street: null, zip: 5, \"Tags\": {'x'}}");

	/* too small a buffer: the length needed, and an empty string */
	int t = ty("text");
	ucql_value v = conv(t, "'hello'", NULL);
	char small[4] = "zzz";
	cr_assert_eq(mock_value_format(&TS, t, v, small, sizeof small), 7);
	cr_assert_str_eq(small, "");
	cr_assert_eq(mock_value_format(&TS, t, v, NULL, 0), 7);
	/* malformed bytes are an error, not a crash */
	cr_assert_eq(mock_value_format(&TS, ty("int"), ucql_value_of("abc", 3), small, sizeof small), UCQL_E_BAD_VALUE);
	uint8_t badlist[8] = { 0, 0, 0, 2, 0, 0, 0, 9 };
	cr_assert_eq(mock_value_format(&TS, ty("list<int>"), ucql_value_of(badlist, 8), NULL, 0), UCQL_E_BAD_VALUE);
}
