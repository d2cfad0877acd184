/* Value codec: known answers (hex computed with Debian's python3-cassandra
 * 3.25, `cassandra.cqltypes.<Type>.serialize(value, 4)`, unless noted),
 * round trips, null vs empty, and malformed input through guard pages. */
#include <criterion/criterion.h>
#include <stdio.h>

#include "guard.h"
#include "ucql/types.h"

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

/* A value view over hex (a static buffer: one live value per call site). */
#define VHEX(hex)                                                          \
	({                                                                 \
		static uint8_t vbuf_[256];                                 \
		ucql_value_of(vbuf_, (int32_t)unhex(hex, vbuf_));          \
	})

/* Asserts that w holds [int len] + the hex bytes. */
static void assert_encoded(const ucql_writer *w, const uint8_t *buf, const char *hex)
{
	uint8_t want[256];
	size_t n = unhex(hex, want);
	cr_assert_eq(w->err, 0);
	cr_assert_eq(w->len, n + 4, "%s: len %zu", hex, w->len);
	cr_assert_eq((int32_t)ucql__be32(buf), (int32_t)n);
	cr_assert_arr_eq(buf + 4, want, n, "%s", hex);
}

#define ENCODES(call, hex)                                                 \
	do {                                                               \
		uint8_t b_[256];                                           \
		ucql_writer w_;                                            \
		ucql_writer_init(&w_, b_, sizeof b_);                      \
		call;                                                      \
		assert_encoded(&w_, b_, hex);                              \
	} while (0)

/* ---- fixed-size scalars ---------------------------------------------------- */

Test(value, int_family_known_answers)
{
	int32_t i;
	int64_t l;
	int16_t s;
	int8_t t;
	int b;
	/* Int32Type.serialize(-2, 4) */
	cr_assert_eq(ucql_value_get_int(VHEX("fffffffe"), &i), 0);
	cr_assert_eq(i, -2);
	ENCODES(ucql_value_write_int(&w_, -2), "fffffffe");
	/* LongType.serialize(-1234567890123, 4) */
	cr_assert_eq(ucql_value_get_bigint(VHEX("fffffee08e04fb35"), &l), 0);
	cr_assert_eq(l, -1234567890123);
	ENCODES(ucql_value_write_bigint(&w_, -1234567890123), "fffffee08e04fb35");
	ENCODES(ucql_value_write_counter(&w_, -1234567890123), "fffffee08e04fb35");
	cr_assert_eq(ucql_value_get_counter(VHEX("0000000000000007"), &l), 0);
	cr_assert_eq(l, 7);
	/* ShortType.serialize(-300, 4) */
	cr_assert_eq(ucql_value_get_smallint(VHEX("fed4"), &s), 0);
	cr_assert_eq(s, -300);
	ENCODES(ucql_value_write_smallint(&w_, -300), "fed4");
	/* ByteType.serialize(-5, 4) */
	cr_assert_eq(ucql_value_get_tinyint(VHEX("fb"), &t), 0);
	cr_assert_eq(t, -5);
	ENCODES(ucql_value_write_tinyint(&w_, -5), "fb");
	/* BooleanType.serialize(True, 4) */
	cr_assert_eq(ucql_value_get_boolean(VHEX("01"), &b), 0);
	cr_assert_eq(b, 1);
	cr_assert_eq(ucql_value_get_boolean(VHEX("00"), &b), 0);
	cr_assert_eq(b, 0);
	cr_assert_eq(ucql_value_get_boolean(VHEX("7f"), &b), 0);
	cr_assert_eq(b, 1, "any non-zero byte is true");
	ENCODES(ucql_value_write_boolean(&w_, 42), "01");
	ENCODES(ucql_value_write_boolean(&w_, 0), "00");
}

Test(value, float_double_known_answers)
{
	float f;
	double d;
	/* FloatType.serialize(1.5, 4) */
	cr_assert_eq(ucql_value_get_float(VHEX("3fc00000"), &f), 0);
	cr_assert_eq(f, 1.5f);
	ENCODES(ucql_value_write_float(&w_, 1.5f), "3fc00000");
	/* DoubleType.serialize(-2.25, 4) */
	cr_assert_eq(ucql_value_get_double(VHEX("c002000000000000"), &d), 0);
	cr_assert_eq(d, -2.25);
	ENCODES(ucql_value_write_double(&w_, -2.25), "c002000000000000");
}

Test(value, date_time_timestamp_known_answers)
{
	uint32_t date;
	int64_t v;
	/* SimpleDateType.serialize(Date(0), 4): the epoch is 2^31 */
	cr_assert_eq(ucql_value_get_date(VHEX("80000000"), &date), 0);
	cr_assert_eq(ucql_date_to_days(date), 0);
	/* SimpleDateType.serialize(Date('2024-02-29'), 4) */
	cr_assert_eq(ucql_value_get_date(VHEX("80004d46"), &date), 0);
	cr_assert_eq(ucql_date_to_days(date), 19782);
	/* SimpleDateType.serialize(Date(-1), 4) */
	cr_assert_eq(ucql_value_get_date(VHEX("7fffffff"), &date), 0);
	cr_assert_eq(ucql_date_to_days(date), -1);
	cr_assert_eq(ucql_date_from_days(19782, &date), 0);
	ENCODES(ucql_value_write_date(&w_, date), "80004d46");
	cr_assert_eq(ucql_date_from_days(-2147483648LL, &date), 0);
	cr_assert_eq(date, 0);
	cr_assert_eq(ucql_date_from_days(2147483647LL, &date), 0);
	cr_assert_eq(date, UINT32_MAX);
	cr_assert_eq(ucql_date_from_days(2147483648LL, &date), UCQL_E_RANGE);
	cr_assert_eq(ucql_date_from_days(-2147483649LL, &date), UCQL_E_RANGE);

	/* TimeType.serialize(Time('12:34:56.789012345'), 4) */
	cr_assert_eq(ucql_value_get_time(VHEX("000029327b04bf79"), &v), 0);
	cr_assert_eq(v, 45296789012345LL);
	ENCODES(ucql_value_write_time(&w_, 45296789012345LL), "000029327b04bf79");
	cr_assert_eq(ucql_value_get_time(VHEX("00004e94914effff"), &v), 0, "23:59:59.999999999");
	cr_assert_eq(v, UCQL_TIME_MAX);
	cr_assert_eq(ucql_value_get_time(VHEX("00004e94914f0000"), &v), UCQL_E_BAD_VALUE, "24:00");
	cr_assert_eq(ucql_value_get_time(VHEX("ffffffffffffffff"), &v), UCQL_E_BAD_VALUE, "negative");
	uint8_t b[16];
	ucql_writer w;
	ucql_writer_init(&w, b, sizeof b);
	ucql_value_write_time(&w, UCQL_TIME_MAX + 1);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
	ucql_writer_init(&w, b, sizeof b);
	ucql_value_write_time(&w, -1);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);

	/* DateType.serialize(1700000000123, 4) (ms) */
	cr_assert_eq(ucql_value_get_timestamp(VHEX("0000018bcfe5687b"), &v), 0);
	cr_assert_eq(v, 1700000000123LL);
	ENCODES(ucql_value_write_timestamp(&w_, 1700000000123LL), "0000018bcfe5687b");
}

Test(value, uuid_timeuuid)
{
	const uint8_t *u;
	/* UUIDType.serialize(UUID('123e4567-e89b-12d3-a456-426614174000'), 4): version 1 */
	ucql_value v = VHEX("123e4567e89b12d3a456426614174000");
	cr_assert_eq(ucql_value_get_uuid(v, &u), 0);
	cr_assert_eq(u, v.p, "zero-copy");
	cr_assert_eq(ucql_value_get_timeuuid(v, &u), 0);
	ENCODES(ucql_value_write_uuid(&w_, v.p), "123e4567e89b12d3a456426614174000");
	ENCODES(ucql_value_write_timeuuid(&w_, v.p), "123e4567e89b12d3a456426614174000");
	/* a version 4 uuid is not a timeuuid */
	ucql_value v4 = VHEX("550e8400e29b41d4a716446655440000");
	cr_assert_eq(ucql_value_get_uuid(v4, &u), 0);
	cr_assert_eq(ucql_value_get_timeuuid(v4, &u), UCQL_E_BAD_VALUE);
	uint8_t b[32];
	ucql_writer w;
	ucql_writer_init(&w, b, sizeof b);
	ucql_value_write_timeuuid(&w, v4.p);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
}

Test(value, fixed_size_null_empty_wrong_size)
{
	static const uint8_t z[17];
	int32_t i;
	int64_t l;
	int16_t s;
	int8_t t;
	int b;
	float f;
	double d;
	uint32_t dt;
	const uint8_t *u;
	ucql_inet in;
#define CHECK(call_with_v, size)                                                      \
	do {                                                                          \
		ucql_value v = ucql_value_null();                                     \
		cr_assert_eq((call_with_v), UCQL_E_NULL, #call_with_v " null");       \
		v = ucql_value_unset();                                               \
		cr_assert_eq((call_with_v), UCQL_E_NULL, #call_with_v " unset");      \
		v = ucql_value_of(z, 0);                                              \
		cr_assert_eq((call_with_v), UCQL_E_EMPTY, #call_with_v " empty");     \
		v = ucql_value_of(z, (size) + 1);                                     \
		cr_assert_eq((call_with_v), UCQL_E_BAD_VALUE, #call_with_v " long");  \
		if ((size) > 1) {                                                     \
			v = ucql_value_of(z, (size) - 1);                             \
			cr_assert_eq((call_with_v), UCQL_E_BAD_VALUE, #call_with_v " short"); \
		}                                                                     \
		v = ucql_value_of(z, (size));                                         \
		cr_assert_eq((call_with_v), 0, #call_with_v " exact");                \
	} while (0)
	CHECK(ucql_value_get_int(v, &i), 4);
	CHECK(ucql_value_get_bigint(v, &l), 8);
	CHECK(ucql_value_get_counter(v, &l), 8);
	CHECK(ucql_value_get_timestamp(v, &l), 8);
	CHECK(ucql_value_get_time(v, &l), 8);
	CHECK(ucql_value_get_smallint(v, &s), 2);
	CHECK(ucql_value_get_tinyint(v, &t), 1);
	CHECK(ucql_value_get_boolean(v, &b), 1);
	CHECK(ucql_value_get_float(v, &f), 4);
	CHECK(ucql_value_get_double(v, &d), 8);
	CHECK(ucql_value_get_date(v, &dt), 4);
	CHECK(ucql_value_get_uuid(v, &u), 16);
	CHECK(ucql_value_get_inet(v, &in), 4);
#undef CHECK
	/* timeuuid on zero bytes: right size, wrong version. */
	cr_assert_eq(ucql_value_get_timeuuid(ucql_value_of(z, 16), &u), UCQL_E_BAD_VALUE);
	cr_assert_eq(ucql_value_get_timeuuid(ucql_value_of(z, 0), &u), UCQL_E_EMPTY);
	cr_assert_eq(ucql_value_get_timeuuid(ucql_value_null(), &u), UCQL_E_NULL);

	/* Getters read exactly their bytes: at a guard page, nothing more. */
	uint8_t bytes[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	for (int32_t n = 1; n <= 8; n *= 2) {
		guard_buf g = guard_copy(bytes, (size_t)n);
		ucql_value v = ucql_value_of(g.p, n);
		cr_assert_eq(ucql_value_get_tinyint(v, &t), n == 1 ? 0 : UCQL_E_BAD_VALUE);
		cr_assert_eq(ucql_value_get_smallint(v, &s), n == 2 ? 0 : UCQL_E_BAD_VALUE);
		cr_assert_eq(ucql_value_get_int(v, &i), n == 4 ? 0 : UCQL_E_BAD_VALUE);
		cr_assert_eq(ucql_value_get_bigint(v, &l), n == 8 ? 0 : UCQL_E_BAD_VALUE);
		guard_free(&g);
	}
}

Test(value, null_and_empty_encoders)
{
	uint8_t b[16];
	ucql_writer w;
	ucql_writer_init(&w, b, sizeof b);
	ucql_value_write_null(&w);
	ucql_value_write_empty(&w);
	ucql_value_write_text(&w, ucql_bytes_of("", 0));
	const uint8_t want[] = { 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0 };
	cr_assert_eq(w.len, sizeof want);
	cr_assert_arr_eq(b, want, sizeof want);
	ucql_bytes s;
	cr_assert_eq(ucql_value_get_text(ucql_value_of(b + 8, 0), &s), 0, "empty text is a value");
	cr_assert_eq(s.len, 0);
	cr_assert_eq(ucql_value_get_text(ucql_value_null(), &s), UCQL_E_NULL);
	cr_assert_eq(ucql_value_get_blob(ucql_value_null(), &s), UCQL_E_NULL);
}

/* ---- text, blob, inet ------------------------------------------------------------ */

Test(value, text_and_validation)
{
	ucql_bytes s;
	/* UTF8Type.serialize('héllo', 4) */
	ucql_value v = VHEX("68c3a96c6c6f");
	cr_assert_eq(ucql_value_get_text(v, &s), 0);
	cr_assert_eq(s.p, v.p);
	cr_assert_eq(s.len, 6);
	cr_assert(ucql_utf8_valid(s));
	cr_assert_not(ucql_ascii_valid(s));
	cr_assert(ucql_ascii_valid(ucql_bytes_str("plain ascii")));
	ENCODES(ucql_value_write_text(&w_, ucql_bytes_str("h\xc3\xa9llo")), "68c3a96c6c6f");
	ENCODES(ucql_value_write_blob(&w_, ucql_bytes_of("\x00\xff", 2)), "00ff");
	static const struct { const char *s; size_t n; int ok; } u[] = {
		{ "", 0, 1 },
		{ "\xe2\x82\xac", 3, 1 },          /* € */
		{ "\xf0\x9f\x98\x80", 4, 1 },      /* U+1F600 */
		{ "\xf4\x8f\xbf\xbf", 4, 1 },      /* U+10FFFF */
		{ "\xc0\xaf", 2, 0 },              /* overlong */
		{ "\xe0\x80\xaf", 3, 0 },          /* overlong */
		{ "\xed\xa0\x80", 3, 0 },          /* surrogate */
		{ "\xf4\x90\x80\x80", 4, 0 },      /* > U+10FFFF */
		{ "\xe2\x82", 2, 0 },              /* truncated */
		{ "\x80", 1, 0 },                  /* lone continuation */
		{ "\xff", 1, 0 },
		{ "a\xe2\x28\xa1", 4, 0 },         /* bad continuation */
	};
	for (size_t k = 0; k < sizeof u / sizeof u[0]; k++) {
		guard_buf g = guard_copy(u[k].s, u[k].n);
		cr_assert_eq(ucql_utf8_valid(ucql_bytes_of(g.p, g.len)), u[k].ok, "case %zu", k);
		guard_free(&g);
	}
}

Test(value, inet)
{
	ucql_inet a;
	/* InetAddressType.serialize('192.168.1.10', 4) */
	cr_assert_eq(ucql_value_get_inet(VHEX("c0a8010a"), &a), 0);
	cr_assert_eq(a.len, 4);
	cr_assert_eq(a.addr[0], 192);
	cr_assert_eq(a.addr[3], 10);
	ENCODES(ucql_value_write_inet(&w_, &a), "c0a8010a");
	/* InetAddressType.serialize('2001:db8::1', 4) */
	cr_assert_eq(ucql_value_get_inet(VHEX("20010db8000000000000000000000001"), &a), 0);
	cr_assert_eq(a.len, 16);
	ENCODES(ucql_value_write_inet(&w_, &a), "20010db8000000000000000000000001");
	cr_assert_eq(ucql_value_get_inet(VHEX("c0a801"), &a), UCQL_E_BAD_VALUE);
	cr_assert_eq(ucql_value_get_inet(VHEX("c0a8010a00"), &a), UCQL_E_BAD_VALUE);
	a.len = 5;
	uint8_t b[32];
	ucql_writer w;
	ucql_writer_init(&w, b, sizeof b);
	ucql_value_write_inet(&w, &a);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
}

/* ---- varint, decimal --------------------------------------------------------------- */

Test(value, varint_known_answers)
{
	/* IntegerType.serialize(v, 4) */
	static const struct { int64_t v; const char *hex; } tab[] = {
		{ 0, "00" }, { 1, "01" }, { -1, "ff" }, { 127, "7f" }, { 128, "0080" },
		{ -128, "80" }, { -129, "ff7f" }, { 255, "00ff" }, { 256, "0100" },
		{ INT64_MAX, "7fffffffffffffff" }, { INT64_MIN, "8000000000000000" },
	};
	for (size_t k = 0; k < sizeof tab / sizeof tab[0]; k++) {
		int64_t v;
		cr_assert_eq(ucql_value_get_varint(VHEX(tab[k].hex), &v), 0);
		cr_assert_eq(v, tab[k].v, "%s", tab[k].hex);
		ENCODES(ucql_value_write_varint(&w_, tab[k].v), tab[k].hex);
	}
	int64_t v;
	/* IntegerType.serialize(2**64, 4) and (-2**64-1): too big for int64 */
	cr_assert_eq(ucql_value_get_varint(VHEX("010000000000000000"), &v), UCQL_E_RANGE);
	cr_assert_eq(ucql_value_get_varint(VHEX("feffffffffffffffff"), &v), UCQL_E_RANGE);
	cr_assert_eq(ucql_value_get_varint(VHEX("008000000000000000"), &v), UCQL_E_RANGE, "2^63");
	/* IntegerType.deserialize(bytes.fromhex('0000000000000000ff'), 4) == 255:
	 * non-minimal encodings are accepted */
	cr_assert_eq(ucql_value_get_varint(VHEX("0000000000000000ff"), &v), 0);
	cr_assert_eq(v, 255);
	cr_assert_eq(ucql_value_get_varint(VHEX("ffffffffffffffff80"), &v), 0);
	cr_assert_eq(v, -128);
	cr_assert_eq(ucql_value_get_varint(VHEX("ff8000000000000000"), &v), 0);
	cr_assert_eq(v, INT64_MIN);
	cr_assert_eq(ucql_value_get_varint(ucql_value_of("", 0), &v), UCQL_E_EMPTY);
	cr_assert_eq(ucql_value_get_varint(ucql_value_null(), &v), UCQL_E_NULL);
	/* A big varint is still readable as bytes. */
	ucql_bytes raw;
	cr_assert_eq(ucql_value_get_bytes(VHEX("010000000000000000"), &raw), 0);
	cr_assert_eq(raw.len, 9);
}

Test(value, decimal_known_answers)
{
	int32_t scale;
	int64_t u;
	ucql_bytes raw;
	/* DecimalType.serialize(Decimal('123.45'), 4) */
	cr_assert_eq(ucql_value_get_decimal_i64(VHEX("000000023039"), &scale, &u), 0);
	cr_assert_eq(scale, 2);
	cr_assert_eq(u, 12345);
	ENCODES(ucql_value_write_decimal(&w_, 2, 12345), "000000023039");
	/* DecimalType.serialize(Decimal('-0.001'), 4) */
	cr_assert_eq(ucql_value_get_decimal_i64(VHEX("00000003ff"), &scale, &u), 0);
	cr_assert_eq(scale, 3);
	cr_assert_eq(u, -1);
	ENCODES(ucql_value_write_decimal(&w_, 3, -1), "00000003ff");
	/* DecimalType.serialize(Decimal('1E+3'), 4): negative scale */
	cr_assert_eq(ucql_value_get_decimal_i64(VHEX("fffffffd01"), &scale, &u), 0);
	cr_assert_eq(scale, -3);
	cr_assert_eq(u, 1);
	/* DecimalType.serialize(Decimal('123456789012345678901234567890.5'), 4) */
	ucql_value big = VHEX("000000010f951a9fa3a286c94f0e766c39");
	cr_assert_eq(ucql_value_get_decimal_i64(big, &scale, &u), UCQL_E_RANGE);
	cr_assert_eq(ucql_value_get_decimal(big, &scale, &raw), 0);
	cr_assert_eq(scale, 1);
	cr_assert_eq(raw.len, 13);
	cr_assert_eq(raw.p, big.p + 4);
	ENCODES(ucql_value_write_decimal_bytes(&w_, 1, raw), "000000010f951a9fa3a286c94f0e766c39");
	/* malformed: no unscaled bytes */
	for (int32_t n = 1; n <= 4; n++) {
		guard_buf g = guard_copy("\0\0\0\1", (size_t)n);
		cr_assert_eq(ucql_value_get_decimal(ucql_value_of(g.p, n), &scale, &raw), UCQL_E_BAD_VALUE);
		guard_free(&g);
	}
	cr_assert_eq(ucql_value_get_decimal(ucql_value_of("", 0), &scale, &raw), UCQL_E_EMPTY);
	cr_assert_eq(ucql_value_get_decimal(ucql_value_null(), &scale, &raw), UCQL_E_NULL);
	uint8_t b[16];
	ucql_writer w;
	ucql_writer_init(&w, b, sizeof b);
	ucql_value_write_decimal_bytes(&w, 0, ucql_bytes_of(NULL, 0));
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
}

/* ---- duration --------------------------------------------------------------------- */

Test(value, duration_known_answers)
{
	static const struct { ucql_duration d; const char *hex; } tab[] = {
		/* DurationType.serialize(Duration(1, 2, 3), 4) */
		{ { 1, 2, 3 }, "020406" },
		/* DurationType.serialize(Duration(-1, -2, -3000000000), 4) */
		{ { -1, -2, -3000000000LL }, "0103f165a0bbff" },
		/* DurationType.serialize(Duration(0, 0, 2**40), 4) */
		{ { 0, 0, 1LL << 40 }, "0000fa0000000000" },
		/* DurationType.serialize(Duration(2**31-1, 0, 0), 4) */
		{ { INT32_MAX, 0, 0 }, "f0fffffffe0000" },
		/* DurationType.serialize(Duration(-2**31, 0, -2**63), 4): 9-byte vint */
		{ { INT32_MIN, 0, INT64_MIN }, "f0ffffffff00ffffffffffffffffff" },
		/* DurationType.serialize(Duration(0, 0, 2**63-1), 4) */
		{ { 0, 0, INT64_MAX }, "0000fffffffffffffffffe" },
	};
	for (size_t k = 0; k < sizeof tab / sizeof tab[0]; k++) {
		ucql_duration d;
		cr_assert_eq(ucql_value_get_duration(VHEX(tab[k].hex), &d), 0, "%s", tab[k].hex);
		cr_assert_eq(d.months, tab[k].d.months);
		cr_assert_eq(d.days, tab[k].d.days);
		cr_assert_eq(d.nanos, tab[k].d.nanos);
		ENCODES(ucql_value_write_duration(&w_, tab[k].d), tab[k].hex);
	}
}

Test(value, duration_malformed)
{
	ucql_duration d;
	cr_assert_eq(ucql_value_get_duration(ucql_value_null(), &d), UCQL_E_NULL);
	cr_assert_eq(ucql_value_get_duration(ucql_value_of("", 0), &d), UCQL_E_EMPTY);
	cr_assert_eq(ucql_value_get_duration(VHEX("02040600"), &d), UCQL_E_BAD_VALUE, "trailing");
	cr_assert_eq(ucql_value_get_duration(VHEX("020300"), &d), UCQL_E_BAD_VALUE, "signs differ");
	cr_assert_eq(ucql_value_get_duration(VHEX("f0ffffffff0000"), &d), 0, "INT32_MIN months");
	cr_assert_eq(ucql_value_get_duration(VHEX("f1000000000000"), &d), UCQL_E_BAD_VALUE,
		     "months past int32");
	uint8_t full[16];
	size_t n = unhex("f0ffffffff00ffffffffffffffffff", full);
	for (size_t cut = 1; cut < n; cut++) {
		guard_buf g = guard_copy(full, cut);
		cr_assert_eq(ucql_value_get_duration(ucql_value_of(g.p, (int32_t)cut), &d),
			     UCQL_E_BAD_VALUE, "cut %zu", cut);
		guard_free(&g);
	}
	uint8_t b[32];
	ucql_writer w;
	ucql_writer_init(&w, b, sizeof b);
	ucql_duration mixed = { 1, -1, 0 };
	ucql_value_write_duration(&w, mixed);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
}

/* ---- collections ------------------------------------------------------------------- */

Test(value, list_set_map_known_answers)
{
	ucql_iter it;
	ucql_value e = { 0 }, k = { 0 }, v = { 0 };
	int32_t x;
	/* ListType.apply_parameters([Int32Type]).serialize([1,2,3], 4) */
	const char *list_hex = "00000003000000040000000100000004000000020000000400000003";
	cr_assert_eq(ucql_coll_iter_init(&it, VHEX(list_hex)), 0);
	cr_assert_eq(ucql_coll_count(&it), 3);
	for (int32_t want = 1; want <= 3; want++) {
		cr_assert_eq(ucql_list_next(&it, &e), 1);
		cr_assert_eq(ucql_value_get_int(e, &x), 0);
		cr_assert_eq(x, want);
	}
	cr_assert_eq(ucql_list_next(&it, &e), 0);
	cr_assert_eq(ucql_list_next(&it, &e), 0, "stays at the end");

	uint8_t b[256];
	ucql_writer w;
	ucql_builder bl;
	ucql_writer_init(&w, b, sizeof b);
	ucql_coll_begin(&bl, &w);
	for (int32_t i = 1; i <= 3; i++)
		ucql_value_write_int(&w, i);
	ucql_coll_end(&bl, &w, 3);
	assert_encoded(&w, b, list_hex);
	/* measuring gives the same size */
	ucql_writer m;
	ucql_writer_init(&m, NULL, 0);
	ucql_coll_begin(&bl, &m);
	for (int32_t i = 1; i <= 3; i++)
		ucql_value_write_int(&m, i);
	ucql_coll_end(&bl, &m, 3);
	cr_assert_eq(m.len, w.len);
	cr_assert_eq(m.err, UCQL_E_NOSPACE, "measuring: the writer reports NOSPACE, len is the size");

	/* SetType.apply_parameters([UTF8Type]).serialize(['a','bc'], 4) */
	const char *set_hex = "000000020000000161000000026263";
	cr_assert_eq(ucql_coll_iter_init(&it, VHEX(set_hex)), 0);
	cr_assert_eq(ucql_list_next(&it, &e), 1);
	cr_assert_eq(e.len, 1);
	cr_assert_eq(e.p[0], 'a');
	cr_assert_eq(ucql_list_next(&it, &e), 1);
	cr_assert_eq(e.len, 2);
	cr_assert_eq(ucql_list_next(&it, &e), 0);
	ucql_writer_init(&w, b, sizeof b);
	ucql_coll_begin(&bl, &w);
	ucql_value_write_text(&w, ucql_bytes_str("a"));
	ucql_value_write_text(&w, ucql_bytes_str("bc"));
	ucql_coll_end(&bl, &w, 2);
	assert_encoded(&w, b, set_hex);

	/* MapType.apply_parameters([UTF8Type, Int32Type]).serialize({'a':1,'b':2}, 4) */
	const char *map_hex = "000000020000000161000000040000000100000001620000000400000002";
	cr_assert_eq(ucql_coll_iter_init(&it, VHEX(map_hex)), 0);
	cr_assert_eq(ucql_coll_count(&it), 2);
	cr_assert_eq(ucql_map_next(&it, &k, &v), 1);
	cr_assert_eq(k.p[0], 'a');
	cr_assert_eq(ucql_value_get_int(v, &x), 0);
	cr_assert_eq(x, 1);
	cr_assert_eq(ucql_map_next(&it, &k, &v), 1);
	cr_assert_eq(k.p[0], 'b');
	cr_assert_eq(ucql_map_next(&it, &k, &v), 0);
	ucql_writer_init(&w, b, sizeof b);
	ucql_coll_begin(&bl, &w);
	ucql_value_write_text(&w, ucql_bytes_str("a"));
	ucql_value_write_int(&w, 1);
	ucql_value_write_text(&w, ucql_bytes_str("b"));
	ucql_value_write_int(&w, 2);
	ucql_coll_end(&bl, &w, 2);
	assert_encoded(&w, b, map_hex);

	/* ListType.apply_parameters([Int32Type]).serialize([], 4) */
	cr_assert_eq(ucql_coll_iter_init(&it, VHEX("00000000")), 0);
	cr_assert_eq(ucql_list_next(&it, &e), 0);
	/* an empty value is an empty collection; null is null */
	cr_assert_eq(ucql_coll_iter_init(&it, ucql_value_of("", 0)), 0);
	cr_assert_eq(ucql_list_next(&it, &e), 0);
	cr_assert_eq(ucql_coll_iter_init(&it, ucql_value_null()), UCQL_E_NULL);
}

Test(value, nested_collections_known_answers)
{
	uint8_t b[256];
	ucql_writer w;
	ucql_builder outer, inner;
	/* MapType.apply_parameters([UTF8Type, ListType.apply_parameters([Int32Type])])
	 *   .serialize({'k':[7,8]}, 4) */
	const char *hex = "00000001000000016b000000140000000200000004000000070000000400000008";
	ucql_writer_init(&w, b, sizeof b);
	ucql_coll_begin(&outer, &w);
	ucql_value_write_text(&w, ucql_bytes_str("k"));
	ucql_coll_begin(&inner, &w);
	ucql_value_write_int(&w, 7);
	ucql_value_write_int(&w, 8);
	ucql_coll_end(&inner, &w, 2);
	ucql_coll_end(&outer, &w, 1);
	assert_encoded(&w, b, hex);

	ucql_iter it, it2;
	ucql_value k = { 0 }, v = { 0 }, e = { 0 };
	int32_t x;
	cr_assert_eq(ucql_coll_iter_init(&it, VHEX(hex)), 0);
	cr_assert_eq(ucql_map_next(&it, &k, &v), 1);
	cr_assert_eq(ucql_coll_iter_init(&it2, v), 0);
	cr_assert_eq(ucql_list_next(&it2, &e), 1);
	cr_assert_eq(ucql_value_get_int(e, &x), 0);
	cr_assert_eq(x, 7);
	cr_assert_eq(ucql_list_next(&it2, &e), 1);
	cr_assert_eq(ucql_list_next(&it2, &e), 0);
	cr_assert_eq(ucql_map_next(&it, &k, &v), 0);

	/* SetType.apply_parameters([MapType.apply_parameters([Int32Type,
	 *   ListType.apply_parameters([UTF8Type])])]).serialize([{1:['a'], 2:[]}], 4) */
	const char *hex2 = "00000001000000290000000200000004000000010000000900000001000000016100"
			   "000004000000020000000400000000";
	ucql_builder s1, m1, l1;
	ucql_writer_init(&w, b, sizeof b);
	ucql_coll_begin(&s1, &w);
	ucql_coll_begin(&m1, &w);
	ucql_value_write_int(&w, 1);
	ucql_coll_begin(&l1, &w);
	ucql_value_write_text(&w, ucql_bytes_str("a"));
	ucql_coll_end(&l1, &w, 1);
	ucql_value_write_int(&w, 2);
	ucql_coll_begin(&l1, &w);
	ucql_coll_end(&l1, &w, 0);
	ucql_coll_end(&m1, &w, 2);
	ucql_coll_end(&s1, &w, 1);
	assert_encoded(&w, b, hex2);
}

Test(value, tuple_and_udt_known_answers)
{
	uint8_t b[256];
	ucql_writer w;
	ucql_builder t;
	ucql_iter it;
	ucql_value f = { 0 };
	int32_t x;
	/* TupleType.apply_parameters([Int32Type,UTF8Type,Int32Type]).serialize((1,'x',None), 4) */
	const char *hex = "00000004000000010000000178ffffffff";
	cr_assert_eq(ucql_tuple_iter_init(&it, VHEX(hex)), 0);
	cr_assert_eq(ucql_tuple_next(&it, &f), 1);
	cr_assert_eq(ucql_value_get_int(f, &x), 0);
	cr_assert_eq(x, 1);
	cr_assert_eq(ucql_tuple_next(&it, &f), 1);
	cr_assert_eq(f.len, 1);
	cr_assert_eq(ucql_tuple_next(&it, &f), 1);
	cr_assert_eq(f.len, UCQL_NULL, "null field");
	cr_assert_eq(ucql_value_get_int(f, &x), UCQL_E_NULL);
	cr_assert_eq(ucql_tuple_next(&it, &f), 0);
	ucql_writer_init(&w, b, sizeof b);
	ucql_tuple_begin(&t, &w);
	ucql_value_write_int(&w, 1);
	ucql_value_write_text(&w, ucql_bytes_str("x"));
	ucql_value_write_null(&w);
	ucql_tuple_end(&t, &w);
	assert_encoded(&w, b, hex);

	/* UserType.make_udt_class('ks','addr',('street','num'),(UTF8Type,Int32Type))
	 *   .serialize(('x',5), 4) */
	ucql_writer_init(&w, b, sizeof b);
	ucql_tuple_begin(&t, &w);
	ucql_value_write_text(&w, ucql_bytes_str("x"));
	ucql_value_write_int(&w, 5);
	ucql_tuple_end(&t, &w);
	assert_encoded(&w, b, "00000001780000000400000005");

	/* UDT value with fewer fields than its type (Python: u(a=7, b=None, c=None)) */
	cr_assert_eq(ucql_tuple_iter_init(&it, VHEX("0000000400000007")), 0);
	cr_assert_eq(ucql_tuple_next(&it, &f), 1);
	cr_assert_eq(ucql_tuple_next(&it, &f), 0, "missing fields: the caller treats them as null");

	/* list<frozen<tuple<int, text>>>: Python
	 * ListType.apply_parameters([TupleType.apply_parameters([Int32Type,UTF8Type])])
	 *   .serialize([(1,'a'),(2,'b')], 4) */
	ucql_builder l;
	ucql_writer_init(&w, b, sizeof b);
	ucql_coll_begin(&l, &w);
	for (int32_t i = 1; i <= 2; i++) {
		ucql_tuple_begin(&t, &w);
		ucql_value_write_int(&w, i);
		char c = (char)('a' + i - 1);
		ucql_value_write_text(&w, ucql_bytes_of(&c, 1));
		ucql_tuple_end(&t, &w);
	}
	ucql_coll_end(&l, &w, 2);
	assert_encoded(&w, b, "000000020000000d000000040000000100000001610000000d00000004000000020000000162");
	cr_assert_eq(ucql_tuple_iter_init(&it, ucql_value_null()), UCQL_E_NULL);
}

Test(value, collections_truncated_at_every_offset)
{
	static const char *hexes[] = {
		"00000003000000040000000100000004000000020000000400000003",
		"000000020000000161000000040000000100000001620000000400000002",
	};
	for (size_t h = 0; h < 2; h++) {
		uint8_t full[64];
		size_t n = unhex(hexes[h], full);
		for (size_t cut = 1; cut < n; cut++) {
			guard_buf g = guard_copy(full, cut);
			ucql_iter it;
			ucql_value k = { 0 }, v = { 0 };
			int rc = ucql_coll_iter_init(&it, ucql_value_of(g.p, (int32_t)cut));
			if (rc == 0) {
				do
					rc = h ? ucql_map_next(&it, &k, &v) : ucql_list_next(&it, &k);
				while (rc == 1);
			}
			cr_assert_eq(rc, UCQL_E_TRUNCATED, "%zu cut %zu", h, cut);
			guard_free(&g);
		}
	}
	/* tuple: a truncated field */
	uint8_t full[32];
	size_t n = unhex("00000004000000010000000178ffffffff", full);
	for (size_t cut = 1; cut < n; cut++) {
		guard_buf g = guard_copy(full, cut);
		ucql_iter it;
		ucql_value f = { 0 };
		int rc;
		cr_assert_eq(ucql_tuple_iter_init(&it, ucql_value_of(g.p, (int32_t)cut)), 0);
		while ((rc = ucql_tuple_next(&it, &f)) == 1)
			;
		/* Cuts on a field boundary are a shorter (valid) tuple. */
		if (cut == 8 || cut == 13)
			cr_assert_eq(rc, 0, "cut %zu", cut);
		else
			cr_assert_eq(rc, UCQL_E_TRUNCATED, "cut %zu", cut);
		guard_free(&g);
	}
}

Test(value, collections_bad_lengths)
{
	ucql_iter it;
	ucql_value e = { 0 }, k = { 0 }, v = { 0 };
	cr_assert_eq(ucql_coll_iter_init(&it, VHEX("ffffffff")), UCQL_E_BAD_LENGTH, "negative count");
	cr_assert_eq(ucql_coll_iter_init(&it, VHEX("000001")), UCQL_E_TRUNCATED, "short count");
	/* a null element (-1) in a list */
	cr_assert_eq(ucql_coll_iter_init(&it, VHEX("00000001ffffffff")), 0);
	cr_assert_eq(ucql_list_next(&it, &e), UCQL_E_BAD_LENGTH);
	/* a count larger than the elements */
	cr_assert_eq(ucql_coll_iter_init(&it, VHEX("7fffffff0000000101")), 0);
	cr_assert_eq(ucql_list_next(&it, &e), 1);
	cr_assert_eq(ucql_list_next(&it, &e), UCQL_E_TRUNCATED);
	/* an element length past the value */
	cr_assert_eq(ucql_coll_iter_init(&it, VHEX("000000017fffffff00")), 0);
	cr_assert_eq(ucql_list_next(&it, &e), UCQL_E_TRUNCATED);
	/* trailing bytes after the last element */
	cr_assert_eq(ucql_coll_iter_init(&it, VHEX("000000010000000101ee")), 0);
	cr_assert_eq(ucql_list_next(&it, &e), 1);
	cr_assert_eq(ucql_list_next(&it, &e), UCQL_E_TRAILING);
	/* a null map value */
	cr_assert_eq(ucql_coll_iter_init(&it, VHEX("000000010000000161ffffffff")), 0);
	cr_assert_eq(ucql_map_next(&it, &k, &v), UCQL_E_BAD_LENGTH);
	/* tuple field lengths below -1 */
	cr_assert_eq(ucql_tuple_iter_init(&it, VHEX("fffffffe")), 0);
	cr_assert_eq(ucql_tuple_next(&it, &v), UCQL_E_BAD_LENGTH);
	/* a negative count in the builder */
	uint8_t b[16];
	ucql_writer w;
	ucql_builder bl;
	ucql_writer_init(&w, b, sizeof b);
	ucql_coll_begin(&bl, &w);
	ucql_coll_end(&bl, &w, -1);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
}

/* ---- vectors ----------------------------------------------------------------------- */

/* python3-cassandra 3.25 has no VectorType: these follow Cassandra 5's
 * VectorType.FixedLengthSerializer (elements concatenated) and
 * VariableLengthSerializer ([unsigned vint] length + bytes per element). */
Test(value, vector_fixed_elements)
{
	const char *hex = "3f8000004000000040400000"; /* [1.0, 2.0, 3.0] */
	float f[3];
	cr_assert_eq(ucql_value_get_float_vector(VHEX(hex), f, 3), 0);
	cr_assert_eq(f[0], 1.0f);
	cr_assert_eq(f[1], 2.0f);
	cr_assert_eq(f[2], 3.0f);
	const float in[3] = { 1.0f, 2.0f, 3.0f };
	ENCODES(ucql_value_write_float_vector(&w_, in, 3), hex);

	/* the builder: write floats, each then stripped of its [int] prefix */
	uint8_t b[64];
	ucql_writer w;
	ucql_builder vb;
	ucql_writer_init(&w, b, sizeof b);
	ucql_vector_begin(&vb, &w, 4);
	for (int i = 0; i < 3; i++) {
		ucql_value_write_float(&w, in[i]);
		ucql_vector_elem_done(&vb, &w);
	}
	ucql_vector_end(&vb, &w);
	assert_encoded(&w, b, hex);
	ucql_writer m;
	ucql_writer_init(&m, NULL, 0);
	ucql_vector_begin(&vb, &m, 4);
	for (int i = 0; i < 3; i++) {
		ucql_value_write_float(&m, in[i]);
		ucql_vector_elem_done(&vb, &m);
	}
	ucql_vector_end(&vb, &m);
	cr_assert_eq(m.len, w.len, "measuring");

	ucql_iter it;
	ucql_value e = { 0 };
	cr_assert_eq(ucql_vector_iter_init(&it, VHEX(hex), 3, 4), 0);
	for (int i = 0; i < 3; i++) {
		float x;
		cr_assert_eq(ucql_vector_next(&it, &e), 1);
		cr_assert_eq(ucql_value_get_float(e, &x), 0);
		cr_assert_eq(x, in[i]);
	}
	cr_assert_eq(ucql_vector_next(&it, &e), 0);

	cr_assert_eq(ucql_vector_iter_init(&it, VHEX(hex), 4, 4), UCQL_E_BAD_VALUE, "dim mismatch");
	cr_assert_eq(ucql_value_get_float_vector(VHEX("3f800000400000"), f, 2), UCQL_E_BAD_VALUE);
	cr_assert_eq(ucql_value_get_float_vector(ucql_value_null(), f, 3), UCQL_E_NULL);
	cr_assert_eq(ucql_value_get_float_vector(ucql_value_of("", 0), f, 3), UCQL_E_EMPTY);
	cr_assert_eq(ucql_vector_iter_init(&it, VHEX(hex), 0, 4), UCQL_E_INVALID_ARG);

	/* wrong element size in the builder */
	ucql_writer_init(&w, b, sizeof b);
	ucql_vector_begin(&vb, &w, 4);
	ucql_value_write_bigint(&w, 1);
	ucql_vector_elem_done(&vb, &w);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
}

Test(value, vector_variable_elements)
{
	/* vector<text, 2> ['a', 'bc'] */
	const char *hex = "0161026263";
	uint8_t b[64];
	ucql_writer w;
	ucql_builder vb;
	ucql_writer_init(&w, b, sizeof b);
	ucql_vector_begin(&vb, &w, -1);
	ucql_value_write_text(&w, ucql_bytes_str("a"));
	ucql_vector_elem_done(&vb, &w);
	ucql_value_write_text(&w, ucql_bytes_str("bc"));
	ucql_vector_elem_done(&vb, &w);
	ucql_vector_end(&vb, &w);
	assert_encoded(&w, b, hex);

	ucql_iter it;
	ucql_value e = { 0 };
	cr_assert_eq(ucql_vector_iter_init(&it, VHEX(hex), 2, -1), 0);
	cr_assert_eq(ucql_vector_next(&it, &e), 1);
	cr_assert_eq(e.len, 1);
	cr_assert_eq(e.p[0], 'a');
	cr_assert_eq(ucql_vector_next(&it, &e), 1);
	cr_assert_eq(e.len, 2);
	cr_assert_eq(ucql_vector_next(&it, &e), 0);

	/* vector<smallint, 2> [1, 2]: smallint is variable-size in Cassandra's
	 * vectors (ShortType has no valueLengthIfFixed) */
	ucql_writer_init(&w, b, sizeof b);
	ucql_vector_begin(&vb, &w, -1);
	ucql_value_write_smallint(&w, 1);
	ucql_vector_elem_done(&vb, &w);
	ucql_value_write_smallint(&w, 2);
	ucql_vector_elem_done(&vb, &w);
	ucql_vector_end(&vb, &w);
	assert_encoded(&w, b, "020001020002");

	/* vector<list<int>, 2> [[1], []]: nested collections as elements */
	ucql_builder lb;
	ucql_writer_init(&w, b, sizeof b);
	ucql_vector_begin(&vb, &w, -1);
	ucql_coll_begin(&lb, &w);
	ucql_value_write_int(&w, 1);
	ucql_coll_end(&lb, &w, 1);
	ucql_vector_elem_done(&vb, &w);
	ucql_coll_begin(&lb, &w);
	ucql_coll_end(&lb, &w, 0);
	ucql_vector_elem_done(&vb, &w);
	ucql_vector_end(&vb, &w);
	assert_encoded(&w, b, "0c" "000000010000000400000001" "04" "00000000");

	/* an element of 200 bytes takes a 2-byte vint (0x80c8) */
	uint8_t big[200];
	memset(big, 7, sizeof big);
	uint8_t b2[300];
	ucql_writer_init(&w, b2, sizeof b2);
	ucql_vector_begin(&vb, &w, -1);
	ucql_value_write_blob(&w, ucql_bytes_of(big, sizeof big));
	ucql_vector_elem_done(&vb, &w);
	ucql_vector_end(&vb, &w);
	cr_assert_eq(w.err, 0);
	cr_assert_eq(w.len, 4 + 2 + 200);
	cr_assert_eq(b2[4], 0x80);
	cr_assert_eq(b2[5], 0xc8);
	cr_assert_eq(ucql_vector_iter_init(&it, ucql_value_of(b2 + 4, 202), 1, -1), 0);
	cr_assert_eq(ucql_vector_next(&it, &e), 1);
	cr_assert_eq(e.len, 200);
	cr_assert_eq(e.p, b2 + 6);

	/* null element rejected */
	ucql_writer_init(&w, b, sizeof b);
	ucql_vector_begin(&vb, &w, -1);
	ucql_value_write_null(&w);
	ucql_vector_elem_done(&vb, &w);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);

	/* malformed */
	uint8_t full[8];
	size_t n = unhex(hex, full);
	for (size_t cut = 1; cut < n; cut++) {
		guard_buf g = guard_copy(full, cut);
		int rc = ucql_vector_iter_init(&it, ucql_value_of(g.p, (int32_t)cut), 2, -1);
		cr_assert_eq(rc, 0);
		while ((rc = ucql_vector_next(&it, &e)) == 1)
			;
		cr_assert_eq(rc, UCQL_E_TRUNCATED, "cut %zu", cut);
		guard_free(&g);
	}
	cr_assert_eq(ucql_vector_iter_init(&it, VHEX("016102626300"), 2, -1), 0);
	cr_assert_eq(ucql_vector_next(&it, &e), 1);
	cr_assert_eq(ucql_vector_next(&it, &e), 1);
	cr_assert_eq(ucql_vector_next(&it, &e), UCQL_E_TRAILING);
	/* a vint length past INT32_MAX */
	cr_assert_eq(ucql_vector_iter_init(&it, VHEX("f0ffffffff00"), 1, -1), 0);
	cr_assert_eq(ucql_vector_next(&it, &e), UCQL_E_BAD_LENGTH);
}

Test(value, builder_past_capacity_counts)
{
	uint8_t b[10];
	ucql_writer w;
	ucql_builder bl, vb;
	ucql_writer_init(&w, b, sizeof b);
	ucql_coll_begin(&bl, &w);
	ucql_value_write_int(&w, 1);
	ucql_value_write_int(&w, 2);
	ucql_coll_end(&bl, &w, 2);
	cr_assert_eq(w.err, UCQL_E_NOSPACE);
	cr_assert_eq(w.len, 4 + 4 + 16);
	ucql_writer_init(&w, b, sizeof b);
	ucql_vector_begin(&vb, &w, -1);
	ucql_value_write_text(&w, ucql_bytes_str("hello"));
	ucql_vector_elem_done(&vb, &w);
	ucql_value_write_text(&w, ucql_bytes_str("world"));
	ucql_vector_elem_done(&vb, &w);
	ucql_vector_end(&vb, &w);
	cr_assert_eq(w.err, UCQL_E_NOSPACE);
	cr_assert_eq(w.len, 4 + 6 + 6, "the size it needs");
}
