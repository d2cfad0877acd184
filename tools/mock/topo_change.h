/*
 * topo_change.h — adding and removing nodes of a running ucql-mock
 * cluster: INSERT INTO / DELETE FROM ucql_mock.nodes, or the C calls
 * below. The engine gets a new ring and replica maps, the server starts or
 * stops listening on the node's address, and the other nodes push
 * TOPOLOGY_CHANGE (then STATUS_CHANGE UP for a new node). Loop thread only
 * (from a handler), or before/without a running cluster, like the rest of
 * the engine.
 */
#ifndef MOCK_TOPO_CHANGE_H
#define MOCK_TOPO_CHANGE_H

#include "engine_int.h"

/*
 * Adds node `id` (1..MOCK_MAX_NODES, not in the ring) in DC `dc` / rack
 * `rack` (NULL: the round-robin placement over the current DC and rack
 * counts). It takes tokens by bisecting the largest ranges, receives a
 * copy of every partition it now replicates from a replica that had it,
 * listens on 127.0.0.<id>, and NEW_NODE + UP are pushed. Returns 0, or
 * UCQL_E_INVALID with a message in err (bad / existing id, bind failure),
 * UCQL_E_NOMEM.
 */
int mock_engine_add_node(mock_engine *e, int id, const char *dc, const char *rack, char *err,
			 size_t errlen);

/*
 * Removes node `id`: its connections are closed once what is queued for
 * them is sent, it stops listening, the partitions it held are copied to
 * their new replicas that lack them, its data is dropped, REMOVED_NODE is
 * pushed. Returns 0, or UCQL_E_INVALID (unknown node, last node) with a
 * message, UCQL_E_NOMEM.
 */
int mock_engine_remove_node(mock_engine *e, int id, char *err, size_t errlen);

/*
 * Has every up node but `node` push the event `type`
 * (UCQL_EVENT_TOPOLOGY_CHANGE / _STATUS_CHANGE) with `change` about node
 * `node` (its address and the cluster's CQL port) to the connections that
 * registered for it. Nothing without a cluster.
 */
void mock_engine_push_node_event(mock_engine *e, int type, int change, int node);

/* INSERT / DELETE on ucql_mock.nodes: MOCK_RES, MOCK_ERR (error written)
 * or UCQL_E_NOMEM. */
int mock_nodes_modify(mock_exec *x, mock_table *t, const mock_stmt *s);

#endif
