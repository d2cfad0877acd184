/*
 * fuzz_resultset — a server response turned into a result set the way a
 * connection does it (ucql__rs_set_response on a decoded frame), then
 * every public getter of ucql/resultset.h and a full row walk.
 *
 * Input: [mode][frame body…]. The body (sections, then the message) is
 * framed for each protocol version 3..5, once as a RESULT and once as an
 * ERROR. Mode bits 0–2: frame flags TRACING, WARNING, CUSTOM_PAYLOAD
 * (their sections must then start the body); bits 6–7: a prepared
 * statement with that many result columns (0: none) handed to
 * ucql__rs_set_response, whose metadata a No_metadata Rows result uses.
 *
 * Checks (abort on failure): the error code agrees with set_response's
 * answer; an error has a message, a retriable flag from the table and, if
 * it came from the server, details whose code matches; a success has an
 * empty message and a known kind; every view (warnings, tracing id,
 * payload values, column names, cells, paging state) lies inside the
 * frame or the prepared statement's copy; column_index finds a column by
 * its own name at or before it; the row walk yields exactly row_count
 * rows (a 0-column result: its first MAX_EMPTY_ROWS) and a rewind yields
 * the same cells again.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/core.h"

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                        \
		}                                                                       \
	} while (0)

/* Where views may point: the frame, and the prepared statement's copy. */
typedef struct area {
	const uint8_t *p[2];
	size_t len[2];
} area;

static int inside(const area *a, const void *ptr, size_t n)
{
	const uint8_t *q = ptr;
	if (n == 0)
		return 1;
	for (int i = 0; i < 2; i++)
		if (a->p[i] && q >= a->p[i] && n <= a->len[i] && (size_t)(q - a->p[i]) <= a->len[i] - n)
			return 1;
	return 0;
}

/* Reads every byte of a view (ASan / the guard see a bad one). */
static unsigned touch(const uint8_t *p, size_t n)
{
	unsigned h = 0;
	for (size_t i = 0; i < n; i++)
		h = h * 31 + p[i];
	return h;
}

/* ---- the prepared statements (built once) ------------------------------------ */

static ucql_prepared_stmt preps[4];
static uint8_t prep_body[4][512];

static void make_prepared(int ncols)
{
	static const uint8_t t_int[] = { 0x00, 0x09 }, t_list[] = { 0x00, 0x20, 0x00, 0x0D },
			     t_map[] = { 0x00, 0x21, 0x00, 0x0D, 0x00, 0x02 };
	ucql_col_spec cols[3] = {
		{ ucql_bytes_str("ks"), ucql_bytes_str("t"), ucql_bytes_str("k"), { t_int, 2 } },
		{ ucql_bytes_str("ks"), ucql_bytes_str("t"), ucql_bytes_str("l"), { t_list, 4 } },
		{ ucql_bytes_str("ks"), ucql_bytes_str("t"), ucql_bytes_str("m"), { t_map, 6 } },
	};
	ucql_prepared m;
	memset(&m, 0, sizeof m);
	m.id = ucql_bytes_str("fuzz");
	m.result.columns_count = ncols;
	m.result.cols = cols;
	ucql_writer w;
	ucql_writer_init(&w, prep_body[ncols], sizeof prep_body[ncols]);
	ucql_result_prepared_encode(&w, 4, &m);
	CHECK(w.err == 0);
	ucql_result r;
	CHECK(ucql_result_decode(ucql_bytes_of(prep_body[ncols], w.len), 4, &r) == 0);
	preps[ncols].resp = prep_body[ncols];
	preps[ncols].resp_len = w.len;
	preps[ncols].p = r.u.prepared;
	atomic_store(&preps[ncols].refs, 1);
}

/* ---- the walk ------------------------------------------------------------------ */

static void check_type(const ucql_type_set *t)
{
	if (!t)
		return;
	CHECK(t->used > 0 && t->used <= t->cap);
	char buf[256];
	(void)ucql_type_to_cql(t, 0, 0, buf, sizeof buf);
}

/* Rows walked when there are no cells: a 0-column Rows result may claim
 * INT32_MAX rows in a few bytes, and walking them all would take minutes.
 * With cells, the input's size bounds the rows. */
#define MAX_EMPTY_ROWS 4096

/* One pass over the rows: returns a hash of every cell. */
static unsigned walk_rows(ucql_resultset *rs, const area *a, int32_t rows, int32_t cols)
{
	unsigned h = 0;
	int32_t n = 0;
	const ucql_value *row;
	if (cols == 0 && rows > MAX_EMPTY_ROWS) {
		for (n = 0; n < MAX_EMPTY_ROWS; n++)
			CHECK(ucql_resultset_next_row(rs) != NULL);
		return (unsigned)n;
	}
	while ((row = ucql_resultset_next_row(rs)) != NULL) {
		CHECK(n < rows);
		for (int32_t c = 0; c < cols; c++) {
			CHECK(row[c].len >= 0 || row[c].len == UCQL_NULL);
			if (row[c].len > 0) {
				CHECK(inside(a, row[c].p, (size_t)row[c].len));
				h = h * 17 + touch(row[c].p, (size_t)row[c].len);
			} else {
				h = h * 17 + (unsigned)(row[c].len + 7);
			}
		}
		n++;
	}
	CHECK(n == rows);
	CHECK(ucql_resultset_next_row(rs) == NULL);
	return h;
}

static void walk(ucql_resultset *rs, int rc, int opcode, const area *a)
{
	int err = ucql_resultset_error_code(rs);
	CHECK(err == rc);
	const char *msg = ucql_resultset_error_message(rs);
	CHECK(msg != NULL);
	(void)strlen(msg);
	int retr = ucql_resultset_error_retriable(rs);
	CHECK(retr == 0 || retr == 1);
	ucql_error_msg d;
	int dr = ucql_resultset_error_details(rs, &d);
	if (dr == 0) {
		CHECK(opcode == UCQL_OP_ERROR);
		CHECK(err == d.code && err != 0);
		CHECK(retr == ucql_err_retriable(err));
		CHECK(inside(a, d.message.p, d.message.len));
		CHECK(strlen(msg) <= d.message.len);
	} else {
		CHECK(dr == UCQL_E_INVALID_ARG);
	}
	if (err == 0)
		CHECK(msg[0] == 0 && retr == 0 && opcode == UCQL_OP_RESULT);
	else if (dr != 0)
		CHECK(err == UCQL_E_SERVER_PROTOCOL && msg[0] != 0);
	(void)strlen(ucql_resultset_node(rs));
	CHECK(ucql_resultset_result(rs) != NULL);

	int kind = ucql_resultset_kind(rs);
	if (err)
		CHECK(kind == 0);
	else
		CHECK(kind >= UCQL_RESULT_VOID && kind <= UCQL_RESULT_SCHEMA_CHANGE);

	size_t nw = ucql_resultset_warning_count(rs);
	for (size_t i = 0; i <= nw; i++) {
		ucql_bytes w = ucql_resultset_warning(rs, i);
		if (i == nw)
			CHECK(w.len == 0);
		CHECK(inside(a, w.p, w.len));
		touch(w.p, w.len);
	}
	const uint8_t *tid = ucql_resultset_tracing_id(rs);
	if (tid) {
		CHECK(inside(a, tid, 16));
		touch(tid, 16);
	}
	static const char *const keys[] = { "", "k", "a", "key" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		ucql_value v;
		if (ucql_resultset_payload(rs, keys[i], &v) && v.len > 0)
			CHECK(inside(a, v.p, (size_t)v.len));
	}

	int32_t rows = ucql_resultset_row_count(rs);
	int32_t cols = ucql_resultset_column_count(rs);
	CHECK(rows >= 0 && cols >= 0);
	if (kind != UCQL_RESULT_ROWS)
		CHECK(rows == 0 && cols == 0);
	/* columns: names, index by name, types (a few past the end too) */
	int32_t named = 0;
	for (int32_t i = -1; i <= cols + 1 && i < 300; i++) {
		ucql_bytes name = ucql_resultset_column_name(rs, i);
		const ucql_type_set *t = ucql_resultset_column_type(rs, i);
		if (i < 0 || i >= cols) {
			CHECK(name.len == 0 && t == NULL);
			continue;
		}
		CHECK(inside(a, name.p, name.len));
		if (name.p) {
			named++;
			char z[512];
			if (name.len < sizeof z) {
				memcpy(z, name.p, name.len);
				z[name.len] = 0;
				int32_t at = ucql_resultset_column_index(rs, z);
				/* a NUL inside the name makes z shorter: it may
				 * match another column, or none */
				if (strlen(z) == name.len)
					CHECK(at >= 0 && at <= i);
			}
		}
		check_type(t);
	}
	CHECK(ucql_resultset_column_index(rs, "\x01no such column") <= cols);

	/* rows: walk, rewind, walk again */
	unsigned h1 = walk_rows(rs, a, rows, cols);
	ucql_resultset_rewind(rs);
	unsigned h2 = walk_rows(rs, a, rows, cols);
	CHECK(h1 == h2);

	int more = ucql_resultset_has_more_pages(rs);
	ucql_bytes ps = ucql_resultset_paging_state(rs);
	CHECK(more == 0 || more == 1);
	if (more)
		CHECK(ps.len > 0 && inside(a, ps.p, ps.len));
	else
		CHECK(ps.len == 0);
	(void)named;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		for (int k = 1; k <= 3; k++)
			make_prepared(k);
		ready = 1;
	}
	if (size < 1)
		return 0;
	uint8_t mode = data[0];
	const uint8_t *body = data + 1;
	size_t n = size - 1;
	uint8_t flags = (uint8_t)(((mode & 1) ? UCQL_FLAG_TRACING : 0) |
				  ((mode & 2) ? UCQL_FLAG_WARNING : 0) |
				  ((mode & 4) ? UCQL_FLAG_CUSTOM_PAYLOAD : 0));
	int pk = mode >> 6;
	const ucql_prepared_stmt *prep = pk ? &preps[pk] : NULL;

	/* the frame in a heap buffer of exactly its size: ASan sees any read
	 * past its end */
	size_t len = UCQL_FRAME_HEADER_SIZE + n;
	uint8_t *buf = malloc(len);
	if (!buf)
		return 0;
	if (n)
		memcpy(buf + UCQL_FRAME_HEADER_SIZE, body, n);
	for (int v = 3; v <= 5; v++) {
		for (int e = 0; e < 2; e++) {
			int opcode = e ? UCQL_OP_ERROR : UCQL_OP_RESULT;
			ucql_frame_header h = { .version = (uint8_t)v, .response = 1, .flags = flags,
						.stream = 1, .opcode = (uint8_t)opcode,
						.length = (uint32_t)n };
			ucql_frame_header_encode(buf, &h);
			ucql_frame f;
			if (ucql_frame_decode(buf, len, 0, &f) != (int)len)
				continue; /* sections do not parse: no response to give */
			ucql__req *r = ucql__req_get(NULL);
			CHECK(r != NULL);
			int rc = ucql__rs_set_response(&r->rs, NULL, &f, prep);
			area a = { { buf, prep ? prep->resp : NULL }, { len, prep ? prep->resp_len : 0 } };
			walk(&r->rs, rc, opcode, &a);
			ucql_resultset_free(&r->rs);
		}
	}
	free(buf);
	return 0;
}
