/*
 * statement_int.h — the statement builder's storage, read by the request
 * encoder (lib/request.c).
 */
#ifndef UCQL_STATEMENT_INT_H
#define UCQL_STATEMENT_INT_H

#include "core.h"

/* A growable byte buffer. */
typedef struct ucql__buf {
	uint8_t *p;
	size_t len, cap;
} ucql__buf;
int ucql__buf_reserve(ucql__buf *b, size_t n);
int ucql__buf_append(ucql__buf *b, const void *p, size_t n);

enum { UCQL__STMT_SIMPLE = 1, UCQL__STMT_PREPARED = 2, UCQL__STMT_BATCH = 3 };

/* Where value i's serialized [value] is in the blob; off UINT32_MAX:
 * not bound. */
typedef struct ucql__stmt_val {
	uint32_t off;
	uint32_t len;
} ucql__stmt_val;

struct ucql_statement {
	int kind;
	char *query;
	size_t query_len;
	ucql_prepared_stmt *prep;
	size_t n_values, cap_values;
	ucql__stmt_val *vals;
	ucql__buf blob;
	size_t live;               /* bytes of the blob still bound */
	/* simple statements with named values: NUL-terminated names in index
	 * order */
	int named;
	size_t n_named;
	ucql__buf names;
	/* bind_begin / bind_end */
	int bind_open;
	size_t bind_index;
	ucql_writer bind_w;
	/* options */
	int consistency, serial;
	int64_t timestamp;
	int64_t timeout_ms;
	int idempotent;
	int32_t page_size;
	int has_paging_state;
	ucql__buf paging_state;
	char *keyspace;
	int tracing;
	size_t n_payload;
	ucql__buf payload;        /* [string][bytes] pairs */
	ucql__buf routing_key;
	/* batches: the children as on the wire */
	int batch_type;
	uint16_t batch_count;
	ucql__buf batch;
	int has_unset;
	ucql_prepared_stmt **children_prep;
	size_t n_children_prep;
};

ucql_statement *ucql__statement_clone(const ucql_statement *st);

#endif
