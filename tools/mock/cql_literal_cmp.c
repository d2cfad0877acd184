/*
 * cql_literal_cmp.c — the order of serialized CQL values (Cassandra's
 * AbstractType comparators) and their CQL literal text (see cql_literal.h).
 */
#include <arpa/inet.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cql_literal.h"

/* ==== helpers ============================================================ */

static int sign(int64_t x)
{
	return (x > 0) - (x < 0);
}

static int cmp_bytes(ucql_value a, ucql_value b)
{
	size_t n = (size_t)(a.len < b.len ? a.len : b.len);
	int r = n ? memcmp(a.p, b.p, n) : 0;
	return r ? sign(r) : sign((int64_t)a.len - b.len);
}

/* Big-endian two's complement of 1..8 bytes, sign-extended. */
static int64_t be_signed(const uint8_t *p, int32_t n)
{
	uint64_t v = (p[0] & 0x80) ? UINT64_MAX : 0;
	for (int32_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	return (int64_t)v;
}

/* Drops redundant sign bytes of a varint. */
static ucql_value varint_trim(ucql_value v)
{
	while (v.len > 1 && ((v.p[0] == 0 && !(v.p[1] & 0x80)) || (v.p[0] == 0xFF && (v.p[1] & 0x80)))) {
		v.p++;
		v.len--;
	}
	return v;
}

static int cmp_varint(ucql_value a, ucql_value b)
{
	a = varint_trim(a);
	b = varint_trim(b);
	int na = a.p[0] & 0x80, nb = b.p[0] & 0x80;
	if (na != nb)
		return na ? -1 : 1;
	if (a.len != b.len)
		return (a.len > b.len) == !na ? 1 : -1;
	/* same sign, same length: unsigned bytewise is numeric order */
	return sign(memcmp(a.p, b.p, (size_t)a.len));
}

/* Magnitude of a varint as decimal digits (malloc'd, no leading zeros,
 * "0" for zero); *neg set for negatives. NULL when out of memory. */
static char *varint_digits(const uint8_t *p, size_t n, int *neg)
{
	uint8_t *m = malloc(n ? n : 1);
	char *d = malloc(n * 3 + 2);
	if (!m || !d) {
		free(m);
		free(d);
		return NULL;
	}
	*neg = n && (p[0] & 0x80);
	memcpy(m, p, n);
	if (*neg) {
		unsigned carry = 1;
		for (size_t i = n; i-- > 0;) {
			unsigned v = (uint8_t)~m[i] + carry;
			m[i] = (uint8_t)v;
			carry = v >> 8;
		}
	}
	size_t nd = 0, start = 0;
	for (;;) {
		while (start < n && !m[start])
			start++;
		if (start == n)
			break;
		unsigned rem = 0;
		for (size_t i = start; i < n; i++) {
			unsigned cur = rem << 8 | m[i];
			m[i] = (uint8_t)(cur / 10);
			rem = cur % 10;
		}
		d[nd++] = (char)('0' + rem);
	}
	if (!nd)
		d[nd++] = '0';
	for (size_t i = 0; i < nd / 2; i++) {
		char x = d[i];
		d[i] = d[nd - 1 - i];
		d[nd - 1 - i] = x;
	}
	d[nd] = 0;
	free(m);
	return d;
}

static int cmp_decimal(ucql_value a, ucql_value b)
{
	if (a.len < 5 || b.len < 5)
		return cmp_bytes(a, b);
	int32_t sa = (int32_t)ucql__be32(a.p), sb = (int32_t)ucql__be32(b.p);
	int na, nb;
	char *da = varint_digits(a.p + 4, (size_t)a.len - 4, &na);
	char *db = varint_digits(b.p + 4, (size_t)b.len - 4, &nb);
	int r = 0;
	if (!da || !db) {
		r = cmp_bytes(a, b);
		goto out;
	}
	int za = !strcmp(da, "0"), zb = !strcmp(db, "0");
	int sga = za ? 0 : na ? -1 : 1, sgb = zb ? 0 : nb ? -1 : 1;
	if (sga != sgb) {
		r = sga < sgb ? -1 : 1;
		goto out;
	}
	if (!sga)
		goto out;
	/* same sign: compare magnitudes by the leading digit's exponent, then
	 * digit by digit (missing digits are zeros) */
	size_t la = strlen(da), lb = strlen(db);
	int64_t ea = (int64_t)la - sa, eb = (int64_t)lb - sb;
	if (ea != eb) {
		r = ea > eb ? 1 : -1;
	} else {
		size_t n = la > lb ? la : lb;
		for (size_t i = 0; i < n && !r; i++) {
			char ca = i < la ? da[i] : '0', cb = i < lb ? db[i] : '0';
			r = (ca > cb) - (ca < cb);
		}
	}
	r *= sga;
out:
	free(da);
	free(db);
	return r;
}

/* Java's Float.compare / Double.compare: numeric, then -0.0 < 0.0 and NaN
 * (one canonical NaN) after everything. */
static int cmp_double(double x, double y, int64_t bx, int64_t by)
{
	if (x < y)
		return -1;
	if (x > y)
		return 1;
	return sign((bx > by) - (bx < by));
}

static uint64_t uuid_ts(const uint8_t *u)
{
	return ((uint64_t)(u[6] & 0x0F) << 56) | ((uint64_t)u[7] << 48) | ((uint64_t)u[4] << 40) |
	       ((uint64_t)u[5] << 32) | ((uint64_t)u[0] << 24) | ((uint64_t)u[1] << 16) |
	       ((uint64_t)u[2] << 8) | u[3];
}

/* TimeUUIDType: by timestamp, then the clock sequence and node bytes
 * compared as signed bytes (Cassandra keeps that for compatibility). */
static int cmp_timeuuid(const uint8_t *a, const uint8_t *b)
{
	uint64_t ta = uuid_ts(a), tb = uuid_ts(b);
	if (ta != tb)
		return ta < tb ? -1 : 1;
	for (int i = 8; i < 16; i++)
		if (a[i] != b[i])
			return (int8_t)a[i] < (int8_t)b[i] ? -1 : 1;
	return 0;
}

/* UUIDType: by version; version 1 by time; then unsigned bytes. */
static int cmp_uuid(const uint8_t *a, const uint8_t *b)
{
	int va = a[6] >> 4, vb = b[6] >> 4;
	if (va != vb)
		return va < vb ? -1 : 1;
	if (va == 1) {
		uint64_t ta = uuid_ts(a), tb = uuid_ts(b);
		if (ta != tb)
			return ta < tb ? -1 : 1;
	} else {
		int r = memcmp(a, b, 8);
		if (r)
			return sign(r);
	}
	return sign(memcmp(a + 8, b + 8, 8));
}

/* ==== compare ============================================================ */

static int cmp_seq(const ucql_type_set *s, int type, ucql_value a, ucql_value b);

int mock_value_compare(const ucql_type_set *s, int type, ucql_value a, ucql_value b)
{
	if (a.len < 0 || b.len < 0)
		return a.len < 0 && b.len < 0 ? 0 : a.len < 0 ? -1 : 1;
	if (a.len == 0 || b.len == 0)
		return (a.len != 0) - (b.len != 0);
	int id = ucql_type_at(s, type)->id;
	int fixed = ucql_type_fixed_size(id);
	if (fixed > 0 && (a.len != fixed || b.len != fixed))
		return cmp_bytes(a, b);
	switch (id) {
	case UCQL_TYPE_BOOLEAN:
		return (a.p[0] != 0) - (b.p[0] != 0);
	case UCQL_TYPE_TINYINT: case UCQL_TYPE_SMALLINT: case UCQL_TYPE_INT: case UCQL_TYPE_BIGINT:
	case UCQL_TYPE_COUNTER: case UCQL_TYPE_TIMESTAMP: case UCQL_TYPE_TIME: {
		int64_t x = be_signed(a.p, a.len), y = be_signed(b.p, b.len);
		return (x > y) - (x < y);
	}
	case UCQL_TYPE_DATE: {
		uint32_t x = ucql__be32(a.p), y = ucql__be32(b.p);
		return (x > y) - (x < y);
	}
	case UCQL_TYPE_VARINT:
		return cmp_varint(a, b);
	case UCQL_TYPE_DECIMAL:
		return cmp_decimal(a, b);
	case UCQL_TYPE_FLOAT: {
		float x, y;
		ucql_value_get_float(a, &x);
		ucql_value_get_float(b, &y);
		int32_t bx = isnan(x) ? 0x7fc00000 : (int32_t)ucql__be32(a.p);
		int32_t by = isnan(y) ? 0x7fc00000 : (int32_t)ucql__be32(b.p);
		return cmp_double(isnan(x) ? INFINITY : x, isnan(y) ? INFINITY : y, bx, by);
	}
	case UCQL_TYPE_DOUBLE: {
		double x, y;
		ucql_value_get_double(a, &x);
		ucql_value_get_double(b, &y);
		int64_t bx = isnan(x) ? INT64_C(0x7ff8000000000000) : (int64_t)ucql__be64(a.p);
		int64_t by = isnan(y) ? INT64_C(0x7ff8000000000000) : (int64_t)ucql__be64(b.p);
		return cmp_double(isnan(x) ? INFINITY : x, isnan(y) ? INFINITY : y, bx, by);
	}
	case UCQL_TYPE_UUID:
		return cmp_uuid(a.p, b.p);
	case UCQL_TYPE_TIMEUUID:
		return cmp_timeuuid(a.p, b.p);
	case UCQL_TYPE_LIST: case UCQL_TYPE_SET: case UCQL_TYPE_MAP: case UCQL_TYPE_TUPLE:
	case UCQL_TYPE_UDT: case UCQL_TYPE_VECTOR:
		return cmp_seq(s, type, a, b);
	default: /* ascii, text, blob, inet, duration, custom: bytes */
		return cmp_bytes(a, b);
	}
}

int mock_value_compare_dir(const ucql_type_set *s, int type, ucql_value a, ucql_value b, int desc)
{
	int r = mock_value_compare(s, type, a, b);
	return desc ? -r : r;
}

/* Element-wise comparison of collections, tuples, UDTs and vectors. */
static int cmp_seq(const ucql_type_set *s, int type, ucql_value a, ucql_value b)
{
	const ucql_type *ty = ucql_type_at(s, type);
	ucql_iter ia, ib;
	int tuple = ty->id == UCQL_TYPE_TUPLE || ty->id == UCQL_TYPE_UDT;
	int map = ty->id == UCQL_TYPE_MAP;
	int ea, eb;
	if (ty->id == UCQL_TYPE_VECTOR) {
		int es = ucql_type_vector_elem_size(s, ty->first_child);
		ea = ucql_vector_iter_init(&ia, a, ty->dim, es);
		eb = ucql_vector_iter_init(&ib, b, ty->dim, es);
	} else if (tuple) {
		ea = ucql_tuple_iter_init(&ia, a);
		eb = ucql_tuple_iter_init(&ib, b);
	} else {
		ea = ucql_coll_iter_init(&ia, a);
		eb = ucql_coll_iter_init(&ib, b);
	}
	if (ea || eb)
		return cmp_bytes(a, b);
	for (unsigned i = 0;; i++) {
		ucql_value x, y, xv, yv;
		int ra, rb;
		int et = tuple ? ucql_type_child(s, type, i) : ty->first_child;
		if (ty->id == UCQL_TYPE_VECTOR) {
			ra = ucql_vector_next(&ia, &x);
			rb = ucql_vector_next(&ib, &y);
		} else if (tuple) {
			ra = ucql_tuple_next(&ia, &x);
			rb = ucql_tuple_next(&ib, &y);
		} else if (map) {
			ra = ucql_map_next(&ia, &x, &xv);
			rb = ucql_map_next(&ib, &y, &yv);
		} else {
			ra = ucql_list_next(&ia, &x);
			rb = ucql_list_next(&ib, &y);
		}
		if (ra < 0 || rb < 0)
			return cmp_bytes(a, b);
		if (!ra || !rb)
			return ra - rb; /* the shorter sorts first */
		if (et < 0)
			return cmp_bytes(a, b); /* more tuple fields than the type has */
		int r = mock_value_compare(s, et, x, y);
		if (!r && map)
			r = mock_value_compare(s, ucql_type_child(s, type, 1), xv, yv);
		if (r)
			return r;
	}
}

/* ==== format ============================================================= */

typedef struct out {
	char *buf;
	size_t cap, len;
} out;

static void put(out *o, const char *s, size_t n)
{
	if (o->len < o->cap) {
		size_t k = o->cap - o->len;
		memcpy(o->buf + o->len, s, n < k ? n : k);
	}
	o->len += n;
}

static void puts_(out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void putf(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(out *o, const char *fmt, ...)
{
	char tmp[96];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		put(o, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void put_quoted(out *o, const uint8_t *p, size_t n, char q)
{
	put(o, &q, 1);
	for (size_t i = 0; i < n; i++) {
		put(o, (const char *)p + i, 1);
		if (p[i] == (uint8_t)q)
			put(o, &q, 1);
	}
	put(o, &q, 1);
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	/* H. Hinnant's inverse of days_from_civil */
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static void put_float(out *o, double x, int dbl)
{
	if (isnan(x)) {
		puts_(o, "NaN");
		return;
	}
	if (isinf(x)) {
		puts_(o, x > 0 ? "Infinity" : "-Infinity");
		return;
	}
	char tmp[40];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*g", prec, x);
		if (dbl ? strtod(tmp, NULL) == x : strtof(tmp, NULL) == (float)x)
			break;
	}
	/* "1" would read back as an integer: fine for float columns, but make
	 * it a float literal so it also types as one in a tuple or a map */
	if (!strpbrk(tmp, ".eEn"))
		strcat(tmp, ".0");
	puts_(o, tmp);
}

/* Java's BigDecimal.toString: plain unless the scale is negative or the
 * exponent small; then d.dddE±n. */
static int put_decimal(out *o, ucql_value v)
{
	int32_t scale;
	ucql_bytes unscaled;
	if (ucql_value_get_decimal(v, &scale, &unscaled))
		return UCQL_E_BAD_VALUE;
	int neg;
	char *d = varint_digits(unscaled.p, unscaled.len, &neg);
	if (!d)
		return UCQL_E_NOMEM;
	int64_t nd = (int64_t)strlen(d), adjusted = -(int64_t)scale + nd - 1;
	if (neg)
		puts_(o, "-");
	if (scale >= 0 && adjusted >= -6) {
		if (scale == 0) {
			puts_(o, d);
		} else if (nd > scale) {
			put(o, d, (size_t)(nd - scale));
			puts_(o, ".");
			puts_(o, d + nd - scale);
		} else {
			puts_(o, "0.");
			for (int64_t i = 0; i < scale - nd; i++)
				puts_(o, "0");
			puts_(o, d);
		}
	} else {
		put(o, d, 1);
		if (nd > 1) {
			puts_(o, ".");
			puts_(o, d + 1);
		}
		putf(o, "E%s%lld", adjusted >= 0 ? "+" : "", (long long)adjusted);
	}
	free(d);
	return 0;
}

static void put_duration(out *o, ucql_duration d)
{
	int neg = d.months < 0 || d.days < 0 || d.nanos < 0;
	uint64_t mo = (uint64_t)(d.months < 0 ? -(int64_t)d.months : d.months);
	uint64_t dd = (uint64_t)(d.days < 0 ? -(int64_t)d.days : d.days);
	uint64_t ns = d.nanos < 0 ? (uint64_t)0 - (uint64_t)d.nanos : (uint64_t)d.nanos;
	if (neg)
		puts_(o, "-");
	if (!mo && !dd && !ns) {
		puts_(o, "0s");
		return;
	}
	static const struct { uint64_t n; const char *u; } parts[] = {
		{ UINT64_C(3600000000000), "h" }, { UINT64_C(60000000000), "m" }, { 1000000000, "s" },
		{ 1000000, "ms" }, { 1000, "us" }, { 1, "ns" },
	};
	if (mo / 12)
		putf(o, "%lluy", (unsigned long long)(mo / 12));
	if (mo % 12)
		putf(o, "%llumo", (unsigned long long)(mo % 12));
	if (dd)
		putf(o, "%llud", (unsigned long long)dd);
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
		if (ns / parts[i].n) {
			putf(o, "%llu%s", (unsigned long long)(ns / parts[i].n), parts[i].u);
			ns %= parts[i].n;
		}
}

/* A UDT field name as a CQL identifier: bare when it reads back the same. */
static void put_ident(out *o, const uint8_t *p, size_t n)
{
	int bare = n > 0 && p[0] >= 'a' && p[0] <= 'z';
	for (size_t i = 0; i < n && bare; i++)
		bare = (p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '_';
	if (bare)
		put(o, (const char *)p, n);
	else
		put_quoted(o, p, n, '"');
}

static int fmt(out *o, const ucql_type_set *s, int type, ucql_value v, int depth);

static int fmt_seq(out *o, const ucql_type_set *s, int type, ucql_value v, int depth)
{
	const ucql_type *ty = ucql_type_at(s, type);
	ucql_iter it;
	int rc;
	const char *open = "[", *close = "]";
	if (ty->id == UCQL_TYPE_SET || ty->id == UCQL_TYPE_MAP || ty->id == UCQL_TYPE_UDT)
		open = "{", close = "}";
	else if (ty->id == UCQL_TYPE_TUPLE)
		open = "(", close = ")";
	if (ty->id == UCQL_TYPE_VECTOR)
		rc = ucql_vector_iter_init(&it, v, ty->dim, ucql_type_vector_elem_size(s, ty->first_child));
	else if (ty->id == UCQL_TYPE_TUPLE || ty->id == UCQL_TYPE_UDT)
		rc = ucql_tuple_iter_init(&it, v);
	else
		rc = ucql_coll_iter_init(&it, v);
	if (rc)
		return UCQL_E_BAD_VALUE;
	puts_(o, open);
	for (unsigned i = 0;; i++) {
		ucql_value x, y;
		if (ty->id == UCQL_TYPE_VECTOR)
			rc = ucql_vector_next(&it, &x);
		else if (ty->id == UCQL_TYPE_TUPLE || ty->id == UCQL_TYPE_UDT)
			rc = ucql_tuple_next(&it, &x);
		else if (ty->id == UCQL_TYPE_MAP)
			rc = ucql_map_next(&it, &x, &y);
		else
			rc = ucql_list_next(&it, &x);
		if (rc < 0)
			return UCQL_E_BAD_VALUE;
		if (!rc)
			break;
		if (i)
			puts_(o, ", ");
		int et = ty->first_child;
		if (ty->id == UCQL_TYPE_TUPLE || ty->id == UCQL_TYPE_UDT) {
			if ((et = ucql_type_child(s, type, i)) < 0)
				return UCQL_E_BAD_VALUE;
			if (ty->id == UCQL_TYPE_UDT) {
				const ucql_type *f = ucql_type_at(s, et);
				if (ty->flags & UCQL_TYPE_F_HEX) {
					/* class-syntax names are hex: decode them */
					uint8_t name[128];
					size_t n = f->field.len / 2;
					if (n > sizeof name)
						return UCQL_E_BAD_VALUE;
					for (size_t k = 0; k < n; k++) {
						unsigned hv;
						if (sscanf((const char *)f->field.p + 2 * k, "%2x", &hv) != 1)
							return UCQL_E_BAD_VALUE;
						name[k] = (uint8_t)hv;
					}
					put_ident(o, name, n);
				} else {
					put_ident(o, f->field.p, f->field.len);
				}
				puts_(o, ": ");
			}
		}
		if ((rc = fmt(o, s, et, x, depth + 1)))
			return rc;
		if (ty->id == UCQL_TYPE_MAP) {
			puts_(o, ": ");
			if ((rc = fmt(o, s, ucql_type_child(s, type, 1), y, depth + 1)))
				return rc;
		}
	}
	puts_(o, close);
	return 0;
}

static int fmt(out *o, const ucql_type_set *s, int type, ucql_value v, int depth)
{
	if (depth > 2 * UCQL_TYPE_MAX_DEPTH)
		return UCQL_E_TOO_DEEP;
	if (v.len < 0) {
		puts_(o, "null");
		return 0;
	}
	int id = ucql_type_at(s, type)->id;
	int fixed = ucql_type_fixed_size(id);
	if (v.len == 0 && id != UCQL_TYPE_ASCII && id != UCQL_TYPE_VARCHAR && id != UCQL_TYPE_BLOB &&
	    id != UCQL_TYPE_CUSTOM && id < UCQL_TYPE_LIST) {
		puts_(o, "null"); /* an empty int has no literal; it reads as absent */
		return 0;
	}
	if (fixed > 0 && v.len != fixed)
		return UCQL_E_BAD_VALUE;
	switch (id) {
	case UCQL_TYPE_ASCII: case UCQL_TYPE_VARCHAR:
		put_quoted(o, v.p, (size_t)v.len, '\'');
		return 0;
	case UCQL_TYPE_BLOB: case UCQL_TYPE_CUSTOM:
		puts_(o, "0x");
		for (int32_t i = 0; i < v.len; i++)
			putf(o, "%02x", v.p[i]);
		return 0;
	case UCQL_TYPE_BOOLEAN:
		puts_(o, v.p[0] ? "true" : "false");
		return 0;
	case UCQL_TYPE_TINYINT: case UCQL_TYPE_SMALLINT: case UCQL_TYPE_INT: case UCQL_TYPE_BIGINT:
	case UCQL_TYPE_COUNTER:
		putf(o, "%lld", (long long)be_signed(v.p, v.len));
		return 0;
	case UCQL_TYPE_VARINT: {
		int neg;
		char *d = varint_digits(v.p, (size_t)v.len, &neg);
		if (!d)
			return UCQL_E_NOMEM;
		if (neg)
			puts_(o, "-");
		puts_(o, d);
		free(d);
		return 0;
	}
	case UCQL_TYPE_DECIMAL:
		return put_decimal(o, v);
	case UCQL_TYPE_FLOAT: {
		float x;
		ucql_value_get_float(v, &x);
		put_float(o, x, 0);
		return 0;
	}
	case UCQL_TYPE_DOUBLE: {
		double x;
		ucql_value_get_double(v, &x);
		put_float(o, x, 1);
		return 0;
	}
	case UCQL_TYPE_UUID: case UCQL_TYPE_TIMEUUID: {
		for (int i = 0; i < 16; i++)
			putf(o, i == 4 || i == 6 || i == 8 || i == 10 ? "-%02x" : "%02x", v.p[i]);
		return 0;
	}
	case UCQL_TYPE_INET: {
		ucql_inet a;
		char tmp[INET6_ADDRSTRLEN];
		if (ucql_value_get_inet(v, &a) ||
		    !inet_ntop(a.len == 4 ? AF_INET : AF_INET6, a.addr, tmp, sizeof tmp))
			return UCQL_E_BAD_VALUE;
		putf(o, "'%s'", tmp);
		return 0;
	}
	case UCQL_TYPE_DATE: {
		int64_t days = ucql_date_to_days(ucql__be32(v.p)), y;
		unsigned m, d;
		civil_from_days(days, &y, &m, &d);
		if (y < 0 || y > 9999)
			putf(o, "%u", ucql__be32(v.p)); /* the raw form reads back */
		else
			putf(o, "'%04lld-%02u-%02u'", (long long)y, m, d);
		return 0;
	}
	case UCQL_TYPE_TIME: {
		int64_t ns;
		if (ucql_value_get_time(v, &ns))
			return UCQL_E_BAD_VALUE;
		int64_t sec = ns / 1000000000;
		putf(o, "'%02lld:%02lld:%02lld.%09lld'", (long long)(sec / 3600), (long long)(sec / 60 % 60),
		     (long long)(sec % 60), (long long)(ns % 1000000000));
		return 0;
	}
	case UCQL_TYPE_TIMESTAMP: {
		int64_t ms = be_signed(v.p, 8), days = floor_div(ms, 86400000), rem = ms - days * 86400000, y;
		unsigned m, d;
		civil_from_days(days, &y, &m, &d);
		if (y < 0 || y > 9999) {
			putf(o, "%lld", (long long)ms);
			return 0;
		}
		putf(o, "'%04lld-%02u-%02u %02lld:%02lld:%02lld.%03lld+0000'", (long long)y, m, d,
		     (long long)(rem / 3600000), (long long)(rem / 60000 % 60), (long long)(rem / 1000 % 60),
		     (long long)(rem % 1000));
		return 0;
	}
	case UCQL_TYPE_DURATION: {
		ucql_duration d;
		if (ucql_value_get_duration(v, &d))
			return UCQL_E_BAD_VALUE;
		put_duration(o, d);
		return 0;
	}
	case UCQL_TYPE_LIST: case UCQL_TYPE_SET: case UCQL_TYPE_MAP: case UCQL_TYPE_TUPLE:
	case UCQL_TYPE_UDT: case UCQL_TYPE_VECTOR:
		return fmt_seq(o, s, type, v, depth);
	default:
		return UCQL_E_BAD_VALUE;
	}
}

int mock_value_format(const ucql_type_set *s, int type, ucql_value v, char *buf, size_t cap)
{
	out o = { buf, buf ? cap : 0, 0 };
	int rc = fmt(&o, s, type, v, 0);
	if (rc)
		return rc;
	if (o.len > INT32_MAX)
		return UCQL_E_TOO_BIG;
	if (buf && cap) {
		if (o.len < cap)
			buf[o.len] = 0;
		else
			buf[0] = 0; /* truncated: the caller retries with o.len + 1 */
	}
	return (int)o.len;
}
