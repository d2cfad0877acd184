/*
 * Every CQL type round-trips through the driver and ucql-mock (issue 4,
 * proof 1): written with a simple statement (positional and named values)
 * and with a prepared statement (bound by index and by name), read back
 * and compared byte for byte with what the codec encodes, and value for
 * value with the codec's getters. Rows with ordinary values, extreme
 * values, nulls and empty values; protocol v3, v4 and v5. Counters in a
 * table of their own.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "itest.h"

/* ---- the columns ------------------------------------------------------------ */

enum col {
	C_ASCII, C_BIGINT, C_BLOB, C_BOOLEAN, C_DATE, C_DECIMAL, C_DOUBLE, C_DURATION, C_FLOAT,
	C_INET, C_INT, C_SMALLINT, C_TEXT, C_TIME, C_TIMESTAMP, C_TIMEUUID, C_TINYINT, C_UUID,
	C_VARCHAR, C_VARINT, C_LIST, C_SET, C_MAP, C_NESTED, C_TUPLE, C_UDT, C_VECTOR, N_COLS
};

static const struct {
	const char *name;
	const char *cql;
	uint16_t type_id; /* the metadata's root type */
} cols[N_COLS] = {
	[C_ASCII] = { "c_ascii", "ascii", UCQL_TYPE_ASCII },
	[C_BIGINT] = { "c_bigint", "bigint", UCQL_TYPE_BIGINT },
	[C_BLOB] = { "c_blob", "blob", UCQL_TYPE_BLOB },
	[C_BOOLEAN] = { "c_boolean", "boolean", UCQL_TYPE_BOOLEAN },
	[C_DATE] = { "c_date", "date", UCQL_TYPE_DATE },
	[C_DECIMAL] = { "c_decimal", "decimal", UCQL_TYPE_DECIMAL },
	[C_DOUBLE] = { "c_double", "double", UCQL_TYPE_DOUBLE },
	[C_DURATION] = { "c_duration", "duration", UCQL_TYPE_DURATION },
	[C_FLOAT] = { "c_float", "float", UCQL_TYPE_FLOAT },
	[C_INET] = { "c_inet", "inet", UCQL_TYPE_INET },
	[C_INT] = { "c_int", "int", UCQL_TYPE_INT },
	[C_SMALLINT] = { "c_smallint", "smallint", UCQL_TYPE_SMALLINT },
	[C_TEXT] = { "c_text", "text", UCQL_TYPE_VARCHAR },
	[C_TIME] = { "c_time", "time", UCQL_TYPE_TIME },
	[C_TIMESTAMP] = { "c_timestamp", "timestamp", UCQL_TYPE_TIMESTAMP },
	[C_TIMEUUID] = { "c_timeuuid", "timeuuid", UCQL_TYPE_TIMEUUID },
	[C_TINYINT] = { "c_tinyint", "tinyint", UCQL_TYPE_TINYINT },
	[C_UUID] = { "c_uuid", "uuid", UCQL_TYPE_UUID },
	[C_VARCHAR] = { "c_varchar", "varchar", UCQL_TYPE_VARCHAR },
	[C_VARINT] = { "c_varint", "varint", UCQL_TYPE_VARINT },
	[C_LIST] = { "c_list", "list<int>", UCQL_TYPE_LIST },
	[C_SET] = { "c_set", "set<text>", UCQL_TYPE_SET },
	[C_MAP] = { "c_map", "map<text, int>", UCQL_TYPE_MAP },
	[C_NESTED] = { "c_nested", "list<frozen<map<int, frozen<list<text>>>>>", UCQL_TYPE_LIST },
	[C_TUPLE] = { "c_tuple", "tuple<int, text, double>", UCQL_TYPE_TUPLE },
	[C_UDT] = { "c_udt", "frozen<addr>", UCQL_TYPE_UDT },
	[C_VECTOR] = { "c_vector", "vector<float, 3>", UCQL_TYPE_VECTOR },
};

/* ---- the values of one row ------------------------------------------------------ */

enum kind { K_VALUES, K_NULL, K_EMPTY };

typedef struct vals {
	int kind;
	const char *ascii;
	int64_t bigint;
	uint8_t blob[8];
	size_t blob_len;
	int boolean;
	int64_t date_days;
	int32_t dec_scale;
	int64_t dec_unscaled;
	double dbl;
	ucql_duration dur;
	float flt;
	ucql_inet inet;
	int32_t i32;
	int16_t i16;
	const char *text;
	int64_t time_ns;
	int64_t ts_ms;
	uint8_t timeuuid[16];
	int8_t i8;
	uint8_t uuid[16];
	const char *varchar;
	int64_t varint;
	int32_t list[3];
	int n_list;
	const char *set[3]; /* sorted, as the server returns a set */
	int n_set;
	const char *map_k[2]; /* sorted keys */
	int32_t map_v[2];
	int n_map;
	int32_t tup_i;
	const char *tup_t;
	int tup_d_null; /* the tuple's double is null */
	double tup_d;
	const char *udt_street;
	int32_t udt_num;
	const char *udt_tags[2];
	int n_udt_tags;
	float vec[3];
} vals;

static vals row_values(void)
{
	vals v = {
		.kind = K_VALUES,
		.ascii = "hello ascii",
		.bigint = -1234567890123LL,
		.blob = { 0, 1, 2, 0xff, 0x80 },
		.blob_len = 5,
		.boolean = 1,
		.date_days = -12345,
		.dec_scale = 3,
		.dec_unscaled = -123456789,
		.dbl = -2.5e300,
		.dur = { 14, 3, 123456789 },
		.flt = 3.25f,
		.inet = { 4, { 10, 1, 2, 3 }, 0 },
		.i32 = INT32_MIN,
		.i16 = INT16_MIN,
		.text = "h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93",
		.time_ns = 45296789012345LL,
		.ts_ms = 1700000000123LL,
		.timeuuid = { 0xc0, 0x3e, 0x1a, 0x50, 0x1d, 0x2b, 0x11, 0xee, 0x8c, 0x90, 0x02, 0x42, 0xac, 0x12, 0x00,
			      0x02 },
		.i8 = INT8_MIN,
		.uuid = { 0x55, 0x0e, 0x84, 0x00, 0xe2, 0x9b, 0x41, 0xd4, 0xa7, 0x16, 0x44, 0x66, 0x55, 0x44, 0x00, 0x00 },
		.varchar = "varchar \xe2\x98\x83",
		.varint = -98765432109876LL,
		.list = { 3, 1, 2 },
		.n_list = 3,
		.set = { "a", "b", "c" },
		.n_set = 3,
		.map_k = { "x", "y" },
		.map_v = { 1, -2 },
		.n_map = 2,
		.tup_i = 7,
		.tup_t = "seven",
		.tup_d_null = 1,
		.udt_street = "Main",
		.udt_num = 5,
		.udt_tags = { "t1", "t2" },
		.n_udt_tags = 2,
		.vec = { 1.5f, -2.0f, 0.25f },
	};
	return v;
}

static vals row_extremes(void)
{
	vals v = {
		.kind = K_VALUES,
		.ascii = "~",
		.bigint = INT64_MAX,
		.blob = { 0 },
		.blob_len = 1,
		.boolean = 0,
		.date_days = 0,
		.dec_scale = -2,
		.dec_unscaled = INT64_MIN,
		.dbl = INFINITY,
		.dur = { -1, -2, -3 },
		.flt = -0.0f,
		.inet = { 16, { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, 0 },
		.i32 = INT32_MAX,
		.i16 = INT16_MAX,
		.text = "\xf0\x9f\x98\x80",
		.time_ns = 0,
		.ts_ms = -1,
		.timeuuid = { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
			      0x00 },
		.i8 = INT8_MAX,
		.uuid = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
		.varchar = "z",
		.varint = 0,
		.list = { -1 },
		.n_list = 1,
		.set = { "" },
		.n_set = 1,
		.map_k = { "" },
		.map_v = { 0 },
		.n_map = 1,
		.tup_i = -1,
		.tup_t = "",
		.tup_d = -0.5,
		.udt_street = "",
		.udt_num = 0,
		.n_udt_tags = 0,
		.vec = { 0.0f, -1e30f, 1e-30f },
	};
	return v;
}

/* ---- expected serialized values (the codec's encoders) ------------------------------ */

static void write_text(ucql_writer *w, const char *s)
{
	ucql_value_write_text(w, ucql_bytes_str(s));
}

/* The full value of column c as [bytes] (length included). */
static void write_col(ucql_writer *w, int c, const vals *v)
{
	if (v->kind == K_NULL) {
		ucql_value_write_null(w);
		return;
	}
	if (v->kind == K_EMPTY) {
		ucql_value_write_empty(w);
		return;
	}
	ucql_builder b, b2, b3;
	uint32_t date = 0;
	switch (c) {
	case C_ASCII: write_text(w, v->ascii); break;
	case C_BIGINT: ucql_value_write_bigint(w, v->bigint); break;
	case C_BLOB: ucql_value_write_blob(w, ucql_bytes_of(v->blob, v->blob_len)); break;
	case C_BOOLEAN: ucql_value_write_boolean(w, v->boolean); break;
	case C_DATE:
		cr_assert_eq(ucql_date_from_days(v->date_days, &date), 0);
		ucql_value_write_date(w, date);
		break;
	case C_DECIMAL: ucql_value_write_decimal(w, v->dec_scale, v->dec_unscaled); break;
	case C_DOUBLE: ucql_value_write_double(w, v->dbl); break;
	case C_DURATION: ucql_value_write_duration(w, v->dur); break;
	case C_FLOAT: ucql_value_write_float(w, v->flt); break;
	case C_INET: ucql_value_write_inet(w, &v->inet); break;
	case C_INT: ucql_value_write_int(w, v->i32); break;
	case C_SMALLINT: ucql_value_write_smallint(w, v->i16); break;
	case C_TEXT: write_text(w, v->text); break;
	case C_TIME: ucql_value_write_time(w, v->time_ns); break;
	case C_TIMESTAMP: ucql_value_write_timestamp(w, v->ts_ms); break;
	case C_TIMEUUID: ucql_value_write_timeuuid(w, v->timeuuid); break;
	case C_TINYINT: ucql_value_write_tinyint(w, v->i8); break;
	case C_UUID: ucql_value_write_uuid(w, v->uuid); break;
	case C_VARCHAR: write_text(w, v->varchar); break;
	case C_VARINT: ucql_value_write_varint(w, v->varint); break;
	case C_LIST:
		ucql_coll_begin(&b, w);
		for (int i = 0; i < v->n_list; i++)
			ucql_value_write_int(w, v->list[i]);
		ucql_coll_end(&b, w, v->n_list);
		break;
	case C_SET:
		ucql_coll_begin(&b, w);
		for (int i = 0; i < v->n_set; i++)
			write_text(w, v->set[i]);
		ucql_coll_end(&b, w, v->n_set);
		break;
	case C_MAP:
		ucql_coll_begin(&b, w);
		for (int i = 0; i < v->n_map; i++) {
			write_text(w, v->map_k[i]);
			ucql_value_write_int(w, v->map_v[i]);
		}
		ucql_coll_end(&b, w, v->n_map);
		break;
	case C_NESTED:
		/* [{1: ['a', 'b'], 2: []}, {3: [<text>]}] */
		ucql_coll_begin(&b, w);
		ucql_coll_begin(&b2, w);
		ucql_value_write_int(w, 1);
		ucql_coll_begin(&b3, w);
		write_text(w, "a");
		write_text(w, "b");
		ucql_coll_end(&b3, w, 2);
		ucql_value_write_int(w, 2);
		ucql_coll_begin(&b3, w);
		ucql_coll_end(&b3, w, 0);
		ucql_coll_end(&b2, w, 2);
		ucql_coll_begin(&b2, w);
		ucql_value_write_int(w, 3);
		ucql_coll_begin(&b3, w);
		write_text(w, v->text);
		ucql_coll_end(&b3, w, 1);
		ucql_coll_end(&b2, w, 1);
		ucql_coll_end(&b, w, 2);
		break;
	case C_TUPLE:
		ucql_tuple_begin(&b, w);
		ucql_value_write_int(w, v->tup_i);
		write_text(w, v->tup_t);
		if (v->tup_d_null)
			ucql_value_write_null(w);
		else
			ucql_value_write_double(w, v->tup_d);
		ucql_tuple_end(&b, w);
		break;
	case C_UDT:
		ucql_tuple_begin(&b, w);
		write_text(w, v->udt_street);
		ucql_value_write_int(w, v->udt_num);
		ucql_coll_begin(&b2, w);
		for (int i = 0; i < v->n_udt_tags; i++)
			write_text(w, v->udt_tags[i]);
		ucql_coll_end(&b2, w, v->n_udt_tags);
		ucql_tuple_end(&b, w);
		break;
	case C_VECTOR: ucql_value_write_float_vector(w, v->vec, 3); break;
	default: cr_assert_fail("column %d", c);
	}
}

/* Column c's expected value: a view into buf. */
static ucql_value expected(int c, const vals *v, uint8_t *buf, size_t cap)
{
	ucql_writer w;
	ucql_writer_init(&w, buf, cap);
	write_col(&w, c, v);
	cr_assert_eq(w.err, 0, "encoding %s: %s", cols[c].name, ucql_err_name(w.err));
	int32_t len = (int32_t)ucql__be32(buf);
	return len < 0 ? ucql_value_null() : ucql_value_of(buf + 4, len);
}

/* ---- binding ---------------------------------------------------------------- */

enum mode {
	M_SIMPLE_POS,    /* simple statement, typed binders by index */
	M_SIMPLE_NAMED,  /* simple statement, values by name */
	M_PREP_INDEX,    /* prepared, typed binders by index */
	M_PREP_NAME,     /* prepared, by name */
	M_PREP_RAW,      /* prepared, serialized values (bind_value) by index */
	N_MODES
};
static const char *const mode_names[N_MODES] = { "simple/positional", "simple/named", "prepared/index",
						  "prepared/name", "prepared/raw" };

/* Writes the value through bind_begin (any type). */
static void bind_written(ucql_statement *st, size_t i, const char *name, int c, const vals *v)
{
	ucql_writer *w = name ? ucql_statement_bind_begin_by_name(st, name) : ucql_statement_bind_begin(st, i);
	cr_assert_not_null(w, "bind_begin %s", cols[c].name);
	write_col(w, c, v);
	cr_assert_eq(ucql_statement_bind_end(st, w), 0, "bind_end %s", cols[c].name);
}

/* Typed binder by index where one exists (prepared: the marker's type is
 * known; simple: the binder's own encoding must be the column's). */
static void bind_typed(ucql_statement *st, size_t i, int c, const vals *v, int prepared)
{
	int rc;
	if (v->kind == K_NULL) {
		rc = ucql_statement_bind_null(st, i);
		cr_assert_eq(rc, 0);
		return;
	}
	if (v->kind == K_EMPTY) {
		rc = ucql_statement_bind_value(st, i, ucql_value_of("", 0));
		cr_assert_eq(rc, 0);
		return;
	}
	switch (c) {
	case C_ASCII: rc = ucql_statement_bind_string(st, i, v->ascii); break;
	case C_BIGINT: rc = ucql_statement_bind_int64(st, i, v->bigint); break;
	case C_BLOB: rc = ucql_statement_bind_blob(st, i, v->blob, v->blob_len); break;
	case C_BOOLEAN: rc = ucql_statement_bind_bool(st, i, v->boolean); break;
	case C_DATE: rc = ucql_statement_bind_date(st, i, v->date_days); break;
	case C_DECIMAL: rc = ucql_statement_bind_decimal(st, i, v->dec_scale, v->dec_unscaled); break;
	case C_DOUBLE: rc = ucql_statement_bind_double(st, i, v->dbl); break;
	case C_DURATION: rc = ucql_statement_bind_duration(st, i, v->dur); break;
	case C_FLOAT: rc = ucql_statement_bind_float(st, i, v->flt); break;
	case C_INET: rc = ucql_statement_bind_inet(st, i, &v->inet); break;
	case C_INT: rc = ucql_statement_bind_int32(st, i, v->i32); break;
	case C_SMALLINT: rc = ucql_statement_bind_int16(st, i, v->i16); break;
	case C_TEXT: rc = ucql_statement_bind_text(st, i, v->text, strlen(v->text)); break;
	case C_TIME:
		/* prepared: the generic int64 binder follows the marker's type */
		rc = prepared ? ucql_statement_bind_int64(st, i, v->time_ns) : ucql_statement_bind_time(st, i, v->time_ns);
		break;
	case C_TIMESTAMP:
		rc = prepared ? ucql_statement_bind_int64(st, i, v->ts_ms) : ucql_statement_bind_timestamp(st, i, v->ts_ms);
		break;
	case C_TIMEUUID: rc = ucql_statement_bind_uuid(st, i, v->timeuuid); break;
	case C_TINYINT: rc = ucql_statement_bind_int8(st, i, v->i8); break;
	case C_UUID: rc = ucql_statement_bind_uuid(st, i, v->uuid); break;
	case C_VARCHAR: rc = ucql_statement_bind_string(st, i, v->varchar); break;
	case C_VARINT:
		if (prepared) {
			rc = ucql_statement_bind_int64(st, i, v->varint);
			break;
		}
		bind_written(st, i, NULL, c, v);
		return;
	default:
		bind_written(st, i, NULL, c, v);
		return;
	}
	cr_assert_eq(rc, 0, "binding %s: %s", cols[c].name, ucql_err_name(rc));
}

/* By name: the typed by-name binders where they fit, else bind_begin_by_name. */
static void bind_named(ucql_statement *st, const char *name, int c, const vals *v)
{
	int rc;
	if (v->kind == K_NULL) {
		rc = ucql_statement_bind_null_by_name(st, name);
	} else if (v->kind == K_EMPTY) {
		rc = ucql_statement_bind_value_by_name(st, name, ucql_value_of("", 0));
	} else if (c == C_INT) {
		rc = ucql_statement_bind_int32_by_name(st, name, v->i32);
	} else if (c == C_BIGINT) {
		rc = ucql_statement_bind_int64_by_name(st, name, v->bigint);
	} else if (c == C_DOUBLE) {
		rc = ucql_statement_bind_double_by_name(st, name, v->dbl);
	} else if (c == C_TEXT) {
		rc = ucql_statement_bind_string_by_name(st, name, v->text);
	} else if (c == C_BLOB) {
		rc = ucql_statement_bind_blob_by_name(st, name, v->blob, v->blob_len);
	} else if (c == C_UUID) {
		uint8_t buf[64];
		rc = ucql_statement_bind_value_by_name(st, name, expected(c, v, buf, sizeof buf));
	} else {
		bind_written(st, 0, name, c, v);
		return;
	}
	cr_assert_eq(rc, 0, "binding %s by name: %s", name, ucql_err_name(rc));
}

/* ---- the table ---------------------------------------------------------------- */

static char insert_pos[2048], insert_named[2048], select_all[2048];

static void make_schema(ucql_session *s)
{
	it_keyspace(s, "ks", 1);
	it_exec(s, "CREATE TYPE ks.addr (street text, num int, tags frozen<set<text>>)");
	char ddl[2048];
	size_t o = (size_t)snprintf(ddl, sizeof ddl, "CREATE TABLE ks.ty (k int PRIMARY KEY");
	size_t a = (size_t)snprintf(insert_pos, sizeof insert_pos, "INSERT INTO ks.ty (k");
	size_t b = (size_t)snprintf(insert_named, sizeof insert_named, "INSERT INTO ks.ty (k");
	for (int c = 0; c < N_COLS; c++) {
		o += (size_t)snprintf(ddl + o, sizeof ddl - o, ", %s %s", cols[c].name, cols[c].cql);
		a += (size_t)snprintf(insert_pos + a, sizeof insert_pos - a, ", %s", cols[c].name);
		b += (size_t)snprintf(insert_named + b, sizeof insert_named - b, ", %s", cols[c].name);
	}
	snprintf(ddl + o, sizeof ddl - o, ")");
	it_exec(s, ddl);
	a += (size_t)snprintf(insert_pos + a, sizeof insert_pos - a, ") VALUES (?");
	b += (size_t)snprintf(insert_named + b, sizeof insert_named - b, ") VALUES (:k");
	for (int c = 0; c < N_COLS; c++) {
		a += (size_t)snprintf(insert_pos + a, sizeof insert_pos - a, ", ?");
		b += (size_t)snprintf(insert_named + b, sizeof insert_named - b, ", :%s", cols[c].name);
	}
	snprintf(insert_pos + a, sizeof insert_pos - a, ")");
	snprintf(insert_named + b, sizeof insert_named - b, ")");
	snprintf(select_all, sizeof select_all, "SELECT * FROM ks.ty WHERE k = ?");
}

/* Writes row k with values v in mode `mode`. */
static void write_row(ucql_session *s, int mode, int32_t k, const vals *v)
{
	ucql_statement *st = NULL;
	ucql_prepared_stmt *p = NULL;
	switch (mode) {
	case M_SIMPLE_POS:
		st = ucql_statement_new(insert_pos, N_COLS + 1);
		cr_assert_eq(ucql_statement_bind_int32(st, 0, k), 0);
		for (int c = 0; c < N_COLS; c++)
			bind_typed(st, (size_t)c + 1, c, v, 0);
		break;
	case M_SIMPLE_NAMED:
		st = ucql_statement_new(insert_named, 0);
		cr_assert_eq(ucql_statement_bind_int32_by_name(st, "k", k), 0);
		for (int c = 0; c < N_COLS; c++)
			bind_named(st, cols[c].name, c, v);
		break;
	case M_PREP_INDEX:
	case M_PREP_RAW:
		p = it_prepare(s, insert_pos);
		cr_assert_eq(ucql_prepared_stmt_param_count(p), N_COLS + 1);
		st = ucql_prepared_stmt_bind(p);
		cr_assert_eq(ucql_statement_bind_int32(st, 0, k), 0);
		for (int c = 0; c < N_COLS; c++) {
			if (mode == M_PREP_INDEX) {
				bind_typed(st, (size_t)c + 1, c, v, 1);
			} else {
				uint8_t buf[512];
				cr_assert_eq(ucql_statement_bind_value(st, (size_t)c + 1, expected(c, v, buf, sizeof buf)), 0);
			}
		}
		break;
	case M_PREP_NAME:
		p = it_prepare(s, insert_named);
		st = ucql_prepared_stmt_bind(p);
		cr_assert_eq(ucql_statement_bind_int32_by_name(st, "k", k), 0);
		for (int c = 0; c < N_COLS; c++)
			bind_named(st, cols[c].name, c, v);
		break;
	}
	cr_assert_not_null(st);
	ucql_resultset *rs = ucql_session_execute_sync(s, st);
	cr_assert_eq(ucql_resultset_error_code(rs), 0, "%s insert k=%d: %s: %s", mode_names[mode], k,
		     ucql_err_name(ucql_resultset_error_code(rs)), ucql_resultset_error_message(rs));
	ucql_resultset_free(rs);
	ucql_statement_free(st);
	ucql_prepared_stmt_free(p);
}

/* ---- reading back ------------------------------------------------------------- */

static void eq_text(ucql_value got, const char *want, const char *what)
{
	ucql_bytes b;
	cr_assert_eq(ucql_value_get_text(got, &b), 0, "%s", what);
	cr_assert(b.len == strlen(want) && !memcmp(b.p, want, b.len), "%s: '%.*s' != '%s'", what, (int)b.len,
		  (const char *)b.p, want);
}

/* Value-exact checks with the codec's getters. */
static void check_value(int c, ucql_value got, const vals *v, const char *what)
{
	int64_t i64;
	int32_t i32, scale;
	int16_t i16;
	int8_t i8;
	uint32_t date;
	int b;
	float f;
	double d;
	const uint8_t *u;
	ucql_bytes bb;
	ucql_duration du;
	ucql_inet in;
	ucql_iter it, it2;
	ucql_value e, e2;
	switch (c) {
	case C_ASCII:
		eq_text(got, v->ascii, what);
		cr_assert(ucql_ascii_valid(ucql_bytes_of(got.p, (size_t)got.len)));
		break;
	case C_BIGINT:
		cr_assert_eq(ucql_value_get_bigint(got, &i64), 0, "%s", what);
		cr_assert_eq(i64, v->bigint, "%s", what);
		break;
	case C_BLOB:
		cr_assert_eq(ucql_value_get_blob(got, &bb), 0, "%s", what);
		cr_assert(bb.len == v->blob_len && !memcmp(bb.p, v->blob, bb.len), "%s", what);
		break;
	case C_BOOLEAN:
		cr_assert_eq(ucql_value_get_boolean(got, &b), 0, "%s", what);
		cr_assert_eq(b, v->boolean, "%s", what);
		break;
	case C_DATE:
		cr_assert_eq(ucql_value_get_date(got, &date), 0, "%s", what);
		cr_assert_eq(ucql_date_to_days(date), v->date_days, "%s", what);
		break;
	case C_DECIMAL:
		cr_assert_eq(ucql_value_get_decimal_i64(got, &scale, &i64), 0, "%s", what);
		cr_assert_eq(scale, v->dec_scale, "%s", what);
		cr_assert_eq(i64, v->dec_unscaled, "%s", what);
		break;
	case C_DOUBLE:
		cr_assert_eq(ucql_value_get_double(got, &d), 0, "%s", what);
		cr_assert(d == v->dbl, "%s: %g != %g", what, d, v->dbl);
		break;
	case C_DURATION:
		cr_assert_eq(ucql_value_get_duration(got, &du), 0, "%s", what);
		cr_assert(du.months == v->dur.months && du.days == v->dur.days && du.nanos == v->dur.nanos, "%s", what);
		break;
	case C_FLOAT:
		cr_assert_eq(ucql_value_get_float(got, &f), 0, "%s", what);
		cr_assert(f == v->flt && signbit(f) == signbit(v->flt), "%s: %g != %g", what, f, v->flt);
		break;
	case C_INET:
		cr_assert_eq(ucql_value_get_inet(got, &in), 0, "%s", what);
		cr_assert(in.len == v->inet.len && !memcmp(in.addr, v->inet.addr, in.len), "%s", what);
		break;
	case C_INT:
		cr_assert_eq(ucql_value_get_int(got, &i32), 0, "%s", what);
		cr_assert_eq(i32, v->i32, "%s", what);
		break;
	case C_SMALLINT:
		cr_assert_eq(ucql_value_get_smallint(got, &i16), 0, "%s", what);
		cr_assert_eq(i16, v->i16, "%s", what);
		break;
	case C_TEXT:
		eq_text(got, v->text, what);
		cr_assert(ucql_utf8_valid(ucql_bytes_of(got.p, (size_t)got.len)));
		break;
	case C_TIME:
		cr_assert_eq(ucql_value_get_time(got, &i64), 0, "%s", what);
		cr_assert_eq(i64, v->time_ns, "%s", what);
		break;
	case C_TIMESTAMP:
		cr_assert_eq(ucql_value_get_timestamp(got, &i64), 0, "%s", what);
		cr_assert_eq(i64, v->ts_ms, "%s", what);
		break;
	case C_TIMEUUID:
		cr_assert_eq(ucql_value_get_timeuuid(got, &u), 0, "%s", what);
		cr_assert(!memcmp(u, v->timeuuid, 16), "%s", what);
		break;
	case C_TINYINT:
		cr_assert_eq(ucql_value_get_tinyint(got, &i8), 0, "%s", what);
		cr_assert_eq(i8, v->i8, "%s", what);
		break;
	case C_UUID:
		cr_assert_eq(ucql_value_get_uuid(got, &u), 0, "%s", what);
		cr_assert(!memcmp(u, v->uuid, 16), "%s", what);
		break;
	case C_VARCHAR: eq_text(got, v->varchar, what); break;
	case C_VARINT:
		cr_assert_eq(ucql_value_get_varint(got, &i64), 0, "%s", what);
		cr_assert_eq(i64, v->varint, "%s", what);
		break;
	case C_LIST:
		cr_assert_eq(ucql_coll_iter_init(&it, got), 0, "%s", what);
		cr_assert_eq(ucql_coll_count(&it), v->n_list, "%s", what);
		for (int i = 0; i < v->n_list; i++) {
			cr_assert_eq(ucql_list_next(&it, &e), 1, "%s", what);
			cr_assert_eq(ucql_value_get_int(e, &i32), 0);
			cr_assert_eq(i32, v->list[i], "%s[%d]", what, i);
		}
		cr_assert_eq(ucql_list_next(&it, &e), 0, "%s", what);
		break;
	case C_SET:
		cr_assert_eq(ucql_coll_iter_init(&it, got), 0, "%s", what);
		for (int i = 0; i < v->n_set; i++) {
			cr_assert_eq(ucql_list_next(&it, &e), 1, "%s", what);
			eq_text(e, v->set[i], what);
		}
		cr_assert_eq(ucql_list_next(&it, &e), 0, "%s", what);
		break;
	case C_MAP:
		cr_assert_eq(ucql_coll_iter_init(&it, got), 0, "%s", what);
		for (int i = 0; i < v->n_map; i++) {
			cr_assert_eq(ucql_map_next(&it, &e, &e2), 1, "%s", what);
			eq_text(e, v->map_k[i], what);
			cr_assert_eq(ucql_value_get_int(e2, &i32), 0);
			cr_assert_eq(i32, v->map_v[i], "%s", what);
		}
		cr_assert_eq(ucql_map_next(&it, &e, &e2), 0, "%s", what);
		break;
	case C_NESTED: {
		/* second element: {3: [text]} */
		cr_assert_eq(ucql_coll_iter_init(&it, got), 0, "%s", what);
		cr_assert_eq(ucql_coll_count(&it), 2, "%s", what);
		cr_assert_eq(ucql_list_next(&it, &e), 1);
		cr_assert_eq(ucql_list_next(&it, &e), 1);
		cr_assert_eq(ucql_coll_iter_init(&it2, e), 0);
		cr_assert_eq(ucql_map_next(&it2, &e, &e2), 1);
		cr_assert_eq(ucql_value_get_int(e, &i32), 0);
		cr_assert_eq(i32, 3, "%s", what);
		ucql_iter it3;
		cr_assert_eq(ucql_coll_iter_init(&it3, e2), 0);
		cr_assert_eq(ucql_list_next(&it3, &e), 1);
		eq_text(e, v->text, what);
		break;
	}
	case C_TUPLE:
		cr_assert_eq(ucql_tuple_iter_init(&it, got), 0, "%s", what);
		cr_assert_eq(ucql_tuple_next(&it, &e), 1);
		cr_assert_eq(ucql_value_get_int(e, &i32), 0);
		cr_assert_eq(i32, v->tup_i, "%s", what);
		cr_assert_eq(ucql_tuple_next(&it, &e), 1);
		eq_text(e, v->tup_t, what);
		cr_assert_eq(ucql_tuple_next(&it, &e), 1);
		if (v->tup_d_null) {
			cr_assert_eq(e.len, UCQL_NULL, "%s: null tuple field", what);
		} else {
			cr_assert_eq(ucql_value_get_double(e, &d), 0);
			cr_assert(d == v->tup_d, "%s", what);
		}
		cr_assert_eq(ucql_tuple_next(&it, &e), 0);
		break;
	case C_UDT:
		cr_assert_eq(ucql_tuple_iter_init(&it, got), 0, "%s", what);
		cr_assert_eq(ucql_tuple_next(&it, &e), 1);
		eq_text(e, v->udt_street, what);
		cr_assert_eq(ucql_tuple_next(&it, &e), 1);
		cr_assert_eq(ucql_value_get_int(e, &i32), 0);
		cr_assert_eq(i32, v->udt_num, "%s", what);
		cr_assert_eq(ucql_tuple_next(&it, &e), 1);
		cr_assert_eq(ucql_coll_iter_init(&it2, e), 0);
		cr_assert_eq(ucql_coll_count(&it2), v->n_udt_tags, "%s", what);
		break;
	case C_VECTOR: {
		float out[3];
		cr_assert_eq(ucql_value_get_float_vector(got, out, 3), 0, "%s", what);
		cr_assert(!memcmp(out, v->vec, sizeof out), "%s", what);
		break;
	}
	default: cr_assert_fail("column %d", c);
	}
}

/* Reads row k back and compares every column with v. */
static void check_row(ucql_session *s, int32_t k, const vals *v, const char *how, int version)
{
	ucql_statement *st = ucql_statement_new(select_all, 1);
	cr_assert_eq(ucql_statement_bind_int32(st, 0, k), 0);
	ucql_resultset *rs = it_run(s, st);
	ucql_statement_free(st);
	cr_assert_eq(ucql_resultset_row_count(rs), 1, "%s k=%d: %d rows", how, k, ucql_resultset_row_count(rs));
	cr_assert_eq(ucql_resultset_column_count(rs), N_COLS + 1);
	const ucql_value *row = ucql_resultset_next_row(rs);
	cr_assert_not_null(row);
	for (int c = 0; c < N_COLS; c++) {
		int32_t idx = ucql_resultset_column_index(rs, cols[c].name);
		cr_assert_geq(idx, 0, "column %s missing", cols[c].name);
		const ucql_type_set *ts = ucql_resultset_column_type(rs, idx);
		cr_assert_not_null(ts, "%s: no type", cols[c].name);
		uint16_t id = ucql_type_at(ts, 0)->id;
		/* before v5 a duration travels as a custom class name */
		cr_assert(id == cols[c].type_id || (c == C_DURATION && version < 5 && id == UCQL_TYPE_CUSTOM),
			  "%s: type id 0x%x, want 0x%x", cols[c].name, id, cols[c].type_id);
		char what[160];
		snprintf(what, sizeof what, "v%d %s k=%d %s", version, how, k, cols[c].name);
		uint8_t buf[512];
		ucql_value want = expected(c, v, buf, sizeof buf);
		ucql_value got = row[idx];
		cr_assert_eq(got.len, want.len, "%s: length %d, want %d", what, (int)got.len, (int)want.len);
		if (want.len > 0)
			cr_assert(!memcmp(got.p, want.p, (size_t)want.len), "%s: bytes differ", what);
		if (v->kind == K_VALUES)
			check_value(c, got, v, what);
	}
	cr_assert_null(ucql_resultset_next_row(rs));
	ucql_resultset_free(rs);
}

/* ---- the tests ------------------------------------------------------------------ */

static void round_trip(int version)
{
	it_mock m;
	it_mock_start_n(&m, 1);
	ucql_config *cfg = it_config(&m, 1);
	char vb[4];
	snprintf(vb, sizeof vb, "%d", version);
	it_set(cfg, "protocol.version", vb);
	ucql_session *s = it_connect(cfg);
	ucql_config_free(cfg);
	cr_assert_eq(ucql_session_protocol_version(s), version);
	make_schema(s);

	vals variants[4];
	variants[0] = row_values();
	variants[1] = row_extremes();
	memset(&variants[2], 0, sizeof variants[2]);
	variants[2].kind = K_NULL;
	memset(&variants[3], 0, sizeof variants[3]);
	variants[3].kind = K_EMPTY;
	for (int mode = 0; mode < N_MODES; mode++)
		for (int r = 0; r < 4; r++)
			write_row(s, mode, mode * 10 + r, &variants[r]);
	for (int mode = 0; mode < N_MODES; mode++)
		for (int r = 0; r < 4; r++)
			check_row(s, mode * 10 + r, &variants[r], mode_names[mode], version);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

Test(types, round_trip_v5, .timeout = 60)
{
	round_trip(5);
}

Test(types, round_trip_v4, .timeout = 60)
{
	round_trip(4);
}

Test(types, round_trip_v3, .timeout = 60)
{
	round_trip(3);
}

/* Unset values (v4+) leave a column as it was; a v3 session refuses them. */
Test(types, unset_leaves_columns, .timeout = 60)
{
	it_mock m;
	it_mock_start_n(&m, 1);
	ucql_session *s = it_session(&m, 1);
	it_keyspace(s, "ks", 1);
	it_exec(s, "CREATE TABLE ks.u (k int PRIMARY KEY, a int, b text)");
	it_exec(s, "INSERT INTO ks.u (k, a, b) VALUES (1, 10, 'ten')");
	ucql_prepared_stmt *p = it_prepare(s, "INSERT INTO ks.u (k, a, b) VALUES (?, ?, ?)");
	ucql_statement *st = ucql_prepared_stmt_bind(p);
	cr_assert_eq(ucql_statement_bind_int32(st, 0, 1), 0);
	cr_assert_eq(ucql_statement_bind_int32(st, 1, 11), 0);
	cr_assert_eq(ucql_statement_bind_unset(st, 2), 0);
	ucql_resultset_free(it_run(s, st));
	ucql_statement_free(st);
	ucql_prepared_stmt_free(p);
	ucql_resultset *rs = it_query(s, "SELECT a, b FROM ks.u WHERE k = 1");
	const ucql_value *row = ucql_resultset_next_row(rs);
	cr_assert_not_null(row);
	int32_t a;
	cr_assert_eq(ucql_value_get_int(row[0], &a), 0);
	cr_assert_eq(a, 11);
	eq_text(row[1], "ten", "b kept");
	ucql_resultset_free(rs);
	ucql_session_close(s, 5000);

	ucql_config *cfg = it_config(&m, 1);
	it_set(cfg, "protocol.version", "3");
	s = it_connect(cfg);
	ucql_config_free(cfg);
	st = ucql_statement_new("INSERT INTO ks.u (k, a, b) VALUES (?, ?, ?)", 3);
	cr_assert_eq(ucql_statement_bind_int32(st, 0, 2), 0);
	cr_assert_eq(ucql_statement_bind_int32(st, 1, 2), 0);
	cr_assert_eq(ucql_statement_bind_unset(st, 2), 0);
	rs = ucql_session_execute_sync(s, st);
	cr_assert_eq(ucql_resultset_error_code(rs), UCQL_E_INVALID_ARG, "%s",
		     ucql_err_name(ucql_resultset_error_code(rs)));
	ucql_resultset_free(rs);
	ucql_statement_free(st);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

/* Counters: UPDATE … SET c = c + ? with every way of binding; the sums. */
Test(types, counter, .timeout = 60)
{
	it_mock m;
	it_mock_start_n(&m, 1);
	ucql_session *s = it_session(&m, 1);
	it_keyspace(s, "ks", 1);
	it_exec(s, "CREATE TABLE ks.cnt (k int PRIMARY KEY, c counter)");
	const char *pos = "UPDATE ks.cnt SET c = c + ? WHERE k = ?";
	const char *named = "UPDATE ks.cnt SET c = c + :d WHERE k = :k";
	ucql_prepared_stmt *pp = it_prepare(s, pos);
	ucql_prepared_stmt *pn = it_prepare(s, named);
	for (int i = 0; i < 4; i++) {
		ucql_statement *st;
		int64_t d = i % 2 ? -(int64_t)i : (int64_t)i * 1000000000000LL;
		if (i == 0) {
			st = ucql_statement_new(pos, 2);
			cr_assert_eq(ucql_statement_bind_int64(st, 0, d), 0);
			cr_assert_eq(ucql_statement_bind_int32(st, 1, 1), 0);
		} else if (i == 1) {
			st = ucql_statement_new(named, 0);
			cr_assert_eq(ucql_statement_bind_int64_by_name(st, "d", d), 0);
			cr_assert_eq(ucql_statement_bind_int32_by_name(st, "k", 1), 0);
		} else if (i == 2) {
			st = ucql_prepared_stmt_bind(pp);
			cr_assert_eq(ucql_statement_bind_int64(st, 0, d), 0);
			cr_assert_eq(ucql_statement_bind_int32(st, 1, 1), 0);
		} else {
			st = ucql_prepared_stmt_bind(pn);
			cr_assert_eq(ucql_statement_bind_int64_by_name(st, "d", d), 0);
			cr_assert_eq(ucql_statement_bind_int32_by_name(st, "k", 1), 0);
		}
		ucql_resultset_free(it_run(s, st));
		ucql_statement_free(st);
	}
	/* 0 - 1 + 2e12 - 3 */
	cr_assert_eq(it_scalar_i64(s, "SELECT c FROM ks.cnt WHERE k = 1"), 2000000000000LL - 4);
	ucql_resultset *rs = it_query(s, "SELECT c FROM ks.cnt WHERE k = 1");
	cr_assert_eq(ucql_type_at(ucql_resultset_column_type(rs, 0), 0)->id, UCQL_TYPE_COUNTER);
	ucql_resultset_free(rs);
	ucql_prepared_stmt_free(pp);
	ucql_prepared_stmt_free(pn);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

/* A prepared statement checks what the typed binders know. */
Test(types, prepared_binders_check_types, .timeout = 60)
{
	it_mock m;
	it_mock_start_n(&m, 1);
	ucql_session *s = it_session(&m, 1);
	it_keyspace(s, "ks", 1);
	it_exec(s, "CREATE TABLE ks.c (k int PRIMARY KEY, t text, b bigint)");
	ucql_prepared_stmt *p = it_prepare(s, "INSERT INTO ks.c (k, t, b) VALUES (:k, :t, :b)");
	cr_assert_eq(ucql_prepared_stmt_param_count(p), 3);
	ucql_bytes n = ucql_prepared_stmt_param_name(p, 1);
	cr_assert(n.len == 1 && n.p[0] == 't');
	ucql_statement *st = ucql_prepared_stmt_bind(p);
	cr_assert_eq(ucql_statement_bind_int32(st, 1, 5), UCQL_E_BAD_VALUE, "an int for a text marker");
	cr_assert_eq(ucql_statement_bind_string(st, 0, "x"), UCQL_E_BAD_VALUE, "text for an int marker");
	cr_assert_eq(ucql_statement_bind_int32(st, 3, 5), UCQL_E_INVALID_ARG, "no marker 3");
	cr_assert_eq(ucql_statement_bind_int32_by_name(st, "nosuch", 5), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_bind_int32_by_name(st, "k", 9), 0);
	cr_assert_eq(ucql_statement_bind_string_by_name(st, "t", "nine"), 0);
	cr_assert_eq(ucql_statement_bind_int64_by_name(st, "b", -9), 0);
	ucql_resultset_free(it_run(s, st));
	ucql_statement_free(st);
	ucql_prepared_stmt_free(p);
	cr_assert_eq(it_scalar_i64(s, "SELECT b FROM ks.c WHERE k = 9"), -9);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}
