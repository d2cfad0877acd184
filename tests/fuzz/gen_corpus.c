/*
 * gen_corpus — writes the seed corpora of the fuzz targets with ucql's own
 * encoders: small valid inputs for every message, event, error, result
 * kind and CQL type, segments plain and lz4, split envelopes.
 *
 *   gen_corpus OUTDIR     writes OUTDIR/<target>/<what>-<n>
 *
 * Regenerate the committed seeds (see tests/fuzz/README.md):
 *   ninja -C build tests/fuzz/gen_corpus && build/tests/fuzz/gen_corpus tests/fuzz/corpus
 * Files are overwritten, never deleted: inputs kept from fuzzing runs stay.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ucql/frame.h"
#include "ucql/request.h"
#include "ucql/response.h"
#include "ucql/segment.h"
#include "ucql/types.h"

static const char *outdir;
static int written;

static void save(const char *target, const char *what, int n, const void *p, size_t len)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", outdir, target);
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof path, "%s/%s/%s-%d", outdir, target, what, n);
	FILE *f = fopen(path, "wb");
	if (!f || (len && fwrite(p, 1, len, f) != len) || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
	written++;
}

#define CAP (64 * 1024)
static uint8_t buf[CAP];

static void must(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "gen_corpus: %s failed\n", what);
		exit(1);
	}
}

static ucql_bytes S(const char *s)
{
	return ucql_bytes_str(s);
}

static const uint8_t uuid1[16] = { 0x5a, 0x1c, 0x39, 0x5e, 0xb6, 0x37, 0x11, 0xee,
				   0x80, 0x00, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc };

/* ---- message bodies ---------------------------------------------------------------- */

typedef void (*body_fn)(ucql_writer *w, int v);

static void b_startup(ucql_writer *w, int v)
{
	ucql_bytes kv[] = { S("CQL_VERSION"), S("3.0.0"), S("COMPRESSION"), S("lz4") };
	ucql_startup m = { kv, 2, { 0, { NULL, 0 } } };
	ucql_startup_encode(w, v, &m);
}
static void b_options(ucql_writer *w, int v) { ucql_options_encode(w, v); }
static void b_register(ucql_writer *w, int v)
{
	ucql_bytes ev[] = { S("TOPOLOGY_CHANGE"), S("STATUS_CHANGE"), S("SCHEMA_CHANGE") };
	ucql_register m = { ev, 3, { 0, { NULL, 0 } } };
	ucql_register_encode(w, v, &m);
}
static void b_auth_response(ucql_writer *w, int v)
{
	ucql_auth_response m = { ucql_value_of("\0cassandra\0cassandra", 20) };
	ucql_auth_response_encode(w, v, &m);
}
static void params(ucql_query_params *p, int v, int named)
{
	static ucql_value vals[3];
	static ucql_bytes names[3];
	vals[0] = ucql_value_of("\0\0\0\x2a", 4);
	vals[1] = ucql_value_null();
	vals[2] = v >= 4 ? ucql_value_unset() : ucql_value_of("", 0);
	names[0] = S("a");
	names[1] = S("b");
	names[2] = S("c");
	memset(p, 0, sizeof *p);
	p->consistency = UCQL_CL_LOCAL_QUORUM;
	p->flags = UCQL_QP_VALUES | UCQL_QP_PAGE_SIZE | UCQL_QP_PAGING_STATE |
		   UCQL_QP_SERIAL_CONSISTENCY | UCQL_QP_TIMESTAMP | (named ? UCQL_QP_NAMES : 0);
	if (v >= 5)
		p->flags |= UCQL_QP_KEYSPACE | UCQL_QP_NOW_IN_SECONDS;
	p->n_values = 3;
	p->values = vals;
	p->names = names;
	p->page_size = 5000;
	p->paging_state = ucql_value_of("\x01\x02\x03", 3);
	p->serial_consistency = UCQL_CL_LOCAL_SERIAL;
	p->timestamp = 1700000000000000;
	p->keyspace = S("ks");
	p->now_in_seconds = 1700000000;
}
static void b_query(ucql_writer *w, int v)
{
	ucql_query m;
	m.query = S("SELECT * FROM ks.t WHERE a = ? AND b = ? AND c = ?");
	params(&m.params, v, 0);
	ucql_query_encode(w, v, &m);
}
static void b_query_named(ucql_writer *w, int v)
{
	ucql_query m;
	m.query = S("SELECT * FROM t WHERE a = :a AND b = :b AND c = :c");
	params(&m.params, v, 1);
	ucql_query_encode(w, v, &m);
}
static void b_query_plain(ucql_writer *w, int v)
{
	ucql_query m;
	memset(&m, 0, sizeof m);
	m.query = S("SELECT release_version FROM system.local");
	m.params.consistency = UCQL_CL_ONE;
	ucql_query_encode(w, v, &m);
}
static void b_prepare(ucql_writer *w, int v)
{
	ucql_prepare m = { S("INSERT INTO t (a, b) VALUES (?, ?)"), 0, { NULL, 0 } };
	if (v >= 5) {
		m.flags = UCQL_PREPARE_KEYSPACE;
		m.keyspace = S("ks");
	}
	ucql_prepare_encode(w, v, &m);
}
static void b_execute(ucql_writer *w, int v)
{
	ucql_execute m;
	m.id = ucql_bytes_of(uuid1, 16);
	m.result_metadata_id = ucql_bytes_of(uuid1 + 8, 8);
	params(&m.params, v, 0);
	m.params.flags |= UCQL_QP_SKIP_METADATA;
	ucql_execute_encode(w, v, &m);
}
static void b_batch(ucql_writer *w, int v)
{
	static const ucql_value vals[2] = { { (const uint8_t *)"\0\0\0\1", 4 }, { NULL, UCQL_NULL } };
	ucql_batch_stmt st[2] = {
		{ UCQL_BATCH_QUERY, S("INSERT INTO t (a, b) VALUES (?, ?)"), 2, vals, { NULL, 0 } },
		{ UCQL_BATCH_PREPARED, ucql_bytes_of(uuid1, 16), 1, vals, { NULL, 0 } },
	};
	ucql_batch m;
	memset(&m, 0, sizeof m);
	m.type = UCQL_BATCH_UNLOGGED;
	m.n = 2;
	m.stmts = st;
	m.consistency = UCQL_CL_QUORUM;
	m.flags = UCQL_QP_SERIAL_CONSISTENCY | UCQL_QP_TIMESTAMP;
	m.serial_consistency = UCQL_CL_SERIAL;
	m.timestamp = 42;
	if (v >= 5) {
		m.flags |= UCQL_QP_KEYSPACE | UCQL_QP_NOW_IN_SECONDS;
		m.keyspace = S("ks");
		m.now_in_seconds = 7;
	}
	ucql_batch_encode(w, v, &m);
}

static void error_body(ucql_writer *w, int v, int code)
{
	ucql_error_msg m;
	ucql_error_msg_init(&m, code, S("something failed"));
	m.consistency = UCQL_CL_QUORUM;
	m.required = 3;
	m.alive = 1;
	m.received = 1;
	m.block_for = 2;
	m.write_type = S(code == UCQL_E_WRITE_TIMEOUT ? "CAS" : "SIMPLE");
	m.contentions = 2;
	m.data_present = 1;
	m.keyspace = S("ks");
	m.name = S(code == UCQL_E_FUNCTION_FAILURE ? "fn" : "t");
	ucql_bytes args[] = { S("int"), S("text") };
	uint8_t alist[64];
	ucql_writer lw;
	ucql_writer_init(&lw, alist, sizeof alist);
	ucql_write_string_list(&lw, args, 2);
	m.arg_types.n = 2;
	m.arg_types.raw = ucql_bytes_of(alist + 2, lw.len - 2);
	m.unprepared_id = ucql_bytes_of(uuid1, 16);
	uint8_t reasons[64];
	if ((code == UCQL_E_READ_FAILURE || code == UCQL_E_WRITE_FAILURE)) {
		if (v >= 5) {
			ucql_writer rw;
			ucql_writer_init(&rw, reasons, sizeof reasons);
			ucql_failure_reason r4 = { { 4, { 10, 0, 0, 1 }, 0 }, 0 };
			ucql_failure_reason r6 = { { 16, { 0xfe, 0x80, [15] = 1 }, 0 }, 1 };
			ucql_failure_reason_write(&rw, &r4);
			ucql_failure_reason_write(&rw, &r6);
			m.num_failures = 2;
			m.reasons = ucql_bytes_of(reasons, rw.len);
		} else {
			m.num_failures = 1;
		}
	}
	ucql_error_msg_encode(w, v, &m);
}

static const int error_codes[] = {
	UCQL_E_SERVER_ERROR, UCQL_E_PROTOCOL, UCQL_E_AUTH, UCQL_E_UNAVAILABLE, UCQL_E_OVERLOADED,
	UCQL_E_WRITE_TIMEOUT, UCQL_E_READ_TIMEOUT, UCQL_E_READ_FAILURE, UCQL_E_FUNCTION_FAILURE,
	UCQL_E_WRITE_FAILURE, UCQL_E_CAS_WRITE_UNKNOWN, UCQL_E_SYNTAX, UCQL_E_ALREADY_EXISTS,
	UCQL_E_UNPREPARED,
};
static int cur_error;
static void b_error(ucql_writer *w, int v) { error_body(w, v, error_codes[cur_error]); }

static void b_ready(ucql_writer *w, int v) { ucql_ready_encode(w, v); }
static void b_authenticate(ucql_writer *w, int v)
{
	ucql_authenticate m = { S("org.apache.cassandra.auth.PasswordAuthenticator") };
	ucql_authenticate_encode(w, v, &m);
}
static void b_supported(ucql_writer *w, int v)
{
	ucql_bytes keys[] = { S("CQL_VERSION"), S("COMPRESSION"), S("PROTOCOL_VERSIONS") };
	size_t counts[] = { 1, 2, 3 };
	ucql_bytes vals[] = { S("3.4.7"), S("lz4"), S("snappy"), S("3/v3"), S("4/v4"), S("5/v5") };
	ucql_supported_encode_arrays(w, v, keys, counts, 3, vals);
}
static void b_challenge(ucql_writer *w, int v)
{
	ucql_auth_challenge m = { ucql_value_of("challenge", 9) };
	ucql_auth_challenge_encode(w, v, &m);
}
static void b_success(ucql_writer *w, int v)
{
	ucql_auth_success m = { ucql_value_null() };
	ucql_auth_success_encode(w, v, &m);
}

static void event_body(ucql_writer *w, int v, int kind)
{
	ucql_event m;
	memset(&m, 0, sizeof m);
	ucql_bytes args[] = { S("int"), S("frozen<list<text>>") };
	uint8_t alist[64];
	ucql_writer lw;
	ucql_writer_init(&lw, alist, sizeof alist);
	ucql_write_string_list(&lw, args, 2);
	switch (kind) {
	case 0:
		m.type = UCQL_EVENT_TOPOLOGY_CHANGE;
		m.change = UCQL_CHANGE_NEW_NODE;
		m.address = (ucql_inet){ 4, { 127, 0, 0, 2 }, 9042 };
		break;
	case 1:
		m.type = UCQL_EVENT_TOPOLOGY_CHANGE;
		m.change = UCQL_CHANGE_REMOVED_NODE;
		m.address = (ucql_inet){ 16, { 0x20, 0x01, 0x0d, 0xb8, [15] = 7 }, 9042 };
		break;
	case 2:
		m.type = UCQL_EVENT_STATUS_CHANGE;
		m.change = UCQL_CHANGE_UP;
		m.address = (ucql_inet){ 4, { 10, 1, 2, 3 }, 19042 };
		break;
	case 3:
		m.type = UCQL_EVENT_STATUS_CHANGE;
		m.change = UCQL_CHANGE_DOWN;
		m.address = (ucql_inet){ 4, { 10, 1, 2, 4 }, 9042 };
		break;
	default: {
		static const int targets[] = { UCQL_TARGET_KEYSPACE, UCQL_TARGET_TABLE, UCQL_TARGET_TYPE,
					       UCQL_TARGET_FUNCTION, UCQL_TARGET_AGGREGATE };
		static const int changes[] = { UCQL_CHANGE_CREATED, UCQL_CHANGE_UPDATED,
					       UCQL_CHANGE_DROPPED };
		m.type = UCQL_EVENT_SCHEMA_CHANGE;
		m.schema.target = targets[(kind - 4) % 5];
		m.schema.change = changes[(kind - 4) % 3];
		m.schema.keyspace = S("ks");
		if (m.schema.target != UCQL_TARGET_KEYSPACE)
			m.schema.name = S("t");
		if (m.schema.target >= UCQL_TARGET_FUNCTION) {
			m.schema.arg_types.n = 2;
			m.schema.arg_types.raw = ucql_bytes_of(alist + 2, lw.len - 2);
		}
	}
	}
	ucql_event_encode(w, v, &m);
}
#define N_EVENTS 9
static int cur_event;
static void b_event(ucql_writer *w, int v) { event_body(w, v, cur_event); }

/* ---- RESULT bodies ------------------------------------------------------------------- */

/* Appends a column type's [option], from CQL text (no UDTs). */
static void write_type(ucql_writer *w, const char *cql, int v)
{
	ucql_type nodes[64];
	ucql_type_set s;
	ucql_type_set_init(&s, nodes, 64);
	int i = ucql_type_parse_cql(&s, S(cql));
	must(i >= 0, cql);
	ucql_type_write_option(w, &s, i, v);
}

/* A UDT ks.address {street text, zip int, tags set<text>} as an [option]. */
static void write_udt(ucql_writer *w)
{
	ucql_write_short(w, UCQL_TYPE_UDT);
	ucql_write_cstring(w, "ks");
	ucql_write_cstring(w, "address");
	ucql_write_short(w, 3);
	ucql_write_cstring(w, "street");
	ucql_write_short(w, UCQL_TYPE_VARCHAR);
	ucql_write_cstring(w, "zip");
	ucql_write_short(w, UCQL_TYPE_INT);
	ucql_write_cstring(w, "tags");
	ucql_write_short(w, UCQL_TYPE_SET);
	ucql_write_short(w, UCQL_TYPE_VARCHAR);
}

/* Column types of the "all types" rows result, with one value writer each. */
static const char *const all_types[] = {
	"ascii", "bigint", "blob", "boolean", "counter", "decimal", "double", "float", "int",
	"timestamp", "uuid", "text", "varint", "timeuuid", "inet", "date", "time", "smallint",
	"tinyint", "duration", "list<int>", "set<text>", "map<text, bigint>",
	"tuple<int, text, boolean>", "vector<float, 3>", "vector<text, 2>",
	"frozen<list<frozen<map<int, text>>>>", "'com.example.MyType'", "udt",
};
#define N_ALL (sizeof all_types / sizeof all_types[0])

static void write_cell(ucql_writer *w, size_t k, int row)
{
	ucql_builder b, b2, b3;
	const char *t = all_types[k];
	if (row == 1 && k % 3 == 0) {
		ucql_value_write_null(w);
		return;
	}
	if (!strcmp(t, "ascii") || !strcmp(t, "text"))
		ucql_value_write_text(w, S(row ? "" : "héllo"));
	else if (!strcmp(t, "bigint") || !strcmp(t, "counter") || !strcmp(t, "timestamp"))
		ucql_value_write_bigint(w, row ? -1 : 1700000000000);
	else if (!strcmp(t, "blob") || !strcmp(t, "'com.example.MyType'"))
		ucql_value_write_blob(w, ucql_bytes_of("\x00\xff\x10", 3));
	else if (!strcmp(t, "boolean"))
		ucql_value_write_boolean(w, row == 0);
	else if (!strcmp(t, "decimal"))
		ucql_value_write_decimal(w, 2, row ? -12345 : 314);
	else if (!strcmp(t, "double"))
		ucql_value_write_double(w, 2.5);
	else if (!strcmp(t, "float"))
		ucql_value_write_float(w, -0.5f);
	else if (!strcmp(t, "int"))
		ucql_value_write_int(w, row ? INT32_MIN : 42);
	else if (!strcmp(t, "uuid"))
		ucql_value_write_uuid(w, uuid1);
	else if (!strcmp(t, "varint"))
		ucql_value_write_varint(w, row ? -129 : INT64_MAX);
	else if (!strcmp(t, "timeuuid"))
		ucql_value_write_timeuuid(w, uuid1);
	else if (!strcmp(t, "inet")) {
		ucql_inet a = { (uint8_t)(row ? 16 : 4), { 192, 168, 0, 1 }, 0 };
		ucql_value_write_inet(w, &a);
	} else if (!strcmp(t, "date"))
		ucql_value_write_date(w, 0x80000000u + 19000);
	else if (!strcmp(t, "time"))
		ucql_value_write_time(w, row ? UCQL_TIME_MAX : 3600000000000);
	else if (!strcmp(t, "smallint"))
		ucql_value_write_smallint(w, -2);
	else if (!strcmp(t, "tinyint"))
		ucql_value_write_tinyint(w, 127);
	else if (!strcmp(t, "duration"))
		ucql_value_write_duration(w, (ucql_duration){ row ? -1 : 1, row ? -2 : 2, row ? -3 : 3 });
	else if (!strcmp(t, "list<int>")) {
		ucql_coll_begin(&b, w);
		for (int i = 0; i < 3 - row * 3; i++)
			ucql_value_write_int(w, i);
		ucql_coll_end(&b, w, 3 - row * 3);
	} else if (!strcmp(t, "set<text>")) {
		ucql_coll_begin(&b, w);
		ucql_value_write_text(w, S("a"));
		ucql_value_write_text(w, S("b"));
		ucql_coll_end(&b, w, 2);
	} else if (!strcmp(t, "map<text, bigint>")) {
		ucql_coll_begin(&b, w);
		ucql_value_write_text(w, S("k"));
		ucql_value_write_bigint(w, 9);
		ucql_coll_end(&b, w, 1);
	} else if (!strcmp(t, "tuple<int, text, boolean>")) {
		ucql_tuple_begin(&b, w);
		ucql_value_write_int(w, 1);
		ucql_value_write_null(w);
		if (!row)
			ucql_value_write_boolean(w, 1);
		ucql_tuple_end(&b, w);
	} else if (!strcmp(t, "vector<float, 3>")) {
		const float f[3] = { 1.0f, -2.0f, 0.25f };
		ucql_value_write_float_vector(w, f, 3);
	} else if (!strcmp(t, "vector<text, 2>")) {
		ucql_vector_begin(&b, w, -1);
		ucql_value_write_text(w, S("x"));
		ucql_vector_elem_done(&b, w);
		ucql_value_write_text(w, S(""));
		ucql_vector_elem_done(&b, w);
		ucql_vector_end(&b, w);
	} else if (!strcmp(t, "frozen<list<frozen<map<int, text>>>>")) {
		ucql_coll_begin(&b, w);
		ucql_coll_begin(&b2, w);
		ucql_value_write_int(w, 1);
		ucql_value_write_text(w, S("one"));
		ucql_coll_end(&b2, w, 1);
		ucql_coll_end(&b, w, 1);
	} else if (!strcmp(t, "udt")) {
		ucql_tuple_begin(&b, w);
		ucql_value_write_text(w, S("Main St"));
		ucql_value_write_int(w, 12345);
		ucql_coll_begin(&b3, w);
		ucql_value_write_text(w, S("home"));
		ucql_coll_end(&b3, w, 1);
		ucql_tuple_end(&b, w);
	} else
		must(0, t);
}

static void col_type(ucql_writer *w, size_t k, int v)
{
	if (!strcmp(all_types[k], "udt"))
		write_udt(w);
	else
		write_type(w, all_types[k], v);
}

/* Rows with every type, 2 rows (the second with nulls and edge values). */
static void r_rows_all(ucql_writer *w, int v)
{
	ucql_write_int(w, UCQL_RESULT_ROWS);
	ucql_write_int(w, UCQL_MD_GLOBAL_TABLES_SPEC | UCQL_MD_HAS_MORE_PAGES);
	ucql_write_int(w, (int32_t)N_ALL);
	ucql_write_bytes(w, ucql_bytes_of("\x00\x01page", 6));
	ucql_write_cstring(w, "ks");
	ucql_write_cstring(w, "all_types");
	for (size_t k = 0; k < N_ALL; k++) {
		char name[16];
		snprintf(name, sizeof name, "c%zu", k);
		ucql_write_cstring(w, name);
		col_type(w, k, v);
	}
	ucql_write_int(w, 2);
	for (int row = 0; row < 2; row++)
		for (size_t k = 0; k < N_ALL; k++)
			write_cell(w, k, row);
}

/* Rows of a few columns, per-column table spec: columns [from, to). */
static void rows_some(ucql_writer *w, int v, size_t from, size_t to, int nrows)
{
	ucql_write_int(w, UCQL_RESULT_ROWS);
	ucql_write_int(w, 0);
	ucql_write_int(w, (int32_t)(to - from));
	for (size_t k = from; k < to; k++) {
		ucql_write_cstring(w, "ks");
		ucql_write_cstring(w, "t");
		char name[32];
		snprintf(name, sizeof name, "col%zu", k);
		ucql_write_cstring(w, name);
		col_type(w, k, v);
	}
	ucql_write_int(w, nrows);
	for (int row = 0; row < nrows; row++)
		for (size_t k = from; k < to; k++)
			write_cell(w, k, row & 1);
}

static void r_void(ucql_writer *w, int v) { ucql_result_void_encode(w, v); }
static void r_keyspace(ucql_writer *w, int v) { ucql_result_set_keyspace_encode(w, v, S("ks")); }
static void r_schema(ucql_writer *w, int v)
{
	ucql_schema_change sc = { UCQL_CHANGE_CREATED, { NULL, 0 }, UCQL_TARGET_TABLE, S("ks"),
				  S("t"), { 0, { NULL, 0 } } };
	ucql_result_schema_change_encode(w, v, &sc);
}
static void r_rows_nometa(ucql_writer *w, int v)
{
	ucql_write_int(w, UCQL_RESULT_ROWS);
	ucql_write_int(w, UCQL_MD_NO_METADATA | (v >= 5 ? 0 : UCQL_MD_HAS_MORE_PAGES));
	ucql_write_int(w, 2);
	if (v < 5)
		ucql_write_int(w, -1); /* null paging state */
	ucql_write_int(w, 1);
	ucql_value_write_int(w, 7);
	ucql_value_write_text(w, S("seven"));
}
static void r_rows_changed(ucql_writer *w, int v)
{
	ucql_write_int(w, UCQL_RESULT_ROWS);
	ucql_write_int(w, UCQL_MD_METADATA_CHANGED | UCQL_MD_GLOBAL_TABLES_SPEC);
	ucql_write_int(w, 1);
	ucql_write_short_bytes(w, ucql_bytes_of(uuid1, 8));
	ucql_write_cstring(w, "ks");
	ucql_write_cstring(w, "t");
	ucql_write_cstring(w, "v");
	write_type(w, "int", v);
	ucql_write_int(w, 0);
}
static void r_prepared(ucql_writer *w, int v)
{
	ucql_write_int(w, UCQL_RESULT_PREPARED);
	ucql_write_short_bytes(w, ucql_bytes_of(uuid1, 16));
	if (v >= 5)
		ucql_write_short_bytes(w, ucql_bytes_of(uuid1, 16));
	/* bind markers: 2 columns, pk index 0 */
	ucql_write_int(w, UCQL_MD_GLOBAL_TABLES_SPEC);
	ucql_write_int(w, 2);
	if (v >= 4) {
		ucql_write_int(w, 1);
		ucql_write_short(w, 0);
	}
	ucql_write_cstring(w, "ks");
	ucql_write_cstring(w, "t");
	ucql_write_cstring(w, "a");
	write_type(w, "int", v);
	ucql_write_cstring(w, "b");
	write_type(w, "map<text, frozen<list<int>>>", v);
	/* result metadata */
	ucql_write_int(w, UCQL_MD_GLOBAL_TABLES_SPEC);
	ucql_write_int(w, 1);
	ucql_write_cstring(w, "ks");
	ucql_write_cstring(w, "t");
	ucql_write_cstring(w, "c");
	write_type(w, "duration", v);
}

/* ---- writers of whole files ------------------------------------------------------------ */

static size_t body(body_fn f, int v, uint8_t *out, size_t cap)
{
	ucql_writer w;
	ucql_writer_init(&w, out, cap);
	f(&w, v);
	must(w.err == 0, "body");
	return w.len;
}

/* One frame: mode byte (see fuzz_frame.c), header, optional sections, body. */
static size_t frame(uint8_t *out, size_t cap, int v, int response, int opcode, body_fn f,
		    const ucql_frame_sections *sec)
{
	ucql_writer w;
	ucql_writer_init(&w, out, cap);
	ucql_frame_header h = { (uint8_t)v, (uint8_t)response, 0, (int16_t)(opcode == UCQL_OP_EVENT ? -1 : 1),
				(uint8_t)opcode, 0 };
	size_t at = ucql_frame_begin_sections(&w, &h, sec);
	f(&w, v);
	must(ucql_frame_end(&w, at, 0) == 0, "frame");
	return w.len;
}

static void save_frame(const char *what, int n, int v, int response, int opcode, body_fn f,
		       const ucql_frame_sections *sec)
{
	buf[0] = (uint8_t)((v - 3) | (response ? 4 : 0));
	size_t len = 1 + frame(buf + 1, CAP - 1, v, response, opcode, f, sec);
	save("frame", what, n, buf, len);
}

static void gen_frames(void)
{
	static const struct {
		const char *what;
		int response, opcode;
		body_fn f;
	} msgs[] = {
		{ "startup", 0, UCQL_OP_STARTUP, b_startup },
		{ "options", 0, UCQL_OP_OPTIONS, b_options },
		{ "register", 0, UCQL_OP_REGISTER, b_register },
		{ "auth-response", 0, UCQL_OP_AUTH_RESPONSE, b_auth_response },
		{ "query", 0, UCQL_OP_QUERY, b_query },
		{ "query-named", 0, UCQL_OP_QUERY, b_query_named },
		{ "prepare", 0, UCQL_OP_PREPARE, b_prepare },
		{ "execute", 0, UCQL_OP_EXECUTE, b_execute },
		{ "batch", 0, UCQL_OP_BATCH, b_batch },
		{ "ready", 1, UCQL_OP_READY, b_ready },
		{ "authenticate", 1, UCQL_OP_AUTHENTICATE, b_authenticate },
		{ "supported", 1, UCQL_OP_SUPPORTED, b_supported },
		{ "auth-challenge", 1, UCQL_OP_AUTH_CHALLENGE, b_challenge },
		{ "auth-success", 1, UCQL_OP_AUTH_SUCCESS, b_success },
		{ "result-void", 1, UCQL_OP_RESULT, r_void },
		{ "result-keyspace", 1, UCQL_OP_RESULT, r_keyspace },
		{ "result-prepared", 1, UCQL_OP_RESULT, r_prepared },
		{ "result-schema", 1, UCQL_OP_RESULT, r_schema },
		{ "result-nometa", 1, UCQL_OP_RESULT, r_rows_nometa },
	};
	/* Each message in the version its index picks, plus v5 for the
	 * version-dependent requests. */
	for (size_t k = 0; k < sizeof msgs / sizeof msgs[0]; k++) {
		int v = 3 + (int)(k % 3);
		save_frame(msgs[k].what, v, v, msgs[k].response, msgs[k].opcode, msgs[k].f, NULL);
		if (v != 5 && msgs[k].opcode >= UCQL_OP_QUERY && msgs[k].opcode <= UCQL_OP_BATCH)
			save_frame(msgs[k].what, 5, 5, msgs[k].response, msgs[k].opcode, msgs[k].f, NULL);
	}
	for (cur_error = 0; cur_error < 14; cur_error += 3)
		save_frame("error", cur_error, 3 + cur_error % 3, 1, UCQL_OP_ERROR, b_error, NULL);
	for (cur_event = 0; cur_event < N_EVENTS; cur_event += 4)
		save_frame("event", cur_event, 4, 1, UCQL_OP_EVENT, b_event, NULL);

	/* Sections: tracing id, warnings and custom payload on a response;
	 * a custom payload on a request. */
	ucql_bytes warn[] = { S("Aggregation query used without partition key"), S("w2") };
	ucql_bytes keys[] = { S("k1"), S("k2") };
	ucql_value vals[] = { ucql_value_of("v1", 2), ucql_value_null() };
	ucql_frame_sections sec = { uuid1, warn, 2, keys, vals, 2 };
	save_frame("sections-result", 4, 4, 1, UCQL_OP_RESULT, r_rows_nometa, &sec);
	ucql_frame_sections rsec = { NULL, NULL, 0, keys, vals, 2 };
	save_frame("sections-query", 5, 5, 0, UCQL_OP_QUERY, b_query, &rsec);

	/* v4 compressed frames (one with sections). */
	for (int k = 0; k < 2; k++) {
		uint8_t plain[4096];
		size_t n = frame(plain, sizeof plain, 4, 1, UCQL_OP_RESULT, k ? r_prepared : r_keyspace,
				 k ? &sec : NULL);
		buf[0] = 1 | 4;
		int z = ucql_frame_compress(plain, n, buf + 1, CAP - 1);
		must(z > 0, "compress");
		save("frame", "compressed-v4", k, buf, 1 + (size_t)z);
	}
	/* Consecutive frames: a pipelined request burst, and a response burst. */
	for (int v = 3; v <= 5; v += 2) {
		size_t len = 1;
		buf[0] = (uint8_t)(v - 3);
		len += frame(buf + len, CAP - len, v, 0, UCQL_OP_OPTIONS, b_options, NULL);
		len += frame(buf + len, CAP - len, v, 0, UCQL_OP_QUERY, b_query_plain, NULL);
		len += frame(buf + len, CAP - len, v, 0, UCQL_OP_EXECUTE, b_execute, NULL);
		save("frame", "burst-requests", v, buf, len);
		len = 1;
		buf[0] = (uint8_t)((v - 3) | 4);
		len += frame(buf + len, CAP - len, v, 1, UCQL_OP_SUPPORTED, b_supported, NULL);
		len += frame(buf + len, CAP - len, v, 1, UCQL_OP_READY, b_ready, NULL);
		len += frame(buf + len, CAP - len, v, 1, UCQL_OP_RESULT, r_rows_changed, NULL);
		save("frame", "burst-responses", v, buf, len);
	}
	/* Edge cases: raw mode (version bytes as written) with a bad version,
	 * a truncated frame, and the small max_body mode with a large frame. */
	size_t n = frame(buf + 1, CAP - 1, 4, 1, UCQL_OP_READY, b_ready, NULL);
	buf[0] = 3;
	buf[1] = 0x86; /* v6 response */
	save("frame", "edge-bad-version", 0, buf, 1 + n);
	n = frame(buf + 1, CAP - 1, 4, 0, UCQL_OP_QUERY, b_query, NULL);
	buf[0] = 1;
	save("frame", "edge-truncated", 0, buf, n - 3);
	n = frame(buf + 1, CAP - 1, 5, 1, UCQL_OP_RESULT, r_prepared, NULL);
	buf[0] = 2 | 4 | 8;
	save("frame", "edge-too-big", 0, buf, 1 + n);
}

static void gen_rows(void)
{
	uint8_t b[CAP];
	for (int v = 3; v <= 5; v++) {
		save("rows", "all-types", v, b, body(r_rows_all, v, b, sizeof b));
		save("rows", "prepared", v, b, body(r_prepared, v, b, sizeof b));
	}
	save("rows", "void", 0, b, body(r_void, 4, b, sizeof b));
	save("rows", "set-keyspace", 0, b, body(r_keyspace, 4, b, sizeof b));
	save("rows", "schema-change", 0, b, body(r_schema, 4, b, sizeof b));
	save("rows", "no-metadata", 4, b, body(r_rows_nometa, 4, b, sizeof b));
	save("rows", "no-metadata", 5, b, body(r_rows_nometa, 5, b, sizeof b));
	save("rows", "metadata-changed", 5, b, body(r_rows_changed, 5, b, sizeof b));
	/* Small results of a few columns each: quick for the fuzzer to mutate. */
	for (size_t k = 0; k + 3 <= N_ALL; k += 3) {
		ucql_writer w;
		ucql_writer_init(&w, b, sizeof b);
		rows_some(&w, 4 + (int)(k / 3) % 2, k, k + 3, 2);
		must(w.err == 0, "rows_some");
		save("rows", "rows-some", (int)k, b, w.len);
	}
	/* Edge: zero rows, zero columns. */
	ucql_writer w;
	ucql_writer_init(&w, b, sizeof b);
	rows_some(&w, 4, 0, 0, 0);
	save("rows", "edge-empty", 0, b, w.len);
}

static void gen_events(void)
{
	uint8_t b[4096];
	for (cur_event = 0; cur_event < N_EVENTS; cur_event++)
		save("event", "event", cur_event, b, body(b_event, 3 + cur_event % 3, b, sizeof b));
	for (cur_error = 0; cur_error < 14; cur_error++)
		save("event", "error", cur_error, b,
		     body(b_error, cur_error == 5 || cur_error == 7 || cur_error == 9 ? 5 : 4, b,
			  sizeof b));
	/* Edges: an unknown error code with extra bytes; an unknown change. */
	ucql_writer w;
	ucql_writer_init(&w, b, sizeof b);
	ucql_write_int(&w, 0x3000);
	ucql_write_cstring(&w, "future error");
	ucql_write_int(&w, 12);
	save("event", "edge-unknown-error", 0, b, w.len);
	ucql_writer_init(&w, b, sizeof b);
	ucql_write_cstring(&w, "STATUS_CHANGE");
	ucql_write_cstring(&w, "SIDEWAYS");
	ucql_write_byte(&w, 4);
	ucql_write_raw(&w, "\x7f\0\0\x01", 4);
	ucql_write_int(&w, 9042);
	save("event", "edge-unknown-change", 0, b, w.len);
}

static void gen_types(void)
{
	static const char *const cql[] = {
		"int", "TEXT", "varchar", "frozen<map<text, int>>", "list<frozen<tuple<int, text>>>",
		"vector<float, 3>", "set<frozen<vector<bigint,2>>>", "'org.apache.cassandra.db.marshal.LexicalUUIDType'",
		"ks.address", "\"MyType\"", "map<text, frozen<\"Ks\".\"U\"\"dt\">>", "duration",
		"tuple<int, tuple<text, list<blob>>, map<date, time>>", "  list < int >  ",
	};
	static const char *const cls[] = {
		"org.apache.cassandra.db.marshal.Int32Type",
		"UTF8Type",
		"org.apache.cassandra.db.marshal.MapType(org.apache.cassandra.db.marshal.UTF8Type,org.apache.cassandra.db.marshal.Int32Type)",
		"org.apache.cassandra.db.marshal.FrozenType(org.apache.cassandra.db.marshal.ListType(org.apache.cassandra.db.marshal.TimeUUIDType))",
		"org.apache.cassandra.db.marshal.VectorType(org.apache.cassandra.db.marshal.FloatType , 3)",
		"org.apache.cassandra.db.marshal.UserType(ks,61646472657373,737472656574:org.apache.cassandra.db.marshal.UTF8Type,7a6970:org.apache.cassandra.db.marshal.Int32Type)",
		"org.apache.cassandra.db.marshal.TupleType(org.apache.cassandra.db.marshal.LongType,org.apache.cassandra.db.marshal.BooleanType)",
		"org.apache.cassandra.db.marshal.ReversedType(org.apache.cassandra.db.marshal.TimestampType)",
		"org.apache.cassandra.db.marshal.DurationType",
		"com.example.Custom",
	};
	uint8_t b[2048];
	for (size_t k = 0; k < sizeof cql / sizeof cql[0]; k++) {
		b[0] = 0;
		size_t n = strlen(cql[k]);
		memcpy(b + 1, cql[k], n);
		save("types", "cql", (int)k, b, 1 + n);
	}
	for (size_t k = 0; k < sizeof cls / sizeof cls[0]; k++) {
		b[0] = 2;
		size_t n = strlen(cls[k]);
		memcpy(b + 1, cls[k], n);
		save("types", "class", (int)k, b, 1 + n);
	}
	/* [option]s: every rows column type, the UDT, and a vector and a
	 * duration as v4 custom classes. */
	for (size_t k = 0; k < N_ALL; k += 2) {
		ucql_writer w;
		b[0] = 1;
		ucql_writer_init(&w, b + 1, sizeof b - 1);
		col_type(&w, k, 5);
		must(w.err == 0, "option");
		save("types", "option", (int)k, b, 1 + w.len);
	}
	ucql_writer w;
	b[0] = 1;
	ucql_writer_init(&w, b + 1, sizeof b - 1);
	write_type(&w, "map<duration, vector<int, 2>>", 4);
	save("types", "option-v4-custom", 0, b, 1 + w.len);
	ucql_writer_init(&w, b + 1, sizeof b - 1);
	write_udt(&w);
	save("types", "option-udt", 0, b, 1 + w.len);
	/* Edge: the tiny node array (mode 1 + 3 * 4). */
	b[0] = 1 + 3 * 4;
	save("types", "edge-nospace", 0, b, 1 + w.len);
}

static void gen_segments(void)
{
	uint8_t env[4096], seg[8192];
	for (int lz4 = 0; lz4 <= 1; lz4++) {
		/* One envelope per segment: each v5 frame of the frame corpus. */
		static const struct {
			const char *what;
			int response, opcode;
			body_fn f;
		} one[] = {
			{ "options", 0, UCQL_OP_OPTIONS, b_options },
			{ "query", 0, UCQL_OP_QUERY, b_query },
			{ "supported", 1, UCQL_OP_SUPPORTED, b_supported },
			{ "result-prepared", 1, UCQL_OP_RESULT, r_prepared },
			{ "result-rows", 1, UCQL_OP_RESULT, r_rows_all },
		};
		const char *mode = lz4 ? "lz4" : "plain";
		char what[64];
		for (size_t k = 0; k < sizeof one / sizeof one[0]; k++) {
			size_t n = frame(env, sizeof env, 5, one[k].response, one[k].opcode, one[k].f, NULL);
			seg[0] = (uint8_t)(lz4 | (k * 2 % 64) << 1); /* vary the chunking */
			ucql_writer w;
			ucql_writer_init(&w, seg + 1, sizeof seg - 1);
			ucql_segments_write(&w, ucql_bytes_of(env, n), lz4);
			must(w.err == 0, "segments_write");
			snprintf(what, sizeof what, "%s-%s", mode, one[k].what);
			save("segment", what, 0, seg, 1 + w.len);
		}
		/* Several envelopes in one segment, then one split over three
		 * non-self-contained segments, then another self-contained one. */
		size_t n1 = frame(env, sizeof env, 5, 0, UCQL_OP_OPTIONS, b_options, NULL);
		size_t n2 = frame(env + n1, sizeof env - n1, 5, 0, UCQL_OP_QUERY, b_query_plain, NULL);
		size_t n3 = frame(env + n1 + n2, sizeof env - n1 - n2, 5, 0, UCQL_OP_BATCH, b_batch, NULL);
		ucql_writer w;
		seg[0] = (uint8_t)(lz4 | 3 << 1);
		ucql_writer_init(&w, seg + 1, sizeof seg - 1);
		ucql_segment_write(&w, ucql_bytes_of(env, n1 + n2), 1, lz4);
		const uint8_t *big = env + n1 + n2;
		size_t cut1 = n3 / 3, cut2 = 2 * n3 / 3;
		ucql_segment_write(&w, ucql_bytes_of(big, cut1), 0, lz4);
		ucql_segment_write(&w, ucql_bytes_of(big + cut1, cut2 - cut1), 0, lz4);
		ucql_segment_write(&w, ucql_bytes_of(big + cut2, n3 - cut2), 0, lz4);
		ucql_segment_write(&w, ucql_bytes_of(env, n1), 1, lz4);
		must(w.err == 0, "multi");
		snprintf(what, sizeof what, "%s-multi", mode);
		save("segment", what, 0, seg, 1 + w.len);
		/* A split envelope whose header itself is split (4 + 5 bytes). */
		seg[0] = (uint8_t)(lz4 | 1 << 1);
		ucql_writer_init(&w, seg + 1, sizeof seg - 1);
		ucql_segment_write(&w, ucql_bytes_of(big, 4), 0, lz4);
		ucql_segment_write(&w, ucql_bytes_of(big + 4, n3 - 4), 0, lz4);
		snprintf(what, sizeof what, "%s-split-header", mode);
		save("segment", what, 0, seg, 1 + w.len);
		/* Edges: a corrupt payload CRC, and a truncated segment. */
		seg[0] = (uint8_t)lz4;
		ucql_writer_init(&w, seg + 1, sizeof seg - 1);
		ucql_segment_write(&w, ucql_bytes_of(env, n1), 1, lz4);
		seg[w.len] ^= 0x55;
		snprintf(what, sizeof what, "%s-edge-bad-crc", mode);
		save("segment", what, 0, seg, 1 + w.len);
		snprintf(what, sizeof what, "%s-edge-truncated", mode);
		save("segment", what, 0, seg, w.len - 2);
	}
	/* The known-answer segment of notes/protocol.md: "123456789". */
	static const uint8_t ka[] = { 0, 0x09, 0x00, 0x02, 0xa4, 0xc8, 0xc1, '1', '2', '3', '4', '5',
				      '6', '7', '8', '9', 0xa7, 0x61, 0xa2, 0xe2 };
	save("segment", "plain-known-answer", 0, ka, sizeof ka);
	/* An lz4 segment of a compressible 2 KB envelope (actually compressed). */
	{
		uint8_t zenv[2048 + 9];
		memset(zenv, 'a', sizeof zenv);
		ucql_frame_header h = { 5, 1, 0, 1, UCQL_OP_AUTH_CHALLENGE, 2048 };
		ucql_frame_header_encode(zenv, &h);
		ucql__put32(zenv + 9, 2044);
		ucql_writer w;
		seg[0] = 1;
		ucql_writer_init(&w, seg + 1, sizeof seg - 1);
		ucql_segments_write(&w, ucql_bytes_of(zenv, sizeof zenv), 1);
		must(w.err == 0, "lz4 compressible");
		save("segment", "lz4-compressed", 0, seg, 1 + w.len);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_corpus OUTDIR\n");
		return 2;
	}
	outdir = argv[1];
	if (mkdir(outdir, 0755) != 0 && errno != EEXIST) {
		perror(outdir);
		return 1;
	}
	gen_frames();
	gen_rows();
	gen_events();
	gen_types();
	gen_segments();
	printf("%d files written under %s\n", written, outdir);
	return 0;
}
