/*
 * Stress of futures (lib/future.c) for ThreadSanitizer builds (suite
 * 'tsan'), also run in the normal and ASan builds (suite 'unit').
 *
 * A completer thread completes futures while user threads, each future in
 * its own way, wait, wait with a timeout, poll, set a callback (racing
 * the completion), free it before or after completion, or take the value.
 * Counted with atomics: every callback runs exactly once, every value is
 * freed exactly once (by its taker or by the future), and the futures are
 * recycled through the pool between rounds while other threads still
 * complete theirs.
 *
 * The values are fake: the free functions below are weak stand-ins for
 * lib/resultset.c and lib/prepared.c that count.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ucql/future.h"
#include "../../lib/future_int.h"
#include "../../lib/io/futex.h"
#include "check.h"

struct fake {
	_Atomic int freed;
};

__attribute__((weak)) void ucql_resultset_free(ucql_resultset *rs)
{
	if (rs)
		atomic_fetch_add(&((struct fake *)(void *)rs)->freed, 1);
}

__attribute__((weak)) void ucql_prepared_stmt_free(ucql_prepared_stmt *p)
{
	if (p)
		atomic_fetch_add(&((struct fake *)(void *)p)->freed, 1);
}

enum {
	M_WAIT_TAKE,        /* wait, take the result, free it, free f */
	M_WAIT_FOR_LEAVE,   /* wait_for, free f without taking */
	M_POLL_TAKE,        /* ready() until complete, take */
	M_CALLBACK_FREE,    /* set callback (races completion); it takes and frees f */
	M_FREE_EARLY,       /* free f at once: the completer frees the value */
	M_CALLBACK_THEN_FREE, /* set callback, free f at once: callback still runs */
	M_SHORT_TIMEOUTS,   /* wait_for(1 µs) until done */
	M_PREPARED_ERROR,   /* a failed prepare: code and message */
	M_WAIT_THEN_CALLBACK, /* wait, then set a callback: it runs at once, here */
	M_COUNT
};

struct item {
	ucql_future *f;
	struct fake value;
	_Atomic int cb_calls;
	_Atomic int cb_code;
	int mode;
	int user_errors;
	pthread_t cb_thread; /* where the callback ran */
};

static void on_done(ucql_future *f, void *ud)
{
	struct item *it = ud;
	it->cb_thread = pthread_self();
	atomic_store(&it->cb_code, ucql_future_error_code(f));
	atomic_fetch_add(&it->cb_calls, 1);
	if (it->mode == M_CALLBACK_FREE) {
		ucql_resultset *rs = ucql_future_result(f);
		if (rs != (ucql_resultset *)(void *)&it->value)
			it->user_errors++; /* callbacks run once: no race on this field */
		ucql_resultset_free(rs);
		ucql_future_free(f);
	}
}

struct range {
	struct item *items;
	size_t from, to, step;
};

static void user(struct item *it)
{
	ucql_future *f = it->f;
	int rc;
	switch (it->mode) {
	case M_WAIT_TAKE:
		rc = ucql_future_wait(f);
		if (rc != 0)
			it->user_errors++;
		ucql_resultset_free(ucql_future_result(f));
		ucql_future_free(f);
		break;
	case M_WAIT_FOR_LEAVE:
		rc = ucql_future_wait_for(f, 120 * INT64_C(1000000));
		if (rc != 0)
			it->user_errors++;
		ucql_future_free(f);
		break;
	case M_POLL_TAKE: {
		int64_t end = ucql__mono_ns() + 120 * INT64_C(1000000000);
		while (!ucql_future_ready(f) && ucql__mono_ns() < end)
			sched_yield();
		ucql_resultset *rs = ucql_future_result(f);
		if (rs != (ucql_resultset *)(void *)&it->value)
			it->user_errors++;
		ucql_resultset_free(rs);
		ucql_future_free(f);
		break;
	}
	case M_CALLBACK_FREE:
		if (ucql_future_set_callback(f, on_done, it) != 0)
			it->user_errors++;
		break; /* f is the callback's now */
	case M_FREE_EARLY:
		ucql_future_free(f);
		break;
	case M_CALLBACK_THEN_FREE:
		if (ucql_future_set_callback(f, on_done, it) != 0)
			it->user_errors++;
		ucql_future_free(f);
		break;
	case M_SHORT_TIMEOUTS: {
		uint64_t tries = 0;
		while ((rc = ucql_future_wait_for(f, 1)) == UCQL_E_TIMEOUT && ++tries < 100000000)
			;
		if (rc != 0)
			it->user_errors++;
		ucql_future_free(f);
		break;
	}
	case M_WAIT_THEN_CALLBACK:
		/* future.h: set on a complete future, the callback runs at
		 * once on the caller's thread — also right after the wake-up,
		 * while the completer may still be inside its complete call. */
		rc = ucql_future_wait(f);
		if (rc != 0 || ucql_future_set_callback(f, on_done, it) != 0 ||
		    atomic_load(&it->cb_calls) != 1 || !pthread_equal(it->cb_thread, pthread_self()))
			it->user_errors++;
		ucql_future_free(f);
		break;
	case M_PREPARED_ERROR:
		rc = ucql_future_wait(f);
		if (rc != UCQL_E_SYNTAX || strcmp(ucql_future_error_message(f), "bad cql") != 0 ||
		    ucql_future_prepared(f) != NULL)
			it->user_errors++;
		ucql_future_free(f);
		break;
	}
}

static void *user_main(void *arg)
{
	struct range *r = arg;
	for (size_t i = r->from; i < r->to; i += r->step)
		user(&r->items[i]);
	return NULL;
}

struct completer {
	struct item *items;
	size_t n;
};

static void *completer_main(void *arg)
{
	struct completer *c = arg;
	for (size_t i = 0; i < c->n; i++) {
		struct item *it = &c->items[i];
		if (it->mode == M_PREPARED_ERROR)
			ucql__future_complete(it->f, UCQL__FUT_PREPARED, NULL, UCQL_E_SYNTAX, "bad cql");
		else
			ucql__future_complete(it->f, UCQL__FUT_RESULT, &it->value, 0, NULL);
		if ((i & 63) == 0)
			sched_yield();
	}
	return NULL;
}

static size_t items_per_round(void)
{
	const char *e = getenv("TSAN_FUTURE_ITEMS");
	return e ? (size_t)strtoul(e, NULL, 10) : 4000;
}

#define USERS 4

static void mixed_modes(void)
{
	size_t n = items_per_round();
	for (int round = 0; round < 5; round++) {
		struct item *items = calloc(n, sizeof *items);
		for (size_t i = 0; i < n; i++) {
			items[i].mode = (int)((i * 7 + (size_t)round) % M_COUNT);
			items[i].f = ucql__future_new();
			CHECK(items[i].f != NULL, "new");
		}
		pthread_t ut[USERS], ct;
		struct range rg[USERS];
		for (int u = 0; u < USERS; u++) {
			rg[u] = (struct range){ items, (size_t)u, n, USERS };
			pthread_create(&ut[u], NULL, user_main, &rg[u]);
		}
		struct completer c = { items, n };
		pthread_create(&ct, NULL, completer_main, &c);
		pthread_join(ct, NULL);
		for (int u = 0; u < USERS; u++)
			pthread_join(ut[u], NULL);
		for (size_t i = 0; i < n; i++) {
			struct item *it = &items[i];
			int want_cb = it->mode == M_CALLBACK_FREE || it->mode == M_CALLBACK_THEN_FREE ||
				      it->mode == M_WAIT_THEN_CALLBACK;
			int want_freed = it->mode == M_PREPARED_ERROR ? 0 : 1;
			CHECK(it->user_errors == 0, "item %zu mode %d: %d user errors", i, it->mode,
			      it->user_errors);
			CHECK(atomic_load(&it->cb_calls) == want_cb, "item %zu mode %d: %d callbacks", i,
			      it->mode, atomic_load(&it->cb_calls));
			CHECK(atomic_load(&it->value.freed) == want_freed, "item %zu mode %d: freed %d times",
			      i, it->mode, atomic_load(&it->value.freed));
		}
		free(items);
	}
	printf("     5 rounds x %zu futures, %d user threads; pool holds %zu futures\n", n, USERS,
	       ucql__future_pool_size());
}

struct waiter {
	ucql_future *f;
	int timed;
	int rc;
};

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;
	w->rc = w->timed ? ucql_future_wait_for(w->f, 120 * INT64_C(1000000)) : ucql_future_wait(w->f);
	return NULL;
}

static void *complete_one(void *arg)
{
	ucql__future_complete(arg, UCQL__FUT_RESULT, NULL, UCQL_E_READ_TIMEOUT, "1 of 2");
	return NULL;
}

/* Several threads wait on one future that another thread completes. */
static void many_waiters_one_future(void)
{
	enum { W = 5 };
	for (int round = 0; round < 300; round++) {
		ucql_future *f = ucql__future_new();
		pthread_t wt[W], ct;
		struct waiter w[W];
		for (int i = 0; i < W; i++) {
			w[i] = (struct waiter){ f, (i + round) & 1, 99 };
			pthread_create(&wt[i], NULL, waiter_main, &w[i]);
		}
		pthread_create(&ct, NULL, complete_one, f);
		for (int i = 0; i < W; i++) {
			pthread_join(wt[i], NULL);
			CHECK(w[i].rc == UCQL_E_READ_TIMEOUT, "round %d waiter %d: %d", round, i, w[i].rc);
		}
		pthread_join(ct, NULL);
		CHECK(strcmp(ucql_future_error_message(f), "1 of 2") == 0, "message");
		ucql_future_free(f);
	}
}

int main(void)
{
	check_init(600);
	check_run("mixed waits, callbacks and frees against a completer", mixed_modes);
	check_run("five waiters on one future", many_waiters_one_future);
	return check_done();
}
