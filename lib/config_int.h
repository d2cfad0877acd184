/*
 * The library's view of a ucql_config: one typed field per setting,
 * generated from the property table (lib/config_table.h), plus the typed
 * settings (log callback, authenticator).
 *
 * Field ← setting (mostly the name with '.' turned into '_'):
 *   char *contact_points        contact_points (use ucql__config_contact_points)
 *   int port                    port
 *   int protocol_version        protocol.version (0 = negotiate, else 3..5)
 *   int shards                  shards (0 = one per CPU of the affinity mask)
 *   int shards_mode             shards.mode: UCQL__SHARDS_THREADS / _EMBEDDED
 *   int shards_pin              shards.pin (0/1)
 *   int connections_per_node    connections.per_node
 *   int connect_timeout_ms      connect.timeout_ms
 *   int request_timeout_ms      request.timeout_ms (0 = none)
 *   int consistency             request.consistency: a UCQL_CL_* wire code
 *   int serial_consistency      request.serial_consistency: UCQL_CL_SERIAL /
 *                               UCQL_CL_LOCAL_SERIAL
 *   int page_size               request.page_size (0 = no paging)
 *   int client_timestamps       request.timestamps: 1 client, 0 server
 *                               (UCQL__TIMESTAMPS_CLIENT / _SERVER)
 *   int compression_lz4         compression: 1 lz4, 0 none
 *                               (UCQL__COMPRESSION_LZ4 / _NONE)
 *   char *auth_username         auth.username ("" when unset)
 *   char *auth_password         auth.password ("" when unset)
 *   char *keyspace              keyspace: "" or a CQL identifier, quotes kept
 *                               as given (safe to paste after USE)
 *   int submit_queue_size       submit.queue_size: a power of two
 *   int submit_backpressure     submit.backpressure: UCQL__BACKPRESSURE_ERROR
 *                               / _WAIT
 *   int recv_buffer_size        recv.buffer_size: a power of two
 *   int recv_buffer_count       recv.buffer_count: a power of two
 *   int reconnect_base_delay_ms reconnect.base_delay_ms
 *   int reconnect_max_delay_ms  reconnect.max_delay_ms (not cross-checked:
 *                               may be below the base delay)
 *   int spin_us                 spin.us
 *   int max_frame_size          max_frame_size
 *   int log_level               log.level: UCQL_LOG_ERROR .. UCQL_LOG_DEBUG
 *   int max_in_flight_per_connection  request.max_in_flight_per_connection
 * Strings are never NULL. The values are valid by construction: every
 * write goes through the validator.
 */
#ifndef UCQL_CONFIG_INT_H
#define UCQL_CONFIG_INT_H

#include "config_table.h"

#define UCQL__CFG_CTYPE_INT int
#define UCQL__CFG_CTYPE_BOOL int
#define UCQL__CFG_CTYPE_ENUM int
#define UCQL__CFG_CTYPE_STRING char *
#define UCQL__CFG_CTYPE_PASSWORD char *
#define UCQL__CFG_FIELD(name, field, type, ...) UCQL__CFG_CTYPE_##type field;

typedef struct ucql__cfg {
	UCQL__CONFIG_TABLE(UCQL__CFG_FIELD)
	ucql_log_fn log_fn; /* NULL = stderr */
	void *log_ud;
	ucql_authenticator authenticator; /* meaningful when has_authenticator */
	int has_authenticator;   /* 0 = PLAIN with auth_username/auth_password */
} ucql__cfg;

/* The values of c (borrowed: valid while c lives and is not changed). */
const ucql__cfg *ucql__config_values(const ucql_config *c);

typedef struct ucql__hostport {
	char host[256]; /* address or host name, no brackets, NUL-terminated */
	int port;
} ucql__hostport;

/* Splits v->contact_points into out[0 .. min(count, max)), an entry
 * without a port taking v->port. Returns the number of entries (which may
 * exceed max: like snprintf, call again with more room), or
 * UCQL_E_CONFIG_VALUE if the list is malformed (it cannot be: it was
 * validated when set). out may be NULL when max is 0. */
int ucql__config_contact_points(const ucql__cfg *v, ucql__hostport *out, int max);

#endif
