/*
 * ucql/statement.h — what a request executes: a simple statement (CQL
 * text), a bound prepared statement, or a batch of either; with its bound
 * values and per-request options.
 *
 * A statement is a plain builder owned by the application: executing it
 * (ucql/session.h) encodes it into the request at once, so the statement
 * may be changed, re-executed or freed as soon as the execute call
 * returns — also while that request is still in flight. One thread at a
 * time per statement; different statements on different threads are
 * independent.
 *
 * Values: positional (index from 0) or named. Binding an index again
 * replaces the value. Typed binders cover the common C types; any CQL
 * value (collections, tuples, UDTs, vectors, …) can be written with the
 * codec's encoders (ucql/types.h) between ucql_statement_bind_begin and
 * ucql_statement_bind_end, or passed already serialized with
 * ucql_statement_bind_value. Bytes passed in are copied.
 *
 * Errors: binders return 0, UCQL_E_INVALID_ARG (index out of range, a
 * name unknown to a prepared statement, a batch given values), or
 * UCQL_E_NOMEM. A prepared statement also checks the CQL type where the
 * binder knows it (binding an int where the marker is text is
 * UCQL_E_BAD_VALUE); values written through bind_begin/_end or
 * bind_value are not checked.
 */
#ifndef UCQL_STATEMENT_H
#define UCQL_STATEMENT_H

#include "common.h"
#include "request.h"
#include "types.h"
#include "wire.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ucql_statement ucql_statement;
typedef struct ucql_prepared_stmt ucql_prepared_stmt;

/* Consistency levels are UCQL_CL_* (ucql/wire.h); UCQL_CL_DEFAULT means
 * "the session's configured default". */
#define UCQL_CL_DEFAULT 0xFFFF

/* "LOCAL_QUORUM" → UCQL_CL_LOCAL_QUORUM (case-insensitive); -1 if unknown. */
UCQL_API int ucql_consistency_parse(const char *name);
/* The reverse is ucql_consistency_name (ucql/wire.h). */

/* ---- creating -------------------------------------------------------- */

/* A simple statement (QUERY) with the CQL text `cql` (copied) and room for
 * n_values positional values (0 = none; bind past it grows the count).
 * NULL on allocation failure. */
UCQL_API ucql_statement *ucql_statement_new(const char *cql, size_t n_values);
/* Same with a text of given length (need not be NUL-terminated). */
UCQL_API ucql_statement *ucql_statement_new_n(const char *cql, size_t len, size_t n_values);

/* A statement that executes prepared statement `p` (EXECUTE), with room for
 * every bind marker. Holds a reference to p: p may be freed before it. */
UCQL_API ucql_statement *ucql_prepared_stmt_bind(ucql_prepared_stmt *p);

/* A batch (BATCH): type UCQL_BATCH_LOGGED, _UNLOGGED or _COUNTER
 * (ucql/request.h). Add statements with ucql_statement_batch_add. */
UCQL_API ucql_statement *ucql_statement_new_batch(int batch_type);

/* Appends child (a simple or bound prepared statement, not a batch) to
 * batch: its text or prepared id and its values are copied now; child's
 * own options (consistency, …) are ignored. 0, UCQL_E_INVALID_ARG (batch is
 * not a batch, child is a batch, or 65535 children), UCQL_E_NOMEM. */
UCQL_API int ucql_statement_batch_add(ucql_statement *batch, const ucql_statement *child);

/* Frees the statement; NULL is a no-op. Requests already executed are not
 * affected. */
UCQL_API void ucql_statement_free(ucql_statement *st);

/* Drops every bound value (the count stays), so the statement can be
 * bound afresh without reallocating. Options stay. */
UCQL_API void ucql_statement_clear_values(ucql_statement *st);

/* ---- values ---------------------------------------------------------- */

/* A raw serialized value (copied): v.len >= 0 bytes, UCQL_NULL, or
 * UCQL_UNSET (v4+; a v3 session fails the request with UCQL_E_INVALID_ARG). */
UCQL_API int ucql_statement_bind_value(ucql_statement *st, size_t i, ucql_value v);
UCQL_API int ucql_statement_bind_null(ucql_statement *st, size_t i);
UCQL_API int ucql_statement_bind_unset(ucql_statement *st, size_t i);
UCQL_API int ucql_statement_bind_bool(ucql_statement *st, size_t i, int v);
UCQL_API int ucql_statement_bind_int8(ucql_statement *st, size_t i, int8_t v);    /* tinyint */
UCQL_API int ucql_statement_bind_int16(ucql_statement *st, size_t i, int16_t v);  /* smallint */
UCQL_API int ucql_statement_bind_int32(ucql_statement *st, size_t i, int32_t v);  /* int */
/* bigint, counter, timestamp (ms), time (ns) and varint take an int64; with
 * a prepared statement the marker's type decides the encoding, with a
 * simple statement it is a bigint. */
UCQL_API int ucql_statement_bind_int64(ucql_statement *st, size_t i, int64_t v);
UCQL_API int ucql_statement_bind_float(ucql_statement *st, size_t i, float v);
UCQL_API int ucql_statement_bind_double(ucql_statement *st, size_t i, double v);
/* text / varchar / ascii: n bytes of s (NUL not needed). */
UCQL_API int ucql_statement_bind_text(ucql_statement *st, size_t i, const char *s, size_t n);
/* text from a NUL-terminated string. */
UCQL_API int ucql_statement_bind_string(ucql_statement *st, size_t i, const char *s);
UCQL_API int ucql_statement_bind_blob(ucql_statement *st, size_t i, const void *p, size_t n);
/* uuid or timeuuid: 16 bytes, network order. */
UCQL_API int ucql_statement_bind_uuid(ucql_statement *st, size_t i, const uint8_t uuid[16]);
UCQL_API int ucql_statement_bind_inet(ucql_statement *st, size_t i, const ucql_inet *a);
/* date: days since the epoch (signed), as ucql_date_from_days. */
UCQL_API int ucql_statement_bind_date(ucql_statement *st, size_t i, int64_t days);
UCQL_API int ucql_statement_bind_timestamp(ucql_statement *st, size_t i, int64_t ms);
UCQL_API int ucql_statement_bind_time(ucql_statement *st, size_t i, int64_t ns);
UCQL_API int ucql_statement_bind_decimal(ucql_statement *st, size_t i, int32_t scale, int64_t unscaled);
UCQL_API int ucql_statement_bind_duration(ucql_statement *st, size_t i, ucql_duration d);

/* Any value through the codec's encoders: bind_begin returns a writer
 * positioned where the value's bytes go (write exactly one value with a
 * ucql_value_write_* call or a ucql_coll/tuple/vector builder); bind_end
 * commits it. NULL from bind_begin: index out of range or out of memory.
 * The writer is valid until bind_end; no other call on st in between.
 * The writer has at least 4 KiB of room: a larger value makes bind_end
 * return UCQL_E_NOSPACE after making room for it — call bind_begin again
 * and write the value again (it then fits). */
UCQL_API ucql_writer *ucql_statement_bind_begin(ucql_statement *st, size_t i);
UCQL_API int ucql_statement_bind_end(ucql_statement *st, ucql_writer *w);

/* Named values. For a prepared statement the name selects the marker
 * (exact match, case-sensitive as the server reports it; a name used by
 * several markers binds all of them). For a simple statement the value is
 * sent with its name (the QUERY "names" flag) — every value of that
 * statement must then be named, so create it with n_values = 0 (named
 * values take indexes in the order their names are first bound; a
 * positional bind past them is UCQL_E_INVALID_ARG). Returns as the
 * positional binders. bind_begin_by_name returns the writer of the first
 * marker with that name only (one value is written at a time). */
UCQL_API int ucql_statement_bind_value_by_name(ucql_statement *st, const char *name, ucql_value v);
UCQL_API int ucql_statement_bind_null_by_name(ucql_statement *st, const char *name);
UCQL_API int ucql_statement_bind_int32_by_name(ucql_statement *st, const char *name, int32_t v);
UCQL_API int ucql_statement_bind_int64_by_name(ucql_statement *st, const char *name, int64_t v);
UCQL_API int ucql_statement_bind_double_by_name(ucql_statement *st, const char *name, double v);
UCQL_API int ucql_statement_bind_string_by_name(ucql_statement *st, const char *name, const char *s);
UCQL_API int ucql_statement_bind_blob_by_name(ucql_statement *st, const char *name, const void *p, size_t n);
UCQL_API ucql_writer *ucql_statement_bind_begin_by_name(ucql_statement *st, const char *name);

/* ---- options (each returns 0 or UCQL_E_INVALID_ARG) -------------------- */

/* Consistency (UCQL_CL_DEFAULT: the session's default, config
 * request.consistency) and serial consistency (UCQL_CL_SERIAL or
 * UCQL_CL_LOCAL_SERIAL; UCQL_CL_DEFAULT: config request.serial_consistency). */
UCQL_API int ucql_statement_set_consistency(ucql_statement *st, int cl);
UCQL_API int ucql_statement_set_serial_consistency(ucql_statement *st, int cl);
/* An explicit write timestamp in microseconds; INT64_MIN returns to the
 * session's generator (config request.timestamps). */
UCQL_API int ucql_statement_set_timestamp(ucql_statement *st, int64_t us);
/* Per-request timeout in ms; 0 = none; -1 = config request.timeout_ms. */
UCQL_API int ucql_statement_set_timeout(ucql_statement *st, int64_t ms);
/* Marks the statement idempotent (safe to retry after it may have
 * executed). Default: not idempotent. */
UCQL_API int ucql_statement_set_idempotent(ucql_statement *st, int idempotent);
/* Rows per page (> 0), 0 = no paging, -1 = config request.page_size. */
UCQL_API int ucql_statement_set_page_size(ucql_statement *st, int32_t rows);
/* Resume from a paging state (copied; ucql_resultset_paging_state gives
 * one); an empty view clears it. */
UCQL_API int ucql_statement_set_paging_state(ucql_statement *st, ucql_bytes state);
/* The keyspace the statement runs in (protocol v5 per-query keyspace;
 * copied). On v3/v4 the request fails with UCQL_E_INVALID_ARG: qualify the
 * table names instead. */
UCQL_API int ucql_statement_set_keyspace(ucql_statement *st, const char *keyspace);
/* Asks the server to trace this request; the result carries the tracing id. */
UCQL_API int ucql_statement_set_tracing(ucql_statement *st, int on);
/* Adds a custom payload entry (v4+; key and value copied). */
UCQL_API int ucql_statement_add_payload(ucql_statement *st, const char *key, ucql_bytes value);
/* The routing key (serialized partition key, copied): what the next
 * issue's token-aware routing will use; prepared statements compute it
 * from their bound partition-key values. */
UCQL_API int ucql_statement_set_routing_key(ucql_statement *st, ucql_bytes key);

/* ---- prepared statements ---------------------------------------------- */

/* A prepared statement is shared and reference counted: the session's
 * cache holds one reference, ucql_future_prepared / the prepare callback
 * hand out another. Any thread. */
UCQL_API void ucql_prepared_stmt_free(ucql_prepared_stmt *p);
/* Number of bind markers, and the name / CQL type of marker i (views valid
 * while p lives; type as a raw [option], see ucql_type_read). */
UCQL_API size_t ucql_prepared_stmt_param_count(const ucql_prepared_stmt *p);
UCQL_API ucql_bytes ucql_prepared_stmt_param_name(const ucql_prepared_stmt *p, size_t i);
UCQL_API ucql_bytes ucql_prepared_stmt_param_type(const ucql_prepared_stmt *p, size_t i);
/* The statement id (as the server gave it) and its query text. */
UCQL_API ucql_bytes ucql_prepared_stmt_id(const ucql_prepared_stmt *p);
UCQL_API ucql_bytes ucql_prepared_stmt_query(const ucql_prepared_stmt *p);

#ifdef __cplusplus
}
#endif

#endif
