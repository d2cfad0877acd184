/*
 * schema_sys.c — the system keyspaces a Cassandra 4.0 cluster has, with the
 * tables drivers read (their rows are computed: systables.c), and the
 * ucql_mock control keyspace.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "schema_int.h"

/* A table: pk / ck / other columns as "name type;name type". */
typedef struct sys_table {
	const char *ks, *name;
	int vt;
	const char *pk, *ck, *cols;
	int only_40; /* absent in 3.11 mode */
} sys_table;

#define TABLE_OPTS                                                                        \
	"additional_write_policy text;bloom_filter_fp_chance double;"                     \
	"caching frozen<map<text, text>>;cdc boolean;comment text;"                        \
	"compaction frozen<map<text, text>>;compression frozen<map<text, text>>;"          \
	"crc_check_chance double;default_time_to_live int;"                               \
	"extensions frozen<map<text, blob>>;gc_grace_seconds int;"                        \
	"max_index_interval int;memtable_flush_period_in_ms int;min_index_interval int;"  \
	"read_repair text;speculative_retry text"

static const sys_table sys_tables[] = {
	{ "system", "local", MOCK_VT_LOCAL, "key text", "",
	  "bootstrapped text;broadcast_address inet;broadcast_port int;cluster_name text;"
	  "cql_version text;data_center text;gossip_generation int;host_id uuid;"
	  "listen_address inet;listen_port int;native_protocol_version text;partitioner text;"
	  "rack text;release_version text;rpc_address inet;rpc_port int;schema_version uuid;"
	  "tokens set<text>;truncated_at map<uuid, blob>", 0 },
	{ "system", "peers", MOCK_VT_PEERS, "peer inet", "",
	  "data_center text;host_id uuid;preferred_ip inet;rack text;release_version text;"
	  "rpc_address inet;schema_version uuid;tokens set<text>", 0 },
	{ "system", "peers_v2", MOCK_VT_PEERS_V2, "peer inet", "peer_port int",
	  "data_center text;host_id uuid;native_address inet;native_port int;preferred_ip inet;"
	  "preferred_port int;rack text;release_version text;schema_version uuid;tokens set<text>", 1 },
	{ "system_schema", "keyspaces", MOCK_VT_SCHEMA_KEYSPACES, "keyspace_name text", "",
	  "durable_writes boolean;replication frozen<map<text, text>>", 0 },
	{ "system_schema", "tables", MOCK_VT_SCHEMA_TABLES, "keyspace_name text", "table_name text",
	  TABLE_OPTS ";flags frozen<set<text>>;id uuid", 0 },
	{ "system_schema", "columns", MOCK_VT_SCHEMA_COLUMNS, "keyspace_name text",
	  "table_name text;column_name text",
	  "clustering_order text;column_name_bytes blob;kind text;position int;type text", 0 },
	{ "system_schema", "types", MOCK_VT_SCHEMA_TYPES, "keyspace_name text", "type_name text",
	  "field_names frozen<list<text>>;field_types frozen<list<text>>", 0 },
	{ "system_schema", "functions", MOCK_VT_SCHEMA_EMPTY, "keyspace_name text",
	  "function_name text;argument_types frozen<list<text>>",
	  "argument_names frozen<list<text>>;body text;called_on_null_input boolean;language text;"
	  "return_type text", 0 },
	{ "system_schema", "aggregates", MOCK_VT_SCHEMA_EMPTY, "keyspace_name text",
	  "aggregate_name text;argument_types frozen<list<text>>",
	  "final_func text;initcond text;return_type text;state_func text;state_type text", 0 },
	{ "system_schema", "triggers", MOCK_VT_SCHEMA_EMPTY, "keyspace_name text",
	  "table_name text;trigger_name text", "options frozen<map<text, text>>", 0 },
	{ "system_schema", "indexes", MOCK_VT_SCHEMA_EMPTY, "keyspace_name text",
	  "table_name text;index_name text", "kind text;options frozen<map<text, text>>", 0 },
	{ "system_schema", "views", MOCK_VT_SCHEMA_EMPTY, "keyspace_name text", "view_name text",
	  TABLE_OPTS ";base_table_id uuid;base_table_name text;id uuid;include_all_columns boolean;"
	  "where_clause text", 0 },
	{ "system_schema", "dropped_columns", MOCK_VT_SCHEMA_EMPTY, "keyspace_name text",
	  "table_name text;column_name text", "dropped_time timestamp;kind text;type text", 0 },
	{ "system_virtual_schema", "keyspaces", MOCK_VT_VIRT_KEYSPACES, "keyspace_name text", "", "",
	  1 },
	{ "system_virtual_schema", "tables", MOCK_VT_VIRT_TABLES, "keyspace_name text",
	  "table_name text", "comment text", 1 },
	{ "system_virtual_schema", "columns", MOCK_VT_VIRT_COLUMNS, "keyspace_name text",
	  "table_name text;column_name text",
	  "clustering_order text;column_name_bytes blob;kind text;position int;type text", 1 },
	{ "system_traces", "sessions", MOCK_VT_EMPTY, "session_id uuid", "",
	  "client inet;command text;coordinator inet;coordinator_port int;duration int;"
	  "parameters map<text, text>;request text;started_at timestamp", 0 },
	{ "system_traces", "events", MOCK_VT_EMPTY, "session_id uuid", "event_id timeuuid",
	  "activity text;source inet;source_elapsed int;source_port int;thread text", 0 },
	{ "ucql_mock", "nodes", MOCK_VT_NODES, "node int", "",
	  "address inet;dc text;rack text;state text", 0 },
	{ "ucql_mock", "stats", MOCK_VT_STATS, "node int", "",
	  "connections int;non_replica_requests bigint;replica_requests bigint;requests bigint", 0 },
	{ "ucql_mock", "rules", MOCK_VT_RULES, "id int", "",
	  "action text;alive int;connection text;consistency text;count int;data_present boolean;"
	  "delay_ms int;error_code int;error_keyspace text;error_message text;error_table text;"
	  "failures int;function_name text;keyspace_name text;node int;opcode text;"
	  "probability double;query text;received int;remaining int;required int;seed bigint;"
	  "table_name text;write_type text", 0 },
	{ "ucql_mock", "activity", MOCK_VT_ACTIVITY, "node int", "seq bigint",
	  "action text;at timestamp;connection text;consistency text;keyspace_name text;"
	  "opcode text;query text;rule_id int;values_count int", 0 },
};

/* Adds the ';'-separated "name type" columns of spec. */
static int add_columns(mock_catalog *c, mock_table *t, const char *spec, int kind)
{
	int pos = 0;
	while (spec && *spec) {
		const char *end = strchr(spec, ';');
		size_t n = end ? (size_t)(end - spec) : strlen(spec);
		char buf[256];
		if (n >= sizeof buf)
			return UCQL_E_INVALID_ARG;
		memcpy(buf, spec, n);
		buf[n] = 0;
		char *sp = strchr(buf, ' ');
		if (!sp)
			return UCQL_E_INVALID_ARG;
		*sp = 0;
		int rc = mock__table_add_column(c, t, buf, sp + 1, kind,
						kind == MOCK_COL_PK || kind == MOCK_COL_CK ? pos : -1, 0);
		if (rc)
			return rc;
		pos++;
		spec = end ? end + 1 : NULL;
	}
	return 0;
}

static int add_sys_keyspace(mock_catalog *c, const char *name, const char *cls, const char *rf,
			    int virtual_ks, char *err, size_t errlen)
{
	const char *keys[2] = { "class", "replication_factor" };
	const char *vals[2] = { cls, rf };
	mock_keyspace *k;
	int rc = mock__catalog_add_keyspace(c, name, keys, vals, rf ? 2 : 1, 0, &k, err, errlen);
	if (rc)
		return rc;
	k->system = 1;
	k->virtual_ks = virtual_ks;
	return 0;
}

int mock_catalog_init(mock_catalog *c, mock_ring *ring, int mode_311, int no_peers_v2, char *err,
		      size_t errlen)
{
	memset(c, 0, sizeof *c);
	c->ring = mock_ring_ref(ring);
	c->mode_311 = mode_311;
	c->no_peers_v2 = no_peers_v2 || mode_311;
	/* Stores are indexed by node id: room for the highest id. */
	for (size_t i = 0; i < mock_ring_node_count(ring); i++) {
		size_t id = (size_t)mock_ring_node_at(ring, i)->id;
		if (id > c->nnodes_max)
			c->nnodes_max = id;
	}
	const char *local = "LocalStrategy", *simple = "SimpleStrategy";
	int rc = add_sys_keyspace(c, "system", local, NULL, 0, err, errlen);
	if (!rc)
		rc = add_sys_keyspace(c, "system_schema", local, NULL, 0, err, errlen);
	if (!rc)
		rc = add_sys_keyspace(c, "system_auth", simple, "1", 0, err, errlen);
	if (!rc)
		rc = add_sys_keyspace(c, "system_distributed", simple, "3", 0, err, errlen);
	if (!rc)
		rc = add_sys_keyspace(c, "system_traces", simple, "2", 0, err, errlen);
	if (!rc && !mode_311)
		rc = add_sys_keyspace(c, "system_virtual_schema", local, NULL, 1, err, errlen);
	if (!rc)
		rc = add_sys_keyspace(c, "ucql_mock", local, NULL, 1, err, errlen);
	for (size_t i = 0; !rc && i < sizeof sys_tables / sizeof *sys_tables; i++) {
		const sys_table *s = &sys_tables[i];
		if (s->only_40 && c->no_peers_v2 && s->vt == MOCK_VT_PEERS_V2)
			continue;
		mock_keyspace *k = mock_catalog_keyspace(c, s->ks);
		if (!k)
			continue; /* system_virtual_schema in 3.11 mode */
		mock_table *t = mock__table_new(s->ks, s->name, c->nnodes_max);
		if (!t) {
			rc = UCQL_E_NOMEM;
			break;
		}
		t->vtable = s->vt;
		rc = add_columns(c, t, s->pk, MOCK_COL_PK);
		if (!rc)
			rc = add_columns(c, t, s->ck, MOCK_COL_CK);
		if (!rc)
			rc = add_columns(c, t, s->cols, MOCK_COL_REGULAR);
		mock_table **v = rc ? NULL : realloc(k->tables, (k->ntables + 1) * sizeof *v);
		if (!rc && !v)
			rc = UCQL_E_NOMEM;
		if (rc) {
			mock__table_free(t);
			snprintf(err, errlen, "system table %s.%s: %s", s->ks, s->name, ucql_err_str(rc));
			break;
		}
		mock__table_sort(t);
		k->tables = v;
		v[k->ntables++] = t;
	}
	if (rc) {
		mock_catalog_free(c);
		return rc;
	}
	mock_catalog_bump(c);
	return 0;
}
