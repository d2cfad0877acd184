/*
 * vrow.c — the row builder of the virtual tables (vrow.h).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "ucql/wire.h"
#include "vrow.h"

void mock_vrow_begin(mock_vrow *r, mock_exec *x, mock_table *t, mock_tstore *s)
{
	memset(r, 0, sizeof *r);
	r->x = x;
	r->t = t;
	r->s = s;
	r->v = mock_arena_alloc(x->arena, (t->ncols + 1) * sizeof *r->v);
	if (!r->v) {
		r->err = UCQL_E_NOMEM;
		return;
	}
	for (size_t i = 0; i < t->ncols; i++)
		r->v[i] = ucql_value_null();
}

void mock_vrow_raw(mock_vrow *r, const char *col, const void *p, size_t n)
{
	if (r->err)
		return;
	int c = mock_table_column(r->t, col);
	if (c < 0)
		return; /* a column this mode does not have */
	uint8_t *d = mock_arena_alloc(r->x->arena, n + 1);
	if (!d) {
		r->err = UCQL_E_NOMEM;
		return;
	}
	if (n)
		memcpy(d, p, n);
	r->v[c] = ucql_value_of(d, (int32_t)n);
}

void mock_vrow_text(mock_vrow *r, const char *col, const char *s)
{
	if (s)
		mock_vrow_raw(r, col, s, strlen(s));
}

void mock_vrow_int(mock_vrow *r, const char *col, int32_t v)
{
	uint8_t b[4];
	ucql__put32(b, (uint32_t)v);
	mock_vrow_raw(r, col, b, 4);
}

void mock_vrow_bigint(mock_vrow *r, const char *col, int64_t v)
{
	uint8_t b[8];
	ucql__put64(b, (uint64_t)v);
	mock_vrow_raw(r, col, b, 8);
}

void mock_vrow_bool(mock_vrow *r, const char *col, int v)
{
	uint8_t b = v ? 1 : 0;
	mock_vrow_raw(r, col, &b, 1);
}

void mock_vrow_inet(mock_vrow *r, const char *col, const char *addr)
{
	struct in_addr a;
	if (inet_pton(AF_INET, addr, &a) == 1)
		mock_vrow_raw(r, col, &a, 4);
}

void mock_vrow_double(mock_vrow *r, const char *col, double d)
{
	uint64_t u;
	memcpy(&u, &d, 8);
	uint8_t b[8];
	ucql__put64(b, u);
	mock_vrow_raw(r, col, b, 8);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void mock_vrow_strings(mock_vrow *r, const char *col, const char **s, size_t n, int sort)
{
	if (sort)
		qsort(s, n, sizeof *s, cmp_str);
	mock_dbuf b = { 0 };
	mock_dbuf_int(&b, (int32_t)n);
	for (size_t i = 0; i < n; i++)
		mock_dbuf_value(&b, ucql_value_of(s[i], (int32_t)strlen(s[i])));
	if (b.err)
		r->err = b.err;
	else
		mock_vrow_raw(r, col, b.p, b.len);
	mock_dbuf_free(&b);
}

void mock_vrow_map(mock_vrow *r, const char *col, const char *const *kv, size_t n)
{
	/* Sort a copy of the keys, then emit each key's pair in that order
	 * (the keys are compared by address: kv is the caller's, unchanged). */
	const char **keys = malloc((n + 1) * sizeof *keys);
	if (!keys) {
		r->err = UCQL_E_NOMEM;
		return;
	}
	for (size_t i = 0; i < n; i++)
		keys[i] = kv[2 * i];
	qsort(keys, n, sizeof *keys, cmp_str);
	mock_dbuf b = { 0 };
	mock_dbuf_int(&b, (int32_t)n);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			if (kv[2 * j] == keys[i]) {
				mock_dbuf_value(&b, ucql_value_of(kv[2 * j], (int32_t)strlen(kv[2 * j])));
				mock_dbuf_value(&b, ucql_value_of(kv[2 * j + 1], (int32_t)strlen(kv[2 * j + 1])));
			}
	free(keys);
	if (b.err)
		r->err = b.err;
	else
		mock_vrow_raw(r, col, b.p, b.len);
	mock_dbuf_free(&b);
}

int mock_vrow_end(mock_vrow *r)
{
	if (r->err)
		return r->err;
	const mock_table *t = r->t;
	ucql_bytes key;
	int64_t token;
	int rc = mock_pk_key(r->x->arena, t, r->v, &key, &token);
	if (rc)
		return rc;
	mock_partition *p = mock_tstore_partition(r->s, t, token, key.p, key.len, r->v);
	if (!p)
		return UCQL_E_NOMEM;
	mock_row *row = mock_partition_row(p, t, r->v + t->npk);
	if (!row)
		return UCQL_E_NOMEM;
	/* Live (marker and cells at timestamp 1, no TTL) so SELECT sees it. */
	row->marker_ts = 1;
	for (size_t i = t->npk + t->nck; i < t->ncols; i++)
		if (r->v[i].len >= 0 && mock_cell_write(&row->cells[i], r->v[i], 1, 0, 0))
			return UCQL_E_NOMEM;
	return 0;
}
