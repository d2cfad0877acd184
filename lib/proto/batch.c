/*
 * BATCH body (v4 §4.1.7, v5 §4.1.7):
 *   <type><n><query_1>…<query_n><consistency><flags>[<serial_consistency>]
 *   [<timestamp>][<keyspace>][<now_in_seconds>]
 *   query_i = <kind><string_or_id><n>[<value_1>…<value_n>]
 * flags: [byte] in v3/v4, [int] in v5. Named values (0x40) are refused; see
 * request.h.
 */
#include "ucql/request.h"
#include "values.h"

static inline int version_ok(int version)
{
	return version >= UCQL_PROTOCOL_MIN && version <= UCQL_PROTOCOL_MAX;
}

static inline uint32_t allowed_flags(int version)
{
	return version >= 5 ? UCQL_BATCH_FLAGS_V5 : UCQL_BATCH_FLAGS_V4;
}

static void write_stmt(ucql_writer *w, int version, const ucql_batch_stmt *s)
{
	if (s->kind == UCQL_BATCH_QUERY) {
		ucql_write_byte(w, UCQL_BATCH_QUERY);
		ucql_write_long_string(w, s->query_or_id);
	} else if (s->kind == UCQL_BATCH_PREPARED) {
		ucql_write_byte(w, UCQL_BATCH_PREPARED);
		ucql_write_short_bytes(w, s->query_or_id);
	} else {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return;
	}
	ucql_write_short(w, s->n_values);
	if (s->values)
		ucql__values_write(w, version, s->n_values, s->values, NULL);
	else
		ucql_write_raw(w, s->values_raw.p, s->values_raw.len);
}

int ucql_batch_encode(ucql_writer *w, int version, const ucql_batch *m)
{
	if (!version_ok(version) || m->type > UCQL_BATCH_COUNTER ||
	    (m->flags & ~allowed_flags(version))) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return w->err;
	}
	ucql_write_byte(w, m->type);
	ucql_write_short(w, m->n);
	if (m->stmts) {
		for (uint16_t i = 0; i < m->n && w->err != UCQL_E_INVALID_ARG; i++)
			write_stmt(w, version, &m->stmts[i]);
		if (w->err == UCQL_E_INVALID_ARG)
			return w->err;
	} else {
		ucql_write_raw(w, m->stmts_raw.p, m->stmts_raw.len);
	}
	ucql_write_consistency(w, m->consistency);
	if (version >= 5)
		ucql_write_int(w, (int32_t)m->flags);
	else
		ucql_write_byte(w, (uint8_t)m->flags);
	if (m->flags & UCQL_QP_SERIAL_CONSISTENCY)
		ucql_write_consistency(w, m->serial_consistency);
	if (m->flags & UCQL_QP_TIMESTAMP)
		ucql_write_long(w, m->timestamp);
	if (m->flags & UCQL_QP_KEYSPACE)
		ucql_write_string(w, m->keyspace);
	if (m->flags & UCQL_QP_NOW_IN_SECONDS)
		ucql_write_int(w, m->now_in_seconds);
	return w->err;
}

/* Reads one statement; with version > 0 also validates its values (the
 * iterator passes 0: the batch was validated when decoded). */
static void read_stmt(ucql_reader *r, int version, ucql_batch_stmt *s)
{
	s->kind = ucql_read_byte(r);
	if (s->kind == UCQL_BATCH_QUERY)
		s->query_or_id = ucql_read_long_string(r);
	else if (s->kind == UCQL_BATCH_PREPARED)
		s->query_or_id = ucql_read_short_bytes(r);
	else if (!r->err)
		ucql_reader_fail(r, UCQL_E_BAD_KIND);
	s->n_values = ucql_read_short(r);
	s->values = NULL;
	s->values_raw = ucql__values_read(r, version ? version : 4, s->n_values, 0);
}

int ucql_batch_decode(ucql_bytes body, int version, ucql_batch *m)
{
	ucql_reader r;
	memset(m, 0, sizeof *m);
	if (!version_ok(version))
		return UCQL_E_BAD_VERSION;
	ucql_reader_init(&r, body.p, body.len);
	m->type = ucql_read_byte(&r);
	if (!r.err && m->type > UCQL_BATCH_COUNTER)
		return UCQL_E_BAD_KIND;
	m->n = ucql_read_short(&r);
	const uint8_t *start = r.p;
	for (uint16_t i = 0; i < m->n && !r.err; i++) {
		ucql_batch_stmt s;
		read_stmt(&r, version, &s);
	}
	if (r.err)
		return r.err;
	m->stmts_raw = ucql_bytes_of(start, (size_t)(r.p - start));
	m->consistency = ucql_read_consistency(&r);
	m->flags = version >= 5 ? (uint32_t)ucql_read_int(&r) : ucql_read_byte(&r);
	if (r.err)
		return r.err;
	/* §4.1.7: the four low bits "must always be 0"; names: CASSANDRA-10246. */
	if (m->flags & ~allowed_flags(version))
		return UCQL_E_BAD_FLAGS;
	if (m->flags & UCQL_QP_SERIAL_CONSISTENCY)
		m->serial_consistency = ucql_read_consistency(&r);
	if (m->flags & UCQL_QP_TIMESTAMP)
		m->timestamp = ucql_read_long(&r);
	if (m->flags & UCQL_QP_KEYSPACE)
		m->keyspace = ucql_read_string(&r);
	if (m->flags & UCQL_QP_NOW_IN_SECONDS)
		m->now_in_seconds = ucql_read_int(&r);
	if (r.err)
		return r.err;
	return ucql_reader_left(&r) ? UCQL_E_TRAILING : 0;
}

int ucql_batch_next(ucql_reader *it, ucql_batch_stmt *s)
{
	if (it->err || it->p >= it->end)
		return 0;
	read_stmt(it, 0, s);
	return !it->err;
}
