/*
 * ucql/future.h — the outcome of an asynchronous call, usable from any
 * thread.
 *
 * A future completes exactly once (also when the session closes: the
 * outcome is then an error). Waiting costs no system call when the future
 * is already complete or completes while the waiter spins; a waiter that
 * sleeps is woken by the completing shard (futex). Polling never blocks.
 *
 * Ownership: the caller owns the future and frees it with ucql_future_free
 * (any thread, also before completion: the request still completes and
 * its result is then dropped). The value inside (result set or prepared
 * statement) is moved out by ucql_future_result / ucql_future_prepared;
 * a value never taken is freed with the future.
 */
#ifndef UCQL_FUTURE_H
#define UCQL_FUTURE_H

#include "common.h"
#include "resultset.h"
#include "statement.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ucql_future ucql_future;

/* Called once when the future completes, on the completing thread (a shard
 * thread: must not block) — or at once, on the caller's thread, if it was
 * already complete when set. The future stays the caller's: the callback
 * may take its value and may free it (unless the caller already did —
 * a future freed before completion still gets its callback). */
typedef void (*ucql_future_fn)(ucql_future *f, void *ud);

/* 1 if complete, else 0. Never blocks. */
UCQL_API int ucql_future_ready(const ucql_future *f);
/* Blocks until complete. Returns the outcome's error code (0 = success).
 * Must not be called on a shard thread (it would wait for itself): that
 * returns UCQL_E_WOULD_DEADLOCK at once. */
UCQL_API int ucql_future_wait(ucql_future *f);
/* Blocks up to timeout_us microseconds: the outcome's code, or
 * UCQL_E_TIMEOUT if still pending (the future stays valid). timeout_us <= 0
 * only polls. On a shard thread a positive timeout returns
 * UCQL_E_WOULD_DEADLOCK. */
UCQL_API int ucql_future_wait_for(ucql_future *f, int64_t timeout_us);
/* Sets the completion callback (once; a second call, or fn NULL:
 * UCQL_E_INVALID_ARG). Any thread; racing the completion is fine: the
 * callback runs exactly once either way. */
UCQL_API int ucql_future_set_callback(ucql_future *f, ucql_future_fn fn, void *ud);
/* The error code of a complete future (0 = success), or UCQL_NEED_MORE if
 * it is still pending. */
UCQL_API int ucql_future_error_code(const ucql_future *f);

/* Moves the result set out (then owned by the caller), or NULL if pending,
 * already taken, or the future holds a prepared statement. For an error
 * the result set carries it (ucql_resultset_error_code). */
UCQL_API ucql_resultset *ucql_future_result(ucql_future *f);
/* Moves the prepared statement of a ucql_session_prepare_future out
 * (caller owns one reference), or NULL if pending, failed or taken. */
UCQL_API ucql_prepared_stmt *ucql_future_prepared(ucql_future *f);
/* The error message of a failed future ("" otherwise; at most 255 bytes),
 * valid while f lives. */
UCQL_API const char *ucql_future_error_message(const ucql_future *f);

/* Frees the future; NULL is a no-op. */
UCQL_API void ucql_future_free(ucql_future *f);

#ifdef __cplusplus
}
#endif

#endif
