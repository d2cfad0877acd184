/*
 * Futures: states, outcome and message, moving the value out, the
 * callback's exactly-once hand-off in both orders, freeing before and
 * after completion, waiting from other threads, the shard-thread guard,
 * and the pool's reuse.
 *
 * Values are fake result sets / prepared statements counted by the free
 * functions below: weak definitions that stand in for lib/resultset.c and
 * lib/prepared.c (the library references them weakly; nothing here pulls
 * those objects in).
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "ucql/future.h"
#include "../../lib/future_int.h"
#include "../../lib/io/futex.h"

struct fake {
	_Atomic int freed;
};

static _Atomic int rs_frees, prep_frees;

__attribute__((weak)) void ucql_resultset_free(ucql_resultset *rs)
{
	if (!rs)
		return;
	atomic_fetch_add(&((struct fake *)(void *)rs)->freed, 1);
	atomic_fetch_add(&rs_frees, 1);
}

__attribute__((weak)) void ucql_prepared_stmt_free(ucql_prepared_stmt *p)
{
	if (!p)
		return;
	atomic_fetch_add(&((struct fake *)(void *)p)->freed, 1);
	atomic_fetch_add(&prep_frees, 1);
}

/* Overrides the library's weak default (see future_int.h). */
static _Thread_local int on_shard;
int ucql__on_shard_thread(void)
{
	return on_shard;
}

Test(future, pending_state)
{
	ucql_future *f = ucql__future_new();
	cr_assert_not_null(f);
	cr_assert_eq(ucql_future_ready(f), 0);
	cr_assert_eq(ucql_future_error_code(f), UCQL_NEED_MORE);
	cr_assert_str_eq(ucql_future_error_message(f), "");
	cr_assert_null(ucql_future_result(f));
	cr_assert_null(ucql_future_prepared(f));
	cr_assert_eq(ucql_future_wait_for(f, 0), UCQL_E_TIMEOUT);
	cr_assert_eq(ucql_future_wait_for(f, -5), UCQL_E_TIMEOUT);
	/* Past the spin (20 µs) into the futex sleep, then the timeout. */
	cr_assert_eq(ucql_future_wait_for(f, 3000), UCQL_E_TIMEOUT);
	cr_assert_eq(ucql_future_ready(f), 0);
	ucql__future_complete(f, UCQL__FUT_RESULT, NULL, 0, NULL);
	cr_assert_eq(ucql_future_ready(f), 1);
	cr_assert_eq(ucql_future_wait(f), 0);
	ucql_future_free(f);
}

Test(future, null_arguments)
{
	cr_assert_eq(ucql_future_ready(NULL), 0);
	cr_assert_eq(ucql_future_wait(NULL), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_future_wait_for(NULL, 10), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_future_error_code(NULL), UCQL_E_INVALID_ARG);
	cr_assert_str_eq(ucql_future_error_message(NULL), "");
	cr_assert_null(ucql_future_result(NULL));
	cr_assert_null(ucql_future_prepared(NULL));
	cr_assert_eq(ucql_future_set_callback(NULL, NULL, NULL), UCQL_E_INVALID_ARG);
	ucql_future_free(NULL);
}

Test(future, result_moves_out_once)
{
	struct fake v = { 0 };
	int before = atomic_load(&rs_frees);
	ucql_future *f = ucql__future_new();
	ucql__future_complete(f, UCQL__FUT_RESULT, &v, 0, "ignored on success");
	cr_assert_eq(ucql_future_wait(f), 0);
	cr_assert_eq(ucql_future_error_code(f), 0);
	cr_assert_str_eq(ucql_future_error_message(f), "");
	cr_assert_null(ucql_future_prepared(f), "a result is not a prepared statement");
	cr_assert_eq((void *)ucql_future_result(f), (void *)&v);
	cr_assert_null(ucql_future_result(f), "taken");
	ucql_future_free(f);
	cr_assert_eq(atomic_load(&v.freed), 0, "the caller owns a taken value");
	cr_assert_eq(atomic_load(&rs_frees), before);
}

Test(future, prepared_moves_out_once)
{
	struct fake v = { 0 };
	ucql_future *f = ucql__future_new();
	ucql__future_complete(f, UCQL__FUT_PREPARED, &v, 0, NULL);
	cr_assert_null(ucql_future_result(f));
	cr_assert_eq((void *)ucql_future_prepared(f), (void *)&v);
	cr_assert_null(ucql_future_prepared(f));
	ucql_future_free(f);
	cr_assert_eq(atomic_load(&v.freed), 0);
}

Test(future, untaken_value_freed_with_the_future)
{
	struct fake r = { 0 }, p = { 0 };
	ucql_future *f = ucql__future_new();
	ucql_future *g = ucql__future_new();
	ucql__future_complete(f, UCQL__FUT_RESULT, &r, 0, NULL);
	ucql__future_complete(g, UCQL__FUT_PREPARED, &p, 0, NULL);
	cr_assert_eq(atomic_load(&r.freed), 0, "the user still holds f");
	ucql_future_free(f);
	ucql_future_free(g);
	cr_assert_eq(atomic_load(&r.freed), 1);
	cr_assert_eq(atomic_load(&p.freed), 1);
}

Test(future, freed_before_completion_then_completed)
{
	struct fake r = { 0 };
	ucql_future *f = ucql__future_new();
	ucql_future_free(f);
	ucql__future_complete(f, UCQL__FUT_RESULT, &r, 0, NULL);
	cr_assert_eq(atomic_load(&r.freed), 1, "the completer frees what nobody will take");
}

Test(future, error_code_and_message)
{
	ucql_future *f = ucql__future_new();
	ucql__future_complete(f, UCQL__FUT_PREPARED, NULL, UCQL_E_SYNTAX,
			      "line 1:7 no viable alternative");
	cr_assert_eq(ucql_future_wait(f), UCQL_E_SYNTAX);
	cr_assert_eq(ucql_future_error_code(f), UCQL_E_SYNTAX);
	cr_assert_str_eq(ucql_future_error_message(f), "line 1:7 no viable alternative");
	cr_assert_null(ucql_future_prepared(f));
	ucql_future_free(f);

	/* No message: the error table's. */
	f = ucql__future_new();
	ucql__future_complete(f, UCQL__FUT_RESULT, NULL, UCQL_E_TIMEOUT, NULL);
	cr_assert_str_eq(ucql_future_error_message(f), ucql_err_str(UCQL_E_TIMEOUT));
	ucql_future_free(f);

	/* A recycled future starts clean. */
	f = ucql__future_new();
	cr_assert_str_eq(ucql_future_error_message(f), "");
	ucql__future_complete(f, UCQL__FUT_RESULT, NULL, 0, NULL);
	cr_assert_str_eq(ucql_future_error_message(f), "");
	ucql_future_free(f);
}

Test(future, long_message_truncated_on_a_character_boundary)
{
	char msg[400];
	memset(msg, 'a', 254);
	/* U+00E9 (2 bytes) straddles the 255-byte limit: dropped whole. */
	strcpy(msg + 254, "\xc3\xa9tail");
	ucql_future *f = ucql__future_new();
	ucql__future_complete(f, UCQL__FUT_RESULT, NULL, UCQL_E_INVALID, msg);
	const char *m = ucql_future_error_message(f);
	cr_assert_eq(strlen(m), 254);
	cr_assert_eq(memcmp(m, msg, 254), 0);
	ucql_future_free(f);

	memset(msg, 'b', sizeof msg - 1);
	msg[sizeof msg - 1] = '\0';
	f = ucql__future_new();
	ucql__future_complete(f, UCQL__FUT_RESULT, NULL, UCQL_E_INVALID, msg);
	cr_assert_eq(strlen(ucql_future_error_message(f)), 255);
	ucql_future_free(f);
}

struct cb_rec {
	_Atomic int calls;
	ucql_future *seen;
	int code_seen;
	int free_inside;
};

static void on_done(ucql_future *f, void *ud)
{
	struct cb_rec *r = ud;
	r->seen = f;
	r->code_seen = ucql_future_error_code(f);
	atomic_fetch_add(&r->calls, 1);
	if (r->free_inside)
		ucql_future_free(f);
}

Test(future, callback_set_before_completion)
{
	struct cb_rec r = { 0 };
	ucql_future *f = ucql__future_new();
	cr_assert_eq(ucql_future_set_callback(f, on_done, &r), 0);
	cr_assert_eq(ucql_future_set_callback(f, on_done, &r), UCQL_E_INVALID_ARG);
	cr_assert_eq(atomic_load(&r.calls), 0);
	ucql__future_complete(f, UCQL__FUT_RESULT, NULL, UCQL_E_OVERLOADED, "busy");
	cr_assert_eq(atomic_load(&r.calls), 1);
	cr_assert_eq(r.seen, f);
	cr_assert_eq(r.code_seen, UCQL_E_OVERLOADED, "the outcome is stored before the call");
	ucql_future_free(f);
	cr_assert_eq(atomic_load(&r.calls), 1);
}

Test(future, callback_set_after_completion_runs_at_once)
{
	struct cb_rec r = { 0 };
	ucql_future *f = ucql__future_new();
	ucql__future_complete(f, UCQL__FUT_RESULT, NULL, 0, NULL);
	cr_assert_eq(ucql_future_set_callback(f, on_done, &r), 0);
	cr_assert_eq(atomic_load(&r.calls), 1);
	cr_assert_eq(r.code_seen, 0);
	cr_assert_eq(ucql_future_set_callback(f, on_done, &r), UCQL_E_INVALID_ARG);
	cr_assert_eq(atomic_load(&r.calls), 1);
	ucql_future_free(f);
}

Test(future, callback_may_free_the_future)
{
	struct fake v = { 0 };
	struct cb_rec r = { 0 };
	r.free_inside = 1;
	ucql_future *f = ucql__future_new();
	cr_assert_eq(ucql_future_set_callback(f, on_done, &r), 0);
	ucql__future_complete(f, UCQL__FUT_RESULT, &v, 0, NULL);
	cr_assert_eq(atomic_load(&r.calls), 1);
	cr_assert_eq(atomic_load(&v.freed), 1);

	struct fake w = { 0 };
	struct cb_rec r2 = { 0 };
	r2.free_inside = 1;
	f = ucql__future_new();
	ucql__future_complete(f, UCQL__FUT_RESULT, &w, 0, NULL);
	cr_assert_eq(ucql_future_set_callback(f, on_done, &r2), 0);
	cr_assert_eq(atomic_load(&r2.calls), 1);
	cr_assert_eq(atomic_load(&w.freed), 1);
}

Test(future, callback_of_a_freed_future_still_runs)
{
	struct cb_rec r = { 0 };
	struct fake v = { 0 };
	ucql_future *f = ucql__future_new();
	cr_assert_eq(ucql_future_set_callback(f, on_done, &r), 0);
	ucql_future_free(f);
	ucql__future_complete(f, UCQL__FUT_RESULT, &v, 0, NULL);
	cr_assert_eq(atomic_load(&r.calls), 1);
	cr_assert_eq(atomic_load(&v.freed), 1);
}

Test(future, abandon_drops_the_completer_reference)
{
	ucql_future *f = ucql__future_new();
	ucql__future_abandon(f);
	ucql_future_free(f);
	/* Both references gone: the pool hands it out again. */
	ucql_future *g = ucql__future_new();
	cr_assert_eq(g, f);
	ucql__future_abandon(g);
	ucql_future_free(g);
	ucql__future_abandon(NULL);
}

Test(future, wait_on_a_shard_thread_would_deadlock)
{
	ucql_future *f = ucql__future_new();
	on_shard = 1;
	cr_assert_eq(ucql_future_wait(f), UCQL_E_WOULD_DEADLOCK);
	cr_assert_eq(ucql_future_wait_for(f, 1000), UCQL_E_WOULD_DEADLOCK);
	cr_assert_eq(ucql_future_wait_for(f, 0), UCQL_E_TIMEOUT, "a poll never blocks");
	ucql__future_complete(f, UCQL__FUT_RESULT, NULL, 0, NULL);
	cr_assert_eq(ucql_future_wait(f), UCQL_E_WOULD_DEADLOCK);
	cr_assert_eq(ucql_future_wait_for(f, 1000), 0, "complete: nothing to wait for");
	on_shard = 0;
	cr_assert_eq(ucql_future_wait(f), 0);
	ucql_future_free(f);
}

Test(future, pool_reuses_without_growing)
{
	ucql_future *held[300];
	for (int i = 0; i < 300; i++)
		cr_assert_not_null(held[i] = ucql__future_new());
	size_t size = ucql__future_pool_size();
	cr_assert_geq(size, 300);
	for (int i = 0; i < 300; i++) {
		ucql__future_complete(held[i], UCQL__FUT_RESULT, NULL, 0, NULL);
		ucql_future_free(held[i]);
	}
	for (int round = 0; round < 10000; round++) {
		ucql_future *f = ucql__future_new();
		ucql__future_complete(f, UCQL__FUT_RESULT, NULL, 0, NULL);
		ucql_future_free(f);
	}
	cr_assert_eq(ucql__future_pool_size(), size);
}

/* ---- threads ------------------------------------------------------------- */

struct waiter {
	ucql_future *f;
	int timed;
	int rc;
	_Atomic int started;
};

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;
	atomic_store(&w->started, 1);
	w->rc = w->timed ? ucql_future_wait_for(w->f, 60 * INT64_C(1000000)) : ucql_future_wait(w->f);
	return NULL;
}

Test(future, waiters_on_other_threads_are_woken, .timeout = 60)
{
	enum { N = 4 };
	ucql_future *f = ucql__future_new();
	struct waiter w[N];
	pthread_t t[N];
	for (int i = 0; i < N; i++) {
		w[i] = (struct waiter){ f, i & 1, 99, 0 };
		cr_assert_eq(pthread_create(&t[i], NULL, wait_thread, &w[i]), 0);
	}
	/* Give the waiters a chance to get past their spin into the futex:
	 * wait (bounded) until each started, then time out once ourselves. */
	for (int i = 0; i < N; i++) {
		int64_t end = ucql__mono_ns() + 10 * INT64_C(1000000000);
		while (!atomic_load(&w[i].started))
			cr_assert_lt(ucql__mono_ns(), end);
	}
	cr_assert_eq(ucql_future_wait_for(f, 1000), UCQL_E_TIMEOUT);
	ucql__future_complete(f, UCQL__FUT_RESULT, NULL, UCQL_E_UNAVAILABLE, "2 of 3");
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		cr_assert_eq(w[i].rc, UCQL_E_UNAVAILABLE, "waiter %d", i);
	}
	cr_assert_str_eq(ucql_future_error_message(f), "2 of 3");
	ucql_future_free(f);
}

struct completer {
	ucql_future *f;
	void *value;
};

static void *complete_thread(void *arg)
{
	struct completer *c = arg;
	ucql__future_complete(c->f, UCQL__FUT_RESULT, c->value, 0, NULL);
	return NULL;
}

Test(future, completed_on_another_thread_value_visible, .timeout = 60)
{
	for (int round = 0; round < 200; round++) {
		struct fake v = { 0 };
		ucql_future *f = ucql__future_new();
		struct completer c = { f, &v };
		pthread_t t;
		cr_assert_eq(pthread_create(&t, NULL, complete_thread, &c), 0);
		cr_assert_eq(ucql_future_wait(f), 0);
		cr_assert_eq((void *)ucql_future_result(f), (void *)&v);
		ucql_future_free(f);
		pthread_join(t, NULL);
		cr_assert_eq(atomic_load(&v.freed), 0);
	}
}
