/*
 * Tests of ucql-mock's network server (tools/mock/server.h): a 3-node
 * cluster in-process, driven by the blocking test client (client.h).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client.h"
#include "server.h"
#include "ucql/segment.h"

static uint16_t port;

static mock_cluster *start(mock_config *cfg)
{
	if (!cfg->nodes)
		cfg->nodes = 3;
	for (int attempt = 0; attempt < 50; attempt++) {
		cfg->port = (uint16_t)(19042 + ((unsigned)getpid() + (unsigned)attempt * 37u) % 1000u);
		char err[256];
		mock_cluster *c = NULL;
		int r = mock_cluster_start(cfg, &c, err, sizeof err);
		if (r == 0) {
			port = cfg->port;
			return c;
		}
		cr_assert_eq(r, -EADDRINUSE, "start failed: %d %s", r, err);
	}
	cr_assert_fail("no free port");
	return NULL;
}

static mock_cluster *start_default(void)
{
	mock_config cfg;
	memset(&cfg, 0, sizeof cfg);
	return start(&cfg);
}

static void connect_ok(tc *c, int node, int version)
{
	int r = tc_connect(c, node, port, version);
	cr_assert_eq(r, 0, "connect node %d: %s", node, strerror(-r));
}

/* Connect + STARTUP → READY. */
static void ready(tc *c, int node, int version, const char *compression)
{
	tc_frame fr;
	connect_ok(c, node, version);
	int op = tc_startup(c, compression, &fr);
	cr_assert_eq(op, UCQL_OP_READY, "STARTUP v%d: got opcode %d (%s)", version, op, tc_error_text(&fr));
	cr_assert_eq(fr.f.h.version, version);
	cr_assert_eq(fr.f.h.flags & UCQL_FLAG_COMPRESSION, 0, "STARTUP's reply is never compressed");
}

static void recv_ok(tc *c, tc_frame *fr)
{
	int r = tc_recv(c, fr);
	cr_assert_eq(r, 1, "recv: %d (%s)", r, r < 0 ? ucql_err_str(r) : "EOF");
	cr_assert_eq(fr->merr, 0, "body of opcode %d does not decode: %s", fr->f.h.opcode,
		     ucql_err_str(fr->merr));
}

static void expect_void(tc *c, int16_t stream)
{
	tc_frame fr;
	recv_ok(c, &fr);
	cr_assert_eq(fr.f.h.opcode, UCQL_OP_RESULT, "opcode %d: %s", fr.f.h.opcode, tc_error_text(&fr));
	cr_assert_eq(fr.f.h.stream, stream);
	cr_assert_eq(fr.m.u.result.kind, UCQL_RESULT_VOID);
}

static void expect_error(tc *c, int16_t stream, int code, const char *msg)
{
	tc_frame fr;
	recv_ok(c, &fr);
	cr_assert_eq(fr.f.h.opcode, UCQL_OP_ERROR, "expected ERROR, got opcode %d", fr.f.h.opcode);
	cr_assert_eq(fr.f.h.stream, stream);
	cr_assert_eq(fr.m.u.error.wire_code, ucql_err_to_wire(code), "code 0x%x: %s",
		     fr.m.u.error.wire_code, tc_error_text(&fr));
	if (msg)
		cr_assert_str_eq(tc_error_text(&fr), msg);
}

/* The values of a SUPPORTED key, joined with ','. */
static void supported_values(const tc_frame *fr, const char *key, char *out, size_t len)
{
	ucql_list_view vals;
	out[0] = 0;
	cr_assert(ucql_string_multimap_get(fr->m.u.supported.options, key, &vals), "no %s", key);
	ucql_reader it;
	ucql_reader_init(&it, vals.raw.p, vals.raw.len);
	ucql_bytes s;
	size_t o = 0;
	while (ucql_string_list_next(&it, &s))
		o += (size_t)snprintf(out + o, len - o, "%s%.*s", o ? "," : "", (int)s.len, (const char *)s.p);
}

/* ---- OPTIONS / STARTUP ------------------------------------------------------ */

Test(server, options_every_version)
{
	mock_cluster *cl = start_default();
	for (int v = 3; v <= 5; v++) {
		tc c;
		tc_frame fr;
		connect_ok(&c, 1 + v % 3, v);
		cr_assert_eq(tc_send_options(&c, 7), 0);
		recv_ok(&c, &fr);
		cr_assert_eq(fr.f.h.opcode, UCQL_OP_SUPPORTED);
		cr_assert_eq(fr.f.h.version, v);
		cr_assert_eq(fr.f.h.response, 1);
		cr_assert_eq(fr.f.h.stream, 7);
		char vals[128];
		supported_values(&fr, "CQL_VERSION", vals, sizeof vals);
		cr_assert_str_eq(vals, "3.4.5");
		supported_values(&fr, "COMPRESSION", vals, sizeof vals);
		cr_assert_str_eq(vals, "");
		supported_values(&fr, "PROTOCOL_VERSIONS", vals, sizeof vals);
		cr_assert_str_eq(vals, "3/v3,4/v4,5/v5");
		tc_close(&c);
	}
	mock_cluster_stop(cl);
}

Test(server, options_lz4_and_node_max_version)
{
	mock_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.lz4 = 1;
	cfg.node_max_version[2] = 4;
	mock_cluster *cl = start(&cfg);
	cr_assert_eq(mock_node_max_version(cl, 3), 4);
	cr_assert_eq(mock_node_max_version(cl, 1), 5);
	tc c;
	tc_frame fr;
	char vals[128];
	connect_ok(&c, 3, 4);
	cr_assert_eq(tc_send_options(&c, 0), 0);
	recv_ok(&c, &fr);
	supported_values(&fr, "COMPRESSION", vals, sizeof vals);
	cr_assert_str_eq(vals, "lz4");
	supported_values(&fr, "PROTOCOL_VERSIONS", vals, sizeof vals);
	cr_assert_str_eq(vals, "3/v3,4/v4");
	tc_close(&c);
	mock_cluster_stop(cl);
}

Test(server, startup_ready_and_query_v3_v4)
{
	mock_cluster *cl = start_default();
	for (int v = 3; v <= 4; v++) {
		tc c;
		ready(&c, 2, v, NULL);
		cr_assert_eq(tc_send_query(&c, 5, 0, "INSERT INTO t (k) VALUES (1)"), 0);
		expect_void(&c, 5);
		cr_assert_eq(tc_send_query(&c, 6, 0, "  select * from t"), 0);
		expect_error(&c, 6, UCQL_E_INVALID, NULL);
		/* OPTIONS at any time (heartbeats). */
		cr_assert_eq(tc_send_options(&c, 9), 0);
		tc_frame fr;
		recv_ok(&c, &fr);
		cr_assert_eq(fr.f.h.opcode, UCQL_OP_SUPPORTED);
		cr_assert_eq(fr.f.h.stream, 9);
		tc_close(&c);
	}
	mock_node_stats st;
	cr_assert_eq(mock_node_stats_get(cl, 2, &st), 0);
	cr_assert_eq(st.requests, 4);
	cr_assert_eq(st.frames, 8); /* 2 × (STARTUP, 2 queries, OPTIONS) */
	cr_assert_eq(st.connections_total, 2);
	mock_cluster_stop(cl);
}

Test(server, use_sets_keyspace)
{
	mock_cluster *cl = start_default();
	tc c;
	tc_frame fr;
	ready(&c, 1, 4, NULL);
	cr_assert_eq(tc_send_query(&c, 1, 0, "USE \"MyKs\" ;"), 0);
	recv_ok(&c, &fr);
	cr_assert_eq(fr.f.h.opcode, UCQL_OP_RESULT);
	cr_assert_eq(fr.m.u.result.kind, UCQL_RESULT_SET_KEYSPACE);
	cr_assert(ucql_bytes_eq_str(fr.m.u.result.u.keyspace, "MyKs"));
	tc_close(&c);
	mock_cluster_stop(cl);
}

Test(server, startup_errors)
{
	mock_cluster *cl = start_default(); /* lz4 not offered */
	tc c;
	tc_frame fr;
	connect_ok(&c, 1, 4);
	cr_assert_eq(tc_startup(&c, "lz4", &fr), UCQL_OP_ERROR);
	cr_assert_str_eq(tc_error_text(&fr), "Unknown compression algorithm: lz4");
	cr_assert_eq(tc_startup(&c, "snappy", &fr), UCQL_OP_ERROR);
	cr_assert_eq(fr.m.u.error.wire_code, 0x000A);
	/* Requests before STARTUP: Protocol error, the connection stays. */
	cr_assert_eq(tc_send_query(&c, 3, 0, "INSERT"), 0);
	expect_error(&c, 3, UCQL_E_PROTOCOL, "Unexpected message QUERY, expecting STARTUP or OPTIONS");
	cr_assert_eq(tc_startup(&c, NULL, &fr), UCQL_OP_READY);
	cr_assert_eq(tc_startup(&c, NULL, &fr), UCQL_OP_ERROR);
	cr_assert_str_eq(tc_error_text(&fr), "Unexpected message STARTUP, the connection is already initialized");
	tc_close(&c);
	mock_cluster_stop(cl);
}

/* ---- v5 segments, v4 compression -------------------------------------------- */

static void v5_exchange(int lz4)
{
	mock_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.lz4 = 1;
	mock_cluster *cl = start(&cfg);
	tc c;
	ready(&c, 1, 5, lz4 ? "lz4" : NULL);
	cr_assert(c.seg_in && c.seg_out);
	cr_assert_eq(tc_send_query(&c, 11, 0, "INSERT INTO t (k) VALUES (1)"), 0);
	expect_void(&c, 11);
	/* A query large enough for lz4 to matter and for two segments. */
	size_t big = 200000;
	char *q = malloc(big + 1);
	memcpy(q, "UPDATE t SET v = '", 18);
	memset(q + 18, 'a', big - 18);
	q[big - 1] = '\'';
	q[big] = 0;
	cr_assert_eq(tc_send_query(&c, 12, 0, q), 0);
	free(q);
	expect_void(&c, 12);
	cr_assert_eq(tc_send_options(&c, 13), 0);
	tc_frame fr;
	recv_ok(&c, &fr);
	cr_assert_eq(fr.f.h.opcode, UCQL_OP_SUPPORTED);
	cr_assert_eq(fr.f.h.version, 5);
	tc_close(&c);
	mock_cluster_stop(cl);
}

Test(server, v5_segments_plain)
{
	v5_exchange(0);
}

Test(server, v5_segments_lz4)
{
	v5_exchange(1);
}

Test(server, v5_wire_bytes_are_segments)
{
	/* Check the framing on the wire itself, not through the client: after
	 * READY the server's bytes must be one uncompressed segment holding
	 * the RESULT envelope. */
	mock_cluster *cl = start_default();
	tc c;
	ready(&c, 1, 5, NULL);
	cr_assert_eq(tc_send_query(&c, 2, 0, "INSERT"), 0);
	uint8_t b[256];
	size_t have = 0;
	for (;;) {
		ssize_t n = recv(c.fd, b + have, sizeof b - have, 0);
		cr_assert_gt(n, 0);
		have += (size_t)n;
		ucql_segment seg;
		int r = ucql_segment_decode(b, have, 0, NULL, 0, &seg);
		if (r == UCQL_NEED_MORE)
			continue;
		cr_assert_eq((size_t)r, have, "exactly one segment");
		cr_assert(seg.self_contained);
		cr_assert_eq(seg.payload.len, 9 + 4);
		cr_assert_eq(seg.payload.p[0], 0x85);
		cr_assert_eq(seg.payload.p[4], UCQL_OP_RESULT);
		break;
	}
	tc_close(&c);
	mock_cluster_stop(cl);
}

Test(server, v4_lz4_frames)
{
	mock_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.lz4 = 1;
	mock_cluster *cl = start(&cfg);
	tc c;
	tc_frame fr;
	ready(&c, 2, 4, "lz4");
	cr_assert(c.compress_out);
	cr_assert_eq(tc_send_query(&c, 4, 0, "INSERT INTO t (k) VALUES (1)"), 0);
	recv_ok(&c, &fr);
	cr_assert_eq(fr.f.h.opcode, UCQL_OP_RESULT);
	cr_assert(fr.f.h.flags & UCQL_FLAG_COMPRESSION, "responses after STARTUP are compressed");
	cr_assert_eq(fr.m.u.result.kind, UCQL_RESULT_VOID);
	/* An uncompressed request is accepted too. */
	c.compress_out = 0;
	cr_assert_eq(tc_send_query(&c, 5, 0, "INSERT"), 0);
	expect_void(&c, 5);
	tc_close(&c);
	mock_cluster_stop(cl);
}

/* ---- version negotiation -------------------------------------------------------- */

static void expect_version_error(tc *c, int version_byte, int16_t stream, const char *msg)
{
	/* Read the raw bytes: the client's frame decoder refuses v1/v2. */
	uint8_t b[512];
	size_t have = 0;
	while (have < 9 || have < 9 + ucql__be32(b + 5)) {
		ssize_t n = recv(c->fd, b + have, sizeof b - have, 0);
		cr_assert_gt(n, 0, "reply expected");
		have += (size_t)n;
	}
	cr_assert_eq(b[0], version_byte, "version byte 0x%02x", b[0]);
	cr_assert_eq(b[4], UCQL_OP_ERROR);
	cr_assert_eq((int16_t)ucql__be16(b + 2), stream);
	cr_assert_eq(have, 9 + ucql__be32(b + 5), "nothing after the error");
	ucql_error_msg m;
	cr_assert_eq(ucql_error_msg_decode(ucql_bytes_of(b + 9, have - 9), 4, &m), 0);
	cr_assert_eq(m.wire_code, 0x000A);
	char text[300];
	snprintf(text, sizeof text, "%.*s", (int)m.message.len, (const char *)m.message.p);
	cr_assert_str_eq(text, msg);
	cr_assert(tc_wait_closed(c), "closed after the error");
}

Test(server, unsupported_v6)
{
	mock_cluster *cl = start_default();
	tc c;
	connect_ok(&c, 1, 6);
	uint8_t h[9] = { 0x06, 0, 0x01, 0x02, UCQL_OP_OPTIONS, 0, 0, 0, 0 };
	cr_assert_eq(tc_queue_raw(&c, h, 9), 0);
	cr_assert_eq(tc_flush(&c), 0);
	expect_version_error(&c, 0x85, 0x0102,
			     "Invalid or unsupported protocol version (6); supported versions are (3/v3, 4/v4, 5/v5)");
	tc_close(&c);
	/* DSE-style probes (0x42) get the same treatment. */
	connect_ok(&c, 2, 0x42);
	uint8_t h2[9] = { 0x42, 0, 0, 0, UCQL_OP_OPTIONS, 0, 0, 0, 0 };
	cr_assert_eq(tc_queue_raw(&c, h2, 9), 0);
	cr_assert_eq(tc_flush(&c), 0);
	expect_version_error(&c, 0x85, 0,
			     "Invalid or unsupported protocol version (66); supported versions are (3/v3, 4/v4, 5/v5)");
	tc_close(&c);
	mock_cluster_stop(cl);
}

Test(server, unsupported_v5_on_v4_node)
{
	mock_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.node_max_version[1] = 4;
	mock_cluster *cl = start(&cfg);
	tc c;
	connect_ok(&c, 2, 5);
	cr_assert_eq(tc_send_options(&c, 3), 0);
	expect_version_error(&c, 0x84, 3,
			     "Invalid or unsupported protocol version (5); supported versions are (3/v3, 4/v4)");
	tc_close(&c);
	/* The driver's retry with v4 works. */
	ready(&c, 2, 4, NULL);
	tc_close(&c);
	mock_cluster_stop(cl);
}

Test(server, unsupported_v2_short_header)
{
	mock_cluster *cl = start_default();
	tc c;
	connect_ok(&c, 3, 2);
	/* v2: 8-byte header, 1-byte stream. Only the 8 bytes are sent: the
	 * server must not wait for a 9th. */
	uint8_t h[8] = { 0x02, 0, 0x05, UCQL_OP_OPTIONS, 0, 0, 0, 0 };
	cr_assert_eq(tc_queue_raw(&c, h, 8), 0);
	cr_assert_eq(tc_flush(&c), 0);
	expect_version_error(&c, 0x82, 5,
			     "Invalid or unsupported protocol version (2); supported versions are (3/v3, 4/v4, 5/v5)");
	tc_close(&c);
	mock_cluster_stop(cl);
}

/* ---- auth -------------------------------------------------------------------------- */

Test(server, auth_success_and_failure)
{
	mock_user users[] = { { "cassandra", "cassandra" }, { "bob", "s3cret" } };
	mock_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.auth = 1;
	cfg.users = users;
	cfg.n_users = 2;
	mock_cluster *cl = start(&cfg);
	tc c;
	tc_frame fr;
	connect_ok(&c, 1, 4);
	cr_assert_eq(tc_startup(&c, NULL, &fr), UCQL_OP_AUTHENTICATE);
	cr_assert(ucql_bytes_eq_str(fr.m.u.authenticate.authenticator, MOCK_PASSWORD_AUTHENTICATOR));
	/* Requests before auth completes: Protocol error (as Cassandra). */
	cr_assert_eq(tc_send_query(&c, 2, 0, "INSERT"), 0);
	expect_error(&c, 2, UCQL_E_PROTOCOL, "Unexpected message QUERY, expecting SASL_RESPONSE");
	cr_assert_eq(tc_auth(&c, "bob", "wrong", &fr), UCQL_OP_ERROR);
	cr_assert_eq(fr.m.u.error.wire_code, 0x0100);
	cr_assert_str_eq(tc_error_text(&fr), "Provided username bob and/or password are incorrect");
	cr_assert_eq(tc_auth(&c, "bob", "s3cret", &fr), UCQL_OP_AUTH_SUCCESS);
	cr_assert_eq(fr.m.u.auth_success.token.len, UCQL_NULL);
	cr_assert_eq(tc_send_query(&c, 3, 0, "INSERT"), 0);
	expect_void(&c, 3);
	tc_close(&c);

	/* v5: AUTHENTICATE is the last unframed envelope. */
	connect_ok(&c, 2, 5);
	cr_assert_eq(tc_startup(&c, NULL, &fr), UCQL_OP_AUTHENTICATE);
	cr_assert(c.seg_in && c.seg_out);
	cr_assert_eq(tc_auth(&c, "cassandra", "cassandra", &fr), UCQL_OP_AUTH_SUCCESS);
	cr_assert_eq(tc_send_query(&c, 4, 0, "INSERT"), 0);
	expect_void(&c, 4);
	tc_close(&c);
	mock_cluster_stop(cl);
}

/* ---- events ------------------------------------------------------------------------- */

static void expect_supported(tc *c, int16_t stream)
{
	tc_frame fr;
	recv_ok(c, &fr);
	cr_assert_eq(fr.f.h.opcode, UCQL_OP_SUPPORTED, "got opcode %d instead of SUPPORTED", fr.f.h.opcode);
	cr_assert_eq(fr.f.h.stream, stream);
}

Test(server, register_and_events)
{
	mock_cluster *cl = start_default();
	tc a, b, n, x;
	tc_frame fr;
	const char *status[] = { "STATUS_CHANGE", "TOPOLOGY_CHANGE" };
	const char *schema[] = { "SCHEMA_CHANGE" };
	ready(&a, 1, 4, NULL);
	ready(&b, 2, 5, NULL);
	ready(&n, 3, 4, NULL);
	ready(&x, 3, 3, NULL);
	cr_assert_eq(tc_send_register(&a, 1, status, 2), 0);
	recv_ok(&a, &fr);
	cr_assert_eq(fr.f.h.opcode, UCQL_OP_READY);
	cr_assert_eq(tc_send_register(&b, 1, schema, 1), 0);
	recv_ok(&b, &fr);
	cr_assert_eq(fr.f.h.opcode, UCQL_OP_READY);
	cr_assert_eq(tc_send_register(&x, 1, status, 1), 0);
	recv_ok(&x, &fr);
	cr_assert_eq(fr.f.h.opcode, UCQL_OP_READY);

	ucql_event ev;
	memset(&ev, 0, sizeof ev);
	ev.type = UCQL_EVENT_STATUS_CHANGE;
	ev.change = UCQL_CHANGE_DOWN;
	ev.address.len = 4;
	ev.address.addr[0] = 127;
	ev.address.addr[3] = 3;
	ev.address.port = port;
	/* About node 3: not pushed on node 3 itself (x is there). */
	cr_assert_eq(mock_cluster_push_event(cl, &ev, 3), 1);
	recv_ok(&a, &fr);
	cr_assert_eq(fr.f.h.opcode, UCQL_OP_EVENT);
	cr_assert_eq(fr.f.h.stream, -1);
	cr_assert_eq(fr.m.u.event.type, UCQL_EVENT_STATUS_CHANGE);
	cr_assert_eq(fr.m.u.event.change, UCQL_CHANGE_DOWN);
	cr_assert_eq(fr.m.u.event.address.addr[3], 3);
	/* The others got nothing: their next frame is the reply to OPTIONS
	 * (an event would have been queued before it). */
	cr_assert_eq(tc_send_options(&b, 2), 0);
	expect_supported(&b, 2);
	cr_assert_eq(tc_send_options(&n, 2), 0);
	expect_supported(&n, 2);
	cr_assert_eq(tc_send_options(&x, 2), 0);
	expect_supported(&x, 2);

	ucql_event sc;
	memset(&sc, 0, sizeof sc);
	sc.type = UCQL_EVENT_SCHEMA_CHANGE;
	sc.schema.change = UCQL_CHANGE_CREATED;
	sc.schema.target = UCQL_TARGET_TABLE;
	sc.schema.keyspace = ucql_bytes_str("ks");
	sc.schema.name = ucql_bytes_str("t");
	cr_assert_eq(mock_cluster_push_event(cl, &sc, 0), 1);
	recv_ok(&b, &fr); /* v5: in a segment */
	cr_assert_eq(fr.f.h.opcode, UCQL_OP_EVENT);
	cr_assert_eq(fr.f.h.version, 5);
	cr_assert_eq(fr.m.u.event.type, UCQL_EVENT_SCHEMA_CHANGE);
	cr_assert(ucql_bytes_eq_str(fr.m.u.event.schema.name, "t"));
	cr_assert_eq(tc_send_options(&a, 3), 0);
	expect_supported(&a, 3);

	/* Unknown event type: Protocol error. */
	const char *bad[] = { "NOT_AN_EVENT" };
	cr_assert_eq(tc_send_register(&n, 4, bad, 1), 0);
	expect_error(&n, 4, UCQL_E_PROTOCOL, NULL);

	/* Bad event: refused. */
	ucql_event junk;
	memset(&junk, 0, sizeof junk);
	cr_assert_eq(mock_cluster_push_event(cl, &junk, 0), UCQL_E_INVALID_ARG);
	tc_close(&a);
	tc_close(&b);
	tc_close(&n);
	tc_close(&x);
	mock_cluster_stop(cl);
}

/* ---- node down / up -------------------------------------------------------------------- */

Test(server, node_down_and_up)
{
	mock_cluster *cl = start_default();
	tc a, b, other;
	ready(&a, 2, 4, NULL);
	ready(&b, 2, 5, NULL);
	ready(&other, 1, 4, NULL);
	mock_node_stats st;
	mock_node_stats_get(cl, 2, &st);
	cr_assert_eq(st.connections, 2);

	cr_assert_eq(mock_node_set_up(cl, 2, 0), 0);
	cr_assert_eq(mock_node_is_up(cl, 2), 0);
	cr_assert(tc_wait_closed(&a));
	cr_assert(tc_wait_closed(&b));
	mock_node_stats_get(cl, 2, &st);
	cr_assert_eq(st.connections, 0);
	tc d;
	cr_assert_eq(tc_connect(&d, 2, port, 4), -ECONNREFUSED);
	/* Other nodes are unaffected. */
	cr_assert_eq(tc_send_query(&other, 1, 0, "INSERT"), 0);
	expect_void(&other, 1);

	cr_assert_eq(mock_node_set_up(cl, 2, 0), 0, "down twice is fine");
	cr_assert_eq(mock_node_set_up(cl, 2, 1), 0);
	cr_assert_eq(mock_node_is_up(cl, 2), 1);
	ready(&d, 2, 4, NULL);
	cr_assert_eq(tc_send_query(&d, 1, 0, "INSERT"), 0);
	expect_void(&d, 1);
	cr_assert_eq(mock_node_set_up(cl, 2, 1), 0, "up twice is fine");
	cr_assert_eq(mock_node_set_up(cl, 4, 1), -EINVAL);
	tc_close(&a);
	tc_close(&b);
	tc_close(&d);
	tc_close(&other);
	mock_cluster_stop(cl);
}

/* ---- pipelining ---------------------------------------------------------------------- */

static void pipelined(int version, const char *compression)
{
	mock_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.lz4 = 1;
	mock_cluster *cl = start(&cfg);
	tc c;
	ready(&c, 3, version, compression);
	enum { N = 1000 };
	for (int i = 0; i < N; i++)
		cr_assert_eq(tc_queue_query(&c, (int16_t)i, 0, i % 10 ? "INSERT INTO t (k) VALUES (1)" : "SELECT * FROM t"), 0);
	cr_assert_eq(tc_flush(&c), 0);
	static uint8_t seen[N];
	memset(seen, 0, sizeof seen);
	for (int i = 0; i < N; i++) {
		tc_frame fr;
		recv_ok(&c, &fr);
		int s = fr.f.h.stream;
		cr_assert(s >= 0 && s < N, "stream %d", s);
		cr_assert_eq(seen[s], 0, "stream %d answered twice", s);
		seen[s] = 1;
		cr_assert_eq(fr.f.h.opcode, s % 10 ? UCQL_OP_RESULT : UCQL_OP_ERROR, "stream %d", s);
	}
	mock_node_stats st;
	mock_node_stats_get(cl, 3, &st);
	cr_assert_eq(st.requests, N);
	tc_close(&c);
	mock_cluster_stop(cl);
}

Test(server, pipelined_1000_v4)
{
	pipelined(4, NULL);
}

Test(server, pipelined_1000_v4_lz4)
{
	pipelined(4, "lz4");
}

Test(server, pipelined_1000_v5_lz4)
{
	pipelined(5, "lz4");
}

Test(server, pipelined_1000_v5)
{
	pipelined(5, NULL);
}

/* ---- tracing ---------------------------------------------------------------------------- */

Test(server, tracing_flag)
{
	mock_cluster *cl = start_default();
	tc c;
	tc_frame fr;
	ready(&c, 1, 4, NULL);
	cr_assert_eq(tc_send_query(&c, 8, UCQL_FLAG_TRACING, "INSERT"), 0);
	recv_ok(&c, &fr);
	cr_assert_eq(fr.f.h.opcode, UCQL_OP_RESULT);
	cr_assert(fr.f.h.flags & UCQL_FLAG_TRACING);
	cr_assert_not_null(fr.f.tracing_id);
	cr_assert_eq(fr.f.tracing_id[6] >> 4, 4, "a version-4 uuid");
	cr_assert_eq(fr.m.u.result.kind, UCQL_RESULT_VOID);
	cr_assert_eq(tc_send_query(&c, 9, 0, "INSERT"), 0);
	recv_ok(&c, &fr);
	cr_assert_eq(fr.f.h.flags & UCQL_FLAG_TRACING, 0);
	cr_assert_null(fr.f.tracing_id);
	tc_close(&c);
	mock_cluster_stop(cl);
}

/* ---- malformed input ---------------------------------------------------------------------- */

static void fatal_after(int version, const uint8_t *bytes, size_t n, int16_t stream, const char *msg)
{
	mock_cluster *cl = start_default();
	tc c;
	ready(&c, 1, version, NULL);
	cr_assert_eq(tc_queue_raw(&c, bytes, n), 0);
	cr_assert_eq(tc_flush(&c), 0);
	expect_error(&c, stream, UCQL_E_PROTOCOL, msg);
	cr_assert(tc_wait_closed(&c), "closed after a protocol error");
	/* The server is still fine. */
	tc d;
	ready(&d, 1, version, NULL);
	tc_close(&d);
	tc_close(&c);
	mock_cluster_stop(cl);
}

Test(server, malformed_unknown_opcode)
{
	uint8_t h[9] = { 0x04, 0, 0, 0x21, 0x42, 0, 0, 0, 0 };
	fatal_after(4, h, 9, 0x21, "Unknown opcode 66");
}

Test(server, malformed_response_opcode)
{
	uint8_t h[9] = { 0x04, 0, 0, 0x22, UCQL_OP_RESULT, 0, 0, 0, 0 };
	fatal_after(4, h, 9, 0x22, NULL);
}

Test(server, malformed_query_body)
{
	/* QUERY whose [long string] claims 100 bytes but the body has 5. */
	uint8_t f[9 + 9] = { 0x04, 0, 0, 0x23, UCQL_OP_QUERY, 0, 0, 0, 9, 0, 0, 0, 100, 'a', 'b', 'c', 'd', 'e' };
	fatal_after(4, f, sizeof f, 0x23, "Error decoding QUERY message body: a length runs past the end of its enclosing data");
}

Test(server, malformed_version_change)
{
	uint8_t h[9] = { 0x03, 0, 0, 0x24, UCQL_OP_OPTIONS, 0, 0, 0, 0 };
	fatal_after(4, h, 9, 0x24,
		    "Invalid message version. Got 3 but previous messages on this connection had version 4");
}

Test(server, malformed_segment_crc)
{
	mock_cluster *cl = start_default();
	tc c;
	ready(&c, 1, 5, NULL);
	/* A v5 OPTIONS segment (notes/protocol.md) with its payload CRC broken. */
	uint8_t seg[] = { 0x09, 0x00, 0x02, 0xa4, 0xc8, 0xc1, 0x05, 0, 0, 0, 0x05, 0, 0, 0, 0,
			  0x10, 0x86, 0x28, 0x4e };
	cr_assert_eq(tc_queue_raw(&c, seg, sizeof seg), 0);
	cr_assert_eq(tc_flush(&c), 0);
	expect_error(&c, 0, UCQL_E_PROTOCOL, "Checksum mismatch in a v5 segment");
	cr_assert(tc_wait_closed(&c));
	tc_close(&c);
	mock_cluster_stop(cl);
}

Test(server, v5_known_answer_segment)
{
	/* The same segment with the right CRC is accepted. */
	mock_cluster *cl = start_default();
	tc c;
	ready(&c, 1, 5, NULL);
	uint8_t seg[] = { 0x09, 0x00, 0x02, 0xa4, 0xc8, 0xc1, 0x05, 0, 0, 0, 0x05, 0, 0, 0, 0,
			  0x10, 0x86, 0x28, 0x4d };
	cr_assert_eq(tc_queue_raw(&c, seg, sizeof seg), 0);
	cr_assert_eq(tc_flush(&c), 0);
	expect_supported(&c, 0);
	tc_close(&c);
	mock_cluster_stop(cl);
}

Test(server, too_big_frame)
{
	mock_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.max_frame = 1000;
	mock_cluster *cl = start(&cfg);
	tc c;
	ready(&c, 1, 4, NULL);
	uint8_t h[9] = { 0x04, 0, 0, 0x30, UCQL_OP_QUERY, 0, 0, 0x10, 0 }; /* 4096-byte body announced */
	cr_assert_eq(tc_queue_raw(&c, h, 9), 0);
	cr_assert_eq(tc_flush(&c), 0);
	expect_error(&c, 0x30, UCQL_E_INVALID,
		     "Request is too big: length 4105 exceeds maximum allowed length 1009.");
	cr_assert(tc_wait_closed(&c));
	tc_close(&c);
	mock_cluster_stop(cl);
}

Test(server, garbage_never_crashes)
{
	mock_cluster *cl = start_default();
	uint64_t x = 0x12345678;
	for (int round = 0; round < 40; round++) {
		tc c;
		connect_ok(&c, 1 + round % 3, 4);
		uint8_t junk[300];
		for (size_t i = 0; i < sizeof junk; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			junk[i] = (uint8_t)x;
		}
		/* Half the rounds start with a valid v4/v5 header byte. */
		if (round % 2)
			junk[0] = (uint8_t)(3 + round % 3);
		tc_queue_raw(&c, junk, sizeof junk);
		tc_flush(&c);
		/* Whatever comes back, the server ends or keeps the connection;
		 * it must not die. Closing our side ends it either way. */
		tc_close(&c);
	}
	tc c;
	ready(&c, 2, 4, NULL);
	tc_close(&c);
	mock_cluster_stop(cl);
}

/* ---- handler actions ------------------------------------------------------------------------ */

static int action_handler(void *ctx, const mock_request *req, mock_reply *out)
{
	(void)ctx;
	if (req->opcode == UCQL_OP_QUERY) {
		ucql_bytes q = req->msg->u.query.query;
		if (ucql_bytes_eq_str(q, "noreply"))
			out->action = MOCK_ACT_NO_REPLY;
		else if (ucql_bytes_eq_str(q, "close"))
			out->action = MOCK_ACT_CLOSE;
		else if (ucql_bytes_eq_str(q, "halfclose"))
			out->action = MOCK_ACT_HALF_CLOSE;
		else if (ucql_bytes_eq_str(q, "delay"))
			out->delay_ms = 30;
		else if (ucql_bytes_eq_str(q, "warn")) {
			static const ucql_bytes w[1] = { { (const uint8_t *)"careful", 7 } };
			out->warnings = w;
			out->n_warnings = 1;
		} else if (ucql_bytes_eq_str(q, "fail"))
			return -1;
		else if (ucql_bytes_eq_str(q, "big")) {
			/* Larger than the initial reply buffer: exercises the retry. */
			static uint8_t blob[200000];
			ucql_result r;
			memset(&r, 0, sizeof r);
			r.kind = UCQL_RESULT_SET_KEYSPACE;
			size_t at = out->w.len;
			do {
				ucql_write_int(&out->w, UCQL_RESULT_VOID);
				ucql_write_raw(&out->w, blob, 0);
			} while (mock_reply_retry(out, at));
			(void)r;
			/* A real body that needs growth: an ERROR with a long message. */
			out->w.len = 0;
			memset(blob, 'x', sizeof blob - 1);
			ucql_error_msg m;
			ucql_error_msg_init(&m, UCQL_E_INVALID, ucql_bytes_of(blob, 60000));
			at = out->w.len;
			do
				ucql_error_msg_encode(&out->w, req->session->version, &m);
			while (mock_reply_retry(out, at));
			return UCQL_OP_ERROR;
		}
	}
	return mock_default_handler(ctx, req, out);
}

static mock_cluster *start_actions(void)
{
	mock_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.handler = action_handler;
	return start(&cfg);
}

Test(server, action_no_reply_and_delay)
{
	mock_cluster *cl = start_actions();
	tc c;
	ready(&c, 1, 4, NULL);
	cr_assert_eq(tc_queue_query(&c, 1, 0, "noreply"), 0);
	cr_assert_eq(tc_queue_query(&c, 2, 0, "delay"), 0);
	cr_assert_eq(tc_queue_query(&c, 3, 0, "INSERT"), 0);
	cr_assert_eq(tc_flush(&c), 0);
	/* Order, not time: the undelayed answer overtakes the delayed one and
	 * stream 1 is never answered. */
	expect_void(&c, 3);
	expect_void(&c, 2);
	cr_assert_eq(tc_send_options(&c, 4), 0);
	expect_supported(&c, 4);
	tc_close(&c);
	mock_cluster_stop(cl);
}

Test(server, action_close_and_half_close)
{
	mock_cluster *cl = start_actions();
	tc c;
	ready(&c, 1, 4, NULL);
	cr_assert_eq(tc_send_query(&c, 1, 0, "close"), 0);
	cr_assert(tc_wait_closed(&c));
	tc_close(&c);
	ready(&c, 1, 5, NULL);
	cr_assert_eq(tc_queue_query(&c, 1, 0, "INSERT"), 0);
	cr_assert_eq(tc_queue_query(&c, 2, 0, "halfclose"), 0);
	cr_assert_eq(tc_flush(&c), 0);
	expect_void(&c, 1);
	tc_frame fr;
	cr_assert_eq(tc_recv(&c, &fr), 0, "EOF after the half-close");
	tc_close(&c);
	mock_cluster_stop(cl);
}

Test(server, delayed_reply_dropped_on_stop)
{
	/* A reply still waiting in the timer heap when the cluster stops must
	 * be freed (ASan/LSan check this). */
	mock_cluster *cl = start_actions();
	tc c;
	ready(&c, 1, 4, NULL);
	cr_assert_eq(tc_send_query(&c, 1, 0, "delay"), 0);
	mock_cluster_stop(cl);
	cr_assert(tc_wait_closed(&c));
	tc_close(&c);
}

Test(server, warnings_handler_failure_and_big_reply)
{
	mock_cluster *cl = start_actions();
	tc c;
	tc_frame fr;
	ready(&c, 1, 4, NULL);
	cr_assert_eq(tc_send_query(&c, 1, 0, "warn"), 0);
	recv_ok(&c, &fr);
	cr_assert(fr.f.h.flags & UCQL_FLAG_WARNING);
	cr_assert_eq(fr.f.warnings.n, 1);
	cr_assert_eq(tc_send_query(&c, 2, 0, "fail"), 0);
	expect_error(&c, 2, UCQL_E_SERVER_ERROR, NULL);
	cr_assert_eq(tc_send_query(&c, 3, 0, "big"), 0);
	recv_ok(&c, &fr);
	cr_assert_eq(fr.f.h.opcode, UCQL_OP_ERROR);
	cr_assert_eq(fr.m.u.error.message.len, 60000);
	tc_close(&c);
	mock_cluster_stop(cl);
}

/* ---- stop ---------------------------------------------------------------------------------- */

Test(server, stop_with_open_connections)
{
	mock_cluster *cl = start_default();
	tc c[6];
	for (int i = 0; i < 3; i++)
		ready(&c[i], 1 + i, 3 + i, NULL);
	connect_ok(&c[3], 1, 4); /* no STARTUP */
	connect_ok(&c[4], 2, 4);
	uint8_t half[5] = { 0x04, 0, 0, 1, UCQL_OP_QUERY }; /* half a header */
	tc_queue_raw(&c[4], half, sizeof half);
	tc_flush(&c[4]);
	ready(&c[5], 3, 5, NULL);
	uint8_t seg_half[4] = { 0x09, 0x00, 0x02, 0xa4 }; /* half a segment header */
	tc_queue_raw(&c[5], seg_half, sizeof seg_half);
	tc_flush(&c[5]);
	mock_cluster_stop(cl);
	for (int i = 0; i < 6; i++) {
		cr_assert(tc_wait_closed(&c[i]), "connection %d closed", i);
		tc_close(&c[i]);
	}
	tc d;
	cr_assert_eq(tc_connect(&d, 1, port, 4), -ECONNREFUSED);
}

Test(server, start_errors)
{
	mock_config cfg;
	memset(&cfg, 0, sizeof cfg);
	mock_cluster *cl = NULL;
	char err[128];
	cfg.nodes = MOCK_MAX_NODES + 1;
	cr_assert_eq(mock_cluster_start(&cfg, &cl, err, sizeof err), UCQL_E_INVALID_ARG);
	cr_assert_null(cl);
	cfg.nodes = 2;
	cfg.max_version = 6;
	cr_assert_eq(mock_cluster_start(&cfg, &cl, err, sizeof err), UCQL_E_INVALID_ARG);
	/* The same port twice: the second start fails cleanly. */
	cfg.max_version = 0;
	mock_cluster *a = start(&cfg);
	cfg.port = port;
	cr_assert_eq(mock_cluster_start(&cfg, &cl, err, sizeof err), -EADDRINUSE);
	cr_assert(strstr(err, "127.0.0.1"), "%s", err);
	mock_cluster_stop(a);
	mock_cluster_stop(NULL);
}
