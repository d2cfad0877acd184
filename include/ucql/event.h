/*
 * ucql/event.h — the EVENT message body (native_protocol_v4.spec §4.2.6)
 * and the schema change description it shares with RESULT Schema_change
 * (§4.2.5.5).
 *
 *   TOPOLOGY_CHANGE  <change:string ("NEW_NODE", "REMOVED_NODE", "MOVED_NODE")><address:inet>
 *   STATUS_CHANGE    <change:string ("UP", "DOWN")><address:inet>
 *   SCHEMA_CHANGE    <change:string ("CREATED", "UPDATED", "DROPPED")><target:string><options>
 *     options: KEYSPACE → <ks>; TABLE, TYPE → <ks><name>;
 *              FUNCTION, AGGREGATE → <ks><name><argument types:string list>
 *
 * Strings are matched exactly (the spec's upper case). An unknown event
 * type or schema target fails with UCQL_E_BAD_KIND: the layout of the rest
 * depends on it, and a driver must not accept an event type it did not
 * REGISTER for. An unknown change string does not change the layout, so it
 * decodes as UCQL_CHANGE_UNKNOWN with the string kept in change_str.
 * FUNCTION and AGGREGATE targets exist from v4 on; ucql decodes them in v3
 * too but refuses to encode them there (Cassandra reports such a change to
 * a v3 client as the keyspace being UPDATED).
 *
 * Conventions (signatures, ownership, errors): see ucql/response.h. Pure
 * functions; any thread.
 */
#ifndef UCQL_EVENT_H
#define UCQL_EVENT_H

#include "wire.h"

#ifdef __cplusplus
extern "C" {
#endif

enum ucql_event_type {
	UCQL_EVENT_TOPOLOGY_CHANGE = 1,
	UCQL_EVENT_STATUS_CHANGE = 2,
	UCQL_EVENT_SCHEMA_CHANGE = 3,
};

enum ucql_change {
	UCQL_CHANGE_UNKNOWN = 0, /* decoded only: see change_str */
	UCQL_CHANGE_NEW_NODE,
	UCQL_CHANGE_REMOVED_NODE,
	UCQL_CHANGE_MOVED_NODE, /* older servers (topology) */
	UCQL_CHANGE_UP,
	UCQL_CHANGE_DOWN,
	UCQL_CHANGE_CREATED,
	UCQL_CHANGE_UPDATED,
	UCQL_CHANGE_DROPPED,
};

enum ucql_schema_target {
	UCQL_TARGET_KEYSPACE = 1,
	UCQL_TARGET_TABLE,
	UCQL_TARGET_TYPE,
	UCQL_TARGET_FUNCTION,
	UCQL_TARGET_AGGREGATE,
};

/* Wire strings of the enums ("TOPOLOGY_CHANGE", "NEW_NODE", "TABLE"), or
 * NULL for a value not in the enum. */
UCQL_API const char *ucql_event_type_name(int type);
UCQL_API const char *ucql_change_name(int change);
UCQL_API const char *ucql_schema_target_name(int target);

typedef struct ucql_schema_change {
	int change;               /* enum ucql_change (CREATED, UPDATED, DROPPED) */
	ucql_bytes change_str;    /* decoded: the wire string */
	int target;               /* enum ucql_schema_target */
	ucql_bytes keyspace;
	ucql_bytes name;          /* table, type, function or aggregate; empty for KEYSPACE */
	ucql_list_view arg_types; /* FUNCTION, AGGREGATE: argument CQL types */
} ucql_schema_change;

typedef struct ucql_event {
	int type;              /* enum ucql_event_type */
	ucql_bytes type_str;   /* decoded: the wire string */
	int change;            /* TOPOLOGY/STATUS_CHANGE: enum ucql_change */
	ucql_bytes change_str; /* decoded: the wire string */
	ucql_inet address;     /* TOPOLOGY/STATUS_CHANGE: [inet] with port */
	ucql_schema_change schema; /* SCHEMA_CHANGE */
} ucql_event;

/* Writes the strings of the enums; a change of UCQL_CHANGE_UNKNOWN writes
 * change_str as is. Unknown type/target, or FUNCTION/AGGREGATE in v3:
 * w->err = UCQL_E_INVALID_ARG. */
UCQL_API void ucql_event_encode(ucql_writer *w, int version, const ucql_event *m);
/* Errors beyond ucql/response.h's: UCQL_E_BAD_KIND (unknown event type or
 * schema target), UCQL_E_BAD_VALUE (address neither 4 nor 16 bytes). */
UCQL_API int ucql_event_decode(ucql_bytes body, int version, ucql_event *m);

/* The <change_type><target><options> part alone, as in RESULT
 * Schema_change (ucql/result.h writes the kind before it). */
UCQL_API void ucql_schema_change_encode(ucql_writer *w, int version, const ucql_schema_change *m);
/* Reads it from a reader (sticky errors: check r->err; unknown target →
 * UCQL_E_BAD_KIND). Does not check for trailing bytes. */
UCQL_API void ucql_read_schema_change(ucql_reader *r, ucql_schema_change *m);

#ifdef __cplusplus
}
#endif
#endif
