/*
 * fuzz_frame — frames (envelopes) and every message body decoder.
 *
 * Input: [mode byte][frame bytes…]. The mode byte's low two bits pick the
 * protocol version the "connection" speaks (0 → v3, 1 → v4, 2 → v5) and bit
 * 2 the direction (set: server → client); the version byte of every frame is
 * then overwritten with that version and direction, so the fuzzer need not
 * guess it. Low bits 3 leave the frames' version bytes as they are (bad
 * versions and misdirected opcodes reach the header decoder). Bit 3 picks a
 * small max_body (256) to reach UCQL_E_TOO_BIG.
 *
 * The frames are decoded one after the other with ucql_frame_decode;
 * compressed ones (v3/v4) are decompressed into an exact-size heap buffer
 * (bounded by max_body); then the message body goes to the decoder for its
 * opcode, everything iterable is iterated, and a decoded message is
 * re-encoded: that encoding must decode again and re-encode to the same
 * bytes (a fixed point), and the measuring pass must predict its size.
 * The frame itself is re-encoded from its decoded sections and body and
 * must decode to the same fields, and, for v3/v4, survive
 * ucql_frame_compress + ucql_frame_decompress.
 *
 * Contract checks abort() with a message on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ucql/frame.h"
#include "ucql/request.h"
#include "ucql/response.h"

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                        \
		}                                                                       \
	} while (0)

/* A view lies inside [base, base + len). */
static int inside(ucql_bytes v, const uint8_t *base, size_t len)
{
	if (v.len == 0)
		return 1;
	return v.p >= base && v.len <= len && (size_t)(v.p - base) <= len - v.len;
}

/* ---- iteration ------------------------------------------------------------ */

static void iter_string_list(ucql_list_view l)
{
	ucql_reader it;
	ucql_bytes s;
	ucql_reader_init(&it, l.raw.p, l.raw.len);
	for (unsigned i = 0; i < l.n; i++)
		CHECK(ucql_string_list_next(&it, &s) == 1);
	CHECK(it.p == it.end && !it.err);
}

static void iter_string_map(ucql_list_view m)
{
	ucql_reader it;
	ucql_bytes k, v;
	ucql_reader_init(&it, m.raw.p, m.raw.len);
	for (unsigned i = 0; i < m.n; i++) {
		CHECK(ucql_string_map_next(&it, &k, &v) == 1);
		/* A lookup by the same key finds an entry (maybe an earlier one). */
		char key[64];
		if (k.len < sizeof key && !memchr(k.p, 0, k.len)) {
			ucql_bytes got;
			memcpy(key, k.p, k.len);
			key[k.len] = 0;
			CHECK(ucql_string_map_get(m, key, &got) == 1);
		}
	}
	CHECK(it.p == it.end && !it.err);
}

static void iter_multimap(ucql_list_view m)
{
	ucql_reader it;
	ucql_bytes k;
	ucql_list_view vals;
	ucql_reader_init(&it, m.raw.p, m.raw.len);
	for (unsigned i = 0; i < m.n; i++) {
		CHECK(ucql_string_multimap_next(&it, &k, &vals) == 1);
		iter_string_list(vals);
	}
	CHECK(it.p == it.end && !it.err);
	ucql_list_view got;
	(void)ucql_string_multimap_get(m, "COMPRESSION", &got);
}

static void iter_bytes_map(ucql_list_view m)
{
	ucql_reader it;
	ucql_bytes k;
	ucql_value v;
	ucql_reader_init(&it, m.raw.p, m.raw.len);
	for (unsigned i = 0; i < m.n; i++)
		CHECK(ucql_bytes_map_next(&it, &k, &v) == 1);
	CHECK(it.p == it.end && !it.err);
}

static void iter_values(ucql_bytes raw, unsigned n, int named)
{
	ucql_value_iter it;
	ucql_bytes name;
	ucql_value v;
	unsigned got = 0;
	ucql_value_iter_init(&it, raw, named);
	while (ucql_value_iter_next(&it, &name, &v)) {
		CHECK(v.len >= UCQL_UNSET);
		CHECK(v.len < 0 || inside(ucql_bytes_of(v.p, (size_t)v.len), raw.p, raw.len));
		got++;
	}
	CHECK(got == n && !it.r.err);
}

static void iter_params(const ucql_query_params *p)
{
	if (p->flags & UCQL_QP_VALUES)
		iter_values(p->values_raw, p->n_values, (p->flags & UCQL_QP_NAMES) != 0);
	else
		CHECK(p->n_values == 0 && p->values_raw.len == 0);
}

static void iter_batch(const ucql_batch *b)
{
	ucql_reader it;
	ucql_batch_stmt s;
	unsigned got = 0;
	ucql_batch_iter_init(&it, b);
	while (ucql_batch_next(&it, &s)) {
		CHECK(s.kind <= UCQL_BATCH_PREPARED);
		iter_values(s.values_raw, s.n_values, 0);
		got++;
	}
	CHECK(got == b->n);
}

static void iter_metadata(const ucql_metadata *md, int prepared)
{
	ucql_col_iter it;
	ucql_col_spec c;
	int32_t got = 0;
	ucql_col_iter_init(&it, md);
	while (ucql_col_iter_next(&it, &c)) {
		CHECK(c.type.len >= 2);
		/* The first column of that name is this one or an earlier one. */
		int32_t at = ucql_metadata_find_column(md, c.name);
		CHECK(at >= 0 && at <= got);
		got++;
	}
	if (md->flags & UCQL_MD_NO_METADATA)
		CHECK(got == 0);
	else
		CHECK(got == md->columns_count);
	if (prepared)
		for (int32_t i = 0; i < md->pk_count; i++)
			CHECK(ucql_metadata_pk_index(md, i) < md->columns_count);
}

static void iter_schema_change(const ucql_schema_change *sc)
{
	if (sc->target == UCQL_TARGET_FUNCTION || sc->target == UCQL_TARGET_AGGREGATE)
		iter_string_list(sc->arg_types);
}

static void iter_result(const ucql_result *m)
{
	switch (m->kind) {
	case UCQL_RESULT_ROWS: {
		const ucql_rows *r = &m->u.rows;
		iter_metadata(&r->metadata, 0);
		ucql_cell_iter it = ucql_rows_cells(r);
		ucql_value v;
		int64_t cells = 0;
		while (ucql_cell_next(&it, &v)) {
			CHECK(v.len >= UCQL_NULL);
			cells++;
		}
		CHECK(it.p == it.end);
		CHECK(cells == (int64_t)r->rows_count * r->metadata.columns_count);
		break;
	}
	case UCQL_RESULT_PREPARED:
		iter_metadata(&m->u.prepared.params, 1);
		iter_metadata(&m->u.prepared.result, 0);
		break;
	case UCQL_RESULT_SCHEMA_CHANGE:
		iter_schema_change(&m->u.schema_change);
		break;
	}
}

static void iter_error(const ucql_error_msg *m, int version)
{
	CHECK(m->code == ucql_err_from_wire(m->wire_code));
	(void)ucql_err_name(m->code);
	(void)ucql_err_str(m->code);
	(void)ucql_err_retriable(m->code);
	if (m->wire_code == 0x1300 || m->wire_code == 0x1500) {
		ucql_reader it;
		ucql_failure_reason fr;
		int32_t got = 0;
		ucql_reader_init(&it, m->reasons.p, m->reasons.len);
		while (ucql_failure_reason_next(&it, &fr)) {
			CHECK(fr.endpoint.len == 4 || fr.endpoint.len == 16);
			got++;
		}
		if (version >= 5)
			CHECK(got == m->num_failures);
		else
			CHECK(got == 0);
	}
	if (m->wire_code == 0x1400)
		iter_string_list(m->arg_types);
}

/* ---- message table ---------------------------------------------------------- */

typedef union msg {
	ucql_startup startup;
	ucql_register reg;
	ucql_auth_response auth_response;
	ucql_query query;
	ucql_prepare prepare;
	ucql_execute execute;
	ucql_batch batch;
	ucql_error_msg error;
	ucql_authenticate authenticate;
	ucql_supported supported;
	ucql_result result;
	ucql_event event;
	ucql_auth_challenge challenge;
	ucql_auth_success success;
} msg;

typedef int (*dec_fn)(ucql_bytes body, int v, msg *m);
typedef void (*enc_fn)(ucql_writer *w, int v, const msg *m);
typedef void (*iter_fn)(const msg *m, int v);

static int d_startup(ucql_bytes b, int v, msg *m) { return ucql_startup_decode(b, v, &m->startup); }
static int d_options(ucql_bytes b, int v, msg *m) { (void)m; return ucql_options_decode(b, v); }
static int d_register(ucql_bytes b, int v, msg *m) { return ucql_register_decode(b, v, &m->reg); }
static int d_auth_response(ucql_bytes b, int v, msg *m) { return ucql_auth_response_decode(b, v, &m->auth_response); }
static int d_query(ucql_bytes b, int v, msg *m) { return ucql_query_decode(b, v, &m->query); }
static int d_prepare(ucql_bytes b, int v, msg *m) { return ucql_prepare_decode(b, v, &m->prepare); }
static int d_execute(ucql_bytes b, int v, msg *m) { return ucql_execute_decode(b, v, &m->execute); }
static int d_batch(ucql_bytes b, int v, msg *m) { return ucql_batch_decode(b, v, &m->batch); }
static int d_error(ucql_bytes b, int v, msg *m) { return ucql_error_msg_decode(b, v, &m->error); }
static int d_ready(ucql_bytes b, int v, msg *m) { (void)m; return ucql_ready_decode(b, v); }
static int d_authenticate(ucql_bytes b, int v, msg *m) { return ucql_authenticate_decode(b, v, &m->authenticate); }
static int d_supported(ucql_bytes b, int v, msg *m) { return ucql_supported_decode(b, v, &m->supported); }
static int d_result(ucql_bytes b, int v, msg *m) { return ucql_result_decode(b, v, &m->result); }
static int d_event(ucql_bytes b, int v, msg *m) { return ucql_event_decode(b, v, &m->event); }
static int d_challenge(ucql_bytes b, int v, msg *m) { return ucql_auth_challenge_decode(b, v, &m->challenge); }
static int d_success(ucql_bytes b, int v, msg *m) { return ucql_auth_success_decode(b, v, &m->success); }

static void e_startup(ucql_writer *w, int v, const msg *m) { (void)ucql_startup_encode(w, v, &m->startup); }
static void e_options(ucql_writer *w, int v, const msg *m) { (void)m; (void)ucql_options_encode(w, v); }
static void e_register(ucql_writer *w, int v, const msg *m) { (void)ucql_register_encode(w, v, &m->reg); }
static void e_auth_response(ucql_writer *w, int v, const msg *m) { (void)ucql_auth_response_encode(w, v, &m->auth_response); }
static void e_query(ucql_writer *w, int v, const msg *m) { (void)ucql_query_encode(w, v, &m->query); }
static void e_prepare(ucql_writer *w, int v, const msg *m) { (void)ucql_prepare_encode(w, v, &m->prepare); }
static void e_execute(ucql_writer *w, int v, const msg *m) { (void)ucql_execute_encode(w, v, &m->execute); }
static void e_batch(ucql_writer *w, int v, const msg *m) { (void)ucql_batch_encode(w, v, &m->batch); }
static void e_error(ucql_writer *w, int v, const msg *m) { ucql_error_msg_encode(w, v, &m->error); }
static void e_ready(ucql_writer *w, int v, const msg *m) { (void)m; ucql_ready_encode(w, v); }
static void e_authenticate(ucql_writer *w, int v, const msg *m) { ucql_authenticate_encode(w, v, &m->authenticate); }
static void e_supported(ucql_writer *w, int v, const msg *m) { ucql_supported_encode(w, v, &m->supported); }
static void e_result(ucql_writer *w, int v, const msg *m) { ucql_result_encode(w, v, &m->result); }
static void e_event(ucql_writer *w, int v, const msg *m) { ucql_event_encode(w, v, &m->event); }
static void e_challenge(ucql_writer *w, int v, const msg *m) { ucql_auth_challenge_encode(w, v, &m->challenge); }
static void e_success(ucql_writer *w, int v, const msg *m) { ucql_auth_success_encode(w, v, &m->success); }

static void i_none(const msg *m, int v) { (void)m; (void)v; }
static void i_startup(const msg *m, int v) { (void)v; iter_string_map(m->startup.options); }
static void i_register(const msg *m, int v) { (void)v; iter_string_list(m->reg.list); }
static void i_query(const msg *m, int v) { (void)v; iter_params(&m->query.params); }
static void i_execute(const msg *m, int v) { (void)v; iter_params(&m->execute.params); }
static void i_batch(const msg *m, int v) { (void)v; iter_batch(&m->batch); }
static void i_error(const msg *m, int v) { iter_error(&m->error, v); }
static void i_supported(const msg *m, int v) { (void)v; iter_multimap(m->supported.options); }
static void i_result(const msg *m, int v) { (void)v; iter_result(&m->result); }
static void i_event(const msg *m, int v)
{
	(void)v;
	if (m->event.type == UCQL_EVENT_SCHEMA_CHANGE)
		iter_schema_change(&m->event.schema);
	else
		CHECK(m->event.address.len == 4 || m->event.address.len == 16);
}

typedef struct msg_ops {
	const char *name;
	dec_fn dec;
	enc_fn enc;
	iter_fn iter;
} msg_ops;

/* Indexed by opcode; request and response opcodes do not overlap. */
static const msg_ops ops_by_opcode[UCQL_OP_AUTH_SUCCESS + 1] = {
	[UCQL_OP_ERROR] = { "ERROR", d_error, e_error, i_error },
	[UCQL_OP_STARTUP] = { "STARTUP", d_startup, e_startup, i_startup },
	[UCQL_OP_READY] = { "READY", d_ready, e_ready, i_none },
	[UCQL_OP_AUTHENTICATE] = { "AUTHENTICATE", d_authenticate, e_authenticate, i_none },
	[UCQL_OP_OPTIONS] = { "OPTIONS", d_options, e_options, i_none },
	[UCQL_OP_SUPPORTED] = { "SUPPORTED", d_supported, e_supported, i_supported },
	[UCQL_OP_QUERY] = { "QUERY", d_query, e_query, i_query },
	[UCQL_OP_RESULT] = { "RESULT", d_result, e_result, i_result },
	[UCQL_OP_PREPARE] = { "PREPARE", d_prepare, e_prepare, i_none },
	[UCQL_OP_EXECUTE] = { "EXECUTE", d_execute, e_execute, i_execute },
	[UCQL_OP_REGISTER] = { "REGISTER", d_register, e_register, i_register },
	[UCQL_OP_EVENT] = { "EVENT", d_event, e_event, i_event },
	[UCQL_OP_BATCH] = { "BATCH", d_batch, e_batch, i_batch },
	[UCQL_OP_AUTH_CHALLENGE] = { "AUTH_CHALLENGE", d_challenge, e_challenge, i_none },
	[UCQL_OP_AUTH_RESPONSE] = { "AUTH_RESPONSE", d_auth_response, e_auth_response, i_none },
	[UCQL_OP_AUTH_SUCCESS] = { "AUTH_SUCCESS", d_success, e_success, i_none },
};

/* Encodes m into an exact-size heap buffer (*out, NULL on an encoder
 * refusal). Checks that the measuring pass predicted the size. */
static size_t encode(const msg_ops *ops, int v, const msg *m, uint8_t **out)
{
	ucql_writer w;
	ucql_writer_init(&w, NULL, 0);
	ops->enc(&w, v, m);
	*out = NULL;
	if (w.err == UCQL_E_INVALID_ARG)
		return 0;
	CHECK(w.err == 0 || w.err == UCQL_E_NOSPACE);
	size_t need = w.len;
	uint8_t *buf = malloc(need ? need : 1);
	ucql_writer_init(&w, buf, need);
	ops->enc(&w, v, m);
	if (w.err == UCQL_E_INVALID_ARG) {
		free(buf);
		return 0;
	}
	if (w.err || w.len != need) {
		fprintf(stderr, "%s v%d: measured %zu, wrote %zu, err %d\n", ops->name, v, need,
			w.len, w.err);
		abort();
	}
	*out = buf;
	return need;
}

/* Decodes a body, iterates it, and checks the re-encoding fixed point. */
static void decode_body(int opcode, int v, ucql_bytes body)
{
	if (opcode > UCQL_OP_AUTH_SUCCESS || !ops_by_opcode[opcode].dec)
		return;
	const msg_ops *ops = &ops_by_opcode[opcode];
	msg m;
	memset(&m, 0xA5, sizeof m); /* decoders must set what they report */
	int rc = ops->dec(body, v, &m);
	CHECK(rc <= 0);
	if (rc)
		return;
	ops->iter(&m, v);

	uint8_t *e1, *e2;
	size_t n1 = encode(ops, v, &m, &e1);
	if (!e1)
		return;
	msg m2;
	memset(&m2, 0x5A, sizeof m2);
	rc = ops->dec(ucql_bytes_of(e1, n1), v, &m2);
	if (rc) {
		fprintf(stderr, "%s v%d: re-encoding does not decode: %s\n", ops->name, v,
			ucql_err_name(rc));
		abort();
	}
	ops->iter(&m2, v);
	size_t n2 = encode(ops, v, &m2, &e2);
	if (!e2 || n2 != n1 || memcmp(e1, e2, n1) != 0) {
		fprintf(stderr, "%s v%d: re-encoding is not a fixed point (%zu vs %zu bytes)\n",
			ops->name, v, n1, n2);
		abort();
	}
	free(e1);
	free(e2);
}

/* ---- frame-level checks ------------------------------------------------------- */

static void check_sections(const ucql_frame *f, ucql_bytes body)
{
	CHECK(f->parsed == 1);
	CHECK(inside(f->body, body.p, body.len));
	CHECK(f->body.len == 0 || f->body.p + f->body.len == body.p + body.len);
	if (f->tracing_id)
		CHECK(f->h.response && (f->h.flags & UCQL_FLAG_TRACING) &&
		      inside(ucql_bytes_of(f->tracing_id, 16), body.p, body.len));
	iter_string_list(f->warnings);
	iter_bytes_map(f->custom_payload);
}

/* Materializes the sections of f into arrays for the encoder. */
static void reencode_frame(const ucql_frame *f)
{
	ucql_bytes *warn = calloc(f->warnings.n + 1u, sizeof *warn);
	ucql_bytes *keys = calloc(f->custom_payload.n + 1u, sizeof *keys);
	ucql_value *vals = calloc(f->custom_payload.n + 1u, sizeof *vals);
	ucql_reader it;
	ucql_reader_init(&it, f->warnings.raw.p, f->warnings.raw.len);
	for (unsigned i = 0; i < f->warnings.n; i++)
		CHECK(ucql_string_list_next(&it, &warn[i]));
	ucql_reader_init(&it, f->custom_payload.raw.p, f->custom_payload.raw.len);
	for (unsigned i = 0; i < f->custom_payload.n; i++)
		CHECK(ucql_bytes_map_next(&it, &keys[i], &vals[i]));
	ucql_frame_sections s = { f->tracing_id, warn, f->warnings.n, keys, vals,
				  f->custom_payload.n };
	ucql_frame_header h = f->h;
	h.flags &= (uint8_t)~UCQL_FLAG_COMPRESSION;

	ucql_writer w;
	ucql_writer_init(&w, NULL, 0);
	size_t at = ucql_frame_begin_sections(&w, &h, &s);
	ucql_write_raw(&w, f->body.p, f->body.len);
	int rc = ucql_frame_end(&w, at, 0);
	CHECK(rc == UCQL_E_NOSPACE || (rc == 0 && w.len == 0));
	size_t need = w.len;
	uint8_t *buf = malloc(need);
	ucql_writer_init(&w, buf, need);
	at = ucql_frame_begin_sections(&w, &h, &s);
	ucql_write_raw(&w, f->body.p, f->body.len);
	rc = ucql_frame_end(&w, at, 0);
	CHECK(rc == 0 && w.len == need);

	ucql_frame g;
	rc = ucql_frame_decode(buf, need, 0, &g);
	CHECK(rc == (int)need);
	CHECK(g.h.version == f->h.version && g.h.response == f->h.response &&
	      g.h.stream == f->h.stream && g.h.opcode == f->h.opcode);
	CHECK(g.parsed && g.body.len == f->body.len &&
	      (f->body.len == 0 || memcmp(g.body.p, f->body.p, f->body.len) == 0));
	CHECK((g.tracing_id != NULL) == (f->tracing_id != NULL));
	if (g.tracing_id)
		CHECK(memcmp(g.tracing_id, f->tracing_id, 16) == 0);
	CHECK(g.warnings.n == f->warnings.n && g.warnings.raw.len == f->warnings.raw.len);
	CHECK(g.custom_payload.n == f->custom_payload.n);

	/* v3/v4: compress and back. */
	if (g.h.version < 5 && g.h.opcode != UCQL_OP_STARTUP) {
		size_t bound = ucql_frame_compress_bound(need - UCQL_FRAME_HEADER_SIZE);
		CHECK(bound > 0);
		uint8_t *z = malloc(bound);
		int zn = ucql_frame_compress(buf, need, z, bound);
		CHECK(zn > 0 && (size_t)zn <= bound);
		ucql_frame zf;
		CHECK(ucql_frame_decode(z, (size_t)zn, 0, &zf) == zn && !zf.parsed);
		size_t dn;
		CHECK(ucql_frame_decompressed_size(&zf, 0, &dn) == 0 &&
		      dn == need - UCQL_FRAME_HEADER_SIZE);
		uint8_t *d = malloc(dn ? dn : 1);
		CHECK(ucql_frame_decompress(&zf, d, dn, 0) == 0);
		CHECK(zf.parsed && zf.body.len == f->body.len &&
		      (f->body.len == 0 || memcmp(zf.body.p, f->body.p, f->body.len) == 0));
		free(d);
		free(z);
	}
	free(buf);
	free(warn);
	free(keys);
	free(vals);
}

static void one_frame(ucql_frame *f, uint32_t max_body)
{
	uint8_t *dbuf = NULL;
	if (!f->parsed) {
		CHECK(f->h.flags & UCQL_FLAG_COMPRESSION);
		size_t n;
		int rc = ucql_frame_decompressed_size(f, max_body, &n);
		if (rc)
			return;
		CHECK(n <= max_body);
		if (n > 0) {
			/* One byte short: must refuse, not overflow. */
			uint8_t *small = malloc(n - 1 ? n - 1 : 1);
			CHECK(ucql_frame_decompress(f, small, n - 1, max_body) == UCQL_E_NOSPACE);
			free(small);
		}
		dbuf = malloc(n ? n : 1);
		rc = ucql_frame_decompress(f, dbuf, n, max_body);
		if (rc) {
			CHECK(!f->parsed);
			free(dbuf);
			return;
		}
		check_sections(f, ucql_bytes_of(dbuf, n));
	} else {
		check_sections(f, f->raw);
	}
	decode_body(f->h.opcode, f->h.version, f->body);
	reencode_frame(f);
	free(dbuf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t mode = data[0];
	int vsel = mode & 3;
	uint8_t vbyte = (uint8_t)((3 + vsel) | (mode & 4 ? UCQL_FRAME_RESPONSE_BIT : 0));
	uint32_t max_body = mode & 8 ? 256 : 1u << 20;
	size_t len = size - 1;
	uint8_t *buf = malloc(len ? len : 1);
	memcpy(buf, data + 1, len);

	size_t off = 0;
	while (off < len) {
		if (vsel != 3)
			buf[off] = vbyte;
		ucql_frame f;
		ucql_frame_header h;
		int hrc = ucql_frame_header_decode(buf + off, len - off, max_body, &h);
		int rc = ucql_frame_decode(buf + off, len - off, max_body, &f);
		if (hrc < 0) {
			/* Header errors come first and are the same. */
			CHECK(rc == hrc);
			break;
		}
		CHECK(hrc == UCQL_FRAME_HEADER_SIZE);
		if (rc < 0)
			break;
		CHECK((size_t)rc <= len - off && (size_t)rc == UCQL_FRAME_HEADER_SIZE + f.h.length);
		CHECK(f.raw.p == buf + off + UCQL_FRAME_HEADER_SIZE && f.raw.len == f.h.length);
		one_frame(&f, max_body);
		off += (size_t)rc;
	}
	free(buf);
	return 0;
}
