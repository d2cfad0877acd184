/*
 * ucql/metrics.h — the driver's counters and latency histograms.
 *
 * Each shard counts its own requests (one writer: the shard thread); any
 * thread reads them with ucql_session_metrics / ucql_session_latency
 * (session.h) without stopping the shard. Such a snapshot is a set of
 * individually exact counters read one after the other: two counters of
 * one snapshot may be a few requests apart, never torn.
 *
 * ucql_histogram is also a standalone tool (ucql-stress records its own):
 * log-linear buckets in the style of HdrHistogram — 64 sub-buckets per
 * power of two, so any value is reported within 1/64 (1.6%) of itself,
 * from 1 ns to 2^64-1 ns with one layout everywhere, so that histograms
 * merge by adding counts.
 */
#ifndef UCQL_METRICS_H
#define UCQL_METRICS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Counters of one shard, or summed over shards. Plain values (a copy):
 * the caller owns it. Counters only grow, except in_flight (a gauge). */
typedef struct ucql_metrics {
	uint64_t requests;          /* completed requests (success + error) */
	uint64_t errors;            /* completed with any error */
	uint64_t errors_server;     /* server ERROR responses */
	uint64_t errors_timeout;    /* client-side timeouts */
	uint64_t errors_connection; /* failed because a connection broke / no connection */
	uint64_t errors_other;      /* local errors (closed, invalid, ...) */
	uint64_t in_flight;         /* submitted and not yet completed (a gauge) */
	uint64_t bytes_in, bytes_out;
	uint64_t io_uring_enter;    /* io_uring_enter system calls made by the shard(s) */
	uint64_t wakeups;           /* cross-thread wake-ups sent to the shard(s) */
	uint64_t reprepares;        /* UNPREPARED answered by re-preparing */
	uint64_t connections_opened, connections_closed;
	uint64_t reserved[16];      /* zero; room to grow without breaking the ABI */
} ucql_metrics;

/* A latency histogram; values are nanoseconds. One thread records into it
 * (its writer); any number of threads may read it at the same time: each
 * count is read whole (never torn), but a read that overlaps a record may
 * see that record in some figures (count, a bucket, min/max) and not yet
 * in others. Merge, reset and free belong to the writer, or to anyone once
 * no thread records. */
typedef struct ucql_histogram ucql_histogram;

/* A new, empty histogram (about 30 KiB), owned by the caller; NULL if out
 * of memory. */
UCQL_API ucql_histogram *ucql_histogram_new(void);
/* Frees h; NULL is a no-op. */
UCQL_API void ucql_histogram_free(ucql_histogram *h);
/* Records one value. The writer thread only. Constant time: no division,
 * no loop, no atomic read-modify-write. Never fails: every uint64_t has a
 * bucket. */
UCQL_API void ucql_histogram_record(ucql_histogram *h, uint64_t ns);
/* Adds src's counts into dst (dst's writer thread; src may be recorded
 * into concurrently). Merging the per-thread histograms of a run gives
 * exactly the histogram of all its values. */
UCQL_API void ucql_histogram_merge(ucql_histogram *dst, const ucql_histogram *src);
/* Empties h (the writer thread; concurrent readers may see a mix of old
 * and zeroed counts). */
UCQL_API void ucql_histogram_reset(ucql_histogram *h);

/* Number of values recorded. Any thread. */
UCQL_API uint64_t ucql_histogram_count(const ucql_histogram *h);
/* Smallest and largest value recorded (exact, not bucketed); 0 if empty. */
UCQL_API uint64_t ucql_histogram_min(const ucql_histogram *h);
UCQL_API uint64_t ucql_histogram_max(const ucql_histogram *h);
/* Mean of the recorded values (exact sum / count); 0 if empty. */
UCQL_API double ucql_histogram_mean(const ucql_histogram *h);
/* The value at percentile p (0..100; outside is clamped): the upper edge of
 * the bucket holding the value of rank p/100 * count (rounded to nearest,
 * at least 1, as HdrHistogram does), clamped to the maximum — at most 1.6%
 * above the true value, never above the maximum. p = 0 gives the minimum,
 * p = 100 the maximum. 0 if empty. Any thread. */
UCQL_API uint64_t ucql_histogram_percentile(const ucql_histogram *h, double p);
/* Writes "count=N min=A p50=B p90=C p99=D p99.9=E max=F" with the values in
 * microseconds, one decimal, into buf[cap] (NUL-terminated if cap > 0).
 * Returns the length of the full line, as snprintf does. Any thread. */
UCQL_API int ucql_histogram_print(const ucql_histogram *h, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif

#endif
