/*
 * Test fixture for the driver's statement / request / result set /
 * prepared suites: a session with no shards (enough for the encoder and
 * the prepared cache), prepared statements built from real PREPARED
 * results, and server responses framed and decoded the way a connection
 * hands them to ucql__rs_set_response.
 */
#ifndef UCQL_TEST_DRIVER_FIXTURE_H
#define UCQL_TEST_DRIVER_FIXTURE_H

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/core.h"
#include "../../lib/statement_int.h"

#define S(x) ucql_bytes_str(x)

/* ---- hex --------------------------------------------------------------- */

/* Parses hex (no separators) into out (cap bytes); returns the length. */
static inline size_t fx_unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = strlen(hex) / 2;
	cr_assert_leq(n, cap);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		cr_assert_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

/* Asserts that bytes [p, p + n) are exactly `hex`. */
#define ASSERT_HEX(p, n, hex)                                                        \
	do {                                                                         \
		uint8_t want_[512];                                                  \
		size_t wn_ = fx_unhex((hex), want_, sizeof want_);                   \
		cr_assert_eq((size_t)(n), wn_, "length %zu, want %zu (%s)", (size_t)(n), wn_, \
			     (hex));                                                 \
		cr_assert_arr_eq((const uint8_t *)(p), want_, wn_, "bytes differ from %s", \
				 (hex));                                             \
	} while (0)

/* ---- session ------------------------------------------------------------ */

/* A zeroed session speaking `version`, its config built from NULL-ended
 * name/value pairs (kv may be NULL). No shards, no nodes. */
static inline ucql_session *fx_session(int version, const char *const *kv)
{
	ucql_session *s = calloc(1, sizeof *s);
	cr_assert_not_null(s);
	cr_assert_eq(pthread_mutex_init(&s->mu, NULL), 0);
	s->cfg = ucql_config_new();
	cr_assert_not_null(s->cfg);
	char err[256];
	for (; kv && kv[0]; kv += 2)
		cr_assert_eq(ucql_config_set(s->cfg, kv[0], kv[1], err, sizeof err), 0, "%s=%s: %s",
			     kv[0], kv[1], err);
	s->v = ucql__config_values(s->cfg);
	atomic_store(&s->version, version);
	return s;
}

static inline void fx_session_free(ucql_session *s)
{
	if (!s)
		return;
	ucql__prepared_cache_clear(s);
	ucql_config_free(s->cfg);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

/* ---- frames --------------------------------------------------------------- */

/* A decoded server frame and the buffer its views point into. */
typedef struct fx_resp {
	uint8_t *buf;
	size_t len;
	ucql_frame f;
} fx_resp;

/* Frames `body` as a response (opcode, version, sections s or NULL) and
 * decodes it with ucql_frame_decode, as a connection does. */
static inline void fx_frame(fx_resp *o, int version, int opcode, const ucql_frame_sections *s,
			    const uint8_t *body, size_t n)
{
	size_t cap = n + 4096;
	o->buf = malloc(cap);
	cr_assert_not_null(o->buf);
	ucql_writer w;
	ucql_writer_init(&w, o->buf, cap);
	ucql_frame_header h = { .version = (uint8_t)version, .response = 1, .opcode = (uint8_t)opcode };
	size_t at = ucql_frame_begin_sections(&w, &h, s);
	ucql_write_raw(&w, body, n);
	cr_assert_eq(ucql_frame_end(&w, at, 0), 0);
	o->len = w.len;
	int rc = ucql_frame_decode(o->buf, o->len, 0, &o->f);
	cr_assert_eq(rc, (int)o->len, "frame decode: %s", ucql_err_name(rc));
}

static inline void fx_resp_free(fx_resp *o)
{
	free(o->buf);
	o->buf = NULL;
}

/* ---- columns and prepared statements ---------------------------------- */

/* A column or bind marker: name and raw [option] type. */
typedef struct fx_col {
	const char *name;
	const uint8_t *type;
	size_t type_len;
} fx_col;

/* Simple types as [option]s (a suite uses some of them). */
#define FX_UNUSED __attribute__((unused))
static const uint8_t FX_T_ASCII[] FX_UNUSED = { 0x00, 0x01 };
static const uint8_t FX_T_BIGINT[] FX_UNUSED = { 0x00, 0x02 };
static const uint8_t FX_T_BLOB[] FX_UNUSED = { 0x00, 0x03 };
static const uint8_t FX_T_BOOLEAN[] FX_UNUSED = { 0x00, 0x04 };
static const uint8_t FX_T_COUNTER[] FX_UNUSED = { 0x00, 0x05 };
static const uint8_t FX_T_DECIMAL[] FX_UNUSED = { 0x00, 0x06 };
static const uint8_t FX_T_DOUBLE[] FX_UNUSED = { 0x00, 0x07 };
static const uint8_t FX_T_FLOAT[] FX_UNUSED = { 0x00, 0x08 };
static const uint8_t FX_T_INT[] FX_UNUSED = { 0x00, 0x09 };
static const uint8_t FX_T_TIMESTAMP[] FX_UNUSED = { 0x00, 0x0B };
static const uint8_t FX_T_UUID[] FX_UNUSED = { 0x00, 0x0C };
static const uint8_t FX_T_VARCHAR[] FX_UNUSED = { 0x00, 0x0D };
static const uint8_t FX_T_VARINT[] FX_UNUSED = { 0x00, 0x0E };
static const uint8_t FX_T_TIMEUUID[] FX_UNUSED = { 0x00, 0x0F };
static const uint8_t FX_T_INET[] FX_UNUSED = { 0x00, 0x10 };
static const uint8_t FX_T_DATE[] FX_UNUSED = { 0x00, 0x11 };
static const uint8_t FX_T_TIME[] FX_UNUSED = { 0x00, 0x12 };
static const uint8_t FX_T_SMALLINT[] FX_UNUSED = { 0x00, 0x13 };
static const uint8_t FX_T_TINYINT[] FX_UNUSED = { 0x00, 0x14 };
static const uint8_t FX_T_DURATION[] FX_UNUSED = { 0x00, 0x15 };
/* list<int>, map<varchar, bigint> */
static const uint8_t FX_T_LIST_INT[] FX_UNUSED = { 0x00, 0x20, 0x00, 0x09 };
static const uint8_t FX_T_MAP_TEXT_BIGINT[] FX_UNUSED = { 0x00, 0x21, 0x00, 0x0D, 0x00, 0x02 };

#define FX_COL(n, t) { (n), (t), sizeof(t) }

/* Column specs of table ks.t from fx_cols (spec storage: n entries). */
static inline void fx_specs(ucql_col_spec *out, const fx_col *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		out[i].keyspace = S("ks");
		out[i].table = S("t");
		out[i].name = S(c[i].name);
		out[i].type = ucql_bytes_of(c[i].type, c[i].type_len);
	}
}

/* A PREPARED result frame (version v): id, (v5) result metadata id, bind
 * markers `params` with partition key indexes pk[0..npk), result columns
 * `cols` (0: No_metadata). */
static inline void fx_prepared_frame(fx_resp *o, int v, const char *id, const fx_col *params,
				     size_t nparams, const uint16_t *pk, int32_t npk,
				     const fx_col *cols, size_t ncols)
{
	ucql_col_spec ps[64], cs[64];
	cr_assert_leq(nparams, 64);
	cr_assert_leq(ncols, 64);
	fx_specs(ps, params, nparams);
	fx_specs(cs, cols, ncols);
	ucql_prepared m;
	memset(&m, 0, sizeof m);
	m.id = S(id);
	m.result_metadata_id = S("RMID");
	m.params.columns_count = (int32_t)nparams;
	m.params.cols = ps;
	m.params.pk_count = npk;
	m.params.pk_indexes = pk;
	m.result.columns_count = (int32_t)ncols;
	m.result.cols = cs;
	m.result.flags = ncols ? 0 : UCQL_MD_NO_METADATA;
	uint8_t *body = malloc(65536);
	cr_assert_not_null(body);
	ucql_writer w;
	ucql_writer_init(&w, body, 65536);
	ucql_result_prepared_encode(&w, v, &m);
	cr_assert_eq(w.err, 0, "prepared encode: %s", ucql_err_name(w.err));
	fx_frame(o, v, UCQL_OP_RESULT, NULL, body, w.len);
	free(body);
}

/* A prepared statement of session s, as the connection makes it from a
 * PREPARED answer (ucql__prepared_from_result): the caller holds one
 * reference, the cache another. */
static inline ucql_prepared_stmt *fx_prepare(ucql_session *s, const char *query, const char *id,
					     const fx_col *params, size_t nparams, const fx_col *cols,
					     size_t ncols)
{
	fx_resp o;
	int v = ucql__session_version(s);
	static const uint16_t pk0[] = { 0 };
	fx_prepared_frame(&o, v, id, params, nparams, pk0, nparams ? 1 : 0, cols, ncols);
	ucql_result res;
	cr_assert_eq(ucql_result_decode(o.f.body, v, &res), 0);
	ucql_prepared_stmt *p = ucql__prepared_from_result(s, query, strlen(query), &o.f, &res);
	fx_resp_free(&o); /* the prepared statement owns a copy */
	cr_assert_not_null(p);
	return p;
}

/* ---- statement internals -------------------------------------------------- */

/* The serialized [value] bound at index i (length prefix included), or an
 * empty view when unbound. */
static inline ucql_bytes fx_bound(const ucql_statement *st, size_t i)
{
	cr_assert_lt(i, st->n_values);
	if (st->vals[i].off == UINT32_MAX)
		return ucql_bytes_of(NULL, 0);
	return ucql_bytes_of(st->blob.p + st->vals[i].off, st->vals[i].len);
}

#endif
