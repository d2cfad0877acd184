/*
 * Out-of-line CQL primitives: vints, inets, the compound maps and lists, and
 * option skipping. The fixed-size primitives are inline in ucql/wire.h.
 */
#include "ucql/wire.h"

/* ---- vints (native_protocol_v5.spec §3, Cassandra's VIntCoding) ---------- */

uint64_t ucql_read_uvint(ucql_reader *r)
{
	if (!ucql_reader_need(r, 1))
		return 0;
	uint8_t first = *r->p;
	/* Leading ones of the first byte = extra bytes. */
	unsigned extra = first == 0xFF ? 8u
				       : (unsigned)__builtin_clz((unsigned)(uint8_t)~first) - 24u;
	if (!ucql_reader_need(r, 1 + extra))
		return 0;
	r->p++;
	uint64_t v = extra >= 8 ? 0 : (uint64_t)(first & (0xFFu >> extra));
	for (unsigned i = 0; i < extra; i++)
		v = (v << 8) | *r->p++;
	return v;
}

int64_t ucql_read_vint(ucql_reader *r)
{
	uint64_t u = ucql_read_uvint(r);
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

size_t ucql_uvint_size(uint64_t v)
{
	/* Each extra byte adds 8 value bits but costs one bit of the first
	 * byte: n extra bytes hold 7 * (n + 1) bits, until 8 extra hold 64. */
	unsigned bits = v ? 64u - (unsigned)__builtin_clzll(v) : 1u;
	size_t extra = (bits - 1) / 7;
	return 1 + (extra > 8 ? 8 : extra);
}

void ucql_write_uvint(ucql_writer *w, uint64_t v)
{
	size_t size = ucql_uvint_size(v);
	size_t extra = size - 1;
	uint8_t *d = ucql_writer_reserve(w, size);
	if (!d)
		return;
	for (size_t i = size; i-- > 1;) {
		d[i] = (uint8_t)v;
		v >>= 8;
	}
	/* `extra` leading one bits, then the value's top bits. */
	uint8_t mask = extra >= 8 ? 0xFF : (uint8_t)(0xFF00u >> extra);
	d[0] = extra >= 8 ? 0xFF : (uint8_t)(mask | (uint8_t)v);
}

void ucql_write_vint(ucql_writer *w, int64_t v)
{
	ucql_write_uvint(w, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

/* ---- inet ------------------------------------------------------------ */

ucql_inet ucql_read_inetaddr(ucql_reader *r)
{
	ucql_inet a;
	memset(&a, 0, sizeof a);
	uint8_t n = ucql_read_byte(r);
	if (r->err)
		return a;
	if (n != 4 && n != 16) {
		ucql_reader_fail(r, UCQL_E_BAD_VALUE);
		return a;
	}
	ucql_bytes b = ucql_read_raw(r, n);
	if (r->err)
		return a;
	a.len = n;
	memcpy(a.addr, b.p, n);
	return a;
}

ucql_inet ucql_read_inet(ucql_reader *r)
{
	ucql_inet a = ucql_read_inetaddr(r);
	a.port = ucql_read_int(r);
	if (r->err)
		memset(&a, 0, sizeof a);
	return a;
}

void ucql_write_inetaddr(ucql_writer *w, const ucql_inet *a)
{
	if (a->len != 4 && a->len != 16) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return;
	}
	ucql_write_byte(w, a->len);
	ucql_write_raw(w, a->addr, a->len);
}

void ucql_write_inet(ucql_writer *w, const ucql_inet *a)
{
	ucql_write_inetaddr(w, a);
	ucql_write_int(w, a->port);
}

/* ---- compound views ------------------------------------------------------ */

enum compound { C_STRING_LIST, C_STRING_MAP, C_MULTIMAP, C_BYTES_MAP };

static void skip_entry(ucql_reader *r, enum compound kind)
{
	switch (kind) {
	case C_STRING_LIST:
		(void)ucql_read_string(r);
		break;
	case C_STRING_MAP:
		(void)ucql_read_string(r);
		(void)ucql_read_string(r);
		break;
	case C_MULTIMAP:
		(void)ucql_read_string(r);
		(void)ucql_read_string_list(r);
		break;
	case C_BYTES_MAP:
		(void)ucql_read_string(r);
		(void)ucql_read_bytes(r);
		break;
	}
}

static ucql_list_view read_compound(ucql_reader *r, enum compound kind)
{
	ucql_list_view v = { 0, { NULL, 0 } };
	uint16_t n = ucql_read_short(r);
	const uint8_t *start = r->p;
	for (uint16_t i = 0; i < n && !r->err; i++)
		skip_entry(r, kind);
	if (r->err)
		return v;
	v.n = n;
	v.raw.p = start;
	v.raw.len = (size_t)(r->p - start);
	return v;
}

ucql_list_view ucql_read_string_list(ucql_reader *r) { return read_compound(r, C_STRING_LIST); }
ucql_list_view ucql_read_string_map(ucql_reader *r) { return read_compound(r, C_STRING_MAP); }
ucql_list_view ucql_read_string_multimap(ucql_reader *r) { return read_compound(r, C_MULTIMAP); }
ucql_list_view ucql_read_bytes_map(ucql_reader *r) { return read_compound(r, C_BYTES_MAP); }

int ucql_string_list_next(ucql_reader *it, ucql_bytes *s)
{
	if (it->err || it->p >= it->end)
		return 0;
	*s = ucql_read_string(it);
	return !it->err;
}

int ucql_string_map_next(ucql_reader *it, ucql_bytes *k, ucql_bytes *v)
{
	if (it->err || it->p >= it->end)
		return 0;
	*k = ucql_read_string(it);
	*v = ucql_read_string(it);
	return !it->err;
}

int ucql_string_multimap_next(ucql_reader *it, ucql_bytes *k, ucql_list_view *vals)
{
	if (it->err || it->p >= it->end)
		return 0;
	*k = ucql_read_string(it);
	*vals = ucql_read_string_list(it);
	return !it->err;
}

int ucql_bytes_map_next(ucql_reader *it, ucql_bytes *k, ucql_value *v)
{
	if (it->err || it->p >= it->end)
		return 0;
	*k = ucql_read_string(it);
	*v = ucql_read_bytes(it);
	return !it->err;
}

int ucql_string_map_get(ucql_list_view m, const char *key, ucql_bytes *val)
{
	ucql_reader it;
	ucql_bytes k, v;
	ucql_reader_init(&it, m.raw.p, m.raw.len);
	while (ucql_string_map_next(&it, &k, &v)) {
		if (ucql_bytes_eq_str(k, key)) {
			*val = v;
			return 1;
		}
	}
	return 0;
}

int ucql_string_multimap_get(ucql_list_view m, const char *key, ucql_list_view *vals)
{
	ucql_reader it;
	ucql_bytes k;
	ucql_list_view v;
	ucql_reader_init(&it, m.raw.p, m.raw.len);
	while (ucql_string_multimap_next(&it, &k, &v)) {
		if (ucql_bytes_eq_str(k, key)) {
			*vals = v;
			return 1;
		}
	}
	return 0;
}

static int check_count(ucql_writer *w, size_t n)
{
	if (n <= 0xFFFF)
		return 1;
	ucql_writer_fail(w, UCQL_E_INVALID_ARG);
	return 0;
}

void ucql_write_string_list(ucql_writer *w, const ucql_bytes *s, size_t n)
{
	if (!check_count(w, n))
		return;
	ucql_write_short(w, (uint16_t)n);
	for (size_t i = 0; i < n; i++)
		ucql_write_string(w, s[i]);
}

void ucql_write_string_map(ucql_writer *w, const ucql_bytes *kv, size_t n)
{
	if (!check_count(w, n))
		return;
	ucql_write_short(w, (uint16_t)n);
	for (size_t i = 0; i < 2 * n; i++)
		ucql_write_string(w, kv[i]);
}

void ucql_write_bytes_map(ucql_writer *w, const ucql_bytes *keys, const ucql_value *vals, size_t n)
{
	if (!check_count(w, n))
		return;
	ucql_write_short(w, (uint16_t)n);
	for (size_t i = 0; i < n; i++) {
		ucql_write_string(w, keys[i]);
		ucql_write_value(w, vals[i].len < 0 ? ucql_value_null() : vals[i]);
	}
}

void ucql_write_string_multimap(ucql_writer *w, const ucql_bytes *keys, const size_t *counts,
				size_t n, const ucql_bytes *vals)
{
	if (!check_count(w, n))
		return;
	ucql_write_short(w, (uint16_t)n);
	for (size_t i = 0; i < n; i++) {
		ucql_write_string(w, keys[i]);
		ucql_write_string_list(w, vals, counts[i]);
		vals += counts[i];
	}
}

void ucql_write_list_view(ucql_writer *w, ucql_list_view v)
{
	ucql_write_short(w, v.n);
	ucql_write_raw(w, v.raw.p, v.raw.len);
}

/* ---- [option] skipping (§4.2.5.2 of the v4 spec) --------------------------- */

#define MAX_OPTION_DEPTH 32

static void skip_option(ucql_reader *r, int depth)
{
	if (depth > MAX_OPTION_DEPTH) {
		ucql_reader_fail(r, UCQL_E_TOO_DEEP);
		return;
	}
	uint16_t id = ucql_read_short(r);
	if (r->err)
		return;
	switch (id) {
	case 0x0000: /* custom: [string] class name */
		(void)ucql_read_string(r);
		break;
	case 0x0001: case 0x0002: case 0x0003: case 0x0004: case 0x0005:
	case 0x0006: case 0x0007: case 0x0008: case 0x0009: case 0x000A:
	case 0x000B: case 0x000C: case 0x000D: case 0x000E: case 0x000F:
	case 0x0010: case 0x0011: case 0x0012: case 0x0013: case 0x0014:
		break;
	case 0x0015: /* duration (v5) */
		break;
	case 0x0020: /* list */
	case 0x0022: /* set */
		skip_option(r, depth + 1);
		break;
	case 0x0021: /* map */
		skip_option(r, depth + 1);
		skip_option(r, depth + 1);
		break;
	case 0x0030: { /* UDT: ks, name, n, n × (field name, type) */
		(void)ucql_read_string(r);
		(void)ucql_read_string(r);
		uint16_t n = ucql_read_short(r);
		for (uint16_t i = 0; i < n && !r->err; i++) {
			(void)ucql_read_string(r);
			skip_option(r, depth + 1);
		}
		break;
	}
	case 0x0031: { /* tuple: n, n × type */
		uint16_t n = ucql_read_short(r);
		for (uint16_t i = 0; i < n && !r->err; i++)
			skip_option(r, depth + 1);
		break;
	}
	default:
		ucql_reader_fail(r, UCQL_E_BAD_TYPE);
	}
}

ucql_bytes ucql_read_option(ucql_reader *r)
{
	ucql_bytes b = { NULL, 0 };
	const uint8_t *start = r->p;
	skip_option(r, 0);
	if (r->err)
		return b;
	b.p = start;
	b.len = (size_t)(r->p - start);
	return b;
}
