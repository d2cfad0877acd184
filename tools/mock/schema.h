/*
 * schema.h — ucql-mock's catalog: keyspaces (replication, replica map),
 * tables (columns with kind, position and type, clustering order), user
 * types, and the schema_version that changes on every DDL.
 *
 * One catalog per engine, shared by every node (schema always agrees).
 * Loop thread only. Names are exact (already case-folded by the parser).
 */
#ifndef MOCK_SCHEMA_H
#define MOCK_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "cql_ast.h"
#include "replication.h"

enum mock_col_kind {
	MOCK_COL_PK = 1,
	MOCK_COL_CK,
	MOCK_COL_STATIC,
	MOCK_COL_REGULAR,
};

/* Virtual tables (rows computed on SELECT); 0 = a data table. */
enum mock_vtable {
	MOCK_VT_NONE = 0,
	MOCK_VT_LOCAL,
	MOCK_VT_PEERS,
	MOCK_VT_PEERS_V2,
	MOCK_VT_SCHEMA_KEYSPACES,
	MOCK_VT_SCHEMA_TABLES,
	MOCK_VT_SCHEMA_COLUMNS,
	MOCK_VT_SCHEMA_TYPES,
	MOCK_VT_SCHEMA_EMPTY, /* functions, aggregates, triggers, indexes, views, dropped_columns */
	MOCK_VT_VIRT_KEYSPACES,
	MOCK_VT_VIRT_TABLES,
	MOCK_VT_VIRT_COLUMNS,
	MOCK_VT_NODES,
	MOCK_VT_STATS,
	MOCK_VT_EMPTY, /* other system tables drivers may read: no rows */
	MOCK_VT_RULES,    /* ucql_mock.rules (rules.h) */
	MOCK_VT_ACTIVITY, /* ucql_mock.activity (rules.h) */
};

/* Max type nodes of one column type. */
#define MOCK_TYPE_NODES 64

typedef struct mock_column {
	char *name;
	char *type_text;  /* CQL text as system_schema.columns.type shows it */
	ucql_type nodes[MOCK_TYPE_NODES];
	ucql_type_set types; /* parsed from type_text (UDTs expanded) */
	int root;
	int kind;         /* enum mock_col_kind */
	int position;     /* in the key; -1 for static/regular */
	int desc;         /* clustering DESC */
	int counter;      /* type is counter */
	int multicell;    /* a non-frozen collection */
} mock_column;

typedef struct mock_tstore mock_tstore; /* store.h */

typedef struct mock_table {
	char *ks;
	char *name;
	uint8_t id[16];
	mock_column *cols; /* SELECT * order: pk (key order), ck, the rest by name */
	size_t ncols, npk, nck;
	int vtable;       /* enum mock_vtable */
	int is_counter;   /* has counter columns */
	int has_static;
	mock_tstore **stores; /* per node: index node id (1..n), lazily made */
	size_t nstores;
} mock_table;

typedef struct mock_udt {
	char *ks, *name;
	char **field_names;
	char **field_types; /* CQL text */
	size_t nfields;
} mock_udt;

typedef struct mock_keyspace {
	char *name;
	mock_replication repl;
	mock_replica_map *map;
	int durable_writes;
	int system;       /* a system keyspace: not droppable, no DDL */
	int virtual_ks;   /* listed in system_virtual_schema, not system_schema */
	mock_table **tables;
	size_t ntables;
	mock_udt **types;
	size_t ntypes;
} mock_keyspace;

typedef struct mock_catalog {
	mock_keyspace **ks;
	size_t nks;
	uint8_t version[16];  /* schema_version */
	mock_ring *ring;      /* for replica maps (a reference) */
	size_t nnodes_max;    /* stores array size - 1 */
	int mode_311, no_peers_v2;
} mock_catalog;

/* The catalog with the system keyspaces and virtual tables. Takes a
 * reference on ring. */
int mock_catalog_init(mock_catalog *c, mock_ring *ring, int mode_311, int no_peers_v2, char *err,
		      size_t errlen);
void mock_catalog_free(mock_catalog *c);
/* New random schema_version (after each DDL). */
void mock_catalog_bump(mock_catalog *c);

mock_keyspace *mock_catalog_keyspace(const mock_catalog *c, const char *name);
mock_table *mock_catalog_table(const mock_catalog *c, const char *ks, const char *name);
mock_udt *mock_catalog_type(const mock_catalog *c, const char *ks, const char *name);
/* Index of column `name` in t->cols, or -1. */
int mock_table_column(const mock_table *t, const char *name);

/* DDL. Each returns 0 (done), 1 (IF [NOT] EXISTS made it a no-op) or a
 * UCQL_E_* code with Cassandra's message in err. */
int mock_catalog_create_keyspace(mock_catalog *c, const mock_create_keyspace *s, char *err,
				 size_t errlen);
int mock_catalog_drop_keyspace(mock_catalog *c, const char *name, int if_exists, char *err,
			       size_t errlen);
int mock_catalog_create_table(mock_catalog *c, const char *ks, const mock_create_table *s,
			      char *err, size_t errlen);
int mock_catalog_drop_table(mock_catalog *c, const char *ks, const char *name, int if_exists,
			    char *err, size_t errlen);
int mock_catalog_create_type(mock_catalog *c, const char *ks, const mock_create_type *s, char *err,
			     size_t errlen);
int mock_catalog_drop_type(mock_catalog *c, const char *ks, const char *name, int if_exists,
			   char *err, size_t errlen);

/* Formats a uuid as 36 characters plus NUL. */
void mock_uuid_str(const uint8_t u[16], char out[37]);

#endif
