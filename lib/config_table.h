/*
 * The property table: every setting of ucql_config, once. It generates
 * the storage struct (ucql__cfg, lib/config_int.h), the parser, validator
 * and ucql_config_get (lib/config.c) and docs/CONFIGURATION.md
 * (tests/build/config_md.c; the test 'docs/config' fails when the
 * committed file is stale). Adding a setting is adding a row here, then
 * regenerating the doc.
 *
 * Row: X(name, field, TYPE, default, min, max, VALUES, CHECK, doc)
 *   name     the key given to ucql_config_set
 *   field    its member of ucql__cfg (lib/config_int.h lists them)
 *   TYPE     INT (int), BOOL (int 0/1), ENUM (int: the value's code),
 *            STRING or PASSWORD (char *, never NULL; "" when unset)
 *   default  the default's text form, parsed by the same code as
 *            ucql_config_set (so a default cannot break a rule)
 *   min, max the inclusive range of an INT (0, 0 for other types)
 *   VALUES   an ENUM's allowed values: UCQL__CFG_VALUES_<VALUES>(V), each
 *            V(text, code): text is the canonical spelling (input
 *            is case-insensitive), code what the field holds; or NONE
 *   CHECK    an extra rule beyond type and range (UCQL__CFG_CHECK_*), or
 *            NONE
 *   doc      one paragraph for docs/CONFIGURATION.md (Markdown)
 *
 * Pure macros: no code, so the doc generator includes it without linking
 * the library.
 */
#ifndef UCQL_CONFIG_TABLE_H
#define UCQL_CONFIG_TABLE_H

#include "ucql/config.h"
#include "ucql/wire.h"

/* Codes of the enum settings that have no public constants. */
#define UCQL__SHARDS_THREADS 0
#define UCQL__SHARDS_EMBEDDED 1
#define UCQL__TIMESTAMPS_SERVER 0
#define UCQL__TIMESTAMPS_CLIENT 1
#define UCQL__COMPRESSION_NONE 0
#define UCQL__COMPRESSION_LZ4 1
#define UCQL__BACKPRESSURE_ERROR 0
#define UCQL__BACKPRESSURE_WAIT 1

#define UCQL__CFG_VALUES_NONE(V)
#define UCQL__CFG_VALUES_SHARDS_MODE(V)                                         \
	V("threads", UCQL__SHARDS_THREADS) V("embedded", UCQL__SHARDS_EMBEDDED)
#define UCQL__CFG_VALUES_CONSISTENCY(V)                                         \
	V("ANY", UCQL_CL_ANY) V("ONE", UCQL_CL_ONE) V("TWO", UCQL_CL_TWO)         \
	V("THREE", UCQL_CL_THREE) V("QUORUM", UCQL_CL_QUORUM)                      \
	V("ALL", UCQL_CL_ALL) V("LOCAL_QUORUM", UCQL_CL_LOCAL_QUORUM)              \
	V("EACH_QUORUM", UCQL_CL_EACH_QUORUM) V("LOCAL_ONE", UCQL_CL_LOCAL_ONE)
#define UCQL__CFG_VALUES_SERIAL(V)                                              \
	V("SERIAL", UCQL_CL_SERIAL) V("LOCAL_SERIAL", UCQL_CL_LOCAL_SERIAL)
#define UCQL__CFG_VALUES_TIMESTAMPS(V)                                          \
	V("client", UCQL__TIMESTAMPS_CLIENT) V("server", UCQL__TIMESTAMPS_SERVER)
#define UCQL__CFG_VALUES_COMPRESSION(V)                                         \
	V("none", UCQL__COMPRESSION_NONE) V("lz4", UCQL__COMPRESSION_LZ4)
#define UCQL__CFG_VALUES_BACKPRESSURE(V)                                        \
	V("error", UCQL__BACKPRESSURE_ERROR) V("wait", UCQL__BACKPRESSURE_WAIT)
#define UCQL__CFG_VALUES_LOG_LEVEL(V)                                           \
	V("error", UCQL_LOG_ERROR) V("warn", UCQL_LOG_WARN)                        \
	V("info", UCQL_LOG_INFO) V("debug", UCQL_LOG_DEBUG)

/* Extra rules (implemented in lib/config.c) and how the doc states them. */
enum {
	UCQL__CFG_CHECK_NONE,
	UCQL__CFG_CHECK_POW2,     /* an INT that is a power of two */
	UCQL__CFG_CHECK_PROTOCOL, /* an INT that is 0 or a version ucql speaks */
	UCQL__CFG_CHECK_HOSTS,    /* a STRING list of host[:port] */
	UCQL__CFG_CHECK_KEYSPACE, /* a STRING that is "" or a CQL identifier */
};
#define UCQL__CFG_CHECKDOC_NONE ""
#define UCQL__CFG_CHECKDOC_POW2 "a power of two"
#define UCQL__CFG_CHECKDOC_PROTOCOL "0, 3, 4 or 5"
#define UCQL__CFG_CHECKDOC_HOSTS "host[:port], comma-separated"
#define UCQL__CFG_CHECKDOC_KEYSPACE "empty, or a CQL identifier"

#define UCQL__CONFIG_TABLE(X)                                                   \
	X("contact_points", contact_points, STRING, "127.0.0.1", 0, 0, NONE, HOSTS, \
	  "The nodes the session first connects to, comma-separated. Each is an "   \
	  "IPv4 address, an IPv6 address or a host name, optionally followed by "   \
	  "`:port` (else setting `port` applies); an IPv6 address with a port is "  \
	  "written in brackets: `[::1]:9042`. One reachable contact point is "      \
	  "enough: the session learns the other nodes from the cluster's peer "     \
	  "tables. The syntax is checked when set; host names are resolved when "  \
	  "the session connects.")                                                  \
	X("port", port, INT, "9042", 1, 65535, NONE, NONE,                          \
	  "The CQL native transport port, for contact points given without a "     \
	  "port and for discovered nodes whose peer table states none "             \
	  "(`system.peers`).")                                                      \
	X("protocol.version", protocol_version, INT, "0", 0, 5, NONE, PROTOCOL,     \
	  "The native protocol version to speak: 3, 4 or 5, or 0 to negotiate the " \
	  "highest version both the driver and the server speak (the driver "      \
	  "starts at 5 and steps down when the server refuses). A fixed version "   \
	  "the server does not speak fails the connect.")                           \
	X("shards", shards, INT, "0", 0, 256, NONE, NONE,                           \
	  "Number of shards. A shard is one io_uring loop with its own "            \
	  "connections to every node. 0 = one per CPU the process may run on "      \
	  "(`sched_getaffinity`).")                                                 \
	X("shards.mode", shards_mode, ENUM, "threads", 0, 0, SHARDS_MODE, NONE,     \
	  "`threads`: each shard runs on a driver thread, and any application "     \
	  "thread may execute requests. `embedded`: no driver threads; the "        \
	  "application drives each shard from a thread of its own with "           \
	  "`ucql_shard_poll` (see `ucql/session.h`).")                              \
	X("shards.pin", shards_pin, BOOL, "true", 0, 0, NONE, NONE,                 \
	  "In `threads` mode, pin each shard thread to one CPU among those the "    \
	  "process may run on. Ignored in `embedded` mode, where the application " \
	  "owns the threads.")                                                      \
	X("connections.per_node", connections_per_node, INT, "1", 1, 64, NONE, NONE, \
	  "Connections each shard opens to each node. One connection already "     \
	  "carries up to `request.max_in_flight_per_connection` concurrent "        \
	  "requests; more connections help only when one socket is the limit.")     \
	X("connect.timeout_ms", connect_timeout_ms, INT, "5000", 1, 600000, NONE, NONE, \
	  "Time limit in milliseconds for opening a connection (TCP connect, "      \
	  "protocol handshake, authentication, `USE` of the keyspace), and for "    \
	  "`ucql_session_connect` as a whole.")                                     \
	X("request.timeout_ms", request_timeout_ms, INT, "12000", 0, 3600000, NONE, NONE, \
	  "Client-side time limit of a request in milliseconds, from submission "   \
	  "to response; 0 = none. A request that runs out completes with "          \
	  "`UCQL_E_TIMEOUT`. A statement may set its own "                          \
	  "(`ucql_statement_set_timeout`).")                                        \
	X("request.consistency", consistency, ENUM, "LOCAL_ONE", 0, 0,     \
	  CONSISTENCY, NONE,                                                        \
	  "Consistency level of requests whose statement sets none "                \
	  "(`ucql_statement_set_consistency`). Case-insensitive.")                  \
	X("request.serial_consistency", serial_consistency, ENUM, "SERIAL", \
	  0, 0, SERIAL, NONE,                                                       \
	  "Serial consistency level of conditional updates (lightweight "           \
	  "transactions) whose statement sets none. Case-insensitive.")             \
	X("request.page_size", page_size, INT, "5000", 0, 2147483647, NONE, \
	  NONE,                                                                     \
	  "Rows per page of a query's result, for statements that set none "       \
	  "(`ucql_statement_set_page_size`); 0 = no paging (the whole result in "   \
	  "one response).")                                                         \
	X("request.timestamps", client_timestamps, ENUM, "client", 0, 0,          \
	  TIMESTAMPS, NONE,                                                         \
	  "Who assigns write timestamps. `client`: the driver, from a clock that "  \
	  "gives the requests of each application thread strictly increasing "     \
	  "microsecond values (protocol v3+ default timestamp; two threads may "    \
	  "draw the same value, as with the Java driver's thread-local "           \
	  "generator). `server`: the coordinator "                                   \
	  "node. A statement may set its own (`ucql_statement_set_timestamp`).")    \
	X("compression", compression_lz4, ENUM, "none", 0, 0, COMPRESSION, NONE,       \
	  "Compression of frames (v3, v4) or segments (v5) on the wire: `none` "    \
	  "or `lz4`, negotiated in STARTUP. Pays off on slow networks and large "   \
	  "values; costs CPU on both ends.")                                        \
	X("auth.username", auth_username, STRING, "", 0, 0, NONE, NONE,            \
	  "User name for the server's PasswordAuthenticator (SASL PLAIN). Used "    \
	  "only when the server asks for authentication and no authenticator was " \
	  "set with `ucql_config_set_authenticator`.")                              \
	X("auth.password", auth_password, PASSWORD, "", 0, 0, NONE, NONE,          \
	  "Password going with `auth.username`. `ucql_config_get` reads it as "     \
	  "`***` when set.")                                                        \
	X("keyspace", keyspace, STRING, "", 0, 0, NONE, KEYSPACE,                  \
	  "Keyspace every connection switches to (`USE`) once open; empty = "       \
	  "none. Written as in CQL: an unquoted name (letters, digits, "            \
	  "underscores; case-insensitive) or a double-quoted one for a "            \
	  "case-sensitive name (`\"MyKeyspace\"`). It must exist: "              \
	  "`ucql_session_connect` fails with the server's error otherwise.")        \
	X("submit.queue_size", submit_queue_size, INT, "4096", 64, 1048576, NONE,  \
	  POW2,                                                                     \
	  "Capacity of each shard's submission ring, in requests: how many "        \
	  "requests application threads may hand to one shard before it picks "   \
	  "them up.")                                                               \
	X("submit.backpressure", submit_backpressure, ENUM, "wait", 0, 0,          \
	  BACKPRESSURE, NONE,                                                       \
	  "What executing does when the shard's submission ring is full: `wait` "   \
	  "until there is room, or fail at once with `UCQL_E_QUEUE_FULL` "          \
	  "(`error`).")                                                             \
	X("recv.buffer_size", recv_buffer_size, INT, "65536", 4096, 16777216, NONE, \
	  POW2,                                                                     \
	  "Size in bytes of each receive buffer the kernel fills (io_uring "        \
	  "provided buffers). A response larger than one buffer is reassembled "    \
	  "into a copy.")                                                           \
	X("recv.buffer_count", recv_buffer_count, INT, "64", 8, 32768, NONE, POW2, \
	  "Receive buffers per shard, shared by its connections. A buffer stays "   \
	  "in use while a result set pointing into it lives; when all are in "     \
	  "use, receiving pauses until one is freed.")                              \
	X("reconnect.base_delay_ms", reconnect_base_delay_ms, INT, "100", 1,       \
	  600000, NONE, NONE,                                                       \
	  "First delay in milliseconds before reconnecting to a node after a "      \
	  "connection fails; each further failure doubles it (with jitter), up "   \
	  "to `reconnect.max_delay_ms`.")                                           \
	X("reconnect.max_delay_ms", reconnect_max_delay_ms, INT, "10000", 1,       \
	  3600000, NONE, NONE,                                                      \
	  "Upper bound in milliseconds of the reconnection delay.")                 \
	X("spin.us", spin_us, INT, "0", 0, 100000, NONE, NONE,                      \
	  "How long in microseconds an idle shard that other threads feed keeps "  \
	  "checking its submission ring before it sleeps, and a thread waiting "   \
	  "for a future keeps checking it (at most 10 us). Spinning can save a "   \
	  "wake-up at the cost of CPU; 0 = sleep at once. The default is 0 "       \
	  "because on the 2-vCPU machines we measure on, spinning cost more CPU "  \
	  "per request than the wake-ups it saved (docs/PERFORMANCE.md, "          \
	  "ucql-e2e --mode future).")                                               \
	X("max_frame_size", max_frame_size, INT, "268435456", 65536, 268435456,    \
	  NONE, NONE,                                                               \
	  "Largest response body accepted, in bytes. A larger frame fails its "    \
	  "connection with `UCQL_E_TOO_BIG` (the stream cannot be resynchronised " \
	  "otherwise).")                                                            \
	X("log.level", log_level, ENUM, "warn", 0, 0, LOG_LEVEL, NONE,             \
	  "Most verbose level logged (`error` < `warn` < `info` < `debug`); "       \
	  "messages above it are dropped before they are formatted. Logs go to "    \
	  "stderr, or to the callback set with `ucql_config_set_log_callback`.")    \
	X("request.max_in_flight_per_connection", max_in_flight_per_connection, \
	  INT, "32768", 1, 32768, NONE, NONE,                                       \
	  "Requests one connection may have in flight at once (stream ids in "     \
	  "use; protocol v3+ allows 32768). Requests beyond it wait in the shard " \
	  "for a free stream.")

#endif
