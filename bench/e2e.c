/*
 * e2e.c — the end-to-end benchmark: a prepared single-row read or write
 * through the whole driver (session, shard, io_uring, codec) against a
 * running cluster (ucql-mock in another process, so that its CPU is not
 * counted as the client's), keeping C requests in flight.
 *
 *   ucql-e2e [--hosts H[,H]] [--port P] [--requests N] [--concurrency C]
 *            [--op read|write] [--shards S] [--mode callback|future|embedded]
 *            [--protocol V] [--warmup N] [--keyspace KS] [--rows R]
 *            [--no-setup] [--max-seconds T] [--clear-values]
 *            [--set name=value]...
 *
 * Modes (how the C in-flight requests are kept going):
 *  - callback: threaded shards; the completion callback, on the shard's
 *    own thread, rebinds its statement and resubmits with
 *    ucql_shard_execute (straight to a connection, no hand-off) until the
 *    shard's quota is done; the main thread sleeps on a condition variable.
 *  - future: threaded shards; the main thread keeps a ring of C futures,
 *    waits for the oldest, resubmits into its slot (one shard: the main
 *    thread's home shard).
 *  - embedded: shards.mode=embedded; the main thread owns shard 0 (and one
 *    thread per further shard) and loops ucql_shard_poll, resubmitting
 *    from the callbacks.
 * Each in-flight slot owns one bound statement that is rebound (the key)
 * for every request, so the benchmark itself allocates nothing per request:
 * allocs_per_req is the driver's. --clear-values calls
 * ucql_statement_clear_values before each rebind (and binds a write's
 * blob again).
 *
 * Phases: set-up (schema and rows, on a separate threaded session), then
 * a warm-up of W requests, then the measured N. Client CPU (getrusage of
 * this process: every driver thread included), heap allocations (bench/
 * alloc_count.c interposes malloc), io_uring_enter and wake-up counts
 * (session metrics) are deltas over the measured phase only. Latency is
 * measured per request by the benchmark (submission to completion
 * callback, or to the main thread's return from the wait in future mode).
 *
 * Prints one JSON line on stdout; exits 1 if any request failed or a read
 * found no row, 2 on bad options or a failed set-up, 3 on a time-out.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <ucql/ucql.h>
#include <ucql/session.h>

#include "alloc_count.h"

#define MAX_SETS 32
#define BLOB_LEN 100

typedef struct opts {
	const char *hosts, *port, *keyspace, *protocol;
	uint64_t requests, warmup, rows;
	unsigned concurrency, shards;
	int warmup_set, write, setup, max_seconds, clear_values;
	enum { MODE_CALLBACK, MODE_FUTURE, MODE_EMBEDDED } mode;
	const char *sets[MAX_SETS];
	int nsets;
} opts;

static const char *const mode_names[] = { "callback", "future", "embedded" };

static void die(int code, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
static void die(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("ucql-e2e: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(code);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- per-thread state ---------------------------------------------------- */

typedef struct worker worker;

/* One in-flight request: its own statement, rebound for every request. */
typedef struct slot {
	ucql_statement *st;
	worker *w;
	uint64_t t0;
	ucql_future *fut; /* future mode */
} slot;

/* One shard's share of the work. Every field but the result counters read
 * by main after the phase is touched by one thread at a time: the shard
 * thread (callback mode, inside callbacks) or the owner thread (embedded).
 * Main writes quota/issued before the first submission of a phase (the
 * submission ring's release/acquire publishes them) and reads the counters
 * after the phase's completion signal (mutex). */
struct worker {
	ucql_shard *sh;
	slot *slots;
	unsigned nslots;
	uint64_t quota, issued, done, errors, empty;
	uint32_t key;
	int record;
	ucql_histogram *h;
	pthread_t thr;
	char first_err[200];
};

static struct {
	opts o;
	ucql_session *s;
	ucql_prepared_stmt *prep;
	ucql_statement *prep_ref; /* embedded: holds a reference to prep */
	worker *w;
	unsigned nw;
	uint8_t blob[BLOB_LEN];
	/* phase completion (callback mode) */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned workers_left;
	/* embedded mode: phase hand-off between main and shard threads */
	pthread_barrier_t bar;
	/* plain ints under __atomic builtins (clang refuses them on _Atomic) */
	int go;       /* embedded: slots bound, shard threads may start */
	int prepared; /* embedded: g.prep is set */
	uint64_t deadline_ns;
} g = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

static void note_error(worker *w, const char *what, const char *msg)
{
	w->errors++;
	if (!w->first_err[0])
		snprintf(w->first_err, sizeof w->first_err, "%s: %s", what, msg);
}

/* Checks one outcome: an error, or a read that found no row, counts. */
static void check(worker *w, const ucql_resultset *rs)
{
	int rc = rs ? ucql_resultset_error_code(rs) : UCQL_E_NOMEM;
	if (rc)
		note_error(w, ucql_err_name(rc), rs ? ucql_resultset_error_message(rs) : "no result");
	else if (!g.o.write && ucql_resultset_row_count(rs) != 1)
		w->empty++;
}

/* The next key: walks every row in a scattered order (rows is at most
 * 2^31; the step is odd and so coprime with a power of two only —
 * a plain modulo is fine for a benchmark). */
static int32_t next_key(worker *w)
{
	w->key += 7919;
	return (int32_t)(w->key % (uint32_t)g.o.rows);
}

/* Binds the next key into a slot's statement (the blob of a write stays
 * bound from the set-up). With --clear-values, every value is dropped and
 * bound again first (ucql_statement_clear_values). */
static void rebind(worker *w, ucql_statement *st)
{
	if (g.o.clear_values) {
		ucql_statement_clear_values(st);
		if (g.o.write)
			ucql_statement_bind_blob(st, 1, g.blob, BLOB_LEN);
	}
	ucql_statement_bind_int32(st, 0, next_key(w));
}

/* ---- callback and embedded modes ------------------------------------------ */

static void on_done(ucql_resultset *rs, void *ud);

static void phase_worker_done(worker *w)
{
	if (g.o.mode != MODE_CALLBACK)
		return; /* the owner thread sees done == quota itself */
	pthread_mutex_lock(&g.mu);
	if (--g.workers_left == 0)
		pthread_cond_signal(&g.cv);
	pthread_mutex_unlock(&g.mu);
}

/* Rebinds slot sl's key and submits it (on the shard's thread: straight
 * to a connection). */
static int submit_slot(worker *w, slot *sl, uint64_t t)
{
	rebind(w, sl->st);
	sl->t0 = t;
	return ucql_shard_execute(w->sh, sl->st, on_done, sl);
}

static void on_done(ucql_resultset *rs, void *ud)
{
	slot *sl = ud;
	worker *w = sl->w;
	uint64_t t = now_ns();
	if (w->record)
		ucql_histogram_record(w->h, t - sl->t0);
	check(w, rs);
	w->done++;
	while (w->issued < w->quota) {
		w->issued++;
		int rc = submit_slot(w, sl, t);
		if (!rc)
			break;
		/* refused: it completes here, as an error */
		note_error(w, "execute", ucql_err_str(rc));
		w->done++;
	}
	/* Last touch of *w: once signalled, main may start the next phase. */
	if (w->done == w->quota)
		phase_worker_done(w);
}

/* Starts a phase of quota requests on w: the first min(slots, quota).
 * Every slot is bound before the first submission: in callback mode the
 * completions (which rebind and use w->key) may start on the shard thread
 * while this loop still submits. */
static void start_phase(worker *w, uint64_t quota, int record)
{
	w->quota = quota;
	w->done = 0;
	w->record = record;
	unsigned first = quota < w->nslots ? (unsigned)quota : w->nslots;
	w->issued = first;
	uint64_t t = now_ns();
	for (unsigned i = 0; i < first; i++) {
		rebind(w, w->slots[i].st);
		w->slots[i].t0 = t;
	}
	for (unsigned i = 0; i < first; i++) {
		int rc = ucql_shard_execute(w->sh, w->slots[i].st, on_done, &w->slots[i]);
		if (rc)
			die(1, "initial execute: %s", ucql_err_name(rc));
	}
}

static void wait_phase_callback(void)
{
	pthread_mutex_lock(&g.mu);
	while (g.workers_left) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&g.cv, &g.mu, &ts);
		if (g.workers_left && now_ns() > g.deadline_ns)
			die(3, "time-out: %u shard(s) did not finish (see --max-seconds)", g.workers_left);
	}
	pthread_mutex_unlock(&g.mu);
}

/* Embedded mode: drive the owned shard until the phase's quota is done. */
static void drive(worker *w)
{
	while (w->done < w->quota) {
		int r = ucql_shard_poll(w->sh, 100);
		if (r < 0)
			die(1, "ucql_shard_poll: %s", ucql_err_name(r));
		if (now_ns() > g.deadline_ns)
			die(3, "time-out: shard %u did %" PRIu64 " of %" PRIu64, ucql_shard_index(w->sh),
			    w->done, w->quota);
	}
}

/* Splits n as evenly as possible over the workers. */
static uint64_t share(uint64_t n, unsigned i)
{
	return n / g.nw + (i < n % g.nw ? 1 : 0);
}

/* Embedded shard threads 1..S-1: poll until set-up is done, then run the
 * two phases in step with main (barriers around each). */
static void *shard_thread(void *arg)
{
	worker *w = arg;
	unsigned i = (unsigned)(w - g.w);
	while (!__atomic_load_n(&g.go, __ATOMIC_ACQUIRE)) {
		int r = ucql_shard_poll(w->sh, 1);
		if (r < 0)
			die(1, "ucql_shard_poll: %s", ucql_err_name(r));
	}
	for (int ph = 0; ph < 2; ph++) {
		pthread_barrier_wait(&g.bar);
		start_phase(w, share(ph ? g.o.requests : g.o.warmup, i), ph);
		drive(w);
		pthread_barrier_wait(&g.bar);
	}
	return NULL;
}

/* ---- future mode ------------------------------------------------------------- */

static void run_futures(uint64_t n, int record)
{
	worker *w = &g.w[0];
	unsigned c = w->nslots;
	uint64_t issued = 0, done = 0;
	for (unsigned i = 0; i < c && issued < n; i++, issued++) {
		slot *sl = &w->slots[i];
		rebind(w, sl->st);
		sl->t0 = now_ns();
		sl->fut = ucql_session_execute_future(g.s, sl->st);
		if (!sl->fut)
			die(1, "ucql_session_execute_future: out of memory");
	}
	for (unsigned i = 0; done < n; i = i + 1 == c ? 0 : i + 1) {
		slot *sl = &w->slots[i];
		int rc = ucql_future_wait_for(sl->fut, 1000000);
		if (rc == UCQL_E_TIMEOUT && !ucql_future_ready(sl->fut)) {
			if (now_ns() > g.deadline_ns)
				die(3, "time-out: %" PRIu64 " of %" PRIu64 " done", done, n);
			i = i == 0 ? c - 1 : i - 1; /* wait for the same one again */
			continue;
		}
		uint64_t t = now_ns();
		if (record)
			ucql_histogram_record(w->h, t - sl->t0);
		ucql_resultset *rs = ucql_future_result(sl->fut);
		if (rs)
			check(w, rs);
		else
			note_error(w, ucql_err_name(ucql_future_error_code(sl->fut)),
				   ucql_future_error_message(sl->fut));
		ucql_resultset_free(rs);
		ucql_future_free(sl->fut);
		sl->fut = NULL;
		done++;
		if (issued < n) {
			issued++;
			rebind(w, sl->st);
			sl->t0 = t;
			sl->fut = ucql_session_execute_future(g.s, sl->st);
			if (!sl->fut)
				die(1, "ucql_session_execute_future: out of memory");
		}
	}
	w->done = done;
}

/* ---- phases ---------------------------------------------------------------- */

static void run_phase(int measured)
{
	uint64_t n = measured ? g.o.requests : g.o.warmup;
	switch (g.o.mode) {
	case MODE_CALLBACK:
		if (!n)
			return;
		pthread_mutex_lock(&g.mu);
		g.workers_left = 0;
		for (unsigned i = 0; i < g.nw; i++)
			if (share(n, i))
				g.workers_left++;
		pthread_mutex_unlock(&g.mu);
		for (unsigned i = 0; i < g.nw; i++)
			if (share(n, i))
				start_phase(&g.w[i], share(n, i), measured);
		wait_phase_callback();
		break;
	case MODE_FUTURE:
		run_futures(n, measured);
		break;
	case MODE_EMBEDDED:
		/* shard threads run the same phase between the two barriers */
		if (g.nw > 1)
			pthread_barrier_wait(&g.bar);
		start_phase(&g.w[0], share(n, 0), measured);
		drive(&g.w[0]);
		if (g.nw > 1)
			pthread_barrier_wait(&g.bar);
		break;
	}
}

/* ---- set-up ---------------------------------------------------------------- */

static ucql_config *make_config(int embedded, unsigned shards)
{
	char err[256], buf[32];
	ucql_config *cfg = ucql_config_new();
	if (!cfg)
		die(2, "out of memory");
	snprintf(buf, sizeof buf, "%u", shards);
	if (ucql_config_set(cfg, "contact_points", g.o.hosts, err, sizeof err) ||
	    ucql_config_set(cfg, "port", g.o.port, err, sizeof err) ||
	    ucql_config_set(cfg, "shards", buf, err, sizeof err) ||
	    ucql_config_set(cfg, "shards.mode", embedded ? "embedded" : "threads", err, sizeof err) ||
	    (g.o.protocol && ucql_config_set(cfg, "protocol.version", g.o.protocol, err, sizeof err)))
		die(2, "%s", err);
	for (int i = 0; i < g.o.nsets; i++) {
		char name[128];
		const char *eq = strchr(g.o.sets[i], '=');
		if (!eq || (size_t)(eq - g.o.sets[i]) >= sizeof name)
			die(2, "--set wants name=value, not '%s'", g.o.sets[i]);
		memcpy(name, g.o.sets[i], (size_t)(eq - g.o.sets[i]));
		name[eq - g.o.sets[i]] = '\0';
		if (ucql_config_set(cfg, name, eq + 1, err, sizeof err))
			die(2, "%s", err);
	}
	return cfg;
}

static void query_ok(ucql_session *s, const char *cql)
{
	ucql_resultset *rs = ucql_session_query(s, cql);
	if (!rs || ucql_resultset_error_code(rs))
		die(2, "%s: %s", cql, rs ? ucql_resultset_error_message(rs) : "out of memory");
	ucql_resultset_free(rs);
}

/* Schema and rows, on a session of its own (threaded, one shard), so that
 * every mode shares one set-up path. Rows 0..rows-1 get the 100-byte blob
 * (reads then find exactly one row each). */
static void setup_schema(void)
{
	char err[256], cql[512];
	ucql_config *cfg = make_config(0, 1);
	ucql_session *s;
	int rc = ucql_session_connect(cfg, &s, err, sizeof err);
	ucql_config_free(cfg);
	if (rc)
		die(2, "set-up connect: %s: %s", ucql_err_name(rc), err);
	snprintf(cql, sizeof cql,
		 "CREATE KEYSPACE IF NOT EXISTS %s WITH replication = "
		 "{'class':'SimpleStrategy','replication_factor':1}", g.o.keyspace);
	query_ok(s, cql);
	snprintf(cql, sizeof cql, "CREATE TABLE IF NOT EXISTS %s.kv (k int PRIMARY KEY, v blob)",
		 g.o.keyspace);
	query_ok(s, cql);
	if (!g.o.write) {
		ucql_prepared_stmt *p;
		snprintf(cql, sizeof cql, "INSERT INTO %s.kv (k, v) VALUES (?, ?)", g.o.keyspace);
		if ((rc = ucql_session_prepare_sync(s, cql, &p, err, sizeof err)))
			die(2, "prepare %s: %s", cql, err);
		enum { WINDOW = 256 };
		ucql_future *f[WINDOW] = { 0 };
		ucql_statement *st = ucql_prepared_stmt_bind(p);
		if (!st || ucql_statement_bind_blob(st, 1, g.blob, BLOB_LEN))
			die(2, "bind failed");
		for (uint64_t k = 0; k < g.o.rows + WINDOW; k++) {
			ucql_future **fp = &f[k % WINDOW];
			if (*fp) {
				if (ucql_future_wait(*fp))
					die(2, "filling rows: %s", ucql_future_error_message(*fp));
				ucql_future_free(*fp);
				*fp = NULL;
			}
			if (k < g.o.rows) {
				ucql_statement_bind_int32(st, 0, (int32_t)k);
				if (!(*fp = ucql_session_execute_future(s, st)))
					die(2, "out of memory");
			}
		}
		ucql_statement_free(st);
		ucql_prepared_stmt_free(p);
	}
	ucql_session_close(s, 5000);
}

static void on_prepared(ucql_prepared_stmt *p, ucql_resultset *rs, void *ud)
{
	(void)ud;
	if (!p)
		die(2, "prepare: %s", ucql_resultset_error_message(rs));
	/* p is borrowed for the call: a bound statement keeps a reference */
	g.prep_ref = ucql_prepared_stmt_bind(p);
	if (!g.prep_ref)
		die(2, "out of memory");
	g.prep = p;
	__atomic_store_n(&g.prepared, 1, __ATOMIC_RELEASE);
}

/* Prepares the benchmark's statement on the benchmark session. Embedded:
 * the request goes to the main thread's home shard, which its owner polls
 * (shard threads are already polling; main polls shard 0). */
static void prepare_bench(const char *cql)
{
	char err[256];
	if (g.o.mode != MODE_EMBEDDED) {
		int rc = ucql_session_prepare_sync(g.s, cql, &g.prep, err, sizeof err);
		if (rc)
			die(2, "prepare %s: %s", cql, err);
		return;
	}
	/* g.prep is written by the callback on whichever shard thread ran it
	 * and read after the acquire of g.prepared. */
	int rc = ucql_session_prepare(g.s, cql, on_prepared, NULL);
	if (rc)
		die(2, "prepare: %s", ucql_err_name(rc));
	uint64_t limit = now_ns() + 30ull * 1000000000u;
	while (!__atomic_load_n(&g.prepared, __ATOMIC_ACQUIRE)) {
		int r = ucql_shard_poll(g.w[0].sh, 1);
		if (r < 0)
			die(2, "ucql_shard_poll: %s", ucql_err_name(r));
		if (now_ns() > limit)
			die(3, "time-out preparing");
	}
}

/* ---- options ------------------------------------------------------------------ */

static uint64_t num(const char *opt, const char *v, uint64_t lo, uint64_t hi)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || x < lo || x > hi)
		die(2, "%s: '%s' is not a number in %" PRIu64 "..%" PRIu64, opt, v, lo, hi);
	return x;
}

static void usage(void)
{
	printf("usage: ucql-e2e [--hosts H[,H]] [--port P] [--requests N] [--concurrency C]\n"
	       "                [--op read|write] [--shards S] [--mode callback|future|embedded]\n"
	       "                [--protocol V] [--warmup N] [--keyspace KS] [--rows R] [--no-setup]\n"
	       "                [--max-seconds T] [--clear-values] [--set name=value]...\n");
}

static void parse(int argc, char **argv, opts *o)
{
	*o = (opts){ .hosts = "127.0.0.1", .port = "9042", .keyspace = "ucql_e2e",
		     .requests = 1000000, .rows = 10000, .concurrency = 1024, .shards = 1,
		     .setup = 1, .max_seconds = 300, .mode = MODE_CALLBACK };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage();
			exit(0);
		}
		if (!strcmp(a, "--no-setup")) {
			o->setup = 0;
			continue;
		}
		if (!strcmp(a, "--clear-values")) {
			o->clear_values = 1;
			continue;
		}
		if (i + 1 >= argc)
			die(2, "%s: missing value (or unknown option)", a);
		const char *v = argv[++i];
		if (!strcmp(a, "--hosts"))
			o->hosts = v;
		else if (!strcmp(a, "--port"))
			o->port = v;
		else if (!strcmp(a, "--requests"))
			o->requests = num(a, v, 1, UINT64_MAX / 2);
		else if (!strcmp(a, "--concurrency"))
			o->concurrency = (unsigned)num(a, v, 1, 1u << 20);
		else if (!strcmp(a, "--op") && (!strcmp(v, "read") || !strcmp(v, "write")))
			o->write = !strcmp(v, "write");
		else if (!strcmp(a, "--shards"))
			o->shards = (unsigned)num(a, v, 1, 256);
		else if (!strcmp(a, "--mode") && !strcmp(v, "callback"))
			o->mode = MODE_CALLBACK;
		else if (!strcmp(a, "--mode") && !strcmp(v, "future"))
			o->mode = MODE_FUTURE;
		else if (!strcmp(a, "--mode") && !strcmp(v, "embedded"))
			o->mode = MODE_EMBEDDED;
		else if (!strcmp(a, "--protocol"))
			o->protocol = v;
		else if (!strcmp(a, "--warmup")) {
			o->warmup = num(a, v, 0, UINT64_MAX / 2);
			o->warmup_set = 1;
		} else if (!strcmp(a, "--keyspace"))
			o->keyspace = v;
		else if (!strcmp(a, "--rows"))
			o->rows = num(a, v, 1, INT32_MAX);
		else if (!strcmp(a, "--max-seconds"))
			o->max_seconds = (int)num(a, v, 1, 86400);
		else if (!strcmp(a, "--set") && o->nsets < MAX_SETS)
			o->sets[o->nsets++] = v;
		else
			die(2, "bad option or value: %s %s", a, v);
	}
	if (!o->warmup_set)
		o->warmup = o->requests / 10 < 20000 ? o->requests / 10 : 20000;
	if (o->mode == MODE_FUTURE && o->shards > 1)
		fprintf(stderr, "ucql-e2e: note: future mode submits from one thread, to its home "
				"shard only\n");
	for (const char *p = o->keyspace; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			die(2, "--keyspace: lower-case letters, digits and '_' only");
}

/* ---- main ---------------------------------------------------------------------- */

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
}

int main(int argc, char **argv)
{
	parse(argc, argv, &g.o);
	/* The allocation counter must be the interposed one, or allocs_per_req
	 * would read a reassuring 0. */
	uint64_t a0 = ucql_bench_allocs();
	void *volatile probe = malloc(16); /* volatile: gcc drops a malloc/free pair */
	free(probe);
	if (ucql_bench_allocs() == a0)
		die(2, "the malloc interposer is not active");
	for (size_t i = 0; i < BLOB_LEN; i++)
		g.blob[i] = (uint8_t)(i * 31 + 7);
	g.deadline_ns = now_ns() + (uint64_t)g.o.max_seconds * 1000000000u;

	if (g.o.setup)
		setup_schema();

	char err[256], cql[512];
	int embedded = g.o.mode == MODE_EMBEDDED;
	ucql_config *cfg = make_config(embedded, g.o.shards);
	int rc = ucql_session_connect(cfg, &g.s, err, sizeof err);
	ucql_config_free(cfg);
	if (rc)
		die(2, "connect: %s: %s", ucql_err_name(rc), err);

	/* Workers: one per shard; future mode uses one (the home shard). */
	g.nw = g.o.mode == MODE_FUTURE ? 1 : ucql_session_shard_count(g.s);
	if (g.nw > g.o.concurrency)
		g.nw = g.o.concurrency;
	g.w = calloc(g.nw, sizeof *g.w);
	if (!g.w)
		die(2, "out of memory");
	for (unsigned i = 0; i < g.nw; i++) {
		worker *w = &g.w[i];
		w->sh = ucql_session_shard(g.s, i);
		w->nslots = g.o.concurrency / g.nw + (i < g.o.concurrency % g.nw ? 1 : 0);
		w->slots = calloc(w->nslots, sizeof *w->slots);
		w->h = ucql_histogram_new();
		w->key = i * 1000003u;
		if (!w->slots || !w->h)
			die(2, "out of memory");
	}
	if (embedded) {
		/* claim shard 0 for main; the others for their threads */
		if ((rc = ucql_shard_poll(g.w[0].sh, 0)) < 0)
			die(2, "ucql_shard_poll: %s", ucql_err_name(rc));
		if (g.nw > 1 && pthread_barrier_init(&g.bar, NULL, g.nw))
			die(2, "pthread_barrier_init failed");
		for (unsigned i = 1; i < g.nw; i++)
			if (pthread_create(&g.w[i].thr, NULL, shard_thread, &g.w[i]))
				die(2, "pthread_create failed");
	}

	if (g.o.write)
		snprintf(cql, sizeof cql, "INSERT INTO %s.kv (k, v) VALUES (?, ?)", g.o.keyspace);
	else
		snprintf(cql, sizeof cql, "SELECT v FROM %s.kv WHERE k = ?", g.o.keyspace);
	prepare_bench(cql);
	for (unsigned i = 0; i < g.nw; i++)
		for (unsigned j = 0; j < g.w[i].nslots; j++) {
			slot *sl = &g.w[i].slots[j];
			sl->w = &g.w[i];
			sl->st = ucql_prepared_stmt_bind(g.prep);
			if (!sl->st || (g.o.write && ucql_statement_bind_blob(sl->st, 1, g.blob, BLOB_LEN)) ||
			    ucql_statement_bind_int32(sl->st, 0, 0))
				die(2, "bind failed");
		}
	/* embedded shard threads proceed to the first barrier */
	__atomic_store_n(&g.go, 1, __ATOMIC_RELEASE);

	run_phase(0);

	struct rusage ru0, ru1;
	ucql_metrics m0, m1;
	ucql_session_metrics(g.s, -1, &m0);
	uint64_t al0 = ucql_bench_allocs();
	getrusage(RUSAGE_SELF, &ru0);
	uint64_t t0 = now_ns();
	run_phase(1);
	uint64_t t1 = now_ns();
	getrusage(RUSAGE_SELF, &ru1);
	uint64_t al1 = ucql_bench_allocs();
	ucql_session_metrics(g.s, -1, &m1);

	uint64_t errors = 0, empty = 0;
	ucql_histogram *h = ucql_histogram_new();
	if (!h)
		die(2, "out of memory");
	for (unsigned i = 0; i < g.nw; i++) {
		errors += g.w[i].errors;
		empty += g.w[i].empty;
		ucql_histogram_merge(h, g.w[i].h);
		if (g.w[i].first_err[0])
			fprintf(stderr, "ucql-e2e: shard %u: first error: %s\n", i, g.w[i].first_err);
	}
	if (empty)
		fprintf(stderr, "ucql-e2e: %" PRIu64 " reads found no row (missing set-up?)\n", empty);

	double n = (double)g.o.requests, wall = (double)(t1 - t0) * 1e-9;
	double us = tv_s(ru1.ru_utime) - tv_s(ru0.ru_utime);
	double sy = tv_s(ru1.ru_stime) - tv_s(ru0.ru_stime);
	printf("{\"mode\":\"%s\",\"op\":\"%s\",\"shards\":%u,\"concurrency\":%u,\"requests\":%" PRIu64
	       ",\"protocol\":%d,\"wall_s\":%.3f,\"ops_per_s\":%.0f,\"cpu_user_s\":%.3f,"
	       "\"cpu_sys_s\":%.3f,\"cpu_us_per_req\":%.3f,\"io_uring_enter_per_req\":%.5f,"
	       "\"wakeups_per_req\":%.5f,\"allocs_per_req\":%.6f,\"errors\":%" PRIu64
	       ",\"empty_reads\":%" PRIu64 ",\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,"
	       "\"p999_us\":%.1f,\"max_us\":%.1f}\n",
	       mode_names[g.o.mode], g.o.write ? "write" : "read", ucql_session_shard_count(g.s),
	       g.o.concurrency, g.o.requests, ucql_session_protocol_version(g.s), wall, n / wall, us,
	       sy, (us + sy) * 1e6 / n, (double)(m1.io_uring_enter - m0.io_uring_enter) / n,
	       (double)(m1.wakeups - m0.wakeups) / n, (double)(al1 - al0) / n, errors, empty,
	       (double)ucql_histogram_percentile(h, 50) / 1e3,
	       (double)ucql_histogram_percentile(h, 90) / 1e3,
	       (double)ucql_histogram_percentile(h, 99) / 1e3,
	       (double)ucql_histogram_percentile(h, 99.9) / 1e3,
	       (double)ucql_histogram_max(h) / 1e3);
	fflush(stdout);

	for (unsigned i = 1; embedded && i < g.nw; i++)
		pthread_join(g.w[i].thr, NULL);
	for (unsigned i = 0; i < g.nw; i++) {
		for (unsigned j = 0; j < g.w[i].nslots; j++)
			ucql_statement_free(g.w[i].slots[j].st);
		free(g.w[i].slots);
		ucql_histogram_free(g.w[i].h);
	}
	ucql_histogram_free(h);
	if (g.prep_ref)
		ucql_statement_free(g.prep_ref); /* embedded: the only reference we hold */
	else
		ucql_prepared_stmt_free(g.prep);
	ucql_session_close(g.s, 5000);
	free(g.w);
	return errors || empty ? 1 : 0;
}
