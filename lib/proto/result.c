/*
 * RESULT message bodies (native_protocol_v4.spec §4.2.5, v5 §4.2.5): the
 * kind dispatch, Set_keyspace, Prepared and Schema_change. Metadata and
 * rows live in rows.c.
 */
#include "ucql/result.h"

#include "response_priv.h"
#include "rows_priv.h"

int ucql_result_decode(ucql_bytes body, int version, ucql_result *m)
{
	ucql_reader r;
	if (!ucql__response_version_ok(version))
		return UCQL_E_BAD_VERSION;
	ucql_reader_init(&r, body.p, body.len);
	m->kind = ucql_read_int(&r);
	if (r.err)
		return r.err;
	switch (m->kind) {
	case UCQL_RESULT_VOID:
		break;
	case UCQL_RESULT_ROWS:
		ucql__metadata_read(&r, version, 0, &m->u.rows.metadata);
		ucql__rows_read(&r, &m->u.rows);
		break;
	case UCQL_RESULT_SET_KEYSPACE:
		m->u.keyspace = ucql_read_string(&r);
		break;
	case UCQL_RESULT_PREPARED: {
		ucql_prepared *p = &m->u.prepared;
		p->id = ucql_read_short_bytes(&r);
		p->result_metadata_id = ucql_bytes_of(NULL, 0);
		if (version >= 5)
			p->result_metadata_id = ucql_read_short_bytes(&r);
		ucql__metadata_read(&r, version, 1, &p->params);
		ucql__metadata_read(&r, version, 0, &p->result);
		break;
	}
	case UCQL_RESULT_SCHEMA_CHANGE:
		ucql_read_schema_change(&r, &m->u.schema_change);
		break;
	default:
		return UCQL_E_BAD_KIND;
	}
	return ucql__response_dec_end(&r);
}

void ucql_result_void_encode(ucql_writer *w, int version)
{
	if (ucql__response_enc_start(w, version))
		ucql_write_int(w, UCQL_RESULT_VOID);
}

void ucql_result_set_keyspace_encode(ucql_writer *w, int version, ucql_bytes keyspace)
{
	if (!ucql__response_enc_start(w, version))
		return;
	ucql_write_int(w, UCQL_RESULT_SET_KEYSPACE);
	ucql_write_string(w, keyspace);
}

void ucql_result_prepared_encode(ucql_writer *w, int version, const ucql_prepared *m)
{
	if (!ucql__response_enc_start(w, version))
		return;
	ucql_write_int(w, UCQL_RESULT_PREPARED);
	ucql_write_short_bytes(w, m->id);
	if (version >= 5)
		ucql_write_short_bytes(w, m->result_metadata_id);
	ucql_prepared_metadata_encode(w, version, &m->params);
	ucql_metadata_encode(w, version, &m->result);
}

void ucql_result_schema_change_encode(ucql_writer *w, int version, const ucql_schema_change *m)
{
	if (!ucql__response_enc_start(w, version))
		return;
	ucql_write_int(w, UCQL_RESULT_SCHEMA_CHANGE);
	ucql_schema_change_encode(w, version, m);
}

size_t ucql_result_rows_begin(ucql_writer *w, int version, const ucql_metadata *md)
{
	size_t at;
	if (ucql__response_enc_start(w, version))
		ucql_write_int(w, UCQL_RESULT_ROWS);
	ucql_metadata_encode(w, version, md);
	at = w->len;
	ucql_write_int(w, 0); /* rows_count, patched by ucql_result_rows_end */
	return at;
}

void ucql_result_rows_end(ucql_writer *w, size_t count_at, int32_t rows_count)
{
	if (rows_count < 0) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return;
	}
	ucql_writer_patch_int(w, count_at, rows_count);
}

void ucql_result_encode(ucql_writer *w, int version, const ucql_result *m)
{
	switch (m->kind) {
	case UCQL_RESULT_VOID:
		ucql_result_void_encode(w, version);
		break;
	case UCQL_RESULT_ROWS: {
		size_t at = ucql_result_rows_begin(w, version, &m->u.rows.metadata);
		ucql_write_raw(w, m->u.rows.content.p, m->u.rows.content.len);
		ucql_result_rows_end(w, at, m->u.rows.rows_count);
		break;
	}
	case UCQL_RESULT_SET_KEYSPACE:
		ucql_result_set_keyspace_encode(w, version, m->u.keyspace);
		break;
	case UCQL_RESULT_PREPARED:
		ucql_result_prepared_encode(w, version, &m->u.prepared);
		break;
	case UCQL_RESULT_SCHEMA_CHANGE:
		ucql_result_schema_change_encode(w, version, &m->u.schema_change);
		break;
	default:
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
	}
}
