/*
 * tools/mock/ring.h — ucql-mock's nodes, their tokens and the token ring.
 *
 * Two objects:
 *  - mock_topology: the mutable description of the cluster (nodes, their
 *    address, DC, rack and Murmur3 tokens). Built from a config, then nodes
 *    may be added, removed, moved to another DC/rack or given explicit
 *    tokens. Not thread-safe: one owner changes it.
 *  - mock_ring: an immutable snapshot of a topology (sorted token → node
 *    list, node table, DC and rack indexes). Any thread may read it; it is
 *    reference-counted so readers keep it alive while the owner installs a
 *    new ring after a topology change (replica maps hold a reference too).
 *
 * Cassandra semantics: a token belongs to the range (previous ring token,
 * ring token], so the owner of token t is the node of the first ring entry
 * with token >= t, wrapping to the first entry past the largest token.
 *
 * Errors: functions return 0 or a UCQL_E_* code (UCQL_E_INVALID_ARG for a
 * bad argument, UCQL_E_NOMEM), and write a NUL-terminated message into
 * err[errlen] when err is not NULL.
 */
#ifndef UCQL_MOCK_RING_H
#define UCQL_MOCK_RING_H

#include <stddef.h>
#include <stdint.h>

/* Tokens per node when the config says 0. Cassandra 4.0's cassandra.yaml
 * ships num_tokens: 16, so drivers see the vnode count they meet on a stock
 * 4.0 cluster (several tokens per host, replica de-duplication in their
 * token maps); a few hundred ring entries cost nothing here. */
#define MOCK_RING_DEFAULT_TOKENS 16
/* 127.0.0.1 … 127.0.0.254: one loopback address per node. */
#define MOCK_RING_MAX_NODES 254
/* Cassandra refuses num_tokens above 1536; a lower cap keeps the per
 * keyspace replica tables small. */
#define MOCK_RING_MAX_TOKENS 1024
/* Longest DC or rack name, NUL included. */
#define MOCK_NAME_MAX 64
/* "-9223372036854775808" plus the NUL. */
#define MOCK_TOKEN_STR_MAX 21

typedef enum mock_token_mode {
	/* The ring split into nodes × tokens equal slices (Cassandra's token
	 * generator: slice s starts at s * floor(2^64 / slices) - 2^63),
	 * interleaved: node k (k-th in id order, 0-based) gets slices k,
	 * k + N, k + 2N, … Added nodes bisect the largest ranges. */
	MOCK_TOKENS_EVEN = 0,
	/* Tokens drawn from splitmix64 seeded per node with (seed, node id):
	 * deterministic, and independent of the order nodes are added in. */
	MOCK_TOKENS_RANDOM = 1,
} mock_token_mode;

typedef struct mock_topology_config {
	int nodes;           /* initial node count, 0 … MOCK_RING_MAX_NODES */
	int dcs;             /* data centers dc1 … dcD; 0 means 1 */
	int racks;           /* racks rack1 … rackR per DC; 0 means 1 */
	int tokens_per_node; /* 1 … MOCK_RING_MAX_TOKENS; 0 means the default */
	mock_token_mode token_mode;
	uint64_t seed;       /* MOCK_TOKENS_RANDOM only */
} mock_topology_config;

typedef struct mock_node {
	int id;                   /* 1-based, stable across topology changes */
	char address[16];         /* "127.0.0.<id>" */
	char dc[MOCK_NAME_MAX];
	char rack[MOCK_NAME_MAX];
	int64_t *tokens;          /* sorted ascending, no duplicates */
	size_t ntokens;
} mock_node;

typedef struct mock_topology mock_topology;
typedef struct mock_ring mock_ring;

typedef struct mock_ring_entry {
	int64_t token;
	uint32_t node; /* index into the ring's node table (mock_ring_node_at) */
} mock_ring_entry;

/* ---- tokens ---- */

/* Writes t in decimal (system.local.tokens is a set<text>); returns the
 * length, or UCQL_E_NOSPACE if len < MOCK_TOKEN_STR_MAX. */
int mock_token_format(int64_t t, char *buf, size_t len);
/* Parses a decimal token (optional '-', digits, nothing else, in int64
 * range). Returns 0 or UCQL_E_INVALID_ARG. */
int mock_token_parse(const char *s, int64_t *out);
/* Token of slice `slice` of `slices` equal slices: floor(2^64 / slices) *
 * slice - 2^63. slice < slices, slices >= 1. */
int64_t mock_token_even(uint64_t slice, uint64_t slices);
/* One splitmix64 step (Vigna): advances *state, returns the next output. */
uint64_t mock_splitmix64(uint64_t *state);

/* Default placement of node `id` in a cluster of `dcs` DCs and `racks`
 * racks per DC: DC ((id-1) % dcs) + 1, and within its DC the racks go
 * round-robin too: rack (((id-1) / dcs) % racks) + 1. Returns the DC and
 * rack numbers (1-based). */
void mock_node_default_location(int id, int dcs, int racks, int *dc, int *rack);

/* ---- topology ---- */

/* A topology of cfg->nodes nodes with ids 1 … nodes, placed and given
 * tokens as the config says. *out is freed with mock_topology_free. */
int mock_topology_new(mock_topology **out, const mock_topology_config *cfg, char *err, size_t errlen);
/* NULL is a no-op. */
void mock_topology_free(mock_topology *t);

/* Adds a node. id 0 picks one more than the highest id ever used (a
 * removed node's address is not reused unless asked for). dc/rack NULL
 * place it by mock_node_default_location. It gets tokens_per_node tokens:
 * EVEN mode bisects the largest ranges of the current ring (ties broken
 * to spread the new tokens around the ring), RANDOM draws them. The id is
 * stored in *id_out if not NULL. */
int mock_topology_add_node(mock_topology *t, int id, const char *dc, const char *rack, int *id_out,
			   char *err, size_t errlen);
/* Removes node `id`; its ranges pass to the next tokens on the ring. */
int mock_topology_remove_node(mock_topology *t, int id, char *err, size_t errlen);
/* Moves node `id` to another DC and/or rack (NULL keeps the current one). */
int mock_topology_set_location(mock_topology *t, int id, const char *dc, const char *rack, char *err,
			       size_t errlen);
/* Replaces node `id`'s tokens (copied, sorted). Every token must be unique
 * in the cluster; n is 1 … MOCK_RING_MAX_TOKENS. */
int mock_topology_set_tokens(mock_topology *t, int id, const int64_t *tokens, size_t n, char *err,
			     size_t errlen);
size_t mock_topology_node_count(const mock_topology *t);
/* Nodes in id order; NULL when out of range / no such id. Valid until the
 * topology changes. */
const mock_node *mock_topology_node_at(const mock_topology *t, size_t i);
const mock_node *mock_topology_node(const mock_topology *t, int id);

/* ---- ring ---- */

/* Snapshots the topology (deep copy): *out holds one reference. */
int mock_ring_build(mock_ring **out, const mock_topology *t, char *err, size_t errlen);
/* Takes another reference (atomic); returns r. */
mock_ring *mock_ring_ref(mock_ring *r);
/* Drops a reference (atomic); the last one frees the ring. NULL is a no-op. */
void mock_ring_unref(mock_ring *r);

/* Ring entries sorted by token; mock_ring_size() of them. */
size_t mock_ring_size(const mock_ring *r);
const mock_ring_entry *mock_ring_entries(const mock_ring *r);
/* Index of the entry whose range (previous token, token] holds t: the
 * first entry with token >= t, or 0 past the last (binary search). An
 * empty ring returns 0 too: check mock_ring_size first. */
size_t mock_ring_find(const mock_ring *r, int64_t t);
/* Id of the node owning token t (its primary replica); 0 if empty. */
int mock_ring_owner(const mock_ring *r, int64_t t);

/* Nodes in id order, with their DC (0 … dc_count-1) and rack (global
 * index over distinct (DC, rack) pairs, 0 … rack_count-1). */
size_t mock_ring_node_count(const mock_ring *r);
const mock_node *mock_ring_node_at(const mock_ring *r, size_t i);
/* Node by id; NULL if absent. *index gets its table index if not NULL. */
const mock_node *mock_ring_node(const mock_ring *r, int id, size_t *index);
uint32_t mock_ring_node_dc(const mock_ring *r, size_t i);
uint32_t mock_ring_node_rack(const mock_ring *r, size_t i);

/* Data centers in order of first appearance by node id. */
size_t mock_ring_dc_count(const mock_ring *r);
const char *mock_ring_dc_name(const mock_ring *r, size_t dc);
/* Index of the DC called `name` (exact, case-sensitive as in Cassandra),
 * or -1. */
int mock_ring_dc_find(const mock_ring *r, const char *name);
size_t mock_ring_dc_node_count(const mock_ring *r, size_t dc);
size_t mock_ring_dc_rack_count(const mock_ring *r, size_t dc);
size_t mock_ring_rack_count(const mock_ring *r);

#endif
