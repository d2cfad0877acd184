/*
 * Private: bound value lists shared by QUERY/EXECUTE (query.c) and BATCH
 * (batch.c).
 */
#ifndef UCQL_PROTO_VALUES_H
#define UCQL_PROTO_VALUES_H

#include "ucql/wire.h"

/* memcpy for the short fields that dominate requests (ids, bound values):
 * overlapping fixed-size moves instead of a call into libc. */
static inline void ucql__copy(uint8_t *d, const uint8_t *s, size_t n)
{
	if (n > 16) {
		memcpy(d, s, n);
	} else if (n >= 8) {
		uint64_t a, b;
		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
		memcpy(d, &a, 8);
		memcpy(d + n - 8, &b, 8);
	} else if (n >= 4) {
		uint32_t a, b;
		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		memcpy(d, &a, 4);
		memcpy(d + n - 4, &b, 4);
	} else if (n) {
		d[0] = s[0];
		d[n / 2] = s[n / 2];
		d[n - 1] = s[n - 1];
	}
}

/*
 * Reads n values ([value], or [string][value] when named) and returns the
 * view of their bytes. An unset value in v3 is UCQL_E_BAD_LENGTH (v3 has no
 * unset, §6 of v4 introduced it); errors land in r->err.
 */
static inline ucql_bytes ucql__values_read(ucql_reader *r, int version, uint16_t n, int named)
{
	const uint8_t *start = r->p;
	for (uint16_t i = 0; i < n && !r->err; i++) {
		if (named)
			(void)ucql_read_string(r);
		ucql_value v = ucql_read_value(r);
		if (v.len == UCQL_UNSET && version < 4)
			ucql_reader_fail(r, UCQL_E_BAD_LENGTH);
	}
	if (r->err)
		return ucql_bytes_of(NULL, 0);
	return ucql_bytes_of(start, (size_t)(r->p - start));
}

/*
 * Writes n values from an array (names[i] before each when names != NULL).
 * Unset in v3, or a length below UCQL_UNSET, is UCQL_E_INVALID_ARG.
 * Hot path (EXECUTE): one reserve per value.
 */
static inline void ucql__values_write(ucql_writer *w, int version, uint16_t n,
				      const ucql_value *vals, const ucql_bytes *names)
{
	int32_t min = version >= 4 ? UCQL_UNSET : UCQL_NULL;
	for (uint16_t i = 0; i < n; i++) {
		ucql_value v = vals[i];
		if (v.len < min) {
			ucql_writer_fail(w, UCQL_E_INVALID_ARG);
			return;
		}
		if (names)
			ucql_write_string(w, names[i]);
		size_t body = v.len > 0 ? (size_t)v.len : 0;
		uint8_t *d = ucql_writer_reserve(w, 4 + body);
		if (d) {
			ucql__put32(d, (uint32_t)v.len);
			if (body)
				memcpy(d + 4, v.p, body);
		}
	}
}

#endif
