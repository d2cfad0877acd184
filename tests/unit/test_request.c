/*
 * lib/request.c: encoding statements into request slots (QUERY, EXECUTE,
 * BATCH; v3, v4, v5), checked by decoding the bodies back with the codec;
 * PREPARE and internal QUERY bodies; re-encoding for a lower version;
 * the slot pool.
 */
#include "driver_fixture.h"

/* ---- helpers -------------------------------------------------------------- */

/* A request as the server would read it: frame around the body, decoded. */
typedef struct dreq {
	uint8_t *buf;
	ucql_frame f;
} dreq;

static void decode_frame(const ucql__req *r, dreq *d)
{
	size_t len = UCQL_FRAME_HEADER_SIZE + r->body_len;
	d->buf = malloc(len);
	cr_assert_not_null(d->buf);
	ucql_frame_header h = { .version = r->version, .flags = r->frame_flags, .stream = 1,
				.opcode = r->opcode, .length = r->body_len };
	ucql_frame_header_encode(d->buf, &h);
	memcpy(d->buf + UCQL_FRAME_HEADER_SIZE, r->body, r->body_len);
	int rc = ucql_frame_decode(d->buf, len, 0, &d->f);
	cr_assert_eq(rc, (int)len, "request frame: %s", ucql_err_name(rc));
}

static void dreq_free(dreq *d)
{
	free(d->buf);
}

static ucql__req *encode_ok(ucql_session *s, const ucql_statement *st)
{
	ucql__req *r = ucql__req_get(NULL);
	cr_assert_not_null(r);
	int rc = ucql__req_encode(s, r, st);
	cr_assert_eq(rc, 0, "encode: %s", ucql_err_name(rc));
	cr_assert_eq(r->version, ucql__session_version(s));
	return r;
}

static int encode_rc(ucql_session *s, const ucql_statement *st)
{
	ucql__req *r = ucql__req_get(NULL);
	int rc = ucql__req_encode(s, r, st);
	ucql__req_unref(r);
	return rc;
}

/* Decodes r as a QUERY into *q (views into d). */
static void as_query(const ucql__req *r, dreq *d, ucql_query *q)
{
	cr_assert_eq(r->opcode, UCQL_OP_QUERY);
	decode_frame(r, d);
	int rc = ucql_query_decode(d->f.body, r->version, q);
	cr_assert_eq(rc, 0, "query decode v%d: %s", r->version, ucql_err_name(rc));
}

static void as_execute(const ucql__req *r, dreq *d, ucql_execute *e)
{
	cr_assert_eq(r->opcode, UCQL_OP_EXECUTE);
	decode_frame(r, d);
	int rc = ucql_execute_decode(d->f.body, r->version, e);
	cr_assert_eq(rc, 0, "execute decode v%d: %s", r->version, ucql_err_name(rc));
}

static void as_batch(const ucql__req *r, dreq *d, ucql_batch *b)
{
	cr_assert_eq(r->opcode, UCQL_OP_BATCH);
	decode_frame(r, d);
	int rc = ucql_batch_decode(d->f.body, r->version, b);
	cr_assert_eq(rc, 0, "batch decode v%d: %s", r->version, ucql_err_name(rc));
}

/* Concatenation of a statement's bound [value]s in index order. */
static ucql_bytes values_of(const ucql_statement *st, uint8_t *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < st->n_values; i++) {
		ucql_bytes b = fx_bound(st, i);
		cr_assert_not_null(b.p);
		cr_assert_leq(n + b.len, cap);
		memcpy(out + n, b.p, b.len);
		n += b.len;
	}
	return ucql_bytes_of(out, n);
}

static void assert_bytes_eq(ucql_bytes a, ucql_bytes b)
{
	cr_assert_eq(a.len, b.len, "length %zu, want %zu", a.len, b.len);
	if (a.len)
		cr_assert_arr_eq(a.p, b.p, a.len);
}

/* A statement with three values: int 7, text "x", null. */
static ucql_statement *three_values(void)
{
	ucql_statement *st = ucql_statement_new("INSERT INTO t (a, b, c) VALUES (?, ?, ?)", 3);
	cr_assert_eq(ucql_statement_bind_int32(st, 0, 7), 0);
	cr_assert_eq(ucql_statement_bind_string(st, 1, "x"), 0);
	cr_assert_eq(ucql_statement_bind_null(st, 2), 0);
	return st;
}

static const char *const server_ts[] = { "request.timestamps", "server", NULL };

TestSuite(request);

/* ---- QUERY ------------------------------------------------------------------- */

Test(request, query_round_trips_in_every_version)
{
	for (int v = 3; v <= 5; v++) {
		ucql_session *s = fx_session(v, NULL);
		ucql_statement *st = three_values();
		ucql_statement_set_consistency(st, UCQL_CL_QUORUM);
		ucql_statement_set_serial_consistency(st, UCQL_CL_LOCAL_SERIAL);
		ucql_statement_set_page_size(st, 10);
		ucql_statement_set_paging_state(st, ucql_bytes_of("\xab\xcd", 2));
		ucql_statement_set_timestamp(st, 12345);
		ucql__req *r = encode_ok(s, st);
		cr_assert_eq(r->frame_flags, 0);
		dreq d;
		ucql_query q;
		as_query(r, &d, &q);
		cr_assert(ucql_bytes_eq_str(q.query, "INSERT INTO t (a, b, c) VALUES (?, ?, ?)"));
		cr_assert_eq(q.params.consistency, UCQL_CL_QUORUM);
		cr_assert_eq(q.params.flags,
			     UCQL_QP_VALUES | UCQL_QP_PAGE_SIZE | UCQL_QP_PAGING_STATE |
				     UCQL_QP_SERIAL_CONSISTENCY | UCQL_QP_TIMESTAMP,
			     "v%d flags 0x%x", v, q.params.flags);
		cr_assert_eq(q.params.n_values, 3);
		uint8_t vb[64];
		assert_bytes_eq(q.params.values_raw, values_of(st, vb, sizeof vb));
		cr_assert_eq(q.params.page_size, 10);
		cr_assert_eq(q.params.paging_state.len, 2);
		cr_assert_eq(memcmp(q.params.paging_state.p, "\xab\xcd", 2), 0);
		cr_assert_eq(q.params.serial_consistency, UCQL_CL_LOCAL_SERIAL);
		cr_assert_eq(q.params.timestamp, 12345);
		dreq_free(&d);
		ucql__req_unref(r);
		ucql_statement_free(st);
		fx_session_free(s);
	}
}

Test(request, query_without_values_has_no_values_flag)
{
	ucql_session *s = fx_session(4, server_ts);
	ucql_statement *st = ucql_statement_new("SELECT now() FROM system.local", 0);
	ucql_statement_set_page_size(st, 0);
	ucql__req *r = encode_ok(s, st);
	dreq d;
	ucql_query q;
	as_query(r, &d, &q);
	cr_assert_eq(q.params.flags, 0);
	cr_assert_eq(q.params.consistency, UCQL_CL_LOCAL_ONE, "the config's default");
	dreq_free(&d);
	ucql__req_unref(r);
	ucql_statement_free(st);
	fx_session_free(s);
}

Test(request, consistency_from_statement_or_config)
{
	static const char *const kv[] = { "request.consistency", "each_quorum", NULL };
	ucql_session *s = fx_session(4, kv);
	ucql_statement *st = ucql_statement_new("q", 0);
	dreq d;
	ucql_query q;
	ucql__req *r = encode_ok(s, st);
	as_query(r, &d, &q);
	cr_assert_eq(q.params.consistency, UCQL_CL_EACH_QUORUM);
	dreq_free(&d);
	ucql__req_unref(r);

	ucql_statement_set_consistency(st, UCQL_CL_ANY);
	r = encode_ok(s, st);
	as_query(r, &d, &q);
	cr_assert_eq(q.params.consistency, UCQL_CL_ANY);
	dreq_free(&d);
	ucql__req_unref(r);
	ucql_statement_free(st);
	fx_session_free(s);
}

Test(request, page_size_from_statement_or_config)
{
	static const char *const small[] = { "request.page_size", "77", NULL };
	static const char *const none[] = { "request.page_size", "0", NULL };
	struct {
		const char *const *kv;
		int32_t st_page; /* -2: leave the statement's default */
		int32_t want;    /* 0: no flag */
	} cases[] = {
		{ NULL, -2, 5000 }, { small, -2, 77 }, { none, -2, 0 },  { small, 0, 0 },
		{ none, 3, 3 },     { small, -1, 77 }, { NULL, 100, 100 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ucql_session *s = fx_session(4, cases[i].kv);
		ucql_statement *st = ucql_statement_new("SELECT", 0);
		if (cases[i].st_page != -2)
			cr_assert_eq(ucql_statement_set_page_size(st, cases[i].st_page), 0);
		ucql__req *r = encode_ok(s, st);
		dreq d;
		ucql_query q;
		as_query(r, &d, &q);
		if (cases[i].want) {
			cr_assert(q.params.flags & UCQL_QP_PAGE_SIZE, "case %zu", i);
			cr_assert_eq(q.params.page_size, cases[i].want, "case %zu", i);
		} else {
			cr_assert_not(q.params.flags & UCQL_QP_PAGE_SIZE, "case %zu", i);
		}
		dreq_free(&d);
		ucql__req_unref(r);
		ucql_statement_free(st);
		fx_session_free(s);
	}
}

Test(request, serial_consistency_flag_only_when_not_serial)
{
	static const char *const local[] = { "request.serial_consistency", "local_serial", NULL };
	struct {
		const char *const *kv;
		int st_serial;
		int want; /* 0: no flag */
	} cases[] = {
		{ NULL, UCQL_CL_DEFAULT, 0 },
		{ NULL, UCQL_CL_SERIAL, 0 },
		{ NULL, UCQL_CL_LOCAL_SERIAL, UCQL_CL_LOCAL_SERIAL },
		{ local, UCQL_CL_DEFAULT, UCQL_CL_LOCAL_SERIAL },
		{ local, UCQL_CL_SERIAL, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ucql_session *s = fx_session(4, cases[i].kv);
		ucql_statement *st = ucql_statement_new("UPDATE t SET v = 1 WHERE k = 1 IF v = 0", 0);
		cr_assert_eq(ucql_statement_set_serial_consistency(st, cases[i].st_serial), 0);
		ucql__req *r = encode_ok(s, st);
		dreq d;
		ucql_query q;
		as_query(r, &d, &q);
		if (cases[i].want) {
			cr_assert(q.params.flags & UCQL_QP_SERIAL_CONSISTENCY, "case %zu", i);
			cr_assert_eq(q.params.serial_consistency, cases[i].want, "case %zu", i);
		} else {
			cr_assert_not(q.params.flags & UCQL_QP_SERIAL_CONSISTENCY, "case %zu", i);
		}
		dreq_free(&d);
		ucql__req_unref(r);
		ucql_statement_free(st);
		fx_session_free(s);
	}
}

/* ---- timestamps -------------------------------------------------------------- */

static int64_t query_timestamp(ucql_session *s, const ucql_statement *st, int *has)
{
	ucql__req *r = encode_ok(s, st);
	dreq d;
	ucql_query q;
	as_query(r, &d, &q);
	*has = (q.params.flags & UCQL_QP_TIMESTAMP) != 0;
	int64_t ts = q.params.timestamp;
	dreq_free(&d);
	ucql__req_unref(r);
	return ts;
}

Test(request, explicit_timestamp_is_sent_as_given)
{
	ucql_session *s = fx_session(4, server_ts);
	ucql_statement *st = ucql_statement_new("INSERT", 0);
	int has;
	query_timestamp(s, st, &has);
	cr_assert_eq(has, 0, "request.timestamps=server: the coordinator stamps");
	ucql_statement_set_timestamp(st, -42);
	cr_assert_eq(query_timestamp(s, st, &has), -42);
	cr_assert_eq(has, 1);
	ucql_statement_set_timestamp(st, INT64_MIN);
	query_timestamp(s, st, &has);
	cr_assert_eq(has, 0);
	ucql_statement_free(st);
	fx_session_free(s);
}

Test(request, client_timestamps_strictly_increase_on_a_thread)
{
	ucql_session *s = fx_session(4, NULL);
	ucql_statement *st = ucql_statement_new("INSERT", 0);
	int has;
	int64_t prev = query_timestamp(s, st, &has);
	cr_assert_eq(has, 1);
	/* microseconds since the epoch: after 2020-01-01 */
	cr_assert_gt(prev, INT64_C(1577836800000000));
	for (int i = 0; i < 2000; i++) {
		int64_t ts = query_timestamp(s, st, &has);
		cr_assert_eq(has, 1);
		cr_assert_gt(ts, prev, "request %d: %lld after %lld", i, (long long)ts, (long long)prev);
		prev = ts;
	}
	/* an explicit one wins over the generator */
	ucql_statement_set_timestamp(st, 5);
	cr_assert_eq(query_timestamp(s, st, &has), 5);
	ucql_statement_free(st);
	fx_session_free(s);
}

/* ---- keyspace, payload, tracing, options carried on the slot ---------------------- */

Test(request, keyspace_flag_only_in_v5)
{
	for (int v = 3; v <= 5; v++) {
		ucql_session *s = fx_session(v, NULL);
		ucql_statement *st = ucql_statement_new("SELECT * FROM t", 0);
		cr_assert_eq(ucql_statement_set_keyspace(st, "other_ks"), 0);
		if (v < 5) {
			cr_assert_eq(encode_rc(s, st), UCQL_E_INVALID_ARG, "v%d", v);
		} else {
			ucql__req *r = encode_ok(s, st);
			dreq d;
			ucql_query q;
			as_query(r, &d, &q);
			cr_assert(q.params.flags & UCQL_QP_KEYSPACE);
			cr_assert(ucql_bytes_eq_str(q.params.keyspace, "other_ks"));
			dreq_free(&d);
			ucql__req_unref(r);
		}
		/* without it, no flag */
		ucql_statement_set_keyspace(st, NULL);
		ucql__req *r = encode_ok(s, st);
		dreq d;
		ucql_query q;
		as_query(r, &d, &q);
		cr_assert_not(q.params.flags & UCQL_QP_KEYSPACE);
		dreq_free(&d);
		ucql__req_unref(r);
		ucql_statement_free(st);
		fx_session_free(s);
	}
}

Test(request, custom_payload_prefixes_the_body)
{
	for (int v = 3; v <= 5; v++) {
		ucql_session *s = fx_session(v, server_ts);
		ucql_statement *st = ucql_statement_new("SELECT", 0);
		ucql_statement_set_page_size(st, 0);
		cr_assert_eq(ucql_statement_add_payload(st, "k1", ucql_bytes_of("\x01\x02", 2)), 0);
		cr_assert_eq(ucql_statement_add_payload(st, "k2", ucql_bytes_of(NULL, 0)), 0);
		if (v == 3) {
			cr_assert_eq(encode_rc(s, st), UCQL_E_INVALID_ARG);
		} else {
			ucql__req *r = encode_ok(s, st);
			cr_assert_eq(r->frame_flags, UCQL_FLAG_CUSTOM_PAYLOAD);
			ASSERT_HEX(r->body, 20, "000200026b31000000020102" "00026b3200000000");
			dreq d;
			ucql_query q;
			as_query(r, &d, &q);
			cr_assert_eq(d.f.custom_payload.n, 2);
			ucql_reader it;
			ucql_bytes k;
			ucql_value val;
			ucql_reader_init(&it, d.f.custom_payload.raw.p, d.f.custom_payload.raw.len);
			cr_assert_eq(ucql_bytes_map_next(&it, &k, &val), 1);
			cr_assert(ucql_bytes_eq_str(k, "k1"));
			cr_assert_eq(val.len, 2);
			cr_assert_eq(ucql_bytes_map_next(&it, &k, &val), 1);
			cr_assert(ucql_bytes_eq_str(k, "k2"));
			cr_assert_eq(val.len, 0);
			cr_assert(ucql_bytes_eq_str(q.query, "SELECT"));
			cr_assert_eq(q.params.flags, 0);
			dreq_free(&d);
			ucql__req_unref(r);
		}
		ucql_statement_free(st);
		fx_session_free(s);
	}
}

Test(request, tracing_sets_the_frame_flag_only)
{
	ucql_session *s = fx_session(4, server_ts);
	ucql_statement *st = ucql_statement_new("SELECT", 0);
	ucql_statement_set_page_size(st, 0);
	ucql__req *plain = encode_ok(s, st);
	ucql_statement_set_tracing(st, 1);
	ucql__req *r = encode_ok(s, st);
	cr_assert_eq(r->frame_flags, UCQL_FLAG_TRACING);
	cr_assert_eq(r->body_len, plain->body_len);
	cr_assert_arr_eq(r->body, plain->body, r->body_len);
	ucql__req_unref(r);
	ucql__req_unref(plain);
	ucql_statement_free(st);
	fx_session_free(s);
}

Test(request, timeout_and_idempotence_are_carried)
{
	static const char *const kv[] = { "request.timeout_ms", "777", NULL };
	ucql_session *s = fx_session(4, kv);
	ucql_statement *st = ucql_statement_new("SELECT", 0);
	ucql__req *r = encode_ok(s, st);
	cr_assert_eq(r->timeout_ms, 777);
	cr_assert_eq(r->idempotent, 0);
	cr_assert_null(r->prep);
	ucql__req_unref(r);
	ucql_statement_set_timeout(st, 0);
	ucql_statement_set_idempotent(st, 1);
	r = encode_ok(s, st);
	cr_assert_eq(r->timeout_ms, 0);
	cr_assert_eq(r->idempotent, 1);
	ucql__req_unref(r);
	ucql_statement_free(st);
	fx_session_free(s);
}

/* ---- values: names, unset, large bodies ---------------------------------------------- */

Test(request, named_values_are_sent_with_names)
{
	for (int v = 3; v <= 5; v++) {
		ucql_session *s = fx_session(v, NULL);
		ucql_statement *st = ucql_statement_new("INSERT INTO t (a, b) VALUES (:a, :bee)", 0);
		cr_assert_eq(ucql_statement_bind_int32_by_name(st, "a", 1), 0);
		cr_assert_eq(ucql_statement_bind_string_by_name(st, "bee", "x"), 0);
		ucql__req *r = encode_ok(s, st);
		dreq d;
		ucql_query q;
		as_query(r, &d, &q);
		cr_assert(q.params.flags & UCQL_QP_NAMES);
		cr_assert(q.params.flags & UCQL_QP_VALUES);
		cr_assert_eq(q.params.n_values, 2);
		ucql_value_iter it;
		ucql_bytes name;
		ucql_value val;
		ucql_value_iter_init(&it, q.params.values_raw, 1);
		cr_assert_eq(ucql_value_iter_next(&it, &name, &val), 1);
		cr_assert(ucql_bytes_eq_str(name, "a"));
		cr_assert_eq(val.len, 4);
		cr_assert_eq(ucql__be32(val.p), 1);
		cr_assert_eq(ucql_value_iter_next(&it, &name, &val), 1);
		cr_assert(ucql_bytes_eq_str(name, "bee"));
		cr_assert_eq(val.len, 1);
		cr_assert_eq(val.p[0], 'x');
		cr_assert_eq(ucql_value_iter_next(&it, &name, &val), 0);
		dreq_free(&d);
		ucql__req_unref(r);
		ucql_statement_free(st);
		fx_session_free(s);
	}
}

Test(request, unset_values_need_v4)
{
	for (int v = 3; v <= 5; v++) {
		ucql_session *s = fx_session(v, NULL);
		ucql_statement *st = ucql_statement_new("INSERT", 2);
		cr_assert_eq(ucql_statement_bind_int32(st, 0, 1), 0);
		cr_assert_eq(ucql_statement_bind_unset(st, 1), 0);
		if (v == 3) {
			cr_assert_eq(encode_rc(s, st), UCQL_E_INVALID_ARG);
		} else {
			ucql__req *r = encode_ok(s, st);
			dreq d;
			ucql_query q;
			as_query(r, &d, &q);
			ASSERT_HEX(q.params.values_raw.p, q.params.values_raw.len,
				   "0000000400000001fffffffe");
			dreq_free(&d);
			ucql__req_unref(r);
		}
		ucql_statement_free(st);
		fx_session_free(s);
	}
}

Test(request, simple_statement_must_bind_every_value)
{
	ucql_session *s = fx_session(5, NULL);
	ucql_statement *st = ucql_statement_new("INSERT ?, ?", 2);
	cr_assert_eq(ucql_statement_bind_int32(st, 1, 1), 0);
	cr_assert_eq(encode_rc(s, st), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_statement_bind_null(st, 0), 0);
	cr_assert_eq(encode_rc(s, st), 0);
	ucql_statement_free(st);
	fx_session_free(s);
}

Test(request, body_larger_than_the_inline_buffer)
{
	enum { BIG = 100 * 1024 };
	uint8_t *big = malloc(BIG);
	for (size_t i = 0; i < BIG; i++)
		big[i] = (uint8_t)(i * 31 + 7);
	for (int v = 3; v <= 5; v++) {
		ucql_session *s = fx_session(v, NULL);
		ucql_statement *st = ucql_statement_new("INSERT INTO t (k, b) VALUES (?, ?)", 2);
		cr_assert_eq(ucql_statement_bind_int32(st, 0, 1), 0);
		cr_assert_eq(ucql_statement_bind_blob(st, 1, big, BIG), 0);
		ucql__req *r = encode_ok(s, st);
		cr_assert_gt(r->body_len, BIG);
		cr_assert_neq(r->body, r->body_inline);
		cr_assert_leq(r->body_len, r->body_cap);
		dreq d;
		ucql_query q;
		as_query(r, &d, &q);
		cr_assert_eq(q.params.n_values, 2);
		ucql_value_iter it;
		ucql_value val;
		ucql_value_iter_init(&it, q.params.values_raw, 0);
		cr_assert_eq(ucql_value_iter_next(&it, NULL, &val), 1);
		cr_assert_eq(ucql_value_iter_next(&it, NULL, &val), 1);
		cr_assert_eq(val.len, BIG);
		cr_assert_arr_eq(val.p, big, BIG);
		dreq_free(&d);
		/* the slot keeps its grown buffer: a small request after it
		 * encodes there, no allocation */
		uint8_t *heap = r->body_heap;
		ucql__req_unref(r);
		ucql__req *r2 = ucql__req_get(NULL);
		cr_assert_eq(r2, r, "the pool hands back the slot just freed");
		cr_assert_eq(r2->body, heap);
		ucql_statement *small = ucql_statement_new("SELECT", 0);
		cr_assert_eq(ucql__req_encode(s, r2, small), 0);
		cr_assert_eq(r2->body, heap);
		as_query(r2, &d, &q);
		cr_assert(ucql_bytes_eq_str(q.query, "SELECT"));
		dreq_free(&d);
		ucql__req_unref(r2);
		ucql_statement_free(small);
		ucql_statement_free(st);
		fx_session_free(s);
	}
	free(big);
}

/* ---- EXECUTE -------------------------------------------------------------------------- */

static const fx_col kv_markers[] = { FX_COL("k", FX_T_INT), FX_COL("v", FX_T_VARCHAR) };
static const fx_col kv_columns[] = { FX_COL("k", FX_T_INT), FX_COL("v", FX_T_VARCHAR) };

Test(request, execute_round_trips_in_every_version)
{
	for (int v = 3; v <= 5; v++) {
		ucql_session *s = fx_session(v, NULL);
		ucql_prepared_stmt *p = fx_prepare(s, "SELECT k, v FROM t WHERE k = ? AND v = ?",
						   "exec-id", kv_markers, 2, kv_columns, 2);
		ucql_statement *st = ucql_prepared_stmt_bind(p);
		cr_assert_eq(ucql_statement_bind_int32(st, 0, 5), 0);
		cr_assert_eq(ucql_statement_bind_string(st, 1, "five"), 0);
		ucql_statement_set_consistency(st, UCQL_CL_TWO);
		ucql_statement_set_page_size(st, 50);
		ucql_statement_set_timestamp(st, 99);
		int32_t refs = atomic_load(&p->refs);
		ucql__req *r = encode_ok(s, st);
		cr_assert_eq(r->prep, p, "the slot holds the prepared statement");
		cr_assert_eq(atomic_load(&p->refs), refs + 1);
		dreq d;
		ucql_execute e;
		as_execute(r, &d, &e);
		cr_assert(ucql_bytes_eq_str(e.id, "exec-id"));
		if (v == 5)
			cr_assert(ucql_bytes_eq_str(e.result_metadata_id, "RMID"));
		else
			cr_assert_eq(e.result_metadata_id.len, 0);
		cr_assert_eq(e.params.consistency, UCQL_CL_TWO);
		cr_assert_eq(e.params.flags,
			     UCQL_QP_VALUES | UCQL_QP_SKIP_METADATA | UCQL_QP_PAGE_SIZE | UCQL_QP_TIMESTAMP,
			     "v%d flags 0x%x", v, e.params.flags);
		uint8_t vb[64];
		assert_bytes_eq(e.params.values_raw, values_of(st, vb, sizeof vb));
		cr_assert_eq(e.params.n_values, 2);
		cr_assert_eq(e.params.page_size, 50);
		cr_assert_eq(e.params.timestamp, 99);
		dreq_free(&d);
		ucql__req_unref(r);
		cr_assert_eq(atomic_load(&p->refs), refs, "released with the slot");
		ucql_statement_free(st);
		ucql_prepared_stmt_free(p);
		fx_session_free(s);
	}
}

Test(request, execute_without_result_columns_asks_for_metadata)
{
	ucql_session *s = fx_session(4, NULL);
	ucql_prepared_stmt *p = fx_prepare(s, "INSERT INTO t (k, v) VALUES (?, ?)", "ins", kv_markers, 2,
					   NULL, 0);
	ucql_statement *st = ucql_prepared_stmt_bind(p);
	cr_assert_eq(ucql_statement_bind_int32(st, 0, 5), 0);
	cr_assert_eq(ucql_statement_bind_string(st, 1, "five"), 0);
	ucql__req *r = encode_ok(s, st);
	dreq d;
	ucql_execute e;
	as_execute(r, &d, &e);
	cr_assert_not(e.params.flags & UCQL_QP_SKIP_METADATA);
	dreq_free(&d);
	ucql__req_unref(r);
	ucql_statement_free(st);
	ucql_prepared_stmt_free(p);
	fx_session_free(s);
}

Test(request, unbound_prepared_markers_are_unset_from_v4)
{
	for (int v = 3; v <= 5; v++) {
		ucql_session *s = fx_session(v, NULL);
		ucql_prepared_stmt *p = fx_prepare(s, "INSERT INTO t (k, v) VALUES (?, ?)", "ins",
						   kv_markers, 2, NULL, 0);
		ucql_statement *st = ucql_prepared_stmt_bind(p);
		cr_assert_eq(ucql_statement_bind_int32(st, 0, 5), 0);
		if (v == 3) {
			cr_assert_eq(encode_rc(s, st), UCQL_E_INVALID_ARG);
			cr_assert_eq(atomic_load(&p->refs), 3, "a failed encode keeps no reference");
		} else {
			ucql__req *r = encode_ok(s, st);
			dreq d;
			ucql_execute e;
			as_execute(r, &d, &e);
			cr_assert_eq(e.params.n_values, 2);
			ASSERT_HEX(e.params.values_raw.p, e.params.values_raw.len,
				   "0000000400000005fffffffe");
			dreq_free(&d);
			ucql__req_unref(r);
		}
		ucql_statement_free(st);
		ucql_prepared_stmt_free(p);
		fx_session_free(s);
	}
}

Test(request, execute_with_no_markers_has_no_values_flag)
{
	ucql_session *s = fx_session(5, NULL);
	ucql_prepared_stmt *p = fx_prepare(s, "SELECT k, v FROM t", "all", NULL, 0, kv_columns, 2);
	ucql_statement *st = ucql_prepared_stmt_bind(p);
	cr_assert_eq(st->n_values, 0);
	ucql__req *r = encode_ok(s, st);
	dreq d;
	ucql_execute e;
	as_execute(r, &d, &e);
	cr_assert_not(e.params.flags & UCQL_QP_VALUES);
	cr_assert_eq(e.params.n_values, 0);
	dreq_free(&d);
	ucql__req_unref(r);
	ucql_statement_free(st);
	ucql_prepared_stmt_free(p);
	fx_session_free(s);
}

/* ---- BATCH ------------------------------------------------------------------------------ */

Test(request, batch_round_trips_in_every_version)
{
	for (int v = 3; v <= 5; v++) {
		ucql_session *s = fx_session(v, NULL);
		ucql_statement *b = ucql_statement_new_batch(UCQL_BATCH_UNLOGGED);
		ucql_statement *c1 = three_values();
		ucql_statement *c2 = ucql_statement_new("DELETE FROM t WHERE k = 1", 0);
		cr_assert_eq(ucql_statement_batch_add(b, c1), 0);
		cr_assert_eq(ucql_statement_batch_add(b, c2), 0);
		ucql_statement_set_consistency(b, UCQL_CL_ALL);
		ucql_statement_set_serial_consistency(b, UCQL_CL_LOCAL_SERIAL);
		ucql_statement_set_timestamp(b, 1234);
		ucql_statement_set_page_size(b, 10); /* batches have no paging */
		ucql__req *r = encode_ok(s, b);
		dreq d;
		ucql_batch bt;
		as_batch(r, &d, &bt);
		cr_assert_eq(bt.type, UCQL_BATCH_UNLOGGED);
		cr_assert_eq(bt.n, 2);
		cr_assert_eq(bt.consistency, UCQL_CL_ALL);
		cr_assert_eq(bt.flags, UCQL_QP_SERIAL_CONSISTENCY | UCQL_QP_TIMESTAMP, "v%d flags 0x%x", v,
			     bt.flags);
		cr_assert_eq(bt.serial_consistency, UCQL_CL_LOCAL_SERIAL);
		cr_assert_eq(bt.timestamp, 1234);
		assert_bytes_eq(bt.stmts_raw, ucql_bytes_of(b->batch.p, b->batch.len));
		ucql_reader it;
		ucql_batch_stmt cs;
		ucql_batch_iter_init(&it, &bt);
		cr_assert_eq(ucql_batch_next(&it, &cs), 1);
		cr_assert(ucql_bytes_eq_str(cs.query_or_id, "INSERT INTO t (a, b, c) VALUES (?, ?, ?)"));
		cr_assert_eq(cs.n_values, 3);
		uint8_t vb[64];
		assert_bytes_eq(cs.values_raw, values_of(c1, vb, sizeof vb));
		cr_assert_eq(ucql_batch_next(&it, &cs), 1);
		cr_assert(ucql_bytes_eq_str(cs.query_or_id, "DELETE FROM t WHERE k = 1"));
		cr_assert_eq(ucql_batch_next(&it, &cs), 0);
		dreq_free(&d);
		ucql__req_unref(r);

		/* keyspace: v5 only */
		ucql_statement_set_keyspace(b, "ks5");
		if (v < 5) {
			cr_assert_eq(encode_rc(s, b), UCQL_E_INVALID_ARG);
		} else {
			r = encode_ok(s, b);
			as_batch(r, &d, &bt);
			cr_assert(bt.flags & UCQL_QP_KEYSPACE);
			cr_assert(ucql_bytes_eq_str(bt.keyspace, "ks5"));
			dreq_free(&d);
			ucql__req_unref(r);
		}
		ucql_statement_free(c1);
		ucql_statement_free(c2);
		ucql_statement_free(b);
		fx_session_free(s);
	}
}

Test(request, batch_with_prepared_children_v4_v5)
{
	for (int v = 4; v <= 5; v++) {
		ucql_session *s = fx_session(v, server_ts);
		ucql_prepared_stmt *p = fx_prepare(s, "INSERT INTO t (k, v) VALUES (?, ?)", "bp",
						   kv_markers, 2, NULL, 0);
		ucql_statement *c = ucql_prepared_stmt_bind(p);
		cr_assert_eq(ucql_statement_bind_int32(c, 0, 1), 0);
		ucql_statement *b = ucql_statement_new_batch(UCQL_BATCH_LOGGED);
		cr_assert_eq(ucql_statement_batch_add(b, c), 0); /* v unbound: unset */
		cr_assert_eq(ucql_statement_bind_string(c, 1, "one"), 0);
		cr_assert_eq(ucql_statement_batch_add(b, c), 0);
		ucql__req *r = encode_ok(s, b);
		cr_assert_null(r->prep, "a batch pins no single prepared statement");
		dreq d;
		ucql_batch bt;
		as_batch(r, &d, &bt);
		cr_assert_eq(bt.n, 2);
		cr_assert_eq(bt.flags, 0);
		cr_assert_eq(bt.consistency, UCQL_CL_LOCAL_ONE);
		ucql_reader it;
		ucql_batch_stmt cs;
		ucql_batch_iter_init(&it, &bt);
		cr_assert_eq(ucql_batch_next(&it, &cs), 1);
		cr_assert_eq(cs.kind, UCQL_BATCH_PREPARED);
		cr_assert(ucql_bytes_eq_str(cs.query_or_id, "bp"));
		ASSERT_HEX(cs.values_raw.p, cs.values_raw.len, "0000000400000001fffffffe");
		cr_assert_eq(ucql_batch_next(&it, &cs), 1);
		ASSERT_HEX(cs.values_raw.p, cs.values_raw.len, "0000000400000001000000036f6e65");
		dreq_free(&d);
		ucql__req_unref(r);
		ucql_statement_free(b);
		ucql_statement_free(c);
		ucql_prepared_stmt_free(p);
		fx_session_free(s);
	}
}

/* v3 batches may hold prepared statements, as long as every marker is
 * bound (v3 has no unset values). */
Test(request, v3_batch_with_bound_prepared_child)
{
	ucql_session *s = fx_session(3, NULL);
	ucql_prepared_stmt *p = fx_prepare(s, "INSERT INTO t (k, v) VALUES (?, ?)", "bp", kv_markers, 2,
					   NULL, 0);
	ucql_statement *c = ucql_prepared_stmt_bind(p);
	cr_assert_eq(ucql_statement_bind_int32(c, 0, 1), 0);
	cr_assert_eq(ucql_statement_bind_string(c, 1, "one"), 0);
	ucql_statement *b = ucql_statement_new_batch(UCQL_BATCH_LOGGED);
	cr_assert_eq(ucql_statement_batch_add(b, c), 0);
	ucql__req *r = encode_ok(s, b);
	dreq d;
	ucql_batch bt;
	as_batch(r, &d, &bt);
	cr_assert_eq(bt.n, 1);
	dreq_free(&d);
	ucql__req_unref(r);
	ucql_statement_free(b);
	ucql_statement_free(c);
	ucql_prepared_stmt_free(p);
	fx_session_free(s);
}

Test(request, v3_batch_with_unbound_prepared_marker_is_refused)
{
	ucql_session *s = fx_session(3, NULL);
	ucql_prepared_stmt *p = fx_prepare(s, "INSERT INTO t (k, v) VALUES (?, ?)", "bp", kv_markers, 2,
					   NULL, 0);
	ucql_statement *c = ucql_prepared_stmt_bind(p);
	cr_assert_eq(ucql_statement_bind_int32(c, 0, 1), 0);
	ucql_statement *b = ucql_statement_new_batch(UCQL_BATCH_LOGGED);
	cr_assert_eq(ucql_statement_batch_add(b, c), 0);
	cr_assert_eq(encode_rc(s, b), UCQL_E_INVALID_ARG);
	ucql_statement_free(b);
	ucql_statement_free(c);
	ucql_prepared_stmt_free(p);
	fx_session_free(s);
}

/* An explicit unset value in a simple child cannot go into a v3 batch
 * either. */
Test(request, v3_batch_with_unset_value_is_refused)
{
	ucql_session *s = fx_session(3, NULL);
	ucql_statement *c = ucql_statement_new("INSERT ?", 1);
	cr_assert_eq(ucql_statement_bind_unset(c, 0), 0);
	ucql_statement *b = ucql_statement_new_batch(UCQL_BATCH_LOGGED);
	cr_assert_eq(ucql_statement_batch_add(b, c), 0);
	cr_assert_eq(encode_rc(s, b), UCQL_E_INVALID_ARG);
	ucql_statement_free(b);
	ucql_statement_free(c);
	fx_session_free(s);
}

/* ---- PREPARE and internal QUERY bodies ------------------------------------------------------ */

Test(request, encode_prepare_keyspace_only_in_v5)
{
	for (int v = 3; v <= 5; v++) {
		ucql__req *r = ucql__req_get(NULL);
		const char *q = "SELECT * FROM t WHERE k = ?";
		cr_assert_eq(ucql__req_encode_prepare(r, v, q, strlen(q), "ks1"), 0);
		cr_assert_eq(r->opcode, UCQL_OP_PREPARE);
		cr_assert_eq(r->version, v);
		cr_assert_eq(r->frame_flags, 0);
		ucql_prepare m;
		cr_assert_eq(ucql_prepare_decode(ucql_bytes_of(r->body, r->body_len), v, &m), 0);
		cr_assert(ucql_bytes_eq_str(m.query, q));
		if (v == 5) {
			cr_assert_eq(m.flags, UCQL_PREPARE_KEYSPACE);
			cr_assert(ucql_bytes_eq_str(m.keyspace, "ks1"));
		} else {
			cr_assert_eq(m.flags, 0);
		}
		/* no keyspace, or an empty one: no flag */
		cr_assert_eq(ucql__req_encode_prepare(r, v, q, strlen(q), ""), 0);
		cr_assert_eq(ucql_prepare_decode(ucql_bytes_of(r->body, r->body_len), v, &m), 0);
		cr_assert_eq(m.flags, 0);
		cr_assert_eq(ucql__req_encode_prepare(r, v, q, 6, NULL), 0);
		cr_assert_eq(ucql_prepare_decode(ucql_bytes_of(r->body, r->body_len), v, &m), 0);
		cr_assert(ucql_bytes_eq_str(m.query, "SELECT"));
		ucql__req_unref(r);
	}
}

Test(request, encode_query_is_plain_at_one)
{
	for (int v = 3; v <= 5; v++) {
		ucql__req *r = ucql__req_get(NULL);
		cr_assert_eq(ucql__req_encode_query(r, v, "USE \"Ks\"xx", 8), 0);
		cr_assert_eq(r->opcode, UCQL_OP_QUERY);
		cr_assert_eq(r->version, v);
		ucql_query q;
		cr_assert_eq(ucql_query_decode(ucql_bytes_of(r->body, r->body_len), v, &q), 0);
		cr_assert(ucql_bytes_eq_str(q.query, "USE \"Ks\""));
		cr_assert_eq(q.params.consistency, UCQL_CL_ONE);
		cr_assert_eq(q.params.flags, 0);
		ucql__req_unref(r);
	}
}

Test(request, encode_prepare_long_text_goes_to_the_heap)
{
	size_t n = 10000;
	char *q = malloc(n);
	memset(q, 'a', n);
	ucql__req *r = ucql__req_get(NULL);
	cr_assert_eq(ucql__req_encode_prepare(r, 4, q, n, NULL), 0);
	ucql_prepare m;
	cr_assert_eq(ucql_prepare_decode(ucql_bytes_of(r->body, r->body_len), 4, &m), 0);
	cr_assert_eq(m.query.len, n);
	cr_assert_arr_eq(m.query.p, q, n);
	ucql__req_unref(r);
	free(q);
}

/* ---- re-encoding for a lower version ---------------------------------------------------- */

Test(request, reencode_query_v5_v4_v3_keeps_values)
{
	ucql_session *s = fx_session(5, NULL);
	ucql_statement *st = three_values();
	ucql_statement_set_consistency(st, UCQL_CL_THREE);
	ucql_statement_set_serial_consistency(st, UCQL_CL_LOCAL_SERIAL);
	ucql_statement_set_page_size(st, 9);
	ucql_statement_set_paging_state(st, ucql_bytes_of("pp", 2));
	ucql_statement_set_timestamp(st, 777);
	ucql__req *r = encode_ok(s, st);
	uint8_t vb[64];
	ucql_bytes want = values_of(st, vb, sizeof vb);
	cr_assert_eq(ucql__req_reencode(r, 5), 0, "same version: nothing to do");
	for (int v = 4; v >= 3; v--) {
		cr_assert_eq(ucql__req_reencode(r, v), 0, "to v%d", v);
		cr_assert_eq(r->version, v);
		cr_assert_eq(r->opcode, UCQL_OP_QUERY);
		dreq d;
		ucql_query q;
		as_query(r, &d, &q);
		cr_assert(ucql_bytes_eq_str(q.query, "INSERT INTO t (a, b, c) VALUES (?, ?, ?)"));
		cr_assert_eq(q.params.consistency, UCQL_CL_THREE);
		cr_assert_eq(q.params.flags,
			     UCQL_QP_VALUES | UCQL_QP_PAGE_SIZE | UCQL_QP_PAGING_STATE |
				     UCQL_QP_SERIAL_CONSISTENCY | UCQL_QP_TIMESTAMP);
		assert_bytes_eq(q.params.values_raw, want);
		cr_assert_eq(q.params.n_values, 3);
		cr_assert_eq(q.params.page_size, 9);
		cr_assert_eq(q.params.paging_state.len, 2);
		cr_assert_eq(q.params.serial_consistency, UCQL_CL_LOCAL_SERIAL);
		cr_assert_eq(q.params.timestamp, 777);
		dreq_free(&d);
	}
	ucql__req_unref(r);
	ucql_statement_free(st);
	fx_session_free(s);
}

Test(request, reencode_execute_drops_the_result_metadata_id)
{
	ucql_session *s = fx_session(5, server_ts);
	ucql_prepared_stmt *p = fx_prepare(s, "SELECT k, v FROM t WHERE k = ? AND v = ?", "eid",
					   kv_markers, 2, kv_columns, 2);
	ucql_statement *st = ucql_prepared_stmt_bind(p);
	cr_assert_eq(ucql_statement_bind_int32(st, 0, 5), 0);
	cr_assert_eq(ucql_statement_bind_string(st, 1, "five"), 0);
	ucql__req *r = encode_ok(s, st);
	uint8_t vb[64];
	ucql_bytes want = values_of(st, vb, sizeof vb);
	for (int v = 4; v >= 3; v--) {
		cr_assert_eq(ucql__req_reencode(r, v), 0, "to v%d", v);
		dreq d;
		ucql_execute e;
		as_execute(r, &d, &e);
		cr_assert(ucql_bytes_eq_str(e.id, "eid"));
		cr_assert_eq(e.params.flags, UCQL_QP_VALUES | UCQL_QP_SKIP_METADATA | UCQL_QP_PAGE_SIZE);
		cr_assert_eq(e.params.page_size, 5000);
		cr_assert_eq(e.params.consistency, UCQL_CL_LOCAL_ONE);
		assert_bytes_eq(e.params.values_raw, want);
		dreq_free(&d);
	}
	cr_assert_eq(r->prep, p);
	ucql__req_unref(r);
	ucql_statement_free(st);
	ucql_prepared_stmt_free(p);
	fx_session_free(s);
}

Test(request, reencode_batch_and_prepare)
{
	ucql_session *s = fx_session(5, NULL);
	ucql_statement *b = ucql_statement_new_batch(UCQL_BATCH_COUNTER);
	ucql_statement *c = ucql_statement_new("UPDATE c SET n = n + ? WHERE k = 1", 0);
	cr_assert_eq(ucql_statement_bind_int64(c, 0, 3), 0);
	cr_assert_eq(ucql_statement_batch_add(b, c), 0);
	ucql_statement_set_timestamp(b, 31);
	ucql__req *r = encode_ok(s, b);
	for (int v = 4; v >= 3; v--) {
		cr_assert_eq(ucql__req_reencode(r, v), 0);
		dreq d;
		ucql_batch bt;
		as_batch(r, &d, &bt);
		cr_assert_eq(bt.type, UCQL_BATCH_COUNTER);
		cr_assert_eq(bt.n, 1);
		cr_assert_eq(bt.flags, UCQL_QP_TIMESTAMP);
		cr_assert_eq(bt.timestamp, 31);
		assert_bytes_eq(bt.stmts_raw, ucql_bytes_of(b->batch.p, b->batch.len));
		dreq_free(&d);
	}
	ucql__req_unref(r);

	r = ucql__req_get(NULL);
	cr_assert_eq(ucql__req_encode_prepare(r, 5, "SELECT 1", 8, "ks"), 0);
	cr_assert_eq(ucql__req_reencode(r, 4), 0);
	ucql_prepare m;
	cr_assert_eq(ucql_prepare_decode(ucql_bytes_of(r->body, r->body_len), 4, &m), 0);
	cr_assert(ucql_bytes_eq_str(m.query, "SELECT 1"));
	cr_assert_eq(m.flags, 0);
	ucql__req_unref(r);
	ucql_statement_free(c);
	ucql_statement_free(b);
	fx_session_free(s);
}

Test(request, reencode_keeps_the_custom_payload_until_v3)
{
	ucql_session *s = fx_session(5, NULL);
	ucql_statement *st = ucql_statement_new("SELECT", 0);
	cr_assert_eq(ucql_statement_add_payload(st, "pk", ucql_bytes_of("\x05", 1)), 0);
	ucql__req *r = encode_ok(s, st);
	cr_assert_eq(ucql__req_reencode(r, 4), 0);
	cr_assert_eq(r->frame_flags, UCQL_FLAG_CUSTOM_PAYLOAD);
	dreq d;
	ucql_query q;
	as_query(r, &d, &q);
	cr_assert_eq(d.f.custom_payload.n, 1);
	cr_assert(ucql_bytes_eq_str(q.query, "SELECT"));
	dreq_free(&d);
	cr_assert_eq(ucql__req_reencode(r, 3), UCQL_E_INVALID_ARG);
	cr_assert_eq(r->version, 4, "left as it was");
	ucql__req_unref(r);
	ucql_statement_free(st);
	fx_session_free(s);
}

/* Regression test (fixed): re-encoding for v3 (a late protocol downgrade) copies the values
 * block as is, so an unset value (bind_unset, or an unbound prepared
 * marker) encoded for v4 reaches a v3 server as a [value] of length -2 —
 * ucql__req_encode refuses the same statement on v3 with
 * UCQL_E_INVALID_ARG. Repro: v4 session, "INSERT ?, ?" with int and
 * bind_unset, encode, ucql__req_reencode(r, 3) → 0 and a v3 body with
 * fffffffe. */
Test(request, reencode_unset_to_v3_is_refused)
{
	ucql_session *s = fx_session(4, NULL);
	ucql_statement *st = ucql_statement_new("INSERT ?, ?", 2);
	cr_assert_eq(ucql_statement_bind_int32(st, 0, 1), 0);
	cr_assert_eq(ucql_statement_bind_unset(st, 1), 0);
	ucql__req *r = encode_ok(s, st);
	cr_assert_eq(ucql__req_reencode(r, 3), UCQL_E_INVALID_ARG);
	ucql__req_unref(r);
	ucql_statement_free(st);
	fx_session_free(s);
}

/* Regression test (fixed): re-encoding a v5 request for v4/v3 silently drops the per-query
 * keyspace (flag 0x80), so the statement runs in the connection's keyspace
 * instead of the one it named; statement.h says such a request fails with
 * UCQL_E_INVALID_ARG on v3/v4, as ucql__req_encode does. Repro: v5
 * session, set_keyspace(st, "other"), encode, ucql__req_reencode(r, 4) → 0
 * and the body has no keyspace. */
Test(request, reencode_keyspace_below_v5_is_refused)
{
	ucql_session *s = fx_session(5, NULL);
	ucql_statement *st = ucql_statement_new("SELECT * FROM t", 0);
	cr_assert_eq(ucql_statement_set_keyspace(st, "other"), 0);
	ucql__req *r = encode_ok(s, st);
	cr_assert_eq(ucql__req_reencode(r, 4), UCQL_E_INVALID_ARG);
	ucql__req_unref(r);
	ucql_statement_free(st);
	fx_session_free(s);
}

/* ---- the slot pool ---------------------------------------------------------------------- */

Test(request, slots_come_back_initialised)
{
	ucql__req *a = ucql__req_get(NULL);
	ucql__req *b = ucql__req_get(NULL);
	cr_assert_neq(a, b);
	cr_assert_eq(atomic_load(&a->refs), 1);
	cr_assert_eq(a->stream, -1);
	cr_assert_eq(a->node_hint, -1);
	cr_assert_eq(a->body, a->body_inline);
	cr_assert_eq(a->body_len, 0);
	cr_assert_eq(a->rs.err, 0);
	cr_assert_str_eq(a->rs.msg, "");
	cr_assert_eq(a->rs.cells, a->rs.cells_inline);
	/* dirty it, give it back, take it again */
	a->stream = 12;
	a->cb = (ucql_result_fn)(uintptr_t)1;
	a->frame_flags = UCQL_FLAG_TRACING;
	a->completed = 1;
	ucql__req_unref(a);
	ucql__req *c = ucql__req_get(NULL);
	cr_assert_eq(c, a, "LIFO: the slot just freed");
	cr_assert_eq(c->stream, -1);
	cr_assert_null(c->cb);
	cr_assert_eq(c->frame_flags, 0);
	cr_assert_eq(c->completed, 0);
	cr_assert_eq(atomic_load(&c->refs), 1);
	ucql__req_unref(c);
	ucql__req_unref(b);
}

Test(request, many_slots_from_one_thread)
{
	enum { N = 300 };
	ucql__req *rs[N];
	for (int i = 0; i < N; i++) {
		rs[i] = ucql__req_get(NULL);
		cr_assert_not_null(rs[i]);
		for (int j = 0; j < i; j++)
			cr_assert_neq(rs[i], rs[j]);
	}
	for (int i = 0; i < N; i++)
		ucql__req_unref(rs[i]);
}
