/*
 * Stress of the lock-free index stack and pool (lib/io/lfstack.h) for
 * ThreadSanitizer builds (suite 'tsan'), also run in the normal and ASan
 * builds (suite 'unit').
 *
 * ABA needs a pop to stall between reading the head and its CAS while
 * other threads pop that node and the one below it and push the first
 * back. Few objects, more threads than CPUs, and patterns that push the
 * object popped first back first make that interleaving frequent. Each
 * object's payload is a plain (non-atomic) field written by its holder:
 * two threads holding one object at once is a data race TSan reports,
 * and an ownership word checks it without TSan too. The ownership word is
 * accessed relaxed, so that only the stack's own release/acquire orders
 * one holder's payload writes before the next holder's: weaken either
 * and TSan reports the payload.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ucql/common.h"
#include "../../lib/io/lfstack.h"
#include "check.h"

#define THREADS 8
#define MAX_HELD 3

#define XCHG(p, v) atomic_exchange_explicit((p), (v), memory_order_relaxed)

struct obj {
	_Atomic int owner; /* 0 free, else holder id + 1; relaxed */
	uint64_t payload;  /* plain: the holder's only */
	char pad[48];
};

struct ctx {
	ucql__lfpool *pool;
	ucql__lfstack *stack; /* raw mode: indices into objs */
	struct obj *objs;
	int id;
	uint32_t rounds;
	int errors;
	uint64_t empty;
};

static uint32_t rounds(void)
{
	const char *e = getenv("TSAN_LFSTACK_ROUNDS");
	return e ? (uint32_t)strtoul(e, NULL, 10) : 100000;
}

static struct obj *take(struct ctx *c)
{
	if (c->pool)
		return ucql__lfpool_get(c->pool);
	uint32_t i = ucql__lfstack_pop(c->stack);
	return i == UCQL__LFSTACK_NONE ? NULL : &c->objs[i];
}

static void give(struct ctx *c, struct obj *o)
{
	if (c->pool)
		ucql__lfpool_put(c->pool, o);
	else
		ucql__lfstack_push(c->stack, (uint32_t)(o - c->objs));
}

static void *churn(void *arg)
{
	struct ctx *c = arg;
	uint64_t rnd = 0x9e3779b97f4a7c15u * (uint64_t)(c->id + 1);
	for (uint32_t r = 0; r < c->rounds; r++) {
		rnd ^= rnd << 13;
		rnd ^= rnd >> 7;
		rnd ^= rnd << 17;
		int want = 1 + (int)(rnd % MAX_HELD);
		struct obj *held[MAX_HELD];
		int n = 0;
		for (int k = 0; k < want; k++) {
			struct obj *o = take(c);
			if (!o) {
				c->empty++;
				continue;
			}
			if (XCHG(&o->owner, c->id + 1) != 0)
				c->errors++;
			o->payload = ((uint64_t)c->id << 32) | r;
			held[n++] = o;
		}
		/* Pattern by round: LIFO, FIFO (the first popped goes back
		 * first: its old top returns while a stale pop waits), or
		 * give one back and take it again at once. */
		int pat = (int)((rnd >> 8) % 3);
		for (int k = 0; k < n; k++) {
			struct obj *o = held[pat == 1 ? k : n - 1 - k];
			if (o->payload != (((uint64_t)c->id << 32) | r))
				c->errors++;
			if (XCHG(&o->owner, 0) != c->id + 1)
				c->errors++;
			give(c, o);
			if (pat == 2 && k == 0) {
				struct obj *again = take(c);
				if (again) {
					if (XCHG(&again->owner, c->id + 1) != 0)
						c->errors++;
					again->payload = 1;
					atomic_store_explicit(&again->owner, 0, memory_order_relaxed);
					give(c, again);
				}
			}
		}
		if ((r & 1023) == 0)
			sched_yield(); /* shuffle who stalls where */
	}
	return NULL;
}

static void run(int use_pool, uint32_t nobjs)
{
	struct obj *objs = aligned_alloc(64, sizeof(struct obj) * nobjs);
	memset(objs, 0, sizeof(struct obj) * nobjs);
	ucql__lfpool pool;
	ucql__lfstack stack;
	if (use_pool) {
		CHECK(ucql__lfpool_init(&pool, objs, sizeof *objs, nobjs) == 0, "pool init");
	} else {
		CHECK(ucql__lfstack_init(&stack, nobjs) == 0, "stack init");
		for (uint32_t i = 0; i < nobjs; i++)
			ucql__lfstack_push(&stack, i);
	}
	struct ctx c[THREADS];
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++) {
		c[i] = (struct ctx){ use_pool ? &pool : NULL, use_pool ? NULL : &stack, objs, i,
				     rounds(), 0, 0 };
		pthread_create(&t[i], NULL, churn, &c[i]);
	}
	uint64_t empty = 0;
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		CHECK(c[i].errors == 0, "thread %d: %d ownership violations", i, c[i].errors);
		empty += c[i].empty;
	}
	/* Every object back exactly once. */
	int *seen = calloc(nobjs, sizeof *seen);
	struct ctx probe = { use_pool ? &pool : NULL, use_pool ? NULL : &stack, objs, 0, 0, 0, 0 };
	struct obj *o;
	uint32_t count = 0;
	while ((o = take(&probe)) != NULL) {
		uint32_t i = (uint32_t)(o - objs);
		CHECK(i < nobjs, "index %u out of range", i);
		if (i < nobjs)
			seen[i]++;
		if (++count > nobjs)
			break;
	}
	CHECK(count == nobjs, "%u objects back of %u", count, nobjs);
	for (uint32_t i = 0; i < nobjs; i++)
		CHECK(seen[i] == 1, "object %u seen %d times", i, seen[i]);
	printf("     %d threads x %u rounds on %u objects, %lu empty pops\n", THREADS, rounds(),
	       nobjs, (unsigned long)empty);
	free(seen);
	if (use_pool)
		ucql__lfpool_destroy(&pool);
	else
		ucql__lfstack_destroy(&stack);
	free(objs);
}

static void pool_3_objects(void) { run(1, 3); }
static void pool_16_objects(void) { run(1, 16); }
static void stack_5_objects(void) { run(0, 5); }

int main(void)
{
	check_init(600);
	check_run("pool of 3 objects, 8 threads", pool_3_objects);
	check_run("pool of 16 objects, 8 threads", pool_16_objects);
	check_run("index stack of 5, 8 threads", stack_5_objects);
	return check_done();
}
