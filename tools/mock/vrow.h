/*
 * vrow.h — a builder for one row of a virtual table (system.*,
 * system_schema.*, ucql_mock.*), shared by systables.c and rules_table.c:
 * the rows are computed at each SELECT into a scratch store that the
 * ordinary SELECT machinery then reads.
 *
 * Begin a row, set the columns it has, end it. A setter naming a column the
 * table does not have is a no-op (the same code serves tables that differ
 * by protocol mode); the first failure (UCQL_E_NOMEM) is kept in err, later
 * setters do nothing, and mock_vrow_end returns it. Values live in the
 * request's arena.
 */
#ifndef MOCK_VROW_H
#define MOCK_VROW_H

#include <stddef.h>
#include <stdint.h>

#include "engine_int.h"

typedef struct mock_vrow {
	mock_exec *x;
	mock_table *t;
	mock_tstore *s;   /* where mock_vrow_end stores the row */
	ucql_value *v;    /* t->ncols values, null unless set */
	int err;
} mock_vrow;

void mock_vrow_begin(mock_vrow *r, mock_exec *x, mock_table *t, mock_tstore *s);
/* The column's value is n bytes at p, copied. */
void mock_vrow_raw(mock_vrow *r, const char *col, const void *p, size_t n);
/* s NULL leaves the column null. */
void mock_vrow_text(mock_vrow *r, const char *col, const char *s);
void mock_vrow_int(mock_vrow *r, const char *col, int32_t v);
void mock_vrow_bigint(mock_vrow *r, const char *col, int64_t v);
void mock_vrow_bool(mock_vrow *r, const char *col, int v);
/* An IPv4 dotted quad; anything else leaves the column null. */
void mock_vrow_inet(mock_vrow *r, const char *col, const char *addr);
void mock_vrow_double(mock_vrow *r, const char *col, double d);
/* A set<text> (sort: s is sorted in place, as Cassandra orders UTF8
 * bytewise) or a list<text> (sort 0: s as given). */
void mock_vrow_strings(mock_vrow *r, const char *col, const char **s, size_t n, int sort);
/* A map<text, text> of n pairs kv[2i] -> kv[2i + 1], keys sorted. */
void mock_vrow_map(mock_vrow *r, const char *col, const char *const *kv, size_t n);
/* Stores the row in r->s: 0, or the first failure (UCQL_E_NOMEM, or
 * mock_pk_key's error). */
int mock_vrow_end(mock_vrow *r);

#endif
