/*
 * fuzz_rows — a RESULT body, decoded as protocol v3, v4 and v5; for Rows
 * (and Prepared) every column type is parsed into type nodes and every
 * cell is decoded with the getter for its type, recursing into
 * collections, tuples, UDTs and vectors (bounded by the type's depth).
 *
 * Input: the RESULT message body as on the wire (no frame header).
 *
 * Checks (abort on failure): a validated [option] always parses with
 * ucql_type_read (only UCQL_E_NOSPACE / UCQL_E_TOO_DEEP allowed), written
 * back with ucql_type_write_option it reads back equal; the cell iterator
 * yields exactly rows_count × columns_count cells; getters return 0 or a
 * documented error; values that decode re-encode to values that decode to
 * the same C value; the whole RESULT re-encodes to a fixed point.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ucql/response.h"
#include "ucql/types.h"

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                        \
		}                                                                       \
	} while (0)

#define MAX_NODES 2048

static int getter_rc_ok(int rc)
{
	return rc == 0 || rc == UCQL_E_NULL || rc == UCQL_E_EMPTY || rc == UCQL_E_BAD_VALUE ||
	       rc == UCQL_E_RANGE;
}

static int iter_rc_ok(int rc)
{
	return rc == 0 || rc == 1 || rc == UCQL_E_TRUNCATED || rc == UCQL_E_BAD_LENGTH ||
	       rc == UCQL_E_TRAILING;
}

/* Encodes with `stmt` (using `w`) into buf[cap]; the value must fit. */
#define WRITE_VALUE(buf, stmt)                                                          \
	do {                                                                            \
		ucql_writer w;                                                          \
		ucql_writer_init(&w, buf, sizeof buf);                                 \
		stmt;                                                                   \
		CHECK(w.err == 0);                                                      \
		wv = ucql_value_of(buf + 4, (int32_t)(w.len - 4));                      \
		CHECK((int32_t)ucql__be32(buf) == wv.len);                              \
	} while (0)

/* Native (non-nested) types: the getter, and a round trip through the
 * matching encoder where the value decoded. */
static void decode_native(int id, ucql_value v)
{
	uint8_t tmp[64];
	ucql_value wv;
	int rc;
	switch (id) {
	case UCQL_TYPE_INT: {
		int32_t x, y;
		if ((rc = ucql_value_get_int(v, &x)) == 0) {
			WRITE_VALUE(tmp, ucql_value_write_int(&w, x));
			CHECK(ucql_value_get_int(wv, &y) == 0 && x == y && memcmp(wv.p, v.p, 4) == 0);
		}
		break;
	}
	case UCQL_TYPE_DATE: {
		uint32_t x;
		rc = ucql_value_get_date(v, &x);
		if (!rc) {
			uint32_t y;
			CHECK(ucql_date_from_days(ucql_date_to_days(x), &y) == 0 && x == y);
		}
		break;
	}
	case UCQL_TYPE_BIGINT:
	case UCQL_TYPE_COUNTER:
	case UCQL_TYPE_TIMESTAMP: {
		int64_t x;
		rc = ucql_value_get_bigint(v, &x);
		break;
	}
	case UCQL_TYPE_TIME: {
		int64_t x, y;
		if ((rc = ucql_value_get_time(v, &x)) == 0) {
			WRITE_VALUE(tmp, ucql_value_write_time(&w, x));
			CHECK(ucql_value_get_time(wv, &y) == 0 && x == y);
		}
		break;
	}
	case UCQL_TYPE_SMALLINT: {
		int16_t x;
		rc = ucql_value_get_smallint(v, &x);
		break;
	}
	case UCQL_TYPE_TINYINT: {
		int8_t x;
		rc = ucql_value_get_tinyint(v, &x);
		break;
	}
	case UCQL_TYPE_BOOLEAN: {
		int x;
		rc = ucql_value_get_boolean(v, &x);
		break;
	}
	case UCQL_TYPE_FLOAT: {
		float x;
		rc = ucql_value_get_float(v, &x);
		break;
	}
	case UCQL_TYPE_DOUBLE: {
		double x;
		rc = ucql_value_get_double(v, &x);
		break;
	}
	case UCQL_TYPE_UUID: {
		const uint8_t *u;
		if ((rc = ucql_value_get_uuid(v, &u)) == 0)
			CHECK(u == v.p);
		break;
	}
	case UCQL_TYPE_TIMEUUID: {
		const uint8_t *u;
		if ((rc = ucql_value_get_timeuuid(v, &u)) == 0) {
			WRITE_VALUE(tmp, ucql_value_write_timeuuid(&w, u));
			CHECK(memcmp(wv.p, u, 16) == 0);
		}
		break;
	}
	case UCQL_TYPE_INET: {
		ucql_inet a, b;
		if ((rc = ucql_value_get_inet(v, &a)) == 0) {
			CHECK(a.len == 4 || a.len == 16);
			WRITE_VALUE(tmp, ucql_value_write_inet(&w, &a));
			CHECK(ucql_value_get_inet(wv, &b) == 0 && b.len == a.len &&
			      memcmp(a.addr, b.addr, a.len) == 0);
		}
		break;
	}
	case UCQL_TYPE_VARINT: {
		int64_t x, y;
		rc = ucql_value_get_varint(v, &x);
		if (rc == 0) {
			WRITE_VALUE(tmp, ucql_value_write_varint(&w, x));
			CHECK(wv.len <= v.len || v.len == 0);
			CHECK(ucql_value_get_varint(wv, &y) == 0 && x == y);
		}
		break;
	}
	case UCQL_TYPE_DECIMAL: {
		int32_t s, s2;
		ucql_bytes u;
		int64_t x, y;
		rc = ucql_value_get_decimal(v, &s, &u);
		if (rc == 0)
			CHECK(u.len > 0 && u.p == v.p + 4 && u.len == (size_t)v.len - 4);
		int rc2 = ucql_value_get_decimal_i64(v, &s, &x);
		CHECK(getter_rc_ok(rc2));
		if (rc2 == 0) {
			CHECK(rc == 0);
			WRITE_VALUE(tmp, ucql_value_write_decimal(&w, s, x));
			CHECK(ucql_value_get_decimal_i64(wv, &s2, &y) == 0 && s == s2 && x == y);
		}
		break;
	}
	case UCQL_TYPE_DURATION: {
		ucql_duration d, e;
		if ((rc = ucql_value_get_duration(v, &d)) == 0) {
			WRITE_VALUE(tmp, ucql_value_write_duration(&w, d));
			CHECK(ucql_value_get_duration(wv, &e) == 0 && d.months == e.months &&
			      d.days == e.days && d.nanos == e.nanos);
		}
		break;
	}
	case UCQL_TYPE_ASCII:
	case UCQL_TYPE_VARCHAR:
	default: {
		ucql_bytes b;
		if ((rc = ucql_value_get_bytes(v, &b)) == 0) {
			CHECK(b.p == v.p && b.len == (size_t)v.len);
			(void)ucql_utf8_valid(b);
			(void)ucql_ascii_valid(b);
			CHECK(ucql_ascii_valid(b) <= ucql_utf8_valid(b));
		}
		break;
	}
	}
	CHECK(getter_rc_ok(rc));
	int fs = ucql_type_fixed_size(id);
	if (rc == 0 && fs > 0)
		CHECK(v.len == fs);
}

static void decode_value(const ucql_type_set *s, int i, ucql_value v, int depth)
{
	CHECK(depth <= UCQL_TYPE_MAX_DEPTH + 1);
	const ucql_type *t = ucql_type_at(s, i);
	ucql_iter it;
	ucql_value a, b;
	int rc;
	switch (t->id) {
	case UCQL_TYPE_LIST:
	case UCQL_TYPE_SET:
		rc = ucql_coll_iter_init(&it, v);
		CHECK(rc == 0 || rc == UCQL_E_NULL || rc == UCQL_E_TRUNCATED || rc == UCQL_E_BAD_LENGTH);
		if (rc)
			break;
		CHECK(ucql_coll_count(&it) >= 0);
		while ((rc = ucql_list_next(&it, &a)) == 1)
			decode_value(s, t->first_child, a, depth + 1);
		CHECK(iter_rc_ok(rc));
		break;
	case UCQL_TYPE_MAP:
		rc = ucql_coll_iter_init(&it, v);
		if (rc)
			break;
		while ((rc = ucql_map_next(&it, &a, &b)) == 1) {
			decode_value(s, t->first_child, a, depth + 1);
			decode_value(s, ucql_type_child(s, i, 1), b, depth + 1);
		}
		CHECK(iter_rc_ok(rc));
		break;
	case UCQL_TYPE_TUPLE:
	case UCQL_TYPE_UDT: {
		rc = ucql_tuple_iter_init(&it, v);
		CHECK(rc == 0 || rc == UCQL_E_NULL);
		if (rc)
			break;
		int c = t->first_child;
		while ((rc = ucql_tuple_next(&it, &a)) == 1) {
			/* Fields beyond the type's are still walked, as blobs. */
			if (c >= 0) {
				decode_value(s, c, a, depth + 1);
				c = ucql_type_at(s, c)->next;
			} else {
				decode_native(UCQL_TYPE_BLOB, a);
			}
		}
		CHECK(iter_rc_ok(rc));
		break;
	}
	case UCQL_TYPE_VECTOR: {
		int es = ucql_type_vector_elem_size(s, t->first_child);
		rc = ucql_vector_iter_init(&it, v, t->dim, es);
		CHECK(rc == 0 || rc == UCQL_E_NULL || rc == UCQL_E_EMPTY || rc == UCQL_E_INVALID_ARG ||
		      rc == UCQL_E_BAD_VALUE);
		if (rc)
			break;
		int32_t n = 0;
		while ((rc = ucql_vector_next(&it, &a)) == 1) {
			CHECK(es < 0 || a.len == es);
			decode_value(s, t->first_child, a, depth + 1);
			n++;
		}
		CHECK(iter_rc_ok(rc));
		if (rc == 0)
			CHECK(n == t->dim);
		if (ucql_type_at(s, t->first_child)->id == UCQL_TYPE_FLOAT && v.len >= 0 &&
		    (int64_t)t->dim * 4 == v.len) {
			float *f = malloc((size_t)v.len);
			CHECK(ucql_value_get_float_vector(v, f, t->dim) == 0);
			free(f);
		}
		break;
	}
	default:
		decode_native(t->id, v);
	}
}

/* Parses every column type of md; roots[k] = node index, or -1. */
static void parse_types(const ucql_metadata *md, int version, ucql_type_set *s, int *roots,
			int32_t nroots)
{
	ucql_col_iter it;
	ucql_col_spec c;
	int32_t k = 0;
	ucql_col_iter_init(&it, md);
	while (ucql_col_iter_next(&it, &c)) {
		CHECK(k < nroots || nroots == 0);
		ucql_reader r;
		ucql_reader_init(&r, c.type.p, c.type.len);
		int root = ucql_type_read(&r, s);
		if (root < 0) {
			if (root != UCQL_E_NOSPACE && root != UCQL_E_TOO_DEEP) {
				fprintf(stderr, "validated column type fails to parse: %s\n",
					ucql_err_name(root));
				abort();
			}
		} else {
			CHECK(r.p == r.end && !r.err);
			/* Back to an [option] and again: the same type. */
			uint8_t opt[4096];
			ucql_writer w;
			ucql_writer_init(&w, opt, sizeof opt);
			ucql_type_write_option(&w, s, root, version);
			if (w.err == 0) {
				ucql_type nodes2[MAX_NODES / 4];
				ucql_type_set s2;
				ucql_type_set_init(&s2, nodes2, MAX_NODES / 4);
				ucql_reader_init(&r, opt, w.len);
				int root2 = ucql_type_read(&r, &s2);
				if (root2 >= 0 && !ucql_type_equal(s, root, &s2, root2)) {
					char t1[256], t2[256];
					ucql_type_to_cql(s, root, 0, t1, sizeof t1);
					ucql_type_to_cql(&s2, root2, 0, t2, sizeof t2);
					fprintf(stderr, "type changes through write_option: %s -> %s\n",
						t1, t2);
					abort();
				}
			}
			char text[512];
			int n = ucql_type_to_cql(s, root, UCQL_TYPE_FMT_FROZEN, text, sizeof text);
			CHECK(n != 0);
		}
		if (k < nroots)
			roots[k] = root;
		k++;
	}
}

static void check_rows(const ucql_rows *rows, int version)
{
	const ucql_metadata *md = &rows->metadata;
	int32_t ncols = md->columns_count;
	CHECK(ncols >= 0 && rows->rows_count >= 0);
	static ucql_type nodes[MAX_NODES];
	ucql_type_set s;
	ucql_type_set_init(&s, nodes, MAX_NODES);
	int *roots = NULL;
	int have_types = !(md->flags & UCQL_MD_NO_METADATA);
	if (have_types && ncols > 0) {
		roots = malloc((size_t)ncols * sizeof *roots);
		parse_types(md, version, &s, roots, ncols);
	}

	ucql_cell_iter it = ucql_rows_cells(rows);
	int64_t cells = 0;
	/* With No_metadata and no rows, columns_count is unchecked (nothing to
	 * check it against): allocate for it only once cells prove it. */
	if (ncols > 0 && rows->rows_count > 0) {
		ucql_value *row = malloc((size_t)ncols * sizeof *row);
		const uint8_t *before = it.p;
		while (ucql_row_next(&it, row, ncols)) {
			CHECK(it.p > before && it.p <= it.end);
			before = it.p;
			for (int32_t k = 0; k < ncols; k++) {
				CHECK(row[k].len >= UCQL_NULL);
				if (row[k].len >= 0)
					CHECK(row[k].p >= rows->content.p &&
					      row[k].p + row[k].len <= rows->content.p + rows->content.len);
				if (roots && roots[k] >= 0)
					decode_value(&s, roots[k], row[k], 0);
				else
					decode_native(UCQL_TYPE_BLOB, row[k]);
			}
			cells += ncols;
		}
		free(row);
	}
	CHECK(it.p == it.end);
	CHECK(cells == (int64_t)rows->rows_count * ncols);
	free(roots);
}

static void check_prepared(const ucql_prepared *p, int version)
{
	static ucql_type nodes[MAX_NODES];
	ucql_type_set s;
	for (int k = 0; k < 2; k++) {
		const ucql_metadata *md = k ? &p->result : &p->params;
		ucql_type_set_init(&s, nodes, MAX_NODES);
		parse_types(md, version, &s, NULL, 0);
		if (k == 0)
			for (int32_t i = 0; i < md->pk_count; i++)
				CHECK(ucql_metadata_pk_index(md, i) < md->columns_count);
	}
}

/* Encodes m into an exact-size heap buffer, or returns NULL on refusal. */
static uint8_t *encode(int version, const ucql_result *m, size_t *len)
{
	ucql_writer w;
	ucql_writer_init(&w, NULL, 0);
	ucql_result_encode(&w, version, m);
	if (w.err == UCQL_E_INVALID_ARG)
		return NULL;
	size_t need = w.len;
	uint8_t *buf = malloc(need ? need : 1);
	ucql_writer_init(&w, buf, need);
	ucql_result_encode(&w, version, m);
	if (w.err == UCQL_E_INVALID_ARG) {
		free(buf);
		return NULL;
	}
	CHECK(w.err == 0 && w.len == need);
	*len = need;
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int version = 3; version <= 5; version++) {
		ucql_result m;
		int rc = ucql_result_decode(ucql_bytes_of(data, size), version, &m);
		CHECK(rc <= 0);
		if (rc)
			continue;
		if (m.kind == UCQL_RESULT_ROWS)
			check_rows(&m.u.rows, version);
		else if (m.kind == UCQL_RESULT_PREPARED)
			check_prepared(&m.u.prepared, version);

		size_t n1, n2;
		uint8_t *e1 = encode(version, &m, &n1);
		if (!e1)
			continue;
		ucql_result m2;
		rc = ucql_result_decode(ucql_bytes_of(e1, n1), version, &m2);
		if (rc) {
			fprintf(stderr, "v%d re-encoded RESULT does not decode: %s\n", version,
				ucql_err_name(rc));
			abort();
		}
		uint8_t *e2 = encode(version, &m2, &n2);
		CHECK(e2 && n1 == n2 && memcmp(e1, e2, n1) == 0);
		free(e1);
		free(e2);
	}
	return 0;
}
