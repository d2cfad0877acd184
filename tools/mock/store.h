/*
 * store.h — one node's in-memory data of one table: partitions sorted by
 * (token, serialized partition key), rows sorted by clustering key with the
 * columns' comparators (DESC columns reversed), cells with write
 * timestamps (last write wins) and TTL expiry, row and partition
 * tombstones.
 *
 * Deletions apply to what is stored and leave a tombstone timestamp on the
 * row / partition, so that an older write arriving later stays deleted.
 * (Range tombstones are applied to the rows present and not kept.)
 *
 * Loop thread only.
 */
#ifndef MOCK_STORE_H
#define MOCK_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "schema.h"

#define MOCK_TS_NONE INT64_MIN

typedef struct mock_cell {
	uint8_t *p;
	int32_t len;    /* -1: no value */
	int64_t ts;     /* write timestamp (µs); MOCK_TS_NONE: never written */
	int64_t expire; /* expiry (seconds since the epoch); 0: none */
	int32_t ttl;    /* as written */
} mock_cell;

typedef struct mock_row {
	mock_cell *cells;     /* one per table column (key cells included) */
	int64_t marker_ts;    /* INSERT's row marker; MOCK_TS_NONE: none */
	int64_t marker_expire;
	int32_t marker_ttl;
	int64_t del_ts;       /* row tombstone; MOCK_TS_NONE: none */
} mock_row;

typedef struct mock_partition {
	int64_t token;
	uint8_t *key;         /* serialized partition key (routing key) */
	size_t klen;
	mock_row statics;     /* partition key and static cells */
	mock_row **rows;      /* sorted by clustering */
	size_t nrows, cap;
	int64_t del_ts;       /* partition tombstone */
} mock_partition;

struct mock_tstore {
	size_t ncols;
	mock_partition **parts; /* sorted by (token, key bytes) */
	size_t n, cap;
};

/* The node's store of table t, created on first use (NULL: out of memory
 * or bad node). */
mock_tstore *mock_tstore_get(mock_table *t, int node);
void mock_tstore_free(mock_tstore *s);
void mock_tstore_truncate(mock_tstore *s);

/* Index of the first partition >= (token, key). */
size_t mock_tstore_lower(const mock_tstore *s, int64_t token, const uint8_t *key, size_t klen);
mock_partition *mock_tstore_find(const mock_tstore *s, int64_t token, const uint8_t *key,
				 size_t klen);
/* Finds or creates the partition; pk = the key's column values. */
mock_partition *mock_tstore_partition(mock_tstore *s, const mock_table *t, int64_t token,
				      const uint8_t *key, size_t klen, const ucql_value *pk);

/* Compares clustering keys (t->nck values each) in the table's order. */
int mock_ck_compare(const mock_table *t, const ucql_value *a, const ucql_value *b, size_t n);
/* Clustering values of a row (views of its key cells) into out[t->nck]. */
void mock_row_ck(const mock_table *t, const mock_row *r, ucql_value *out);
/* Index of the first row whose clustering is >= ck (first n columns
 * compared; with `after`, the first one > ck). */
size_t mock_partition_lower(const mock_table *t, const mock_partition *p, const ucql_value *ck,
			    size_t n, int after);
/* Finds or creates the row with clustering ck (t->nck values); NULL: out
 * of memory. */
mock_row *mock_partition_row(mock_partition *p, const mock_table *t, const ucql_value *ck);

/* Writes a cell if ts wins over what is there (and over tombstones
 * given); v.len < 0 writes a deletion (null). 0 or UCQL_E_NOMEM. */
int mock_cell_write(mock_cell *c, ucql_value v, int64_t ts, int32_t ttl, int64_t now_s);
/* 1 if the cell holds a live value at now_s, given the tombstone ts. */
int mock_cell_live(const mock_cell *c, int64_t del_ts, int64_t now_s);
/* 1 if the row has a live marker or live non-key cell. */
int mock_row_live(const mock_table *t, const mock_partition *p, const mock_row *r, int64_t now_s);
/* Row tombstone at ts: drops the cells it shadows. */
void mock_row_delete(const mock_table *t, mock_row *r, int64_t ts);
/* Partition tombstone at ts (rows and statics). */
void mock_partition_delete(const mock_table *t, mock_partition *p, int64_t ts);
/* Effective tombstone of a row: max(row, partition). */
static inline int64_t mock_row_del(const mock_partition *p, const mock_row *r)
{
	return r->del_ts > p->del_ts ? r->del_ts : p->del_ts;
}

#endif
