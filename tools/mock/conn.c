/*
 * conn.c — one client connection: input buffering and v5 segment
 * decoding, output buffering (plain frames, v4 lz4 frames, v5 segments),
 * the one-send-in-flight send queue, and closing without leaks.
 *
 * Read path: mock_conn_on_recv → conn_input (segments or frames) → session.
 * Write path: session → mock_conn_env_begin/end → `out` → mock_conn_flush
 * → one send. Both pass through these two places only, so a TLS layer can
 * later wrap them (decrypt before conn_input, encrypt in mock_conn_flush).
 */
#define MOCK_SERVER_INTERNAL
#include "server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tls.h"
#include "ucql/segment.h"

#define SEG_WORK_SIZE UCQL_SEGMENT_MAX_PAYLOAD

static inline uint64_t tag(void *p, int t)
{
	return (uint64_t)(uintptr_t)p | (uint64_t)t;
}

mock_conn *mock_conn_new(mock_cluster *cl, mock_node *n, int fd)
{
	mock_conn *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	if (cl->tls && !(c->tls = mock_tls_new(cl->tls))) {
		free(c);
		return NULL;
	}
	c->cl = cl;
	c->node = n;
	c->fd = fd;
	c->linger.idx = SIZE_MAX;
	c->sess.node = n->id;
	c->sess.conn_id = ++cl->next_conn_id;
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	if (getpeername(fd, (struct sockaddr *)&sa, &sl) == 0 && sa.sin_family == AF_INET) {
		c->sess.peer_ip = ntohl(sa.sin_addr.s_addr);
		c->sess.peer_port = ntohs(sa.sin_port);
	}
	c->next = n->conns;
	if (n->conns)
		n->conns->prev = c;
	n->conns = c;
	atomic_fetch_add(&n->connections, 1);
	atomic_fetch_add(&n->connections_total, 1);
	return c;
}

void mock_conn_arm_recv(mock_conn *c)
{
	if (c->recv_armed || c->closing)
		return;
	struct io_uring_sqe *sqe = mock_sqe(c->cl);
	if (!sqe) {
		mock_conn_close(c);
		return;
	}
	io_uring_prep_recv_multishot(sqe, c->fd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = 0;
	io_uring_sqe_set_data64(sqe, tag(c, MOCK_OP_RECV));
	c->recv_armed = 1;
	c->inflight++;
}

/* ---- input --------------------------------------------------------------- */

static void seg_error(mock_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void seg_error(mock_conn *c, const char *fmt, ...)
{
	/* The stream cannot be resynchronized after a bad segment: answer on
	 * stream 0 (no request can be named), then close. */
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	ucql_error_msg m;
	ucql_error_msg_init(&m, UCQL_E_PROTOCOL, ucql_bytes_str(msg));
	uint8_t body[256];
	ucql_writer bw;
	ucql_writer_init(&bw, body, sizeof body);
	ucql_error_msg_encode(&bw, c->sess.version, &m);
	ucql_frame_header h = { (uint8_t)c->sess.version, 1, 0, 0, UCQL_OP_ERROR, 0 };
	ucql_writer w;
	if (!bw.err && mock_conn_env_begin(c, UCQL_FRAME_HEADER_SIZE + bw.len, &w)) {
		size_t st = ucql_frame_begin(&w, &h);
		ucql_write_raw(&w, body, bw.len);
		ucql_frame_end(&w, st, 0);
		mock_conn_env_end(c, &w);
	}
	mock_conn_close_after_flush(c, 1000);
}

/* Cuts segments out of p[0..n); returns the bytes used (whole segments). */
static size_t segments_input(mock_conn *c, const uint8_t *p, size_t n)
{
	size_t off = 0;
	if (c->lz4 && !c->seg_work) {
		c->seg_work = malloc(SEG_WORK_SIZE);
		if (!c->seg_work) {
			mock_conn_close(c);
			return n;
		}
	}
	while (off < n && !c->closing && !c->draining) {
		ucql_segment seg;
		int r = ucql_segment_decode(p + off, n - off, c->lz4, c->seg_work, SEG_WORK_SIZE, &seg);
		if (r == UCQL_NEED_MORE)
			break;
		if (r < 0) {
			seg_error(c, r == UCQL_E_CRC ? "Checksum mismatch in a v5 segment"
						      : "Invalid v5 segment (corrupt compressed data)");
			return n;
		}
		off += (size_t)r;
		if (seg.self_contained) {
			if (c->env.len) {
				seg_error(c, "Self-contained segment inside a split envelope");
				return n;
			}
			mock_session_envelopes(c, seg.payload.p, seg.payload.len, 1);
			continue;
		}
		if (mock_buf_append(&c->env, seg.payload.p, seg.payload.len)) {
			mock_conn_close(c);
			return n;
		}
		if (c->env.len < UCQL_FRAME_HEADER_SIZE)
			continue;
		uint64_t total = (uint64_t)UCQL_FRAME_HEADER_SIZE + ucql__be32(c->env.p + 5);
		uint32_t maxf = c->cl->max_frame;
		if (total > (uint64_t)maxf + UCQL_FRAME_HEADER_SIZE) {
			seg_error(c, "Request is too big: length %llu exceeds maximum allowed length %llu.",
				  (unsigned long long)total,
				  (unsigned long long)maxf + UCQL_FRAME_HEADER_SIZE);
			return n;
		}
		if (c->env.len > total) {
			seg_error(c, "Envelope pieces run past the envelope's length");
			return n;
		}
		if (c->env.len == total) {
			mock_session_envelopes(c, c->env.p, c->env.len, 1);
			c->env.len = 0;
		}
	}
	return off;
}

static size_t conn_input(mock_conn *c, const uint8_t *p, size_t n)
{
	size_t off = 0;
	while (off < n && !c->closing && !c->draining) {
		size_t u = c->in_segments ? segments_input(c, p + off, n - off)
					  : mock_session_input(c, p + off, n - off);
		off += u;
		if (u == 0)
			break;
	}
	return off;
}

void mock_conn_on_recv(mock_conn *c, const uint8_t *p, size_t n)
{
	if (c->closing || c->draining)
		return; /* after a fatal error or half-close: input is discarded */
	if (c->tls) {
		/* Ciphertext in, plaintext (maybe none yet) out; handshake
		 * records to answer with wait in the filter for the flush. */
		mock_mark_dirty(c);
		if (mock_tls_recv(c->tls, p, n, &p, &n) < 0) {
			mock_conn_close_after_flush(c, 100); /* sends the alert */
			return;
		}
		if (n == 0)
			return;
	}
	if (c->in.len == 0) {
		size_t used = conn_input(c, p, n);
		if (used < n && !c->closing && !c->draining &&
		    mock_buf_append(&c->in, p + used, n - used))
			mock_conn_close(c);
	} else {
		if (mock_buf_append(&c->in, p, n)) {
			mock_conn_close(c);
			return;
		}
		size_t used = conn_input(c, c->in.p, c->in.len);
		if (!c->closing)
			mock_buf_consume(&c->in, used);
	}
	mock_mark_dirty(c);
}

/* ---- output -------------------------------------------------------------- */

ucql_writer *mock_conn_env_begin(mock_conn *c, size_t size, ucql_writer *w)
{
	mock_buf *b;
	if (c->out_segments)
		b = &c->pend;
	else if (c->out_lz4)
		b = &c->scratch, b->len = 0;
	else
		b = &c->out;
	if (mock_buf_reserve(b, size))
		return NULL;
	c->env_buf = b;
	ucql_writer_init(w, b->p + b->len, b->cap - b->len);
	return w;
}

int mock_conn_env_end(mock_conn *c, ucql_writer *w)
{
	mock_buf *b = c->env_buf;
	c->env_buf = NULL;
	if (w->err)
		return w->err;
	if (b == &c->pend) {
		b->len += w->len;
		c->pend_envs++;
	} else if (b == &c->scratch) {
		size_t body = w->len - UCQL_FRAME_HEADER_SIZE;
		size_t bound = ucql_frame_compress_bound(body);
		if (!bound || mock_buf_reserve(&c->out, bound))
			return UCQL_E_NOMEM;
		int r = ucql_frame_compress(b->p, w->len, c->out.p + c->out.len, bound);
		if (r < 0)
			return r;
		c->out.len += (size_t)r;
	} else {
		b->len += w->len;
	}
	mock_mark_dirty(c);
	return 0;
}

int mock_conn_emit(mock_conn *c, const uint8_t *env, size_t len)
{
	ucql_writer w;
	if (!mock_conn_env_begin(c, len, &w))
		return UCQL_E_NOMEM;
	ucql_write_raw(&w, env, len);
	return mock_conn_env_end(c, &w);
}

static void submit_send(mock_conn *c)
{
	struct io_uring_sqe *sqe = mock_sqe(c->cl);
	if (!sqe) {
		mock_conn_close(c);
		return;
	}
	io_uring_prep_send(sqe, c->fd, c->sending.p + c->sent, c->sending.len - c->sent,
			   MSG_NOSIGNAL);
	io_uring_sqe_set_data64(sqe, tag(c, MOCK_OP_SEND));
	c->send_armed = 1;
	c->inflight++;
}

static void linger_fire(mock_cluster *cl, mock_timer *t)
{
	mock_conn *c = (mock_conn *)((char *)t - offsetof(mock_conn, linger));
	(void)cl;
	mock_conn_close(c);
}

void mock_conn_flush(mock_conn *c)
{
	if (c->closing)
		return;
	if (c->pend.len) {
		/* Everything queued since the last send goes out packed into as
		 * few segments as possible. */
		size_t bound = ucql_segments_bound(c->pend.len, c->pend_envs, c->lz4);
		if (mock_buf_reserve(&c->out, bound)) {
			mock_conn_close(c);
			return;
		}
		ucql_writer w;
		ucql_writer_init(&w, c->out.p + c->out.len, c->out.cap - c->out.len);
		ucql_segments_write(&w, ucql_bytes_of(c->pend.p, c->pend.len), c->lz4);
		if (w.err) {
			fprintf(stderr, "ucql-mock: segment encoding failed: %s\n", ucql_err_str(w.err));
			mock_conn_close(c);
			return;
		}
		c->out.len += w.len;
		c->pend.len = 0;
		c->pend_envs = 0;
	}
	if (c->send_armed)
		return;
	if (c->tls) {
		/* `out` holds plaintext: encrypt it once the handshake is done,
		 * then send the filter's records (handshake or data). */
		if (c->out.len && mock_tls_ready(c->tls)) {
			if (mock_tls_send(c->tls, c->out.p, c->out.len)) {
				mock_conn_close(c);
				return;
			}
			c->out.len = 0;
		}
		size_t wl;
		const uint8_t *wp = mock_tls_wire(c->tls, &wl);
		if (wl) {
			c->sending.len = 0;
			if (mock_buf_append(&c->sending, wp, wl)) {
				mock_conn_close(c);
				return;
			}
			mock_tls_wire_consume(c->tls, wl);
			c->sent = 0;
			submit_send(c);
			return;
		}
	} else if (c->out.len) {
		mock_buf t = c->sending;
		c->sending = c->out;
		c->out = t;
		c->out.len = 0;
		c->sent = 0;
		submit_send(c);
		return;
	}
	if (c->draining && !c->wr_shut) {
		/* Everything is out: FIN after the data. Keep reading (and
		 * discarding) until the client closes, so that closing with
		 * unread input does not turn into a RST that could destroy the
		 * error we just sent before the client reads it. */
		shutdown(c->fd, SHUT_WR);
		c->wr_shut = 1;
		if (c->linger_ms)
			mock_timer_arm(c->cl, &c->linger, c->linger_ms, linger_fire);
	}
}

void mock_conn_on_send(mock_conn *c, int res)
{
	c->send_armed = 0;
	c->inflight--;
	if (c->closing)
		return;
	if (res < 0) {
		mock_conn_close(c);
		return;
	}
	c->sent += (size_t)res;
	if (c->sent < c->sending.len) {
		submit_send(c); /* short send: the rest, before anything newer */
		return;
	}
	c->sending.len = 0;
	c->sent = 0;
	mock_conn_flush(c);
}

/* ---- closing ------------------------------------------------------------- */

void mock_conn_close_after_flush(mock_conn *c, uint32_t linger_ms)
{
	if (c->closing || c->draining)
		return;
	c->draining = 1;
	c->linger_ms = linger_ms;
	mock_mark_dirty(c);
}

void mock_conn_half_close(mock_conn *c)
{
	mock_conn_close_after_flush(c, 0);
}

void mock_conn_close(mock_conn *c)
{
	if (c->closing)
		return;
	mock_cluster *cl = c->cl;
	c->closing = 1;
	c->draining = 1;
	/* Move from the node's list to the cluster's closing list. */
	if (c->prev)
		c->prev->next = c->next;
	else
		c->node->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->prev = NULL;
	c->next = cl->closing;
	cl->closing = c;
	atomic_fetch_sub(&c->node->connections, 1);

	mock_timer_cancel(cl, &c->linger);
	while (c->delayed) {
		mock_delayed *d = c->delayed;
		c->delayed = d->next;
		mock_timer_cancel(cl, &d->t);
		free(d);
	}
	/* Ends the pending recv (EOF) and send (error) so that their last
	 * completions arrive; the fd is closed once none is in flight. */
	shutdown(c->fd, SHUT_RDWR);
	if (c->recv_armed) {
		struct io_uring_sqe *sqe = mock_sqe(cl);
		if (sqe) {
			io_uring_prep_cancel64(sqe, tag(c, MOCK_OP_RECV), 0);
			io_uring_sqe_set_data64(sqe, 0);
		}
	}
}

void mock_conn_free(mock_conn *c)
{
	mock_session_close_hook(c);
	close(c->fd);
	mock_buf_free(&c->in);
	mock_buf_free(&c->env);
	mock_buf_free(&c->inflate);
	mock_buf_free(&c->out);
	mock_buf_free(&c->sending);
	mock_buf_free(&c->pend);
	mock_buf_free(&c->scratch);
	free(c->seg_work);
	mock_tls_free(c->tls);
	free(c);
}
