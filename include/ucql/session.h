/*
 * ucql/session.h — a connection to a cluster: shards, execution, prepared
 * statements, close. docs/API.md is the guide; docs/CONFIGURATION.md lists
 * the settings.
 *
 * Threading model. A session runs N shards (config "shards"). A shard is
 * one io_uring loop with its own connections to every node.
 *  - Threaded mode (config shards.mode=threads, the default): each shard is
 *    a driver thread pinned to a CPU. Any application thread may execute;
 *    the request is encoded on the calling thread and handed to a shard
 *    through a lock-free ring (the caller's home shard, assigned round-robin
 *    per thread). Completion callbacks run on the shard thread.
 *  - Embedded mode (shards.mode=embedded): no driver threads. Each shard is
 *    driven by one application thread with ucql_shard_poll; requests
 *    submitted with ucql_shard_execute from that thread go straight to its
 *    connections. Completion callbacks run inside ucql_shard_poll.
 * Callbacks must not block (no ucql_future_wait, no ucql_session_close).
 *
 * Every request completes exactly once: with its result, or an error
 * (timeout, broken connection, session closed, …).
 */
#ifndef UCQL_SESSION_H
#define UCQL_SESSION_H

#include "common.h"
#include "config.h"
#include "future.h"
#include "metrics.h"
#include "resultset.h"
#include "statement.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ucql_session ucql_session;
typedef struct ucql_shard ucql_shard;

/* A completion callback: rs is borrowed for the call (ucql_resultset_retain
 * keeps it). Runs exactly once per request, on the shard's thread. */
typedef void (*ucql_result_fn)(ucql_resultset *rs, void *ud);
/* The prepare callback: p is NULL on error (rs says which); p is borrowed
 * (ucql_prepared_stmt is reference counted: keep it with the statement
 * you bind from it — ucql_prepared_stmt_bind holds its own reference). */
typedef void (*ucql_prepared_fn)(ucql_prepared_stmt *p, ucql_resultset *rs, void *ud);

/* ---- lifecycle --------------------------------------------------------- */

/* Connects: reads cfg (copied; cfg may be freed after), negotiates the
 * protocol version with the contact points, reads the node list from
 * system.local and system.peers_v2 (system.peers on older servers),
 * starts the shards and connects them to every node. Blocks until every
 * shard has a ready connection (threaded mode) or the node list is known
 * (embedded mode: shards connect as they are polled), or until
 * connect.timeout_ms. Returns 0 and *out, or an error: UCQL_E_CONFIG_VALUE
 * (bad settings), UCQL_E_NO_HOSTS (no contact point reachable),
 * UCQL_E_AUTH / UCQL_E_AUTH_REQUIRED / UCQL_E_PROTOCOL (the server
 * refused), the server's error for a configured keyspace it cannot USE
 * (e.g. UCQL_E_INVALID), UCQL_E_TIMEOUT, UCQL_E_WOULD_DEADLOCK (called on a
 * shard's thread); a message into err[errlen] (may be NULL). Any thread
 * but a shard's. */
UCQL_API int ucql_session_connect(const ucql_config *cfg, ucql_session **out, char *err,
				  size_t errlen);

/* Closes: stops accepting requests (they fail with UCQL_E_CLOSED), waits up
 * to timeout_ms for in-flight requests, fails what remains with
 * UCQL_E_CLOSED, closes connections, joins shard threads and frees the
 * session. Every callback has run when it returns. In embedded mode call
 * it from one thread after the shard owners stopped polling (it drives the
 * shards itself). NULL is a no-op. Not from a callback (logged as an error
 * and ignored). Result sets and prepared statements may outlive the
 * session (free them after, not during, the close). */
UCQL_API void ucql_session_close(ucql_session *s, int64_t timeout_ms);

/* The protocol version in use (3, 4 or 5). */
UCQL_API int ucql_session_protocol_version(const ucql_session *s);
/* Number of shards, and shard i (0 ≤ i < count). */
UCQL_API unsigned ucql_session_shard_count(const ucql_session *s);
UCQL_API ucql_shard *ucql_session_shard(ucql_session *s, unsigned i);
/* Nodes known to the session and node i's "address:port" (valid while s
 * lives). */
UCQL_API unsigned ucql_session_node_count(const ucql_session *s);
UCQL_API const char *ucql_session_node_name(const ucql_session *s, unsigned i);

/* ---- executing (any thread; in embedded mode prefer ucql_shard_*) ------- */

/* Executes st asynchronously; cb(rs, ud) runs once when it completes (cb
 * may be NULL: fire and forget). Returns 0, or an error without calling
 * cb: UCQL_E_QUEUE_FULL (the shard's submission ring is full and
 * submit.backpressure=error), UCQL_E_CLOSED, UCQL_E_INVALID_ARG (a
 * statement the protocol version cannot express), UCQL_E_NOMEM. */
UCQL_API int ucql_session_execute(ucql_session *s, const ucql_statement *st, ucql_result_fn cb,
				  void *ud);
/* The same, completing a future (NULL only on allocation failure; other
 * errors complete the future at once). */
UCQL_API ucql_future *ucql_session_execute_future(ucql_session *s, const ucql_statement *st);
/* Executes and waits: the result set (owned by the caller; check
 * ucql_resultset_error_code). NULL only on allocation failure. Not on a
 * shard thread. */
UCQL_API ucql_resultset *ucql_session_execute_sync(ucql_session *s, const ucql_statement *st);
/* Shorthand: executes CQL text with no values and waits. */
UCQL_API ucql_resultset *ucql_session_query(ucql_session *s, const char *cql);

/* Prepares cql on every node (the first answer completes the call; the
 * others are prepared in the background) and caches it by (keyspace,
 * text): preparing the same text again reuses the cached statement.
 * Requests that meet UNPREPARED are re-prepared on that node and retried
 * transparently. */
UCQL_API int ucql_session_prepare(ucql_session *s, const char *cql, ucql_prepared_fn cb, void *ud);
UCQL_API ucql_future *ucql_session_prepare_future(ucql_session *s, const char *cql);
/* Prepares and waits: 0 and *out (one reference), or the error code with
 * the message in err[errlen]. Not on a shard thread. */
UCQL_API int ucql_session_prepare_sync(ucql_session *s, const char *cql, ucql_prepared_stmt **out,
				       char *err, size_t errlen);

/* ---- automatic paging (blocking; not on a shard thread) ----------------- */

typedef struct ucql_pager ucql_pager;
/* Iterates every row of st across pages, fetching the next page when the
 * current one is used up (st is copied; its page size applies). */
UCQL_API ucql_pager *ucql_session_pager(ucql_session *s, const ucql_statement *st);
/* The next row's cells (valid until the next call), or NULL at the end or
 * on error (then ucql_pager_error_code / _message tell which). */
UCQL_API const ucql_value *ucql_pager_next_row(ucql_pager *pg);
/* The current page's result set (column names and types), NULL before the
 * first page. Borrowed. */
UCQL_API const ucql_resultset *ucql_pager_page(const ucql_pager *pg);
UCQL_API int ucql_pager_error_code(const ucql_pager *pg);
UCQL_API const char *ucql_pager_error_message(const ucql_pager *pg);
UCQL_API void ucql_pager_free(ucql_pager *pg);

/* ---- shards: embedded mode ---------------------------------------------- */

/* Runs one iteration of shard sh's loop on the calling thread: submits
 * what is queued, waits up to timeout_ms (0 = do not wait, -1 = until
 * something completes) for I/O, and runs the completions' callbacks.
 * Returns the number of requests completed, or UCQL_E_INVALID_ARG if the
 * shard is driven by a driver thread (threaded mode) or another thread
 * already drove it: the first thread to poll a shard owns it for good. */
UCQL_API int ucql_shard_poll(ucql_shard *sh, int timeout_ms);
/* A file descriptor that becomes readable when the shard has work for
 * ucql_shard_poll (for epoll/poll integration: wait on it, then poll with
 * timeout 0). Valid after the first ucql_shard_poll; -1 before. */
UCQL_API int ucql_shard_fd(const ucql_shard *sh);
/* Executes on this shard. From the shard's own thread (its owner in
 * embedded mode, or inside one of its callbacks) the request goes straight
 * to a connection, no hand-off; from any other thread it goes through the
 * shard's submission ring. Returns as ucql_session_execute. */
UCQL_API int ucql_shard_execute(ucql_shard *sh, const ucql_statement *st, ucql_result_fn cb,
				void *ud);
/* Requests submitted to this shard and not yet completed. */
UCQL_API size_t ucql_shard_in_flight(const ucql_shard *sh);
/* The shard's index in its session. */
UCQL_API unsigned ucql_shard_index(const ucql_shard *sh);

/* ---- metrics (any thread) ------------------------------------------------ */

/* Counters of shard `shard`, or summed over all shards with shard = -1,
 * into *out. A snapshot: counters are read without stopping the shards. */
UCQL_API void ucql_session_metrics(const ucql_session *s, int shard, ucql_metrics *out);
/* Adds the request latency histogram of shard `shard` (-1 = all) into h. */
UCQL_API void ucql_session_latency(const ucql_session *s, int shard, ucql_histogram *h);

#ifdef __cplusplus
}
#endif

#endif
