/*
 * core.h — the driver's internal objects: session, shard, connection,
 * request slot, receive buffer, result set, prepared statement.
 *
 * Thread affinity (the rule every field below follows):
 *  - shard-owned: touched only by the shard's thread (its driver thread,
 *    or its owner in embedded mode);
 *  - shared: marked _Atomic or protected by session->mu (never on the hot
 *    path).
 */
#ifndef UCQL_CORE_H
#define UCQL_CORE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "ucql/config.h"
#include "ucql/future.h"
#include "ucql/metrics.h"
#include "ucql/session.h"
#include "ucql/ucql.h"

#include "config_int.h"
#include "io/submit_ring.h"
#include "io/timer_wheel.h"
#include "io/uring_compat.h"
#include "log_int.h"
#include "metrics/metrics_int.h"

#define UCQL__MAX_STREAMS 32768
#define UCQL__MAX_NODES 256

typedef struct ucql__conn ucql__conn;
typedef struct ucql__req ucql__req;
typedef struct ucql__rbuf ucql__rbuf;

/* ---- receive buffers -------------------------------------------------------
 * A frame's bytes stay where they landed: a provided buffer of the shard's
 * ring, or (a frame straddling two buffers, or a v5 envelope that had to be
 * reassembled or decompressed) a heap chunk. Results pin their buffer with
 * a reference; the last release hands it back to its shard — through the
 * shard's return stack when it happens on another thread, because only the
 * shard may add buffers to its io_uring buffer ring. */
enum { UCQL__RB_PROVIDED = 1, UCQL__RB_HEAP = 2 };
struct ucql__rbuf {
	_Atomic int32_t refs;
	uint8_t kind;
	uint16_t bid;            /* PROVIDED: the buffer id */
	uint8_t *data;
	size_t cap;
	struct ucql_shard *sh;
	ucql__rbuf *next;        /* return stack / heap free list */
};

/* ---- prepared statements -------------------------------------------------- */
/* A newer result metadata (v5 METADATA_CHANGED, §4.2.5.2): its id and the
 * rows metadata, owned; the previous one stays reachable through `prev`
 * (readers on other shards may still use it) until the statement is
 * freed. */
typedef struct ucql__rmd {
	struct ucql__rmd *prev;
	uint8_t *buf;
	ucql_bytes id;
	ucql_metadata md;
} ucql__rmd;

struct ucql_prepared_stmt {
	_Atomic int32_t refs;
	ucql_session *s;
	char *query;
	size_t query_len;
	char *keyspace;          /* the keyspace it was prepared in ("" none) */
	uint8_t *resp;           /* the PREPARED result body (owned) */
	size_t resp_len;
	ucql_prepared p;         /* decoded, views into resp */
	int32_t n_params;
	ucql_col_spec *params;   /* n_params bind markers */
	int32_t *pk_index;       /* pk_count entries */
	int32_t pk_count;
	ucql_prepared_stmt *next_cached;
	_Atomic(ucql__rmd *) rmd;   /* NULL: p.result_metadata_id / p.result */
};

/* ---- result sets ------------------------------------------------------------ */
struct ucql_resultset {
	int err;                 /* 0 or an error code */
	int retriable;
	const char *msg;         /* "" or the message (static, or msgbuf) */
	char *msgbuf;            /* grow-only, kept across reuses */
	size_t msgcap;
	int has_errd;
	ucql_error_msg errd;
	ucql__rbuf *rb;          /* pinned buffer, or NULL */
	ucql_frame frame;        /* header and sections (views into rb) */
	ucql_result result;
	const ucql_metadata *md; /* rows metadata in effect (result's or prepared's) */
	ucql_cell_iter it;
	ucql_value *cells;       /* cells_inline, or grown (kept across reuses) */
	int32_t cells_cap;
	ucql_value cells_inline[16];
	ucql_col_spec *specs;    /* column specs, decoded on first use */
	int32_t specs_cap, n_specs;
	ucql_type_set *types;    /* column types, parsed on first use */
	ucql_type *type_nodes;
	int32_t types_cap, types_n;
	const char *node;        /* node name ("" none) */
};

/* ---- requests --------------------------------------------------------------- */
enum {
	UCQL__REQ_USER = 0,      /* an application request */
	UCQL__REQ_PREPARE_BG,    /* background PREPARE on another node */
	UCQL__REQ_REPREPARE,     /* PREPARE before retrying an UNPREPARED request */
	UCQL__REQ_USE,           /* USE keyspace on a connection */
};

struct ucql__req {
	ucql__req *next;         /* ring / pending / conn waiting list link */
	struct ucql_shard *home; /* the shard it was submitted to */
	struct ucql__pool *pool; /* the thread pool it belongs to (request.c) */
	_Atomic int32_t refs;    /* completer + user (result set) references */
	uint8_t kind;
	uint8_t opcode;
	uint8_t version;         /* protocol version the body is encoded in */
	uint8_t frame_flags;     /* tracing / custom payload */
	uint8_t idempotent;
	uint8_t completed;
	uint8_t sent;            /* written to a connection at least once */
	uint8_t attempts;
	int16_t stream;
	ucql__conn *conn;
	int node_hint;           /* -1, or the node this must go to */
	uint64_t start_ns;
	int64_t timeout_ms;
	ucql__timer timer;
	ucql_result_fn cb;
	ucql_prepared_fn pcb;
	void *ud;
	ucql_future *fut;
	ucql_prepared_stmt *prep;     /* EXECUTE: the statement (one reference) */
	ucql__req *parent;            /* REPREPARE: the request waiting */
	ucql__req *child;             /* the REPREPARE in flight for this one */
	uint64_t use_gen;             /* USE: keyspace generation */
	ucql__conn *use_conn;         /* USE / REPREPARE: where it was answered */
	char *prep_query;             /* PREPARE from the user: text to cache */
	uint8_t *body;
	uint32_t body_len;
	uint32_t body_cap;
	uint8_t *body_heap;           /* grow-only overflow buffer */
	struct ucql_resultset rs;
	uint8_t body_inline[384];
};

/* ---- connections ------------------------------------------------------------ */
enum {
	UCQL__CONN_DOWN = 0,
	UCQL__CONN_CONNECTING,
	UCQL__CONN_HANDSHAKE,
	UCQL__CONN_READY,
	UCQL__CONN_CLOSING,
};

/* A stream id's owner: a request, nothing, or a request that timed out
 * whose response may still come (the id must not be reused before). */
#define UCQL__STREAM_ORPHAN ((ucql__req *)(uintptr_t)1)

struct ucql__conn {
	struct ucql_shard *sh;
	int node;
	int slot;                /* index in the shard's conns */
	int fd;
	int state;
	int version;
	int lz4;
	int hs_step;             /* handshake step */
	int want_lz4;            /* lz4 asked for in STARTUP */
	int segments;            /* v5: segment framing in force */
	int refused_version;     /* the version a node refused, else 0 */
	int last_err;            /* why it went down */
	uint64_t hs_ks_gen;      /* keyspace generation USE is switching to */
	struct __kernel_timespec connect_ts;
	void *auth_state;
	int ops;                 /* io_uring operations in flight */
	int recv_armed;
	int send_inflight;
	int dirty;
	ucql__conn *dirty_next;
	int starving;            /* recv ended for lack of buffers: on sh->starved */
	ucql__conn *starved_next;
	int in_flight;           /* requests holding a stream id */
	int ever_tried;          /* went down at least once */
	int reconnect_now;       /* replaced on purpose: no backoff */
	int orphans;
	uint64_t ks_gen;         /* keyspace generation this connection is in */
	int ks_switching;
	ucql__req *ks_wait_head, *ks_wait_tail; /* requests waiting for USE */
	int reconnect_delay_ms;
	ucql__timer retry_timer;
	ucql__timer connect_timer;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	/* output: frames accumulate in out[1-sending] while out[sending] is on
	 * the wire */
	uint8_t *out[2];
	size_t out_len[2], out_cap[2];
	int cur;                 /* buffer accumulating */
	size_t sent_off;         /* bytes of the sending buffer already sent */
	uint8_t *seg;            /* v5: segment-wrapped copy being sent */
	size_t seg_len, seg_cap;
	/* input reassembly */
	uint8_t hdr[9];
	size_t hdr_have;
	ucql__rbuf *asm_rb;      /* a frame straddling buffers */
	size_t asm_have, asm_need;
	ucql_segment_stream ss;  /* v5 */
	uint8_t *ss_work, *ss_env;
	size_t ss_env_cap;
	/* stream ids */
	ucql__req **streams;
	uint16_t *free_ids;
	int n_free;
	char err[160];
};

/* ---- shards -------------------------------------------------------------- */
struct ucql_shard {
	ucql_session *s;
	unsigned idx;
	int embedded;
	int bootstrap;           /* a temporary shard of ucql_session_connect */
	int wheel_ok;
	pthread_t owner;         /* embedded: the thread that polls it */
	uint64_t stop_deadline_ns;
	int cpu;
	pthread_t thr;
	int thr_started;
	_Atomic int owner_claimed;
	_Atomic int stop;        /* close requested */
	_Atomic int ready;       /* 1 once a connection is ready, -1 failed */
	int ring_ok;
	struct io_uring ring;
	struct io_uring_buf_ring *br;
	unsigned nbufs;
	unsigned br_mask;
	size_t bufsz;
	uint8_t *bufmem;
	ucql__rbuf *rbufs;
	_Atomic(ucql__rbuf *) returned;   /* released on other threads */
	ucql__rbuf *heap_free;             /* reusable heap chunks (bufsz) */
	long heap_out;                     /* heap chunks allocated, not freed */
	unsigned bufs_out;                 /* provided buffers out of the kernel's ring */
	ucql__conn *starved;               /* connections waiting for a buffer */
	_Atomic int dead;                  /* destroyed, memory kept for pins */
	_Atomic long dead_pins;            /* buffers still pinned by results */
	unsigned heap_free_n;
	ucql__sring sq;
	uint64_t ev_val;
	int ev_armed;
	ucql__wheel wheel;
	uint64_t now_ns;
	ucql__conn **conns;
	int nconns;
	unsigned rr;
	ucql__conn *dirty;
	ucql__req *pend_head, *pend_tail;  /* waiting for a ready connection */
	int n_pend;
	_Atomic uint64_t in_flight;         /* submitted, not completed */
	int completed_iter;
	ucql__shard_metrics m;
	int spin_us;
	uint64_t last_taken_ns;   /* when the ring last had items */
};

/* ---- nodes and the session --------------------------------------------- */
typedef struct ucql__node {
	char name[80];               /* "addr:port" */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char dc[64], rack[64];
	int max_version;             /* highest version it accepted at connect */
} ucql__node;

struct ucql_session {
	ucql_config *cfg;
	const ucql__cfg *v;
	ucql__logger log;
	_Atomic int version;
	int nnodes;
	ucql__node nodes[UCQL__MAX_NODES];
	unsigned nshards;
	ucql_shard **shards;
	_Atomic unsigned next_home;
	_Atomic int closing;
	/* keyspace: changed by USE (rare); shards compare generations */
	pthread_mutex_t mu;
	char keyspace[256];
	_Atomic uint64_t ks_gen;
	ucql_prepared_stmt *prepared;    /* cache (under mu) */
	pthread_mutex_t start_mu;
	pthread_cond_t start_cv;
};

/* ---- internal functions --------------------------------------------------- */

/* lib/io/rbuf.c */
void ucql__rbuf_release(ucql__rbuf *rb);
static inline void ucql__rbuf_retain(ucql__rbuf *rb)
{
	atomic_fetch_add_explicit(&rb->refs, 1, memory_order_relaxed);
}
ucql__rbuf *ucql__rbuf_heap(struct ucql_shard *sh, size_t len);
ucql__rbuf *ucql__rbuf_exact(struct ucql_shard *sh, size_t len);
void ucql__rbuf_drain_returned(struct ucql_shard *sh);

/* lib/io/shard.c */
int ucql__shard_create(ucql_session *s, unsigned idx, ucql_shard **out);
int ucql__shard_setup(ucql_shard *sh);        /* on the owner thread */
void ucql__shard_destroy(ucql_shard *sh);
void ucql__shard_free_memory(ucql_shard *sh);
int ucql__shard_run_once(ucql_shard *sh, int timeout_ms);
void ucql__shard_submit_local(ucql_shard *sh, ucql__req *r);
void ucql__shard_complete(ucql_shard *sh, ucql__req *r);
void ucql__shard_mark_dirty(ucql_shard *sh, ucql__conn *c);
struct io_uring_sqe *ucql__shard_sqe(ucql_shard *sh);
int ucql__shard_dispatch(ucql_shard *sh, ucql__req *r);
void ucql__shard_conn_ready(ucql_shard *sh, ucql__conn *c);
void ucql__shard_conn_lost(ucql_shard *sh, ucql__conn *c);
void ucql__shard_conn_closed(ucql_shard *sh, ucql__conn *c);
void ucql__shard_feed_starved(ucql_shard *sh);
void ucql__shard_unlink_waiting(ucql_shard *sh, ucql__req *r);
void ucql__shard_internal_done(ucql_shard *sh, ucql__req *r);
void ucql__shard_prepare_others(ucql_shard *sh, int done_node, const char *q);
void ucql__shard_shutdown(ucql_shard *sh);
int ucql__shard_busy(ucql_shard *sh);
void ucql__shard_on_response(ucql_shard *sh, ucql__conn *c, ucql__req *r, ucql__rbuf *rb,
			     const ucql_frame *f);
extern _Thread_local ucql_shard *ucql__cur_shard;
extern _Thread_local int ucql__owns_shard;

/* lib/io/conn.c */
ucql__conn *ucql__conn_new(ucql_shard *sh, int node, int slot);
void ucql__conn_free(ucql__conn *c);
void ucql__conn_start(ucql__conn *c);
int ucql__conn_send_req(ucql__conn *c, ucql__req *r);
void ucql__conn_flush(ucql__conn *c);
void ucql__conn_on_cqe(ucql__conn *c, int op, struct io_uring_cqe *cqe);
void ucql__conn_fail(ucql__conn *c, int err, const char *why);
void ucql__conn_on_timeout(ucql__conn *c, ucql__req *r);
void ucql__conn_arm_recv(ucql__conn *c);

/* CQE user data: pointer | op in the low 3 bits. */
enum {
	UCQL__OP_RECV = 1,
	UCQL__OP_SEND = 2,
	UCQL__OP_CONNECT = 3,
	UCQL__OP_WAKE = 4,
	UCQL__OP_CLOSE = 5,
	UCQL__OP_NOP = 6,
};
static inline uint64_t ucql__tag(void *p, int op)
{
	return (uint64_t)(uintptr_t)p | (uint64_t)op;
}

/* lib/request.c */
ucql__req *ucql__req_get(ucql_shard *sh);
void ucql__req_put(ucql__req *r);
void ucql__req_unref(ucql__req *r);
int ucql__req_reserve(ucql__req *r, size_t n);
int ucql__req_encode(ucql_session *s, ucql__req *r, const ucql_statement *st);
int ucql__req_encode_prepare(ucql__req *r, int version, const char *cql, size_t len,
			     const char *keyspace);
int ucql__req_encode_query(ucql__req *r, int version, const char *cql, size_t len);
int ucql__req_reencode(ucql__req *r, int version);

/* lib/resultset.c */
void ucql__rs_reset(ucql_resultset *rs);
void ucql__rs_set_error(ucql_resultset *rs, int code, const char *msg);
void ucql__rs_set_errorf(ucql_resultset *rs, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int ucql__rs_set_response(ucql_resultset *rs, ucql__rbuf *rb, const ucql_frame *f,
			  const ucql_prepared_stmt *prep);
ucql__req *ucql__rs_req(ucql_resultset *rs);

/* lib/prepared.c */
ucql_prepared_stmt *ucql__prepared_from_result(ucql_session *s, const char *q, size_t qlen,
					       const ucql_frame *f, const ucql_result *res);
ucql_prepared_stmt *ucql__prepared_find_id(ucql_session *s, ucql_bytes id);
static inline ucql_prepared_stmt *ucql__prepared_ref(ucql_prepared_stmt *p)
{
	atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
	return p;
}
void ucql__prepared_cache_clear(ucql_session *s);
/* The result metadata in force and its id (v5): the latest the server
 * announced, else the one of the PREPARED answer. Any thread. */
static inline const ucql_metadata *ucql__prepared_result_md(const ucql_prepared_stmt *p,
							     ucql_bytes *id)
{
	ucql__rmd *r = atomic_load_explicit(&((ucql_prepared_stmt *)p)->rmd, memory_order_acquire);
	if (id)
		*id = r ? r->id : p->p.result_metadata_id;
	return r ? &r->md : &p->p.result;
}
void ucql__prepared_update_md(ucql_prepared_stmt *p, int version, const ucql_metadata *md);
ucql_prepared_stmt *ucql__prepared_lookup(ucql_session *s, const char *q, size_t qlen);

/* lib/session.c */
int ucql__session_version(const ucql_session *s);
void ucql__session_set_keyspace(ucql_session *s, ucql_bytes ks);
void ucql__keyspace_name(const char *cql, char *out, size_t cap);
void ucql__session_keyspace(ucql_session *s, char *out, size_t cap, uint64_t *gen);
uint64_t ucql__now_ns(void);
void ucql__session_shard_event(ucql_session *s);

/* lib/bootstrap.c */
int ucql__bootstrap(ucql_session *s, char *err, size_t errlen);

#endif
