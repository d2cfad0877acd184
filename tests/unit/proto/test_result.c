/*
 * RESULT bodies: Void, Rows (global and per-column table specs, paging
 * state, No_metadata, v5 Metadata_changed), Set_keyspace, Prepared (v3
 * without pk indexes, v4, v5 with result metadata id), Schema_change.
 *
 * Known answers: produced by ucql's encoders and decoded with Debian's
 * python3-cassandra 3.25 (ProtocolHandler.decode_message(version, {}, 0, 0,
 * 0x08, body, None, result_metadata) with result_metadata = [('ks','t','k',
 * Int32Type), ('ks','t','v',UTF8Type)] for No_metadata; Cython and
 * pure-Python handlers), which returned what is noted next to each vector.
 */
#include "resp_util.h"

/* kind 1 */
#define HEX_VOID "00000001"
/* kind 3, new_keyspace 'ks' */
#define HEX_SET_KEYSPACE "0000000300026b73"
/* kind 5, {'target_type': 'TABLE', 'change_type': 'CREATED', 'keyspace': 'ks', 'table': 't'} */
#define HEX_SCHEMA_CHANGE "0000000500074352454154454400055441424c4500026b73000174"
/* global spec ks.t, columns k int, v varchar; parsed_rows [(1, 'one'), (2, None)] */
#define HEX_ROWS_GLOBAL \
	"00000002000000010000000200026b7300017400016b0009000176000d000000020000000400000001000000036f6e650000000400000002ffffffff"
/* per-column specs, paging_state b'\xab\xcd'; parsed_rows [(1, '')] */
#define HEX_ROWS_PAGED \
	"00000002000000020000000200000002abcd00026b7300017400016b000900026b73000174000176000d00000001000000040000000100000000"
/* No_metadata + paging_state b'\xab\xcd', 2 columns; parsed_rows [(1, 'x')] */
#define HEX_ROWS_NOMETA "00000002000000060000000200000002abcd0000000100000004000000010000000178"
/* v5 Metadata_changed, result_metadata_id b'\x11\x22', global spec; parsed_rows [(1, 'x')] */
#define HEX_ROWS_MDCHANGED \
	"0000000200000009000000020002112200026b7300017400016b0009000176000d0000000100000004000000010000000178"
/* Prepared: query_id 01020304; bind_metadata ks.t.k int, ks.t.m map<varchar, list<bigint>>;
 * result column_metadata ks.t.k int, ks.t.v varchar (global); v3: no pk_indexes */
#define HEX_PREPARED_V3                                                                            \
	"00000004000401020304000000000000000200026b7300017400016b000900026b7300017400016d0021000d0020" \
	"0002000000010000000200026b7300017400016b0009000176000d"
/* v4: pk_indexes [0] */
#define HEX_PREPARED_V4                                                                            \
	"00000004000401020304000000000000000200000001000000026b7300017400016b000900026b7300017400016d" \
	"0021000d00200002000000010000000200026b7300017400016b0009000176000d"
/* v5: pk_indexes [0], result_metadata_id b'\x05\x06' */
#define HEX_PREPARED_V5                                                                            \
	"0000000400040102030400020506000000000000000200000001000000026b7300017400016b000900026b730001" \
	"7400016d0021000d00200002000000010000000200026b7300017400016b0009000176000d"
/* v4, global bind spec, result No_metadata with 0 columns (python: no column_metadata) */
#define HEX_PREPARED_V4_NOMETA                                                                     \
	"00000004000401020304000000010000000200000001000000026b7300017400016b000900016d0021000d002000" \
	"020000000400000000"

static const uint8_t T_INT[] = { 0x00, 0x09 };
static const uint8_t T_VARCHAR[] = { 0x00, 0x0d };
static const uint8_t T_MAP[] = { 0x00, 0x21, 0x00, 0x0d, 0x00, 0x20, 0x00, 0x02 };

static const ucql_col_spec kv_cols[] = {
	{ { (const uint8_t *)"ks", 2 }, { (const uint8_t *)"t", 1 }, { (const uint8_t *)"k", 1 }, { T_INT, 2 } },
	{ { (const uint8_t *)"ks", 2 }, { (const uint8_t *)"t", 1 }, { (const uint8_t *)"v", 1 }, { T_VARCHAR, 2 } },
};

static void write_kv_row(ucql_writer *w, int32_t k, ucql_value v)
{
	uint8_t kb[4];
	ucql__put32(kb, (uint32_t)k);
	ucql_write_value(w, ucql_value_of(kb, 4));
	ucql_write_value(w, v);
}

static void check_specs(const ucql_metadata *md, const ucql_col_spec *want, int32_t n)
{
	ucql_col_iter it;
	ucql_col_spec c;
	int32_t i = 0;
	ucql_col_iter_init(&it, md);
	while (ucql_col_iter_next(&it, &c)) {
		cr_assert_lt(i, n);
		cr_assert(c.keyspace.len == want[i].keyspace.len &&
			  memcmp(c.keyspace.p, want[i].keyspace.p, c.keyspace.len) == 0);
		cr_assert(c.table.len == want[i].table.len &&
			  memcmp(c.table.p, want[i].table.p, c.table.len) == 0);
		cr_assert(c.name.len == want[i].name.len && memcmp(c.name.p, want[i].name.p, c.name.len) == 0);
		cr_assert(c.type.len == want[i].type.len && memcmp(c.type.p, want[i].type.p, c.type.len) == 0);
		i++;
	}
	cr_assert_eq(i, n);
}

/* Decodes hex in version v, checks it re-encodes (from its raw views) to
 * the same bytes, and checks every truncation and a trailing byte. */
static void decode_reencode(const char *hex, int v, ucql_result *out, uint8_t *body, size_t cap, size_t *n)
{
	uint8_t buf[512];
	*n = unhex(hex, body, cap);
	ucql_result tmp;
	CHECK_DECODE_EDGES(ucql_result_decode, body, *n, v, &tmp);
	cr_assert_eq(ucql_result_decode(ucql_bytes_of(body, *n), v, out), 0);
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_result_encode(&w, v, out);
	ASSERT_WRITTEN(&w, buf, hex);
}

Test(result, void_set_keyspace_schema_change_known_answers)
{
	uint8_t buf[128], body[128];
	size_t n;
	ucql_result r;
	for (int v = 3; v <= 5; v++) {
		ucql_writer w;
		ucql_writer_init(&w, buf, sizeof buf);
		ucql_result_void_encode(&w, v);
		ASSERT_WRITTEN(&w, buf, HEX_VOID);
		decode_reencode(HEX_VOID, v, &r, body, sizeof body, &n);
		cr_assert_eq(r.kind, UCQL_RESULT_VOID);

		ucql_writer_init(&w, buf, sizeof buf);
		ucql_result_set_keyspace_encode(&w, v, S("ks"));
		ASSERT_WRITTEN(&w, buf, HEX_SET_KEYSPACE);
		decode_reencode(HEX_SET_KEYSPACE, v, &r, body, sizeof body, &n);
		cr_assert_eq(r.kind, UCQL_RESULT_SET_KEYSPACE);
		cr_assert(ucql_bytes_eq_str(r.u.keyspace, "ks"));

		ucql_schema_change sc;
		memset(&sc, 0, sizeof sc);
		sc.change = UCQL_CHANGE_CREATED;
		sc.target = UCQL_TARGET_TABLE;
		sc.keyspace = S("ks");
		sc.name = S("t");
		ucql_writer_init(&w, buf, sizeof buf);
		ucql_result_schema_change_encode(&w, v, &sc);
		ASSERT_WRITTEN(&w, buf, HEX_SCHEMA_CHANGE);
		decode_reencode(HEX_SCHEMA_CHANGE, v, &r, body, sizeof body, &n);
		cr_assert_eq(r.kind, UCQL_RESULT_SCHEMA_CHANGE);
		cr_assert_eq(r.u.schema_change.change, UCQL_CHANGE_CREATED);
		cr_assert_eq(r.u.schema_change.target, UCQL_TARGET_TABLE);
		cr_assert(ucql_bytes_eq_str(r.u.schema_change.keyspace, "ks"));
		cr_assert(ucql_bytes_eq_str(r.u.schema_change.name, "t"));
	}
}

Test(result, rows_global_spec_known_answer_cells_and_lookup)
{
	uint8_t buf[256], body[256];
	size_t n;
	for (int v = 3; v <= 5; v++) {
		ucql_metadata md;
		memset(&md, 0, sizeof md);
		md.flags = UCQL_MD_GLOBAL_TABLES_SPEC;
		md.columns_count = 2;
		md.global_keyspace = S("ks");
		md.global_table = S("t");
		md.cols = kv_cols;
		ucql_writer w;
		ucql_writer_init(&w, buf, sizeof buf);
		size_t at = ucql_result_rows_begin(&w, v, &md);
		write_kv_row(&w, 1, ucql_value_of("one", 3));
		write_kv_row(&w, 2, ucql_value_null());
		ucql_result_rows_end(&w, at, 2);
		ASSERT_WRITTEN(&w, buf, HEX_ROWS_GLOBAL);

		ucql_result r;
		decode_reencode(HEX_ROWS_GLOBAL, v, &r, body, sizeof body, &n);
		cr_assert_eq(r.kind, UCQL_RESULT_ROWS);
		const ucql_rows *rows = &r.u.rows;
		cr_assert_eq(rows->metadata.flags, UCQL_MD_GLOBAL_TABLES_SPEC);
		cr_assert_eq(rows->metadata.columns_count, 2);
		cr_assert_eq(rows->metadata.paging_state.len, UCQL_NULL);
		cr_assert_eq(rows->rows_count, 2);
		check_specs(&rows->metadata, kv_cols, 2);
		cr_assert_eq(ucql_metadata_find_column(&rows->metadata, S("k")), 0);
		cr_assert_eq(ucql_metadata_find_column(&rows->metadata, S("v")), 1);
		cr_assert_eq(ucql_metadata_find_column(&rows->metadata, S("V")), -1);
		cr_assert_eq(ucql_metadata_find_column(&rows->metadata, S("")), -1);

		ucql_cell_iter it = ucql_rows_cells(rows);
		ucql_value row[2];
		cr_assert(ucql_row_next(&it, row, 2));
		cr_assert_eq(row[0].len, 4);
		cr_assert_eq(ucql__be32(row[0].p), 1);
		cr_assert_eq(row[1].len, 3);
		cr_assert_arr_eq(row[1].p, "one", 3);
		cr_assert(ucql_row_next(&it, row, 2));
		cr_assert_eq(ucql__be32(row[0].p), 2);
		cr_assert_eq(row[1].len, UCQL_NULL);
		cr_assert_not(ucql_row_next(&it, row, 2));
		cr_assert_not(ucql_cell_next(&it, row));
	}
}

Test(result, rows_per_column_specs_with_paging_state)
{
	uint8_t buf[256], body[256];
	size_t n;
	for (int v = 3; v <= 5; v++) {
		ucql_metadata md;
		memset(&md, 0, sizeof md);
		md.flags = UCQL_MD_HAS_MORE_PAGES;
		md.columns_count = 2;
		md.paging_state = ucql_value_of("\xab\xcd", 2);
		md.cols = kv_cols;
		ucql_writer w;
		ucql_writer_init(&w, buf, sizeof buf);
		size_t at = ucql_result_rows_begin(&w, v, &md);
		write_kv_row(&w, 1, ucql_value_of("", 0));
		ucql_result_rows_end(&w, at, 1);
		ASSERT_WRITTEN(&w, buf, HEX_ROWS_PAGED);

		ucql_result r;
		decode_reencode(HEX_ROWS_PAGED, v, &r, body, sizeof body, &n);
		const ucql_metadata *dm = &r.u.rows.metadata;
		cr_assert_eq(dm->paging_state.len, 2);
		cr_assert_arr_eq(dm->paging_state.p, "\xab\xcd", 2);
		check_specs(dm, kv_cols, 2);
		ucql_cell_iter it = ucql_rows_cells(&r.u.rows);
		ucql_value c;
		cr_assert(ucql_cell_next(&it, &c) && c.len == 4);
		cr_assert(ucql_cell_next(&it, &c) && c.len == 0, "empty, not null");
		cr_assert_not_null(c.p);
		cr_assert_not(ucql_cell_next(&it, &c));
	}
}

Test(result, rows_with_distinct_tables_per_column)
{
	uint8_t buf[256];
	const ucql_col_spec cols[] = {
		{ S("a"), S("t1"), S("x"), { T_INT, 2 } },
		{ S("b"), S("t2"), S("y"), { T_MAP, 8 } },
		{ S("c"), S("t3"), S("z"), { T_VARCHAR, 2 } },
	};
	ucql_metadata md;
	memset(&md, 0, sizeof md);
	md.columns_count = 3;
	md.cols = cols;
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	size_t at = ucql_result_rows_begin(&w, 4, &md);
	ucql_result_rows_end(&w, at, 0);
	cr_assert_eq(w.err, 0);
	ucql_result r;
	cr_assert_eq(ucql_result_decode(ucql_bytes_of(buf, w.len), 4, &r), 0);
	cr_assert_eq(r.u.rows.rows_count, 0);
	cr_assert_eq(r.u.rows.content.len, 0);
	check_specs(&r.u.rows.metadata, cols, 3);
	cr_assert_eq(ucql_metadata_find_column(&r.u.rows.metadata, S("z")), 2);
	CHECK_DECODE_EDGES(ucql_result_decode, buf, w.len, 4, &r);
}

Test(result, rows_no_metadata_known_answer)
{
	uint8_t buf[256], body[256];
	size_t n;
	for (int v = 3; v <= 5; v++) {
		ucql_metadata md;
		memset(&md, 0, sizeof md);
		md.flags = UCQL_MD_NO_METADATA | UCQL_MD_HAS_MORE_PAGES;
		md.columns_count = 2;
		md.paging_state = ucql_value_of("\xab\xcd", 2);
		ucql_writer w;
		ucql_writer_init(&w, buf, sizeof buf);
		size_t at = ucql_result_rows_begin(&w, v, &md);
		write_kv_row(&w, 1, ucql_value_of("x", 1));
		ucql_result_rows_end(&w, at, 1);
		ASSERT_WRITTEN(&w, buf, HEX_ROWS_NOMETA);
		ucql_result r;
		decode_reencode(HEX_ROWS_NOMETA, v, &r, body, sizeof body, &n);
		cr_assert_eq(r.u.rows.metadata.specs.len, 0);
		cr_assert_eq(ucql_metadata_find_column(&r.u.rows.metadata, S("k")), -1);
		ucql_col_iter ci;
		ucql_col_spec c;
		ucql_col_iter_init(&ci, &r.u.rows.metadata);
		cr_assert_not(ucql_col_iter_next(&ci, &c));
		ucql_cell_iter it = ucql_rows_cells(&r.u.rows);
		ucql_value row[2];
		cr_assert(ucql_row_next(&it, row, 2));
		cr_assert_eq(row[1].len, 1);
		cr_assert_eq(row[1].p[0], 'x');
	}
}

Test(result, rows_metadata_changed_v5_only)
{
	uint8_t buf[256], body[256];
	size_t n;
	ucql_metadata md;
	memset(&md, 0, sizeof md);
	md.flags = UCQL_MD_METADATA_CHANGED | UCQL_MD_GLOBAL_TABLES_SPEC;
	md.columns_count = 2;
	md.new_metadata_id = ucql_bytes_of("\x11\x22", 2);
	md.global_keyspace = S("ks");
	md.global_table = S("t");
	md.cols = kv_cols;
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	size_t at = ucql_result_rows_begin(&w, 5, &md);
	write_kv_row(&w, 1, ucql_value_of("x", 1));
	ucql_result_rows_end(&w, at, 1);
	ASSERT_WRITTEN(&w, buf, HEX_ROWS_MDCHANGED);
	ucql_result r;
	decode_reencode(HEX_ROWS_MDCHANGED, 5, &r, body, sizeof body, &n);
	cr_assert_eq(r.u.rows.metadata.new_metadata_id.len, 2);
	cr_assert_arr_eq(r.u.rows.metadata.new_metadata_id.p, "\x11\x22", 2);
	check_specs(&r.u.rows.metadata, kv_cols, 2);

	/* Before v5 the flag does not exist. */
	cr_assert_eq(ucql_result_decode(ucql_bytes_of(body, n), 4, &r), UCQL_E_BAD_FLAGS);
	cr_assert_eq(ucql_result_decode(ucql_bytes_of(body, n), 3, &r), UCQL_E_BAD_FLAGS);
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_metadata_encode(&w, 4, &md);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
	/* With No_metadata it is forbidden (v5 §4.2.5.2). */
	body[7] = 0x0c;
	cr_assert_eq(ucql_result_decode(ucql_bytes_of(body, n), 5, &r), UCQL_E_BAD_FLAGS);
	md.flags = UCQL_MD_METADATA_CHANGED | UCQL_MD_NO_METADATA;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_metadata_encode(&w, 5, &md);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
}

static void check_prepared(const char *hex, int v, int global_params, int no_result_meta)
{
	uint8_t buf[512], body[512];
	size_t n;
	const ucql_col_spec params[] = {
		kv_cols[0],
		{ S("ks"), S("t"), S("m"), { T_MAP, 8 } },
	};
	uint16_t pk[] = { 0 };
	ucql_prepared p;
	memset(&p, 0, sizeof p);
	p.id = ucql_bytes_of("\x01\x02\x03\x04", 4);
	p.result_metadata_id = ucql_bytes_of("\x05\x06", 2);
	p.params.columns_count = 2;
	p.params.cols = params;
	p.params.pk_count = 1;
	p.params.pk_indexes = pk;
	if (global_params) {
		p.params.flags = UCQL_MD_GLOBAL_TABLES_SPEC;
		p.params.global_keyspace = S("ks");
		p.params.global_table = S("t");
	}
	if (no_result_meta) {
		p.result.flags = UCQL_MD_NO_METADATA;
	} else {
		p.result.flags = UCQL_MD_GLOBAL_TABLES_SPEC;
		p.result.columns_count = 2;
		p.result.cols = kv_cols;
		p.result.global_keyspace = S("ks");
		p.result.global_table = S("t");
	}
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_result_prepared_encode(&w, v, &p);
	ASSERT_WRITTEN(&w, buf, hex);

	ucql_result r;
	decode_reencode(hex, v, &r, body, sizeof body, &n);
	cr_assert_eq(r.kind, UCQL_RESULT_PREPARED);
	const ucql_prepared *d = &r.u.prepared;
	cr_assert_eq(d->id.len, 4);
	cr_assert_arr_eq(d->id.p, "\x01\x02\x03\x04", 4);
	if (v >= 5) {
		cr_assert_eq(d->result_metadata_id.len, 2);
		cr_assert_arr_eq(d->result_metadata_id.p, "\x05\x06", 2);
	} else {
		cr_assert_eq(d->result_metadata_id.len, 0);
	}
	cr_assert_eq(d->params.columns_count, 2);
	check_specs(&d->params, params, 2);
	cr_assert_eq(ucql_metadata_find_column(&d->params, S("m")), 1);
	if (v >= 4) {
		cr_assert_eq(d->params.pk_count, 1);
		cr_assert_eq(ucql_metadata_pk_index(&d->params, 0), 0);
	} else {
		cr_assert_eq(d->params.pk_count, 0);
	}
	if (no_result_meta) {
		cr_assert_eq(d->result.flags, UCQL_MD_NO_METADATA);
		cr_assert_eq(d->result.columns_count, 0);
	} else {
		check_specs(&d->result, kv_cols, 2);
	}
}

Test(result, prepared_known_answers_v3_v4_v5)
{
	check_prepared(HEX_PREPARED_V3, 3, 0, 0);
	check_prepared(HEX_PREPARED_V4, 4, 0, 0);
	check_prepared(HEX_PREPARED_V5, 5, 0, 0);
	check_prepared(HEX_PREPARED_V4_NOMETA, 4, 1, 1);
}

Test(result, prepared_malformed_metadata)
{
	uint8_t body[512];
	ucql_result r;
	size_t n = unhex(HEX_PREPARED_V4, body, sizeof body);
	/* Layout: kind(4) id(2+4) flags(4) count(4) pk_count(4) pk(2) … */
	const size_t flags_at = 10, pk_count_at = 18, pk_at = 22;
	uint8_t b[512];
	memcpy(b, body, n);
	ucql__put32(b + pk_count_at, (uint32_t)-1);
	cr_assert_eq(ucql_result_decode(ucql_bytes_of(b, n), 4, &r), UCQL_E_BAD_LENGTH);
	memcpy(b, body, n);
	ucql__put16(b + pk_at, 2); /* only 2 bind markers */
	cr_assert_eq(ucql_result_decode(ucql_bytes_of(b, n), 4, &r), UCQL_E_BAD_VALUE);
	memcpy(b, body, n);
	ucql__put32(b + flags_at, UCQL_MD_HAS_MORE_PAGES); /* not a prepared-metadata flag */
	cr_assert_eq(ucql_result_decode(ucql_bytes_of(b, n), 4, &r), UCQL_E_BAD_FLAGS);
	memcpy(b, body, n);
	ucql__put32(b + flags_at + 4, (uint32_t)-2); /* negative columns_count */
	cr_assert_eq(ucql_result_decode(ucql_bytes_of(b, n), 4, &r), UCQL_E_BAD_LENGTH);
	/* A v4 body read as v3 (no pk fields) or v5 (a result metadata id) is garbage:
	 * it must fail cleanly, whatever the exact code. */
	cr_assert_lt(ucql_result_decode(ucql_bytes_of(body, n), 3, &r), 0);
	cr_assert_lt(ucql_result_decode(ucql_bytes_of(body, n), 5, &r), 0);
	/* Encoder: negative pk count, pk_raw of the wrong size. */
	ucql_prepared p;
	memset(&p, 0, sizeof p);
	p.params.pk_count = -1;
	p.result.flags = UCQL_MD_NO_METADATA;
	uint8_t buf[128];
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_result_prepared_encode(&w, 4, &p);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
	p.params.pk_count = 2;
	p.params.pk_raw = ucql_bytes_of("\x00\x00", 2);
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_result_prepared_encode(&w, 4, &p);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
}

/* kind Rows, flags, columns_count = 1, global spec "k"."t", col "c" int, then rows. */
static size_t rows_header(uint8_t *b, int32_t flags, int32_t cols)
{
	ucql_writer w;
	ucql_writer_init(&w, b, 64);
	ucql_write_int(&w, UCQL_RESULT_ROWS);
	ucql_write_int(&w, flags);
	ucql_write_int(&w, cols);
	return w.len;
}

Test(result, rows_malformed_counts_and_cells)
{
	uint8_t b[128];
	ucql_result r;
	size_t h;
	/* Negative columns_count. */
	h = rows_header(b, UCQL_MD_NO_METADATA, -1);
	memcpy(b + h, "\x00\x00\x00\x00", 4);
	cr_assert_eq(ucql_result_decode(ucql_bytes_of(b, h + 4), 4, &r), UCQL_E_BAD_LENGTH);
	/* Negative rows_count. */
	h = rows_header(b, UCQL_MD_NO_METADATA, 1);
	memcpy(b + h, "\xff\xff\xff\xfe", 4);
	cr_assert_eq(ucql_result_decode(ucql_bytes_of(b, h + 4), 4, &r), UCQL_E_BAD_LENGTH);
	/* rows_count far beyond the bytes: fails at once. */
	memcpy(b + h, "\x7f\xff\xff\xff\x00\x00\x00\x01\x01", 9);
	cr_assert_eq(ucql_result_decode(ucql_bytes_of(b, h + 9), 4, &r), UCQL_E_TRUNCATED);
	/* A cell whose length runs past the end. */
	memcpy(b + h, "\x00\x00\x00\x01\x00\x00\x00\x05\x01", 9);
	cr_assert_eq(ucql_result_decode(ucql_bytes_of(b, h + 9), 4, &r), UCQL_E_TRUNCATED);
	/* A cell of INT32_MAX bytes. */
	memcpy(b + h, "\x00\x00\x00\x01\x7f\xff\xff\xff\x01", 9);
	cr_assert_eq(ucql_result_decode(ucql_bytes_of(b, h + 9), 4, &r), UCQL_E_TRUNCATED);
	/* Any negative cell length is null ([bytes], §3). */
	memcpy(b + h, "\x00\x00\x00\x01\x80\x00\x00\x00", 8);
	cr_assert_eq(ucql_result_decode(ucql_bytes_of(b, h + 8), 4, &r), 0);
	ucql_cell_iter it = ucql_rows_cells(&r.u.rows);
	ucql_value c;
	cr_assert(ucql_cell_next(&it, &c));
	cr_assert_eq(c.len, UCQL_NULL);
	/* A cell left over after rows_count rows. */
	memcpy(b + h, "\x00\x00\x00\x01\xff\xff\xff\xff\xff\xff\xff\xff", 12);
	cr_assert_eq(ucql_result_decode(ucql_bytes_of(b, h + 12), 4, &r), UCQL_E_TRAILING);
	/* Zero columns, many rows: no cells, no loop. */
	h = rows_header(b, UCQL_MD_NO_METADATA, 0);
	memcpy(b + h, "\x7f\xff\xff\xff", 4);
	cr_assert_eq(ucql_result_decode(ucql_bytes_of(b, h + 4), 4, &r), 0);
	cr_assert_eq(r.u.rows.rows_count, INT32_MAX);
	cr_assert_eq(r.u.rows.content.len, 0);
	/* Unknown flags (e.g. DSE continuous paging 0x40000000, or bit 31). */
	int32_t bad_flags[] = { 0x10, 0x40000000, INT32_MIN };
	for (size_t i = 0; i < 3; i++) {
		h = rows_header(b, bad_flags[i] | UCQL_MD_NO_METADATA, 0);
		memcpy(b + h, "\x00\x00\x00\x00", 4);
		cr_assert_eq(ucql_result_decode(ucql_bytes_of(b, h + 4), 5, &r), UCQL_E_BAD_FLAGS);
	}
	/* columns_count far beyond the specs present. */
	h = rows_header(b, UCQL_MD_GLOBAL_TABLES_SPEC, 0x7fffffff);
	memcpy(b + h, "\x00\x01k\x00\x01t\x00\x01" "c\x00\x09\x00\x00\x00\x00", 15);
	cr_assert_eq(ucql_result_decode(ucql_bytes_of(b, h + 15), 4, &r), UCQL_E_TRUNCATED);
	/* An unknown type id, and a type nested too deep. */
	h = rows_header(b, UCQL_MD_GLOBAL_TABLES_SPEC, 1);
	memcpy(b + h, "\x00\x01k\x00\x01t\x00\x01" "c\x00\x17\x00\x00\x00\x00", 15);
	cr_assert_eq(ucql_result_decode(ucql_bytes_of(b, h + 15), 4, &r), UCQL_E_BAD_TYPE);
	uint8_t deep[256];
	memcpy(deep, b, h);
	memcpy(deep + h, "\x00\x01k\x00\x01t\x00\x01" "c", 9);
	size_t at = h + 9;
	for (int i = 0; i < 40; i++, at += 2)
		memcpy(deep + at, "\x00\x20", 2); /* list<list<…> */
	memcpy(deep + at, "\x00\x09\x00\x00\x00\x00", 6);
	cr_assert_eq(ucql_result_decode(ucql_bytes_of(deep, at + 6), 4, &r), UCQL_E_TOO_DEEP);
	/* A null paging state is accepted as null. */
	h = rows_header(b, UCQL_MD_NO_METADATA | UCQL_MD_HAS_MORE_PAGES, 0);
	memcpy(b + h, "\xff\xff\xff\xff\x00\x00\x00\x00", 8);
	cr_assert_eq(ucql_result_decode(ucql_bytes_of(b, h + 8), 4, &r), 0);
	cr_assert_eq(r.u.rows.metadata.paging_state.len, UCQL_NULL);
}

Test(result, unknown_kinds_are_bad_kind)
{
	const int32_t kinds[] = { 0, 6, 0x100, -1 };
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		uint8_t b[8];
		ucql__put32(b, (uint32_t)kinds[i]);
		ucql_result r;
		guard_buf g = guard_copy(b, 4);
		cr_assert_eq(ucql_result_decode(ucql_bytes_of(g.p, 4), 4, &r), UCQL_E_BAD_KIND);
		guard_free(&g);
		r.kind = kinds[i];
		ucql_writer w;
		ucql_writer_init(&w, b, sizeof b);
		ucql_result_encode(&w, 4, &r);
		cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
	}
	ucql_result r;
	cr_assert_eq(ucql_result_decode(ucql_bytes_of(NULL, 0), 4, &r), UCQL_E_TRUNCATED);
	cr_assert_eq(ucql_result_decode(ucql_bytes_of("\x00\x00\x00\x01", 4), 2, &r), UCQL_E_BAD_VERSION);
	/* Schema change with an unknown target. */
	const uint8_t sc[] = "\x00\x00\x00\x05\x00\x07" "CREATED\x00\x04VIEW\x00\x02ks\x00\x01v";
	cr_assert_eq(ucql_result_decode(ucql_bytes_of(sc, sizeof sc - 1), 4, &r), UCQL_E_BAD_KIND);
}

Test(result, metadata_encoder_refuses_bad_input)
{
	uint8_t buf[128];
	ucql_writer w;
	ucql_metadata md;
	memset(&md, 0, sizeof md);
	md.columns_count = -1;
	md.flags = UCQL_MD_NO_METADATA;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_metadata_encode(&w, 4, &md);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
	/* Columns announced but no specs given, without No_metadata. */
	md.columns_count = 2;
	md.flags = 0;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_metadata_encode(&w, 4, &md);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
	/* A column type that is not an [option]. */
	ucql_col_spec c = { S("k"), S("t"), S("c"), ucql_bytes_of("\x00", 1) };
	md.columns_count = 1;
	md.cols = &c;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_metadata_encode(&w, 4, &md);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
	/* Negative rows count. */
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_result_rows_end(&w, 0, -1);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
	/* Unknown flag. */
	md.flags = 0x20;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_metadata_encode(&w, 5, &md);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
	/* Bad version. */
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_result_void_encode(&w, 6);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
}

/* The driver's typical page: 100 rows × (int, bigint, text(16), blob(32),
 * double). The streaming encoder writes it; with a NULL buffer it measures
 * the size first; decode + iterate returns every cell. */
Test(result, hundred_rows_five_columns_stream_and_iterate)
{
	const ucql_col_spec cols[] = {
		{ S("ks"), S("t"), S("i"), ucql_bytes_of("\x00\x09", 2) },
		{ S("ks"), S("t"), S("b"), ucql_bytes_of("\x00\x02", 2) },
		{ S("ks"), S("t"), S("s"), ucql_bytes_of("\x00\x0d", 2) },
		{ S("ks"), S("t"), S("x"), ucql_bytes_of("\x00\x03", 2) },
		{ S("ks"), S("t"), S("d"), ucql_bytes_of("\x00\x07", 2) },
	};
	ucql_metadata md;
	memset(&md, 0, sizeof md);
	md.flags = UCQL_MD_GLOBAL_TABLES_SPEC;
	md.global_keyspace = S("ks");
	md.global_table = S("t");
	md.columns_count = 5;
	md.cols = cols;
	static uint8_t buf[16384];
	uint8_t blob[32], text[16], i4[4], i8[8];
	memset(blob, 0xB0, sizeof blob);
	memcpy(text, "abcdefghijklmnop", 16);
	size_t need = 0;
	for (int pass = 0; pass < 2; pass++) {
		ucql_writer w;
		ucql_writer_init(&w, pass ? buf : NULL, pass ? need : 0);
		size_t at = ucql_result_rows_begin(&w, 4, &md);
		for (int32_t row = 0; row < 100; row++) {
			ucql__put32(i4, (uint32_t)row);
			ucql__put64(i8, (uint64_t)row * 1000000007u);
			ucql_write_value(&w, ucql_value_of(i4, 4));
			ucql_write_value(&w, ucql_value_of(i8, 8));
			ucql_write_value(&w, ucql_value_of(text, 16));
			ucql_write_value(&w, row % 10 ? ucql_value_of(blob, 32) : ucql_value_null());
			ucql_write_value(&w, ucql_value_of(i8, 8));
		}
		ucql_result_rows_end(&w, at, 100);
		if (!pass) {
			need = w.len;
		} else {
			cr_assert_eq(w.err, 0);
			cr_assert_eq(w.len, need);
		}
	}
	ucql_result r;
	cr_assert_eq(ucql_result_decode(ucql_bytes_of(buf, need), 4, &r), 0);
	cr_assert_eq(r.u.rows.rows_count, 100);
	ucql_cell_iter it = ucql_rows_cells(&r.u.rows);
	ucql_value row[5];
	int32_t rows = 0, nulls = 0;
	while (ucql_row_next(&it, row, 5)) {
		cr_assert_eq((int32_t)ucql__be32(row[0].p), rows);
		cr_assert_eq(row[2].len, 16);
		nulls += row[3].len == UCQL_NULL;
		rows++;
	}
	cr_assert_eq(rows, 100);
	cr_assert_eq(nulls, 10);
	cr_assert_eq(ucql_metadata_find_column(&r.u.rows.metadata, S("d")), 4);
}

/* ucql_row_next predicts each cell's length from the previous row held in
 * out[]; whatever the lengths do (change every row, turn null, go empty,
 * stay equal, beyond the prediction width), it must yield exactly what
 * ucql_cell_next yields — and the decode-time walk, which predicts the same
 * way, must still reject a cell running past the end. */
static void check_row_next_matches_cell_next(int32_t ncols, int32_t nrows, unsigned seed)
{
	static uint8_t buf[1 << 20];
	static uint8_t junk[64];
	ucql_col_spec cols[80];
	char names[80][16];
	for (int32_t c = 0; c < ncols; c++) {
		snprintf(names[c], sizeof names[c], "c%d", (int)c);
		cols[c] = (ucql_col_spec){ S("ks"), S("t"), S(names[c]), ucql_bytes_of("\x00\x03", 2) };
	}
	ucql_metadata md;
	memset(&md, 0, sizeof md);
	md.flags = UCQL_MD_GLOBAL_TABLES_SPEC;
	md.global_keyspace = S("ks");
	md.global_table = S("t");
	md.columns_count = ncols;
	md.cols = cols;
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	size_t at = ucql_result_rows_begin(&w, 4, &md);
	unsigned x = seed;
	for (int32_t i = 0; i < ncols * nrows; i++) {
		x = x * 1103515245u + 12345u;
		unsigned k = (x >> 16) % 8;
		/* Mostly repeats (k < 4: keep 7 bytes), sometimes null, empty or
		 * another length. */
		if (k == 4)
			ucql_write_value(&w, ucql_value_null());
		else if (k == 5)
			ucql_write_value(&w, ucql_value_of(junk, 0));
		else
			ucql_write_value(&w, ucql_value_of(junk, k < 4 ? 7 : (x >> 8) % 64));
	}
	ucql_result_rows_end(&w, at, nrows);
	cr_assert_eq(w.err, 0);
	ucql_result r;
	cr_assert_eq(ucql_result_decode(ucql_bytes_of(buf, w.len), 4, &r), 0);
	ucql_cell_iter a = ucql_rows_cells(&r.u.rows), b = ucql_rows_cells(&r.u.rows);
	ucql_value row[80];
	memset(row, 0x5A, sizeof row); /* garbage: the first row must not trust it */
	int32_t rows = 0;
	while (ucql_row_next(&a, row, ncols)) {
		for (int32_t c = 0; c < ncols; c++) {
			ucql_value v;
			cr_assert(ucql_cell_next(&b, &v));
			cr_assert_eq(row[c].len, v.len, "row %d col %d", (int)rows, (int)c);
			cr_assert_eq(row[c].p, v.p, "row %d col %d", (int)rows, (int)c);
		}
		rows++;
	}
	cr_assert_eq(rows, nrows);
	ucql_value v;
	cr_assert_not(ucql_cell_next(&b, &v));
	/* One byte short: the predicting validation walk must notice. */
	cr_assert_eq(ucql_result_decode(ucql_bytes_of(buf, w.len - 1), 4, &r), UCQL_E_TRUNCATED);
}

Test(result, row_next_prediction_matches_cell_next)
{
	check_row_next_matches_cell_next(1, 500, 1);
	check_row_next_matches_cell_next(5, 300, 2);
	check_row_next_matches_cell_next(64, 40, 3);
	check_row_next_matches_cell_next(65, 40, 4); /* past the prediction width */
	check_row_next_matches_cell_next(7, 1, 5);
}
