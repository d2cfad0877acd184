/*
 * ucql/resultset.h — the outcome of one request: rows (zero-copy views
 * into the receive buffer), another result kind, or an error.
 *
 * Ownership: a result set handed to a completion callback is borrowed for
 * the callback's duration; ucql_resultset_retain keeps it (then free it
 * with ucql_resultset_free, from any thread). One taken from a future
 * (ucql_future_result) is owned by the caller. Every view a result set
 * gives (rows, values, names, paging state, warnings) stays valid until
 * the result set is freed: it pins the receive buffer the response landed
 * in, which returns to its shard when the last result using it is freed.
 * Holding many results for long therefore holds receive memory.
 *
 * Thread affinity: a result set is used by one thread at a time (the row
 * cursor is state). Freeing may happen on any thread.
 */
#ifndef UCQL_RESULTSET_H
#define UCQL_RESULTSET_H

#include "common.h"
#include "error_msg.h"
#include "result.h"
#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ucql_resultset ucql_resultset;

/* Keeps a callback's result set beyond the callback. Returns rs. */
UCQL_API ucql_resultset *ucql_resultset_retain(ucql_resultset *rs);
/* Releases the caller's reference; NULL is a no-op. */
UCQL_API void ucql_resultset_free(ucql_resultset *rs);

/* ---- outcome ----------------------------------------------------------- */

/* 0 on success, else the error code: a server error (its wire code, see
 * docs/errors.md) or a local one (negative: UCQL_E_TIMEOUT,
 * UCQL_E_CONNECTION, UCQL_E_CLOSED, …). */
UCQL_API int ucql_resultset_error_code(const ucql_resultset *rs);
/* The error's message: the server's own text for a server error, ucql's
 * for a local one; "" on success. NUL-terminated, valid while rs lives. */
UCQL_API const char *ucql_resultset_error_message(const ucql_resultset *rs);
/* 1 if the request may be retried as is (the table's retriable flag, and
 * for connection-level failures: the request was written to a connection
 * that then broke, so it may or may not have executed — retry it only if
 * it is idempotent). */
UCQL_API int ucql_resultset_error_retriable(const ucql_resultset *rs);
/* The server's ERROR body with every detail (Unavailable's required and
 * alive, a timeout's received/block_for/write type, …) into *out (views
 * into rs). 0, or UCQL_E_INVALID_ARG when the error is not a server's. */
UCQL_API int ucql_resultset_error_details(const ucql_resultset *rs, ucql_error_msg *out);
/* The node that answered (or failed) as "address:port", "" if none. */
UCQL_API const char *ucql_resultset_node(const ucql_resultset *rs);

/* ---- what came back ----------------------------------------------------- */

/* enum ucql_result_kind (ucql/result.h); 0 for an error. */
UCQL_API int ucql_resultset_kind(const ucql_resultset *rs);
/* The decoded RESULT message (views into rs). */
UCQL_API const ucql_result *ucql_resultset_result(const ucql_resultset *rs);
/* Server warnings (native_protocol_v4.spec §2.2 flag 0x08): count and the
 * i-th, empty when absent. */
UCQL_API size_t ucql_resultset_warning_count(const ucql_resultset *rs);
UCQL_API ucql_bytes ucql_resultset_warning(const ucql_resultset *rs, size_t i);
/* The 16-byte tracing session id of a traced request, or NULL. */
UCQL_API const uint8_t *ucql_resultset_tracing_id(const ucql_resultset *rs);
/* A custom payload entry the server sent, by key: 1 and *v, or 0. */
UCQL_API int ucql_resultset_payload(const ucql_resultset *rs, const char *key, ucql_value *v);

/* ---- rows --------------------------------------------------------------- */

/* Rows in this page, and columns per row (0 for non-rows results). */
UCQL_API int32_t ucql_resultset_row_count(const ucql_resultset *rs);
UCQL_API int32_t ucql_resultset_column_count(const ucql_resultset *rs);
/* Column i's name and type (the type as a parsed tree: ucql_type_at(set, 0)
 * is the column's root node). NULL / empty if i is out of range or the
 * result came without metadata (a prepared statement executed with
 * skip-metadata keeps the prepared statement's metadata, so names and
 * types are still there). A type tree is limited to 64 nodes per column
 * (a wider UDT or tuple gives NULL: read its raw [option] with
 * ucql_resultset_result and ucql_type_read into a larger set). */
UCQL_API ucql_bytes ucql_resultset_column_name(const ucql_resultset *rs, int32_t i);
UCQL_API const ucql_type_set *ucql_resultset_column_type(const ucql_resultset *rs, int32_t i);
/* Index of the column named `name` (exact), or -1. */
UCQL_API int32_t ucql_resultset_column_index(const ucql_resultset *rs, const char *name);

/* Advances to the next row of this page: returns its column_count cells
 * (len UCQL_NULL for null), valid until the next call or until rs is
 * freed; NULL after the last row. Read cells with the codec getters
 * (ucql_value_get_int, ucql_list_next, ucql_map_next, ucql_tuple_next, …
 * in ucql/types.h). */
UCQL_API const ucql_value *ucql_resultset_next_row(ucql_resultset *rs);
/* Restarts the row cursor at the first row. */
UCQL_API void ucql_resultset_rewind(ucql_resultset *rs);

/* ---- paging ------------------------------------------------------------- */

/* 1 if the server has more pages for this query. */
UCQL_API int ucql_resultset_has_more_pages(const ucql_resultset *rs);
/* The paging state to resume from (view into rs; pass it to
 * ucql_statement_set_paging_state), empty when there are no more pages. */
UCQL_API ucql_bytes ucql_resultset_paging_state(const ucql_resultset *rs);

#ifdef __cplusplus
}
#endif

#endif
