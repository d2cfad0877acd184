/*
 * statement.c — the statement builder (ucql/statement.h).
 *
 * Values are kept serialized: each bound value is one [value] (length
 * prefix included) in `blob`, and vals[i] says where. Encoding a request
 * then only copies them (lib/request.c), in index order.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "statement_int.h"

#define UNBOUND UINT32_MAX

static ucql_statement *stmt_alloc(int kind)
{
	ucql_statement *st = calloc(1, sizeof *st);
	if (!st)
		return NULL;
	st->kind = kind;
	st->consistency = UCQL_CL_DEFAULT;
	st->serial = UCQL_CL_DEFAULT;
	st->timestamp = INT64_MIN;
	st->timeout_ms = -1;
	st->page_size = -1;
	return st;
}

static int grow_vals(ucql_statement *st, size_t n)
{
	if (n > 65535) /* the [short] count of §4.1.4 */
		return UCQL_E_INVALID_ARG;
	if (n <= st->cap_values) {
		for (size_t i = st->n_values; i < n; i++)
			st->vals[i].off = UNBOUND;
		if (n > st->n_values)
			st->n_values = n;
		return 0;
	}
	size_t cap = st->cap_values ? st->cap_values * 2 : 8;
	while (cap < n)
		cap *= 2;
	ucql__stmt_val *v = realloc(st->vals, cap * sizeof *v);
	if (!v)
		return UCQL_E_NOMEM;
	st->vals = v;
	st->cap_values = cap;
	for (size_t i = st->n_values; i < n; i++)
		st->vals[i].off = UNBOUND;
	st->n_values = n;
	return 0;
}

int ucql__buf_reserve(ucql__buf *b, size_t n)
{
	if (b->len + n <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + n)
		cap *= 2;
	uint8_t *p = realloc(b->p, cap);
	if (!p)
		return UCQL_E_NOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

int ucql__buf_append(ucql__buf *b, const void *p, size_t n)
{
	int r = ucql__buf_reserve(b, n);
	if (r)
		return r;
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

ucql_statement *ucql_statement_new_n(const char *cql, size_t len, size_t n_values)
{
	if (!cql)
		return NULL;
	ucql_statement *st = stmt_alloc(UCQL__STMT_SIMPLE);
	if (!st)
		return NULL;
	st->query = dup_n(cql, len);
	st->query_len = len;
	if (!st->query || grow_vals(st, n_values)) {
		ucql_statement_free(st);
		return NULL;
	}
	return st;
}

ucql_statement *ucql_statement_new(const char *cql, size_t n_values)
{
	return cql ? ucql_statement_new_n(cql, strlen(cql), n_values) : NULL;
}

ucql_statement *ucql_prepared_stmt_bind(ucql_prepared_stmt *p)
{
	if (!p)
		return NULL;
	ucql_statement *st = stmt_alloc(UCQL__STMT_PREPARED);
	if (!st)
		return NULL;
	st->prep = ucql__prepared_ref(p);
	if (grow_vals(st, (size_t)p->n_params)) {
		ucql_statement_free(st);
		return NULL;
	}
	return st;
}

ucql_statement *ucql_statement_new_batch(int batch_type)
{
	if (batch_type < UCQL_BATCH_LOGGED || batch_type > UCQL_BATCH_COUNTER)
		return NULL;
	ucql_statement *st = stmt_alloc(UCQL__STMT_BATCH);
	if (st)
		st->batch_type = batch_type;
	return st;
}

void ucql_statement_free(ucql_statement *st)
{
	if (!st)
		return;
	free(st->query);
	free(st->vals);
	free(st->blob.p);
	free(st->names.p);
	free(st->paging_state.p);
	free(st->keyspace);
	free(st->payload.p);
	free(st->routing_key.p);
	free(st->batch.p);
	for (size_t i = 0; i < st->n_children_prep; i++)
		ucql_prepared_stmt_free(st->children_prep[i]);
	free(st->children_prep);
	if (st->prep)
		ucql_prepared_stmt_free(st->prep);
	free(st);
}

void ucql_statement_clear_values(ucql_statement *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->n_values; i++)
		st->vals[i].off = UNBOUND;
	st->blob.len = 0;
	st->live = 0;
}

/* The writer a binder appends one [value] with. */
static int begin(ucql_statement *st, size_t i, size_t need, ucql_writer *w)
{
	if (!st || st->kind == UCQL__STMT_BATCH)
		return UCQL_E_INVALID_ARG;
	if (st->kind == UCQL__STMT_PREPARED && i >= st->n_values)
		return UCQL_E_INVALID_ARG;
	/* a named simple statement: every value has a name (§4.1.4 flag
	 * 0x40), so no positional value past the named ones */
	if (st->kind == UCQL__STMT_SIMPLE && st->named && i >= st->n_named)
		return UCQL_E_INVALID_ARG;
	if (i >= st->n_values) {
		int r = grow_vals(st, i + 1);
		if (r)
			return r;
	}
	if (ucql__buf_reserve(&st->blob, need))
		return UCQL_E_NOMEM;
	ucql_writer_init(w, st->blob.p + st->blob.len, st->blob.cap - st->blob.len);
	return 0;
}

/* Rewrites the blob with the bound values only, in index order: binding
 * an index again leaves its old bytes behind, so a statement rebound in a
 * loop would otherwise grow without bound. */
static void compact(ucql_statement *st)
{
	uint8_t *p = malloc(st->live ? st->live : 1);
	if (!p)
		return; /* keep the garbage; correctness does not depend on it */
	size_t off = 0;
	for (size_t i = 0; i < st->n_values; i++) {
		if (st->vals[i].off == UNBOUND)
			continue;
		memcpy(p + off, st->blob.p + st->vals[i].off, st->vals[i].len);
		st->vals[i].off = (uint32_t)off;
		off += st->vals[i].len;
	}
	memcpy(st->blob.p, p, off);
	st->blob.len = off;
	free(p);
}

static int commit(ucql_statement *st, size_t i, ucql_writer *w)
{
	if (w->err)
		return w->err;
	ucql__stmt_val *v = &st->vals[i];
	if (v->off != UNBOUND && w->len <= v->len) {
		/* rebinding with a value no longer than the old one: in place
		 * (the common loop of rebinding fixed-size values) */
		memmove(st->blob.p + v->off, w->buf, w->len);
		st->live -= v->len - w->len;
		v->len = (uint32_t)w->len;
		return 0;
	}
	if (v->off != UNBOUND)
		st->live -= v->len;
	v->off = (uint32_t)st->blob.len;
	v->len = (uint32_t)w->len;
	st->blob.len += w->len;
	st->live += w->len;
	if (st->blob.len > 4096 && st->blob.len > 2 * st->live)
		compact(st);
	return 0;
}

/* The CQL type id of marker i of a prepared statement, or -1. */
static int marker_type(const ucql_statement *st, size_t i)
{
	if (st->kind != UCQL__STMT_PREPARED || i >= (size_t)st->prep->n_params)
		return -1;
	ucql_bytes t = st->prep->params[i].type;
	return t.len >= 2 ? (int)ucql__be16(t.p) : -1;
}

static int type_ok(const ucql_statement *st, size_t i, const int *ids, int n)
{
	int t = marker_type(st, i);
	if (t < 0)
		return 1;
	for (int k = 0; k < n; k++)
		if (ids[k] == t)
			return 1;
	return 0;
}

#define CHECK_TYPE(...)                                                          \
	do {                                                                     \
		static const int ids_[] = { __VA_ARGS__ };                       \
		if (!type_ok(st, i, ids_, (int)(sizeof ids_ / sizeof ids_[0]))) \
			return UCQL_E_BAD_VALUE;                                 \
	} while (0)

int ucql_statement_bind_value(ucql_statement *st, size_t i, ucql_value v)
{
	ucql_writer w;
	size_t n = v.len > 0 ? (size_t)v.len : 0;
	if (v.len < UCQL_UNSET)
		return UCQL_E_INVALID_ARG;
	int r = begin(st, i, 4 + n, &w);
	if (r)
		return r;
	ucql_write_value(&w, v);
	return commit(st, i, &w);
}

int ucql_statement_bind_null(ucql_statement *st, size_t i)
{
	return ucql_statement_bind_value(st, i, ucql_value_null());
}

int ucql_statement_bind_unset(ucql_statement *st, size_t i)
{
	return ucql_statement_bind_value(st, i, ucql_value_unset());
}

#define SIMPLE_BINDER(fname, ctype, size, writer, ...)                   \
	int fname(ucql_statement *st, size_t i, ctype v)                 \
	{                                                                \
		ucql_writer w;                                           \
		int r = begin(st, i, 4 + (size), &w);                    \
		if (r)                                                   \
			return r;                                        \
		CHECK_TYPE(__VA_ARGS__);                                 \
		writer(&w, v);                                           \
		return commit(st, i, &w);                                \
	}

SIMPLE_BINDER(ucql_statement_bind_bool, int, 1, ucql_value_write_boolean, UCQL_TYPE_BOOLEAN)
SIMPLE_BINDER(ucql_statement_bind_int8, int8_t, 1, ucql_value_write_tinyint, UCQL_TYPE_TINYINT)
SIMPLE_BINDER(ucql_statement_bind_int16, int16_t, 2, ucql_value_write_smallint, UCQL_TYPE_SMALLINT)
SIMPLE_BINDER(ucql_statement_bind_int32, int32_t, 4, ucql_value_write_int, UCQL_TYPE_INT)
SIMPLE_BINDER(ucql_statement_bind_float, float, 4, ucql_value_write_float, UCQL_TYPE_FLOAT)
SIMPLE_BINDER(ucql_statement_bind_double, double, 8, ucql_value_write_double, UCQL_TYPE_DOUBLE)
SIMPLE_BINDER(ucql_statement_bind_timestamp, int64_t, 8, ucql_value_write_timestamp, UCQL_TYPE_TIMESTAMP)
SIMPLE_BINDER(ucql_statement_bind_time, int64_t, 8, ucql_value_write_time, UCQL_TYPE_TIME)
SIMPLE_BINDER(ucql_statement_bind_inet, const ucql_inet *, 16, ucql_value_write_inet, UCQL_TYPE_INET)
SIMPLE_BINDER(ucql_statement_bind_duration, ucql_duration, 32, ucql_value_write_duration, UCQL_TYPE_DURATION,
	      UCQL_TYPE_CUSTOM)

int ucql_statement_bind_int64(ucql_statement *st, size_t i, int64_t v)
{
	ucql_writer w;
	int r = begin(st, i, 4 + 9, &w);
	if (r)
		return r;
	switch (marker_type(st, i)) {
	case -1:
	case UCQL_TYPE_BIGINT:
	case UCQL_TYPE_COUNTER:
		ucql_value_write_bigint(&w, v);
		break;
	case UCQL_TYPE_TIMESTAMP:
		ucql_value_write_timestamp(&w, v);
		break;
	case UCQL_TYPE_TIME:
		ucql_value_write_time(&w, v);
		break;
	case UCQL_TYPE_VARINT:
		ucql_value_write_varint(&w, v);
		break;
	default:
		return UCQL_E_BAD_VALUE;
	}
	return commit(st, i, &w);
}

int ucql_statement_bind_text(ucql_statement *st, size_t i, const char *s, size_t n)
{
	ucql_writer w;
	if (!s && n)
		return UCQL_E_INVALID_ARG;
	int r = begin(st, i, 4 + n, &w);
	if (r)
		return r;
	CHECK_TYPE(UCQL_TYPE_VARCHAR, UCQL_TYPE_ASCII);
	ucql_value_write_text(&w, ucql_bytes_of(s, n));
	return commit(st, i, &w);
}

int ucql_statement_bind_string(ucql_statement *st, size_t i, const char *s)
{
	return s ? ucql_statement_bind_text(st, i, s, strlen(s)) : UCQL_E_INVALID_ARG;
}

int ucql_statement_bind_blob(ucql_statement *st, size_t i, const void *p, size_t n)
{
	ucql_writer w;
	if (!p && n)
		return UCQL_E_INVALID_ARG;
	int r = begin(st, i, 4 + n, &w);
	if (r)
		return r;
	CHECK_TYPE(UCQL_TYPE_BLOB, UCQL_TYPE_CUSTOM);
	ucql_value_write_blob(&w, ucql_bytes_of(p, n));
	return commit(st, i, &w);
}

int ucql_statement_bind_uuid(ucql_statement *st, size_t i, const uint8_t uuid[16])
{
	ucql_writer w;
	if (!uuid)
		return UCQL_E_INVALID_ARG;
	int r = begin(st, i, 20, &w);
	if (r)
		return r;
	CHECK_TYPE(UCQL_TYPE_UUID, UCQL_TYPE_TIMEUUID);
	if (marker_type(st, i) == UCQL_TYPE_TIMEUUID)
		ucql_value_write_timeuuid(&w, uuid);
	else
		ucql_value_write_uuid(&w, uuid);
	return commit(st, i, &w);
}

int ucql_statement_bind_date(ucql_statement *st, size_t i, int64_t days)
{
	ucql_writer w;
	uint32_t d;
	if (ucql_date_from_days(days, &d))
		return UCQL_E_RANGE;
	int r = begin(st, i, 8, &w);
	if (r)
		return r;
	CHECK_TYPE(UCQL_TYPE_DATE);
	ucql_value_write_date(&w, d);
	return commit(st, i, &w);
}

int ucql_statement_bind_decimal(ucql_statement *st, size_t i, int32_t scale, int64_t unscaled)
{
	ucql_writer w;
	int r = begin(st, i, 4 + 4 + 9, &w);
	if (r)
		return r;
	CHECK_TYPE(UCQL_TYPE_DECIMAL);
	ucql_value_write_decimal(&w, scale, unscaled);
	return commit(st, i, &w);
}

/* bind_begin hands out a writer over the free tail of the blob; a value
 * that does not fit makes bind_end grow the blob and answer NOSPACE, so
 * the caller writes it again (documented in statement.h). */
#define BIND_BEGIN_ROOM 4096

ucql_writer *ucql_statement_bind_begin(ucql_statement *st, size_t i)
{
	if (!st || st->bind_open)
		return NULL;
	if (begin(st, i, BIND_BEGIN_ROOM, &st->bind_w))
		return NULL;
	st->bind_open = 1;
	st->bind_index = i;
	return &st->bind_w;
}

int ucql_statement_bind_end(ucql_statement *st, ucql_writer *w)
{
	if (!st || !st->bind_open || w != &st->bind_w)
		return UCQL_E_INVALID_ARG;
	st->bind_open = 0;
	if (w->err == UCQL_E_NOSPACE) {
		if (ucql__buf_reserve(&st->blob, w->len))
			return UCQL_E_NOMEM;
		return UCQL_E_NOSPACE;
	}
	return commit(st, st->bind_index, w);
}

/* ---- named values ---------------------------------------------------- */

/* Finds (prepared) or creates (simple) the index of name. For prepared
 * statements, every marker with the name is returned through the
 * callback-free loop in the callers: first index here, the rest found by
 * next_marker. */
static long marker_from(const ucql_statement *st, const char *name, size_t from)
{
	for (size_t i = from; i < (size_t)st->prep->n_params; i++)
		if (ucql_bytes_eq_str(st->prep->params[i].name, name))
			return (long)i;
	return -1;
}

static long simple_name_index(ucql_statement *st, const char *name)
{
	/* names blob: for index i, a NUL-terminated name at names_off[i] */
	size_t off = 0;
	for (size_t i = 0; i < st->n_values && off < st->names.len; i++) {
		const char *n = (const char *)st->names.p + off;
		if (strcmp(n, name) == 0)
			return (long)i;
		off += strlen(n) + 1;
	}
	if (st->n_values != st->n_named)
		return -1;
	size_t i = st->n_values;
	if (grow_vals(st, i + 1) || ucql__buf_append(&st->names, name, strlen(name) + 1))
		return -2;
	st->n_named = i + 1;
	return (long)i;
}

typedef int (*bind_fn)(ucql_statement *st, size_t i, const void *arg);

static int by_name(ucql_statement *st, const char *name, bind_fn fn, const void *arg)
{
	if (!st || !name || st->kind == UCQL__STMT_BATCH)
		return UCQL_E_INVALID_ARG;
	if (st->kind == UCQL__STMT_PREPARED) {
		long i = marker_from(st, name, 0);
		if (i < 0)
			return UCQL_E_INVALID_ARG;
		for (; i >= 0; i = marker_from(st, name, (size_t)i + 1)) {
			int r = fn(st, (size_t)i, arg);
			if (r)
				return r;
		}
		return 0;
	}
	if (st->n_values && !st->n_named)
		return UCQL_E_INVALID_ARG; /* positional values already */
	long i = simple_name_index(st, name);
	if (i == -2)
		return UCQL_E_NOMEM;
	if (i < 0)
		return UCQL_E_INVALID_ARG;
	st->named = 1;
	return fn(st, (size_t)i, arg);
}

static int b_value(ucql_statement *st, size_t i, const void *a)
{
	return ucql_statement_bind_value(st, i, *(const ucql_value *)a);
}
static int b_int32(ucql_statement *st, size_t i, const void *a)
{
	return ucql_statement_bind_int32(st, i, *(const int32_t *)a);
}
static int b_int64(ucql_statement *st, size_t i, const void *a)
{
	return ucql_statement_bind_int64(st, i, *(const int64_t *)a);
}
static int b_double(ucql_statement *st, size_t i, const void *a)
{
	return ucql_statement_bind_double(st, i, *(const double *)a);
}
static int b_string(ucql_statement *st, size_t i, const void *a)
{
	return ucql_statement_bind_string(st, i, (const char *)a);
}
static int b_blob(ucql_statement *st, size_t i, const void *a)
{
	const ucql_bytes *b = a;
	return ucql_statement_bind_blob(st, i, b->p, b->len);
}

int ucql_statement_bind_value_by_name(ucql_statement *st, const char *name, ucql_value v)
{
	return by_name(st, name, b_value, &v);
}
int ucql_statement_bind_null_by_name(ucql_statement *st, const char *name)
{
	ucql_value v = ucql_value_null();
	return by_name(st, name, b_value, &v);
}
int ucql_statement_bind_int32_by_name(ucql_statement *st, const char *name, int32_t v)
{
	return by_name(st, name, b_int32, &v);
}
int ucql_statement_bind_int64_by_name(ucql_statement *st, const char *name, int64_t v)
{
	return by_name(st, name, b_int64, &v);
}
int ucql_statement_bind_double_by_name(ucql_statement *st, const char *name, double v)
{
	return by_name(st, name, b_double, &v);
}
int ucql_statement_bind_string_by_name(ucql_statement *st, const char *name, const char *s)
{
	return s ? by_name(st, name, b_string, s) : UCQL_E_INVALID_ARG;
}
int ucql_statement_bind_blob_by_name(ucql_statement *st, const char *name, const void *p, size_t n)
{
	ucql_bytes b = ucql_bytes_of(p, n);
	return by_name(st, name, b_blob, &b);
}

ucql_writer *ucql_statement_bind_begin_by_name(ucql_statement *st, const char *name)
{
	if (!st || !name || st->kind == UCQL__STMT_BATCH)
		return NULL;
	long i;
	if (st->kind == UCQL__STMT_PREPARED) {
		i = marker_from(st, name, 0);
	} else {
		if (st->n_values && !st->n_named)
			return NULL;
		i = simple_name_index(st, name);
		st->named = 1;
	}
	return i < 0 ? NULL : ucql_statement_bind_begin(st, (size_t)i);
}

/* ---- batches ----------------------------------------------------------- */

int ucql_statement_batch_add(ucql_statement *batch, const ucql_statement *child)
{
	if (!batch || !child || batch->kind != UCQL__STMT_BATCH || child->kind == UCQL__STMT_BATCH ||
	    batch->batch_count == 65535 || child->named)
		return UCQL_E_INVALID_ARG;
	ucql__buf *b = &batch->batch;
	size_t mark = b->len;
	size_t need = 1 + 4 + child->query_len + 2 + 2 + child->blob.len + 4 * child->n_values + 16;
	if (child->kind == UCQL__STMT_PREPARED)
		need += child->prep->p.id.len;
	if (ucql__buf_reserve(b, need))
		return UCQL_E_NOMEM;
	ucql_writer w;
	ucql_writer_init(&w, b->p + b->len, b->cap - b->len);
	if (child->kind == UCQL__STMT_PREPARED) {
		ucql_write_byte(&w, UCQL_BATCH_PREPARED);
		ucql_write_short_bytes(&w, child->prep->p.id);
	} else {
		ucql_write_byte(&w, UCQL_BATCH_QUERY);
		ucql_write_long_string(&w, ucql_bytes_of(child->query, child->query_len));
	}
	ucql_write_short(&w, (uint16_t)child->n_values);
	int unset = 0;
	for (size_t i = 0; i < child->n_values; i++) {
		if (child->vals[i].off == UNBOUND) {
			if (child->kind != UCQL__STMT_PREPARED) {
				b->len = mark;
				return UCQL_E_INVALID_ARG;
			}
			ucql_write_value(&w, ucql_value_unset());
			unset = 1;
		} else {
			const uint8_t *v = child->blob.p + child->vals[i].off;
			unset |= (int32_t)ucql__be32(v) == UCQL_UNSET;
			ucql_write_raw(&w, v, child->vals[i].len);
		}
	}
	if (w.err) {
		b->len = mark;
		return w.err == UCQL_E_NOSPACE ? UCQL_E_NOMEM : w.err;
	}
	if (child->kind == UCQL__STMT_PREPARED) {
		ucql_prepared_stmt **cp =
			realloc(batch->children_prep, (batch->n_children_prep + 1) * sizeof *cp);
		if (!cp) {
			b->len = mark;
			return UCQL_E_NOMEM;
		}
		batch->children_prep = cp;
		cp[batch->n_children_prep++] = ucql__prepared_ref(child->prep);
	}
	batch->has_unset |= unset; /* v3 has no unset values (§4.1.7) */
	b->len += w.len;
	batch->batch_count++;
	return 0;
}

/* ---- options ------------------------------------------------------------ */

int ucql_statement_set_consistency(ucql_statement *st, int cl)
{
	if (!st || (cl != UCQL_CL_DEFAULT && (cl < 0 || cl > UCQL_CL_LOCAL_ONE)))
		return UCQL_E_INVALID_ARG;
	st->consistency = cl;
	return 0;
}

int ucql_statement_set_serial_consistency(ucql_statement *st, int cl)
{
	if (!st || (cl != UCQL_CL_DEFAULT && cl != UCQL_CL_SERIAL && cl != UCQL_CL_LOCAL_SERIAL))
		return UCQL_E_INVALID_ARG;
	st->serial = cl;
	return 0;
}

int ucql_statement_set_timestamp(ucql_statement *st, int64_t us)
{
	if (!st)
		return UCQL_E_INVALID_ARG;
	st->timestamp = us;
	return 0;
}

int ucql_statement_set_timeout(ucql_statement *st, int64_t ms)
{
	if (!st || ms < -1)
		return UCQL_E_INVALID_ARG;
	st->timeout_ms = ms;
	return 0;
}

int ucql_statement_set_idempotent(ucql_statement *st, int idempotent)
{
	if (!st)
		return UCQL_E_INVALID_ARG;
	st->idempotent = idempotent ? 1 : 0;
	return 0;
}

int ucql_statement_set_page_size(ucql_statement *st, int32_t rows)
{
	if (!st || rows < -1)
		return UCQL_E_INVALID_ARG;
	st->page_size = rows;
	return 0;
}

int ucql_statement_set_paging_state(ucql_statement *st, ucql_bytes state)
{
	if (!st)
		return UCQL_E_INVALID_ARG;
	st->paging_state.len = 0;
	st->has_paging_state = 0;
	if (!state.len)
		return 0;
	if (ucql__buf_append(&st->paging_state, state.p, state.len))
		return UCQL_E_NOMEM;
	st->has_paging_state = 1;
	return 0;
}

int ucql_statement_set_keyspace(ucql_statement *st, const char *keyspace)
{
	if (!st)
		return UCQL_E_INVALID_ARG;
	free(st->keyspace);
	st->keyspace = NULL;
	if (keyspace && *keyspace) {
		st->keyspace = dup_n(keyspace, strlen(keyspace));
		if (!st->keyspace)
			return UCQL_E_NOMEM;
	}
	return 0;
}

int ucql_statement_set_tracing(ucql_statement *st, int on)
{
	if (!st)
		return UCQL_E_INVALID_ARG;
	st->tracing = on ? 1 : 0;
	return 0;
}

int ucql_statement_add_payload(ucql_statement *st, const char *key, ucql_bytes value)
{
	if (!st || !key || st->n_payload == 65535)
		return UCQL_E_INVALID_ARG;
	/* stored as the wire's [string][bytes] pairs, ready to copy */
	size_t kl = strlen(key);
	if (kl > 65535 || value.len > INT32_MAX)
		return UCQL_E_INVALID_ARG;
	if (ucql__buf_reserve(&st->payload, 2 + kl + 4 + value.len))
		return UCQL_E_NOMEM;
	ucql_writer w;
	ucql_writer_init(&w, st->payload.p + st->payload.len, st->payload.cap - st->payload.len);
	ucql_write_string(&w, ucql_bytes_of(key, kl));
	ucql_write_bytes(&w, value);
	st->payload.len += w.len;
	st->n_payload++;
	return 0;
}

int ucql_statement_set_routing_key(ucql_statement *st, ucql_bytes key)
{
	if (!st)
		return UCQL_E_INVALID_ARG;
	st->routing_key.len = 0;
	return ucql__buf_append(&st->routing_key, key.p, key.len);
}

/* ---- consistency names ---------------------------------------------------- */

static const char *const cl_names[] = {
	"ANY", "ONE", "TWO", "THREE", "QUORUM", "ALL", "LOCAL_QUORUM",
	"EACH_QUORUM", "SERIAL", "LOCAL_SERIAL", "LOCAL_ONE",
};

int ucql_consistency_parse(const char *name)
{
	if (!name)
		return -1;
	for (int i = 0; i < (int)(sizeof cl_names / sizeof cl_names[0]); i++)
		if (strcasecmp(name, cl_names[i]) == 0)
			return i;
	return -1;
}

/* ---- copying (the pager keeps its own) ------------------------------------- */

static int copy_buf(ucql__buf *d, const ucql__buf *s)
{
	memset(d, 0, sizeof *d);
	return s->len ? ucql__buf_append(d, s->p, s->len) : 0;
}

ucql_statement *ucql__statement_clone(const ucql_statement *st)
{
	ucql_statement *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	*c = *st;
	c->query = NULL;
	c->vals = NULL;
	c->keyspace = NULL;
	c->children_prep = NULL;
	c->n_children_prep = 0;
	c->bind_open = 0;
	memset(&c->blob, 0, sizeof c->blob);
	memset(&c->names, 0, sizeof c->names);
	memset(&c->paging_state, 0, sizeof c->paging_state);
	memset(&c->payload, 0, sizeof c->payload);
	memset(&c->routing_key, 0, sizeof c->routing_key);
	memset(&c->batch, 0, sizeof c->batch);
	c->prep = st->prep ? ucql__prepared_ref(st->prep) : NULL;
	int bad = 0;
	if (st->query && !(c->query = dup_n(st->query, st->query_len)))
		bad = 1;
	if (st->keyspace && !(c->keyspace = dup_n(st->keyspace, strlen(st->keyspace))))
		bad = 1;
	if (st->cap_values) {
		c->vals = malloc(st->cap_values * sizeof *c->vals);
		if (c->vals)
			memcpy(c->vals, st->vals, st->cap_values * sizeof *c->vals);
		else
			bad = 1;
	}
	bad |= copy_buf(&c->blob, &st->blob) | copy_buf(&c->names, &st->names) |
	       copy_buf(&c->paging_state, &st->paging_state) | copy_buf(&c->payload, &st->payload) |
	       copy_buf(&c->routing_key, &st->routing_key) | copy_buf(&c->batch, &st->batch);
	if (bad) {
		ucql_statement_free(c);
		return NULL;
	}
	return c;
}
