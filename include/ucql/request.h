/*
 * ucql/request.h — bodies of the client → server messages: STARTUP,
 * OPTIONS, REGISTER, AUTH_RESPONSE, QUERY, PREPARE, EXECUTE, BATCH, for
 * protocol versions 3, 4 and 5 (native_protocol_v4.spec §4.1,
 * native_protocol_v5.spec §4.1).
 *
 * Bodies are independent of the frame (frame.h): each message has
 *   int ucql_<msg>_encode(ucql_writer *w, int version, const ucql_<msg> *m);
 *   int ucql_<msg>_decode(ucql_bytes body, int version, ucql_<msg> *m);
 * Encoders append the body to w and return 0 or w->err (UCQL_E_NOSPACE:
 * w->len tells the size needed; UCQL_E_INVALID_ARG: the message cannot be
 * expressed in that version — the error is also left in w->err). Decoders
 * fill m from the whole body and return 0, or UCQL_E_TRUNCATED (a field runs
 * past the body), UCQL_E_BAD_LENGTH (a negative or impossible length),
 * UCQL_E_BAD_FLAGS, UCQL_E_BAD_KIND, UCQL_E_BAD_VERSION (version not 3..5)
 * or UCQL_E_TRAILING (bytes left after the message). Decoded views borrow
 * `body`; decoders never allocate.
 *
 * The struct fields used only on one side are marked "encode:" / "decode:".
 * Fields "decode:" are also read back by the encoder when the "encode:"
 * pointer is NULL, so a decoded message re-encodes unchanged.
 *
 * Every function is pure: any thread may call it on its own buffers.
 */
#ifndef UCQL_REQUEST_H
#define UCQL_REQUEST_H

#include "common.h"
#include "wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- query parameters (QUERY, EXECUTE: v4 §4.1.4, v5 §4.1.4) ------------ */

/* Flags of the query parameters: a [byte] on the wire in v3/v4, an [int]
 * in v5. Flags 0x80 and 0x100 exist only in v5. */
enum ucql_query_flag {
	UCQL_QP_VALUES = 0x01,
	UCQL_QP_SKIP_METADATA = 0x02,
	UCQL_QP_PAGE_SIZE = 0x04,
	UCQL_QP_PAGING_STATE = 0x08,
	UCQL_QP_SERIAL_CONSISTENCY = 0x10,
	UCQL_QP_TIMESTAMP = 0x20,
	UCQL_QP_NAMES = 0x40,
	UCQL_QP_KEYSPACE = 0x80,        /* v5 */
	UCQL_QP_NOW_IN_SECONDS = 0x100, /* v5 */
};
#define UCQL_QP_FLAGS_V4 0x7Fu
#define UCQL_QP_FLAGS_V5 0x1FFu

/*
 * The query parameters. `flags` is authoritative in both directions: the
 * encoder writes exactly the fields whose flag is set (and ignores the
 * others); the decoder fills the fields whose flag is set and zeroes the
 * rest.
 *
 * Values (written when UCQL_QP_VALUES is set), encode: either
 *   - values != NULL: n_values entries, each preceded by names[i] when
 *     UCQL_QP_NAMES is set (names must then be non-NULL);
 *   - values == NULL: values_raw holds n_values entries already serialized
 *     ([value], or [string][value] with UCQL_QP_NAMES), copied as is
 *     without validation — the driver's zero-copy path.
 * Decode: n_values and values_raw (the entries after the [short] count,
 * validated), iterate with ucql_value_iter.
 * UNSET values (len UCQL_UNSET) do not exist in v3.
 */
typedef struct ucql_query_params {
	uint16_t consistency;        /* UCQL_CL_* */
	uint32_t flags;              /* UCQL_QP_* */
	uint16_t n_values;
	const ucql_value *values;    /* encode */
	const ucql_bytes *names;     /* encode, with UCQL_QP_NAMES */
	ucql_bytes values_raw;       /* decode (encode when values == NULL) */
	int32_t page_size;           /* UCQL_QP_PAGE_SIZE */
	ucql_value paging_state;     /* UCQL_QP_PAGING_STATE ([bytes]; may be null) */
	uint16_t serial_consistency; /* UCQL_QP_SERIAL_CONSISTENCY */
	int64_t timestamp;           /* UCQL_QP_TIMESTAMP, microseconds */
	ucql_bytes keyspace;         /* UCQL_QP_KEYSPACE (v5) */
	int32_t now_in_seconds;      /* UCQL_QP_NOW_IN_SECONDS (v5) */
} ucql_query_params;

/* Writes the query parameters. 0 or w->err; UCQL_E_INVALID_ARG for flags
 * unknown or not in `version`, an unset value in v3, names missing. */
UCQL_API int ucql_query_params_encode(ucql_writer *w, int version, const ucql_query_params *p);
/* Reads query parameters from r (which may hold more after them). Returns 0
 * or an error (also left in r->err). */
UCQL_API int ucql_query_params_read(ucql_reader *r, int version, ucql_query_params *p);

/*
 * Split encoding for callers that serialize bound values straight into the
 * output: _head writes consistency, flags and — with UCQL_QP_VALUES — the
 * [short] count p->n_values; the caller then writes exactly n_values
 * entries; _tail writes the remaining fields. _head checks the version
 * and flags, _tail the paging state; what the caller writes in between
 * is its own responsibility (no unset values in v3; names when
 * UCQL_QP_NAMES). p->values is not used.
 */
UCQL_API int ucql_query_params_encode_head(ucql_writer *w, int version, const ucql_query_params *p);
UCQL_API int ucql_query_params_encode_tail(ucql_writer *w, int version, const ucql_query_params *p);

/* Iterates a validated values block (ucql_query_params.values_raw or a
 * batch statement's values_raw). `named`: entries carry a [string] name. */
typedef struct ucql_value_iter {
	ucql_reader r;
	int named;
} ucql_value_iter;

static inline void ucql_value_iter_init(ucql_value_iter *it, ucql_bytes raw, int named)
{
	ucql_reader_init(&it->r, raw.p, raw.len);
	it->named = named;
}
/* Next entry: 1 and *name (empty view when unnamed; name may be NULL),
 * *v; 0 at the end. */
static inline int ucql_value_iter_next(ucql_value_iter *it, ucql_bytes *name, ucql_value *v)
{
	ucql_bytes n = { NULL, 0 };
	if (it->r.err || it->r.p >= it->r.end)
		return 0;
	if (it->named)
		n = ucql_read_string(&it->r);
	*v = ucql_read_value(&it->r);
	if (name)
		*name = n;
	return !it->r.err;
}

/* ---- STARTUP (§4.1.1) --------------------------------------------------- */

/* Option keys (values are strings: "3.0.0", "lz4", …). */
#define UCQL_STARTUP_CQL_VERSION "CQL_VERSION"
#define UCQL_STARTUP_COMPRESSION "COMPRESSION"
#define UCQL_STARTUP_DRIVER_NAME "DRIVER_NAME"
#define UCQL_STARTUP_DRIVER_VERSION "DRIVER_VERSION"
#define UCQL_STARTUP_NO_COMPACT "NO_COMPACT"
#define UCQL_STARTUP_THROW_ON_OVERLOAD "THROW_ON_OVERLOAD"

/* Body: [string map]. Look options up with ucql_string_map_get(options,
 * UCQL_STARTUP_CQL_VERSION, &v) from wire.h. */
typedef struct ucql_startup {
	const ucql_bytes *kv;   /* encode: n pairs, kv[2i] key, kv[2i+1] value */
	size_t n;               /* encode: number of pairs (≤ 65535) */
	ucql_list_view options; /* decode (encode when kv == NULL) */
} ucql_startup;

UCQL_API int ucql_startup_encode(ucql_writer *w, int version, const ucql_startup *m);
UCQL_API int ucql_startup_decode(ucql_bytes body, int version, ucql_startup *m);

/* ---- OPTIONS (§4.1.3): empty body --------------------------------------- */

/* Writes nothing; returns w->err. */
UCQL_API int ucql_options_encode(ucql_writer *w, int version);
/* 0 if body is empty, else UCQL_E_TRAILING. */
UCQL_API int ucql_options_decode(ucql_bytes body, int version);

/* ---- REGISTER (§4.1.8) -------------------------------------------------- */

#define UCQL_REGISTER_TOPOLOGY_CHANGE "TOPOLOGY_CHANGE"
#define UCQL_REGISTER_STATUS_CHANGE "STATUS_CHANGE"
#define UCQL_REGISTER_SCHEMA_CHANGE "SCHEMA_CHANGE"

/* Body: [string list] of event types. The decoder rejects a type other than
 * the three above with UCQL_E_BAD_KIND (Cassandra answers a protocol error);
 * the encoder writes whatever it is given. */
typedef struct ucql_register {
	const ucql_bytes *events; /* encode: n event type names */
	size_t n;                 /* encode */
	ucql_list_view list;      /* decode (encode when events == NULL) */
} ucql_register;

UCQL_API int ucql_register_encode(ucql_writer *w, int version, const ucql_register *m);
UCQL_API int ucql_register_decode(ucql_bytes body, int version, ucql_register *m);

/* ---- AUTH_RESPONSE (§4.1.2) --------------------------------------------- */

/* Body: [bytes] token; null (len UCQL_NULL) is allowed — the authenticator
 * decides. Any negative length decodes as null; UCQL_UNSET cannot be sent. */
typedef struct ucql_auth_response {
	ucql_value token;
} ucql_auth_response;

UCQL_API int ucql_auth_response_encode(ucql_writer *w, int version, const ucql_auth_response *m);
UCQL_API int ucql_auth_response_decode(ucql_bytes body, int version, ucql_auth_response *m);

/* ---- QUERY (§4.1.4) ----------------------------------------------------- */

/* Body: [long string] query, query parameters. */
typedef struct ucql_query {
	ucql_bytes query;
	ucql_query_params params;
} ucql_query;

UCQL_API int ucql_query_encode(ucql_writer *w, int version, const ucql_query *m);
UCQL_API int ucql_query_decode(ucql_bytes body, int version, ucql_query *m);

/* ---- PREPARE (§4.1.5) --------------------------------------------------- */

/* v5 PREPARE flag: a [string] keyspace follows. */
#define UCQL_PREPARE_KEYSPACE 0x01

/* Body: [long string] query; v5 adds [int] flags and, with
 * UCQL_PREPARE_KEYSPACE, a [string] keyspace. In v3/v4 flags must be 0
 * (encode: UCQL_E_INVALID_ARG otherwise); unknown v5 flags are
 * UCQL_E_BAD_FLAGS on decode. */
typedef struct ucql_prepare {
	ucql_bytes query;
	uint32_t flags;
	ucql_bytes keyspace;
} ucql_prepare;

UCQL_API int ucql_prepare_encode(ucql_writer *w, int version, const ucql_prepare *m);
UCQL_API int ucql_prepare_decode(ucql_bytes body, int version, ucql_prepare *m);

/* ---- EXECUTE (§4.1.6) --------------------------------------------------- */

/* Body: [short bytes] id, (v5) [short bytes] result_metadata_id, query
 * parameters. result_metadata_id is ignored when encoding v3/v4. */
typedef struct ucql_execute {
	ucql_bytes id;
	ucql_bytes result_metadata_id;
	ucql_query_params params;
} ucql_execute;

UCQL_API int ucql_execute_encode(ucql_writer *w, int version, const ucql_execute *m);
UCQL_API int ucql_execute_decode(ucql_bytes body, int version, ucql_execute *m);

/* ---- BATCH (§4.1.7) ----------------------------------------------------- */

enum ucql_batch_type {
	UCQL_BATCH_LOGGED = 0,
	UCQL_BATCH_UNLOGGED = 1,
	UCQL_BATCH_COUNTER = 2,
};
enum ucql_batch_kind {
	UCQL_BATCH_QUERY = 0,    /* [long string] query text */
	UCQL_BATCH_PREPARED = 1, /* [short bytes] prepared id */
};

/*
 * Batch flags: only UCQL_QP_SERIAL_CONSISTENCY, UCQL_QP_TIMESTAMP and, in
 * v5, UCQL_QP_KEYSPACE and UCQL_QP_NOW_IN_SECONDS. UCQL_QP_NAMES is
 * refused (encode: UCQL_E_INVALID_ARG, decode: UCQL_E_BAD_FLAGS): the spec
 * itself says it cannot work (CASSANDRA-10246) and Cassandra rejects it, so
 * batch values are always positional. The four low bits must be 0 (§4.1.7).
 */
#define UCQL_BATCH_FLAGS_V4 0x30u
#define UCQL_BATCH_FLAGS_V5 0x1B0u

/* One statement: kind, query text or prepared id, n_values [value]s. */
typedef struct ucql_batch_stmt {
	uint8_t kind;             /* UCQL_BATCH_QUERY or UCQL_BATCH_PREPARED */
	ucql_bytes query_or_id;
	uint16_t n_values;
	const ucql_value *values; /* encode: n_values values, or NULL → values_raw */
	ucql_bytes values_raw;    /* decode; pre-serialized [value]s to copy */
} ucql_batch_stmt;

typedef struct ucql_batch {
	uint8_t type;                /* ucql_batch_type */
	uint16_t n;                  /* number of statements */
	const ucql_batch_stmt *stmts; /* encode: n statements, or NULL → stmts_raw */
	ucql_bytes stmts_raw;        /* decode: the n statements as on the wire */
	uint16_t consistency;
	uint32_t flags;              /* UCQL_QP_* allowed in batches (see above) */
	uint16_t serial_consistency;
	int64_t timestamp;
	ucql_bytes keyspace;         /* v5 */
	int32_t now_in_seconds;      /* v5 */
} ucql_batch;

/* Encode errors (UCQL_E_INVALID_ARG): type > 2, kind > 1, flags not allowed,
 * unset value in v3, more than 65535 statements. Decode: type or kind out of
 * range → UCQL_E_BAD_KIND; disallowed flags → UCQL_E_BAD_FLAGS; unset value
 * in v3 → UCQL_E_BAD_LENGTH. */
UCQL_API int ucql_batch_encode(ucql_writer *w, int version, const ucql_batch *m);
UCQL_API int ucql_batch_decode(ucql_bytes body, int version, ucql_batch *m);

/* Iterates a decoded batch's statements: init on b->stmts_raw, then
 * ucql_batch_next returns 1 and fills *s (values_raw set, values NULL)
 * until the n statements are read, then 0. Cannot fail on a decoded batch. */
static inline void ucql_batch_iter_init(ucql_reader *it, const ucql_batch *b)
{
	ucql_reader_init(it, b->stmts_raw.p, b->stmts_raw.len);
}
UCQL_API int ucql_batch_next(ucql_reader *it, ucql_batch_stmt *s);

#ifdef __cplusplus
}
#endif
#endif
