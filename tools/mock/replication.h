/*
 * tools/mock/replication.h — keyspace replication strategies of ucql-mock,
 * computing each token's replicas exactly as Cassandra 4.0 does.
 *
 *  - mock_replication: a keyspace's parsed, validated replication options
 *    (the CQL map {'class': …, …} as strings), with Cassandra's error texts.
 *  - mock_replica_map: for one ring and one mock_replication, every ring
 *    range's replica list, precomputed so that a lookup is a binary search
 *    plus an array index. Immutable once built: any thread may read it. On
 *    a topology change build a new one from the new ring.
 *
 * Replica order is Cassandra's (AbstractReplicationStrategy
 * .calculateNaturalReplicas): the ring is walked clockwise from the range's
 * end token and nodes are appended in the order they are accepted, across
 * DCs for NetworkTopologyStrategy. The first replica is the range's owner
 * whenever its DC is replicated.
 *
 * Errors: 0 or a UCQL_E_* code, and a message in err[errlen] (if not NULL).
 * Option errors are what Cassandra answers: UCQL_E_CONFIG (its
 * ConfigurationException → error 0x2300) with its message text, or
 * UCQL_E_INVALID for the reserved LocalStrategy.
 */
#ifndef UCQL_MOCK_REPLICATION_H
#define UCQL_MOCK_REPLICATION_H

#include <stddef.h>
#include <stdint.h>

#include "ring.h"

typedef enum mock_repl_class {
	MOCK_REPL_SIMPLE = 1,     /* org.apache.cassandra.locator.SimpleStrategy */
	MOCK_REPL_NTS,            /* …NetworkTopologyStrategy */
	MOCK_REPL_LOCAL,          /* …LocalStrategy: the coordinator only */
	MOCK_REPL_EVERYWHERE,     /* …EverywhereStrategy (DSE, ScyllaDB): all nodes */
} mock_repl_class;

/* mock_replication_parse flags. */
enum {
	/* Validation of CREATE/ALTER KEYSPACE input: reject options a strategy
	 * does not know (for NetworkTopologyStrategy: DC names no node has,
	 * as Cassandra 4.0 does since CASSANDRA-12681) and LocalStrategy.
	 * Without it (schema loaded or re-applied after a topology change)
	 * such options are ignored, as Cassandra only logs them then. */
	MOCK_REPL_STRICT = 1,
};

typedef struct mock_repl_dc {
	char *name;
	int rf;
} mock_repl_dc;

typedef struct mock_replication {
	mock_repl_class cls;
	int rf;              /* SimpleStrategy */
	mock_repl_dc *dcs;   /* NetworkTopologyStrategy, in option order */
	size_t ndcs;
	/* The options as Cassandra stores them in system_schema.keyspaces
	 * .replication: 'class' first with the full class name, then the
	 * strategy's options (for NetworkTopologyStrategy after expanding
	 * 'replication_factor' to every DC and dropping DCs set to '0'). */
	char **keys;
	char **values;
	size_t nopts;
} mock_replication;

/* The full Java class name of a strategy. */
const char *mock_replication_class_name(mock_repl_class cls);

/* Parses the n options keys[i] = values[i] of keyspace `keyspace` (it
 * appears in Cassandra's messages). `ring` supplies the DC names for
 * 'replication_factor' expansion and the unknown-DC check; it may be NULL
 * (no DC known). On success *out must be released with
 * mock_replication_clear; on error *out is left empty. */
int mock_replication_parse(mock_replication *out, const char *keyspace, const char *const *keys,
			   const char *const *values, size_t n, const mock_ring *ring, unsigned flags,
			   char *err, size_t errlen);
/* Deep copy (for keeping a keyspace's options across rebuilds). */
int mock_replication_copy(mock_replication *dst, const mock_replication *src);
/* Frees what parse/copy allocated and zeroes *r. */
void mock_replication_clear(mock_replication *r);

typedef struct mock_replica_map mock_replica_map;

/* Precomputes every range's replicas. Takes a reference on `ring`
 * (released by mock_replica_map_free). DCs of the options that have no
 * node get no replicas. */
int mock_replica_map_build(mock_replica_map **out, mock_ring *ring, const mock_replication *repl,
			   char *err, size_t errlen);
/* NULL is a no-op. */
void mock_replica_map_free(mock_replica_map *m);

const mock_ring *mock_replica_map_ring(const mock_replica_map *m);
/* Replicas of token t as node ids, in Cassandra's order; *n gets their
 * count. `coordinator` (a node id) matters only for LocalStrategy, whose
 * replica is the coordinator itself (none if it is not in the ring). The
 * array lives as long as the map. Empty ring: *n = 0. */
const int *mock_replica_map_get(const mock_replica_map *m, int64_t t, int coordinator, size_t *n);
/* 1 if node `id` is a replica of token t, else 0. */
int mock_replica_map_contains(const mock_replica_map *m, int64_t t, int coordinator, int id);
/* Replicas of ring range i (ending at mock_ring_entries(ring)[i].token). */
const int *mock_replica_map_range(const mock_replica_map *m, size_t i, int coordinator, size_t *n);

#endif
