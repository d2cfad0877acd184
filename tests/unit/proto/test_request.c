/*
 * Request bodies: STARTUP, OPTIONS, REGISTER, AUTH_RESPONSE, QUERY,
 * PREPARE, EXECUTE, BATCH in v3, v4, v5.
 *
 * Known answers: whole frames produced with Debian's python3-cassandra 3.25,
 *   from cassandra.protocol import *; from cassandra import ConsistencyLevel as CL
 *   ProtocolHandler.encode_message(msg, stream, version, None, False).hex()
 * with the messages named above each table row.
 */
#include <criterion/criterion.h>
#include <stdio.h>

#include "guard.h"
#include "ucql/frame.h"
#include "ucql/request.h"

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

enum ka_msg { KA_OPTIONS, KA_STARTUP, KA_REGISTER, KA_QUERY, KA_QUERY_PAGED, KA_EXECUTE,
	      KA_PREPARE, KA_PREPARE_KS, KA_QUERY_KS, KA_BATCH };

static const struct ka {
	int version;
	enum ka_msg msg;
	const char *hex;
} KA[] = {
	/* OptionsMessage(), stream 1 */
	{ 3, KA_OPTIONS, "030000010500000000" },
	{ 4, KA_OPTIONS, "040000010500000000" },
	{ 5, KA_OPTIONS, "050000010500000000" },
	/* StartupMessage(cqlversion="3.0.0", options={"COMPRESSION": "lz4"}), stream 0 */
	{ 3, KA_STARTUP, "0300000001000000280002000b434f4d5052455353494f4e00036c7a34000b43514c5f56455253494f4e0005332e302e30" },
	{ 4, KA_STARTUP, "0400000001000000280002000b434f4d5052455353494f4e00036c7a34000b43514c5f56455253494f4e0005332e302e30" },
	{ 5, KA_STARTUP, "0500000001000000280002000b434f4d5052455353494f4e00036c7a34000b43514c5f56455253494f4e0005332e302e30" },
	/* RegisterMessage(event_list=["TOPOLOGY_CHANGE", "STATUS_CHANGE", "SCHEMA_CHANGE"]), stream 2 */
	{ 3, KA_REGISTER, "030000020b000000310003000f544f504f4c4f47595f4348414e4745000d5354415455535f4348414e4745000d534348454d415f4348414e4745" },
	{ 4, KA_REGISTER, "040000020b000000310003000f544f504f4c4f47595f4348414e4745000d5354415455535f4348414e4745000d534348454d415f4348414e4745" },
	{ 5, KA_REGISTER, "050000020b000000310003000f544f504f4c4f47595f4348414e4745000d5354415455535f4348414e4745000d534348454d415f4348414e4745" },
	/* QueryMessage("SELECT * FROM t", CL.ONE), stream 3 */
	{ 3, KA_QUERY, "0300000307000000160000000f53454c454354202a2046524f4d2074000100" },
	{ 4, KA_QUERY, "0400000307000000160000000f53454c454354202a2046524f4d2074000100" },
	{ 5, KA_QUERY, "0500000307000000190000000f53454c454354202a2046524f4d2074000100000000" },
	/* QueryMessage("SELECT k FROM t", CL.LOCAL_QUORUM, serial_consistency_level=
	 * CL.LOCAL_SERIAL, fetch_size=100, paging_state=b"\x01\x02",
	 * timestamp=1234567890123), stream 4 */
	{ 3, KA_QUERY_PAGED, "03000004070000002a0000000f53454c454354206b2046524f4d207400063c0000006400000002010200090000011f71fb04cb" },
	{ 4, KA_QUERY_PAGED, "04000004070000002a0000000f53454c454354206b2046524f4d207400063c0000006400000002010200090000011f71fb04cb" },
	{ 5, KA_QUERY_PAGED, "05000004070000002d0000000f53454c454354206b2046524f4d207400060000003c0000006400000002010200090000011f71fb04cb" },
	/* ExecuteMessage(b"\xde\xad\xbe\xef", [b"\0\0\0\x2a", None, b""] (+ [UNSET_VALUE]
	 * in v4/v5), CL.QUORUM, skip_meta=True, result_metadata_id=b"\x01\x02" (v5)),
	 * stream 5. (The driver leaves skip_meta out of the flags.) */
	{ 3, KA_EXECUTE, "030000050a0000001b0004deadbeef0004010003000000040000002affffffff00000000" },
	{ 4, KA_EXECUTE, "040000050a0000001f0004deadbeef0004010004000000040000002affffffff00000000fffffffe" },
	{ 5, KA_EXECUTE, "050000050a000000260004deadbeef000201020004000000010004000000040000002affffffff00000000fffffffe" },
	/* PrepareMessage("SELECT k FROM t WHERE k=?"), stream 6 */
	{ 3, KA_PREPARE, "03000006090000001d0000001953454c454354206b2046524f4d2074205748455245206b3d3f" },
	{ 4, KA_PREPARE, "04000006090000001d0000001953454c454354206b2046524f4d2074205748455245206b3d3f" },
	{ 5, KA_PREPARE, "0500000609000000210000001953454c454354206b2046524f4d2074205748455245206b3d3f00000000" },
	/* PrepareMessage("SELECT 1", keyspace="ks"), stream 7 */
	{ 5, KA_PREPARE_KS, "0500000709000000140000000853454c45435420310000000100026b73" },
	/* QueryMessage("SELECT 1", CL.ONE, keyspace="ks"), stream 8 */
	{ 5, KA_QUERY_KS, "0500000807000000160000000853454c454354203100010000008000026b73" },
	/* BatchMessage(BatchType.UNLOGGED, [(False, "INSERT INTO t (k) VALUES (?)",
	 * [b"\0\0\0\1"]), (True, b"\xab\xcd", [None, b"xy"])], CL.ONE,
	 * serial_consistency_level=CL.SERIAL, timestamp=42, keyspace="ks" (v5)), stream 9 */
	{ 3, KA_BATCH, "030000090d0000004c010002000000001c494e5345525420494e544f207420286b292056414c55455320283f2900010000000400000001010002abcd0002ffffffff0000000278790001300008000000000000002a" },
	{ 4, KA_BATCH, "040000090d0000004c010002000000001c494e5345525420494e544f207420286b292056414c55455320283f2900010000000400000001010002abcd0002ffffffff0000000278790001300008000000000000002a" },
	{ 5, KA_BATCH, "050000090d00000053010002000000001c494e5345525420494e544f207420286b292056414c55455320283f2900010000000400000001010002abcd0002ffffffff0000000278790001000000b00008000000000000002a00026b73" },
};
#define N_KA (sizeof KA / sizeof KA[0])

static const int KA_STREAM[] = { 1, 0, 2, 3, 4, 5, 6, 7, 8, 9 };
static const uint8_t KA_OPCODE[] = { UCQL_OP_OPTIONS, UCQL_OP_STARTUP, UCQL_OP_REGISTER,
				     UCQL_OP_QUERY, UCQL_OP_QUERY, UCQL_OP_EXECUTE,
				     UCQL_OP_PREPARE, UCQL_OP_PREPARE, UCQL_OP_QUERY,
				     UCQL_OP_BATCH };

/* The messages of KA, built from C values. */
static const ucql_bytes STARTUP_KV[4] = {
	{ (const uint8_t *)"COMPRESSION", 11 }, { (const uint8_t *)"lz4", 3 },
	{ (const uint8_t *)"CQL_VERSION", 11 }, { (const uint8_t *)"3.0.0", 5 },
};
static const ucql_bytes EVENTS[3] = {
	{ (const uint8_t *)"TOPOLOGY_CHANGE", 15 },
	{ (const uint8_t *)"STATUS_CHANGE", 13 },
	{ (const uint8_t *)"SCHEMA_CHANGE", 13 },
};
static const ucql_value EXEC_VALUES[4] = {
	{ (const uint8_t *)"\0\0\0\x2a", 4 }, { NULL, UCQL_NULL }, { (const uint8_t *)"", 0 },
	{ NULL, UCQL_UNSET },
};
static const ucql_value BATCH_V0[1] = { { (const uint8_t *)"\0\0\0\1", 4 } };
static const ucql_value BATCH_V1[2] = { { NULL, UCQL_NULL }, { (const uint8_t *)"xy", 2 } };

/* Encodes KA message `msg` for `version` into w (body only). */
static int encode_ka(ucql_writer *w, int version, enum ka_msg msg)
{
	switch (msg) {
	case KA_OPTIONS:
		return ucql_options_encode(w, version);
	case KA_STARTUP: {
		ucql_startup m = { STARTUP_KV, 2, { 0, { NULL, 0 } } };
		return ucql_startup_encode(w, version, &m);
	}
	case KA_REGISTER: {
		ucql_register m = { EVENTS, 3, { 0, { NULL, 0 } } };
		return ucql_register_encode(w, version, &m);
	}
	case KA_QUERY: {
		ucql_query m = { ucql_bytes_str("SELECT * FROM t"), { .consistency = UCQL_CL_ONE } };
		return ucql_query_encode(w, version, &m);
	}
	case KA_QUERY_PAGED: {
		ucql_query m = { ucql_bytes_str("SELECT k FROM t"),
				 { .consistency = UCQL_CL_LOCAL_QUORUM,
				   .flags = UCQL_QP_PAGE_SIZE | UCQL_QP_PAGING_STATE |
					    UCQL_QP_SERIAL_CONSISTENCY | UCQL_QP_TIMESTAMP,
				   .page_size = 100,
				   .paging_state = ucql_value_of("\x01\x02", 2),
				   .serial_consistency = UCQL_CL_LOCAL_SERIAL,
				   .timestamp = 1234567890123 } };
		return ucql_query_encode(w, version, &m);
	}
	case KA_EXECUTE: {
		ucql_execute m = { ucql_bytes_of("\xde\xad\xbe\xef", 4), ucql_bytes_of("\x01\x02", 2),
				   { .consistency = UCQL_CL_QUORUM, .flags = UCQL_QP_VALUES,
				     .n_values = version >= 4 ? 4 : 3, .values = EXEC_VALUES } };
		return ucql_execute_encode(w, version, &m);
	}
	case KA_PREPARE: {
		ucql_prepare m = { ucql_bytes_str("SELECT k FROM t WHERE k=?"), 0, { NULL, 0 } };
		return ucql_prepare_encode(w, version, &m);
	}
	case KA_PREPARE_KS: {
		ucql_prepare m = { ucql_bytes_str("SELECT 1"), UCQL_PREPARE_KEYSPACE, ucql_bytes_str("ks") };
		return ucql_prepare_encode(w, version, &m);
	}
	case KA_QUERY_KS: {
		ucql_query m = { ucql_bytes_str("SELECT 1"),
				 { .consistency = UCQL_CL_ONE, .flags = UCQL_QP_KEYSPACE,
				   .keyspace = ucql_bytes_str("ks") } };
		return ucql_query_encode(w, version, &m);
	}
	case KA_BATCH: {
		ucql_batch_stmt st[2] = {
			{ UCQL_BATCH_QUERY, ucql_bytes_str("INSERT INTO t (k) VALUES (?)"), 1, BATCH_V0, { NULL, 0 } },
			{ UCQL_BATCH_PREPARED, ucql_bytes_of("\xab\xcd", 2), 2, BATCH_V1, { NULL, 0 } },
		};
		ucql_batch m = { .type = UCQL_BATCH_UNLOGGED, .n = 2, .stmts = st,
				 .consistency = UCQL_CL_ONE,
				 .flags = UCQL_QP_SERIAL_CONSISTENCY | UCQL_QP_TIMESTAMP |
					  (version >= 5 ? UCQL_QP_KEYSPACE : 0),
				 .serial_consistency = UCQL_CL_SERIAL, .timestamp = 42,
				 .keyspace = ucql_bytes_str("ks") };
		return ucql_batch_encode(w, version, &m);
	}
	}
	return -999;
}

/* Decodes a body by KA message kind and re-encodes it from the decoded
 * views into w. Returns the decoder's result. */
static int decode_reencode(ucql_bytes body, int version, enum ka_msg msg, ucql_writer *w)
{
	int rc;
	switch (msg) {
	case KA_OPTIONS:
		rc = ucql_options_decode(body, version);
		if (!rc)
			ucql_options_encode(w, version);
		return rc;
	case KA_STARTUP: {
		ucql_startup m;
		rc = ucql_startup_decode(body, version, &m);
		if (!rc)
			ucql_startup_encode(w, version, &m);
		return rc;
	}
	case KA_REGISTER: {
		ucql_register m;
		rc = ucql_register_decode(body, version, &m);
		if (!rc)
			ucql_register_encode(w, version, &m);
		return rc;
	}
	case KA_QUERY:
	case KA_QUERY_PAGED:
	case KA_QUERY_KS: {
		ucql_query m;
		rc = ucql_query_decode(body, version, &m);
		if (!rc)
			ucql_query_encode(w, version, &m);
		return rc;
	}
	case KA_EXECUTE: {
		ucql_execute m;
		rc = ucql_execute_decode(body, version, &m);
		if (!rc)
			ucql_execute_encode(w, version, &m);
		return rc;
	}
	case KA_PREPARE:
	case KA_PREPARE_KS: {
		ucql_prepare m;
		rc = ucql_prepare_decode(body, version, &m);
		if (!rc)
			ucql_prepare_encode(w, version, &m);
		return rc;
	}
	case KA_BATCH: {
		ucql_batch m;
		rc = ucql_batch_decode(body, version, &m);
		if (!rc)
			ucql_batch_encode(w, version, &m);
		return rc;
	}
	}
	return -999;
}

Test(request, encode_matches_python)
{
	for (size_t i = 0; i < N_KA; i++) {
		uint8_t want[256], buf[256];
		size_t n = unhex(KA[i].hex, want);
		ucql_frame_header h = { (uint8_t)KA[i].version, 0, 0, (int16_t)KA_STREAM[KA[i].msg],
					KA_OPCODE[KA[i].msg], 0 };
		ucql_writer w;
		ucql_writer_init(&w, buf, sizeof buf);
		size_t at = ucql_frame_begin(&w, &h);
		cr_assert_eq(encode_ka(&w, KA[i].version, KA[i].msg), 0, "row %zu", i);
		cr_assert_eq(ucql_frame_end(&w, at, 0), 0);
		cr_assert_eq(w.len, n, "row %zu: %zu vs %zu", i, w.len, n);
		cr_assert_arr_eq(buf, want, n, "row %zu", i);
		/* Measuring (NULL buffer) gives the same size. */
		ucql_writer_init(&w, NULL, 0);
		encode_ka(&w, KA[i].version, KA[i].msg);
		cr_assert_eq(w.len, n - 9);
		cr_assert_eq(w.err, n > 9 ? UCQL_E_NOSPACE : 0);
	}
}

Test(request, decode_python_and_reencode)
{
	for (size_t i = 0; i < N_KA; i++) {
		uint8_t b[256], out[256];
		size_t n = unhex(KA[i].hex, b);
		guard_buf g = guard_copy(b, n);
		ucql_frame f;
		cr_assert_eq(ucql_frame_decode(g.p, g.len, 0, &f), (int)n, "row %zu", i);
		cr_assert_eq(f.h.opcode, KA_OPCODE[KA[i].msg]);
		guard_buf body = guard_copy(f.body.p, f.body.len);
		ucql_writer w;
		ucql_writer_init(&w, out, sizeof out);
		cr_assert_eq(decode_reencode(ucql_bytes_of(body.p, body.len), KA[i].version,
					     KA[i].msg, &w), 0, "row %zu", i);
		cr_assert_eq(w.err, 0);
		cr_assert_eq(w.len, body.len, "row %zu", i);
		cr_assert_arr_eq(out, body.p, body.len, "row %zu", i);

		/* Every truncation of the body: TRUNCATED (OPTIONS has none). */
		for (size_t cut = 0; cut < body.len; cut++) {
			guard_buf t = guard_copy(body.p, cut);
			ucql_writer_init(&w, out, sizeof out);
			cr_assert_eq(decode_reencode(ucql_bytes_of(t.p, t.len), KA[i].version,
						     KA[i].msg, &w), UCQL_E_TRUNCATED,
				     "row %zu cut %zu", i, cut);
			guard_free(&t);
		}
		/* One byte too many: TRAILING. */
		uint8_t more[256];
		memcpy(more, body.p, body.len);
		more[body.len] = 0;
		guard_buf t = guard_copy(more, body.len + 1);
		ucql_writer_init(&w, out, sizeof out);
		cr_assert_eq(decode_reencode(ucql_bytes_of(t.p, t.len), KA[i].version, KA[i].msg, &w),
			     UCQL_E_TRAILING, "row %zu", i);
		guard_free(&t);
		guard_free(&body);
		guard_free(&g);
	}
}

Test(request, decoded_fields_of_python_frames)
{
	uint8_t b[256];
	ucql_frame f;
	/* STARTUP v4: options lookups. */
	size_t n = unhex(KA[4].hex, b);
	cr_assert_eq(ucql_frame_decode(b, n, 0, &f), (int)n);
	ucql_startup st;
	cr_assert_eq(ucql_startup_decode(f.body, 4, &st), 0);
	ucql_bytes v;
	cr_assert_eq(st.options.n, 2);
	cr_assert(ucql_string_map_get(st.options, UCQL_STARTUP_CQL_VERSION, &v));
	cr_assert(ucql_bytes_eq_str(v, "3.0.0"));
	cr_assert(ucql_string_map_get(st.options, UCQL_STARTUP_COMPRESSION, &v));
	cr_assert(ucql_bytes_eq_str(v, "lz4"));
	cr_assert_not(ucql_string_map_get(st.options, UCQL_STARTUP_DRIVER_NAME, &v));

	/* QUERY paged v5. */
	n = unhex(KA[14].hex, b);
	cr_assert_eq(ucql_frame_decode(b, n, 0, &f), (int)n);
	ucql_query q;
	cr_assert_eq(ucql_query_decode(f.body, 5, &q), 0);
	cr_assert(ucql_bytes_eq_str(q.query, "SELECT k FROM t"));
	cr_assert_eq(q.params.consistency, UCQL_CL_LOCAL_QUORUM);
	cr_assert_eq(q.params.flags, 0x3C);
	cr_assert_eq(q.params.page_size, 100);
	cr_assert_eq(q.params.paging_state.len, 2);
	cr_assert_eq(memcmp(q.params.paging_state.p, "\x01\x02", 2), 0);
	cr_assert_eq(q.params.serial_consistency, UCQL_CL_LOCAL_SERIAL);
	cr_assert_eq(q.params.timestamp, 1234567890123);

	/* EXECUTE v5: ids and the four values. */
	n = unhex(KA[17].hex, b);
	cr_assert_eq(ucql_frame_decode(b, n, 0, &f), (int)n);
	ucql_execute e;
	cr_assert_eq(ucql_execute_decode(f.body, 5, &e), 0);
	cr_assert_eq(e.id.len, 4);
	cr_assert_eq(memcmp(e.id.p, "\xde\xad\xbe\xef", 4), 0);
	cr_assert_eq(e.result_metadata_id.len, 2);
	cr_assert_eq(e.params.n_values, 4);
	ucql_value_iter it;
	ucql_value_iter_init(&it, e.params.values_raw, 0);
	ucql_bytes name;
	ucql_value val;
	for (int i = 0; i < 4; i++) {
		cr_assert(ucql_value_iter_next(&it, &name, &val));
		cr_assert_eq(name.len, 0);
		cr_assert_eq(val.len, EXEC_VALUES[i].len);
		if (val.len > 0)
			cr_assert_eq(memcmp(val.p, EXEC_VALUES[i].p, (size_t)val.len), 0);
	}
	cr_assert_not(ucql_value_iter_next(&it, &name, &val));

	/* PREPARE v5 with keyspace. */
	n = unhex(KA[21].hex, b);
	cr_assert_eq(ucql_frame_decode(b, n, 0, &f), (int)n);
	ucql_prepare p;
	cr_assert_eq(ucql_prepare_decode(f.body, 5, &p), 0);
	cr_assert(ucql_bytes_eq_str(p.query, "SELECT 1"));
	cr_assert_eq(p.flags, UCQL_PREPARE_KEYSPACE);
	cr_assert(ucql_bytes_eq_str(p.keyspace, "ks"));

	/* BATCH v5: statements through the iterator. */
	n = unhex(KA[25].hex, b);
	cr_assert_eq(ucql_frame_decode(b, n, 0, &f), (int)n);
	ucql_batch bt;
	cr_assert_eq(ucql_batch_decode(f.body, 5, &bt), 0);
	cr_assert_eq(bt.type, UCQL_BATCH_UNLOGGED);
	cr_assert_eq(bt.n, 2);
	cr_assert_eq(bt.consistency, UCQL_CL_ONE);
	cr_assert_eq(bt.flags, 0xB0);
	cr_assert_eq(bt.serial_consistency, UCQL_CL_SERIAL);
	cr_assert_eq(bt.timestamp, 42);
	cr_assert(ucql_bytes_eq_str(bt.keyspace, "ks"));
	ucql_reader bi;
	ucql_batch_stmt s;
	ucql_batch_iter_init(&bi, &bt);
	cr_assert(ucql_batch_next(&bi, &s));
	cr_assert_eq(s.kind, UCQL_BATCH_QUERY);
	cr_assert(ucql_bytes_eq_str(s.query_or_id, "INSERT INTO t (k) VALUES (?)"));
	cr_assert_eq(s.n_values, 1);
	cr_assert(ucql_batch_next(&bi, &s));
	cr_assert_eq(s.kind, UCQL_BATCH_PREPARED);
	cr_assert_eq(s.query_or_id.len, 2);
	cr_assert_eq(s.n_values, 2);
	ucql_value_iter_init(&it, s.values_raw, 0);
	cr_assert(ucql_value_iter_next(&it, NULL, &val));
	cr_assert_eq(val.len, UCQL_NULL);
	cr_assert(ucql_value_iter_next(&it, NULL, &val));
	cr_assert_eq(val.len, 2);
	cr_assert_not(ucql_value_iter_next(&it, NULL, &val));
	cr_assert_not(ucql_batch_next(&bi, &s));
}

/* ---- hand-checked bytes -------------------------------------------------- */

Test(request, execute_bytes_by_hand)
{
	/* v4 §4.1.6 + §4.1.4: <id><consistency><flags:byte><n><values><page_size>. */
	ucql_value vals[2] = { ucql_value_of("\x07", 1), ucql_value_unset() };
	ucql_execute m = { ucql_bytes_of("\x11\x22", 2), { NULL, 0 },
			   { .consistency = UCQL_CL_LOCAL_ONE,
			     .flags = UCQL_QP_VALUES | UCQL_QP_SKIP_METADATA | UCQL_QP_PAGE_SIZE,
			     .n_values = 2, .values = vals, .page_size = 5000 } };
	uint8_t buf[64];
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	cr_assert_eq(ucql_execute_encode(&w, 4, &m), 0);
	const uint8_t want4[] = { 0x00, 0x02, 0x11, 0x22, /* id */
				  0x00, 0x0A,             /* LOCAL_ONE */
				  0x07,                   /* values|skip_metadata|page_size */
				  0x00, 0x02,             /* 2 values */
				  0x00, 0x00, 0x00, 0x01, 0x07,
				  0xFF, 0xFF, 0xFF, 0xFE, /* unset */
				  0x00, 0x00, 0x13, 0x88 /* 5000 */ };
	cr_assert_eq(w.len, sizeof want4);
	cr_assert_arr_eq(buf, want4, sizeof want4);

	/* v5 adds the result metadata id and widens flags to an [int]. */
	m.result_metadata_id = ucql_bytes_of("\x33", 1);
	m.params.flags |= UCQL_QP_NOW_IN_SECONDS;
	m.params.now_in_seconds = 1700000000;
	ucql_writer_init(&w, buf, sizeof buf);
	cr_assert_eq(ucql_execute_encode(&w, 5, &m), 0);
	const uint8_t want5[] = { 0x00, 0x02, 0x11, 0x22, 0x00, 0x01, 0x33, 0x00, 0x0A,
				  0x00, 0x00, 0x01, 0x07, 0x00, 0x02,
				  0x00, 0x00, 0x00, 0x01, 0x07, 0xFF, 0xFF, 0xFF, 0xFE,
				  0x00, 0x00, 0x13, 0x88, 0x65, 0x53, 0xF1, 0x00 };
	cr_assert_eq(w.len, sizeof want5);
	cr_assert_arr_eq(buf, want5, sizeof want5);
}

Test(request, auth_response_null_and_empty)
{
	uint8_t buf[32];
	ucql_writer w;
	ucql_auth_response m = { ucql_value_of("\0user\0pw", 8) };
	ucql_writer_init(&w, buf, sizeof buf);
	cr_assert_eq(ucql_auth_response_encode(&w, 4, &m), 0);
	cr_assert_eq(w.len, 12);
	cr_assert_eq(memcmp(buf, "\0\0\0\x08\0user\0pw", 12), 0);
	ucql_auth_response d;
	cr_assert_eq(ucql_auth_response_decode(ucql_bytes_of(buf, w.len), 4, &d), 0);
	cr_assert_eq(d.token.len, 8);
	cr_assert_eq(memcmp(d.token.p, "\0user\0pw", 8), 0);
	for (size_t cut = 0; cut < w.len; cut++) {
		guard_buf g = guard_copy(buf, cut);
		cr_assert_eq(ucql_auth_response_decode(ucql_bytes_of(g.p, g.len), 4, &d), UCQL_E_TRUNCATED);
		guard_free(&g);
	}
	for (int v = 3; v <= 5; v++) {
		m.token = ucql_value_null();
		ucql_writer_init(&w, buf, sizeof buf);
		cr_assert_eq(ucql_auth_response_encode(&w, v, &m), 0);
		cr_assert_eq(memcmp(buf, "\xff\xff\xff\xff", 4), 0);
		cr_assert_eq(ucql_auth_response_decode(ucql_bytes_of(buf, 4), v, &d), 0);
		cr_assert_eq(d.token.len, UCQL_NULL);
		m.token = ucql_value_of("", 0);
		ucql_writer_init(&w, buf, sizeof buf);
		cr_assert_eq(ucql_auth_response_encode(&w, v, &m), 0);
		cr_assert_eq(ucql_auth_response_decode(ucql_bytes_of(buf, 4), v, &d), 0);
		cr_assert_eq(d.token.len, 0);
		m.token = ucql_value_unset();
		ucql_writer_init(&w, buf, sizeof buf);
		cr_assert_eq(ucql_auth_response_encode(&w, v, &m), UCQL_E_INVALID_ARG);
	}
}

/* ---- query parameters: every flag combination --------------------------- */

static const ucql_value QP_VALUES[5] = {
	{ (const uint8_t *)"abc", 3 }, { NULL, UCQL_NULL }, { (const uint8_t *)"", 0 },
	{ NULL, UCQL_UNSET }, { (const uint8_t *)"\x01\x02\x03\x04\x05\x06\x07\x08", 8 },
};
static const ucql_bytes QP_NAMES[5] = {
	{ (const uint8_t *)"a", 1 }, { (const uint8_t *)"bee", 3 }, { (const uint8_t *)"", 0 },
	{ (const uint8_t *)"d", 1 }, { (const uint8_t *)"e", 1 },
};

static void fill_params(ucql_query_params *p, uint32_t flags, int version)
{
	memset(p, 0, sizeof *p);
	p->consistency = UCQL_CL_EACH_QUORUM;
	p->flags = flags;
	p->n_values = 5;
	p->values = QP_VALUES;
	if (version < 4) /* no unset in v3: replace it with a null */
		p->n_values = 3;
	p->names = QP_NAMES;
	p->page_size = 5000;
	p->paging_state = (flags & 0x1) ? ucql_value_of("\xAA\xBB\xCC", 3) : ucql_value_null();
	p->serial_consistency = UCQL_CL_LOCAL_SERIAL;
	p->timestamp = -1234567890123456;
	p->keyspace = ucql_bytes_str("my_ks");
	p->now_in_seconds = 1700000000;
}

static void check_params_equal(const ucql_query_params *d, const ucql_query_params *p)
{
	cr_assert_eq(d->consistency, p->consistency);
	cr_assert_eq(d->flags, p->flags);
	uint32_t f = p->flags;
	if (f & UCQL_QP_VALUES) {
		cr_assert_eq(d->n_values, p->n_values);
		ucql_value_iter it;
		ucql_value_iter_init(&it, d->values_raw, (f & UCQL_QP_NAMES) != 0);
		for (uint16_t i = 0; i < p->n_values; i++) {
			ucql_bytes name;
			ucql_value v;
			cr_assert(ucql_value_iter_next(&it, &name, &v));
			cr_assert_eq(v.len, p->values[i].len);
			if (v.len > 0)
				cr_assert_eq(memcmp(v.p, p->values[i].p, (size_t)v.len), 0);
			if (f & UCQL_QP_NAMES) {
				cr_assert_eq(name.len, p->names[i].len);
				cr_assert_eq(memcmp(name.p, p->names[i].p, name.len), 0);
			} else {
				cr_assert_eq(name.len, 0);
			}
		}
		ucql_bytes name;
		ucql_value v;
		cr_assert_not(ucql_value_iter_next(&it, &name, &v));
	} else {
		cr_assert_eq(d->n_values, 0);
		cr_assert_eq(d->values_raw.len, 0);
	}
	cr_assert_eq(d->page_size, f & UCQL_QP_PAGE_SIZE ? p->page_size : 0);
	if (f & UCQL_QP_PAGING_STATE) {
		cr_assert_eq(d->paging_state.len, p->paging_state.len);
		if (p->paging_state.len > 0)
			cr_assert_eq(memcmp(d->paging_state.p, p->paging_state.p, 3), 0);
	}
	cr_assert_eq(d->serial_consistency, f & UCQL_QP_SERIAL_CONSISTENCY ? p->serial_consistency : 0);
	cr_assert_eq(d->timestamp, f & UCQL_QP_TIMESTAMP ? p->timestamp : 0);
	cr_assert_eq(d->now_in_seconds, f & UCQL_QP_NOW_IN_SECONDS ? p->now_in_seconds : 0);
	if (f & UCQL_QP_KEYSPACE)
		cr_assert(ucql_bytes_eq_str(d->keyspace, "my_ks"));
	else
		cr_assert_eq(d->keyspace.len, 0);
}

Test(request, query_and_execute_every_flag_combination)
{
	for (int v = 3; v <= 5; v++) {
		uint32_t all = v >= 5 ? UCQL_QP_FLAGS_V5 : UCQL_QP_FLAGS_V4;
		for (uint32_t flags = 0; flags <= all; flags++) {
			ucql_query q = { ucql_bytes_str("SELECT * FROM t WHERE a = :a"), { 0 } };
			fill_params(&q.params, flags, v);
			uint8_t buf[512];
			ucql_writer w;
			ucql_writer_init(&w, buf, sizeof buf);
			cr_assert_eq(ucql_query_encode(&w, v, &q), 0, "v%d flags %x", v, flags);
			guard_buf g = guard_copy(buf, w.len);
			ucql_query d;
			cr_assert_eq(ucql_query_decode(ucql_bytes_of(g.p, g.len), v, &d), 0,
				     "v%d flags %x", v, flags);
			cr_assert(ucql_bytes_eq_str(d.query, "SELECT * FROM t WHERE a = :a"));
			check_params_equal(&d.params, &q.params);
			/* Re-encoding from the raw values block gives the same bytes. */
			uint8_t again[512];
			ucql_writer w2;
			ucql_writer_init(&w2, again, sizeof again);
			cr_assert_eq(ucql_query_encode(&w2, v, &d), 0);
			cr_assert_eq(w2.len, w.len);
			cr_assert_arr_eq(again, buf, w.len);
			guard_free(&g);

			ucql_execute e = { ucql_bytes_of("\x01\x02\x03", 3), ucql_bytes_of("\x09", 1), q.params };
			ucql_writer_init(&w, buf, sizeof buf);
			cr_assert_eq(ucql_execute_encode(&w, v, &e), 0);
			g = guard_copy(buf, w.len);
			ucql_execute de;
			cr_assert_eq(ucql_execute_decode(ucql_bytes_of(g.p, g.len), v, &de), 0);
			cr_assert_eq(de.id.len, 3);
			cr_assert_eq(de.result_metadata_id.len, v >= 5 ? 1u : 0u);
			check_params_equal(&de.params, &e.params);
			guard_free(&g);
		}
	}
}

Test(request, query_params_split_encoding)
{
	/* head + caller-written values + tail == one-shot encode. */
	for (int v = 3; v <= 5; v++) {
		ucql_query_params p;
		fill_params(&p, UCQL_QP_VALUES | UCQL_QP_PAGE_SIZE | UCQL_QP_TIMESTAMP, v);
		uint8_t a[256], b[256];
		ucql_writer wa, wb;
		ucql_writer_init(&wa, a, sizeof a);
		cr_assert_eq(ucql_query_params_encode(&wa, v, &p), 0);
		ucql_writer_init(&wb, b, sizeof b);
		cr_assert_eq(ucql_query_params_encode_head(&wb, v, &p), 0);
		for (uint16_t i = 0; i < p.n_values; i++)
			ucql_write_value(&wb, p.values[i]);
		cr_assert_eq(ucql_query_params_encode_tail(&wb, v, &p), 0);
		cr_assert_eq(wb.len, wa.len);
		cr_assert_arr_eq(b, a, wa.len);
	}
}

Test(request, query_params_read_leaves_the_rest)
{
	uint8_t buf[64];
	ucql_writer w;
	ucql_query_params p = { .consistency = 1, .flags = UCQL_QP_PAGE_SIZE, .page_size = 7 };
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_query_params_encode(&w, 4, &p);
	ucql_write_byte(&w, 0xEE);
	ucql_reader r;
	ucql_query_params d;
	ucql_reader_init(&r, buf, w.len);
	cr_assert_eq(ucql_query_params_read(&r, 4, &d), 0);
	cr_assert_eq(d.page_size, 7);
	cr_assert_eq(ucql_reader_left(&r), 1);
}

/* ---- version rules and malformed query parameters ----------------------- */

Test(request, unset_values_not_in_v3)
{
	ucql_value vals[1] = { ucql_value_unset() };
	ucql_query q = { ucql_bytes_str("x"), { .flags = UCQL_QP_VALUES, .n_values = 1, .values = vals } };
	uint8_t buf[64];
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	cr_assert_eq(ucql_query_encode(&w, 3, &q), UCQL_E_INVALID_ARG);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
	ucql_writer_init(&w, buf, sizeof buf);
	cr_assert_eq(ucql_query_encode(&w, 4, &q), 0);
	ucql_query d;
	cr_assert_eq(ucql_query_decode(ucql_bytes_of(buf, w.len), 4, &d), 0);
	cr_assert_eq(ucql_query_decode(ucql_bytes_of(buf, w.len), 3, &d), UCQL_E_BAD_LENGTH);
	/* Below -2 is never valid. */
	vals[0].len = -3;
	ucql_writer_init(&w, buf, sizeof buf);
	cr_assert_eq(ucql_query_encode(&w, 4, &q), UCQL_E_INVALID_ARG);
	buf[4 + 1 + 2 + 1 + 2 + 3] = 0xFD; /* the value's length: FFFFFFFE → FFFFFFFD */
	cr_assert_eq(ucql_query_decode(ucql_bytes_of(buf, 4 + 1 + 2 + 1 + 2 + 4), 4, &d),
		     UCQL_E_BAD_LENGTH);
	/* Same in a batch statement. */
	vals[0] = ucql_value_unset();
	ucql_batch_stmt st = { UCQL_BATCH_PREPARED, ucql_bytes_of("i", 1), 1, vals, { NULL, 0 } };
	ucql_batch b = { .n = 1, .stmts = &st };
	ucql_writer_init(&w, buf, sizeof buf);
	cr_assert_eq(ucql_batch_encode(&w, 3, &b), UCQL_E_INVALID_ARG);
	ucql_writer_init(&w, buf, sizeof buf);
	cr_assert_eq(ucql_batch_encode(&w, 4, &b), 0);
	ucql_batch db;
	cr_assert_eq(ucql_batch_decode(ucql_bytes_of(buf, w.len), 4, &db), 0);
	cr_assert_eq(ucql_batch_decode(ucql_bytes_of(buf, w.len), 3, &db), UCQL_E_BAD_LENGTH);
}

Test(request, v5_flags_in_v4_and_unknown_flags)
{
	uint8_t buf[64];
	ucql_writer w;
	ucql_query d;
	for (int v = 3; v <= 4; v++) {
		ucql_query q = { ucql_bytes_str("x"), { .flags = UCQL_QP_KEYSPACE } };
		ucql_writer_init(&w, buf, sizeof buf);
		cr_assert_eq(ucql_query_encode(&w, v, &q), UCQL_E_INVALID_ARG);
		q.params.flags = UCQL_QP_NOW_IN_SECONDS;
		ucql_writer_init(&w, buf, sizeof buf);
		cr_assert_eq(ucql_query_encode(&w, v, &q), UCQL_E_INVALID_ARG);
		/* Decode: [long string] "x", consistency, flags byte 0x80. */
		const uint8_t body[] = { 0, 0, 0, 1, 'x', 0, 1, 0x80, 0, 2, 'k', 's' };
		cr_assert_eq(ucql_query_decode(ucql_bytes_of(body, sizeof body), v, &d), UCQL_E_BAD_FLAGS);
	}
	ucql_query q = { ucql_bytes_str("x"), { .flags = 0x200 } };
	ucql_writer_init(&w, buf, sizeof buf);
	cr_assert_eq(ucql_query_encode(&w, 5, &q), UCQL_E_INVALID_ARG);
	const uint8_t body5[] = { 0, 0, 0, 1, 'x', 0, 1, 0, 0, 0x02, 0x00 };
	cr_assert_eq(ucql_query_decode(ucql_bytes_of(body5, sizeof body5), 5, &d), UCQL_E_BAD_FLAGS);
	const uint8_t body5b[] = { 0, 0, 0, 1, 'x', 0, 1, 0x80, 0, 0, 0 };
	cr_assert_eq(ucql_query_decode(ucql_bytes_of(body5b, sizeof body5b), 5, &d), UCQL_E_BAD_FLAGS);
	/* The same flags read as v5 are fine. */
	const uint8_t body5c[] = { 0, 0, 0, 1, 'x', 0, 1, 0, 0, 0x01, 0x80, 0, 2, 'k', 's', 0, 0, 0, 9 };
	cr_assert_eq(ucql_query_decode(ucql_bytes_of(body5c, sizeof body5c), 5, &d), 0);
	cr_assert(ucql_bytes_eq_str(d.params.keyspace, "ks"));
	cr_assert_eq(d.params.now_in_seconds, 9);
	/* Execute shares the rules. */
	ucql_execute e;
	const uint8_t ex[] = { 0, 1, 0xAA, 0, 1, 0x80 };
	cr_assert_eq(ucql_execute_decode(ucql_bytes_of(ex, sizeof ex), 4, &e), UCQL_E_BAD_FLAGS);
}

Test(request, malformed_lengths)
{
	ucql_query q;
	/* Negative [long string] query. */
	const uint8_t neg[] = { 0xFF, 0xFF, 0xFF, 0xFF, 0, 1, 0 };
	cr_assert_eq(ucql_query_decode(ucql_bytes_of(neg, sizeof neg), 4, &q), UCQL_E_BAD_LENGTH);
	/* A query length past the body. */
	const uint8_t past[] = { 0, 0, 0, 50, 'x', 0, 1, 0 };
	cr_assert_eq(ucql_query_decode(ucql_bytes_of(past, sizeof past), 4, &q), UCQL_E_TRUNCATED);
	/* A value count past the body. */
	const uint8_t cnt[] = { 0, 0, 0, 1, 'x', 0, 1, 0x01, 0, 3, 0, 0, 0, 0 };
	cr_assert_eq(ucql_query_decode(ucql_bytes_of(cnt, sizeof cnt), 4, &q), UCQL_E_TRUNCATED);
	/* A value length past the body. */
	const uint8_t vl[] = { 0, 0, 0, 1, 'x', 0, 1, 0x01, 0, 1, 0x7F, 0xFF, 0xFF, 0xFF, 1 };
	cr_assert_eq(ucql_query_decode(ucql_bytes_of(vl, sizeof vl), 4, &q), UCQL_E_TRUNCATED);
	/* Negative paging state is a null [bytes], accepted. */
	const uint8_t ps[] = { 0, 0, 0, 1, 'x', 0, 1, 0x08, 0xFF, 0xFF, 0xFF, 0xF0 };
	cr_assert_eq(ucql_query_decode(ucql_bytes_of(ps, sizeof ps), 4, &q), 0);
	cr_assert_eq(q.params.paging_state.len, UCQL_NULL);
	/* Bad version. */
	cr_assert_eq(ucql_query_decode(ucql_bytes_of(ps, sizeof ps), 2, &q), UCQL_E_BAD_VERSION);
	cr_assert_eq(ucql_query_decode(ucql_bytes_of(ps, sizeof ps), 6, &q), UCQL_E_BAD_VERSION);
	ucql_prepare p;
	cr_assert_eq(ucql_prepare_decode(ucql_bytes_of(neg, 4), 4, &p), UCQL_E_BAD_LENGTH);
	/* Names flag without values: ignored (§4.1.4). */
	const uint8_t nm[] = { 0, 0, 0, 1, 'x', 0, 1, 0x40 };
	cr_assert_eq(ucql_query_decode(ucql_bytes_of(nm, sizeof nm), 4, &q), 0);
	cr_assert_eq(q.params.n_values, 0);
	/* Encode: names flag with values but no names. */
	ucql_value v1 = ucql_value_of("a", 1);
	ucql_query e = { ucql_bytes_str("x"),
			 { .flags = UCQL_QP_VALUES | UCQL_QP_NAMES, .n_values = 1, .values = &v1 } };
	uint8_t buf[64];
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	cr_assert_eq(ucql_query_encode(&w, 4, &e), UCQL_E_INVALID_ARG);
	ucql_writer_init(&w, buf, sizeof buf);
	cr_assert_eq(ucql_query_encode(&w, 6, &e), UCQL_E_INVALID_ARG);
}

Test(request, raw_values_block_encode)
{
	/* The driver's path: values serialized by the caller, copied as is. */
	uint8_t raw[64];
	ucql_writer rw;
	ucql_writer_init(&rw, raw, sizeof raw);
	ucql_write_value(&rw, ucql_value_of("hi", 2));
	ucql_write_value(&rw, ucql_value_null());
	ucql_execute e = { ucql_bytes_of("\x05", 1), { NULL, 0 },
			   { .consistency = 1, .flags = UCQL_QP_VALUES, .n_values = 2,
			     .values_raw = ucql_bytes_of(raw, rw.len) } };
	uint8_t buf[64];
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	cr_assert_eq(ucql_execute_encode(&w, 4, &e), 0);
	const uint8_t want[] = { 0, 1, 5, 0, 1, 1, 0, 2, 0, 0, 0, 2, 'h', 'i', 0xFF, 0xFF, 0xFF, 0xFF };
	cr_assert_eq(w.len, sizeof want);
	cr_assert_arr_eq(buf, want, sizeof want);
}

/* ---- PREPARE ------------------------------------------------------------ */

Test(request, prepare_versions)
{
	uint8_t buf[64];
	ucql_writer w;
	ucql_prepare m = { ucql_bytes_str("SELECT 1"), UCQL_PREPARE_KEYSPACE, ucql_bytes_str("ks") };
	for (int v = 3; v <= 4; v++) {
		ucql_writer_init(&w, buf, sizeof buf);
		cr_assert_eq(ucql_prepare_encode(&w, v, &m), UCQL_E_INVALID_ARG);
	}
	m.flags = 0x02;
	ucql_writer_init(&w, buf, sizeof buf);
	cr_assert_eq(ucql_prepare_encode(&w, 5, &m), UCQL_E_INVALID_ARG);
	/* v5 without keyspace; then an unknown flag on the wire. */
	m.flags = 0;
	ucql_writer_init(&w, buf, sizeof buf);
	cr_assert_eq(ucql_prepare_encode(&w, 5, &m), 0);
	ucql_prepare d;
	cr_assert_eq(ucql_prepare_decode(ucql_bytes_of(buf, w.len), 5, &d), 0);
	cr_assert_eq(d.flags, 0);
	cr_assert_eq(d.keyspace.len, 0);
	buf[w.len - 1] = 0x02;
	cr_assert_eq(ucql_prepare_decode(ucql_bytes_of(buf, w.len), 5, &d), UCQL_E_BAD_FLAGS);
	/* The v5 body read as v4 has trailing flags. */
	buf[w.len - 1] = 0;
	cr_assert_eq(ucql_prepare_decode(ucql_bytes_of(buf, w.len), 4, &d), UCQL_E_TRAILING);
	cr_assert_eq(ucql_prepare_decode(ucql_bytes_of(buf, w.len), 7, &d), UCQL_E_BAD_VERSION);
}

/* ---- BATCH -------------------------------------------------------------- */

Test(request, batch_round_trip_all_kinds_and_flags)
{
	static const ucql_value v0[3] = { { (const uint8_t *)"a", 1 }, { NULL, UCQL_NULL }, { (const uint8_t *)"", 0 } };
	static const ucql_value v1[1] = { { NULL, UCQL_UNSET } };
	for (int v = 3; v <= 5; v++) {
		uint32_t allowed = v >= 5 ? UCQL_BATCH_FLAGS_V5 : UCQL_BATCH_FLAGS_V4;
		for (uint8_t type = 0; type <= 2; type++) {
			for (uint32_t flags = 0; flags <= 0x1FF; flags++) {
				if (flags & ~allowed)
					continue;
				ucql_batch_stmt st[4] = {
					{ UCQL_BATCH_QUERY, ucql_bytes_str("INSERT 1"), 3, v0, { NULL, 0 } },
					{ UCQL_BATCH_PREPARED, ucql_bytes_of("\x01\x02\x03\x04", 4), 0, NULL, { NULL, 0 } },
					{ UCQL_BATCH_PREPARED, ucql_bytes_of("\x09", 1), v >= 4 ? 1 : 0, v1, { NULL, 0 } },
					{ UCQL_BATCH_QUERY, ucql_bytes_str(""), 0, NULL, { NULL, 0 } },
				};
				ucql_batch b = { .type = type, .n = 4, .stmts = st, .consistency = UCQL_CL_TWO,
						 .flags = flags, .serial_consistency = UCQL_CL_SERIAL,
						 .timestamp = 99, .keyspace = ucql_bytes_str("k"),
						 .now_in_seconds = -5 };
				uint8_t buf[256];
				ucql_writer w;
				ucql_writer_init(&w, buf, sizeof buf);
				cr_assert_eq(ucql_batch_encode(&w, v, &b), 0, "v%d type %d flags %x", v, type, flags);
				guard_buf g = guard_copy(buf, w.len);
				ucql_batch d;
				cr_assert_eq(ucql_batch_decode(ucql_bytes_of(g.p, g.len), v, &d), 0);
				cr_assert_eq(d.type, type);
				cr_assert_eq(d.n, 4);
				cr_assert_eq(d.consistency, UCQL_CL_TWO);
				cr_assert_eq(d.flags, flags);
				cr_assert_eq(d.serial_consistency, flags & 0x10 ? UCQL_CL_SERIAL : 0);
				cr_assert_eq(d.timestamp, flags & 0x20 ? 99 : 0);
				cr_assert_eq(d.keyspace.len, flags & 0x80 ? 1u : 0u);
				cr_assert_eq(d.now_in_seconds, flags & 0x100 ? -5 : 0);
				ucql_reader it;
				ucql_batch_iter_init(&it, &d);
				for (int i = 0; i < 4; i++) {
					ucql_batch_stmt s;
					cr_assert(ucql_batch_next(&it, &s));
					cr_assert_eq(s.kind, st[i].kind);
					cr_assert_eq(s.query_or_id.len, st[i].query_or_id.len);
					cr_assert_eq(s.n_values, st[i].n_values);
					ucql_value_iter vi;
					ucql_value_iter_init(&vi, s.values_raw, 0);
					for (int j = 0; j < s.n_values; j++) {
						ucql_value x;
						cr_assert(ucql_value_iter_next(&vi, NULL, &x));
						cr_assert_eq(x.len, st[i].values[j].len);
					}
				}
				ucql_batch_stmt s;
				cr_assert_not(ucql_batch_next(&it, &s));
				/* Re-encode from the raw statements. */
				uint8_t again[256];
				ucql_writer w2;
				ucql_writer_init(&w2, again, sizeof again);
				cr_assert_eq(ucql_batch_encode(&w2, v, &d), 0);
				cr_assert_eq(w2.len, w.len);
				cr_assert_arr_eq(again, buf, w.len);
				guard_free(&g);
			}
		}
	}
}

Test(request, batch_errors)
{
	uint8_t buf[128];
	ucql_writer w;
	ucql_batch d;
	ucql_batch_stmt st = { UCQL_BATCH_QUERY, ucql_bytes_str("q"), 0, NULL, { NULL, 0 } };
	ucql_batch b = { .type = 3, .n = 1, .stmts = &st };
	ucql_writer_init(&w, buf, sizeof buf);
	cr_assert_eq(ucql_batch_encode(&w, 4, &b), UCQL_E_INVALID_ARG, "type 3");
	b.type = 0;
	st.kind = 2;
	ucql_writer_init(&w, buf, sizeof buf);
	cr_assert_eq(ucql_batch_encode(&w, 4, &b), UCQL_E_INVALID_ARG, "kind 2");
	st.kind = 0;
	const uint32_t badflags4[] = { 0x01, 0x02, 0x04, 0x08, UCQL_QP_NAMES, 0x80, 0x100 };
	for (size_t i = 0; i < sizeof badflags4 / sizeof badflags4[0]; i++) {
		b.flags = badflags4[i];
		ucql_writer_init(&w, buf, sizeof buf);
		cr_assert_eq(ucql_batch_encode(&w, 4, &b), UCQL_E_INVALID_ARG, "flags %x", b.flags);
		if (b.flags < 0x80) {
			ucql_writer_init(&w, buf, sizeof buf);
			cr_assert_eq(ucql_batch_encode(&w, 5, &b), UCQL_E_INVALID_ARG, "v5 flags %x", b.flags);
		}
	}
	b.flags = 0x200;
	ucql_writer_init(&w, buf, sizeof buf);
	cr_assert_eq(ucql_batch_encode(&w, 5, &b), UCQL_E_INVALID_ARG);

	/* Decode: type 0, 1 statement (kind 0, "q", 0 values), ONE, flags. */
	uint8_t body[] = { 0, 0, 1, 0, 0, 0, 0, 1, 'q', 0, 0, 0, 1, 0x00 };
	cr_assert_eq(ucql_batch_decode(ucql_bytes_of(body, sizeof body), 4, &d), 0);
	body[0] = 3;
	cr_assert_eq(ucql_batch_decode(ucql_bytes_of(body, sizeof body), 4, &d), UCQL_E_BAD_KIND);
	body[0] = 0xFF;
	cr_assert_eq(ucql_batch_decode(ucql_bytes_of(body, sizeof body), 4, &d), UCQL_E_BAD_KIND);
	body[0] = 2;
	body[3] = 2;
	cr_assert_eq(ucql_batch_decode(ucql_bytes_of(body, sizeof body), 4, &d), UCQL_E_BAD_KIND);
	body[3] = 0;
	for (size_t i = 0; i < sizeof badflags4 / sizeof badflags4[0]; i++) {
		body[13] = (uint8_t)badflags4[i];
		if (badflags4[i] > 0xFF)
			continue;
		cr_assert_eq(ucql_batch_decode(ucql_bytes_of(body, sizeof body), 4, &d), UCQL_E_BAD_FLAGS,
			     "flags %x", badflags4[i]);
	}
	/* Negative query length inside a statement. */
	uint8_t neg[] = { 0, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 0, 1, 0 };
	cr_assert_eq(ucql_batch_decode(ucql_bytes_of(neg, sizeof neg), 4, &d), UCQL_E_BAD_LENGTH);
	/* Statement count past the body. */
	uint8_t many[] = { 0, 0, 9, 1, 0, 1, 'i', 0, 0, 0, 1, 0 };
	cr_assert_eq(ucql_batch_decode(ucql_bytes_of(many, sizeof many), 4, &d), UCQL_E_TRUNCATED);
	/* Trailing byte after a v5 batch. */
	uint8_t v5[] = { 1, 0, 0, 0, 1, 0, 0, 0, 0, 0xAB };
	cr_assert_eq(ucql_batch_decode(ucql_bytes_of(v5, sizeof v5 - 1), 5, &d), 0);
	cr_assert_eq(ucql_batch_decode(ucql_bytes_of(v5, sizeof v5), 5, &d), UCQL_E_TRAILING);
	cr_assert_eq(ucql_batch_decode(ucql_bytes_of(v5, sizeof v5), 2, &d), UCQL_E_BAD_VERSION);
}

/* ---- STARTUP, OPTIONS, REGISTER ----------------------------------------- */

Test(request, options_and_register_errors)
{
	const uint8_t one = 0;
	cr_assert_eq(ucql_options_decode(ucql_bytes_of(&one, 1), 4), UCQL_E_TRAILING);
	cr_assert_eq(ucql_options_decode(ucql_bytes_of(NULL, 0), 5), 0);
	cr_assert_eq(ucql_options_decode(ucql_bytes_of(NULL, 0), 1), UCQL_E_BAD_VERSION);
	ucql_register r;
	const uint8_t bad[] = { 0, 1, 0, 3, 'F', 'O', 'O' };
	cr_assert_eq(ucql_register_decode(ucql_bytes_of(bad, sizeof bad), 4, &r), UCQL_E_BAD_KIND);
	const uint8_t empty[] = { 0, 0 };
	cr_assert_eq(ucql_register_decode(ucql_bytes_of(empty, 2), 4, &r), 0);
	cr_assert_eq(r.list.n, 0);
	ucql_startup s;
	cr_assert_eq(ucql_startup_decode(ucql_bytes_of(empty, 2), 3, &s), 0);
	cr_assert_eq(s.options.n, 0);
	/* A key without its value. */
	const uint8_t half[] = { 0, 1, 0, 1, 'K' };
	cr_assert_eq(ucql_startup_decode(ucql_bytes_of(half, sizeof half), 4, &s), UCQL_E_TRUNCATED);
	uint8_t buf[16];
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	cr_assert_eq(ucql_options_encode(&w, 9), UCQL_E_INVALID_ARG);
}
