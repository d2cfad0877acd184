/*
 * future.c — futures (ucql/future.h, lib/future_int.h).
 *
 * Three atomic words carry every cross-thread hand-off; the other fields
 * are written by one side before a release on one of them and read by the
 * other after the matching acquire.
 *
 *  - state (the futex word): COMPLETE, set once by the completer with a
 *    release RMW after it stored kind, err, msg and value; WAITER, set by
 *    a waiter (RMW) just before it sleeps. Both are RMWs on one word, so
 *    one of them sees the other: either the waiter sees COMPLETE and does
 *    not sleep, or the completer sees WAITER and calls futex wake — and a
 *    waiter whose FUTEX_WAIT starts after COMPLETE was set gets EAGAIN
 *    (the kernel compares the word). No system call when nobody sleeps.
 *  - cb: the callback's hand-off between set_callback and the completer.
 *    The setter claims (CLAIMED), writes fn/ud, then sets READY; the
 *    completer sets COMPLETED. READY and COMPLETED are set by RMWs on one
 *    word, so whichever comes second sees the other's bit and runs the
 *    callback: exactly once, with fn/ud and the outcome visible
 *    (acq_rel on both).
 *  - refs: user + completer. The last fetch_sub (acq_rel: sees all the
 *    other side's writes) frees an untaken value and recycles the future.
 *
 * The pool: chunks of 256 futures, never freed, indexed through a static
 * chunk table; free futures' indices sit in a lock-free stack (lfstack.h),
 * so new/free cost one CAS each and no allocation once the pool has grown
 * to the program's peak. Beyond 65536 pooled futures, each further one is
 * malloc'd and freed.
 */
#define _GNU_SOURCE
#include "future_int.h"

#include <stdlib.h>
#include <string.h>

#include "io/futex.h"
#include "io/lfstack.h"

enum {
	ST_COMPLETE = 1u,
	ST_WAITER = 2u,
};
enum {
	CB_CLAIMED = 1u,
	CB_READY = 2u,
	CB_COMPLETED = 4u,
};

#define MSG_MAX 256
#define DEFAULT_SPIN_NS 20000u
/* A hard bound on spin iterations, should the clock misbehave. */
#define SPIN_MAX_ITERS (1u << 24)

struct ucql_future {
	_Alignas(64) _Atomic uint32_t state; /* ST_* (futex word) */
	_Atomic uint32_t refs;
	_Atomic uint32_t cb;                 /* CB_* */
	uint32_t idx;                        /* pool index, or HEAP_IDX */
	uint32_t spin_ns;
	int kind;                            /* UCQL__FUT_*, set at completion */
	int err;
	_Atomic(void *) value;               /* until taken */
	ucql_future_fn fn;
	void *ud;
	char msg[MSG_MAX];                   /* "" unless complete with an error */
};

/* ---- pool ---------------------------------------------------------------- */

#define CHUNK_SHIFT 8
#define CHUNK (1u << CHUNK_SHIFT)
#define MAX_CHUNKS 256u
#define POOL_MAX (CHUNK * MAX_CHUNKS)
#define HEAP_IDX UINT32_MAX

static _Atomic uint32_t pool_links[POOL_MAX];
static ucql__lfstack pool = UCQL__LFSTACK_INIT(pool_links, POOL_MAX);
/* chunks[c] is written once, before any index of chunk c is pushed; a
 * thread reaches it only through a popped index (acquire), so plain
 * pointers suffice. */
static ucql_future *chunks[MAX_CHUNKS];
static _Atomic uint32_t nchunks;      /* chunk numbers claimed */
static _Atomic size_t pool_created;   /* futures in allocated chunks */

static ucql_future *heap_new(void)
{
	ucql_future *f = aligned_alloc(64, sizeof *f);
	if (f)
		f->idx = HEAP_IDX;
	return f;
}

/* The pool is empty: add a chunk, keep its first future. Concurrent
 * growers claim distinct chunk numbers. */
static ucql_future *pool_grow(void)
{
	if (atomic_load_explicit(&nchunks, memory_order_relaxed) >= MAX_CHUNKS)
		return heap_new();
	uint32_t c = atomic_fetch_add_explicit(&nchunks, 1, memory_order_relaxed);
	if (c >= MAX_CHUNKS)
		return heap_new();
	ucql_future *ch = aligned_alloc(64, CHUNK * sizeof *ch);
	if (!ch)
		return heap_new(); /* chunk number c stays unused */
	for (uint32_t i = 0; i < CHUNK; i++)
		ch[i].idx = c * CHUNK + i;
	chunks[c] = ch;
	/* Pushed last to first so that the chunk is handed out in order. */
	for (uint32_t i = CHUNK - 1; i >= 1; i--)
		ucql__lfstack_push(&pool, c * CHUNK + i);
	atomic_fetch_add_explicit(&pool_created, CHUNK, memory_order_relaxed);
	return &ch[0];
}

static void pool_put(ucql_future *f)
{
	if (f->idx == HEAP_IDX)
		free(f);
	else
		ucql__lfstack_push(&pool, f->idx); /* release: our writes to f */
}

size_t ucql__future_pool_size(void)
{
	return atomic_load_explicit(&pool_created, memory_order_relaxed);
}

/* ---- life cycle ---------------------------------------------------------- */

ucql_future *ucql__future_new(void)
{
	ucql_future *f;
	uint32_t i = ucql__lfstack_pop(&pool);
	if (i != UCQL__LFSTACK_NONE)
		f = &chunks[i >> CHUNK_SHIFT][i & (CHUNK - 1)];
	else if (!(f = pool_grow()))
		return NULL;
	/* Nobody else sees f until the caller publishes it (its submission
	 * ring's release/acquire). */
	atomic_store_explicit(&f->state, 0, memory_order_relaxed);
	atomic_store_explicit(&f->refs, 2, memory_order_relaxed);
	atomic_store_explicit(&f->cb, 0, memory_order_relaxed);
	atomic_store_explicit(&f->value, NULL, memory_order_relaxed);
	f->spin_ns = DEFAULT_SPIN_NS;
	f->kind = 0;
	f->err = 0;
	f->fn = NULL;
	f->ud = NULL;
	f->msg[0] = '\0';
	return f;
}

void ucql__future_set_spin_us(ucql_future *f, uint32_t spin_us)
{
	f->spin_ns = spin_us > UINT32_MAX / 1000 ? UINT32_MAX : spin_us * 1000;
}

static void free_value(int kind, void *v)
{
	if (!v)
		return;
	if (kind == UCQL__FUT_RESULT)
		ucql_resultset_free(v);
	else if (kind == UCQL__FUT_PREPARED)
		ucql_prepared_stmt_free(v);
}

static void unref(ucql_future *f)
{
	if (atomic_fetch_sub_explicit(&f->refs, 1, memory_order_acq_rel) != 1)
		return;
	/* Last reference: a value nobody took is ours to free. kind is
	 * read only if there is a value, i.e. after a completion. */
	void *v = atomic_exchange_explicit(&f->value, NULL, memory_order_relaxed);
	if (v)
		free_value(f->kind, v);
	pool_put(f);
}

/* Copies at most MSG_MAX - 1 bytes, never cutting a UTF-8 sequence. */
static void copy_msg(char *dst, const char *src)
{
	size_t n = strlen(src);
	if (n >= MSG_MAX) {
		n = MSG_MAX - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void ucql__future_complete(ucql_future *f, int kind, void *value, int err_code,
			   const char *err_msg)
{
	f->kind = kind;
	f->err = err_code;
	if (err_code)
		copy_msg(f->msg, err_msg ? err_msg : ucql_err_str(err_code));
	atomic_store_explicit(&f->value, value, memory_order_relaxed);
	/* CB_COMPLETED before COMPLETE: a thread that saw the future complete
	 * (ucql_future_wait returned) and then sets a callback must find
	 * CB_COMPLETED and run it at once on its own thread, as future.h
	 * promises — not leave it to us. A setter that finds CB_COMPLETED
	 * before COMPLETE waits for COMPLETE (a few instructions away). */
	uint32_t c = atomic_fetch_or_explicit(&f->cb, CB_COMPLETED, memory_order_acq_rel);
	/* Release: the outcome above is visible to whoever sees COMPLETE. */
	uint32_t s = atomic_fetch_or_explicit(&f->state, ST_COMPLETE, memory_order_release);
	if (s & ST_WAITER)
		ucql__futex_wake(&f->state, INT_MAX);
	if (c & CB_READY)
		f->fn(f, f->ud); /* the setter came first: ours to call */
	/* f stays valid through the callback (it may free the user's
	 * reference): ours is dropped last. */
	unref(f);
}

void ucql__future_abandon(ucql_future *f)
{
	if (f)
		unref(f);
}

void ucql_future_free(ucql_future *f)
{
	if (f)
		unref(f);
}

/* ---- waiting --------------------------------------------------------------- */

__attribute__((weak)) int ucql__on_shard_thread(void)
{
	return 0;
}

static int is_complete(const ucql_future *f)
{
	return atomic_load_explicit((_Atomic uint32_t *)&f->state, memory_order_acquire) &
	       ST_COMPLETE;
}

/* Waits until complete or until `deadline` (CLOCK_MONOTONIC ns; INT64_MAX
 * = never): spins up to spin_ns, then sleeps on the futex. */
static int wait_until(ucql_future *f, int64_t deadline)
{
	int64_t now = ucql__mono_ns();
	int64_t spin_end = now + (int64_t)f->spin_ns;
	if (spin_end > deadline)
		spin_end = deadline;
	for (uint32_t i = 1; f->spin_ns && i <= SPIN_MAX_ITERS; i++) {
		ucql__cpu_relax();
		if (is_complete(f))
			return f->err;
		if ((i & 63) == 0 && ucql__mono_ns() >= spin_end)
			break;
	}
	for (;;) {
		/* Acquire: if COMPLETE is already set, err is visible. */
		uint32_t s = atomic_fetch_or_explicit(&f->state, ST_WAITER, memory_order_acquire);
		if (s & ST_COMPLETE)
			return f->err;
		int64_t left = -1;
		if (deadline != INT64_MAX) {
			left = deadline - ucql__mono_ns();
			if (left <= 0)
				return UCQL_E_TIMEOUT;
		}
		/* Returns on a wake, a signal (EINTR), a spurious wake-up, a
		 * timeout, or at once if the word changed: all re-check. */
		ucql__futex_wait(&f->state, s | ST_WAITER, left);
	}
}

int ucql_future_wait(ucql_future *f)
{
	if (!f)
		return UCQL_E_INVALID_ARG;
	if (ucql__on_shard_thread())
		return UCQL_E_WOULD_DEADLOCK;
	if (is_complete(f))
		return f->err;
	return wait_until(f, INT64_MAX);
}

int ucql_future_wait_for(ucql_future *f, int64_t timeout_us)
{
	if (!f)
		return UCQL_E_INVALID_ARG;
	if (is_complete(f))
		return f->err;
	if (timeout_us <= 0)
		return UCQL_E_TIMEOUT;
	if (ucql__on_shard_thread())
		return UCQL_E_WOULD_DEADLOCK;
	int64_t now = ucql__mono_ns();
	int64_t deadline = timeout_us > (INT64_MAX - now) / 1000 ? INT64_MAX : now + timeout_us * 1000;
	return wait_until(f, deadline);
}

int ucql_future_ready(const ucql_future *f)
{
	return f && is_complete(f);
}

int ucql_future_error_code(const ucql_future *f)
{
	if (!f)
		return UCQL_E_INVALID_ARG;
	return is_complete(f) ? f->err : UCQL_NEED_MORE;
}

const char *ucql_future_error_message(const ucql_future *f)
{
	return f && is_complete(f) ? f->msg : "";
}

/* ---- outcome and callback ------------------------------------------------------ */

static void *take(ucql_future *f, int kind)
{
	if (!f || !is_complete(f) || f->kind != kind)
		return NULL;
	/* An exchange: two threads taking at once get it once. */
	return atomic_exchange_explicit(&f->value, NULL, memory_order_relaxed);
}

ucql_resultset *ucql_future_result(ucql_future *f)
{
	return take(f, UCQL__FUT_RESULT);
}

ucql_prepared_stmt *ucql_future_prepared(ucql_future *f)
{
	return take(f, UCQL__FUT_PREPARED);
}

int ucql_future_set_callback(ucql_future *f, ucql_future_fn fn, void *ud)
{
	if (!f || !fn)
		return UCQL_E_INVALID_ARG;
	/* Claim first, so that a second (or concurrent) setter never writes
	 * fn/ud under a callback about to run. */
	if (atomic_fetch_or_explicit(&f->cb, CB_CLAIMED, memory_order_relaxed) & CB_CLAIMED)
		return UCQL_E_INVALID_ARG;
	f->fn = fn;
	f->ud = ud;
	/* acq_rel: releases fn/ud to the completer; acquires the outcome if
	 * the completer came first (then it left the call to us). */
	if (atomic_fetch_or_explicit(&f->cb, CB_READY, memory_order_acq_rel) & CB_COMPLETED) {
		/* the completer is between its two stores: wait for COMPLETE so
		 * that fn sees the outcome */
		while (!(atomic_load_explicit(&f->state, memory_order_acquire) & ST_COMPLETE))
			ucql__cpu_relax();
		fn(f, ud); /* f is not touched after this: fn may free it */
	}
	return 0;
}
