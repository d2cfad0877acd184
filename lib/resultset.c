/*
 * resultset.c — result sets (ucql/resultset.h). A result set lives inside
 * its request slot (core.h): freeing it releases the slot.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

ucql__req *ucql__rs_req(ucql_resultset *rs)
{
	return (ucql__req *)((char *)rs - offsetof(ucql__req, rs));
}

void ucql__rs_reset(ucql_resultset *rs)
{
	if (rs->rb) {
		ucql__rbuf_release(rs->rb);
		rs->rb = NULL;
	}
	rs->err = 0;
	rs->retriable = 0;
	rs->msg = "";
	rs->has_errd = 0;
	memset(&rs->frame, 0, sizeof rs->frame);
	memset(&rs->result, 0, sizeof rs->result);
	rs->md = NULL;
	rs->types_n = 0;
	rs->n_specs = 0;
	rs->node = "";
}

static void set_msg(ucql_resultset *rs, const char *p, size_t n)
{
	if (n + 1 > rs->msgcap) {
		char *m = realloc(rs->msgbuf, n + 1);
		if (!m) {
			rs->msg = ucql_err_str(rs->err);
			return;
		}
		rs->msgbuf = m;
		rs->msgcap = n + 1;
	}
	memcpy(rs->msgbuf, p, n);
	rs->msgbuf[n] = 0;
	rs->msg = rs->msgbuf;
}

void ucql__rs_set_error(ucql_resultset *rs, int code, const char *msg)
{
	rs->err = code;
	rs->retriable = ucql_err_retriable(code);
	rs->msg = msg ? msg : ucql_err_str(code);
}

void ucql__rs_set_errorf(ucql_resultset *rs, int code, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	rs->err = code;
	rs->retriable = ucql_err_retriable(code);
	if (n < 0)
		n = 0;
	set_msg(rs, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

int ucql__rs_set_response(ucql_resultset *rs, ucql__rbuf *rb, const ucql_frame *f,
			  const ucql_prepared_stmt *prep)
{
	rs->frame = *f;
	if (rb) {
		ucql__rbuf_retain(rb);
		rs->rb = rb;
	}
	int version = f->h.version;
	if (f->h.opcode == UCQL_OP_ERROR) {
		int r = ucql_error_msg_decode(f->body, version, &rs->errd);
		if (r) {
			ucql__rs_set_errorf(rs, UCQL_E_SERVER_PROTOCOL, "malformed ERROR body: %s",
					    ucql_err_str(r));
			return rs->err;
		}
		rs->has_errd = 1;
		rs->err = rs->errd.code;
		rs->retriable = ucql_err_retriable(rs->err);
		set_msg(rs, (const char *)rs->errd.message.p, rs->errd.message.len);
		return rs->err;
	}
	if (f->h.opcode != UCQL_OP_RESULT) {
		ucql__rs_set_errorf(rs, UCQL_E_SERVER_PROTOCOL, "unexpected response opcode 0x%02x",
				    f->h.opcode);
		return rs->err;
	}
	int r = ucql_result_decode(f->body, version, &rs->result);
	if (r) {
		ucql__rs_set_errorf(rs, UCQL_E_SERVER_PROTOCOL, "malformed RESULT: %s (%s)",
				    ucql_err_str(r), ucql_err_name(r));
		return rs->err;
	}
	if (rs->result.kind == UCQL_RESULT_ROWS) {
		const ucql_metadata *md = &rs->result.u.rows.metadata;
		rs->md = md;
		/* skip-metadata results (§4.1.4 flag 0x02) carry only the
		 * count: names and types come from the prepared statement */
		const ucql_metadata *pm = prep ? ucql__prepared_result_md(prep, NULL) : NULL;
		if ((md->flags & UCQL_MD_NO_METADATA) && pm && pm->columns_count == md->columns_count &&
		    !(pm->flags & UCQL_MD_NO_METADATA))
			rs->md = pm;
		rs->it = ucql_rows_cells(&rs->result.u.rows);
	}
	return 0;
}

ucql_resultset *ucql_resultset_retain(ucql_resultset *rs)
{
	if (rs)
		atomic_fetch_add_explicit(&ucql__rs_req(rs)->refs, 1, memory_order_relaxed);
	return rs;
}

void ucql_resultset_free(ucql_resultset *rs)
{
	if (rs)
		ucql__req_unref(ucql__rs_req(rs));
}

int ucql_resultset_error_code(const ucql_resultset *rs)
{
	return rs ? rs->err : UCQL_E_INVALID_ARG;
}

const char *ucql_resultset_error_message(const ucql_resultset *rs)
{
	return rs && rs->err ? rs->msg : "";
}

int ucql_resultset_error_retriable(const ucql_resultset *rs)
{
	return rs && rs->err ? rs->retriable : 0;
}

int ucql_resultset_error_details(const ucql_resultset *rs, ucql_error_msg *out)
{
	if (!rs || !rs->has_errd)
		return UCQL_E_INVALID_ARG;
	*out = rs->errd;
	return 0;
}

const char *ucql_resultset_node(const ucql_resultset *rs)
{
	return rs && rs->node ? rs->node : "";
}

int ucql_resultset_kind(const ucql_resultset *rs)
{
	return rs && !rs->err ? rs->result.kind : 0;
}

const ucql_result *ucql_resultset_result(const ucql_resultset *rs)
{
	return rs ? &rs->result : NULL;
}

size_t ucql_resultset_warning_count(const ucql_resultset *rs)
{
	return rs ? rs->frame.warnings.n : 0;
}

ucql_bytes ucql_resultset_warning(const ucql_resultset *rs, size_t i)
{
	ucql_bytes b = { NULL, 0 };
	if (!rs || i >= rs->frame.warnings.n)
		return b;
	ucql_reader r;
	ucql_reader_init(&r, rs->frame.warnings.raw.p, rs->frame.warnings.raw.len);
	for (size_t k = 0; k <= i; k++)
		b = ucql_read_string(&r);
	return r.err ? (ucql_bytes){ NULL, 0 } : b;
}

const uint8_t *ucql_resultset_tracing_id(const ucql_resultset *rs)
{
	return rs ? rs->frame.tracing_id : NULL;
}

int ucql_resultset_payload(const ucql_resultset *rs, const char *key, ucql_value *v)
{
	if (!rs || !key)
		return 0;
	ucql_reader r;
	ucql_reader_init(&r, rs->frame.custom_payload.raw.p, rs->frame.custom_payload.raw.len);
	for (uint16_t i = 0; i < rs->frame.custom_payload.n && !r.err; i++) {
		ucql_bytes k = ucql_read_string(&r);
		ucql_value val = ucql_read_value(&r);
		if (!r.err && ucql_bytes_eq_str(k, key)) {
			*v = val;
			return 1;
		}
	}
	return 0;
}

int32_t ucql_resultset_row_count(const ucql_resultset *rs)
{
	if (!rs || rs->err || rs->result.kind != UCQL_RESULT_ROWS)
		return 0;
	return rs->result.u.rows.rows_count;
}

int32_t ucql_resultset_column_count(const ucql_resultset *rs)
{
	if (!rs || rs->err || rs->result.kind != UCQL_RESULT_ROWS)
		return 0;
	return rs->result.u.rows.metadata.columns_count;
}

/* Column specs, decoded once into an array (grow-only, kept in the slot). */
static int load_specs(ucql_resultset *rs)
{
	if (rs->n_specs || !rs->md || (rs->md->flags & UCQL_MD_NO_METADATA))
		return rs->n_specs;
	int32_t n = rs->md->columns_count;
	if (n > rs->specs_cap) {
		ucql_col_spec *p = realloc(rs->specs, (size_t)n * sizeof *p);
		if (!p)
			return 0;
		rs->specs = p;
		rs->specs_cap = n;
	}
	ucql_col_iter it;
	ucql_col_iter_init(&it, rs->md);
	int32_t k = 0;
	while (k < n && ucql_col_iter_next(&it, &rs->specs[k]))
		k++;
	rs->n_specs = k;
	return k;
}

ucql_bytes ucql_resultset_column_name(const ucql_resultset *rs, int32_t i)
{
	ucql_resultset *m = (ucql_resultset *)rs;
	if (!rs || i < 0 || i >= load_specs(m))
		return (ucql_bytes){ NULL, 0 };
	return rs->specs[i].name;
}

int32_t ucql_resultset_column_index(const ucql_resultset *rs, const char *name)
{
	ucql_resultset *m = (ucql_resultset *)rs;
	if (!rs || !name)
		return -1;
	int32_t n = load_specs(m);
	for (int32_t i = 0; i < n; i++)
		if (ucql_bytes_eq_str(rs->specs[i].name, name))
			return i;
	return -1;
}

/* Node budget per column type: deep enough for any nesting the codec
 * accepts in practice; a wider type fails to parse and gives NULL. */
#define TYPE_NODES 64

const ucql_type_set *ucql_resultset_column_type(const ucql_resultset *rs, int32_t i)
{
	ucql_resultset *m = (ucql_resultset *)rs;
	int32_t n;
	if (!rs || i < 0 || i >= (n = load_specs(m)))
		return NULL;
	if (!m->types_n) {
		if (n > m->types_cap) {
			ucql_type_set *t = realloc(m->types, (size_t)n * sizeof *t);
			if (!t)
				return NULL;
			m->types = t;
			ucql_type *nodes = realloc(m->type_nodes, (size_t)n * TYPE_NODES * sizeof *nodes);
			if (!nodes)
				return NULL;
			m->type_nodes = nodes;
			m->types_cap = n;
		}
		for (int32_t k = 0; k < n; k++) {
			ucql_type_set_init(&m->types[k], m->type_nodes + (size_t)k * TYPE_NODES, TYPE_NODES);
			ucql_reader r;
			ucql_reader_init(&r, rs->specs[k].type.p, rs->specs[k].type.len);
			if (ucql_type_read(&r, &m->types[k]) < 0)
				m->types[k].used = 0;
		}
		m->types_n = n;
	}
	return m->types[i].used ? &m->types[i] : NULL;
}

const ucql_value *ucql_resultset_next_row(ucql_resultset *rs)
{
	if (!rs || rs->err || rs->result.kind != UCQL_RESULT_ROWS)
		return NULL;
	int32_t ncols = rs->result.u.rows.metadata.columns_count;
	if (rs->it.rows_read >= rs->result.u.rows.rows_count)
		return NULL;
	if (ncols > rs->cells_cap) {
		size_t cap = (size_t)ncols;
		ucql_value *c = rs->cells == rs->cells_inline ? NULL : rs->cells;
		c = realloc(c, cap * sizeof *c);
		if (!c)
			return NULL;
		rs->cells = c;
		rs->cells_cap = ncols;
	}
	if (ncols == 0) {
		/* no cells to walk: count rows */
		rs->it.rows_read++;
		return rs->cells;
	}
	return ucql_row_next(&rs->it, rs->cells, ncols) ? rs->cells : NULL;
}

void ucql_resultset_rewind(ucql_resultset *rs)
{
	if (rs && !rs->err && rs->result.kind == UCQL_RESULT_ROWS)
		rs->it = ucql_rows_cells(&rs->result.u.rows);
}

int ucql_resultset_has_more_pages(const ucql_resultset *rs)
{
	if (!rs || rs->err || rs->result.kind != UCQL_RESULT_ROWS)
		return 0;
	const ucql_metadata *md = &rs->result.u.rows.metadata;
	return (md->flags & UCQL_MD_HAS_MORE_PAGES) && md->paging_state.len > 0;
}

ucql_bytes ucql_resultset_paging_state(const ucql_resultset *rs)
{
	if (!ucql_resultset_has_more_pages(rs))
		return (ucql_bytes){ NULL, 0 };
	const ucql_metadata *md = &rs->result.u.rows.metadata;
	return ucql_bytes_of(md->paging_state.p, (size_t)md->paging_state.len);
}
