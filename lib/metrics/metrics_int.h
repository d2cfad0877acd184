/*
 * metrics_int.h — a shard's counters: written by the shard thread only,
 * read by any thread (ucql_session_metrics).
 *
 * Why no atomic read-modify-write: each counter has exactly one writer,
 * the shard. Its increment is a relaxed load plus a relaxed store (a plain
 * load/add/store, no lock prefix); because nobody else stores, no update
 * can be lost. The _Atomic type makes every load and store indivisible, so
 * a reader on another thread sees some value the counter really had —
 * never a torn one — and the program has no data race (TSan-clean).
 * Relaxed is enough: readers want each counter's value, not an ordering
 * between counters, so a snapshot may be a few events apart between
 * fields.
 *
 * in_flight is not stored: the shard counts `submitted` when it takes a
 * request in (off its submission ring, or straight from its own thread)
 * and `requests` when the request completes; the snapshot reports the
 * difference. Both stay single-writer, so the hot path needs no RMW on
 * either side of the hand-off.
 *
 * A counter that other threads must bump (wake-ups, if the sender counts
 * them) takes ucql__metric_add_shared, a relaxed fetch_add. Counting on the
 * receiving shard instead keeps it single-writer.
 */
#ifndef UCQL_METRICS_INT_H
#define UCQL_METRICS_INT_H

#include <stdatomic.h>
#include <stdint.h>

#include "ucql/metrics.h"

typedef struct ucql__shard_metrics {
	_Atomic uint64_t submitted; /* requests taken in by the shard */
	_Atomic uint64_t requests;  /* requests completed (success + error) */
	_Atomic uint64_t errors;
	_Atomic uint64_t errors_server;
	_Atomic uint64_t errors_timeout;
	_Atomic uint64_t errors_connection;
	_Atomic uint64_t errors_other;
	_Atomic uint64_t bytes_in, bytes_out;
	_Atomic uint64_t io_uring_enter;
	_Atomic uint64_t wakeups;
	_Atomic uint64_t reprepares;
	_Atomic uint64_t connections_opened, connections_closed;
	ucql_histogram *latency; /* every completion's latency, ns; owned */
} ucql__shard_metrics;

/* Adds n to a counter that only the calling thread ever writes (see the
 * top comment: no RMW needed). */
static inline void ucql__metric_add(_Atomic uint64_t *c, uint64_t n)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
			      memory_order_relaxed);
}

/* Adds n to a counter that several threads write: an atomic RMW (lock xadd
 * on x86), relaxed because it orders nothing else. Off the hot path only. */
static inline void ucql__metric_add_shared(_Atomic uint64_t *c, uint64_t n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

/* Zeroes the counters and allocates the latency histogram. 0, or
 * UCQL_E_NOMEM. */
int ucql__metrics_init(ucql__shard_metrics *m);
/* Frees the histogram. Safe on a zeroed or already destroyed struct. */
void ucql__metrics_destroy(ucql__shard_metrics *m);

/* Counts one completion on the shard thread: requests, and for err_code
 * != 0 errors plus one kind — > 0 (a server ERROR) errors_server;
 * UCQL_E_TIMEOUT errors_timeout; UCQL_E_CONNECTION and UCQL_E_NO_HOSTS
 * errors_connection; any other negative code errors_other — and records
 * latency_ns (successes and errors alike) in m->latency. */
void ucql__metrics_count_completion(ucql__shard_metrics *m, int err_code, uint64_t latency_ns);

/* Copies the counters into *out (any thread): in_flight = submitted -
 * requests (0 if a racing read sees more completions than submissions);
 * reserved zeroed. */
void ucql__metrics_snapshot(const ucql__shard_metrics *m, ucql_metrics *out);
/* dst += src, field by field (in_flight and reserved included). */
void ucql__metrics_accumulate(ucql_metrics *dst, const ucql_metrics *src);

#endif
