/*
 * Tests of ucql-mock's TLS filter (tools/mock/tls.h): a wolfSSL client
 * talking to the filter through memory (handshakes, versions, client
 * certificates, records both ways, bad input, context errors), then over
 * real sockets to a whole TLS cluster (OPTIONS → SUPPORTED on each node).
 * Certificates: tests/data/tls (see its README.md).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

#include "mockcluster.h"
#include "tls.h"
#include "ucql/frame.h"
#include "ucql/message.h"
#include "ucql/wire.h"

/* ---- test data ------------------------------------------------------------ */

static char data_dir[4096];

static int try_dir(const char *dir)
{
	char probe[4200];
	snprintf(probe, sizeof probe, "%s/ca.pem", dir);
	if (strlen(dir) >= sizeof data_dir || access(probe, R_OK) != 0)
		return 0;
	snprintf(data_dir, sizeof data_dir, "%s", dir);
	return 1;
}

/* tests/data/tls next to this source file: __FILE__ is absolute, or
 * relative to the build root, which is three levels above this test's
 * executable (<build>/tests/unit/test_…). */
static void find_data(void)
{
	char src[1024], cand[4096];
	snprintf(src, sizeof src, "%s", __FILE__);
	char *dir = dirname(src);
	const char *env = getenv("UCQL_TEST_DATA");
	if (env) {
		snprintf(cand, sizeof cand, "%.2000s/tls", env);
		if (try_dir(cand))
			return;
	}
	if (dir[0] != '/') {
		char exe[1024];
		ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
		if (len > 0) {
			exe[len] = 0;
			char *root = dirname(dirname(dirname(exe)));
			snprintf(cand, sizeof cand, "%s/%s/../../data/tls", root, dir);
			if (try_dir(cand))
				return;
		}
	}
	snprintf(cand, sizeof cand, "%s/../../data/tls", dir);
	if (try_dir(cand))
		return;
	cr_assert_fail("tests/data/tls not found (set UCQL_TEST_DATA to tests/data)");
}

/* Path of a file in tests/data/tls (a few rotating static buffers). */
static const char *data(const char *name)
{
	static char bufs[8][4200];
	static int k;
	if (!data_dir[0])
		find_data();
	char *b = bufs[k++ % 8];
	snprintf(b, sizeof bufs[0], "%s/%s", data_dir, name);
	return b;
}

static mock_tls_ctx *server_ctx(const char *ca, int require)
{
	mock_tls_config cfg = { data("server.pem"), data("server.key"), ca ? data(ca) : NULL, require };
	mock_tls_ctx *ctx = NULL;
	char err[256];
	int r = mock_tls_ctx_new(&cfg, &ctx, err, sizeof err);
	cr_assert_eq(r, 0, "mock_tls_ctx_new: %s", err);
	return ctx;
}

/* ---- a wolfSSL client over memory ---------------------------------------- */

typedef struct mem_client {
	WOLFSSL_CTX *ctx;
	WOLFSSL *ssl;
	uint8_t *in;   /* server → client, not yet read */
	size_t in_len, in_off;
	uint8_t *out;  /* client → server */
	size_t out_len;
	int connected;
	int failed;
} mem_client;

static int mem_recv(WOLFSSL *ssl, char *buf, int sz, void *vctx)
{
	(void)ssl;
	mem_client *c = vctx;
	size_t avail = c->in_len - c->in_off;
	if (!avail)
		return WOLFSSL_CBIO_ERR_WANT_READ;
	size_t n = avail < (size_t)sz ? avail : (size_t)sz;
	memcpy(buf, c->in + c->in_off, n);
	c->in_off += n;
	return (int)n;
}

static int mem_send(WOLFSSL *ssl, char *buf, int sz, void *vctx)
{
	(void)ssl;
	mem_client *c = vctx;
	uint8_t *p = realloc(c->out, c->out_len + (size_t)sz);
	cr_assert(p);
	c->out = p;
	memcpy(c->out + c->out_len, buf, (size_t)sz);
	c->out_len += (size_t)sz;
	return sz;
}

/* version: 0 = TLS 1.2 or 1.3, 12, 13. cert/key: the client certificate or NULL. */
static void client_init(mem_client *c, int version, const char *cert, const char *key)
{
	memset(c, 0, sizeof *c);
	cr_assert_eq(wolfSSL_Init(), WOLFSSL_SUCCESS);
	WOLFSSL_METHOD *m = version == 12 ? wolfTLSv1_2_client_method()
			    : version == 13 ? wolfTLSv1_3_client_method()
					    : wolfSSLv23_client_method();
	c->ctx = wolfSSL_CTX_new(m);
	cr_assert(c->ctx);
	/* The client checks the server's chain against our CA. */
	cr_assert_eq(wolfSSL_CTX_load_verify_locations(c->ctx, data("ca.pem"), NULL), WOLFSSL_SUCCESS);
	wolfSSL_CTX_set_verify(c->ctx, WOLFSSL_VERIFY_PEER, NULL);
	if (cert) {
		cr_assert_eq(wolfSSL_CTX_use_certificate_file(c->ctx, data(cert), WOLFSSL_FILETYPE_PEM),
			     WOLFSSL_SUCCESS);
		cr_assert_eq(wolfSSL_CTX_use_PrivateKey_file(c->ctx, data(key), WOLFSSL_FILETYPE_PEM),
			     WOLFSSL_SUCCESS);
	}
	wolfSSL_CTX_SetIORecv(c->ctx, mem_recv);
	wolfSSL_CTX_SetIOSend(c->ctx, mem_send);
	c->ssl = wolfSSL_new(c->ctx);
	cr_assert(c->ssl);
	wolfSSL_SetIOReadCtx(c->ssl, c);
	wolfSSL_SetIOWriteCtx(c->ssl, c);
}

static void client_free(mem_client *c)
{
	wolfSSL_free(c->ssl);
	wolfSSL_CTX_free(c->ctx);
	free(c->in);
	free(c->out);
	wolfSSL_Cleanup();
}

/* Server wire bytes → the client's input. */
static void to_client(mem_client *c, mock_tls *s)
{
	size_t n;
	const uint8_t *p = mock_tls_wire(s, &n);
	if (!n)
		return;
	uint8_t *q = realloc(c->in, c->in_len + n);
	cr_assert(q);
	c->in = q;
	memcpy(c->in + c->in_len, p, n);
	c->in_len += n;
	mock_tls_wire_consume(s, n);
}

/* Plaintext the server decrypted, accumulated by the pump. */
typedef struct plain_acc {
	uint8_t buf[1 << 17];
	size_t len;
} plain_acc;

/* Client → server bytes; returns mock_tls_recv's result. */
static int to_server(mem_client *c, mock_tls *s, plain_acc *acc)
{
	const uint8_t *plain;
	size_t pl;
	int r = mock_tls_recv(s, c->out, c->out_len, &plain, &pl);
	c->out_len = 0;
	if (r == 0 && acc) {
		cr_assert_leq(acc->len + pl, sizeof acc->buf);
		memcpy(acc->buf + acc->len, plain, pl);
		acc->len += pl;
	}
	return r;
}

/* Drives the handshake both ways. Returns 0 when both ends are done, the
 * server's error (< 0), or 1 when the client failed first. */
static int handshake(mem_client *c, mock_tls *s)
{
	for (int round = 0; round < 20; round++) {
		if (!c->connected) {
			int r = wolfSSL_connect(c->ssl);
			if (r == WOLFSSL_SUCCESS)
				c->connected = 1;
			else if (wolfSSL_get_error(c->ssl, r) != WOLFSSL_ERROR_WANT_READ)
				return 1;
		}
		if (c->out_len) {
			int r = to_server(c, s, NULL);
			to_client(c, s);
			if (r < 0)
				return r;
		}
		if (c->connected && mock_tls_ready(s))
			return 0;
	}
	cr_assert_fail("the handshake did not converge");
	return -1;
}

/* After a failed handshake: the client reads the alert and fails too. */
static void client_sees_failure(mem_client *c, mock_tls *s)
{
	to_client(c, s);
	char b[16];
	int r = c->connected ? wolfSSL_read(c->ssl, b, sizeof b) : wolfSSL_connect(c->ssl);
	cr_assert_leq(r, 0, "the client should not succeed");
	cr_assert_neq(wolfSSL_get_error(c->ssl, r), WOLFSSL_ERROR_WANT_WRITE);
}

/* Client sends msg, the server must decrypt exactly msg; then the reverse. */
static void exchange(mem_client *c, mock_tls *s, const void *msg, size_t len)
{
	static plain_acc acc;
	acc.len = 0;
	cr_assert_eq(wolfSSL_write(c->ssl, msg, (int)len), (int)len);
	cr_assert_eq(to_server(c, s, &acc), 0, "server: %s", mock_tls_error(s));
	to_client(c, s); /* TLS 1.3 session tickets, if any */
	cr_assert_eq(acc.len, len);
	cr_assert_eq(memcmp(acc.buf, msg, len), 0);

	cr_assert_eq(mock_tls_send(s, msg, len), 0);
	to_client(c, s);
	static uint8_t back[1 << 17];
	size_t got = 0;
	while (got < len) {
		int r = wolfSSL_read(c->ssl, back + got, (int)(sizeof back - got));
		cr_assert_gt(r, 0, "client read: %d", wolfSSL_get_error(c->ssl, r));
		got += (size_t)r;
	}
	cr_assert_eq(got, len);
	cr_assert_eq(memcmp(back, msg, len), 0);
}

/* ---- the filter ----------------------------------------------------------- */

Test(tls_filter, tls13_handshake_and_data_both_ways)
{
	mock_tls_ctx *ctx = server_ctx(NULL, 0);
	mock_tls *s = mock_tls_new(ctx);
	cr_assert(s);
	cr_assert_eq(mock_tls_ready(s), 0);
	cr_assert_str_eq(mock_tls_version(s), "");
	mem_client c;
	client_init(&c, 13, NULL, NULL);
	cr_assert_eq(handshake(&c, s), 0, "handshake: %s", mock_tls_error(s));
	cr_assert_str_eq(mock_tls_version(s), "TLSv1.3");
	cr_assert_str_eq(wolfSSL_get_version(c.ssl), "TLSv1.3");
	cr_assert_neq(mock_tls_cipher(s)[0], 0);
	exchange(&c, s, "hello", 5);
	client_free(&c);
	mock_tls_free(s);
	mock_tls_ctx_free(ctx);
}

Test(tls_filter, tls12_handshake_and_data)
{
	mock_tls_ctx *ctx = server_ctx(NULL, 0);
	mock_tls *s = mock_tls_new(ctx);
	mem_client c;
	client_init(&c, 12, NULL, NULL);
	cr_assert_eq(handshake(&c, s), 0, "handshake: %s", mock_tls_error(s));
	cr_assert_str_eq(mock_tls_version(s), "TLSv1.2");
	exchange(&c, s, "OPTIONS", 7);
	client_free(&c);
	mock_tls_free(s);
	mock_tls_ctx_free(ctx);
}

Test(tls_filter, large_messages_span_records)
{
	mock_tls_ctx *ctx = server_ctx(NULL, 0);
	mock_tls *s = mock_tls_new(ctx);
	mem_client c;
	client_init(&c, 0, NULL, NULL);
	cr_assert_eq(handshake(&c, s), 0, "handshake: %s", mock_tls_error(s));
	static uint8_t big[100000];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)(i * 7 + 3);
	exchange(&c, s, big, sizeof big); /* > 6 records of 16 KiB each way */
	client_free(&c);
	mock_tls_free(s);
	mock_tls_ctx_free(ctx);
}

Test(tls_filter, bytes_fed_one_at_a_time)
{
	/* The loop hands in whatever recv returned: any split must work. */
	mock_tls_ctx *ctx = server_ctx(NULL, 0);
	mock_tls *s = mock_tls_new(ctx);
	mem_client c;
	client_init(&c, 13, NULL, NULL);
	for (int round = 0; round < 20 && !(c.connected && mock_tls_ready(s)); round++) {
		if (!c.connected) {
			int r = wolfSSL_connect(c.ssl);
			if (r == WOLFSSL_SUCCESS)
				c.connected = 1;
			else
				cr_assert_eq(wolfSSL_get_error(c.ssl, r), WOLFSSL_ERROR_WANT_READ);
		}
		for (size_t i = 0; i < c.out_len; i++) {
			const uint8_t *plain;
			size_t pl;
			cr_assert_eq(mock_tls_recv(s, c.out + i, 1, &plain, &pl), 0, "%s", mock_tls_error(s));
			cr_assert_eq(pl, 0);
		}
		c.out_len = 0;
		to_client(&c, s);
	}
	cr_assert(c.connected && mock_tls_ready(s));
	cr_assert_eq(wolfSSL_write(c.ssl, "abcdef", 6), 6);
	uint8_t got[6];
	size_t n = 0;
	for (size_t i = 0; i < c.out_len; i++) {
		const uint8_t *plain;
		size_t pl;
		cr_assert_eq(mock_tls_recv(s, c.out + i, 1, &plain, &pl), 0);
		cr_assert_leq(n + pl, sizeof got);
		memcpy(got + n, plain, pl);
		n += pl;
	}
	cr_assert_eq(n, 6);
	cr_assert_eq(memcmp(got, "abcdef", 6), 0);
	client_free(&c);
	mock_tls_free(s);
	mock_tls_ctx_free(ctx);
}

Test(tls_filter, required_client_cert_accepted)
{
	mock_tls_ctx *ctx = server_ctx("ca.pem", 1);
	mock_tls *s = mock_tls_new(ctx);
	mem_client c;
	client_init(&c, 0, "client.pem", "client.key");
	cr_assert_eq(handshake(&c, s), 0, "handshake: %s", mock_tls_error(s));
	exchange(&c, s, "x", 1);
	client_free(&c);
	mock_tls_free(s);
	mock_tls_ctx_free(ctx);
}

Test(tls_filter, required_client_cert_missing)
{
	mock_tls_ctx *ctx = server_ctx("ca.pem", 1);
	mock_tls *s = mock_tls_new(ctx);
	mem_client c;
	client_init(&c, 0, NULL, NULL);
	int r = handshake(&c, s);
	cr_assert_lt(r, 0, "the server must refuse a client without a certificate");
	cr_assert(strstr(mock_tls_error(s), "TLS handshake failed"), "%s", mock_tls_error(s));
	cr_assert_eq(mock_tls_ready(s), 0);
	client_sees_failure(&c, s);
	/* Dead for good: more input is refused. */
	const uint8_t *plain;
	size_t pl;
	cr_assert_lt(mock_tls_recv(s, (const uint8_t *)"x", 1, &plain, &pl), 0);
	cr_assert_lt(mock_tls_send(s, (const uint8_t *)"x", 1), 0);
	client_free(&c);
	mock_tls_free(s);
	mock_tls_ctx_free(ctx);
}

Test(tls_filter, client_cert_from_another_ca_rejected)
{
	for (int require = 0; require <= 1; require++) {
		mock_tls_ctx *ctx = server_ctx("ca.pem", require);
		mock_tls *s = mock_tls_new(ctx);
		mem_client c;
		client_init(&c, 0, "other-client.pem", "other-client.key");
		int r = handshake(&c, s);
		cr_assert_lt(r, 0, "require=%d: a certificate the CA did not sign must fail", require);
		client_sees_failure(&c, s);
		client_free(&c);
		mock_tls_free(s);
		mock_tls_ctx_free(ctx);
	}
}

Test(tls_filter, optional_client_cert)
{
	/* A CA without --require-client-cert: no certificate is fine. */
	mock_tls_ctx *ctx = server_ctx("ca.pem", 0);
	const char *certs[] = { NULL, "client.pem" }, *keys[] = { NULL, "client.key" };
	for (int i = 0; i < 2; i++) {
		mock_tls *s = mock_tls_new(ctx);
		mem_client c;
		client_init(&c, 0, certs[i], keys[i]);
		cr_assert_eq(handshake(&c, s), 0, "client %d: %s", i, mock_tls_error(s));
		exchange(&c, s, "ok", 2);
		client_free(&c);
		mock_tls_free(s);
	}
	mock_tls_ctx_free(ctx);
}

Test(tls_filter, plaintext_client_is_refused)
{
	mock_tls_ctx *ctx = server_ctx(NULL, 0);
	mock_tls *s = mock_tls_new(ctx);
	/* A CQL v4 OPTIONS frame where a ClientHello should be. */
	static const uint8_t options[] = { 4, 0, 0, 1, 5, 0, 0, 0, 0 };
	const uint8_t *plain;
	size_t pl;
	int r = mock_tls_recv(s, options, sizeof options, &plain, &pl);
	cr_assert_lt(r, 0);
	cr_assert_eq(pl, 0);
	cr_assert_str_eq(mock_tls_error(s), "not a TLS ClientHello (first byte 0x04): a client without TLS?");
	mock_tls_free(s);
	mock_tls_ctx_free(ctx);
}

Test(tls_filter, close_notify_ends_the_connection)
{
	mock_tls_ctx *ctx = server_ctx(NULL, 0);
	mock_tls *s = mock_tls_new(ctx);
	mem_client c;
	client_init(&c, 13, NULL, NULL);
	cr_assert_eq(handshake(&c, s), 0);
	wolfSSL_shutdown(c.ssl);
	cr_assert_gt(c.out_len, 0);
	int r = to_server(&c, s, NULL);
	cr_assert_lt(r, 0);
	cr_assert_str_eq(mock_tls_error(s), "the client closed TLS (close_notify)");
	client_free(&c);
	mock_tls_free(s);
	mock_tls_ctx_free(ctx);
}

static void ctx_fails(const char *cert, const char *key, const char *ca, int require, const char *expect)
{
	mock_tls_config cfg = { cert, key, ca, require };
	mock_tls_ctx *ctx = (mock_tls_ctx *)&cfg; /* must be reset to NULL */
	char err[512];
	int r = mock_tls_ctx_new(&cfg, &ctx, err, sizeof err);
	cr_assert_eq(r, UCQL_E_INVALID_ARG, "%s", err);
	cr_assert_null(ctx);
	cr_assert(strstr(err, expect), "message '%s' lacks '%s'", err, expect);
}

Test(tls_filter, context_errors)
{
	const char *cert = data("server.pem"), *key = data("server.key");
	ctx_fails(NULL, key, NULL, 0, "TLS needs a certificate and a private key");
	ctx_fails(cert, NULL, NULL, 0, "TLS needs a certificate and a private key");
	ctx_fails(cert, key, NULL, 1, "requiring client certificates needs a CA");
	ctx_fails("/nonexistent/cert.pem", key, NULL, 0,
		  "cannot read certificate /nonexistent/cert.pem: No such file or directory");
	ctx_fails(cert, "/nonexistent/key.pem", NULL, 0, "cannot read private key /nonexistent/key.pem");
	ctx_fails(cert, key, "/nonexistent/ca.pem", 0, "cannot read CA /nonexistent/ca.pem");
	/* A key where the certificate should be, and the reverse. */
	ctx_fails(key, key, NULL, 0, "not a valid PEM certificate chain");
	ctx_fails(cert, cert, NULL, 0, "not a valid PEM private key");
	ctx_fails(cert, data("client.key"), NULL, 0, "does not match the certificate");
	ctx_fails(cert, key, data("server.key"), 0, "not a valid PEM CA certificate");
	/* A context that works, freed; NULL is a no-op. */
	mock_tls_ctx_free(server_ctx("ca.pem", 1));
	mock_tls_ctx_free(NULL);
	mock_tls_free(NULL);
}

/* ---- a TLS cluster over sockets --------------------------------------------- */

#ifdef MOCK_SERVER_TLS

static uint16_t port;

static mock_run *start_tls(int nodes, const char *ca, int require)
{
	for (int attempt = 0; attempt < 50; attempt++) {
		mock_options o;
		mock_options_init(&o);
		o.nodes = nodes;
		o.port = (uint16_t)(21042 + ((unsigned)getpid() + (unsigned)attempt * 41u) % 1000u);
		o.tls = 1;
		o.tls_cert = data("server.pem");
		o.tls_key = data("server.key");
		o.tls_ca = ca ? data(ca) : NULL;
		o.require_client_cert = require;
		char err[512];
		mock_run *run = NULL;
		int r = mock_run_start(&o, &run, err, sizeof err);
		if (r == 0) {
			port = o.port;
			return run;
		}
		cr_assert_eq(r, -EADDRINUSE, "start failed: %d %s", r, err);
	}
	cr_assert_fail("no free port");
	return NULL;
}

typedef struct sock_client {
	int fd;
	WOLFSSL_CTX *ctx;
	WOLFSSL *ssl;
} sock_client;

static void sock_connect(sock_client *c, int node, const char *cert, const char *key)
{
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_geq(c->fd, 0);
	struct timeval tv = { 10, 0 };
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	sa.sin_addr.s_addr = htonl(mock_node_addr(node));
	cr_assert_eq(connect(c->fd, (struct sockaddr *)&sa, sizeof sa), 0, "connect node %d: %s", node,
		     strerror(errno));
	cr_assert_eq(wolfSSL_Init(), WOLFSSL_SUCCESS);
	c->ctx = wolfSSL_CTX_new(wolfSSLv23_client_method());
	cr_assert(c->ctx);
	cr_assert_eq(wolfSSL_CTX_load_verify_locations(c->ctx, data("ca.pem"), NULL), WOLFSSL_SUCCESS);
	wolfSSL_CTX_set_verify(c->ctx, WOLFSSL_VERIFY_PEER, NULL);
	if (cert) {
		cr_assert_eq(wolfSSL_CTX_use_certificate_file(c->ctx, data(cert), WOLFSSL_FILETYPE_PEM),
			     WOLFSSL_SUCCESS);
		cr_assert_eq(wolfSSL_CTX_use_PrivateKey_file(c->ctx, data(key), WOLFSSL_FILETYPE_PEM),
			     WOLFSSL_SUCCESS);
	}
	c->ssl = wolfSSL_new(c->ctx);
	cr_assert(c->ssl);
	wolfSSL_set_fd(c->ssl, c->fd);
}

static void sock_close(sock_client *c)
{
	wolfSSL_free(c->ssl);
	wolfSSL_CTX_free(c->ctx);
	close(c->fd);
	wolfSSL_Cleanup();
}

/* OPTIONS (v4) over TLS; 1 when SUPPORTED with CQL_VERSION came back,
 * 0 when the TLS session failed (handshake, read or EOF). */
static int options_over_tls(sock_client *c)
{
	if (wolfSSL_connect(c->ssl) != WOLFSSL_SUCCESS)
		return 0;
	uint8_t req[UCQL_FRAME_HEADER_SIZE];
	ucql_writer w;
	ucql_writer_init(&w, req, sizeof req);
	ucql_frame_header h = { 4, 0, 0, 7, UCQL_OP_OPTIONS, 0 };
	size_t st = ucql_frame_begin(&w, &h);
	cr_assert_eq(ucql_frame_end(&w, st, 0), 0);
	if (wolfSSL_write(c->ssl, req, (int)w.len) != (int)w.len)
		return 0;
	uint8_t buf[4096];
	size_t len = 0;
	for (;;) {
		ucql_frame f;
		int r = ucql_frame_decode(buf, len, 0, &f);
		if (r > 0) {
			cr_assert_eq(f.h.opcode, UCQL_OP_SUPPORTED, "opcode %d", f.h.opcode);
			cr_assert_eq(f.h.stream, 7);
			ucql_message m;
			cr_assert_eq(ucql_message_decode_frame(&f, &m), 0);
			ucql_list_view vals;
			cr_assert(ucql_string_multimap_get(m.u.supported.options, "CQL_VERSION", &vals));
			return 1;
		}
		cr_assert_eq(r, UCQL_NEED_MORE, "bad frame: %s", ucql_err_str(r));
		int n = wolfSSL_read(c->ssl, buf + len, (int)(sizeof buf - len));
		if (n <= 0)
			return 0;
		len += (size_t)n;
	}
}

Test(tls_cluster, options_on_every_node)
{
	mock_run *run = start_tls(2, NULL, 0);
	for (int node = 1; node <= 2; node++) {
		sock_client c;
		sock_connect(&c, node, NULL, NULL);
		cr_assert_eq(options_over_tls(&c), 1, "node %d", node);
		sock_close(&c);
	}
	mock_run_stop(run);
}

Test(tls_cluster, required_client_certificate)
{
	mock_run *run = start_tls(1, "ca.pem", 1);
	sock_client c;
	sock_connect(&c, 1, NULL, NULL);
	cr_assert_eq(options_over_tls(&c), 0, "no client certificate must fail");
	sock_close(&c);
	sock_connect(&c, 1, "other-client.pem", "other-client.key");
	cr_assert_eq(options_over_tls(&c), 0, "a foreign client certificate must fail");
	sock_close(&c);
	sock_connect(&c, 1, "client.pem", "client.key");
	cr_assert_eq(options_over_tls(&c), 1, "the CA's client certificate must pass");
	sock_close(&c);
	mock_run_stop(run);
}

Test(tls_cluster, plaintext_cql_is_closed)
{
	mock_run *run = start_tls(1, NULL, 0);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct timeval tv = { 10, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	sa.sin_addr.s_addr = htonl(mock_node_addr(1));
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	static const uint8_t options[] = { 4, 0, 0, 1, 5, 0, 0, 0, 0 };
	cr_assert_eq(send(fd, options, sizeof options, 0), (ssize_t)sizeof options);
	/* The server answers with a TLS alert record (type 21) or nothing,
	 * never a CQL frame, then closes. */
	uint8_t b[512];
	ssize_t n, total = 0;
	while ((n = recv(fd, b, sizeof b, 0)) > 0) {
		if (total == 0)
			cr_assert_eq(b[0], 21, "first byte %u is not a TLS alert", b[0]);
		total += n;
	}
	cr_assert_eq(n, 0, "expected EOF, got %s", strerror(errno));
	close(fd);
	mock_run_stop(run);
}

#else

Test(tls_cluster, options_on_every_node)
{
	cr_skip_test("the server has no TLS hook yet (MOCK_SERVER_TLS)");
}

#endif
