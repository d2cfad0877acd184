/*
 * cql_literal.c — CQL literals to serialized values (see cql_literal.h).
 *
 * Which literal kinds a type accepts, and the messages for the rest, follow
 * Cassandra's Constants.Type.testAssignment and its AbstractType.fromString
 * implementations (Int32Type: "Unable to make int from '...'", ...), since
 * drivers' users see those messages.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cql_lex.h"
#include "cql_literal.h"
#include "cql_literal_int.h"

typedef struct conv {
	const ucql_type_set *s;
	const mock_literal_ctx *ctx;
	mock_cql_error *err;
	int64_t now_us;
} conv;

static int conv_term(conv *c, ucql_writer *w, int type, const mock_term *t, const char *recv, int depth);

/* ==== errors ============================================================= */

static int invalid(conv *c, const mock_term *t, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int invalid(conv *c, const mock_term *t, const char *fmt, ...)
{
	va_list ap;
	c->err->code = UCQL_E_INVALID;
	c->err->pos = t ? t->pos : 0;
	va_start(ap, fmt);
	vsnprintf(c->err->msg, sizeof c->err->msg, fmt, ap);
	va_end(ap);
	return UCQL_E_INVALID;
}

static int nomem(conv *c)
{
	mock_cql_error_set(c->err, UCQL_E_NOMEM, 0, "out of memory");
	return UCQL_E_NOMEM;
}

/* The type as CQL text, for messages. */
static const char *type_text(conv *c, int type, char *buf, size_t cap)
{
	int n = ucql_type_to_cql(c->s, type, UCQL_TYPE_FMT_FROZEN, buf, cap);
	if (n < 0 || (size_t)n >= cap) {
		const char *name = ucql_type_name(ucql_type_at(c->s, type)->id);
		snprintf(buf, cap, "%s", name ? name : "?");
	}
	return buf;
}

static const char *kind_name(int kind)
{
	switch (kind) {
	case MOCK_TERM_STRING: return "STRING";
	case MOCK_TERM_INT: return "INTEGER";
	case MOCK_TERM_FLOAT: return "FLOAT";
	case MOCK_TERM_BOOL: return "BOOLEAN";
	case MOCK_TERM_HEX: return "HEX";
	case MOCK_TERM_UUID: return "UUID";
	case MOCK_TERM_DURATION: return "DURATION";
	default: return "?";
	}
}

static int bad_constant(conv *c, int type, const mock_term *t, const char *recv)
{
	char tb[128];
	const char *text = t->kind == MOCK_TERM_HEX ? "0x" : "";
	return invalid(c, t, "Invalid %s constant (%s%s) for \"%s\" of type %s", kind_name(t->kind), text,
		       t->text, recv, type_text(c, type, tb, sizeof tb));
}

/* What Cassandra calls a composite literal in messages. */
static const char *lit_name(const mock_term *t)
{
	switch (t->kind) {
	case MOCK_TERM_LIST: return "list";
	case MOCK_TERM_TUPLE: return "tuple type";
	case MOCK_TERM_BRACE:
		return !t->keys ? "set" : t->keys[0]->kind == MOCK_TERM_IDENT ? "user type" : "map";
	default: return "constant";
	}
}

static int bad_literal(conv *c, int type, const mock_term *t, const char *recv)
{
	char tb[128];
	return invalid(c, t, "Invalid %s literal for %s of type %s", lit_name(t), recv, type_text(c, type, tb, sizeof tb));
}

/* ==== numbers ============================================================ */

/* Decimal digits → minimal two's complement big-endian bytes (Java's
 * BigInteger.toByteArray). out must hold strlen(digits)/2 + 2 bytes.
 * Returns the length. */
static size_t digits_to_varint(const char *d, size_t nd, int neg, uint8_t *out, size_t cap)
{
	/* little-endian magnitude in out, built by ×10 + digit */
	size_t n = 1;
	memset(out, 0, cap);
	for (size_t i = 0; i < nd; i++) {
		unsigned carry = (unsigned)(d[i] - '0');
		for (size_t k = 0; k < n; k++) {
			unsigned v = out[k] * 10u + carry;
			out[k] = (uint8_t)v;
			carry = v >> 8;
		}
		if (carry)
			out[n++] = (uint8_t)carry;
	}
	while (n > 1 && !out[n - 1])
		n--;
	if (neg) {
		/* two's complement over n+1 bytes, then drop redundant 0xFF */
		unsigned carry = 1;
		for (size_t k = 0; k <= n; k++) {
			unsigned v = (uint8_t)~out[k] + carry;
			out[k] = (uint8_t)v;
			carry = v >> 8;
		}
		n++;
		while (n > 1 && out[n - 1] == 0xFF && (out[n - 2] & 0x80))
			n--;
	} else if (out[n - 1] & 0x80) {
		out[n++] = 0; /* room for the sign bit */
	}
	for (size_t k = 0; k < n / 2; k++) {
		uint8_t x = out[k];
		out[k] = out[n - 1 - k];
		out[n - 1 - k] = x;
	}
	return n;
}

static int write_varint(conv *c, ucql_writer *w, const mock_term *t)
{
	const char *s = t->text;
	int neg = *s == '-';
	if (*s == '-' || *s == '+')
		s++;
	size_t nd = strlen(s);
	for (size_t i = 0; i < nd; i++)
		if (s[i] < '0' || s[i] > '9' || nd == 0)
			return invalid(c, t, "unable to make int from '%s'", t->text);
	if (!nd)
		return invalid(c, t, "unable to make int from '%s'", t->text);
	size_t cap = nd / 2 + 3;
	uint8_t *b = malloc(cap);
	if (!b)
		return nomem(c);
	size_t n = digits_to_varint(s, nd, neg, b, cap);
	ucql_value_write_bytes(w, ucql_bytes_of(b, n));
	free(b);
	return 0;
}

static int write_decimal(conv *c, ucql_writer *w, const mock_term *t)
{
	const char *s = t->text, *p = s;
	int neg = *p == '-';
	if (*p == '-' || *p == '+')
		p++;
	size_t len = strlen(p);
	char *digits = malloc(len + 1);
	if (!digits)
		return nomem(c);
	size_t nd = 0, frac = 0;
	int seen_dot = 0, ok = 1;
	int64_t exp = 0;
	for (; *p && *p != 'e' && *p != 'E'; p++) {
		if (*p == '.' && !seen_dot)
			seen_dot = 1;
		else if (*p >= '0' && *p <= '9') {
			digits[nd++] = *p;
			frac += seen_dot;
		} else
			ok = 0;
	}
	if (*p && mock__lit_parse_int(p + 1, INT32_MIN, INT32_MAX, &exp))
		ok = 0;
	int64_t scale = (int64_t)frac - exp;
	if (!ok || !nd || scale < INT32_MIN || scale > INT32_MAX) {
		free(digits);
		return invalid(c, t, "unable to make BigDecimal from '%s'", s);
	}
	size_t cap = nd / 2 + 3;
	uint8_t *b = malloc(cap);
	if (!b) {
		free(digits);
		return nomem(c);
	}
	size_t n = digits_to_varint(digits, nd, neg, b, cap);
	ucql_value_write_decimal_bytes(w, (int32_t)scale, ucql_bytes_of(b, n));
	free(b);
	free(digits);
	return 0;
}

static int write_float(conv *c, ucql_writer *w, const mock_term *t, int dbl)
{
	char *end;
	errno = 0;
	double d = dbl ? strtod(t->text, &end) : (double)strtof(t->text, &end);
	if (end == t->text || *end)
		return invalid(c, t, "Unable to make %s from '%s'", dbl ? "double" : "float", t->text);
	if (isnan(d))
		d = NAN; /* Java's canonical NaN, whatever sign was written */
	if (dbl)
		ucql_value_write_double(w, isnan(d) ? NAN : d);
	else
		ucql_value_write_float(w, isnan(d) ? NAN : (float)d);
	return 0;
}

/* ==== functions ========================================================== */

/* A native function's result: its type id and value. */
typedef struct fval {
	int id;      /* TIMEUUID / UUID: u; TIMESTAMP (ms), DATE (days),
			TIME (ns), BIGINT: i */
	int64_t i;
	uint8_t u[16];
} fval;

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static int eval_func(conv *c, const mock_term *t, fval *out, int depth)
{
	const char *n = t->name;
	if (!strncmp(n, "system.", 7))
		n += 7;
	size_t argc = t->n_items;
	fval arg = { 0 };
	static const char *const known[] = { "now", "currenttimeuuid", "uuid", "currenttimestamp", "currentdate",
		"currenttime", "totimestamp", "todate", "tounixtimestamp", NULL };
	const char *const *k = known;
	while (*k && strcmp(*k, n))
		k++;
	if (!*k)
		return invalid(c, t, "Unknown function %s called", t->name);
	if (argc == 1) {
		const mock_term *a = t->items[0];
		if (a->kind != MOCK_TERM_FUNC || depth > 8)
			return invalid(c, t, "Invalid argument for function %s: only function calls are supported by ucql-mock", n);
		int rc = eval_func(c, a, &arg, depth + 1);
		if (rc)
			return rc;
	} else if (argc > 1) {
		return invalid(c, t, "Invalid number of arguments in call to function %s: 0 or 1 required but %zu provided", n, argc);
	}
	int64_t us = c->now_us;
	if (!argc && !strcmp(n, "now")) {
		out->id = UCQL_TYPE_TIMEUUID;
		mock_timeuuid_make(us, out->u);
	} else if (!argc && !strcmp(n, "currenttimeuuid")) {
		out->id = UCQL_TYPE_TIMEUUID;
		mock_timeuuid_make(us, out->u);
	} else if (!argc && !strcmp(n, "uuid")) {
		out->id = UCQL_TYPE_UUID;
		if (mock_uuid_random(out->u))
			return nomem(c);
	} else if (!argc && !strcmp(n, "currenttimestamp")) {
		out->id = UCQL_TYPE_TIMESTAMP;
		out->i = floor_div(us, 1000);
	} else if (!argc && !strcmp(n, "currentdate")) {
		out->id = UCQL_TYPE_DATE;
		out->i = floor_div(us, INT64_C(86400000000));
	} else if (!argc && !strcmp(n, "currenttime")) {
		out->id = UCQL_TYPE_TIME;
		out->i = (us - floor_div(us, INT64_C(86400000000)) * INT64_C(86400000000)) * 1000;
	} else if (argc && (!strcmp(n, "totimestamp") || !strcmp(n, "todate") || !strcmp(n, "tounixtimestamp"))) {
		int64_t ms;
		if (arg.id == UCQL_TYPE_TIMEUUID)
			ms = mock__lit_timeuuid_ms(arg.u);
		else if (arg.id == UCQL_TYPE_TIMESTAMP)
			ms = arg.i;
		else if (arg.id == UCQL_TYPE_DATE)
			ms = arg.i * 86400000;
		else
			return invalid(c, t, "Invalid argument for function %s", n);
		if (!strcmp(n, "todate")) {
			out->id = UCQL_TYPE_DATE;
			out->i = floor_div(ms, 86400000);
		} else {
			out->id = !strcmp(n, "totimestamp") ? UCQL_TYPE_TIMESTAMP : UCQL_TYPE_BIGINT;
			out->i = ms;
		}
	} else {
		return invalid(c, t, "Unknown function %s called", t->name);
	}
	return 0;
}

static int write_func(conv *c, ucql_writer *w, int type, const mock_term *t, const char *recv)
{
	fval f;
	int rc = eval_func(c, t, &f, 0);
	if (rc)
		return rc;
	int id = ucql_type_at(c->s, type)->id;
	/* timeuuid values fit uuid columns (TimeUUIDType is value-compatible
	 * with UUIDType); bigint ones fit counters. */
	int ok = id == f.id || (id == UCQL_TYPE_UUID && f.id == UCQL_TYPE_TIMEUUID) ||
		 (id == UCQL_TYPE_COUNTER && f.id == UCQL_TYPE_BIGINT);
	if (!ok) {
		char tb[128];
		return invalid(c, t, "Type error: cannot assign result of function system.%s (type %s) to %s (type %s)",
			       t->name, ucql_type_name(f.id), recv, type_text(c, type, tb, sizeof tb));
	}
	switch (f.id) {
	case UCQL_TYPE_TIMEUUID: case UCQL_TYPE_UUID:
		ucql_value_write_uuid(w, f.u);
		break;
	case UCQL_TYPE_DATE: {
		uint32_t d;
		if (ucql_date_from_days(f.i, &d))
			return invalid(c, t, "date out of range");
		ucql_value_write_date(w, d);
		break;
	}
	case UCQL_TYPE_TIME:
		ucql_value_write_time(w, f.i);
		break;
	default:
		ucql_value_write_bigint(w, f.i);
	}
	return 0;
}

/* ==== scalars ============================================================ */

/* Constants.Type.testAssignment: the literal kinds each type takes. */
static int accepts(int id, int kind)
{
	switch (kind) {
	case MOCK_TERM_STRING:
		return id == UCQL_TYPE_ASCII || id == UCQL_TYPE_VARCHAR || id == UCQL_TYPE_INET ||
		       id == UCQL_TYPE_DATE || id == UCQL_TYPE_TIME || id == UCQL_TYPE_TIMESTAMP ||
		       id == UCQL_TYPE_CUSTOM;
	case MOCK_TERM_INT:
		return id == UCQL_TYPE_BIGINT || id == UCQL_TYPE_COUNTER || id == UCQL_TYPE_DATE ||
		       id == UCQL_TYPE_DECIMAL || id == UCQL_TYPE_DOUBLE || id == UCQL_TYPE_DURATION ||
		       id == UCQL_TYPE_FLOAT || id == UCQL_TYPE_INT || id == UCQL_TYPE_SMALLINT ||
		       id == UCQL_TYPE_TIME || id == UCQL_TYPE_TIMESTAMP || id == UCQL_TYPE_TINYINT ||
		       id == UCQL_TYPE_VARINT;
	case MOCK_TERM_FLOAT:
		return id == UCQL_TYPE_DECIMAL || id == UCQL_TYPE_DOUBLE || id == UCQL_TYPE_FLOAT;
	case MOCK_TERM_BOOL:
		return id == UCQL_TYPE_BOOLEAN;
	case MOCK_TERM_HEX:
		return id == UCQL_TYPE_BLOB || id == UCQL_TYPE_CUSTOM;
	case MOCK_TERM_UUID:
		return id == UCQL_TYPE_UUID || id == UCQL_TYPE_TIMEUUID;
	case MOCK_TERM_DURATION:
		return id == UCQL_TYPE_DURATION;
	default:
		return 0;
	}
}

static int write_scalar(conv *c, ucql_writer *w, int type, const mock_term *t, const char *recv)
{
	int id = ucql_type_at(c->s, type)->id;
	if (!accepts(id, t->kind))
		return bad_constant(c, type, t, recv);
	const char *s = t->text;
	int64_t v;
	switch (id) {
	case UCQL_TYPE_ASCII:
		if (!ucql_ascii_valid(ucql_bytes_of(s, t->len)))
			return invalid(c, t, "Invalid ASCII character in string literal");
		ucql_value_write_text(w, ucql_bytes_of(s, t->len));
		return 0;
	case UCQL_TYPE_VARCHAR:
		if (!ucql_utf8_valid(ucql_bytes_of(s, t->len)))
			return invalid(c, t, "Invalid UTF-8 string literal");
		ucql_value_write_text(w, ucql_bytes_of(s, t->len));
		return 0;
	case UCQL_TYPE_CUSTOM: case UCQL_TYPE_BLOB: {
		if (t->kind == MOCK_TERM_STRING) {
			ucql_value_write_bytes(w, ucql_bytes_of(s, t->len));
			return 0;
		}
		if (t->len % 2)
			return invalid(c, t, "cannot parse '%s' as hex bytes", s);
		uint8_t *d = ucql_writer_reserve(w, 4 + t->len / 2);
		if (!d)
			return 0; /* measuring / no room: w->err says so */
		ucql__put32(d, (uint32_t)(t->len / 2));
		for (size_t i = 0; i < t->len / 2; i++) {
			int h = mock__lit_hexval((unsigned char)s[2 * i]), l = mock__lit_hexval((unsigned char)s[2 * i + 1]);
			d[4 + i] = (uint8_t)(h << 4 | l);
		}
		return 0;
	}
	case UCQL_TYPE_BOOLEAN:
		ucql_value_write_boolean(w, !strcmp(s, "true"));
		return 0;
	case UCQL_TYPE_TINYINT:
		if (mock__lit_parse_int(s, INT8_MIN, INT8_MAX, &v))
			return invalid(c, t, "Unable to make byte from '%s'", s);
		ucql_value_write_tinyint(w, (int8_t)v);
		return 0;
	case UCQL_TYPE_SMALLINT:
		if (mock__lit_parse_int(s, INT16_MIN, INT16_MAX, &v))
			return invalid(c, t, "Unable to make short from '%s'", s);
		ucql_value_write_smallint(w, (int16_t)v);
		return 0;
	case UCQL_TYPE_INT:
		if (mock__lit_parse_int(s, INT32_MIN, INT32_MAX, &v))
			return invalid(c, t, "Unable to make int from '%s'", s);
		ucql_value_write_int(w, (int32_t)v);
		return 0;
	case UCQL_TYPE_BIGINT: case UCQL_TYPE_COUNTER:
		if (mock__lit_parse_int(s, INT64_MIN, INT64_MAX, &v))
			return invalid(c, t, "Unable to make long from '%s'", s);
		ucql_value_write_bigint(w, v);
		return 0;
	case UCQL_TYPE_VARINT:
		return write_varint(c, w, t);
	case UCQL_TYPE_DECIMAL:
		return write_decimal(c, w, t);
	case UCQL_TYPE_FLOAT:
		return write_float(c, w, t, 0);
	case UCQL_TYPE_DOUBLE:
		return write_float(c, w, t, 1);
	case UCQL_TYPE_UUID: case UCQL_TYPE_TIMEUUID: {
		uint8_t u[16];
		if (mock__lit_parse_uuid(s, u))
			return invalid(c, t, "Unable to make UUID from '%s'", s);
		if (id == UCQL_TYPE_TIMEUUID && (u[6] & 0xF0) != 0x10)
			return invalid(c, t, "Unsupported UUID version (%d) for a timeuuid, version 1 required", u[6] >> 4);
		ucql_value_write_uuid(w, u);
		return 0;
	}
	case UCQL_TYPE_INET: {
		ucql_inet a = { 0 };
		if (inet_pton(AF_INET, s, a.addr) == 1)
			a.len = 4;
		else if (inet_pton(AF_INET6, s, a.addr) == 1)
			a.len = 16;
		else
			return invalid(c, t, "Unable to make inet address from '%s'", s);
		ucql_value_write_inet(w, &a);
		return 0;
	}
	case UCQL_TYPE_DATE: {
		/* an integer (literal or string) is the raw unsigned value
		 * (2^31 = 1970-01-01), else yyyy-mm-dd */
		int64_t days;
		uint32_t d;
		if (!mock__lit_parse_int(s, 0, UINT32_MAX, &v)) {
			ucql_value_write_date(w, (uint32_t)v);
			return 0;
		}
		const char *p = s;
		if (t->kind == MOCK_TERM_INT || mock__lit_parse_date(&p, &days) || *p || ucql_date_from_days(days, &d))
			return invalid(c, t, "Unable to coerce '%s' to a formatted date (long)", s);
		ucql_value_write_date(w, d);
		return 0;
	}
	case UCQL_TYPE_TIME: {
		int64_t ns;
		const char *p = s;
		if (!mock__lit_parse_int(s, 0, UCQL_TIME_MAX, &v))
			ns = v;
		else if (t->kind == MOCK_TERM_INT || mock__lit_parse_time(&p, 1, &ns) || *p)
			return invalid(c, t, "Unable to coerce '%s' to a formatted time (long)", s);
		ucql_value_write_time(w, ns);
		return 0;
	}
	case UCQL_TYPE_TIMESTAMP:
		if (mock__lit_parse_timestamp(s, &v))
			return invalid(c, t, "Unable to parse a date/time from '%s'", s);
		ucql_value_write_timestamp(w, v);
		return 0;
	case UCQL_TYPE_DURATION: {
		ucql_duration d;
		if (t->kind != MOCK_TERM_DURATION || mock__lit_parse_duration(s, &d))
			return invalid(c, t, "Unable to convert '%s' to a duration", s);
		ucql_value_write_duration(w, d);
		return 0;
	}
	default:
		return bad_constant(c, type, t, recv);
	}
}

/* ==== collections, tuples, UDTs, vectors ================================= */

typedef struct elem {
	uint8_t *p;  /* a whole [bytes]: [int len][value] */
	size_t len;
} elem;

/* One element as a malloc'd [bytes]: measured, then written. */
static int encode_tmp(conv *c, int type, const mock_term *t, const char *recv, int depth, elem *e)
{
	ucql_writer m;
	ucql_writer_init(&m, NULL, 0);
	int rc = conv_term(c, &m, type, t, recv, depth);
	if (rc)
		return rc;
	e->len = m.len;
	/* + slack: a vector builder writes each element with its [int] length
	 * before rewriting it shorter, so it needs a little more room than
	 * the final value */
	e->p = malloc(m.len + 8);
	if (!e->p)
		return nomem(c);
	ucql_writer w;
	ucql_writer_init(&w, e->p, m.len + 8);
	if ((rc = conv_term(c, &w, type, t, recv, depth)))
		return rc;
	/* functions such as uuid() give same-sized values twice; anything
	 * else would be a bug, caught here rather than written short */
	if (w.err || w.len != m.len)
		return invalid(c, t, "internal error encoding %s", recv);
	return 0;
}

static ucql_value elem_value(const elem *e)
{
	int32_t n = (int32_t)ucql__be32(e->p);
	return ucql_value_of(e->p + 4, n);
}

/* Elements of a collection may be neither null nor unset. */
static int check_elem(conv *c, const mock_term *t, const elem *e)
{
	int32_t n = (int32_t)ucql__be32(e->p);
	if (n == UCQL_NULL)
		return invalid(c, t, "null is not supported inside collections");
	if (n == UCQL_UNSET)
		return invalid(c, t, "Invalid unset value in collection");
	return 0;
}

typedef struct sort_ctx {
	const ucql_type_set *s;
	int type;
} sort_ctx;

/* Insertion sort on (key, value) element pairs keeping the last of equal
 * keys: collections are small, and stability decides which duplicate
 * survives (Cassandra's maps keep the later value). */
static size_t sort_dedup(const sort_ctx *sc, elem *k, elem *v, size_t n)
{
	size_t out = 0;
	for (size_t i = 0; i < n; i++) {
		elem ki = k[i], vi = v ? v[i] : (elem){ 0 };
		size_t j = out;
		int cmp = 1;
		while (j > 0 && (cmp = mock_value_compare(sc->s, sc->type, elem_value(&k[j - 1]), elem_value(&ki))) > 0)
			j--;
		if (j > 0 && cmp == 0) {
			/* duplicate of k[j-1]: the later one replaces it */
			free(k[j - 1].p);
			k[j - 1] = ki;
			if (v) {
				free(v[j - 1].p);
				v[j - 1] = vi;
			}
			continue;
		}
		memmove(&k[j + 1], &k[j], (out - j) * sizeof *k);
		k[j] = ki;
		if (v) {
			memmove(&v[j + 1], &v[j], (out - j) * sizeof *v);
			v[j] = vi;
		}
		out++;
	}
	return out;
}

static int write_set_map(conv *c, ucql_writer *w, int type, const mock_term *t, const char *recv, int depth)
{
	const ucql_type *ty = ucql_type_at(c->s, type);
	int is_map = ty->id == UCQL_TYPE_MAP;
	int kt = ucql_type_child(c->s, type, 0), vt = is_map ? ucql_type_child(c->s, type, 1) : -1;
	size_t n = t->n_items;
	elem *k = calloc(n ? n : 1, sizeof *k), *v = is_map ? calloc(n ? n : 1, sizeof *v) : NULL;
	char kr[160], vr[160];
	snprintf(kr, sizeof kr, is_map ? "key(%s)" : "value(%s)", recv);
	snprintf(vr, sizeof vr, "value(%s)", recv);
	int rc = 0;
	size_t done = 0;
	if (!k || (is_map && !v))
		rc = nomem(c);
	for (; !rc && done < n; done++) {
		const mock_term *kt_term = is_map ? t->keys[done] : t->items[done];
		if (!(rc = encode_tmp(c, kt, kt_term, kr, depth, &k[done])))
			rc = check_elem(c, kt_term, &k[done]);
		if (!rc && is_map && !(rc = encode_tmp(c, vt, t->items[done], vr, depth, &v[done])))
			rc = check_elem(c, t->items[done], &v[done]);
	}
	if (!rc) {
		sort_ctx sc = { c->s, kt };
		size_t m = sort_dedup(&sc, k, v, n);
		ucql_builder b;
		ucql_coll_begin(&b, w);
		for (size_t i = 0; i < m; i++) {
			ucql_write_raw(w, k[i].p, k[i].len);
			if (is_map)
				ucql_write_raw(w, v[i].p, v[i].len);
		}
		ucql_coll_end(&b, w, (int32_t)m);
		done = m;
	}
	for (size_t i = 0; k && i < done; i++) {
		free(k[i].p);
		if (v)
			free(v[i].p);
	}
	free(k);
	free(v);
	return rc;
}

/* 1 if the UDT field name f (as stored in the type) is `name`. */
static int field_is(const ucql_type *parent, ucql_bytes f, const char *name)
{
	size_t n = strlen(name);
	if (!(parent->flags & UCQL_TYPE_F_HEX))
		return f.len == n && !memcmp(f.p, name, n);
	if (f.len != 2 * n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((mock__lit_hexval(f.p[2 * i]) << 4 | mock__lit_hexval(f.p[2 * i + 1])) != (unsigned char)name[i])
			return 0;
	return 1;
}

static int write_udt(conv *c, ucql_writer *w, int type, const mock_term *t, const char *recv, int depth)
{
	const ucql_type *ty = ucql_type_at(c->s, type);
	char tb[128];
	if (ty->flags & UCQL_TYPE_F_REF)
		return invalid(c, t, "Unknown type %s", type_text(c, type, tb, sizeof tb));
	for (size_t i = 0; i < t->n_items; i++) {
		const char *name = t->keys[i]->name;
		int found = 0;
		for (unsigned f = 0; f < ty->n_children; f++)
			found |= field_is(ty, ucql_type_at(c->s, ucql_type_child(c->s, type, f))->field, name);
		if (!found)
			return invalid(c, t->keys[i], "Unknown field '%s' in value of user defined type %.*s", name,
				       (int)ty->name.len, (const char *)ty->name.p);
	}
	ucql_builder b;
	ucql_tuple_begin(&b, w);
	for (unsigned f = 0; f < ty->n_children; f++) {
		int ft = ucql_type_child(c->s, type, f);
		const ucql_type *fty = ucql_type_at(c->s, ft);
		const mock_term *val = NULL;
		for (size_t i = 0; i < t->n_items; i++)
			if (field_is(ty, fty->field, t->keys[i]->name))
				val = t->items[i]; /* the last one written wins */
		if (!val) {
			ucql_value_write_null(w);
			continue;
		}
		char fr[192];
		snprintf(fr, sizeof fr, "%s.%.*s", recv, (int)fty->field.len, (const char *)fty->field.p);
		int rc = conv_term(c, w, ft, val, fr, depth);
		if (rc)
			return rc;
	}
	ucql_tuple_end(&b, w);
	return 0;
}

static int write_composite(conv *c, ucql_writer *w, int type, const mock_term *t, const char *recv, int depth)
{
	const ucql_type *ty = ucql_type_at(c->s, type);
	char er[160];
	ucql_builder b;
	switch (ty->id) {
	case UCQL_TYPE_LIST: {
		if (t->kind != MOCK_TERM_LIST)
			return bad_literal(c, type, t, recv);
		int et = ucql_type_child(c->s, type, 0);
		snprintf(er, sizeof er, "value(%s)", recv);
		ucql_coll_begin(&b, w);
		for (size_t i = 0; i < t->n_items; i++) {
			elem e = { 0 };
			int rc = encode_tmp(c, et, t->items[i], er, depth, &e);
			if (!rc && !(rc = check_elem(c, t->items[i], &e)))
				ucql_write_raw(w, e.p, e.len);
			free(e.p);
			if (rc)
				return rc;
		}
		ucql_coll_end(&b, w, (int32_t)t->n_items);
		return 0;
	}
	case UCQL_TYPE_SET:
		if (t->kind != MOCK_TERM_BRACE || t->keys)
			return bad_literal(c, type, t, recv);
		return write_set_map(c, w, type, t, recv, depth);
	case UCQL_TYPE_MAP:
		if (t->kind != MOCK_TERM_BRACE || (t->n_items && (!t->keys || t->keys[0]->kind == MOCK_TERM_IDENT)))
			return bad_literal(c, type, t, recv);
		for (size_t i = 0; i < t->n_items; i++)
			if (t->keys[i]->kind == MOCK_TERM_IDENT)
				return bad_literal(c, type, t, recv);
		return write_set_map(c, w, type, t, recv, depth);
	case UCQL_TYPE_UDT:
		/* {} is a UDT value with every field null */
		if (t->kind != MOCK_TERM_BRACE || (t->n_items && !t->keys))
			return bad_literal(c, type, t, recv);
		for (size_t i = 0; i < t->n_items; i++)
			if (t->keys[i]->kind != MOCK_TERM_IDENT)
				return bad_literal(c, type, t, recv);
		return write_udt(c, w, type, t, recv, depth);
	case UCQL_TYPE_TUPLE: {
		if (t->kind != MOCK_TERM_TUPLE)
			return bad_literal(c, type, t, recv);
		if (t->n_items > ty->n_children) {
			char tb[128];
			return invalid(c, t, "Invalid tuple literal for %s: too many elements. Type %s expects %u but got %zu",
				       recv, type_text(c, type, tb, sizeof tb), ty->n_children, t->n_items);
		}
		ucql_tuple_begin(&b, w);
		for (size_t i = 0; i < t->n_items; i++) {
			snprintf(er, sizeof er, "component(%s, %zu)", recv, i);
			int rc = conv_term(c, w, ucql_type_child(c->s, type, (unsigned)i), t->items[i], er, depth);
			if (rc)
				return rc;
		}
		ucql_tuple_end(&b, w);
		return 0;
	}
	case UCQL_TYPE_VECTOR: {
		if (t->kind != MOCK_TERM_LIST)
			return bad_literal(c, type, t, recv);
		if ((int64_t)t->n_items != ty->dim) {
			char tb[128];
			return invalid(c, t, "Invalid vector literal for %s of type %s; expected %d elements, but given %zu",
				       recv, type_text(c, type, tb, sizeof tb), ty->dim, t->n_items);
		}
		int et = ucql_type_child(c->s, type, 0);
		snprintf(er, sizeof er, "value(%s)", recv);
		ucql_vector_begin(&b, w, ucql_type_vector_elem_size(c->s, et));
		for (size_t i = 0; i < t->n_items; i++) {
			if (t->items[i]->kind == MOCK_TERM_NULL)
				return invalid(c, t->items[i], "null is not supported inside vectors");
			int rc = conv_term(c, w, et, t->items[i], er, depth);
			if (rc)
				return rc;
			ucql_vector_elem_done(&b, w);
		}
		ucql_vector_end(&b, w);
		if (w->err == UCQL_E_INVALID_ARG)
			return invalid(c, t, "Invalid vector literal for %s", recv);
		return 0;
	}
	default:
		return bad_literal(c, type, t, recv);
	}
}

/* ==== dispatch =========================================================== */

static int conv_term(conv *c, ucql_writer *w, int type, const mock_term *t, const char *recv, int depth)
{
	if (depth > 2 * UCQL_TYPE_MAX_DEPTH)
		return invalid(c, t, "Literal nesting too deep");
	const ucql_type *ty = ucql_type_at(c->s, type);
	switch (t->kind) {
	case MOCK_TERM_NULL:
		ucql_value_write_null(w);
		return 0;
	case MOCK_TERM_BIND: {
		if (!c->ctx || !c->ctx->binds || (size_t)t->bind_index >= c->ctx->n_binds)
			return invalid(c, t, "No value bound for bind marker %d", t->bind_index);
		ucql_write_value(w, c->ctx->binds[t->bind_index]);
		return 0;
	}
	case MOCK_TERM_FUNC:
		return write_func(c, w, type, t, recv);
	case MOCK_TERM_CAST:
		return conv_term(c, w, type, t->items[0], recv, depth + 1);
	case MOCK_TERM_LIST: case MOCK_TERM_BRACE: case MOCK_TERM_TUPLE:
		return write_composite(c, w, type, t, recv, depth + 1);
	case MOCK_TERM_IDENT:
		return invalid(c, t, "Undefined name %s in selection clause", t->name);
	default:
		if (ty->id >= UCQL_TYPE_LIST) {
			char tb[128];
			return invalid(c, t, "Invalid %s constant (%s) for \"%s\" of type %s", kind_name(t->kind), t->text,
				       recv, type_text(c, type, tb, sizeof tb));
		}
		return write_scalar(c, w, type, t, recv);
	}
}

static int64_t clock_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int mock_literal_write(ucql_writer *w, const ucql_type_set *s, int type, const mock_term *t,
		       const mock_literal_ctx *ctx, mock_cql_error *err)
{
	conv c = { s, ctx, err, ctx && ctx->now_us ? ctx->now_us : clock_us() };
	memset(err, 0, sizeof *err);
	const char *recv = ctx && ctx->receiver ? ctx->receiver : "?";
	return conv_term(&c, w, type, t, recv, 0);
}

int mock_literal_value(mock_arena *a, const ucql_type_set *s, int type, const mock_term *t,
		       const mock_literal_ctx *ctx, ucql_value *out, mock_cql_error *err)
{
	ucql_writer m;
	ucql_writer_init(&m, NULL, 0);
	int rc = mock_literal_write(&m, s, type, t, ctx, err);
	if (rc)
		return rc;
	uint8_t *buf = mock_arena_alloc(a, m.len + 8); /* slack: see encode_tmp */
	if (!buf) {
		mock_cql_error_set(err, UCQL_E_NOMEM, t->pos, "out of memory");
		return UCQL_E_NOMEM;
	}
	ucql_writer w;
	ucql_writer_init(&w, buf, m.len + 8);
	if ((rc = mock_literal_write(&w, s, type, t, ctx, err)))
		return rc;
	if (w.err || w.len != m.len || w.len < 4) {
		mock_cql_error_set(err, UCQL_E_INVALID, t->pos, "internal error encoding a literal");
		return UCQL_E_INVALID;
	}
	int32_t n = (int32_t)ucql__be32(buf);
	*out = ucql_value_of(n >= 0 ? buf + 4 : NULL, n);
	return 0;
}
