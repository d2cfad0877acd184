/*
 * Connection-level request bodies: STARTUP (§4.1.1), AUTH_RESPONSE
 * (§4.1.2), OPTIONS (§4.1.3), REGISTER (§4.1.8). Identical in v3, v4, v5.
 */
#include "ucql/request.h"
#include "values.h"

static inline int version_ok(int version)
{
	return version >= UCQL_PROTOCOL_MIN && version <= UCQL_PROTOCOL_MAX;
}

static int finish(ucql_reader *r)
{
	if (r->err)
		return r->err;
	return ucql_reader_left(r) ? UCQL_E_TRAILING : 0;
}

/* ---- STARTUP ------------------------------------------------------------ */

int ucql_startup_encode(ucql_writer *w, int version, const ucql_startup *m)
{
	if (!version_ok(version)) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return w->err;
	}
	if (m->kv)
		ucql_write_string_map(w, m->kv, m->n);
	else
		ucql_write_list_view(w, m->options);
	return w->err;
}

int ucql_startup_decode(ucql_bytes body, int version, ucql_startup *m)
{
	ucql_reader r;
	memset(m, 0, sizeof *m);
	if (!version_ok(version))
		return UCQL_E_BAD_VERSION;
	ucql_reader_init(&r, body.p, body.len);
	m->options = ucql_read_string_map(&r);
	return finish(&r);
}

/* ---- OPTIONS ------------------------------------------------------------ */

int ucql_options_encode(ucql_writer *w, int version)
{
	if (!version_ok(version))
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
	return w->err;
}

int ucql_options_decode(ucql_bytes body, int version)
{
	if (!version_ok(version))
		return UCQL_E_BAD_VERSION;
	return body.len ? UCQL_E_TRAILING : 0;
}

/* ---- REGISTER ----------------------------------------------------------- */

int ucql_register_encode(ucql_writer *w, int version, const ucql_register *m)
{
	if (!version_ok(version)) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return w->err;
	}
	if (m->events)
		ucql_write_string_list(w, m->events, m->n);
	else
		ucql_write_list_view(w, m->list);
	return w->err;
}

static int known_event(ucql_bytes s)
{
	return ucql_bytes_eq_str(s, UCQL_REGISTER_TOPOLOGY_CHANGE) ||
	       ucql_bytes_eq_str(s, UCQL_REGISTER_STATUS_CHANGE) ||
	       ucql_bytes_eq_str(s, UCQL_REGISTER_SCHEMA_CHANGE);
}

int ucql_register_decode(ucql_bytes body, int version, ucql_register *m)
{
	ucql_reader r;
	memset(m, 0, sizeof *m);
	if (!version_ok(version))
		return UCQL_E_BAD_VERSION;
	ucql_reader_init(&r, body.p, body.len);
	m->list = ucql_read_string_list(&r);
	int rc = finish(&r);
	if (rc < 0)
		return rc;
	ucql_reader it;
	ucql_bytes s;
	ucql_reader_init(&it, m->list.raw.p, m->list.raw.len);
	for (uint16_t i = 0; i < m->list.n && ucql_string_list_next(&it, &s); i++)
		if (!known_event(s))
			return UCQL_E_BAD_KIND;
	return 0;
}

/* ---- AUTH_RESPONSE ------------------------------------------------------ */

int ucql_auth_response_encode(ucql_writer *w, int version, const ucql_auth_response *m)
{
	/* [bytes]: null is fine, unset is a [value]-only notion. */
	if (!version_ok(version) || m->token.len < UCQL_NULL) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return w->err;
	}
	ucql_write_value(w, m->token);
	return w->err;
}

int ucql_auth_response_decode(ucql_bytes body, int version, ucql_auth_response *m)
{
	ucql_reader r;
	memset(m, 0, sizeof *m);
	if (!version_ok(version))
		return UCQL_E_BAD_VERSION;
	ucql_reader_init(&r, body.p, body.len);
	m->token = ucql_read_bytes(&r);
	return finish(&r);
}
