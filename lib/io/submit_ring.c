/*
 * submit_ring.c — the shard's submission ring (see submit_ring.h for the
 * algorithm and the API).
 *
 * Two handshakes keep a side from sleeping while the other believes it
 * will be woken. Both are Dekker's pattern — each side writes its own
 * word, then reads the other's — and both are correct only if neither
 * side's read can be satisfied before its own write is visible. That
 * store→load ordering is what a seq_cst fence between the write and the
 * read provides; here it comes from making the write and the read
 * themselves seq_cst (a seq_cst store or RMW, then a seq_cst load). The
 * effect is the same — on x86 the store becomes an xchg, which is the
 * barrier a fence would be — and it keeps the code free of
 * atomic_thread_fence, which ThreadSanitizer does not model (it ignores
 * standalone fences; gcc's -Wtsan warns about C++'s for that reason).
 *
 * 1. Consumer sleep (prepare_sleep ↔ push):
 *      producer: publish   cell.seq = p + 1   (seq_cst)
 *                read      sleeping           (seq_cst)
 *      consumer: write     sleeping = 1       (seq_cst)
 *                read      cells[head].seq    (seq_cst)
 *    All four are in one total order S. If the consumer's read misses the
 *    publish, it comes before the publish in S, so the consumer's write
 *    does too, and the producer's read — after its publish — sees
 *    sleeping = 1 and wakes the consumer. Otherwise the consumer saw the
 *    item and does not sleep. The consumer checks only the head cell:
 *    items behind an unpublished head cannot be popped anyway, and the
 *    head's own producer has not published yet, so it will see the flag
 *    when it does. The producer that wakes clears the flag with an
 *    exchange: one eventfd write per announced sleep, however many
 *    producers race.
 *
 * 2. Producer back-pressure (push_wait ↔ pop):
 *      producer: space_waiters += 1   (seq_cst RMW)
 *                v = space_seq        (seq_cst), then retry the push
 *      consumer: recycle cells (release stores of seq)
 *                space_seq += 1       (seq_cst RMW, once per batch)
 *                read space_waiters   (seq_cst)
 *    If the producer's read of space_seq sees the bump, it synchronizes
 *    with it (the RMW releases the recycle stores) and its retry sees the
 *    free cells. Otherwise its read precedes the bump in S, so its
 *    increment of space_waiters does too, and the consumer's read after
 *    the bump sees a waiter and calls futex wake; the producer's
 *    futex_wait(space_seq, v) either sleeps and gets that wake or finds
 *    space_seq != v and returns at once.
 */
#define _GNU_SOURCE
#include "submit_ring.h"

#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "futex.h"

#define CLOSED (UINT64_C(1) << 63)
/* push_wait spins this long on a full ring before it sleeps: the consumer
 * usually frees a batch within a loop iteration, and a sleep/wake pair
 * costs ~25 µs of CPU on each side on this kind of VM. */
#define PUSH_SPIN_NS 20000

int ucql__sring_init(ucql__sring *q, uint32_t cap)
{
	if (cap < 2 || cap > (UINT32_C(1) << 30) || (cap & (cap - 1)))
		return UCQL_E_INVALID_ARG;
	memset(q, 0, sizeof *q);
	size_t bytes = (size_t)cap * sizeof(ucql__sring_cell);
	bytes = (bytes + UCQL__SRING_LINE - 1) & ~(size_t)(UCQL__SRING_LINE - 1);
	q->cells = aligned_alloc(UCQL__SRING_LINE, bytes);
	if (!q->cells)
		return UCQL_E_NOMEM;
	for (uint32_t i = 0; i < cap; i++) {
		atomic_init(&q->cells[i].seq, i);
		q->cells[i].item = NULL;
	}
	q->mask = cap - 1;
	q->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->efd < 0) {
		free(q->cells);
		q->cells = NULL;
		return UCQL_E_NOMEM;
	}
	atomic_init(&q->tail, 0);
	q->head = 0;
	atomic_init(&q->sleeping, 0);
	atomic_init(&q->wakeups, 0);
	atomic_init(&q->space_seq, 0);
	atomic_init(&q->space_waiters, 0);
	atomic_init(&q->space_wakes, 0);
	return 0;
}

void ucql__sring_destroy(ucql__sring *q)
{
	free(q->cells);
	q->cells = NULL;
	if (q->efd >= 0)
		close(q->efd);
	q->efd = -1;
}

int ucql__sring_eventfd(const ucql__sring *q)
{
	return q->efd;
}

/* Handshake 1, producer side: called after a seq_cst publish. */
static void wake_consumer(ucql__sring *q)
{
	if (atomic_load_explicit(&q->sleeping, memory_order_seq_cst) == 0)
		return;
	/* Several producers may have seen the flag: the exchange elects one. */
	if (atomic_exchange_explicit(&q->sleeping, 0, memory_order_acq_rel) == 0)
		return;
	uint64_t one = 1;
	/* Fails only if the counter would pass 2^64 - 2: never. */
	ssize_t w = write(q->efd, &one, sizeof one);
	(void)w;
	atomic_fetch_add_explicit(&q->wakeups, 1, memory_order_relaxed);
}

int ucql__sring_push(ucql__sring *q, void *item)
{
	uint64_t pos = atomic_load_explicit(&q->tail, memory_order_relaxed);
	ucql__sring_cell *c;
	for (;;) {
		if (pos & CLOSED)
			return UCQL_E_CLOSED;
		c = &q->cells[pos & q->mask];
		/* Acquire: the consumer's read of the cell's previous item is
		 * done before we overwrite it. */
		uint64_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
		int64_t dif = (int64_t)(seq - pos);
		if (dif == 0) {
			/* Relaxed: the claim orders nothing; the publish below
			 * does. Fails if another producer claimed pos or the
			 * ring was closed (bit 63 set). */
			if (atomic_compare_exchange_weak_explicit(&q->tail, &pos, pos + 1,
								  memory_order_relaxed,
								  memory_order_relaxed))
				break;
		} else if (dif < 0) {
			/* The cell still holds the item of pos - cap. */
			return UCQL_E_QUEUE_FULL;
		} else {
			/* Another producer claimed pos: catch up. */
			pos = atomic_load_explicit(&q->tail, memory_order_relaxed);
		}
	}
	c->item = item;
	/* Publish. seq_cst, not just release: handshake 1 (top of file). */
	atomic_store_explicit(&c->seq, pos + 1, memory_order_seq_cst);
	wake_consumer(q);
	return 0;
}

int ucql__sring_push_wait(ucql__sring *q, void *item, int64_t timeout_us)
{
	int r = ucql__sring_push(q, item);
	if (r != UCQL_E_QUEUE_FULL || timeout_us == 0)
		return r;
	int64_t now = ucql__mono_ns();
	int64_t deadline = timeout_us < 0 ? INT64_MAX
			   : timeout_us > (INT64_MAX - now) / 1000 ? INT64_MAX
								    : now + timeout_us * 1000;
	int64_t spin_end = deadline - now < PUSH_SPIN_NS ? deadline : now + PUSH_SPIN_NS;

	/* Spin: bounded in time (the clock is read every 32 tries). */
	for (uint32_t i = 1;; i++) {
		ucql__cpu_relax();
		r = ucql__sring_push(q, item);
		if (r != UCQL_E_QUEUE_FULL)
			return r;
		if ((i & 31) == 0 && ucql__mono_ns() >= spin_end)
			break;
	}

	/* Sleep: handshake 2 (top of file). A woken producer always retries
	 * the push before it looks at the clock, so a wake-up the consumer
	 * spent on it is never wasted on a timeout. */
	for (;;) {
		atomic_fetch_add_explicit(&q->space_waiters, 1, memory_order_seq_cst);
		uint32_t v = atomic_load_explicit(&q->space_seq, memory_order_seq_cst);
		r = ucql__sring_push(q, item);
		if (r != UCQL_E_QUEUE_FULL) {
			atomic_fetch_sub_explicit(&q->space_waiters, 1, memory_order_relaxed);
			return r;
		}
		int64_t left = -1;
		if (deadline != INT64_MAX) {
			left = deadline - ucql__mono_ns();
			if (left <= 0) {
				atomic_fetch_sub_explicit(&q->space_waiters, 1, memory_order_relaxed);
				return UCQL_E_QUEUE_FULL;
			}
		}
		/* 0, EAGAIN (space_seq moved), EINTR, ETIMEDOUT: all retry. */
		ucql__futex_wait(&q->space_seq, v, left);
		atomic_fetch_sub_explicit(&q->space_waiters, 1, memory_order_relaxed);
	}
}

uint32_t ucql__sring_pop(ucql__sring *q, void **out, uint32_t max)
{
	uint64_t h = q->head;
	uint32_t n = 0;
	while (n < max) {
		ucql__sring_cell *c = &q->cells[h & q->mask];
		/* Acquire: pairs with the producer's publish (item visible). */
		if (atomic_load_explicit(&c->seq, memory_order_acquire) != h + 1)
			break;
		out[n++] = c->item;
		/* Hand the cell to the producer of position h + cap. */
		atomic_store_explicit(&c->seq, h + q->mask + 1, memory_order_release);
		h++;
	}
	q->head = h;
	if (n) {
		/* Handshake 2, consumer side: one RMW per batch, a system call
		 * only when a producer announced it sleeps. n freed cells are
		 * worth waking n producers; one that then loses its cell to a
		 * faster producer finds the ring full again, so another batch
		 * (and wake) is coming. */
		atomic_fetch_add_explicit(&q->space_seq, 1, memory_order_seq_cst);
		if (atomic_load_explicit(&q->space_waiters, memory_order_seq_cst)) {
			ucql__futex_wake(&q->space_seq, n > INT32_MAX ? INT32_MAX : (int)n);
			atomic_fetch_add_explicit(&q->space_wakes, 1, memory_order_relaxed);
		}
	}
	return n;
}

int ucql__sring_drained(const ucql__sring *q)
{
	uint64_t t = atomic_load_explicit((_Atomic uint64_t *)&q->tail, memory_order_acquire);
	return (t & CLOSED) && q->head == (t & ~CLOSED);
}

int ucql__sring_prepare_sleep(ucql__sring *q)
{
	/* Handshake 1, consumer side: announce, then look (both seq_cst). */
	atomic_store_explicit(&q->sleeping, 1, memory_order_seq_cst);
	ucql__sring_cell *c = &q->cells[q->head & q->mask];
	if (atomic_load_explicit(&c->seq, memory_order_seq_cst) == q->head + 1)
		return 0;
	/* The same pairing with ucql__sring_close's RMW of tail: a close the
	 * consumer does not see here will see the flag and wake it. */
	return !(atomic_load_explicit(&q->tail, memory_order_seq_cst) & CLOSED);
}

void ucql__sring_cancel_sleep(ucql__sring *q)
{
	atomic_store_explicit(&q->sleeping, 0, memory_order_relaxed);
}

void ucql__sring_close(ucql__sring *q)
{
	/* After this RMW no producer's claim CAS can succeed (its expected
	 * tail lacks bit 63). */
	atomic_fetch_or_explicit(&q->tail, CLOSED, memory_order_seq_cst);
	/* Waiting producers: move the futex word and wake them all; each
	 * retries its push and gets UCQL_E_CLOSED. */
	atomic_fetch_add_explicit(&q->space_seq, 1, memory_order_seq_cst);
	if (atomic_load_explicit(&q->space_waiters, memory_order_seq_cst)) {
		ucql__futex_wake(&q->space_seq, INT_MAX);
		atomic_fetch_add_explicit(&q->space_wakes, 1, memory_order_relaxed);
	}
	/* A sleeping consumer must learn about the close. The RMW on tail
	 * above plays the role of the producer's publish in handshake 1. */
	wake_consumer(q);
}
