/*
 * ucql/result.h — the RESULT message body (native_protocol_v4.spec §4.2.5,
 * v5 §4.2.5): [int] kind, then
 *   0x0001 Void           nothing
 *   0x0002 Rows           <metadata><rows_count:int><rows_content>
 *   0x0003 Set_keyspace   <keyspace:string>
 *   0x0004 Prepared       <id:short bytes>[<result_metadata_id:short bytes> v5]
 *                         <prepared metadata><result metadata>
 *   0x0005 Schema_change  as the SCHEMA_CHANGE event after its type (ucql/event.h)
 * An unknown kind is UCQL_E_BAD_KIND.
 *
 * Rows metadata (§4.2.5.2): <flags:int><columns_count:int>
 *   [<paging_state:bytes>         if UCQL_MD_HAS_MORE_PAGES]
 *   [<new_metadata_id:short bytes> if UCQL_MD_METADATA_CHANGED, v5 only]
 *   unless UCQL_MD_NO_METADATA:
 *   [<keyspace:string><table:string> if UCQL_MD_GLOBAL_TABLES_SPEC]
 *   columns_count × ([<keyspace><table> unless global]<name:string><type:option>)
 * Prepared metadata (§4.2.5.4): <flags><columns_count>
 *   [<pk_count:int> pk_count × <pk_index:short>  — v4 and v5 only]
 *   [global table spec] columns_count column specs (bind markers).
 * Rows content: rows_count × columns_count cells, each a [bytes]
 * (negative length = null).
 *
 * The decoder validates everything once (counts non-negative, every length
 * in bounds, flags known for the version, pk indexes < columns_count, every
 * column type a well-formed [option], no bytes left over), so the
 * iterators below need no checks: ucql_cell_next is a few instructions.
 * Unknown flag bits (DSE continuous paging, say) are UCQL_E_BAD_FLAGS
 * because they would add fields ucql cannot skip. Metadata_changed before
 * v5, or together with No_metadata (v5 §4.2.5.2 forbids it), is also
 * UCQL_E_BAD_FLAGS.
 *
 * A column's type is its raw [option] bytes (id included), as skipped by
 * ucql_read_option; interpret it with the CQL type module.
 *
 * Conventions (signatures, ownership, errors): see ucql/response.h. Pure
 * functions; any thread.
 */
#ifndef UCQL_RESULT_H
#define UCQL_RESULT_H

#include "event.h"
#include "wire.h"

#ifdef __cplusplus
extern "C" {
#endif

enum ucql_result_kind {
	UCQL_RESULT_VOID = 0x0001,
	UCQL_RESULT_ROWS = 0x0002,
	UCQL_RESULT_SET_KEYSPACE = 0x0003,
	UCQL_RESULT_PREPARED = 0x0004,
	UCQL_RESULT_SCHEMA_CHANGE = 0x0005,
};

/* Metadata flags. In prepared (bind marker) metadata only GLOBAL_TABLES_SPEC
 * exists. */
enum ucql_metadata_flag {
	UCQL_MD_GLOBAL_TABLES_SPEC = 0x0001,
	UCQL_MD_HAS_MORE_PAGES = 0x0002,
	UCQL_MD_NO_METADATA = 0x0004,
	UCQL_MD_METADATA_CHANGED = 0x0008, /* v5 */
};

/* One column (or bind marker) specification. */
typedef struct ucql_col_spec {
	ucql_bytes keyspace;
	ucql_bytes table;
	ucql_bytes name;
	ucql_bytes type; /* the raw [option]: id and parameters */
} ucql_col_spec;

/*
 * Rows metadata or prepared (bind marker) metadata.
 *
 * Decoded: every view points into the body; `specs` holds the validated
 * column specs (empty with No_metadata), `pk_raw` the pk_count big-endian
 * [short] indexes; cols and pk_indexes are NULL.
 *
 * Encoding: set flags and the fields they call for; columns_count specs
 * come from `cols` when non-NULL (their keyspace/table are ignored with
 * GLOBAL_TABLES_SPEC, which takes global_keyspace/global_table), else
 * `specs` is written raw — so a decoded metadata re-encodes as is. Likewise
 * pk indexes come from `pk_indexes` when non-NULL, else from `pk_raw`.
 */
typedef struct ucql_metadata {
	int32_t flags;
	int32_t columns_count;
	ucql_value paging_state;    /* HAS_MORE_PAGES: a [bytes] (may be null) */
	ucql_bytes new_metadata_id; /* METADATA_CHANGED (v5) */
	ucql_bytes global_keyspace; /* GLOBAL_TABLES_SPEC */
	ucql_bytes global_table;
	ucql_bytes specs;           /* raw column specs */
	int32_t pk_count;           /* prepared metadata, v4+ */
	ucql_bytes pk_raw;          /* pk_count × [short] */
	const ucql_col_spec *cols;  /* encode only */
	const uint16_t *pk_indexes; /* encode only */
} ucql_metadata;

/* Column spec iterator over a decoded metadata. */
typedef struct ucql_col_iter {
	ucql_reader r;
	int global;
	ucql_bytes keyspace, table;
} ucql_col_iter;

/* Starts iterating md's column specs (none with No_metadata). */
UCQL_API void ucql_col_iter_init(ucql_col_iter *it, const ucql_metadata *md);
/* Fills *c with the next spec (views into the body); 1 if one was read,
 * 0 at the end. */
UCQL_API int ucql_col_iter_next(ucql_col_iter *it, ucql_col_spec *c);
/* Index of the first column whose name equals `name` exactly (CQL names are
 * case-sensitive once unquoted by the server), or -1 if none (or No_metadata).
 * Linear in the number of columns. */
UCQL_API int32_t ucql_metadata_find_column(const ucql_metadata *md, ucql_bytes name);
/* The i-th partition key index of a decoded prepared metadata (i < pk_count). */
static inline uint16_t ucql_metadata_pk_index(const ucql_metadata *md, int32_t i)
{
	return ucql__be16(md->pk_raw.p + 2 * (size_t)i);
}

/* Rows: metadata, then rows_count × columns_count validated cells. */
typedef struct ucql_rows {
	ucql_metadata metadata;
	int32_t rows_count;
	ucql_bytes content; /* the cells, raw */
} ucql_rows;

/* Cell iterator over rows content that ucql_result_decode validated. */
typedef struct ucql_cell_iter {
	const uint8_t *p;
	const uint8_t *end;
	int32_t rows_read; /* rows returned by ucql_row_next so far */
} ucql_cell_iter;

/* Widest row for which decode and ucql_row_next predict cell lengths. */
#define UCQL__ROWS_PREDICT_COLS 64

static inline ucql_cell_iter ucql_rows_cells(const ucql_rows *rows)
{
	ucql_cell_iter it = { rows->content.p, ucql__end(rows->content.p, rows->content.len), 0 };
	return it;
}

/* The next cell, row after row: 1 and *v set (len >= 0, or UCQL_NULL for
 * any negative wire length), or 0 at the end. The hot path: no bounds
 * checks beyond the end test, because decode validated every length.
 * Walking cells is a chain of dependent loads (each length gives the next
 * cell's address); nulls take a predicted branch rather than a cmov, which
 * would lengthen that chain by a cycle per cell. */
static inline int ucql_cell_next(ucql_cell_iter *it, ucql_value *v)
{
	if (it->p >= it->end)
		return 0;
	int32_t n = (int32_t)ucql__be32(it->p);
	it->p += 4;
	v->p = it->p;
	if (__builtin_expect(n < 0, 0)) {
		v->len = UCQL_NULL;
		return 1;
	}
	v->len = n;
	it->p += (size_t)n;
	return 1;
}

/* ucql_row_next's rare path: this cell's length differs from the previous
 * row's. Out of line on purpose, so the compiler keeps a predicted branch
 * instead of a cmov that would make the next address wait for the load. */
__attribute__((cold, noinline, unused)) static void ucql__cell_relen(ucql_value *v, int32_t n)
{
	v->len = n < 0 ? UCQL_NULL : n;
}

/* The next row's ncols cells (ncols = metadata.columns_count) into out[];
 * 1, or 0 at the end. With 0 columns there are no cells: count rows_count
 * instead. The fastest way through a result: keep passing the same out[]
 * (leave it as the previous call wrote it), whose previous row predicts each
 * cell's length; a correct guess lets the CPU compute the next cell's
 * address without waiting for the load of this one's length (see the
 * comment on ucql_cell_next). Mixing ucql_cell_next and ucql_row_next on
 * one iterator is allowed only at row boundaries. */
static inline int ucql_row_next(ucql_cell_iter *it, ucql_value *out, int32_t ncols)
{
	if (it->p >= it->end)
		return 0;
	if (it->rows_read++ == 0 || ncols > UCQL__ROWS_PREDICT_COLS) {
		for (int32_t i = 0; i < ncols; i++)
			(void)ucql_cell_next(it, &out[i]);
		return 1;
	}
	const uint8_t *p = it->p;
	for (int32_t i = 0; i < ncols; i++) {
		int32_t n = (int32_t)ucql__be32(p);
		if (__builtin_expect(n != out[i].len, 0))
			ucql__cell_relen(&out[i], n);
		/* On the predicted path out[i].len is last row's length: the
		 * next address does not depend on the load above. (Predicting
		 * only the columns that repeated last row measured slower in
		 * every case, variable lengths included: docs/PERFORMANCE.md.) */
		int32_t a = out[i].len > 0 ? out[i].len : 0;
		out[i].p = p + 4;
		p += 4 + (size_t)a;
	}
	it->p = p;
	return 1;
}

typedef struct ucql_prepared {
	ucql_bytes id;                 /* prepared statement id */
	ucql_bytes result_metadata_id; /* v5 */
	ucql_metadata params;          /* bind markers (prepared metadata) */
	ucql_metadata result;          /* rows metadata (may be No_metadata) */
} ucql_prepared;

typedef struct ucql_result {
	int32_t kind; /* enum ucql_result_kind */
	union {
		ucql_rows rows;
		ucql_bytes keyspace; /* SET_KEYSPACE */
		ucql_prepared prepared;
		ucql_schema_change schema_change;
	} u;
} ucql_result;

/* Decodes a RESULT body (errors: see above and ucql/response.h; also
 * UCQL_E_BAD_TYPE / UCQL_E_TOO_DEEP from a column type, UCQL_E_BAD_VALUE
 * for a pk index >= columns_count). */
UCQL_API int ucql_result_decode(ucql_bytes body, int version, ucql_result *m);

/* Encodes any kind; ROWS writes rows.metadata, rows_count and
 * rows.content raw (the caller vouches that content holds rows_count ×
 * columns_count cells). For streaming rows use the begin/end pair below. */
UCQL_API void ucql_result_encode(ucql_writer *w, int version, const ucql_result *m);
UCQL_API void ucql_result_void_encode(ucql_writer *w, int version);
UCQL_API void ucql_result_set_keyspace_encode(ucql_writer *w, int version, ucql_bytes keyspace);
UCQL_API void ucql_result_prepared_encode(ucql_writer *w, int version, const ucql_prepared *m);
UCQL_API void ucql_result_schema_change_encode(ucql_writer *w, int version,
					       const ucql_schema_change *m);

/* Streaming Rows: begin writes the kind and md (see ucql_metadata) and a
 * placeholder rows_count, and returns the offset of that count; the caller
 * then writes md->columns_count cells per row with ucql_write_value (or
 * ucql_write_bytes); end patches rows_count in. No arrays of cells needed. */
UCQL_API size_t ucql_result_rows_begin(ucql_writer *w, int version, const ucql_metadata *md);
UCQL_API void ucql_result_rows_end(ucql_writer *w, size_t count_at, int32_t rows_count);

/* Rows metadata alone. Invalid flags for the version, a negative
 * columns_count, or no column specs without No_metadata: w->err =
 * UCQL_E_INVALID_ARG. */
UCQL_API void ucql_metadata_encode(ucql_writer *w, int version, const ucql_metadata *md);
/* Prepared (bind marker) metadata alone: pk indexes written in v4+ only. */
UCQL_API void ucql_prepared_metadata_encode(ucql_writer *w, int version, const ucql_metadata *md);

#ifdef __cplusplus
}
#endif
#endif
