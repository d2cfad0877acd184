/*
 * ucql-sh: one CQL value as text (table, CSV or JSON style; format.h).
 *
 * The table style follows cqlsh (Cassandra's pylib/cqlshlib/formatting.py
 * and cqlshmain.py): which nested values are quoted (text, inet and
 * timestamps are; dates, times, uuids, blobs and durations are not), the
 * escaping of text, float precision (format_floating_point_type), decimals
 * as Python's Decimal.__str__ (the same text as Java's
 * BigDecimal.toString), durations as Cassandra's Duration.toString. The
 * JSON style follows Cassandra's AbstractType.toJSONString overrides.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

sh_fmt_opts sh_fmt_defaults(int style)
{
	sh_fmt_opts o;
	o.style = style;
	o.float_precision = style == SH_STYLE_TABLE ? SH_TABLE_FLOAT_PRECISION : 0;
	o.double_precision = style == SH_STYLE_TABLE ? SH_TABLE_DOUBLE_PRECISION : 0;
	return o;
}

typedef struct ctx {
	const sh_fmt_opts *o;
	const ucql_type_set *ts;
} ctx;

static int fmt(sh_buf *out, const ctx *c, int t, ucql_value v, int nested);

static int is_json(const ctx *c)
{
	return c->o->style == SH_STYLE_JSON;
}

/* ---- text ------------------------------------------------------------------------ */

/* cqlsh's format_value_text: backslashes doubled, quotes doubled when
 * quoted, and the characters of its unicode_controlchars_re
 * ([\x00-\x1f\x7f-\xa0]) shown as Python's repr shows them (\t \n \r, else
 * \xNN). Bytes that are not UTF-8 (which cqlsh cannot decode) show as \xNN
 * too. */
static void cqlsh_text(sh_buf *out, ucql_bytes s, int quote)
{
	if (quote)
		sh_buf_putc(out, '\'');
	size_t i = 0;
	while (i < s.len) {
		uint32_t cp;
		int len = sh_utf8_decode(s.p + i, s.len - i, &cp);
		if (!len) {
			sh_buf_printf(out, "\\x%02x", s.p[i]);
			i++;
			continue;
		}
		if (cp == '\\')
			sh_buf_puts(out, "\\\\");
		else if (cp == '\'' && quote)
			sh_buf_puts(out, "''");
		else if (cp == '\t')
			sh_buf_puts(out, "\\t");
		else if (cp == '\n')
			sh_buf_puts(out, "\\n");
		else if (cp == '\r')
			sh_buf_puts(out, "\\r");
		else if (cp < 0x20 || (cp >= 0x7F && cp <= 0xA0))
			sh_buf_printf(out, "\\x%02x", (unsigned)cp);
		else
			sh_buf_put(out, s.p + i, (size_t)len);
		i += (size_t)len;
	}
	if (quote)
		sh_buf_putc(out, '\'');
}

/* A CQL string literal: 'text' with quotes doubled, nothing else escaped
 * (CQL has no backslash escapes). */
static void cql_string(sh_buf *out, const void *p, size_t n)
{
	const char *s = p;
	sh_buf_putc(out, '\'');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\'')
			sh_buf_putc(out, '\'');
		sh_buf_putc(out, s[i]);
	}
	sh_buf_putc(out, '\'');
}

static void text_value(sh_buf *out, const ctx *c, ucql_bytes s, int nested)
{
	switch (c->o->style) {
	case SH_STYLE_JSON:
		sh_json_string(out, (const char *)s.p, s.len);
		break;
	case SH_STYLE_CSV:
		if (nested)
			cql_string(out, s.p, s.len);
		else
			sh_buf_put(out, s.p, s.len);
		break;
	default:
		cqlsh_text(out, s, nested);
	}
}

/* Text that needs no escaping (dates, addresses…), quoted as the style
 * wants: `quote` says whether this style quotes it when nested. */
static void plain_value(sh_buf *out, const ctx *c, const char *s, int nested, int quote)
{
	if (is_json(c))
		sh_json_string(out, s, strlen(s));
	else if (nested && quote)
		cql_string(out, s, strlen(s));
	else
		sh_buf_puts(out, s);
}

static void hex(sh_buf *out, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		char two[2] = { digits[p[i] >> 4], digits[p[i] & 15] };
		sh_buf_put(out, two, 2);
	}
}

static void blob_value(sh_buf *out, const ctx *c, const uint8_t *p, size_t n)
{
	if (is_json(c))
		sh_buf_putc(out, '"');
	sh_buf_puts(out, "0x");
	hex(out, p, n);
	if (is_json(c))
		sh_buf_putc(out, '"');
}

/* ---- numbers ---------------------------------------------------------------------- */

/* The shortest %g text that reads back as the same float (or double). */
static void shortest(sh_buf *out, double v, int is_float)
{
	char buf[40];
	for (int p = 1; p <= 17; p++) {
		snprintf(buf, sizeof buf, "%.*g", p, v);
		if (is_float ? strtof(buf, NULL) == (float)v : strtod(buf, NULL) == v)
			break;
	}
	sh_buf_puts(out, buf);
}

/* cqlsh's format_floating_point_type without separators: %g with the
 * precision widened by the integer digits when %g would not switch to
 * exponent notation anyway. int(math.log10(x)) truncates toward zero. */
static void cqlsh_float(sh_buf *out, double v, int prec)
{
	double a = fabs(v);
	if (a > DBL_EPSILON) {
		int e = (int)log10(a);
		if (e >= -4 && e < prec)
			prec += e + 1;
	}
	sh_buf_printf(out, "%.*g", prec, v);
}

static void float_value(sh_buf *out, const ctx *c, double v, int is_float)
{
	const char *special = isnan(v) ? "NaN" : isinf(v) ? (v > 0 ? "Infinity" : "-Infinity") : NULL;
	if (special) {
		/* JSON has no NaN/Infinity: Cassandra 4 writes null (losing the
		 * value), Cassandra 3 wrote them bare (invalid JSON). Strings stay
		 * valid and INSERT JSON reads them back. */
		if (is_json(c))
			sh_json_string(out, special, strlen(special));
		else
			sh_buf_puts(out, special);
		return;
	}
	int prec = is_json(c) ? 0 : is_float ? c->o->float_precision : c->o->double_precision;
	if (prec <= 0)
		shortest(out, v, is_float);
	else
		cqlsh_float(out, v, prec);
}

/* Python's Decimal.__str__ (== Java's BigDecimal.toString): plain when the
 * exponent is <= 0 and the adjusted exponent >= -6, else one digit, a
 * point, the rest, and E±n. */
static void decimal_value(sh_buf *out, int32_t scale, ucql_bytes unscaled)
{
	sh_buf d;
	sh_buf_init(&d);
	sh_varint_digits(&d, unscaled.p, unscaled.len);
	if (d.oom) {
		out->oom = 1;
		sh_buf_free(&d);
		return;
	}
	const char *s = d.p;
	if (*s == '-') {
		sh_buf_putc(out, '-');
		s++;
	}
	int64_t n = (int64_t)strlen(s);
	int64_t exp = -(int64_t)scale;
	int64_t left = exp + n;
	int64_t dot = (exp <= 0 && left > -6) ? left : 1;
	if (dot <= 0) {
		sh_buf_puts(out, "0.");
		for (int64_t i = 0; i < -dot; i++)
			sh_buf_putc(out, '0');
		sh_buf_put(out, s, (size_t)n);
	} else if (dot >= n) {
		sh_buf_put(out, s, (size_t)n);
		for (int64_t i = n; i < dot; i++)
			sh_buf_putc(out, '0');
	} else {
		sh_buf_put(out, s, (size_t)dot);
		sh_buf_putc(out, '.');
		sh_buf_put(out, s + dot, (size_t)(n - dot));
	}
	if (left != dot)
		sh_buf_printf(out, "E%+lld", (long long)(left - dot));
	sh_buf_free(&d);
}

/* ---- dates and times ---------------------------------------------------------------- */

/* Days since 1970-01-01 → proleptic Gregorian y-m-d (H. Hinnant's
 * civil_from_days). */
static void civil(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
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

static int64_t floor_div(int64_t a, int64_t b, int64_t *rem)
{
	int64_t q = a / b, r = a % b;
	if (r < 0) {
		r += b;
		q--;
	}
	*rem = r;
	return q;
}

/* Years cqlsh (Python's datetime) can show; outside them it shows the raw
 * number, and so do we. */
#define YEAR_OK(y) ((y) >= 1 && (y) <= 9999)

static void timestamp_value(sh_buf *out, const ctx *c, int64_t ms, int nested)
{
	int64_t msr, secr;
	int64_t sec = floor_div(ms, 1000, &msr);
	int64_t days = floor_div(sec, 86400, &secr);
	int64_t y;
	unsigned mo, d;
	civil(days, &y, &mo, &d);
	if (!YEAR_OK(y)) {
		sh_buf_printf(out, "%lld", (long long)ms);
		return;
	}
	char buf[64];
	int hh = (int)(secr / 3600), mi = (int)(secr / 60 % 60), ss = (int)(secr % 60);
	switch (c->o->style) {
	case SH_STYLE_JSON: /* Cassandra: "yyyy-MM-dd HH:mm:ss.SSS'Z'" in UTC */
		snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d.%03dZ", (int)y, mo, d, hh, mi,
			 ss, (int)msr);
		break;
	case SH_STYLE_CSV: /* cqlsh COPY TO: milliseconds only */
		snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d.%03d+0000", (int)y, mo, d, hh,
			 mi, ss, (int)msr);
		break;
	default: /* cqlsh: '%Y-%m-%d %H:%M:%S.%f%z' in UTC */
		snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d.%06d+0000", (int)y, mo, d, hh,
			 mi, ss, (int)msr * 1000);
	}
	plain_value(out, c, buf, nested, 1);
}

static void date_value(sh_buf *out, const ctx *c, uint32_t date, int nested)
{
	int64_t days = ucql_date_to_days(date);
	int64_t y;
	unsigned mo, d;
	civil(days, &y, &mo, &d);
	if (!YEAR_OK(y)) {
		sh_buf_printf(out, "%lld", (long long)days);
		return;
	}
	char buf[32];
	snprintf(buf, sizeof buf, "%04d-%02u-%02u", (int)y, mo, d);
	/* cqlsh does not quote nested dates; a CSV cell is a CQL literal. */
	plain_value(out, c, buf, nested, c->o->style == SH_STYLE_CSV);
}

static void time_value(sh_buf *out, const ctx *c, int64_t ns, int nested)
{
	char buf[40];
	int64_t s = ns / 1000000000;
	snprintf(buf, sizeof buf, "%02d:%02d:%02d.%09lld", (int)(s / 3600), (int)(s / 60 % 60),
		 (int)(s % 60), (long long)(ns % 1000000000));
	plain_value(out, c, buf, nested, c->o->style == SH_STYLE_CSV);
}

/* Cassandra's Duration.toString (and cqlsh's duration_as_str): a sign,
 * then y mo d h m s ms us ns parts, zero parts left out. A zero duration,
 * which they print as "", is "0s" here: an empty cell would read as null
 * in CSV, and "0s" is a CQL literal. */
static void duration_value(sh_buf *out, const ctx *c, ucql_duration du)
{
	static const struct {
		int64_t div;
		const char *unit;
	} parts[] = {
		{ INT64_C(3600000000000), "h" }, { INT64_C(60000000000), "m" },
		{ INT64_C(1000000000), "s" },    { INT64_C(1000000), "ms" },
		{ INT64_C(1000), "us" },         { 1, "ns" },
	};
	sh_buf t;
	sh_buf_init(&t);
	if (du.months < 0 || du.days < 0 || du.nanos < 0)
		sh_buf_putc(&t, '-');
	int64_t mo = du.months < 0 ? -(int64_t)du.months : du.months;
	int64_t dd = du.days < 0 ? -(int64_t)du.days : du.days;
	/* |INT64_MIN| does not fit: as unsigned it does. */
	uint64_t ns = du.nanos < 0 ? (uint64_t)0 - (uint64_t)du.nanos : (uint64_t)du.nanos;
	if (mo >= 12)
		sh_buf_printf(&t, "%lldy", (long long)(mo / 12));
	if (mo % 12)
		sh_buf_printf(&t, "%lldmo", (long long)(mo % 12));
	if (dd)
		sh_buf_printf(&t, "%lldd", (long long)dd);
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		if (ns >= (uint64_t)parts[i].div) {
			sh_buf_printf(&t, "%llu%s", (unsigned long long)(ns / (uint64_t)parts[i].div),
				      parts[i].unit);
			ns %= (uint64_t)parts[i].div;
		}
	}
	if (!du.months && !du.days && !du.nanos)
		sh_buf_puts(&t, "0s");
	if (t.oom)
		out->oom = 1;
	plain_value(out, c, sh_buf_cstr(&t), 0, 0);
	sh_buf_free(&t);
}

static void uuid_value(sh_buf *out, const ctx *c, const uint8_t *u)
{
	char buf[40];
	snprintf(buf, sizeof buf,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
		 u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
		 u[14], u[15]);
	plain_value(out, c, buf, 0, 0);
}

static void inet_value(sh_buf *out, const ctx *c, const ucql_inet *a, int nested)
{
	char buf[INET6_ADDRSTRLEN];
	if (!inet_ntop(a->len == 4 ? AF_INET : AF_INET6, a->addr, buf, sizeof buf))
		buf[0] = '\0';
	plain_value(out, c, buf, nested, 1);
}

/* ---- collections, tuples, UDTs ------------------------------------------------------ */

/* A UDT field name: decoded (class syntax gives hex); for JSON as
 * Cassandra's UserType.toJSONString writes it (names that are not all
 * lowercase wrapped in "…"); in CSV cells as a CQL identifier (quoted
 * unless a plain lowercase one); bare in tables, as cqlsh shows it.
 * is_hex: the UDT came from class syntax (UCQL_TYPE_F_HEX on the UDT). */
static void field_name(sh_buf *out, const ctx *c, const ucql_type *f, int is_hex)
{
	sh_buf n;
	sh_buf_init(&n);
	if (is_hex) {
		for (size_t i = 0; i + 1 < f->field.len; i += 2) {
			char two[3] = { (char)f->field.p[i], (char)f->field.p[i + 1], 0 };
			sh_buf_putc(&n, (char)strtoul(two, NULL, 16));
		}
	} else {
		sh_buf_put(&n, f->field.p, f->field.len);
	}
	const char *s = sh_buf_cstr(&n);
	int plain = n.len > 0 && s[0] >= 'a' && s[0] <= 'z';
	for (size_t i = 0; i < n.len; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'))
			plain = 0;
	}
	if (is_json(c)) {
		sh_json_key(out, s, n.len);
	} else if (c->o->style == SH_STYLE_CSV && !plain) {
		sh_buf_putc(out, '"');
		for (size_t i = 0; i < n.len; i++) {
			if (s[i] == '"')
				sh_buf_putc(out, '"');
			sh_buf_putc(out, s[i]);
		}
		sh_buf_putc(out, '"');
	} else {
		sh_buf_put(out, s, n.len);
	}
	if (n.oom)
		out->oom = 1;
	sh_buf_free(&n);
}

void sh_json_key(sh_buf *out, const char *s, size_t n)
{
	int lower = 1;
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			lower = 0;
	if (lower) {
		sh_json_string(out, s, n);
		return;
	}
	sh_buf q;
	sh_buf_init(&q);
	sh_buf_putc(&q, '"');
	sh_buf_put(&q, s, n);
	sh_buf_putc(&q, '"');
	sh_json_string(out, sh_buf_cstr(&q), q.len);
	if (q.oom)
		out->oom = 1;
	sh_buf_free(&q);
}

/* A map key in JSON: Cassandra's MapType.toJSONString uses the key's JSON
 * text when it is a string, else that text as a JSON string. */
static int json_map_key(sh_buf *out, const ctx *c, int kt, ucql_value k)
{
	size_t start = out->len;
	int rc = fmt(out, c, kt, k, 1);
	if (rc < 0 || (out->len > start && out->p[start] == '"'))
		return rc;
	sh_buf tmp;
	sh_buf_init(&tmp);
	sh_buf_put(&tmp, out->p + start, out->len - start);
	sh_buf_truncate(out, start);
	sh_json_string(out, sh_buf_cstr(&tmp), tmp.len);
	if (tmp.oom)
		out->oom = 1;
	sh_buf_free(&tmp);
	return 0;
}

static int list_value(sh_buf *out, const ctx *c, int t, ucql_value v, char open, char close)
{
	const ucql_type *node = ucql_type_at(c->ts, t);
	int et = ucql_type_child(c->ts, t, 0);
	ucql_iter it;
	int rc;
	if (node->id == UCQL_TYPE_VECTOR)
		rc = ucql_vector_iter_init(&it, v, node->dim, ucql_type_vector_elem_size(c->ts, et));
	else
		rc = ucql_coll_iter_init(&it, v);
	if (rc)
		return rc;
	if (is_json(c))
		open = '[', close = ']';
	sh_buf_putc(out, open);
	ucql_value e;
	int n = 0;
	while ((rc = node->id == UCQL_TYPE_VECTOR ? ucql_vector_next(&it, &e)
						  : ucql_list_next(&it, &e)) == 1) {
		if (n++)
			sh_buf_puts(out, ", ");
		if ((rc = fmt(out, c, et, e, 1)) < 0)
			return rc;
	}
	if (rc < 0)
		return rc;
	sh_buf_putc(out, close);
	return 0;
}

static int map_value(sh_buf *out, const ctx *c, int t, ucql_value v)
{
	int kt = ucql_type_child(c->ts, t, 0), vt = ucql_type_child(c->ts, t, 1);
	ucql_iter it;
	int rc = ucql_coll_iter_init(&it, v);
	if (rc)
		return rc;
	sh_buf_putc(out, '{');
	ucql_value k, e;
	int n = 0;
	while ((rc = ucql_map_next(&it, &k, &e)) == 1) {
		if (n++)
			sh_buf_puts(out, ", ");
		rc = is_json(c) ? json_map_key(out, c, kt, k) : fmt(out, c, kt, k, 1);
		if (rc < 0)
			return rc;
		sh_buf_puts(out, ": ");
		if ((rc = fmt(out, c, vt, e, 1)) < 0)
			return rc;
	}
	if (rc < 0)
		return rc;
	sh_buf_putc(out, '}');
	return 0;
}

/* Tuples and UDTs: one value per field of the type; a value with fewer
 * fields has nulls for the rest (a UDT may have gained fields since it was
 * written); more fields than the type has is malformed. */
static int fields_value(sh_buf *out, const ctx *c, int t, ucql_value v)
{
	const ucql_type *node = ucql_type_at(c->ts, t);
	int udt = node->id == UCQL_TYPE_UDT;
	if (udt && (node->flags & UCQL_TYPE_F_REF))
		return UCQL_E_BAD_TYPE; /* fields unknown: shown as bytes */
	ucql_iter it;
	int rc = ucql_tuple_iter_init(&it, v);
	if (rc)
		return rc;
	char open = is_json(c) ? (udt ? '{' : '[') : (udt ? '{' : '(');
	char close = open == '{' ? '}' : open == '[' ? ']' : ')';
	sh_buf_putc(out, open);
	int n = 0;
	for (int f = node->first_child; f >= 0; f = ucql_type_at(c->ts, f)->next) {
		ucql_value e = ucql_value_null();
		if ((rc = ucql_tuple_next(&it, &e)) < 0)
			return rc;
		if (n++)
			sh_buf_puts(out, ", ");
		if (udt) {
			field_name(out, c, ucql_type_at(c->ts, f), node->flags & UCQL_TYPE_F_HEX);
			sh_buf_puts(out, ": ");
		}
		if ((rc = fmt(out, c, f, e, 1)) < 0)
			return rc;
	}
	ucql_value extra;
	if ((rc = ucql_tuple_next(&it, &extra)) != 0)
		return rc < 0 ? rc : UCQL_E_TRAILING;
	sh_buf_putc(out, close);
	return 0;
}

/* ---- one value ------------------------------------------------------------------------- */

/* Types whose empty (zero-length) value is not a value of the type but
 * Cassandra's "empty": everything but text, blobs and collections. */
static int empty_is_special(int id)
{
	switch (id) {
	case UCQL_TYPE_ASCII:
	case UCQL_TYPE_VARCHAR:
	case UCQL_TYPE_BLOB:
	case UCQL_TYPE_CUSTOM:
	case UCQL_TYPE_LIST:
	case UCQL_TYPE_SET:
	case UCQL_TYPE_MAP:
		return 0;
	default:
		return 1;
	}
}

static int fmt(sh_buf *out, const ctx *c, int t, ucql_value v, int nested)
{
	const ucql_type *node = ucql_type_at(c->ts, t);
	if (v.len < 0) {
		if (is_json(c) || c->o->style == SH_STYLE_TABLE || nested)
			sh_buf_puts(out, "null");
		return 0;
	}
	if (v.len == 0 && empty_is_special(node->id)) {
		/* cqlsh shows Cassandra's EMPTY as nothing; toJSONString as "". */
		if (is_json(c))
			sh_buf_puts(out, "\"\"");
		return 0;
	}
	int rc = 0;
	union {
		int32_t i32;
		int64_t i64;
		int16_t i16;
		int8_t i8;
		int b;
		float f;
		double d;
		uint32_t u32;
		const uint8_t *u;
		ucql_inet in;
		ucql_duration du;
	} x;
	ucql_bytes b;
	int32_t scale;
	switch (node->id) {
	case UCQL_TYPE_ASCII:
	case UCQL_TYPE_VARCHAR:
		ucql_value_get_text(v, &b);
		text_value(out, c, b, nested);
		return 0;
	case UCQL_TYPE_BLOB:
	case UCQL_TYPE_CUSTOM:
		blob_value(out, c, v.p, (size_t)v.len);
		return 0;
	case UCQL_TYPE_BOOLEAN:
		if (!(rc = ucql_value_get_boolean(v, &x.b)))
			sh_buf_puts(out, is_json(c) ? (x.b ? "true" : "false") : (x.b ? "True" : "False"));
		return rc;
	case UCQL_TYPE_TINYINT:
		if (!(rc = ucql_value_get_tinyint(v, &x.i8)))
			sh_buf_printf(out, "%d", x.i8);
		return rc;
	case UCQL_TYPE_SMALLINT:
		if (!(rc = ucql_value_get_smallint(v, &x.i16)))
			sh_buf_printf(out, "%d", x.i16);
		return rc;
	case UCQL_TYPE_INT:
		if (!(rc = ucql_value_get_int(v, &x.i32)))
			sh_buf_printf(out, "%d", x.i32);
		return rc;
	case UCQL_TYPE_BIGINT:
	case UCQL_TYPE_COUNTER:
		if (!(rc = ucql_value_get_bigint(v, &x.i64)))
			sh_buf_printf(out, "%lld", (long long)x.i64);
		return rc;
	case UCQL_TYPE_VARINT:
		sh_varint_digits(out, v.p, (size_t)v.len);
		return 0;
	case UCQL_TYPE_DECIMAL:
		if (!(rc = ucql_value_get_decimal(v, &scale, &b)))
			decimal_value(out, scale, b);
		return rc;
	case UCQL_TYPE_FLOAT:
		if (!(rc = ucql_value_get_float(v, &x.f)))
			float_value(out, c, x.f, 1);
		return rc;
	case UCQL_TYPE_DOUBLE:
		if (!(rc = ucql_value_get_double(v, &x.d)))
			float_value(out, c, x.d, 0);
		return rc;
	case UCQL_TYPE_TIMESTAMP:
		if (!(rc = ucql_value_get_timestamp(v, &x.i64)))
			timestamp_value(out, c, x.i64, nested);
		return rc;
	case UCQL_TYPE_DATE:
		if (!(rc = ucql_value_get_date(v, &x.u32)))
			date_value(out, c, x.u32, nested);
		return rc;
	case UCQL_TYPE_TIME:
		if (!(rc = ucql_value_get_time(v, &x.i64)))
			time_value(out, c, x.i64, nested);
		return rc;
	case UCQL_TYPE_UUID:
	case UCQL_TYPE_TIMEUUID:
		if (!(rc = ucql_value_get_uuid(v, &x.u)))
			uuid_value(out, c, x.u);
		return rc;
	case UCQL_TYPE_INET:
		if (!(rc = ucql_value_get_inet(v, &x.in)))
			inet_value(out, c, &x.in, nested);
		return rc;
	case UCQL_TYPE_DURATION:
		if (!(rc = ucql_value_get_duration(v, &x.du)))
			duration_value(out, c, x.du);
		return rc;
	case UCQL_TYPE_LIST:
	case UCQL_TYPE_VECTOR:
		return list_value(out, c, t, v, '[', ']');
	case UCQL_TYPE_SET:
		return list_value(out, c, t, v, '{', '}');
	case UCQL_TYPE_MAP:
		return map_value(out, c, t, v);
	case UCQL_TYPE_TUPLE:
	case UCQL_TYPE_UDT:
		return fields_value(out, c, t, v);
	default:
		return UCQL_E_BAD_TYPE;
	}
}

int sh_format_value(sh_buf *out, const ucql_type_set *types, int t, ucql_value v,
		    const sh_fmt_opts *o)
{
	ctx c = { o, types };
	size_t start = out->len;
	int rc = fmt(out, &c, t, v, 0);
	if (rc >= 0)
		return 0;
	/* Malformed somewhere inside: the raw bytes instead, so the row (and
	 * the JSON line) stays whole. */
	sh_buf_truncate(out, start);
	blob_value(out, &c, v.p, v.len > 0 ? (size_t)v.len : 0);
	return rc;
}
