/*
 * lfstack.h — a lock-free LIFO free list of small integer indices
 * (Treiber stack), safe for any number of threads pushing and popping
 * (MPMC), and a pool of fixed objects built on it.
 *
 * Use: per-shard pools of request slots (allocated — popped — on
 * application threads, freed — pushed — on the shard), the global pool of
 * futures. The objects live in arrays that outlive the stack; the stack
 * only moves their indices.
 *
 * ABA. The head is one 64-bit word: the top index + 1 in the low half
 * (0 = empty) and a 32-bit tag in the high half, incremented by every
 * successful CAS (push or pop). A pop reads head H = (t, A), reads A's
 * link B, then CASes H → (t+1, B). Between its read and its CAS another
 * thread may pop A, pop B and push A back — the classic ABA that would
 * make the CAS install B, a node now in use. Here each of those operations
 * changed the tag, so the CAS fails and the pop retries. The CAS could be
 * fooled only if exactly 2^32 operations completed while one pop was
 * stalled between two of its instructions. A plain 64-bit CAS: no 128-bit
 * CAS (which gcc lowers to a libatomic call, not guaranteed lock-free).
 *
 * Links. next[i] (index + 1 of the node below i) lives in the stack's own
 * array, not inside the objects: a stale pop may read the link of a node
 * another thread has already popped and is using; that read touches only
 * the stack's atomic array (relaxed; its value is thrown away when the
 * tag makes the CAS fail), never the user's object — no data race, nothing
 * for TSan to report.
 *
 * Ordering. push's CAS is a release, pop's an acquire: whatever a thread
 * wrote into an object before pushing its index is visible to the thread
 * that pops it. Every change of `head` is a read-modify-write, so the
 * release sequence of a push reaches any later pop, whichever CASes came
 * between (C11 5.1.2.4: RMWs continue a release sequence).
 *
 * Not checked: pushing an index twice without popping it in between (a
 * double free) corrupts the stack, as it would a malloc free list.
 */
#ifndef UCQL_IO_LFSTACK_H
#define UCQL_IO_LFSTACK_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* pop's "empty" */
#define UCQL__LFSTACK_NONE UINT32_MAX

/* The head, the only contended word, is padded to a cache line of its
 * own (padding, not _Alignas: the stack may sit in a malloc'd struct), so
 * its CASes do not evict the read-only fields every operation reads. */
typedef struct ucql__lfstack {
	char pad0_[64];
	_Atomic uint64_t head;         /* (tag << 32) | (top index + 1) */
	char pad1_[64];
	_Atomic uint32_t *next;        /* cap links, index + 1 or 0 */
	uint32_t cap;                  /* indices 0 .. cap - 1 */
	int owns_next;                 /* next was allocated by init */
} ucql__lfstack;

/* A static initializer over a caller-provided link array (zeroed static
 * storage): ucql__lfstack s = UCQL__LFSTACK_INIT(links, n). The stack
 * starts empty. */
#define UCQL__LFSTACK_INIT(links, n) { .head = 0, .next = (links), .cap = (n), .owns_next = 0 }

/* Initializes an empty stack for indices 0 .. cap - 1 (cap at most
 * UINT32_MAX - 1); allocates cap links. 0, UCQL_E_INVALID_ARG or
 * UCQL_E_NOMEM. Before any other call; not thread-safe. */
int ucql__lfstack_init(ucql__lfstack *s, uint32_t cap);
/* Frees the links (not the objects). No thread may use s any more. */
void ucql__lfstack_destroy(ucql__lfstack *s);

/* Any thread: puts index idx (< cap, not already in the stack) on top.
 * Release: the caller's writes to the object idx names are visible to
 * the thread that pops it. */
static inline void ucql__lfstack_push(ucql__lfstack *s, uint32_t idx)
{
	uint64_t old = atomic_load_explicit(&s->head, memory_order_relaxed);
	uint64_t neu;
	do {
		/* Overwrites idx's link while a stale pop may read it: both
		 * atomic, and that pop's CAS fails (the tag moved when idx was
		 * popped). */
		atomic_store_explicit(&s->next[idx], (uint32_t)old, memory_order_relaxed);
		neu = ((old & 0xffffffff00000000u) + (UINT64_C(1) << 32)) | (uint64_t)(idx + 1);
	} while (!atomic_compare_exchange_weak_explicit(&s->head, &old, neu, memory_order_release,
							memory_order_relaxed));
}

/* Any thread: takes the top index, or UCQL__LFSTACK_NONE if empty.
 * Acquire: sees what its last pusher wrote. */
static inline uint32_t ucql__lfstack_pop(ucql__lfstack *s)
{
	uint64_t old = atomic_load_explicit(&s->head, memory_order_acquire);
	for (;;) {
		uint32_t top = (uint32_t)old;
		if (top == 0)
			return UCQL__LFSTACK_NONE;
		/* Read after an acquire of a head that had `top` on it: at
		 * least the link its push stored. A newer value means top was
		 * popped meanwhile — then the tag differs and the CAS fails. */
		uint32_t below = atomic_load_explicit(&s->next[top - 1], memory_order_relaxed);
		uint64_t neu = ((old & 0xffffffff00000000u) + (UINT64_C(1) << 32)) | below;
		if (atomic_compare_exchange_weak_explicit(&s->head, &old, neu, memory_order_acquire,
							  memory_order_acquire))
			return top - 1;
	}
}

/* Any thread, racy by nature: 1 if the stack looked empty. */
static inline int ucql__lfstack_empty(ucql__lfstack *s)
{
	return (uint32_t)atomic_load_explicit(&s->head, memory_order_relaxed) == 0;
}

/* ---- a pool of fixed objects -------------------------------------------
 * `count` objects of `stride` bytes from `base` (the caller's array, which
 * must outlive the pool), all free after init. get/put from any thread. */
typedef struct ucql__lfpool {
	ucql__lfstack st;
	char *base;
	size_t stride;
} ucql__lfpool;

/* 0, UCQL_E_INVALID_ARG (count 0 or >= UINT32_MAX, stride 0) or
 * UCQL_E_NOMEM. Not thread-safe. */
int ucql__lfpool_init(ucql__lfpool *p, void *base, size_t stride, uint32_t count);
/* Frees the pool's links; the objects stay the caller's. */
void ucql__lfpool_destroy(ucql__lfpool *p);

/* Any thread: a free object, or NULL when all are taken. */
static inline void *ucql__lfpool_get(ucql__lfpool *p)
{
	uint32_t i = ucql__lfstack_pop(&p->st);
	return i == UCQL__LFSTACK_NONE ? NULL : p->base + (size_t)i * p->stride;
}
/* Any thread: gives obj (one that get returned, not yet put) back. */
static inline void ucql__lfpool_put(ucql__lfpool *p, void *obj)
{
	ucql__lfstack_push(&p->st, (uint32_t)((size_t)((char *)obj - p->base) / p->stride));
}
/* The index of an object of the pool (0 .. count - 1), e.g. to keep a
 * per-object side table. */
static inline uint32_t ucql__lfpool_index(const ucql__lfpool *p, const void *obj)
{
	return (uint32_t)((size_t)((const char *)obj - p->base) / p->stride);
}

#endif
