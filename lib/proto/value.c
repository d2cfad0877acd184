/*
 * The value codec's out-of-line part: variable-size scalars (inet, varint,
 * decimal, duration), text validation, vectors, and the builders for nested
 * values. The fixed-size getters and encoders are inline in ucql/types.h.
 *
 * Serialization: native_protocol_v4.spec §6, native_protocol_v5.spec §6;
 * vectors as Cassandra 5's VectorType (FixedLengthSerializer /
 * VariableLengthSerializer).
 */
#include "ucql/types.h"

/* ---- text validation ------------------------------------------------------ */

int ucql_ascii_valid(ucql_bytes b)
{
	uint8_t acc = 0;
	for (size_t i = 0; i < b.len; i++)
		acc |= b.p[i];
	return acc < 0x80;
}

int ucql_utf8_valid(ucql_bytes b)
{
	const uint8_t *p = b.p, *end = ucql__end(b.p, b.len);
	while (p < end) {
		uint8_t c = *p;
		if (c < 0x80) {
			p++;
			continue;
		}
		size_t n;
		uint32_t cp, min;
		if ((c & 0xE0) == 0xC0) {
			n = 2, cp = c & 0x1F, min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			n = 3, cp = c & 0x0F, min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			n = 4, cp = c & 0x07, min = 0x10000;
		} else {
			return 0;
		}
		if ((size_t)(end - p) < n)
			return 0;
		for (size_t i = 1; i < n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		p += n;
	}
	return 1;
}

/* ---- inet ------------------------------------------------------------------- */

int ucql_value_get_inet(ucql_value v, ucql_inet *out)
{
	if (v.len < 0)
		return UCQL_E_NULL;
	if (v.len == 0)
		return UCQL_E_EMPTY;
	if (v.len != 4 && v.len != 16)
		return UCQL_E_BAD_VALUE;
	memset(out, 0, sizeof *out);
	out->len = (uint8_t)v.len;
	memcpy(out->addr, v.p, (size_t)v.len);
	return 0;
}

void ucql_value_write_inet(ucql_writer *w, const ucql_inet *a)
{
	if (a->len != 4 && a->len != 16) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return;
	}
	ucql_write_int(w, a->len);
	ucql_write_raw(w, a->addr, a->len);
}

/* ---- varint ------------------------------------------------------------------- */

/* Two's complement big-endian bytes (n >= 1) to int64, or UCQL_E_RANGE. */
static int varint_i64(const uint8_t *p, size_t n, int64_t *out)
{
	/* Leading bytes beyond 8 must be pure sign extension. */
	while (n > 8) {
		uint8_t ext = (p[1] & 0x80) ? 0xFF : 0x00;
		if (p[0] != ext)
			return UCQL_E_RANGE;
		p++, n--;
	}
	uint64_t u = (p[0] & 0x80) ? UINT64_MAX : 0;
	for (size_t i = 0; i < n; i++)
		u = u << 8 | p[i];
	*out = (int64_t)u;
	return 0;
}

int ucql_value_get_varint(ucql_value v, int64_t *out)
{
	if (v.len < 0)
		return UCQL_E_NULL;
	if (v.len == 0)
		return UCQL_E_EMPTY;
	return varint_i64(v.p, (size_t)v.len, out);
}

/* Minimal two's complement size of v: the fewest bytes whose sign bit
 * still matches. */
static size_t varint_size(int64_t v)
{
	size_t n = 8;
	while (n > 1) {
		int64_t top = v >> (8 * (n - 1) - 1); /* bits that must be sign */
		if (top != 0 && top != -1)
			break;
		n--;
	}
	return n;
}

static void put_varint(uint8_t *d, int64_t v, size_t n)
{
	for (size_t i = n; i-- > 0;) {
		d[i] = (uint8_t)v;
		v >>= 8;
	}
}

void ucql_value_write_varint(ucql_writer *w, int64_t v)
{
	size_t n = varint_size(v);
	uint8_t *d = ucql_writer_reserve(w, 4 + n);
	if (d) {
		ucql__put32(d, (uint32_t)n);
		put_varint(d + 4, v, n);
	}
}

/* ---- decimal --------------------------------------------------------------------- */

int ucql_value_get_decimal(ucql_value v, int32_t *scale, ucql_bytes *unscaled)
{
	if (v.len < 0)
		return UCQL_E_NULL;
	if (v.len == 0)
		return UCQL_E_EMPTY;
	if (v.len <= 4) /* a scale and no unscaled bytes: BigInteger rejects it */
		return UCQL_E_BAD_VALUE;
	*scale = (int32_t)ucql__be32(v.p);
	unscaled->p = v.p + 4;
	unscaled->len = (size_t)v.len - 4;
	return 0;
}

int ucql_value_get_decimal_i64(ucql_value v, int32_t *scale, int64_t *unscaled)
{
	ucql_bytes u;
	int32_t s;
	int rc = ucql_value_get_decimal(v, &s, &u);
	if (rc)
		return rc;
	if ((rc = varint_i64(u.p, u.len, unscaled)))
		return rc;
	*scale = s;
	return 0;
}

void ucql_value_write_decimal(ucql_writer *w, int32_t scale, int64_t unscaled)
{
	size_t n = varint_size(unscaled);
	uint8_t *d = ucql_writer_reserve(w, 8 + n);
	if (d) {
		ucql__put32(d, (uint32_t)(4 + n));
		ucql__put32(d + 4, (uint32_t)scale);
		put_varint(d + 8, unscaled, n);
	}
}

void ucql_value_write_decimal_bytes(ucql_writer *w, int32_t scale, ucql_bytes unscaled)
{
	if (unscaled.len == 0 || unscaled.len > 0x7FFFFFFF - 4) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return;
	}
	ucql_write_int(w, (int32_t)(4 + unscaled.len));
	ucql_write_int(w, scale);
	ucql_write_raw(w, unscaled.p, unscaled.len);
}

/* ---- duration (v5 §6: three zig-zag vints) ------------------------------------------ */

int ucql_value_get_duration(ucql_value v, ucql_duration *out)
{
	if (v.len < 0)
		return UCQL_E_NULL;
	if (v.len == 0)
		return UCQL_E_EMPTY;
	ucql_reader r;
	ucql_reader_init(&r, v.p, (size_t)v.len);
	int64_t m = ucql_read_vint(&r);
	int64_t d = ucql_read_vint(&r);
	int64_t ns = ucql_read_vint(&r);
	if (r.err || ucql_reader_left(&r))
		return UCQL_E_BAD_VALUE;
	if (m < INT32_MIN || m > INT32_MAX || d < INT32_MIN || d > INT32_MAX)
		return UCQL_E_BAD_VALUE;
	/* Cassandra's Duration: all parts >= 0 or all <= 0. */
	if ((m < 0 || d < 0 || ns < 0) && (m > 0 || d > 0 || ns > 0))
		return UCQL_E_BAD_VALUE;
	out->months = (int32_t)m;
	out->days = (int32_t)d;
	out->nanos = ns;
	return 0;
}

void ucql_value_write_duration(ucql_writer *w, ucql_duration d)
{
	if ((d.months < 0 || d.days < 0 || d.nanos < 0) && (d.months > 0 || d.days > 0 || d.nanos > 0)) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return;
	}
	size_t at = w->len;
	ucql_write_int(w, 0);
	ucql_write_vint(w, d.months);
	ucql_write_vint(w, d.days);
	ucql_write_vint(w, d.nanos);
	ucql_writer_patch_int(w, at, (int32_t)(w->len - at - 4));
}

/* ---- time, timeuuid ------------------------------------------------------------------- */

void ucql_value_write_time(ucql_writer *w, int64_t ns)
{
	if (ns < 0 || ns > UCQL_TIME_MAX) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return;
	}
	ucql_value_write_bigint(w, ns);
}

void ucql_value_write_timeuuid(ucql_writer *w, const uint8_t uuid[16])
{
	if ((uuid[6] & 0xF0) != 0x10) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return;
	}
	ucql_value_write_uuid(w, uuid);
}

/* ---- vectors ---------------------------------------------------------------------------- */

int ucql_vector_iter_init(ucql_iter *it, ucql_value v, int32_t dim, int32_t elem_size)
{
	/* Until validated, an empty iterator. */
	it->p = it->end = v.p;
	it->left = 0;
	it->elem_size = -1;
	if (v.len < 0)
		return UCQL_E_NULL;
	if (dim <= 0)
		return UCQL_E_INVALID_ARG;
	if (v.len == 0)
		return UCQL_E_EMPTY;
	if (elem_size >= 0 && (int64_t)dim * elem_size != v.len)
		return UCQL_E_BAD_VALUE;
	it->p = v.p;
	it->end = ucql__end(v.p, (size_t)v.len);
	it->left = dim;
	it->elem_size = elem_size < 0 ? -1 : elem_size;
	return 0;
}

int ucql_vector_next(ucql_iter *it, ucql_value *elem)
{
	if (it->left == 0)
		return it->p == it->end ? 0 : UCQL_E_TRAILING;
	int32_t n = it->elem_size;
	if (n < 0) {
		ucql_reader r;
		ucql_reader_init(&r, it->p, (size_t)(it->end - it->p));
		uint64_t u = ucql_read_uvint(&r);
		if (r.err)
			return UCQL_E_TRUNCATED;
		if (u > INT32_MAX)
			return UCQL_E_BAD_LENGTH;
		it->p = r.p;
		n = (int32_t)u;
	}
	if ((size_t)(it->end - it->p) < (size_t)n)
		return UCQL_E_TRUNCATED;
	elem->p = it->p;
	elem->len = n;
	it->p += n;
	it->left--;
	return 1;
}

int ucql_value_get_float_vector(ucql_value v, float *out, int32_t dim)
{
	ucql_iter it;
	int rc = ucql_vector_iter_init(&it, v, dim, 4);
	if (rc)
		return rc;
	for (int32_t i = 0; i < dim; i++) {
		uint32_t u = ucql__be32(v.p + 4 * (size_t)i);
		memcpy(&out[i], &u, 4);
	}
	return 0;
}

void ucql_value_write_float_vector(ucql_writer *w, const float *v, size_t dim)
{
	if (dim == 0 || dim > 0x7FFFFFFF / 4) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return;
	}
	uint8_t *d = ucql_writer_reserve(w, 4 + 4 * dim);
	if (!d)
		return;
	ucql__put32(d, (uint32_t)(4 * dim));
	for (size_t i = 0; i < dim; i++) {
		uint32_t u;
		memcpy(&u, &v[i], 4);
		ucql__put32(d + 4 + 4 * i, u);
	}
}

/* ---- builders ------------------------------------------------------------------------------- */

/* Patches the [int len] at b->start with the bytes written after it. */
static void patch_len(ucql_builder *b, ucql_writer *w)
{
	size_t n = w->len - b->start - 4;
	if (n > 0x7FFFFFFF) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return;
	}
	ucql_writer_patch_int(w, b->start, (int32_t)n);
}

void ucql_coll_begin(ucql_builder *b, ucql_writer *w)
{
	b->start = w->len;
	b->mark = 0;
	b->elem_size = -1;
	b->n = 0;
	ucql_write_int(w, 0);
	ucql_write_int(w, 0);
}

void ucql_coll_end(ucql_builder *b, ucql_writer *w, int32_t n)
{
	if (n < 0) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return;
	}
	patch_len(b, w);
	ucql_writer_patch_int(w, b->start + 4, n);
}

void ucql_tuple_begin(ucql_builder *b, ucql_writer *w)
{
	b->start = w->len;
	b->mark = 0;
	b->elem_size = -1;
	b->n = 0;
	ucql_write_int(w, 0);
}

void ucql_tuple_end(ucql_builder *b, ucql_writer *w)
{
	patch_len(b, w);
}

void ucql_vector_begin(ucql_builder *b, ucql_writer *w, int32_t elem_size)
{
	b->start = w->len;
	b->elem_size = elem_size < 0 ? -1 : elem_size;
	b->n = 0;
	ucql_write_int(w, 0);
	b->mark = w->len;
}

/* The element written since b->mark is [int len][body]: rewrite its
 * prefix in place (no prefix for fixed-size elements, an [unsigned vint]
 * for variable-size ones). Without a buffer (measuring, or past capacity)
 * only the length changes. */
void ucql_vector_elem_done(ucql_builder *b, ucql_writer *w)
{
	size_t at = b->mark;
	if (w->len < at + 4) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return;
	}
	size_t body = w->len - at - 4;
	int have = w->buf && w->len <= w->cap;
	if (have && (int32_t)ucql__be32(w->buf + at) < 0) { /* null element */
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return;
	}
	if (b->elem_size >= 0) {
		if (body != (size_t)b->elem_size) {
			ucql_writer_fail(w, UCQL_E_INVALID_ARG);
			return;
		}
		if (have)
			memmove(w->buf + at, w->buf + at + 4, body);
		w->len -= 4;
	} else {
		size_t k = ucql_uvint_size(body);
		if (k > 4) { /* >= 2^28 bytes: the prefix grows by one byte */
			(void)ucql_writer_reserve(w, k - 4);
			have = w->buf && w->len <= w->cap;
		} else {
			w->len -= 4 - k;
		}
		if (have) {
			memmove(w->buf + at + k, w->buf + at + 4, body);
			ucql_writer tw;
			ucql_writer_init(&tw, w->buf + at, k);
			ucql_write_uvint(&tw, body);
		}
	}
	b->mark = w->len;
	b->n++;
}

void ucql_vector_end(ucql_builder *b, ucql_writer *w)
{
	patch_len(b, w);
}
