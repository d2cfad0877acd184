/*
 * conn.c — one connection of a shard to a node: connect, handshake
 * (OPTIONS → SUPPORTED → STARTUP → READY | AUTHENTICATE → SASL), framing
 * in both directions (v3/v4 frames with optional lz4, v5 segments), stream
 * ids, and failure. Everything here runs on the shard's thread.
 *
 * Output: frames are appended to out[cur]; the shard flushes each dirty
 * connection once per loop iteration with exactly one send, and at most
 * one send is in flight per socket (a short send continues from where it
 * stopped before the other buffer may go).
 *
 * Input: one multishot recv from the shard's provided buffer ring. Frames
 * are decoded where they landed; a frame straddling two buffers is copied
 * into a heap chunk. v5 segments go through the streaming segment decoder:
 * envelopes wholly inside a received buffer stay there, others (split or
 * lz4-compressed) are copied out of the decoder's work area.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../core.h"

enum {
	HS_OPTIONS = 1,
	HS_STARTUP,
	HS_AUTH,
	HS_USE,
};

static void conn_close_fd(ucql__conn *c);

ucql__conn *ucql__conn_new(ucql_shard *sh, int node, int slot)
{
	ucql__conn *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->sh = sh;
	c->node = node;
	c->slot = slot;
	c->fd = -1;
	int max = sh->s->v->max_in_flight_per_connection;
	if (max <= 0 || max > UCQL__MAX_STREAMS)
		max = UCQL__MAX_STREAMS;
	c->streams = calloc(UCQL__MAX_STREAMS, sizeof *c->streams);
	c->free_ids = malloc((size_t)max * sizeof *c->free_ids);
	if (!c->streams || !c->free_ids) {
		ucql__conn_free(c);
		return NULL;
	}
	/* Stream 0 is the handshake's: requests get 1..min(max, 32767),
	 * lowest first. */
	int top = max < UCQL__MAX_STREAMS - 1 ? max : UCQL__MAX_STREAMS - 1;
	c->n_free = 0;
	for (int i = top; i >= 1; i--)
		c->free_ids[c->n_free++] = (uint16_t)i;
	c->reconnect_delay_ms = sh->s->v->reconnect_base_delay_ms;
	return c;
}

void ucql__conn_free(ucql__conn *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c->streams);
	free(c->free_ids);
	free(c->out[0]);
	free(c->out[1]);
	free(c->seg);
	free(c->ss_work);
	if (c->ss_env)
		munmap(c->ss_env, c->ss_env_cap);
	if (c->asm_rb)
		ucql__rbuf_release(c->asm_rb);
	free(c);
}

static const char *node_name(const ucql__conn *c)
{
	return c->sh->s->nodes[c->node].name;
}

/* ---- output ------------------------------------------------------------ */

static int out_reserve(ucql__conn *c, size_t n)
{
	int b = c->cur;
	if (c->out_len[b] + n <= c->out_cap[b])
		return 0;
	size_t cap = c->out_cap[b] ? c->out_cap[b] : 16384;
	while (cap < c->out_len[b] + n)
		cap *= 2;
	uint8_t *p = realloc(c->out[b], cap);
	if (!p)
		return UCQL_E_NOMEM;
	c->out[b] = p;
	c->out_cap[b] = cap;
	return 0;
}

/* Appends one frame. v4 lz4 compresses every frame after STARTUP. */
static int append_frame(ucql__conn *c, uint8_t opcode, uint8_t flags, int16_t stream,
			const uint8_t *body, size_t len)
{
	ucql_frame_header h = { (uint8_t)c->version, 0, flags, stream, opcode, (uint32_t)len };
	int compress = c->lz4 && c->version < 5 && opcode != UCQL_OP_STARTUP && opcode != UCQL_OP_OPTIONS;
	if (!compress) {
		if (out_reserve(c, 9 + len))
			return UCQL_E_NOMEM;
		uint8_t *d = c->out[c->cur] + c->out_len[c->cur];
		ucql_frame_header_encode(d, &h);
		if (len)
			memcpy(d + 9, body, len);
		c->out_len[c->cur] += 9 + len;
	} else {
		/* the codec compresses a whole frame: build it, then compress */
		uint8_t *tmp = malloc(9 + len);
		if (!tmp)
			return UCQL_E_NOMEM;
		ucql_frame_header_encode(tmp, &h);
		if (len)
			memcpy(tmp + 9, body, len);
		size_t bound = ucql_frame_compress_bound(len);
		if (!bound || out_reserve(c, bound)) {
			free(tmp);
			return UCQL_E_NOMEM;
		}
		int n = ucql_frame_compress(tmp, 9 + len, c->out[c->cur] + c->out_len[c->cur], bound);
		free(tmp);
		if (n < 0)
			return n;
		c->out_len[c->cur] += (size_t)n;
	}
	ucql__shard_mark_dirty(c->sh, c);
	return 0;
}

void ucql__conn_flush(ucql__conn *c)
{
	if (c->send_inflight || c->fd < 0 || c->state == UCQL__CONN_DOWN ||
	    c->state == UCQL__CONN_CONNECTING)
		return;
	int b = c->cur;
	if (!c->out_len[b])
		return;
	const uint8_t *p = c->out[b];
	size_t n = c->out_len[b];
	if (c->segments) {
		size_t bound = ucql_segments_bound(n, n / 9 + 1, c->lz4);
		if (bound > c->seg_cap) {
			uint8_t *s = realloc(c->seg, bound);
			if (!s) {
				ucql__conn_fail(c, UCQL_E_NOMEM, "out of memory");
				return;
			}
			c->seg = s;
			c->seg_cap = bound;
		}
		ucql_writer w;
		ucql_writer_init(&w, c->seg, c->seg_cap);
		ucql_segments_write(&w, ucql_bytes_of(p, n), c->lz4);
		if (w.err) {
			ucql__conn_fail(c, w.err, "cannot build segments");
			return;
		}
		c->seg_len = w.len;
	} else {
		c->seg_len = 0;
	}
	struct io_uring_sqe *sqe = ucql__shard_sqe(c->sh);
	if (!sqe) {
		ucql__shard_mark_dirty(c->sh, c);
		return;
	}
	c->cur ^= 1;
	c->sent_off = 0;
	c->send_inflight = 1;
	c->ops++;
	const uint8_t *src = c->seg_len ? c->seg : c->out[b];
	size_t len = c->seg_len ? c->seg_len : n;
	io_uring_prep_send(sqe, c->fd, src, len, MSG_NOSIGNAL);
	io_uring_sqe_set_data64(sqe, ucql__tag(c, UCQL__OP_SEND));
	ucql__metric_add(&c->sh->m.bytes_out, len);
}

static void on_send(ucql__conn *c, int res)
{
	c->ops--;
	int b = c->cur ^ 1;
	size_t total = c->seg_len ? c->seg_len : c->out_len[b];
	if (res < 0) {
		c->send_inflight = 0;
		c->out_len[b] = 0;
		if (c->state != UCQL__CONN_CLOSING && c->state != UCQL__CONN_DOWN) {
			char why[96];
			snprintf(why, sizeof why, "send failed: %s", strerror(-res));
			ucql__conn_fail(c, UCQL_E_CONNECTION, why);
		}
		return;
	}
	c->sent_off += (size_t)res;
	if (c->sent_off < total && c->fd >= 0 && c->state != UCQL__CONN_DOWN) {
		/* short send: the rest goes before anything else */
		struct io_uring_sqe *sqe = ucql__shard_sqe(c->sh);
		if (sqe) {
			const uint8_t *src = c->seg_len ? c->seg : c->out[b];
			c->ops++;
			io_uring_prep_send(sqe, c->fd, src + c->sent_off, total - c->sent_off, MSG_NOSIGNAL);
			io_uring_sqe_set_data64(sqe, ucql__tag(c, UCQL__OP_SEND));
			return;
		}
		ucql__conn_fail(c, UCQL_E_CONNECTION, "no submission queue entry for a short send");
		return;
	}
	c->send_inflight = 0;
	c->out_len[b] = 0;
	c->seg_len = 0;
	if (c->out_len[c->cur])
		ucql__shard_mark_dirty(c->sh, c);
}

/* ---- connecting and the handshake ------------------------------------- */

void ucql__conn_arm_recv(ucql__conn *c)
{
	struct io_uring_sqe *sqe = ucql__shard_sqe(c->sh);
	if (!sqe) {
		ucql__conn_fail(c, UCQL_E_CONNECTION, "no submission queue entry for recv");
		return;
	}
	io_uring_prep_recv_multishot(sqe, c->fd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = 0;
	io_uring_sqe_set_data64(sqe, ucql__tag(c, UCQL__OP_RECV));
	c->recv_armed = 1;
	c->ops++;
}

void ucql__conn_start(ucql__conn *c)
{
	ucql_shard *sh = c->sh;
	ucql__node *n = &sh->s->nodes[c->node];
	c->version = ucql__session_version(sh->s);
	c->lz4 = 0;
	c->hdr_have = 0;
	c->asm_have = c->asm_need = 0;
	c->cur = 0;
	c->out_len[0] = c->out_len[1] = 0;
	c->seg_len = 0;
	c->err[0] = 0;
	c->ks_gen = 0;
	c->ks_switching = 0;
	int fd = socket(n->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ucql__conn_fail(c, UCQL_E_CONNECTION, "socket() failed");
		return;
	}
	int one = 1;
	/* Nagle + delayed ACK would stall pipelined requests by ~40 ms. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	c->fd = fd;
	c->state = UCQL__CONN_CONNECTING;
	struct io_uring_sqe *sqe = ucql__shard_sqe(sh);
	struct io_uring_sqe *tsqe = sqe ? ucql__shard_sqe(sh) : NULL;
	if (!sqe || !tsqe) {
		ucql__conn_fail(c, UCQL_E_CONNECTION, "no submission queue entry for connect");
		return;
	}
	c->addr = n->addr;
	c->addrlen = n->addrlen;
	io_uring_prep_connect(sqe, fd, (struct sockaddr *)&c->addr, c->addrlen);
	io_uring_sqe_set_data64(sqe, ucql__tag(c, UCQL__OP_CONNECT));
	sqe->flags |= IOSQE_IO_LINK;
	int64_t ms = sh->s->v->connect_timeout_ms;
	c->connect_ts.tv_sec = ms / 1000;
	c->connect_ts.tv_nsec = (ms % 1000) * 1000000;
	io_uring_prep_link_timeout(tsqe, &c->connect_ts, 0);
	io_uring_sqe_set_data64(tsqe, ucql__tag(c, UCQL__OP_NOP));
	c->ops += 2;
	ucql__metric_add(&sh->m.connections_opened, 1);
}

static void send_handshake(ucql__conn *c, uint8_t opcode, const uint8_t *body, size_t len)
{
	if (append_frame(c, opcode, 0, 0, body, len))
		ucql__conn_fail(c, UCQL_E_NOMEM, "out of memory");
}

static void send_startup(ucql__conn *c, int lz4)
{
	uint8_t body[256];
	ucql_writer w;
	ucql_writer_init(&w, body, sizeof body);
	ucql_bytes kv[8];
	size_t n = 0;
	kv[n++] = ucql_bytes_str(UCQL_STARTUP_CQL_VERSION);
	kv[n++] = ucql_bytes_str("3.0.0");
	kv[n++] = ucql_bytes_str(UCQL_STARTUP_DRIVER_NAME);
	kv[n++] = ucql_bytes_str("ucql");
	kv[n++] = ucql_bytes_str(UCQL_STARTUP_DRIVER_VERSION);
	kv[n++] = ucql_bytes_str(UCQL_VERSION_STR);
	if (lz4) {
		kv[n++] = ucql_bytes_str(UCQL_STARTUP_COMPRESSION);
		kv[n++] = ucql_bytes_str("lz4");
	}
	ucql_startup m = { kv, n / 2, { 0, { NULL, 0 } } };
	ucql_startup_encode(&w, c->version, &m);
	c->hs_step = HS_STARTUP;
	c->want_lz4 = lz4;
	send_handshake(c, UCQL_OP_STARTUP, body, w.len);
}

static void on_connected(ucql__conn *c, int res)
{
	c->ops--;
	if (res < 0) {
		char why[128];
		snprintf(why, sizeof why, "connect failed: %s",
			 res == -ECANCELED ? "timed out" : strerror(-res));
		ucql__conn_fail(c, UCQL_E_NO_HOSTS, why);
		return;
	}
	c->state = UCQL__CONN_HANDSHAKE;
	ucql__conn_arm_recv(c);
	c->hs_step = HS_OPTIONS;
	send_handshake(c, UCQL_OP_OPTIONS, NULL, 0);
}

/* v5 segments start after the server's answer to STARTUP (READY or
 * AUTHENTICATE): native_protocol_v5.spec §2. */
static int start_segments(ucql__conn *c)
{
	if (c->version < 5 || c->ss_work)
		return 0;
	size_t wcap = UCQL_SEGMENT_STREAM_WORK_SIZE(c->lz4);
	size_t ecap = (size_t)c->sh->s->v->max_frame_size + 9;
	c->ss_work = malloc(wcap);
	/* Room for the largest envelope split over segments: reserved, not
	 * committed — mmap'd pages cost nothing until a large envelope
	 * touches them (malloc might fill it, e.g. under MALLOC_PERTURB_). */
	void *env = mmap(NULL, ecap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (!c->ss_work || env == MAP_FAILED)
		return UCQL_E_NOMEM;
	c->ss_env = env;
	c->ss_env_cap = ecap;
	return ucql_segment_stream_init(&c->ss, c->lz4, c->ss_work, wcap, c->ss_env, ecap);
}

/* The handshake is over (with or without the keyspace): requests may go. */
static void mark_ready(ucql__conn *c)
{
	c->state = UCQL__CONN_READY;
	c->hs_step = 0;
	c->reconnect_delay_ms = c->sh->s->v->reconnect_base_delay_ms;
	ucql__shard_conn_ready(c->sh, c);
}

static void become_ready(ucql__conn *c)
{
	ucql_session *s = c->sh->s;
	char ks[256];
	uint64_t gen;
	ucql__session_keyspace(s, ks, sizeof ks, &gen);
	if (ks[0] && c->ks_gen != gen) {
		/* USE before any request: the connection joins the session's
		 * keyspace (kept as CQL text: quoted when case matters) */
		char q[300];
		snprintf(q, sizeof q, "USE %s", ks);
		uint8_t body[400];
		ucql_writer w;
		ucql_writer_init(&w, body, sizeof body);
		ucql_query m;
		memset(&m, 0, sizeof m);
		m.query = ucql_bytes_str(q);
		m.params.consistency = UCQL_CL_ONE;
		ucql_query_encode(&w, c->version, &m);
		c->hs_step = HS_USE;
		c->hs_ks_gen = gen;
		send_handshake(c, UCQL_OP_QUERY, body, w.len);
		return;
	}
	mark_ready(c);
}

static int auth_initial(ucql__conn *c, ucql_bytes cls, ucql_writer *w)
{
	const ucql__cfg *v = c->sh->s->v;
	if (v->has_authenticator)
		return v->authenticator.initial(v->authenticator.ud, &c->auth_state, cls, w);
	if (!v->auth_username || !v->auth_username[0])
		return UCQL_E_AUTH_REQUIRED;
	/* SASL PLAIN (RFC 4616): authzid \0 authcid \0 password */
	ucql_write_byte(w, 0);
	ucql_write_raw(w, v->auth_username, strlen(v->auth_username));
	ucql_write_byte(w, 0);
	ucql_write_raw(w, v->auth_password ? v->auth_password : "",
		       v->auth_password ? strlen(v->auth_password) : 0);
	return 0;
}

static void send_auth_response(ucql__conn *c, const uint8_t *tok, size_t len)
{
	uint8_t body[1100];
	ucql_writer w;
	ucql_writer_init(&w, body, sizeof body);
	ucql_auth_response m = { ucql_value_of(tok, (int32_t)len) };
	ucql_auth_response_encode(&w, c->version, &m);
	if (w.err) {
		ucql__conn_fail(c, UCQL_E_AUTH, "authentication token too large");
		return;
	}
	c->hs_step = HS_AUTH;
	send_handshake(c, UCQL_OP_AUTH_RESPONSE, body, w.len);
}

static void handshake_error(ucql__conn *c, const ucql_frame *f)
{
	ucql_error_msg e;
	char why[200];
	if (ucql_error_msg_decode(f->body, f->h.version, &e)) {
		ucql__conn_fail(c, UCQL_E_SERVER_PROTOCOL, "malformed ERROR during the handshake");
		return;
	}
	int len = (int)(e.message.len > 150 ? 150 : e.message.len);
	snprintf(why, sizeof why, "%.*s", len, (const char *)e.message.p);
	/* A version the node does not speak: Cassandra answers a protocol
	 * error in its own highest version (or mentions the version). */
	if (e.code == UCQL_E_PROTOCOL && (c->hs_step == HS_OPTIONS || c->hs_step == HS_STARTUP) &&
	    (f->h.version < c->version || strstr(why, "protocol version") || strstr(why, "Beta"))) {
		c->refused_version = c->version;
		ucql__conn_fail(c, UCQL_E_BAD_VERSION, why);
		return;
	}
	if (c->hs_step == HS_USE) {
		/* the keyspace is gone: the connection works without it */
		ucql__log(&c->sh->s->log, UCQL_LOG_WARN, "%s: USE failed: %s", node_name(c), why);
		c->ks_gen = c->hs_ks_gen;
		mark_ready(c);
		return;
	}
	ucql__conn_fail(c, e.code, why);
}

static void on_handshake_frame(ucql__conn *c, const ucql_frame *f)
{
	if (f->h.opcode == UCQL_OP_ERROR) {
		handshake_error(c, f);
		return;
	}
	if (f->h.version != c->version) {
		ucql__conn_fail(c, UCQL_E_SERVER_PROTOCOL, "response in another protocol version");
		return;
	}
	switch (c->hs_step) {
	case HS_OPTIONS: {
		ucql_supported sup;
		int lz4 = 0;
		if (f->h.opcode != UCQL_OP_SUPPORTED || ucql_supported_decode(f->body, c->version, &sup)) {
			ucql__conn_fail(c, UCQL_E_SERVER_PROTOCOL, "bad answer to OPTIONS");
			return;
		}
		if (c->sh->s->v->compression_lz4) {
			/* COMPRESSION is a multimap entry: a list of names */
			ucql_reader r;
			ucql_reader_init(&r, sup.options.raw.p, sup.options.raw.len);
			for (uint16_t i = 0; i < sup.options.n && !r.err; i++) {
				ucql_bytes k = ucql_read_string(&r);
				uint16_t nv = ucql_read_short(&r);
				for (uint16_t j = 0; j < nv && !r.err; j++) {
					ucql_bytes val = ucql_read_string(&r);
					if (ucql_bytes_eq_str(k, "COMPRESSION") && ucql_bytes_eq_str(val, "lz4"))
						lz4 = 1;
				}
			}
			if (!lz4)
				ucql__log(&c->sh->s->log, UCQL_LOG_INFO,
					  "%s does not offer lz4: no compression", node_name(c));
		}
		send_startup(c, lz4);
		return;
	}
	case HS_STARTUP:
		if (f->h.opcode != UCQL_OP_READY && f->h.opcode != UCQL_OP_AUTHENTICATE) {
			ucql__conn_fail(c, UCQL_E_SERVER_PROTOCOL, "bad answer to STARTUP");
			return;
		}
		c->lz4 = c->want_lz4;
		if (start_segments(c)) {
			ucql__conn_fail(c, UCQL_E_NOMEM, "out of memory");
			return;
		}
		c->segments = c->version >= 5;
		if (f->h.opcode == UCQL_OP_READY) {
			become_ready(c);
			return;
		} else {
			ucql_authenticate a;
			if (ucql_authenticate_decode(f->body, c->version, &a)) {
				ucql__conn_fail(c, UCQL_E_SERVER_PROTOCOL, "malformed AUTHENTICATE");
				return;
			}
			uint8_t tok[1024];
			ucql_writer w;
			ucql_writer_init(&w, tok, sizeof tok);
			int r = auth_initial(c, a.authenticator, &w);
			if (r || w.err) {
				ucql__conn_fail(c, r ? r : UCQL_E_AUTH,
						r == UCQL_E_AUTH_REQUIRED
							? "server requires authentication; set auth.username and auth.password"
							: "authenticator failed");
				return;
			}
			send_auth_response(c, tok, w.len);
		}
		return;
	case HS_AUTH: {
		const ucql__cfg *v = c->sh->s->v;
		if (f->h.opcode == UCQL_OP_AUTH_SUCCESS) {
			ucql_auth_success m;
			if (ucql_auth_success_decode(f->body, c->version, &m)) {
				ucql__conn_fail(c, UCQL_E_SERVER_PROTOCOL, "malformed AUTH_SUCCESS");
				return;
			}
			if (v->has_authenticator && v->authenticator.success &&
			    v->authenticator.success(v->authenticator.ud, &c->auth_state, m.token)) {
				ucql__conn_fail(c, UCQL_E_AUTH, "authenticator rejected the server's final token");
				return;
			}
			become_ready(c);
			return;
		}
		if (f->h.opcode == UCQL_OP_AUTH_CHALLENGE && v->has_authenticator) {
			ucql_auth_challenge m;
			if (ucql_auth_challenge_decode(f->body, c->version, &m)) {
				ucql__conn_fail(c, UCQL_E_SERVER_PROTOCOL, "malformed AUTH_CHALLENGE");
				return;
			}
			uint8_t tok[1024];
			ucql_writer w;
			ucql_writer_init(&w, tok, sizeof tok);
			if (v->authenticator.challenge(v->authenticator.ud, &c->auth_state, m.token, &w) || w.err) {
				ucql__conn_fail(c, UCQL_E_AUTH, "authenticator failed on a challenge");
				return;
			}
			send_auth_response(c, tok, w.len);
			return;
		}
		ucql__conn_fail(c, UCQL_E_SERVER_PROTOCOL, "unexpected answer during authentication");
		return;
	}
	case HS_USE:
		c->ks_gen = c->hs_ks_gen;
		mark_ready(c);
		return;
	default:
		ucql__conn_fail(c, UCQL_E_SERVER_PROTOCOL, "unexpected frame on stream 0");
	}
}

/* ---- requests ------------------------------------------------------------ */

int ucql__conn_send_req(ucql__conn *c, ucql__req *r)
{
	if (!c->n_free)
		return UCQL_E_QUEUE_FULL;
	if (r->version != c->version) {
		int rc = ucql__req_reencode(r, c->version);
		if (rc)
			return rc;
	}
	uint16_t id = c->free_ids[--c->n_free];
	int rc = append_frame(c, r->opcode, r->frame_flags, (int16_t)id, r->body, r->body_len);
	if (rc) {
		c->free_ids[c->n_free++] = id;
		return rc;
	}
	c->streams[id] = r;
	r->stream = (int16_t)id;
	r->conn = c;
	r->sent = 1;
	c->in_flight++;
	return 0;
}

static void release_id(ucql__conn *c, int16_t id)
{
	c->streams[id] = NULL;
	c->free_ids[c->n_free++] = (uint16_t)id;
}

void ucql__conn_on_timeout(ucql__conn *c, ucql__req *r)
{
	/* The response may still come: keep the id reserved until it does or
	 * the connection closes, so a late answer is never taken for the
	 * answer to a new request on a reused id. */
	c->streams[r->stream] = UCQL__STREAM_ORPHAN;
	c->in_flight--;
	c->orphans++;
	r->conn = NULL;
	r->stream = -1;
	/* A node that stopped answering would end up holding every id: past
	 * half of them, start over on a new connection (closing is the only
	 * way to make late answers impossible), as the Java driver does. */
	int max = c->sh->s->v->max_in_flight_per_connection;
	if (c->orphans > (max > 2 ? max / 2 : 1)) {
		c->reconnect_now = 1; /* a replacement, not a node failure */
		ucql__conn_fail(c, UCQL_E_CONNECTION, "too many requests timed out without an answer");
	}
}

/* ---- input ---------------------------------------------------------------- */

static void on_frame(ucql__conn *c, ucql__rbuf *rb, const uint8_t *p, size_t len)
{
	ucql_frame f;
	uint32_t maxb = (uint32_t)c->sh->s->v->max_frame_size;
	ucql__rbuf *hold = NULL;
	ucql_shard *sh = c->sh;
	if (rb && rb->kind == UCQL__RB_PROVIDED && sh->bufs_out * 4 >= sh->nbufs * 3 &&
	    c->state == UCQL__CONN_READY) {
		/* Receive buffers are running out (results pin them): copy this
		 * frame out so that its result pins only its own bytes and the
		 * buffer can go back to the kernel. Allocates, but only while
		 * the application holds on to many results. */
		hold = ucql__rbuf_exact(sh, len);
		if (hold) {
			memcpy(hold->data, p, len);
			p = hold->data;
			rb = hold;
		}
	}
	int r = ucql_frame_decode(p, len, maxb, &f);
	if (r >= 0 && !f.parsed) {
		size_t sz;
		r = ucql_frame_decompressed_size(&f, maxb, &sz);
		if (!r) {
			ucql__rbuf *d = ucql__rbuf_heap(c->sh, sz ? sz : 1);
			if (!d) {
				r = UCQL_E_NOMEM;
			} else {
				r = ucql_frame_decompress(&f, d->data, d->cap, maxb);
				if (hold)
					ucql__rbuf_release(hold);
				hold = d;
			}
		}
		rb = hold;
	}
	if (r < 0 || !f.h.response) {
		if (hold)
			ucql__rbuf_release(hold);
		char why[96];
		snprintf(why, sizeof why, "undecodable frame from the server: %s", ucql_err_str(r < 0 ? r : UCQL_E_BAD_OPCODE));
		ucql__conn_fail(c, UCQL_E_SERVER_PROTOCOL, why);
		return;
	}
	if (f.h.stream < 0) {
		/* EVENT (stream -1): the control connection's business (next
		 * issue); a data connection never REGISTERs, so ignore. */
	} else if (c->state == UCQL__CONN_HANDSHAKE) {
		if (f.h.stream == 0)
			on_handshake_frame(c, &f);
	} else {
		ucql__req *req = c->streams[f.h.stream];
		if (req == UCQL__STREAM_ORPHAN) {
			release_id(c, f.h.stream);
			c->orphans--;
		} else if (req) {
			release_id(c, f.h.stream);
			c->in_flight--;
			req->conn = NULL;
			req->stream = -1;
			ucql__shard_on_response(c->sh, c, req, rb, &f);
		} else {
			ucql__log(&c->sh->s->log, UCQL_LOG_WARN,
				  "%s: response on unused stream %d ignored", node_name(c), f.h.stream);
		}
	}
	if (hold)
		ucql__rbuf_release(hold);
}

/* Whole frames from a run of bytes in rb (v3/v4 framing, or the payload of
 * v5 segments). Returns bytes consumed up to the first incomplete frame. */
static size_t frames_in(ucql__conn *c, ucql__rbuf *rb, const uint8_t *p, size_t n)
{
	size_t off = 0;
	uint32_t maxb = (uint32_t)c->sh->s->v->max_frame_size;
	while (n - off >= 9 && c->state != UCQL__CONN_DOWN && c->state != UCQL__CONN_CLOSING) {
		ucql_frame_header h;
		int r = ucql_frame_header_decode(p + off, n - off, maxb, &h);
		if (r < 0 && r != UCQL_NEED_MORE) {
			ucql__conn_fail(c, UCQL_E_SERVER_PROTOCOL, "bad frame header from the server");
			return n;
		}
		size_t fl = 9 + (size_t)h.length;
		if (fl > n - off)
			break;
		int was_segments = c->segments;
		on_frame(c, rb, p + off, fl);
		off += fl;
		if (!was_segments && c->segments)
			break; /* the rest of the chunk is segments */
	}
	return off;
}

static void feed_segments(ucql__conn *c, ucql__rbuf *rb, const uint8_t *p, size_t n)
{
	ucql_segment_stream_feed(&c->ss, p, n);
	ucql_bytes out;
	int r;
	while ((r = ucql_segment_stream_next(&c->ss, &out)) > 0) {
		ucql__rbuf *src = rb;
		const uint8_t *q = out.p;
		if (!(out.p >= p && out.p + out.len <= p + n)) {
			/* in the decoder's work area: copy out, results may
			 * outlive it */
			src = ucql__rbuf_heap(c->sh, out.len ? out.len : 1);
			if (!src) {
				ucql__conn_fail(c, UCQL_E_NOMEM, "out of memory");
				return;
			}
			memcpy(src->data, out.p, out.len);
			q = src->data;
		}
		size_t used = frames_in(c, src, q, out.len);
		if (src != rb)
			ucql__rbuf_release(src);
		if (c->state == UCQL__CONN_DOWN || c->state == UCQL__CONN_CLOSING)
			return;
		if (used != out.len) {
			/* v5 §2.2: a self-contained segment holds whole envelopes */
			ucql__conn_fail(c, UCQL_E_SERVER_PROTOCOL, "segment payload with a partial envelope");
			return;
		}
	}
	if (r < 0) {
		char why[96];
		snprintf(why, sizeof why, "bad segment from the server: %s", ucql_err_str(r));
		ucql__conn_fail(c, UCQL_E_SERVER_PROTOCOL, why);
	}
}

static void on_bytes(ucql__conn *c, ucql__rbuf *rb, const uint8_t *p, size_t n)
{
	if (c->segments) {
		feed_segments(c, rb, p, n);
		return;
	}
	uint32_t maxb = (uint32_t)c->sh->s->v->max_frame_size;
	/* finish a frame begun in an earlier buffer */
	if (c->hdr_have) {
		size_t take = 9 - c->hdr_have;
		if (take > n)
			take = n;
		memcpy(c->hdr + c->hdr_have, p, take);
		c->hdr_have += take;
		p += take;
		n -= take;
		if (c->hdr_have < 9)
			return;
		ucql_frame_header h;
		int r = ucql_frame_header_decode(c->hdr, 9, maxb, &h);
		if (r < 0 && r != UCQL_NEED_MORE) {
			ucql__conn_fail(c, UCQL_E_SERVER_PROTOCOL, "bad frame header from the server");
			return;
		}
		c->hdr_have = 0;
		c->asm_need = 9 + (size_t)h.length;
		c->asm_rb = ucql__rbuf_heap(c->sh, c->asm_need);
		if (!c->asm_rb) {
			ucql__conn_fail(c, UCQL_E_NOMEM, "out of memory");
			return;
		}
		memcpy(c->asm_rb->data, c->hdr, 9);
		c->asm_have = 9;
	}
	if (c->asm_rb) {
		size_t take = c->asm_need - c->asm_have;
		if (take > n)
			take = n;
		memcpy(c->asm_rb->data + c->asm_have, p, take);
		c->asm_have += take;
		p += take;
		n -= take;
		if (c->asm_have < c->asm_need)
			return;
		ucql__rbuf *a = c->asm_rb;
		c->asm_rb = NULL;
		int was_segments = c->segments;
		on_frame(c, a, a->data, c->asm_need);
		ucql__rbuf_release(a);
		if (c->state == UCQL__CONN_DOWN || c->state == UCQL__CONN_CLOSING)
			return;
		if (!was_segments && c->segments) {
			if (n)
				feed_segments(c, rb, p, n);
			return;
		}
	}
	size_t used = frames_in(c, rb, p, n);
	if (c->state == UCQL__CONN_DOWN || c->state == UCQL__CONN_CLOSING)
		return;
	p += used;
	n -= used;
	if (!n)
		return;
	if (c->segments) {
		feed_segments(c, rb, p, n);
		return;
	}
	if (n < 9) {
		memcpy(c->hdr, p, n);
		c->hdr_have = n;
		return;
	}
	ucql_frame_header h;
	(void)ucql_frame_header_decode(p, n, maxb, &h);
	c->asm_need = 9 + (size_t)h.length;
	c->asm_rb = ucql__rbuf_heap(c->sh, c->asm_need);
	if (!c->asm_rb) {
		ucql__conn_fail(c, UCQL_E_NOMEM, "out of memory");
		return;
	}
	memcpy(c->asm_rb->data, p, n);
	c->asm_have = n;
}

static void on_recv(ucql__conn *c, struct io_uring_cqe *cqe)
{
	ucql_shard *sh = c->sh;
	int res = cqe->res;
	if (res > 0 && (cqe->flags & IORING_CQE_F_BUFFER)) {
		unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
		ucql__rbuf *rb = &sh->rbufs[bid];
		atomic_store_explicit(&rb->refs, 1, memory_order_relaxed);
		sh->bufs_out++;
		ucql__metric_add(&sh->m.bytes_in, (uint64_t)res);
		if (c->state == UCQL__CONN_HANDSHAKE || c->state == UCQL__CONN_READY)
			on_bytes(c, rb, rb->data, (size_t)res);
		ucql__rbuf_release(rb);
	} else if (res == 0 || (res < 0 && res != -ENOBUFS)) {
		if (c->state == UCQL__CONN_HANDSHAKE || c->state == UCQL__CONN_READY) {
			char why[96];
			snprintf(why, sizeof why, "%s", res == 0 ? "closed by the server" : strerror(-res));
			ucql__conn_fail(c, UCQL_E_CONNECTION, why);
		}
	}
	if (cqe->flags & IORING_CQE_F_MORE)
		return;
	c->recv_armed = 0;
	c->ops--;
	if (c->state != UCQL__CONN_HANDSHAKE && c->state != UCQL__CONN_READY)
		return;
	if (res == -ENOBUFS && sh->bufs_out >= sh->nbufs) {
		/* every buffer is pinned by results the application holds:
		 * re-arming now would only fail again (a busy loop). Wait for
		 * the next buffer given back (ucql__shard_feed_starved). */
		if (!c->starving) {
			c->starving = 1;
			c->starved_next = sh->starved;
			sh->starved = c;
		}
		return;
	}
	/* the multishot ended for lack of buffers or a CQ overflow: re-arm */
	if (res > 0 || res == -ENOBUFS)
		ucql__conn_arm_recv(c);
}

void ucql__conn_on_cqe(ucql__conn *c, int op, struct io_uring_cqe *cqe)
{
	switch (op) {
	case UCQL__OP_RECV:
		on_recv(c, cqe);
		break;
	case UCQL__OP_SEND:
		on_send(c, cqe->res);
		break;
	case UCQL__OP_CONNECT:
		on_connected(c, cqe->res);
		break;
	case UCQL__OP_NOP:
		c->ops--;
		break;
	default:
		break;
	}
	if (c->state == UCQL__CONN_DOWN && c->ops == 0 && c->fd >= 0)
		conn_close_fd(c);
}

/* ---- failure ------------------------------------------------------------- */

static void conn_close_fd(ucql__conn *c)
{
	close(c->fd);
	c->fd = -1;
	ucql__metric_add(&c->sh->m.connections_closed, 1);
	ucql__shard_conn_closed(c->sh, c);
}

void ucql__conn_fail(ucql__conn *c, int err, const char *why)
{
	if (c->state == UCQL__CONN_DOWN)
		return;
	int was = c->state;
	c->state = UCQL__CONN_DOWN;
	c->last_err = err;
	snprintf(c->err, sizeof c->err, "%s", why ? why : ucql_err_str(err));
	if (was == UCQL__CONN_READY || was == UCQL__CONN_HANDSHAKE)
		ucql__log(&c->sh->s->log, err == UCQL_E_CLOSED ? UCQL_LOG_DEBUG : UCQL_LOG_WARN,
			  "connection to %s lost: %s", node_name(c), c->err);
	else
		ucql__log(&c->sh->s->log, UCQL_LOG_INFO, "cannot connect to %s: %s", node_name(c), c->err);
	/* in-flight requests: sent (or queued to send) on this connection, so
	 * they may have executed — a retriable connection error */
	for (int id = 1; id < UCQL__MAX_STREAMS && (c->in_flight || c->orphans); id++) {
		ucql__req *r = c->streams[id];
		if (!r)
			continue;
		c->streams[id] = NULL;
		c->free_ids[c->n_free++] = (uint16_t)id;
		if (r == UCQL__STREAM_ORPHAN) {
			c->orphans--;
			continue;
		}
		c->in_flight--;
		r->conn = NULL;
		r->stream = -1;
		r->rs.node = node_name(c);
		ucql__rs_set_errorf(&r->rs, err == UCQL_E_CLOSED ? UCQL_E_CLOSED : UCQL_E_CONNECTION,
				    "connection to %s lost: %s", node_name(c), c->err);
		ucql__shard_complete(c->sh, r);
	}
	c->hdr_have = 0;
	if (c->asm_rb) {
		ucql__rbuf_release(c->asm_rb);
		c->asm_rb = NULL;
	}
	c->segments = 0;
	free(c->ss_work);
	if (c->ss_env)
		munmap(c->ss_env, c->ss_env_cap);
	c->ss_work = c->ss_env = NULL;
	if (c->starving) {
		ucql__conn **pp = &c->sh->starved;
		while (*pp && *pp != c)
			pp = &(*pp)->starved_next;
		if (*pp)
			*pp = c->starved_next;
		c->starving = 0;
	}
	if (c->auth_state && c->sh->s->v->has_authenticator && c->sh->s->v->authenticator.free_state)
		c->sh->s->v->authenticator.free_state(c->sh->s->v->authenticator.ud, c->auth_state);
	c->auth_state = NULL;
	if (c->fd >= 0) {
		/* ends the multishot recv and any send; the fd is closed once
		 * every operation on it has completed */
		shutdown(c->fd, SHUT_RDWR);
		if (c->ops == 0)
			conn_close_fd(c);
	} else {
		ucql__shard_conn_closed(c->sh, c);
	}
	ucql__shard_conn_lost(c->sh, c);
}
