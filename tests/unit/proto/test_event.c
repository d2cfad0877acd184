/*
 * EVENT bodies: every event type and schema-change target.
 *
 * Known answers: produced by ucql_event_encode and decoded with Debian's
 * python3-cassandra 3.25 (ProtocolHandler.decode_message(version, {}, -1,
 * 0, 0x0C, body, None, None), Cython and pure-Python handlers), which
 * returned the event_type / event_args noted next to each vector.
 */
#include "resp_util.h"

/* TOPOLOGY_CHANGE {'change_type': 'NEW_NODE', 'address': ('127.0.0.2', 9042)} */
#define HEX_TOPOLOGY "000f544f504f4c4f47595f4348414e474500084e45575f4e4f4445047f00000200002352"
/* STATUS_CHANGE {'change_type': 'DOWN', 'address': ('fe80::1', 9043)} */
#define HEX_STATUS "000d5354415455535f4348414e47450004444f574e10fe80000000000000000000000000000100002353"
/* SCHEMA_CHANGE {'target_type': 'KEYSPACE', 'change_type': 'CREATED', 'keyspace': 'ks'} */
#define HEX_SC_KEYSPACE "000d534348454d415f4348414e474500074352454154454400084b4559535041434500026b73"
/* {'target_type': 'TABLE', 'change_type': 'UPDATED', 'keyspace': 'ks', 'table': 'tbl'} */
#define HEX_SC_TABLE "000d534348454d415f4348414e474500075550444154454400055441424c4500026b73000374626c"
/* {'target_type': 'TYPE', 'change_type': 'DROPPED', 'keyspace': 'ks', 'type': 'udt'} */
#define HEX_SC_TYPE "000d534348454d415f4348414e4745000744524f5050454400045459504500026b730003756474"
/* {'target_type': 'FUNCTION', 'change_type': 'CREATED', 'keyspace': 'ks',
 *  'function': UserFunctionDescriptor(f, ['int', 'text'])} */
#define HEX_SC_FUNCTION \
	"000d534348454d415f4348414e4745000743524541544544000846554e4354494f4e00026b7300016600020003696e74000474657874"
/* v5: {'target_type': 'AGGREGATE', 'change_type': 'CREATED', 'keyspace': 'ks',
 *  'aggregate': UserAggregateDescriptor(agg, ['int', 'text'])} */
#define HEX_SC_AGGREGATE \
	"000d534348454d415f4348414e4745000743524541544544000941474752454741544500026b73000361676700020003696e74000474657874"

static void check_vector(const char *hex, int v, const ucql_event *e)
{
	uint8_t buf[256], body[256];
	size_t n = unhex(hex, body, sizeof body);
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_event_encode(&w, v, e);
	ASSERT_WRITTEN(&w, buf, hex);
	ucql_event d;
	cr_assert_eq(ucql_event_decode(ucql_bytes_of(body, n), v, &d), 0);
	cr_assert_eq(d.type, e->type);
	cr_assert(ucql_bytes_eq_str(d.type_str, ucql_event_type_name(e->type)));
	if (e->type == UCQL_EVENT_SCHEMA_CHANGE) {
		cr_assert_eq(d.schema.change, e->schema.change);
		cr_assert(ucql_bytes_eq_str(d.schema.change_str, ucql_change_name(e->schema.change)));
		cr_assert_eq(d.schema.target, e->schema.target);
		cr_assert_eq(d.schema.keyspace.len, e->schema.keyspace.len);
		cr_assert_arr_eq(d.schema.keyspace.p, e->schema.keyspace.p, e->schema.keyspace.len);
		cr_assert_eq(d.schema.name.len, e->schema.name.len);
		if (e->schema.name.len)
			cr_assert_arr_eq(d.schema.name.p, e->schema.name.p, e->schema.name.len);
		cr_assert_eq(d.schema.arg_types.n, e->schema.arg_types.n);
	} else {
		cr_assert_eq(d.change, e->change);
		cr_assert(ucql_bytes_eq_str(d.change_str, ucql_change_name(e->change)));
		cr_assert_eq(d.address.len, e->address.len);
		cr_assert_arr_eq(d.address.addr, e->address.addr, e->address.len);
		cr_assert_eq(d.address.port, e->address.port);
	}
	/* Re-encoding the decoded event gives the same bytes. */
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_event_encode(&w, v, &d);
	ASSERT_WRITTEN(&w, buf, hex);
	CHECK_DECODE_EDGES(ucql_event_decode, body, n, v, &d);
}

Test(event, topology_and_status_known_answers_all_versions)
{
	for (int v = 3; v <= 5; v++) {
		ucql_event e;
		memset(&e, 0, sizeof e);
		e.type = UCQL_EVENT_TOPOLOGY_CHANGE;
		e.change = UCQL_CHANGE_NEW_NODE;
		e.address = (ucql_inet){ 4, { 127, 0, 0, 2 }, 9042 };
		check_vector(HEX_TOPOLOGY, v, &e);
		e.type = UCQL_EVENT_STATUS_CHANGE;
		e.change = UCQL_CHANGE_DOWN;
		e.address = (ucql_inet){ 16, { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, 9043 };
		check_vector(HEX_STATUS, v, &e);
	}
}

Test(event, schema_change_known_answers_every_target)
{
	uint8_t store[64];
	ucql_bytes at[] = { S("int"), S("text") };
	ucql_list_view args = make_string_list(store, sizeof store, at, 2);
	for (int v = 3; v <= 5; v++) {
		ucql_event e;
		memset(&e, 0, sizeof e);
		e.type = UCQL_EVENT_SCHEMA_CHANGE;
		e.schema.change = UCQL_CHANGE_CREATED;
		e.schema.target = UCQL_TARGET_KEYSPACE;
		e.schema.keyspace = S("ks");
		check_vector(HEX_SC_KEYSPACE, v, &e);
		e.schema.change = UCQL_CHANGE_UPDATED;
		e.schema.target = UCQL_TARGET_TABLE;
		e.schema.name = S("tbl");
		check_vector(HEX_SC_TABLE, v, &e);
		e.schema.change = UCQL_CHANGE_DROPPED;
		e.schema.target = UCQL_TARGET_TYPE;
		e.schema.name = S("udt");
		check_vector(HEX_SC_TYPE, v, &e);
		if (v < 4)
			continue;
		e.schema.change = UCQL_CHANGE_CREATED;
		e.schema.target = UCQL_TARGET_FUNCTION;
		e.schema.name = S("f");
		e.schema.arg_types = args;
		check_vector(HEX_SC_FUNCTION, v, &e);
		e.schema.target = UCQL_TARGET_AGGREGATE;
		e.schema.name = S("agg");
		check_vector(HEX_SC_AGGREGATE, v, &e);
	}
}

Test(event, function_targets_decode_in_v3_but_do_not_encode)
{
	uint8_t body[256], buf[256];
	size_t n = unhex(HEX_SC_FUNCTION, body, sizeof body);
	ucql_event d;
	cr_assert_eq(ucql_event_decode(ucql_bytes_of(body, n), 3, &d), 0);
	cr_assert_eq(d.schema.target, UCQL_TARGET_FUNCTION);
	ucql_reader it;
	ucql_bytes s;
	ucql_reader_init(&it, d.schema.arg_types.raw.p, d.schema.arg_types.raw.len);
	cr_assert(ucql_string_list_next(&it, &s) && ucql_bytes_eq_str(s, "int"));
	cr_assert(ucql_string_list_next(&it, &s) && ucql_bytes_eq_str(s, "text"));
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_event_encode(&w, 3, &d);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
	d.schema.target = UCQL_TARGET_AGGREGATE;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_schema_change_encode(&w, 3, &d.schema);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
}

Test(event, unknown_type_and_target_are_bad_kind)
{
	ucql_event d;
	/* "REMOVED" is not an event type. */
	const uint8_t t[] = "\x00\x07REMOVED\x00\x02UP\x04\x01\x02\x03\x04\x00\x00\x00\x01";
	cr_assert_eq(ucql_event_decode(ucql_bytes_of(t, sizeof t - 1), 4, &d), UCQL_E_BAD_KIND);
	/* Case matters: the spec's strings are upper case. */
	const uint8_t lc[] = "\x00\x0dstatus_change\x00\x02UP\x04\x01\x02\x03\x04\x00\x00\x00\x01";
	cr_assert_eq(ucql_event_decode(ucql_bytes_of(lc, sizeof lc - 1), 4, &d), UCQL_E_BAD_KIND);
	/* Schema change with target "INDEX". */
	const uint8_t tg[] = "\x00\x0dSCHEMA_CHANGE\x00\x07" "CREATED\x00\x05INDEX\x00\x02ks";
	cr_assert_eq(ucql_event_decode(ucql_bytes_of(tg, sizeof tg - 1), 4, &d), UCQL_E_BAD_KIND);
	/* Empty body: truncated, not bad kind. */
	cr_assert_eq(ucql_event_decode(ucql_bytes_of(NULL, 0), 4, &d), UCQL_E_TRUNCATED);
	/* Encoding an unknown type or target is refused. */
	uint8_t buf[64];
	ucql_writer w;
	memset(&d, 0, sizeof d);
	d.type = 9;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_event_encode(&w, 4, &d);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
	d.type = UCQL_EVENT_SCHEMA_CHANGE;
	d.schema.target = 0;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_event_encode(&w, 4, &d);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
	/* A change out of the enum (not UNKNOWN) is refused too. */
	d.type = UCQL_EVENT_STATUS_CHANGE;
	d.change = 42;
	d.address = (ucql_inet){ 4, { 1, 2, 3, 4 }, 1 };
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_event_encode(&w, 4, &d);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
}

Test(event, unknown_change_string_is_kept_and_round_trips)
{
	const uint8_t b[] = "\x00\x0dSTATUS_CHANGE\x00\x07" "DRAINED\x04\x0a\x00\x00\x07\x00\x00\x23\x52";
	size_t n = sizeof b - 1;
	ucql_event d;
	cr_assert_eq(ucql_event_decode(ucql_bytes_of(b, n), 4, &d), 0);
	cr_assert_eq(d.type, UCQL_EVENT_STATUS_CHANGE);
	cr_assert_eq(d.change, UCQL_CHANGE_UNKNOWN);
	cr_assert(ucql_bytes_eq_str(d.change_str, "DRAINED"));
	cr_assert_eq(d.address.port, 9042);
	uint8_t buf[64];
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_event_encode(&w, 4, &d);
	cr_assert_eq(w.len, n);
	cr_assert_arr_eq(buf, b, n);
	/* A topology word in a status event is unknown there, and vice versa. */
	const uint8_t x[] = "\x00\x0dSTATUS_CHANGE\x00\x08NEW_NODE\x04\x0a\x00\x00\x07\x00\x00\x23\x52";
	cr_assert_eq(ucql_event_decode(ucql_bytes_of(x, sizeof x - 1), 4, &d), 0);
	cr_assert_eq(d.change, UCQL_CHANGE_UNKNOWN);
	const uint8_t mv[] = "\x00\x0fTOPOLOGY_CHANGE\x00\x0aMOVED_NODE\x04\x0a\x00\x00\x07\x00\x00\x23\x52";
	cr_assert_eq(ucql_event_decode(ucql_bytes_of(mv, sizeof mv - 1), 3, &d), 0);
	cr_assert_eq(d.change, UCQL_CHANGE_MOVED_NODE);
}

Test(event, bad_inet_length_is_bad_value)
{
	const uint8_t b[] = "\x00\x0dSTATUS_CHANGE\x00\x02UP\x05\x01\x02\x03\x04\x05\x00\x00\x23\x52";
	ucql_event d;
	guard_buf g = guard_copy(b, sizeof b - 1);
	cr_assert_eq(ucql_event_decode(ucql_bytes_of(g.p, g.len), 4, &d), UCQL_E_BAD_VALUE);
	guard_free(&g);
}

Test(event, names_of_enums)
{
	cr_assert_str_eq(ucql_event_type_name(UCQL_EVENT_TOPOLOGY_CHANGE), "TOPOLOGY_CHANGE");
	cr_assert_str_eq(ucql_change_name(UCQL_CHANGE_REMOVED_NODE), "REMOVED_NODE");
	cr_assert_str_eq(ucql_change_name(UCQL_CHANGE_UP), "UP");
	cr_assert_str_eq(ucql_schema_target_name(UCQL_TARGET_AGGREGATE), "AGGREGATE");
	cr_assert_null(ucql_event_type_name(0));
	cr_assert_null(ucql_event_type_name(4));
	cr_assert_null(ucql_change_name(UCQL_CHANGE_UNKNOWN));
	cr_assert_null(ucql_change_name(-1));
	cr_assert_null(ucql_schema_target_name(6));
}

Test(event, bad_version)
{
	ucql_event d;
	cr_assert_eq(ucql_event_decode(ucql_bytes_of(NULL, 0), 6, &d), UCQL_E_BAD_VERSION);
}
