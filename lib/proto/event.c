/*
 * EVENT message bodies (native_protocol_v4.spec §4.2.6) and the schema
 * change description shared with RESULT Schema_change (§4.2.5.5).
 * Layouts and version notes: ucql/event.h.
 */
#include "ucql/event.h"

#include "response_priv.h"

static const char *const type_names[] = {
	[UCQL_EVENT_TOPOLOGY_CHANGE] = "TOPOLOGY_CHANGE",
	[UCQL_EVENT_STATUS_CHANGE] = "STATUS_CHANGE",
	[UCQL_EVENT_SCHEMA_CHANGE] = "SCHEMA_CHANGE",
};

static const char *const change_names[] = {
	[UCQL_CHANGE_NEW_NODE] = "NEW_NODE",
	[UCQL_CHANGE_REMOVED_NODE] = "REMOVED_NODE",
	[UCQL_CHANGE_MOVED_NODE] = "MOVED_NODE",
	[UCQL_CHANGE_UP] = "UP",
	[UCQL_CHANGE_DOWN] = "DOWN",
	[UCQL_CHANGE_CREATED] = "CREATED",
	[UCQL_CHANGE_UPDATED] = "UPDATED",
	[UCQL_CHANGE_DROPPED] = "DROPPED",
};

static const char *const target_names[] = {
	[UCQL_TARGET_KEYSPACE] = "KEYSPACE",
	[UCQL_TARGET_TABLE] = "TABLE",
	[UCQL_TARGET_TYPE] = "TYPE",
	[UCQL_TARGET_FUNCTION] = "FUNCTION",
	[UCQL_TARGET_AGGREGATE] = "AGGREGATE",
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *name_in(const char *const *names, int n, int v)
{
	return v > 0 && v < n ? names[v] : NULL;
}

/* Index of s in names[lo..hi], or 0. */
static int lookup(const char *const *names, int lo, int hi, ucql_bytes s)
{
	for (int i = lo; i <= hi; i++)
		if (names[i] && ucql_bytes_eq_str(s, names[i]))
			return i;
	return 0;
}

const char *ucql_event_type_name(int type) { return name_in(type_names, COUNT(type_names), type); }
const char *ucql_change_name(int change) { return name_in(change_names, COUNT(change_names), change); }
const char *ucql_schema_target_name(int target)
{
	return name_in(target_names, COUNT(target_names), target);
}

/* A change: its name, or for UCQL_CHANGE_UNKNOWN the caller's string. */
static void write_change(ucql_writer *w, int change, ucql_bytes change_str)
{
	const char *s = ucql_change_name(change);
	if (s)
		ucql_write_cstring(w, s);
	else if (change == UCQL_CHANGE_UNKNOWN)
		ucql_write_string(w, change_str);
	else
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
}

void ucql_schema_change_encode(ucql_writer *w, int version, const ucql_schema_change *m)
{
	const char *target = ucql_schema_target_name(m->target);
	if (!ucql__response_enc_start(w, version))
		return;
	if (!target || (version < 4 && m->target >= UCQL_TARGET_FUNCTION)) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return;
	}
	write_change(w, m->change, m->change_str);
	ucql_write_cstring(w, target);
	ucql_write_string(w, m->keyspace);
	if (m->target == UCQL_TARGET_KEYSPACE)
		return;
	ucql_write_string(w, m->name);
	if (m->target >= UCQL_TARGET_FUNCTION)
		ucql_write_list_view(w, m->arg_types);
}

void ucql_read_schema_change(ucql_reader *r, ucql_schema_change *m)
{
	memset(m, 0, sizeof *m);
	m->change_str = ucql_read_string(r);
	ucql_bytes target = ucql_read_string(r);
	if (r->err)
		return;
	m->change = lookup(change_names, UCQL_CHANGE_CREATED, UCQL_CHANGE_DROPPED, m->change_str);
	m->target = lookup(target_names, UCQL_TARGET_KEYSPACE, UCQL_TARGET_AGGREGATE, target);
	if (!m->target) {
		ucql_reader_fail(r, UCQL_E_BAD_KIND);
		return;
	}
	m->keyspace = ucql_read_string(r);
	if (m->target == UCQL_TARGET_KEYSPACE)
		return;
	m->name = ucql_read_string(r);
	if (m->target >= UCQL_TARGET_FUNCTION)
		m->arg_types = ucql_read_string_list(r);
}

void ucql_event_encode(ucql_writer *w, int version, const ucql_event *m)
{
	const char *type = ucql_event_type_name(m->type);
	if (!ucql__response_enc_start(w, version))
		return;
	if (!type) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return;
	}
	ucql_write_cstring(w, type);
	if (m->type == UCQL_EVENT_SCHEMA_CHANGE) {
		ucql_schema_change_encode(w, version, &m->schema);
		return;
	}
	write_change(w, m->change, m->change_str);
	ucql_write_inet(w, &m->address);
}

int ucql_event_decode(ucql_bytes body, int version, ucql_event *m)
{
	ucql_reader r;
	if (!ucql__response_version_ok(version))
		return UCQL_E_BAD_VERSION;
	memset(m, 0, sizeof *m);
	ucql_reader_init(&r, body.p, body.len);
	m->type_str = ucql_read_string(&r);
	if (r.err)
		return r.err;
	m->type = lookup(type_names, UCQL_EVENT_TOPOLOGY_CHANGE, UCQL_EVENT_SCHEMA_CHANGE, m->type_str);
	switch (m->type) {
	case UCQL_EVENT_TOPOLOGY_CHANGE:
		m->change_str = ucql_read_string(&r);
		m->change = lookup(change_names, UCQL_CHANGE_NEW_NODE, UCQL_CHANGE_MOVED_NODE,
				   m->change_str);
		m->address = ucql_read_inet(&r);
		break;
	case UCQL_EVENT_STATUS_CHANGE:
		m->change_str = ucql_read_string(&r);
		m->change = lookup(change_names, UCQL_CHANGE_UP, UCQL_CHANGE_DOWN, m->change_str);
		m->address = ucql_read_inet(&r);
		break;
	case UCQL_EVENT_SCHEMA_CHANGE:
		ucql_read_schema_change(&r, &m->schema);
		break;
	default:
		return UCQL_E_BAD_KIND;
	}
	return ucql__response_dec_end(&r);
}
