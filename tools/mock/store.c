/*
 * store.c — per node, per table partitions / rows / cells (see store.h).
 */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "cql_literal.h"

static void row_clear(mock_row *r, size_t ncols)
{
	if (r->cells)
		for (size_t i = 0; i < ncols; i++)
			free(r->cells[i].p);
	free(r->cells);
	r->cells = NULL;
}

static int row_init(mock_row *r, size_t ncols)
{
	memset(r, 0, sizeof *r);
	r->marker_ts = MOCK_TS_NONE;
	r->del_ts = MOCK_TS_NONE;
	r->cells = calloc(ncols ? ncols : 1, sizeof *r->cells);
	if (!r->cells)
		return UCQL_E_NOMEM;
	for (size_t i = 0; i < ncols; i++) {
		r->cells[i].len = -1;
		r->cells[i].ts = MOCK_TS_NONE;
	}
	return 0;
}

static void partition_free(mock_partition *p, size_t ncols)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nrows; i++) {
		row_clear(p->rows[i], ncols);
		free(p->rows[i]);
	}
	row_clear(&p->statics, ncols);
	free(p->rows);
	free(p->key);
	free(p);
}

void mock_tstore_truncate(mock_tstore *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		partition_free(s->parts[i], s->ncols);
	s->n = 0;
}

void mock_tstore_free(mock_tstore *s)
{
	if (!s)
		return;
	mock_tstore_truncate(s);
	free(s->parts);
	free(s);
}

mock_tstore *mock_tstore_get(mock_table *t, int node)
{
	if (node <= 0 || (size_t)node >= t->nstores)
		return NULL;
	if (!t->stores[node]) {
		mock_tstore *s = calloc(1, sizeof *s);
		if (!s)
			return NULL;
		s->ncols = t->ncols;
		t->stores[node] = s;
	}
	return t->stores[node];
}

static int part_cmp(const mock_partition *p, int64_t token, const uint8_t *key, size_t klen)
{
	if (p->token != token)
		return p->token < token ? -1 : 1;
	size_t n = p->klen < klen ? p->klen : klen;
	int c = n ? memcmp(p->key, key, n) : 0;
	if (c)
		return c;
	return p->klen < klen ? -1 : p->klen > klen;
}

size_t mock_tstore_lower(const mock_tstore *s, int64_t token, const uint8_t *key, size_t klen)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (part_cmp(s->parts[mid], token, key, klen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

mock_partition *mock_tstore_find(const mock_tstore *s, int64_t token, const uint8_t *key,
				 size_t klen)
{
	size_t i = mock_tstore_lower(s, token, key, klen);
	if (i < s->n && !part_cmp(s->parts[i], token, key, klen))
		return s->parts[i];
	return NULL;
}

static uint8_t *dup_bytes(const void *p, size_t n)
{
	uint8_t *d = malloc(n ? n : 1);
	if (d && n)
		memcpy(d, p, n);
	return d;
}

/* Stores a key value in a cell (no timestamp logic). */
static int set_key_cell(mock_cell *c, ucql_value v)
{
	free(c->p);
	c->p = NULL;
	c->len = v.len < 0 ? -1 : v.len;
	if (v.len >= 0 && !(c->p = dup_bytes(v.p, (size_t)v.len)))
		return UCQL_E_NOMEM;
	return 0;
}

mock_partition *mock_tstore_partition(mock_tstore *s, const mock_table *t, int64_t token,
				      const uint8_t *key, size_t klen, const ucql_value *pk)
{
	size_t i = mock_tstore_lower(s, token, key, klen);
	if (i < s->n && !part_cmp(s->parts[i], token, key, klen))
		return s->parts[i];
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		mock_partition **v = realloc(s->parts, cap * sizeof *v);
		if (!v)
			return NULL;
		s->parts = v;
		s->cap = cap;
	}
	mock_partition *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->token = token;
	p->klen = klen;
	p->del_ts = MOCK_TS_NONE;
	if (!(p->key = dup_bytes(key, klen)) || row_init(&p->statics, t->ncols)) {
		free(p->key);
		free(p);
		return NULL;
	}
	for (size_t k = 0; k < t->npk; k++)
		if (set_key_cell(&p->statics.cells[k], pk[k])) {
			partition_free(p, t->ncols);
			return NULL;
		}
	memmove(&s->parts[i + 1], &s->parts[i], (s->n - i) * sizeof *s->parts);
	s->parts[i] = p;
	s->n++;
	return p;
}

int mock_ck_compare(const mock_table *t, const ucql_value *a, const ucql_value *b, size_t n)
{
	for (size_t i = 0; i < n && i < t->nck; i++) {
		const mock_column *c = &t->cols[t->npk + i];
		int r = mock_value_compare_dir(&c->types, c->root, a[i], b[i], c->desc);
		if (r)
			return r;
	}
	return 0;
}

void mock_row_ck(const mock_table *t, const mock_row *r, ucql_value *out)
{
	for (size_t i = 0; i < t->nck; i++) {
		const mock_cell *c = &r->cells[t->npk + i];
		out[i] = ucql_value_of(c->p, c->len);
	}
}

size_t mock_partition_lower(const mock_table *t, const mock_partition *p, const ucql_value *ck,
			    size_t n, int after)
{
	ucql_value rk[64];
	size_t lo = 0, hi = p->nrows;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		mock_row_ck(t, p->rows[mid], rk);
		int c = mock_ck_compare(t, rk, ck, n);
		if (c < 0 || (after && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

mock_row *mock_partition_row(mock_partition *p, const mock_table *t, const ucql_value *ck)
{
	size_t i = mock_partition_lower(t, p, ck, t->nck, 0);
	if (i < p->nrows) {
		ucql_value rk[64];
		mock_row_ck(t, p->rows[i], rk);
		if (!mock_ck_compare(t, rk, ck, t->nck))
			return p->rows[i];
	}
	if (p->nrows == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 4;
		mock_row **v = realloc(p->rows, cap * sizeof *v);
		if (!v)
			return NULL;
		p->rows = v;
		p->cap = cap;
	}
	mock_row *r = malloc(sizeof *r);
	if (!r || row_init(r, t->ncols)) {
		free(r);
		return NULL;
	}
	for (size_t k = 0; k < t->ncols; k++) {
		int rc = 0;
		if (k < t->npk)
			rc = set_key_cell(&r->cells[k], ucql_value_of(p->statics.cells[k].p, p->statics.cells[k].len));
		else if (k < t->npk + t->nck)
			rc = set_key_cell(&r->cells[k], ck[k - t->npk]);
		if (rc) {
			row_clear(r, t->ncols);
			free(r);
			return NULL;
		}
	}
	memmove(&p->rows[i + 1], &p->rows[i], (p->nrows - i) * sizeof *p->rows);
	p->rows[i] = r;
	p->nrows++;
	return r;
}

int mock_cell_write(mock_cell *c, ucql_value v, int64_t ts, int32_t ttl, int64_t now_s)
{
	/* Last write wins; on a timestamp tie Cassandra keeps the greater
	 * value (deletions win): approximate with "the later write wins". */
	if (c->ts != MOCK_TS_NONE && ts < c->ts)
		return 0;
	uint8_t *p = NULL;
	if (v.len >= 0 && !(p = dup_bytes(v.p, (size_t)v.len)))
		return UCQL_E_NOMEM;
	free(c->p);
	c->p = p;
	c->len = v.len >= 0 ? v.len : -1;
	c->ts = ts;
	c->ttl = v.len >= 0 ? ttl : 0;
	c->expire = v.len >= 0 && ttl > 0 ? now_s + ttl : 0;
	return 0;
}

int mock_cell_live(const mock_cell *c, int64_t del_ts, int64_t now_s)
{
	if (c->len < 0 || c->ts == MOCK_TS_NONE || c->ts <= del_ts)
		return 0;
	return !c->expire || c->expire > now_s;
}

int mock_row_live(const mock_table *t, const mock_partition *p, const mock_row *r, int64_t now_s)
{
	int64_t del = mock_row_del(p, r);
	if (r->marker_ts != MOCK_TS_NONE && r->marker_ts > del &&
	    (!r->marker_expire || r->marker_expire > now_s))
		return 1;
	for (size_t i = t->npk + t->nck; i < t->ncols; i++)
		if (t->cols[i].kind == MOCK_COL_REGULAR && mock_cell_live(&r->cells[i], del, now_s))
			return 1;
	return 0;
}

static void shadow_cells(const mock_table *t, mock_row *r, int64_t ts)
{
	for (size_t i = t->npk + t->nck; i < t->ncols; i++) {
		mock_cell *c = &r->cells[i];
		if (c->ts != MOCK_TS_NONE && c->ts <= ts) {
			free(c->p);
			c->p = NULL;
			c->len = -1;
		}
	}
	if (r->marker_ts <= ts)
		r->marker_ts = MOCK_TS_NONE;
}

void mock_row_delete(const mock_table *t, mock_row *r, int64_t ts)
{
	if (ts > r->del_ts)
		r->del_ts = ts;
	shadow_cells(t, r, ts);
}

void mock_partition_delete(const mock_table *t, mock_partition *p, int64_t ts)
{
	if (ts > p->del_ts)
		p->del_ts = ts;
	shadow_cells(t, &p->statics, ts);
	for (size_t i = 0; i < p->nrows; i++)
		shadow_cells(t, p->rows[i], ts);
}
