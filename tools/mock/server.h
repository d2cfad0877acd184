/*
 * server.h — ucql-mock's network server: one io_uring loop thread per
 * cluster serving every node (a listening socket on 127.0.0.N:port each),
 * the CQL protocol session per connection (version negotiation, STARTUP,
 * v5 segments, v4 lz4 frames, SASL PLAIN, REGISTER/EVENT, OPTIONS at any
 * time, tracing ids) and the dispatch of QUERY / PREPARE / EXECUTE / BATCH
 * to a pluggable handler (the CQL engine).
 *
 * Threads: mock_cluster_start/stop, mock_node_set_up and
 * mock_cluster_push_event may be called from any thread, including from a
 * handler running on the loop thread (then they run inline). Counters are
 * atomics readable from any thread. The handler always runs on the loop
 * thread, one request at a time: it needs no locking against the server.
 */
#ifndef MOCK_SERVER_H
#define MOCK_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "ucql/message.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MOCK_MAX_NODES 64
#define MOCK_DEFAULT_PORT 9042
#define MOCK_PASSWORD_AUTHENTICATOR "org.apache.cassandra.auth.PasswordAuthenticator"

typedef struct mock_cluster mock_cluster;
struct mock_tls_ctx; /* tls.h */

/* mock_config.tls exists: the server can serve TLS (tls.h). */
#define MOCK_SERVER_TLS 1

/* Event types a connection REGISTERed for (bit mask). */
enum mock_event_bit {
	MOCK_EV_TOPOLOGY = 1u << UCQL_EVENT_TOPOLOGY_CHANGE,
	MOCK_EV_STATUS = 1u << UCQL_EVENT_STATUS_CHANGE,
	MOCK_EV_SCHEMA = 1u << UCQL_EVENT_SCHEMA_CHANGE,
};

/*
 * Per-connection protocol state shown to the handler. The server owns it;
 * the handler may change `keyspace` (mock_session_set_keyspace, after a
 * USE) and `user_data`.
 */
typedef struct mock_session {
	int node;           /* 1-based node the connection reached */
	uint64_t conn_id;   /* unique within the cluster, never reused */
	int version;        /* negotiated protocol version (3..5) */
	int lz4;            /* 1 if lz4 was negotiated */
	unsigned events;    /* MOCK_EV_* registered */
	char keyspace[256]; /* current keyspace ("" none); set by the handler */
	char user[128];     /* authenticated user ("" without auth) */
	uint32_t peer_ip;   /* client address, host order */
	uint16_t peer_port;
	void *user_data;    /* the handler's; see mock_config.session_free */
} mock_session;

/* Copies ks (truncated to 255 bytes) as the session's current keyspace. */
void mock_session_set_keyspace(mock_session *s, ucql_bytes ks);

/* One request handed to the handler. Every view borrows the receive
 * buffer and is valid only during the call. */
typedef struct mock_request {
	mock_cluster *cluster;
	int node;                  /* 1-based */
	mock_session *session;
	int16_t stream;
	uint8_t flags;             /* header flags as received (UCQL_FLAG_TRACING …) */
	int opcode;                /* QUERY, PREPARE, EXECUTE or BATCH */
	const ucql_message *msg;   /* decoded body (msg->u.query etc.) */
	ucql_list_view custom_payload; /* request custom payload (n = 0: none) */
	ucql_bytes body;           /* the raw message body */
} mock_request;

/* What the server does with a handler's answer. */
enum mock_action {
	MOCK_ACT_REPLY = 0,   /* send the response (default) */
	MOCK_ACT_NO_REPLY,    /* swallow the request: nothing is sent */
	MOCK_ACT_CLOSE,       /* close the connection, no response (abortive) */
	MOCK_ACT_HALF_CLOSE,  /* send nothing more, shut the write side (the
			       * client sees EOF) and swallow further input */
};

/*
 * The handler's answer. `w` is the response body (RESULT or ERROR body,
 * without tracing id / warnings / custom payload: the server adds them).
 * Its buffer is the server's and grows on demand: encode, then if
 * mock_reply_retry(r, at) returns 1 encode the same part again from `at`.
 */
typedef struct mock_reply {
	ucql_writer w;
	int action;                   /* enum mock_action */
	uint32_t delay_ms;            /* > 0: carry out the action that much later */
	const ucql_bytes *warnings;   /* optional warnings, n_warnings of them */
	size_t n_warnings;
	const ucql_bytes *payload_keys; /* optional custom payload */
	const ucql_value *payload_values;
	size_t n_payload;
	/* private */
	void *buf_owner_;
} mock_reply;

/*
 * For the encode-retry idiom:
 *   size_t at = r->w.len;
 *   do { ...encode into &r->w... } while (mock_reply_retry(r, at));
 * Returns 1 after growing the buffer to the size the writer reported and
 * rewinding w to `at` (encode again); 0 if no retry is needed (w.err then
 * tells the outcome; a failed allocation leaves UCQL_E_NOMEM there).
 */
int mock_reply_retry(mock_reply *r, size_t at);

/* Writes an ERROR body: code (a ucql_err, e.g. UCQL_E_INVALID) and a
 * printf-style message. Returns UCQL_OP_ERROR, for `return mock_reply_error(...)`. */
int mock_reply_error(mock_reply *r, int version, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * The request handler. Returns the response opcode (UCQL_OP_RESULT or
 * UCQL_OP_ERROR) with its body written to out->w and out->action /
 * delay_ms set as wanted. A negative return is a handler failure: the
 * client gets a Server error ("Internal handler failure: …").
 */
typedef int (*mock_handler_fn)(void *ctx, const mock_request *req, mock_reply *out);

/* The default handler: USE ks → SET_KEYSPACE; SELECT … → Invalid; any
 * other QUERY and BATCH → RESULT Void; PREPARE → Invalid; EXECUTE →
 * Unprepared. For tests of the server until the engine replaces it. */
int mock_default_handler(void *ctx, const mock_request *req, mock_reply *out);

typedef struct mock_user {
	const char *name;
	const char *password;
} mock_user;

/* Cluster configuration; zero-initialize, then set what you need. */
typedef struct mock_config {
	int nodes;                  /* 1..MOCK_MAX_NODES; 0 means 1 */
	uint16_t port;              /* same on every node; 0 = 9042 */
	int max_version;            /* highest protocol version of every node (3..5); 0 = 5 */
	uint8_t node_max_version[MOCK_MAX_NODES]; /* per node (index node-1); 0 = max_version */
	int lz4;                    /* 1: offer lz4 compression */
	int auth;                   /* 1: PasswordAuthenticator with `users` */
	const mock_user *users;
	size_t n_users;
	const char *cluster_name;   /* copied; NULL = "ucql-mock" */
	uint32_t max_frame;         /* largest accepted request body; 0 = 256 MiB */
	mock_handler_fn handler;    /* NULL = mock_default_handler */
	void *handler_ctx;
	/* Called (loop thread) when a connection closes, if session->user_data
	 * is set, so the handler can free it. May be NULL. */
	void (*session_free)(void *ctx, mock_session *s);
	/* Non-NULL: every connection is TLS with this context (tls.h).
	 * Borrowed: it must outlive the cluster. */
	struct mock_tls_ctx *tls;
} mock_config;

/*
 * Starts the cluster: the loop thread, one listener per node on
 * 127.0.0.N:port. Returns 0 once every node listens, with *out set; or a
 * negative errno (e.g. -EADDRINUSE) / UCQL error code with a message in
 * err (errlen bytes, may be 0), nothing left running.
 */
int mock_cluster_start(const mock_config *cfg, mock_cluster **out, char *err, size_t errlen);

/* Closes every connection and listener, joins the loop thread and frees
 * everything. NULL is a no-op. Not from the loop thread. */
void mock_cluster_stop(mock_cluster *c);

/* Node down (up = 0): its connections are closed and it stops listening
 * (connects are refused once this returns). Up: listens again. Returns 0,
 * or a negative errno (bad node, bind failure). Does not push events. */
int mock_node_set_up(mock_cluster *c, int node, int up);

/* 1 if the node is up, 0 if down, -1 for a bad node number. */
int mock_node_is_up(mock_cluster *c, int node);

/*
 * Adds node `node` (1..MOCK_MAX_NODES, not present) listening on
 * 127.0.0.<node>:port, speaking up to max_version (0: the cluster's
 * max_version). Returns 0 once it listens; -EINVAL (bad id), -EEXIST
 * (present), -ESHUTDOWN or a bind error. Does not push events.
 */
int mock_cluster_add_node(mock_cluster *c, int node, int max_version);

/*
 * Removes node `node`: it stops listening at once (connects refused once
 * this returns) and its connections are closed after what is already
 * queued for them is sent (from a handler of that node, its reply still
 * goes out, then FIN; they are aborted 1 s later if the client does not
 * close). Returns 0, or -EINVAL (not present). Does not push events.
 */
int mock_cluster_remove_node(mock_cluster *c, int node);

/*
 * Sends an EVENT (stream -1) to every READY connection registered for
 * ev->type on every up node except `exclude_node` (0: none — e.g. a
 * STATUS_CHANGE DOWN about node X is pushed with exclude_node = X).
 * Encoded in each connection's version. Returns the number of connections
 * it was queued on, or a negative error (bad event: UCQL_E_INVALID_ARG).
 */
int mock_cluster_push_event(mock_cluster *c, const ucql_event *ev, int exclude_node);

/* Counters of one node (atomically read, any thread). */
typedef struct mock_node_stats {
	uint64_t requests;          /* requests handed to the handler */
	uint64_t frames;            /* request frames received (all opcodes) */
	uint64_t connections_total; /* accepted since start */
	int64_t connections;        /* currently open */
} mock_node_stats;

/* 0, or -EINVAL for a bad node. */
int mock_node_stats_get(mock_cluster *c, int node, mock_node_stats *st);
/* Zeroes requests and frames of every node (connections stay). */
void mock_cluster_stats_reset(mock_cluster *c);

int mock_cluster_nodes(const mock_cluster *c);
uint16_t mock_cluster_port(const mock_cluster *c);
const char *mock_cluster_name(const mock_cluster *c);
/* The node's IPv4 address, host order: 127.0.0.N. */
uint32_t mock_node_addr(int node);
/* Highest protocol version the node speaks. */
int mock_node_max_version(const mock_cluster *c, int node);

#ifdef __cplusplus
}
#endif

/* ======================================================================
 * Internal to the server's files (loop.c, conn.c, session.c, cluster.c).
 * ====================================================================== */
#ifdef MOCK_SERVER_INTERNAL

#include <pthread.h>
#include <stdatomic.h>

#include "uring_compat.h"

/* A growable byte buffer. */
typedef struct mock_buf {
	uint8_t *p;
	size_t len;
	size_t cap;
} mock_buf;

int mock_buf_reserve(mock_buf *b, size_t extra); /* 0 or -ENOMEM */
int mock_buf_append(mock_buf *b, const void *p, size_t n);
void mock_buf_consume(mock_buf *b, size_t n); /* drops n bytes from the front */
void mock_buf_free(mock_buf *b);

/* Timers: a binary heap on the loop thread. */
typedef struct mock_timer mock_timer;
typedef void (*mock_timer_fn)(mock_cluster *cl, mock_timer *t);
struct mock_timer {
	uint64_t due_ns; /* CLOCK_MONOTONIC */
	mock_timer_fn fn;
	size_t idx;      /* position in the heap; SIZE_MAX when not armed */
};

uint64_t mock_now_ns(void);
int mock_timer_arm(mock_cluster *cl, mock_timer *t, uint64_t delay_ms, mock_timer_fn fn);
void mock_timer_cancel(mock_cluster *cl, mock_timer *t);

/* user_data tags (low 3 bits of a pointer). */
enum mock_op_tag {
	MOCK_OP_IGNORE = 0,
	MOCK_OP_ACCEPT = 1, /* mock_listener */
	MOCK_OP_RECV = 2,   /* mock_conn */
	MOCK_OP_SEND = 3,   /* mock_conn */
	MOCK_OP_WAKE = 4,   /* mock_cluster (eventfd read) */
};

typedef struct mock_conn mock_conn;
typedef struct mock_node mock_node;

typedef struct mock_listener {
	mock_node *node;
	int fd;
	int armed; /* multishot accept in flight */
	int dead;  /* replaced or closed: free after its last CQE */
} mock_listener;

struct mock_node {
	int id;          /* 1-based */
	int max_version;
	int up;
	int present;     /* a member of the cluster (mock_cluster_add/remove_node) */
	mock_listener *listener;
	mock_conn *conns; /* list of open connections (not closing ones) */
	_Atomic uint64_t requests;
	_Atomic uint64_t frames;
	_Atomic uint64_t connections_total;
	_Atomic int64_t connections;
};

enum mock_conn_state {
	MOCK_ST_ESTABLISHED = 0, /* before STARTUP */
	MOCK_ST_AUTHENTICATING,
	MOCK_ST_READY,
};

/* A delayed action (mock_reply.delay_ms). */
typedef struct mock_delayed {
	mock_timer t;
	mock_conn *conn;
	struct mock_delayed *next, *prev;
	int action;
	size_t len;        /* envelope bytes (uncompressed, unsegmented) */
	uint8_t data[];
} mock_delayed;

struct mock_conn {
	mock_cluster *cl;
	mock_node *node;
	int fd;
	mock_conn *next, *prev;     /* in node->conns, or in cl->closing */
	mock_conn *dirty_next;      /* in cl->dirty */
	int dirty;
	int inflight;               /* SQEs whose final CQE is pending */
	int recv_armed;
	int send_armed;
	int closing;                /* close started: free when inflight == 0 */
	int draining;               /* no more input processed; close after flush */
	int wr_shut;                /* SHUT_WR done */
	uint32_t linger_ms;         /* draining: close this long after SHUT_WR (0: wait for EOF) */
	mock_timer linger;

	/* protocol */
	int state;                  /* enum mock_conn_state */
	int in_segments;            /* incoming bytes are v5 segments */
	int out_segments;           /* outgoing envelopes go into segments */
	int lz4;                    /* negotiated */
	int out_lz4;                /* v3/v4: compress outgoing frames */
	mock_session sess;

	/* input */
	mock_buf in;                /* unprocessed wire bytes */
	mock_buf env;               /* v5: an envelope split across segments */
	mock_buf inflate;           /* decompressed v4 body */
	uint8_t *seg_work;          /* lz4 segment output (UCQL_SEGMENT_MAX_PAYLOAD) */

	/* output */
	mock_buf out;               /* wire bytes waiting to be sent */
	mock_buf sending;           /* wire bytes of the send in flight */
	size_t sent;                /* of `sending` */
	mock_buf pend;              /* v5: envelopes waiting to be cut into segments */
	size_t pend_envs;
	mock_buf scratch;           /* v4 lz4: an envelope before compression */
	mock_buf *env_buf;          /* where the envelope being written goes */

	mock_delayed *delayed;      /* list */
	struct mock_tls *tls;       /* TLS filter (tls.h), NULL without TLS */
};

typedef struct mock_cmd {
	struct mock_cmd *next;
	int kind; /* MOCK_CMD_* */
	int node, up, exclude, max_version;
	const ucql_event *ev;
	int result;
	int done;
} mock_cmd;

enum { MOCK_CMD_SET_UP = 1, MOCK_CMD_PUSH_EVENT, MOCK_CMD_STOP, MOCK_CMD_ADD_NODE,
       MOCK_CMD_REMOVE_NODE };

struct mock_cluster {
	/* config (immutable after start, but for nodes added / removed) */
	int n_nodes;                 /* slots 0..n_nodes-1 may be present */
	int max_version;             /* default of added nodes */
	uint16_t port;
	int lz4;
	int auth;
	mock_user *users;
	size_t n_users;
	char *cluster_name;
	uint32_t max_frame;
	mock_handler_fn handler;
	void *handler_ctx;
	void (*session_free)(void *ctx, mock_session *s);
	struct mock_tls_ctx *tls;

	mock_node nodes[MOCK_MAX_NODES];

	/* loop */
	pthread_t thread;            /* written by pthread_create */
	pthread_t loop_tid;          /* written by the loop thread itself */
	struct io_uring ring;
	int ring_ok;
	int wake_fd;
	uint64_t wake_val;
	int wake_armed;
	struct io_uring_buf_ring *br;
	uint8_t *bufs;
	size_t br_len;
	unsigned br_mask;
	uint64_t next_conn_id;
	mock_conn *closing;          /* conns waiting for inflight == 0 */
	mock_conn *dirty;
	mock_timer **heap;
	size_t heap_len, heap_cap;
	int stopping;
	int dead_listeners;          /* closed listeners whose accept is still armed */
	mock_buf reply_buf;          /* handler reply bodies */
	uint64_t rng;                /* tracing ids */

	/* cross-thread commands */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	mock_cmd *cmds;
	int started;                 /* startup result published */
	int start_err;
	char start_msg[256];
};

/* loop.c */
void *mock_loop_main(void *arg);
struct io_uring_sqe *mock_sqe(mock_cluster *cl);
int mock_loop_on_thread(mock_cluster *cl);
void mock_mark_dirty(mock_conn *c);
int mock_node_listen(mock_cluster *cl, mock_node *n, char *err, size_t errlen);
void mock_node_unlisten(mock_cluster *cl, mock_node *n);
void mock_cmd_run(mock_cluster *cl, mock_cmd *cmd);

/* conn.c */
mock_conn *mock_conn_new(mock_cluster *cl, mock_node *n, int fd);
void mock_conn_on_recv(mock_conn *c, const uint8_t *p, size_t n);
void mock_conn_on_send(mock_conn *c, int res);
void mock_conn_arm_recv(mock_conn *c);
void mock_conn_flush(mock_conn *c);
void mock_conn_close(mock_conn *c);              /* abortive, now */
void mock_conn_close_after_flush(mock_conn *c, uint32_t linger_ms);
void mock_conn_half_close(mock_conn *c);
void mock_conn_free(mock_conn *c);
/* Envelope output: begin returns a writer positioned in the right buffer
 * with room for `size` bytes (or NULL on allocation failure); end commits
 * `len` bytes written there (compressing / queueing for segments). */
ucql_writer *mock_conn_env_begin(mock_conn *c, size_t size, ucql_writer *w);
int mock_conn_env_end(mock_conn *c, ucql_writer *w);
int mock_conn_emit(mock_conn *c, const uint8_t *env, size_t len);

/* session.c */
size_t mock_session_input(mock_conn *c, const uint8_t *p, size_t n); /* frames mode */
void mock_session_envelopes(mock_conn *c, const uint8_t *p, size_t n, int whole);
int mock_session_send_event(mock_conn *c, const ucql_event *ev);
void mock_delayed_fire(mock_cluster *cl, mock_timer *t);
void mock_session_close_hook(mock_conn *c);

#endif /* MOCK_SERVER_INTERNAL */

#endif
