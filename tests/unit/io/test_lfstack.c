/*
 * The lock-free index stack and object pool: LIFO order, exhaustion, the
 * ABA tag (a deterministic replay of the interleaving that defeats an
 * untagged Treiber stack), and many threads taking and returning objects
 * with an ownership check on each.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ucql/common.h"
#include "../../../lib/io/lfstack.h"

Test(lfstack, init_rejects_bad_capacity)
{
	ucql__lfstack s;
	cr_assert_eq(ucql__lfstack_init(&s, 0), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql__lfstack_init(&s, UINT32_MAX), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql__lfstack_init(&s, 4), 0);
	cr_assert(ucql__lfstack_empty(&s));
	cr_assert_eq(ucql__lfstack_pop(&s), UCQL__LFSTACK_NONE);
	ucql__lfstack_destroy(&s);
}

Test(lfstack, lifo)
{
	ucql__lfstack s;
	cr_assert_eq(ucql__lfstack_init(&s, 8), 0);
	ucql__lfstack_push(&s, 3);
	ucql__lfstack_push(&s, 0);
	ucql__lfstack_push(&s, 7);
	cr_assert_eq(ucql__lfstack_pop(&s), 7);
	ucql__lfstack_push(&s, 5);
	cr_assert_eq(ucql__lfstack_pop(&s), 5);
	cr_assert_eq(ucql__lfstack_pop(&s), 0);
	cr_assert_eq(ucql__lfstack_pop(&s), 3);
	cr_assert_eq(ucql__lfstack_pop(&s), UCQL__LFSTACK_NONE);
	cr_assert(ucql__lfstack_empty(&s));
	ucql__lfstack_destroy(&s);
}

Test(lfstack, static_initializer)
{
	static _Atomic uint32_t links[16];
	static ucql__lfstack s = UCQL__LFSTACK_INIT(links, 16);
	cr_assert_eq(ucql__lfstack_pop(&s), UCQL__LFSTACK_NONE);
	ucql__lfstack_push(&s, 15);
	ucql__lfstack_push(&s, 0);
	cr_assert_eq(ucql__lfstack_pop(&s), 0);
	cr_assert_eq(ucql__lfstack_pop(&s), 15);
	ucql__lfstack_destroy(&s); /* does not free the caller's links */
}

/* The ABA interleaving, replayed by hand: thread 1 reads head (A on top,
 * B below) and A's link, then stalls; thread 2 pops A, pops B, pushes A
 * back. An untagged head would again read "A", thread 1's CAS would
 * succeed and install B — which thread 2 owns. Here the tag moved. */
Test(lfstack, aba_tag_defeats_the_stale_cas)
{
	ucql__lfstack s;
	cr_assert_eq(ucql__lfstack_init(&s, 4), 0);
	ucql__lfstack_push(&s, 1); /* B */
	ucql__lfstack_push(&s, 0); /* A */
	uint64_t stale = atomic_load(&s.head);
	uint32_t stale_next = atomic_load(&s.next[(uint32_t)stale - 1]);
	cr_assert_eq((uint32_t)stale, 0 + 1);
	cr_assert_eq(stale_next, 1 + 1);

	cr_assert_eq(ucql__lfstack_pop(&s), 0);
	cr_assert_eq(ucql__lfstack_pop(&s), 1); /* B now owned by "thread 2" */
	ucql__lfstack_push(&s, 0);

	uint64_t now = atomic_load(&s.head);
	cr_assert_eq((uint32_t)now, (uint32_t)stale, "same top index");
	cr_assert_neq(now, stale, "but a different tag");
	uint64_t neu = ((stale & 0xffffffff00000000u) + (UINT64_C(1) << 32)) | stale_next;
	uint64_t expected = stale;
	cr_assert_not(atomic_compare_exchange_strong(&s.head, &expected, neu),
		      "the stale CAS must fail");
	/* The stack is intact: A, then empty (B is still owned). */
	cr_assert_eq(ucql__lfstack_pop(&s), 0);
	cr_assert_eq(ucql__lfstack_pop(&s), UCQL__LFSTACK_NONE);
	ucql__lfstack_destroy(&s);
}

Test(lfstack, tag_wraps_without_harm)
{
	ucql__lfstack s;
	cr_assert_eq(ucql__lfstack_init(&s, 2), 0);
	atomic_store(&s.head, UINT64_C(0xfffffffe) << 32); /* tag about to wrap, empty */
	ucql__lfstack_push(&s, 1);
	ucql__lfstack_push(&s, 0);
	cr_assert_eq(atomic_load(&s.head) >> 32, 0, "tag wrapped to 0");
	cr_assert_eq(ucql__lfstack_pop(&s), 0);
	cr_assert_eq(ucql__lfstack_pop(&s), 1);
	cr_assert_eq(ucql__lfstack_pop(&s), UCQL__LFSTACK_NONE);
	ucql__lfstack_destroy(&s);
}

struct obj {
	_Atomic int owned;
	uint64_t payload; /* plain: written by the owner only */
	char pad[48];
};

Test(lfpool, get_all_then_put_back)
{
	struct obj objs[5];
	memset(objs, 0, sizeof objs);
	ucql__lfpool p;
	cr_assert_eq(ucql__lfpool_init(&p, NULL, sizeof objs[0], 5), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql__lfpool_init(&p, objs, 0, 5), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql__lfpool_init(&p, objs, sizeof objs[0], 0), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql__lfpool_init(&p, objs, sizeof objs[0], 5), 0);
	struct obj *got[5];
	for (int i = 0; i < 5; i++) {
		got[i] = ucql__lfpool_get(&p);
		cr_assert_eq(got[i], &objs[i], "handed out in array order");
		cr_assert_eq(ucql__lfpool_index(&p, got[i]), (uint32_t)i);
	}
	cr_assert_null(ucql__lfpool_get(&p));
	ucql__lfpool_put(&p, got[2]);
	ucql__lfpool_put(&p, got[4]);
	cr_assert_eq(ucql__lfpool_get(&p), &objs[4]);
	cr_assert_eq(ucql__lfpool_get(&p), &objs[2]);
	cr_assert_null(ucql__lfpool_get(&p));
	ucql__lfpool_destroy(&p);
}

#define THREADS 4
#define OBJS 6 /* fewer than THREADS * 2: constant contention and reuse */
#define ROUNDS 100000

struct ctx {
	ucql__lfpool *p;
	int id;
	int errors;
	uint64_t empties;
};

/* Takes up to two objects, checks nobody else holds them, writes them,
 * gives them back in either order: the patterns that make a stale CAS
 * meet its old top again. */
static void *churn(void *arg)
{
	struct ctx *c = arg;
	for (int r = 0; r < ROUNDS; r++) {
		struct obj *a = ucql__lfpool_get(c->p);
		struct obj *b = ucql__lfpool_get(c->p);
		struct obj *mine[2] = { a, b };
		for (int k = 0; k < 2; k++) {
			if (!mine[k]) {
				c->empties++;
				continue;
			}
			if (atomic_exchange(&mine[k]->owned, 1) != 0)
				c->errors++;
			mine[k]->payload = ((uint64_t)c->id << 32) | (uint32_t)r;
		}
		for (int k = 0; k < 2; k++) {
			int j = (r & 1) ? k : 1 - k;
			if (!mine[j])
				continue;
			if (mine[j]->payload != (((uint64_t)c->id << 32) | (uint32_t)r))
				c->errors++;
			atomic_store(&mine[j]->owned, 0);
			ucql__lfpool_put(c->p, mine[j]);
		}
	}
	return NULL;
}

Test(lfpool, threads_never_share_an_object, .timeout = 120)
{
	static struct obj objs[OBJS];
	memset(objs, 0, sizeof objs);
	ucql__lfpool p;
	cr_assert_eq(ucql__lfpool_init(&p, objs, sizeof objs[0], OBJS), 0);
	pthread_t t[THREADS];
	struct ctx c[THREADS];
	for (int i = 0; i < THREADS; i++) {
		c[i] = (struct ctx){ &p, i, 0, 0 };
		cr_assert_eq(pthread_create(&t[i], NULL, churn, &c[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		cr_assert_eq(c[i].errors, 0, "thread %d saw a shared object", i);
	}
	/* Every object is back exactly once. */
	int seen[OBJS] = { 0 };
	for (int i = 0; i < OBJS; i++) {
		struct obj *o = ucql__lfpool_get(&p);
		cr_assert_not_null(o);
		seen[ucql__lfpool_index(&p, o)]++;
	}
	cr_assert_null(ucql__lfpool_get(&p));
	for (int i = 0; i < OBJS; i++)
		cr_assert_eq(seen[i], 1);
	ucql__lfpool_destroy(&p);
}
