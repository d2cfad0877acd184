/*
 * Query parameters (v4 §4.1.4, v5 §4.1.4) and the QUERY and EXECUTE bodies
 * built on them (§4.1.4, §4.1.6).
 *
 * <consistency><flags>[<n>[name_1]<value_1>…][<result_page_size>]
 * [<paging_state>][<serial_consistency>][<timestamp>][<keyspace>]
 * [<now_in_seconds>]
 * flags: [byte] in v3/v4, [int] in v5; keyspace and now_in_seconds are v5.
 */
#include "ucql/request.h"
#include "values.h"

static inline int version_ok(int version)
{
	return version >= UCQL_PROTOCOL_MIN && version <= UCQL_PROTOCOL_MAX;
}

static inline uint32_t allowed_flags(int version)
{
	return version >= 5 ? UCQL_QP_FLAGS_V5 : UCQL_QP_FLAGS_V4;
}

int ucql_query_params_encode_head(ucql_writer *w, int version, const ucql_query_params *p)
{
	if (!version_ok(version) || (p->flags & ~allowed_flags(version))) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return w->err;
	}
	/* One reserve for the fixed prefix: consistency, flags, value count. */
	size_t n = 2 + (version >= 5 ? 4 : 1) + (p->flags & UCQL_QP_VALUES ? 2 : 0);
	uint8_t *d = ucql_writer_reserve(w, n);
	if (d) {
		ucql__put16(d, p->consistency);
		d += 2;
		if (version >= 5) {
			ucql__put32(d, p->flags);
			d += 4;
		} else {
			*d++ = (uint8_t)p->flags;
		}
		if (p->flags & UCQL_QP_VALUES)
			ucql__put16(d, p->n_values);
	}
	return w->err;
}

int ucql_query_params_encode_tail(ucql_writer *w, int version, const ucql_query_params *p)
{
	uint32_t f = p->flags;
	if (f & UCQL_QP_PAGE_SIZE)
		ucql_write_int(w, p->page_size);
	if (f & UCQL_QP_PAGING_STATE) {
		if (p->paging_state.len < UCQL_NULL)
			ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		else
			ucql_write_value(w, p->paging_state);
	}
	if (f & UCQL_QP_SERIAL_CONSISTENCY)
		ucql_write_consistency(w, p->serial_consistency);
	if (f & UCQL_QP_TIMESTAMP)
		ucql_write_long(w, p->timestamp);
	if (f & UCQL_QP_KEYSPACE)
		ucql_write_string(w, p->keyspace);
	if (f & UCQL_QP_NOW_IN_SECONDS)
		ucql_write_int(w, p->now_in_seconds);
	return w->err;
}

/*
 * The hot path (EXECUTE with a few bound values, QUERY) measures the whole
 * parameter block first, then reserves it once and stores with plain
 * pointer writes: no per-field bounds checks. measure() also validates;
 * it returns SIZE_MAX for an argument error.
 */
static inline size_t measure(int version, const ucql_query_params *p)
{
	uint32_t f = p->flags;
	if (!version_ok(version) || (f & ~allowed_flags(version)))
		return SIZE_MAX;
	size_t n = 2 + (version >= 5 ? 4 : 1);
	if (f & UCQL_QP_VALUES) {
		n += 2;
		if (p->values) {
			int32_t min = version >= 4 ? UCQL_UNSET : UCQL_NULL;
			int named = (f & UCQL_QP_NAMES) != 0;
			if (named && !p->names && p->n_values)
				return SIZE_MAX;
			for (uint16_t i = 0; i < p->n_values; i++) {
				int32_t len = p->values[i].len;
				if (len < min)
					return SIZE_MAX;
				n += 4 + (len > 0 ? (size_t)len : 0);
				if (named) {
					if (p->names[i].len > 0xFFFF)
						return SIZE_MAX;
					n += 2 + p->names[i].len;
				}
			}
		} else {
			n += p->values_raw.len;
		}
	}
	if (f & UCQL_QP_PAGE_SIZE)
		n += 4;
	if (f & UCQL_QP_PAGING_STATE) {
		if (p->paging_state.len < UCQL_NULL)
			return SIZE_MAX;
		n += 4 + (p->paging_state.len > 0 ? (size_t)p->paging_state.len : 0);
	}
	if (f & UCQL_QP_SERIAL_CONSISTENCY)
		n += 2;
	if (f & UCQL_QP_TIMESTAMP)
		n += 8;
	if (f & UCQL_QP_KEYSPACE) {
		if (p->keyspace.len > 0xFFFF)
			return SIZE_MAX;
		n += 2 + p->keyspace.len;
	}
	if (f & UCQL_QP_NOW_IN_SECONDS)
		n += 4;
	return n;
}

static inline uint8_t *put_bytes(uint8_t *d, const uint8_t *src, size_t n)
{
	ucql__copy(d, src, n);
	return d + n;
}

/* Stores what measure() measured; d has room for all of it. */
static inline void store(uint8_t *d, int version, const ucql_query_params *p)
{
	uint32_t f = p->flags;
	ucql__put16(d, p->consistency);
	d += 2;
	if (version >= 5) {
		ucql__put32(d, f);
		d += 4;
	} else {
		*d++ = (uint8_t)f;
	}
	if (f & UCQL_QP_VALUES) {
		ucql__put16(d, p->n_values);
		d += 2;
		if (p->values) {
			const ucql_bytes *names = (f & UCQL_QP_NAMES) ? p->names : NULL;
			for (uint16_t i = 0; i < p->n_values; i++) {
				if (names) {
					ucql__put16(d, (uint16_t)names[i].len);
					d = put_bytes(d + 2, names[i].p, names[i].len);
				}
				int32_t len = p->values[i].len;
				ucql__put32(d, (uint32_t)len);
				d += 4;
				if (len > 0)
					d = put_bytes(d, p->values[i].p, (size_t)len);
			}
		} else {
			d = put_bytes(d, p->values_raw.p, p->values_raw.len);
		}
	}
	if (f & UCQL_QP_PAGE_SIZE) {
		ucql__put32(d, (uint32_t)p->page_size);
		d += 4;
	}
	if (f & UCQL_QP_PAGING_STATE) {
		int32_t len = p->paging_state.len;
		ucql__put32(d, (uint32_t)len);
		d += 4;
		if (len > 0)
			d = put_bytes(d, p->paging_state.p, (size_t)len);
	}
	if (f & UCQL_QP_SERIAL_CONSISTENCY) {
		ucql__put16(d, p->serial_consistency);
		d += 2;
	}
	if (f & UCQL_QP_TIMESTAMP) {
		ucql__put64(d, (uint64_t)p->timestamp);
		d += 8;
	}
	if (f & UCQL_QP_KEYSPACE) {
		ucql__put16(d, (uint16_t)p->keyspace.len);
		d = put_bytes(d + 2, p->keyspace.p, p->keyspace.len);
	}
	if (f & UCQL_QP_NOW_IN_SECONDS)
		ucql__put32(d, (uint32_t)p->now_in_seconds);
}

/* Writes `pre` bytes of message prefix (already measured by the caller,
 * stored by put_pre) followed by the parameters, with a single reserve. */
static inline uint8_t *reserve_with_params(ucql_writer *w, int version, size_t pre,
					   const ucql_query_params *p)
{
	size_t n = measure(version, p);
	if (n == SIZE_MAX) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return NULL;
	}
	uint8_t *d = ucql_writer_reserve(w, pre + n);
	if (d)
		store(d + pre, version, p);
	return d;
}

int ucql_query_params_encode(ucql_writer *w, int version, const ucql_query_params *p)
{
	reserve_with_params(w, version, 0, p);
	return w->err;
}

int ucql_query_params_read(ucql_reader *r, int version, ucql_query_params *p)
{
	memset(p, 0, sizeof *p);
	if (!version_ok(version)) {
		ucql_reader_fail(r, UCQL_E_BAD_VERSION);
		return r->err;
	}
	p->consistency = ucql_read_consistency(r);
	uint32_t f = version >= 5 ? (uint32_t)ucql_read_int(r) : ucql_read_byte(r);
	if (r->err)
		return r->err;
	if (f & ~allowed_flags(version)) {
		ucql_reader_fail(r, UCQL_E_BAD_FLAGS);
		return r->err;
	}
	p->flags = f;
	/* §4.1.4: names "only make sense" with values and are ignored alone. */
	if (f & UCQL_QP_VALUES) {
		p->n_values = ucql_read_short(r);
		p->values_raw = ucql__values_read(r, version, p->n_values, (f & UCQL_QP_NAMES) != 0);
	}
	if (f & UCQL_QP_PAGE_SIZE)
		p->page_size = ucql_read_int(r);
	if (f & UCQL_QP_PAGING_STATE)
		p->paging_state = ucql_read_bytes(r);
	if (f & UCQL_QP_SERIAL_CONSISTENCY)
		p->serial_consistency = ucql_read_consistency(r);
	if (f & UCQL_QP_TIMESTAMP)
		p->timestamp = ucql_read_long(r);
	if (f & UCQL_QP_KEYSPACE)
		p->keyspace = ucql_read_string(r);
	if (f & UCQL_QP_NOW_IN_SECONDS)
		p->now_in_seconds = ucql_read_int(r);
	return r->err;
}

/* Common tail of every decoder: the sticky error, else nothing may remain. */
static inline int finish(ucql_reader *r)
{
	if (r->err)
		return r->err;
	return ucql_reader_left(r) ? UCQL_E_TRAILING : 0;
}

/* ---- QUERY -------------------------------------------------------------- */

int ucql_query_encode(ucql_writer *w, int version, const ucql_query *m)
{
	if (m->query.len > 0x7FFFFFFF) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return w->err;
	}
	uint8_t *d = reserve_with_params(w, version, 4 + m->query.len, &m->params);
	if (d) {
		ucql__put32(d, (uint32_t)m->query.len);
		put_bytes(d + 4, m->query.p, m->query.len);
	}
	return w->err;
}

int ucql_query_decode(ucql_bytes body, int version, ucql_query *m)
{
	ucql_reader r;
	ucql_reader_init(&r, body.p, body.len);
	m->query = ucql_read_long_string(&r);
	if (r.err) {
		memset(&m->params, 0, sizeof m->params);
		return r.err;
	}
	ucql_query_params_read(&r, version, &m->params);
	return finish(&r);
}

/* ---- EXECUTE ------------------------------------------------------------ */

int ucql_execute_encode(ucql_writer *w, int version, const ucql_execute *m)
{
	size_t rid = version >= 5 ? 2 + m->result_metadata_id.len : 0;
	if (m->id.len > 0xFFFF || m->result_metadata_id.len > 0xFFFF) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return w->err;
	}
	uint8_t *d = reserve_with_params(w, version, 2 + m->id.len + rid, &m->params);
	if (d) {
		ucql__put16(d, (uint16_t)m->id.len);
		d = put_bytes(d + 2, m->id.p, m->id.len);
		if (version >= 5) {
			ucql__put16(d, (uint16_t)m->result_metadata_id.len);
			put_bytes(d + 2, m->result_metadata_id.p, m->result_metadata_id.len);
		}
	}
	return w->err;
}

int ucql_execute_decode(ucql_bytes body, int version, ucql_execute *m)
{
	ucql_reader r;
	ucql_reader_init(&r, body.p, body.len);
	m->id = ucql_read_short_bytes(&r);
	m->result_metadata_id = version >= 5 ? ucql_read_short_bytes(&r) : ucql_bytes_of(NULL, 0);
	if (r.err) {
		memset(&m->params, 0, sizeof m->params);
		return r.err;
	}
	ucql_query_params_read(&r, version, &m->params);
	return finish(&r);
}

/* ---- PREPARE (§4.1.5) --------------------------------------------------- */

int ucql_prepare_encode(ucql_writer *w, int version, const ucql_prepare *m)
{
	if (!version_ok(version) || (m->flags && (version < 5 || m->flags & ~UCQL_PREPARE_KEYSPACE))) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return w->err;
	}
	ucql_write_long_string(w, m->query);
	if (version >= 5) {
		ucql_write_int(w, (int32_t)m->flags);
		if (m->flags & UCQL_PREPARE_KEYSPACE)
			ucql_write_string(w, m->keyspace);
	}
	return w->err;
}

int ucql_prepare_decode(ucql_bytes body, int version, ucql_prepare *m)
{
	ucql_reader r;
	memset(m, 0, sizeof *m);
	if (!version_ok(version))
		return UCQL_E_BAD_VERSION;
	ucql_reader_init(&r, body.p, body.len);
	m->query = ucql_read_long_string(&r);
	if (version >= 5) {
		m->flags = (uint32_t)ucql_read_int(&r);
		if (!r.err && (m->flags & ~(uint32_t)UCQL_PREPARE_KEYSPACE))
			return UCQL_E_BAD_FLAGS;
		if (m->flags & UCQL_PREPARE_KEYSPACE)
			m->keyspace = ucql_read_string(&r);
	}
	return finish(&r);
}
