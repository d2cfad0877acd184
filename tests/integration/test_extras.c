/*
 * Response extras (issue 4, proof 13): tracing ids (ucql-mock returns one
 * for every traced request), server warnings and custom payloads. The
 * mock's CQL engine sends no warnings or payloads of its own, so those
 * tests run the engine behind a small wrapper handler (server.h's
 * pluggable handler) that adds warnings to queries on table `warnme` and
 * echoes the request's custom payload with one entry of its own.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "itest.h"

/* ---- tracing (plain mock) ---------------------------------------------------- */

static void tracing(const char *version)
{
	it_mock m;
	it_mock_start_n(&m, 1);
	ucql_config *cfg = it_config(&m, 1);
	it_set(cfg, "protocol.version", version);
	ucql_session *s = it_connect(cfg);
	ucql_config_free(cfg);
	it_keyspace(s, "ks", 1);
	it_exec(s, "CREATE TABLE ks.t (k int PRIMARY KEY, v int)");
	it_exec(s, "INSERT INTO ks.t (k, v) VALUES (1, 5)");

	ucql_statement *st = ucql_statement_new("SELECT v FROM ks.t WHERE k = 1", 0);
	ucql_resultset *rs = it_run(s, st);
	cr_assert_null(ucql_resultset_tracing_id(rs), "not traced");
	ucql_resultset_free(rs);
	cr_assert_eq(ucql_statement_set_tracing(st, 1), 0);
	uint8_t first[16];
	rs = it_run(s, st);
	const uint8_t *id = ucql_resultset_tracing_id(rs);
	cr_assert_not_null(id);
	cr_assert_eq(id[6] >> 4, 4, "a version 4 uuid");
	memcpy(first, id, 16);
	/* the rows are still there behind the tracing id */
	cr_assert_eq(ucql_resultset_row_count(rs), 1);
	const ucql_value *row = ucql_resultset_next_row(rs);
	int32_t v;
	cr_assert_eq(ucql_value_get_int(row[0], &v), 0);
	cr_assert_eq(v, 5);
	ucql_resultset_free(rs);
	rs = it_run(s, st);
	cr_assert_not_null(ucql_resultset_tracing_id(rs));
	cr_assert(memcmp(ucql_resultset_tracing_id(rs), first, 16), "a new id per request");
	ucql_resultset_free(rs);
	cr_assert_eq(ucql_statement_set_tracing(st, 0), 0);
	rs = it_run(s, st);
	cr_assert_null(ucql_resultset_tracing_id(rs));
	ucql_resultset_free(rs);
	ucql_statement_free(st);

	/* prepared and batch, and an error */
	ucql_prepared_stmt *p = it_prepare(s, "INSERT INTO ks.t (k, v) VALUES (?, ?)");
	st = ucql_prepared_stmt_bind(p);
	cr_assert_eq(ucql_statement_bind_int32(st, 0, 2), 0);
	cr_assert_eq(ucql_statement_bind_int32(st, 1, 2), 0);
	cr_assert_eq(ucql_statement_set_tracing(st, 1), 0);
	rs = it_run(s, st);
	cr_assert_not_null(ucql_resultset_tracing_id(rs));
	ucql_resultset_free(rs);
	ucql_statement *b = ucql_statement_new_batch(UCQL_BATCH_UNLOGGED);
	/* v3: a simple child (a prepared one trips the batch bug that
	 * batch::logged_unlogged_counter_v3 shows) */
	ucql_statement *simple = ucql_statement_new("INSERT INTO ks.t (k, v) VALUES (3, 3)", 0);
	cr_assert_eq(ucql_statement_batch_add(b, version[0] == '3' ? simple : st), 0);
	ucql_statement_free(simple);
	cr_assert_eq(ucql_statement_set_tracing(b, 1), 0);
	rs = it_run(s, b);
	cr_assert_not_null(ucql_resultset_tracing_id(rs));
	ucql_resultset_free(rs);
	ucql_statement_free(b);
	ucql_statement_free(st);
	ucql_prepared_stmt_free(p);
	st = ucql_statement_new("SELECT nope FROM ks.t", 0);
	cr_assert_eq(ucql_statement_set_tracing(st, 1), 0);
	rs = ucql_session_execute_sync(s, st);
	cr_assert_eq(ucql_resultset_error_code(rs), UCQL_E_INVALID);
	cr_assert_gt(strlen(ucql_resultset_error_message(rs)), 0);
	ucql_resultset_free(rs);
	ucql_statement_free(st);

	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

Test(extras, tracing_v5, .timeout = 60)
{
	tracing("5");
}

Test(extras, tracing_v4, .timeout = 60)
{
	tracing("4");
}

Test(extras, tracing_v3, .timeout = 60)
{
	tracing("3");
}

/* ---- warnings and payloads: the engine behind a wrapper ----------------------- */

typedef struct wrapped {
	mock_topology *topo;
	mock_engine *eng;
	mock_cluster *cl;
	uint16_t port;
} wrapped;

/* Storage for what the reply carries: the server encodes the reply right
 * after the handler returns, on the one loop thread. */
static ucql_bytes warn_list[2];
static ucql_bytes pl_keys[9];
static ucql_value pl_vals[9];

static int wrap_handler(void *ctx, const mock_request *req, mock_reply *out)
{
	wrapped *w = ctx;
	int op = mock_engine_handler(w->eng, req, out);
	if (req->opcode == UCQL_OP_QUERY) {
		ucql_bytes q = req->msg->u.query.query;
		if (memmem(q.p, q.len, "warnme", 6)) {
			warn_list[0] = ucql_bytes_str("first warning");
			warn_list[1] = ucql_bytes_str("second: \xe2\x9a\xa0");
			out->warnings = warn_list;
			out->n_warnings = 2;
		}
	}
	if (req->custom_payload.n > 0) {
		ucql_reader it;
		ucql_reader_init(&it, req->custom_payload.raw.p, req->custom_payload.raw.len);
		size_t n = 0;
		ucql_bytes k;
		ucql_value v;
		while (n < 8 && ucql_bytes_map_next(&it, &k, &v)) {
			pl_keys[n] = k;
			pl_vals[n] = v;
			n++;
		}
		pl_keys[n] = ucql_bytes_str("server");
		pl_vals[n] = ucql_value_of("mock", 4);
		n++;
		out->payload_keys = pl_keys;
		out->payload_values = pl_vals;
		out->n_payload = n;
	}
	return op;
}

static void wrapped_start(wrapped *w)
{
	char err[256];
	memset(w, 0, sizeof *w);
	mock_topology_config tc = { .nodes = 1, .dcs = 1, .racks = 1 };
	cr_assert_eq(mock_topology_new(&w->topo, &tc, err, sizeof err), 0, "%s", err);
	mock_engine_config ec = { .topology = w->topo };
	cr_assert_eq(mock_engine_new(&ec, &w->eng, err, sizeof err), 0, "%s", err);
	mock_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.nodes = 1;
	cfg.lz4 = 1;
	cfg.handler = wrap_handler;
	cfg.handler_ctx = w;
	for (int attempt = 0; attempt < 60; attempt++) {
		cfg.port = (uint16_t)(30042 + ((unsigned)getpid() + (unsigned)attempt * 53u) % 2000u);
		int r = mock_cluster_start(&cfg, &w->cl, err, sizeof err);
		if (r == 0) {
			w->port = cfg.port;
			mock_engine_attach(w->eng, w->cl);
			return;
		}
		cr_assert_eq(r, -EADDRINUSE, "start: %d %s", r, err);
	}
	cr_assert_fail("no free port");
}

static void wrapped_stop(wrapped *w)
{
	mock_cluster_stop(w->cl);
	mock_engine_free(w->eng);
	mock_topology_free(w->topo);
	it_leak_check();
}

static ucql_session *wrapped_session(const wrapped *w, const char *version)
{
	it_mock fake = { NULL, w->port, 1 };
	ucql_config *cfg = it_config(&fake, 1);
	it_set(cfg, "protocol.version", version);
	ucql_session *s = it_connect(cfg);
	ucql_config_free(cfg);
	return s;
}

static int bytes_is(ucql_bytes b, const char *s)
{
	return b.len == strlen(s) && !memcmp(b.p, s, b.len);
}

static void warnings(const char *version)
{
	wrapped w;
	wrapped_start(&w);
	ucql_session *s = wrapped_session(&w, version);
	it_keyspace(s, "ks", 1);
	it_exec(s, "CREATE TABLE ks.warnme (k int PRIMARY KEY, v int)");
	it_exec(s, "CREATE TABLE ks.quiet (k int PRIMARY KEY, v int)");
	ucql_resultset *rs = it_query(s, "SELECT v FROM ks.quiet");
	cr_assert_eq(ucql_resultset_warning_count(rs), 0);
	cr_assert_eq(ucql_resultset_warning(rs, 0).len, 0);
	ucql_resultset_free(rs);
	rs = it_query(s, "SELECT v FROM ks.warnme");
	cr_assert_eq(ucql_resultset_warning_count(rs), 2);
	cr_assert(bytes_is(ucql_resultset_warning(rs, 0), "first warning"));
	cr_assert(bytes_is(ucql_resultset_warning(rs, 1), "second: \xe2\x9a\xa0"));
	cr_assert_eq(ucql_resultset_warning(rs, 2).len, 0, "out of range: empty");
	cr_assert_eq(ucql_resultset_kind(rs), UCQL_RESULT_ROWS);
	ucql_resultset_free(rs);
	/* with a tracing id before them in the body */
	ucql_statement *st = ucql_statement_new("INSERT INTO ks.warnme (k, v) VALUES (1, 1)", 0);
	cr_assert_eq(ucql_statement_set_tracing(st, 1), 0);
	rs = it_run(s, st);
	cr_assert_not_null(ucql_resultset_tracing_id(rs));
	cr_assert_eq(ucql_resultset_warning_count(rs), 2);
	ucql_resultset_free(rs);
	ucql_statement_free(st);
	ucql_session_close(s, 5000);
	wrapped_stop(&w);
}

Test(extras, warnings_v5, .timeout = 60)
{
	warnings("5");
}

Test(extras, warnings_v4, .timeout = 60)
{
	warnings("4");
}

static void payloads(const char *version)
{
	wrapped w;
	wrapped_start(&w);
	ucql_session *s = wrapped_session(&w, version);
	ucql_statement *st = ucql_statement_new("SELECT release_version FROM system.local", 0);
	ucql_resultset *rs = it_run(s, st);
	ucql_value v;
	cr_assert_eq(ucql_resultset_payload(rs, "server", &v), 0, "no payload asked, none sent");
	ucql_resultset_free(rs);
	static const uint8_t bin[] = { 0, 1, 0, 0xff };
	cr_assert_eq(ucql_statement_add_payload(st, "k1", ucql_bytes_str("v1")), 0);
	cr_assert_eq(ucql_statement_add_payload(st, "bin", ucql_bytes_of(bin, sizeof bin)), 0);
	cr_assert_eq(ucql_statement_add_payload(st, "empty", ucql_bytes_of(NULL, 0)), 0);
	rs = it_run(s, st);
	cr_assert_eq(ucql_resultset_row_count(rs), 1, "the rows are intact behind the payload");
	cr_assert_eq(ucql_resultset_payload(rs, "k1", &v), 1);
	cr_assert(v.len == 2 && !memcmp(v.p, "v1", 2));
	cr_assert_eq(ucql_resultset_payload(rs, "bin", &v), 1);
	cr_assert(v.len == (int32_t)sizeof bin && !memcmp(v.p, bin, sizeof bin));
	cr_assert_eq(ucql_resultset_payload(rs, "empty", &v), 1);
	cr_assert_eq(v.len, 0);
	cr_assert_eq(ucql_resultset_payload(rs, "server", &v), 1);
	cr_assert(v.len == 4 && !memcmp(v.p, "mock", 4));
	cr_assert_eq(ucql_resultset_payload(rs, "k", &v), 0);
	cr_assert_eq(ucql_resultset_payload(rs, "nosuch", &v), 0);
	ucql_resultset_free(rs);
	ucql_statement_free(st);
	ucql_session_close(s, 5000);
	wrapped_stop(&w);
}

Test(extras, payload_v5, .timeout = 60)
{
	payloads("5");
}

Test(extras, payload_v4, .timeout = 60)
{
	payloads("4");
}

/* v3 has no custom payload: the request is refused locally. */
Test(extras, payload_v3_refused, .timeout = 60)
{
	wrapped w;
	wrapped_start(&w);
	ucql_session *s = wrapped_session(&w, "3");
	ucql_statement *st = ucql_statement_new("SELECT release_version FROM system.local", 0);
	cr_assert_eq(ucql_statement_add_payload(st, "k1", ucql_bytes_str("v1")), 0);
	ucql_resultset *rs = ucql_session_execute_sync(s, st);
	cr_assert_eq(ucql_resultset_error_code(rs), UCQL_E_INVALID_ARG);
	ucql_resultset_free(rs);
	ucql_statement_free(st);
	ucql_session_close(s, 5000);
	wrapped_stop(&w);
}
