/*
 * ucql-inspect: one message → one line of fields (text or JSON, emit.c).
 * Field names are documented in --help (main.c) and docs/INSPECT.md.
 */
#include <string.h>

#include "inspect.h"
#include "ucql/types.h"

static const char *const flag_names[8] = {
	"COMPRESSION", "TRACING", "CUSTOM_PAYLOAD", "WARNING", "USE_BETA", NULL, NULL, NULL,
};

/* Spec names of the error codes (native_protocol_v4.spec §9, v5 §8). */
static const char *error_name(int32_t code)
{
	switch (code) {
	case 0x0000: return "Server_error";
	case 0x000A: return "Protocol_error";
	case 0x0100: return "Authentication_error";
	case 0x1000: return "Unavailable";
	case 0x1001: return "Overloaded";
	case 0x1002: return "Is_bootstrapping";
	case 0x1003: return "Truncate_error";
	case 0x1100: return "Write_timeout";
	case 0x1200: return "Read_timeout";
	case 0x1300: return "Read_failure";
	case 0x1400: return "Function_failure";
	case 0x1500: return "Write_failure";
	case 0x1600: return "CDC_write_failure";
	case 0x1700: return "CAS_write_unknown";
	case 0x2000: return "Syntax_error";
	case 0x2100: return "Unauthorized";
	case 0x2200: return "Invalid";
	case 0x2300: return "Config_error";
	case 0x2400: return "Already_exists";
	case 0x2500: return "Unprepared";
	}
	return "unknown";
}

static void consistency(insp_out *o, const char *key, int cl)
{
	const char *n = ucql_consistency_name(cl);
	if (n) {
		insp_cstr(o, key, n);
	} else {
		char buf[16];
		snprintf(buf, sizeof buf, "0x%04x", cl & 0xFFFF);
		insp_cstr(o, key, buf);
	}
}

static void token(insp_out *o, ucql_value t)
{
	if (t.len < 0)
		insp_null(o, "token_length");
	else
		insp_int(o, "token_length", t.len);
}

static void string_list(insp_out *o, const char *key, ucql_list_view l)
{
	ucql_reader it;
	ucql_bytes s;
	ucql_reader_init(&it, l.raw.p, l.raw.len);
	insp_arr_begin(o, key);
	for (unsigned i = 0; i < l.n && ucql_string_list_next(&it, &s); i++)
		insp_str(o, NULL, s);
	insp_arr_end(o);
}

/* A column's [option] as CQL text ("map<text, int>"); hex if unparsable. */
static void col_type(insp_out *o, ucql_bytes opt)
{
	ucql_type nodes[64];
	ucql_type_set set;
	ucql_reader r;
	char txt[512];
	ucql_type_set_init(&set, nodes, 64);
	ucql_reader_init(&r, opt.p, opt.len);
	int root = ucql_type_read(&r, &set);
	if (root >= 0 && ucql_type_to_cql(&set, root, UCQL_TYPE_FMT_FROZEN, txt, sizeof txt) >= 0 &&
	    txt[0])
		insp_cstr(o, NULL, txt);
	else
		insp_hex(o, NULL, opt);
}

/* Column names, then their types, of a metadata (rows or bind markers). */
static void columns(insp_out *o, const char *names_key, const char *types_key,
		    const ucql_metadata *md)
{
	ucql_col_iter it;
	ucql_col_spec c;
	if (md->flags & UCQL_MD_NO_METADATA)
		return;
	if (md->flags & UCQL_MD_GLOBAL_TABLES_SPEC) {
		insp_str(o, "keyspace", md->global_keyspace);
		insp_str(o, "table", md->global_table);
	}
	ucql_col_iter_init(&it, md);
	insp_arr_begin(o, names_key);
	while (ucql_col_iter_next(&it, &c))
		insp_str(o, NULL, c.name);
	insp_arr_end(o);
	ucql_col_iter_init(&it, md);
	insp_arr_begin(o, types_key);
	while (ucql_col_iter_next(&it, &c))
		col_type(o, c.type);
	insp_arr_end(o);
}

static void query_params(insp_out *o, const ucql_query_params *p)
{
	consistency(o, "consistency", p->consistency);
	insp_int(o, "values", p->n_values);
	if (p->flags & UCQL_QP_NAMES)
		insp_bool(o, "named_values", 1);
	if (p->flags & UCQL_QP_SKIP_METADATA)
		insp_bool(o, "skip_metadata", 1);
	if (p->flags & UCQL_QP_PAGE_SIZE)
		insp_int(o, "page_size", p->page_size);
	if (p->flags & UCQL_QP_PAGING_STATE) {
		if (p->paging_state.len < 0)
			insp_null(o, "paging_state");
		else
			insp_hex(o, "paging_state",
				 ucql_bytes_of(p->paging_state.p, (size_t)p->paging_state.len));
	}
	if (p->flags & UCQL_QP_SERIAL_CONSISTENCY)
		consistency(o, "serial_consistency", p->serial_consistency);
	if (p->flags & UCQL_QP_TIMESTAMP)
		insp_int(o, "timestamp", p->timestamp);
	if (p->flags & UCQL_QP_KEYSPACE)
		insp_str(o, "keyspace", p->keyspace);
	if (p->flags & UCQL_QP_NOW_IN_SECONDS)
		insp_int(o, "now_in_seconds", p->now_in_seconds);
}

static void batch(insp_out *o, const ucql_batch *b)
{
	static const char *const types[] = { "LOGGED", "UNLOGGED", "COUNTER" };
	ucql_reader it;
	ucql_batch_stmt s;
	insp_cstr(o, "batch_type", b->type < 3 ? types[b->type] : "?");
	insp_int(o, "statements", b->n);
	consistency(o, "consistency", b->consistency);
	if (b->flags & UCQL_QP_SERIAL_CONSISTENCY)
		consistency(o, "serial_consistency", b->serial_consistency);
	if (b->flags & UCQL_QP_TIMESTAMP)
		insp_int(o, "timestamp", b->timestamp);
	if (b->flags & UCQL_QP_KEYSPACE)
		insp_str(o, "keyspace", b->keyspace);
	if (b->flags & UCQL_QP_NOW_IN_SECONDS)
		insp_int(o, "now_in_seconds", b->now_in_seconds);
	ucql_batch_iter_init(&it, b);
	insp_arr_begin(o, "statement_list");
	while (ucql_batch_next(&it, &s)) {
		insp_obj_begin(o, NULL);
		if (s.kind == UCQL_BATCH_QUERY)
			insp_str(o, "query", s.query_or_id);
		else
			insp_hex(o, "id", s.query_or_id);
		insp_int(o, "values", s.n_values);
		insp_obj_end(o);
	}
	insp_arr_end(o);
}

static void error_msg(insp_out *o, const ucql_error_msg *e, int version)
{
	char code[16];
	int32_t c = e->wire_code;
	snprintf(code, sizeof code, "0x%04x", (unsigned)c);
	insp_cstr(o, "error", error_name(c));
	insp_cstr(o, "error_code", code);
	insp_str(o, "message", e->message);
	switch (c) {
	case 0x1000:
		consistency(o, "consistency", e->consistency);
		insp_int(o, "required", e->required);
		insp_int(o, "alive", e->alive);
		break;
	case 0x1100:
	case 0x1200:
	case 0x1300:
	case 0x1500:
	case 0x1700:
		consistency(o, "consistency", e->consistency);
		insp_int(o, "received", e->received);
		insp_int(o, "block_for", e->block_for);
		if (c == 0x1300 || c == 0x1500) {
			insp_int(o, "num_failures", e->num_failures);
			if (version >= 5) {
				ucql_reader it;
				ucql_failure_reason fr;
				ucql_reader_init(&it, e->reasons.p, e->reasons.len);
				insp_arr_begin(o, "reasons");
				while (ucql_failure_reason_next(&it, &fr)) {
					insp_obj_begin(o, NULL);
					insp_inet(o, "endpoint", &fr.endpoint, 0);
					insp_int(o, "code", fr.code);
					insp_obj_end(o);
				}
				insp_arr_end(o);
			}
		}
		if (c == 0x1100 || c == 0x1500)
			insp_str(o, "write_type", e->write_type);
		if (c == 0x1100 && e->contentions >= 0)
			insp_int(o, "contentions", e->contentions);
		if (c == 0x1200 || c == 0x1300)
			insp_bool(o, "data_present", e->data_present);
		break;
	case 0x1400:
		insp_str(o, "keyspace", e->keyspace);
		insp_str(o, "function", e->name);
		string_list(o, "arg_types", e->arg_types);
		break;
	case 0x2400:
		insp_str(o, "keyspace", e->keyspace);
		insp_str(o, "table", e->name);
		break;
	case 0x2500:
		insp_hex(o, "unprepared_id", e->unprepared_id);
		break;
	default:
		if (e->extra.len)
			insp_hex(o, "extra", e->extra);
	}
}

static void schema_change(insp_out *o, const ucql_schema_change *s)
{
	const char *ch = ucql_change_name(s->change);
	if (ch && s->change != UCQL_CHANGE_UNKNOWN)
		insp_cstr(o, "change", ch);
	else
		insp_str(o, "change", s->change_str);
	insp_cstr(o, "target", ucql_schema_target_name(s->target));
	insp_str(o, "keyspace", s->keyspace);
	if (s->target != UCQL_TARGET_KEYSPACE)
		insp_str(o, "name", s->name);
	if (s->target == UCQL_TARGET_FUNCTION || s->target == UCQL_TARGET_AGGREGATE)
		string_list(o, "arg_types", s->arg_types);
}

static void result(insp_out *o, const ucql_result *r, int version)
{
	switch (r->kind) {
	case UCQL_RESULT_VOID:
		insp_cstr(o, "kind", "Void");
		break;
	case UCQL_RESULT_ROWS: {
		const ucql_metadata *md = &r->u.rows.metadata;
		insp_cstr(o, "kind", "Rows");
		columns(o, "columns", "column_types", md);
		if (md->flags & UCQL_MD_NO_METADATA) {
			insp_bool(o, "no_metadata", 1);
			insp_int(o, "column_count", md->columns_count);
		}
		insp_int(o, "rows", r->u.rows.rows_count);
		insp_bool(o, "has_more_pages", (md->flags & UCQL_MD_HAS_MORE_PAGES) != 0);
		if (md->flags & UCQL_MD_HAS_MORE_PAGES) {
			if (md->paging_state.len < 0)
				insp_null(o, "paging_state");
			else
				insp_hex(o, "paging_state", ucql_bytes_of(md->paging_state.p,
									  (size_t)md->paging_state.len));
		}
		if (md->flags & UCQL_MD_METADATA_CHANGED)
			insp_hex(o, "new_metadata_id", md->new_metadata_id);
		break;
	}
	case UCQL_RESULT_SET_KEYSPACE:
		insp_cstr(o, "kind", "Set_keyspace");
		insp_str(o, "keyspace", r->u.keyspace);
		break;
	case UCQL_RESULT_PREPARED: {
		const ucql_prepared *p = &r->u.prepared;
		insp_cstr(o, "kind", "Prepared");
		insp_hex(o, "id", p->id);
		if (version >= 5)
			insp_hex(o, "result_metadata_id", p->result_metadata_id);
		columns(o, "bind_markers", "bind_types", &p->params);
		if (version >= 4) {
			insp_arr_begin(o, "pk_indexes");
			for (int32_t i = 0; i < p->params.pk_count; i++)
				insp_int(o, NULL, ucql_metadata_pk_index(&p->params, i));
			insp_arr_end(o);
		}
		if (p->result.flags & UCQL_MD_NO_METADATA)
			insp_bool(o, "no_metadata", 1);
		else
			columns(o, "columns", "column_types", &p->result);
		break;
	}
	case UCQL_RESULT_SCHEMA_CHANGE:
		insp_cstr(o, "kind", "Schema_change");
		schema_change(o, &r->u.schema_change);
		break;
	}
}

static void event(insp_out *o, const ucql_event *e)
{
	insp_str(o, "event", e->type_str);
	if (e->type == UCQL_EVENT_SCHEMA_CHANGE) {
		schema_change(o, &e->schema);
		return;
	}
	insp_str(o, "change", e->change_str);
	insp_inet(o, "address", &e->address, 1);
}

static void body(insp_out *o, const ucql_message *m)
{
	ucql_reader it;
	switch (m->opcode) {
	case UCQL_OP_STARTUP: {
		ucql_bytes k, v;
		ucql_reader_init(&it, m->u.startup.options.raw.p, m->u.startup.options.raw.len);
		insp_obj_begin(o, "options");
		for (unsigned i = 0; i < m->u.startup.options.n && ucql_string_map_next(&it, &k, &v); i++) {
			char key[256];
			size_t n = k.len < sizeof key - 1 ? k.len : sizeof key - 1;
			memcpy(key, k.p, n);
			key[n] = 0;
			insp_str(o, key, v);
		}
		insp_obj_end(o);
		break;
	}
	case UCQL_OP_REGISTER:
		string_list(o, "events", m->u.register_.list);
		break;
	case UCQL_OP_AUTH_RESPONSE:
		token(o, m->u.auth_response.token);
		break;
	case UCQL_OP_QUERY:
		insp_str(o, "query", m->u.query.query);
		query_params(o, &m->u.query.params);
		break;
	case UCQL_OP_PREPARE:
		insp_str(o, "query", m->u.prepare.query);
		if (m->u.prepare.flags & UCQL_PREPARE_KEYSPACE)
			insp_str(o, "keyspace", m->u.prepare.keyspace);
		break;
	case UCQL_OP_EXECUTE:
		insp_hex(o, "id", m->u.execute.id);
		if (m->version >= 5)
			insp_hex(o, "result_metadata_id", m->u.execute.result_metadata_id);
		query_params(o, &m->u.execute.params);
		break;
	case UCQL_OP_BATCH:
		batch(o, &m->u.batch);
		break;
	case UCQL_OP_ERROR:
		error_msg(o, &m->u.error, m->version);
		break;
	case UCQL_OP_AUTHENTICATE:
		insp_str(o, "authenticator", m->u.authenticate.authenticator);
		break;
	case UCQL_OP_SUPPORTED: {
		ucql_bytes k;
		ucql_list_view vals;
		ucql_reader_init(&it, m->u.supported.options.raw.p, m->u.supported.options.raw.len);
		insp_obj_begin(o, "options");
		for (unsigned i = 0; i < m->u.supported.options.n &&
				     ucql_string_multimap_next(&it, &k, &vals); i++) {
			char key[256];
			size_t n = k.len < sizeof key - 1 ? k.len : sizeof key - 1;
			memcpy(key, k.p, n);
			key[n] = 0;
			string_list(o, key, vals);
		}
		insp_obj_end(o);
		break;
	}
	case UCQL_OP_RESULT:
		result(o, &m->u.result, m->version);
		break;
	case UCQL_OP_EVENT:
		event(o, &m->u.event);
		break;
	case UCQL_OP_AUTH_CHALLENGE:
		token(o, m->u.auth_challenge.token);
		break;
	case UCQL_OP_AUTH_SUCCESS:
		token(o, m->u.auth_success.token);
		break;
	default: /* OPTIONS, READY: empty bodies */
		break;
	}
}

void insp_print_message(insp_out *o, const ucql_frame *f, const ucql_message *m,
			const insp_where *w)
{
	const char *op = ucql_opcode_name(f->h.opcode);
	insp_line_begin(o);
	/* Header: a compact prefix in text, members in JSON. */
	if (w->in_segment >= 0)
		insp_text(o, "@%zu+%ld", w->offset, w->in_segment);
	else
		insp_text(o, "@%zu", w->offset);
	insp_text(o, " v%d stream=%d %s", f->h.version, f->h.stream, op);
	if (o->json) {
		insp_int(o, "offset", (long long)w->offset);
		if (w->in_segment >= 0)
			insp_int(o, "in_segment", w->in_segment);
		insp_int(o, "version", f->h.version);
		insp_int(o, "stream", f->h.stream);
		insp_cstr(o, "opcode", op);
		insp_arr_begin(o, "flags");
	}
	for (int b = 0, n = 0; b < 8; b++) {
		char unk[8];
		if (!(f->h.flags >> b & 1))
			continue;
		snprintf(unk, sizeof unk, "0x%02x", 1u << b);
		if (o->json)
			insp_cstr(o, NULL, flag_names[b] ? flag_names[b] : unk);
		else
			insp_text(o, "%s%s", n++ ? "|" : " flags=", flag_names[b] ? flag_names[b] : unk);
	}
	if (o->json)
		insp_arr_end(o);
	insp_int(o, "length", f->h.length);
	if (w->compressed)
		insp_bool(o, "compressed", 1);
	if (f->tracing_id)
		insp_uuid(o, "tracing_id", f->tracing_id);
	if (f->warnings.n)
		string_list(o, "warnings", f->warnings);
	if (f->custom_payload.n) {
		ucql_reader it;
		ucql_bytes k;
		ucql_value v;
		ucql_reader_init(&it, f->custom_payload.raw.p, f->custom_payload.raw.len);
		insp_arr_begin(o, "custom_payload_keys");
		for (unsigned i = 0; i < f->custom_payload.n && ucql_bytes_map_next(&it, &k, &v); i++)
			insp_str(o, NULL, k);
		insp_arr_end(o);
	}
	body(o, m);
	insp_line_end(o);
}
