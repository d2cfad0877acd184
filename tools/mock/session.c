/*
 * session.c — the CQL protocol state machine of one connection, as
 * Cassandra 4 behaves: version negotiation, OPTIONS/SUPPORTED, STARTUP
 * (compression, v5 framing switch), SASL PLAIN, REGISTER, and the dispatch
 * of QUERY / PREPARE / EXECUTE / BATCH to the handler, with the handler's
 * actions (reply, no reply, close, half-close, delay).
 *
 * Error texts follow Cassandra's (org.apache.cassandra.transport.*) where
 * drivers look at them: "Invalid or unsupported protocol version (N);
 * supported versions are (3/v3, 4/v4, 5/v5)", "Unexpected message X,
 * expecting STARTUP or OPTIONS", "Provided username X and/or password are
 * incorrect".
 */
#define MOCK_SERVER_INTERNAL
#include "server.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CQL_VERSION "3.4.5"
#define ERROR_LINGER_MS 1000 /* after a fatal error: wait this long for the client's close */

/* ---- envelopes out ------------------------------------------------------- */

static uint64_t rng_next(mock_cluster *cl)
{
	/* splitmix64: tracing ids only need to be unique, not secret. */
	uint64_t z = (cl->rng += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static void random_uuid(mock_cluster *cl, uint8_t u[16])
{
	uint64_t a = rng_next(cl), b = rng_next(cl);
	memcpy(u, &a, 8);
	memcpy(u + 8, &b, 8);
	u[6] = (uint8_t)((u[6] & 0x0F) | 0x40); /* version 4 */
	u[8] = (uint8_t)((u[8] & 0x3F) | 0x80); /* IETF variant */
}

typedef struct env_spec {
	ucql_frame_header h;
	ucql_frame_sections s;
	uint8_t tracing_id[16];
	ucql_bytes body;
} env_spec;

static void spec_init(mock_conn *c, env_spec *e, int version, int16_t stream, int opcode,
		      int tracing, const mock_reply *r, ucql_bytes body)
{
	memset(e, 0, sizeof *e);
	e->h.version = (uint8_t)version;
	e->h.response = 1;
	e->h.stream = stream;
	e->h.opcode = (uint8_t)opcode;
	if (tracing) {
		random_uuid(c->cl, e->tracing_id);
		e->s.tracing_id = e->tracing_id;
	}
	if (r) {
		e->s.warnings = r->warnings;
		e->s.n_warnings = r->n_warnings;
		e->s.payload_keys = r->payload_keys;
		e->s.payload_values = r->payload_values;
		e->s.n_payload = r->n_payload;
	}
	e->body = body;
}

static size_t spec_size(const env_spec *e)
{
	ucql_writer m;
	ucql_writer_init(&m, NULL, 0);
	ucql_frame_begin_sections(&m, &e->h, &e->s);
	return m.len + e->body.len;
}

static int spec_write(const env_spec *e, ucql_writer *w)
{
	size_t st = ucql_frame_begin_sections(w, &e->h, &e->s);
	ucql_write_raw(w, e->body.p, e->body.len);
	return ucql_frame_end(w, st, 0);
}

static int send_env(mock_conn *c, const env_spec *e)
{
	ucql_writer w;
	if (!mock_conn_env_begin(c, spec_size(e), &w))
		return UCQL_E_NOMEM;
	spec_write(e, &w);
	return mock_conn_env_end(c, &w);
}

static int send_response(mock_conn *c, int version, int16_t stream, int opcode, ucql_bytes body)
{
	env_spec e;
	spec_init(c, &e, version, stream, opcode, 0, NULL, body);
	return send_env(c, &e);
}

static int send_error(mock_conn *c, int version, int16_t stream, int code, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int send_error(mock_conn *c, int version, int16_t stream, int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	ucql_error_msg m;
	ucql_error_msg_init(&m, code, ucql_bytes_str(msg));
	uint8_t body[640];
	ucql_writer w;
	ucql_writer_init(&w, body, sizeof body);
	ucql_error_msg_encode(&w, version, &m);
	if (w.err)
		return w.err;
	return send_response(c, version, stream, UCQL_OP_ERROR, ucql_bytes_of(body, w.len));
}

/* A Protocol error that ends the connection (malformed input). */
#define FATAL(c, v, stream, ...)                                              \
	do {                                                                  \
		send_error((c), (v), (stream), UCQL_E_PROTOCOL, __VA_ARGS__); \
		mock_conn_close_after_flush((c), ERROR_LINGER_MS);            \
	} while (0)

static const char *op_name(int op)
{
	const char *n = ucql_opcode_name(op);
	return n ? n : "UNKNOWN";
}

/* "3/v3, 4/v4, 5/v5" up to the node's highest version. */
static void versions_text(int max, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = 0;
	for (int v = UCQL_PROTOCOL_MIN; v <= max && o < len; v++)
		o += (size_t)snprintf(buf + o, len - o, "%s%d/v%d", v > UCQL_PROTOCOL_MIN ? ", " : "", v, v);
}

/*
 * Unsupported version: ERROR Protocol error on the request's stream. As
 * Cassandra's ProtocolVersion.decode: the header carries the node's
 * highest version, except for the retired v1/v2, answered in their own
 * version so that an old client can read it. v1/v2 headers are 8 bytes
 * (1-byte stream); the reply uses the 9-byte layout, as Cassandra does.
 */
static void unsupported_version(mock_conn *c, int v, int16_t stream)
{
	int max = c->node->max_version;
	int rv = (v == 1 || v == 2) ? v : max;
	char vers[64], msg[200];
	versions_text(max, vers, sizeof vers);
	snprintf(msg, sizeof msg, "Invalid or unsupported protocol version (%d); supported versions are (%s)",
		 v, vers);
	ucql_error_msg m;
	ucql_error_msg_init(&m, UCQL_E_PROTOCOL, ucql_bytes_str(msg));
	uint8_t buf[300];
	ucql_writer w;
	ucql_writer_init(&w, buf + UCQL_FRAME_HEADER_SIZE, sizeof buf - UCQL_FRAME_HEADER_SIZE);
	ucql_error_msg_encode(&w, UCQL_PROTOCOL_MIN, &m); /* same layout in every version */
	ucql_frame_header h = { (uint8_t)rv, 1, 0, stream, UCQL_OP_ERROR, (uint32_t)w.len };
	ucql_frame_header_encode(buf, &h);
	if (!w.err)
		mock_conn_emit(c, buf, UCQL_FRAME_HEADER_SIZE + w.len);
	mock_conn_close_after_flush(c, ERROR_LINGER_MS);
}

/* ---- requests handled here ------------------------------------------------ */

static void on_options(mock_conn *c, const ucql_frame *f)
{
	mock_cluster *cl = c->cl;
	int max = c->node->max_version;
	ucql_bytes keys[3] = { ucql_bytes_str("CQL_VERSION"), ucql_bytes_str("COMPRESSION"),
			       ucql_bytes_str("PROTOCOL_VERSIONS") };
	ucql_bytes vals[8];
	char vnames[3][32];
	size_t n = 0, counts[3];
	vals[n++] = ucql_bytes_str(CQL_VERSION);
	counts[0] = 1;
	counts[1] = 0;
	if (cl->lz4) {
		vals[n++] = ucql_bytes_str("lz4");
		counts[1] = 1;
	}
	counts[2] = 0;
	for (int v = UCQL_PROTOCOL_MIN; v <= max; v++) {
		snprintf(vnames[v - UCQL_PROTOCOL_MIN], sizeof vnames[0], "%d/v%d", v, v);
		vals[n++] = ucql_bytes_str(vnames[v - UCQL_PROTOCOL_MIN]);
		counts[2]++;
	}
	uint8_t body[256];
	ucql_writer w;
	ucql_writer_init(&w, body, sizeof body);
	ucql_supported_encode_arrays(&w, f->h.version, keys, counts, 3, vals);
	if (!w.err)
		send_response(c, f->h.version, f->h.stream, UCQL_OP_SUPPORTED, ucql_bytes_of(body, w.len));
}

static int bytes_ieq(ucql_bytes b, const char *s)
{
	size_t n = strlen(s);
	if (b.len != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (tolower(b.p[i]) != tolower((unsigned char)s[i]))
			return 0;
	return 1;
}

static void on_startup(mock_conn *c, const ucql_frame *f, const ucql_message *m)
{
	int v = f->h.version;
	int16_t st = f->h.stream;
	ucql_bytes cv, comp;
	if (!ucql_string_map_get(m->u.startup.options, UCQL_STARTUP_CQL_VERSION, &cv)) {
		send_error(c, v, st, UCQL_E_PROTOCOL, "Missing value CQL_VERSION in STARTUP message");
		return;
	}
	int lz4 = 0;
	if (ucql_string_map_get(m->u.startup.options, UCQL_STARTUP_COMPRESSION, &comp) &&
	    comp.len && !bytes_ieq(comp, "none")) {
		if (bytes_ieq(comp, "lz4") && c->cl->lz4) {
			lz4 = 1;
		} else {
			send_error(c, v, st, UCQL_E_PROTOCOL, "Unknown compression algorithm: %.*s",
				   (int)(comp.len > 64 ? 64 : comp.len), (const char *)comp.p);
			return;
		}
	}
	c->sess.version = v;
	c->sess.lz4 = lz4;
	c->lz4 = lz4;
	if (c->cl->auth) {
		uint8_t body[128];
		ucql_writer w;
		ucql_writer_init(&w, body, sizeof body);
		ucql_authenticate a = { ucql_bytes_str(MOCK_PASSWORD_AUTHENTICATOR) };
		ucql_authenticate_encode(&w, v, &a);
		send_response(c, v, st, UCQL_OP_AUTHENTICATE, ucql_bytes_of(body, w.len));
		c->state = MOCK_ST_AUTHENTICATING;
	} else {
		send_response(c, v, st, UCQL_OP_READY, ucql_bytes_of(NULL, 0));
		c->state = MOCK_ST_READY;
	}
	/* The reply above is the last unframed / uncompressed envelope. In v5
	 * the client's next bytes are segments (it waits for this reply). */
	if (v >= 5) {
		c->in_segments = 1;
		c->out_segments = 1;
	} else if (lz4) {
		c->out_lz4 = 1;
	}
}

/* SASL PLAIN: [authzid] \0 authcid \0 passwd, split from the end as
 * Cassandra's PlainTextSaslAuthenticator does. */
static void on_auth_response(mock_conn *c, const ucql_frame *f, const ucql_message *m)
{
	int v = f->h.version;
	int16_t st = f->h.stream;
	ucql_value tok = m->u.auth_response.token;
	const uint8_t *p = tok.len > 0 ? tok.p : NULL;
	size_t n = tok.len > 0 ? (size_t)tok.len : 0, end = n;
	const uint8_t *user = NULL, *pass = NULL;
	size_t ulen = 0, plen = 0;
	for (size_t i = n; i-- > 0;) {
		if (p[i] != 0)
			continue;
		if (!pass) {
			pass = p + i + 1;
			plen = end - i - 1;
		} else if (!user) {
			user = p + i + 1;
			ulen = end - i - 1;
		}
		end = i;
	}
	if (pass && !user) {
		/* "\0user\0pass" has two NULs; "user\0pass" has one: user at 0. */
		user = p;
		ulen = end;
	}
	if (!pass || !plen) {
		send_error(c, v, st, UCQL_E_AUTH, "Password must not be null");
		return;
	}
	if (!user || !ulen) {
		send_error(c, v, st, UCQL_E_AUTH, "Authentication ID must not be null");
		return;
	}
	mock_cluster *cl = c->cl;
	for (size_t i = 0; i < cl->n_users; i++) {
		const mock_user *u = &cl->users[i];
		if (strlen(u->name) == ulen && !memcmp(u->name, user, ulen) &&
		    strlen(u->password) == plen && !memcmp(u->password, pass, plen)) {
			uint8_t body[8];
			ucql_writer w;
			ucql_writer_init(&w, body, sizeof body);
			ucql_auth_success s = { ucql_value_null() };
			ucql_auth_success_encode(&w, v, &s);
			send_response(c, v, st, UCQL_OP_AUTH_SUCCESS, ucql_bytes_of(body, w.len));
			snprintf(c->sess.user, sizeof c->sess.user, "%.*s", (int)ulen, (const char *)user);
			c->state = MOCK_ST_READY;
			return;
		}
	}
	send_error(c, v, st, UCQL_E_AUTH, "Provided username %.*s and/or password are incorrect",
		   (int)(ulen > 100 ? 100 : ulen), (const char *)user);
}

static void on_register(mock_conn *c, const ucql_frame *f, const ucql_message *m)
{
	ucql_reader it;
	ucql_reader_init(&it, m->u.register_.list.raw.p, m->u.register_.list.raw.len);
	ucql_bytes s;
	unsigned bits = 0;
	while (ucql_string_list_next(&it, &s)) {
		if (ucql_bytes_eq_str(s, UCQL_REGISTER_TOPOLOGY_CHANGE))
			bits |= MOCK_EV_TOPOLOGY;
		else if (ucql_bytes_eq_str(s, UCQL_REGISTER_STATUS_CHANGE))
			bits |= MOCK_EV_STATUS;
		else if (ucql_bytes_eq_str(s, UCQL_REGISTER_SCHEMA_CHANGE))
			bits |= MOCK_EV_SCHEMA;
	}
	c->sess.events |= bits;
	send_response(c, f->h.version, f->h.stream, UCQL_OP_READY, ucql_bytes_of(NULL, 0));
}

/* ---- the handler ---------------------------------------------------------- */

int mock_reply_retry(mock_reply *r, size_t at)
{
	if (r->w.err != UCQL_E_NOSPACE)
		return 0;
	mock_buf *b = r->buf_owner_;
	size_t need = r->w.len;
	if (b)
		b->len = 0; /* the buffer is raw storage for w: reserve from its start */
	if (!b || mock_buf_reserve(b, need)) {
		r->w.err = UCQL_E_NOMEM;
		return 0;
	}
	r->w.buf = b->p;
	r->w.cap = b->cap;
	r->w.len = at;
	r->w.err = 0;
	return 1;
}

int mock_reply_error(mock_reply *r, int version, int code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	ucql_error_msg m;
	ucql_error_msg_init(&m, code, ucql_bytes_str(msg));
	size_t at = r->w.len;
	do
		ucql_error_msg_encode(&r->w, version, &m);
	while (mock_reply_retry(r, at));
	return UCQL_OP_ERROR;
}

void mock_session_set_keyspace(mock_session *s, ucql_bytes ks)
{
	size_t n = ks.len < sizeof s->keyspace - 1 ? ks.len : sizeof s->keyspace - 1;
	if (n)
		memcpy(s->keyspace, ks.p, n);
	s->keyspace[n] = 0;
}

static void delayed_unlink(mock_conn *c, mock_delayed *d)
{
	if (d->prev)
		d->prev->next = d->next;
	else
		c->delayed = d->next;
	if (d->next)
		d->next->prev = d->prev;
}

void mock_delayed_fire(mock_cluster *cl, mock_timer *t)
{
	mock_delayed *d = (mock_delayed *)t; /* t is the first member */
	mock_conn *c = d->conn;
	(void)cl;
	delayed_unlink(c, d);
	switch (d->action) {
	case MOCK_ACT_REPLY:
		if (!c->draining && mock_conn_emit(c, d->data, d->len))
			mock_conn_close(c);
		break;
	case MOCK_ACT_CLOSE:
		mock_conn_close(c);
		break;
	case MOCK_ACT_HALF_CLOSE:
		mock_conn_half_close(c);
		break;
	default:
		break;
	}
	free(d);
}

static void carry_out(mock_conn *c, const env_spec *e, int action, uint32_t delay_ms)
{
	if (delay_ms) {
		size_t len = action == MOCK_ACT_REPLY ? spec_size(e) : 0;
		mock_delayed *d = calloc(1, sizeof *d + len);
		if (!d) {
			mock_conn_close(c);
			return;
		}
		d->conn = c;
		d->action = action;
		d->len = len;
		d->t.idx = SIZE_MAX;
		if (len) {
			ucql_writer w;
			ucql_writer_init(&w, d->data, len);
			spec_write(e, &w);
		}
		if (mock_timer_arm(c->cl, &d->t, delay_ms, mock_delayed_fire)) {
			free(d);
			mock_conn_close(c);
			return;
		}
		d->next = c->delayed;
		if (c->delayed)
			c->delayed->prev = d;
		c->delayed = d;
		return;
	}
	switch (action) {
	case MOCK_ACT_REPLY:
		if (send_env(c, e))
			mock_conn_close(c);
		break;
	case MOCK_ACT_CLOSE:
		mock_conn_close(c);
		break;
	case MOCK_ACT_HALF_CLOSE:
		mock_conn_half_close(c);
		break;
	default: /* MOCK_ACT_NO_REPLY */
		break;
	}
}

static void on_request(mock_conn *c, const ucql_frame *f, const ucql_message *m)
{
	mock_cluster *cl = c->cl;
	int v = f->h.version;
	atomic_fetch_add(&c->node->requests, 1);
	mock_request req = {
		.cluster = cl,
		.node = c->node->id,
		.session = &c->sess,
		.stream = f->h.stream,
		.flags = f->h.flags,
		.opcode = f->h.opcode,
		.msg = m,
		.custom_payload = f->custom_payload,
		.body = f->body,
	};
	mock_reply rep;
	memset(&rep, 0, sizeof rep);
	if (!cl->reply_buf.cap && mock_buf_reserve(&cl->reply_buf, 64 * 1024)) {
		mock_conn_close(c);
		return;
	}
	ucql_writer_init(&rep.w, cl->reply_buf.p, cl->reply_buf.cap);
	rep.buf_owner_ = &cl->reply_buf;
	mock_handler_fn h = cl->handler ? cl->handler : mock_default_handler;
	int op = h(cl->handler_ctx, &req, &rep);
	if (c->closing)
		return; /* the handler closed us (e.g. took this node down) */
	if (op < 0 || rep.w.err || (op != UCQL_OP_RESULT && op != UCQL_OP_ERROR)) {
		int why = op < 0 ? op : rep.w.err;
		memset(&rep, 0, sizeof rep);
		ucql_writer_init(&rep.w, cl->reply_buf.p, cl->reply_buf.cap);
		rep.buf_owner_ = &cl->reply_buf;
		op = mock_reply_error(&rep, v, UCQL_E_SERVER_ERROR, "Internal handler failure: %s",
				      why ? ucql_err_str(why) : "bad response opcode");
	}
	env_spec e;
	spec_init(c, &e, v, f->h.stream, op, (f->h.flags & UCQL_FLAG_TRACING) != 0, &rep,
		  ucql_bytes_of(rep.w.buf, rep.w.len));
	carry_out(c, &e, rep.action, rep.delay_ms);
}

/* ---- the default handler --------------------------------------------------- */

static const uint8_t *skip_ws(const uint8_t *p, const uint8_t *e)
{
	while (p < e && isspace(*p))
		p++;
	return p;
}

static int starts_word(const uint8_t *p, const uint8_t *e, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(e - p) < n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (toupper(p[i]) != w[i])
			return 0;
	return (size_t)(e - p) == n || !isalnum(p[n]);
}

int mock_default_handler(void *ctx, const mock_request *req, mock_reply *out)
{
	(void)ctx;
	int v = req->session->version;
	switch (req->opcode) {
	case UCQL_OP_QUERY: {
		ucql_bytes q = req->msg->u.query.query;
		const uint8_t *p = skip_ws(q.p, q.p + q.len), *e = q.p + q.len;
		if (starts_word(p, e, "USE")) {
			p = skip_ws(p + 3, e);
			while (e > p && (isspace(e[-1]) || e[-1] == ';'))
				e--;
			if (e - p >= 2 && *p == '"' && e[-1] == '"')
				p++, e--;
			mock_session_set_keyspace(req->session, ucql_bytes_of(p, (size_t)(e - p)));
			size_t at = out->w.len;
			do
				ucql_result_set_keyspace_encode(&out->w, v, ucql_bytes_of(p, (size_t)(e - p)));
			while (mock_reply_retry(out, at));
			return UCQL_OP_RESULT;
		}
		if (starts_word(p, e, "SELECT"))
			return mock_reply_error(out, v, UCQL_E_INVALID,
						"SELECT is not supported by ucql-mock's default handler");
		break;
	}
	case UCQL_OP_PREPARE:
		return mock_reply_error(out, v, UCQL_E_INVALID,
					"PREPARE is not supported by ucql-mock's default handler");
	case UCQL_OP_EXECUTE: {
		ucql_error_msg m;
		ucql_error_msg_init(&m, UCQL_E_UNPREPARED,
				    ucql_bytes_str("Prepared query with this ID not found"));
		m.unprepared_id = req->msg->u.execute.id;
		size_t at = out->w.len;
		do
			ucql_error_msg_encode(&out->w, v, &m);
		while (mock_reply_retry(out, at));
		return UCQL_OP_ERROR;
	}
	default:
		break;
	}
	size_t at = out->w.len;
	do
		ucql_result_void_encode(&out->w, v);
	while (mock_reply_retry(out, at));
	return UCQL_OP_RESULT;
}

/* ---- frames in ------------------------------------------------------------- */

/* Decodes and dispatches one envelope at p[0..n). Returns the bytes it
 * took, 0 if more input is needed (never when `whole`), or -1 when the
 * connection stopped taking input. */
static long one_envelope(mock_conn *c, const uint8_t *p, size_t n, int whole)
{
	mock_cluster *cl = c->cl;
	int v = p[0] & 0x7F;
	int est = c->state == MOCK_ST_ESTABLISHED;
	if (est && (v < UCQL_PROTOCOL_MIN || v > c->node->max_version)) {
		size_t hdr = (v == 1 || v == 2) ? 8 : UCQL_FRAME_HEADER_SIZE;
		if (n < hdr && !whole)
			return 0;
		int16_t stream = 0;
		if (v == 1 || v == 2)
			stream = n > 2 ? (int8_t)p[2] : 0;
		else if (n > 3)
			stream = (int16_t)ucql__be16(p + 2);
		unsupported_version(c, v, stream);
		return -1;
	}
	ucql_frame f;
	int r = ucql_frame_decode(p, n, cl->max_frame, &f);
	int rv = est ? (v >= UCQL_PROTOCOL_MIN && v <= c->node->max_version ? v : c->node->max_version)
		     : c->sess.version;
	int16_t st = n >= 4 ? (int16_t)ucql__be16(p + 2) : 0;
	if (r == UCQL_NEED_MORE) {
		if (!whole)
			return 0;
		FATAL(c, rv, st, "Invalid envelope: truncated inside its segment");
		return -1;
	}
	if (r < 0) {
		switch (r) {
		case UCQL_E_TOO_BIG:
			send_error(c, rv, st, UCQL_E_INVALID,
				   "Request is too big: length %llu exceeds maximum allowed length %llu.",
				   (unsigned long long)f.h.length + UCQL_FRAME_HEADER_SIZE,
				   (unsigned long long)cl->max_frame + UCQL_FRAME_HEADER_SIZE);
			mock_conn_close_after_flush(c, ERROR_LINGER_MS);
			break;
		case UCQL_E_BAD_OPCODE:
			if (p[0] & 0x80)
				FATAL(c, rv, st, "Wrong protocol direction (expected REQUEST, got RESPONSE) for opcode %d",
				      f.h.opcode);
			else
				FATAL(c, rv, st, "Unknown opcode %d", f.h.opcode);
			break;
		case UCQL_E_BAD_VERSION:
			FATAL(c, rv, st, "Invalid message version. Got %d but previous messages on this connection had version %d",
			      v, c->sess.version);
			break;
		case UCQL_E_BAD_FLAGS:
			FATAL(c, rv, st, "Compression flag set on a protocol v5 envelope");
			break;
		default:
			FATAL(c, rv, st, "Invalid frame: %s", ucql_err_str(r));
			break;
		}
		return -1;
	}
	atomic_fetch_add(&c->node->frames, 1);
	if (!est && f.h.version != c->sess.version) {
		FATAL(c, rv, st, "Invalid message version. Got %d but previous messages on this connection had version %d",
		      f.h.version, c->sess.version);
		return -1;
	}
	if (f.h.flags & UCQL_FLAG_COMPRESSION) {
		size_t need;
		if (!c->lz4) {
			FATAL(c, rv, st, "Compressed frame received but no compression was negotiated");
			return -1;
		}
		int e = ucql_frame_decompressed_size(&f, cl->max_frame, &need);
		if (!e) {
			c->inflate.len = 0;
			e = mock_buf_reserve(&c->inflate, need) ? UCQL_E_NOMEM : 0;
		}
		if (!e)
			e = ucql_frame_decompress(&f, c->inflate.p, c->inflate.cap, cl->max_frame);
		if (e) {
			FATAL(c, rv, st, "Cannot decompress frame body: %s", ucql_err_str(e));
			return -1;
		}
	}

	int op = f.h.opcode;
	switch (c->state) {
	case MOCK_ST_ESTABLISHED:
		if (op != UCQL_OP_STARTUP && op != UCQL_OP_OPTIONS) {
			send_error(c, rv, st, UCQL_E_PROTOCOL,
				   "Unexpected message %s, expecting STARTUP or OPTIONS", op_name(op));
			return r;
		}
		break;
	case MOCK_ST_AUTHENTICATING:
		if (op != UCQL_OP_AUTH_RESPONSE) {
			send_error(c, rv, st, UCQL_E_PROTOCOL, "Unexpected message %s, expecting SASL_RESPONSE",
				   op_name(op));
			return r;
		}
		break;
	default:
		if (op == UCQL_OP_STARTUP) {
			send_error(c, rv, st, UCQL_E_PROTOCOL,
				   "Unexpected message STARTUP, the connection is already initialized");
			return r;
		}
		if (op == UCQL_OP_AUTH_RESPONSE && !cl->auth) {
			send_error(c, rv, st, UCQL_E_PROTOCOL,
				   "Unexpected message AUTH_RESPONSE, authentication is not enabled");
			return r;
		}
		break;
	}

	ucql_message m;
	int e = ucql_message_decode(f.h.version, op, f.body, &m);
	if (e) {
		if (op == UCQL_OP_REGISTER && e == UCQL_E_BAD_KIND) {
			send_error(c, rv, st, UCQL_E_PROTOCOL, "Invalid event type in REGISTER message");
			return r;
		}
		FATAL(c, rv, st, "Error decoding %s message body: %s", op_name(op), ucql_err_str(e));
		return -1;
	}
	switch (op) {
	case UCQL_OP_OPTIONS:
		on_options(c, &f);
		break;
	case UCQL_OP_STARTUP:
		on_startup(c, &f, &m);
		break;
	case UCQL_OP_AUTH_RESPONSE:
		on_auth_response(c, &f, &m);
		break;
	case UCQL_OP_REGISTER:
		on_register(c, &f, &m);
		break;
	default:
		on_request(c, &f, &m);
		break;
	}
	return (c->closing || c->draining) ? -1 : r;
}

size_t mock_session_input(mock_conn *c, const uint8_t *p, size_t n)
{
	size_t off = 0;
	while (off < n && !c->in_segments) {
		long r = one_envelope(c, p + off, n - off, 0);
		if (r <= 0)
			return r < 0 ? n : off;
		off += (size_t)r;
	}
	return off;
}

void mock_session_envelopes(mock_conn *c, const uint8_t *p, size_t n, int whole)
{
	size_t off = 0;
	while (off < n) {
		long r = one_envelope(c, p + off, n - off, whole);
		if (r <= 0)
			return;
		off += (size_t)r;
	}
}

int mock_session_send_event(mock_conn *c, const ucql_event *ev)
{
	uint8_t body[1024];
	ucql_writer w;
	ucql_writer_init(&w, body, sizeof body);
	ucql_event_encode(&w, c->sess.version, ev);
	if (w.err)
		return w.err == UCQL_E_NOSPACE ? UCQL_E_TOO_BIG : w.err;
	return send_response(c, c->sess.version, -1, UCQL_OP_EVENT, ucql_bytes_of(body, w.len));
}

void mock_session_close_hook(mock_conn *c)
{
	if (c->sess.user_data && c->cl->session_free)
		c->cl->session_free(c->cl->handler_ctx, &c->sess);
}
