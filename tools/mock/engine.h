/*
 * engine.h — ucql-mock's CQL engine: the mock_handler_fn that answers
 * QUERY / PREPARE / EXECUTE / BATCH for every node of a cluster, with the
 * catalog (schema.h), the per-node in-memory stores (store.h), the
 * prepared statement cache, the virtual system tables and the control
 * tables (ucql_mock.nodes, ucql_mock.stats).
 *
 * One engine per cluster. Its state is touched only by the handler, which
 * the server runs on its loop thread one request at a time: no locks.
 *
 * Typical use:
 *   mock_engine_config ec = { .topology = topo };
 *   mock_engine_new(&ec, &eng, err, sizeof err);
 *   cfg.handler = mock_engine_handler; cfg.handler_ctx = eng;
 *   mock_cluster_start(&cfg, &cl, ...);
 *   mock_engine_attach(eng, cl);
 *   ...
 *   mock_cluster_stop(cl); mock_engine_free(eng);
 */
#ifndef MOCK_ENGINE_H
#define MOCK_ENGINE_H

#include <stddef.h>

#include "ring.h"
#include "server.h"

typedef struct mock_engine mock_engine;

typedef struct mock_engine_config {
	/* Nodes (ids 1 … N must match the server's nodes), DCs, racks and
	 * tokens. Copied (snapshot) by mock_engine_new: the caller keeps it. */
	const mock_topology *topology;
	/* system.local.release_version; NULL = "4.0.11" (or "3.11.16" in
	 * 3.11 mode). */
	const char *release_version;
	/* 1: behave as Cassandra 3.11: no system.peers_v2 (SELECTs on it
	 * fail with Invalid "unconfigured table peers_v2"), no
	 * system_virtual_schema. */
	int mode_311;
	/* 1: no system.peers_v2 even in 4.0 mode. */
	int no_peers_v2;
	/* system.local.cluster_name; NULL = "ucql-mock". */
	const char *cluster_name;
} mock_engine_config;

/* Builds an engine (catalog with the system keyspaces, empty stores).
 * Returns 0, or a UCQL_E_* code with a message in err[errlen]. */
int mock_engine_new(const mock_engine_config *cfg, mock_engine **out, char *err, size_t errlen);

/* Frees everything. NULL is a no-op. Stop the cluster first. */
void mock_engine_free(mock_engine *e);

/* The request handler: pass as mock_config.handler with handler_ctx = the
 * engine. */
int mock_engine_handler(void *ctx, const mock_request *req, mock_reply *out);

/* Tells the engine its cluster (events, node state, stats). Call after
 * mock_cluster_start, before clients send requests; requests handled
 * before it see every node up and push no events. */
void mock_engine_attach(mock_engine *e, mock_cluster *c);

#endif
