/* interop-peer: CQL values ↔ canonical JSON, through ucql's type parsers,
 * value getters, iterators, writers and builders.
 *
 * Canonical JSON (test_codec.py builds the same from Python values):
 *   null → null; an empty value of a type with no empty form → {"empty":true}
 *   ascii/text → string; blob → hex string; boolean → true/false
 *   tinyint…bigint, counter, varint → integer; timestamp → ms integer;
 *   date → days since the epoch; time → ns; float/double → number
 *   (NaN, Infinity); uuid/timeuuid → "8-4-4-4-12" string; inet → inet_ntop
 *   text; decimal → [scale, unscaled]; duration → [months, days, ns];
 *   list/set/tuple/UDT/vector → array (tuples and UDTs padded with null);
 *   map → array of [key, value] pairs, wire order. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "peer.h"

/* ---- big integers ----------------------------------------------------------- */

/* Two's complement big-endian bytes (n >= 1) as decimal text. */
static void bytes_to_dec(sbuf *out, const uint8_t *p, size_t n)
{
	int neg = p[0] & 0x80;
	uint8_t *m = malloc(n);
	memcpy(m, p, n);
	if (neg) { /* magnitude = ~x + 1 */
		unsigned carry = 1;
		for (size_t i = n; i-- > 0;) {
			unsigned v = (uint8_t)~m[i] + carry;
			m[i] = (uint8_t)v;
			carry = v >> 8;
		}
	}
	char *digits = malloc(n * 3 + 2);
	size_t nd = 0;
	for (;;) {
		int zero = 1;
		unsigned rem = 0;
		for (size_t i = 0; i < n; i++) {
			unsigned cur = rem << 8 | m[i];
			m[i] = (uint8_t)(cur / 10);
			rem = cur % 10;
			if (m[i])
				zero = 0;
		}
		digits[nd++] = (char)('0' + rem);
		if (zero)
			break;
	}
	if (neg)
		sb_puts(out, "-");
	while (nd-- > 0)
		sb_putn(out, &digits[nd], 1);
	free(digits);
	free(m);
}

/* Decimal text to minimal two's complement big-endian bytes (malloc'ed). */
static size_t dec_to_bytes(const char *s, uint8_t **out)
{
	int neg = *s == '-';
	if (neg || *s == '+')
		s++;
	size_t cap = strlen(s) / 2 + 2, n = 1;
	uint8_t *le = calloc(cap, 1); /* little-endian magnitude */
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned carry = (unsigned)(*s - '0');
		for (size_t i = 0; i < n; i++) {
			unsigned v = le[i] * 10u + carry;
			le[i] = (uint8_t)v;
			carry = v >> 8;
		}
		if (carry)
			le[n++] = (uint8_t)carry;
	}
	n++; /* room for a sign byte */
	if (neg) {
		unsigned carry = 1;
		for (size_t i = 0; i < n; i++) {
			unsigned v = (uint8_t)~le[i] + carry;
			le[i] = (uint8_t)v;
			carry = v >> 8;
		}
	}
	/* Drop leading bytes that only repeat the sign. */
	while (n > 1 && ((le[n - 1] == 0 && !(le[n - 2] & 0x80)) ||
			 (le[n - 1] == 0xFF && (le[n - 2] & 0x80))))
		n--;
	uint8_t *be = malloc(n);
	for (size_t i = 0; i < n; i++)
		be[i] = le[n - 1 - i];
	free(le);
	*out = be;
	return n;
}

/* ---- types ---------------------------------------------------------------------- */

int peer_parse_type(const jnode *cmd, ucql_type_set *s)
{
	const char *t = jstr(cmd, "type");
	if (t)
		return ucql_type_parse_class(s, ucql_bytes_str(t));
	t = jstr(cmd, "cql");
	if (t)
		return ucql_type_parse_cql(s, ucql_bytes_str(t));
	return UCQL_E_INVALID_ARG;
}

static void put_uuid(sbuf *out, const uint8_t *u)
{
	sb_printf(out,
		  "\"%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x\"",
		  u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
		  u[12], u[13], u[14], u[15]);
}

static void put_double(sbuf *out, double d)
{
	if (d != d)
		sb_puts(out, "NaN");
	else if (d > 1.7976931348623157e308)
		sb_puts(out, "Infinity");
	else if (d < -1.7976931348623157e308)
		sb_puts(out, "-Infinity");
	else
		sb_printf(out, "%.17g", d);
}

/* Elements of a collection / tuple / vector, recursively. */
static int elems_to_json(sbuf *out, const ucql_type_set *s, int ti, ucql_value v)
{
	const ucql_type *t = ucql_type_at(s, ti);
	int c0 = t->first_child, rc;
	ucql_iter it;
	ucql_value e, k;
	sb_puts(out, "[");
	switch (t->id) {
	case UCQL_TYPE_LIST:
	case UCQL_TYPE_SET:
		if ((rc = ucql_coll_iter_init(&it, v)))
			return rc;
		for (int i = 0; (rc = ucql_list_next(&it, &e)) == 1; i++) {
			if (i)
				sb_puts(out, ",");
			if ((rc = value_to_json(out, s, c0, e)))
				return rc;
		}
		break;
	case UCQL_TYPE_MAP:
		if ((rc = ucql_coll_iter_init(&it, v)))
			return rc;
		for (int i = 0; (rc = ucql_map_next(&it, &k, &e)) == 1; i++) {
			sb_puts(out, i ? ",[" : "[");
			if ((rc = value_to_json(out, s, c0, k)))
				return rc;
			sb_puts(out, ",");
			if ((rc = value_to_json(out, s, ucql_type_child(s, ti, 1), e)))
				return rc;
			sb_puts(out, "]");
		}
		break;
	case UCQL_TYPE_TUPLE:
	case UCQL_TYPE_UDT: {
		if ((rc = ucql_tuple_iter_init(&it, v)))
			return rc;
		int child = c0, i = 0;
		while ((rc = ucql_tuple_next(&it, &e)) == 1) {
			if (child < 0)
				return UCQL_E_TRAILING; /* more fields than the type has */
			if (i++)
				sb_puts(out, ",");
			if ((rc = value_to_json(out, s, child, e)))
				return rc;
			child = ucql_type_at(s, child)->next;
		}
		for (; rc == 0 && child >= 0; child = ucql_type_at(s, child)->next)
			sb_puts(out, i++ ? ",null" : "null");
		break;
	}
	case UCQL_TYPE_VECTOR:
		if ((rc = ucql_vector_iter_init(&it, v, t->dim, ucql_type_vector_elem_size(s, c0))))
			return rc;
		for (int i = 0; (rc = ucql_vector_next(&it, &e)) == 1; i++) {
			if (i)
				sb_puts(out, ",");
			if ((rc = value_to_json(out, s, c0, e)))
				return rc;
		}
		break;
	default:
		return UCQL_E_BAD_TYPE;
	}
	if (rc < 0)
		return rc;
	sb_puts(out, "]");
	return 0;
}

int value_to_json(sbuf *out, const ucql_type_set *s, int ti, ucql_value v)
{
	const ucql_type *t = ucql_type_at(s, ti);
	int rc = 0;
	int32_t i32;
	int64_t i64;
	int16_t i16;
	int8_t i8;
	uint32_t u32;
	int bo;
	float f;
	double d;
	const uint8_t *u;
	ucql_bytes b;
	ucql_inet in;
	ucql_duration du;

	if (v.len == UCQL_NULL) {
		sb_puts(out, "null");
		return 0;
	}
	switch (t->id) {
	case UCQL_TYPE_ASCII:
	case UCQL_TYPE_VARCHAR:
		if ((rc = ucql_value_get_text(v, &b)))
			break;
		if (!(t->id == UCQL_TYPE_ASCII ? ucql_ascii_valid(b) : ucql_utf8_valid(b)))
			return UCQL_E_BAD_VALUE;
		sb_jstr(out, b.p, b.len);
		break;
	case UCQL_TYPE_BLOB:
		if (!(rc = ucql_value_get_blob(v, &b)))
			sb_jhex(out, b.p, b.len);
		break;
	case UCQL_TYPE_BOOLEAN:
		if (!(rc = ucql_value_get_boolean(v, &bo)))
			sb_puts(out, bo ? "true" : "false");
		break;
	case UCQL_TYPE_BIGINT:
		if (!(rc = ucql_value_get_bigint(v, &i64)))
			sb_printf(out, "%lld", (long long)i64);
		break;
	case UCQL_TYPE_COUNTER:
		if (!(rc = ucql_value_get_counter(v, &i64)))
			sb_printf(out, "%lld", (long long)i64);
		break;
	case UCQL_TYPE_TIMESTAMP:
		if (!(rc = ucql_value_get_timestamp(v, &i64)))
			sb_printf(out, "%lld", (long long)i64);
		break;
	case UCQL_TYPE_INT:
		if (!(rc = ucql_value_get_int(v, &i32)))
			sb_printf(out, "%d", (int)i32);
		break;
	case UCQL_TYPE_SMALLINT:
		if (!(rc = ucql_value_get_smallint(v, &i16)))
			sb_printf(out, "%d", (int)i16);
		break;
	case UCQL_TYPE_TINYINT:
		if (!(rc = ucql_value_get_tinyint(v, &i8)))
			sb_printf(out, "%d", (int)i8);
		break;
	case UCQL_TYPE_FLOAT:
		if (!(rc = ucql_value_get_float(v, &f)))
			put_double(out, (double)f);
		break;
	case UCQL_TYPE_DOUBLE:
		if (!(rc = ucql_value_get_double(v, &d)))
			put_double(out, d);
		break;
	case UCQL_TYPE_DATE:
		if (!(rc = ucql_value_get_date(v, &u32)))
			sb_printf(out, "%lld", (long long)ucql_date_to_days(u32));
		break;
	case UCQL_TYPE_TIME:
		if (!(rc = ucql_value_get_time(v, &i64)))
			sb_printf(out, "%lld", (long long)i64);
		break;
	case UCQL_TYPE_UUID:
		if (!(rc = ucql_value_get_uuid(v, &u)))
			put_uuid(out, u);
		break;
	case UCQL_TYPE_TIMEUUID:
		if (!(rc = ucql_value_get_timeuuid(v, &u)))
			put_uuid(out, u);
		break;
	case UCQL_TYPE_INET: {
		char txt[64];
		if ((rc = ucql_value_get_inet(v, &in)))
			break;
		inet_ntop(in.len == 4 ? AF_INET : AF_INET6, in.addr, txt, sizeof txt);
		sb_jstr(out, txt, strlen(txt));
		break;
	}
	case UCQL_TYPE_VARINT:
		rc = ucql_value_get_varint(v, &i64);
		if (!rc)
			sb_printf(out, "%lld", (long long)i64);
		else if (rc == UCQL_E_RANGE) {
			bytes_to_dec(out, v.p, (size_t)v.len);
			rc = 0;
		}
		break;
	case UCQL_TYPE_DECIMAL:
		if ((rc = ucql_value_get_decimal(v, &i32, &b)))
			break;
		sb_printf(out, "[%d,", (int)i32);
		rc = ucql_value_get_decimal_i64(v, &i32, &i64);
		if (!rc)
			sb_printf(out, "%lld", (long long)i64);
		else if (rc == UCQL_E_RANGE)
			bytes_to_dec(out, b.p, b.len);
		else
			break;
		rc = 0;
		sb_puts(out, "]");
		break;
	case UCQL_TYPE_DURATION:
		if (!(rc = ucql_value_get_duration(v, &du)))
			sb_printf(out, "[%d,%d,%lld]", (int)du.months, (int)du.days,
				  (long long)du.nanos);
		break;
	case UCQL_TYPE_LIST:
	case UCQL_TYPE_SET:
	case UCQL_TYPE_MAP:
	case UCQL_TYPE_TUPLE:
	case UCQL_TYPE_UDT:
	case UCQL_TYPE_VECTOR:
		return elems_to_json(out, s, ti, v);
	default:
		return UCQL_E_BAD_TYPE;
	}
	if (rc == UCQL_E_EMPTY) {
		sb_puts(out, "{\"empty\":true}");
		rc = 0;
	}
	return rc;
}

/* ---- JSON → value ------------------------------------------------------------------ */

static int num_i64(const jnode *j, int64_t lo, int64_t hi, int64_t *out)
{
	if (j->t != J_NUM)
		return UCQL_E_INVALID_ARG;
	errno = 0;
	char *end;
	long long v = strtoll(j->s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return UCQL_E_RANGE;
	*out = v;
	return 0;
}

static int parse_uuid(const jnode *j, uint8_t u[16])
{
	if (j->t != J_STR || j->slen != 36)
		return UCQL_E_INVALID_ARG;
	size_t k = 0;
	for (size_t i = 0; i < 36 && k < 16;) {
		if (j->s[i] == '-') {
			i++;
			continue;
		}
		char two[3] = { j->s[i], j->s[i + 1], 0 };
		u[k++] = (uint8_t)strtoul(two, NULL, 16);
		i += 2;
	}
	return k == 16 ? 0 : UCQL_E_INVALID_ARG;
}

int value_from_json(ucql_writer *w, const ucql_type_set *s, int ti, const jnode *j)
{
	const ucql_type *t = ucql_type_at(s, ti);
	int64_t i64;
	int rc = 0;
	uint8_t u[16];
	ucql_builder bld;

	if (j->t == J_NULL) {
		ucql_value_write_null(w);
		return 0;
	}
	if (j->t == J_OBJ) { /* {"empty": true} */
		ucql_value_write_empty(w);
		return 0;
	}
	switch (t->id) {
	case UCQL_TYPE_ASCII:
	case UCQL_TYPE_VARCHAR:
		if (j->t != J_STR)
			return UCQL_E_INVALID_ARG;
		ucql_value_write_text(w, ucql_bytes_of(j->s, j->slen));
		break;
	case UCQL_TYPE_BLOB: {
		uint8_t *b;
		long n = j->t == J_STR ? unhex(j->s, j->slen, &b) : -1;
		if (n < 0)
			return UCQL_E_INVALID_ARG;
		ucql_value_write_blob(w, ucql_bytes_of(b, (size_t)n));
		free(b);
		break;
	}
	case UCQL_TYPE_BOOLEAN:
		if (j->t != J_BOOL)
			return UCQL_E_INVALID_ARG;
		ucql_value_write_boolean(w, j->b);
		break;
	case UCQL_TYPE_BIGINT:
	case UCQL_TYPE_COUNTER:
	case UCQL_TYPE_TIMESTAMP:
		if ((rc = num_i64(j, INT64_MIN, INT64_MAX, &i64)))
			return rc;
		if (t->id == UCQL_TYPE_COUNTER)
			ucql_value_write_counter(w, i64);
		else if (t->id == UCQL_TYPE_TIMESTAMP)
			ucql_value_write_timestamp(w, i64);
		else
			ucql_value_write_bigint(w, i64);
		break;
	case UCQL_TYPE_INT:
		if ((rc = num_i64(j, INT32_MIN, INT32_MAX, &i64)))
			return rc;
		ucql_value_write_int(w, (int32_t)i64);
		break;
	case UCQL_TYPE_SMALLINT:
		if ((rc = num_i64(j, INT16_MIN, INT16_MAX, &i64)))
			return rc;
		ucql_value_write_smallint(w, (int16_t)i64);
		break;
	case UCQL_TYPE_TINYINT:
		if ((rc = num_i64(j, INT8_MIN, INT8_MAX, &i64)))
			return rc;
		ucql_value_write_tinyint(w, (int8_t)i64);
		break;
	case UCQL_TYPE_FLOAT:
		if (j->t != J_NUM)
			return UCQL_E_INVALID_ARG;
		ucql_value_write_float(w, strtof(j->s, NULL));
		break;
	case UCQL_TYPE_DOUBLE:
		if (j->t != J_NUM)
			return UCQL_E_INVALID_ARG;
		ucql_value_write_double(w, strtod(j->s, NULL));
		break;
	case UCQL_TYPE_DATE: {
		uint32_t date;
		if ((rc = num_i64(j, INT64_MIN, INT64_MAX, &i64)) ||
		    (rc = ucql_date_from_days(i64, &date)))
			return rc;
		ucql_value_write_date(w, date);
		break;
	}
	case UCQL_TYPE_TIME:
		if ((rc = num_i64(j, INT64_MIN, INT64_MAX, &i64)))
			return rc;
		ucql_value_write_time(w, i64);
		break;
	case UCQL_TYPE_UUID:
	case UCQL_TYPE_TIMEUUID:
		if ((rc = parse_uuid(j, u)))
			return rc;
		if (t->id == UCQL_TYPE_UUID)
			ucql_value_write_uuid(w, u);
		else
			ucql_value_write_timeuuid(w, u);
		break;
	case UCQL_TYPE_INET: {
		ucql_inet in;
		memset(&in, 0, sizeof in);
		if (j->t != J_STR)
			return UCQL_E_INVALID_ARG;
		int v6 = strchr(j->s, ':') != NULL;
		if (inet_pton(v6 ? AF_INET6 : AF_INET, j->s, in.addr) != 1)
			return UCQL_E_INVALID_ARG;
		in.len = v6 ? 16 : 4;
		ucql_value_write_inet(w, &in);
		break;
	}
	case UCQL_TYPE_VARINT:
		if (j->t != J_NUM)
			return UCQL_E_INVALID_ARG;
		if (!num_i64(j, INT64_MIN, INT64_MAX, &i64)) {
			ucql_value_write_varint(w, i64);
		} else {
			uint8_t *b;
			size_t n = dec_to_bytes(j->s, &b);
			ucql_value_write_bytes(w, ucql_bytes_of(b, n));
			free(b);
		}
		break;
	case UCQL_TYPE_DECIMAL: {
		int64_t scale;
		if (j->t != J_ARR || j->n != 2 ||
		    (rc = num_i64(j->kids[0], INT32_MIN, INT32_MAX, &scale)))
			return rc ? rc : UCQL_E_INVALID_ARG;
		if (!num_i64(j->kids[1], INT64_MIN, INT64_MAX, &i64)) {
			ucql_value_write_decimal(w, (int32_t)scale, i64);
		} else {
			uint8_t *b;
			size_t n = dec_to_bytes(j->kids[1]->s, &b);
			ucql_value_write_decimal_bytes(w, (int32_t)scale, ucql_bytes_of(b, n));
			free(b);
		}
		break;
	}
	case UCQL_TYPE_DURATION: {
		int64_t m, d, ns;
		if (j->t != J_ARR || j->n != 3)
			return UCQL_E_INVALID_ARG;
		if ((rc = num_i64(j->kids[0], INT32_MIN, INT32_MAX, &m)) ||
		    (rc = num_i64(j->kids[1], INT32_MIN, INT32_MAX, &d)) ||
		    (rc = num_i64(j->kids[2], INT64_MIN, INT64_MAX, &ns)))
			return rc;
		ucql_duration du = { (int32_t)m, (int32_t)d, ns };
		ucql_value_write_duration(w, du);
		break;
	}
	case UCQL_TYPE_LIST:
	case UCQL_TYPE_SET:
	case UCQL_TYPE_MAP:
		if (j->t != J_ARR)
			return UCQL_E_INVALID_ARG;
		ucql_coll_begin(&bld, w);
		for (size_t i = 0; i < j->n && !rc; i++) {
			const jnode *e = j->kids[i];
			if (t->id != UCQL_TYPE_MAP) {
				rc = value_from_json(w, s, t->first_child, e);
				continue;
			}
			if (e->t != J_ARR || e->n != 2)
				return UCQL_E_INVALID_ARG;
			rc = value_from_json(w, s, t->first_child, e->kids[0]);
			if (!rc)
				rc = value_from_json(w, s, ucql_type_child(s, ti, 1), e->kids[1]);
		}
		ucql_coll_end(&bld, w, (int32_t)j->n);
		break;
	case UCQL_TYPE_TUPLE:
	case UCQL_TYPE_UDT: {
		if (j->t != J_ARR)
			return UCQL_E_INVALID_ARG;
		int child = t->first_child;
		ucql_tuple_begin(&bld, w);
		for (size_t i = 0; i < j->n && !rc; i++) {
			if (child < 0)
				return UCQL_E_INVALID_ARG;
			rc = value_from_json(w, s, child, j->kids[i]);
			child = ucql_type_at(s, child)->next;
		}
		ucql_tuple_end(&bld, w);
		break;
	}
	case UCQL_TYPE_VECTOR:
		if (j->t != J_ARR)
			return UCQL_E_INVALID_ARG;
		ucql_vector_begin(&bld, w, ucql_type_vector_elem_size(s, t->first_child));
		for (size_t i = 0; i < j->n && !rc; i++) {
			rc = value_from_json(w, s, t->first_child, j->kids[i]);
			ucql_vector_elem_done(&bld, w);
		}
		ucql_vector_end(&bld, w);
		break;
	default:
		return UCQL_E_BAD_TYPE;
	}
	/* Past capacity (a measuring pass) is not an error here: callers
	 * check w->err. */
	if (rc)
		return rc;
	return w->err == UCQL_E_NOSPACE ? 0 : w->err;
}

/* ---- commands ------------------------------------------------------------------------ */

#define MAX_NODES 512

/* {"cmd":"value-decode","type"|"cql":…,"hex":…|null} → {"value": json} */
int cmd_value_decode(const jnode *cmd, sbuf *out)
{
	ucql_type nodes[MAX_NODES];
	ucql_type_set s;
	ucql_type_set_init(&s, nodes, MAX_NODES);
	int root = peer_parse_type(cmd, &s);
	if (root < 0) {
		answer_error(out, "type", root);
		return 1;
	}
	size_t n;
	uint8_t *b = jhex(cmd, "hex", &n);
	ucql_value v = b ? ucql_value_of(b, (int32_t)n) : ucql_value_null();
	sbuf val = { 0 };
	int rc = value_to_json(&val, &s, root, v);
	free(b);
	if (rc) {
		free(val.p);
		answer_error(out, "value", rc);
		return 1;
	}
	sb_puts(out, "{\"value\":");
	sb_putn(out, val.p, val.len);
	sb_puts(out, "}");
	free(val.p);
	return 0;
}

/* {"cmd":"value-encode","type"|"cql":…,"value":json} → {"hex": the
 * serialized value without its [int] length, or null} plus "size", the
 * measuring pass's length (must equal the real one). */
int cmd_value_encode(const jnode *cmd, sbuf *out)
{
	ucql_type nodes[MAX_NODES];
	ucql_type_set s;
	ucql_type_set_init(&s, nodes, MAX_NODES);
	int root = peer_parse_type(cmd, &s);
	const jnode *val = jget(cmd, "value");
	if (root < 0 || !val) {
		answer_error(out, "type", root < 0 ? root : UCQL_E_INVALID_ARG);
		return 1;
	}
	ucql_writer m;
	ucql_writer_init(&m, NULL, 0);
	int rc = value_from_json(&m, &s, root, val);
	if (rc) {
		answer_error(out, "encode-measure", rc);
		return 1;
	}
	size_t need = m.len;
	uint8_t *buf = malloc(need + 1);
	ucql_writer w;
	ucql_writer_init(&w, buf, need);
	rc = value_from_json(&w, &s, root, val);
	if (!rc)
		rc = w.err;
	if (rc || w.len != need || w.len < 4) {
		free(buf);
		answer_error(out, "encode", rc ? rc : UCQL_E_NOSPACE);
		return 1;
	}
	int32_t len = (int32_t)ucql__be32(buf);
	sb_puts(out, "{\"hex\":");
	if (len < 0)
		sb_puts(out, "null");
	else if ((size_t)len != w.len - 4) {
		free(buf);
		out->len = 0;
		answer_error(out, "length-prefix", UCQL_E_BAD_LENGTH);
		return 1;
	} else
		sb_jhex(out, buf + 4, (size_t)len);
	sb_printf(out, ",\"size\":%zu}", need);
	free(buf);
	return 0;
}

/* {"cmd":"type-option","type"|"cql":…,"version":n} → {"hex": [option],
 * "cql": formatted CQL text, "class": formatted class name} */
int cmd_type_option(const jnode *cmd, sbuf *out)
{
	ucql_type nodes[MAX_NODES];
	ucql_type_set s;
	ucql_type_set_init(&s, nodes, MAX_NODES);
	int root = peer_parse_type(cmd, &s);
	if (root < 0) {
		answer_error(out, "type", root);
		return 1;
	}
	uint8_t buf[8192];
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_type_write_option(&w, &s, root, (int)jint(cmd, "version", 4));
	if (w.err) {
		answer_error(out, "option", w.err);
		return 1;
	}
	sb_puts(out, "{\"hex\":");
	sb_jhex(out, buf, w.len);
	char txt[8192];
	int n = ucql_type_to_cql(&s, root, UCQL_TYPE_FMT_FROZEN, txt, sizeof txt);
	sb_puts(out, ",\"cql\":");
	if (n < 0 || (size_t)n >= sizeof txt)
		sb_puts(out, "null");
	else
		sb_jstr(out, txt, (size_t)n);
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_type_write_class(&w, &s, root);
	sb_puts(out, ",\"class\":");
	if (w.err)
		sb_puts(out, "null");
	else
		sb_jstr(out, buf, w.len);
	sb_puts(out, "}");
	return 0;
}
