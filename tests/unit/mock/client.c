/* client.c — see client.h. */
#include "client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "ucql/segment.h"

static int buf_reserve(tc_buf *b, size_t extra)
{
	if (b->cap - b->len >= extra)
		return 0;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < b->len + extra)
		cap *= 2;
	uint8_t *p = realloc(b->p, cap);
	if (!p)
		return -ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

static int buf_append(tc_buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n))
		return -ENOMEM;
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

static void buf_consume(tc_buf *b, size_t n)
{
	memmove(b->p, b->p + n, b->len - n);
	b->len -= n;
}

int tc_connect(tc *c, int node, uint16_t port, int version)
{
	memset(c, 0, sizeof *c);
	c->version = version;
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -errno;
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	/* A guard against a hung test, not a timing assertion. */
	struct timeval tv = { 10, 0 };
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = htonl((127u << 24) | (uint32_t)node);
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int e = errno;
		close(c->fd);
		c->fd = -1;
		return -e;
	}
	return 0;
}

void tc_close(tc *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->in.p);
	free(c->env.p);
	free(c->out.p);
	free(c->cur.p);
	free(c->dec.p);
	memset(&c->in, 0, sizeof c->in);
	memset(&c->env, 0, sizeof c->env);
	memset(&c->out, 0, sizeof c->out);
	memset(&c->cur, 0, sizeof c->cur);
	memset(&c->dec, 0, sizeof c->dec);
}

int tc_queue_raw(tc *c, const void *p, size_t n)
{
	return buf_append(&c->out, p, n);
}

int tc_queue(tc *c, int opcode, int16_t stream, uint8_t flags, const void *body, size_t len)
{
	size_t envlen = UCQL_FRAME_HEADER_SIZE + len;
	uint8_t *env = malloc(envlen);
	if (!env)
		return -ENOMEM;
	ucql_frame_header h = { (uint8_t)c->version, 0, flags, stream, (uint8_t)opcode, (uint32_t)len };
	ucql_frame_header_encode(env, &h);
	if (len)
		memcpy(env + UCQL_FRAME_HEADER_SIZE, body, len);
	int r = 0;
	if (c->seg_out) {
		size_t bound = ucql_segments_bound(envlen, 1, c->lz4);
		if (!(r = buf_reserve(&c->out, bound))) {
			ucql_writer w;
			ucql_writer_init(&w, c->out.p + c->out.len, c->out.cap - c->out.len);
			ucql_segments_write_envelope(&w, ucql_bytes_of(env, envlen), c->lz4);
			r = w.err;
			if (!r)
				c->out.len += w.len;
		}
	} else if (c->compress_out && opcode != UCQL_OP_STARTUP) {
		size_t bound = ucql_frame_compress_bound(len);
		if (!(r = buf_reserve(&c->out, bound))) {
			int n = ucql_frame_compress(env, envlen, c->out.p + c->out.len, bound);
			if (n < 0)
				r = n;
			else
				c->out.len += (size_t)n;
		}
	} else {
		r = buf_append(&c->out, env, envlen);
	}
	free(env);
	return r;
}

int tc_flush(tc *c)
{
	size_t off = 0;
	while (off < c->out.len) {
		ssize_t n = send(c->fd, c->out.p + off, c->out.len - off, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		off += (size_t)n;
	}
	c->out.len = 0;
	return 0;
}

int tc_send(tc *c, int opcode, int16_t stream, uint8_t flags, const void *body, size_t len)
{
	int r = tc_queue(c, opcode, stream, flags, body, len);
	return r ? r : tc_flush(c);
}

/* Moves bytes from `in` to `env`: a whole segment's payload, or (unframed)
 * exactly one frame, so that a framing switch after it is honoured.
 * 1 if something moved, 0 if more input is needed, < 0 on error. */
static int advance(tc *c)
{
	if (c->seg_in) {
		static uint8_t work[UCQL_SEGMENT_MAX_PAYLOAD];
		ucql_segment seg;
		int r = ucql_segment_decode(c->in.p, c->in.len, c->lz4, work, sizeof work, &seg);
		if (r == UCQL_NEED_MORE)
			return 0;
		if (r < 0)
			return r;
		if (buf_append(&c->env, seg.payload.p, seg.payload.len))
			return -ENOMEM;
		buf_consume(&c->in, (size_t)r);
		return 1;
	}
	if (c->in.len < UCQL_FRAME_HEADER_SIZE)
		return 0;
	size_t total = UCQL_FRAME_HEADER_SIZE + ucql__be32(c->in.p + 5);
	if (c->in.len < total)
		return 0;
	if (buf_append(&c->env, c->in.p, total))
		return -ENOMEM;
	buf_consume(&c->in, total);
	return 1;
}

int tc_recv(tc *c, tc_frame *fr)
{
	for (;;) {
		if (c->env.len >= UCQL_FRAME_HEADER_SIZE) {
			size_t total = UCQL_FRAME_HEADER_SIZE + ucql__be32(c->env.p + 5);
			if (c->env.len >= total) {
				c->cur.len = 0;
				if (buf_append(&c->cur, c->env.p, total))
					return -ENOMEM;
				buf_consume(&c->env, total);
				memset(fr, 0, sizeof *fr);
				int r = ucql_frame_decode(c->cur.p, c->cur.len, 0, &fr->f);
				if (r < 0)
					return r;
				if (fr->f.h.flags & UCQL_FLAG_COMPRESSION) {
					size_t need;
					r = ucql_frame_decompressed_size(&fr->f, 0, &need);
					if (r)
						return r;
					c->dec.len = 0;
					if (buf_reserve(&c->dec, need + 1))
						return -ENOMEM;
					r = ucql_frame_decompress(&fr->f, c->dec.p, c->dec.cap, 0);
					if (r)
						return r;
				}
				fr->merr = ucql_message_decode_frame(&fr->f, &fr->m);
				if (c->switch_on_ready && (fr->f.h.opcode == UCQL_OP_READY ||
							   fr->f.h.opcode == UCQL_OP_AUTHENTICATE)) {
					c->switch_on_ready = 0;
					c->seg_in = c->seg_out = 1;
				}
				return 1;
			}
		}
		int a = advance(c);
		if (a < 0)
			return a;
		if (a > 0)
			continue;
		if (buf_reserve(&c->in, 65536))
			return -ENOMEM;
		ssize_t n = recv(c->fd, c->in.p + c->in.len, c->in.cap - c->in.len, 0);
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECONNRESET)
				return 0;
			return -errno;
		}
		c->in.len += (size_t)n;
	}
}

int tc_wait_closed(tc *c)
{
	uint8_t b[4096];
	for (;;) {
		ssize_t n = recv(c->fd, b, sizeof b, 0);
		if (n == 0)
			return 1;
		if (n < 0)
			return errno == ECONNRESET ? 1 : (errno == EINTR ? tc_wait_closed(c) : 0);
	}
}

int tc_queue_query(tc *c, int16_t stream, uint8_t flags, const char *cql)
{
	size_t len = strlen(cql);
	size_t cap = len + 64;
	uint8_t *b = malloc(cap);
	if (!b)
		return -ENOMEM;
	ucql_writer w;
	ucql_writer_init(&w, b, cap);
	ucql_query q;
	memset(&q, 0, sizeof q);
	q.query = ucql_bytes_of(cql, len);
	q.params.consistency = UCQL_CL_ONE;
	int r = ucql_query_encode(&w, c->version, &q);
	if (!r)
		r = tc_queue(c, UCQL_OP_QUERY, stream, flags, b, w.len);
	free(b);
	return r;
}

int tc_send_query(tc *c, int16_t stream, uint8_t flags, const char *cql)
{
	int r = tc_queue_query(c, stream, flags, cql);
	return r ? r : tc_flush(c);
}

int tc_send_options(tc *c, int16_t stream)
{
	return tc_send(c, UCQL_OP_OPTIONS, stream, 0, NULL, 0);
}

int tc_send_register(tc *c, int16_t stream, const char *const *types, size_t n)
{
	ucql_bytes t[8];
	for (size_t i = 0; i < n && i < 8; i++)
		t[i] = ucql_bytes_str(types[i]);
	uint8_t b[256];
	ucql_writer w;
	ucql_writer_init(&w, b, sizeof b);
	ucql_register m;
	memset(&m, 0, sizeof m);
	m.events = t;
	m.n = n;
	int r = ucql_register_encode(&w, c->version, &m);
	return r ? r : tc_send(c, UCQL_OP_REGISTER, stream, 0, b, w.len);
}

int tc_startup(tc *c, const char *compression, tc_frame *reply)
{
	ucql_bytes kv[4] = { ucql_bytes_str("CQL_VERSION"), ucql_bytes_str("3.0.0") };
	size_t n = 1;
	if (compression) {
		kv[2] = ucql_bytes_str("COMPRESSION");
		kv[3] = ucql_bytes_str(compression);
		n = 2;
	}
	uint8_t b[256];
	ucql_writer w;
	ucql_writer_init(&w, b, sizeof b);
	ucql_startup m;
	memset(&m, 0, sizeof m);
	m.kv = kv;
	m.n = n;
	int r = ucql_startup_encode(&w, c->version, &m);
	if (!r)
		r = tc_send(c, UCQL_OP_STARTUP, 0, 0, b, w.len);
	if (r)
		return r;
	int lz4 = compression && !strcmp(compression, "lz4");
	if (c->version >= 5)
		c->switch_on_ready = 1;
	r = tc_recv(c, reply);
	if (r <= 0)
		return r < 0 ? r : -ECONNRESET;
	int op = reply->f.h.opcode;
	if (op == UCQL_OP_READY || op == UCQL_OP_AUTHENTICATE) {
		c->lz4 = lz4;
		if (c->version < 5)
			c->compress_out = lz4;
	} else {
		c->switch_on_ready = 0;
	}
	return op;
}

int tc_auth(tc *c, const char *user, const char *pass, tc_frame *reply)
{
	uint8_t tok[256];
	size_t ul = strlen(user), pl = strlen(pass);
	tok[0] = 0;
	memcpy(tok + 1, user, ul);
	tok[1 + ul] = 0;
	memcpy(tok + 2 + ul, pass, pl);
	uint8_t b[300];
	ucql_writer w;
	ucql_writer_init(&w, b, sizeof b);
	ucql_auth_response m = { ucql_value_of(tok, (int32_t)(2 + ul + pl)) };
	int r = ucql_auth_response_encode(&w, c->version, &m);
	if (!r)
		r = tc_send(c, UCQL_OP_AUTH_RESPONSE, 0, 0, b, w.len);
	if (r)
		return r;
	r = tc_recv(c, reply);
	if (r <= 0)
		return r < 0 ? r : -ECONNRESET;
	return reply->f.h.opcode;
}

const char *tc_error_text(const tc_frame *fr)
{
	static char buf[1024];
	buf[0] = 0;
	if (fr->f.h.opcode == UCQL_OP_ERROR && !fr->merr)
		snprintf(buf, sizeof buf, "%.*s", (int)fr->m.u.error.message.len,
			 (const char *)fr->m.u.error.message.p);
	return buf;
}
