/*
 * submit_ring.h — a shard's submission ring: a bounded multi-producer,
 * single-consumer queue of `void *` items (application threads push
 * requests, the shard pops them in batches), with the shard's
 * sleep/wake-up handshake and the producers' back-pressure wait.
 *
 * Algorithm: Dmitry Vyukov's bounded MPMC queue, consumer side reduced to
 * one thread. Each cell carries a sequence number: cell i is free for the
 * producer of position p (p % cap == i) when seq == p, holds that item
 * when seq == p + 1, and is handed back for position p + cap when the
 * consumer stores seq = p + cap. Producers claim a position with one CAS
 * on `tail`; the item is then written and published with a release store
 * of the cell's seq, which the consumer reads with acquire. No producer
 * ever waits for another except through a full ring, and an item becomes
 * visible as soon as its own cell is published (a slow producer delays
 * only the items behind it, never loses them).
 *
 * Sleep/wake-up (consumer = shard, which sleeps in io_uring with a read
 * armed on the ring's eventfd): the shard announces `sleeping`, re-checks
 * the ring, and sleeps only if it is still empty; a producer, after
 * publishing, reads `sleeping` and, if set, clears it (exchange: exactly
 * one producer wins) and writes the eventfd. A cross-CPU wake-up costs
 * ~25 µs on each side here, so producers never write the eventfd of a
 * shard that did not say it sleeps. Why no wake-up is lost: see
 * submit_ring.c (the Dekker pairing of the publish and the announcement).
 *
 * Back-pressure: ucql__sring_push fails at once on a full ring;
 * ucql__sring_push_wait spins briefly, then sleeps on a futex the
 * consumer bumps after each batch it pops — the consumer makes the futex
 * wake system call only when a producer announced that it sleeps.
 *
 * Close: after ucql__sring_close returns, every push fails with
 * UCQL_E_CLOSED. Items whose push had already claimed a position still
 * arrive; the consumer pops until ucql__sring_drained says the ring is
 * closed and empty for good.
 *
 * Memory: the struct is normally embedded in a shard; its hot fields sit
 * on separate cache lines whatever its alignment (padding, below).
 */
#ifndef UCQL_IO_SUBMIT_RING_H
#define UCQL_IO_SUBMIT_RING_H

#include <stdatomic.h>
#include <stdint.h>

#include "ucql/common.h"

#define UCQL__SRING_LINE 64

typedef struct ucql__sring_cell {
	_Atomic uint64_t seq;
	void *item; /* written before seq's release store, read after its acquire load */
} ucql__sring_cell;

/* Fields written by different threads are kept at least a cache line apart
 * by explicit padding rather than _Alignas, so that the ring may sit in a
 * plainly malloc'd struct (an over-aligned type there would be undefined
 * behaviour, and UBSan's alignment check would say so). */
typedef struct ucql__sring {
	/* Read-only after init. */
	ucql__sring_cell *cells;
	uint64_t mask;
	int efd;
	char pad0_[UCQL__SRING_LINE];

	/* Producers: next position to claim; bit 63 = closed. */
	_Atomic uint64_t tail;
	char pad1_[UCQL__SRING_LINE];

	/* Consumer only: next position to pop. */
	uint64_t head;
	char pad2_[UCQL__SRING_LINE];

	/* Written by the consumer only around sleeps, read by every push: away
	 * from `head`, whose updates would otherwise invalidate it in the
	 * producers' caches. */
	_Atomic uint32_t sleeping;
	_Atomic uint64_t wakeups;       /* eventfd writes made (tests, metrics) */
	char pad3_[UCQL__SRING_LINE];

	/* Back-pressure: the consumer bumps space_seq after every non-empty
	 * batch (the futex word); producers that are about to sleep count
	 * themselves in space_waiters. */
	_Atomic uint32_t space_seq;
	_Atomic uint32_t space_waiters;
	_Atomic uint64_t space_wakes;   /* futex wakes made (tests, metrics) */
	char pad4_[UCQL__SRING_LINE];
} ucql__sring;

/* Initializes q with cap cells (a power of two, 2 .. 2^30) and its eventfd
 * (non-blocking, close-on-exec). 0, UCQL_E_INVALID_ARG (bad cap) or
 * UCQL_E_NOMEM (allocation or eventfd failed). Not thread-safe: before any
 * other call. */
int ucql__sring_init(ucql__sring *q, uint32_t cap);
/* Frees the cells and closes the eventfd. Items still inside are not
 * touched (pop them first). No other thread may use q any more. */
void ucql__sring_destroy(ucql__sring *q);

/* Any thread. Appends item (not NULL-checked; any pointer). Never blocks:
 * 0, UCQL_E_QUEUE_FULL, or UCQL_E_CLOSED. Wakes the consumer (one eventfd
 * write) if it announced that it sleeps. */
int ucql__sring_push(ucql__sring *q, void *item);
/* Any thread except the consumer (it would wait for itself). Like push,
 * but while the ring is full: spins a few microseconds, then sleeps until
 * the consumer frees cells. timeout_us < 0 waits forever; 0 tries once.
 * 0, UCQL_E_QUEUE_FULL when the timeout passed, or UCQL_E_CLOSED (also
 * when the ring is closed during the wait). */
int ucql__sring_push_wait(ucql__sring *q, void *item, int64_t timeout_us);

/* Consumer only. Moves up to max items, in claim order, into out. Returns
 * how many (0: nothing published yet at the head). */
uint32_t ucql__sring_pop(ucql__sring *q, void **out, uint32_t max);
/* Consumer only: 1 if the ring is closed and every item pushed before the
 * close has been popped (nothing can arrive any more), else 0. */
int ucql__sring_drained(const ucql__sring *q);

/* The eventfd producers write to wake the consumer (owned by q). The
 * consumer keeps a read armed on it (or polls it) while it sleeps and
 * reads it empty after waking. */
int ucql__sring_eventfd(const ucql__sring *q);
/* Consumer only, before sleeping: announces the sleep and re-checks the
 * ring. 1: empty — it may sleep, a later push will write the eventfd.
 * 0: items arrived, or the ring was closed — do not sleep; call
 * ucql__sring_cancel_sleep and pop (or drain, when closed). */
int ucql__sring_prepare_sleep(ucql__sring *q);
/* Consumer only: withdraws the announcement (after prepare_sleep returned
 * 0, and after waking up — then it is usually already cleared). */
void ucql__sring_cancel_sleep(ucql__sring *q);

/* Any thread. Later pushes fail with UCQL_E_CLOSED; producers waiting in
 * push_wait return UCQL_E_CLOSED; a sleeping consumer is woken. Idempotent. */
void ucql__sring_close(ucql__sring *q);

/* Counters (any thread, relaxed): eventfd writes made to wake the
 * consumer, and futex wake calls made for waiting producers. */
static inline uint64_t ucql__sring_wakeups(const ucql__sring *q)
{
	return atomic_load_explicit(&q->wakeups, memory_order_relaxed);
}
static inline uint64_t ucql__sring_space_wakes(const ucql__sring *q)
{
	return atomic_load_explicit(&q->space_wakes, memory_order_relaxed);
}

#endif
