/* interop-peer: frames. req-decode decodes a client frame (as the Python
 * driver encodes it), reports every field, and re-encodes the message
 * from the decoded fields through ucql's encoders (arrays, not the raw
 * views) so the test can compare bytes. resp-encode builds a server frame
 * from a JSON description for the Python driver to decode. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "peer.h"
#include "ucql/frame.h"
#include "ucql/request.h"
#include "ucql/response.h"

#define MAXV 4096

/* ---- shared bits --------------------------------------------------------------- */

typedef struct kv_list {
	ucql_bytes keys[MAXV];
	ucql_value vals[MAXV];
	size_t n;
} kv_list;

static void put_values(sbuf *out, ucql_bytes raw, int named, uint16_t count, ucql_value *vals,
		       ucql_bytes *names, size_t *nv)
{
	ucql_value_iter it;
	ucql_bytes name;
	ucql_value v;
	size_t i = 0;
	ucql_value_iter_init(&it, raw, named);
	sb_puts(out, "[");
	while (ucql_value_iter_next(&it, &name, &v)) {
		if (i)
			sb_puts(out, ",");
		if (named) {
			sb_puts(out, "[");
			sb_jstr(out, name.p, name.len);
			sb_puts(out, ",");
		}
		sb_jvalue(out, v);
		if (named)
			sb_puts(out, "]");
		if (i < MAXV) {
			vals[i] = v;
			names[i] = name;
		}
		i++;
	}
	sb_puts(out, "]");
	if (i != count)
		sb_printf(out, ",\"values_count_mismatch\":[%u,%zu]", count, i);
	*nv = i;
}

static void put_params(sbuf *out, const ucql_query_params *p, ucql_value *vals,
		       ucql_bytes *names)
{
	sb_printf(out, "\"consistency\":%u,\"flags\":%u", p->consistency, p->flags);
	if (p->flags & UCQL_QP_VALUES) {
		size_t nv;
		sb_puts(out, ",\"values\":");
		put_values(out, p->values_raw, !!(p->flags & UCQL_QP_NAMES), p->n_values, vals,
			   names, &nv);
	}
	if (p->flags & UCQL_QP_PAGE_SIZE)
		sb_printf(out, ",\"page_size\":%d", p->page_size);
	if (p->flags & UCQL_QP_PAGING_STATE) {
		sb_puts(out, ",\"paging_state\":");
		sb_jvalue(out, p->paging_state);
	}
	if (p->flags & UCQL_QP_SERIAL_CONSISTENCY)
		sb_printf(out, ",\"serial\":%u", p->serial_consistency);
	if (p->flags & UCQL_QP_TIMESTAMP)
		sb_printf(out, ",\"timestamp\":%lld", (long long)p->timestamp);
	if (p->flags & UCQL_QP_KEYSPACE) {
		sb_puts(out, ",\"keyspace\":");
		sb_jstr(out, p->keyspace.p, p->keyspace.len);
	}
	if (p->flags & UCQL_QP_NOW_IN_SECONDS)
		sb_printf(out, ",\"now_in_seconds\":%d", p->now_in_seconds);
}

static void put_string_list(sbuf *out, ucql_list_view l, ucql_bytes *arr, size_t *n)
{
	ucql_reader it;
	ucql_bytes s;
	size_t i = 0;
	ucql_reader_init(&it, l.raw.p, l.raw.len);
	sb_puts(out, "[");
	for (uint16_t k = 0; k < l.n && ucql_string_list_next(&it, &s); k++) {
		if (i)
			sb_puts(out, ",");
		sb_jstr(out, s.p, s.len);
		if (arr && i < MAXV)
			arr[i] = s;
		i++;
	}
	sb_puts(out, "]");
	if (n)
		*n = i;
}

/* ---- requests ---------------------------------------------------------------------- */

/* Static scratch: one request at a time. */
static ucql_value g_vals[MAXV];
static ucql_bytes g_names[MAXV];
static ucql_bytes g_strs[2 * MAXV];
static ucql_batch_stmt g_stmts[MAXV];
static ucql_value g_stmt_vals[MAXV];

/* Decodes the body, describes it into out, re-encodes it into w. */
static int request_body(sbuf *out, ucql_writer *w, int ver, int op, ucql_bytes body)
{
	int rc;
	switch (op) {
	case UCQL_OP_STARTUP: {
		ucql_startup m;
		if ((rc = ucql_startup_decode(body, ver, &m)))
			return rc;
		ucql_reader it;
		ucql_bytes k, v;
		size_t n = 0;
		ucql_reader_init(&it, m.options.raw.p, m.options.raw.len);
		sb_puts(out, "{\"options\":{");
		for (uint16_t i = 0; i < m.options.n && ucql_string_map_next(&it, &k, &v); i++) {
			if (n)
				sb_puts(out, ",");
			sb_jstr(out, k.p, k.len);
			sb_puts(out, ":");
			sb_jstr(out, v.p, v.len);
			g_strs[2 * n] = k;
			g_strs[2 * n + 1] = v;
			n++;
		}
		sb_puts(out, "}}");
		ucql_startup e = { g_strs, n, { 0, { NULL, 0 } } };
		return ucql_startup_encode(w, ver, &e);
	}
	case UCQL_OP_OPTIONS:
		if ((rc = ucql_options_decode(body, ver)))
			return rc;
		sb_puts(out, "{}");
		return ucql_options_encode(w, ver);
	case UCQL_OP_REGISTER: {
		ucql_register m;
		size_t n;
		if ((rc = ucql_register_decode(body, ver, &m)))
			return rc;
		sb_puts(out, "{\"events\":");
		put_string_list(out, m.list, g_strs, &n);
		sb_puts(out, "}");
		ucql_register e = { g_strs, n, { 0, { NULL, 0 } } };
		return ucql_register_encode(w, ver, &e);
	}
	case UCQL_OP_AUTH_RESPONSE: {
		ucql_auth_response m;
		if ((rc = ucql_auth_response_decode(body, ver, &m)))
			return rc;
		sb_puts(out, "{\"token\":");
		sb_jvalue(out, m.token);
		sb_puts(out, "}");
		return ucql_auth_response_encode(w, ver, &m);
	}
	case UCQL_OP_QUERY: {
		ucql_query m;
		if ((rc = ucql_query_decode(body, ver, &m)))
			return rc;
		sb_puts(out, "{\"query\":");
		sb_jstr(out, m.query.p, m.query.len);
		sb_puts(out, ",");
		put_params(out, &m.params, g_vals, g_names);
		sb_puts(out, "}");
		m.params.values = g_vals;
		m.params.names = g_names;
		return ucql_query_encode(w, ver, &m);
	}
	case UCQL_OP_EXECUTE: {
		ucql_execute m;
		if ((rc = ucql_execute_decode(body, ver, &m)))
			return rc;
		sb_puts(out, "{\"id\":");
		sb_jhex(out, m.id.p, m.id.len);
		if (ver >= 5) {
			sb_puts(out, ",\"result_metadata_id\":");
			sb_jhex(out, m.result_metadata_id.p, m.result_metadata_id.len);
		}
		sb_puts(out, ",");
		put_params(out, &m.params, g_vals, g_names);
		sb_puts(out, "}");
		m.params.values = g_vals;
		m.params.names = g_names;
		return ucql_execute_encode(w, ver, &m);
	}
	case UCQL_OP_PREPARE: {
		ucql_prepare m;
		if ((rc = ucql_prepare_decode(body, ver, &m)))
			return rc;
		sb_puts(out, "{\"query\":");
		sb_jstr(out, m.query.p, m.query.len);
		sb_printf(out, ",\"flags\":%u", m.flags);
		if (m.flags & UCQL_PREPARE_KEYSPACE) {
			sb_puts(out, ",\"keyspace\":");
			sb_jstr(out, m.keyspace.p, m.keyspace.len);
		}
		sb_puts(out, "}");
		return ucql_prepare_encode(w, ver, &m);
	}
	case UCQL_OP_BATCH: {
		ucql_batch m;
		if ((rc = ucql_batch_decode(body, ver, &m)))
			return rc;
		sb_printf(out, "{\"type\":%u,\"consistency\":%u,\"flags\":%u", m.type,
			  m.consistency, m.flags);
		if (m.flags & UCQL_QP_SERIAL_CONSISTENCY)
			sb_printf(out, ",\"serial\":%u", m.serial_consistency);
		if (m.flags & UCQL_QP_TIMESTAMP)
			sb_printf(out, ",\"timestamp\":%lld", (long long)m.timestamp);
		if (m.flags & UCQL_QP_KEYSPACE) {
			sb_puts(out, ",\"keyspace\":");
			sb_jstr(out, m.keyspace.p, m.keyspace.len);
		}
		if (m.flags & UCQL_QP_NOW_IN_SECONDS)
			sb_printf(out, ",\"now_in_seconds\":%d", m.now_in_seconds);
		sb_puts(out, ",\"stmts\":[");
		ucql_reader it;
		ucql_batch_stmt st;
		size_t i = 0, used = 0;
		ucql_batch_iter_init(&it, &m);
		while (ucql_batch_next(&it, &st)) {
			size_t nv;
			sb_printf(out, "%s{\"kind\":%u,\"q\":", i ? "," : "", st.kind);
			if (st.kind == UCQL_BATCH_QUERY)
				sb_jstr(out, st.query_or_id.p, st.query_or_id.len);
			else
				sb_jhex(out, st.query_or_id.p, st.query_or_id.len);
			sb_puts(out, ",\"values\":");
			put_values(out, st.values_raw, 0, st.n_values, g_stmt_vals + used,
				   g_names, &nv);
			sb_puts(out, "}");
			if (i < MAXV) {
				g_stmts[i] = st;
				g_stmts[i].values = g_stmt_vals + used;
				g_stmts[i].values_raw = ucql_bytes_of(NULL, 0);
			}
			used += nv;
			i++;
		}
		sb_puts(out, "]}");
		if (i != m.n)
			return UCQL_E_BAD_LENGTH;
		m.stmts = g_stmts;
		return ucql_batch_encode(w, ver, &m);
	}
	default:
		return UCQL_E_BAD_OPCODE;
	}
}

int cmd_request_decode(const jnode *cmd, sbuf *out)
{
	size_t n;
	uint8_t *b = jhex(cmd, "hex", &n);
	uint8_t *dbuf = NULL, *enc = NULL, *cenc = NULL;
	int rc;
	ucql_frame f;
	if (!b) {
		answer_error(out, "hex", UCQL_E_INVALID_ARG);
		return 1;
	}
	rc = ucql_frame_decode(b, n, 0, &f);
	if (rc >= 0 && (size_t)rc != n)
		rc = UCQL_E_TRAILING;
	if (rc < 0) {
		answer_error(out, "frame", rc);
		goto done;
	}
	int compressed = !f.parsed;
	if (compressed) {
		size_t need;
		if ((rc = ucql_frame_decompressed_size(&f, 0, &need))) {
			answer_error(out, "decompressed-size", rc);
			goto done;
		}
		dbuf = malloc(need + 1);
		if ((rc = ucql_frame_decompress(&f, dbuf, need, 0))) {
			answer_error(out, "decompress", rc);
			goto done;
		}
	}
	sb_printf(out,
		  "{\"version\":%u,\"response\":%u,\"flags\":%u,\"stream\":%d,\"opcode\":%u,"
		  "\"length\":%u,\"compressed\":%d,\"payload\":",
		  f.h.version, f.h.response, f.h.flags, f.h.stream, f.h.opcode, f.h.length,
		  compressed);
	static kv_list pl;
	pl.n = 0;
	if (f.h.flags & UCQL_FLAG_CUSTOM_PAYLOAD) {
		ucql_reader it;
		ucql_reader_init(&it, f.custom_payload.raw.p, f.custom_payload.raw.len);
		sb_puts(out, "{");
		for (uint16_t i = 0; i < f.custom_payload.n &&
				     ucql_bytes_map_next(&it, &pl.keys[pl.n], &pl.vals[pl.n]);
		     i++) {
			if (pl.n)
				sb_puts(out, ",");
			sb_jstr(out, pl.keys[pl.n].p, pl.keys[pl.n].len);
			sb_puts(out, ":");
			sb_jvalue(out, pl.vals[pl.n]);
			pl.n++;
		}
		sb_puts(out, "}");
	} else {
		sb_puts(out, "null");
	}
	sb_puts(out, ",\"msg\":");

	/* Re-encode: header without the compression and payload bits (the
	 * section writer sets CUSTOM_PAYLOAD itself). */
	ucql_frame_header h = f.h;
	h.flags &= (uint8_t) ~(UCQL_FLAG_COMPRESSION | UCQL_FLAG_CUSTOM_PAYLOAD);
	ucql_frame_sections sec;
	memset(&sec, 0, sizeof sec);
	sec.payload_keys = pl.keys;
	sec.payload_values = pl.vals;
	sec.n_payload = pl.n;
	size_t cap = f.body.len + (f.raw.len > n ? f.raw.len : n) * 2 + 1024;
	if (dbuf)
		cap += f.h.length * 300u; /* decompressed bodies are larger */
	enc = malloc(cap);
	ucql_writer w;
	ucql_writer_init(&w, enc, cap);
	size_t start = ucql_frame_begin_sections(&w, &h, &sec);
	sbuf desc = { 0 };
	rc = request_body(&desc, &w, f.h.version, f.h.opcode, f.body);
	if (rc) {
		free(desc.p);
		answer_error(out, "body", rc);
		goto done;
	}
	sb_putn(out, desc.p, desc.len);
	free(desc.p);
	if ((rc = ucql_frame_end(&w, start, 0))) {
		answer_error(out, "frame-end", rc);
		goto done;
	}
	sb_puts(out, ",\"reencoded\":");
	if (compressed) {
		size_t ccap = ucql_frame_compress_bound(w.len - UCQL_FRAME_HEADER_SIZE);
		cenc = malloc(ccap);
		int cl = ucql_frame_compress(enc, w.len, cenc, ccap);
		if (cl < 0) {
			answer_error(out, "compress", cl);
			rc = cl;
			goto done;
		}
		sb_jhex(out, cenc, (size_t)cl);
		sb_puts(out, ",\"reencoded_plain\":");
		sb_jhex(out, enc, w.len);
	} else {
		sb_jhex(out, enc, w.len);
	}
	sb_puts(out, "}");
	rc = 0;
done:
	free(b);
	free(dbuf);
	free(enc);
	free(cenc);
	return rc != 0;
}

/* ---- responses --------------------------------------------------------------------- */

#define MAXN 4096

/* Everything a response borrows while it is encoded. */
typedef struct arena {
	void *ptrs[4 * MAXN];
	size_t n;
} arena;

static void *keep(arena *a, void *p)
{
	if (a->n < 4 * MAXN)
		a->ptrs[a->n++] = p;
	return p;
}

static ucql_bytes jbytes(const jnode *o, const char *key)
{
	const jnode *s = jget(o, key);
	return s && s->t == J_STR ? ucql_bytes_of(s->s, s->slen) : ucql_bytes_of(NULL, 0);
}

/* A hex member as a [bytes] value view (null when missing or null). */
static ucql_value jvalue(arena *a, const jnode *o, const char *key)
{
	size_t n;
	uint8_t *b = jhex(o, key, &n);
	if (!b)
		return ucql_value_null();
	keep(a, b);
	return ucql_value_of(b, (int32_t)n);
}

static ucql_bytes jhexbytes(arena *a, const jnode *o, const char *key)
{
	ucql_value v = jvalue(a, o, key);
	return v.len < 0 ? ucql_bytes_of(NULL, 0) : ucql_bytes_of(v.p, (size_t)v.len);
}

/* A JSON array of strings as a validated [string list] view. */
static ucql_list_view jstring_list(arena *a, const jnode *arr)
{
	ucql_list_view v = { 0, { NULL, 0 } };
	if (!arr || arr->t != J_ARR)
		return v;
	ucql_bytes *s = keep(a, calloc(arr->n + 1, sizeof *s));
	for (size_t i = 0; i < arr->n; i++)
		s[i] = ucql_bytes_of(arr->kids[i]->s, arr->kids[i]->slen);
	ucql_writer w;
	ucql_writer_init(&w, NULL, 0);
	ucql_write_string_list(&w, s, arr->n);
	uint8_t *buf = keep(a, malloc(w.len));
	ucql_writer_init(&w, buf, w.len);
	ucql_write_string_list(&w, s, arr->n);
	v.n = (uint16_t)arr->n;
	v.raw = ucql_bytes_of(buf + 2, w.len - 2);
	return v;
}

static int find_name(const char *(*name)(int), const char *s, int lo, int hi)
{
	for (int i = lo; i <= hi; i++)
		if (name(i) && s && !strcmp(name(i), s))
			return i;
	return 0;
}

static void put_inet(ucql_inet *in, const jnode *addr)
{
	memset(in, 0, sizeof *in);
	if (!addr || addr->t != J_ARR || addr->n != 2)
		return;
	const char *ip = addr->kids[0]->s;
	int v6 = strchr(ip, ':') != NULL;
	inet_pton(v6 ? AF_INET6 : AF_INET, ip, in->addr);
	in->len = v6 ? 16 : 4;
	in->port = (int32_t)strtol(addr->kids[1]->s, NULL, 10);
}

static void schema_from_json(arena *a, ucql_schema_change *sc, const jnode *j)
{
	memset(sc, 0, sizeof *sc);
	sc->change = find_name(ucql_change_name, jstr(j, "change"), 1, 8);
	sc->change_str = jbytes(j, "change");
	sc->target = find_name(ucql_schema_target_name, jstr(j, "target"), 1, 5);
	sc->keyspace = jbytes(j, "keyspace");
	sc->name = jbytes(j, "name");
	sc->arg_types = jstring_list(a, jget(j, "args"));
}

/* Column types are class names; parsed into one shared node set. */
typedef struct coltypes {
	ucql_type nodes[8 * MAXN];
	ucql_type_set s;
	int roots[MAXN];
	size_t n;
} coltypes;

static int metadata_from_json(arena *a, coltypes *ct, ucql_metadata *md, const jnode *j, int ver,
			      int prepared)
{
	memset(md, 0, sizeof *md);
	const jnode *cols = jget(j, "cols"), *glob = jget(j, "global");
	size_t n = cols && cols->t == J_ARR ? cols->n : 0;
	md->columns_count = (int32_t)jint(j, "count", (int64_t)n);
	if (glob && glob->t == J_ARR && glob->n == 2) {
		md->flags |= UCQL_MD_GLOBAL_TABLES_SPEC;
		md->global_keyspace = ucql_bytes_of(glob->kids[0]->s, glob->kids[0]->slen);
		md->global_table = ucql_bytes_of(glob->kids[1]->s, glob->kids[1]->slen);
	}
	if (jget(j, "paging_state")) {
		md->flags |= UCQL_MD_HAS_MORE_PAGES;
		md->paging_state = jvalue(a, j, "paging_state");
	}
	if (jget(j, "new_metadata_id")) {
		md->flags |= UCQL_MD_METADATA_CHANGED;
		md->new_metadata_id = jhexbytes(a, j, "new_metadata_id");
	}
	const jnode *nm = jget(j, "no_metadata");
	if (nm && nm->t == J_BOOL && nm->b)
		md->flags |= UCQL_MD_NO_METADATA;
	ucql_col_spec *specs = keep(a, calloc(n + 1, sizeof *specs));
	for (size_t i = 0; i < n; i++) {
		const jnode *c = cols->kids[i];
		if (c->t != J_ARR || c->n != 4)
			return UCQL_E_INVALID_ARG;
		specs[i].keyspace = ucql_bytes_of(c->kids[0]->s, c->kids[0]->slen);
		specs[i].table = ucql_bytes_of(c->kids[1]->s, c->kids[1]->slen);
		specs[i].name = ucql_bytes_of(c->kids[2]->s, c->kids[2]->slen);
		int root = ucql_type_parse_class(&ct->s, ucql_bytes_of(c->kids[3]->s,
								       c->kids[3]->slen));
		if (root < 0)
			return root;
		if (!prepared && ct->n < MAXN)
			ct->roots[ct->n++] = root;
		ucql_writer w;
		ucql_writer_init(&w, NULL, 0);
		ucql_type_write_option(&w, &ct->s, root, ver);
		uint8_t *buf = keep(a, malloc(w.len + 1));
		size_t len = w.len;
		ucql_writer_init(&w, buf, len);
		ucql_type_write_option(&w, &ct->s, root, ver);
		if (w.err)
			return w.err;
		specs[i].type = ucql_bytes_of(buf, len);
	}
	md->cols = specs;
	const jnode *pk = jget(j, "pk");
	if (pk && pk->t == J_ARR) {
		uint16_t *idx = keep(a, calloc(pk->n + 1, sizeof *idx));
		for (size_t i = 0; i < pk->n; i++)
			idx[i] = (uint16_t)strtol(pk->kids[i]->s, NULL, 10);
		md->pk_count = (int32_t)pk->n;
		md->pk_indexes = idx;
	}
	return 0;
}

static int result_from_json(arena *a, ucql_writer *w, int ver, const jnode *j)
{
	const char *kind = jstr(j, "kind");
	static coltypes ct;
	ucql_type_set_init(&ct.s, ct.nodes, 8 * MAXN);
	ct.n = 0;
	if (!kind)
		return UCQL_E_INVALID_ARG;
	if (!strcmp(kind, "void")) {
		ucql_result_void_encode(w, ver);
	} else if (!strcmp(kind, "set_keyspace")) {
		ucql_result_set_keyspace_encode(w, ver, jbytes(j, "keyspace"));
	} else if (!strcmp(kind, "schema_change")) {
		ucql_schema_change sc;
		schema_from_json(a, &sc, jget(j, "schema"));
		ucql_result_schema_change_encode(w, ver, &sc);
	} else if (!strcmp(kind, "prepared")) {
		ucql_prepared p;
		int rc;
		memset(&p, 0, sizeof p);
		p.id = jhexbytes(a, j, "id");
		p.result_metadata_id = jhexbytes(a, j, "result_metadata_id");
		if ((rc = metadata_from_json(a, &ct, &p.params, jget(j, "params"), ver, 1)) ||
		    (rc = metadata_from_json(a, &ct, &p.result, jget(j, "result"), ver, 1)))
			return rc;
		ucql_result_prepared_encode(w, ver, &p);
	} else if (!strcmp(kind, "rows")) {
		ucql_metadata md;
		int rc = metadata_from_json(a, &ct, &md, jget(j, "metadata"), ver, 0);
		if (rc)
			return rc;
		const jnode *rows = jget(j, "rows");
		size_t nrows = rows && rows->t == J_ARR ? rows->n : 0;
		size_t at = ucql_result_rows_begin(w, ver, &md);
		for (size_t r = 0; r < nrows; r++) {
			const jnode *row = rows->kids[r];
			if (row->t != J_ARR || row->n != ct.n)
				return UCQL_E_INVALID_ARG;
			for (size_t c = 0; c < row->n; c++)
				if ((rc = value_from_json(w, &ct.s, ct.roots[c], row->kids[c])))
					return rc;
		}
		ucql_result_rows_end(w, at, (int32_t)nrows);
	} else {
		return UCQL_E_INVALID_ARG;
	}
	return 0;
}

static int error_from_json(arena *a, ucql_writer *w, int ver, const jnode *j)
{
	ucql_error_msg m;
	int32_t wire = (int32_t)jint(j, "code", 0);
	ucql_error_msg_init(&m, ucql_err_from_wire(wire), jbytes(j, "message"));
	m.wire_code = wire;
	m.consistency = (uint16_t)jint(j, "consistency", 0);
	m.required = (int32_t)jint(j, "required", 0);
	m.alive = (int32_t)jint(j, "alive", 0);
	m.received = (int32_t)jint(j, "received", 0);
	m.block_for = (int32_t)jint(j, "block_for", 0);
	m.write_type = jbytes(j, "write_type");
	m.contentions = (int32_t)jint(j, "contentions", -1);
	m.data_present = (uint8_t)jint(j, "data_present", 0);
	m.num_failures = (int32_t)jint(j, "num_failures", 0);
	m.keyspace = jbytes(j, "keyspace");
	m.name = jbytes(j, "name");
	m.arg_types = jstring_list(a, jget(j, "arg_types"));
	m.unprepared_id = jhexbytes(a, j, "unprepared_id");
	const jnode *reasons = jget(j, "reasons");
	if (reasons && reasons->t == J_ARR) {
		uint8_t *buf = keep(a, malloc(reasons->n * 19 + 1));
		ucql_writer rw;
		ucql_writer_init(&rw, buf, reasons->n * 19 + 1);
		for (size_t i = 0; i < reasons->n; i++) {
			ucql_failure_reason r;
			const jnode *e = reasons->kids[i];
			jnode addr = { 0 };
			jnode *kids[2] = { e->kids[0], e->kids[1] };
			addr.t = J_ARR;
			addr.n = 2;
			addr.kids = kids;
			put_inet(&r.endpoint, &addr);
			r.endpoint.port = 0;
			r.code = (uint16_t)strtol(e->kids[1]->s, NULL, 10);
			ucql_failure_reason_write(&rw, &r);
		}
		m.reasons = ucql_bytes_of(buf, rw.len);
		m.num_failures = (int32_t)reasons->n;
	}
	ucql_error_msg_encode(w, ver, &m);
	return 0;
}

static int event_from_json(arena *a, ucql_writer *w, int ver, const jnode *j)
{
	ucql_event e;
	memset(&e, 0, sizeof e);
	e.type = find_name(ucql_event_type_name, jstr(j, "type"), 1, 3);
	if (e.type == UCQL_EVENT_SCHEMA_CHANGE) {
		schema_from_json(a, &e.schema, jget(j, "schema"));
	} else {
		e.change = find_name(ucql_change_name, jstr(j, "change"), 1, 8);
		e.change_str = jbytes(j, "change");
		put_inet(&e.address, jget(j, "address"));
	}
	ucql_event_encode(w, ver, &e);
	return 0;
}

static int response_body(arena *a, ucql_writer *w, int ver, const char *op, const jnode *m,
			 int *opcode)
{
	if (!strcmp(op, "ready")) {
		*opcode = UCQL_OP_READY;
		ucql_ready_encode(w, ver);
	} else if (!strcmp(op, "authenticate")) {
		ucql_authenticate x = { jbytes(m, "authenticator") };
		*opcode = UCQL_OP_AUTHENTICATE;
		ucql_authenticate_encode(w, ver, &x);
	} else if (!strcmp(op, "supported")) {
		const jnode *o = jget(m, "options");
		size_t n = o && o->t == J_ARR ? o->n : 0, nv = 0;
		ucql_bytes *keys = keep(a, calloc(n + 1, sizeof *keys));
		size_t *counts = keep(a, calloc(n + 1, sizeof *counts));
		ucql_bytes *vals = keep(a, calloc(MAXN, sizeof *vals));
		for (size_t i = 0; i < n; i++) {
			const jnode *e = o->kids[i];
			keys[i] = ucql_bytes_of(e->kids[0]->s, e->kids[0]->slen);
			counts[i] = e->kids[1]->n;
			for (size_t k = 0; k < e->kids[1]->n && nv < MAXN; k++)
				vals[nv++] = ucql_bytes_of(e->kids[1]->kids[k]->s,
							   e->kids[1]->kids[k]->slen);
		}
		*opcode = UCQL_OP_SUPPORTED;
		ucql_supported_encode_arrays(w, ver, keys, counts, n, vals);
	} else if (!strcmp(op, "auth_challenge")) {
		ucql_auth_challenge x = { jvalue(a, m, "token") };
		*opcode = UCQL_OP_AUTH_CHALLENGE;
		ucql_auth_challenge_encode(w, ver, &x);
	} else if (!strcmp(op, "auth_success")) {
		ucql_auth_success x = { jvalue(a, m, "token") };
		*opcode = UCQL_OP_AUTH_SUCCESS;
		ucql_auth_success_encode(w, ver, &x);
	} else if (!strcmp(op, "error")) {
		*opcode = UCQL_OP_ERROR;
		return error_from_json(a, w, ver, m);
	} else if (!strcmp(op, "event")) {
		*opcode = UCQL_OP_EVENT;
		return event_from_json(a, w, ver, m);
	} else if (!strcmp(op, "result")) {
		*opcode = UCQL_OP_RESULT;
		return result_from_json(a, w, ver, m);
	} else {
		return UCQL_E_INVALID_ARG;
	}
	return 0;
}

/* Encodes into w (measuring when w has no buffer). */
static int encode_response(arena *a, ucql_writer *w, const jnode *cmd)
{
	int ver = (int)jint(cmd, "version", 4), opcode = 0, rc;
	const char *op = jstr(cmd, "op");
	const jnode *msg = jget(cmd, "msg");
	if (!op)
		return UCQL_E_INVALID_ARG;
	/* The opcode is known only after the body: begin with a placeholder
	 * opcode valid for responses, patch it after. */
	ucql_frame_header h;
	memset(&h, 0, sizeof h);
	h.version = (uint8_t)ver;
	h.response = 1;
	h.stream = (int16_t)jint(cmd, "stream", 0);
	h.opcode = UCQL_OP_RESULT;
	ucql_frame_sections sec;
	memset(&sec, 0, sizeof sec);
	size_t n;
	uint8_t *tr = jhex(cmd, "tracing", &n);
	if (tr && n == 16)
		sec.tracing_id = keep(a, tr);
	const jnode *warn = jget(cmd, "warnings");
	if (warn && warn->t == J_ARR && warn->n) {
		ucql_bytes *ws = keep(a, calloc(warn->n, sizeof *ws));
		for (size_t i = 0; i < warn->n; i++)
			ws[i] = ucql_bytes_of(warn->kids[i]->s, warn->kids[i]->slen);
		sec.warnings = ws;
		sec.n_warnings = warn->n;
	}
	const jnode *pl = jget(cmd, "payload");
	if (pl && pl->t == J_OBJ && pl->n) {
		ucql_bytes *k = keep(a, calloc(pl->n, sizeof *k));
		ucql_value *v = keep(a, calloc(pl->n, sizeof *v));
		for (size_t i = 0; i < pl->n; i++) {
			k[i] = ucql_bytes_of(pl->keys[i], pl->klens[i]);
			v[i] = ucql_value_null();
			if (pl->kids[i]->t == J_STR) {
				uint8_t *b;
				long l = unhex(pl->kids[i]->s, pl->kids[i]->slen, &b);
				if (l >= 0)
					v[i] = ucql_value_of(keep(a, b), (int32_t)l);
			}
		}
		sec.payload_keys = k;
		sec.payload_values = v;
		sec.n_payload = pl->n;
	}
	size_t start = ucql_frame_begin_sections(w, &h, &sec);
	if ((rc = response_body(a, w, ver, op, msg ? msg : cmd, &opcode)))
		return rc;
	if (w->buf && start + 4 < w->cap)
		w->buf[start + 4] = (uint8_t)opcode;
	return ucql_frame_end(w, start, 0);
}

int cmd_response_encode(const jnode *cmd, sbuf *out)
{
	static arena a;
	ucql_writer w;
	ucql_writer_init(&w, NULL, 0);
	int rc = encode_response(&a, &w, cmd);
	for (size_t i = 0; i < a.n; i++)
		free(a.ptrs[i]);
	a.n = 0;
	if (rc && rc != UCQL_E_NOSPACE) {
		answer_error(out, "measure", rc);
		return 1;
	}
	size_t need = w.len;
	uint8_t *buf = malloc(need + 1), *cbuf = NULL;
	ucql_writer_init(&w, buf, need);
	rc = encode_response(&a, &w, cmd);
	for (size_t i = 0; i < a.n; i++)
		free(a.ptrs[i]);
	a.n = 0;
	if (rc || w.len != need) {
		answer_error(out, "encode", rc ? rc : UCQL_E_NOSPACE);
		free(buf);
		return 1;
	}
	const jnode *c = jget(cmd, "compress");
	sb_puts(out, "{\"hex\":");
	if (c && c->t == J_BOOL && c->b) {
		size_t ccap = ucql_frame_compress_bound(w.len - UCQL_FRAME_HEADER_SIZE);
		cbuf = malloc(ccap);
		int cl = ucql_frame_compress(buf, w.len, cbuf, ccap);
		if (cl < 0) {
			answer_error(out, "compress", cl);
			free(buf);
			free(cbuf);
			return 1;
		}
		sb_jhex(out, cbuf, (size_t)cl);
	} else {
		sb_jhex(out, buf, w.len);
	}
	sb_puts(out, "}");
	free(buf);
	free(cbuf);
	return 0;
}
