/*
 * future_int.h — the driver's side of ucql_future (lib/future.c): create
 * one for a request, complete it from the shard.
 *
 * Life cycle: a new future holds two references, the user's handle (given
 * back with ucql_future_free) and the completer's (given back by
 * ucql__future_complete, or by ucql__future_abandon for a future never
 * handed to a request). Whichever goes last recycles the future into a
 * lock-free pool — and frees a value nobody took.
 */
#ifndef UCQL_FUTURE_INT_H
#define UCQL_FUTURE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "ucql/future.h"

/* What a future holds (ucql__future_complete's kind). */
#define UCQL__FUT_RESULT 1   /* a ucql_resultset * */
#define UCQL__FUT_PREPARED 2 /* a ucql_prepared_stmt * (NULL on error) */

/* Any thread. A pending future from the pool: no allocation in steady
 * state (the pool grows by chunks of 256 up to 65536 futures, then falls
 * back to malloc per future). NULL on allocation failure. */
ucql_future *ucql__future_new(void);

/* How long ucql_future_wait spins before sleeping (default 20 µs; the
 * session passes its spin.us). Before the future is handed out. */
void ucql__future_set_spin_us(ucql_future *f, uint32_t spin_us);

/* Completes f, exactly once, on the completer's thread (normally its
 * shard): stores the outcome — value (moved in: a ucql_resultset * for
 * UCQL__FUT_RESULT, a ucql_prepared_stmt * or NULL for
 * UCQL__FUT_PREPARED), err_code (0 = success) and, on error, a copy of
 * err_msg (truncated to 255 bytes; NULL = the error table's text) —
 * wakes sleeping waiters (a futex wake only if one sleeps), runs the
 * callback if one is set, then drops the completer's reference: after
 * this call the completer must not touch f. If the user already freed f,
 * value is freed here (ucql_resultset_free / ucql_prepared_stmt_free). */
void ucql__future_complete(ucql_future *f, int kind, void *value, int err_code,
			   const char *err_msg);

/* Drops the completer's reference of a future that will never be
 * completed (its request could not be created). The user's reference
 * stays: call ucql_future_free for it too, or hand f out — then it never
 * completes, so do that only when discarding f altogether. */
void ucql__future_abandon(ucql_future *f);

/* 1 on a shard's thread, where blocking on a future would deadlock. The
 * default (a weak definition in lib/future.c) returns 0; lib/io/shard.c
 * overrides it with a strong definition reading its thread-local flag. */
int ucql__on_shard_thread(void);

/* Futures the pool has created so far (not counting malloc fallbacks):
 * for tests and metrics. Any thread, relaxed. */
size_t ucql__future_pool_size(void);

#endif
