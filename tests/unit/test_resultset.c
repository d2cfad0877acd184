/*
 * lib/resultset.c: result sets made from server responses the way a
 * connection makes them (ucql__rs_set_response on a decoded frame), and
 * every public getter: rows and columns, metadata from a prepared
 * statement, paging, the other RESULT kinds, ERROR bodies, frame sections,
 * malformed responses, reference counting of the slot.
 */
#include "driver_fixture.h"

TestSuite(resultset);

/* ---- helpers ------------------------------------------------------------------- */

/* A ROWS body framed for version v: metadata (flags, columns_count =
 * ncols, column specs from cols unless No_metadata, paging state when
 * HAS_MORE_PAGES), then nrows × ncols cells. */
static void rows_frame(fx_resp *o, int v, int32_t flags, const fx_col *cols, int32_t ncols,
		       ucql_value paging, const ucql_value *cells, int32_t nrows,
		       const ucql_frame_sections *sec)
{
	ucql_col_spec *specs = calloc((size_t)ncols + 1, sizeof *specs);
	if (cols)
		fx_specs(specs, cols, (size_t)ncols);
	ucql_metadata md;
	memset(&md, 0, sizeof md);
	md.flags = flags;
	md.columns_count = ncols;
	md.paging_state = paging;
	md.cols = (flags & UCQL_MD_NO_METADATA) ? NULL : specs;
	size_t cap = 1 << 20;
	uint8_t *body = malloc(cap);
	ucql_writer w;
	ucql_writer_init(&w, body, cap);
	size_t at = ucql_result_rows_begin(&w, v, &md);
	for (int64_t i = 0; i < (int64_t)nrows * ncols; i++)
		ucql_write_value(&w, cells[i]);
	ucql_result_rows_end(&w, at, nrows);
	cr_assert_eq(w.err, 0, "rows encode: %s", ucql_err_name(w.err));
	fx_frame(o, v, UCQL_OP_RESULT, sec, body, w.len);
	free(body);
	free(specs);
}

/* A RESULT or ERROR body written by `enc` into a frame. */
typedef void (*body_fn)(ucql_writer *w, int v, const void *arg);
static void body_frame(fx_resp *o, int v, int opcode, body_fn enc, const void *arg,
		       const ucql_frame_sections *sec)
{
	uint8_t body[4096];
	ucql_writer w;
	ucql_writer_init(&w, body, sizeof body);
	enc(&w, v, arg);
	cr_assert_eq(w.err, 0, "body encode: %s", ucql_err_name(w.err));
	fx_frame(o, v, opcode, sec, body, w.len);
}

/* A slot whose result set holds the response o. */
static ucql_resultset *respond(const fx_resp *o, const ucql_prepared_stmt *prep, int want_rc)
{
	ucql__req *r = ucql__req_get(NULL);
	cr_assert_not_null(r);
	int rc = ucql__rs_set_response(&r->rs, NULL, &o->f, prep);
	cr_assert_eq(rc, want_rc, "set_response: %s, want %s", ucql_err_name(rc),
		     ucql_err_name(want_rc));
	cr_assert_eq(ucql__rs_req(&r->rs), r);
	return &r->rs;
}

static ucql_value i32(int32_t v, uint8_t *store)
{
	ucql__put32(store, (uint32_t)v);
	return ucql_value_of(store, 4);
}

static int32_t cell_int(ucql_value v)
{
	int32_t x = 0;
	int rc = ucql_value_get_int(v, &x);
	cr_assert_eq(rc, 0, "cell: %s", ucql_err_name(rc));
	return x;
}

static int name_is(ucql_bytes b, const char *s)
{
	return ucql_bytes_eq_str(b, s);
}

static const fx_col kvl_cols[] = {
	FX_COL("k", FX_T_INT),
	FX_COL("v", FX_T_VARCHAR),
	FX_COL("l", FX_T_LIST_INT),
};

/* (1, 'one', [1, 2]), (2, null, null), (3, '', []) */
static void kvl_frame(fx_resp *o, int v, int32_t flags, ucql_value paging,
		      const ucql_frame_sections *sec)
{
	static uint8_t ints[3][4], list[28];
	ucql_writer w;
	ucql_builder b;
	ucql_writer_init(&w, list, sizeof list);
	ucql_coll_begin(&b, &w);
	ucql_value_write_int(&w, 1);
	ucql_value_write_int(&w, 2);
	ucql_coll_end(&b, &w, 2);
	cr_assert_eq(w.err, 0);
	ucql_value cells[9] = {
		i32(1, ints[0]), ucql_value_of("one", 3), ucql_value_of(list + 4, (int32_t)w.len - 4),
		i32(2, ints[1]), ucql_value_null(),       ucql_value_null(),
		i32(3, ints[2]), ucql_value_of("", 0),     ucql_value_of("", 0),
	};
	rows_frame(o, v, flags, kvl_cols, 3, paging, cells, 3, sec);
}

static void check_kvl_rows(ucql_resultset *rs)
{
	const ucql_value *row = ucql_resultset_next_row(rs);
	cr_assert_not_null(row);
	cr_assert_eq(cell_int(row[0]), 1);
	cr_assert_eq(row[1].len, 3);
	cr_assert_eq(memcmp(row[1].p, "one", 3), 0);
	ucql_iter it;
	ucql_value e;
	cr_assert_eq(ucql_coll_iter_init(&it, row[2]), 0);
	cr_assert_eq(ucql_list_next(&it, &e), 1);
	cr_assert_eq(cell_int(e), 1);
	cr_assert_eq(ucql_list_next(&it, &e), 1);
	cr_assert_eq(cell_int(e), 2);
	cr_assert_eq(ucql_list_next(&it, &e), 0);

	row = ucql_resultset_next_row(rs);
	cr_assert_not_null(row);
	cr_assert_eq(cell_int(row[0]), 2);
	cr_assert_eq(row[1].len, UCQL_NULL);
	cr_assert_eq(row[2].len, UCQL_NULL);

	row = ucql_resultset_next_row(rs);
	cr_assert_not_null(row);
	cr_assert_eq(cell_int(row[0]), 3);
	cr_assert_eq(row[1].len, 0, "empty, not null");
	cr_assert_eq(row[2].len, 0);

	cr_assert_null(ucql_resultset_next_row(rs));
	cr_assert_null(ucql_resultset_next_row(rs), "stays at the end");
}

/* ---- rows ---------------------------------------------------------------------- */

Test(resultset, rows_with_metadata)
{
	for (int v = 3; v <= 5; v++) {
		fx_resp o;
		kvl_frame(&o, v, UCQL_MD_GLOBAL_TABLES_SPEC, ucql_value_null(), NULL);
		ucql_resultset *rs = respond(&o, NULL, 0);
		cr_assert_eq(ucql_resultset_error_code(rs), 0);
		cr_assert_str_eq(ucql_resultset_error_message(rs), "");
		cr_assert_eq(ucql_resultset_error_retriable(rs), 0);
		ucql_error_msg em;
		cr_assert_eq(ucql_resultset_error_details(rs, &em), UCQL_E_INVALID_ARG);
		cr_assert_str_eq(ucql_resultset_node(rs), "");
		cr_assert_eq(ucql_resultset_kind(rs), UCQL_RESULT_ROWS);
		cr_assert_eq(ucql_resultset_result(rs)->kind, UCQL_RESULT_ROWS);
		cr_assert_eq(ucql_resultset_row_count(rs), 3);
		cr_assert_eq(ucql_resultset_column_count(rs), 3);
		cr_assert(name_is(ucql_resultset_column_name(rs, 0), "k"));
		cr_assert(name_is(ucql_resultset_column_name(rs, 1), "v"));
		cr_assert(name_is(ucql_resultset_column_name(rs, 2), "l"));
		cr_assert_null(ucql_resultset_column_name(rs, 3).p);
		cr_assert_eq(ucql_resultset_column_name(rs, -1).len, 0);
		cr_assert_eq(ucql_resultset_column_index(rs, "k"), 0);
		cr_assert_eq(ucql_resultset_column_index(rs, "l"), 2);
		cr_assert_eq(ucql_resultset_column_index(rs, "K"), -1);
		cr_assert_eq(ucql_resultset_column_index(rs, ""), -1);
		cr_assert_eq(ucql_resultset_column_index(rs, NULL), -1);
		const ucql_type_set *t = ucql_resultset_column_type(rs, 0);
		cr_assert_not_null(t);
		cr_assert_eq(ucql_type_at(t, 0)->id, UCQL_TYPE_INT);
		t = ucql_resultset_column_type(rs, 1);
		cr_assert_eq(ucql_type_at(t, 0)->id, UCQL_TYPE_VARCHAR);
		t = ucql_resultset_column_type(rs, 2);
		cr_assert_eq(ucql_type_at(t, 0)->id, UCQL_TYPE_LIST);
		cr_assert_eq(ucql_type_at(t, 0)->n_children, 1);
		cr_assert_eq(ucql_type_at(t, ucql_type_child(t, 0, 0))->id, UCQL_TYPE_INT);
		cr_assert_null(ucql_resultset_column_type(rs, 3));
		cr_assert_null(ucql_resultset_column_type(rs, -1));
		cr_assert_eq(ucql_resultset_has_more_pages(rs), 0);
		cr_assert_eq(ucql_resultset_paging_state(rs).len, 0);
		cr_assert_eq(ucql_resultset_warning_count(rs), 0);
		cr_assert_null(ucql_resultset_tracing_id(rs));
		ucql_value pv;
		cr_assert_eq(ucql_resultset_payload(rs, "x", &pv), 0);

		check_kvl_rows(rs);
		ucql_resultset_rewind(rs);
		check_kvl_rows(rs);
		/* names and types still there after the walk */
		cr_assert(name_is(ucql_resultset_column_name(rs, 1), "v"));
		cr_assert_eq(ucql_type_at(ucql_resultset_column_type(rs, 0), 0)->id, UCQL_TYPE_INT);
		ucql_resultset_free(rs);
		fx_resp_free(&o);
	}
}

Test(resultset, rows_with_per_column_specs)
{
	fx_resp o;
	kvl_frame(&o, 4, 0, ucql_value_null(), NULL);
	ucql_resultset *rs = respond(&o, NULL, 0);
	cr_assert_eq(ucql_resultset_column_index(rs, "v"), 1);
	check_kvl_rows(rs);
	ucql_resultset_free(rs);
	fx_resp_free(&o);
}

Test(resultset, zero_columns)
{
	fx_resp o;
	rows_frame(&o, 4, 0, NULL, 0, ucql_value_null(), NULL, 2, NULL);
	ucql_resultset *rs = respond(&o, NULL, 0);
	cr_assert_eq(ucql_resultset_kind(rs), UCQL_RESULT_ROWS);
	cr_assert_eq(ucql_resultset_column_count(rs), 0);
	cr_assert_eq(ucql_resultset_row_count(rs), 2);
	cr_assert_eq(ucql_resultset_column_name(rs, 0).len, 0);
	cr_assert_null(ucql_resultset_column_type(rs, 0));
	cr_assert_eq(ucql_resultset_column_index(rs, "a"), -1);
	cr_assert_not_null(ucql_resultset_next_row(rs));
	cr_assert_not_null(ucql_resultset_next_row(rs));
	cr_assert_null(ucql_resultset_next_row(rs));
	ucql_resultset_rewind(rs);
	cr_assert_not_null(ucql_resultset_next_row(rs));
	ucql_resultset_free(rs);
	fx_resp_free(&o);

	/* and no rows at all */
	rows_frame(&o, 4, 0, NULL, 0, ucql_value_null(), NULL, 0, NULL);
	rs = respond(&o, NULL, 0);
	cr_assert_eq(ucql_resultset_row_count(rs), 0);
	cr_assert_null(ucql_resultset_next_row(rs));
	ucql_resultset_free(rs);
	fx_resp_free(&o);
}

/* n int columns c0..c{n-1}, nrows rows, cell (r, c) = c * 1000 + r. */
static void wide_frame(fx_resp *o, int32_t ncols, int32_t nrows)
{
	fx_col *cols = calloc((size_t)ncols, sizeof *cols);
	char(*names)[16] = calloc((size_t)ncols, 16);
	ucql_value *cells = calloc((size_t)ncols * (size_t)nrows, sizeof *cells);
	uint8_t(*store)[4] = calloc((size_t)ncols * (size_t)nrows, 4);
	for (int32_t c = 0; c < ncols; c++) {
		snprintf(names[c], 16, "c%d", (int)c);
		cols[c] = (fx_col){ names[c], FX_T_INT, 2 };
	}
	for (int32_t r = 0; r < nrows; r++)
		for (int32_t c = 0; c < ncols; c++) {
			size_t k = (size_t)r * (size_t)ncols + (size_t)c;
			/* every third row has a null in column 5, to vary lengths */
			if (c == 5 && r % 3 == 2)
				cells[k] = ucql_value_null();
			else
				cells[k] = i32(c * 1000 + r, store[k]);
		}
	rows_frame(o, 4, UCQL_MD_GLOBAL_TABLES_SPEC, cols, ncols, ucql_value_null(), cells, nrows,
		   NULL);
	free(cols);
	free(names);
	free(cells);
	free(store);
}

static void check_wide(ucql_resultset *rs, int32_t ncols, int32_t nrows)
{
	cr_assert_eq(ucql_resultset_column_count(rs), ncols);
	cr_assert_eq(ucql_resultset_row_count(rs), nrows);
	cr_assert(name_is(ucql_resultset_column_name(rs, 0), "c0"));
	char last[16];
	snprintf(last, sizeof last, "c%d", (int)(ncols - 1));
	cr_assert_eq(ucql_resultset_column_index(rs, last), ncols - 1);
	cr_assert_eq(ucql_type_at(ucql_resultset_column_type(rs, ncols - 1), 0)->id, UCQL_TYPE_INT);
	for (int32_t r = 0; r < nrows; r++) {
		const ucql_value *row = ucql_resultset_next_row(rs);
		cr_assert_not_null(row, "row %d", (int)r);
		for (int32_t c = 0; c < ncols; c++) {
			if (c == 5 && r % 3 == 2)
				cr_assert_eq(row[c].len, UCQL_NULL, "row %d col %d", (int)r, (int)c);
			else
				cr_assert_eq(cell_int(row[c]), c * 1000 + r, "row %d col %d", (int)r,
					     (int)c);
		}
	}
	cr_assert_null(ucql_resultset_next_row(rs));
}

Test(resultset, more_columns_than_the_inline_cells)
{
	/* 20: the cells array grows; 70: past the row predictor's width too */
	static const int32_t widths[] = { 20, 70 };
	for (size_t k = 0; k < 2; k++) {
		fx_resp o;
		wide_frame(&o, widths[k], 7);
		ucql_resultset *rs = respond(&o, NULL, 0);
		ucql__req *r = ucql__rs_req(rs);
		check_wide(rs, widths[k], 7);
		cr_assert_neq(rs->cells, rs->cells_inline);
		cr_assert_geq(rs->cells_cap, widths[k]);
		ucql_resultset_rewind(rs);
		check_wide(rs, widths[k], 7);
		ucql_resultset_free(rs);
		fx_resp_free(&o);

		/* the slot comes back with its grown cells and reads a narrow
		 * result, then a wide one again */
		kvl_frame(&o, 4, 0, ucql_value_null(), NULL);
		rs = respond(&o, NULL, 0);
		cr_assert_eq(ucql__rs_req(rs), r);
		check_kvl_rows(rs);
		ucql_resultset_free(rs);
		fx_resp_free(&o);
		wide_frame(&o, widths[k] + 3, 4);
		rs = respond(&o, NULL, 0);
		check_wide(rs, widths[k] + 3, 4);
		ucql_resultset_free(rs);
		fx_resp_free(&o);
	}
}

/* ---- metadata from the prepared statement ------------------------------------------------ */

Test(resultset, no_metadata_takes_the_prepared_statements_columns)
{
	ucql_session *s = fx_session(4, NULL);
	ucql_prepared_stmt *p = fx_prepare(s, "SELECT k, v, l FROM t", "sel", NULL, 0, kvl_cols, 3);
	fx_resp o;
	kvl_frame(&o, 4, UCQL_MD_NO_METADATA, ucql_value_null(), NULL);

	ucql_resultset *rs = respond(&o, p, 0);
	cr_assert_eq(ucql_resultset_column_count(rs), 3);
	cr_assert(name_is(ucql_resultset_column_name(rs, 0), "k"));
	cr_assert(name_is(ucql_resultset_column_name(rs, 2), "l"));
	cr_assert_eq(ucql_resultset_column_index(rs, "v"), 1);
	cr_assert_eq(ucql_type_at(ucql_resultset_column_type(rs, 2), 0)->id, UCQL_TYPE_LIST);
	check_kvl_rows(rs);
	ucql_resultset_free(rs);

	/* without the statement: rows, but no names or types */
	rs = respond(&o, NULL, 0);
	cr_assert_eq(ucql_resultset_column_count(rs), 3);
	cr_assert_eq(ucql_resultset_column_name(rs, 0).len, 0);
	cr_assert_null(ucql_resultset_column_type(rs, 0));
	cr_assert_eq(ucql_resultset_column_index(rs, "k"), -1);
	check_kvl_rows(rs);
	ucql_resultset_free(rs);

	/* a statement whose columns do not match is not used */
	ucql_prepared_stmt *p2 = fx_prepare(s, "SELECT k, v FROM t", "sel2", NULL, 0, kvl_cols, 2);
	rs = respond(&o, p2, 0);
	cr_assert_eq(ucql_resultset_column_name(rs, 0).len, 0);
	check_kvl_rows(rs);
	ucql_resultset_free(rs);

	/* a result with metadata keeps its own even with a statement */
	fx_resp o2;
	static const fx_col other[] = { FX_COL("x", FX_T_INT), FX_COL("y", FX_T_VARCHAR),
					FX_COL("z", FX_T_LIST_INT) };
	ucql_value cells[3] = { ucql_value_of("\0\0\0\1", 4), ucql_value_of("a", 1),
				ucql_value_null() };
	rows_frame(&o2, 4, 0, other, 3, ucql_value_null(), cells, 1, NULL);
	rs = respond(&o2, p, 0);
	cr_assert(name_is(ucql_resultset_column_name(rs, 0), "x"));
	ucql_resultset_free(rs);
	fx_resp_free(&o2);

	fx_resp_free(&o);
	ucql_prepared_stmt_free(p2);
	ucql_prepared_stmt_free(p);
	fx_session_free(s);
}

/* ---- paging ------------------------------------------------------------------------------- */

Test(resultset, paging_state_and_more_pages)
{
	for (int v = 3; v <= 5; v++) {
		fx_resp o;
		kvl_frame(&o, v, UCQL_MD_HAS_MORE_PAGES, ucql_value_of("\x01\x02\x03", 3), NULL);
		ucql_resultset *rs = respond(&o, NULL, 0);
		cr_assert_eq(ucql_resultset_has_more_pages(rs), 1);
		ucql_bytes ps = ucql_resultset_paging_state(rs);
		ASSERT_HEX(ps.p, ps.len, "010203");
		cr_assert_geq(ps.p, o.buf, "a view into the response");
		cr_assert_leq(ps.p + ps.len, o.buf + o.len);
		check_kvl_rows(rs);
		/* feeds a statement */
		ucql_statement *st = ucql_statement_new("SELECT", 0);
		cr_assert_eq(ucql_statement_set_paging_state(st, ps), 0);
		ASSERT_HEX(st->paging_state.p, st->paging_state.len, "010203");
		ucql_statement_free(st);
		ucql_resultset_free(rs);
		fx_resp_free(&o);

		/* HAS_MORE_PAGES with a null state: nothing to resume from */
		kvl_frame(&o, v, UCQL_MD_HAS_MORE_PAGES, ucql_value_null(), NULL);
		rs = respond(&o, NULL, 0);
		cr_assert_eq(ucql_resultset_has_more_pages(rs), 0);
		cr_assert_eq(ucql_resultset_paging_state(rs).len, 0);
		ucql_resultset_free(rs);
		fx_resp_free(&o);
	}
}

/* ---- other kinds -------------------------------------------------------------------------- */

static void enc_void(ucql_writer *w, int v, const void *arg)
{
	ucql_result_void_encode(w, v);
}
static void enc_keyspace(ucql_writer *w, int v, const void *arg)
{
	ucql_result_set_keyspace_encode(w, v, S((const char *)arg));
}
static void enc_schema(ucql_writer *w, int v, const void *arg)
{
	ucql_result_schema_change_encode(w, v, arg);
}
static void enc_error(ucql_writer *w, int v, const void *arg)
{
	ucql_error_msg_encode(w, v, arg);
}

static void assert_no_rows(ucql_resultset *rs)
{
	cr_assert_eq(ucql_resultset_row_count(rs), 0);
	cr_assert_eq(ucql_resultset_column_count(rs), 0);
	cr_assert_null(ucql_resultset_next_row(rs));
	ucql_resultset_rewind(rs);
	cr_assert_null(ucql_resultset_next_row(rs));
	cr_assert_eq(ucql_resultset_column_name(rs, 0).len, 0);
	cr_assert_null(ucql_resultset_column_type(rs, 0));
	cr_assert_eq(ucql_resultset_column_index(rs, "k"), -1);
	cr_assert_eq(ucql_resultset_has_more_pages(rs), 0);
	cr_assert_eq(ucql_resultset_paging_state(rs).len, 0);
}

Test(resultset, void_set_keyspace_schema_change)
{
	for (int v = 3; v <= 5; v++) {
		fx_resp o;
		body_frame(&o, v, UCQL_OP_RESULT, enc_void, NULL, NULL);
		ucql_resultset *rs = respond(&o, NULL, 0);
		cr_assert_eq(ucql_resultset_kind(rs), UCQL_RESULT_VOID);
		cr_assert_eq(ucql_resultset_error_code(rs), 0);
		assert_no_rows(rs);
		ucql_resultset_free(rs);
		fx_resp_free(&o);

		body_frame(&o, v, UCQL_OP_RESULT, enc_keyspace, "Some_Ks", NULL);
		rs = respond(&o, NULL, 0);
		cr_assert_eq(ucql_resultset_kind(rs), UCQL_RESULT_SET_KEYSPACE);
		cr_assert(name_is(ucql_resultset_result(rs)->u.keyspace, "Some_Ks"));
		assert_no_rows(rs);
		ucql_resultset_free(rs);
		fx_resp_free(&o);

		ucql_schema_change sc;
		memset(&sc, 0, sizeof sc);
		sc.change = UCQL_CHANGE_CREATED;
		sc.target = UCQL_TARGET_TABLE;
		sc.keyspace = S("ks");
		sc.name = S("tbl");
		body_frame(&o, v, UCQL_OP_RESULT, enc_schema, &sc, NULL);
		rs = respond(&o, NULL, 0);
		cr_assert_eq(ucql_resultset_kind(rs), UCQL_RESULT_SCHEMA_CHANGE);
		const ucql_schema_change *got = &ucql_resultset_result(rs)->u.schema_change;
		cr_assert_eq(got->change, UCQL_CHANGE_CREATED);
		cr_assert_eq(got->target, UCQL_TARGET_TABLE);
		cr_assert(name_is(got->keyspace, "ks"));
		cr_assert(name_is(got->name, "tbl"));
		assert_no_rows(rs);
		ucql_resultset_free(rs);
		fx_resp_free(&o);
	}
}

/* ---- errors -------------------------------------------------------------------------------- */

Test(resultset, unavailable_error_with_details)
{
	for (int v = 3; v <= 5; v++) {
		ucql_error_msg m;
		ucql_error_msg_init(&m, UCQL_E_UNAVAILABLE, S("Cannot achieve consistency level QUORUM"));
		m.consistency = UCQL_CL_QUORUM;
		m.required = 3;
		m.alive = 1;
		fx_resp o;
		body_frame(&o, v, UCQL_OP_ERROR, enc_error, &m, NULL);
		ucql_resultset *rs = respond(&o, NULL, UCQL_E_UNAVAILABLE);
		cr_assert_eq(ucql_resultset_error_code(rs), UCQL_E_UNAVAILABLE);
		cr_assert_str_eq(ucql_resultset_error_message(rs), "Cannot achieve consistency level QUORUM");
		cr_assert_eq(ucql_resultset_error_retriable(rs), 1);
		ucql_error_msg d;
		cr_assert_eq(ucql_resultset_error_details(rs, &d), 0);
		cr_assert_eq(d.wire_code, 0x1000);
		cr_assert_eq(d.code, UCQL_E_UNAVAILABLE);
		cr_assert_eq(d.consistency, UCQL_CL_QUORUM);
		cr_assert_eq(d.required, 3);
		cr_assert_eq(d.alive, 1);
		cr_assert(name_is(d.message, "Cannot achieve consistency level QUORUM"));
		cr_assert_eq(ucql_resultset_kind(rs), 0);
		assert_no_rows(rs);
		ucql_resultset_free(rs);
		fx_resp_free(&o);
	}
}

Test(resultset, syntax_error_message_is_a_copy)
{
	ucql_error_msg m;
	ucql_error_msg_init(&m, UCQL_E_SYNTAX, S("line 1:0 no viable alternative at input 'SELEC'"));
	fx_resp o;
	body_frame(&o, 4, UCQL_OP_ERROR, enc_error, &m, NULL);
	ucql_resultset *rs = respond(&o, NULL, UCQL_E_SYNTAX);
	/* the message outlives changes to the receive buffer (NUL-terminated
	 * copy) */
	memset(o.buf, 0, o.len);
	cr_assert_str_eq(ucql_resultset_error_message(rs), "line 1:0 no viable alternative at input 'SELEC'");
	cr_assert_eq(ucql_resultset_error_code(rs), 0x2000);
	cr_assert_eq(ucql_resultset_error_retriable(rs), 0);
	ucql_resultset_free(rs);
	fx_resp_free(&o);

	/* an empty message */
	ucql_error_msg_init(&m, UCQL_E_INVALID, S(""));
	body_frame(&o, 4, UCQL_OP_ERROR, enc_error, &m, NULL);
	rs = respond(&o, NULL, UCQL_E_INVALID);
	cr_assert_str_eq(ucql_resultset_error_message(rs), "");
	ucql_resultset_free(rs);
	fx_resp_free(&o);
}

Test(resultset, retriable_flag_per_error)
{
	static const struct {
		int code;
		int retriable;
	} cases[] = {
		{ UCQL_E_SERVER_ERROR, 0 },   { UCQL_E_PROTOCOL, 0 },        { UCQL_E_AUTH, 0 },
		{ UCQL_E_UNAVAILABLE, 1 },    { UCQL_E_OVERLOADED, 1 },      { UCQL_E_IS_BOOTSTRAPPING, 1 },
		{ UCQL_E_TRUNCATE_ERROR, 0 }, { UCQL_E_WRITE_TIMEOUT, 1 },   { UCQL_E_READ_TIMEOUT, 1 },
		{ UCQL_E_READ_FAILURE, 0 },   { UCQL_E_FUNCTION_FAILURE, 0 }, { UCQL_E_WRITE_FAILURE, 0 },
		{ UCQL_E_CAS_WRITE_UNKNOWN, 0 }, { UCQL_E_SYNTAX, 0 },       { UCQL_E_UNAUTHORIZED, 0 },
		{ UCQL_E_INVALID, 0 },        { UCQL_E_CONFIG, 0 },          { UCQL_E_ALREADY_EXISTS, 0 },
		{ UCQL_E_UNPREPARED, 1 },
	};
	for (int v = 4; v <= 5; v++)
		for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
			ucql_error_msg m;
			ucql_error_msg_init(&m, cases[i].code, S("boom"));
			m.write_type = S("SIMPLE");
			m.keyspace = S("ks");
			m.name = S("t");
			m.unprepared_id = S("\x01\x02");
			m.block_for = 2;
			fx_resp o;
			body_frame(&o, v, UCQL_OP_ERROR, enc_error, &m, NULL);
			ucql_resultset *rs = respond(&o, NULL, cases[i].code);
			cr_assert_eq(ucql_resultset_error_code(rs), cases[i].code, "%s",
				     ucql_err_name(cases[i].code));
			cr_assert_eq(ucql_resultset_error_retriable(rs), cases[i].retriable, "%s",
				     ucql_err_name(cases[i].code));
			cr_assert_eq(ucql_err_retriable(cases[i].code), cases[i].retriable);
			cr_assert_str_eq(ucql_resultset_error_message(rs), "boom");
			ucql_error_msg d;
			cr_assert_eq(ucql_resultset_error_details(rs, &d), 0);
			cr_assert_eq(d.code, cases[i].code);
			if (cases[i].code == UCQL_E_UNPREPARED)
				cr_assert(name_is(d.unprepared_id, "\x01\x02"));
			if (cases[i].code == UCQL_E_WRITE_TIMEOUT)
				cr_assert(name_is(d.write_type, "SIMPLE"));
			ucql_resultset_free(rs);
			fx_resp_free(&o);
		}
}

Test(resultset, server_error_wire_zero_is_not_success)
{
	/* "Server error" is 0x0000 on the wire: must not read as success */
	static const uint8_t body[] = { 0, 0, 0, 0, 0, 4, 'o', 'o', 'p', 's' };
	fx_resp o;
	fx_frame(&o, 4, UCQL_OP_ERROR, NULL, body, sizeof body);
	ucql_resultset *rs = respond(&o, NULL, UCQL_E_SERVER_ERROR);
	cr_assert_eq(ucql_resultset_error_code(rs), UCQL_E_SERVER_ERROR);
	cr_assert_str_eq(ucql_resultset_error_message(rs), "oops");
	cr_assert_eq(ucql_resultset_kind(rs), 0);
	ucql_error_msg d;
	cr_assert_eq(ucql_resultset_error_details(rs, &d), 0);
	cr_assert_eq(d.wire_code, 0);
	ucql_resultset_free(rs);
	fx_resp_free(&o);

	/* a code ucql does not know keeps its value */
	static const uint8_t unk[] = { 0, 0, 0x99, 0x99, 0, 1, 'x', 0xAA };
	fx_frame(&o, 5, UCQL_OP_ERROR, NULL, unk, sizeof unk);
	rs = respond(&o, NULL, 0x9999);
	cr_assert_str_eq(ucql_resultset_error_message(rs), "x");
	cr_assert_eq(ucql_resultset_error_details(rs, &d), 0);
	ASSERT_HEX(d.extra.p, d.extra.len, "aa");
	ucql_resultset_free(rs);
	fx_resp_free(&o);
}

/* ---- malformed responses -------------------------------------------------------------------- */

Test(resultset, malformed_result_is_server_protocol)
{
	static const struct {
		const char *hex;
		const char *why;
	} cases[] = {
		{ "", "empty" },
		{ "000000", "truncated kind" },
		{ "00000002", "rows without metadata" },
		{ "0000000200000000000000010000", "rows: spec missing" },
		{ "00000009", "unknown kind" },
		{ "0000000100", "void with a trailing byte" },
		{ "00000003000561", "keyspace string short" },
		{ "00000002000000040000000100000001ffffff", "rows: cell truncated" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint8_t body[64];
		size_t n = fx_unhex(cases[i].hex, body, sizeof body);
		fx_resp o;
		fx_frame(&o, 4, UCQL_OP_RESULT, NULL, body, n);
		ucql_resultset *rs = respond(&o, NULL, UCQL_E_SERVER_PROTOCOL);
		cr_assert_eq(ucql_resultset_error_code(rs), UCQL_E_SERVER_PROTOCOL, "%s", cases[i].why);
		const char *msg = ucql_resultset_error_message(rs);
		cr_assert_not_null(strstr(msg, "malformed RESULT"), "%s: '%s'", cases[i].why, msg);
		cr_assert_eq(ucql_resultset_error_retriable(rs), 0);
		ucql_error_msg d;
		cr_assert_eq(ucql_resultset_error_details(rs, &d), UCQL_E_INVALID_ARG);
		cr_assert_eq(ucql_resultset_kind(rs), 0);
		assert_no_rows(rs);
		ucql_resultset_free(rs);
		fx_resp_free(&o);
	}
}

Test(resultset, malformed_error_and_unexpected_opcode)
{
	static const uint8_t trunc[] = { 0, 0, 0x10, 0, 0, 9, 'a' };
	fx_resp o;
	fx_frame(&o, 4, UCQL_OP_ERROR, NULL, trunc, sizeof trunc);
	ucql_resultset *rs = respond(&o, NULL, UCQL_E_SERVER_PROTOCOL);
	cr_assert_not_null(strstr(ucql_resultset_error_message(rs), "malformed ERROR"), "'%s'",
			   ucql_resultset_error_message(rs));
	ucql_error_msg d;
	cr_assert_eq(ucql_resultset_error_details(rs, &d), UCQL_E_INVALID_ARG);
	ucql_resultset_free(rs);
	fx_resp_free(&o);

	fx_frame(&o, 4, UCQL_OP_READY, NULL, NULL, 0);
	rs = respond(&o, NULL, UCQL_E_SERVER_PROTOCOL);
	cr_assert_str_eq(ucql_resultset_error_message(rs), "unexpected response opcode 0x02");
	assert_no_rows(rs);
	ucql_resultset_free(rs);
	fx_resp_free(&o);
}

/* ---- frame sections: warnings, tracing, custom payload ------------------------------------- */

Test(resultset, warnings_tracing_and_payload)
{
	static const uint8_t trace[16] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	const ucql_bytes warns[] = { S("Aggregation query used without partition key"), S("w2") };
	const ucql_bytes keys[] = { S("a"), S("bee"), S("nul") };
	const ucql_value vals[] = { ucql_value_of("\x01", 1), ucql_value_of("xyz", 3),
				    ucql_value_null() };
	ucql_frame_sections sec = { .tracing_id = trace, .warnings = warns, .n_warnings = 2,
				    .payload_keys = keys, .payload_values = vals, .n_payload = 3 };
	for (int v = 4; v <= 5; v++) {
		fx_resp o;
		kvl_frame(&o, v, 0, ucql_value_null(), &sec);
		ucql_resultset *rs = respond(&o, NULL, 0);
		cr_assert_eq(ucql_resultset_warning_count(rs), 2);
		cr_assert(name_is(ucql_resultset_warning(rs, 0),
				  "Aggregation query used without partition key"));
		cr_assert(name_is(ucql_resultset_warning(rs, 1), "w2"));
		cr_assert_null(ucql_resultset_warning(rs, 2).p);
		const uint8_t *t = ucql_resultset_tracing_id(rs);
		cr_assert_not_null(t);
		cr_assert_arr_eq(t, trace, 16);
		ucql_value pv;
		cr_assert_eq(ucql_resultset_payload(rs, "bee", &pv), 1);
		cr_assert_eq(pv.len, 3);
		cr_assert_eq(memcmp(pv.p, "xyz", 3), 0);
		cr_assert_eq(ucql_resultset_payload(rs, "a", &pv), 1);
		cr_assert_eq(pv.len, 1);
		cr_assert_eq(ucql_resultset_payload(rs, "nul", &pv), 1);
		cr_assert_eq(pv.len, UCQL_NULL);
		cr_assert_eq(ucql_resultset_payload(rs, "be", &pv), 0);
		cr_assert_eq(ucql_resultset_payload(rs, NULL, &pv), 0);
		check_kvl_rows(rs);
		ucql_resultset_free(rs);
		fx_resp_free(&o);
	}

	/* an ERROR carries them too */
	ucql_frame_sections wonly = { .warnings = warns, .n_warnings = 1 };
	ucql_error_msg m;
	ucql_error_msg_init(&m, UCQL_E_INVALID, S("bad"));
	fx_resp o;
	body_frame(&o, 4, UCQL_OP_ERROR, enc_error, &m, &wonly);
	ucql_resultset *rs = respond(&o, NULL, UCQL_E_INVALID);
	cr_assert_eq(ucql_resultset_warning_count(rs), 1);
	cr_assert(name_is(ucql_resultset_warning(rs, 0), "Aggregation query used without partition key"));
	cr_assert_null(ucql_resultset_tracing_id(rs));
	ucql_resultset_free(rs);
	fx_resp_free(&o);
}

/* ---- local errors ----------------------------------------------------------------------------- */

Test(resultset, local_errors)
{
	ucql__req *r = ucql__req_get(NULL);
	ucql__rs_set_error(&r->rs, UCQL_E_TIMEOUT, NULL);
	cr_assert_eq(ucql_resultset_error_code(&r->rs), UCQL_E_TIMEOUT);
	cr_assert_str_eq(ucql_resultset_error_message(&r->rs), ucql_err_str(UCQL_E_TIMEOUT));
	cr_assert_eq(ucql_resultset_error_retriable(&r->rs), 1);
	ucql_error_msg d;
	cr_assert_eq(ucql_resultset_error_details(&r->rs, &d), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_resultset_kind(&r->rs), 0);

	ucql__rs_set_errorf(&r->rs, UCQL_E_CONNECTION, "node %s went away (%d)", "127.0.0.1:9042", 7);
	cr_assert_str_eq(ucql_resultset_error_message(&r->rs), "node 127.0.0.1:9042 went away (7)");
	cr_assert_eq(ucql_resultset_error_retriable(&r->rs), 1);
	char big[600];
	memset(big, 'z', sizeof big - 1);
	big[sizeof big - 1] = 0;
	ucql__rs_set_errorf(&r->rs, UCQL_E_CLOSED, "%s", big);
	cr_assert_eq(strlen(ucql_resultset_error_message(&r->rs)), 511, "truncated, terminated");
	cr_assert_eq(ucql_resultset_error_retriable(&r->rs), 0);
	ucql_resultset_free(&r->rs);
}

Test(resultset, null_result_set)
{
	ucql_error_msg d;
	ucql_value v;
	cr_assert_eq(ucql_resultset_error_code(NULL), UCQL_E_INVALID_ARG);
	cr_assert_str_eq(ucql_resultset_error_message(NULL), "");
	cr_assert_eq(ucql_resultset_error_retriable(NULL), 0);
	cr_assert_eq(ucql_resultset_error_details(NULL, &d), UCQL_E_INVALID_ARG);
	cr_assert_str_eq(ucql_resultset_node(NULL), "");
	cr_assert_eq(ucql_resultset_kind(NULL), 0);
	cr_assert_null(ucql_resultset_result(NULL));
	cr_assert_eq(ucql_resultset_warning_count(NULL), 0);
	cr_assert_null(ucql_resultset_warning(NULL, 0).p);
	cr_assert_null(ucql_resultset_tracing_id(NULL));
	cr_assert_eq(ucql_resultset_payload(NULL, "a", &v), 0);
	cr_assert_eq(ucql_resultset_row_count(NULL), 0);
	cr_assert_eq(ucql_resultset_column_count(NULL), 0);
	cr_assert_null(ucql_resultset_column_name(NULL, 0).p);
	cr_assert_null(ucql_resultset_column_type(NULL, 0));
	cr_assert_eq(ucql_resultset_column_index(NULL, "a"), -1);
	cr_assert_null(ucql_resultset_next_row(NULL));
	ucql_resultset_rewind(NULL);
	cr_assert_eq(ucql_resultset_has_more_pages(NULL), 0);
	cr_assert_eq(ucql_resultset_paging_state(NULL).len, 0);
	cr_assert_null(ucql_resultset_retain(NULL));
	ucql_resultset_free(NULL);
}

/* ---- reference counting and the slot --------------------------------------------------------- */

Test(resultset, retain_and_free_return_the_slot_at_the_last_free)
{
	fx_resp o;
	kvl_frame(&o, 4, 0, ucql_value_null(), NULL);
	ucql_resultset *rs = respond(&o, NULL, 0);
	ucql__req *r = ucql__rs_req(rs);
	cr_assert_eq(atomic_load(&r->refs), 1);
	cr_assert_eq(ucql_resultset_retain(rs), rs);
	cr_assert_eq(ucql_resultset_retain(rs), rs);
	cr_assert_eq(atomic_load(&r->refs), 3);

	ucql_resultset_free(rs);
	ucql_resultset_free(rs);
	cr_assert_eq(atomic_load(&r->refs), 1);
	/* still held: the pool must hand out another slot */
	ucql__req *other = ucql__req_get(NULL);
	cr_assert_neq(other, r);
	/* and the result is intact */
	check_kvl_rows(rs);
	cr_assert(name_is(ucql_resultset_column_name(rs, 1), "v"));
	ucql__req_unref(other); /* back on the pool: the next get returns it */

	ucql_resultset_free(rs); /* the last reference */
	ucql__req *again = ucql__req_get(NULL);
	cr_assert_eq(again, r, "the slot is reused only after the last free");
	/* reset for its next life */
	cr_assert_eq(again->rs.err, 0);
	cr_assert_eq(again->rs.result.kind, 0);
	cr_assert_null(again->rs.md);
	cr_assert_eq(ucql_resultset_row_count(&again->rs), 0);
	cr_assert_null(ucql_resultset_next_row(&again->rs));
	cr_assert_eq(ucql_resultset_column_name(&again->rs, 0).len, 0);
	cr_assert_eq(ucql_resultset_warning_count(&again->rs), 0);
	ucql__req *second = ucql__req_get(NULL);
	cr_assert_eq(second, other);
	ucql__req_unref(second);
	ucql__req_unref(again);
	fx_resp_free(&o);
}

Test(resultset, reused_slot_forgets_the_previous_error)
{
	ucql_error_msg m;
	ucql_error_msg_init(&m, UCQL_E_OVERLOADED, S("too busy"));
	fx_resp o;
	body_frame(&o, 4, UCQL_OP_ERROR, enc_error, &m, NULL);
	ucql_resultset *rs = respond(&o, NULL, UCQL_E_OVERLOADED);
	ucql__req *r = ucql__rs_req(rs);
	ucql_resultset_free(rs);
	fx_resp_free(&o);

	kvl_frame(&o, 4, 0, ucql_value_null(), NULL);
	rs = respond(&o, NULL, 0);
	cr_assert_eq(ucql__rs_req(rs), r);
	cr_assert_eq(ucql_resultset_error_code(rs), 0);
	cr_assert_str_eq(ucql_resultset_error_message(rs), "");
	cr_assert_eq(ucql_resultset_error_retriable(rs), 0);
	ucql_error_msg d;
	cr_assert_eq(ucql_resultset_error_details(rs, &d), UCQL_E_INVALID_ARG);
	check_kvl_rows(rs);
	ucql_resultset_free(rs);
	fx_resp_free(&o);
}
