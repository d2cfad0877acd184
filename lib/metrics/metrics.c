/*
 * metrics.c — a shard's counters: init, completion accounting, snapshots
 * (the concurrency argument is in metrics_int.h).
 */
#include <string.h>

#include "metrics_int.h"

int ucql__metrics_init(ucql__shard_metrics *m)
{
	memset(m, 0, sizeof *m); /* all-zero bytes are a valid zero _Atomic uint64_t */
	m->latency = ucql_histogram_new();
	return m->latency ? 0 : UCQL_E_NOMEM;
}

void ucql__metrics_destroy(ucql__shard_metrics *m)
{
	ucql_histogram_free(m->latency);
	m->latency = NULL;
}

void ucql__metrics_count_completion(ucql__shard_metrics *m, int err_code, uint64_t latency_ns)
{
	if (err_code) {
		_Atomic uint64_t *kind;
		if (err_code > 0)
			kind = &m->errors_server;
		else if (err_code == UCQL_E_TIMEOUT)
			kind = &m->errors_timeout;
		else if (err_code == UCQL_E_CONNECTION || err_code == UCQL_E_NO_HOSTS)
			kind = &m->errors_connection;
		else
			kind = &m->errors_other;
		ucql__metric_add(kind, 1);
		ucql__metric_add(&m->errors, 1);
	}
	ucql_histogram_record(m->latency, latency_ns);
	/* Release (a plain store on x86): a reader that loads `requests` with
	 * acquire also sees the `submitted` increment of every request counted
	 * here, so its in_flight = submitted - requests never goes negative. */
	atomic_store_explicit(&m->requests,
			      atomic_load_explicit(&m->requests, memory_order_relaxed) + 1,
			      memory_order_release);
}

static inline uint64_t ld(const _Atomic uint64_t *p)
{
	return atomic_load_explicit(p, memory_order_relaxed);
}

void ucql__metrics_snapshot(const ucql__shard_metrics *m, ucql_metrics *out)
{
	memset(out, 0, sizeof *out);
	/* requests first, with acquire (see ucql__metrics_count_completion). */
	out->requests = atomic_load_explicit(&m->requests, memory_order_acquire);
	uint64_t submitted = ld(&m->submitted);
	/* The clamp only matters if a caller counts a completion it never
	 * counted as submitted. */
	out->in_flight = submitted > out->requests ? submitted - out->requests : 0;
	out->errors = ld(&m->errors);
	out->errors_server = ld(&m->errors_server);
	out->errors_timeout = ld(&m->errors_timeout);
	out->errors_connection = ld(&m->errors_connection);
	out->errors_other = ld(&m->errors_other);
	out->bytes_in = ld(&m->bytes_in);
	out->bytes_out = ld(&m->bytes_out);
	out->io_uring_enter = ld(&m->io_uring_enter);
	out->wakeups = ld(&m->wakeups);
	out->reprepares = ld(&m->reprepares);
	out->connections_opened = ld(&m->connections_opened);
	out->connections_closed = ld(&m->connections_closed);
}

void ucql__metrics_accumulate(ucql_metrics *dst, const ucql_metrics *src)
{
	/* ucql_metrics is all uint64_t (the static assert keeps it so): sum it
	 * as an array, so a field added later is summed too. */
	_Static_assert(sizeof(ucql_metrics) % sizeof(uint64_t) == 0, "ucql_metrics: uint64_t only");
	uint64_t d[sizeof(ucql_metrics) / sizeof(uint64_t)], s[sizeof d / sizeof *d];
	memcpy(d, dst, sizeof d);
	memcpy(s, src, sizeof s);
	for (size_t i = 0; i < sizeof d / sizeof *d; i++)
		d[i] += s[i];
	memcpy(dst, d, sizeof d);
}
