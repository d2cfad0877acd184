/*
 * session.c — sessions (ucql/session.h): connect, shards and their
 * threads, executing, preparing, close, metrics.
 */
#define _GNU_SOURCE
#include <netdb.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "future_int.h"
#include "statement_int.h"

/* ---- keyspace ------------------------------------------------------------ */

void ucql__session_keyspace(ucql_session *s, char *out, size_t cap, uint64_t *gen)
{
	pthread_mutex_lock(&s->mu);
	snprintf(out, cap, "%s", s->keyspace);
	*gen = atomic_load_explicit(&s->ks_gen, memory_order_relaxed);
	pthread_mutex_unlock(&s->mu);
}

/* A USE succeeded somewhere: every connection of every shard must follow
 * (they compare generations before sending). The server names the
 * keyspace exactly; we keep it as a quoted CQL identifier (inner quotes
 * doubled), ready for `USE %s`. */
void ucql__session_set_keyspace(ucql_session *s, ucql_bytes ks)
{
	char q[sizeof s->keyspace];
	size_t n = 0;
	q[n++] = '"';
	for (size_t i = 0; i < ks.len && n + 3 < sizeof q; i++) {
		if (ks.p[i] == '"')
			q[n++] = '"';
		q[n++] = (char)ks.p[i];
	}
	q[n++] = '"';
	q[n] = 0;
	pthread_mutex_lock(&s->mu);
	if (strcmp(s->keyspace, q) != 0) {
		memcpy(s->keyspace, q, n + 1);
		atomic_fetch_add_explicit(&s->ks_gen, 1, memory_order_release);
	}
	pthread_mutex_unlock(&s->mu);
}

/* The keyspace's name from its CQL text: a quoted identifier unquoted
 * (doubled quotes undone), an unquoted one lower-cased, as CQL reads
 * them (v5 PREPARE and QUERY take the name itself). */
void ucql__keyspace_name(const char *cql, char *out, size_t cap)
{
	size_t n = 0;
	if (!cap)
		return;
	if (cql[0] == '"') {
		for (size_t i = 1; cql[i] && n + 1 < cap; i++) {
			if (cql[i] == '"') {
				if (cql[i + 1] != '"')
					break;
				i++;
			}
			out[n++] = cql[i];
		}
	} else {
		for (size_t i = 0; cql[i] && n + 1 < cap; i++)
			out[n++] = (char)(cql[i] >= 'A' && cql[i] <= 'Z' ? cql[i] + 32 : cql[i]);
	}
	out[n] = 0;
}

int ucql__session_version(const ucql_session *s)
{
	return atomic_load_explicit(&s->version, memory_order_relaxed);
}

void ucql__session_shard_event(ucql_session *s)
{
	pthread_mutex_lock(&s->start_mu);
	pthread_cond_broadcast(&s->start_cv);
	pthread_mutex_unlock(&s->start_mu);
}

/* ---- shard threads ----------------------------------------------------------- */

static void *shard_main(void *arg)
{
	ucql_shard *sh = arg;
	char name[16];
	snprintf(name, sizeof name, "ucql-shard-%u", sh->idx);
	pthread_setname_np(pthread_self(), name);
	if (sh->cpu >= 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(sh->cpu, &set);
		pthread_setaffinity_np(pthread_self(), sizeof set, &set);
	}
	ucql__cur_shard = sh;
	if (ucql__shard_setup(sh)) {
		atomic_store(&sh->ready, -1);
		ucql__session_shard_event(sh->s);
	}
	while (!atomic_load_explicit(&sh->stop, memory_order_acquire))
		ucql__shard_run_once(sh, -1);
	/* closing: let in-flight requests finish until the deadline */
	while (sh->ring_ok && ucql__shard_busy(sh) && ucql__now_ns() < sh->stop_deadline_ns)
		ucql__shard_run_once(sh, 5);
	ucql__shard_shutdown(sh);
	ucql__cur_shard = NULL;
	return NULL;
}

static int cpus_available(int *cpus, int max)
{
	cpu_set_t set;
	int n = 0;
	if (sched_getaffinity(0, sizeof set, &set) == 0) {
		for (int i = 0; i < CPU_SETSIZE && n < max; i++)
			if (CPU_ISSET(i, &set))
				cpus[n++] = i;
	}
	if (!n)
		cpus[n++] = 0;
	return n;
}

/* ---- connect / close ------------------------------------------------------------- */

static void session_free(ucql_session *s)
{
	for (unsigned i = 0; i < s->nshards; i++)
		ucql__shard_destroy(s->shards[i]);
	free(s->shards);
	ucql__prepared_cache_clear(s);
	ucql_config_free(s->cfg);
	pthread_mutex_destroy(&s->mu);
	pthread_mutex_destroy(&s->start_mu);
	pthread_cond_destroy(&s->start_cv);
	free(s);
}

static void stop_shards(ucql_session *s, int64_t timeout_ms)
{
	uint64_t deadline = ucql__now_ns() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0) * 1000000u;
	for (unsigned i = 0; i < s->nshards; i++) {
		ucql_shard *sh = s->shards[i];
		sh->stop_deadline_ns = deadline;
		atomic_store_explicit(&sh->stop, 1, memory_order_release);
		if (sh->thr_started) {
			/* wake it if it sleeps (a spurious wake-up is harmless) */
			uint64_t one = 1;
			ssize_t w = write(ucql__sring_eventfd(&sh->sq), &one, sizeof one);
			(void)w;
		}
	}
	for (unsigned i = 0; i < s->nshards; i++) {
		ucql_shard *sh = s->shards[i];
		if (sh->thr_started) {
			pthread_join(sh->thr, NULL);
			sh->thr_started = 0;
		} else {
			/* embedded: drive it from here (its ring has no
			 * single-issuer binding, see ucql__shard_setup) */
			if (atomic_load(&sh->owner_claimed) == 2 && pthread_equal(sh->owner, pthread_self()))
				ucql__owns_shard = 0;
			while (sh->ring_ok && ucql__shard_busy(sh) && ucql__now_ns() < deadline)
				ucql__shard_run_once(sh, 5);
			ucql__shard_shutdown(sh);
		}
	}
}

int ucql_session_connect(const ucql_config *cfg, ucql_session **out, char *err, size_t errlen)
{
	char dummy[8];
	if (!err) {
		err = dummy;
		errlen = sizeof dummy;
	}
	err[0] = 0;
	if (!cfg || !out) {
		snprintf(err, errlen, "no configuration given");
		return UCQL_E_INVALID_ARG;
	}
	*out = NULL;
	if (ucql__on_shard_thread()) {
		/* connecting drives temporary loops on this thread and waits */
		snprintf(err, errlen, "ucql_session_connect called on a shard's thread");
		return UCQL_E_WOULD_DEADLOCK;
	}
	ucql_session *s = calloc(1, sizeof *s);
	if (!s)
		return UCQL_E_NOMEM;
	pthread_mutex_init(&s->mu, NULL);
	pthread_mutex_init(&s->start_mu, NULL);
	pthread_cond_init(&s->start_cv, NULL);
	s->cfg = ucql_config_copy(cfg);
	if (!s->cfg) {
		session_free(s);
		return UCQL_E_NOMEM;
	}
	s->v = ucql__config_values(s->cfg);
	ucql__logger_init(&s->log, s->v);
	snprintf(s->keyspace, sizeof s->keyspace, "%s", s->v->keyspace);
	if (s->keyspace[0])
		atomic_store(&s->ks_gen, 1);

	int rc = ucql__bootstrap(s, err, errlen);
	if (rc) {
		session_free(s);
		return rc;
	}

	int cpus[1024];
	int ncpu = cpus_available(cpus, 1024);
	unsigned n = s->v->shards > 0 ? (unsigned)s->v->shards : (unsigned)ncpu;
	s->shards = calloc(n, sizeof *s->shards);
	if (!s->shards) {
		session_free(s);
		return UCQL_E_NOMEM;
	}
	for (unsigned i = 0; i < n; i++) {
		rc = ucql__shard_create(s, i, &s->shards[i]);
		if (rc) {
			session_free(s);
			snprintf(err, errlen, "cannot create shard %u: %s", i, ucql_err_str(rc));
			return rc;
		}
		s->nshards++;
		if (s->v->shards_pin && s->v->shards_mode == UCQL__SHARDS_THREADS)
			s->shards[i]->cpu = cpus[i % (unsigned)ncpu];
	}
	if (s->v->shards_mode == UCQL__SHARDS_EMBEDDED) {
		*out = s;
		return 0;
	}
	for (unsigned i = 0; i < n; i++) {
		ucql_shard *sh = s->shards[i];
		if (pthread_create(&sh->thr, NULL, shard_main, sh)) {
			stop_shards(s, 0);
			session_free(s);
			snprintf(err, errlen, "cannot start shard threads");
			return UCQL_E_NOMEM;
		}
		sh->thr_started = 1;
	}
	/* wait until every shard has a ready connection (or failed) */
	uint64_t deadline = ucql__now_ns() + (uint64_t)s->v->connect_timeout_ms * 1000000u;
	int ok = 0, failed = 0;
	pthread_mutex_lock(&s->start_mu);
	for (;;) {
		ok = failed = 0;
		for (unsigned i = 0; i < n; i++) {
			int st = atomic_load(&s->shards[i]->ready);
			ok += st == 1;
			failed += st == -1;
		}
		if (ok + failed == (int)n || ucql__now_ns() >= deadline)
			break;
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 20 * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&s->start_cv, &s->start_mu, &ts);
	}
	pthread_mutex_unlock(&s->start_mu);
	if (ok == 0) {
		stop_shards(s, 0);
		session_free(s);
		snprintf(err, errlen, "%s", failed ? "no shard could connect to any node" : "timed out connecting");
		return failed ? UCQL_E_NO_HOSTS : UCQL_E_TIMEOUT;
	}
	*out = s;
	return 0;
}

void ucql_session_close(ucql_session *s, int64_t timeout_ms)
{
	if (!s)
		return;
	if (ucql__cur_shard && ucql__cur_shard->s == s && ucql__cur_shard->thr_started) {
		/* from one of its own callbacks: joining our own thread would
		 * never return. Refuse loudly rather than hang. */
		ucql__log(&s->log, UCQL_LOG_ERROR, "ucql_session_close called from a callback: ignored");
		return;
	}
	atomic_store(&s->closing, 1);
	stop_shards(s, timeout_ms);
	session_free(s);
}

int ucql_session_protocol_version(const ucql_session *s)
{
	return s ? ucql__session_version(s) : 0;
}

unsigned ucql_session_shard_count(const ucql_session *s)
{
	return s ? s->nshards : 0;
}

ucql_shard *ucql_session_shard(ucql_session *s, unsigned i)
{
	return s && i < s->nshards ? s->shards[i] : NULL;
}

unsigned ucql_session_node_count(const ucql_session *s)
{
	return s ? (unsigned)s->nnodes : 0;
}

const char *ucql_session_node_name(const ucql_session *s, unsigned i)
{
	return s && i < (unsigned)s->nnodes ? s->nodes[i].name : "";
}

/* ---- executing ------------------------------------------------------------------ */

static _Thread_local const ucql_session *tl_session;
static _Thread_local unsigned tl_home;

static ucql_shard *home_shard(ucql_session *s)
{
	if (ucql__cur_shard && ucql__cur_shard->s == s)
		return ucql__cur_shard;
	if (tl_session != s) {
		tl_session = s;
		tl_home = atomic_fetch_add_explicit(&s->next_home, 1, memory_order_relaxed);
	}
	return s->shards[tl_home % s->nshards];
}

static int on_owner_thread(ucql_shard *sh)
{
	if (ucql__cur_shard == sh)
		return 1;
	return sh->embedded && atomic_load_explicit(&sh->owner_claimed, memory_order_acquire) == 2 &&
	       pthread_equal(sh->owner, pthread_self());
}

/* Hands r to its shard: straight in on the shard's own thread, else
 * through the submission ring. */
static int hand_off(ucql_shard *sh, ucql__req *r)
{
	if (on_owner_thread(sh) && sh->ring_ok) {
		ucql_shard *prev = ucql__cur_shard;
		ucql__cur_shard = sh;
		ucql__shard_submit_local(sh, r);
		ucql__cur_shard = prev;
		return 0;
	}
	if (sh->s->v->submit_backpressure == UCQL__BACKPRESSURE_WAIT && !ucql__on_shard_thread()) {
		int64_t t = r->timeout_ms > 0 ? r->timeout_ms * 1000 : -1;
		return ucql__sring_push_wait(&sh->sq, r, t);
	}
	return ucql__sring_push(&sh->sq, r);
}

static int submit(ucql_session *s, ucql_shard *sh, const ucql_statement *st, ucql_result_fn cb,
		  void *ud, ucql_future *fut)
{
	if (!s || !st)
		return UCQL_E_INVALID_ARG;
	if (atomic_load_explicit(&s->closing, memory_order_relaxed))
		return UCQL_E_CLOSED;
	if (!sh)
		sh = home_shard(s);
	ucql__req *r = ucql__req_get(sh);
	if (!r)
		return UCQL_E_NOMEM;
	int rc = ucql__req_encode(s, r, st);
	if (rc) {
		ucql__req_unref(r);
		return rc;
	}
	r->cb = cb;
	r->ud = ud;
	r->fut = fut;
	/* on the shard's own thread (a callback resubmitting) the loop's
	 * clock of this iteration is fresh enough and saves a clock read */
	r->start_ns = ucql__cur_shard == sh ? sh->now_ns : ucql__now_ns();
	rc = hand_off(sh, r);
	if (rc) {
		r->fut = NULL;
		ucql__req_unref(r);
	}
	return rc;
}

int ucql_session_execute(ucql_session *s, const ucql_statement *st, ucql_result_fn cb, void *ud)
{
	return submit(s, NULL, st, cb, ud, NULL);
}

int ucql_shard_execute(ucql_shard *sh, const ucql_statement *st, ucql_result_fn cb, void *ud)
{
	if (!sh)
		return UCQL_E_INVALID_ARG;
	return submit(sh->s, sh, st, cb, ud, NULL);
}

ucql_future *ucql_session_execute_future(ucql_session *s, const ucql_statement *st)
{
	ucql_future *f = ucql__future_new();
	if (!f)
		return NULL;
	/* A waiter spins at most 10 µs: a future's answer is a network round
	 * trip away, so a longer spin mostly burns CPU (ucql-e2e --mode future
	 * at concurrency 16: PERFORMANCE.md). */
	if (s)
		ucql__future_set_spin_us(f, (uint32_t)(s->v->spin_us < 10 ? s->v->spin_us : 10));
	int rc = submit(s, NULL, st, NULL, NULL, f);
	if (rc) {
		ucql__future_complete(f, UCQL__FUT_RESULT, NULL, rc, NULL);
	}
	return f;
}

/* A result set holding only an error, for the synchronous calls. */
static ucql_resultset *error_rs(ucql_session *s, int rc, const char *msg)
{
	if (!s || !s->nshards)
		return NULL;
	ucql__req *r = ucql__req_get(s->shards[0]);
	if (!r)
		return NULL;
	ucql__rs_set_errorf(&r->rs, rc, "%s", msg && *msg ? msg : ucql_err_str(rc));
	return &r->rs;
}

ucql_resultset *ucql_session_execute_sync(ucql_session *s, const ucql_statement *st)
{
	if (ucql__on_shard_thread())
		return error_rs(s, UCQL_E_WOULD_DEADLOCK, NULL);
	ucql_future *f = ucql_session_execute_future(s, st);
	if (!f)
		return NULL;
	ucql_future_wait(f);
	ucql_resultset *rs = ucql_future_result(f);
	if (!rs)
		rs = error_rs(s, ucql_future_error_code(f), ucql_future_error_message(f));
	ucql_future_free(f);
	return rs;
}

ucql_resultset *ucql_session_query(ucql_session *s, const char *cql)
{
	ucql_statement *st = ucql_statement_new(cql, 0);
	if (!st)
		return NULL;
	ucql_resultset *rs = ucql_session_execute_sync(s, st);
	ucql_statement_free(st);
	return rs;
}

/* ---- preparing -------------------------------------------------------------------- */

static int prepare(ucql_session *s, const char *cql, ucql_prepared_fn cb, void *ud, ucql_future *fut)
{
	if (!s || !cql)
		return UCQL_E_INVALID_ARG;
	if (atomic_load_explicit(&s->closing, memory_order_relaxed))
		return UCQL_E_CLOSED;
	ucql_shard *sh = home_shard(s);
	ucql__req *r = ucql__req_get(sh);
	if (!r)
		return UCQL_E_NOMEM;
	size_t len = strlen(cql);
	ucql_prepared_stmt *cached = ucql__prepared_lookup(s, cql, len);
	if (cached) {
		/* already prepared in this keyspace: complete at once, here */
		r->prep = cached;
		if (fut) {
			ucql__future_complete(fut, UCQL__FUT_PREPARED, ucql__prepared_ref(cached), 0, NULL);
		} else if (cb) {
			cb(cached, &r->rs, ud);
		}
		ucql__req_unref(r);
		return 0;
	}
	char ks[256];
	uint64_t gen;
	ucql__session_keyspace(s, ks, sizeof ks, &gen);
	int rc = ucql__req_encode_prepare(r, ucql__session_version(s), cql, len, ks);
	r->prep_query = rc ? NULL : strdup(cql);
	if (rc || !r->prep_query) {
		ucql__req_unref(r);
		return rc ? rc : UCQL_E_NOMEM;
	}
	r->pcb = cb;
	r->ud = ud;
	r->fut = fut;
	r->timeout_ms = s->v->request_timeout_ms;
	r->idempotent = 1;
	r->start_ns = ucql__now_ns();
	rc = hand_off(sh, r);
	if (rc) {
		r->fut = NULL;
		ucql__req_unref(r);
	}
	return rc;
}

int ucql_session_prepare(ucql_session *s, const char *cql, ucql_prepared_fn cb, void *ud)
{
	return prepare(s, cql, cb, ud, NULL);
}

ucql_future *ucql_session_prepare_future(ucql_session *s, const char *cql)
{
	ucql_future *f = ucql__future_new();
	if (!f)
		return NULL;
	int rc = prepare(s, cql, NULL, NULL, f);
	if (rc)
		ucql__future_complete(f, UCQL__FUT_PREPARED, NULL, rc, NULL);
	return f;
}

int ucql_session_prepare_sync(ucql_session *s, const char *cql, ucql_prepared_stmt **out,
			      char *err, size_t errlen)
{
	if (ucql__on_shard_thread())
		return UCQL_E_WOULD_DEADLOCK;
	ucql_future *f = ucql_session_prepare_future(s, cql);
	if (!f)
		return UCQL_E_NOMEM;
	int rc = ucql_future_wait(f);
	if (!rc) {
		*out = ucql_future_prepared(f);
		if (!*out)
			rc = UCQL_E_SERVER_PROTOCOL;
	}
	if (rc && err && errlen)
		snprintf(err, errlen, "%s", ucql_future_error_message(f));
	ucql_future_free(f);
	return rc;
}

/* ---- embedded shards --------------------------------------------------------------- */

int ucql_shard_poll(ucql_shard *sh, int timeout_ms)
{
	if (!sh || !sh->embedded)
		return UCQL_E_INVALID_ARG;
	/* owner_claimed: 0 free, 1 being claimed, 2 owned (owner written
	 * before the release store, read after an acquire load of 2) */
	if (atomic_load_explicit(&sh->owner_claimed, memory_order_acquire) != 2) {
		int expect = 0;
		if (!atomic_compare_exchange_strong(&sh->owner_claimed, &expect, 1))
			return UCQL_E_INVALID_ARG;
		sh->owner = pthread_self();
		ucql__owns_shard = 1;
		atomic_store_explicit(&sh->owner_claimed, 2, memory_order_release);
		if (ucql__shard_setup(sh)) {
			atomic_store(&sh->ready, -1);
			return UCQL_E_NOMEM;
		}
	} else if (!pthread_equal(sh->owner, pthread_self())) {
		return UCQL_E_INVALID_ARG;
	}
	if (!sh->ring_ok)
		return UCQL_E_NOMEM;
	return ucql__shard_run_once(sh, timeout_ms);
}

int ucql_shard_fd(const ucql_shard *sh)
{
	return sh && sh->ring_ok ? sh->ring.ring_fd : -1;
}

size_t ucql_shard_in_flight(const ucql_shard *sh)
{
	if (!sh)
		return 0;
	ucql_metrics m;
	ucql__metrics_snapshot(&sh->m, &m);
	return (size_t)m.in_flight;
}

unsigned ucql_shard_index(const ucql_shard *sh)
{
	return sh ? sh->idx : 0;
}

/* ---- metrics ------------------------------------------------------------------------- */

void ucql_session_metrics(const ucql_session *s, int shard, ucql_metrics *out)
{
	memset(out, 0, sizeof *out);
	if (!s)
		return;
	for (unsigned i = 0; i < s->nshards; i++) {
		if (shard >= 0 && (unsigned)shard != i)
			continue;
		ucql_metrics m;
		ucql__metrics_snapshot(&s->shards[i]->m, &m);
		ucql__metrics_accumulate(out, &m);
	}
}

void ucql_session_latency(const ucql_session *s, int shard, ucql_histogram *h)
{
	if (!s || !h)
		return;
	for (unsigned i = 0; i < s->nshards; i++)
		if (shard < 0 || (unsigned)shard == i)
			ucql_histogram_merge(h, s->shards[i]->m.latency);
}
