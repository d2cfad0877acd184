/*
 * lib/statement.c: the statement builder — every binder's [value] bytes,
 * rebinding, prepared marker checks, bind_begin/_end, named values,
 * clear_values, options, batches, consistency names.
 */
#include "driver_fixture.h"

static ucql_session *sess;

static void setup(void)
{
	sess = fx_session(4, NULL);
}
static void teardown(void)
{
	fx_session_free(sess);
}

TestSuite(statement, .init = setup, .fini = teardown);

#define ASSERT_BOUND(st, i, hex)                                                       \
	do {                                                                           \
		ucql_bytes b_ = fx_bound((st), (i));                                   \
		cr_assert_not_null(b_.p, "value %zu not bound", (size_t)(i));          \
		ASSERT_HEX(b_.p, b_.len, hex);                                         \
	} while (0)
#define ASSERT_UNBOUND(st, i) cr_assert_null(fx_bound((st), (i)).p, "value %zu bound", (size_t)(i))

static ucql_statement *simple(void)
{
	ucql_statement *st = ucql_statement_new("INSERT INTO t (a) VALUES (?)", 0);
	cr_assert_not_null(st);
	return st;
}

/* ---- creating ----------------------------------------------------------- */

Test(statement, new_copies_text_and_sizes_values)
{
	char q[] = "SELECT * FROM t WHERE k = ? AND c = ?";
	ucql_statement *st = ucql_statement_new(q, 2);
	cr_assert_not_null(st);
	q[0] = 'X';
	cr_assert_eq(st->kind, UCQL__STMT_SIMPLE);
	cr_assert_eq(st->query_len, strlen(q));
	cr_assert_eq(memcmp(st->query, "SELECT", 6), 0);
	cr_assert_eq(st->n_values, 2);
	ASSERT_UNBOUND(st, 0);
	ASSERT_UNBOUND(st, 1);
	cr_assert_eq(st->consistency, UCQL_CL_DEFAULT);
	cr_assert_eq(st->serial, UCQL_CL_DEFAULT);
	cr_assert_eq(st->timestamp, INT64_MIN);
	cr_assert_eq(st->page_size, -1);
	cr_assert_eq(st->timeout_ms, -1);
	ucql_statement_free(st);

	st = ucql_statement_new_n("SELECT 1garbage", 8, 0);
	cr_assert_eq(st->query_len, 8);
	cr_assert_str_eq(st->query, "SELECT 1");
	ucql_statement_free(st);

	cr_assert_null(ucql_statement_new(NULL, 0));
	cr_assert_null(ucql_statement_new_batch(3));
	cr_assert_null(ucql_statement_new_batch(-1));
	cr_assert_null(ucql_prepared_stmt_bind(NULL));
	ucql_statement_free(NULL);
	ucql_statement_clear_values(NULL);
}

/* ---- typed binders ---------------------------------------------------------- */

Test(statement, fixed_size_binders_write_their_values)
{
	ucql_statement *st = simple();
	cr_assert_eq(ucql_statement_bind_bool(st, 0, 7), 0);
	ASSERT_BOUND(st, 0, "0000000101");
	cr_assert_eq(ucql_statement_bind_bool(st, 1, 0), 0);
	ASSERT_BOUND(st, 1, "0000000100");
	cr_assert_eq(ucql_statement_bind_int8(st, 2, -1), 0);
	ASSERT_BOUND(st, 2, "00000001ff");
	cr_assert_eq(ucql_statement_bind_int16(st, 3, 0x1234), 0);
	ASSERT_BOUND(st, 3, "000000021234");
	cr_assert_eq(ucql_statement_bind_int32(st, 4, -2), 0);
	ASSERT_BOUND(st, 4, "00000004fffffffe");
	cr_assert_eq(ucql_statement_bind_int64(st, 5, INT64_C(0x0102030405060708)), 0);
	ASSERT_BOUND(st, 5, "000000080102030405060708");
	cr_assert_eq(ucql_statement_bind_float(st, 6, 1.0f), 0);
	ASSERT_BOUND(st, 6, "000000043f800000");
	cr_assert_eq(ucql_statement_bind_double(st, 7, -2.0), 0);
	ASSERT_BOUND(st, 7, "00000008c000000000000000");
	cr_assert_eq(ucql_statement_bind_timestamp(st, 8, 1), 0);
	ASSERT_BOUND(st, 8, "000000080000000000000001");
	cr_assert_eq(ucql_statement_bind_time(st, 9, 1000), 0);
	ASSERT_BOUND(st, 9, "0000000800000000000003e8");
	cr_assert_eq(ucql_statement_bind_date(st, 10, 0), 0);
	ASSERT_BOUND(st, 10, "0000000480000000");
	cr_assert_eq(ucql_statement_bind_date(st, 11, -1), 0);
	ASSERT_BOUND(st, 11, "000000047fffffff");
	cr_assert_eq(st->n_values, 12);
	ucql_statement_free(st);
}

Test(statement, variable_size_binders_write_their_values)
{
	ucql_statement *st = simple();
	cr_assert_eq(ucql_statement_bind_text(st, 0, "abc", 2), 0);
	ASSERT_BOUND(st, 0, "000000026162");
	cr_assert_eq(ucql_statement_bind_text(st, 1, NULL, 0), 0);
	ASSERT_BOUND(st, 1, "00000000");
	cr_assert_eq(ucql_statement_bind_string(st, 2, "h\xc3\xa9"), 0);
	ASSERT_BOUND(st, 2, "0000000368c3a9");
	static const uint8_t blob[] = { 0xde, 0xad, 0x00 };
	cr_assert_eq(ucql_statement_bind_blob(st, 3, blob, 3), 0);
	ASSERT_BOUND(st, 3, "00000003dead00");
	cr_assert_eq(ucql_statement_bind_blob(st, 4, NULL, 0), 0);
	ASSERT_BOUND(st, 4, "00000000");
	uint8_t u[16];
	for (int i = 0; i < 16; i++)
		u[i] = (uint8_t)i;
	cr_assert_eq(ucql_statement_bind_uuid(st, 5, u), 0);
	ASSERT_BOUND(st, 5, "00000010000102030405060708090a0b0c0d0e0f");
	ucql_inet a4 = { .len = 4, .addr = { 127, 0, 0, 1 }, .port = 9042 };
	cr_assert_eq(ucql_statement_bind_inet(st, 6, &a4), 0);
	ASSERT_BOUND(st, 6, "000000047f000001");
	ucql_inet a6 = { .len = 16, .addr = { [15] = 1 } };
	cr_assert_eq(ucql_statement_bind_inet(st, 7, &a6), 0);
	ASSERT_BOUND(st, 7, "0000001000000000000000000000000000000001");
	cr_assert_eq(ucql_statement_bind_decimal(st, 8, 2, 12345), 0);
	ASSERT_BOUND(st, 8, "00000006000000023039");
	cr_assert_eq(ucql_statement_bind_decimal(st, 9, -1, -1), 0);
	ASSERT_BOUND(st, 9, "00000005ffffffffff");
	ucql_duration d = { 1, 2, 3 };
	cr_assert_eq(ucql_statement_bind_duration(st, 10, d), 0);
	ASSERT_BOUND(st, 10, "00000003020406");
	ucql_duration dn = { -1, 0, -1000 };
	cr_assert_eq(ucql_statement_bind_duration(st, 11, dn), 0);
	ASSERT_BOUND(st, 11, "00000004010087cf");
	cr_assert_eq(ucql_statement_bind_null(st, 12), 0);
	ASSERT_BOUND(st, 12, "ffffffff");
	cr_assert_eq(ucql_statement_bind_unset(st, 13), 0);
	ASSERT_BOUND(st, 13, "fffffffe");
	cr_assert_eq(ucql_statement_bind_value(st, 14, ucql_value_of("xy", 2)), 0);
	ASSERT_BOUND(st, 14, "000000027879");
	cr_assert_eq(ucql_statement_bind_value(st, 15, ucql_value_of(NULL, 0)), 0);
	ASSERT_BOUND(st, 15, "00000000");
	cr_assert_eq(ucql_statement_bind_value(st, 16, ucql_value_null()), 0);
	ASSERT_BOUND(st, 16, "ffffffff");
	cr_assert_eq(st->n_values, 17);
	ucql_statement_free(st);
}

Test(statement, binders_refuse_bad_arguments)
{
	ucql_statement *st = simple();
	cr_assert_eq(ucql_statement_bind_value(st, 0, ucql_value_of(NULL, -3)), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_bind_text(st, 0, NULL, 1), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_bind_string(st, 0, NULL), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_bind_blob(st, 0, NULL, 2), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_bind_uuid(st, 0, NULL), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_bind_date(st, 0, INT64_C(2147483648)), UCQL_E_RANGE);
	cr_assert_eq(ucql_statement_bind_date(st, 0, -INT64_C(2147483649)), UCQL_E_RANGE);
	/* values the codec's encoders refuse */
	cr_assert_eq(ucql_statement_bind_time(st, 0, -1), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_bind_time(st, 0, UCQL_TIME_MAX + 1), UCQL_E_INVALID_ARG);
	ucql_duration mixed = { 1, -1, 0 };
	cr_assert_eq(ucql_statement_bind_duration(st, 0, mixed), UCQL_E_INVALID_ARG);
	ucql_inet bad = { .len = 5 };
	cr_assert_eq(ucql_statement_bind_inet(st, 0, &bad), UCQL_E_INVALID_ARG);
	/* none of them bound anything */
	for (size_t i = 0; i < st->n_values; i++)
		ASSERT_UNBOUND(st, i);
	cr_assert_eq(st->blob.len, 0);
	/* NULL statement */
	cr_assert_eq(ucql_statement_bind_int32(NULL, 0, 1), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_bind_null(NULL, 0), UCQL_E_INVALID_ARG);
	cr_assert_null(ucql_statement_bind_begin(NULL, 0));
	ucql_statement_free(st);
}

Test(statement, binding_past_the_count_grows_it)
{
	ucql_statement *st = ucql_statement_new("q", 1);
	cr_assert_eq(ucql_statement_bind_int32(st, 40, 9), 0);
	cr_assert_eq(st->n_values, 41);
	for (size_t i = 0; i < 40; i++)
		ASSERT_UNBOUND(st, i);
	ASSERT_BOUND(st, 40, "0000000400000009");
	ucql_statement_free(st);
}

/* Regression test (fixed): the 65535-value limit (a [short] count) is checked only when the
 * value array is reallocated: binding index 65534 grows the capacity to
 * 65536, so binding index 65535 then succeeds and n_values becomes 65536,
 * which lib/request.c writes as a count of (uint16_t)65536 = 0 followed by
 * 65536 values — a malformed body. Repro: bind_int32(st, 65534, 1);
 * bind_int32(st, 65535, 1) returns 0. */
Test(statement, at_most_65535_values)
{
	ucql_statement *st = ucql_statement_new("q", 0);
	cr_assert_eq(ucql_statement_bind_int32(st, 65534, 1), 0);
	cr_assert_eq(st->n_values, 65535);
	cr_assert_eq(ucql_statement_bind_int32(st, 65535, 1), UCQL_E_INVALID_ARG);
	cr_assert_eq(st->n_values, 65535);
	ucql_statement_free(st);
}

Test(statement, at_most_65535_values_from_empty)
{
	ucql_statement *st = ucql_statement_new("q", 0);
	cr_assert_eq(ucql_statement_bind_int32(st, 65535, 1), UCQL_E_INVALID_ARG);
	cr_assert_eq(st->n_values, 0);
	cr_assert_eq(ucql_statement_bind_int32(st, 65534, 1), 0);
	cr_assert_eq(st->n_values, 65535);
	ucql_statement_free(st);
}

Test(statement, rebinding_an_index_replaces_the_value)
{
	ucql_statement *st = ucql_statement_new("q", 2);
	cr_assert_eq(ucql_statement_bind_int32(st, 0, 1), 0);
	cr_assert_eq(ucql_statement_bind_int32(st, 1, 2), 0);
	cr_assert_eq(ucql_statement_bind_string(st, 0, "x"), 0);
	ASSERT_BOUND(st, 0, "0000000178");
	ASSERT_BOUND(st, 1, "0000000400000002");
	cr_assert_eq(ucql_statement_bind_null(st, 1), 0);
	ASSERT_BOUND(st, 1, "ffffffff");
	cr_assert_eq(st->n_values, 2);
	ucql_statement_free(st);
}

Test(statement, rebinding_no_longer_value_is_in_place)
{
	ucql_statement *st = ucql_statement_new("q", 3);
	cr_assert_eq(ucql_statement_bind_int32(st, 0, 1), 0);
	cr_assert_eq(ucql_statement_bind_string(st, 1, "abc"), 0);
	cr_assert_eq(ucql_statement_bind_int32(st, 2, 3), 0);
	size_t len = st->blob.len;
	cr_assert_eq(len, 8 + 7 + 8);
	for (int32_t k = 0; k < 1000; k++)
		cr_assert_eq(ucql_statement_bind_int32(st, 0, k), 0);
	cr_assert_eq(st->blob.len, len, "the same size rebinds in place");
	ASSERT_BOUND(st, 0, "00000004000003e7");
	cr_assert_eq(ucql_statement_bind_string(st, 1, "x"), 0);
	cr_assert_eq(st->blob.len, len, "shorter too");
	ASSERT_BOUND(st, 1, "0000000178");
	cr_assert_eq(ucql_statement_bind_null(st, 1), 0);
	ASSERT_BOUND(st, 1, "ffffffff");
	ASSERT_BOUND(st, 0, "00000004000003e7");
	ASSERT_BOUND(st, 2, "0000000400000003");
	cr_assert_eq(st->live, 8 + 4 + 8);
	ucql_statement_free(st);
}

Test(statement, rebinding_longer_values_stays_bounded)
{
	static uint8_t big[3000];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)(i * 13);
	ucql_statement *st = ucql_statement_new("q", 3);
	cr_assert_eq(ucql_statement_bind_int32(st, 0, 7), 0);
	cr_assert_eq(ucql_statement_bind_int32(st, 2, 9), 0);
	size_t most = 0;
	/* every value longer than the last: appended, old bytes left behind,
	 * until the statement compacts them */
	for (size_t n = 1; n <= sizeof big; n += 7) {
		cr_assert_eq(ucql_statement_bind_blob(st, 1, big, n), 0);
		ucql_bytes v = fx_bound(st, 1);
		cr_assert_eq(v.len, 4 + n);
		cr_assert_eq(ucql__be32(v.p), n);
		cr_assert_arr_eq(v.p + 4, big, n);
		ASSERT_BOUND(st, 0, "0000000400000007");
		ASSERT_BOUND(st, 2, "0000000400000009");
		cr_assert_eq(st->live, 8 + 8 + 4 + n);
		if (st->blob.len > most)
			most = st->blob.len;
	}
	cr_assert_leq(most, 2 * (8 + 8 + 4 + sizeof big) + 4096, "garbage is compacted away");
	ucql_statement_free(st);
}

/* ---- prepared statements: markers and their types ------------------------------ */

static const fx_col typed_markers[] = {
	FX_COL("i", FX_T_INT),           FX_COL("t", FX_T_VARCHAR),   FX_COL("b", FX_T_BIGINT),
	FX_COL("ts", FX_T_TIMESTAMP),    FX_COL("tm", FX_T_TIME),     FX_COL("vi", FX_T_VARINT),
	FX_COL("c", FX_T_COUNTER),       FX_COL("u", FX_T_UUID),      FX_COL("tu", FX_T_TIMEUUID),
	FX_COL("d", FX_T_DATE),          FX_COL("bl", FX_T_BLOB),     FX_COL("l", FX_T_LIST_INT),
	FX_COL("a", FX_T_ASCII),         FX_COL("bo", FX_T_BOOLEAN),  FX_COL("f", FX_T_FLOAT),
	FX_COL("db", FX_T_DOUBLE),       FX_COL("si", FX_T_SMALLINT), FX_COL("ti", FX_T_TINYINT),
	FX_COL("in", FX_T_INET),         FX_COL("de", FX_T_DECIMAL),  FX_COL("du", FX_T_DURATION),
};
enum {
	M_INT, M_TEXT, M_BIGINT, M_TS, M_TIME, M_VARINT, M_COUNTER, M_UUID, M_TIMEUUID, M_DATE,
	M_BLOB, M_LIST, M_ASCII, M_BOOL, M_FLOAT, M_DOUBLE, M_SMALLINT, M_TINYINT, M_INET,
	M_DECIMAL, M_DURATION, M_COUNT
};

static ucql_statement *typed_stmt(ucql_prepared_stmt **pp)
{
	ucql_prepared_stmt *p = fx_prepare(sess, "INSERT typed", "typed-id", typed_markers, M_COUNT,
					   NULL, 0);
	cr_assert_eq(ucql_prepared_stmt_param_count(p), M_COUNT);
	ucql_statement *st = ucql_prepared_stmt_bind(p);
	cr_assert_not_null(st);
	cr_assert_eq(st->kind, UCQL__STMT_PREPARED);
	cr_assert_eq(st->n_values, M_COUNT);
	*pp = p;
	return st;
}

Test(statement, prepared_out_of_range_index_is_invalid_arg)
{
	ucql_prepared_stmt *p;
	ucql_statement *st = typed_stmt(&p);
	size_t n = M_COUNT;
	cr_assert_eq(ucql_statement_bind_int32(st, n, 1), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_bind_null(st, n), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_bind_unset(st, n + 5), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_bind_value(st, n, ucql_value_of("a", 1)), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_bind_string(st, n, "x"), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_bind_int64(st, n, 1), UCQL_E_INVALID_ARG);
	cr_assert_null(ucql_statement_bind_begin(st, n));
	/* the count does not grow for a prepared statement */
	cr_assert_eq(st->n_values, M_COUNT);
	cr_assert_eq(st->blob.len, 0);
	ucql_statement_free(st);
	ucql_prepared_stmt_free(p);
}

Test(statement, prepared_type_mismatch_is_bad_value)
{
	ucql_prepared_stmt *p;
	ucql_statement *st = typed_stmt(&p);
	uint8_t u[16] = { 0 };
	ucql_inet a4 = { .len = 4 };
	ucql_duration d = { 0, 0, 0 };
	cr_assert_eq(ucql_statement_bind_string(st, M_INT, "1"), UCQL_E_BAD_VALUE);
	cr_assert_eq(ucql_statement_bind_int32(st, M_TEXT, 1), UCQL_E_BAD_VALUE);
	cr_assert_eq(ucql_statement_bind_int64(st, M_INT, 1), UCQL_E_BAD_VALUE);
	cr_assert_eq(ucql_statement_bind_int16(st, M_INT, 1), UCQL_E_BAD_VALUE);
	cr_assert_eq(ucql_statement_bind_int8(st, M_SMALLINT, 1), UCQL_E_BAD_VALUE);
	cr_assert_eq(ucql_statement_bind_bool(st, M_TINYINT, 1), UCQL_E_BAD_VALUE);
	cr_assert_eq(ucql_statement_bind_float(st, M_DOUBLE, 1), UCQL_E_BAD_VALUE);
	cr_assert_eq(ucql_statement_bind_double(st, M_FLOAT, 1), UCQL_E_BAD_VALUE);
	cr_assert_eq(ucql_statement_bind_blob(st, M_TEXT, "x", 1), UCQL_E_BAD_VALUE);
	cr_assert_eq(ucql_statement_bind_text(st, M_BLOB, "x", 1), UCQL_E_BAD_VALUE);
	cr_assert_eq(ucql_statement_bind_uuid(st, M_INT, u), UCQL_E_BAD_VALUE);
	cr_assert_eq(ucql_statement_bind_inet(st, M_TEXT, &a4), UCQL_E_BAD_VALUE);
	cr_assert_eq(ucql_statement_bind_date(st, M_INT, 0), UCQL_E_BAD_VALUE);
	cr_assert_eq(ucql_statement_bind_timestamp(st, M_BIGINT, 0), UCQL_E_BAD_VALUE);
	cr_assert_eq(ucql_statement_bind_time(st, M_TS, 0), UCQL_E_BAD_VALUE);
	cr_assert_eq(ucql_statement_bind_decimal(st, M_DOUBLE, 0, 1), UCQL_E_BAD_VALUE);
	cr_assert_eq(ucql_statement_bind_duration(st, M_BIGINT, d), UCQL_E_BAD_VALUE);
	cr_assert_eq(ucql_statement_bind_int64(st, M_LIST, 1), UCQL_E_BAD_VALUE);
	for (size_t i = 0; i < M_COUNT; i++)
		ASSERT_UNBOUND(st, i);
	/* a mismatch leaves an earlier value in place */
	cr_assert_eq(ucql_statement_bind_int32(st, M_INT, 5), 0);
	cr_assert_eq(ucql_statement_bind_string(st, M_INT, "5"), UCQL_E_BAD_VALUE);
	ASSERT_BOUND(st, M_INT, "0000000400000005");
	ucql_statement_free(st);
	ucql_prepared_stmt_free(p);
}

Test(statement, prepared_matching_types_bind)
{
	ucql_prepared_stmt *p;
	ucql_statement *st = typed_stmt(&p);
	uint8_t u[16] = { 0 };
	uint8_t tu[16] = { 0 };
	tu[6] = 0x10; /* version 1 */
	ucql_inet a4 = { .len = 4, .addr = { 10, 0, 0, 1 } };
	ucql_duration d = { 0, 1, 0 };
	cr_assert_eq(ucql_statement_bind_int32(st, M_INT, 1), 0);
	cr_assert_eq(ucql_statement_bind_string(st, M_TEXT, "x"), 0);
	cr_assert_eq(ucql_statement_bind_text(st, M_ASCII, "y", 1), 0);
	ASSERT_BOUND(st, M_ASCII, "0000000179");
	cr_assert_eq(ucql_statement_bind_uuid(st, M_UUID, u), 0);
	cr_assert_eq(ucql_statement_bind_uuid(st, M_TIMEUUID, tu), 0);
	cr_assert_eq(ucql_statement_bind_date(st, M_DATE, 1), 0);
	cr_assert_eq(ucql_statement_bind_blob(st, M_BLOB, "b", 1), 0);
	cr_assert_eq(ucql_statement_bind_bool(st, M_BOOL, 1), 0);
	cr_assert_eq(ucql_statement_bind_float(st, M_FLOAT, 0.5f), 0);
	cr_assert_eq(ucql_statement_bind_double(st, M_DOUBLE, 0.5), 0);
	cr_assert_eq(ucql_statement_bind_int16(st, M_SMALLINT, 3), 0);
	cr_assert_eq(ucql_statement_bind_int8(st, M_TINYINT, 3), 0);
	cr_assert_eq(ucql_statement_bind_inet(st, M_INET, &a4), 0);
	cr_assert_eq(ucql_statement_bind_decimal(st, M_DECIMAL, 1, 5), 0);
	cr_assert_eq(ucql_statement_bind_duration(st, M_DURATION, d), 0);
	cr_assert_eq(ucql_statement_bind_timestamp(st, M_TS, 7), 0);
	cr_assert_eq(ucql_statement_bind_time(st, M_TIME, 7), 0);
	/* raw values and nulls are not checked */
	cr_assert_eq(ucql_statement_bind_value(st, M_LIST, ucql_value_of("zz", 2)), 0);
	cr_assert_eq(ucql_statement_bind_null(st, M_BIGINT), 0);
	cr_assert_eq(ucql_statement_bind_unset(st, M_COUNTER), 0);
	cr_assert_eq(ucql_statement_bind_value(st, M_VARINT, ucql_value_of("\x01", 1)), 0);
	for (size_t i = 0; i < M_COUNT; i++)
		cr_assert_not_null(fx_bound(st, i).p, "marker %zu", i);
	/* a timeuuid marker takes only version-1 uuids */
	cr_assert_eq(ucql_statement_bind_uuid(st, M_TIMEUUID, u), UCQL_E_INVALID_ARG);
	ucql_statement_free(st);
	ucql_prepared_stmt_free(p);
}

Test(statement, bind_int64_encodes_by_marker_type)
{
	ucql_prepared_stmt *p;
	ucql_statement *st = typed_stmt(&p);
	cr_assert_eq(ucql_statement_bind_int64(st, M_BIGINT, 300), 0);
	ASSERT_BOUND(st, M_BIGINT, "00000008000000000000012c");
	cr_assert_eq(ucql_statement_bind_int64(st, M_COUNTER, -1), 0);
	ASSERT_BOUND(st, M_COUNTER, "00000008ffffffffffffffff");
	cr_assert_eq(ucql_statement_bind_int64(st, M_TS, -1), 0);
	ASSERT_BOUND(st, M_TS, "00000008ffffffffffffffff");
	/* varint: minimal two's complement */
	cr_assert_eq(ucql_statement_bind_int64(st, M_VARINT, 300), 0);
	ASSERT_BOUND(st, M_VARINT, "00000002012c");
	cr_assert_eq(ucql_statement_bind_int64(st, M_VARINT, -1), 0);
	ASSERT_BOUND(st, M_VARINT, "00000001ff");
	cr_assert_eq(ucql_statement_bind_int64(st, M_VARINT, 128), 0);
	ASSERT_BOUND(st, M_VARINT, "000000020080");
	/* time: nanoseconds of the day, range-checked as a time */
	cr_assert_eq(ucql_statement_bind_int64(st, M_TIME, 1000), 0);
	ASSERT_BOUND(st, M_TIME, "0000000800000000000003e8");
	cr_assert_eq(ucql_statement_bind_int64(st, M_TIME, -1), UCQL_E_INVALID_ARG);
	ASSERT_BOUND(st, M_TIME, "0000000800000000000003e8");
	/* a simple statement gets a bigint */
	ucql_statement *s2 = simple();
	cr_assert_eq(ucql_statement_bind_int64(s2, 0, 300), 0);
	ASSERT_BOUND(s2, 0, "00000008000000000000012c");
	ucql_statement_free(s2);
	ucql_statement_free(st);
	ucql_prepared_stmt_free(p);
}

/* ---- bind_begin / bind_end --------------------------------------------------- */

Test(statement, bind_begin_end_list_and_map)
{
	ucql_statement *st = ucql_statement_new("q", 2);
	ucql_builder b;
	ucql_writer *w = ucql_statement_bind_begin(st, 0);
	cr_assert_not_null(w);
	ucql_coll_begin(&b, w);
	for (int32_t i = 1; i <= 3; i++)
		ucql_value_write_int(w, i);
	ucql_coll_end(&b, w, 3);
	cr_assert_eq(ucql_statement_bind_end(st, w), 0);
	ASSERT_BOUND(st, 0, "0000001c00000003000000040000000100000004000000020000000400000003");

	w = ucql_statement_bind_begin(st, 1);
	cr_assert_not_null(w);
	ucql_coll_begin(&b, w);
	ucql_value_write_text(w, S("a"));
	ucql_value_write_bigint(w, 1);
	ucql_coll_end(&b, w, 1);
	cr_assert_eq(ucql_statement_bind_end(st, w), 0);
	ASSERT_BOUND(st, 1, "0000001500000001000000016100000008" "0000000000000001");
	/* the list is still intact after the second value */
	ASSERT_BOUND(st, 0, "0000001c00000003000000040000000100000004000000020000000400000003");
	ucql_statement_free(st);
}

Test(statement, bind_begin_end_large_value_needs_a_rewrite)
{
	enum { BIG = 20000 };
	static uint8_t big[BIG];
	for (size_t i = 0; i < BIG; i++)
		big[i] = (uint8_t)(i * 7);
	ucql_statement *st = ucql_statement_new("q", 0);
	cr_assert_eq(ucql_statement_bind_int32(st, 0, 42), 0);
	ucql_builder b;
	int rc = -1;
	int tries = 0;
	for (; tries < 3; tries++) {
		ucql_writer *w = ucql_statement_bind_begin(st, 1);
		cr_assert_not_null(w);
		ucql_coll_begin(&b, w);
		ucql_value_write_blob(w, ucql_bytes_of(big, BIG));
		ucql_coll_end(&b, w, 1);
		rc = ucql_statement_bind_end(st, w);
		if (rc != UCQL_E_NOSPACE)
			break;
		/* nothing committed by the failed attempt */
		cr_assert_eq(st->n_values, 2);
		ASSERT_UNBOUND(st, 1);
	}
	cr_assert_eq(rc, 0);
	cr_assert_eq(tries, 1, "bind_end must say NOSPACE exactly once, got %d", tries);
	ucql_bytes v = fx_bound(st, 1);
	cr_assert_eq(v.len, 4 + 4 + 4 + BIG);
	cr_assert_eq(ucql__be32(v.p), 4 + 4 + BIG);
	cr_assert_eq(ucql__be32(v.p + 4), 1);
	cr_assert_eq(ucql__be32(v.p + 8), BIG);
	cr_assert_arr_eq(v.p + 12, big, BIG);
	ASSERT_BOUND(st, 0, "000000040000002a");
	ucql_statement_free(st);
}

Test(statement, bind_begin_misuse)
{
	ucql_statement *st = ucql_statement_new("q", 1);
	ucql_writer *w = ucql_statement_bind_begin(st, 0);
	cr_assert_not_null(w);
	/* only one open at a time */
	cr_assert_null(ucql_statement_bind_begin(st, 0));
	ucql_writer other;
	cr_assert_eq(ucql_statement_bind_end(st, &other), UCQL_E_INVALID_ARG);
	ucql_value_write_int(w, 1);
	cr_assert_eq(ucql_statement_bind_end(st, w), 0);
	ASSERT_BOUND(st, 0, "0000000400000001");
	/* closed now */
	cr_assert_eq(ucql_statement_bind_end(st, w), UCQL_E_INVALID_ARG);
	/* an encoder error is returned and nothing is bound */
	w = ucql_statement_bind_begin(st, 1);
	ucql_value_write_time(w, -5);
	cr_assert_eq(ucql_statement_bind_end(st, w), UCQL_E_INVALID_ARG);
	ASSERT_UNBOUND(st, 1);
	ucql_statement_free(st);
}

/* ---- named values -------------------------------------------------------------- */

Test(statement, simple_named_values_keep_names_in_order)
{
	ucql_statement *st = ucql_statement_new("INSERT INTO t (a, b) VALUES (:a, :b)", 0);
	cr_assert_eq(ucql_statement_bind_int32_by_name(st, "a", 1), 0);
	cr_assert_eq(ucql_statement_bind_string_by_name(st, "b", "x"), 0);
	cr_assert_eq(st->named, 1);
	cr_assert_eq(st->n_values, 2);
	cr_assert_eq(st->names.len, 4);
	cr_assert_eq(memcmp(st->names.p, "a\0b\0", 4), 0);
	ASSERT_BOUND(st, 0, "0000000400000001");
	ASSERT_BOUND(st, 1, "0000000178");
	/* the same name again replaces, it does not add */
	cr_assert_eq(ucql_statement_bind_int32_by_name(st, "a", 2), 0);
	cr_assert_eq(st->n_values, 2);
	ASSERT_BOUND(st, 0, "0000000400000002");
	cr_assert_eq(ucql_statement_bind_null_by_name(st, "c"), 0);
	cr_assert_eq(ucql_statement_bind_int64_by_name(st, "d", 3), 0);
	cr_assert_eq(ucql_statement_bind_double_by_name(st, "e", 1.0), 0);
	cr_assert_eq(ucql_statement_bind_blob_by_name(st, "f", "\x01", 1), 0);
	cr_assert_eq(ucql_statement_bind_value_by_name(st, "g", ucql_value_unset()), 0);
	ucql_writer *w = ucql_statement_bind_begin_by_name(st, "h");
	cr_assert_not_null(w);
	ucql_value_write_smallint(w, 9);
	cr_assert_eq(ucql_statement_bind_end(st, w), 0);
	cr_assert_eq(st->n_values, 8);
	cr_assert_eq(st->names.len, 16);
	cr_assert_eq(memcmp(st->names.p, "a\0b\0c\0d\0e\0f\0g\0h\0", 16), 0);
	ASSERT_BOUND(st, 2, "ffffffff");
	ASSERT_BOUND(st, 3, "000000080000000000000003");
	ASSERT_BOUND(st, 4, "000000083ff0000000000000");
	ASSERT_BOUND(st, 5, "0000000101");
	ASSERT_BOUND(st, 6, "fffffffe");
	ASSERT_BOUND(st, 7, "000000020009");
	cr_assert_eq(ucql_statement_bind_string_by_name(st, "z", NULL), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_bind_int32_by_name(st, NULL, 1), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_bind_int32_by_name(NULL, "a", 1), UCQL_E_INVALID_ARG);
	ucql_statement_free(st);
}

Test(statement, simple_positional_then_named_is_rejected)
{
	ucql_statement *st = ucql_statement_new("q", 0);
	cr_assert_eq(ucql_statement_bind_int32(st, 0, 1), 0);
	cr_assert_eq(ucql_statement_bind_int32_by_name(st, "a", 1), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_bind_null_by_name(st, "a"), UCQL_E_INVALID_ARG);
	cr_assert_null(ucql_statement_bind_begin_by_name(st, "a"));
	cr_assert_eq(st->named, 0);
	cr_assert_eq(st->n_values, 1);
	cr_assert_eq(st->names.len, 0);
	ucql_statement_free(st);
}

/* Regression test (fixed): a positional bind after a named one is accepted (statement.h: "every
 * value of that statement must then be named"), leaving value 1 without a
 * name: n_values 2 but one name in st->names, so write_values in
 * lib/request.c reads a second name past st->names.len (uninitialized
 * bytes of the names buffer) and sends it. Repro: bind_int32_by_name(st,
 * "a", 1); bind_int32(st, 1, 2) returns 0. */
Test(statement, simple_named_then_positional_is_rejected)
{
	ucql_statement *st = ucql_statement_new("q", 0);
	cr_assert_eq(ucql_statement_bind_int32_by_name(st, "a", 1), 0);
	cr_assert_eq(ucql_statement_bind_int32(st, 1, 2), UCQL_E_INVALID_ARG);
	cr_assert_eq(st->n_values, 1);
	ucql_statement_free(st);
}

Test(statement, prepared_named_values_bind_every_marker_with_the_name)
{
	static const fx_col markers[] = {
		FX_COL("id", FX_T_INT), FX_COL("v", FX_T_VARCHAR), FX_COL("id", FX_T_INT),
		FX_COL("n", FX_T_BIGINT), FX_COL("bl", FX_T_BLOB), FX_COL("dd", FX_T_DOUBLE),
	};
	ucql_prepared_stmt *p = fx_prepare(sess, "UPDATE t SET v = :v WHERE id = :id IF id = :id",
					   "named", markers, 6, NULL, 0);
	ucql_statement *st = ucql_prepared_stmt_bind(p);
	cr_assert_eq(ucql_statement_bind_int32_by_name(st, "id", 7), 0);
	ASSERT_BOUND(st, 0, "0000000400000007");
	ASSERT_UNBOUND(st, 1);
	ASSERT_BOUND(st, 2, "0000000400000007");
	cr_assert_eq(ucql_statement_bind_string_by_name(st, "v", "x"), 0);
	ASSERT_BOUND(st, 1, "0000000178");
	cr_assert_eq(ucql_statement_bind_int64_by_name(st, "n", 2), 0);
	ASSERT_BOUND(st, 3, "000000080000000000000002");
	cr_assert_eq(ucql_statement_bind_blob_by_name(st, "bl", "\xff", 1), 0);
	ASSERT_BOUND(st, 4, "00000001ff");
	cr_assert_eq(ucql_statement_bind_double_by_name(st, "dd", 2.0), 0);
	ASSERT_BOUND(st, 5, "000000084000000000000000");
	/* unknown names (exact match: case counts) */
	cr_assert_eq(ucql_statement_bind_int32_by_name(st, "ID", 1), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_bind_null_by_name(st, "nope"), UCQL_E_INVALID_ARG);
	cr_assert_null(ucql_statement_bind_begin_by_name(st, "nope"));
	/* type checks apply through names */
	cr_assert_eq(ucql_statement_bind_string_by_name(st, "id", "7"), UCQL_E_BAD_VALUE);
	ASSERT_BOUND(st, 0, "0000000400000007");
	/* null and raw values by name */
	cr_assert_eq(ucql_statement_bind_null_by_name(st, "id"), 0);
	ASSERT_BOUND(st, 0, "ffffffff");
	ASSERT_BOUND(st, 2, "ffffffff");
	cr_assert_eq(ucql_statement_bind_value_by_name(st, "v", ucql_value_of("yz", 2)), 0);
	ASSERT_BOUND(st, 1, "00000002797a");
	ucql_writer *w = ucql_statement_bind_begin_by_name(st, "v");
	cr_assert_not_null(w);
	ucql_value_write_text(w, S("q"));
	cr_assert_eq(ucql_statement_bind_end(st, w), 0);
	ASSERT_BOUND(st, 1, "0000000171");
	/* names are not sent for prepared statements: the markers say it */
	cr_assert_eq(st->named, 0);
	cr_assert_eq(st->n_values, 6);
	ucql_statement_free(st);
	ucql_prepared_stmt_free(p);
}

/* ---- clear_values ------------------------------------------------------------------ */

Test(statement, clear_values_unbinds_and_keeps_the_count)
{
	ucql_statement *st = ucql_statement_new("q", 0);
	cr_assert_eq(ucql_statement_bind_int32(st, 0, 1), 0);
	cr_assert_eq(ucql_statement_bind_string(st, 2, "abc"), 0);
	ucql_statement_set_consistency(st, UCQL_CL_QUORUM);
	uint8_t *blob = st->blob.p;
	ucql_statement_clear_values(st);
	cr_assert_eq(st->n_values, 3);
	for (size_t i = 0; i < 3; i++)
		ASSERT_UNBOUND(st, i);
	cr_assert_eq(st->blob.len, 0);
	cr_assert_eq(st->blob.p, blob, "the buffer is kept");
	cr_assert_eq(st->consistency, UCQL_CL_QUORUM);
	cr_assert_eq(ucql_statement_bind_int32(st, 1, 5), 0);
	ASSERT_BOUND(st, 1, "0000000400000005");
	ucql_statement_free(st);

	ucql_prepared_stmt *p;
	st = typed_stmt(&p);
	cr_assert_eq(ucql_statement_bind_int32(st, M_INT, 1), 0);
	ucql_statement_clear_values(st);
	cr_assert_eq(st->n_values, M_COUNT);
	ASSERT_UNBOUND(st, M_INT);
	ucql_statement_free(st);
	ucql_prepared_stmt_free(p);
}

/* A named simple statement binds afresh after clear_values: the names
 * stay, each at its index. */
Test(statement, clear_values_then_rebind_named_simple)
{
	ucql_statement *st = ucql_statement_new("q", 0);
	cr_assert_eq(ucql_statement_bind_int32_by_name(st, "a", 1), 0);
	cr_assert_eq(ucql_statement_bind_int32_by_name(st, "b", 2), 0);
	ucql_statement_clear_values(st);
	cr_assert_eq(ucql_statement_bind_int32_by_name(st, "a", 3), 0);
	cr_assert_eq(ucql_statement_bind_int32_by_name(st, "b", 4), 0);
	cr_assert_eq(st->n_values, 2);
	ASSERT_BOUND(st, 0, "0000000400000003");
	ASSERT_BOUND(st, 1, "0000000400000004");
	cr_assert_eq(st->names.len, 4);
	cr_assert_eq(memcmp(st->names.p, "a\0b\0", 4), 0);
	ucql_statement_free(st);
}

/* ---- options -------------------------------------------------------------------------- */

Test(statement, option_setters_validate)
{
	ucql_statement *st = ucql_statement_new("q", 0);

	cr_assert_eq(ucql_statement_set_consistency(st, UCQL_CL_QUORUM), 0);
	cr_assert_eq(st->consistency, UCQL_CL_QUORUM);
	cr_assert_eq(ucql_statement_set_consistency(st, UCQL_CL_ANY), 0);
	cr_assert_eq(ucql_statement_set_consistency(st, UCQL_CL_LOCAL_ONE), 0);
	cr_assert_eq(ucql_statement_set_consistency(st, UCQL_CL_LOCAL_ONE + 1), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_set_consistency(st, -1), UCQL_E_INVALID_ARG);
	cr_assert_eq(st->consistency, UCQL_CL_LOCAL_ONE);
	cr_assert_eq(ucql_statement_set_consistency(st, UCQL_CL_DEFAULT), 0);
	cr_assert_eq(st->consistency, UCQL_CL_DEFAULT);

	cr_assert_eq(ucql_statement_set_serial_consistency(st, UCQL_CL_LOCAL_SERIAL), 0);
	cr_assert_eq(st->serial, UCQL_CL_LOCAL_SERIAL);
	cr_assert_eq(ucql_statement_set_serial_consistency(st, UCQL_CL_SERIAL), 0);
	cr_assert_eq(ucql_statement_set_serial_consistency(st, UCQL_CL_QUORUM), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_set_serial_consistency(st, UCQL_CL_ONE), UCQL_E_INVALID_ARG);
	cr_assert_eq(st->serial, UCQL_CL_SERIAL);
	cr_assert_eq(ucql_statement_set_serial_consistency(st, UCQL_CL_DEFAULT), 0);

	cr_assert_eq(ucql_statement_set_timestamp(st, -5), 0);
	cr_assert_eq(st->timestamp, -5);
	cr_assert_eq(ucql_statement_set_timestamp(st, INT64_MIN), 0);
	cr_assert_eq(st->timestamp, INT64_MIN);

	cr_assert_eq(ucql_statement_set_timeout(st, 0), 0);
	cr_assert_eq(ucql_statement_set_timeout(st, 250), 0);
	cr_assert_eq(st->timeout_ms, 250);
	cr_assert_eq(ucql_statement_set_timeout(st, -2), UCQL_E_INVALID_ARG);
	cr_assert_eq(st->timeout_ms, 250);
	cr_assert_eq(ucql_statement_set_timeout(st, -1), 0);

	cr_assert_eq(ucql_statement_set_idempotent(st, 5), 0);
	cr_assert_eq(st->idempotent, 1);
	cr_assert_eq(ucql_statement_set_idempotent(st, 0), 0);
	cr_assert_eq(st->idempotent, 0);

	cr_assert_eq(ucql_statement_set_page_size(st, 100), 0);
	cr_assert_eq(st->page_size, 100);
	cr_assert_eq(ucql_statement_set_page_size(st, 0), 0);
	cr_assert_eq(ucql_statement_set_page_size(st, -2), UCQL_E_INVALID_ARG);
	cr_assert_eq(st->page_size, 0);
	cr_assert_eq(ucql_statement_set_page_size(st, -1), 0);

	uint8_t ps[3] = { 1, 2, 3 };
	cr_assert_eq(ucql_statement_set_paging_state(st, ucql_bytes_of(ps, 3)), 0);
	ps[0] = 9; /* copied */
	cr_assert_eq(st->has_paging_state, 1);
	ASSERT_HEX(st->paging_state.p, st->paging_state.len, "010203");
	cr_assert_eq(ucql_statement_set_paging_state(st, ucql_bytes_of(ps, 1)), 0);
	ASSERT_HEX(st->paging_state.p, st->paging_state.len, "09");
	cr_assert_eq(ucql_statement_set_paging_state(st, ucql_bytes_of(NULL, 0)), 0);
	cr_assert_eq(st->has_paging_state, 0);

	char ks[] = "my_ks";
	cr_assert_eq(ucql_statement_set_keyspace(st, ks), 0);
	ks[0] = 'X';
	cr_assert_str_eq(st->keyspace, "my_ks");
	cr_assert_eq(ucql_statement_set_keyspace(st, ""), 0);
	cr_assert_null(st->keyspace);
	cr_assert_eq(ucql_statement_set_keyspace(st, "a"), 0);
	cr_assert_eq(ucql_statement_set_keyspace(st, NULL), 0);
	cr_assert_null(st->keyspace);

	cr_assert_eq(ucql_statement_set_tracing(st, 3), 0);
	cr_assert_eq(st->tracing, 1);
	cr_assert_eq(ucql_statement_set_tracing(st, 0), 0);
	cr_assert_eq(st->tracing, 0);

	cr_assert_eq(ucql_statement_set_routing_key(st, ucql_bytes_of("\x00\x01", 2)), 0);
	ASSERT_HEX(st->routing_key.p, st->routing_key.len, "0001");
	cr_assert_eq(ucql_statement_set_routing_key(st, ucql_bytes_of("\x07", 1)), 0);
	ASSERT_HEX(st->routing_key.p, st->routing_key.len, "07");

	/* NULL statement everywhere */
	cr_assert_eq(ucql_statement_set_consistency(NULL, 1), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_set_serial_consistency(NULL, UCQL_CL_SERIAL), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_set_timestamp(NULL, 1), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_set_timeout(NULL, 1), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_set_idempotent(NULL, 1), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_set_page_size(NULL, 1), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_set_paging_state(NULL, S("x")), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_set_keyspace(NULL, "x"), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_set_tracing(NULL, 1), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_add_payload(NULL, "k", S("v")), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_set_routing_key(NULL, S("k")), UCQL_E_INVALID_ARG);
	ucql_statement_free(st);
}

Test(statement, payload_entries_are_stored_as_on_the_wire)
{
	ucql_statement *st = ucql_statement_new("q", 0);
	cr_assert_eq(ucql_statement_add_payload(st, "k1", ucql_bytes_of("\x01\x02", 2)), 0);
	cr_assert_eq(ucql_statement_add_payload(st, "", ucql_bytes_of(NULL, 0)), 0);
	cr_assert_eq(st->n_payload, 2);
	ASSERT_HEX(st->payload.p, st->payload.len, "00026b31000000020102" "000000000000");
	cr_assert_eq(ucql_statement_add_payload(st, NULL, S("v")), UCQL_E_INVALID_ARG);
	cr_assert_eq(st->n_payload, 2);
	ucql_statement_free(st);
}

/* Regression test (fixed): a payload key longer than a [string] (65535 bytes) answers
 * UCQL_E_NOMEM, not UCQL_E_INVALID_ARG (statement.h: the option setters
 * return 0 or UCQL_E_INVALID_ARG). Repro: ucql_statement_add_payload(st,
 * <70000 'k's>, S("v")) == UCQL_E_NOMEM. */
Test(statement, payload_key_too_long_is_invalid_arg)
{
	ucql_statement *st = ucql_statement_new("q", 0);
	char *key = malloc(70001);
	memset(key, 'k', 70000);
	key[70000] = 0;
	cr_assert_eq(ucql_statement_add_payload(st, key, S("v")), UCQL_E_INVALID_ARG);
	cr_assert_eq(st->n_payload, 0);
	free(key);
	ucql_statement_free(st);
}

/* ---- batches ---------------------------------------------------------------------- */

/* The batch's children as a decoder sees them. */
static void read_child(ucql_reader *it, ucql_batch_stmt *c)
{
	cr_assert_eq(ucql_batch_next(it, c), 1);
}

Test(statement, batch_add_copies_simple_and_prepared_children)
{
	static const fx_col markers[] = { FX_COL("k", FX_T_INT), FX_COL("v", FX_T_VARCHAR) };
	ucql_prepared_stmt *p = fx_prepare(sess, "INSERT INTO t (k, v) VALUES (?, ?)", "pid", markers,
					   2, NULL, 0);
	cr_assert_eq(atomic_load(&p->refs), 2);
	ucql_statement *b = ucql_statement_new_batch(UCQL_BATCH_UNLOGGED);
	cr_assert_not_null(b);
	cr_assert_eq(b->kind, UCQL__STMT_BATCH);

	ucql_statement *c1 = ucql_statement_new("INSERT INTO t (k) VALUES (?)", 1);
	cr_assert_eq(ucql_statement_bind_int32(c1, 0, 1), 0);
	ucql_statement_set_consistency(c1, UCQL_CL_ALL); /* ignored */
	cr_assert_eq(ucql_statement_batch_add(b, c1), 0);
	/* copied: changing the child later does not change the batch */
	cr_assert_eq(ucql_statement_bind_int32(c1, 0, 99), 0);

	ucql_statement *c2 = ucql_prepared_stmt_bind(p);
	cr_assert_eq(ucql_statement_bind_int32(c2, 0, 2), 0); /* v left unbound: unset */
	cr_assert_eq(ucql_statement_batch_add(b, c2), 0);
	cr_assert_eq(atomic_load(&p->refs), 4, "the batch holds its own reference");

	ucql_statement *c3 = ucql_statement_new("DELETE FROM t", 0);
	cr_assert_eq(ucql_statement_batch_add(b, c3), 0);
	cr_assert_eq(b->batch_count, 3);

	ucql_batch bt = { .n = b->batch_count, .stmts_raw = ucql_bytes_of(b->batch.p, b->batch.len) };
	ucql_reader it;
	ucql_batch_iter_init(&it, &bt);
	ucql_batch_stmt c;
	ucql_value_iter vi;
	ucql_value v;

	read_child(&it, &c);
	cr_assert_eq(c.kind, UCQL_BATCH_QUERY);
	cr_assert(ucql_bytes_eq_str(c.query_or_id, "INSERT INTO t (k) VALUES (?)"));
	cr_assert_eq(c.n_values, 1);
	ASSERT_HEX(c.values_raw.p, c.values_raw.len, "0000000400000001");

	read_child(&it, &c);
	cr_assert_eq(c.kind, UCQL_BATCH_PREPARED);
	cr_assert(ucql_bytes_eq_str(c.query_or_id, "pid"));
	cr_assert_eq(c.n_values, 2);
	ucql_value_iter_init(&vi, c.values_raw, 0);
	cr_assert_eq(ucql_value_iter_next(&vi, NULL, &v), 1);
	cr_assert_eq(v.len, 4);
	cr_assert_eq(ucql_value_iter_next(&vi, NULL, &v), 1);
	cr_assert_eq(v.len, UCQL_UNSET);

	read_child(&it, &c);
	cr_assert_eq(c.kind, UCQL_BATCH_QUERY);
	cr_assert(ucql_bytes_eq_str(c.query_or_id, "DELETE FROM t"));
	cr_assert_eq(c.n_values, 0);
	cr_assert_eq(ucql_batch_next(&it, &c), 0);
	cr_assert_eq(it.p, it.end);

	ucql_statement_free(c1);
	ucql_statement_free(c2);
	ucql_statement_free(c3);
	cr_assert_eq(atomic_load(&p->refs), 3);
	ucql_statement_free(b);
	cr_assert_eq(atomic_load(&p->refs), 2);
	ucql_prepared_stmt_free(p);
}

Test(statement, batch_add_refusals_leave_the_batch_unchanged)
{
	ucql_statement *b = ucql_statement_new_batch(UCQL_BATCH_LOGGED);
	ucql_statement *ok = ucql_statement_new("INSERT 1", 0);
	cr_assert_eq(ucql_statement_batch_add(b, ok), 0);
	size_t len = b->batch.len;

	ucql_statement *inner = ucql_statement_new_batch(UCQL_BATCH_LOGGED);
	cr_assert_eq(ucql_statement_batch_add(b, inner), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_batch_add(b, b), UCQL_E_INVALID_ARG);

	ucql_statement *named = ucql_statement_new("INSERT :a", 0);
	cr_assert_eq(ucql_statement_bind_int32_by_name(named, "a", 1), 0);
	cr_assert_eq(ucql_statement_batch_add(b, named), UCQL_E_INVALID_ARG);

	ucql_statement *holes = ucql_statement_new("INSERT ?, ?", 2);
	cr_assert_eq(ucql_statement_bind_int32(holes, 1, 1), 0);
	cr_assert_eq(ucql_statement_batch_add(b, holes), UCQL_E_INVALID_ARG);

	/* not a batch, NULLs */
	cr_assert_eq(ucql_statement_batch_add(ok, ok), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_batch_add(NULL, ok), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_batch_add(b, NULL), UCQL_E_INVALID_ARG);

	cr_assert_eq(b->batch_count, 1);
	cr_assert_eq(b->batch.len, len);

	/* a batch takes no values of its own */
	cr_assert_eq(ucql_statement_bind_int32(b, 0, 1), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_bind_null(b, 0), UCQL_E_INVALID_ARG);
	cr_assert_null(ucql_statement_bind_begin(b, 0));
	cr_assert_eq(ucql_statement_bind_int32_by_name(b, "a", 1), UCQL_E_INVALID_ARG);
	cr_assert_null(ucql_statement_bind_begin_by_name(b, "a"));
	cr_assert_eq(b->n_values, 0);

	ucql_statement_free(inner);
	ucql_statement_free(named);
	ucql_statement_free(holes);
	ucql_statement_free(ok);
	ucql_statement_free(b);
}

Test(statement, batch_holds_at_most_65535_children)
{
	ucql_statement *b = ucql_statement_new_batch(UCQL_BATCH_COUNTER);
	ucql_statement *c = ucql_statement_new("U", 0);
	for (int i = 0; i < 65535; i++)
		cr_assert_eq(ucql_statement_batch_add(b, c), 0, "child %d", i);
	cr_assert_eq(b->batch_count, 65535);
	cr_assert_eq(ucql_statement_batch_add(b, c), UCQL_E_INVALID_ARG);
	cr_assert_eq(b->batch_count, 65535);
	cr_assert_eq(b->batch.len, (size_t)65535 * (1 + 4 + 1 + 2));
	ucql_statement_free(c);
	ucql_statement_free(b);
}

/* ---- consistency names ---------------------------------------------------------------- */

Test(statement, consistency_parse)
{
	cr_assert_eq(ucql_consistency_parse("ANY"), UCQL_CL_ANY);
	cr_assert_eq(ucql_consistency_parse("one"), UCQL_CL_ONE);
	cr_assert_eq(ucql_consistency_parse("Two"), UCQL_CL_TWO);
	cr_assert_eq(ucql_consistency_parse("THREE"), UCQL_CL_THREE);
	cr_assert_eq(ucql_consistency_parse("quorum"), UCQL_CL_QUORUM);
	cr_assert_eq(ucql_consistency_parse("ALL"), UCQL_CL_ALL);
	cr_assert_eq(ucql_consistency_parse("LOCAL_QUORUM"), UCQL_CL_LOCAL_QUORUM);
	cr_assert_eq(ucql_consistency_parse("each_quorum"), UCQL_CL_EACH_QUORUM);
	cr_assert_eq(ucql_consistency_parse("Serial"), UCQL_CL_SERIAL);
	cr_assert_eq(ucql_consistency_parse("local_serial"), UCQL_CL_LOCAL_SERIAL);
	cr_assert_eq(ucql_consistency_parse("LOCAL_ONE"), UCQL_CL_LOCAL_ONE);
	cr_assert_eq(ucql_consistency_parse(""), -1);
	cr_assert_eq(ucql_consistency_parse("QUORUMX"), -1);
	cr_assert_eq(ucql_consistency_parse("LOCAL QUORUM"), -1);
	cr_assert_eq(ucql_consistency_parse(NULL), -1);
	for (int cl = UCQL_CL_ANY; cl <= UCQL_CL_LOCAL_ONE; cl++)
		cr_assert_eq(ucql_consistency_parse(ucql_consistency_name(cl)), cl);
}
