/*
 * mockcluster.h — a whole ucql-mock run from one options struct: the
 * topology (ring.h), the CQL engine (engine.h), the TLS context (tls.h)
 * and the io_uring server (server.h), started and torn down by one call
 * each. The ucql-mock executable is a thin main() over this; C tests use
 * the same calls to run a cluster inside a test fixture:
 *
 *   mock_options o;
 *   mock_options_init(&o);
 *   o.nodes = 3;
 *   o.port = 19042;
 *   mock_run *run;
 *   if (mock_run_start(&o, &run, err, sizeof err)) …
 *   … connect to 127.0.0.1 … 127.0.0.3, port 19042 …
 *   mock_run_stop(run);
 *
 * Options are parsed and validated here too (options.c), so the executable
 * and in-process callers get the same checks and messages.
 */
#ifndef MOCK_MOCKCLUSTER_H
#define MOCK_MOCKCLUSTER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ring.h"
#include "server.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Highest node count: one loopback address each (127.0.0.1 …), and no
 * more than the server serves. */
#define MOCK_OPT_MAX_NODES (MOCK_MAX_NODES < MOCK_RING_MAX_NODES ? MOCK_MAX_NODES : MOCK_RING_MAX_NODES)
/* Largest --latency-ms: an hour (a longer fixed delay is a mistake). */
#define MOCK_OPT_MAX_LATENCY_MS 3600000u
#define MOCK_DEFAULT_RELEASE "4.0.11"

typedef struct mock_options {
	int nodes;                 /* 1 … MOCK_OPT_MAX_NODES (default 1) */
	int dcs;                   /* DCs dc1 … dcD, nodes round-robin (default 1) */
	int racks;                 /* racks per DC rack1 … rackR (default 1) */
	uint16_t port;             /* every node's port (default 9042) */
	int tokens;                /* tokens per node; 0 = MOCK_RING_DEFAULT_TOKENS */
	int random_tokens;         /* 1: random tokens from `seed`; 0: even split */
	uint64_t seed;
	const char *release;       /* release_version, "4.0.11" (default) or "3.11.x"… */
	int max_protocol;          /* highest protocol version, 3 … 5 (default 5) */
	/* Per node (index node-1): its highest protocol version; 0 = max_protocol. */
	uint8_t node_max_protocol[MOCK_MAX_NODES];
	int lz4;                   /* 1: offer lz4 compression (default 1) */
	int auth;                  /* 1: PasswordAuthenticator with `users` */
	const mock_user *users;    /* with auth; none given = cassandra/cassandra */
	size_t n_users;
	int tls;                   /* 1: every connection is TLS */
	const char *tls_cert;      /* PEM files */
	const char *tls_key;
	const char *tls_ca;        /* optional: verifies client certificates */
	int require_client_cert;   /* needs tls_ca */
	const char *cluster_name;  /* NULL = "ucql-mock" */
	uint32_t latency_ms;       /* added to every engine reply */
	int help;                  /* --help was given (parse only) */

	/* private: what mock_options_parse allocated (freed by _clear) */
	void *owned_;
} mock_options;

/* Defaults: 1 node, 1 DC, 1 rack, port 9042, default tokens, release
 * 4.0.11, protocol v5, lz4 offered, no auth, no TLS, no latency. */
void mock_options_init(mock_options *o);

/*
 * Parses the command line (argv[0] is the program name) into o, which
 * mock_options_init prepared; string options point into argv. Then
 * validates (mock_options_validate). Returns 0, or UCQL_E_INVALID_ARG with
 * a message in err[errlen]. --help sets o->help and returns 0 at once.
 * Call mock_options_clear afterwards either way.
 */
int mock_options_parse(mock_options *o, int argc, char **argv, char *err, size_t errlen);

/* Checks every field (ranges, combinations, files readable). 0 or
 * UCQL_E_INVALID_ARG with a message. */
int mock_options_validate(const mock_options *o, char *err, size_t errlen);

/* Frees what mock_options_parse allocated. */
void mock_options_clear(mock_options *o);

/* Writes --help's text. */
void mock_options_usage(FILE *f, const char *prog);

typedef struct mock_run mock_run;

/*
 * Validates o, builds the topology, the engine and the TLS context, starts
 * the server (every node listening) and attaches the engine. Nothing in o
 * is used after it returns. Returns 0 with *out set, or an error with a
 * message in err[errlen] and nothing left running: UCQL_E_INVALID_ARG for
 * bad options (including unusable TLS files), a negative errno from the
 * server (e.g. -EADDRINUSE), or another UCQL error.
 */
int mock_run_start(const mock_options *o, mock_run **out, char *err, size_t errlen);

/* Stops the server and frees everything. NULL is a no-op. */
void mock_run_stop(mock_run *run);

/* The running server, for mock_node_set_up, stats, events… */
mock_cluster *mock_run_cluster(mock_run *run);
/* The topology the run was built from (read-only). */
const mock_topology *mock_run_topology(const mock_run *run);

#ifdef __cplusplus
}
#endif

#endif
