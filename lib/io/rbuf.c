/*
 * rbuf.c — receive buffers pinned by results (see core.h).
 *
 * A provided buffer can only be given back to the kernel by its shard (the
 * buffer ring's tail is single-producer memory shared with the kernel).
 * Heap chunks could be freed anywhere, but reusing them keeps the steady
 * state allocation-free. So every last release on a foreign thread pushes
 * the buffer onto the shard's `returned` stack (a Treiber push: ABA-free
 * because the only pop is the shard's exchange of the whole list), and the
 * shard drains it once per loop iteration.
 */
#define _GNU_SOURCE
#include <stdlib.h>

#include "../core.h"

/* Heap chunks beyond this many are freed rather than cached. */
#define HEAP_CACHE_MAX 64

static void give_back(ucql_shard *sh, ucql__rbuf *rb)
{
	if (rb->kind == UCQL__RB_PROVIDED) {
		io_uring_buf_ring_add(sh->br, rb->data, (unsigned)sh->bufsz, rb->bid, sh->br_mask, 0);
		io_uring_buf_ring_advance(sh->br, 1);
		sh->bufs_out--;
		if (sh->starved)
			ucql__shard_feed_starved(sh);
		return;
	}
	if (rb->cap == sh->bufsz && sh->heap_free_n < HEAP_CACHE_MAX) {
		rb->next = sh->heap_free;
		sh->heap_free = rb;
		sh->heap_free_n++;
		return;
	}
	sh->heap_out--;
	free(rb);
}

/* The last pinned buffer of a shard its session already closed: now the
 * shard's memory can go (see ucql__shard_destroy). */
static void dead_release(ucql_shard *sh, ucql__rbuf *rb)
{
	if (rb->kind == UCQL__RB_HEAP)
		free(rb);
	if (atomic_fetch_sub_explicit(&sh->dead_pins, 1, memory_order_acq_rel) == 1)
		ucql__shard_free_memory(sh);
}

void ucql__rbuf_release(ucql__rbuf *rb)
{
	if (!rb)
		return;
	/* acq_rel: the last releaser must see every other holder's reads of
	 * the data done before the buffer is reused. */
	if (atomic_fetch_sub_explicit(&rb->refs, 1, memory_order_acq_rel) != 1)
		return;
	ucql_shard *sh = rb->sh;
	if (atomic_load_explicit(&sh->dead, memory_order_acquire)) {
		dead_release(sh, rb);
		return;
	}
	if (ucql__cur_shard == sh) {
		give_back(sh, rb);
		return;
	}
	ucql__rbuf *head = atomic_load_explicit(&sh->returned, memory_order_relaxed);
	do {
		rb->next = head;
	} while (!atomic_compare_exchange_weak_explicit(&sh->returned, &head, rb,
							 memory_order_release, memory_order_relaxed));
}

void ucql__rbuf_drain_returned(ucql_shard *sh)
{
	if (!atomic_load_explicit(&sh->returned, memory_order_relaxed))
		return;
	ucql__rbuf *rb = atomic_exchange_explicit(&sh->returned, NULL, memory_order_acquire);
	while (rb) {
		ucql__rbuf *nx = rb->next;
		give_back(sh, rb);
		rb = nx;
	}
}

/* A chunk of exactly len bytes, never cached: for copies made under
 * receive-buffer pressure, where a cached chunk (recv.buffer_size) per
 * small result would waste what we are short of. */
ucql__rbuf *ucql__rbuf_exact(ucql_shard *sh, size_t len)
{
	ucql__rbuf *rb = malloc(sizeof *rb + (len ? len : 1));
	if (!rb)
		return NULL;
	rb->data = (uint8_t *)(rb + 1);
	rb->cap = len;
	rb->kind = UCQL__RB_HEAP;
	rb->bid = 0;
	rb->sh = sh;
	rb->next = NULL;
	sh->heap_out++;
	atomic_store_explicit(&rb->refs, 1, memory_order_relaxed);
	return rb;
}

ucql__rbuf *ucql__rbuf_heap(ucql_shard *sh, size_t len)
{
	ucql__rbuf *rb;
	if (len <= sh->bufsz && sh->heap_free) {
		rb = sh->heap_free;
		sh->heap_free = rb->next;
		sh->heap_free_n--;
	} else {
		size_t cap = len <= sh->bufsz ? sh->bufsz : len;
		rb = malloc(sizeof *rb + cap);
		if (!rb)
			return NULL;
		rb->data = (uint8_t *)(rb + 1);
		rb->cap = cap;
		rb->kind = UCQL__RB_HEAP;
		rb->bid = 0;
		rb->sh = sh;
		sh->heap_out++;
	}
	atomic_store_explicit(&rb->refs, 1, memory_order_relaxed);
	rb->next = NULL;
	return rb;
}
