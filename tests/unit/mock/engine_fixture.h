/*
 * engine_fixture.h — shared by the test_engine*.c suites: a cluster served
 * by the CQL engine, and helpers that send CQL and show results as text.
 * Header-only (static functions): each suite is one executable.
 */
#ifndef MOCK_ENGINE_FIXTURE_H
#define MOCK_ENGINE_FIXTURE_H

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "cql_literal.h"
#include "engine.h"
#include "server.h"

static uint16_t port;
static mock_engine *eng;
static mock_topology *topo;

/* nodes in dcs data centers (1 rack each). */
static inline mock_cluster *start_engine_cfg(int nodes, int dcs, int mode_311)
{
	char err[256];
	mock_topology_config tcfg = { .nodes = nodes, .dcs = dcs, .racks = 1, .tokens_per_node = 4 };
	cr_assert_eq(mock_topology_new(&topo, &tcfg, err, sizeof err), 0, "%s", err);
	mock_engine_config ec = { .topology = topo, .mode_311 = mode_311 };
	cr_assert_eq(mock_engine_new(&ec, &eng, err, sizeof err), 0, "%s", err);
	mock_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.nodes = nodes;
	cfg.handler = mock_engine_handler;
	cfg.handler_ctx = eng;
	for (int attempt = 0; attempt < 50; attempt++) {
		cfg.port = (uint16_t)(21042 + ((unsigned)getpid() + (unsigned)attempt * 37u) % 1000u);
		mock_cluster *c = NULL;
		int r = mock_cluster_start(&cfg, &c, err, sizeof err);
		if (r == 0) {
			port = cfg.port;
			mock_engine_attach(eng, c);
			return c;
		}
		cr_assert_eq(r, -EADDRINUSE, "start failed: %d %s", r, err);
	}
	cr_assert_fail("no free port");
	return NULL;
}

static inline mock_cluster *start_engine(void)
{
	return start_engine_cfg(3, 1, 0);
}

static inline void stop_engine(mock_cluster *c)
{
	mock_cluster_stop(c);
	mock_engine_free(eng);
	mock_topology_free(topo);
	eng = NULL;
	topo = NULL;
}

static inline void ready_v(tc *c, int node, int version)
{
	tc_frame fr;
	cr_assert_eq(tc_connect(c, node, port, version), 0);
	cr_assert_eq(tc_startup(c, NULL, &fr), UCQL_OP_READY);
}

static tc_frame last;

static inline void recv_frame(tc *c)
{
	int r = tc_recv(c, &last);
	cr_assert_eq(r, 1, "recv: %d", r);
	cr_assert_eq(last.merr, 0, "undecodable body: %s", ucql_err_str(last.merr));
}

/* QUERY with everything: consistency, page size (0: none), paging state,
 * positional values. */
static inline tc_frame *query_full(tc *c, const char *cql, uint16_t cl, int32_t page, ucql_value state,
			    const ucql_value *vals, size_t nvals)
{
	uint8_t *b = malloc(strlen(cql) + 65536);
	ucql_writer w;
	ucql_writer_init(&w, b, strlen(cql) + 65536);
	ucql_query q;
	memset(&q, 0, sizeof q);
	q.query = ucql_bytes_str(cql);
	q.params.consistency = cl;
	if (page) {
		q.params.flags |= UCQL_QP_PAGE_SIZE;
		q.params.page_size = page;
	}
	if (state.len >= 0 && state.p) {
		q.params.flags |= UCQL_QP_PAGING_STATE;
		q.params.paging_state = state;
	}
	if (nvals) {
		q.params.flags |= UCQL_QP_VALUES;
		q.params.values = vals;
		q.params.n_values = (uint16_t)nvals;
	}
	cr_assert_eq(ucql_query_encode(&w, c->version, &q), 0);
	cr_assert_eq(tc_send(c, UCQL_OP_QUERY, 1, 0, b, w.len), 0);
	free(b);
	recv_frame(c);
	return &last;
}

static inline tc_frame *query(tc *c, const char *cql)
{
	return query_full(c, cql, UCQL_CL_ONE, 0, ucql_value_null(), NULL, 0);
}

static inline void expect_err(tc_frame *fr, int code, const char *msg)
{
	cr_assert_eq(fr->f.h.opcode, UCQL_OP_ERROR, "expected an ERROR, got opcode %d", fr->f.h.opcode);
	cr_assert_eq(fr->m.u.error.wire_code, ucql_err_to_wire(code), "code 0x%x: %s", fr->m.u.error.wire_code,
		     tc_error_text(fr));
	if (msg)
		cr_assert_str_eq(tc_error_text(fr), msg);
}

static inline void expect_kind(tc_frame *fr, int kind)
{
	cr_assert_eq(fr->f.h.opcode, UCQL_OP_RESULT, "expected RESULT, got opcode %d: %s", fr->f.h.opcode,
		     fr->f.h.opcode == UCQL_OP_ERROR ? tc_error_text(fr) : "");
	cr_assert_eq(fr->m.u.result.kind, kind);
}

static inline void ok(tc *c, const char *cql)
{
	tc_frame *fr = query(c, cql);
	cr_assert_eq(fr->f.h.opcode, UCQL_OP_RESULT, "%s: %s", cql, tc_error_text(fr));
}

/* Column names "a,b,c" of a Rows result. */
static inline const char *col_names(const tc_frame *fr)
{
	static char out[4096];
	size_t o = 0;
	out[0] = 0;
	ucql_col_iter it;
	ucql_col_iter_init(&it, &fr->m.u.result.u.rows.metadata);
	ucql_col_spec cs;
	while (ucql_col_iter_next(&it, &cs))
		o += (size_t)snprintf(out + o, sizeof out - o, "%s%.*s", o ? "," : "", (int)cs.name.len,
				      (const char *)cs.name.p);
	return out;
}

/* Type of column i as CQL text. */
static inline const char *col_type(const tc_frame *fr, int i)
{
	static char out[256];
	ucql_col_iter it;
	ucql_col_iter_init(&it, &fr->m.u.result.u.rows.metadata);
	ucql_col_spec cs;
	for (int k = 0; ucql_col_iter_next(&it, &cs); k++) {
		if (k != i)
			continue;
		ucql_type nodes[64];
		ucql_type_set s;
		ucql_type_set_init(&s, nodes, 64);
		ucql_reader r;
		ucql_reader_init(&r, cs.type.p, cs.type.len);
		int root = ucql_type_read(&r, &s);
		cr_assert_geq(root, 0);
		ucql_type_to_cql(&s, root, UCQL_TYPE_FMT_FROZEN, out, sizeof out);
		return out;
	}
	return "";
}

/* Rows as "v1,v2;v1,v2" with CQL literal text (types from the metadata,
 * which must be present). */
static inline const char *rows_str(const tc_frame *fr)
{
	static char out[65536];
	size_t o = 0;
	out[0] = 0;
	expect_kind((tc_frame *)fr, UCQL_RESULT_ROWS);
	const ucql_rows *rows = &fr->m.u.result.u.rows;
	int32_t n = rows->metadata.columns_count;
	ucql_type nodes[64][32];
	ucql_type_set sets[64];
	int roots[64];
	ucql_col_iter it;
	ucql_col_iter_init(&it, &rows->metadata);
	ucql_col_spec cs;
	for (int k = 0; ucql_col_iter_next(&it, &cs) && k < 64; k++) {
		ucql_type_set_init(&sets[k], nodes[k], 32);
		ucql_reader r;
		ucql_reader_init(&r, cs.type.p, cs.type.len);
		roots[k] = ucql_type_read(&r, &sets[k]);
	}
	ucql_cell_iter ci = ucql_rows_cells(rows);
	ucql_value v;
	for (int32_t row = 0; row < rows->rows_count; row++) {
		if (row)
			out[o++] = ';';
		for (int32_t k = 0; k < n; k++) {
			cr_assert(ucql_cell_next(&ci, &v));
			if (k)
				out[o++] = ',';
			int len = mock_value_format(&sets[k], roots[k], v, out + o, sizeof out - o);
			cr_assert_geq(len, 0);
			o += (size_t)len;
		}
	}
	out[o] = 0;
	return out;
}

static inline const char *q_rows(tc *c, const char *cql)
{
	tc_frame *fr = query(c, cql);
	cr_assert_eq(fr->f.h.opcode, UCQL_OP_RESULT, "%s: %s", cql, tc_error_text(fr));
	return rows_str(fr);
}

#endif
