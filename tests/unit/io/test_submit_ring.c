/*
 * The shard's submission ring: FIFO and capacity, the consumer's
 * sleep/wake handshake through the eventfd, close, back-pressure
 * (push_wait), and several producers against one sleeping consumer.
 * Threads synchronize through the ring itself or by polling an observable
 * counter (bounded); nothing sleeps to wait for another thread.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "ucql/common.h"
#include "../../../lib/io/futex.h"
#include "../../../lib/io/submit_ring.h"

#define ITEM(n) ((void *)(uintptr_t)(n))

/* Reads the eventfd: its counter, or 0 if nothing was written. */
static uint64_t efd_take(ucql__sring *q)
{
	uint64_t v = 0;
	if (read(ucql__sring_eventfd(q), &v, sizeof v) != (ssize_t)sizeof v) {
		cr_assert_eq(errno, EAGAIN);
		return 0;
	}
	return v;
}

Test(submit_ring, init_rejects_bad_capacity)
{
	ucql__sring q;
	cr_assert_eq(ucql__sring_init(&q, 0), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql__sring_init(&q, 1), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql__sring_init(&q, 3), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql__sring_init(&q, 100), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql__sring_init(&q, (UINT32_C(1) << 30) * 2), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql__sring_init(&q, 2), 0);
	cr_assert_geq(ucql__sring_eventfd(&q), 0);
	ucql__sring_destroy(&q);
}

Test(submit_ring, fifo_full_and_wraparound)
{
	ucql__sring q;
	cr_assert_eq(ucql__sring_init(&q, 8), 0);
	void *out[16];
	uintptr_t next_in = 1, next_out = 1;
	/* Many laps with varying fill levels and batch sizes. */
	for (int round = 0; round < 200; round++) {
		int fill = 1 + round % 8;
		for (int i = 0; i < fill; i++)
			cr_assert_eq(ucql__sring_push(&q, ITEM(next_in++)), 0);
		if (fill == 8)
			cr_assert_eq(ucql__sring_push(&q, ITEM(999)), UCQL_E_QUEUE_FULL);
		uint32_t max = 1 + (uint32_t)round % 5;
		uint32_t n;
		while ((n = ucql__sring_pop(&q, out, max)) > 0) {
			cr_assert_leq(n, max);
			for (uint32_t i = 0; i < n; i++)
				cr_assert_eq((uintptr_t)out[i], next_out++);
		}
		cr_assert_eq(next_out, next_in);
	}
	cr_assert_eq(ucql__sring_pop(&q, out, 16), 0);
	/* Nobody announced a sleep: no wake-ups, the eventfd is untouched. */
	cr_assert_eq(ucql__sring_wakeups(&q), 0);
	cr_assert_eq(efd_take(&q), 0);
	ucql__sring_destroy(&q);
}

Test(submit_ring, full_ring_holds_exactly_cap)
{
	ucql__sring q;
	cr_assert_eq(ucql__sring_init(&q, 64), 0);
	for (int i = 0; i < 64; i++)
		cr_assert_eq(ucql__sring_push(&q, ITEM(i)), 0);
	cr_assert_eq(ucql__sring_push(&q, ITEM(64)), UCQL_E_QUEUE_FULL);
	cr_assert_eq(ucql__sring_push_wait(&q, ITEM(64), 0), UCQL_E_QUEUE_FULL);
	void *out[1];
	cr_assert_eq(ucql__sring_pop(&q, out, 1), 1);
	cr_assert_eq(out[0], ITEM(0));
	cr_assert_eq(ucql__sring_push(&q, ITEM(64)), 0);
	cr_assert_eq(ucql__sring_push(&q, ITEM(65)), UCQL_E_QUEUE_FULL);
	ucql__sring_destroy(&q);
}

Test(submit_ring, sleep_announced_then_one_wakeup)
{
	ucql__sring q;
	cr_assert_eq(ucql__sring_init(&q, 16), 0);
	cr_assert_eq(ucql__sring_prepare_sleep(&q), 1);
	cr_assert_eq(ucql__sring_push(&q, ITEM(1)), 0);
	cr_assert_eq(ucql__sring_wakeups(&q), 1);
	/* The first push cleared the flag: no second write. */
	cr_assert_eq(ucql__sring_push(&q, ITEM(2)), 0);
	cr_assert_eq(ucql__sring_push(&q, ITEM(3)), 0);
	cr_assert_eq(ucql__sring_wakeups(&q), 1);
	cr_assert_eq(efd_take(&q), 1);
	ucql__sring_cancel_sleep(&q);
	void *out[4];
	cr_assert_eq(ucql__sring_pop(&q, out, 4), 3);
	/* Awake consumer: pushes write nothing. */
	cr_assert_eq(ucql__sring_push(&q, ITEM(4)), 0);
	cr_assert_eq(ucql__sring_wakeups(&q), 1);
	cr_assert_eq(efd_take(&q), 0);
	ucql__sring_destroy(&q);
}

Test(submit_ring, prepare_sleep_sees_pending_items)
{
	ucql__sring q;
	cr_assert_eq(ucql__sring_init(&q, 16), 0);
	cr_assert_eq(ucql__sring_push(&q, ITEM(1)), 0);
	cr_assert_eq(ucql__sring_prepare_sleep(&q), 0);
	ucql__sring_cancel_sleep(&q);
	cr_assert_eq(ucql__sring_push(&q, ITEM(2)), 0);
	cr_assert_eq(ucql__sring_wakeups(&q), 0);
	void *out[4];
	cr_assert_eq(ucql__sring_pop(&q, out, 4), 2);
	cr_assert_eq(ucql__sring_prepare_sleep(&q), 1);
	ucql__sring_cancel_sleep(&q);
	cr_assert_eq(ucql__sring_push(&q, ITEM(3)), 0);
	cr_assert_eq(ucql__sring_wakeups(&q), 0);
	ucql__sring_destroy(&q);
}

Test(submit_ring, close_rejects_wakes_and_drains)
{
	ucql__sring q;
	cr_assert_eq(ucql__sring_init(&q, 8), 0);
	cr_assert_eq(ucql__sring_push(&q, ITEM(1)), 0);
	cr_assert_eq(ucql__sring_push(&q, ITEM(2)), 0);
	cr_assert_eq(ucql__sring_drained(&q), 0);
	void *out[4];
	cr_assert_eq(ucql__sring_pop(&q, out, 1), 1);
	ucql__sring_close(&q);
	cr_assert_eq(ucql__sring_push(&q, ITEM(3)), UCQL_E_CLOSED);
	cr_assert_eq(ucql__sring_push_wait(&q, ITEM(3), -1), UCQL_E_CLOSED);
	cr_assert_eq(ucql__sring_drained(&q), 0);
	cr_assert_eq(ucql__sring_pop(&q, out, 4), 1);
	cr_assert_eq(out[0], ITEM(2));
	cr_assert_eq(ucql__sring_drained(&q), 1);
	/* Closed: the consumer must not go to sleep. */
	cr_assert_eq(ucql__sring_prepare_sleep(&q), 0);
	ucql__sring_cancel_sleep(&q);
	ucql__sring_close(&q); /* idempotent */
	cr_assert_eq(ucql__sring_drained(&q), 1);
	ucql__sring_destroy(&q);
}

Test(submit_ring, close_wakes_a_sleeping_consumer)
{
	ucql__sring q;
	cr_assert_eq(ucql__sring_init(&q, 8), 0);
	cr_assert_eq(ucql__sring_prepare_sleep(&q), 1);
	ucql__sring_close(&q);
	cr_assert_eq(ucql__sring_wakeups(&q), 1);
	cr_assert_eq(efd_take(&q), 1);
	cr_assert_eq(ucql__sring_drained(&q), 1);
	ucql__sring_destroy(&q);
}

Test(submit_ring, push_wait_times_out_on_a_full_ring)
{
	ucql__sring q;
	cr_assert_eq(ucql__sring_init(&q, 2), 0);
	cr_assert_eq(ucql__sring_push(&q, ITEM(1)), 0);
	cr_assert_eq(ucql__sring_push(&q, ITEM(2)), 0);
	/* 2 ms: past the spin phase, into the futex sleep. */
	cr_assert_eq(ucql__sring_push_wait(&q, ITEM(3), 2000), UCQL_E_QUEUE_FULL);
	cr_assert_eq(atomic_load(&q.space_waiters), 0);
	void *out[4];
	cr_assert_eq(ucql__sring_pop(&q, out, 4), 2);
	cr_assert_eq(ucql__sring_push_wait(&q, ITEM(3), 2000), 0);
	ucql__sring_destroy(&q);
}

/* ---- threads ---------------------------------------------------------- */

struct waiter {
	ucql__sring *q;
	void *item;
	int64_t timeout_us;
	int rc;
};

static void *push_wait_thread(void *arg)
{
	struct waiter *w = arg;
	w->rc = ucql__sring_push_wait(w->q, w->item, w->timeout_us);
	return NULL;
}

/* Polls until the producer has announced that it sleeps (bounded: 10 s). */
static void await_waiter(ucql__sring *q)
{
	int64_t end = ucql__mono_ns() + 10 * INT64_C(1000000000);
	while (atomic_load(&q->space_waiters) == 0) {
		cr_assert_lt(ucql__mono_ns(), end, "producer never waited");
		ucql__cpu_relax();
	}
}

Test(submit_ring, push_wait_sleeps_until_the_consumer_frees_a_cell)
{
	ucql__sring q;
	cr_assert_eq(ucql__sring_init(&q, 2), 0);
	cr_assert_eq(ucql__sring_push(&q, ITEM(1)), 0);
	cr_assert_eq(ucql__sring_push(&q, ITEM(2)), 0);
	struct waiter w = { &q, ITEM(3), -1, 99 };
	pthread_t t;
	cr_assert_eq(pthread_create(&t, NULL, push_wait_thread, &w), 0);
	await_waiter(&q);
	void *out[1];
	cr_assert_eq(ucql__sring_pop(&q, out, 1), 1);
	cr_assert_eq(out[0], ITEM(1));
	pthread_join(t, NULL);
	cr_assert_eq(w.rc, 0);
	/* The consumer saw the announced waiter and made a futex wake. */
	cr_assert_geq(ucql__sring_space_wakes(&q), 1);
	void *rest[4];
	cr_assert_eq(ucql__sring_pop(&q, rest, 4), 2);
	cr_assert_eq(rest[0], ITEM(2));
	cr_assert_eq(rest[1], ITEM(3));
	ucql__sring_destroy(&q);
}

Test(submit_ring, push_wait_returns_closed_when_closed_meanwhile)
{
	ucql__sring q;
	cr_assert_eq(ucql__sring_init(&q, 2), 0);
	cr_assert_eq(ucql__sring_push(&q, ITEM(1)), 0);
	cr_assert_eq(ucql__sring_push(&q, ITEM(2)), 0);
	struct waiter w = { &q, ITEM(3), -1, 99 };
	pthread_t t;
	cr_assert_eq(pthread_create(&t, NULL, push_wait_thread, &w), 0);
	await_waiter(&q);
	ucql__sring_close(&q);
	pthread_join(t, NULL);
	cr_assert_eq(w.rc, UCQL_E_CLOSED);
	void *out[4];
	cr_assert_eq(ucql__sring_pop(&q, out, 4), 2);
	cr_assert_eq(ucql__sring_drained(&q), 1);
	ucql__sring_destroy(&q);
}

#define PRODUCERS 4
#define PER_PRODUCER 50000

struct producer {
	ucql__sring *q;
	uintptr_t id;
	int use_wait;
	uint64_t full;
	int errors; /* asserted on the main thread */
};

static void *producer_thread(void *arg)
{
	struct producer *p = arg;
	for (uintptr_t i = 0; i < PER_PRODUCER; i++) {
		void *it = ITEM((p->id << 32) | i);
		if (p->use_wait) {
			if (ucql__sring_push_wait(p->q, it, -1) != 0)
				p->errors++;
			continue;
		}
		while (ucql__sring_push(p->q, it) == UCQL_E_QUEUE_FULL) {
			p->full++;
			ucql__cpu_relax();
		}
	}
	return NULL;
}

/* Several producers, one consumer that sleeps on the eventfd whenever the
 * ring is empty: every item arrives once, each producer's in order, and
 * the run ends (a lost wake-up would hang in poll: 30 s guard). */
static void run_producers(uint32_t cap, int use_wait)
{
	ucql__sring q;
	cr_assert_eq(ucql__sring_init(&q, cap), 0);
	struct producer p[PRODUCERS];
	pthread_t t[PRODUCERS];
	for (int i = 0; i < PRODUCERS; i++) {
		p[i] = (struct producer){ &q, (uintptr_t)i, use_wait, 0, 0 };
		cr_assert_eq(pthread_create(&t[i], NULL, producer_thread, &p[i]), 0);
	}
	uint64_t next[PRODUCERS] = { 0 };
	uint64_t got = 0, announces = 0;
	void *out[32];
	while (got < (uint64_t)PRODUCERS * PER_PRODUCER) {
		uint32_t n = ucql__sring_pop(&q, out, 32);
		for (uint32_t i = 0; i < n; i++) {
			uintptr_t v = (uintptr_t)out[i];
			uintptr_t id = v >> 32, seq = v & 0xffffffffu;
			cr_assert_lt(id, PRODUCERS);
			cr_assert_eq(seq, next[id], "producer %lu: got %lu, expected %lu",
				     (unsigned long)id, (unsigned long)seq, (unsigned long)next[id]);
			next[id]++;
		}
		got += n;
		if (n)
			continue;
		announces++;
		if (!ucql__sring_prepare_sleep(&q)) {
			ucql__sring_cancel_sleep(&q);
			continue;
		}
		struct pollfd pfd = { ucql__sring_eventfd(&q), POLLIN, 0 };
		int r = poll(&pfd, 1, 30000);
		cr_assert_eq(r, 1, "lost wake-up: consumer slept 30 s with %lu of %lu items",
			     (unsigned long)got, (unsigned long)PRODUCERS * PER_PRODUCER);
		efd_take(&q);
		ucql__sring_cancel_sleep(&q);
	}
	for (int i = 0; i < PRODUCERS; i++) {
		pthread_join(t[i], NULL);
		cr_assert_eq(p[i].errors, 0);
	}
	cr_assert_eq(ucql__sring_pop(&q, out, 32), 0);
	/* One eventfd write per announced sleep at most. */
	cr_assert_leq(ucql__sring_wakeups(&q), announces);
	ucql__sring_destroy(&q);
}

Test(submit_ring, producers_against_a_sleeping_consumer, .timeout = 120)
{
	run_producers(1024, 0);
}

Test(submit_ring, producers_with_push_wait_on_a_tiny_ring, .timeout = 120)
{
	run_producers(4, 1);
}
